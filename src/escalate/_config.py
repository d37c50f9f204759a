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
from typing import Any, Final

from escalate._calendar import Calendar
from escalate._checks import describe, excerpt
from escalate._config_base import DUMMY, join
from escalate._config_files import read_source
from escalate._config_tiers import TierReader
from escalate._duration import (
    BusinessDays,
    _business_days_or_problem,
    is_business_days,
)
from escalate._errors import ConfigError, PolicyError
from escalate._policy import (
    ALWAYS,
    Availability,
    Goal,
    Plan,
    Policy,
    Severity,
    Status,
    Target,
)
from escalate._target import _BUILTIN_TARGETS

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
_AVAILABILITY_KEYS: Final = (
    "objective",
    "clock",
    "maintenance_notice",
    "measured_on",
    "period",
    "counts",
)


class _Reader(TierReader):
    """Walks a config mapping, building policy parts and collecting problems."""

    # -- parts ------------------------------------------------------------------------

    def goal_duration(self, value: object, path: str) -> Any:
        """A goal's duration: business time ('8h'), or business days ('3bd')."""
        if isinstance(value, str) and is_business_days(value):
            days = _business_days_or_problem(value)
            if isinstance(days, BusinessDays):
                return days
            self.add(path, days, "write e.g. '3bd' (3 business days)")  # 0bd, beyond the horizon
            return DUMMY
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
            else DUMMY,
            warning=self.duration(warning, f"{path}.warning", None)
            if warning is not None
            else None,
            clock=self.text(table.get("clock"), f"{path}.clock", optional=True),
        )

    def goals(self, table: Mapping[str, Any], path: str, skip: tuple[str, ...]) -> dict[str, Goal]:
        return {
            str(key): self.goal(value, join(path, str(key)))
            for key, value in table.items()
            if key not in skip
        }

    def calendars(self, value: object) -> dict[str, Calendar]:
        out: dict[str, Calendar] = {}
        for name, spec in self.table(value, "calendars", None, "calendars by name").items():
            path = join("calendars", str(name))
            try:
                out[str(name)] = Calendar.from_dict(spec)
            except ConfigError as error:
                self.problems.extend(error.with_prefix(path).problems)
                out[str(name)] = Calendar.always()  # so references to it still resolve
        return out

    def targets(self, value: object) -> list[Target]:
        out: list[Target] = []
        for name, spec in self.table(value, "targets", None, "targets by name").items():
            path = join("targets", str(name))
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
            text = self.text(meaning, join("statuses", str(name)))
            if text is not None:
                out[str(name)] = text
        return out

    def severities(self, value: object) -> list[Severity]:
        out: list[Severity] = []
        for name, spec in self.table(value, "severities", None, "severities by name").items():
            path = join("severities", str(name))
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
            path = join("plans", str(name))
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


def load_policy(source: str | os.PathLike[str] | Mapping[str, Any], /) -> Policy:
    """Load a policy from a file (``.toml``, ``.json``, ``.yaml``/``.yml``) or a mapping.

    Every problem in the source is reported at once, each with its key path.

    Raises:
        PolicyError: for a file that does not parse (with its line number) or a policy
            with problems (each with its key path, e.g. ``severities.alta.response``).
        MissingExtraError: for a YAML file when pyyaml is not installed.
        FileReadError: when the file cannot be read (missing, a folder); also an OSError.

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
