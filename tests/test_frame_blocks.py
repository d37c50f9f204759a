"""``evaluate_frame`` in blocks: the block size never changes the answer; categorical output.

The engine takes a table a block of incidents at a time. Whatever the block size (one
incident, a few, the whole table), the output is the same frame, on random incident
tables (pauses and bad rows included) and on random event logs.
"""

from __future__ import annotations

import os
import warnings
from unittest import mock

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from escalate import ConfigError, EventLog, _lower, _lower_log, evaluate_frame
from escalate._frame import output_columns
from escalate._plan import compiled
from tests.test_frame import AS_OF, SAAS, small_table, tables
from tests.test_table import logs

WHOLE = 10**9  # one block for any table drawn here


def _quiet(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return evaluate_frame(*args, **kwargs)


@given(tables(), st.integers(1, 4))
@settings(max_examples=settings.default.max_examples * 2 // 5)
def test_block_size_does_not_change_a_tables_answer(table, size):
    """Blocks of 1-4 rows give the frame one block gives, bad rows and pauses included."""
    policy, frame, pauses, as_of = table
    whole = _quiet(frame, policy, as_of=as_of, pauses=pauses, block_size=WHOLE)
    pd.testing.assert_frame_equal(
        _quiet(frame, policy, as_of=as_of, pauses=pauses, block_size=size), whole
    )


@given(logs(), st.integers(1, 3), st.integers(1, 12))
@settings(max_examples=int(os.environ.get("TABLE_EXAMPLES", "60")) // 2, deadline=None)
def test_block_size_does_not_change_a_logs_answer(case, size, events):
    """A log evaluated 1-3 incidents (and 1-12 events) at a time equals one block.

    A block holds at most ``size`` incidents and ``BLOCK_EVENTS`` events, but always one
    incident at least: an incident with more events than that has a block of its own.
    """
    policy, frame, _timelines, as_of = case
    attributes = [c for c in ("plan", "category", "group") if c in frame.columns]
    log = EventLog.from_events(frame, attributes=attributes)
    whole = _quiet(log, policy, as_of=as_of, block_size=WHOLE)
    with mock.patch.object(_lower, "BLOCK_EVENTS", events):
        blocks = _quiet(log, policy, as_of=as_of, block_size=size)
    pd.testing.assert_frame_equal(blocks, whole)


def test_a_log_block_holds_at_most_block_events_events():
    """Blocks of a log end at an incident's last event, within both limits."""
    frame = pd.DataFrame(
        {
            "id": [f"i{k // 3}" for k in range(30)],
            "type": ["opened", "responded", "resolved"] * 10,
            "at": pd.date_range("2026-01-05 09:00", periods=30, freq="min", tz="UTC"),
            "severity": ["alta"] * 30,
        }
    )
    log = EventLog.from_events(frame)
    low = _lower_log._log(SAAS, log, compiled(SAAS), source=False)
    with mock.patch.object(_lower, "BLOCK_EVENTS", 7):
        sizes = [(ev.n, ev.inc.size) for ev, _rows in low.blocks(4)]
    assert sizes == [(2, 6)] * 5  # 3 incidents would be 9 events: 2 per block
    with mock.patch.object(_lower, "BLOCK_EVENTS", 1):
        assert [ev.n for ev, _rows in low.blocks(4)] == [1] * 10  # one incident at least
    assert [ev.n for ev, _rows in low.blocks(4)] == [4, 4, 2]  # the default: incidents bound


@given(tables())
@settings(max_examples=settings.default.max_examples // 5)
def test_categorical_columns_hold_the_same_values(table):
    """categorical=True changes the text columns' dtype, never a value."""
    policy, frame, pauses, as_of = table
    plain = _quiet(frame, policy, as_of=as_of, pauses=pauses)
    cat = _quiet(frame, policy, as_of=as_of, pauses=pauses, categorical=True)
    text = [name for name, kind in output_columns(policy) if kind == "string"]
    assert text
    assert all(cat[c].dtype == "category" for c in text)
    assert all(cat[c].cat.categories.is_unique for c in text)
    pd.testing.assert_frame_equal(cat.astype(dict.fromkeys(text, "string")), plain)


def test_categorical_statuses_and_names():
    """The seed table's status and tier-name columns as categories, NA where absent."""
    out = _quiet(small_table(), SAAS, as_of=AS_OF, categorical=True)
    assert out["response_status"].dtype == "category"
    assert set(out["response_status"].cat.categories) == {
        "pending",
        "running",
        "paused",
        "met",
        "breached",
    }
    assert out["error"].isna().all()
    assert out["tier_name"].dtype == "category"


@pytest.mark.parametrize("size", [0, -5, 2.5, True, "10"])
def test_block_size_must_be_a_positive_whole_number(size):
    """A block size that is not a positive int is refused, naming the option."""
    with pytest.raises(ConfigError, match="block_size must be a positive whole number") as info:
        evaluate_frame(small_table(), SAAS, as_of=AS_OF, block_size=size)
    assert info.value.paths == ("block_size",)


def test_lists_in_a_text_column_are_read_as_their_text():
    """A list in the severity column (junk) is an unknown severity, not a crash."""
    frame = small_table()
    frame["severity"] = pd.Series(["alta", ["alta"], "alta"], index=frame.index, dtype=object)
    out = _quiet(frame, SAAS, as_of=AS_OF)
    assert out["error"].isna().tolist() == [True, False, True]
    assert "unknown severity \"['alta']\"" in out["error"].iloc[1]
