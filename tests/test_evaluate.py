"""``evaluate``: hand-worked examples of every rule, errors, pickling and explanations.

Unless a test says otherwise, the calendar is seed 003's split day (Mon-Fri 07:30-12:30
and 13:30-17:00, America/Bogota, Colombian holidays; Monday 12 January 2026 is one) and
severity ``alta`` has a 2 h response goal and an 8 h resolution goal.
"""

from __future__ import annotations

import json
import pickle
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import attrs
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import escalate
from escalate import (
    AfterElapsed,
    AtOpen,
    AtPercent,
    Calendar,
    EscalationReason,
    Evaluation,
    EventLog,
    Goal,
    Manual,
    NaiveDatetimeError,
    OnBreach,
    Policy,
    Severity,
    Target,
    TargetStatus,
    Tier,
    Timeline,
    TimelineError,
    evaluate,
    evaluate_frame,
    format_duration,
    load_policy,
)
from escalate._explain import _fmt

EXAMPLES = Path(__file__).parent.parent / "examples" / "policies"
SAAS = load_policy(EXAMPLES / "seed_003_saas.toml")
NOC = load_policy(EXAMPLES / "seed_000_noc.toml")
HOSTING = load_policy(EXAMPLES / "seed_002_hosting.toml")
TELECOM = load_policy(EXAMPLES / "seed_004_telecom.toml")
DESK = load_policy(EXAMPLES / "seed_001_service_desk.toml")
BOG = ZoneInfo("America/Bogota")
H = timedelta(hours=1)
M = timedelta(minutes=1)
US = timedelta(microseconds=1)


def bog(day: int, hour: int, minute: int = 0, month: int = 1, us: int = 0) -> datetime:
    """Return an instant in Bogota in 2026 (January unless ``month`` is given)."""
    return datetime(2026, month, day, hour, minute, 0, us, tzinfo=BOG)


OFFICE = SAAS.calendar("office")

TIERED = Policy(
    name="tiered",
    clock="office",
    calendars={"office": OFFICE},
    severities=[Severity(name="alta", goals={"response": 2 * H, "resolution": 8 * H})],
    tiers=[
        Tier(level=1, name="Desk", trigger=AtOpen()),
        Tier(level=2, name="Lead", trigger=AfterElapsed(after=H)),
        Tier(level=3, name="Quarter", trigger=AtPercent(target="response", percent=25)),
        Tier(level=4, name="Breach", trigger=OnBreach(target="resolution", delay=30 * M)),
        Tier(level=5, name="Manager", trigger=Manual()),
    ],
)

LATE_REPLY = Policy(
    clock="office",
    calendars={"office": OFFICE},
    severities=[Severity(name="alta", goals={"response": 2 * H, "resolution": 8 * H})],
    tiers=[
        Tier(level=1, name="Desk", trigger=AtOpen()),
        Tier(level=2, name="Late reply", trigger=OnBreach(target="response")),
    ],
)


# -- running time and deadlines ---------------------------------------------------------


def test_friday_ticket_runs_over_the_weekend_and_the_monday_holiday():
    """Friday 16:10 + 2 h: 50 min on Friday, nothing on the weekend or Monday 12, due Tue 08:40."""
    tl = Timeline.open(bog(9, 16, 10), severity="alta")
    ev = evaluate(SAAS, tl, as_of=bog(9, 16, 40))
    response = ev["response"]
    assert response.status is TargetStatus.RUNNING
    assert response.elapsed == 30 * M
    assert response.due_at == bog(13, 8, 40)
    assert ev["resolution"].due_at == bog(13, 15, 40)  # 50 min + 5 h + 2 h 10 min
    later = evaluate(SAAS, tl, as_of=bog(12, 23, 59))
    assert later["response"].elapsed == 50 * M
    assert later["response"].remaining == 70 * M
    assert later["response"].percent == pytest.approx(100 * 50 / 120)


def test_goal_running_out_at_lunch_is_due_after_lunch():
    """A goal that runs out exactly at 12:30 is due at 13:30, while calendar.add says 12:30."""
    tl = Timeline.open(bog(13, 10, 30), severity="alta")
    ev = evaluate(SAAS, tl, as_of=bog(13, 11))
    assert ev["response"].due_at == bog(13, 13, 30)
    assert OFFICE.add(bog(13, 10, 30), 2 * H) == bog(13, 12, 30)


def test_reply_during_lunch_is_on_time():
    """A reply at 13:00, in the lunch gap after the goal ran out at 12:30, is met."""
    tl = Timeline.open(bog(13, 10, 30), severity="alta").respond(bog(13, 13))
    response = evaluate(SAAS, tl, as_of=bog(13, 15))["response"]
    assert response.status is TargetStatus.MET
    assert response.elapsed == 2 * H
    assert response.percent == 100.0
    assert response.stopped_at == bog(13, 13)
    assert response.due_at == bog(13, 13, 30)
    assert response.breached_at is None


def test_reply_at_the_reopening_is_on_time_and_one_microsecond_later_is_not():
    """A reply at 13:30 sharp is met; at 13:30:00.000001 it is breached, from that instant."""
    opened = Timeline.open(bog(13, 10, 30), severity="alta")
    on_time = evaluate(SAAS, opened.respond(bog(13, 13, 30)), as_of=bog(13, 15))["response"]
    assert on_time.status is TargetStatus.MET
    late = evaluate(SAAS, opened.respond(bog(13, 13, 30, us=1)), as_of=bog(13, 15))["response"]
    assert late.status is TargetStatus.BREACHED
    assert late.elapsed == 2 * H + US
    assert late.remaining == -US
    assert late.due_at == bog(13, 13, 30)
    assert late.breached_at == bog(13, 13, 30, us=1)  # the first instant it is breached


def test_as_of_at_due_at_is_not_breached_and_one_open_microsecond_later_is():
    """At as_of = due_at the target is running; one open microsecond later it is breached."""
    tl = Timeline.open(bog(13, 10, 30), severity="alta")
    assert evaluate(SAAS, tl, as_of=bog(13, 13, 30))["response"].status is TargetStatus.RUNNING
    breached = evaluate(SAAS, tl, as_of=bog(13, 13, 30, us=1))["response"]
    assert breached.status is TargetStatus.BREACHED
    assert breached.breached_at == bog(13, 13, 30, us=1)


def test_goal_running_out_at_closing_is_due_at_the_next_opening():
    """8 h from Tue 08:00 runs out at 17:00 sharp, so resolution is due Wed 07:30."""
    tl = Timeline.open(bog(13, 8), severity="alta")
    assert evaluate(SAAS, tl, as_of=bog(13, 9))["resolution"].due_at == bog(14, 7, 30)


def test_events_after_as_of_are_invisible():
    """Replaying before the response gives the live view: running, no stop instant."""
    tl = Timeline.open(bog(13, 8), severity="alta").respond(bog(13, 9)).resolve(bog(13, 10))
    ev = evaluate(SAAS, tl, as_of=bog(13, 8, 30))
    assert ev["response"].status is TargetStatus.RUNNING
    assert ev["response"].stopped_at is None
    assert ev["resolution"].status is TargetStatus.RUNNING


def test_evaluating_at_the_opening_instant():
    """At the opening instant nothing has elapsed and the targets are running."""
    tl = Timeline.open(bog(13, 8), severity="alta")
    ev = evaluate(SAAS, tl, as_of=bog(13, 8))
    assert ev["response"].elapsed == timedelta(0)
    assert ev["response"].due_at == bog(13, 10)


def test_opened_while_closed_counts_from_the_opening_hours():
    """A ticket opened on a Saturday starts counting on Monday 07:30."""
    tl = Timeline.open(bog(17, 10), severity="alta")
    ev = evaluate(SAAS, tl, as_of=bog(18, 23))
    assert ev["response"].elapsed == timedelta(0)
    assert ev["response"].due_at == bog(19, 9, 30)


# -- pauses -----------------------------------------------------------------------------


def test_paused_target_has_no_due_at_but_keeps_remaining():
    """While paused the status is paused, due_at is null and remaining still counts down."""
    tl = Timeline.open(bog(13, 8), severity="alta").pause(bog(13, 9), reason="customer")
    ev = evaluate(SAAS, tl, as_of=bog(13, 11))
    resolution = ev["resolution"]
    assert resolution.status is TargetStatus.PAUSED
    assert resolution.due_at is None
    assert resolution.elapsed == H
    assert resolution.remaining == 7 * H


def test_pause_over_a_closed_period_only_removes_open_time():
    """Paused Thu 16:30 to Mon 10:00: only Thu 16:30-17:00 and Fri's day would have counted."""
    tl = (
        Timeline.open(bog(15, 15), severity="alta")
        .respond(bog(15, 15, 30))
        .pause(bog(15, 16, 30), reason="waiting for customer")
        .resume(bog(19, 10))
    )
    ev = evaluate(SAAS, tl, as_of=bog(19, 11))
    resolution = ev["resolution"]
    assert resolution.elapsed == 2 * H + 30 * M
    assert resolution.due_at == bog(20, 8)  # 1.5 h to 12:30, 3.5 h to 17:00, 30 min Tue
    unpaused = evaluate(SAAS, Timeline(tl.events[:2]), as_of=bog(19, 11))["resolution"]
    assert unpaused.status is TargetStatus.BREACHED


def test_pause_that_begins_before_the_start_holds_when_the_target_starts():
    """A pausing target started during a pause runs only from the resume."""
    policy = Policy(
        clock="office",
        calendars={"office": OFFICE},
        targets=[Target(name="fix", start="responded", stop="resolved")],
        severities=[
            Severity(name="alta", goals={"response": 2 * H, "resolution": 8 * H, "fix": 4 * H})
        ],
    )
    tl = (
        Timeline.open(bog(13, 8), severity="alta")
        .pause(bog(13, 8, 30))
        .respond(bog(13, 9))
        .resume(bog(13, 10))
    )
    fix = evaluate(policy, tl, as_of=bog(13, 11))["fix"]
    assert fix.elapsed == H
    assert fix.due_at == bog(13, 15)  # 1.5 h to 12:30, 1.5 h from 13:30


def test_target_that_does_not_pause_runs_through_pauses():
    """The post-mortem target (pauses = false) keeps running while the incident is paused."""
    tl = (
        Timeline.open("2026-03-10T02:00:00-06:00", severity="incident")
        .resolve("2026-03-10T09:00:00-06:00")
        .pause("2026-03-10T10:00:00-06:00")
    )
    postmortem = evaluate(NOC, tl, as_of=datetime.fromisoformat("2026-03-10T19:00:00-06:00"))[
        "postmortem"
    ]
    assert postmortem.status is TargetStatus.RUNNING
    assert postmortem.elapsed == 10 * H


def test_target_that_does_not_pause_starts_during_a_pause():
    """A post-mortem (pauses = false) started while the incident is paused still runs."""
    tl = (
        Timeline.open("2026-03-10T02:00:00-06:00", severity="incident")
        .pause("2026-03-10T05:00:00-06:00", reason="waiting for customer")
        .resolve("2026-03-10T09:00:00-06:00")
    )
    postmortem = evaluate(NOC, tl, as_of=datetime.fromisoformat("2026-03-10T19:00:00-06:00"))[
        "postmortem"
    ]
    assert postmortem.elapsed == 10 * H
    assert postmortem.due_at == datetime.fromisoformat("2026-03-13T09:00:00-06:00")


def test_resumed_after_the_goal_was_passed_keeps_breached_at():
    """A target breached before a pause stays breached with its breach instant while paused."""
    tl = Timeline.open(bog(13, 8), severity="alta").pause(bog(13, 10, 30))
    response = evaluate(SAAS, tl, as_of=bog(13, 11))["response"]
    assert response.status is TargetStatus.BREACHED
    assert response.breached_at == bog(13, 10, us=1)


# -- severity changes -------------------------------------------------------------------


def test_downgrade_keeps_elapsed_and_changes_the_goal():
    """Alta -> baja at 10:00 keeps the 9.5 h elapsed by Wed 09:00 and re-targets it to 80 h."""
    tl = (
        Timeline.open(bog(13, 8), severity="alta")
        .respond(bog(13, 8, 30))
        .change_severity(bog(13, 10), "baja")
    )
    ev = evaluate(SAAS, tl, as_of=bog(14, 9))
    assert ev.severity == "baja"
    resolution = ev["resolution"]
    assert resolution.goal == 80 * H
    assert resolution.elapsed == 9 * H + 30 * M
    assert resolution.status is TargetStatus.RUNNING
    before = evaluate(SAAS, tl, as_of=bog(13, 9))
    assert before.severity == "alta"
    assert before["resolution"].goal == 8 * H


def test_upgrade_can_breach_at_once():
    """Baja -> alta after 3 h of response time breaches at once, breached_at just after R hit 2 h."""
    tl = Timeline.open(bog(13, 8), severity="baja").change_severity(bog(13, 11), "alta")
    response = evaluate(SAAS, tl, as_of=bog(13, 11))["response"]
    assert response.goal == 2 * H
    assert response.status is TargetStatus.BREACHED
    assert response.breached_at == bog(13, 10, us=1)


def test_severity_change_after_the_stop_does_not_retarget_a_stopped_target():
    """The goal of a met response is the one in force when it stopped."""
    tl = (
        Timeline.open(bog(13, 8), severity="alta")
        .respond(bog(13, 9, 30))
        .change_severity(bog(13, 10), "baja")
    )
    ev = evaluate(SAAS, tl, as_of=bog(13, 11))
    assert ev["response"].goal == 2 * H
    assert ev["resolution"].goal == 80 * H


def test_target_without_a_goal_for_the_severity_is_left_out():
    """A target with no goal for the incident's severity is not in the results."""
    policy = Policy(
        targets=[Target(name="definitive_fix", start="workaround", stop="fixed", required=False)],
        severities=[
            Severity(
                name="alta", goals={"response": H, "resolution": 8 * H, "definitive_fix": 9 * H}
            ),
            Severity(name="baja", goals={"response": H, "resolution": 8 * H}),
        ],
    )
    alta = evaluate(policy, Timeline.open(bog(13, 8), severity="alta"), as_of=bog(13, 9))
    baja = evaluate(policy, Timeline.open(bog(13, 8), severity="baja"), as_of=bog(13, 9))
    assert [t.name for t in alta.targets] == ["response", "resolution", "definitive_fix"]
    assert [t.name for t in baja.targets] == ["response", "resolution"]
    assert "definitive_fix" not in baja.to_dict()["targets"]


def test_seed_003_downgrade_keeps_the_definitive_fix_target():
    """Seed 003's baja keeps the 120-day definitive fix, so a downgrade does not drop it."""
    baja = evaluate(SAAS, Timeline.open(bog(13, 8), severity="baja"), as_of=bog(13, 9))
    assert baja["definitive_fix"].goal == timedelta(days=120)


# -- stop events, reopen, custom targets, plans -------------------------------------------


def test_pending_target_has_no_deadline():
    """A target whose start event has not happened is pending with no due_at."""
    tl = Timeline.open(bog(13, 8), severity="alta")
    fix = evaluate(SAAS, tl, as_of=bog(13, 9))["definitive_fix"]
    assert fix.status is TargetStatus.PENDING
    assert fix.due_at is None
    assert fix.elapsed == timedelta(0)


def test_custom_target_runs_between_its_custom_events():
    """definitive_fix runs on 24x7 from workaround_applied to fix_released."""
    tl = (
        Timeline.open(bog(13, 8), severity="normal")
        .then("workaround_applied", bog(13, 10))
        .then("fix_released", bog(23, 10))
    )
    fix = evaluate(SAAS, tl, as_of=bog(24, 0))["definitive_fix"]
    assert fix.status is TargetStatus.MET
    assert fix.elapsed == timedelta(days=10)
    assert fix.clock == "24x7"
    assert fix.due_at == datetime(2026, 5, 13, 15, tzinfo=UTC)  # 120 days after 15:00Z


def test_reopen_resumes_the_resolution_clock_and_accumulates():
    """Resolved after 1 h, reopened 2 h later: resolution runs on from 1 h; response stays met."""
    tl = (
        Timeline.open(bog(13, 8), severity="alta")
        .respond(bog(13, 8, 10))
        .resolve(bog(13, 9))
        .reopen(bog(13, 11))
    )
    resolved = evaluate(SAAS, tl, as_of=bog(13, 10))["resolution"]
    assert resolved.status is TargetStatus.MET
    assert resolved.stopped_at == bog(13, 9)
    assert resolved.due_at == bog(14, 7, 30)  # the deadline it would have had: 17:00 closes
    ev = evaluate(SAAS, tl, as_of=bog(13, 12))
    assert ev["resolution"].status is TargetStatus.RUNNING
    assert ev["resolution"].elapsed == 2 * H
    assert ev["resolution"].stopped_at is None
    assert ev["resolution"].due_at == bog(14, 9, 30)
    assert ev["response"].status is TargetStatus.MET


def test_postmortem_is_due_72_hours_after_resolution():
    """Seed 000: resolved Tue 09:00, the report is due Fri 09:00 on a 24x7 clock."""
    tl = Timeline.open("2026-03-10T02:00:00-06:00", severity="incident").resolve(
        "2026-03-10T09:00:00-06:00"
    )
    ev = evaluate(NOC, tl, as_of=datetime.fromisoformat("2026-03-12T12:00:00-06:00"))
    assert [t.name for t in ev.targets] == ["postmortem"]
    postmortem = ev["postmortem"]
    assert postmortem.elapsed == 51 * H
    assert postmortem.due_at == datetime.fromisoformat("2026-03-13T09:00:00-06:00")
    assert postmortem.due_at.tzinfo == ZoneInfo("America/Mexico_City")


def test_plans_pick_their_goals_and_clocks():
    """Seed 002: medio is 5 h (no plan, nivel1), 3 h (nivel2) or 1 h on 24x7 (nivel3)."""
    at, as_of = bog(13, 16), bog(13, 16, 30)

    def response(**plan):
        return evaluate(HOSTING, Timeline.open(at, severity="medio", **plan), as_of=as_of)

    assert response()["response"].goal == 5 * H
    assert response()["response"].due_at == bog(14, 11)  # 2 h Tue, 3 h Wed from 08:00
    assert response(plan="nivel1")["response"].goal == 5 * H
    assert response(plan="nivel2")["response"].due_at == bog(14, 9)
    premium = response(plan="nivel3")
    assert premium.plan == "nivel3"
    assert premium["response"].clock == "24x7"
    assert premium["response"].due_at == datetime(2026, 1, 13, 22, tzinfo=UTC)


def test_warning_point_is_passed_like_a_deadline():
    """Seed 002 nivel2 medio: the 2 h warning runs out at the 18:00 close, passed Wed 08:00.

    Like a deadline, a warning point used up at a closing instant is passed when the clock
    runs on, at the next opening; from then on the target is at risk.
    """
    tl = Timeline.open(bog(13, 16), severity="medio", plan="nivel2")
    response = evaluate(HOSTING, tl, as_of=bog(14, 8, 30))["response"]
    assert response.warning_at == bog(14, 8)
    assert response.at_risk
    assert response.due_at == bog(14, 9)
    assert response.to_dict()["warning_at"] == "2026-01-14T08:00:00-05:00"
    evening = evaluate(HOSTING, tl, as_of=bog(13, 20))
    assert not evening["response"].at_risk
    assert evening.next_change_at == bog(14, 8)


def test_a_paused_target_past_its_warning_is_at_risk_in_both_engines():
    """Paused at 08:30 Wed, past its 08:00 warning and within its 09:00 goal: at risk.

    Its clock still goes once the pause ends, so the warning holds; once met, it is not.
    """
    tl = Timeline.open(bog(13, 16), severity="medio", plan="nivel2").pause(bog(14, 8, 30))
    paused = evaluate(HOSTING, tl, as_of=bog(14, 11))
    assert paused["response"].status is TargetStatus.PAUSED
    assert paused["response"].at_risk
    met = evaluate(HOSTING, tl.respond(bog(14, 11)), as_of=bog(14, 12))
    assert met["response"].status is TargetStatus.MET
    assert not met["response"].at_risk
    rows = [{"id": "A", **e} for e in tl.to_events()]
    rows += [{"id": "B", **e} for e in tl.respond(bog(14, 11)).to_events()]
    log = EventLog.from_events(pd.DataFrame(rows), attributes=["plan"])
    out = evaluate_frame(log, HOSTING, as_of=bog(14, 11, 30)).set_index("id")
    assert out.loc["A", "response_status"] == "paused"
    assert bool(out.loc["A", "response_at_risk"])
    assert out.loc["B", "response_status"] == "met"
    assert not bool(out.loc["B", "response_at_risk"])


def test_warning_of_a_stopped_target_counts_only_real_running_time():
    """A response given before the warning point never reaches it."""
    tl = Timeline.open(bog(13, 9), severity="medio", plan="nivel2").respond(bog(13, 10))
    response = evaluate(HOSTING, tl, as_of=bog(14, 12))["response"]
    assert response.status is TargetStatus.MET
    assert response.warning_at is None


def test_policy_without_plans_reports_the_plan_and_ignores_it():
    """Seed 003 has no plans: an incident's plan is reported but the goals are unchanged."""
    ev = evaluate(SAAS, Timeline.open(bog(13, 8), severity="alta", plan="gold"), as_of=bog(13, 9))
    assert ev.plan == "gold"
    assert ev["response"].goal == 2 * H


# -- tiers ------------------------------------------------------------------------------


def test_tier_triggers_by_hand():
    """Open 08:00: L1 at open, L2 after 1 h, L3 at 25% waits for L2, L4 on breach + 30 min."""
    tl = Timeline.open(bog(13, 8), severity="alta")
    ev = evaluate(TIERED, tl, as_of=bog(13, 12))
    assert [(e.level, e.at, e.reason) for e in ev.escalations] == [
        (1, bog(13, 8), EscalationReason.OPENED),
        (2, bog(13, 9), EscalationReason.ELAPSED),
        (3, bog(13, 9), EscalationReason.PERCENT),  # 25% of 2 h is 08:30, but never skip
    ]
    assert ev.tier is not None
    assert ev.tier.level == 3
    assert ev.next_tier is not None
    assert ev.next_tier[0].level == 4
    # due Wed 07:30 (17:00 close); the breach is one microsecond later, then + 30 min
    assert ev.next_tier[1] == bog(14, 8, us=1)
    assert [(e.tier.level, e.state.value, e.at) for e in ev.schedule][3:] == [
        (4, "projected", bog(14, 8, us=1)),
        (5, "waiting", None),
    ]


def test_manual_escalation_moves_up_exactly_one_tier():
    """An escalation at 08:15 fires L2 at once; L3 still waits for its own trigger."""
    tl = Timeline.open(bog(13, 8), severity="alta").escalate(bog(13, 8, 15))
    ev = evaluate(TIERED, tl, as_of=bog(13, 8, 20))
    assert [(e.level, e.at, e.reason) for e in ev.escalations] == [
        (1, bog(13, 8), EscalationReason.OPENED),
        (2, bog(13, 8, 15), EscalationReason.MANUAL),
    ]
    assert ev.next_tier is not None
    assert ev.next_tier[1] == bog(13, 8, 30)


def test_manual_escalation_reaches_a_manual_tier():
    """A manual tier fires only on an escalated event, one event per tier."""
    tl = Timeline.open(bog(13, 8), severity="alta").escalate(bog(14, 9))
    ev = evaluate(TIERED, tl, as_of=bog(14, 9))
    assert ev.tier is not None
    assert (ev.tier.level, ev.escalations[-1].reason) == (5, EscalationReason.MANUAL)
    assert ev.escalations[-2].at == bog(14, 8, us=1)  # the breach tier fired first
    assert ev.next_tier is None


def test_manual_tiers_of_seed_004_one_at_a_time():
    """Two escalations on seed 004 reach level 3; level 4 has no projected instant."""
    tl = (
        Timeline.open("2026-03-02T10:00:00-06:00", severity="major")
        .escalate("2026-03-02T10:20:00-06:00")
        .escalate("2026-03-02T10:40:00-06:00")
    )
    ev = evaluate(TELECOM, tl, as_of=datetime.fromisoformat("2026-03-02T11:00:00-06:00"))
    assert [e.reason.value for e in ev.escalations] == ["opened", "manual", "manual"]
    assert ev.tier is not None
    assert ev.tier.name == "Commercial management"
    assert ev.to_dict()["next_tier"] == {"level": 4, "name": "General management", "at": None}


def test_a_resolved_incident_holds_its_resolution_tiers_and_a_reopen_lets_them_fire():
    """Resolved after 7 h of an 8 h goal, the breach tier waits; reopened, it fires 1 h later.

    Tue 08:00-16:00 on the split day is 7 h; reopened Wed 09:00, the goal runs out at 10:00.

    The resolution clock stops at the resolution and runs on from the reopening (its
    reopen rule is ``continue``), so its breach tier waits while the incident is resolved.
    """
    policy = attrs.evolve(
        LATE_REPLY,
        tiers=[
            Tier(level=1, name="Desk", trigger=AtOpen()),
            Tier(level=2, name="Late fix", trigger=OnBreach(target="resolution")),
        ],
    )
    resolved = (
        Timeline.open(bog(13, 8), severity="alta").respond(bog(13, 8, 5)).resolve(bog(13, 16))
    )
    ev = evaluate(policy, resolved, as_of=bog(14, 12))
    assert ev["resolution"].status is TargetStatus.MET
    assert ev.tier is not None
    assert ev.tier.level == 1
    assert ev.next_tier is not None
    assert ev.next_tier[1] is None
    assert "reopens" in ev.schedule[1].note
    reopened = evaluate(policy, resolved.reopen(bog(14, 9)), as_of=bog(14, 12))
    assert reopened.escalations[-1].at == bog(14, 10, us=1)
    assert reopened.escalations[-1].reason is EscalationReason.BREACH


def test_elapsed_trigger_ignores_pauses_but_not_resolved_periods():
    """AfterElapsed counts open time since the opening through pauses, not while resolved."""
    paused = Timeline.open(bog(13, 8), severity="alta").pause(bog(13, 8, 10))
    assert evaluate(TIERED, paused, as_of=bog(13, 9)).escalations[1].at == bog(13, 9)
    resolved = (
        Timeline.open(bog(13, 8), severity="alta").resolve(bog(13, 8, 10)).reopen(bog(13, 10))
    )
    ev = evaluate(TIERED, resolved, as_of=bog(13, 12))
    assert ev.escalations[1].at == bog(13, 10, 50)


def test_breach_tier_is_unknown_while_paused():
    """The next tier on a breach has no projected instant while its target is paused."""
    tl = Timeline.open(bog(13, 8), severity="alta").pause(bog(13, 11))
    ev = evaluate(TIERED, tl, as_of=bog(13, 11, 30))
    assert ev.next_tier is not None
    assert ev.next_tier[0].level == 4
    assert ev.next_tier[1] is None


def test_breach_tier_never_fires_for_a_met_target():
    """Once the response is met, its breach tier is skipped at the reply and never fires."""
    tl = Timeline.open(bog(13, 8), severity="alta").respond(bog(13, 8, 5))
    ev = evaluate(LATE_REPLY, tl, as_of=bog(20, 9))
    assert ev.next_tier is None
    assert (ev.schedule[1].state.value, ev.schedule[1].at) == ("skipped", bog(13, 8, 5))


def test_trigger_at_the_resolution_instant_does_not_fire():
    """Resolved periods are half-open: a trigger reached at the resolution instant waits."""
    tl = Timeline.open(bog(13, 8), severity="alta").resolve(bog(13, 9))
    ev = evaluate(TIERED, tl, as_of=bog(13, 12))
    assert ev.next_tier is not None
    assert (ev.next_tier[0].level, ev.next_tier[1]) == (2, None)
    reopened = evaluate(TIERED, tl.reopen(bog(13, 10)), as_of=bog(13, 12))
    assert reopened.escalations[1].at == bog(13, 10)


def test_routes_by_category_and_region():
    """Seed 003 routes on category, seed 001 on region; no match uses the default tiers."""
    billing = Timeline.open(bog(13, 8), severity="alta", category="training").escalate(bog(13, 9))
    ev = evaluate(SAAS, billing, as_of=bog(13, 10))
    assert ev.route == "functional"
    assert ev.tier is not None
    assert ev.tier.name == "Functional and training questions"
    default = evaluate(
        SAAS, Timeline.open(bog(13, 8), severity="alta", category="x"), as_of=bog(13, 9)
    )
    assert default.route is None
    assert default.tier is not None
    assert default.tier.name == "Support desk"
    chile = Timeline.open("2026-03-02T10:00:00-03:00", severity="incident", region="CL")
    desk = evaluate(DESK, chile, as_of=datetime.fromisoformat("2026-03-02T11:00:00-03:00"))
    assert desk.route == "southern-cone"
    assert desk.targets == ()


def test_tier_contacts_are_json_ready():
    """A tier's contacts come out as name, role, email, phones and response_seconds."""
    ev = evaluate(
        NOC,
        Timeline.open("2026-03-10T02:00:00-06:00", severity="incident"),
        as_of=datetime.fromisoformat("2026-03-10T03:00:00-06:00"),
    )
    assert ev.to_dict()["tier"] == {
        "level": 1,
        "name": "NOC",
        "contacts": [
            {
                "name": "Engineer on duty",
                "role": "NOC",
                "email": "noc@example.com",
                "phones": ["+52 800 555 0100 option 1"],
                "response_seconds": 0,
            }
        ],
    }


def test_policy_with_no_tiers_has_no_tier():
    """Seed 002 has no escalation table: no tier, no next tier, no escalations."""
    ev = evaluate(HOSTING, Timeline.open(bog(13, 8), severity="alto"), as_of=bog(13, 9))
    assert (ev.tier, ev.next_tier, ev.escalations) == (None, None, ())
    assert "Escalation: no tiers" in ev.explain()


# -- time zones -------------------------------------------------------------------------


def test_business_time_across_the_london_spring_forward_is_physical():
    """Sat 22:00-Sun 02:00 on the spring-forward night is 3 physical hours of open time."""
    london = Calendar(
        timezone="Europe/London", hours={"sat": ["22:00-02:00"], "mon-fri": ["09:00-17:00"]}
    )
    policy = Policy(
        clock="office",
        calendars={"office": london},
        severities=[
            Severity(name="p1", goals={"response": 4 * H, "resolution": Goal(duration=3 * H)})
        ],
    )
    tz = ZoneInfo("Europe/London")
    tl = Timeline.open(datetime(2026, 3, 28, 22, tzinfo=tz), severity="p1")
    ev = evaluate(policy, tl, as_of=datetime(2026, 3, 29, 12, tzinfo=tz))
    assert ev["response"].elapsed == 3 * H
    assert ev["response"].due_at == datetime(2026, 3, 30, 10, tzinfo=tz)
    assert ev["resolution"].status is TargetStatus.RUNNING
    assert ev["resolution"].due_at == datetime(2026, 3, 30, 9, tzinfo=tz)  # ran out at close


def test_santiago_midnight_transition():
    """In Santiago 00:00 on 6 Sep 2026 does not exist; a 00:00-03:00 day is 2 hours long."""
    tz = ZoneInfo("America/Santiago")
    santiago = Calendar(timezone="America/Santiago", hours={"mon-sun": ["00:00-03:00"]})
    policy = Policy(
        clock="office",
        calendars={"office": santiago},
        severities=[Severity(name="p1", goals={"response": 4 * H, "resolution": 8 * H})],
    )
    tl = Timeline.open(datetime(2026, 9, 5, 12, tzinfo=tz), severity="p1")
    ev = evaluate(policy, tl, as_of=datetime(2026, 9, 6, 12, tzinfo=tz))
    assert ev["response"].elapsed == 2 * H
    assert ev["response"].due_at == datetime(2026, 9, 7, 2, tzinfo=tz)


def test_results_are_in_the_clock_zone_and_as_of_keeps_its_own():
    """Target instants are in their clock's zone; as_of is reported in the zone given."""
    tl = Timeline.open(bog(13, 8), severity="alta")
    ev = evaluate(SAAS, tl, as_of=datetime(2026, 1, 13, 14, tzinfo=UTC))
    assert ev.as_of.tzinfo is UTC
    assert ev.to_dict()["as_of"] == "2026-01-13T14:00:00+00:00"
    assert ev["response"].due_at.tzinfo == BOG
    assert ev.escalations[0].at.tzinfo == BOG


@given(
    st.lists(st.integers(1, 6 * 60), min_size=1, max_size=8),
    st.lists(
        st.sampled_from(("UTC", "Asia/Tokyo", "Europe/London", "America/Bogota")),
        min_size=9,
        max_size=9,
    ),
)
def test_explain_writes_the_incident_in_the_desks_zone_whatever_zone_it_came_in(gaps, zones):
    """The opening, as_of and every history line are in the policy's zone, in order."""
    at = bog(13, 8)
    tl = Timeline.open(at.astimezone(ZoneInfo(zones[0])), severity="alta")
    instants = [at]
    for gap, zone in zip(gaps, zones[1:], strict=False):
        at += gap * M
        instants.append(at)
        tl = tl.change(at.astimezone(ZoneInfo(zone)), note=f"n{gap}")
    as_of = (at + H).astimezone(UTC)
    lines = evaluate(SAAS, tl, as_of=as_of).explain().splitlines()
    assert lines[0].startswith(f"Incident opened {_fmt(instants[0])} with severity 'alta'")
    assert f"; evaluated as of {_fmt(at + H)}," in lines[0]
    history = lines[lines.index("History:") + 1 : lines.index("History:") + len(instants)]
    assert [line.split(" changed")[0] for line in history] == [f"  {_fmt(x)}" for x in instants[1:]]
    assert all(line.split(" changed")[0].endswith("-0500") for line in history)


# -- errors -----------------------------------------------------------------------------


def error_of(policy, timeline, as_of) -> TimelineError:
    """Return the TimelineError that evaluating raises."""
    with pytest.raises(TimelineError) as info:
        evaluate(policy, timeline, as_of=as_of)
    return info.value


def test_unknown_custom_event_suggests_a_close_name():
    """A custom event no target uses is an error at evaluate() with 'did you mean'."""
    tl = Timeline.open(bog(13, 8), severity="alta").then("workaround_aplied", bog(13, 9))
    err = error_of(SAAS, tl, bog(13, 10))
    assert err.paths == ("events[1] (workaround_aplied).type",)
    assert "unknown event type 'workaround_aplied'" in str(err)
    assert "did you mean 'workaround_applied'" in str(err)


def test_unknown_custom_event_lists_the_custom_events():
    """With nothing close, the hint lists the policy's custom events."""
    tl = Timeline.open(bog(13, 8), severity="alta").then("zzz", bog(13, 9))
    err = error_of(SAAS, tl, bog(13, 10))
    assert "fix_released" in str(err)
    assert "workaround_applied" in str(err)


def test_unknown_custom_event_on_a_policy_without_custom_targets():
    """A policy with no custom targets says so in the hint."""
    tl = Timeline.open(bog(13, 8), severity="alta").then("zzz", bog(13, 9))
    assert "(none)" in str(error_of(TIERED, tl, bog(13, 10)))


def test_unknown_severity_at_opening():
    """An unknown opening severity names the event and suggests the close one."""
    err = error_of(SAAS, Timeline.open(bog(13, 8), severity="Alta"), bog(13, 9))
    assert err.paths == ("events[0] (opened).severity",)
    assert "unknown severity 'Alta'" in str(err)
    assert "did you mean 'alta'" in str(err)


def test_unknown_severity_in_a_change():
    """An unknown severity in a change names that event; with nothing close it lists them."""
    tl = Timeline.open(bog(13, 8), severity="alta").change_severity(bog(13, 9), "p9")
    err = error_of(SAAS, tl, bog(13, 10))
    assert err.paths == ("events[1] (severity_changed).severity",)
    assert "'alta', 'normal', 'baja'" in str(err)


def test_unknown_plan():
    """An unknown plan on a policy with plans is an error with 'did you mean'."""
    err = error_of(HOSTING, Timeline.open(bog(13, 8), severity="alto", plan="nivel4"), bog(13, 9))
    assert err.paths == ("events[0] (opened).plan",)
    assert "unknown plan 'nivel4'" in str(err)
    assert "did you mean" in str(err)
    err = error_of(HOSTING, Timeline.open(bog(13, 8), severity="alto", plan="gold"), bog(13, 9))
    assert "'nivel1', 'nivel2', 'nivel3'" in str(err)


def test_as_of_before_the_opening():
    """Before the opening every target is pending, no tier fired, and the opening is next.

    Replaying "as of last Tuesday" over a set of timelines needs no filtering first, and
    the table path reports such rows the same way.
    """
    ev = evaluate(SAAS, Timeline.open(bog(13, 8), severity="alta"), as_of=bog(13, 7))
    assert {t.status for t in ev.targets} == {TargetStatus.PENDING}
    assert [t.elapsed for t in ev.targets] == [timedelta(0)] * 3
    assert ev.tier is None
    assert ev.escalations == ()
    assert ev.next_change_at == bog(13, 8)
    assert ev.next_tier is not None
    assert ev.next_tier[1] is None


def test_naive_as_of():
    """A naive as_of raises NaiveDatetimeError (a TypeError) naming the fix."""
    with pytest.raises(NaiveDatetimeError, match="as_of must be timezone-aware") as info:
        evaluate(SAAS, Timeline.open(bog(13, 8), severity="alta"), as_of=datetime(2026, 1, 13, 9))
    assert isinstance(info.value, TypeError)


def test_naive_as_of_suggests_the_policys_zone():
    """The fix for a naive as_of names the zone of the policy's desk, not a stock example."""
    policy = load_policy(
        {
            "clock": "office",
            "calendars": {
                "office": {"timezone": "Asia/Tokyo", "hours": {"mon-fri": ["09:00-17:00"]}}
            },
            "severities": {"high": {"response": "1h", "resolution": "8h"}},
        }
    )
    tokyo = ZoneInfo("Asia/Tokyo")
    timeline = Timeline.open(datetime(2026, 1, 13, 9, tzinfo=tokyo), severity="high")
    naive = datetime(2026, 1, 13, 10)
    versions = escalate.PolicyVersions(
        versions=[(None, policy), (datetime(2026, 6, 1).date(), policy)]
    )
    table = pd.DataFrame({"id": ["A"], "opened": [timeline.events[0].at], "severity": ["high"]})
    log = escalate.EventLog.from_events(
        pd.DataFrame({"id": ["A"], "type": ["opened"], "at": [timeline.events[0].at],
                      "severity": ["high"]})
    )  # fmt: skip
    calls = {
        "evaluate": lambda: evaluate(policy, timeline, as_of=naive),
        "evaluate with versions": lambda: evaluate(versions, timeline, as_of=naive),
        "evaluate_frame": lambda: escalate.evaluate_frame(table, policy, as_of=naive),
        "evaluate_frame with versions": lambda: escalate.evaluate_frame(
            table, versions, as_of=naive
        ),
        "evaluate_frame of a log": lambda: escalate.evaluate_frame(log, policy, as_of=naive),
        "ledger": lambda: escalate.ledger(log, policy, as_of=naive, by="status"),
        "PolicyVersions.at": lambda: versions.at(naive),
        "PolicyVersions.select": lambda: versions.select(timeline, as_of=naive),
        "naive text": lambda: evaluate(policy, timeline, as_of="2026-01-13T10:00"),
    }
    for name, call in calls.items():
        with pytest.raises(NaiveDatetimeError, match="ZoneInfo\\('Asia/Tokyo'\\)"):
            call()
        assert name


def test_an_instant_argument_is_named_in_its_error():
    """Text that is no ISO instant is reported under the argument's own name, with a path."""
    versions = escalate.PolicyVersions(versions=[(None, SAAS), (datetime(2026, 6, 1).date(), SAAS)])
    with pytest.raises(
        escalate.InvalidInstantError, match=r"^instant 'junk' is not an ISO"
    ) as info:
        versions.at("junk")
    assert info.value.path == "instant"
    with pytest.raises(escalate.InvalidInstantError, match=r"^as_of 'junk' is not an ISO") as info:
        evaluate(SAAS, Timeline.open(bog(13, 8), severity="alta"), as_of="junk")
    assert info.value.path == "as_of"


@pytest.mark.parametrize("value", [[{"type": "opened"}], {"a": 1}, None, "INC1"])
def test_a_timeline_that_is_not_one_is_refused_alike_with_versions(value):
    """With versions, evaluate and PolicyVersions.select refuse what evaluate refuses."""
    versions = escalate.PolicyVersions(versions=[(None, SAAS), (datetime(2026, 6, 1).date(), SAAS)])
    as_of = bog(13, 10)
    with pytest.raises(escalate.InvalidArgumentError) as plain:
        evaluate(SAAS, value, as_of=as_of)
    for call in (
        lambda: evaluate(versions, value, as_of=as_of),
        lambda: versions.select(value, as_of=as_of),
    ):
        with pytest.raises(escalate.InvalidArgumentError) as info:
            call()
        assert (str(info.value), info.value.path) == (str(plain.value), "timeline")


def test_all_policy_problems_at_once():
    """Unknown event, severity and plan are reported together."""
    tl = Timeline.from_events(
        [
            {"type": "opened", "at": bog(13, 8), "severity": "x", "plan": "y"},
            {"type": "zzz", "at": bog(13, 9)},
        ]
    )
    err = error_of(HOSTING, tl, bog(13, 10))
    assert err.paths == (
        "events[0] (opened).severity",
        "events[1] (zzz).type",
        "events[0] (opened).plan",
    )


# -- results: JSON, pickle, explanation, HTML ----------------------------------------------


def full_evaluation() -> Evaluation:
    """An evaluation with a holiday, a weekend, a pause and fired and projected tiers."""
    tl = (
        Timeline.open(bog(9, 16, 10), severity="alta")
        .pause(bog(13, 8), reason="waiting for customer")
        .resume(bog(13, 9))
        .escalate(bog(13, 9, 30))
    )
    return evaluate(TIERED, tl, as_of=bog(13, 10))


def test_to_dict_round_trips_through_json():
    """to_dict() is JSON-ready: dumps then loads gives it back unchanged."""
    d = full_evaluation().to_dict()
    assert json.loads(json.dumps(d)) == d
    assert set(d) == {
        "as_of",
        "severity",
        "plan",
        "route",
        "targets",
        "tier",
        "next_tier",
        "escalations",
        "schedule",
        "next_change_at",
    }
    assert set(d["targets"]["response"]) == {
        "status",
        "goal_seconds",
        "elapsed_seconds",
        "remaining_seconds",
        "percent",
        "due_at",
        "warning_at",
        "breached_at",
        "stopped_at",
        "clock",
        "at_risk",
    }


def test_seconds_are_integers_unless_fractional():
    """Whole seconds are ints in to_dict(); a fraction gives a float."""
    tl = Timeline.open(bog(13, 8), severity="alta")
    whole = evaluate(SAAS, tl, as_of=bog(13, 9))["response"].to_dict()
    assert whole["elapsed_seconds"] == 3600
    assert isinstance(whole["elapsed_seconds"], int)
    part = evaluate(SAAS, tl, as_of=bog(13, 9, us=500_000))["response"].to_dict()
    assert part["elapsed_seconds"] == 3600.5
    assert part["remaining_seconds"] == 3599.5


def test_evaluation_timeline_and_policy_pickle():
    """An Evaluation, its Timeline and its Policy survive pickling equal, explain() too."""
    ev = full_evaluation()
    again = pickle.loads(pickle.dumps(ev))
    assert again == ev
    assert again.explain() == ev.explain()
    assert pickle.loads(pickle.dumps(TIERED)) == TIERED
    assert pickle.loads(pickle.dumps(SAAS)) == SAAS
    tl = ev.context.timeline
    assert pickle.loads(pickle.dumps(tl)) == tl


def test_explain_names_counted_skipped_and_paused_spans_and_tier_reasons():
    """explain() lists counted and skipped spans with reasons, pauses, and every tier."""
    text = full_evaluation().explain()
    assert "counted     Fri 2026-01-09 16:10-0500 -> Fri 2026-01-09 17:00-0500 = 50m" in text
    assert "no hours on Sat 2026-01-10" in text
    assert "no hours on Sun 2026-01-11" in text
    assert "holiday 2026-01-12" in text
    assert (
        "paused      Tue 2026-01-13 08:00-0500 -> Tue 2026-01-13 09:00-0500: waiting for customer"
        in text
    )
    assert "Tue 2026-01-13 08:00-0500 paused: reason: waiting for customer" in text
    assert "level 1 'Desk' fired Fri 2026-01-09 16:10-0500 (opened)" in text
    assert "level 2 'Lead' fired Tue 2026-01-13 07:40-0500 (elapsed)" in text
    assert "level 3 'Quarter' fired Tue 2026-01-13 07:40-0500 (percent)" in text
    assert "level 4 'Breach' fired Tue 2026-01-13 09:30-0500 (manual)" in text
    assert "level 5 'Manager' waiting: waits for a manual escalation" in text
    assert "was due at" in text
    assert "(the last instant that still counts as met)" in text


def test_explain_of_a_paused_and_a_stopped_target():
    """A paused target says it has no deadline; a stopped one says when it stopped."""
    tl = (
        Timeline.open(bog(13, 8), severity="alta")
        .respond(bog(13, 8, 30))
        .resolve(bog(13, 9))
        .reopen(bog(13, 10))
        .pause(bog(13, 11))
    )
    text = evaluate(TIERED, tl, as_of=bog(13, 12)).explain()
    assert "stopped at Tue 2026-01-13 08:30-0500" in text
    assert "no deadline while paused; 6h remain" in text
    assert "stopped at Tue 2026-01-13 09:00-0500" in text
    assert "counted     Tue 2026-01-13 10:00-0500 -> Tue 2026-01-13 11:00-0500 = 1h" in text
    assert "level 2 'Lead' fired Tue 2026-01-13 10:00-0500 (elapsed)" in text
    # the reply came exactly when 25% of the response goal was used: it never passed 25%
    assert "level 3 'Quarter' skipped Tue 2026-01-13 10:00-0500: target 'response' stopped" in text


def test_explain_shows_a_pause_that_runs_into_the_resolution_and_severity_changes():
    """A pause still open at the resolution is listed, and so is every severity change."""
    tl = (
        Timeline.open(bog(13, 8), severity="alta")
        .respond(bog(13, 8, 30))
        .change_severity(bog(13, 9), "baja")
        .pause(bog(13, 10), reason="waiting for the customer")
        .resolve(bog(13, 11))
    )
    text = evaluate(SAAS, tl, as_of=bog(13, 12)).explain()
    assert "Tue 2026-01-13 09:00-0500 severity_changed: severity 'baja'" in text
    assert (
        "paused      Tue 2026-01-13 10:00-0500 -> Tue 2026-01-13 11:00-0500: "
        "waiting for the customer" in text
    )
    assert "stopped at Tue 2026-01-13 11:00-0500" in text


def test_explain_mentions_exceptions_and_breach_reasons():
    """Closed exception days are named, and a breach tier says it fired on a breach."""
    calendar = Calendar(
        timezone="America/Bogota",
        hours={"mon-fri": ["08:00-12:00"]},
        exceptions={"2026-01-14": []},
    )
    policy = Policy(
        clock="office",
        calendars={"office": calendar},
        severities=[Severity(name="alta", goals={"response": 2 * H, "resolution": 8 * H})],
        tiers=[Tier(level=1, name="Late", trigger=OnBreach(target="response"))],
    )
    ev = evaluate(policy, Timeline.open(bog(13, 11), severity="alta"), as_of=bog(15, 11))
    text = ev.explain()
    assert "exception 2026-01-14" in text
    # the breach is one microsecond after the deadline, and says so (not "09:00" twice)
    assert "was due at Thu 2026-01-15 09:00-0500 (the last instant" in text
    assert "level 1 'Late' fired Thu 2026-01-15 09:00:00.000001-0500 (breach)" in text


def test_explain_shows_physical_length_across_dst():
    """The length of a counted span across a DST change is its physical length, not wall time."""
    tz = ZoneInfo("Europe/London")
    london = Calendar(timezone="Europe/London", hours={"sat": ["22:00-02:30"]})
    policy = Policy(
        clock="office",
        calendars={"office": london},
        severities=[Severity(name="p1", goals={"response": 4 * H, "resolution": 8 * H})],
    )
    tl = Timeline.open(datetime(2026, 3, 28, 22, tzinfo=tz), severity="p1")
    ev = evaluate(policy, tl, as_of=datetime(2026, 3, 29, 12, tzinfo=tz))
    assert ev["response"].elapsed == 3 * H + 30 * M
    assert "= 3h30m" in ev.explain()


def test_explain_of_a_hand_built_evaluation():
    """An Evaluation built without evaluate() says it has no explanation."""
    ev = Evaluation(
        as_of=bog(13, 8),
        severity="alta",
        plan=None,
        route=None,
        targets=(),
        tier=None,
        next_tier=None,
        escalations=(),
    )
    assert ev.explain().startswith("(no explanation")


def test_repr_html_is_a_table_of_targets_and_tiers():
    """_repr_html_ returns HTML tables of the targets and of the tier schedule."""
    html = full_evaluation()._repr_html_()
    assert html.count("<table>") == 2
    assert "<th>target</th>" in html
    assert "<td>response</td>" in html
    assert "<td>waiting</td>" in html
    assert "<td>manual</td>" in html


def test_unknown_target_lookup_is_a_key_error():
    """ev['name'] of an unknown target: a NotFoundError (and KeyError) listing the targets."""
    with pytest.raises(KeyError, match="no target 'respnse'; targets: response, resolution"):
        full_evaluation()["respnse"]
    with pytest.raises(escalate.NotFoundError) as caught:
        full_evaluation()["respnse"]
    assert str(caught.value).startswith("no target 'respnse'")  # a sentence, not a quoted key
    assert caught.value.path == "['respnse']"
    assert pickle.loads(pickle.dumps(caught.value)).args == caught.value.args


def test_target_result_helpers():
    """is_breached matches the status."""
    ev = full_evaluation()
    assert ev["response"].is_breached
    assert not ev["resolution"].is_breached


def test_paused_exactly_when_the_goal_runs_out():
    """Paused at the instant R reaches the goal: paused, not breached, deadline unknown."""
    tl = Timeline.open(bog(13, 8), severity="alta").pause(bog(13, 10))
    response = evaluate(SAAS, tl, as_of=bog(13, 11))["response"]
    assert response.status is TargetStatus.PAUSED
    assert response.remaining == timedelta(0)
    assert response.due_at is None
    resumed = evaluate(SAAS, tl.resume(bog(13, 11)), as_of=bog(13, 11))["response"]
    assert resumed.due_at == bog(13, 11)


def test_resume_after_resolution_does_not_restart_the_target():
    """A resume that comes after the resolution leaves resolution met."""
    tl = (
        Timeline.open(bog(13, 8), severity="alta")
        .respond(bog(13, 8, 10))
        .pause(bog(13, 9))
        .resolve(bog(13, 10))
        .resume(bog(13, 11))
        .close(bog(13, 11, 30))
    )
    resolution = evaluate(SAAS, tl, as_of=bog(13, 12))["resolution"]
    assert resolution.status is TargetStatus.MET
    assert resolution.elapsed == H


def test_elapsed_tiers_on_the_same_clock():
    """Two elapsed-time tiers on one clock fire after their own amounts."""
    policy = Policy(
        clock="office",
        calendars={"office": OFFICE},
        severities=[Severity(name="alta", goals={"response": 2 * H, "resolution": 8 * H})],
        tiers=[
            Tier(level=1, name="One hour", trigger=AfterElapsed(after=H)),
            Tier(level=2, name="Two hours", trigger=AfterElapsed(after=2 * H)),
            Tier(level=3, name="Day", trigger=AfterElapsed(after=24 * H, clock="24x7")),
        ],
    )
    ev = evaluate(policy, Timeline.open(bog(13, 12), severity="alta"), as_of=bog(13, 16))
    assert [e.at for e in ev.escalations] == [bog(13, 14), bog(13, 15)]  # lunch 12:30-13:30
    assert ev.next_tier is not None
    assert ev.next_tier[1] == bog(14, 12)
    assert "level 3 'Day' projected Wed 2026-01-14 12:00-0500" in ev.explain()


def test_explain_of_a_pending_target():
    """A pending target is listed with no spans and no deadline."""
    text = evaluate(SAAS, Timeline.open(bog(13, 8), severity="alta"), as_of=bog(13, 9)).explain()
    goal = format_duration(120 * 24 * H)
    assert f"Target definitive_fix: pending; goal {goal} on clock '24x7'" in text


def test_explain_says_what_a_status_change_meant_for_the_incident():
    """A status meaning resolved, then one meaning open: the history and the clock say so."""
    policy = load_policy(
        {
            "clock": "24x7",
            "statuses": {"New": "open", "Active": "open", "Resolved": "resolved"},
            "severities": {"a": {"response": "1h", "resolution": "8h"}},
        }
    )
    utc = ZoneInfo("UTC")
    timeline = (
        Timeline.open(datetime(2026, 1, 13, 8, tzinfo=utc), severity="a", status="New")
        .change(datetime(2026, 1, 13, 10, tzinfo=utc), status="Resolved")
        .change(datetime(2026, 1, 13, 11, tzinfo=utc), status="Active")
        .change(datetime(2026, 1, 13, 11, 30, tzinfo=utc), status="New")
    )
    lines = evaluate(policy, timeline, as_of=datetime(2026, 1, 13, 12, tzinfo=utc)).explain()
    lines = lines.splitlines()
    assert lines[1:5] == [
        "History:",
        "  Tue 2026-01-13 10:00+0000 changed: status 'Resolved' (resolves the incident)",
        "  Tue 2026-01-13 11:00+0000 changed: status 'Active' (reopens the incident)",
        "  Tue 2026-01-13 11:30+0000 changed: status 'New'",
    ]
    resolution = lines[lines.index(next(x for x in lines if x.startswith("Target resolution"))) :]
    assert resolution[2:5] == [
        "  stopped at Tue 2026-01-13 10:00+0000",
        "  reopened    Tue 2026-01-13 11:00+0000: the clock runs on",
        "  counted     Tue 2026-01-13 11:00+0000 -> Tue 2026-01-13 12:00+0000 = 1h",
    ]
    response = lines[lines.index(next(x for x in lines if x.startswith("Target response"))) :]
    assert "reopened" not in " ".join(response[: response.index(resolution[0])])  # kept


def test_severity_change_to_another_clock_keeps_the_elapsed_time():
    """A change to a severity on another clock keeps the time already elapsed.

    Seed 002 runs alto on 24x7 and medio on office hours: each part of the running time
    counts on the clock of the severity in force then, never re-measured on the new one.
    """
    down = Timeline.open("2026-01-17T10:00:00-05:00", severity="alto").change_severity(
        "2026-01-17T10:30:00-05:00", "medio"
    )
    response = evaluate(HOSTING, down, as_of=datetime.fromisoformat("2026-01-17T10:45:00-05:00"))[
        "response"
    ]
    assert response.elapsed == 30 * M  # 30 min on 24x7, then the office is closed
    assert response.due_at == bog(19, 12, 30)  # 4.5 h more from Monday 08:00
    up = Timeline.open("2026-01-19T07:00:00-05:00", severity="medio").change_severity(
        "2026-01-19T09:00:00-05:00", "alto"
    )
    response = evaluate(HOSTING, up, as_of=datetime.fromisoformat("2026-01-19T09:00:00-05:00"))[
        "response"
    ]
    assert response.elapsed == H  # 08:00-09:00 on office hours while medio
    assert response.status is TargetStatus.RUNNING
    assert response.due_at == bog(19, 9)


def test_two_severity_changes_at_the_same_instant():
    """Of two severity changes at one instant, the last one's clock applies from then on.

    medio (office hours) -> alto (24x7) -> medio at 10:30 on a Saturday: the ticket is medio
    all along, so nothing elapses before Monday 08:00; response due 13:00, warning at 11:00.
    """
    tl = (
        Timeline.open("2026-01-17T10:00:00-05:00", severity="medio")
        .change_severity("2026-01-17T10:30:00-05:00", "alto")
        .change_severity("2026-01-17T10:30:00-05:00", "medio")
    )
    response = evaluate(HOSTING, tl, as_of=datetime.fromisoformat("2026-01-17T11:00:00-05:00"))[
        "response"
    ]
    assert response.elapsed == timedelta(0)
    assert response.due_at == bog(19, 13)
    assert response.warning_at == bog(19, 11)


def test_explain_gives_a_pause_the_reason_that_holds_the_target():
    """A pause and a status meaning open at the same instant: the pause's reason, either order.

    A status that pauses one target and not the other is named for the first alone, and
    a pause and a pausing status together are both named.
    """
    policy = load_policy(
        {
            "clock": "24x7",
            "statuses": {"New": "open", "Active": "open", "Waiting": "paused", "Vendor": "open"},
            "targets": {"resolution": {"pause": ["paused", {"status": "Vendor"}]}},
            "severities": {"alta": {"response": "2h", "resolution": "8h"}},
        }
    )
    utc = ZoneInfo("UTC")

    def at(hour: int) -> datetime:
        return datetime(2026, 1, 13, hour, tzinfo=utc)

    def paused_lines(timeline: Timeline) -> list[str]:
        text = evaluate(policy, timeline, as_of=at(12)).explain().splitlines()
        return [line.split(": ", 1)[1] for line in text if line.startswith("  paused ")]

    opened = Timeline.open(at(8), severity="alta", status="New")
    first = opened.pause(at(9), reason="waiting for customer").change(at(9), status="Active")
    later = opened.change(at(9), status="Active").pause(at(9), reason="waiting for customer")
    for timeline in (first, later):
        assert paused_lines(timeline.resume(at(10))) == ["waiting for customer"] * 2
    vendor = opened.respond(at(8)).change(at(9), status="Vendor").change(at(10), status="New")
    assert paused_lines(vendor) == ["status 'Vendor'"]  # the resolution's; the response ran
    both = opened.change(at(9), status="Waiting").pause(at(9), reason="vendor")
    assert paused_lines(both) == ["vendor and status 'Waiting'"] * 2


def test_explain_writes_the_incident_and_tiers_in_the_policys_zone_not_a_clocks():
    """A resolution clock in Sydney: the opening, history and tiers stay in Bogota's zone.

    As the embedding guide says and plot_incident shows; the resolution's own spans are in
    Sydney's zone, where its hours are kept.
    """
    policy = load_policy(
        {
            "clock": "office",
            "calendars": {
                "office": {"timezone": "America/Bogota", "hours": {"mon-fri": ["08:00-17:00"]}},
                "sydney": {"timezone": "Australia/Sydney", "hours": {"mon-fri": ["08:00-17:00"]}},
            },
            "targets": {"resolution": {"clock": "sydney"}},
            "severities": {"alta": {"response": "2h", "resolution": "8h"}},
            "tiers": [{"level": 1, "name": "Desk", "trigger": "open"}],
        }
    )
    timeline = Timeline.open(bog(13, 8), severity="alta").respond(bog(13, 9))
    ev = evaluate(policy, timeline, as_of=bog(13, 10))
    lines = ev.explain().splitlines()
    assert lines[0].startswith(f"Incident opened {_fmt(bog(13, 8))}")
    assert any(line.startswith(f"  {_fmt(bog(13, 9))} responded") for line in lines)
    assert f"  level 1 'Desk' fired {_fmt(bog(13, 8))} (opened)" in lines
    resolution = lines[next(i for i, x in enumerate(lines) if x.startswith("Target resolution")) :]
    assert any("+1100" in line for line in resolution[1:4])  # its spans: Sydney's hours


def test_the_built_in_24x7_clock_writes_instants_in_the_policys_zone():
    """A 24x7 goal of a Bogotá desk reads in Bogotá time (the same instant as in UTC).

    The built-in clock counts in UTC but belongs to no place; a declared 24x7 calendar
    keeps its own zone. explain() writes its spans the same way.
    """
    data = {
        "clock": "office",
        "calendars": {
            "office": {"timezone": "America/Bogota", "hours": {"mon-fri": ["08:00-17:00"]}}
        },
        "severities": {
            "alta": {"response": {"duration": "1h", "clock": "24x7"}, "resolution": "8h"}
        },
    }
    timeline = Timeline.open(bog(17, 22), severity="alta")  # a Saturday night
    ev = evaluate(load_policy(data), timeline, as_of=bog(17, 22, 30))
    assert ev["response"].due_at.isoformat() == "2026-01-17T23:00:00-05:00"
    assert (
        "  counted     Sat 2026-01-17 22:00-0500 -> Sat 2026-01-17 22:30-0500 = 30m" in ev.explain()
    )
    data["calendars"]["tokyo"] = {"timezone": "Asia/Tokyo", "hours": "24x7"}
    data["severities"]["alta"]["response"]["clock"] = "tokyo"
    ev = evaluate(load_policy(data), timeline, as_of=bog(17, 22, 30))
    assert ev["response"].due_at.isoformat() == "2026-01-18T13:00:00+09:00"


def test_explain_writes_the_incident_in_a_zone_asked_for():
    """explain(zone=...) moves the incident's instants and tiers; spans keep their clock's."""
    timeline = Timeline.open(bog(13, 8), severity="alta").respond(bog(13, 9))
    ev = evaluate(SAAS, timeline, as_of=bog(13, 10))
    lines = ev.explain(zone="Asia/Tokyo").splitlines()
    assert lines[0].startswith("Incident opened Tue 2026-01-13 22:00+0900")
    assert "  Tue 2026-01-13 23:00+0900 responded" in lines
    assert any(line.startswith("  counted     Tue 2026-01-13 08:00-0500") for line in lines)
    assert ev.explain(zone="America/Bogota") == ev.explain()
    with pytest.raises(escalate.ConfigError, match="zone"):
        ev.explain(zone="Mars/Olympus")
