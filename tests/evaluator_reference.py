"""A plain, deliberately slow reference model of ``escalate.evaluate``, and random incidents.

The model follows the written semantics (docs/explanation/evaluation.md) one rule at a
time, with none of the fast evaluator's machinery:

- Each target's state (started, stopped, paused) is a function of the events at or before
  an instant. The instants where events happen cut time into elementary intervals; a
  target runs on an interval when its state after the interval's first instant says so.
  Adjacent running intervals merge into the running spans.
- ``R`` is measured by summing ``calendar.open_periods`` over the spans.
- ``due_at`` is found by a forward walk over the open, running pieces: the instant ``x0``
  where ``R`` reaches the goal, then (if ``x0`` ends a piece) the start of the next piece.
- Tiers follow the rules of the spec literally: trigger, ``max`` with the previous tier,
  out of resolved periods, manual escalations one tier at a time.

It produces the ``to_dict()`` form directly, so a comparison shows every difference.
Instants are aware datetimes throughout (exact to the microsecond).

The random incidents at the bottom (Hypothesis strategies) draw valid timelines for four
policies: a split day in Bogota with holidays, Europe/London and America/Santiago
calendars that cross DST transitions, and a 24x7 clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from escalate import (
    AfterElapsed,
    AtOpen,
    AtPercent,
    Calendar,
    Goal,
    Holidays,
    Manual,
    OnBreach,
    Plan,
    Policy,
    Route,
    Severity,
    Target,
    Tier,
    Timeline,
)

H = timedelta(hours=1)
M = timedelta(minutes=1)
US = timedelta(microseconds=1)
_CHUNK = timedelta(days=20)
_LIMIT = timedelta(days=3 * 366)

# -- the model ------------------------------------------------------------------------


@dataclass(frozen=True)
class Track:
    """Running spans of a target, and where it would keep running from (or ``None``)."""

    spans: list[tuple[datetime, datetime]]
    started: bool
    stopped_at: datetime | None
    paused: bool
    runs_on_from: datetime | None


def _state(events: list[tuple[str, datetime]], upto: int, start: str, stop: str, pauses: bool):
    """Return (started, stopped, paused-and-counts, stop instant) after ``events[:upto]``."""
    started = stopped = paused = False
    stopped_at = None
    for kind, at in events[:upto]:
        if kind in {"paused", "resumed"}:
            paused = kind == "paused"
        if not started:
            started = kind == start
            continue
        if kind == stop and not stopped:
            stopped, stopped_at = True, at
        elif kind == "reopened" and stop == "resolved" and stopped:
            stopped, stopped_at = False, None
    return started, stopped, paused and pauses, stopped_at


def track(
    events: list[tuple[str, datetime]], *, start: str, stop: str, pauses: bool, as_of: datetime
) -> Track:
    """Compute a target's running spans by walking the elementary intervals of time."""
    cuts = sorted({at for _k, at in events} | {as_of})
    spans: list[tuple[datetime, datetime]] = []
    for a, b in pairwise(cuts):
        upto = sum(1 for _k, at in events if at <= a)
        started, stopped, paused, _ = _state(events, upto, start, stop, pauses)
        if started and not stopped and not paused:
            if spans and spans[-1][1] == a:
                spans[-1] = (spans[-1][0], b)
            else:
                spans.append((a, b))
    started, stopped, paused, stopped_at = _state(events, len(events), start, stop, pauses)
    if started and not stopped and not paused:
        runs_on_from = as_of
    elif stopped:
        runs_on_from = stopped_at
    else:
        runs_on_from = None
    return Track(spans, started, stopped_at, started and not stopped and paused, runs_on_from)


def _utc(periods):
    # Differences of datetimes that share a tzinfo are wall-clock differences in Python;
    # open time is physical time, so every piece is taken in UTC.
    for s, e in periods:
        yield s.astimezone(UTC), e.astimezone(UTC)


def pieces(clock: Calendar, tr: Track, *, run_on: bool, clock_at=None, cuts=()):
    """Yield the open, running pieces of a target in order (UTC), running on if asked.

    ``clock_at(t)`` gives the clock in force at ``t`` (a severity change may move the
    target to another clock); each span is cut at the event instants ``cuts`` so that
    every part is counted on its own clock. Beyond the known spans it runs on ``clock``.
    """
    for a, b in tr.spans:
        inner = [t for t in cuts if a < t < b]
        for s, e in pairwise([a, *inner, b]):
            yield from _utc((clock_at or (lambda _t: clock))(s).open_periods(s, e))
    if run_on and tr.runs_on_from is not None:
        a = tr.runs_on_from.astimezone(UTC)
        end = a + _LIMIT
        while a < end:
            yield from _utc(clock.open_periods(a, a + _CHUNK))
            a += _CHUNK


def clock_in_force(policy, target, events, until, plan):
    """Return ``clock_at(t)``: the clock of the goal of the severity in force at ``t``.

    A severity with no goal for the target leaves the clock as it was; before the first
    severity with a goal, that first one's clock applies.
    """
    entries = []
    for kind, at, severity in events:
        if kind in {"opened", "severity_changed"} and at <= until:
            goal = policy.goal(target, severity, plan=plan)
            if goal is not None:
                entries.append((at, policy.calendar(goal.clock)))

    def clock_at(t):
        found = entries[0][1]
        for at, clock in entries:
            if at <= t:
                found = clock
        return found

    return clock_at


def elapsed(clock: Calendar, tr: Track, **how) -> timedelta:
    """``R`` at the end of the last span: the sum of the open periods inside the spans."""
    return sum((e - s for s, e in pieces(clock, tr, run_on=False, **how)), timedelta(0))


def reach(clock: Calendar, tr: Track, amount: timedelta, *, run_on: bool, **how):
    """Return the earliest instant at which ``R`` reaches ``amount``, or ``None``."""
    acc = timedelta(0)
    for s, e in pieces(clock, tr, run_on=run_on, **how):
        if acc + (e - s) >= amount:
            return s + (amount - acc)
        acc += e - s
    return None


def deadline(clock: Calendar, tr: Track, goal: timedelta, **how) -> datetime | None:
    """Return the last instant with ``R(x) <= goal``, the target running on with no pauses."""
    acc = timedelta(0)
    x0 = None
    for s, e in pieces(clock, tr, run_on=True, **how):
        if x0 is not None:
            return max(s, x0)  # the next instant at which R grows again
        if acc + (e - s) >= goal:
            x0 = s + (goal - acc)
            if x0 < e:
                return x0
        acc += e - s
    return None


def _severity_at(events: list[tuple[str, datetime, str | None]], at: datetime) -> str:
    found = events[0][2]
    for kind, when, severity in events:
        if when <= at and kind in {"opened", "severity_changed"}:
            found = severity
    assert found is not None
    return found


def _seconds(value: timedelta) -> float | int:
    us = value // US
    return us // 1_000_000 if us % 1_000_000 == 0 else us / 1_000_000


def _iso(value: datetime | None, zone: ZoneInfo) -> str | None:
    return None if value is None else value.astimezone(zone).isoformat()


def reference_evaluate(policy: Policy, timeline: Timeline, as_of: datetime) -> dict[str, Any]:
    """Return what ``evaluate(policy, timeline, as_of=as_of).to_dict()`` should be."""
    visible3 = [
        (e.type, e.at.astimezone(UTC), e.severity) for e in timeline.events if e.at <= as_of
    ]
    events = [(k, at) for k, at, _s in visible3]
    now = as_of.astimezone(UTC)
    attributes = timeline.attributes
    plan = attributes.get("plan")
    plan_name = None if plan is None else str(plan)
    use_plan = plan_name if policy.plans else None

    targets: dict[str, dict[str, Any]] = {}
    info: dict[str, tuple[Calendar, Track, timedelta, dict[str, Any], datetime | None]] = {}
    for target in policy.targets:
        tr = track(events, start=target.start, stop=target.stop, pauses=target.pauses, as_of=now)
        goal_at = now if tr.stopped_at is None else min(now, tr.stopped_at)
        goal = policy.goal(target.name, _severity_at(visible3, goal_at), plan=use_plan)
        if goal is None:
            continue
        clock = policy.calendar(goal.clock)
        how = {
            "clock_at": clock_in_force(policy, target.name, visible3, goal_at, use_plan),
            "cuts": sorted({at for _k, at in events}),
        }
        spent = elapsed(clock, tr, **how)
        if spent > goal.duration:
            status = "breached"
        elif tr.stopped_at is not None:
            status = "met"
        elif not tr.started:
            status = "pending"
        elif tr.paused:
            status = "paused"
        else:
            status = "running"
        # While paused the deadline is unknown, unless R already passed the goal before
        # the pause: then the breach instant is known, and due_at says when it was.
        due_at = deadline(clock, tr, goal.duration, **how)
        warning_at = None
        if goal.warning is not None and tr.started:
            warning_at = reach(clock, tr, goal.warning, run_on=tr.stopped_at is None, **how)
        zone = clock.zone
        targets[target.name] = row = {
            "status": status,
            "goal_seconds": _seconds(goal.duration),
            "elapsed_seconds": _seconds(spent),
            "remaining_seconds": _seconds(goal.duration - spent),
            "percent": round(100.0 * (spent // US) / (goal.duration // US), 4),
            "due_at": _iso(due_at, zone),
            "warning_at": _iso(warning_at, zone),
            "breached_at": _iso(due_at, zone) if status == "breached" else None,
            "stopped_at": _iso(tr.stopped_at, zone),
            "clock": goal.clock,
        }
        info[target.name] = (clock, tr, goal.duration, row, due_at, how)

    route = next((r for r in policy.routes if _matches(r, attributes)), None)
    tiers = route.tiers if route is not None else policy.tiers
    schedule = _tiers(policy, tiers, info, events, now)
    zone = policy.calendar(policy.escalation_clock).zone
    fired = [(tier, at, why) for tier, at, why in schedule if why is not None]
    rest = [(tier, at) for tier, at, why in schedule if why is None]
    return {
        "as_of": as_of.isoformat(),
        "severity": _severity_at(visible3, now),
        "plan": plan_name,
        "route": None if route is None else route.name,
        "targets": targets,
        "tier": None if not fired else _tier_dict(fired[-1][0]),
        "next_tier": None
        if not rest
        else {"level": rest[0][0].level, "name": rest[0][0].name, "at": _iso(rest[0][1], zone)},
        "escalations": [
            {"level": t.level, "name": t.name, "at": _iso(at, zone), "reason": why}
            for t, at, why in fired
        ],
    }


def _matches(route: Route, attributes: dict[str, Any]) -> bool:
    return all(k in attributes and str(attributes[k]) in v for k, v in route.when.items())


def _tier_dict(tier: Tier) -> dict[str, Any]:
    return {
        "level": tier.level,
        "name": tier.name,
        "contacts": [
            {
                "name": c.name,
                "role": c.role,
                "email": c.email,
                "phones": list(c.phones),
                "response_seconds": None if c.response is None else _seconds(c.response),
            }
            for c in tier.contacts
        ],
    }


def _trigger(policy, tier, info, events, as_of):
    """Return (instant or None, reason) of a tier's own trigger."""
    trigger = tier.trigger
    if isinstance(trigger, AtOpen):
        return events[0][1], "opened"
    if isinstance(trigger, AfterElapsed):
        clock = policy.calendar(trigger.clock or policy.escalation_clock)
        tr = track(events, start="opened", stop="resolved", pauses=False, as_of=as_of)
        return reach(clock, tr, trigger.after, run_on=tr.stopped_at is None), "elapsed"
    if isinstance(trigger, AtPercent):
        if trigger.target not in info:
            return None, "percent"
        clock, tr, goal, _row, _due, how = info[trigger.target]
        amount = max(round((goal // US) * trigger.percent / 100), 1) * US
        return reach(clock, tr, amount, run_on=tr.stopped_at is None, **how), "percent"
    if isinstance(trigger, OnBreach):
        if trigger.target not in info or info[trigger.target][3]["status"] == "met":
            return None, "breach"
        clock, _tr, _goal, _row, due_at, _how = info[trigger.target]
        if due_at is not None and trigger.delay:
            due_at = clock.add(due_at, trigger.delay)
        return due_at, "breach"
    assert isinstance(trigger, Manual)
    return None, "manual"


def _tiers(policy, tiers, info, events, as_of):
    """Return [(tier, instant or None, reason or None when projected)] in level order."""
    resolved: list[tuple[datetime, datetime | None]] = []
    for kind, at in events:
        if kind == "resolved" and (not resolved or resolved[-1][1] is not None):
            resolved.append((at, None))
        elif kind == "reopened" and resolved and resolved[-1][1] is None:
            resolved[-1] = (resolved[-1][0], at)

    def out_of_resolved(at):
        for a, b in resolved:
            if a <= at and (b is None or at < b):
                return b
        return at

    manual = [at for kind, at in events if kind == "escalated"]
    out = []
    previous = events[0][1]
    projecting = False
    for tier in tiers:
        at, why = _trigger(policy, tier, info, events, as_of)
        if previous is None:
            at = None
        elif at is not None:
            at = out_of_resolved(max(at, previous))
        if manual and previous is not None and (at is None or manual[0] < at):
            at, why = max(manual.pop(0), previous), "manual"
        if at is not None and at <= as_of and not projecting:
            out.append((tier, at, why))
        else:
            projecting = True
            out.append((tier, at, None))
        previous = at
    return out


# -- policies for random incidents ------------------------------------------------------

_TARGETS = [
    Target(name="response", start="opened", stop="responded", required=False),
    Target(name="resolution", start="opened", stop="resolved"),
    Target(
        name="postmortem",
        start="resolved",
        stop="report_sent",
        pauses=False,
        clock="24x7",
        required=False,
    ),
    Target(name="handover", start="responded", stop="closed", pauses=False, required=False),
]


def _severities():
    return [
        Severity(
            name="high",
            goals={
                "response": Goal(duration=2 * H, warning=H),
                "resolution": 8 * H,
                "postmortem": 72 * H,
                "handover": Goal(duration=3 * H, clock="24x7"),
            },
        ),
        Severity(
            name="medium",
            goals={"response": 4 * H, "resolution": Goal(duration=24 * H, warning=20 * H)},
        ),
        Severity(name="low", goals={"resolution": Goal(duration=30 * H, clock="24x7")}),
    ]


def _tiers_full():
    return [
        Tier(level=1, name="Desk", trigger=AtOpen()),
        Tier(level=2, name="Lead", trigger=AfterElapsed(after=3 * H)),
        Tier(level=3, name="Half response", trigger=AtPercent(target="response", percent=50)),
        Tier(level=4, name="Breach", trigger=OnBreach(target="resolution", delay=30 * M)),
        Tier(level=5, name="Manager", trigger=Manual()),
        Tier(level=6, name="Day", trigger=AfterElapsed(after=30 * H, clock="24x7")),
    ]


def _routes():
    return [
        Route(
            name="billing",
            when={"category": ["billing", "invoices"]},
            tiers=[
                Tier(level=1, name="Billing desk", trigger=Manual()),
                Tier(
                    level=2, name="Billing lead", trigger=AtPercent(target="resolution", percent=75)
                ),
                Tier(level=3, name="CFO", trigger=OnBreach(target="response")),
            ],
        )
    ]


def _policy(name: str, calendar: Calendar) -> Policy:
    return Policy(
        name=name,
        clock="office",
        calendars={"office": calendar},
        targets=_TARGETS,
        severities=_severities(),
        plans=[
            Plan(name="gold", clock="24x7"),
            Plan(name="silver", goals={"high": {"response": Goal(duration=H)}}),
        ],
        tiers=_tiers_full(),
        routes=_routes(),
    )


BOGOTA = Calendar(
    timezone="America/Bogota",
    hours={"mon-fri": ["07:30-12:30", "13:30-17:00"]},
    holidays=Holidays.dates(["2026-01-12", "2026-03-23", "2026-12-08", "2026-12-25"]),
    exceptions={"2026-12-24": ["07:30-12:00"], "2026-12-26": ["09:00-11:00"]},
)
LONDON = Calendar(
    timezone="Europe/London",
    hours={"mon-fri": ["09:00-17:30"], "sat": ["22:00-02:00"], "sun": ["00:30-01:30"]},
    holidays=Holidays.dates(["2026-04-03", "2026-04-06", "2026-12-25"]),
)
SANTIAGO = Calendar(
    timezone="America/Santiago",
    hours={"mon-sun": ["00:00-03:00", "09:00-18:00"]},
)

POLICIES = {
    "bogota": _policy("bogota", BOGOTA),
    "london": _policy("london", LONDON),
    "santiago": _policy("santiago", SANTIAGO),
    "always": _policy("always", Calendar.always("Asia/Kolkata")),
}

# Instants near which incidents open: weekends, holidays, lunch, and DST transitions.
ANCHORS = {
    "bogota": [
        "2026-01-09T16:10:00-05:00",
        "2026-03-20T12:00:00-05:00",
        "2026-12-23T15:00:00-05:00",
    ],
    "london": [
        "2026-03-28T21:00:00+00:00",
        "2026-10-24T20:00:00+01:00",
        "2026-04-02T16:00:00+01:00",
    ],
    "santiago": ["2026-04-04T20:00:00-03:00", "2026-09-05T20:00:00-04:00"],
    "always": ["2026-06-01T10:00:00+05:30"],
}

_STEPS = st.one_of(
    st.just(timedelta(0)),
    st.integers(1, 10**6).map(lambda n: n * US),
    st.integers(1, 8 * 60).map(lambda n: n * M),
    st.integers(1, 80).map(lambda n: n * H),
    st.integers(0, 4 * 24 * 60).map(lambda n: n * M),
)


@st.composite
def incidents(draw, *, policies=tuple(POLICIES), kinds=None, max_events=9):
    """A (policy name, policy, timeline, as_of) with a valid random timeline."""
    name = draw(st.sampled_from(policies))
    policy = POLICIES[name]
    anchor = datetime.fromisoformat(draw(st.sampled_from(ANCHORS[name])))
    opened = (
        anchor
        + draw(st.integers(-36 * 60, 36 * 60)) * M
        + draw(st.integers(0, 59)) * timedelta(seconds=1)
    )
    attributes = {}
    if draw(st.booleans()):
        attributes["plan"] = draw(st.sampled_from(["gold", "silver"]))
    if draw(st.integers(0, 3)) == 0:
        attributes["category"] = draw(st.sampled_from(["billing", "invoices", "other"]))
    severities = list(policy.severity_names)
    events: list[dict[str, Any]] = [
        {
            "type": "opened",
            "at": opened,
            "severity": draw(st.sampled_from(severities)),
            **attributes,
        }
    ]
    paused = resolved = False
    at = opened
    for _ in range(draw(st.integers(0, max_events))):
        at += draw(_STEPS)
        choices = ["responded", "severity_changed", "escalated", "closed", "report_sent"]
        choices.append("resumed" if paused else "paused")
        choices.append("reopened" if resolved else "resolved")
        if kinds is not None:
            choices = [c for c in choices if c in kinds]
            if not choices:
                break
        kind = draw(st.sampled_from(choices))
        event: dict[str, Any] = {"type": kind, "at": at}
        if kind == "severity_changed":
            event["severity"] = draw(st.sampled_from(severities))
        if kind == "paused":
            event["reason"] = "waiting for customer"
        paused = {"paused": True, "resumed": False}.get(kind, paused)
        resolved = {"resolved": True, "reopened": False}.get(kind, resolved)
        events.append(event)
    timeline = Timeline.from_events(events)
    last = events[-1]["at"]
    as_of = draw(
        st.one_of(
            st.sampled_from([e["at"] for e in events]),
            st.integers(0, 6 * 24 * 3600).map(lambda s: opened + timedelta(seconds=s)),
            st.integers(0, 10**6).map(lambda n: last + n * US),
        )
    )
    return name, policy, timeline, as_of.astimezone(draw(st.sampled_from([UTC, opened.tzinfo])))
