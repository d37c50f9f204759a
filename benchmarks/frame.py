"""Time escalate.evaluate_frame on a million incidents and print it beside the per-row peers.

Workload: 1,000,000 incidents (one row each) with two targets (response 2 h, resolution
8 h) and five escalation tiers on the split-day Bogota calendar (07:30-12:30, 13:30-17:00)
with Colombian holidays, opened over three years (2024-2026) and evaluated as of
1 January 2027; tickets of the last two weeks are partly still unanswered or unresolved.

    python benchmarks/frame.py            # full run (1,000,000 incidents)
    python benchmarks/frame.py --quick    # 100,000 incidents

Printed side by side:

- ``evaluate_frame`` with no pauses (target <= 3 s), and with 10% of incidents paused
  (target <= 10 s);
- a per-row loop over ``escalate.evaluate`` (timed on 20,000 rows, extrapolated);
- the equivalent per-row loop with businesstimedelta (one ``between`` per target and one
  ``add`` for the deadline; timed on 200 rows, extrapolated);
- workclock's vectorised ``between_many``/``add_many`` on the same columns (elapsed and
  deadline only: it has no policies or tiers);
- the peak resident memory of this process (``getrusage``; target < 2 GB).
"""

from __future__ import annotations

import sys
from pathlib import Path

# benchmarks/calendar.py would shadow the standard library's `calendar` (imported by
# pendulum through dateutil) while this folder is first on sys.path: move it last.
sys.path.sort(key=lambda entry: Path(entry or ".").resolve() == Path(__file__).resolve().parent)

import argparse
import resource
import statistics
import time
import warnings
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from _common import escalation_tiers, office_calendar

from escalate import Policy, Severity, Timeline, evaluate, evaluate_frame

BOGOTA = ZoneInfo("America/Bogota")
H = timedelta(hours=1)
AS_OF = datetime(2027, 1, 1, tzinfo=BOGOTA)


def build_policy() -> Policy:
    return Policy(
        clock="office",
        calendars={"office": office_calendar()},
        severities=[
            Severity(name="alta", goals={"response": 2 * H, "resolution": 8 * H}),
            Severity(name="normal", goals={"response": 4 * H, "resolution": 24 * H}),
        ],
        tiers=escalation_tiers(),
    )


def build_table(n: int, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    start = np.datetime64("2024-01-01T05:00", "us")  # midnight in Bogota
    opened = start + rng.integers(0, 3 * 365 * 24 * 60, n).astype("m8[m]")
    responded = opened + rng.integers(1, 3 * 24 * 60, n).astype("m8[m]")
    resolved = responded + rng.integers(1, 10 * 24 * 60, n).astype("m8[m]")
    # tickets of the last two weeks are often still open; older ones were answered and closed
    recent = opened > np.datetime64("2026-12-17T05:00", "us")
    responded[recent & (rng.random(n) < 0.3)] = np.datetime64("NaT")
    resolved[recent & (rng.random(n) < 0.6)] = np.datetime64("NaT")
    responded[resolved > np.datetime64(AS_OF.replace(tzinfo=None))] = np.datetime64("NaT")

    def aware(values: np.ndarray) -> pd.Series:
        return pd.Series(values).dt.tz_localize("UTC").dt.tz_convert(BOGOTA)

    return pd.DataFrame(
        {
            "id": np.arange(n),
            "opened": aware(opened),
            "responded": aware(responded),
            "resolved": aware(resolved),
            "severity": np.where(rng.random(n) < 0.3, "alta", "normal"),
            "team": rng.choice(["north", "south", "east"], n),
        }
    )


def build_pauses(table: pd.DataFrame, share: float, seed: int = 11) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = table.sample(frac=share, random_state=seed)
    start = rows["opened"] + pd.to_timedelta(rng.integers(1, 600, len(rows)), unit="m")
    end = start + pd.to_timedelta(rng.integers(10, 300, len(rows)), unit="m")
    return pd.DataFrame(
        {"id": rows["id"].to_numpy(), "start": start.to_numpy(), "end": end.to_numpy()}
    )


def timed(fn, *args, **kwargs):
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - t0, out


def scalar_loop(policy: Policy, table: pd.DataFrame, m: int) -> float:
    rows = table.head(m)
    t0 = time.perf_counter()
    for opened, responded, resolved, severity in zip(
        rows["opened"], rows["responded"], rows["resolved"], rows["severity"], strict=True
    ):
        events = [{"type": "opened", "at": opened.to_pydatetime(), "severity": severity}]
        later = [
            (t, kind)
            for t, kind in ((responded, "responded"), (resolved, "resolved"))
            if not pd.isna(t)
        ]
        events += [{"type": kind, "at": t.to_pydatetime()} for t, kind in sorted(later)]
        evaluate(policy, Timeline.from_events(events), as_of=AS_OF)
    return time.perf_counter() - t0


def businesstimedelta_loop(table: pd.DataFrame, m: int) -> float | None:
    try:
        import businesstimedelta as btd
        import holidays as pyholidays
        import pytz
    except ImportError:
        return None
    zone = pytz.timezone("America/Bogota")
    hour = lambda text: datetime.strptime(text, "%H:%M").time()  # noqa: E731
    days = [0, 1, 2, 3, 4]
    # the split day as a 07:30-17:00 WorkDayRule minus a 12:30-13:30 LunchTimeRule (exact)
    rules = btd.Rules(
        [
            btd.WorkDayRule(
                start_time=hour("07:30"), end_time=hour("17:00"), working_days=days, tz=zone
            ),
            btd.LunchTimeRule(
                start_time=hour("12:30"), end_time=hour("13:30"), working_days=days, tz=zone
            ),
            btd.HolidayRule(
                frozenset(pyholidays.country_holidays("CO", years=range(2024, 2028))), tz=zone
            ),
        ]
    )
    goals = {2: btd.BusinessTimeDelta(rules, hours=2), 8: btd.BusinessTimeDelta(rules, hours=8)}
    rows = table.head(m)
    now = AS_OF.astimezone(zone)
    t0 = time.perf_counter()
    for opened, responded, resolved in zip(
        rows["opened"], rows["responded"], rows["resolved"], strict=True
    ):
        start = opened.to_pydatetime().astimezone(zone)
        for stop, goal in ((responded, 2), (resolved, 8)):
            end = now if pd.isna(stop) else stop.to_pydatetime().astimezone(zone)
            rules.difference(start, end)
            start + goals[goal]
    return time.perf_counter() - t0


def workclock_columns(table: pd.DataFrame) -> float | None:
    try:
        import holidays as pyholidays
        import workclock
    except ImportError:
        return None
    days = sorted(pyholidays.country_holidays("CO", years=range(2024, 2028)))
    rules = [
        workclock.WorkDay(
            datetime.strptime(a, "%H:%M").time(),
            datetime.strptime(b, "%H:%M").time(),
            days=range(5),
        )
        for a, b in (("07:30", "12:30"), ("13:30", "17:00"))
    ]
    schedule = workclock.Schedule([*rules, workclock.Holidays(days)], time_zone="America/Bogota")

    def utc64(column: pd.Series) -> np.ndarray:
        return column.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy("M8[us]")

    opened = utc64(table["opened"])
    now = np.datetime64(AS_OF.astimezone(ZoneInfo("UTC")).replace(tzinfo=None), "us")
    t0 = time.perf_counter()
    for column, goal in (("responded", 2 * H), ("resolved", 8 * H)):
        ends = utc64(table[column])
        ends = np.where(np.isnat(ends), now, ends)
        schedule.between_many(opened, ends)
        schedule.add_many(opened, goal)
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="100,000 incidents instead of 1,000,000"
    )
    args = parser.parse_args(argv)
    n = 100_000 if args.quick else 1_000_000
    policy = build_policy()
    table = build_table(n)
    pauses = build_pauses(table, 0.10)
    evaluate_frame(table.head(1000), policy, as_of=AS_OF)  # build the calendar index once

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # the first call pays for fresh memory pages; report it and the median of the next 3
        first, out = timed(evaluate_frame, table, policy, as_of=AS_OF)
        plain = statistics.median(
            timed(evaluate_frame, table, policy, as_of=AS_OF)[0] for _ in range(3)
        )
        first_paused, paused_out = timed(evaluate_frame, table, policy, as_of=AS_OF, pauses=pauses)
        paused = statistics.median(
            timed(evaluate_frame, table, policy, as_of=AS_OF, pauses=pauses)[0] for _ in range(3)
        )
    if out["error"].notna().any() or paused_out["error"].notna().any():
        raise SystemExit("some benchmark rows could not be evaluated")
    m = 20_000 if not args.quick else 5_000
    loop = scalar_loop(policy, table, m) * n / m
    k = 200
    btd = businesstimedelta_loop(table, k)
    wc = workclock_columns(table)
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2

    def verdict(ok: bool) -> str:
        return "PASS" if ok else "MISS"

    print(
        f"escalate.evaluate_frame: {n:,} incidents, 2 targets, 5 tiers, split-day Bogota + CO holidays"
    )
    print(
        f"  evaluate_frame, no pauses           : {plain:8.2f} s   target <= 3 s   {verdict(max(plain, first) <= 3 * n / 1e6)}  (first call {first:.2f} s)"
    )
    print(
        f"  evaluate_frame, 10% with pauses     : {paused:8.2f} s   target <= 10 s  {verdict(max(paused, first_paused) <= 10 * n / 1e6)}  (first call {first_paused:.2f} s)"
    )
    print(f"  per-row evaluate() loop (from {m:,}): {loop:8.2f} s   {loop / plain:6.0f}x slower")
    if btd is not None:
        per = btd * n / k
        print(
            f"  per-row businesstimedelta (from {k:,}): {per:8.2f} s   {per / plain:6.0f}x slower (elapsed + deadline only)"
        )
    if wc is not None:
        print(
            f"  workclock between_many/add_many     : {wc:8.2f} s   {wc / plain:6.2f}x (elapsed + deadline only)"
        )
    print(
        f"  peak memory (ru_maxrss)             : {peak_gb:8.2f} GB  target < 2 GB  {verdict(peak_gb < 2)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
