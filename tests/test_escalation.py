"""Escalation a pager can trust: hand-worked cases, one per way it used to go wrong.

Seed 003's calendar: Bogota, Monday to Friday 07:30-12:30 and 13:30-17:00, Colombian
holidays. An ``alta`` incident has 2 h to respond and 8 h to resolve. Each case was
worked out by hand, and each failed before escalation became causal.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import attrs

from escalate import (
    AtOpen,
    AtPercent,
    Calendar,
    Contact,
    EscalationReason,
    Manual,
    OnBreach,
    Policy,
    Severity,
    Target,
    TargetStatus,
    Tier,
    TierState,
    Timeline,
    evaluate,
    load_policy,
    policy_warnings,
)

BOG = ZoneInfo("America/Bogota")
H = timedelta(hours=1)
US = timedelta(microseconds=1)
SAAS = load_policy(Path(__file__).parent.parent / "examples" / "policies" / "seed_003_saas.toml")
OFFICE = SAAS.calendar("office")


def bog(day: int, hour: int, minute: int = 0, us: int = 0) -> datetime:
    """An instant in Bogota in January 2026 (Tuesday 13 is a working day)."""
    return datetime(2026, 1, day, hour, minute, 0, us, tzinfo=BOG)


def policy(*tiers: Tier, **changes) -> Policy:
    """Seed 003's calendar and goals with these tiers."""
    return attrs.evolve(SAAS, tiers=list(tiers), routes=[], **changes)


def test_a_breach_tier_fires_after_the_deadline_never_at_it():
    """At due_at the target is running and the breach tier has not fired; a reply then is met."""
    p = policy(Tier(level=1, name="Late", trigger=OnBreach(target="response")))
    opened = Timeline.open(bog(13, 10, 30), severity="alta")
    at_due = evaluate(p, opened, as_of=bog(13, 13, 30))
    assert at_due["response"].status is TargetStatus.RUNNING
    assert at_due.escalations == ()
    assert at_due.next_tier is not None
    assert at_due.next_tier[1] == bog(13, 13, 30, us=1)
    replied = evaluate(p, opened.respond(bog(13, 13, 30)), as_of=bog(14, 9))
    assert replied["response"].status is TargetStatus.MET
    assert replied.escalations == ()
    late = evaluate(p, opened, as_of=bog(13, 13, 30, us=1))
    assert [(e.at, e.reason) for e in late.escalations] == [
        (bog(13, 13, 30, us=1), EscalationReason.BREACH)
    ]
    assert late["response"].breached_at == late.escalations[0].at


def test_a_100_percent_tier_fires_at_the_deadline_not_at_the_closing_instant():
    """Opened 10:30 with 2 h: the goal is used up at 12:30 (lunch) and due at 13:30."""
    p = policy(Tier(level=1, name="Full", trigger=AtPercent(target="response", percent=100)))
    opened = Timeline.open(bog(13, 10, 30), severity="alta")
    during_lunch = evaluate(p, opened, as_of=bog(13, 13))
    assert during_lunch.escalations == ()
    assert during_lunch.next_tier is not None
    assert during_lunch.next_tier[1] == during_lunch["response"].due_at == bog(13, 13, 30)
    assert evaluate(p, opened, as_of=bog(13, 13, 30)).escalations[0].at == bog(13, 13, 30)
    # a reply during lunch is on time, and nobody is paged
    assert evaluate(p, opened.respond(bog(13, 13)), as_of=bog(14, 9)).escalations == ()


def test_a_tier_that_can_no_longer_fire_is_skipped_and_the_ones_above_go_on():
    """Tier 2 on half the response; tiers 3-4 on the resolution breach. A quick reply skips 2."""
    p = policy(
        Tier(level=1, name="Desk", trigger=AtOpen()),
        Tier(level=2, name="Half reply", trigger=AtPercent(target="response", percent=50)),
        Tier(level=3, name="Late fix", trigger=OnBreach(target="resolution")),
        Tier(level=4, name="Later fix", trigger=OnBreach(target="resolution", delay=H)),
    )
    tl = Timeline.open(bog(13, 8), severity="alta").respond(bog(13, 8, 10))
    ev = evaluate(p, tl, as_of=bog(15, 9))
    states = [(s.tier.level, s.state, s.at) for s in ev.schedule]
    assert states == [
        (1, TierState.FIRED, bog(13, 8)),
        (2, TierState.SKIPPED, bog(13, 8, 10)),
        # 8 h from Tue 08:00 run out at 17:00: due Wed 07:30, breached just after
        (3, TierState.FIRED, bog(14, 7, 30, us=1)),
        (4, TierState.FIRED, bog(14, 8, 30, us=1)),
    ]
    assert "stopped before the trigger" in ev.schedule[1].note
    assert "level 2 'Half reply' skipped" in ev.explain()
    assert policy_warnings(p) == []  # nothing holds the tiers above: no warning


def test_escalations_are_never_back_dated_by_a_severity_raise():
    """Raised from baja to alta at 12:30, half the new goal was used long before: fires at 12:30."""
    p = policy(
        Tier(level=1, name="Desk", trigger=AtOpen()),
        Tier(level=2, name="Half reply", trigger=AtPercent(target="response", percent=50)),
        Tier(level=3, name="Three quarters", trigger=AtPercent(target="response", percent=75)),
    )
    tl = Timeline.open(bog(13, 9), severity="baja").change_severity(bog(13, 12, 30), "alta")
    before = evaluate(p, tl, as_of=bog(13, 11, 30))
    after = evaluate(p, tl, as_of=bog(13, 13))
    assert [e.at for e in after.escalations] == [bog(13, 9), bog(13, 12, 30), bog(13, 12, 30)]
    # what the later evaluation says about 11:30 is what the earlier one said
    assert [e for e in after.escalations if e.at <= bog(13, 11, 30)] == list(before.escalations)


def test_the_at_open_tier_fires_even_when_the_incident_is_resolved_at_once():
    """Opened and resolved in the same minute, the desk did handle it: tier 1 fires."""
    p = policy(Tier(level=1, name="Desk", trigger=AtOpen()))
    tl = Timeline.open(bog(13, 9), severity="alta").resolve(bog(13, 9)).close(bog(13, 9))
    ev = evaluate(p, tl, as_of=bog(13, 10))
    assert [(e.level, e.at, e.reason) for e in ev.escalations] == [
        (1, bog(13, 9), EscalationReason.OPENED)
    ]


def test_contacts_with_their_own_hours_are_notified_when_they_open():
    """A NOC tier fires on Saturday night; the manager on office hours hears on Monday 07:30."""
    noc = Calendar.always("America/Bogota")
    p = attrs.evolve(
        policy(
            Tier(
                level=1,
                name="NOC",
                trigger=AtOpen(),
                contacts=[Contact(name="On duty"), Contact(name="Manager", clock="office")],
            )
        ),
        calendars={"office": OFFICE, "noc": noc},
    )
    tl = Timeline.open(bog(10, 2), severity="alta")  # Saturday 02:00
    ev = evaluate(p, tl, as_of=bog(10, 3))
    notes = {n.contact: n.at for n in ev.escalations[0].notifications}
    assert notes == {"On duty": bog(10, 2), "Manager": bog(13, 7, 30)}  # Monday 12 is a holiday
    assert ev.next_change_at is not None
    assert ev.next_change_at <= bog(13, 7, 30)
    assert ev.to_dict()["escalations"][0]["notifications"][1] == {
        "contact": "Manager",
        "at": "2026-01-13T07:30:00-05:00",
    }


def test_warnings_name_tiers_that_can_hold_the_ones_above():
    """A tier on a target that starts late, and an automatic tier above a manual one, warn."""
    p = attrs.evolve(
        SAAS,
        targets=[
            *SAAS.targets[:2],
            Target(name="report", start="resolved", stop="report_sent", required=False),
        ],
        severities=[
            Severity(name="alta", goals={"response": 2 * H, "resolution": 8 * H, "report": 72 * H})
        ],
        tiers=[
            Tier(level=1, name="Report", trigger=AtPercent(target="report", percent=50)),
            Tier(level=2, name="Fix", trigger=OnBreach(target="resolution")),
            Tier(level=3, name="By hand", trigger=Manual()),
            Tier(level=4, name="Auto", trigger=OnBreach(target="resolution", delay=H)),
        ],
        routes=[],
    )
    found = {w.path: w.message for w in policy_warnings(p)}
    assert "target 'report' has not started" in found["tiers[0].trigger"]
    assert "manual tier 3" in found["tiers[2].trigger"]


def test_explain_is_bounded_for_an_incident_open_for_decades():
    """An incident open since 2026 evaluated in 2199 explains itself in a few dozen lines."""
    ev = evaluate(
        SAAS, Timeline.open(bog(13, 9), severity="alta"), as_of=datetime(2199, 1, 1, tzinfo=BOG)
    )
    lines = ev.explain().splitlines()
    assert len(lines) < 60
    assert any("more counted" in line for line in lines)


def test_explain_grows_linearly_with_the_events():
    """1,000 pauses and resumes explain in at most a few lines per event."""
    tl = Timeline.open(bog(13, 8), severity="baja")
    at = bog(13, 8)
    for _ in range(500):
        at += timedelta(minutes=1)
        tl = tl.pause(at)
        at += timedelta(minutes=1)
        tl = tl.resume(at)
    lines = evaluate(SAAS, tl, as_of=at + H).explain().splitlines()
    assert len(lines) < 30 * len(SAAS.targets) + 2 * 1000
