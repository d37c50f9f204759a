"""Every input a user can get wrong gets a typed error that says what, where and how to fix it."""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from escalate import (
    Calendar,
    ConfigError,
    EscalateError,
    Holidays,
    HorizonError,
    InvalidCalendarError,
    InvalidDurationError,
    InvalidRangeError,
    NaiveDatetimeError,
    NeverOpenError,
)

HOURS = {"mon-fri": ["09:00-17:00"]}
AWARE = datetime(2026, 1, 7, 10, tzinfo=UTC)
NAIVE = datetime(2026, 1, 7, 10)


@pytest.fixture
def alarm() -> Iterator[None]:
    """Fail (rather than hang) when the test body takes more than five seconds."""

    def _timeout(signum: int, frame: object) -> None:
        pytest.fail("the call did not return within 5 s: it must raise at once")

    previous = signal.signal(signal.SIGALRM, _timeout)
    signal.alarm(5)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def config_error(build: Callable[[], object]) -> InvalidCalendarError:
    """Run ``build`` and return the InvalidCalendarError it must raise."""
    with pytest.raises(InvalidCalendarError) as info:
        build()
    assert isinstance(info.value, ConfigError)
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, EscalateError)
    assert info.value.problems
    return info.value


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("7:3-12", ["'7:3-12'", "HH:MM-HH:MM"]),
        ("25:00-26:00", ["'25:00-26:00'", "out of range", "00-23"]),
        ("09:00-09:00", ["'09:00-09:00'", "zero length", "00:00-24:00"]),
        ("24:00-02:00", ["'24:00-02:00'", "24:00", "only as an end"]),
        ("09:00 to 17:00", ["HH:MM-HH:MM"]),
    ],
)
@pytest.mark.parametrize("via", ["init", "from_dict"])
def test_bad_interval(text: str, words: list[str], via: str) -> None:
    """A malformed or out-of-range interval is reported at hours.mon-fri[1] by both constructors."""
    hours = {"mon-fri": ["07:30-12:30", text]}
    if via == "init":
        error = config_error(lambda: Calendar(timezone="UTC", hours=hours))
    else:
        error = config_error(lambda: Calendar.from_dict({"timezone": "UTC", "hours": hours}))
    assert error.paths == ("hours.mon-fri[1]",)
    message = str(error)
    assert message.startswith("hours.mon-fri[1]:")
    for word in words:
        assert word in message


def test_unknown_weekday_suggests_a_fix() -> None:
    """An unknown weekday key is reported at hours.<key> with a did-you-mean."""
    error = config_error(lambda: Calendar(timezone="UTC", hours={"mondy": ["09:00-17:00"]}))
    assert error.paths == ("hours.mondy",)
    assert "'mondy'" in str(error)
    assert "did you mean 'mon'" in str(error)


def test_weekday_named_twice() -> None:
    """A weekday named in two keys is an error at the second key, naming both."""
    error = config_error(
        lambda: Calendar(timezone="UTC", hours={"mon-fri": ["09:00-17:00"], "fri": ["09:00-12:00"]})
    )
    assert error.paths == ("hours.fri",)
    assert "twice" in str(error)
    assert "mon-fri" in str(error)


def test_bad_hours_value() -> None:
    """A schedule that is neither '24x7' nor a table is reported at hours with the two forms."""
    error = config_error(lambda: Calendar(timezone="UTC", hours="25x7"))
    assert error.paths == ("hours",)
    assert "24x7" in str(error)


@pytest.mark.parametrize(
    ("zone", "hint"),
    [
        ("America/Bogot", "did you mean 'America/Bogota'"),
        ("Mars/Olympus", "IANA"),
        ("localtime", "the host's zone, which differs between machines; name the zone: e.g."),
        ("posix/Europe/London", "a copy of the zone database; name the zone: 'Europe/London'"),
        ("right/UTC", "that counts leap seconds; name the zone: 'UTC'"),
    ],
)
def test_unknown_time_zone(zone: str, hint: str) -> None:
    """An unknown zone is reported at 'timezone' with a close match or an example."""
    error = config_error(lambda: Calendar(timezone=zone, hours=HOURS))
    assert error.paths == ("timezone",)
    assert repr(zone) in str(error)
    assert hint in str(error)


def test_unknown_country() -> None:
    """An unknown country is reported at holidays.country with close matches."""
    error = config_error(lambda: Holidays.country("CX1"))
    assert error.paths == ("holidays.country",)
    assert "did you mean" in str(error)
    error = config_error(
        lambda: Calendar.from_dict(
            {"timezone": "UTC", "hours": HOURS, "holidays": {"country": "ZZ"}}
        )
    )
    assert error.paths == ("holidays.country",)
    assert "'ZZ'" in str(error)


def test_unknown_subdivision() -> None:
    """An unknown subdivision is reported at holidays.subdivision, suggesting close matches."""
    error = config_error(lambda: Holidays.country("US", subdivision="CAL"))
    assert error.paths == ("holidays.subdivision",)
    assert "'CAL'" in str(error)
    assert "did you mean 'CA'" in str(error)
    error = config_error(
        lambda: Calendar.from_dict(
            {"timezone": "UTC", "hours": HOURS, "holidays": {"country": "CO", "subdivision": "XX"}}
        )
    )
    assert error.paths == ("holidays.subdivision",)


def test_malformed_holiday_date() -> None:
    """A malformed holiday date is reported at holidays[i] with the expected format."""
    error = config_error(
        lambda: Calendar.from_dict(
            {"timezone": "UTC", "hours": HOURS, "holidays": ["2026-01-01", "2026-13-01"]}
        )
    )
    assert error.paths == ("holidays[1]",)
    assert "YYYY-MM-DD" in str(error)
    error = config_error(lambda: Holidays.dates(["2026-02-30"]))
    assert "2026-02-30" in str(error)


def test_malformed_exception_date() -> None:
    """A malformed exception date is reported at exceptions.<key>."""
    error = config_error(
        lambda: Calendar.from_dict(
            {"timezone": "UTC", "hours": HOURS, "exceptions": {"2026-13-01": []}}
        )
    )
    assert error.paths == ("exceptions.2026-13-01",)
    assert "YYYY-MM-DD" in str(error)


def test_bad_exception_interval_path() -> None:
    """A bad interval inside an exception is reported at exceptions.<date>[i]."""
    error = config_error(
        lambda: Calendar(timezone="UTC", hours=HOURS, exceptions={date(2026, 12, 24): ["7-12"]})
    )
    assert error.paths == ("exceptions.2026-12-24[0]",)


def test_unknown_key_suggests_a_fix() -> None:
    """An unknown key in the calendar mapping is reported with a did-you-mean."""
    error = config_error(
        lambda: Calendar.from_dict({"timezone": "UTC", "hours": HOURS, "holiday": []})
    )
    assert error.paths == ("holiday",)
    assert "did you mean 'holidays'" in str(error)


def test_missing_required_key() -> None:
    """A missing timezone or hours is reported at that key with an example."""
    error = config_error(lambda: Calendar.from_dict({"hours": HOURS}))
    assert error.paths == ("timezone",)
    assert "missing" in str(error)


def test_from_dict_reports_all_problems_at_once() -> None:
    """from_dict collects every problem into one error, each with its own path."""
    error = config_error(
        lambda: Calendar.from_dict(
            {
                "timezone": "Mars/X",
                "hours": {"mondy": ["09:00-17:00"], "tue": ["09:00-09:00"]},
                "holidays": ["2026-02-30"],
                "exceptions": {"x": []},
                "zone": "UTC",
            }
        )
    )
    assert set(error.paths) == {
        "zone",
        "timezone",
        "hours.mondy",
        "hours.tue[0]",
        "holidays[0]",
        "exceptions.x",
    }
    assert f"{len(error.problems)} problems" in str(error)
    assert all(p.message for p in error.problems)


def test_with_prefix_keeps_type_and_prefixes_paths() -> None:
    """ConfigError.with_prefix returns the same error type with every path prefixed."""
    error = config_error(lambda: Calendar.from_dict({"timezone": "UTC", "hours": {"mondy": []}}))
    prefixed = error.with_prefix("calendars.office")
    assert type(prefixed) is InvalidCalendarError
    assert prefixed.paths == ("calendars.office.hours.mondy",)
    assert "calendars.office.hours.mondy" in str(prefixed)


def test_non_mapping_config() -> None:
    """from_dict of something that is not a mapping raises InvalidCalendarError."""
    error = config_error(lambda: Calendar.from_dict(["UTC"]))  # type: ignore[arg-type]
    assert "table" in str(error)


@pytest.fixture(scope="module")
def cal() -> Calendar:
    """A plain Mon-Fri 09-17 UTC calendar."""
    return Calendar(timezone="UTC", hours=HOURS)


NAIVE_CALLS: list[tuple[str, tuple[Any, ...], str]] = [
    ("add", (NAIVE, timedelta(hours=1)), "start"),
    ("between", (NAIVE, AWARE), "start"),
    ("between", (AWARE, NAIVE), "end"),
    ("is_open", (NAIVE,), "instant"),
    ("next_open", (NAIVE,), "instant"),
    ("next_close", (NAIVE,), "instant"),
    ("open_periods", (NAIVE, AWARE), "start"),
    ("open_periods", (AWARE, NAIVE), "end"),
    ("add_business_days", (NAIVE, 1), "start"),
]


@pytest.mark.parametrize(
    ("method", "args", "what"), NAIVE_CALLS, ids=[f"{m}-{w}" for m, _, w in NAIVE_CALLS]
)
def test_naive_datetime_is_rejected(
    cal: Calendar, method: str, args: tuple[Any, ...], what: str
) -> None:
    """Every public method rejects a naive datetime with NaiveDatetimeError (a TypeError)."""
    method_ = getattr(cal, method)
    with pytest.raises(NaiveDatetimeError) as info:
        method_(*args)  # validation is eager, also for the open_periods iterator
    assert isinstance(info.value, TypeError)
    assert isinstance(info.value, EscalateError)
    message = str(info.value)
    assert message.startswith(what)
    assert "timezone-aware" in message
    assert "ZoneInfo" in message


@pytest.mark.parametrize("duration", [3600, 1.5, "PT1H", None, date(2026, 1, 1)])
def test_non_timedelta_duration(cal: Calendar, duration: object) -> None:
    """A duration that is not a timedelta raises InvalidDurationError (a TypeError) naming it."""
    with pytest.raises(InvalidDurationError) as info:
        cal.add(AWARE, duration)  # type: ignore[arg-type]
    assert isinstance(info.value, TypeError)
    assert "timedelta" in str(info.value)
    assert repr(duration) in str(info.value)


@pytest.mark.parametrize("days", [1.5, "1", True])
def test_non_int_business_days(cal: Calendar, days: object) -> None:
    """add_business_days needs an int count; floats, strings and bools are rejected."""
    with pytest.raises(InvalidDurationError, match="int"):
        cal.add_business_days(AWARE, days)  # type: ignore[arg-type]


def test_non_datetime_instant(cal: Calendar) -> None:
    """A string where an instant is expected raises a TypeError from escalate."""
    with pytest.raises(TypeError) as info:
        cal.add("2026-01-07T10:00Z", timedelta(hours=1))  # type: ignore[arg-type]
    assert isinstance(info.value, EscalateError)
    assert "fromisoformat" in str(info.value)


def test_never_open_calendar_raises_at_once(alarm: None) -> None:
    """A calendar that never opens raises NeverOpenError (a ValueError) at once when adding."""
    cal = Calendar(timezone="UTC", hours={})
    for d in (timedelta(hours=1), timedelta(hours=-1)):
        with pytest.raises(NeverOpenError) as info:
            cal.add(AWARE, d)
        assert isinstance(info.value, ValueError)
        assert "never open" in str(info.value)
    with pytest.raises(NeverOpenError):
        cal.next_open(AWARE)
    assert cal.between(AWARE, AWARE + timedelta(days=400)) == timedelta(0)


def test_finite_exception_days_not_enough(alarm: None) -> None:
    """A calendar open only on exception dates serves what they hold, then NeverOpenError."""
    cal = Calendar(timezone="UTC", hours={}, exceptions={"2026-01-12": ["09:00-10:00"]})
    assert cal.add(AWARE, timedelta(hours=1)) == datetime(2026, 1, 12, 10, tzinfo=UTC)
    with pytest.raises(NeverOpenError, match="exception"):
        cal.add(AWARE, timedelta(hours=1, microseconds=1))
    with pytest.raises(NeverOpenError):
        cal.add(AWARE, timedelta(hours=-1))


def test_tiny_calendar_runs_out_of_horizon_at_once(alarm: None) -> None:
    """A calendar open one second a week asked for a year of work raises HorizonError, fast."""
    cal = Calendar(timezone="UTC", hours={"mon": ["09:00:00-09:00:01"]})
    with pytest.raises(HorizonError):
        cal.add(AWARE, timedelta(days=365))
    with pytest.raises(HorizonError):
        cal.add(AWARE, timedelta(days=-365))


@pytest.mark.parametrize("days", [10**6, -(10**6), 999_999_999])
def test_duration_beyond_horizon(cal: Calendar, days: int, alarm: None) -> None:
    """A duration longer than the supported horizon raises HorizonError (an OverflowError)."""
    with pytest.raises(HorizonError) as info:
        cal.add(AWARE, timedelta(days=days))
    assert isinstance(info.value, OverflowError)
    assert "1900" in str(info.value)
    assert "2200" in str(info.value)
    with pytest.raises(HorizonError):
        Calendar.always("UTC").add(AWARE, timedelta(days=days))


@pytest.mark.parametrize(
    "instant", [datetime(1850, 1, 1, tzinfo=UTC), datetime(2300, 1, 1, tzinfo=UTC)]
)
@pytest.mark.parametrize("calendar", ["hours", "always"])
def test_instant_beyond_horizon(instant: datetime, calendar: str) -> None:
    """Instants outside years 1900-2200 raise HorizonError from every operation."""
    cal = Calendar(timezone="UTC", hours=HOURS) if calendar == "hours" else Calendar.always()
    calls: list[Callable[[], object]] = [
        lambda: cal.add(instant, timedelta(hours=1)),
        lambda: cal.between(instant, AWARE),
        lambda: cal.between(AWARE, instant),
        lambda: cal.is_open(instant),
        lambda: cal.next_open(instant),
        lambda: list(cal.open_periods(min(instant, AWARE), max(instant, AWARE))),
        lambda: cal.add_business_days(instant, 1),
    ]
    for call in calls:
        with pytest.raises(HorizonError, match="2200"):
            call()


def test_result_beyond_horizon() -> None:
    """A result that would land after 2200 raises HorizonError instead of wrapping."""
    start = datetime(2200, 12, 30, tzinfo=UTC)
    with pytest.raises(HorizonError):
        Calendar(timezone="UTC", hours=HOURS).add(start, timedelta(days=30))
    with pytest.raises(HorizonError):
        Calendar.always("UTC").add(start, timedelta(days=3))


def test_always_open_never_closes() -> None:
    """next_close of a 24x7 calendar raises HorizonError: it never closes."""
    with pytest.raises(HorizonError, match="never closes"):
        Calendar.always("UTC").next_close(AWARE)


def test_open_periods_reversed_range(cal: Calendar) -> None:
    """open_periods with end before start raises InvalidRangeError (a ValueError) saying swap."""
    with pytest.raises(InvalidRangeError) as info:
        list(cal.open_periods(AWARE, AWARE - timedelta(days=1)))
    assert isinstance(info.value, ValueError)
    assert "swap" in str(info.value)


def test_naive_datetime_error_suggests_the_zone_it_is_given() -> None:
    """A caller that knows the policy's zone has the fix name it, not a stock example."""
    error = NaiveDatetimeError("as_of", datetime(2026, 1, 5, 8, 0), zone="America/Mexico_City")
    assert "ZoneInfo('America/Mexico_City')" in str(error)
    assert "Bogota" not in str(error)
