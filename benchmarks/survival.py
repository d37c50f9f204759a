"""Time escalate.survival (Kaplan-Meier per group) on a million evaluated incidents.

Workload: 1,000,000 fictitious tickets of 2026 from ``examples/generate_incidents.py``
(the seed 003 policy: split-day Bogota calendar with Colombian holidays, three severities,
three teams, about 10% with pauses, the newest tickets still open), evaluated once with
``evaluate_frame`` as of 31 December 2026. The timed call is ``survival`` on that table,
for the response and resolution targets (the custom ``definitive_fix`` target is pending
everywhere and left out):

- by severity (3 groups per target): target <= 2 s;
- by severity and month (36 groups per target, the month derived from ``opened``);
- by team on the goal scale (elapsed / goal, 3 groups mixing goals).

    python benchmarks/survival.py            # full run (1,000,000 incidents)
    python benchmarks/survival.py --quick    # 100,000 incidents

Each figure is the median of 5 calls after one warm-up call.
"""

from __future__ import annotations

import sys
from pathlib import Path

# benchmarks/calendar.py would shadow the standard library's `calendar` while this folder
# is first on sys.path: move it last. The generator lives in examples/.
sys.path.sort(key=lambda entry: Path(entry or ".").resolve() == Path(__file__).resolve().parent)
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))

import argparse
import statistics
import time
import warnings

from generate_incidents import AS_OF, POLICY, generate

from escalate import BadRowsWarning, evaluate_frame, load_policy, survival

TARGET_S = 2.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="100,000 incidents instead of 1,000,000"
    )
    args = parser.parse_args(argv)
    n = 100_000 if args.quick else 1_000_000
    t0 = time.perf_counter()
    incidents, pauses = generate(n)
    with warnings.catch_warnings():
        # a few tickets open after AS_OF on the evening of 31 December: survival drops them
        warnings.simplefilter("ignore", BadRowsWarning)
        results = evaluate_frame(incidents, load_policy(POLICY), as_of=AS_OF, pauses=pauses)
    setup = time.perf_counter() - t0
    cases = {
        "by severity": {"by": ["severity"]},
        "by severity and month": {"by": ["severity", "month"]},
        "by team, goal scale": {"by": ["team"], "scale": "goal"},
    }
    print(f"escalate.survival: {n:,} incidents, targets response and resolution")
    print(f"  (generating and evaluating the table took {setup:.1f} s, not timed below)")
    for name, options in cases.items():
        survival(results, targets=["response", "resolution"], **options)  # warm-up
        times = []
        for _ in range(5):
            t = time.perf_counter()
            report = survival(results, targets=["response", "resolution"], **options)
            times.append(time.perf_counter() - t)
        took = statistics.median(times)
        ok = "PASS" if took <= TARGET_S * n / 1e6 else "MISS"
        groups = len(report.summary)
        print(
            f"  {name:24}: {took:6.2f} s   target <= {TARGET_S:g} s  {ok}"
            f"   ({groups} group-target rows, {len(report.curve):,} curve rows)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
