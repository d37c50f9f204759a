"""Event logs from the three export shapes, and every repair or refusal reported.

The round trips are properties: a random history written as state snapshots (shuffled,
with no-op updates and ``?`` for an empty group) or as field changes reads back as the
same timelines; the untidy cases of real logs (ties, rows stamped before the opening or
out of order, unparseable or zoneless times) are hand-made, each reported with its id,
row, column and reason.
"""

from __future__ import annotations

import warnings
from collections import Counter
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import escalate
from escalate import (
    BadRowsWarning,
    ConfigError,
    EventLog,
    NaiveDatetimeError,
    Timeline,
    TimelineError,
    evaluate,
    evaluate_frame,
    load_policy,
)
from tests import strategies as s
from tests.frame_check import check_row

SERVICENOW_POLICY = load_policy("examples/policies/servicenow_desk.toml")
SNAPSHOT_OPTIONS = {
    "id": "number",
    "at": "updated",
    "status": "state",
    "severity": "priority",
    "attributes": ["group"],
    "opened_at": "opened",
    "sequence": "seq",
    "timezone": "America/Sao_Paulo",
    "time_format": "%d/%m/%Y %H:%M",
}


@settings(max_examples=60, deadline=None)
@given(s.snapshot_histories())
def test_snapshots_read_back_as_the_history_they_record(case):
    """Shuffled snapshot rows become, per incident, the opening and one change per update."""
    rows, expected = case
    log = EventLog.from_snapshots(pd.DataFrame(rows), **SNAPSHOT_OPTIONS)
    assert log.issues.empty
    assert sorted(log.ids) == sorted(expected)
    for number, events in expected.items():
        assert log.timeline(number) == Timeline.from_events(events)


@settings(max_examples=60, deadline=None)
@given(s.snapshot_histories(), st.data())
def test_an_update_without_its_sequence_is_placed_by_its_instant(case, data):
    """An empty or unreadable sequence cell is reported, and the update kept in time order.

    Blanked only where the instant is the incident's alone (the sequence orders ties):
    the history reads back unchanged, never with the update moved past later ones.
    """
    rows, expected = case
    stamps = Counter((r["number"], r["updated"]) for r in rows)
    blanked = set()
    for i, row in enumerate(rows):
        if stamps[row["number"], row["updated"]] == 1 and data.draw(st.booleans()):
            row["seq"] = data.draw(st.sampled_from([None, "?", "n/a"]))
            blanked.add(i)
    log = EventLog.from_snapshots(pd.DataFrame(rows), **SNAPSHOT_OPTIONS)
    assert set(log.issues["row"]) == blanked
    assert set(log.issues["column"]) <= {"seq"}
    assert set(log.issues["action"]) <= {"repaired"}
    for number, events in expected.items():
        assert log.timeline(number) == Timeline.from_events(events)


@settings(max_examples=40, deadline=None)
@given(
    s.snapshot_histories(),
    st.datetimes(min_value=datetime(2016, 2, 28), max_value=datetime(2016, 3, 8)),
)
def test_results_carry_each_attribute_as_in_force_at_as_of(case, when):
    """A log's results carry its attributes as the history set them by ``as_of``.

    The reference walks each incident's timeline: the last value an event at or before
    ``as_of`` gave (``None`` once cleared); for an incident opened later, its opening's.
    """
    rows, expected = case
    log = EventLog.from_snapshots(pd.DataFrame(rows), **SNAPSHOT_OPTIONS)
    as_of = when.replace(tzinfo=UTC)
    out = evaluate_frame(log, SERVICENOW_POLICY, as_of=as_of).set_index("id")
    for number in expected:
        timeline = log.timeline(number)
        value = None
        for k, event in enumerate(timeline.events):
            if k and event.at > as_of:
                break
            if "group" in dict(event.attributes):
                value = event.get("group")
        got = out.loc[number, "group"]
        assert (None if pd.isna(got) else got) == value


FIELDS = {"state": "status", "priority": "severity", "group": "group"}


def _as_changes(expected: dict) -> tuple[pd.DataFrame, list[dict]]:
    """Histories as (id, at, field, from, to) rows, and the state at each opening."""
    changes, openings = [], []
    for number, events in expected.items():
        first = events[0]
        state = {field: first.get(role) for field, role in FIELDS.items()}
        openings.append({"id": number, "opened": first["at"], "status": state["state"],
                         "severity": state["priority"], "group": state["group"]})  # fmt: skip
        for event in events[1:]:
            for field, role in FIELDS.items():
                if role in event:
                    new = event[role]
                    changes.append(
                        {"id": number, "at": event["at"], "field": field,
                         "from": state[field], "to": new}
                    )  # fmt: skip
                    state[field] = new
            # a change of a field nobody follows
            changes.append(
                {"id": number, "at": event["at"], "field": "description", "from": "a", "to": "b"}
            )
    frame = pd.DataFrame(changes, columns=["id", "at", "field", "from", "to"])
    frame["at"] = pd.to_datetime(frame["at"], utc=True)
    return frame, openings


@settings(max_examples=60, deadline=None)
@given(s.snapshot_histories())
def test_field_changes_read_back_as_the_same_history(case):
    """The same histories written as (id, at, field, from, to) rows and openings read back."""
    _rows, expected = case
    frame, openings = _as_changes(expected)
    opened = pd.DataFrame(openings)
    opened["opened"] = pd.to_datetime(opened["opened"], utc=True)
    log = EventLog.from_changes(frame, fields=FIELDS, openings=opened)
    assert set(log.issues["action"]) <= {"ignored"}
    for number, events in expected.items():
        assert log.timeline(number) == Timeline.from_events(_merged(events))


@settings(max_examples=40, deadline=None)
@given(s.snapshot_histories(), st.datetimes(min_value=datetime(2016, 2, 28),
                                            max_value=datetime(2016, 3, 8)))  # fmt: skip
def test_creation_audits_give_the_state_at_opening(case, when):
    """Each field set at the opening from no value (a creation audit) is its state then.

    Written so, with no openings table, the histories evaluate as with the table.
    """
    _rows, expected = case
    frame, openings = _as_changes(expected)
    audits = [
        {"id": o["id"], "at": o["opened"], "field": field, "from": None, "to": o[key]}
        for o in openings
        for field, key in (("state", "status"), ("priority", "severity"), ("group", "group"))
        if o[key] is not None
    ]
    audited = pd.concat([pd.DataFrame(audits).astype({"at": "datetime64[ns, UTC]"}), frame])
    log = EventLog.from_changes(audited.reset_index(drop=True), fields=FIELDS)
    opened = pd.DataFrame(openings)
    opened["opened"] = pd.to_datetime(opened["opened"], utc=True)
    with_table = EventLog.from_changes(frame, fields=FIELDS, openings=opened)
    as_of = when.replace(tzinfo=UTC)
    got = evaluate_frame(log, SERVICENOW_POLICY, as_of=as_of)
    want = evaluate_frame(with_table, SERVICENOW_POLICY, as_of=as_of)
    pd.testing.assert_frame_equal(got, want)
    for number, events in expected.items():
        first = log.timeline(number).events[0]
        assert (first.type, first.at, first.status, first.severity, first.get("group")) == (
            "opened", events[0]["at"], events[0]["status"], events[0]["severity"],
            events[0].get("group"),
        )  # fmt: skip


def _merged(events: list[dict]) -> list[dict]:
    """Changes at one instant as one change: a change table cannot tell them apart."""
    out: list[dict] = []
    for event in events:
        if out and event["type"] == out[-1]["type"] == "changed" and event["at"] == out[-1]["at"]:
            out[-1] = {**out[-1], **event}
        else:
            out.append(dict(event))
    return out


def test_events_round_trip_and_ties_keep_their_order():
    """Event rows read back in time order; events at one instant keep the table's order."""
    t = "2026-01-13T08:00:00-05:00"
    frame = pd.DataFrame(
        [
            {"id": 7, "type": "changed", "at": "2026-01-13T09:00:00-05:00", "status": "Active"},
            {"id": 7, "type": "opened", "at": t, "severity": "alta", "status": "New"},
            {"id": 7, "type": "responded", "at": "2026-01-13T09:00:00-05:00"},
            {"id": 8, "type": "opened", "at": t, "severity": "baja"},
        ]
    )
    log = EventLog.from_events(frame)
    assert log.ids == [7, 8]
    assert [e.type for e in log.timeline(7).events] == ["opened", "changed", "responded"]
    assert len(log) == 2
    with pytest.raises(KeyError, match="no incident 9"):
        log.timeline(9)
    with pytest.raises(escalate.NotFoundError, match=r"^no incident 9 in this log$"):
        log.timeline(9)
    assert dict(log.timelines())[8].opened.severity == "baja"


_ORDER_ROWS = [
    {"id": "A", "type": "opened", "at": "2026-01-13T08:00:00-05:00", "severity": "alta", "seq": 0},
    {"id": "A", "type": "changed", "at": "2026-01-13T09:00:00-05:00", "status": "Active", "seq": 1},
    {"id": "A", "type": "responded", "at": "2026-01-13T09:00:00-05:00", "seq": 2},
    {"id": "A", "type": "resolved", "at": "2026-01-13T11:00:00-05:00", "seq": 3},
    {"id": "B", "type": "opened", "at": "2026-01-13T08:30:00-05:00", "severity": "baja", "seq": 0},
    {"id": "B", "type": "changed", "at": "2026-01-13T08:30:00-05:00", "status": "New", "seq": 1},
    {"id": "B", "type": "changed", "at": "2026-01-13T10:10:00-05:00", "severity": "alta", "seq": 2},
    {"id": 3, "type": "opened", "at": "2026-01-13T07:00:00-05:00", "severity": "baja", "seq": 0},
    {"id": 3, "type": "closed", "at": "2026-01-14T07:00:00-05:00", "seq": 1},
]  # in the log's order: by incident, then time, the opening first, then ``seq``


@settings(max_examples=40, deadline=None)
@given(st.permutations(range(len(_ORDER_ROWS))))
def test_event_rows_in_any_order_read_as_the_same_histories(order):
    """Rows sorted by incident, sorted by time or shuffled give the same histories.

    A sorted log skips the sort (two checks, one pass each): the shortcuts and the full
    sort must agree.
    """
    frame = pd.DataFrame(_ORDER_ROWS)
    expected = EventLog.from_events(frame, sequence="seq")
    assert expected.frame["row"].tolist() == list(range(len(frame)))
    by_time = frame.sort_values("at", kind="stable")
    tie = frame.iloc[[0, 2, 1, 3, 5, 4, 6, 7, 8]]  # sorted but for two ties at one instant
    for table in (by_time, tie, frame.iloc[list(order)]):
        log = EventLog.from_events(table, sequence="seq")
        assert sorted(map(str, log.ids)) == sorted(map(str, expected.ids))
        for number in expected.ids:
            assert log.timeline(number) == expected.timeline(number)
        assert log.issues.empty


def test_a_row_without_an_id_is_quoted_as_written_in_each_issue():
    """A row with neither an id nor a type: both issues give its id as written (empty)."""
    frame = pd.DataFrame(
        [
            {"id": "A", "type": "opened", "at": "2026-01-13T08:00:00-05:00", "severity": "alta"},
            {"id": None, "type": "?", "at": "2026-01-13T09:00:00-05:00"},
        ]
    )
    log = EventLog.from_events(frame)
    issues = log.issues[log.issues["row"] == 1]
    assert sorted(issues["reason"]) == ["no event type", "no incident id"]
    assert issues["id"].isna().all()
    assert log.ids == ["A"]


def test_untidy_event_rows_are_repaired_or_refused_and_reported():
    """?, unparseable and zoneless times, rows before the opening, second openings: reported."""
    frame = pd.DataFrame(
        [
            {"id": "A", "type": "opened", "at": "2026-01-13T08:00:00-05:00", "severity": "alta"},
            {"id": "A", "type": "responded", "at": "2026-01-13T07:00:00-05:00"},  # early
            {"id": "A", "type": "resolved", "at": "?"},  # no instant
            {"id": "A", "type": "closed", "at": "2026-13-45T08:00:00-05:00"},  # unparseable
            {"id": "A", "type": "opened", "at": "2026-01-13T09:00:00-05:00", "severity": "alta"},
            {"id": "B", "type": "responded", "at": "2026-01-13T09:00:00-05:00"},  # no opening
            {"id": "C", "type": "opened", "at": "2026-01-13T09:00:00", "severity": "alta"},  # naive
            {"id": "D", "type": "?", "at": "2026-01-13T09:00:00-05:00"},  # no type
        ]
    )
    log = EventLog.from_events(frame)
    issues = log.issues.set_index("row")
    assert issues.loc[1, "action"] == "repaired"
    assert "before the opening" in issues.loc[1, "reason"]
    assert issues.loc[2, "reason"] == "no instant"
    assert issues.loc[3, "column"] == "at"
    assert "not a date-time" in issues.loc[3, "reason"]
    assert "second 'opened'" in issues.loc[4, "reason"]
    assert "no 'opened' event" in issues.loc[5, "reason"]
    assert "no time zone" in issues.loc[6, "reason"]
    assert issues.loc[7, "reason"] == "no event type"
    assert log.ids == ["A"]
    assert [e.type for e in log.timeline("A").events] == ["opened", "responded"]
    assert log.timeline("A").events[1].at == log.timeline("A").events[0].at
    refused = EventLog.from_events(frame, before_opening="refuse")
    assert [e.type for e in refused.timeline("A").events] == ["opened"]
    assert (refused.issues["action"] == "refused").sum() == 7
    localised = EventLog.from_events(frame, timezone="America/Bogota")
    assert "C" in localised.ids


def test_snapshots_out_of_order_and_empty_values_are_repaired():
    """An update stamped before the one before it moves to it; an empty state keeps the last."""
    rows = [
        {
            "number": "X",
            "updated": "01/03/2016 08:00",
            "state": "New",
            "priority": "2 - High",
            "seq": 0,
        },
        {
            "number": "X",
            "updated": "01/03/2016 09:00",
            "state": "Active",
            "priority": "?",
            "seq": 1,
        },
        {
            "number": "X",
            "updated": "01/03/2016 08:30",
            "state": "Resolved",
            "priority": "1 - Critical",
            "seq": 2,
        },
    ]
    options = {**SNAPSHOT_OPTIONS, "attributes": [], "opened_at": None}
    log = EventLog.from_snapshots(pd.DataFrame(rows), **options)
    reasons = dict(zip(log.issues["row"], log.issues["reason"], strict=True))
    assert "empty value" in reasons[1]
    assert "before the previous update" in reasons[2]
    events = log.timeline("X").events
    assert [(e.type, e.status, e.severity) for e in events] == [
        ("opened", "New", "2 - High"),
        ("changed", "Active", None),
        ("changed", "Resolved", "1 - Critical"),
    ]
    assert events[2].at == events[1].at  # moved to 09:00
    by_time = EventLog.from_snapshots(pd.DataFrame(rows), **{**options, "order": "time"})
    assert [e.status for e in by_time.timeline("X").events] == ["New", "Resolved", "Active"]


def test_missing_columns_and_unknown_options_are_config_errors():
    """A column the caller names and the table lacks is a ConfigError with did-you-mean."""
    frame = pd.DataFrame({"number": ["A"], "updated": ["01/03/2016 08:00"], "state": ["New"]})
    with pytest.raises(ConfigError, match=r"no column 'stat'.*did you mean 'state'"):
        EventLog.from_snapshots(frame, id="number", at="updated", status="state", severity=None,
                                attributes=["stat"])  # fmt: skip
    with pytest.raises(ConfigError, match="unknown order"):
        EventLog.from_snapshots(frame, id="number", at="updated", status=None, severity=None,
                                order="random")  # type: ignore[arg-type]  # fmt: skip
    with pytest.raises(ConfigError, match="DataFrame"):
        EventLog.from_events([{"id": 1}])
    naive = pd.DataFrame(
        {"id": [1], "type": ["opened"], "at": [datetime(2026, 1, 1)], "severity": ["alta"]}
    )
    with pytest.raises(NaiveDatetimeError, match="timezone="):
        EventLog.from_events(naive)


def test_changes_without_openings_open_at_the_first_change():
    """Without an openings table, an incident opens at its first change with the 'from' values."""
    frame = pd.DataFrame(
        {
            "id": ["J-1", "J-1", "J-1", "J-2"],
            "at": [
                "2026-01-13T09:00:00+00:00",
                "2026-01-13T10:00:00+00:00",
                "2026-01-13T11:00:00+00:00",
                "2026-01-13T11:00:00+00:00",
            ],
            "field": ["status", "Priority", "status", "status"],
            "from": ["Open", "Low", "In Progress", "Open"],
            "to": ["In Progress", "High", "Done", "Done"],
        }
    )
    log = EventLog.from_changes(frame, fields={"status": "status", "Priority": "severity"})
    events = log.timeline("J-1").events
    assert [(e.type, e.status, e.severity) for e in events] == [
        ("opened", "Open", "Low"),
        ("changed", "In Progress", None),
        ("changed", None, "High"),
        ("changed", "Done", None),
    ]
    reasons = log.issues.groupby("id")["reason"].apply(list).to_dict()
    assert any("no opening given" in r for r in reasons["J-1"])
    assert any("no severity at the opening" in r for r in reasons["J-2"])


def test_a_bad_incident_never_sinks_the_table():
    """An unknown status flags its incident with the value and a fix; the others are evaluated."""
    policy = load_policy("examples/policies/servicenow_desk.toml")
    frame = pd.DataFrame(
        [
            {
                "id": 1,
                "type": "opened",
                "at": "2016-03-01T08:00:00-03:00",
                "severity": "2 - High",
                "status": "New",
            },
            {"id": 1, "type": "changed", "at": "2016-03-01T09:00:00-03:00", "status": "On Hold"},
            {
                "id": 2,
                "type": "opened",
                "at": "2016-03-01T08:00:00-03:00",
                "severity": "2 - High",
                "status": "New",
            },
            {"id": 2, "type": "changed", "at": "2016-03-01T08:30:00-03:00", "status": "Active"},
        ]
    )
    log = EventLog.from_events(frame)
    with pytest.warns(BadRowsWarning, match=r"1 of 2 incidents"):
        out = evaluate_frame(log, policy, as_of="2016-03-02T00:00:00-03:00")
    assert "unknown status 'On Hold'" in out["error"][0]
    assert "[statuses]" in out["error"][0]
    assert pd.isna(out["error"][1])
    assert out["response_status"].tolist()[1] == "met"
    timeline = log.timeline(2)
    expected = evaluate(policy, timeline, as_of=datetime(2016, 3, 2, 3, tzinfo=UTC))
    assert out["response_elapsed"][1] == expected["response"].elapsed
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        evaluate_frame(EventLog.from_events(frame[frame["id"] == 2]), policy, as_of=expected.as_of)


def test_an_incident_without_a_severity_is_flagged_not_guessed():
    """An opening without a severity (an empty priority) flags that incident only."""
    policy = load_policy("examples/policies/servicenow_desk.toml")
    rows = [
        {"number": "X", "updated": "01/03/2016 08:00", "state": "New", "priority": "?", "seq": 0},
        {
            "number": "Y",
            "updated": "01/03/2016 08:00",
            "state": "New",
            "priority": "2 - High",
            "seq": 0,
        },
    ]
    options = {**SNAPSHOT_OPTIONS, "attributes": [], "opened_at": None}
    log = EventLog.from_snapshots(pd.DataFrame(rows), **options)
    assert "no severity at the opening" in " ".join(log.issues["reason"])
    with pytest.warns(BadRowsWarning, match="1 of 2"):
        out = evaluate_frame(log, policy, as_of="2016-03-02T00:00:00-03:00")
    assert "no severity at the opening" in out["error"][0]
    assert out["response_status"][1] == "breached"  # still New 16 office hours later


@settings(max_examples=60, deadline=None)
@given(s.snapshot_histories(), st.data())
def test_no_incident_goes_missing_from_a_damaged_export(case, data):
    """Every id of the source is in the log or in ``lost``, never both; no-id rows are issues.

    Some rows lose their id, some their instant (possibly every row of an incident); the
    incidents whose rows all failed are named in ``log.lost``, each failed row in
    ``log.issues`` with its row number.
    """
    rows, _expected = case
    damaged = []
    for original in rows:
        damage = data.draw(st.sampled_from(["none", "none", "none", "id", "instant"]))
        row = dict(original)
        if damage == "id":
            row["number"] = None
        elif damage == "instant":
            row["updated"] = "not a time"
        damaged.append(row)
    frame = pd.DataFrame(damaged)
    log = EventLog.from_snapshots(frame, **SNAPSHOT_OPTIONS)
    source = {r["number"] for r in damaged if r["number"] is not None}
    assert set(log.ids) | set(log.lost) == source
    assert not set(log.ids) & set(log.lost)
    refused = log.issues[log.issues["action"] == "refused"]
    bad_rows = {
        i for i, r in enumerate(damaged) if r["number"] is None or r["updated"] == "not a time"
    }
    assert set(refused["row"]) == bad_rows
    for number in log.lost:
        mine = {i for i, r in enumerate(damaged) if r["number"] == number}
        assert mine <= set(refused["row"])
    # and evaluate_frame gives every source incident a row: the lost ones last, with an error
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BadRowsWarning)
        out = evaluate_frame(log, SERVICENOW_POLICY, as_of="2031-01-01T00:00:00+00:00")
    assert out["id"].tolist() == [*log.ids, *log.lost]
    tail = out.iloc[len(log.ids) :]
    assert tail["error"].str.startswith("none of this incident's rows could be read").all()
    assert tail["opened"].isna().all()
    assert tail["resolution_status"].isna().all()


def test_issues_name_the_callers_columns_and_quote_values_as_written():
    """An issue names the table's own column (not the role) and its value as the file has it."""
    frame = pd.DataFrame(
        [
            {"ticket": "A", "kind": "opened", "when": "2026-01-13T08:00:00-05:00", "prio": None},
            {"ticket": "A", "kind": "responded", "when": "2026-01-13T07:00:00-05:00"},
            {"ticket": "B", "kind": "responded", "when": "2026-01-13T07:30:00-05:00"},
        ]
    )
    log = EventLog.from_events(frame, id="ticket", type="kind", at="when", severity="prio")
    got = log.issues[["id", "row", "column", "value", "action"]].values.tolist()
    assert got == [
        ["A", 0, "prio", None, "kept"],
        ["A", 1, "when", "2026-01-13T07:00:00-05:00", "repaired"],
        ["B", 2, "kind", "responded", "refused"],
    ]


def test_changes_issues_give_rows_of_their_own_table():
    """Issues of a change table give its rows; those of the openings table are 'openings.*'."""
    changes = pd.DataFrame(
        {
            "key": ["A", "A"],
            "when": ["2026-01-13T07:00:00-05:00", "2026-01-13T09:00:00-05:00"],
            "field": ["status", "status"],
            "from": ["New", "Active"],
            "to": ["Active", "Done"],
        }
    )
    openings = pd.DataFrame(
        {
            "key": ["A", "A", None],
            "created": ["2026-01-13T08:00:00-05:00", "2026-01-13T08:30:00-05:00", "x"],
            "status": ["New", "New", "New"],
            "severity": ["a", "a", "a"],
        }
    )
    log = EventLog.from_changes(
        changes, fields={"status": "status"}, id="key", at="when",
        openings=openings, opened_at="created",
    )  # fmt: skip
    got = log.issues[["row", "column", "value", "action"]].values.tolist()
    assert got == [
        [0, "when", "2026-01-13T07:00:00-05:00", "repaired"],  # the 07:00 change, row 0
        [1, "openings.key", "A", "refused"],  # a second opening of A
        [2, "openings.created", "x", "refused"],
        [2, "openings.key", None, "refused"],
    ]
    opened = log.timeline("A").events[0]
    assert opened.at == datetime(2026, 1, 13, 13, tzinfo=UTC)  # the first opening is kept


_KINDS = ("paused", "resumed", "resolved", "reopened", "closed", "responded", "status")


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.lists(st.tuples(st.sampled_from(_KINDS), st.booleans()), max_size=8),
        min_size=1,
        max_size=5,
    )
)
def test_events_out_of_order_are_refused_as_the_timeline_refuses_them(histories):
    """Rows the timeline's order rule refuses are reported and left out; the rest holds.

    The reference walks each incident's events in order, keeping an event when the
    timeline of the events kept so far and it can be built. The log refuses exactly the
    others, builds exactly the timelines kept, and evaluates each as ``evaluate`` does.
    """
    t0 = datetime(2016, 3, 1, 12, 0, tzinfo=UTC)
    rows, refused, kept = [], set(), {}
    for n, kinds in enumerate(histories):
        key = f"INC{n}"
        events = [{"type": "opened", "at": t0, "severity": "2 - High", "status": "New"}]
        rows.append({"id": key, **events[0]})
        for i, (kind, with_status) in enumerate(kinds):
            event = {"type": kind, "at": t0 + (i + 1) * timedelta(hours=1)}
            if kind == "status":
                event = {"type": "changed", "at": event["at"], "status": "Active"}
            elif with_status:  # a row that changes the status as well
                event["status"] = "Active"
            try:
                Timeline.from_events([*events, event])
            except TimelineError:
                refused.add(len(rows))
            else:
                events.append(event)
            rows.append({"id": key, **event})
        kept[key] = Timeline.from_events(events)
    log = EventLog.from_events(pd.DataFrame(rows))
    issues = log.issues[log.issues["action"] == "refused"]
    assert set(issues["row"]) == refused
    assert all(
        reason.endswith(("in between", "remove this one", "reopened"))
        for reason in issues["reason"]
    )
    as_of = t0 + timedelta(days=3)
    out = evaluate_frame(log, SERVICENOW_POLICY, as_of=as_of).set_index("id")
    for key, timeline in kept.items():
        assert log.timeline(key) == timeline
        check_row(
            SERVICENOW_POLICY, out.loc[key], evaluate(SERVICENOW_POLICY, timeline, as_of=as_of)
        )


def test_an_empty_value_in_a_first_update_is_not_said_to_keep_a_previous_one():
    """Only later updates keep the previous value; an opening without one is 'kept' as it is."""
    rows = pd.DataFrame(
        {
            "number": ["A", "A", "A"],
            "updated": ["01/03/2016 08:00", "01/03/2016 09:00", "01/03/2016 10:00"],
            "state": ["New", "Active", "?"],
            "priority": ["?", "2 - High", "?"],
            "seq": [0, 1, 2],
        }
    )
    options = {k: v for k, v in SNAPSHOT_OPTIONS.items() if k not in ("attributes", "opened_at")}
    issues = EventLog.from_snapshots(rows, **options).issues
    said = list(zip(issues["row"], issues["column"], issues["action"], strict=True))
    assert sorted(said) == [
        (0, "priority", "kept"),
        (2, "priority", "repaired"),
        (2, "state", "repaired"),
    ]


def test_a_priority_column_of_numbers_with_gaps_reads_as_whole_numbers():
    """Priorities 1 and 2 given on openings only: pandas holds 1.0, the severity is "1".

    A JSON export or a CSV read with read_csv gives floats where a column has gaps; the
    readers read a whole number without its decimal point, in histories and in tables.
    """
    policy = escalate.load_policy(
        {
            "severities": {
                "1": {"response": "1h", "resolution": "4h"},
                "2": {"response": "2h", "resolution": "8h"},
            }
        }
    )
    events = pd.DataFrame(
        {
            "id": [7, 7, 8],
            "type": ["opened", "responded", "opened"],
            "at": pd.to_datetime(["2026-03-02T09:00Z", "2026-03-02T09:30Z", "2026-03-02T10:00Z"]),
            "severity": [1, None, 2],
        }
    )
    assert events["severity"].dtype == float
    out = escalate.evaluate_frame(EventLog.from_events(events), policy, as_of="2026-03-02T12:00Z")
    assert out["error"].isna().all()
    assert out["severity"].tolist() == ["1", "2"]
    wide = pd.DataFrame(
        {"id": [7, 8], "opened": pd.to_datetime(["2026-03-02T09:00Z", "2026-03-02T10:00Z"]),
         "responded": [pd.NaT, pd.NaT], "resolved": [pd.NaT, pd.NaT], "severity": [1.0, float("nan")]}
    )  # fmt: skip
    with pytest.warns(escalate.BadRowsWarning, match="1 of 2"):  # the gap: no severity
        table = escalate.evaluate_frame(wide, policy, as_of="2026-03-02T12:00Z")
    assert table["severity"].tolist()[0] == "1"


def test_a_ticket_of_the_openings_table_alone_is_never_dropped():
    """from_changes: a ticket whose only row (its opening) is refused is lost, not gone.

    evaluate_frame gives it a row with an error, as from_events does: one row per ticket.
    """
    policy = escalate.load_policy(
        {"statuses": {"New": "open", "Done": "resolved"},
         "severities": {"High": {"response": "1h", "resolution": "8h"}}}
    )  # fmt: skip
    changes = pd.DataFrame(
        [("J-1", "2026-03-02T09:30:00-05:00", "status", "New", "Done")],
        columns=["key", "created", "field", "fromString", "toString"],
    )
    openings = pd.DataFrame(
        [("J-1", "2026-03-02T09:00:00-05:00", "New", "High"), ("J-2", "?", "New", "High")],
        columns=["key", "opened", "status", "severity"],
    )
    log = EventLog.from_changes(
        changes, fields={"status": "status"}, id="key", at="created", old="fromString",
        new="toString", openings=openings,
    )  # fmt: skip
    assert log.lost == ("J-2",)
    with pytest.warns(escalate.BadRowsWarning, match="1 of 2"):
        out = escalate.evaluate_frame(log, policy, as_of="2026-03-03T12:00:00-05:00")
    assert out["id"].tolist() == ["J-1", "J-2"]
    assert out["error"].isna().tolist() == [True, False]


def test_a_status_written_as_no_value_on_the_first_snapshot_is_reported():
    """'?' on a ticket's first snapshot: the ticket opens without a status, and issues say so."""
    snapshots = pd.DataFrame(
        [
            ("INC5", "02/03/2026 09:00", "?", "High"),
            ("INC5", "02/03/2026 09:05", "Waiting", "?"),
            ("INC6", "02/03/2026 09:10", None, "High"),  # left blank: nothing was written
        ],
        columns=["number", "updated", "state", "priority"],
    )
    log = EventLog.from_snapshots(
        snapshots, id="number", at="updated", status="state", severity="priority",
        timezone="America/Bogota", time_format="%d/%m/%Y %H:%M",
    )  # fmt: skip
    said = log.issues[["id", "row", "column", "action"]].to_dict("records")
    assert said == [
        {"id": "INC5", "row": 0, "column": "state", "action": "kept"},
        {"id": "INC5", "row": 1, "column": "priority", "action": "repaired"},
    ]


def test_an_id_of_another_type_than_its_opening_is_named_as_such():
    """Changes read with numeric ids, openings with text ids: the refusal says why."""
    changes = pd.DataFrame(
        {
            "id": [101, 101, 7],
            "at": ["2026-03-02T10:00:00+00:00", "2026-03-02T11:00:00+00:00",
                   "2026-03-02T11:00:00+00:00"],
            "field": ["status"] * 3,
            "from": ["New", "Open", "New"],
            "to": ["Open", "Done", "Open"],
        }
    )  # fmt: skip
    openings = pd.DataFrame(
        {"id": ["101"], "opened": ["2026-03-02T09:00:00+00:00"], "status": ["New"],
         "severity": ["high"]}
    )  # fmt: skip
    log = EventLog.from_changes(changes, fields={"status": "status"}, openings=openings)
    reasons = log.issues.set_index("row")["reason"]
    assert (
        reasons[0]
        == reasons[1]
        == (
            "the incident has no 'opened' event; the opening of '101' (str) is another id than "
            "101 (int): read the id columns as one type, e.g. dtype={'id': str}"
        )
    )
    assert reasons[2] == "the incident has no 'opened' event"  # no opening of any type
    assert set(log.lost) == {101, 7}
