"""The table path reads the scalar engine's rules: ``fold_many`` and a tier's amount.

``fold_many`` is ``fold``'s walk for many incidents at once, from the same ``step``.

The table path reads what each event does from :func:`escalate._fold.fold_many`, which
asks :func:`escalate._fold.step` (through the plan's memory) once per state and event
type met. The law: for every event of every incident, the codes and the concluded flag
after it equal what the scalar ``fold`` reports after the same events, and the event
stops a target exactly where ``fold`` moves that target's stop instant to it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from escalate import Policy, Severity, Target, Timeline
from escalate._fold import PENDING, RUNNING, STOPPED, fold, fold_many
from escalate._plan import BREACH, PERCENT, Compiled, TierPlan, compiled
from tests.evaluator_reference import POLICIES, incidents

NEVER = 2**62


def _arrays(timelines: list[Timeline]) -> dict[str, Any]:
    """The events of ``timelines`` as the table path encodes them (vocabularies and codes)."""
    kinds: list[str] = []
    statuses: list[str] = []
    kind, status, first = [], [], []
    for timeline in timelines:
        for k, (name, _at, _sev, st_) in enumerate(timeline.instants):
            if name not in kinds:
                kinds.append(name)
            kind.append(kinds.index(name))
            if st_ is not None and st_ not in statuses:
                statuses.append(st_)
            status.append(-1 if st_ is None else statuses.index(st_))
            first.append(k == 0)
    return {
        "kinds": kinds,
        "statuses": statuses,
        "kind": np.array(kind, dtype=np.int64),
        "status": np.array(status, dtype=np.int64),
        "first": np.array(first, dtype=bool),
    }


def _scalar(plan: Compiled, timeline: Timeline) -> list[tuple[Any, ...]]:
    """Per event, what ``fold`` says after the events up to it: codes, concluded, stop instants."""
    out = []
    events = timeline.instants
    for e in range(len(events)):
        folded = fold(plan, events[: e + 1], NEVER)
        codes = tuple(column[-1] for column in folded.codes)
        out.append((codes, folded.concluded[-1], tuple(folded.stopped)))
    return out


def _walked(plan: Compiled, timelines: list[Timeline]) -> list[list[tuple[Any, ...]]]:
    walked = fold_many(plan, **_arrays(timelines))
    rows = []
    for tid in walked.of_event.tolist():
        rows.append(
            (
                tuple(int(c) for c in walked.codes[tid]),
                bool(walked.concluded[tid]),
                tuple(bool(x) for x in walked.ended[tid]),
            )
        )
    out, k = [], 0
    for timeline in timelines:
        out.append(rows[k : k + len(timeline.instants)])
        k += len(timeline.instants)
    return out


@given(st.sampled_from(sorted(POLICIES)), st.data())
@settings(deadline=None, max_examples=60)
def test_the_walk_of_many_incidents_equals_fold_event_by_event(name: str, data: Any) -> None:
    """Codes, concluded and stops after every event equal the scalar fold's."""
    cases = data.draw(st.lists(incidents(policies=(name,)), min_size=1, max_size=5))
    plan = compiled(POLICIES[name])
    timelines = [timeline for _n, _p, timeline, _at in cases]
    walked = _walked(plan, timelines)
    for timeline, rows in zip(timelines, walked, strict=True):
        scalar = _scalar(plan, timeline)
        assert [r[:2] for r in rows] == [s[:2] for s in scalar]
        instants = [at for _k, at, _s, _st in timeline.instants]
        for i in range(len(plan.targets)):
            # a stop the walk reports is one fold records at that event's instant ...
            ends = [e for e, r in enumerate(rows) if r[2][i]]
            assert all(scalar[e][2][i] == instants[e] for e in ends)
            # ... and a target stopped at the end stopped at the last of them
            if rows[-1][0][i] == STOPPED:
                assert scalar[-1][2][i] == instants[ends[-1]]


H = timedelta(hours=1)
T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


def _policy() -> Policy:
    return Policy(
        clock="24x7",
        statuses={
            "New": "open",
            "Waiting": "paused",
            "Resolved": "resolved",
            "Closed": "closed",
        },
        severities=[Severity(name="high", goals={"response": 2 * H, "resolution": 8 * H})],
        targets=[
            Target(name="response", start="opened", stop="responded", on_reopen="keep"),
            Target(name="resolution", start="opened", stop=["resolved", "closed"]),
        ],
    )


def test_a_reopen_runs_the_resolution_again_and_keeps_the_response() -> None:
    """Worked: responded, resolved, reopened by a status change, paused by a status."""
    plan = Compiled(_policy())
    history = (
        Timeline.open(T0, severity="high", status="New")
        .respond(T0 + H)
        .change(T0 + 2 * H, status="Resolved")
        .change(T0 + 3 * H, status="Waiting")
    )
    rows = _walked(plan, [history])[0]
    assert [r[0] for r in rows] == [
        (RUNNING, RUNNING),
        (STOPPED, RUNNING),
        (STOPPED, STOPPED),
        (STOPPED, 2),  # reopened into a pausing status: the resolution runs again, held
    ]
    assert [r[1] for r in rows] == [False, False, True, False]
    assert [r[2] for r in rows] == [
        (False, False),
        (True, False),
        (False, True),
        (False, False),
    ]


def test_a_status_the_policy_does_not_know_leads_to_a_state_no_event_leaves() -> None:
    """Its incident is reported as an error; the walk keeps every target pending there."""
    plan = Compiled(_policy())
    known = Timeline.open(T0, severity="high", status="New").respond(T0 + H)
    unknown = (
        Timeline.open(T0, severity="high", status="New")
        .change(T0 + H, status="Bogus")
        .respond(T0 + 2 * H)
    )
    arrays = _arrays([unknown, known])
    walked = fold_many(plan, **arrays)
    codes = [tuple(int(c) for c in walked.codes[t]) for t in walked.of_event.tolist()]
    assert codes == [
        (RUNNING, RUNNING),
        (PENDING, PENDING),  # the unknown status
        (PENDING, PENDING),  # and whatever follows it
        (RUNNING, RUNNING),
        (STOPPED, RUNNING),
    ]


def test_no_events_walk_to_nothing() -> None:
    """An empty block has no transitions to take (and one inert row to index)."""
    plan = Compiled(_policy())
    empty = np.zeros(0, dtype=np.int64)
    walked = fold_many(
        plan, kinds=[], statuses=[], kind=empty, status=empty, first=np.zeros(0, dtype=bool)
    )
    assert walked.of_event.size == 0
    assert walked.codes.shape == (1, 2)


def test_many_states_grow_the_table_of_transitions() -> None:
    """Past four states met, the walk's table grows, and the answers stay fold's."""
    plan = Compiled(_policy())
    history = Timeline.open(T0, severity="high", status="New")
    for k, status in enumerate(["Waiting", "New", "Resolved", "New", "Closed", "Waiting"] * 2):
        history = history.change(T0 + (k + 1) * H, status=status)
    history = history.respond(T0 + 20 * H)
    rows = _walked(plan, [history])[0]
    assert [r[:2] for r in rows] == [s[:2] for s in _scalar(plan, history)]
    assert fold_many(plan, **_arrays([history])).codes.shape[0] > 4  # transitions met


def test_a_tiers_amount_is_one_rule_for_both_engines() -> None:
    """Percent: a share of the goal, rounded half to even, at least 1 µs; breach: goal + delay."""
    percent = TierPlan(PERCENT, 0, 50)
    assert percent.amount(8 * 3_600_000_000) == 4 * 3_600_000_000
    assert percent.amount(1) == 1  # half a microsecond rounds to 0: at least 1
    assert TierPlan(PERCENT, 0, 25).amount(6) == 2  # 1.5 rounds half to even
    assert TierPlan(PERCENT, 0, 12.5).amount(20) == 2  # 2.5 rounds half to even
    breach = TierPlan(BREACH, 0, 3_600_000_000)
    assert breach.amount(7_200_000_000) == 10_800_000_000
    assert breach.amounts == {7_200_000_000: 10_800_000_000}  # remembered per goal
