"""Lowering incident tables for the engine: the pieces both inputs share.

A wide table (:mod:`escalate._lower_wide`) and an event log (:mod:`escalate._lower_log`)
become the same long arrays of events (:class:`escalate._table.Events`), with per-row
errors, plans and routes, in a :class:`_Lowered`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

from escalate._columns import hashable, modules, safe_text
from escalate._errors import (
    ConfigError,
    EscalateError,
    EscalateWarning,
    Problem,
    did_you_mean,
    warn,
)
from escalate._index import to_datetime
from escalate._plan import compiled
from escalate._results import TargetStatus
from escalate._table import Events
from escalate._timeline import BUILTIN_EVENTS, Timeline

if TYPE_CHECKING:
    from escalate._lower_wide import _WideEvents
    from escalate._policy import Policy

_STATUSES: Final = tuple(s.value for s in TargetStatus)
_BASE_COLUMNS: Final = ("id", "opened", "responded", "resolved", "severity", "plan")
# events at the same instant are ordered like this when a row becomes events
_RANK: Final = {"opened": 0, "paused": 1, "resumed": 1, "responded": 2, "resolved": 3}
_CODE: Final = {s: i for i, s in enumerate(TargetStatus)}


_SCALAR: Final = "(evaluated one by one)"  # a marker that keeps a row out of the engine
# incidents per engine block, and events: a block's working arrays (tens of MB) stay under
# glibc's largest trim threshold (64 MB), so the heap keeps them from block to block instead
# of giving them back and faulting them in again (which made 5M rows 1.3x slower per row)
BLOCK_SIZE: Final = 32_768
BLOCK_EVENTS: Final = 131_072


def _check_block_size(block_size: object) -> int:
    """``block_size`` as given, or a :class:`ConfigError` saying what it must be."""
    if type(block_size) is not int or block_size < 1:
        raise ConfigError.single(
            "block_size",
            f"block_size must be a positive whole number of incidents, not {block_size!r}",
            f"leave it out (default {BLOCK_SIZE:,}) or pass e.g. block_size=50_000",
        )
    return block_size


class BadRowsWarning(EscalateWarning):
    """Some rows of an incident table could not be evaluated; their ``error`` column says why."""


class MissingColumnsWarning(EscalateWarning):
    """An event column the policy uses is absent, so that event never happens in the table.

    Name the column with ``columns={"responded": "first_reply_at"}``, or say that the
    table has no such events with ``columns={"responded": None}``.
    """


def _modules() -> tuple[Any, Any]:
    return modules()


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
            warn(
                "the incident table has no column for "
                + ", ".join(repr(a) for a in absent)
                + ": those events never happen in it. Map them with columns={...: 'your "
                "column'} or say so with columns={...: None}; the table has "
                + ", ".join(map(repr, sorted(present))),
                MissingColumnsWarning,
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
        # errors kept sparse: per row the index of its message in ``messages`` (-1: none)
        self.error_code = np.full(n, -1, dtype=np.int32)
        self.messages: list[str] = []
        self._message_code: dict[str, int] = {}
        self.events: Events | None = None
        self.rows: Any = np.zeros(0, dtype=np.int64)  # output row of each engine incident
        self.scalar: list[tuple[int, Timeline]] = []
        self.plan: list[str | None] = [None] * n
        self.route = np.full(n, -1, dtype=np.int64)
        self.wide: _WideEvents | None = None

    def blocks(self, size: int) -> Iterator[tuple[Events, Any]]:
        """The engine's events in blocks of at most ``size`` incidents, with their rows.

        A log's blocks also hold at most ``BLOCK_EVENTS`` events (an incident with more has
        a block of its own); a table's rows have a few events each.
        """
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
        starts = np.searchsorted(ev.inc, np.arange(ev.n + 1))  # each incident's first event
        a = 0
        while a < ev.n:
            # at most ``size`` incidents and BLOCK_EVENTS events (one incident at least)
            b = int(np.searchsorted(starts, starts[a] + BLOCK_EVENTS, side="right")) - 1
            b = min(max(b, a + 1), a + size, ev.n)
            lo, hi = int(starts[a]), int(starts[b])
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
            a = b

    def _code(self, message: str) -> int:
        code = self._message_code.get(message)
        if code is None:
            code = self._message_code[message] = len(self.messages)
            self.messages.append(message)
        return code

    def fail(self, mask: Any, message: str) -> None:
        """Give the rows of ``mask`` that have no error yet this one (the first one wins)."""
        new = mask & (self.error_code < 0)
        if new.any():
            self.error_code[new] = self._code(message)

    def set_error(self, row: int, message: str | None) -> None:
        """Set (or with ``None`` clear) the error of one row."""
        self.error_code[row] = -1 if message is None else self._code(message)

    def error(self, row: int) -> str | None:
        """The error of one row, or ``None``."""
        code = int(self.error_code[row])
        return None if code < 0 else self.messages[code]

    def ok(self) -> Any:
        """Per row, whether it has no error."""
        return self.error_code < 0

    def add_rows(self, k: int, message: str) -> None:
        """Add ``k`` rows at the end, each with ``message`` as its error."""
        np, _pd = _modules()
        code = self._code(message)
        self.error_code = np.concatenate([self.error_code, np.full(k, code, dtype=np.int32)])
        self.n += k


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


class _RowError(EscalateError):
    """A row of a table that cannot become a timeline (its message is the row's error)."""


def _utc(ns: int) -> datetime:
    return to_datetime(int(ns) // 1000, UTC)


def _mask(n: int, rows: Any) -> Any:
    np, _pd = _modules()
    out = np.zeros(n, dtype=bool)
    out[rows] = True
    return out


def _select(ev: Events, keep_incident: Any, now_us: int) -> tuple[Events, Any]:
    """The events of the kept incidents up to ``now``, renumbered; and the kept indices."""
    np, _pd = _modules()
    keep = keep_incident[ev.inc] & (ev.t <= now_us)
    alive = np.zeros(ev.n, dtype=bool)
    if keep.all():  # every event counts (the usual case): no copies unless one has none
        alive[ev.inc] = True
        if alive.all():
            return ev, np.arange(ev.n)
    else:
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
