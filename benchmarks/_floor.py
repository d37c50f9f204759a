"""The floor for ``benchmarks/evaluate.py``: the plainest correct evaluator of its workload.

Not a benchmark itself (``evaluate.py`` imports it as ``_floor``). It answers what
``escalate.evaluate`` answers on that one agreement, with nothing general about it:

- one severity; two targets, ``response`` (opened -> responded) and ``resolution``
  (opened -> resolved or closed), both held while the incident is paused;
- the five tiers of ``_common.escalation_tiers()``: at open, after 30 min of open time,
  at 50% of the resolution goal, on the response breach, one hour after the resolution
  breach; each tier waits for the one below it;
- the split-day Bogota calendar with Colombian holidays, precomputed once as a flat list
  of working intervals with their prefix sums (:class:`Hours`), searched by bisection.

Per incident it returns integers: each target's status, elapsed time, deadline and stop
instant, and each tier's state and instant. It keeps nothing from one incident to the
next. ``evaluate.py`` checks it against ``evaluate`` on every incident it times.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

__all__ = ["Hours", "answers", "floor_evaluate"]

EPOCH = datetime(1970, 1, 1, tzinfo=ZoneInfo("UTC"))
ONE_US = timedelta(microseconds=1)
MINUTE = 60_000_000
HOUR = 60 * MINUTE


class Hours:
    """Working intervals as ``bounds = [o0, c0, o1, c1, ...]`` (µs) and ``cum[k]`` before ``o_k``."""

    def __init__(self, zone: str, shifts: list[tuple[str, str]], holidays: Any, years: range):
        tz = ZoneInfo(zone)
        self.bounds: list[int] = []
        self.cum = [0]
        day = date(years.start, 1, 1)
        while day.year < years.stop:
            if day.weekday() < 5 and day not in holidays:
                for start, end in shifts:
                    for wall in (start, end):
                        h, m = map(int, wall.split(":"))
                        local = datetime(day.year, day.month, day.day, h, m, tzinfo=tz)
                        self.bounds.append((local - EPOCH) // ONE_US)
                    self.cum.append(self.cum[-1] + self.bounds[-1] - self.bounds[-2])
            day += timedelta(days=1)
        self.opens = self.bounds[0::2]

    def before(self, t: int) -> int:
        """Open time before ``t``."""
        i = bisect_right(self.bounds, t)
        if i & 1:
            return self.cum[i >> 1] + t - self.bounds[i - 1]
        return self.cum[i >> 1]

    def passes(self, t: int, amount: int) -> int:
        """The last instant ``x >= t`` with ``open time in [t, x) <= amount``."""
        value = self.before(t) + amount
        k = bisect_right(self.cum, value) - 1
        return self.opens[k] + value - self.cum[k]


def floor_evaluate(
    hours: Hours, events: list[tuple[str, int]], as_of: datetime, goals: tuple[int, int]
) -> tuple[Any, ...]:
    """Evaluate one incident of the workload as of ``as_of``; see the module docstring.

    ``events`` are ``(type, µs)`` pairs in time order: ``opened``, ``responded``,
    ``paused``, ``resumed`` (the workload has no other kind); ``goals`` the response and
    resolution goals (µs).
    """
    now = (as_of - EPOCH) // ONE_US
    # segments [t_j, t_j+1) up to now, and whether each target runs in each
    times: list[int] = []
    run_resp: list[bool] = []
    run_res: list[bool] = []
    paused = False
    responded = None
    for kind, at in events:
        if at > now:
            break
        if kind == "paused":
            paused = True
        elif kind == "resumed":
            paused = False
        elif kind == "responded":
            responded = at if responded is None else responded
        elif kind != "opened":
            raise ValueError(kind)
        if times and times[-1] == at:
            times.pop()
            run_resp.pop()
            run_res.pop()
        times.append(at)
        run_resp.append(responded is None and not paused)
        run_res.append(not paused)
    last = len(times) - 1
    fs = [hours.before(t) for t in times]
    fs.append(hours.before(now))

    def curve(running: list[bool]) -> list[int]:
        """Elapsed time R at each segment start, and at now."""
        r = [0]
        for j in range(last + 1):
            r.append(r[j] + (fs[j + 1] - fs[j] if running[j] else 0))
        return r

    def cross(running: list[bool], r: list[int], amount: int) -> int | None:
        """The last instant with R <= amount: searched, else projected while running."""
        for j in range(last + 1):
            if running[j] and (r[j + 1] > amount or j == last):
                return hours.passes(times[j], amount - r[j])
        return None

    r_resp, r_res = curve(run_resp), curve(run_res)
    targets = []
    for running, r, stop, goal in (
        (run_resp, r_resp, responded, goals[0]),
        (run_res, r_res, None, goals[1]),
    ):
        elapsed = r[-1]
        due = cross(running, r, goal)
        if due is None and stop is not None and goal >= elapsed:
            due = hours.passes(stop, goal - elapsed)  # met: the deadline it had
        if elapsed > goal:
            status = "breached"
        elif stop is not None:
            status = "met"
        else:
            status = "running" if running[last] else "paused"
        targets.append((status, elapsed, due, stop))

    # the tiers in order, each from the instant the one below it fired
    opened = times[0]
    tiers: list[tuple[str, int | None]] = [("fired", opened)]
    elapsed_30 = hours.passes(opened, 30 * MINUTE)  # open time since the opening
    half = cross(run_res, r_res, max(round(goals[1] * 50 / 100), 1))
    breach = cross(run_resp, r_resp, goals[0])
    late = cross(run_res, r_res, goals[1] + HOUR)
    bound = opened
    for x, stop in (
        (elapsed_30, None),
        (half, None),
        (None if breach is None else breach + 1, responded),
        (None if late is None else late + 1, None),
    ):
        if stop is not None and stop <= bound:
            tiers.append(("skipped", bound))  # a met response keeps its result
        elif x is not None and (stop is None or x < stop):
            bound = max(bound, x)
            tiers.append(("fired" if bound <= now else "projected", bound))
        elif stop is not None:
            bound = stop
            tiers.append(("skipped", bound))
        else:
            break
    tiers.extend(("waiting", None) for _ in range(5 - len(tiers)))
    return tuple(targets), tuple(tiers)


def answers(evaluation: Any) -> tuple[Any, ...]:
    """The same figures read from an ``escalate.Evaluation`` (to check the floor)."""

    def us(value: Any) -> int | None:
        return None if value is None else (value - EPOCH) // ONE_US

    targets = tuple(
        (t.status.value, t.elapsed // ONE_US, us(t.due_at), us(t.stopped_at))
        for t in evaluation.targets
    )
    tiers = tuple((s.state.value, us(s.at)) for s in evaluation.schedule)
    return targets, tiers
