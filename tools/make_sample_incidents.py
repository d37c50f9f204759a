# ruff: noqa: INP001 - a maintenance script, not a package
"""Regenerate the sample incidents that ``escalate demo`` ships with.

The incidents are fictitious: a SaaS help desk in Bogotá on the seed 003 policy, October
and November 2026. The generator is seeded, so running it again gives the same file.

Run it with: python tools/make_sample_incidents.py
"""

from __future__ import annotations

import csv
import random
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

OUT = Path(__file__).parent.parent / "src" / "escalate" / "_data" / "sample_incidents.csv"
BOGOTA = ZoneInfo("America/Bogota")
COUNT = 200
SEVERITIES = (("alta", 0.2), ("normal", 0.5), ("baja", 0.3))
CATEGORIES = ("functional", "training", "commercial", "tickets", "complaints", "billing", "other")
TEAMS = ("Andes", "Caribe", "Pacífico")
FIRST_DAY = datetime(2026, 10, 1, tzinfo=BOGOTA)
DAYS = 58  # 1 October .. 27 November 2026


def _opened(rng: random.Random) -> datetime:
    """A plausible opening instant: mostly office hours on weekdays, sometimes not."""
    day = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
    hour = rng.choice((7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 16, 19, 22))
    return day.replace(hour=hour, minute=rng.randrange(0, 60, 5))


def rows(seed: int = 3) -> list[dict[str, str]]:
    """Return the sample incidents, oldest first, as CSV rows of ISO 8601 strings."""
    rng = random.Random(seed)  # noqa: S311 - sample data, not secrets
    names = [name for name, _ in SEVERITIES]
    weights = [weight for _, weight in SEVERITIES]
    found: list[tuple[datetime, str, str, str, datetime | None, datetime | None]] = []
    for _ in range(COUNT):
        opened = _opened(rng)
        severity = rng.choices(names, weights)[0]
        # wall-clock gaps: the evaluator decides how much of them is business time
        responded = opened + timedelta(minutes=rng.choice((5, 20, 45, 90, 150, 300, 900, 1500)))
        resolved: datetime | None = responded + timedelta(
            hours=rng.choice((1, 3, 6, 20, 30, 50, 100, 200))
        )
        if rng.random() < 0.08:  # a few are still open on 30 November
            resolved = None
        if rng.random() < 0.03:  # and a few were never answered
            responded, resolved = None, None
        found.append(
            (opened, severity, rng.choice(CATEGORIES), rng.choice(TEAMS), responded, resolved)
        )
    found.sort(key=lambda row: row[0])
    return [
        {
            "id": f"SUP-{2001 + i}",
            "opened": opened.isoformat(),
            "responded": responded.isoformat() if responded else "",
            "resolved": resolved.isoformat() if resolved else "",
            "severity": severity,
            "category": category,
            "team": team,
            # no temporary fix shipped in the sample: the definitive-fix target never starts
            "workaround_applied": "",
            "fix_released": "",
        }
        for i, (opened, severity, category, team, responded, resolved) in enumerate(found)
    ]


def main() -> None:
    """Write the CSV file next to the bundled policy."""
    data = rows()
    with OUT.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(data[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(data)
    sys.stdout.write(f"wrote {len(data)} incidents to {OUT}\n")


if __name__ == "__main__":
    main()
