"""Every warning escalate emits names the caller's line, however deep the call that warns.

A warning is only useful where it points: ``warnings`` shows the file and line of the
frame it is attributed to, and filters match on it. Each call path below reaches a
warning at a different depth inside escalate (an incident column, a pause table, a
policy version's group, a ledger); each must name this file.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import pytest

from escalate import (
    BadRowsWarning,
    EscalateWarning,
    EventLog,
    MissingColumnsWarning,
    compare,
    evaluate_frame,
    ledger,
    load_policy,
    load_versions,
)

DESK = load_policy("examples/policies/servicenow_desk.toml")
VERSIONS = load_versions(
    {
        "versions": [
            {"policy": DESK.to_dict()},
            {
                "effective": "2016-06-01",
                "changes": {"severities": {"2 - High": {"response": "1h"}}},
            },
        ]
    }
)
AS_OF = datetime(2016, 11, 1, tzinfo=UTC)
NO_EVENTS = {"responded": None, "resolved": None}
SAO_PAULO = "America/Sao_Paulo"
TWICE = "2016-02-20 23:30"  # São Paulo's clocks went back at midnight ending this day


def _incidents(severity: str = "2 - High", opened: str = "2016-03-01 09:00") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ["a", "b"],
            "opened": pd.to_datetime(["2016-03-01 09:00", opened]).tz_localize(SAO_PAULO),
            "severity": ["2 - High", severity],
        }
    )


def _log() -> EventLog:
    rows = pd.DataFrame(
        {
            "id": ["a", "a", "b"],
            "type": ["opened", "status", "opened"],
            "at": pd.to_datetime(["2016-03-01 12:00", "2016-03-01 13:00", "2016-03-02 12:00"]),
            "severity": ["2 - High", None, "2 - High"],
            "status": ["New", "Unheard of", "New"],
        }
    )
    return EventLog.from_events(rows, timezone="UTC")


def _naive_twice() -> pd.DataFrame:
    return _incidents().assign(opened=pd.to_datetime(["2016-03-01 09:00", TWICE]))


CALLS: dict[str, tuple[type[Warning], Callable[[], Any]]] = {
    "an incident table without event columns": (
        MissingColumnsWarning,
        lambda: evaluate_frame(_incidents(), DESK, as_of=AS_OF),
    ),
    "a bad incident row": (
        BadRowsWarning,
        lambda: evaluate_frame(_incidents("urgent"), DESK, as_of=AS_OF, columns=NO_EVENTS),
    ),
    "an incident column's wall time that happens twice": (
        EscalateWarning,
        lambda: evaluate_frame(
            _naive_twice(), DESK, as_of=AS_OF, timezone=SAO_PAULO, columns=NO_EVENTS
        ),
    ),
    "a pause table's wall time that happens twice": (
        EscalateWarning,
        lambda: evaluate_frame(
            _naive_twice().assign(opened=pd.Timestamp("2016-02-01 09:00")),
            DESK,
            as_of=AS_OF,
            timezone=SAO_PAULO,
            columns=NO_EVENTS,
            pauses=pd.DataFrame(
                {"id": ["a"], "start": [pd.Timestamp(TWICE)], "end": [pd.Timestamp("2016-03-01")]}
            ),
        ),
    ),
    "a bad incident in a log": (
        BadRowsWarning,
        lambda: evaluate_frame(_log(), DESK, as_of=AS_OF),
    ),
    "a bad incident in a ledger": (
        BadRowsWarning,
        lambda: ledger(_log(), DESK, as_of=AS_OF, by=["status"]),
    ),
    "a missing column in a comparison": (
        MissingColumnsWarning,
        lambda: compare(_incidents(), DESK, VERSIONS.latest.policy, as_of=AS_OF),
    ),
    "a missing column under policy versions": (
        MissingColumnsWarning,
        lambda: evaluate_frame(_incidents(), VERSIONS, as_of=AS_OF),
    ),
    "a bad row under policy versions": (
        BadRowsWarning,
        lambda: evaluate_frame(_incidents("urgent"), VERSIONS, as_of=AS_OF, columns=NO_EVENTS),
    ),
}


@pytest.mark.parametrize("case", sorted(CALLS))
def test_each_warning_names_the_callers_line(case: str):
    """The warning expected is emitted, and every escalate warning names this file."""
    category, call = CALLS[case]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    ours = [w for w in caught if issubclass(w.category, EscalateWarning)]
    assert any(issubclass(w.category, category) for w in ours), [str(w.message) for w in ours]
    assert {w.filename for w in ours} == {__file__}
