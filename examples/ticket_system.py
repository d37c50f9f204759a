"""A tiny in-memory ticket system that asks escalate what to show and whom to page.

A ticket system keeps its own tickets; escalate keeps none. On every change, and on a
periodic sweep, the system hands escalate the policy, the ticket's timeline and "now",
and gets back what the agent should see ("response due 14:30, tier 2 in 40 min") and
which tier is active. The system remembers which tier it already paged, so a sweep pages
each tier of each ticket exactly once.

The clock is passed in, never read from the system, so the script is reproducible and
checks its own output: running it is a test.

Run it with: python examples/ticket_system.py
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from escalate import Evaluation, Policy, Timeline, evaluate, format_duration, load_policy

BOGOTA = ZoneInfo("America/Bogota")

# A help desk's agreement as data (it could as well be a TOML file). Contacts are fictitious.
POLICY: Policy = load_policy(
    {
        "name": "helpdesk",
        "clock": "office",
        "calendars": {
            "office": {
                "timezone": "America/Bogota",
                "hours": {"mon-fri": ["07:30-12:30", "13:30-17:00"]},
                "holidays": {"country": "CO"},
            }
        },
        "severities": {
            "P1": {"response": "1h", "resolution": "4h"},
            "P2": {"response": "4h", "resolution": "16h"},
        },
        "tiers": [
            {
                "level": 1,
                "name": "Service desk",
                "trigger": "open",
                "contacts": [{"name": "Service desk", "email": "desk@example.com"}],
            },
            {
                "level": 2,
                "name": "Team lead",
                "trigger": {"percent": 75, "of": "response"},
                "contacts": [
                    {"name": "Lena Example", "email": "lead@example.com", "phones": ["555 0142"]}
                ],
            },
            {
                "level": 3,
                "name": "Duty manager",
                "trigger": {"breach": "resolution"},
                "contacts": [{"name": "Omar Example", "phones": ["555 0199"]}],
            },
        ],
    }
)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """An instant of November 2026 in Bogotá."""
    return datetime(2026, 11, day, hour, minute, tzinfo=BOGOTA)


def short(delta: timedelta) -> str:
    """A duration the way an agent reads it ("40m", "1h30m", "-15m")."""
    minutes = timedelta(minutes=round(delta.total_seconds() / 60))
    return "-" + format_duration(-minutes) if minutes < timedelta(0) else format_duration(minutes)


@dataclass
class Ticket:
    """A ticket as the ticket system stores it: its own fields and an escalate timeline."""

    id: str
    subject: str
    timeline: Timeline
    paged: int = 0  # the highest tier already paged


@dataclass
class TicketStore:
    """An in-memory ticket store that consults escalate; the clock is passed in."""

    policy: Policy
    tickets: dict[str, Ticket] = field(default_factory=dict)
    outbox: list[str] = field(default_factory=list)  # pages "sent", for the checks below

    def open(self, ticket_id: str, subject: str, when: datetime, severity: str) -> Ticket:
        """Open a ticket and page its first tier at once."""
        ticket = Ticket(ticket_id, subject, Timeline.open(when, severity=severity))
        self.tickets[ticket_id] = ticket
        self.page_due(when)
        return ticket

    def record(self, ticket_id: str, event: str, when: datetime, **fields: str) -> None:
        """Append an event (responded, paused, resumed, severity_changed, resolved...)."""
        ticket = self.tickets[ticket_id]
        ticket.timeline = ticket.timeline.then(event, when, **fields)
        self.page_due(when)

    def evaluation(self, ticket_id: str, now: datetime) -> Evaluation:
        """What escalate says about a ticket as of ``now``."""
        return evaluate(self.policy, self.tickets[ticket_id].timeline, as_of=now)

    def badge(self, ticket_id: str, now: datetime) -> str:
        """The one line an agent sees on the ticket."""
        ev = self.evaluation(ticket_id, now)
        parts = []
        for target in ev.targets:
            if target.status.value in {"running", "paused"} and target.due_at is not None:
                due = target.due_at.strftime("%a %H:%M")
                parts.append(f"{target.name} due {due} ({short(target.remaining)} left)")
            elif target.status.value == "paused":
                parts.append(f"{target.name} paused ({short(target.remaining)} left)")
            elif target.status.value == "breached":
                parts.append(f"{target.name} BREACHED by {short(-target.remaining)}")
        if ev.next_tier is not None and ev.next_tier[1] is not None:
            ref, when = ev.next_tier
            parts.append(f"tier {ref.level} in {short(when - now)}")
        return "; ".join(parts) or "all targets met"

    def page_due(self, now: datetime) -> list[str]:
        """Page every tier that fired since the last sweep; return the pages sent."""
        sent = []
        for ticket in self.tickets.values():
            ev = self.evaluation(ticket.id, now)
            for fired in ev.escalations:
                if fired.level <= ticket.paged:
                    continue
                tier = next(t for t in self.policy.tiers if t.level == fired.level)
                whom = ", ".join(c.name for c in tier.contacts)
                sent.append(f"{ticket.id}: page {tier.name} ({whom}), {fired.reason.value}")
                ticket.paged = fired.level
        self.outbox.extend(sent)
        return sent


def check(label: str, got: object, expected: object) -> None:
    """Fail loudly when a hand-checked value is wrong."""
    if got != expected:
        raise AssertionError(f"{label}: expected {expected!r}, got {got!r}")


def main() -> None:
    """Run a morning at the help desk and check what the agents saw and who was paged."""
    store = TicketStore(POLICY)
    store.open("T-1", "Invoices do not load", at(18, 10, 0), severity="P1")
    store.open("T-2", "Typo on the login page", at(18, 10, 30), severity="P2")

    # 10:30: T-1 has used 30 of its 60 minutes for a response.
    badge = store.badge("T-1", at(18, 10, 30))
    print("10:30 T-1:", badge)
    check(
        "T-1 at 10:30",
        badge,
        "response due Wed 11:00 (30m left); resolution due Wed 15:00 (3h30m left); tier 2 in 15m",
    )

    # 10:45 is 75% of the response target: the sweep pages the team lead, exactly once.
    check(
        "sweep 10:45",
        store.page_due(at(18, 10, 45)),
        ["T-1: page Team lead (Lena Example), percent"],
    )
    check("sweep 10:50", store.page_due(at(18, 10, 50)), [])

    # T-2 opened at 10:30 with 4 business hours to respond: 2 h before lunch, 2 h after.
    store.record("T-2", "responded", at(18, 11, 0))
    print("11:00 T-2:", store.badge("T-2", at(18, 11, 0)))

    # T-1 is answered, then waits for the customer over lunch; the clock stops meanwhile.
    store.record("T-1", "responded", at(18, 10, 55))
    store.record("T-1", "paused", at(18, 12, 0), reason="waiting for the customer")
    badge = store.badge("T-1", at(18, 14, 0))
    print("14:00 T-1:", badge)
    check("T-1 paused", badge, "resolution paused (2h left)")
    store.record("T-1", "resumed", at(18, 14, 0))
    # 2 h left from 14:00 -> due 16:00; at 16:30 the resolution is breached: page the manager.
    check(
        "sweep 16:30",
        store.page_due(at(18, 16, 30)),
        ["T-1: page Duty manager (Omar Example), breach"],
    )
    badge = store.badge("T-1", at(18, 16, 30))
    print("16:30 T-1:", badge)
    check("T-1 breached", badge, "resolution BREACHED by 30m")
    store.record("T-1", "resolved", at(18, 16, 45))
    check(
        "T-1 resolved",
        store.evaluation("T-1", at(18, 17, 0)).to_dict()["targets"]["resolution"]["status"],
        "breached",
    )
    check(
        "every page",
        store.outbox,
        [
            "T-1: page Service desk (Service desk), opened",
            "T-2: page Service desk (Service desk), opened",
            "T-1: page Team lead (Lena Example), percent",
            "T-1: page Duty manager (Omar Example), breach",
        ],
    )
    print("\n".join(["", "Pages sent:", *store.outbox]))
    print("\nAll checks passed.")


if __name__ == "__main__":
    main()
