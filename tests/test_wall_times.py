"""Naive wall times in a daylight-saving zone: taken as the scalar path takes them, and said.

A wall time written without its offset may happen twice (the hour the clocks go back) or
not at all (the hour they skip). The table readers take it as ``zoneinfo`` does with
``fold=0``, as :class:`~escalate.Timeline` and the calendars do; each such row is
reported: a repaired issue in an :class:`~escalate.EventLog`, an
:class:`~escalate.EscalateWarning` from ``evaluate_frame`` on an incident table, a warning
line from the command line.

The reference below decides "twice" and "not at all" from the definition (how many
instants show that wall time in the zone), not from the reader's own test.
"""

from __future__ import annotations

import warnings
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from escalate import EscalateWarning, EventLog, evaluate_frame, load_policy
from escalate._columns import instants
from tests import strategies as s
from tests.reference import from_us, to_us

DESK = load_policy("examples/policies/servicenow_desk.toml")
SAO_PAULO = "America/Sao_Paulo"
# 2016 in São Paulo: the clocks went back at midnight ending 20 February (23:00-23:59
# happened twice) and skipped 00:00-00:59 on 16 October
TWICE, SKIPPED, PLAIN = "2016-02-20 23:30", "2016-10-16 00:30", "2016-03-01 09:00"


def shown_by(wall: datetime, zone: ZoneInfo) -> set[datetime]:
    """The instants whose local time in ``zone`` is ``wall`` (naive): 0, 1 or 2 of them."""
    found = set()
    for fold in (0, 1):
        offset = wall.replace(tzinfo=zone, fold=fold).utcoffset()
        assert offset is not None
        instant = (wall - offset).replace(tzinfo=UTC)
        if instant.astimezone(zone).replace(tzinfo=None) == wall:
            found.add(instant)
    return found


@st.composite
def walls_near_changes(draw: st.DrawFn) -> tuple[str, list[datetime]]:
    """A zone and naive wall times within a few hours of its offset changes."""
    zone = draw(st.sampled_from((*s.DST_ZONES, SAO_PAULO, "UTC")))
    changes = s.transitions(zone) or (to_us(datetime(2026, 3, 29, tzinfo=UTC)),)
    anchors = st.sampled_from(changes).map(lambda us: from_us(us, ZoneInfo(zone)))
    wall = st.builds(
        lambda at, minutes: at.replace(tzinfo=None) + timedelta(minutes=minutes),
        anchors,
        st.integers(-180, 180),
    )
    return zone, draw(st.lists(wall, min_size=1, max_size=12))


@given(walls_near_changes(), st.sampled_from(("datetime64", "text")))
def test_wall_times_are_read_with_fold_0_and_the_settled_ones_are_said(case, form):
    """Each instant is the scalar path's; the rows said are exactly those with 2 or 0."""
    zone_name, walls = case
    zone = ZoneInfo(zone_name)
    column = pd.Series(walls, dtype="datetime64[us]")
    if form == "text":
        column = column.dt.strftime("%Y-%m-%d %H:%M:%S")
    ns, absent, problems, settled = instants(column, column="at", timezone=zone_name)
    assert not absent.any()
    assert problems == []
    # the instant: the scalar path's, zoneinfo with fold=0
    assert ns.tolist() == [to_us(w.replace(tzinfo=zone)) * 1000 for w in walls]
    # the rows said: exactly those with two instants, or none, each under its reason
    said = {"happens twice": np.zeros(len(walls), bool), "not exist": np.zeros(len(walls), bool)}
    for mask, reason in settled:
        key = "happens twice" if "happens twice" in reason else "not exist"
        assert zone_name in reason
        said[key] |= mask
    counts = [len(shown_by(w, zone)) for w in walls]
    assert said["happens twice"].tolist() == [c == 2 for c in counts]
    assert said["not exist"].tolist() == [c == 0 for c in counts]


def test_an_event_log_reports_each_settled_wall_time_as_repaired():
    """A history reader lists each settled row as repaired, and keeps the fold=0 instant."""
    table = pd.DataFrame(
        {
            "id": ["a", "b", "c"],
            "type": ["opened"] * 3,
            "severity": ["2 - High"] * 3,
            "at": [TWICE, SKIPPED, PLAIN],
        }
    )
    log = EventLog.from_events(table, timezone=SAO_PAULO)
    issues = log.issues
    assert issues[["id", "row", "column", "value", "action"]].values.tolist() == [
        ["a", 0, "at", TWICE, "repaired"],
        ["b", 1, "at", SKIPPED, "repaired"],
    ]
    assert "happens twice in America/Sao_Paulo" in issues["reason"][0]
    assert "does not exist in America/Sao_Paulo" in issues["reason"][1]
    # the first of the two 23:30s (-02:00), and 00:30 read at -03:00 (01:30 on the clock)
    openings = {i: log.timeline(i).opened.at for i in ("a", "b")}
    assert openings == {
        "a": datetime(2016, 2, 21, 1, 30, tzinfo=UTC),
        "b": datetime(2016, 10, 16, 3, 30, tzinfo=UTC),
    }


def test_evaluate_frame_warns_of_settled_wall_times_in_an_incident_table():
    """One warning per kind names the column, counts and quotes; figures as with offsets."""
    table = pd.DataFrame(
        {
            "id": ["a", "b", "c", "d"],
            "opened": pd.to_datetime([TWICE, "2016-02-20 23:45", SKIPPED, PLAIN]),
            "severity": ["2 - High"] * 4,
        }
    )
    options = {
        "as_of": "2016-11-01T00:00:00-03:00",
        "columns": {"responded": None, "resolved": None},
    }
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = evaluate_frame(table, DESK, timezone=SAO_PAULO, **options)
    said = [str(w.message) for w in caught if issubclass(w.category, EscalateWarning)]
    assert len(said) == 2  # one per kind
    assert said[0].startswith("column 'opened': 2 rows hold a wall time that happens twice")
    assert "'2016-02-20 23:30:00'" in said[0]
    assert said[1].startswith("column 'opened': a row holds a wall time that does not exist")
    # the same figures as the instants zoneinfo gives with fold=0, written with offsets
    zone = ZoneInfo(SAO_PAULO)
    aware = table.assign(
        opened=[t.to_pydatetime().replace(tzinfo=zone) for t in table["opened"]]
    ).astype({"opened": "datetime64[ns, America/Sao_Paulo]"})
    with warnings.catch_warnings():
        warnings.simplefilter("error", EscalateWarning)
        want = evaluate_frame(aware, DESK, **options)
    figures = [c for c in want.columns if c != "opened"]
    pd.testing.assert_frame_equal(got[figures], want[figures])


@pytest.mark.filterwarnings("ignore::escalate.BadRowsWarning")
def test_the_command_line_warns_of_settled_wall_times(tmp_path):
    """``escalate evaluate --tz`` prints one warning line per kind of settled wall time."""
    pytest.importorskip("click", reason="the command line needs the 'cli' extra")
    from tests.test_cli import run  # noqa: PLC0415 - needs click

    path = tmp_path / "incidents.csv"
    rows = [f"{k},{at},2 - High" for k, at in enumerate((TWICE, SKIPPED, PLAIN))]
    path.write_text("id,opened,severity\n" + "\n".join(rows) + "\n")
    result = run(
        "evaluate", "--policy", "examples/policies/servicenow_desk.toml", str(path),
        "--tz", SAO_PAULO, "--as-of", "2016-11-01T00:00-03:00", "-c", "responded=",
        "-c", "resolved=",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if "wall time" in line]
    assert len(lines) == 2, result.stderr
    assert lines[0].startswith("escalate: warning: column 'opened': a row holds a wall time")
    assert "happens twice in America/Sao_Paulo" in lines[0]
    assert "does not exist in America/Sao_Paulo" in lines[1]
