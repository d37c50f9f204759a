"""Incident tables: :func:`evaluate_frame` over wide incident rows or long event logs.

Both inputs are lowered to the same long arrays of events (:class:`escalate._table.Events`)
and evaluated by one vectorised engine (:mod:`escalate._table`), which reads the same
compiled policy as :func:`escalate.evaluate`. The few incidents it does not take (a pause
table it cannot lay out, an incident not yet opened) go through :func:`escalate.evaluate`
itself; both give identical results (a tested property).

pandas is imported only when these functions run, so ``import escalate`` stays free of it.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

from escalate._calendar import _instant
from escalate._checks import excerpt, zone_problem
from escalate._columns import NAT, hashable, instants, modules, safe_text
from escalate._errors import (
    ConfigError,
    EscalateError,
    EscalateWarning,
    InvalidInstantError,
    NaiveDatetimeError,
    Problem,
    did_you_mean,
)
from escalate._evaluate import _as_of, evaluate
from escalate._history import EventLog
from escalate._index import to_datetime
from escalate._plan import Compiled, compiled
from escalate._results import TargetStatus
from escalate._table import Events, Results, run
from escalate._timeline import BUILTIN_EVENTS, Timeline
from escalate._versions import PolicyVersions
from escalate._versions_frame import evaluate_frame_versions

if TYPE_CHECKING:
    import pandas as pd
    from pandas import DataFrame as _DataFrame

    from escalate._policy import Policy

__all__ = ["BadRowsWarning", "MissingColumnsWarning", "evaluate_frame", "output_columns"]

_STATUSES: Final = tuple(s.value for s in TargetStatus)
_BASE_COLUMNS: Final = ("id", "opened", "responded", "resolved", "severity", "plan")
# events at the same instant are ordered like this when a row becomes events
_RANK: Final = {"opened": 0, "paused": 1, "resumed": 1, "responded": 2, "resolved": 3}
_CODE: Final = {s: i for i, s in enumerate(TargetStatus)}


_SCALAR: Final = "(evaluated one by one)"  # a marker that keeps a row out of the engine
BLOCK_SIZE: Final = 65_536  # incidents per engine block: small enough for the caches


class BadRowsWarning(EscalateWarning):
    """Some rows of an incident table could not be evaluated; their ``error`` column says why."""


class MissingColumnsWarning(EscalateWarning):
    """An event column the policy uses is absent, so that event never happens in the table.

    Name the column with ``columns={"responded": "first_reply_at"}``, or say that the
    table has no such events with ``columns={"responded": None}``.
    """


def _modules() -> tuple[Any, Any]:
    return modules()


def _to_pandas(frame: Any) -> Any:
    """Convert a polars DataFrame at the edge; pass pandas through."""
    if type(frame).__module__.partition(".")[0] == "polars":
        return frame.to_pandas()
    return frame


# -- the table's layout -----------------------------------------------------------------


class _Layout:
    """Which caller column holds each of our names, and the event columns the policy uses."""

    def __init__(
        self, policy: Policy, incidents: Any, columns: Mapping[str, str | None] | None
    ) -> None:
        self.route_keys = sorted({key for r in policy.routes for key in r.when})
        custom = policy.event_names - set(BUILTIN_EVENTS)
        used = {"responded", "resolved", "closed"} & policy.event_names
        self.events = sorted({"opened"} | used | custom)
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
        self.names: dict[str, str | None] = {key: given.get(key, key) for key in sorted(known)}
        present = {str(c) for c in incidents.columns}
        problems.extend(
            Problem(
                path=f"columns.{key}",
                message=f"the incident table has no column {self.names[key]!r}",
                hint=f"map it with columns={{{key!r}: 'your column'}}; the table has "
                + ", ".join(map(repr, sorted(present))),
            )
            for key in ("opened", "severity")
            if self.names[key] not in present
        )
        problems.extend(
            Problem(
                path=f"columns.{key}",
                message=f"the incident table has no column {name!r}",
                hint=did_you_mean(name, present)
                or "the table has " + ", ".join(map(repr, sorted(present))),
            )
            for key, name in given.items()
            if name is not None and key in known and name not in present
        )
        if problems:
            raise ConfigError(problems)
        self.present = present
        # "closed" adds nothing to a one-row table unless it is there: no warning for it
        absent = [
            key
            for key in self.events
            if key not in {"opened", "closed"}
            and self.names[key] is not None
            and self.names[key] not in present
        ]
        if absent:
            warnings.warn(
                "the incident table has no column for "
                + ", ".join(repr(a) for a in absent)
                + ": those events never happen in it. Map them with columns={...: 'your "
                "column'} or say so with columns={...: None}; the table has "
                + ", ".join(map(repr, sorted(present))),
                MissingColumnsWarning,
                stacklevel=4,
            )

    def column(self, key: str) -> str | None:
        name = self.names[key]
        return name if name is not None and name in self.present else None


# -- lowering: both inputs become the same long arrays ---------------------------------


class _Lowered:
    """One table lowered for the engine: events of the vectorised incidents, the rest."""

    def __init__(self, n: int) -> None:
        np, _pd = _modules()
        self.n = n
        self.errors = np.full(n, None, dtype=object)
        self.events: Events | None = None
        self.rows: Any = np.zeros(0, dtype=np.int64)  # output row of each engine incident
        self.scalar: list[tuple[int, Timeline]] = []
        self.plan: list[str | None] = [None] * n
        self.route = np.full(n, -1, dtype=np.int64)
        self.wide: _WideEvents | None = None

    def blocks(self, size: int) -> Iterator[tuple[Events, Any]]:
        """The engine's events in blocks of at most ``size`` incidents, with their rows."""
        np, _pd = _modules()
        if self.wide is not None:
            rows = self.wide.rows
            for a in range(0, rows.size, size):
                block = rows[a : a + size]
                yield self.wide.events(block, self), block
            return
        ev = self.events
        if ev is None:  # pragma: no cover - a lowered table has wide rows or a log's events
            return
        bounds = np.searchsorted(ev.inc, np.arange(0, ev.n + size, size).clip(max=ev.n))
        for k, a in enumerate(range(0, ev.n, size)):
            b = min(a + size, ev.n)
            lo, hi = int(bounds[k]), int(bounds[k + 1])
            yield (
                Events(
                    inc=ev.inc[lo:hi] - a,
                    t=ev.t[lo:hi],
                    kind=ev.kind[lo:hi],
                    status=ev.status[lo:hi],
                    severity=ev.severity[lo:hi],
                    kinds=ev.kinds,
                    statuses=ev.statuses,
                    severities=ev.severities,
                    plan=ev.plan[a:b],
                    route=ev.route[a:b],
                    n=b - a,
                    source=None if ev.source is None else ev.source[lo:hi],
                ),
                self.rows[a:b],
            )

    def fail(self, mask: Any, message: str) -> None:
        np, _pd = _modules()
        self.errors[mask & np.equal(self.errors, None)] = message  # the first problem wins


def _severity_problems(
    low: _Lowered, policy: Policy, codes: Any, names: list[str], where: str
) -> None:
    known = set(policy.severity_names)
    low.fail(codes < 0, f"missing severity ({where})")
    for code, name in enumerate(names):
        if name not in known:
            hint = did_you_mean(name, known) or "the policy's severities are " + ", ".join(
                map(repr, policy.severity_names)
            )
            low.fail(codes == code, f"unknown severity {name!r}: {hint}")


def _plan_problems(low: _Lowered, policy: Policy, codes: Any, names: list[str]) -> None:
    plans = [p.name for p in policy.plans]
    if not plans:
        return
    for code, name in enumerate(names):
        if name not in plans:
            hint = did_you_mean(name, plans) or "the policy's plans are " + ", ".join(
                map(repr, plans)
            )
            low.fail(codes == code, f"unknown plan {name!r}: {hint}")


def _routes(policy: Policy, attributes: dict[str, tuple[Any, list[str]]], n: int) -> Any:
    """The first route whose conditions all match, per row (values compared as text)."""
    np, _pd = _modules()
    route = np.full(n, -1, dtype=np.int64)
    for r, spec in enumerate(policy.routes):
        match = route < 0
        for key, accepted in spec.when.items():
            if key not in attributes:
                match = np.zeros(n, dtype=bool)
                break
            codes, values = attributes[key]
            hits = np.array([v in accepted for v in values] + [False], dtype=bool)
            match &= hits[codes]
        route[match] = r
    return route


def _factor(values: Any) -> tuple[Any, list[str]]:
    """Integer codes (``-1``: missing) and the distinct values, as text."""
    np, pd = _modules()
    if isinstance(getattr(values, "dtype", None), pd.CategoricalDtype):
        return values.cat.codes.to_numpy(dtype=np.int64), [str(c) for c in values.cat.categories]
    series = pd.Series(values).reset_index(drop=True)
    try:  # lists or tables in a text column cannot be hashed: their text stands in
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
    except TypeError:
        codes, uniques = pd.factorize(hashable(series), use_na_sentinel=True)
    return np.asarray(codes, dtype=np.int64), [safe_text(u) for u in uniques]


def _wide(
    policy: Policy,
    incidents: Any,
    *,
    columns: Mapping[str, str | None] | None,
    pauses: Any,
    timezone: str | None,
) -> _Lowered:
    """Lower one row per incident (opened, responded, resolved, custom events, pauses)."""
    np, _pd = _modules()
    layout = _Layout(policy, incidents, columns)
    n = len(incidents)
    low = _Lowered(n)
    at: dict[str, Any] = {}
    for event in layout.events:
        name = layout.column(event)
        if name is None:
            at[event] = np.full(n, NAT, dtype=np.int64)
            continue
        ns, _absent, problems = _column_instants(incidents[name], name, timezone, policy)
        at[event] = ns
        for mask, reason in problems:
            low.fail(mask, f"{name} {reason}")
    opened = at["opened"]
    low.fail(opened == NAT, f"missing opening (column {layout.names['opened']!r})")
    for event in layout.events:
        if event != "opened":
            low.fail(
                (opened != NAT) & (at[event] != NAT) & (at[event] < opened),
                f"{event} before the opening",
            )
    sev_codes, sev_names = _factor(incidents[layout.names["severity"]])
    _severity_problems(low, policy, sev_codes, sev_names, f"column {layout.names['severity']!r}")
    plan_name = layout.column("plan")
    if plan_name is not None:
        plan_codes, plan_names = _factor(incidents[plan_name])
        _plan_problems(low, policy, plan_codes, plan_names)
        low.plan = [plan_names[c] if c >= 0 else None for c in plan_codes.tolist()]
    attributes = {
        key: _factor(incidents[name])
        for key in layout.route_keys
        if (name := layout.column(key)) is not None
    }
    low.route = _routes(policy, attributes, n)
    # pauses: lay them out per row; a row whose pauses are odd goes through evaluate()
    spans: dict[int, list[tuple[int, int]]] = {}
    odd = np.zeros(n, dtype=bool)
    if pauses is not None and len(pauses):
        id_name = layout.column("id")
        if id_name is None:
            raise ConfigError.single(
                "columns.id",
                f"pauses need the incidents' id column, and the table has no column "
                f"{layout.names['id']!r}",
                "map it with columns={'id': 'your id column'}",
            )
        spans, odd, bad = _pause_spans(pauses, incidents[id_name], opened, timezone, policy)
        for mask, message in bad:
            low.fail(mask, message)
    ok = np.equal(low.errors, None)
    # goals in business days depend on each incident's start: those rows go through evaluate()
    odd |= _in_business_days(policy, sev_codes, sev_names, low.plan)
    attribute_values = {key: (codes, values) for key, (codes, values) in attributes.items()}
    rows = np.flatnonzero(ok & ~odd)
    low.wide = _WideEvents(
        [(at[event], _RANK.get(event, 4), event) for event in layout.events],
        {row: s for row, s in spans.items() if ok[row] and not odd[row]},
        (sev_codes, sev_names),
        rows,
        low.plan,
    )
    for row in np.flatnonzero(ok & odd).tolist():
        try:
            low.scalar.append(
                (
                    row,
                    _row_timeline(
                        row,
                        at,
                        layout,
                        sev_names[sev_codes[row]],
                        low.plan[row],
                        attribute_values,
                        spans.get(row, []),
                    ),
                )
            )
        except EscalateError as exc:
            low.errors[row] = str(exc)
    return low


def _in_business_days(policy: Policy, codes: Any, names: list[str], plans: list[str | None]) -> Any:
    """Per row (or event), whether its severity has a goal in business days."""
    np, _pd = _modules()
    plan = compiled(policy)
    hit = np.zeros(len(codes), dtype=bool)
    known = set(policy.severity_names)
    for code, name in enumerate(names):
        if name not in known:
            continue
        choices = {None, *(p for p in plans if p in plan.plans)} if plan.plans else {None}
        for choice in choices:
            if any(s is not None and s.days is not None for s in plan.goals(name, choice)):
                hit |= codes == code
                break
    return hit


class _WideEvents:
    """The vectorised rows of a wide table, turned into the engine's events block by block.

    ``columns``: per event column, its instants (ns, ``NAT``: absent), its rank among
    events at the same instant, and its type; ``spans``: the pause spans of the rows that
    have some; ``rows``: the rows the engine evaluates, ascending.
    """

    def __init__(
        self,
        columns: list[tuple[Any, int, str]],
        spans: dict[int, list[tuple[int, int]]],
        severity: tuple[Any, list[str]],
        rows: Any,
        plans: list[str | None],
    ) -> None:
        np, _pd = _modules()
        self.no_plans = set(plans) <= {None}
        self.columns = columns
        self.spans = spans
        self.paused = np.array(sorted(spans), dtype=np.int64)  # the rows with pauses
        self.severity = severity
        self.rows = rows
        self.kinds = sorted({c[2] for c in columns} | {"paused", "resumed"})

    def events(self, rows: Any, low: _Lowered) -> Events:
        """The events of ``rows`` (ascending), sorted per incident into the engine's arrays."""
        np, _pd = _modules()
        sev_codes, sev_names = self.severity
        kind_code = {k: i for i, k in enumerate(self.kinds)}
        lo = hi = 0
        if self.paused.size and rows.size:
            lo, hi = np.searchsorted(self.paused, [rows[0], rows[-1] + 1])
        if hi > lo:
            inc, t, kind = self._sorted(rows, self.paused[lo:hi].tolist(), kind_code)
        else:
            inc, t, kind = self._ranked(rows, kind_code)
        row = rows[inc]
        severity = np.where(kind == kind_code["opened"], sev_codes[row], -1)
        plans = low.plan
        return Events(
            inc=inc,
            t=t,
            kind=kind,
            status=np.full(t.size, -1, dtype=np.int64),
            severity=severity,
            kinds=self.kinds,
            statuses=[],
            severities=sev_names,
            plan=[None] * rows.size if self.no_plans else [plans[r] for r in rows.tolist()],
            route=low.route[rows],
            n=rows.size,
        )

    def _ranked(self, rows: Any, kind_code: dict[str, int]) -> tuple[Any, Any, Any]:
        """The events of rows without pauses, in order, without a sort.

        Each event's place within its row is the number of the row's events before it by
        (instant, rank, column): a few comparisons per column pair, linear in the rows.
        """
        np, _pd = _modules()
        present, keys = [], []
        for at, rank, _event in self.columns:
            at_rows = at[rows]
            present.append(at_rows != NAT)
            keys.append(at_rows // 1000 * 8 + rank)
        count = np.sum(present, axis=0, dtype=np.int64)
        start = np.cumsum(count) - count
        total = int(count.sum())
        inc = np.repeat(np.arange(rows.size), count)
        t = np.empty(total, dtype=np.int64)
        kind = np.empty(total, dtype=np.int64)
        for j, (_at, _rank, event) in enumerate(self.columns):
            place = start.copy()
            for i in range(len(self.columns)):
                if i != j:
                    ahead = (keys[i] < keys[j]) if i > j else (keys[i] <= keys[j])
                    place += present[i] & ahead
            where = place[present[j]]
            t[where] = keys[j][present[j]] >> 3
            kind[where] = kind_code[event]
        return inc, t, kind

    def _sorted(
        self, rows: Any, paused: list[int], kind_code: dict[str, int]
    ) -> tuple[Any, Any, Any]:
        """The events of rows, some with pauses, in order (by a sort)."""
        np, _pd = _modules()
        parts: list[tuple[Any, Any, Any, Any, Any]] = []
        for at, rank, event in self.columns:
            at_rows = at[rows]
            have = at_rows != NAT
            got = rows[have]
            parts.append(
                (
                    got,
                    at_rows[have] // 1000,
                    np.full(got.size, rank, dtype=np.int64),
                    np.full(got.size, kind_code[event], dtype=np.int64),
                    np.zeros(got.size, dtype=np.int64),
                )
            )
        pause: list[tuple[int, int, int, int]] = []
        for row in paused:
            for k, (a, b) in enumerate(self.spans[row]):
                pause.append((row, a // 1000, kind_code["paused"], 2 * k))
                if b != NAT:
                    pause.append((row, b // 1000, kind_code["resumed"], 2 * k + 1))
        p_row, p_t, p_kind, p_order = (
            np.array(x, dtype=np.int64) for x in zip(*pause, strict=True)
        )
        parts.append((p_row, p_t, np.ones(p_row.size, dtype=np.int64), p_kind, p_order))
        row, t, rank, kind, order = (np.concatenate(x) for x in zip(*parts, strict=True))
        sort = np.lexsort((order, rank, t, row))
        return np.searchsorted(rows, row[sort]), t[sort], kind[sort]


def _column_instants(
    values: Any, name: str, timezone: str | None, policy: Policy
) -> tuple[Any, Any, list[Any]]:
    """An instant column of an incident table (raises for a column of the wrong kind)."""
    try:
        return instants(values, column=name, timezone=timezone, zone=policy.timezone)
    except NaiveDatetimeError:
        raise
    except InvalidInstantError as exc:
        msg = (
            f"column {name!r} must hold datetimes (tz-aware, or naive with timezone=...), "
            f"not what it holds: {exc}"
        )
        raise InvalidInstantError(msg) from None


def _pause_spans(
    pauses: Any, ids: Any, opened: Any, timezone: str | None, policy: Policy
) -> tuple[dict[int, list[tuple[int, int]]], Any, list[tuple[Any, str]]]:
    """Return each row's pause spans (ns), the rows whose pauses are odd, and bad rows.

    Odd: not in order, overlapping, without a start, or before the opening; the engine
    does not lay those out, evaluate() judges them. Bad: ``(incident rows, message)`` for
    pause rows whose start or end cannot be read (an unreadable end is not "still paused").
    """
    np, pd = _modules()
    pauses = _to_pandas(pauses)
    missing = [c for c in ("id", "start", "end") if c not in pauses.columns]
    if missing:
        raise ConfigError.single(
            "pauses",
            f"the pause table has no column {missing[0]!r}",
            "give it the columns id, start and end",
        )
    start, _absent, start_problems = _column_instants(pauses["start"], "start", timezone, policy)
    end, _absent, end_problems = _column_instants(pauses["end"], "end", timezone, policy)
    table = pd.DataFrame({"id": pauses["id"].to_numpy(), "start": start, "end": end})
    position = pd.DataFrame({"id": ids.to_numpy(), "row": np.arange(len(ids))})
    bad: list[tuple[Any, str]] = []
    for column, problems in (("start", start_problems), ("end", end_problems)):
        for mask, reason in problems:
            for at in np.flatnonzero(mask).tolist():
                mine = position["row"].to_numpy()[position["id"].to_numpy() == table["id"][at]]
                value = excerpt(pauses[column].iloc[at])
                message = f"pause table row {at}: {column} {value} {reason}"
                bad.append((_mask(len(ids), mine), message))
    joined = table.merge(position, on="id", how="inner")
    joined = joined.sort_values(["row", "start"], kind="stable")
    spans: dict[int, list[tuple[int, int]]] = {}
    odd = np.zeros(len(ids), dtype=bool)
    for row, a, b in zip(
        joined["row"].tolist(), joined["start"].tolist(), joined["end"].tolist(), strict=True
    ):
        mine = spans.setdefault(row, [])
        if (
            a == NAT
            or a < opened[row]
            or (b != NAT and b < a)
            or (mine and (mine[-1][1] == NAT or a < mine[-1][1]))
        ):
            odd[row] = True
        mine.append((a, b))
    return spans, odd, bad


def _row_timeline(  # noqa: PLR0917
    row: int,
    at: dict[str, Any],
    layout: _Layout,
    severity: str,
    plan: str | None,
    attributes: dict[str, tuple[Any, list[str]]],
    spans: list[tuple[int, int]],
) -> Timeline:
    """One row of a wide table as a timeline, for the rows the engine does not take."""
    attrs_: dict[str, Any] = {}
    if plan is not None:
        attrs_["plan"] = plan
    for key, (codes, values) in attributes.items():
        if codes[row] >= 0:
            attrs_[key] = values[codes[row]]
    items: list[tuple[int, int, int, dict[str, Any]]] = [
        (at[event][row], _RANK.get(event, 4), 0, {"type": event})
        for event in layout.events
        if event != "opened" and at[event][row] != NAT
    ]
    for k, (a, b) in enumerate(sorted(spans, key=lambda s: (s[0] == NAT, s[0]))):
        if a == NAT:
            msg = "a pause without a start"
            raise _RowError(msg)
        items.append((a, 1, 2 * k, {"type": "paused"}))
        if b != NAT:
            items.append((b, 1, 2 * k + 1, {"type": "resumed"}))
    items.sort(key=lambda e: e[:3])
    opened = {"type": "opened", "at": _utc(at["opened"][row]), "severity": severity, **attrs_}
    return Timeline.from_events([opened, *({**e, "at": _utc(t)} for t, _r, _k, e in items)])


class _RowError(EscalateError):
    """A row of a table that cannot become a timeline (its message is the row's error)."""


def _utc(ns: int) -> datetime:
    return to_datetime(int(ns) // 1000, UTC)


def _log(policy: Policy, log: EventLog, plan: Compiled) -> _Lowered:
    """Lower an event log; incidents with events the policy does not know get an error."""
    np, pd = _modules()
    frame = log.frame
    inc, uniq = pd.factorize(frame["id"])
    inc = np.asarray(inc, dtype=np.int64)
    n = len(uniq)
    low = _Lowered(n)
    low.ids = uniq  # type: ignore[attr-defined]
    t = frame["at"].to_numpy("M8[ns]").view("i8") // 1000
    kind, kinds = _factor(frame["type"])
    status, statuses = _factor(frame["status"])
    severity, severities = _factor(frame["severity"])
    first = np.r_[True, inc[1:] != inc[:-1]]
    low.first = np.flatnonzero(first)[: inc.size]  # type: ignore[attr-defined]
    low.fail(
        _mask(n, inc[first & (severity < 0)]),
        "no severity at the opening: give the opening event its severity",
    )
    for code, name in enumerate(kinds):
        if name not in plan.known:
            bad = np.unique(inc[kind == code])
            hint = (
                did_you_mean(name, plan.known)
                or "custom events must be a start or stop event of a policy target"
            )
            low.fail(_mask(n, bad), f"unknown event type {name!r}: {hint}")
    for code, name in enumerate(statuses):
        if name not in plan.meaning:
            bad = np.unique(inc[status == code])
            hint = did_you_mean(name, list(plan.meaning)) or (
                f"declare what it means in the policy's [statuses], e.g. {name!r} = 'open'"
            )
            low.fail(_mask(n, bad), f"unknown status {name!r}: {hint}")
    for code, name in enumerate(severities):
        if name not in plan.severities:
            bad = np.unique(inc[severity == code])
            hint = did_you_mean(
                name, plan.severities
            ) or "the policy's severities are " + ", ".join(map(repr, policy.severity_names))
            low.fail(_mask(n, bad), f"unknown severity {name!r}: {hint}")
    attributes: dict[str, tuple[Any, list[str]]] = {}
    for key in {*(k for r in policy.routes for k in r.when), "plan"}:
        if key in frame.columns:
            codes, values = _factor(frame[key].to_numpy(dtype=object)[first])
            attributes[key] = (codes, values)
    if "plan" in attributes:
        codes, values = attributes.pop("plan")
        _plan_problems(low, policy, codes, values)
        low.plan = [values[c] if c >= 0 else None for c in codes.tolist()]
    low.route = _routes(policy, attributes, n)
    low.events = Events(  # filtered to the good incidents by the caller
        inc=inc, t=t, kind=kind, status=status, severity=severity, kinds=kinds,
        statuses=statuses, severities=severities, plan=low.plan, route=low.route, n=n,
        source=np.arange(len(frame)),
    )  # fmt: skip
    low.rows = np.arange(n)
    return low


def _mask(n: int, rows: Any) -> Any:
    np, _pd = _modules()
    out = np.zeros(n, dtype=bool)
    out[rows] = True
    return out


def _select(ev: Events, keep_incident: Any, now_us: int) -> tuple[Events, Any]:
    """The events of the kept incidents up to ``now``, renumbered; and the kept indices."""
    np, _pd = _modules()
    keep = keep_incident[ev.inc] & (ev.t <= now_us)
    kept = np.flatnonzero(keep_incident)
    alive = np.zeros(ev.n, dtype=bool)
    alive[ev.inc[keep]] = True
    kept = np.flatnonzero(keep_incident & alive)
    renumber = np.full(ev.n, -1, dtype=np.int64)
    renumber[kept] = np.arange(kept.size)
    keep &= alive[ev.inc]
    sub = Events(
        inc=renumber[ev.inc[keep]], t=ev.t[keep], kind=ev.kind[keep], status=ev.status[keep],
        severity=ev.severity[keep], kinds=ev.kinds, statuses=ev.statuses,
        severities=ev.severities,
        plan=ev.plan if kept.size == ev.n else [ev.plan[k] for k in kept.tolist()],
        route=ev.route[kept], n=kept.size,
        source=None if ev.source is None else ev.source[keep],
    )  # fmt: skip
    return sub, kept


# -- evaluate_frame -----------------------------------------------------------------------


#: The error of an incident none of whose rows a reader could read.
LOST = (
    "none of this incident's rows could be read; the log's issues (EventLog.issues) "
    "say why for each row"
)


def _add_lost(np: Any, pd: Any, low: _Lowered, base: Any, lost: tuple[Any, ...]) -> Any:
    """Give each incident the reader lost a row of its own, with an error, after the rest."""
    k = len(lost)
    low.n += k
    low.errors = np.concatenate([low.errors, np.full(k, LOST, dtype=object)])
    low.plan.extend([None] * k)
    low.route = np.concatenate([low.route, np.full(k, -1, dtype=np.int64)])
    opened = pd.Series(pd.NaT, index=range(len(base), low.n), dtype=base["opened"].dtype)
    extra = pd.DataFrame({"id": list(lost), "opened": opened}, index=opened.index)
    return pd.concat([base, extra])


def _attributes_at(log: EventLog, now_us: int) -> dict[str, Any]:
    """Each attribute of a log as in force at ``now`` (its last value by then), per incident.

    An incident opened after ``now`` has the values of its opening.
    """
    frame = log.frame
    if not log.attributes:
        return {}
    at_us = frame["at"].to_numpy("M8[ns]").view("i8") // 1000
    # an incident's rows are together, its opening first: the opening always counts
    seen = (at_us <= now_us) | ~frame["id"].duplicated().to_numpy()
    by_then = frame.loc[seen, ["id", *log.attributes]]
    # empty values are "not set by this event"; "" is a value cleared (a snapshot reader's)
    last = by_then.groupby("id", sort=False, observed=True).last()
    out = {}
    for name in log.attributes:
        values = last[name].to_numpy(dtype=object)
        values[values == ""] = None
        out[name] = values
    return out


def _openings(log: EventLog, plan: Compiled, first: Any) -> Any:
    """Each incident's opening instant (its ``first`` row), in the escalation clock's zone.

    An array of that dtype: no conversion through Python objects.
    """
    return log.frame["at"].iloc[first].dt.tz_convert(plan.escalation_zone).array


class LogRun:
    """An event log through the engine, for analyses that need more than the results.

    Attributes:
        ids: the log's incident ids, in order.
        errors: per incident, why it could not be evaluated, or ``None``.
        events: the engine's events (``events.source``: their rows in ``log.frame``).
        kept: the incidents the engine evaluated (indices into ``ids``); the others
            have an error or were not open yet.
        results: the engine's results (with its segments and measured targets); with
            ``only``, of that target alone (by index) and without tiers.
    """

    def __init__(
        self, log: EventLog, policy: Policy, as_of: datetime | str, *, only: int | None = None
    ) -> None:
        np, _pd = _modules()
        now = _instant(_as_of(as_of), "as_of")
        plan = compiled(policy)
        low = _log(policy, log, plan)
        self.ids: Any = low.ids  # type: ignore[attr-defined]
        self.errors = low.errors
        assert low.events is not None  # noqa: S101 - a log always lowers to events
        ok = np.equal(low.errors, None)
        self.events, self.kept = _select(low.events, ok, now)
        self.results = run(plan, self.events, now, only=only)


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
        block_size: How many incidents go through the engine at a time. The answer does
            not depend on it; the engine's working memory is proportional to it, so the
            cost per incident stays flat on large tables. The default suits most machines.

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
        return evaluate_frame_versions(
            incidents, policy, as_of=as_of, columns=columns, pauses=pauses, timezone=timezone
        )
    np, pd = _modules()
    as_of = _as_of(as_of)
    now_us = _instant(as_of, "as_of")
    plan = compiled(policy)
    if timezone is not None and (problem := zone_problem(timezone, "timezone")) is not None:
        raise ConfigError([problem])
    if type(block_size) is not int or block_size < 1:
        raise ConfigError.single(
            "block_size",
            f"block_size must be a positive whole number of incidents, not {block_size!r}",
            f"leave it out (default {BLOCK_SIZE:,}) or pass e.g. block_size=50_000",
        )
    if isinstance(incidents, EventLog):
        low = _log(policy, incidents, plan)
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
        incidents = _to_pandas(incidents)
        low = _wide(
            policy,
            incidents,
            columns=columns,
            pauses=_to_pandas(pauses),
            timezone=timezone,
        )
        base = incidents
    n = low.n
    res = _Collect(np, plan, n, now_us)
    if isinstance(incidents, EventLog) and low.events is not None:
        # goals in business days depend on each incident's start: through evaluate()
        ev = low.events
        days = np.zeros(low.n, dtype=bool)
        days[ev.inc[_in_business_days(policy, ev.severity, ev.severities, [None])]] = True
        for k in np.flatnonzero(days & np.equal(low.errors, None)).tolist():
            low.scalar.append((k, incidents.timeline(low.ids[k])))  # type: ignore[attr-defined]
            low.errors[k] = _SCALAR
    for events, rows in low.blocks(block_size):
        ok_inc = np.equal(low.errors[rows], None)
        sub, kept = _select(events, ok_inc, now_us)
        res.take(run(plan, sub, now_us), rows[kept], sub)
        # incidents not open yet at as_of: everything pending, as evaluate() says
        unopened = ok_inc.copy()
        unopened[kept] = False
        res.take_unopened(events, np.flatnonzero(unopened), rows)
    for row, timeline in low.scalar:
        if low.errors[row] is _SCALAR:
            low.errors[row] = None
        try:
            res.take_scalar(row, evaluate(policy, timeline, as_of=as_of))
        except EscalateError as exc:
            low.errors[row] = str(exc)
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


class _Collect:
    """The output arrays, filled from the engine's results and from evaluate()."""

    def __init__(self, np: Any, plan: Compiled, n: int, now: int) -> None:
        self.plan = plan
        self.n = n
        self._now = now
        self._sev_names = list(plan.policy.severity_names)
        self.severity = np.full(n, -1, dtype=np.int64)  # into the policy's severity names
        self.route_tiers = np.full(n, -1, dtype=np.int64)
        self.targets = {
            tp.name: {
                "status": np.full(n, -1, dtype=np.int64),
                **{
                    k: np.full(n, NAT, dtype=np.int64)
                    for k in ("goal", "elapsed", "due", "warning", "stopped")
                },
                "at_risk": np.zeros(n, dtype=bool),
            }
            for tp in plan.targets
        }
        self.fired: dict[int, Any] = {}  # tier level -> instants (µs)
        self.tier = np.full(n, -1, dtype=np.int64)  # the position of the tier in force
        self.tier_at = np.full(n, NAT, dtype=np.int64)
        self.next_pos = np.full(n, -1, dtype=np.int64)
        self.next_at = np.full(n, NAT, dtype=np.int64)
        self.next_change = np.full(n, NAT, dtype=np.int64)
        self.route = np.full(n, -2, dtype=np.int64)

    def take(self, out: Results, rows: Any, ev: Events) -> None:
        np, _pd = _modules()
        names = self._sev_names
        lut = np.array([*(names.index(s) if s in names else -1 for s in ev.severities), -1])
        self.severity[rows] = lut[out.severity]
        for name, figures in out.targets.items():
            mine = self.targets[name]
            for key in ("status", "goal", "elapsed", "due", "warning", "stopped", "at_risk"):
                mine[key][rows] = figures[key]
        self.route[rows] = ev.route
        now_next = out.next_change
        self.next_change[rows] = now_next
        policy = self.plan.policy
        for r_code, (incs, results) in out.tiers.items():
            route = policy.routes[r_code] if r_code >= 0 else None
            tiers = policy.tiers if route is None else route.tiers
            target_rows = rows[incs]
            current = np.full(incs.size, -1, dtype=np.int64)
            current_at = np.full(incs.size, NAT, dtype=np.int64)
            next_pos = np.full(incs.size, -1, dtype=np.int64)
            next_at = np.full(incs.size, NAT, dtype=np.int64)
            for k, (tier, (outcome, instant)) in enumerate(zip(tiers, results, strict=True)):
                fired = ((outcome == 0) | (outcome == 1)) & (instant <= self._now)
                column = self.fired.setdefault(tier.level, np.full(self.n, NAT, dtype=np.int64))
                column[target_rows[fired]] = instant[fired]
                current = np.where(fired, k, current)
                current_at = np.where(fired, instant, current_at)
                upcoming = (next_pos < 0) & (
                    ((outcome == 1) & (instant > self._now)) | (outcome < 0)
                )
                next_pos = np.where(upcoming, k, next_pos)
                next_at = np.where(upcoming & (outcome == 1), instant, next_at)
            self.tier[target_rows] = current
            self.tier_at[target_rows] = current_at
            self.next_pos[target_rows] = next_pos
            self.next_at[target_rows] = next_at
            self._notify(tiers, results, target_rows)

    def _notify(self, tiers: Any, results: list[tuple[Any, Any]], rows: Any) -> None:
        """Bring next_change_at forward to contacts still to be told (their own hours)."""
        np, _pd = _modules()
        policy = self.plan.policy
        for tier, (outcome, instant) in zip(tiers, results, strict=True):
            fired = ((outcome == 0) | (outcome == 1)) & (instant <= self._now)
            if not fired.any():
                continue
            for contact in tier.contacts:
                if contact.clock is None:
                    continue
                clock = policy.calendar(contact.clock)
                when = instant[fired]
                notify = clock.next_open_many((when * 1000).view("M8[ns]")).view("i8") // 1000
                later = notify > self._now
                where = rows[fired][later]
                old = self.next_change[where]
                self.next_change[where] = np.where(
                    (old == NAT) | (notify[later] < old), notify[later], old
                )

    def take_unopened(self, ev: Events, incs: Any, rows: Any) -> None:
        """Take the incidents opened after ``now``, as :func:`escalate.evaluate` says of them.

        Every target with a goal is pending, no tier has fired, the next change is the
        opening.
        """
        np, _pd = _modules()
        if not incs.size:
            return
        first = np.searchsorted(ev.inc, incs)  # each incident's opening row
        severity = ev.severity[first]
        policy = self.plan.policy
        for code in np.unique(severity).tolist():
            for plan in {ev.plan[k] for k in incs[severity == code].tolist()}:
                mine = incs[
                    (severity == code) & np.array([ev.plan[k] == plan for k in incs.tolist()])
                ]
                out = rows[mine]
                name = ev.severities[code]
                self.severity[out] = self._sev_names.index(name)
                specs = self.plan.goals(name, plan if self.plan.plans else None)
                for tp, spec in zip(self.plan.targets, specs, strict=True):
                    if spec is None:
                        continue
                    figures = self.targets[tp.name]
                    figures["status"][out] = 0
                    figures["goal"][out] = spec.us
                    figures["elapsed"][out] = 0
        self.route[rows[incs]] = ev.route[incs]
        self.next_pos[rows[incs]] = np.where(
            np.array(
                [len(policy.tiers if r < 0 else policy.routes[r].tiers) for r in ev.route[incs]]
            )
            > 0,
            0,
            -1,
        )
        self.next_change[rows[incs]] = ev.t[first]

    def take_scalar(self, row: int, ev: Any) -> None:
        names = self._sev_names
        self.severity[row] = names.index(ev.severity) if ev.severity in names else -1
        for result in ev.targets:
            mine = self.targets[result.name]
            mine["status"][row] = _CODE[result.status]
            mine["goal"][row] = _us(result.goal)
            mine["elapsed"][row] = _us(result.elapsed)
            mine["due"][row] = _at(result.due_at)
            mine["warning"][row] = _at(result.warning_at)
            mine["stopped"][row] = _at(result.stopped_at)
            mine["at_risk"][row] = result.at_risk
        policy = self.plan.policy
        names = [r.name for r in policy.routes]
        self.route[row] = -1 if ev.route is None else names.index(ev.route)
        levels = [entry.tier.level for entry in ev.schedule]
        for e in ev.escalations:
            self.fired.setdefault(e.level, _nat_array(self.n))[row] = _at(e.at)
        if ev.tier is not None:
            self.tier[row] = levels.index(ev.tier.level)
            self.tier_at[row] = _at(ev.escalations[-1].at)
        if ev.next_tier is not None:
            self.next_pos[row] = levels.index(ev.next_tier[0].level)
            self.next_at[row] = _at(ev.next_tier[1])
        self.next_change[row] = _at(ev.next_change_at)


def _nat_array(n: int) -> Any:
    np, _pd = _modules()
    return np.full(n, NAT, dtype=np.int64)


def _us(value: Any) -> int:
    return (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds  # type: ignore[no-any-return]


def _at(value: datetime | None) -> int:
    return NAT if value is None else _instant(value, "at")


_TARGET_COLUMNS: Final = (
    ("status", "string"),
    ("goal", "interval"),
    ("elapsed", "interval"),
    ("remaining", "interval"),
    ("due_at", "timestamp"),
    ("warning_at", "timestamp"),
    ("breached_at", "timestamp"),
    ("stopped_at", "timestamp"),
    ("met", "boolean"),
    ("at_risk", "boolean"),
)


def _levels(policy: Policy) -> list[int]:
    return sorted(
        {t.level for t in policy.tiers} | {t.level for r in policy.routes for t in r.tiers}
    )


def output_columns(policy: Policy) -> list[tuple[str, str]]:
    """The columns :func:`evaluate_frame` adds, in order, with their kind.

    Kinds: ``string``, ``long``, ``timestamp`` (UTC), ``interval`` and ``boolean``. The
    Spark schema reads this list, and the output is built in its order.
    """
    out = [
        ("severity", "string"),
        ("plan", "string"),
        ("route", "string"),
        ("tier_level", "long"),
        ("tier_name", "string"),
        ("tier_at", "timestamp"),
        ("next_tier_level", "long"),
        ("next_tier_name", "string"),
        ("next_tier_at", "timestamp"),
        ("next_change_at", "timestamp"),
        ("error", "string"),
    ]
    for target in policy.targets:
        out.extend((f"{target.name}_{suffix}", kind) for suffix, kind in _TARGET_COLUMNS)
    out.extend((f"tier_{level}_at", "timestamp") for level in _levels(policy))
    return out


def _output(  # noqa: PLR0917
    np: Any,
    pd: Any,
    policy: Policy,
    plan: Compiled,
    base: Any,
    low: _Lowered,
    res: _Collect,
    *,
    is_log: bool,
    categorical: bool,
) -> Any:
    n = low.n
    bad = ~np.equal(low.errors, None)
    route = np.where(bad, -2, res.route)
    tier_names: list[str] = []
    tier_levels: list[int] = []
    tier_code = np.full(n, -1, dtype=np.int64)
    next_code = np.full(n, -1, dtype=np.int64)
    for r in range(-1, len(policy.routes)):
        tiers = policy.tiers if r < 0 else policy.routes[r].tiers
        mine = route == r
        offset = len(tier_names)
        tier_names.extend(t.name for t in tiers)
        tier_levels.extend(t.level for t in tiers)
        tier_code[mine & (res.tier >= 0)] = offset + res.tier[mine & (res.tier >= 0)]
        next_code[mine & (res.next_pos >= 0)] = offset + res.next_pos[mine & (res.next_pos >= 0)]
    levels = np.array([*tier_levels, 0], dtype=np.int64)
    plan_names = sorted({p for p in low.plan if p is not None})
    if plan_names:
        lookup = {p: k for k, p in enumerate(plan_names)}
        plan_codes = np.array([lookup.get(p, -1) for p in low.plan], dtype=np.int64)  # type: ignore[arg-type]
    else:
        plan_codes = np.full(n, -1, dtype=np.int64)
    sev_names = list(policy.severity_names)
    sev_codes = res.severity
    if bad.any():
        error_codes, error_values = _factor(low.errors)
    else:
        error_codes, error_values = np.full(n, -1, dtype=np.int64), []

    def _strings(pd: Any, np: Any, codes: Any, names: list[str]) -> Any:
        return _text(pd, np, codes, names, categorical=categorical)

    new: dict[str, Any] = {
        "severity": _strings(pd, np, np.where(bad, -1, sev_codes), sev_names),
        "plan": _strings(pd, np, plan_codes, plan_names),
        "route": _strings(pd, np, np.where(route >= 0, route, -1), [r.name for r in policy.routes]),
        "tier_level": pd.arrays.IntegerArray(levels[tier_code], bad | (tier_code < 0)),
        "tier_name": _strings(pd, np, np.where(bad, -1, tier_code), tier_names),
        "tier_at": _times(pd, np.where(bad, NAT, res.tier_at)),
        "next_tier_level": pd.arrays.IntegerArray(levels[next_code], bad | (next_code < 0)),
        "next_tier_name": _strings(pd, np, np.where(bad, -1, next_code), tier_names),
        "next_tier_at": _times(pd, np.where(bad, NAT, res.next_at)),
        "next_change_at": _times(pd, np.where(bad, NAT, res.next_change)),
        "error": _strings(pd, np, error_codes, error_values),
    }
    for tp in plan.targets:
        figures = res.targets[tp.name]
        status = np.where(bad, -1, figures["status"])
        na = status < 0
        p = tp.name
        goal, elapsed = figures["goal"], figures["elapsed"]
        breached = status == _CODE[TargetStatus.BREACHED]
        met = status == _CODE[TargetStatus.MET]
        due = figures["due"]
        new[f"{p}_status"] = _strings(pd, np, status, list(_STATUSES))
        new[f"{p}_goal"] = _deltas(np.where(na, NAT, goal))
        new[f"{p}_elapsed"] = _deltas(np.where(na, NAT, elapsed))
        new[f"{p}_remaining"] = _deltas(np.where(na, NAT, goal - elapsed))
        new[f"{p}_due_at"] = _times(pd, np.where(na, NAT, due))
        new[f"{p}_warning_at"] = _times(pd, np.where(na, NAT, figures["warning"]))
        new[f"{p}_breached_at"] = _times(pd, np.where(breached & (due != NAT), due + 1, NAT))
        new[f"{p}_stopped_at"] = _times(pd, np.where(na, NAT, figures["stopped"]))
        new[f"{p}_met"] = pd.arrays.BooleanArray(met, ~(met | breached))
        new[f"{p}_at_risk"] = pd.arrays.BooleanArray(figures["at_risk"] & ~na, na)
    for level in _levels(policy):
        fired = res.fired.get(level, _nat_array(n))
        new[f"tier_{level}_at"] = _times(pd, np.where(bad, NAT, fired))
    added = pd.DataFrame(
        {name: new[name] for name, _kind in output_columns(policy)}, index=base.index
    )
    kept = base.drop(columns=[c for c in base.columns if c in new])
    out = pd.concat([kept, added], axis=1)
    if bad.any():
        count = int(bad.sum())
        first = str(low.errors[np.flatnonzero(bad)[0]])
        what = "incidents" if is_log else "incident rows"
        warnings.warn(
            f"{count} of {n} {what} could not be evaluated and have NA figures; "
            f"their 'error' column says why (first: {first})",
            BadRowsWarning,
            stacklevel=3,
        )
    return out


def _text(pd: Any, np: Any, codes: Any, names: list[str], *, categorical: bool) -> Any:
    """Build a text column from codes into ``names`` (-1: NA).

    A pandas ``string`` array (fast with pyarrow), or with ``categorical`` a ``category``
    one (``names`` may repeat: a tier name shared by routes is one category).
    """
    if categorical:
        distinct = list(dict.fromkeys(names))
        where = np.array([*(distinct.index(x) for x in names), -1], dtype=np.int64)
        return pd.Categorical.from_codes(where[codes], categories=pd.Index(distinct, dtype=object))
    dtype = pd.StringDtype()
    if dtype.storage == "pyarrow":
        pa = importlib.import_module("pyarrow")  # pandas uses it, so it is installed

        codes = np.asarray(codes, dtype=np.int32)
        decoded = pa.DictionaryArray.from_arrays(
            pa.array(codes, mask=codes < 0), pa.array(names, type=pa.string())
        ).dictionary_decode()
        return pd.arrays.ArrowStringArray(decoded)
    return pd.array(np.array([*names, None], dtype=object)[codes], dtype=dtype)  # pragma: no cover


def _deltas(us: Any) -> Any:
    np, _pd = _modules()
    return np.where(us == NAT, NAT, us * 1000).view("m8[ns]")


def _times(pd: Any, us: Any) -> Any:
    np, _pd = _modules()
    ns = np.where(us == NAT, NAT, us * 1000)
    return pd.DatetimeIndex(ns.view("M8[ns]")).tz_localize("UTC").array
