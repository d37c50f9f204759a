"""Ticket histories through the command line: ``--shape``, ``--pauses`` and ``--issues``.

Every shape is read end to end from small files, and the committed ServiceNow sample
through ``--shape snapshots``; each answer is compared with the library's
(``EventLog.from_*`` then ``evaluate_frame``) on the same file, written the same way.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shlex
import zipfile
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings

pytest.importorskip("click", reason="the command line needs the 'cli' extra")

import escalate
from escalate import EventLog, evaluate_frame, load_policy
from escalate._cli_tables import file_table
from tests import strategies
from tests.test_cli import SAAS, one_line_error, run

ROOT = Path(__file__).resolve().parent.parent
DESK = ROOT / "examples" / "policies" / "servicenow_desk.toml"
POLICY = load_policy(DESK)
SERVICENOW = ROOT / "tests" / "data" / "servicenow_sample.csv.gz"
DOC = ROOT / "docs" / "how-to" / "command-line.md"
AS_OF = "2016-03-02T12:00:00-03:00"
LATE = "2017-06-01T00:00:00-03:00"
#: The desk's columns in the ServiceNow export, as -c options and as the reader's arguments.
DESK_FLAGS = [
    "--shape", "snapshots", "-c", "id=number", "-c", "at=sys_updated_at",
    "-c", "status=incident_state", "-c", "severity=priority", "-c", "sequence=sys_mod_count",
    "--attributes", "assignment_group,category",
    "--time-format", "%d/%m/%Y %H:%M", "--tz", "America/Sao_Paulo",
]  # fmt: skip
DESK_OPTIONS = {
    "id": "number",
    "at": "sys_updated_at",
    "status": "incident_state",
    "severity": "priority",
    "sequence": "sys_mod_count",
    "attributes": ["assignment_group", "category"],
    "opened_at": "opened_at",
    "time_format": "%d/%m/%Y %H:%M",
    "timezone": "America/Sao_Paulo",
}

# Two incidents of the desk (office hours 08:00-18:00 in São Paulo, -03:00 in March 2016).
# A: answered after 1 h; waits on the user 11:00-15:00, resolved at 17:00: 4 h of work.
# B: opened at 17:30, answered at 09:00 the next day: 30 min + 1 h, the response breached.
EVENTS = """\
id,type,at,severity,status
A,opened,2016-03-01T09:00:00-03:00,2 - High,New
A,changed,2016-03-01T10:00:00-03:00,,Active
A,changed,2016-03-01T11:00:00-03:00,,Awaiting User Info
A,changed,2016-03-01T15:00:00-03:00,,Active
A,changed,2016-03-01T17:00:00-03:00,,Resolved
B,opened,2016-03-01T17:30:00-03:00,1 - Critical,New
B,changed,2016-03-02T09:00:00-03:00,,Active
"""
SNAPSHOTS = """\
number;updated;state;priority;seq
A;01/03/2016 09:00;New;2 - High;0
A;01/03/2016 10:00;Active;2 - High;1
A;01/03/2016 11:00;Awaiting User Info;2 - High;2
A;01/03/2016 15:00;Active;2 - High;3
A;01/03/2016 17:00;Resolved;2 - High;4
B;01/03/2016 17:30;New;1 - Critical;0
B;02/03/2016 09:00;Active;1 - Critical;1
"""
CHANGES = """\
key,when,item,old,new
A,2016-03-01T10:00:00-03:00,Status,New,Active
A,2016-03-01T11:00:00-03:00,Status,Active,Awaiting User Info
A,2016-03-01T15:00:00-03:00,Status,Awaiting User Info,Active
A,2016-03-01T16:00:00-03:00,Comment,,called the user
A,2016-03-01T17:00:00-03:00,Status,Active,Resolved
B,2016-03-02T09:00:00-03:00,Status,New,Active
"""
OPENINGS = """\
key,created,status,Priority
A,2016-03-01T09:00:00-03:00,New,2 - High
B,2016-03-01T17:30:00-03:00,New,1 - Critical
"""
#: id, response status and seconds, resolution status and seconds, as of AS_OF.
HAND_CHECKED = [
    ("A", "met", "3600", "met", "14400"),
    ("B", "breached", "5400", "running", "16200"),
]


def write(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` and return the path."""
    path.write_text(text, encoding="utf-8")
    return path


def evaluated(*args: str | Path) -> str:
    """Run ``escalate evaluate`` with ``args`` on the desk's policy; return the CSV it prints."""
    result = run("evaluate", "--policy", DESK, *args)
    assert result.exit_code == 0, result.output
    return result.stdout


def figures(text: str) -> list[tuple[str, ...]]:
    """The hand-checked columns of a CSV of results."""
    return [
        (
            r["id"],
            r["response_status"],
            r["response_elapsed_seconds"],
            r["resolution_status"],
            r["resolution_elapsed_seconds"],
        )
        for r in csv.DictReader(io.StringIO(text))
    ]


def library(results: pd.DataFrame, policy: escalate.Policy = POLICY) -> str:
    """The library's results written as the command line writes them (seconds, policy's zone)."""
    return file_table(results, zone=policy.timezone, durations="seconds").to_csv(index=False)


def library_log(log: EventLog, as_of: str = AS_OF) -> str:
    """``evaluate_frame`` over an event log, as the command line writes it."""
    return library(evaluate_frame(log, POLICY, as_of=as_of))


# -- each shape, end to end --------------------------------------------------------------


def test_events_are_evaluated_as_the_library_does(tmp_path: Path):
    """Event rows give one row per incident, the hand-checked figures, the library's CSV."""
    path = write(tmp_path / "events.csv", EVENTS)
    out = evaluated(path, "--shape", "events", "--as-of", AS_OF)
    assert figures(out) == HAND_CHECKED
    assert out.splitlines()[0].startswith("id,opened,severity,")
    assert "2016-03-01T09:00:00-03:00" in out.splitlines()[1]
    assert out == library_log(EventLog.from_events(pd.read_csv(path)))


def test_snapshots_are_evaluated_as_the_library_does(tmp_path: Path):
    """Snapshot rows (semicolons, a local time format, a sequence) give the same figures."""
    path = write(tmp_path / "snapshots.csv", SNAPSHOTS)
    args = ["--shape", "snapshots", "-c", "id=number", "-c", "at=updated", "-c", "status=state"]
    args += ["-c", "severity=priority", "-c", "sequence=seq", "--time-format", "%d/%m/%Y %H:%M"]
    out = evaluated(path, *args, "--tz", "America/Sao_Paulo", "--as-of", AS_OF)
    assert figures(out) == HAND_CHECKED
    log = EventLog.from_snapshots(
        pd.read_csv(path, sep=";"), id="number", at="updated", status="state",
        severity="priority", sequence="seq", time_format="%d/%m/%Y %H:%M",
        timezone="America/Sao_Paulo",
    )  # fmt: skip
    assert out == library_log(log)


def test_changes_with_openings_are_evaluated_as_the_library_does(tmp_path: Path):
    """Field changes with an openings table give the same figures; other fields are ignored."""
    path = write(tmp_path / "changes.csv", CHANGES)
    openings = write(tmp_path / "openings.csv", OPENINGS)
    args = ["--shape", "changes", "-c", "id=key", "-c", "at=when", "-c", "field=item"]
    args += ["-c", "from=old", "-c", "to=new", "--field", "Status=status"]
    args += ["--openings", openings, "-c", "opened_at=created", "-c", "severity=Priority"]
    result = run("evaluate", "--policy", DESK, path, *args, "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert figures(result.stdout) == HAND_CHECKED
    assert result.stderr.count("\n") == 1
    assert "1 issue reading changes.csv (ignored: 1 change(s) of field 'Comment'" in result.stderr
    opened = pd.read_csv(openings).rename(columns={"Priority": "severity"})
    log = EventLog.from_changes(
        pd.read_csv(path), fields={"Status": "status"}, id="key", at="when", field="item",
        old="old", new="new", openings=opened, opened_at="created",
    )  # fmt: skip
    assert result.stdout == library_log(log)


def test_changes_without_openings_open_at_the_first_change(tmp_path: Path):
    """Without --openings an incident opens at its first change, and the summary says so."""
    path = write(tmp_path / "changes.csv", "id,at,field,from,to\n" + CHANGES.split("\n", 1)[1])
    path = write(path, path.read_text(encoding="utf-8").replace("Status", "status"))
    args = ["--shape", "changes", "--field", "status=status", "--field", "Comment=note"]
    result = run("evaluate", "--policy", DESK, path, *args, "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert "no opening given" in result.stderr
    assert "no severity at the opening" in result.stderr  # the severity is never changed
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["id"] for r in rows] == ["A", "B"]
    assert rows[0]["opened"] == "2016-03-01T10:00:00-03:00"
    assert all("no severity at the opening" in r["error"] for r in rows)


def test_the_servicenow_sample_through_snapshots_equals_the_library():
    """The committed sample with the desk's columns: the library's 300 rows, byte for byte."""
    out = evaluated(SERVICENOW, *DESK_FLAGS, "--as-of", LATE)
    log = EventLog.from_snapshots(pd.read_csv(SERVICENOW), **DESK_OPTIONS)  # type: ignore[arg-type]
    assert out == library_log(log, LATE)
    assert len(out.splitlines()) == 301


def test_report_on_snapshots_equals_the_librarys_compliance(tmp_path: Path):
    """``report --shape snapshots --by month,severity`` is compliance() of the library's results."""
    out = tmp_path / "table.json"
    result = run(
        "report", "--policy", DESK, SERVICENOW, *DESK_FLAGS, "--by", "month,severity",
        "--as-of", LATE, "-o", out,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Compliance of 300 incidents" in result.stdout
    log = EventLog.from_snapshots(pd.read_csv(SERVICENOW), **DESK_OPTIONS)  # type: ignore[arg-type]
    results = evaluate_frame(log, POLICY, as_of=LATE)
    table = escalate.compliance(
        results, by=("month", "severity"), time_column="opened", timezone=POLICY.timezone
    )
    cli = sorted(
        (r["month"], r["severity"], r["target"], r["count"], r["met"], r["breached"], r["open"])
        for r in json.loads(out.read_text(encoding="utf-8"))
    )
    lib = sorted(
        (str(r.month), r.severity, r.target, r.count, r.met, r.breached, r.open)
        for r in table.itertuples()
    )
    assert cli == lib


def test_report_on_a_history_by_its_attribute(tmp_path: Path):
    """``report --by assignment_group`` on a history: the group in force at ``--as-of``."""
    out = tmp_path / "table.json"
    result = run(
        "report", "--policy", DESK, SERVICENOW, *DESK_FLAGS, "--by", "assignment_group",
        "--as-of", AS_OF, "-o", out,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    log = EventLog.from_snapshots(pd.read_csv(SERVICENOW), **DESK_OPTIONS)  # type: ignore[arg-type]
    results = evaluate_frame(log, POLICY, as_of=AS_OF)
    table = escalate.compliance(results, by=("assignment_group",))
    cli = sorted(
        (r["assignment_group"] or "", r["target"], r["count"], r["met"], r["open"])
        for r in json.loads(out.read_text(encoding="utf-8"))
    )
    lib = sorted(
        ("" if pd.isna(r.assignment_group) else r.assignment_group, r.target, r.count, r.met,
         r.open)
        for r in table.itertuples()
    )  # fmt: skip
    assert cli == lib
    assert len({row[0] for row in cli}) > 3  # several groups hold the sample's tickets


def _as_events(expected: dict[str, list[dict]]) -> str:
    """A history's events as an event table with ISO 8601 instants."""
    rows = ["id,type,at,severity,status,group"]
    for number, events in expected.items():
        for e in events:
            cells = [e.get(k) or "" for k in ("severity", "status", "group")]
            rows.append(f"{number},{e['type']},{e['at'].isoformat()}," + ",".join(cells))
    return "\n".join(rows) + "\n"


def _as_changes(expected: dict[str, list[dict]]) -> tuple[str, str]:
    """A history as field changes, and its openings table."""
    changes, openings = ["id,at,field,from,to"], ["id,opened_at,status,severity,group"]
    for number, events in expected.items():
        first = events[0]
        state = {k: first.get(k) or "" for k in ("status", "severity", "group")}
        openings.append(f"{number},{first['at'].isoformat()}," + ",".join(state.values()))
        for e in events[1:]:
            for key in ("status", "severity", "group"):
                if key in e:
                    new = e[key] or ""
                    changes.append(f"{number},{e['at'].isoformat()},{key},{state[key]},{new}")
                    state[key] = new
    return "\n".join(changes) + "\n", "\n".join(openings) + "\n"


def _by_id(text: str) -> list[dict[str, str]]:
    """The rows of a CSV of results, sorted by incident."""
    return sorted(csv.DictReader(io.StringIO(text)), key=lambda r: r["id"])


def _without(text: str, column: str) -> str:
    """A CSV of results without one column."""
    return pd.read_csv(io.StringIO(text), dtype=str).drop(columns=[column]).to_csv(index=False)


@settings(max_examples=15, deadline=None)
@given(strategies.snapshot_histories(max_incidents=4, max_updates=5))
def test_one_history_in_three_shapes_gives_the_librarys_results(tmp_path_factory, case):
    """A random history as snapshots, events or changes: the CLI says what the library says.

    Snapshots and events of one history give the same rows.
    """
    rows, expected = case
    folder = tmp_path_factory.mktemp("shapes")
    snapshots = folder / "snapshots.csv"
    pd.DataFrame(rows).to_csv(snapshots, index=False)
    snap = evaluated(
        snapshots, "--shape", "snapshots", "-c", "id=number", "-c", "at=updated",
        "-c", "status=state", "-c", "severity=priority", "-c", "sequence=seq",
        "-c", "opened_at=opened", "--attributes", "group", "--time-format", "%d/%m/%Y %H:%M",
        "--tz", "America/Sao_Paulo", "--as-of", LATE,
    )  # fmt: skip
    log = EventLog.from_snapshots(
        pd.read_csv(snapshots), id="number", at="updated", status="state", severity="priority",
        sequence="seq", opened_at="opened", attributes=["group"],
        time_format="%d/%m/%Y %H:%M", timezone="America/Sao_Paulo",
    )  # fmt: skip
    assert snap == library_log(log, LATE)
    events = evaluated(
        write(folder / "events.csv", _as_events(expected)), "--shape", "events",
        "--attributes", "group", "--as-of", LATE,
    )  # fmt: skip
    # an event row cannot clear a field (an empty value is "not set"), a snapshot can: the
    # evaluations agree, and the group agrees unless the history cleared it
    cleared = any(e.get("group", "") is None for events_ in expected.values() for e in events_)
    if cleared:
        events, snap = (_without(table, "group") for table in (events, snap))
    assert _by_id(events) == _by_id(snap)
    changes, openings = _as_changes(expected)
    fields = {"status": "status", "severity": "severity", "group": "group"}
    changed = evaluated(
        write(folder / "changes.csv", changes), "--shape", "changes",
        *(f"--field={k}={v}" for k, v in fields.items()),
        "--openings", write(folder / "openings.csv", openings), "--as-of", LATE,
    )  # fmt: skip
    # a change table merges the changes of one instant: the library's reader, on its own
    log = EventLog.from_changes(
        pd.read_csv(folder / "changes.csv"), fields=fields,
        openings=pd.read_csv(folder / "openings.csv"), opened_at="opened_at",
    )  # fmt: skip
    assert changed == library_log(log, LATE)


def test_a_log_in_chunks_equals_one_call(monkeypatch):
    """A few incidents at a time (with the progress bar), the log gives the library's rows."""
    from escalate import _cli_tables as tables  # noqa: PLC0415

    monkeypatch.setattr(tables, "_CHUNK", 7)
    log = EventLog.from_snapshots(pd.read_csv(SERVICENOW), **DESK_OPTIONS)  # type: ignore[arg-type]
    as_of = datetime.fromisoformat(AS_OF)
    for progress in (True, False):
        chunked = tables.evaluate_table(log, POLICY, as_of=as_of, columns={}, progress=progress)
        assert library(chunked) == library_log(log)
    assert evaluated(SERVICENOW, *DESK_FLAGS, "--as-of", AS_OF) == library_log(log)
    # an incident none of whose rows can be read keeps its row, last, as in one call
    frame = pd.read_csv(SERVICENOW)
    frame.loc[frame["number"] == frame["number"].iloc[0], "sys_updated_at"] = "?"
    damaged = EventLog.from_snapshots(frame, **DESK_OPTIONS)  # type: ignore[arg-type]
    assert damaged.lost == (frame["number"].iloc[0],)
    chunked = tables.evaluate_table(damaged, POLICY, as_of=as_of, columns={}, progress=False)
    with pytest.warns(escalate.BadRowsWarning, match="none of this incident's rows"):
        expected = library_log(damaged)
    # the same rows; the error names the command line's --issues, not EventLog.issues
    assert library(chunked) == expected.replace("(EventLog.issues)", "(--issues FILE)")
    assert "(--issues FILE)" in chunked["error"].iloc[-1]
    assert chunked["id"].iloc[-1] == damaged.lost[0]
    assert len(chunked) == frame["number"].nunique()


# -- what the readers repaired or refused ----------------------------------------------

UNTIDY = """\
id,type,at,severity,status
A,opened,2016-03-01T09:00:00-03:00,2 - High,New
A,changed,2016-03-01T08:00:00-03:00,,Active
A,changed,?,,Resolved
A,changed,2016-03-01T16:00,,Resolved
B,changed,2016-03-01T09:00:00-03:00,,Active
"""


def test_the_issues_are_one_line_and_a_file(tmp_path: Path):
    """Repairs and refusals: one stderr line counting them by reason, every one in the file."""
    path = write(tmp_path / "untidy.csv", UNTIDY.replace("2016-03-01T16:00,", "13/45/2016,"))
    issues = tmp_path / "issues.csv"
    result = run(
        "evaluate", "--policy", DESK, path, "--shape", "events", "--as-of", AS_OF,
        "--issues", issues,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    line, bad = result.stderr.splitlines()
    # B's only row has no instant: B is lost by the reader, and keeps a row with an error
    assert "1 of 2 incidents could not be evaluated" in bad
    assert "id B: none of this incident's rows could be read" in bad
    assert line.startswith("escalate: warning: 4 issues reading untidy.csv (")
    assert "1 repaired: stamped before the opening; moved to it" in line
    assert "1 refused: no instant" in line
    assert line.endswith(f"; all in {issues}")
    table = pd.read_csv(issues, dtype=str, keep_default_na=False)
    assert list(table.columns) == ["id", "row", "column", "value", "action", "reason"]
    assert table["row"].tolist() == ["2", "3", "4", "5"]  # rows of the file, from 1
    moved = table.iloc[0]
    assert (moved["id"], moved["column"], moved["action"]) == ("A", "at", "repaired")
    assert moved["value"] == "2016-03-01T08:00:00-03:00"  # an instant, in the policy's zone
    assert (
        table.iloc[2]["reason"] == "is not a date-time in ISO 8601 (e.g. 2026-11-20T16:10:00-05:00)"
    )
    assert table.iloc[3]["reason"] == "the incident has no 'opened' event"
    library_issues = EventLog.from_events(pd.read_csv(path, dtype=str)).issues
    assert table["reason"].tolist() == [
        r.replace("timezone=", "--tz") for r in library_issues["reason"]
    ]
    assert [int(r) - 1 for r in table["row"]] == library_issues["row"].tolist()


def test_without_issues_file_the_line_names_the_flag(tmp_path: Path):
    """Without --issues the summary says how to list the rows; JSON issues files work too."""
    path = write(tmp_path / "untidy.csv", UNTIDY)
    result = run("evaluate", "--policy", DESK, path, "--shape", "events", "--as-of", AS_OF,
                 "--tz", "America/Sao_Paulo")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0].endswith("--issues FILE lists them")
    out = tmp_path / "issues.json"
    result = run("evaluate", "--policy", DESK, path, "--shape", "events", "--as-of", AS_OF,
                 "--tz", "America/Sao_Paulo", "--issues", out, "--before-opening", "refuse")  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert rows[0]["row"] == 2
    assert rows[0]["action"] == "refused"
    assert rows[0]["reason"] == "stamped before the opening"


def test_a_clean_history_says_nothing_and_writes_an_empty_issues_file(tmp_path: Path):
    """No repairs: no warning line; --issues still writes its header, and says so."""
    path = write(tmp_path / "events.csv", EVENTS)
    issues = tmp_path / "issues.csv"
    result = run("evaluate", "--policy", DESK, path, "--shape", "events", "--as-of", AS_OF)
    assert result.exit_code == 0
    assert not result.stderr
    result = run("evaluate", "--policy", DESK, path, "--shape", "events", "--as-of", AS_OF,
                 "--issues", issues)  # fmt: skip
    assert result.stderr == f"wrote 0 issues to {issues}\n"
    assert issues.read_text(encoding="utf-8").strip() == "id,row,column,value,action,reason"


def test_many_reasons_are_bounded_in_the_line(tmp_path: Path):
    """More than four reasons: the line names four and counts the others."""
    rows = [
        "Z,opened,2016-03-01T09:00:00-03:00,2 - High,New",
        "Z,opened,2016-03-01T09:30:00-03:00,2 - High,New",  # a second opening
        "Z,changed,2016-03-01T08:00:00-03:00,,Active",  # before the opening
        "Z,changed,?,,Active",  # no instant
        "Z,?,2016-03-01T10:00:00-03:00,,Active",  # no type
        "Y,changed,2016-03-01T10:00:00-03:00,,Active",  # no opening
        "X,opened,2016-03-01T10:00:00-03:00,,New",  # no severity
    ]
    path = write(tmp_path / "many.csv", "id,type,at,severity,status\n" + "\n".join(rows) + "\n")
    result = run("evaluate", "--policy", DESK, path, "--shape", "events", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    (line, bad) = result.stderr.splitlines()
    assert line.count(" | ") == 4
    assert "2 more reasons); --issues FILE lists them" in line
    # Y (no opening) is lost by the reader: a row of its own after X's, with an error
    assert "2 of 3 incidents could not be evaluated" in bad
    assert "id X: no severity at the opening" in bad


def test_a_missing_value_list_replaces_the_default(tmp_path: Path):
    """``--missing`` names the values that mean empty; '?' then is a value, and refused."""
    path = write(tmp_path / "events.csv", EVENTS.replace(",,Active\nA", ",,-\nA", 1))
    plain = run("evaluate", "--policy", DESK, path, "--shape", "events", "--as-of", AS_OF)
    assert "unknown status '-'" in plain.stderr
    result = run("evaluate", "--policy", DESK, path, "--shape", "events", "--as-of", AS_OF,
                 "--missing", "-")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "could not be evaluated" not in result.stderr
    log = EventLog.from_events(pd.read_csv(path, dtype=str), missing=["-"])
    assert result.stdout == library_log(log)


def test_order_time_sorts_snapshots_by_their_instants(tmp_path: Path):
    """``--order time`` sorts the updates by time instead of following the sequence."""
    text = SNAPSHOTS.replace(
        "01/03/2016 10:00;Active;2 - High;1", "01/03/2016 18:00;Active;2 - High;1"
    )
    path = write(tmp_path / "snapshots.csv", text)
    args = ["--shape", "snapshots", "-c", "id=number", "-c", "at=updated", "-c", "status=state"]
    args += ["-c", "severity=priority", "-c", "sequence=seq", "--time-format", "%d/%m/%Y %H:%M"]
    args += ["--tz", "America/Sao_Paulo", "--as-of", AS_OF]
    by_sequence = run("evaluate", "--policy", DESK, path, *args)
    by_time = run("evaluate", "--policy", DESK, path, *args, "--order", "time")
    assert "stamped before the previous update" in by_sequence.stderr
    assert not by_time.stderr
    assert figures(by_sequence.stdout) != figures(by_time.stdout)
    log = EventLog.from_snapshots(
        pd.read_csv(path, sep=";"), id="number", at="updated", status="state",
        severity="priority", sequence="seq", time_format="%d/%m/%Y %H:%M",
        timezone="America/Sao_Paulo", order="time",
    )  # fmt: skip
    assert by_time.stdout == library_log(log)


def test_an_absent_status_column_is_a_warning(tmp_path: Path):
    """A history without a status column, for a policy with statuses, is said once."""
    path = write(
        tmp_path / "events.csv",
        "id,type,at,severity\nA,opened,2016-03-01T09:00:00-03:00,2 - High\n",
    )
    result = run("evaluate", "--policy", DESK, path, "--shape", "events", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    (line,) = result.stderr.splitlines()
    assert "events.csv has no column 'status'" in line
    assert "-c status=YOUR_COLUMN" in line


def test_a_plan_column_is_read_when_the_policy_has_plans(tmp_path: Path):
    """A history's plan column gives each incident its plan, as a table of incidents does."""
    policy = write(
        tmp_path / "plans.toml",
        DESK.read_text(encoding="utf-8") + '\n[plans.gold]\nclock = "24x7"\n',
    )
    events = EVENTS.replace("severity,status\n", "severity,status,plan\n").replace(
        ",New\n", ",New,gold\n", 1
    )
    path = write(tmp_path / "events.csv", events.replace(",Active\n", ",Active,\n"))
    result = run("evaluate", "--policy", policy, path, "--shape", "events", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["plan"] for r in rows] == ["gold", ""]
    log = EventLog.from_events(pd.read_csv(path, dtype=str), attributes=["plan"])
    assert result.stdout == library(evaluate_frame(log, load_policy(policy), as_of=AS_OF))


def test_attributes_are_mapped_and_route_keys_read_by_default(tmp_path: Path):
    """A policy's route key is read when the history has it, or maps with -c key=COLUMN."""
    policy = tmp_path / "routes.toml"
    text = DESK.read_text(encoding="utf-8") + (
        '\n[[routes]]\nname = "network"\nwhen = { category = ["network"] }\n'
        '[[routes.tiers]]\nlevel = 1\nname = "NOC"\ntrigger = "open"\n'
    )
    write(policy, text)
    events = (
        "id,type,at,severity,status,cat\nA,opened,2016-03-01T09:00:00-03:00,2 - High,New,network\n"
    )
    path = write(tmp_path / "events.csv", events)
    args = ["evaluate", "--policy", policy, path, "--shape", "events", "--as-of", AS_OF]
    unmapped = run(*args)
    mapped = run(*args, "-c", "category=cat")
    assert unmapped.exit_code == mapped.exit_code == 0, mapped.output
    assert next(csv.DictReader(io.StringIO(unmapped.stdout)))["route"] == ""
    assert next(csv.DictReader(io.StringIO(mapped.stdout)))["route"] == "network"
    own = write(tmp_path / "own.csv", events.replace(",cat\n", ",category\n"))
    assert (
        run("evaluate", "--policy", policy, own, "--shape", "events", "--as-of", AS_OF).stdout
        == mapped.stdout
    )


# -- inputs that cannot be used: one line, before any work ------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--shape", "tickets"], "Invalid value for '--shape'"),
        (
            ["-c", "at=when"],
            "-c at=...: 'at' is a column of a history, not of a table of incidents; say what the file holds with --shape events or --shape snapshots or --shape changes",
        ),
        (["-c", "opened_at=created"], "with --shape snapshots"),
        (["--shape", "events", "--before-opening", "drop"], "Invalid value for '--before-opening'"),
        (["--shape", "snapshots", "--order", "random"], "Invalid value for '--order'"),
        (
            ["--shape", "events", "--order", "time"],
            "--order applies to --shape snapshots, not to --shape events",
        ),
        (["--shape", "events", "--pauses", SAAS], "--pauses applies to --shape incidents"),
        (["--shape", "snapshots", "--field", "a=status"], "--field applies to --shape changes"),
        (["--shape", "events", "--openings", SAAS], "--openings applies to --shape changes"),
        (
            ["--time-format", "%d/%m/%Y"],
            "--time-format applies to --shape events, snapshots or changes, not to --shape incidents",
        ),
        (["--missing", "?"], "--missing applies to --shape events"),
        (["--before-opening", "refuse"], "--before-opening applies to --shape events"),
        (["--issues", "x.csv"], "--issues applies to --shape events"),
        (
            ["--shape", "changes", "--attributes", "a"],
            "--attributes applies to --shape events or --shape snapshots",
        ),
        (["--shape", "changes"], "--shape changes needs the fields to follow: --field NAME=ROLE"),
        (["--shape", "changes", "--field", "status"], "--field: expected NAME=ROLE"),
        (
            ["--shape", "events", "--time-format", "dd/mm/yyyy"],
            "--time-format: 'dd/mm/yyyy' has no % directive",
        ),
        (
            ["--shape", "events", "--time-format", "%d/%Q"],
            "--time-format: '%d/%Q': 'Q' is a bad directive",
        ),
        (["--shape", "events", "--issues", "x.xlsx"], "cannot tell the output format of 'x.xlsx'"),
        (["--shape", "events", "--issues", "-"], "--issues: name a file"),
        (
            ["--shape", "events", "--attributes", " , "],
            "--attributes: expected a comma-separated list",
        ),
    ],
)
def test_bad_flags_are_one_line_before_reading(
    monkeypatch, tmp_path: Path, args: list, expected: str
):
    """Every flag that cannot be used fails in one line, before the history is read."""
    path = write(tmp_path / "events.csv", EVENTS)
    for reader in ("from_events", "from_snapshots", "from_changes"):
        monkeypatch.setattr(EventLog, reader, lambda *a, **k: pytest.fail("read"))
    monkeypatch.setattr(escalate, "evaluate_frame", lambda *a, **k: pytest.fail("evaluated"))
    line = one_line_error(run("evaluate", "--policy", DESK, path, *args, "--as-of", AS_OF))
    assert expected in line


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["-c", "opened=at"],
            "-c: unknown role 'opened' for --shape events; its roles are id, type, at",
        ),
        (
            ["-c", "sevrity=x"],
            "unknown role 'sevrity' for --shape events; did you mean 'severity'?",
        ),
        (["-c", "at=when"], "events.csv has no column 'when' (at); its columns are 'id', 'type'"),
        (["-c", "type=kind"], "no column 'kind' (type)"),
        (["--attributes", "team"], "events.csv has no column 'team' (team)"),
        (["-c", "sequence=sys_mod_count"], "no column 'sys_mod_count' (sequence)"),
        (["-c", "id=numbr"], "-c id=YOUR_COLUMN"),
    ],
)
def test_bad_columns_are_one_line(tmp_path: Path, args: list, expected: str):
    """A role not of the shape, or a column the history lacks, fails naming -c."""
    path = write(tmp_path / "events.csv", EVENTS)
    line = one_line_error(
        run("evaluate", "--policy", DESK, path, "--shape", "events", *args, "--as-of", AS_OF)
    )
    assert expected in line


def test_opening_columns_of_changes_need_the_openings_table(tmp_path: Path):
    """With --shape changes, -c severity=... names an --openings column: without one, an error."""
    path = write(tmp_path / "changes.csv", CHANGES)
    args = ["--shape", "changes", "-c", "id=key", "-c", "at=when", "-c", "field=item"]
    args += ["-c", "to=new", "--field", "Status=status", "-c", "severity=Priority"]
    line = one_line_error(run("evaluate", "--policy", DESK, path, *args, "--as-of", AS_OF))
    assert "-c severity=...: with --shape changes it names a column of the --openings" in line
    openings = write(tmp_path / "openings.csv", OPENINGS.replace("key,", "number,"))
    line = one_line_error(
        run("evaluate", "--policy", DESK, path, *args, "--openings", openings, "--as-of", AS_OF)
    )
    assert "openings.csv has no column 'key' (id)" in line


def _changes_args(tmp_path: Path, changes: str, openings: str) -> list[str | Path]:
    """The options reading CHANGES-like text with an OPENINGS-like table."""
    path = write(tmp_path / "changes.csv", changes)
    table = write(tmp_path / "openings.csv", openings)
    args: list[str | Path] = ["evaluate", "--policy", DESK, path, "--shape", "changes"]
    args += ["-c", "id=key", "-c", "at=when", "-c", "field=item", "-c", "to=new"]
    args += ["--field", "Status=status", "--openings", table]
    return [*args, "-c", "opened_at=created", "-c", "severity=Priority", "--as-of", AS_OF]


def test_zoneless_changes_need_tz(tmp_path: Path):
    """Changes without offsets (their openings with them) and no --tz: one line naming --tz."""
    args = _changes_args(tmp_path, CHANGES.replace("-03:00", ""), OPENINGS)
    line = one_line_error(run(*args))
    assert "column 'when' has instants without a UTC offset (id A: '2016-03-01T10:00:00')" in line
    assert figures(run(*args, "--tz", "America/Sao_Paulo").stdout) == HAND_CHECKED


def test_zoneless_openings_need_tz(tmp_path: Path):
    """An --openings table of instants without offsets, and no --tz: one line naming --tz."""
    args = _changes_args(tmp_path, CHANGES, OPENINGS.replace("-03:00", ""))
    line = one_line_error(run(*args))
    assert "column 'created' of openings.csv has instants without a UTC offset (id A:" in line


def test_a_history_without_a_required_column_names_the_flag(tmp_path: Path):
    """A snapshot table without a severity column fails naming -c severity=..."""
    path = write(tmp_path / "s.csv", "id,at,status\nA,2016-03-01T09:00:00-03:00,New\n")
    line = one_line_error(run("evaluate", "--policy", DESK, path, "--shape", "snapshots",
                              "--as-of", AS_OF))  # fmt: skip
    assert "s.csv has no column 'severity' (severity)" in line
    assert "map yours with -c severity=YOUR_COLUMN" in line


def _zoneless_csv(path: Path) -> Path:
    """The events with their offsets removed, as CSV text."""
    return write(path.with_suffix(".csv"), EVENTS.replace("-03:00", ""))


def _zoneless_parquet(path: Path) -> Path:
    """The events with their offsets removed, as naive Parquet datetimes."""
    frame = pd.read_csv(io.StringIO(EVENTS.replace("-03:00", "")))
    frame["at"] = pd.to_datetime(frame["at"])
    frame.to_parquet(path.with_suffix(".parquet"))
    return path.with_suffix(".parquet")


@pytest.mark.parametrize(
    ("writer", "expected"),
    [
        (_zoneless_csv, "instants without a UTC offset (id A: '2016-03-01T09:00:00'); pass --tz"),
        (
            _zoneless_parquet,
            "column 'at' holds datetimes without a UTC offset; pass --tz America/Sao_Paulo",
        ),
    ],
)
def test_zoneless_instants_need_tz(tmp_path: Path, writer, expected: str):
    """History instants without an offset (text or Parquet) and no --tz: one line naming --tz."""
    path = writer(tmp_path / "events")
    line = one_line_error(run("evaluate", "--policy", DESK, path, "--shape", "events",
                              "--as-of", AS_OF))  # fmt: skip
    assert expected in line
    assert "timezone=" not in line
    good = evaluated(path, "--shape", "events", "--tz", "America/Sao_Paulo", "--as-of", AS_OF)
    assert figures(good) == HAND_CHECKED


def test_a_history_nothing_can_be_read_from_is_an_error(tmp_path: Path):
    """When every row is refused the command fails, naming the first reason."""
    path = write(tmp_path / "events.csv", EVENTS.replace("2016-03-0", "2016/13/0"))
    line = one_line_error(run("evaluate", "--policy", DESK, path, "--shape", "events",
                              "--as-of", AS_OF))  # fmt: skip
    assert "none of the 7 rows of events.csv could be read as an incident" in line
    assert "(first: row 1, column 'at': is not a date-time in ISO 8601" in line


def test_report_checks_by_against_a_log_before_reading(monkeypatch, tmp_path: Path):
    """``report --by`` a column a log's results lack fails before reading; a header-only log too."""
    path = write(tmp_path / "events.csv", EVENTS)
    monkeypatch.setattr(EventLog, "from_events", lambda *a, **k: pytest.fail("read"))
    line = one_line_error(run("report", "--policy", DESK, path, "--shape", "events",
                              "--by", "team", "--as-of", AS_OF))  # fmt: skip
    assert "--by: no column 'team'; the columns are id, opened and month" in line
    monkeypatch.undo()
    empty = write(tmp_path / "empty.csv", "id,type,at,severity,status\n")
    line = one_line_error(run("report", "--policy", DESK, empty, "--shape", "events",
                              "--as-of", AS_OF))  # fmt: skip
    assert "empty.csv has no incidents, only a header" in line
    assert evaluated(empty, "--shape", "events", "--as-of", AS_OF).startswith("id,opened,")


# -- compressed files ----------------------------------------------------------------


def test_a_zip_of_one_csv_is_read_and_of_two_is_refused(tmp_path: Path):
    """A zip holding one CSV is read as that CSV (ServiceNow's export); two files are refused."""
    one = tmp_path / "log.zip"
    with zipfile.ZipFile(one, "w") as archive:
        archive.writestr("events.csv", EVENTS)
    assert figures(evaluated(one, "--shape", "events", "--as-of", AS_OF)) == HAND_CHECKED
    two = tmp_path / "two.zip"
    with zipfile.ZipFile(two, "w") as archive:
        archive.writestr("a.csv", EVENTS)
        archive.writestr("b.csv", EVENTS)
    line = one_line_error(run("evaluate", "--policy", DESK, two, "--shape", "events",
                              "--as-of", AS_OF))  # fmt: skip
    assert "two.zip holds 2 files; a zip of a table must hold exactly one CSV file" in line
    broken = write(tmp_path / "broken.csv.gz", "not gzip")
    line = one_line_error(run("evaluate", "--policy", DESK, broken, "--as-of", AS_OF))
    assert "broken.csv.gz cannot be decompressed" in line
    other = write(tmp_path / "events.json.gz", "")
    assert "use .csv, .json or .parquet" in one_line_error(
        run("evaluate", "--policy", DESK, other, "--as-of", AS_OF)
    )


# -- pauses of a table of incidents ---------------------------------------------------

INCIDENTS = """\
id,opened,responded,resolved,severity
P-1,2026-11-18T08:00:00-05:00,2026-11-18T08:30:00-05:00,2026-11-19T12:00:00-05:00,alta
P-2,2026-11-18T09:00:00-05:00,2026-11-18T09:10:00-05:00,,normal
"""
PAUSES = """\
id,start,end
P-1,2026-11-18T10:00:00-05:00,2026-11-18T12:00:00-05:00
P-2,2026-11-18T14:00:00-05:00,
P-9,2026-11-18T14:00:00-05:00,2026-11-18T15:00:00-05:00
"""


def test_pauses_change_a_wide_table_as_in_the_library(tmp_path: Path):
    """--pauses takes paused hours off the resolution, as evaluate_frame(pauses=...) does."""
    incidents = write(tmp_path / "incidents.csv", INCIDENTS)
    pauses = write(tmp_path / "pauses.csv", PAUSES)
    as_of = "2026-11-20T12:00:00-05:00"
    plain = run("evaluate", "--policy", SAAS, incidents, "--as-of", as_of)
    paused = run("evaluate", "--policy", SAAS, incidents, "--as-of", as_of, "--pauses", pauses)
    assert paused.exit_code == 0, paused.output
    before = {r["id"]: r for r in csv.DictReader(io.StringIO(plain.stdout))}
    after = {r["id"]: r for r in csv.DictReader(io.StringIO(paused.stdout))}
    gained = int(before["P-1"]["resolution_elapsed_seconds"])
    assert gained - int(after["P-1"]["resolution_elapsed_seconds"]) == 2 * 3600
    assert after["P-2"]["resolution_status"] == "paused"
    warnings = [line for line in paused.stderr.splitlines() if "pause" in line]
    (warning,) = warnings
    assert warning == (
        "escalate: warning: 1 of 3 pauses in pauses.csv name no incident "
        "(first, row 3: id P-9); they are not used"
    )
    policy = load_policy(SAAS)
    table = pd.read_csv(incidents)
    for column in ("opened", "responded", "resolved"):
        table[column] = pd.to_datetime(table[column], utc=True)
    spans = pd.read_csv(pauses)
    for column in ("start", "end"):
        spans[column] = pd.to_datetime(spans[column], utc=True)
    with pytest.warns(escalate.MissingColumnsWarning):
        expected = evaluate_frame(table, policy, as_of=as_of, pauses=spans)
    assert paused.stdout == library(expected, policy)


def test_pause_ids_match_json_incidents_as_text(tmp_path: Path):
    """A CSV of pauses fits a JSON table whose ids are numbers."""
    rows = [{"id": 7, "opened": "2026-11-18T08:00:00-05:00", "severity": "alta"}]
    incidents = write(tmp_path / "incidents.json", json.dumps(rows))
    pauses = write(tmp_path / "pauses.csv", "id,start,end\n7,2026-11-18T09:00:00-05:00,\n")
    result = run("evaluate", "--policy", SAAS, incidents, "--pauses", pauses,
                 "--as-of", "2026-11-18T12:00:00-05:00")  # fmt: skip
    assert result.exit_code == 0, result.output
    row = next(csv.DictReader(io.StringIO(result.stdout)))
    assert row["resolution_status"] == "paused"
    assert row["resolution_elapsed_seconds"] == "3600"


@pytest.mark.parametrize(
    ("incidents", "pauses", "expected"),
    [
        (INCIDENTS, "id,begin,end\n", "pauses.csv has no column 'start'; a table of pauses has"),
        (INCIDENTS.replace("id,", "key,"), PAUSES, "--pauses needs the incidents' id column"),
        (
            INCIDENTS,
            "id,start,end\nP-1,2026-11-18T10:00:00,\n",
            "column 'start' has instants without a UTC offset (id P-1",
        ),
    ],
)
def test_bad_pause_tables_are_one_line(tmp_path: Path, incidents: str, pauses: str, expected: str):
    """A pause table without its columns, or with zoneless instants, fails in one line."""
    line = one_line_error(
        run("evaluate", "--policy", SAAS, write(tmp_path / "incidents.csv", incidents),
            "--pauses", write(tmp_path / "pauses.csv", pauses), "--as-of", "now")
    )  # fmt: skip
    assert expected in line


def test_a_bad_pause_row_is_named_by_its_row_from_one(tmp_path: Path):
    """The pause file's second data row is row 2 in the error, as in every row count here."""
    pauses = (
        "id,start,end\nP-1,2026-11-18T10:00:00-05:00,2026-11-18T11:00:00-05:00\n"
        "P-2,2026-11-18T10:00:00-05:00,2026-11-18T09:00:00-05:00\n"
    )
    result = run("evaluate", "--policy", SAAS, write(tmp_path / "incidents.csv", INCIDENTS),
                 "--pauses", write(tmp_path / "pauses.csv", pauses),
                 "--as-of", "2026-11-20T12:00:00-05:00")  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert rows["P-2"]["error"] == (
        "pause table row 2: end '2026-11-18T09:00:00-05:00' is before the pause's start; "
        "swap them or mend the end"
    )
    assert rows["P-1"]["error"] == ""


def test_report_takes_pauses_too(tmp_path: Path):
    """``report --pauses`` counts the paused incident as open, not breached."""
    incidents = write(tmp_path / "incidents.csv", INCIDENTS)
    pauses = write(tmp_path / "pauses.csv", "id,start,end\nP-2,2026-11-18T09:30:00-05:00,\n")
    args = [
        "report",
        "--policy",
        SAAS,
        incidents,
        "--targets",
        "resolution",
        "--as-of",
        "2026-12-01T00:00-05:00",
    ]
    plain, paused = (
        run(*args, "-o", tmp_path / "a.json"),
        run(*args, "--pauses", pauses, "-o", tmp_path / "b.json"),
    )
    assert plain.exit_code == paused.exit_code == 0, paused.output
    normal = {
        r["severity"]: r for r in json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    }
    held = {r["severity"]: r for r in json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))}
    assert (normal["normal"]["breached"], normal["normal"]["open"]) == (1, 0)
    assert (held["normal"]["breached"], held["normal"]["open"]) == (0, 1)


# -- the how-to's shell examples run as written ---------------------------------------------


def _console_commands(page: str) -> list[tuple[str, list[str]]]:
    """The ``$ escalate ...`` commands of the page's console blocks, with the lines shown."""
    found = []
    for block in re.findall(r"```console\n(.*?)```", page, flags=re.DOTALL):
        lines = block.replace("\\\n", " ").splitlines()
        for i, line in enumerate(lines):
            if line.startswith("$ escalate "):
                shown = []
                for after in lines[i + 1 :]:
                    if after.startswith("$ "):
                        break
                    shown.append(after)
                found.append((line[2:], shown))
    return found


@pytest.mark.parametrize(
    ("command", "shown"),
    _console_commands(DOC.read_text(encoding="utf-8")),
    ids=lambda c: str(c)[:60],
)
def test_the_pages_shell_commands_run_as_written(
    monkeypatch, tmp_path: Path, command: str, shown: list[str]
):
    """Each ``$ escalate`` line of the CLI how-to runs from a clone, printing what it shows."""
    for name in ("examples", "src", "tests"):
        (tmp_path / name).symlink_to(ROOT / name)
    monkeypatch.chdir(tmp_path)
    result = run(*shlex.split(command)[1:])
    assert result.exit_code == 0, result.output
    if shown:
        assert (result.stderr + result.stdout).splitlines() == shown


def test_results_of_a_log_name_their_incidents_by_id():
    """With -c id=number the results still say 'id' and 'opened', as the library's do."""
    first = next(csv.DictReader(io.StringIO(evaluated(SERVICENOW, *DESK_FLAGS, "--as-of", LATE))))
    assert first["id"] == "INC0000073"
    assert first["opened"] == "2016-02-29T08:22:00-03:00"  # opened_at, read by default


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["--shape", "events"], "such as id,type,at,severity"),
        (["--shape", "snapshots"], "such as id,at,severity"),
        (["--shape", "changes", "--field", "status=status"], "such as id,at,field,to"),
    ],
)
def test_an_empty_history_file_shows_the_header_of_its_shape(
    tmp_path: Path, options: list[str], expected: str
):
    """An empty history names the columns of the shape asked for, not those of incidents."""
    path = write(tmp_path / "empty.csv", "")
    line = one_line_error(run("evaluate", "--policy", DESK, path, *options, "--as-of", AS_OF))
    assert "empty.csv is empty; a CSV table starts with a header line naming its columns" in line
    assert f"{expected} (see 'escalate evaluate --help')" in line, line
    assert "opened,responded" not in line


def test_an_empty_pauses_file_shows_the_header_of_pauses(tmp_path: Path):
    """An empty --pauses file names a pause table's columns."""
    incidents = write(tmp_path / "incidents.csv", INCIDENTS)
    pauses = write(tmp_path / "pauses.csv", "")
    result = run("evaluate", "--policy", SAAS, incidents, "--as-of", AS_OF, "--pauses", pauses)
    assert (
        "pauses.csv is empty; a CSV table starts with a header line naming its columns, "
        "here such as id,start,end (see"
    ) in one_line_error(result)
