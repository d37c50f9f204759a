"""Business calendars: weekly hours, holidays and exceptions in a time zone.

See ``docs/explanation/business-time-and-dst.md`` for the time semantics; in short, open
time is physical time, intervals are half-open ``[open, close)``, and arithmetic is exact
to the microsecond on integers.
"""

from __future__ import annotations

import zoneinfo
from bisect import bisect_right as _bisect
from collections.abc import Iterator, Mapping
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any

import attrs

from escalate._business_days import add_business_days
from escalate._calendar_config import (
    checked_fields,
    convert_exceptions,
    convert_holidays,
    convert_hours,
    convert_timezone,
)
from escalate._checks import (
    duration_us,
    instant_us,
)
from escalate._duration import format_duration
from escalate._errors import (
    HorizonError,
    InvalidRangeError,
    NeverOpenError,
)
from escalate._holidays import Holidays
from escalate._hours import (
    Interval,
    WeekHours,
    format_hours,
)
from escalate._index import (
    EPOCH,
    FIRST_ORDINAL,
    LAST_ORDINAL,
    MAX_YEAR,
    MIN_YEAR,
    ONE_US,
    Index,
    IndexCache,
    scalar_index,
    to_datetime,
    utc_year,
    wall_index,
)

if TYPE_CHECKING:
    from escalate._vector import ArrayLike

__all__ = ["Calendar"]


_HORIZON_US = (date(MAX_YEAR + 1, 1, 1) - date(MIN_YEAR, 1, 1)).days * 86_400_000_000
_DAY_US = 86_400_000_000
# the instants of local years MIN_YEAR..MAX_YEAR in any zone lie inside this UTC range
_MIN_US = (FIRST_ORDINAL - 1 - EPOCH.toordinal()) * 86_400_000_000
_MAX_US = (LAST_ORDINAL + 2 - EPOCH.toordinal()) * 86_400_000_000
_ALWAYS = (Interval(0, 86_400),)


def _span_text(us: int) -> str:
    """A duration in words for a message, also one too long for a timedelta."""
    if abs(us) < _HORIZON_US * 1000:
        return format_duration(ONE_US * us)
    return f"about {us // 86_400_000_000} days"


def _instant_text(us: int) -> str:
    """An instant in words for a message, also one beyond the years datetime can hold."""
    try:
        return (EPOCH + ONE_US * us).isoformat()
    except OverflowError:
        return f"{_span_text(us)} after 1970-01-01T00:00Z"


# the engine converts through these names; both live in the one boundary module
_instant = instant_us
_duration = duration_us


@attrs.frozen(kw_only=True)
class Calendar:
    """When a business is open: weekly hours, holidays and date exceptions in a time zone.

    Open time is a set of half-open ``[open, close)`` instants; every answer is exact to
    the microsecond and counts physical time, also across DST changes. A calendar is
    immutable, hashable, picklable and safe to share between threads.

    Args:
        timezone: The IANA zone the hours are written in, e.g. ``"America/Bogota"``.
        hours: Weekly hours: a mapping of weekday keys (``"mon-fri"``, ``"sat"``,
            ``"mon,wed"``) to lists of ``"HH:MM-HH:MM"`` intervals, or ``"24x7"``.
        holidays: A :class:`Holidays`, a list of dates, or ``None``. Holidays close the
            intervals that start on them.
        exceptions: A mapping of dates to interval lists that replace that date's hours
            (``[]`` closes the date); exceptions win over hours and holidays.

    >>> from datetime import datetime, timedelta
    >>> from zoneinfo import ZoneInfo
    >>> cal = Calendar(timezone="America/Bogota", hours={"mon-fri": ["07:30-12:30", "13:30-17:00"]})
    >>> start = datetime(2026, 11, 20, 16, 10, tzinfo=ZoneInfo("America/Bogota"))  # a Friday
    >>> cal.add(start, timedelta(hours=2)).isoformat()
    '2026-11-23T08:40:00-05:00'
    """

    timezone: str = attrs.field(converter=convert_timezone)
    hours: WeekHours = attrs.field(converter=convert_hours)
    holidays: Holidays = attrs.field(factory=Holidays, converter=convert_holidays)
    exceptions: tuple[tuple[date, tuple[Interval, ...]], ...] = attrs.field(
        default=(), converter=convert_exceptions
    )
    _cache: IndexCache = attrs.field(
        init=False, factory=IndexCache, eq=False, hash=False, repr=False
    )

    # -- construction -------------------------------------------------------------------

    @classmethod
    def always(cls, timezone: str = "UTC") -> Calendar:
        """Return the 24x7 calendar (always open) in ``timezone``."""
        return cls(timezone=timezone, hours="24x7")

    @classmethod
    def from_dict(cls, mapping: Mapping[str, Any]) -> Calendar:
        """Build a calendar from its config form, reporting every problem at once.

        Raises:
            InvalidCalendarError: with one :class:`Problem` per mistake, each with its
                key path (``hours.mon-fri[1]``).
        """
        return cls(**checked_fields(mapping))

    def to_dict(self) -> dict[str, Any]:
        """Return the config form; ``Calendar.from_dict(cal.to_dict()) == cal``."""
        out: dict[str, Any] = {"timezone": self.timezone, "hours": format_hours(self.hours)}
        if not self.holidays.is_empty or self.holidays.remove:
            out["holidays"] = self.holidays.to_config()
        if self.exceptions:
            out["exceptions"] = {
                day.isoformat(): [str(iv) for iv in intervals] for day, intervals in self.exceptions
            }
        return out

    # -- derived state (cached on the instance; not part of equality) --------------------

    @cached_property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The :class:`zoneinfo.ZoneInfo` of :attr:`timezone`."""
        return zoneinfo.ZoneInfo(self.timezone)

    @cached_property
    def _local_epoch(self) -> datetime:
        """1970-01-01T00:00 on the wall clock of :attr:`zone`, with ``zone`` as its tzinfo.

        Subtracting it from a datetime of the same tzinfo gives a wall-clock difference
        without looking up any offset; minus the datetime's own offset, that is its UTC
        instant, at a third of the cost of subtracting the UTC epoch.
        """
        return datetime(1970, 1, 1, tzinfo=self.zone)

    @cached_property
    def _exception_map(self) -> dict[date, tuple[Interval, ...]]:
        return dict(self.exceptions)

    @cached_property
    def is_always_open(self) -> bool:
        """Whether the calendar is open 24x7 with no holidays or exceptions."""
        return (
            all(day == _ALWAYS for day in self.hours)
            and self.holidays.is_empty
            and not self.exceptions
        )

    @cached_property
    def _weekly_open(self) -> bool:
        return any(self.hours)

    def _day_intervals(self, day: date) -> tuple[tuple[int, int], ...]:
        exc = self._exception_map.get(day)
        if exc is not None:
            return tuple((iv.start, iv.end) for iv in exc)
        if not self.hours[day.weekday()] or day in self._holidays_of(day.year):
            return ()
        return tuple((iv.start, iv.end) for iv in self.hours[day.weekday()])

    @cached_property
    def _holiday_years(self) -> dict[int, frozenset[date]]:
        return {}

    def _holidays_of(self, year: int) -> frozenset[date]:
        found = self._holiday_years.get(year)
        if found is None:
            found = self.holidays.for_year(year)
            self._holiday_years[year] = found
        return found

    def _index_for(self, t: int) -> Index:
        idx = self._cache.index
        if idx is not None and idx.cov_start <= t < idx.cov_end:
            return idx
        year = self._local_year(t)
        return self._cache.ensure(year, year, self.zone, self._day_intervals)

    def _local_year(self, t: int) -> int:
        """Return the local year of ``t``; raise when its local date is beyond the horizon."""
        year = utc_year(t)
        # within a day of the horizon's UTC range the local year decides; beyond it
        # converting to a datetime could overflow, and the answer is plain
        if _MIN_US <= t < _MAX_US:
            year = to_datetime(t, self.zone).year
        if not MIN_YEAR <= year <= MAX_YEAR:
            msg = (
                f"{_instant_text(t)} is beyond the supported horizon "
                f"(local dates in years {MIN_YEAR}-{MAX_YEAR})"
            )
            raise HorizonError(msg)
        return year

    def _index_for_span(self, a: int, b: int) -> Index:
        idx = self._index_for(a)
        if not idx.covers(b):
            idx = self._index_for(b)
            if not idx.covers(a):
                lo, hi = sorted((self._local_year(a), self._local_year(b)))
                idx = self._cache.ensure(lo, hi, self.zone, self._day_intervals)
        return idx

    def _grow_for(self, idx: Index, target: int, forward: bool) -> Index:
        """Extend ``idx`` until the open-time ``target`` lies inside it, or raise."""
        if not self._weekly_open:
            # only exception dates open: the open time is finite
            days = [day.year for day, ivs in self.exceptions if ivs]
            if not days:
                msg = (
                    "this calendar is never open (no weekly hours, no exception with hours); "
                    "it cannot add business time: give it hours, e.g. {'mon-fri': ['09:00-17:00']}"
                )
                raise NeverOpenError(msg)
            lo, hi = min(*days, idx.lo), max(*days, idx.hi)
            full = self._cache.ensure(lo, hi, self.zone, self._day_intervals)
            inside = (target <= full.f_end) if forward else (target >= full.f_start)
            if not inside or full.cum[-1] == 0:
                msg = (
                    "this calendar opens only on its exception dates, which hold "
                    f"{timedelta(microseconds=full.cum[-1])} of open time in all; not enough "
                    "to add the requested duration: add weekly hours"
                )
                raise NeverOpenError(msg)
            return full
        beyond = target - idx.f_end if forward else idx.f_start - target
        if beyond > self._open_bound_us(idx, forward=forward):
            msg = (
                f"the result lies beyond the supported horizon (years {MIN_YEAR}-{MAX_YEAR}): "
                f"this calendar is not open {_span_text(beyond)} more before it"
            )
            raise HorizonError(msg, path="duration")
        span = max(idx.hi - idx.lo + 1, 1)
        per_year = max(idx.cum[-1] // span, 1)
        if forward:
            years = -(-(target - idx.f_end) // per_year)
            grown = self._cache.ensure(idx.lo, idx.hi + years, self.zone, self._day_intervals)
        else:
            years = -(-(idx.f_start - target) // per_year)
            grown = self._cache.ensure(idx.lo - years, idx.hi, self.zone, self._day_intervals)
        if (grown.lo, grown.hi) == (idx.lo, idx.hi):
            msg = (
                f"the result lies beyond the supported horizon (years {MIN_YEAR}-{MAX_YEAR}); "
                "use a shorter duration"
            )
            raise HorizonError(msg)
        return grown

    def _add_us(self, t: int, d: int) -> int:
        idx = self._cache.index
        if idx is not None and d > 0 and idx.cov_start <= t < idx.cov_end:
            # the hot path: a forward add inside the built range
            target = idx.f(t) + d
            if target <= idx.f_end:
                return idx.forward(target)
        if d == 0:
            self._check_horizon(t)
            return t
        if abs(d) > _HORIZON_US or not _MIN_US <= t + d < _MAX_US:
            # open time never outruns physical time: this result lies beyond the horizon
            # whatever the hours, so refuse it before building the years up to there
            msg = (
                f"adding {_span_text(d)} lies beyond the supported horizon "
                f"(years {MIN_YEAR}-{MAX_YEAR})"
            )
            raise HorizonError(msg, path="duration")
        if self.is_always_open:
            self._check_horizon(t)
            return self._check_horizon(t + d)
        idx = self._index_for(t)
        forward = d > 0
        while True:
            target = idx.f(t) + d
            if (target <= idx.f_end) if forward else (target >= idx.f_start):
                return idx.forward(target) if forward else idx.backward(target)
            idx = self._grow_for(idx, target, forward)

    def _open_bound_us(self, idx: Index, *, forward: bool) -> int:
        """An upper bound of the open time between ``idx``'s range and the horizon's edge.

        It is cheap, so that a duration the calendar cannot hold before the horizon is
        refused without building every year up to it.
        """
        years = MAX_YEAR - idx.hi if forward else idx.lo - MIN_YEAR
        # an exception date's intervals span less than two days, plus a DST change
        return years * self._year_bound_us + len(self.exceptions) * 3 * _DAY_US

    @cached_property
    def _year_bound_us(self) -> int:
        # 53 weeks of the weekly wall-clock hours, plus a few hours for DST changes,
        # which can lengthen an interval; never more than a whole (leap) year
        weekly = sum(iv.seconds for day in self.hours for iv in day) * 1_000_000
        return min(53 * weekly + 4 * 3_600_000_000, 366 * _DAY_US)

    def _check_horizon(self, t: int) -> int:
        self._local_year(t)
        return t

    # -- the public operations --------------------------------------------------------

    def add(self, start: datetime, duration: timedelta, /) -> datetime:
        """Return ``start`` plus ``duration`` of business time (DESIGN rule 6).

        For a positive duration, the earliest instant ``x >= start`` with
        ``between(start, x) == duration``: work that runs out at a closing time ends at
        that closing time. A negative duration goes backwards to the latest such instant.

        Raises:
            NaiveDatetimeError: ``start`` has no time zone.
            InvalidDurationError: ``duration`` is not a ``timedelta``.
            NeverOpenError: the calendar does not have enough open time, ever.
            HorizonError: the result lies beyond years 1900-2200.
        """
        # The hot path is written out in full (see "Scalar calls" in
        # docs/explanation/performance.md): each call saved is a share of the cost.
        zone = self.zone
        try:
            t = (
                (start - self._local_epoch - zone.utcoffset(start)) // ONE_US  # type: ignore[operator]
                if start.tzinfo is zone and type(start) is datetime
                else (start - EPOCH) // ONE_US
            )
        except (TypeError, AttributeError):
            t = _instant(start, "start")  # raises the typed error
        if type(t) is not int:  # pandas.NaT and its kin answer arithmetic with NaN
            t = _instant(start, "start")
        d = duration // ONE_US if type(duration) is timedelta else _duration(duration)
        idx = self._cache.index
        if idx is not None and d:
            h = idx.tables or scalar_index(idx)
            if h.lo <= t < h.hi:
                k = h.time_table[(t - h.lo) >> h.time_shift]
                if t >= h.next_open[k]:
                    k += 1
                lead, cum = h.lead, h.cum
                f = t + lead[k]
                target = (cum[k] if f > cum[k] else f) + d  # noqa: FURB136 - min() costs a call
                if h.f_start <= target <= h.f_end:
                    k = h.sum_table[(target - h.f_start) >> h.sum_shift]
                    if cum[k] < target or (d < 0 and cum[k] == target):
                        k += 1
                    us = target - lead[k]
                    if us % 1_000_000:
                        return (EPOCH + ONE_US * us).astimezone(zone)
                    return datetime.fromtimestamp(us // 1_000_000, zone)
        return to_datetime(self._add_us(t, d), zone)

    def between(self, start: datetime, end: datetime, /) -> timedelta:
        """Return the open time in ``[start, end)``; negative when ``end < start``."""
        zone = self.zone
        idx = self._cache.index
        if (
            idx is not None
            and type(start) is datetime
            and type(end) is datetime
            and start.tzinfo is zone
            and end.tzinfo is zone
        ):
            # both in the calendar's own zone: bisect the bounds as datetimes (WallIndex)
            walls = (idx.tables or scalar_index(idx)).walls or wall_index(idx, zone)
            bounds = walls.bounds
            i = _bisect(bounds, start)
            j = _bisect(bounds, end)
            if walls.first < i <= walls.last and walls.first < j <= walls.last:
                offsets = walls.offsets
                offset = zone.utcoffset(start)
                if offsets[i - 1] == offset == offsets[i]:
                    offset = zone.utcoffset(end)
                    if offsets[j - 1] == offset == offsets[j]:
                        sums = walls.cum
                        open_time = sums[j >> 1] - sums[i >> 1]
                        if j & 1:
                            open_time += end - bounds[j - 1]
                        if i & 1:
                            open_time -= start - bounds[i - 1]
                        return open_time
        zone, local = self.zone, self._local_epoch
        try:
            a = (
                (start - local - zone.utcoffset(start)) // ONE_US  # type: ignore[operator]
                if start.tzinfo is zone and type(start) is datetime
                else (start - EPOCH) // ONE_US
            )
            b = (
                (end - local - zone.utcoffset(end)) // ONE_US  # type: ignore[operator]
                if end.tzinfo is zone and type(end) is datetime
                else (end - EPOCH) // ONE_US
            )
        except (TypeError, AttributeError):
            a = _instant(start, "start")  # raises the typed error
            b = _instant(end, "end")
        if type(a) is not int or type(b) is not int:  # pandas.NaT answers with NaN
            a, b = _instant(start, "start"), _instant(end, "end")
        if idx is not None:
            h = idx.tables or scalar_index(idx)
            lo, hi = h.lo, h.hi
            if lo <= a < hi and lo <= b < hi:
                table = h.time_table
                shift = h.time_shift
                nxt = h.next_open
                lead = h.lead
                cum = h.cum
                k = table[(a - lo) >> shift]
                if a >= nxt[k]:
                    k += 1
                fa = a + lead[k]
                if fa > cum[k]:  # noqa: PLR1730 - min() costs a call
                    fa = cum[k]
                k = table[(b - lo) >> shift]
                if b >= nxt[k]:
                    k += 1
                fb = b + lead[k]
                if fb > cum[k]:  # noqa: PLR1730
                    fb = cum[k]
                return ONE_US * (fb - fa)
        return ONE_US * self._between_us(a, b)

    def _between_us(self, a: int, b: int) -> int:
        idx = self._cache.index
        if (
            idx is not None
            and idx.cov_start <= a < idx.cov_end
            and idx.cov_start <= b < idx.cov_end
        ):
            return idx.f(b) - idx.f(a)  # the hot path: both ends inside the built range
        if self.is_always_open:
            self._check_horizon(a)
            self._check_horizon(b)
            return b - a
        idx = self._index_for_span(a, b)
        return idx.f(b) - idx.f(a)

    def is_open(self, instant: datetime, /) -> bool:
        """Whether ``instant`` lies in an open period (periods are ``[open, close)``)."""
        t = _instant(instant, "instant")
        if self.is_always_open:
            self._check_horizon(t)
            return True
        idx = self._index_for(t)
        return bool(_bisect(idx.bounds, t) & 1)

    def next_open(self, instant: datetime, /) -> datetime:
        """Return ``instant`` when open, else the start of the next open period."""
        t = _instant(instant, "instant")
        return to_datetime(self._next_boundary(t, want_open=True), self.zone)

    def next_close(self, instant: datetime, /) -> datetime:
        """Return the end of the open period containing ``instant``, or of the next one.

        Raises:
            HorizonError: the calendar never closes (24x7).
        """
        t = _instant(instant, "instant")
        return to_datetime(self._next_boundary(t, want_open=False), self.zone)

    def _next_boundary(self, t: int, *, want_open: bool) -> int:
        if self.is_always_open:
            self._check_horizon(t)
            if want_open:
                return t
            msg = "a 24x7 calendar never closes, so it has no next close"
            raise HorizonError(msg)
        idx = self._index_for(t)
        while True:
            i = _bisect(idx.bounds, t)
            inside = bool(i & 1)  # t lies in the period [bounds[i-1], bounds[i])
            if want_open and inside:
                return t
            # the wanted boundary: the next open (even index) or the relevant close (odd)
            j = i if (want_open or inside) else i + 1
            if j < len(idx.bounds) and idx.bounds[j] < idx.cov_end:
                return idx.bounds[j]
            if idx.hi >= MAX_YEAR or (
                not self._weekly_open and idx.hi >= self._last_exception_year()
            ):
                what = "opening" if want_open else "closing"
                msg = (
                    f"no {what} after {to_datetime(t, self.zone).isoformat()} up to year {MAX_YEAR}"
                )
                raise (HorizonError if self._weekly_open else NeverOpenError)(msg)
            # grow geometrically: a calendar that never closes reaches the horizon fast
            span = idx.hi - idx.lo + 1
            idx = self._cache.ensure(idx.lo, idx.hi + span, self.zone, self._day_intervals)

    def _last_exception_year(self) -> int:
        return max((day.year for day, ivs in self.exceptions if ivs), default=MIN_YEAR)

    def open_periods(
        self, start: datetime, end: datetime, /
    ) -> Iterator[tuple[datetime, datetime]]:
        """Yield the open periods within ``[start, end)``, clipped to it, in order.

        Raises:
            InvalidRangeError: ``end`` is before ``start``.
        """
        a = _instant(start, "start")
        b = _instant(end, "end")
        if b < a:
            msg = (
                f"open_periods needs start <= end, got {start.isoformat()} > "
                f"{end.isoformat()}; swap them"
            )
            raise InvalidRangeError(msg)
        return self._periods(a, b)

    def _periods(self, a: int, b: int) -> Iterator[tuple[datetime, datetime]]:
        if a == b:
            return
        if self.is_always_open:
            self._check_horizon(a)
            self._check_horizon(b)
            yield to_datetime(a, self.zone), to_datetime(b, self.zone)
            return
        idx = self._index_for_span(a, b)
        bounds = idx.bounds
        k = _bisect(bounds, a) >> 1 << 1  # even index: the period containing a, or next
        if k >= 2 and bounds[k - 1] > a:  # pragma: no cover - defensive, bisect decides
            k -= 2
        while k < len(bounds) and bounds[k] < b:
            lo, hi = max(bounds[k], a), min(bounds[k + 1], b)
            if hi > lo:
                yield to_datetime(lo, self.zone), to_datetime(hi, self.zone)
            k += 2

    def add_business_days(self, start: datetime, days: int, /) -> datetime:
        """Move ``days`` business days from ``start``, keeping its wall-clock time.

        A business day is a local date on which an open period starts. For ``days > 0``
        the result is on the ``days``-th business day strictly after the local date of
        ``start``, at the same wall-clock time (a time in a spring gap moves forward);
        negative counts go backwards; ``0`` returns ``start`` in the calendar's zone.
        """
        return add_business_days(self, start, days)

    # -- vectorised operations (numpy / pandas, optional) -----------------------------

    def add_many(self, starts: ArrayLike, durations: ArrayLike | timedelta, /) -> ArrayLike:
        """Vectorised :meth:`add` over numpy ``datetime64`` arrays or pandas objects.

        numpy ``datetime64`` values are taken as UTC instants and come back as UTC
        ``datetime64``; tz-aware pandas Series / DatetimeIndex come back in the calendar's
        zone with the same index. ``NaT`` in gives ``NaT`` out. As in numpy's own
        ``datetime64 + timedelta64``, the result's unit is the finer of the two (a
        ``datetime.timedelta`` counts as microseconds).

        Raises:
            MissingExtraError: numpy is not installed (``pip install 'escalate-sla[pandas]'``).
        """
        from escalate._vector import add_many  # noqa: PLC0415

        return add_many(self, starts, durations)

    def between_many(self, starts: ArrayLike, ends: ArrayLike, /) -> ArrayLike:
        """Vectorised :meth:`between`; the same kind of array out as in, ``NaT`` for ``NaT``."""
        from escalate._vector import between_many  # noqa: PLC0415

        return between_many(self, starts, ends)

    def next_open_many(self, instants: ArrayLike, /) -> ArrayLike:
        """Vectorised :meth:`next_open`: same kinds in and out as :meth:`add_many`."""
        from escalate._vector import next_open_many  # noqa: PLC0415

        return next_open_many(self, instants)

    def __getstate__(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in attrs.fields(Calendar) if f.init}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)
        object.__setattr__(self, "_cache", IndexCache())
