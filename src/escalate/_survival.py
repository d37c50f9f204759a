"""Kaplan-Meier estimates of the business time to a target's stop, open tickets included.

:func:`escalate.compliance` counts decided outcomes only. A ticket still open on the
evaluation instant is a right-censored observation: its target has run for at least its
elapsed business time and may still stop within the goal or not. :func:`survival` keeps
such tickets in the risk set up to their elapsed time, as Kaplan and Meier (1958) do.

The estimator is written here in numpy rather than taken from lifelines or statsmodels:
escalate's tables have millions of rows in hundreds of groups, and one sort of the whole
table estimates every group at once (a library fits one group per call), in integer
nanoseconds (no float rounding of the times), with no new runtime dependency. The test
suite checks the figures against lifelines on the same data.

pandas is imported only when :func:`survival` runs, so ``import escalate`` stays free of it.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

import attrs

from escalate._errors import ConfigError, did_you_mean
from escalate._frame import _modules

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SurvivalReport", "survival"]

Scale = Literal["time", "goal"]
_SCALES: tuple[Scale, ...] = ("time", "goal")


@attrs.frozen(kw_only=True, eq=False)
class SurvivalReport:
    """The Kaplan-Meier curves and summaries that :func:`survival` returns.

    Attributes:
        curve: One row per group, target and distinct time: the group keys, ``target``,
            ``time``, ``at_risk``, ``events``, ``censored``, ``survival`` (the share of
            targets not yet stopped after that much business time) and its interval
            ``ci_low`` and ``ci_high``, all three as fractions.
        summary: One row per group and target: the group keys, ``target``, ``goal``,
            ``count``, ``stopped``, ``open``, ``closed_met``, ``closed_percent_met``
            (the naive share, stopped targets only), ``percent_met`` with ``ci_low`` and
            ``ci_high`` (read from the curve at the goal), ``median``, ``median_low`` and
            ``median_high``.
        confidence: The confidence level of the intervals.
        scale: ``"time"`` (``time`` is business time, a timedelta) or ``"goal"``
            (``time`` is elapsed time over the goal, a float; 1.0 is the goal).
    """

    curve: pd.DataFrame
    summary: pd.DataFrame
    confidence: float
    scale: Scale


def survival(
    results: pd.DataFrame,
    *,
    by: Sequence[str] = ("severity",),
    targets: Sequence[str] | None = None,
    confidence: float = 0.95,
    scale: Scale = "time",
    time_column: str = "opened",
) -> SurvivalReport:
    """Estimate the business time to each target's stop per group, counting open tickets.

    A target that stopped (responded, resolved...) is an event at its elapsed business
    time. One that has not stopped (running, paused, or breached and still open) is
    right-censored at its elapsed time: it is known to have run at least that long.
    Pending targets (not started) and rows with an ``error`` are left out.

    The survival curve ``S(t)`` is the Kaplan-Meier product over the distinct times; at a
    time with both events and censorings the events come first (the censored targets
    were still at risk). The interval is pointwise, from Greenwood's variance on the
    log(-log S) scale: ``S ** exp(±z * sqrt(sum(d / (n * (n - d)))) / log(S))``. Where
    ``S`` is 1 or 0 the interval is that value (as in lifelines).

    A target is met when its elapsed time is at most its goal, so the censoring-aware
    share met is ``100 * (1 - S(goal))``. On the ``"time"`` scale this needs one goal per
    group: a group whose rows have different goals (a team across severities) gets NA
    there. The ``"goal"`` scale measures each target in fractions of its own goal, so the
    share met is read at 1.0 in every group.

    Args:
        results: The output of :func:`evaluate_frame`.
        by: Columns to group on; ``"month"`` (when the table has no such column) is the
            month of ``time_column`` in that column's own zone, as in :func:`compliance`.
        targets: The targets to estimate; every target of the results by default.
        confidence: The confidence level of the intervals.
        scale: ``"time"`` (business time) or ``"goal"`` (elapsed time over the goal).
        time_column: The column the ``month`` key comes from.

    Returns:
        A :class:`SurvivalReport` with the ``curve`` and ``summary`` tables.

    Raises:
        ConfigError: an unknown target, column or scale, or a confidence outside (0, 1).
    """
    np, pd = _modules()
    if scale not in _SCALES:
        raise ConfigError.single("scale", f"unknown scale {scale!r}", "use 'time' or 'goal'")
    if not 0 < confidence < 1:
        raise ConfigError.single(
            "confidence", f"must be between 0 and 1, got {confidence!r}", "e.g. 0.95"
        )
    z = statistics.NormalDist().inv_cdf(0.5 + confidence / 2)
    known = [c.removesuffix("_status") for c in results.columns if c.endswith("_status")]
    if targets is None:
        targets = known
    for i, target in enumerate(targets):
        if target not in known:
            hint = did_you_mean(target, known) or "the results have " + ", ".join(known)
            raise ConfigError.single(f"targets[{i}]", f"unknown target {target!r}", hint)
    frame = results
    if "error" in frame.columns:
        frame = frame[frame["error"].isna().to_numpy()]
    keys = list(by)
    columns: dict[str, Any] = {}
    for i, key in enumerate(keys):
        if key in frame.columns:
            columns[key] = frame[key]
        elif key == "month" and time_column in frame.columns:
            columns[key] = _months(pd, frame[time_column])
        else:
            hint = did_you_mean(key, map(str, frame.columns)) or "group on columns of the table"
            raise ConfigError.single(f"by[{i}]", f"the results have no column {key!r}", hint)
    if keys:
        grouped = pd.DataFrame(columns, index=frame.index).groupby(
            keys, dropna=False, observed=True, sort=True
        )
        codes = grouped.ngroup().to_numpy()
        labels = grouped.size().index.to_frame(index=False)
    else:
        codes = np.zeros(len(frame), dtype=np.int64)
        labels = pd.DataFrame(index=range(1))

    curves, summaries = [], []
    for target in targets:
        rows = _observations(np, frame, target, scale)
        curve, summary = _estimate(np, codes[rows["keep"]], rows, z)
        curves.append(_label(labels, target, curve))
        summaries.append(_label(labels, target, summary))
    return SurvivalReport(
        curve=_finish(np, pd, curves, keys, scale=scale, columns=_CURVE),
        summary=_finish(np, pd, summaries, keys, scale=scale, columns=_SUMMARY),
        confidence=confidence,
        scale=scale,
    )


_CURVE = ("time", "at_risk", "events", "censored", "survival", "ci_low", "ci_high")
_SUMMARY = (
    "goal",
    "count",
    "stopped",
    "open",
    "closed_met",
    "closed_percent_met",
    "percent_met",
    "ci_low",
    "ci_high",
    "median",
    "median_low",
    "median_high",
)
_TIMES = ("time", "median", "median_low", "median_high")


def _label(labels: Any, target: str, table: dict[str, Any]) -> Any:
    """The group keys of each row of ``table``, then the target and the table's columns."""
    named = labels.take(table.pop("group")).reset_index(drop=True)
    named["target"] = target
    for name, values in table.items():
        named[name] = values
    return named


def _months(pd: Any, times: Any) -> Any:
    if isinstance(times.dtype, pd.DatetimeTZDtype):
        times = times.dt.tz_localize(None)  # the wall-clock month in the column's zone
    return times.dt.to_period("M")


def _observations(np: Any, frame: Any, target: str, scale: Scale) -> dict[str, Any]:
    """The target's rows that count, with their time, event flag, goal and outcome."""
    status = frame[f"{target}_status"]
    elapsed = frame[f"{target}_elapsed"].to_numpy("m8[ns]").view("i8")
    goal = frame[f"{target}_goal"].to_numpy("m8[ns]").view("i8")
    nat = np.iinfo(np.int64).min
    keep = (status.notna() & (status != "pending")).to_numpy(dtype=bool) & (elapsed != nat)
    if scale == "goal":
        keep &= goal > 0  # also drops NaT, the most negative int64
    event = frame[f"{target}_stopped_at"].notna().to_numpy()[keep]
    met = (status == "met").fillna(value=False).to_numpy(dtype=bool)[keep]
    elapsed, goal = elapsed[keep], goal[keep]
    # elapsed / goal is correctly rounded, so it keeps the order of the integer times and
    # equals 1.0 exactly when elapsed == goal: met is still time <= 1.0
    time = elapsed / goal if scale == "goal" else elapsed
    return {"keep": keep, "time": time, "event": event, "goal": goal, "met": met}


def _estimate(np: Any, group: Any, rows: dict[str, Any], z: float) -> tuple[Any, Any]:
    """Kaplan-Meier per group in one pass over the rows sorted by (group, time)."""
    order = np.lexsort((rows["time"], group))
    g, t = group[order], rows["time"][order]
    n = g.size
    distinct = np.ones(n, dtype=bool)
    distinct[1:] = (g[1:] != g[:-1]) | (t[1:] != t[:-1])
    starts = np.flatnonzero(distinct)
    ug, ut = g[starts], t[starts]
    size = np.diff(np.append(starts, n))
    events = np.add.reduceat(rows["event"][order].astype(np.int64), starts) if n else size
    at_risk = np.searchsorted(g, ug, side="right") - starts
    # segments: the curve rows of each group, in group order
    first = np.ones(ug.size, dtype=bool)
    first[1:] = ug[1:] != ug[:-1]
    bounds = np.append(np.flatnonzero(first), ug.size)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        s = _segment_cumprod(np, 1.0 - events / at_risk, bounds)
        greenwood = _segment_cumsum(np, events / (at_risk * (at_risk - events)), bounds)
        sigma = np.sqrt(greenwood) / -np.log(s)
        low = np.where((s > 0) & (s < 1), s ** np.exp(z * sigma), s)
        high = np.where((s > 0) & (s < 1), s ** np.exp(-z * sigma), s)
    curve = {
        "group": ug,
        "time": ut,
        "at_risk": at_risk,
        "events": events,
        "censored": size - events,
        "survival": s,
        "ci_low": low,
        "ci_high": high,
    }
    summary = _summaries(np, rows, order, g, curve=curve, bounds=bounds)
    return curve, summary


def _segment_cumprod(np: Any, values: Any, bounds: Any) -> Any:
    out = np.empty_like(values)
    for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        np.multiply.accumulate(values[a:b], out=out[a:b])
    return out


def _segment_cumsum(np: Any, values: Any, bounds: Any) -> Any:
    out = np.empty_like(values)
    for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        np.cumsum(values[a:b], out=out[a:b])
    return out


def _summaries(
    np: Any, rows: dict[str, Any], order: Any, g: Any, *, curve: dict[str, Any], bounds: Any
) -> dict[str, Any]:
    """Per group: counts, the naive and the censoring-aware share met, and the median."""
    starts = np.flatnonzero(np.append(True, g[1:] != g[:-1])) if g.size else g
    groups = g[starts]
    count = np.diff(np.append(starts, g.size))

    def per_group(values: Any) -> Any:
        return np.add.reduceat(values[order].astype(np.int64), starts) if g.size else count

    stopped, closed_met = per_group(rows["event"]), per_group(rows["met"])
    goal_min = np.minimum.reduceat(rows["goal"][order], starts) if g.size else count
    goal_max = np.maximum.reduceat(rows["goal"][order], starts) if g.size else count
    one_goal = goal_min == goal_max
    scaled = rows["time"].dtype.kind == "f"
    at = np.ones(groups.size) if scaled else goal_min
    s_at, low_at, high_at = (np.ones(groups.size) for _ in range(3))
    medians = np.full((3, groups.size), np.nan if scaled else np.iinfo(np.int64).min)
    for k, (a, b) in enumerate(zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True)):
        # S is right-continuous: S(goal) is the value at the last time <= goal
        i = a + int(np.searchsorted(curve["time"][a:b], at[k], side="right")) - 1
        if i >= a:
            s_at[k], low_at[k], high_at[k] = (
                curve[c][i] for c in ("survival", "ci_low", "ci_high")
            )
        for m, column in enumerate(("survival", "ci_low", "ci_high")):
            below = np.flatnonzero(curve[column][a:b] <= 0.5)
            if below.size:
                medians[m, k] = curve["time"][a + below[0]]
    valid = one_goal | scaled
    with np.errstate(divide="ignore", invalid="ignore"):
        closed_percent = 100 * closed_met / np.where(stopped > 0, stopped, np.nan)
    return {
        "group": groups,
        "goal": np.where(one_goal, goal_min, np.iinfo(np.int64).min),
        "count": count,
        "stopped": stopped,
        "open": count - stopped,
        "closed_met": closed_met,
        "closed_percent_met": closed_percent,
        "percent_met": np.where(valid, 100 * (1 - s_at), np.nan),
        # a lower survival is a higher share met: the bounds swap
        "ci_low": np.where(valid, 100 * (1 - high_at), np.nan),
        "ci_high": np.where(valid, 100 * (1 - low_at), np.nan),
        "median": medians[0],
        # the lower band of S reaches 1/2 first: it gives the lower bound of the median
        "median_low": medians[1],
        "median_high": medians[2],
    }


def _finish(
    np: Any, pd: Any, parts: list[Any], keys: list[str], *, scale: Scale, columns: tuple[str, ...]
) -> Any:
    names = [*keys, "target", *columns]
    if not parts:
        return pd.DataFrame(columns=names)
    out = pd.concat(parts, ignore_index=True)[names]
    for name in columns:
        if name == "goal" or (name in _TIMES and scale == "time"):
            out[name] = pd.to_timedelta(np.asarray(out[name], dtype=np.int64).view("m8[ns]"))
    return out
