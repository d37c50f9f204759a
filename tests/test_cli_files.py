"""The command line's file writers, against plain Python: instants, durations, seconds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from hypothesis import given

pytest.importorskip("click", reason="the command line needs the 'cli' extra")

from escalate import parse_duration
from escalate._cli_tables import _durations, _iso_duration, _iso_instants, example_instant
from tests import strategies
from tests.reference import from_us


def _instant_series(values: list[int | None]) -> pd.Series:
    """Microseconds since the epoch (None: NaT) as a UTC datetime column."""
    return pd.Series(
        pd.to_datetime([pd.NaT if v is None else from_us(v) for v in values], utc=True)
    )


@given(strategies.zoned_instant_lists())
def test_instants_are_written_as_python_writes_them(drawn: tuple[str, list[int | None]]):
    """Each instant reads back as itself, with the offset its zone has then; NaT is empty."""
    zone, values = drawn
    written = _iso_instants(np, pd, _instant_series(values), zone).tolist()
    for value, text in zip(values, written, strict=True):
        if value is None:
            assert text is None
            continue
        expected = from_us(value).astimezone(ZoneInfo(zone))
        parsed = datetime.fromisoformat(text)
        # timestamps, since an instant in a repeated hour never equals one in another zone
        assert parsed.timestamp() == expected.timestamp()
        assert parsed.utcoffset() == expected.utcoffset()


def test_instants_keep_microseconds_only_where_a_column_has_them():
    """Whole-second columns have no fraction; a column with one fraction writes them all."""
    whole = _instant_series([0, 60_000_000])
    assert _iso_instants(np, pd, whole, "UTC").tolist() == [
        "1970-01-01T00:00:00+00:00",
        "1970-01-01T00:01:00+00:00",
    ]
    fine = _instant_series([0, 1])
    assert _iso_instants(np, pd, fine, "Asia/Kolkata").tolist() == [
        "1970-01-01T05:30:00.000000+05:30",
        "1970-01-01T05:30:00.000001+05:30",
    ]


@given(strategies.file_durations)
def test_durations_are_exact_seconds_or_iso_text(values: list[int | None]):
    """Seconds are exact (whole numbers when all are), ISO text parses back to the duration."""
    column = pd.Series(pd.to_timedelta([pd.NaT if v is None else v for v in values], unit="us"))
    seconds = _durations(np, pd, column, "seconds").tolist()
    iso = _durations(np, pd, column, "iso").tolist()
    whole = all(v is None or v % 1_000_000 == 0 for v in values)
    for value, number, text in zip(values, seconds, iso, strict=True):
        if value is None:
            assert pd.isna(number)
            assert text is None
            continue
        assert number * 1_000_000 == pytest.approx(value, abs=0.5)
        assert isinstance(number, int) == whole
        assert parse_duration(text) == timedelta(microseconds=value)
        assert "D" not in text  # hours, never days


@pytest.mark.parametrize(
    ("us", "text"),
    [
        (0, "PT0S"),
        (40 * 3_600_000_000, "PT40H"),
        (-(90 * 60_000_000), "-PT1H30M"),
        (1_500_000, "PT1.5S"),
        (3_600_000_001, "PT1H0.000001S"),
    ],
)
def test_iso_durations_by_hand(us: int, text: str):
    """ISO 8601 durations in hours, minutes and seconds, a minus sign before a negative one."""
    assert _iso_duration(us) == text


def test_examples_carry_the_offset_of_their_zone():
    """The example instant in a hint is the wall time with its zone's offset then."""
    wall = datetime(2026, 7, 1, 9, 0)  # a wall time, without a zone
    assert example_instant(wall, "America/Santiago") == "2026-07-01T09:00-04:00"
    assert example_instant(wall, "Europe/London") == "2026-07-01T09:00+01:00"
    assert example_instant(wall, "UTC") == "2026-07-01T09:00Z"
    assert datetime.fromisoformat(example_instant(wall, "UTC")).tzinfo == UTC
