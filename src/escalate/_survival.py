"""Kaplan-Meier estimates of the business time to a target's stop, open tickets included.

:func:`escalate.compliance` counts decided outcomes only. A ticket still open on the
evaluation instant is a right-censored observation: its target has run for at least its
elapsed business time and may still stop within the goal or not. :func:`survival` keeps
such tickets in the risk set up to their elapsed time, as Kaplan and Meier (1958) do.

The estimator is written here in numpy rather than taken from lifelines or statsmodels:
escalate's tables have millions of rows in hundreds of groups; one radix sort of the group
codes splits them (a library fits one group per call, from a frame it builds), each group
is estimated from its sorted integer nanoseconds (no float rounding of the times), and no
runtime dependency is added. The test suite checks the figures against lifelines on the
same data.

pandas is imported only when :func:`survival` runs, so ``import escalate`` stays free of it.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from decimal import Decimal, localcontext
from typing import TYPE_CHECKING, Any, Literal

import attrs

from escalate._columns import checked_columns, pandas_frame
from escalate._compliance import _wall_times, check_confidence, duration_ns, result_targets
from escalate._errors import ConfigError, did_you_mean
from escalate._lower import _modules

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
            ``ci_high`` (read from the curve at the goal; NA when the curve ends before
            the goal with targets still open), all three in percent, and the
            ``median`` time to stop with ``median_low`` and ``median_high`` (NA where the
            curve or its band never falls to one half).
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
    log(-log S) scale: ``S ** exp(±z * sqrt(V) / -log(S))`` with
    ``V = sum(d / (n * (n - d)))`` over the times so far (``d`` stopped of ``n`` at risk;
    the ``+`` sign gives the lower bound). Where ``S`` is 1 or 0 the interval is that
    value, as in lifelines.

    A target is met when its elapsed time is at most its goal, so the censoring-aware
    share met is ``100 * (1 - S(goal))``. On the ``"time"`` scale this needs one goal per
    group: a group whose rows have different goals (a team across severities) gets NA
    there. The ``"goal"`` scale measures each target in fractions of its own goal, so the
    share met is read at 1.0 in every group. Where every target still open stopped being
    followed before the goal (the curve ends short of it, above 0), nothing is known of
    the goal itself: the share met is NA, not the curve's last value.

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
    results = pandas_frame(results, "results")
    if scale not in _SCALES:
        raise ConfigError.single("scale", f"unknown scale {scale!r}", "use 'time' or 'goal'")
    check_confidence(confidence)
    z = statistics.NormalDist().inv_cdf(0.5 + confidence / 2)
    known = result_targets(results.columns)
    targets = known if targets is None else list(dict.fromkeys(targets))  # each one once
    for i, target in enumerate(targets):
        if target not in known:
            hint = did_you_mean(target, known) or "the results have " + ", ".join(known)
            raise ConfigError.single(f"targets[{i}]", f"unknown target {target!r}", hint)
    frame = results
    n = len(frame)
    ok = frame["error"].isna().to_numpy() if "error" in frame.columns else np.ones(n, dtype=bool)
    keys = checked_columns(by)
    columns: dict[str, Any] = {}
    for i, key in enumerate(keys):
        if key in frame.columns:
            columns[key] = frame[key]
        elif key == "month" and time_column in frame.columns:
            columns[key] = _wall_times(pd, frame[time_column], None).dt.to_period("M")
        else:
            hint = did_you_mean(key, map(str, frame.columns)) or "group on columns of the table"
            if key == "month":
                hint = f"the month comes from time_column={time_column!r}, which is missing"
            raise ConfigError.single(f"by[{i}]", f"the results have no column {key!r}", hint)
    if keys:
        grouped = pd.DataFrame(columns, index=frame.index).groupby(
            keys, dropna=False, observed=True, sort=True
        )
        codes = grouped.ngroup().to_numpy()
        labels = grouped.size().index.to_frame(index=False)
    else:
        codes = np.zeros(n, dtype=np.int64)
        labels = pd.DataFrame(index=range(1))

    curves, summaries = [], []
    for target in targets:
        rows = _observations(np, pd, frame, target, ok=ok, scale=scale)
        curve, summary = _estimate(np, codes[rows["keep"]], len(labels), rows, z)
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


def _observations(
    np: Any, pd: Any, frame: Any, target: str, *, ok: Any, scale: Scale
) -> dict[str, Any]:
    """The target's rows that count, with their sort key, event flag, goal and outcome."""
    codes, names = pd.factorize(frame[f"{target}_status"])  # fast on Arrow-backed strings
    code = {str(name): i for i, name in enumerate(names)}
    elapsed = duration_ns(frame, f"{target}_elapsed")
    goal = duration_ns(frame, f"{target}_goal")
    nat = np.iinfo(np.int64).min
    keep = ok & (codes >= 0) & (codes != code.get("pending", -1)) & (elapsed != nat)
    if scale == "goal":
        keep &= goal > 0  # also drops NaT, the most negative int64
    elapsed, goal = elapsed[keep], goal[keep]
    if elapsed.size and elapsed.min() < 0:
        raise ConfigError.single(
            f"{target}_elapsed",
            f"{int((elapsed < 0).sum())} rows have a negative business time",
            "pass the output of evaluate_frame, whose elapsed times are never negative",
        )
    event = frame[f"{target}_stopped_at"].notna().to_numpy()[keep]
    # elapsed / goal is correctly rounded, so it keeps the order of the integer times and
    # equals 1.0 exactly when elapsed == goal: met is still time <= 1.0
    time = elapsed / goal if scale == "goal" else elapsed
    # non-negative int64 and float64 values sort like their bits as uint64: one sort of
    # (bits << 1 | censored) orders the times with the events first at each time
    key = (time.view(np.uint64) << np.uint64(1)) | (~event).astype(np.uint64)
    return {
        "keep": keep,
        "key": key,
        "event": event,
        "goal": goal,
        "met": (codes == code.get("met", -1))[keep],
        "dtype": time.dtype,
    }


def _estimate(np: Any, group: Any, groups: int, rows: dict[str, Any], z: float) -> tuple[Any, Any]:
    """Kaplan-Meier curve and summary of each group present in ``group`` (codes)."""
    # a stable sort of small integer codes is a radix sort: cheap even on millions of rows
    narrow = np.int16 if groups < 2**15 else np.int64
    order = np.argsort(group.astype(narrow), kind="stable")
    key, event, met, goal = (rows[c][order] for c in ("key", "event", "met", "goal"))
    offsets = np.concatenate(([0], np.cumsum(np.bincount(group, minlength=groups))))
    scaled = rows["dtype"].kind == "f"
    curves: list[dict[str, Any]] = []
    summaries: list[dict[str, Any]] = []
    for k in range(groups):
        a, b = int(offsets[k]), int(offsets[k + 1])
        if a == b:
            continue
        curve = _curve(np, key[a:b], rows["dtype"], z)
        curve["group"] = np.full(curve["time"].size, k)
        curves.append(curve)
        goals = goal[a:b]
        one_goal = bool(goals.min() == goals.max())
        stopped = int(event[a:b].sum())
        closed_met = int(met[a:b].sum())
        summary = {
            "group": k,
            "goal": int(goals[0]) if one_goal else np.iinfo(np.int64).min,
            "count": b - a,
            "stopped": stopped,
            "open": b - a - stopped,
            "closed_met": closed_met,
            "closed_percent_met": 100 * closed_met / stopped if stopped else np.nan,
            "percent_met": np.nan,
            "ci_low": np.nan,
            "ci_high": np.nan,
        }
        at = 1.0 if scaled else goals[0]
        # past the last time with targets still open, no target was followed that far: the
        # curve, and the share met at a later goal, are unknown (lifelines draws it flat)
        known = curve["time"][-1] >= at or curve["survival"][-1] == 0
        if (one_goal or scaled) and known:
            # S is right-continuous: S(goal) is its value at the last time <= goal
            i = int(np.searchsorted(curve["time"], at, side="right"))
            s, low, high = (curve[c][i - 1] if i else 1.0 for c in _BAND)
            # a lower survival is a higher share met: the bounds swap
            summary.update(percent_met=100 * (1 - s), ci_low=100 * (1 - high))
            summary["ci_high"] = 100 * (1 - low)
        # the median is the first time S <= 1/2; the lower band gets there first, so it
        # gives the lower bound of the median (Brookmeyer and Crowley)
        missing = np.nan if scaled else np.iinfo(np.int64).min
        for name, column in zip(("median", "median_low", "median_high"), _BAND, strict=True):
            if column == "survival":  # a ratio of counts: decided exactly at 1/2
                first = _first_half(np, curve)
            else:  # the bands are not ratios: their floating-point values decide
                below = np.flatnonzero(curve[column] <= 0.5)
                first = int(below[0]) if below.size else None
            summary[name] = missing if first is None else curve["time"][first]
        summaries.append(summary)
    return _columns(np, curves, concat=True), _columns(np, summaries, concat=False)


_BAND = ("survival", "ci_low", "ci_high")


def _first_half(np: Any, curve: dict[str, Any]) -> int | None:
    """The first position where the Kaplan-Meier estimate is at most 1/2, or ``None``.

    The estimate is a product of ratios of counts, computed in floating point: where its
    exact value is 1/2 (half of an uncensored group stopped by some time, a common tie) it
    may come out an ulp above, which would move the median to the next time. Near 1/2,
    within a bound on the product's rounding (``k`` factors, each at least 1/2 there, err
    by less than ``k * 2**-50`` together), the product is recomputed with 50 significant
    digits, and a value within 1e-40 of 1/2 counts as 1/2.
    """
    s = curve["survival"]
    slack = np.arange(1, s.size + 1) * 2.0**-50
    near = np.flatnonzero(s <= 0.5 + slack)
    if not near.size:
        return None
    at_risk, events = curve["at_risk"], curve["events"]
    with localcontext() as exact:
        exact.prec = 50
        product, done = Decimal(1), 0
        # S never rises, so the positions from the first one near 1/2 on are the rest
        for j in range(int(near[0]), s.size):
            if s[j] < 0.5 - slack[j]:
                return j
            for n, d in zip(
                at_risk[done : j + 1].tolist(), events[done : j + 1].tolist(), strict=True
            ):
                product *= Decimal(n - d) / n
            done = j + 1
            if product <= _HALF:
                return j
    return None


_HALF = Decimal("0.5" + "0" * 38 + "1")  # exact: no context rounds a literal
"""1/2, and what lies within the rounding of 50 significant digits above it."""


def _curve(np: Any, keys: Any, dtype: Any, z: float) -> dict[str, Any]:
    """One group's Kaplan-Meier curve at its distinct times, with the log-log interval."""
    keys = np.sort(keys)
    bits = keys >> np.uint64(1)
    starts = np.flatnonzero(np.append(True, bits[1:] != bits[:-1]))
    size = np.diff(np.append(starts, keys.size))
    censored = np.add.reduceat((keys & np.uint64(1)).astype(np.int64), starts)
    d = size - censored
    at_risk = keys.size - starts  # those censored at a time are still at risk at that time
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        s = np.cumprod(1.0 - d / at_risk)
        greenwood = np.cumsum(d / (at_risk * (at_risk - d)))
        sigma = np.sqrt(greenwood) / -np.log(s)
        inside = (s > 0) & (s < 1)
        low = np.where(inside, s ** np.exp(z * sigma), s)
        high = np.where(inside, s ** np.exp(-z * sigma), s)
    return {
        "time": bits[starts].view(dtype),
        "at_risk": at_risk,
        "events": d,
        "censored": censored,
        "survival": s,
        "ci_low": low,
        "ci_high": high,
    }


def _columns(np: Any, parts: list[dict[str, Any]], *, concat: bool) -> dict[str, Any]:
    """Columns from per-group dicts of arrays (``concat``) or of scalars."""
    if not parts:
        return {"group": np.zeros(0, dtype=np.int64)}
    join = np.concatenate if concat else np.array
    return {name: join([part[name] for part in parts]) for name in parts[0]}


def _finish(
    np: Any, pd: Any, parts: list[Any], keys: list[str], *, scale: Scale, columns: tuple[str, ...]
) -> Any:
    names = [*keys, "target", *columns]
    if not parts:
        return pd.DataFrame(columns=names)
    # a target with no rows to count has a frame of keys only: reindex adds its columns
    out = pd.concat(parts, ignore_index=True).reindex(columns=names)
    for name in columns:
        if name == "goal" or (name in _TIMES and scale == "time"):
            out[name] = pd.to_timedelta(np.asarray(out[name], dtype=np.int64).view("m8[ns]"))
    return out
