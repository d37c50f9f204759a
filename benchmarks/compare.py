"""Time escalate.compare (two policies over a million incidents) against one evaluate_frame.

Workload: the table of ``benchmarks/frame.py`` (1,000,000 incidents, two targets, five
tiers, split-day Bogota calendar with Colombian holidays, evaluated as of 1 January 2027).
The policy in force has a 2 h / 4 h response and 8 h / 24 h resolution for alta / normal;
the new one answers alta in 1 h and resolves normal in 16 h.

    python benchmarks/compare.py                # full run (1,000,000 incidents)
    python benchmarks/compare.py --quick        # 100,000 incidents, fewer rounds
    python benchmarks/compare.py --clock cpu    # CPU time instead of wall time

``compare`` (two ``evaluate_frame`` calls, two ``compliance`` tables, the per-incident
differences and the paired intervals) and one ``evaluate_frame`` call are timed in
interleaved rounds (``_common.interleave``); the figure to quote is the median of the
per-round ratios, target <= 2.5x. Answers are checked first: the ``before`` side of
``compare`` equals ``evaluate_frame``'s output, and comparing a policy with itself
changes nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path

# benchmarks/calendar.py would shadow the standard library's `calendar` while this folder
# is first on sys.path: move it last (frame.py, imported below, stays importable).
sys.path.sort(key=lambda entry: Path(entry or ".").resolve() == Path(__file__).resolve().parent)

import argparse

from _common import Case, fmt_ns, fmt_stat, interleave, load_average, verdict
from frame import AS_OF, build_policy, build_table

from escalate import Policy, compare, evaluate_frame, load_policy

TARGET = 2.5


def new_goals(policy: Policy) -> Policy:
    """The same policy with a 1 h response for alta and a 16 h resolution for normal."""
    data = policy.to_dict()
    data["severities"]["alta"]["response"] = "1h"
    data["severities"]["normal"]["resolution"] = "16h"
    return load_policy(data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100,000 incidents, 3 rounds")
    parser.add_argument("--clock", choices=["wall", "cpu"], default="wall")
    parser.add_argument("--rounds", type=int, default=None)
    args = parser.parse_args(argv)
    n = 100_000 if args.quick else 1_000_000
    rounds = args.rounds or (3 if args.quick else 5)
    policy = build_policy()
    after = new_goals(policy)
    table = build_table(n)
    print(f"escalate.compare: {n:,} incidents, two policies, {rounds} rounds, {args.clock} clock")
    print(f"  load average before: {load_average()}")

    # answers first
    alone = evaluate_frame(table, policy, as_of=AS_OF)
    result = compare(table, policy, after, as_of=AS_OF)
    same_side = result.before.equals(alone)
    itself = compare(table.head(20_000), policy, policy, as_of=AS_OF)
    unchanged = not itself.changes["changed"].any() and (itself.compliance["difference"] == 0).all()
    changed = int(result.changes["changed"].sum())
    print(
        f"  before side equals evaluate_frame: {same_side}; self-comparison unchanged: {unchanged}"
    )
    print(f"  {changed:,} incidents change outcome under the new goals")
    print(result.compliance[["severity", "target", "percent_met_before", "percent_met_after",
                             "difference", "diff_ci_low", "diff_ci_high"]].round(2).to_string(index=False))  # fmt: skip
    del alone, result, itself

    timings = interleave(
        [
            Case("evaluate_frame", lambda: evaluate_frame(table, policy, as_of=AS_OF), 1),
            Case("compare", lambda: compare(table, policy, after, as_of=AS_OF), 1),
        ],
        rounds=rounds,
        clock=args.clock,
    )
    ratio = timings.ratio("compare", over="evaluate_frame")
    print(f"  evaluate_frame: {fmt_stat(timings.per_op('evaluate_frame'), fmt_ns)}")
    print(f"  compare       : {fmt_stat(timings.per_op('compare'), fmt_ns)}")
    print(
        f"  compare / evaluate_frame: {fmt_stat(ratio)}   target <= {TARGET:g}x   "
        f"{verdict(ratio.median <= TARGET and same_side and unchanged)}"
    )
    print(f"  load average after: {load_average()}")
    return 0 if same_side and unchanged else 1


if __name__ == "__main__":
    sys.exit(main())
