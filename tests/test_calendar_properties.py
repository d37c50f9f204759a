"""Law-like properties of add, between and friends over random calendars in DST zones."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from tests import strategies as s
from tests.reference import US, from_us, to_us

ONE_US = timedelta(microseconds=1)

# Equality and subtraction of aware datetimes in the same zone compare wall times and ignore
# `fold`, and inter-zone == is always False for fold=1 times (PEP 495), so instants are
# compared as integer microseconds (to_us) throughout; so are orderings, since < and > in
# one zone compare wall times too. Likewise `x - timedelta` on a zoned
# datetime is wall-clock arithmetic, so instants are moved with shift().


def shift(value: datetime, us: int) -> datetime:
    """Move an aware datetime by ``us`` physical microseconds (not wall-clock ones)."""
    return from_us(to_us(value) + us)


@given(scenario=s.scenarios(), data=st.data())
def test_between_inverts_add(scenario: s.Scenario, data: st.DataObject) -> None:
    """between(t, add(t, d)) == d for positive and negative d (rule 6 sign conventions)."""
    cal = scenario.spec.to_calendar()
    t = s.as_datetime(data.draw(s.instants_near(scenario.anchor)), scenario.spec.timezone)
    d = timedelta(microseconds=data.draw(s.durations_for(scenario.spec)))
    x = cal.add(t, d)
    assert cal.between(t, x) == d
    assert (to_us(x) > to_us(t)) if d > timedelta(0) else (to_us(x) < to_us(t))


@given(scenario=s.scenarios(), data=st.data())
def test_add_is_earliest_or_latest(scenario: s.Scenario, data: st.DataObject) -> None:
    """add(t, d) is the earliest (d > 0) or latest (d < 0) instant with that much open time."""
    cal = scenario.spec.to_calendar()
    t = s.as_datetime(data.draw(s.instants_near(scenario.anchor)), "UTC")
    d = timedelta(microseconds=data.draw(s.durations_for(scenario.spec)))
    x = cal.add(t, d)
    if d > timedelta(0):
        assert cal.between(t, shift(x, -1)) < d
    else:
        assert cal.between(t, shift(x, 1)) > d


@given(scenario=s.scenarios(), data=st.data())
def test_add_is_monotone(scenario: s.Scenario, data: st.DataObject) -> None:
    """add(t, d) never decreases when d grows, across zero as well."""
    cal = scenario.spec.to_calendar()
    t = s.as_datetime(data.draw(s.instants_near(scenario.anchor)), "UTC")
    strategy = s.durations_for(scenario.spec, allow_zero=True)
    d1, d2 = sorted(timedelta(microseconds=data.draw(strategy)) for _ in range(2))
    assert to_us(cal.add(t, d1)) <= to_us(cal.add(t, d2))


@given(scenario=s.scenarios(), data=st.data())
def test_add_is_additive(scenario: s.Scenario, data: st.DataObject) -> None:
    """add(add(t, d1), d2) == add(t, d1 + d2) exactly when d1 and d2 have the same sign.

    For d1, d2 > 0 the intermediate x = add(t, d1) may be a closing instant; the earliest
    y with F(y) = F(x) + d2 is still the earliest with F(y) = F(t) + d1 + d2, and it lies
    after x because F(y) > F(x), so both sides are the same instant (mirror for d < 0).
    """
    cal = scenario.spec.to_calendar()
    t = s.as_datetime(data.draw(s.instants_near(scenario.anchor)), scenario.spec.timezone)
    strategy = s.durations_for(scenario.spec, positive=True)
    d1 = timedelta(microseconds=data.draw(strategy) // 2 or 1)
    d2 = timedelta(microseconds=data.draw(strategy) // 2 or 1)
    sign = data.draw(st.sampled_from((1, -1)))
    d1, d2 = sign * d1, sign * d2
    assert to_us(cal.add(cal.add(t, d1), d2)) == to_us(cal.add(t, d1 + d2))


@given(scenario=s.scenarios(), data=st.data())
def test_between_is_antisymmetric(scenario: s.Scenario, data: st.DataObject) -> None:
    """between(b, a) == -between(a, b), and between(a, a) == 0."""
    cal = scenario.spec.to_calendar()
    a = s.as_datetime(data.draw(s.instants_near(scenario.anchor)), "UTC")
    b = s.as_datetime(data.draw(s.instants_near(scenario.anchor)), scenario.spec.timezone)
    assert cal.between(b, a) == -cal.between(a, b)
    assert cal.between(a, a) == timedelta(0)


@given(scenario=s.scenarios(), data=st.data())
def test_between_is_additive(scenario: s.Scenario, data: st.DataObject) -> None:
    """between(a, b) + between(b, c) == between(a, c) for any order of a, b, c."""
    cal = scenario.spec.to_calendar()
    a, b, c = (
        s.as_datetime(data.draw(s.instants_near(scenario.anchor)), scenario.spec.timezone)
        for _ in range(3)
    )
    assert cal.between(a, b) + cal.between(b, c) == cal.between(a, c)


@given(scenario=s.scenarios(), data=st.data(), zone=s.other_zones)
def test_results_do_not_depend_on_input_zone(
    scenario: s.Scenario, data: st.DataObject, zone: str
) -> None:
    """The same instants written in another zone give the same answers (compared as instants)."""
    cal = scenario.spec.to_calendar()
    t_us = data.draw(s.instants_near(scenario.anchor))
    u_us = data.draw(s.instants_near(scenario.anchor))
    d = timedelta(microseconds=data.draw(s.durations_for(scenario.spec)))
    t, t2 = s.as_datetime(t_us, scenario.spec.timezone), s.as_datetime(t_us, zone)
    u, u2 = s.as_datetime(u_us, "UTC"), s.as_datetime(u_us, zone)
    assert to_us(cal.add(t, d)) == to_us(cal.add(t2, d))
    assert cal.add(t2, d).tzinfo == cal.zone
    assert cal.between(t, u) == cal.between(t2, u2)
    assert cal.is_open(t) is cal.is_open(t2)
    assert to_us(cal.next_open(t)) == to_us(cal.next_open(t2))


@given(scenario=s.scenarios(), data=st.data())
def test_is_open_agrees_with_between(scenario: s.Scenario, data: st.DataObject) -> None:
    """is_open(t) holds exactly when between(t, t + 1us) == 1us."""
    cal = scenario.spec.to_calendar()
    t = s.as_datetime(data.draw(s.instants_near(scenario.anchor)), "UTC")
    assert cal.is_open(t) is (cal.between(t, shift(t, 1)) == ONE_US)


@given(scenario=s.scenarios(), data=st.data())
def test_next_open_is_open_and_nothing_before(scenario: s.Scenario, data: st.DataObject) -> None:
    """next_open(t) is open, not before t, and no open time lies between t and it."""
    cal = scenario.spec.to_calendar()
    t = s.as_datetime(data.draw(s.instants_near(scenario.anchor)), scenario.spec.timezone)
    x = cal.next_open(t)
    assert to_us(x) >= to_us(t)
    assert cal.is_open(x)
    assert cal.between(t, x) == timedelta(0)
    assert (to_us(x) == to_us(t)) is cal.is_open(t)


@given(scenario=s.scenarios(), data=st.data())
def test_next_close_ends_an_open_period(scenario: s.Scenario, data: st.DataObject) -> None:
    """next_close(t) is after t, closed itself, and the microsecond before it is open."""
    cal = scenario.spec.to_calendar()
    t = s.as_datetime(data.draw(s.instants_near(scenario.anchor)), scenario.spec.timezone)
    c = cal.next_close(t)
    assert to_us(c) > to_us(t)
    assert not cal.is_open(c)
    assert cal.is_open(shift(c, -1))
    start = t if cal.is_open(t) else cal.next_open(t)
    assert cal.between(start, c) == timedelta(microseconds=to_us(c) - to_us(start))


@given(scenario=s.scenarios(), data=st.data())
def test_add_zero_is_identity(scenario: s.Scenario, data: st.DataObject) -> None:
    """add(t, 0) == t, open or closed, returned in the calendar's zone."""
    cal = scenario.spec.to_calendar()
    t = s.as_datetime(data.draw(s.instants_near(scenario.anchor)), "UTC")
    x = cal.add(t, timedelta(0))
    assert to_us(x) == to_us(t)
    assert x.tzinfo == cal.zone


@given(scenario=s.scenarios(), data=st.data())
def test_open_periods_sum_to_between(scenario: s.Scenario, data: st.DataObject) -> None:
    """open_periods(a, b) are sorted, disjoint, open, and their lengths sum to between(a, b)."""
    cal = scenario.spec.to_calendar()
    a_us = data.draw(s.instants_near(scenario.anchor))
    b_us = a_us + data.draw(st.integers(0, 7 * 24 * 3600)) * US
    a, b = s.as_datetime(a_us, "UTC"), s.as_datetime(b_us, "UTC")
    periods = list(cal.open_periods(a, b))
    total = sum(to_us(y) - to_us(x) for x, y in periods)
    assert timedelta(microseconds=total) == cal.between(a, b)
    flat = [to_us(v) for period in periods for v in period]
    assert flat == sorted(flat)
    assert all(to_us(x) < to_us(y) for x, y in periods)
    assert all(cal.is_open(x) and cal.is_open(shift(y, -1)) for x, y in periods)
    # adjacent periods never touch: touching intervals merge
    assert all(flat[i] < flat[i + 1] for i in range(1, len(flat) - 1, 2))


@given(scenario=s.scenarios(s.dst_zones), data=st.data())
def test_add_business_days_round_trip_lands_on_business_days(
    scenario: s.Scenario, data: st.DataObject
) -> None:
    """add_business_days(t, n) lands on a business day n away, at t's wall time (fold=0)."""
    cal = scenario.spec.to_calendar()
    t = s.as_datetime(data.draw(s.instants_near(scenario.anchor)), scenario.spec.timezone)
    n = data.draw(st.integers(1, 5)) * data.draw(st.sampled_from((1, -1)))
    x = cal.add_business_days(t, n)
    assert x.tzinfo == cal.zone
    assert (x.date() > t.date()) if n > 0 else (x.date() < t.date())
    assert scenario.spec.is_business_day(x.date())
    # same wall-clock time on the new date, re-localised with fold=0 (a gap time moves forward)
    wall = datetime.combine(x.date(), t.time().replace(fold=0)).replace(tzinfo=cal.zone)
    assert to_us(x) == to_us(wall)
