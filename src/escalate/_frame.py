"""Incident tables: vectorised evaluation (:func:`evaluate_frame`) and :func:`compliance`.

The common row (one incident with its opening, first response and resolution, no pauses)
is evaluated for the whole table at once with the calendar's vectorised ``add_many``,
``between_many`` and ``next_open_many``: numpy per (severity, plan) group and route, never
a Python loop per row. A row with pauses, or a custom target whose events need the full
timeline rules, goes through :func:`escalate.evaluate` with a timeline built from the row;
both paths give identical results (a tested property).

pandas is imported only when these functions run, so ``import escalate`` stays free of it.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final
from zoneinfo import ZoneInfo

from escalate._calendar import _instant
from escalate._errors import (
    ConfigError,
    EscalateError,
    EscalateWarning,
    InvalidInstantError,
    MissingExtraError,
    NaiveDatetimeError,
    Problem,
    did_you_mean,
)
from escalate._evaluate import evaluate
from escalate._index import MAX_YEAR, MIN_YEAR, td_us, to_datetime
from escalate._policy import AfterElapsed, AtOpen, AtPercent, OnBreach, Policy, Tier
from escalate._results import TargetStatus
from escalate._timeline import Timeline

if TYPE_CHECKING:
    import pandas as pd
    from pandas import DataFrame as _DataFrame

    from escalate._calendar import Calendar

__all__ = ["BadRowsWarning", "evaluate_frame"]

_NAT: Final = -(2**63)  # numpy's NaT as int64
_STATUSES: Final = tuple(s.value for s in TargetStatus)
_PENDING, _RUNNING, _PAUSED, _MET, _BREACHED = range(5)
_CODE: Final = {s: i for i, s in enumerate(TargetStatus)}
_BASE_COLUMNS: Final = ("id", "opened", "responded", "resolved", "severity", "plan")
# events at the same instant are ordered like this when a row becomes a timeline
_RANK: Final = {"opened": 0, "paused": 1, "resumed": 1, "responded": 2, "resolved": 3}


class BadRowsWarning(EscalateWarning):
    """Some rows of an incident table could not be evaluated; their ``error`` column says why."""


def _modules() -> tuple[Any, Any]:
    try:
        import numpy as np  # noqa: PLC0415
        import pandas as pd  # noqa: PLC0415
    except ImportError as exc:  # pragma: no cover - pandas is installed in the test environment
        raise MissingExtraError("incident tables", "pandas", exc.name or "pandas") from None
    return np, pd


def _to_pandas(frame: Any) -> Any:
    """Convert a polars DataFrame at the edge; pass pandas through."""
    if type(frame).__module__.partition(".")[0] == "polars":
        return frame.to_pandas()
    return frame


# -- columns of instants --------------------------------------------------------------


def _localize(pd: Any, np: Any, values: Any, timezone: str) -> Any:
    """Localise naive wall times as the scalar path does (zoneinfo fold=0)."""
    series = pd.Series(values)
    aware = series.dt.tz_localize(timezone, ambiguous="NaT", nonexistent="NaT")
    # ambiguous and non-existent wall times are rare: settle them one by one with fold=0
    odd = np.flatnonzero(aware.isna().to_numpy() & series.notna().to_numpy())
    ns = aware.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy("M8[ns]").view("i8").copy()
    zone = ZoneInfo(timezone)
    for i in odd:
        wall = series.iloc[i].to_pydatetime().replace(tzinfo=zone)
        ns[i] = _instant(wall, "instant") * 1000
    return ns


def _instants(pd: Any, np: Any, column: Any, name: str, timezone: str | None) -> tuple[Any, Any]:
    """Return (int64 ns floored to the microsecond, NaT as ``_NAT``; beyond-horizon mask)."""
    values = column
    if values.dtype == object or isinstance(values.dtype, pd.StringDtype):
        try:
            values = pd.to_datetime(values, format="ISO8601")
        except (ValueError, TypeError):
            values = pd.to_datetime(values, format="ISO8601", utc=True)
    elif values.dtype.kind in "fiu" and values.isna().all():
        values = pd.Series(np.full(len(values), np.datetime64("NaT", "ns")), index=values.index)
    dtype = values.dtype
    if isinstance(dtype, pd.DatetimeTZDtype):
        raw = values.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy()
    elif dtype.kind == "M":
        raw = values.to_numpy()
        if timezone is None and not np.isnat(raw).all():
            fix = (
                f"pass timezone='America/Bogota' (the zone the times were written in) to "
                f"evaluate_frame, or localise the column first: "
                f"df[{name!r}] = df[{name!r}].dt.tz_localize('America/Bogota')"
            )
            raise NaiveDatetimeError(f"column {name!r}", str(dtype), fix=fix)
    else:
        msg = (
            f"column {name!r} must hold datetimes (tz-aware, or naive with timezone=...), "
            f"got {dtype}; convert it with pandas.to_datetime"
        )
        raise InvalidInstantError(msg)
    nat = np.isnat(raw)
    beyond = ~nat & (
        (raw < np.datetime64(f"{MIN_YEAR}-01-02")) | (raw >= np.datetime64(f"{MAX_YEAR}-12-31"))
    )
    raw = np.where(beyond, np.datetime64("NaT"), raw)
    if timezone is not None and dtype.kind == "M" and not isinstance(dtype, pd.DatetimeTZDtype):
        ns = _localize(pd, np, raw, timezone)
    else:
        ns = raw.astype("M8[ns]").view("i8").copy()
    valid = ns != _NAT
    ns[valid] -= ns[valid] % 1000  # microseconds, like the scalar evaluator
    return ns, beyond


# -- vectorised calendar steps on int64 nanoseconds -------------------------------------


def _between(cal: Calendar, a: Any, b: Any) -> Any:
    return cal.between_many(a.view("M8[ns]"), b.view("M8[ns]")).view("i8")


def _add(np: Any, cal: Calendar, a: Any, us: int) -> Any:
    return cal.add_many(a.view("M8[ns]"), np.timedelta64(us * 1000, "ns")).view("i8")


def _add_each(cal: Calendar, a: Any, d: Any) -> Any:
    return cal.add_many(a.view("M8[ns]"), d.view("m8[ns]")).view("i8")


def _next_open(cal: Calendar, a: Any) -> Any:
    return cal.next_open_many(a.view("M8[ns]")).view("i8")


# -- the table's layout -----------------------------------------------------------------


class _Layout:
    """Which caller column holds each of our names, and the event columns the policy uses."""

    def __init__(self, policy: Policy, incidents: Any, columns: Mapping[str, str] | None) -> None:
        self.route_keys = sorted({key for r in policy.routes for key in r.when})
        self.events = sorted(
            {"opened", "responded", "resolved"}
            | {e for t in policy.targets for e in (t.start, t.stop)}
        )
        known = {*_BASE_COLUMNS, *self.route_keys, *self.events}
        given = dict(columns or {})
        problems = [
            Problem(
                path=f"columns.{key}",
                message=f"unknown column role {key!r}",
                hint=did_you_mean(key, known) or "known roles: " + ", ".join(sorted(known)),
            )
            for key in given
            if key not in known
        ]
        self.names = {key: given.get(key, key) for key in sorted(known)}
        present = set(incidents.columns)
        problems.extend(
            Problem(
                path=f"columns.{key}",
                message=f"the incident table has no column {self.names[key]!r}",
                hint=f"map it with columns={{{key!r}: 'your column'}}; the table has "
                + ", ".join(map(repr, sorted(map(str, present)))),
            )
            for key in ("opened", "severity")
            if self.names[key] not in present
        )
        if problems:
            raise ConfigError(problems)
        self.present = present

    def column(self, key: str) -> str | None:
        name = self.names[key]
        return name if name in self.present else None


# -- evaluate_frame -----------------------------------------------------------------------


class _Results:
    """Per-target output arrays, filled by the vectorised and the scalar paths."""

    def __init__(self, np: Any, n: int) -> None:
        self.status = np.full(n, -1, dtype=np.int8)
        self.goal = np.full(n, _NAT, dtype=np.int64)
        self.elapsed = np.full(n, _NAT, dtype=np.int64)
        self.due = np.full(n, _NAT, dtype=np.int64)
        self.stopped = np.full(n, _NAT, dtype=np.int64)


def evaluate_frame(
    incidents: pd.DataFrame,
    policy: Policy,
    *,
    as_of: datetime,
    columns: Mapping[str, str] | None = None,
    pauses: pd.DataFrame | None = None,
    timezone: str | None = None,
) -> pd.DataFrame:
    """Evaluate every incident of a table (one row per incident) as of an instant.

    Args:
        incidents: One row per incident: ``opened``, ``responded``, ``resolved``,
            ``severity``, ``plan`` and the attribute columns the policy's routes use
            (``category``, ``region``...); a polars DataFrame is converted. Custom target
            events (``workaround_applied``...) are read from columns of the same name.
        policy: The support agreement.
        as_of: The instant of evaluation (timezone-aware); events after it are ignored.
        columns: Our column name to the table's, e.g. ``{"opened": "created_at"}``.
        pauses: Pause spans, columns ``id`` (the incident's id), ``start`` and ``end``
            (``NaT``: still paused).
        timezone: The zone of naive datetime columns; required when there are any.

    Returns:
        The input's rows in the input's order and index, with its columns and
        ``severity``, ``plan``, ``route``, ``tier_level``, ``tier_name``, ``error`` and,
        per target ``T``: ``T_status``, ``T_goal``, ``T_elapsed``, ``T_remaining``,
        ``T_due_at``, ``T_breached_at``, ``T_stopped_at`` (UTC) and ``T_met``.

    Raises:
        NaiveDatetimeError: a naive datetime column (or ``as_of``) without ``timezone=``.
        ConfigError: a required column is missing, or ``columns`` names an unknown role.

    A row that cannot be evaluated (no opening, an unknown severity, a response before the
    opening...) gets a message in ``error`` and NA figures, and one
    :class:`BadRowsWarning` counts such rows.

    Each row means the timeline ``opened``, then its other events in time order; events at
    the same instant go paused/resumed, ``responded``, ``resolved``, then custom events.
    Instants count to the microsecond (finer digits are dropped), like :func:`evaluate`.
    """
    np, pd = _modules()
    incidents = _to_pandas(incidents)
    pauses = _to_pandas(pauses)
    now = _instant(as_of, "as_of") * 1000
    layout = _Layout(policy, incidents, columns)
    n = len(incidents)
    errors = np.full(n, None, dtype=object)

    def fail(mask: Any, message: str) -> None:
        errors[mask & np.equal(errors, None)] = message  # the first problem found wins

    # instants of every event column (absent columns never happen)
    at: dict[str, Any] = {}
    for event in layout.events:
        name = layout.column(event)
        if name is None:
            at[event] = np.full(n, _NAT, dtype=np.int64)
            continue
        at[event], beyond = _instants(pd, np, incidents[name], name, timezone)
        fail(beyond, f"{name} lies beyond the supported years {MIN_YEAR}-{MAX_YEAR}")
    opened = at["opened"]
    has_open = opened != _NAT
    fail(~has_open, f"missing opening (column {layout.names['opened']!r})")
    fail(has_open & (opened > now), "opened after as_of")
    for event in layout.events:
        if event != "opened":
            early = has_open & (at[event] != _NAT) & (at[event] < opened)
            fail(early, f"{event} before the opening")

    severity_col = incidents[layout.names["severity"]]
    sev_codes, sev_values = pd.factorize(severity_col)
    sev_names = [str(v) for v in sev_values]
    fail(sev_codes < 0, f"missing severity (column {layout.names['severity']!r})")
    known = set(policy.severity_names)
    for code, name in enumerate(sev_names):
        if name not in known:
            hint = did_you_mean(name, known) or "the policy's severities are " + ", ".join(
                map(repr, policy.severity_names)
            )
            fail(sev_codes == code, f"unknown severity {name!r}: {hint}")

    plan_name = layout.column("plan")
    if plan_name is not None:
        plan_codes, plan_values = pd.factorize(incidents[plan_name])
        plan_names = [str(v) for v in plan_values]
    else:
        plan_codes, plan_names = np.full(n, -1, dtype=np.int64), []
    plans = [p.name for p in policy.plans]
    if plans:
        for code, name in enumerate(plan_names):
            if name not in plans:
                hint = did_you_mean(name, plans) or "the policy's plans are " + ", ".join(
                    map(repr, plans)
                )
                fail(plan_codes == code, f"unknown plan {name!r}: {hint}")

    # route per row: the first route whose conditions all match (values compared as text)
    route_codes = np.full(n, -1, dtype=np.int64)
    attribute_codes: dict[str, tuple[Any, list[str]]] = {}
    for key in layout.route_keys:
        name = layout.column(key)
        if name is not None:
            codes, values = pd.factorize(incidents[name])
            attribute_codes[key] = (codes, [str(v) for v in values])
    for r, route in enumerate(policy.routes):
        match = route_codes < 0
        for key, accepted in route.when.items():
            if key not in attribute_codes:
                match = np.zeros(n, dtype=bool)
                break
            codes, values = attribute_codes[key]
            hits = np.array([v in accepted for v in values] + [False], dtype=bool)
            match &= hits[codes]
        route_codes[match] = r

    ok = np.equal(errors, None)
    # rows the vectorised path cannot take: a custom start with its stop not after it, or
    # pauses it cannot lay out (unordered, overlapping...) or that hold a custom start
    slow = np.zeros(n, dtype=bool)
    for target in policy.targets:
        if target.start != "opened":
            start, stop = at[target.start], at[target.stop]
            slow |= (start != _NAT) & (start <= now) & (stop != _NAT) & (stop <= start)
    pause_rows: dict[Any, list[tuple[int, int]]] = {}
    paused_rows = np.zeros(n, dtype=bool)
    p_row = p_start = p_end = np.zeros(0, dtype=np.int64)
    if pauses is not None and len(pauses):
        id_name = layout.column("id")
        if id_name is None:
            raise ConfigError.single(
                "columns.id",
                f"pauses need the incidents' id column, and the table has no column "
                f"{layout.names['id']!r}",
                "map it with columns={'id': 'your id column'}",
            )
        p_row, p_start, p_end, odd = _pause_table(pd, np, pauses, incidents[id_name], timezone)
        paused_rows[p_row] = True
        odd |= _odd_pauses(np, p_row, p_start, p_end, opened, n)
        for target in policy.targets:
            if target.pauses and target.start != "opened":
                start = at[target.start]
                odd |= paused_rows & (start != _NAT) & (start <= now)
        slow |= odd
        if (slow & paused_rows & ok).any():
            rows_ids = set(incidents[id_name].to_numpy()[slow & paused_rows & ok].tolist())
            pause_rows = _pause_spans(pd, np, pauses, timezone, rows_ids)
    slow &= ok
    fast = ok & ~slow & ~paused_rows
    with_pauses = ok & ~slow & paused_rows

    results = {t.name: _Results(np, n) for t in policy.targets}
    tier_index = np.full(n, -1, dtype=np.int64)  # into the row's tier list
    use_plans = bool(plans)
    groups = sev_codes.astype(np.int64) * (len(plan_names) + 1) + (plan_codes + 1)
    # visible pauses of rows on the vectorised path; an end not yet seen is "never"
    visible = with_pauses[p_row] & (p_start <= now)
    p_row, p_start, p_end = p_row[visible], p_start[visible], p_end[visible]
    p_end = np.where((p_end == _NAT) | (p_end > now), np.iinfo(np.int64).max, p_end)
    position = np.full(n, -1, dtype=np.int64)
    # rows in time order: binary searches over sorted instants run several times faster
    by_time = np.argsort(opened, kind="stable")
    for chosen in (fast, with_pauses):
        for g in np.unique(groups[chosen]):
            rows = by_time[(chosen & (groups == g))[by_time]]
            severity = sev_names[int(g) // (len(plan_names) + 1)]
            plan_code = int(g) % (len(plan_names) + 1) - 1
            plan = plan_names[plan_code] if use_plans and plan_code >= 0 else None
            group_pauses = None
            if chosen is with_pauses:
                position[rows] = np.arange(rows.size)
                mine = np.flatnonzero(position[p_row] >= 0)
                mine = mine[np.lexsort((p_start[mine], position[p_row[mine]]))]
                group_pauses = (position[p_row[mine]], p_start[mine], p_end[mine])
                position[rows] = -1
            states = _targets_fast(np, policy, results, at, rows, severity, plan, now, group_pauses)
            for r in np.unique(route_codes[rows]):
                where = np.flatnonzero(route_codes[rows] == r)
                sub = rows[where]
                tiers = policy.routes[r].tiers if r >= 0 else policy.tiers
                local = {name: state.take(where) for name, state in states.items()}
                tier_index[sub] = _tiers_fast(np, policy, tiers, local, at, sub, now)

    _slow_rows(
        policy,
        incidents,
        layout,
        np.flatnonzero(slow),
        (at, sev_names, sev_codes, plan_names, plan_codes, attribute_codes, pause_rows),
        (results, tier_index, route_codes, errors),
        as_of,
    )
    # tier references per row
    tier_level = np.zeros(n, dtype=np.int64)
    tier_code = np.full(n, -1, dtype=np.int64)
    tier_names: list[str] = []
    for r in np.unique(route_codes):
        tiers = policy.routes[r].tiers if r >= 0 else policy.tiers
        levels = np.array([t.level for t in tiers] + [0], dtype=np.int64)
        codes = np.array([len(tier_names) + k for k in range(len(tiers))] + [-1], dtype=np.int64)
        tier_names.extend(t.name for t in tiers)
        rows = route_codes == r
        tier_level[rows] = levels[tier_index[rows]]
        tier_code[rows] = codes[tier_index[rows]]
    bad = ~np.equal(errors, None)
    error_codes, error_values = pd.factorize(errors)
    plan_codes = np.where(plan_codes >= 0, plan_codes, -1)

    new: dict[str, Any] = {
        "severity": _strings(pd, np, sev_codes, sev_names),
        "plan": _strings(pd, np, plan_codes, plan_names),
        "route": _strings(pd, np, np.where(bad, -1, route_codes), [r.name for r in policy.routes]),
        "tier_level": pd.arrays.IntegerArray(tier_level, bad | (tier_index < 0)),
        "tier_name": _strings(pd, np, np.where(bad, -1, tier_code), tier_names),
        "error": _strings(pd, np, error_codes, [str(e) for e in error_values]),
    }
    for target in policy.targets:
        res = results[target.name]
        res.status[bad] = -1
        na = res.status < 0
        remaining = np.where(na, _NAT, res.goal - res.elapsed)
        breached = res.status == _BREACHED
        p = target.name
        new[f"{p}_status"] = _strings(pd, np, res.status, list(_STATUSES))
        new[f"{p}_goal"] = _deltas(np.where(na, _NAT, res.goal))
        new[f"{p}_elapsed"] = _deltas(np.where(na, _NAT, res.elapsed))
        new[f"{p}_remaining"] = _deltas(remaining)
        new[f"{p}_due_at"] = _times(pd, np.where(na, _NAT, res.due))
        new[f"{p}_breached_at"] = _times(pd, np.where(breached, res.due, _NAT))
        new[f"{p}_stopped_at"] = _times(pd, np.where(na, _NAT, res.stopped))
        new[f"{p}_met"] = pd.arrays.BooleanArray(
            res.status == _MET, ~((res.status == _MET) | breached)
        )
    added = pd.DataFrame(new, index=incidents.index)
    kept = incidents.drop(columns=[c for c in incidents.columns if c in new])
    out = pd.concat([kept, added], axis=1)
    if bad.any():
        count = int(bad.sum())
        first = str(errors[np.flatnonzero(bad)[0]])
        warnings.warn(
            f"{count} of {n} incident rows could not be evaluated and have NA figures; "
            f"their 'error' column says why (first: {first})",
            BadRowsWarning,
            stacklevel=2,
        )
    result: _DataFrame = out
    return result


def _strings(pd: Any, np: Any, codes: Any, names: list[str]) -> Any:
    """Build a pandas ``string`` array from codes into ``names`` (-1: NA), fast with pyarrow."""
    dtype = pd.StringDtype()
    if dtype.storage == "pyarrow":
        pa = importlib.import_module("pyarrow")  # pandas uses it, so it is installed

        codes = np.asarray(codes, dtype=np.int32)
        decoded = pa.DictionaryArray.from_arrays(
            pa.array(codes, mask=codes < 0), pa.array(names, type=pa.string())
        ).dictionary_decode()
        return pd.arrays.ArrowStringArray(decoded)
    return pd.array(np.array([*names, None], dtype=object)[codes], dtype=dtype)  # pragma: no cover


def _deltas(ns: Any) -> Any:
    return ns.view("m8[ns]")


def _times(pd: Any, ns: Any) -> Any:
    return pd.DatetimeIndex(ns.view("M8[ns]")).tz_localize("UTC").array


class _State:
    """One target's figures over a group of rows, for the tier triggers.

    ``reacher(amount)`` gives, for every row of the group, the earliest instant at which
    the target's counted time reaches ``amount`` (µs) without running on past a stop, and
    where that is known; ``where`` picks this state's rows out of the group.
    """

    __slots__ = ("clock", "due", "goal", "reacher", "started", "status", "where")

    def __init__(  # noqa: PLR0917
        self,
        clock: Calendar,
        goal: int,
        started: Any,
        status: Any,
        due: Any,
        reacher: Any,
        where: Any,
    ) -> None:
        self.clock, self.goal, self.started, self.status = clock, goal, started, status
        self.due, self.reacher, self.where = due, reacher, where

    def take(self, where: Any) -> _State:
        return _State(
            self.clock,
            self.goal,
            self.started[where],
            self.status[where],
            self.due[where],
            self.reacher,
            self.where[where],
        )

    def reach(self, amount: int) -> tuple[Any, Any]:
        instant, ok = self.reacher(amount)
        return instant[self.where], ok[self.where]


def _simple_reacher(  # noqa: PLR0917
    np: Any, clock: Calendar, start: Any, started: Any, stopped: Any, elapsed: Any
) -> Any:
    def reach(amount: int) -> tuple[Any, Any]:
        # a stopped target does not run on: it must have reached the amount by its stop
        ok = started & (~stopped | (elapsed >= amount * 1000))
        instant = np.zeros(start.size, dtype=np.int64)
        if ok.any():
            instant[ok] = _add(np, clock, start[ok], amount)
        return instant, ok

    return reach


class _Pieces:
    """The running pieces of a pausing target over a group of rows, flattened.

    Piece ``j`` is ``[a[j], b[j])`` of row ``row[j]`` (rows ascending, pieces in order);
    ``acc[j]`` is the counted time before it in its row. Beyond its pieces a row keeps
    running from ``open_from`` (``_NAT``: it does not, being paused).
    """

    def __init__(  # noqa: PLR0917
        self,
        np: Any,
        clock: Calendar,
        opened: Any,
        end: Any,
        open_from: Any,
        pauses: tuple[Any, Any, Any],
    ) -> None:
        m = opened.size
        p_row, p_start, p_end = pauses  # sorted by row then start; p_end may be "never"
        keep = p_start < end[p_row]
        p_row, p_start = p_row[keep], p_start[keep]
        p_end = np.minimum(p_end[keep], end[p_row])
        count = np.bincount(p_row, minlength=m)
        first = np.concatenate([[0], np.cumsum(count)[:-1]])
        seq = np.arange(p_row.size) - first[p_row]
        rows = np.arange(m)
        s_row = np.concatenate([rows, p_row])
        s_seq = np.concatenate([np.zeros(m, dtype=np.int64), seq + 1])
        e_row = np.concatenate([p_row, rows])
        e_seq = np.concatenate([seq, count])
        s_order = np.lexsort((s_seq, s_row))
        e_order = np.lexsort((e_seq, e_row))
        a = np.concatenate([opened, p_end])[s_order]
        b = np.concatenate([p_start, end])[e_order]
        row = s_row[s_order]
        real = b > a
        self.np, self.clock, self.m = np, clock, m
        self.row, self.a, self.b = row[real], a[real], b[real]
        self.length = _between(clock, self.a, self.b) if self.a.size else self.a.copy()
        total_before = np.concatenate([[0], np.cumsum(self.length)])
        self.lo = np.searchsorted(self.row, rows, side="left")
        self.hi = np.searchsorted(self.row, rows, side="right")
        self.acc = total_before[:-1] - total_before[self.lo][self.row]
        self.total = total_before[self.hi] - total_before[self.lo]
        self.open_from = open_from

    def reach(self, amount_ns: Any, open_from: Any) -> tuple[Any, Any, Any]:
        """Return (instant, known, piece index: ``hi`` of the row when beyond its pieces)."""
        np = self.np
        amount_ns = np.broadcast_to(amount_ns, (self.m,))
        instant = np.zeros(self.m, dtype=np.int64)
        piece = self.hi.copy()
        hit = np.flatnonzero(self.acc + self.length >= amount_ns[self.row])
        rows, at = np.unique(self.row[hit], return_index=True)
        j = hit[at]
        if j.size:
            instant[rows] = _add_each(self.clock, self.a[j], amount_ns[rows] - self.acc[j])
        piece[rows] = j
        ok = np.zeros(self.m, dtype=bool)
        ok[rows] = True
        beyond = ~ok & (open_from != _NAT)
        if beyond.any():
            rest = amount_ns[beyond] - self.total[beyond]
            instant[beyond] = _add_each(self.clock, open_from[beyond], rest)
            ok |= beyond
        return instant, ok, piece

    def due(self, goal_ns: int) -> Any:
        """Return the deadline of every row (``_NAT`` when unknown), as the scalar ``due``."""
        np = self.np
        x0, ok, piece = self.reach(goal_ns, self.open_from)
        due = np.full(self.m, _NAT, dtype=np.int64)
        index = np.arange(self.row.size)
        candidate = ok[self.row] & (index >= piece[self.row])
        at = np.maximum(x0[self.row], self.a)
        candidate &= at < self.b
        cand = np.flatnonzero(candidate)
        if cand.size:
            nxt = _next_open(self.clock, at[cand])
            good = nxt < self.b[cand]
            rows, first = np.unique(self.row[cand[good]], return_index=True)
            due[rows] = nxt[good][first]
        rest = ok & (due == _NAT) & (self.open_from != _NAT)
        if rest.any():
            due[rest] = _next_open(self.clock, np.maximum(x0[rest], self.open_from[rest]))
        return due

    def reacher(self, stopped: Any) -> Any:
        open_from = self.np.where(stopped, _NAT, self.open_from)

        def reach(amount: int) -> tuple[Any, Any]:
            instant, ok, _piece = self.reach(amount * 1000, open_from)
            return instant, ok

        return reach


def _targets_fast(  # noqa: PLR0917
    np: Any,
    policy: Policy,
    results: dict[str, _Results],
    at: dict[str, Any],
    rows: Any,
    severity: str,
    plan: str | None,
    now: int,
    pauses: tuple[Any, Any, Any] | None = None,
) -> dict[str, _State]:
    """Evaluate every target over rows of one severity and plan.

    ``pauses`` (row position, start, end; sorted) are the visible pauses of these rows;
    only targets that start at the opening may pause on this path.
    """
    states: dict[str, _State] = {}
    for target in policy.targets:
        goal = policy.goal(target.name, severity, plan=plan)
        if goal is None:
            continue
        clock = policy.calendar(goal.clock or policy.clock)
        goal_ns = td_us(goal.duration) * 1000
        start, stop = at[target.start][rows], at[target.stop][rows]
        started = (start != _NAT) & (start <= now)
        stopped = started & (stop != _NAT) & (stop <= now)
        paused = np.zeros(rows.size, dtype=bool)
        if pauses is not None and target.pauses and target.start == "opened":
            # the last visible pause still open at `now` holds a running target
            p_row, _p_start, p_end = pauses
            paused[p_row[p_end > now]] = True
            paused &= ~stopped
            end = np.where(stopped, stop, now)
            open_from = np.where(stopped, stop, np.where(paused, _NAT, now))
            pieces = _Pieces(np, clock, start, end, open_from, pauses)
            elapsed = pieces.total
            due = pieces.due(goal_ns)
            reacher = pieces.reacher(stopped)
        else:
            elapsed = np.zeros(rows.size, dtype=np.int64)
            due = np.full(rows.size, _NAT, dtype=np.int64)
            if started.any():
                s = start[started]
                end = np.where(stopped[started], stop[started], now)
                elapsed[started] = _between(clock, s, end)
                # the deadline: the last instant with R <= goal is the next opening at or
                # after the instant the goal runs out (the same stopped or running)
                due[started] = _next_open(clock, _add(np, clock, s, goal_ns // 1000))
            reacher = _simple_reacher(np, clock, start, started, stopped, elapsed)
        status = np.where(
            elapsed > goal_ns,
            _BREACHED,
            np.where(
                stopped,
                _MET,
                np.where(paused, _PAUSED, np.where(started, _RUNNING, _PENDING)),
            ),
        ).astype(np.int8)
        res = results[target.name]
        res.status[rows] = status
        res.goal[rows] = goal_ns
        res.elapsed[rows] = elapsed
        res.due[rows] = due
        res.stopped[rows] = np.where(stopped, stop, _NAT)
        every = np.arange(rows.size)
        states[target.name] = _State(clock, goal_ns, started, status, due, reacher, every)
    return states


def _tiers_fast(  # noqa: PLR0917
    np: Any,
    policy: Policy,
    tiers: Sequence[Tier],
    states: dict[str, _State],
    at: dict[str, Any],
    rows: Any,
    now: int,
) -> Any:
    """Return the index of the highest tier fired by ``now`` (-1: none) for rows of a route."""
    opened = at["opened"][rows]
    resolved = at["resolved"][rows]
    resolved = np.where((resolved != _NAT) & (resolved <= now), resolved, _NAT)
    previous, known = opened, np.ones(rows.size, dtype=bool)
    fired = np.zeros(rows.size, dtype=np.int64)
    for tier in tiers:
        instant, ok = _trigger(np, policy, tier, states, opened)
        instant = np.maximum(instant, previous)
        ok &= known
        # a tier cannot fire once the incident is resolved (no reopening in a table)
        ok &= ~((resolved != _NAT) & (instant >= resolved))
        fired += ok & (instant <= now)
        previous, known = instant, ok
    return fired - 1


def _trigger(
    np: Any, policy: Policy, tier: Tier, states: dict[str, _State], opened: Any
) -> tuple[Any, Any]:
    """Return a trigger's instants and where they are known, before the never-skip rule."""
    trigger = tier.trigger
    none = (np.zeros(opened.size, dtype=np.int64), np.zeros(opened.size, dtype=bool))
    if isinstance(trigger, AtOpen):
        return opened, np.ones(opened.size, dtype=bool)
    if isinstance(trigger, AfterElapsed):
        clock = policy.calendar(trigger.clock or policy.escalation_clock)
        return _add(np, clock, opened, td_us(trigger.after)), np.ones(opened.size, dtype=bool)
    if isinstance(trigger, AtPercent):
        state = states.get(trigger.target)
        if state is None:
            return none
        return state.reach(max(round(state.goal // 1000 * trigger.percent / 100), 1))
    if isinstance(trigger, OnBreach):
        state = states.get(trigger.target)
        if state is None:
            return none
        ok = state.started & (state.status != _MET) & (state.due != _NAT)
        instant = np.where(ok, state.due, 0)
        if trigger.delay and ok.any():
            instant[ok] = _add(np, state.clock, state.due[ok], td_us(trigger.delay))
        return instant, ok
    return none  # Manual: only an escalation event, which a table does not have


# -- the scalar path ----------------------------------------------------------------------


def _pause_table(
    pd: Any, np: Any, pauses: Any, ids: Any, timezone: str | None
) -> tuple[Any, Any, Any, Any]:
    """Return the pauses as (row, start, end) sorted by row then start, and rows with NaT starts."""
    missing = [c for c in ("id", "start", "end") if c not in pauses.columns]
    if missing:
        raise ConfigError.single(
            "pauses",
            f"the pause table has no column {missing[0]!r}",
            "give it the columns id, start and end",
        )
    start, _ = _instants(pd, np, pauses["start"], "start", timezone)
    end, _ = _instants(pd, np, pauses["end"], "end", timezone)
    rows = pd.DataFrame({"id": ids.to_numpy(), "row": np.arange(len(ids))})
    table = pd.DataFrame({"id": pauses["id"].to_numpy(), "start": start, "end": end})
    joined = table.merge(rows, on="id", how="inner")
    order = np.lexsort((joined["start"].to_numpy(), joined["row"].to_numpy()))
    p_row = joined["row"].to_numpy()[order]
    p_start = joined["start"].to_numpy()[order]
    p_end = joined["end"].to_numpy()[order]
    odd = np.zeros(len(ids), dtype=bool)
    odd[p_row[p_start == _NAT]] = True
    return p_row, p_start, p_end, odd


def _odd_pauses(  # noqa: PLR0917
    np: Any, p_row: Any, p_start: Any, p_end: Any, opened: Any, n: int
) -> Any:
    """Mark rows whose pauses are not ordered, non-overlapping spans after the opening."""
    bad = (p_start < opened[p_row]) | ((p_end != _NAT) & (p_end < p_start))
    same = p_row[1:] == p_row[:-1]
    # a later pause of the same incident must start at or after the previous one ends
    bad[:-1] |= same & ((p_end[:-1] == _NAT) | (p_start[1:] < p_end[:-1]))
    odd = np.zeros(n, dtype=bool)
    odd[p_row[bad]] = True
    return odd


def _pause_spans(
    pd: Any, np: Any, pauses: Any, timezone: str | None, ids: set[Any]
) -> dict[Any, list[Any]]:
    """Return the pause spans of the incidents ``ids``, for the scalar path."""
    chosen = pauses[pauses["id"].isin(list(ids)).to_numpy()]
    start, _ = _instants(pd, np, chosen["start"], "start", timezone)
    end, _ = _instants(pd, np, chosen["end"], "end", timezone)
    spans: dict[Any, list[Any]] = {}
    for key, a, b in zip(chosen["id"].tolist(), start.tolist(), end.tolist(), strict=True):
        spans.setdefault(key, []).append((a, b))
    return spans


def _slow_rows(  # noqa: PLR0917
    policy: Policy,
    incidents: Any,
    layout: _Layout,
    rows: Any,
    inputs: tuple[Any, ...],
    outputs: tuple[Any, ...],
    as_of: datetime,
) -> None:
    """Evaluate rows one by one with :func:`escalate.evaluate` and store the results."""
    if not rows.size:
        return
    at, sev_names, sev_codes, plan_names, plan_codes, attribute_codes, pause_rows = inputs
    results, tier_index, route_codes, errors = outputs
    id_name = layout.column("id")
    ids = incidents[id_name].to_numpy() if id_name is not None else None
    route_by_name = {r.name: i for i, r in enumerate(policy.routes)}
    customs = [e for e in layout.events if e not in _RANK]
    for i in rows.tolist():
        events: list[tuple[int, int, int, dict[str, Any]]] = []
        for event in ("responded", "resolved", *customs):
            t = int(at[event][i])
            if t != _NAT:
                events.append((t, _RANK.get(event, 4), 0, {"type": event}))
        spans = pause_rows.get(ids[i], ()) if ids is not None else ()
        for k, (a, b) in enumerate(sorted(spans, key=lambda s: (s[0] == _NAT, s[0]))):
            if a == _NAT:
                errors[i] = "a pause without a start"
                break
            events.append((a, 1, 2 * k, {"type": "paused"}))
            if b != _NAT:
                events.append((b, 1, 2 * k + 1, {"type": "resumed"}))
        if errors[i] is not None:
            continue
        attributes: dict[str, Any] = {}
        if plan_codes[i] >= 0:
            attributes["plan"] = plan_names[plan_codes[i]]
        for key, (codes, values) in attribute_codes.items():
            if codes[i] >= 0:
                attributes[key] = values[codes[i]]
        opened = {
            "type": "opened",
            "at": to_datetime(int(at["opened"][i]) // 1000, UTC),
            "severity": sev_names[sev_codes[i]],
            **attributes,
        }
        events.sort(key=lambda e: e[:3])
        timeline_events = [opened] + [
            {**item, "at": to_datetime(t // 1000, UTC)} for t, _r, _k, item in events
        ]
        try:
            ev = evaluate(policy, Timeline.from_events(timeline_events), as_of=as_of)
        except EscalateError as exc:
            errors[i] = str(exc)
            continue
        for result in ev.targets:
            res = results[result.name]
            res.status[i] = _CODE[result.status]
            res.goal[i] = td_us(result.goal) * 1000
            res.elapsed[i] = td_us(result.elapsed) * 1000
            res.due[i] = _NAT if result.due_at is None else _instant(result.due_at, "due") * 1000
            res.stopped[i] = (
                _NAT if result.stopped_at is None else _instant(result.stopped_at, "at") * 1000
            )
        route_codes[i] = -1 if ev.route is None else route_by_name[ev.route]
        tier_index[i] = len(ev.escalations) - 1
