"""Measuring an incident's targets and running its escalation tiers, on integer µs.

:func:`escalate._fold.fold` gives the segments of a history (the time between two event
instants, in which nothing changes but the clocks) and each target's state in them. This
module measures them: ``measure`` turns one target's segments into its elapsed time ``R``
at each segment start; ``due`` and ``passes`` find instants on that curve; ``escalate``
runs the escalation tiers through the segments in time order, so a tier fires only on what
was known when it fired (causality) and the table path (:mod:`escalate._table`) can do
the same per row.

The rules (docs/explanation/evaluation.md):

- ``passes(clock, t, a)`` is the last instant ``x`` with ``between(t, x) <= a``: the instant
  an amount of running time is used up, moved to the next opening when that is a closing
  instant. Deadlines, warning points, percent and elapsed tiers all use it; a breach is
  one microsecond after it.
- Each tier's turn starts where the one below it ended (:func:`_turn`).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from itertools import accumulate
from operator import mul, not_, sub
from typing import TYPE_CHECKING, NamedTuple

from escalate._fold import PAUSED, PENDING, RUNNING, STOPPED, Folded
from escalate._index import scalar_index
from escalate._plan import (
    ELAPSED,
    KEEP,
    MANUAL,
    OPEN,
    GoalSpec,
    TierPlan,
)

if TYPE_CHECKING:
    from escalate._calendar import Calendar

__all__ = [
    "BREACHED",
    "FIRED",
    "GOING",
    "GROWS",
    "HELD",
    "MANUAL_FIRED",
    "NEVER",
    "NEXT",
    "REPORTED",
    "SKIP",
    "SKIPPED",
    "TURN",
    "WAIT",
    "Lookup",
    "Measured",
    "OpenTime",
    "between",
    "due",
    "escalate",
    "incident_clock",
    "measure",
    "passes",
    "stopped_due",
]


FIRED, MANUAL_FIRED, SKIPPED = 1, 0, 2
"""How a tier's turn ended (manual first: at one instant it wins over the others)."""

NEVER = 2**62
"""An instant after every supported one."""

WAIT, SKIP, HELD, GROWS = 0, 1, 2, 3
"""What a target does for a percent or breach tier in one segment (:data:`TURN`)."""

TURN = ((WAIT, WAIT), (GROWS, GROWS), (HELD, HELD), (WAIT, SKIP))
"""By the target's code in a segment (pending, running, paused, stopped) and whether a
reopen keeps its result (``[code][keep]``): ``WAIT``, nothing fires there; ``SKIP``, the
tier's turn ends, skipped (a kept result); ``HELD``, ``R`` does not grow, so the tier fires
at the segment's start if ``R`` is past its amount there; ``GROWS``, also at the instant
``R`` passes it. Read by both engines (:func:`_turn`, :mod:`escalate._table`)."""


BREACHED = 4
"""The reported status of a target past its goal (statuses count as in ``TargetStatus``)."""

REPORTED = ((PENDING, RUNNING, PAUSED, STOPPED), (BREACHED,) * 4)
"""A target's reported status, by ``[elapsed > goal][code]``: its position in
:class:`~escalate.TargetStatus` (pending, running, paused, met, breached); a target past
its goal is breached whether it stopped or not. Read by both engines."""

NEXT = (("due", 1), ("warning", 0))
"""What changes a running target's figures at a known instant with no event: ``(field,
offset)`` of its figures, the breach one microsecond after its deadline (``due``) and its
warning point. Counted where the target reports running and the instant is after ``now``.
The next change is the earliest of these, of the first tier still to fire and of the
notifications still to come. Read by both engines."""

GOING = (False, True, True, False, False)
"""By reported status: whether the target's clock still goes (running or paused), so that
a passed warning point makes it at risk. Read by both engines."""


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
        "look",
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
        self.fs: list[int] | None
        self.look: Lookup | None
        starts: list[int] = []
        ends: list[int] = []
        began: list[int | None] = []  # when the measurement of each segment started
        start: int | None = None
        r = 0
        last = len(times) - 1
        one = clocks[0]
        fs: list[int] | None = None
        look: Lookup | None = None
        if opens is not None and clocks.count(one) == len(clocks):  # identity: fast
            fs = opens.at(one)
            if fs is not None:
                look = opens.lookup(one)
                if not restarts and codes:
                    # one clock, one measurement: the open time of each running segment,
                    # summed in C
                    ends = list(accumulate(map(mul, opens.grown(one), map(_RUNS, codes))))
                    k = 0 if codes[0] != PENDING else _begins(codes)
                    self.fs, self.look = fs, look
                    self.starts, self.ends, self.total = [0, *ends[:-1]], ends, ends[-1]
                    self.began = (
                        [None] * k + [times[k]] * (len(codes) - k) if k <= last else [None] * k
                    )
                    return
        # fs[j]: the open time before times[j] on the one clock, as look answers (or None)
        self.fs, self.look = fs, look
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


_RUNS = RUNNING.__eq__
"""Whether a segment's code is :data:`RUNNING` (1 or 0 for ``mul``), called from C."""


def _begins(codes: list[int]) -> int:
    """The first segment whose code is not :data:`PENDING` (``len(codes)`` if none)."""
    return next((j for j, code in enumerate(codes) if code != PENDING), len(codes))


class OpenTime:
    """The open time before every segment start (and ``now``) per clock, computed once.

    Shared by the targets of one evaluation: most count on one clock, so each instant is
    looked up once however many targets read it. ``None`` for a clock whose built index
    does not cover the instants (the general path then measures them).
    """

    __slots__ = ("_cache", "_grown", "_lookup", "instants")

    def __init__(self, times: list[int], now: int) -> None:
        self.instants = [*times, now]
        self._cache: dict[int, list[int] | None] = {}
        self._grown: dict[int, list[int]] = {}
        self._lookup: dict[int, Lookup | None] = {}

    def grown(self, clock: Calendar) -> list[int]:
        """The open time in each segment (up to ``now``) on a clock :meth:`at` answered."""
        key = id(clock)
        found = self._grown.get(key)
        if found is None:
            fs = self._cache[key]
            assert fs is not None  # noqa: S101 - asked only where at() answered
            found = self._grown[key] = list(map(sub, fs[1:], fs[:-1]))
        return found

    def lookup(self, clock: Calendar) -> Lookup | None:
        """What :meth:`at` read for ``clock`` (``None`` with it): see :class:`Lookup`."""
        self.at(clock)
        return self._lookup[id(clock)]

    def at(self, clock: Calendar) -> list[int] | None:
        """The open time before every instant (as :meth:`lookup` answers), or ``None``."""
        key = id(clock)
        if key in self._cache:
            return self._cache[key]
        found: list[int] | None = None
        look: Lookup | None = None
        instants = self.instants
        idx = clock._cache.index
        if idx is None or not (idx.cov_start <= instants[0] and instants[-1] < idx.cov_end):
            clock._between_us(instants[0], instants[-1])  # builds the index if it can
            idx = clock._cache.index
        if idx is not None and idx.cov_start <= instants[0] and instants[-1] < idx.cov_end:
            h = idx.tables or scalar_index(idx)
            if h.lo < h.hi:  # the bucket tables (they cover the snapshot's whole range)
                found = h.many(instants)
                look = Lookup(h.f, h.backward, idx.f_end, idx.cov_end)
            else:
                f = idx.f
                found = [f(t) for t in instants]
                look = Lookup(f, idx.backward, idx.f_end, idx.cov_end)
        self._cache[key] = found
        self._lookup[key] = look
        return found


class Lookup(NamedTuple):
    """The open-time function of one clock's index snapshot, and its inverse.

    ``f(t)`` for ``t < cov_end`` (and from the snapshot's start), ``backward(v)`` for
    ``v < f_end``: through the bucket tables (:class:`escalate._index.ScalarIndex`) when
    the snapshot has them, else by bisection (:class:`escalate._index.Index`).
    """

    f: Callable[[int], int]
    backward: Callable[[int], int]
    f_end: int
    cov_end: int


def _passes_from(m: Measured, j: int, amount: int) -> int:
    """``passes(m.clocks[j], m.times[j], amount)``, from the open time known at ``times[j]``."""
    fs = m.fs
    if fs is not None:
        look = m.look
        assert look is not None  # noqa: S101 - set together with fs
        value = fs[j] + amount
        if value < look.f_end:
            return look.backward(value)
    return passes(m.clocks[j], m.times[j], amount)


def _between_from(m: Measured, j: int, x: int) -> int:
    """``between(m.clocks[j], m.times[j], x)``, from the open time known at ``times[j]``."""
    fs = m.fs
    if fs is not None:
        look = m.look
        assert look is not None  # noqa: S101 - set together with fs
        if x < look.cov_end:
            return look.f(x) - fs[j]
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
    ``None`` when it does not run now and ``R`` never passed the amount. ``amount >= 0``
    (a goal, a warning point).
    """
    codes, ends = m.codes, m.ends
    last = len(codes) - 1
    # R never falls within a measurement, so the first segment whose end passes the
    # amount is found by bisection; R grows in it, so the target runs there
    j = bisect_right(ends, amount, m.first)
    if j <= last:
        return _passes_from(m, j, amount - m.starts[j])
    if codes[last] == RUNNING:  # projected: the same instant as from now, on the same clock
        return _passes_from(m, last, amount - m.starts[last])
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
    Each tier's turn starts where the one below it ended (:func:`_turn`).
    """
    out: list[tuple[int, int | None]] = []
    manual = folded.manual
    n_manual = len(manual)
    used = 0
    j = 0
    bound = folded.times[0]
    for tier in tiers:
        outcome, x, j = _turn(
            tier,
            j,
            bound,
            manual[used] if used < n_manual else NEVER,
            measured,
            specs,
            rules,
            elapsed,
            folded,
        )
        if x is None:
            break
        if outcome == MANUAL_FIRED:
            used += 1
        out.append((outcome, x))
        bound = x
    out += [(-1, None)] * (len(tiers) - len(out))
    return out


def _turn(  # noqa: PLR0917 - one segment's rules, in order
    tier: TierPlan,
    j: int,
    bound: int,
    manual_at: int,
    measured: list[Measured | None],
    specs: list[tuple[GoalSpec | None, ...]],
    rules: Sequence[int],
    elapsed: dict[int, tuple[Calendar, list[int]]],
    folded: Folded,
) -> tuple[int, int | None, int]:
    """Return how a tier's turn ends, from segment ``j`` and instant ``bound`` on.

    ``(outcome, instant, segment)``; ``(-1, None, last)`` when it does not end by the
    last segment. In each segment, from ``lb`` (the later of ``bound`` and its start): a
    manual escalation at ``manual_at <= lb`` takes the turn first; then the tier's own
    trigger, which fires at ``lb`` when already passed there, else at the instant it is
    passed within the segment.
    """
    kind = tier.kind
    times = folded.times
    last = len(times) - 1
    index = tier.a
    if kind == ELAPSED:
        clock, values = elapsed[id(tier.b)]
    elif kind != OPEN and kind != MANUAL:  # noqa: PLR1714 - no set built in the hot loop
        m = measured[index]
        if m is not None and j < last:
            j = _skip(tier, j, bound, manual_at, m, specs, rules[index], folded)
    for j in range(j, last + 1):  # noqa: B020 - the turn goes on from segment j
        u = times[j]
        lb = bound if bound > u else u  # noqa: FURB136 - no call in the hot loop
        if manual_at <= lb:
            # a manual escalation at this instant moves the waiting tier up
            return MANUAL_FIRED, lb, j
        if kind == OPEN:
            return FIRED, lb, j
        if kind == MANUAL:
            continue
        end = times[j + 1] if j < last else NEVER
        if kind == ELAPSED:
            if folded.concluded[j]:
                continue
            if end < NEVER and values[j + 1] <= tier.a:
                continue  # E at the end of the segment is within the amount
            e = values[j] + (between(clock, u, lb) if lb > u else 0)
            if e > tier.a:
                return FIRED, lb, j
            x = passes(clock, u, tier.a - values[j])
            if x < end:
                return FIRED, x, j
            continue
        spec = specs[j][index]
        if spec is None or m is None:
            return SKIPPED, lb, j  # the target does not apply to the severity in force
        does = TURN[m.codes[j]][rules[index] == KEEP]
        if does == SKIP:
            return SKIPPED, lb, j
        if does == WAIT:
            continue
        r0 = m.starts[j]
        goal = spec.us if spec.days is None else spec.at(m.began[j])
        amount = tier.amounts.get(goal)
        if amount is None:
            amount = tier.amount(goal)
        if end < NEVER and m.ends[j] <= amount:
            continue  # R at the end of the segment is within the amount
        r = r0 + (_between_from(m, j, lb) if does == GROWS and lb > u else 0)
        if r > amount:
            return FIRED, lb, j
        if does != GROWS:
            continue
        x = _passes_from(m, j, amount - r0) + tier.after
        if x < end:
            return FIRED, x, j
    return -1, None, last


def _skip(  # noqa: PLR0917 - the turn's position and what it reads
    tier: TierPlan,
    j: int,
    bound: int,
    manual_at: int,
    m: Measured,
    specs: list[tuple[GoalSpec | None, ...]],
    rule: int,
    folded: Folded,
) -> int:
    """The segment from which :func:`_turn`'s loop can change anything for a target's tier.

    Where one goal is in force throughout and the target's measurement never restarts,
    ``R`` never falls, so the segments before the first one whose end passes the
    tier's amount (found by bisection) each ``continue`` in the loop, unless a manual
    escalation comes by their start or a kept result ends the turn there: then the loop
    starts at ``j`` as before.
    """
    spec = specs[0][tier.a]
    if spec is None or spec.days is not None or folded.restarts[tier.a]:
        return j
    if specs.count(specs[0]) != len(specs):
        return j
    amount = tier.amount(spec.us)
    last = len(m.ends) - 1
    k = bisect_right(m.ends, amount, j, last)  # ends[j:k] <= amount; k <= last
    if k == j or manual_at <= max(bound, m.times[k - 1]):
        return j
    if rule == KEEP and STOPPED in m.codes[j:k]:
        return j
    return k


def incident_clock(folded: Folded, clock: Calendar, opens: OpenTime) -> list[int]:
    """Return ``E`` at each segment start: open time since the opening, not while concluded."""
    times, concluded = folded.times, folded.concluded
    if opens.at(clock) is not None:
        # the open time of each segment but the last, counted where not concluded, summed
        grown = opens.grown(clock)[:-1]
        return list(accumulate(map(mul, grown, map(not_, concluded)), initial=0))
    values = [0]
    e = 0
    for j in range(len(times) - 1):
        if not concluded[j]:
            e += between(clock, times[j], times[j + 1])
        values.append(e)
    return values
