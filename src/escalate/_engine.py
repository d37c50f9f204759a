"""The evaluation engine: running spans, elapsed business time, deadlines, tier firing.

Everything here works on integer microseconds and :class:`~escalate.Calendar` clocks, and
knows nothing of how a policy is written down: ``_evaluate`` compiles a policy into the
plain values these functions take. Definitions (see ``docs/explanation/evaluation.md``):

- A target's *running spans* go from its start event to its stop event, minus pauses when
  the target pauses; ``reopened`` restarts a target stopped by ``resolved``.
- ``R(x)`` is the business time on the target's clock within running spans up to ``x``.
- ``due_at`` is the last instant with ``R(x) <= goal``, assuming the target keeps running
  with no further pauses from ``as_of`` (or from its stop): at a closing instant that is
  the next opening.

The evaluator calls these functions for every incident, so they trade a little
elegance for speed: plain tuples instead of small classes, and the calendar's compiled
index read directly where a method call per span would dominate.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from typing import TYPE_CHECKING, TypeAlias, TypeGuard

if TYPE_CHECKING:
    from escalate._calendar import Calendar
    from escalate._index import Index

__all__ = [
    "PAUSED",
    "PENDING",
    "RUNNING",
    "STOPPED",
    "Measured",
    "Track",
    "due",
    "reach",
    "track",
]

PENDING, RUNNING, PAUSED, STOPPED = 0, 1, 2, 3
"""Where a target stands in its events: the last item of a :data:`Track`."""

Track: TypeAlias = tuple[list[tuple[int, int]], int | None, int | None, int]
"""``(spans, open_from, stopped_at, state)`` of a target as of an instant.

- ``spans``: closed running spans ``[a, b)`` in µs, in order, each ``a < b``;
- ``open_from``: the instant from which the target keeps running (``as_of`` for a
  running target, its stop instant when stopped, for the deadline it would have had);
  ``None`` while paused or not started;
- ``stopped_at``: the stop instant, or ``None``;
- ``state``: :data:`PENDING`, :data:`RUNNING`, :data:`PAUSED` or :data:`STOPPED`.
"""


def track(
    events: Sequence[tuple[str, int, str | None]], start: str, stop: str, pauses: bool, as_of: int
) -> Track:
    """Compute a target's running spans from ``(type, instant, severity)`` events to ``as_of``.

    The target starts at the first ``start`` event, stops at ``stop``; when ``stop`` is
    ``resolved``, ``reopened`` restarts it. When ``pauses``, it does not run between
    ``paused`` and ``resumed``.
    """
    spans: list[tuple[int, int]] = []
    running_since: int | None = None  # start of the current running stretch
    started = stopped = paused = False
    stopped_at: int | None = None
    restarts = stop == "resolved"
    for kind, at, _severity in events:
        if not started:
            if kind == start:
                started = True
                if not (paused and pauses):
                    running_since = at
            elif kind == "paused":
                paused = True
            elif kind == "resumed":
                paused = False
        elif kind == stop and not stopped:
            stopped, stopped_at = True, at
            if running_since is not None:
                if at > running_since:
                    spans.append((running_since, at))
                running_since = None
        elif kind == "paused":
            paused = True
            if pauses and running_since is not None:
                if at > running_since:
                    spans.append((running_since, at))
                running_since = None
        elif kind == "resumed":
            paused = False
            if pauses and not stopped:
                running_since = at
        elif kind == "reopened" and stopped and restarts:
            stopped, stopped_at = False, None
            if not (paused and pauses):
                running_since = at
    if running_since is not None:
        if as_of > running_since:
            spans.append((running_since, as_of))
        return spans, as_of, None, RUNNING
    if stopped:
        return spans, stopped_at, stopped_at, STOPPED
    return spans, None, None, PAUSED if started else PENDING


class Measured:
    """A target's running spans measured once: each piece on the clock in force then.

    A severity change may move a target to another clock (critical on 24x7, the others in
    office hours): the spans are cut at the change instants and each piece is counted on
    the clock of the severity in force during it, so elapsed time is kept, never
    re-measured. Beyond the known spans the target runs on ``clock``.

    On one clock whose compiled index covers every instant involved (the usual case),
    the open time before each piece's start (``starts``) and before ``open_from``
    (``f_open``) are kept too, so that :func:`reach` and :func:`due` are one bisection of
    the index instead of a walk through the calendar.

    Setting ``open_from`` to ``None`` afterwards keeps only what was counted (a stopped
    target's pieces, for its warning point and the tier triggers).
    """

    __slots__ = (
        "clock",
        "f_open",
        "idx",
        "lengths",
        "open_from",
        "pieces",
        "spans",
        "starts",
        "total",
    )

    def __init__(
        self,
        spans: Sequence[tuple[int, int]],
        open_from: int | None,
        clock: Calendar,
        changes: Sequence[tuple[int, Calendar]] = (),
    ) -> None:
        self.clock = clock
        self.open_from = open_from
        self.spans = spans
        self.idx: Index | None = None
        self.f_open = 0
        self.pieces: list[tuple[int, int, Calendar]] | None = None  # built when needed
        if changes:
            self.pieces = []
            for a, b in spans:
                begin, current = a, _clock_at(changes, a)
                for at, changed in changes:
                    if begin < at < b:
                        self.pieces.append((begin, at, current))
                        begin, current = at, changed
                self.pieces.append((begin, b, current))
            self.lengths = [c._between_us(a, b) for a, b, c in self.pieces]
        elif _covers(idx := clock._cache.index, spans, open_from):
            # the hot path: Index.f inlined at both ends of every span
            bounds, cum = idx.bounds, idx.cum
            self.lengths, self.starts = [], []
            fb = 0
            for a, b in spans:
                i = bisect_right(bounds, a)
                fa = cum[i >> 1] + a - bounds[i - 1] if i & 1 else cum[i >> 1]
                i = bisect_right(bounds, b)
                fb = cum[i >> 1] + b - bounds[i - 1] if i & 1 else cum[i >> 1]
                self.starts.append(fa)
                self.lengths.append(fb - fa)
            if open_from is not None:
                self.f_open = fb if spans and open_from == spans[-1][1] else idx.f(open_from)
            self.idx = idx
        else:
            self.lengths = [clock._between_us(a, b) for a, b in spans]
        self.total = sum(self.lengths)


def _covers(
    idx: Index | None, spans: Sequence[tuple[int, int]], open_from: int | None
) -> TypeGuard[Index]:
    """Whether ``idx`` holds every instant of ``spans`` and ``open_from`` (one is given)."""
    last = open_from if open_from is not None else spans[-1][1] if spans else None
    return (
        idx is not None
        and last is not None
        and idx.cov_start <= (spans[0][0] if spans else last)
        and last < idx.cov_end
    )


def _clock_at(changes: Sequence[tuple[int, Calendar]], at: int) -> Calendar:
    """Return the clock in force at ``at`` (the first change applies from the start)."""
    found = changes[0][1]
    for when, clock in changes:
        if when > at:
            break
        found = clock
    return found


def _pieces(m: Measured) -> list[tuple[int, int, Calendar]]:
    """Return the pieces ``(a, b, clock)`` of ``m`` (on one clock they are built here)."""
    if m.pieces is None:
        m.pieces = [(a, b, m.clock) for a, b in m.spans]
    return m.pieces


def _walk(m: Measured, amount: int) -> tuple[int, int] | None:
    """Return (piece index, earliest x) where ``R`` first reaches ``amount``, or ``None``."""
    acc = 0
    for i, length in enumerate(m.lengths):
        if acc + length >= amount:
            a, _b, clock = _pieces(m)[i]
            return i, clock._add_us(a, amount - acc) if amount > acc else a
        acc += length
    if m.open_from is not None:
        a = m.open_from
        return len(m.lengths), m.clock._add_us(a, amount - acc) if amount > acc else a
    return None


def reach(m: Measured, amount: int) -> int | None:
    """Return the earliest instant at which ``R`` reaches ``amount`` (> 0), or ``None``."""
    idx = m.idx
    if idx is not None and amount > 0:
        acc = 0
        for i, length in enumerate(m.lengths):
            if acc + length >= amount:
                # amount > acc: an earlier piece would have reached it otherwise
                return idx.forward(m.starts[i] + amount - acc)
            acc += length
        if m.open_from is None:
            return None
        target = m.f_open + amount - acc
        if target <= idx.f_end:
            return idx.forward(target)
    found = _walk(m, amount)
    return None if found is None else found[1]


def due(m: Measured, goal: int) -> int | None:
    """Return the last instant with ``R(x) <= goal`` (the deadline), or ``None``.

    After ``R`` reaches the goal at ``x0`` it stays flat until the next instant that is
    both open on the clock and running; that instant is the deadline.

    On one indexed clock that instant is ``Index.backward`` of the open time at which
    ``R`` reaches the goal (the latest instant with that open time is the next opening),
    when the goal falls strictly inside a piece or in the open-ended run.
    """
    idx = m.idx
    if idx is not None and goal > 0:
        acc = 0
        for i, length in enumerate(m.lengths):
            if acc + length > goal:
                return idx.backward(m.starts[i] + goal - acc)
            if acc + length == goal:
                break  # reached at a piece's end: the general walk finds where R grows again
            acc += length
        else:
            if m.open_from is None:
                return None
            target = m.f_open + goal - acc
            if target < idx.f_end:
                return idx.backward(target)
    found = _walk(m, goal)
    if found is None:
        return None
    i, x0 = found
    every: list[tuple[int, int, Calendar]] = _pieces(m)[i:]
    if m.open_from is not None:
        every.append((m.open_from, -1, m.clock))  # -1: runs on for ever
    for a, b, clock in every:
        at = max(x0, a)
        if b >= 0 and at >= b:
            continue
        nxt = at if clock.is_always_open else clock._next_boundary(at, want_open=True)
        if b < 0 or nxt < b:
            return nxt
    # R never grows again within what is known (stopped or paused right at the goal)
    return None
