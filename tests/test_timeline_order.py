"""The order of a timeline's events: one rule, read by ``from_events`` and by each append.

Two laws over random event sequences: the problems ``Timeline.from_events`` reports are
those of a plain reference model of the rules, and building the same history one event
at a time (``Timeline.then``) accepts exactly what ``from_events`` accepts, failing at the
first event ``from_events`` finds fault with, for the same reasons.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from escalate import Timeline, TimelineError

NEW_YORK = ZoneInfo("America/New_York")
T0 = datetime(2026, 3, 8, 6, 30, tzinfo=UTC)  # 01:30 in New York, before its clocks go on
KINDS = [
    "opened",
    "responded",
    "paused",
    "resumed",
    "resolved",
    "closed",
    "reopened",
    "changed",
    "report_sent",
]

# (type, minutes after T0, whether it carries a status change)
events_strategy = st.lists(
    st.tuples(st.sampled_from(KINDS), st.integers(-30, 300), st.booleans()),
    min_size=1,
    max_size=12,
)


def _table(kind: str, minutes: int, status: bool) -> dict[str, object]:
    # physical minutes (not wall-clock ones across the change), written in New York time
    at = (T0 + timedelta(minutes=minutes)).astimezone(NEW_YORK)
    event: dict[str, object] = {"type": kind, "at": at}
    if kind == "opened":
        event["severity"] = "alta"
    if status or kind == "changed":
        event["status"] = "Active"
    return event


def _said(events: list[tuple[str, int, bool]]) -> list[tuple[int, str]]:
    """The reference model: each problem as (event index, the words that start it)."""
    out: list[tuple[int, str]] = []
    paused = resolved = concluded = False
    known = True  # whether resolutions are still checked (no status change yet)
    last = 0
    for i, (kind, minutes, status) in enumerate(events):
        has_status = status or kind == "changed"
        if i == 0:
            last = minutes
            if kind != "opened":
                out.append((i, "a timeline must start"))
        else:
            if minutes < last:
                out.append((i, "before the previous event"))
            last = max(last, minutes)
            if kind == "opened":
                out.append((i, "a second 'opened'"))
        if kind == "paused":
            if paused:
                out.append((i, "paused twice"))
            paused = True
        elif kind == "resumed":
            if not paused:
                out.append((i, "'resumed' without"))
            paused = False
        elif kind == "resolved":
            if known and resolved:
                out.append((i, "resolved twice"))
            resolved = concluded = True
        elif kind == "closed":
            concluded = True
        elif kind == "reopened":
            if known and not concluded:
                out.append((i, "'reopened' without"))
            resolved = concluded = False
        if has_status:
            known = False
    return out


def _index(path: str) -> int:
    return int(path.split("[", 1)[1].split("]", 1)[0])


def _found(err: TimelineError) -> list[tuple[int, str]]:
    return [(_index(p.path), p.message) for p in err.problems]


def _matches(found: list[tuple[int, str]], said: list[tuple[int, str]]) -> bool:
    return len(found) == len(said) and all(
        i == j and (words in message) for (i, message), (j, words) in zip(found, said, strict=True)
    )


@settings(max_examples=300, deadline=None)
@given(events_strategy)
def test_from_events_reports_what_the_reference_model_says(events):
    """Every problem of order, in order, by event index: as the plain model says."""
    said = _said(events)
    tables = [_table(*e) for e in events]
    if not said:
        timeline = Timeline.from_events(tables)
        assert [e.type for e in timeline.events] == [e[0] for e in events]
        return
    with pytest.raises(TimelineError) as info:
        Timeline.from_events(tables)
    assert _matches(_found(info.value), said), (_found(info.value), said)


@settings(max_examples=300, deadline=None)
@given(events_strategy)
def test_appending_one_event_at_a_time_accepts_what_from_events_accepts(events):
    """``then`` checks the new event only, with the state the timeline keeps: the same rule."""
    events[0] = ("opened", events[0][1], events[0][2])
    tables = [_table(*e) for e in events]
    try:
        whole: Timeline | None = Timeline.from_events(tables)
        problems: list[tuple[int, str]] = []
    except TimelineError as err:
        whole, problems = None, _found(err)
    timeline = Timeline.from_events(tables[:1])
    for i, table in enumerate(tables[1:], start=1):
        fields = {k: v for k, v in table.items() if k not in {"type", "at"}}
        if whole is None and problems[0][0] == i:  # the first event found at fault
            with pytest.raises(TimelineError) as info:
                timeline.then(table["type"], table["at"], **fields)  # type: ignore[arg-type]
            assert _found(info.value) == [p for p in problems if p[0] == i]
            return
        timeline = timeline.then(table["type"], table["at"], **fields)  # type: ignore[arg-type]
    assert whole is not None
    assert timeline == whole
    assert timeline.instants == whole.instants
