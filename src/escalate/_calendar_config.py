"""A calendar's config form, checked: every mistake reported at once by its key path.

The converters of :class:`escalate.Calendar`'s fields, and the checks of
:meth:`escalate.Calendar.from_dict`, apart from the calendar's arithmetic.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from escalate._checks import describe, excerpt, null_problems, zone_problem
from escalate._errors import InvalidCalendarError, Problem, did_you_mean
from escalate._holidays import Holidays, parse_holidays
from escalate._hours import Interval, WeekHours, parse_date, parse_hours, parse_intervals

KEYS = ("timezone", "hours", "holidays", "exceptions")
"""The keys of a calendar's config form."""


def checked_fields(mapping: Mapping[str, Any]) -> dict[str, Any]:
    """Return a calendar's fields from its config form, reporting every problem at once.

    Raises:
        InvalidCalendarError: with one :class:`Problem` per mistake, each with its key path.
    """
    problems: list[Problem] = []
    if not isinstance(mapping, Mapping):
        raise InvalidCalendarError.single(
            "",
            f"a calendar must be a table, got {describe(mapping)}",
            "see the calendar config docs",
        )
    # the required keys' own checks say what a null should be instead
    problems.extend(null_problems(mapping, "", skip=("timezone", "hours")))
    mapping = {
        key: value
        for key, value in mapping.items()
        if value is not None or key in {"timezone", "hours"}
    }
    problems.extend(
        Problem(
            path=str(key),
            message=f"unknown key {excerpt(key)}",
            hint=did_you_mean(str(key), KEYS) or f"allowed keys: {', '.join(KEYS)}",
        )
        for key in mapping
        if key not in KEYS
    )
    required = {
        "timezone": "e.g. timezone = 'America/Bogota'",
        "hours": "e.g. hours = { 'mon-fri' = ['09:00-17:00'] } or hours = '24x7'",
    }
    problems.extend(
        Problem(path=key, message=f"missing required key {key!r}", hint=hint)
        for key, hint in required.items()
        if key not in mapping and not any(p.path == key for p in problems)
    )
    tz = (
        _check_timezone(mapping.get("timezone"), "timezone", problems)
        if "timezone" in mapping
        else "UTC"
    )
    hours = parse_hours(mapping.get("hours", {}), "hours", problems)
    holidays = parse_holidays(mapping.get("holidays"), "holidays", problems)
    exceptions = parse_exceptions(mapping.get("exceptions"), "exceptions", problems)
    _raise_if(problems)
    return {"timezone": tz, "hours": hours, "holidays": holidays, "exceptions": exceptions}


def _raise_if(problems: list[Problem]) -> None:
    if problems:
        raise InvalidCalendarError(problems)


def _check_timezone(value: object, path: str, problems: list[Problem]) -> str:
    problem = zone_problem(value, path)
    if problem is None:
        return value  # type: ignore[return-value] # zone_problem checked it is a str
    problems.append(problem)
    return "UTC"


def convert_timezone(value: object) -> str:
    """The ``timezone`` field: an IANA name (or a zone object with its ``key``)."""
    problems: list[Problem] = []
    name = _check_timezone(getattr(value, "key", value), "timezone", problems)
    _raise_if(problems)
    return name


def convert_hours(value: object) -> WeekHours:
    """The ``hours`` field, checked."""
    problems: list[Problem] = []
    week = parse_hours(value, "hours", problems)
    _raise_if(problems)
    return week


def convert_holidays(value: object) -> Holidays:
    """The ``holidays`` field, checked."""
    problems: list[Problem] = []
    result = parse_holidays(value, "holidays", problems)
    _raise_if(problems)
    return result


def parse_exceptions(
    value: object, path: str, problems: list[Problem]
) -> tuple[tuple[date, tuple[Interval, ...]], ...]:
    """Check date exceptions (a table of dates, or the field's own form); report problems."""
    if value is None:
        return ()
    if isinstance(value, tuple) and all(
        isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], date) for item in value
    ):
        items: Any = value
    elif isinstance(value, Mapping):
        items = value.items()
    else:
        problems.append(
            Problem(
                path=path,
                message=f"expected a table of dates, got {describe(value)}",
                hint="write e.g. { '2026-12-24' = ['07:30-12:00'], '2026-12-31' = [] }",
            )
        )
        return ()
    out: dict[date, tuple[Interval, ...]] = {}
    for key, intervals in items:
        key_path = f"{path}.{key.isoformat() if isinstance(key, date) else key}"
        day = parse_date(key, key_path, problems)
        parsed = parse_intervals(intervals, key_path, problems)
        if day is None:
            continue
        if day in out:
            problems.append(
                Problem(path=key_path, message=f"{day} is given twice", hint="give each date once")
            )
        out[day] = parsed
    return tuple(sorted(out.items()))


def convert_exceptions(value: object) -> tuple[tuple[date, tuple[Interval, ...]], ...]:
    """The ``exceptions`` field, checked: date -> intervals, in date order."""
    problems: list[Problem] = []
    result = parse_exceptions(value, "exceptions", problems)
    _raise_if(problems)
    return result
