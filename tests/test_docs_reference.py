"""The reference docs keep up with the code: every public name and every config key.

The doctest build runs the examples; these tests catch what an example cannot: a public
name added to ``escalate.__all__`` without an entry in the API reference, a key the policy
reader accepts that the policy reference never mentions, and a TOML example in the policy
reference that no longer loads.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

import escalate
from escalate import _config, _config_tiers
from escalate._policy import REOPEN_RULES, STATUS_MEANINGS

DOCS = Path(__file__).resolve().parent.parent / "docs" / "reference"
API = (DOCS / "api.md").read_text(encoding="utf-8")
POLICY = (DOCS / "policy-config.md").read_text(encoding="utf-8")


def test_every_public_name_has_an_entry_in_the_api_reference():
    """Each name of escalate.__all__ is documented by an autodoc or data directive."""
    documented = set(re.findall(r"^\.\. (?:auto\w+|data):: (\w+)", API, flags=re.MULTILINE))
    missing = [name for name in escalate.__all__ if name not in documented]
    assert not missing, f"add these to docs/reference/api.md: {missing}"
    unknown = sorted(documented - set(escalate.__all__))
    assert not unknown, f"docs/reference/api.md documents names that are not public: {unknown}"


@pytest.mark.parametrize(
    ("what", "keys"),
    [
        ("top-level keys", _config._POLICY_KEYS),
        ("target keys", _config._TARGET_KEYS),
        ("status condition keys", _config._CONDITION_KEYS),
        ("goal keys", _config._GOAL_KEYS),
        ("contact keys", _config_tiers._CONTACT_KEYS),
        ("tier keys", _config_tiers._TIER_KEYS),
        ("route keys", _config_tiers._ROUTE_KEYS),
        ("availability keys", _config._AVAILABILITY_KEYS),
        ("status meanings", STATUS_MEANINGS),
        ("reopen rules", REOPEN_RULES),
    ],
)
def test_every_config_key_is_in_the_policy_reference(what: str, keys: tuple[str, ...]):
    """Every key and value the policy reader accepts appears, quoted, in the policy reference."""
    missing = [key for key in keys if f"`{key}`" not in POLICY and f'`"{key}"`' not in POLICY]
    assert not missing, f"{what} missing from docs/reference/policy-config.md: {missing}"


def test_the_complete_examples_of_the_policy_reference_load():
    """Each TOML block of the policy reference that is a whole policy loads without a problem."""
    texts = re.findall(r"```toml\n(.*?)```", POLICY, flags=re.DOTALL)
    blocks = [tomllib.loads(text) for text in texts]
    policies = [block for block in blocks if "severities" in block]
    assert policies
    for block in policies:
        assert escalate.load_policy(block).severity_names
