"""The spans of one evaluated target: counted, paused, stopped and pending stretches.

One enumeration, read by both :meth:`escalate.Evaluation.explain` (as lines) and
:func:`escalate.plot_incident` (as a picture), so the two can never disagree. Everything
comes from the engine's own results (:func:`escalate._evaluate.outcome` and its
:class:`escalate._engine.Measured`): the counted time of a stretch is the engine's, on
the clock in force in each segment (a severity change can move a target to another
clock), never recomputed by other rules.

The open periods of a stretch are listed bounded: the first ``head`` and the last
``tail``, and between them one gap with the business time counted in it, so an incident
open for decades costs a few dozen periods, not millions.
"""

from __future__ import annotations

from itertools import islice
from typing import TYPE_CHECKING

from escalate._checks import instant_us
from escalate._engine import between
from escalate._fold import PAUSED, RUNNING, STOPPED

if TYPE_CHECKING:
    from datetime import datetime

    from escalate._calendar import Calendar
    from escalate._engine import Measured
    from escalate._evaluate import Outcome
    from escalate._fold import Folded

__all__ = ["Periods", "Stretch", "of_target", "open_periods", "stretches"]

DAY_US = 86_400_000_000


class Stretch:
    """A maximal run of one target's segments in one state (and, running, on one clock).

    Attributes:
        kind: The engine's code: ``RUNNING``, ``PAUSED``, ``STOPPED`` or ``PENDING``.
        start: Its first instant (µs).
        end: The instant after it: the next stretch's start, or ``now``.
        clock: The calendar the target counts on in it.
        restart: A reopen starts a new measurement at ``start``.
        resumed: A reopen lets the stopped clock run on at ``start``.
        current: It belongs to the current measurement (its counted time is in
            the target's ``elapsed``); ``False`` before the last restart.
        counted: The business time the engine counted in it (µs; ``0`` unless running).
    """

    __slots__ = ("clock", "counted", "current", "end", "kind", "restart", "resumed", "start")

    def __init__(  # noqa: PLR0917
        self,
        kind: int,
        start: int,
        end: int,
        clock: Calendar,
        restart: bool,
        resumed: bool,
        current: bool,
        counted: int,
    ) -> None:
        self.kind, self.start, self.end, self.clock = kind, start, end, clock
        self.restart, self.resumed, self.current, self.counted = restart, resumed, current, counted


def stretches(folded: Folded, index: int, m: Measured, now: int) -> list[Stretch]:
    """Return the stretches of target ``index``, in order, from its measurement ``m``."""
    times, clocks = folded.times, m.clocks
    codes = folded.codes[index]
    restarts = folded.restarts[index]
    out: list[Stretch] = []
    last = len(times) - 1
    j = 0
    while j <= last:
        code = codes[j]
        k = j
        while (
            k < last
            and codes[k + 1] == code
            and k + 1 not in restarts
            and (code != RUNNING or clocks[k + 1] is clocks[j])
        ):
            k += 1
        a = times[j]
        b = times[k + 1] if k < last else now
        out.append(
            Stretch(
                code,
                a,
                b,
                clocks[j],
                restart=j in restarts,
                resumed=j > 0 and codes[j - 1] == STOPPED and code in {RUNNING, PAUSED},
                current=j >= m.first,
                counted=m.ends[k] - m.starts[j] if code == RUNNING else 0,
            )
        )
        j = k + 1
    return out


def of_target(out: Outcome, index: int, now: int) -> list[Stretch]:
    """Return the stretches of target ``index`` of an evaluation (none before the opening)."""
    m = out.measured[index] if out.measured else None
    return [] if m is None else stretches(out.folded, index, m, now)


class Periods:
    """The open periods of ``[a, b)`` on a clock, bounded.

    Attributes:
        head: The first periods ``(lo, hi)`` (µs), clipped to ``[a, b)``.
        tail: The last periods, after the head and the gap.
        gap: ``(lo, hi)`` between the head and the tail whose periods are not listed, or
            ``None`` when every period is.
        hidden: The open time in the gap (µs).
    """

    __slots__ = ("gap", "head", "hidden", "tail")

    def __init__(
        self,
        head: list[tuple[int, int]],
        tail: list[tuple[int, int]],
        gap: tuple[int, int] | None,
        hidden: int,
    ) -> None:
        self.head, self.tail, self.gap, self.hidden = head, tail, gap, hidden

    @property
    def shown(self) -> list[tuple[int, int]]:
        """The listed periods: the head, then the tail."""
        return self.head + self.tail


def open_periods(
    clock: Calendar, a: int, b: int, *, head: int, tail: int, window: int = 8 * DAY_US
) -> Periods:
    """Return the open periods of ``[a, b)``: the first ``head``, the last ``tail``.

    ``head`` and ``tail`` are at least 1.
    The tail is looked for in the last ``window`` µs before ``b`` only (a bounded search:
    fewer than ``tail`` periods there lists fewer). Time linear in ``head + tail``.
    """
    found = [_us_pair(p) for p in islice(clock._periods(a, b), head + 1)]
    if len(found) <= head:
        return Periods(found, [], None, 0)
    shown = found[:head]
    gap_from = shown[-1][1]
    last = [_us_pair(p) for p in clock._periods(max(b - window, gap_from), b)][-tail:]
    gap_to = last[0][0] if last else b
    hidden = between(clock, gap_from, gap_to) if gap_to > gap_from else 0
    return Periods(shown, last, (gap_from, gap_to) if hidden else None, hidden)


def _us_pair(pair: tuple[datetime, datetime]) -> tuple[int, int]:
    return instant_us(pair[0], "at"), instant_us(pair[1], "at")
