"""Time evaluate_frame under policy versions against one call with a single policy.

Workload: the incidents of ``frame.py`` (opened over 2024-2026 on the split-day Bogota
calendar, evaluated as of 1 January 2027) under three versions of the same policy,
effective 2025-01-01 and 2026-01-01, so that the rows split into three groups of about a
third each. The versions hold the same goals, so the answers must equal those of the
plain policy row by row (checked before timing); the ratio is the cost of grouping the
rows by version, one engine call per version and putting the results back in order.

    python benchmarks/versions.py            # 1,000,000 incidents
    python benchmarks/versions.py --quick    # 100,000 incidents
"""

from __future__ import annotations

import sys
from pathlib import Path

# benchmarks/calendar.py would shadow the standard library's `calendar`: move this folder last
sys.path.sort(key=lambda entry: Path(entry or ".").resolve() == Path(__file__).resolve().parent)

import argparse
import warnings
from datetime import date

import pandas as pd
from _common import Case, fmt_ns, fmt_stat, interleave
from frame import AS_OF, build_policy, build_table

from escalate import PolicyVersions, evaluate_frame


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100,000 incidents")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (5)")
    args = parser.parse_args(argv)
    n = 100_000 if args.quick else 1_000_000
    policy = build_policy()
    versions = PolicyVersions(
        versions=[(None, policy), (date(2025, 1, 1), policy), (date(2026, 1, 1), policy)]
    )
    table = build_table(n)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plain = evaluate_frame(table, policy, as_of=AS_OF)
        versioned = evaluate_frame(table, versions, as_of=AS_OF)
    counts = versioned["policy_version"].value_counts().sort_index()
    pd.testing.assert_frame_equal(versioned.drop(columns=["policy_version"]), plain)
    print(f"evaluate_frame under 3 policy versions: {n:,} incidents (answers equal: yes)")
    print("  rows per version: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    result = interleave(
        [
            Case("policy", lambda: evaluate_frame(table, policy, as_of=AS_OF), n),
            Case("versions", lambda: evaluate_frame(table, versions, as_of=AS_OF), n),
        ],
        rounds=args.rounds,
    )
    for name in ("policy", "versions"):
        stat = result.per_op(name)
        print(f"  {name:<9}: {fmt_ns(stat.median)} per incident, {stat.median * n / 1e9:.2f} s")
    print(f"  versions / policy: {fmt_stat(result.ratio('versions', over='policy'))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
