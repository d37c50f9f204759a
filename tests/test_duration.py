"""Durations and business-day counts as written in policy files."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from escalate import (
    BusinessDays,
    Calendar,
    ConfigError,
    EscalateError,
    InvalidDurationError,
    Policy,
    PolicyError,
    Severity,
    format_duration,
    parse_business_days,
    parse_duration,
)
from escalate._duration import _duration_problem


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2h", timedelta(hours=2)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("45m", timedelta(minutes=45)),
        ("90s", timedelta(seconds=90)),
        ("3d", timedelta(days=3)),
        ("1w2d", timedelta(days=9)),
        ("1h 30m", timedelta(hours=1, minutes=30)),
        ("2 hours 30 minutes", timedelta(hours=2, minutes=30)),
        ("1 day", timedelta(days=1)),
        ("2H", timedelta(hours=2)),
        ("1.5s", timedelta(seconds=1, microseconds=500_000)),
        ("0.000001s", timedelta(microseconds=1)),
        ("-2h", timedelta(hours=-2)),
        (" 15m ", timedelta(minutes=15)),
        ("0s", timedelta(0)),
        ("PT2H", timedelta(hours=2)),
        ("P1DT2H30M", timedelta(days=1, hours=2, minutes=30)),
        ("P1W", timedelta(days=7)),
        ("PT1.5S", timedelta(seconds=1, microseconds=500_000)),
        ("-PT15M", timedelta(minutes=-15)),
    ],
)
def test_parse_duration_accepts_the_documented_forms(text, expected):
    """Compact units, long unit names, decimals on seconds and ISO 8601 all parse exactly."""
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        *("", " ", "2", "h", "2x", "1.5h", "2h-", "P1M", "P1Y", "P", "2026-01-01", "2hh"),
        *("1.0000005s", "PT1.0000005S", "PT0.0000001S", "PT1.5H", "P0.5D", "PT1.5M"),
    ],
)
def test_parse_duration_rejects_malformed_text(text):
    """Anything else raises a PolicyError that quotes the text and shows the accepted forms."""
    with pytest.raises(PolicyError) as info:
        parse_duration(text)
    assert info.value.paths == ("",)
    assert repr(text) in str(info.value)
    assert "'1h30m'" in str(info.value)
    assert isinstance(info.value, ConfigError | ValueError | EscalateError)


def test_parse_duration_points_business_days_elsewhere():
    """A business-day count is not a duration, and the message says where it belongs."""
    with pytest.raises(PolicyError, match="number of business days"):
        parse_duration("5bd")


def test_duration_problem_reports_non_strings():
    """A value that is neither text nor a timedelta is described by its type."""
    assert _duration_problem(7200).startswith("expected a duration string, got int 7200 (in YAML")
    assert _duration_problem(7.5) == "expected a duration string, got float 7.5"


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (pendulum.duration(months=1), "has months or years, which have no fixed length"),
        (pendulum.duration(years=1, hours=2), "has months or years"),
        (pd.Timedelta(nanoseconds=1500), "is not whole microseconds"),
    ],
)
def test_a_duration_that_is_not_exact_is_refused_everywhere(value, words):
    """Months, years or nanoseconds would be changed silently: every way in refuses them."""
    assert words in str(_duration_problem(value))
    with pytest.raises(InvalidDurationError, match=words):
        Calendar.always().add(datetime(2026, 1, 31, tzinfo=UTC), value)
    with pytest.raises(PolicyError, match=words):
        Policy(severities=[Severity(name="a", goals={"response": value, "resolution": value})])


def test_duration_problem_normalises_pendulum_durations():
    """A pendulum Duration becomes a plain timedelta of the same length."""
    result = _duration_problem(pendulum.duration(hours=2))
    assert type(result) is timedelta
    assert result == timedelta(hours=2)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (timedelta(0), "0s"),
        (timedelta(hours=1, minutes=30), "1h30m"),
        (timedelta(days=14), "336h"),
        (timedelta(hours=40), "40h"),
        (timedelta(days=1, seconds=1, microseconds=500_000), "24h1.5s"),
        (timedelta(microseconds=1), "0.000001s"),
        (-timedelta(minutes=5), "-5m"),
        (-timedelta(hours=1), "-1h"),
    ],
)
def test_format_duration_is_canonical(value, text):
    """Formatting writes hours as the largest unit (never days), and seconds with decimals."""
    assert format_duration(value) == text


@given(st.timedeltas(min_value=timedelta(days=-10_000), max_value=timedelta(days=10_000)))
def test_format_then_parse_is_identity(value):
    """Every timedelta survives format_duration followed by parse_duration."""
    assert parse_duration(format_duration(value)) == value


@pytest.mark.parametrize(
    ("text", "days"),
    [("5bd", 5), ("5 business days", 5), ("1 business day", 1), ("0bd", 0), (3, 3), ("-2bd", -2)],
)
def test_parse_business_days(text, days):
    """Business days are written '5bd' or '5 business days', or given as an int."""
    assert parse_business_days(text) == BusinessDays(days)


@pytest.mark.parametrize("text", ["5d", "five bd", "", True, 1.5])
def test_parse_business_days_rejects_other_values(text):
    """Durations, words, booleans and floats are not business-day counts."""
    with pytest.raises(PolicyError, match="business days"):
        parse_business_days(text)


def test_business_days_value_semantics():
    """BusinessDays prints in its config form, orders by count and is hashable."""
    assert str(BusinessDays(5)) == "5bd"
    assert BusinessDays(2) < BusinessDays(5)
    assert len({BusinessDays(5), BusinessDays(5)}) == 1
    assert parse_business_days(BusinessDays(4)) == BusinessDays(4)
