"""Fuzzing the evaluator: generated junk into Timeline.from_events, evaluate, evaluate_frame.

Every call either succeeds or raises an :class:`~escalate.EscalateError` that is also one
of the builtins ``docs/reference/errors.md`` documents for that entry point, within the
fuzz deadline (see ``tests/fuzzing.py``). A bad row of a table is reported in its
``error`` column instead (with a ``BadRowsWarning``).

The failures found while building them are kept as explicit ``@example`` cases.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from escalate import (
    EscalateError,
    Event,
    Timeline,
    evaluate,
    evaluate_frame,
    load_policy,
)
from tests import strategies
from tests.fuzzing import fuzz_settings, junk_table, outcome

# junk tables lack columns on purpose: the warning is not what is tested here
pytestmark = pytest.mark.filterwarnings("ignore::escalate.MissingColumnsWarning")

POLICY_DIR = Path(__file__).parent.parent / "examples" / "policies"
POLICIES = {path.stem: load_policy(path) for path in sorted(POLICY_DIR.glob("*.toml"))}
SAAS = POLICIES["seed_003_saas"]
BOGOTA = ZoneInfo("America/Bogota")
OPENED = datetime(2026, 11, 13, 16, 10, tzinfo=BOGOTA)
EVENTS: list[dict[str, Any]] = [
    {"type": "opened", "at": "2026-11-13T16:10:00-05:00", "severity": "alta", "plan": "gold",
     "category": "billing"},
    {"type": "paused", "at": "2026-11-13T16:20:00-05:00", "reason": "waiting"},
    {"type": "resumed", "at": "2026-11-16T09:00:00-05:00"},
    {"type": "responded", "at": "2026-11-17T08:00:00-05:00"},
    {"type": "severity_changed", "at": "2026-11-17T09:00:00-05:00", "severity": "normal"},
    {"type": "escalated", "at": "2026-11-17T10:00:00-05:00"},
    {"type": "workaround_applied", "at": "2026-11-17T11:00:00-05:00"},
    {"type": "resolved", "at": "2026-11-18T11:00:00-05:00"},
    {"type": "reopened", "at": "2026-11-18T12:00:00-05:00"},
    {"type": "resolved", "at": "2026-11-19T12:00:00-05:00"},
]  # fmt: skip

instants = st.one_of(
    strategies.any_aware_datetimes,
    strategies.horizon_edge_datetimes,
    st.integers(-60 * 24 * 10, 60 * 24 * 10).map(lambda m: OPENED + timedelta(minutes=m)),
)
"""Instants of any year, at the edges of the horizon, and near the incident."""

instants_or_junk = instants | instants.map(datetime.isoformat) | strategies.python_junk


@st.composite
def event_lists(draw: st.DrawFn) -> Any:
    """The incident's events with one to three mutations, or junk, or Event objects."""
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return draw(strategies.python_junk)
    mutated: Any = draw(strategies.mutated_configs({"events": EVENTS}))
    events = mutated.get("events") if isinstance(mutated, dict) else mutated
    if kind == 1 and isinstance(events, list):
        # the same events as Event objects, some with junk in their fields
        built = []
        for item in events:
            fields = dict(item) if isinstance(item, dict) else {}
            built.append(
                Event(
                    type=fields.pop("type", draw(strategies.python_junk)),
                    at=draw(instants_or_junk),
                    severity=fields.pop("severity", None),
                    reason=fields.pop("reason", None),
                    attributes=tuple(fields.items()),
                )
            )
        return built
    if kind == 2 and isinstance(events, list) and events:
        # an instant of any year (or junk) at one event
        i = draw(st.integers(0, len(events) - 1))
        if isinstance(events[i], dict):
            events[i] = {**events[i], "at": draw(instants_or_junk)}
    return events


@st.composite
def shifted_events(draw: st.DrawFn) -> list[dict[str, Any]]:
    """The incident's valid events moved as a whole to any year, a valid timeline mostly."""
    to = draw(instants)
    try:
        return [
            {**event, "at": (datetime.fromisoformat(event["at"]) - OPENED + to).isoformat()}
            for event in EVENTS
        ]
    except OverflowError:  # moved past year 1 or 9999
        assume(False)
        return []


@example(events=[Event(type="opened", at="2026-11-13T16:10:00-05:00", severity="alta")])  # type: ignore[arg-type]
@example(events=[Event(type="opened", at=pd.NaT, severity="alta")])
@example(events=[Event(type=[], at=OPENED, severity="alta")])  # type: ignore[arg-type]
@example(events=[{"type": "opened", "at": "2026-11-13T16:10:00-05:00", "severity": 10**5000}])
@example(events=10**5000)
@fuzz_settings(examples=60)
@given(events=event_lists())
def test_timeline_from_events_takes_any_junk(events: Any):
    """Mutated, junk or out-of-range events: a timeline or a documented error."""
    timeline = outcome("Timeline.from_events", lambda: Timeline.from_events(events))
    if not isinstance(timeline, EscalateError):
        assert Timeline.from_events(timeline.to_events()) == timeline


@example(
    policy=POLICIES["seed_002_hosting"],
    events=[{**EVENTS[0], "severity": "alto", "plan": 10**5000}],
    as_of=OPENED + timedelta(hours=1),
)
@fuzz_settings(examples=60)
@given(
    policy=st.sampled_from(sorted(POLICIES)).map(POLICIES.get),
    events=event_lists() | shifted_events(),
    as_of=instants_or_junk,
)
def test_evaluate_takes_any_junk(policy: Any, events: Any, as_of: Any):
    """Any policy, mutated events and any as_of: an evaluation or a documented error."""
    try:
        timeline = Timeline.from_events(events)
    except Exception:  # how it fails is the timeline fuzzer's concern
        assume(False)
        return
    result = outcome("evaluate", lambda: evaluate(policy, timeline, as_of=as_of))
    if not isinstance(result, EscalateError):
        assert result.to_dict()["as_of"]


_ROW = {
    "opened": instants_or_junk | st.just(pd.NaT),
    "responded": st.none() | instants_or_junk,
    "resolved": st.none() | instants_or_junk,
    "severity": st.sampled_from(["alta", "normal", "baja", None]) | strategies.python_junk,
    "plan": st.none() | strategies.python_junk,
    "category": st.sampled_from(["billing", "tickets", None]) | strategies.python_junk,
    "workaround_applied": st.none() | instants_or_junk,
    "fix_released": st.none() | instants_or_junk,
}


@example(
    rows=[{"opened": "yesterday", "severity": "alta"}],
    tz_columns=False,
    as_of=OPENED,
    timezone=None,
)
@example(
    rows=[{"opened": OPENED, "severity": ["alta"]}], tz_columns=False, as_of=OPENED, timezone=None
)
@example(
    rows=[{"opened": OPENED, "severity": "alta", "category": {}}],
    tz_columns=False,
    as_of=OPENED,
    timezone=None,
)
@example(
    rows=[{"opened": datetime(2026, 11, 13), "severity": "alta"}],
    tz_columns=False,
    as_of=OPENED,
    timezone="Nowhere/City",
)
@example(
    rows=[{"opened": datetime(2026, 11, 13), "severity": "alta"}],
    tz_columns=False,
    as_of=OPENED,
    timezone="x" * 300,
)
@fuzz_settings(examples=60)
@given(
    rows=st.lists(st.fixed_dictionaries({}, optional=_ROW), min_size=1, max_size=5),
    tz_columns=st.booleans(),
    as_of=instants_or_junk,
    timezone=st.none() | st.sampled_from(["America/Bogota", "Nowhere/City", "x" * 300]),
)
def test_evaluate_frame_takes_any_junk(
    rows: list[dict[str, Any]], tz_columns: bool, as_of: Any, timezone: Any
):
    """Junk cells, columns, zones and instants: a table (bad rows flagged) or a typed error."""
    table = junk_table(
        rows,
        ("opened", "responded", "resolved", "workaround_applied", "fix_released"),
        aware=tz_columns,
    )
    result = outcome(
        "evaluate_frame", lambda: evaluate_frame(table, SAAS, as_of=as_of, timezone=timezone)
    )
    if not isinstance(result, EscalateError):
        assert len(result) == len(table)


def test_the_fuzz_base_evaluates():
    """The incident the fuzzers mutate is valid to begin with."""
    timeline = Timeline.from_events(EVENTS)
    assert evaluate(SAAS, timeline, as_of=OPENED + timedelta(days=10)).to_dict()
