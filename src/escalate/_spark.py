"""Spark: :func:`evaluate_frame` over a Spark DataFrame with ``mapInPandas``.

escalate brings no parallel engine of its own; Spark maps :func:`evaluate_frame` over
Arrow batches of the incident table. Two things make the plain recipe fail or drift, and
this module settles both once:

- the output schema: Spark needs it before it runs anything, and inferring it from
  evaluated sample rows fails on an empty sample (``CANNOT_INFER_EMPTY_SCHEMA``) and can
  guess wrong types from a few rows (a column that is all null there). The schema follows
  from the policy and the input schema alone (:func:`spark_schema`).
- instants: Spark hands ``TimestampType`` columns to pandas as naive wall times in the
  session time zone, which loses the hour repeated when clocks fall back. They travel as
  integer microseconds since the epoch instead, and are aware UTC datetimes in each batch.

pyspark is imported only when these functions run.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

import attrs

from escalate._calendar import _instant
from escalate._errors import MissingExtraError
from escalate._frame import evaluate_frame, output_columns

if TYPE_CHECKING:
    import pandas as pd

    from escalate._policy import Policy

__all__ = ["evaluate_spark", "spark_schema"]

# evaluate_frame's own columns and, per target, its figures (see its docstring)


def _types() -> Any:
    try:
        from pyspark.sql import types  # noqa: PLC0415
    except ImportError:  # pragma: no cover - pyspark is installed in the test environment
        raise MissingExtraError("Spark tables", "spark", "pyspark") from None
    return types


def spark_schema(policy: Policy, incidents: Any) -> Any:
    """Return the Spark schema of :func:`evaluate_frame`'s output for an input schema.

    Args:
        policy: The support agreement (its targets name the per-target columns).
        incidents: The incident table's ``pyspark.sql.types.StructType``
            (``df.schema``).

    Returns:
        A ``StructType``: the input's columns (but those evaluate_frame replaces, such as
        ``severity``), then the columns :func:`escalate.evaluate_frame` adds, in its
        order: strings, day-time intervals for durations, timestamps for instants.
    """
    types = _types()
    kinds = {
        "string": types.StringType(),
        "interval": types.DayTimeIntervalType(
            types.DayTimeIntervalType.DAY, types.DayTimeIntervalType.SECOND
        ),
        "timestamp": types.TimestampType(),
        "boolean": types.BooleanType(),
        "long": types.LongType(),
    }
    new = output_columns(policy)
    names = {name for name, _ in new}
    kept = [field for field in incidents.fields if field.name not in names]
    added = [types.StructField(name, kinds[kind], nullable=True) for name, kind in new]
    return types.StructType([*kept, *added])


def evaluate_spark(
    incidents: Any,
    policy: Policy,
    *,
    as_of: datetime,
    columns: Mapping[str, str] | None = None,
    pauses: pd.DataFrame | None = None,
    timezone: str | None = None,
) -> Any:
    """Evaluate a Spark DataFrame of incidents, batch by batch, with :func:`evaluate_frame`.

    Args:
        incidents: A ``pyspark.sql.DataFrame``, one row per incident, with the columns
            :func:`evaluate_frame` reads.
        policy: The support agreement (pickled once and shipped to the executors).
        as_of: The instant of evaluation (timezone-aware), the same for every batch.
        columns: Our column name to the table's, as in :func:`evaluate_frame`.
        pauses: Pause spans as a pandas DataFrame (``id``, ``start``, ``end``), shipped
            to every batch; each batch keeps the spans of its own incidents.
        timezone: The zone of ``TimestampNTZType`` (wall-clock) columns; ``TimestampType``
            columns are instants and need none.

    Returns:
        A lazy ``pyspark.sql.DataFrame`` with the schema of :func:`spark_schema`: the
        rows of :func:`evaluate_frame` on the whole table, in Spark's partition order.
    """
    types = _types()
    from pyspark.sql import functions  # noqa: PLC0415

    _instant(as_of, "as_of")  # a naive as_of fails here, not on an executor
    instants = [
        f.name for f in incidents.schema.fields if isinstance(f.dataType, types.TimestampType)
    ]
    schema = spark_schema(policy, incidents.schema)
    micros = incidents.select(
        *(
            functions.unix_micros(functions.col(name)).alias(name)
            if name in instants
            else functions.col(name)
            for name in incidents.columns
        )
    )

    batches = _Batches(
        policy=policy,
        as_of=as_of,
        columns=columns,
        pauses=pauses,
        timezone=timezone,
        instants=tuple(instants),
        names=tuple(schema.fieldNames()),
    )
    return micros.mapInPandas(batches, schema=schema)


@attrs.frozen(kw_only=True, eq=False)
class _Batches:
    """The function Spark runs on each executor: a picklable value, testable without Spark."""

    policy: Policy
    as_of: datetime
    columns: Mapping[str, str] | None
    pauses: pd.DataFrame | None
    timezone: str | None
    instants: tuple[str, ...]
    """The columns that arrive as integer microseconds since the epoch (UTC)."""
    names: tuple[str, ...]
    """The output columns, in the schema's order."""

    def __call__(self, batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        import pandas as pd  # noqa: PLC0415

        for batch in batches:
            for name in self.instants:
                batch[name] = pd.to_datetime(batch[name], unit="us", utc=True)
            out = evaluate_frame(
                batch,
                self.policy,
                as_of=self.as_of,
                columns=self.columns,
                pauses=self.pauses,
                timezone=self.timezone,
            )
            yield out[list(self.names)]
