"""``evaluate``: a policy, a timeline and an instant in; every deadline, status and tier out.

A pure function: no clock of its own, no state. Events after ``as_of`` are invisible, so
live use and historical replay are the same call, and what an evaluation says about an
instant never changes when later events arrive (causality).

The policy is compiled once (:mod:`escalate._plan`); each call folds the events once
(:func:`escalate._fold.fold`), measures the targets on integers, runs the tiers through
the event segments, and converts to datetimes only the instants it reports.
"""

from __future__ import annotations

from bisect import bisect_left
from datetime import datetime, tzinfo
from functools import partial
from typing import TYPE_CHECKING, Any, NamedTuple

from escalate._checks import read_instant
from escalate._engine import (
    FIRED,
    GOING,
    MANUAL_FIRED,
    NEXT,
    REPORTED,
    SKIPPED,
    Measured,
    OpenTime,
    due,
    escalate,
    incident_clock,
    measure,
    stopped_due,
)
from escalate._fold import PAUSED, PENDING, STOPPED, Folded, fold
from escalate._index import ONE_US, to_datetime
from escalate._plan import ELAPSED, MANUAL, OPEN, PERCENT, Compiled, GoalSpec, compiled, text
from escalate._results import (
    Escalation,
    EscalationReason,
    Evaluation,
    Notification,
    ScheduledTier,
    TargetResult,
    TargetStatus,
    TierRef,
    TierState,
)
from escalate._versions import PolicyVersions

if TYPE_CHECKING:
    from escalate._calendar import Calendar
    from escalate._policy import Policy, Route, Tier
    from escalate._timeline import Timeline

__all__ = ["Outcome", "evaluate", "outcome"]

_STATUSES = tuple(TargetStatus)
"""By reported status (:data:`escalate._engine.REPORTED`), the enum member."""
_FIRED = frozenset({FIRED, MANUAL_FIRED})
"""How a tier's turn ends when it fired (by itself or by a manual escalation)."""
_BELOW = "waits for the tier below it"
_REASON = {
    OPEN: EscalationReason.OPENED,
    ELAPSED: EscalationReason.ELAPSED,
    PERCENT: EscalationReason.PERCENT,
}


class TargetOutcome:
    """One target's figures on integers: what both evaluators report for it."""

    __slots__ = (
        "at_risk",
        "code",
        "due",
        "elapsed",
        "goal",
        "index",
        "spec",
        "status",
        "stopped",
        "warning",
    )

    def __init__(  # noqa: PLR0917
        self,
        index: int,
        spec: GoalSpec,
        goal: int,
        code: int,
        elapsed: int,
        due_us: int | None,
        warning: int | None,
        stopped: int | None,
        now: int,
    ) -> None:
        self.index, self.spec, self.goal, self.code = index, spec, goal, code
        self.elapsed, self.due, self.warning, self.stopped = elapsed, due_us, warning, stopped
        reported = REPORTED[elapsed > goal][code]
        self.status = _STATUSES[reported]
        self.at_risk = warning is not None and warning <= now and GOING[reported]


class Outcome:
    """An incident's evaluation on integers, before any datetime is built.

    Attributes:
        folded: the history folded per event instant.
        severity: the severity in force at ``now``.
        targets: the figures of every target that applies (in policy order).
        tiers: per tier of the route, ``(outcome, instant)`` from
            :func:`escalate._engine.escalate`.
        route: the route chosen at the opening, or ``None``.
        notes: before the opening, per tier, why it waits; else ``None``: :func:`finish`
            says it from the kept figures when the fields are built.
        next_change: before the opening, the opening; else ``None`` (as ``notes``).
        specs: per segment, the goal of every target in force in it.
        measured: per target of the plan, its elapsed time through the segments (on the
            clock in force in each), or ``None`` where nothing needed it.
    """

    __slots__ = (
        "folded",
        "measured",
        "next_change",
        "notes",
        "route",
        "severity",
        "specs",
        "targets",
        "tiers",
    )

    def __init__(self) -> None:
        self.folded: Folded
        self.severity = ""
        self.targets: list[TargetOutcome] = []
        self.tiers: list[tuple[int, int | None]] = []
        self.route: Route | None = None
        self.notes: list[str] | None = None
        self.next_change: int | None = None
        self.measured: list[Measured | None] = []
        self.specs: list[tuple[GoalSpec | None, ...]] = []


class Basis(NamedTuple):
    """What the notes on waiting and skipped tiers are said from (:func:`_note`).

    ``codes[i]``: target ``i``'s state in each segment.
    """

    times: list[int]
    concluded: list[bool]
    severity: list[str]
    specs: list[tuple[GoalSpec | None, ...]]
    codes: list[list[int]]


class Figures(NamedTuple):
    """What an evaluation keeps to build its fields: the outcome's figures, not the fold.

    ``notes`` and ``next_change`` are filled by :func:`finish`, from ``basis``, when the
    fields are built (``notes`` is set at once before the opening).
    """

    targets: list[TargetOutcome]
    route: Route | None
    tiers: list[tuple[int, int | None]]
    notes: list[str] | None
    next_change: int | None
    basis: Basis | None


def kept(out: Outcome) -> Figures:
    """The figures of ``out``, and what its notes need, without the fold behind them."""
    basis = None
    # tuple.__new__: a named tuple's own __new__ is a Python function, this is one C call
    if out.notes is None:
        f = out.folded
        basis = _tuple(Basis, (f.times, f.concluded, f.severity, out.specs, f.codes))
    return _tuple(Figures, (out.targets, out.route, out.tiers, out.notes, out.next_change, basis))


_tuple = tuple.__new__


def _segment_of(times: list[int], at: int) -> int:
    """Return the index of the segment holding instant ``at`` (an event instant or later)."""
    return max(bisect_left(times, at + 1) - 1, 0)


def outcome(plan: Compiled, timeline: Timeline, now: int) -> Outcome:
    """Evaluate a timeline (checked against the policy) as of ``now``, on integers."""
    policy = plan.policy
    out = Outcome()
    folded = fold(plan, timeline.instants, now)
    out.folded = folded
    attributes = timeline._attributes
    plan_value = attributes.get("plan")
    plan_name = text(plan_value) if plan_value is not None and plan.plans else None
    if not folded.times:  # evaluated before the opening: nothing has happened yet
        out.severity = timeline.instants[0][2] or ""
        for tp, spec in zip(plan.targets, plan.goals(out.severity, plan_name), strict=True):
            if spec is not None:
                out.targets.append(
                    TargetOutcome(tp.index, spec, spec.at(None), PENDING, 0, None, None, None, now)
                )
        out.route = policy.route_for(attributes) if policy.routes else None
        tiers = plan.tiers(out.route)
        out.tiers = [(-1, None)] * len(tiers)
        out.notes = ["the incident is not open yet"] * len(tiers)
        out.next_change = timeline.instants[0][1]
        return out
    last = len(folded.times) - 1
    out.severity = folded.severity[last]
    severities = folded.severity
    if severities.count(out.severity) == len(severities):  # one severity throughout
        specs = [plan.goals(out.severity, plan_name)] * len(severities)
    else:
        goals: dict[str, tuple[GoalSpec | None, ...]] = {}
        specs = []
        for sev in severities:
            found = goals.get(sev)
            if found is None:
                found = goals[sev] = plan.goals(sev, plan_name)
            specs.append(found)
    opens = OpenTime(folded.times, now)
    route = out.route = policy.route_for(attributes) if policy.routes else None
    tiers = plan.tiers(route)
    wanted = plan.wanted[None if route is None else route.name]
    measured: list[Measured | None] = out.measured
    for tp in plan.targets:
        i = tp.index
        stop = folded.stopped[i]
        j = last if stop is None else _segment_of(folded.times, stop)
        spec = specs[j][i]
        fallback = spec.clock if spec is not None else plan.fallback[i]
        if spec is None and i not in wanted:
            measured.append(None)
            continue
        m = measure(folded, i, specs, fallback, now, opens)
        measured.append(m)
        if spec is None:
            continue
        code = folded.codes[i][last]
        goal = spec.at(folded.began[i])
        if code == STOPPED:
            assert stop is not None  # noqa: S101 - a stopped target has its stop instant
            due_us = stopped_due(m, spec.clock, stop, goal)
        elif code == PENDING:
            due_us = None
        else:
            due_us = due(m, goal)
        warning = None
        point = spec.warning_before(goal)
        if point is not None and code != PENDING:
            warning = due(m, point)
        out.targets.append(TargetOutcome(i, spec, goal, code, m.total, due_us, warning, stop, now))
    clocks = plan.incident_clocks[None if route is None else route.name]
    elapsed = {id(c): (c, incident_clock(folded, c, opens)) for c in clocks} if clocks else {}
    out.tiers = escalate(folded, tiers, measured, specs, plan.rules, elapsed)
    out.specs = specs
    return out


def finish(plan: Compiled, out: Figures, now: int) -> tuple[list[str], int | None]:
    """Return the notes on every tier and the next change (computed once, if not known)."""
    if out.notes is not None:
        return out.notes, out.next_change
    assert out.basis is not None  # noqa: S101 - kept() keeps it where notes are to come
    notes: list[str] = []
    waiting = False  # the tiers after the first one waiting wait for the tier below
    for tier, result in zip(plan.tiers(out.route), out.tiers, strict=True):
        if waiting:
            notes.append(_BELOW)
        elif result[0] in _FIRED:
            notes.append("")
        else:
            notes.append(_note(plan, tier, result, out.basis))
            waiting = result[0] == -1
    return notes, _next_change(out, now)


def _note(
    plan: Compiled,
    tier: Any,
    result: tuple[int, int | None],
    basis: Basis,
) -> str:
    """Say in words why a tier is skipped or waiting (empty when it fired or will)."""
    kind, at = result
    if kind in _FIRED:
        return ""
    if kind == -1 and tier.kind == MANUAL:
        return "waits for a manual escalation"
    if tier.kind in {OPEN, MANUAL}:
        return _BELOW
    if tier.kind == ELAPSED:
        if basis.concluded[-1]:
            return "waits: the incident is resolved or closed; it goes on if it reopens"
        return _BELOW
    target = plan.targets[tier.a]
    name = target.name
    times = basis.times
    j = len(times) - 1 if at is None else _segment_of(times, at)
    if basis.specs[j][tier.a] is None:
        return f"target {name!r} has no goal for severity {basis.severity[j]!r}"
    code = basis.codes[tier.a][j]  # measured: the route's tiers read it (Compiled.wanted)
    if kind == SKIPPED:
        return f"target {name!r} stopped before the trigger, and a reopen keeps its result"
    if code == STOPPED:
        return f"waits: target {name!r} is stopped; it goes on if the incident reopens"
    if code == PENDING:
        return f"waits for target {name!r} to start"
    if code == PAUSED:
        return f"waits: target {name!r} is paused"
    return _BELOW


def _next_change(out: Figures, now: int) -> int | None:
    candidates: list[int] = []
    for t in out.targets:
        if t.status is TargetStatus.RUNNING:
            for field, offset in NEXT:  # the breach and the warning point
                value = getattr(t, field)
                if value is not None and value + offset > now:
                    candidates.append(value + offset)
    for _kind, at in out.tiers:
        if at is not None and at > now:
            candidates.append(at)
            break
    return min(candidates) if candidates else None


def evaluate(
    policy: Policy | PolicyVersions, timeline: Timeline, /, *, as_of: datetime | str
) -> Evaluation:
    """Evaluate an incident: every target's status and deadline, and the escalation tiers.

    Args:
        policy: The support agreement, or its versions (the one its rule picks judges
            the incident).
        timeline: The incident's events.
        as_of: The instant of evaluation (timezone-aware, or an ISO 8601 string with its
            offset); events after it are ignored. Before the opening, every target is
            pending and no tier has fired.

    Raises:
        TimelineError: an event the policy does not know (type, severity, status, plan).
        NaiveDatetimeError: ``as_of`` has no time zone.
        InvalidInstantError: ``as_of`` is not an instant.
    """
    as_of, now = read_instant(as_of, "as_of", policy=policy)
    switch = None
    if isinstance(policy, PolicyVersions):
        versions = policy
        policy = versions.versions[versions._choose(timeline, now)].policy
        start = versions._next_start(now)
        if start is not None and versions._switches(timeline.instants[0][1], now, start):
            switch = start  # another version takes over then: the evaluation changes
    plan = compiled(policy)
    plan.check(timeline)
    out = outcome(plan, timeline, now)
    return _evaluation(policy, plan, timeline, out, as_of, now, switch)


def _evaluation(  # noqa: PLR0917
    policy: Policy,
    plan: Compiled,
    timeline: Timeline,
    out: Outcome,
    as_of: datetime,
    now: int,
    switch: int | None = None,
) -> Evaluation:
    """Return the evaluation of ``out``; its objects and datetimes are built on first read.

    Everything that can fail is computed here already, notification instants on a
    contact's own calendar included: building the rest only converts integers.
    """
    ev = object.__new__(Evaluation)
    fields = ev.__dict__
    fields["as_of"] = as_of
    fields["severity"] = out.severity
    fields["context"] = _Context(policy, timeline, now)
    # the result keeps the figures, not the fold and the measurements behind them: a kept
    # evaluation holds twenty objects for the garbage collector to walk, not fifty
    figures = kept(out)
    notified = None
    for k in plan.clocked[None if out.route is None else out.route.name]:
        if out.tiers[k][0] in _FIRED:  # a contact's own calendar is read: it may fail
            notified = _notified(policy, plan, figures, now)
            break
    fields["_build"] = partial(_fields, policy, plan, timeline, figures, now, notified, switch)
    return ev


def _notified(
    policy: Policy, plan: Compiled, out: Figures, now: int
) -> dict[int, list[tuple[str, int, tzinfo]]]:
    """Per tier fired by ``now`` (by position), when to notify each contact, and in which zone.

    At the firing instant, or at the next opening of the contact's own calendar.
    """
    tiers = policy.tiers if out.route is None else out.route.tiers
    found: dict[int, list[tuple[str, int, tzinfo]]] = {}
    for k, (tier, (kind, at)) in enumerate(zip(tiers, out.tiers, strict=True)):
        if kind in _FIRED and at is not None and at <= now:
            contacts = found[k] = []
            for contact in tier.contacts:
                if contact.clock is None:
                    contacts.append((contact.name, at, plan.escalation_zone))
                else:
                    clock: Calendar = policy.calendar(contact.clock)
                    when = clock._next_boundary(at, want_open=True)
                    contacts.append((contact.name, when, clock.zone))
    return found


def _fields(  # noqa: PLR0917
    policy: Policy,
    plan: Compiled,
    timeline: Timeline,
    out: Figures,
    now: int,
    notified: dict[int, list[tuple[str, int, tzinfo]]] | None,
    switch: int | None = None,
) -> dict[str, Any]:
    """The fields of the evaluation of ``out`` as objects and datetimes.

    ``switch``: when another policy version takes over (a next change of its own).
    """
    notes, change = finish(plan, out, now)
    if switch is not None:
        change = switch if change is None else min(change, switch)
    if notified is None:
        notified = _notified(policy, plan, out, now)
    results = []
    for t in out.targets:
        spec = t.spec
        zone = spec.zone
        due_at = None if t.due is None else to_datetime(t.due, zone)
        breached = t.status is TargetStatus.BREACHED
        results.append(
            TargetResult(
                name=plan.targets[t.index].name,
                status=t.status,
                goal=ONE_US * t.goal,
                elapsed=ONE_US * t.elapsed,
                remaining=ONE_US * (t.goal - t.elapsed),
                percent=100.0 * t.elapsed / t.goal if t.goal else 0.0,
                due_at=due_at,
                warning_at=None if t.warning is None else to_datetime(t.warning, zone),
                breached_at=to_datetime(t.due + 1, zone)
                if breached and t.due is not None
                else None,
                stopped_at=None if t.stopped is None else to_datetime(t.stopped, zone),
                clock=spec.clock_name,
                at_risk=t.at_risk,
            )
        )
    route = out.route
    tiers = policy.tiers if route is None else route.tiers
    plans = plan.tiers(route)
    zone = plan.escalation_zone
    escalations: list[Escalation] = []
    schedule: list[ScheduledTier] = []
    current: TierRef | None = None
    next_tier: tuple[TierRef, datetime | None] | None = None
    key = None if route is None else route.name
    refs = plan.tier_refs.get(key)
    if refs is None:
        refs = plan.tier_refs[key] = tuple(_ref(tier) for tier in tiers)
    for k, (tier, tp, (kind, at), note, ref) in enumerate(
        zip(tiers, plans, out.tiers, notes, refs, strict=True)
    ):
        when = None if at is None else to_datetime(at, zone)
        if kind in _FIRED and at is not None:
            reason = EscalationReason.MANUAL if kind == MANUAL_FIRED else _reason(tp.kind)
            if at <= now:
                current = ref
                escalations.append(
                    Escalation(
                        level=tier.level,
                        name=tier.name,
                        at=when,  # type: ignore[arg-type]
                        reason=reason,
                        notifications=tuple(
                            Notification(contact=name, at=to_datetime(when, where))
                            for name, when, where in notified[k]
                        ),
                    )
                )
                schedule.append(
                    ScheduledTier(tier=ref, state=TierState.FIRED, at=when, reason=reason)
                )
            else:
                schedule.append(
                    ScheduledTier(tier=ref, state=TierState.PROJECTED, at=when, reason=reason)
                )
                if next_tier is None:
                    next_tier = (ref, when)
        elif kind == SKIPPED:
            schedule.append(ScheduledTier(tier=ref, state=TierState.SKIPPED, at=when, note=note))
        else:
            schedule.append(ScheduledTier(tier=ref, state=TierState.WAITING, at=None, note=note))
            if next_tier is None:
                next_tier = (ref, None)
    for contacts in notified.values():
        for _name, instant, _zone in contacts:
            if instant > now and (change is None or instant < change):
                change = instant
    return {
        "plan": None
        if timeline._attributes.get("plan") is None
        else text(timeline._attributes["plan"]),
        "route": None if route is None else route.name,
        "targets": tuple(results),
        "tier": current,
        "next_tier": next_tier,
        "escalations": tuple(escalations),
        "schedule": tuple(schedule),
        "next_change_at": None if change is None else to_datetime(change, zone),
    }


def _reason(kind: int) -> EscalationReason:
    return _REASON.get(kind, EscalationReason.BREACH)


def _ref(tier: Tier) -> TierRef:
    return TierRef(level=tier.level, name=tier.name, contacts=tier.contacts)


class _Context:
    """What ``Evaluation.explain`` needs, kept apart from the value fields (picklable)."""

    __slots__ = ("now", "policy", "timeline")

    def __init__(self, policy: Policy, timeline: Timeline, now: int) -> None:
        self.policy, self.timeline, self.now = policy, timeline, now

    def __reduce__(self) -> tuple[Any, ...]:
        return (_Context, (self.policy, self.timeline, self.now))

    def explain(self, ev: Evaluation, zone: str | None = None) -> list[str]:
        """Return the lines of :meth:`Evaluation.explain`."""
        from escalate._explain import explain  # noqa: PLC0415 - only when asked

        return explain(self.policy, self.timeline, self.now, ev, zone)
