"""What-if replay: the same incidents evaluated under two policies, side by side.

Each side is one :func:`escalate.evaluate_frame` call and one :func:`escalate.compliance`
table; this module only lines the two outputs up. The per-incident differences are
vectorised over the two result tables (same rows, same order), and the difference in share
met gets an interval for *paired* proportions, since the same incidents are on both sides:
Newcombe's hybrid score ("square-and-add") interval for paired data, method 10 of
Newcombe (1998), *Improved confidence intervals for the difference between binomial
proportions based on paired data*, Statistics in Medicine 17, 2635-2650.

pandas is imported only when :func:`compare` runs, so ``import escalate`` stays free of it.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import attrs

from escalate._columns import checked_columns
from escalate._compliance import (
    FIGURES,
    _wall_times,
    _wilson,
    _zone,
    check_confidence,
    compliance,
    period_alias,
)
from escalate._errors import ConfigError, Problem, did_you_mean
from escalate._frame import evaluate_frame
from escalate._history import EventLog
from escalate._lower import _modules
from escalate._plan import policy_argument
from escalate._versions import PolicyVersions, policies_of

if TYPE_CHECKING:
    import pandas as pd

    from escalate._policy import Policy

__all__ = ["Comparison", "compare", "compare_results", "paired_difference"]


@attrs.frozen(kw_only=True, eq=False)
class Comparison:
    """The same incidents under two policies: what :func:`compare` returns.

    Attributes:
        changes: One row per incident, in the order of :func:`evaluate_frame`'s output
            (and with its index): the incident's ``id`` (when the results have one) and
            the ``by`` columns of the results; ``tier_before``, ``tier_after`` (the level
            of the tier in force), ``tier_name_before``, ``tier_name_after`` and
            ``tier_changed``; per target ``T`` of either policy ``T_status_before``,
            ``T_status_after``, ``T_status_changed``, ``T_due_at_before``,
            ``T_due_at_after``, ``T_due_moved`` (after minus before, a timedelta; NaT
            unless both deadlines are known), ``T_met_before``, ``T_met_after`` and
            ``T_met_changed``; ``error_before``, ``error_after``; and ``changed``: some
            target's status or the tier in force differs. A missing value on both sides
            is no change; on one side only, it is one.
        compliance: One row per group and target: the ``by`` keys, ``target``, each
            side's :func:`compliance` columns with the suffix ``_before`` or ``_after``,
            then the paired comparison of the incidents decided on both sides (met or
            breached): ``pairs``, ``gained`` (breached before, met after), ``lost`` (met
            before, breached after), ``difference`` (the share met after minus before,
            in percentage points) and its interval ``diff_ci_low``, ``diff_ci_high``.
        summary: One row per target: ``target``, ``status_changed``,
            ``met_to_breached``, ``breached_to_met``, ``due_earlier``, ``due_later`` and
            ``median_due_moved`` (over the incidents whose deadline moved).
        before: The :func:`evaluate_frame` output under the first policy.
        after: The :func:`evaluate_frame` output under the second policy.
        confidence: The confidence level of the intervals.
    """

    changes: pd.DataFrame
    compliance: pd.DataFrame
    summary: pd.DataFrame
    before: pd.DataFrame
    after: pd.DataFrame
    confidence: float


def paired_difference(
    both: int, first_only: int, second_only: int, neither: int, *, confidence: float = 0.95
) -> tuple[float, float, float]:
    """The difference of two paired proportions with Newcombe's hybrid score interval.

    The counts are the four cells of the paired 2x2 table: successes on both occasions,
    on the first only, on the second only, and on neither. The estimate is
    ``(first_only - second_only) / n``, the first share minus the second. The interval
    combines the Wilson score intervals ``(l1, u1)`` and ``(l2, u2)`` of the two shares
    with their correlation ``phi`` (method 10 of Newcombe, 1998)::

        low = d - sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2))
        high = d + sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2 - 2 * phi * (p2 - l2) * (u1 - p1))

    where, with ``A = both * neither - first_only * second_only`` and the product ``P`` of
    the four margins, ``phi`` is ``(A - n/2) / sqrt(P)`` when ``A > n/2``, ``A / sqrt(P)``
    when ``A < 0``, and 0 otherwise or when a margin is empty.

    Args:
        both: Pairs with a success on both occasions.
        first_only: Pairs with a success on the first occasion only.
        second_only: Pairs with a success on the second occasion only.
        neither: Pairs with no success.
        confidence: The confidence level.

    Returns:
        The difference and its interval, as fractions (NaN for no pairs).

    >>> [round(x, 4) for x in paired_difference(59, 6, 16, 80)]  # Cavo et al. (2012)
    [-0.0621, -0.1186, -0.0046]
    """
    check_confidence(confidence)
    counts = (both, first_only, second_only, neither)
    if min(counts) < 0:
        msg = f"paired counts must not be negative, got {counts!r}"
        raise ValueError(msg)
    n = sum(counts)
    if not n:
        return math.nan, math.nan, math.nan
    z = statistics.NormalDist().inv_cdf(0.5 + confidence / 2)
    first, second = both + first_only, both + second_only
    p1, p2 = first / n, second / n
    l1, u1 = (b / 100 for b in _wilson(first, n, z))
    l2, u2 = (b / 100 for b in _wilson(second, n, z))
    a = both * neither - first_only * second_only  # exact: Python integers
    margins = first * (n - first) * second * (n - second)
    if not margins or 0 <= a <= n / 2:
        phi = 0.0
    elif a > n / 2:
        phi = (a - n / 2) / math.sqrt(margins)
    else:
        phi = a / math.sqrt(margins)
    d = p1 - p2
    below = (p1 - l1) ** 2 + (u2 - p2) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2)
    above = (p2 - l2) ** 2 + (u1 - p1) ** 2 - 2 * phi * (p2 - l2) * (u1 - p1)
    low = max(d - math.sqrt(max(below, 0.0)), -1.0)
    high = min(d + math.sqrt(max(above, 0.0)), 1.0)
    return d, low, high


def compare(
    incidents: pd.DataFrame | EventLog,
    before: Policy | PolicyVersions,
    after: Policy | PolicyVersions,
    *,
    as_of: datetime | str,
    by: Sequence[str] = ("severity",),
    targets: Sequence[str] | None = None,
    confidence: float = 0.95,
    freq: str | None = None,
    time_column: str | None = None,
    period_timezone: str | None = None,
    columns: Mapping[str, str | None] | None = None,
    pauses: pd.DataFrame | None = None,
    timezone: str | None = None,
) -> Comparison:
    """Evaluate the same incidents under two policies and say what changes.

    Each side is :func:`evaluate_frame` with the same incidents and options, summarised by
    :func:`compliance`. The shares met are paired (the same incidents on both sides), so
    the difference (after minus before) is taken over the incidents decided on both sides,
    with Newcombe's hybrid score interval for paired proportions (method 10 of Newcombe,
    1998; see :func:`paired_difference`). When every incident decided on one side is
    decided on the other (closed tickets), the difference is exactly
    ``percent_met_after - percent_met_before``.

    Args:
        incidents: What :func:`evaluate_frame` takes: a table of incidents or an
            :class:`EventLog`.
        before: The policy in force (the first side), or its versions (each incident
            judged by the version its rule picks, as :func:`evaluate_frame` does).
        after: The policy to try (the second side), or versions.
        as_of: The instant of evaluation, for both sides.
        by: The columns to group the compliance tables on, as in :func:`compliance`
            (``"month"`` is derived from ``time_column``). The pairs are grouped by the
            ``before`` side's values; group on input columns (``severity``, ``team``,
            ``month``) rather than on ``route`` when the two policies route differently.
        targets: The targets of the compliance tables; those of either policy by default.
        confidence: The confidence level of every interval.
        freq: A pandas period alias adding a ``period`` key, as in :func:`compliance`.
        time_column: The column the ``month`` and ``period`` keys come from: the
            table's opening column by default (``opened``, or its name in ``columns``).
        period_timezone: The zone of months and periods (:func:`compliance`'s
            ``timezone``).
        columns: For a table of incidents, as in :func:`evaluate_frame`.
        pauses: For a table of incidents, as in :func:`evaluate_frame`.
        timezone: The zone of naive datetime columns, as in :func:`evaluate_frame`.

    Returns:
        A :class:`Comparison`: the per-incident ``changes``, the side-by-side
        ``compliance`` table, a per-target ``summary`` and both sides' results.

    Raises:
        ConfigError: a target of neither policy, a ``by`` column the results lack, or a
            confidence outside (0, 1); and whatever :func:`evaluate_frame` raises.
    """
    for side, what in ((before, "before"), (after, "after")):
        if not isinstance(side, PolicyVersions):
            policy_argument(side, what, versions=True)
    check_confidence(confidence)
    _targets(before, after, targets)  # before the long part
    freq = None if freq is None else period_alias(freq)
    options: dict[str, Any] = {"as_of": as_of, "timezone": timezone}
    if not isinstance(incidents, EventLog):
        options.update(columns=columns, pauses=pauses)
    first = evaluate_frame(incidents, before, **options)
    second = evaluate_frame(incidents, after, **options)
    if time_column is None:
        time_column = "opened"
        if not isinstance(incidents, EventLog):
            time_column = dict(columns or {}).get("opened") or "opened"
    return compare_results(
        (first, second),
        (before, after),
        by=by,
        targets=targets,
        confidence=confidence,
        freq=freq,
        time_column=time_column,
        period_timezone=period_timezone,
    )


def compare_results(
    results: tuple[pd.DataFrame, pd.DataFrame],
    policies: tuple[Policy | PolicyVersions, Policy | PolicyVersions],
    *,
    by: Sequence[str] = ("severity",),
    targets: Sequence[str] | None = None,
    confidence: float = 0.95,
    freq: str | None = None,
    time_column: str = "opened",
    period_timezone: str | None = None,
) -> Comparison:
    """:func:`compare` on two :func:`evaluate_frame` outputs of the same incidents.

    The command line evaluates each side itself (in chunks, with a progress bar), then
    calls this; the options are :func:`compare`'s.
    """
    np, pd = _modules()
    check_confidence(confidence)
    freq = None if freq is None else period_alias(freq)
    by = checked_columns(by)
    zone = _zone(period_timezone)
    before, after = policies
    names = _targets(before, after, targets)
    first, second = results
    if len(first) != len(second) or not first.index.equals(second.index):
        raise ConfigError.single(
            "results",
            f"the two result tables have different rows ({len(first)} and {len(second)})",
            "evaluate the same incidents on both sides",
        )
    sides = []
    for side in (first, second):
        own = [t for t in names if f"{t}_status" in side.columns]
        sides.append(
            compliance(
                side,
                by=by,
                targets=own,
                confidence=confidence,
                freq=freq,
                time_column=time_column,
                timezone=zone,
            )
        )
    keys = [*by, *(["period"] if freq is not None else [])]
    groups = _group_keys(pd, first, by, freq=freq, time_column=time_column, zone=zone)
    pairs = _pairs(np, pd, (first, second), names, keys=keys, groups=groups)
    table = _side_by_side(sides, pairs, keys=keys, targets=names, confidence=confidence)
    changes = _changes(np, pd, (first, second), by=by, targets=target_names(before, after))
    return Comparison(
        changes=changes,
        compliance=table,
        summary=_summary(pd, changes, names),
        before=first,
        after=second,
        confidence=confidence,
    )


def target_names(before: Policy | PolicyVersions, after: Policy | PolicyVersions) -> list[str]:
    """The targets of either side (of any of its versions), in order of first mention."""
    policies = (*policies_of(before), *policies_of(after))
    return list(dict.fromkeys(t.name for policy in policies for t in policy.targets))


def _targets(
    before: Policy | PolicyVersions, after: Policy | PolicyVersions, wanted: Sequence[str] | None
) -> list[str]:
    known = target_names(before, after)
    if wanted is None:
        return known
    problems = [
        Problem(
            path=f"targets[{i}]",
            message=f"{name!r} is a target of neither policy",
            hint=did_you_mean(name, known) or "their targets are " + ", ".join(map(repr, known)),
        )
        for i, name in enumerate(wanted)
        if name not in known
    ]
    if problems:
        raise ConfigError(problems)
    return list(dict.fromkeys(wanted))


def _group_keys(
    pd: Any,
    results: Any,
    by: Sequence[str],
    *,
    freq: str | None,
    time_column: str,
    zone: str | None,
) -> dict[str, Any]:
    """The group keys of each row, derived as :func:`compliance` derives them."""
    out: dict[str, Any] = {}
    derive_month = "month" in by and "month" not in results.columns
    if derive_month or freq is not None:
        times = _wall_times(pd, results[time_column], zone)
        if derive_month:
            out["month"] = times.dt.to_period("M")
        if freq is not None:
            out["period"] = times.dt.to_period(freq)
    for key in by:
        if key not in out:
            out[key] = results[key]
    return out


def _decided(column: Any) -> tuple[Any, Any]:
    """Whether each row's target is met, and whether it is breached (NA: neither)."""
    met = (column == "met").fillna(value=False).to_numpy(dtype=bool)
    breached = (column == "breached").fillna(value=False).to_numpy(dtype=bool)
    return met, breached


def _pairs(
    np: Any,
    pd: Any,
    sides: tuple[Any, Any],
    targets: Sequence[str],
    *,
    keys: Sequence[str],
    groups: Mapping[str, Any],
) -> Any:
    """The paired 2x2 counts per group and target, over incidents decided on both sides."""
    first, second = sides
    parts = []
    for target in targets:
        column = f"{target}_status"
        if column not in first.columns or column not in second.columns:
            continue
        met_b, breached_b = _decided(first[column])
        met_a, breached_a = _decided(second[column])
        both = (met_b | breached_b) & (met_a | breached_a)
        table = pd.DataFrame(
            {
                **{k: groups[k] for k in keys},
                "met_both": met_b & met_a,
                "gained": breached_b & met_a,
                "lost": met_b & breached_a,
                "breached_both": breached_b & breached_a,
            },
            index=first.index,
        )[both]
        group_keys: Any = list(keys) or np.zeros(len(table), dtype=np.int8)
        counts = table.groupby(group_keys, dropna=False, observed=True, sort=True).sum()
        counts = counts.reset_index(drop=not keys)
        counts.insert(len(keys), "target", target)
        parts.append(counts)
    columns = [*keys, "target", "met_both", "gained", "lost", "breached_both"]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)


def _merge(left: Any, right: Any, *, on: list[str], how: str) -> Any:
    """``left.merge(right)``; an empty side is not merged (pandas fails on empty Arrow keys)."""
    if len(left) and len(right):
        return left.merge(right, on=on, how=how, sort=False)
    columns = [*left.columns, *(c for c in right.columns if c not in left.columns)]
    base = left if len(left) or how == "left" else right
    return base.reindex(columns=columns)


def _side_by_side(
    sides: Sequence[Any],
    pairs: Any,
    *,
    keys: Sequence[str],
    targets: Sequence[str],
    confidence: float,
) -> Any:
    on = [*keys, "target"]
    left, right = (
        side[[*on, *FIGURES]].rename(columns={c: f"{c}_{suffix}" for c in FIGURES})
        for side, suffix in zip(sides, ("before", "after"), strict=True)
    )
    table = _merge(left, right, on=on, how="outer")
    table = _merge(table, pairs, on=on, how="left")
    for name in ("met_both", "gained", "lost", "breached_both"):
        table[name] = table[name].fillna(0).astype("int64")
    figures = [
        paired_difference(b, g, lost, n, confidence=confidence)
        for b, g, lost, n in zip(
            table["met_both"].tolist(),
            table["gained"].tolist(),
            table["lost"].tolist(),
            table["breached_both"].tolist(),
            strict=True,
        )
    ]
    table["pairs"] = table["met_both"] + table["gained"] + table["lost"] + table["breached_both"]
    table["difference"] = [100 * f[0] for f in figures]
    table["diff_ci_low"] = [100 * f[1] for f in figures]
    table["diff_ci_high"] = [100 * f[2] for f in figures]
    for side in ("before", "after"):
        for name in ("count", "met", "breached", "open"):
            table[f"{name}_{side}"] = table[f"{name}_{side}"].astype("Int64")
    order = {t: i for i, t in enumerate(targets)}
    table = table.sort_values(
        "target", key=lambda c: c.map(order), kind="stable", ignore_index=True
    )
    sided = [f"{c}_{s}" for s in ("before", "after") for c in FIGURES]
    paired = ["pairs", "gained", "lost", "difference", "diff_ci_low", "diff_ci_high"]
    return table[[*on, *sided, *paired]]


def _differs(np: Any, x: Any, y: Any) -> Any:
    """Whether two aligned columns differ; NA on both sides is no difference."""
    x_na, y_na = x.isna().to_numpy(), y.isna().to_numpy()
    ne = x.array != y.array  # NA (or an object array holding NA) where either side is NA
    if isinstance(ne, np.ndarray):
        filled = ne.copy()
        filled[x_na | y_na] = True
        raw = filled.astype(bool)
    else:
        raw = ne.to_numpy(dtype=bool, na_value=True)
    return raw & ~(x_na & y_na)


def _column(pd: Any, results: Any, name: str, dtype: str) -> Any:
    """A column of the results, or all NA of its type when that policy has no such target."""
    if name in results.columns:
        return results[name]
    missing = pd.NaT if dtype.startswith("datetime") else pd.NA
    return pd.Series(missing, index=results.index, dtype=dtype)


def _changes(
    np: Any, pd: Any, sides: tuple[Any, Any], *, by: Sequence[str], targets: Sequence[str]
) -> Any:
    """The per-incident differences, column against column (both sides have the same rows)."""
    first, second = sides
    out: dict[str, Any] = {}
    for key in ("id", *by):
        if key in first.columns and key not in out:
            out[key] = first[key]

    def side_by_side(suffix: str, dtype: str, label: str) -> Any:
        b = _column(pd, first, suffix, dtype)
        a = _column(pd, second, suffix, dtype)
        out[f"{label}_before"], out[f"{label}_after"] = b, a
        return b, a

    changed = np.zeros(len(first), dtype=bool)
    for column, label in (("tier_level", "tier"), ("tier_name", "tier_name")):
        changed |= _differs(np, *side_by_side(column, "string", label))
    out["tier_changed"] = changed
    for name in targets:
        status = _differs(np, *side_by_side(f"{name}_status", "string", f"{name}_status"))
        out[f"{name}_status_changed"] = status
        changed = changed | status
        due_b, due_a = side_by_side(f"{name}_due_at", "datetime64[ns, UTC]", f"{name}_due_at")
        out[f"{name}_due_moved"] = due_a.array - due_b.array
        met = side_by_side(f"{name}_met", "boolean", f"{name}_met")
        out[f"{name}_met_changed"] = _differs(np, *met)
    side_by_side("error", "string", "error")
    out["changed"] = changed
    return pd.DataFrame(
        {k: getattr(v, "array", v) for k, v in out.items()}, index=first.index.copy()
    )


def _summary(pd: Any, changes: Any, targets: Sequence[str]) -> Any:
    rows = []
    for name in targets:
        before = changes[f"{name}_status_before"]
        after = changes[f"{name}_status_after"]
        known = changes[f"{name}_due_moved"].dropna()
        moved = known[known != pd.Timedelta(0)]
        rows.append(
            {
                "target": name,
                "status_changed": int(changes[f"{name}_status_changed"].sum()),
                "met_to_breached": int(((before == "met") & (after == "breached")).sum()),
                "breached_to_met": int(((before == "breached") & (after == "met")).sum()),
                "due_earlier": int((known < pd.Timedelta(0)).sum()),
                "due_later": int((known > pd.Timedelta(0)).sum()),
                "median_due_moved": moved.median() if len(moved) else pd.NaT,
            }
        )
    return pd.DataFrame(rows, columns=[
        "target", "status_changed", "met_to_breached", "breached_to_met",
        "due_earlier", "due_later", "median_due_moved",
    ])  # fmt: skip
