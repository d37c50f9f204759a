"""Calendar edges: exceptions given twice, exception-only calendars, 24x7, far spans."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from escalate import Calendar, HorizonError, InvalidCalendarError, NeverOpenError
from escalate._index import to_datetime
from tests.reference import US, to_us
from tests.strategies import DST_ZONES, transitions

BOGOTA = ZoneInfo("America/Bogota")
NEW_YEAR = datetime(2026, 1, 1, tzinfo=UTC)
MID_YEAR = datetime(2026, 6, 1, tzinfo=UTC)

# open only 09:00-10:00 UTC on two Mondays, explicitly closed on a Sunday in between
TWO_DAYS = Calendar(
    timezone="UTC",
    hours={},
    exceptions={"2026-01-05": ["09:00-10:00"], "2026-02-01": [], "2026-03-02": ["09:00-10:00"]},
)


def at(*args: int) -> datetime:
    """A UTC datetime."""
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


# -- exceptions given twice and other exception errors ----------------------------------


def test_exception_date_given_twice_as_date_and_string() -> None:
    """One date given as a date and as a string is reported at its path."""
    with pytest.raises(InvalidCalendarError) as info:
        Calendar(
            timezone="UTC",
            hours={},
            exceptions={date(2026, 1, 5): ["09:00-10:00"], "2026-01-05": []},
        )
    assert info.value.paths == ("exceptions.2026-01-05",)
    assert "given twice" in str(info.value)


def test_exception_date_given_twice_in_config() -> None:
    """In config form, two keys naming the same date (one padded) are reported together."""
    with pytest.raises(InvalidCalendarError, match="2026-01-05 is given twice"):
        Calendar.from_dict(
            {
                "timezone": "UTC",
                "hours": {},
                "exceptions": {"2026-01-05": ["09:00-10:00"], " 2026-01-05": []},
            }
        )


def test_exceptions_must_be_a_table() -> None:
    """A list of pairs for exceptions is rejected at 'exceptions' with an example."""
    with pytest.raises(InvalidCalendarError) as info:
        Calendar(timezone="UTC", hours={}, exceptions=[("2026-01-05", [])])  # type: ignore[arg-type]
    assert info.value.paths == ("exceptions",)
    assert "'2026-12-24'" in str(info.value.problems[0].hint)


@pytest.mark.parametrize(
    ("key", "path"),
    [(5, "exceptions.5"), (datetime(2026, 1, 5, 9), "exceptions.2026-01-05T09:00:00")],
    ids=["int", "datetime"],
)
def test_exception_keys_must_be_dates(key: object, path: str) -> None:
    """An exception keyed by a non-date (an int, or a datetime with a time) is rejected."""
    with pytest.raises(InvalidCalendarError) as info:
        Calendar(timezone="UTC", hours={}, exceptions={key: []})  # type: ignore[dict-item]
    assert info.value.paths == (path,)


def test_non_string_time_zone_in_config() -> None:
    """A time zone that is not a string is reported at 'timezone' with an example name."""
    with pytest.raises(InvalidCalendarError) as info:
        Calendar.from_dict({"timezone": 5, "hours": "24x7"})
    assert info.value.paths == ("timezone",)
    assert "'America/Bogota'" in str(info.value.problems[0].hint)


# -- calendars open only on exception dates ---------------------------------------------


def test_exception_only_calendar_serves_what_its_dates_hold() -> None:
    """cal.add uses the exception dates' open time, forwards and backwards, exactly."""
    assert TWO_DAYS.add(NEW_YEAR, timedelta(hours=2)) == at(2026, 3, 2, 10)
    assert TWO_DAYS.add(MID_YEAR, timedelta(hours=-2)) == at(2026, 1, 5, 9)
    assert TWO_DAYS.between(NEW_YEAR, MID_YEAR) == timedelta(hours=2)


@pytest.mark.parametrize(
    ("start", "hours"),
    [(NEW_YEAR, 2.001), (MID_YEAR, -2.001), (at(2027, 6, 1), 1), (at(2025, 6, 1), -3)],
    ids=["forward-too-much", "backward-too-much", "after-all-dates", "more-than-all"],
)
def test_exception_only_calendar_runs_out(start: datetime, hours: float) -> None:
    """Asking for more open time than the exception dates hold raises NeverOpenError at once."""
    with pytest.raises(NeverOpenError, match="exception dates") as info:
        TWO_DAYS.add(start, timedelta(hours=hours))
    assert isinstance(info.value, ValueError)


def test_exception_only_next_open_and_close() -> None:
    """next_open/next_close find the exception periods, then raise NeverOpenError after them."""
    assert TWO_DAYS.next_open(NEW_YEAR) == at(2026, 1, 5, 9)
    assert TWO_DAYS.next_close(at(2026, 3, 2, 9, 30)) == at(2026, 3, 2, 10)
    with pytest.raises(NeverOpenError, match="no opening after"):
        TWO_DAYS.next_open(at(2026, 3, 2, 10))
    with pytest.raises(NeverOpenError, match="no closing after"):
        TWO_DAYS.next_close(at(2026, 3, 2, 10))


def test_exception_only_business_days() -> None:
    """Only exception dates with hours are business days; beyond them NeverOpenError."""
    assert TWO_DAYS.add_business_days(NEW_YEAR, 1) == at(2026, 1, 5)
    assert TWO_DAYS.add_business_days(NEW_YEAR, 2) == at(2026, 3, 2)
    assert TWO_DAYS.add_business_days(MID_YEAR, -2) == at(2026, 1, 5)
    for days, start in ((3, NEW_YEAR), (-3, MID_YEAR)):
        with pytest.raises(NeverOpenError, match=f"fewer than {abs(days)} business days"):
            TWO_DAYS.add_business_days(start, days)


def test_closed_exception_only_calendar_has_no_business_days() -> None:
    """A calendar whose only exception closes a date has no business day either way."""
    closed = Calendar(timezone="UTC", hours={}, exceptions={"2026-01-05": []})
    for days in (1, -1):
        with pytest.raises(NeverOpenError):
            closed.add_business_days(NEW_YEAR, days)
    with pytest.raises(NeverOpenError, match="never open"):
        closed.add(NEW_YEAR, timedelta(minutes=1))


def test_exception_dates_years_apart() -> None:
    """Exception dates ten years apart are joined by add, next_open and business days."""
    far = Calendar(
        timezone="UTC",
        hours={},
        exceptions={"2020-01-06": ["09:00-10:00"], "2030-01-07": ["09:00-10:00"]},
    )
    assert far.add(at(2020, 1, 6, 9, 30), timedelta(hours=1)) == at(2030, 1, 7, 9, 30)
    assert far.add(at(2030, 1, 7, 9, 30), timedelta(hours=-1)) == at(2020, 1, 6, 9, 30)
    assert far.next_open(at(2021, 1, 1)) == at(2030, 1, 7, 9)
    assert far.add_business_days(at(2020, 1, 1), 2) == at(2030, 1, 7)
    assert far.add_business_days(at(2031, 1, 1), -2) == at(2020, 1, 6)
    assert far.between(at(2019, 1, 1), at(2031, 1, 1)) == timedelta(hours=2)
    assert list(far.open_periods(at(2025, 1, 1), at(2031, 1, 1))) == [
        (at(2030, 1, 7, 9), at(2030, 1, 7, 10))
    ]


# -- weekly calendars across year ends, and 24x7 ----------------------------------------


def test_business_days_across_a_year_end() -> None:
    """Counting business days past December 31st continues into the next year."""
    office = Calendar(timezone="America/Bogota", hours={"mon-fri": ["09:00-17:00"]})
    start = datetime(2026, 12, 30, 10, tzinfo=BOGOTA)  # a Wednesday
    assert office.add_business_days(start, 5) == datetime(2027, 1, 6, 10, tzinfo=BOGOTA)
    back = datetime(2027, 1, 4, 10, tzinfo=BOGOTA)  # a Monday
    assert office.add_business_days(back, -3) == datetime(2026, 12, 30, 10, tzinfo=BOGOTA)
    assert office.add_business_days(back, -400) == office.add_business_days(
        office.add_business_days(back, -200), -200
    )


def test_always_open_business_days_are_calendar_days() -> None:
    """On a 24x7 calendar every date is a business day, in the calendar's local dates."""
    always = Calendar.always("America/Bogota")
    saturday = datetime(2026, 1, 3, 10, tzinfo=UTC)  # 05:00 Saturday in Bogota
    assert always.add_business_days(saturday, 3) == datetime(2026, 1, 6, 5, tzinfo=BOGOTA)
    assert always.add_business_days(saturday, -3) == datetime(2025, 12, 31, 5, tzinfo=BOGOTA)


def test_always_open_periods_and_between() -> None:
    """A 24x7 calendar's open period is the whole range, and an empty range yields nothing."""
    always = Calendar.always("America/Bogota")
    a, b = at(2026, 1, 3, 10), at(2026, 1, 3, 12)
    assert list(always.open_periods(a, b)) == [(a, b)]
    assert list(always.open_periods(a, a)) == []
    assert always.between(b, a) == timedelta(hours=-2)


def test_always_open_rejects_instants_beyond_the_horizon() -> None:
    """A 24x7 calendar still rejects instants whose local date is beyond 2200."""
    always = Calendar.always("UTC")
    with pytest.raises(HorizonError):
        always.is_open(datetime(2500, 1, 1, tzinfo=UTC))
    with pytest.raises(HorizonError):
        list(always.open_periods(at(2026, 1, 1), datetime(2500, 1, 1, tzinfo=UTC)))


def test_weekly_calendar_rejects_far_instants() -> None:
    """A weekly calendar rejects an instant centuries past the horizon with HorizonError."""
    office = Calendar(timezone="UTC", hours={"mon-fri": ["09:00-17:00"]})
    with pytest.raises(HorizonError, match="1900-2200"):
        office.is_open(datetime(2500, 1, 1, tzinfo=UTC))


def test_next_open_searches_years_ahead() -> None:
    """next_open from a year without open dates finds an exception date years later."""
    far = Calendar(timezone="UTC", hours={}, exceptions={"2034-05-08": ["09:00-10:00"]})
    assert far.next_open(at(2026, 1, 1)) == at(2034, 5, 8, 9)
    assert far.next_close(at(2026, 1, 1)) == at(2034, 5, 8, 10)


def test_business_days_beyond_the_horizon() -> None:
    """Counting business days past 2200-12-31 raises HorizonError instead of looping."""
    office = Calendar(timezone="UTC", hours={"mon-fri": ["09:00-17:00"]})
    with pytest.raises(HorizonError, match="1900-2200"):
        office.add_business_days(at(2200, 12, 20, 10), 30)
    with pytest.raises(HorizonError, match="1900-2200"):
        office.add_business_days(at(1900, 1, 10, 10), -30)


@pytest.mark.parametrize("zone_name", [*DST_ZONES, "UTC", "America/Bogota"])
def test_instants_become_the_same_datetimes_by_either_conversion(zone_name: str) -> None:
    """to_datetime's whole-second shortcut gives exactly astimezone's datetime and fold.

    Checked a few seconds either side of every DST change of the zone in the test years,
    and at the edges of the horizon.
    """
    zone = ZoneInfo(zone_name)
    edges = [
        to_us(datetime(1900, 1, 1, tzinfo=UTC)) - 86_400 * US,
        to_us(datetime(2201, 1, 1, tzinfo=UTC)) + 86_400 * US,
    ]
    for base in [*transitions(zone_name), *edges]:
        for shift in (-3_600_000_001, -1_000_000, -1, 0, 1, 999_999, 1_000_000, 3_600_000_000):
            us = base + shift
            got = to_datetime(us, zone)
            want = (datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=us)).astimezone(zone)
            assert (got, got.fold, got.utcoffset(), got.tzinfo) == (
                want,
                want.fold,
                want.utcoffset(),
                want.tzinfo,
            )
