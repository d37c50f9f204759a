"""Availability objectives: seed 004's golden cases, edge cases, properties and the table path."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import attrs
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from escalate import (
    Availability,
    AvailabilityReport,
    BusinessDays,
    ConfigError,
    EscalateError,
    InvalidInstantError,
    InvalidRangeError,
    MissingExtraError,
    NaiveDatetimeError,
    Outage,
    OutageError,
    OutageKind,
    OutageReason,
    Period,
    Policy,
    PolicyError,
    Severity,
    availability,
    availability_frame,
    load_policy,
)
from tests.strategies import (
    AVAILABILITY_CALENDARS,
    AVAILABILITY_MONTH,
    availability_instants,
    availability_objectives,
    availability_outage_lists,
    availability_outages,
)

SEED_004 = Path(__file__).parent.parent / "examples" / "policies" / "seed_004_telecom.toml"
MX = ZoneInfo("America/Mexico_City")
NOVEMBER = Period.month(2026, 11)
OCTOBER = Period.month(2026, 10)
H = timedelta(hours=1)


@pytest.fixture(scope="module")
def seed() -> Policy:
    """Seed 004's policy: 99.5% per month on 24x7, 5 business days' notice on the office."""
    return load_policy(SEED_004)


def utc(day: int, hour: int = 0, minute: int = 0, month: int = 11) -> datetime:
    """An instant of 2026 in UTC."""
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def mx(day: int, hour: int = 0, month: int = 11) -> datetime:
    """An instant of 2026 in Mexico City (UTC-6 all year since 2022)."""
    return datetime(2026, month, day, hour, tzinfo=MX)


def planned(start: datetime, hours: int, notified_at: datetime | None) -> Outage:
    """Planned work of ``hours`` hours announced at ``notified_at``."""
    return Outage(
        start=start, end=start + hours * H, kind="minor", planned=True, notified_at=notified_at
    )


# -- golden cases from seed 004 ---------------------------------------------------------


def test_month_without_outages(seed: Policy) -> None:
    """A 30-day month on 24x7 at 99.5% allows 30 * 24 h * 0.5% = 3h36m and is fully available.

    November has 720 hours; 0.5% of them is 3.6 h = 3 h 36 min. With no outages the
    availability is 100%, nothing is spent and the whole budget remains.
    """
    report = availability(seed, [], NOVEMBER)
    assert report.allowed == timedelta(hours=3, minutes=36)
    assert report.period_time == report.measured == timedelta(days=30)
    assert report.availability == 100.0
    assert report.met
    assert report.complete
    assert report.downtime == report.spent == timedelta(0)
    assert report.remaining == report.allowed
    assert (report.spent_fraction, report.remaining_fraction) == (0.0, 1.0)
    assert report.merged == ()
    assert report.breached_at is None
    assert report.projected_breach_at is None
    assert report.measured_on == "24x7"
    assert "no outages" in report.explain()


def test_planned_work_with_five_business_days_notice_is_excluded(seed: Policy) -> None:
    """Work announced Monday 2 Nov 10:00 for Monday 9 Nov 10:00 has 5 business days' notice.

    Business days after Monday 2 November on the office calendar: Tue 3, Wed 4, Thu 5,
    Fri 6, Mon 9; so work from Monday 9 November 10:00 (same wall time) is excluded.
    """
    report = availability(seed, [planned(mx(9, 10), 2, mx(2, 10))], NOVEMBER)
    (record,) = report.outages
    assert record.reason is OutageReason.PLANNED
    assert record.is_excluded
    assert record.counted == timedelta(0)
    assert "work from 2026-11-09T10:00:00-06:00" in record.note
    assert report.excluded == (record,)
    assert report.availability == 100.0


def test_planned_work_with_four_business_days_notice_counts(seed: Policy) -> None:
    """Work announced Tuesday 3 Nov for Monday 9 Nov had only 4 business days: 2 h count.

    Wed 4, Thu 5, Fri 6 and Mon 9 are 4 business days; 5 would reach Tuesday 10 at
    10:00. The 2 hours count: 100 * (1 - 2/720) = 99.7222...%, 1h36m of budget left.
    """
    report = availability(seed, [planned(mx(9, 10), 2, mx(3, 10))], NOVEMBER)
    (record,) = report.outages
    assert record.reason is OutageReason.LATE_NOTICE
    assert not record.is_excluded
    assert record.counted == 2 * H
    assert "too late" in record.note
    assert "work from 2026-11-10T10:00:00-06:00" in record.note
    assert report.availability == pytest.approx(100 * (1 - 2 / 720))
    assert report.remaining == timedelta(hours=1, minutes=36)
    assert report.met


def test_notice_given_on_a_saturday(seed: Policy) -> None:
    """Notice on Saturday 7 Nov counts from Monday: Mon 9 .. Fri 13, so work from Fri 13 10:00.

    Saturday is not a business day and the notice date never counts, so the fifth
    business day after Saturday 7 November is Friday 13 November at the same 10:00;
    work on Thursday 12 November (4 business days) counts.
    """
    on_time = planned(mx(13, 10), 1, mx(7, 10))
    too_soon = planned(mx(12, 10), 1, mx(7, 10))
    report = availability(seed, [on_time, too_soon], NOVEMBER)
    assert [r.reason for r in report.outages] == [
        OutageReason.PLANNED,
        OutageReason.LATE_NOTICE,
    ]
    assert report.downtime == H


def test_notice_skips_a_holiday(seed: Policy) -> None:
    """Notice on Tuesday 10 Nov skips Monday 16 (Revolution Day): work from Wednesday 18.

    Wed 11, Thu 12, Fri 13, Tue 17, Wed 18 are the five business days, so work on
    Tuesday 17 counts and work on Wednesday 18 at 10:00 is excluded.
    """
    report = availability(
        seed,
        [planned(mx(17, 10), 1, mx(10, 10)), planned(mx(18, 10), 1, mx(10, 10))],
        NOVEMBER,
    )
    assert [r.reason for r in report.outages] == [
        OutageReason.LATE_NOTICE,
        OutageReason.PLANNED,
    ]


def test_corrective_work_counts_whatever_the_notice(seed: Policy) -> None:
    """Unplanned (corrective) work counts even when announced ten days ahead."""
    work = Outage(start=utc(20, 10), end=utc(20, 11), planned=False, notified_at=utc(5))
    report = availability(seed, [work], NOVEMBER)
    assert report.outages[0].reason is OutageReason.UNPLANNED
    assert report.downtime == H


def test_planned_work_never_announced_counts(seed: Policy) -> None:
    """Planned work without any announcement counts, with its own reason."""
    report = availability(seed, [planned(utc(20, 10), 1, None)], NOVEMBER)
    assert report.outages[0].reason is OutageReason.NO_NOTICE
    assert report.downtime == H


def test_external_cause_is_excluded(seed: Policy) -> None:
    """A 5-hour outage caused outside the provider's infrastructure leaves availability at 100%.

    Seed 004 excludes incidents outside its own or its partners' infrastructure, so the
    5 hours (which alone would breach the 3h36m budget) are not counted.
    """
    cut = Outage(start=utc(4, 8), end=utc(4, 13), external=True, id="fibre-cut")
    report = availability(seed, [cut], NOVEMBER)
    assert report.outages[0].reason is OutageReason.EXTERNAL
    assert report.availability == 100.0
    assert report.met


def test_outage_across_a_month_boundary_is_split(seed: Policy) -> None:
    """31 Oct 22:00 to 1 Nov 03:00 UTC gives October 2 h and November 3 h, 5 h in all.

    October has 744 hours, so its budget is 3.72 h = 3h43m12s and 2 h leave 1h43m12s;
    November's 3 h leave 36 minutes of its 3h36m.
    """
    outage = Outage(start=utc(31, 22, month=10), end=utc(1, 3))
    october = availability(seed, [outage], OCTOBER)
    november = availability(seed, [outage], NOVEMBER)
    assert october.downtime == 2 * H
    assert october.allowed == timedelta(hours=3, minutes=43, seconds=12)
    assert october.remaining == timedelta(hours=1, minutes=43, seconds=12)
    assert october.availability == pytest.approx(100 * (1 - 2 / 744))
    assert november.downtime == 3 * H
    assert november.remaining == timedelta(minutes=36)
    assert november.merged == ((NOVEMBER.start, utc(1, 3)),)
    assert october.downtime + november.downtime == outage.end - outage.start  # type: ignore[operator]


def test_overlapping_outages_are_merged(seed: Policy) -> None:
    """10:00-12:00 and 11:00-13:00 are 3 h of downtime, not 4: the second adds only 1 h."""
    first = Outage(start=utc(3, 10), end=utc(3, 12))
    second = Outage(start=utc(3, 11), end=utc(3, 13), kind="minor")
    report = availability(seed, [second, first], NOVEMBER)
    assert report.downtime == 3 * H
    assert [r.counted for r in report.outages] == [H, 2 * H]
    assert report.merged == ((utc(3, 10), utc(3, 13)),)


def test_breached_month_reports_when_the_budget_ran_out(seed: Policy) -> None:
    """A 4-hour outage from 10:00 uses the 3h36m budget up at 13:36 and breaches the month.

    Availability is 100 * (1 - 4/720) = 99.444...%, below 99.5%; 24 minutes over budget.
    """
    report = availability(seed, [Outage(start=utc(3, 10), end=utc(3, 14))], NOVEMBER)
    assert not report.met
    assert report.breached_at == utc(3, 13, 36)
    assert report.remaining == -timedelta(minutes=24)
    assert report.spent_fraction == pytest.approx(4 / 3.6)
    assert report.availability == pytest.approx(100 * (1 - 4 / 720))
    assert report.projected_breach_at is None
    assert "budget ran out at 2026-11-03T13:36:00+00:00" in report.explain()


def test_breach_found_after_earlier_outages(seed: Policy) -> None:
    """2 h on the 3rd and 2 h on the 4th: the budget runs out 1h36m into the second outage."""
    report = availability(
        seed,
        [Outage(start=utc(3, 10), end=utc(3, 12)), Outage(start=utc(4, 10), end=utc(4, 12))],
        NOVEMBER,
    )
    assert report.breached_at == utc(4, 11, 36)


def test_open_outage_projects_the_breach(seed: Policy) -> None:
    """An outage open since 1 Nov 00:00, as of 01:00, burns the budget at 100%: out at 03:36.

    Measured so far: 1 h, all of it down, so availability is 0% and the burn rate is
    1 h per hour; the 2h36m left run out at 01:00 + 2h36m = 03:36.
    """
    report = availability(seed, [Outage(start=utc(1))], NOVEMBER, as_of=utc(1, 1))
    assert not report.complete
    assert report.as_of == utc(1, 1)
    assert report.measured == report.downtime == H
    assert report.availability == 0.0
    assert report.met
    assert report.projected_breach_at == utc(1, 3, 36)
    assert "runs out at 2026-11-01T03:36:00+00:00" in report.explain()


def test_projection_at_the_average_burn_rate(seed: Policy) -> None:
    """2 h down in the first 96 h burn 1/48: the 1h36m left last 76.8 h, to 8 Nov 04:48.

    As of 5 Nov 00:00, 96 hours were measured and 2 were down; 96 min * 48 = 4608 min
    = 3 d 4 h 48 min after 5 Nov 00:00.
    """
    report = availability(seed, [Outage(start=utc(2, 2), end=utc(2, 4))], NOVEMBER, as_of=utc(5))
    assert report.projected_breach_at == utc(8, 4, 48)


def test_no_projection_beyond_the_period(seed: Policy) -> None:
    """1 h down in 217 h projects past the month's end, so no breach is projected.

    The 2h36m left would last 2h36m * 217 = 23.5 days from 10 Nov 01:00, past 1 Dec.
    """
    report = availability(seed, [Outage(start=utc(10))], NOVEMBER, as_of=utc(10, 1))
    assert report.downtime == H
    assert report.projected_breach_at is None


def test_end_before_start_is_a_typed_error() -> None:
    """An outage that ends before it starts is an OutageError, a ValueError, at ``end``."""
    with pytest.raises(OutageError) as info:
        Outage(start=utc(3, 12), end=utc(3, 10))
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, EscalateError)
    assert info.value.paths == ("end",)
    assert "swap start and end" in str(info.value)


def test_end_before_start_in_a_list_names_the_outage(seed: Policy) -> None:
    """A malformed fourth outage given as a mapping is reported at ``outages[3].end``."""
    good = {"start": "2026-11-03T10:00:00+00:00", "end": "2026-11-03T11:00:00+00:00"}
    bad = {"start": "2026-11-03T12:00:00+00:00", "end": "2026-11-03T10:00:00+00:00"}
    with pytest.raises(OutageError) as info:
        availability(seed, [good, good, good, bad], NOVEMBER)
    assert info.value.paths == ("outages[3].end",)


def test_every_malformed_outage_is_reported_at_once(seed: Policy) -> None:
    """Several bad outages (and one that is not a mapping): one error, each by its index."""
    good = {"start": "2026-11-03T10:00:00+00:00", "end": "2026-11-03T11:00:00+00:00"}
    backwards = {"start": "2026-11-03T12:00:00+00:00", "end": "2026-11-03T10:00:00+00:00"}
    unknown = {**good, "kind": "catastrophic"}
    with pytest.raises(OutageError) as info:
        availability(seed, [good, backwards, 7, unknown], NOVEMBER)
    assert info.value.paths == ("outages[1].end", "outages[2]", "outages[3].kind")


# -- clocks, kinds and the objective ------------------------------------------------------


def test_time_outside_the_measured_clock_is_excluded() -> None:
    """On an office clock, Saturday downtime is excluded and Monday 17:00-20:00 counts 1 h."""
    office = AVAILABILITY_CALENDARS["office"]
    objective = Availability(objective=99.5, measured_on="office")
    weekend = Outage(start=mx(7, 10), end=mx(7, 14))
    evening = Outage(start=mx(9, 17), end=mx(9, 20))
    report = availability(objective, [weekend, evening], NOVEMBER, calendars={"office": office})
    assert [r.reason for r in report.outages] == [
        OutageReason.OUTSIDE_CLOCK,
        OutageReason.UNPLANNED,
    ]
    assert report.downtime == H
    assert report.measured_on == "office"
    assert report.period_time == office.between(NOVEMBER.start, NOVEMBER.end)


def test_kinds_not_counted_are_excluded() -> None:
    """An objective counting only major failures excludes a minor one."""
    objective = Availability(objective=99.5, counts=["major"])
    report = availability(objective, [Outage(start=utc(3), end=utc(3, 1), kind="minor")], NOVEMBER)
    assert report.outages[0].reason is OutageReason.KIND_NOT_COUNTED
    assert report.downtime == timedelta(0)


def test_without_a_notice_period_any_earlier_notice_excludes() -> None:
    """With no notice period, work announced before it starts is excluded, after it counts."""
    objective = Availability(objective=99.5)
    report = availability(
        objective,
        [planned(utc(3, 10), 1, utc(3, 9)), planned(utc(4, 10), 1, utc(4, 11))],
        NOVEMBER,
    )
    assert [r.reason for r in report.outages] == [
        OutageReason.PLANNED,
        OutageReason.LATE_NOTICE,
    ]


def test_outages_outside_the_period_or_after_as_of() -> None:
    """Outages before the period, after it, or after ``as_of`` are reported, not counted."""
    objective = Availability(objective=99.5)
    before = Outage(start=utc(30, month=10), end=utc(1))
    after = Outage(start=utc(1, month=12), end=utc(2, month=12))
    later = Outage(start=utc(20), end=utc(21))
    report = availability(objective, [before, after, later], NOVEMBER, as_of=utc(10))
    assert [r.reason for r in report.outages] == [OutageReason.OUTSIDE_PERIOD] * 3
    assert [r.note for r in report.outages] == [
        "outside the period",
        "outside the period",
        "starts after as_of",
    ]


def test_zero_length_outage_counts_nothing() -> None:
    """An outage that ends as it starts is reported as counted but adds no downtime."""
    report = availability(
        Availability(objective=99.5), [Outage(start=utc(1), end=utc(1))], NOVEMBER
    )
    assert report.outages[0].reason is OutageReason.UNPLANNED
    assert report.downtime == timedelta(0)
    assert report.merged == ()


def test_as_of_before_the_period_measures_nothing() -> None:
    """Measured as of before the period starts, nothing is measured and availability is 100%."""
    report = availability(
        Availability(objective=99.5), [Outage(start=utc(3))], NOVEMBER, as_of=utc(1, month=10)
    )
    assert report.measured == timedelta(0)
    assert report.availability == 100.0
    assert report.projected_breach_at is None


def test_hundred_percent_objective_has_no_budget_fraction() -> None:
    """A 100% objective allows nothing, so the spent fraction is undefined (``None``)."""
    report = availability(
        Availability(objective=100), [Outage(start=utc(3), end=utc(3, 1))], NOVEMBER
    )
    assert report.allowed == timedelta(0)
    assert report.spent_fraction is None
    assert report.remaining_fraction is None
    assert not report.met
    assert "of the budget spent" not in report.explain()


def test_exhausted_budget_projects_now() -> None:
    """When the downtime equals the budget exactly in a running period, the breach is now.

    A 24-hour period at 50% allows 12 h; 12 h down by 12:00 leave nothing, so any more
    downtime breaches: the projected instant is ``as_of`` itself.
    """
    report = availability(
        Availability(objective=50),
        [Outage(start=utc(1), end=utc(1, 12))],
        Period(start=utc(1), end=utc(2)),
        as_of=utc(1, 12),
    )
    assert report.remaining == timedelta(0)
    assert report.met
    assert report.projected_breach_at == utc(1, 12)


def test_projection_landing_on_the_period_end_is_dropped() -> None:
    """A budget that would run out exactly at the period's end is no breach within it.

    Period 1 Nov 00:00-02:00 at 50% allows 1 h. As of 01:00, 30 min of the 60 measured
    were down: the burn rate is 1/2, so the 30 min left last 60 min, to 02:00, the end.
    """
    report = availability(
        Availability(objective=50),
        [Outage(start=utc(1, 0, 30), end=utc(1, 1))],
        Period(start=utc(1), end=utc(1, 2)),
        as_of=utc(1, 1),
    )
    assert report.allowed == H
    assert report.remaining == timedelta(minutes=30)
    assert report.projected_breach_at is None


def test_policy_without_an_objective_is_an_error() -> None:
    """A policy without an availability table cannot be measured."""
    policy = Policy(severities=[Severity(name="high", goals={"response": H, "resolution": H})])
    with pytest.raises(PolicyError) as info:
        availability(policy, [], NOVEMBER)
    assert info.value.paths == ("availability",)


def test_unknown_calendar_names_are_errors() -> None:
    """A measurement clock that is not declared is reported at its key path."""
    with pytest.raises(PolicyError) as info:
        availability(Availability(objective=99.5, measured_on="ofice"), [], NOVEMBER)
    assert info.value.paths == ("availability.measured_on",)


def test_calendars_from_another_policy(seed: Policy) -> None:
    """A standalone objective can take its calendars from a policy."""
    objective = Availability(objective=99.5, clock="office", maintenance_notice=BusinessDays(5))
    report = availability(objective, [planned(mx(9, 10), 2, mx(2, 10))], NOVEMBER, calendars=seed)
    assert report.outages[0].reason is OutageReason.PLANNED


def test_invalid_objective_fields_are_errors() -> None:
    """Period names, outage kinds and notice periods of an objective are checked."""
    with pytest.raises(PolicyError) as info:
        availability(
            Availability(
                objective=0,
                period="mnth",
                counts=["major", "mayor", "major"],
                maintenance_notice=BusinessDays(-1),
            ),
            [],
            NOVEMBER,
        )
    assert info.value.paths == (
        "availability.objective",
        "availability.maintenance_notice",
        "availability.period",
        "availability.counts[1]",
        "availability.counts[2]",
    )
    with pytest.raises(PolicyError) as empty:
        availability(Availability(objective=99, counts=[]), [], NOVEMBER)
    assert empty.value.paths == ("availability.counts",)


def test_objective_fields_round_trip_through_config(seed: Policy) -> None:
    """Non-default period and counts are written out and read back."""
    data = seed.to_dict()
    data["availability"].update(period="quarter", counts="major")
    policy = load_policy(data)
    assert policy.availability is not None
    assert policy.availability.counts == ("major",)
    assert load_policy(policy.to_dict()) == policy
    data["availability"]["counts"] = 5
    with pytest.raises(PolicyError) as info:
        load_policy(data)
    assert info.value.paths == ("availability.counts",)


# -- records, periods and instants --------------------------------------------------------


def test_naive_instants_are_typed_errors() -> None:
    """Naive instants in outages, periods, as_of or outage mappings raise NaiveDatetimeError."""
    naive = datetime(2026, 11, 3, 10)
    objective = Availability(objective=99.5)
    with pytest.raises(NaiveDatetimeError, match="start must be timezone-aware"):
        Outage(start=naive)
    with pytest.raises(NaiveDatetimeError, match="notified_at"):
        Outage(start=utc(3), notified_at=naive)
    with pytest.raises(NaiveDatetimeError):
        Period(start=naive, end=utc(4))
    with pytest.raises(NaiveDatetimeError, match="as_of"):
        availability(objective, [], NOVEMBER, as_of=naive)
    with pytest.raises(NaiveDatetimeError, match=r"outages\[1\]\.end"):
        availability(
            objective, [{"start": utc(3)}, {"start": utc(3), "end": "2026-11-03T12:00"}], NOVEMBER
        )
    with pytest.raises(InvalidInstantError, match="must be a timezone-aware datetime"):
        Outage(start="2026-11-03")  # type: ignore[arg-type]


def test_outage_mappings_report_every_problem() -> None:
    """Unknown keys, bad instants, a missing start and bad flags are reported together."""
    with pytest.raises(OutageError) as info:
        availability(
            Availability(objective=99.5),
            [{"strat": "x", "end": "soon", "notified_at": 5, "planned": "maybe"}],
            NOVEMBER,
        )
    assert info.value.paths == (
        "outages[0].strat",
        "outages[0].start",
        "outages[0].end",
        "outages[0].notified_at",
        "outages[0].planned",
    )
    assert "did you mean 'start'" in str(info.value)
    with pytest.raises(OutageError) as kind:
        availability(Availability(objective=99.5), [{"start": utc(3), "kind": "majr"}], NOVEMBER)
    assert kind.value.paths == ("outages[0].kind",)
    with pytest.raises(OutageError) as item:
        availability(Availability(objective=99.5), [42], NOVEMBER)  # type: ignore[list-item]
    assert item.value.paths == ("outages[0]",)
    with pytest.raises(OutageError):
        Outage.from_dict([("start", utc(3))])  # type: ignore[arg-type]


def test_outage_round_trips_through_its_dict() -> None:
    """``Outage.from_dict(o.to_dict()) == o`` for a fully described outage."""
    outage = Outage(
        start=utc(3),
        end=utc(3, 2),
        kind=OutageKind.MINOR,
        planned=True,
        notified_at=utc(1),
        external=False,
        id="chg-1",
        description="router upgrade",
    )
    assert Outage.from_dict(outage.to_dict()) == outage
    assert Outage.from_dict(Outage(start=utc(3)).to_dict()).end is None


def test_periods() -> None:
    """Months, quarters and years are built in a zone, follow each other and split."""
    assert Period.month(2026, 12).next() == Period.month(2027, 1)
    quarter = Period.containing(utc(15), kind="quarter", timezone="America/Mexico_City")
    assert (quarter.start, quarter.end) == (mx(1, 0, month=10), datetime(2027, 1, 1, tzinfo=MX))
    assert quarter.next().end == datetime(2027, 4, 1, tzinfo=MX)
    year = Period.containing(utc(15), kind="year")
    assert (year.start, year.end) == (utc(1, month=1), datetime(2027, 1, 1, tzinfo=UTC))
    first, second = NOVEMBER.split(utc(10))
    assert (first.end, second.start) == (utc(10), utc(10))
    assert str(NOVEMBER) == "2026-11-01T00:00:00+00:00 .. 2026-12-01T00:00:00+00:00"
    assert NOVEMBER.to_dict()["end"] == "2026-12-01T00:00:00+00:00"
    with pytest.raises(InvalidRangeError):
        Period(start=utc(2), end=utc(2))
    with pytest.raises(ConfigError, match="did you mean 'America/Mexico_City'"):
        Period.month(2026, 11, timezone="America/Mexico_Cty")
    with pytest.raises(ConfigError, match="unknown period 'week'"):
        Period.containing(utc(3), kind="week")


def test_report_is_json_ready_and_explained(seed: Policy) -> None:
    """``to_dict()`` survives strict JSON and ``explain()`` names every outage and reason."""
    outages = [
        Outage(start=utc(3, 10), end=utc(3, 11), id="inc-1"),
        planned(mx(9, 10), 2, mx(2, 10)),
        Outage(start=utc(30, 23)),
    ]
    report = availability(seed, outages, NOVEMBER, as_of=utc(30, 23, 30))
    assert isinstance(report, AvailabilityReport)
    data = json.loads(json.dumps(report.to_dict(), allow_nan=False))
    assert data["downtime_seconds"] == 3600 + 1800
    assert data["allowed_seconds"] == 12960
    assert data["outages"][1]["reason"] == "planned"
    assert data["outages"][1]["excluded"] is True
    assert data["merged"][0] == {
        "start": "2026-11-03T10:00:00+00:00",
        "end": "2026-11-03T11:00:00+00:00",
    }
    assert data["complete"] is False
    text = report.explain()
    assert "- inc-1 major" in text
    assert "- #1 minor" in text
    assert "still open" in text
    assert "met so far" in text


# -- properties ---------------------------------------------------------------------------


@given(availability_objectives, availability_outage_lists, st.none() | availability_instants)
def test_availability_is_a_percentage(objective, outages, as_of) -> None:
    """Availability stays in [0, 100] and the downtime never exceeds the measured time."""
    report = availability(
        objective, outages, AVAILABILITY_MONTH, as_of=as_of, calendars=AVAILABILITY_CALENDARS
    )
    assert 0 <= report.availability <= 100
    assert timedelta(0) <= report.downtime <= report.measured <= report.period_time
    assert sum((r.counted for r in report.outages), timedelta(0)) == report.downtime
    assert report.met == (report.downtime <= report.allowed)


@given(
    availability_objectives,
    availability_outage_lists,
    availability_outages(),
    st.none() | availability_instants,
)
def test_adding_an_outage_never_raises_availability(objective, outages, extra, as_of) -> None:
    """One more outage can only keep or lower the availability and raise the downtime."""
    kw = {"as_of": as_of, "calendars": AVAILABILITY_CALENDARS}
    before = availability(objective, outages, AVAILABILITY_MONTH, **kw)
    after = availability(objective, [*outages, extra], AVAILABILITY_MONTH, **kw)
    assert after.availability <= before.availability
    assert after.downtime >= before.downtime


@given(availability_objectives, availability_outage_lists, st.none() | availability_instants)
def test_excluded_outages_never_change_the_figure(objective, outages, as_of) -> None:
    """Dropping every excluded outage, or adding an external one, leaves the figure unchanged."""
    kw = {"as_of": as_of, "calendars": AVAILABILITY_CALENDARS}
    report = availability(objective, outages, AVAILABILITY_MONTH, **kw)
    kept = [r.outage for r in report.outages if not r.is_excluded]
    again = availability(objective, kept, AVAILABILITY_MONTH, **kw)
    external = Outage(start=AVAILABILITY_MONTH.start, end=AVAILABILITY_MONTH.end, external=True)
    more = availability(objective, [*outages, external], AVAILABILITY_MONTH, **kw)
    for other in (again, more):
        assert (other.downtime, other.availability) == (report.downtime, report.availability)


@given(availability_objectives, availability_outage_lists, availability_instants)
def test_splitting_a_period_sums_the_downtime(objective, outages, at) -> None:
    """Downtime and measured time of [start, at) and [at, end) add up to the whole month's."""
    if not AVAILABILITY_MONTH.start < at < AVAILABILITY_MONTH.end:
        return
    kw = {"as_of": AVAILABILITY_MONTH.end, "calendars": AVAILABILITY_CALENDARS}
    whole = availability(objective, outages, AVAILABILITY_MONTH, **kw)
    parts = [availability(objective, outages, p, **kw) for p in AVAILABILITY_MONTH.split(at)]
    assert parts[0].downtime + parts[1].downtime == whole.downtime
    assert parts[0].measured + parts[1].measured == whole.measured


@given(availability_outage_lists)
def test_overlaps_are_never_double_counted(outages) -> None:
    """On 24x7, downtime is the length of the union of the counted spans, however they overlap."""
    objective = Availability(objective=99.5, counts=["major", "minor"])
    month = AVAILABILITY_MONTH
    report = availability(objective, outages, month)
    doubled = availability(objective, [*outages, *outages], month)
    assert doubled.downtime == report.downtime
    spans = sorted(
        (max(r.outage.start, month.start), min(r.outage.end or month.end, month.end))
        for r in report.outages
        if not r.is_excluded
    )
    union, reach = timedelta(0), month.start
    for start, end in spans:
        if end > reach:
            union += end - max(start, reach)
            reach = end
    assert report.downtime == union
    assert sum((end - start for start, end in report.merged), timedelta(0)) == union


@given(
    availability_objectives,
    st.lists(availability_outages(), max_size=6),
    st.none() | availability_instants,
)
def test_frame_equals_the_scalar_function(objective, outages, as_of) -> None:
    """Every row of ``availability_frame`` equals :func:`availability` for its service and month."""
    rows = [
        {"service": f"s{i % 2}", **attrs.asdict(o, recurse=False)} for i, o in enumerate(outages)
    ]
    table = pd.DataFrame(
        rows, columns=["service", "start", "end", "kind", "planned", "notified_at", "external"]
    )
    for column in ("start", "end", "notified_at"):
        table[column] = pd.to_datetime(table[column], utc=True)
    frame = availability_frame(
        table, objective, timezone="UTC", as_of=as_of, calendars=AVAILABILITY_CALENDARS
    )
    for row in frame.itertuples():
        period = Period(start=row.period_start.to_pydatetime(), end=row.period_end.to_pydatetime())
        mine = [o for i, o in enumerate(outages) if f"s{i % 2}" == row.service]
        report = availability(
            objective, mine, period, as_of=as_of, calendars=AVAILABILITY_CALENDARS
        )
        assert row.downtime.to_pytimedelta() == report.downtime
        assert row.measured.to_pytimedelta() == report.measured
        assert row.allowed.to_pytimedelta() == report.allowed
        assert row.availability == report.availability
        assert row.met == report.met


# -- the table path -----------------------------------------------------------------------


def frame_of(rows: list[dict[str, object]]) -> pd.DataFrame:
    """A table of outages with tz-aware instant columns."""
    table = pd.DataFrame(rows)
    for column in ("start", "end"):
        if column in table:
            table[column] = pd.to_datetime(table[column], utc=True)
    return table


def test_frame_reports_every_service_and_month(seed: Policy) -> None:
    """Two services over October and November give four rows, months without outages at 100%."""
    table = frame_of(
        [
            {"service": "voice", "start": utc(31, 22, month=10), "end": utc(1, 3)},
            {"service": "data", "start": utc(3, 10), "end": utc(3, 14), "kind": None},
        ]
    )
    frame = availability_frame(table, seed, timezone="UTC")  # months in UTC, as asked
    assert list(frame["service"]) == ["data", "data", "voice", "voice"]
    assert list(frame["downtime"]) == [
        pd.Timedelta(0),
        pd.Timedelta(hours=4),
        pd.Timedelta(hours=2),
        pd.Timedelta(hours=3),
    ]
    assert list(frame["met"]) == [True, False, True, True]
    assert frame["period_start"].iloc[1] == pd.Timestamp("2026-11-01", tz="UTC")


def test_frame_with_one_group_and_object_columns() -> None:
    """With ``by=()`` the whole table is one group; columns of datetime objects are accepted."""
    table = pd.DataFrame(
        {"start": [utc(3, 10), utc(3, 11), utc(3, 4)], "end": [utc(3, 12), None, utc(3, 5)]},
        dtype=object,
    )
    table["planned"] = [True, False, True]
    table["notified_at"] = pd.Series([utc(1), None, utc(3, 6)], dtype=object)
    frame = availability_frame(table, Availability(objective=99.5), by=(), as_of=utc(3, 13))
    assert list(frame.columns[:2]) == ["period_start", "period_end"]
    assert frame["downtime"].iloc[0] == pd.Timedelta(hours=3)


def test_frame_input_errors() -> None:
    """Missing columns, naive columns and malformed rows are typed errors with row paths."""
    objective = Availability(objective=99.5)
    with pytest.raises(OutageError) as missing:
        availability_frame(pd.DataFrame({"end": []}), objective)
    assert missing.value.paths == ("outages.start", "outages.service")
    naive = pd.DataFrame({"service": ["a"], "start": pd.to_datetime(["2026-11-03 10:00"])})
    with pytest.raises(NaiveDatetimeError, match="'start'"):
        availability_frame(naive, objective)
    bad = frame_of(
        [
            {"service": "a", "start": utc(3, 12), "end": utc(3, 10), "kind": "mayor"},
            {"service": "a", "start": None, "end": utc(3, 10)},
        ]
    )
    with pytest.raises(OutageError) as rows:
        availability_frame(bad, objective)
    assert rows.value.paths == ("outages[1].start", "outages[0].end", "outages[0].kind")
    objects = pd.DataFrame({"service": ["a"], "start": [datetime(2026, 11, 3)]}, dtype=object)
    with pytest.raises(NaiveDatetimeError, match=r"outages\[0\]\.start"):
        availability_frame(objects, objective)


def test_empty_frame() -> None:
    """An empty table gives an empty report with the documented columns."""
    table = pd.DataFrame({"service": [], "start": pd.to_datetime([], utc=True)})
    frame = availability_frame(table, Availability(objective=99.5))
    assert list(frame.columns) == [
        "service",
        "period_start",
        "period_end",
        "measured",
        "downtime",
        "allowed",
        "remaining",
        "availability",
        "met",
    ]
    assert frame.empty


def test_frame_needs_pandas(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without pandas the table path raises MissingExtraError naming the ``pandas`` extra."""
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(MissingExtraError, match=r"escalate-sla\[pandas\]"):
        availability_frame(None, Availability(objective=99.5))  # type: ignore[arg-type]


def test_frame_months_are_the_policys_by_default_as_on_the_command_line(seed: Policy) -> None:
    """Seed 004 measures 24x7 (UTC), but its months are Mexico City's, as the CLI counts them.

    An outage on the evening of 31 October, Mexico City time, belongs to October.
    """
    table = frame_of([{"service": "voice", "start": utc(1, 1), "end": utc(1, 5)}])
    frame = availability_frame(table, seed)
    assert seed.timezone == "America/Mexico_City"
    assert frame["period_start"].tolist() == [pd.Timestamp("2026-10-01", tz=seed.timezone)]
    assert frame["downtime"].tolist() == [pd.Timedelta(hours=4)]
    zone = ZoneInfo(seed.timezone)
    period = Period.month(2026, 10, timezone=seed.timezone)
    outage = Outage(start=utc(1, 1).astimezone(zone), end=utc(1, 5).astimezone(zone))
    alone = availability(seed, [outage], period)
    assert alone.downtime == frame["downtime"].iloc[0]
