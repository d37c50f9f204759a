"""The one error hierarchy of escalate.

Every error escalate raises subclasses :class:`EscalateError` and also the builtin it
resembles, so ``except ValueError`` keeps working for callers who do not know escalate.
Every error carries a tuple of :class:`Problem` records, so that a service can map each
one to a 4xx response with its key path: a :class:`ConfigError` lists every problem it
found, any other error has one problem whose path names the argument (``as_of``) when it
is known.

Errors survive pickling with their message and fields, so that dask and multiprocessing
workers can report them.
"""

from __future__ import annotations

import difflib
import os
import sys
import warnings
from collections.abc import Iterable
from pathlib import Path
from types import FrameType
from typing import Any, Self

import attrs

__all__ = [
    "ConfigError",
    "EscalateError",
    "EscalateWarning",
    "HorizonError",
    "InvalidArgumentError",
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
    "warn",
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
    """The root of every error escalate raises.

    Attributes:
        path: What the error is about: an argument name (``as_of``), a key path, or
            ``""`` when it concerns no single input.
    """

    path: str

    def __init__(self, *args: object, path: str = "") -> None:
        super().__init__(*args)
        self.path = path

    @property
    def problems(self) -> tuple[Problem, ...]:
        """The problems to report: here one, at :attr:`path`, with the whole message."""
        return (Problem(path=self.path, message=str(self)),)

    def __reduce__(self) -> tuple[Any, ...]:
        # rebuild without calling __init__, whose signature differs between subclasses:
        # the message (args) and the fields (__dict__) are all an error holds
        # (path is named explicitly: on an ImportError it is a slot, not in __dict__)
        return (_restore, (type(self), self.args, {**self.__dict__, "path": self.path}))


def _restore(cls: type[EscalateError], args: tuple[object, ...], state: dict[str, Any]) -> Any:
    """Unpickle an error: its message and fields, without running ``__init__`` again."""
    error = cls.__new__(cls, *args)
    error.args = args
    for name, value in state.items():
        setattr(error, name, value)
    return error


class EscalateWarning(UserWarning):
    """The root of every warning escalate emits."""


_PACKAGE = str(Path(__file__).parent) + os.sep


def warn(message: str | Warning, category: type[Warning] = EscalateWarning) -> None:
    """Warn at the caller's line: the first frame outside escalate, however deep the call.

    Every warning goes through here, so a warning from ``evaluate_frame`` names the
    user's line whether it comes from an incident column, a pause table or a policy
    version's group (a fixed ``stacklevel`` is right for one call path only).
    """
    level = 1
    frame: FrameType | None = sys._getframe(0)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame = frame.f_back
        level += 1
    warnings.warn(message, category, stacklevel=level)


class ConfigError(EscalateError, ValueError):
    """A configuration value (calendar, policy, timeline) is malformed.

    :attr:`problems` lists every problem found, each with its key path; :attr:`path` is
    the first one's.
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        found = tuple(problems)
        if not found:  # pragma: no cover - a programming error inside escalate
            msg = "ConfigError needs at least one problem"
            raise AssertionError(msg)
        if len(found) == 1:
            text = str(found[0])
        else:
            lines = "\n".join(f"  - {p}" for p in found)
            text = f"{len(found)} problems:\n{lines}"
        super().__init__(text, path=found[0].path)
        self._problems = found

    @property
    def problems(self) -> tuple[Problem, ...]:
        """Every problem found, each with its key path; there is always at least one."""
        return self._problems

    @classmethod
    def single(cls, path: str, message: str, hint: str | None = None) -> Self:
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


class InvalidArgumentError(EscalateError, TypeError):
    """An argument has the wrong type (a number where a period is needed, and so on)."""


class InvalidInstantError(InvalidArgumentError):
    """A value that should be an aware datetime is not one (a string, a number, ``NaT``)."""


class NaiveDatetimeError(InvalidInstantError):
    """A datetime without a time zone was given where an instant is needed.

    ``zone`` names the zone to suggest (a policy's :attr:`~escalate.Policy.timezone`,
    where the caller knows it); ``fix`` replaces the whole suggestion.
    """

    def __init__(
        self, what: str, value: object, *, fix: str | None = None, zone: str | None = None
    ) -> None:
        from escalate._checks import excerpt  # noqa: PLC0415 - _checks imports this module

        example = zone or "America/Bogota"
        fix = fix or (
            f"attach the zone it was written in, e.g. value.replace(tzinfo=ZoneInfo({example!r})) "
            f"or pendulum.datetime(..., tz={example!r})"
        )
        super().__init__(
            f"{what} must be timezone-aware, got the naive {excerpt(value)}; {fix}", path=what
        )


class InvalidDurationError(InvalidArgumentError):
    """A duration was not a :class:`datetime.timedelta` (or an array of them)."""


class InvalidRangeError(EscalateError, ValueError):
    """A range of instants ends before it starts where that is meaningless."""


class HorizonError(EscalateError, OverflowError):
    """An instant or a duration lies beyond the supported horizon (years 1900-2200)."""


class NeverOpenError(EscalateError, ValueError):
    """A calendar with no (or not enough) open time was asked to add business time."""


class NotFoundError(EscalateError, KeyError):
    """A name or id looked up is not there: a target of an evaluation, an incident of a log."""

    def __str__(self) -> str:
        # KeyError shows its message quoted (as a key); this one is a sentence
        return str(self.args[0]) if self.args else ""


class FileReadError(EscalateError, OSError):
    """A file named as input cannot be read: it is missing, a folder, or not permitted.

    Also an :class:`OSError` (with its ``errno`` and ``filename``), as Python's own file
    errors are; the message names the file and says what to do.
    """

    @classmethod
    def of(cls, path: Path, what: str, error: OSError) -> FileReadError:
        """The error of reading ``path`` (``what`` it is: "the policy file") with ``error``."""
        if isinstance(error, FileNotFoundError):
            hint = f"check the name; a relative path starts from {Path.cwd()}"
        elif isinstance(error, IsADirectoryError):
            hint = "name a file, not a folder"
        elif isinstance(error, PermissionError):
            hint = "check the file's permissions"
        else:
            hint = "check that the file can be read"
        reason = error.strerror or str(error)
        new = cls(f"cannot read {what} {str(path)!r}: {reason}; {hint}", path=str(path))
        new.errno, new.strerror, new.filename = error.errno, error.strerror, str(path)
        return new

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""

    def __reduce__(self) -> tuple[Any, ...]:
        # OSError keeps errno, strerror and filename in slots, not in __dict__
        fields = {"errno": self.errno, "strerror": self.strerror, "filename": self.filename}
        return (_restore, (type(self), self.args, {**self.__dict__, "path": self.path, **fields}))


class MissingExtraError(EscalateError, ImportError):  # type: ignore[misc] # ImportError.path
    """An optional dependency is missing; the message names the extra to install.

    Attributes:
        extra: The extra that installs it (``pandas``, ``yaml``...).
        module: The missing module.
    """

    def __init__(self, feature: str, extra: str, module: str) -> None:
        self.extra = extra
        self.module = module
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
