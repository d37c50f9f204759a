"""Business days: moving a number of open dates from an instant, keeping its wall time."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import date, datetime
from typing import TYPE_CHECKING

from escalate._checks import instant_us, whole_number
from escalate._errors import HorizonError, InvalidDurationError, NeverOpenError
from escalate._index import (
    FIRST_ORDINAL,
    LAST_ORDINAL,
    MAX_YEAR,
    MIN_YEAR,
    local_to_us,
    to_datetime,
)

if TYPE_CHECKING:
    from escalate._calendar import Calendar


def add_business_days(cal: Calendar, start: datetime, days: int) -> datetime:
    """:meth:`escalate.Calendar.add_business_days`."""
    t = instant_us(start, "start")
    days = whole_number(days, "days", InvalidDurationError)
    local = to_datetime(cal._check_horizon(t), cal.zone)
    if days == 0:
        return local
    ordinal = local.date().toordinal()
    # a business day is a date, so no more of them lie ahead than dates: refuse at
    # once what would otherwise search every year up to the horizon
    room = (LAST_ORDINAL - ordinal) if days > 0 else (ordinal - FIRST_ORDINAL)
    if abs(days) > room:
        msg = (
            f"{days} business days from {local.date()} lie beyond the supported horizon "
            f"(years {MIN_YEAR}-{MAX_YEAR}), which has {room} more dates that way"
        )
        raise HorizonError(msg, path="days")
    seconds = local.hour * 3600 + local.minute * 60 + local.second
    target = _business_day(cal, ordinal, days)
    us = local_to_us(target, seconds, cal.zone) + local.microsecond
    return to_datetime(cal._check_horizon(us), cal.zone)


def _business_day(cal: Calendar, ordinal: int, days: int) -> int:
    """The ordinal of the ``days``-th business day from ``ordinal`` (not counting it)."""
    if cal.is_always_open:
        return ordinal + days
    year = date.fromordinal(ordinal).year
    idx = cal._cache.ensure(year, year, cal.zone, cal._day_intervals)
    while True:
        found = idx.business_days
        if days > 0:
            i = bisect_right(found, ordinal) + days - 1
            if i < len(found):
                return found[i]
            grow = (idx.lo, idx.hi + 1 + days // 200)
        else:
            i = bisect_left(found, ordinal) + days
            if i >= 0:
                return found[i]
            grow = (idx.lo - 1 + days // 200, idx.hi)
        exception_years = [day.year for day, ivs in cal.exceptions if ivs]
        if not cal._weekly_open and (
            not exception_years
            or (days > 0 and idx.hi >= max(exception_years))
            or (days < 0 and idx.lo <= min(exception_years))
        ):
            msg = (
                f"this calendar has fewer than {abs(days)} business days in that direction "
                "(it opens only on its exception dates): add weekly hours"
            )
            raise NeverOpenError(msg)
        grown = cal._cache.ensure(grow[0], grow[1], cal.zone, cal._day_intervals)
        if (grown.lo, grown.hi) == (idx.lo, idx.hi):
            msg = f"the result lies beyond the supported horizon (years {MIN_YEAR}-{MAX_YEAR})"
            raise HorizonError(msg)
        idx = grown
