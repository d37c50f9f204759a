"""Shared helpers for the benchmark scripts: timing, workloads, formatting and output.

Not a benchmark itself: running it only prints a note (``nox -s bench`` runs every ``*.py``
here). The scripts next to it import it as ``_common``. It imports only standard-library
modules that do not import the stdlib ``calendar`` module at import time, because when this
file runs as a script its folder is first on ``sys.path`` and ``calendar.py`` there would
shadow the stdlib one (``importlib.metadata`` is therefore imported lazily).

Timing rule used everywhere: one *sample* is timed with :func:`time.perf_counter_ns` around
a chunk of calls in a plain loop (:func:`measure_pairs`, for scalar APIs) or around one
call (:func:`measure`, for vectorised APIs); its per-op time is the total divided by the
number of operations; a result is the median over all samples of all repeats, after one
untimed warm-up. Many short samples make the median robust against a noisy machine (a
sample hit by another process is an outlier, not a shift). The garbage collector is
paused while a sample runs, as :mod:`timeit` does.
"""

from __future__ import annotations

import gc
import json
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "Timing",
    "environment",
    "fmt_count",
    "fmt_ns",
    "fmt_rate",
    "fmt_ratio",
    "load_average",
    "measure",
    "measure_once",
    "measure_pairs",
    "pairs_loop",
    "random_us",
    "render_table",
    "section",
    "verdict",
    "write_json",
]


# -- timing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timing:
    """Per-operation times (nanoseconds) of ``repeats`` samples of ``n`` operations each."""

    n: int
    repeats: int
    samples_ns: tuple[float, ...] = field(repr=False)

    @property
    def per_op_ns(self) -> float:
        """The median over samples of the mean time per operation."""
        return statistics.median(self.samples_ns)

    @property
    def best_ns(self) -> float:
        """The fastest sample's time per operation: what a quiet machine gets."""
        return min(self.samples_ns)

    @property
    def ops_per_s(self) -> float:
        return 1e9 / self.per_op_ns if self.per_op_ns else float("inf")

    @property
    def spread(self) -> float:
        """Interquartile range / median of the samples: how noisy the measurement was."""
        if len(self.samples_ns) < 2:
            return 0.0
        q1, _, q3 = statistics.quantiles(self.samples_ns, n=4, method="inclusive")
        return (q3 - q1) / self.per_op_ns

    def to_json(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "repeats": self.repeats,
            "per_op_ns": self.per_op_ns,
            "ops_per_s": self.ops_per_s,
            "samples": len(self.samples_ns),
            "min_per_op_ns": min(self.samples_ns),
            "max_per_op_ns": max(self.samples_ns),
        }


def measure(run: Callable[[], object], n: int, *, repeats: int, warmup: bool = True) -> Timing:
    """Time ``run`` (which performs ``n`` operations) ``repeats`` times; see the module doc."""
    if warmup:
        run()
    samples = []
    enabled = gc.isenabled()
    try:
        for _ in range(repeats):
            gc.collect()
            gc.disable()
            t0 = time.perf_counter_ns()
            run()
            elapsed = time.perf_counter_ns() - t0
            if enabled:
                gc.enable()
            samples.append(elapsed / n)
    finally:
        if enabled:
            gc.enable()
    return Timing(n=n, repeats=repeats, samples_ns=tuple(samples))


def pairs_loop(fn: Callable[[Any, Any], object], xs: Sequence[Any], ys: Sequence[Any]) -> None:
    """Call ``fn(x, y)`` for each pair, discarding the results: the timed scalar loop."""
    for x, y in zip(xs, ys, strict=True):
        fn(x, y)


def measure_pairs(
    fn: Callable[[Any, Any], object],
    xs: Sequence[Any],
    ys: Sequence[Any],
    *,
    repeats: int,
    samples_per_repeat: int = 20,
    warmup: bool = True,
) -> Timing:
    """Time ``fn(x, y)`` over all pairs, ``repeats`` times, in chunks (one sample per chunk)."""
    n = len(xs)
    if warmup:
        pairs_loop(fn, xs, ys)
    size = max(-(-n // samples_per_repeat), 1)
    chunks = [(xs[i : i + size], ys[i : i + size]) for i in range(0, n, size)]
    samples = []
    enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        for _ in range(repeats):
            for cx, cy in chunks:
                t0 = time.perf_counter_ns()
                pairs_loop(fn, cx, cy)
                samples.append((time.perf_counter_ns() - t0) / len(cx))
    finally:
        if enabled:
            gc.enable()
    return Timing(n=n, repeats=repeats, samples_ns=tuple(samples))


def measure_once(run: Callable[[], object]) -> tuple[int, object]:
    """Return (nanoseconds, result) of a single call: for cold, first-call costs."""
    t0 = time.perf_counter_ns()
    result = run()
    return time.perf_counter_ns() - t0, result


# -- workloads --------------------------------------------------------------------------------


def random_us(rng: random.Random, n: int, lo: int, hi: int, step: int = 1) -> list[int]:
    """``n`` random integers in ``[lo, hi)`` that are multiples of ``step`` (e.g. 1 s in us)."""
    lo_q, hi_q = -(-lo // step), -(-hi // step)
    return [rng.randrange(lo_q, hi_q) * step for _ in range(n)]


# -- formatting ---------------------------------------------------------------------------


def fmt_ns(ns: float) -> str:
    """A duration in the unit that keeps 3 significant digits readable: ns, µs, ms or s."""
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}" if ns < 100 * scale else f"{ns / scale:.0f} {unit}"
    return f"{ns:.3g} ns"


def fmt_rate(per_s: float) -> str:
    for unit, scale in (("M", 1e6), ("k", 1e3)):
        if per_s >= scale:
            return f"{per_s / scale:.3g} {unit}/s"
    return f"{per_s:.3g} /s"


def fmt_count(n: int) -> str:
    return f"{n:,}"


def fmt_ratio(ratio: float) -> str:
    return f"{ratio:.3g}x" if ratio < 100 else f"{ratio:,.0f}x"


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def render_table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A plain-text table; columns whose cells look numeric are right-aligned."""
    body = [[str(cell) for cell in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in body:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))

    def numeric(cell: str) -> bool:
        return bool(cell) and (cell[0].isdigit() or cell[0] in "-+.") and cell != "-"

    right = [
        all(numeric(row[i]) or row[i] in {"", "-", "n/a"} for row in body)
        for i in range(len(headers))
    ]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            cell.rjust(widths[i]) if right[i] else cell.ljust(widths[i])
            for i, cell in enumerate(cells)
        ).rstrip()

    rule = "  ".join("-" * w for w in widths).rstrip()
    return "\n".join([line(headers), rule, *(line(row) for row in body)])


def section(title: str) -> str:
    return f"\n{title}\n{'=' * len(title)}"


# -- the evaluator's workload -------------------------------------------------------------
# evaluate.py and frame.py time the same agreement; escalate is imported when these are
# called, so that this module keeps importing only the standard library.


def office_calendar() -> Any:
    """The split-day Bogota calendar (07:30-12:30, 13:30-17:00) with Colombian holidays."""
    from escalate import Calendar, Holidays

    return Calendar(
        timezone="America/Bogota",
        hours={"mon-fri": ["07:30-12:30", "13:30-17:00"]},
        holidays=Holidays.country("CO"),
    )


def escalation_tiers() -> list[Any]:
    """Five tiers: at open, after 30 min, at 50% of resolution, on breaches (+1 h)."""
    from datetime import timedelta

    from escalate import AfterElapsed, AtOpen, AtPercent, OnBreach, Tier

    return [
        Tier(level=1, name="Desk", trigger=AtOpen()),
        Tier(level=2, name="Team lead", trigger=AfterElapsed(after=timedelta(minutes=30))),
        Tier(level=3, name="Engineering", trigger=AtPercent(target="resolution", percent=50)),
        Tier(level=4, name="Operations", trigger=OnBreach(target="response")),
        Tier(
            level=5,
            name="Director",
            trigger=OnBreach(target="resolution", delay=timedelta(hours=1)),
        ),
    ]


# -- environment and output ---------------------------------------------------------------


def _cpu() -> str:
    try:
        for text_line in Path("/proc/cpuinfo").read_text().splitlines():
            if text_line.startswith("model name"):
                return text_line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def environment(distributions: Iterable[str]) -> dict[str, Any]:
    """Python, platform, CPU and the installed versions of ``distributions``."""
    from importlib import metadata  # imports email -> calendar: only once sys.path is safe

    versions = {}
    for name in distributions:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpu": _cpu(),
        "cpus": os.cpu_count(),
        "loadavg": load_average(),
        "versions": versions,
    }


def load_average() -> tuple[float, float, float] | None:
    """The 1/5/15-minute load averages, where the OS has them: other work skews timings."""
    try:
        return os.getloadavg()
    except (AttributeError, OSError):
        return None


def write_json(path: str | Path, data: dict[str, Any]) -> None:
    def default(value: object) -> object:
        if isinstance(value, Timing):
            return value.to_json()
        if hasattr(value, "__dataclass_fields__"):
            return asdict(value)  # type: ignore[call-overload]
        return str(value)

    Path(path).write_text(json.dumps(data, indent=2, default=default) + "\n", encoding="utf-8")


if __name__ == "__main__":
    print("benchmarks/_common.py holds shared helpers; run e.g. benchmarks/calendar.py")
