"""The engine's index shortcuts agree with its general walk through the calendar.

``Measured`` keeps the open time before each piece when one indexed clock covers every
instant, and then ``reach`` and ``due`` are one bisection of the index. The general path
walks the pieces and asks the calendar (``_add_us``, ``_next_boundary``). Both must give
the same instant for every amount, in zones with DST changes, on random calendars.
"""

from __future__ import annotations

from hypothesis import assume, given
from hypothesis import strategies as st

from escalate._engine import Measured, due, reach
from tests import strategies as s
from tests.reference import US


def _general(m: Measured) -> Measured:
    """The same measurement with the shortcut switched off."""
    other = Measured(m.spans, m.open_from, m.clock)
    other.idx = None
    return other


def _f(m: Measured, t: int) -> int:
    """The open time before ``t`` on the measurement's index."""
    assert m.idx is not None
    return m.idx.f(t)


@st.composite
def measured(draw: st.DrawFn) -> Measured:
    """Random running spans on a random calendar, running on or not, index built."""
    scenario = draw(s.scenarios())
    clock = scenario.spec.to_calendar()
    cuts = sorted(set(draw(st.lists(s.instants_near(scenario.anchor), min_size=1, max_size=7))))
    spans = [(a, b) for a, b in zip(cuts[::2], cuts[1::2], strict=False) if b > a]
    running = draw(st.booleans()) or not spans
    open_from = cuts[-1] + draw(st.integers(0, 48 * 3600)) * US if running else None
    low, high = cuts[0], cuts[-1] if open_from is None else open_from
    clock._between_us(low, high)  # build the index over every instant involved
    return Measured(spans, open_from, clock)


@given(m=measured(), data=st.data())
def test_reach_and_due_take_the_shortcut_only_where_it_agrees(
    m: Measured, data: st.DataObject
) -> None:
    """The shortcut and the general walk give the same reach and due instants."""
    assume(m.idx is not None)  # a calendar open all week has no index: nothing to compare
    general = _general(m)
    assert m.lengths == [m.clock._between_us(a, b) for a, b in m.spans]
    assert m.total == general.total
    # every amount that runs out at a piece's end or at a closing instant inside a piece
    # (where the next-opening rule matters), one microsecond either side, and one anywhere
    ends = [sum(m.lengths[: i + 1]) for i in range(len(m.lengths))]
    for i, (a, b) in enumerate(m.spans):
        before = ends[i] - m.lengths[i]
        ends += [before + _f(m, t) - m.starts[i] for t in m.idx.bounds if a < t < b][:20]
    if m.open_from is not None:  # and at the closing instants after it keeps running
        after = [t for t in m.idx.bounds if t > m.open_from][:20]
        ends += [m.total + _f(m, t) - m.f_open for t in after]
    amounts = {e + k for e in ends for k in (-1, 0, 1) if e + k > 0}
    amounts.add(data.draw(st.integers(1, m.total + 30 * 3600 * US)))
    # stopped: the same pieces without running on
    stopped = Measured(m.spans, None, m.clock)
    stopped_general = _general(stopped)
    for amount in sorted(amounts):
        assert reach(m, amount) == reach(general, amount), amount
        assert due(m, amount) == due(general, amount), amount
        assert reach(stopped, amount) == reach(stopped_general, amount), amount
        assert due(stopped, amount) == due(stopped_general, amount), amount


def test_a_piece_outside_the_index_takes_the_general_path() -> None:
    """Spans the index does not cover are measured by the calendar, without shortcuts."""
    clock = s.POLICY_CALENDARS["office"]
    day = 86_400 * 1_000_000
    start = 1_767_225_600 * 1_000_000  # 2026-01-01T00:00Z
    clock._between_us(start, start + day)
    far = start + 3 * 366 * day  # beyond the built years
    m = Measured([(start, start + day), (far, far + day)], far + day, clock)
    assert m.idx is None
    assert m.total == clock._between_us(start, start + day) + clock._between_us(far, far + day)
