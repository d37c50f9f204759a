"""The table path over event logs equals ``evaluate``, incident by incident.

Random long logs mix explicit events with status and field changes: reopens (both
``reopened`` and a status leaving ``Resolved``), severity changes to other clocks, status
pauses that hold some targets and not others, several events at one instant, manual
escalations, and every trigger kind, on the four test policies (DST zones included).
"""

from __future__ import annotations

import os
from datetime import timedelta

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from escalate import EventLog, evaluate, evaluate_frame
from tests.evaluator_reference import POLICIES, incidents
from tests.frame_check import check_row


@st.composite
def logs(draw):
    """A policy, an event log of 1-8 random incidents of it, and an instant to judge them at."""
    name = draw(st.sampled_from(sorted(POLICIES)))
    rows = []
    timelines = {}
    count = draw(st.integers(1, 8))
    as_of = None
    for i in range(count):
        _n, _policy, timeline, at = draw(incidents(policies=(name,)))
        timelines[f"INC{i}"] = timeline
        as_of = at if as_of is None else max(as_of, at)
        for event in timeline.to_events():
            rows.append({"id": f"INC{i}", **event})
    frame = pd.DataFrame(rows)
    as_of += draw(st.integers(-3 * 24 * 3600, 3 * 24 * 3600)) * timedelta(seconds=1)
    return POLICIES[name], frame, timelines, as_of


@given(logs())
@settings(max_examples=int(os.environ.get("TABLE_EXAMPLES", "60")), deadline=None)
def test_every_incident_of_a_log_equals_evaluate(case):
    """evaluate_frame(EventLog) says of every incident what evaluate() says of it."""
    policy, frame, timelines, as_of = case
    attributes = [c for c in ("plan", "category", "group") if c in frame.columns]
    log = EventLog.from_events(frame, attributes=attributes)
    assert log.issues.empty
    out = evaluate_frame(log, policy, as_of=as_of).set_index("id")
    assert list(out.index) == list(timelines)
    for key, timeline in timelines.items():
        assert log.timeline(key) == timeline
        check_row(policy, out.loc[key], evaluate(policy, timeline, as_of=as_of))
