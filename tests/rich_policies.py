"""Random policies with every feature the evaluator has, and random histories they judge.

The fixed policies of ``tests/evaluator_reference.py`` pin the semantics against a plain
model; these draw the combinations no fixed policy holds: start, stop and pause conditions
on events and statuses (entered or left), targets that pause on some statuses and not
others, reopens that continue, restart or keep, goals per severity and per plan on their
own clocks, goals in business days (also only in a plan), warning points, routes, tiers of
every trigger kind and contacts on their own clocks. Histories mix pauses, status and
field changes, reopens, severity changes, manual escalations, custom events and several
events at one instant, around DST changes in three zones.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

import escalate as esc
from tests.evaluator_reference import STATUSES  # what each status means to every policy
from tests.strategies import POLICY_CALENDARS

US = timedelta(microseconds=1)
MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)

_STATUS_NAMES = list(STATUSES)
_EVENTS = ["opened", "responded", "resolved", "closed", "reopened", "custom_a", "custom_b"]


@st.composite
def conditions(draw: st.DrawFn) -> list[Any]:
    """One or two start or stop conditions: events, statuses entered or left."""
    out: list[Any] = []
    for _ in range(draw(st.integers(1, 2))):
        kind = draw(st.integers(0, 2))
        if kind == 0:
            out.append(draw(st.sampled_from([*_EVENTS, "escalated"])))
        else:
            names = draw(
                st.lists(st.sampled_from(_STATUS_NAMES), min_size=1, max_size=2, unique=True)
            )
            out.append(esc.Status(*names, left=kind == 2))
    return out


@st.composite
def goals(draw: st.DrawFn, clocks: list[str]) -> esc.Goal:
    """A goal: business time (to the microsecond) or business days, maybe a warning."""
    clock = draw(st.none() | st.sampled_from(clocks))
    if draw(st.integers(0, 3)) == 0:
        warning = draw(st.none() | st.integers(1, 8 * 60).map(lambda n: n * MINUTE))
        return esc.Goal(
            duration=esc.BusinessDays(draw(st.integers(1, 5))), warning=warning, clock=clock
        )
    duration = draw(
        st.integers(1, 48 * 60).map(lambda n: n * MINUTE)
        | st.integers(1, 10**7).map(lambda n: n * US)
    )
    warning = None
    if duration > US and draw(st.booleans()):
        warning = draw(st.integers(1, duration // US - 1)) * US
    return esc.Goal(duration=duration, warning=warning, clock=clock)


@st.composite
def tiers(
    draw: st.DrawFn, targets: list[str], clocks: list[str], min_size: int = 0
) -> list[esc.Tier]:
    """Tiers of every trigger kind, with contacts that may have their own clock."""
    out = []
    for level in sorted(draw(st.sets(st.integers(1, 9), min_size=min_size, max_size=5))):
        kind = draw(st.integers(0, 4))
        trigger: esc.Trigger
        if kind == 0:
            trigger = esc.AtOpen()
        elif kind == 1:
            trigger = esc.Manual()
        elif kind == 2:
            after = draw(st.integers(1, 24 * 60)) * MINUTE
            trigger = esc.AfterElapsed(after=after, clock=draw(st.none() | st.sampled_from(clocks)))
        elif kind == 3:
            percent = draw(st.integers(1, 200) | st.floats(0.01, 300, allow_nan=False))
            trigger = esc.AtPercent(target=draw(st.sampled_from(targets)), percent=percent)
        else:
            delay = draw(st.integers(0, 600)) * MINUTE
            trigger = esc.OnBreach(target=draw(st.sampled_from(targets)), delay=delay)
        contacts = tuple(
            esc.Contact(name=f"c{i}", clock=draw(st.none() | st.sampled_from(clocks)))
            for i in range(draw(st.integers(0, 2)))
        )
        out.append(esc.Tier(level=level, name=f"T{level}", contacts=contacts, trigger=trigger))
    return out


def _target(draw: st.DrawFn, name: str, clocks: list[str]) -> esc.Target:
    options: dict[str, Any] = {"name": name, "required": False}
    options["clock"] = draw(st.none() | st.sampled_from(clocks))
    if name == "report":
        options.update(start="resolved", stop="custom_a")
    elif name == "fix":
        options.update(start=draw(conditions()), stop=draw(conditions()))
    pause = draw(st.integers(0, 3))
    if pause == 0:
        options["pauses"] = False
    elif pause == 1:
        names = draw(st.lists(st.sampled_from(_STATUS_NAMES), min_size=1, max_size=2, unique=True))
        options["pause"] = ["paused", esc.Status(*names)]
    elif pause == 2:
        options["pause"] = [esc.Status(draw(st.sampled_from(_STATUS_NAMES)))]
    if draw(st.integers(0, 3)) == 0:
        options["on_reopen"] = draw(st.sampled_from(["continue", "restart", "keep"]))
    return esc.Target(**options)


@st.composite
def policies(draw: st.DrawFn) -> esc.Policy:
    """A valid policy with every feature the evaluator has (see the module docstring)."""
    names = draw(st.sets(st.sampled_from(sorted(POLICY_CALENDARS)), min_size=1))
    calendars = {name: POLICY_CALENDARS[name] for name in names}
    clocks = sorted({*calendars, "24x7"})
    targets = [
        _target(draw, name, clocks)
        for name in ("response", "resolution", "report", "fix")
        if name in {"response", "resolution"} or draw(st.booleans())
    ]
    target_names = [t.name for t in targets]
    severity_names = draw(
        st.lists(st.sampled_from(["high", "medium", "low"]), min_size=1, unique=True)
    )
    severities = [
        esc.Severity(
            name=name,
            goals={t: draw(goals(clocks)) for t in target_names if draw(st.integers(0, 4))},
        )
        for name in severity_names
    ]
    plans = []
    if draw(st.booleans()):
        for plan in draw(st.lists(st.sampled_from(["gold", "silver"]), min_size=1, unique=True)):
            by_severity = {
                sev: {
                    t: draw(goals(clocks))
                    for t in draw(st.sets(st.sampled_from(target_names), min_size=1))
                }
                for sev in draw(st.sets(st.sampled_from(severity_names)))
            }
            clock = draw(st.none() | st.sampled_from(clocks))
            plans.append(esc.Plan(name=plan, clock=clock, goals=by_severity))
    routes = []
    if draw(st.booleans()):
        route_tiers = draw(tiers(target_names, clocks, min_size=1))
        routes = [esc.Route(name="billing", when={"category": ("billing",)}, tiers=route_tiers)]
    try:
        return esc.Policy(
            name="drawn",
            clock=draw(st.sampled_from(clocks)),
            calendars=calendars,
            targets=targets,
            severities=severities,
            plans=plans,
            tiers=draw(tiers(target_names, clocks)),
            routes=routes,
            statuses=STATUSES,
        )
    except esc.PolicyError:  # a combination the policy refuses (say, a tier on no goal)
        assume(False)
        raise


_ANCHORS = [  # around DST changes in London, New York and Mexico, and Bogotá's holidays
    "2026-03-28T21:00:00+00:00",
    "2026-10-24T20:00:00+01:00",
    "2026-12-23T15:00:00-05:00",
    "2026-01-02T06:00:00-05:00",
    "2026-03-08T01:30:00-06:00",
]
_STEPS = st.one_of(
    st.just(timedelta(0)),  # several events at one instant
    st.integers(1, 10**6).map(lambda n: n * US),
    st.integers(1, 8 * 60).map(lambda n: n * MINUTE),
    st.integers(1, 40).map(lambda n: n * HOUR),
)


@st.composite
def histories(draw: st.DrawFn, policy: esc.Policy, max_events: int = 9) -> list[dict[str, Any]]:
    """The events of one incident that ``policy`` knows, as a ticket system stores them."""
    anchor = datetime.fromisoformat(draw(st.sampled_from(_ANCHORS)))
    opened = anchor + draw(st.integers(-36 * 60, 36 * 60)) * MINUTE
    opened += draw(st.integers(0, 59)) * timedelta(seconds=1)
    severities = list(policy.severity_names)
    first: dict[str, Any] = {
        "type": "opened",
        "at": opened,
        "severity": draw(st.sampled_from(severities)),
    }
    if policy.plans and draw(st.booleans()):
        first["plan"] = draw(st.sampled_from([p.name for p in policy.plans]))
    if draw(st.booleans()):
        first["category"] = draw(st.sampled_from(["billing", "other"]))
    if draw(st.booleans()):
        first["status"] = draw(st.sampled_from(_STATUS_NAMES[:4]))
    events = [first]
    paused = False
    resolved: bool | None = False  # None: unknown, after a status change
    at = opened
    for _ in range(draw(st.integers(0, max_events))):
        at += draw(_STEPS)
        kinds = ["responded", "severity_changed", "escalated", "closed", "status", "changed"]
        kinds.append("resumed" if paused else "paused")
        kinds += [c for c in ("custom_a", "custom_b") if c in policy.event_names]
        if resolved is not True:
            kinds.append("resolved")
        if resolved is not False:
            kinds.append("reopened")
        kind = draw(st.sampled_from(kinds))
        event: dict[str, Any] = {"type": kind, "at": at}
        if kind == "severity_changed":
            event["severity"] = draw(st.sampled_from(severities))
        elif kind == "status":
            event = {"type": "changed", "at": at, "status": draw(st.sampled_from(_STATUS_NAMES))}
            resolved = None
        elif kind == "changed":
            event["severity"] = draw(st.sampled_from(severities))
            event["group"] = draw(st.sampled_from(["L1", "L2"]))
            if draw(st.booleans()):  # an attribute the route or the plan reads, changed
                if policy.plans and draw(st.booleans()):
                    event["plan"] = draw(st.sampled_from([p.name for p in policy.plans]))
                else:
                    event["category"] = draw(st.sampled_from(["billing", "other"]))
        elif kind == "paused":
            event["reason"] = draw(st.sampled_from(["waiting", "vendor"]))
        paused = {"paused": True, "resumed": False}.get(kind, paused)
        if resolved is not None:
            resolved = {"resolved": True, "reopened": False}.get(kind, resolved)
        events.append(event)
    return events


@st.composite
def as_of_for(draw: st.DrawFn, events: list[dict[str, Any]]) -> datetime:
    """An instant to evaluate at: at an event, within six days of the opening, or just after."""
    opened, last = events[0]["at"], events[-1]["at"]
    when = draw(
        st.sampled_from([e["at"] for e in events])
        | st.integers(0, 6 * 24 * 3600).map(lambda s: opened + timedelta(seconds=s))
        | st.integers(0, 10**6).map(lambda n: last + n * US)
    )
    return when.astimezone(draw(st.sampled_from([UTC, opened.tzinfo])))
