"""Policies from and to config files (TOML, JSON, YAML) and plain mappings.

The loader reads the whole file before it complains: every problem (a malformed duration,
an unknown key, a calendar that does not exist...) is collected with its key path, and one
:class:`~escalate.PolicyError` lists them all. A policy never loads half-way.

The config form is not the shape of the classes (severities are tables keyed by name,
goals have a one-string shorthand, triggers are tagged tables), and every message needs a
key path and a "did you mean", so the walk is written out by hand rather than delegated
to cattrs. Reading the files themselves (TOML, JSON, YAML, with line numbers and the keys
given twice) is :mod:`escalate._config_files`'s.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, Final

from escalate._calendar import Calendar
from escalate._checks import describe, excerpt, finite_number, null_problems
from escalate._config_files import read_source
from escalate._duration import (
    BusinessDays,
    _business_days_or_problem,
    _duration_problem,
)
from escalate._errors import ConfigError, PolicyError, Problem, did_you_mean
from escalate._policy import (
    _BUILTIN_TARGETS,
    ALWAYS,
    AfterElapsed,
    AtOpen,
    AtPercent,
    Availability,
    Contact,
    Goal,
    Manual,
    OnBreach,
    Plan,
    Policy,
    Route,
    Severity,
    Status,
    Target,
    Tier,
    Trigger,
)

__all__ = ["load_policy", "read_source"]

_POLICY_KEYS: Final = (
    "name",
    "description",
    "clock",
    "calendars",
    "targets",
    "severities",
    "plans",
    "tiers",
    "routes",
    "availability",
    "statuses",
)
_TARGET_KEYS: Final = (
    "start",
    "stop",
    "pauses",
    "pause",
    "on_reopen",
    "clock",
    "goal",
    "required",
)
_CONDITION_KEYS: Final = ("status", "left")
_GOAL_KEYS: Final = ("duration", "warning", "clock")
_PLAN_KEYS: Final = ("description", "clock", "severities")
_TIER_KEYS: Final = ("level", "name", "contacts", "trigger")
_CONTACT_KEYS: Final = ("name", "role", "email", "phones", "response", "clock")
_ROUTE_KEYS: Final = ("name", "when", "tiers")
_AVAILABILITY_KEYS: Final = (
    "objective",
    "clock",
    "maintenance_notice",
    "measured_on",
    "period",
    "counts",
)
_TRIGGER_WORDS: Final = ("open", "manual")
_TRIGGER_TABLES: Final = {
    "after": ("after", "clock"),
    "percent": ("percent", "of"),
    "breach": ("breach", "delay"),
}
# stands in for a malformed duration, so that the other checks go on without false alarms
_DUMMY: Final = timedelta(days=10_000)
_DURATION_HINT: Final = "write e.g. '2h', '1h30m', '45m', '90s' or ISO 8601 'PT2H'"


class _Reader:
    """Walks a config mapping, building policy parts and collecting problems."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.nulls: set[str] = set()  # the key paths reported as null

    def add(self, path: str, message: str, hint: str | None = None) -> None:
        self.problems.append(Problem(path=path, message=message, hint=hint))

    def table(
        self, value: object, path: str, keys: tuple[str, ...] | None, what: str
    ) -> Mapping[str, Any]:
        """Return ``value`` as a mapping, reporting unknown, repeated and null keys.

        In a table of fixed keys (``keys`` given) a null value is reported and its key
        left out of the result, so that nothing downstream mistakes it for a default. In
        a table keyed by name the value goes on to be checked as what it should be.
        """
        if not isinstance(value, Mapping):
            self.add(path, f"expected a table ({what}), got {describe(value)}")
            return {}
        for key in getattr(value, "duplicates", ()):
            self.add(_join(path, key), f"{excerpt(key)} is given twice", "give each key once")
        if keys is None:
            return value
        for key in value:
            if key not in keys:
                hint = did_you_mean(str(key), keys) or "allowed keys: " + ", ".join(keys)
                self.add(_join(path, str(key)), f"unknown key {excerpt(key)} in {what}", hint)
        return self.without_nulls(value, path)

    def without_nulls(self, value: Mapping[str, Any], path: str) -> Mapping[str, Any]:
        """Report the null values of ``value`` and return it without them."""
        nulls = null_problems(value, path)
        if not nulls:
            return value
        self.problems.extend(nulls)
        self.nulls.update(p.path for p in nulls)
        return {key: item for key, item in value.items() if item is not None}

    def text(self, value: object, path: str, *, optional: bool = False) -> str | None:
        if isinstance(value, str) and (value or optional):
            return value
        if value is None and optional:
            return None
        self.add(path, f"expected a non-empty string, got {describe(value)}")
        return None

    def required(self, table: Mapping[str, Any], key: str, path: str, hint: str) -> Any:
        if key not in table:
            if _join(path, key) not in self.nulls:  # a null key is reported as such
                self.add(_join(path, key), f"missing required key {key!r}", hint)
            return None
        return table[key]

    def boolean(self, value: object, path: str) -> bool:
        if isinstance(value, bool):
            return value
        self.add(path, f"expected true or false, got {describe(value)}")
        return True

    def duration(self, value: object, path: str, default: timedelta | None = _DUMMY) -> Any:
        """Return the duration, or ``default`` (after reporting it) when it is malformed."""
        parsed = _duration_problem(value)
        if isinstance(parsed, timedelta):
            return parsed
        self.add(path, parsed, _DURATION_HINT)
        return default

    def number(self, value: object, path: str, what: str) -> float:
        number = finite_number(value)
        if number is not None:
            return number
        if isinstance(value, int | float) and not isinstance(value, bool):
            self.add(path, f"expected {what}, a finite number, got {excerpt(value)}")
        else:
            self.add(path, f"expected {what}, got {describe(value)}")
        return 1.0

    # -- parts ------------------------------------------------------------------------

    def goal_duration(self, value: object, path: str) -> Any:
        """A goal's duration: business time ('8h'), or business days ('3bd')."""
        if isinstance(value, str):
            days = _business_days_or_problem(value)
            if isinstance(days, BusinessDays):
                return days
        return self.duration(value, path)

    def goal(self, value: object, path: str) -> Goal:
        if not isinstance(value, Mapping):
            return Goal(duration=self.goal_duration(value, path))
        table = self.table(value, path, _GOAL_KEYS, "a goal")
        duration = self.required(table, "duration", path, "write e.g. duration = '5h'")
        warning = table.get("warning")
        return Goal(
            duration=self.goal_duration(duration, f"{path}.duration")
            if duration is not None
            else _DUMMY,
            warning=self.duration(warning, f"{path}.warning", None)
            if warning is not None
            else None,
            clock=self.text(table.get("clock"), f"{path}.clock", optional=True),
        )

    def goals(self, table: Mapping[str, Any], path: str, skip: tuple[str, ...]) -> dict[str, Goal]:
        return {
            str(key): self.goal(value, _join(path, str(key)))
            for key, value in table.items()
            if key not in skip
        }

    def calendars(self, value: object) -> dict[str, Calendar]:
        out: dict[str, Calendar] = {}
        for name, spec in self.table(value, "calendars", None, "calendars by name").items():
            path = _join("calendars", str(name))
            try:
                out[str(name)] = Calendar.from_dict(spec)
            except ConfigError as error:
                self.problems.extend(error.with_prefix(path).problems)
                out[str(name)] = Calendar.always()  # so references to it still resolve
        return out

    def targets(self, value: object) -> list[Target]:
        out: list[Target] = []
        for name, spec in self.table(value, "targets", None, "targets by name").items():
            path = _join("targets", str(name))
            table = self.table(spec, path, _TARGET_KEYS, f"target {excerpt(name)}")
            base = _BUILTIN_TARGETS.get(str(name))
            if base is None:
                self.required(
                    table, "stop", path, "name the event that stops it, e.g. 'report_sent'"
                )
                base = Target(name=str(name))
            goal = table.get("goal")
            if "pause" in table and "pauses" in table:
                self.add(
                    f"{path}.pause",
                    "give either 'pause' (the conditions) or 'pauses' (true or false), not both",
                    "pauses = false is the same as pause = []",
                )
            pause = table.get("pause")
            on_reopen = table.get("on_reopen")
            out.append(
                Target(
                    name=str(name),
                    start=self.conditions(table, "start", path) or base.start,
                    stop=self.conditions(table, "stop", path) or base.stop,
                    pauses=self.boolean(table.get("pauses", base.pauses), f"{path}.pauses"),
                    pause=self.conditions(table, "pause", path) if pause is not None else None,
                    on_reopen=self.text(on_reopen, f"{path}.on_reopen")
                    if on_reopen is not None
                    else base.on_reopen,
                    clock=self.text(table.get("clock"), f"{path}.clock", optional=True),
                    goal=self.goal(goal, f"{path}.goal") if goal is not None else None,
                    required=self.boolean(table.get("required", base.required), f"{path}.required"),
                )
            )
        return out

    def conditions(self, table: Mapping[str, Any], key: str, path: str) -> tuple[Any, ...]:
        """Return a target's ``start``, ``stop`` or ``pause`` conditions (``()``: not given)."""
        if key not in table:
            return ()
        value = table[key]
        path = f"{path}.{key}"
        if isinstance(value, str | Mapping):
            items: list[Any] = [value]
            paths = [path]
        elif isinstance(value, list | tuple):
            items = list(value)
            paths = [f"{path}[{i}]" for i in range(len(items))]
            if not items and key != "pause":
                self.add(path, f"a target needs at least one {key} condition")
        else:
            self.add(
                path,
                f"expected an event name, a status table or a list of them, got {describe(value)}",
            )
            return ()
        out: list[Any] = []
        for item, item_path in zip(items, paths, strict=True):
            if isinstance(item, str):
                if item:
                    out.append(item)
                else:
                    self.add(item_path, "an event name cannot be empty")
                continue
            if not isinstance(item, Mapping):
                self.add(
                    item_path,
                    f"expected an event name or a status table, got {describe(item)}",
                    "write e.g. 'resolved' or { status = ['Awaiting Vendor'] }",
                )
                continue
            condition = self.table(item, item_path, _CONDITION_KEYS, "a status condition")
            kinds = [k for k in _CONDITION_KEYS if k in condition]
            if len(kinds) != 1:
                self.add(
                    item_path,
                    "a status condition needs exactly one of 'status' or 'left'",
                    "write { status = 'Resolved' } or { left = 'New' }",
                )
                continue
            names = condition[kinds[0]]
            names = [names] if isinstance(names, str) else names
            if not isinstance(names, list | tuple) or not all(
                isinstance(n, str) and n for n in names
            ):
                self.add(
                    f"{item_path}.{kinds[0]}",
                    f"expected a status name or a list of them, got {describe(names)}",
                )
                continue
            out.append(Status(*names, left=kinds[0] == "left"))
        return tuple(out)

    def statuses(self, value: object) -> dict[str, str]:
        out: dict[str, str] = {}
        for name, meaning in self.table(value, "statuses", None, "statuses by name").items():
            text = self.text(meaning, _join("statuses", str(name)))
            if text is not None:
                out[str(name)] = text
        return out

    def severities(self, value: object) -> list[Severity]:
        out: list[Severity] = []
        for name, spec in self.table(value, "severities", None, "severities by name").items():
            path = _join("severities", str(name))
            table = self.table(spec, path, None, f"severity {excerpt(name)}")
            if "description" in table and table["description"] is None:
                # the one fixed key among the goals (a null goal is reported as a goal)
                rest = {key: goal for key, goal in table.items() if key != "description"}
                table = {**self.without_nulls({"description": None}, path), **rest}
            description = self.text(
                table.get("description", ""), f"{path}.description", optional=True
            )
            out.append(
                Severity(
                    name=str(name),
                    description=description or "",
                    goals=self.goals(table, path, ("description",)),
                )
            )
        return out

    def plans(self, value: object) -> list[Plan]:
        out: list[Plan] = []
        for name, spec in self.table(value, "plans", None, "plans by name").items():
            path = _join("plans", str(name))
            table = self.table(spec, path, _PLAN_KEYS, f"plan {excerpt(name)}")
            by_severity = self.table(
                table.get("severities", {}), f"{path}.severities", None, "goals by severity"
            )
            goals = {
                str(severity): self.goals(
                    self.table(
                        goals_spec,
                        f"{path}.severities.{severity}",
                        None,
                        f"goals of {excerpt(severity)}",
                    ),
                    f"{path}.severities.{severity}",
                    (),
                )
                for severity, goals_spec in by_severity.items()
            }
            out.append(
                Plan(
                    name=str(name),
                    description=self.text(
                        table.get("description", ""), f"{path}.description", optional=True
                    )
                    or "",
                    clock=self.text(table.get("clock"), f"{path}.clock", optional=True),
                    goals=goals,
                )
            )
        return out

    def contact(self, value: object, path: str) -> Contact:
        table = self.table(value, path, _CONTACT_KEYS, "a contact")
        name = self.required(table, "name", path, "write e.g. name = 'Engineer on duty'")
        phones = table.get("phones", [])
        if isinstance(phones, str):
            phones = [phones]
        if not isinstance(phones, list | tuple):
            self.add(f"{path}.phones", f"expected a list of phone numbers, got {describe(phones)}")
            phones = []
        response = table.get("response")
        return Contact(
            name=(self.text(name, f"{path}.name") or "?") if name is not None else "?",
            role=self.text(table.get("role", ""), f"{path}.role", optional=True) or "",
            email=self.text(table.get("email"), f"{path}.email", optional=True),
            phones=tuple(
                self.text(phone, f"{path}.phones[{i}]") or "" for i, phone in enumerate(phones)
            ),
            response=self.duration(response, f"{path}.response") if response is not None else None,
            clock=self.text(table.get("clock"), f"{path}.clock", optional=True),
        )

    def trigger(self, value: object, path: str) -> Trigger:
        if isinstance(value, str):
            if value == "open":
                return AtOpen()
            if value == "manual":
                return Manual()
            self.add(
                path,
                f"unknown trigger {excerpt(value)}",
                did_you_mean(value, _TRIGGER_WORDS)
                or "write 'open', 'manual', { after = '30m' }, { percent = 75, of = 'resolution' }"
                " or { breach = 'resolution', delay = '1h' }",
            )
            return Manual()
        if not isinstance(value, Mapping):
            self.add(path, f"expected a trigger, got {describe(value)}")
            return Manual()
        kinds = [kind for kind in _TRIGGER_TABLES if kind in value]
        if len(kinds) != 1:
            allowed = tuple(k for keys in _TRIGGER_TABLES.values() for k in keys)
            self.table(value, path, allowed, "a trigger")
            self.add(
                path,
                "a trigger table needs exactly one of 'after', 'percent' or 'breach', "
                f"got {excerpt(value)}",
                "write { after = '30m' }, { percent = 75, of = 'resolution' } "
                "or { breach = 'resolution' }",
            )
            return Manual()
        kind = kinds[0]
        table = self.table(value, path, _TRIGGER_TABLES[kind], f"an {kind!r} trigger")
        if kind == "after":
            return AfterElapsed(
                # a null value was reported and left out of the table
                after=self.duration(table["after"], f"{path}.after")
                if "after" in table
                else _DUMMY,
                clock=self.text(table.get("clock"), f"{path}.clock", optional=True),
            )
        if kind == "percent":
            target = self.required(table, "of", path, "name the target, e.g. of = 'resolution'")
            return AtPercent(
                target=(self.text(target, f"{path}.of") or "resolution")
                if target is not None
                else "resolution",
                percent=self.number(table["percent"], f"{path}.percent", "a percentage")
                if "percent" in table
                else 1.0,
            )
        delay = table.get("delay")
        return OnBreach(
            target=(self.text(table["breach"], f"{path}.breach") if "breach" in table else None)
            or "resolution",
            delay=self.duration(delay, f"{path}.delay") if delay is not None else timedelta(0),
        )

    def tiers(self, value: object, path: str) -> list[Tier]:
        if not isinstance(value, list | tuple):
            self.add(
                path,
                f"expected a list of tiers, got {describe(value)}",
                "write [[tiers]] tables",
            )
            return []
        out: list[Tier] = []
        for i, spec in enumerate(value):
            tier_path = f"{path}[{i}]"
            table = self.table(spec, tier_path, _TIER_KEYS, "a tier")
            level = self.required(table, "level", tier_path, "write e.g. level = 1")
            if level is not None and (not isinstance(level, int) or isinstance(level, bool)):
                self.add(f"{tier_path}.level", f"expected a whole number, got {describe(level)}")
                level = None
            name = self.required(table, "name", tier_path, "write e.g. name = 'NOC'")
            contacts = table.get("contacts", [])
            if not isinstance(contacts, list | tuple):
                self.add(
                    f"{tier_path}.contacts",
                    f"expected a list of contacts, got {describe(contacts)}",
                )
                contacts = []
            out.append(
                Tier(
                    level=level if level is not None else i + 1,
                    name=(self.text(name, f"{tier_path}.name") or "?") if name is not None else "?",
                    contacts=tuple(
                        self.contact(c, f"{tier_path}.contacts[{j}]")
                        for j, c in enumerate(contacts)
                    ),
                    trigger=self.trigger(table.get("trigger", "manual"), f"{tier_path}.trigger"),
                )
            )
        return out

    def routes(self, value: object) -> list[Route]:
        if not isinstance(value, list | tuple):
            self.add(
                "routes",
                f"expected a list of routes, got {describe(value)}",
                "write [[routes]] tables",
            )
            return []
        out: list[Route] = []
        for i, spec in enumerate(value):
            path = f"routes[{i}]"
            table = self.table(spec, path, _ROUTE_KEYS, "a route")
            name = self.required(table, "name", path, "write e.g. name = 'colombia'")
            when = self.table(table.get("when", {}), f"{path}.when", None, "attribute conditions")
            conditions: dict[str, tuple[str, ...]] = {}
            for key, accepted in when.items():
                values = [accepted] if isinstance(accepted, str) else accepted
                if not isinstance(values, list | tuple) or not all(
                    isinstance(v, str) for v in values
                ):
                    self.add(
                        f"{path}.when.{key}",
                        f"expected a string or a list of strings, got {excerpt(accepted)}",
                    )
                    values = ["?"]
                conditions[str(key)] = tuple(values)
            out.append(
                Route(
                    name=(self.text(name, f"{path}.name") or "?") if name is not None else "?",
                    when=conditions,
                    tiers=self.tiers(table.get("tiers", []), f"{path}.tiers"),
                )
            )
        return out

    def availability(self, value: object) -> Availability:
        table = self.table(value, "availability", _AVAILABILITY_KEYS, "availability")
        objective = self.required(table, "objective", "availability", "write e.g. objective = 99.5")
        notice = table.get("maintenance_notice")
        days: BusinessDays | None = None
        if notice is not None:
            parsed = _business_days_or_problem(notice)
            if isinstance(parsed, BusinessDays):
                days = parsed
            else:
                self.add(
                    "availability.maintenance_notice", parsed, "write e.g. '5bd' (5 business days)"
                )
        return Availability(
            objective=self.number(objective, "availability.objective", "a percentage")
            if objective is not None
            else 100.0,
            clock=self.text(table.get("clock"), "availability.clock", optional=True),
            maintenance_notice=days,
            measured_on=self.text(
                table.get("measured_on"), "availability.measured_on", optional=True
            ),
            period=self.text(table.get("period", "month"), "availability.period") or "month",
            counts=self.availability_counts(table.get("counts", ("major", "minor"))),
        )

    def availability_counts(self, value: object) -> tuple[str, ...]:
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list | tuple) or not all(isinstance(v, str) for v in values):
            self.add(
                "availability.counts",
                f"expected a list of outage kinds, got {describe(value)}",
                "write e.g. counts = ['major', 'minor']",
            )
            return ("major", "minor")
        return tuple(values)

    def policy(self, mapping: object) -> dict[str, Any]:
        table = self.table(mapping, "", _POLICY_KEYS, "a policy")
        parts: dict[str, Any] = {
            "name": self.text(table.get("name", ""), "name", optional=True) or "",
            "description": self.text(table.get("description", ""), "description", optional=True)
            or "",
            "clock": self.text(table.get("clock", ALWAYS), "clock") or ALWAYS,
            "calendars": self.calendars(table.get("calendars", {})),
            "targets": self.targets(table.get("targets", {})),
            "severities": self.severities(table.get("severities", {})),
            "plans": self.plans(table.get("plans", {})),
            "tiers": self.tiers(table.get("tiers", []), "tiers"),
            "routes": self.routes(table.get("routes", [])),
        }
        if "availability" in table:
            parts["availability"] = self.availability(table["availability"])
        if "statuses" in table:
            parts["statuses"] = self.statuses(table["statuses"])
        return parts


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def load_policy(source: str | os.PathLike[str] | Mapping[str, Any], /) -> Policy:
    """Load a policy from a file (``.toml``, ``.json``, ``.yaml``/``.yml``) or a mapping.

    Every problem in the source is reported at once, each with its key path.

    Raises:
        PolicyError: for a file that does not parse (with its line number) or a policy
            with problems (each with its key path, e.g. ``severities.alta.response``).
        MissingExtraError: for a YAML file when pyyaml is not installed.
        OSError: when the file cannot be read.

    >>> policy = load_policy({"severities": {"high": {"response": "1h", "resolution": "8h"}}})
    >>> policy.goal("resolution", "high").duration
    datetime.timedelta(seconds=28800)
    """
    mapping = read_source(source)
    if isinstance(mapping, Mapping) and "versions" in mapping:
        raise PolicyError.single(
            "versions",
            "this holds policy versions, not one policy",
            "load it with escalate.load_versions()",
        )
    return policy_from(mapping)


def policy_from(mapping: object) -> Policy:
    """The policy of a config already read (a file's content): checked, never a path.

    Raises:
        PolicyError: as :func:`load_policy`; content that is not a table (a file holding
            a JSON string) is one, not a path to follow.
    """
    reader_ = _Reader()
    parts = reader_.policy(mapping)
    try:
        policy = Policy(**parts)
    except PolicyError as error:
        raise PolicyError([*reader_.problems, *error.problems]) from None
    if reader_.problems:
        raise PolicyError(reader_.problems)
    return policy
