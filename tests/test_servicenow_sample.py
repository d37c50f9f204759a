"""The real ServiceNow log (a committed 300-incident sample) end to end.

The sample (``tests/data/servicenow_sample.csv.gz``, CC BY 4.0: see
``tests/data/servicenow_sample.md``) holds reopens, priority changes, incidents closed
without a resolution, the stray state ``-100``, updates stamped out of order and waits on
vendors. It is read from its raw rows, with the desk's status mapping and policy written as
data (``examples/policies/servicenow_desk.toml``), and the table path must say of every
incident what ``evaluate`` says, at instants inside the log, at a closing instant of the
desk's calendar, and after the log.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from escalate import EventLog, TargetStatus, evaluate, evaluate_frame, load_policy
from tests.frame_check import check_row

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "data" / "servicenow_sample.csv.gz"
POLICY = load_policy(ROOT / "examples" / "policies" / "servicenow_desk.toml")


@pytest.fixture(scope="module")
def log() -> EventLog:
    """The sample, read from its raw export rows."""
    frame = pd.read_csv(SAMPLE)
    return EventLog.from_snapshots(
        frame,
        id="number",
        at="sys_updated_at",
        status="incident_state",
        severity="priority",
        attributes=["assignment_group", "category"],
        opened_at="opened_at",
        sequence="sys_mod_count",
        timezone="America/Sao_Paulo",
        time_format="%d/%m/%Y %H:%M",
    )


def test_the_sample_reads_with_its_repairs_reported(log: EventLog):
    """300 incidents; the few updates stamped before the previous one are moved and reported."""
    assert len(log) == 300
    assert set(log.issues["action"]) <= {"repaired"}
    assert set(log.issues["reason"]) <= {"stamped before the previous update; moved to it"}


@pytest.mark.parametrize(
    "as_of",
    [
        "2016-04-20T10:07:00-03:00",  # inside the log
        "2016-09-30T18:00:00-03:00",  # a closing instant of the desk
        "2017-06-01T00:00:00-03:00",  # after the log
    ],
)
def test_every_incident_of_the_sample_equals_evaluate(log: EventLog, as_of: str):
    """evaluate_frame over the log says of each of the 300 incidents what evaluate() says."""
    out = evaluate_frame(log, POLICY, as_of=as_of).set_index("id")
    for key, timeline in log.timelines():
        check_row(POLICY, out.loc[key], evaluate(POLICY, timeline, as_of=as_of))


def test_the_awkward_shapes_of_the_log_are_judged_by_the_policy(log: EventLog):
    """Closed without Resolved stops the resolution; a reopen runs it on; -100 is open."""
    out = evaluate_frame(log, POLICY, as_of="2017-06-01T00:00:00-03:00").set_index("id")
    frame = pd.read_csv(SAMPLE)
    states = frame.groupby("number")["incident_state"].apply(list)
    closed_only = [k for k, s in states.items() if "Closed" in s and "Resolved" not in s]
    assert closed_only
    assert set(out.loc[closed_only, "resolution_status"]) <= {"met", "breached"}
    # nothing is left running after the log: every incident was closed in the end
    assert not out["resolution_status"].isin([TargetStatus.RUNNING.value]).any()
    reopened = [k for k, s in states.items() if _reopened(s)]
    assert reopened
    for key in reopened[:5]:
        timeline = log.timeline(key)
        assert any(e.status in {"Active", "New"} for e in timeline.events[2:])


def _reopened(states: list[str]) -> bool:
    seen = False
    for state in states:
        if state in {"Resolved", "Closed"}:
            seen = True
        elif seen:
            return True
    return False
