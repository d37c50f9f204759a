"""The config reader against hostile input: nulls, huge values, bombs, binary and deep files.

A present-but-null key is an error at its key path, never a default; every value quoted
in a message is a bounded excerpt; and whatever a file holds, ``load_policy`` (and so
``escalate validate``) answers with a ``PolicyError`` naming where, never an untyped
exception.
"""

from __future__ import annotations

import copy
import json
import tomllib
import tracemalloc
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from escalate import (
    AtPercent,
    Availability,
    BusinessDays,
    Calendar,
    Goal,
    InvalidCalendarError,
    Policy,
    PolicyError,
    Route,
    Severity,
    Tier,
    load_policy,
)
from escalate.cli import app

POLICIES = sorted((Path(__file__).parent.parent / "examples" / "policies").glob("*.toml"))
SMALL: dict[str, Any] = {"severities": {"high": {"response": "1h", "resolution": "8h"}}}


def nodes(value: Any, path: str = "") -> Iterator[tuple[str, tuple[Any, ...]]]:
    """Yield (key path, keys) of every value inside a config mapping, depth first."""
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in items:
        here = f"{path}[{key}]" if isinstance(key, int) else f"{path}.{key}" if path else key
        yield here, (key,)
        if isinstance(item, dict | list):
            for below, keys in nodes(item, here):
                yield below, (key, *keys)


def nulled(config: dict[str, Any], keys: tuple[Any, ...]) -> dict[str, Any]:
    """Return a copy of ``config`` with the value at ``keys`` replaced by null."""
    out = copy.deepcopy(config)
    inner: Any = out
    for key in keys[:-1]:
        inner = inner[key]
    inner[keys[-1]] = None
    return out


def points_at(error: PolicyError, path: str) -> bool:
    """Whether one of the error's problems is at ``path`` or at a table or list holding it."""
    return any(path == p or path.startswith((f"{p}.", f"{p}[")) for p in error.paths)


def written(tmp_path: Path, name: str, content: str | bytes) -> Path:
    """Write a policy file and return its path."""
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def policy_error(source: Any) -> PolicyError:
    """Load ``source`` and return the PolicyError it must raise."""
    with pytest.raises(PolicyError) as info:
        load_policy(source)
    assert len(str(info.value)) < 20_000
    return info.value


# -- nulls ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", POLICIES, ids=lambda p: p.stem)
def test_a_null_anywhere_in_an_example_policy_is_an_error_at_its_path(path: Path):
    """Every value of every example policy, replaced by null, fails at (or around) its path."""
    config = tomllib.loads(path.read_text(encoding="utf-8"))
    for where, keys in nodes(config):
        error = policy_error(nulled(config, keys))
        assert points_at(error, where), (where, error.paths)


@pytest.mark.parametrize(
    ("config", "path"),
    [
        ({"severities": {"high": {"response": {"duration": None}, "resolution": "8h"}}},
         "severities.high.response.duration"),
        ({**SMALL, "tiers": [{"level": None, "name": "NOC"}]}, "tiers[0].level"),
        ({**SMALL, "tiers": [{"level": 1, "name": None}]}, "tiers[0].name"),
        ({**SMALL, "tiers": [{"level": 1, "name": "a", "trigger": {"percent": 50, "of": None}}]},
         "tiers[0].trigger.of"),
        ({**SMALL, "tiers": [{"level": 1, "name": "a", "trigger": {"percent": None, "of": "response"}}]},
         "tiers[0].trigger.percent"),
        ({**SMALL, "tiers": [{"level": 1, "name": "a", "trigger": {"after": None}}]},
         "tiers[0].trigger.after"),
        ({**SMALL, "availability": {"objective": None}}, "availability.objective"),
        ({**SMALL, "availability": {"objective": 99, "clock": None}}, "availability.clock"),
        ({**SMALL, "description": None}, "description"),
        ({"severities": {"high": {"description": None, "response": "1h", "resolution": "8h"}}},
         "severities.high.description"),
        ({**SMALL, "calendars": {"o": {"timezone": "UTC", "hours": "24x7", "holidays": None}}},
         "calendars.o.holidays"),
        ({**SMALL, "calendars": {"o": {"timezone": "UTC", "hours": "24x7",
                                       "holidays": {"country": "CO", "subdivision": None}}}},
         "calendars.o.holidays.subdivision"),
    ],
)  # fmt: skip
def test_a_required_or_defaulted_key_given_as_null_is_never_a_default(config: Any, path: str):
    """The nulls the issue found (a 10,000-day goal, a level from the position...) fail."""
    error = policy_error(config)
    assert path in error.paths
    assert "is null" in str(error)
    assert "missing required key" not in str(error)  # one problem, not two


def test_null_in_json_and_tilde_in_yaml_are_errors(tmp_path: Path):
    """JSON ``null`` and YAML ``~`` fail the same way, at the key path."""
    as_json = written(tmp_path, "p.json", json.dumps({"severities": {"h": {"response": None}}}))
    assert "severities.h.response" in policy_error(as_json).paths
    as_yaml = written(tmp_path, "p.yaml", "severities:\n  h:\n    response: ~\n")
    assert "severities.h.response" in policy_error(as_yaml).paths


def test_calendar_from_dict_rejects_null_optional_keys():
    """A calendar's ``holidays: null`` or ``exceptions: null`` is an error, not "none"."""
    with pytest.raises(InvalidCalendarError) as info:
        Calendar.from_dict(
            {"timezone": "UTC", "hours": "24x7", "holidays": None, "exceptions": None}
        )
    assert info.value.paths == ("holidays", "exceptions")


# -- huge and out-of-range values ---------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        ({"severities": {"high": {"response": "1000000000d", "resolution": "8h"}}},
         "severities.high.response", "longer than the longest duration"),
        ({"severities": {"high": {"response": "P999999999999D", "resolution": "8h"}}},
         "severities.high.response", "longer than the longest duration"),
        ({"severities": {"high": {"response": "106752d", "resolution": "8h"}}},
         "severities.high.response", "longer than the longest duration"),
        ({"tiers": [{"level": 1, "name": "a", "trigger": {"percent": float("inf"), "of": "response"}}]},
         "tiers[0].trigger.percent", "a finite number"),
        ({"tiers": [{"level": 1, "name": "a", "trigger": {"percent": 10**400, "of": "response"}}]},
         "tiers[0].trigger.percent", "a finite number"),
        ({"tiers": [{"level": 1, "name": "a", "trigger": {"percent": 1001, "of": "response"}}]},
         "tiers[0].trigger.percent", "at most 1000"),
        ({"tiers": [{"level": 2**63, "name": "a"}]}, "tiers[0].level", "from 1 to 1000000"),
        ({"tiers": [{"level": 10**5000, "name": "a"}]}, "tiers[0].level", "about 5001 digits"),
        ({"availability": {"objective": float("nan")}}, "availability.objective", "finite"),
        ({"availability": {"objective": 99, "maintenance_notice": 10**30}},
         "availability.maintenance_notice", "beyond the supported horizon"),
        ({"calendars": {"o": {"timezone": "x" * 300, "hours": "24x7"}}},
         "calendars.o.timezone", "unknown time zone"),
    ],
    ids=["1e9d", "P999999999999D", "106752d", "inf%", "huge%", "1001%", "2**63", "digits",
         "nan", "notice", "long-zone"],
)  # fmt: skip
def test_huge_values_are_policy_errors_at_their_path(change: dict[str, Any], path: str, words: str):
    """Durations, percentages, levels and names beyond their limits are PolicyErrors."""
    error = policy_error({**SMALL, **change})
    assert path in error.paths
    assert words in str(error)


def test_policies_built_in_python_are_checked_as_well():
    """Goals, levels and percentages built in Python meet the same limits."""
    severity = Severity(name="high", goals={"response": timedelta(days=10_001), "resolution": "8h"})
    with pytest.raises(PolicyError) as info:
        Policy(severities=[severity])  # type: ignore[list-item]
    assert set(info.value.paths) == {"severities.high.response", "severities.high.resolution"}
    goals = {"response": Goal(duration=timedelta(hours=1)), "resolution": timedelta(hours=8)}
    tier = Tier(level=2**63, name="x", trigger=AtPercent(target="response", percent=50))
    with pytest.raises(PolicyError, match="from 1 to 1000000"):
        Policy(severities=[Severity(name="h", goals=goals)], tiers=[tier])
    with pytest.raises(PolicyError, match="expected a finite number"):
        AtPercent(target="response", percent="50")  # type: ignore[arg-type]
    with pytest.raises(PolicyError, match="expected a finite number"):
        Availability(objective=10**400)


# -- files -------------------------------------------------------------------------------

ALIAS_BOMB = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    + "".join(
        f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]\n"
        for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
    )
    + "name: *i\nseverities: {high: {response: *i}}\ntiers: *i\n"
)


def test_a_yaml_alias_bomb_fails_fast_in_little_memory(tmp_path: Path):
    """A ~500-byte alias bomb (9**9 leaves) is refused with a short message, in a few MB."""
    assert 450 < len(ALIAS_BOMB.encode()) < 600
    path = written(tmp_path, "bomb.yaml", ALIAS_BOMB)
    tracemalloc.start()
    try:
        error = policy_error(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 30_000_000
    # 39 problems, each naming the allowed keys (one more since [statuses]): a few KB, not
    # the expanded bomb
    assert len(str(error)) < 6_000
    assert {"name", "severities.high.response", "tiers[0]"} <= set(error.paths)


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("latin1.toml", 'name = "Atención al cliente"\n'.encode("latin-1"), "not UTF-8 text: byte 14 is 0xf3"),
        ("binary.json", bytes(range(256)), "not UTF-8 text"),
        ("deep.json", "[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ("deep.yaml", "a: " + "[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ("deep.toml", "a = " + "[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ("digits.json", '{"name": ' + "9" * 5000 + "}", "cannot be read as JSON"),
        ("digits.toml", "name = " + "9" * 5000, "cannot be read as TOML"),
        ("digits.yaml", "name: " + "9" * 5000, "cannot be read as YAML"),
        ("listkey.yaml", "? [a, b]\n: 1\n", "a key must be text"),
        ("control.yaml", "name: \x00\n", "not valid YAML"),
        ("date.yaml", "name: 2026-13-45\n", "cannot be read as YAML"),
    ],
    ids=lambda value: value if isinstance(value, str) and len(value) < 20 else None,
)  # fmt: skip
def test_unreadable_files_are_policy_errors(tmp_path: Path, name: str, content: Any, words: str):
    """Binary, Latin-1, deeply nested and oversized files get a PolicyError, not a crash."""
    error = policy_error(written(tmp_path, name, content))
    assert words in str(error)


@pytest.mark.parametrize(
    "content",
    [ALIAS_BOMB, bytes(range(256)), "? [a, b]\n: 1\n", "severities: {h: {response: 1000000000d}}\n",
     "tiers: [{level: 9223372036854775808, name: a}]\nseverities: {h: {response: 1h}}\n"],
    ids=["bomb", "binary", "listkey", "duration", "level"],
)  # fmt: skip
def test_validate_reports_hostile_files_as_problems(tmp_path: Path, content: Any):
    """``escalate validate`` reports each of these as problems (status 1), never a traceback."""
    path = written(tmp_path, "policy.yaml", content)
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output


def test_python_built_availability_and_warnings_are_checked():
    """A notice that is not BusinessDays, or beyond the horizon, and a huge warning fail."""
    with pytest.raises(PolicyError, match="expected BusinessDays, got int 5"):
        load_policy_with(availability=Availability(objective=99, maintenance_notice=5))  # type: ignore[arg-type]
    with pytest.raises(PolicyError, match="at most 109937 business days"):
        load_policy_with(
            availability=Availability(objective=99, maintenance_notice=BusinessDays(200_000))
        )
    goal = Goal(duration=timedelta(hours=1), warning=timedelta(days=20_000))
    with pytest.raises(PolicyError) as info:
        Policy(severities=[Severity(name="h", goals={"response": goal, "resolution": goal})])
    assert "severities.h.response.warning" in info.value.paths


def load_policy_with(**parts: Any) -> Policy:
    """A one-severity policy built in Python with the given parts."""
    goals = {"response": timedelta(hours=1), "resolution": timedelta(hours=8)}
    return Policy(severities=[Severity(name="h", goals=goals)], **parts)


def test_route_conditions_never_fail_on_an_attribute():
    """An attribute that cannot be text (an int of 5,000 digits) matches no route."""
    route = Route(name="r", when={"region": "CO"}, tiers=[Tier(level=1, name="a")])
    assert not route.matches({"region": 10**5000})
    assert route.matches({"region": "CO"})
