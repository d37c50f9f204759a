"""SLA policies: targets, severities, plans, escalation tiers, routes and their clocks.

A policy is the written support agreement turned into data. The escalation tiers, their
triggers and contacts, and the routes live in :mod:`escalate._escalation`; targets, their
conditions and goals in :mod:`escalate._target` (all are named here too). Every class is
a frozen attrs class: immutable, hashable, picklable and equal by value. A :class:`Policy` checks
itself as a whole when it is built, from Python or from a config file alike, and raises
one :class:`~escalate.PolicyError` listing every problem with its config key path.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta, tzinfo
from functools import cached_property
from typing import TYPE_CHECKING, Any, Final
from zoneinfo import ZoneInfo

import attrs

from escalate._calendar import Calendar
from escalate._checks import (
    excerpt,
)
from escalate._errors import PolicyError, Problem, did_you_mean
from escalate._escalation import (
    AfterElapsed,
    AtOpen,
    AtPercent,
    Contact,
    Manual,
    OnBreach,
    Route,
    Tier,
    Trigger,
    _tier_tuple,
)
from escalate._frozen import FrozenMap, _float, _frozen_map, _strings, as_tuple, is_mapping
from escalate._target import (
    _BUILTIN_TARGETS,
    Goal,
    Status,
    Target,
    _goal,
)

if TYPE_CHECKING:
    from escalate._duration import BusinessDays

__all__ = [
    "ALWAYS",
    "REOPEN_RULES",
    "STATUS_MEANINGS",
    "AfterElapsed",
    "AtOpen",
    "AtPercent",
    "Availability",
    "Contact",
    "Goal",
    "Manual",
    "OnBreach",
    "Plan",
    "Policy",
    "Route",
    "Severity",
    "Status",
    "Target",
    "Tier",
    "Trigger",
]

ALWAYS: Final = "24x7"
"""The name of the built-in always-open clock, available in every policy."""

AVAILABILITY_PERIODS: Final = ("month", "quarter", "year")
"""The measurement periods an availability objective can name."""

OUTAGE_KINDS: Final = ("major", "minor")
"""The outage kinds an availability objective can count."""

STATUS_MEANINGS: Final = ("open", "paused", "resolved", "closed")
"""What a ticket system's status can mean to a policy (``Policy.statuses``)."""

REOPEN_RULES: Final = ("continue", "restart", "keep")
"""What a reopen does to a target (``Target.on_reopen``)."""


def _objective(value: object) -> float:
    return _float(value, "objective")


def _goals(value: Mapping[str, Goal | timedelta]) -> FrozenMap[str, Goal]:
    if not is_mapping(value):
        return value  # type: ignore[return-value] # the policy's checks name it
    return FrozenMap((name, _goal(goal)) for name, goal in value.items())


def _plan_goals(
    value: Mapping[str, Mapping[str, Goal | timedelta]],
) -> FrozenMap[str, FrozenMap[str, Goal]]:
    if not is_mapping(value):
        return value  # type: ignore[return-value] # the policy's checks name it
    return FrozenMap((name, _goals(goals)) for name, goals in value.items())


def _severity_tuple(value: Iterable[Severity]) -> tuple[Severity, ...]:
    return as_tuple(value)  # type: ignore[no-any-return]


def _plan_tuple(value: Iterable[Plan]) -> tuple[Plan, ...]:
    return as_tuple(value)  # type: ignore[no-any-return]


def _route_tuple(value: Iterable[Route]) -> tuple[Route, ...]:
    return as_tuple(value)  # type: ignore[no-any-return]


def _calendars(value: Mapping[str, Calendar]) -> FrozenMap[str, Calendar]:
    return _frozen_map(value)


@attrs.frozen(kw_only=True)
class Severity:
    """A severity level with its goal per target; policies list them most severe first.

    Attributes:
        name: The name incidents use (``alta``, ``critical``, ``P1``...).
        description: What makes an incident this severe.
        goals: Goal per target name; a plain :class:`~datetime.timedelta` is accepted
            and made a :class:`Goal`.
    """

    name: str
    description: str = ""
    goals: Mapping[str, Goal] = attrs.field(factory=FrozenMap, converter=_goals)


@attrs.frozen(kw_only=True)
class Plan:
    """A support plan: the same severities with other goals or clocks.

    The incident's ``plan`` attribute picks it. A goal the plan does not override comes
    from the severity.

    Attributes:
        name: The value of the incident's ``plan`` attribute.
        description: What the plan offers.
        clock: The clock of every goal of this plan that does not name its own, or
            ``None`` (seed 002's premium plan runs on ``"24x7"``).
        goals: Per severity name, the goals that differ from the severity's.
    """

    name: str
    description: str = ""
    clock: str | None = None
    goals: Mapping[str, Mapping[str, Goal]] = attrs.field(factory=FrozenMap, converter=_plan_goals)


@attrs.frozen(kw_only=True)
class Availability:
    """An availability objective, e.g. seed 004's 99.5% excluding announced maintenance.

    :func:`escalate.availability` measures outages against it. The evaluator of incident
    targets does not use it.

    Attributes:
        objective: The objective in percent, in ``(0, 100]``.
        clock: The calendar whose business days count the maintenance notice, or
            ``None`` for ``24x7`` (where every day counts).
        maintenance_notice: How far ahead planned maintenance must be announced to be
            excluded, or ``None`` (then any announcement before the work starts will do).
        measured_on: The calendar availability is measured on (downtime outside it does
            not count), or ``None`` for ``24x7``.
        period: The usual measurement period: ``"month"`` (the default), ``"quarter"``
            or ``"year"``. Any other period can be passed to
            :func:`escalate.availability`.
        counts: The outage kinds whose time counts as downtime (``"major"``,
            ``"minor"``); both by default.
    """

    objective: float = attrs.field(converter=_objective)
    clock: str | None = None
    maintenance_notice: BusinessDays | None = None
    measured_on: str | None = None
    period: str = "month"
    counts: tuple[str, ...] = attrs.field(default=("major", "minor"), converter=_strings)


# -- the policy -----------------------------------------------------------------------


def _targets(value: Iterable[Target] | Mapping[str, Target]) -> tuple[Target, ...]:
    """Put ``response`` and ``resolution`` first (built-in unless given); keep the rest."""
    items = as_tuple(value.values() if isinstance(value, Mapping) else value)
    if not isinstance(items, tuple) or not all(isinstance(t, Target) for t in items):
        return items  # type: ignore[no-any-return] # the policy's checks name what is wrong
    first: dict[str, int] = {}
    for i, target in enumerate(items):
        if target.name in _BUILTIN_TARGETS:
            first.setdefault(target.name, i)
    builtin = tuple(
        items[first[name]] if name in first else target for name, target in _BUILTIN_TARGETS.items()
    )
    taken = set(first.values())
    return builtin + tuple(t for i, t in enumerate(items) if i not in taken)


def _duplicates(names: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    twice: list[str] = []
    for name in names:
        if name in seen:
            twice.append(name)
        seen.add(name)
    return twice


@attrs.frozen(kw_only=True)
class Policy:
    """A support agreement: calendars, targets, severities, plans, tiers and routes.

    Build it in Python or load it with :func:`escalate.load_policy`; either way the whole
    policy is checked at once and :class:`~escalate.PolicyError` lists every problem with
    its config key path. ``response`` (opened to responded) and ``resolution`` (opened to
    resolved) always exist; declare a target with the same name to change them.

    Attributes:
        name: A short name.
        description: Free text.
        clock: The default clock of targets: a name in :attr:`calendars` or ``"24x7"``.
        calendars: Named calendars; ``"24x7"`` (UTC) is available without declaring it.
        targets: Every target, ``response`` and ``resolution`` first.
        severities: Severities from most to least severe.
        plans: Support plans, chosen by the incident's ``plan`` attribute.
        tiers: The default escalation tiers, in increasing level.
        routes: Tier lists for incidents with matching attributes; the first match wins.
        availability: An availability objective, or ``None``.
        statuses: The ticket system's status names and what each means: ``"open"``,
            ``"paused"`` (holds the targets that pause), ``"resolved"`` or ``"closed"``
            (entering it is a ``resolved`` or ``closed`` event; leaving it for an open
            status is a ``reopened`` event). Histories with status changes need it.

    >>> from datetime import timedelta
    >>> policy = Policy(
    ...     severities=[
    ...         Severity(
    ...             name="high",
    ...             goals={"response": timedelta(hours=1), "resolution": timedelta(hours=8)},
    ...         )
    ...     ]
    ... )
    >>> policy.goal("response", "high").duration
    datetime.timedelta(seconds=3600)
    """

    name: str = ""
    description: str = ""
    clock: str = ALWAYS
    calendars: Mapping[str, Calendar] = attrs.field(factory=FrozenMap, converter=_calendars)
    targets: tuple[Target, ...] = attrs.field(default=(), converter=_targets)
    severities: tuple[Severity, ...] = attrs.field(default=(), converter=_severity_tuple)
    plans: tuple[Plan, ...] = attrs.field(default=(), converter=_plan_tuple)
    tiers: tuple[Tier, ...] = attrs.field(default=(), converter=_tier_tuple)
    routes: tuple[Route, ...] = attrs.field(default=(), converter=_route_tuple)
    availability: Availability | None = None
    statuses: Mapping[str, str] = attrs.field(factory=FrozenMap, converter=_frozen_map)

    def __attrs_post_init__(self) -> None:
        # the checks read this module's classes: imported here, when the first policy is built
        from escalate._policy_check import check_policy  # noqa: PLC0415

        problems = check_policy(self)
        if problems:
            raise PolicyError(problems)

    # -- lookups for the evaluator ------------------------------------------------------

    def calendar(self, name: str, /) -> Calendar:
        """Return the calendar called ``name``; ``"24x7"`` is always available."""
        found = self.calendars.get(name)
        if found is not None:
            return found
        if name == ALWAYS:
            return _ALWAYS_CALENDAR
        raise _unknown("clock", name, self._clock_names, "calendar")

    def _shown_zone(self, calendar: Calendar) -> tzinfo:
        """The zone instants measured on ``calendar`` are written in.

        The calendar's own; for the built-in ``"24x7"`` clock, which counts in UTC but
        belongs to no place, the policy's (:attr:`timezone`): a Bogotá desk's 24x7
        deadline reads in Bogotá time, the same instant.
        """
        if calendar is _ALWAYS_CALENDAR:
            return ZoneInfo(self.timezone)
        return calendar.zone

    @property
    def timezone(self) -> str:
        """The policy's zone: its default clock's, where reports count months and days.

        The built-in ``"24x7"`` clock counts in UTC but belongs to no place, so a policy
        whose default clock is the built-in one takes the zone of its first declared
        calendar (seed 004's office in Mexico City), and ``"UTC"`` when it declares none.
        """
        declared = self.calendars.get(self.clock)
        if declared is None:
            declared = next(iter(self.calendars.values()), None)
        return "UTC" if declared is None else declared.timezone

    @cached_property
    def _by_name(
        self,
    ) -> tuple[dict[str, Target], dict[str, Severity], dict[str, Plan]]:
        # lookups run for every incident the evaluator sees, so they are dicts, built once
        return (
            {t.name: t for t in self.targets},
            {s.name: s for s in self.severities},
            {p.name: p for p in self.plans},
        )

    def target(self, name: str, /) -> Target:
        """Return the target called ``name``."""
        found = self._by_name[0].get(name)
        if found is None:
            raise _unknown("target", name, self._by_name[0], "target")
        return found

    def severity(self, name: str, /) -> Severity:
        """Return the severity called ``name``."""
        found = self._by_name[1].get(name)
        if found is None:
            raise _unknown("severity", name, self._by_name[1], "severity")
        return found

    def plan(self, name: str, /) -> Plan:
        """Return the plan called ``name``."""
        found = self._by_name[2].get(name)
        if found is None:
            raise _unknown("plan", name, self._by_name[2], "plan")
        return found

    @cached_property
    def severity_names(self) -> tuple[str, ...]:
        """The severity names, most severe first."""
        return tuple(s.name for s in self.severities)

    @cached_property
    def event_names(self) -> frozenset[str]:
        """Every event a target starts or stops on (custom ones such as ``report_sent``)."""
        return frozenset(name for t in self.targets for name in t.events)

    @property
    def escalation_clock(self) -> str:
        """The clock of :class:`AfterElapsed` triggers that name none: resolution's clock."""
        return self.target("resolution").clock or self.clock

    @property
    def _clock_names(self) -> list[str]:
        return [*self.calendars, ALWAYS]

    def goal(self, target: str, severity: str, /, *, plan: str | None = None) -> Goal | None:
        """Return the goal of ``target`` for ``severity`` (under ``plan``), clock resolved.

        The goal comes from the plan's override, else the severity, else the target's
        default goal; ``None`` when the target does not apply. The clock of the result is
        never ``None``: the goal's own clock, else the plan's, else the target's, else the
        policy's.

        Raises:
            PolicyError: for an unknown target, severity or plan (with "did you mean").
        """
        key = (target, severity, plan)
        cache = self._goal_cache
        if key in cache:
            return cache[key]
        found = cache[key] = self._find_goal(target, severity, plan)
        return found

    @cached_property
    def _memo(self) -> dict[Any, Any]:
        # values the evaluator derives from this policy once (tier references, known
        # events); like the other caches, not part of equality, hashing or pickling
        return {}

    @cached_property
    def _goal_cache(self) -> dict[tuple[str, str, str | None], Goal | None]:
        return {}

    def _find_goal(self, target: str, severity: str, plan: str | None) -> Goal | None:
        found_target = self.target(target)
        found_severity = self.severity(severity)
        found_plan = self.plan(plan) if plan is not None else None
        goal: Goal | None = None
        if found_plan is not None:
            goal = found_plan.goals.get(severity, FrozenMap()).get(target)
        if goal is None:
            goal = found_severity.goals.get(target, found_target.goal)
        if goal is None:
            return None
        clock = (
            goal.clock
            or (found_plan.clock if found_plan is not None else None)
            or found_target.clock
            or self.clock
        )
        return attrs.evolve(goal, clock=clock)

    def route_for(self, attributes: Mapping[str, object], /) -> Route | None:
        """Return the first route whose conditions the incident attributes meet, or ``None``."""
        for route in self.routes:
            if route.matches(attributes):
                return route
        return None

    def tiers_for(self, attributes: Mapping[str, object], /) -> tuple[Tier, ...]:
        """Return the escalation tiers for an incident: its route's, else the default list."""
        route = self.route_for(attributes)
        return route.tiers if route is not None else self.tiers

    def to_dict(self) -> dict[str, Any]:
        """Return the config form (JSON- and TOML-ready); ``load_policy(p.to_dict()) == p``."""
        from escalate._config_form import policy_to_dict  # noqa: PLC0415 - it imports this module

        return policy_to_dict(self)


_ALWAYS_CALENDAR: Final = Calendar.always("UTC")


def _unknown(kind: str, name: str, choices: Iterable[str], noun: str) -> PolicyError:
    choices = list(choices)
    nouns = noun[:-1] + "ies" if noun.endswith("y") else noun + "s"  # severity: severities
    hint = did_you_mean(name, choices) or (
        f"known {nouns}: {', '.join(map(repr, choices))}" if choices else f"declare the {noun}"
    )
    return PolicyError([Problem(path=kind, message=f"unknown {noun} {excerpt(name)}", hint=hint)])
