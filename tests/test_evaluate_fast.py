"""The fast paths of evaluate and Timeline.from_events keep every answer and every error.

``evaluate`` computes every figure eagerly and builds the result's objects and datetimes
on their first read; ``Timeline.from_events`` checks each event once and takes its
instant from that check. These tests pin what must not change with them.
"""

from __future__ import annotations

import copy
import gc
import pickle
import threading
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from types import ModuleType
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from escalate import (
    AtOpen,
    Calendar,
    Contact,
    Evaluation,
    Event,
    HorizonError,
    OnBreach,
    Policy,
    Severity,
    Tier,
    Timeline,
    TimelineError,
    evaluate,
)
from escalate._engine import Measured, OpenTime
from escalate._evaluate import Outcome, _fields, compiled, kept, outcome
from escalate._event import new_event
from escalate._fold import Folded

BOG = ZoneInfo("America/Bogota")
H = timedelta(hours=1)
OFFICE = Calendar(timezone="America/Bogota", hours={"mon-fri": ["07:30-12:30", "13:30-17:00"]})
POLICY = Policy(
    clock="office",
    calendars={"office": OFFICE},
    severities=[Severity(name="alta", goals={"response": 2 * H, "resolution": 8 * H})],
    tiers=[
        Tier(level=1, name="Desk", trigger=AtOpen()),
        Tier(level=2, name="Late", trigger=OnBreach(target="response")),
    ],
)
TL = (
    Timeline.open(datetime(2026, 1, 13, 9, tzinfo=BOG), severity="alta")
    .pause(datetime(2026, 1, 13, 10, tzinfo=BOG))
    .resume(datetime(2026, 1, 13, 11, tzinfo=BOG))
)
AS_OF = datetime(2026, 1, 14, 9, tzinfo=BOG)


def _eager() -> dict[str, object]:
    """Every field of the evaluation, built at once from the same figures."""
    plan = compiled(POLICY)
    now = (AS_OF - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)
    return _fields(POLICY, plan, TL, kept(outcome(plan, TL, now)), now, None)


def test_fields_are_built_on_first_read_and_equal_the_eager_ones():
    """An evaluation defers its objects, and reading one builds them all, equal to eager ones."""
    ev = evaluate(POLICY, TL, as_of=AS_OF)
    assert "_build" in vars(ev)
    assert ev.severity == "alta"  # set at once: no build
    assert "_build" in vars(ev)
    assert ev.targets == _eager()["targets"]
    assert "_build" not in vars(ev)
    assert {name: getattr(ev, name) for name in _eager()} == _eager()


def test_a_deferred_evaluation_compares_copies_and_pickles_like_a_built_one():
    """Equality, repr, evolve, copy and pickle see the same fields before any is read."""
    built = evaluate(POLICY, TL, as_of=AS_OF)
    built.to_dict()
    assert evaluate(POLICY, TL, as_of=AS_OF) == built
    assert repr(evaluate(POLICY, TL, as_of=AS_OF)) == repr(built)
    assert attrs.evolve(evaluate(POLICY, TL, as_of=AS_OF), severity="x").targets == built.targets
    assert copy.copy(evaluate(POLICY, TL, as_of=AS_OF)) == built
    again = pickle.loads(pickle.dumps(evaluate(POLICY, TL, as_of=AS_OF)))
    assert again == built
    assert "_build" not in vars(again)
    assert again.explain() == built.explain()


def test_unknown_attributes_still_raise_attribute_error():
    """A misspelt attribute is an AttributeError naming it, deferred or built by hand."""
    ev = evaluate(POLICY, TL, as_of=AS_OF)
    with pytest.raises(AttributeError, match="'Evaluation' object has no attribute 'targts'"):
        ev.targts  # type: ignore[attr-defined] # noqa: B018
    assert "_build" not in vars(ev)  # the failed read built the fields on the way
    with pytest.raises(AttributeError, match="targts"):
        ev.targts  # type: ignore[attr-defined] # noqa: B018
    by_hand = Evaluation(
        as_of=AS_OF,
        severity="alta",
        plan=None,
        route=None,
        targets=(),
        tier=None,
        next_tier=None,
        escalations=(),
    )
    with pytest.raises(AttributeError, match="nothing"):
        by_hand.nothing  # type: ignore[attr-defined] # noqa: B018


def test_threads_reading_a_deferred_evaluation_see_the_same_fields():
    """Several threads reading one deferred evaluation all get equal fields."""
    ev = evaluate(POLICY, TL, as_of=AS_OF)
    seen: list[object] = []
    threads = [threading.Thread(target=lambda: seen.append(ev.schedule)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 8
    assert all(s == seen[0] for s in seen)


def test_contacts_on_their_own_calendar_are_notified_when_it_opens():
    """Notifying a contact on their own hours is computed at once; the objects stay deferred."""
    p = attrs.evolve(
        POLICY,
        tiers=[
            Tier(
                level=1,
                name="Desk",
                trigger=AtOpen(),
                contacts=[Contact(name="Desk"), Contact(name="Manager", clock="office")],
            )
        ],
    )
    night = Timeline.open(datetime(2026, 1, 13, 20, tzinfo=BOG), severity="alta")
    ev = evaluate(p, night, as_of=datetime(2026, 1, 13, 21, tzinfo=BOG))
    assert "_build" in vars(ev)
    assert [(n.contact, n.at) for n in ev.escalations[0].notifications] == [
        ("Desk", datetime(2026, 1, 13, 20, tzinfo=BOG)),
        ("Manager", datetime(2026, 1, 14, 7, 30, tzinfo=BOG)),
    ]
    assert ev.next_change_at is not None
    assert ev.next_change_at <= datetime(2026, 1, 14, 7, 30, tzinfo=BOG)


# -- Timeline.from_events -------------------------------------------------------------------


def testnew_event_builds_what_the_constructor_builds():
    """The fast constructor sets exactly Event's fields, which have no converter to skip."""
    fields = attrs.fields(Event)
    assert [f.name for f in fields] == ["type", "at", "severity", "reason", "status", "attributes"]
    assert all(f.converter is None and f.validator is None for f in fields)
    at = datetime(2026, 1, 13, 9, tzinfo=BOG)
    fast = new_event("changed", at, "alta", "why", "Active", (("plan", "gold"),))
    slow = Event(
        type="changed",
        at=at,
        severity="alta",
        reason="why",
        status="Active",
        attributes=(("plan", "gold"),),
    )
    assert fast == slow
    assert hash(fast) == hash(slow)
    assert repr(fast) == repr(slow)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        fast.type = "x"  # type: ignore[misc]


class _Offset(tzinfo):
    """A zone of another kind than ZoneInfo and timezone (the checked slow path)."""

    def utcoffset(self, dt: datetime | None) -> timedelta:
        return timedelta(hours=-3)

    def dst(self, dt: datetime | None) -> timedelta:
        return timedelta(0)


ZONES = st.sampled_from(
    [BOG, ZoneInfo("Europe/Madrid"), UTC, timezone(timedelta(hours=5, minutes=30)), _Offset()]
)


@given(
    st.lists(
        st.tuples(
            st.datetimes(min_value=datetime(1901, 1, 1), max_value=datetime(2199, 12, 1)),
            ZONES,
        ),
        min_size=1,
        max_size=6,
    )
)
def test_from_events_instants_equal_the_constructors(stamps):
    """from_events' instants, taken on the way, equal the ones the constructor computes."""
    ats = sorted(
        (naive.replace(tzinfo=zone) for naive, zone in stamps),
        key=lambda at: at.astimezone(UTC),
    )
    rows = [{"type": "opened", "at": ats[0], "severity": "alta"}]
    rows += [{"type": "changed", "at": at, "status": "Active"} for at in ats[1:]]
    built = Timeline.from_events(rows)
    assert built.instants == Timeline(built.events).instants
    assert built == Timeline(built.events)


def test_from_events_reports_the_horizon_like_the_constructor():
    """An instant beyond the supported years is the same error from both ways in."""
    far = datetime(2250, 1, 1, tzinfo=BOG)
    rows = [{"type": "opened", "at": far, "severity": "alta"}]
    with pytest.raises(HorizonError) as from_rows:
        Timeline.from_events(rows)
    with pytest.raises(HorizonError) as from_events:
        Timeline([Event(type="opened", at=far, severity="alta")])
    assert str(from_rows.value) == str(from_events.value)


@pytest.mark.parametrize(
    "row",
    [
        {"type": "opened", "at": datetime(2026, 1, 13, 9, tzinfo=BOG)},  # no severity
        {"type": "opened", "at": datetime(2026, 1, 13, 9, tzinfo=BOG), "severity": ""},
        {"type": "opened", "at": datetime(2026, 1, 13, 9, tzinfo=BOG), "severity": 3},
        {"type": "opened", "at": datetime(2026, 1, 13, 9), "severity": "alta"},  # naive
        {"type": "opened", "at": "13/01/2026", "severity": "alta"},
        {"type": "opened", "at": datetime(2026, 1, 13, tzinfo=BOG), "severity": "a", "status": ""},
        {"type": "opened", "at": datetime(2026, 1, 13, tzinfo=BOG), "severity": "a", "reason": 1},
        {"type": "opend", "at": datetime(2026, 1, 13, 9, tzinfo=BOG), "severity": "alta"},
    ],
)
def test_from_events_reports_each_mistake_as_the_constructor_does(row):
    """A bad table is still reported, by key path, whatever the fast path skips."""
    with pytest.raises(TimelineError) as caught:
        Timeline.from_events([row])
    paths = [p.path for p in caught.value.problems]
    assert paths
    assert all(path.startswith("events[0]") for path in paths)
    assert all(p.message for p in caught.value.problems)


def test_from_events_accepts_text_subclasses_and_mappings():
    """Values off the fast path (a str subclass, a non-dict mapping, a string instant) pass."""

    class Name(str):
        __slots__ = ()

    class Row(dict):  # type: ignore[type-arg]
        pass

    tl = Timeline.from_events(
        [
            Row(type="opened", at="2026-01-13T09:00:00-05:00", severity=Name("alta")),
            {"type": "changed", "at": datetime(2026, 1, 13, 10, tzinfo=BOG), "status": "Active"},
        ]
    )
    assert [e.severity for e in tl.events] == ["alta", None]
    assert (
        tl.instants[0][1] == Timeline.open("2026-01-13T09:00:00-05:00", severity="a").instants[0][1]
    )


def test_a_timeline_before_1970_keeps_its_order_checks():
    """Events before 1970 (negative instants) in time order make a timeline (was refused)."""
    tl = Timeline.open(datetime(1969, 1, 1, tzinfo=BOG), severity="alta").respond(
        datetime(1969, 1, 1, 1, tzinfo=BOG)
    )
    assert [e.type for e in Timeline.from_events(tl.to_events()).events] == ["opened", "responded"]
    with pytest.raises(TimelineError, match="before the previous event"):
        tl.respond(datetime(1968, 12, 31, tzinfo=BOG))


def _reachable(root: object) -> set[type]:
    """The types of every object the garbage collector can reach from ``root``."""
    seen: dict[int, object] = {}
    stack = [root]
    while stack:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, type | ModuleType):
            continue
        seen[id(obj)] = obj
        stack.extend(gc.get_referents(obj))
    return {type(obj) for obj in seen.values()}


def test_a_kept_evaluation_holds_its_figures_not_the_fold_behind_them():
    """Before its fields are built, an evaluation keeps no fold, measurement or outcome."""
    ev = evaluate(POLICY, TL, as_of=AS_OF)
    assert "_build" in vars(ev)
    kept = _reachable(vars(ev)["_build"].args[3:])  # what it keeps besides the policy
    assert kept.isdisjoint({Folded, Measured, Outcome, OpenTime})
    assert ev.targets == _eager()["targets"]
