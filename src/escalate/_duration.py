"""Durations as written in policy files: ``"2h"``, ``"1h30m"``, ``"PT2H"`` and ``"5bd"``.

Two kinds are kept apart on purpose. A *duration* (``"1h30m"``) is an exact amount of
time measured on a clock; on a business calendar it is business time, so ``"8h"`` on an
office calendar is one working day. A *business-day count* (``"5bd"``) is a number of
business days for notice periods; it follows the calendar's own day rule
(:meth:`escalate.Calendar.add_business_days`) and is never turned into hours.
"""

from __future__ import annotations

import re
from datetime import timedelta

import attrs
import pendulum

from escalate._checks import (
    MAX_BUSINESS_DAYS,
    MAX_DURATION,
    describe,
    duration_us,
    excerpt,
    inexact_duration,
)
from escalate._errors import PolicyError, Problem
from escalate._index import td_us

__all__ = [
    "BusinessDays",
    "format_duration",
    "parse_business_days",
    "parse_duration",
]

_UNITS = {
    "w": 7 * 86_400_000_000,
    "d": 86_400_000_000,
    "h": 3_600_000_000,
    "m": 60_000_000,
    "s": 1_000_000,
}
_LONG_UNITS = {
    "weeks": "w",
    "week": "w",
    "days": "d",
    "day": "d",
    "hours": "h",
    "hour": "h",
    "hrs": "h",
    "hr": "h",
    "minutes": "m",
    "minute": "m",
    "mins": "m",
    "min": "m",
    "seconds": "s",
    "second": "s",
    "secs": "s",
    "sec": "s",
}
_ALL_UNITS = "|".join(sorted([*_LONG_UNITS, *_UNITS], key=len, reverse=True))
_PART = re.compile(rf"\s*(\d+)(?:\.(\d{{1,6}}))?\s*({_ALL_UNITS})(?![a-z])", re.IGNORECASE)
_BUSINESS_DAYS = re.compile(r"^\s*(-?\d+)\s*(?:bd|business[ _-]days?)\s*$", re.IGNORECASE)
_HINT = "write e.g. '2h', '1h30m', '45m', '90s', '3d' or ISO 8601 'PT2H'"


@attrs.frozen(order=True)
class BusinessDays:
    """A whole number of business days, as in "announced 5 business days ahead".

    Business days follow the rule of :meth:`escalate.Calendar.add_business_days`: a day
    counts when an open interval starts on it, and the start date never counts.

    >>> BusinessDays(5)
    BusinessDays(days=5)
    >>> str(BusinessDays(5))
    '5bd'
    """

    days: int

    def __str__(self) -> str:
        return f"{self.days}bd"


# a number with more digits than this is beyond any limit (and int() of over 4,300
# digits raises): such text is too long a duration, not one to compute
_MAX_DIGITS = 24


_ISO_FRACTION = re.compile(r"\d[.,](\d+)([A-Za-z])")


def _parse_iso(text: str) -> int | None:
    """Return the microseconds of an ISO 8601 duration, or ``None`` when it is not one."""
    if any(len(run) > _MAX_DIGITS for run in _DIGITS.findall(text)):
        return _TOO_LONG
    for fraction, unit in _ISO_FRACTION.findall(text):
        if unit.upper() != "S" or len(fraction) > 6:
            return None  # as in the compact form: only seconds, to the microsecond
    try:
        parsed = pendulum.parse(text)
    except (ValueError, TypeError):  # pendulum's ParserError is a ValueError
        return None
    except OverflowError:
        return _TOO_LONG
    if not isinstance(parsed, pendulum.Duration) or parsed.years or parsed.months:
        return None  # months and years have no fixed length
    return (parsed.days * 86_400 + parsed.seconds) * 1_000_000 + parsed.microseconds


def _parse_compact(text: str) -> int | None:
    """Return the microseconds of a compact duration (``1h30m``), or ``None``."""
    pos, total, seen = 0, 0, 0
    while pos < len(text):
        match = _PART.match(text, pos)
        if match is None:
            return None
        whole, fraction, unit = match.groups()
        unit = _LONG_UNITS.get(unit.lower(), unit.lower())
        if fraction is not None and unit != "s":
            return None  # only seconds take decimals, so every value stays exact
        if len(whole) > _MAX_DIGITS:
            return _TOO_LONG
        total += int(whole) * _UNITS[unit] + int((fraction or "").ljust(6, "0"))
        seen += 1
        pos = match.end()
    return total if seen else None


_DIGITS = re.compile(r"\d+")
_TOO_LONG = 1 << 80  # stands for "more than any limit"
_MAX_US = td_us(MAX_DURATION)


def _business_days_problem(text: str) -> str:
    return (
        f"{excerpt(text)} is a number of business days, which only a goal's duration or a "
        "notice period can be; here write business time on the clock"
    )


def is_business_days(text: str) -> bool:
    """Whether ``text`` is written as a number of business days (``5bd``), valid or not."""
    return _BUSINESS_DAYS.match(text) is not None


def parse_duration(text: str, /) -> timedelta:
    """Parse a duration: ``"2h"``, ``"1h30m"``, ``"45m"``, ``"90s"``, ``"3d"`` or ``"PT2H"``.

    Units are ``w``, ``d``, ``h``, ``m`` and ``s`` (or ``weeks``, ``days``, ``hours``,
    ``minutes``, ``seconds``), written largest first or in any order, with optional
    spaces; seconds may have up to six decimals (in ISO 8601 too). A leading ``-`` makes
    the duration negative. ``"1d"`` is 24 hours of the clock it is measured on, not a business day.

    Raises:
        PolicyError: when the text is not a duration (the problem has an empty path).

    >>> parse_duration("1h30m")
    datetime.timedelta(seconds=5400)
    >>> parse_duration("PT2H")
    datetime.timedelta(seconds=7200)
    """
    problem = _duration_problem(text)
    if isinstance(problem, timedelta):
        return problem
    raise PolicyError([Problem(path="", message=problem, hint=_HINT)])


def _duration_problem(text: object) -> timedelta | str:
    """Return the parsed duration, or the message saying what is wrong with ``text``.

    A duration longer than :data:`~escalate._checks.MAX_DURATION` either way is refused.
    """
    if isinstance(text, timedelta):
        why = inexact_duration(text)
        if why is not None:
            return f"{excerpt(text)} {why}"
        parsed = td_us(text)
    elif not isinstance(text, str):
        message = f"expected a duration string, got {describe(text)}"
        if isinstance(text, int) and not isinstance(text, bool):
            message += " (in YAML, quote a time such as '1:30': unquoted it is a number)"
        return message
    else:
        body = text.strip()
        sign = 1
        if body.startswith("-"):
            sign, body = -1, body[1:].lstrip()
        if _BUSINESS_DAYS.match(body):
            return _business_days_problem(text)
        found = _parse_iso(body) if body[:1] in {"P", "p"} else _parse_compact(body)
        if found is None:
            return f"{excerpt(text)} is not a duration"
        parsed = sign * found
    if abs(parsed) > _MAX_US:
        return (
            f"{excerpt(text)} is longer than the longest duration allowed, "
            f"{format_duration(MAX_DURATION)} (about 27 years) either way"
        )
    return timedelta(microseconds=parsed)


def parse_business_days(text: str | int, /) -> BusinessDays:
    """Parse a number of business days: ``"5bd"``, ``"5 business days"`` or an ``int``.

    Raises:
        PolicyError: when the text is not a number of business days.

    >>> parse_business_days("5 business days")
    BusinessDays(days=5)
    """
    result = _business_days_or_problem(text)
    if isinstance(result, BusinessDays):
        return result
    raise PolicyError([Problem(path="", message=result, hint="write e.g. '5bd'")])


def _business_days_or_problem(text: object) -> BusinessDays | str:
    if isinstance(text, BusinessDays):
        return text
    if isinstance(text, int) and not isinstance(text, bool):
        days = text
    elif isinstance(text, str):
        match = _BUSINESS_DAYS.match(text)
        if not match:
            return f"{excerpt(text)} is not a number of business days"
        digits = match.group(1)
        days = _TOO_LONG if len(digits) > _MAX_DIGITS else int(digits)
    else:
        return f"expected a number of business days, got {describe(text)}"
    if abs(days) > MAX_BUSINESS_DAYS:
        return (
            f"{excerpt(text)} business days reach beyond the supported horizon; "
            f"the limit is {MAX_BUSINESS_DAYS} either way"
        )
    return BusinessDays(days)


def format_duration(value: timedelta, /) -> str:
    """Return the canonical text of a duration, which :func:`parse_duration` reads back.

    Hours are the largest unit: on an office clock a "day" of business time is not 24
    hours, so ``"40h"`` is written as ``40h``, never as ``1d16h``, which reads as calendar
    days. A negative duration starts with ``-``.

    >>> from datetime import timedelta
    >>> format_duration(timedelta(hours=1, minutes=30))
    '1h30m'
    >>> format_duration(timedelta(hours=40))
    '40h'
    >>> format_duration(-timedelta(minutes=90))
    '-1h30m'
    >>> format_duration(timedelta(0))
    '0s'

    Raises:
        InvalidDurationError: ``value`` is not a timedelta.
    """
    total = duration_us(value)
    if total == 0:
        return "0s"
    sign = "-" if total < 0 else ""
    rest = abs(total)
    parts: list[str] = []
    for unit in ("h", "m"):
        count, rest = divmod(rest, _UNITS[unit])
        if count:
            parts.append(f"{count}{unit}")
    if rest:
        seconds, micros = divmod(rest, 1_000_000)
        fraction = f".{micros:06d}".rstrip("0") if micros else ""
        parts.append(f"{seconds}{fraction}s")
    return sign + "".join(parts)
