"""Folding an incident's history: what each event does to the incident and its targets.

``fold`` walks a timeline's events once under a compiled policy (:mod:`escalate._plan`)
and keeps, for every distinct event instant, the state *after* every event at that
instant: the severity, whether the incident is concluded, and each target's state
(pending, running, paused, stopped) with its measurement restarts. Time between two
event instants is a *segment* in which nothing changes but the clocks
(:mod:`escalate._engine` measures them).

The rules of one event (docs/explanation/evaluation.md) are written once, in :func:`step`:
a reopen first (``continue``: a stopped target runs again; ``restart``: a new
measurement), then the start conditions, then the stop conditions; a target runs while
started, not stopped, and not held by a pause condition. ``fold`` remembers what
``step`` answers per state in the compiled policy, so an event usually costs one lookup.
``fold_many`` takes the same walk for many incidents at once, for the table path
(:mod:`escalate._table`): the rules of one event are nowhere else.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from escalate._plan import (
    CLOSED,
    CONTINUE,
    PAUSED_STATUS,
    RESOLVED,
    RESTART,
    Compiled,
)

__all__ = [
    "BEGAN",
    "CONTINUED",
    "ENDED",
    "PAUSED",
    "PENDING",
    "RESTARTED",
    "RUNNING",
    "STATES",
    "STOPPED",
    "Folded",
    "State",
    "Step",
    "Walked",
    "fold",
    "fold_many",
    "step",
]

PENDING, RUNNING, PAUSED, STOPPED = 0, 1, 2, 3
"""A target's state in a segment."""


class Folded:
    """A history folded per distinct event instant, as of an instant.

    Attributes:
        times: the distinct event instants ``u_0 < ... < u_m`` up to ``now``.
        severity: the severity in force after each instant.
        concluded: whether the incident is resolved or closed after each instant.
        codes: per target, its state after each instant.
        restarts: per target, the segments in which a reopen restarted its measurement
            (in order; the last one starts the current measurement).
        stopped: per target, the instant it stopped (current measurement), or ``None``.
        began: per target, the instant its current measurement started, or ``None``.
        manual: the instants of manual escalations, in order (one per event).
        derived: by event index, what a status change meant for the incident when the
            event's own type does not say it (``resolved``, ``closed``, ``reopened``).
    """

    __slots__ = (
        "began",
        "codes",
        "concluded",
        "derived",
        "manual",
        "restarts",
        "severity",
        "stopped",
        "times",
    )

    def __init__(self, n_targets: int) -> None:
        self.times: list[int] = []
        self.severity: list[str] = []
        self.concluded: list[bool] = []
        self.codes: list[list[int]] = [[] for _ in range(n_targets)]
        self.restarts: list[list[int]] = [[] for _ in range(n_targets)]
        self.stopped: list[int | None] = [None] * n_targets
        self.began: list[int | None] = [None] * n_targets
        self.manual: list[int] = []
        self.derived: dict[int, str] = {}


State = tuple[tuple[int, ...], str | None, bool, int]
"""What an event's meaning depends on: each target's state (pending, running, stopped),
the status, whether a pause event holds the incident, and how it is concluded (0,
:data:`RESOLVED` or :data:`CLOSED`)."""

Step = tuple[State, str | None, tuple[int, ...], bool, tuple[tuple[int, int], ...], bool]
"""What one event does (:func:`step`): the state after it, what its status change meant
when its type does not say it, each target's code, whether the incident is concluded,
the targets' effects (``(index, flags)``) and whether it is a manual escalation."""

CONTINUED, RESTARTED, BEGAN, ENDED = 1, 2, 4, 8
"""Effects of an event on a target's measurement, applied in this order by :func:`fold`."""

STATES = 256
"""How many states a compiled policy remembers the steps of, and how many steps per state
(:func:`fold`): a bound on the memory an unusual policy or history can take."""


def step(plan: Compiled, before: State, kind: str, st: str | None) -> Step:
    """Return what an event of type ``kind`` (with status ``st``) does after ``before``.

    The rules of one event, in order: the status change and the type say whether the
    incident is concluded (a reopen when it no longer is); per target, a reopen first
    (``continue``: a stopped target runs again; ``restart``: a new measurement), then the
    start conditions, then the stop conditions; a running target held by a pause is
    paused. :func:`fold` remembers the answers in the plan (:func:`_learn`).
    """
    states, status, held, concluded = before
    meaning = plan.meaning
    was = concluded
    derived: str | None = None
    entered = left = None
    if st is not None and st != status:
        entered, left, status = st, status, st
        means = meaning[st]
        if means == RESOLVED:
            derived = "resolved" if concluded != RESOLVED else None
            concluded = RESOLVED
        elif means == CLOSED:
            derived = "closed" if concluded != CLOSED else None
            concluded = CLOSED
        else:
            concluded = 0
    if kind == "resolved":
        concluded = RESOLVED
    elif kind == "closed":
        concluded = CLOSED
    elif kind == "reopened":
        concluded = 0
    elif kind == "paused":
        held = True
    elif kind == "resumed":
        held = False
    reopen = was != 0 and concluded == 0
    if reopen:
        derived = "reopened"
    paused_status = status is not None and meaning[status] == PAUSED_STATUS
    after: list[int] = []
    codes: list[int] = []
    effects: list[tuple[int, int]] = []
    for tp in plan.targets:
        s = states[tp.index]
        flags = 0
        if reopen:
            if tp.rule == CONTINUE and s == STOPPED:
                s = RUNNING
                flags |= CONTINUED
            elif tp.rule == RESTART:
                s = PENDING
                flags |= RESTARTED
        met = (kind, derived, entered, left)
        if s == PENDING and _meets(tp.start_ev, tp.start_in, tp.start_leaving, *met):
            s = RUNNING
            flags |= BEGAN
        if s == RUNNING and _meets(tp.stop_ev, tp.stop_in, tp.stop_leaving, *met):
            s = STOPPED
            flags |= ENDED
        after.append(s)
        by_pause, by_status = holds(tp, held, status, paused_status)
        codes.append(PAUSED if s == RUNNING and (by_pause or by_status) else s)
        if flags:
            effects.append((tp.index, flags))
    return (
        (tuple(after), status, held, concluded),
        derived if derived != kind else None,
        tuple(codes),
        concluded != 0,
        tuple(effects),
        kind == "escalated",
    )


def holds(tp: Any, held: bool, status: str | None, paused_status: bool) -> tuple[bool, bool]:
    """Whether target ``tp`` is held by the incident's pause, and by its status.

    ``held``: a ``paused`` event is in force; ``status``: the status in force, and
    ``paused_status`` whether it means ``paused``. The one rule of what holds a target:
    :func:`step` and the explanation (:mod:`escalate._explain`) read it.
    """
    return tp.pause_flag and held, status is not None and (
        (tp.pause_flag and paused_status) or status in tp.pause_in
    )


def fold(
    plan: Compiled, events: Sequence[tuple[str, int, str | None, str | None]], now: int
) -> Folded:
    """Fold the events at or before ``now`` (in timeline order) under a compiled policy.

    Each event's meaning is :func:`step`'s, remembered per state in ``plan.steps``.
    """
    n = len(plan.targets)
    memo = plan.steps
    out = Folded(n)
    times, severities, concluded_at = out.times, out.severity, out.concluded
    stopped, began, restarts = out.stopped, out.began, out.restarts
    rows: list[tuple[int, ...]] = []  # per distinct instant, every target's code
    table = memo.get(None) or _known(plan, ((PENDING,) * n, None, False, 0), first=True)
    severity = ""
    for index, (kind, at, sev, st) in enumerate(events):
        if at > now:
            break
        if sev is not None:
            severity = sev
        found = table.get((kind, st))
        if found is None:
            found = _learn(plan, table, kind, st)
        table, derived, codes, concluded, effects, manual = found
        if derived is not None:
            out.derived[index] = derived
        if manual:
            out.manual.append(at)
        if not times or times[-1] != at:
            times.append(at)
            severities.append(severity)
            concluded_at.append(concluded)
            rows.append(codes)
        else:
            severities[-1] = severity
            concluded_at[-1] = concluded
            rows[-1] = codes
        for i, flags in effects:
            if flags & CONTINUED:
                stopped[i] = None
            if flags & RESTARTED:
                segment = len(times) - 1
                if not restarts[i] or restarts[i][-1] != segment:
                    restarts[i].append(segment)
                stopped[i] = began[i] = None
            if flags & BEGAN:
                began[i] = at
            if flags & ENDED:
                stopped[i] = at
    if rows:
        out.codes = [list(column) for column in zip(*rows, strict=True)]
    return out


def _known(plan: Compiled, state: State, *, first: bool = False) -> dict[Any, Any]:
    """Return the table of the steps known from ``state``: ``(kind, status) -> found``.

    ``found`` is what :func:`step` answers, with the table of the state after it in
    place of that state; ``table[None]`` is the state itself.
    """
    memo = plan.steps
    table = memo.get(state)
    if table is None:
        table = {None: state}
        if len(memo) < STATES:
            memo[state] = table
    if first:
        memo[None] = table
    return table


def _learn(plan: Compiled, table: dict[Any, Any], kind: str, st: str | None) -> Any:
    """Return what an event does from the state of ``table`` (remembered there)."""
    after, *rest = step(plan, table[None], kind, st)
    found = (_known(plan, after), *rest)
    if len(table) <= STATES:
        table[kind, st] = found
    return found


def _meets(  # noqa: PLR0917 - a target's conditions of one kind, and the event
    names: frozenset[str],
    into: frozenset[str],
    leaving: dict[str, tuple[frozenset[str], ...]],
    kind: str,
    derived: str | None,
    entered: str | None,
    left: str | None,
) -> bool:
    """Whether an event meets one of a target's start (or stop) conditions.

    ``names``: event names (the event's type, or what its status change meant);
    ``into``: statuses it may enter; ``leaving``: per status, the sets it may leave.
    """
    return (
        kind in names
        or (derived is not None and derived in names)
        or (entered is not None and entered in into)
        or (left in leaving and _left(leaving[left], entered))
    )


def _left(sets: tuple[frozenset[str], ...], entered: str | None) -> bool:
    """Whether a status change into ``entered`` leaves one of ``sets`` (each holds the old)."""
    return any(entered not in names for names in sets)


class Walked:
    """What :func:`fold_many` found: the transition of each event, and what each does.

    Attributes:
        of_event: per event, the index of its transition.
        codes: per transition, each target's code after it (``int8``, transitions x targets).
        concluded: per transition, whether the incident is concluded after it.
        reopen: per transition, whether it reopened the incident.
        ended: per transition, whether it stopped each target (transitions x targets).
    """

    __slots__ = ("codes", "concluded", "ended", "of_event", "reopen")

    def __init__(self, of_event: Any, rows: list[tuple[Any, ...]], n_targets: int) -> None:
        import numpy as np  # noqa: PLC0415 - the table path only

        self.of_event = of_event
        codes, concluded, reopen, ended = (list(column) for column in zip(*rows, strict=True))
        self.codes = np.array(codes, dtype=np.int8).reshape(len(rows), n_targets)
        self.concluded = np.array(concluded, dtype=bool)
        self.reopen = np.array(reopen, dtype=bool)
        self.ended = np.array(ended, dtype=bool).reshape(len(rows), n_targets)


def fold_many(
    plan: Compiled, *, kinds: list[str], statuses: list[str], kind: Any, status: Any, first: Any
) -> Walked:
    """:func:`fold`'s walk for many incidents at once: the transition every event takes.

    The events are integer arrays (``kind`` into ``kinds``, ``status`` into ``statuses``
    or ``-1``), incidents contiguous and in time order; ``first`` marks each incident's
    opening row. The walk goes by position in the incident (every first event, then every
    second one...), each a gather from the table of transitions met so far; a new one is
    :func:`step`'s answer, remembered in the plan as :func:`fold` remembers it. An event
    whose status the policy does not know (its incident is reported as an error) leads to
    a state that no event leaves, in which every target is pending.
    """
    import numpy as np  # noqa: PLC0415 - the table path only

    n_targets = len(plan.targets)
    m = kind.size
    width = len(statuses) + 1
    n_symbols = len(kinds) * width
    symbol = kind.astype(np.int64) * width + status + 1  # (kind, status or none)
    starts = np.flatnonzero(first)
    lengths = np.diff(np.r_[starts, m])
    # incidents longest first: those with a k-th event are a prefix, in a state array too
    by_length = np.argsort(-lengths, kind="stable")
    opening = starts[by_length]
    alive = (starts.size - np.cumsum(np.bincount(lengths))).tolist()  # with more than k
    # the transitions met so far: by (state, symbol), and per transition what it does
    start = _known(plan, ((PENDING,) * n_targets, None, False, 0), first=True)
    tables: list[dict[Any, Any] | None] = [start]  # by local state index (None: dead)
    local: dict[State | None, int] = {start[None]: 0}
    table = np.full(4 * n_symbols, -1, dtype=np.int64)  # state * n_symbols + symbol
    rows: list[tuple[Any, ...]] = []
    after: list[int] = []  # per transition, the local state after it
    after_arr = np.zeros(0, dtype=np.int64)
    state = np.zeros(starts.size, dtype=np.int64)  # by_length order
    of_event = np.empty(m, dtype=np.int64)
    for k in range(int(lengths.max()) if m else 0):
        count = alive[k]
        idx = opening[:count] + k
        key = state[:count] * n_symbols + symbol[idx]
        found = table[key]
        missing = found < 0
        if missing.any():
            for new in np.unique(key[missing]).tolist():
                si, yi = divmod(new, n_symbols)
                rows.append(_transition(plan, tables, local, si, kinds[yi // width],
                                        None if yi % width == 0 else statuses[yi % width - 1],
                                        after))  # fmt: skip
                if len(tables) * n_symbols > table.size:
                    table = np.r_[table, np.full(table.size, -1, dtype=np.int64)]
                table[new] = len(rows) - 1
            after_arr = np.array(after, dtype=np.int64)
            found = table[key]
        of_event[idx] = found
        state[:count] = after_arr[found]
    if not rows:
        rows.append(((PENDING,) * n_targets, False, False, (False,) * n_targets))
    return Walked(of_event, rows, n_targets)


def _transition(  # noqa: PLR0917 - the walk's tables, and the transition met
    plan: Compiled,
    tables: list[dict[Any, Any] | None],
    local: dict[State | None, int],
    si: int,
    kind: str,
    st: str | None,
    after: list[int],
) -> tuple[Any, ...]:
    """What an event ``(kind, st)`` does from local state ``si`` (its state after: ``after``).

    ``(codes, concluded, reopen, ended)``; from the dead state, or into it where the status
    is unknown, every target is pending.
    """
    n_targets = len(plan.targets)
    before = tables[si]
    if before is None or (st is not None and st not in plan.meaning):
        if None not in local:
            local[None] = len(tables)
            tables.append(None)
        after.append(local[None])
        return (PENDING,) * n_targets, False, False, (False,) * n_targets
    nxt, _derived, codes, concluded, effects, _manual = before.get((kind, st)) or _learn(
        plan, before, kind, st
    )
    k = local.get(nxt[None])
    if k is None:
        k = local[nxt[None]] = len(tables)
        tables.append(nxt)
    after.append(k)
    ended = [False] * n_targets
    for i, flags in effects:
        ended[i] = bool(flags & ENDED)
    return codes, concluded, before[None][3] != 0 and nxt[None][3] == 0, tuple(ended)
