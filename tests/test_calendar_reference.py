"""The fast calendar agrees with the plain day-by-day reference model in tests/reference.py."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from escalate import Holidays
from tests import strategies as s
from tests.reference import US, CalendarSpec, to_us


@settings(max_examples=2 * settings.default.max_examples)
@given(scenario=s.scenarios(), data=st.data())
def test_between_matches_reference(scenario: s.Scenario, data: st.DataObject) -> None:
    """between(a, b) equals the reference sum of overlaps, in both directions."""
    cal = scenario.spec.to_calendar()
    for _ in range(5):
        a = data.draw(s.instants_near(scenario.anchor))
        b = data.draw(s.instants_near(scenario.anchor))
        got = cal.between(s.as_datetime(a, "UTC"), s.as_datetime(b, scenario.spec.timezone))
        assert got == timedelta(microseconds=scenario.spec.between(a, b))


@settings(max_examples=2 * settings.default.max_examples)
@given(scenario=s.scenarios(), data=st.data())
def test_add_matches_reference(scenario: s.Scenario, data: st.DataObject) -> None:
    """add(t, d) equals the reference interval-by-interval walk, forwards and backwards."""
    cal = scenario.spec.to_calendar()
    for _ in range(4):
        t = data.draw(s.instants_near(scenario.anchor))
        d = data.draw(s.durations_for(scenario.spec, allow_zero=True))
        got = cal.add(s.as_datetime(t, scenario.spec.timezone), timedelta(microseconds=d))
        assert to_us(got) == scenario.spec.add(t, d)
        assert got.tzinfo == scenario.spec.zone


@given(scenario=s.scenarios(), data=st.data())
def test_is_open_matches_reference(scenario: s.Scenario, data: st.DataObject) -> None:
    """is_open(t) equals the reference membership test, also exactly at boundaries."""
    cal = scenario.spec.to_calendar()
    first, last = s.from_us(scenario.anchor).date(), s.from_us(scenario.anchor).date()
    bounds = [b for iv in scenario.spec.intervals(first, last) for b in iv]
    points = [data.draw(s.instants_near(scenario.anchor, hours=24)) for _ in range(4)]
    points += [b + k for b in bounds[:6] for k in (-1, 0)]
    for t in points:
        assert cal.is_open(s.as_datetime(t, "UTC")) is scenario.spec.is_open(t)


@given(scenario=s.scenarios(), data=st.data())
def test_add_business_days_matches_reference(scenario: s.Scenario, data: st.DataObject) -> None:
    """add_business_days(t, n) equals the reference count of dates on which an interval starts."""
    cal = scenario.spec.to_calendar()
    t = data.draw(s.instants_near(scenario.anchor))
    n = data.draw(st.integers(-6, 6))
    got = cal.add_business_days(s.as_datetime(t, "UTC"), n)
    expected = scenario.spec.add_business_days(t, n)
    assert to_us(got) == to_us(expected)
    assert got.tzinfo == scenario.spec.zone


@given(scenario=s.scenarios(), data=st.data())
def test_open_periods_match_reference(scenario: s.Scenario, data: st.DataObject) -> None:
    """open_periods(a, b) yields exactly the reference merged intervals clipped to [a, b)."""
    cal = scenario.spec.to_calendar()
    a = data.draw(s.instants_near(scenario.anchor))
    b = a + data.draw(st.integers(0, 96 * 3600)) * US
    first, last = s.from_us(a).date(), s.from_us(b).date()
    expected = [
        (max(lo, a), min(hi, b))
        for lo, hi in scenario.spec.intervals(first, last)
        if min(hi, b) > max(lo, a)
    ]
    got = [
        (to_us(x), to_us(y))
        for x, y in cal.open_periods(s.as_datetime(a, "UTC"), s.as_datetime(b, "UTC"))
    ]
    assert got == expected


def _random_spec(rng: random.Random, zone: str) -> CalendarSpec:
    """A random calendar drawn with a seeded random.Random (no Hypothesis shrinking)."""
    week: dict[int, list[tuple[int, int]]] = {}
    for day in range(7):
        spans = []
        for _ in range(rng.randint(0, 3)):
            start = rng.randrange(0, 96) * 900
            length = rng.randrange(1, 96) * 900
            spans.append((start, start + length))
        if spans:
            week[day] = spans
    week = week or {0: [(9 * 3600, 17 * 3600)]}
    return CalendarSpec(timezone=zone, weekly=week)


def test_seeded_random_queries_match_reference() -> None:
    """Thousands of seeded random add/between queries around DST changes match the reference."""
    rng = random.Random(20261121)  # noqa: S311 - reproducible test data, not security
    checked = 0
    for zone in s.ZONES:
        found = s.transitions(zone) or (to_us(s.as_datetime(1_767_225_600 * US, "UTC")),)
        for _ in range(12):
            spec = _random_spec(rng, zone)
            cal = spec.to_calendar()
            for _ in range(40):
                t = rng.choice(found) + rng.randint(-48 * 60, 48 * 60) * 60 * US
                t += rng.choice((0, 0, 0, rng.randrange(US)))
                d = rng.randint(-40 * 4, 40 * 4) * 900 * US
                x = cal.add(s.as_datetime(t, zone), timedelta(microseconds=d))
                assert to_us(x) == spec.add(t, d), (spec, t, d)
                u = t + rng.randint(-72, 72) * 3600 * US
                assert cal.between(s.as_datetime(t, zone), s.as_datetime(u, "UTC")) == timedelta(
                    microseconds=spec.between(t, u)
                ), (spec, t, u)
                checked += 2
    assert checked >= 5000


def test_long_durations_match_reference() -> None:
    """Durations of up to about two working years, both signs, match the reference walk."""
    rng = random.Random(7)  # noqa: S311 - reproducible test data, not security
    split = [(7 * 3600 + 1800, 12 * 3600 + 1800), (13 * 3600 + 1800, 17 * 3600)]
    specs = [
        CalendarSpec(
            timezone="America/Bogota",
            weekly=dict.fromkeys(range(5), split),
            holidays=frozenset().union(
                *(Holidays.country("CO").for_year(y) for y in range(2018, 2035))
            ),
        ),
        CalendarSpec(
            timezone="Europe/London",
            weekly={
                **{day: [(9 * 3600, 17 * 3600)] for day in range(5)},
                5: [(22 * 3600, 30 * 3600)],
            },
            holidays=frozenset().union(
                *(Holidays.country("GB").for_year(y) for y in range(2018, 2035))
            ),
        ),
    ]
    checked = 0
    for spec in specs:
        cal = spec.to_calendar()
        for _ in range(25):
            t = to_us(datetime(2026, 1, 1, tzinfo=UTC)) + rng.randint(0, 365 * 24 * 60) * 60 * US
            d = rng.randint(-3000 * 60, 3000 * 60) * 60 * US
            assert to_us(cal.add(s.as_datetime(t, "UTC"), timedelta(microseconds=d))) == spec.add(
                t, d
            ), (spec.timezone, t, d)
            checked += 1
    assert checked == 50
