"""Policy versions with effective dates: which version judges an incident, and everywhere it works."""

from __future__ import annotations

import json
import re
import tomllib
import warnings
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pandas as pd
import pytest
import tomli_w
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import escalate
from escalate import (
    BadRowsWarning,
    EscalateError,
    EventLog,
    NaiveDatetimeError,
    Policy,
    PolicyError,
    PolicyVersion,
    PolicyVersions,
    Severity,
    Timeline,
    evaluate,
    evaluate_frame,
    load_policy,
    load_versions,
    policy_schema,
)
from escalate.cli import app
from tests.evaluator_reference import POLICIES, incidents
from tests.frame_check import check_row
from tests.strategies import policies

H = timedelta(hours=1)
ZONE = "America/Bogota"
CALENDAR = {"timezone": ZONE, "hours": {"mon-fri": ["08:00-12:00", "13:00-17:00"]}}
BASE: dict[str, Any] = {
    "name": "desk",
    "clock": "office",
    "calendars": {"office": CALENDAR},
    "severities": {
        "high": {"response": "1h", "resolution": "8h"},
        "low": {"response": "4h", "resolution": "40h"},
    },
    "tiers": [
        {"level": 1, "name": "desk", "trigger": "open"},
        {"level": 2, "name": "lead", "trigger": {"percent": 50, "of": "resolution"}},
    ],
}
CONFIG: dict[str, Any] = {
    "versions": [
        {"policy": BASE},
        {
            "effective": "2026-03-01",
            "changes": {"calendars": {"office": {"holidays": ["2026-03-23"]}}},
        },
        {
            "effective": "2026-07-01",
            "changes": {
                "severities": {"high": {"response": "30m", "report": "72h"}},
                "targets": {
                    "report": {"start": "resolved", "stop": "report_sent", "required": False}
                },
                "tiers": [
                    {"level": 1, "name": "desk", "trigger": "open"},
                    {"level": 2, "name": "lead", "trigger": {"percent": 50, "of": "response"}},
                    {"level": 3, "name": "head", "trigger": {"breach": "resolution"}},
                ],
            },
        },
    ]
}
VERSIONS = load_versions(CONFIG)
AS_OF = datetime(2026, 9, 1, tzinfo=UTC)


def at(text: str) -> datetime:
    """An instant in the desk's zone, from its wall time."""
    return datetime.fromisoformat(f"{text}-05:00")


def goals(hours: float) -> Policy:
    """A one-severity policy whose response goal is ``hours``."""
    return Policy(
        severities=[Severity(name="high", goals={"response": hours * H, "resolution": 8 * H})]
    )


# -- choosing a version -----------------------------------------------------------------


def test_each_incident_is_judged_by_the_version_in_force_when_it_opened():
    """An incident opened in June keeps the 1 h goal; one opened in July gets 30 min."""
    june = Timeline.open(at("2026-06-30T16:00"), severity="high")
    july = Timeline.open(at("2026-07-01T09:00"), severity="high")
    assert evaluate(VERSIONS, june, as_of=AS_OF)["response"].goal == H
    assert evaluate(VERSIONS, july, as_of=AS_OF)["response"].goal == H / 2
    assert VERSIONS.select(june, as_of=AS_OF).name == "2026-03-01"
    assert VERSIONS.select(july, as_of=AS_OF).name == "2026-07-01"


def test_the_as_of_rule_judges_everything_by_todays_version():
    """With rule="as_of", the June incident is judged by July's goals too."""
    today = PolicyVersions(versions=VERSIONS.versions, rule="as_of")
    june = Timeline.open(at("2026-06-30T16:00"), severity="high")
    assert evaluate(today, june, as_of=AS_OF)["response"].goal == H / 2
    before = datetime(2026, 6, 30, 23, tzinfo=UTC)
    assert evaluate(today, june, as_of=before)["response"].goal == H


def test_an_incident_not_yet_open_is_judged_as_of_the_evaluation():
    """Before its opening nothing of the incident is known: the version at as_of judges it."""
    future = Timeline.open(at("2026-07-02T09:00"), severity="high")
    ev = evaluate(VERSIONS, future, as_of=at("2026-06-01T09:00"))
    assert [t.name for t in ev.targets] == ["response", "resolution"]  # no "report" yet
    assert VERSIONS.select(future, as_of=at("2026-06-01T09:00")).name == "2026-03-01"


def test_a_date_takes_effect_at_midnight_in_the_policy_zone():
    """``2026-07-01`` starts at 00:00 in Bogota (05:00 UTC), not at 00:00 UTC."""
    assert VERSIONS.at("2026-07-01T04:59:59.999999+00:00").name == "2026-03-01"
    assert VERSIONS.at("2026-07-01T05:00:00+00:00").name == "2026-07-01"
    assert VERSIONS.at(at("2026-01-01T00:00")).name == "initial"
    assert VERSIONS.latest.name == "2026-07-01"
    assert VERSIONS.timezone == ZONE


def test_an_aware_datetime_takes_effect_at_that_instant():
    """A version may take effect at an instant, e.g. a change window at 08:00."""
    switch = datetime(2026, 7, 1, 8, tzinfo=UTC)
    versions = PolicyVersions(versions=[(None, goals(4)), (switch, goals(3))])
    assert versions.at(switch - timedelta(microseconds=1)).policy == goals(4)
    assert versions.at(switch).policy == goals(3)
    assert versions.versions[1].name == "2026-07-01T08:00:00+00:00"


def test_the_holiday_of_a_version_counts_only_for_its_incidents():
    """The March holiday list (23 March) stops the clock for incidents opened from March."""
    opened = at("2026-03-20T16:30")  # a Friday; Monday 23 March is the new holiday
    ev = evaluate(VERSIONS, Timeline.open(opened, severity="high"), as_of=AS_OF)
    assert ev["response"].due_at == at("2026-03-24T08:30")
    old = evaluate(VERSIONS.versions[0].policy, Timeline.open(opened, severity="high"), as_of=AS_OF)
    assert old["response"].due_at == at("2026-03-23T08:30")


# -- laws -------------------------------------------------------------------------------


def _outcome(policy: Policy | PolicyVersions, timeline: Timeline, as_of: datetime) -> Any:
    """The evaluation's JSON form, or the error it raises (type and message)."""
    try:
        return evaluate(policy, timeline, as_of=as_of).to_dict()
    except EscalateError as error:
        return (type(error), str(error))


@given(incidents(), st.integers(1, 90 * 86_400 * 10**6), st.sampled_from(sorted(POLICIES)))
@settings(max_examples=60)
def test_a_later_version_never_rewrites_an_opened_incident(incident, after_us, other):
    """A version effective after the opening changes nothing, whatever the as_of."""
    _name, policy, timeline, as_of = incident
    opened = timeline.events[0].at
    effective = opened + timedelta(microseconds=after_us)
    before = PolicyVersions(versions=[(None, policy)])
    after = PolicyVersions(versions=[(None, policy), (effective, POLICIES[other])])
    assert _outcome(after, timeline, as_of) == _outcome(before, timeline, as_of)
    assert _outcome(after, timeline, as_of) == _outcome(policy, timeline, as_of)


@given(
    incidents(),
    st.lists(st.integers(-60 * 86_400, 60 * 86_400), min_size=1, max_size=3, unique=True),
    st.lists(st.sampled_from(sorted(POLICIES)), min_size=4, max_size=4),
    st.sampled_from(["opened", "as_of"]),
)
@settings(max_examples=60)
def test_a_versioned_evaluation_is_the_evaluation_under_the_version_in_force(
    incident, offsets, names, rule
):
    """evaluate(versions) == evaluate(the one version its rule picks), error or not.

    But for ``next_change_at``: no later than the next effective instant, where the next
    version would take over (rule ``as_of``, or before the opening if it comes first).
    """
    _name, policy, timeline, as_of = incident
    opened = timeline.events[0].at
    later = [
        (opened + timedelta(seconds=s), POLICIES[n])
        for s, n in zip(sorted(offsets), names, strict=False)
    ]
    versions = PolicyVersions(versions=[(None, policy), *later], rule=rule)
    chosen = versions.select(timeline, as_of=as_of)
    expected = versions.at(min(opened, as_of) if rule == "opened" else as_of)
    assert chosen is expected
    got, want = _outcome(versions, timeline, as_of), _outcome(chosen.policy, timeline, as_of)
    if not isinstance(want, dict):
        assert got == want
        return
    nxt = min((at for at, _policy in later if at > as_of), default=None)
    takes_over = nxt is not None and (rule == "as_of" or (as_of < opened and nxt < opened))
    changes = [datetime.fromisoformat(want.pop("next_change_at") or "9999-12-31T00:00Z")]
    changes += [nxt] if takes_over else []
    first = min(changes)
    said = got.pop("next_change_at")
    assert got == want
    assert (None if said is None else datetime.fromisoformat(said)) == (
        None if first.year == 9999 else first
    )


@st.composite
def version_lists(draw: st.DrawFn) -> PolicyVersions:
    """Up to three generated policies, effective on increasing dates or instants."""
    found = draw(st.lists(policies(), min_size=1, max_size=3))
    days = sorted(
        draw(st.lists(st.integers(0, 3000), min_size=len(found), max_size=len(found), unique=True))
    )
    versions: list[tuple[Any, Policy]] = [(None, found[0])]
    for day, policy in zip(days[1:], found[1:], strict=True):
        when = date(2020, 1, 1) + timedelta(days=day)
        if draw(st.booleans()):  # an instant, a little after that day's local midnight
            when = datetime(when.year, when.month, when.day, 12, tzinfo=UTC)
        versions.append((when, policy))
    return PolicyVersions(versions=versions, rule=draw(st.sampled_from(["opened", "as_of"])))


@given(version_lists())
@settings(max_examples=40)
def test_to_dict_round_trips_and_matches_the_schema(versions):
    """load_versions(v.to_dict()) == v, through JSON too, and the schema accepts the form."""
    form = versions.to_dict()
    assert load_versions(form) == versions
    assert load_versions(json.loads(json.dumps(form))) == versions
    jsonschema.Draft202012Validator(policy_schema()).validate(json.loads(json.dumps(form)))


# -- the config form --------------------------------------------------------------------


def test_changes_merge_tables_key_by_key_and_replace_lists():
    """``changes`` keep what they do not name; a list (tiers) is replaced whole."""
    high = VERSIONS.versions[2].policy.severity("high")
    assert high.goals["resolution"].duration == 8 * H  # kept from the base
    assert [t.level for t in VERSIONS.versions[2].policy.tiers] == [1, 2, 3]
    march = VERSIONS.versions[1].policy
    assert march.calendar("office").timezone == ZONE
    assert date(2026, 3, 23) in march.calendar("office").holidays
    assert VERSIONS.versions[0].policy == load_policy(BASE)


@pytest.mark.parametrize(
    ("versions", "path", "message"),
    [
        (None, "versions", "expected a list of versions, got None"),
        ("abc", "versions", "expected a list of versions, got str 'abc'"),
        ({"a": 1}, "versions", "expected a list of versions, got dict"),
        (goals(4), "versions", "expected a list of versions, got one Policy"),
        ([(None, goals(4), "x")], "versions[0]", "expected a PolicyVersion or a pair"),
        ([(None, goals(4)), 3], "versions[1]", "expected a PolicyVersion or a pair"),
    ],
)
def test_versions_that_are_not_a_list_of_pairs_are_a_policy_error(versions, path, message):
    """A wrong versions argument is a PolicyError at its key path, never a bare TypeError."""
    with pytest.raises(PolicyError) as info:
        PolicyVersions(versions=versions)
    assert info.value.paths == (path,)
    assert message in str(info.value)


def test_a_toml_file_with_versions_loads(tmp_path: Path):
    """The TOML form: [[versions]] tables, the first with a [versions.policy]."""
    path = tmp_path / "desk.toml"
    path.write_text(tomli_w.dumps({"rule": "as_of", **CONFIG}), encoding="utf-8")
    loaded = load_versions(path)
    assert loaded.rule == "as_of"
    assert loaded.versions == VERSIONS.versions
    native = tmp_path / "native.toml"  # TOML's own dates and offset date-times
    native.write_text(
        "[[versions]]\npolicy = { severities = { high = { response = '4h', resolution = '8h' } } }\n"
        "[[versions]]\neffective = 2026-07-01\nchanges = { severities = { high = { response = '3h' } } }\n"
        "[[versions]]\neffective = 2026-08-01T08:00:00-05:00\n"
        "changes = { severities = { high = { response = '2h' } } }\n",
        encoding="utf-8",
    )
    assert [v.name for v in load_versions(native).versions] == [
        "initial",
        "2026-07-01",
        "2026-08-01T08:00:00-05:00",
    ]


def test_a_plain_policy_loads_as_one_version():
    """load_versions on a policy without versions gives that policy as the only version."""
    versions = load_versions(BASE)
    assert versions.versions == (PolicyVersion(effective=None, policy=load_policy(BASE)),)


def test_load_policy_points_to_load_versions():
    """load_policy refuses a file of versions and names the function that reads it."""
    with pytest.raises(PolicyError) as caught:
        load_policy(CONFIG)
    assert caught.value.paths == ("versions",)
    assert "load_versions" in str(caught.value)


@pytest.mark.parametrize(
    ("config", "paths"),
    [
        ({"versions": [], "rules": "x"}, ["rules", "versions"]),
        ({"versions": "v1"}, ["versions"]),
        ({"versions": [5]}, ["versions[0]"]),
        ({"versions": [{"changes": {}}]}, ["versions[0]"]),
        ({"versions": [{"policy": BASE, "changes": {}}]}, ["versions[0]"]),
        ({"versions": [{"policy": BASE}, {"effective": "2026-07-01"}]}, ["versions[1]"]),
        ({"versions": [{"policy": BASE}, {"effective": "2026-07-01", "policy": 3}]}, ["versions[1].policy"]),
        ({"versions": [{"policy": BASE, "when": 1}]}, ["versions[0].when"]),
        ({"versions": [{"policy": BASE}, {"effective": "July", "changes": {}}]}, ["versions[1].effective"]),
        ({"versions": [{"policy": BASE}, {"effective": "2026-07-01T08:00", "changes": {}}]}, ["versions[1].effective"]),
        ({"versions": [{"policy": BASE}, {"effective": 2026, "changes": {}}]}, ["versions[1].effective"]),
        ({"versions": [{"policy": BASE, "effective": "2026-01-01"}]}, ["versions[0].effective"]),
        ({"versions": [{"policy": BASE}], "rule": "opend"}, ["rule"]),
        ({"versions": [{"policy": BASE}, {"changes": {}}], "rule": 1}, ["rule", "versions[1].effective"]),
        (
            {"versions": [{"policy": BASE}, {"effective": "2026-07-01", "changes": {}},
                          {"effective": "2026-07-01", "changes": {}}]},
            ["versions[2].effective"],
        ),
        (
            {"versions": [{"policy": BASE}, {"effective": "2026-07-01",
                                             "changes": {"severities": {"high": {"response": "soon"}}}}]},
            ["versions[1].changes.severities.high.response"],
        ),
        (
            # the first version is broken: the changes after it are not checked again
            {"versions": [{"policy": {"severities": {"high": {"response": "soon"}}}},
                          {"effective": "2026-07-01", "changes": {}}]},
            ["versions[0].policy.severities.high.response",
             "versions[0].policy.severities.high.resolution"],
        ),
        (
            {"versions": [{"policy": BASE}, {"effective": "2026-07-01", "policy": {"severities": {}}}]},
            ["versions[1].policy.severities"],
        ),
    ],
)  # fmt: skip
def test_config_problems_are_listed_with_their_key_paths(config, paths):
    """Every problem of a versions config is a PolicyError with its version's key path."""
    with pytest.raises(PolicyError) as caught:
        load_versions(config)
    assert sorted(caught.value.paths) == sorted(paths), caught.value


@pytest.mark.parametrize(
    ("kwargs", "paths"),
    [
        ({"versions": []}, ["versions"]),
        ({"versions": [(None, goals(4))], "rule": "today"}, ["rule"]),
        ({"versions": [(date(2026, 1, 1), goals(4))]}, ["versions[0].effective"]),
        ({"versions": [(None, goals(4)), (None, goals(3))]}, ["versions[1].effective"]),
        ({"versions": [(None, goals(4)), ("2026-07-01", goals(3))]}, ["versions[1].effective"]),
        ({"versions": [(None, "policy.toml")]}, ["versions[0].policy"]),
        (
            {"versions": [(None, goals(4)), (datetime(2026, 7, 1), goals(3))]},
            ["versions[1].effective"],
        ),
        (
            {"versions": [(None, goals(4)), (date(2026, 7, 1), goals(3)),
                          (datetime(2026, 6, 1, tzinfo=UTC), goals(2))]},
            ["versions[2].effective"],
        ),
    ],
)  # fmt: skip
def test_building_checks_every_version(kwargs, paths):
    """PolicyVersions refuses bad versions with a PolicyError naming each one."""
    with pytest.raises(PolicyError) as caught:
        PolicyVersions(**kwargs)
    assert list(caught.value.paths) == paths, caught.value


def test_the_schema_accepts_both_forms_and_refuses_bad_versions():
    """policy_schema() takes one policy or versions; it refuses a later version with no date."""
    validator = jsonschema.Draft202012Validator(policy_schema())
    validator.check_schema(policy_schema())
    assert validator.is_valid(BASE)
    assert validator.is_valid(CONFIG)
    assert not validator.is_valid({"versions": [{"policy": BASE}, {"changes": {}}]})
    assert not validator.is_valid({"versions": [{"policy": BASE, "effective": "2026-01-01"}]})
    assert not validator.is_valid({"versions": [{"policy": BASE}], "rule": "today"})
    assert not validator.is_valid({**BASE, "versions": []})


# -- tables -----------------------------------------------------------------------------


def _table() -> pd.DataFrame:
    """Incidents around both effective dates, with responses, resolutions and reports."""
    rows = []
    start = at("2026-02-25T10:00")
    for k in range(48):
        opened = start + k * timedelta(days=3, hours=5, minutes=7)
        responded = opened + (k % 5) * 25 * timedelta(minutes=1) if k % 4 else None
        resolved = opened + (k % 7) * 3 * H if k % 3 else None
        # reports exist from July, when the report target does
        july = opened >= at("2026-07-01T00:00")
        report = resolved + 20 * H if resolved is not None and k % 2 and july else None
        rows.append(
            {
                "id": f"INC{k:03}",
                "opened": opened,
                "severity": "high" if k % 3 else "low",
                "responded": responded,
                "resolved": resolved,
                "report_sent": report,
            }
        )
    frame = pd.DataFrame(rows)
    for name in ("opened", "responded", "resolved", "report_sent"):
        frame[name] = pd.to_datetime(frame[name], utc=True)
    return frame.iloc[::-1].set_index(pd.Index(range(100, 148)))  # an index of its own


def _pauses(table: pd.DataFrame) -> pd.DataFrame:
    """A pause of 40 minutes, 5 minutes after the opening, for every fifth incident."""
    some = table.iloc[::5]
    return pd.DataFrame(
        {
            "id": some["id"].to_numpy(),
            "start": (some["opened"] + pd.Timedelta(minutes=5)).to_numpy(),
            "end": (some["opened"] + pd.Timedelta(minutes=45)).to_numpy(),
        }
    )


def _timeline(row: pd.Series, pauses: pd.DataFrame | None = None) -> Timeline:
    events: list[dict[str, Any]] = [
        {"type": "opened", "at": row["opened"].to_pydatetime(), "severity": row["severity"]}
    ]
    for kind in ("responded", "resolved", "report_sent"):
        if not pd.isna(row[kind]):
            events.append({"type": kind, "at": row[kind].to_pydatetime()})
    if pauses is not None:
        for _, span in pauses[pauses["id"] == row["id"]].iterrows():
            events.append({"type": "paused", "at": span["start"].to_pydatetime()})
            events.append({"type": "resumed", "at": span["end"].to_pydatetime()})
    events.sort(key=lambda e: e["at"])
    return Timeline.from_events(events)


def test_the_table_path_equals_the_scalar_path_on_versions():
    """Every row of evaluate_frame(versions) says what evaluate(versions) says of it."""
    table = _table()
    pauses = _pauses(table)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = evaluate_frame(table, VERSIONS, as_of=AS_OF, pauses=pauses)
    assert list(got.index) == list(table.index)
    assert got["id"].tolist() == table["id"].tolist()
    assert set(got["policy_version"]) == {"initial", "2026-03-01", "2026-07-01"}
    assert str(got["policy_version"].dtype) == "string"
    for index, row in got.iterrows():
        timeline = _timeline(table.loc[index], pauses)
        version = VERSIONS.select(timeline, as_of=AS_OF)
        assert row["policy_version"] == version.name
        check_row(version.policy, row, evaluate(VERSIONS, timeline, as_of=AS_OF))
        if "report" not in {t.name for t in version.policy.targets}:
            assert pd.isna(row["report_status"])
            assert pd.isna(row["tier_3_at"])


def test_columns_of_another_version_keep_their_types():
    """A target only one version has: NA of the same dtype for the other versions' rows."""
    got = evaluate_frame(_table(), VERSIONS, as_of=AS_OF)
    alone = evaluate_frame(_table(), VERSIONS.latest.policy, as_of=AS_OF)
    for name in alone.columns:
        assert got[name].dtype == alone[name].dtype, name


@pytest.mark.parametrize("block_size", [1, 3, 32_768])
def test_categorical_and_blocks_apply_under_versions(block_size: int):
    """categorical= and block_size= change nothing but the text columns' dtype, as with a Policy.

    Every text column is a category (the same values), ``policy_version`` too; a bad
    block size is refused before anything is read.
    """
    table = _table()
    plain = evaluate_frame(table, VERSIONS, as_of=AS_OF)
    got = evaluate_frame(table, VERSIONS, as_of=AS_OF, categorical=True, block_size=block_size)
    alone = evaluate_frame(table, VERSIONS.latest.policy, as_of=AS_OF, categorical=True)
    assert list(got.columns) == list(plain.columns)
    for name in got.columns:
        if name in alone.columns and isinstance(alone[name].dtype, pd.CategoricalDtype):
            assert isinstance(got[name].dtype, pd.CategoricalDtype), name
            pd.testing.assert_series_equal(
                got[name].astype("string"), plain[name], check_names=False
            )
        elif name == "policy_version":
            assert isinstance(got[name].dtype, pd.CategoricalDtype)
            assert got[name].astype("string").tolist() == plain[name].tolist()
        else:
            pd.testing.assert_series_equal(got[name], plain[name], check_names=False)
    with pytest.raises(escalate.ConfigError, match="block_size"):
        evaluate_frame(table, VERSIONS, as_of=AS_OF, block_size=-1)


def test_an_event_log_is_evaluated_version_by_version_in_its_order():
    """An event log gives one row per incident in the log's order, each under its version."""
    table = _table()
    events = []
    for _, row in table.iterrows():
        for e in _timeline(row).to_events():
            events.append({"id": row["id"], **e})
    log = EventLog.from_events(pd.DataFrame(events))
    got = evaluate_frame(log, VERSIONS, as_of=AS_OF)
    assert got["id"].tolist() == table["id"].tolist()
    assert list(got.index) == list(range(len(table)))
    wide = evaluate_frame(table, VERSIONS, as_of=AS_OF).reset_index(drop=True)
    for name in ("policy_version", "response_status", "resolution_due_at", "tier_level"):
        pd.testing.assert_series_equal(got[name], wide[name], check_names=False)


def _log_with_a_lost_incident() -> EventLog:
    events = [
        {"id": row["id"], **e} for _, row in _table().iterrows() for e in _timeline(row).to_events()
    ]
    events.append({"id": "LOST", "type": "opened", "at": "not a time", "severity": "high"})
    frame = pd.DataFrame(events)
    frame["at"] = frame["at"].astype(str)
    log = EventLog.from_events(frame)
    assert log.lost == ("LOST",)
    return log


@pytest.mark.parametrize(
    ("later", "rule", "host"),
    [
        ([], "opened", "2026-07-01"),  # the version at as_of has incidents: with them
        ([{"effective": "2026-08-20", "changes": {}}], "opened", "2026-07-01"),  # the latest used
        ([], "as_of", "2026-07-01"),  # one group: the log as it is
    ],
)
def test_incidents_the_reader_lost_keep_their_row_after_the_others(later, rule, host):
    """A lost incident gets its error row last, under the version at as_of (or the latest used)."""
    log = _log_with_a_lost_incident()
    versions = load_versions({**CONFIG, "versions": [*CONFIG["versions"], *later], "rule": rule})
    with pytest.warns(BadRowsWarning, match="1 of 49 incidents"):
        got = evaluate_frame(log, versions, as_of=AS_OF)
    assert got["id"].tolist() == [*log.ids, "LOST"]
    assert got["policy_version"].iloc[-1] == host
    assert got["error"].iloc[-1].startswith("none of this incident's rows could be read")
    assert got["error"].iloc[:-1].isna().all()


def test_bad_rows_make_one_warning_for_the_whole_table():
    """Rows that fail in several versions are counted together, in one BadRowsWarning."""
    table = _table()
    table.loc[100, "severity"] = "urgent"  # opened in the latest version
    table.loc[147, "severity"] = "urgent"  # opened in the first
    with pytest.warns(BadRowsWarning) as caught:
        got = evaluate_frame(table, VERSIONS, as_of=AS_OF)
    bad = [w for w in caught if issubclass(w.category, BadRowsWarning)]
    assert len(bad) == 1
    assert str(bad[0].message).startswith("2 of 48 incident rows could not be evaluated")
    assert got["error"].notna().sum() == 2


def test_other_warnings_are_passed_on_once():
    """A warning every version's group raises (a missing column) reaches the caller once."""
    table = _table().drop(columns=["responded"])
    with pytest.warns(escalate.MissingColumnsWarning) as caught:
        evaluate_frame(table, VERSIONS, as_of=AS_OF)
    assert len([w for w in caught if issubclass(w.category, escalate.MissingColumnsWarning)]) == 1


def test_the_as_of_rule_in_a_table_judges_every_row_by_todays_version():
    """rule="as_of": every row is judged by the version at as_of, as evaluate() says."""
    today = PolicyVersions(versions=VERSIONS.versions, rule="as_of")
    table = _table()
    got = evaluate_frame(table, today, as_of=AS_OF)
    assert set(got["policy_version"]) == {"2026-07-01"}
    for index, row in got.iloc[::7].iterrows():
        check_row(
            today.latest.policy, row, evaluate(today, _timeline(table.loc[index]), as_of=AS_OF)
        )


def test_rows_without_an_opening_are_judged_as_of_the_evaluation():
    """A missing opening is an error row, under the version in force at as_of."""
    table = _table()
    table.loc[120, "opened"] = pd.NaT
    with pytest.warns(BadRowsWarning):
        got = evaluate_frame(table, VERSIONS, as_of=AS_OF)
    assert got.loc[120, "policy_version"] == "2026-07-01"
    assert got.loc[120, "error"].startswith("missing opening")


def test_an_empty_table_has_the_columns_of_the_version_at_as_of():
    """No rows: the columns of the version in force at as_of, and policy_version."""
    got = evaluate_frame(_table().iloc[:0], VERSIONS, as_of=AS_OF)
    assert len(got) == 0
    assert {"report_status", "policy_version"} <= set(got.columns)


def test_table_errors_are_the_table_paths():
    """A missing opening column or a naive as_of raise what evaluate_frame raises."""
    with pytest.raises(escalate.ConfigError) as caught:
        evaluate_frame(_table().drop(columns=["opened"]), VERSIONS, as_of=AS_OF)
    assert caught.value.paths == ("columns.opened",)
    with pytest.raises(NaiveDatetimeError) as naive:
        evaluate_frame(_table(), VERSIONS, as_of=datetime(2026, 9, 1))
    assert ZONE in str(naive.value)
    wall = _table()
    wall["opened"] = wall["opened"].dt.tz_localize(None)  # naive, without timezone=
    with pytest.raises(NaiveDatetimeError):
        evaluate_frame(wall, VERSIONS, as_of=AS_OF)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BadRowsWarning)
        local = evaluate_frame(wall, VERSIONS, as_of=AS_OF, timezone="UTC")
    assert (
        local["policy_version"].tolist()
        == evaluate_frame(_table(), VERSIONS, as_of=AS_OF)["policy_version"].tolist()
    )


def test_a_mapped_opening_column_is_read():
    """columns={"opened": ...} also tells which column decides the version."""
    table = _table().rename(columns={"opened": "created"})
    got = evaluate_frame(table, VERSIONS, as_of=AS_OF, columns={"opened": "created"})
    assert (
        got["policy_version"].tolist()
        == evaluate_frame(_table(), VERSIONS, as_of=AS_OF)["policy_version"].tolist()
    )


# -- the command line -------------------------------------------------------------------


def run(*args: str | Path) -> Any:
    """Invoke the command line with ``args`` and return click's result."""
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture
def policy_file(tmp_path: Path) -> Path:
    """The versions config as a TOML file."""
    path = tmp_path / "desk.toml"
    path.write_text(tomli_w.dumps(CONFIG), encoding="utf-8")
    return path


def test_validate_shows_every_version(policy_file: Path):
    """``escalate validate`` lists the versions, then what each one defines."""
    result = run("validate", policy_file)
    assert result.exit_code == 0, result.output
    assert "valid policy with 3 versions" in result.stdout
    for key in ("versions[0]: initial", "versions[1]: 2026-03-01", "versions[2]: 2026-07-01"):
        assert key in result.stdout


def test_validate_reports_problems_with_the_version_key_path(tmp_path: Path):
    """A broken version is reported with its key path and exit status 1."""
    config = json.loads(json.dumps(CONFIG))
    config["versions"][2]["changes"]["severities"]["high"]["response"] = "soon"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    result = run("validate", path)
    assert result.exit_code == 1
    assert f"{path}: versions[2].changes.severities.high.response:" in result.stdout


def test_validate_prefixes_warnings_with_the_version(tmp_path: Path):
    """A policy warning of one version names that version's key path."""
    config = json.loads(json.dumps(CONFIG))
    config["versions"][1]["changes"]["tiers"] = [
        {"level": 1, "name": "desk", "trigger": "manual"},
        {"level": 2, "name": "lead", "trigger": {"percent": 50, "of": "resolution"}},
    ]
    path = tmp_path / "warn.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    result = run("validate", path)
    assert result.exit_code == 0, result.output
    assert "warning: " in result.stdout
    assert "versions[1].policy.tiers[0].trigger: tier 2 fires on its own" in result.stdout


def test_deadline_uses_the_version_in_force_at_the_opening(policy_file: Path):
    """``escalate deadline`` says which version judged the incident and uses its goals."""
    result = run("deadline", "--policy", policy_file, "-s", "high", "--opened",
                 "2026-07-01T09:00-05:00", "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "policy version: 2026-07-01" in result.stderr
    assert json.loads(result.stdout)["targets"]["response"]["goal_seconds"] == 1800
    old = run("deadline", "--policy", policy_file, "-s", "high", "--opened",
              "2026-06-30T09:00-05:00", "--json")  # fmt: skip
    assert json.loads(old.stdout)["targets"]["response"]["goal_seconds"] == 3600
    unknown = run("deadline", "--policy", policy_file, "-s", "urgent", "--opened",
                  "2026-06-30T09:00-05:00")  # fmt: skip
    assert unknown.exit_code == 2


def test_evaluate_and_report_on_a_versioned_policy(policy_file: Path, tmp_path: Path):
    """``escalate evaluate`` writes policy_version; ``report`` can group by it."""
    table = _table()
    incidents = tmp_path / "incidents.csv"
    table.to_csv(incidents, index=False)
    out = tmp_path / "out.csv"
    result = run("evaluate", "--policy", policy_file, incidents, "--as-of",
                 "2026-09-01T00:00Z", "-o", out)  # fmt: skip
    assert result.exit_code == 0, result.output
    written = pd.read_csv(out)
    assert (
        written["policy_version"].tolist()
        == evaluate_frame(table, VERSIONS, as_of=AS_OF)["policy_version"].tolist()
    )
    report = run("report", "--policy", policy_file, incidents, "--as-of",
                 "2026-09-01T00:00Z", "--by", "policy_version")  # fmt: skip
    assert report.exit_code == 0, report.output
    assert "2026-07-01" in report.stdout


def test_a_plain_policy_file_gets_no_version_column(tmp_path: Path):
    """Without versions, the CLI's output is what it always was."""
    path = tmp_path / "plain.toml"
    path.write_text(tomli_w.dumps(BASE), encoding="utf-8")
    incidents = tmp_path / "incidents.csv"
    _table().drop(columns=["report_sent"]).to_csv(incidents, index=False)
    result = run("evaluate", "--policy", path, incidents, "--as-of", "2026-09-01T00:00Z")
    assert result.exit_code == 0, result.output
    assert "policy_version" not in result.stdout.splitlines()[0]


def test_the_versions_example_of_the_policy_reference_loads():
    """The [[versions]] TOML block of the policy reference loads, with three versions."""
    text = (Path(__file__).parent.parent / "docs" / "reference" / "policy-config.md").read_text(
        encoding="utf-8"
    )
    blocks = [tomllib.loads(b) for b in re.findall(r"```toml\n(.*?)```", text, flags=re.DOTALL)]
    (found,) = [b for b in blocks if "versions" in b]
    versions = load_versions(found)
    assert [v.name for v in versions.versions] == ["initial", "2026-03-01", "2026-07-01"]
    assert versions.versions[2].policy.goal("response", "high").duration == H / 2


@pytest.mark.parametrize(
    ("rule", "opened", "switch"),
    [
        ("as_of", "2026-06-30T22:00:00+00:00", True),
        ("as_of", "2026-07-01T05:00:00+00:00", True),
        ("opened", "2026-06-30T22:00:00+00:00", False),  # judged by its opening already
        ("opened", "2026-07-01T05:00:00+00:00", True),  # not open yet: the version at as_of
    ],
)
def test_next_change_at_comes_no_later_than_the_next_version(rule: str, opened: str, switch: bool):
    """The effective instant of the next version is a change when that version would judge.

    Evaluated just before and at ``next_change_at``, the evaluation differs; the table
    path says the same instant.
    """

    def goals(response: str) -> dict[str, Any]:
        return {"severities": {"high": {"response": response, "resolution": "48h"}}}

    versions = load_versions(
        {
            "rule": rule,
            "versions": [
                {"policy": goals("4h")},
                {"effective": "2026-07-01T00:00:00+00:00", "policy": goals("1h")},
            ],
        }
    )
    timeline = Timeline.open(opened, severity="high")
    as_of = datetime(2026, 6, 30, 23, tzinfo=UTC)
    ev = evaluate(versions, timeline, as_of=as_of)
    effective = datetime(2026, 7, 1, tzinfo=UTC)
    assert (ev.next_change_at == effective) is switch
    nxt = ev.next_change_at
    before = evaluate(versions, timeline, as_of=nxt - timedelta(microseconds=1)).to_dict()
    at = evaluate(versions, timeline, as_of=nxt).to_dict()
    assert before["targets"] != at["targets"] or before["policy_version"] != at["policy_version"]
    table = pd.DataFrame({"id": [1], "opened": pd.to_datetime([opened]), "severity": ["high"]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", escalate.MissingColumnsWarning)
        row = evaluate_frame(table, versions, as_of=as_of).iloc[0]
    assert row["next_change_at"] == nxt


def test_every_broken_version_reports_its_own_problems_at_once():
    """A broken version does not hide the next one's problems, nor lend it its own."""
    base = {"severities": {"high": {"response": "1h", "resolution": "8h"}}}
    with pytest.raises(PolicyError) as caught:
        load_versions(
            {
                "versions": [
                    {"policy": base},
                    {
                        "effective": "2026-07-01",
                        "changes": {"severities": {"high": {"response": "x"}}},
                    },
                    {
                        "effective": "2026-08-01",
                        "changes": {"severities": {"high": {"resolution": "y"}}},
                    },
                ]
            }
        )
    assert caught.value.paths == (
        "versions[1].changes.severities.high.response",
        "versions[2].changes.severities.high.resolution",
    )


def test_a_history_keeps_what_every_version_reads(tmp_path: Path):
    """A route key or a custom event of an older version only is read, in every shape.

    The reader used to keep the latest version's route keys: an incident judged by an
    older version that routes by category lost its route, without a word.
    """
    saas = load_policy(Path(__file__).parent.parent / "examples/policies/seed_003_saas.toml")
    config = {
        "versions": [
            {"policy": saas.to_dict()},
            {"effective": "2026-11-01", "changes": {"routes": []}},
        ]
    }
    path = tmp_path / "versions.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    versions = load_versions(path)
    events = pd.DataFrame(
        [
            ("A", "opened", "2026-10-10T09:00-05:00", "alta", "billing"),
            ("A", "responded", "2026-10-10T09:30-05:00", None, None),
            ("B", "opened", "2026-11-10T09:00-05:00", "alta", "billing"),
        ],
        columns=["id", "type", "at", "severity", "category"],
    )
    log = tmp_path / "events.csv"
    events.to_csv(log, index=False)
    out = tmp_path / "out.csv"
    result = run("evaluate", "--policy", path, "--shape", "events", log,
                 "--as-of", "2026-11-20T00:00-05:00", "-o", out)  # fmt: skip
    assert result.exit_code == 0, result.output
    written = pd.read_csv(out)
    expected = evaluate_frame(
        EventLog.from_events(events, attributes=["category"]),
        versions,
        as_of="2026-11-20T00:00-05:00",
    )
    assert written["route"].fillna("").tolist() == ["billing", ""]
    assert written["route"].fillna("").tolist() == expected["route"].fillna("").tolist()
    assert written["policy_version"].tolist() == ["initial", "2026-11-01"]
    report = run("report", "--policy", path, "--shape", "events", log,
                 "--as-of", "2026-11-20T00:00-05:00", "--by", "category")  # fmt: skip
    assert report.exit_code == 0, report.output


@pytest.mark.parametrize("content", ['"elsewhere.toml"', "[1, 2]", "3"])
def test_a_file_that_holds_no_table_is_refused_by_every_loader(tmp_path: Path, content: str):
    """A JSON file holding a string is content, not a path to follow (load_versions, the CLI)."""
    target = tmp_path / "elsewhere.toml"
    target.write_text('[severities.alta]\nresponse = "2h"\nresolution = "8h"\n', encoding="utf-8")
    path = tmp_path / "pointer.json"
    path.write_text(content.replace("elsewhere.toml", str(target).replace("\\", "/")), "utf-8")
    for loader in (load_policy, load_versions):
        with pytest.raises(PolicyError, match="expected a table"):
            loader(path)
    result = run("validate", path)
    assert result.exit_code == 1
    assert "expected a table" in result.stdout


def test_report_takes_a_target_of_an_older_version(tmp_path: Path):
    """The report's --targets names a target any version has, as compliance() does."""
    saas = load_policy(Path(__file__).parent.parent / "examples/policies/seed_003_saas.toml")
    old = saas.to_dict()
    old["targets"]["fix"] = {"start": "opened", "stop": "resolved", "required": False}
    for severity in old["severities"].values():
        severity["fix"] = "4h"
    path = tmp_path / "versions.json"
    config = {"versions": [{"policy": old}, {"effective": "2026-10-28", "policy": saas.to_dict()}]}
    path.write_text(json.dumps(config), encoding="utf-8")
    sample = Path(__file__).parent.parent / "src/escalate/_data/sample_incidents.csv"
    result = run("report", "--policy", path, sample, "--as-of", "2026-12-01T00:00-05:00",
                 "--targets", "fix,response", "--by", "policy_version")  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = [line for line in result.stdout.splitlines() if "│" in line and "fix" in line]
    assert rows
    assert all("initial" in line for line in rows)  # only the old version has it
    lines = result.stdout.splitlines()
    fix = next(i for i, line in enumerate(lines) if " fix " in line)
    response = next(i for i, line in enumerate(lines) if " response " in line)
    assert response < fix  # the latest version's targets first


def test_a_date_out_of_order_is_said_with_the_other_problems():
    """A broken version and a later date out of order: both in one PolicyError."""
    config = json.loads(json.dumps(CONFIG))
    config["versions"][1]["changes"]["calendars"]["office"]["holidays"] = ["not a date"]
    config["versions"][2]["effective"] = "2026-02-01"
    with pytest.raises(PolicyError) as caught:
        load_versions(config)
    assert "versions[2].effective" in caught.value.paths
    assert any(p.startswith("versions[1].changes") for p in caught.value.paths)
    del config["versions"][2]["effective"]
    with pytest.raises(
        PolicyError, match=r"versions\[2\]\.effective: expected a date .* got nothing"
    ):
        load_versions(config)
