"""What two processes can give on this machine: one evaluate_frame call alone, then two at once.

The ceiling for any two-worker recipe (Dask, Spark, multiprocessing): the same call on the
same table in a fresh process, first alone, then in two processes started together. No
Dask, no Parquet, no data sent between processes: only the two cores, their caches and the
memory bus. Printed per round: each call's wall time, the slowdown of two at once against
one alone, and the speedup two processes would give on a table split in two.

    python benchmarks/two_processes.py            # 500,000 incidents, 3 calls per process
    python benchmarks/two_processes.py --quick    # 100,000 incidents
"""

from __future__ import annotations

import sys
from pathlib import Path

# benchmarks/calendar.py would shadow the standard library's `calendar` (imported by
# pendulum through dateutil) while this folder is first on sys.path: move it last.
sys.path.sort(key=lambda entry: Path(entry or ".").resolve() == Path(__file__).resolve().parent)

import argparse
import importlib
import multiprocessing as mp
import time
import warnings
from typing import Any

from _common import load_average

CALLS = 3


def child(n: int, ready: Any, start: Any, out: Any) -> None:
    """Build the table, warm up, wait for the start, then time ``CALLS`` calls."""
    from escalate import evaluate_frame

    frame = importlib.import_module("frame")
    warnings.simplefilter("ignore")
    policy, as_of = frame.build_policy(), frame.AS_OF
    table = frame.build_table(n)
    evaluate_frame(table.head(1000), policy, as_of=as_of)
    ready.release()
    start.wait()
    t0 = time.perf_counter()
    for _ in range(CALLS):
        evaluate_frame(table, policy, as_of=as_of)
    out.put(time.perf_counter() - t0)


def together(ctx: Any, n: int, k: int) -> list[float]:
    """Wall times of ``k`` processes that start their calls at the same moment."""
    ready, start, out = ctx.Semaphore(0), ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=child, args=(n, ready, start, out)) for _ in range(k)]
    for p in procs:
        p.start()
    for _ in procs:
        ready.acquire()
    start.set()
    times = [out.get() for _ in procs]
    for p in procs:
        p.join()
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100,000 incidents")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    n = 100_000 if args.quick else 500_000
    ctx = mp.get_context("spawn")
    print(f"load average before: {load_average()}; {n:,} incidents, {CALLS} calls per process")
    for r in range(args.rounds):
        (alone,) = together(ctx, n, 1)
        both = together(ctx, n, 2)
        slow = max(both) / alone
        print(
            f"round {r + 1}: alone {alone:.2f} s; two at once {both[0]:.2f} s and "
            f"{both[1]:.2f} s: each {slow:.2f}x slower, two processes {2 / slow:.2f}x one"
        )
    print(f"load average after: {load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
