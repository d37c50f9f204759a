"""A policy built in Python with a field of the wrong kind is a PolicyError at its key path.

The loader shapes a config file's values; Python code can pass anything. Every case
below was accepted before (a tier with ``trigger="open"`` never fired: it read as
manual) or failed inside escalate with a bare ``AttributeError`` or ``TypeError``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import attrs
import pytest

from escalate import (
    AtOpen,
    Calendar,
    Policy,
    PolicyError,
    Route,
    Severity,
    Status,
    Target,
    Tier,
    load_policy,
)

H = timedelta(hours=1)
HIGH = Severity(name="high", goals={"response": H, "resolution": 8 * H})

CASES: dict[str, tuple[dict[str, Any], str, str]] = {
    "a trigger in a config file's spelling": (
        {"tiers": [Tier(level=1, name="NOC", trigger="open")]},  # type: ignore[arg-type]
        "tiers[0].trigger",
        "in Python write AtOpen()",
    ),
    "a calendar as a dict": (
        {"calendars": {"office": {"timezone": "UTC", "hours": "24x7"}}},
        "calendars.office",
        "expected a Calendar, got dict",
    ),
    "no clock": ({"clock": None}, "clock", "expected a non-empty name, got None"),
    "a severity named by a number": (
        {"severities": [Severity(name=5, goals={"response": H})]},  # type: ignore[arg-type]
        "severities[0].name",
        "got int 5",
    ),
    "severities as a dict": ({"severities": {"high": HIGH}}, "severities", "a list of Severity"),
    "severities as text": ({"severities": "high"}, "severities", "a list of Severity"),
    "tiers as dicts": ({"tiers": [{"level": 1, "name": "x"}]}, "tiers[0]", "expected a Tier"),
    "calendars as a list": ({"calendars": [Calendar.always()]}, "calendars", "a mapping"),
    "statuses as a list": ({"statuses": ["New"]}, "statuses", "a mapping"),
    "availability as a dict": (
        {"availability": {"objective": 99}},
        "availability",
        "an Availability",
    ),
    "a contact as a dict": (
        {"tiers": [Tier(level=1, name="x", contacts=[{"name": "a"}])]},  # type: ignore[list-item]
        "tiers[0].contacts[0]",
        "expected a Contact",
    ),
    "goals as a list": (
        {"severities": [Severity(name="a", goals=[H])]},  # type: ignore[arg-type]
        "severities[0].goals",
        "a mapping",
    ),
    "a stop condition that is a number": (
        {"targets": [Target(name="response", stop=5)]},  # type: ignore[arg-type]
        "targets[0].stop",
        "a list of conditions",
    ),
    "a status named by a number": (
        {"targets": [Target(name="response", stop=Status(5))]},  # type: ignore[arg-type]
        "targets[0].stop[0].names[0]",
        "got int 5",
    ),
    "a route value that is a number": (
        {"routes": [Route(name="r", when={"a": 5}, tiers=[])]},  # type: ignore[dict-item]
        "routes[0].when.a",
        "a value or a list of values",
    ),
    "a route condition as a list": (
        {"routes": [Route(name="r", when=["a"], tiers=[])]},  # type: ignore[arg-type]
        "routes[0].when",
        "a mapping",
    ),
    "pauses as text": (
        {"targets": [Target(name="response", pauses="no")]},  # type: ignore[arg-type]
        "targets[0].pauses",
        "True or False",
    ),
    "a tier level as text": (
        {"tiers": [Tier(level="1", name="x", trigger=AtOpen())]},  # type: ignore[arg-type]
        "tiers[0].level",
        "a whole number",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_misshapen_field_is_named_by_its_key_path(case: str):
    """A PolicyError whose first problem is at the field, saying what was expected."""
    fields, path, words = CASES[case]
    with pytest.raises(PolicyError) as caught:
        Policy(**{"severities": [HIGH], **fields})
    assert caught.value.problems[0].path == path
    assert words in str(caught.value.problems[0])


def test_every_misshapen_field_is_named_at_once():
    """Three fields of the wrong kind: three problems in one error."""
    with pytest.raises(PolicyError) as caught:
        Policy(
            severities=[HIGH],
            clock=None,  # type: ignore[arg-type]
            tiers=[Tier(level=1, name="x", trigger="open")],  # type: ignore[arg-type]
            statuses=["New"],  # type: ignore[arg-type]
        )
    assert [p.path for p in caught.value.problems] == ["clock", "tiers[0].trigger", "statuses"]


@pytest.mark.parametrize("name", ["seed_000_noc", "seed_003_saas", "servicenow_desk"])
def test_the_example_policies_rebuilt_in_python_have_no_problem(name: str):
    """The shapes the loader makes pass: a policy's parts rebuilt as they are give it back."""
    policy = load_policy(f"examples/policies/{name}.toml")
    fields = {f.name: getattr(policy, f.name) for f in attrs.fields(Policy)}
    assert Policy(**fields) == policy
