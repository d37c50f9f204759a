"""The public conformance vectors (peers' test cases restated in escalate's conventions) all pass."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from escalate import Calendar
from tests.reference import to_us

VECTORS: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "data" / "conformance_public.json").read_text(encoding="utf-8")
)["vectors"]


@cache
def _calendar(text: str) -> Calendar:
    spec = json.loads(text)
    hours = {day: [f"{a}-{b}" for a, b in pairs] for day, pairs in spec["week"].items() if pairs}
    return Calendar(timezone=spec["timezone"], hours=hours, holidays=spec.get("holidays") or None)


def calendar_of(vector: dict[str, Any]) -> Calendar:
    """Build (once per distinct definition) the calendar of a vector, week pairs as strings."""
    return _calendar(json.dumps(vector["calendar"], sort_keys=True))


def test_there_are_474_vectors_with_unique_ids() -> None:
    """The vector file holds 474 vectors, each with a unique id and a known op."""
    assert len(VECTORS) == 474
    assert len({v["id"] for v in VECTORS}) == 474
    assert {v["op"] for v in VECTORS} == {"add", "between"}


@pytest.mark.parametrize("vector", VECTORS, ids=[v["id"] for v in VECTORS])
def test_vector(vector: dict[str, Any]) -> None:
    """The vector's add result (instant and UTC offset) or between result matches exactly."""
    cal = calendar_of(vector)
    start = datetime.fromisoformat(vector["start"])
    if vector["op"] == "add":
        got = cal.add(start, timedelta(seconds=vector["duration_seconds"]))
        expected = datetime.fromisoformat(vector["expected"])
        assert to_us(got) == to_us(expected), (got.isoformat(), vector["expected"])
        assert got.utcoffset() == expected.utcoffset(), (got.isoformat(), vector["expected"])
    else:
        got_delta = cal.between(start, datetime.fromisoformat(vector["end"]))
        assert got_delta == timedelta(seconds=vector["expected_seconds"])
