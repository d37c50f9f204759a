"""Vectorised add_many/between_many: same answers as the scalar path, same kind out as in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from escalate import (
    Calendar,
    EscalateError,
    HorizonError,
    InvalidDurationError,
    InvalidInstantError,
    NaiveDatetimeError,
)
from tests import strategies as s
from tests.reference import US, from_us, to_us

SPLIT = Calendar(timezone="America/Bogota", hours={"mon-fri": ["07:30-12:30", "13:30-17:00"]})


def as_numpy(values: list[int | None], unit: str = "us") -> np.ndarray:
    """Instants (us since the epoch, None for NaT) as a naive UTC datetime64 array."""
    raw = [np.datetime64("NaT") if v is None else np.datetime64(v, "us") for v in values]
    return np.array(raw, dtype="datetime64[us]").astype(f"datetime64[{unit}]")


def scalar_add(cal: Calendar, t: int | None, d: int | None) -> int | None:
    """The scalar answer for one element, None for NaT."""
    if t is None or d is None:
        return None
    return to_us(cal.add(from_us(t), timedelta(microseconds=d)))


def scalar_between(cal: Calendar, a: int | None, b: int | None) -> int | None:
    """The scalar answer for one pair, None for NaT."""
    if a is None or b is None:
        return None
    delta = cal.between(from_us(a), from_us(b))
    return (delta.days * 86_400 + delta.seconds) * US + delta.microseconds


def numpy_values(array: np.ndarray) -> list[int | None]:
    """A datetime64/timedelta64 array back as integer microseconds, None for NaT."""
    mask = np.isnat(array)
    ints = array.astype("datetime64[us]" if array.dtype.kind == "M" else "timedelta64[us]")
    return [None if m else int(v) for v, m in zip(ints.view("int64"), mask, strict=True)]


@given(scenario=s.scenarios(), data=st.data())
def test_add_many_numpy_equals_scalar(scenario: s.Scenario, data: st.DataObject) -> None:
    """add_many over datetime64[us] arrays equals add element by element; NaT stays NaT."""
    cal = scenario.spec.to_calendar()
    starts = data.draw(s.instant_lists(scenario.anchor))
    durations = [
        data.draw(st.one_of(s.durations_for(scenario.spec, allow_zero=True), st.none()))
        for _ in starts
    ]
    deltas = np.array(
        [np.timedelta64("NaT") if d is None else np.timedelta64(d, "us") for d in durations],
        dtype="timedelta64[us]",
    )
    got = cal.add_many(as_numpy(starts), deltas)
    assert isinstance(got, np.ndarray)
    assert got.dtype == np.dtype("datetime64[us]")
    expected = [scalar_add(cal, t, d) for t, d in zip(starts, durations, strict=True)]
    assert numpy_values(got) == expected


@given(scenario=s.scenarios(), data=st.data())
def test_between_many_numpy_equals_scalar(scenario: s.Scenario, data: st.DataObject) -> None:
    """between_many over datetime64 arrays equals between element by element, signed."""
    cal = scenario.spec.to_calendar()
    starts = data.draw(s.instant_lists(scenario.anchor))
    ends = [data.draw(st.one_of(s.instants_near(scenario.anchor), st.none())) for _ in starts]
    got = cal.between_many(as_numpy(starts), as_numpy(ends))
    assert isinstance(got, np.ndarray)
    assert got.dtype.kind == "m"
    expected = [scalar_between(cal, a, b) for a, b in zip(starts, ends, strict=True)]
    assert numpy_values(got) == expected


@settings(max_examples=settings.default.max_examples // 2)
@given(scenario=s.scenarios(), data=st.data())
def test_pandas_series_equals_scalar(scenario: s.Scenario, data: st.DataObject) -> None:
    """A tz-aware Series comes back as a Series in the calendar zone, same index and name."""
    cal = scenario.spec.to_calendar()
    starts = data.draw(s.instant_lists(scenario.anchor, max_size=15))
    index = pd.Index([f"ticket-{k}" for k in range(len(starts))])
    series = pd.Series(
        pd.DatetimeIndex(as_numpy(starts)).tz_localize("UTC").tz_convert("Asia/Kolkata"),
        index=index,
        name="opened",
    )
    d = data.draw(s.durations_for(scenario.spec))
    got = cal.add_many(series, timedelta(microseconds=d))
    assert isinstance(got, pd.Series)
    assert got.index.equals(index)
    assert got.name == "opened"
    assert str(got.dt.tz) == scenario.spec.timezone
    expected = [scalar_add(cal, t, d) for t in starts]
    assert [None if pd.isna(v) else to_us(v.to_pydatetime()) for v in got] == expected
    spans = cal.between_many(series, got)
    assert isinstance(spans, pd.Series)
    assert spans.index.equals(index)
    assert [None if pd.isna(v) else v.to_pytimedelta() for v in spans] == [
        None if t is None else timedelta(microseconds=d) for t in starts
    ]


def test_datetime_index_in_datetime_index_out() -> None:
    """A DatetimeIndex comes back as a DatetimeIndex in the calendar zone, NaT preserved."""
    starts = pd.DatetimeIndex(
        [pd.Timestamp("2026-01-09 16:10", tz="America/Bogota"), pd.NaT], name="opened"
    )
    got = SPLIT.add_many(starts, pd.TimedeltaIndex([pd.Timedelta(hours=2), pd.Timedelta(hours=1)]))
    assert isinstance(got, pd.DatetimeIndex)
    assert got.name == "opened"
    assert str(got.tz) == "America/Bogota"
    assert got[0] == pd.Timestamp("2026-01-12 08:40", tz="America/Bogota")
    assert pd.isna(got[1])
    spans = SPLIT.between_many(starts, got)
    assert isinstance(spans, pd.TimedeltaIndex)
    assert spans[0] == pd.Timedelta(hours=2)
    assert pd.isna(spans[1])


def test_numpy_unit_is_preserved() -> None:
    """datetime64[ns] in gives datetime64[ns] out, interpreted as UTC."""
    starts = np.array(["2026-01-09T21:10:00.000000001", "NaT"], dtype="datetime64[ns]")
    got = SPLIT.add_many(starts, timedelta(hours=2))
    assert got.dtype == np.dtype("datetime64[ns]")
    assert got[0] == np.datetime64("2026-01-12T13:40:00.000000001", "ns")
    assert np.isnat(got[1])


def test_scalar_duration_broadcasts() -> None:
    """A scalar timedelta applies to every start."""
    starts = as_numpy([to_us(datetime(2026, 1, 5, 12 + k, tzinfo=UTC)) for k in range(5)])
    got = SPLIT.add_many(starts, timedelta(minutes=30))
    explicit = SPLIT.add_many(starts, np.full(5, 30 * 60 * US, dtype="timedelta64[us]"))
    assert (got == explicit).all()
    assert numpy_values(got) == [
        to_us(SPLIT.add(from_us(t), timedelta(minutes=30)))
        for t in numpy_values(starts)
        if t is not None
    ]


def test_empty_arrays() -> None:
    """Empty arrays give empty arrays of the same kind."""
    empty = np.array([], dtype="datetime64[us]")
    assert SPLIT.add_many(empty, timedelta(hours=1)).shape == (0,)
    assert SPLIT.between_many(empty, empty).shape == (0,)


@pytest.mark.parametrize(
    "naive",
    [
        pd.Series(pd.to_datetime(["2026-01-09 16:10"])),
        pd.DatetimeIndex(["2026-01-09 16:10"]),
    ],
    ids=["series", "index"],
)
def test_naive_pandas_is_rejected(naive: object) -> None:
    """Naive pandas datetimes raise NaiveDatetimeError naming tz_localize."""
    with pytest.raises(NaiveDatetimeError, match="tz_localize"):
        SPLIT.add_many(naive, timedelta(hours=1))
    with pytest.raises(NaiveDatetimeError):
        SPLIT.between_many(naive, naive)


def test_wrong_array_kinds_are_rejected() -> None:
    """Integer arrays as instants and ints as durations raise typed TypeErrors."""
    with pytest.raises(InvalidInstantError):
        SPLIT.add_many(np.array([1, 2]), timedelta(hours=1))
    with pytest.raises(InvalidDurationError):
        SPLIT.add_many(as_numpy([0]), 5)
    with pytest.raises(EscalateError, match="same length"):
        SPLIT.add_many(as_numpy([0, 1]), np.array([1], dtype="timedelta64[s]"))


def test_arrays_beyond_horizon_are_rejected() -> None:
    """An array holding an instant outside years 1900-2200 raises HorizonError."""
    far = np.array(["2250-01-01T00:00"], dtype="datetime64[us]")
    with pytest.raises(HorizonError, match="2200"):
        SPLIT.add_many(far, timedelta(hours=1))
    with pytest.raises(HorizonError):
        SPLIT.between_many(far, far)


def test_arrays_at_the_horizon_edges_are_accepted() -> None:
    """Instants on the first and last supported dates (1900-01-01, 2200-12-31 UTC) are accepted."""
    cal = Calendar(timezone="UTC", hours={"mon-fri": ["09:00-17:00"]})
    edges = np.array(["1900-01-01T12:00", "2200-12-31T12:00"], dtype="datetime64[us]")
    got = cal.add_many(edges, timedelta(hours=1))
    assert list(got) == [
        np.datetime64("1900-01-01T13:00", "us"),
        np.datetime64("2200-12-31T13:00", "us"),
    ]
