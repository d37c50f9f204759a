"""The shapes of a policy built in Python: each field of the kind its class declares.

A policy loaded from a file is shaped by the loader; one built in Python may hold
anything (``trigger="open"``, a dict for a calendar, ``None`` for a clock). These checks
run first (:func:`~escalate._policy_check.check_policy`) and name every misshapen field
by its key path at once, so that the deeper checks and the evaluator can read each field
as its type says instead of failing inside with a bare ``AttributeError``, or reading an
unknown trigger as a manual one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from escalate._calendar import Calendar
from escalate._checks import describe
from escalate._errors import Problem
from escalate._escalation import (
    AfterElapsed,
    AtOpen,
    AtPercent,
    Contact,
    Manual,
    OnBreach,
    Route,
    Tier,
)
from escalate._policy import Availability, Goal, Plan, Severity, Status, Target

if TYPE_CHECKING:
    from escalate._policy import Policy

__all__ = ["shape_problems"]

_Check = Callable[[str, Any], object]
"""Checks one part at its key path."""

_TRIGGERS = (AtOpen, Manual, AfterElapsed, AtPercent, OnBreach)
_TRIGGER_HINT = (
    "in Python write AtOpen(), Manual(), AfterElapsed(after=...), AtPercent(target=..., "
    "percent=...) or OnBreach(target=...); 'open' and {...} are a config file's spellings"
)


def shape_problems(policy: Policy) -> list[Problem]:
    """Return a problem for every field of ``policy`` (and of its parts) of the wrong kind."""
    shapes = _Shapes()
    shapes.policy(policy)
    return shapes.problems


class _Shapes:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def need(
        self, path: str, value: object, ok: bool, expected: str, hint: str | None = None
    ) -> bool:
        if not ok:
            self.problems.append(
                Problem(path=path, message=f"expected {expected}, got {describe(value)}", hint=hint)
            )
        return ok

    def text(self, path: str, value: object, *, empty: bool = True, optional: bool = False) -> None:
        if optional and value is None:
            return
        ok = isinstance(value, str) and (empty or bool(value.strip()))
        self.need(path, value, ok, "text" if empty else "a non-empty name")

    def flag(self, path: str, value: object) -> None:
        self.need(path, value, isinstance(value, bool), "True or False")

    def each(self, path: str, value: object, kind: type, check: _Check) -> None:
        """A tuple of ``kind``, each checked by ``check`` at ``path[i]``."""
        if not self.need(path, value, isinstance(value, tuple), f"a list of {kind.__name__}"):
            return
        assert isinstance(value, tuple)  # noqa: S101 - narrowed for the type checker
        for i, item in enumerate(value):
            where = f"{path}[{i}]"
            if self.need(where, item, isinstance(item, kind), f"a {kind.__name__}"):
                check(where, item)

    def mapping(self, path: str, value: object, check: _Check) -> None:
        """A mapping with text keys, each value checked by ``check`` at ``path.key``."""
        if not self.need(path, value, isinstance(value, Mapping), "a mapping"):
            return
        assert isinstance(value, Mapping)  # noqa: S101 - narrowed for the type checker
        for key, item in value.items():
            if self.need(f"{path} key", key, isinstance(key, str), "text"):
                check(f"{path}.{key}", item)

    # -- the classes ----------------------------------------------------------------------

    def policy(self, p: Policy) -> None:
        self.text("name", p.name)
        self.text("description", p.description)
        self.text("clock", p.clock, empty=False)
        self.mapping(
            "calendars",
            p.calendars,
            lambda path, c: self.need(
                path, c, isinstance(c, Calendar), "a Calendar", "build it with Calendar.from_dict"
            ),
        )
        self.each("targets", p.targets, Target, self.target)
        self.each("severities", p.severities, Severity, self.severity)
        self.each("plans", p.plans, Plan, self.plan)
        self.each("tiers", p.tiers, Tier, self.tier)
        self.each("routes", p.routes, Route, self.route)
        if p.availability is not None:
            self.need(
                "availability",
                p.availability,
                isinstance(p.availability, Availability),
                "an Availability",
            )
        self.mapping("statuses", p.statuses, lambda path, v: self.text(path, v, empty=False))

    def conditions(self, path: str, value: object, *, optional: bool = False) -> None:
        if optional and value is None:
            return
        if self.need(path, value, isinstance(value, tuple), "a list of conditions"):
            assert isinstance(value, tuple)  # noqa: S101 - narrowed for the type checker
            for i, item in enumerate(value):
                if self.need(
                    f"{path}[{i}]",
                    item,
                    isinstance(item, str | Status),
                    "an event name or a Status",
                ) and isinstance(item, Status):
                    self.status(f"{path}[{i}]", item)

    def status(self, path: str, s: Status) -> None:
        self.flag(f"{path}.left", s.left)
        for i, name in enumerate(s.names):
            self.text(f"{path}.names[{i}]", name, empty=False)

    def target(self, path: str, t: Target) -> None:
        self.text(f"{path}.name", t.name, empty=False)
        self.conditions(f"{path}.start", t.start)
        self.conditions(f"{path}.stop", t.stop)
        self.conditions(f"{path}.pause", t.pause, optional=True)
        self.flag(f"{path}.pauses", t.pauses)
        self.flag(f"{path}.required", t.required)
        self.text(f"{path}.on_reopen", t.on_reopen, optional=True)
        self.text(f"{path}.clock", t.clock, optional=True)
        if t.goal is not None:
            self.need(f"{path}.goal", t.goal, isinstance(t.goal, Goal), "a Goal or a timedelta")

    def goals(self, path: str, value: object) -> None:
        self.mapping(
            path,
            value,
            lambda where, g: self.need(where, g, isinstance(g, Goal), "a Goal or a timedelta"),
        )

    def severity(self, path: str, s: Severity) -> None:
        self.text(f"{path}.name", s.name, empty=False)
        self.text(f"{path}.description", s.description)
        self.goals(f"{path}.goals", s.goals)

    def plan(self, path: str, p: Plan) -> None:
        self.text(f"{path}.name", p.name, empty=False)
        self.text(f"{path}.description", p.description)
        self.text(f"{path}.clock", p.clock, optional=True)
        self.mapping(f"{path}.goals", p.goals, self.goals)

    def tier(self, path: str, t: Tier) -> None:
        level: object = t.level
        self.need(
            f"{path}.level",
            level,
            isinstance(level, int) and not isinstance(level, bool),
            "a whole number",
        )
        self.text(f"{path}.name", t.name, empty=False)
        self.each(f"{path}.contacts", t.contacts, Contact, self.contact)
        trigger = t.trigger
        if self.need(
            f"{path}.trigger", trigger, isinstance(trigger, _TRIGGERS), "a trigger", _TRIGGER_HINT
        ):
            if isinstance(trigger, AtPercent | OnBreach):
                self.text(f"{path}.trigger.target", trigger.target, empty=False)
            if isinstance(trigger, AfterElapsed):
                self.text(f"{path}.trigger.clock", trigger.clock, optional=True)

    def contact(self, path: str, c: Contact) -> None:
        self.text(f"{path}.name", c.name, empty=False)
        self.text(f"{path}.role", c.role)
        self.text(f"{path}.email", c.email, optional=True)
        self.text(f"{path}.clock", c.clock, optional=True)
        phones = c.phones
        if self.need(
            f"{path}.phones", phones, isinstance(phones, tuple), "a list of phone numbers"
        ):
            for i, phone in enumerate(phones):
                self.text(f"{path}.phones[{i}]", phone)

    def route(self, path: str, r: Route) -> None:
        self.text(f"{path}.name", r.name, empty=False)

        def values(where: str, accepted: object) -> None:
            if self.need(
                where, accepted, isinstance(accepted, tuple), "a value or a list of values"
            ):
                assert isinstance(accepted, tuple)  # noqa: S101 - narrowed for the type checker
                for i, value in enumerate(accepted):
                    self.text(f"{where}[{i}]", value)

        self.mapping(f"{path}.when", r.when, values)
        self.each(f"{path}.tiers", r.tiers, Tier, self.tier)
