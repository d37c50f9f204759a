"""Shared pytest configuration: Hypothesis profiles and the typing folder kept out of collection.

Hypothesis example counts come from a profile, chosen with ``HYPOTHESIS_PROFILE``:

- ``ci`` (the default): what ``python -m nox`` and CI run, sized so that the whole suite
  fits a coffee break on a 2-core machine;
- ``dev``: fewer examples, for a quick local loop;
- ``thorough``: twenty times ``ci``, for the on-demand ``python -m nox -s fuzz``.

Tests that need more examples than others ask for a multiple of the profile's count
(``3 * settings.default.max_examples``), so every profile scales them alike.

Under ``--cov`` (the nox ``tests`` session), the Hypothesis properties run with the
coverage tracer paused: the tracer doubles the time of code
run a hundred times over, and the lines a property reaches are reached by its first
examples as well as by the example tests. Branch coverage is measured on the other
tests, and the gate (95%) applies to them alone; every test still runs and asserts.
``ESCALATE_COVER_PROPERTIES=1`` measures the properties too.
"""

from __future__ import annotations

import os

import pytest
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


def _is_property(item: pytest.Item) -> bool:
    return bool(getattr(getattr(item, "obj", None), "is_hypothesis_test", False))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> object:
    """Run a Hypothesis property with the coverage tracer paused (see the module's docstring).

    Every running tracer is paused (``coverage.Coverage.current()`` until none is left): a
    pytest-xdist worker runs two, and pytest-cov's ``no_cover`` marker pauses only one.
    """
    paused: list[object] = []
    if _is_property(item) and not os.environ.get("ESCALATE_COVER_PROPERTIES"):
        try:
            import coverage  # noqa: PLC0415 - only when a property runs
        except ImportError:  # pragma: no cover - coverage is in the test group
            coverage = None
        while coverage is not None and (cov := coverage.Coverage.current()) is not None:
            cov.stop()
            paused.append(cov)
    try:
        return (yield)
    finally:
        for cov in reversed(paused):
            cov.start()  # type: ignore[attr-defined]
