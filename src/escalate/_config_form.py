"""Policies back to the config form: :meth:`escalate.Policy.to_dict`.

The inverse of :func:`escalate.load_policy`: severities become tables keyed by name, goals
the one-string shorthand where it says everything, triggers tagged tables. Loading the
result gives an equal policy (a tested round trip).
"""

from __future__ import annotations

from typing import Any

from escalate._duration import (
    BusinessDays,
    format_duration,
)
from escalate._policy import (
    ALWAYS,
    AfterElapsed,
    AtOpen,
    AtPercent,
    Contact,
    Goal,
    OnBreach,
    Policy,
    Status,
    Target,
    Tier,
    Trigger,
)
from escalate._target import _BUILTIN_TARGETS

__all__ = ["policy_to_dict"]


def _goal_form(goal: Goal) -> str | dict[str, Any]:
    duration = (
        str(goal.duration)
        if isinstance(goal.duration, BusinessDays)
        else format_duration(goal.duration)
    )
    if goal.warning is None and goal.clock is None:
        return duration
    out: dict[str, Any] = {"duration": duration}
    if goal.warning is not None:
        out["warning"] = format_duration(goal.warning)
    if goal.clock is not None:
        out["clock"] = goal.clock
    return out


def _number(value: float) -> int | float:
    return int(value) if value.is_integer() else value


def _trigger_form(trigger: Trigger) -> str | dict[str, Any]:
    match trigger:
        case AtOpen():
            return "open"
        case AfterElapsed(after=after, clock=clock):
            out: dict[str, Any] = {"after": format_duration(after)}
            if clock is not None:
                out["clock"] = clock
            return out
        case AtPercent(target=target, percent=percent):
            return {"percent": _number(percent), "of": target}
        case OnBreach(target=target, delay=delay):
            out = {"breach": target}
            if delay:
                out["delay"] = format_duration(delay)
            return out
        case _:
            return "manual"


def _contact_form(contact: Contact) -> dict[str, Any]:
    out: dict[str, Any] = {"name": contact.name}
    if contact.role:
        out["role"] = contact.role
    if contact.email is not None:
        out["email"] = contact.email
    if contact.phones:
        out["phones"] = list(contact.phones)
    if contact.response is not None:
        out["response"] = format_duration(contact.response)
    if contact.clock is not None:
        out["clock"] = contact.clock
    return out


def _tier_form(tier: Tier) -> dict[str, Any]:
    out: dict[str, Any] = {"level": tier.level, "name": tier.name}
    if tier.contacts:
        out["contacts"] = [_contact_form(c) for c in tier.contacts]
    out["trigger"] = _trigger_form(tier.trigger)
    return out


def _condition_form(condition: Any) -> str | dict[str, Any]:
    if isinstance(condition, Status):
        names: str | list[str] = (
            condition.names[0] if len(condition.names) == 1 else list(condition.names)
        )
        return {"left" if condition.left else "status": names}
    return str(condition)


def _conditions_form(conditions: tuple[Any, ...]) -> str | list[Any]:
    if len(conditions) == 1 and isinstance(conditions[0], str):
        return conditions[0]
    return [_condition_form(c) for c in conditions]


def _target_form(target: Target) -> dict[str, Any] | None:
    base = _BUILTIN_TARGETS.get(target.name)
    out: dict[str, Any] = {}
    if base is None:
        base = Target(name=target.name, stop=("",))
    if target.start != base.start:
        out["start"] = _conditions_form(target.start)
    if target.stop != base.stop:
        out["stop"] = _conditions_form(target.stop)
    if target.pause is not None:
        out["pause"] = [_condition_form(c) for c in target.pause]
    elif target.pauses != base.pauses:
        out["pauses"] = target.pauses
    if target.on_reopen is not None and target.on_reopen != base.on_reopen:
        out["on_reopen"] = target.on_reopen
    if target.clock is not None:
        out["clock"] = target.clock
    if target.goal is not None:
        out["goal"] = _goal_form(target.goal)
    if target.required != base.required:
        out["required"] = target.required
    return out if out or target.name not in _BUILTIN_TARGETS else None


def policy_to_dict(policy: Policy) -> dict[str, Any]:
    """Return the config form of ``policy``: plain dicts, lists, strings and numbers."""
    out: dict[str, Any] = {}
    if policy.name:
        out["name"] = policy.name
    if policy.description:
        out["description"] = policy.description
    if policy.clock != ALWAYS:
        out["clock"] = policy.clock
    if policy.calendars:
        out["calendars"] = {name: cal.to_dict() for name, cal in policy.calendars.items()}
    targets = {t.name: form for t in policy.targets if (form := _target_form(t)) is not None}
    if targets:
        out["targets"] = targets
    out["severities"] = {
        s.name: ({"description": s.description} if s.description else {})
        | {name: _goal_form(goal) for name, goal in s.goals.items()}
        for s in policy.severities
    }
    if policy.plans:
        plans: dict[str, Any] = {}
        for plan in policy.plans:
            plan_form: dict[str, Any] = {}
            if plan.description:
                plan_form["description"] = plan.description
            if plan.clock is not None:
                plan_form["clock"] = plan.clock
            if plan.goals:
                plan_form["severities"] = {
                    severity: {name: _goal_form(goal) for name, goal in goals.items()}
                    for severity, goals in plan.goals.items()
                }
            plans[plan.name] = plan_form
        out["plans"] = plans
    if policy.tiers:
        out["tiers"] = [_tier_form(t) for t in policy.tiers]
    if policy.routes:
        out["routes"] = [
            {
                "name": route.name,
                "when": {
                    key: values[0] if len(values) == 1 else list(values)
                    for key, values in route.when.items()
                },
                "tiers": [_tier_form(t) for t in route.tiers],
            }
            for route in policy.routes
        ]
    if policy.availability is not None:
        a = policy.availability
        avail: dict[str, Any] = {"objective": _number(a.objective)}
        if a.clock is not None:
            avail["clock"] = a.clock
        if a.maintenance_notice is not None:
            avail["maintenance_notice"] = str(a.maintenance_notice)
        if a.measured_on is not None:
            avail["measured_on"] = a.measured_on
        if a.period != "month":
            avail["period"] = a.period
        if a.counts != ("major", "minor"):
            avail["counts"] = list(a.counts)
        out["availability"] = avail
    if policy.statuses:
        out["statuses"] = dict(policy.statuses)
    return out
