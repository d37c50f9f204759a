"""The compiled index behind a calendar: merged open intervals and their prefix sums.

Instants are integers: microseconds since 1970-01-01T00:00Z. For a range of local years the
index holds the merged open intervals as one flat, strictly increasing list
``bounds = [o0, c0, o1, c1, ...]`` and ``cum[k]``, the open time before ``o_k``. Then
``F(t)``, the open time before ``t``, is one bisection; ``between`` is a difference of two
``F`` values and ``add`` inverts ``F`` with one more bisection, so the cost never grows
with the duration.

The index is built lazily for the years a query touches and replaced (never mutated) when
it grows, so readers on other threads always see a consistent snapshot.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta, tzinfo
from itertools import pairwise
from typing import Any

__all__ = [
    "EPOCH",
    "MAX_BUCKETS",
    "MAX_SCALAR_BUCKETS",
    "MAX_WALL_BOUNDS",
    "MAX_YEAR",
    "MIN_YEAR",
    "ONE_US",
    "Index",
    "IndexCache",
    "ScalarIndex",
    "VectorIndex",
    "WallIndex",
    "scalar_index",
    "td_us",
    "to_datetime",
    "vector_index",
    "wall_index",
]

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_DAY_US = 86_400_000_000
MIN_YEAR = 1900
MAX_YEAR = 2200
FIRST_ORDINAL = date(MIN_YEAR, 1, 1).toordinal()
LAST_ORDINAL = date(MAX_YEAR, 12, 31).toordinal()
"""The first and last dates of the supported horizon, as ordinals."""

# (date) -> list of (start_seconds, end_seconds) wall-clock intervals starting that date
DayIntervals = Callable[[date], Sequence[tuple[int, int]]]


def local_to_us(day_ordinal: int, seconds: int, zone: tzinfo) -> int:
    """Return the instant of wall time ``seconds`` after midnight of a date, fold=0.

    In the spring gap fold=0 uses the offset from before the change, which moves the
    wall time forward by the gap; an ambiguous time takes its first occurrence.
    """
    days, rem = divmod(seconds, 86_400)
    ordinal = day_ordinal + days
    wall = datetime.fromordinal(ordinal) + timedelta(seconds=rem)
    offset = wall.replace(tzinfo=zone).utcoffset()
    assert offset is not None  # noqa: S101 - ZoneInfo always answers
    wall_us = ((ordinal - _EPOCH_ORDINAL) * 86_400 + rem) * 1_000_000
    return wall_us - ((offset.days * 86_400 + offset.seconds) * 1_000_000 + offset.microseconds)


ONE_US = timedelta(microseconds=1)


def td_us(value: timedelta) -> int:
    """Return a duration as integer microseconds (exact, unlike ``total_seconds``)."""
    return (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds


def to_datetime(us: int, zone: tzinfo) -> datetime:
    """Return the aware datetime of an instant, in ``zone``."""
    if us % 1_000_000:
        # multiplying is exact and faster than timedelta(microseconds=us)
        return (EPOCH + ONE_US * us).astimezone(zone)
    # whole seconds, the usual case: one call, exact for integers (zone.fromutc inside)
    return datetime.fromtimestamp(us // 1_000_000, zone)


def year_start_us(year: int, zone: tzinfo) -> int:
    """Return the instant of local midnight starting 1 January of ``year``."""
    return local_to_us(date(year, 1, 1).toordinal(), 0, zone)


class Index:
    """An immutable snapshot of the compiled open intervals for local years lo..hi."""

    __slots__ = (
        "bounds",
        "business_days",
        "cov_end",
        "cov_start",
        "cum",
        "f_end",
        "f_start",
        "hi",
        "lo",
        "np_arrays",
        "opens",
        "tables",
    )

    def __init__(
        self,
        lo: int,
        hi: int,
        zone: tzinfo,
        intervals: list[tuple[int, int]],
        business_days: list[int],
    ) -> None:
        self.lo, self.hi = lo, hi
        self.cov_start = year_start_us(lo, zone)
        self.cov_end = year_start_us(hi + 1, zone)
        bounds: list[int] = []
        cum = [0]
        total = 0
        for start, end in sorted(intervals):
            if bounds and start <= bounds[-1]:  # overlapping or touching: merge
                if end > bounds[-1]:
                    total += end - bounds[-1]
                    bounds[-1] = end
                    cum[-1] = total
                continue
            bounds.append(start)
            bounds.append(end)
            total += end - start
            cum.append(total)
        self.bounds = bounds
        self.opens = bounds[0::2]
        self.cum = cum
        self.business_days = business_days
        self.f_start = self.f(self.cov_start)
        self.f_end = self.f(self.cov_end)
        self.np_arrays: Any = None
        self.tables: ScalarIndex | None = None  # built on first use, by scalar_index

    def f(self, t: int) -> int:
        """Return the open time before ``t`` (relative to the first interval)."""
        i = bisect_right(self.bounds, t)
        if i & 1:
            return self.cum[i >> 1] + t - self.bounds[i - 1]
        return self.cum[i >> 1]

    def covers(self, t: int) -> bool:
        """Whether the instant ``t`` lies in this snapshot's exact range."""
        return self.cov_start <= t < self.cov_end

    def forward(self, target: int) -> int:
        """Return the earliest instant ``x`` with ``f(x) == target`` (``target > 0``)."""
        k = bisect_left(self.cum, target) - 1
        return self.opens[k] + target - self.cum[k]

    def backward(self, target: int) -> int:
        """Return the latest instant ``x`` with ``f(x) == target`` (``target < total``)."""
        k = bisect_right(self.cum, target) - 1
        return self.opens[k] + target - self.cum[k]


class IndexCache:
    """The mutable, thread-safe holder of a calendar's compiled :class:`Index` snapshots.

    A query far from what is built gets a snapshot of its own years, so that asking about
    2199 after 2026 builds one year, not the 170 between. The cache keeps a few such
    snapshots, each a contiguous range of years; one that reaches within a few years of
    another is joined with it. :attr:`index` is the snapshot used last, which the hot
    paths try first. It is excluded from equality and hashing, and pickles as an empty
    cache.
    """

    __slots__ = ("_lock", "_segments", "_years", "index")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._years: dict[int, tuple[list[tuple[int, int]], list[int]]] = {}
        self._segments: tuple[Index, ...] = ()  # replaced, never mutated
        self.index: Index | None = None

    def __reduce__(self) -> tuple[type[IndexCache], tuple[()]]:
        return (IndexCache, ())

    def _year(
        self, year: int, zone: tzinfo, day_intervals: DayIntervals
    ) -> tuple[list[tuple[int, int]], list[int]]:
        found = self._years.get(year)
        if found is None:
            intervals: list[tuple[int, int]] = []
            business: list[int] = []
            first = date(year, 1, 1).toordinal()
            last = date(year, 12, 31).toordinal()
            for ordinal in range(first, last + 1):
                opened = False
                for start, end in day_intervals(date.fromordinal(ordinal)):
                    s = local_to_us(ordinal, start, zone)
                    e = local_to_us(ordinal, end, zone)
                    if e > s:  # an interval inside a spring gap may vanish
                        intervals.append((s, e))
                        opened = True
                if opened:
                    business.append(ordinal)
            found = (intervals, business)
            self._years[year] = found
        return found

    def _covering(self, lo: int, hi: int) -> Index | None:
        current = self.index
        if current is not None and current.lo <= lo and hi <= current.hi:
            return current
        for segment in self._segments:
            if segment.lo <= lo and hi <= segment.hi:
                self.index = segment
                return segment
        return None

    def ensure(self, lo: int, hi: int, zone: tzinfo, day_intervals: DayIntervals) -> Index:
        """Return a snapshot covering at least local years ``lo..hi`` (built if needed)."""
        lo, hi = max(lo, MIN_YEAR), min(hi, MAX_YEAR)  # callers check what they got
        found = self._covering(lo, hi)
        if found is not None:
            return found
        with self._lock:
            found = self._covering(lo, hi)
            if found is not None:
                return found
            # join the snapshots that overlap lo..hi or lie within _JOIN_GAP years of it
            # (repeatedly: a joined range may reach the next one)
            rest = list(self._segments)
            grew = True
            while grew:
                grew = False
                for segment in rest:
                    if segment.lo - _JOIN_GAP <= hi + 1 and lo - 1 <= segment.hi + _JOIN_GAP:
                        lo, hi = min(lo, segment.lo), max(hi, segment.hi)
                        rest.remove(segment)
                        grew = True
                        break
            index = self._build(lo, hi, zone, day_intervals)
            self._segments = (index, *rest[: _SEGMENTS - 1])
            self.index = index
            return index

    def _build(self, lo: int, hi: int, zone: tzinfo, day_intervals: DayIntervals) -> Index:
        intervals: list[tuple[int, int]] = []
        # an overnight interval of 31 December of the year before reaches into lo
        prior = date(lo - 1, 12, 31)
        intervals.extend(
            (local_to_us(prior.toordinal(), s, zone), local_to_us(prior.toordinal(), e, zone))
            for s, e in day_intervals(prior)
        )
        business: list[int] = []
        for year in range(lo, hi + 1):
            year_intervals, year_business = self._year(year, zone, day_intervals)
            intervals.extend(year_intervals)
            business.extend(year_business)
        return Index(lo, hi, zone, [iv for iv in intervals if iv[1] > iv[0]], business)


# a gap of this many years between two snapshots is built to join them: cheap, and one
# snapshot then answers every query across both
_JOIN_GAP = 3
# how many disjoint snapshots a calendar keeps (the years themselves stay cached)
_SEGMENTS = 8


def utc_year(us: int) -> int:
    """Return the UTC year of an instant, clamped into the supported horizon (+-1)."""
    if us < _MIN_US:
        return MIN_YEAR - 1
    if us >= _MAX_US:
        return MAX_YEAR + 1
    return (EPOCH + timedelta(microseconds=us)).year


_MIN_US = (date(MIN_YEAR, 1, 1).toordinal() - _EPOCH_ORDINAL) * _DAY_US
_MAX_US = (date(MAX_YEAR, 12, 31).toordinal() - _EPOCH_ORDINAL) * _DAY_US


# -- lookup tables for the vectorised path ---------------------------------------------------

MAX_BUCKETS = 1 << 20
"""The most entries of one bucket table (int32: 4 MB); a larger one falls back to searching."""

_INT64_MAX = 2**63 - 1


def _bucket_table(
    np: Any, keys: Any, base: int, last: int, *, side: str, limit: int
) -> tuple[int, Any]:
    """Return ``(shift, table)`` of a bucket table for the sorted ``keys`` over ``[base, last]``.

    Buckets are ``2**shift`` wide, no wider than the smallest gap between keys, so each holds
    at most one key; ``table[j]`` counts the keys below bucket ``j``'s start (``side="left"``)
    or at or below it (``"right"``). ``table`` is ``None`` when it would exceed ``limit``.
    """
    span = max(last - base, 0)
    gap = int(np.diff(keys).min()) if len(keys) > 1 else span + 1
    shift = max(gap.bit_length() - 1, 0)
    size = (span >> shift) + 1
    if size > limit:
        return shift, None
    starts = base + (np.arange(size, dtype=np.int64) << shift)
    table = np.searchsorted(keys, starts, side=side).astype(np.int32)
    table.flags.writeable = False
    return shift, table


class VectorIndex:
    """Lookup tables that answer ``F`` and its inverse for whole arrays with a few gathers.

    Built from one :class:`Index` snapshot for integer instants in units of ``1/scale``
    microseconds (``scale`` 1 for ``datetime64[us]``, 1000 for ``[ns]``), and immutable.

    Let ``k`` be the number of openings at or before ``t`` (0 before the first). Then
    ``F(t) = min(t + lead[k], cum[k])``: inside period ``k - 1`` the open time grows with
    ``t`` from ``cum[k - 1]`` at its opening, and after its close it stays at ``cum[k]``
    (``lead[0]`` is large enough that ``F`` is 0 before the first opening). Inverting
    ``F`` at an open-time ``target`` needs the number ``k`` of prefix sums below it (the
    earliest instant, for ``add`` forwards) or at or below it (the latest, backwards), and
    then the instant is ``target - lead[k]``.

    Both counts come from a *bucket table* rather than a binary search: instants (or
    open-time values) are cut into buckets of ``2**shift`` units, no wider than the
    smallest gap between openings (or the shortest period), so a bucket holds at most one
    key; the table gives the count at the bucket's start, and one comparison with the
    next key corrects it. A table that would have more than :data:`MAX_BUCKETS` entries
    (very short periods over many years) is left out, and ``numpy.searchsorted`` on the
    keys answers instead.
    """

    __slots__ = (
        "cov_end",
        "cov_start",
        "cum",
        "f_end",
        "f_start",
        "lead",
        "next_open",
        "opens",
        "scale",
        "sum_base",
        "sum_shift",
        "sum_table",
        "sums",
        "time_base",
        "time_shift",
        "time_table",
    )

    def __init__(self, idx: Index, scale: int, *, max_buckets: int = MAX_BUCKETS) -> None:
        import numpy as np  # noqa: PLC0415 - numpy is an optional extra

        self.scale = scale
        self.cov_start, self.cov_end = idx.cov_start * scale, idx.cov_end * scale
        self.f_start, self.f_end = idx.f_start * scale, idx.f_end * scale
        opens = np.asarray(idx.opens, dtype=np.int64) * scale
        sums = np.asarray(idx.cum, dtype=np.int64) * scale
        self.opens, self.sums = opens, sums
        # cum[k] for k <= len(opens), then a sentinel that no target reaches
        self.cum = np.append(sums, _INT64_MAX)
        self.next_open = np.append(opens, _INT64_MAX)
        # the queries lie in [cov_start, cov_end); F is 0 before the first opening
        self.time_base = self.cov_start
        self.lead = np.concatenate([[1 - self.time_base], sums[:-1] - opens])
        self.time_shift, self.time_table = _bucket_table(
            np, opens, self.time_base, self.cov_end - 1, side="right", limit=max_buckets
        )
        # the open-time targets lie in [f_start, f_end]
        self.sum_base = self.f_start
        self.sum_shift, self.sum_table = _bucket_table(
            np, sums, self.f_start, self.f_end, side="left", limit=max_buckets
        )
        for array in (opens, sums, self.cum, self.next_open, self.lead):
            array.flags.writeable = False


def vector_index(idx: Index, scale: int) -> VectorIndex:
    """Return the lookup tables of ``idx`` in units of ``1/scale`` µs, built once and cached.

    The cache lives on the snapshot (``Index.np_arrays``, a mapping from scale to tables)
    and is replaced whole, never changed in place; two threads that race build the same
    tables, and either result is right.
    """
    found: dict[int, VectorIndex] | None = idx.np_arrays
    tables = found.get(scale) if found is not None else None
    if tables is None:
        tables = VectorIndex(idx, scale)
        idx.np_arrays = {**(found or {}), scale: tables}
    return tables


# -- the same tables as Python lists, for the scalar hot paths --------------------------------

MAX_SCALAR_BUCKETS = 1 << 18
"""The most entries of one scalar bucket table (a list: 2 MB); beyond it, ``bisect`` answers."""


def _bucket_list(keys: list[int], base: int, last: int, *, strict: bool) -> tuple[int, list[int]]:
    """:func:`_bucket_table` as a Python list (``strict``: count keys below, not at or below).

    Empty when it would have more than :data:`MAX_SCALAR_BUCKETS` entries. Built by runs:
    each key raises the count from the first bucket whose start passes it.
    """
    span = max(last - base, 0)
    gap = min((b - a for a, b in pairwise(keys)), default=span + 1)
    shift = max(gap.bit_length() - 1, 0)
    size = (span >> shift) + 1
    table: list[int] = []
    if size > MAX_SCALAR_BUCKETS:
        return shift, table
    for count, key in enumerate(keys):
        # the first bucket that counts this key: start > key (strict) or start >= key
        first = ((key - base) >> shift) + 1 if strict else -((base - key) >> shift)
        first = min(max(first, 0), size)
        if first > len(table):
            table.extend([count] * (first - len(table)))
    table.extend([len(keys)] * (size - len(table)))
    return shift, table


class ScalarIndex:
    """:class:`VectorIndex`'s tables as lists of ints, in microseconds, for one value at a time.

    A lookup here is a shift and a few list reads, about half the cost of a ``bisect`` of
    the bounds; the formulas are those of :class:`VectorIndex`. The tables answer for
    instants in ``[lo, hi)``, the snapshot's exact range, or for none at all (``lo ==
    hi``) when a table would have more than :data:`MAX_SCALAR_BUCKETS` entries.
    """

    __slots__ = (
        "cum",
        "f_end",
        "f_start",
        "hi",
        "lead",
        "lo",
        "next_open",
        "sum_shift",
        "sum_table",
        "time_shift",
        "time_table",
        "walls",
    )

    def __init__(self, idx: Index) -> None:
        self.walls: WallIndex | None = None  # built on first use, by wall_index
        self.f_start, self.f_end = idx.f_start, idx.f_end
        self.time_shift, self.time_table = _bucket_list(
            idx.opens, idx.cov_start, idx.cov_end - 1, strict=False
        )
        self.sum_shift, self.sum_table = _bucket_list(idx.cum, idx.f_start, idx.f_end, strict=True)
        usable = bool(self.time_table and self.sum_table)
        self.lo, self.hi = (idx.cov_start, idx.cov_end) if usable else (0, 0)
        self.cum = [*idx.cum, _INT64_MAX]
        self.next_open = [*idx.opens, _INT64_MAX]
        self.lead = [1 - idx.cov_start, *(c - o for c, o in zip(idx.cum, idx.opens, strict=False))]

    def f(self, t: int) -> int:
        """Return ``Index.f(t)`` for ``lo <= t < hi``."""
        k = self.time_table[(t - self.lo) >> self.time_shift]
        if t >= self.next_open[k]:
            k += 1
        return min(t + self.lead[k], self.cum[k])

    def many(self, instants: list[int]) -> list[int]:
        """Return ``[f(t) for t in instants]`` (each in ``[lo, hi)``), written out: one call."""
        table, shift, lo = self.time_table, self.time_shift, self.lo
        nxt, lead, cum = self.next_open, self.lead, self.cum
        found = []
        for t in instants:
            k = table[(t - lo) >> shift]
            if t >= nxt[k]:
                k += 1
            f = t + lead[k]
            found.append(cum[k] if f > cum[k] else f)  # noqa: FURB136 - min() costs a call
        return found

    def forward(self, target: int) -> int:
        """Return ``Index.forward(target)`` for a target in ``[f_start, f_end]``."""
        k = self.sum_table[(target - self.f_start) >> self.sum_shift]
        if self.cum[k] < target:
            k += 1
        return target - self.lead[k]

    def backward(self, target: int) -> int:
        """Return ``Index.backward(target)`` for a target in ``[f_start, f_end]``."""
        k = self.sum_table[(target - self.f_start) >> self.sum_shift]
        if self.cum[k] <= target:
            k += 1
        return target - self.lead[k]


def scalar_index(idx: Index) -> ScalarIndex:
    """Return the list tables of ``idx``, built on first use and kept on the snapshot.

    Like :func:`vector_index`, two threads that race build equal tables and either is
    kept: the snapshot's ``tables`` slot is only ever set, from ``None`` to the result.
    """
    found = idx.tables
    if found is None:
        found = idx.tables = ScalarIndex(idx)
    return found


# -- the bounds as datetimes, for between on datetimes in the calendar's own zone --------------

MAX_WALL_BOUNDS = 1 << 17
"""The most bounds kept as datetimes (about 7 MB); an index with more has no wall tables."""


class WallIndex:
    """The bounds as aware datetimes in the calendar's zone, and ``cum`` as timedeltas.

    For datetimes with that same tzinfo, ``bisect`` compares wall-clock fields in C, with
    no conversion to integers; the answer is then exact when checked. Wall order may
    differ from time order around a fall-back change, but ``bisect`` on any list still
    returns ``i`` with ``bounds[i - 1] <= t < bounds[i]`` by the wall clock. If ``t`` and
    both of those bounds have the same UTC offset, the same holds for their instants
    (an instant is its wall time minus its offset), so ``i`` is the position of ``t``
    among the (sorted) instants, and a wall-clock difference from a bound is the elapsed
    time. When the offsets differ, or ``i`` is not strictly inside the snapshot's exact
    range (``first < i <= last``), the caller takes the integer path instead.
    """

    __slots__ = ("bounds", "cum", "first", "last", "offsets")

    def __init__(self, idx: Index, zone: tzinfo) -> None:
        too_many = len(idx.bounds) > MAX_WALL_BOUNDS
        self.bounds = [] if too_many else [to_datetime(b, zone) for b in idx.bounds]
        self.offsets = [zone.utcoffset(b) for b in self.bounds]
        self.cum = [ONE_US * c for c in idx.cum]
        # bounds[first] is the first at or after cov_start, bounds[last] the last at or
        # before cov_end: an instant between them lies in the exact range
        self.first = bisect_left(idx.bounds, idx.cov_start)
        self.last = -1 if too_many else bisect_right(idx.bounds, idx.cov_end) - 1


def wall_index(idx: Index, zone: tzinfo) -> WallIndex:
    """Return the wall tables of ``idx`` in ``zone``, built on first use.

    They are kept with the snapshot's list tables: a snapshot belongs to one calendar, so
    its zone is the only one they are ever asked for.
    """
    tables = scalar_index(idx)
    found = tables.walls
    if found is None:
        found = tables.walls = WallIndex(idx, zone)
    return found
