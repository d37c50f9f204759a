"""Spark: ``evaluate_spark`` on a real local SparkSession equals ``evaluate_frame``.

One small session serves the whole module (starting the JVM is the slow part). Its time
zone is New York's while the tickets are Bogotá's, so a result that leaned on the session
zone would show. pyspark comes with the test dependencies and CI installs a Java runtime
(``.ci/run``); only a developer's machine without Java skips these tests.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import warnings
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from escalate import BadRowsWarning, evaluate_frame, evaluate_spark, load_policy, spark_schema

ROOT = Path(__file__).parent.parent
POLICY = load_policy(ROOT / "examples" / "policies" / "seed_003_saas.toml")

# pyspark 4.x warns that its pandas 3 support is not complete, and its toPandas passes
# pandas 3 a deprecated copy= keyword: these tests check what escalate relies on
pytestmark = [
    # the tables leave out seed 003's custom event columns on purpose
    pytest.mark.filterwarnings("ignore::escalate.MissingColumnsWarning"),
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]

if shutil.which("java") is None and not os.environ.get("CI"):  # pragma: no cover
    pytest.skip("Spark needs a Java runtime (CI installs one)", allow_module_level=True)
if importlib.util.find_spec("pyspark") is None and not os.environ.get("CI"):  # pragma: no cover
    pytest.skip(
        "needs pyspark, from the test dependencies (CI installs it)", allow_module_level=True
    )


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location(
        "generate_incidents", ROOT / "examples" / "generate_incidents.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GENERATOR = _generator()
AS_OF = GENERATOR.AS_OF


@pytest.fixture(scope="module")
def spark() -> Any:
    """A local one-thread SparkSession in New York time, for this module only."""
    from pyspark.sql import SparkSession  # noqa: PLC0415

    # the Python workers must be this interpreter (with escalate), not python3 on the PATH
    patch = pytest.MonkeyPatch()
    patch.setenv("PYSPARK_PYTHON", sys.executable)
    session = (
        SparkSession.builder.master("local[1]")
        .appName("escalate-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.default.parallelism", "1")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.session.timeZone", "America/New_York")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
    patch.undo()


def incidents() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Three hundred generated tickets with their pauses, and two rows that fail."""
    table, pauses = GENERATOR.generate(300, seed=11)
    table.loc[3, "severity"] = "urgent"  # an unknown severity
    table.loc[5, "responded"] = table.loc[5, "opened"] - pd.Timedelta(minutes=5)
    return table, pauses


def collect(frame: Any) -> pd.DataFrame:
    """A Spark DataFrame as pandas, instants as aware UTC datetimes, sorted by id."""
    from pyspark.sql import functions  # noqa: PLC0415
    from pyspark.sql.types import TimestampType  # noqa: PLC0415

    instants = [f.name for f in frame.schema.fields if isinstance(f.dataType, TimestampType)]
    exact = frame.select(
        *(functions.unix_micros(name).alias(name) if name in instants else name
          for name in frame.columns)
    )  # fmt: skip
    out = exact.toPandas()
    for name in instants:
        out[name] = pd.to_datetime(out[name], unit="us", utc=True)
    return out.sort_values("id", ignore_index=True)


def test_evaluate_spark_equals_evaluate_frame(spark):
    """The Spark batches give the same rows, figures and errors as one pandas call."""
    table, pauses = incidents()
    frame = spark.createDataFrame(table)
    got = collect(evaluate_spark(frame, POLICY, as_of=AS_OF, pauses=pauses))
    with pytest.warns(BadRowsWarning, match="2 of 300"):
        want = evaluate_frame(table, POLICY, as_of=AS_OF, pauses=pauses)
    want = want.sort_values("id", ignore_index=True)
    assert got.columns.tolist() == want.columns.tolist()
    assert got["error"].notna().sum() == 2
    assert want["resolution_status"].eq("running").any()  # some tickets are still open
    # Spark returns plain object, bool and int columns: give them pandas' dtypes back
    pd.testing.assert_frame_equal(got.astype(want.dtypes.to_dict()), want, check_exact=True)


def test_the_hand_written_recipe_of_the_how_to(spark):
    """The how-to's mapInPandas snippet with spark_schema equals evaluate_frame too."""
    table, _ = incidents()
    table = table.drop(index=[3, 5])
    incidents_frame = spark.createDataFrame(table)
    policy, as_of = POLICY, AS_OF
    # --- as in docs/how-to/dask-and-spark.md ---
    schema = spark_schema(policy, incidents_frame.schema)
    session_zone = spark.conf.get("spark.sql.session.timeZone")

    def evaluate_batches(batches):
        for batch in batches:  # pandas DataFrames, one Arrow batch each
            out = evaluate_frame(batch, policy, as_of=as_of, timezone=session_zone)
            yield out[schema.fieldNames()]

    results = incidents_frame.mapInPandas(evaluate_batches, schema=schema)
    # ---
    got = collect(results)
    want = evaluate_frame(table, POLICY, as_of=AS_OF).sort_values("id", ignore_index=True)
    pd.testing.assert_frame_equal(got.astype(want.dtypes.to_dict()), want, check_exact=True)


def test_naive_wall_clock_columns_need_a_timezone(spark):
    """TimestampNTZ columns are wall times in ``timezone=``, like naive pandas columns."""
    table, _ = incidents()
    table = table.drop(index=[3, 5]).head(40)
    naive = table.assign(
        **{c: table[c].dt.tz_localize(None) for c in ("opened", "responded", "resolved")}
    )
    frame = spark.createDataFrame(naive)
    from pyspark.sql import functions  # noqa: PLC0415

    frame = frame.select(
        *(functions.col(c).cast("timestamp_ntz").alias(c) if c in ("opened", "responded", "resolved") else c
          for c in frame.columns)
    )  # fmt: skip
    got = collect(evaluate_spark(frame, POLICY, as_of=AS_OF, timezone="America/Bogota"))
    want = evaluate_frame(naive, POLICY, as_of=AS_OF, timezone="America/Bogota")
    want = want.sort_values("id", ignore_index=True)
    pd.testing.assert_frame_equal(got.astype(want.dtypes.to_dict()), want, check_exact=True)


def test_spark_schema_names_evaluate_frames_columns():
    """spark_schema lists evaluate_frame's output columns in order, from the policy alone."""
    from pyspark.sql import types  # noqa: PLC0415

    table, _ = incidents()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BadRowsWarning)
        want = evaluate_frame(table, POLICY, as_of=AS_OF)
    fields = [types.StructField(c, types.StringType()) for c in table.columns]
    schema = spark_schema(POLICY, types.StructType(fields))
    assert schema.fieldNames() == want.columns.tolist()
    kinds = {f.name: type(f.dataType).__name__ for f in schema.fields}
    assert kinds["tier_level"] == "LongType"
    assert kinds["response_elapsed"] == "DayTimeIntervalType"
    assert kinds["resolution_due_at"] == "TimestampType"
    assert kinds["definitive_fix_met"] == "BooleanType"


def test_the_batch_function_reads_microseconds_and_keeps_the_schema_order():
    """Each batch's integer microseconds become UTC instants; the output follows the schema."""
    from escalate._spark import _Batches  # noqa: PLC0415

    table, _ = incidents()
    table = table.drop(index=[3, 5]).head(20)
    micros = table.assign(
        **{
            c: table[c].dt.tz_convert("UTC").dt.tz_localize(None).astype("datetime64[us]").astype("int64").where(table[c].notna())
            for c in ("opened", "responded", "resolved")
        }
    )  # fmt: skip
    want = evaluate_frame(table, POLICY, as_of=AS_OF)
    names = tuple(reversed(want.columns))
    batches = _Batches(
        policy=POLICY,
        as_of=AS_OF,
        columns=None,
        pauses=None,
        timezone=None,
        instants=("opened", "responded", "resolved"),
        names=names,
    )
    (got,) = batches(iter([micros]))
    assert tuple(got.columns) == names
    pd.testing.assert_frame_equal(
        got[want.columns].drop(columns=["opened", "responded", "resolved"]),
        want.drop(columns=["opened", "responded", "resolved"]),
    )
    assert (got["opened"] == want["opened"]).all()


def test_a_naive_as_of_fails_on_the_driver():
    """A naive as_of raises at once, before Spark plans anything."""
    from escalate import NaiveDatetimeError  # noqa: PLC0415

    with pytest.raises(NaiveDatetimeError):
        evaluate_spark(None, POLICY, as_of=datetime(2026, 12, 31))
