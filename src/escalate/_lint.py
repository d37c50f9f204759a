"""Warnings about valid policies that may not do what their authors mean.

A policy that passes every check can still hold its escalation up: tiers fire in order,
so a tier that waits holds every tier above it. :func:`policy_warnings` names the tiers
that can wait for something other than time passing, by key path, with what to do;
``escalate validate`` prints them. None of them is an error: seed 001's "exhaust one
level before the next" is a manual tier on purpose.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from escalate._errors import Problem
from escalate._plan import policy_argument
from escalate._policy import AfterElapsed, AtPercent, Manual, OnBreach

if TYPE_CHECKING:
    from escalate._policy import Policy, Tier, Trigger

__all__ = ["policy_warnings"]


def _target_of(trigger: Trigger) -> str | None:
    if isinstance(trigger, AtPercent | OnBreach):
        return trigger.target
    return None


def policy_warnings(policy: Policy, /) -> list[Problem]:
    """Return the tiers that can hold the tiers above them, each at its key path.

    - A tier on a target that does not start at the opening (a post-mortem starts at the
      resolution) waits while that target is pending, and so do the tiers above it that
      do not depend on it.
    - An automatic tier above a manual one never fires before somebody escalates by hand.
    - An ``after`` tier without a clock counts on the policy's resolution clock
      (:attr:`Policy.escalation_clock`), whatever clock a severity's resolution goal has:
      a critical incident resolved 24x7 still waits for office hours there.

    A tier whose target can no longer reach its trigger (met first, or no goal for the
    severity) does not hold the others: it is skipped (see the evaluation docs).

    >>> from escalate import load_policy
    >>> policy = load_policy("examples/policies/seed_000_noc.toml")
    >>> policy_warnings(policy)
    []
    """
    policy_argument(policy)
    out: list[Problem] = []
    lists: list[tuple[str, tuple[Tier, ...]]] = [("tiers", policy.tiers)]
    lists += [(f"routes[{i}].tiers", route.tiers) for i, route in enumerate(policy.routes)]
    starts = {t.name: t.start for t in policy.targets}
    for path, tiers in lists:
        for k, tier in enumerate(tiers):
            above = tiers[k + 1 :]
            name = _target_of(tier.trigger)
            if name is not None and starts.get(name) != ("opened",):
                others = [t for t in above if _target_of(t.trigger) != name]
                if others:
                    out.append(
                        Problem(
                            path=f"{path}[{k}].trigger",
                            message=f"tier {tier.level} waits while target {name!r} has not "
                            f"started, and holds level {others[0].level} above it",
                            hint="put tiers on targets that start later above the others, "
                            "or give them their own route",
                        )
                    )
            if isinstance(tier.trigger, AfterElapsed) and tier.trigger.clock is None:
                out.extend(_other_clocks(policy, f"{path}[{k}].trigger", tier))
            if isinstance(tier.trigger, Manual):
                automatic = [t for t in above if not isinstance(t.trigger, Manual)]
                if automatic:
                    out.append(
                        Problem(
                            path=f"{path}[{k}].trigger",
                            message=f"tier {automatic[0].level} fires on its own, but only after "
                            f"manual tier {tier.level} below it was reached by hand",
                            hint="if the automatic tier should not wait, put it below the manual "
                            "one; if it should, nothing to do",
                        )
                    )
    return out


def _other_clocks(policy: Policy, path: str, tier: Tier) -> list[Problem]:
    """The severities whose resolution goal counts on another clock than ``tier``'s."""
    clock = policy.escalation_clock
    others: dict[str, list[str]] = {}
    for severity in policy.severity_names:
        for plan in (None, *(p.name for p in policy.plans)):
            goal = policy.goal("resolution", severity, plan=plan)
            if goal is not None and goal.clock is not None and goal.clock != clock:
                names = others.setdefault(goal.clock, [])
                if severity not in names:
                    names.append(severity)
    return [
        Problem(
            path=path,
            message=f"tier {tier.level} counts its time on clock {clock!r}, but severity "
            + ", ".join(map(repr, names))
            + f" resolves on {other!r}",
            hint=f"if the tier should count as the resolution does, give it clock = "
            f"{other!r} (in a route for those severities); else nothing to do",
        )
        for other, names in others.items()
    ]
