"""Incident tables: :func:`evaluate_frame` over wide incident rows or long event logs.

Both inputs are lowered to the same long arrays of events (:class:`escalate._table.Events`)
and evaluated by one vectorised engine (:mod:`escalate._table`), which reads the same
compiled policy as :func:`escalate.evaluate`. The few incidents it does not take (a pause
table it cannot lay out, an incident not yet opened) go through :func:`escalate.evaluate`
itself; both give identical results (a tested property).

The modules: :mod:`escalate._lower` (what both inputs share), :mod:`escalate._lower_wide`
(one row per incident), :mod:`escalate._lower_log` (event logs) and
:mod:`escalate._frame_out` (the output columns).

pandas is imported only when these functions run, so ``import escalate`` stays free of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from escalate._checks import read_instant, zone_problem
from escalate._columns import pandas_frame
from escalate._errors import ConfigError, EscalateError
from escalate._evaluate import evaluate
from escalate._frame_out import _Collect, _output, output_columns
from escalate._history import EventLog
from escalate._lower import (
    _SCALAR,
    BLOCK_SIZE,
    BadRowsWarning,
    MissingColumnsWarning,
    _check_block_size,
    _in_business_days,
    _modules,
    _select,
)
from escalate._lower_log import LogRun, _add_lost, _attributes_at, _log, _openings
from escalate._lower_wide import _wide
from escalate._plan import compiled
from escalate._table import run
from escalate._versions import PolicyVersions
from escalate._versions_frame import evaluate_frame_versions

if TYPE_CHECKING:
    import pandas as pd
    from pandas import DataFrame as _DataFrame

    from escalate._policy import Policy

__all__ = [
    "BadRowsWarning",
    "LogRun",
    "MissingColumnsWarning",
    "evaluate_frame",
    "output_columns",
]


def evaluate_frame(
    incidents: pd.DataFrame | EventLog,
    policy: Policy | PolicyVersions,
    *,
    as_of: datetime | str,
    columns: Mapping[str, str | None] | None = None,
    pauses: pd.DataFrame | None = None,
    timezone: str | None = None,
    categorical: bool = False,
    block_size: int = BLOCK_SIZE,
) -> pd.DataFrame:
    """Evaluate every incident of a table as of an instant: one result row per incident.

    Args:
        incidents: Either one row per incident (``opened``, ``responded``, ``resolved``,
            ``severity``, ``plan``, custom event columns such as ``workaround_applied``,
            and the attribute columns the policy's routes use; a polars DataFrame is
            converted), or an :class:`~escalate.EventLog` of histories (status and field
            changes, reopens, severity changes...).
        policy: The support agreement, or its versions: each incident is judged by the
            version its rule picks, and a ``policy_version`` column names it.
        as_of: The instant of evaluation (timezone-aware, or ISO 8601 with an offset);
            events after it are ignored.
        columns: For a table of incidents: our column name to the table's, e.g.
            ``{"opened": "created_at"}``; ``None`` as the table's name says the table has
            no such events (so no :class:`MissingColumnsWarning`).
        pauses: For a table of incidents: pause spans, columns ``id`` (the incident's
            id), ``start`` and ``end`` (``NaT``: still paused).
        timezone: The zone of naive datetime columns; required when there are any.
        categorical: Return the text columns (``severity``, ``plan``, ``route``, the
            tier names, ``error`` and each ``T_status``) as pandas ``category`` columns
            instead of ``string``: the same values, built faster, smaller in memory and
            quicker to send between processes (Dask, Spark).
        block_size: At most how many incidents go through the engine at a time (a block
            of an event log also holds at most 131,072 events). The answer does not
            depend on it; the engine's working memory is proportional to it, so the cost
            per incident stays flat on large tables. The default (32,768) keeps that
            memory within what glibc's allocator reuses without faulting it in again.

    Returns:
        For a table of incidents, its rows in its order and index, with its columns; for
        an event log, one row per incident in the log's order (then one per incident in
        ``lost``, with an ``error``) with its ``id``, ``opened`` (in the zone of the
        policy's escalation clock, so that months are the desk's months) and the log's
        attributes (``assignment_group``...) as in force at ``as_of``, so that results
        can be grouped by them. Then
        ``severity`` (in force at ``as_of``), ``plan``, ``route``, ``tier_level``,
        ``tier_name``, ``tier_at``, ``next_tier_level``, ``next_tier_name``,
        ``next_tier_at``, ``next_change_at``, ``error``; per target ``T``: ``T_status``,
        ``T_goal``, ``T_elapsed``, ``T_remaining``, ``T_due_at``, ``T_warning_at``,
        ``T_breached_at``, ``T_stopped_at``, ``T_met``, ``T_at_risk``; and per tier level
        ``L`` of the policy, ``tier_L_at``: when it fired (instants in UTC).

    Raises:
        NaiveDatetimeError: a naive datetime column (or ``as_of``) without ``timezone=``.
        ConfigError: a required column is missing, ``columns`` names an unknown role, or
            ``block_size`` is not a positive whole number.

    A row that cannot be evaluated (no opening, an unknown severity or status, a
    response before the opening...) gets a message in ``error`` and NA figures, and one
    :class:`BadRowsWarning` counts such rows; the rest of the table is evaluated.
    """
    if isinstance(policy, PolicyVersions):
        _check_block_size(block_size)
        return evaluate_frame_versions(
            incidents, policy, as_of=as_of, columns=columns, pauses=pauses, timezone=timezone,
            categorical=categorical, block_size=block_size,
        )  # fmt: skip
    np, pd = _modules()
    as_of, now_us = read_instant(as_of, "as_of", policy=policy)
    plan = compiled(policy)
    if timezone is not None and (problem := zone_problem(timezone, "timezone")) is not None:
        raise ConfigError([problem])
    _check_block_size(block_size)
    if isinstance(incidents, EventLog):
        low = _log(policy, incidents, plan, source=False)
        opened = _openings(incidents, plan, low.first)  # type: ignore[attr-defined]
        base = pd.DataFrame(
            {
                "id": low.ids,  # type: ignore[attr-defined]
                "opened": opened,
                **_attributes_at(incidents, now_us),
            }
        )
        if incidents.lost:
            base = _add_lost(np, pd, low, base, incidents.lost)
    else:
        incidents = pandas_frame(incidents, "incidents")
        low = _wide(
            policy,
            incidents,
            columns=columns,
            pauses=pauses,
            timezone=timezone,
        )
        base = incidents
    n = low.n
    res = _Collect(np, plan, n, now_us)
    if isinstance(incidents, EventLog) and low.events is not None:
        # goals in business days depend on each incident's start: through evaluate()
        ev = low.events
        days = np.zeros(low.n, dtype=bool)
        days[ev.inc[_in_business_days(policy, ev.severity, ev.severities, low.plan)]] = True
        del ev
        for k in np.flatnonzero(days & low.ok()).tolist():
            low.scalar.append((k, incidents.timeline(low.ids[k])))  # type: ignore[attr-defined]
            low.set_error(k, _SCALAR)
    for events, rows in low.blocks(block_size):
        ok_inc = low.error_code[rows] < 0
        sub, kept = _select(events, ok_inc, now_us)
        res.take(run(plan, sub, now_us), rows[kept], sub)
        # incidents not open yet at as_of: everything pending, as evaluate() says
        unopened = ok_inc.copy()
        unopened[kept] = False
        res.take_unopened(events, np.flatnonzero(unopened), rows)
    low.events = low.wide = None  # the engine is done with them: memory for the output
    for row, timeline in low.scalar:
        if low.error(row) == _SCALAR:
            low.set_error(row, None)
        try:
            res.take_scalar(row, evaluate(policy, timeline, as_of=as_of))
        except EscalateError as exc:
            low.set_error(row, str(exc))
    result: _DataFrame = _output(
        np,
        pd,
        policy,
        plan,
        base,
        low,
        res,
        is_log=isinstance(incidents, EventLog),
        categorical=categorical,
    )
    return result
