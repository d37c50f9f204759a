"""The vector path's bucket tables: the same answers as the plain index and the reference model."""

from __future__ import annotations

import pickle
from datetime import UTC, date, datetime, timedelta

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from escalate import Calendar
from escalate._index import MAX_BUCKETS, Index, VectorIndex, vector_index
from escalate._vector import _BLOCK, _add_all, _next_open_all, _open_before_all
from tests import strategies as s
from tests.reference import DAY_SECONDS, US, from_us, to_us

NAT = np.iinfo(np.int64).min
DAY_US = DAY_SECONDS * US
SPLIT = Calendar(
    timezone="America/Bogota",
    hours={"mon-fri": ["07:30-12:30", "13:30-17:00"]},
    holidays=["2026-01-01", "2026-12-25"],
)


def plain_f(idx: Index, t: int, scale: int) -> int:
    """F of an instant in units of 1/scale us, from the plain index (sub-us part by hand)."""
    us, rest = divmod(t, scale)
    inside = idx.f(us + 1) - idx.f(us) == 1  # open for the whole microsecond
    return idx.f(us) * scale + (rest if inside else 0)


def plain_next_open(idx: Index, t: int, scale: int) -> int | None:
    """The next opening of an instant (itself when open), or None past the built range."""
    us = t // scale
    if idx.f(us + 1) - idx.f(us) == 1:
        return t
    later = [b for b in idx.opens if b * scale > t]
    return later[0] * scale if later and later[0] < idx.cov_end else None


def span_index(cal: Calendar, anchor: int) -> Index:
    """The calendar's index for the local years around an anchor."""
    return cal._index_for_span(anchor - 3 * DAY_US, anchor + 3 * DAY_US)


# random calendars in DST zones, in microseconds or nanoseconds, with tables or without
table_cases = given(
    scenario=s.scenarios(s.dst_zones), data=st.data(), scale=s.vector_scales, fallback=st.booleans()
)


@settings(max_examples=settings.default.max_examples * 2)
@table_cases
def test_open_time_before_matches_the_plain_index(
    scenario: s.Scenario, data: st.DataObject, scale: int, fallback: bool
) -> None:
    """F and the next opening from the tables equal the plain index on bounds, +-1 us, anywhere.

    Both the bucket tables and the binary-search fallback, in microseconds and in
    nanoseconds (with sub-microsecond parts); NaT slots leave the other slots exact.
    """
    cal = scenario.spec.to_calendar()
    idx = span_index(cal, scenario.anchor)
    vi = VectorIndex(idx, scale, max_buckets=0 if fallback else MAX_BUCKETS)
    if fallback:
        assert (vi.time_table, vi.sum_table) == (None, None)
    probes = data.draw(s.probe_instants(idx.bounds, idx.cov_start, idx.cov_end))
    rests = data.draw(st.lists(st.integers(0, scale - 1), min_size=len(probes)))
    ts = [None if t is None else t * scale + r for t, r in zip(probes, rests, strict=False)]
    x = np.array([NAT if t is None else t for t in ts], dtype=np.int64)
    got_f = _open_before_all(np, vi, x).tolist()
    got_next = _next_open_all(np, vi, x).tolist()
    for t, f, nxt in zip(ts, got_f, got_next, strict=True):
        if t is None:
            continue
        assert f == plain_f(idx, t, scale)
        expected = plain_next_open(idx, t, scale)
        if expected is None:
            assert nxt >= vi.cov_end  # asks the caller to grow the index
        else:
            assert nxt == expected


@settings(max_examples=settings.default.max_examples * 2)
@table_cases
def test_inverse_matches_the_plain_index(
    scenario: s.Scenario, data: st.DataObject, scale: int, fallback: bool
) -> None:
    """The instant where F reaches a target equals Index.forward/backward, on and near each sum.

    Forward gives the earliest such instant and backward the latest, whether one call
    goes one way only or mixes both row by row.
    """
    cal = scenario.spec.to_calendar()
    idx = span_index(cal, scenario.anchor)
    vi = VectorIndex(idx, scale, max_buckets=0 if fallback else MAX_BUCKETS)
    total = idx.cum[-1]
    lo, hi = max(idx.f_start, 1), idx.f_end
    forward = data.draw(s.probe_targets(idx.cum, lo, hi)) if lo <= hi else []
    lo, hi = idx.f_start, min(idx.f_end, total - 1)
    backward = data.draw(s.probe_targets(idx.cum, lo, hi)) if lo <= hi else []
    expected = [idx.forward(v) * scale for v in forward] + [
        idx.backward(v) * scale for v in backward
    ]
    targets = np.array([v * scale for v in forward + backward], dtype=np.int64)
    signs = np.array([1] * len(forward) + [-1] * len(backward), dtype=np.int64)
    start = np.zeros(targets.size, np.int64)
    if data.draw(st.booleans(), label="mixed"):
        got = _add_all(np, vi, start, signs, direction=0, targets=targets).tolist()
    else:
        got = _add_all(
            np, vi, start[: len(forward)], 1, direction=1, targets=targets[: len(forward)]
        )
        got = [
            *got.tolist(),
            *_add_all(
                np, vi, start[len(forward) :], -1, direction=-1, targets=targets[len(forward) :]
            ).tolist(),
        ]
    assert got == expected


def as_numpy(values: list[int | None], unit: str = "us") -> np.ndarray:
    """Instants (us, None for NaT) as naive UTC datetime64 in ``unit``."""
    ints = [NAT if v is None else v for v in values]
    return np.array(ints, dtype=np.int64).view("datetime64[us]").astype(f"datetime64[{unit}]")


def from_numpy(array: np.ndarray) -> list[int | None]:
    """datetime64/timedelta64 values back as integer microseconds, None for NaT."""
    kind = "datetime64[us]" if array.dtype.kind == "M" else "timedelta64[us]"
    ints = array.astype(kind).view(np.int64).tolist()
    return [None if v == NAT else v for v in ints]


def reference_next_open(spec: s.CalendarSpec, t: int, last: int) -> int | None:
    """The reference model's next opening (t itself when open), None past ``last``."""
    first = from_us(t).date() - timedelta(days=3)
    for start, end in spec.intervals(first, from_us(last).date()):
        if end > t:
            found = max(start, t)
            return found if found < last else None
    return None


@settings(max_examples=settings.default.max_examples // 2)
@given(scenario=s.scenarios(s.dst_zones), data=st.data(), unit=st.sampled_from(["us", "ns"]))
def test_public_calls_match_the_reference_model(
    scenario: s.Scenario, data: st.DataObject, unit: str
) -> None:
    """add_many, between_many and next_open_many equal the plain reference model.

    Instants lie on the calendar's bounds (as the reference computes them), 1 us either
    side of one, or anywhere near the anchor; sorted or not, with NaT.
    """
    spec = scenario.spec
    cal = spec.to_calendar()
    day = from_us(scenario.anchor).date()
    bounds = [
        b for iv in spec.intervals(day - timedelta(days=2), day + timedelta(days=2)) for b in iv
    ]
    lo, hi = scenario.anchor - 2 * DAY_US, scenario.anchor + 2 * DAY_US
    starts = data.draw(s.probe_instants(bounds, lo, hi, max_size=12))
    ends = data.draw(s.probe_instants(bounds, lo, hi, max_size=len(starts)))
    ends = (ends + [None] * len(starts))[: len(starts)]
    d = data.draw(s.durations_for(spec, allow_zero=True))

    between = from_numpy(cal.between_many(as_numpy(starts, unit), as_numpy(ends, unit)))
    added = from_numpy(cal.add_many(as_numpy(starts, unit), timedelta(microseconds=d)))
    opened = from_numpy(cal.next_open_many(as_numpy(starts, unit)))
    horizon = scenario.anchor + 40 * DAY_US
    for k, (a, b) in enumerate(zip(starts, ends, strict=True)):
        if a is None:
            assert (added[k], opened[k]) == (None, None)
        else:
            assert added[k] == spec.add(a, d)
            expected = reference_next_open(spec, a, horizon)
            if expected is not None:
                assert opened[k] == expected
        assert between[k] == (None if a is None or b is None else spec.between(a, b))


def plain_floor_f(idx: Index, x: np.ndarray) -> np.ndarray:
    """The plain numpy prefix-sum floor: one searchsorted of the bounds per instant."""
    bounds = np.asarray(idx.bounds, dtype=np.int64)
    cum = np.asarray(idx.cum, dtype=np.int64)
    i = np.searchsorted(bounds, x, side="right")
    return cum[i >> 1] + np.where(i & 1, x - bounds[np.maximum(i - 1, 0)], 0)


def test_long_arrays_stitch_blocks_exactly() -> None:
    """Arrays of several blocks, random and sorted, match the plain numpy floor row by row."""
    rng = np.random.default_rng(7)
    lo = to_us(datetime(2025, 1, 1, tzinfo=UTC))
    hi = to_us(datetime(2027, 1, 1, tzinfo=UTC))
    n = 3 * _BLOCK + 123
    x = rng.integers(lo, hi, n)
    idx = SPLIT._index_for_span(lo, hi)
    vi = vector_index(idx, 1)
    assert vi.time_table is not None
    assert vi.sum_table is not None
    for values in (x, np.sort(x)):
        assert (_open_before_all(np, vi, values) == plain_floor_f(idx, values)).all()
        starts = values.view("datetime64[us]")
        got = SPLIT.add_many(starts, timedelta(hours=8)).view(np.int64)
        sample = rng.choice(n, 300)
        assert [got[i] for i in sample] == [
            to_us(SPLIT.add(from_us(int(values[i])), timedelta(hours=8))) for i in sample
        ]


def test_tables_stay_bounded_for_very_short_periods() -> None:
    """A 24x7 calendar with a 1-minute exception over 2024-2200 falls back to searching.

    Its bucket tables would need hundreds of millions of entries; both are left out,
    and the answers (across the whole horizon) still equal the scalar path.
    """
    cal = Calendar(
        timezone="UTC", hours="24x7", exceptions={date(2024, 6, 3): ["09:00-09:01", "09:02-09:03"]}
    )
    far = as_numpy(
        [to_us(datetime(2024, 6, 3, 9, 0, 30, tzinfo=UTC)), to_us(datetime(2200, 6, 1, tzinfo=UTC))]
    )
    got = cal.add_many(far, timedelta(minutes=1))
    idx = cal._cache.index
    assert idx is not None
    assert idx.hi - idx.lo > 150
    vi = vector_index(idx, 1)
    assert vi.time_table is None
    assert vi.sum_table is None
    assert from_numpy(got) == [
        to_us(cal.add(from_us(t), timedelta(minutes=1))) for t in from_numpy(far) if t is not None
    ]
    assert from_numpy(got) == [
        to_us(datetime(2024, 6, 3, 9, 2, 30, tzinfo=UTC)),
        to_us(datetime(2200, 6, 1, 0, 1, tzinfo=UTC)),
    ]
    open_after = to_us(datetime(2200, 6, 1, tzinfo=UTC)) - to_us(datetime(2024, 6, 4, tzinfo=UTC))
    assert from_numpy(cal.between_many(far[:1], far[1:])) == [open_after + 90 * US]


def test_one_second_periods_fall_back_per_table() -> None:
    """Only the table that would exceed MAX_BUCKETS is left out, and the answers stay exact.

    Openings two seconds apart need too many buckets of time; a year's 2 hours of open
    time in one-second periods fit in a table of open time.
    """
    seconds = [f"09:00:{k:02d}-09:00:{k + 1:02d}" for k in range(0, 58, 2)]
    cal = Calendar(timezone="Europe/London", hours={"mon-fri": seconds})
    starts = as_numpy(
        [to_us(datetime(2026, 3, 27, 9, 0, k, tzinfo=UTC)) for k in range(10)] + [None]
    )
    got = cal.add_many(starts, timedelta(seconds=45))
    vi = vector_index(cal._cache.index, 1)  # type: ignore[arg-type]
    assert vi.time_table is None
    assert vi.sum_table is not None
    assert from_numpy(got)[:-1] == [
        to_us(cal.add(from_us(t), timedelta(seconds=45)))
        for t in from_numpy(starts)[:-1]
        if t is not None
    ]
    assert from_numpy(got)[-1] is None


def test_tables_are_cached_per_snapshot_and_read_only() -> None:
    """Tables are built once per snapshot and unit, never written, and not pickled."""
    cal = Calendar(timezone="America/Bogota", hours={"mon-fri": ["09:00-17:00"]})
    cal.between_many(as_numpy([to_us(datetime(2026, 1, 5, tzinfo=UTC))]), as_numpy([0]))
    idx = cal._cache.index
    assert idx is not None
    first = vector_index(idx, 1)
    assert vector_index(idx, 1) is first
    assert vector_index(idx, 1000) is not first
    assert vector_index(idx, 1) is first  # building the other unit kept this one
    assert not first.lead.flags.writeable
    assert first.time_table is not None
    assert not first.time_table.flags.writeable
    cal.add_many(as_numpy([to_us(datetime(2030, 1, 5, tzinfo=UTC))]), timedelta(hours=1))
    grown = cal._cache.index
    assert grown is not idx
    assert vector_index(grown, 1) is not first  # type: ignore[arg-type]
    copy = pickle.loads(pickle.dumps(cal))
    assert copy._cache.index is None


def test_nat_duration_scalar_gives_all_nat() -> None:
    """A NaT numpy timedelta64 scalar as the duration gives NaT for every start."""
    starts = as_numpy([to_us(datetime(2026, 1, 5, 14, tzinfo=UTC)), None])
    out = SPLIT.add_many(starts, np.timedelta64("NaT"))
    assert np.isnat(out).all()
    assert out.shape == (2,)


def test_sub_nanosecond_units_are_accepted() -> None:
    """Picosecond instants and durations (int64 spans months) pass the range checks.

    They are computed in nanoseconds, like any unit finer than a microsecond.
    """
    starts = np.array(["1970-01-01T00:00:00"], dtype="datetime64[ps]")
    cal = Calendar.always("UTC")
    out = cal.add_many(starts, np.array([2_500], dtype="timedelta64[ps]"))
    assert out.dtype == np.dtype("datetime64[ps]")
    assert out[0] == np.datetime64(2, "ns")
