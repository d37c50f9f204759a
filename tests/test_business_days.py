"""Goals in business days: "resolution within 3 business days", in both paths.

A goal of N business days is the business time from the target's start to the same
wall-clock time N business days later (DESIGN rule 8), so half days and holidays on the
way count as what they are.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from escalate import (
    BusinessDays,
    EventLog,
    PolicyError,
    TargetStatus,
    Timeline,
    evaluate,
    evaluate_frame,
    load_policy,
    policy_schema,
)
from tests.frame_check import check_row

BOG = ZoneInfo("America/Bogota")
CONFIG = {
    "clock": "office",
    "calendars": {
        "office": {
            "timezone": "America/Bogota",
            "hours": {"mon-fri": ["07:30-12:30", "13:30-17:00"]},
            "holidays": {"country": "CO"},
            "exceptions": {"2026-12-24": ["07:30-12:00"]},
        }
    },
    "severities": {"alta": {"response": "2h", "resolution": "3bd"}},
}
POLICY = load_policy(CONFIG)


def test_business_days_goals_load_round_trip_and_validate():
    """'3bd' and '3 business days' are goals in business days; the config round-trips."""
    assert POLICY.goal("resolution", "alta").duration == BusinessDays(3)
    spelled = load_policy(
        {**CONFIG, "severities": {"alta": {"response": "2h", "resolution": "3 business days"}}}
    )
    assert spelled == POLICY
    assert load_policy(POLICY.to_dict()) == POLICY
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(POLICY.to_dict(), policy_schema())
    with pytest.raises(
        PolicyError, match=r"severities\.alta\.resolution: a goal in business days must be 1"
    ):
        load_policy({**CONFIG, "severities": {"alta": {"response": "2h", "resolution": "0bd"}}})


def test_three_business_days_across_a_half_day_and_a_holiday():
    """Tue 22 Dec 10:00 + 3 business days is Mon 28 10:00: 6 + 8.5 + 4.5 + 2.5 = 21.5 h."""
    tl = Timeline.open("2026-12-22T10:00:00-05:00", severity="alta")
    result = evaluate(POLICY, tl, as_of="2026-12-22T11:00:00-05:00")["resolution"]
    assert result.goal == timedelta(hours=21, minutes=30)
    assert result.due_at == datetime(2026, 12, 28, 10, tzinfo=BOG)
    assert result.status is TargetStatus.RUNNING
    late = evaluate(POLICY, tl, as_of="2026-12-28T10:00:00.000001-05:00")["resolution"]
    assert late.status is TargetStatus.BREACHED


@given(st.integers(0, 60 * 24 * 60), st.integers(1, 10))
def test_the_deadline_is_the_business_day_count_when_nothing_pauses(minutes, days):
    """Running without pauses, due_at is the next opening at or after add_business_days."""
    policy = load_policy(
        {**CONFIG, "severities": {"alta": {"response": "2h", "resolution": f"{days}bd"}}}
    )
    opened = datetime(2026, 11, 2, tzinfo=BOG) + timedelta(minutes=minutes)
    ev = evaluate(policy, Timeline.open(opened, severity="alta"), as_of=opened)
    clock = policy.calendar("office")
    assert ev["resolution"].due_at == clock.next_open(clock.add_business_days(opened, days))


def test_the_table_path_agrees_and_a_pending_target_has_no_goal_yet():
    """evaluate_frame reports the same as evaluate; before it starts the goal is zero."""
    p = load_policy(
        {
            **CONFIG,
            "targets": {
                "fix": {"start": "workaround_applied", "stop": "fix_released", "required": False}
            },
            "severities": {
                "alta": {
                    "response": "2h",
                    "resolution": "3bd",
                    "fix": str(BusinessDays(2)),
                }
            },
        }
    )
    tl = Timeline.open("2026-12-22T10:00:00-05:00", severity="alta").then(
        "workaround_applied", "2026-12-23T09:00:00-05:00"
    )
    frame = pd.DataFrame([{"id": 1, **e} for e in tl.to_events()])
    for as_of in ("2026-12-22T12:00:00-05:00", "2026-12-29T12:00:00-05:00"):
        out = evaluate_frame(EventLog.from_events(frame), p, as_of=as_of)
        ev = evaluate(p, tl, as_of=as_of)
        check_row(p, out.iloc[0], ev)
    pending = evaluate(p, tl, as_of="2026-12-22T12:00:00-05:00")["fix"]
    assert (pending.status, pending.goal) == (TargetStatus.PENDING, timedelta(0))


@given(
    st.integers(1, 23 * 60),
    st.datetimes(datetime(2026, 12, 20), datetime(2026, 12, 31)),
)
def test_a_warning_longer_than_this_goals_days_is_no_warning(minutes: int, opened: datetime):
    """A warning beyond a business-day goal's length is none, never one after the deadline.

    A goal in business days is as long as its days are (4h30 on 24 December here).
    """
    warning = timedelta(minutes=minutes)
    policy = load_policy(
        {
            **CONFIG,
            "severities": {
                "alta": {
                    "response": "2h",
                    "resolution": {"duration": "1bd", "warning": f"{minutes}m"},
                }
            },
        }
    )
    start = opened.replace(tzinfo=BOG)
    ev = evaluate(policy, Timeline.open(start, severity="alta"), as_of=start + timedelta(days=9))
    result = ev["resolution"]
    if warning < result.goal:
        assert result.warning_at is not None
        assert result.warning_at < result.due_at
    else:
        assert result.warning_at is None


def test_a_warning_that_no_business_day_can_hold_is_refused():
    """A warning of 100 hours on a goal of one business day (at most 24 hours) is an error."""
    goal = {"duration": "1bd", "warning": "100h"}
    with pytest.raises(
        PolicyError, match=r"severities\.alta\.resolution\.warning: the warning point"
    ):
        load_policy({**CONFIG, "severities": {"alta": {"response": "2h", "resolution": goal}}})
