"""``fold`` remembers what each event does, per state, in the compiled policy.

What an event does depends on the state before it (each target's state, the status,
whether a pause holds the incident, how it is concluded), its type and its status, and
on nothing else: ``fold`` keeps :func:`escalate._fold.step`'s answer per state and
reuses it. A memory shared by many histories must answer as a fresh one does, and the
bound on what it keeps (``STATES``) must change no answer.
"""

from __future__ import annotations

from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from escalate import _fold
from escalate._calendar import _instant
from escalate._fold import fold
from escalate._plan import Compiled, compiled
from tests.evaluator_reference import POLICIES, incidents


def _fields(folded: _fold.Folded) -> dict[str, object]:
    return {name: getattr(folded, name) for name in _fold.Folded.__slots__}


@st.composite
def histories(draw: st.DrawFn) -> tuple[str, list[tuple[object, int]]]:
    """A policy's name and 1-6 of its random timelines, each with an instant to fold at."""
    name = draw(st.sampled_from(sorted(POLICIES)))
    cases = draw(st.lists(incidents(policies=(name,)), min_size=1, max_size=6))
    return name, [(timeline, _instant(at, "at")) for _n, _p, timeline, at in cases]


@given(histories(), st.integers(0, 3))
@settings(deadline=None)
def test_a_shared_memory_answers_as_a_fresh_one(case, states) -> None:
    """Folds through one plan's memory equal folds through a plan that keeps (almost) nothing."""
    name, timelines = case
    policy = POLICIES[name]
    shared = Compiled(policy)  # one memory for every history of the example
    for timeline, now in timelines:
        with mock.patch.object(_fold, "STATES", states):
            fresh = fold(Compiled(policy), timeline.instants, now)
            bounded = fold(shared, timeline.instants, now)
        remembered = fold(shared, timeline.instants, now)
        assert _fields(bounded) == _fields(fresh)
        assert _fields(remembered) == _fields(fresh)
        # and as the policy's own compiled form, shared by every test, answers
        assert _fields(fold(compiled(policy), timeline.instants, now)) == _fields(fresh)
    assert len(shared.steps) <= _fold.STATES + 1  # the states, and the first one's key


def test_the_memory_is_bounded() -> None:
    """Past STATES states, or STATES steps from one state, nothing more is kept."""
    policy = POLICIES[min(POLICIES)]
    plan = Compiled(policy)
    with mock.patch.object(_fold, "STATES", 1):
        first = _fold._known(plan, ((0,) * len(plan.targets), None, False, 0), first=True)
        other = _fold._known(plan, ((1,) * len(plan.targets), None, False, 0))
        assert other is not first
        assert list(plan.steps) == [first[None], None]  # the second state was not kept
        _fold._learn(plan, first, "opened", None)
        _fold._learn(plan, first, "responded", None)
        assert len(first) == 2  # the state itself and one step: the second was not kept
