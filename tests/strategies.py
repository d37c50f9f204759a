"""Every Hypothesis strategy of the test suite.

Calendars are drawn as plain :class:`reference.CalendarSpec` values so that the fast
implementation and the reference model see the same definition. Instants are drawn near a
DST transition of the calendar's zone most of the time, since that is where wall-clock
arithmetic goes wrong.
"""

from __future__ import annotations

import copy
import functools
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from tests.reference import DAY_SECONDS, US, CalendarSpec, Span, from_us, to_us

DST_ZONES = (
    "America/Santiago",
    "Australia/Lord_Howe",
    "America/Havana",
    "Europe/London",
)
ZONES = (*DST_ZONES, "UTC", "America/Bogota")
FIRST_YEAR, LAST_YEAR = 2024, 2028


@functools.cache
def transitions(zone_name: str) -> tuple[int, ...]:
    """Return the instants (us since the epoch) where ``zone_name`` changes its UTC offset."""
    zone = ZoneInfo(zone_name)
    found: list[int] = []
    t = datetime(FIRST_YEAR, 1, 1, tzinfo=UTC)
    end = datetime(LAST_YEAR + 1, 1, 1, tzinfo=UTC)
    step = timedelta(hours=6)
    while t < end:
        nxt = t + step
        if t.astimezone(zone).utcoffset() != nxt.astimezone(zone).utcoffset():
            lo, hi = to_us(t), to_us(nxt)
            while hi - lo > 1:  # bisect to the microsecond: hi is the first new-offset instant
                mid = (lo + hi) // 2
                if from_us(mid).astimezone(zone).utcoffset() == t.astimezone(zone).utcoffset():
                    lo = mid
                else:
                    hi = mid
            found.append(hi)
        t = nxt
    return tuple(found)


zones = st.sampled_from(ZONES)
dst_zones = st.sampled_from(DST_ZONES)

_QUARTER = 15 * 60


@st.composite
def clock_seconds(draw: st.DrawFn, *, upper: int = DAY_SECONDS - 1) -> int:
    """A wall time of day in seconds: mostly on a quarter hour, sometimes any second."""
    if draw(st.integers(0, 4)):
        return draw(st.integers(0, upper // _QUARTER)) * _QUARTER
    return draw(st.integers(0, upper))


@st.composite
def spans(draw: st.DrawFn) -> Span:
    """One wall-clock interval, possibly crossing midnight, possibly a whole day."""
    start = draw(clock_seconds())
    if start == 0 and draw(st.integers(0, 9)) == 0:
        return (0, DAY_SECONDS)  # "00:00-24:00"
    kind = draw(st.integers(0, 3))
    if kind == 0 and start >= 2:  # overnight
        return (start, start + draw(st.integers(DAY_SECONDS - start + 1, DAY_SECONDS - 1)))
    if start == DAY_SECONDS - 1:
        return (start, DAY_SECONDS)
    if draw(st.booleans()):
        length = draw(st.integers(1, 12 * 4)) * _QUARTER
        end = min(start + length, DAY_SECONDS)
    else:
        end = draw(st.integers(start + 1, DAY_SECONDS))
    return (start, end)


def day_spans(max_size: int = 3) -> st.SearchStrategy[list[Span]]:
    """Zero or more intervals of one date, free to touch or overlap."""
    return st.lists(spans(), max_size=max_size)


@st.composite
def weekly_hours(draw: st.DrawFn) -> dict[int, list[Span]]:
    """Weekly hours with at least one open interval somewhere in the week."""
    week = {day: draw(day_spans()) for day in range(7) if draw(st.integers(0, 5))}
    week = {day: found for day, found in week.items() if found}
    if not week:
        week[draw(st.integers(0, 6))] = [draw(spans())]
    return week


@st.composite
def anchors(draw: st.DrawFn, zone: str) -> int:
    """An instant: near a DST transition of ``zone`` (often), else anywhere in the range."""
    found = transitions(zone)
    if found and draw(st.integers(0, 3)):
        base = draw(st.sampled_from(found))
        return base + draw(st.integers(-36 * 3600, 36 * 3600)) * US
    lo = to_us(datetime(FIRST_YEAR, 2, 1, tzinfo=UTC))
    hi = to_us(datetime(LAST_YEAR, 11, 1, tzinfo=UTC))
    return draw(st.integers(lo // US, hi // US)) * US


def _near(anchor: int, days: int) -> st.SearchStrategy[date]:
    center = from_us(anchor).date()
    return st.integers(-days, days).map(lambda k: center + timedelta(days=k))


@dataclass(frozen=True)
class Scenario:
    """A random calendar and an anchor instant near which its queries are drawn."""

    spec: CalendarSpec
    anchor: int


@st.composite
def scenarios(draw: st.DrawFn, zone_names: st.SearchStrategy[str] = zones) -> Scenario:
    """A random calendar (hours, holidays, exceptions) in a random zone, with an anchor."""
    zone = draw(zone_names)
    anchor = draw(anchors(zone))
    holidays = frozenset(draw(st.lists(_near(anchor, 10), max_size=4)))
    exceptions = draw(st.dictionaries(_near(anchor, 10), day_spans(2), max_size=3))
    spec = CalendarSpec(
        timezone=zone, weekly=draw(weekly_hours()), holidays=holidays, exceptions=exceptions
    )
    return Scenario(spec=spec, anchor=anchor)


@st.composite
def instants_near(draw: st.DrawFn, anchor: int, *, hours: int = 72) -> int:
    """An instant within ``hours`` of ``anchor``: on a minute mostly, sometimes any microsecond."""
    if draw(st.integers(0, 3)):
        return anchor + draw(st.integers(-hours * 60, hours * 60)) * 60 * US
    return anchor + draw(st.integers(-hours * 3600 * US, hours * 3600 * US))


@st.composite
def durations_us(
    draw: st.DrawFn, *, max_hours: int = 60, allow_zero: bool = False, cap_us: int | None = None
) -> int:
    """A business duration in microseconds, of either sign, never zero unless allowed.

    ``cap_us`` bounds the magnitude, so that a calendar open one second a week is not asked
    for sixty hours (which would reach past the supported horizon).
    """
    if draw(st.integers(0, 3)):
        magnitude = draw(st.integers(1, max_hours * 4)) * _QUARTER * US
    else:
        magnitude = draw(st.integers(1, max_hours * 3600 * US))
    if cap_us is not None and magnitude > cap_us:
        magnitude = 1 + magnitude % cap_us
    if allow_zero and draw(st.integers(0, 9)) == 0:
        return 0
    return magnitude if draw(st.booleans()) else -magnitude


def durations_for(
    spec: CalendarSpec, *, allow_zero: bool = False, positive: bool = False
) -> st.SearchStrategy[int]:
    """Durations a calendar can serve quickly: at most about three weeks of its open time."""
    weekly = sum(min(e - b, DAY_SECONDS) for spans in spec.weekly.values() for b, e in spans)
    found = durations_us(allow_zero=allow_zero, cap_us=3 * weekly * US)
    return found.map(abs) if positive else found


def as_datetime(us: int, zone_name: str) -> datetime:
    """Return an instant as an aware datetime in ``zone_name``."""
    return from_us(us, ZoneInfo(zone_name))


other_zones = st.sampled_from(
    ("UTC", "Asia/Kolkata", "Pacific/Chatham", "America/St_Johns", *ZONES)
)


@st.composite
def instant_lists(draw: st.DrawFn, anchor: int, *, max_size: int = 30) -> list[int | None]:
    """Instants near ``anchor`` (us since the epoch), with ``None`` standing for NaT."""
    return draw(
        st.lists(st.one_of(instants_near(anchor), st.none()), min_size=0, max_size=max_size)
    )


# --- the vector index ---

vector_scales = st.sampled_from([1, 1000])
"""Units per microsecond of the vector path: 1 for ``datetime64[us]``, 1000 for ``[ns]``."""


def probe_instants(
    bounds: list[int], lo: int, hi: int, *, max_size: int = 40
) -> st.SearchStrategy[list[int | None]]:
    """Instants in ``[lo, hi)`` (us), ``None`` for NaT, in random order or sorted.

    Most lie on one of the calendar's ``bounds`` or one microsecond either side of one.
    """
    near = st.sampled_from(bounds or [lo]).flatmap(lambda b: st.sampled_from((b - 1, b, b + 1)))
    one = st.one_of(st.none(), near, near, st.integers(lo, hi - 1)).map(
        lambda t: t if t is None else min(max(t, lo), hi - 1)
    )
    drawn = st.lists(one, max_size=max_size)
    return st.one_of(drawn, drawn.map(lambda ts: sorted(ts, key=lambda t: (t is None, t or 0))))


def probe_targets(sums: list[int], lo: int, hi: int) -> st.SearchStrategy[list[int]]:
    """Open-time values in ``[lo, hi]``: on a prefix sum or 1 us either side, or anywhere."""
    near = st.sampled_from(sums).flatmap(lambda c: st.sampled_from((c - 1, c, c + 1)))
    one = st.one_of(near, st.integers(lo, hi)).filter(lambda v: lo <= v <= hi)
    return st.lists(one, max_size=30)


@st.composite
def wall_datetimes(draw: st.DrawFn, zone_name: str, anchor: int) -> datetime:
    """A wall-clock datetime in ``zone_name`` within 36 hours of ``anchor``, either fold.

    Built from wall fields, as users build them, so it may lie in a DST gap or fold.
    """
    zone = ZoneInfo(zone_name)
    local = from_us(anchor, zone).replace(tzinfo=None)
    minutes = draw(st.integers(-36 * 60, 36 * 60))
    micros = draw(st.sampled_from((0, 0, 1, 999_999)))
    wall = local + timedelta(minutes=minutes, microseconds=micros)
    return wall.replace(tzinfo=zone, fold=draw(st.integers(0, 1)))


# --- policies ---
# Strategies for SLA policies (tests/test_policy*.py). Imports are local to this section so
# that it stays self-contained at the end of the file.
import escalate as _esc  # noqa: E402

POLICY_CALENDARS = {
    "office": _esc.Calendar(
        timezone="America/Bogota",
        hours={"mon-fri": ["07:30-12:30", "13:30-17:00"]},
        holidays=["2026-01-01", "2026-12-25"],
        exceptions={date(2026, 12, 24): ["07:30-12:00"]},
    ),
    "night": _esc.Calendar(timezone="Europe/London", hours={"mon-sun": ["22:00-06:00"]}),
    "24x7": _esc.Calendar.always("America/Mexico_City"),
}
_policy_names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_-0123456789", min_size=1, max_size=8)
_policy_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)


@st.composite
def policy_durations(draw: st.DrawFn, *, zero: bool = False) -> timedelta:
    """A duration for a policy: whole minutes mostly, sometimes down to the microsecond."""
    if draw(st.integers(0, 3)):
        return timedelta(minutes=draw(st.integers(0 if zero else 1, 60 * 24 * 30)))
    return timedelta(microseconds=draw(st.integers(0 if zero else 1, 10**12)))


@st.composite
def policy_goals(draw: st.DrawFn, clocks: list[str]) -> _esc.Goal:
    """A valid goal, sometimes with a warning point and a clock of its own."""
    duration = draw(policy_durations())
    warning = None
    if duration > timedelta(microseconds=1) and draw(st.booleans()):
        warning = timedelta(
            microseconds=draw(st.integers(1, duration // timedelta(microseconds=1) - 1))
        )
    clock = draw(st.none() | st.sampled_from(clocks))
    return _esc.Goal(duration=duration, warning=warning, clock=clock)


@st.composite
def policy_triggers(draw: st.DrawFn, targets: list[str], clocks: list[str]) -> _esc.Trigger:
    """Any trigger, referring only to existing targets and clocks."""
    kind = draw(st.integers(0, 4))
    if kind == 0:
        return _esc.AtOpen()
    if kind == 1:
        return _esc.Manual()
    if kind == 2:
        return _esc.AfterElapsed(
            after=draw(policy_durations()), clock=draw(st.none() | st.sampled_from(clocks))
        )
    target = draw(st.sampled_from(targets))
    if kind == 3:
        percent = draw(st.integers(1, 300) | st.floats(0.01, 1000, allow_nan=False))
        return _esc.AtPercent(target=target, percent=percent)
    return _esc.OnBreach(target=target, delay=draw(policy_durations(zero=True)))


@st.composite
def policy_tiers(
    draw: st.DrawFn, targets: list[str], clocks: list[str], *, min_size: int = 0
) -> tuple[_esc.Tier, ...]:
    """Tiers in strictly increasing level, each with zero to two contacts."""
    levels = sorted(draw(st.sets(st.integers(1, 20), min_size=min_size, max_size=4)))
    tiers = []
    for level in levels:
        contacts = draw(
            st.lists(
                st.builds(
                    _esc.Contact,
                    name=_policy_names,
                    role=_policy_text,
                    email=st.none() | st.just("desk@example.com"),
                    phones=st.lists(st.just("+1 555 0100"), max_size=2).map(tuple),
                    response=st.none() | policy_durations(zero=True),
                ),
                max_size=2,
            )
        )
        tiers.append(
            _esc.Tier(
                level=level,
                name=draw(_policy_names),
                contacts=tuple(contacts),
                trigger=draw(policy_triggers(targets, clocks)),
            )
        )
    return tuple(tiers)


@st.composite
def policies(draw: st.DrawFn) -> _esc.Policy:
    """A valid policy of random shape: calendars, targets, severities, plans, tiers, routes."""
    calendars = {
        name: POLICY_CALENDARS[name]
        for name in draw(st.sets(st.sampled_from(sorted(POLICY_CALENDARS))))
    }
    clocks = sorted({*calendars, "24x7"})
    maybe_clock = st.none() | st.sampled_from(clocks)
    targets = [
        _esc.Target(
            name=name,
            start="opened",
            stop=stop,
            pauses=draw(st.booleans()),
            clock=draw(maybe_clock),
            required=draw(st.booleans()),
            goal=draw(st.none() | policy_goals(clocks)),
        )
        for name, stop in (("response", "responded"), ("resolution", "resolved"))
        if draw(st.booleans())
    ]
    custom = draw(
        st.lists(
            _policy_names.filter(lambda n: n not in {"response", "resolution", "description"}),
            max_size=2,
            unique=True,
        )
    )
    targets += [
        _esc.Target(
            name=name,
            start=draw(st.sampled_from(["opened", "resolved"])),
            stop=f"{name}_done",
            pauses=draw(st.booleans()),
            clock=draw(maybe_clock),
            goal=draw(st.none() | policy_goals(clocks)),
            required=draw(st.booleans()),
        )
        for name in custom
    ]
    by_name = {
        "response": _esc.Target(name="response", stop="responded"),
        "resolution": _esc.Target(name="resolution"),
    }
    by_name.update((t.name, t) for t in targets)
    target_names = list(by_name)
    severity_names = draw(st.lists(_policy_names, min_size=1, max_size=3, unique=True))
    severities = []
    for name in severity_names:
        goals = {
            t.name: draw(policy_goals(clocks))
            for t in by_name.values()
            if (t.required and t.goal is None) or draw(st.booleans())
        }
        severities.append(_esc.Severity(name=name, description=draw(_policy_text), goals=goals))
    plans = [
        _esc.Plan(
            name=plan,
            description=draw(_policy_text),
            clock=draw(maybe_clock),
            goals={
                sev: {
                    t: draw(policy_goals(clocks))
                    for t in draw(st.sets(st.sampled_from(target_names), min_size=1))
                }
                for sev in draw(st.sets(st.sampled_from(severity_names)))
            },
        )
        for plan in draw(st.lists(_policy_names, max_size=2, unique=True))
    ]
    routes = [
        _esc.Route(
            name=route,
            when=draw(
                st.dictionaries(
                    st.sampled_from(["region", "category", "plan"]),
                    st.lists(_policy_names, min_size=1, max_size=3).map(tuple),
                    min_size=1,
                )
            ),
            tiers=draw(policy_tiers(target_names, clocks, min_size=1)),
        )
        for route in draw(st.lists(_policy_names, max_size=2, unique=True))
    ]
    availability = draw(
        st.none()
        | st.builds(
            _esc.Availability,
            objective=st.floats(0.5, 100, allow_nan=False) | st.integers(1, 100),
            clock=maybe_clock,
            maintenance_notice=st.none() | st.integers(0, 30).map(_esc.BusinessDays),
        )
    )
    return _esc.Policy(
        name=draw(_policy_text),
        description=draw(_policy_text),
        clock=draw(st.sampled_from(clocks)),
        calendars=calendars,
        targets=targets,
        severities=severities,
        plans=plans,
        tiers=draw(policy_tiers(target_names, clocks)),
        routes=routes,
        availability=availability,
    )


# --- availability ---

AVAILABILITY_MONTH = _esc.Period.month(2026, 11)
"""The period the availability properties measure: November 2026 in UTC."""

AVAILABILITY_CALENDARS = {
    "office": _esc.Calendar(
        timezone="America/Mexico_City",
        hours={"mon-fri": ["09:00-18:00"]},
        holidays=["2026-11-16"],
    ),
}
"""The calendars availability objectives may name besides ``24x7``."""

_AVAILABILITY_DAY_US = DAY_SECONDS * US


@st.composite
def availability_outages(draw: st.DrawFn, *, still_open: bool = True) -> _esc.Outage:
    """An outage around November 2026: often inside it, sometimes across its edges."""
    base = AVAILABILITY_MONTH.start
    start = base + timedelta(
        microseconds=draw(st.integers(-3 * _AVAILABILITY_DAY_US, 32 * _AVAILABILITY_DAY_US))
    )
    length = draw(
        st.integers(0, 3 * _AVAILABILITY_DAY_US) | st.integers(0, 6 * 3600 * US) | st.just(0)
    )
    end = (
        None
        if still_open and draw(st.integers(0, 9)) == 0
        else start + timedelta(microseconds=length)
    )
    planned = draw(st.booleans())
    notice = draw(st.none() | st.integers(-2 * _AVAILABILITY_DAY_US, 12 * _AVAILABILITY_DAY_US))
    return _esc.Outage(
        start=start,
        end=end,
        kind=draw(st.sampled_from(["major", "minor"])),
        planned=planned,
        notified_at=None if notice is None else start - timedelta(microseconds=notice),
        external=draw(st.integers(0, 4)) == 0,
    )


availability_outage_lists = st.lists(availability_outages(), max_size=8)
"""Up to eight outages, overlapping at will."""

availability_objectives = st.builds(
    _esc.Availability,
    objective=st.sampled_from([90, 99, 99.5, 99.9, 100]) | st.floats(50, 100),
    clock=st.sampled_from([None, "office"]),
    maintenance_notice=st.none() | st.integers(0, 7).map(_esc.BusinessDays),
    measured_on=st.sampled_from([None, None, "office"]),
    counts=st.sampled_from([("major", "minor"), ("major",), ("minor",)]),
)
"""Availability objectives on the 24x7 or the office clock, with any notice rule."""

availability_instants = st.integers(0, 30 * _AVAILABILITY_DAY_US).map(
    lambda us: AVAILABILITY_MONTH.start + timedelta(microseconds=us)
)
"""Instants within November 2026 (its end included)."""


# -- ticket histories as exports ------------------------------------------------------

HISTORY_STATUSES = ("New", "Active", "Awaiting User Info", "Resolved", "Closed")
HISTORY_PRIORITIES = ("1 - Critical", "2 - High", "3 - Moderate")
HISTORY_GROUPS = ("Group A", "Group B", None)


@st.composite
def snapshot_histories(draw: st.DrawFn, *, max_incidents: int = 5, max_updates: int = 8):
    """Incidents as state snapshots: ``(rows, expected)``.

    ``rows`` are dicts of one update each (``number``, ``updated`` as naive text in
    São Paulo, ``state``, ``priority``, ``group``, ``seq``), some repeating the state before
    (no change), in shuffled order; ``expected`` maps each number to the list of events
    the update history means: the opening, then one ``changed`` per update that changes
    something, with the fields that changed.
    """
    zone = ZoneInfo("America/Sao_Paulo")
    rows: list[dict] = []
    expected: dict[str, list[dict]] = {}
    for k in range(draw(st.integers(1, max_incidents))):
        number = f"INC{k:04d}"
        at = datetime(2016, 3, 1, 8, 0, tzinfo=zone) + draw(st.integers(0, 600)) * timedelta(
            minutes=1
        )
        state = {
            "state": draw(st.sampled_from(HISTORY_STATUSES[:2])),
            "priority": draw(st.sampled_from(HISTORY_PRIORITIES)),
            "group": draw(st.sampled_from(HISTORY_GROUPS)),
        }
        opened = {"type": "opened", "at": at.astimezone(UTC), "status": state["state"]}
        opened["severity"] = state["priority"]
        if state["group"] is not None:
            opened["group"] = state["group"]
        events = [opened]
        updates = [(at, dict(state))]
        for _ in range(draw(st.integers(0, max_updates))):
            at += draw(st.integers(0, 3 * 24 * 60)) * timedelta(minutes=1)
            new = dict(state)
            for key, choices in (
                ("state", HISTORY_STATUSES),
                ("priority", HISTORY_PRIORITIES),
                ("group", HISTORY_GROUPS),
            ):
                if draw(st.integers(0, 2)) == 0:
                    new[key] = draw(st.sampled_from(choices))
            updates.append((at, new))
            change: dict = {}
            if new["state"] != state["state"]:
                change["status"] = new["state"]
            if new["priority"] != state["priority"]:
                change["severity"] = new["priority"]
            if new["group"] != state["group"]:
                change["group"] = new["group"]
            if change:
                events.append({"type": "changed", "at": at.astimezone(UTC), **change})
            state = new
        expected[number] = events
        for seq, (when, values) in enumerate(updates):
            rows.append(
                {
                    "number": number,
                    "updated": when.strftime("%d/%m/%Y %H:%M"),
                    "opened": updates[0][0].strftime("%d/%m/%Y %H:%M"),
                    "state": values["state"],
                    "priority": values["priority"],
                    "group": "?" if values["group"] is None else values["group"],
                    "seq": seq,
                }
            )
    order = draw(st.permutations(range(len(rows))))
    return [rows[i] for i in order], expected


@dataclass(frozen=True)
class Observation:
    """One row of a target for the survival tests: its group, outcome and business time."""

    group: str
    minutes: int
    """The elapsed business time, in minutes (few values, so ties are common)."""
    goal_minutes: int
    status: str
    """pending, running, paused, met or breached; ``error`` marks a row that failed."""

    @property
    def stopped(self) -> bool:
        """Whether the target stopped (met, or breached after it stopped)."""
        return self.status in {"met", "breached-stopped"}


@st.composite
def observations(draw: st.DrawFn, *, mixed: bool = False) -> Observation:
    """A target's row: stopped (an event), not stopped (censored), pending, or an error."""
    group = draw(st.sampled_from(["a", "b", "c"]))
    minutes = draw(st.integers(0, 12))
    one_goal = {"a": 5, "b": 8, "c": 3}[group]
    goal = draw(st.sampled_from([4, 6, 10])) if mixed else one_goal
    kind = draw(st.sampled_from(["stopped", "stopped", "open", "open", "pending", "error"]))
    if kind == "stopped":
        status = "met" if minutes <= goal else "breached-stopped"
    elif kind == "open":
        status = "breached" if minutes > goal else draw(st.sampled_from(["running", "paused"]))
    else:
        status = kind
    return Observation(group=group, minutes=minutes, goal_minutes=goal, status=status)


observation_lists = st.lists(observations(), max_size=40)
"""Targets of up to three groups sharing one goal each, with many ties at equal times."""

mixed_goal_observation_lists = st.lists(observations(mixed=True), max_size=40)
"""Targets whose goals differ inside a group (a team across severities)."""

# --- hardening: junk from users, instants of any year, errors ---
# Strategies for the boundary and fuzz tests (tests/test_boundary.py, tests/test_fuzz*.py).

_ANY_ZONES = (
    "UTC",
    "America/Bogota",
    "Asia/Tokyo",
    "Pacific/Kiritimati",
    "Pacific/Niue",
    "Europe/London",
    "Australia/Lord_Howe",
)

any_aware_datetimes = st.datetimes(
    min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59, 999_999)
).flatmap(
    lambda wall: st.sampled_from(_ANY_ZONES).map(lambda zone: wall.replace(tzinfo=ZoneInfo(zone)))
)
"""Aware datetimes of any year from 1 to 9999, in zones far east and far west of UTC."""

horizon_edge_datetimes = st.sampled_from(
    [
        datetime(1, 1, 1),
        datetime(1, 1, 1, 12),
        datetime(1899, 12, 31, 23),
        datetime(1900, 1, 1),
        datetime(2200, 12, 31, 23, 59),
        datetime(2201, 1, 1),
        datetime(9999, 12, 31, 12),
        datetime(9999, 12, 31, 23, 59, 59, 999_999),
    ]
).flatmap(
    lambda wall: st.sampled_from(_ANY_ZONES).map(lambda zone: wall.replace(tzinfo=ZoneInfo(zone)))
)
"""Aware datetimes at the edges of datetime's range and of the supported horizon."""

huge_integers = st.sampled_from([(1, 63), (-1, 63), (1, 100), (1, 16_700), (-1, 16_700)]).map(
    lambda pair: pair[0] * 2 ** pair[1]
)
"""Integers far beyond any limit, including ones longer than 4,300 digits (which ``repr``
refuses: they are built on drawing, so that the strategy's own ``repr`` works)."""

_json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | huge_integers
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
)

json_junk = st.recursive(
    _json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
"""JSON-like junk: scalars (nulls, huge and non-finite numbers, text), lists and tables."""


def _pandas_missing() -> st.SearchStrategy[object]:
    import pandas as pd  # noqa: PLC0415 - the pandas extra is a test dependency

    return st.sampled_from([pd.NaT, pd.NA, float("nan")])


def _numpy_scalars() -> st.SearchStrategy[object]:
    import numpy as np  # noqa: PLC0415

    return st.sampled_from(
        [np.datetime64("2026-01-01"), np.datetime64("NaT"), np.int64(5), np.float64("nan")]
    )


python_junk = st.one_of(
    json_junk,
    st.deferred(_pandas_missing),
    st.deferred(_numpy_scalars),
    st.datetimes(max_value=datetime(9999, 1, 1)),  # naive
    st.dates(),
    st.timedeltas(),
    st.binary(max_size=8),
    st.just(object()),
)
"""Anything a caller might pass by mistake: JSON junk, NaT and NaN, numpy scalars, naive
datetimes, dates, timedeltas, bytes, plain objects."""


def _error_classes() -> list[type[_esc.EscalateError]]:
    found = [getattr(_esc, name) for name in _esc.__all__]
    return sorted(
        (c for c in found if isinstance(c, type) and issubclass(c, _esc.EscalateError)),
        key=lambda c: c.__name__,
    )


ERROR_CLASSES = _error_classes()
"""Every public error class, so that a class added later is covered by the properties."""

_short_text = st.text(max_size=30)
error_problems = st.builds(
    _esc.Problem, path=_short_text, message=_short_text, hint=st.none() | _short_text
)


@st.composite
def escalate_errors(draw: st.DrawFn) -> _esc.EscalateError:
    """An instance of any public error class, built as escalate builds it."""
    cls = draw(st.sampled_from(ERROR_CLASSES))
    if issubclass(cls, _esc.ConfigError):
        return cls(draw(st.lists(error_problems, min_size=1, max_size=3)))
    if cls is _esc.NaiveDatetimeError:
        return cls(draw(_short_text), draw(st.datetimes()), fix=draw(st.none() | _short_text))
    if cls is _esc.MissingExtraError:
        return cls(draw(_short_text), draw(_short_text), draw(_short_text))
    return cls(draw(_short_text), path=draw(_short_text))


def flag_texts(value: bool) -> st.SearchStrategy[object]:
    """A spelling of a flag as a text file gives it: ``"TRUE"``, ``"no"``, ``"1"``..."""
    words = ["true", "yes", "y", "t", "1"] if value else ["false", "no", "n", "f", "0"]
    spelled = st.sampled_from(words).flatmap(
        lambda word: st.lists(st.booleans(), min_size=len(word), max_size=len(word)).map(
            lambda upper: "".join(c.upper() if u else c for c, u in zip(word, upper, strict=True))
        )
    )
    return spelled | st.just(value) | st.just(int(value))


bad_flags = st.sampled_from(["maybe", "", "tru", "2", "ye", "on", 2, 0.5, "nan", [True]])
"""Flag values that are neither true nor false: each must be reported, never read as false."""


# --- junk HTTP requests for the web example ---

_plain_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=10,
)

json_fragments = st.one_of(
    _plain_json.map(json.dumps),
    st.sampled_from(["NaN", "Infinity", "-Infinity", "1e999"]),
    st.sampled_from(['"0001-01-01T00:00:00+05:00"', '"9999-12-31T23:59:59-05:00"']),
    st.integers(4_301, 6_000).map(lambda digits: "9" * digits),  # int() refuses these
    st.integers(900, 3_000).map(lambda depth: "[" * depth + "]" * depth),
    st.integers(900, 3_000).map(lambda depth: '{"a":' * depth + "1" + "}" * depth),
)
"""JSON text that is junk as a request: plain values, non-finite numbers, instants in years
1 and 9999, integers over 4,300 digits and nesting a thousand levels deep."""

_TOKEN = st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=12)


@st.composite
def bad_http_requests(draw: st.DrawFn, valid: dict[str, object]) -> bytes:
    """A request that the web example must refuse with a 4xx.

    A method it does not serve, a malformed Content-Length, a junk body, or the ``valid``
    request body with one field (or one event's field) spoilt.
    """
    kind = draw(st.sampled_from(["method", "length", "body", "field", "event", "line"]))
    method, path, body = "POST", "/evaluate", json.dumps(valid).encode()
    length: str | None = None
    if kind == "method":
        method = draw(
            st.sampled_from(["PUT", "DELETE", "PATCH", "TRACE", "CONNECT", "BREW"])
            | _TOKEN.map(str.upper).filter(lambda m: m not in {"GET", "HEAD", "POST", "OPTIONS"})
        )
    elif kind == "length":
        length = draw(
            st.sampled_from(["²", "-5", "5 5", "0x10", "", " ", "1e3", "٣"])
            | st.integers(13, 6_000).map(lambda digits: "9" * digits)
        )
    elif kind == "body":
        body = draw(json_fragments).encode() if draw(st.integers(0, 4)) else draw(st.binary())
    elif kind == "field":
        field = draw(st.sampled_from(["policy", "events", "as_of", "extra"]))
        fragment = draw(json_fragments)
        spoilt = json.dumps({**valid, field: "@"}).replace('"@"', fragment, 1)
        body = spoilt.encode()
    elif kind == "event":
        events = list(valid["events"])  # type: ignore[call-overload]
        i = draw(st.integers(0, len(events) - 1))
        field = draw(st.sampled_from(["type", "at", "severity"] if i == 0 else ["type", "at"]))
        fragment = draw(json_fragments.filter(lambda text: text not in {'"opened"', '"responded"'}))
        events[i] = {**events[i], field: "@"}
        body = json.dumps({**valid, "events": events}).replace('"@"', fragment, 1).encode()
    else:
        path = draw(st.sampled_from(["/evaluat", "/", "/policies/x", "/evaluate/x"]))
        method = draw(st.sampled_from(["GET", "POST"]))
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    if method not in {"GET", "HEAD"} or kind == "length":
        head += f"Content-Length: {len(body) if length is None else length}\r\n"
    return head.encode() + b"\r\n" + body


# --- mutating valid configs: the fuzz tests' main source of junk ---

_HUGE_CONFIG_VALUES = st.sampled_from(
    [float("inf"), float("-inf"), float("nan"), 2**63, -(2**63) - 1, 10**30, "1000000000d",
     "P999999999999D", "9" * 30 + "bd", "x" * 300, "9" * 5000, "106752d", 1e308]
) | huge_integers  # fmt: skip


def config_nodes(value: object) -> list[tuple[object, ...]]:
    """Return the key path (as a tuple of keys and indexes) of every node of a config."""
    found: list[tuple[object, ...]] = []
    items = (
        list(value.items())
        if isinstance(value, dict)
        else list(enumerate(value))
        if isinstance(value, list)
        else []
    )
    for key, item in items:
        found.append((key,))
        found.extend((key, *below) for below in config_nodes(item))
    return found


def _retyped(value: object) -> object:
    """The same content in another type: a string in a list, a table as a list..."""
    if isinstance(value, dict):
        return list(value.values())
    if isinstance(value, list):
        return {str(i): v for i, v in enumerate(value)}
    if isinstance(value, str):
        return [value]
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int) and value.bit_length() > 10_000:
        return "9" * 4_000  # str() refuses ints of over 4,300 digits
    if isinstance(value, int | float):
        return str(value)
    return 0


@st.composite
def mutated_configs(draw: st.DrawFn, base: dict[str, object], *, most: int = 3) -> object:
    """A valid config (policy, calendar) with one to ``most`` mutations.

    Each mutation deletes a key, or makes a value null, junk, huge, of another type or any
    text, or adds a junk key; now and then the whole config is replaced.
    """
    config: object = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, most))):
        nodes = config_nodes(config)
        op = draw(st.sampled_from(["delete", "null", "junk", "huge", "type", "text", "add"]))
        if not nodes or draw(st.integers(0, 30)) == 0:
            return draw(json_junk) if op == "junk" else _retyped(config)
        keys = draw(st.sampled_from(nodes))
        parent: Any = config
        for key in keys[:-1]:
            parent = parent[key]
        key = keys[-1]
        if op == "delete":
            del parent[key]
        elif op == "null":
            parent[key] = None
        elif op == "junk":
            parent[key] = draw(json_junk)
        elif op == "huge":
            parent[key] = draw(_HUGE_CONFIG_VALUES)
        elif op == "type":
            parent[key] = _retyped(parent[key])
        elif op == "text":
            parent[key] = draw(st.text(max_size=30))
        elif isinstance(parent, dict):
            parent[draw(st.text(max_size=8))] = draw(json_junk)
        else:
            parent.append(draw(json_junk))
    return config


# --- compliance and the command line's files ---
# Strategies for tests/test_compliance.py and the file writers of tests/test_cli_files.py.


@st.composite
def wilson_counts(draw: st.DrawFn) -> tuple[int, int]:
    """A number met out of a number decided, edges (none, all) often."""
    decided = draw(st.integers(1, 10_000))
    met = draw(st.one_of(st.just(0), st.just(decided), st.integers(0, decided)))
    return met, decided


@st.composite
def minute_elapsed_lists(draw: st.DrawFn) -> list[int]:
    """Elapsed business times in whole minutes (as microseconds), up to a year, some large."""
    minutes = st.one_of(st.integers(0, 600), st.integers(0, 366 * 24 * 60))
    return [m * 60 * US for m in draw(st.lists(minutes, min_size=1, max_size=40))]


@st.composite
def zoned_instant_lists(draw: st.DrawFn) -> tuple[str, list[int | None]]:
    """A zone and instants (us since the epoch, ``None`` for NaT) near its DST changes."""
    zone = draw(other_zones)
    anchor = draw(anchors(zone))
    return zone, draw(instant_lists(anchor, max_size=20))


file_durations = st.lists(
    st.one_of(durations_us(max_hours=3000, allow_zero=True), st.none()), min_size=1, max_size=20
)
