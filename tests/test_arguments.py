"""Arguments of the wrong kind at the public entry points: a typed error, never a traceback.

Each public function that takes a policy, a timeline or a table is called with something
else in its place (a file name, a list of rows, the arguments swapped). Each must raise an
:class:`~escalate.EscalateError` whose message names the argument and says how to make
the right thing, instead of an ``AttributeError`` from deep inside.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest

import escalate as esc
from escalate import (
    ConfigError,
    EscalateError,
    EventLog,
    InvalidArgumentError,
    InvalidDurationError,
    Timeline,
    load_policy,
)

POLICY = load_policy("examples/policies/servicenow_desk.toml")
AS_OF = "2016-03-02T00:00:00-03:00"
TIMELINE = Timeline.open("2016-03-01T09:00:00-03:00", severity="2 - High", status="New")
TABLE = pd.DataFrame(
    {"id": ["a"], "type": ["opened"], "at": ["2016-03-01T09:00:00-03:00"], "severity": ["2 - High"]}
)
LOG = EventLog.from_events(TABLE)
ROWS = TABLE.to_dict("records")

CASES: list[tuple[str, Callable[[], Any], type[EscalateError], list[str]]] = [
    (
        "evaluate, a file name for the policy",
        lambda: esc.evaluate("servicenow_desk.toml", TIMELINE, as_of=AS_OF),
        InvalidArgumentError,
        ["policy must be a Policy or PolicyVersions, got str", "escalate.load_policy(path"],
    ),
    (
        "evaluate, the arguments swapped",
        lambda: esc.evaluate(TIMELINE, POLICY, as_of=AS_OF),
        InvalidArgumentError,
        ["must be a Policy or PolicyVersions, got Timeline", "the policy comes first, then"],
    ),
    (
        "evaluate, rows for the timeline",
        lambda: esc.evaluate(POLICY, ROWS, as_of=AS_OF),
        InvalidArgumentError,
        ["timeline must be a Timeline, got list", "Timeline.from_events(events)"],
    ),
    (
        "evaluate_frame, rows for the table",
        lambda: esc.evaluate_frame(ROWS, POLICY, as_of=AS_OF),
        ConfigError,
        ["incidents: expected a pandas or polars DataFrame, got list", "pandas.DataFrame"],
    ),
    (
        "evaluate_frame, a file name for the policy",
        lambda: esc.evaluate_frame(LOG, "servicenow_desk.toml", as_of=AS_OF),
        InvalidArgumentError,
        ["policy must be a Policy or PolicyVersions, got str"],
    ),
    (
        "evaluate_frame, rows for the pauses",
        lambda: esc.evaluate_frame(
            TABLE.rename(columns={"at": "opened"}),
            POLICY,
            as_of=AS_OF,
            columns={"responded": None, "resolved": None},
            pauses=[("a", "2016-03-01T10:00:00-03:00", None)],
        ),
        ConfigError,
        ["pauses: expected a pandas or polars DataFrame, got list"],
    ),
    (
        "compare, a file name for a policy",
        lambda: esc.compare(LOG, POLICY, "other.toml", as_of=AS_OF),
        InvalidArgumentError,
        ["after must be a Policy or PolicyVersions, got str"],
    ),
    (
        "ledger, a table for the log",
        lambda: esc.ledger(TABLE, POLICY, as_of=AS_OF),
        InvalidArgumentError,
        ["log must be an EventLog", "EventLog.from_events(table)"],
    ),
    (
        "ledger, a file name for the policy",
        lambda: esc.ledger(LOG, "servicenow_desk.toml", as_of=AS_OF),
        InvalidArgumentError,
        ["policy must be a Policy or PolicyVersions, got str"],
    ),
    (
        "policy_warnings, a file name",
        lambda: esc.policy_warnings("servicenow_desk.toml"),
        InvalidArgumentError,
        ["policy must be a Policy, got str"],
    ),
    (
        "compliance, rows",
        lambda: esc.compliance(ROWS),
        ConfigError,
        ["results: expected a pandas or polars DataFrame, got list"],
    ),
    (
        "compliance, a confidence of 95",
        lambda: esc.compliance(esc.evaluate_frame(LOG, POLICY, as_of=AS_OF), confidence=95),
        ConfigError,
        ["confidence: must be a number between 0 and 1, got 95"],
    ),
    (
        "compliance, a confidence as text",
        lambda: esc.compliance(esc.evaluate_frame(LOG, POLICY, as_of=AS_OF), confidence="0.95"),
        ConfigError,
        ["confidence: must be a number between 0 and 1, got '0.95'"],
    ),
    (
        "survival, no confidence",
        lambda: esc.survival(esc.evaluate_frame(LOG, POLICY, as_of=AS_OF), confidence=None),
        ConfigError,
        ["confidence: must be a number between 0 and 1, got None"],
    ),
    (
        "evaluate_frame, a column twice",
        lambda: esc.evaluate_frame(
            pd.concat([TABLE, TABLE[["severity"]]], axis=1), POLICY, as_of=AS_OF
        ),
        ConfigError,
        ["incidents: the table has more than one column named 'severity'; rename or drop"],
    ),
    (
        "EventLog.from_events, a column twice",
        lambda: EventLog.from_events(pd.concat([TABLE, TABLE[["at"]]], axis=1)),
        ConfigError,
        ["table: the table has more than one column named 'at'"],
    ),
    (
        "survival, rows",
        lambda: esc.survival(ROWS),
        ConfigError,
        ["results: expected a pandas or polars DataFrame, got list"],
    ),
    (
        "format_duration, text",
        lambda: esc.format_duration("2h"),
        InvalidDurationError,
        ["duration must be a datetime.timedelta, got str '2h'"],
    ),
    (
        "ola, rows",
        lambda: esc.ola(ROWS, goals={"G1": "1h"}),
        ConfigError,
        ["table: expected a pandas or polars DataFrame, got list"],
    ),
]


@pytest.mark.parametrize(
    ("call", "error", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_a_wrong_argument_is_a_typed_error_that_says_how_to_mend_it(call, error, words):
    """The error is escalate's, of the documented kind, and names the fix."""
    with pytest.raises(error) as info:
        call()
    for word in words:
        assert word in str(info.value)


def test_plots_take_only_tables_with_the_columns_they_draw():
    """A plot of something that is no results table says so before drawing anything."""
    pytest.importorskip("matplotlib", reason="the plots need the 'plot' extra")
    with pytest.raises(ConfigError, match="results: expected a pandas or polars DataFrame"):
        esc.plot_elapsed(ROWS)
    with pytest.raises(ConfigError, match="no columns 'resolutoin_status'"):
        esc.plot_elapsed(esc.evaluate_frame(LOG, POLICY, as_of=AS_OF), target="resolutoin")


def test_an_unknown_name_lists_the_known_ones_in_plain_english():
    """The hint of an unknown severity lists the severities (not "severitys")."""
    with pytest.raises(ConfigError) as info:
        POLICY.severity("5 - Planning")
    assert "known severities: '1 - Critical', '2 - High'" in str(info.value)


@pytest.mark.parametrize(
    "group",
    [
        lambda results, by: esc.compliance(results, by=by),
        lambda results, by: esc.survival(results, by=by).summary,
        lambda results, by: esc.compare(LOG, POLICY, POLICY, as_of=AS_OF, by=by).compliance,
        lambda results, by: esc.ledger(LOG, POLICY, as_of=AS_OF, by=by),
    ],
)
def test_one_column_name_in_by_is_that_column(group: Callable[[Any, Any], Any]):
    """``by="severity"`` groups as ``by=["severity"]`` does, never on its letters."""
    results = esc.evaluate_frame(LOG, POLICY, as_of=AS_OF)
    pd.testing.assert_frame_equal(group(results, "severity"), group(results, ["severity"]))
