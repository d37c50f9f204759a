"""Incident timelines: building, validation errors, and round trips."""

from __future__ import annotations

import pickle
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from escalate import (
    ConfigError,
    EscalateError,
    Event,
    HorizonError,
    Timeline,
    TimelineError,
)
from tests.evaluator_reference import incidents

BOGOTA = ZoneInfo("America/Bogota")
T0 = datetime(2026, 11, 20, 16, 10, tzinfo=BOGOTA)


def at(minutes: float) -> str:
    """Return the ISO instant ``minutes`` after T0."""
    return (T0 + timedelta(minutes=minutes)).isoformat()


def opened(**extra):
    """Return an ``opened`` event table at T0."""
    return {"type": "opened", "at": at(0), "severity": "alta", **extra}


def error_of(events) -> TimelineError:
    """Return the TimelineError that building ``events`` raises."""
    with pytest.raises(TimelineError) as info:
        Timeline.from_events(events)
    return info.value


def test_from_events_accepts_iso_strings_and_aware_datetimes():
    """Events take ISO-8601 strings with an offset or aware datetimes, kept as instants."""
    tl = Timeline.from_events([opened(), {"type": "responded", "at": T0 + timedelta(minutes=5)}])
    assert [e.type for e in tl.events] == ["opened", "responded"]
    assert tl.events[0].at == T0
    assert tl.events[1].at == T0 + timedelta(minutes=5)


def test_pendulum_datetimes_are_accepted():
    """A pendulum datetime is an aware datetime and is accepted as an event instant."""
    tl = Timeline.open(pendulum.datetime(2026, 11, 20, 16, 10, tz="America/Bogota"), severity="a")
    assert tl.opened.at == T0


def test_fluent_builder_equals_from_events():
    """The fluent builder gives the same timeline as the equivalent event list."""
    built = (
        Timeline.open(at(0), severity="alta", plan="premium", category="billing")
        .respond(at(10))
        .pause(at(20), reason="waiting for customer")
        .resume(at(30))
        .pause(at(40))
        .resume(at(50))
        .change_severity(at(60), "baja")
        .escalate(at(70))
        .resolve(at(80))
        .reopen(at(90))
        .resolve(at(100))
        .close(at(110))
        .then("report_sent", at(120))
    )
    listed = Timeline.from_events(
        [
            opened(plan="premium", category="billing"),
            {"type": "responded", "at": at(10)},
            {"type": "paused", "at": at(20), "reason": "waiting for customer"},
            {"type": "resumed", "at": at(30)},
            {"type": "paused", "at": at(40)},
            {"type": "resumed", "at": at(50)},
            {"type": "severity_changed", "at": at(60), "severity": "baja"},
            {"type": "escalated", "at": at(70)},
            {"type": "resolved", "at": at(80)},
            {"type": "reopened", "at": at(90)},
            {"type": "resolved", "at": at(100)},
            {"type": "closed", "at": at(110)},
            {"type": "report_sent", "at": at(120)},
        ]
    )
    assert built == listed
    assert built.events[2].reason == "waiting for customer"
    assert built.events[4].reason is None
    assert built.events[6].severity == "baja"


def test_opened_and_attributes():
    """``opened`` is the first event and ``attributes`` its extra keys."""
    tl = Timeline.from_events([opened(plan="premium", region="CO")])
    assert tl.opened is tl.events[0]
    assert tl.attributes == {"plan": "premium", "region": "CO"}
    assert tl.opened.get("region") == "CO"
    assert tl.opened.get("category") is None
    assert tl.opened.get("category", "none") == "none"


def test_to_events_round_trips():
    """``from_events(tl.to_events())`` gives the same timeline, and the list is JSON-ready."""
    tl = Timeline.open(at(0), severity="alta", category="billing").pause(at(5), reason="r")
    events = tl.to_events()
    assert events[0] == {"type": "opened", "at": at(0), "severity": "alta", "category": "billing"}
    assert events[1] == {"type": "paused", "at": at(5), "reason": "r"}
    assert Timeline.from_events(events) == tl


def test_event_objects_are_accepted_as_given():
    """``from_events`` accepts Event objects next to tables."""
    tl = Timeline.open(at(0), severity="alta")
    again = Timeline.from_events([*tl.events, Event(type="responded", at=T0)])
    assert again.events[0] is tl.events[0]
    assert again.events[1].type == "responded"


def test_events_at_the_same_instant_are_in_order():
    """Events at the same instant are in order; only going back in time is an error."""
    tl = Timeline.open(at(0), severity="alta").respond(at(0)).pause(at(0)).resume(at(0))
    assert len(tl.events) == 4


def test_timeline_is_frozen_hashable_and_picklable():
    """A timeline is immutable, hashable, and survives a pickle round trip equal."""
    tl = Timeline.open(at(0), severity="alta", plan="premium").pause(at(5), reason="r")
    assert pickle.loads(pickle.dumps(tl)) == tl
    assert hash(tl) == hash(Timeline.from_events(tl.to_events()))
    with pytest.raises(AttributeError):
        tl.events = ()  # type: ignore[misc]


def test_builder_validates_each_step():
    """A fluent step that breaks the rules raises at once."""
    with pytest.raises(TimelineError, match="without a 'paused'"):
        Timeline.open(at(0), severity="alta").resume(at(1))


# -- errors ---------------------------------------------------------------------------

SEQUENCE_ERRORS = [
    pytest.param(
        [{"type": "responded", "at": at(0)}],
        "events[0] (responded)",
        ["must start with 'opened'"],
        id="first-not-opened",
    ),
    pytest.param(
        [opened(), opened()],
        "events[1] (opened)",
        ["second 'opened'", "reopened"],
        id="second-opened",
    ),
    pytest.param(
        [opened(), {"type": "responded", "at": at(10)}, {"type": "resolved", "at": at(5)}],
        "events[2] (resolved)",
        ["before the previous event", "time order"],
        id="out-of-order",
    ),
    pytest.param(
        [opened(), {"type": "paused", "at": at(1)}, {"type": "paused", "at": at(2)}],
        "events[2] (paused)",
        ["paused twice", "resumed"],
        id="paused-twice",
    ),
    pytest.param(
        [opened(), {"type": "resumed", "at": at(1)}],
        "events[1] (resumed)",
        ["'resumed' without a 'paused'"],
        id="resumed-without-paused",
    ),
    pytest.param(
        [opened(), {"type": "resolved", "at": at(1)}, {"type": "resolved", "at": at(2)}],
        "events[2] (resolved)",
        ["resolved twice", "reopened"],
        id="resolved-twice",
    ),
    pytest.param(
        [opened(), {"type": "reopened", "at": at(1)}],
        "events[1] (reopened)",
        ["'reopened' without a 'resolved'"],
        id="reopened-without-resolved",
    ),
    pytest.param([], "events", ["at least an 'opened'"], id="empty"),
]


@pytest.mark.parametrize(("events", "path", "words"), SEQUENCE_ERRORS)
def test_sequence_errors_name_the_event(events, path, words):
    """Each sequence error is a TimelineError naming the event by index and type."""
    err = error_of(events)
    assert isinstance(err, ConfigError)
    assert isinstance(err, ValueError)
    assert isinstance(err, EscalateError)
    assert path in err.paths
    for word in words:
        assert word in str(err)


EVENT_ERRORS = [
    pytest.param(
        {"type": "resumd", "at": at(1)},
        "events[1] (resumd).type",
        ["unknown event type", "did you mean 'resumed'"],
        id="typo",
    ),
    pytest.param(
        {"type": "paused", "at": "2026-11-20T16:20:00"},
        "events[1] (paused).at",
        ["no time zone", "UTC offset"],
        id="naive-string",
    ),
    pytest.param(
        {"type": "paused", "at": datetime(2026, 11, 20, 16, 20)},
        "events[1] (paused).at",
        ["no time zone", "tzinfo"],
        id="naive-datetime",
    ),
    pytest.param(
        {"type": "paused", "at": "yesterday"},
        "events[1] (paused).at",
        ["'yesterday' is not an ISO-8601 date-time"],
        id="not-iso",
    ),
    pytest.param(
        {"type": "paused", "at": 1_700_000_000},
        "events[1] (paused).at",
        ["expected a date-time, got int"],
        id="not-a-datetime",
    ),
    pytest.param({"type": "paused"}, "events[1] (paused).at", ["no instant"], id="missing-at"),
    pytest.param(
        {"type": "paused", "at": float("nan")},
        "events[1] (paused).at",
        ["nan is a missing value, not an instant", "every event needs its instant"],
        id="nan-at",
    ),
    pytest.param({"at": at(1)}, "events[1].type", ["missing or invalid event type"], id="no-type"),
    pytest.param(
        {"type": "", "at": at(1)},
        "events[1].type",
        ["missing or invalid event type"],
        id="empty-type",
    ),
    pytest.param("responded", "events[1]", ["expected a table"], id="not-a-table"),
    pytest.param(
        {"type": "severity_changed", "at": at(1)},
        "events[1] (severity_changed).severity",
        ["needs a severity"],
        id="severity-missing",
    ),
    pytest.param(
        {"type": "paused", "at": at(1), "reason": 42},
        "events[1] (paused).reason",
        ["expected text"],
        id="reason-not-text",
    ),
]


@pytest.mark.parametrize(("event", "path", "words"), EVENT_ERRORS)
def test_event_errors_name_the_field(event, path, words):
    """A malformed event is a TimelineError at the event's field, with a hint."""
    err = error_of([opened(), event])
    assert err.paths == (path,)
    for word in words:
        assert word in str(err)


def test_opened_without_severity_is_an_error():
    """``opened`` needs a severity."""
    err = error_of([{"type": "opened", "at": at(0)}])
    assert err.paths == ("events[0] (opened).severity",)


def test_custom_event_names_pass_timeline_validation():
    """A name far from every built-in is a custom event, checked later against the policy."""
    tl = Timeline.open(at(0), severity="alta").then("report_sent", at(5))
    assert tl.events[1].type == "report_sent"


def test_all_problems_are_reported_at_once():
    """Several malformed events give one error with every problem."""
    err = error_of(
        [
            opened(),
            {"type": "resumd", "at": at(1)},
            {"type": "paused", "at": "2026-11-20T16:20:00"},
            "junk",
        ]
    )
    assert err.paths == (
        "events[1] (resumd).type",
        "events[2] (paused).at",
        "events[3]",
    )
    assert str(err).startswith("3 problems:")


def test_all_sequence_problems_are_reported_at_once():
    """Sequence problems are collected too, each with its own path."""
    err = error_of(
        [
            opened(),
            {"type": "resumed", "at": at(1)},
            {"type": "reopened", "at": at(2)},
            {"type": "responded", "at": at(0)},
        ]
    )
    assert err.paths == ("events[1] (resumed)", "events[2] (reopened)", "events[3] (responded)")


@pytest.mark.parametrize("events", ["opened", {"type": "opened"}, 42, b"x"])
def test_events_must_be_a_list(events):
    """Anything but a list of events is a TimelineError at ``events``."""
    err = error_of(events)
    assert err.paths == ("events",)
    assert "expected a list of events" in str(err)


def test_error_hints_say_how_to_fix():
    """Each problem carries a hint that says how to fix it."""
    err = error_of([opened(), {"type": "resumed", "at": at(1)}])
    (problem,) = err.problems
    assert problem.hint == "add the 'paused' event, or remove this one"


def test_instants_are_computed_once_and_order_is_physical():
    """Instants are integer microseconds, computed once; order is checked on them.

    So events may carry different UTC offsets: only the physical order counts.
    """
    utc = ZoneInfo("UTC")
    tl = Timeline.open(T0, severity="alta").respond(T0.astimezone(utc) + timedelta(minutes=1))
    assert tl.instants == (
        ("opened", int(T0.timestamp()) * 1_000_000, "alta", None),
        ("responded", (int(T0.timestamp()) + 60) * 1_000_000, None, None),
    )
    assert pickle.loads(pickle.dumps(tl)).instants == tl.instants
    err = error_of(
        [opened(), {"type": "responded", "at": T0.astimezone(utc) - timedelta(seconds=1)}]
    )
    assert err.problems[0].path == "events[1] (responded)"
    assert "before the previous event" in err.problems[0].message


def test_a_timeline_built_directly_rejects_a_naive_event_at_once():
    """Timeline(events) without from_events still refuses a naive instant, when built."""
    with pytest.raises(TimelineError, match=r"events\[0\] \(opened\)\.at: .* no time zone"):
        Timeline((Event(type="opened", at=datetime(2026, 11, 20, 9), severity="alta"),))


# -- a table's empty cells --------------------------------------------------------------

EMPTY_CELLS = (
    float("nan"),
    np.float64("nan"),
    np.float32("nan"),
    pd.NA,
    pd.NaT,
    np.datetime64("NaT"),
    np.timedelta64("NaT"),
)


@given(incidents(), st.lists(st.sampled_from(EMPTY_CELLS), min_size=1))
def test_an_empty_cell_reads_as_a_key_left_out(case, cells):
    """Events as rows of one table, empty cells marked, build the same timeline.

    Every key in every row, the cells an event has no value for marked NaN, NA or NaT, as
    ``DataFrame.to_dict("records")`` gives them.
    """
    _name, _policy, timeline, _as_of = case
    events = timeline.to_events()
    keys = list(dict.fromkeys(key for event in events for key in event if key != "at"))
    marks = iter(cells * (len(keys) * len(events)))
    rows = [
        {"at": event["at"], **{key: event.get(key, next(marks)) for key in keys}}
        for event in events
    ]
    assert Timeline.from_events(rows) == timeline


def test_records_of_a_dataframe_build_the_timeline_of_its_rows():
    """The rows of an event table with empty cells, as pandas hands them over."""
    table = pd.DataFrame(
        {
            "type": ["opened", "changed", "changed"],
            "at": pd.to_datetime(["2026-01-13 08:00", "2026-01-13 09:00", "2026-01-13 10:00"]),
            "severity": ["alta", None, None],
            "status": ["New", "Active", None],
            "group": ["G1", None, "G2"],
        }
    ).assign(at=lambda t: t["at"].dt.tz_localize("America/Bogota"))
    built = Timeline.from_events(table.to_dict("records"))
    assert [(e.type, e.severity, e.status, e.attributes) for e in built.events] == [
        ("opened", "alta", "New", (("group", "G1"),)),
        ("changed", None, "Active", ()),
        ("changed", None, None, (("group", "G2"),)),
    ]
    # an empty instant is an error at the row's key path, not a time zone problem
    table.loc[1, "at"] = pd.NaT
    err = error_of(table.to_dict("records"))
    assert err.paths == ("events[1] (changed).at",)
    assert "NaT is a missing value, not an instant" in str(err)


def test_text_that_reads_nan_is_a_value_not_an_empty_cell():
    """Only missing-value markers are empty: the text "nan" (even numpy's) is a value."""
    built = Timeline.from_events(
        [
            {"type": "opened", "at": at(0), "severity": "alta"},
            {"type": "changed", "at": at(1), "status": np.str_("nan"), "note": "nan"},
        ]
    )
    assert (built.events[1].status, built.events[1].attributes) == ("nan", (("note", "nan"),))


@pytest.mark.parametrize("year", [1899, 2201, 9999])
def test_an_event_beyond_the_horizon_is_named_by_its_index(year: int):
    """A HorizonError whose path and message say which event, as every timeline problem does."""
    events = [
        {"type": "opened", "at": "2026-03-02T09:00:00Z", "severity": "high"},
        {"type": "responded", "at": "2026-03-02T10:00:00Z"},
        {"type": "resolved", "at": f"{year}-03-02T10:00:00Z"},
    ]
    with pytest.raises(HorizonError) as caught:
        Timeline.from_events(events)
    assert caught.value.path == "events[2] (resolved).at"
    assert str(caught.value).startswith("events[2] (resolved).at: at ")


@given(st.integers(0, 6), st.sampled_from(["2300-01-01T00:00:00-05:00", "1850-06-01T00:00:00Z"]))
def test_a_builder_names_the_event_it_appends_beyond_the_horizon(before, when):
    """The path of a HorizonError from a builder is the new event's index, as from_events'."""
    timeline = Timeline.open("2026-01-13T08:00:00-05:00", severity="alta")
    for k in range(before):
        timeline = timeline.change(f"2026-01-13T{9 + k:02d}:00:00-05:00", status=f"S{k}")
    with pytest.raises(HorizonError) as built:
        timeline.resume(when)
    rows = [*timeline.to_events(), {"type": "resumed", "at": when}]
    with pytest.raises(HorizonError) as given_:
        Timeline.from_events(rows)
    assert built.value.path == given_.value.path == f"events[{before + 1}] (resumed).at"


def test_type_is_not_an_attribute_of_the_builders():
    """open(type=...) and change(type=...) are TimelineErrors that say to rename it."""
    with pytest.raises(TimelineError, match=r"events\[0\] \(opened\)\.type: .*issue_type"):
        Timeline.open("2026-01-13T08:00:00-05:00", severity="alta", type="Bug")
    opened = Timeline.open("2026-01-13T08:00:00-05:00", severity="alta", issue_type="Bug")
    assert opened.attributes == {"issue_type": "Bug"}
    with pytest.raises(TimelineError, match=r"events\[1\] \(changed\)\.type: "):
        opened.change("2026-01-13T09:00:00-05:00", type="Bug")


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["tier", "vip", "plan"]),
            st.one_of(
                st.booleans(),
                st.integers(-2, 2),
                st.integers(-2, 2).map(float),
                st.text(max_size=2),
            ),
        ),
        max_size=3,
        unique_by=lambda pair: pair[0],
    ),
    st.data(),
)
def test_equal_timelines_have_equal_attributes_as_routes_read_them(pairs, data):
    """Timelines equal (and hashing alike) only when routes would read them alike.

    ``1 == True`` in Python, but a route reads ``"1"`` and ``"true"``: such timelines
    differ, so a cache keyed on a timeline never hands one ticket's route to another.
    """
    from escalate._checks import attribute_text  # noqa: PLC0415 - the rule routes read

    other = [
        (k, data.draw(st.sampled_from([v, int(v) if not isinstance(v, str) else v, str(v)])))
        for k, v in pairs
    ]
    a = Timeline.open(T0, severity="alta", **dict(pairs))
    b = Timeline.open(T0, severity="alta", **dict(other))
    if a == b:
        assert hash(a) == hash(b)
        assert [attribute_text(v) for _k, v in pairs] == [attribute_text(v) for _k, v in other]
