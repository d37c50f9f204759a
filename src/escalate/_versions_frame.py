"""Tables under policy versions: each version's incidents through the unchanged engine.

:func:`escalate.evaluate_frame` hands a :class:`~escalate.PolicyVersions` here. The rows
are grouped by the version that judges them, each group is evaluated by the table path
with its version's policy, and the results are put back in the input's order with a
``policy_version`` column; no SLA rule is repeated here.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

from escalate._calendar import _instant
from escalate._columns import NAT, modules, pandas_frame
from escalate._errors import EscalateError, EscalateWarning, NaiveDatetimeError, warn
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


def evaluate_frame_versions(
    incidents: pd.DataFrame | EventLog,
    versions: PolicyVersions,
    *,
    as_of: datetime | str,
    columns: Mapping[str, str | None] | None,
    pauses: pd.DataFrame | None,
    timezone: str | None,
) -> pd.DataFrame:
    """:func:`escalate.evaluate_frame` under versions: each version's rows, then reassembled."""
    from escalate._evaluate import _as_of  # noqa: PLC0415 - _evaluate imports _versions
    from escalate._frame import evaluate_frame  # noqa: PLC0415
    from escalate._lower import BadRowsWarning  # noqa: PLC0415

    np, pd = modules()
    when = _as_of(as_of)
    try:
        now = _instant(when, "as_of")
    except NaiveDatetimeError:
        raise NaiveDatetimeError("as_of", when, zone=versions.timezone) from None
    is_log = isinstance(incidents, EventLog)
    if isinstance(incidents, EventLog):
        codes = pd.factorize(incidents.frame["id"])[0]
        first = incidents.frame["at"].groupby(codes, sort=True).first()
        opened = first.to_numpy("M8[ns]").view("i8") // 1000
        which = _pick(np, versions, opened, now, NAT)
        # incidents the reader lost (rows after the others) go with the version at as_of,
        # or the latest version that has incidents: they have an error and no figures
        host = versions._index(now)
        if len(which) and host not in which:
            host = int(which.max())
        which = np.concatenate([which, np.full(len(incidents.lost), host, dtype=which.dtype)])
        opened = np.concatenate([opened, np.full(len(incidents.lost), NAT)])  # no opening
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
                part = EventLog(
                    frame=incidents.frame[which[codes] == g],
                    issues=incidents.issues,
                    attributes=incidents.attributes,
                    lost=incidents.lost if g == host else (),
                )
            else:
                part = incidents.iloc[rows]
            policy = versions.versions[g].policy
            parts.append(
                evaluate_frame(
                    part, policy, as_of=when, columns=columns, pauses=pauses, timezone=timezone
                )
            )
            positions.append(rows)
    out = _reassemble(np, pd, parts, np.concatenate(positions), is_log=is_log)
    start = versions._next_start(now)
    if start is not None:  # another version takes over then: a next change, as evaluate()
        opening = opened if opened is not None else np.full(len(out), NAT)
        _bring_forward(np, pd, out, versions._switches(opening, now, start), start)
    names = np.array([v.name for v in versions.versions], dtype=object)
    out["policy_version"] = pd.array(names[which], dtype="string")
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
    combined = combined.iloc[np.argsort(positions, kind="stable")]
    return combined.reset_index(drop=True) if is_log else combined


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
