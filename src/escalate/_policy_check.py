"""The whole-policy checks: every problem of a policy, each at its config key path.

:class:`~escalate.Policy` runs :func:`check_policy` when it is built, from Python or from
a config file alike; :func:`check_availability` also serves availability objectives read
on their own. Both collect every problem at once rather than stopping at the first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Final

from escalate._checks import (
    MAX_BUSINESS_DAYS,
    MAX_DURATION,
    MAX_LEVEL,
    MAX_PERCENT,
    describe,
    excerpt,
    inexact_duration,
    is_whole,
)
from escalate._duration import BusinessDays, format_duration
from escalate._errors import Problem, did_you_mean
from escalate._policy import (
    ALWAYS,
    AVAILABILITY_PERIODS,
    OUTAGE_KINDS,
    REOPEN_RULES,
    STATUS_MEANINGS,
    AfterElapsed,
    AtPercent,
    Availability,
    Goal,
    OnBreach,
    Policy,
    Status,
    Target,
    Tier,
    Trigger,
    _duplicates,
)
from escalate._policy_shapes import shape_problems

if TYPE_CHECKING:
    from escalate._target import Condition


class _Checker:
    """Collects the problems of a policy, each at its config key path."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.problems: list[Problem] = []
        self.clocks = [*policy.calendars, ALWAYS]
        self.targets = {t.name: t for t in policy.targets}

    def add(self, path: str, message: str, hint: str | None = None) -> None:
        self.problems.append(Problem(path=path, message=message, hint=hint))

    def clock(self, path: str, name: str | None) -> None:
        if name is not None and name not in self.clocks:
            hint = did_you_mean(name, self.clocks) or (
                f"declare it under [calendars.{name}] or use one of: "
                + ", ".join(map(repr, self.clocks))
            )
            self.add(path, f"unknown calendar {excerpt(name)}", hint)

    def target_ref(self, path: str, name: str) -> None:
        if name not in self.targets:
            hint = did_you_mean(name, self.targets) or (
                "known targets: " + ", ".join(map(repr, self.targets))
            )
            self.add(path, f"unknown target {excerpt(name)}", hint)

    def span(self, path: str, value: object, what: str) -> bool:
        """Check that ``value`` is a timedelta within the limit; return whether it is."""
        if not isinstance(value, timedelta):
            self.add(path, f"{what} must be a timedelta, got {describe(value)}")
            return False
        why = inexact_duration(value)
        if why is not None:
            self.add(path, f"{what} {excerpt(value)} {why}")
            return False
        if abs(value) > MAX_DURATION:
            self.add(
                path,
                f"{what} of {_show(value)} is longer than the longest allowed, "
                f"{_show(MAX_DURATION)} (about 27 years)",
                "a goal that long is surely a typo",
            )
            return False
        return True

    def positive(self, path: str, value: timedelta, what: str) -> None:
        if self.span(path, value, what) and value <= timedelta(0):
            self.add(
                path,
                f"{what} must be positive, got {_show(value)}",
                "a zero or negative goal can never be met; write e.g. '2h'",
            )

    def goal(self, path: str, goal: Goal) -> None:
        if isinstance(goal.duration, BusinessDays):
            if not 0 < goal.duration.days <= MAX_BUSINESS_DAYS:
                self.add(
                    path,
                    f"a goal in business days must be 1 to {MAX_BUSINESS_DAYS}, "
                    f"got '{goal.duration}'",
                    "write e.g. '3bd'",
                )
            if goal.warning is not None and self.span(
                f"{path}.warning", goal.warning, "a warning point"
            ):
                longest = timedelta(days=goal.duration.days)  # a business day is at most a day
                if not timedelta(0) < goal.warning < longest:
                    self.add(
                        f"{path}.warning",
                        f"the warning point {_show(goal.warning)} must be above zero and "
                        f"below the goal '{goal.duration}', which is at most {_show(longest)}",
                        "a business day is its open hours: warn within them, e.g. '4h'",
                    )
            self.clock(f"{path}.clock", goal.clock)
            return
        self.positive(path, goal.duration, "a goal")
        if goal.warning is not None and not (
            self.span(f"{path}.warning", goal.warning, "a warning point")
            and isinstance(goal.duration, timedelta)
        ):
            pass
        elif goal.warning is not None and not timedelta(0) < goal.warning < goal.duration:
            self.add(
                f"{path}.warning",
                f"the warning point {_show(goal.warning)} must be above zero and below "
                f"the goal {_show(goal.duration)}",
                "the warning flags a ticket before its goal runs out",
            )
        self.clock(f"{path}.clock", goal.clock)

    def goals(self, path: str, goals: Mapping[str, Goal]) -> None:
        for name, goal in goals.items():
            if name not in self.targets:
                hint = did_you_mean(name, self.targets) or (
                    "declare it under [targets."
                    + name
                    + "] or use one of: "
                    + ", ".join(map(repr, self.targets))
                )
                message = f"unknown key {excerpt(name)}: no target has this name"
                self.add(f"{path}.{name}", message, hint)
            self.goal(f"{path}.{name}", goal)

    def run(self) -> list[Problem]:
        p = self.policy
        self.clock("clock", p.clock)
        self.check_statuses()
        self.check_targets()
        self.check_severities()
        self.check_plans()
        self.check_tiers("tiers", p.tiers)
        names = [r.name for r in p.routes]
        for i, route in enumerate(p.routes):
            path = f"routes[{i}]"
            if route.name in names[:i]:
                self.add(
                    f"{path}.name",
                    f"route {excerpt(route.name)} is declared twice",
                    "give each route its own name",
                )
            if not route.name:
                self.add(f"{path}.name", "a route needs a name", "write e.g. name = 'colombia'")
            if not route.when:
                self.add(
                    f"{path}.when",
                    "a route needs at least one condition",
                    "write e.g. when = { region = 'CO' }",
                )
            for key, values in route.when.items():
                if not values:
                    self.add(
                        f"{path}.when.{key}", "no accepted values", f"write e.g. {key} = ['value']"
                    )
            if not route.tiers:
                self.add(
                    f"{path}.tiers",
                    f"route {excerpt(route.name)} has no tiers",
                    "give it at least one [[routes.tiers]]",
                )
            self.check_tiers(f"{path}.tiers", route.tiers)
        if p.availability is not None:
            self.problems.extend(check_availability(p.availability, self.clocks))
        return self.problems

    def check_targets(self) -> None:
        for name in _duplicates(t.name for t in self.policy.targets):
            self.add(f"targets.{name}", f"target {excerpt(name)} is declared twice")
        for target in self.policy.targets:
            path = f"targets.{target.name}"
            if target.name in _SEVERITY_KEYS:
                self.add(
                    path,
                    f"{excerpt(target.name)} cannot name a target",
                    "it is a key of severities; choose another name",
                )
            self.conditions(path, target)
            self.clock(f"{path}.clock", target.clock)
            if target.goal is not None:
                self.goal(f"{path}.goal", target.goal)

    def conditions(self, path: str, target: Target) -> None:
        for key, conditions in (("start", target.start), ("stop", target.stop)):
            if not conditions:
                self.add(
                    f"{path}.{key}",
                    f"a target needs at least one {key} condition",
                    "name an event, e.g. 'opened', or a status, e.g. { status = 'Active' }",
                )
            for i, condition in enumerate(conditions):
                self.condition(f"{path}.{key}[{i}]", condition, pause=False)
        both = [c for c in target.start if c in target.stop]
        for condition in both:
            self.add(
                f"{path}.stop",
                f"the target starts and stops on the same condition {_condition_text(condition)}",
                "a target cannot stop on what starts it",
            )
        for i, condition in enumerate(target.pause or ()):
            self.condition(f"{path}.pause[{i}]", condition, pause=True)
        if target.on_reopen is not None and target.on_reopen not in REOPEN_RULES:
            self.add(
                f"{path}.on_reopen",
                f"unknown reopen rule {target.on_reopen!r}",
                did_you_mean(target.on_reopen, REOPEN_RULES)
                or "use one of: " + ", ".join(map(repr, REOPEN_RULES)),
            )

    def condition(self, path: str, condition: object, *, pause: bool) -> None:
        if isinstance(condition, str):
            if not condition:
                self.add(path, "an event name cannot be empty")
            elif pause and condition != "paused":
                self.add(
                    path,
                    f"a pause condition is 'paused' or a status, got the event {condition!r}",
                    "write 'paused' (the incident's pauses) or { status = ['Awaiting Vendor'] }",
                )
            return
        if not isinstance(condition, Status):
            self.add(path, f"expected an event name or a Status condition, got {condition!r}")
            return
        if pause and condition.left:
            self.add(
                path,
                "a pause holds while the incident is in a status; 'left' has no duration",
                "write { status = [...] } in pause, or move the condition to start or stop",
            )
        if not condition.names:
            self.add(path, "a status condition needs at least one status name")
        known = self.policy.statuses
        for j, name in enumerate(condition.names):
            if not name:
                self.add(f"{path}.status[{j}]", "a status name cannot be empty")
            elif name not in known:
                self.add(
                    f"{path}.status[{j}]",
                    f"unknown status {name!r}",
                    did_you_mean(name, known)
                    or (
                        f"declare it under [statuses], e.g. {name!r} = 'open'"
                        if not known
                        else "declared statuses: " + ", ".join(map(repr, known))
                    ),
                )

    def check_statuses(self) -> None:
        for name, meaning in self.policy.statuses.items():
            path = f"statuses.{name}"
            if not name:
                self.add("statuses", "a status name cannot be empty")
            if meaning not in STATUS_MEANINGS:
                self.add(
                    path,
                    f"unknown status meaning {meaning!r}",
                    did_you_mean(str(meaning), STATUS_MEANINGS)
                    or "use one of: " + ", ".join(map(repr, STATUS_MEANINGS)),
                )

    def check_severities(self) -> None:
        p = self.policy
        if not p.severities:
            self.add(
                "severities",
                "a policy needs at least one severity",
                "add e.g. [severities.high] with its goals",
            )
        for name in _duplicates(s.name for s in p.severities):
            self.add(
                f"severities.{name}",
                f"severity {excerpt(name)} is declared twice",
                "give each severity its own name",
            )
        for severity in p.severities:
            path = f"severities.{severity.name}"
            self.goals(path, severity.goals)
            for target in p.targets:
                if target.required and target.goal is None and target.name not in severity.goals:
                    self.add(
                        f"{path}.{target.name}",
                        f"severity {excerpt(severity.name)} has no goal for the required target "
                        f"{excerpt(target.name)}",
                        f"add e.g. {target.name} = '8h', "
                        f"or set required = false on [targets.{target.name}]",
                    )

    def check_plans(self) -> None:
        severities = [s.name for s in self.policy.severities]
        for name in _duplicates(plan.name for plan in self.policy.plans):
            self.add(f"plans.{name}", f"plan {excerpt(name)} is declared twice")
        for plan in self.policy.plans:
            path = f"plans.{plan.name}"
            self.clock(f"{path}.clock", plan.clock)
            for severity, goals in plan.goals.items():
                if severity not in severities:
                    hint = did_you_mean(severity, severities) or "known severities: " + ", ".join(
                        map(repr, severities)
                    )
                    message = f"unknown severity {excerpt(severity)}"
                    self.add(f"{path}.severities.{severity}", message, hint)
                self.goals(f"{path}.severities.{severity}", goals)

    def check_tiers(self, path: str, tiers: tuple[Tier, ...]) -> None:
        seen: list[int] = []
        for i, tier in enumerate(tiers):
            tier_path = f"{path}[{i}]"
            if not is_whole(tier.level) or not 1 <= tier.level <= MAX_LEVEL:
                self.add(
                    f"{tier_path}.level",
                    f"a tier level must be 1 or more, got {excerpt(tier.level)}"
                    if is_whole(tier.level) and tier.level < 1
                    else f"a tier level must be a whole number from 1 to {MAX_LEVEL}, "
                    f"got {describe(tier.level)}",
                    "number the tiers 1, 2, 3...",
                )
                self.check_tier_parts(tier_path, tier)
                continue
            if tier.level in seen:
                self.add(
                    f"{tier_path}.level",
                    f"tier level {tier.level} is declared twice",
                    "give each tier its own level",
                )
            elif seen and tier.level < max(seen):
                self.add(
                    f"{tier_path}.level",
                    f"tier level {tier.level} comes after level {max(seen)}; "
                    "tiers are out of order",
                    "list tiers from the lowest level to the highest",
                )
            seen.append(tier.level)
            self.check_tier_parts(tier_path, tier)

    def check_tier_parts(self, tier_path: str, tier: Tier) -> None:
        if not tier.name:
            self.add(f"{tier_path}.name", "a tier needs a name", "write e.g. name = 'NOC'")
        for j, contact in enumerate(tier.contacts):
            if not contact.name:
                self.add(f"{tier_path}.contacts[{j}].name", "a contact needs a name")
            self.clock(f"{tier_path}.contacts[{j}].clock", contact.clock)
            response = contact.response
            path = f"{tier_path}.contacts[{j}].response"
            if (
                response is not None
                and self.span(path, response, "a response time")
                and response < timedelta(0)
            ):
                self.add(path, f"a response time cannot be negative, got {_show(response)}")
        self.trigger(f"{tier_path}.trigger", tier.trigger)

    def trigger(self, path: str, trigger: Trigger) -> None:
        match trigger:
            case AfterElapsed(after=after, clock=clock):
                self.positive(f"{path}.after", after, "an elapsed time")
                self.clock(f"{path}.clock", clock)
            case AtPercent(target=target, percent=percent):
                self.target_ref(f"{path}.of", target)
                if not percent > 0:  # also NaN
                    self.add(f"{path}.percent", f"a percentage must be above 0, got {percent!r}")
                elif percent > MAX_PERCENT:  # also infinity
                    self.add(
                        f"{path}.percent",
                        f"a percentage must be at most {MAX_PERCENT:g}, got {percent!r}",
                        "100 is the deadline; to escalate long after it, use a breach trigger",
                    )
            case OnBreach(target=target, delay=delay):
                self.target_ref(f"{path}.breach", target)
                if self.span(f"{path}.delay", delay, "a delay") and delay < timedelta(0):
                    self.add(f"{path}.delay", f"a delay cannot be negative, got {_show(delay)}")
            case _:
                pass


_SEVERITY_KEYS: Final = frozenset({"description"})


def _condition_text(condition: Condition) -> str:
    if isinstance(condition, Status):
        names = ", ".join(map(repr, condition.names))
        return f"{'left' if condition.left else 'status'} {names}"
    return repr(condition)


def _show(value: timedelta) -> str:
    return repr(format_duration(value))


def check_policy(policy: Policy) -> list[Problem]:
    """Return every problem of a policy, each at its config key path.

    The shapes first: the other checks read each field as its type says.
    """
    return shape_problems(policy) or _Checker(policy).run()


def check_availability(a: Availability, clocks: Iterable[str] | None = None) -> list[Problem]:
    """Return every problem of an availability objective, each at its config key path.

    Calendar names are checked against ``clocks`` when given.
    """
    problems: list[Problem] = []
    known = None if clocks is None else list(clocks)

    def add(path: str, message: str, hint: str | None = None) -> None:
        problems.append(Problem(path=path, message=message, hint=hint))

    def clock(path: str, name: str | None) -> None:
        if known is not None and name is not None and name not in known:
            hint = did_you_mean(name, known) or (
                f"declare it under [calendars.{name}] or use one of: " + ", ".join(map(repr, known))
            )
            add(path, f"unknown calendar {excerpt(name)}", hint)

    if not 0 < a.objective <= 100:
        add(
            "availability.objective",
            f"expected a percentage in (0, 100], got {a.objective!r}",
        )
    clock("availability.clock", a.clock)
    notice: object = a.maintenance_notice  # an Availability built in Python may hold anything
    if notice is not None and not (isinstance(notice, BusinessDays) and is_whole(notice.days)):
        add(
            "availability.maintenance_notice",
            f"expected BusinessDays, got {describe(notice)}",
            "write e.g. BusinessDays(5), or '5bd' in a config file",
        )
    elif isinstance(notice, BusinessDays) and notice.days < 0:
        add(
            "availability.maintenance_notice",
            f"a notice period cannot be negative, got '{excerpt(notice.days)}bd'",
        )
    elif isinstance(notice, BusinessDays) and notice.days > MAX_BUSINESS_DAYS:
        add(
            "availability.maintenance_notice",
            f"a notice period must be at most {MAX_BUSINESS_DAYS} business days (the dates "
            f"of the supported horizon), got {excerpt(notice.days)}",
        )
    clock("availability.measured_on", a.measured_on)
    if a.period not in AVAILABILITY_PERIODS:
        add(
            "availability.period",
            f"unknown period {excerpt(a.period)}",
            did_you_mean(a.period, AVAILABILITY_PERIODS)
            or "use one of: " + ", ".join(map(repr, AVAILABILITY_PERIODS)),
        )
    if not a.counts:
        add(
            "availability.counts",
            "no outage kind counts, so availability would always be 100%",
            "write e.g. counts = ['major', 'minor']",
        )
    for i, kind in enumerate(a.counts):
        if kind in a.counts[:i]:
            add(f"availability.counts[{i}]", f"outage kind {excerpt(kind)} is listed twice")
        elif kind not in OUTAGE_KINDS:
            add(
                f"availability.counts[{i}]",
                f"unknown outage kind {excerpt(kind)}",
                did_you_mean(kind, OUTAGE_KINDS)
                or "use one of: " + ", ".join(map(repr, OUTAGE_KINDS)),
            )
    return problems
