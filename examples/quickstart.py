"""Quickstart: response and resolution deadlines for a few tickets at a Bogotá support desk.

The desk follows a split working day (07:30-12:30 and 13:30-17:00, Monday to Friday) and
Colombia's public holidays, like the SaaS vendor of seed 003. Each ticket gets a response
target of 2 business hours and a resolution target of 8 business hours. The script prints
both deadlines and the business time used so far, as of a fixed instant, and checks a few
values worked out by hand, so running it is a test.

Run it with: python examples/quickstart.py
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import NamedTuple
from zoneinfo import ZoneInfo

from escalate import Calendar, Holidays, Timeline, evaluate, load_policy

BOGOTA = ZoneInfo("America/Bogota")
RESPONSE = timedelta(hours=2)
RESOLUTION = timedelta(hours=8)

# A fixed "now": passed in, never read from the system clock, so the output never changes.
AS_OF = datetime(2026, 11, 18, 11, 0, tzinfo=BOGOTA)  # Wednesday, mid-morning

# Fictitious tickets: (id, customer, opened).
TICKETS = [
    ("SUP-1041", "Tienda Ejemplo", datetime(2026, 11, 13, 16, 10, tzinfo=BOGOTA)),  # Fri late
    ("SUP-1042", "Clínica Demo", datetime(2026, 11, 14, 9, 0, tzinfo=BOGOTA)),  # Saturday
    ("SUP-1043", "Transportes Muestra", datetime(2026, 11, 17, 10, 30, tzinfo=BOGOTA)),
    ("SUP-1044", "Café Ficticio", datetime(2026, 11, 18, 10, 30, tzinfo=BOGOTA)),
]


class Row(NamedTuple):
    """One ticket's line in the table."""

    ticket: str
    customer: str
    opened: datetime
    response_due: datetime
    resolution_due: datetime
    used: timedelta
    status: str


def build_calendar() -> Calendar:
    """The desk's calendar: Bogotá split day with Colombian holidays."""
    return Calendar(
        timezone="America/Bogota",
        hours={"mon-fri": ["07:30-12:30", "13:30-17:00"]},
        holidays=Holidays.country("CO"),
    )


def due_at(calendar: Calendar, opened: datetime, goal: timedelta) -> datetime:
    """The last instant at which a target without pauses still counts as met.

    ``Calendar.add`` stops where the goal runs out; when that is a closing time (12:30 or
    17:00), a reply before the next opening has used no more business time, so the
    deadline is the next opening (DESIGN rule 7; the evaluator applies the same rule).
    """
    return calendar.next_open(calendar.add(opened, goal))


def hours_minutes(delta: timedelta) -> str:
    """Format a duration as H:MM, with a sign when negative."""
    minutes = int(delta.total_seconds() // 60)
    sign = "-" if minutes < 0 else ""
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours}:{rest:02d}"


def when(moment: datetime) -> str:
    """Format an instant the way an agent reads it."""
    return moment.strftime("%a %d %b %H:%M")


def check(label: str, got: object, expected: object) -> None:
    """Fail loudly when a hand-checked value is wrong."""
    if got != expected:
        raise AssertionError(f"{label}: expected {expected!r}, got {got!r}")


def main() -> None:
    """Print the deadlines table and check the hand-worked values."""
    desk = build_calendar()
    rows: dict[str, Row] = {}
    for ticket, customer, opened in TICKETS:
        used = desk.between(opened, AS_OF)
        left = RESOLUTION - used
        rows[ticket] = Row(
            ticket=ticket,
            customer=customer,
            opened=opened,
            response_due=due_at(desk, opened, RESPONSE),
            resolution_due=due_at(desk, opened, RESOLUTION),
            used=used,
            status=f"{hours_minutes(left)} left" if left >= timedelta(0) else "overdue",
        )

    print(f"Bogotá desk, as of {when(AS_OF)}: response in 2, resolution in 8 business hours")
    print()
    header = ("ticket", "customer", "opened", "response due", "resolution due", "used", "status")
    table = [header] + [
        (
            row.ticket,
            row.customer,
            when(row.opened),
            when(row.response_due),
            when(row.resolution_due),
            hours_minutes(row.used),
            row.status,
        )
        for row in rows.values()
    ]
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    for i, line in enumerate(table):
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        )
        if i == 0:
            print("  ".join("-" * width for width in widths))

    # Friday 16:10: 50 min on Friday; Saturday, Sunday and Monday 16 November (a holiday)
    # are closed; the remaining 70 min run from 07:30 on Tuesday.
    first = rows["SUP-1041"]
    check("SUP-1041 response", first.response_due, datetime(2026, 11, 17, 8, 40, tzinfo=BOGOTA))
    check(
        "SUP-1041 resolution", first.resolution_due, datetime(2026, 11, 17, 15, 40, tzinfo=BOGOTA)
    )
    # 0:50 on Friday + 8:30 on Tuesday + 3:30 on Wednesday until 11:00.
    check("SUP-1041 used", first.used, timedelta(hours=12, minutes=50))
    # Opened on a Saturday: the clock starts at Tuesday's opening, 07:30.
    check(
        "SUP-1042 response",
        rows["SUP-1042"].response_due,
        datetime(2026, 11, 17, 9, 30, tzinfo=BOGOTA),
    )
    # 10:30 plus 2 h runs out at the 12:30 lunch break: due at the 13:30 reopening.
    last = rows["SUP-1044"]
    check("SUP-1044 response", last.response_due, datetime(2026, 11, 18, 13, 30, tzinfo=BOGOTA))
    check("SUP-1044 used", last.used, timedelta(minutes=30))
    # Tuesday 10:30: 5:30 on Tuesday, so the 8 h ran out at 10:00 today, before AS_OF.
    check("SUP-1043 status", rows["SUP-1043"].status, "overdue")
    evaluate_one_incident()
    print()
    print("All hand-checked values match.")


def evaluate_one_incident() -> None:
    """The same desk as a policy file: one incident evaluated and explained."""
    policy = load_policy(Path(__file__).parent / "policies" / "seed_003_saas.toml")
    timeline = (
        Timeline.open("2026-11-13T16:10:00-05:00", severity="alta", category="billing")
        .respond("2026-11-17T08:00:00-05:00")
        .pause("2026-11-17T09:00:00-05:00", reason="waiting for the customer's logs")
        .resume("2026-11-17T14:00:00-05:00")
        .escalate("2026-11-17T14:30:00-05:00")
    )
    ev = evaluate(policy, timeline, as_of=AS_OF)
    print()
    print("Incident SUP-1041 on the seed 003 policy (examples/policies/seed_003_saas.toml):")
    print(ev.explain())
    # response: 0:50 Friday + 0:30 Tuesday (Monday 16 is a holiday) = 1:20, met.
    check("incident response", ev["response"].status.value, "met")
    check("incident response used", ev["response"].elapsed, timedelta(hours=1, minutes=20))
    # resolution: 0:50 + 1:30 (07:30-09:00) + 3:00 (14:00-17:00) + 3:30 today = 8:50 > 8 h;
    # the 8 h ran out Wednesday 10:10 (0:50 + 1:30 + 3:00 + 2:40 from 07:30): due at 10:10,
    # the last instant that still counts as met, and breached one microsecond later.
    check("incident resolution", ev["resolution"].status.value, "breached")
    check("incident due", ev["resolution"].due_at, datetime(2026, 11, 18, 10, 10, tzinfo=BOGOTA))
    check(
        "incident breach",
        ev["resolution"].breached_at,
        datetime(2026, 11, 18, 10, 10, 0, 1, tzinfo=BOGOTA),
    )
    check("incident tier", ev.tier.name if ev.tier else None, "Billing")


if __name__ == "__main__":
    main()
