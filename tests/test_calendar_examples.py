"""Hand-worked golden cases: the seeds' Bogota calendar, and DST nights in five zones."""

from __future__ import annotations

import pickle
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import attrs
import holidays as holidays_package
import pendulum
import pytest

from escalate import Calendar, Holidays
from tests.reference import to_us

BOGOTA = ZoneInfo("America/Bogota")
LONDON = ZoneInfo("Europe/London")
HAVANA = ZoneInfo("America/Havana")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")
SANTIAGO = ZoneInfo("America/Santiago")
SPLIT_DAY = {"mon-fri": ["07:30-12:30", "13:30-17:00"]}


def bog(*args: int) -> datetime:
    """A wall time in Bogota."""
    return datetime(*args, tzinfo=BOGOTA)  # type: ignore[misc]


@pytest.fixture(scope="module")
def seeds() -> Calendar:
    """The calendar of seeds 000/003: Bogota, split working day, Colombian holidays."""
    return Calendar(timezone="America/Bogota", hours=SPLIT_DAY, holidays=Holidays.country("CO"))


@pytest.fixture(scope="module")
def year_end() -> Calendar:
    """The seeds' calendar with a half day on 24 December and 31 December closed."""
    return Calendar(
        timezone="America/Bogota",
        hours=SPLIT_DAY,
        holidays=Holidays.country("CO"),
        exceptions={date(2026, 12, 24): ["07:30-12:00"], date(2026, 12, 31): []},
    )


def same(x: datetime, y: datetime) -> bool:
    """Whether two aware datetimes are the same instant and have the same UTC offset."""
    return to_us(x) == to_us(y) and x.utcoffset() == y.utcoffset()


# -- the seeds' calendar (America/Bogota, Mon-Fri 07:30-12:30 / 13:30-17:00, CO holidays) --


def test_reyes_magos_2026_is_a_colombian_monday_holiday() -> None:
    """The holidays package lists Monday 2026-01-12 (Epiphany observed) for Colombia."""
    day = date(2026, 1, 12)
    assert day.weekday() == 0
    assert day in holidays_package.country_holidays("CO", years=2026)
    assert day in Holidays.country("CO").for_year(2026)


def test_friday_ticket_runs_over_a_monday_holiday(seeds: Calendar) -> None:
    """Fri 2026-01-09 16:10 + 2h lands on Tue 08:40, skipping the Monday holiday.

    Fri 16:10-17:00 is 50 min; Sat, Sun and Mon 2026-01-12 (Reyes Magos) are closed;
    the remaining 70 min run from Tue 07:30 to 08:40.
    """
    due = seeds.add(bog(2026, 1, 9, 16, 10), timedelta(hours=2))
    assert same(due, bog(2026, 1, 13, 8, 40))
    assert due.tzinfo is BOGOTA or due.tzinfo == BOGOTA


def test_lunch_gap_is_not_counted(seeds: Calendar) -> None:
    """Mon 2026-01-19 11:00 + 2h is 14:00: 11:00-12:30 is 90 min, then 13:30-14:00 is 30 min."""
    assert same(seeds.add(bog(2026, 1, 19, 11), timedelta(hours=2)), bog(2026, 1, 19, 14))
    assert seeds.between(bog(2026, 1, 19, 12), bog(2026, 1, 19, 14)) == timedelta(hours=1)


def test_add_ending_at_a_close_returns_the_close(seeds: Calendar) -> None:
    """Tue 2026-01-20 10:30 + 2h is 12:30 exactly (work that runs out at 12:30 ends then)."""
    assert same(seeds.add(bog(2026, 1, 20, 10, 30), timedelta(hours=2)), bog(2026, 1, 20, 12, 30))


def test_add_from_a_close_skips_the_gap(seeds: Calendar) -> None:
    """Tue 12:30 + 1 min is 13:31: nothing is open between 12:30 and 13:30."""
    got = seeds.add(bog(2026, 1, 20, 12, 30), timedelta(minutes=1))
    assert same(got, bog(2026, 1, 20, 13, 31))


def test_backwards_add_ending_at_an_opening_returns_the_opening(seeds: Calendar) -> None:
    """Tue 14:30 - 1h is 13:30 (not 12:30), and Tue 08:30 - 1h is 07:30 (not Mon 17:00)."""
    assert same(seeds.add(bog(2026, 1, 20, 14, 30), timedelta(hours=-1)), bog(2026, 1, 20, 13, 30))
    assert same(seeds.add(bog(2026, 1, 20, 8, 30), timedelta(hours=-1)), bog(2026, 1, 20, 7, 30))


def test_backwards_add_over_a_holiday(seeds: Calendar) -> None:
    """Tue 2026-01-13 08:40 - 2h is Fri 2026-01-09 16:10 (70 min Tue, holiday Mon, 50 min Fri)."""
    got = seeds.add(bog(2026, 1, 13, 8, 40), timedelta(hours=-2))
    assert same(got, bog(2026, 1, 9, 16, 10))


def test_between_over_a_holiday_week(seeds: Calendar) -> None:
    """Mon 2026-01-12 to Mon 2026-01-19 is four working days of 8.5 h: 34 h."""
    assert seeds.between(bog(2026, 1, 12), bog(2026, 1, 19)) == timedelta(hours=34)
    assert seeds.between(bog(2026, 1, 12), bog(2026, 1, 13)) == timedelta(0)


def test_half_day_exception_wins_over_hours(year_end: Calendar) -> None:
    """Thu 2026-12-24 11:00 + 2h is Mon 2026-12-28 08:30.

    24 Dec is open only 07:30-12:00 (1 h left), 25 Dec is Christmas, the weekend is closed,
    and the last hour runs 07:30-08:30 on Monday.
    """
    got = year_end.add(bog(2026, 12, 24, 11), timedelta(hours=2))
    assert same(got, bog(2026, 12, 28, 8, 30))
    assert year_end.between(bog(2026, 12, 24), bog(2026, 12, 25)) == timedelta(hours=4, minutes=30)


def test_closed_exception_wins_over_hours(year_end: Calendar) -> None:
    """Wed 2026-12-30 16:00 + 2h is Mon 2027-01-04 08:30 (31 Dec closed, 1 Jan a holiday)."""
    got = year_end.add(bog(2026, 12, 30, 16), timedelta(hours=2))
    assert same(got, bog(2027, 1, 4, 8, 30))
    assert not year_end.is_open(bog(2026, 12, 31, 10))


def test_exception_on_a_holiday_wins() -> None:
    """An exception opening Mon 2026-01-12 (a holiday) 09:00-11:00 makes Fri 16:10 + 2h Mon 10:10."""
    cal = Calendar(
        timezone="America/Bogota",
        hours=SPLIT_DAY,
        holidays=Holidays.country("CO"),
        exceptions={"2026-01-12": ["09:00-11:00"]},
    )
    assert same(cal.add(bog(2026, 1, 9, 16, 10), timedelta(hours=2)), bog(2026, 1, 12, 10, 10))
    assert cal.is_open(bog(2026, 1, 12, 9))


def test_next_open_and_next_close_around_lunch(seeds: Calendar) -> None:
    """At 12:45 the next opening is 13:30 and the next close 17:00; at 12:00 the close is 12:30."""
    assert same(seeds.next_open(bog(2026, 1, 20, 12, 45)), bog(2026, 1, 20, 13, 30))
    assert same(seeds.next_close(bog(2026, 1, 20, 12, 45)), bog(2026, 1, 20, 17))
    assert same(seeds.next_close(bog(2026, 1, 20, 12)), bog(2026, 1, 20, 12, 30))
    assert same(seeds.next_open(bog(2026, 1, 20, 12)), bog(2026, 1, 20, 12))
    # exactly at a close the instant is closed: the next opening and the close after it
    assert same(seeds.next_open(bog(2026, 1, 20, 12, 30)), bog(2026, 1, 20, 13, 30))
    assert same(seeds.next_close(bog(2026, 1, 20, 12, 30)), bog(2026, 1, 20, 17))
    # Friday evening before the Monday holiday: the next period is Tuesday's morning
    assert same(seeds.next_open(bog(2026, 1, 9, 17)), bog(2026, 1, 13, 7, 30))
    assert same(seeds.next_close(bog(2026, 1, 9, 17)), bog(2026, 1, 13, 12, 30))


def test_is_open_is_half_open(seeds: Calendar) -> None:
    """An open period includes its opening instant and excludes its closing instant."""
    assert seeds.is_open(bog(2026, 1, 20, 7, 30))
    assert not seeds.is_open(bog(2026, 1, 20, 12, 30))
    assert seeds.is_open(bog(2026, 1, 20, 12, 29, 59, 999_999))


def test_open_periods_clip_to_the_range(seeds: Calendar) -> None:
    """open_periods(Tue 10:00, Tue 14:00) is 10:00-12:30 and 13:30-14:00; an empty range yields nothing."""
    periods = list(seeds.open_periods(bog(2026, 1, 20, 10), bog(2026, 1, 20, 14)))
    assert [(to_us(a), to_us(b)) for a, b in periods] == [
        (to_us(bog(2026, 1, 20, 10)), to_us(bog(2026, 1, 20, 12, 30))),
        (to_us(bog(2026, 1, 20, 13, 30)), to_us(bog(2026, 1, 20, 14))),
    ]
    assert list(seeds.open_periods(bog(2026, 1, 20, 10), bog(2026, 1, 20, 10))) == []


def test_add_business_days_skips_weekend_and_holiday(seeds: Calendar) -> None:
    """Fri 2026-01-09 16:10 + 1 business day is Tue 01-13 16:10; -1 from Tue is Fri 16:10."""
    assert same(seeds.add_business_days(bog(2026, 1, 9, 16, 10), 1), bog(2026, 1, 13, 16, 10))
    assert same(seeds.add_business_days(bog(2026, 1, 13, 16, 10), -1), bog(2026, 1, 9, 16, 10))
    assert same(seeds.add_business_days(bog(2026, 1, 10, 3), 5), bog(2026, 1, 19, 3))


def test_add_business_days_zero_returns_start_in_calendar_zone(seeds: Calendar) -> None:
    """add_business_days(t, 0) is t itself, expressed in the calendar's zone, even on a Sunday."""
    t = datetime(2026, 1, 11, 15, tzinfo=UTC)
    got = seeds.add_business_days(t, 0)
    assert same(got, bog(2026, 1, 11, 10))


def test_results_are_in_the_calendar_zone(seeds: Calendar) -> None:
    """Results come back as stdlib datetimes with tzinfo=ZoneInfo(cal.timezone)."""
    got = seeds.add(datetime(2026, 1, 20, 15, tzinfo=UTC), timedelta(minutes=1))
    assert got.tzinfo == ZoneInfo("America/Bogota")
    assert type(got) is datetime
    assert seeds.zone == ZoneInfo("America/Bogota")
    assert seeds.timezone == "America/Bogota"


def test_pendulum_inputs_are_accepted(seeds: Calendar) -> None:
    """Pendulum datetimes and Durations work as inputs and give the same stdlib answers."""
    start = pendulum.datetime(2026, 1, 9, 16, 10, tz="America/Bogota")
    got = seeds.add(start, pendulum.duration(hours=2))
    assert same(got, bog(2026, 1, 13, 8, 40))
    assert type(got) is datetime
    assert seeds.between(start, pendulum.datetime(2026, 1, 13, 8, 40, tz="UTC")) > timedelta(0)


def test_microsecond_exactness(seeds: Calendar) -> None:
    """Arithmetic is exact to the microsecond: 1 us before a close plus 2 us crosses lunch."""
    t = bog(2026, 1, 20, 12, 29, 59, 999_999)
    assert same(seeds.add(t, timedelta(microseconds=2)), bog(2026, 1, 20, 13, 30, 0, 1))
    assert seeds.between(t, bog(2026, 1, 20, 13, 30, 0, 1)) == timedelta(microseconds=2)


def test_always_is_open_every_instant() -> None:
    """Calendar.always is 24x7: add is plain timedelta addition and between is b - a."""
    cal = Calendar.always("UTC")
    t = datetime(2026, 3, 29, 0, 30, tzinfo=LONDON)
    assert to_us(cal.add(t, timedelta(hours=5))) == to_us(t) + 5 * 3600 * 10**6
    assert cal.between(t, t.astimezone(UTC) + timedelta(days=3)) == timedelta(days=3)
    assert cal.between(t, t + timedelta(days=3)) == timedelta(days=3, hours=-1)  # wall days
    assert cal.is_open(t)
    assert cal == Calendar(timezone="UTC", hours="24x7")


# -- DST nights worked by hand -----------------------------------------------------------


def night(zone: str, day: date, text: str) -> Calendar:
    """A calendar open only on ``day`` during ``text`` (and Wednesdays 09-10, so it is ever open)."""
    return Calendar(timezone=zone, hours={"wed": ["09:00-10:00"]}, exceptions={day: [text]})


def periods(cal: Calendar, day: date) -> list[tuple[str, str]]:
    """The open periods of the two days from ``day``, as ISO strings in the calendar zone."""
    a = datetime(day.year, day.month, day.day, tzinfo=cal.zone) - timedelta(hours=12)
    b = a + timedelta(days=2)
    return [(x.isoformat(), y.isoformat()) for x, y in cal.open_periods(a, b)]


def test_london_fall_back_night_is_five_hours() -> None:
    """Europe/London 2026-10-25 01:00-05:00 is 5 h: 01:00 BST (00:00Z) to 05:00 GMT (05:00Z)."""
    cal = night("Europe/London", date(2026, 10, 25), "01:00-05:00")
    day = datetime(2026, 10, 25, tzinfo=LONDON)
    assert cal.between(day, day + timedelta(days=1)) == timedelta(hours=5)
    assert periods(cal, date(2026, 10, 25)) == [
        ("2026-10-25T01:00:00+01:00", "2026-10-25T05:00:00+00:00")
    ]
    # the hour 01:00-02:00 BST passes, then the clock shows 01:00 again (GMT), still open
    assert cal.is_open(datetime(2026, 10, 25, 1, 30, fold=1, tzinfo=LONDON))


def test_london_weekly_hours_on_the_fall_back_sunday() -> None:
    """Weekly "sun 01:00-05:00" gives 5 h on 2026-10-25 and 4 h on the Sunday after."""
    cal = Calendar(timezone="Europe/London", hours={"sun": ["01:00-05:00"]})
    first = datetime(2026, 10, 25, tzinfo=LONDON)
    assert cal.between(first, first + timedelta(days=1)) == timedelta(hours=5)
    second = datetime(2026, 11, 1, tzinfo=LONDON)
    assert cal.between(second, second + timedelta(days=1)) == timedelta(hours=4)


def test_london_spring_gap_boundary_moves_forward() -> None:
    """Europe/London 2026-03-29 "01:30-03:00": 01:30 does not exist, so it opens 02:30 BST; 30 min."""
    cal = night("Europe/London", date(2026, 3, 29), "01:30-03:00")
    assert periods(cal, date(2026, 3, 29)) == [
        ("2026-03-29T02:30:00+01:00", "2026-03-29T03:00:00+01:00")
    ]
    start = datetime(2026, 3, 29, 0, 0, tzinfo=LONDON)
    assert to_us(cal.next_open(start)) == to_us(datetime(2026, 3, 29, 1, 30, tzinfo=UTC))
    assert same(cal.add(start, timedelta(minutes=30)), datetime(2026, 3, 29, 3, 0, tzinfo=LONDON))


def test_london_interval_entirely_in_the_gap_moves_whole() -> None:
    """Europe/London 2026-03-29 "01:10-01:40" lies in the gap; both ends move 1 h: 02:10-02:40 BST."""
    cal = night("Europe/London", date(2026, 3, 29), "01:10-01:40")
    assert periods(cal, date(2026, 3, 29)) == [
        ("2026-03-29T02:10:00+01:00", "2026-03-29T02:40:00+01:00")
    ]


def test_london_interval_inverted_by_the_gap_vanishes() -> None:
    """London 2026-03-29 "01:30-02:10": the start moves to 02:30 BST, after the 02:10 end, so no time."""
    cal = night("Europe/London", date(2026, 3, 29), "01:30-02:10")
    assert periods(cal, date(2026, 3, 29)) == []
    day = datetime(2026, 3, 29, tzinfo=LONDON)
    assert cal.between(day, day + timedelta(days=1)) == timedelta(0)


def test_havana_spring_forward_at_midnight() -> None:
    """America/Havana 2026-03-08 "00:00-02:00": midnight does not exist; opens 01:00 CDT; 1 h."""
    cal = night("America/Havana", date(2026, 3, 8), "00:00-02:00")
    assert periods(cal, date(2026, 3, 8)) == [
        ("2026-03-08T01:00:00-04:00", "2026-03-08T02:00:00-04:00")
    ]


def test_havana_fall_back_at_midnight() -> None:
    """America/Havana 2026-11-01 "00:00-02:00": 00:00 CDT (04:00Z) to 02:00 CST (07:00Z) is 3 h."""
    cal = night("America/Havana", date(2026, 11, 1), "00:00-02:00")
    assert periods(cal, date(2026, 11, 1)) == [
        ("2026-11-01T00:00:00-04:00", "2026-11-01T02:00:00-05:00")
    ]


def test_havana_overnight_interval_across_fall_back() -> None:
    """Havana Sat 2026-10-31 "22:00-02:00": 22:00 CDT (02:00Z) to Sun 02:00 CST (07:00Z) is 5 h."""
    cal = night("America/Havana", date(2026, 10, 31), "22:00-02:00")
    start = datetime(2026, 10, 31, 22, tzinfo=HAVANA)
    assert to_us(cal.add(start, timedelta(hours=5))) == to_us(datetime(2026, 11, 1, 7, tzinfo=UTC))
    assert cal.between(start, start + timedelta(days=1)) == timedelta(hours=5)


def test_lord_howe_half_hour_fall_back() -> None:
    """Australia/Lord_Howe 2026-04-05 "01:00-03:00": 01:00 +11:00 to 03:00 +10:30 is 2.5 h."""
    cal = night("Australia/Lord_Howe", date(2026, 4, 5), "01:00-03:00")
    assert periods(cal, date(2026, 4, 5)) == [
        ("2026-04-05T01:00:00+11:00", "2026-04-05T03:00:00+10:30")
    ]
    day = datetime(2026, 4, 5, tzinfo=LORD_HOWE)
    assert cal.between(day, day + timedelta(days=1)) == timedelta(hours=2, minutes=30)


def test_lord_howe_half_hour_spring_gap() -> None:
    """Lord_Howe 2026-10-04 "02:00-03:00" is 30 min; "02:10-02:20" moves whole to 02:40-02:50."""
    cal = night("Australia/Lord_Howe", date(2026, 10, 4), "02:00-03:00")
    assert periods(cal, date(2026, 10, 4)) == [
        ("2026-10-04T02:30:00+11:00", "2026-10-04T03:00:00+11:00")
    ]
    inside = night("Australia/Lord_Howe", date(2026, 10, 4), "02:10-02:20")
    assert periods(inside, date(2026, 10, 4)) == [
        ("2026-10-04T02:40:00+11:00", "2026-10-04T02:50:00+11:00")
    ]


def test_santiago_fall_back_before_midnight() -> None:
    """America/Santiago Sat 2026-04-04 "22:00-24:00": 22:00 -03 (01:00Z) to 00:00 -04 (04:00Z) is 3 h."""
    cal = night("America/Santiago", date(2026, 4, 4), "22:00-24:00")
    assert periods(cal, date(2026, 4, 4)) == [
        ("2026-04-04T22:00:00-03:00", "2026-04-05T00:00:00-04:00")
    ]


def test_santiago_spring_forward_at_midnight() -> None:
    """America/Santiago 2026-09-06 "00:00-02:00": midnight is in the gap; 01:00 -03 to 02:00; 1 h."""
    cal = night("America/Santiago", date(2026, 9, 6), "00:00-02:00")
    assert periods(cal, date(2026, 9, 6)) == [
        ("2026-09-06T01:00:00-03:00", "2026-09-06T02:00:00-03:00")
    ]
    start = datetime(2026, 9, 5, 23, tzinfo=SANTIAGO)
    assert same(cal.add(start, timedelta(hours=1)), datetime(2026, 9, 6, 2, tzinfo=SANTIAGO))


def test_add_business_days_into_a_spring_gap_moves_forward() -> None:
    """London Sat 2026-03-28 01:30 + 1 business day (Sun open) is Sun 02:30 BST: 01:30 is in the gap."""
    cal = Calendar(timezone="Europe/London", hours={"sat,sun": ["09:00-17:00"]})
    got = cal.add_business_days(datetime(2026, 3, 28, 1, 30, tzinfo=LONDON), 1)
    assert got.isoformat() == "2026-03-29T02:30:00+01:00"


# -- value semantics ----------------------------------------------------------------------


def test_calendar_is_immutable(seeds: Calendar) -> None:
    """Setting an attribute of a calendar raises attrs' FrozenInstanceError."""
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        seeds.timezone = "UTC"  # type: ignore[misc]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        seeds.hours = ()  # type: ignore[misc]


def test_calendar_equality_and_hash_are_by_value() -> None:
    """Two calendars built from equal inputs are equal, hash alike, and differ when inputs do."""
    a = Calendar(timezone="America/Bogota", hours=SPLIT_DAY, holidays=["2026-01-12"])
    b = Calendar(
        timezone="America/Bogota",
        hours={"mon,tue,wed-fri": ["13:30-17:00", "07:30-12:30"]},
        holidays=[date(2026, 1, 12)],
    )
    a.add(bog(2026, 1, 9, 16), timedelta(hours=1))  # builds a's private index only
    assert a == b
    assert hash(a) == hash(b)
    assert len({a, b}) == 1
    assert a != Calendar(timezone="America/Lima", hours=SPLIT_DAY, holidays=["2026-01-12"])
    assert a != Calendar(timezone="America/Bogota", hours=SPLIT_DAY)


def test_pickle_round_trip_computes_the_same(seeds: Calendar) -> None:
    """A pickled and unpickled calendar is equal to the original and gives the same answers."""
    seeds.add(bog(2026, 1, 9, 16, 10), timedelta(hours=2))
    copy = pickle.loads(pickle.dumps(seeds))
    assert copy == seeds
    assert hash(copy) == hash(seeds)
    for hours in (1, 2, 50, -30):
        t = bog(2026, 1, 9, 16, 10)
        assert to_us(copy.add(t, timedelta(hours=hours))) == to_us(
            seeds.add(t, timedelta(hours=hours))
        )
    assert copy.between(bog(2026, 1, 1), bog(2027, 1, 1)) == seeds.between(
        bog(2026, 1, 1), bog(2027, 1, 1)
    )


def test_thread_safety_while_the_index_grows() -> None:
    """Eight threads hammering one fresh calendar over many years get the single-threaded answers."""
    spec = {
        "timezone": "Europe/London",
        "hours": {"mon-fri": ["07:30-12:30", "13:30-17:00"], "sat": ["22:00-02:00"]},
        "holidays": {"country": "GB"},
    }
    queries = [
        (datetime(1990 + (k * 7) % 60, 1 + k % 12, 1 + k % 28, k % 24, tzinfo=UTC), k)
        for k in range(400)
    ]

    def answer(cal: Calendar, query: tuple[datetime, int]) -> tuple[int, timedelta]:
        t, k = query
        x = cal.add(t, timedelta(hours=(k % 300) - 150))
        return to_us(x), cal.between(t, t + timedelta(days=k % 900))

    expected = [answer(Calendar.from_dict(spec), q) for q in queries]
    shared = Calendar.from_dict(spec)
    barrier = threading.Barrier(8)

    def run(offset: int) -> list[tuple[int, tuple[int, timedelta]]]:
        barrier.wait()
        order = queries[offset::8] + queries[:offset:-1]
        return [(queries.index(q), answer(shared, q)) for q in order]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(run, range(8)))
    checked = 0
    for found in results:
        for i, got in found:
            assert got == expected[i]
            checked += 1
    assert checked > 400


# -- the edges of the supported horizon (local dates in years 1900..2200) ----------------


def office_utc() -> Calendar:
    """A fresh Mon-Fri 09:00-17:00 UTC calendar (40 h a week), with an empty index."""
    return Calendar(timezone="UTC", hours={"mon-fri": ["09:00-17:00"]})


def test_add_forward_into_the_last_supported_year() -> None:
    """Fri 2199-03-01 00:00Z + 1800 h is Thu 2200-01-09 17:00Z, inside the horizon.

    1800 h is 45 weeks of 40 h; a week of work from a Friday before opening runs Fri, Mon,
    Tue, Wed, Thu and ends Thursday 17:00; 45 such weeks end on Thursday 2200-01-09.
    """
    got = office_utc().add(datetime(2199, 3, 1, tzinfo=UTC), timedelta(hours=1800))
    assert got == datetime(2200, 1, 9, 17, tzinfo=UTC)


def test_add_backward_into_the_first_supported_year() -> None:
    """Fri 1901-03-01 00:00Z - 400 h is Fri 1900-12-21 09:00Z, inside the horizon.

    400 h is 10 weeks of 40 h; going back from Friday 00:00, each week covers Thu, Wed, Tue,
    Mon and the previous Friday, ending at that Friday's 09:00 opening.
    """
    got = office_utc().add(datetime(1901, 3, 1, tzinfo=UTC), timedelta(hours=-400))
    assert got == datetime(1900, 12, 21, 9, tzinfo=UTC)


def test_last_supported_date_is_usable() -> None:
    """Wednesday 2200-12-31 is inside the horizon: is_open, next_open and add answer there."""
    cal = office_utc()
    noon = datetime(2200, 12, 31, 12, tzinfo=UTC)
    assert cal.is_open(noon)
    assert cal.next_open(noon) == noon
    assert cal.add(datetime(2200, 12, 31, 9, tzinfo=UTC), timedelta(hours=8)) == datetime(
        2200, 12, 31, 17, tzinfo=UTC
    )


def test_first_supported_local_date_east_of_utc() -> None:
    """Monday 1900-01-01 00:30 in Tokyo (1899-12-31 UTC) is a supported local date: closed until 09:00."""
    tokyo = ZoneInfo("Asia/Tokyo")
    cal = Calendar(timezone="Asia/Tokyo", hours={"mon-fri": ["09:00-17:00"]})
    early = datetime(1900, 1, 1, 0, 30, tzinfo=tokyo)
    assert not cal.is_open(early)
    assert to_us(cal.next_open(early)) == to_us(datetime(1900, 1, 1, 9, tzinfo=tokyo))
