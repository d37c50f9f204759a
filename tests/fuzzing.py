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
import warnings
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from hypothesis import HealthCheck, assume, settings

from escalate import BadRowsWarning, EscalateError

T = TypeVar("T")

DEEP = os.environ.get("HYPOTHESIS_PROFILE") == "fuzz"
DEEP_FACTOR = 40
DEADLINE = timedelta(seconds=60)


def fuzz_settings(examples: int) -> settings:
    """Settings for a fuzz test: ``examples`` inputs by default, 40 times more when deep."""
    return settings(
        max_examples=examples * DEEP_FACTOR if DEEP else examples,
        deadline=DEADLINE,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        print_blob=True,
    )


DOCUMENTED: dict[str, tuple[type[Exception], ...]] = {
    "Calendar.from_dict": (ValueError,),
    "Calendar methods": (TypeError, ValueError, OverflowError),
    "load_policy": (ValueError,),
    "availability": (TypeError, ValueError, OverflowError),
    "availability_frame": (TypeError, ValueError, OverflowError),
    "Timeline.from_events": (ValueError, OverflowError),
    "evaluate": (TypeError, ValueError, OverflowError),
    "evaluate_frame": (TypeError, ValueError, OverflowError),
}
"""The builtins ``docs/reference/errors.md`` documents for each entry point's errors."""


def outcome(entry: str, call: Callable[[], T]) -> T | EscalateError:
    """Return what ``call`` returns, or the documented EscalateError it raises.

    Any other exception propagates and fails the test; so does an EscalateError that is
    not an instance of a builtin documented for ``entry``, or one without problems or
    with a message longer than a bounded excerpt allows. Bad rows of a table are what
    the fuzzers send, so their warning is silenced.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", BadRowsWarning)
            return call()
    except EscalateError as caught:
        error = caught
    assert isinstance(error, DOCUMENTED[entry]), f"{entry}: {type(error).__name__}"
    assert error.problems
    assert len(str(error)) < 20_000
    return error


def junk_table(rows: list[dict[str, Any]], instants: tuple[str, ...], *, aware: bool) -> Any:
    """A table of generated rows, every column of objects.

    With ``aware``, the ``instants`` columns are converted to a tz-aware dtype as a CSV
    reader would; an example whose cells pandas cannot convert is skipped.
    """
    import pandas as pd  # noqa: PLC0415 - the pandas extra is a test dependency

    table = pd.DataFrame(rows, dtype=object)
    for column in instants if aware else ():
        if column in table:
            try:
                # pandas' own warnings about junk ("could not infer format", mixed types
                # deprecated in pandas 3): this only builds the input, as a reader would
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    table[column] = pd.to_datetime(table[column], utc=True)
            except (TypeError, ValueError, OverflowError):  # OutOfBoundsDatetime too
                assume(False)
    return table
