"""Time escalate.ledger and escalate.ola on a million incidents with 10 status changes each.

Workload: 1,000,000 fictitious incidents opened over 2026 on the split-day Bogota
calendar (07:30-12:30, 13:30-17:00, Colombian holidays), each with an opening and 10
changes 5 minutes to 2 days apart: the status moves among New, Active, Waiting (a status
that pauses) and Resolved, and the assignment group among 8 groups; about 5% are still
open at ``as_of``. 11,000,000 events in all, as an :class:`escalate.EventLog` built
directly from arrays (reading a log is timed by the histories' own benchmarks, not here).

Timed, side by side in interleaved rounds, on the same log:

- ``evaluate_frame(log)``: the baseline, one result row per incident;
- ``ledger(log, by=("status", "assignment_group"))``;
- ``ola(ledger, goals=...)`` then ``compliance`` of its table per group: the OLA table
  (from the ledger: one pass of the engine serves both);
- ledger + OLA table together: target <= 10 s for 1,000,000 incidents.

Each figure is the median of the rounds, in wall-clock and in CPU seconds (this machine
is shared; the CPU time is what a call costs with a core to itself, and the target is
checked on it). Before timing, the answers are checked: per incident, the counted rows of the ledger sum
to ``evaluate_frame``'s ``resolution_elapsed``, and the groups' held times of the OLA table
too, to the microsecond.

    python benchmarks/ledger.py            # 1,000,000 incidents, 3 rounds
    python benchmarks/ledger.py --quick    # 100,000 incidents
"""

from __future__ import annotations

import sys
from pathlib import Path

# benchmarks/calendar.py would shadow the standard library's `calendar` while this folder
# is first on sys.path: move it last.
sys.path.sort(key=lambda entry: Path(entry or ".").resolve() == Path(__file__).resolve().parent)

import argparse
import resource
import statistics
import time
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
from _common import office_calendar

from escalate import EventLog, Policy, Severity, compliance, evaluate_frame, ledger, ola

H = timedelta(hours=1)
AS_OF = datetime(2027, 1, 5, tzinfo=UTC)
CHANGES = 10
STATUSES = ["New", "Active", "Waiting", "Resolved"]
GROUPS = [f"Group {k}" for k in range(1, 9)]
GOALS = {g: f"{2 + k}h" for k, g in enumerate(GROUPS[:6])}  # two groups without a goal
TARGET_S = 10.0


def build_policy() -> Policy:
    return Policy(
        clock="office",
        calendars={"office": office_calendar()},
        statuses={"New": "open", "Active": "open", "Waiting": "paused", "Resolved": "resolved"},
        severities=[
            Severity(name="alta", goals={"response": 2 * H, "resolution": 8 * H}),
            Severity(name="normal", goals={"response": 4 * H, "resolution": 24 * H}),
        ],
    )


def build_log(n: int, seed: int = 13) -> EventLog:
    """``n`` incidents, each an opening and ``CHANGES`` status or group changes."""
    rng = np.random.default_rng(seed)
    per = CHANGES + 1
    start = int(datetime(2026, 1, 1, tzinfo=UTC).timestamp() * 1e6)
    opened = start + rng.integers(0, 360 * 86_400, n, dtype=np.int64) * 1_000_000
    gaps = rng.integers(5 * 60, 2 * 86_400, (n, per), dtype=np.int64) * 1_000_000
    gaps[:, 0] = 0
    at = (opened[:, None] + np.cumsum(gaps, axis=1)).ravel()
    # statuses: New at the opening, then a walk among New/Active/Waiting, Resolved last
    status = rng.choice([1, 1, 2], size=(n, per))  # Active, Active, Waiting
    status[:, 0] = 0
    status[:, -1] = np.where(rng.random(n) < 0.95, 3, 1)  # 5% still open
    group = rng.integers(0, len(GROUPS), (n, per))
    # about half of the changes move the ticket to another group; the others keep it
    keep = rng.random((n, per)) < 0.5
    keep[:, 0] = False
    group = np.where(keep, -1, group)
    kinds = np.ones((n, per), dtype=np.int8)
    kinds[:, 0] = 0
    severity = np.full((n, per), -1, dtype=np.int8)
    severity[:, 0] = rng.integers(0, 2, n)
    ids = np.repeat(np.arange(n, dtype=np.int64), per)

    def cat(codes: np.ndarray, names: list[str]) -> pd.Categorical:
        return pd.Categorical.from_codes(codes.ravel(), categories=names)

    frame = pd.DataFrame(
        {
            "id": ids,
            "at": pd.DatetimeIndex(at.view("M8[us]").astype("M8[ns]")).tz_localize("UTC"),
            "type": cat(kinds, ["opened", "changed"]),
            "severity": cat(severity, ["alta", "normal"]),
            "status": cat(status, STATUSES),
            "reason": cat(np.full(n * per, -1, dtype=np.int8), []),
            "assignment_group": cat(group, GROUPS),
            "row": np.arange(n * per),
        }
    )
    issues = pd.DataFrame(columns=["id", "row", "column", "value", "action", "reason"])
    return EventLog(frame=frame, issues=issues, attributes=("assignment_group",))


def ola_table(split: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    table = ola(split, goals=GOALS)
    return table, compliance(table, by=["assignment_group"], targets=["ola"])


def check(log: EventLog, policy: Policy) -> int:
    """Per incident, the ledger's counted rows and the groups' held times sum to elapsed."""
    results = evaluate_frame(log, policy, as_of=AS_OF)
    elapsed = results["resolution_elapsed"].to_numpy("m8[ns]").view("i8") // 1000
    table = ledger(log, policy, as_of=AS_OF)
    counted = table[(table["part"] == "counted").to_numpy()]
    sums = np.bincount(counted["id"].to_numpy(np.int64), counted["us"], minlength=len(results))
    held_table, _ = ola_table(table)
    held = held_table["ola_elapsed"].to_numpy("m8[ns]").view("i8") // 1000
    by_group = np.bincount(held_table["id"].to_numpy(np.int64), held, minlength=len(results))
    ok_ledger = int((sums.astype(np.int64) == elapsed).sum())
    ok_ola = int((by_group.astype(np.int64) == elapsed).sum())
    print(f"  answers: ledger sums equal elapsed for {ok_ledger:,} of {len(results):,} incidents,")
    print(f"           OLA held times for {ok_ola:,} of {len(results):,}")
    return min(ok_ledger, ok_ola) == len(results)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100,000 incidents")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    args = parser.parse_args(argv)
    n = 100_000 if args.quick else 1_000_000
    policy = build_policy()
    t0 = time.perf_counter()
    log = build_log(n)
    print(f"escalate.ledger and escalate.ola: {n:,} incidents, {len(log.frame):,} events")
    print(f"  (building the log took {time.perf_counter() - t0:.1f} s, not timed below)")
    ok = check(log, policy)
    split = ledger(log, policy, as_of=AS_OF)
    print(f"  the ledger has {len(split):,} rows")
    calls = {
        "evaluate_frame (baseline)": lambda: evaluate_frame(log, policy, as_of=AS_OF),
        "ledger": lambda: ledger(log, policy, as_of=AS_OF),
        "ola table + compliance": lambda: ola_table(split),
    }
    wall: dict[str, list[float]] = {name: [] for name in calls}
    cpu: dict[str, list[float]] = {name: [] for name in calls}
    names = list(calls)
    for r in range(args.rounds):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            t, c = time.perf_counter(), time.process_time()
            calls[name]()
            wall[name].append(time.perf_counter() - t)
            cpu[name].append(time.process_time() - c)
    # CPU time is what the call costs when it has a core to itself (the machine is shared)
    print(f"  median of {args.rounds} interleaved rounds       wall s    CPU s   CPU ratio")
    base = statistics.median(cpu[names[0]])
    for name in names:
        w, c = statistics.median(wall[name]), statistics.median(cpu[name])
        print(f"  {name:27}: {w:12.2f} {c:8.2f}   {c / base:4.2f} x evaluate_frame")
    later = ("ledger", "ola table + compliance")
    both_wall = sum(statistics.median(wall[k]) for k in later)
    both = sum(statistics.median(cpu[k]) for k in later)
    target = TARGET_S * n / 1_000_000
    verdict = "PASS" if both <= target else "MISS"
    print(
        f"  {'ledger + OLA table':27}: {both_wall:12.2f} {both:8.2f}   "
        f"target <= {target:g} s (CPU)  {verdict}"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(f"  peak resident memory: {peak:.2f} GB")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
