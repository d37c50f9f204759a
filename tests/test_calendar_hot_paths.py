"""The scalar hot paths: list bucket tables and the own-zone conversion give the plain answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import pendulum
from hypothesis import given
from hypothesis import strategies as st

from escalate import Calendar
from escalate._index import ScalarIndex, VectorIndex, scalar_index, wall_index
from tests import strategies as s
from tests.reference import DAY_SECONDS, US, from_us, to_us

DAY_US = DAY_SECONDS * US


@given(scenario=s.scenarios(s.dst_zones), data=st.data())
def test_list_tables_match_the_plain_index(scenario: s.Scenario, data: st.DataObject) -> None:
    """ScalarIndex f, many, forward and backward equal Index's on bounds, +-1 us, sums, anywhere.

    Its lists, built in runs, also equal VectorIndex's numpy tables entry for entry.
    """
    cal = scenario.spec.to_calendar()
    idx = cal._index_for_span(scenario.anchor - 3 * DAY_US, scenario.anchor + 3 * DAY_US)
    tables = ScalarIndex(idx)
    if tables.lo == tables.hi:  # a table would be too big: the hot paths bisect instead
        assert not (tables.time_table and tables.sum_table)
        return
    assert (tables.lo, tables.hi) == (idx.cov_start, idx.cov_end)
    vector = VectorIndex(idx, 1)  # the same tables, built by numpy
    assert tables.time_table == vector.time_table.tolist()  # type: ignore[union-attr]
    assert tables.sum_table == vector.sum_table.tolist()  # type: ignore[union-attr]
    probes = [
        t
        for t in data.draw(s.probe_instants(idx.bounds, idx.cov_start, idx.cov_end))
        if t is not None
    ]
    for t in probes:
        assert tables.f(t) == idx.f(t)
    assert tables.many(probes) == [idx.f(t) for t in probes]  # the loop written out
    total = idx.cum[-1]
    lo, hi = max(idx.f_start, 1), idx.f_end
    for v in data.draw(s.probe_targets(idx.cum, lo, hi)) if lo <= hi else []:
        assert tables.forward(v) == idx.forward(v)
    lo, hi = idx.f_start, min(idx.f_end, total - 1)
    for v in data.draw(s.probe_targets(idx.cum, lo, hi)) if lo <= hi else []:
        assert tables.backward(v) == idx.backward(v)


@given(scenario=s.scenarios(s.dst_zones), data=st.data())
def test_own_zone_datetimes_match_their_utc_instants(
    scenario: s.Scenario, data: st.DataObject
) -> None:
    """Datetimes in the calendar's own zone (gaps, folds) answer as their UTC instants do.

    ``between`` bisects the bounds as datetimes and checks the offsets (WallIndex), or
    reads the wall clock and one offset; the general path subtracts the UTC epoch. All
    must give the same answers, which also equal the reference model.
    """
    spec = scenario.spec
    cal = spec.to_calendar()
    zone = spec.timezone
    a = data.draw(s.wall_datetimes(zone, scenario.anchor))
    b = data.draw(s.wall_datetimes(zone, scenario.anchor))
    assert a.tzinfo is cal.zone
    ua, ub = a.astimezone(UTC), b.astimezone(UTC)
    expected = timedelta(microseconds=spec.between(to_us(ua), to_us(ub)))
    assert cal.between(ua, ub) == expected  # UTC datetimes: builds the index, integer path
    assert cal.between(a, b) == expected  # now the own-zone paths: wall tables, then integers
    d = data.draw(s.durations_for(spec))
    got = cal.add(a, timedelta(microseconds=d))
    assert got == cal.add(ua, timedelta(microseconds=d))
    assert to_us(got) == spec.add(to_us(ua), d)


def test_other_datetime_types_take_the_general_conversion() -> None:
    """Pandas Timestamps and pendulum DateTimes in the calendar's zone give the same answers."""
    cal = Calendar(timezone="America/New_York", hours={"mon-sun": ["00:30-03:30", "09:00-17:00"]})
    zone = ZoneInfo("America/New_York")
    start = datetime(2026, 3, 8, 1, 15, tzinfo=zone)  # the spring-forward night
    end = datetime(2026, 3, 9, 10, 0, tzinfo=zone)
    expected = cal.between(start, end)
    assert expected == timedelta(hours=1, minutes=15) + timedelta(hours=8 + 3 + 1)  # 02:00 skipped
    stamps = pd.Timestamp(start), pd.Timestamp(end)
    assert stamps[0].tzinfo is zone
    assert cal.between(*stamps) == expected
    moments = pendulum.instance(start), pendulum.instance(end)
    assert cal.between(*moments) == expected
    d = timedelta(hours=2)
    assert cal.add(stamps[0], d) == cal.add(moments[0], d) == cal.add(start, d)


def test_too_big_list_tables_fall_back_to_bisect() -> None:
    """Openings two seconds apart would need too many buckets: the hot paths bisect, exactly."""
    seconds = [f"09:00:{k:02d}-09:00:{k + 1:02d}" for k in range(0, 58, 2)]
    cal = Calendar(timezone="Europe/London", hours={"mon-fri": seconds})
    zone = ZoneInfo("Europe/London")
    start = datetime(2026, 3, 27, 9, 0, 3, 500_000, tzinfo=zone)
    got = cal.add(start, timedelta(seconds=5))
    idx = cal._cache.index
    assert idx is not None
    tables = scalar_index(idx)
    assert tables.lo == tables.hi
    assert got == datetime(2026, 3, 27, 9, 0, 13, tzinfo=zone)  # the end of an open second
    assert cal.between(start, got) == timedelta(seconds=5)
    assert cal.between(got, start) == -timedelta(seconds=5)
    # backwards, the latest instant: the start of the first open second after ``start``
    assert cal.add(got, -timedelta(seconds=5)) == datetime(2026, 3, 27, 9, 0, 4, tzinfo=zone)


def test_backward_add_on_the_hot_path() -> None:
    """A negative add inside the built range lands on the latest such instant (rule 6)."""
    cal = Calendar(timezone="America/Bogota", hours={"mon-fri": ["07:30-12:30", "13:30-17:00"]})
    zone = ZoneInfo("America/Bogota")
    noon = datetime(2026, 1, 7, 12, 0, tzinfo=zone)
    cal.add(noon, timedelta(hours=1))  # builds the year: the next calls take the hot path
    assert cal._cache.index is not None
    assert scalar_index(cal._cache.index).lo <= to_us(noon) < scalar_index(cal._cache.index).hi
    assert cal.add(noon, -timedelta(hours=4)) == datetime(2026, 1, 7, 8, 0, tzinfo=zone)
    # the afternoon's 3.5 hours back from its close: every instant of lunch qualifies
    close = datetime(2026, 1, 7, 17, 0, tzinfo=zone)
    assert cal.add(close, -timedelta(hours=3, minutes=30)) == datetime(
        2026, 1, 7, 13, 30, tzinfo=zone
    )
    assert cal.add(close, -timedelta(hours=8, minutes=30)) == datetime(
        2026, 1, 7, 7, 30, tzinfo=zone
    )
    assert from_us(to_us(cal.add(close, -timedelta(hours=9)))) == datetime(
        2026, 1, 6, 21, 30, tzinfo=UTC
    )


def test_wall_tables_step_aside_across_a_fall_back_night() -> None:
    """Around a repeated hour, between on own-zone datetimes still counts physical time.

    London 00:00-04:00 on 25 October 2026 is 5 hours; 01:30 happens twice. The wall
    tables answer where offsets agree and leave the repeated hour to the integer path.
    """
    zone = ZoneInfo("Europe/London")
    cal = Calendar(timezone="Europe/London", hours={"mon-sun": ["00:00-04:00"]})
    night = datetime(2026, 10, 25, tzinfo=zone)
    cal.between(night, night + timedelta(days=1))  # builds the year
    first = datetime(2026, 10, 25, 1, 30, tzinfo=zone)
    second = first.replace(fold=1)
    end = datetime(2026, 10, 25, 4, tzinfo=zone)
    assert cal.between(night, end) == timedelta(hours=5)
    assert cal.between(first, end) == timedelta(hours=3, minutes=30)
    assert cal.between(second, end) == timedelta(hours=2, minutes=30)
    assert cal.between(first, second) == timedelta(hours=1)
    assert cal.between(second, first) == -timedelta(hours=1)
    day_before = datetime(2026, 10, 24, 2, tzinfo=zone)  # the wall tables take this end...
    assert cal.between(day_before, second) == timedelta(hours=2 + 2, minutes=30)
    assert cal.between(day_before, end) == timedelta(hours=2 + 5)  # ...and both of these
    tables = scalar_index(cal._cache.index)  # type: ignore[arg-type]
    walls = tables.walls
    assert walls is not None
    assert wall_index(cal._cache.index, zone) is walls  # type: ignore[arg-type]
    assert walls.first < walls.last
