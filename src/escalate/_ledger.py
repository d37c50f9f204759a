"""A time ledger: where a target's business time went, and goals per assignment group.

:func:`ledger` splits one target's elapsed business time, per incident of an
:class:`~escalate.EventLog`, by status, assignment group (any column the log carries) and
pause reason. It does not decide anything about the SLA itself: the table engine
(:func:`escalate._table.run`, the one behind :func:`~escalate.evaluate_frame`, run on blocks
of incidents as there) already cuts each incident into *segments* between event instants
and says, for every segment, whether
the target runs, is paused, pending or stopped, which measurement it belongs to (a reopen
under ``restart`` begins a new one), on which clock it counts, and how much business time
it counted. The log's statuses and fields change only at event instants, so each segment
has one status and one value of each field; the ledger reads them and adds up.

- *Counted* rows are the running segments of the current measurement: they sum exactly
  (integer microseconds) to the target's ``elapsed``, as :func:`~escalate.evaluate` reports
  it. That law is a tested property.
- *Paused* rows are the paused segments of the current measurement, measured on the same
  clock; they are not part of ``elapsed``.

:func:`ola` turns a ledger's counted rows per group into operational level agreements: a
goal per assignment group for the time it holds the ticket, in a table shaped like
:func:`~escalate.evaluate_frame`'s so that :func:`~escalate.compliance` reports it per group.
It reads the ledger, not the log: one pass of the engine serves both tables.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

from escalate._checks import expect
from escalate._columns import NAT, column_names, modules, pandas_frame, repeated
from escalate._duration import _duration_problem
from escalate._errors import ConfigError, Problem, did_you_mean, warn
from escalate._fold import PAUSED, RUNNING
from escalate._frame import BadRowsWarning
from escalate._history import EventLog
from escalate._index import td_us
from escalate._lower import _check_block_size
from escalate._lower_log import LogRun
from escalate._plan import RESTART, compiled, policy_argument
from escalate._versions import PolicyVersions

if TYPE_CHECKING:
    import pandas as pd
    from pandas import DataFrame as _DataFrame

    from escalate._policy import Policy
    from escalate._table import Events

__all__ = ["ledger", "ola"]

PARTS: Final = ("counted", "paused")
"""The two kinds of ledger rows: time the target counted, and time it was paused."""

_RESERVED: Final = frozenset(
    {"id", "target", "pause_reason", "part", "time", "us", "until", "current"}
)
"""The ledger's own columns: no ``by`` column can take their names."""

BLOCK_SIZE: Final = 16_384
"""Incidents per engine block in a ledger: a quarter of :func:`evaluate_frame`'s, as the
ledger keeps more arrays per segment (measured fastest by ``benchmarks/ledger.py``)."""

OLA_STATUSES: Final = ("running", "paused", "met", "breached")
"""The statuses of a group's hold of a ticket, as the OLA table's categories."""


class _Coded:
    """The log's columns a ledger reads, coded once per frame row, and their values.

    ``codes[name]`` (per ``by`` column other than ``status``: codes into
    ``vocab[name]``, ``-1`` empty; ``width[name]``: one more than the largest code),
    ``reason`` (the ``reason`` column's codes) and the pause reasons' vocabulary:
    ``dense`` maps ``[*reasons, "paused", *statuses]`` to codes into ``reasons`` (a
    reason may also be a status name: one value, one code).
    """

    def __init__(self, log: EventLog, statuses: list[str], by: list[str]) -> None:
        np, pd = modules()
        frame = log.frame
        self.codes: dict[str, Any] = {}
        self.vocab: dict[str, Any] = {}
        for column in by:
            if column == "status":
                self.vocab[column] = np.asarray(statuses, dtype=object)
            else:
                self.codes[column], self.vocab[column] = _codes(np, frame[column], narrow=True)
        self.reason, reasons = _codes(np, frame["reason"], narrow=True)
        self.n_reasons = len(reasons)
        names = np.array([*reasons, "paused", *statuses], dtype=object)
        dense, uniques = pd.factorize(names)
        self.dense = np.r_[np.asarray(dense, dtype=np.int64), -1]  # -1: counted
        self.reasons = np.asarray(uniques, dtype=object)
        self.width = {column: len(self.vocab[column]) + 1 for column in by}
        self.width["pause_reason"] = len(self.reasons) + 1


def _block(  # noqa: PLR0917
    np: Any, tp: Any, coded: _Coded, by: list[str], ev: Events, kept: Any, res: Any
) -> dict[str, Any] | None:
    """One block's ledger rows: per (incident, ``by`` values, reason, part), as arrays.

    ``inc`` (indices into the log's ids), per ``by`` column its codes, ``reason``,
    ``part``, ``us``, ``end`` and ``current``. Incidents never span blocks, so the rows
    of the blocks, one after the other, are those of the whole log.
    """
    seg = res.segments
    if seg is None or res.clocks is None:  # no event at or before as_of
        return None
    m = res.measured[tp.index]
    code = m.code
    keep = (code == RUNNING) | (code == PAUSED)
    applies = res.targets[tp.name]["elapsed"] != NAT
    if not applies.all():
        keep &= applies[seg.index]
    if m.rule == RESTART:  # only the current measurement (else it is the whole incident)
        keep &= np.arange(code.size) >= m.measure.start_of[seg.last_of][seg.index]
    sel = np.flatnonzero(keep)
    inc = seg.index[sel]
    t, end = seg.t[sel], seg.end[sel]
    is_paused = code[sel] == PAUSED
    us = m.length[sel]
    paused = np.flatnonzero(is_paused & (end > t))
    us[paused] = res.clocks.between(m.clock[sel[paused]], t[paused], end[paused])
    # the state after the last event at each segment's instant holds in the segment
    at = seg.at[sel]  # noqa: PD008 - not pandas
    status = res.status[sel]  # the engine's own: no second pass over the events
    # each incident's first event: a value given before it belongs to another incident
    where = (np.arange(ev.inc.size), np.r_[True, ev.inc[1:] != ev.inc[:-1]], at)
    columns = []
    for column in by:
        if column == "status":
            columns.append(status)
        else:
            # a log writes a field only where it changes; "" is a change to none
            codes = coded.codes[column][ev.source]
            columns.append(_in_force(np, where, codes, codes >= 0))
    reason = _reasons(np, ev, coded, where, is_paused, tp.pause_flag, status)
    reduced = _Reduced(
        np,
        [inc, *columns, reason, is_paused],
        widths=[*(coded.width[c] for c in by), coded.width["pause_reason"], 2],
    )
    first, last = reduced.first, reduced.last
    out = {"inc": kept[inc[first]]}
    for column, codes in zip(by, columns, strict=True):
        out[column] = codes[first].astype(_narrow(np, coded.width[column]))
    out["reason"] = reason[first].astype(_narrow(np, coded.width["pause_reason"]))
    out["part"] = is_paused[first]
    out["us"] = reduced.sum(np, us)
    out["end"] = end[last]
    out["current"] = seg.last[sel[last]]
    return out


def _in_force(np: Any, where: tuple[Any, Any, Any], values: Any, given: Any) -> Any:
    """The last value given in each segment's incident by its event, else the default.

    ``where``: the block's event indices, whether each event is its incident's first,
    and each segment's event; ``values`` hold the default where none is given.
    """
    index, first, at = where
    return values[np.maximum.accumulate(np.where(given | first, index, -1))[at]]


def _codes(np: Any, column: Any, *, narrow: bool = False) -> tuple[Any, Any]:
    """A log column as codes into its distinct values (``-1``: empty).

    ``int64`` codes, or with ``narrow`` the smallest integers that hold them.
    """
    _np, pd = modules()
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = column.cat.codes.to_numpy()
        values = np.asarray(column.cat.categories, dtype=object)
    else:
        codes, values = pd.factorize(column)
        values = np.asarray(values, dtype=object)
    return (codes if narrow else np.asarray(codes, dtype=np.int64)), values


def _reasons(  # noqa: PLR0917
    np: Any,
    ev: Events,
    coded: _Coded,
    where: tuple[Any, Any, Any],
    paused: Any,
    pause_flag: bool,
    status: Any,
) -> Any:
    """Why each paused segment is paused: codes into ``coded.reasons`` (``-1``: counted).

    The reason of the ``paused`` event that holds the clock (``"paused"`` when it gives
    none) when the target takes the incident's pauses; else the status that holds it.
    ``where``: as :func:`_in_force` reads it.
    """
    n_reasons = coded.n_reasons
    out = np.where(status >= 0, status.astype(np.int64) + (n_reasons + 1), n_reasons)
    kinds = {name: k for k, name in enumerate(ev.kinds)}
    if pause_flag and "paused" in kinds:
        # the last paused or resumed event at or before each segment, in its incident
        is_paused = ev.kind == kinds["paused"]
        mark = is_paused | (ev.kind == kinds.get("resumed", -1))
        reason = coded.reason[ev.source].astype(np.int64)
        held = np.where(is_paused, np.where(reason >= 0, reason, n_reasons), -2)
        held = _in_force(np, where, held, mark)
        out = np.where(held >= 0, held, out)
    return coded.dense[np.where(paused, out, -1)]


def _warn_unknown_groups(unknown: list[str], names: list[str], group: str) -> None:
    """Say which goals of :func:`ola` look like a misspelt group of the table.

    Only those close to a group that is there: goals for every group of a desk are
    usual, and a month without a group's tickets is no mistake.
    """
    for name in unknown:
        hint = did_you_mean(name, names)
        if hint is not None:
            warn(
                f"ola: the goal for {name!r} names no group in {group!r}, so that group's "
                f"rows have no goal; {hint}"
            )


def warn_left_out(runs: Sequence[LogRun]) -> None:
    """One :class:`BadRowsWarning` counting the incidents of ``runs`` left out, if any."""
    np, _pd = modules()
    bad = sum(int((~run.ok).sum()) for run in runs)
    if bad:
        total = sum(run.ok.size for run in runs)
        first = next(run.error(int(np.flatnonzero(~run.ok)[0])) for run in runs if not run.ok.all())
        warn(
            f"{bad} of {total} incidents could not be evaluated and are left "
            f"out; evaluate_frame gives each one its 'error' (first: {first})",
            BadRowsWarning,
        )


def _target(policies: Sequence[Policy], target: str) -> Any:
    """The compiled target of that name of the first policy that has it.

    Raises:
        ConfigError: none has it (the error names the known ones).
    """
    names: list[str] = []
    for policy in policies:
        plan = compiled(policy)
        for tp in plan.targets:
            if tp.name == target:
                return tp
            names.append(tp.name)
    names = list(dict.fromkeys(names))
    hint = did_you_mean(target, names) or "the policy's targets are " + ", ".join(map(repr, names))
    raise ConfigError.single("target", f"unknown target {target!r}", hint)


def _by(log: EventLog, by: Sequence[str] | str) -> list[str]:
    """Check the columns to split by; every mistake at once, by position."""
    columns = column_names(by)
    known = ["status", "severity", *log.attributes]
    twice = {problem.path: problem for problem in repeated(columns)}
    problems = []
    for i, name in enumerate(columns):
        where = "by" if isinstance(by, str) else f"by[{i}]"
        if name not in known:
            hint = did_you_mean(str(name), known) or (
                "the log follows " + ", ".join(map(repr, known)) + "; read other columns "
                "with attributes=[...] in the EventLog reader"
            )
            problems.append(Problem(path=where, message=f"unknown column {name!r}", hint=hint))
        elif name in _RESERVED:
            problems.append(
                Problem(
                    path=where,
                    message=f"the ledger has a column {name!r} of its own",
                    hint="rename the attribute before reading the log",
                )
            )
        elif where in twice:
            problems.append(twice[where])
    if problems:
        raise ConfigError(problems)
    return columns


class _Reduced:
    """The distinct tuples of integer key columns (the first one sorted or runs of equal).

    ``first`` and ``last``: the first and last position of each tuple, tuples in order
    of first appearance; ``order``/``starts`` reduce value arrays per tuple. ``widths``:
    when given, a bound on each column after the first (its codes are ``-1`` to
    ``width - 2``), which saves looking for the largest.
    """

    def __init__(self, np: Any, keys: list[Any], widths: list[int] | None = None) -> None:
        key = keys[0].astype(np.int64)
        bound = int(key.max()) + 1 if key.size else 1
        for k, column in enumerate(keys[1:]):
            width = (
                widths[k] if widths is not None else (int(column.max()) + 2 if column.size else 1)
            )
            if bound >= (2**62) // width:
                key = np.unique(key, return_inverse=True)[1].astype(np.int64)  # stay in int64
                bound = int(key.max()) + 1
            # codes from -1: a constant offset keeps the tuples apart and in order
            key *= width
            key += column
            bound *= width
        # stable: equal keys keep their order, so each tuple's rows stay in time order
        order = np.argsort(key, kind="stable")
        sorted_key = key[order]
        starts = np.flatnonzero(np.r_[True, sorted_key[1:] != sorted_key[:-1]]) if key.size else key
        ends = np.r_[starts[1:], key.size] if key.size else key
        first, last = order[starts], order[ends - 1]
        appear = np.argsort(first, kind="stable")
        self.order, self.starts, self.appear = order, starts, appear
        self.first, self.last = first[appear], last[appear]
        self.k = int(starts.size)

    def sum(self, np: Any, values: Any) -> Any:
        """Exact integer sums per tuple."""
        if not self.k:
            return np.zeros(0, dtype=np.int64)
        return np.add.reduceat(values[self.order], self.starts)[self.appear].astype(np.int64)

    def max(self, np: Any, values: Any) -> Any:
        """The largest value of each tuple."""
        if not self.k:
            return values[:0]
        return np.maximum.reduceat(values[self.order], self.starts)[self.appear]


def _category(pd: Any, np: Any, codes: Any, values: Any) -> Any:
    """A categorical column; ``""`` (a change to none) is NA."""
    keep = np.asarray([v != "" for v in values], dtype=bool)
    if not keep.all():
        codes = np.r_[np.where(keep, np.cumsum(keep) - 1, -1), -1][codes]
    return pd.Categorical.from_codes(codes, categories=pd.Index(values[keep], dtype=object))


def _narrow(np: Any, width: int) -> Any:
    """The smallest signed integer type of codes from ``-1`` to ``width - 2``."""
    return np.min_scalar_type(-width)


def _block_arrays(np: Any, coded: _Coded, by: list[str]) -> dict[str, Any]:
    """The arrays of a block's ledger rows, empty, with their types: what blocks give."""
    out = {"inc": np.zeros(0, np.int64)}
    for column in by:
        out[column] = np.zeros(0, _narrow(np, coded.width[column]))
    out["reason"] = np.zeros(0, _narrow(np, coded.width["pause_reason"]))
    out["part"] = np.zeros(0, bool)
    out["us"] = out["end"] = np.zeros(0, np.int64)
    out["current"] = np.zeros(0, bool)
    return out


def _deltas(np: Any, us: Any) -> Any:
    return np.where(us == NAT, NAT, us * 1000).view("m8[ns]")


def _utc(pd: Any, np: Any, us: Any) -> Any:
    return pd.DatetimeIndex(_deltas(np, us).view("M8[ns]")).tz_localize("UTC")


def ledger(
    log: EventLog,
    policy: Policy | PolicyVersions,
    /,
    *,
    as_of: datetime | str,
    target: str = "resolution",
    by: Sequence[str] | str = ("status", "assignment_group"),
    block_size: int = BLOCK_SIZE,
) -> pd.DataFrame:
    """Split a target's business time per incident by status, group and pause reason.

    Args:
        log: The incidents' histories.
        policy: The support agreement: its target's start, pause and stop conditions,
            reopen rule and clock decide what counts, exactly as in :func:`evaluate`.
            Or its :class:`PolicyVersions`: each incident is split under the version
            that judges it, and a ``policy_version`` column says which (an incident
            whose version has no such target has no rows).
        as_of: The instant of evaluation (timezone-aware, or ISO 8601 with an offset).
        target: The target to split.
        by: The columns to split by: ``"status"``, ``"severity"`` or attributes the log
            follows (``assignment_group``...), each the value in force at the time.
        block_size: How many incidents go through the engine at a time, as in
            :func:`evaluate_frame` (default 16,384). The ledger does not depend on it;
            the working memory is proportional to it.

    Returns:
        One row per incident and distinct (``by`` values, ``pause_reason``, ``part``),
        incidents in the log's order and rows in order of first appearance: ``id``,
        ``target``, the ``by`` columns (NA while a field is empty), ``pause_reason`` (NA
        on counted rows), ``part`` (``"counted"`` or ``"paused"``), ``time`` (a
        timedelta), ``us`` (the same in integer microseconds), ``until`` (when the
        row's last stretch ended, UTC) and ``current`` (whether the incident is in the
        row's state at ``as_of``, with the target running or paused). The counted rows
        of an incident sum exactly to its target's ``elapsed``; paused rows are the time
        its clock was held, on the same clock, and are not part of it. Only the current
        measurement counts (after a reopen under ``restart``, the new one). An incident
        whose target does not apply, or has not started, has no rows.

    Raises:
        ConfigError: an unknown target, a ``by`` column the log does not have, or a
            ``block_size`` that is not a positive whole number.

    Incidents that cannot be evaluated are left out, and one :class:`BadRowsWarning`
    counts them (:func:`evaluate_frame` says why for each).
    """
    expect(log, EventLog, "log", "an EventLog, e.g. EventLog.from_events(table)")
    if not isinstance(policy, PolicyVersions):
        policy_argument(policy, versions=True)
    columns = _by(log, by)
    size = _check_block_size(block_size)
    if isinstance(policy, PolicyVersions):
        from escalate._versions_frame import ledger_versions  # noqa: PLC0415 - it imports this

        return ledger_versions(log, policy, as_of=as_of, target=target, by=columns, size=size)
    tp = _target([policy], target)
    out, run = split_time(log, policy, as_of, tp, columns, size)
    warn_left_out([run])
    return out


def split_time(  # noqa: PLR0917
    log: EventLog, policy: Policy, as_of: datetime | str, tp: Any, columns: list[str], size: int
) -> tuple[pd.DataFrame, LogRun]:
    """The ledger of target ``tp`` of ``policy`` (checked arguments), and the run behind it."""
    np, pd = modules()
    run = LogRun(log, policy, as_of, only=tp.index)
    coded = _Coded(log, run.statuses, columns)
    blocks = [
        part
        for ev, kept, res in run.blocks(size)
        if (part := _block(np, tp, coded, columns, ev, kept, res)) is not None
    ]
    empty = _block_arrays(np, coded, columns)
    got = {
        name: np.concatenate([b[name] for b in blocks]) if blocks else array
        for name, array in empty.items()
    }
    data: dict[str, Any] = {
        "id": run.ids.take(got["inc"]),
        "target": pd.Categorical.from_codes(np.zeros(got["inc"].size, np.int8), [tp.name]),
    }
    for column in columns:
        data[column] = _category(pd, np, got[column], coded.vocab[column])
    data["pause_reason"] = _category(pd, np, got["reason"], coded.reasons)
    data["part"] = pd.Categorical.from_codes(got["part"].view(np.int8), categories=list(PARTS))
    data["time"] = (got["us"] * 1000).view("m8[ns]")
    data["us"] = got["us"]
    data["until"] = pd.DatetimeIndex((got["end"] * 1000).view("M8[ns]")).tz_localize("UTC")
    data["current"] = got["current"]
    # fresh arrays: the frame takes them as they are (no copy, no consolidation)
    out: _DataFrame = pd.DataFrame(data, copy=False)
    return out, run


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
    table: pd.DataFrame,
    /,
    *,
    goals: Mapping[str, str | timedelta],
    group: str = "assignment_group",
) -> pd.DataFrame:
    """Operational level agreements: a goal per group for the time it holds the ticket.

    The time a group holds a ticket is the business time its target counted while the
    group was assigned: the counted rows of a :func:`ledger` split by ``group``, so
    pauses do not count and the times of an incident's groups add up to its
    ``elapsed``. A group that holds a ticket twice (it came back) is judged on the sum.

    Args:
        table: The output of :func:`ledger` with ``group`` among its ``by`` columns.
        goals: Group name to goal, e.g. ``{"Service Desk": "4h", "Network": "8h"}``
            (duration text or a timedelta, in business time on the target's clock).
        group: The column of the group that holds the ticket.

    Returns:
        One row per incident and group that held it while the target ran or was
        paused, in the ledger's order: ``id``, ``group`` (under its column name; NA:
        no group), ``ola_goal``, ``ola_elapsed`` (time held), ``ola_status``
        (``breached`` over the goal; else ``running`` or ``paused`` while the group
        holds the ticket and the target runs or is paused, ``met`` once it no longer
        does; NA for a group without a goal) and ``ola_stopped_at`` (when its last hold
        ended, UTC; NaT while it holds). The columns are those of :func:`evaluate_frame`
        for a target named ``ola``, so ``compliance(table, by=[group], targets=["ola"])``
        gives the share met per group.

    Raises:
        ConfigError: a goal is not a duration, or the table is not a ledger by ``group``.
    """
    np, pd = modules()
    table = pandas_frame(table, "table")
    parsed = _goals(goals)
    wanted = ["id", group, "part", "us", "until", "current"]
    missing = [c for c in wanted if c not in table.columns]
    if missing:
        hint = (
            f"pass the output of ledger(..., by=[..., {group!r}])"
            if missing != [group]
            else f"split the ledger by it: ledger(..., by=[..., {group!r}])"
        )
        what = ", ".join(map(repr, missing))
        raise ConfigError.single("table", f"the table has no column {what}", hint)
    distinct = table["target"].dropna().unique() if "target" in table.columns else ()
    if len(distinct) > 1:
        names = ", ".join(map(repr, sorted(map(str, distinct))))
        raise ConfigError.single(
            "table", f"the table mixes targets ({names})", "pass the ledger of one target"
        )
    ids = table["id"].to_numpy()
    # an incident is its id, wherever its rows are: a sorted or concatenated ledger holds
    # one incident's rows apart, and a hold is still judged on its sum
    inc = pd.factorize(table["id"], use_na_sentinel=False)[0].astype(np.int64)
    codes_g, names = _codes(np, table[group], narrow=True)
    groups = _Reduced(np, [inc, codes_g], widths=[len(names) + 1])
    first = groups.first
    counted = (table["part"] == "counted").to_numpy(dtype=bool)
    held = groups.sum(np, np.where(counted, table["us"].to_numpy(dtype=np.int64), 0))
    # the group's stretch in force now is running (1) or paused (2), as its ledger row says
    now = table["current"].to_numpy(dtype=bool) * (2 - counted).astype(np.int8)
    now = groups.max(np, now)
    until = table["until"].to_numpy("M8[ns]").view("i8") // 1000
    goal_of = np.array([parsed.get(str(v), -1) for v in names] + [-1], dtype=np.int64)
    unknown = sorted(set(parsed) - {str(v) for v in names})
    if unknown and len(table):
        _warn_unknown_groups(unknown, [str(v) for v in names], group)
    goal = goal_of[codes_g[first]]
    applies = goal >= 0
    # codes into OLA_STATUSES
    status = np.where(held > goal, 3, np.where(now > 0, now - 1, 2))
    data = {
        "id": ids[first],
        group: _category(pd, np, codes_g[first], names),
        "ola_goal": _deltas(np, np.where(applies, goal, NAT)),
        "ola_elapsed": _deltas(np, held),
        "ola_status": pd.Categorical.from_codes(
            np.where(applies, status, -1).astype(np.int8), categories=list(OLA_STATUSES)
        ),
        "ola_stopped_at": _utc(pd, np, np.where(now > 0, NAT, groups.max(np, until))),
    }
    out: _DataFrame = pd.DataFrame(data, copy=False)  # fresh arrays: taken as they are
    return out
