"""The boundary: instants, durations, numbers and names from users, checked in one place.

Every public entry point converts what it is given through these functions, so that a bad
value gets the same typed error wherever it comes in: ``NaT`` and ``NaN`` are missing
values, never instants; an instant outside the supported horizon is a
:class:`~escalate.HorizonError` before any time-zone arithmetic can overflow; a wrong type
is an :class:`~escalate.InvalidArgumentError` (a ``TypeError``); and a value quoted in a
message is a bounded excerpt, however large (or however deeply shared, as in a YAML alias
bomb) the value is.
"""

from __future__ import annotations

import math
import numbers
import operator
import zoneinfo
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any, Final, TypeVar

from escalate._errors import (
    HorizonError,
    InvalidArgumentError,
    InvalidDurationError,
    InvalidInstantError,
    NaiveDatetimeError,
    Problem,
    did_you_mean,
)
from escalate._index import EPOCH, MAX_YEAR, MIN_YEAR, td_us

__all__ = [
    "MAX_BUSINESS_DAYS",
    "MAX_DURATION",
    "MAX_LEVEL",
    "MAX_PERCENT",
    "describe",
    "duration_us",
    "excerpt",
    "instant_us",
    "null_problems",
    "whole_number",
    "zone_problem",
]

_T = TypeVar("_T")
_DAY_US: Final = 86_400_000_000
_EPOCH_ORDINAL: Final = date(1970, 1, 1).toordinal()
# The horizon is local years 1900-2200 in a calendar's zone. UTC offsets stay within a
# day, so these bounds (a day's margin either side) hold every instant of the horizon in
# any zone, and keep clear of datetime's own limits, where moving an instant to another
# zone overflows. A calendar checks the exact local year itself.
MIN_INSTANT_US: Final = (date(MIN_YEAR - 1, 12, 31).toordinal() - _EPOCH_ORDINAL) * _DAY_US
MAX_INSTANT_US: Final = (date(MAX_YEAR + 1, 1, 2).toordinal() - _EPOCH_ORDINAL) * _DAY_US

MAX_DURATION: Final = timedelta(days=10_000)
"""The longest duration a policy may give (either sign): about 27 years.

No support agreement needs more, and with :data:`MAX_PERCENT` every span derived from a
goal stays within pandas' nanosecond range (about 106,751 days).
"""
MAX_BUSINESS_DAYS: Final = (date(MAX_YEAR, 12, 31) - date(MIN_YEAR, 1, 1)).days
"""The most business days a count may give (either sign): the dates of the horizon."""
MAX_PERCENT: Final = 1000.0
"""The largest percentage a tier trigger may name: ten times the goal."""
MAX_LEVEL: Final = 1_000_000
"""The largest escalation tier level."""
MAX_ZONE_NAME: Final = 255
"""The longest time-zone name (IANA names are far shorter; longer ones are file-system errors)."""

_EXCERPT: Final = 60  # characters of a string quoted in a message
_ITEMS: Final = 4  # items of a list or table quoted in a message
_DEPTH: Final = 2  # levels of nesting quoted in a message
_BIG_INT_BITS: Final = 200  # ints longer than this are described, not printed
_LONGEST: Final = 400  # characters of any excerpt, whatever its escapes


# -- bounded quoting ------------------------------------------------------------------


_BOOLS: Final = frozenset({"bool", "bool_"})
_BOOL_TEXT: Final = frozenset({"true", "false"})


def attribute_text(value: object) -> str | None:
    """An incident attribute as the text that routes and plans compare: one rule, every path.

    Text as given, stripped; ``True`` and ``False`` as ``"true"`` and ``"false"``, as JSON,
    TOML and YAML write them, and so is the text ``TRUE`` or ``False`` (``read_csv`` turns
    such cells into booleans, the command line keeps them as text); a whole number
    without a decimal point (``1.0`` is ``"1"``: a column of numbers with gaps holds
    floats); anything else as ``str()``. ``None`` when it has no text (an int over 4,300
    digits, a broken ``__str__``), and for ``None``: an attribute cleared has no value, as
    an empty cell of a table has none. What counts as *no value* among texts (``N/A``,
    ``?``) is the table readers' to say, as for every text column: a value given is read
    as given.
    """
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        return text.lower() if text.lower() in _BOOL_TEXT else text
    if type(value).__name__ in _BOOLS:  # Python's and numpy's
        return "true" if value else "false"
    try:
        return whole_number_text(value) or str(value).strip()
    except Exception:  # noqa: BLE001 - an attribute that cannot be text matches nothing
        return None


def whole_number_text(value: object) -> str | None:
    """A float that holds a whole number, as that number's text (``1.0`` is ``"1"``), else ``None``.

    A column of numbers with gaps holds floats: the cell ``1`` of a priority, or of a route
    key, is read as pandas keeps it, ``1.0``. Every reader of a text cell goes through this.
    """
    if isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral):
        number = float(value)  # numpy's floats too
        if number.is_integer():
            return str(int(number))
    return None


def excerpt(value: object, limit: int = _EXCERPT) -> str:
    """Return a ``repr`` of ``value`` of bounded length, however large the value is.

    Strings are cut after ``limit`` characters, lists and tables after a few items and
    two levels of nesting, and huge integers are described by their number of digits, so
    quoting a value never costs more than quoting a small one (``repr`` of a YAML alias
    bomb would expand it all).

    >>> excerpt("x" * 1000)
    "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'... (1000 characters)"
    >>> excerpt([[1, 2, 3, 4, 5, 6]] * 9)
    '[[1, 2, 3, 4, ...], [1, 2, 3, 4, ...], [1, 2, 3, 4, ...], [1, 2, 3, 4, ...], ...]'
    >>> excerpt(10**5000)
    '<an integer of 5001 digits>'
    """
    try:
        text = _excerpt(value, limit, 0)
    except Exception:  # noqa: BLE001 - a broken __repr__ must not hide the real error
        return f"<{type(value).__name__} object>"
    # escapes (\U0002f382) make a repr longer than the characters it quotes: cut the whole
    return text if len(text) <= _LONGEST else text[: _LONGEST - 3] + "..."


def _excerpt(value: object, limit: int, depth: int) -> str:
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int):
        if abs(value).bit_length() > _BIG_INT_BITS:  # repr fails beyond 4,300 digits
            return f"<an integer of about {int(math.log10(abs(value))) + 1} digits>"
        return repr(value)
    if isinstance(value, str | bytes):
        if len(value) <= limit:
            return repr(value)
        unit = "characters" if isinstance(value, str) else "bytes"
        return f"{value[:limit]!r}... ({len(value)} {unit})"
    if isinstance(value, Mapping):
        if depth >= _DEPTH:
            return "{...}" if value else "{}"
        parts = [
            f"{_excerpt(k, limit // 2, depth + 1)}: {_excerpt(v, limit // 2, depth + 1)}"
            for k, v in _first(value.items())
        ]
        return "{" + ", ".join(_more(parts, len(value))) + "}"
    if isinstance(value, list | tuple | set | frozenset):
        open_, close = {list: ("[", "]"), tuple: ("(", ")")}.get(type(value), ("{", "}"))
        if depth >= _DEPTH:
            return f"{open_}...{close}" if value else repr(value)
        parts = [_excerpt(v, limit // 2, depth + 1) for v in _first(value)]
        if isinstance(value, tuple) and len(value) == 1:
            close = "," + close
        return open_ + ", ".join(_more(parts, len(value))) + close
    text = repr(value)
    return text if len(text) <= 2 * limit else text[: 2 * limit] + "..."


def _first(items: Iterable[_T]) -> list[_T]:
    out: list[_T] = []
    for item in items:
        if len(out) == _ITEMS + 1:
            break
        out.append(item)
    return out


def _more(parts: list[str], size: int) -> list[str]:
    return [*parts[:_ITEMS], "..."] if size > _ITEMS else parts


def describe(value: object) -> str:
    """Return the type name and an excerpt: ``"int 5"``; ``None`` is also JSON's null."""
    if value is None:
        return "None (null)"
    return f"{type(value).__name__} {excerpt(value)}"


# -- instants and durations -----------------------------------------------------------


def instant_us(value: object, what: str) -> int:
    """Return an aware datetime as integer microseconds since the epoch.

    Raises:
        NaiveDatetimeError: ``value`` is a datetime without a time zone.
        InvalidInstantError: ``value`` is not a datetime, or is ``NaT``.
        HorizonError: ``value`` lies beyond the supported horizon (local years
            1900-2200), where converting it to another zone could overflow.
    """
    try:
        delta = value - EPOCH  # type: ignore[operator]
        us = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    except Exception:  # noqa: BLE001 - whatever fails to convert is not an instant
        raise _not_an_instant(value, what) from None
    if type(us) is int and MIN_INSTANT_US <= us < MAX_INSTANT_US:
        return us
    if type(us) is not int:  # NaT: every field of NaT minus a datetime is NaN
        msg = (
            f"{what} is {excerpt(value)}, a missing value, not an instant; "
            "give a timezone-aware datetime"
        )
        raise InvalidInstantError(msg, path=what)
    msg = (
        f"{what} {_iso(value)} is beyond the supported horizon (local years {MIN_YEAR}-{MAX_YEAR})"
    )
    raise HorizonError(msg, path=what)


def read_instant(value: object, what: str, *, policy: object) -> tuple[datetime, int]:
    """An instant argument (``as_of``): aware, or ISO 8601 text with its offset; and its µs.

    The one reader of ``evaluate``'s, ``evaluate_frame``'s and the policy versions'
    instants: a naive one is told the zone of ``policy`` (a Policy or its versions) to
    attach, read only then (an example zone where the policy is not one yet: its own
    error comes next).

    Raises:
        InvalidInstantError: text that is not ISO 8601, or a value that is no datetime.
        NaiveDatetimeError: a datetime (or text) without its offset.
        HorizonError: beyond the supported years.
    """
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            msg = (
                f"{what} {excerpt(value)} is not an ISO 8601 date-time; "
                "write e.g. '2026-11-20T16:10:00-05:00' (with its UTC offset)"
            )
            raise InvalidInstantError(msg, path=what) from None
    try:
        return value, instant_us(value, what)  # type: ignore[return-value]
    except NaiveDatetimeError:  # suggest the zone the policy's desk works in
        zone = getattr(policy, "timezone", None)
        raise NaiveDatetimeError(what, value, zone=zone) from None


def _not_an_instant(value: object, what: str) -> InvalidInstantError:
    if isinstance(value, datetime):
        try:
            naive = value.utcoffset() is None
        except Exception:  # noqa: BLE001 - a broken tzinfo is reported as not an instant
            naive = False
        if naive:
            return NaiveDatetimeError(what, value)
    msg = (
        f"{what} must be a timezone-aware datetime, got {describe(value)}; "
        "pass a datetime with a zone (parse strings with datetime.fromisoformat)"
    )
    return InvalidInstantError(msg, path=what)


def _iso(value: object) -> str:
    try:
        return value.isoformat()  # type: ignore[attr-defined,no-any-return]
    except Exception:  # noqa: BLE001 - only for the message
        return excerpt(value)


def inexact_duration(value: timedelta) -> str | None:
    """Why a timedelta of a subclass is no exact duration (``None`` when it is one).

    A pendulum ``Duration`` with months or years counts them as 30 and 365 days, which
    no month or year is sure to be; a pandas ``Timedelta`` may hold nanoseconds, below
    the microsecond escalate is exact to. Either would be changed without a word.
    """
    if type(value) is timedelta:
        return None
    if getattr(value, "months", 0) or getattr(value, "years", 0):
        return (
            "has months or years, which have no fixed length (pendulum counts 30 and 365 "
            "days); write the days or hours it means, e.g. timedelta(days=30)"
        )
    if getattr(value, "nanoseconds", 0):
        return "is not whole microseconds (escalate is exact to the microsecond); round it"
    return None


def duration_us(value: object, what: str = "duration") -> int:
    """Return a :class:`~datetime.timedelta` (or pandas ``Timedelta``) as microseconds.

    Raises:
        InvalidDurationError: ``value`` is not a timedelta (``NaT`` is a missing value),
            or not an exact one (:func:`inexact_duration`).
    """
    if type(value) is timedelta:
        return td_us(value)
    if isinstance(value, timedelta):
        why = inexact_duration(value)
        if why is None:
            return td_us(value)
        raise InvalidDurationError(f"{what} {excerpt(value)} {why}", path=what)
    msg = (
        f"{what} must be a datetime.timedelta, got {describe(value)}; write e.g. timedelta(hours=8)"
    )
    raise InvalidDurationError(msg, path=what)


# -- numbers and names ----------------------------------------------------------------


def is_whole(value: object) -> bool:
    """Whether ``value`` is an ``int`` (a ``bool`` is not a number here)."""
    return isinstance(value, int) and not isinstance(value, bool)


def whole_number(
    value: object, what: str, error: type[InvalidArgumentError] = InvalidArgumentError
) -> int:
    """Return ``value`` as an ``int``: Python and numpy integers, but not ``bool``.

    Raises:
        InvalidArgumentError: ``value`` is not a whole number (or the ``error`` given).
    """
    if not isinstance(value, bool):
        try:
            return operator.index(value)  # type: ignore[arg-type]
        except TypeError:
            pass
    msg = f"{what} must be a whole number (an int), got {describe(value)}"
    raise error(msg, path=what)


def expect(value: object, kind: type | tuple[type, ...], what: str, wanted: str) -> None:
    """Check the type of an argument.

    Raises:
        InvalidArgumentError: ``value`` is not an instance of ``kind``; the message says
            it should be ``wanted`` (``"a Period, e.g. Period.month(2026, 11)"``).
    """
    if not isinstance(value, kind):
        raise InvalidArgumentError(f"{what} must be {wanted}, got {describe(value)}", path=what)


def text_argument(value: object, what: str) -> str:
    """Return ``value`` when it is a string.

    Raises:
        InvalidArgumentError: it is not.
    """
    if isinstance(value, str):
        return value
    raise InvalidArgumentError(f"{what} must be a string, got {describe(value)}", path=what)


_COPIES = ("posix/", "right/")


def zone_problem(value: object, path: str) -> Problem | None:
    """Return the problem with a time-zone name, or ``None`` when it names an IANA zone.

    ``localtime`` (the host's zone, which differs between machines) and the ``posix/`` and
    ``right/`` copies of the database (``right/`` counts leap seconds) load in zoneinfo
    but are no IANA zone names: each is refused with the name to write.
    """
    if isinstance(value, str) and (value == "localtime" or value.startswith(_COPIES)):
        if value == "localtime":
            what, hint = "the host's zone, which differs between machines", "e.g. 'America/Bogota'"
        else:
            leap = " that counts leap seconds" if value.startswith("right/") else ""
            what, hint = f"a copy of the zone database{leap}", repr(value.partition("/")[2])
        return Problem(
            path=path, message=f"{excerpt(value)} is {what}", hint=f"name the zone: {hint}"
        )
    if isinstance(value, str) and 0 < len(value) <= MAX_ZONE_NAME:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
            pass  # OSError: names the file system rejects, such as very long ones
        else:
            return None
    hint = (
        did_you_mean(value, zoneinfo.available_timezones())
        if isinstance(value, str) and len(value) <= MAX_ZONE_NAME
        else None
    ) or "use an IANA name such as 'America/Bogota' or 'UTC'"
    return Problem(path=path, message=f"unknown time zone {excerpt(value)}", hint=hint)


def null_problems(
    table: Mapping[Any, Any], path: str, *, skip: Iterable[str] = ()
) -> list[Problem]:
    """Return a problem for every key of ``table`` whose value is null (JSON, YAML ``~``).

    A key given as null is a mistake, never a way to ask for the default: the default is
    what leaving the key out gives. Keys in ``skip`` are left to their own checks.
    """
    skipped = frozenset(skip)
    return [
        Problem(
            path=f"{path}.{key}" if path else str(key),
            message=f"{excerpt(key)} is null",
            hint="give it a value (to use a default, leave the key out)",
        )
        for key, value in table.items()
        if value is None and key not in skipped
    ]


def finite_number(value: object) -> float | None:
    """Return an int or float as a finite float, or ``None`` (bools, NaN, inf, huge ints)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


_MISSING_TYPES: Final = frozenset({"NAType", "NaTType"})
"""pandas' missing values by type name (pandas is not imported to recognise them)."""


def missing_value(value: object) -> bool:
    """Whether ``value`` is a missing-value marker: ``None``, NaN, ``pd.NA`` or ``NaT``.

    What a table cell without a value becomes in Python (``DataFrame.to_dict("records")``
    gives NaN for an empty text cell); never a value of its own.
    """
    if value is None:
        return True
    if isinstance(value, float):  # numpy's float64 too
        return bool(value != value)  # noqa: PLR0124 - only NaN differs from itself
    if type(value).__name__ in _MISSING_TYPES:
        return True
    # numpy's own scalars: a float NaN or a datetime NaT (never a numpy string "nan")
    kind = getattr(getattr(value, "dtype", None), "kind", "")
    numpy = type(value).__module__ == "numpy" and kind != "" and kind in "fcmM"
    return numpy and bool(value != value)  # noqa: PLR0124 - only NaN and NaT differ from themselves
