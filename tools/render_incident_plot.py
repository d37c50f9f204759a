# ruff: noqa: INP001 - a maintenance script, not a package
"""Render the disputed incident of the how-to, as docs/_static/incident.png.

It draws the incident of ``docs/how-to/dispute-a-breach.md`` (the same policy and events:
change both together) with :func:`escalate.plot_incident`.

Run it with: python tools/render_incident_plot.py
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import escalate

ROOT = Path(__file__).parent.parent
OUT = ROOT / "docs" / "_static" / "incident.png"
BOGOTA = ZoneInfo("America/Bogota")

POLICY = {
    "clock": "office",
    "calendars": {
        "office": {
            "timezone": "America/Bogota",
            "hours": {"mon-fri": ["07:30-12:30", "13:30-17:00"]},
            "holidays": {"country": "CO"},
        }
    },
    "severities": {
        "alta": {"response": "2h", "resolution": {"duration": "8h", "warning": "6h"}},
        "baja": {"response": "8h", "resolution": "80h"},
    },
    "tiers": [
        {"level": 1, "name": "Desk", "trigger": "open"},
        {"level": 2, "name": "Lead", "trigger": {"of": "resolution", "percent": 50}},
        {"level": 3, "name": "Manager", "trigger": {"breach": "resolution"}},
    ],
}


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """An instant in January 2026, Bogota time."""
    return datetime(2026, 1, day, hour, minute, tzinfo=BOGOTA)


def incident() -> escalate.Evaluation:
    """The how-to's incident, evaluated the day it was resolved."""
    timeline = (
        escalate.Timeline.open(at(15, 15), severity="baja")
        .change_severity(at(15, 16), "alta")
        .respond(at(15, 16, 30))
        .pause(at(16, 9), reason="waiting for customer")
        .resume(at(19, 10))
        .resolve(at(20, 11))
    )
    return escalate.evaluate(escalate.load_policy(POLICY), timeline, as_of=at(20, 12))


def main() -> None:
    """Plot and save the figure at a small size."""
    figure = escalate.plot_incident(incident())
    OUT.parent.mkdir(parents=True, exist_ok=True)
    # no timestamp or software version in the file, so re-rendering gives the same bytes
    figure.savefig(OUT, dpi=80, metadata={"Software": None})
    sys.stdout.write(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size // 1024} KB)\n")


if __name__ == "__main__":
    main()
