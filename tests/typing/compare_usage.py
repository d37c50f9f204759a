"""Real usage of the what-if API, checked by ``mypy --strict`` and never run."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pandas as pd

from escalate import Comparison, compare, load_policy, paired_difference

before = load_policy("policy.toml")
after = load_policy("new_goals.toml")
tickets = pd.read_csv("last_quarter.csv")
as_of = datetime(2026, 10, 1, tzinfo=ZoneInfo("America/Bogota"))

result: Comparison = compare(tickets, before, after, as_of=as_of, by=["severity", "month"])
changes: pd.DataFrame = result.changes
table: pd.DataFrame = result.compliance
summary: pd.DataFrame = result.summary
sides: tuple[pd.DataFrame, pd.DataFrame] = (result.before, result.after)
level: float = result.confidence
quarterly = compare(tickets, before, after, as_of="2026-10-01T00:00-05:00", freq="Q")
difference, low, high = paired_difference(59, 6, 16, 80, confidence=0.9)
share: float = difference + low + high
