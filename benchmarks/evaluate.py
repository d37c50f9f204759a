"""Time escalate.evaluate on the issue's workload and print the figures against the targets.

Workload: one incident with two targets (response, resolution), five escalation tiers
(at open, after 30 min, at 50% of resolution, on response breach, on resolution breach
+ 1 h) and two pauses, on the split-day Bogota calendar with Colombian holidays.

    python benchmarks/evaluate.py            # full run (100,000 incidents)
    python benchmarks/evaluate.py --quick    # 10,000 incidents

No peer evaluates SLA policies with escalation tiers, so the ratio printed is against a
*floor*: ``_floor.py``, the plainest correct evaluator of this one workload (integers over
precomputed working intervals, nothing general), checked equal to ``evaluate`` on every
incident it times (statuses, elapsed, deadlines, stop instants, tier states and instants)
and interleaved with it (target: evaluate <= 1.5x the floor).

The loop evaluates timelines built beforehand (a Timeline converts its instants to
integers once, when it is validated). The last line adds that validation, from event
tables with aware datetimes, to show what a ticket system pays per request.
"""

from __future__ import annotations

import sys
from pathlib import Path

# benchmarks/calendar.py would shadow the standard library's `calendar` (imported by
# pendulum through dateutil) while this folder is first on sys.path: move it last.
sys.path.sort(key=lambda entry: Path(entry or ".").resolve() == Path(__file__).resolve().parent)

import argparse
import random
import statistics
import time
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from _common import Case, escalation_tiers, fmt_ns, fmt_stat, interleave, office_calendar
from _floor import Hours, answers, floor_evaluate

import escalate
from escalate import Policy, Timeline, evaluate

BOGOTA = ZoneInfo("America/Bogota")
ONE_US = timedelta(microseconds=1)
H = timedelta(hours=1)
GOALS = {"response": 2 * H, "resolution": 8 * H}


def build_policy(module: Any = None) -> Policy:
    """The workload's policy, built with ``module`` (another escalate) or this one."""
    esc = module or escalate
    return esc.Policy(
        clock="office",
        calendars={"office": office_calendar(esc)},
        severities=[esc.Severity(name="alta", goals=GOALS)],
        tiers=escalation_tiers(esc),
    )


def build_events(n: int, seed: int = 7) -> list[tuple[list[dict[str, object]], datetime]]:
    """Return ``n`` incidents as event tables (as a ticket system stores them) and as_of."""
    rng = random.Random(seed)
    start = datetime(2024, 1, 1, tzinfo=BOGOTA)
    out = []
    for _ in range(n):
        opened = start + timedelta(minutes=rng.randrange(0, 3 * 365 * 24 * 60))
        t = opened + timedelta(minutes=rng.randrange(5, 240))
        events: list[dict[str, object]] = [
            {"type": "opened", "at": opened, "severity": "alta"},
            {"type": "responded", "at": t},
        ]
        for _pause in range(2):
            t += timedelta(minutes=rng.randrange(30, 600))
            events.append({"type": "paused", "at": t, "reason": "waiting for customer"})
            t += timedelta(minutes=rng.randrange(10, 300))
            events.append({"type": "resumed", "at": t})
        out.append((events, t + timedelta(hours=rng.randrange(1, 72))))
    return out


def build_incidents(n: int, seed: int = 7) -> list[tuple[Timeline, datetime]]:
    """Return ``n`` incidents as validated timelines, with the instant to evaluate them at."""
    return [(Timeline.from_events(events), as_of) for events, as_of in build_events(n, seed)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 incidents instead of 100,000")
    parser.add_argument("--clock", choices=["wall", "cpu"], default="wall")
    args = parser.parse_args(argv)
    n = 10_000 if args.quick else 100_000
    policy = build_policy()
    incidents = build_incidents(n)
    tl, as_of = incidents[0]
    evaluate(policy, tl, as_of=as_of)  # warm the calendar index
    for tl_, as_of_ in incidents[:2000]:
        evaluate(policy, tl_, as_of=as_of_)

    samples = []
    for _ in range(5000):
        t0 = time.perf_counter_ns()
        evaluate(policy, tl, as_of=as_of)
        samples.append(time.perf_counter_ns() - t0)
    one = statistics.median(samples) / 1000

    t0 = time.perf_counter()
    for tl_, as_of_ in incidents:
        evaluate(policy, tl_, as_of=as_of_)
    loop = time.perf_counter() - t0
    per = loop / n * 1e6
    scaled = loop * 100_000 / n

    # what a ticket system does per request: validate the stored events, then evaluate
    tables = build_events(n // 10, seed=11)
    t0 = time.perf_counter()
    for events, as_of_ in tables:
        evaluate(policy, Timeline.from_events(events), as_of=as_of_)
    both = (time.perf_counter() - t0) / len(tables) * 1e6

    print("escalate.evaluate: 2 targets, 5 tiers, 2 pauses, split-day Bogota calendar")
    print(
        f"  one incident, median of 5,000 runs : {one:8.1f} us   target <= 50 us  "
        f"{'PASS' if one <= 50 else 'MISS'}"
    )
    print(f"  {n:,} different incidents in a loop: {loop:8.2f} s ({per:.1f} us each)")
    print(
        f"  scaled to 100,000 incidents        : {scaled:8.2f} s    target <= 5 s   "
        f"{'PASS' if scaled <= 5 else 'MISS'}"
    )
    print(
        f"  Timeline.from_events + evaluate    : {both:8.1f} us per incident "
        f"({len(tables):,} incidents; no target, for reference)"
    )
    against_floor(policy, incidents[:2000], clock=args.clock, rounds=7 if args.quick else 15)
    per_request(policy, tables[:500], clock=args.clock, rounds=5 if args.quick else 15)
    return 0


def against_floor(
    policy: Policy, incidents: list[tuple[Timeline, datetime]], *, clock: str, rounds: int
) -> None:
    """evaluate against the floor (``_floor.py``) on the same incidents, interleaved.

    The floor gets each incident as ``(type, µs)`` pairs, as a Timeline holds its events
    once validated; both sides convert ``as_of`` themselves. Their answers are compared
    on every incident before timing.
    """
    cal = office_calendar()
    hours = Hours(
        "America/Bogota", [("07:30", "12:30"), ("13:30", "17:00")], cal.holidays, range(2023, 2031)
    )
    goals = (GOALS["response"] // ONE_US, GOALS["resolution"] // ONE_US)
    plain = [
        ([(kind, at) for kind, at, _sev, _st in tl.instants], as_of) for tl, as_of in incidents
    ]
    differ = sum(
        answers(evaluate(policy, tl, as_of=as_of)) != floor_evaluate(hours, events, as_of, goals)
        for (tl, as_of), (events, _same) in zip(incidents, plain, strict=True)
    )
    if differ:
        msg = f"the floor and evaluate disagree on {differ} of {len(incidents)} incidents"
        raise SystemExit(msg)

    def ours() -> None:
        for tl, as_of in incidents:
            evaluate(policy, tl, as_of=as_of)

    def read() -> None:  # the result's objects and datetimes are built on first read
        for tl, as_of in incidents:
            evaluate(policy, tl, as_of=as_of).targets  # noqa: B018

    def floor() -> None:
        for events, as_of in plain:
            floor_evaluate(hours, events, as_of, goals)

    n = len(incidents)
    result = interleave(
        [Case("evaluate", ours, n), Case("floor", floor, n), Case("read", read, n)],
        rounds=rounds,
        clock=clock,
    )
    ratio = result.ratio("evaluate", over="floor")
    print(
        f"  against the floor, interleaved ({clock} clock, {rounds} rounds, {n:,} incidents, "
        f"answers checked equal on all):\n"
        f"    evaluate {fmt_ns(result.per_op('evaluate').median)}, "
        f"floor {fmt_ns(result.per_op('floor').median)}: "
        f"{fmt_stat(ratio)}   target <= 1.5x  {'PASS' if ratio.median <= 1.5 else 'MISS'}\n"
        f"    evaluate with its result objects built (a field read) "
        f"{fmt_ns(result.per_op('read').median)}: "
        f"{fmt_stat(result.ratio('read', over='floor'))} the floor (for reference)"
    )


def per_request(
    policy: Policy,
    tables: list[tuple[list[dict[str, object]], datetime]],
    *,
    clock: str,
    rounds: int,
) -> None:
    """What a ticket system pays per request against evaluate alone, interleaved and paired.

    The same incidents on both sides: their stored event tables validated into timelines
    and evaluated, against evaluating the timelines built beforehand (target <= 1.3x).
    """
    timelines = [(Timeline.from_events(events), as_of) for events, as_of in tables]
    for (tl, as_of), (events, _same) in zip(timelines, tables, strict=True):  # answers equal
        built = evaluate(policy, Timeline.from_events(events), as_of=as_of)
        if built.to_dict() != evaluate(policy, tl, as_of=as_of).to_dict():
            msg = "from_events + evaluate and evaluate disagree"
            raise SystemExit(msg)

    def alone() -> None:
        for tl, as_of in timelines:
            evaluate(policy, tl, as_of=as_of)

    def request() -> None:
        for events, as_of in tables:
            evaluate(policy, Timeline.from_events(events), as_of=as_of)

    n = len(tables)
    result = interleave(
        [Case("evaluate", alone, n), Case("from_events + evaluate", request, n)],
        rounds=rounds,
        clock=clock,
    )
    ratio = result.ratio("from_events + evaluate", over="evaluate")
    print(
        f"  per request, interleaved ({clock} clock, {rounds} rounds, {n} incidents, answers "
        f"checked equal):\n"
        f"    evaluate alone {fmt_ns(result.per_op('evaluate').median)}, "
        f"from_events + evaluate {fmt_ns(result.per_op('from_events + evaluate').median)}: "
        f"{fmt_stat(ratio)}   target <= 1.3x  {'PASS' if ratio.median <= 1.3 else 'MISS'}"
    )


if __name__ == "__main__":
    sys.exit(main())
