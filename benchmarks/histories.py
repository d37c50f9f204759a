"""Time ticket histories through escalate: the real ServiceNow log, a synthetic long log, one incident.

Three figures, each beside the path it replaces:

1. **The real log.** ``../shared/data/servicenow-incident-log/incident_event_log.zip``
   (24,918 incidents, 141,712 update rows; CC BY 4.0, Amaral, Fantinato and Peres 2018,
   https://doi.org/10.24432/C57S4H) read from the raw zip with
   ``EventLog.from_snapshots`` and evaluated with ``evaluate_frame`` (target: <= 2 s for
   both), beside ``evaluate_frame`` on the one-row-per-incident table of the same incidents
   (``opened``, ``responded``, ``resolved`` only: no pauses, reopens or priority changes).
2. **A synthetic long log** of ten events per incident (opening, status changes through a
   pausing status, a priority change, a resolution, some reopens), read with
   ``EventLog.from_events`` and evaluated (target: >= 1 million events per second, peak
   memory < 4 GB for 10 million events). The peak is this process's resident maximum
   (``getrusage``), input generation included.
3. **One incident with a 20-event status history** through ``evaluate`` (target: median
   <= 50 µs), interleaved with the same incident's four-event timeline (opened, responded,
   one pause, resolved) so the ratio says what the history costs, and with the 20-event
   results kept in a list with the garbage collector on (as in a notebook; the other
   cases run with it off, as ``timeit`` does).

    python benchmarks/histories.py            # 10,000,000 events
    python benchmarks/histories.py --quick    # 1,000,000 events
    python benchmarks/histories.py --clock cpu    # CPU time for all three figures
"""

from __future__ import annotations

import sys
from pathlib import Path

# benchmarks/calendar.py would shadow the standard library's `calendar` while this folder
# is first on sys.path: move it last.
sys.path.sort(key=lambda entry: Path(entry or ".").resolve() == Path(__file__).resolve().parent)

import argparse
import gc
import resource
import warnings
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
from _common import CLOCKS, Case, fmt_ns, fmt_stat, interleave, load_average, section

import escalate
from escalate import EventLog, Timeline, evaluate, evaluate_frame, load_policy

ROOT = Path(__file__).resolve().parent.parent
LOG = ROOT.parent / "shared" / "data" / "servicenow-incident-log" / "incident_event_log.zip"
POLICY = load_policy(ROOT / "examples" / "policies" / "servicenow_desk.toml")
SNAPSHOTS = {
    "id": "number",
    "at": "sys_updated_at",
    "status": "incident_state",
    "severity": "priority",
    "sequence": "sys_mod_count",
    "attributes": ["assignment_group", "category"],
    "opened_at": "opened_at",
    "time_format": "%d/%m/%Y %H:%M",
    "timezone": "America/Sao_Paulo",
}
COLUMNS = [
    "number", "incident_state", "sys_mod_count", "opened_at", "sys_updated_at", "priority",
    "assignment_group", "category",
]  # fmt: skip
LATE = "2017-06-01T00:00:00-03:00"


def _timed(fn, clock: str):  # type: ignore[no-untyped-def]
    """``fn()`` and the seconds it took on ``clock`` (``cpu``: this process's CPU time)."""
    now = CLOCKS[clock]
    start = now()
    value = fn()
    return value, (now() - start) / 1e9


def real_log(clock: str) -> None:
    """The real export, from the raw zip, against the wide table of the same incidents."""
    print(section("The real ServiceNow log, from the raw zip"))
    if not LOG.exists():
        print(f"(skipped: {LOG} is not here)")
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", escalate.EscalateWarning)
        evaluate_frame(
            EventLog.from_snapshots(pd.read_csv(LOG, usecols=COLUMNS).head(2000), **SNAPSHOTS),
            POLICY,
            as_of=LATE,
        )
        reads, evals, wides = [], [], []
        for _ in range(3):
            log, t_read = _timed(
                lambda: EventLog.from_snapshots(pd.read_csv(LOG, usecols=COLUMNS), **SNAPSHOTS),
                clock,
            )
            out, t_eval = _timed(lambda log=log: evaluate_frame(log, POLICY, as_of=LATE), clock)
            wide = pd.DataFrame(
                {
                    "id": out["id"],
                    "opened": out["opened"],
                    "severity": out["severity"],
                    "responded": out["response_stopped_at"],
                    "resolved": out["resolution_stopped_at"],
                }
            )
            _, t_wide = _timed(lambda wide=wide: evaluate_frame(wide, POLICY, as_of=LATE), clock)
            reads.append(t_read)
            evals.append(t_eval)
            wides.append(t_wide)
    n = len(out)
    print(f"{n:,} incidents, {len(log.frame):,} events")
    print(f"read (zip -> EventLog):      best {min(reads):.2f} s  of {len(reads)}")
    print(f"evaluate_frame(log):         best {min(evals):.2f} s")
    print(
        f"read + evaluate:             best {min(r + e for r, e in zip(reads, evals, strict=True)):.2f} s  (target <= 2 s)"
    )
    print(f"evaluate_frame(wide table):  best {min(wides):.2f} s  (the same incidents, no history)")


def synthetic(n_events: int, seed: int = 7) -> pd.DataFrame:
    """Ten events per incident: opened, Active, waits, a priority change, resolution, reopens."""
    rng = np.random.default_rng(seed)
    n = n_events // 10
    start = np.datetime64("2024-01-01T00:00", "us").astype(np.int64)
    opened = start + rng.integers(0, 3 * 365 * 86_400_000_000, n)
    # nine gaps of a few minutes to two days after the opening
    gaps = rng.integers(60_000_000, 2 * 86_400_000_000, (n, 9)).cumsum(axis=1)
    at = np.concatenate([opened[:, None], opened[:, None] + gaps], axis=1).ravel()
    kinds = np.array(["opened"] + ["changed"] * 9, dtype=object)
    statuses = np.array(
        ["New", "Active", "Awaiting User Info", "Active", "Active", "Awaiting Vendor", "Active",
         "Resolved", "Active", "Resolved"],
        dtype=object,
    )  # fmt: skip
    priorities = np.array(["1 - Critical", "2 - High", "3 - Moderate", "4 - Low"], dtype=object)
    first = priorities[rng.integers(0, 4, n)]
    raised = priorities[rng.integers(0, 4, n)]
    severity = np.full((n, 10), None, dtype=object)
    severity[:, 0] = first
    severity[:, 4] = raised  # a priority change with the fourth update
    # a third of the incidents stay resolved: their last two rows are a closure, twice
    stays = rng.random(n) < 0.33
    status = np.tile(statuses, (n, 1))
    status[stays, 8] = "Closed"
    status[stays, 9] = "Closed"
    ids = np.repeat(np.arange(n, dtype=np.int64), 10)
    return pd.DataFrame(
        {
            "id": ids,
            "type": np.tile(kinds, n),
            "at": pd.to_datetime(at, unit="us", utc=True),
            "severity": severity.ravel(),
            "status": status.ravel(),
        }
    )


def long_log(n_events: int, clock: str, repeats: int) -> None:
    """A synthetic long log through the table path: events per second and peak memory.

    The best of ``repeats`` runs of the read and of the evaluation.
    """
    print(section(f"A synthetic long log of {n_events:,} events"))
    frame = synthetic(n_events)
    as_of = datetime(2027, 1, 1, tzinfo=UTC)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", escalate.EscalateWarning)
        evaluate_frame(EventLog.from_events(synthetic(20_000)), POLICY, as_of=as_of)  # warm
        reads, evals = [], []
        for _ in range(repeats):
            log, t_read = _timed(lambda: EventLog.from_events(frame), clock)
            out, t_eval = _timed(lambda log=log: evaluate_frame(log, POLICY, as_of=as_of), clock)
            reads.append(t_read)
            evals.append(t_eval)
            del log
    t_read, t_eval = min(reads), min(evals)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2  # KiB -> GiB
    total = t_read + t_eval
    errors = int(out["error"].notna().sum())
    print(f"{len(out):,} incidents, {errors} with errors")
    best = f"best of {repeats}" if repeats > 1 else "one run"
    print(f"read (EventLog.from_events): {t_read:.2f} s  ({best}, {clock} clock)")
    print(f"evaluate_frame(log):         {t_eval:.2f} s")
    print(f"events per second:           {n_events / total:,.0f}  (target >= 1,000,000)")
    print(f"peak resident memory:        {peak:.2f} GiB  (target < 4 GiB)")


def twenty_events(module: Any = None) -> tuple[Any, datetime]:
    """One incident with a 20-event status history (``module``: another escalate), and as_of."""
    esc = module or escalate
    t0 = datetime(2016, 3, 1, 9, 0, tzinfo=UTC)
    history = esc.Timeline.open(t0, severity="2 - High", status="New")
    cycle = ["Active", "Awaiting User Info", "Active", "Awaiting Vendor"]
    for i in range(18):
        history = history.change(t0 + timedelta(hours=3 * (i + 1)), status=cycle[i % 4])
    history = history.change(t0 + timedelta(hours=60), status="Resolved")
    return history, t0 + timedelta(days=10)


def one_incident(clock: str, rounds: int) -> None:
    """One incident with a 20-event status history through evaluate()."""
    print(section("One incident with a 20-event status history: evaluate()"))
    history, as_of = twenty_events()
    t0 = history.events[0].at
    short = (
        Timeline.open(t0, severity="2 - High", status="New")
        .change(t0 + timedelta(hours=3), status="Active")
        .change(t0 + timedelta(hours=6), status="Awaiting User Info")
        .change(t0 + timedelta(hours=60), status="Resolved")
    )
    loops = 500
    result = interleave(
        [
            Case(
                "20 events",
                lambda: [evaluate(POLICY, history, as_of=as_of) for _ in range(loops)],
                loops,
            ),
            Case(
                "4 events",
                lambda: [evaluate(POLICY, short, as_of=as_of) for _ in range(loops)],
                loops,
            ),
            Case("20 events, kept, collector on", lambda: _kept(history, as_of, loops), loops),
        ],
        rounds=rounds,
        clock=clock,
    )
    print(
        f"{len(history.events)} events: median {fmt_ns(result.per_op('20 events').median)} per evaluate (target <= 50 µs)"
    )
    print(f" 4 events: median {fmt_ns(result.per_op('4 events').median)}")
    kept = result.per_op("20 events, kept, collector on").median
    ratio = fmt_stat(result.ratio("20 events, kept, collector on", over="20 events"))
    print(f"20 events, results kept in a list with the collector on: median {fmt_ns(kept)}")
    print(f"  kept with the collector on / 20 events: {ratio}")
    print(f"20 / 4 events: {fmt_stat(result.ratio('20 events', over='4 events'))}")


def _kept(history: Any, as_of: datetime, loops: int) -> None:
    """The results kept in a list with the garbage collector on, as in a notebook.

    ``interleave`` turns the collector off around each case, as ``timeit`` does, which
    hides what a kept result costs it.
    """
    gc.enable()
    try:
        results = [evaluate(POLICY, history, as_of=as_of) for _ in range(loops)]
    finally:
        gc.disable()
    del results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000,000 synthetic events")
    parser.add_argument("--clock", choices=["wall", "cpu"], default="wall")
    parser.add_argument("--only", choices=["real", "long", "one"], default=None)
    args = parser.parse_args()
    print(f"escalate {escalate.__version__}; load average {load_average()}")
    if args.only in (None, "one"):
        one_incident(args.clock, rounds=7 if args.quick else 15)
    if args.only in (None, "real"):
        real_log(args.clock)
    if args.only in (None, "long"):
        long_log(1_000_000 if args.quick else 10_000_000, args.clock, 3 if args.quick else 2)


if __name__ == "__main__":
    main()
