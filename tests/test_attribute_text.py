"""Routes and plans read an incident's attributes by one rule, in every path.

:func:`escalate._checks.attribute_text`: text stripped, booleans as ``true``/``false``, a
whole number without its decimal point. ``evaluate``, ``evaluate_frame`` on a table of
incidents and on an :class:`~escalate.EventLog` must pick the same route for the same
value, whatever Python or pandas type carries it.
"""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from escalate import BadRowsWarning, EventLog, Timeline, evaluate, evaluate_frame, load_policy
from escalate._checks import attribute_text

OPENED = "2026-01-13T08:00:00-05:00"
AS_OF = "2026-01-13T09:00:00-05:00"
POLICY = load_policy(
    {
        "clock": "24x7",
        "severities": {"alta": {"response": "2h", "resolution": "8h"}},
        "tiers": [{"level": 1, "name": "Desk", "trigger": "open"}],
        "routes": [
            {
                "name": "vip",
                "when": {"vip": ["true", "1", "gold"]},
                "tiers": [{"level": 1, "name": "VIP desk", "trigger": "open"}],
            }
        ],
    }
)

values = st.one_of(
    st.none(),  # an attribute cleared: no value, as an empty cell
    st.booleans(),
    st.integers(-3, 3),
    st.integers(-3, 3).map(float),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.integers(-3, 3).map(np.float32),
    st.sampled_from(
        ["true", "True", " TRUE ", "1", "1.0", "gold", " gold", "Gold", "false", "N/A", "none"]
    ),
)


def test_the_rule_on_examples():
    """The spelling a policy author writes in TOML or JSON is what each value reads as."""
    assert attribute_text(True) == "true"
    assert attribute_text(np.bool_(False)) == "false"
    assert attribute_text(1.0) == "1"
    assert attribute_text(np.float64(2.0)) == "2"
    assert attribute_text(1.5) == "1.5"
    assert attribute_text(" gold ") == "gold"
    assert attribute_text(7) == "7"
    assert attribute_text(np.float32(1.0)) == "1"
    assert attribute_text(" TRUE ") == attribute_text("False").replace("false", "true")
    assert attribute_text("N/A") == "N/A"  # a value given is read as given
    assert attribute_text(10**5000) is None  # no text: it matches nothing
    assert attribute_text(None) is None  # no value: not the text "None"


@given(values)
@settings(deadline=None)
def test_every_path_routes_a_value_alike(value):
    """evaluate, a table of incidents and an event log pick the same route for ``value``."""
    expected = "vip" if attribute_text(value) in {"true", "1", "gold"} else None
    timeline = Timeline.open(OPENED, severity="alta", vip=value)
    assert evaluate(POLICY, timeline, as_of=AS_OF).route == expected
    # a web request's JSON body, where the value survives JSON
    if type(value) in {bool, int, float, str} and not (
        isinstance(value, float) and not math.isfinite(value)
    ):
        body = json.loads(
            json.dumps({"type": "opened", "at": OPENED, "severity": "alta", "vip": value})
        )
        assert evaluate(POLICY, Timeline.from_events([body]), as_of=AS_OF).route == expected
    table = pd.DataFrame(
        {"id": ["A"], "opened": [pd.Timestamp(OPENED)], "severity": ["alta"], "vip": [value]}
    )
    assert _table_routes(table, POLICY) == [[expected]] * 2


#: A route per reading of a value, so that values hashing alike (True, 1, 1.0) must part.
APART = load_policy(
    {
        **POLICY.to_dict(),
        "routes": [
            {"name": name, "when": {"vip": text}, "tiers": [{"level": 1, "name": name, "trigger": "open"}]}
            for name, text in (("yes", "true"), ("no", "false"), ("one", "1"), ("zero", "0"),
                               ("gold", "gold"))
        ],
    }
)  # fmt: skip
_APART = {"true": "yes", "false": "no", "1": "one", "0": "zero", "gold": "gold"}


@given(st.lists(values, min_size=2, max_size=6))
@settings(deadline=None, max_examples=60)
def test_values_of_mixed_types_in_one_column_route_each_by_its_own_text(column):
    """True, 1 and 1.0 in one column (a JSON export) are each read as themselves.

    pandas hashes them alike; a table read them all as whichever came first.
    """
    ids = [f"I{k}" for k in range(len(column))]
    expected = [_APART.get(attribute_text(value)) for value in column]
    scalar = [
        evaluate(APART, Timeline.open(OPENED, severity="alta", vip=v), as_of=AS_OF).route
        for v in column
    ]
    assert scalar == expected
    table = pd.DataFrame(
        {"id": ids, "opened": [pd.Timestamp(OPENED)] * len(ids), "severity": ["alta"] * len(ids),
         "vip": pd.Series(column, dtype=object)}
    )  # fmt: skip
    assert _table_routes(table, APART) == [expected] * 2


def _table_routes(table: pd.DataFrame, policy) -> list[list]:
    """The route of each incident of ``table`` (ids in order), per path (``None``: none).

    evaluate_frame on the table, then on the same incidents as an event log.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the table's missing responded/resolved columns
        wide = evaluate_frame(table, policy, as_of=AS_OF)
        events = table.rename(columns={"opened": "at"}).assign(type="opened")
        log = evaluate_frame(EventLog.from_events(events, attributes=["vip"]), policy, as_of=AS_OF)
    ids = table["id"].tolist()
    return [
        [None if pd.isna(r) else r for r in result.set_index("id").loc[ids, "route"]]
        for result in (wide, log)
    ]


def test_a_column_of_numbers_with_gaps_routes_its_whole_numbers():
    """Pandas holds 1 as 1.0 in a column with a gap: it is still the value 1."""
    table = pd.DataFrame(
        {
            "id": ["A", "B"],
            "opened": [pd.Timestamp(OPENED)] * 2,
            "responded": [pd.NaT] * 2,
            "resolved": [pd.NaT] * 2,
            "severity": ["alta"] * 2,
            "vip": [1, None],
        }
    )
    assert table["vip"].dtype == np.float64
    with warnings.catch_warnings():
        warnings.simplefilter("error", BadRowsWarning)
        result = evaluate_frame(table, POLICY, as_of=AS_OF)
    assert result["route"].tolist()[0] == "vip"
    assert pd.isna(result["route"].tolist()[1])


def test_a_route_written_true_matches_booleans_and_their_text():
    """A route on "True" reads as "true": booleans, and TRUE or True cells, match it."""
    data = POLICY.to_dict()
    data["routes"][0]["when"] = {"vip": "True"}
    policy = load_policy(data)
    assert policy.routes[0].when == {"vip": ("true",)}
    for value in (True, np.bool_(True), "TRUE", "true", " True"):
        timeline = Timeline.open(OPENED, severity="alta", vip=value)
        assert evaluate(policy, timeline, as_of=AS_OF).route == "vip", value


def test_a_log_read_with_its_own_missing_values_routes_alike_in_both_paths():
    """missing=("",) keeps "none" a value: evaluate and evaluate_frame route it alike."""
    data = POLICY.to_dict()
    data["routes"][0]["when"] = {"contract": "none"}
    policy = load_policy(data)
    events = pd.DataFrame(
        {"id": ["A"], "type": ["opened"], "at": [pd.Timestamp(OPENED)], "severity": ["alta"],
         "contract": ["none"]}
    )  # fmt: skip
    log = EventLog.from_events(events, attributes=["contract"], missing=("",))
    scalar = evaluate(policy, log.timeline("A"), as_of=AS_OF).route
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = evaluate_frame(log, policy, as_of=AS_OF)["route"].iloc[0]
    assert scalar == table == "vip"


def test_an_attribute_cleared_matches_no_route_on_any_path():
    """None (a field cleared) is no value: not the text "None", on every path."""
    data = POLICY.to_dict()
    data["routes"][0]["when"] = {"vip": "None"}
    policy = load_policy(data)
    timeline = Timeline.open(OPENED, severity="alta", vip=None)
    assert evaluate(policy, timeline, as_of=AS_OF).route is None
    body = json.loads(json.dumps({"type": "opened", "at": OPENED, "severity": "alta", "vip": None}))
    assert evaluate(policy, Timeline.from_events([body]), as_of=AS_OF).route is None
    table = pd.DataFrame(
        {"id": ["A"], "opened": [pd.Timestamp(OPENED)], "severity": ["alta"],
         "vip": pd.Series([None], dtype=object)}
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert pd.isna(evaluate_frame(table, policy, as_of=AS_OF)["route"].iloc[0])
