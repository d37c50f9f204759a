"""Plots of :func:`escalate.evaluate_frame` results (matplotlib; an optional extra).

Each function builds a :class:`matplotlib.figure.Figure` directly, without pyplot: no
global figure state, nothing is shown, and a notebook displays the returned figure.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from escalate._columns import pandas_frame
from escalate._compliance import _check_columns, compliance
from escalate._errors import MissingExtraError
from escalate._survival import Scale, survival

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

__all__ = ["plot_compliance", "plot_elapsed", "plot_survival"]

_HOUR_NS = 3_600 * 10**9


_PERIOD_NAMES = {"D": "day", "W": "week", "M": "month", "ME": "month", "Q": "quarter", "Y": "year"}


def _figure() -> Figure:
    try:
        from matplotlib.figure import Figure as _Figure  # noqa: PLC0415
    except ImportError:  # pragma: no cover - matplotlib is installed in the test environment
        raise MissingExtraError("plots", "plot", "matplotlib") from None
    return _Figure(figsize=(8, 4.5), layout="constrained")


def plot_compliance(
    results: pd.DataFrame,
    *,
    target: str = "resolution",
    by: str = "severity",
    freq: str = "M",
    objective: float | None = None,
    time_column: str = "opened",
    timezone: str | None = None,
) -> Figure:
    """Plot the share of incidents that met a target, per period and group.

    Args:
        results: The output of :func:`escalate.evaluate_frame`.
        target: The target to plot.
        by: The column that makes one line per value (``severity``, ``team``...).
        freq: The period of the x axis, a pandas period alias (``"M"``, ``"W"``...).
        objective: The share you promise (e.g. ``90``), drawn as a dashed goal line.
        time_column: The column the periods come from.
        timezone: The zone whose periods count, as in :func:`escalate.compliance`.

    Returns:
        A figure with one line per group and its Wilson 95% interval as a band.
    """
    report = compliance(
        results,
        by=[by],
        targets=[target],
        freq=freq,
        time_column=time_column,
        timezone=timezone,
    )
    figure = _figure()
    ax = figure.subplots()
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter  # noqa: PLC0415

    locator = AutoDateLocator()  # type: ignore[no-untyped-call] # a few ticks for any span
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    for name, group in report.groupby(by, sort=True):
        x = group["period"].dt.to_timestamp()
        (line,) = ax.plot(x, group["percent_met"], marker="o", label=str(name))
        ax.fill_between(x, group["ci_low"], group["ci_high"], color=line.get_color(), alpha=0.15)
    if objective is not None:
        ax.axhline(objective, color="black", linestyle="--", label=f"goal {objective:g}%")
    ax.set_ylim(0, 105)
    ax.set_ylabel(f"{target} met (%)")
    period = _PERIOD_NAMES.get(freq.upper(), f"{freq} period")
    ax.set_title(f"{target}: share met per {period}, by {by}")
    ax.legend(loc="lower left")
    return figure


def plot_elapsed(
    results: pd.DataFrame,
    *,
    target: str = "resolution",
    by: str = "severity",
    bins: int = 30,
) -> Figure:
    """Plot the distribution of business time to stop a target against its goal.

    Args:
        results: The output of :func:`escalate.evaluate_frame`.
        target: The target (``resolution``: business time to resolve).
        by: The column that makes one panel per value.
        bins: The number of histogram bins per panel.

    Returns:
        A figure with one histogram (in business hours) per group, the goal as a vertical
        line; only incidents whose target stopped are counted.
    """
    results = pandas_frame(results, "results")
    _check_columns(results, [by], [target], None)
    stopped = results[results[f"{target}_stopped_at"].notna().to_numpy()]
    groups = sorted(stopped[by].dropna().unique().tolist(), key=str)
    figure = _figure()
    axes = figure.subplots(1, max(len(groups), 1), squeeze=False)[0]
    for ax, name in zip(axes, groups, strict=False):
        rows = stopped[(stopped[by] == name).to_numpy(dtype=bool)]
        hours = rows[f"{target}_elapsed"].to_numpy().view("i8") / _HOUR_NS
        ax.hist(hours, bins=bins, color="tab:blue", alpha=0.8)
        for goal in sorted(rows[f"{target}_goal"].dropna().unique()):
            ax.axvline(goal.value / _HOUR_NS, color="tab:red", linestyle="--", label="goal")
        ax.set_title(f"{by} = {name}")
        ax.set_xlabel("business hours")
    axes[0].set_ylabel("incidents")
    figure.suptitle(f"{target}: business time to stop, against the goal")
    return figure


def plot_survival(
    results: pd.DataFrame,
    *,
    target: str = "resolution",
    by: str = "severity",
    scale: Scale = "time",
    confidence: float = 0.95,
) -> Figure:
    """Plot the share of targets stopped within each business time, open tickets counted.

    Args:
        results: The output of :func:`escalate.evaluate_frame`.
        target: The target to plot.
        by: The column that makes one curve per value.
        scale: ``"time"`` (business hours) or ``"goal"`` (percent of each target's goal).
        confidence: The confidence level of the bands.

    Returns:
        A figure with ``100 * (1 - S(t))`` per group from :func:`escalate.survival` (a step
        curve and its pointwise band), the goal as a dashed vertical line and a dot where
        each curve crosses it: the censoring-aware share met.
    """
    report = survival(results, by=[by], targets=[target], scale=scale, confidence=confidence)
    unit = 100.0 if scale == "goal" else 1 / _HOUR_NS
    figure = _figure()
    ax = figure.subplots()
    summary: Any = report.summary.set_index(by)  # looked up by label below
    goals: set[float] = set()
    for name, curve in report.curve.groupby(by, sort=True):
        times = curve["time"].to_numpy()
        x = [0.0, *(times if scale == "goal" else times.view("i8")) * unit]
        y = [0.0, *(100 * (1 - curve["survival"].to_numpy()))]
        low = [0.0, *(100 * (1 - curve["ci_high"].to_numpy()))]
        high = [0.0, *(100 * (1 - curve["ci_low"].to_numpy()))]
        (line,) = ax.step(x, y, where="post", label=str(name))
        ax.fill_between(x, low, high, step="post", color=line.get_color(), alpha=0.15)
        share = float(summary.loc[name, "percent_met"])
        if not math.isnan(share):  # NaN: the group mixes goals on the time scale
            at = 100.0 if scale == "goal" else summary.loc[name, "goal"].value / _HOUR_NS
            ax.scatter([at], [share], color=line.get_color(), zorder=3)
            goals.add(at)
    for k, goal in enumerate(sorted(goals)):
        ax.axvline(goal, color="black", linestyle="--", label="goal" if k == 0 else "_goal")
    ax.set_ylim(0, 105)
    ax.set_xlabel("percent of the goal" if scale == "goal" else "business hours")
    ax.set_ylabel(f"{target} stopped (%)")
    ax.set_title(f"{target}: share stopped within the time, open tickets counted (Kaplan-Meier)")
    ax.legend(loc="lower right")
    return figure
