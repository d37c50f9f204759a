"""Tables under policy versions: each version's incidents through the unchanged engine.

:func:`escalate.evaluate_frame` hands a :class:`~escalate.PolicyVersions` here. The rows
are grouped by the version that judges them, each group is evaluated by the table path
with its version's policy, and the results are put back in the input's order with a
``policy_version`` column; no SLA rule is repeated here.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

from escalate._checks import read_instant
from escalate._columns import NAT, modules, pandas_frame
from escalate._errors import EscalateError, EscalateWarning, warn
from escalate._history import EventLog

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime

    import pandas as pd
    from pandas import DataFrame as _DataFrame

    from escalate._versions import PolicyVersions

__all__ = ["evaluate_frame_versions"]


def _pick(np: Any, versions: PolicyVersions, opened_us: Any, now: int, nat: int) -> Any:
    """Each incident's version index; a missing opening is judged as of ``now``."""
    at = np.full(opened_us.shape, now, dtype=np.int64)
    if versions.rule == "opened":
        at = np.where(opened_us == nat, now, np.minimum(opened_us, now))
    return np.searchsorted(np.asarray(versions._starts, dtype=np.int64), at, side="right")


def _table_openings(
    np: Any, incidents: Any, columns: Any, timezone: str | None, versions: PolicyVersions
) -> Any:
    """Each row's opening in microseconds (``NAT`` when missing or unreadable), or ``None``."""
    from escalate._lower_wide import _column_instants  # noqa: PLC0415 - it imports _frame

    name = dict(columns or {}).get("opened", "opened")
    if name is None or name not in incidents.columns:
        return None  # evaluate_frame says what is missing
    try:
        ns = _column_instants(incidents[name], name, timezone, versions.latest.policy)[0]
    except EscalateError:
        return None  # evaluate_frame raises it
    return np.where(ns == NAT, NAT, ns // 1000)


def _log_versions(log: EventLog, versions: PolicyVersions, now: int) -> tuple[Any, Any, Any, int]:
    """Which version judges each incident of ``log``: ``(which, opened, codes, host)``.

    ``which`` and ``opened`` (µs, ``NAT`` where none) per incident, the incidents the
    reader lost last; ``codes``: per frame row, its incident; ``host``: the version that
    takes the lost incidents (they have an error and no figures): the one in force at
    ``now``, or the latest one that has incidents.
    """
    np, pd = modules()
    codes = pd.factorize(log.frame["id"])[0]
    first = log.frame["at"].groupby(codes, sort=True).first()
    opened = first.to_numpy("M8[ns]").view("i8") // 1000
    which = _pick(np, versions, opened, now, NAT)
    host = versions._index(now)
    if len(which) and host not in which:
        host = int(which.max())
    which = np.concatenate([which, np.full(len(log.lost), host, dtype=which.dtype)])
    opened = np.concatenate([opened, np.full(len(log.lost), NAT)])  # no opening
    return which, opened, codes, host


def _log_part(log: EventLog, rows: Any, *, lost: bool) -> EventLog:
    """The whole incidents of ``log`` at frame ``rows`` (a mask), in the log's order."""
    return EventLog(
        frame=log.frame[rows],
        issues=log.issues,
        attributes=log.attributes,
        lost=log.lost if lost else (),
    )


def ledger_versions(
    log: EventLog,
    versions: PolicyVersions,
    *,
    as_of: datetime | str,
    target: str,
    by: list[str],
    size: int,
) -> pd.DataFrame:
    """:func:`escalate.ledger` under versions: each version's incidents, then reassembled.

    Each incident's rows come from the version that judges it, as in
    :func:`evaluate_frame_versions`, with a ``policy_version`` column; an incident whose
    version has no such target has no rows (as one whose target does not apply).
    """
    from escalate._ledger import _target, split_time, warn_left_out  # noqa: PLC0415

    np, pd = modules()
    policies = [v.policy for v in versions.versions]
    tp = _target(policies, target)  # one of them has it
    has = [any(t.name == target for t in policy.targets) for policy in policies]
    when, now = read_instant(as_of, "as_of", policy=versions)
    which, _opened, codes, host = _log_versions(log, versions, now)
    groups = np.unique(which).tolist()
    names = [v.name for v in versions.versions]
    parts, runs = [], []
    for g in groups:
        if not has[g]:
            continue  # its incidents have no rows, as where a target does not apply
        part = log if len(groups) == 1 else _log_part(log, which[codes] == g, lost=g == host)
        found, run = split_time(part, policies[g], when, _target([policies[g]], target), by, size)
        found["policy_version"] = pd.Categorical.from_codes(
            np.full(len(found), g, dtype=np.int16), names
        )
        parts.append(found)
        runs.append(run)
    warn_left_out(runs)
    if not parts:  # no incident, or none judged by a version that has the target
        none = _log_part(log, np.zeros(len(log.frame), dtype=bool), lost=False)
        found, _run = split_time(none, policies[has.index(True)], when, tp, by, size)
        found["policy_version"] = pd.Categorical.from_codes([], names)
        return found
    if len(parts) == 1:
        return parts[0]
    # each version has its own statuses: the categories of a column are their union
    for column in parts[0].columns:
        if isinstance(parts[0][column].dtype, pd.CategoricalDtype):
            union = pd.api.types.union_categoricals([p[column] for p in parts]).categories
            for p in parts:
                p[column] = p[column].cat.set_categories(union)
    combined = pd.concat(parts, ignore_index=True)
    # the rows of each incident together, incidents in the log's order
    position = pd.Index(pd.unique(log.frame["id"])).get_indexer(combined["id"])
    out: _DataFrame = combined.iloc[np.argsort(position, kind="stable")].reset_index(drop=True)
    return out


def evaluate_frame_versions(
    incidents: pd.DataFrame | EventLog,
    versions: PolicyVersions,
    *,
    as_of: datetime | str,
    columns: Mapping[str, str | None] | None,
    pauses: pd.DataFrame | None,
    timezone: str | None,
    categorical: bool,
    block_size: int,
) -> pd.DataFrame:
    """:func:`escalate.evaluate_frame` under versions: each version's rows, then reassembled."""
    from escalate._frame import evaluate_frame  # noqa: PLC0415
    from escalate._lower import BadRowsWarning  # noqa: PLC0415

    np, pd = modules()
    when, now = read_instant(as_of, "as_of", policy=versions)
    is_log = isinstance(incidents, EventLog)
    if isinstance(incidents, EventLog):
        which, opened, codes, host = _log_versions(incidents, versions, now)
    else:
        incidents = pandas_frame(incidents, "incidents")
        opened = _table_openings(np, incidents, columns, timezone, versions)
        which = (
            _pick(np, versions, opened, now, NAT)
            if opened is not None
            else np.full(len(incidents), versions._index(now))
        )
    groups = np.unique(which).tolist() or [versions._index(now)]
    parts, positions = [], []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", EscalateWarning)
        for g in groups:
            rows = np.flatnonzero(which == g)
            part: Any = incidents
            if len(groups) == 1:
                pass
            elif isinstance(incidents, EventLog):  # whole incidents, in the log's order
                part = _log_part(incidents, which[codes] == g, lost=g == host)
            else:
                part = incidents.iloc[rows]
            policy = versions.versions[g].policy
            parts.append(
                evaluate_frame(
                    part,
                    policy,
                    as_of=when,
                    columns=columns,
                    pauses=pauses,
                    timezone=timezone,
                    categorical=categorical,
                    block_size=block_size,
                )
            )
            positions.append(rows)
    out = _reassemble(np, pd, parts, np.concatenate(positions), is_log=is_log)
    start = versions._next_start(now)
    if start is not None:  # another version takes over then: a next change, as evaluate()
        opening = opened if opened is not None else np.full(len(out), NAT)
        _bring_forward(np, pd, out, versions._switches(opening, now, start), start)
    names = np.array([v.name for v in versions.versions], dtype=object)
    out["policy_version"] = pd.array(names[which], dtype="category" if categorical else "string")
    _warn_again(caught, out, BadRowsWarning, is_log=is_log)
    result: _DataFrame = out
    return result


def _reassemble(np: Any, pd: Any, parts: list[Any], positions: Any, *, is_log: bool) -> Any:
    """Concatenate the groups' results, missing columns as typed NA, in the input's order."""
    if len(parts) == 1:
        return parts[0]
    order: dict[str, Any] = {}
    for part in parts:
        for name in part.columns:
            order.setdefault(name, part[name].dtype)
    filled = []
    for part in parts:
        part = part.copy()  # noqa: PLW2901 - a copy with the missing columns added
        for name, dtype in order.items():
            if name not in part.columns:
                kind = "boolean" if dtype == np.bool_ else dtype
                part[name] = pd.Series(pd.NA, index=part.index, dtype=kind)
        filled.append(part[list(order)])
    combined = pd.concat(filled)
    for name, dtype in order.items():  # concat makes text of categories that differ
        if isinstance(dtype, pd.CategoricalDtype):
            seen = [c for part in filled for c in _distinct(pd, part[name])]
            combined[name] = pd.Categorical(combined[name], categories=list(dict.fromkeys(seen)))
    combined = combined.iloc[np.argsort(positions, kind="stable")]
    return combined.reset_index(drop=True) if is_log else combined


def _distinct(pd: Any, column: Any) -> list[Any]:
    """A column's categories, or its distinct values (the lost incidents' rows have text)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return list(column.cat.categories)
    return list(pd.unique(column.dropna()))


def _bring_forward(np: Any, pd: Any, out: Any, rows: Any, start: int) -> None:
    """``next_change_at`` no later than ``start`` on ``rows`` (a bool, or a mask)."""
    column = out["next_change_at"]
    mask = (
        np.broadcast_to(np.asarray(rows, dtype=bool), (len(out),)) & out["error"].isna().to_numpy()
    )
    at = pd.Timestamp(start * 1000, tz="UTC")
    later = column.isna().to_numpy() | (column > at).fillna(value=True).to_numpy(dtype=bool)
    out.loc[mask & later, "next_change_at"] = at


def _warn_again(caught: list[Any], out: Any, bad_rows: type[Warning], *, is_log: bool) -> None:
    """The groups' warnings once each; their bad rows counted together in one warning."""
    seen: set[str] = set()
    for w in caught:
        if issubclass(w.category, bad_rows):
            continue
        if str(w.message) not in seen:
            seen.add(str(w.message))
            warn(w.message)
    bad = out["error"].notna().to_numpy()
    if bad.any():
        what = "incidents" if is_log else "incident rows"
        first = out["error"].to_numpy()[bad.argmax()]
        warn(
            f"{int(bad.sum())} of {len(out)} {what} could not be evaluated and have NA "
            f"figures; their 'error' column says why (first: {first})",
            bad_rows,
        )
