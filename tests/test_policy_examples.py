"""The example policies of examples/policies/: one per seed agreement."""

from __future__ import annotations

import json
import re
import tomllib
from datetime import timedelta
from pathlib import Path

import jsonschema
import pytest

from escalate import (
    AtOpen,
    BusinessDays,
    Goal,
    Manual,
    Timeline,
    evaluate,
    load_policy,
    policy_schema,
)

EXAMPLES = Path(__file__).parent.parent / "examples" / "policies"
FILES = sorted(EXAMPLES.glob("*.toml"))
H = timedelta(hours=1)


def load(name: str):
    """Load one example policy by file name."""
    return load_policy(EXAMPLES / name)


def test_there_is_one_example_per_seed():
    """The five seeds each have an example file (besides the ServiceNow desk's)."""
    seeds = [f.name[:8] for f in FILES if f.name.startswith("seed_")]
    assert seeds == [f"seed_00{i}" for i in range(5)]
    assert {f.name for f in FILES} - {f.name for f in FILES if f.name.startswith("seed_")} == {
        "servicenow_desk.toml"
    }


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_example_loads_and_round_trips(path):
    """Each example loads, and its config form loads back equal (also through JSON)."""
    policy = load_policy(path)
    assert load_policy(policy.to_dict()) == policy
    assert load_policy(json.loads(json.dumps(policy.to_dict()))) == policy


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_example_matches_the_schema(path):
    """Each example file, as parsed TOML, is valid against policy_schema()."""
    jsonschema.validate(tomllib.loads(path.read_text(encoding="utf-8")), policy_schema())


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_example_contacts_are_fictitious(path):
    """Examples use only example.com addresses and 555 phone numbers."""
    text = path.read_text(encoding="utf-8")
    emails = re.findall(r"[\w.+-]+@[\w.-]+", text)
    assert all(e.endswith("@example.com") for e in emails), emails
    policy = load_policy(path)
    tiers = [*policy.tiers, *(t for r in policy.routes for t in r.tiers)]
    phones = [p for t in tiers for c in t.contacts for p in c.phones]
    assert all("555" in p for p in phones), phones


def test_seed_000_noc():
    """Five levels, level 1 at opening, the rest manual, and a 72 h post-mortem on 24x7."""
    policy = load("seed_000_noc.toml")
    assert [t.level for t in policy.tiers] == [1, 2, 3, 4, 5]
    assert policy.tiers[0].trigger == AtOpen()
    assert all(t.trigger == Manual() for t in policy.tiers[1:])
    assert [t.contacts[0].response for t in policy.tiers] == [timedelta(0), H / 2, H, 2 * H, 3 * H]
    postmortem = policy.target("postmortem")
    assert (postmortem.start, postmortem.stop, postmortem.pauses) == (
        ("resolved",),
        ("report_sent",),
        False,
    )
    assert postmortem.reopen == "restart"  # due 72 h after the *last* resolution
    assert policy.goal("postmortem", "incident") == Goal(duration=72 * H, clock="24x7")
    assert policy.calendar("24x7").timezone == "America/Mexico_City"


def test_seed_001_service_desk():
    """One route per country or region on the region attribute; levels after 1 are manual."""
    policy = load("seed_001_service_desk.toml")
    assert len(policy.routes) == 6
    assert policy.route_for({"region": "CO"}).name == "colombia"
    assert policy.route_for({"region": "UY"}).name == "southern-cone"
    assert policy.route_for({"region": "US"}) is None
    assert policy.tiers_for({"region": "US"}) == policy.tiers
    for route in policy.routes:
        assert [t.trigger for t in route.tiers] == [AtOpen(), Manual(), Manual()]


def test_seed_002_hosting():
    """Three plans; "3 to 5 business hours" is a 5 h goal with a warning at 3 h."""
    policy = load("seed_002_hosting.toml")
    assert [p.name for p in policy.plans] == ["nivel1", "nivel2", "nivel3"]
    assert policy.goal("response", "medio") == Goal(duration=5 * H, warning=3 * H, clock="office")
    assert policy.goal("response", "medio", plan="nivel1") == policy.goal("response", "medio")
    assert policy.goal("response", "bajo", plan="nivel2") == Goal(
        duration=4 * H, warning=3 * H, clock="office"
    )
    assert policy.goal("response", "alto", plan="nivel2") == Goal(duration=H, clock="24x7")
    for severity in ("alto", "medio", "bajo"):
        assert policy.goal("response", severity, plan="nivel3") == Goal(duration=H, clock="24x7")
        assert policy.goal("resolution", severity) is None


def test_seed_003_saas():
    """alta/normal/baja at 2/4/8 and 8/24/80 business hours on the split day, routed by category."""
    policy = load("seed_003_saas.toml")
    expected = {"alta": (2, 8), "normal": (4, 24), "baja": (8, 80)}
    for severity, (response, resolution) in expected.items():
        assert policy.goal("response", severity) == Goal(duration=response * H, clock="office")
        assert policy.goal("resolution", severity) == Goal(duration=resolution * H, clock="office")
    assert policy.severity_names == ("alta", "normal", "baja")
    office = policy.calendar("office")
    assert office.to_dict()["hours"] == {"mon-fri": ["07:30-12:30", "13:30-17:00"]}
    assert office.holidays.for_year(2026)  # Colombian holidays
    assert policy.goal("definitive_fix", "alta") == Goal(duration=timedelta(days=120), clock="24x7")
    assert policy.goal("definitive_fix", "baja") == Goal(duration=timedelta(days=120), clock="24x7")
    categories = {
        "functional",
        "training",
        "commercial",
        "tickets",
        "complaints",
        "renewal",
        "billing",
    }
    assert {policy.route_for({"category": c}).name for c in categories} == {
        "functional",
        "commercial",
        "tickets",
        "renewal",
        "billing",
    }


def test_seed_004_telecom():
    """major/minor at 15/30 min response and 2/4 h restoration, four levels, 99.5% availability."""
    policy = load("seed_004_telecom.toml")
    assert policy.goal("response", "major") == Goal(duration=timedelta(minutes=15), clock="24x7")
    assert policy.goal("response", "minor") == Goal(duration=timedelta(minutes=30), clock="24x7")
    assert policy.goal("resolution", "major").duration == 2 * H
    assert policy.goal("resolution", "minor").duration == 4 * H
    assert [t.level for t in policy.tiers] == [1, 2, 3, 4]
    assert policy.availability is not None
    assert policy.availability.objective == 99.5
    assert policy.availability.maintenance_notice == BusinessDays(5)
    assert policy.calendar(policy.availability.clock or "24x7").timezone == "America/Mexico_City"


def test_seed_004_clocks_run_through_a_recorded_pause():
    """Restoration counts from the failure report with no pause (the agreement allows none).

    A minor failure reported Saturday 10:00, answered 10:20, paused 11:00-15:00 and
    restored 15:30 took 5h30 against its 4 hours: breached, pause or not.
    """
    policy = load("seed_004_telecom.toml")
    timeline = (
        Timeline.open("2026-11-21T10:00:00-06:00", severity="minor")
        .respond("2026-11-21T10:20:00-06:00")
        .pause("2026-11-21T11:00:00-06:00")
        .resume("2026-11-21T15:00:00-06:00")
        .resolve("2026-11-21T15:30:00-06:00")
    )
    ev = evaluate(policy, timeline, as_of="2026-11-22T00:00:00-06:00")
    assert ev["response"].status == "met"
    assert ev["resolution"].status == "breached"
    assert ev["resolution"].elapsed == 5 * H + 30 * timedelta(minutes=1)


def test_reference_docs_example_loads():
    """The complete example of docs/reference/policy-config.md loads and fits the schema."""
    page = EXAMPLES.parent.parent / "docs" / "reference" / "policy-config.md"
    blocks = re.findall(r"```toml\n(.*?)```", page.read_text(encoding="utf-8"), re.DOTALL)
    data = tomllib.loads(blocks[0])
    jsonschema.validate(data, policy_schema())
    policy = load_policy(data)
    assert policy.goal("response", "alta", plan="premium") == Goal(duration=H, clock="24x7")
    assert policy.route_for({"category": "invoices"}).name == "billing"
