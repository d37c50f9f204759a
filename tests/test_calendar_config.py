"""Calendars as data: from_dict/to_dict round trips, and TOML, JSON and YAML text."""

from __future__ import annotations

import json
import tomllib
from datetime import UTC, date, datetime, timedelta

import pytest
import tomli_w
import yaml
from hypothesis import given
from hypothesis import strategies as st

from escalate import Calendar, Holidays, Interval, InvalidCalendarError
from tests import strategies as s
from tests.reference import to_us

SEED_TOML = """
timezone = "America/Bogota"
hours = { "mon-fri" = ["07:30-12:30", "13:30-17:00"], sat = ["08:00-12:00"] }
holidays = { country = "CO", add = ["2026-03-02"], remove = [] }
exceptions = { "2026-12-24" = ["07:30-12:00"], "2026-12-31" = [] }
"""

SEED_JSON = """
{
  "timezone": "America/Bogota",
  "hours": {"mon-fri": ["07:30-12:30", "13:30-17:00"], "sat": ["08:00-12:00"]},
  "holidays": {"country": "CO", "add": ["2026-03-02"], "remove": []},
  "exceptions": {"2026-12-24": ["07:30-12:00"], "2026-12-31": []}
}
"""

SEED_YAML = """
timezone: America/Bogota
hours:
  mon-fri: ["07:30-12:30", "13:30-17:00"]
  sat: ["08:00-12:00"]
holidays:
  country: CO
  add: ["2026-03-02"]
  remove: []
exceptions:
  "2026-12-24": ["07:30-12:00"]
  "2026-12-31": []
"""

SEED = Calendar(
    timezone="America/Bogota",
    hours={"mon-fri": ["07:30-12:30", "13:30-17:00"], "sat": ["08:00-12:00"]},
    holidays=Holidays.country("CO").with_changes(add=[date(2026, 3, 2)]),
    exceptions={date(2026, 12, 24): ["07:30-12:00"], date(2026, 12, 31): []},
)


@pytest.mark.parametrize(
    ("text", "load"),
    [(SEED_TOML, tomllib.loads), (SEED_JSON, json.loads), (SEED_YAML, yaml.safe_load)],
    ids=["toml", "json", "yaml"],
)
def test_text_formats_build_the_same_calendar(text: str, load: object) -> None:
    """The same calendar written in TOML, JSON or YAML parses to an equal Calendar."""
    cal = Calendar.from_dict(load(text))  # type: ignore[operator]
    assert cal == SEED
    monday = datetime(2026, 3, 2, 8, tzinfo=cal.zone)  # added as a holiday
    assert not cal.is_open(monday)
    assert cal.is_open(datetime(2026, 3, 7, 9, tzinfo=cal.zone))  # a Saturday


def test_seed_to_dict_is_the_documented_form() -> None:
    """to_dict writes hours by weekday key, holidays as a table and exceptions by ISO date."""
    data = SEED.to_dict()
    assert data["timezone"] == "America/Bogota"
    assert data["hours"] == {"mon-fri": ["07:30-12:30", "13:30-17:00"], "sat": ["08:00-12:00"]}
    assert data["exceptions"] == {"2026-12-24": ["07:30-12:00"], "2026-12-31": []}
    assert data["holidays"]["country"] == "CO"
    assert data["holidays"]["add"] == ["2026-03-02"]


@pytest.mark.parametrize("fmt", ["toml", "json", "yaml"])
def test_to_dict_survives_every_text_format(fmt: str) -> None:
    """to_dict output dumped to TOML/JSON/YAML text and read back gives an equal calendar."""
    data = SEED.to_dict()
    if fmt == "toml":
        back = tomllib.loads(tomli_w.dumps(data))
    elif fmt == "json":
        back = json.loads(json.dumps(data))
    else:
        back = yaml.safe_load(yaml.safe_dump(data))
    assert Calendar.from_dict(back) == SEED


def test_always_round_trips_as_24x7() -> None:
    """The 24x7 calendar writes hours = '24x7' and reads back equal."""
    data = Calendar.always("Europe/London").to_dict()
    assert data == {"timezone": "Europe/London", "hours": "24x7"}
    assert Calendar.from_dict(data) == Calendar.always("Europe/London")


def test_weekday_key_forms_are_equivalent() -> None:
    """'mon-fri', 'mon,tue,wed,thu,fri', 'mon-wed,thu-fri' and wrapping 'fri-mon' parse as documented."""
    a = Calendar(timezone="UTC", hours={"mon-fri": ["09:00-17:00"]})
    b = Calendar(timezone="UTC", hours={"mon,tue,wed,thu,fri": ["09:00-17:00"]})
    c = Calendar(timezone="UTC", hours={"mon-wed,thu-fri": ["09:00-17:00"]})
    assert a == b == c
    wrap = Calendar(timezone="UTC", hours={"fri-mon": ["09:00-17:00"]})
    explicit = Calendar(timezone="UTC", hours={"fri,sat,sun,mon": ["09:00-17:00"]})
    assert wrap == explicit


def test_touching_and_overlapping_intervals_merge() -> None:
    """Touching or overlapping intervals give one open period, and the config round-trips."""
    cal = Calendar(timezone="UTC", hours={"mon": ["09:00-10:00", "10:00-11:00", "10:30-12:00"]})
    monday = datetime(2026, 1, 5, 8, tzinfo=UTC)
    periods = list(cal.open_periods(monday, monday + timedelta(hours=6)))
    assert periods == [(monday + timedelta(hours=1), monday + timedelta(hours=4))]
    assert cal.between(monday, monday + timedelta(days=1)) == timedelta(hours=3)
    assert Calendar.from_dict(cal.to_dict()) == cal


def test_holiday_list_union_form() -> None:
    """A holidays value may be a list mixing date strings and tables, meaning their union."""
    data = {
        "timezone": "America/Bogota",
        "hours": {"mon-fri": ["09:00-17:00"]},
        "holidays": ["2026-03-04", {"country": "CO"}],
    }
    cal = Calendar.from_dict(data)
    assert date(2026, 3, 4) in cal.holidays.for_year(2026)
    assert date(2026, 1, 12) in cal.holidays.for_year(2026)
    assert Calendar.from_dict(cal.to_dict()) == cal


def test_holidays_remove_reopens_a_date() -> None:
    """holidays.remove takes a date out of a country's list, and that round-trips."""
    cal = Calendar.from_dict(
        {
            "timezone": "America/Bogota",
            "hours": {"mon-fri": ["09:00-17:00"]},
            "holidays": {"country": "CO", "remove": ["2026-01-12"]},
        }
    )
    assert cal.is_open(datetime(2026, 1, 12, 10, tzinfo=cal.zone))
    assert Calendar.from_dict(cal.to_dict()) == cal


def test_seconds_and_midnight_forms() -> None:
    """'HH:MM:SS' intervals, '24:00' ends and overnight intervals round-trip unchanged."""
    hours = {"mon": ["08:00:30-12:00:15"], "tue": ["18:00-24:00"], "wed": ["22:00-06:00"]}
    cal = Calendar(timezone="UTC", hours=hours)
    assert cal.to_dict()["hours"] == hours
    assert Calendar.from_dict(cal.to_dict()) == cal


@given(scenario=s.scenarios())
def test_random_calendars_round_trip(scenario: s.Scenario) -> None:
    """from_dict(c.to_dict()) == c for random calendars, also through JSON text."""
    cal = scenario.spec.to_calendar()
    data = cal.to_dict()
    assert Calendar.from_dict(data) == cal
    assert Calendar.from_dict(json.loads(json.dumps(data))) == cal
    assert Calendar.from_dict(tomllib.loads(tomli_w.dumps(data))) == cal


@given(scenario=s.scenarios(), data=st.data())
def test_round_tripped_calendar_computes_the_same(
    scenario: s.Scenario, data: st.DataObject
) -> None:
    """A calendar rebuilt from its dict gives the same add and between answers."""
    cal = scenario.spec.to_calendar()
    copy = Calendar.from_dict(cal.to_dict())
    t = s.as_datetime(data.draw(s.instants_near(scenario.anchor)), "UTC")
    d = timedelta(microseconds=data.draw(s.durations_for(scenario.spec)))
    assert to_us(copy.add(t, d)) == to_us(cal.add(t, d))
    assert copy.between(t, t + abs(d)) == cal.between(t, t + abs(d))


def test_interval_parse_and_str() -> None:
    """Interval.parse reads 'HH:MM-HH:MM' (overnight and 24:00 too) and str writes it back."""
    overnight = Interval.parse("22:00-06:00")
    assert overnight == Interval(79_200, 108_000)
    assert overnight.crosses_midnight
    assert str(overnight) == "22:00-06:00"
    assert str(Interval.parse("18:00-24:00")) == "18:00-24:00"
    assert not Interval.parse("18:00-24:00").crosses_midnight
    assert str(Interval.parse("08:00:30-09:00")) == "08:00:30-09:00"
    assert Interval.parse("07:30-12:30").seconds == 5 * 3600


def test_interval_parse_rejects_malformed_text() -> None:
    """Interval.parse of malformed text raises InvalidCalendarError (a ValueError)."""
    with pytest.raises(InvalidCalendarError) as info:
        Interval.parse("7-12")
    assert isinstance(info.value, ValueError)
    assert "HH:MM-HH:MM" in str(info.value)
