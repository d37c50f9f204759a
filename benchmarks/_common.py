"""The benchmark harness: interleaved paired timing, answer checks, cold starts, output.

Not a benchmark itself: running it only prints a note (``nox -s bench`` runs every ``*.py``
here). The scripts next to it import it as ``_common``. It imports only standard-library
modules that do not import the stdlib ``calendar`` module at import time, because when this
file runs as a script its folder is first on ``sys.path`` and ``calendar.py`` there would
shadow the stdlib one (``importlib.metadata`` is therefore imported lazily).

How a comparison runs (see ``benchmarks/README.md`` for how to read the output):

1. **Answers first.** :func:`agree` compares a contender's answers with escalate's on the
   very inputs that are then timed, and counts what is identical, what is equivalent (with
   the reason) and what differs, with examples.
2. **Warm against warm.** :func:`interleave` calls every :class:`Case` once untimed, then
   runs *rounds*: in each round every case runs once, in an order that rotates from round
   to round (A B C, B C A, C A B, ...). One run is one sample. The garbage collector is
   paused while a sample runs, as :mod:`timeit` does.
3. **Paired ratios.** Load on a shared machine comes and goes; cases that run next to each
   other see the same load, so the ratio *within a round* is far steadier than a ratio of
   two separate medians. :meth:`Interleaved.ratio` reports the median of the per-round
   ratios with their interquartile range.
4. **Cold separately.** :func:`cold` times the first call on freshly built objects (index
   builds, imports, caches), so that warm figures never mix with first-call costs.

Minimal use::

    result = interleave([Case("escalate", run_ours, n), Case("peer", run_theirs, n)], rounds=15)
    print(result.per_op("escalate"), result.ratio("peer", over="escalate"))
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
    "CLOCKS",
    "Agreement",
    "Case",
    "Interleaved",
    "Stat",
    "agree",
    "cold",
    "environment",
    "escalation_tiers",
    "export_revision",
    "fmt_count",
    "fmt_ns",
    "fmt_rate",
    "fmt_ratio",
    "fmt_stat",
    "import_copy",
    "interleave",
    "load_average",
    "office_calendar",
    "pairs_loop",
    "random_us",
    "render_table",
    "section",
    "verdict",
    "write_json",
]

CLOCKS: dict[str, Callable[[], int]] = {
    "wall": time.perf_counter_ns,
    # CPU time of this process: leaves out the time other processes held the CPU, which is
    # most of the noise on a shared machine (the code timed here runs in one thread)
    "cpu": time.process_time_ns,
}


# -- statistics ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Stat:
    """A median with its interquartile range, over ``n`` values."""

    median: float
    q1: float
    q3: float
    n: int

    @classmethod
    def of(cls, values: Sequence[float]) -> Stat:
        if len(values) < 2:
            only = values[0] if values else float("nan")
            return cls(only, only, only, len(values))
        q1, median, q3 = statistics.quantiles(values, n=4, method="inclusive")
        return cls(median, q1, q3, len(values))

    @property
    def spread(self) -> float:
        """The interquartile range relative to the median: how noisy the values were."""
        return (self.q3 - self.q1) / self.median if self.median else 0.0

    def to_json(self) -> dict[str, float]:
        return {"median": self.median, "q1": self.q1, "q3": self.q3, "n": self.n}


# -- interleaved timing ----------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One contender: ``run()`` performs ``ops`` operations on its prepared inputs."""

    name: str
    run: Callable[[], object]
    ops: int


@dataclass(frozen=True)
class Interleaved:
    """Per-op samples (ns) of every case, one per round, rounds aligned across cases."""

    samples: dict[str, list[float]]
    clock: str

    def per_op(self, name: str) -> Stat:
        """Median and IQR of the time per operation (ns)."""
        return Stat.of(self.samples[name])

    def ratio(self, name: str, *, over: str) -> Stat:
        """Median and IQR of the per-round ratios ``name / over`` (above 1: ``over`` is faster)."""
        return Stat.of([a / b for a, b in zip(self.samples[name], self.samples[over], strict=True)])

    def to_json(self) -> dict[str, Any]:
        return {"clock": self.clock, "per_op_ns": self.samples}


def interleave(
    cases: Sequence[Case], *, rounds: int, clock: str = "wall", warmup: bool = True
) -> Interleaved:
    """Time ``cases`` round-robin in this process: see the module docstring."""
    now = CLOCKS[clock]
    if warmup:
        for case in cases:
            case.run()
    samples: dict[str, list[float]] = {case.name: [] for case in cases}
    enabled = gc.isenabled()
    try:
        for r in range(rounds):
            k = r % len(cases)
            for case in [*cases[k:], *cases[:k]]:  # rotate: no case always runs first
                gc.collect()
                gc.disable()
                t0 = now()
                case.run()
                elapsed = now() - t0
                if enabled:
                    gc.enable()
                samples[case.name].append(elapsed / case.ops)
    finally:
        if enabled:
            gc.enable()
    return Interleaved(samples=samples, clock=clock)


def pairs_loop(fn: Callable[[Any, Any], object], xs: Sequence[Any], ys: Sequence[Any]) -> None:
    """Call ``fn(x, y)`` for each pair, discarding the results: the timed scalar loop."""
    for x, y in zip(xs, ys, strict=True):
        fn(x, y)


def cold(make: Callable[[], Callable[[], object]], *, repeats: int, clock: str = "wall") -> Stat:
    """Time the first call of ``repeats`` fresh objects: ``make()`` (untimed) returns the call."""
    now = CLOCKS[clock]
    times = []
    for _ in range(repeats):
        call = make()
        t0 = now()
        call()
        times.append(float(now() - t0))
    return Stat.of(times)


# -- answer checks ---------------------------------------------------------------------------


@dataclass
class Agreement:
    """How a contender's answers compare with escalate's on the same inputs."""

    what: str
    n: int = 0
    identical: int = 0
    equivalent: int = 0
    examples: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def different(self) -> int:
        return self.n - self.identical - self.equivalent

    @property
    def ok(self) -> bool:
        """True when nothing differs (equivalent answers are explained, so they count as ok)."""
        return not self.error and self.different == 0

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "different": self.different}


def agree(
    what: str,
    ours: Sequence[Any],
    theirs: Sequence[Any],
    *,
    equivalent: Callable[[Any, Any], str | None] | None = None,
    show: Callable[[int, Any, Any], str] | None = None,
    limit: int = 4,
) -> Agreement:
    """Count identical answers; ``equivalent(a, b)`` names why two different ones agree.

    ``show(i, a, b)`` formats an example of row ``i`` (the first ``limit`` differences
    and the first ``limit`` equivalences are kept).
    """
    out = Agreement(what=what, n=len(ours))
    if len(theirs) != len(ours):
        out.error = f"{len(theirs)} answers for {len(ours)} inputs"
        return out
    shown_same = shown_diff = 0
    for i, (a, b) in enumerate(zip(ours, theirs, strict=True)):
        if a == b:
            out.identical += 1
            continue
        reason = equivalent(a, b) if equivalent else None
        if reason:
            out.equivalent += 1
            if shown_same < limit and show:
                out.examples.append(f"{show(i, a, b)}  [equivalent: {reason}]")
                shown_same += 1
        elif shown_diff < limit and show:
            out.examples.append(f"{show(i, a, b)}  [DIFFERENT]")
            shown_diff += 1
    return out


# -- workloads -------------------------------------------------------------------------------


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


def fmt_stat(stat: Stat, fmt: Callable[[float], str] = fmt_ratio) -> str:
    """``median [q1-q3]`` in one cell."""
    return f"{fmt(stat.median)} [{fmt(stat.q1)}-{fmt(stat.q3)}]"


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


def office_calendar(module: Any = None) -> Any:
    """The split-day Bogota calendar (07:30-12:30, 13:30-17:00) with Colombian holidays.

    ``module``: the escalate package to build it with (another version of it), else escalate.
    """
    import escalate

    esc = module or escalate
    return esc.Calendar(
        timezone="America/Bogota",
        hours={"mon-fri": ["07:30-12:30", "13:30-17:00"]},
        holidays=esc.Holidays.country("CO"),
    )


def escalation_tiers(module: Any = None) -> list[Any]:
    """Five tiers: at open, after 30 min, at 50% of resolution, on breaches (+1 h).

    ``module``: the escalate package to build them with (another version of it), else escalate.
    """
    from datetime import timedelta

    import escalate

    esc = module or escalate
    return [
        esc.Tier(level=1, name="Desk", trigger=esc.AtOpen()),
        esc.Tier(level=2, name="Team lead", trigger=esc.AfterElapsed(after=timedelta(minutes=30))),
        esc.Tier(
            level=3, name="Engineering", trigger=esc.AtPercent(target="resolution", percent=50)
        ),
        esc.Tier(level=4, name="Operations", trigger=esc.OnBreach(target="response")),
        esc.Tier(
            level=5,
            name="Director",
            trigger=esc.OnBreach(target="resolution", delay=timedelta(hours=1)),
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
        if hasattr(value, "to_json"):
            return value.to_json()
        if hasattr(value, "__dataclass_fields__"):
            return asdict(value)  # type: ignore[call-overload]
        return str(value)

    Path(path).write_text(json.dumps(data, indent=2, default=default) + "\n", encoding="utf-8")


if __name__ == "__main__":
    print("benchmarks/_common.py holds the shared harness; run e.g. benchmarks/calendar.py")


# -- an earlier escalate beside this one ------------------------------------------------------


def import_copy(src: Path, alias: str) -> Any:
    """Import the ``escalate`` package of a ``src`` folder as ``alias``, beside this one.

    The package is copied into a temporary folder with its own imports renamed, so both
    versions load in one process and can be interleaved.
    """
    import importlib
    import re
    import shutil
    import tempfile

    work = Path(tempfile.mkdtemp(prefix=f"{alias}_"))
    shutil.copytree(src / "escalate", work / alias)
    for path in (work / alias).rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"\b(from|import) escalate\b", rf"\1 {alias}", text), "utf-8")
    sys.path.insert(0, str(work))
    return importlib.import_module(alias)


def export_revision(rev: str) -> Path:
    """Export ``src/escalate`` of a git revision of this project; return its ``src`` folder."""
    import io
    import subprocess
    import tarfile
    import tempfile

    root = Path(__file__).resolve().parent.parent
    archive = subprocess.run(
        ["git", "-C", str(root), "archive", "--format=tar", rev, "src/escalate"],
        check=True,
        capture_output=True,
    ).stdout
    work = Path(tempfile.mkdtemp(prefix="escalate_rev_"))
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(work, filter="data")
    return work / "src"
