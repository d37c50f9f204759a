"""Holidays: country lists, workalendar, explicit dates, unions, changes, and their effect."""

from __future__ import annotations

import pickle
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays as holidays_package
import pytest
import workalendar.america

from escalate import Calendar, Holidays, InvalidCalendarError

BOGOTA = ZoneInfo("America/Bogota")


def test_country_matches_the_holidays_package() -> None:
    """Holidays.country('CO') gives exactly the holidays package's Colombian dates per year."""
    for year in (2024, 2025, 2026, 2027):
        expected = frozenset(holidays_package.country_holidays("CO", years=year))
        assert Holidays.country("CO").for_year(year) == expected


def test_subdivision_adds_regional_dates() -> None:
    """A subdivision's list is the holidays package's regional list (Cesar Chavez Day in CA)."""
    national = Holidays.country("US").for_year(2026)
    regional = Holidays.country("US", subdivision="CA").for_year(2026)
    assert date(2026, 3, 31) in regional - national
    assert regional == frozenset(holidays_package.country_holidays("US", subdiv="CA", years=2026))


def test_workalendar_class_instance_and_source_agree() -> None:
    """Holidays.workalendar(class), (instance) and country(source='workalendar') give equal dates."""
    by_class = Holidays.workalendar(workalendar.america.Colombia)
    by_instance = Holidays.workalendar(workalendar.america.Colombia())
    by_source = Holidays.country("CO", source="workalendar")
    assert by_class == by_instance
    expected = frozenset(d for d, _ in workalendar.america.Colombia().holidays(2026))
    assert by_class.for_year(2026) == expected
    assert by_source.for_year(2026) == expected


def test_dates_accept_dates_and_iso_strings() -> None:
    """Holidays.dates takes date objects and ISO strings and keeps them per year."""
    found = Holidays.dates([date(2026, 1, 2), "2026-12-24", "2027-01-05"])
    assert found.for_year(2026) == {date(2026, 1, 2), date(2026, 12, 24)}
    assert found.for_year(2027) == {date(2027, 1, 5)}
    assert found.for_year(2025) == frozenset()


def test_none_is_empty() -> None:
    """Holidays.none() holds no dates in any year."""
    assert Holidays.none().is_empty
    assert Holidays.none().for_year(2026) == frozenset()
    assert Holidays.none() == Holidays.dates([])


def test_union_holds_both() -> None:
    """h1 | h2 holds the dates of both operands."""
    union = Holidays.country("CO") | Holidays.dates(["2026-03-04"])
    assert union.for_year(2026) == Holidays.country("CO").for_year(2026) | {date(2026, 3, 4)}
    assert date(2026, 3, 4) in union


def test_with_changes_adds_and_removes() -> None:
    """with_changes adds dates and removes dates (also ones from a country list)."""
    base = Holidays.country("CO")
    changed = base.with_changes(add=["2026-03-04"], remove=[date(2026, 1, 12)])
    assert changed.for_year(2026) == (base.for_year(2026) | {date(2026, 3, 4)}) - {
        date(2026, 1, 12)
    }
    assert base.for_year(2026) != changed.for_year(2026)  # base is unchanged


def test_holidays_are_values() -> None:
    """Holidays are equal by value, hashable and picklable."""
    a = Holidays.country("CO").with_changes(add=["2026-03-04"])
    b = Holidays.country("CO").with_changes(add=[date(2026, 3, 4)])
    assert a == b
    assert hash(a) == hash(b)
    assert pickle.loads(pickle.dumps(a)) == a


def test_bad_workalendar_argument() -> None:
    """Holidays.workalendar of a non-calendar raises InvalidCalendarError naming the fix."""
    with pytest.raises(InvalidCalendarError, match="workalendar"):
        Holidays.workalendar(42)


def test_unknown_source() -> None:
    """An unknown holiday source is reported at holidays.source."""
    with pytest.raises(InvalidCalendarError) as info:
        Holidays.country("CO", source="foo")  # type: ignore[arg-type]
    assert info.value.paths == ("holidays.source",)
    assert "'holidays' or 'workalendar'" in str(info.value)


def test_holiday_closes_intervals_starting_that_day_only() -> None:
    """A holiday closes intervals starting on it; an overnight interval from the day before still runs."""
    cal = Calendar(
        timezone="America/Bogota", hours={"sun-sat": ["22:00-06:00"]}, holidays=["2026-01-12"]
    )
    sunday_night = datetime(2026, 1, 11, 23, tzinfo=BOGOTA)
    assert cal.is_open(sunday_night)
    assert cal.is_open(datetime(2026, 1, 12, 5, tzinfo=BOGOTA))  # Sunday's interval, on Monday
    assert not cal.is_open(datetime(2026, 1, 12, 23, tzinfo=BOGOTA))  # Monday's own: closed
    assert cal.is_open(datetime(2026, 1, 13, 23, tzinfo=BOGOTA))
    day = datetime(2026, 1, 12, tzinfo=BOGOTA)
    assert cal.between(day, day + timedelta(days=1)) == timedelta(hours=6)


def test_holiday_is_a_local_date() -> None:
    """Holidays are dates in the calendar's own zone, not in UTC."""
    cal = Calendar(
        timezone="Pacific/Kiritimati", hours={"mon-sun": ["00:00-24:00"]}, holidays=["2026-01-12"]
    )
    local_midnight = datetime(2026, 1, 12, tzinfo=ZoneInfo("Pacific/Kiritimati"))
    assert not cal.is_open(local_midnight)
    assert cal.is_open(local_midnight - timedelta(microseconds=1))
    assert cal.next_open(local_midnight) == local_midnight + timedelta(days=1)


def test_business_days_skip_holidays() -> None:
    """add_business_days does not count a holiday, and a holiday start date does not count either."""
    cal = Calendar(
        timezone="America/Bogota",
        hours={"mon-fri": ["08:00-17:00"]},
        holidays=Holidays.country("CO"),
    )
    holiday_noon = datetime(2026, 1, 12, 12, tzinfo=BOGOTA)
    assert cal.add_business_days(holiday_noon, 1) == datetime(2026, 1, 13, 12, tzinfo=BOGOTA)
    assert cal.add_business_days(holiday_noon, -1) == datetime(2026, 1, 9, 12, tzinfo=BOGOTA)
    # five working days' notice from Thursday 2026-03-19 skips Monday 2026-03-23 (San José)
    start = datetime(2026, 3, 19, 10, tzinfo=BOGOTA)
    assert cal.add_business_days(start, 5) == datetime(2026, 3, 27, 10, tzinfo=BOGOTA)
