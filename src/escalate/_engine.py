"""The evaluation engine: running spans, elapsed business time, deadlines, tier firing.

Everything here works on integer microseconds and :class:`~escalate.Calendar` clocks, and
knows nothing of how a policy is written down: ``_evaluate`` adapts a policy to the small
specs below. Definitions (see ``docs/explanation/evaluation.md``):

- A target's *running spans* go from its start event to its stop event, minus pauses when
  the target pauses; ``reopened`` restarts a target stopped by ``resolved``.
- ``R(x)`` is the business time on the target's clock within running spans up to ``x``.
- ``due_at`` is the last instant with ``R(x) <= goal``, assuming the target keeps running
  with no further pauses from ``as_of`` (or from its stop): at a closing instant that is
  the next opening.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from escalate._calendar import Calendar

__all__ = ["Measured", "Spans", "TargetTrack", "due", "reach", "track"]


@attrs.frozen
class Spans:
    """Running spans of a target (``[a, b)`` in µs) and where it keeps running, if it does.

    Attributes:
        spans: Closed running spans, in order, each ``a < b``.
        open_from: The instant from which the target keeps running (``as_of`` for a running
            target, its stop instant when stopped, for the deadline it would have had);
            ``None`` while paused or not started.
    """

    spans: tuple[tuple[int, int], ...]
    open_from: int | None


@attrs.frozen
class TargetTrack:
    """What the timeline says about one target, as of an instant."""

    spans: Spans
    started: bool
    stopped_at: int | None
    paused: bool


def track(
    events: Sequence[tuple[str, int]],
    *,
    start: str,
    stop: str,
    pauses: bool,
    as_of: int,
) -> TargetTrack:
    """Compute the running spans of a target from ``(type, instant)`` events up to ``as_of``.

    The target starts at the first ``start`` event, stops at ``stop``; when ``stop`` is
    ``resolved``, ``reopened`` restarts it. When ``pauses``, it does not run between
    ``paused`` and ``resumed``.
    """
    spans: list[tuple[int, int]] = []
    running_since: int | None = None  # start of the current running stretch
    started = stopped = paused = False
    stopped_at: int | None = None
    for kind, at in events:
        if kind == start and not started:
            started = True
            if not (paused and pauses):
                running_since = at
            continue
        if not started:
            if kind == "paused":
                paused = True
            elif kind == "resumed":
                paused = False
            continue
        if kind == stop and not stopped:
            stopped, stopped_at = True, at
            if running_since is not None:
                spans.append((running_since, at))
                running_since = None
        elif kind == "reopened" and stopped and stop == "resolved":
            stopped, stopped_at = False, None
            if not (paused and pauses):
                running_since = at
        elif kind == "paused" and pauses:
            paused = True
            if running_since is not None:
                spans.append((running_since, at))
                running_since = None
        elif kind == "resumed" and pauses:
            paused = False
            if not stopped:
                running_since = at
        elif kind == "paused":
            paused = True
        elif kind == "resumed":
            paused = False
    if running_since is not None:
        spans.append((running_since, as_of))
        open_from: int | None = as_of
    elif stopped:
        open_from = stopped_at
    else:
        open_from = None
    return TargetTrack(
        spans=Spans(tuple((a, b) for a, b in spans if b > a), open_from),
        started=started,
        stopped_at=stopped_at,
        paused=started and not stopped and paused and pauses,
    )


class Measured:
    """A target's running spans measured once: each piece on the clock in force then.

    A severity change may move a target to another clock (critical on 24x7, the others in
    office hours): the spans are cut at the change instants and each piece is counted on
    the clock of the severity in force during it, so elapsed time is kept, never
    re-measured. Beyond the known spans the target runs on ``clock``.
    """

    __slots__ = ("clock", "lengths", "open_from", "pieces")

    def __init__(
        self, spans: Spans, clock: Calendar, changes: Sequence[tuple[int, Calendar]] = ()
    ) -> None:
        self.clock = clock
        self.open_from = spans.open_from
        if not changes:
            self.pieces = [(a, b, clock) for a, b in spans.spans]
        else:
            self.pieces = []
            for a, b in spans.spans:
                begin, current = a, _clock_at(changes, a)
                for at, changed in changes:
                    if begin < at < b:
                        self.pieces.append((begin, at, current))
                        begin, current = at, changed
                self.pieces.append((begin, b, current))
        self.lengths = [c._between_us(a, b) for a, b, c in self.pieces]

    @property
    def total(self) -> int:
        """``R`` at the end of the last closed span: the elapsed business time."""
        return sum(self.lengths)

    def stopped(self) -> Measured:
        """The same pieces without running on: what really was counted, for triggers."""
        other = Measured.__new__(Measured)
        other.pieces, other.lengths, other.clock = self.pieces, self.lengths, self.clock
        other.open_from = None
        return other


def _clock_at(changes: Sequence[tuple[int, Calendar]], at: int) -> Calendar:
    """Return the clock in force at ``at`` (the first change applies from the start)."""
    found = changes[0][1]
    for when, clock in changes:
        if when > at:
            break
        found = clock
    return found


def _walk(m: Measured, amount: int) -> tuple[int, int] | None:
    """Return (piece index, earliest x) where ``R`` first reaches ``amount``, or ``None``."""
    acc = 0
    for i, length in enumerate(m.lengths):
        if acc + length >= amount:
            a, _b, clock = m.pieces[i]
            return i, clock._add_us(a, amount - acc) if amount > acc else a
        acc += length
    if m.open_from is not None:
        a = m.open_from
        return len(m.pieces), m.clock._add_us(a, amount - acc) if amount > acc else a
    return None


def reach(m: Measured, amount: int) -> int | None:
    """Return the earliest instant at which ``R`` reaches ``amount`` (> 0), or ``None``."""
    found = _walk(m, amount)
    return None if found is None else found[1]


def due(m: Measured, goal: int) -> int | None:
    """Return the last instant with ``R(x) <= goal`` (the deadline), or ``None``.

    After ``R`` reaches the goal at ``x0`` it stays flat until the next instant that is
    both open on the clock and running; that instant is the deadline.
    """
    found = _walk(m, goal)
    if found is None:
        return None
    i, x0 = found
    every: list[tuple[int, int, Calendar]] = list(m.pieces[i:])
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
