"""How hard the fuzz tests try: a few seconds each by default, far more on request.

The fuzz tests (``tests/test_fuzz*.py`` and the HTTP fuzz test of the web example) take
their settings from :func:`fuzz_settings`. By default each tries a few dozen generated
inputs, so that the suite stays fast; ``HYPOTHESIS_PROFILE=fuzz`` multiplies that by
``DEEP_FACTOR`` for a long hunt::

    HYPOTHESIS_PROFILE=fuzz python -m pytest -n 2 tests/test_fuzz*.py tests/test_web_service.py

Each generated call must return, or raise a documented error, within ``DEADLINE``: a
generous bound (calls take milliseconds) that catches hangs and runaway searches without
timing anything on a shared, noisy machine.
"""

from __future__ import annotations

import os
from datetime import timedelta

from hypothesis import HealthCheck, settings

DEEP = os.environ.get("HYPOTHESIS_PROFILE") == "fuzz"
DEEP_FACTOR = 40
DEADLINE = timedelta(seconds=10)


def fuzz_settings(examples: int) -> settings:
    """Settings for a fuzz test: ``examples`` inputs by default, 40 times more when deep."""
    return settings(
        max_examples=examples * DEEP_FACTOR if DEEP else examples,
        deadline=DEADLINE,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        print_blob=True,
    )
