"""The frozen results of an evaluation, their JSON form and their explanation.

Unlike the rest of escalate these classes keep a ``__dict__`` (``slots=False``): the
evaluator builds several of them per incident, and a frozen attrs class with slots sets
each field through ``object.__setattr__``, which made building them cost as much as
computing them. For the same reason :func:`escalate.evaluate` computes every figure at
once but builds an :class:`Evaluation`'s objects and datetimes on the first read of one
of them (``Evaluation.__getattr__``): a ticket system that reads only ``next_change_at``
or one target pays for the conversion once, and one that reads nothing pays nothing.
"""

from __future__ import annotations

import enum
import html
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import attrs

from escalate._errors import NotFoundError
from escalate._index import td_us

if TYPE_CHECKING:
    from escalate._policy import Contact

__all__ = [
    "Escalation",
    "EscalationReason",
    "Evaluation",
    "Notification",
    "ScheduledTier",
    "TargetResult",
    "TargetStatus",
    "TierRef",
    "TierState",
]


class TargetStatus(enum.StrEnum):
    """Where a target stands as of the evaluation instant."""

    PENDING = "pending"
    """Its start event has not happened yet."""
    RUNNING = "running"
    """Its clock is running."""
    PAUSED = "paused"
    """Its clock is stopped by a pause."""
    MET = "met"
    """It stopped within its goal."""
    BREACHED = "breached"
    """Its elapsed time is over the goal (stopped or not)."""


class EscalationReason(enum.StrEnum):
    """Why an escalation tier fired."""

    OPENED = "opened"
    ELAPSED = "elapsed"
    PERCENT = "percent"
    BREACH = "breach"
    MANUAL = "manual"


class TierState(enum.StrEnum):
    """Where a tier of the escalation schedule stands as of the evaluation instant."""

    FIRED = "fired"
    """It fired at or before the evaluation instant."""
    PROJECTED = "projected"
    """It will fire at the given instant if no further event comes."""
    SKIPPED = "skipped"
    """Its trigger can no longer happen; the tiers above it go on (``at``: when)."""
    WAITING = "waiting"
    """It waits for something only a new event brings (a reopen, a manual escalation...)."""


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _seconds(value: timedelta) -> float | int:
    us = td_us(value)
    return us // 1_000_000 if us % 1_000_000 == 0 else us / 1_000_000


@attrs.frozen(kw_only=True, slots=False)
class TargetResult:
    """One target (``response``, ``resolution``...) of an incident, as of an instant.

    Attributes:
        name: The target's name.
        status: pending, running, paused, met or breached.
        goal: The goal in force (from the severity and plan at ``min(as_of, stop)``).
        elapsed: Business time counted so far on the target's clock.
        remaining: ``goal - elapsed``; negative once breached.
        percent: ``100 * elapsed / goal``.
        due_at: The last instant at which the stop still counts as met, assuming no
            further pauses; ``None`` while paused or pending (unless already passed).
        warning_at: When the goal's warning point is passed, if the goal has one.
        breached_at: When breached, the first instant at which it was: one microsecond
            after ``due_at``; else ``None``.
        stopped_at: When the stop condition happened, if it has.
        clock: The name of the calendar the target is measured on.
        at_risk: Whether the warning point has passed while the target still runs or is
            paused (never when met, breached or pending).
    """

    name: str
    status: TargetStatus
    goal: timedelta
    elapsed: timedelta
    remaining: timedelta
    percent: float
    due_at: datetime | None
    warning_at: datetime | None = None
    breached_at: datetime | None
    stopped_at: datetime | None
    clock: str
    at_risk: bool = False

    @property
    def is_breached(self) -> bool:
        """Whether the target is breached."""
        return self.status is TargetStatus.BREACHED

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready form (see the ``to_dict`` schema in the reference docs)."""
        return {
            "status": self.status.value,
            "goal_seconds": _seconds(self.goal),
            "elapsed_seconds": _seconds(self.elapsed),
            "remaining_seconds": _seconds(self.remaining),
            "percent": round(self.percent, 4),
            "due_at": _iso(self.due_at),
            "warning_at": _iso(self.warning_at),
            "breached_at": _iso(self.breached_at),
            "stopped_at": _iso(self.stopped_at),
            "clock": self.clock,
            "at_risk": self.at_risk,
        }


@attrs.frozen(kw_only=True, slots=False)
class TierRef:
    """An escalation tier as reported in results: level, name and its contacts."""

    level: int
    name: str
    contacts: tuple[Contact, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"level", "name", "contacts"}``, each contact as a JSON-ready table."""
        return {
            "level": self.level,
            "name": self.name,
            "contacts": [
                {
                    "name": c.name,
                    "role": c.role,
                    "email": c.email,
                    "phones": list(c.phones),
                    "response_seconds": None if c.response is None else _seconds(c.response),
                }
                for c in self.contacts
            ],
        }


@attrs.frozen(kw_only=True, slots=False)
class Notification:
    """When to notify one contact of a fired tier: at once, or when their hours open."""

    contact: str
    at: datetime

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"contact", "at"}``."""
        return {"contact": self.contact, "at": self.at.isoformat()}


@attrs.frozen(kw_only=True, slots=False)
class Escalation:
    """A tier that fired: when, why, and when to notify each of its contacts.

    ``notifications`` has one entry per contact: at the firing instant, or at the next
    opening of the contact's own calendar (:attr:`escalate.Contact.clock`).
    """

    level: int
    name: str
    at: datetime
    reason: EscalationReason
    notifications: tuple[Notification, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"level", "name", "at", "reason", "notifications"}``."""
        return {
            "level": self.level,
            "name": self.name,
            "at": self.at.isoformat(),
            "reason": self.reason.value,
            "notifications": [n.to_dict() for n in self.notifications],
        }


@attrs.frozen(kw_only=True, slots=False)
class ScheduledTier:
    """One tier of the escalation schedule: its state, instant, reason and why.

    Attributes:
        tier: The tier.
        state: fired, projected, skipped or waiting.
        at: When it fired (or will), or when it was (or will be) skipped; ``None`` while
            waiting.
        reason: Why it fired (or will), for fired and projected tiers.
        note: In words, why it is skipped or waiting (empty otherwise).
    """

    tier: TierRef
    state: TierState
    at: datetime | None
    reason: EscalationReason | None = None
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"level", "name", "state", "at", "reason", "note"}``."""
        return {
            "level": self.tier.level,
            "name": self.tier.name,
            "state": self.state.value,
            "at": _iso(self.at),
            "reason": None if self.reason is None else self.reason.value,
            "note": self.note,
        }


@attrs.frozen(kw_only=True, slots=False)
class Evaluation:
    """Everything escalate knows about one incident as of an instant.

    Attributes:
        as_of: The evaluation instant (events after it were not seen).
        severity: The severity in force at ``as_of``.
        plan: The incident's plan, if any.
        route: The escalation route chosen from the incident's attributes, or ``None``
            for the default tier list.
        targets: One :class:`TargetResult` per target, in the policy's order.
        tier: The highest tier fired by ``as_of``, or ``None``.
        next_tier: The next tier with its projected firing instant (``at`` is ``None``
            while the clock that drives it is paused), or ``None``.
        escalations: Every tier fired by ``as_of``, in order.
        schedule: Every tier of the route, in order, with its state (fired, projected,
            skipped, waiting).
        next_change_at: The earliest instant after ``as_of`` at which this evaluation
            changes with no new event (a warning point or a deadline passing, a tier
            firing or skipped, a contact to notify), or ``None``: a ticket system sets
            one timer per ticket for it instead of polling.
        context: What :meth:`explain` needs (the policy and the timeline); not compared.
    """

    as_of: datetime
    severity: str
    plan: str | None
    route: str | None
    targets: tuple[TargetResult, ...]
    tier: TierRef | None
    next_tier: tuple[TierRef, datetime | None] | None
    escalations: tuple[Escalation, ...]
    schedule: tuple[ScheduledTier, ...] = attrs.field(default=(), repr=False)
    next_change_at: datetime | None = None
    context: Any = attrs.field(default=None, repr=False, eq=False)

    if not TYPE_CHECKING:  # hidden from type checkers: a typo stays an error for them

        def __getattr__(self, name: str) -> Any:
            # evaluate() computes every figure, then leaves building the objects and
            # datetimes that carry them to the first read of one of these fields
            build = self.__dict__.get("_build")
            if build is None:
                msg = f"{type(self).__name__!r} object has no attribute {name!r}"
                raise AttributeError(msg, name=name, obj=self)
            fields = build()
            self.__dict__.update(fields)
            self.__dict__.pop("_build", None)
            if name not in fields:
                return getattr(self, name)  # raises the error above
            return fields[name]

    def __getstate__(self) -> dict[str, Any]:
        if "_build" in self.__dict__:
            self.targets  # noqa: B018 - builds the deferred fields
        return self.__dict__

    def __getitem__(self, name: str) -> TargetResult:
        for target in self.targets:
            if target.name == name:
                return target
        msg = f"no target {name!r}; targets: {', '.join(t.name for t in self.targets)}"
        raise NotFoundError(msg, path=f"[{name!r}]")

    def to_dict(self) -> dict[str, Any]:
        """Return the stable JSON-ready schema documented in the reference docs."""
        next_tier = None
        if self.next_tier is not None:
            ref, at = self.next_tier
            next_tier = {"level": ref.level, "name": ref.name, "at": _iso(at)}
        return {
            "as_of": self.as_of.isoformat(),
            "severity": self.severity,
            "plan": self.plan,
            "route": self.route,
            "targets": {t.name: t.to_dict() for t in self.targets},
            "tier": None if self.tier is None else self.tier.to_dict(),
            "next_tier": next_tier,
            "escalations": [e.to_dict() for e in self.escalations],
            "schedule": [s.to_dict() for s in self.schedule],
            "next_change_at": _iso(self.next_change_at),
        }

    def explain(self, *, zone: str | None = None) -> str:
        """Return a human-readable account of what was counted, skipped, and fired, and why.

        Args:
            zone: The IANA zone the incident's own instants (its opening, history,
                ``as_of``) and its tiers are written in; the policy's by default. Each
                target's spans stay in the zone of its clock, where its hours are kept.

        Raises:
            ConfigError: ``zone`` is not an IANA time zone.
        """
        if self.context is None:
            return "(no explanation: this evaluation was built by hand)"
        return "\n".join(self.context.explain(self, zone))

    def _repr_html_(self) -> str:
        esc = html.escape
        rows = "".join(
            f"<tr><td>{esc(t.name)}</td><td>{esc(t.status.value)}</td><td>{esc(str(t.goal))}</td>"
            f"<td>{esc(str(t.elapsed))}</td><td>{esc(_iso(t.due_at) or '-')}</td></tr>"
            for t in self.targets
        )
        tiers = "".join(
            f"<tr><td>{s.tier.level}</td><td>{esc(s.tier.name)}</td>"
            f"<td>{esc(s.state.value)}</td><td>{esc(_iso(s.at) or '-')}</td>"
            f"<td>{esc(s.reason.value if s.reason else s.note or '-')}</td></tr>"
            for s in self.schedule
        )
        return (
            f"<p>as of {esc(self.as_of.isoformat())}, severity <b>{esc(self.severity)}</b></p>"
            "<table><tr><th>target</th><th>status</th><th>goal</th><th>elapsed</th>"
            f"<th>due</th></tr>{rows}</table>"
            "<table><tr><th>level</th><th>tier</th><th>state</th><th>at</th><th>reason</th></tr>"
            f"{tiers}</table>"
        )
