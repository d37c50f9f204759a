"""The boundary: instants, durations, numbers and names from users get typed errors.

Every value a caller can get wrong is checked where it comes in: ``NaT`` is a missing value
and never an instant, instants outside the horizon are a ``HorizonError`` before any time
zone arithmetic can overflow, wrong types are ``TypeError`` subclasses, quoted values are
bounded, and errors survive pickling with their fields.
"""

from __future__ import annotations

import pickle
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from escalate import (
    BusinessDays,
    Calendar,
    ConfigError,
    EscalateError,
    Holidays,
    HorizonError,
    InvalidArgumentError,
    InvalidCalendarError,
    InvalidDurationError,
    InvalidInstantError,
    MissingExtraError,
    NaiveDatetimeError,
    Period,
    PolicyError,
    parse_business_days,
    parse_duration,
)
from escalate._calendar import _duration, _instant
from escalate._checks import MAX_DURATION, excerpt
from tests import strategies

BOGOTA = ZoneInfo("America/Bogota")
TOKYO = ZoneInfo("Asia/Tokyo")
OFFICE = {"mon-fri": ["07:30-12:30", "13:30-17:00"]}
AWARE = datetime(2026, 1, 7, 10, tzinfo=BOGOTA)


def in_horizon(at: datetime, zone: ZoneInfo) -> bool:
    """Whether ``at`` falls in local years 1900-2200 of ``zone`` (False when it overflows)."""
    try:
        return 1900 <= at.astimezone(zone).year <= 2200
    except OverflowError:
        return False


def office() -> Calendar:
    """A fresh office calendar in Bogota, with an empty cache."""
    return Calendar(timezone="America/Bogota", hours=OFFICE)


def calls(cal: Calendar, at: Any) -> dict[str, Any]:
    """Every calendar method that takes an instant, called with ``at``."""
    return {
        "add": lambda: cal.add(at, timedelta(hours=1)),
        "add back": lambda: cal.add(at, timedelta(hours=-1)),
        "between": lambda: cal.between(AWARE, at),
        "between back": lambda: cal.between(at, AWARE),
        "is_open": lambda: cal.is_open(at),
        "next_open": lambda: cal.next_open(at),
        "next_close": lambda: cal.next_close(at),
        "open_periods": lambda: list(cal.open_periods(at, at)),
        "add_business_days": lambda: cal.add_business_days(at, 3),
    }


# -- instants -------------------------------------------------------------------------


def test_nat_is_a_missing_value_not_an_instant():
    """``_instant`` (which the engine converts through) refuses NaT with a typed error."""
    with pytest.raises(InvalidInstantError, match="as_of is NaT, a missing value") as info:
        _instant(pd.NaT, "as_of")
    assert isinstance(info.value, TypeError)
    assert info.value.path == "as_of"


@pytest.mark.parametrize("zone", [BOGOTA, TOKYO, ZoneInfo("Pacific/Kiritimati")])
@pytest.mark.parametrize("wall", [datetime(1, 1, 1), datetime(9999, 12, 31, 23, 59)])
def test_instants_at_the_ends_of_datetime_are_beyond_the_horizon(zone: ZoneInfo, wall: datetime):
    """Year 1 and year 9999 in any zone are a HorizonError from every entry, never overflow."""
    at = wall.replace(tzinfo=zone)
    with pytest.raises(HorizonError, match="beyond the supported horizon"):
        _instant(at, "at")
    for name, call in calls(office(), at).items():
        with pytest.raises(HorizonError):
            call()
        with pytest.raises(HorizonError):
            calls(Calendar.always("Asia/Tokyo"), at)[name]()


@pytest.mark.parametrize(
    "value",
    ["2026-01-07T10:00:00-05:00", 1_767_798_000, 1.5, None, date(2026, 1, 7), pd.NaT,
     np.datetime64("2026-01-07T10:00"), float("nan"), pd.Series([AWARE])],
    ids=["str", "int", "float", "None", "date", "NaT", "datetime64", "nan", "Series"],
)  # fmt: skip
def test_every_calendar_method_refuses_what_is_not_an_instant(value: object):
    """Strings, numbers, dates, NaT, numpy values and Series are InvalidInstantError."""
    for call in calls(office(), value).values():
        with pytest.raises(InvalidInstantError) as info:
            call()
        assert isinstance(info.value, TypeError)
        assert len(str(info.value)) < 400


@given(at=strategies.any_aware_datetimes)
def test_any_aware_instant_gets_an_answer_or_a_horizon_error(at: datetime):
    """Any aware datetime of years 1-9999 gets an answer or a HorizonError, from any method."""
    cal = office()
    for call in calls(cal, at).values():
        try:
            call()
        except HorizonError:
            # a result may step across the edge: the instant is within days of it, or beyond
            assert not 1901 <= at.year <= 2199 or not in_horizon(at, BOGOTA)


@given(at=strategies.horizon_edge_datetimes)
def test_the_24x7_calendar_is_as_strict_at_the_horizon_as_any(at: datetime):
    """A 24x7 calendar answers within its local years 1900-2200 and refuses beyond them."""
    cal = Calendar.always("Pacific/Kiritimati")
    inside = in_horizon(at, cal.zone)
    for name, call in calls(cal, at).items():
        if name in {"next_close", "add_business_days", "add", "add back"} or not inside:
            continue  # 24x7 never closes; adding may step across the horizon's edge
        call()
    if not inside:
        with pytest.raises(HorizonError):
            cal.is_open(at)


def test_durations_must_be_timedeltas_and_nat_is_not_one():
    """A duration of NaT, a number or text is InvalidDurationError naming the argument."""
    for value in (pd.NaT, 3600, "1h", None, np.timedelta64(1, "h")):
        with pytest.raises(InvalidDurationError) as info:
            _duration(value, "duration")
        assert info.value.path == "duration"
    assert _duration(pd.Timedelta(hours=1), "duration") == 3_600_000_000


# -- the horizon of business days and durations ---------------------------------------


@pytest.mark.parametrize("days", [100_000, -100_000, 64_000, 10**30])
def test_business_days_on_24x7_beyond_the_horizon_are_refused(days: int):
    """24x7 add_business_days never returns a date after 2200 or before 1900."""
    with pytest.raises(HorizonError, match="beyond the supported horizon"):
        Calendar.always("America/Bogota").add_business_days(AWARE, days)


def test_business_days_on_24x7_reach_the_last_day_of_the_horizon():
    """The last date of 2200 is reachable; one more day is not."""
    cal = Calendar.always("UTC")
    start = datetime(2200, 12, 1, 9, tzinfo=UTC)
    assert cal.add_business_days(start, 30) == datetime(2200, 12, 31, 9, tzinfo=UTC)
    with pytest.raises(HorizonError):
        cal.add_business_days(start, 31)


def test_business_day_counts_accept_numpy_integers_but_not_bools():
    """A numpy integer is a day count; a bool or a float is an InvalidDurationError."""
    assert office().add_business_days(AWARE, np.int64(1)) == office().add_business_days(AWARE, 1)
    for days in (True, 1.0, "1"):
        with pytest.raises(InvalidDurationError):
            office().add_business_days(AWARE, days)  # type: ignore[arg-type]


def test_huge_business_day_counts_fail_before_building_any_year():
    """A count beyond the horizon's dates is refused before the calendar builds a year."""
    cal = office()
    with pytest.raises(HorizonError):
        cal.add_business_days(AWARE, 200_000)
    assert cal._cache._years == {}


def test_a_duration_the_calendar_cannot_hold_fails_without_building_the_years():
    """Adding more open time than the hours allow before 2200 is refused at once."""
    cal = office()
    with pytest.raises(HorizonError, match="this calendar is not open"):
        cal.add(AWARE, timedelta(days=40_000))
    with pytest.raises(HorizonError, match="this calendar is not open"):
        cal.add(AWARE, timedelta(days=-40_000))
    with pytest.raises(HorizonError, match="this calendar is not open"):
        cal.add_many(pd.Series([AWARE]), timedelta(days=40_000))
    assert len(cal._cache._years) <= 2
    with pytest.raises(HorizonError):
        cal.add(AWARE, timedelta(days=200_000))


# -- building only the years a query needs --------------------------------------------


def test_a_far_query_builds_only_its_own_years():
    """Asking about 2199 and 1901 after 2026 builds those years, not the ones between."""
    cal = office()
    assert cal.is_open(AWARE)
    assert not cal.is_open(datetime(2199, 6, 1, 3, tzinfo=BOGOTA))
    assert cal.next_open(datetime(1901, 6, 1, 3, tzinfo=BOGOTA)).year == 1901
    assert len(cal._cache._years) <= 9


@given(years=st.lists(st.integers(1900, 2199), min_size=1, max_size=6))
def test_queries_in_any_order_answer_as_on_a_fresh_calendar(years: list[int]):
    """Whatever snapshots earlier queries left behind, each answer equals a fresh calendar's."""

    def weekly() -> Calendar:
        # one interval a week: cheap to build, so many years can be asked for
        return Calendar(timezone="America/Bogota", hours={"thu": ["22:00-06:00"]})

    cal = weekly()
    for year in years:
        fresh = weekly()
        at = datetime(year, 12, 24, 12, 45, tzinfo=BOGOTA)
        assert cal.next_open(at) == fresh.next_open(at)
        assert cal.add(at, timedelta(hours=20)) == fresh.add(at, timedelta(hours=20))
        later = datetime(min(year + 1, 2200), 1, 9, tzinfo=BOGOTA)
        assert cal.between(at, later) == fresh.between(at, later)


def test_vectorised_next_open_across_far_apart_years():
    """next_open_many over instants decades apart answers as the scalar method does."""
    cal = Calendar(timezone="America/Bogota", hours={"sat": ["09:00-10:00"]})
    instants = pd.Series(
        pd.to_datetime(["2026-01-05 12:00", "2150-06-01 03:00", "1950-02-02 11:00"])
    ).dt.tz_localize("America/Bogota")
    found = cal.next_open_many(instants)
    assert list(found) == [cal.next_open(t.to_pydatetime()) for t in instants]


# -- other arguments --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "error"),
    [
        (lambda: Period(start=pd.NaT, end=pd.NaT), InvalidInstantError),
        (lambda: Period(start="2026-01-01", end="2026-02-01"), InvalidInstantError),
        (lambda: Period.month(2026, 13), ConfigError),
        (lambda: Period.month(2026.0, 1), InvalidArgumentError),
        (lambda: Period.month(1, 1, timezone="America/Bogota"), HorizonError),
        (lambda: Period.month(9999, 12, timezone="America/Bogota"), HorizonError),
        (lambda: Period.month(2026, 1, timezone="x" * 300), ConfigError),
        (lambda: Period.month(2026, 1, timezone=5), ConfigError),
        (lambda: Period.containing(AWARE, kind=["month"]), InvalidArgumentError),
        (lambda: Holidays.country(5), InvalidArgumentError),
        (lambda: Holidays.country(None), InvalidArgumentError),
        (lambda: Holidays.country("CO", source=5), InvalidArgumentError),
        (lambda: Holidays.country("CO", subdivision=[1]), InvalidArgumentError),
        (lambda: Calendar(timezone="a" * 300, hours="24x7"), InvalidCalendarError),
        (lambda: Calendar.always("a" * 300), InvalidCalendarError),
        (lambda: Calendar(timezone=None, hours="24x7"), InvalidCalendarError),
    ],
)
def test_wrong_arguments_are_typed_errors(build: Any, error: type[EscalateError]):
    """Periods, holidays and calendars refuse wrong arguments with the documented error."""
    with pytest.raises(error) as info:
        build()
    assert isinstance(info.value, EscalateError)
    assert len(str(info.value)) < 600


@pytest.mark.parametrize(
    "text",
    ["1000000000d", "P999999999999D", "10001d", "106752d", "-10001d", "9" * 5000 + "s",
     "P" + "9" * 5000 + "D", "PT" + "9" * 30 + "S"],
    ids=lambda text: text[:16],
)  # fmt: skip
def test_durations_beyond_the_limit_are_policy_errors(text: str):
    """A duration over 10,000 days (or too long to read) is a PolicyError, never overflow."""
    with pytest.raises(PolicyError, match="longer than the longest duration allowed") as info:
        parse_duration(text)
    assert len(str(info.value)) < 400


def test_the_longest_duration_is_allowed():
    """Exactly 10,000 days, either way, still parses."""
    assert parse_duration("10000d") == MAX_DURATION
    assert parse_duration("-P10000D") == -MAX_DURATION


@pytest.mark.parametrize(
    "text", ["9" * 5000 + "bd", "200000bd", 10**5000, -200_000], ids=["digits", "bd", "int", "neg"]
)
def test_business_day_counts_beyond_the_horizon_are_policy_errors(text: object):
    """A count of business days beyond the horizon's dates is a PolicyError."""
    with pytest.raises(PolicyError, match="beyond the supported horizon"):
        parse_business_days(text)  # type: ignore[arg-type]
    assert parse_business_days("109937bd") == BusinessDays(109_937)


# -- bounded messages ---------------------------------------------------------------------


@given(value=strategies.python_junk)
def test_excerpts_are_short_whatever_the_value(value: object):
    """An excerpt of any value is at most a few hundred characters."""
    assert len(excerpt(value)) <= 400


def test_excerpts_of_shared_nesting_do_not_expand_it():
    """An alias-bomb shaped value (9 references, 9 levels deep) is quoted in a few items."""
    value: Any = ["lol"] * 9
    for _ in range(9):
        value = [value] * 9  # 9**10 leaves if expanded
    assert len(excerpt(value)) < 200
    assert excerpt(10**5000) == "<an integer of about 5001 digits>"
    assert excerpt(-(2**63)) == repr(-(2**63))


def test_a_broken_repr_does_not_hide_the_error():
    """A value whose repr raises is quoted by its type."""

    class Broken:
        def __repr__(self) -> str:
            raise RuntimeError

    assert excerpt(Broken()) == "<Broken object>"


# -- errors: fields and pickling ---------------------------------------------------------------


@given(error=strategies.escalate_errors())
def test_every_error_survives_pickling_with_its_message_and_fields(error: EscalateError):
    """Errors round-trip through pickle (as dask and multiprocessing do) unchanged."""
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is type(error)
    assert str(again) == str(error)
    assert again.args == error.args
    assert again.path == error.path
    assert again.problems == error.problems
    if isinstance(error, MissingExtraError):
        assert (again.extra, again.module) == (error.extra, error.module)


@given(error=strategies.escalate_errors())
def test_every_error_has_problems_with_a_path(error: EscalateError):
    """Every error offers ``problems`` for a service: a ConfigError's own, else one at ``path``."""
    assert error.problems
    assert error.problems[0].path == error.path
    if not isinstance(error, ConfigError):
        assert error.problems[0].message == str(error)


def test_naive_datetime_error_names_the_argument():
    """A naive instant's error carries the argument name as its path."""
    with pytest.raises(NaiveDatetimeError) as info:
        office().add(datetime(2026, 1, 7, 10), timedelta(hours=1))
    assert info.value.path == "start"
    assert info.value.problems[0].path == "start"


# -- the rarer ways to reach the horizon --------------------------------------------------


def test_open_time_short_of_the_bound_still_meets_the_horizon():
    """When the cheap bound allows a duration the hours cannot hold, growth meets 2200."""
    cal = Calendar(timezone="UTC", hours={"mon": ["09:00-10:00"]}, exceptions={"2026-01-01": []})
    with pytest.raises(HorizonError, match="use a shorter duration"):
        cal.add(datetime(2200, 12, 1, tzinfo=UTC), timedelta(hours=10))


def test_business_days_the_hours_cannot_hold_meet_the_horizon():
    """More Mondays than remain before 2201 (but fewer than its dates) is a HorizonError."""
    cal = Calendar(timezone="UTC", hours={"mon": ["09:00-10:00"]})
    with pytest.raises(HorizonError, match="beyond the supported horizon"):
        cal.add_business_days(datetime(2199, 6, 1, tzinfo=UTC), 200)


def test_the_horizon_message_copes_with_instants_beyond_datetime():
    """An instant datetime cannot hold (from inside the engine) is still described."""
    with pytest.raises(HorizonError, match="after 1970-01-01T00:00Z"):
        office()._local_year(2**62)


def test_something_that_subtracts_like_a_datetime_but_lies_far_away():
    """A datetime look-alike beyond the horizon is a HorizonError quoting it briefly."""

    class FarAway:
        def __sub__(self, other: object) -> timedelta:
            return timedelta(days=10**6)

    with pytest.raises(HorizonError, match="FarAway"):
        _instant(FarAway(), "at")


def test_a_broken_time_zone_is_not_an_instant():
    """A tzinfo whose utcoffset raises makes the value not an instant, never a crash."""

    class Broken(tzinfo):
        def utcoffset(self, dt: datetime | None) -> timedelta:
            raise RuntimeError

    with pytest.raises(InvalidInstantError, match="must be a timezone-aware datetime"):
        _instant(datetime(2026, 1, 1, tzinfo=Broken()), "at")


def test_one_item_tuples_are_quoted_as_tuples():
    """An excerpt keeps the trailing comma of a one-item tuple."""
    assert excerpt((1,)) == "(1,)"
