"""The engine's primitive ``passes`` agrees with its definition and its general path.

Where the answer lies beyond the supported horizon (a calendar open a second a week, asked
for 200 hours), both paths raise :class:`~escalate.HorizonError`.

``passes(clock, t, a)`` is the last instant ``x >= t`` with ``between(t, x) <= a``. Inside
the built index it is one bisection (``Index.backward``); elsewhere it asks the calendar
(``_add_us`` then the next opening). Both must give the same instant for every amount,
in zones with DST changes, on random calendars, and above all at closing instants, where
a forward/backward mix-up would put a deadline at 12:30 instead of 13:30.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from escalate._calendar import _instant
from escalate._engine import between, passes
from escalate._errors import HorizonError
from tests import strategies as s
from tests.reference import CalendarSpec


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
        try:
            expected = _general(clock, t, amount)
        except HorizonError:  # a sparse calendar (a second a week) runs out past 2200
            with pytest.raises(HorizonError):  # and so must the shortcut, the same way
                passes(clock, t, amount)
            continue
        x = passes(clock, t, amount)
        assert x == expected, amount
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


def test_passes_beyond_the_horizon_raises_on_both_paths() -> None:
    """Open one second a week: 9,231 seconds run past 2200, 9,230 stay inside; paths agree."""
    clock = CalendarSpec(timezone="America/Santiago", weekly={0: [(1, 2)]}).to_calendar()
    t = 1_706_745_600_000_000  # 2024-02-01
    clock._between_us(t, t + 30 * 86_400 * 1_000_000)  # the index around t, as above
    inside = 9_230 * 1_000_000
    assert passes(clock, t, inside) == _general(clock, t, inside)
    assert between(clock, t, passes(clock, t, inside)) == inside
    for beyond in (9_231 * 1_000_000, 200 * 3600 * 1_000_000):
        with pytest.raises(HorizonError):
            _general(clock, t, beyond)
        with pytest.raises(HorizonError):
            passes(clock, t, beyond)
