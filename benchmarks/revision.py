"""This tree against an earlier revision of escalate, interleaved in one process.

A change's speed-up is measured against the code it changes, not against yesterday's
figure: this machine's speed varies by up to 2x from hour to hour, and only cases timed in
the same rounds of one process see the same load. The script exports ``src/escalate`` of a
git revision into a temporary folder as the package ``escalate_rev`` (imports renamed),
loads it next to this tree's ``escalate``, checks that both answer the same on every
input it times, and prints the paired ratio ``this tree / revision`` (below 1: faster).
Read a ratio against the noise: on this 2-core VM, a tree against its own commit (the
same code) measures between 0.88x and 1.05x on ``evaluate`` and within 0.95x-1.05x on
``evaluate_frame``; a change smaller than that is not shown by one run.

    python benchmarks/revision.py --rev HEAD~1                 # every workload
    python benchmarks/revision.py --rev main --only table      # evaluate_frame only
    python benchmarks/revision.py --rev 3ca30f4 --only evaluate --rounds 11 --clock cpu

Workloads:

- ``evaluate``: the incidents of ``benchmarks/evaluate.py`` (2,000), and one incident with
  a 20-event status history under the ServiceNow policy (1,000 calls); "per request":
  the same incidents from their event tables, ``Timeline.from_events`` then ``evaluate``;
- ``table``: ``evaluate_frame`` on the synthetic long log of ``benchmarks/histories.py``
  (``--events``, 1,000,000 by default) and on the real ServiceNow log (when it is beside
  the project; data CC BY 4.0, see its ``SOURCE.md``).
"""

from __future__ import annotations

import sys
from pathlib import Path

# benchmarks/calendar.py would shadow the standard library's `calendar` while this folder
# is first on sys.path: move it last.
sys.path.sort(key=lambda entry: Path(entry or ".").resolve() == Path(__file__).resolve().parent)

import argparse
import functools
import gc
import warnings
from datetime import UTC, datetime
from types import ModuleType
from typing import Any

from _common import (
    Case,
    export_revision,
    fmt_ns,
    fmt_stat,
    import_copy,
    interleave,
    section,
)

import escalate

ROOT = Path(__file__).resolve().parent.parent
ALIAS = "escalate_rev"


def scalar_cases(mod: ModuleType, label: str) -> tuple[list[Case], list[Any]]:
    """The evaluate workloads on ``mod``, and their answers (to compare the two sides)."""
    import evaluate as bench
    import histories

    policy = bench.build_policy(mod)
    tables = bench.build_events(2000)
    incidents = [(mod.Timeline.from_events(e), at) for e, at in tables]
    desk = mod.load_policy(ROOT / "examples" / "policies" / "servicenow_desk.toml")
    history, as_of = histories.twenty_events(mod)
    ev = mod.evaluate

    def workload() -> None:
        for timeline, at in incidents:
            ev(policy, timeline, as_of=at)

    def twenty() -> None:
        for _ in range(1000):
            ev(desk, history, as_of=as_of)

    def request() -> None:  # what a ticket system pays per request: check, then evaluate
        for events, at in tables:
            ev(policy, mod.Timeline.from_events(events), as_of=at)

    def read() -> None:  # a field read builds the result's objects and datetimes
        for timeline, at in incidents:
            ev(policy, timeline, as_of=at).targets  # noqa: B018

    def kept() -> None:
        # an analyst's list of results, with the garbage collector on as in real use
        # (interleave turns it off around each case): what a kept result holds costs here
        gc.enable()
        try:
            results = [ev(policy, timeline, as_of=at) for timeline, at in incidents]
        finally:
            gc.disable()
        del results

    answers = [ev(policy, tl, as_of=at).to_dict() for tl, at in incidents]
    answers.append(ev(desk, history, as_of=as_of).to_dict())
    cases = [
        Case(f"workload {label}", workload, len(incidents)),
        Case(f"20 events {label}", twenty, 1000),
        Case(f"per request {label}", request, len(tables)),
        Case(f"workload read {label}", read, len(incidents)),
        Case(f"kept, collector on {label}", kept, len(incidents)),
    ]
    return cases, answers


def table_cases(mod: ModuleType, label: str, n_events: int) -> tuple[list[Case], list[Any]]:
    """The evaluate_frame workloads on ``mod``, and their outputs."""
    import histories

    policy = mod.load_policy(ROOT / "examples" / "policies" / "servicenow_desk.toml")
    late = datetime(2027, 1, 1, tzinfo=UTC)
    log = mod.EventLog.from_events(_synthetic(n_events))
    cases = [Case(f"synthetic {label}", lambda: mod.evaluate_frame(log, policy, as_of=late), 1)]
    answers = [mod.evaluate_frame(log, policy, as_of=late)]
    if histories.LOG.exists():
        raw = _raw_log()
        real = mod.EventLog.from_snapshots(raw, **histories.SNAPSHOTS)
        cases.append(
            Case(
                f"real log {label}",
                lambda: mod.evaluate_frame(real, policy, as_of=histories.LATE),
                1,
            )
        )
        for at in (histories.LATE, "2016-04-01T00:00:00-03:00"):
            answers.append(mod.evaluate_frame(real, policy, as_of=at))
    return cases, answers


@functools.cache
def _synthetic(n_events: int) -> Any:
    """The synthetic long log, built once for both revisions."""
    import histories

    return histories.synthetic(n_events)


@functools.cache
def _raw_log() -> Any:
    """The real log's columns, read once for both revisions."""
    import histories
    import pandas as pd

    return pd.read_csv(histories.LOG, usecols=histories.COLUMNS)


def _same(ours: list[Any], theirs: list[Any]) -> bool:
    for a, b in zip(ours, theirs, strict=True):
        if hasattr(a, "equals"):  # a DataFrame: the same values, shown the same
            if not a.astype(str).equals(b.astype(str)):
                return False
        elif repr(a) != repr(b).replace(ALIAS, "escalate"):
            return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", default="HEAD~1", help="a git revision (default HEAD~1)")
    parser.add_argument("--only", choices=["evaluate", "table"])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--clock", choices=["wall", "cpu"], default="cpu")
    args = parser.parse_args()
    warnings.simplefilter("ignore", escalate.EscalateWarning)
    rev = import_copy(export_revision(args.rev), ALIAS)
    warnings.simplefilter("ignore", rev.EscalateWarning)
    groups = []
    if args.only in {None, "evaluate"}:
        groups.append(("evaluate()", scalar_cases))
    if args.only in {None, "table"}:
        groups.append(("evaluate_frame()", lambda m, lab: table_cases(m, lab, args.events)))
    for title, build in groups:
        print(section(f"{title}: this tree against {args.rev}"))
        ours, our_answers = build(escalate, "tree")
        theirs, their_answers = build(rev, "rev")
        if not _same(our_answers, their_answers):
            print("the two revisions answer differently: no timing")
            return 1
        print(f"answers equal on all {len(our_answers):,} inputs")
        cases = [case for pair in zip(ours, theirs, strict=True) for case in pair]
        result = interleave(cases, rounds=args.rounds, clock=args.clock)
        for mine, other in zip(ours, theirs, strict=True):
            ratio = result.ratio(mine.name, over=other.name)
            name = mine.name.removesuffix(" tree")
            print(
                f"  {name:18s} tree {fmt_ns(result.per_op(mine.name).median)}, "
                f"rev {fmt_ns(result.per_op(other.name).median)}: tree/rev {fmt_stat(ratio)}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
