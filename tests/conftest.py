"""Shared pytest configuration: Hypothesis profiles and the typing folder kept out of collection.

Hypothesis example counts come from a profile, chosen with ``HYPOTHESIS_PROFILE``:

- ``ci`` (the default): what ``python -m nox`` and CI run, sized so that the whole suite
  fits a coffee break on a 2-core machine;
- ``dev``: fewer examples, for a quick local loop;
- ``thorough``: twenty times ``ci``, for the on-demand ``python -m nox -s fuzz``.

Tests that need more examples than others ask for a multiple of the profile's count
(``3 * settings.default.max_examples``), so every profile scales them alike.
"""

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
    print_blob=True,
)
# the fuzz tests read this name and try many more inputs (tests/fuzzing.py); the rest of
# the suite runs as under "ci"
settings.register_profile("fuzz", settings.get_profile("ci"))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
