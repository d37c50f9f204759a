"""The engine's primitive ``passes`` agrees with its definition and its general path.

``passes(clock, t, a)`` is the last instant ``x >= t`` with ``between(t, x) <= a``. Inside
the built index it is one bisection (``Index.backward``); elsewhere it asks the calendar
(``_add_us`` then the next opening). Both must give the same instant for every amount,
in zones with DST changes, on random calendars, and above all at closing instants, where
a forward/backward mix-up would put a deadline at 12:30 instead of 13:30.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from hypothesis import assume, given
from hypothesis import strategies as st

from escalate._calendar import _instant
from escalate._engine import between, passes
from tests import strategies as s


def _general(clock, t: int, amount: int) -> int:
    """``passes`` through the calendar's general methods, never the index shortcut."""
    x = clock._add_us(t, amount) if amount > 0 else t
    return clock._next_boundary(x, want_open=True)


@given(scenario=s.scenarios(), data=st.data())
def test_passes_is_the_last_instant_within_the_amount(scenario, data) -> None:
    """between(t, x) == a at x = passes(t, a), and the clock grows right after x."""
    clock = scenario.spec.to_calendar()
    t = data.draw(s.instants_near(scenario.anchor))
    clock._between_us(t, t + 30 * 86_400 * 1_000_000)  # build the index around t
    idx = clock._cache.index
    assume(idx is not None)
    # amounts that run out exactly at closing instants, one microsecond either side
    closes = [b for b in idx.bounds[1::2] if b > t][:12]
    amounts = {max(between(clock, t, c) + k, 0) for c in closes for k in (-1, 0, 1)}
    amounts.add(data.draw(st.integers(0, 200 * 3600 * 1_000_000)))
    for amount in sorted(amounts):
        x = passes(clock, t, amount)
        assert x == _general(clock, t, amount), amount
        assert between(clock, t, x) == amount
        assert between(clock, t, x + 1) == amount + 1  # it grows right after x


def test_passes_at_a_closing_instant_is_the_next_opening() -> None:
    """Two hours from 10:30 on a split day run out at 12:30; they pass at 13:30."""
    clock = s.POLICY_CALENDARS["office"]
    bogota = ZoneInfo("America/Bogota")
    t = _instant(datetime(2026, 11, 20, 10, 30, tzinfo=bogota), "t")
    two_hours = 2 * 3600 * 1_000_000
    assert passes(clock, t, two_hours) == _instant(
        datetime(2026, 11, 20, 13, 30, tzinfo=bogota), "x"
    )
    assert clock._add_us(t, two_hours) == _instant(
        datetime(2026, 11, 20, 12, 30, tzinfo=bogota), "y"
    )
