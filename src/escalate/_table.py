"""The evaluation engine for many incidents at once: the scalar engine's rules on arrays.

The input is a long table of events, already encoded as integer arrays (see
:class:`Events`): one row per event, incidents contiguous and in time order, the opening
first. Every rule is the one of :mod:`escalate._fold` and :mod:`escalate._engine`, read
from the same compiled policy (:mod:`escalate._plan`); only the loop differs.

- Per event: what it does to the incident and its targets is :func:`escalate._fold.step`'s
  answer, the very one ``fold`` uses, found for every incident at once by
  :func:`escalate._fold.fold_many` (one gather per position in the incidents): each
  target's code after it, whether the incident is concluded or reopened, and which
  targets it stopped. No rule of one event is written here.
- Per target: the codes folded per distinct instant into segments, as in ``fold``; a new
  measurement where a reopen restarts it.
- ``R`` at each segment start (a running sum inside each incident), the results, and the
  tiers run segment by segment: for each tier, the first segment (from the previous
  tier's instant) in which its condition holds or it becomes impossible, with ``passes``
  on the calendar's vectorised methods.

The equality of this path with :func:`escalate.evaluate`, row by row, is a tested property.
"""

from __future__ import annotations

from typing import Any, Final

from escalate._arrays import Clocks, Groups, np_module, small_unique
from escalate._engine import (
    FIRED,
    GOING,
    GROWS,
    HELD,
    MANUAL_FIRED,
    NEVER,
    NEXT,
    REPORTED,
    SKIP,
    SKIPPED,
    TURN,
)
from escalate._fold import PENDING, RUNNING, STOPPED, Walked, fold_many
from escalate._plan import (
    ELAPSED,
    KEEP,
    MANUAL,
    OPEN,
    RESTART,
    Compiled,
    GoalSpec,
)

__all__ = ["Events", "Results", "run"]

_NAT: Final = -(2**63)
_INF: Final = 2**62  # a key larger than any instant * 4 + outcome


class Events:
    """A long table of events as integer arrays, incidents contiguous and in order.

    Attributes:
        inc: the incident's index (0, 1, ... in order), per event.
        t: the instant in µs, per event.
        kind: the index of the event type in ``kinds``.
        status: the index of the status it sets in ``statuses``, or ``-1``.
        severity: the index of the severity it sets in ``severities``, or ``-1``.
        kinds, statuses, severities: the vocabularies.
        plan: per incident, its plan name (``None``: none).
        route: per incident, the index of its route in ``policy.routes`` (``-1``: default).
        n: the number of incidents.
        source: per event, its row in the table it came from (for attributes the engine
            does not read, such as the assignment group of a time ledger).
    """

    __slots__ = (
        "inc",
        "kind",
        "kinds",
        "n",
        "plan",
        "route",
        "severities",
        "severity",
        "source",
        "status",
        "statuses",
        "t",
    )

    def __init__(
        self,
        *,
        inc: Any,
        t: Any,
        kind: Any,
        status: Any,
        severity: Any,
        kinds: list[str],
        statuses: list[str],
        severities: list[str],
        plan: list[str | None],
        route: Any,
        n: int,
        source: Any = None,
    ) -> None:
        self.inc, self.t, self.kind, self.status, self.severity = inc, t, kind, status, severity
        self.source = source
        self.kinds, self.statuses, self.severities = kinds, statuses, severities
        self.plan, self.route, self.n = plan, route, n


class Results:
    """Per incident, every figure the table reports (µs, ``_NAT`` where absent).

    ``targets[name]`` holds arrays ``status`` (0-4 as :class:`~escalate.TargetStatus`
    in order, ``-1``: does not apply), ``goal``, ``elapsed``, ``due``, ``warning``,
    ``stopped``, ``at_risk``; ``tiers[route]`` holds, per tier, ``(outcome, instant)``
    arrays over the route's incidents; ``severity`` the severity index at ``now``.
    ``segments`` and ``measured`` keep the segments and each target's state and ``R``
    through them (by target index), for analyses such as a time ledger; ``clocks`` the
    calendars that the targets' ``clock`` ids name; ``status`` the status in force in
    each segment (an index into ``Events.statuses``, ``-1``: none).
    """

    def __init__(self, n: int) -> None:
        self.n = n
        self.targets: dict[str, dict[str, Any]] = {}
        self.tiers: dict[int, tuple[Any, list[tuple[Any, Any]]]] = {}
        self.severity: Any = None
        self.next_change: Any = None
        self.segments: _Segments | None = None
        self.measured: dict[int, _Target] = {}
        self.clocks: Clocks | None = None
        self.status: Any = None


# -- the engine -----------------------------------------------------------------------


class _Segments:
    """The events folded per (incident, instant): the state after the last event there."""

    def __init__(self, ev: Events, last_of_instant: Any, now: int, rows: Groups) -> None:
        np = np_module()
        self.at = np.flatnonzero(last_of_instant)  # the event row of each segment
        # every event at an instant of its own (the usual case): segments are events
        self.same = self.at.size == last_of_instant.size
        self.inc = self.of_events(ev.inc)
        self.t = self.of_events(ev.t)
        n = self.at.size
        if self.same:  # the events' incidents (``rows``) are the segments'
            self.groups = rows
        else:
            self.groups = Groups(
                np.r_[True, self.inc[1:] != self.inc[:-1]] if n else np.zeros(0, bool)
            )
        self.last = np.r_[self.groups.first[1:], True] if n else np.zeros(0, bool)
        self.end = np.where(self.last, now, np.r_[self.t[1:], now] if n else self.t)
        self.index = np.cumsum(self.groups.first) - 1 if n else np.zeros(0, np.int64)
        self.last_of = np.flatnonzero(self.last)  # per incident
        self.first_of = self.groups.starts  # per incident
        # the segment of every event row
        if self.same:
            self.of_row = np.arange(n)
        else:
            self.of_row = np.cumsum(np.r_[0, last_of_instant[:-1]]) if n else np.zeros(0, np.int64)

    def of_events(self, values: Any) -> Any:
        """Per segment, the value of a per-event array at its last event (not a copy)."""
        return values if self.same else values[self.at]


class _Target:
    """One target through the segments: state, ``R`` at each start, length, goal, clock.

    Arrays per segment: ``code``, ``r``, ``length``, ``goal``, ``warning``, ``clock`` (an
    id of :class:`Clocks`), ``combo`` (the severity and plan in force, an index into
    ``goals``: the goal of each, ``-1`` where the target does not apply); ``measure``
    groups the segments of each measurement; per incident, ``stop_t`` and ``stop_seg``:
    where it last stopped.
    """

    __slots__ = (
        "clock",
        "code",
        "combo",
        "goal",
        "goals",
        "length",
        "measure",
        "r",
        "rule",
        "running",
        "stop_seg",
        "stop_t",
        "warning",
    )

    def __init__(
        self,
        *,
        code: Any,
        r: Any,
        length: Any,
        goal: Any,
        goals: list[int],
        combo: Any,
        warning: Any,
        clock: Any,
        measure: Groups,
        rule: int,
        stop_seg: Any,
        stop_t: Any,
    ) -> None:
        self.code, self.r, self.length, self.goal = code, r, length, goal
        self.goals, self.combo = goals, combo
        self.warning, self.clock, self.measure, self.rule = warning, clock, measure, rule
        self.stop_seg, self.stop_t = stop_seg, stop_t
        self.running: tuple[Any, Any] | None = None  # see ``_crossing``


def run(plan: Compiled, ev: Events, now: int, *, only: int | None = None) -> Results:
    """Evaluate every incident of ``ev`` as of ``now`` (later events already removed).

    With ``only``, measure that target alone (by index), with its ``elapsed`` as its
    only figure, and run no tiers: what a time ledger reads.
    """
    np = np_module()
    out = Results(ev.n)
    m = ev.t.size
    if not m:
        out.severity = np.zeros(0, dtype=np.int64)
        out.next_change = np.zeros(0, dtype=np.int64)
        return out
    rows = Groups(np.r_[True, ev.inc[1:] != ev.inc[:-1]])
    lut_kind = {name: k for k, name in enumerate(ev.kinds)}

    def is_kind(name: str) -> Any:
        k = lut_kind.get(name)
        return ev.kind == k if k is not None else np.zeros(m, dtype=bool)

    # -- the incident's state after each event: fold's walk, for every incident at once --
    given = ev.status >= 0
    status = rows.ffill(ev.status, given, default=-1)
    severity = rows.ffill(ev.severity, ev.severity >= 0, default=-1)
    walked = fold_many(
        plan, kinds=ev.kinds, statuses=ev.statuses, kind=ev.kind, status=ev.status,
        first=rows.first,
    )  # fmt: skip
    transition = walked.of_event
    concluded = walked.concluded[transition]
    reopen = walked.reopen[transition]

    last_of_instant = np.r_[(ev.inc[1:] != ev.inc[:-1]) | (ev.t[1:] != ev.t[:-1]), True]
    seg = _Segments(ev, last_of_instant, now, rows)
    s_sev = seg.of_events(severity)
    s_concluded = seg.of_events(concluded)
    out.severity = s_sev[seg.last_of]
    out.status = seg.of_events(status)

    # the goals of each (severity, plan) pair present, per segment
    plan_codes, plan_names = _codes(ev.plan)
    width = len(plan_names) + 1
    combo, combo_of = small_unique(
        np, (s_sev.astype(np.int64) + 1) * width + plan_codes[seg.inc] + 1
    )
    combo -= width  # back to severity * width + plan + 1 (severity -1: none)
    specs = []
    for key in combo.tolist():
        p = key % width - 1
        name = plan_names[p] if p >= 0 and plan.plans else None
        specs.append(plan.goals(ev.severities[key // width], name))
    clocks = Clocks()
    targets: list[_Target] = []
    for tp in plan.targets if only is None else [plan.targets[only]]:
        target = _target(np, tp, plan, specs, combo_of, clocks, seg, rows, walked, reopen,
                         ev.t)  # fmt: skip
        targets.append(target)
        out.targets[tp.name] = _results(np, target, seg, clocks, now, full=only is None)
        out.measured[tp.index] = target
    out.segments, out.clocks = seg, clocks
    if only is not None:
        return out

    # -- tiers, per route --
    manual = np.flatnonzero(is_kind("escalated"))
    manual_t, manual_inc = ev.t[manual], ev.inc[manual]
    manual_from = np.searchsorted(manual_inc, np.arange(ev.n))
    manual_count = np.bincount(manual_inc, minlength=ev.n)
    incident_clocks: dict[int, Any] = {}
    for r_code in np.unique(ev.route).tolist():
        route = plan.policy.routes[r_code] if r_code >= 0 else None
        tiers = plan.tiers(route)
        incs = np.flatnonzero(ev.route == r_code)
        # this route's segments, in order
        if incs.size == ev.n:  # one route (the usual case): all segments, no gathers
            sel, local, seg_t = np.arange(seg.inc.size), seg.inc, seg.t
            starts, end = seg.first_of, np.where(seg.last, NEVER, seg.end)
        else:
            sel = np.flatnonzero(np.isin(seg.inc, incs))
            local, seg_t = np.searchsorted(incs, seg.inc[sel]), seg.t[sel]
            starts = np.flatnonzero(np.r_[True, local[1:] != local[:-1]])
            end = np.where(seg.last[sel], NEVER, seg.end[sel])
        bound = seg.t[seg.first_of[incs]].copy()
        waiting = np.zeros(incs.size, dtype=bool)
        used = np.zeros(incs.size, dtype=np.int64)
        results: list[tuple[Any, Any]] = []
        for tier in tiers:
            b = bound[local]
            ok = ~waiting[local] & (end > b)
            lb = np.maximum(b, seg_t)
            key = np.full(sel.size, _INF, dtype=np.int64)
            pending = used < manual_count[incs]
            where = np.minimum(manual_from[incs] + used, max(manual_t.size - 1, 0))
            next_manual = np.where(pending, manual_t[where] if manual_t.size else NEVER, NEVER)
            by_hand = ok & (next_manual[local] <= lb) if manual.size else np.zeros_like(ok)
            key[by_hand] = lb[by_hand] * 4 + MANUAL_FIRED
            rest = np.flatnonzero(ok & ~by_hand)
            if tier.kind == OPEN:
                key[rest] = lb[rest] * 4 + FIRED
            elif tier.kind != MANUAL:  # a manual tier fires by hand only
                key[rest] = _candidates(np, tier, sel[rest], lb[rest], end[rest], seg, targets,
                                        s_concluded, clocks, incident_clocks)  # fmt: skip
            best = np.minimum.reduceat(key, starts)
            found = best < _INF
            outcome = np.where(found, best % 4, -1)
            instant = np.where(found, best // 4, _NAT)
            results.append((outcome, instant))
            used += outcome == MANUAL_FIRED
            waiting |= ~found
            bound = np.where(found, instant, bound)
        out.tiers[r_code] = (incs, results)
    out.next_change = _next_change(np, out, ev.n, now)
    return out


def _target(  # noqa: PLR0917
    np: Any,
    tp: Any,
    plan: Compiled,
    specs: list[tuple[GoalSpec | None, ...]],
    combo_of: Any,
    clocks: Clocks,
    seg: _Segments,
    rows: Groups,
    walked: Walked,
    reopen: Any,
    event_t: Any,
) -> _Target:
    """One target's state through the events, folded into segments and measured."""
    i = tp.index
    transition = walked.of_event
    code = seg.of_events(walked.codes[:, i][transition])
    n = seg.at.size
    # the last event that stopped it (a reopen and a stop at one instant stop it again)
    ended = walked.ended[:, i][transition]
    last_stop = np.maximum.reduceat(np.where(ended, rows.positions, -1), rows.starts)
    stop_t = np.where(last_stop >= 0, event_t[np.maximum(last_stop, 0)], _NAT)
    stop_seg = seg.of_row[np.maximum(last_stop, 0)]
    if tp.rule == RESTART:
        epoch = seg.of_events(np.cumsum(reopen))
        new = seg.groups.first | np.r_[True, epoch[1:] != epoch[:-1]]
    else:
        new = None
    measure = seg.groups if new is None else Groups(new)  # one measurement: the incident

    def per_combo(value: Any) -> Any:
        return np.array([value(s[i]) for s in specs] + [-1], dtype=np.int64)[combo_of]

    goals = [-1 if s[i] is None else s[i].us for s in specs]
    goal = np.array([*goals, -1], dtype=np.int64)[combo_of]
    warning = per_combo(lambda s: -1 if s is None or s.warning_us is None else s.warning_us)
    cids = {-1 if s[i] is None else clocks.id(s[i].clock) for s in specs}
    if len(cids) == 1 and -1 not in cids:  # one clock for every segment (the usual case)
        clock = np.full(n, cids.pop(), dtype=np.int64)
    else:
        cid = per_combo(lambda s: -1 if s is None else clocks.id(s.clock))
        last_code = code[seg.last_of]
        goal_seg = np.where(last_code == STOPPED, stop_seg, seg.last_of)
        fallback = np.where(cid[goal_seg] >= 0, cid[goal_seg], clocks.id(plan.fallback[i]))
        clock = np.where(cid >= 0, cid, fallback[seg.index])
    length = np.zeros(n, dtype=np.int64)
    run = np.flatnonzero((code == RUNNING) & (seg.end > seg.t))
    length[run] = clocks.between(clock[run], seg.t[run], seg.end[run])
    return _Target(
        code=code,
        r=measure.sum_before(length),
        length=length,
        goal=goal,
        goals=goals,
        combo=combo_of,
        warning=warning,
        clock=clock,
        measure=measure,
        rule=tp.rule,
        stop_seg=stop_seg,
        stop_t=stop_t,
    )


def _crossing(  # noqa: PLR0917
    np: Any,
    target: _Target,
    seg: _Segments,
    clocks: Clocks,
    amount: Any,
    eligible: Any,
) -> Any:
    """``_engine.due`` on arrays: per incident, the last instant with ``R <= amount``.

    Searched in the known segments, or on from the last one when it runs; ``_NAT`` when
    neither.
    """
    if target.running is None:
        # the running segments of each incident's current measurement, and their incident
        code = target.code
        running = code == RUNNING
        if target.measure is not seg.groups:  # RESTART: a reopen starts a measurement
            running &= np.arange(code.size) >= target.measure.start_of[seg.last_of][seg.index]
        cand = np.flatnonzero(running)
        target.running = (cand, seg.index[cand])
    cand, index = target.running
    a = amount[index]
    r = target.r[cand]
    hit = eligible[index] & ((r + target.length[cand] > a) | seg.last[cand])
    rows, index, a, r = cand[hit], index[hit], a[hit], r[hit]
    # ascending: the first row of each incident starts a run
    first = np.r_[True, index[1:] != index[:-1]] if rows.size else np.zeros(0, dtype=bool)
    firsts, rows, a, r = index[first], rows[first], a[first], r[first]
    out = np.full(seg.last_of.size, _NAT, dtype=np.int64)
    out[firsts] = clocks.passes(target.clock[rows], seg.t[rows], a - r)
    return out


def _results(  # noqa: PLR0917
    np: Any, target: _Target, seg: _Segments, clocks: Clocks, now: int, full: bool = True
) -> dict[str, Any]:
    """A target's figures per incident; without ``full``, only ``elapsed`` (and NA)."""
    last = seg.last_of
    code = target.code[last]
    total = target.r[last] + target.length[last]
    goal_seg = np.where(code == STOPPED, target.stop_seg, last)
    goal = target.goal[goal_seg]
    applies = goal >= 0
    if not full:
        return {"elapsed": np.where(applies, total, _NAT)}
    stopped = code == STOPPED
    stopped_at = np.where(stopped, target.stop_t, _NAT)
    due = _crossing(np, target, seg, clocks, goal, applies & (code != PENDING))
    # a stopped target's deadline: the one it had, running on from its stop
    more = np.flatnonzero(applies & stopped & (due == _NAT))
    due[more] = clocks.passes(
        target.clock[goal_seg[more]], stopped_at[more], goal[more] - total[more]
    )
    warning_amount = target.warning[goal_seg]
    warning = _crossing(
        np, target, seg, clocks, warning_amount, (warning_amount >= 0) & (code != PENDING)
    )
    # the engine's tables, as for the scalar path: the status, and whether it still goes
    reported = np.array(REPORTED, dtype=np.int8)[(total > goal).astype(np.intp), code]
    going = np.array(GOING)[reported]
    status = np.where(applies, reported, -1)
    at_risk = (warning != _NAT) & (warning <= now) & going & applies
    return {
        "status": status,
        "goal": np.where(applies, goal, _NAT),
        "elapsed": np.where(applies, total, _NAT),
        "due": np.where(applies, due, _NAT),
        "warning": np.where(applies, warning, _NAT),
        "stopped": np.where(applies, stopped_at, _NAT),
        "at_risk": at_risk,
    }


def _candidates(  # noqa: PLR0917
    np: Any,
    tier: Any,
    rows: Any,
    lb: Any,
    end: Any,
    seg: _Segments,
    targets: list[_Target],
    concluded: Any,
    clocks: Clocks,
    incident_clocks: dict[int, Any],
) -> Any:
    """A segment of ``_engine._turn`` on arrays: ``instant * 4 + outcome`` or ``_INF`` per segment.

    For the tiers on a clock or a target (``open`` and ``manual`` ones are the caller's).
    """
    key = np.full(rows.size, _INF, dtype=np.int64)
    kind = tier.kind
    if kind == ELAPSED:
        t = seg.t[rows]
        cid = clocks.id(tier.b)
        values = incident_clocks.get(cid)
        if values is None:
            length = np.zeros(seg.t.size, dtype=np.int64)
            run = np.flatnonzero(~concluded & ~seg.last)
            length[run] = clocks.between(np.full(run.size, cid), seg.t[run], seg.end[run])
            values = incident_clocks[cid] = seg.groups.sum_before(length)
        e0 = values[rows]
        live = ~concluded[rows]
        e = e0.copy()
        inside = np.flatnonzero(live & (lb > t))
        e[inside] += clocks.between(np.full(inside.size, cid), t[inside], lb[inside])
        now_over = live & (e > tier.a)
        key[now_over] = lb[now_over] * 4 + FIRED
        later = np.flatnonzero(live & ~now_over)
        x = clocks.passes(np.full(later.size, cid), t[later], tier.a - e0[later])
        good = x < end[later]
        key[later[good]] = x[good] * 4 + FIRED
        return key
    target = targets[tier.a]
    goal = target.goal[rows]
    # what the target does for the tier in each segment: the engine's table, by its code
    does = np.array(TURN, dtype=np.int8)[:, int(target.rule == KEEP)][target.code[rows]]
    dead = (goal < 0) | (does == SKIP)
    key[dead] = lb[dead] * 4 + SKIPPED
    # only where R is held or grows can the tier fire: the rest of the work is on those
    live = np.flatnonzero(~dead & ((does == HELD) | (does == GROWS)))
    at, goal, lb, t = rows[live], goal[live], lb[live], seg.t[rows[live]]
    running = does[live] == GROWS
    # the engine's amount per goal in force (one per severity and plan), gathered per segment
    amounts = np.array([*(-1 if g < 0 else tier.amount(g) for g in target.goals), -1])
    amount = amounts[target.combo[at]]
    r0 = target.r[at]
    r = r0.copy()
    inside = np.flatnonzero(running & (lb > t))
    r[inside] += clocks.between(target.clock[at[inside]], t[inside], lb[inside])
    now_over = r > amount
    key[live[now_over]] = lb[now_over] * 4 + FIRED
    # a running segment before the last can cross only if its length takes R past the
    # amount (the instant found lies before its end only then): the calendar is asked
    # about those alone, about one segment per incident rather than every one
    crosses = seg.last[at] | (r0 + target.length[at] > amount)
    later = np.flatnonzero(~now_over & running & crosses)
    x = clocks.passes(target.clock[at[later]], t[later], amount[later] - r0[later]) + tier.after
    good = x < end[live[later]]
    key[live[later[good]]] = x[good] * 4 + FIRED
    return key


def _next_change(np: Any, out: Results, n: int, now: int) -> Any:
    """Per incident, the earliest instant after ``now`` at which the evaluation changes."""
    best = np.full(n, _INF, dtype=np.int64)
    for figures in out.targets.values():
        running = figures["status"] == REPORTED[0][RUNNING]  # reported as running
        for field, offset in NEXT:  # the breach and the warning point
            value = figures[field]
            soon = running & (value != _NAT) & (value + offset > now)
            best = np.where(soon, np.minimum(best, value + offset), best)
    for incs, results in out.tiers.values():
        first_future = np.full(incs.size, _INF, dtype=np.int64)
        for _outcome, instant in results:
            future = (instant != _NAT) & (instant > now) & (first_future == _INF)
            first_future = np.where(future, instant, first_future)
        best[incs] = np.minimum(best[incs], first_future)
    return np.where(best < _INF, best, _NAT)


def _codes(values: list[str | None]) -> tuple[Any, list[str]]:
    np = np_module()
    names: list[str] = []
    index: dict[str, int] = {}
    codes = np.full(len(values), -1, dtype=np.int64)
    if set(values) <= {None}:  # no plans: skip the loop
        return codes, names
    for k, v in enumerate(values):
        if v is None:
            continue
        if v not in index:
            index[v] = len(names)
            names.append(v)
        codes[k] = index[v]
    return codes, names
