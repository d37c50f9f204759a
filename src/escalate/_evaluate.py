"""``evaluate``: a policy, a timeline and an instant in; every deadline, status and tier out.

A pure function: no clock of its own, no state. Events after ``as_of`` are invisible, so
live use and historical replay are the same call.

A ticket system calls it on every ticket view and an analyst replays years of history
through it, so the policy is compiled once (:class:`_Compiled`, kept on the policy): goals
per severity and plan with their clocks and integer durations, and tier triggers as plain
tuples. Each call then makes one pass per target over the events, on integers, and
converts to datetimes only the instants it reports.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeAlias

from escalate._calendar import _instant
from escalate._engine import PAUSED, PENDING, RUNNING, STOPPED, Measured, due, reach, track
from escalate._errors import Problem, TimelineError, did_you_mean
from escalate._index import ONE_US, td_us, to_datetime
from escalate._policy import AfterElapsed, AtOpen, AtPercent, OnBreach, Policy, Route, Tier
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

_Events: TypeAlias = Sequence[tuple[str, int, str | None]]

# the events that change how the rest is computed; most timelines have none of them
_NOTABLE = frozenset(("severity_changed", "escalated", "resolved"))

# tier trigger kinds, compiled
_OPEN, _ELAPSED, _PERCENT, _BREACH, _MANUAL = range(5)
_Op: TypeAlias = tuple[int, Any, Any]

_STATUS = {
    PENDING: TargetStatus.PENDING,
    RUNNING: TargetStatus.RUNNING,
    PAUSED: TargetStatus.PAUSED,
    STOPPED: TargetStatus.MET,
}


class _GoalSpec:
    """A goal compiled for the evaluator: integer durations and the clock itself."""

    __slots__ = ("clock", "clock_name", "duration", "us", "warning_us", "zone")

    def __init__(
        self, duration: timedelta, warning: timedelta | None, clock: str, policy: Policy
    ) -> None:
        self.duration, self.us = duration, td_us(duration)
        self.warning_us = None if warning is None else td_us(warning)
        self.clock_name, self.clock = clock, policy.calendar(clock)
        self.zone = self.clock.zone


class _Compiled:
    """What the evaluator derives from a policy once, kept in ``Policy._memo``."""

    __slots__ = (
        "_goals",
        "_tiers",
        "escalation_zone",
        "known",
        "plans",
        "policy",
        "severities",
        "targets",
    )

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.known = frozenset(BUILTIN_EVENTS) | policy.event_names
        self.severities = frozenset(policy.severity_names)
        self.plans = [p.name for p in policy.plans]
        self.targets = tuple((t.name, t.start, t.stop, t.pauses) for t in policy.targets)
        self.escalation_zone = policy.calendar(policy.escalation_clock).zone
        self._goals: dict[tuple[str, str | None], tuple[_GoalSpec | None, ...]] = {}
        self._tiers: dict[str | None, tuple[list[_Op], list[TierRef]]] = {}

    def goals(self, severity: str, plan: str | None) -> tuple[_GoalSpec | None, ...]:
        """Return the goal of every target (``None`` where none applies) for a severity."""
        found = self._goals.get((severity, plan))
        if found is None:
            policy = self.policy
            specs = []
            for name, *_rest in self.targets:
                goal = policy.goal(name, severity, plan=plan)
                specs.append(
                    None
                    if goal is None
                    else _GoalSpec(goal.duration, goal.warning, goal.clock or policy.clock, policy)
                )
            found = self._goals[severity, plan] = tuple(specs)
        return found

    def tiers(self, route: Route | None) -> tuple[list[_Op], list[TierRef]]:
        """Return the compiled triggers and the result references of a route's tiers."""
        key = None if route is None else route.name
        found = self._tiers.get(key)
        if found is None:
            tiers = self.policy.tiers if route is None else route.tiers
            found = self._tiers[key] = ([self._op(t) for t in tiers], [_ref(t) for t in tiers])
        return found

    def _op(self, tier: Tier) -> _Op:
        trigger = tier.trigger
        if isinstance(trigger, AtOpen):
            return _OPEN, None, None
        if isinstance(trigger, AfterElapsed):
            clock = self.policy.calendar(trigger.clock or self.policy.escalation_clock)
            return _ELAPSED, td_us(trigger.after), clock
        if isinstance(trigger, AtPercent):
            return _PERCENT, trigger.target, trigger.percent
        if isinstance(trigger, OnBreach):
            return _BREACH, trigger.target, td_us(trigger.delay)
        return _MANUAL, None, None

    def check(self, timeline: Timeline) -> None:
        """Check a timeline's event names, severities and plan against the policy."""
        plan = timeline._attributes.get("plan")
        if not (
            timeline._types <= self.known
            and timeline._severities <= self.severities
            and (plan is None or not self.plans or plan in self.plans)
        ):
            _report(self, timeline)


def _compiled(policy: Policy) -> _Compiled:
    found = policy._memo.get("compiled")
    if found is None:
        found = policy._memo["compiled"] = _Compiled(policy)
    return found


def _report(compiled: _Compiled, timeline: Timeline) -> None:
    """Raise the TimelineError listing every event the policy does not know."""
    problems: list[Problem] = []
    policy, known, plans = compiled.policy, compiled.known, compiled.plans
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
    if plan is not None and plans and plan not in plans:
        problems.append(
            Problem(
                path="events[0] (opened).plan",
                message=f"unknown plan {plan!r}",
                hint=did_you_mean(str(plan), plans)
                or f"the policy's plans are {', '.join(map(repr, plans))}",
            )
        )
    raise TimelineError(problems)


def _severity_at(events: _Events, at: int) -> str:
    found = events[0][2]
    for kind, when, severity in events:
        if when > at:
            break
        if severity is not None and kind in {"opened", "severity_changed"}:
            found = severity
    assert found is not None  # noqa: S101 - the timeline guarantees an opening severity
    return found


def _clock_changes(
    compiled: _Compiled, index: int, events: _Events, until: int, plan: str | None
) -> list[tuple[int, Calendar]]:
    """Return where a target's clock changes with the severity, or ``[]`` when it never does."""
    changes: list[tuple[int, Calendar]] = []
    for kind, at, severity in events:
        if at > until:
            break
        if kind not in {"opened", "severity_changed"} or severity is None:
            continue
        spec = compiled.goals(severity, plan)[index]
        if spec is None:
            continue
        if changes and changes[-1][0] == at:  # the last change at an instant wins
            changes.pop()
        if not changes or spec.clock is not changes[-1][1]:
            changes.append((at, spec.clock))
    return changes if len(changes) > 1 else []


def _resolved_periods(events: _Events) -> list[tuple[int, int | None]]:
    periods: list[tuple[int, int | None]] = []
    since: int | None = None
    for kind, at, _severity in events:
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


# what the tier triggers need of each target: the counted pieces, goal, deadline, status
_State: TypeAlias = tuple[Measured, int, int | None, TargetStatus]


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
    compiled = _compiled(policy)
    raw = timeline.instants
    compiled.check(timeline)
    if now < raw[0][1]:
        raise TimelineError.single(
            "as_of",
            f"{as_of.isoformat()} is before the opening at {timeline.opened.at.isoformat()}",
            "evaluate at or after the opening",
        )
    n = len(raw)
    while raw[n - 1][1] > now:  # events are in time order: drop the ones after as_of
        n -= 1
    visible = raw if n == len(raw) else raw[:n]
    retargeted = resolved = False
    manual: list[int] = []
    if not timeline._types.isdisjoint(_NOTABLE):
        for kind, at, _severity in visible:
            if kind == "severity_changed":
                retargeted = True
            elif kind == "escalated":
                manual.append(at)
            elif kind == "resolved":
                resolved = True
    attributes = timeline._attributes
    plan = attributes.get("plan")
    plan_name = str(plan) if plan is not None else None
    use_plan = plan_name if plan_name is not None and compiled.plans else None
    severity_now: str = _severity_at(visible, now) if retargeted else raw[0][2]  # type: ignore[assignment]
    specs = compiled.goals(severity_now, use_plan)

    states: dict[str, _State] = {}
    results: list[TargetResult] = []
    for i, (name, start, stop, pauses) in enumerate(compiled.targets):
        spans, open_from, stopped_at, state = track(visible, start, stop, pauses, now)
        if retargeted:
            goal_at = now if stopped_at is None else min(now, stopped_at)
            spec = compiled.goals(_severity_at(visible, goal_at), use_plan)[i]
            if spec is None:
                continue
            changes = _clock_changes(compiled, i, visible, goal_at, use_plan)
            measured = Measured(spans, open_from, spec.clock, changes)
        else:
            spec = specs[i]
            if spec is None:
                continue
            measured = Measured(spans, open_from, spec.clock)
        spent, goal_us, zone = measured.total, spec.us, spec.zone
        due_at = warning_at = stopped = None
        due_us = None
        if state != PENDING:
            due_us = due(measured, goal_us)
            if due_us is not None:
                due_at = to_datetime(due_us, zone)
            if state == STOPPED:
                measured.open_from = None  # what was counted, for the warning and tiers
                stopped = to_datetime(stopped_at, zone)  # type: ignore[arg-type]
            if spec.warning_us is not None:
                warn_us = reach(measured, spec.warning_us)
                if warn_us is not None:
                    warning_at = to_datetime(warn_us, zone)
        status = TargetStatus.BREACHED if spent > goal_us else _STATUS[state]
        results.append(
            TargetResult(
                name=name,
                status=status,
                goal=spec.duration,
                elapsed=ONE_US * spent,
                remaining=ONE_US * (goal_us - spent),
                percent=100.0 * spent / goal_us,
                due_at=due_at,
                warning_at=warning_at,
                breached_at=due_at if status is TargetStatus.BREACHED else None,
                stopped_at=stopped,
                clock=spec.clock_name,
            )
        )
        states[name] = (measured, goal_us, due_us, status)

    route = policy.route_for(attributes) if policy.routes else None
    ops, refs = compiled.tiers(route)
    fired, projected = _escalate(
        ops, states, visible, now, _resolved_periods(visible) if resolved else [], manual
    )
    zone = compiled.escalation_zone
    escalations = []
    schedule: list[tuple[TierRef, datetime | None, EscalationReason | None]] = []
    for ref, (at, why) in zip(refs, fired, strict=False):
        when = to_datetime(at, zone)
        escalations.append(Escalation(level=ref.level, name=ref.name, at=when, reason=why))
        schedule.append((ref, when, why))
    k = len(fired)
    schedule.extend(
        (refs[k + j], None if at is None else to_datetime(at, zone), None)
        for j, at in enumerate(projected)
    )
    return Evaluation(
        as_of=as_of,
        severity=severity_now,
        plan=plan_name,
        route=None if route is None else route.name,
        targets=tuple(results),
        tier=refs[k - 1] if k else None,
        next_tier=schedule[k][:2] if projected else None,
        escalations=tuple(escalations),
        schedule=tuple(schedule),
        context=_Context(policy, timeline, now),
    )


def _ref(tier: Tier) -> TierRef:
    return TierRef(level=tier.level, name=tier.name, contacts=tier.contacts)


def _escalate(  # noqa: PLR0917 - the tiers' inputs, computed once by evaluate
    ops: list[_Op],
    states: dict[str, _State],
    events: _Events,
    now: int,
    resolved: list[tuple[int, int | None]],
    manual: list[int],
) -> tuple[list[tuple[int, EscalationReason]], list[int | None]]:
    """Fire tiers in order: (fired instants with reasons, projected instants of the rest).

    ``resolved`` are the incident's resolved periods (nothing fires in them) and
    ``manual`` the instants of manual ``escalated`` events.
    """
    elapsed: dict[int, Measured] = {}  # by id(clock): hashing a calendar is slow
    fired: list[tuple[int, EscalationReason]] = []
    projected: list[int | None] = []
    previous: int | None = events[0][1]
    m = 0
    for kind, x, y in ops:
        at: int | None
        if kind == _OPEN:
            at, why = events[0][1], EscalationReason.OPENED
        elif kind == _ELAPSED:
            why = EscalationReason.ELAPSED
            if not resolved:  # never resolved: business time since the opening, running on
                at = y._add_us(events[0][1], x)
            else:  # the incident's own clock: opened to resolved, no pauses
                measured = elapsed.get(id(y))
                if measured is None:
                    spans, open_from, _stopped_at, state = track(
                        events, "opened", "resolved", pauses=False, as_of=now
                    )
                    measured = Measured(spans, None if state == STOPPED else open_from, y)
                    elapsed[id(y)] = measured
                at = reach(measured, x)
        elif kind == _PERCENT:
            target = states.get(x)
            why = EscalationReason.PERCENT
            at = None if target is None else reach(target[0], max(round(target[1] * y / 100), 1))
        elif kind == _BREACH:
            target = states.get(x)
            why = EscalationReason.BREACH
            if target is None or target[3] is TargetStatus.MET:
                at = None
            else:
                at = target[2]
                if at is not None and y:
                    at = target[0].clock._add_us(at, y)
        else:
            at, why = None, EscalationReason.MANUAL
        if at is not None and previous is not None:
            at = _defer(max(at, previous), resolved) if resolved else max(at, previous)
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
        events = [e for e in self.timeline.instants if e[1] <= self.now]
        for result in ev.targets:
            clock = self.policy.calendar(result.clock)
            target = self.policy.target(result.name)
            running = track(events, target.start, target.stop, target.pauses, self.now)[0]
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
