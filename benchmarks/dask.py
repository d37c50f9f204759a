"""Time the Dask recipe (two local process workers) against one process, on 2M incidents.

Workload: the incident table of ``frame.py``, written as Parquet files (8 partitions).
Every case reads the files, evaluates every row with ``escalate.evaluate_frame`` and
writes the results as Parquet: the shape of a nightly batch job.

    python benchmarks/dask.py            # 2,000,000 incidents, 5 rounds
    python benchmarks/dask.py --quick    # 400,000 incidents, 3 rounds

Cases, interleaved round by round (wall time: the workers are other processes):

- ``one process``: ``pd.read_parquet``, ``evaluate_frame``, ``DataFrame.to_parquet``;
- ``dask, tuned``: ``dd.read_parquet(...).repartition(npartitions=2)
  .map_partitions(evaluate_frame, ...).to_parquet(...)`` on a ``LocalCluster`` of two
  single-threaded process workers whose ``MALLOC_TRIM_THRESHOLD_`` is unset (glibc's own
  adaptive default): one partition per worker;
- ``dask, tuned, 8 partitions``: the same without the repartition (one per file);
- ``dask, default``: the same with Dask's default worker environment
  (``MALLOC_TRIM_THRESHOLD_=65536``);
- ``dask, gathered``: the tuned cluster, but ``.compute()`` brings the results back to
  the client as one pandas frame instead of writing them from the workers.

Before timing, the outputs of every case are read back and checked equal to the
one-process output. Target: ``dask, tuned`` at least 1.6x faster than one process.
The ratio needs two free cores: on a machine shared with other work, the workers
compete with it, and the header's load average says how much.
"""

from __future__ import annotations

import sys
from pathlib import Path

# this folder would shadow the real `dask` (and `calendar.py` the standard library's)
# while it is first on sys.path: move it last.
sys.path.sort(key=lambda entry: Path(entry or ".").resolve() == Path(__file__).resolve().parent)

import argparse
import importlib
import os
import shutil
import tempfile
import warnings
from contextlib import contextmanager
from typing import Any

import pandas as pd
from _common import Case, fmt_stat, interleave, load_average, render_table, section, verdict

from escalate import evaluate_frame
from escalate._frame import output_columns

TRIM = "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_"
WORKERS = 2


@contextmanager
def cluster(*, tuned: bool) -> Any:
    """A LocalCluster of two single-threaded process workers and its client."""
    import dask
    import distributed

    saved = dict(os.environ)  # the nanny writes its variables into this process's environ
    with dask.config.set({TRIM: None} if tuned else {}):
        local = distributed.LocalCluster(
            n_workers=WORKERS, threads_per_worker=1, processes=True, dashboard_address=":0"
        )
    os.environ.clear()
    os.environ.update(saved)
    try:
        with distributed.Client(local) as client:
            yield client
    finally:
        local.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="400,000 incidents, 3 rounds")
    parser.add_argument("--rounds", type=int, default=None)
    args = parser.parse_args(argv)
    n = 400_000 if args.quick else 2_000_000
    rounds = args.rounds or (3 if args.quick else 5)
    try:
        import dask.dataframe as dd
        import distributed  # noqa: F401 - the cluster below needs it
    except ImportError:
        print("skipped: needs dask[dataframe] and distributed (pip install 'dask[distributed]')")
        return 0

    frame = importlib.import_module("frame")
    policy, as_of = frame.build_policy(), frame.AS_OF
    work = Path(tempfile.mkdtemp(prefix="escalate_dask_"))
    source = work / "incidents"
    source.mkdir()
    table = frame.build_table(n)
    parts = 8
    for k in range(parts):
        table.iloc[k * n // parts : (k + 1) * n // parts].to_parquet(source / f"part.{k}.parquet")
    del table
    meta = evaluate_frame(pd.read_parquet(source / "part.0.parquet").head(0), policy, as_of=as_of)
    print(f"load average before: {load_average()}; {n:,} incidents; {rounds} rounds; wall time")

    def one_process(out: Path) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            result = evaluate_frame(pd.read_parquet(source), policy, as_of=as_of)
        result.to_parquet(out / "results.parquet")

    def dask_job(out: Path, *, gather: bool = False, split: bool = False) -> pd.DataFrame | None:
        incidents = dd.read_parquet(source)
        if not split:  # the recipe: one partition per worker (the files are 8)
            incidents = incidents.repartition(npartitions=WORKERS)
        results = incidents.map_partitions(evaluate_frame, policy=policy, as_of=as_of, meta=meta)
        if gather:
            return results.compute()  # type: ignore[no-any-return]
        results.to_parquet(out, write_index=False)
        return None

    def fresh(name: str) -> Path:
        path = work / name
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir()
        return path

    # escalate's columns (Dask may store the input's text columns as pyarrow strings)
    ours = ["id", *(name for name, _kind in output_columns(policy))]

    def normal(result: pd.DataFrame) -> pd.DataFrame:
        return result.sort_values("id", kind="stable").reset_index(drop=True)[ours]

    with cluster(tuned=True) as tuned, cluster(tuned=False) as default:
        # answers first: every case's output, read back, equals the one-process output
        one_process(fresh("one"))
        expected = normal(pd.read_parquet(work / "one"))
        with tuned.as_current():
            dask_job(fresh("tuned"))
            dask_job(fresh("split"), split=True)
            gathered = dask_job(fresh("gathered"), gather=True)
        with default.as_current():
            dask_job(fresh("default"))
        for name in ("tuned", "split", "default"):
            pd.testing.assert_frame_equal(normal(pd.read_parquet(work / name)), expected)
        assert gathered is not None  # noqa: S101
        pd.testing.assert_frame_equal(normal(gathered), expected)
        print("outputs equal: one process and every dask case")

        def on(client: Any, name: str, *, gather: bool = False, split: bool = False) -> Any:
            def job() -> None:
                with client.as_current():
                    dask_job(fresh(name), gather=gather, split=split)

            return job

        result = interleave(
            [
                Case("one process", lambda: one_process(fresh("one")), n),
                Case("dask, tuned", on(tuned, "tuned"), n),
                Case("dask, tuned, 8 partitions", on(tuned, "split", split=True), n),
                Case("dask, default", on(default, "default"), n),
                Case("dask, gathered", on(tuned, "gathered", gather=True), n),
            ],
            rounds=rounds,
            clock="wall",
            warmup=False,
        )
    shutil.rmtree(work, ignore_errors=True)
    print(section(f"read Parquet, evaluate_frame, results out ({n:,} incidents)"))
    rows = []
    for name in (
        "one process",
        "dask, tuned",
        "dask, tuned, 8 partitions",
        "dask, default",
        "dask, gathered",
    ):
        per = result.per_op(name)
        speed = result.ratio("one process", over=name)
        rows.append((name, f"{per.median * n / 1e9:.2f} s", f"{per.spread:.0%}", fmt_stat(speed)))
    print(render_table(("case", "time", "spread", "one process / case"), rows))
    speedup = result.ratio("one process", over="dask, tuned").median
    print(section("targets"))
    print(
        render_table(
            ("target", "measured", ""),
            [
                (
                    "dask, tuned >= 1.6x faster than one process",
                    f"{speedup:.2f}x",
                    verdict(speedup >= 1.6),
                )
            ],
        )
    )
    print(f"load average after: {load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
