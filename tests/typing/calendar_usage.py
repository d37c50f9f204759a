"""Real usage of the calendar API, checked by ``mypy --strict`` and never run."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from escalate import (
    Calendar,
    ConfigError,
    EscalateError,
    Holidays,
    HorizonError,
    InvalidArgumentError,
    InvalidCalendarError,
    MissingExtraError,
    NaiveDatetimeError,
    NeverOpenError,
    Problem,
)

BOGOTA = ZoneInfo("America/Bogota")

office: Calendar = Calendar(
    timezone="America/Bogota",
    hours={"mon-fri": ["07:30-12:30", "13:30-17:00"]},
    holidays=Holidays.country("CO"),
    exceptions={date(2026, 12, 24): ["07:30-12:00"], date(2026, 12, 31): []},
)
always: Calendar = Calendar.always("UTC")
loaded: Calendar = Calendar.from_dict({"timezone": "UTC", "hours": "24x7"})
config: dict[str, Any] = office.to_dict()
same: bool = Calendar.from_dict(config) == office

opened = datetime(2026, 1, 9, 16, 10, tzinfo=BOGOTA)
due: datetime = office.add(opened, timedelta(hours=2))
spent: timedelta = office.between(opened, due)
open_now: bool = office.is_open(opened)
reopens: datetime = office.next_open(opened)
closes: datetime = office.next_close(opened)
periods: Iterator[tuple[datetime, datetime]] = office.open_periods(opened, due)
notice: datetime = office.add_business_days(opened, 5)
zone: ZoneInfo = office.zone
name: str = office.timezone

combined: Holidays = Holidays.country("CO") | Holidays.dates([date(2026, 3, 4), "2026-03-05"])
changed: Holidays = combined.with_changes(add=["2026-03-06"], remove=[date(2026, 1, 12)])
dates_2026: frozenset[date] = changed.for_year(2026)
nothing: Holidays = Holidays.none()

starts = np.array(["2026-01-09T21:10"], dtype="datetime64[us]")
due_many = office.add_many(starts, timedelta(hours=2))
spent_many = office.between_many(starts, starts)
series = pd.Series(pd.DatetimeIndex(["2026-01-09 16:10"]).tz_localize("America/Bogota"))
due_series = office.add_many(series, timedelta(hours=2))


def first_problem_path(error: ConfigError) -> str:
    """The first config path of an error, for a 4xx response."""
    problem: Problem = error.problems[0]
    paths: tuple[str, ...] = error.paths
    return problem.path if paths else ""


def safe_due(cal: Calendar, start: datetime, hours: float) -> datetime | None:
    """A due time, or None when the calendar cannot serve it."""
    try:
        return cal.add(start, timedelta(hours=hours))
    except (NeverOpenError, HorizonError):
        return None
    except NaiveDatetimeError:
        return cal.add(start.replace(tzinfo=UTC), timedelta(hours=hours))


def load(mapping: dict[str, Any]) -> Calendar | str:
    """A calendar, or the error text."""
    try:
        return Calendar.from_dict(mapping)
    except InvalidCalendarError as error:
        return str(error.with_prefix("calendars.office"))
    except EscalateError as error:
        return str(error)


def http_answer(error: EscalateError) -> tuple[int, list[dict[str, str | None]]]:
    """Any escalate error as a status and a body: every error has a path and problems."""
    status = 500 if isinstance(error, MissingExtraError) else 422
    where: str = error.path
    body = [{"path": p.path or where, "message": p.message, "hint": p.hint} for p in error.problems]
    return status, body


def parse_days(value: object) -> int | None:
    """A whole number of days from user input, or None when it is not one."""
    try:
        return office.add_business_days(datetime(2026, 1, 5, tzinfo=UTC), value).day  # type: ignore[arg-type]
    except (InvalidArgumentError, HorizonError):
        return None
