"""Targets, the conditions that start, pause and stop them, and their goals.

A :class:`Target` is a named metric of a policy (``response``, ``resolution``, a custom
``postmortem``); :class:`Status` conditions read the ticket system's own statuses; a
:class:`Goal` says how long a target may take. :mod:`escalate._policy` gathers them into
a :class:`~escalate.Policy` (and names them too).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Final, TypeAlias

import attrs

from escalate._frozen import as_tuple

if TYPE_CHECKING:
    from escalate._duration import BusinessDays

__all__ = [
    "CONCLUDING_EVENTS",
    "RESOLUTION",
    "RESPONSE",
    "Condition",
    "Goal",
    "Status",
    "Target",
]

CONCLUDING_EVENTS: Final = frozenset(("resolved", "closed"))
"""The events after which an incident is concluded until it is reopened."""


@attrs.frozen(kw_only=True)
class Goal:
    """How long a target may take: a duration on a clock, with an optional warning point.

    Seed 002 promises "3 to 5 business hours": that is ``Goal(duration=5h, warning=3h)``,
    the target is met up to 5 hours and the warning point flags it at 3 hours. "Within 3
    business days" is ``Goal(duration=BusinessDays(3))``.

    Attributes:
        duration: The goal; the target is met while its elapsed time is ``<= duration``.
            A :class:`~escalate.BusinessDays` goal becomes business time when the target
            starts: the open time from its start to the same wall-clock time that many
            business days later (:meth:`escalate.Calendar.add_business_days`), so a half
            day on the way counts as the half day it is.
        warning: An earlier point (``0 < warning < duration``) at which the ticket is
            flagged, or ``None``.
        clock: The calendar for this goal only (``"24x7"`` for a critical severity), or
            ``None`` to use the plan's or the target's clock.
    """

    duration: timedelta | BusinessDays
    warning: timedelta | None = None
    clock: str | None = None


def _goal(value: Goal | timedelta | BusinessDays) -> Goal:
    return value if isinstance(value, Goal) else Goal(duration=value)


@attrs.frozen
class Status:
    """A condition on the ticket system's own statuses, for a target's start, stop or pause.

    In ``start`` and ``stop`` it happens when the incident *enters* one of ``names`` (an
    incident opened in one of them enters it at the opening), or with ``left=True`` when
    it *leaves* them for a status outside them. In ``pause`` it holds *while* the incident
    is in one of them. Every name must be declared in :attr:`Policy.statuses`.

    >>> Status("Awaiting User Info", "Awaiting Vendor").names
    ('Awaiting User Info', 'Awaiting Vendor')
    >>> Status("New", left=True)
    Status(names=('New',), left=True)
    """

    names: tuple[str, ...]
    left: bool = attrs.field(default=False, kw_only=True)

    def __init__(self, *names: str | Iterable[str], left: bool = False) -> None:
        flat: list[str] = []
        for name in names:
            if isinstance(name, str) or not isinstance(name, Iterable):
                flat.append(name)  # not text: the policy's checks say so
            else:
                flat.extend(name)
        self.__attrs_init__(tuple(flat), left=left)  # type: ignore[attr-defined]


Condition: TypeAlias = str | Status
"""A start, stop or pause condition: an event name, or a :class:`Status` condition."""


def _conditions(value: Condition | Iterable[Condition]) -> tuple[Condition, ...]:
    if isinstance(value, str | Status):
        return (value,)
    return as_tuple(value)  # type: ignore[no-any-return]


def _default_stop(name: str) -> tuple[Condition, ...]:
    """A target named "response" stops like the built-in one; others at the resolution."""
    return ("responded", "resolved", "closed") if name == "response" else ("resolved", "closed")


def _optional_conditions(
    value: Condition | Iterable[Condition] | None,
) -> tuple[Condition, ...] | None:
    return None if value is None else _conditions(value)


@attrs.frozen(kw_only=True)
class Target:
    """A named metric: the business time from its start to its stop, minus its pauses.

    Conditions are event names (``opened``, ``responded``, ``resolved``, ``closed``,
    ``reopened``, custom ones such as ``report_sent``) or :class:`Status` conditions on
    the ticket system's own statuses. The first start condition that happens starts the
    target; the first stop condition that happens after that stops it.

    Attributes:
        name: The target's name (``response``, ``resolution``, ``postmortem``...).
        start: What starts the clock; a single condition or several.
        stop: What stops it; several conditions mean "whichever happens first". By
            default ``responded``, ``resolved`` or ``closed`` for a target named
            ``response`` (a ticket resolved without a reply needs no reply), and
            ``resolved`` or ``closed`` for any other.
        pauses: Whether the incident's pauses stop this clock: ``paused`` ... ``resumed``
            events and statuses that mean ``paused`` in :attr:`Policy.statuses`. Used
            when :attr:`pause` is not given.
        pause: The conditions that hold this clock while they last: ``"paused"`` (the
            incident's pauses, as for :attr:`pauses`) and :class:`Status` conditions
            (``Status("Awaiting Vendor")``); ``()`` for none. ``None`` follows
            :attr:`pauses`.
        on_reopen: What a reopen does: ``"continue"`` (a stopped target runs on from
            the reopening, elapsed time kept), ``"restart"`` (a new measurement from the
            next start, the old one forgotten) or ``"keep"`` (the first result stays).
            ``None`` picks the default (see :attr:`reopen`).
        clock: The calendar it is measured on; ``None`` means the policy's ``clock``.
        goal: A goal for every severity that does not set its own, or ``None``.
        required: Whether every severity must have a goal for it (directly or through
            :attr:`goal`).
    """

    name: str
    start: tuple[Condition, ...] = attrs.field(default=("opened",), converter=_conditions)
    stop: tuple[Condition, ...] = attrs.field(
        default=attrs.Factory(lambda self: _default_stop(self.name), takes_self=True),
        converter=_conditions,
    )
    pauses: bool = True
    pause: tuple[Condition, ...] | None = attrs.field(default=None, converter=_optional_conditions)
    on_reopen: str | None = None
    clock: str | None = None
    goal: Goal | None = attrs.field(default=None, converter=attrs.converters.optional(_goal))
    required: bool = True

    @property
    def pause_conditions(self) -> tuple[Condition, ...]:
        """The pause conditions in force: :attr:`pause`, else ``("paused",)`` or ``()``."""
        if self.pause is not None:
            return self.pause
        return ("paused",) if self.pauses else ()

    @property
    def reopen(self) -> str:
        """The reopen rule in force when no status means resolved or closed.

        A policy reads its own status meanings: see :meth:`reopen_rule`.
        """
        return self.reopen_rule()

    def reopen_rule(self, statuses: Mapping[str, str] | None = None) -> str:
        """The reopen rule in force: :attr:`on_reopen`, else the default.

        The default: ``"restart"`` for a target that starts on a resolution or a closing
        (seed 000's report is due 72 h after the *last* resolution); ``"keep"`` for one
        that stops on ``responded`` (a response is counted once); ``"continue"`` for one
        that stops on a resolution or a closing (the resolution clock runs on); ``"keep"``
        otherwise. A resolution or a closing is the ``resolved`` or ``closed`` event, or
        entering a status that ``statuses`` (a policy's :attr:`Policy.statuses`) says
        means ``resolved`` or ``closed``.

        >>> target = Target(name="resolution", stop=Status("Resolved"))
        >>> target.reopen_rule({"Resolved": "resolved"}), target.reopen_rule()
        ('continue', 'keep')
        """
        if self.on_reopen is not None:
            return self.on_reopen
        meanings = statuses or {}

        def concluding(conditions: tuple[Condition, ...]) -> bool:
            return any(
                c in CONCLUDING_EVENTS
                if isinstance(c, str)
                else not c.left and any(meanings.get(n) in CONCLUDING_EVENTS for n in c.names)
                for c in conditions
            )

        if concluding(self.start):
            return "restart"
        if "responded" in self.stop:
            return "keep"
        if concluding(self.stop):
            return "continue"
        return "keep"

    @property
    def events(self) -> frozenset[str]:
        """The event names its start and stop conditions use."""
        return frozenset(c for c in (*self.start, *self.stop) if isinstance(c, str))


RESPONSE: Final = Target(name="response", start="opened", stop=("responded", "resolved", "closed"))
RESOLUTION: Final = Target(name="resolution", start="opened", stop=("resolved", "closed"))
_BUILTIN_TARGETS: Final = {RESPONSE.name: RESPONSE, RESOLUTION.name: RESOLUTION}
