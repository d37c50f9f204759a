"""The one error hierarchy of escalate.

Every error escalate raises subclasses :class:`EscalateError` and also the builtin it
resembles, so ``except ValueError`` keeps working for callers who do not know escalate.
Configuration errors carry a tuple of :class:`Problem` records, so that a service can map
each one to a 4xx response with its key path.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

import attrs

__all__ = [
    "ConfigError",
    "EscalateError",
    "EscalateWarning",
    "HorizonError",
    "InvalidCalendarError",
    "InvalidDurationError",
    "InvalidInstantError",
    "InvalidRangeError",
    "MissingExtraError",
    "NaiveDatetimeError",
    "NeverOpenError",
    "OutageError",
    "PolicyError",
    "Problem",
    "TimelineError",
    "did_you_mean",
]


@attrs.frozen(kw_only=True)
class Problem:
    """One thing wrong with an input: where it is, what is wrong, and how to fix it.

    Attributes:
        path: Where the problem is, as a dotted key path (``hours.mon-fri[1]``) or an
            argument name.
        message: What is wrong, including the offending value.
        hint: How to fix it, or ``None`` when the message already says so.
    """

    path: str
    message: str
    hint: str | None = None

    def __str__(self) -> str:
        text = f"{self.path}: {self.message}" if self.path else self.message
        return f"{text}; {self.hint}" if self.hint else text


class EscalateError(Exception):
    """The root of every error escalate raises."""


class EscalateWarning(UserWarning):
    """The root of every warning escalate emits."""


class ConfigError(EscalateError, ValueError):
    """A configuration value (calendar, policy, timeline) is malformed.

    Attributes:
        problems: Every problem found, each with its key path; there is always at
            least one.
    """

    problems: tuple[Problem, ...]

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        if not self.problems:  # pragma: no cover - a programming error inside escalate
            msg = "ConfigError needs at least one problem"
            raise AssertionError(msg)
        if len(self.problems) == 1:
            text = str(self.problems[0])
        else:
            lines = "\n".join(f"  - {p}" for p in self.problems)
            text = f"{len(self.problems)} problems:\n{lines}"
        super().__init__(text)

    @classmethod
    def single(cls, path: str, message: str, hint: str | None = None) -> ConfigError:
        """Build the error for one problem."""
        return cls([Problem(path=path, message=message, hint=hint)])

    @property
    def paths(self) -> tuple[str, ...]:
        """The key paths of all problems, in the order they were found."""
        return tuple(p.path for p in self.problems)

    def with_prefix(self, prefix: str) -> ConfigError:
        """Return a copy of this error (same type) with ``prefix`` put before every path."""
        problems = [
            attrs.evolve(p, path=f"{prefix}.{p.path}" if p.path else prefix) for p in self.problems
        ]
        return type(self)(problems)


class InvalidCalendarError(ConfigError):
    """A calendar definition is malformed (hours, time zone, holidays, exceptions)."""


class InvalidInstantError(EscalateError, TypeError):
    """A value that should be an aware datetime is not a datetime at all."""


class NaiveDatetimeError(InvalidInstantError):
    """A datetime without a time zone was given where an instant is needed.

    ``zone`` names the zone to suggest (a policy's :attr:`~escalate.Policy.timezone`,
    where the caller knows it); ``fix`` replaces the whole suggestion.
    """

    def __init__(
        self, what: str, value: object, *, fix: str | None = None, zone: str | None = None
    ) -> None:
        example = zone or "America/Bogota"
        fix = fix or (
            f"attach the zone it was written in, e.g. value.replace(tzinfo=ZoneInfo({example!r})) "
            f"or pendulum.datetime(..., tz={example!r})"
        )
        super().__init__(f"{what} must be timezone-aware, got the naive {value!r}; {fix}")


class InvalidDurationError(EscalateError, TypeError):
    """A duration was not a :class:`datetime.timedelta` (or an array of them)."""


class InvalidRangeError(EscalateError, ValueError):
    """A range of instants ends before it starts where that is meaningless."""


class HorizonError(EscalateError, OverflowError):
    """An instant or a duration lies beyond the supported horizon (years 1900-2200)."""


class NeverOpenError(EscalateError, ValueError):
    """A calendar with no (or not enough) open time was asked to add business time."""


class MissingExtraError(EscalateError, ImportError):
    """An optional dependency is missing; the message names the extra to install."""

    def __init__(self, feature: str, extra: str, module: str) -> None:
        super().__init__(
            f"{feature} needs the optional dependency {module!r}, which is not installed; "
            f"install it with: pip install 'escalate-sla[{extra}]'"
        )


def did_you_mean(value: str, choices: Iterable[str]) -> str | None:
    """Return a ``did you mean ...?`` hint for a misspelt ``value``, or ``None``."""
    close = difflib.get_close_matches(value, list(choices), n=3, cutoff=0.6)
    if not close:
        return None
    return "did you mean " + " or ".join(repr(c) for c in close) + "?"


class TimelineError(ConfigError):
    """An incident timeline is malformed; each problem names the event by index and type."""


class PolicyError(ConfigError):
    """An SLA policy is malformed; each problem names its key path (``severities.a.response``)."""


class OutageError(ConfigError):
    """An outage record is malformed; each problem names it (``outages[3].end``)."""
