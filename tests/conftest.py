"""Shared pytest configuration: Hypothesis profiles and the typing folder kept out of collection."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

collect_ignore = ["typing"]

settings.register_profile(
    "ci",
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile(
    "dev", max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "thorough",
    max_examples=2000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
# the fuzz tests read this name and try many more inputs (tests/fuzzing.py); the rest of
# the suite runs as under "ci"
settings.register_profile("fuzz", settings.get_profile("ci"))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
