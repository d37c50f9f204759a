"""Compliance tables: the share of targets met per group, with Wilson intervals.

pandas is imported only when :func:`compliance` runs, so ``import escalate`` stays free of it.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from escalate._frame import _modules

if TYPE_CHECKING:
    import pandas as pd
    from pandas import DataFrame as _DataFrame

__all__ = ["compliance"]


def _wilson(met: int, decided: int, z: float) -> tuple[float, float]:
    if not decided:
        return math.nan, math.nan
    p = met / decided
    denominator = 1 + z * z / decided
    centre = (p + z * z / (2 * decided)) / denominator
    half = z * math.sqrt(p * (1 - p) / decided + z * z / (4 * decided * decided)) / denominator
    return max(100 * (centre - half), 0.0), min(100 * (centre + half), 100.0)


def compliance(
    results: pd.DataFrame,
    *,
    by: Sequence[str] = ("severity",),
    targets: Sequence[str] | None = None,
    confidence: float = 0.95,
    freq: str | None = None,
    time_column: str = "opened",
) -> pd.DataFrame:
    """Summarise :func:`evaluate_frame` results: one row per group and target.

    Args:
        results: The output of :func:`evaluate_frame`.
        by: Columns to group on; ``"month"`` (when the table has no such column) is the
            month of ``time_column`` in that column's own zone.
        targets: The targets to report; every target of the results by default.
        confidence: The confidence level of the interval on the share met.
        freq: A pandas period alias (``"W"``, ``"Q"``...) adding a ``period`` key from
            ``time_column``.
        time_column: The column the ``month`` and ``period`` keys come from.

    Returns:
        Columns: the ``by`` keys (and ``period``), ``target``, ``count``, ``met``,
        ``breached``, ``open``, ``percent_met``, ``ci_low``, ``ci_high``,
        ``median_elapsed``, ``p90_elapsed``. Rows with an ``error`` are left out.
        ``percent_met`` is ``100 * met / (met + breached)``: open incidents are not yet
        decided. The interval is Wilson's score interval on that share, in percent: for
        8 met of 10 decided at 95%, ``z = 1.96``, the centre is
        ``(0.8 + z²/20) / (1 + z²/10) = 0.7168`` and the half-width
        ``z * sqrt(0.8 * 0.2 / 10 + z²/400) / (1 + z²/10) = 0.2266``, so 49.0% to 94.3%.
        The elapsed figures are the business time to stop (respond, resolve...) of the
        incidents whose target stopped.
    """
    np, pd = _modules()
    if not 0 < confidence < 1:
        msg = f"confidence must be between 0 and 1, got {confidence!r}"
        raise ValueError(msg)
    z = statistics.NormalDist().inv_cdf(0.5 + confidence / 2)
    frame = results
    if "error" in frame.columns:
        frame = frame[frame["error"].isna().to_numpy()]
    keys = list(by)
    derived: dict[str, Any] = {}
    if ("month" in keys and "month" not in frame.columns) or freq is not None:
        times = frame[time_column]
        if isinstance(times.dtype, pd.DatetimeTZDtype):
            times = times.dt.tz_localize(None)  # the wall-clock month in the column's zone
        if "month" in keys and "month" not in frame.columns:
            derived["month"] = times.dt.to_period("M")
        if freq is not None:
            derived["period"] = times.dt.to_period(freq)
            keys.append("period")
    if targets is None:
        targets = [c.removesuffix("_status") for c in results.columns if c.endswith("_status")]
    parts = []
    for target in targets:
        status = frame[f"{target}_status"]
        applies = status.notna().to_numpy()
        elapsed = frame[f"{target}_elapsed"].to_numpy().view("i8").astype("float64")
        elapsed[(frame[f"{target}_stopped_at"].isna() | status.isna()).to_numpy()] = np.nan
        table = pd.DataFrame(
            {
                **{k: derived[k] if k in derived else frame[k] for k in keys},
                "met": (status == "met").fillna(value=False).to_numpy(dtype=bool),
                "breached": (status == "breached").fillna(value=False).to_numpy(dtype=bool),
                "elapsed": elapsed,
            },
            index=frame.index,
        )[applies]
        group_keys: Any = keys or np.zeros(len(table), dtype=np.int8)
        grouped = table.groupby(group_keys, dropna=False, observed=True, sort=True)
        summary = grouped.agg(
            count=("met", "size"),
            met=("met", "sum"),
            breached=("breached", "sum"),
            median=("elapsed", "median"),
        )
        summary["p90"] = grouped["elapsed"].quantile(0.9)
        summary = summary.reset_index(drop=not keys)
        summary.insert(len(keys), "target", target)
        summary["open"] = summary["count"] - summary["met"] - summary["breached"]
        decided = summary["met"] + summary["breached"]
        summary["percent_met"] = 100 * summary["met"] / decided.where(decided > 0)
        bounds = [_wilson(int(m), int(d), z) for m, d in zip(summary["met"], decided, strict=True)]
        summary["ci_low"] = [b[0] for b in bounds]
        summary["ci_high"] = [b[1] for b in bounds]
        summary["median_elapsed"] = pd.to_timedelta(summary["median"].round(), unit="ns")
        summary["p90_elapsed"] = pd.to_timedelta(summary["p90"].round(), unit="ns")
        parts.append(summary)
    columns = [
        *keys,
        "target",
        "count",
        "met",
        "breached",
        "open",
        "percent_met",
        "ci_low",
        "ci_high",
        "median_elapsed",
        "p90_elapsed",
    ]
    if not parts:
        empty: _DataFrame = pd.DataFrame(columns=columns)
        return empty
    out = pd.concat(parts, ignore_index=True)[columns]
    typed: _DataFrame = out.astype(
        {"count": "int64", "met": "int64", "breached": "int64", "open": "int64"}
    )
    return typed
