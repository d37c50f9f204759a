"""A tier's turn may jump over the segments in which it cannot fire: the jump changes nothing.

Where one goal is in force throughout and a target's measurement never restarts, its
elapsed time ``R`` never falls, so ``_engine._turn`` finds by bisection the first segment
whose end passes a percent or breach tier's amount (``_engine._skip``) instead of visiting
every segment before it. The law: on random incidents (reopens that continue, keep or
restart a measurement, severity changes, pauses, manual escalations), every tier's outcome
and instant equal those of the turn that visits every segment.
"""

from __future__ import annotations

from unittest import mock

import attrs
from hypothesis import given, settings

from escalate import AtPercent, Manual, OnBreach, Tier
from escalate._calendar import _instant
from escalate._engine import _skip
from escalate._evaluate import outcome
from escalate._fold import fold
from escalate._plan import compiled
from tests.evaluator_reference import POLICIES, incidents
from tests.test_engine_measure import OFFICE, RESOLVED_TWICE


def _target_tiers(policy):  # type: ignore[no-untyped-def]
    """Variants of the policy whose tiers are on one target each, so each turn comes."""
    variants = []
    for t in policy.targets:
        for triggers in (
            [AtPercent(target=t.name, percent=40)],
            [OnBreach(target=t.name)],
            [Manual(), AtPercent(target=t.name, percent=100)],
        ):
            tiers = [Tier(level=k + 1, name=f"t{k}", trigger=x) for k, x in enumerate(triggers)]
            variants.append(attrs.evolve(policy, tiers=tiers, routes=[]))
    return variants


TURNS = {name: _target_tiers(policy) for name, policy in OFFICE.items()}


def _no_jump(tier, j, *_rest):  # type: ignore[no-untyped-def]
    return j


@given(incidents())
@settings(deadline=None)
def test_the_jump_over_segments_changes_no_tier(case) -> None:
    """Every tier's outcome and instant, with the jump and visiting every segment."""
    name, _policy, timeline, at = case
    now = _instant(at, "at")
    for policy in (POLICIES[name], OFFICE[name], *TURNS[name]):
        plan = compiled(policy)
        jumped = outcome(plan, timeline, now).tiers
        with mock.patch("escalate._engine._skip", _no_jump):
            visited = outcome(plan, timeline, now).tiers
        assert jumped == visited


def test_a_restarted_measurement_is_visited_segment_by_segment() -> None:
    """R falls at a restart, so the post-incident report's tiers visit every segment."""
    policy = next(
        p
        for p in TURNS["bogota"]
        if isinstance(p.tiers[0].trigger, OnBreach) and p.tiers[0].trigger.target == "postmortem"
    )
    plan = compiled(policy)
    timeline = RESOLVED_TWICE
    now = _instant(timeline.events[-1].at, "now") + 86_400_000_000 * 10
    folded = fold(plan, timeline.instants, now)
    assert any(folded.restarts)
    calls = []

    def spy(tier, j, *rest):  # type: ignore[no-untyped-def]
        k = _skip(tier, j, *rest)
        calls.append((tier.a, j, k))
        return k

    with mock.patch("escalate._engine._skip", spy):
        tiers = outcome(plan, timeline, now).tiers
    restarted = {i for i, r in enumerate(folded.restarts) if r}
    assert calls
    assert all(j == k for i, j, k in calls if i in restarted)
    with mock.patch("escalate._engine._skip", _no_jump):
        assert outcome(plan, timeline, now).tiers == tiers
