"""Wall-clock intervals and weekly hours: parsing, validation and canonical text."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import TypeAlias

import attrs

from escalate._checks import excerpt
from escalate._errors import Problem, did_you_mean

__all__ = [
    "DAY_NAMES",
    "Interval",
    "IntervalsInput",
    "WeekHours",
    "format_hours",
    "parse_date",
    "parse_hours",
    "parse_intervals",
]

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL_NAMES = {
    "monday": "mon",
    "tuesday": "tue",
    "wednesday": "wed",
    "thursday": "thu",
    "friday": "fri",
    "saturday": "sat",
    "sunday": "sun",
    "tues": "tue",
    "thur": "thu",
    "thurs": "thu",
    "weekdays": "mon-fri",
    "weekend": "sat,sun",
}
_DAY = 86_400
_TIME = r"(\d{2}):(\d{2})(?::(\d{2}))?"
_INTERVAL_RE = re.compile(rf"^\s*{_TIME}\s*-\s*{_TIME}\s*$")
_INTERVAL_HINT = "write it as 'HH:MM-HH:MM' with two-digit fields, e.g. '07:30-12:30'"


@attrs.frozen(order=True)
class Interval:
    """A wall-clock interval of one day, as seconds after that day's midnight.

    ``end`` may pass midnight (up to one day after ``start``): ``22:00-06:00`` is
    ``Interval(79200, 108000)`` and belongs to the date it starts on. ``24:00`` is
    ``86400``.

    >>> str(Interval.parse("22:00-06:00"))
    '22:00-06:00'
    """

    start: int
    end: int

    def __attrs_post_init__(self) -> None:
        if not (0 <= self.start < _DAY and self.start < self.end < self.start + _DAY + 1):
            msg = f"invalid interval seconds ({self.start}, {self.end})"
            raise ValueError(msg)

    @classmethod
    def parse(cls, text: str) -> Interval:
        """Parse ``"HH:MM-HH:MM"`` (seconds optional); raise ``ValueError`` when malformed."""
        problems: list[Problem] = []
        interval = _parse_interval(text, "interval", problems)
        if interval is None:
            from escalate._errors import InvalidCalendarError  # noqa: PLC0415

            raise InvalidCalendarError(problems)
        return interval

    @property
    def crosses_midnight(self) -> bool:
        """Whether the interval ends on the next day."""
        return self.end > _DAY

    @property
    def seconds(self) -> int:
        """The wall-clock length in seconds (the physical length may differ across DST)."""
        return self.end - self.start

    def __str__(self) -> str:
        end = self.end if self.end == _DAY else self.end % _DAY
        return f"{_fmt(self.start)}-{_fmt(end)}"


WeekHours: TypeAlias = tuple[tuple[Interval, ...], ...]
"""Seven tuples of intervals, Monday first."""

IntervalsInput: TypeAlias = Sequence[str | Interval]


def _fmt(seconds: int) -> str:
    h, rem = divmod(seconds, 3600)
    m, s = divmod(rem, 60)
    return f"{h:02d}:{m:02d}:{s:02d}" if s else f"{h:02d}:{m:02d}"


def _clock(h: str, m: str, s: str | None) -> int | None:
    hh, mm, ss = int(h), int(m), int(s or 0)
    if mm > 59 or ss > 59 or hh > 24 or (hh == 24 and (mm or ss)):
        return None
    return hh * 3600 + mm * 60 + ss


def _parse_interval(value: object, path: str, problems: list[Problem]) -> Interval | None:
    if isinstance(value, Interval):
        return value
    if not isinstance(value, str):
        problems.append(
            Problem(
                path=path,
                message=f"expected an interval string, got {excerpt(value)}",
                hint=_INTERVAL_HINT,
            )
        )
        return None
    match = _INTERVAL_RE.match(value)
    if match is None:
        problems.append(
            Problem(path=path, message=f"{excerpt(value)} is not an interval", hint=_INTERVAL_HINT)
        )
        return None
    start = _clock(*match.group(1, 2, 3))
    end = _clock(*match.group(4, 5, 6))
    if start is None or end is None:
        problems.append(
            Problem(
                path=path,
                message=f"{excerpt(value)} has a time out of range",
                hint="hours run 00-23 (24:00 only as an end), minutes and seconds 00-59",
            )
        )
        return None
    if start == _DAY:
        problems.append(
            Problem(
                path=path,
                message=f"{excerpt(value)} starts at 24:00",
                hint="24:00 is allowed only as an end; start at 00:00 of the next day",
            )
        )
        return None
    if start == end:
        problems.append(
            Problem(
                path=path,
                message=f"{excerpt(value)} has zero length",
                hint="give an end different from the start; for a whole day use '00:00-24:00'",
            )
        )
        return None
    if end < start:  # crosses midnight: belongs to the start date
        end += _DAY
    return Interval(start, end)


def _merge(intervals: Iterable[Interval]) -> tuple[Interval, ...]:
    """Sort intervals and drop exact repeats.

    Overlapping and touching intervals are merged later, in physical time, after each
    boundary is localised: merging wall-clock intervals first would give a different
    answer when one start lies in a spring-forward gap.
    """
    return tuple(sorted(set(intervals)))


def parse_intervals(value: object, path: str, problems: list[Problem]) -> tuple[Interval, ...]:
    """Parse a list of interval strings; append problems and return the valid ones merged."""
    if isinstance(value, str) or not isinstance(value, Sequence):
        problems.append(
            Problem(
                path=path,
                message=f"expected a list of intervals, got {excerpt(value)}",
                hint="write e.g. ['07:30-12:30', '13:30-17:00'], or [] for closed",
            )
        )
        return ()
    out = [_parse_interval(item, f"{path}[{i}]", problems) for i, item in enumerate(value)]
    return _merge(iv for iv in out if iv is not None)


def _parse_day_key(key: str, path: str, problems: list[Problem]) -> list[int] | None:
    days: list[int] = []
    expanded = _FULL_NAMES.get(key.strip().lower(), key)
    for raw in expanded.split(","):
        token = raw.strip().lower()
        ends = [part.strip() for part in token.split("-")]
        if len(ends) > 2 or not all(ends):
            problems.append(
                Problem(
                    path=path,
                    message=f"{excerpt(key)} is not a weekday key",
                    hint="use mon..sun, a range such as 'mon-fri', or a list such as 'mon,wed'",
                )
            )
            return None
        idx: list[int] = []
        for name in ends:
            if name in DAY_NAMES:
                idx.append(DAY_NAMES.index(name))
                continue
            hint = (
                f"did you mean {excerpt(_FULL_NAMES[name])}?"
                if name in _FULL_NAMES
                else did_you_mean(name, DAY_NAMES)
            )
            problems.append(
                Problem(
                    path=path,
                    message=f"unknown weekday {excerpt(name)} in {excerpt(key)}",
                    hint=hint or "weekdays are mon, tue, wed, thu, fri, sat, sun",
                )
            )
            return None
        if len(idx) == 1:
            days.append(idx[0])
        else:  # a range, possibly wrapping past Sunday ("fri-mon")
            first, last = idx
            days.extend((first + i) % 7 for i in range((last - first) % 7 + 1))
    return days


def parse_hours(value: object, path: str, problems: list[Problem]) -> WeekHours:
    """Parse weekly hours (a mapping of weekday keys to interval lists, or ``"24x7"``)."""
    if isinstance(value, str):
        if value.strip().lower() in {"24x7", "24/7"}:
            return tuple((Interval(0, _DAY),) for _ in DAY_NAMES)
        problems.append(
            Problem(
                path=path,
                message=f"{excerpt(value)} is not a weekly schedule",
                hint="write '24x7' or a table such as {'mon-fri': ['09:00-17:00']}",
            )
        )
        return tuple(() for _ in DAY_NAMES)
    if isinstance(value, tuple) and len(value) == 7 and all(isinstance(d, tuple) for d in value):
        # already normalised (WeekHours), e.g. from attrs.evolve
        return tuple(_merge(d) for d in value)
    if not isinstance(value, Mapping):
        problems.append(
            Problem(
                path=path,
                message=f"expected a table of weekday keys, got {excerpt(value)}",
                hint="write e.g. {'mon-fri': ['07:30-12:30', '13:30-17:00']} or '24x7'",
            )
        )
        return tuple(() for _ in DAY_NAMES)
    week: list[tuple[Interval, ...]] = [() for _ in DAY_NAMES]
    named_by: dict[int, str] = {}
    for key, intervals in value.items():
        key_path = f"{path}.{key}"
        if not isinstance(key, str):
            problems.append(
                Problem(path=key_path, message=f"weekday key {excerpt(key)} is not a string")
            )
            continue
        days = _parse_day_key(key, key_path, problems)
        parsed = parse_intervals(intervals, key_path, problems)
        if days is None:
            continue
        for day in days:
            if day in named_by:
                problems.append(
                    Problem(
                        path=key_path,
                        message=f"{DAY_NAMES[day]!r} is named twice "
                        f"(also in {excerpt(named_by[day])})",
                        hint="name each weekday once; put all its intervals in one list",
                    )
                )
                continue
            named_by[day] = key
            week[day] = parsed
    return tuple(week)


def format_hours(week: WeekHours) -> str | dict[str, list[str]]:
    """Return the config form of weekly hours, grouping runs of equal days (``mon-fri``)."""
    if all(day == (Interval(0, _DAY),) for day in week):
        return "24x7"
    out: dict[str, list[str]] = {}
    i = 0
    while i < 7:
        j = i
        while j + 1 < 7 and week[j + 1] == week[i]:
            j += 1
        if week[i]:
            key = DAY_NAMES[i] if i == j else f"{DAY_NAMES[i]}-{DAY_NAMES[j]}"
            out[key] = [str(iv) for iv in week[i]]
        i = j + 1
    return out


def parse_date(value: object, path: str, problems: list[Problem]) -> date | None:
    """Parse a date or an ISO ``YYYY-MM-DD`` string; append a problem when malformed."""
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    problems.append(
        Problem(
            path=path,
            message=f"{excerpt(value)} is not a date",
            hint="write dates as 'YYYY-MM-DD', e.g. '2026-12-24'",
        )
    )
    return None
