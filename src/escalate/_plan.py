"""A policy compiled once for the evaluators: conditions, goals and tier triggers as data.

Both evaluators read this one compiled form: :func:`escalate.evaluate` (one incident, in
plain Python) and the table path (many incidents, in numpy). A rule about what starts,
pauses or stops a target, what a status means, which goal applies or how a tier fires is
therefore written down once, here, as plain values: sets of event names and statuses,
integer durations, clocks. The two evaluators differ only in how they loop.

The compiled form is kept in ``Policy._memo`` and never changes after it is built.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any, Final

from escalate._checks import attribute_text, describe, excerpt, instant_us
from escalate._duration import BusinessDays
from escalate._errors import InvalidArgumentError, Problem, TimelineError, did_you_mean
from escalate._index import td_us, to_datetime
from escalate._policy import (
    REOPEN_RULES,
    AfterElapsed,
    AtOpen,
    AtPercent,
    OnBreach,
    Policy,
    Route,
    Status,
    Target,
    Tier,
)
from escalate._timeline import BUILTIN_EVENTS, Timeline

if TYPE_CHECKING:
    from collections.abc import Mapping

    from escalate._calendar import Calendar

__all__ = [
    "BREACH",
    "CLOSED",
    "CONTINUE",
    "ELAPSED",
    "KEEP",
    "MANUAL",
    "OPEN",
    "OPEN_STATUS",
    "PAUSED_STATUS",
    "PERCENT",
    "RESOLVED",
    "RESTART",
    "Compiled",
    "GoalSpec",
    "TargetPlan",
    "TierPlan",
    "compiled",
]

KEEP, CONTINUE, RESTART = (REOPEN_RULES.index(r) for r in ("keep", "continue", "restart"))
"""Reopen rules as integers."""

OPEN_STATUS, PAUSED_STATUS, RESOLVED, CLOSED = 0, 1, 2, 3
"""What a status means, as integers (the order of :data:`~escalate._policy.STATUS_MEANINGS`)."""

_MEANING: Final = {
    "open": OPEN_STATUS,
    "paused": PAUSED_STATUS,
    "resolved": RESOLVED,
    "closed": CLOSED,
}

OPEN, ELAPSED, PERCENT, BREACH, MANUAL = range(5)
"""Tier trigger kinds."""


class GoalSpec:
    """A goal compiled for the evaluators: integer durations and the clock itself.

    ``days`` is set for a goal in business days, whose length in business time depends
    on when the target starts (:meth:`at`); ``us`` is then ``0``.
    """

    __slots__ = ("clock", "clock_name", "days", "duration", "us", "warning_us", "zone")

    def __init__(
        self,
        duration: timedelta | BusinessDays,
        warning: timedelta | None,
        clock: str,
        policy: Policy,
    ) -> None:
        if isinstance(duration, BusinessDays):
            self.days: int | None = duration.days
            self.us = 0
        else:
            self.days, self.us = None, td_us(duration)
        self.duration = duration
        self.warning_us = None if warning is None else td_us(warning)
        self.clock_name, self.clock = clock, policy.calendar(clock)
        self.zone = policy._shown_zone(self.clock)

    def warning_before(self, goal: int) -> int | None:
        """The warning point (µs of business time) of a goal of ``goal`` µs, if it has one.

        Checked below the goal when the goal is fixed; a goal in business days is as long
        as its days are, so a warning longer than that goal is no warning for it.
        """
        warning = self.warning_us
        return warning if warning is not None and warning < goal else None

    def at(self, start: int | None) -> int:
        """The goal in business time (µs) of a target that started at ``start``.

        A goal in business days is the open time from the start to the same wall-clock
        time that many business days later (DESIGN rule 8); before the start, ``0``.
        """
        if self.days is None:
            return self.us
        if start is None:
            return 0
        clock = self.clock
        later = clock.add_business_days(to_datetime(start, clock.zone), self.days)
        return clock._between_us(start, _instant_us(later))


class TargetPlan:
    """One target's conditions as sets, read by :func:`escalate._fold.step` (both paths).

    ``start_ev``/``stop_ev``: event names (signals) that start or stop it;
    ``start_in``/``stop_in``: statuses whose entry starts or stops it;
    ``start_leaving``/``stop_leaving``: per status, the status sets whose leaving starts or
    stops it (a set holds the status; leaving means entering a status outside it);
    ``pause_flag``: whether the incident's pauses (paused events, statuses meaning
    ``paused``) hold it; ``pause_in``: statuses that hold it; ``rule``: the reopen rule.
    """

    __slots__ = (
        "index",
        "name",
        "pause_flag",
        "pause_in",
        "rule",
        "start_ev",
        "start_in",
        "start_leaving",
        "stop_ev",
        "stop_in",
        "stop_leaving",
    )

    def __init__(self, index: int, target: Target, statuses: Mapping[str, str]) -> None:
        self.index, self.name = index, target.name
        self.start_ev, self.start_in, start_left = _split(target.start)
        self.stop_ev, self.stop_in, stop_left = _split(target.stop)
        # the status sets whose leaving starts or stops it, by the status they hold
        self.start_leaving = _by_status(start_left)
        self.stop_leaving = _by_status(stop_left)
        pause = target.pause_conditions
        self.pause_flag = "paused" in pause
        self.pause_in = frozenset(n for c in pause if isinstance(c, Status) for n in c.names)
        self.rule = REOPEN_RULES.index(target.reopen_rule(statuses))


def _split(
    conditions: tuple[Any, ...],
) -> tuple[frozenset[str], frozenset[str], tuple[frozenset[str], ...]]:
    events = frozenset(c for c in conditions if isinstance(c, str))
    entered = frozenset(
        n for c in conditions if isinstance(c, Status) and not c.left for n in c.names
    )
    left = tuple(frozenset(c.names) for c in conditions if isinstance(c, Status) and c.left)
    return events, entered, left


def _by_status(sets: tuple[frozenset[str], ...]) -> dict[str, tuple[frozenset[str], ...]]:
    return {name: tuple(s for s in sets if name in s) for names in sets for name in names}


class TierPlan:
    """One tier's trigger as plain values: ``kind`` and its two operands.

    - :data:`OPEN`, :data:`MANUAL`: no operands;
    - :data:`ELAPSED`: ``a`` the amount (µs), ``b`` the clock;
    - :data:`PERCENT`: ``a`` the target's index, ``b`` the percentage;
    - :data:`BREACH`: ``a`` the target's index, ``b`` the delay (µs).
    """

    __slots__ = ("a", "after", "amounts", "b", "kind")

    def __init__(self, kind: int, a: Any = None, b: Any = None) -> None:
        self.kind, self.a, self.b = kind, a, b
        # a breach tier fires one microsecond after its amount is used up, the others at it
        self.after = 1 if kind == BREACH else 0
        # PERCENT, BREACH: the amount of running time that fires it, per goal (µs), as met
        self.amounts: dict[int, int] = {}

    def amount(self, goal_us: int) -> int:
        """The target's running time past which a percent or breach tier fires (µs).

        A percent tier: its share of the goal, at least 1 µs (it fires when the time
        reaches it); a breach tier: the goal plus its delay (it fires one microsecond after
        the time passes it). Remembered per goal in :attr:`amounts`, which both engines
        read first.
        """
        amount = self.amounts.get(goal_us)
        if amount is None:
            if self.kind == PERCENT:
                amount = max(round(goal_us * self.b / 100), 1)
            else:
                amount = goal_us + self.b
            self.amounts[goal_us] = amount
        return amount


class Compiled:
    """What the evaluators derive from a policy once, kept in ``Policy._memo``."""

    __slots__ = (
        "_goals",
        "_tiers",
        "clocked",
        "escalation_zone",
        "fallback",
        "incident_clocks",
        "known",
        "meaning",
        "plans",
        "policy",
        "rules",
        "severities",
        "steps",
        "targets",
        "tier_refs",
        "wanted",
    )

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.known = frozenset(BUILTIN_EVENTS) | policy.event_names
        self.severities = frozenset(policy.severity_names)
        self.plans = [p.name for p in policy.plans]
        self.meaning = {name: _MEANING[m] for name, m in policy.statuses.items()}
        self.targets = tuple(
            TargetPlan(i, t, policy.statuses) for i, t in enumerate(policy.targets)
        )
        # the clock a target counts on while the severity in force has no goal for it
        # and none applies at the evaluation either
        self.fallback = tuple(policy.calendar(t.clock or policy.clock) for t in policy.targets)
        self.escalation_zone = policy._shown_zone(policy.calendar(policy.escalation_clock))
        # per route, the tiers (by position) that notify a contact on a calendar of its
        # own: the evaluator reads that calendar at once (see _evaluate._evaluation)
        self.clocked: dict[str | None, tuple[int, ...]] = {
            key: tuple(
                k
                for k, tier in enumerate(tiers)
                if any(contact.clock is not None for contact in tier.contacts)
            )
            for key, tiers in (
                (None, policy.tiers),
                *((route.name, route.tiers) for route in policy.routes),
            )
        }
        self._goals: dict[tuple[str, str | None], tuple[GoalSpec | None, ...]] = {}
        self._tiers: dict[str | None, tuple[TierPlan, ...]] = {}
        self.rules = tuple(t.rule for t in self.targets)
        self.tier_refs: dict[str | None, tuple[Any, ...]] = {}
        """Per route: the ``TierRef`` of each tier, built once by the evaluator (frozen)."""
        self.wanted: dict[str | None, frozenset[int]] = {}
        """Per route (as in :meth:`tiers`): the targets whose tiers read their elapsed time."""
        self.incident_clocks: dict[str | None, tuple[Calendar, ...]] = {}
        """Per route (as in :meth:`tiers`): the clocks of its elapsed-time tiers, once each."""
        self.steps: dict[Any, Any] = {}
        """What an event does in a state (:func:`escalate._fold.step`), remembered."""

    def goals(self, severity: str, plan: str | None) -> tuple[GoalSpec | None, ...]:
        """Return the goal of every target (``None`` where none applies) for a severity."""
        found = self._goals.get((severity, plan))
        if found is None:
            policy = self.policy
            specs = []
            for target in self.targets:
                goal = policy.goal(target.name, severity, plan=plan)
                specs.append(
                    None
                    if goal is None
                    else GoalSpec(goal.duration, goal.warning, goal.clock or policy.clock, policy)
                )
            found = self._goals[severity, plan] = tuple(specs)
        return found

    def tiers(self, route: Route | None) -> tuple[TierPlan, ...]:
        """Return the compiled triggers of a route's tiers (the default list for ``None``)."""
        key = None if route is None else route.name
        found = self._tiers.get(key)
        if found is None:
            tiers = self.policy.tiers if route is None else route.tiers
            found = self._tiers[key] = tuple(self._tier(t) for t in tiers)
            self.wanted[key] = frozenset(
                t.a for t in found if t.kind not in {OPEN, ELAPSED, MANUAL}
            )
            clocks = {id(t.b): t.b for t in found if t.kind == ELAPSED}
            self.incident_clocks[key] = tuple(clocks.values())
        return found

    def _tier(self, tier: Tier) -> TierPlan:
        trigger = tier.trigger
        index = {t.name: t.index for t in self.targets}
        if isinstance(trigger, AtOpen):
            return TierPlan(OPEN)
        if isinstance(trigger, AfterElapsed):
            clock: Calendar = self.policy.calendar(trigger.clock or self.policy.escalation_clock)
            return TierPlan(ELAPSED, td_us(trigger.after), clock)
        if isinstance(trigger, AtPercent):
            return TierPlan(PERCENT, index[trigger.target], trigger.percent)
        if isinstance(trigger, OnBreach):
            return TierPlan(BREACH, index[trigger.target], td_us(trigger.delay))
        return TierPlan(MANUAL)

    def check(self, timeline: Timeline) -> None:
        """Check a timeline's events, severities, statuses and plan against the policy.

        Raises:
            InvalidArgumentError: ``timeline`` is not a :class:`~escalate.Timeline`.
            TimelineError: what in it the policy does not know.
        """
        try:
            plan = timeline._attributes.get("plan")
        except AttributeError:  # no branch on the way for a timeline: an error path only
            raise not_a_timeline(timeline) from None
        if not (
            timeline._types <= self.known
            and timeline._severities <= self.severities
            and timeline._statuses <= self.meaning.keys()
            and (plan is None or not self.plans or text(plan) in self.plans)
        ):
            _report(self, timeline)


def _instant_us(value: object) -> int:
    return instant_us(value, "at")


def text(value: object) -> str:
    """An attribute value as text (a plan), as routes compare it; never failing.

    :func:`escalate._checks.attribute_text`; an int over 4,300 digits names no plan.
    """
    found = attribute_text(value)
    return excerpt(value) if found is None else found


def compiled(policy: Policy) -> Compiled:
    """Return the compiled form of ``policy`` (built on first use, then kept).

    Raises:
        InvalidArgumentError: ``policy`` is not a :class:`~escalate.Policy`.
    """
    try:
        found = policy._memo.get("compiled")
    except AttributeError:  # no branch on the way for a policy: an error path only
        # evaluate and evaluate_frame meet it first, and they take versions too
        wanted = "a Policy or PolicyVersions"
        raise _not_a(policy, "policy", wanted, _LOAD_POLICY) from None
    if found is None:
        found = policy._memo["compiled"] = Compiled(policy)
    return found


_LOAD_POLICY: Final = "load one with escalate.load_policy(path or mapping)"
_BUILD_TIMELINE: Final = "build one with Timeline.from_events(events) or Timeline.open(...)"


def policy_argument(value: object, what: str = "policy", *, versions: bool = False) -> Policy:
    """Return ``value`` if it is a :class:`~escalate.Policy`, else raise saying how to get one.

    ``versions``: the caller takes :class:`~escalate.PolicyVersions` too (and has
    checked for them): the error says so.

    Raises:
        InvalidArgumentError: it is not one.
    """
    if isinstance(value, Policy):
        return value
    wanted = "a Policy or PolicyVersions" if versions else "a Policy"
    raise _not_a(value, what, wanted, _LOAD_POLICY)


def not_a_timeline(value: object) -> InvalidArgumentError:
    """The error for a ``timeline`` argument that is not a :class:`~escalate.Timeline`."""
    return _not_a(value, "timeline", "a Timeline", _BUILD_TIMELINE)


def _not_a(value: object, what: str, wanted: str, how: str) -> InvalidArgumentError:
    """The error for an argument of the wrong type, saying how to make the right one."""
    swapped = isinstance(value, Timeline if what == "policy" else Policy)
    hint = "the policy comes first, then the timeline" if swapped else how
    message = f"{what} must be {wanted}, got {describe(value)}; {hint}"
    return InvalidArgumentError(message, path=what)


def _report(plan: Compiled, timeline: Timeline) -> None:
    """Raise the TimelineError listing every event the policy does not know."""
    problems: list[Problem] = []
    policy, known, plans = plan.policy, plan.known, plan.plans
    severities = policy.severity_names
    statuses = list(plan.meaning)
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
        if event.status is not None and event.status not in plan.meaning:
            problems.append(
                Problem(
                    path=f"{path}.status",
                    message=f"unknown status {event.status!r}",
                    hint=did_you_mean(event.status, statuses)
                    or (
                        f"declare what it means in the policy's [statuses], e.g. "
                        f"{event.status!r} = 'open'"
                        if not statuses
                        else "the policy's statuses are " + ", ".join(map(repr, statuses))
                    ),
                )
            )
    plan_name = timeline.opened.get("plan")
    if plan_name is not None and plans and text(plan_name) not in plans:
        problems.append(
            Problem(
                path="events[0] (opened).plan",
                message=f"unknown plan {excerpt(plan_name)}",
                hint=did_you_mean(text(plan_name), plans)
                or f"the policy's plans are {', '.join(map(repr, plans))}",
            )
        )
    raise TimelineError(problems)
