# ruff: noqa: INP001 - a maintenance script, not a package
"""Render the Kaplan-Meier plot of the censoring-aware how-to, as docs/_static/survival.png.

It draws the how-to's month-end report: the tickets of ``examples/generate_incidents.py``
(seeded, so the picture only changes when the generator or the library does) opened in
the 30 days before 1 July 2026 09:00, evaluated then on the seed 003 policy, and
:func:`escalate.plot_survival` of the resolution target per severity.

Run it with: python tools/render_survival_plot.py
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).parent.parent
OUT = ROOT / "docs" / "_static" / "survival.png"
sys.path.insert(0, str(ROOT / "examples"))

from generate_incidents import POLICY, generate  # noqa: E402

import escalate  # noqa: E402 - after the path set-up, like the generator above

REPORT_DAY = datetime(2026, 7, 1, 9, 0, tzinfo=ZoneInfo("America/Bogota"))


def main() -> None:
    """Generate, evaluate, plot and save the figure at a small size."""
    tickets, pauses = generate(n=5000, seed=7)
    opened = tickets["opened"]
    month = tickets[(opened >= REPORT_DAY - timedelta(days=30)) & (opened < REPORT_DAY)]
    results = escalate.evaluate_frame(
        month, escalate.load_policy(POLICY), pauses=pauses, as_of=REPORT_DAY
    )
    figure = escalate.plot_survival(results, target="resolution", by="severity")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    # no timestamp or software version in the file, so re-rendering gives the same bytes
    figure.savefig(OUT, dpi=80, metadata={"Software": None})
    sys.stdout.write(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size // 1024} KB)\n")


if __name__ == "__main__":
    main()
