"""Vectorised edge cases: NaT, lengths, input kinds, duration kinds, growth and 24x7."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from escalate import (
    Calendar,
    HorizonError,
    InvalidDurationError,
    InvalidInstantError,
    InvalidRangeError,
    NaiveDatetimeError,
    NeverOpenError,
)

OFFICE = Calendar(timezone="America/Bogota", hours={"mon-fri": ["09:00-17:00"]})
ALWAYS = Calendar.always("America/Bogota")
MONDAY_9AM = datetime(2026, 1, 5, 14, tzinfo=UTC)  # 09:00 in Bogota


def utc(*texts: str, unit: str = "s") -> np.ndarray:
    """Naive UTC datetime64 instants ('NaT' allowed) in ``unit``."""
    return np.array(texts, dtype=f"datetime64[{unit}]")


def as_utc(value: np.datetime64) -> datetime:
    """A naive UTC datetime64 as an aware stdlib datetime."""
    micros = int(value.astype("datetime64[us]").astype(np.int64))
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=micros)


# -- NaT --------------------------------------------------------------------------------


def test_all_nat_starts_give_all_nat() -> None:
    """An array of only NaT gives only NaT, for add_many and between_many."""
    nat = utc("NaT", "NaT")
    added = OFFICE.add_many(nat, timedelta(hours=1))
    assert np.isnat(added).all()
    assert added.shape == (2,)
    between = OFFICE.between_many(nat, nat)
    assert np.isnat(between).all()
    assert between.dtype == np.dtype("timedelta64[s]")


def test_all_nat_durations_give_all_nat() -> None:
    """NaT durations give NaT results even when the starts are valid."""
    durations = np.array(["NaT", "NaT"], dtype="timedelta64[m]")
    out = OFFICE.add_many(utc("2026-01-05T14:00", "2026-01-06T14:00"), durations)
    assert np.isnat(out).all()


def test_nat_in_either_end_of_between() -> None:
    """between_many gives NaT where either end is NaT and the scalar answer elsewhere."""
    starts = utc("2026-01-05T14:00", "NaT", "2026-01-05T14:00")
    ends = utc("2026-01-06T14:00", "2026-01-06T14:00", "NaT")
    out = OFFICE.between_many(starts, ends)
    assert out[0] == np.timedelta64(8, "h")
    assert np.isnat(out[1:]).all()


def test_nat_duration_masks_only_its_element() -> None:
    """A NaT duration gives NaT in its own slot and leaves the others exact."""
    durations = np.array([1, "NaT"], dtype="timedelta64[h]")
    out = OFFICE.add_many(utc("2026-01-05T14:00", "2026-01-05T14:00"), durations)
    assert out[0] == np.datetime64("2026-01-05T15:00", "s")
    assert np.isnat(out[1])


# -- lengths and input kinds ------------------------------------------------------------


def test_between_many_length_mismatch() -> None:
    """Start and end arrays of different lengths raise InvalidRangeError (a ValueError)."""
    with pytest.raises(InvalidRangeError, match="same length, got 2 and 1") as info:
        OFFICE.between_many(utc("2026-01-05", "2026-01-06"), utc("2026-01-07"))
    assert isinstance(info.value, ValueError)


def test_durations_of_another_shape_are_rejected() -> None:
    """A durations array whose shape is not (len(starts),) raises InvalidRangeError."""
    with pytest.raises(InvalidRangeError, match="same length"):
        OFFICE.add_many(utc("2026-01-05"), np.array([[1]], dtype="timedelta64[h]"))


def test_naive_pandas_column_asks_for_tz_localize() -> None:
    """A naive pandas datetime column raises NaiveDatetimeError, a TypeError, naming the fix."""
    naive = pd.Series(pd.to_datetime(["2026-01-05 09:00"]))
    aware = naive.dt.tz_localize("America/Bogota")
    with pytest.raises(NaiveDatetimeError, match=r"dt\.tz_localize") as info:
        OFFICE.between_many(aware, naive)
    assert isinstance(info.value, TypeError)


@pytest.mark.parametrize(
    "starts",
    [
        pd.Series([1, 2]),
        pd.Index(["2026-01-05", "2026-01-06"]),
        [datetime(2026, 1, 5, tzinfo=UTC)],
        np.array([1, 2]),
        datetime(2026, 1, 5, tzinfo=UTC),
    ],
    ids=["pandas-ints", "pandas-strings", "list", "numpy-ints", "scalar"],
)
def test_unsupported_instant_kinds(starts: object) -> None:
    """Anything but datetime64 arrays or tz-aware pandas raises InvalidInstantError (TypeError)."""
    with pytest.raises(InvalidInstantError) as info:
        OFFICE.add_many(starts, timedelta(hours=1))
    assert isinstance(info.value, TypeError)
    with pytest.raises(InvalidInstantError):
        OFFICE.between_many(utc("2026-01-05"), starts)


@pytest.mark.parametrize(
    "durations",
    [[timedelta(hours=1)], 3600, np.array([3600]), pd.Series([3600])],
    ids=["list", "int", "numpy-ints", "pandas-ints"],
)
def test_unsupported_duration_kinds(durations: object) -> None:
    """Durations that are not timedelta(s) raise InvalidDurationError, a TypeError."""
    with pytest.raises(InvalidDurationError, match="durations must be") as info:
        OFFICE.add_many(utc("2026-01-05T14:00"), durations)
    assert isinstance(info.value, TypeError)


# -- duration kinds ---------------------------------------------------------------------


def test_numpy_timedelta64_scalar_broadcasts() -> None:
    """A numpy timedelta64 scalar applies to every start, like the scalar add."""
    starts = utc("2026-01-05T14:00", "2026-01-09T21:00")
    out = OFFICE.add_many(starts, np.timedelta64(8, "h"))
    expected = [OFFICE.add(as_utc(t), timedelta(hours=8)) for t in starts]
    assert [as_utc(t) for t in out] == expected
    assert out.dtype == np.dtype("datetime64[s]")


def test_timedelta_index_durations_with_datetime_index() -> None:
    """A pandas TimedeltaIndex works as durations and the result keeps the index's name."""
    starts = pd.DatetimeIndex(["2026-01-05 16:00", "2026-01-09 16:30"], name="opened").tz_localize(
        "America/Bogota"
    )
    durations = pd.TimedeltaIndex([pd.Timedelta(hours=2), pd.Timedelta(minutes=45)])
    out = OFFICE.add_many(starts, durations)
    assert isinstance(out, pd.DatetimeIndex)
    assert out.name == "opened"
    assert list(out) == [
        OFFICE.add(t.to_pydatetime(), d.to_pytimedelta())
        for t, d in zip(starts, durations, strict=True)
    ]


def test_durations_beyond_146_years_are_rejected() -> None:
    """Durations beyond the vectorised limit, either sign, raise HorizonError (OverflowError)."""
    for years in (150, -150):
        durations = np.array([years * 365 * 86_400], dtype="timedelta64[s]")
        with pytest.raises(HorizonError, match="146 years") as info:
            OFFICE.add_many(utc("2026-01-05"), durations)
        assert isinstance(info.value, OverflowError)


# -- growth of the index ----------------------------------------------------------------


@pytest.mark.parametrize("hours", [-1000, -5000, 1000, 5000])
def test_long_durations_cross_years_like_the_scalar_path(hours: int) -> None:
    """Durations that leave the start's year, forwards or backwards, match cal.add exactly."""
    starts = utc("2026-01-05T14:00", "2026-12-30T20:00", "NaT")
    out = OFFICE.add_many(starts, np.timedelta64(hours, "h"))
    expected = [OFFICE.add(as_utc(t), timedelta(hours=hours)) for t in starts[:2]]
    assert [as_utc(t) for t in out[:2]] == expected
    assert np.isnat(out[2])


def test_mixed_signs_in_one_array() -> None:
    """Positive and negative durations in one call each match the scalar answer."""
    starts = utc("2026-01-05T14:00", "2026-01-05T14:00", "2026-01-05T14:00")
    durations = np.array([-3000, 0, 3000], dtype="timedelta64[h]")
    out = OFFICE.add_many(starts, durations)
    expected = [OFFICE.add(MONDAY_9AM, timedelta(hours=int(h))) for h in durations.astype(np.int64)]
    assert [as_utc(t) for t in out] == expected


def test_never_open_calendar_has_no_open_time_between() -> None:
    """between_many on a calendar that never opens gives zero for every pair."""
    never = Calendar(timezone="UTC", hours={})
    out = never.between_many(utc("2026-01-01", "2026-06-01"), utc("2027-01-01", "2026-01-01"))
    assert out.tolist() == [timedelta(0), timedelta(0)]


# -- 24x7 -------------------------------------------------------------------------------


def test_always_open_adds_and_measures_physical_time() -> None:
    """On a 24x7 calendar add_many is plain addition and between_many plain subtraction."""
    starts = utc("2026-01-05T14:00", "NaT", "2026-03-08T06:30")
    out = ALWAYS.add_many(starts, np.timedelta64(-30, "h"))
    assert out[0] == np.datetime64("2026-01-04T08:00", "s")
    assert np.isnat(out[1])
    assert out[2] == np.datetime64("2026-03-07T00:30", "s")
    back = ALWAYS.between_many(starts, utc("2026-01-04T14:00", "2026-01-04", "NaT", unit="m"))
    assert back[0] == np.timedelta64(-1, "D")
    assert np.isnat(back[1:]).all()


@pytest.mark.parametrize(
    ("start", "hours"),
    [("2200-12-31T20:00", 30), ("1900-01-01T12:00", -30)],
    ids=["after-2200", "before-1900"],
)
def test_always_open_results_beyond_the_horizon(start: str, hours: int) -> None:
    """A 24x7 add_many whose result leaves years 1900-2200 raises HorizonError."""
    with pytest.raises(HorizonError, match="1900-2200"):
        Calendar.always("UTC").add_many(utc(start), np.timedelta64(hours, "h"))


def test_always_open_series_comes_back_in_the_calendar_zone() -> None:
    """A tz-aware Series on a 24x7 calendar comes back in the calendar zone with its index."""
    starts = pd.Series(pd.to_datetime(["2026-01-05T14:00Z"]), index=["ticket-7"], name="opened")
    out = ALWAYS.add_many(starts, timedelta(hours=1))
    assert out.index.tolist() == ["ticket-7"]
    assert out.name == "opened"
    assert str(out.dt.tz) == "America/Bogota"
    assert out.iloc[0] == pd.Timestamp("2026-01-05T10:00", tz="America/Bogota")


# -- next_open_many ---------------------------------------------------------------------


def test_next_open_many_matches_the_scalar_path() -> None:
    """next_open_many gives cal.next_open for each instant, NaT for NaT, the unit kept."""
    starts = utc(
        "2026-01-05T14:00",  # on an opening: stays
        "2026-01-05T22:00",  # on a closing: the next opening
        "2026-01-10T12:00",  # Saturday: Monday's opening
        "2026-12-31T23:00",  # past the year's end
        "NaT",
    )
    out = OFFICE.next_open_many(starts)
    assert out.dtype == starts.dtype
    assert [as_utc(t) for t in out[:4]] == [OFFICE.next_open(as_utc(t)) for t in starts[:4]]
    assert np.isnat(out[4])


def test_next_open_many_searches_years_ahead() -> None:
    """next_open_many finds an opening years after the instants, as the scalar path does."""
    far = Calendar(timezone="UTC", hours={}, exceptions={"2034-05-08": ["09:00-10:00"]})
    out = far.next_open_many(utc("2026-01-01", "2030-06-01"))
    assert out.tolist() == [datetime(2034, 5, 8, 9)] * 2


def test_next_open_many_on_always_open_and_all_nat() -> None:
    """A 24x7 calendar returns the instants themselves; all-NaT input gives all NaT."""
    starts = pd.DatetimeIndex(["2026-01-10 12:00"], tz="UTC")
    out = ALWAYS.next_open_many(starts)
    assert list(out) == [pd.Timestamp("2026-01-10 07:00", tz="America/Bogota")]
    assert np.isnat(OFFICE.next_open_many(utc("NaT", "NaT"))).all()


def test_next_open_many_on_a_never_open_calendar() -> None:
    """next_open_many on a calendar that never opens raises NeverOpenError, like next_open."""
    never = Calendar(timezone="UTC", hours={})
    with pytest.raises(NeverOpenError):
        never.next_open_many(utc("2026-01-01"))
