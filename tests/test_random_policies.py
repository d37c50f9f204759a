"""Laws over random policies with every feature (``tests/rich_policies.py``).

The table path equals the scalar path row by row, also under policy versions, in blocks of
any size and with category columns; the ledger's counted parts sum to each target's
elapsed time; replay equals live (what is said as of an instant depends only on the events
up to it). A plan's goal in business days on the event-log path was found by these laws.
"""

from __future__ import annotations

import warnings
from datetime import datetime, timedelta
from typing import Any

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import escalate as esc
from tests import rich_policies as rich
from tests.frame_check import check_row

_ATTRIBUTES = ("plan", "category", "group")


@st.composite
def logs(draw: st.DrawFn, *, versions: bool = False) -> tuple[Any, pd.DataFrame, dict, datetime]:
    """A policy (or versions of random policies), event rows of 1-5 incidents, and as_of."""
    policy = draw(rich.policies())
    rows, timelines = [], {}
    as_of = None
    for i in range(draw(st.integers(1, 5))):
        events = draw(rich.histories(policy))
        timelines[f"INC{i}"] = esc.Timeline.from_events(events)
        when = draw(rich.as_of_for(events))
        as_of = when if as_of is None else max(as_of, when)
        rows += [{"id": f"INC{i}", **e} for e in timelines[f"INC{i}"].to_events()]
    assert as_of is not None
    as_of += draw(st.integers(-2 * 86_400, 2 * 86_400)) * timedelta(seconds=1)
    judge: Any = policy
    if versions:  # later versions may not know a history's severity: its row has an error
        others = draw(st.lists(rich.policies(), min_size=1, max_size=2))
        first = min(t.events[0].at for t in timelines.values())
        offsets = draw(
            st.lists(st.integers(-2 * 86_400, 3 * 86_400), min_size=len(others),
                     max_size=len(others), unique=True)
        )  # fmt: skip
        later = [
            (first + timedelta(seconds=o), p) for o, p in zip(sorted(offsets), others, strict=True)
        ]
        rule = draw(st.sampled_from(["opened", "as_of"]))
        judge = esc.PolicyVersions(versions=[(None, policy), *later], rule=rule)
    return judge, pd.DataFrame(rows), timelines, as_of


def _log(frame: pd.DataFrame) -> esc.EventLog:
    log = esc.EventLog.from_events(frame, attributes=[a for a in _ATTRIBUTES if a in frame])
    assert log.issues.empty, log.issues
    return log


def _check_table(
    case: tuple[Any, pd.DataFrame, dict, datetime], block: int, categorical: bool
) -> None:
    judge, frame, timelines, as_of = case
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # bad rows (a later version's unknown severity)
        out = esc.evaluate_frame(
            _log(frame), judge, as_of=as_of, block_size=block, categorical=categorical
        ).set_index("id")
    assert list(out.index) == list(timelines)
    for key, timeline in timelines.items():
        row = out.loc[key].astype(object)
        try:
            expected = esc.evaluate(judge, timeline, as_of=as_of)
        except esc.EscalateError:
            assert not pd.isna(row["error"]), key
            continue
        policy = (
            judge.select(timeline, as_of=as_of).policy
            if isinstance(judge, esc.PolicyVersions)
            else judge
        )
        check_row(policy, row, expected)


@settings(max_examples=max(settings.default.max_examples // 2, 10))
@given(logs(), st.sampled_from([1, 2, 32_768]), st.booleans())
def test_the_table_path_equals_the_scalar_path_on_random_policies(case, block, categorical):
    """Every row of evaluate_frame(EventLog) says what evaluate says of its incident."""
    _check_table(case, block, categorical)


@settings(max_examples=max(settings.default.max_examples // 4, 10))
@given(logs(versions=True), st.sampled_from([1, 3, 32_768]), st.booleans())
def test_the_table_path_equals_the_scalar_path_under_random_versions(case, block, categorical):
    """Under versions of random policies too, each incident judged by its version."""
    _check_table(case, block, categorical)


@settings(max_examples=max(settings.default.max_examples // 4, 10))
@given(logs())
def test_the_ledgers_counted_parts_sum_to_each_targets_elapsed_time(case):
    """Split by status, severity and group, a target's counted time is evaluate's elapsed."""
    policy, frame, timelines, as_of = case
    log = _log(frame)
    by = ["status", "severity", *(["group"] if "group" in frame else [])]
    for target in (t.name for t in policy.targets):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ledger = esc.ledger(log, policy, as_of=as_of, target=target, by=by)
        counted = ledger[ledger["part"] == "counted"].groupby("id")["us"].sum()
        for key, timeline in timelines.items():
            evaluation = esc.evaluate(policy, timeline, as_of=as_of)
            names = {t.name for t in evaluation.targets}
            if target not in names or evaluation[target].status is esc.TargetStatus.PENDING:
                continue
            assert counted.get(key, 0) == evaluation[target].elapsed // rich.US, (key, target)


@settings(max_examples=max(settings.default.max_examples // 2, 10))
@given(st.data())
def test_replay_equals_live_on_random_policies(data):
    """What is said as of an instant depends only on the events up to it."""
    policy = data.draw(rich.policies())
    events = data.draw(rich.histories(policy))
    as_of = data.draw(rich.as_of_for(events))
    live = esc.evaluate(policy, esc.Timeline.from_events(events), as_of=as_of)
    seen = [e for e in events if e["at"] <= as_of] or events[:1]
    replayed = esc.evaluate(policy, esc.Timeline.from_events(seen), as_of=as_of)
    assert replayed.to_dict() == live.to_dict()
