"""The engine's shortcuts through the open times it looked up once equal its plain paths.

``OpenTime`` looks up the open time before every event instant once per clock; ``Measured``
and ``incident_clock`` then sum differences of those values in C. Where a clock has no
built index (24x7) or several clocks take turns, they measure with ``between`` instead.
Both ways must give the same elapsed times, with reopens that restart a measurement, on a
split day, across DST changes and on a clock that is always open.
"""

from __future__ import annotations

from datetime import datetime

import attrs
from hypothesis import given, settings

from escalate import Timeline
from escalate._calendar import _instant
from escalate._engine import Measured, OpenTime, between, incident_clock, measure
from escalate._fold import fold
from escalate._plan import compiled
from tests.evaluator_reference import POLICIES, incidents

# the post-incident report restarts on every reopen: here it counts on the office clock
# too, so that a restarted measurement also goes through the looked-up open times
OFFICE = {
    name: attrs.evolve(
        policy,
        targets=[
            attrs.evolve(t, clock=None) if t.name == "postmortem" else t for t in policy.targets
        ],
    )
    for name, policy in POLICIES.items()
}

RESOLVED_TWICE = (
    Timeline.open("2026-01-05T08:00:00-05:00", severity="high")
    .then("resolved", "2026-01-05T09:00:00-05:00")
    .then("reopened", "2026-01-05T10:00:00-05:00")
    .then("resolved", "2026-01-05T11:00:00-05:00")
)
"""Resolved, reopened and resolved again: a restarting target measures twice."""


@given(incidents())
@settings(deadline=None)
def test_looked_up_open_times_measure_as_between_does(case) -> None:
    """Every target's R through the segments, and E on every clock, both ways."""
    name, _policy, timeline, at = case
    policy = OFFICE[name]
    plan = compiled(policy)
    now = _instant(at, "at")
    folded = fold(plan, timeline.instants, now)
    if not folded.times:
        return  # judged before the opening: nothing to measure
    specs = [plan.goals(sev, None) for sev in folded.severity]
    opens = OpenTime(folded.times, now)
    for tp in plan.targets:
        i = tp.index
        fast = measure(folded, i, specs, plan.fallback[i], now, opens)
        plain = measure(folded, i, specs, plan.fallback[i], now)
        assert fast.fs is not None or plain.fs is None
        for field in ("starts", "ends", "total", "began", "first"):
            assert getattr(fast, field) == getattr(plain, field), (tp.name, field)
    times, concluded = folded.times, folded.concluded
    for clock in (policy.calendar("office"), policy.calendar("24x7")):
        expected = [0]
        for j in range(len(times) - 1):
            grown = 0 if concluded[j] else between(clock, times[j], times[j + 1])
            expected.append(expected[-1] + grown)
        assert incident_clock(folded, clock, opens) == expected


def test_a_restarted_measurement_on_the_office_clock_starts_from_zero() -> None:
    """Resolved, reopened, resolved again: the report's clock starts over at the second."""
    policy = OFFICE["bogota"]
    plan = compiled(policy)
    timeline = RESOLVED_TWICE
    now = _instant(datetime.fromisoformat("2026-01-05T12:00:00-05:00"), "now")
    folded = fold(plan, timeline.instants, now)
    specs = [plan.goals(sev, None) for sev in folded.severity]
    index = next(t.index for t in plan.targets if t.name == "postmortem")
    m = measure(folded, index, specs, plan.fallback[index], now, OpenTime(folded.times, now))
    assert isinstance(m, Measured)
    assert m.fs is not None  # through the looked-up open times
    assert m.first == 2  # the reopen restarts the measurement: pending until resolved
    assert m.starts[2:] == [0, 0]
    assert m.began[2:] == [None, folded.times[3]]  # the second resolution starts it
    assert m.ends[1] == 3600 * 1_000_000  # the first measurement: 09:00 to 10:00
    assert m.total == 3600 * 1_000_000  # the current one: 11:00 to 12:00, open
    hour = 3600 * 1_000_000
    opens = OpenTime(folded.times, now)
    for clock in (policy.calendar("office"), policy.calendar("24x7")):  # looked up; between
        # E at each segment start: not while resolved (09:00 to 10:00)
        assert incident_clock(folded, clock, opens) == [0, hour, hour, 2 * hour]
