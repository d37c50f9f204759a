"""A plain, deliberately slow reference model of ``escalate.evaluate``, and random incidents.

The model follows the written semantics (docs/explanation/evaluation.md) one rule at a
time, with none of the fast evaluator's machinery, and finds every instant by searching a
literal condition rather than by computing it:

- The state after the events at or before an instant (status, severity, pauses, whether
  the incident is concluded, and each target's state) is replayed from the first event,
  for every distinct event instant: quadratic, and obviously right.
- ``R(x)``, a target's elapsed time, is the sum of ``Calendar.between`` over the running
  stretches of the measurement in force at ``x``, each on the clock of the goal of the
  severity in force then.
- Deadlines, warning points and tier instants are found by **binary search** on the
  integer microseconds for the literal condition (``R(x) <= goal`` ...), never with the
  calendar's ``add`` or the engine's ``passes``. So a forward/backward mix-up at a closing
  instant (a deadline at 12:30 instead of 13:30) shows up as a difference.
- Tiers fire in order, each at the first instant ``x`` at or after the previous one at which
  its condition holds given what was known at ``x``.

It produces the ``to_dict()`` form directly (without ``next_change_at`` and the schedule's
notes), so a comparison shows every difference. The random incidents at the bottom
(Hypothesis strategies) draw valid histories (events, status and field changes) for four
policies: a split day in Bogota with holidays, Europe/London and America/Santiago
calendars that cross DST transitions, and a 24x7 clock.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from escalate import (
    AfterElapsed,
    AtOpen,
    AtPercent,
    Calendar,
    Contact,
    Goal,
    Holidays,
    Manual,
    OnBreach,
    Plan,
    Policy,
    Route,
    Severity,
    Status,
    Target,
    Tier,
    Timeline,
)

H = timedelta(hours=1)
M = timedelta(minutes=1)
US = timedelta(microseconds=1)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_FAR = 400 * 86_400 * 10**6  # search this far past the evaluation for a deadline

# -- the model ------------------------------------------------------------------------


def _us(value: datetime) -> int:
    return (value - EPOCH) // US


def _dt(us: int) -> datetime:
    return EPOCH + us * US


class History:
    """The visible events of a timeline replayed under a policy, one instant at a time."""

    def __init__(self, policy: Policy, timeline: Timeline, as_of: datetime) -> None:
        self.policy = policy
        now = _us(as_of)
        self.events = [e for e in timeline.events if _us(e.at) <= now]
        self.now = now
        self.times = sorted({_us(e.at) for e in self.events})
        plan = timeline.attributes.get("plan")
        self.plan = str(plan) if plan is not None and policy.plans else None
        # the state after each distinct instant, replayed from the start every time
        self.after = [self._replay(t) for t in self.times]

    def _replay(self, upto: int) -> dict[str, Any]:
        """The incident's and every target's state after the events at or before ``upto``."""
        policy = self.policy
        status = None
        severity = None
        held = False
        concluded = None  # None, "resolved" or "closed"
        targets = {t.name: {"state": "pending", "epoch": 0, "stop": None} for t in policy.targets}
        for event in self.events:
            if _us(event.at) > upto:
                break
            signals = {event.type}
            before = concluded
            entered = left = None
            if event.severity is not None:
                severity = event.severity
            if event.status is not None and event.status != status:
                entered, left, status = event.status, status, event.status
                meaning = policy.statuses[event.status]
                if meaning in {"resolved", "closed"}:
                    if concluded != meaning:
                        signals.add(meaning)
                    concluded = meaning
                else:
                    concluded = None
            if event.type in {"resolved", "closed"}:
                concluded = event.type
            elif event.type == "reopened":
                concluded = None
            elif event.type in {"paused", "resumed"}:
                held = event.type == "paused"
            reopen = before is not None and concluded is None
            if reopen:
                signals.add("reopened")
            for target in policy.targets:
                st_ = targets[target.name]
                if reopen:
                    if _rule(policy, target) == "continue" and st_["state"] == "stopped":
                        st_["state"], st_["stop"] = "active", None
                    elif _rule(policy, target) == "restart":
                        st_["state"], st_["stop"] = "pending", None
                        st_["epoch"] += 1
                if st_["state"] == "pending" and _happens(target.start, signals, entered, left):
                    st_["state"] = "active"
                if st_["state"] == "active" and _happens(target.stop, signals, entered, left):
                    st_["state"], st_["stop"] = "stopped", _us(event.at)
        meaning = policy.statuses.get(status) if status is not None else None
        for target in policy.targets:
            st_ = targets[target.name]
            pause = target.pause_conditions
            held_now = ("paused" in pause and (held or meaning == "paused")) or any(
                isinstance(c, Status) and status in c.names for c in pause
            )
            st_["running"] = st_["state"] == "active" and not held_now
            st_["paused"] = st_["state"] == "active" and held_now
        return {"severity": severity, "concluded": concluded is not None, "targets": targets}

    def segment(self, x: int) -> int:
        """The index of the last event instant at or before ``x``."""
        return max(i for i, t in enumerate(self.times) if t <= x)

    def goal(self, target: str, j: int) -> Goal | None:
        """The goal of ``target`` for the severity in force in segment ``j``."""
        return self.policy.goal(target, self.after[j]["severity"], plan=self.plan)

    def clock(self, target: Target, j: int, fallback: Calendar) -> Calendar:
        """The clock ``target`` counts on in segment ``j``."""
        goal = self.goal(target.name, j)
        return self.policy.calendar(goal.clock) if goal is not None else fallback

    def r(self, target: Target, x: int, fallback: Calendar, *, from_stop: int | None = None) -> int:
        """``R(x)``: running time of the measurement in force at ``x``.

        ``x`` may be later than now: the target then runs on as it was. ``from_stop``: the
        instant a stopped target stopped, from which it runs on (for the deadline it had).
        """
        j_at = self.segment(x)
        epoch = self.after[j_at]["targets"][target.name]["epoch"]
        total = 0
        for j, t in enumerate(self.times):
            if t >= x:
                break
            state = self.after[j]["targets"][target.name]
            if state["epoch"] != epoch:
                continue
            end = min(self.times[j + 1] if j + 1 < len(self.times) else x, x)
            runs = state["running"] or (from_stop is not None and t >= from_stop)
            if runs and end > t:
                # after its stop, a stopped target runs on on the clock of its goal then
                after_stop = from_stop is not None and t >= from_stop
                clock = fallback if after_stop else self.clock(target, j, fallback)
                total += clock.between(_dt(t), _dt(end)) // US
        return total

    def e(self, clock: Calendar, x: int) -> int:
        """The incident clock: open time since the opening while not concluded."""
        total = 0
        for j, t in enumerate(self.times):
            if t >= x:
                break
            end = min(self.times[j + 1] if j + 1 < len(self.times) else x, x)
            if not self.after[j]["concluded"] and end > t:
                total += clock.between(_dt(t), _dt(end)) // US
        return total


def _rule(policy, target) -> str:
    """The reopen rule, restated: explicit, else from what starts and stops the target."""
    if target.on_reopen is not None:
        return target.on_reopen

    def concluding(conditions) -> bool:
        return any(
            c in {"resolved", "closed"}
            if isinstance(c, str)
            else not c.left and {policy.statuses.get(n) for n in c.names} & {"resolved", "closed"}
            for c in conditions
        )

    if concluding(target.start):
        return "restart"
    if "responded" in target.stop:
        return "keep"
    return "continue" if concluding(target.stop) else "keep"


def _happens(conditions, signals, entered, left) -> bool:
    for c in conditions:
        if isinstance(c, str):
            if c in signals:
                return True
        elif c.left:
            if left is not None and left in c.names and entered not in c.names:
                return True
        elif entered is not None and entered in c.names:
            return True
    return False


def _last_true(predicate, lo: int, hi: int) -> int | None:
    """The largest ``x`` in ``[lo, hi]`` with ``predicate(x)`` (true then false), or ``None``."""
    if not predicate(lo):
        return None
    if predicate(hi):
        return hi
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if predicate(mid):
            lo = mid
        else:
            hi = mid
    return lo


def _first_true(predicate, lo: int, hi: int) -> int | None:
    """The smallest ``x`` in ``[lo, hi]`` with ``predicate(x)`` (false then true), or ``None``."""
    if not predicate(hi):
        return None
    if predicate(lo):
        return lo
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if predicate(mid):
            hi = mid
        else:
            lo = mid
    return hi


def _seconds(us: int) -> float | int:
    return us // 1_000_000 if us % 1_000_000 == 0 else us / 1_000_000


def _written_in(policy: Policy, clock: str) -> ZoneInfo:
    """The zone a clock's instants are written in: the built-in 24x7 one has none of its own."""
    if clock == "24x7" and clock not in policy.calendars:
        return ZoneInfo(policy.timezone)
    return policy.calendar(clock).zone


def _iso(us: int | None, zone: ZoneInfo) -> str | None:
    return None if us is None else _dt(us).astimezone(zone).isoformat()


def _fallback(policy: Policy, target: Target, goal: Goal | None) -> Calendar:
    return policy.calendar(goal.clock if goal is not None else target.clock or policy.clock)


def reference_evaluate(policy: Policy, timeline: Timeline, as_of: datetime) -> dict[str, Any]:
    """Return what ``evaluate(policy, timeline, as_of=as_of).to_dict()`` should be.

    ``next_change_at`` and the schedule's ``note`` texts are left out.
    """
    h = History(policy, timeline, as_of)
    now = h.now
    attributes = timeline.attributes
    plan = attributes.get("plan")
    route = next((r for r in policy.routes if _matches(r, attributes)), None)
    tiers = route.tiers if route is not None else policy.tiers
    zone = _written_in(policy, policy.escalation_clock)
    if not h.times:
        return _before_opening(policy, timeline, as_of, plan, route, tiers)
    last = len(h.times) - 1
    targets: dict[str, dict[str, Any]] = {}
    for target in policy.targets:
        state = h.after[last]["targets"][target.name]
        stop = state["stop"]
        j_goal = last if stop is None else h.segment(stop)
        goal = h.goal(target.name, j_goal)
        if goal is None:
            continue
        g = goal.duration // US
        fallback = _fallback(policy, target, goal)
        spent = h.r(target, now, fallback)
        if state["state"] == "stopped":
            status = "met"
        elif state["state"] == "pending":
            status = "pending"
        elif state["paused"]:
            status = "paused"
        else:
            status = "running"
        if spent > g:
            status = "breached"
        start = h.times[0]
        due = warning = None
        if state["state"] != "pending":
            stopped = state["state"] == "stopped"

            def grown(
                x, amount, *, run_on, stopped=stopped, fallback=fallback, stop=stop, target=target
            ):
                # R as it was known and running on as it was; a stopped target runs on
                # from its stop for the deadline it had (not for its warning point)
                run_from = stop if stopped and run_on else None
                return h.r(target, x, fallback, from_stop=run_from) <= amount

            due = _last_true(lambda x, g=g: grown(x, g, run_on=True), start, now + _FAR)
            if goal.warning is not None:
                w = goal.warning // US
                warning = _last_true(lambda x, w=w: grown(x, w, run_on=False), start, now + _FAR)
                if warning == now + _FAR:
                    warning = None
        # a stopped target's projected deadline is searched on R running on from its stop
        if due is not None and due >= now + _FAR:
            due = None
        gzone = _written_in(policy, goal.clock)
        at_risk = warning is not None and warning <= now and status in {"running", "paused"}
        targets[target.name] = {
            "status": status,
            "goal_seconds": _seconds(g),
            "elapsed_seconds": _seconds(spent),
            "remaining_seconds": _seconds(g - spent),
            "percent": round(100.0 * spent / g, 4),
            "due_at": _iso(due, gzone),
            "warning_at": _iso(warning, gzone),
            "breached_at": _iso(due + 1, gzone)
            if status == "breached" and due is not None
            else None,
            "stopped_at": _iso(stop, gzone),
            "clock": goal.clock,
            "at_risk": at_risk,
        }
    schedule = _tiers(h, tiers)
    fired = [(tier, at, why) for tier, state, at, why in schedule if state == "fired" and at <= now]
    upcoming = [
        (tier, at)
        for tier, state, at, _why in schedule
        if (state == "fired" and at > now) or state == "waiting"
    ]
    return {
        "as_of": as_of.isoformat(),
        "severity": h.after[last]["severity"],
        "plan": None if plan is None else str(plan),
        "route": None if route is None else route.name,
        "targets": targets,
        "tier": None if not fired else _tier_dict(fired[-1][0]),
        "next_tier": None
        if not upcoming
        else {
            "level": upcoming[0][0].level,
            "name": upcoming[0][0].name,
            "at": _iso(upcoming[0][1], zone),
        },
        "escalations": [
            {
                "level": t.level,
                "name": t.name,
                "at": _iso(at, zone),
                "reason": why,
                "notifications": _notifications(policy, t, at, zone),
            }
            for t, at, why in fired
        ],
        "schedule": [
            {
                "level": t.level,
                "name": t.name,
                "state": "projected" if state == "fired" and at > now else state,
                "at": _iso(at, zone),
                "reason": why if state == "fired" else None,
            }
            for t, state, at, why in schedule
        ],
    }


def _before_opening(policy, timeline, as_of, plan, route, tiers) -> dict[str, Any]:  # noqa: PLR0917
    severity = timeline.opened.severity
    targets = {}
    for target in policy.targets:
        goal = policy.goal(target.name, severity, plan=str(plan) if plan and policy.plans else None)
        if goal is None:
            continue
        g = goal.duration // US
        targets[target.name] = {
            "status": "pending",
            "goal_seconds": _seconds(g),
            "elapsed_seconds": 0,
            "remaining_seconds": _seconds(g),
            "percent": 0.0,
            "due_at": None,
            "warning_at": None,
            "breached_at": None,
            "stopped_at": None,
            "clock": goal.clock,
            "at_risk": False,
        }
    return {
        "as_of": as_of.isoformat(),
        "severity": severity,
        "plan": None if plan is None else str(plan),
        "route": None if route is None else route.name,
        "targets": targets,
        "tier": None,
        "next_tier": None
        if not tiers
        else {"level": tiers[0].level, "name": tiers[0].name, "at": None},
        "escalations": [],
        "schedule": [
            {"level": t.level, "name": t.name, "state": "waiting", "at": None, "reason": None}
            for t in tiers
        ],
    }


def _notifications(policy: Policy, tier: Tier, at: int, zone: ZoneInfo) -> list[dict[str, Any]]:
    out = []
    for contact in tier.contacts:
        if contact.clock is None:
            out.append({"contact": contact.name, "at": _iso(at, zone)})
        else:
            clock = policy.calendar(contact.clock)
            when = clock.next_open(_dt(at))
            out.append({"contact": contact.name, "at": when.isoformat()})
    return out


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
                "response_seconds": None if c.response is None else _seconds(c.response // US),
            }
            for c in tier.contacts
        ],
    }


def _condition(h: History, tier: Tier):
    """Return ``(cond(x), dead(j))`` of a tier, from the literal definitions, or ``None``s."""
    policy = h.policy
    trigger = tier.trigger
    if isinstance(trigger, AtOpen):
        return (lambda _x: True), (lambda _j: False)
    if isinstance(trigger, AfterElapsed):
        clock = policy.calendar(trigger.clock or policy.escalation_clock)
        a = trigger.after // US

        def elapsed_cond(x):
            j = h.segment(x)
            return not h.after[j]["concluded"] and h.e(clock, x + 1) > a

        return elapsed_cond, (lambda _j: False)
    if isinstance(trigger, AtPercent | OnBreach):
        target = policy.target(trigger.target)
        last = len(h.times) - 1
        stop = h.after[last]["targets"][target.name]["stop"]
        goal_now = h.goal(target.name, last if stop is None else h.segment(stop))
        fallback = _fallback(policy, target, goal_now)

        def dead(j):
            state = h.after[j]["targets"][target.name]["state"]
            return h.goal(target.name, j) is None or (
                state == "stopped" and _rule(policy, target) == "keep"
            )

        def cond(x):
            j = h.segment(x)
            state = h.after[j]["targets"][target.name]
            goal = h.goal(target.name, j)
            if goal is None or state["state"] != "active":
                return False
            g = goal.duration // US
            if isinstance(trigger, AtPercent):
                amount = max(round(g * trigger.percent / 100), 1)
                return h.r(target, x + 1, fallback) > amount
            return h.r(target, x, fallback) > g + trigger.delay // US

        return cond, dead
    assert isinstance(trigger, Manual)
    return (lambda _x: False), (lambda _j: False)


def _tiers(h: History, tiers) -> list[tuple[Tier, str, int | None, str | None]]:
    """Return ``(tier, state, instant, reason)``: fired (maybe later), skipped or waiting."""
    manual = sorted(_us(e.at) for e in h.events if e.type == "escalated")
    out: list[tuple[Tier, str, int | None, str | None]] = []
    bound: int | None = h.times[0]
    used = 0
    for tier in tiers:
        if bound is None:
            out.append((tier, "waiting", None, None))
            continue
        cond, dead = _condition(h, tier)
        reason = {
            AtOpen: "opened",
            AfterElapsed: "elapsed",
            AtPercent: "percent",
            OnBreach: "breach",
        }.get(type(tier.trigger))
        found = None
        for j, u in enumerate(h.times):
            end = h.times[j + 1] if j + 1 < len(h.times) else h.now + _FAR
            if end <= bound:
                continue
            lb = max(bound, u)
            if used < len(manual) and manual[used] <= lb:
                found = ("fired", lb, "manual")
                used += 1
                break
            if dead(j):
                found = ("skipped", lb, None)
                break
            x = _first_true(cond, lb, end - 1)
            if x is not None:
                found = ("fired", x, reason)
                break
        if found is None:
            out.append((tier, "waiting", None, None))
            bound = None
        else:
            out.append((tier, found[0], found[1], found[2]))
            bound = found[1]
    return out


# -- policies for random incidents ------------------------------------------------------

STATUSES = {
    "New": "open",
    "Working": "open",
    "Waiting customer": "paused",
    "Waiting vendor": "open",
    "Resolved": "resolved",
    "Closed": "closed",
}

_TARGETS = [
    Target(name="response", required=False),
    Target(name="resolution", pause=["paused", Status("Waiting vendor")]),
    Target(
        name="postmortem",
        start="resolved",
        stop="report_sent",
        pauses=False,
        clock="24x7",
        required=False,
    ),
    Target(name="handover", start="responded", stop="closed", pauses=False, required=False),
    Target(
        name="first_touch",
        start="opened",
        stop=Status("New", left=True),
        pauses=False,
        required=False,
    ),
    # stops on statuses that mean resolved or closed: continues after a reopen by default
    Target(name="repair", stop=Status("Resolved", "Closed"), pauses=False, required=False),
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
                "first_touch": Goal(duration=30 * M),
                "repair": 6 * H,
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
        Tier(
            level=1,
            name="Desk",
            trigger=AtOpen(),
            contacts=[Contact(name="Desk"), Contact(name="Office lead", clock="office")],
        ),
        Tier(level=2, name="Lead", trigger=AfterElapsed(after=3 * H)),
        Tier(level=3, name="Half response", trigger=AtPercent(target="response", percent=50)),
        Tier(level=4, name="Breach", trigger=OnBreach(target="resolution", delay=30 * M)),
        Tier(level=5, name="Manager", trigger=Manual()),
        Tier(level=6, name="Day", trigger=AfterElapsed(after=30 * H, clock="24x7")),
        Tier(level=7, name="Full fix", trigger=AtPercent(target="resolution", percent=100)),
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
                Tier(level=4, name="Touch", trigger=OnBreach(target="first_touch")),
            ],
        )
    ]


def _policy(name: str, calendar: Calendar) -> Policy:
    return Policy(
        name=name,
        clock="office",
        calendars={"office": calendar},
        statuses=STATUSES,
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

EVENT_KINDS = (
    "responded",
    "severity_changed",
    "escalated",
    "closed",
    "report_sent",
    "paused",
    "resumed",
    "resolved",
    "reopened",
    "status",
    "changed",
)


@st.composite
def incidents(draw, *, policies=tuple(POLICIES), kinds=None, max_events=9):
    """A (policy name, policy, timeline, as_of) with a valid random history.

    Events mix the explicit ones (responded, paused, resolved...) with status and field
    changes (``changed``), so reopens come from both ``reopened`` and a status leaving
    ``Resolved``; deadlines are aimed at closing instants by the anchors and the steps.
    """
    name = draw(st.sampled_from(policies))
    policy = POLICIES[name]
    anchor = datetime.fromisoformat(draw(st.sampled_from(ANCHORS[name])))
    opened = (
        anchor
        + draw(st.integers(-36 * 60, 36 * 60)) * M
        + draw(st.integers(0, 59)) * timedelta(seconds=1)
    )
    attributes: dict[str, Any] = {}
    if draw(st.booleans()):
        attributes["plan"] = draw(st.sampled_from(["gold", "silver"]))
    if draw(st.integers(0, 3)) == 0:
        attributes["category"] = draw(st.sampled_from(["billing", "invoices", "other"]))
    severities = list(policy.severity_names)
    first: dict[str, Any] = {
        "type": "opened",
        "at": opened,
        "severity": draw(st.sampled_from(severities)),
        **attributes,
    }
    if draw(st.booleans()):
        first["status"] = draw(st.sampled_from(["New", "New", "Working", "Waiting customer"]))
    events: list[dict[str, Any]] = [first]
    paused = False
    resolved: bool | None = False  # None: unknown after a status change
    at = opened
    for _ in range(draw(st.integers(0, max_events))):
        at += draw(_STEPS)
        choices = ["responded", "severity_changed", "escalated", "closed", "report_sent"]
        choices += ["status", "changed"]
        choices.append("resumed" if paused else "paused")
        if resolved is not True:
            choices.append("resolved")
        if resolved is not False:
            choices.append("reopened")
        if kinds is not None:
            choices = [c for c in choices if c in kinds]
            if not choices:
                break
        kind = draw(st.sampled_from(choices))
        event: dict[str, Any] = {"type": kind, "at": at}
        if kind == "severity_changed":
            event["severity"] = draw(st.sampled_from(severities))
        elif kind == "status":
            event = {"type": "changed", "at": at, "status": draw(st.sampled_from(list(STATUSES)))}
            resolved = None
        elif kind == "changed":
            event["severity"] = draw(st.sampled_from(severities))
            event["group"] = draw(st.sampled_from(["L1", "L2"]))
        elif kind == "paused":
            event["reason"] = "waiting for customer"
        paused = {"paused": True, "resumed": False}.get(kind, paused)
        if resolved is not None:
            resolved = {"resolved": True, "reopened": False}.get(kind, resolved)
        events.append(event)
    timeline = Timeline.from_events(events)
    last = events[-1]["at"]
    as_of = draw(
        st.one_of(
            st.sampled_from([e["at"] for e in events]),
            st.integers(0, 6 * 24 * 3600).map(lambda s: opened + timedelta(seconds=s)),
            st.integers(0, 10**6).map(lambda n: last + n * US),
            st.integers(1, 3600).map(lambda s: opened - timedelta(seconds=s)),
        )
    )
    return name, policy, timeline, as_of.astimezone(draw(st.sampled_from([UTC, opened.tzinfo])))
