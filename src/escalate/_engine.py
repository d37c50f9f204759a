"""The evaluation engine for one incident, on integer microseconds.

``fold`` walks a timeline's events once under a compiled policy (:mod:`escalate._plan`)
and keeps, for every distinct event instant, the state *after* every event at that
instant: the severity, whether the incident is concluded, and each target's state
(pending, running, paused, stopped) with its measurement restarts. Time between two
event instants is a *segment* in which nothing changes but the clocks.

``measure`` turns one target's segments into its elapsed time ``R`` at each segment start;
``due`` and ``passes`` find instants on that curve; ``escalate`` runs the escalation tiers
through the segments in time order, so a tier fires only on what was known when it fired
(causality) and the table path (:mod:`escalate._table`) can do the same per row.

The rules (docs/explanation/evaluation.md):

- Inside one event: a reopen first (``continue``: a stopped target runs again;
  ``restart``: a new measurement), then the start conditions, then the stop conditions.
- A target runs while started, not stopped, and not held by a pause condition.
- ``passes(clock, t, a)`` is the last instant ``x`` with ``between(t, x) <= a``: the instant
  an amount of running time is used up, moved to the next opening when that is a closing
  instant. Deadlines, warning points, percent and elapsed tiers all use it; a breach is
  one microsecond after it.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import accumulate
from typing import TYPE_CHECKING

from escalate._plan import (
    BREACH,
    CLOSED,
    CONTINUE,
    ELAPSED,
    KEEP,
    MANUAL,
    OPEN,
    PAUSED_STATUS,
    PERCENT,
    RESOLVED,
    RESTART,
    Compiled,
    GoalSpec,
    TierPlan,
    percent_amount,
)

if TYPE_CHECKING:
    from escalate._calendar import Calendar
    from escalate._index import Index

__all__ = [
    "FIRED",
    "MANUAL_FIRED",
    "PAUSED",
    "PENDING",
    "RUNNING",
    "SKIPPED",
    "STOPPED",
    "Folded",
    "Measured",
    "OpenTime",
    "between",
    "due",
    "escalate",
    "fold",
    "incident_clock",
    "measure",
    "passes",
    "stopped_due",
]

PENDING, RUNNING, PAUSED, STOPPED = 0, 1, 2, 3
"""A target's state in a segment."""

FIRED, MANUAL_FIRED, SKIPPED = 1, 0, 2
"""How a tier's turn ended (manual first: at one instant it wins over the others)."""

NEVER = 2**62
"""An instant after every supported one."""


def between(clock: Calendar, a: int, b: int) -> int:
    """Return the open time of ``clock`` in ``[a, b)`` (``a <= b``)."""
    idx = clock._cache.index
    if idx is not None and idx.cov_start <= a < idx.cov_end and b < idx.cov_end:
        return idx.f(b) - idx.f(a)
    return clock._between_us(a, b)


def passes(clock: Calendar, t: int, amount: int) -> int:
    """Return the last instant ``x >= t`` with ``between(t, x) <= amount`` (``amount >= 0``).

    That is the instant the amount is used up, or the next opening when it is used up at
    a closing instant: from there on, the clock grows again.
    """
    idx = clock._cache.index
    if idx is not None and idx.cov_start <= t < idx.cov_end:
        value = idx.f(t) + amount
        if value < idx.f_end:
            return idx.backward(value)
    x = clock._add_us(t, amount) if amount > 0 else t
    return clock._next_boundary(x, want_open=True)


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


def fold(
    plan: Compiled, events: Sequence[tuple[str, int, str | None, str | None]], now: int
) -> Folded:
    """Fold the events at or before ``now`` (in timeline order) under a compiled policy."""
    targets = plan.targets
    meaning = plan.meaning
    out = Folded(len(targets))
    times, severities, concluded_at, codes = out.times, out.severity, out.concluded, out.codes
    state = [PENDING] * len(targets)  # PENDING, RUNNING (meaning active) or STOPPED
    severity = ""
    status: str | None = None
    held = False
    concluded = 0  # 0, RESOLVED or CLOSED
    for index, (kind, at, sev, st) in enumerate(events):
        if at > now:
            break
        if sev is not None:
            severity = sev
        before = concluded
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
        elif kind == "escalated":
            out.manual.append(at)
        reopen = before != 0 and concluded == 0
        if reopen:
            derived = "reopened"
        if derived is not None and derived != kind:
            out.derived[index] = derived
        new = not times or times[-1] != at
        if new:
            times.append(at)
            severities.append(severity)
            concluded_at.append(concluded != 0)
        else:
            severities[-1] = severity
            concluded_at[-1] = concluded != 0
        segment = len(times) - 1
        paused_status = status is not None and meaning[status] == PAUSED_STATUS
        for tp in targets:
            i = tp.index
            s = state[i]
            if reopen:
                if tp.rule == CONTINUE and s == STOPPED:
                    s = RUNNING
                    out.stopped[i] = None
                elif tp.rule == RESTART:
                    s = PENDING
                    if not out.restarts[i] or out.restarts[i][-1] != segment:
                        out.restarts[i].append(segment)
                    out.stopped[i] = out.began[i] = None
            if s == PENDING and (
                kind in tp.start_ev
                or (derived is not None and derived in tp.start_ev)
                or (entered is not None and entered in tp.start_in)
                or (left in tp.start_leaving and _left(tp.start_leaving[left], entered))
            ):
                s = RUNNING
                out.began[i] = at
            if s == RUNNING and (
                kind in tp.stop_ev
                or (derived is not None and derived in tp.stop_ev)
                or (entered is not None and entered in tp.stop_in)
                or (left in tp.stop_leaving and _left(tp.stop_leaving[left], entered))
            ):
                s = STOPPED
                out.stopped[i] = at
            state[i] = s
            code = s
            if s == RUNNING and (
                (tp.pause_flag and (held or paused_status))
                or (status is not None and status in tp.pause_in)
            ):
                code = PAUSED
            if new:
                codes[i].append(code)
            else:
                codes[i][-1] = code
    return out


def _left(sets: tuple[frozenset[str], ...], entered: str | None) -> bool:
    """Whether a status change into ``entered`` leaves one of ``sets`` (each holds the old)."""
    return any(entered not in names for names in sets)


class Measured:
    """One target's elapsed time ``R`` through its segments.

    ``starts[j]`` and ``ends[j]`` are ``R`` at the start and the end of segment ``j``
    (``0`` at the start where a restart begins a new measurement), ``clocks[j]`` the clock
    it counts on there; ``first`` is the segment the current measurement starts in and
    ``total`` is ``R`` at ``now``.
    """

    __slots__ = (
        "began",
        "clocks",
        "codes",
        "ends",
        "first",
        "fs",
        "idx",
        "starts",
        "times",
        "total",
    )

    def __init__(  # noqa: PLR0917
        self,
        times: list[int],
        codes: list[int],
        clocks: list[Calendar],
        restarts: list[int],
        now: int,
        opens: OpenTime | None = None,
    ) -> None:
        self.times, self.codes, self.clocks = times, codes, clocks
        self.first = restarts[-1] if restarts else 0
        starts: list[int] = []
        ends: list[int] = []
        began: list[int | None] = []  # when the measurement of each segment started
        start: int | None = None
        r = 0
        last = len(times) - 1
        one = clocks[0]
        if clocks.count(one) != len(clocks):  # identity first: fast when they are one
            fs = idx = None
        elif opens is not None:
            fs, idx = opens.at(one), opens.index(one)
        else:
            fs = idx = None
        # fs[j]: the open time before times[j] on the one clock, in snapshot idx (or None)
        self.fs, self.idx = fs, idx
        if fs is not None and not restarts and codes:
            # one clock, one measurement: the same sums, accumulated in C
            grown = [fs[j + 1] - fs[j] if code == RUNNING else 0 for j, code in enumerate(codes)]
            ends = list(accumulate(grown))
            k = next((j for j, code in enumerate(codes) if code != PENDING), len(codes))
            self.starts, self.ends, self.total = [0, *ends[:-1]], ends, ends[-1]
            self.began = (
                [None] * k + [times[k]] * (len(codes) - k) if k < len(codes) else [None] * k
            )
            return
        reset = set(restarts)
        for j in range(last + 1):
            if j in reset:
                r, start = 0, None
            if start is None and codes[j] != PENDING:
                start = times[j]
            began.append(start)
            starts.append(r)
            if codes[j] == RUNNING:
                if fs is not None:
                    r += fs[j + 1] - fs[j]
                else:
                    end = times[j + 1] if j < last else now
                    if end > times[j]:
                        r += between(clocks[j], times[j], end)
            ends.append(r)
        self.starts, self.ends, self.total, self.began = starts, ends, r, began


class OpenTime:
    """The open time before every segment start (and ``now``) per clock, computed once.

    Shared by the targets of one evaluation: most count on one clock, so each instant is
    one bisection of its index however many targets read it. ``None`` for a clock whose
    built index does not cover the instants (the general path then measures them).
    """

    __slots__ = ("_cache", "_index", "instants")

    def __init__(self, times: list[int], now: int) -> None:
        self.instants = [*times, now]
        self._cache: dict[int, list[int] | None] = {}
        self._index: dict[int, Index | None] = {}

    def index(self, clock: Calendar) -> Index | None:
        """The index snapshot that :meth:`at` read for ``clock`` (``None`` with it)."""
        self.at(clock)
        return self._index[id(clock)]

    def at(self, clock: Calendar) -> list[int] | None:
        """The open time before every instant (in the snapshot of :meth:`index`), or ``None``."""
        key = id(clock)
        if key in self._cache:
            return self._cache[key]
        found: list[int] | None = None
        instants = self.instants
        idx = clock._cache.index
        if idx is None or not (idx.cov_start <= instants[0] and instants[-1] < idx.cov_end):
            clock._between_us(instants[0], instants[-1])  # builds the index if it can
            idx = clock._cache.index
        if idx is not None and idx.cov_start <= instants[0] and instants[-1] < idx.cov_end:
            f = idx.f
            found = [f(t) for t in instants]
        else:
            idx = None
        self._cache[key] = found
        self._index[key] = idx
        return found


def _passes_from(m: Measured, j: int, amount: int) -> int:
    """``passes(m.clocks[j], m.times[j], amount)``, from the open time known at ``times[j]``."""
    fs = m.fs
    if fs is not None:
        idx = m.idx
        assert idx is not None  # noqa: S101 - set together with fs
        value = fs[j] + amount
        if value < idx.f_end:
            return idx.backward(value)
    return passes(m.clocks[j], m.times[j], amount)


def _between_from(m: Measured, j: int, x: int) -> int:
    """``between(m.clocks[j], m.times[j], x)``, from the open time known at ``times[j]``."""
    fs = m.fs
    if fs is not None:
        idx = m.idx
        assert idx is not None  # noqa: S101 - set together with fs
        if x < idx.cov_end:
            return idx.f(x) - fs[j]
    return between(m.clocks[j], m.times[j], x)


def measure(  # noqa: PLR0917
    folded: Folded,
    index: int,
    specs: list[tuple[GoalSpec | None, ...]],
    fallback: Calendar,
    now: int,
    opens: OpenTime | None = None,
) -> Measured:
    """Measure target ``index`` on the clock of the goal in force in each segment."""
    first = specs[0][index]
    if specs.count(specs[0]) == len(specs):  # one goal throughout (the same tuple: fast)
        clocks = [fallback if first is None else first.clock] * len(specs)
    else:
        clocks = [spec.clock if (spec := s[index]) is not None else fallback for s in specs]
    return Measured(folded.times, folded.codes[index], clocks, folded.restarts[index], now, opens)


def due(m: Measured, amount: int) -> int | None:
    """Return the last instant with ``R(x) <= amount`` as ``R`` grows, or ``None``.

    Searched in the current measurement's segments; then projected from ``now`` when the
    target runs (the same instant as projected from the start of the last segment).
    ``None`` when it does not run now and ``R`` never passed the amount.
    """
    codes, ends, starts = m.codes, m.ends, m.starts
    last = len(codes) - 1
    for j in range(m.first, last + 1):
        if codes[j] == RUNNING and ends[j] > amount:
            return _passes_from(m, j, amount - starts[j])
    if codes[last] == RUNNING:  # projected: the same instant as from now, on the same clock
        return _passes_from(m, last, amount - starts[last])
    return None


def stopped_due(m: Measured, clock: Calendar, stop: int, amount: int) -> int | None:
    """Return the deadline a stopped target had: searched, else projected from its stop."""
    found = due(m, amount)
    if found is not None or amount < m.total:
        return found
    return passes(clock, stop, amount - m.total)


def escalate(  # noqa: PLR0917 - the inputs the tiers need, computed once by the caller
    folded: Folded,
    tiers: Sequence[TierPlan],
    measured: list[Measured | None],
    specs: list[tuple[GoalSpec | None, ...]],
    rules: Sequence[int],
    elapsed: dict[int, tuple[Calendar, list[int]]],
) -> list[tuple[int, int | None]]:
    """Run the tiers through the segments; return ``(outcome, instant)`` per tier.

    ``outcome`` is :data:`FIRED`, :data:`MANUAL_FIRED` or :data:`SKIPPED` with its
    instant, or ``-1`` with ``None`` for a tier still waiting (and every tier after it).
    Instants after ``now`` are projections: what happens if no further event comes.
    ``elapsed`` maps ``id(clock)`` of :data:`ELAPSED` triggers to the incident clock's
    value at each segment start (``E``: open time since the opening while not concluded).
    """
    times = folded.times
    last = len(times) - 1
    out: list[tuple[int, int | None]] = []
    manual = folded.manual
    n_tiers, n_manual = len(tiers), len(manual)
    used = 0
    k = 0
    bound = times[0]
    for j in range(last + 1):
        u = times[j]
        end = times[j + 1] if j < last else NEVER
        while k < n_tiers:
            lb = bound if bound > u else u  # noqa: FURB136 - no call in the hot loop
            if used < n_manual and manual[used] <= lb:
                # a manual escalation at this instant moves the waiting tier up
                out.append((MANUAL_FIRED, lb))
                used += 1
                k += 1
                bound = lb
                continue
            outcome, x = _candidate(tiers[k], j, lb, end, measured, specs, rules, elapsed, folded)
            if x is None:
                break
            out.append((outcome, x))
            bound = x
            k += 1
        if k == n_tiers:
            break
    out.extend((-1, None) for _ in range(len(tiers) - len(out)))
    return out


def _candidate(  # noqa: PLR0917
    tier: TierPlan,
    j: int,
    lb: int,
    end: int,
    measured: list[Measured | None],
    specs: list[tuple[GoalSpec | None, ...]],
    rules: Sequence[int],
    elapsed: dict[int, tuple[Calendar, list[int]]],
    folded: Folded,
) -> tuple[int, int | None]:
    """Return how tier's turn ends in segment ``j`` from ``lb``: ``(outcome, instant)``.

    ``(0, None)`` when nothing happens in this segment.
    """
    kind = tier.kind
    if kind == OPEN:
        return FIRED, lb
    if kind == MANUAL:
        return 0, None
    times = folded.times
    if kind == ELAPSED:
        if folded.concluded[j]:
            return 0, None
        clock, values = elapsed[id(tier.b)]
        if end < NEVER and values[j + 1] <= tier.a:
            return 0, None  # E at the end of the segment is within the amount
        e = values[j] + (between(clock, times[j], lb) if lb > times[j] else 0)
        if e > tier.a:
            return FIRED, lb
        x = passes(clock, times[j], tier.a - values[j])
        return (FIRED, x) if x < end else (0, None)
    index = tier.a
    spec = specs[j][index]
    m = measured[index]
    if spec is None or m is None:
        return SKIPPED, lb  # the target does not apply to the severity in force
    code = m.codes[j]
    if code == STOPPED:
        return (SKIPPED, lb) if rules[index] == KEEP else (0, None)
    if code == PENDING:
        return 0, None
    r0 = m.starts[j]
    goal = spec.us if spec.days is None else spec.at(m.began[j])
    amount = tier.amounts.get(goal)
    if amount is None:
        amount = tier.amounts[goal] = (
            percent_amount(goal, tier.b) if kind == PERCENT else goal + tier.b
        )
    if end < NEVER and m.ends[j] <= amount:
        # R at the end of the segment is within the amount: nothing fires in it
        return 0, None
    r = r0 + (_between_from(m, j, lb) if code == RUNNING and lb > times[j] else 0)
    if r > amount:
        return FIRED, lb
    if code != RUNNING:
        return 0, None
    x = _passes_from(m, j, amount - r0)
    if kind == BREACH:
        x += 1
    return (FIRED, x) if x < end else (0, None)


def incident_clock(folded: Folded, clock: Calendar, opens: OpenTime | None = None) -> list[int]:
    """Return ``E`` at each segment start: open time since the opening, not while concluded."""
    times, concluded = folded.times, folded.concluded
    fs = None if opens is None else opens.at(clock)
    values = [0]
    e = 0
    for j in range(len(times) - 1):
        if not concluded[j]:
            e += between(clock, times[j], times[j + 1]) if fs is None else fs[j + 1] - fs[j]
        values.append(e)
    return values
