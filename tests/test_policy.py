"""The policy model built in Python: value semantics, lookups and whole-policy checks."""

from __future__ import annotations

import pickle
from datetime import timedelta

import attrs
import pytest
from hypothesis import given

from escalate import (
    AfterElapsed,
    AtOpen,
    AtPercent,
    Availability,
    BusinessDays,
    Calendar,
    Contact,
    Goal,
    Manual,
    OnBreach,
    Plan,
    Policy,
    PolicyError,
    Route,
    Severity,
    Target,
    Tier,
)
from escalate._policy import FrozenMap
from tests.strategies import policies

H = timedelta(hours=1)
OFFICE = Calendar(timezone="America/Bogota", hours={"mon-fri": ["07:30-12:30", "13:30-17:00"]})


def small(**changes) -> Policy:
    """Return a two-severity policy with an office calendar, changed by ``changes``."""
    fields = {
        "name": "small",
        "clock": "office",
        "calendars": {"office": OFFICE},
        "targets": [
            Target(
                name="postmortem",
                start="resolved",
                stop="report_sent",
                clock="24x7",
                goal=72 * H,
                pauses=False,
            )
        ],
        "severities": [
            Severity(
                name="alta", description="down", goals={"response": 2 * H, "resolution": 8 * H}
            ),
            Severity(
                name="baja",
                goals={
                    "response": Goal(duration=5 * H, warning=3 * H),
                    "resolution": Goal(duration=80 * H, clock="24x7"),
                },
            ),
        ],
        "plans": [Plan(name="premium", clock="24x7", goals={"alta": {"response": H}})],
        "tiers": [
            Tier(
                level=1,
                name="desk",
                trigger=AtOpen(),
                contacts=[Contact(name="Desk", email="desk@example.com", phones="+1 555 0100")],
            ),
            Tier(level=2, name="lead", trigger=AtPercent(target="resolution", percent=50)),
            Tier(level=3, name="manager", trigger=OnBreach(target="resolution", delay=H)),
            Tier(level=4, name="director", trigger=AfterElapsed(after=10 * H)),
            Tier(level=5, name="ceo"),
        ],
        "routes": [
            Route(
                name="billing", when={"category": "billing"}, tiers=[Tier(level=1, name="billing")]
            )
        ],
    }
    fields.update(changes)
    return Policy(**fields)


def problems(info: pytest.ExceptionInfo[PolicyError]) -> dict[str, str]:
    """Return the problems of an error as a path -> text mapping."""
    return {p.path: str(p) for p in info.value.problems}


def test_builtin_targets_exist_and_come_first():
    """Response and resolution exist without being declared, before the custom targets."""
    policy = small()
    assert [t.name for t in policy.targets] == ["response", "resolution", "postmortem"]
    assert policy.target("response").stop == ("responded", "resolved", "closed")
    assert policy.event_names == {"opened", "responded", "resolved", "closed", "report_sent"}


def test_declaring_a_builtin_target_replaces_it():
    """A declared response target replaces the built-in one in place."""
    policy = small(
        targets=[Target(name="response", stop="responded", required=False, pauses=False)]
    )
    assert policy.targets[0] == Target(
        name="response", stop="responded", required=False, pauses=False
    )
    assert len(policy.targets) == 2


def test_targets_accept_a_mapping():
    """Targets may be given as a mapping of name to target."""
    target = Target(name="postmortem", start="resolved", stop="report_sent", goal=H)
    assert small(targets={"postmortem": target}).target("postmortem") == target


def test_goal_lookup_resolves_the_clock():
    """goal() returns the duration, warning and the clock that applies, most specific first."""
    policy = small()
    assert policy.goal("response", "alta") == Goal(duration=2 * H, clock="office")
    assert policy.goal("response", "baja") == Goal(duration=5 * H, warning=3 * H, clock="office")
    assert policy.goal("resolution", "baja") == Goal(duration=80 * H, clock="24x7")
    assert policy.goal("postmortem", "alta") == Goal(duration=72 * H, clock="24x7")


def test_goal_lookup_with_a_plan():
    """A plan's override wins; the plan's clock applies to goals without a clock of their own."""
    policy = small()
    assert policy.goal("response", "alta", plan="premium") == Goal(duration=H, clock="24x7")
    assert policy.goal("resolution", "alta", plan="premium") == Goal(duration=8 * H, clock="24x7")
    assert policy.goal("resolution", "baja", plan="premium") == Goal(duration=80 * H, clock="24x7")


def test_goal_lookup_for_a_target_that_does_not_apply():
    """An optional target without a goal for the severity gives None."""
    policy = small(targets=[Target(name="fix", stop="fixed", required=False)])
    assert policy.goal("fix", "alta") is None


@pytest.mark.parametrize(
    ("call", "path", "text"),
    [
        (lambda p: p.goal("respons", "alta"), "target", "did you mean 'response'?"),
        (lambda p: p.goal("response", "alto"), "severity", "did you mean 'alta'?"),
        (lambda p: p.goal("response", "alta", plan="premiun"), "plan", "did you mean 'premium'?"),
        (lambda p: p.calendar("ofice"), "clock", "did you mean 'office'?"),
        (lambda p: p.plan("zzz"), "plan", "known plans: 'premium'"),
    ],
)
def test_lookups_of_unknown_names_suggest_close_ones(call, path, text):
    """Unknown names in lookups raise PolicyError with a did-you-mean or the known names."""
    with pytest.raises(PolicyError) as info:
        call(small())
    assert info.value.paths == (path,)
    assert text in str(info.value)


def test_lookup_in_a_policy_without_plans():
    """Without plans the hint says to declare one."""
    with pytest.raises(PolicyError, match="declare the plan"):
        small(plans=[]).plan("gold")


def test_calendars_and_24x7():
    """Named calendars are returned as declared, and 24x7 exists without declaring it."""
    policy = small()
    assert policy.calendar("office") is policy.calendars["office"]
    always = policy.calendar("24x7")
    assert always.is_always_open
    assert policy.severity_names == ("alta", "baja")
    assert policy.severity("baja").name == "baja"


def test_a_declared_24x7_calendar_wins():
    """Declaring 24x7 chooses its time zone for results."""
    mexico = Calendar.always("America/Mexico_City")
    assert small(calendars={"office": OFFICE, "24x7": mexico}).calendar("24x7") is mexico


def test_routes_pick_tiers_by_attributes():
    """The first matching route gives the tiers; otherwise the default list applies."""
    policy = small(
        routes=[
            Route(
                name="co-billing",
                when={"region": ["CO"], "category": "billing"},
                tiers=[Tier(level=1, name="a")],
            ),
            Route(
                name="billing",
                when={"category": ["billing", "invoices"]},
                tiers=[Tier(level=1, name="b")],
            ),
        ]
    )
    assert policy.route_for({"region": "CO", "category": "billing"}).name == "co-billing"
    assert policy.route_for({"region": "PE", "category": "invoices"}).name == "billing"
    assert policy.route_for({"region": "PE"}) is None
    assert policy.tiers_for({"region": "CO", "category": "billing"})[0].name == "a"
    assert policy.tiers_for({"category": "invoices"})[0].name == "b"
    assert policy.tiers_for({}) == policy.tiers


def test_escalation_clock_is_the_resolution_clock():
    """AfterElapsed triggers without a clock use the resolution target's clock."""
    assert small().escalation_clock == "office"
    policy = small(targets=[Target(name="resolution", clock="24x7")])
    assert policy.escalation_clock == "24x7"


def test_value_semantics():
    """Policies are frozen, equal by value, hashable and survive pickling."""
    policy = small(availability=Availability(objective=99.5, maintenance_notice=BusinessDays(5)))
    assert policy == small(
        availability=Availability(objective=99.5, maintenance_notice=BusinessDays(5))
    )
    assert hash(policy) == hash(
        small(availability=Availability(objective=99.5, maintenance_notice=BusinessDays(5)))
    )
    assert pickle.loads(pickle.dumps(policy)) == policy
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        policy.name = "other"  # type: ignore[misc]
    assert attrs.evolve(policy, name="other").name == "other"


@given(policies())
def test_generated_policies_pickle_and_hash(policy):
    """Every generated policy pickles to an equal policy with the same hash."""
    copy = pickle.loads(pickle.dumps(policy))
    assert copy == policy
    assert hash(copy) == hash(policy)


def test_frozen_map_behaves_like_a_read_only_mapping():
    """FrozenMap compares with plain dicts, hashes, and refuses changes."""
    m = FrozenMap({"a": 1})
    assert m == {"a": 1}
    assert m != 1
    assert repr(m) == "{'a': 1}"
    assert hash(m) == hash(FrozenMap([("a", 1)])) == hash(m)
    with pytest.raises(TypeError):
        m["b"] = 2  # type: ignore[index]


def test_goals_accept_timedeltas():
    """A plain timedelta in goals becomes a Goal, and a Goal is kept."""
    severity = Severity(
        name="x",
        goals={"response": H, "resolution": Goal(duration=H, warning=timedelta(minutes=30))},
    )
    assert severity.goals["response"] == Goal(duration=H)
    assert severity.goals["resolution"].warning == timedelta(minutes=30)


def test_trigger_classes_are_values():
    """Triggers are frozen values; AtPercent stores its percentage as a float."""
    assert AtOpen() == AtOpen()
    assert Manual() != AtOpen()
    assert AtPercent(target="resolution", percent=75) == AtPercent(
        target="resolution", percent=75.0
    )
    assert OnBreach(target="response").delay == timedelta(0)
    assert Tier(level=1, name="x").trigger == Manual()


# -- whole-policy checks, from Python -----------------------------------------------------


def test_zero_and_negative_goals_are_rejected():
    """A goal of zero or less names the severity and target and shows the value."""
    with pytest.raises(PolicyError) as info:
        small(
            severities=[Severity(name="alta", goals={"response": timedelta(0), "resolution": -H})]
        )
    found = problems(info)
    assert "a goal must be positive, got '0s'" in found["severities.alta.response"]
    assert "got '-1h'" in found["severities.alta.resolution"]


def test_warning_points_must_lie_inside_the_goal():
    """A warning at or after the goal is rejected."""
    goal = Goal(duration=3 * H, warning=5 * H)
    with pytest.raises(PolicyError) as info:
        small(severities=[Severity(name="alta", goals={"response": goal, "resolution": H})])
    assert (
        "the warning point '5h' must be above zero and below the goal '3h'"
        in problems(info)["severities.alta.response.warning"]
    )


def test_unknown_calendars_in_every_clock():
    """Every place that names a clock reports an unknown calendar with did-you-mean."""
    with pytest.raises(PolicyError) as info:
        small(
            clock="ofice",
            targets=[
                Target(
                    name="fix", stop="fixed", clock="nigth", goal=Goal(duration=H, clock="offce")
                )
            ],
            plans=[Plan(name="p", clock="weekdays")],
            severities=[
                Severity(
                    name="alta",
                    goals={"response": Goal(duration=H, clock="offic"), "resolution": H},
                )
            ],
            tiers=[Tier(level=1, name="a", trigger=AfterElapsed(after=H, clock="ofice"))],
            availability=Availability(objective=99, clock="offices"),
        )
    found = problems(info)
    assert set(found) == {
        "clock",
        "targets.fix.clock",
        "targets.fix.goal.clock",
        "plans.p.clock",
        "severities.alta.response.clock",
        "tiers[0].trigger.clock",
        "availability.clock",
    }
    assert "unknown calendar 'ofice'; did you mean 'office'?" in found["clock"]
    assert "declare it under [calendars.weekdays]" in found["plans.p.clock"]


def test_missing_goal_for_a_required_target():
    """A severity without a goal for a required target is reported at that target's key."""
    with pytest.raises(PolicyError) as info:
        small(severities=[Severity(name="alta", goals={"response": H})])
    assert info.value.paths == ("severities.alta.resolution",)
    assert "no goal for the required target 'resolution'" in str(info.value)
    assert "set required = false" in str(info.value)


def test_duplicates_are_reported():
    """Two severities, targets, plans, routes or tier levels with one name are reported."""
    with pytest.raises(PolicyError) as info:
        small(
            targets=[Target(name="x", stop="y", goal=H), Target(name="x", stop="z", goal=H)],
            severities=[Severity(name="alta", goals={"response": H, "resolution": H})] * 2,
            plans=[Plan(name="p"), Plan(name="p")],
            tiers=[Tier(level=1, name="a"), Tier(level=1, name="b")],
            routes=[Route(name="r", when={"a": "b"}, tiers=[Tier(level=1, name="a")])] * 2,
        )
    found = problems(info)
    assert "severity 'alta' is declared twice" in found["severities.alta"]
    assert "tier level 1 is declared twice" in found["tiers[1].level"]
    assert "target 'x' is declared twice" in found["targets.x"]
    assert "plan 'p' is declared twice" in found["plans.p"]
    assert "route 'r' is declared twice" in found["routes[1].name"]


def test_tiers_out_of_order_and_bad_levels():
    """Levels must increase, be 1 or more, and triggers must make sense."""
    with pytest.raises(PolicyError) as info:
        small(
            tiers=[
                Tier(level=2, name="b", trigger=AfterElapsed(after=timedelta(0))),
                Tier(level=1, name="a", trigger=AtPercent(target="resolution", percent=0)),
                Tier(level=0, name="z", trigger=OnBreach(target="resolution", delay=-H)),
                Tier(level=3, name="c", contacts=[Contact(name="x", response=-H)]),
            ]
        )
    found = problems(info)
    assert "tier level 1 comes after level 2; tiers are out of order" in found["tiers[1].level"]
    assert "a tier level must be 1 or more, got 0" in found["tiers[2].level"]
    assert "an elapsed time must be positive, got '0s'" in found["tiers[0].trigger.after"]
    assert "a percentage must be above 0, got 0.0" in found["tiers[1].trigger.percent"]
    assert "a delay cannot be negative, got '-1h'" in found["tiers[2].trigger.delay"]
    assert "a response time cannot be negative" in found["tiers[3].contacts[0].response"]


def test_unknown_targets_in_triggers():
    """Percent and breach triggers must name a declared target."""
    with pytest.raises(PolicyError) as info:
        small(
            tiers=[
                Tier(level=1, name="a", trigger=AtPercent(target="resolutoin", percent=50)),
                Tier(level=2, name="b", trigger=OnBreach(target="zzz")),
            ]
        )
    found = problems(info)
    assert "unknown target 'resolutoin'; did you mean 'resolution'?" in found["tiers[0].trigger.of"]
    assert (
        "known targets: 'response', 'resolution', 'postmortem'" in found["tiers[1].trigger.breach"]
    )


def test_route_problems():
    """A route needs tiers and conditions, and each condition needs values."""
    with pytest.raises(PolicyError) as info:
        small(
            routes=[
                Route(name="r", when={}, tiers=[]),
                Route(name="s", when={"region": []}, tiers=[Tier(level=1, name="a")]),
            ]
        )
    found = problems(info)
    assert "route 'r' has no tiers" in found["routes[0].tiers"]
    assert "a route needs at least one condition" in found["routes[0].when"]
    assert "no accepted values" in found["routes[1].when.region"]


def test_severity_plan_and_target_problems():
    """Unknown targets in goals, unknown severities in plans and odd targets are reported."""
    with pytest.raises(PolicyError) as info:
        small(
            severities=[],
            plans=[Plan(name="p", goals={"alto": {"responce": H}})],
            targets=[
                Target(name="description", stop="x", goal=H),
                Target(name="loop", start="a", stop="a", goal=H),
            ],
        )
    found = problems(info)
    assert "a policy needs at least one severity" in found["severities"]
    assert "unknown severity 'alto'" in found["plans.p.severities.alto"]
    assert (
        "unknown key 'responce': no target has this name; did you mean 'response'?"
        in found["plans.p.severities.alto.responce"]
    )
    assert "'description' cannot name a target" in found["targets.description"]
    assert "starts and stops on the same condition 'a'" in found["targets.loop.stop"]


def test_availability_problems():
    """The availability objective is a percentage and the notice is not negative."""
    with pytest.raises(PolicyError) as info:
        small(availability=Availability(objective=150, maintenance_notice=BusinessDays(-1)))
    found = problems(info)
    assert "expected a percentage in (0, 100], got 150.0" in found["availability.objective"]
    assert "cannot be negative, got '-1bd'" in found["availability.maintenance_notice"]


def test_empty_names_are_rejected():
    """Tiers, contacts and routes need non-empty names, as in config files."""
    with pytest.raises(PolicyError) as info:
        small(
            routes=[
                Route(
                    name="",
                    when={"a": "b"},
                    tiers=[Tier(level=1, name="", contacts=[Contact(name="")])],
                )
            ]
        )
    assert set(problems(info)) == {
        "routes[0].name",
        "routes[0].tiers[0].name",
        "routes[0].tiers[0].contacts[0].name",
    }


def test_goal_lookups_are_memoised_but_not_part_of_the_value():
    """Repeated goal lookups return the same answer, and the cache does not affect equality or pickling."""
    policy = small()
    first = policy.goal("response", "alta", plan="premium")
    assert policy.goal("response", "alta", plan="premium") is first
    assert policy == small()
    assert hash(policy) == hash(small())
    assert pickle.loads(pickle.dumps(policy)).goal("response", "alta", plan="premium") == first


def test_an_after_tier_on_another_clock_than_a_severitys_resolution_is_warned():
    """A critical severity resolved 24x7 and an after tier on office hours: a warning."""
    from escalate import load_policy, policy_warnings  # noqa: PLC0415

    data = {
        "clock": "office",
        "calendars": {
            "office": {"timezone": "America/Bogota", "hours": {"mon-fri": ["08:00-17:00"]}}
        },
        "severities": {
            "critical": {"response": "30m", "resolution": {"duration": "4h", "clock": "24x7"}},
            "low": {"response": "4h", "resolution": "40h"},
        },
        "tiers": [
            {"level": 1, "name": "Desk", "trigger": "open"},
            {"level": 2, "name": "Lead", "trigger": {"after": "1h"}},
            {"level": 3, "name": "Head", "trigger": {"after": "2h", "clock": "office"}},
        ],
    }
    (warning,) = policy_warnings(load_policy(data))
    assert warning.path == "tiers[1].trigger"
    assert "clock 'office', but severity 'critical' resolves on '24x7'" in warning.message
    data["tiers"][1]["trigger"]["clock"] = "24x7"
    assert policy_warnings(load_policy(data)) == []
