"""Availability against hostile input: NaT instants, text flags, wrong argument types."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from escalate import (
    Availability,
    BusinessDays,
    Calendar,
    HorizonError,
    InvalidArgumentError,
    InvalidInstantError,
    Outage,
    OutageError,
    Period,
    availability,
    availability_frame,
)
from tests.strategies import bad_flags, flag_texts

OBJECTIVE = Availability(objective=99.5, maintenance_notice=BusinessDays(2))
NOVEMBER = Period.month(2026, 11)


def utc(day: int, hour: int = 0) -> datetime:
    """An instant of November 2026 in UTC."""
    return datetime(2026, 11, day, hour, tzinfo=UTC)


def outages(planned: list[object], external: list[object]) -> pd.DataFrame:
    """Three planned-looking outages, announced a week ahead, with the given flag cells."""
    return pd.DataFrame(
        {
            "service": ["a", "a", "b"],
            "start": pd.to_datetime([utc(10, 1), utc(11, 1), utc(12, 1)], utc=True),
            "end": pd.to_datetime([utc(10, 3), utc(11, 3), utc(12, 3)], utc=True),
            "notified_at": pd.to_datetime([utc(2), utc(2), utc(2)], utc=True),
            "planned": pd.Series(planned, dtype=object),
            "external": pd.Series(external, dtype=object),
        }
    )


def test_nat_as_of_is_refused_not_read_as_100_percent():
    """``as_of=NaT`` is an InvalidInstantError from both paths, never a report of 100%."""
    down = Outage(start=utc(3, 10), end=utc(3, 12))
    with pytest.raises(InvalidInstantError, match="as_of is NaT"):
        availability(OBJECTIVE, [down], NOVEMBER, as_of=pd.NaT)
    with pytest.raises(InvalidInstantError, match="as_of is NaT"):
        availability_frame(outages([False] * 3, [False] * 3), OBJECTIVE, as_of=pd.NaT)


def test_nat_outage_instants_are_refused_not_counted_as_zero():
    """An outage starting or ending at NaT is an error; an open outage's end is ``None``."""
    with pytest.raises(InvalidInstantError, match="start is NaT"):
        Outage(start=pd.NaT, end=utc(3))
    with pytest.raises(InvalidInstantError, match="give None for an outage still open"):
        Outage(start=utc(3), end=pd.NaT)
    with pytest.raises(OutageError) as info:
        availability(OBJECTIVE, [{"start": utc(3), "end": pd.NaT}], NOVEMBER)
    assert info.value.paths == ("outages[0].end",)


def test_an_outage_record_beyond_the_horizon_names_its_place():
    """An outage mapping in year 1 is a HorizonError at ``outages[i].start``."""
    with pytest.raises(HorizonError) as info:
        availability(OBJECTIVE, [{"start": "0001-01-01T00:00:00+00:00"}], NOVEMBER)
    assert info.value.path == "outages[0].start"


def test_outage_flags_must_be_booleans():
    """``Outage(planned="false")`` is an OutageError, not a planned outage."""
    with pytest.raises(OutageError) as info:
        Outage(start=utc(3), planned="false")  # type: ignore[arg-type]
    assert info.value.paths == ("planned",)


@given(data=st.data())
def test_text_flags_read_as_their_booleans(data: st.DataObject):
    """Text flags true/yes/1 and false/no/0, in any case, count as the booleans they spell."""
    planned = [data.draw(st.booleans()) for _ in range(3)]
    external = [data.draw(st.booleans()) for _ in range(3)]
    spelled = outages(
        [data.draw(flag_texts(flag)) for flag in planned],
        [data.draw(flag_texts(flag)) for flag in external],
    )
    expected = availability_frame(outages(planned, external), OBJECTIVE)
    pd.testing.assert_frame_equal(availability_frame(spelled, OBJECTIVE), expected)


def test_announced_maintenance_written_as_text_is_excluded():
    """The issue's case: ``planned = "true"`` announced in time is not downtime."""
    frame = availability_frame(outages(["true", "YES", "1"], ["no", "0", "False"]), OBJECTIVE)
    assert (frame["downtime"] == pd.Timedelta(0)).all()


@given(bad=bad_flags, column=st.sampled_from(["planned", "external"]))
def test_any_other_flag_is_reported_at_its_row(bad: object, column: str):
    """A flag that is neither true nor false is reported at ``outages[row].column``."""
    cells = {"planned": [True, True, True], "external": [False, False, False]}
    cells[column] = [cells[column][0], bad, cells[column][2]]
    with pytest.raises(OutageError) as info:
        availability_frame(outages(cells["planned"], cells["external"]), OBJECTIVE)
    assert info.value.paths == (f"outages[1].{column}",)


def test_missing_flags_are_false():
    """An empty cell (NaN, None) is false, as a missing column is."""
    frame = availability_frame(outages([None, float("nan"), pd.NA], [None] * 3), OBJECTIVE)
    assert frame["downtime"].sum() == pd.Timedelta(hours=6)


def test_instants_beyond_the_horizon_in_a_column_are_horizon_errors():
    """A tz-aware column holding year 2250 names the row, as HorizonError."""
    table = outages([False] * 3, [False] * 3)
    table.loc[2, "end"] = pd.Timestamp("2250-01-01", tz="UTC")
    with pytest.raises(HorizonError) as info:
        availability_frame(table, OBJECTIVE)
    assert info.value.path == "outages[2].end"


@pytest.mark.parametrize(
    ("call", "path"),
    [
        (lambda: availability("99.5", [], NOVEMBER), "objective"),
        (lambda: availability(OBJECTIVE, [], "2026-11"), "period"),
        (lambda: availability(OBJECTIVE, 5, NOVEMBER), "outages"),
        (lambda: availability(OBJECTIVE, {"start": utc(3)}, NOVEMBER), "outages"),
        (lambda: availability(OBJECTIVE, [], NOVEMBER, calendars=[1]), "calendars"),
        (
            lambda: availability(
                Availability(objective=99.5, measured_on="o"), [], NOVEMBER, calendars={"o": 1}
            ),
            "calendars.o",
        ),
        (lambda: availability_frame("outages.csv", OBJECTIVE), "outages"),
        (lambda: availability_frame(outages([False] * 3, [False] * 3), None), "objective"),
    ],
)
def test_wrong_argument_types_are_invalid_argument_errors(call, path: str):
    """Arguments of the wrong type are InvalidArgumentError (a TypeError) naming the argument."""
    with pytest.raises(InvalidArgumentError) as info:
        call()
    assert info.value.path == path


def test_a_calendar_mapping_of_calendars_still_works():
    """The argument checks accept what the docs promise: mappings of names to calendars."""
    office = Calendar(timezone="UTC", hours={"mon-fri": ["09:00-17:00"]})
    objective = Availability(objective=99.5, measured_on="office")
    report = availability(objective, [], NOVEMBER, calendars={"office": office})
    assert report.availability == 100.0


@given(value=st.booleans(), data=st.data())
def test_every_reader_takes_a_flag_by_one_rule(value: bool, data: st.DataObject):
    """A JSON outage, a table and a CSV for the command line read the same spellings."""
    from escalate import Outage  # noqa: PLC0415
    from escalate._outages import flag_of  # noqa: PLC0415 - the one rule

    spelled = data.draw(flag_texts(value))
    assert flag_of(spelled) is value
    outage = Outage.from_dict({"start": "2026-11-03T10:00:00Z", "planned": spelled})
    assert outage.planned is value
    frame = availability_frame(outages([spelled] * 3, [False] * 3), OBJECTIVE)
    expected = availability_frame(outages([value] * 3, [False] * 3), OBJECTIVE)
    pd.testing.assert_frame_equal(frame, expected)
