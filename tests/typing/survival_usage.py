"""Real usage of the survival API, checked by ``mypy --strict`` and never run."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pandas as pd

from escalate import SurvivalReport, evaluate_frame, load_policy, plot_survival, survival

if TYPE_CHECKING:
    from matplotlib.figure import Figure

policy = load_policy("examples/policies/seed_003_saas.toml")
tickets = pd.read_parquet("tickets.parquet")
as_of = datetime(2026, 7, 1, 9, 0, tzinfo=ZoneInfo("America/Bogota"))
results: pd.DataFrame = evaluate_frame(tickets, policy, as_of=as_of)

report: SurvivalReport = survival(results, by=["severity", "month"], targets=["resolution"])
curve: pd.DataFrame = report.curve
summary: pd.DataFrame = report.summary
level: float = report.confidence
by_team = survival(results, by=("team",), scale="goal", confidence=0.9)
figure: Figure = plot_survival(results, target="response", by="team", scale="goal")
