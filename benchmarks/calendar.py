"""Time escalate's business-time arithmetic side by side with its peers, in one run.

Workload (the same for every library): America/Bogota, Mon-Fri 07:30-12:30 and 13:30-17:00,
the Colombian holidays of 2024-2027; random instants (seeded, whole seconds) in 2024-2026.
Two operations: add 8 business hours; business time between an instant and a point 0-30
days later. Every peer gets its natural input type, converted before the clock starts.

Usage, from the repository root::

    python benchmarks/calendar.py            # full run (a few minutes at most)
    python benchmarks/calendar.py --quick    # smaller sizes, under a minute
    python benchmarks/calendar.py --json results.json

Ratios are peer time / escalate time: above 1 means escalate is faster. Scalar peers are
compared with escalate's scalar ``add``/``between`` (datetime in, datetime out); batch
peers with escalate's ``add_many``/``between_many`` on numpy ``datetime64``.
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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from _common import (
    Timing,
    environment,
    fmt_count,
    fmt_ns,
    fmt_rate,
    fmt_ratio,
    load_average,
    measure,
    measure_once,
    measure_pairs,
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
ADD_HOURS = 8
MAX_SPAN_US = 30 * 86_400_000_000
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
SECOND_US = 1_000_000

SCALAR_TARGET_NS = 5_000.0  # escalate scalar add/between, datetime in and out
VECTOR_TARGET_OPS = 5e6  # escalate add_many/between_many on datetime64
DURATION_GROWTH_LIMIT = 1.5  # per-op time at 10,000 h / at 1 h
DURATION_HOURS = (1, ADD_HOURS, 10_000)

PEER_DISTRIBUTIONS = (
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
    scalar: int  # escalate scalar, and the fast peers
    vector: int  # vectorised calls (the scalar instants tiled)
    sub: int  # slow peers, and the agreement checks
    repeats: int  # samples per fast measurement
    slow_repeats: int  # samples per measurement of a slow peer or a big batch call
    fresh: int  # fresh calendars for the first-call costs


FULL = Sizes(scalar=100_000, vector=1_000_000, sub=2_000, repeats=5, slow_repeats=3, fresh=5)
QUICK = Sizes(scalar=20_000, vector=200_000, sub=300, repeats=3, slow_repeats=1, fresh=3)


def dt_us(value: datetime) -> int:
    delta = value - EPOCH
    return (delta.days * 86_400 + delta.seconds) * SECOND_US + delta.microseconds


def td_us(value: timedelta) -> int:
    return (value.days * 86_400 + value.seconds) * SECOND_US + value.microseconds


def us_dt(us: int) -> datetime:
    return (EPOCH + timedelta(microseconds=us)).astimezone(ZONE)


def new_calendar() -> escalate.Calendar:
    return escalate.Calendar(timezone=TZ, hours=HOURS, holidays=escalate.Holidays.country("CO"))


# -- workload -------------------------------------------------------------------------------


@dataclass
class Workload:
    start_us: list[int]
    end_us: list[int]
    starts: list[datetime]  # aware, ZoneInfo(America/Bogota)
    ends: list[datetime]
    start64: Any  # numpy datetime64[us] (UTC), the instants tiled to the vector size
    end64: Any
    # for the agreement check only: local wall times on a 30-minute grid, 06:00-18:00, where
    # results often land exactly on an opening or closing time (conventions differ there)
    grid_starts: list[datetime] = field(default_factory=list)
    grid_ends: list[datetime] = field(default_factory=list)


def make_workload(sizes: Sizes, seed: int) -> Workload:
    rng = random.Random(seed)
    lo = dt_us(datetime(2024, 1, 1, tzinfo=ZONE))
    hi = dt_us(datetime(2027, 1, 1, tzinfo=ZONE))
    start_us = random_us(rng, sizes.scalar, lo, hi, SECOND_US)
    end_us = [
        s + span
        for s, span in zip(
            start_us, random_us(rng, sizes.scalar, 0, MAX_SPAN_US + 1, SECOND_US), strict=True
        )
    ]
    reps = -(-sizes.vector // sizes.scalar)
    start64 = np.tile(np.asarray(start_us, dtype="datetime64[us]"), reps)[: sizes.vector]
    end64 = np.tile(np.asarray(end_us, dtype="datetime64[us]"), reps)[: sizes.vector]
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
        start_us=start_us,
        end_us=end_us,
        starts=[us_dt(us) for us in start_us],
        ends=[us_dt(us) for us in end_us],
        start64=start64,
        end64=end64,
        grid_starts=grid_starts,
        grid_ends=grid_ends,
    )


# -- peers ----------------------------------------------------------------------------------


@dataclass
class Peer:
    """How one library expresses the workload. Callables take the peer's native values."""

    name: str
    api: str  # what is called, for the notes
    notes: list[str]
    slow: bool  # timed on the subsample
    convert: Callable[[datetime], Any]  # aware datetime -> native start (not timed)
    duration: Callable[[int], Any] | None  # hours -> native duration for `add`
    add: Callable[[Any, Any], Any] | None
    add_out: Callable[[Any], int]  # native add result -> UTC microseconds
    between: Callable[[Any, Any], Any] | None
    between_out: Callable[[Any], int]  # native between result -> microseconds
    add_many: Callable[[Any, timedelta], Any] | None = None  # numpy batch calls
    between_many: Callable[[Any, Any], Any] | None = None
    setup_ns: float = 0.0


def peer_workclock(holidays: list[date]) -> Peer:
    import workclock

    def build() -> Any:
        rules = [workclock.WorkDay(a, b, days=range(5)) for a, b in SPLIT]
        return workclock.Schedule([*rules, workclock.Holidays(holidays)], time_zone=TZ)

    setup_ns, schedule = measure_once(build)
    return Peer(
        name="workclock",
        api="Schedule([WorkDay x2, Holidays], time_zone=...).add/.between; add_many/between_many on numpy",
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
        setup_ns=setup_ns,
    )


def peer_timegrid(holidays: list[date]) -> Peer:
    import timegrid

    def build() -> tuple[Any, Any]:
        cal = timegrid.TimeGridCalendar.create()
        for a, b in SPLIT:
            cal = cal.open_weekdays(a, b)
        for day in holidays:
            cal = cal.add_holiday(day)
        first = min(holidays)
        last = max(holidays)
        timeline = cal.compile(datetime(first.year, 1, 1), datetime(last.year + 1, 1, 1))
        return cal, timeline

    setup_ns, (cal, timeline) = measure_once(build)
    return Peer(
        name="timegrid",
        api="TimeGridCalendar.add_work_duration (add); compiled timeline.get_working_duration (between)",
        notes=[
            (
                "no time zones: takes naive wall times, so inputs are converted to naive Bogota local "
                "time before timing; exact here only because America/Bogota has had no DST since 1993"
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
        setup_ns=setup_ns,
    )


def peer_pandas(holidays: list[date]) -> Peer:
    import pandas as pd
    from pandas.tseries.offsets import CustomBusinessHour

    starts = [a.strftime("%H:%M") for a, _ in SPLIT]
    ends = [b.strftime("%H:%M") for _, b in SPLIT]

    def offset(hours: int) -> Any:
        return CustomBusinessHour(n=hours, start=starts, end=ends, holidays=holidays)

    setup_ns, _ = measure_once(partial(offset, ADD_HOURS))
    return Peer(
        name="pandas",
        api="Timestamp + CustomBusinessHour(n=8, start=[..], end=[..], holidays=[..]), per element",
        notes=[
            "CustomBusinessHour takes lists of starts/ends, so the split day is exact",
            (
                "durations are whole business hours only (n is an int); tz-aware Timestamps are "
                "handled in local wall time (fine without DST)"
            ),
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
        setup_ns=setup_ns,
    )


def peer_businesstimedelta(holidays: list[date]) -> Peer:
    import businesstimedelta as btd
    import pytz

    zone = pytz.timezone(TZ)

    def build() -> Any:
        (open_, _), (_, close) = SPLIT
        return btd.Rules(
            [
                btd.WorkDayRule(
                    start_time=open_, end_time=close, working_days=[0, 1, 2, 3, 4], tz=zone
                ),
                btd.LunchTimeRule(
                    start_time=SPLIT[0][1],
                    end_time=SPLIT[1][0],
                    working_days=[0, 1, 2, 3, 4],
                    tz=zone,
                ),
                btd.HolidayRule(frozenset(holidays), tz=zone),
            ]
        )

    setup_ns, rules = measure_once(build)
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
        setup_ns=setup_ns,
    )


PEERS: tuple[Callable[[list[date]], Peer], ...] = (
    peer_workclock,
    peer_timegrid,
    peer_pandas,
    peer_businesstimedelta,
)


# -- measurement ----------------------------------------------------------------------------


def collect(fn: Callable[[Any, Any], Any], xs: Sequence[Any], ys: Sequence[Any]) -> list[Any]:
    return [fn(x, y) for x, y in zip(xs, ys, strict=True)]


@dataclass
class Row:
    op: str  # "add" | "between"
    library: str
    mode: str
    baseline: str  # "scalar" | "vector": which escalate row the ratio is against
    timing: Timing | None = None
    skipped: str = ""
    reference: bool = False  # escalate's row that the ratios of this op and baseline use

    def to_json(self) -> dict[str, Any]:
        return {
            "op": self.op,
            "library": self.library,
            "mode": self.mode,
            "baseline": self.baseline,
            "timing": self.timing.to_json() if self.timing else None,
            "skipped": self.skipped or None,
        }


@dataclass
class Check:
    """Agreement of one peer operation with escalate on the same inputs."""

    op: str
    library: str
    n: int = 0
    exact: int = 0
    equivalent: int = 0  # different instants with no open time between them
    examples: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def differ(self) -> int:
        return self.n - self.exact - self.equivalent

    def to_json(self) -> dict[str, Any]:
        return {
            "op": self.op,
            "library": self.library,
            "n": self.n,
            "exact": self.exact,
            "equivalent": self.equivalent,
            "differ": self.differ,
            "examples": self.examples,
            "error": self.error or None,
        }


def compare(
    check: Check,
    cal: escalate.Calendar,
    starts: Sequence[int],
    ours: Sequence[int],
    theirs: Sequence[int],
    *,
    instants: bool,
) -> None:
    """Count agreements; for instants, answers with no open time between them are equivalent."""
    for start, a, b in zip(starts, ours, theirs, strict=True):
        check.n += 1
        if a == b:
            check.exact += 1
            continue
        kind = "DIFFERENT"
        if instants and cal.between(us_dt(min(a, b)), us_dt(max(a, b))) == timedelta(0):
            check.equivalent += 1
            kind = "equivalent (no open time between: closing instant vs next opening)"
        if len(check.examples) < 3 or (kind == "DIFFERENT" and len(check.examples) < 6):
            fmt = (
                (lambda us: us_dt(us).isoformat())
                if instants
                else (lambda us: str(timedelta(microseconds=us)))
            )
            check.examples.append(
                f"start {us_dt(start).isoformat()}: escalate {fmt(a)}, {check.library.split()[0]} {fmt(b)}  [{kind}]"
            )


class Bench:
    def __init__(self, sizes: Sizes, seed: int) -> None:
        self.sizes = sizes
        self.seed = seed
        self.rows: list[Row] = []
        self.checks: list[Check] = []
        self.first_call: list[tuple[str, str, str]] = []
        self.first_call_json: dict[str, Any] = {}
        self.duration_rows: list[tuple[str, int, Timing | None, str]] = []
        self.peers: list[Peer] = []
        self.peer_errors: dict[str, str] = {}
        self.cal: escalate.Calendar
        self.wl: Workload

    # -- first-call (index build) costs: runs first, in a process that has built nothing ---

    def run_first_call(self) -> None:
        wl, d = self.wl, timedelta(hours=ADD_HOURS)
        start, end = wl.starts[0], wl.ends[0]
        construct, first_add, first_between, second_add = [], [], [], []
        span = (datetime(2024, 1, 1, tzinfo=ZONE), datetime(2028, 1, 1, tzinfo=ZONE))
        all_years, all_years_warm = [], []
        for _ in range(self.sizes.fresh):
            ns, cal = measure_once(new_calendar)
            construct.append(ns)
            first_add.append(measure_once(partial(cal.add, start, d))[0])
            second_add.append(measure_once(partial(cal.add, start, d))[0])
            first_between.append(measure_once(partial(cal.between, start, end))[0])
            cal = new_calendar()
            all_years.append(measure_once(partial(cal.between, *span))[0])
            all_years_warm.append(measure_once(partial(cal.between, *span))[0])
        # a cold pass over all the scalar instants (builds 2024-2027) against a warm pass
        cal = new_calendar()
        starts, ds = wl.starts, [d] * len(wl.starts)
        cold_pass = measure_once(partial(pairs_loop, cal.add, starts, ds))[0]
        warm_pass = measure_once(partial(pairs_loop, cal.add, starts, ds))[0]
        # the vectorised call on a fresh calendar (index for all years + its numpy arrays)
        cold_vec = []
        for _ in range(min(self.sizes.fresh, 3)):
            fresh = new_calendar()
            cold_vec.append(measure_once(partial(fresh.add_many, wl.start64, d))[0])
        warm_vec = (
            measure(
                partial(fresh.add_many, wl.start64, d),
                wl.start64.size,
                repeats=self.sizes.slow_repeats,
            ).per_op_ns
            * wl.start64.size
        )

        def med(values: list[int]) -> float:
            return float(np.median(values))

        rest = slice(1, None) if len(first_add) > 1 else slice(None)
        n_fresh = len(first_add[rest])
        self.first_call = [
            (
                "Calendar(...) with Holidays.country('CO'), first ever in this process",
                fmt_ns(construct[0]),
                "1 call; loads the holidays package's country data (all countries)",
            ),
            (
                "Calendar(...) with Holidays.country('CO')",
                fmt_ns(med(construct[rest])),
                f"median of {n_fresh} fresh",
            ),
            (
                "first add on a fresh calendar, first ever in this process",
                fmt_ns(first_add[0]),
                "1 call",
            ),
            (
                "first add on a fresh calendar (builds one year)",
                fmt_ns(med(first_add[rest])),
                f"median of {n_fresh} fresh",
            ),
            (
                "second add, same calendar (one isolated timed call)",
                fmt_ns(med(second_add[rest])),
                f"median of {n_fresh} fresh",
            ),
            (
                "first between on that calendar (may extend the index)",
                fmt_ns(med(first_between[rest])),
                f"median of {n_fresh} fresh",
            ),
            (
                "between(2024-01-01, 2028-01-01) on a fresh calendar (builds 2024-2027)",
                fmt_ns(med(all_years[rest])),
                f"then {fmt_ns(med(all_years_warm[rest]))} warm (one isolated call); median of {n_fresh} fresh",
            ),
            (
                f"cold pass: {fmt_count(len(starts))} adds on a fresh calendar (2024-2027)",
                fmt_ns(cold_pass),
                f"then a warm pass {fmt_ns(warm_pass)}",
            ),
            (
                f"add_many over {fmt_count(wl.start64.size)} datetime64 on a fresh calendar",
                fmt_ns(med(cold_vec)),
                f"warm {fmt_ns(warm_vec)}; median of {len(cold_vec)} fresh",
            ),
        ]
        self.first_call_json = {
            "construct_ns": construct,
            "first_add_ns": first_add,
            "second_add_ns": second_add,
            "first_between_ns": first_between,
            "build_2024_2027_ns": all_years,
            "cold_pass_ns": cold_pass,
            "warm_pass_ns": warm_pass,
            "cold_add_many_ns": cold_vec,
            "warm_add_many_ns": warm_vec,
        }

    # -- escalate ---------------------------------------------------------------------------

    def run_escalate(self) -> None:
        import pandas as pd

        sz, wl, cal = self.sizes, self.wl, self.cal
        d = timedelta(hours=ADD_HOURS)
        ds = [d] * len(wl.starts)
        n, reps = wl.start64.size, sz.repeats
        s_a = pd.Series(pd.DatetimeIndex(wl.start64).tz_localize("UTC").tz_convert(TZ))
        s_b = pd.Series(pd.DatetimeIndex(wl.end64).tz_localize("UTC").tz_convert(TZ))
        rows = [
            (
                "add",
                "add (datetime in/out)",
                "scalar",
                measure_pairs(cal.add, wl.starts, ds, repeats=reps),
            ),
            (
                "between",
                "between (datetime in/out)",
                "scalar",
                measure_pairs(cal.between, wl.starts, wl.ends, repeats=reps),
            ),
            (
                "add",
                "add_many (numpy datetime64)",
                "vector",
                measure(partial(cal.add_many, wl.start64, d), n, repeats=reps),
            ),
            (
                "between",
                "between_many (numpy datetime64)",
                "vector",
                measure(partial(cal.between_many, wl.start64, wl.end64), n, repeats=reps),
            ),
        ]
        for op, mode, baseline, timing in rows:
            self.rows.append(Row(op, "escalate", mode, baseline, timing, reference=True))
        for op, run in (
            ("add", partial(cal.add_many, s_a, d)),
            ("between", partial(cal.between_many, s_a, s_b)),
        ):
            mode = f"{op}_many (pandas Series, tz-aware)"
            self.rows.append(
                Row(op, "escalate", mode, "vector", measure(run, n, repeats=sz.slow_repeats))
            )
        # self-consistency: the vectorised answers equal the scalar ones
        k = min(sz.sub, len(wl.starts))
        scalar_add = [dt_us(cal.add(s, d)) for s in wl.starts[:k]]
        vec_add = cal.add_many(wl.start64[:k], d).astype("datetime64[us]").astype(np.int64).tolist()
        check = Check("add", "escalate add_many vs escalate add")
        compare(check, cal, wl.start_us[:k], scalar_add, vec_add, instants=True)
        self.checks.append(check)
        scalar_between = [
            td_us(cal.between(a, b)) for a, b in zip(wl.starts[:k], wl.ends[:k], strict=True)
        ]
        vec_between = (
            cal.between_many(wl.start64[:k], wl.end64[:k])
            .astype("timedelta64[us]")
            .astype(np.int64)
            .tolist()
        )
        check = Check("between", "escalate between_many vs escalate between")
        compare(check, cal, wl.start_us[:k], scalar_between, vec_between, instants=False)
        self.checks.append(check)

    # -- peers ------------------------------------------------------------------------------

    def run_peers(self, holidays: list[date]) -> None:
        for build in PEERS:
            name = build.__name__.removeprefix("peer_")
            try:
                peer = build(holidays)
            except ImportError as exc:
                self.peer_errors[name] = f"not installed ({exc})"
                continue
            except Exception as exc:
                self.peer_errors[name] = f"setup failed: {exc!r}"
                continue
            self.peers.append(peer)
            self.run_peer(peer)

    def run_peer(self, peer: Peer) -> None:
        sz, wl, cal = self.sizes, self.wl, self.cal
        n = sz.sub if peer.slow else sz.scalar
        repeats = sz.slow_repeats if peer.slow else sz.repeats
        k = min(sz.sub, n)
        xs = [peer.convert(dt) for dt in wl.starts[:n]]
        ends = [peer.convert(dt) for dt in wl.ends[:n]]
        mode = "per element" if peer.slow else "scalar"
        d_esc = timedelta(hours=ADD_HOURS)

        if peer.add is None or peer.duration is None:
            self.rows.append(Row("add", peer.name, mode, "scalar", skipped="no add"))
        else:
            d = peer.duration(ADD_HOURS)
            ds = [d] * n
            check = Check("add", peer.name)
            try:
                # the agreement pass doubles as the warm-up
                theirs = [peer.add_out(r) for r in collect(peer.add, xs[:k], ds[:k])]
                ours = [dt_us(cal.add(s, d_esc)) for s in wl.starts[:k]]
                compare(check, cal, wl.start_us[:k], ours, theirs, instants=True)
                timing = measure_pairs(peer.add, xs, ds, repeats=repeats, warmup=not peer.slow)
                self.rows.append(Row("add", peer.name, mode, "scalar", timing))
            except Exception as exc:
                check.error = repr(exc)
                self.rows.append(Row("add", peer.name, mode, "scalar", skipped=f"error: {exc!r}"))
            self.checks.append(check)
            self.grid_check(peer, "add")

        if peer.between is None:
            self.rows.append(Row("between", peer.name, mode, "scalar", skipped="not available"))
        else:
            check = Check("between", peer.name)
            try:
                theirs = [peer.between_out(r) for r in collect(peer.between, xs[:k], ends[:k])]
                ours = [
                    td_us(cal.between(a, b))
                    for a, b in zip(wl.starts[:k], wl.ends[:k], strict=True)
                ]
                compare(check, cal, wl.start_us[:k], ours, theirs, instants=False)
                timing = measure_pairs(
                    peer.between, xs, ends, repeats=repeats, warmup=not peer.slow
                )
                self.rows.append(Row("between", peer.name, mode, "scalar", timing))
            except Exception as exc:
                check.error = repr(exc)
                self.rows.append(
                    Row("between", peer.name, mode, "scalar", skipped=f"error: {exc!r}")
                )
            self.checks.append(check)
            self.grid_check(peer, "between")

        nv = wl.start64.size
        if peer.add_many is not None:
            check = Check("add", f"{peer.name} add_many vs escalate add_many")
            try:
                theirs_v = (
                    peer.add_many(wl.start64, d_esc).astype("datetime64[us]").astype(np.int64)
                )
                ours_v = cal.add_many(wl.start64, d_esc).astype("datetime64[us]").astype(np.int64)
                self._compare_arrays(check, ours_v, theirs_v, instants=True)
                timing = measure(
                    partial(peer.add_many, wl.start64, d_esc),
                    nv,
                    repeats=sz.slow_repeats,
                    warmup=False,
                )
                self.rows.append(
                    Row("add", peer.name, "add_many (numpy datetime64)", "vector", timing)
                )
            except Exception as exc:
                check.error = repr(exc)
                self.rows.append(
                    Row(
                        "add",
                        peer.name,
                        "add_many (numpy datetime64)",
                        "vector",
                        skipped=f"error: {exc!r}",
                    )
                )
            self.checks.append(check)
        if peer.between_many is not None:
            check = Check("between", f"{peer.name} between_many vs escalate between_many")
            try:
                theirs_v = (
                    peer.between_many(wl.start64, wl.end64)
                    .astype("timedelta64[us]")
                    .astype(np.int64)
                )
                ours_v = (
                    cal.between_many(wl.start64, wl.end64)
                    .astype("timedelta64[us]")
                    .astype(np.int64)
                )
                self._compare_arrays(check, ours_v, theirs_v, instants=False)
                timing = measure(
                    partial(peer.between_many, wl.start64, wl.end64),
                    nv,
                    repeats=sz.slow_repeats,
                    warmup=False,
                )
                self.rows.append(
                    Row("between", peer.name, "between_many (numpy datetime64)", "vector", timing)
                )
            except Exception as exc:
                check.error = repr(exc)
                self.rows.append(
                    Row(
                        "between",
                        peer.name,
                        "between_many (numpy datetime64)",
                        "vector",
                        skipped=f"error: {exc!r}",
                    )
                )
            self.checks.append(check)

    def grid_check(self, peer: Peer, op: str) -> None:
        """Agreement on the half-hour grid of starts (and ends), where conventions show."""
        wl, cal = self.wl, self.cal
        check = Check(op, f"{peer.name} (starts on a 30-min grid)")
        starts_us = [dt_us(dt) for dt in wl.grid_starts]
        xs = [peer.convert(dt) for dt in wl.grid_starts]
        try:
            if op == "add" and peer.add and peer.duration:
                ds = [peer.duration(ADD_HOURS)] * len(xs)
                theirs = [peer.add_out(r) for r in collect(peer.add, xs, ds)]
                d = timedelta(hours=ADD_HOURS)
                ours = [dt_us(cal.add(dt, d)) for dt in wl.grid_starts]
            elif op == "between" and peer.between:
                ends = [peer.convert(dt) for dt in wl.grid_ends]
                theirs = [peer.between_out(r) for r in collect(peer.between, xs, ends)]
                pairs = zip(wl.grid_starts, wl.grid_ends, strict=True)
                ours = [td_us(cal.between(a, b)) for a, b in pairs]
            else:
                return
            compare(check, cal, starts_us, ours, theirs, instants=op == "add")
        except Exception as exc:
            check.error = repr(exc)
        self.checks.append(check)

    def _compare_arrays(self, check: Check, ours: Any, theirs: Any, *, instants: bool) -> None:
        same = ours == theirs
        check.n = int(same.size)
        check.exact = int(same.sum())
        bad = np.flatnonzero(~same)
        start_us = self.wl.start64.astype(np.int64)
        if bad.size:  # classify only the differing ones
            compare(
                check,
                self.cal,
                start_us[bad].tolist(),
                ours[bad].tolist(),
                theirs[bad].tolist(),
                instants=instants,
            )
            check.n -= int(bad.size)

    # -- duration scaling -------------------------------------------------------------------

    def run_durations(self) -> None:
        sz, wl, cal = self.sizes, self.wl, self.cal
        n = len(wl.starts)
        for hours in DURATION_HOURS:
            d = timedelta(hours=hours)
            ds = [d] * n
            pairs_loop(cal.add, wl.starts, ds)  # grows the index to the years the results reach
            self.duration_rows.append(
                (
                    "escalate",
                    hours,
                    measure_pairs(cal.add, wl.starts, ds, repeats=sz.repeats),
                    "",
                )
            )
        for peer in self.peers:
            if peer.add is None or peer.duration is None:
                continue
            k = min(sz.sub, n)
            xs = [peer.convert(dt) for dt in wl.starts[:k]]
            for hours in DURATION_HOURS:
                try:
                    d = peer.duration(hours)
                    timing = measure_pairs(peer.add, xs, [d] * k, repeats=sz.slow_repeats)
                    self.duration_rows.append((peer.name, hours, timing, ""))
                except Exception as exc:
                    self.duration_rows.append(
                        (peer.name, hours, None, f"error: {type(exc).__name__}: {exc}")
                    )

    # -- report -----------------------------------------------------------------------------

    def baseline(self, op: str, kind: str) -> Timing | None:
        for row in self.rows:
            if row.reference and row.op == op and row.baseline == kind:
                return row.timing
        return None

    def ops_table(self, op: str) -> str:
        rows = []
        for row in self.rows:
            if row.op != op:
                continue
            if row.timing is None:
                rows.append((row.library, row.mode, "-", "-", "-", "-", "-", "n/a", row.skipped))
                continue
            base = self.baseline(op, row.baseline)
            is_base = base is row.timing
            ratio = (
                "1 (baseline)"
                if is_base
                else fmt_ratio(row.timing.per_op_ns / base.per_op_ns)
                if base
                else "-"
            )
            vs = (
                ""
                if is_base
                else f"vs escalate {'scalar' if row.baseline == 'scalar' else 'add_many' if op == 'add' else 'between_many'}"
            )
            rows.append(
                (
                    row.library,
                    row.mode,
                    fmt_count(row.timing.n),
                    fmt_ns(row.timing.per_op_ns),
                    fmt_ns(row.timing.best_ns),
                    fmt_rate(row.timing.ops_per_s),
                    f"{row.timing.spread:.0%}",
                    ratio,
                    vs,
                )
            )
        headers = (
            "library",
            "API / mode",
            "n",
            "per op",
            "best",
            "ops/s",
            "spread",
            "peer/escalate",
            "",
        )
        return render_table(headers, rows)

    def durations_table(self) -> str:
        per_lib: dict[str, dict[int, Timing | None]] = {}
        errors: dict[str, str] = {}
        for name, hours, timing, err in self.duration_rows:
            per_lib.setdefault(name, {})[hours] = timing
            if err:
                errors[name] = err
        rows = []
        for name, by_hours in per_lib.items():
            cells = [
                fmt_ns(t.per_op_ns) if t else "error"
                for t in (by_hours.get(h) for h in DURATION_HOURS)
            ]
            one, big = by_hours.get(DURATION_HOURS[0]), by_hours.get(DURATION_HOURS[-1])
            growth = fmt_ratio(big.per_op_ns / one.per_op_ns) if one and big else "-"
            n = next((t.n for t in by_hours.values() if t), 0)
            rows.append((name, fmt_count(n), *cells, growth, errors.get(name, "")))
        headers = (
            "library",
            "n",
            *(f"add {h:,} h" for h in DURATION_HOURS),
            f"{DURATION_HOURS[-1]:,} h / 1 h",
            "",
        )
        return render_table(headers, rows)

    def checks_table(self) -> str:
        rows = []
        for c in self.checks:
            if c.error and not c.n:
                rows.append((c.op, c.library, "-", "-", "-", "-", f"error: {c.error}"))
                continue
            rows.append(
                (
                    c.op,
                    c.library,
                    fmt_count(c.n),
                    f"{c.exact / c.n:.2%}" if c.n else "-",
                    f"{c.equivalent / c.n:.2%}" if c.n else "-",
                    f"{c.differ / c.n:.2%}" if c.n else "-",
                    c.error,
                )
            )
        return render_table(
            ("op", "compared", "n", "identical", "equivalent*", "different", ""), rows
        )

    def targets(self) -> list[tuple[str, str, str, bool]]:
        out = []
        for op in ("add", "between"):
            t = self.baseline(op, "scalar")
            if t:
                out.append(
                    (
                        f"escalate {op}, scalar, datetime in/out (median per op)",
                        f"{fmt_ns(t.per_op_ns)} (best {fmt_ns(t.best_ns)})",
                        f"<= {fmt_ns(SCALAR_TARGET_NS)}",
                        t.per_op_ns <= SCALAR_TARGET_NS,
                    )
                )
        for op, api in (("add", "add_many"), ("between", "between_many")):
            t = self.baseline(op, "vector")
            if t:
                label = f"escalate {api}, {fmt_count(t.n)} datetime64"
                out.append(
                    (
                        label,
                        f"{fmt_rate(t.ops_per_s)} (best {fmt_rate(1e9 / t.best_ns)})",
                        f">= {fmt_rate(VECTOR_TARGET_OPS)}",
                        t.ops_per_s >= VECTOR_TARGET_OPS,
                    )
                )
        esc = {h: t for name, h, t, _ in self.duration_rows if name == "escalate" and t}
        if DURATION_HOURS[0] in esc and DURATION_HOURS[-1] in esc:
            growth = esc[DURATION_HOURS[-1]].per_op_ns / esc[DURATION_HOURS[0]].per_op_ns
            out.append(
                (
                    f"escalate add {DURATION_HOURS[-1]:,} h vs 1 h (cost flat in duration)",
                    fmt_ratio(growth),
                    f"<= {DURATION_GROWTH_LIMIT}x",
                    growth <= DURATION_GROWTH_LIMIT,
                )
            )
        return out

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
                f"{'==' if holidays_match else '!='} holidays.country_holidays('CO'))"
            ),
            (
                f"instants: {fmt_count(sz.scalar)} random (seed {self.seed}, whole seconds) in 2024-2026; "
                f"add {ADD_HOURS} business hours; between start and start + U[0, 30 days]"
            ),
            (
                f"sizes: escalate scalar and fast peers {fmt_count(sz.scalar)}, slow peers "
                f"{fmt_count(sz.sub)}, vectorised {fmt_count(sz.vector)} (instants tiled)"
            ),
            (
                f"timing: scalar loops are timed in 20 chunks per pass, {sz.repeats} passes "
                f"({sz.slow_repeats} for slow peers); a vectorised call is one sample, {sz.repeats} "
                f"samples ({sz.slow_repeats} for peers' batch calls); per op = median over samples, "
                "after a warm-up; spread = interquartile range / median"
            ),
            section("First-call cost (index build) vs warm"),
            render_table(("what", "time", ""), self.first_call),
            section(f"add {ADD_HOURS} business hours"),
            self.ops_table("add"),
            section("between (business time from start to a point 0-30 days later)"),
            self.ops_table("between"),
            section("Cost against the duration added (per op, warm)"),
            self.durations_table(),
            (
                "peers hold holidays only through 2027 (the workload's list); escalate computes later "
                "years' holidays, so long results differ in value. Timing only."
            ),
            section("Agreement with escalate (same inputs)"),
            self.checks_table(),
            (
                "* equivalent: a different instant with no open time between the two answers, i.e. the "
                "closing instant (escalate, DESIGN rule 6) against the next opening."
            ),
        ]
        for c in self.checks:
            if c.examples:
                out.append(f"\n{c.op} / {c.library}: {c.n - c.exact:,} not identical; first ones:")
                out.extend(f"  {e}" for e in c.examples)
        out.append(section("How each peer expresses the workload"))
        for peer in self.peers:
            out.append(f"{peer.name}: {peer.api}  (setup {fmt_ns(peer.setup_ns)})")
            out.extend(f"  - {note}" for note in peer.notes)
        for name, err in self.peer_errors.items():
            out.append(f"{name}: skipped, {err}")
        out.append(section("Targets"))
        out.append(
            render_table(
                ("target", "measured", "goal", "verdict"),
                [(a, b, c, verdict(ok)) for a, b, c, ok in self.targets()],
            )
        )
        return "\n".join(out)


def _load_line(env: dict[str, Any]) -> str:
    before, after = env.get("loadavg_before"), env.get("loadavg")
    if not before or not after:
        return "load average: unknown"
    line = (
        f"load average (1 min): {before[0]:.2f} before, {after[0]:.2f} after, on {env['cpus']} CPUs"
    )
    # this benchmark itself keeps one CPU busy; more than that is other work sharing the machine
    if after[0] - 1 > 0.5:
        line += "  ** other processes were running: expect noisy timings **"
    return line


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="smaller sizes; finishes in under a minute"
    )
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON to PATH")
    parser.add_argument("--seed", type=int, default=20_240_101, help="seed of the random instants")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL

    load_before = load_average()
    bench = Bench(sizes, args.seed)
    bench.wl = make_workload(sizes, args.seed)
    print(
        f"running the {'quick' if args.quick else 'full'} benchmark...", file=sys.stderr, flush=True
    )
    bench.run_first_call()  # before anything else builds an index or loads holiday data

    import holidays as holidays_pkg

    peer_holidays = sorted(holidays_pkg.country_holidays("CO", years=HOLIDAY_YEARS))
    bench.cal = new_calendar()
    ours = sorted(day for year in HOLIDAY_YEARS for day in bench.cal.holidays.for_year(year))
    holidays_match = ours == peer_holidays

    print("escalate...", file=sys.stderr, flush=True)
    bench.run_escalate()
    print("peers...", file=sys.stderr, flush=True)
    bench.run_peers(peer_holidays)
    print("durations...", file=sys.stderr, flush=True)
    bench.run_durations()

    env = environment(PEER_DISTRIBUTIONS)
    env["loadavg_before"] = load_before
    print(bench.report(env, holidays_match, len(peer_holidays)))
    if args.json:
        write_json(
            args.json,
            {
                "environment": env,
                "mode": "quick" if args.quick else "full",
                "seed": args.seed,
                "sizes": sizes.__dict__,
                "holidays_match": holidays_match,
                "first_call": bench.first_call_json,
                "results": [row.to_json() for row in bench.rows],
                "durations": [
                    {
                        "library": name,
                        "hours": hours,
                        "timing": t.to_json() if t else None,
                        "error": err or None,
                    }
                    for name, hours, t, err in bench.duration_rows
                ],
                "agreement": [c.to_json() for c in bench.checks],
                "peer_errors": bench.peer_errors,
                "targets": [
                    {"target": a, "measured": b, "goal": c, "pass": ok}
                    for a, b, c, ok in bench.targets()
                ],
            },
        )
        print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
