"""The primitives of the policy config reader: tables, text, durations and numbers.

:class:`BaseReader` collects every problem with its key path instead of raising, so the
loader (:mod:`escalate._config`) reports all of them at once. The escalation part of the
walk (contacts, triggers, tiers, routes) is :mod:`escalate._config_tiers`'s.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any, Final

from escalate._checks import describe, excerpt, finite_number, null_problems
from escalate._duration import _duration_problem
from escalate._errors import Problem, did_you_mean

__all__ = ["DUMMY", "BaseReader", "join"]

# stands in for a malformed duration, so that the other checks go on without false alarms
DUMMY: Final = timedelta(days=10_000)
_DURATION_HINT: Final = "write e.g. '2h', '1h30m', '45m', '90s' or ISO 8601 'PT2H'"


def join(path: str, key: str) -> str:
    """The key path of ``key`` inside ``path`` (``severities`` + ``alta``)."""
    return f"{path}.{key}" if path else key


class BaseReader:
    """Reads the values of a config mapping, collecting problems with their key paths."""

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
            self.add(join(path, key), f"{excerpt(key)} is given twice", "give each key once")
        if keys is None:
            return value
        for key in value:
            if key not in keys:
                hint = did_you_mean(str(key), keys) or "allowed keys: " + ", ".join(keys)
                self.add(join(path, str(key)), f"unknown key {excerpt(key)} in {what}", hint)
        return self.without_nulls(value, path)

    def items(self, value: object, path: str, what: str, hint: str | None = None) -> Sequence[Any]:
        """``value`` where it is a list (or tuple), else nothing, reported as a list of ``what``."""
        if isinstance(value, list | tuple):
            return value
        self.add(path, f"expected a list of {what}, got {describe(value)}", hint)
        return []

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
            if join(path, key) not in self.nulls:  # a null key is reported as such
                self.add(join(path, key), f"missing required key {key!r}", hint)
            return None
        return table[key]

    def boolean(self, value: object, path: str) -> bool:
        if isinstance(value, bool):
            return value
        self.add(path, f"expected true or false, got {describe(value)}")
        return True

    def duration(self, value: object, path: str, default: timedelta | None = DUMMY) -> Any:
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
