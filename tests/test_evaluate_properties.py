"""Law-like properties of ``evaluate`` on random timelines, across DST zones too.

The incidents come from ``tests.evaluator_reference.incidents``: four policies (a split day
in Bogota with holidays, Europe/London and America/Santiago calendars that cross DST
transitions, and a 24x7 clock), every trigger kind, and random valid timelines.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from hypothesis import assume, example, given
from hypothesis import strategies as st

from escalate import TargetStatus, Timeline, evaluate
from escalate._plan import compiled
from tests.evaluator_reference import POLICIES, incidents

US = timedelta(microseconds=1)
DST = ("london", "santiago")


def visible(timeline: Timeline, as_of) -> Timeline:
    """Return the timeline cut at ``as_of``: what an evaluation at ``as_of`` sees."""
    return Timeline(tuple(e for e in timeline.events if e.at <= as_of) or timeline.events[:1])


# A severity change to a goal on another clock (low runs on 24x7, high on office hours):
# elapsed must not drop at the change (see test_evaluate's clock-change test).
CLOCK_CHANGE = (
    "bogota",
    POLICIES["bogota"],
    Timeline.open("2026-01-10T10:00:00-05:00", severity="low").change_severity(
        "2026-01-10T10:30:00-05:00", "high"
    ),
    datetime.fromisoformat("2026-01-10T10:29:00-05:00"),
)


# Resolved, then reopened by a status change one microsecond later: the post-incident
# report (reopen rule "restart") ran for a microsecond, then waits for the next resolution.
REPORT_RESTARTED = (
    "bogota",
    POLICIES["bogota"],
    Timeline.open("2026-01-09T16:10:00-05:00", severity="high")
    .resolve("2026-01-09T16:10:00-05:00")
    .change("2026-01-09T16:10:00.000002-05:00", status="New"),
    datetime.fromisoformat("2026-01-09T16:10:00.000001-05:00"),
)


@given(incidents(), st.integers(0, 10 * 24 * 3600 * 10**6))
@example(incident=CLOCK_CHANGE, later_us=60 * 10**6)
@example(incident=REPORT_RESTARTED, later_us=1)
def test_elapsed_never_decreases_as_as_of_grows(incident, later_us):
    """For every target, elapsed at a later as_of is at least elapsed at an earlier one.

    Except where a reopen in between starts a new measurement: a target whose reopen
    rule is ``restart`` (seed 000's report, due after the *last* resolution) counts from
    zero again, so its elapsed may fall, and only then.
    """
    _name, policy, timeline, as_of = incident
    later = as_of + later_us * US
    early = evaluate(policy, timeline, as_of=as_of)
    late = evaluate(policy, timeline, as_of=later)
    reopens = any(
        e.type == "reopened"
        or (e.status is not None and policy.statuses.get(e.status) not in {"resolved", "closed"})
        for e in timeline.events
        if as_of < e.at <= later
    )
    rules = {t.name: t.reopen_rule(policy.statuses) for t in policy.targets}
    for target in early.targets:
        if target.name in {t.name for t in late.targets}:
            if reopens and rules[target.name] == "restart":
                continue
            assert late[target.name].elapsed >= target.elapsed


@st.composite
def paused_pairs(draw):
    """An incident without pauses, and the same incident with one pause inserted."""
    _name, policy, timeline, as_of = draw(
        incidents(
            kinds={
                "responded",
                "severity_changed",
                "escalated",
                "resolved",
                "reopened",
                "report_sent",
            }
        )
    )
    opened = timeline.opened.at
    assume(as_of > opened)
    span = int((as_of - opened) / US)
    a, b = sorted(draw(st.lists(st.integers(0, span), min_size=2, max_size=2)))
    pause, resume = opened + a * US, opened + b * US
    events = [*timeline.to_events()]
    events += [{"type": "paused", "at": pause}, {"type": "resumed", "at": resume}]
    # a stable sort keeps the opening first and the pause before its resume
    events.sort(key=lambda e: e["at"] if not isinstance(e["at"], str) else _parse(e["at"]))
    assume(events[0]["type"] == "opened")
    return policy, timeline, Timeline.from_events(events), as_of


def _parse(text):
    return datetime.fromisoformat(text)


@given(paused_pairs())
def test_a_pause_never_makes_a_deadline_earlier(pair):
    """Adding a pause (resumed by as_of) never moves a due_at earlier."""
    policy, plain, paused, as_of = pair
    before = evaluate(policy, plain, as_of=as_of)
    after = evaluate(policy, paused, as_of=as_of)
    assert [t.name for t in before.targets] == [t.name for t in after.targets]
    for target in before.targets:
        due, later = target.due_at, after[target.name].due_at
        if due is not None and later is not None:
            assert later >= due
        assert after[target.name].elapsed <= target.elapsed


@given(incidents(), st.data())
def test_due_at_is_the_last_instant_that_counts_as_met(incident, data):
    """At as_of = due_at a running target is not breached; 1 µs of open time later it is."""
    _name, policy, timeline, as_of = incident
    timeline = visible(timeline, as_of)
    ev = evaluate(policy, timeline, as_of=as_of)
    running = [t for t in ev.targets if t.status is TargetStatus.RUNNING]
    assume(running)
    target = data.draw(st.sampled_from(running))
    assert target.due_at is not None
    assert target.due_at >= as_of
    at_due = evaluate(policy, timeline, as_of=target.due_at)[target.name]
    assert at_due.status is TargetStatus.RUNNING
    assert at_due.elapsed <= at_due.goal
    clock = policy.calendar(target.clock)
    # in UTC: adding to a zoned datetime is wall-clock arithmetic and drops fold=1
    after = clock.next_open(target.due_at).astimezone(UTC) + US
    late = evaluate(policy, timeline, as_of=after)[target.name]
    assert late.status is TargetStatus.BREACHED
    assert late.elapsed == late.goal + US
    assert late.breached_at.astimezone(UTC) == target.due_at.astimezone(UTC) + US


@given(incidents())
def test_to_dict_round_trips_through_json(incident):
    """to_dict() survives json.dumps / json.loads unchanged."""
    _name, policy, timeline, as_of = incident
    d = evaluate(policy, timeline, as_of=as_of).to_dict()
    assert json.loads(json.dumps(d)) == d


@given(incidents())
def test_tier_firing_times_are_non_decreasing_in_level(incident):
    """Fired and projected tier instants never go down as the level goes up."""
    _name, policy, timeline, as_of = incident
    ev = evaluate(policy, timeline, as_of=as_of)
    known = [entry.at for entry in ev.schedule if entry.at is not None]
    assert known == sorted(known)
    fired = [e.at for e in ev.escalations]
    assert fired == sorted(fired)
    assert all(at <= ev.as_of for at in fired)
    levels = [entry.tier.level for entry in ev.schedule]
    assert levels == sorted(levels)
    if ev.tier is not None:
        assert ev.tier.level == ev.escalations[-1].level
    if ev.next_tier is not None:
        assert ev.next_tier[1] is None or ev.next_tier[1] > ev.as_of


@given(incidents())
def test_stop_at_is_at_most_due_at_exactly_when_met(incident):
    """For a stopped target, stopped_at <= due_at holds exactly when it is met."""
    _name, policy, timeline, as_of = incident
    for target in evaluate(policy, timeline, as_of=as_of).targets:
        if target.stopped_at is not None:
            assert target.due_at is not None
            assert (target.stopped_at <= target.due_at) == (target.status is TargetStatus.MET)


@given(incidents())
def test_statuses_agree_with_the_numbers(incident):
    """Breached iff elapsed > goal; remaining = goal - elapsed; breached_at only when breached."""
    _name, policy, timeline, as_of = incident
    for t in evaluate(policy, timeline, as_of=as_of).targets:
        assert (t.status is TargetStatus.BREACHED) == (t.elapsed > t.goal)
        assert t.remaining == t.goal - t.elapsed
        assert (t.breached_at is not None) == (t.status is TargetStatus.BREACHED)
        if t.breached_at is not None:
            assert t.breached_at == t.due_at + US  # the first instant it is breached
        if t.status in {TargetStatus.PAUSED, TargetStatus.PENDING}:
            assert t.due_at is None


@given(incidents(policies=DST))
def test_across_dst_elapsed_is_physical_open_time(incident):
    """On DST calendars, elapsed never exceeds the physical time since the opening."""
    _name, policy, timeline, as_of = incident
    ev = evaluate(policy, timeline, as_of=as_of)
    for t in ev.targets:
        assert t.elapsed <= max(as_of - timeline.opened.at, timedelta(0))
        if t.due_at is not None and t.status is TargetStatus.RUNNING:
            assert policy.calendar(t.clock).is_open(t.due_at)


def _escalations(ev):
    return [(e.level, e.at, e.reason) for e in ev.escalations]


@given(incidents(), st.integers(0, 6 * 24 * 3600 * 10**6))
def test_causality_what_fired_by_an_instant_never_changes(incident, later_us):
    """The escalations fired by as_of are those of any later evaluation fired by as_of.

    Same tiers, same instants, same reasons, whatever events come after as_of: what an
    evaluation says about an instant depends only on the events at or before it.
    """
    _name, policy, timeline, as_of = incident
    early = evaluate(policy, timeline, as_of=as_of)
    late = evaluate(policy, timeline, as_of=as_of + later_us * US)
    assert _escalations(early) == [e for e in _escalations(late) if e[1] <= as_of]


@given(incidents(), st.data())
def test_nothing_changes_before_next_change_at(incident, data):
    """Anywhere in [as_of, next_change_at) the statuses, at-risk flags and tier are the same.

    With no new event (the timeline is cut at as_of), an evaluation later in that window
    says the same about every target's status and the active tier; and at next_change_at
    itself something does change.
    """
    _name, policy, timeline, as_of = incident
    timeline = visible(timeline, as_of)
    ev = evaluate(policy, timeline, as_of=as_of)

    def summary(e):
        return (
            [(t.name, t.status, t.at_risk) for t in e.targets],
            None if e.tier is None else e.tier.level,
            [(s.tier.level, s.state) for s in e.schedule],
            [(n.contact, n.at) for x in e.escalations for n in x.notifications if n.at > e.as_of],
        )

    change = ev.next_change_at
    if change is None:
        later = as_of + data.draw(st.integers(0, 30 * 24 * 3600)) * timedelta(seconds=1)
        assert summary(evaluate(policy, timeline, as_of=later))[:3] == summary(ev)[:3]
        return
    assert change > as_of
    span = (change - as_of) // US - 1
    inside = as_of + data.draw(st.integers(0, span)) * US
    assert summary(evaluate(policy, timeline, as_of=inside))[:3] == summary(ev)[:3]
    assert summary(evaluate(policy, timeline, as_of=change)) != summary(ev)


@given(incidents())
def test_replay_equals_live_events_after_as_of_are_invisible(incident):
    """Evaluating the whole history as of t says exactly what a live system said at t.

    A ticket system that evaluated each incident as its events arrived (seeing only the
    events so far) and an analyst who replays the full history later, as of the same
    instant, get the same answer, to the last key of ``to_dict()``: at every event's own
    instant, one microsecond before it, and at the drawn as_of.
    """
    _name, policy, timeline, as_of = incident
    instants = {as_of, *(e.at for e in timeline.events), *(e.at - US for e in timeline.events)}
    for t in sorted(instants):
        replayed = evaluate(policy, timeline, as_of=t).to_dict()
        live = evaluate(policy, visible(timeline, t), as_of=t).to_dict()
        assert replayed == live, t


@given(incidents())
def test_explain_names_only_what_holds_a_paused_target(incident):
    """Every paused span's reason names a status that holds that target, or a pause.

    The reasons come from the fold's own rule (``_fold.holds``): a status that means open
    for this target is never given as why it was held.
    """
    _name, policy, timeline, as_of = incident
    ev = evaluate(policy, timeline, as_of=as_of)
    plan = compiled(policy)
    holding = {
        tp.name: {
            name
            for name, meaning in policy.statuses.items()
            if name in tp.pause_in or (tp.pause_flag and meaning == "paused")
        }
        for tp in plan.targets
    }
    pauses = {e.reason or "paused" for e in timeline.events if e.type == "paused"}
    target = None
    for line in ev.explain().splitlines():
        if line.startswith("Target "):
            target = line.split()[1].rstrip(":")
        elif line.startswith("  paused "):
            why = line.split(": ", 1)[1]
            for part in why.split(" and "):
                if part.startswith("status '"):
                    assert part[8:-1] in holding[target], (target, line)
                else:
                    assert part in pauses or part == "paused", (target, line)
