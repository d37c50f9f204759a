"""A wide incident table (one row per incident) lowered to the engine's events."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from escalate._checks import excerpt
from escalate._columns import (
    MISSING,
    NAT,
    attribute_codes,
    instants,
    pandas_frame,
    settled_message,
    text_codes,
)
from escalate._errors import (
    ConfigError,
    EscalateError,
    InvalidInstantError,
    NaiveDatetimeError,
    warn,
)
from escalate._lower import (
    _RANK,
    _in_business_days,
    _Layout,
    _Lowered,
    _mask,
    _modules,
    _plan_problems,
    _routes,
    _RowError,
    _severity_problems,
    _utc,
)
from escalate._table import Events
from escalate._timeline import Timeline

if TYPE_CHECKING:
    from escalate._policy import Policy


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
    sev_codes, sev_names = _text(incidents[layout.names["severity"]])
    _severity_problems(low, policy, sev_codes, sev_names, f"column {layout.names['severity']!r}")
    plan_name = layout.column("plan")
    if plan_name is not None:
        plan_codes, plan_names = attribute_codes(incidents[plan_name])
        _plan_problems(low, policy, plan_codes, plan_names)
        low.plan = [plan_names[c] if c >= 0 else None for c in plan_codes.tolist()]
    attributes = {
        key: attribute_codes(incidents[name])
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
    ok = low.ok()
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
            low.set_error(row, str(exc))
    return low


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
    """An instant column of an incident table (raises for a column of the wrong kind).

    Wall times that happen twice or not at all in ``timezone`` are taken as the scalar
    path takes them, with an :class:`~escalate.EscalateWarning` that says so.
    """
    try:
        ns, absent, problems, settled = instants(
            values, column=name, timezone=timezone, zone=policy.timezone
        )
    except NaiveDatetimeError:
        raise
    except InvalidInstantError as exc:
        msg = (
            f"column {name!r} must hold datetimes (tz-aware, or naive with timezone=...), "
            f"not what it holds: {exc}"
        )
        raise InvalidInstantError(msg) from None
    for mask, reason in settled:
        warn(settled_message(name, values, mask, reason))
    return ns, absent, problems


def _text(values: Any) -> tuple[Any, list[str]]:
    """A text column as codes (``-1``: none) and names, read as the history readers read it.

    Stripped, and the values exports write for "no value" (``?``, ``N/A``...) are none:
    ``"alta "`` is the severity ``alta`` here as in an :class:`~escalate.EventLog`.
    """
    codes, names = text_codes(values, MISSING)
    return codes, [str(name) for name in names.tolist()]


def _pause_spans(
    pauses: Any, ids: Any, opened: Any, timezone: str | None, policy: Policy
) -> tuple[dict[int, list[tuple[int, int]]], Any, list[tuple[Any, str]]]:
    """Return each row's pause spans (ns), the rows whose pauses are odd, and bad rows.

    Odd: not in order, overlapping, without a start, or before the opening; the engine
    does not lay those out, evaluate() judges them. Bad: ``(incident rows, message)`` for
    pause rows whose start or end cannot be read (an unreadable end is not "still paused")
    or whose end comes before its start, each named by the pause table's index label.
    """
    np, pd = _modules()
    pauses = pandas_frame(pauses, "pauses")
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
    backwards = (start != NAT) & (end != NAT) & (end < start)
    found = [("start", mask, reason) for mask, reason in start_problems]
    found += [("end", mask, reason) for mask, reason in end_problems]
    if backwards.any():
        found.append(("end", backwards, "is before the pause's start; swap them or mend the end"))
    for column, mask, reason in found:
        for at in np.flatnonzero(mask).tolist():
            mine = position["row"].to_numpy()[position["id"].to_numpy() == table["id"][at]]
            given = pauses[column].iloc[at]
            value = excerpt(given.isoformat() if isinstance(given, datetime) else given)
            # the row as the caller knows it: its index label (the command line counts from 1)
            message = f"pause table row {excerpt(pauses.index[at])}: {column} {value} {reason}"
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
