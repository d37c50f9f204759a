"""A time ledger: where a target's business time went, and goals per assignment group.

:func:`ledger` splits one target's elapsed business time, per incident of an
:class:`~escalate.EventLog`, by status, assignment group (any column the log carries) and
pause reason. It does not decide anything about the SLA itself: the table engine
(:func:`escalate._table.run`, the one behind :func:`~escalate.evaluate_frame`) already cuts
each incident into *segments* between event instants and says, for every segment, whether
the target runs, is paused, pending or stopped, which measurement it belongs to (a reopen
under ``restart`` begins a new one), on which clock it counts, and how much business time
it counted. The log's statuses and fields change only at event instants, so each segment
has one status and one value of each field; the ledger reads them and adds up.

- *Counted* rows are the running segments of the current measurement: they sum exactly
  (integer microseconds) to the target's ``elapsed``, as :func:`~escalate.evaluate` reports
  it. That law is a tested property.
- *Paused* rows are the paused segments of the current measurement, measured on the same
  clock; they are not part of ``elapsed``.

:func:`ola` turns the counted rows per group into operational level agreements: a goal
per assignment group for the time it holds the ticket, with a table shaped like
:func:`~escalate.evaluate_frame`'s so that :func:`~escalate.compliance` reports it per group.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

from escalate._columns import NAT, modules
from escalate._duration import _duration_problem
from escalate._engine import PAUSED, RUNNING
from escalate._errors import ConfigError, Problem, did_you_mean
from escalate._frame import BadRowsWarning, LogRun
from escalate._index import td_us
from escalate._plan import compiled
from escalate._table import _Groups

if TYPE_CHECKING:
    import pandas as pd
    from pandas import DataFrame as _DataFrame

    from escalate._history import EventLog
    from escalate._policy import Policy

__all__ = ["ledger", "ola"]

PARTS: Final = ("counted", "paused")
"""The two kinds of ledger rows: time the target counted, and time it was paused."""

_OLA: Final = "ola"


class _Split:
    """One target's segments of a log, with the log's values in force in each."""

    def __init__(
        self, log: EventLog, policy: Policy, as_of: datetime | str, target: str, by: list[str]
    ) -> None:
        np, _pd = modules()
        plan = compiled(policy)
        names = [tp.name for tp in plan.targets]
        if target not in names:
            hint = did_you_mean(target, names) or "the policy's targets are " + ", ".join(
                map(repr, names)
            )
            raise ConfigError.single("target", f"unknown target {target!r}", hint)
        tp = plan.targets[names.index(target)]
        self.target = target
        self.run = run = LogRun(log, policy, as_of)
        _warn_errors(np, run)
        res = run.results
        seg = res.segments
        self.by = by
        self.columns: dict[str, tuple[Any, Any]] = {}
        if seg is None or res.clocks is None:  # no event at or before as_of
            self.sel = np.zeros(0, dtype=np.int64)
            self.inc = self.code = self.us = self.reason = self.sel
            self.end = self.sel
            self.last = self.sel
            self.reasons = np.zeros(0, dtype=object)
            for column in by:
                self.columns[column] = (self.sel, np.zeros(0, dtype=object))
            return
        m = res.measured[tp.index]
        elapsed = res.targets[target]["elapsed"]
        n_seg = seg.t.size
        current = np.arange(n_seg) >= m.measure.start_of[seg.last_of][seg.index]
        code = m.code
        sel = np.flatnonzero(
            current & (elapsed[seg.index] != NAT) & ((code == RUNNING) | (code == PAUSED))
        )
        us = m.length[sel].copy()
        paused = np.flatnonzero((code[sel] == PAUSED) & (seg.end[sel] > seg.t[sel]))
        rows = sel[paused]
        us[paused] = res.clocks.between(m.clock[rows], seg.t[rows], seg.end[rows])
        # the log's row of the last event at each segment's instant: its state holds there
        source = run.events.source[seg.at[sel]]  # noqa: PD008 - not pandas
        frame = log.frame
        groups = _Groups(_first_rows(np, frame))
        status_codes, statuses = _ffilled(np, groups, frame["status"])
        for column in by:
            codes, values = _ffilled(np, groups, frame[column])
            self.columns[column] = (codes[source], values)
        self.sel, self.inc, self.code, self.us = sel, seg.index[sel], code[sel], us
        self.end = seg.end[sel]
        self.last = seg.last[sel]
        self.reason, self.reasons = _reasons(
            np, groups, frame, source, code[sel] == PAUSED, tp.pause_flag, status_codes, statuses
        )


def _first_rows(np: Any, frame: Any) -> Any:
    """Whether each row of a log's frame is its incident's first (incidents contiguous)."""
    _np, pd = modules()
    inc = np.asarray(pd.factorize(frame["id"])[0])
    return np.r_[True, inc[1:] != inc[:-1]] if inc.size else np.zeros(0, dtype=bool)


def _ffilled(np: Any, groups: _Groups, column: Any) -> tuple[Any, Any]:
    """A log column's value in force after each row: codes into its distinct values.

    A log writes a status or field only where it changes; ``""`` is a change to none.
    """
    _np, pd = modules()
    codes, uniques = pd.factorize(column)
    codes = np.asarray(codes, dtype=np.int64)
    values = np.asarray(uniques, dtype=object)
    return groups.ffill(codes, codes >= 0, default=np.int64(-1)), values


def _reasons(  # noqa: PLR0917
    np: Any,
    groups: _Groups,
    frame: Any,
    source: Any,
    paused: Any,
    pause_flag: bool,
    status_codes: Any,
    statuses: Any,
) -> tuple[Any, Any]:
    """Why each paused segment is paused: codes into the reasons (``-1``: counted).

    The reason of the ``paused`` event that holds the clock (``"paused"`` when it gives
    none) when the target takes the incident's pauses; else the status that holds it.
    """
    _np, pd = modules()
    kinds = frame["type"]
    is_paused = (kinds == "paused").to_numpy(dtype=bool)
    mark = is_paused | (kinds == "resumed").to_numpy(dtype=bool)
    reason, reasons = pd.factorize(frame["reason"])
    reason = np.asarray(reason, dtype=np.int64)
    n_reasons = len(reasons)
    # after a pause: its reason (n_reasons: none given); after a resume: -2
    held = np.where(is_paused, np.where(reason >= 0, reason, n_reasons), -2)
    held = groups.ffill(held, mark, default=np.int64(-2))[source]
    by_event = held >= 0 if pause_flag else np.zeros(source.size, dtype=bool)
    status = status_codes[source]
    out = np.where(by_event, held, np.where(status >= 0, n_reasons + 1 + status, n_reasons))
    out = np.where(paused, out, -1)
    names = np.array([*np.asarray(reasons, dtype=object), "paused", *statuses], dtype=object)
    # a reason may also be a status name: one value, one code
    dense, uniques = pd.factorize(names)
    dense = np.asarray(dense, dtype=np.int64)
    return np.where(out >= 0, dense[np.maximum(out, 0)], -1), np.asarray(uniques, dtype=object)


def _warn_errors(np: Any, run: LogRun) -> None:
    bad = np.flatnonzero(np.not_equal(run.errors, None))
    if bad.size:
        warnings.warn(
            f"{bad.size} of {len(run.errors)} incidents could not be evaluated and are left "
            f"out; evaluate_frame gives each one its 'error' (first: {run.errors[bad[0]]})",
            BadRowsWarning,
            stacklevel=4,
        )


def _by(log: EventLog, by: Sequence[str] | str, path: str = "by") -> list[str]:
    """Check the columns to split by; every mistake at once, by position."""
    columns = [by] if isinstance(by, str) else list(by)
    known = ["status", "severity", *log.attributes]
    problems = []
    for i, name in enumerate(columns):
        where = f"{path}[{i}]" if not isinstance(by, str) else path
        if name not in known:
            hint = did_you_mean(str(name), known) or (
                "the log follows " + ", ".join(map(repr, known)) + "; read other columns "
                "with attributes=[...] in the EventLog reader"
            )
            problems.append(Problem(path=where, message=f"unknown column {name!r}", hint=hint))
        elif columns.index(name) != i:
            problems.append(Problem(path=where, message=f"{name!r} is given twice"))
    if problems:
        raise ConfigError(problems)
    return columns


def _group_keys(np: Any, keys: list[Any]) -> Any:
    """Codes (in order of first appearance) of the distinct tuples of integer columns."""
    _np, pd = modules()
    key = np.zeros(keys[0].size, dtype=np.int64)
    for column in keys:
        width = int(column.max()) + 2 if column.size else 1
        if key.size and int(key.max()) >= (2**62) // width:
            key = np.asarray(pd.factorize(key)[0], dtype=np.int64)  # keep it inside int64
        key = key * width + (column + 1)
    return np.asarray(pd.factorize(key)[0], dtype=np.int64)


def _sums(np: Any, codes: Any, values: Any, k: int) -> Any:
    """Exact integer sums of ``values`` per code ``0..k-1``."""
    order = np.argsort(codes, kind="stable")
    starts = np.searchsorted(codes[order], np.arange(k))
    if not k:
        return np.zeros(0, dtype=np.int64)
    return np.add.reduceat(values[order], starts).astype(np.int64)


def _firsts(np: Any, codes: Any, k: int) -> Any:
    """The first position of each code ``0..k-1``."""
    out = np.empty(k, dtype=np.int64)
    out[codes[::-1]] = np.arange(codes.size - 1, -1, -1)
    return out


def _category(pd: Any, np: Any, codes: Any, values: Any) -> Any:
    """A categorical column; ``""`` (a change to none) is NA."""
    keep = values != ""
    remap = np.where(keep, np.cumsum(keep) - 1, -1)
    fixed = np.where(codes >= 0, remap[np.maximum(codes, 0)], -1) if values.size else codes
    return pd.Categorical.from_codes(fixed, categories=pd.Index(values[keep], dtype=object))


def _ids(np: Any, run: LogRun, inc: Any) -> Any:
    return np.asarray(run.ids, dtype=object)[run.kept[inc]]


def _deltas(np: Any, us: Any) -> Any:
    return np.where(us == NAT, NAT, us * 1000).view("m8[ns]")


def ledger(
    log: EventLog,
    policy: Policy,
    /,
    *,
    as_of: datetime | str,
    target: str = "resolution",
    by: Sequence[str] | str = ("status", "assignment_group"),
) -> pd.DataFrame:
    """Split a target's business time per incident by status, group and pause reason.

    Args:
        log: The incidents' histories.
        policy: The support agreement: its target's start, pause and stop conditions,
            reopen rule and clock decide what counts, exactly as in :func:`evaluate`.
        as_of: The instant of evaluation (timezone-aware, or ISO 8601 with an offset).
        target: The target to split.
        by: The columns to split by: ``"status"``, ``"severity"`` or attributes the log
            follows (``assignment_group``...), each the value in force at the time.

    Returns:
        One row per incident and distinct (``by`` values, ``pause_reason``, ``part``),
        incidents in the log's order: ``id``, ``target``, the ``by`` columns (NA while a
        field is empty), ``pause_reason`` (NA on counted rows), ``part`` (``"counted"``
        or ``"paused"``), ``time`` (a timedelta) and ``us`` (integer microseconds). The
        counted rows of an incident sum exactly to its target's ``elapsed``; paused rows
        are the time its clock was held, on the same clock, and are not part of it. Only
        the current measurement counts (after a reopen under ``restart``, the new one).
        An incident whose target does not apply, or has not started, has no rows.

    Raises:
        ConfigError: an unknown target, or a ``by`` column the log does not have.

    Incidents that cannot be evaluated are left out, and one :class:`BadRowsWarning`
    counts them (:func:`evaluate_frame` says why for each).
    """
    np, pd = modules()
    columns = _by(log, by)
    split = _Split(log, policy, as_of, target, columns)
    part = (split.code == PAUSED).astype(np.int64)
    keys = [split.inc, *(split.columns[c][0] for c in columns), split.reason, part]
    codes = _group_keys(np, keys)
    k = int(codes.max()) + 1 if codes.size else 0
    us = _sums(np, codes, split.us, k)
    first = _firsts(np, codes, k)
    data: dict[str, Any] = {
        "id": _ids(np, split.run, split.inc[first]),
        "target": pd.Categorical([target] * k, categories=[target]),
    }
    for column in columns:
        values_codes, values = split.columns[column]
        data[column] = _category(pd, np, values_codes[first], values)
    data["pause_reason"] = _category(pd, np, split.reason[first], split.reasons)
    data["part"] = pd.Categorical.from_codes(part[first], categories=list(PARTS))
    data["time"] = _deltas(np, us)
    data["us"] = us
    out: _DataFrame = pd.DataFrame(data)
    return out


def _goals(goals: object) -> dict[str, int]:
    """Parse the goals per group; every mistake at once, by key path."""
    if not isinstance(goals, Mapping):
        msg = f"expected a mapping of group to goal, got {type(goals).__name__}"
        raise ConfigError.single("goals", msg, 'e.g. {"Service Desk": "4h"}')
    out: dict[str, int] = {}
    problems = []
    for group, goal in goals.items():
        path = f"goals[{group!r}]"
        parsed = _duration_problem(goal)
        if isinstance(parsed, str):
            problems.append(Problem(path=path, message=parsed, hint="write it as '4h' or '1h30m'"))
        elif parsed < timedelta(0):
            problems.append(Problem(path=path, message=f"a negative goal, {goal!r}"))
        else:
            out[str(group)] = td_us(parsed)
    if problems:
        raise ConfigError(problems)
    return out


def ola(
    log: EventLog,
    policy: Policy,
    /,
    *,
    goals: Mapping[str, str | timedelta],
    as_of: datetime | str,
    target: str = "resolution",
    group: str = "assignment_group",
) -> pd.DataFrame:
    """Operational level agreements: a goal per group for the time it holds the ticket.

    The time a group holds a ticket is the business time the target counted while the
    group was assigned: the counted rows of :func:`ledger` by ``group``, so pauses do
    not count and the times of an incident's groups add up to its ``elapsed``. A group
    that holds a ticket twice (it came back) is judged on the sum.

    Args:
        log: The incidents' histories, following ``group`` (``attributes=[...]``).
        policy: The support agreement whose ``target`` is measured.
        goals: Group name to goal, e.g. ``{"Service Desk": "4h", "Network": "8h"}``
            (duration text or a timedelta, in business time on the target's clock).
        as_of: The instant of evaluation.
        target: The target whose time the groups share.
        group: The log's column of the group that holds the ticket.

    Returns:
        One row per incident and group that held it while the target ran or was
        paused: ``id``, ``group`` (under its column name; NA: no group), ``ola_goal``,
        ``ola_elapsed`` (time held), ``ola_status`` (``breached`` over the goal; else
        ``running`` or ``paused`` while the group holds the ticket and the target runs
        or is paused, ``met`` once it no longer does; NA for a group without a goal)
        and ``ola_stopped_at`` (when its last hold ended; NaT while it holds). The
        columns are those of :func:`evaluate_frame` for a target named ``ola``, so
        ``compliance(table, by=[group], targets=["ola"])`` gives the share met per group.

    Raises:
        ConfigError: a goal is not a duration, or ``target`` or ``group`` is unknown.
    """
    np, pd = modules()
    parsed = _goals(goals)
    _by(log, group, path="group")
    split = _Split(log, policy, as_of, target, [group])
    codes_g, names = split.columns[group]
    codes = _group_keys(np, [split.inc, codes_g])
    k = int(codes.max()) + 1 if codes.size else 0
    counted = np.where(split.code == RUNNING, split.us, 0)
    held = _sums(np, codes, counted, k)
    first = _firsts(np, codes, k)
    # per (incident, group): the end of its last hold, and whether it holds the ticket now
    last = np.zeros(k, dtype=np.int64)
    last[codes] = np.arange(codes.size)  # the last position of each code wins
    holding = split.last[last]
    goal_of = np.array([parsed.get(str(v), -1) for v in names] + [-1], dtype=np.int64)
    goal = goal_of[codes_g[first]]
    applies = goal >= 0
    status = np.where(
        held > goal,
        "breached",
        np.where(holding, np.where(split.code[last] == PAUSED, "paused", "running"), "met"),
    )
    status_col = pd.Categorical(
        np.where(applies, status, None),
        categories=["running", "paused", "met", "breached"],
    )
    stopped = np.where(holding, NAT, split.end[last])
    utc = pd.DatetimeIndex(_deltas(np, stopped).view("M8[ns]")).tz_localize("UTC")
    out: _DataFrame = pd.DataFrame(
        {
            "id": _ids(np, split.run, split.inc[first]),
            group: _category(pd, np, codes_g[first], names),
            "ola_goal": _deltas(np, np.where(applies, goal, NAT)),
            "ola_elapsed": _deltas(np, held),
            "ola_status": status_col,
            "ola_stopped_at": utc,
        }
    )
    return out
