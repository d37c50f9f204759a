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
from typing import Any

__all__ = [
    "EPOCH",
    "MAX_YEAR",
    "MIN_YEAR",
    "ONE_US",
    "Index",
    "IndexCache",
    "td_us",
    "to_datetime",
]

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_DAY_US = 86_400_000_000
MIN_YEAR = 1900
MAX_YEAR = 2200

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
