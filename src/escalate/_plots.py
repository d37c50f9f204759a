"""Plots of :func:`escalate.evaluate_frame` results (matplotlib; an optional extra).

Each function builds a :class:`matplotlib.figure.Figure` directly, without pyplot: no
global figure state, nothing is shown, and a notebook displays the returned figure.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING

from escalate._columns import NAT, modules, pandas_frame
from escalate._compliance import (
    _check_columns,
    _wall_times,
    compliance,
    duration_ns,
    period_alias,
)
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


def _groups(frame: pd.DataFrame, by: str) -> Iterator[tuple[str, pd.DataFrame]]:
    """``(label, rows)`` per value of ``by`` in order; rows without one last, as "no <by>".

    The tables keep a group without a value (a ticket with no assignment group), so the
    plots draw it too, named so.
    """
    _np, pd = modules()
    for name, rows in frame.groupby(by, sort=True, dropna=False, observed=True):
        yield (f"no {by}" if pd.isna(name) else str(name)), rows


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
    freq = period_alias(freq)  # "ME" or an offset object: the period it names
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
    for name, group in _groups(report, by):
        x = group["period"].dt.to_timestamp()
        (line,) = ax.plot(x, group["percent_met"], marker="o", label=name)
        ax.fill_between(x, group["ci_low"], group["ci_high"], color=line.get_color(), alpha=0.15)
    if objective is not None:
        ax.axhline(objective, color="black", linestyle="--", label=f"goal {objective:g}%")
    ax.set_ylim(0, 105)
    ax.set_ylabel(f"{target} met (%)")
    period = _PERIOD_NAMES.get(freq.upper(), f"{freq} period")
    ax.set_title(f"{target}: share met per {period}, by {by}")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="lower left")
    else:  # every target pending (or no rows): an empty chart that says so
        ax.text(0.5, 0.5, f"no {target} decided yet", ha="center", transform=ax.transAxes)
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
    month = by == "month" and "month" not in results.columns
    _check_columns(results, [by], [target], "opened" if month else None)
    stopped = results[results[f"{target}_stopped_at"].notna().to_numpy()]
    if month:  # the opening's month, as compliance and survival take it
        months = _wall_times(modules()[1], stopped["opened"], None).dt.to_period("M")
        stopped = stopped.assign(month=months)
    groups = list(_groups(stopped, by))
    figure = _figure()
    axes = figure.subplots(1, max(len(groups), 1), squeeze=False)[0]
    for ax, (name, rows) in zip(axes, groups, strict=False):
        elapsed = duration_ns(rows, f"{target}_elapsed")
        ax.hist(elapsed[elapsed != NAT] / _HOUR_NS, bins=bins, color="tab:blue", alpha=0.8)
        goals = duration_ns(rows, f"{target}_goal")
        for goal in sorted(set(goals[goals != NAT].tolist())):
            ax.axvline(goal / _HOUR_NS, color="tab:red", linestyle="--", label="goal")
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
    summaries = [row for _name, row in _groups(report.summary, by)]
    goals: set[float] = set()
    for (name, curve), summary in zip(_groups(report.curve, by), summaries, strict=True):
        times = curve["time"].to_numpy()
        x = [0.0, *(times if scale == "goal" else times.view("i8")) * unit]
        y = [0.0, *(100 * (1 - curve["survival"].to_numpy()))]
        low = [0.0, *(100 * (1 - curve["ci_high"].to_numpy()))]
        high = [0.0, *(100 * (1 - curve["ci_low"].to_numpy()))]
        (line,) = ax.step(x, y, where="post", label=str(name))
        ax.fill_between(x, low, high, step="post", color=line.get_color(), alpha=0.15)
        share = float(summary["percent_met"].iloc[0])
        if not math.isnan(share):  # NaN: the group mixes goals on the time scale
            at = 100.0 if scale == "goal" else summary["goal"].iloc[0].value / _HOUR_NS
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
