"""Availability: a telecom's November against seed 004's 99.5% objective.

Seed 004 promises 99.5% availability per service and month. Downtime counts while the
service is in major or minor failure; planned work does not count when the customer was
told 5 working days ahead (corrective work counts whatever the notice); and incidents
outside the provider's own or its partners' infrastructure are excluded.

The script loads that policy from ``examples/policies/seed_004_telecom.toml``, measures a
fictitious month of outages, prints the explanation, and checks the figures worked out by
hand below, so running it is a test.

Run it with: python examples/availability.py
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from escalate import Outage, OutageReason, Period, availability, load_policy

POLICY = Path(__file__).parent / "policies" / "seed_004_telecom.toml"
MEXICO = ZoneInfo("America/Mexico_City")  # UTC-6 all year


def mx(day: int, hour: int, minute: int = 0) -> datetime:
    """An instant of November 2026 in Mexico City."""
    return datetime(2026, 11, day, hour, minute, tzinfo=MEXICO)


OUTAGES = [
    # A fibre cut by a third party's roadworks: outside the provider's infrastructure.
    Outage(id="INC-301", start=mx(4, 8), end=mx(4, 13), external=True),
    # A router failure, 10:00-11:30, and a minor failure 11:00-12:00 overlapping it:
    # together 2 hours (10:00-12:00), not 2h30m.
    Outage(id="INC-302", start=mx(10, 10), end=mx(10, 11, 30)),
    Outage(id="INC-303", start=mx(10, 11), end=mx(10, 12), kind="minor"),
    # Planned work announced on Monday 2 November: five working days (Tue 3 .. Mon 9)
    # make it excludable from Monday 9 November 10:00; it ran Tuesday 10, 01:00-03:00.
    Outage(
        id="CHG-88",
        start=mx(10, 1),
        end=mx(10, 3),
        planned=True,
        notified_at=mx(2, 10),
        kind="minor",
    ),
    # Planned work announced on Friday 20 November for Wednesday 25 at 02:00: only Mon 23
    # and Tue 24 are working days in between, so its 30 minutes count.
    Outage(
        id="CHG-91",
        start=mx(25, 2),
        end=mx(25, 2, 30),
        planned=True,
        notified_at=mx(20, 9),
        kind="minor",
    ),
]


def main() -> None:
    """Measure November and check the hand-worked figures."""
    policy = load_policy(POLICY)
    november = Period.month(2026, 11, timezone="America/Mexico_City")
    report = availability(policy, OUTAGES, november)
    print(report.explain())

    # November has 30 days = 720 h; 0.5% of that is 3.6 h = 3h36m of allowed downtime.
    # Counted: 2 h (INC-302 + INC-303, merged) + 30 min (CHG-91) = 2h30m.
    # Availability = 100 * (1 - 2.5 / 720) = 99.65277...%, and 1h06m of budget remain.
    expected_reasons = [
        OutageReason.EXTERNAL,
        OutageReason.UNPLANNED,
        OutageReason.UNPLANNED,
        OutageReason.PLANNED,
        OutageReason.LATE_NOTICE,
    ]
    checks = {
        "allowed": (report.allowed, timedelta(hours=3, minutes=36)),
        "downtime": (report.downtime, timedelta(hours=2, minutes=30)),
        "remaining": (report.remaining, timedelta(hours=1, minutes=6)),
        "availability": (round(report.availability, 5), 99.65278),
        "met": (report.met, True),
        "reasons": ([r.reason for r in report.outages], expected_reasons),
        "counted": (
            [r.counted for r in report.outages],
            [
                timedelta(0),
                timedelta(hours=1, minutes=30),
                timedelta(minutes=30),
                timedelta(0),
                timedelta(minutes=30),
            ],
        ),
        "merged": (
            report.merged[0],
            (mx(10, 10), mx(10, 12)),
        ),
    }
    for name, (got, want) in checks.items():
        if got != want:
            msg = f"{name}: expected {want!r}, got {got!r}"
            raise AssertionError(msg)

    # As of Tuesday 10 November 12:00: 9 days 12 hours (228 h) measured, 2 h down.
    # At that burn rate the 1h36m left last 1.6 h * 228 / 2 = 182.4 h = 7 d 14 h 24 min,
    # so the budget is projected to run out on Wednesday 18 November at 02:24 (local).
    midway = availability(policy, OUTAGES, november, as_of=mx(10, 12))
    print()
    print(midway.explain())
    projected = midway.projected_breach_at
    if projected != mx(18, 2, 24):
        msg = f"projected breach: expected 2026-11-18 02:24 -06:00, got {projected}"
        raise AssertionError(msg)
    if projected.astimezone(UTC) != datetime(2026, 11, 18, 8, 24, tzinfo=UTC):
        raise AssertionError(projected)
    print("\nall figures match the hand-worked values")


if __name__ == "__main__":
    main()
