"""Holiday config tables: every form, their round trips through to_dict, and their errors."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import holidays as holidays_package
import pytest
import workalendar.america

from escalate import Calendar, Holidays, InvalidCalendarError

NEW_YEAR = date(2026, 1, 1)
CARNIVAL = date(2026, 3, 2)
HOURS = {"mon-fri": ["09:00-17:00"]}


def calendar_with(holidays: object) -> Calendar:
    """Return a Bogota office calendar built from the config form with these holidays."""
    return Calendar.from_dict({"timezone": "America/Bogota", "hours": HOURS, "holidays": holidays})


def problems_of(holidays: object) -> list[tuple[str, str, str | None]]:
    """Return (path, message, hint) of every problem from_dict reports for these holidays."""
    with pytest.raises(InvalidCalendarError) as info:
        calendar_with(holidays)
    return [(p.path, p.message, p.hint) for p in info.value.problems]


def colombia(year: int = 2026) -> frozenset[date]:
    """Return the holidays package's Colombian dates of ``year``."""
    return frozenset(holidays_package.country_holidays("CO", years=year))


def workalendar_colombia(year: int = 2026) -> frozenset[date]:
    """Return workalendar's Colombian dates of ``year``."""
    return frozenset(day for day, _ in workalendar.america.Colombia().holidays(year))


# -- the forms and what they mean --------------------------------------------------------


def test_country_with_subdivision_table() -> None:
    """{country, subdivision} gives that subdivision's list from the holidays package."""
    cal = calendar_with({"country": "US", "subdivision": "CA"})
    expected = frozenset(holidays_package.country_holidays("US", subdiv="CA", years=2026))
    assert cal.holidays.for_year(2026) == expected
    assert date(2026, 3, 31) in cal.holidays  # Cesar Chavez Day, California only


def test_country_table_with_workalendar_source() -> None:
    """{country, source = 'workalendar'} takes the dates from workalendar's registry."""
    cal = calendar_with({"country": "CO", "source": "workalendar"})
    assert cal.holidays.for_year(2026) == workalendar_colombia()


def test_workalendar_subdivision_source() -> None:
    """A workalendar subdivision is looked up as 'CC-SS' in workalendar's registry."""
    from workalendar.registry import registry  # noqa: PLC0415

    cal = calendar_with({"country": "US", "subdivision": "CA", "source": "workalendar"})
    expected = frozenset(day for day, _ in registry.get("US-CA")().holidays(2026))
    assert cal.holidays.for_year(2026) == expected


def test_calendar_class_path_table() -> None:
    """{calendar = 'workalendar.america.Colombia'} imports that class and uses its dates."""
    cal = calendar_with({"calendar": "workalendar.america.Colombia"})
    assert cal.holidays == Holidays.workalendar(workalendar.america.Colombia)
    assert cal.holidays.for_year(2027) == workalendar_colombia(2027)


def test_table_add_and_remove() -> None:
    """A table's add dates join its source's dates and its remove dates leave them."""
    cal = calendar_with({"country": "CO", "add": ["2026-03-02"], "remove": ["2026-01-01"]})
    assert cal.holidays.for_year(2026) == (colombia() | {CARNIVAL}) - {NEW_YEAR}


def test_removed_holiday_opens_the_office() -> None:
    """Removing a national holiday from a country table makes that weekday a working day."""
    cal = calendar_with({"country": "CO", "remove": ["2026-01-01"]})
    ten_am_bogota = datetime(2026, 1, 1, 15, tzinfo=UTC)
    assert cal.is_open(ten_am_bogota)
    assert not calendar_with({"country": "CO"}).is_open(ten_am_bogota)


def test_include_table_unions_its_parts() -> None:
    """{include = [tables...]} holds the dates of every included source."""
    cal = calendar_with(
        {"include": [{"country": "CO"}, {"calendar": "workalendar.america.Mexico"}]}
    )
    mexico = frozenset(day for day, _ in workalendar.america.Mexico().holidays(2026))
    assert cal.holidays.for_year(2026) == colombia() | mexico


def test_include_with_removal_applies_to_the_union() -> None:
    """A removal on an include table removes the date from every included source."""
    cal = calendar_with(
        {"include": [{"country": "CO"}, {"country": "MX"}], "remove": ["2026-01-01"]}
    )
    mexico = frozenset(holidays_package.country_holidays("MX", years=2026))
    assert cal.holidays.for_year(2026) == (colombia() | mexico) - {NEW_YEAR}


def test_list_mixing_tables_and_dates_is_a_union() -> None:
    """A list of a country table and date strings holds both."""
    cal = calendar_with([{"country": "CO"}, "2026-03-02"])
    assert cal.holidays.for_year(2026) == colombia() | {CARNIVAL}


def test_union_keeps_a_date_one_side_removed() -> None:
    """In a union, a date removed from one part stays when another part has it."""
    cal = calendar_with([{"country": "CO", "remove": ["2026-01-01"]}, "2026-01-01"])
    assert cal.holidays.for_year(2026) == colombia()
    python = Holidays.country("CO").with_changes(remove=[NEW_YEAR]) | Holidays.dates([NEW_YEAR])
    assert python.for_year(2026) == colombia()
    reversed_ = Holidays.dates([NEW_YEAR]) | Holidays.country("CO").with_changes(remove=[NEW_YEAR])
    assert reversed_.for_year(2026) == colombia()


def test_holidays_objects_inside_a_list() -> None:
    """A Python list may hold Holidays objects next to dates; the calendar unions them."""
    cal = Calendar(
        timezone="America/Bogota",
        hours=HOURS,
        holidays=[Holidays.country("CO"), "2026-03-02"],  # type: ignore[list-item]
    )
    assert cal.holidays.for_year(2026) == colombia() | {CARNIVAL}


def test_repeated_removals_drop_an_added_date() -> None:
    """A second with_changes may remove a date the first one added, after an earlier removal."""
    first = Holidays.dates([CARNIVAL, date(2026, 3, 3)]).with_changes(remove=[date(2026, 3, 4)])
    second = first.with_changes(remove=[CARNIVAL])
    assert second.for_year(2026) == {date(2026, 3, 3)}


def test_adding_back_a_removed_date_restores_it() -> None:
    """Adding a date back after removing it makes it a holiday again (the later change wins)."""
    restored = Holidays.country("CO").with_changes(remove=[NEW_YEAR]).with_changes(add=[NEW_YEAR])
    assert NEW_YEAR in restored.for_year(2026)


def test_union_with_a_non_holidays_is_a_type_error() -> None:
    """Holidays | something else is not defined (TypeError), as for other value types."""
    with pytest.raises(TypeError):
        Holidays.none() | {NEW_YEAR}  # type: ignore[operator]


def test_workalendar_instance_and_class_agree_and_serialise_as_class_path() -> None:
    """Holidays.workalendar(instance) equals the class form and writes the class's full path."""
    by_instance = Holidays.workalendar(workalendar.america.Colombia())
    assert by_instance == Holidays.workalendar(workalendar.america.Colombia)
    assert by_instance.to_config() == {"calendar": "workalendar.america.colombia.Colombia"}


def test_failing_workalendar_calendar_is_reported() -> None:
    """A workalendar calendar that fails for a year raises InvalidCalendarError at holidays."""

    class Broken(workalendar.america.Colombia):
        def holidays(self, year: int | None = None) -> list[tuple[date, str]]:
            msg = "no data"
            raise RuntimeError(msg)

    with pytest.raises(InvalidCalendarError) as info:
        Holidays.workalendar(Broken).for_year(2026)
    assert info.value.paths == ("holidays",)
    assert "Broken" in str(info.value)
    assert "2026" in str(info.value)
    assert "source = 'holidays'" in str(info.value)


# -- round trips ------------------------------------------------------------------------

ROUND_TRIPS: dict[str, Any] = {
    "country": {"country": "CO"},
    "subdivision": {"country": "US", "subdivision": "CA"},
    "workalendar-source": {"country": "CO", "source": "workalendar"},
    "workalendar-subdivision": {"country": "US", "subdivision": "CA", "source": "workalendar"},
    "class-path": {"calendar": "workalendar.america.Colombia"},
    "class-path-changes": {
        "calendar": "workalendar.america.Colombia",
        "add": ["2026-03-02"],
        "remove": ["2026-01-01"],
    },
    "country-changes": {"country": "CO", "add": ["2026-03-02"], "remove": ["2026-01-01"]},
    "include-tables": {"include": [{"country": "CO"}, {"calendar": "workalendar.america.Mexico"}]},
    "include-removal": {
        "include": [{"country": "CO"}, {"country": "MX"}],
        "remove": ["2026-01-01"],
    },
    "include-with-date": {"include": [{"country": "CO"}, "2026-03-02"]},
    "list-table-and-date": [{"country": "CO"}, "2026-03-02"],
    "list-two-tables": [{"country": "CO"}, {"country": "MX"}],
    "list-removal-and-date": [{"country": "CO", "remove": ["2026-01-01"]}, "2026-03-02"],
    "list-removal-and-table": [{"country": "CO", "remove": ["2026-01-01"]}, {"country": "MX"}],
}


@pytest.mark.parametrize("form", ROUND_TRIPS.values(), ids=ROUND_TRIPS.keys())
def test_config_form_round_trips(form: object) -> None:
    """Every holidays config form survives from_dict -> to_dict -> from_dict unchanged."""
    cal = calendar_with(form)
    again = Calendar.from_dict(cal.to_dict())
    assert again == cal
    assert again.holidays.for_year(2026) == cal.holidays.for_year(2026)


PYTHON_FORMS: dict[str, Holidays] = {
    "subdivision": Holidays.country("US", "CA"),
    "workalendar-class": Holidays.workalendar(workalendar.america.Colombia),
    "union": Holidays.country("CO") | Holidays.country("MX"),
    "union-with-dates": Holidays.country("CO") | Holidays.dates([CARNIVAL]),
    "changes": Holidays.country("CO").with_changes(add=[CARNIVAL], remove=[NEW_YEAR]),
    "dates-minus-dates": Holidays.dates([CARNIVAL]).with_changes(remove=[NEW_YEAR]),
    "removal-union-dates": (
        Holidays.country("CO").with_changes(remove=[NEW_YEAR]) | Holidays.dates([NEW_YEAR])
    ),
    "repeated-removals": (
        Holidays.dates([CARNIVAL, NEW_YEAR]).with_changes(remove=[date(2026, 3, 4)])
    ).with_changes(remove=[CARNIVAL]),
    "two-removals": (
        Holidays.country("CO").with_changes(remove=[NEW_YEAR])
        | Holidays.country("MX").with_changes(remove=[NEW_YEAR])
    ),
}


@pytest.mark.parametrize("holidays", PYTHON_FORMS.values(), ids=PYTHON_FORMS.keys())
def test_python_holidays_round_trip_through_to_dict(holidays: Holidays) -> None:
    """A calendar built with Python Holidays values round-trips: from_dict(c.to_dict()) == c."""
    cal = Calendar(timezone="America/Bogota", hours=HOURS, holidays=holidays)
    again = Calendar.from_dict(cal.to_dict())
    assert again == cal
    assert again.holidays.for_year(2026) == holidays.for_year(2026)


# -- errors -----------------------------------------------------------------------------


def test_unknown_table_key_suggests_the_right_one() -> None:
    """A misspelt table key is reported at its path with a did-you-mean hint."""
    found = problems_of({"country": "CO", "subdivison": "DC"})
    assert found == [
        ("holidays.subdivison", "unknown key 'subdivison'", "did you mean 'subdivision'?")
    ]


def test_table_needs_exactly_one_source() -> None:
    """A table naming two sources (or none) is rejected at the table's path."""
    for table in (
        {"country": "CO", "calendar": "workalendar.america.Colombia"},
        {"add": ["2026-01-01"]},
    ):
        paths = [path for path, message, _ in problems_of(table) if "exactly one" in message]
        assert paths == ["holidays"]


def test_problems_inside_a_list_carry_the_item_index() -> None:
    """Problems in a list of tables and dates name the list index, all reported at once."""
    found = problems_of(["2026-01-01", 5, {"country": "XX"}, {"country": "CO"}])
    assert [path for path, _, _ in found] == ["holidays[1]", "holidays[2].country"]


def test_problems_inside_include_carry_the_include_path() -> None:
    """A bad date inside an include list is reported at holidays.include[i]."""
    found = problems_of({"include": [{"country": "CO"}, "2026-02-30"]})
    assert [path for path, _, _ in found] == ["holidays.include[1]"]


def test_non_string_country() -> None:
    """A country that is not a string is reported at holidays.country."""
    found = problems_of({"country": 57})
    assert [path for path, _, _ in found] == ["holidays.country"]
    assert "57" in found[0][1]


def test_non_string_subdivision() -> None:
    """A subdivision that is not a string is reported at holidays.subdivision, naming it."""
    found = problems_of({"country": "US", "subdivision": 6})
    assert [path for path, _, _ in found] == ["holidays.subdivision"]
    assert "6" in found[0][1]


def test_unknown_source_in_table_suggests_a_fix() -> None:
    """A misspelt source is reported at holidays.source with a did-you-mean hint."""
    assert problems_of({"country": "CO", "source": "holiday"}) == [
        ("holidays.source", "unknown holiday source 'holiday'", "did you mean 'holidays'?")
    ]


def test_workalendar_unknown_country_and_subdivision() -> None:
    """Workalendar lookups report the failing key, suggesting close registry keys."""
    country = problems_of({"country": "ZZ", "source": "workalendar"})
    assert country[0][0] == "holidays.country"
    assert "try source = 'holidays'" in str(country[0][2])
    with pytest.raises(InvalidCalendarError) as info:
        Holidays.country("US", "CAA", source="workalendar")
    assert info.value.paths == ("holidays.subdivision",)
    assert "'US-CA'" in str(info.value.problems[0].hint)


def test_subdivision_hints() -> None:
    """A bad subdivision hints a close match, the full list, or that there are none."""
    hints = {}
    for country, subdivision in (("US", "CAL"), ("US", "QQ"), ("CO", "DC")):
        with pytest.raises(InvalidCalendarError) as info:
            Holidays.country(country, subdivision)
        assert info.value.paths == ("holidays.subdivision",)
        hints[subdivision] = str(info.value.problems[0].hint)
    assert "did you mean 'CA'" in hints["CAL"]
    assert hints["QQ"].startswith("US's subdivisions are: AK, AL")
    assert hints["DC"] == "CO has no subdivisions; leave it out"


def test_country_name_suggests_the_code() -> None:
    """Writing the country's name instead of its code suggests the code."""
    with pytest.raises(InvalidCalendarError) as info:
        Holidays.country("Colombia")
    assert info.value.problems[0].hint == "did you mean 'CO'?"


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("america.Colombia", "not a workalendar class path"),
        (7, "not a workalendar class path"),
        ("workalendar.america.Colombiaa", "workalendar has no calendar"),
        ("workalendar.atlantis.Capital", "workalendar has no calendar"),
        ("workalendar.core.daterange", "is not a class"),
    ],
    ids=["no-prefix", "not-a-string", "no-class", "no-module", "a-function"],
)
def test_bad_calendar_class_path(path: object, message: str) -> None:
    """A bad workalendar class path is reported at holidays.calendar saying what is wrong."""
    found = problems_of({"calendar": path})
    assert [p for p, _, _ in found] == ["holidays.calendar"]
    assert message in found[0][1]


def test_add_and_remove_must_be_date_lists() -> None:
    """A bare string for add, or a bad date in remove, is reported at its own path."""
    found = problems_of({"country": "CO", "add": "2026-03-02", "remove": ["2026-02-30"]})
    assert [path for path, _, _ in found] == ["holidays.add", "holidays.remove[0]"]


def test_holidays_must_be_a_list_or_a_table() -> None:
    """A bare string or number for holidays is rejected with an example of both forms."""
    for value in ("CO", 5):
        found = problems_of(value)
        assert [path for path, _, _ in found] == ["holidays"]
        assert "{ country = 'CO' }" in str(found[0][2])


def test_with_changes_reports_every_bad_value() -> None:
    """with_changes reports a bad added date and a bare-string removal together."""
    with pytest.raises(InvalidCalendarError) as info:
        Holidays.none().with_changes(add=["soon"], remove="2026-01-01")
    assert info.value.paths == ("holidays.add[0]", "holidays.remove")
