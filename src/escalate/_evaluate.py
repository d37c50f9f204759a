"""``evaluate``: a policy, a timeline and an instant in; every deadline, status and tier out.

A pure function: no clock of its own, no state. Events after ``as_of`` are invisible, so
live use and historical replay are the same call.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from escalate._calendar import _instant
from escalate._engine import Measured, due, reach, track
from escalate._errors import Problem, TimelineError, did_you_mean
from escalate._index import ONE_US, td_us, to_datetime
from escalate._policy import AfterElapsed, AtOpen, AtPercent, Manual, OnBreach, Policy, Tier
from escalate._results import (
    Escalation,
    EscalationReason,
    Evaluation,
    TargetResult,
    TargetStatus,
    TierRef,
)
from escalate._timeline import BUILTIN_EVENTS, Timeline

if TYPE_CHECKING:
    from escalate._calendar import Calendar

__all__ = ["evaluate"]


def _td(us: int) -> timedelta:
    return ONE_US * us


def _check(policy: Policy, timeline: Timeline) -> None:
    """Check the timeline against the policy: event names, severities and the plan."""
    problems: list[Problem] = []
    known = policy._memo.get("known")
    if known is None:
        known = policy._memo["known"] = frozenset(BUILTIN_EVENTS) | policy.event_names
    severities = policy.severity_names
    for i, event in enumerate(timeline.events):
        path = f"events[{i}] ({event.type})"
        if event.type not in known:
            hint = did_you_mean(event.type, known) or (
                "custom events must be a start or stop event of a policy target: "
                + ", ".join(sorted(policy.event_names - set(BUILTIN_EVENTS)) or ["(none)"])
            )
            problems.append(
                Problem(
                    path=f"{path}.type", message=f"unknown event type {event.type!r}", hint=hint
                )
            )
        if event.severity is not None and event.severity not in severities:
            problems.append(
                Problem(
                    path=f"{path}.severity",
                    message=f"unknown severity {event.severity!r}",
                    hint=did_you_mean(event.severity, severities)
                    or f"the policy's severities are {', '.join(map(repr, severities))}",
                )
            )
    plan = timeline.opened.get("plan")
    plans = [p.name for p in policy.plans]
    if plan is not None and plans and plan not in plans:
        problems.append(
            Problem(
                path="events[0] (opened).plan",
                message=f"unknown plan {plan!r}",
                hint=did_you_mean(str(plan), plans)
                or f"the policy's plans are {', '.join(map(repr, plans))}",
            )
        )
    if problems:
        raise TimelineError(problems)


def _severity_at(events: Sequence[tuple[str, int, str | None]], at: int) -> str:
    found = events[0][2]
    for kind, when, severity in events:
        if when > at:
            break
        if kind in {"opened", "severity_changed"} and severity is not None:
            found = severity
    assert found is not None  # noqa: S101 - the timeline guarantees an opening severity
    return found


def _clock_changes(
    policy: Policy,
    target: str,
    events: Sequence[tuple[str, int, str | None]],
    until: int,
    plan: str | None,
) -> list[tuple[int, Calendar]]:
    """Return where a target's clock changes with the severity, or ``[]`` when it never does."""
    changes: list[tuple[int, Calendar]] = []
    for kind, at, severity in events:
        if at > until:
            break
        if kind not in {"opened", "severity_changed"} or severity is None:
            continue
        goal = policy.goal(target, severity, plan=plan)
        if goal is None:
            continue
        clock = policy.calendar(goal.clock or policy.clock)
        if changes and changes[-1][0] == at:  # the last change at an instant wins
            changes.pop()
        if not changes or clock is not changes[-1][1]:
            changes.append((at, clock))
    return changes if len(changes) > 1 else []


def _resolved_periods(events: Sequence[tuple[str, int]]) -> list[tuple[int, int | None]]:
    periods: list[tuple[int, int | None]] = []
    since: int | None = None
    for kind, at in events:
        if kind == "resolved" and since is None:
            since = at
        elif kind == "reopened" and since is not None:
            periods.append((since, at))
            since = None
    if since is not None:
        periods.append((since, None))
    return periods


def _defer(at: int, periods: list[tuple[int, int | None]]) -> int | None:
    """Move a firing instant out of resolved periods (to the reopening), or drop it."""
    for start, end in periods:
        if start <= at and (end is None or at < end):
            return end
    return at


class _TargetState:
    __slots__ = ("due", "goal", "measured", "result")

    def __init__(
        self, measured: Measured, goal: int, due_us: int | None, result: TargetResult
    ) -> None:
        self.measured, self.goal, self.due, self.result = measured, goal, due_us, result


def evaluate(policy: Policy, timeline: Timeline, /, *, as_of: datetime) -> Evaluation:
    """Evaluate an incident: every target's status and deadline, and the escalation tiers.

    Args:
        policy: The support agreement.
        timeline: The incident's events.
        as_of: The instant of evaluation (timezone-aware); events after it are ignored.

    Raises:
        TimelineError: an event the policy does not know (type, severity, plan), or
            ``as_of`` before the opening.
        NaiveDatetimeError: ``as_of`` has no time zone.
    """
    now = _instant(as_of, "as_of")
    _check(policy, timeline)
    raw = timeline.instants
    if now < raw[0][1]:
        raise TimelineError.single(
            "as_of",
            f"{as_of.isoformat()} is before the opening at {timeline.opened.at.isoformat()}",
            "evaluate at or after the opening",
        )
    visible = [e for e in raw if e[1] <= now]
    events = [(kind, at) for kind, at, _sev in visible]
    attributes = timeline._attributes
    plan = attributes.get("plan")
    plan_name = str(plan) if plan is not None else None
    use_plan = plan_name if plan_name is not None and policy.plans else None
    severity_now = _severity_at(visible, now)

    retargeted = any(kind == "severity_changed" for kind, _at in events)
    states: dict[str, _TargetState] = {}
    for target in policy.targets:
        tr = track(events, start=target.start, stop=target.stop, pauses=target.pauses, as_of=now)
        goal_at = now if tr.stopped_at is None else min(now, tr.stopped_at)
        goal = policy.goal(target.name, _severity_at(visible, goal_at), plan=use_plan)
        if goal is None:
            continue
        clock_name = goal.clock or policy.clock
        clock = policy.calendar(clock_name)
        goal_us = td_us(goal.duration)
        changes = (
            _clock_changes(policy, target.name, visible, goal_at, use_plan) if retargeted else ()
        )
        measured = Measured(tr.spans, clock, changes)
        spent = measured.total
        if spent > goal_us:
            status = TargetStatus.BREACHED
        elif tr.stopped_at is not None:
            status = TargetStatus.MET
        elif not tr.started:
            status = TargetStatus.PENDING
        elif tr.paused:
            status = TargetStatus.PAUSED
        else:
            status = TargetStatus.RUNNING
        due_us = due(measured, goal_us) if tr.started else None
        measured_stopped = measured.stopped() if tr.stopped_at is not None else measured
        warn_us = (
            reach(measured_stopped, td_us(goal.warning))
            if goal.warning is not None and tr.started
            else None
        )
        zone = clock.zone
        due_at = None if due_us is None else to_datetime(due_us, zone)
        result = TargetResult(
            name=target.name,
            status=status,
            goal=goal.duration,
            elapsed=_td(spent),
            remaining=_td(goal_us - spent),
            percent=100.0 * spent / goal_us,
            due_at=due_at,
            warning_at=None if warn_us is None else to_datetime(warn_us, zone),
            breached_at=due_at if status is TargetStatus.BREACHED else None,
            stopped_at=None if tr.stopped_at is None else to_datetime(tr.stopped_at, zone),
            clock=clock_name,
        )
        states[target.name] = _TargetState(measured_stopped, goal_us, due_us, result)

    route = policy.route_for(attributes)
    tiers = route.tiers if route is not None else policy.tiers
    fired, projected = _escalate(policy, tiers, states, events, now)
    zone = policy.calendar(policy.escalation_clock).zone
    key = ("tiers", None if route is None else route.name)
    refs = policy._memo.get(key)
    if refs is None:
        refs = policy._memo[key] = [_ref(t) for t in tiers]
    escalations = tuple(
        Escalation(level=refs[i].level, name=refs[i].name, at=to_datetime(at, zone), reason=why)
        for i, (at, why) in enumerate(fired)
    )
    schedule = tuple(
        [(refs[i], e.at, e.reason) for i, e in enumerate(escalations)]
        + [
            (refs[len(fired) + j], None if at is None else to_datetime(at, zone), None)
            for j, at in enumerate(projected)
        ]
    )
    tier = refs[len(fired) - 1] if fired else None
    next_tier = (schedule[len(fired)][0], schedule[len(fired)][1]) if projected else None
    return Evaluation(
        as_of=as_of,
        severity=severity_now,
        plan=plan_name,
        route=None if route is None else route.name,
        targets=tuple(s.result for s in states.values()),
        tier=tier,
        next_tier=next_tier,
        escalations=escalations,
        schedule=schedule,
        context=_Context(policy, timeline, now),
    )


def _ref(tier: Tier) -> TierRef:
    return TierRef(level=tier.level, name=tier.name, contacts=tier.contacts)


def _trigger_instant(  # noqa: PLR0917
    policy: Policy,
    tier: Tier,
    states: dict[str, _TargetState],
    events: list[tuple[str, int]],
    now: int,
    escalation: dict[str, Measured],
) -> tuple[int | None, EscalationReason]:
    trigger = tier.trigger
    if isinstance(trigger, AtOpen):
        return events[0][1], EscalationReason.OPENED
    if isinstance(trigger, AfterElapsed):
        name = trigger.clock or policy.escalation_clock
        measured = escalation.get(name)
        if measured is None:
            tr = track(events, start="opened", stop="resolved", pauses=False, as_of=now)
            measured = Measured(tr.spans, policy.calendar(name))
            measured = measured.stopped() if tr.stopped_at is not None else measured
            escalation[name] = measured
        return reach(measured, td_us(trigger.after)), EscalationReason.ELAPSED
    if isinstance(trigger, AtPercent):
        state = states.get(trigger.target)
        if state is None:
            return None, EscalationReason.PERCENT
        amount = max(round(state.goal * trigger.percent / 100), 1)
        return reach(state.measured, amount), EscalationReason.PERCENT
    if isinstance(trigger, OnBreach):
        state = states.get(trigger.target)
        if state is None or state.result.status is TargetStatus.MET:
            return None, EscalationReason.BREACH
        at = state.due
        if at is not None and trigger.delay:
            at = state.measured.clock._add_us(at, td_us(trigger.delay))
        return at, EscalationReason.BREACH
    assert isinstance(trigger, Manual)  # noqa: S101 - the trigger set is closed
    return None, EscalationReason.MANUAL


def _escalate(
    policy: Policy,
    tiers: Sequence[Tier],
    states: dict[str, _TargetState],
    events: list[tuple[str, int]],
    now: int,
) -> tuple[list[tuple[int, EscalationReason]], list[int | None]]:
    """Fire tiers in order: (fired instants with reasons, projected instants of the rest)."""
    resolved = _resolved_periods(events)
    manual = [at for kind, at in events if kind == "escalated"]
    escalation: dict[str, Measured] = {}
    fired: list[tuple[int, EscalationReason]] = []
    projected: list[int | None] = []
    previous: int | None = events[0][1]
    m = 0
    for tier in tiers:
        at, why = _trigger_instant(policy, tier, states, events, now, escalation)
        if at is not None and previous is not None:
            at = _defer(max(at, previous), resolved)
        elif previous is None:
            at = None
        manual_at = manual[m] if m < len(manual) else None
        if manual_at is not None and previous is not None and (at is None or manual_at < at):
            at, why = max(manual_at, previous), EscalationReason.MANUAL
            m += 1
        if at is not None and at <= now and not projected:
            fired.append((at, why))
        else:
            projected.append(at)
        previous = at
    return fired, projected


def _fmt(value: datetime) -> str:
    return value.strftime("%a %Y-%m-%d %H:%M:%S%z").replace(":00+", "+").replace(":00-", "-")


def _closed_reason(clock: Calendar, start: datetime, end: datetime) -> str:
    """Say why ``[start, end)`` is closed on ``clock``: holidays, exceptions or hours."""
    day, last = start.astimezone(clock.zone).date(), end.astimezone(clock.zone).date()
    exceptions = dict(clock.exceptions)
    reasons: list[str] = []
    while day <= last:
        if day in exceptions:
            reasons.append(f"exception {day.isoformat()}")
        elif not clock.hours[day.weekday()]:
            reasons.append(f"no hours on {day.strftime('%a')} {day.isoformat()}")
        elif day in clock._holidays_of(day.year):
            reasons.append(f"holiday {day.isoformat()}")
        day += timedelta(days=1)
    if reasons:
        reasons.append("outside business hours")
    return ", ".join(reasons) if reasons else "outside business hours"


class _Context:
    """What ``Evaluation.explain`` needs, kept apart from the value fields (picklable)."""

    __slots__ = ("now", "policy", "timeline")

    def __init__(self, policy: Policy, timeline: Timeline, now: int) -> None:
        self.policy, self.timeline, self.now = policy, timeline, now

    def __reduce__(self) -> tuple[Any, ...]:
        return (_Context, (self.policy, self.timeline, self.now))

    def explain(self, ev: Evaluation) -> list[str]:
        """Return the lines of :meth:`Evaluation.explain`."""
        opened = self.timeline.opened
        lines = [
            f"Incident opened {_fmt(opened.at)} with severity {opened.severity!r}"
            + (f", plan {ev.plan!r}" if ev.plan else "")
            + (f", route {ev.route!r}" if ev.route else ", default tiers")
            + f"; evaluated as of {_fmt(ev.as_of)}, severity now {ev.severity!r}."
        ]
        visible = [e for e in self.timeline.events if _instant(e.at, "at") <= self.now]
        pauses = [(e.at, e.reason) for e in visible if e.type in {"paused", "resumed"}]
        events = [(e.type, _instant(e.at, "at")) for e in visible]
        for result in ev.targets:
            clock = self.policy.calendar(result.clock)
            target = self.policy.target(result.name)
            running = track(
                events, start=target.start, stop=target.stop, pauses=target.pauses, as_of=self.now
            ).spans.spans
            spans = [(to_datetime(a, clock.zone), to_datetime(b, clock.zone)) for a, b in running]
            lines.append(
                f"Target {result.name}: {result.status.value}; goal {result.goal} on clock "
                f"{result.clock!r}, elapsed {result.elapsed} ({result.percent:.1f}%)."
            )
            previous_end: datetime | None = None
            for a, b in spans:
                if previous_end is not None:
                    why = (
                        "paused" if any(previous_end <= at < b for at, _r in pauses) else "stopped"
                    )
                    lines.append(f"  not counted {_fmt(previous_end)} -> {_fmt(a)}: {why}")
                cursor = a
                for start, end in clock.open_periods(a, b):
                    if start > cursor:
                        reason = _closed_reason(clock, cursor, start)
                        lines.append(f"  skipped     {_fmt(cursor)} -> {_fmt(start)}: {reason}")
                    # physical length: same-zone datetime subtraction would be wall-clock
                    length = end.astimezone(UTC) - start.astimezone(UTC)
                    lines.append(f"  counted     {_fmt(start)} -> {_fmt(end)} = {length}")
                    cursor = end
                if cursor < b:
                    reason = _closed_reason(clock, cursor, b)
                    lines.append(f"  skipped     {_fmt(cursor)} -> {_fmt(b)}: {reason}")
                previous_end = b
            if result.stopped_at is not None:
                lines.append(f"  stopped at {_fmt(result.stopped_at)}")
            if result.due_at is not None:
                word = "was due" if result.status is TargetStatus.BREACHED else "due"
                lines.append(
                    f"  {word} at {_fmt(result.due_at)} (the last instant that still counts as met)"
                )
            elif result.status is TargetStatus.PAUSED:
                lines.append(f"  no deadline while paused; {result.remaining} remain")
        lines.extend(
            f"Pause at {_fmt(pause_at)}: {why_paused}"
            for pause_at, why_paused in pauses
            if why_paused
        )
        lines.append("Escalation:" if ev.schedule else "Escalation: no tiers")
        for ref, tier_at, fired_why in ev.schedule:
            if fired_why is not None and tier_at is not None:
                lines.append(
                    f"  level {ref.level} {ref.name!r} fired {_fmt(tier_at)} ({fired_why.value})"
                )
            elif tier_at is not None:
                lines.append(f"  level {ref.level} {ref.name!r} projected {_fmt(tier_at)}")
            else:
                lines.append(
                    f"  level {ref.level} {ref.name!r} not scheduled (manual, paused or resolved)"
                )
        return lines
