"""Time evaluate_frame against an earlier escalate, at two sizes, and measure its peak memory.

Workload: the incident table of ``frame.py`` (two targets, five tiers, split-day Bogota
calendar with Colombian holidays, three years of openings), as one row per incident and
as an :class:`~escalate.EventLog` of the same incidents (``opened``, ``responded``,
``resolved`` events).

    git archive <commit> src/escalate | tar -x -C /tmp/base       # the version to beat
    python benchmarks/frame_blocks.py --against /tmp/base/src     # full run
    python benchmarks/frame_blocks.py --quick                     # 100k and 500k rows

Three parts, each printed with its target:

1. **Against the earlier version** (``--against``, a ``src`` folder holding an
   ``escalate`` package): that package is copied under the name ``escalate_base`` and
   imported beside this one; both evaluate the same 1M rows, interleaved, and their
   outputs are checked equal first. Target: this version >= 1.5x faster.
2. **Scaling**: the cost per row at 5M rows over the cost per row at 1M, interleaved, so
   load on the machine hits both alike. Target: <= 1.1x.
3. **Peak memory**: one fresh process per size builds the table, evaluates it once and
   reports its peak resident memory (``getrusage``), table included. Target: under
   1 GB per million rows. Before the call, the heap that building the input freed is
   given back to the system (glibc's ``malloc_trim``; ``built`` is the memory before
   that), so that the peak is the input's and the call's, not the garbage of building
   the input.

Timings use the process's CPU time (``--clock wall`` for wall time): all the timed code
runs in one thread, and on a shared machine CPU time leaves out the time other processes
held the CPU.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.sort(key=lambda entry: Path(entry or ".").resolve() == Path(__file__).resolve().parent)

import argparse
import contextlib
import ctypes
import gc
import importlib
import json
import resource
import subprocess
import time
import warnings
from typing import Any

import pandas as pd
from _common import (
    Case,
    fmt_stat,
    import_copy,
    interleave,
    load_average,
    render_table,
    section,
    verdict,
)

import escalate

HERE = Path(__file__).resolve().parent


def build_policy(module: Any) -> Any:
    """The policy of ``frame.py``, built from ``module`` (this escalate or the base one)."""
    from datetime import timedelta

    h = timedelta(hours=1)
    common = importlib.import_module("_common")
    saved = sys.modules["escalate"]
    sys.modules["escalate"] = module  # the shared builders import from "escalate"
    try:
        calendar, tiers = common.office_calendar(), common.escalation_tiers()
    finally:
        sys.modules["escalate"] = saved
    return module.Policy(
        clock="office",
        calendars={"office": calendar},
        severities=[
            module.Severity(name="alta", goals={"response": 2 * h, "resolution": 8 * h}),
            module.Severity(name="normal", goals={"response": 4 * h, "resolution": 24 * h}),
        ],
        tiers=tiers,
    )


def build_log(module: Any, table: pd.DataFrame) -> Any:
    """The incidents of ``table`` as an event log (one row per event)."""
    parts = []
    for kind in ("opened", "responded", "resolved"):
        have = table[table[kind].notna()]
        part = pd.DataFrame({"id": have["id"].to_numpy(), "type": kind, "at": have[kind]})
        part["severity"] = have["severity"].to_numpy() if kind == "opened" else None
        parts.append(part)
    long = pd.concat(parts, ignore_index=True)
    rank = long["type"].map({"opened": 0, "responded": 1, "resolved": 2})
    long = long.assign(rank=rank).sort_values(["id", "at", "rank"], kind="stable")
    return module.EventLog.from_events(long.drop(columns="rank"), status=None, reason=None)


def evaluate(module: Any, policy: Any, data: Any, as_of: Any, **options: Any) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return module.evaluate_frame(data, policy, as_of=as_of, **options)  # type: ignore[no-any-return]


def _peak_kb() -> int:
    """The peak resident memory of this process so far, in KiB."""
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
    except OSError:  # not Linux: the peak since the process started
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM"))


def _return_free_heap() -> None:
    """Give the memory the process freed back to the system (glibc); elsewhere nothing."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _reset_peak() -> None:
    """Start the peak afresh from the memory in use now (Linux); elsewhere keep it."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5", encoding="ascii")


def child(n: int, path: str, block_size: int | None) -> int:
    """Build an ``n``-row table, evaluate it once, print the peak memory as JSON."""
    frame = importlib.import_module("frame")
    policy = build_policy(escalate)
    table = frame.build_table(n)
    options = {} if block_size is None else {"block_size": block_size}
    data = build_log(escalate, table) if path == "log" else table
    if path == "log":
        del table
    _reset_peak()
    built = _peak_kb()  # the memory in use now: the input and what building it freed
    _return_free_heap()
    _reset_peak()  # a process inherits its parent's peak; the inputs' building is not ours
    before = _peak_kb()
    t0 = time.process_time()
    out = evaluate(escalate, policy, data, frame.AS_OF, **options)
    seconds = time.process_time() - t0
    peak = _peak_kb()
    print(
        json.dumps(
            {
                "n": n,
                "built_kb": built,
                "before_kb": before,
                "peak_kb": peak,
                "rows": len(out),
                "s": seconds,
            }
        )
    )
    return 0


def memory(n: int, path: str, block_size: int | None) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", str(n), "--path", path]
    if block_size is not None:
        command += ["--block-size", str(block_size)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", type=Path, help="a src folder holding an older escalate")
    parser.add_argument("--quick", action="store_true", help="100k and 500k rows, 3 rounds")
    parser.add_argument("--rounds", type=int, default=None)
    parser.add_argument("--clock", choices=("cpu", "wall"), default="cpu")
    parser.add_argument("--only", choices=("against", "scaling", "memory"), action="append")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--path", default="wide", help=argparse.SUPPRESS)
    parser.add_argument("--block-size", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args.child, args.path, args.block_size)
    small, large = (100_000, 500_000) if args.quick else (1_000_000, 5_000_000)
    rounds = args.rounds or (3 if args.quick else 5)
    parts = set(args.only or ("against", "scaling", "memory"))
    frame = importlib.import_module("frame")
    as_of = frame.AS_OF
    print(f"load average before: {load_average()}; clock: {args.clock}; rounds: {rounds}")
    targets: list[tuple[str, str, bool]] = []
    policy = build_policy(escalate)
    table = frame.build_table(small)
    log = build_log(escalate, table)

    if "against" in parts and args.against is not None:
        base = import_copy(args.against, "escalate_base")
        base_policy = build_policy(base)
        base_log = build_log(base, table)
        print(section(f"against {args.against} ({small:,} incidents)"))
        for name, ours, theirs in (("table", table, table), ("log", log, base_log)):
            got = evaluate(escalate, policy, ours, as_of)
            expected = evaluate(base, base_policy, theirs, as_of)
            pd.testing.assert_frame_equal(got, expected)
            cat = evaluate(escalate, policy, ours, as_of, categorical=True)
            pd.testing.assert_frame_equal(
                cat.astype({c: "string" for c in cat.columns if cat[c].dtype == "category"}),
                got,
            )
            print(f"  {name}: outputs equal ({len(got):,} rows, {got.shape[1]} columns)")
        result = interleave(
            [
                Case("base, table", lambda: evaluate(base, base_policy, table, as_of), small),
                Case("this, table", lambda: evaluate(escalate, policy, table, as_of), small),
                Case(
                    "this, table, categorical",
                    lambda: evaluate(escalate, policy, table, as_of, categorical=True),
                    small,
                ),
                Case("base, log", lambda: evaluate(base, base_policy, base_log, as_of), small),
                Case("this, log", lambda: evaluate(escalate, policy, log, as_of), small),
            ],
            rounds=rounds,
            clock=args.clock,
        )
        rows = []
        for name, over in (
            ("base, table", "this, table"),
            ("this, table", "this, table"),
            ("this, table, categorical", "this, table"),
            ("base, log", "this, log"),
            ("this, log", "this, log"),
        ):
            per = result.per_op(name)
            ratio = result.ratio(name, over=over)
            rows.append(
                (name, f"{per.median * small / 1e9:.2f} s", f"{per.spread:.0%}", fmt_stat(ratio))
            )
        print(render_table(("case", f"{small:,} rows", "spread", "time / this"), rows))
        for path in ("table", "log"):
            speedup = result.ratio(f"base, {path}", over=f"this, {path}").median
            targets.append((f"{path}: >= 1.5x faster than base", f"{speedup:.2f}x", speedup >= 1.5))

    if "scaling" in parts:
        print(section(f"scaling: cost per row at {large:,} over {small:,} rows"))
        big = frame.build_table(large)
        big_log = build_log(escalate, big)
        result = interleave(
            [
                Case(f"table {small:,}", lambda: evaluate(escalate, policy, table, as_of), small),
                Case(f"table {large:,}", lambda: evaluate(escalate, policy, big, as_of), large),
                Case(f"log {small:,}", lambda: evaluate(escalate, policy, log, as_of), small),
                Case(f"log {large:,}", lambda: evaluate(escalate, policy, big_log, as_of), large),
            ],
            rounds=max(3, rounds - 2),
            clock=args.clock,
        )
        del big, big_log
        rows = []
        for path in ("table", "log"):
            for size in (small, large):
                per = result.per_op(f"{path} {size:,}")
                ratio = result.ratio(f"{path} {size:,}", over=f"{path} {small:,}")
                rows.append(
                    (
                        f"{path} {size:,}",
                        f"{per.median / 1e3:.2f} µs",
                        f"{per.spread:.0%}",
                        fmt_stat(ratio),
                    )
                )
            ratio = result.ratio(f"{path} {large:,}", over=f"{path} {small:,}").median
            targets.append(
                (f"{path}: per row at {large:,} <= 1.1x {small:,}", f"{ratio:.2f}x", ratio <= 1.1)
            )
        print(render_table(("case", "per row", "spread", f"per row / {small:,}"), rows))

    if "memory" in parts:
        print(section("peak memory (one fresh process per size; its input included)"))
        rows = []
        for path in ("wide", "log"):
            for size in (small, large):
                got = memory(size, path, None)
                per_million = got["peak_kb"] / 1024**2 / (size / 1e6)
                rows.append(
                    (
                        f"{path} {size:,}",
                        f"{got['built_kb'] / 1024**2:.2f} GB",
                        f"{got['before_kb'] / 1024**2:.2f} GB",
                        f"{got['peak_kb'] / 1024**2:.2f} GB",
                        f"{per_million:.2f} GB",
                    )
                )
                targets.append(
                    (
                        f"{path} {size:,}: peak < 1 GB per million rows",
                        f"{per_million:.2f} GB",
                        per_million < 1,
                    )
                )
        print(
            render_table(
                ("case", "built", "input in memory", "peak", "peak per million rows"), rows
            )
        )

    print(section("targets"))
    print(render_table(("target", "measured", ""), [(a, b, verdict(c)) for a, b, c in targets]))
    print(f"load average after: {load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
