"""Compliance tables: the share of targets met per group, with Wilson intervals.

pandas is imported only when :func:`compliance` runs, so ``import escalate`` stays free of it.
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from escalate._checks import excerpt
from escalate._columns import NAT, checked_columns, modules, pandas_frame
from escalate._duration import _duration_problem
from escalate._errors import ConfigError, Problem, did_you_mean
from escalate._index import td_us
from escalate._lower import _modules

if TYPE_CHECKING:
    import pandas as pd
    from pandas import DataFrame as _DataFrame

__all__ = ["compliance"]

#: The figures of each group and target in a compliance table, after its keys and target.
FIGURES = (
    "count",
    "met",
    "breached",
    "open",
    "percent_met",
    "ci_low",
    "ci_high",
    "median_elapsed",
    "p90_elapsed",
)

#: A UTC offset (or ``Z``) at the end of an ISO 8601 instant.
_OFFSET = r"(?:[+-]\d\d(?::?\d\d(?::?\d\d(?:\.\d+)?)?)?|Z)$"


def _wilson(met: int, decided: int, z: float) -> tuple[float, float]:
    if not decided:
        return math.nan, math.nan
    p = met / decided
    denominator = 1 + z * z / decided
    centre = (p + z * z / (2 * decided)) / denominator
    half = z * math.sqrt(p * (1 - p) / decided + z * z / (4 * decided * decided)) / denominator
    # at 0 and at n the bound is exactly 0% or 100%; the formula leaves rounding residue
    low = 0.0 if met == 0 else max(100 * (centre - half), 0.0)
    high = 100.0 if met == decided else min(100 * (centre + half), 100.0)
    return low, high


def result_targets(columns: Any) -> list[str]:
    """The targets of a result table: each ``T`` with its ``T_status`` and ``T_stopped_at``.

    A column of the caller's own copied through (``customer_status``) is not a target.
    """
    present = {str(c) for c in columns}
    names = (str(c).removesuffix("_status") for c in columns if str(c).endswith("_status"))
    return [name for name in names if f"{name}_stopped_at" in present]


def _check_columns(
    frame: Any, keys: Sequence[str], targets: Sequence[str], time: str | None
) -> None:
    """Raise one :class:`ConfigError` naming every column the summary needs but lacks."""
    present = {str(c) for c in frame.columns}
    missing = [k for k in keys if k not in present and k != "month"]
    if time is not None and time not in present:
        missing.append(time)
    for target in targets:
        wanted = [f"{target}_status", f"{target}_stopped_at"]
        if f"{target}_elapsed_seconds" not in present:
            wanted.append(f"{target}_elapsed")
        missing.extend(c for c in wanted if c not in present)
    if not missing:
        return
    statuses = sorted(result_targets(frame.columns))
    if not statuses:
        hint = "pass the output of evaluate_frame, which has them for every target"
    else:
        close = [did_you_mean(t, statuses) for t in targets if f"{t}_status" not in present]
        hint = next((c for c in close if c), None) or (
            "its targets are " + ", ".join(map(repr, statuses))
        )
    names = list(dict.fromkeys(missing))
    what = (
        f"no column {names[0]!r}"
        if len(names) == 1
        else "no columns " + ", ".join(map(repr, names))
    )
    raise ConfigError([Problem(path="results", message=f"the table has {what}", hint=hint)])


def _wall_times(pd: Any, column: Any, timezone: str | None) -> Any:
    """The instants of ``column`` as naive wall-clock times in ``timezone``.

    Without a zone, each instant is taken as the column writes it: a zone-aware column in
    its own zone, text (as ``read_csv`` gives) at the wall time written before its offset.
    Naive values are wall times already, in ``timezone`` when one is given.
    """
    values = column
    if values.dtype == object or isinstance(values.dtype, pd.StringDtype):
        text = values.astype("string").str.strip()
        offset = text.str.contains(_OFFSET, regex=True).fillna(value=False)
        if timezone is None or not offset.any():
            wall = text.str.replace(_OFFSET, "", regex=True)
            return pd.to_datetime(wall, format="ISO8601")
        if not offset[text.notna()].all():
            first = text[text.notna() & ~offset].index[0]
            msg = (
                f"column {column.name!r} mixes instants with and without a UTC offset "
                f"(row {first}: {text[first]!r}); use one form"
            )
            raise ConfigError([Problem(path=f"results.{column.name}", message=msg)])
        values = pd.to_datetime(text, format="ISO8601", utc=True)
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        if timezone is not None:
            values = values.dt.tz_convert(ZoneInfo(timezone))  # the library's tz data
        return values.dt.tz_localize(None)
    return values


def duration_ns(frame: Any, name: str) -> Any:
    """A result table's duration column as int64 nanoseconds (NaT: the most negative).

    The one reader of durations for :func:`compliance`, :func:`~escalate.survival` and the
    plots: a timedelta column of any unit; text, as a CSV of results reads back
    (``"0 days 01:30:00"``, ``"PT1H30M"``); or, when the column is absent, the command
    line's ``<name>_seconds``. A column of plain numbers is refused: their unit is unknown.

    Raises:
        ConfigError: the column holds numbers, or text that is not a duration.
    """
    np, pd = modules()
    seconds = f"{name}_seconds"
    if name not in frame.columns and seconds in frame.columns:
        values = pd.to_numeric(frame[seconds]).to_numpy(dtype="float64")
        ns = np.round(np.where(np.isnan(values), 0, values) * 1e6).astype(np.int64) * 1000
        return np.where(np.isnan(values), NAT, ns)
    column = frame[name]
    if not pd.api.types.is_timedelta64_dtype(column.dtype):
        if pd.api.types.is_numeric_dtype(column.dtype) and column.notna().any():
            raise ConfigError.single(
                f"results.{name}",
                f"the column holds numbers, not durations ({column.dtype}): their unit is unknown",
                f"convert it, e.g. results[{name!r}] = pd.to_timedelta(results[{name!r}], "
                "unit='us') for Spark's Parquet files (microseconds); seconds go in a "
                f"column named {seconds!r}",
            )
        # text, or all missing: each distinct value read once, by pandas ("0 days
        # 01:30:00") or, where pandas cannot (ISO "PT100H", what the command line
        # writes), by escalate's own duration reader
        codes, uniques = pd.factorize(column.astype(object), use_na_sentinel=True)
        read = [_text_duration_ns(value, name) for value in uniques.tolist()]
        return np.asarray([*read, NAT], dtype=np.int64)[codes]
    return column.to_numpy(dtype="m8[ns]").view("i8")


def _text_duration_ns(value: object, name: str) -> int:
    """One duration written as text, in nanoseconds (a ConfigError naming it, if none)."""
    _np, pd = modules()
    try:
        return int(pd.Timedelta(value).value)
    except (ValueError, TypeError):
        parsed = _duration_problem(value) if isinstance(value, str) else None
        if isinstance(parsed, timedelta):
            return td_us(parsed) * 1000
    raise ConfigError.single(
        f"results.{name}",
        f"{excerpt(value)} is not a duration",
        "pass the output of evaluate_frame, or durations as text such as 'PT1H30M'",
    )


def _elapsed_us(np: Any, frame: Any, target: str) -> Any:
    """Elapsed business time per row in microseconds (float, NaN when unknown)."""
    ns = duration_ns(frame, f"{target}_elapsed")
    us = (ns // 1000).astype("float64")  # exact: instants count to the microsecond
    us[ns == NAT] = np.nan
    return us


def _durations(np: Any, pd: Any, us: Any) -> Any:
    """Float microseconds to exact ``timedelta64[ns]`` (no float steps below the us)."""
    values = us.to_numpy(dtype="float64")
    unknown = np.isnan(values)
    ns = np.where(unknown, 0, np.round(values)).astype("int64") * 1000
    out = ns.view("m8[ns]")
    out[unknown] = np.timedelta64("NaT")
    return pd.Series(out, index=us.index)


def _zone(timezone: str | None) -> str | None:
    if timezone is None:
        return None
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ConfigError.single(
            "timezone", f"unknown time zone {timezone!r}", "use an IANA name such as 'UTC'"
        ) from None
    return timezone


def period_alias(freq: object) -> str:
    """``freq`` as a pandas period alias; the month, quarter and year *end* offsets too.

    ``"ME"``, ``"QE-JAN"`` and ``"YE"`` are pandas' offset aliases (what ``resample`` takes
    since pandas 2.2), and so are offset objects (``pd.offsets.MonthEnd()``); as periods
    they are ``"M"``, ``"Q-JAN"`` and ``"Y"``.

    Raises:
        ConfigError: neither a period alias nor one of those.
    """
    _np, pd = modules()
    # an offset object by its alias; anything else as text (freq=3 is refused below)
    text = str(getattr(freq, "freqstr", freq))
    for alias in dict.fromkeys((text, re.sub(r"^([A-Za-z]+)E(?=-|$)", r"\1", text))):
        try:
            pd.Period("2026-01-01", freq=alias)
        except (ValueError, TypeError):
            continue
        return alias
    raise ConfigError.single(
        "freq",
        f"unknown period {excerpt(freq)}",
        "use a pandas period alias: 'D', 'W', 'M', 'Q' or 'Y' (or 'W-MON', 'Q-JAN'...)",
    )


def check_confidence(confidence: object) -> None:
    """Raise a :class:`ConfigError` unless ``0 < confidence < 1`` (a confidence level)."""
    if isinstance(confidence, bool) or not (
        isinstance(confidence, int | float) and 0 < confidence < 1
    ):
        raise ConfigError.single(
            "confidence", f"must be a number between 0 and 1, got {confidence!r}", "e.g. 0.95"
        )


def compliance(
    results: pd.DataFrame,
    *,
    by: Sequence[str] = ("severity",),
    targets: Sequence[str] | None = None,
    confidence: float = 0.95,
    freq: str | None = None,
    time_column: str = "opened",
    timezone: str | None = None,
) -> pd.DataFrame:
    """Summarise :func:`evaluate_frame` results: one row per group and target.

    Args:
        results: The output of :func:`evaluate_frame`; time columns may be datetimes or
            ISO 8601 text, as ``pandas.read_csv`` gives them.
        by: Columns to group on; ``"month"`` (when the table has no such column) is the
            calendar month of ``time_column`` in ``timezone``.
        targets: The targets to report; every target of the results by default.
        confidence: The confidence level of the interval on the share met.
        freq: A pandas period alias (``"W"``, ``"Q"``...; ``"ME"`` reads as ``"M"``)
            adding a ``period`` key from ``time_column``, in ``timezone`` too.
        time_column: The column the ``month`` and ``period`` keys come from.
        timezone: The IANA zone whose months (and periods) count; ``escalate report``
            passes the policy's (:attr:`Policy.timezone`). By default each instant's
            month is the one it is written in: a zone-aware column's own zone, or the
            wall time before the offset of ISO text. Naive times are wall times already.

    Returns:
        Columns: the ``by`` keys (and ``period``), ``target``, ``count``, ``met``,
        ``breached``, ``open``, ``percent_met``, ``ci_low``, ``ci_high``,
        ``median_elapsed``, ``p90_elapsed``. Rows with an ``error`` are left out, and
        so are targets pending at the evaluation (not started, or the incident not opened
        yet): ``count`` is ``met + breached + open``, ``open`` the running and paused ones.
        ``percent_met`` is ``100 * met / (met + breached)``: open incidents are not yet
        decided. The interval is Wilson's score interval on that share, in percent: for
        8 met of 10 decided at 95%, ``z = 1.96``, the centre is
        ``(0.8 + z²/20) / (1 + z²/10) = 0.7168`` and the half-width
        ``z * sqrt(0.8 * 0.2 / 10 + z²/400) / (1 + z²/10) = 0.2266``, so 49.0% to 94.3%;
        0 met gives exactly 0% as the lower bound, all met exactly 100% as the upper.
        The elapsed figures are the business time to stop (respond, resolve...) of the
        incidents whose target stopped, to the microsecond.

    Raises:
        ConfigError: ``results`` is no DataFrame, it lacks a column the summary needs (it
            names them all), ``timezone`` is not a known zone, or ``confidence`` is not
            between 0 and 1.
    """
    np, pd = _modules()
    results = pandas_frame(results, "results")
    check_confidence(confidence)
    zone = _zone(timezone)
    freq = None if freq is None else period_alias(freq)
    z = statistics.NormalDist().inv_cdf(0.5 + confidence / 2)
    keys = checked_columns(by)
    derive_month = "month" in keys and "month" not in results.columns
    needs_time = derive_month or freq is not None
    if targets is None:
        targets = result_targets(results.columns)
        if not targets:
            targets = ["response", "resolution"]  # not a result table: the error says so
    targets = list(dict.fromkeys(targets))  # a target named twice is summarised once
    _check_columns(results, keys, targets, time_column if needs_time else None)
    frame = results
    if "error" in frame.columns:
        frame = frame[frame["error"].isna().to_numpy()]
    derived: dict[str, Any] = {}
    if needs_time:
        times = _wall_times(pd, frame[time_column], zone)
        if derive_month:
            derived["month"] = times.dt.to_period("M")
        if freq is not None:
            derived["period"] = times.dt.to_period(freq)
            keys.append("period")
    parts = []
    for target in targets:
        status = frame[f"{target}_status"]
        # a pending target (not started, or the incident not opened by as_of) is not yet
        # an incident of this target: neither decided nor open, as survival() has it
        applies = (status.notna() & (status != "pending")).to_numpy(dtype=bool)
        elapsed = _elapsed_us(np, frame, target)
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
        # quantiles interpolate between microsecond counts: round back to the microsecond
        summary["median_elapsed"] = _durations(np, pd, summary["median"])
        summary["p90_elapsed"] = _durations(np, pd, summary["p90"])
        parts.append(summary)
    columns = [*keys, "target", *FIGURES]
    if not parts:
        empty: _DataFrame = pd.DataFrame(columns=columns)
        return empty
    out = pd.concat(parts, ignore_index=True)[columns]
    typed: _DataFrame = out.astype(
        {"count": "int64", "met": "int64", "breached": "int64", "open": "int64"}
    )
    return typed
