"""The time ledger and OLAs: the parts of a target's time sum to the whole, exactly.

The sum law is a property over random long logs of the four test policies (Bogota,
London and Santiago across their DST changes, and Kolkata): for every target and every
incident, the counted rows of :func:`escalate.ledger` add up to the ``elapsed`` that
:func:`escalate.evaluate` reports, to the microsecond, and the paused rows to the paused
time that the single-incident engine measures. A worked example checks the split, the
pause reasons and the OLA table by hand.
"""

from __future__ import annotations

import warnings
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import escalate
from escalate import (
    BadRowsWarning,
    BusinessDays,
    Calendar,
    ConfigError,
    EventLog,
    Policy,
    PolicyVersions,
    Severity,
    Target,
    compliance,
    evaluate,
    evaluate_frame,
    ledger,
    ola,
)
from escalate._calendar import _instant
from escalate._engine import between, measure
from escalate._evaluate import outcome
from escalate._fold import PAUSED
from escalate._ledger import _Reduced
from escalate._plan import compiled
from tests.evaluator_reference import POLICIES, incidents

H = timedelta(hours=1)
M = timedelta(minutes=1)


@st.composite
def logs(draw):
    """A policy, an event log of 1-6 random incidents of it, and an instant to judge them at."""
    name = draw(st.sampled_from(sorted(POLICIES)))
    rows = []
    timelines = {}
    as_of = None
    for i in range(draw(st.integers(1, 6))):
        _n, _policy, timeline, at = draw(incidents(policies=(name,)))
        timelines[f"INC{i}"] = timeline
        as_of = at if as_of is None else max(as_of, at)
        rows.extend({"id": f"INC{i}", **event} for event in timeline.to_events())
    as_of += draw(st.integers(-3 * 24 * 3600, 3 * 24 * 3600)) * timedelta(seconds=1)
    return POLICIES[name], pd.DataFrame(rows), timelines, as_of


def paused_us(policy, timeline, as_of, index):
    """The paused time of a target's current measurement, from the single-incident engine."""
    plan = compiled(policy)
    now = _instant(as_of, "as_of")
    folded = outcome(plan, timeline, now).folded
    if not folded.times:
        return 0
    value = timeline.attributes.get("plan")
    specs = [plan.goals(sev, value if plan.plans else None) for sev in folded.severity]
    stop = folded.stopped[index]
    j = len(folded.times) - 1 if stop is None else max(folded.times.index(stop), 0)
    spec = specs[j][index]
    m = measure(folded, index, specs, spec.clock if spec else plan.fallback[index], now)
    times = [*folded.times, now]
    return sum(
        between(m.clocks[k], times[k], times[k + 1])
        for k in range(m.first, len(folded.times))
        if m.codes[k] == PAUSED and times[k + 1] > times[k]
    )


@given(logs())
@settings(max_examples=settings.default.max_examples * 2 // 5, deadline=None)  # 40 in ci
def test_counted_parts_sum_to_elapsed_and_paused_parts_to_the_paused_time(case):
    """Per target and incident: counted rows sum to evaluate's elapsed, paused rows to pauses."""
    policy, frame, timelines, as_of = case
    attributes = [c for c in ("plan", "category", "group") if c in frame.columns]
    log = EventLog.from_events(frame, attributes=attributes)
    by = ["status", "severity", *(a for a in attributes if a == "group")]
    for index, target in enumerate(policy.targets):
        table = ledger(log, policy, as_of=as_of, target=target.name, by=by)
        assert (table["us"] >= 0).all()
        assert (table["time"] == pd.to_timedelta(table["us"], unit="us")).all()
        assert set(table["target"]) <= {target.name}
        assert table["pause_reason"].isna().eq(table["part"] == "counted").all()
        sums = table.groupby(["id", "part"], observed=True)["us"].sum()
        for key, timeline in timelines.items():
            ev = evaluate(policy, timeline, as_of=as_of)
            result = next((t for t in ev.targets if t.name == target.name), None)
            counted = int(sums.get((key, "counted"), 0))
            paused = int(sums.get((key, "paused"), 0))
            if result is None:
                assert counted == paused == 0
                continue
            assert counted == result.elapsed // timedelta(microseconds=1), (key, target.name)
            assert paused == paused_us(policy, timeline, as_of, index), (key, target.name)


@given(logs())
@settings(max_examples=settings.default.max_examples // 5, deadline=None)  # 20 in ci
def test_ola_times_of_an_incident_add_up_to_its_elapsed(case):
    """The groups' held times of an incident sum to its target's elapsed (frame path)."""
    policy, frame, _timelines, as_of = case
    if "group" not in frame.columns:
        frame = frame.assign(group=None)
    log = EventLog.from_events(frame, attributes=["group"])
    split = ledger(log, policy, as_of=as_of, by="group")
    table = ola(split, goals={"L1": "1h", "L2": timedelta(hours=3)}, group="group")
    results = evaluate_frame(log, policy, as_of=as_of).set_index("id")
    held = table.groupby("id", observed=True)["ola_elapsed"].sum()
    for key, elapsed in results["resolution_elapsed"].items():
        expected = timedelta(0) if pd.isna(elapsed) else elapsed
        assert held.get(key, timedelta(0)) == expected
    decided = table["ola_status"].isin(["met", "breached"])
    assert (table["ola_status"].eq("breached") == (table["ola_elapsed"] > table["ola_goal"])).all()
    assert table.loc[decided & table["ola_status"].eq("met"), "ola_stopped_at"].notna().all()


@given(logs(), st.randoms(use_true_random=False))
@settings(max_examples=settings.default.max_examples // 5, deadline=None)  # 20 in ci
def test_the_ola_table_does_not_depend_on_the_ledgers_row_order(case, rng):
    """ola() of the ledger's rows in any order: the same holds (an incident is its id)."""
    policy, frame, _timelines, as_of = case
    if "group" not in frame.columns:
        frame = frame.assign(group=None)
    log = EventLog.from_events(frame, attributes=["group"])
    split = ledger(log, policy, as_of=as_of, by=["status", "group"])
    goals = {"L1": "1h", "L2": "3h"}
    order = list(range(len(split)))
    rng.shuffle(order)
    shuffled = ola(split.iloc[order], goals=goals, group="group")
    keys = ["id", "group"]
    want = ola(split, goals=goals, group="group").astype({"group": object})
    got = shuffled.astype({"group": object}).sort_values(keys, key=lambda c: c.astype(str))
    want = want.sort_values(keys, key=lambda c: c.astype(str))
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True))


@given(logs(), st.integers(1, 3))
@settings(max_examples=settings.default.max_examples // 5, deadline=None)  # 20 in ci
def test_the_ledger_does_not_depend_on_the_block_size(case, size):
    """The engine run 1-3 incidents at a time gives the ledger of the log in one block."""
    policy, frame, _timelines, as_of = case
    attributes = [c for c in ("plan", "category", "group") if c in frame.columns]
    log = EventLog.from_events(frame, attributes=attributes)
    by = ["status", "severity", *(a for a in attributes if a == "group")]
    for target in policy.targets:
        whole = ledger(log, policy, as_of=as_of, target=target.name, by=by, block_size=10**9)
        blocks = ledger(log, policy, as_of=as_of, target=target.name, by=by, block_size=size)
        pd.testing.assert_frame_equal(blocks, whole)


def _plain(table):
    """A ledger with its categorical columns as plain objects (categories differ by policy)."""
    kinds = {c: object for c in table.columns if isinstance(table[c].dtype, pd.CategoricalDtype)}
    return table.astype(kinds).reset_index(drop=True)


@given(
    logs(),
    st.lists(st.integers(-5 * 86_400, 5 * 86_400), min_size=1, max_size=2, unique=True),
    st.lists(st.sampled_from(sorted(POLICIES)), min_size=2, max_size=2),
    st.sampled_from(["opened", "as_of"]),
    st.sampled_from(["resolution", "response"]),
)
@settings(max_examples=settings.default.max_examples // 5, deadline=None)  # 20 in ci
def test_a_ledger_under_versions_is_each_incident_under_its_own_version(
    case, offsets, names, rule, target
):
    """ledger(versions): each incident's rows are its ledger under the version judging it.

    Incidents keep the log's order, and each row says its version.
    """
    policy, frame, timelines, as_of = case
    attributes = [c for c in ("plan", "category", "group") if c in frame.columns]
    by = ["status", *(a for a in attributes if a == "group")]
    first = min(timeline.events[0].at for timeline in timelines.values())
    later = [
        (first + timedelta(seconds=s), POLICIES[n])
        for s, n in zip(sorted(offsets), names, strict=False)
    ]
    versions = PolicyVersions(versions=[(None, policy), *later], rule=rule)
    log = EventLog.from_events(frame, attributes=attributes)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BadRowsWarning)  # said by both sides alike
        table = ledger(log, versions, as_of=as_of, target=target, by=by)
        expected = []
        for key, timeline in timelines.items():
            chosen = versions.select(timeline, as_of=as_of)
            alone = EventLog.from_events(frame[frame["id"] == key], attributes=attributes)
            own = ledger(alone, chosen.policy, as_of=as_of, target=target, by=by)
            expected.append(own.assign(policy_version=chosen.name))
    want = _plain(pd.concat(expected, ignore_index=True))
    pd.testing.assert_frame_equal(_plain(table), want, check_dtype=False)
    assert list(table["policy_version"].cat.categories) == [v.name for v in versions.versions]


def test_a_ledger_under_versions_without_the_target_in_force():
    """Incidents judged by a version without the target have no rows; none at all: empty."""
    fix = Policy(
        clock="office",
        calendars={"office": OFFICE},
        statuses=dict(POLICY.statuses),
        targets=[Target(name="fix", stop="resolved", required=False)],
        severities=[Severity(name="P1", goals={"response": 2 * H, "resolution": 8 * H, "fix": H})],
    )
    versions = PolicyVersions(versions=[(None, fix), (at(4, 0), POLICY)])
    table = ledger(LOG, versions, as_of=AS_OF, target="fix", by="group")
    assert set(table["id"]) == {"A", "B"}  # C and D opened under the version without it
    assert set(table["policy_version"]) == {"initial"}
    later = PolicyVersions(versions=[(None, POLICY), (at(9, 0), fix)])
    none = ledger(LOG, later, as_of=AS_OF, target="fix", by=["status", "group"])
    assert none.empty
    assert list(none.columns) == [
        *TABLE.columns[:2],
        "status",
        *TABLE.columns[2:],
        "policy_version",
    ]


def test_a_ledger_under_versions_refuses_a_target_of_none_of_them():
    """The error names the targets of every version."""
    versions = PolicyVersions(versions=[(None, POLICY)])
    with pytest.raises(
        ConfigError, match=r"target: unknown target 'fix'.*'response', 'resolution'"
    ):
        ledger(LOG, versions, as_of=AS_OF, target="fix", by="group")
    with pytest.raises(escalate.InvalidArgumentError, match="a Policy or PolicyVersions"):
        ledger(LOG, "policy.toml", as_of=AS_OF)


# -- a worked example -------------------------------------------------------------------

OFFICE = Calendar(timezone="UTC", hours={"mon-fri": ["09:00-17:00"]})
POLICY = Policy(
    clock="office",
    calendars={"office": OFFICE},
    statuses={"New": "open", "Active": "open", "Waiting": "paused", "Resolved": "resolved"},
    severities=[Severity(name="P1", goals={"response": 2 * H, "resolution": 8 * H})],
)
AS_OF = datetime(2026, 3, 4, 11, tzinfo=UTC)  # a Wednesday


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """An instant of the week of Monday 2 March 2026 (UTC)."""
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


EVENTS = pd.DataFrame(
    [
        # A: the desk 2 h, Network 5 h (2 h waiting on the customer), the desk 1 h
        ("A", "opened", at(2, 9), "P1", "New", None, "Service Desk"),
        ("A", "changed", at(2, 11), None, "Active", None, "Network"),
        ("A", "changed", at(2, 12), None, "Waiting", None, None),
        ("A", "changed", at(2, 14), None, "Active", None, None),
        ("A", "changed", at(3, 10), None, None, None, "Service Desk"),
        ("A", "changed", at(3, 11), None, "Resolved", None, None),
        # B: the desk 1 h, then Network from Monday 16:00 to now
        ("B", "opened", at(2, 15), "P1", "New", None, "Service Desk"),
        ("B", "changed", at(2, 16), None, "Active", None, "Network"),
        # C: Network since Wednesday 09:00
        ("C", "opened", at(4, 9), "P1", "Active", None, "Network"),
        # D: the desk, paused for a vendor 09:30-10:30
        ("D", "opened", at(4, 9), "P1", "New", None, "Service Desk"),
        ("D", "paused", at(4, 9, 30), None, None, "vendor", None),
        ("D", "resumed", at(4, 10, 30), None, None, None, None),
    ],
    columns=["id", "type", "at", "severity", "status", "reason", "group"],
)
LOG = EventLog.from_events(EVENTS, attributes=["group"])
TABLE = ledger(LOG, POLICY, as_of=AS_OF, by="group")


def test_the_ledger_of_a_worked_example():
    """Each incident's time split by status and group, with the pause and its reason."""
    table = ledger(LOG, POLICY, as_of=AS_OF, by=["status", "group"])
    rows = [
        (r.id, r.status, r.group, r.pause_reason, r.part, r.time)
        for r in table.astype(object).where(table.notna(), None).itertuples()
    ]
    assert rows == [
        ("A", "New", "Service Desk", None, "counted", 2 * H),
        ("A", "Active", "Network", None, "counted", 5 * H),
        ("A", "Waiting", "Network", "Waiting", "paused", 2 * H),
        ("A", "Active", "Service Desk", None, "counted", H),
        ("B", "New", "Service Desk", None, "counted", H),
        ("B", "Active", "Network", None, "counted", 11 * H),
        ("C", "Active", "Network", None, "counted", 2 * H),
        ("D", "New", "Service Desk", None, "counted", H),
        ("D", "New", "Service Desk", "vendor", "paused", H),
    ]
    assert list(table.columns) == [
        "id", "target", "status", "group", "pause_reason", "part", "time", "us", "until", "current",
    ]  # fmt: skip
    assert table["us"].dtype == np.int64
    results = evaluate_frame(LOG, POLICY, as_of=AS_OF).set_index("id")
    assert list(results["resolution_elapsed"]) == [8 * H, 12 * H, 2 * H, H]


def test_the_ola_table_of_a_worked_example():
    """Per incident and group: time held, goal, and met, breached or running, by hand."""
    goals = {"Service Desk": "4h", "Network": timedelta(hours=4)}
    table = ola(
        ledger(LOG, POLICY, as_of=AS_OF, by=["status", "group"]), goals=goals, group="group"
    )
    rows = [
        (r.id, r.group, r.ola_elapsed, r.ola_status, r.ola_stopped_at)
        for r in table.astype(object).where(table.notna(), None).itertuples()
    ]
    assert rows == [
        ("A", "Service Desk", 3 * H, "met", pd.Timestamp(at(3, 11))),
        ("A", "Network", 5 * H, "breached", pd.Timestamp(at(3, 10))),
        ("B", "Service Desk", H, "met", pd.Timestamp(at(2, 16))),
        ("B", "Network", 11 * H, "breached", None),
        ("C", "Network", 2 * H, "running", None),
        ("D", "Service Desk", H, "running", None),
    ]
    assert (table["ola_goal"] == 4 * H).all()
    summary = compliance(table, by=["group"], targets=["ola"]).set_index("group")
    assert summary.loc["Service Desk", ["count", "met", "breached", "open"]].tolist() == [
        3,
        2,
        0,
        1,
    ]
    assert summary.loc["Network", ["count", "met", "breached", "open"]].tolist() == [3, 0, 2, 1]
    assert summary.loc["Service Desk", "percent_met"] == 100.0


def test_a_group_paused_now_and_a_group_without_a_goal():
    """A group holding a paused ticket is paused; a group without a goal has no verdict."""
    split = ledger(LOG, POLICY, as_of=at(4, 10), by=["group", "status"])
    table = ola(split, goals={"Network": "1h"}, group="group")
    d = table[table["id"] == "D"].iloc[0]
    assert d["ola_elapsed"] == 30 * M
    assert pd.isna(d["ola_status"])
    assert pd.isna(d["ola_goal"])
    only_network = ola(split, goals={"Service Desk": "8h"}, group="group")
    assert only_network.set_index("id").loc["D", "ola_status"] == "paused"


def test_the_response_target_and_a_single_by_column():
    """Another target, split by one column given as a string."""
    table = ledger(LOG, POLICY, as_of=AS_OF, target="response", by="group")
    assert list(table.columns) == [
        "id", "target", "group", "pause_reason", "part", "time", "us", "until", "current",
    ]  # fmt: skip
    a = table[table["id"] == "A"]
    results = evaluate_frame(LOG, POLICY, as_of=AS_OF).set_index("id")
    counted = table[table["part"] == "counted"].groupby("id", observed=True)["us"].sum()
    for key, elapsed in results["response_elapsed"].items():
        assert counted.get(key, 0) == elapsed // timedelta(microseconds=1)
    assert set(a["group"]) == {"Service Desk", "Network"}


def test_a_field_left_empty_is_na():
    """A snapshot that clears the group ('?') is time without a group: NA in the ledger."""
    raw = pd.DataFrame(
        {
            "id": ["X", "X", "X"],
            "at": ["2026-03-02 09:00", "2026-03-02 10:00", "2026-03-02 12:00"],
            "status": ["New", "Active", "Active"],
            "severity": ["P1", "P1", "P1"],
            "group": ["Service Desk", "?", "Network"],
        }
    )
    log = EventLog.from_snapshots(raw, attributes=["group"], timezone="UTC")
    table = ledger(log, POLICY, as_of=at(2, 13), by=["group"])
    assert table["group"].tolist()[0] == "Service Desk"
    assert pd.isna(table["group"].tolist()[1])
    assert table["time"].tolist() == [H, 2 * H, H]
    held = ola(table, goals={"Network": "1h"}, group="group")
    assert held["ola_status"].tolist()[-1] == "running"


def test_incidents_that_cannot_be_evaluated_are_left_out_with_a_warning():
    """An unknown status leaves its incident out, and one BadRowsWarning says so."""
    bad = pd.concat([EVENTS, EVENTS.iloc[[0]].assign(id="E", status="Unheard of")])
    log = EventLog.from_events(bad, attributes=["group"])
    with pytest.warns(BadRowsWarning, match=r"1 of 5 incidents .*unknown status 'Unheard of'"):
        table = ledger(log, POLICY, as_of=AS_OF, by=["group"])
    assert "E" not in set(table["id"])
    assert "E" not in set(ola(table, goals={}, group="group")["id"])


def test_nothing_opened_yet_gives_empty_tables():
    """Before every opening the tables are empty, with their columns."""
    table = ledger(LOG, POLICY, as_of=at(1, 9), by=["status", "group"])
    assert table.empty
    assert list(table.columns) == [
        "id", "target", "status", "group", "pause_reason", "part", "time", "us", "until", "current",
    ]  # fmt: skip
    held = ola(table, goals={"Network": "4h"}, group="group")
    assert held.empty
    assert list(held.columns) == [
        "id", "group", "ola_goal", "ola_elapsed", "ola_status", "ola_stopped_at",
    ]  # fmt: skip


def test_unknown_target_and_columns_are_reported_by_key_path():
    """An unknown target, or unknown or repeated by columns, name where and suggest a fix."""
    with pytest.raises(ConfigError, match=r"target: unknown target 'resolutoin'.*'resolution'"):
        ledger(LOG, POLICY, as_of=AS_OF, target="resolutoin", by="group")
    with pytest.raises(ConfigError) as caught:
        ledger(LOG, POLICY, as_of=AS_OF, by=["status", "grop", "status", "region"])
    assert caught.value.paths == ("by[1]", "by[2]", "by[3]")
    assert "did you mean 'group'" in str(caught.value)
    assert "given twice" in str(caught.value)
    assert "attributes=[...]" in str(caught.value)
    renamed = EventLog.from_events(EVENTS.rename(columns={"group": "part"}), attributes=["part"])
    with pytest.raises(ConfigError, match=r"^by\[0\]: the ledger has a column 'part' of its own"):
        ledger(renamed, POLICY, as_of=AS_OF, by=["part"])
    by_status = ledger(LOG, POLICY, as_of=AS_OF, by="status")
    both = pd.concat([TABLE, ledger(LOG, POLICY, as_of=AS_OF, target="response", by="group")])
    with pytest.raises(ConfigError, match=r"^table: the table mixes targets \('resolution', 'r"):
        ola(both, goals={}, group="group")
    with pytest.raises(ConfigError, match=r"^table: the table has no column 'group'; split the"):
        ola(by_status, goals={}, group="group")
    with pytest.raises(ConfigError, match=r"no column 'part', 'us'.*pass the output of ledger"):
        ola(by_status.drop(columns=["part", "us"]), goals={}, group="status")


@pytest.mark.parametrize("size", [0, -5, 2.5, True, "10"])
def test_block_size_must_be_a_positive_whole_number(size):
    """A block size that is not a positive int is refused, naming the option."""
    with pytest.raises(ConfigError, match="block_size must be a positive whole number") as info:
        ledger(LOG, POLICY, as_of=AS_OF, by="group", block_size=size)
    assert info.value.paths == ("block_size",)


def test_blocks_of_one_incident_and_a_block_with_nothing_open_yet():
    """One incident per block, a block whose incidents all open after as_of among them."""
    as_of = at(3, 12)  # C and D open on Wednesday: their block has no event yet
    whole = ledger(LOG, POLICY, as_of=as_of, by=["status", "group"])
    assert set(whole["id"]) == {"A", "B"}
    for size in (1, 2):
        pd.testing.assert_frame_equal(
            ledger(LOG, POLICY, as_of=as_of, by=["status", "group"], block_size=size), whole
        )


def test_bad_goals_are_reported_by_key_path():
    """Each goal that is not a duration, or is negative, is reported at its key, all at once."""
    with pytest.raises(ConfigError) as caught:
        ola(TABLE, goals={"Network": "4 hours?", "Desk": "-1h", "Ok": "1h", "N": 4}, group="group")
    assert caught.value.paths == ("goals['Network']", "goals['Desk']", "goals['N']")
    with pytest.raises(ConfigError, match=r"^goals: expected a mapping"):
        ola(TABLE, goals=["4h"], group="group")  # type: ignore[arg-type]


def test_group_keys_stay_inside_int64():
    """Combining wide key columns renumbers on the way instead of overflowing."""
    wide = np.array([2**40, 0, 2**40, 5], dtype=np.int64)
    groups = _Reduced(np, [wide, wide, wide, np.array([0, 1, 0, 1])])
    assert groups.first.tolist() == [0, 1, 3]
    assert groups.last.tolist() == [2, 1, 3]
    assert groups.sum(np, np.array([1, 2, 3, 4])).tolist() == [4, 2, 4]


def test_public_names():
    """The functions ledger and ola are public, with docstrings."""
    assert escalate.ledger is ledger
    assert escalate.ola is ola
    assert ledger.__doc__
    assert ola.__doc__


def test_a_goal_in_business_days_splits_the_same_elapsed():
    """With a goal in business days the parts still sum to evaluate's elapsed."""
    days = Policy(
        clock="office",
        calendars={"office": OFFICE},
        statuses=POLICY.statuses,
        severities=[Severity(name="P1", goals={"response": H, "resolution": BusinessDays(1)})],
    )
    table = ledger(LOG, days, as_of=AS_OF, by="group")
    counted = table[table["part"] == "counted"].groupby("id", observed=True)["time"].sum()
    for key, timeline in LOG.timelines():
        results = {t.name: t for t in evaluate(days, timeline, as_of=AS_OF).targets}
        assert counted[key] == results["resolution"].elapsed


def test_a_log_with_plain_text_columns_splits_the_same():
    """A log frame built by hand with object columns gives the same ledger as a reader's."""
    frame = LOG.frame.astype({"group": object, "reason": object})
    plain = EventLog(frame=frame, issues=LOG.issues, attributes=LOG.attributes)
    table = ledger(plain, POLICY, as_of=AS_OF, by="group")
    pd.testing.assert_frame_equal(table, TABLE, check_categorical=False)


def test_an_ola_goal_for_a_group_that_held_nothing_is_said():
    """A misspelt group in the goals gets a warning naming the likely group, not NA alone."""
    table = ledger(LOG, POLICY, as_of=AS_OF, by=["status", "group"])
    with pytest.warns(
        escalate.EscalateWarning, match=r"'Netwrok' names no.*did you mean 'Network'"
    ):
        out = ola(table, goals={"Service Desk": "4h", "Netwrok": "4h"}, group="group")
    assert out.loc[out["group"] == "Network", "ola_status"].isna().all()
