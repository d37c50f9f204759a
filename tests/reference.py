"""A plain, deliberately simple reference model of a business calendar.

It walks local dates one by one, takes each date's wall-clock intervals (exceptions win
over holidays, which win over weekly hours), localises every boundary with zoneinfo's
``fold=0`` (which moves a time in a spring gap forward by the gap and takes the first
occurrence of an ambiguous time), and merges the resulting UTC intervals. ``between`` is a
sum of overlaps and ``add`` walks the merged intervals one at a time. Nothing is cached and
nothing is clever, so that the fast implementation can be checked against it.

Instants are integer microseconds since 1970-01-01T00:00Z throughout.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from escalate import Calendar

DAY_SECONDS = 86_400
US = 1_000_000
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

Span = tuple[int, int]
"""A wall-clock interval of one date: seconds after its midnight, end may pass midnight."""


def to_us(value: datetime) -> int:
    """Return an aware datetime as integer microseconds since the epoch."""
    delta = value - EPOCH
    return (delta.days * DAY_SECONDS + delta.seconds) * US + delta.microseconds


def from_us(us: int, zone: ZoneInfo | None = None) -> datetime:
    """Return the aware datetime (UTC unless ``zone`` is given) of an instant."""
    value = EPOCH + timedelta(microseconds=us)
    return value.astimezone(zone) if zone is not None else value


def clock(seconds: int) -> str:
    """Format seconds after midnight as ``HH:MM`` or ``HH:MM:SS`` (``24:00`` allowed)."""
    h, rem = divmod(seconds, 3600)
    m, s = divmod(rem, 60)
    return f"{h:02d}:{m:02d}:{s:02d}" if s else f"{h:02d}:{m:02d}"


def span_text(span: Span) -> str:
    """Format a span as the ``"HH:MM-HH:MM"`` string escalate parses."""
    start, end = span
    return f"{clock(start)}-{clock(end if end <= DAY_SECONDS else end - DAY_SECONDS)}"


@dataclass(frozen=True)
class CalendarSpec:
    """A calendar written down plainly: what a user configures, nothing derived."""

    timezone: str
    weekly: dict[int, list[Span]]
    holidays: frozenset[date] = frozenset()
    exceptions: dict[date, list[Span]] = field(default_factory=dict)

    def to_calendar(self) -> Calendar:
        """Build the escalate calendar this spec describes."""
        hours = {WEEKDAYS[day]: [span_text(s) for s in spans] for day, spans in self.weekly.items()}
        return Calendar(
            timezone=self.timezone,
            hours=hours,
            holidays=sorted(self.holidays),
            exceptions={
                day: [span_text(s) for s in spans] for day, spans in self.exceptions.items()
            },
        )

    @property
    def zone(self) -> ZoneInfo:
        """The zone of the spec."""
        return ZoneInfo(self.timezone)

    def spans_of(self, day: date) -> list[Span]:
        """Return the wall-clock spans starting on ``day``: exception, else holiday, else week."""
        if day in self.exceptions:
            return self.exceptions[day]
        if day in self.holidays:
            return []
        return self.weekly.get(day.weekday(), [])

    def local(self, day: date, seconds: int) -> int:
        """Return the instant of a wall time ``seconds`` after midnight of ``day`` (fold=0)."""
        extra, rem = divmod(seconds, DAY_SECONDS)
        wall = datetime.combine(day + timedelta(days=extra), time()) + timedelta(seconds=rem)
        return to_us(wall.replace(tzinfo=self.zone))

    def raw_intervals(self, first: date, last: date) -> list[Span]:
        """Return the UTC intervals of the spans starting on local dates ``first..last``."""
        out: list[Span] = []
        day = first
        while day <= last:
            for start, end in self.spans_of(day):
                s, e = self.local(day, start), self.local(day, end)
                if e > s:
                    out.append((s, e))
            day += timedelta(days=1)
        return out

    def intervals(self, first: date, last: date) -> list[Span]:
        """Return merged UTC intervals of local dates ``first..last``.

        Intervals of dates just outside the window are included, so the result is exact for
        instants whose local date lies in ``first..last``.
        """
        raw = sorted(self.raw_intervals(first - timedelta(days=2), last + timedelta(days=1)))
        merged: list[list[int]] = []
        for s, e in raw:
            if merged and s <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        return [(s, e) for s, e in merged]

    def _window(self, a: int, b: int) -> tuple[date, date]:
        lo, hi = from_us(min(a, b)).date(), from_us(max(a, b)).date()
        return lo - timedelta(days=2), hi + timedelta(days=2)

    def between(self, a: int, b: int) -> int:
        """Return the open microseconds in ``[a, b)``, negated when ``b < a``."""
        if b < a:
            return -self.between(b, a)
        first, last = self._window(a, b)
        return sum(max(0, min(e, b) - max(s, a)) for s, e in self.intervals(first, last))

    def is_open(self, t: int) -> bool:
        """Whether ``t`` lies in some ``[open, close)``."""
        first, last = self._window(t, t)
        return any(s <= t < e for s, e in self.intervals(first, last))

    def clipped(self, first: date, last: date) -> list[Span]:
        """Return the merged intervals clipped to local dates ``first..last`` (exact there)."""
        lo, hi = self.local(first, 0), self.local(last + timedelta(days=1), 0)
        return [
            (max(s, lo), min(e, hi))
            for s, e in self.intervals(first, last)
            if min(e, hi) > max(s, lo)
        ]

    def add(self, t: int, d: int, *, chunk_days: int = 40, max_chunks: int = 60) -> int:
        """Walk open intervals from ``t`` until ``d`` microseconds are used (rule 6).

        The walk goes chunk by chunk of local dates; each chunk's intervals are clipped to the
        chunk, so an interval split by a chunk edge is counted once, in two parts.
        """
        if d == 0:
            return t
        remaining = abs(d)
        first, last = self._window(t, t)
        for _ in range(max_chunks):
            if d > 0:
                for s, e in self.clipped(first, last):
                    lo = max(s, t)
                    if e <= lo:
                        continue
                    if e - lo >= remaining:
                        return lo + remaining
                    remaining -= e - lo
                    t = e
                first, last = last + timedelta(days=1), last + timedelta(days=chunk_days)
            else:
                for s, e in reversed(self.clipped(first, last)):
                    hi = min(e, t)
                    if hi <= s:
                        continue
                    if hi - s >= remaining:
                        return hi - remaining
                    remaining -= hi - s
                    t = s
                first, last = first - timedelta(days=chunk_days), first - timedelta(days=1)
        msg = "the reference walk found too little open time"
        raise AssertionError(msg)

    def is_business_day(self, day: date) -> bool:
        """Whether an open interval (non-empty once localised) starts on ``day``."""
        return any(self.local(day, s) < self.local(day, e) for s, e in self.spans_of(day))

    def add_business_days(self, t: int, n: int) -> datetime:
        """Move ``n`` business days from the local date of ``t``, keeping the wall time."""
        local = from_us(t, self.zone)
        if n == 0:
            return local
        day, step, left = local.date(), (1 if n > 0 else -1), abs(n)
        while left:
            day += timedelta(days=step)
            if self.is_business_day(day):
                left -= 1
        wall = datetime.combine(day, local.time().replace(tzinfo=None, fold=0)).replace(
            tzinfo=self.zone
        )
        return from_us(to_us(wall), self.zone)
