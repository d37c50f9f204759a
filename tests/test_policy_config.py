"""Policies from and to config files and mappings: loading, round trips, errors and schema."""

from __future__ import annotations

import copy
import errno
import json
import pickle
import sys
import tomllib
from datetime import timedelta

import jsonschema
import pytest
import tomli_w
import yaml
from hypothesis import given

import escalate
from escalate import (
    AfterElapsed,
    AtOpen,
    AtPercent,
    BusinessDays,
    ConfigError,
    EscalateError,
    Goal,
    InvalidCalendarError,
    Manual,
    MissingExtraError,
    OnBreach,
    PolicyError,
    load_policy,
    policy_schema,
)
from tests.strategies import policies

H = timedelta(hours=1)
SCHEMA = jsonschema.Draft202012Validator(policy_schema())

FULL = {
    "name": "saas",
    "description": "A full policy",
    "clock": "office",
    "calendars": {
        "office": {
            "timezone": "America/Bogota",
            "hours": {"mon-fri": ["07:30-12:30", "13:30-17:00"]},
            "holidays": ["2026-01-01"],
        }
    },
    "targets": {
        "response": {"pauses": False},
        "postmortem": {
            "start": "resolved",
            "stop": "report_sent",
            "clock": "24x7",
            "goal": "72h",
            "pauses": False,
        },
        "fix": {"stop": "fixed", "required": False},
    },
    "severities": {
        "alta": {
            "description": "down",
            "response": "2h",
            "resolution": {"duration": "8h", "warning": "6h", "clock": "24x7"},
        },
        "baja": {"response": "PT8H", "resolution": "80h"},
    },
    "plans": {
        "premium": {
            "description": "24/7",
            "clock": "24x7",
            "severities": {"alta": {"response": "1h"}},
        },
        "basic": {},
    },
    "tiers": [
        {
            "level": 1,
            "name": "desk",
            "trigger": "open",
            "contacts": [
                {
                    "name": "Desk",
                    "email": "desk@example.com",
                    "phones": "+1 555 0100",
                    "response": "0s",
                    "role": "NOC",
                }
            ],
        },
        {"level": 2, "name": "lead", "trigger": {"percent": 50, "of": "resolution"}},
        {"level": 3, "name": "manager", "trigger": {"breach": "resolution", "delay": "1h"}},
        {"level": 4, "name": "director", "trigger": {"after": "10h", "clock": "24x7"}},
        {"level": 5, "name": "ceo"},
    ],
    "routes": [
        {
            "name": "billing",
            "when": {"category": ["billing", "invoices"]},
            "tiers": [{"level": 1, "name": "billing", "trigger": "manual"}],
        }
    ],
    "availability": {"objective": 99.5, "maintenance_notice": "5bd"},
}


def error_of(source) -> PolicyError:
    """Load ``source`` and return the PolicyError it raises."""
    with pytest.raises(PolicyError) as info:
        load_policy(source)
    return info.value


def only(error: PolicyError, path: str) -> str:
    """Return the text of the one problem at ``path`` (and check there is exactly one)."""
    found = [str(p) for p in error.problems if p.path == path]
    assert len(found) == 1, (path, error.paths)
    return found[0]


def with_changes(**changes):
    """Return a copy of FULL (deeply copied through JSON) with top-level changes."""
    data = json.loads(json.dumps(FULL))
    data.update(changes)
    return data


# -- loading ----------------------------------------------------------------------------


def test_full_mapping_loads():
    """Every key of the config form lands where it should."""
    policy = load_policy(FULL)
    assert policy.clock == "office"
    assert policy.target("response").pauses is False
    assert policy.target("postmortem").goal == Goal(duration=72 * H)
    assert policy.target("fix").required is False
    assert policy.goal("resolution", "alta") == Goal(duration=8 * H, warning=6 * H, clock="24x7")
    assert policy.goal("response", "baja").duration == 8 * H
    assert policy.goal("response", "alta", plan="premium") == Goal(duration=H, clock="24x7")
    assert policy.plan("basic").goals == {}
    triggers = [t.trigger for t in policy.tiers]
    assert triggers == [
        AtOpen(),
        AtPercent(target="resolution", percent=50),
        OnBreach(target="resolution", delay=H),
        AfterElapsed(after=10 * H, clock="24x7"),
        Manual(),
    ]
    assert policy.tiers[0].contacts[0].phones == ("+1 555 0100",)
    assert policy.tiers[0].contacts[0].response == timedelta(0)
    assert policy.routes[0].when == {"category": ("billing", "invoices")}
    assert policy.availability is not None
    assert policy.availability.maintenance_notice == BusinessDays(5)


def test_to_dict_round_trips_the_full_policy():
    """load_policy(p.to_dict()) == p, also through JSON text."""
    policy = load_policy(FULL)
    assert load_policy(policy.to_dict()) == policy
    assert load_policy(json.loads(json.dumps(policy.to_dict()))) == policy


@given(policies())
def test_round_trip_property(policy):
    """Every generated policy survives to_dict -> load_policy, directly and through JSON."""
    data = policy.to_dict()
    assert load_policy(data) == policy
    assert load_policy(json.loads(json.dumps(data))) == policy


@given(policies())
def test_to_dict_matches_the_schema(policy):
    """The config form of every generated policy is valid against policy_schema()."""
    SCHEMA.validate(json.loads(json.dumps(policy.to_dict())))


@pytest.mark.parametrize("suffix", [".toml", ".json", ".yaml", ".yml", ".TOML"])
def test_files_of_every_format_load(tmp_path, suffix):
    """The same policy loads from TOML, JSON and YAML files (by extension, any case)."""
    policy = load_policy(FULL)
    data = policy.to_dict()
    text = {
        ".toml": tomli_w.dumps(data),
        ".json": json.dumps(data),
        ".yaml": yaml.safe_dump(data, sort_keys=False),
        ".yml": yaml.safe_dump(data, sort_keys=False),
    }[suffix.lower()]
    path = tmp_path / f"policy{suffix}"
    path.write_text(text, encoding="utf-8")
    assert load_policy(path) == policy
    assert load_policy(str(path)) == policy


def test_unknown_extension(tmp_path):
    """A file whose format cannot be told from its extension is refused with the choices."""
    path = tmp_path / "policy.ini"
    path.write_text("x", encoding="utf-8")
    assert "cannot tell the format of 'policy.ini' from its extension; use .toml, .json" in str(
        error_of(path)
    )


def test_neither_path_nor_mapping():
    """Other sources are refused with their type."""
    assert "expected a path or a mapping, got int 3" in str(error_of(3))


@pytest.mark.parametrize("load", [load_policy, escalate.load_versions])
def test_unreadable_file_is_an_escalate_error(tmp_path, load):
    """A missing file or a folder is a FileReadError: an EscalateError and an OSError."""
    missing = tmp_path / "missing.toml"
    with pytest.raises(escalate.FileReadError) as info:
        load(missing)
    error = info.value
    assert isinstance(error, OSError)
    assert isinstance(error, escalate.EscalateError)
    assert (error.errno, error.filename) == (errno.ENOENT, str(missing))
    assert str(error).startswith(f"cannot read the policy file {str(missing)!r}: ")
    assert "relative path starts from" in str(error)
    again = pickle.loads(pickle.dumps(error))  # a service may send it between processes
    assert (type(again), str(again), again.errno, again.filename, again.path) == (
        type(error),
        str(error),
        error.errno,
        error.filename,
        error.path,
    )
    for name in ("policy.toml", "policies"):  # with a policy's extension, or none
        folder = tmp_path / name
        folder.mkdir()
        with pytest.raises(escalate.FileReadError, match="name a file, not a folder"):
            load(folder)


def test_yaml_without_pyyaml(tmp_path, monkeypatch):
    """Without pyyaml a YAML file raises MissingExtraError naming the 'yaml' extra."""
    path = tmp_path / "policy.yaml"
    path.write_text("severities: {}\n", encoding="utf-8")
    monkeypatch.setitem(sys.modules, "yaml", None)
    with pytest.raises(MissingExtraError, match=r"escalate-sla\[yaml\]") as info:
        load_policy(path)
    assert isinstance(info.value, ImportError)


# -- syntax errors with line numbers ---------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        (
            "bad.toml",
            '[severities.alta]\nresponse = "2h"\nresolution = \n',
            "bad.toml is not valid TOML at line 3, column 14",
        ),
        (
            "dup.toml",
            "[severities.alta]\n[severities.alta]\n",
            "dup.toml is not valid TOML at line 2",
        ),
        (
            "bad.json",
            '{"severities": {\n  "alta": {"response": "2h",}\n}}',
            "bad.json is not valid JSON at line 2",
        ),
        (
            "bad.yaml",
            "severities:\n  alta:\n    response: [2h\n  baja: 1\n",
            "bad.yaml is not valid YAML at line 4",
        ),
    ],
)
def test_syntax_errors_give_the_line(tmp_path, name, text, expected):
    """A file that does not parse raises PolicyError with the file name and line number."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    error = error_of(path)
    assert error.paths == ("",)
    assert expected in str(error)
    assert "fix the" in str(error)


# -- validation: every problem at its key path ---------------------------------------------


def test_malformed_duration():
    """A malformed duration names its key path, quotes the value and shows the forms."""
    error = error_of(
        with_changes(severities={"alta": {"response": "2 hrs and a bit", "resolution": "8h"}})
    )
    assert error.paths == ("severities.alta.response",)
    assert "'2 hrs and a bit' is not a duration; write e.g. '2h', '1h30m'" in str(error)


def test_zero_goal():
    """A zero goal is refused at its key path."""
    error = error_of(with_changes(severities={"alta": {"response": "0m", "resolution": "8h"}}))
    assert "a goal must be positive, got '0s'" in only(error, "severities.alta.response")


def test_negative_goal_in_a_plan():
    """A negative goal inside a plan is refused at its full key path."""
    error = error_of(with_changes(plans={"premium": {"severities": {"alta": {"response": "-1h"}}}}))
    assert "got '-1h'" in only(error, "plans.premium.severities.alta.response")


def test_unknown_calendar_in_a_clock():
    """A clock naming no calendar suggests the close one."""
    error = error_of(with_changes(clock="ofice"))
    assert only(error, "clock") == "clock: unknown calendar 'ofice'; did you mean 'office'?"


def test_unknown_target_in_a_trigger():
    """A trigger naming no target suggests the close one."""
    tiers = [{"level": 1, "name": "a", "trigger": {"breach": "resolutoin"}}]
    error = error_of(with_changes(tiers=tiers))
    assert "unknown target 'resolutoin'; did you mean 'resolution'?" in only(
        error, "tiers[0].trigger.breach"
    )


def test_missing_goal_for_a_required_target():
    """A severity without a goal for a required target is reported at that key."""
    error = error_of(with_changes(severities={"alta": {"response": "2h"}}))
    assert "severity 'alta' has no goal for the required target 'resolution'" in only(
        error, "severities.alta.resolution"
    )


def test_duplicate_severity_in_json(tmp_path):
    """A JSON object with a severity twice is refused, although json.loads would keep one."""
    path = tmp_path / "dup.json"
    path.write_text(
        '{"severities": {"alta": {"response": "1h", "resolution": "2h"}, "alta": {"response": "1h", "resolution": "2h"}}}',
        encoding="utf-8",
    )
    assert "'alta' is given twice" in only(error_of(path), "severities.alta")


def test_duplicate_key_in_yaml(tmp_path):
    """A YAML mapping with a key twice is refused, although pyyaml would keep one."""
    path = tmp_path / "dup.yaml"
    path.write_text(
        "severities:\n  alta: {response: 1h, resolution: 2h}\n  alta: {response: 1h, resolution: 2h}\n",
        encoding="utf-8",
    )
    assert "'alta' is given twice" in only(error_of(path), "severities.alta")


def test_duplicate_tier_level():
    """Two tiers with one level are refused at the second."""
    tiers = [{"level": 1, "name": "a"}, {"level": 1, "name": "b"}]
    assert "tier level 1 is declared twice" in only(
        error_of(with_changes(tiers=tiers)), "tiers[1].level"
    )


def test_tiers_out_of_order():
    """Tiers must be listed by increasing level."""
    tiers = [{"level": 2, "name": "a"}, {"level": 1, "name": "b"}]
    assert "tiers are out of order" in only(error_of(with_changes(tiers=tiers)), "tiers[1].level")


def test_route_without_tiers():
    """A route with no tiers is refused."""
    routes = [{"name": "r", "when": {"region": "CO"}, "tiers": []}]
    assert "route 'r' has no tiers" in only(
        error_of(with_changes(routes=routes)), "routes[0].tiers"
    )


def test_typo_in_a_severity():
    """A misspelt target under a severity is an unknown key with did-you-mean."""
    error = error_of(with_changes(severities={"alta": {"response": "2h", "resoluton": "8h"}}))
    text = only(error, "severities.alta.resoluton")
    assert "unknown key 'resoluton'" in text
    assert "did you mean 'resolution'?" in text


@pytest.mark.parametrize(
    ("changes", "path", "hint"),
    [
        ({"tier": []}, "tier", "did you mean 'tiers'?"),
        (
            {"targets": {"fix": {"stop": "x", "requird": True}}},
            "targets.fix.requird",
            "did you mean 'required'?",
        ),
        ({"plans": {"p": {"clok": "24x7"}}}, "plans.p.clok", "did you mean 'clock'?"),
        (
            {"tiers": [{"level": 1, "name": "a", "contact": []}]},
            "tiers[0].contact",
            "did you mean 'contacts'?",
        ),
        (
            {"tiers": [{"level": 1, "name": "a", "contacts": [{"name": "x", "mail": "a"}]}]},
            "tiers[0].contacts[0].mail",
            "did you mean 'email'?",
        ),
        (
            {
                "routes": [
                    {
                        "name": "r",
                        "when": {"a": "b"},
                        "tiers": [{"level": 1, "name": "a"}],
                        "wen": 1,
                    }
                ]
            },
            "routes[0].wen",
            "did you mean 'when'?",
        ),
        (
            {"availability": {"objective": 99, "clocks": "x"}},
            "availability.clocks",
            "did you mean 'clock'?",
        ),
        (
            {
                "severities": {
                    "a": {"response": {"duration": "1h", "warn": "30m"}, "resolution": "2h"}
                }
            },
            "severities.a.response.warn",
            "did you mean 'warning'?",
        ),
        (
            {"tiers": [{"level": 1, "name": "a", "trigger": {"after": "1h", "clok": "x"}}]},
            "tiers[0].trigger.clok",
            "did you mean 'clock'?",
        ),
    ],
)
def test_unknown_keys_everywhere(changes, path, hint):
    """An unknown key anywhere is reported at its path with a did-you-mean."""
    text = only(error_of(with_changes(**changes)), path)
    assert "unknown key" in text
    assert hint in text


def test_unknown_key_without_close_match_lists_the_allowed_keys():
    """When nothing is close, the hint lists the allowed keys."""
    assert "allowed keys: name, description, clock" in only(error_of(with_changes(zzz=1)), "zzz")


def test_calendar_problems_are_prefixed():
    """Calendar problems appear inside calendars.NAME and references to it still resolve."""
    calendars = {"office": {"timezone": "America/Bogta", "hours": {"mondy": ["09:00-17:00"]}}}
    error = error_of(with_changes(calendars=calendars))
    assert "did you mean 'America/Bogota'" in only(error, "calendars.office.timezone")
    assert any(p.startswith("calendars.office.hours") for p in error.paths)
    assert "clock" not in error.paths
    assert not isinstance(error, InvalidCalendarError)


def test_calendar_that_is_not_a_table():
    """A calendar given as a string is reported at calendars.NAME."""
    assert "a calendar must be a table" in only(
        error_of(with_changes(calendars={"office": "24x7"})), "calendars.office"
    )


@pytest.mark.parametrize(
    ("changes", "path", "text"),
    [
        ({"plans": []}, "plans", "expected a table (plans by name), got list []"),
        ({"name": 3}, "name", "expected a non-empty string, got int 3"),
        ({"clock": ""}, "clock", "expected a non-empty string"),
        (
            {"targets": {"fix": {"stop": "x", "pauses": "no"}}},
            "targets.fix.pauses",
            "expected true or false, got str 'no'",
        ),
        ({"targets": {"fix": {"start": "x"}}}, "targets.fix.stop", "missing required key 'stop'"),
        (
            {"severities": {"a": {"response": {"warning": "1h"}, "resolution": "2h"}}},
            "severities.a.response.duration",
            "missing required key 'duration'",
        ),
        (
            {"severities": {"a": {"response": 3600, "resolution": "2h"}}},
            "severities.a.response",
            "expected a duration string, got int 3600",
        ),
        ({"tiers": {"level": 1}}, "tiers", "expected a list of tiers"),
        ({"tiers": [{"name": "a"}]}, "tiers[0].level", "missing required key 'level'"),
        (
            {"tiers": [{"level": "1", "name": "a"}]},
            "tiers[0].level",
            "expected a whole number, got str '1'",
        ),
        ({"tiers": [{"level": 1}]}, "tiers[0].name", "missing required key 'name'"),
        (
            {"tiers": [{"level": 1, "name": "a", "contacts": "x"}]},
            "tiers[0].contacts",
            "expected a list of contacts",
        ),
        (
            {"tiers": [{"level": 1, "name": "a", "contacts": [{"role": "x"}]}]},
            "tiers[0].contacts[0].name",
            "missing required key 'name'",
        ),
        (
            {"tiers": [{"level": 1, "name": "a", "contacts": [{"name": "x", "phones": 5}]}]},
            "tiers[0].contacts[0].phones",
            "expected a list of phone numbers",
        ),
        (
            {"tiers": [{"level": 1, "name": "a", "contacts": [{"name": "x", "phones": [5]}]}]},
            "tiers[0].contacts[0].phones[0]",
            "expected a non-empty string",
        ),
        (
            {"tiers": [{"level": 1, "name": "a", "trigger": "opne"}]},
            "tiers[0].trigger",
            "unknown trigger 'opne'; did you mean 'open'?",
        ),
        (
            {"tiers": [{"level": 1, "name": "a", "trigger": "soon"}]},
            "tiers[0].trigger",
            "write 'open', 'manual'",
        ),
        (
            {"tiers": [{"level": 1, "name": "a", "trigger": 5}]},
            "tiers[0].trigger",
            "expected a trigger, got int 5",
        ),
        (
            {"tiers": [{"level": 1, "name": "a", "trigger": {"of": "resolution"}}]},
            "tiers[0].trigger",
            "needs exactly one of 'after', 'percent' or 'breach'",
        ),
        (
            {"tiers": [{"level": 1, "name": "a", "trigger": {"percent": 50}}]},
            "tiers[0].trigger.of",
            "missing required key 'of'",
        ),
        (
            {
                "tiers": [
                    {"level": 1, "name": "a", "trigger": {"percent": "half", "of": "resolution"}}
                ]
            },
            "tiers[0].trigger.percent",
            "expected a percentage, got str 'half'",
        ),
        (
            {"tiers": [{"level": 1, "name": "a", "trigger": {"after": "soon"}}]},
            "tiers[0].trigger.after",
            "'soon' is not a duration",
        ),
        ({"routes": {"name": "r"}}, "routes", "expected a list of routes"),
        (
            {"routes": [{"when": {"a": "b"}, "tiers": [{"level": 1, "name": "a"}]}]},
            "routes[0].name",
            "missing required key 'name'",
        ),
        (
            {"routes": [{"name": "r", "when": {"a": 5}, "tiers": [{"level": 1, "name": "a"}]}]},
            "routes[0].when.a",
            "expected a string or a list of strings, got 5",
        ),
        (
            {"availability": {"clock": "office"}},
            "availability.objective",
            "missing required key 'objective'",
        ),
        (
            {"availability": {"objective": True}},
            "availability.objective",
            "expected a percentage, got bool True",
        ),
        (
            {"availability": {"objective": 99, "maintenance_notice": "5 days"}},
            "availability.maintenance_notice",
            "'5 days' is not a number of business days",
        ),
        ({"availability": {"objective": 99, "maintenance_notice": 5}}, None, None),
    ],
)
def test_shape_problems(changes, path, text):
    """Wrong types and missing keys are reported at their key paths."""
    if path is None:
        assert load_policy(with_changes(**changes)).availability.maintenance_notice == BusinessDays(
            5
        )
        return
    assert text in only(error_of(with_changes(**changes)), path)


def test_all_problems_are_reported_at_once():
    """Syntax and cross-reference problems from all over the file come in one error."""
    data = with_changes(
        clock="ofice",
        severities={"alta": {"response": "2x", "resoluton": "8h"}},
        tiers=[{"level": 2, "name": "a"}, {"level": 1, "name": "b", "trigger": {"breach": "x"}}],
        routes=[{"name": "r", "when": {"region": "CO"}, "tiers": []}],
    )
    error = error_of(data)
    assert set(error.paths) >= {
        "clock",
        "severities.alta.response",
        "severities.alta.resoluton",
        "severities.alta.resolution",
        "tiers[1].level",
        "tiers[1].trigger.breach",
        "routes[0].tiers",
    }
    assert str(error).startswith(f"{len(error.problems)} problems:")


def test_malformed_warning_does_not_cause_a_second_problem():
    """A malformed value is reported once; the checks after it do not trip over it."""
    data = with_changes(
        severities={
            "alta": {
                "response": {"duration": "2x", "warning": "1h"},
                "resolution": {"duration": "8h", "warning": "xx"},
            }
        }
    )
    assert set(error_of(data).paths) == {
        "severities.alta.response.duration",
        "severities.alta.resolution.warning",
    }


def test_to_dict_omits_defaults():
    """The config form leaves out defaults, so a minimal policy stays minimal."""
    data = {"severities": {"high": {"response": "1h", "resolution": "8h"}}}
    assert load_policy(data).to_dict() == data


def test_to_dict_is_toml_ready():
    """The config form of the full policy writes as TOML and reads back equal."""
    policy = load_policy(FULL)
    assert load_policy(tomllib.loads(tomli_w.dumps(policy.to_dict()))) == policy


def test_schema_is_valid_draft_2020_12():
    """policy_schema() is a valid draft 2020-12 schema and a fresh copy each call."""
    schema = policy_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "changed"
    assert policy_schema()["title"] != "changed"


def test_schema_rejects_what_the_loader_rejects():
    """Unknown keys, bad triggers and bad durations fail the schema too."""
    validator = jsonschema.Draft202012Validator(policy_schema())
    assert validator.is_valid(FULL)
    assert not validator.is_valid(with_changes(tier=[]))
    assert not validator.is_valid(
        with_changes(tiers=[{"level": 1, "name": "a", "trigger": "soon"}])
    )
    assert not validator.is_valid(with_changes(severities={"a": {"response": "two hours!"}}))


def test_trigger_forms_written_back():
    """Triggers are written back in their shortest config form."""
    tiers = [
        {"level": 1, "name": "a", "trigger": {"breach": "resolution"}},
        {"level": 2, "name": "b", "trigger": {"after": "30m"}},
        {"level": 3, "name": "c", "trigger": {"percent": 12.5, "of": "response"}},
    ]
    written = load_policy(with_changes(tiers=tiers)).to_dict()["tiers"]
    assert [t["trigger"] for t in written] == [
        {"breach": "resolution"},
        {"after": "30m"},
        {"percent": 12.5, "of": "response"},
    ]


def test_policy_error_hierarchy():
    """PolicyError is a ConfigError, an EscalateError and a ValueError, with structured problems."""
    error = error_of(with_changes(clock="ofice"))
    assert isinstance(error, ConfigError)
    assert isinstance(error, EscalateError)
    assert isinstance(error, ValueError)
    assert error.problems[0].hint == "did you mean 'office'?"


@pytest.mark.parametrize(
    ("key", "value", "loads"),
    [
        ("pause", "paused", True),
        ("pause", {"status": "Awaiting Vendor"}, True),
        ("pause", ["paused", {"status": ["Awaiting Vendor"]}], True),
        ("pause", [], True),
        ("stop", "resolved", True),
        ("stop", {"status": ["Resolved", "Closed"]}, True),
        ("stop", [], False),
        ("start", [], False),
        ("stop", {"status": "Resolved", "left": "New"}, False),
        ("pause", 3, False),
    ],
)
def test_the_schema_and_the_loader_agree_on_conditions(key, value, loads):
    """Every condition form the loader takes, the schema takes, and each one it refuses too."""
    policy = copy.deepcopy(FULL)
    statuses = {"Awaiting Vendor": "paused", "Resolved": "resolved", "Closed": "closed"}
    policy.setdefault("statuses", {}).update(statuses)
    policy.setdefault("targets", {}).setdefault("resolution", {})[key] = value
    validator = jsonschema.Draft202012Validator(policy_schema())
    assert validator.is_valid(policy) is loads
    if loads:
        load_policy(policy)
    else:
        with pytest.raises(PolicyError):
            load_policy(policy)


@pytest.mark.parametrize(
    ("holidays", "hours"),
    [
        ({"country": "CO"}, None),
        ({"country": "CO", "add": ["2026-12-24"], "remove": ["2026-01-01"]}, None),
        ({"include": [{"country": "CO"}, "2026-12-24"], "remove": ["2026-01-01"]}, None),
        ({"include": [{"include": ["2026-12-24"]}]}, None),
        ({"calendar": "workalendar.america.Colombia"}, None),
        (["2026-12-24", {"country": "CO"}], None),
        ({"add": ["2026-12-24"]}, None),
        ({"country": "CO", "calendar": "workalendar.america.Colombia"}, None),
        ({"country": "CO", "region": "DC"}, None),
        (None, "24x7"),
        (None, "24X7"),
        (None, " 24/7 "),
        (None, "24 x 7"),
        (None, "always"),
    ],
)
def test_the_schema_and_the_loader_agree_on_holidays_and_hours(holidays, hours):
    """Every documented holiday table and hours form: the schema takes what the loader takes.

    The schema refused ``include`` and ``calendar`` (which to_dict() writes), and "24X7".
    """
    calendar: dict[str, object] = {
        "timezone": "America/Bogota",
        "hours": hours or {"mon-fri": ["08:00-17:00"]},
    }
    if holidays is not None:
        calendar["holidays"] = holidays
    config = {
        "clock": "office",
        "calendars": {"office": calendar},
        "severities": FULL["severities"],
    }
    validator = jsonschema.Draft202012Validator(policy_schema())
    try:
        policy = load_policy(config)
    except PolicyError:
        assert not validator.is_valid(config)
        return
    assert validator.is_valid(config)
    assert validator.is_valid(policy.to_dict())


def test_yaml_values_read_as_booleans_or_numbers_say_to_quote_them(tmp_path):
    """NO (Norway), ON (Ontario) and 1:30 unquoted in YAML: each problem says to quote it."""
    pytest.importorskip("yaml")
    path = tmp_path / "norway.yaml"
    path.write_text(
        "clock: office\n"
        "calendars:\n"
        "  office:\n"
        "    timezone: Europe/Oslo\n"
        "    hours: {mon-fri: ['08:00-16:00']}\n"
        "    holidays: {country: NO}\n"
        "severities:\n"
        "  p1: {response: 1:30, resolution: 8h}\n",
        encoding="utf-8",
    )
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    text = str(caught.value)
    assert "country must be text, got False; write it as text in quotes" in text
    assert "quote a time such as '1:30'" in text


@pytest.mark.parametrize(
    ("suffix", "text"),
    [
        (
            ".toml",
            'clock = "24x7"\r\n[severities.alta]\r\nresponse = "2h"\r\nresolution = "8h"\r\n',
        ),
        (".json", '{"severities": {"alta": {"response": "2h", "resolution": "8h"}}}'),
        (".yaml", "severities:\n  alta: {response: 2h, resolution: 8h}\n"),
    ],
)
def test_a_policy_file_with_a_byte_order_mark_loads_as_without(tmp_path, suffix, text):
    """Notepad and Excel start UTF-8 files with a byte-order mark: it is no syntax error."""
    plain, marked = tmp_path / f"plain{suffix}", tmp_path / f"marked{suffix}"
    plain.write_bytes(text.encode())
    marked.write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert load_policy(marked) == load_policy(plain)


@pytest.mark.parametrize(
    ("goal", "message"),
    [
        ("109938bd", "'109938bd' business days reach beyond the supported horizon; the limit is 109937"),
        ({"duration": "8h", "warning": "3bd"}, "'3bd' is a number of business days, which only a goal's duration or a notice period can be"),
    ],
)  # fmt: skip
def test_business_days_where_they_go_and_where_they_do_not(goal, message):
    """A goal in business days beyond the horizon says so; a warning in them is no duration."""
    config = {"severities": {"alta": {"response": "1h", "resolution": goal}}}
    with pytest.raises(PolicyError) as info:
        load_policy(config)
    assert message in str(info.value)
    assert "only allowed for notice periods" not in str(info.value)
