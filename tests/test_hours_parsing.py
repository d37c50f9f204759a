"""Weekly hours parsing: interval errors, weekday keys, aliases, wrapping ranges."""

from __future__ import annotations

from typing import Any

import pytest

from escalate import Calendar, Interval, InvalidCalendarError

NINE_TO_FIVE = ["09:00-17:00"]


def problems_of(hours: object) -> list[tuple[str, str, str | None]]:
    """Return (path, message, hint) of every problem from_dict reports for these hours."""
    with pytest.raises(InvalidCalendarError) as info:
        Calendar.from_dict({"timezone": "UTC", "hours": hours})
    return [(p.path, p.message, p.hint) for p in info.value.problems]


def open_days(hours: dict[str, Any]) -> list[int]:
    """Return the weekdays (Monday = 0) on which a calendar with these hours opens."""
    cal = Calendar(timezone="UTC", hours=hours)
    return [day for day, intervals in enumerate(cal.hours) if intervals]


# -- intervals --------------------------------------------------------------------------


@pytest.mark.parametrize("item", [900, None, ("09:00", "17:00")], ids=["int", "none", "tuple"])
def test_non_string_interval(item: object) -> None:
    """An interval that is not a string is reported at its index with the expected format."""
    found = problems_of({"mon": ["08:00-08:30", item]})
    assert found == [
        (
            "hours.mon[1]",
            f"expected an interval string, got {item!r}",
            "write it as 'HH:MM-HH:MM' with two-digit fields, e.g. '07:30-12:30'",
        )
    ]


def test_interval_starting_at_24_00() -> None:
    """'24:00' as a start is rejected, telling the user to start at 00:00 instead."""
    [(path, message, hint)] = problems_of({"fri": ["24:00-06:00"]})
    assert path == "hours.fri[0]"
    assert "starts at 24:00" in message
    assert hint is not None
    assert "00:00" in hint
    with pytest.raises(InvalidCalendarError, match="starts at 24:00"):
        Interval.parse("24:00-01:00")


@pytest.mark.parametrize("text", ["09:00-24:30", "09:60-10:00", "09:00:60-10:00", "25:00-26:00"])
def test_out_of_range_fields(text: str) -> None:
    """Hours past 24, minutes or seconds past 59, or 24:xx are reported as out of range."""
    [(path, message, _hint)] = problems_of({"mon": [text]})
    assert path == "hours.mon[0]"
    assert message == f"{text!r} has a time out of range"


def test_24_00_is_a_valid_end() -> None:
    """'24:00' as an end closes at midnight and formats back as '24:00'."""
    interval = Interval.parse("18:00-24:00")
    assert interval == Interval(18 * 3600, 86_400)
    assert str(interval) == "18:00-24:00"
    assert not interval.crosses_midnight


def test_seconds_and_midnight_crossing_round_trip_as_text() -> None:
    """An interval with seconds that crosses midnight keeps its text and belongs to its start day."""
    interval = Interval.parse("22:00:30-06:00")
    assert interval.crosses_midnight
    assert interval.seconds == 8 * 3600 - 30
    assert str(interval) == "22:00:30-06:00"


@pytest.mark.parametrize(
    ("start", "end"), [(5, 5), (0, 86_401), (-1, 10), (86_400, 86_401)], ids=str
)
def test_interval_rejects_impossible_seconds(start: int, end: int) -> None:
    """Building an Interval from seconds checks it is non-empty, within a day and starts today."""
    with pytest.raises(ValueError, match="invalid interval seconds"):
        Interval(start, end)


# -- weekday keys -----------------------------------------------------------------------


def test_full_day_names_are_accepted() -> None:
    """A full day name such as 'monday' (any case) means that day."""
    assert open_days({"Monday": NINE_TO_FIVE, "tues": NINE_TO_FIVE}) == [0, 1]


def test_full_name_inside_a_range_suggests_the_short_name() -> None:
    """A full name used inside a range ('monday-fri') suggests its three-letter form."""
    assert problems_of({"monday-fri": NINE_TO_FIVE}) == [
        ("hours.monday-fri", "unknown weekday 'monday' in 'monday-fri'", "did you mean 'mon'?")
    ]


def test_unknown_weekday_without_a_close_match_lists_the_days() -> None:
    """A weekday with no close match lists the valid day names."""
    [(path, _message, hint)] = problems_of({"xyzzy": NINE_TO_FIVE})
    assert path == "hours.xyzzy"
    assert hint == "weekdays are mon, tue, wed, thu, fri, sat, sun"


def test_weekdays_and_weekend_aliases() -> None:
    """'weekdays' means mon-fri and 'weekend' means sat,sun."""
    assert open_days({"weekdays": NINE_TO_FIVE}) == [0, 1, 2, 3, 4]
    assert open_days({"Weekend": ["10:00-14:00"]}) == [5, 6]
    both = Calendar(timezone="UTC", hours={"weekdays": NINE_TO_FIVE, "weekend": ["10:00-14:00"]})
    assert both.to_dict()["hours"] == {"mon-fri": NINE_TO_FIVE, "sat-sun": ["10:00-14:00"]}


@pytest.mark.parametrize(
    ("key", "days"),
    [
        ("fri-mon", [0, 4, 5, 6]),
        ("sat-tue", [0, 1, 5, 6]),
        ("sun-sat", [0, 1, 2, 3, 4, 5, 6]),
        ("wed-wed", [2]),
        ("mon-wed,fri", [0, 1, 2, 4]),
    ],
)
def test_wrapping_ranges(key: str, days: list[int]) -> None:
    """A range may wrap past Sunday ('fri-mon') and covers the days from its first to its last."""
    assert open_days({key: NINE_TO_FIVE}) == days


def test_wrapping_range_round_trips() -> None:
    """A calendar with a wrapping range survives to_dict/from_dict unchanged."""
    cal = Calendar(timezone="UTC", hours={"fri-mon": ["22:00-06:00"]})
    assert Calendar.from_dict(cal.to_dict()) == cal


def test_day_in_a_wrapping_range_and_an_alias_is_named_twice() -> None:
    """A day covered by both 'weekdays' and 'fri-mon' is reported once per repeated day."""
    found = problems_of({"weekdays": NINE_TO_FIVE, "fri-mon": ["10:00-12:00"]})
    assert [(path, message) for path, message, _ in found] == [
        ("hours.fri-mon", "'fri' is named twice (also in 'weekdays')"),
        ("hours.fri-mon", "'mon' is named twice (also in 'weekdays')"),
    ]


@pytest.mark.parametrize("key", ["mon-wed-fri", "mon-", "mon,,tue", "-"])
def test_malformed_weekday_keys(key: str) -> None:
    """Keys with three range ends or empty parts are not weekday keys."""
    [(path, message, hint)] = problems_of({key: NINE_TO_FIVE})
    assert path == f"hours.{key}"
    assert message == f"{key!r} is not a weekday key"
    assert hint is not None
    assert "'mon-fri'" in hint


def test_non_string_weekday_key() -> None:
    """A weekday key that is not a string is reported at its path."""
    assert problems_of({1: NINE_TO_FIVE}) == [("hours.1", "weekday key 1 is not a string", None)]


def test_bad_key_and_bad_interval_are_both_reported() -> None:
    """A bad weekday key does not hide a bad interval in its own list."""
    found = problems_of({"mondy": ["9-5"], "tue": ["09:00-09:00"]})
    assert [path for path, _, _ in found] == ["hours.mondy", "hours.mondy[0]", "hours.tue[0]"]


# -- the hours value itself -------------------------------------------------------------


@pytest.mark.parametrize("value", [["09:00-17:00"], 24, None], ids=["list", "int", "none"])
def test_hours_must_be_a_table_or_24x7(value: object) -> None:
    """Hours that are neither a table nor a string are rejected at 'hours' with an example."""
    [(path, message, hint)] = problems_of(value)
    assert path == "hours"
    assert message.startswith("expected a table of weekday keys")
    assert hint is not None
    assert "'24x7'" in hint


def test_unknown_schedule_string() -> None:
    """A string other than '24x7' (or '24/7') is not a weekly schedule."""
    assert problems_of("9-5")[0][:2] == ("hours", "'9-5' is not a weekly schedule")
    assert Calendar(timezone="UTC", hours=" 24/7 ") == Calendar.always("UTC")


def test_intervals_must_be_a_list() -> None:
    """A bare interval string for a day is rejected, suggesting the list form."""
    [(path, message, _)] = problems_of({"mon": "09:00-17:00"})
    assert path == "hours.mon"
    assert message == "expected a list of intervals, got '09:00-17:00'"
