"""Escalation: tiers with their contacts and triggers, and routes by incident attributes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any, TypeAlias

import attrs

from escalate._checks import attribute_text
from escalate._frozen import FrozenMap, _float, _strings, as_tuple, is_mapping

__all__ = [
    "AfterElapsed",
    "AtOpen",
    "AtPercent",
    "Contact",
    "Manual",
    "OnBreach",
    "Route",
    "Tier",
    "Trigger",
]


def _percent(value: object) -> float:
    return _float(value, "percent")


def _when(value: Mapping[str, str | Iterable[str]]) -> FrozenMap[str, tuple[str, ...]]:
    """The accepted values, read as the attributes are (:func:`attribute_text`).

    ``"True"`` is ``"true"`` and ``" gold "`` is ``"gold"``; what is not text stays as it
    is, for the policy's checks to name.
    """
    if not is_mapping(value):
        return value  # type: ignore[return-value] # the policy's checks name it
    out: list[tuple[str, tuple[str, ...]]] = []
    for key, values in value.items():
        given = (values,) if isinstance(values, str) else as_tuple(values)
        if isinstance(given, tuple):  # else a wrong shape, for the checks to name
            given = tuple(_accepted(v) for v in given)
        out.append((key, given))
    return FrozenMap(out)


def _accepted(value: Any) -> Any:
    return attribute_text(value) if isinstance(value, str) else value


def _contacts(value: Iterable[Contact]) -> tuple[Contact, ...]:
    return as_tuple(value)  # type: ignore[no-any-return]


def _tier_tuple(value: Iterable[Tier]) -> tuple[Tier, ...]:
    return as_tuple(value)  # type: ignore[no-any-return]


@attrs.frozen(kw_only=True)
class Contact:
    """Somebody to call at an escalation tier, with their own committed response time.

    Attributes:
        name: Who (a person or a desk, e.g. "Engineer on duty").
        role: Their position.
        email: An e-mail address, or ``None``.
        phones: Phone numbers, as written.
        response: How soon they commit to answer (``timedelta(0)`` for "at once"), or
            ``None`` when not stated.
        clock: The calendar of their own working hours (a manager on office hours while
            the NOC runs 24x7), or ``None`` when they can be called at any time. A tier
            that fires while their calendar is closed notifies them at its next opening.
    """

    name: str
    role: str = ""
    email: str | None = None
    phones: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    response: timedelta | None = None
    clock: str | None = None


@attrs.frozen
class AtOpen:
    """Fire when the incident opens."""


@attrs.frozen
class Manual:
    """Never fire by itself: only a manual ``escalated`` event reaches this tier.

    This is seed 001's "exhaust one level before going to the next".
    """


@attrs.frozen(kw_only=True)
class AfterElapsed:
    """Fire after ``after`` of open time on a clock since the incident opened.

    Attributes:
        after: The elapsed business time (pauses are not subtracted).
        clock: The calendar it is measured on, or ``None`` for the escalation clock (the
            ``resolution`` target's own clock, else the policy's; not a severity's goal
            clock: :func:`~escalate.policy_warnings` names the severities it differs for).
    """

    after: timedelta
    clock: str | None = None


@attrs.frozen(kw_only=True)
class AtPercent:
    """Fire when a target has used ``percent`` of its goal.

    Attributes:
        target: The target's name.
        percent: The share of the goal, above 0 (``100`` is the deadline itself).
    """

    target: str
    percent: float = attrs.field(converter=_percent)


@attrs.frozen(kw_only=True)
class OnBreach:
    """Fire when a target breaches its goal, optionally after a delay.

    Attributes:
        target: The target's name.
        delay: How long after the breach, on the target's clock (``>= 0``).
    """

    target: str
    delay: timedelta = timedelta(0)


Trigger: TypeAlias = AtOpen | Manual | AfterElapsed | AtPercent | OnBreach
"""What makes an escalation tier fire: a closed set of frozen classes."""


@attrs.frozen(kw_only=True)
class Tier:
    """One level of an escalation table.

    Attributes:
        level: Its number; tiers are listed in strictly increasing level.
        name: What the level is called ("NOC", "Team leader"...).
        contacts: Whom to call.
        trigger: When the tier fires; :class:`Manual` (only by manual escalation) unless
            given.
    """

    level: int
    name: str
    contacts: tuple[Contact, ...] = attrs.field(default=(), converter=_contacts)
    trigger: Trigger = attrs.field(factory=Manual)


@attrs.frozen(kw_only=True)
class Route:
    """A tier list for the incidents whose attributes match, e.g. ``region = "CO"``.

    Attributes:
        name: The route's name, reported by the evaluator.
        when: Attribute name to the accepted values; every attribute must match one of
            its values. A single string is accepted for one value.
        tiers: The escalation tiers of this route.
    """

    name: str
    when: Mapping[str, tuple[str, ...]] = attrs.field(converter=_when)
    tiers: tuple[Tier, ...] = attrs.field(converter=_tier_tuple)

    def matches(self, attributes: Mapping[str, object], /) -> bool:
        """Whether an incident with these attributes takes this route (values compared as text)."""
        return all(
            key in attributes and attribute_text(attributes[key]) in values
            for key, values in self.when.items()
        )
