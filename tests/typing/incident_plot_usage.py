"""Real usage of ``plot_incident``, checked by ``mypy --strict`` and never run."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from escalate import Evaluation, Timeline, evaluate, load_policy, plot_incident

if TYPE_CHECKING:
    from matplotlib.figure import Figure

BOGOTA = ZoneInfo("America/Bogota")
policy = load_policy("examples/policies/seed_003_saas.toml")
timeline = (
    Timeline.open(datetime(2026, 1, 15, 15, tzinfo=BOGOTA), severity="alta")
    .pause(datetime(2026, 1, 16, 9, tzinfo=BOGOTA), reason="waiting for customer")
    .resume(datetime(2026, 1, 19, 10, tzinfo=BOGOTA))
)
ev: Evaluation = evaluate(policy, timeline, as_of=datetime(2026, 1, 20, 12, tzinfo=BOGOTA))
figure: Figure = plot_incident(ev)
in_madrid: Figure = plot_incident(ev, zone="Europe/Madrid")
figure.savefig("incident.png", bbox_inches="tight")
