"""Time escalate's business-time arithmetic against its peers and a plain floor, interleaved.

Workload (the same for every contender): America/Bogota, Mon-Fri 07:30-12:30 and
13:30-17:00, the Colombian holidays of 2024-2027; seeded random instants (whole seconds) in
2024-2026. Two operations: add 8 business hours; the business time between an instant and
a point 0-30 days later. Every contender gets its natural input type, converted before any
clock starts. Contenders:

- the peers users would otherwise pick: workclock, timegrid, pandas ``CustomBusinessHour``
  and businesstimedelta;
- a *plain floor*: the simplest correct code on escalate's own compiled index (one
  ``bisect``/``searchsorted`` per lookup, no validation, no NaT, no index growth), to
  show what the data structure costs without escalate's tables and checks.

Every comparison is interleaved in this one process (``_common.interleave``): the
contenders run in rotating order, round after round, on the same inputs, and the ratios
are the median [interquartile range] of the per-round ratios. Before timing, every
contender's answers on the timed inputs are compared with escalate's. First calls (index
builds) are timed separately, on fresh calendars. See ``benchmarks/README.md``.

Usage, from the repository root::

    python benchmarks/calendar.py                 # full run (several minutes)
    python benchmarks/calendar.py --quick         # smaller sizes
    python benchmarks/calendar.py --clock cpu     # CPU time instead of wall time
    python benchmarks/calendar.py --only vector   # one part: cold, scalar, slow, vector, durations
    python benchmarks/calendar.py --json results.json

Ratios are contender time / escalate time: above 1 means escalate is faster.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This file is named calendar.py and Python puts its folder first on sys.path, where it
# would shadow the standard library's `calendar` module for pandas, holidays and escalate.
# A stable sort moves that folder to the end: the stdlib wins, _common still imports.
sys.path.sort(key=lambda entry: Path(entry or ".").resolve() == Path(__file__).resolve().parent)

import argparse
import operator
import random
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from _common import (
    Agreement,
    Case,
    Interleaved,
    Stat,
    agree,
    cold,
    environment,
    fmt_count,
    fmt_ns,
    fmt_stat,
    interleave,
    load_average,
    pairs_loop,
    random_us,
    render_table,
    section,
    verdict,
    write_json,
)

import escalate

TZ = "America/Bogota"
ZONE = ZoneInfo(TZ)
HOURS = {"mon-fri": ["07:30-12:30", "13:30-17:00"]}
SPLIT = ((time(7, 30), time(12, 30)), (time(13, 30), time(17)))
HOLIDAY_YEARS = range(2024, 2028)
ADD = timedelta(hours=8)
MAX_SPAN_US = 30 * 86_400_000_000
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE_US = timedelta(microseconds=1)
SECOND_US = 1_000_000
DURATION_HOURS = (1, 8, 10_000)

# the goals, checked in the Targets table
VECTOR_RANDOM_GOAL = 3.0  # floor time / escalate time on random instants
VECTOR_SORTED_GOAL = 1.0  # ... and on sorted instants: no slower than the floor
SCALAR_PEER_GOAL = 1.0  # timegrid and workclock time / escalate time: escalate ahead
DURATION_GROWTH_LIMIT = 1.5  # per-op time at 10,000 h / at 1 h

DISTRIBUTIONS = (
    "escalate",
    "numpy",
    "pandas",
    "holidays",
    "workclock",
    "timegrid",
    "businesstimedelta",
    "pytz",
)


@dataclass(frozen=True)
class Sizes:
    scalar: int  # escalate, the fast peers and the scalar floor
    sub: int  # the slow peers (and escalate next to them)
    vector: int  # batch calls
    rounds: int  # interleaved rounds of a fast comparison
    slow_rounds: int  # ... of a slow one
    fresh: int  # fresh calendars for first-call costs


FULL = Sizes(scalar=20_000, sub=400, vector=1_000_000, rounds=21, slow_rounds=7, fresh=5)
QUICK = Sizes(scalar=4_000, sub=100, vector=200_000, rounds=9, slow_rounds=3, fresh=3)


def dt_us(value: datetime) -> int:
    delta = value - EPOCH
    return (delta.days * 86_400 + delta.seconds) * SECOND_US + delta.microseconds


def td_us(value: timedelta) -> int:
    return (value.days * 86_400 + value.seconds) * SECOND_US + value.microseconds


def us_dt(us: int) -> datetime:
    return (EPOCH + ONE_US * us).astimezone(ZONE)


def new_calendar() -> escalate.Calendar:
    return escalate.Calendar(timezone=TZ, hours=HOURS, holidays=escalate.Holidays.country("CO"))


# -- workload -------------------------------------------------------------------------------


@dataclass
class Workload:
    starts: list[datetime]  # aware, ZoneInfo(America/Bogota)
    ends: list[datetime]
    start64: Any  # numpy datetime64[us] (UTC), random order
    end64: Any
    sorted_start64: Any  # the same instants sorted, each end kept with its start
    sorted_end64: Any
    # agreement only: local wall times on a 30-minute grid, 06:00-18:00, where results
    # often land exactly on an opening or closing time (conventions differ there)
    grid_starts: list[datetime] = field(default_factory=list)
    grid_ends: list[datetime] = field(default_factory=list)


def make_workload(sizes: Sizes, seed: int) -> Workload:
    rng = random.Random(seed)
    lo = dt_us(datetime(2024, 1, 1, tzinfo=ZONE))
    hi = dt_us(datetime(2027, 1, 1, tzinfo=ZONE))
    start_us = random_us(rng, sizes.scalar, lo, hi, SECOND_US)
    spans = random_us(rng, sizes.scalar, 0, MAX_SPAN_US + 1, SECOND_US)
    end_us = [s + span for s, span in zip(start_us, spans, strict=True)]
    gen = np.random.default_rng(seed)
    start64 = (gen.integers(lo // SECOND_US, hi // SECOND_US, sizes.vector) * SECOND_US).view(
        "datetime64[us]"
    )
    span64 = (gen.integers(0, MAX_SPAN_US // SECOND_US + 1, sizes.vector) * SECOND_US).view(
        "timedelta64[us]"
    )
    order = np.argsort(start64, kind="stable")
    first_day = date(2024, 1, 1).toordinal()
    n_days = date(2027, 1, 1).toordinal() - first_day
    grid_starts, grid_ends = [], []
    for _ in range(sizes.sub):
        day = date.fromordinal(first_day + rng.randrange(n_days))
        start = datetime.combine(day, time(6), tzinfo=ZONE) + timedelta(
            minutes=30 * rng.randrange(25)
        )
        grid_starts.append(start)
        grid_ends.append(start + timedelta(minutes=30 * rng.randrange(30 * 48 + 1)))
    return Workload(
        starts=[us_dt(us) for us in start_us],
        ends=[us_dt(us) for us in end_us],
        start64=start64,
        end64=start64 + span64,
        sorted_start64=start64[order],
        sorted_end64=(start64 + span64)[order],
        grid_starts=grid_starts,
        grid_ends=grid_ends,
    )


# -- the plain floor: the simplest correct code on escalate's own index ---------------------


class Floor:
    """One bisect (scalar) or searchsorted (numpy) per lookup of the compiled index."""

    def __init__(self, cal: escalate.Calendar) -> None:
        lo = dt_us(datetime(2024, 1, 1, tzinfo=ZONE))
        hi = dt_us(datetime(2027, 12, 31, tzinfo=ZONE))
        idx = cal._index_for_span(lo, hi)  # private, on purpose: the same data escalate reads
        self.bounds, self.cum, self.opens = idx.bounds, idx.cum, idx.opens
        self.np_bounds = np.asarray(idx.bounds, dtype=np.int64)
        self.np_cum = np.asarray(idx.cum, dtype=np.int64)
        self.np_opens = np.asarray(idx.opens, dtype=np.int64)

    def f(self, t: int) -> int:
        i = bisect_right(self.bounds, t)
        return self.cum[i >> 1] + (t - self.bounds[i - 1] if i & 1 else 0)

    def add(self, start: datetime, duration: timedelta) -> datetime:
        target = self.f((start - EPOCH) // ONE_US) + duration // ONE_US
        k = bisect_left(self.cum, target) - 1
        return (EPOCH + ONE_US * (self.opens[k] + target - self.cum[k])).astimezone(ZONE)

    def between(self, start: datetime, end: datetime) -> timedelta:
        return ONE_US * (self.f((end - EPOCH) // ONE_US) - self.f((start - EPOCH) // ONE_US))

    def f_many(self, t: Any) -> Any:
        i = np.searchsorted(self.np_bounds, t, side="right")
        return self.np_cum[i >> 1] + np.where(i & 1, t - self.np_bounds[i - 1], 0)

    def add_many(self, starts: Any, duration: timedelta) -> Any:
        target = self.f_many(starts.view(np.int64)) + duration // ONE_US
        k = np.searchsorted(self.np_cum, target, side="left") - 1
        return (self.np_opens[k] + target - self.np_cum[k]).view("datetime64[us]")

    def between_many(self, starts: Any, ends: Any) -> Any:
        out = self.f_many(ends.view(np.int64)) - self.f_many(starts.view(np.int64))
        return out.view("timedelta64[us]")


# -- peers ----------------------------------------------------------------------------------


@dataclass
class Peer:
    """How one library expresses the workload. Callables take the peer's native values."""

    name: str
    api: str
    notes: list[str]
    slow: bool  # timed on the subsample, next to escalate on the same subsample
    convert: Callable[[datetime], Any]  # aware datetime -> native instant (not timed)
    duration: Callable[[int], Any] | None  # hours -> native duration for `add`
    add: Callable[[Any, Any], Any] | None
    add_out: Callable[[Any], int]  # native add result -> UTC microseconds
    between: Callable[[Any, Any], Any] | None
    between_out: Callable[[Any], int]  # native between result -> microseconds
    add_many: Callable[[Any, timedelta], Any] | None = None  # numpy batch calls
    between_many: Callable[[Any, Any], Any] | None = None
    setup: Callable[[], object] | None = None  # builds the peer's calendar, for its cold cost


def peer_workclock(holidays: list[date]) -> Peer:
    import workclock

    def build() -> Any:
        rules = [workclock.WorkDay(a, b, days=range(5)) for a, b in SPLIT]
        return workclock.Schedule([*rules, workclock.Holidays(holidays)], time_zone=TZ)

    schedule = build()
    return Peer(
        name="workclock",
        api="Schedule([WorkDay x2, Holidays], time_zone=...).add/.between; add_many/between_many",
        notes=["expresses the workload exactly (two WorkDay rules, IANA zone)"],
        slow=False,
        convert=lambda dt: dt,
        duration=lambda hours: timedelta(hours=hours),
        add=schedule.add,
        add_out=dt_us,
        between=schedule.between,
        between_out=td_us,
        add_many=schedule.add_many,
        between_many=schedule.between_many,
        setup=build,
    )


def peer_timegrid(holidays: list[date]) -> Peer:
    import timegrid

    def build() -> tuple[Any, Any]:
        cal = timegrid.TimeGridCalendar.create()
        for a, b in SPLIT:
            cal = cal.open_weekdays(a, b)
        for day in holidays:
            cal = cal.add_holiday(day)
        timeline = cal.compile(
            datetime(min(holidays).year, 1, 1), datetime(max(holidays).year + 1, 1, 1)
        )
        return cal, timeline

    cal, timeline = build()
    return Peer(
        name="timegrid",
        api="TimeGridCalendar.add_work_duration (add); compiled timeline.get_working_duration (between)",
        notes=[
            (
                "no time zones: takes naive wall times, so inputs are converted to naive Bogota "
                "local time before timing (its calls do no time-zone work at all); exact here only "
                "because America/Bogota has had no DST since 1993"
            ),
            "the compiled timeline (2024-2027) has no add, so add runs on the uncompiled calendar",
            "between needs end >= start (true for this workload)",
        ],
        slow=False,
        convert=lambda dt: dt.astimezone(ZONE).replace(tzinfo=None),
        duration=lambda hours: timedelta(hours=hours),
        add=cal.add_work_duration,
        add_out=lambda naive: dt_us(naive.replace(tzinfo=ZONE)),
        between=timeline.get_working_duration,
        between_out=td_us,
        setup=build,
    )


def peer_pandas(holidays: list[date]) -> Peer:
    import pandas as pd
    from pandas.tseries.offsets import CustomBusinessHour

    starts = [a.strftime("%H:%M") for a, _ in SPLIT]
    ends = [b.strftime("%H:%M") for _, b in SPLIT]

    def offset(hours: int) -> Any:
        return CustomBusinessHour(n=hours, start=starts, end=ends, holidays=holidays)

    return Peer(
        name="pandas",
        api="Timestamp + CustomBusinessHour(n=8, start=[..], end=[..], holidays=[..]), per element",
        notes=[
            "CustomBusinessHour takes lists of starts/ends, so the split day is exact",
            "whole business hours only (n is an int); tz-aware Timestamps in local wall time",
            "no business-time difference: between is not available",
            (
                "a result that lands exactly on a closing time is moved to the next opening "
                "(escalate returns the closing instant, DESIGN rule 6)"
            ),
        ],
        slow=True,
        convert=pd.Timestamp,
        duration=offset,
        add=operator.add,
        add_out=lambda ts: dt_us(ts.to_pydatetime()),
        between=None,
        between_out=td_us,
        setup=partial(offset, 8),
    )


def peer_businesstimedelta(holidays: list[date]) -> Peer:
    import businesstimedelta as btd
    import pytz

    zone = pytz.timezone(TZ)

    def build() -> Any:
        (open_, _), (_, close) = SPLIT
        days = [0, 1, 2, 3, 4]
        return btd.Rules(
            [
                btd.WorkDayRule(start_time=open_, end_time=close, working_days=days, tz=zone),
                btd.LunchTimeRule(
                    start_time=SPLIT[0][1], end_time=SPLIT[1][0], working_days=days, tz=zone
                ),
                btd.HolidayRule(frozenset(holidays), tz=zone),
            ]
        )

    rules = build()
    return Peer(
        name="businesstimedelta",
        api="dt + BusinessTimeDelta(Rules([WorkDayRule, LunchTimeRule, HolidayRule]), hours=8); Rules.difference",
        notes=[
            "the split day is a 07:30-17:00 WorkDayRule minus a 12:30-13:30 LunchTimeRule (exact)",
            "pytz zone; inputs are pytz-aware datetimes; HolidayRule gets a frozenset of dates",
            "difference() is unsigned and truncates to whole seconds (inputs here are whole seconds)",
            "raises TypeError once a query passes the last holiday in its list (upstream issue #8)",
        ],
        slow=True,
        convert=lambda dt: dt.astimezone(zone),
        duration=lambda hours: btd.BusinessTimeDelta(rules, hours=hours),
        add=operator.add,
        add_out=dt_us,
        between=rules.difference,
        between_out=lambda delta: td_us(delta.timedelta),
        setup=build,
    )


PEERS: tuple[Callable[[list[date]], Peer], ...] = (
    peer_workclock,
    peer_timegrid,
    peer_pandas,
    peer_businesstimedelta,
)


# -- one comparison: answers checked, then interleaved timing -------------------------------


@dataclass
class Contender:
    """A case of a comparison and its answers on the timed inputs (None: not checked)."""

    name: str
    api: str
    run: Callable[[], object]
    ops: int
    answers: Callable[[], Any] | None = None  # a sequence or array of int microseconds


@dataclass
class Comparison:
    """A table: escalate first (the baseline of every ratio), then its contenders."""

    title: str
    contenders: list[Contender]
    result: Interleaved | None = None
    checks: list[Agreement] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)

    def ratio(self, name: str) -> Stat | None:
        if self.result is None or name not in self.result.samples:
            return None
        return self.result.ratio(name, over=self.contenders[0].name)


class Bench:
    def __init__(self, sizes: Sizes, seed: int, clock: str) -> None:
        self.sizes, self.seed, self.clock = sizes, seed, clock
        self.wl = make_workload(sizes, seed)
        self.cal = new_calendar()
        self.floor = Floor(self.cal)
        self.peers: list[Peer] = []
        self.peer_errors: dict[str, str] = {}
        self.comparisons: list[Comparison] = []
        self.grid: list[Agreement] = []
        self.cold_rows: list[tuple[str, Stat, str]] = []

    # -- answers ------------------------------------------------------------------------

    def equivalent_instants(self, a: int, b: int) -> str | None:
        """Different instants with no open time between: a closing time vs the next opening."""
        lo, hi = min(a, b), max(a, b)
        if self.cal.between(us_dt(lo), us_dt(hi)) == timedelta(0):
            return "no open time between them (closing instant vs next opening)"
        return None

    def show(
        self, start_of: Callable[[int], int], instants: bool
    ) -> Callable[[int, Any, Any], str]:
        fmt = (lambda us: us_dt(us).isoformat()) if instants else (lambda us: str(ONE_US * us))
        return lambda i, a, b: (
            f"start {us_dt(start_of(i)).isoformat()}: escalate {fmt(a)}, other {fmt(b)}"
        )

    def check(
        self, title: str, name: str, ours: Any, theirs: Any, start_of: Callable[[int], int]
    ) -> Agreement:
        """``agree`` on two answer arrays: numpy counts the identical, Python looks at the rest."""
        instants = title.startswith("add")
        ours, theirs = np.asarray(ours), np.asarray(theirs)
        if ours.shape != theirs.shape:
            return Agreement(what=f"{title}: {name}", n=ours.size, error=f"{theirs.size} answers")
        rows = np.flatnonzero(ours != theirs)
        found = agree(
            f"{title}: {name}",
            ours[rows].tolist(),
            theirs[rows].tolist(),
            equivalent=self.equivalent_instants if instants else None,
            show=self.show(lambda i: start_of(int(rows[i])), instants),
        )
        found.n, found.identical = ours.size, ours.size - rows.size
        return found

    def run(self, comparison: Comparison, rounds: int, start_of: Callable[[int], int]) -> None:
        """Check every contender's answers against escalate's, then time them interleaved."""
        base = comparison.contenders[0]
        ours = base.answers() if base.answers else None
        timed = [base]
        for c in comparison.contenders[1:]:
            try:
                if c.answers is not None and ours is not None:
                    comparison.checks.append(
                        self.check(comparison.title, c.name, ours, c.answers(), start_of)
                    )
                timed.append(c)
            except Exception as exc:  # a peer that fails on the workload is reported, not timed
                comparison.skipped[c.name] = f"{type(exc).__name__}: {exc}"
        cases = [Case(c.name, c.run, c.ops) for c in timed]
        comparison.result = interleave(cases, rounds=rounds, clock=self.clock)
        self.comparisons.append(comparison)

    # -- cold start -----------------------------------------------------------------------

    def run_cold(self) -> None:
        """First calls on fresh calendars: index builds, holiday data, numpy tables."""
        wl, reps = self.wl, self.sizes.fresh
        start = wl.starts[0]
        span = (datetime(2024, 1, 1, tzinfo=ZONE), datetime(2028, 1, 1, tzinfo=ZONE))

        def after(
            calls: int, call: Callable[[escalate.Calendar], object]
        ) -> Callable[[], Callable[[], object]]:
            def make() -> Callable[[], object]:
                cal = new_calendar()
                for _ in range(calls):
                    call(cal)
                return partial(call, cal)

            return make

        def add(c: escalate.Calendar) -> object:
            return c.add(start, ADD)

        def between(c: escalate.Calendar) -> object:
            return c.between(*span)

        def adds(c: escalate.Calendar) -> object:
            return pairs_loop(c.add, wl.starts, [ADD] * len(wl.starts))

        def add_many(c: escalate.Calendar) -> object:
            return c.add_many(wl.start64, ADD)

        n, few = len(wl.starts), min(reps, 3)
        rows = [
            ("Calendar(...) with Holidays.country('CO')", cold(lambda: new_calendar, repeats=reps)),
            (
                "first add on a fresh calendar (builds the year's index)",
                cold(after(0, add), repeats=reps),
            ),
            ("second add (builds the year's lookup tables)", cold(after(1, add), repeats=reps)),
            ("third add (warm)", cold(after(2, add), repeats=reps)),
            (
                "first between(2024-01-01, 2028-01-01) (builds 2024-2027)",
                cold(after(0, between), repeats=reps),
            ),
            ("second between (builds the lookup tables)", cold(after(1, between), repeats=reps)),
            ("third between (warm)", cold(after(2, between), repeats=reps)),
            (f"{fmt_count(n)} adds on a fresh calendar", cold(after(0, adds), repeats=few)),
            (f"the same {fmt_count(n)} adds again (warm)", cold(after(1, adds), repeats=few)),
            (
                f"add_many over {fmt_count(wl.start64.size)} on a fresh calendar",
                cold(after(0, add_many), repeats=few),
            ),
            ("the same add_many again (warm)", cold(after(1, add_many), repeats=few)),
        ]
        self.cold_rows = [(what, stat, f"median of {stat.n} fresh") for what, stat in rows]
        for peer in self.peers:
            if peer.setup is not None:
                self.cold_rows.append(
                    (
                        f"{peer.name}: build its calendar",
                        cold(lambda p=peer: p.setup, repeats=reps),
                        "",
                    )
                )

    # -- comparisons ----------------------------------------------------------------------

    def load_peers(self, holidays: list[date]) -> None:
        for build in PEERS:
            name = build.__name__.removeprefix("peer_")
            try:
                self.peers.append(build(holidays))
            except ImportError as exc:
                self.peer_errors[name] = f"not installed ({exc})"
            except Exception as exc:
                self.peer_errors[name] = f"setup failed: {exc!r}"

    def scalar_comparisons(self, *, slow: bool) -> None:
        sz, cal = self.sizes, self.cal
        n = sz.sub if slow else sz.scalar
        starts, ends = self.wl.starts[:n], self.wl.ends[:n]
        peers = [p for p in self.peers if p.slow == slow]
        # next to slow peers, escalate goes over the same inputs ``repeat`` times per sample,
        # so that its samples are long enough to time
        repeat = 20 if slow else 1
        for op in ("add", "between"):
            ours_call: Callable[[Any, Any], Any] = cal.add if op == "add" else cal.between
            second = [ADD] * n if op == "add" else ends
            out = dt_us if op == "add" else td_us
            contenders = [
                Contender(
                    "escalate",
                    f"Calendar.{op} (datetime in/out)",
                    partial(pairs_loop, ours_call, starts * repeat, second * repeat),
                    n * repeat,
                    partial(
                        lambda f, ys, o: [o(f(x, y)) for x, y in zip(starts, ys, strict=True)],
                        ours_call,
                        second,
                        out,
                    ),
                )
            ]
            if not slow:
                floor_call = self.floor.add if op == "add" else self.floor.between
                contenders.append(
                    Contender(
                        "plain floor (bisect)",
                        "aware datetimes, one bisect per lookup, no checks",
                        partial(pairs_loop, floor_call, starts, second),
                        n,
                        partial(
                            lambda f, ys, o: [o(f(x, y)) for x, y in zip(starts, ys, strict=True)],
                            floor_call,
                            second,
                            out,
                        ),
                    )
                )
            for peer in peers:
                contender = self.peer_contender(peer, op, starts, ends)
                if contender is not None:
                    contenders.append(contender)
            label = f"{op}, one call at a time, {fmt_count(n)} {'(slow peers)' if slow else ''}"
            rounds = sz.slow_rounds if slow else sz.rounds
            self.run(Comparison(label.strip(), contenders), rounds, lambda i: dt_us(starts[i]))

    def peer_contender(
        self, peer: Peer, op: str, starts: list[datetime], ends: list[datetime]
    ) -> Contender | None:
        xs = [peer.convert(dt) for dt in starts]
        if op == "add":
            if peer.add is None or peer.duration is None:
                return None
            fn, ys, out = peer.add, [peer.duration(8)] * len(xs), peer.add_out
        else:
            if peer.between is None:
                return None
            fn, ys, out = peer.between, [peer.convert(dt) for dt in ends], peer.between_out
        return Contender(
            peer.name,
            peer.api,
            partial(pairs_loop, fn, xs, ys),
            len(xs),
            lambda: [out(fn(x, y)) for x, y in zip(xs, ys, strict=True)],
        )

    def vector_comparisons(self) -> None:
        import pandas as pd

        wl, cal, sz = self.wl, self.cal, self.sizes
        for order, a64, b64 in (
            ("random", wl.start64, wl.end64),
            ("sorted", wl.sorted_start64, wl.sorted_end64),
        ):
            n = a64.size
            series = pd.Series(pd.DatetimeIndex(a64).tz_localize("UTC").tz_convert(TZ))
            series_b = pd.Series(pd.DatetimeIndex(b64).tz_localize("UTC").tz_convert(TZ))
            for op in ("add", "between"):
                if op == "add":
                    ours = partial(cal.add_many, a64, ADD)
                    floor = partial(self.floor.add_many, a64, ADD)
                    on_series = partial(cal.add_many, series, ADD)
                else:
                    ours = partial(cal.between_many, a64, b64)
                    floor = partial(self.floor.between_many, a64, b64)
                    on_series = partial(cal.between_many, series, series_b)

                def ints(call: Callable[[], Any]) -> Callable[[], Any]:
                    return lambda: _as_us(call())

                contenders = [
                    Contender(
                        "escalate",
                        f"Calendar.{op}_many (numpy datetime64[us])",
                        ours,
                        n,
                        ints(ours),
                    ),
                    Contender(
                        "plain floor (searchsorted)",
                        "prefix sums + numpy.searchsorted, no checks",
                        floor,
                        n,
                        ints(floor),
                    ),
                    Contender(
                        "escalate, pandas Series",
                        f"Calendar.{op}_many on tz-aware Series",
                        on_series,
                        n,
                        ints(on_series),
                    ),
                ]
                title = f"{op}_many, numpy, {fmt_count(n)} {order} instants"
                start_of = partial(_start_of, a64)
                self.run(Comparison(title, contenders), sz.rounds, start_of)
                # the batch peers take seconds per call: a comparison of their own, fewer rounds
                peers = [contenders[0]]
                for peer in self.peers:
                    batch = peer.add_many if op == "add" else peer.between_many
                    if batch is not None:
                        call = partial(batch, a64, ADD) if op == "add" else partial(batch, a64, b64)
                        peers.append(
                            Contender(
                                peer.name, f"{peer.name}.{op}_many on numpy", call, n, ints(call)
                            )
                        )
                if len(peers) > 1:
                    title = f"{op}_many vs batch peers, {fmt_count(n)} {order} instants"
                    self.run(Comparison(title, peers), sz.slow_rounds, start_of)

    def duration_comparisons(self) -> None:
        """Per-op cost against the duration added: flat for an index, growing for a walk."""
        sz = self.sizes
        for name, call, convert, n in (
            ("escalate", self.cal.add, lambda dt: dt, sz.scalar),
            *(
                (p.name, p.add, p.convert, min(sz.sub, 100))
                for p in self.peers
                if p.add is not None
            ),
        ):
            peer = next((p for p in self.peers if p.name == name), None)
            xs = [convert(dt) for dt in self.wl.starts[:n]]
            contenders = []
            for hours in DURATION_HOURS:
                d = peer.duration(hours) if peer and peer.duration else timedelta(hours=hours)
                contenders.append(
                    Contender(
                        f"{hours:,} h", f"{name} add", partial(pairs_loop, call, xs, [d] * n), n
                    )
                )
            comparison = Comparison(f"durations: {name}, {fmt_count(n)} adds", contenders)
            try:
                for c in contenders:
                    c.run()  # also grows escalate's index to the years the results reach
            except Exception as exc:
                comparison.skipped[name] = f"{type(exc).__name__}: {exc}"
                self.comparisons.append(comparison)
                continue
            self.run(comparison, sz.slow_rounds, lambda _i: 0)

    def grid_checks(self) -> None:
        """Agreement on a half-hour grid of starts, where boundary conventions show."""
        wl, cal = self.wl, self.cal
        for peer in self.peers:
            xs = [peer.convert(dt) for dt in wl.grid_starts]
            for op in ("add", "between"):
                try:
                    if op == "add" and peer.add and peer.duration:
                        d = peer.duration(8)
                        theirs = [peer.add_out(peer.add(x, d)) for x in xs]
                        ours = [dt_us(cal.add(dt, ADD)) for dt in wl.grid_starts]
                    elif op == "between" and peer.between:
                        ys = [peer.convert(dt) for dt in wl.grid_ends]
                        theirs = [
                            peer.between_out(peer.between(x, y))
                            for x, y in zip(xs, ys, strict=True)
                        ]
                        ours = [
                            td_us(cal.between(a, b))
                            for a, b in zip(wl.grid_starts, wl.grid_ends, strict=True)
                        ]
                    else:
                        continue
                    self.grid.append(
                        agree(
                            f"{op} on a 30-min grid: {peer.name}",
                            ours,
                            theirs,
                            equivalent=self.equivalent_instants if op == "add" else None,
                            show=self.show(lambda i: dt_us(wl.grid_starts[i]), op == "add"),
                        )
                    )
                except Exception as exc:
                    self.grid.append(
                        Agreement(what=f"{op} on a 30-min grid: {peer.name}", error=repr(exc))
                    )

    # -- report ---------------------------------------------------------------------------

    def find(self, title_start: str) -> Comparison | None:
        return next((c for c in self.comparisons if c.title.startswith(title_start)), None)

    def targets(self) -> list[tuple[str, Stat | None, str, bool]]:
        out = []
        for op in ("add", "between"):
            for order, goal in (("random", VECTOR_RANDOM_GOAL), ("sorted", VECTOR_SORTED_GOAL)):
                c = next(
                    (
                        x
                        for x in self.comparisons
                        if x.title.startswith(f"{op}_many, numpy") and order in x.title
                    ),
                    None,
                )
                r = c.ratio("plain floor (searchsorted)") if c else None
                out.append(
                    (
                        f"{op}_many vs plain floor, {order} instants",
                        r,
                        f">= {goal}x",
                        bool(r and r.median >= goal),
                    )
                )
        for op in ("between", "add"):
            c = self.find(f"{op}, one call at a time")
            for peer in ("timegrid", "workclock"):
                r = c.ratio(peer) if c else None
                out.append(
                    (
                        f"scalar {op} vs {peer}",
                        r,
                        f">= {SCALAR_PEER_GOAL}x",
                        bool(r and r.median >= SCALAR_PEER_GOAL),
                    )
                )
        c = self.find("durations: escalate")
        if c and c.result:
            r = c.result.ratio(f"{DURATION_HOURS[-1]:,} h", over=f"{DURATION_HOURS[0]:,} h")
            out.append(
                (
                    f"escalate add {DURATION_HOURS[-1]:,} h / {DURATION_HOURS[0]} h (flat in duration)",
                    r,
                    f"<= {DURATION_GROWTH_LIMIT}x",
                    r.median <= DURATION_GROWTH_LIMIT,
                )
            )
        return out

    def comparison_table(self, c: Comparison) -> str:
        if c.result is None:
            return "\n".join(f"{name}: skipped, {why}" for name, why in c.skipped.items())
        rows = []
        base = c.contenders[0].name
        for contender in c.contenders:
            if contender.name in c.skipped:
                rows.append(
                    (
                        contender.name,
                        contender.api,
                        "-",
                        "-",
                        f"skipped: {c.skipped[contender.name]}",
                    )
                )
                continue
            if c.result is None or contender.name not in c.result.samples:
                continue
            per_op = c.result.per_op(contender.name)
            ratio = (
                "1 (baseline)"
                if contender.name == base
                else fmt_stat(c.result.ratio(contender.name, over=base))
            )
            rows.append(
                (
                    contender.name,
                    contender.api,
                    fmt_stat(per_op, fmt_ns),
                    f"{per_op.spread:.0%}",
                    ratio,
                )
            )
        headers = (
            "contender",
            "API",
            "per op: median [IQR]",
            "spread",
            f"time / {base}: median [IQR]",
        )
        return render_table(headers, rows)

    def report(self, env: dict[str, Any], holidays_match: bool, n_holidays: int) -> str:
        sz = self.sizes
        versions = ", ".join(f"{k} {v}" for k, v in env["versions"].items() if v)
        missing = [k for k, v in env["versions"].items() if not v]
        out = [
            "escalate calendar benchmark",
            f"python {env['python']} ({env['implementation']}) on {env['platform']}; {env['cpu']} x{env['cpus']}",
            _load_line(env),
            f"versions: {versions}" + (f"; not installed: {', '.join(missing)}" if missing else ""),
            (
                f"workload: {TZ}, Mon-Fri 07:30-12:30 + 13:30-17:00, {n_holidays} Colombian holidays "
                f"{HOLIDAY_YEARS.start}-{HOLIDAY_YEARS.stop - 1} (escalate Holidays.country('CO') "
                f"{'==' if holidays_match else '!='} holidays.country_holidays('CO')); seed {self.seed}"
            ),
            (
                f"timing: {self.clock} clock; interleaved rounds ({sz.rounds} per comparison, "
                f"{sz.slow_rounds} for slow peers and durations), order rotating each round, "
                "after one untimed warm-up call each; one sample = one pass over the inputs"
            ),
            "ratios: contender time / escalate time, median [interquartile range] of the per-round ratios",
        ]
        if self.cold_rows:
            out += [
                section("Cold: first calls on fresh objects (not in any warm figure)"),
                render_table(
                    ("what", "time: median [IQR]", ""),
                    [(w, fmt_stat(s, fmt_ns), note) for w, s, note in self.cold_rows],
                ),
            ]
        for c in self.comparisons:
            out += [section(c.title), self.comparison_table(c)]
        checks = [a for c in self.comparisons for a in c.checks] + self.grid
        if checks:
            out.append(section("Answers compared with escalate's before timing (same inputs)"))
            out.append(
                render_table(
                    ("compared", "n", "identical", "equivalent*", "different", ""),
                    [
                        (
                            a.what,
                            fmt_count(a.n),
                            fmt_count(a.identical),
                            fmt_count(a.equivalent),
                            fmt_count(a.different),
                            a.error,
                        )
                        for a in checks
                    ],
                )
            )
            out.append(
                "* equivalent: a different instant with no open time between the two answers, i.e. "
                "the closing instant (escalate, DESIGN rule 6) against the next opening."
            )
            for a in checks:
                if a.examples:
                    out.append(f"\n{a.what}: first ones not identical")
                    out.extend(f"  {e}" for e in a.examples)
        if self.peers or self.peer_errors:
            out.append(section("How each peer expresses the workload"))
            for peer in self.peers:
                out.append(f"{peer.name}: {peer.api}")
                out.extend(f"  - {note}" for note in peer.notes)
            for name, err in self.peer_errors.items():
                out.append(f"{name}: skipped, {err}")
        out.append(section("Targets (median of the per-round ratios; IQR in brackets)"))
        out.append(
            render_table(
                ("target", "measured", "goal", "verdict"),
                [
                    (what, fmt_stat(r) if r else "-", goal, verdict(ok))
                    for what, r, goal, ok in self.targets()
                ],
            )
        )
        return "\n".join(out)

    def to_json(self) -> dict[str, Any]:
        return {
            "cold": [{"what": w, "ns": s.to_json()} for w, s, _ in self.cold_rows],
            "comparisons": [
                {
                    "title": c.title,
                    "baseline": c.contenders[0].name,
                    "contenders": [
                        {"name": x.name, "api": x.api, "ops": x.ops} for x in c.contenders
                    ],
                    "timing": c.result.to_json() if c.result else None,
                    "ratios": {
                        x.name: r.to_json()
                        for x in c.contenders[1:]
                        if (r := c.ratio(x.name)) is not None
                    },
                    "answers": [a.to_json() for a in c.checks],
                    "skipped": c.skipped,
                }
                for c in self.comparisons
            ],
            "grid": [a.to_json() for a in self.grid],
            "peer_errors": self.peer_errors,
            "targets": [
                {"target": w, "measured": r.to_json() if r else None, "goal": g, "pass": ok}
                for w, r, g, ok in self.targets()
            ],
        }


def _start_of(starts: Any, i: int) -> int:
    """The i-th start of a datetime64[us] array as microseconds, for examples."""
    return int(starts[i].view(np.int64))


def _as_us(values: Any) -> Any:
    """datetime64/timedelta64 values of any unit, or tz-aware pandas, as int64 microseconds."""
    if getattr(getattr(values, "dtype", None), "tz", None) is not None:
        values = values.dt.tz_convert(None) if hasattr(values, "dt") else values.tz_convert(None)
    array = np.asarray(values)
    kind = "datetime64[us]" if array.dtype.kind == "M" else "timedelta64[us]"
    return array.astype(kind).view(np.int64)


def _load_line(env: dict[str, Any]) -> str:
    before, after = env.get("loadavg_before"), env.get("loadavg")
    if not before or not after:
        return "load average: unknown"
    line = (
        f"load average (1 min): {before[0]:.2f} before, {after[0]:.2f} after, on {env['cpus']} CPUs"
    )
    # this benchmark itself keeps one CPU busy; more than that is other work sharing the machine
    if after[0] - 1 > 0.5:
        line += "  ** other processes were running: the interleaved ratios hold up, absolute times do not **"
    return line


PARTS = ("cold", "scalar", "slow", "vector", "durations")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes and fewer rounds")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON to PATH")
    parser.add_argument("--seed", type=int, default=20_240_101, help="seed of the random instants")
    parser.add_argument(
        "--clock", choices=("wall", "cpu"), default="wall", help="what to time with"
    )
    parser.add_argument("--only", choices=PARTS, action="append", help="run only these parts")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    parts = set(args.only or PARTS)

    load_before = load_average()
    print(
        f"running the {'quick' if args.quick else 'full'} benchmark...", file=sys.stderr, flush=True
    )
    bench = Bench(sizes, args.seed, args.clock)

    import holidays as holidays_pkg

    peer_holidays = sorted(holidays_pkg.country_holidays("CO", years=HOLIDAY_YEARS))
    ours = sorted(day for year in HOLIDAY_YEARS for day in bench.cal.holidays.for_year(year))
    holidays_match = ours == peer_holidays
    bench.load_peers(peer_holidays)
    steps: list[tuple[str, Callable[[], None]]] = [
        ("cold", bench.run_cold),
        ("scalar", partial(bench.scalar_comparisons, slow=False)),
        ("slow", partial(bench.scalar_comparisons, slow=True)),
        ("vector", bench.vector_comparisons),
        ("durations", bench.duration_comparisons),
    ]
    for name, step in steps:
        if name in parts:
            print(f"{name}...", file=sys.stderr, flush=True)
            step()
    if parts & {"scalar", "slow"}:
        bench.grid_checks()

    env = environment(DISTRIBUTIONS)
    env["loadavg_before"] = load_before
    print(bench.report(env, holidays_match, len(peer_holidays)))
    if args.json:
        write_json(
            args.json,
            {
                "environment": env,
                "mode": "quick" if args.quick else "full",
                "seed": args.seed,
                "clock": args.clock,
                "sizes": sizes.__dict__,
                "holidays_match": holidays_match,
                **bench.to_json(),
            },
        )
        print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
