"""An instant column reads as the scalar path reads each value, whatever form it comes in.

Tables bring instants as pandas datetimes in seconds, milliseconds, microseconds or
nanoseconds, aware or naive, as pyarrow timestamps (Parquet read with
``dtype_backend="pyarrow"``), as Python datetimes, and as text. Each value either reads
as the scalar path reads it (:func:`~escalate._checks.instant_us`, to the unit's
precision) or, beyond the supported years, is reported as such: never wrapped round
into an ordinary date, which numpy does silently when a date past 2262 or before 1677
is converted to nanoseconds.
"""

from __future__ import annotations

import warnings
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from escalate import EventLog, HorizonError, evaluate_frame, load_policy
from escalate._checks import instant_us
from escalate._columns import NAT, instants
from escalate._index import MAX_YEAR, MIN_YEAR

pa = pytest.importorskip("pyarrow", reason="pyarrow columns need pyarrow")

DESK = load_policy("examples/policies/servicenow_desk.toml")
UNITS = {"s": 1_000_000, "ms": 1_000, "us": 1}
BEYOND = f"lies beyond the supported years {MIN_YEAR}-{MAX_YEAR}"
# well inside the supported years, and well outside them (the edges are local years)
INSIDE = st.datetimes(datetime(MIN_YEAR + 1, 1, 1), datetime(MAX_YEAR - 1, 12, 31))
OUTSIDE = st.datetimes(max_value=datetime(MIN_YEAR - 2, 1, 1)) | st.datetimes(
    min_value=datetime(MAX_YEAR + 2, 1, 1)
)
OFFSETS = st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))


def forms(wall: datetime, unit: str) -> dict[str, tuple[pd.Series, str | None]]:
    """The same UTC instant (naive ``wall``) as a column in each form, with its timezone=."""
    stamp = np.datetime64(wall, "us").astype(f"M8[{unit}]")
    naive = pd.Series(np.array([stamp, np.datetime64("NaT", unit)]))
    aware = naive.dt.tz_localize("UTC")
    return {
        "aware datetimes": (aware, None),
        "naive datetimes, timezone='UTC'": (naive, "UTC"),
        "aware pyarrow": (aware.astype(pd.ArrowDtype(pa.timestamp(unit, tz="UTC"))), None),
        "naive pyarrow": (naive.astype(pd.ArrowDtype(pa.timestamp(unit))), "UTC"),
    }


def scalar_us(at: datetime) -> int | None:
    """The scalar path's instant (µs), or ``None`` where it refuses it as beyond the years."""
    try:
        return instant_us(at, "at")
    except HorizonError:  # the scalar path refuses it: the table must too
        return None


@given(st.one_of(INSIDE, OUTSIDE), st.sampled_from(sorted(UNITS)))
def test_datetime_columns_of_any_unit_read_as_the_scalar_path(wall: datetime, unit: str):
    """In range: the scalar path's instant (to the unit). Beyond: reported, never wrapped."""
    want = scalar_us(wall.replace(tzinfo=UTC))
    if want is not None:
        want -= want % UNITS[unit]  # the column holds whole units
    for form, (column, zone) in forms(wall, unit).items():
        ns, absent, problems, _settled = instants(column, column="at", timezone=zone)
        assert absent.tolist() == [False, True], form
        if want is None:
            assert ns[0] == NAT, form
            assert [(m.tolist(), r) for m, r in problems] == [([True, False], BEYOND)], form
        else:
            assert ns[0] == want * 1000, form
            assert problems == [], form


@given(st.one_of(INSIDE, OUTSIDE), OFFSETS)
def test_text_and_python_datetimes_read_as_the_scalar_path(wall: datetime, offset: timezone):
    """ISO text with an offset, and aware Python datetimes, in range or beyond it."""
    local = wall.replace(tzinfo=offset)
    want = scalar_us(local)
    for form in (
        pd.Series([local.isoformat(), None], dtype=object),
        pd.Series([local, None], dtype=object),
    ):
        ns, _absent, problems, _settled = instants(form, column="at", timezone=None)
        if want is None:
            assert ns[0] == NAT
            assert [r for _m, r in problems] == [BEYOND]
        else:
            assert ns[0] == want * 1000
            assert problems == []


def test_an_ambiguous_wall_time_beyond_the_years_is_reported_not_raised():
    """A wall time the clocks repeat, in a year past the horizon, flags its row."""
    walls = pd.Series(pd.date_range("2205-10-20 01:30", periods=14, freq="D"))
    ns, _absent, problems, settled = instants(walls, column="at", timezone="Europe/London")
    assert (ns == NAT).all()
    assert [(m.all(), r) for m, r in problems] == [(True, BEYOND)]
    assert settled == []


def test_a_typo_in_the_year_is_a_row_error_in_every_table():
    """A resolution in 2610 (for 2016): an error on its row, never an early 'met'."""
    opened = pd.Series(pd.to_datetime(["2016-03-01 09:00", "2016-03-02 09:00"], utc=True))
    resolved = pd.Series(pd.to_datetime(["2610-03-01 10:00", "2016-03-02 10:00"], utc=True))
    table = pd.DataFrame(
        {"id": ["a", "b"], "opened": opened, "resolved": resolved, "severity": "2 - High"}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = evaluate_frame(table, DESK, as_of="2016-04-01T00:00Z", columns={"responded": None})
    assert BEYOND in out.loc[0, "error"]
    assert out.loc[1, "resolution_status"] == "met"
    events = pd.DataFrame(
        {
            "id": ["a", "a"],
            "type": ["opened", "resolved"],
            "at": ["2016-03-01T09:00:00+00:00", "2610-03-01T10:00:00+00:00"],
            "severity": ["2 - High", None],
        }
    )
    issues = EventLog.from_events(events).issues
    assert issues[["row", "column", "action", "reason"]].to_dict("records") == [
        {"row": 1, "column": "at", "action": "refused", "reason": BEYOND}
    ]


@given(
    st.datetimes(datetime(1950, 1, 1), datetime(2150, 12, 31)),
    st.sampled_from(["date", "minutes", "seconds", "micro"]),
    st.none() | OFFSETS,
    st.sampled_from(["UTC", "America/Bogota", "Asia/Kolkata", "Europe/London"]),
)
def test_iso_text_reads_as_python_reads_it(wall, precision, offset, zone):
    """A date alone is a naive midnight, never '-DD' read as a UTC offset; else as written."""
    wall = wall.replace(tzinfo=offset)
    spec = {"date": None, "minutes": "minutes", "seconds": "seconds", "micro": "microseconds"}
    if spec[precision] is None:
        text = wall.date().isoformat()
    else:
        text = wall.isoformat(timespec=spec[precision])
    read = datetime.fromisoformat(text)
    if read.tzinfo is None:
        read = read.replace(tzinfo=ZoneInfo(zone))  # naive: placed in timezone=, fold=0
    ns, _absent, problems, _settled = instants(
        pd.Series([text], dtype=object), column="at", timezone=zone
    )
    assert problems == []
    assert ns[0] == instant_us(read, "at") * 1000
