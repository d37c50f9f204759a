"""The ``escalate`` command line, driven through click's test runner."""

from __future__ import annotations

import gzip
import importlib.util
import io
import json
import subprocess
import sys
import warnings
from datetime import timedelta
from pathlib import Path

import pytest

pytest.importorskip("click", reason="the command line needs the 'cli' extra")
pytest.importorskip("rich", reason="the command line needs the 'cli' extra")

import pandas as pd
from click.testing import CliRunner, Result

import escalate
from escalate.cli import app

ROOT = Path(__file__).parent.parent
POLICIES = ROOT / "examples" / "policies"
SAAS = POLICIES / "seed_003_saas.toml"
TELECOM = POLICIES / "seed_004_telecom.toml"
SAMPLE = ROOT / "src" / "escalate" / "_data" / "sample_incidents.csv"
HOUR = timedelta(hours=1)
COMMANDS = ["demo", "validate", "deadline", "evaluate", "report", "schema", "availability"]


def run(*args: str | Path) -> Result:
    """Invoke the command line with ``args`` and return click's result."""
    return CliRunner().invoke(app, [str(a) for a in args])


def one_line_error(result: Result) -> str:
    """Check that the command failed with status 2 and one line on stderr; return it."""
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("escalate: error: ")
    assert "Traceback" not in result.output
    return lines[0]


# -- the whole program ----------------------------------------------------------------


def test_version_prints_the_package_version():
    """``escalate --version`` prints the installed version and exits 0."""
    result = run("--version")
    assert result.exit_code == 0
    assert escalate.__version__ in result.stdout


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_every_help_shows_an_example(command: str | None):
    """``--help`` on the group and on every command shows an example invocation."""
    result = run(*([command] if command else []), "--help")
    assert result.exit_code == 0
    assert "Example:" in result.stdout
    assert f"escalate {command or ''}".strip() in result.stdout.split("Example:")[1]


def test_unknown_command_is_one_line_with_status_2():
    """A misspelt command is a usage error: one line naming the help to read."""
    line = one_line_error(run("deadlin"))
    assert "No such command 'deadlin'" in line
    assert "escalate --help" in line


def test_missing_option_is_one_line_with_status_2():
    """A missing required option is one line on stderr with status 2."""
    line = one_line_error(run("deadline", "--policy", SAAS, "--severity", "alta"))
    assert "--opened" in line
    assert "escalate deadline --help" in line


def test_debug_shows_the_exception_instead():
    """With ``--debug`` the error propagates (a traceback) instead of one line."""
    result = run("--debug", "validate", ROOT / "no_such_policy.toml")
    assert result.exit_code != 0
    assert result.exception is not None
    assert "escalate: error:" not in result.stderr


def test_debug_is_accepted_after_the_command_too():
    """``--debug`` may also follow the command's name."""
    result = run("schema", "--debug")
    assert result.exit_code == 0


def test_import_escalate_does_not_import_the_cli_libraries():
    """``import escalate`` loads neither click nor rich nor pandas."""
    code = (
        "import sys, escalate; print([m for m in ('click', 'rich', 'pandas') if m in sys.modules])"
    )
    out = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_missing_click_says_how_to_install_the_extra(monkeypatch, capsys):
    """Without click, ``python -m escalate`` prints one line naming the ``cli`` extra."""
    import escalate.__main__ as entry  # noqa: PLC0415 - imported where click is blocked

    monkeypatch.setitem(sys.modules, "click", None)
    monkeypatch.delitem(sys.modules, "escalate.cli")
    with pytest.raises(SystemExit) as exit_info:
        entry.main()
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "pip install 'escalate-sla[cli]'" in err


def test_python_dash_m_runs_the_command_line():
    """``python -m escalate --version`` works in a fresh interpreter."""
    out = subprocess.run(
        [sys.executable, "-m", "escalate", "--version"], capture_output=True, text=True, check=True
    )
    assert escalate.__version__ in out.stdout


# -- validate -------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(POLICIES.glob("*.toml")), ids=lambda p: p.stem)
def test_validate_summarises_every_example_policy(path: Path):
    """Every example policy validates with status 0 and a summary of its parts."""
    result = run("validate", path)
    assert result.exit_code == 0, result.output
    for heading in ("valid policy", "Clocks", "Severities and goals", "Escalation tiers"):
        assert heading in result.stdout


def test_validate_summary_shows_goals_and_contacts():
    """The summary of seed 003 shows its goals, its clock's zone and a tier contact."""
    out = run("validate", SAAS).stdout
    assert "America/Bogota" in out
    assert "mon-fri 07:30-12:30, 13:30-17:00" in out
    assert "alta" in out
    assert "8h" in out
    assert "billing@example.com" in out


def test_validate_prints_the_policys_warnings(tmp_path: Path):
    """What policy_warnings finds is printed at its key path; the policy is still valid (0)."""
    path = tmp_path / "held.toml"
    path.write_text(
        'clock = "24x7"\n[severities.alta]\nresponse = "1h"\nresolution = "8h"\n'
        '[[tiers]]\nlevel = 1\nname = "Desk"\ntrigger = "open"\n'
        '[[tiers]]\nlevel = 2\nname = "Lead"\ntrigger = "manual"\n'
        '[[tiers]]\nlevel = 3\nname = "Director"\ntrigger = { breach = "resolution" }\n',
        encoding="utf-8",
    )
    result = run("validate", path)
    assert result.exit_code == 0, result.output
    expected = [
        f"warning: {path}: {p}" for p in escalate.policy_warnings(escalate.load_policy(path))
    ]
    assert len(expected) == 1
    assert [line for line in result.stdout.splitlines() if line.startswith("warning:")] == expected
    assert "tiers[1].trigger" in expected[0]
    assert result.stderr.strip() == f"{path}: 1 warning"
    clean = run("validate", SAAS)
    assert "warning" not in clean.stdout + clean.stderr


def test_validate_lists_every_problem_with_its_key_path(tmp_path: Path):
    """A policy with three mistakes gets three lines, each with its key path, and status 1."""
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'clock = "ofice"\n'
        "[severities.alta]\n"
        'response = "2h"\n'
        'resolution = "-1h"\n'
        "[[tiers]]\n"
        "level = 1\n"
        'name = "Desk"\n'
        'trigger = { percent = 50, of = "respons" }\n',
        encoding="utf-8",
    )
    result = run("validate", bad)
    assert result.exit_code == 1
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 3
    assert lines[0].endswith("clock: unknown calendar 'ofice'; did you mean 'office'?") or (
        "clock: unknown calendar 'ofice'" in lines[0]
    )
    assert "severities.alta.resolution: a goal must be positive" in lines[1]
    assert "tiers[0].trigger.of: unknown target 'respons'; did you mean 'response'?" in lines[2]
    assert "3 problems found" in result.stderr


def test_validate_gives_the_line_of_a_syntax_error(tmp_path: Path):
    """A TOML syntax error is reported as ``file:line:column:`` with status 1."""
    bad = tmp_path / "broken.toml"
    bad.write_text('name = "x"\n[severities\n', encoding="utf-8")
    result = run("validate", bad)
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{bad}:2:12: ")


def test_validate_a_missing_file_is_a_usage_error(tmp_path: Path):
    """A policy path that does not exist is one line with status 2."""
    line = one_line_error(run("validate", tmp_path / "nope.toml"))
    assert "nope.toml" in line


def test_validate_an_unknown_extension_is_a_problem(tmp_path: Path):
    """A file whose format cannot be told from its extension is a problem (status 1)."""
    odd = tmp_path / "policy.ini"
    odd.write_text("x = 1\n", encoding="utf-8")
    result = run("validate", odd)
    assert result.exit_code == 1
    assert "cannot tell the format" in result.stdout


# -- deadline -------------------------------------------------------------------------


def test_deadline_json_parses_and_has_the_hand_checked_deadlines():
    """A Friday 16:10 alta incident is due Tuesday 08:40 (Monday 16 is a holiday)."""
    result = run(
        "deadline", "--policy", SAAS, "--severity", "alta",
        "--opened", "2026-11-13T16:10-05:00", "-a", "category=billing", "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["targets"]["response"]["due_at"] == "2026-11-17T08:40:00-05:00"
    assert data["targets"]["resolution"]["due_at"] == "2026-11-17T15:40:00-05:00"
    assert data["route"] == "billing"
    assert data["tier"]["name"] == "Support desk"
    assert [(s["level"], s["name"], s["reason"]) for s in data["schedule"]] == [
        (1, "Support desk", "opened"),
        (2, "Billing", None),
    ]


def test_deadline_table_shows_targets_and_schedule():
    """Without ``--json`` the deadline prints the targets and the escalation schedule."""
    result = run(
        "deadline", "--policy", SAAS, "-s", "normal", "-t", "2026-11-18T10:30-05:00",
        "--explain",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Targets" in result.stdout
    assert "Escalation schedule" in result.stdout
    assert "Wed 2026-11-18 15:30 -0500" in result.stdout  # 10:30 + 4 h across lunch
    assert "Explanation:" in result.stdout


def test_deadline_naive_instant_needs_a_zone():
    """An opening without an offset is rejected with the fix, unless ``--tz`` is given."""
    args = ["deadline", "--policy", SAAS, "-s", "alta", "-t", "2026-11-13T16:10"]
    assert "--tz America/Bogota" in one_line_error(run(*args))
    result = run(*args, "--tz", "America/Bogota", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["as_of"] == "2026-11-13T16:10:00-05:00"


def test_deadline_as_of_later_shows_a_breach():
    """Evaluated as of Wednesday noon, the alta response opened Friday 16:10 is breached."""
    result = run(
        "deadline", "--policy", SAAS, "-s", "alta", "-t", "2026-11-13T16:10-05:00",
        "--as-of", "2026-11-18T12:00-05:00", "--json",
    )  # fmt: skip
    assert json.loads(result.stdout)["targets"]["response"]["status"] == "breached"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["-s", "alt", "-t", "2026-11-13T16:10-05:00"], "--severity: unknown severity 'alt'"),
        (["-s", "alta", "-t", "yesterday"], "--opened: 'yesterday' is not an ISO 8601 instant"),
        (["-s", "alta", "-t", "2026-11-13T16:10", "--tz", "Mars/Olympus"], "unknown time zone"),
        (["-s", "alta", "-t", "2026-11-13T16:10-05:00", "-a", "category"], "expected KEY=VALUE"),
        (["-s", "alta", "-t", "2026-11-13T16:10-05:00", "--plan", "gold"], "unknown plan 'gold'"),
        (["-s", "alta", "-t", "2026-11-13T16:10-05:00", "-a", "severity=baja"], "is --severity"),
        (["-s", "alta", "-t", "2026-11-13T16:10-05:00", "-a", "at=2026-01-01"], "is --opened"),
        (["-s", "alta", "-t", "2026-11-13T16:10-05:00", "-a", "type=Bug"], "'type' is the kind"),
        (["-s", "", "-t", "2026-11-13T16:10-05:00"], "--severity: unknown severity ''"),
        (["-s", "alta", "-t", "2500-11-13T16:10-05:00"], "--opened: '2500-11-13T16:10-05:00' is "),
        (
            ["-s", "alta", "-t", "2026-11-13T16:10-05:00", "--as-of", "2500-01-01T00:00Z"],
            "--as-of: '2500-01-01T00:00Z' is beyond the supported years",
        ),
        (
            ["-s", "alta", "-t", "2026-11-13T16:10-05:00", "--as-of", "2026-11-01T00:00-05:00"],
            "--as-of 2026-11-01T00:00-05:00 is before --opened",
        ),
    ],
)
def test_deadline_bad_input_is_one_line(args: list[str], expected: str):
    """Every bad deadline argument is one clear line on stderr with status 2."""
    assert expected in one_line_error(run("deadline", "--policy", SAAS, *args))


def test_deadline_suggests_a_misspelt_severity():
    """An unknown severity comes with a "did you mean"."""
    line = one_line_error(
        run("deadline", "--policy", SAAS, "-s", "alt", "-t", "2026-11-13T16:10-05:00")
    )
    assert "did you mean 'alta'?" in line


def test_deadline_as_of_now_is_accepted():
    """``--as-of now`` evaluates at the system clock's instant."""
    result = run(
        "deadline", "--policy", SAAS, "-s", "baja", "-t", "2026-01-05T08:00-05:00",
        "--as-of", "now", "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["targets"]["resolution"]["status"] == "breached"


def test_deadline_with_a_plan():
    """Seed 002's premium plan runs on 24x7, which the JSON output names as the clock."""
    policy = POLICIES / "seed_002_hosting.toml"
    names = escalate.load_policy(policy)
    plan = names.plans[0].name
    severity = names.severity_names[0]
    result = run(
        "deadline", "--policy", policy, "-s", severity, "--plan", plan,
        "-t", "2026-11-14T09:00-05:00", "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["plan"] == plan


# -- schema ---------------------------------------------------------------------------


def test_schema_prints_the_policy_json_schema():
    """``escalate schema`` prints exactly ``policy_schema()`` as JSON."""
    result = run("schema")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == escalate.policy_schema()


# -- availability ---------------------------------------------------------------------

OUTAGES_CSV = """\
id,start,end,kind,planned,notified_at,external,description
INC-301,2026-11-04T08:00-06:00,2026-11-04T13:00-06:00,major,,,true,fibre cut
INC-302,2026-11-10T10:00-06:00,2026-11-10T11:30-06:00,major,,,,router
INC-303,2026-11-10T11:00-06:00,2026-11-10T12:00-06:00,minor,,,,
CHG-88,2026-11-10T01:00-06:00,2026-11-10T03:00-06:00,minor,yes,2026-11-02T10:00-06:00,,
CHG-91,2026-11-25T02:00-06:00,2026-11-25T02:30-06:00,minor,true,2026-11-20T09:00-06:00,,
"""


@pytest.fixture
def outages(tmp_path: Path) -> Path:
    """The outages of examples/availability.py as a CSV file."""
    path = tmp_path / "outages.csv"
    path.write_text(OUTAGES_CSV, encoding="utf-8")
    return path


def test_availability_matches_the_example_figures(outages: Path):
    """November's figures match examples/availability.py: 2h30m down of 3h36m allowed."""
    result = run(
        "availability", "--policy", TELECOM, outages, "--period", "2026-11",
        "--tz", "America/Mexico_City", "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["met"] is True
    assert round(data["availability"], 5) == 99.65278
    assert data["period"]["start"] == "2026-11-01T00:00:00-06:00"


def test_availability_text_and_default_period(outages: Path):
    """Without ``--period`` the month of the first outage is measured and explained."""
    result = run("availability", "--policy", TELECOM, outages)
    assert result.exit_code == 0, result.output
    assert "objective 99.5%: met" in result.stdout
    assert "INC-301" in result.stdout


@pytest.mark.parametrize(
    ("name", "encode"),
    [
        ("bom-crlf.csv", lambda text: b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode()),
        ("semicolons.csv", lambda text: text.replace(",", ";").encode()),
        ("tabs.csv", lambda text: text.replace(",", "\t").encode()),
        ("packed.csv.gz", lambda text: gzip.compress(text.encode())),
    ],
)
def test_availability_reads_outages_as_every_table_is_read(tmp_path: Path, name: str, encode):
    """A byte-order mark, Windows lines, semicolons, tabs or gzip give the same figures."""
    plain = tmp_path / "outages.csv"
    plain.write_text(OUTAGES_CSV, encoding="utf-8")
    other = tmp_path / name
    other.write_bytes(encode(OUTAGES_CSV))
    args = ["--policy", TELECOM, "--tz", "America/Mexico_City", "--json"]
    want = run("availability", *args, plain)
    got = run("availability", *args, other)
    assert got.exit_code == 0, got.output
    assert json.loads(got.stdout) == json.loads(want.stdout)


def test_availability_stops_on_a_line_with_more_fields_than_the_header(tmp_path: Path):
    """An extra value (a separator without quotes) is not dropped without a word."""
    path = tmp_path / "outages.csv"
    path.write_text("id,start,end\nA,2026-11-04T08:00-06:00,2026-11-04T13:00-06:00,x\n")
    line = one_line_error(run("availability", "--policy", TELECOM, path))
    assert "outages.csv: line 2 has more fields than the header's 3" in line


def test_availability_as_of_projects_a_breach(outages: Path):
    """As of 10 November noon the report is partial and names a projected breach."""
    result = run(
        "availability", "--policy", TELECOM, outages, "--as-of", "2026-11-10T12:00-06:00",
        "--tz", "America/Mexico_City", "--json",
    )  # fmt: skip
    data = json.loads(result.stdout)
    assert data["complete"] is False
    assert data["projected_breach_at"] == "2026-11-18T02:24:00-06:00"


def test_availability_bad_row_names_the_outage(tmp_path: Path):
    """An unknown column is reported with the outage's index and the key."""
    bad = tmp_path / "bad.csv"
    bad.write_text("start,bogus\n2026-11-04T08:00-06:00,x\n", encoding="utf-8")
    line = one_line_error(run("availability", "--policy", TELECOM, bad))
    assert "bad.csv row 1, bogus: unknown key 'bogus'" in line


@pytest.mark.parametrize(
    ("content", "name", "args", "expected"),
    [
        ("start\n", "empty.csv", [], "nothing to measure"),
        ("start,planned\n2026-11-04T08:00-06:00,maybe\n", "o.csv", [], "expected true or false"),
        ("[1,", "o.json", [], "not valid JSON at line 1"),
        ('{"start": 1}', "o.json", [], "expected a JSON list"),
        ("x", "o.txt", [], "use .csv or .json"),
        ("start\n2026-11-04T08:00-06:00\n", "o.csv", ["--period", "2026-13"], "expected YYYY-MM"),
    ],
)
def test_availability_bad_input_is_one_line(
    tmp_path: Path, content: str, name: str, args: list[str], expected: str
):
    """Malformed outage files and periods are one line with status 2."""
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert expected in one_line_error(run("availability", "--policy", TELECOM, path, *args))


def test_availability_reads_json(tmp_path: Path):
    """Outages may be a JSON list of objects, as ``Outage.to_dict`` writes them."""
    path = tmp_path / "o.json"
    path.write_text(
        json.dumps([{"start": "2026-11-03T10:00Z", "end": "2026-11-03T12:00Z"}]), encoding="utf-8"
    )
    result = run("availability", "--policy", TELECOM, path, "--json")
    assert json.loads(result.stdout)["downtime_seconds"] == 7200


def test_availability_needs_an_objective(outages: Path):
    """A policy without [availability] is a one-line error."""
    assert "no [availability] objective" in one_line_error(
        run("availability", "--policy", SAAS, outages)
    )


# -- the bundled data -----------------------------------------------------------------


def test_bundled_policy_is_the_seed_003_example():
    """The demo's bundled policy is byte-for-byte the example policy of seed 003."""
    bundled = ROOT / "src" / "escalate" / "_data" / "seed_003_saas.toml"
    assert bundled.read_bytes() == SAAS.read_bytes()


def test_bundled_sample_is_reproducible():
    """The sample incidents are what tools/make_sample_incidents.py generates."""
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import make_sample_incidents  # noqa: PLC0415 - from tools/, on a temporary path
    finally:
        sys.path.remove(str(ROOT / "tools"))
    rows = make_sample_incidents.rows()
    assert len(rows) == 200
    text = SAMPLE.read_text(encoding="utf-8").splitlines()
    assert text[0] == ",".join(rows[0])
    assert text[1:] == [",".join(row.values()) for row in rows]


# -- evaluate, report, demo (the vectorised path) -------------------------------------


def test_demo_shows_an_incident_and_a_compliance_table():
    """``escalate demo`` needs no arguments and prints deadlines, schedule and compliance."""
    result = run("demo")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Tue 2026-11-17 08:40 -0500" in out
    assert "Escalation schedule" in out
    assert "Explanation:" in out
    assert "Compliance of 200 sample incidents" in out
    for severity in ("alta", "normal", "baja"):
        assert severity in out.split("Compliance of")[1]


def test_evaluate_writes_csv_to_stdout():
    """Without ``-o`` the results are CSV on stdout, one row per input row."""
    result = run("evaluate", "--policy", SAAS, SAMPLE, "--as-of", "2026-12-01T00:00-05:00")
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 201
    header = lines[0].split(",")
    assert {"id", "team", "error", "response_status", "resolution_due_at"} <= set(header)


@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_evaluate_output_format_follows_the_extension(tmp_path: Path, suffix: str):
    """``-o`` picks the output format from its extension."""
    out = tmp_path / f"results{suffix}"
    result = run(
        "evaluate", "--policy", SAAS, SAMPLE, "-o", out, "--as-of", "2026-12-01T00:00-05:00"
    )
    assert result.exit_code == 0, result.output
    assert "wrote 200 rows" in result.stderr
    if suffix == ".json":
        rows = json.loads(out.read_text(encoding="utf-8"))
        assert len(rows) == 200
        assert rows[0]["id"] == "SUP-2001"
    else:
        assert len(out.read_text(encoding="utf-8").strip().splitlines()) == 201


def test_evaluate_reads_json_incidents(tmp_path: Path):
    """Incidents may be a JSON list of objects; the bad row gets an error, not a crash."""
    path = tmp_path / "incidents.json"
    path.write_text(
        json.dumps(
            [
                {"id": "A", "opened": "2026-11-13T16:10:00-05:00", "severity": "alta"},
                {"id": "B", "opened": "2026-11-13T16:10:00-05:00", "severity": "nope"},
            ]
        ),
        encoding="utf-8",
    )
    result = run("evaluate", "--policy", SAAS, path, "--as-of", "2026-11-17T08:00-05:00")
    assert result.exit_code == 0, result.output
    assert "escalate: warning:" in result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 3


def test_evaluate_naive_columns_take_the_zone(tmp_path: Path):
    """Instants without offsets are read in ``--tz``; one without, among others with, flags its row."""
    path = tmp_path / "naive.csv"
    path.write_text("id,opened,severity\nA,2026-11-13T16:10:00,alta\n", encoding="utf-8")
    result = run(
        "evaluate", "--policy", SAAS, path, "--as-of", "2026-11-17T08:00-05:00",
        "--tz", "America/Bogota",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    mixed = tmp_path / "mixed.csv"
    mixed.write_text(
        "id,opened,severity\nA,2026-11-13T16:10:00,alta\nB,2026-11-13T16:10:00-05:00,alta\n",
        encoding="utf-8",
    )
    result = run("evaluate", "--policy", SAAS, mixed, "--as-of", "2026-11-17T08:00-05:00")
    assert result.exit_code == 0, result.output
    rows = pd.read_csv(io.StringIO(result.stdout), dtype=str, keep_default_na=False)
    assert rows["error"].tolist()[0].startswith("opened has no time zone; pass --tz")
    assert rows["error"].tolist()[1] == ""
    assert rows["response_status"].tolist() == ["", "running"]
    assert "1 of 2 incident rows could not be evaluated" in result.stderr


def test_evaluate_junk_instants_flag_their_rows(tmp_path: Path):
    """A value that is no date-time at all flags its row; the other rows are evaluated."""
    path = tmp_path / "junk.csv"
    path.write_text(
        "id,opened,severity\nA,not a date,alta\nB,2026-11-13T16:10:00-05:00,alta\n",
        encoding="utf-8",
    )
    result = run("evaluate", "--policy", SAAS, path, "--as-of", "2026-11-17T08:00-05:00")
    assert result.exit_code == 0, result.output
    rows = pd.read_csv(io.StringIO(result.stdout), dtype=str, keep_default_na=False)
    assert rows["error"].tolist()[0] == (
        "opened is not a date-time in ISO 8601 (e.g. 2026-11-20T16:10:00-05:00)"
    )
    assert rows["opened"].tolist() == ["not a date", "2026-11-13T16:10:00-05:00"]
    assert rows["response_status"].tolist() == ["", "running"]


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("x.txt", "id\n", "use .csv, .json or .parquet"),
        ("x.json", "{", "not valid JSON"),
        ("x.json", '{"a": 1}', "expected a JSON list of objects"),
    ],
)
def test_evaluate_bad_files_are_one_line(tmp_path: Path, name: str, content: str, expected: str):
    """Unreadable incident files are one line on stderr with status 2."""
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    line = one_line_error(
        run("evaluate", "--policy", SAAS, path, "--as-of", "2026-11-17T08:00-05:00")
    )
    assert expected in line


def test_evaluate_unknown_output_extension(tmp_path: Path):
    """An output file with an unknown extension is a usage error."""
    line = one_line_error(
        run("evaluate", "--policy", SAAS, SAMPLE, "-o", tmp_path / "out.xlsx", "--as-of", "now")
    )
    assert "use .csv, .json or .parquet" in line


def test_report_groups_by_severity_and_month():
    """``--by severity,month`` gives one row per severity, month and target."""
    result = run(
        "report", "--policy", SAAS, SAMPLE, "--by", "severity,month",
        "--as-of", "2026-11-30T18:00-05:00", "--targets", "response",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Compliance of 200 incidents" in result.stdout
    assert "2026-10" in result.stdout
    assert "2026-11" in result.stdout


def test_report_writes_the_table(tmp_path: Path):
    """``-o`` also writes the tidy compliance table."""
    out = tmp_path / "table.json"
    result = run(
        "report", "--policy", SAAS, SAMPLE, "--by", "team", "--as-of", "2026-11-30T18:00-05:00",
        "-o", out,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert {row["team"] for row in rows} == {"Andes", "Caribe", "Pacífico"}


def test_report_unknown_group_column_is_one_line():
    """Grouping by a column the table lacks names the column."""
    line = one_line_error(
        run("report", "--policy", SAAS, SAMPLE, "--by", "squad", "--as-of", "now")
    )
    assert "no column 'squad'" in line


# -- the error paths of every kind ----------------------------------------------------

TRIGGERS_TOML = """\
name = "triggers"
clock = "office"
[calendars.office]
timezone = "America/Bogota"
hours = { "mon-fri" = ["07:30-12:30", "13:30-17:00"] }
[severities.high]
response = { duration = "2h", warning = "1h" }
resolution = "8h"
[severities.low]
response = "8h"
resolution = { duration = "3d", clock = "24x7" }
[plans.gold]
clock = "24x7"
[[tiers]]
level = 1
name = "Desk"
trigger = "open"
[[tiers]]
level = 2
name = "Lead"
trigger = { after = "30m", clock = "24x7" }
[[tiers]]
level = 3
name = "Manager"
trigger = { percent = 75, of = "resolution" }
[[tiers]]
level = 4
name = "Director"
trigger = { breach = "resolution", delay = "1h" }
"""


@pytest.fixture
def triggers(tmp_path: Path) -> Path:
    """A policy with every kind of tier trigger, a warning point, a plan and a 24x7 goal."""
    path = tmp_path / "triggers.toml"
    path.write_text(TRIGGERS_TOML, encoding="utf-8")
    return path


def test_validate_describes_every_trigger_kind(triggers: Path):
    """The summary spells out open, elapsed, percent and breach triggers, and the plan."""
    result = run("validate", triggers)
    assert result.exit_code == 0, result.output
    out = result.stdout
    for text in (
        "at opening", "after 30m on 24x7", "at 75% of resolution",
        "on resolution breach + 1h", "2h (warn 1h)", "72h @24x7", "Plans", "gold",
    ):  # fmt: skip
        assert text in out


def test_deadline_shows_projected_tiers(triggers: Path):
    """Tiers that fire by themselves are listed with their projected instants."""
    result = run("deadline", "--policy", triggers, "-s", "high", "-t", "2026-11-18T08:00-05:00")
    assert result.exit_code == 0, result.output
    assert "projected" in result.stdout
    assert "Wed 2026-11-18 08:30 -0500" in result.stdout  # 30 min on the 24x7 clock


def test_a_policy_with_several_problems_is_one_line(tmp_path: Path):
    """Outside ``validate``, a broken policy is still one line, its problems joined."""
    bad = tmp_path / "bad.toml"
    bad.write_text('clock = "x"\n[severities.a]\nresponse = "0h"\n', encoding="utf-8")
    line = one_line_error(run("deadline", "--policy", bad, "-s", "a", "-t", "now"))
    assert "problems: clock: unknown calendar 'x'" in line
    assert "; severities.a" in line


def test_an_unexpected_error_is_one_line_unless_debugging(monkeypatch):
    """A bug inside a command is one line with status 2, or a traceback with ``--debug``."""

    def broken() -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(escalate, "policy_schema", broken)
    line = one_line_error(run("schema"))
    assert "unexpected RuntimeError: boom (rerun with --debug)" in line
    result = run("--debug", "schema")
    assert isinstance(result.exception, RuntimeError)


def test_an_os_error_is_one_line(monkeypatch):
    """An error reading a file is one line naming the file."""

    def unreadable(path: object) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(escalate.cli, "load_any", unreadable)  # what validate reads with
    line = one_line_error(run("validate", SAAS))
    assert line.endswith(f"Permission denied: {SAAS}")


def test_an_escalate_error_propagates_with_debug(tmp_path: Path):
    """With ``--debug`` an escalate error is raised, not summarised."""
    bad = tmp_path / "bad.toml"
    bad.write_text('clock = "x"\n', encoding="utf-8")
    result = run("--debug", "deadline", "--policy", bad, "-s", "a", "-t", "now")
    assert isinstance(result.exception, escalate.PolicyError)


def test_interrupting_a_command_exits_130(monkeypatch):
    """Ctrl-C while a command runs prints one line and exits with status 130."""

    def interrupted() -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(escalate, "policy_schema", interrupted)
    result = run("schema")
    assert result.exit_code == 130
    assert "aborted" in result.stderr


def test_main_runs_the_group_and_exits():
    """``escalate.cli.main`` runs the command line and always exits."""
    from escalate.cli import main  # noqa: PLC0415

    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0


def test_report_needs_a_group():
    """An empty ``--by`` is a usage error."""
    assert "comma-separated list" in one_line_error(
        run("report", "--policy", SAAS, SAMPLE, "--by", ",")
    )


def test_availability_skips_unreadable_starts_when_choosing_the_period(tmp_path: Path):
    """Outages that are not tables are reported with their index, not a crash."""
    path = tmp_path / "o.json"
    path.write_text("[1]", encoding="utf-8")
    line = one_line_error(run("availability", "--policy", TELECOM, path, "--period", "2026-11"))
    assert "o.json row 1: expected an Outage or a mapping, got int 1" in line
    bad = tmp_path / "o.csv"
    bad.write_text("start\nyesterday\n2026-11-04T08:00-06:00\n", encoding="utf-8")
    line = one_line_error(run("availability", "--policy", TELECOM, bad))
    assert "o.csv row 1, start" in line


def test_availability_names_every_bad_row_of_the_file_at_once(tmp_path: Path):
    """Each bad outage row by its number from 1 and its column, all in one error."""
    path = tmp_path / "o.csv"
    path.write_text(
        "id,start,end,kind\nX1,2026-11-11T10:00-06:00,2026-11-11T11:00-06:00,major\n"
        "X2,?,2026-11-11T11:00-06:00,major\n"
        "X3,2026-11-12T10:00-06:00,2026-11-12T09:00-06:00,major\n"
        "X4,2026-11-13T10:00-06:00,,catastrophic\n",
        encoding="utf-8",
    )
    line = one_line_error(run("availability", "--policy", TELECOM, path, "--period", "2026-11"))
    assert line.startswith("escalate: error: 3 problems: o.csv row 2, start: '?' is not")
    assert "o.csv row 3, end: the outage ends at 2026-11-12T09:00:00-06:00, before" in line
    assert "o.csv row 4, kind: unknown outage kind 'catastrophic'" in line


def test_parquet_without_pyarrow_is_a_clear_error(tmp_path: Path):
    """Parquet in or out without pyarrow says what to install."""
    pytest.importorskip("pandas")
    if importlib.util.find_spec("pyarrow") is not None:
        pytest.skip("pyarrow is installed here")
    path = tmp_path / "in.parquet"
    path.write_bytes(b"PAR1")
    assert "pip install pyarrow" in one_line_error(
        run("evaluate", "--policy", SAAS, path, "--as-of", "now")
    )
    out = tmp_path / "out.parquet"
    assert "pip install pyarrow" in one_line_error(
        run("evaluate", "--policy", SAAS, SAMPLE, "--as-of", "now", "-o", out)
    )


def test_long_inputs_are_evaluated_in_chunks_with_a_progress_bar(monkeypatch):
    """With progress on, the table is evaluated chunk by chunk and rejoined in order."""
    from escalate import _cli_tables as tables  # noqa: PLC0415
    from escalate._cli_files import read_incidents  # noqa: PLC0415

    monkeypatch.setattr(tables, "_CHUNK", 64)
    policy = escalate.load_policy(SAAS)
    frame = tables.parse_instants(read_incidents(SAMPLE), policy, {}, tz=None, zone=policy.timezone)
    as_of = escalate.Timeline.open("2026-12-01T00:00-05:00", severity="alta").opened.at
    chunked = tables.evaluate_table(frame, policy, as_of=as_of, columns={}, progress=True)
    whole = escalate.evaluate_frame(
        frame, policy, as_of=as_of, columns={"workaround_applied": None, "fix_released": None}
    )
    assert list(chunked["id"]) == list(frame["id"])
    assert chunked["response_status"].tolist() == whole["response_status"].tolist()


def test_parquet_round_trip(tmp_path: Path):
    """With pyarrow, results written as Parquet read back as incidents with every row."""
    if importlib.util.find_spec("pyarrow") is None:
        pytest.skip("pyarrow is not installed here")
    import pandas as pd  # noqa: PLC0415

    out = tmp_path / "results.parquet"
    result = run("evaluate", "--policy", SAAS, SAMPLE, "--as-of", "2026-12-01T00:00Z", "-o", out)
    assert result.exit_code == 0, result.output
    back = pd.read_parquet(out)
    assert len(back) == 200
    source = tmp_path / "incidents.parquet"
    pd.read_csv(SAMPLE).to_parquet(source)
    again = run("evaluate", "--policy", SAAS, source, "--as-of", "2026-12-01T00:00Z")
    assert again.exit_code == 0, again.output
    assert len(again.stdout.strip().splitlines()) == 201


def test_other_click_errors_are_one_line(monkeypatch):
    """A click error that is not about usage is also one line with status 2."""
    import click  # noqa: PLC0415

    def failing() -> None:
        raise click.ClickException("cannot do that")

    monkeypatch.setattr(escalate, "policy_schema", failing)
    assert one_line_error(run("schema")) == "escalate: error: cannot do that"


def test_plot_names_matplotlib_when_it_is_missing(monkeypatch):
    """Without matplotlib, ``--plot`` names the extra to install."""
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    line = one_line_error(run("report", "--policy", SAAS, SAMPLE, "--plot", "out.png"))
    assert "pip install 'escalate-sla[plot]'" in line


def test_python_dash_m_entry_runs_the_cli(monkeypatch):
    """``escalate.__main__.main`` hands the arguments to the command line."""
    import escalate.__main__ as entry  # noqa: PLC0415

    monkeypatch.setattr(sys, "argv", ["escalate", "--version"])
    with pytest.raises(SystemExit) as exit_info:
        entry.main()
    assert exit_info.value.code == 0


# -- plots, zones and months ----------------------------------------------------------

#: Incidents on month boundaries in Bogotá (UTC-5): each sits in another month in UTC.
BOUNDARY_ROWS = [
    # id, opened, responded, severity, team
    ("B1", "2026-09-30T20:00:00", "2026-10-01T08:00:00", "alta", "north"),
    ("B2", "2026-10-31T23:30:00", "2026-11-03T08:00:00", "alta", "north"),
    ("B3", "2026-11-01T00:00:00", None, "normal", "south"),
    ("B4", "2026-11-30T19:30:00", "2026-12-01T07:45:00", "baja", "south"),
    ("B5", "2026-12-01T00:10:00", "2026-12-01T09:00:00", "alta", "north"),
    ("B6", "2026-11-30T16:00:00", "2026-11-30T16:30:00", "alta", "north"),
]
BOUNDARY_AS_OF = "2026-12-02T12:00-05:00"


def boundary_table(path: Path, *, utc: bool) -> Path:
    """Write the month-boundary incidents with Bogotá offsets, or as the same instants in UTC."""
    import pandas as pd  # noqa: PLC0415

    def text(wall: str | None) -> str:
        if wall is None:
            return ""
        instant = pd.Timestamp(wall, tz="America/Bogota")
        return (
            instant.tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%SZ") if utc else instant.isoformat()
        )

    lines = ["id,opened,responded,severity,team"]
    lines += [f"{i},{text(o)},{text(r)},{s},{t}" for i, o, r, s, t in BOUNDARY_ROWS]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def report_rows(path: Path, *extra: str) -> list[tuple[object, ...]]:
    """Run ``escalate report --by month,team`` and return its table's rows, as JSON gives them."""
    out = path.with_name(path.stem + "_report.json")
    result = run(
        "report", "--policy", SAAS, path, "--by", "month,team", "--as-of", BOUNDARY_AS_OF,
        "-o", out, *extra,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = json.loads(out.read_text(encoding="utf-8"))
    return sorted(
        (r["month"], r["team"], r["target"], r["count"], r["met"], r["breached"], r["open"])
        for r in rows
    )


def library_rows(path: Path, **options: object) -> list[tuple[object, ...]]:
    """The same table from the library: read_csv, evaluate_frame, compliance."""
    import pandas as pd  # noqa: PLC0415

    policy = escalate.load_policy(SAAS)
    as_of = escalate.Timeline.open(BOUNDARY_AS_OF, severity="alta").opened.at
    results = escalate.evaluate_frame(pd.read_csv(path), policy, as_of=as_of)
    table = escalate.compliance(results, by=["month", "team"], **options)  # type: ignore[arg-type]
    return sorted(
        (str(r.month), r.team, r.target, r.count, r.met, r.breached, r.open)
        for r in table.itertuples()
    )


@pytest.mark.filterwarnings("ignore::escalate.MissingColumnsWarning")
def test_report_months_equal_the_library_on_month_boundaries(tmp_path: Path):
    """``report --by month`` and ``compliance(by=["month"])`` agree, in Bogotá months."""
    path = boundary_table(tmp_path / "bogota.csv", utc=False)
    cli = report_rows(path)
    assert cli == library_rows(path)
    assert cli == library_rows(path, timezone="America/Bogota")
    assert {m for m, *_ in cli} == {"2026-09", "2026-10", "2026-11", "2026-12"}
    november = sum(c for m, _team, t, c, *_ in cli if m == "2026-11" and t == "response")
    assert november == 3  # B3, B4 and B6; B2 opened on 31 October at 23:30


@pytest.mark.filterwarnings("ignore::escalate.MissingColumnsWarning")
def test_report_months_are_the_policys_whatever_the_data_offsets(tmp_path: Path):
    """The same instants written in UTC fall in the same Bogotá months; ``--tz`` changes that."""
    bogota = report_rows(boundary_table(tmp_path / "bogota.csv", utc=False))
    path = boundary_table(tmp_path / "utc.csv", utc=True)
    assert report_rows(path) == bogota
    assert report_rows(path) == library_rows(path, timezone="America/Bogota")
    in_utc = report_rows(path, "--tz", "UTC")
    assert in_utc == library_rows(path, timezone="UTC")
    assert in_utc == library_rows(path)  # UTC text, counted as written
    assert {m for m, *_ in in_utc} == {"2026-10", "2026-11", "2026-12"}  # B1 is October in UTC


def test_report_plot_saves_a_chart_of_the_bundled_sample(tmp_path: Path):
    """``--plot chart.png`` writes a PNG of the share met per month, and says so."""
    chart = tmp_path / "chart.png"
    result = run(
        "report", "--policy", SAAS, SAMPLE, "--by", "team,month", "--targets", "response",
        "--as-of", "2026-11-30T18:00-05:00", "--plot", chart,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert chart.read_bytes().startswith(b"\x89PNG\r\n")
    assert f"saved the chart to {chart}" in result.stderr


def test_report_plot_with_nothing_decided_saves_a_chart_that_says_so(tmp_path: Path):
    """Every target pending: the chart says so, and matplotlib warns of no empty legend."""
    chart = tmp_path / "chart.png"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = run(
            "report", "--policy", SAAS, SAMPLE, "--as-of", "2026-01-01T00:00-05:00",
            "--plot", chart,
        )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert chart.read_bytes().startswith(b"\x89PNG\r\n")
    assert "Warning" not in result.stderr


@pytest.mark.parametrize(
    ("command", "option"),
    [
        (["report", "--policy", SAAS, SAMPLE], "--plot"),
        (["report", "--policy", SAAS, SAMPLE], "--output"),
        (["evaluate", "--policy", SAAS, SAMPLE], "--output"),
    ],
)
def test_an_output_in_a_missing_folder_fails_before_any_work(monkeypatch, command, option):
    """-o and --plot into a folder that does not exist fail first, naming the option."""
    monkeypatch.setattr(escalate, "evaluate_frame", lambda *a, **k: pytest.fail("evaluated"))
    target = Path("/nonexistent-folder") / ("c.png" if option == "--plot" else "out.csv")
    line = one_line_error(run(*command, "--as-of", "now", option, target))
    assert f"{option}: the folder '/nonexistent-folder' does not exist; create it first" in line


def test_report_plot_checks_the_image_format_first(monkeypatch, tmp_path: Path):
    """A chart file whose extension matplotlib cannot write fails before any evaluation."""
    monkeypatch.setattr(escalate, "evaluate_frame", lambda *a, **k: pytest.fail("evaluated"))
    line = one_line_error(
        run("report", "--policy", SAAS, SAMPLE, "--as-of", "now", "--plot", tmp_path / "c.xyz")
    )
    assert "cannot tell the image format of 'c.xyz'" in line


def test_availability_months_are_in_the_policys_zone(tmp_path: Path):
    """Without ``--tz`` seed 004's months are Mexico City's (its office), not UTC's."""
    path = tmp_path / "o.csv"
    path.write_text(
        "start,end,kind\n2026-11-30T22:00-06:00,2026-11-30T23:00-06:00,major\n", encoding="utf-8"
    )
    result = run("availability", "--policy", TELECOM, path, "--json")
    assert result.exit_code == 0, result.output
    period = json.loads(result.stdout)["period"]
    assert period == {"start": "2026-11-01T00:00:00-06:00", "end": "2026-12-01T00:00:00-06:00"}


def test_availability_naive_outages_take_tz_or_name_it(tmp_path: Path):
    """Outage times without an offset are read in ``--tz``; without it the error names the flag."""
    path = tmp_path / "o.csv"
    path.write_text("start,end,kind\n2026-11-30T22:00,2026-11-30T23:00,major\n", encoding="utf-8")
    line = one_line_error(run("availability", "--policy", TELECOM, path))
    assert "o.csv row 1, start: '2026-11-30T22:00' has no UTC offset" in line
    assert "write e.g. 2026-11-30T22:00-06:00, or pass --tz America/Mexico_City" in line
    result = run("availability", "--policy", TELECOM, path, "--tz", "America/Mexico_City", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["period"]["start"] == "2026-11-01T00:00:00-06:00"


def test_policy_zone_rules():
    """A policy's zone: its default clock's, else its first declared calendar's, else UTC."""
    zones = {path.stem: escalate.load_policy(path).timezone for path in POLICIES.glob("*.toml")}
    assert zones["seed_003_saas"] == "America/Bogota"  # clock = "office"
    assert zones["seed_000_noc"] == "America/Mexico_City"  # its own 24x7
    assert zones["seed_004_telecom"] == "America/Mexico_City"  # built-in 24x7, an office
    bare = escalate.Policy(
        severities=[escalate.Severity(name="high", goals={"response": HOUR, "resolution": HOUR})]
    )
    assert bare.timezone == "UTC"


# -- checked before any work ----------------------------------------------------------


def test_report_checks_targets_before_evaluating(monkeypatch):
    """A misspelt ``--targets`` name fails at once with a "did you mean"."""
    monkeypatch.setattr(escalate, "evaluate_frame", lambda *a, **k: pytest.fail("evaluated"))
    line = one_line_error(
        run("report", "--policy", SAAS, SAMPLE, "--targets", "respone", "--as-of", "now")
    )
    assert "--targets: unknown target 'respone'; did you mean 'response'?" in line


@pytest.mark.parametrize("command", ["deadline", "evaluate", "report", "availability"])
def test_an_unknown_tz_is_never_ignored(command: str, tmp_path: Path):
    """``--tz`` is checked on every command, even where no instant needs it."""
    args = {
        "deadline": ["--policy", SAAS, "-s", "alta", "-t", "2026-11-13T16:10-05:00"],
        "evaluate": ["--policy", SAAS, SAMPLE, "--as-of", "now"],
        "report": ["--policy", SAAS, SAMPLE, "--as-of", "now"],
        "availability": ["--policy", TELECOM, SAMPLE, "--period", "2026-11"],
    }[command]
    line = one_line_error(run(command, *args, "--tz", "America/Bogata"))
    assert "--tz: unknown time zone 'America/Bogata'; did you mean 'America/Bogota'" in line


@pytest.mark.parametrize(
    ("policy", "value", "example"),
    [
        (SAAS, "2026-12-31", "2026-12-31T00:00-05:00"),
        (SAAS, "2026-12-31T17:30", "2026-12-31T17:30-05:00"),
        (TELECOM, "2026-07-01T09:00:15", "2026-07-01T09:00:15-06:00"),
    ],
)
def test_a_naive_as_of_hint_is_itself_accepted(policy: Path, value: str, example: str):
    """The ``--as-of`` hint gives the policy's offset and zone, and its example works."""
    zone = escalate.load_policy(policy).timezone
    args = ["deadline", "--policy", policy, "-s", escalate.load_policy(policy).severity_names[0]]
    args += ["-t", "2026-01-05T08:00:00Z", "--json"]
    line = one_line_error(run(*args, "--as-of", value))
    assert (
        f"--as-of: '{value}' has no UTC offset; write e.g. {example}, or pass --tz {zone}" in line
    )
    assert "as_of" not in line.replace("--as-of", "")
    accepted = run(*args, "--as-of", example)
    assert accepted.exit_code == 0, accepted.output
    assert json.loads(accepted.stdout)["as_of"].startswith(value[:10])


def test_naive_columns_hint_the_tz_flag_not_python(tmp_path: Path):
    """A column of naive instants names --tz with the policy's zone, never pandas code."""
    path = tmp_path / "naive.csv"
    path.write_text("id,opened,severity\nA-7,2026-11-13T16:10:00,alta\n", encoding="utf-8")
    line = one_line_error(run("evaluate", "--policy", SAAS, path, "--as-of", "now"))
    assert (
        "column 'opened' has instants without a UTC offset (id A-7: '2026-11-13T16:10:00')" in line
    )
    assert "pass --tz America/Bogota" in line
    assert "tz_localize" not in line
    assert "timezone=" not in line


def test_rows_opened_after_as_of_are_pending_as_in_the_library(tmp_path: Path):
    """A row opened after ``--as-of`` is no error: every target is pending, as evaluate() says."""
    path = tmp_path / "late.csv"
    path.write_text("id,opened,severity\nL,2026-12-20T09:00-05:00,alta\n", encoding="utf-8")
    result = run("evaluate", "--policy", SAAS, path, "--as-of", "2026-12-01T00:00-05:00")
    assert result.exit_code == 0, result.output
    assert ",pending," in result.stdout
    assert "could not be evaluated" not in result.stderr
    assert "as_of" not in result.stderr.replace("--as-of", "")


# -- files written --------------------------------------------------------------------


def evaluated(tmp_path: Path, name: str, *extra: str) -> Path:
    """Evaluate the bundled sample into ``tmp_path/name`` and return the file."""
    out = tmp_path / name
    result = run(
        "evaluate", "--policy", SAAS, SAMPLE, "--as-of", "2026-12-01T00:00-05:00", "-o", out,
        *extra,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return out


def test_files_hold_seconds_and_instants_in_the_policys_zone(tmp_path: Path):
    """CSV durations are whole seconds in ``_seconds`` columns; instants carry Bogotá's offset."""
    import pandas as pd  # noqa: PLC0415

    table = pd.read_csv(evaluated(tmp_path, "r.csv"), dtype=str, keep_default_na=False)
    row = table[table["id"] == "SUP-2001"].iloc[0]
    assert row["response_goal_seconds"] == "28800"  # 8 h for baja
    assert row["resolution_elapsed_seconds"] == "38700"  # 10h45m
    assert row["resolution_due_at"] == "2026-10-19T11:00:00-05:00"
    assert row["opened"] == "2026-10-03T16:45:00-05:00"
    assert "response_goal" not in table.columns
    instants = [c for c in table.columns if c.endswith(("_at", "opened", "responded", "resolved"))]
    for column in instants:
        written = table[column][table[column] != ""]
        assert written.str.endswith("-05:00").all(), column
    negative = table["resolution_remaining_seconds"][table["resolution_status"] == "breached"]
    assert negative.astype(int).lt(0).all()


def test_files_in_another_zone_and_iso_durations(tmp_path: Path):
    """``--tz UTC`` writes instants in UTC; ``--durations iso`` writes PT..H..M, negative with -."""
    import pandas as pd  # noqa: PLC0415

    out = evaluated(tmp_path, "r.json", "--tz", "UTC", "--durations", "iso")
    rows = {r["id"]: r for r in json.loads(out.read_text(encoding="utf-8"))}
    assert rows["SUP-2001"]["resolution_due_at"] == "2026-10-19T16:00:00+00:00"
    assert rows["SUP-2001"]["resolution_elapsed"] == "PT10H45M"
    assert rows["SUP-2001"]["resolution_goal"] == "PT80H"  # never days: 80 business hours
    breached = [r for r in rows.values() if r["resolution_status"] == "breached"]
    assert breached
    assert all(r["resolution_remaining"].startswith("-PT") for r in breached)
    for r in breached:
        remaining = escalate.parse_duration(r["resolution_remaining"])
        goal, elapsed = (escalate.parse_duration(r[f"resolution_{k}"]) for k in ("goal", "elapsed"))
        assert remaining == goal - elapsed
    seconds = json.loads(evaluated(tmp_path, "s.json").read_text(encoding="utf-8"))
    assert all(isinstance(r["response_goal_seconds"], int) for r in seconds)
    assert pd.Timedelta(seconds=seconds[0]["resolution_goal_seconds"]) == pd.Timedelta(hours=80)


def test_one_bad_rows_line_per_run_however_many_chunks(monkeypatch, tmp_path: Path):
    """Bad rows in several chunks make one warning line that counts them all."""
    from escalate import _cli_tables as tables  # noqa: PLC0415

    monkeypatch.setattr(tables, "_CHUNK", 2)
    path = tmp_path / "bad.csv"
    rows = [f"R{i},2026-11-13T16:10:00-05:00,{'nope' if i % 2 else 'alta'}" for i in range(7)]
    path.write_text("id,opened,severity\n" + "\n".join(rows) + "\n", encoding="utf-8")
    result = run("evaluate", "--policy", SAAS, path, "--as-of", "2026-11-17T08:00-05:00")
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if "warning" in line]
    bad = [line for line in warnings if "could not be evaluated" in line]
    assert len(bad) == 1
    assert "3 of 7 incident rows could not be evaluated" in bad[0]
    assert "(first, id R1: unknown severity 'nope'" in bad[0]
    # and the table's missing response and resolution columns are said once too
    assert len(warnings) == 2
    assert "no column for 'fix_released', 'resolved', 'responded'" in warnings[1]


@pytest.mark.parametrize(("count", "expected"), [(1, "wrote 1 row to"), (2, "wrote 2 rows to")])
def test_wrote_n_rows_has_its_grammar(tmp_path: Path, count: int, expected: str):
    """The closing line says 1 row, 2 rows."""
    path = tmp_path / "in.csv"
    rows = [f"R{i},2026-11-13T16:10:00-05:00,alta" for i in range(count)]
    path.write_text("id,opened,severity\n" + "\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    result = run("evaluate", "--policy", SAAS, path, "--as-of", "now", "-o", out)
    assert result.exit_code == 0, result.output
    assert f"{expected} {out} (0 rows with errors)" in result.stderr


def test_output_to_dev_null_and_to_stdout(tmp_path: Path):
    """``-o /dev/null`` discards CSV, ``-o -`` writes it on stdout."""
    result = run("evaluate", "--policy", SAAS, SAMPLE, "--as-of", "now", "-o", "/dev/null")
    assert result.exit_code == 0, result.output
    assert "wrote 200 rows to /dev/null" in result.stderr
    dash = run("evaluate", "--policy", SAAS, SAMPLE, "--as-of", "now", "-o", "-")
    assert dash.exit_code == 0, dash.output
    assert len(dash.stdout.strip().splitlines()) == 201


def test_semicolon_and_tab_separated_csv_are_read(tmp_path: Path):
    """A CSV separated by semicolons (spreadsheets in many locales) or tabs is read as such."""
    for sep in (";", "\t"):
        path = tmp_path / "in.csv"
        path.write_text(
            sep.join(["id", "opened", "severity"]) + "\n"
            + sep.join(["S1", "2026-11-13T16:10:00-05:00", "alta"]) + "\n",
            encoding="utf-8",
        )  # fmt: skip
        result = run("evaluate", "--policy", SAAS, path, "--as-of", "2026-11-17T08:00-05:00")
        assert result.exit_code == 0, result.output
        assert "S1,2026-11-13T16:10:00-05:00,alta" in result.stdout


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            "",
            "in.csv is empty; a CSV table starts with a header line naming its columns, here such as id,opened,responded,resolved,severity",
        ),
        ("\n\n", "in.csv is empty"),
        ("id|opened|severity\nA|x|alta\n", "has one column 'id|opened|severity'"),
        ("id,created,severity\n", "no column 'opened' (opened); its columns are 'id', 'created', "),
        ("id,opened,severity,severity\nA,x,alta,baja\n", "in.csv has more than one column named"),
    ],
)
def test_unusable_tables_get_a_clear_answer(tmp_path: Path, content: str, expected: str):
    """An empty file, an odd separator or a missing column is one line that says what to do."""
    path = tmp_path / "in.csv"
    path.write_text(content, encoding="utf-8")
    line = one_line_error(run("evaluate", "--policy", SAAS, path, "--as-of", "now"))
    assert expected in line
    if "created" in content:
        assert "map yours with -c opened=YOUR_COLUMN" in line


_ROWS = "A,2026-11-18T08:00-05:00,alta\nB,2026-11-18T09:00-05:00,alta\n"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            "id,opened,severity\nA,2026-11-18T08:00-05:00,alta,oops\nB,2026-11-18T09:00-05:00,alta\n",
            "in.csv: line 2 has more fields than the header's 3: a value holds the separator ','",
        ),
        (
            f"id,opened,severity\n{_ROWS}C,2026-11-18T10:00-05:00,alta,x\n{_ROWS}D,now,a,b\n",
            "in.csv: 2 lines (4, 7) have more fields than the header's 3",
        ),
        (
            "id;opened;severity\nA;2026-11-18T08:00-05:00;alta;x\n",
            "in.csv: line 2 has more fields than the header's 3: a value holds the separator ';'",
        ),
        (  # the file's line, as an editor shows it, after a value spanning two lines
            'id,opened,severity\nA,2026-11-18T08:00-05:00,"al\nta"\nB,now,alta,x\n',
            "in.csv: line 4 has more fields than the header's 3",
        ),
    ],
)
def test_a_line_with_more_fields_than_the_header_is_named(
    tmp_path: Path, content: str, expected: str
):
    """Never read with its values shifted (or its first column taken for an index)."""
    path = tmp_path / "in.csv"
    path.write_text(content, encoding="utf-8")
    for command in ("evaluate", "report"):
        result = run(command, "--policy", SAAS, path, "--as-of", "2026-11-20T12:00-05:00")
        assert result.exit_code == 2
        assert expected in one_line_error(result)


def test_a_table_that_is_not_utf8_is_named_with_the_fix(tmp_path: Path):
    """A Latin-1 export is one line that says so, not an 'unexpected' decoding error."""
    path = tmp_path / "in.csv"
    path.write_bytes(
        "id,opened,severity,note\nA,2026-11-18T08:00-05:00,alta,Caf\xe9\n".encode("latin-1")
    )
    result = run("evaluate", "--policy", SAAS, path, "--as-of", "2026-11-20T12:00-05:00")
    assert result.exit_code == 2
    line = one_line_error(result)
    assert (
        "in.csv is not UTF-8 text (a byte 0xe9 cannot be read as UTF-8); save it as UTF-8" in line
    )
    path.write_bytes("id,opened,s\xe9verity\n".encode("latin-1"))
    line = one_line_error(run("evaluate", "--policy", SAAS, path, "--as-of", "now"))
    assert "in.csv is not UTF-8 text" in line


def test_a_header_only_table(tmp_path: Path):
    """A table with a header and no rows evaluates to no rows, and is nothing to report."""
    path = tmp_path / "in.csv"
    path.write_text("id,opened,responded,severity\n", encoding="utf-8")
    out = tmp_path / "out.json"
    result = run("evaluate", "--policy", SAAS, path, "--as-of", "now", "-o", out)
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8")) == []
    line = one_line_error(run("report", "--policy", SAAS, path, "--as-of", "now"))
    assert "in.csv has no incidents, only a header: nothing to report" in line


def test_validate_lists_the_policys_own_24x7_only():
    """A policy that declares its own 24x7 clock is not shown the built-in UTC one."""
    out = run("validate", POLICIES / "seed_000_noc.toml").stdout
    clocks = out.split("Clocks")[1].split("Severities")[0]
    assert "America/Mexico_City" in clocks
    assert "UTC" not in clocks
    assert "UTC" in run("validate", SAAS).stdout.split("Severities")[0]  # the built-in one


def test_durations_are_shown_in_hours_never_days():
    """Goals of 24 business hours and more are shown in hours (80h), never as days."""
    out = run("validate", SAAS).stdout
    assert "80h" in out
    assert "3d8h" not in out
    assert "1d" not in out


def test_negative_remaining_time_reads_as_a_duration():
    """A breached target's remaining time prints as -1h..., not as a timedelta's days."""
    result = run(
        "deadline", "--policy", SAAS, "-s", "alta", "-t", "2026-11-13T16:10-05:00",
        "--as-of", "2026-11-18T12:00-05:00",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "-1 day" not in result.stdout
    assert "-11h50m" in result.stdout  # 2 h goal, 13h50m used by Wednesday noon


def test_report_months_follow_a_mapped_opening_column(tmp_path: Path):
    """With ``-c opened=created_at`` the months come from created_at, chart included."""
    path = boundary_table(tmp_path / "bogota.csv", utc=False)
    mapped = tmp_path / "mapped.csv"
    mapped.write_text(
        path.read_text(encoding="utf-8").replace("id,opened,", "id,created_at,", 1),
        encoding="utf-8",
    )
    assert report_rows(mapped, "-c", "opened=created_at") == report_rows(path)
    chart = tmp_path / "c.svg"
    result = run(
        "report", "--policy", SAAS, mapped, "-c", "opened=created_at", "--by", "month",
        "--as-of", BOUNDARY_AS_OF, "--plot", chart,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "<svg" in chart.read_text(encoding="utf-8")


def test_naive_instants_in_a_dst_zone_follow_the_calendar_rule(tmp_path: Path):
    """With --tz, a wall time a DST change skips moves forward by the gap; a repeated one is the first."""
    path = tmp_path / "dst.csv"
    path.write_text(
        "id,opened,severity\n"
        "gap,2026-03-08T02:30:00,alta\n"
        "twice,2026-11-01T01:30:00,alta\n"
        "plain,2026-07-01T09:00:00,alta\n",
        encoding="utf-8",
    )
    result = run(
        "evaluate", "--policy", SAAS, path, "--as-of", "2026-12-01T00:00Z",
        "--tz", "America/New_York",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    opened = [line.split(",")[1] for line in result.stdout.strip().splitlines()[1:]]
    assert opened == [
        "2026-03-08T03:30:00-04:00",  # 02:30 does not exist: 02:30 EST is 03:30 EDT
        "2026-11-01T01:30:00-04:00",  # 01:30 happens twice: the first, still EDT
        "2026-07-01T09:00:00-04:00",
    ]


def test_parquet_datetime_columns_are_read_in_their_zone_or_tz(tmp_path: Path):
    """Parquet columns of aware datetimes keep their instants; naive ones are read in --tz."""
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    aware = pd.DataFrame(
        {
            "id": ["P1"],
            "opened": pd.to_datetime(["2026-11-13T21:10:00Z"]),
            "severity": ["alta"],
        }
    )
    path = tmp_path / "aware.parquet"
    aware.to_parquet(path)
    result = run("evaluate", "--policy", SAAS, path, "--as-of", "2026-11-17T08:00-05:00")
    assert result.exit_code == 0, result.output
    assert "P1,2026-11-13T16:10:00-05:00,alta" in result.stdout  # Bogotá, the policy's zone
    naive = aware.assign(opened=aware["opened"].dt.tz_localize(None))
    naive.to_parquet(path)
    args = ["evaluate", "--policy", SAAS, path, "--as-of", "2026-11-17T08:00-05:00"]
    assert "pass --tz America/Bogota" in one_line_error(run(*args))
    in_utc = run(*args, "--tz", "UTC")
    assert in_utc.exit_code == 0, in_utc.output
    assert "P1,2026-11-13T21:10:00+00:00,alta" in in_utc.stdout


def test_other_warnings_are_one_line_each(monkeypatch, tmp_path: Path):
    """A library warning repeated in every chunk is printed once."""
    import warnings  # noqa: PLC0415

    from escalate import _cli_tables as tables  # noqa: PLC0415

    evaluate_frame = escalate.evaluate_frame

    def warning_evaluate_frame(*args: object, **kwargs: object) -> object:
        warnings.warn("a policy detail", escalate.EscalateWarning, stacklevel=2)
        return evaluate_frame(*args, **kwargs)

    monkeypatch.setattr(tables, "_CHUNK", 50)
    monkeypatch.setattr(escalate, "evaluate_frame", warning_evaluate_frame)
    result = run("evaluate", "--policy", SAAS, SAMPLE, "--as-of", "2026-12-01T00:00-05:00")
    assert result.exit_code == 0, result.output
    assert result.stderr.count("escalate: warning: a policy detail") == 1


def test_a_policy_error_names_its_file_in_every_command(tmp_path: Path):
    """With two policies (compare) the line says which file is wrong, as validate does."""
    bad = tmp_path / "bad.toml"
    bad.write_text('[severities.alta]\nresponse = "2h"\nresolution = "banana"\n', encoding="utf-8")
    as_of = ("--as-of", "2026-11-20T12:00-05:00")
    for args in (
        ("compare", "--before", SAAS, "--after", bad, SAMPLE, *as_of),
        ("compare", "--before", bad, "--after", SAAS, SAMPLE, *as_of),
        ("evaluate", "--policy", bad, SAMPLE, *as_of),
        ("deadline", "--policy", bad, "--severity", "alta", "--opened", "2026-11-13T16:10-05:00"),
    ):
        line = one_line_error(run(*args))
        assert f"{bad}: severities.alta.resolution: 'banana' is not a duration" in line, args


def test_report_says_how_many_incidents_its_table_counts(tmp_path: Path):
    """Incidents that could not be evaluated are left out of the table, and its title says so."""
    path = tmp_path / "in.csv"
    path.write_text(
        "id,opened,severity\nA,2026-11-18T08:00-05:00,alta\nB,2026-11-18T09:00-05:00,altaa\n"
        "C,2026-11-18T10:00-05:00,baja\n",
        encoding="utf-8",
    )
    result = run("report", "--policy", SAAS, path, "--as-of", "2026-11-20T12:00-05:00")
    assert result.exit_code == 0, result.output
    assert "Compliance of 2 of 3 incidents (1 could not be evaluated) as of" in result.stdout


def test_deadline_writes_instants_in_tz_or_the_policys_zone():
    """--tz is the zone of the instants written out (table and JSON); the policy's otherwise.

    --json --explain adds the explanation's lines under "explanation".
    """
    args = ("deadline", "--policy", SAAS, "-s", "alta", "-t", "2026-11-13T16:10-05:00")
    madrid = run(*args, "--tz", "Europe/Madrid", "--json", "--explain")
    assert madrid.exit_code == 0, madrid.output
    form = json.loads(madrid.stdout)
    assert form["as_of"] == "2026-11-13T22:10:00+01:00"
    assert form["targets"]["response"]["due_at"] == "2026-11-17T14:40:00+01:00"
    assert form["schedule"][0]["at"].endswith("+01:00")
    assert form["explanation"][0].startswith("Incident opened Fri 2026-11-13 22:10+0100")
    table = run(*args, "--tz", "Europe/Madrid")
    assert "Tue 2026-11-17 14:40 +0100" in table.stdout
    plain = json.loads(run(*args, "--json").stdout)
    assert plain["targets"]["response"]["due_at"] == "2026-11-17T08:40:00-05:00"
    assert "explanation" not in plain


def test_deadline_pages_a_contact_on_office_hours_when_their_hours_open(tmp_path: Path):
    """Saturday night: the engineer on duty is paged now, the office manager on Monday."""
    path = tmp_path / "noc.toml"
    path.write_text(
        """
clock = "noc"
[calendars.noc]
timezone = "America/Bogota"
hours = "24x7"
[calendars.office]
timezone = "America/Bogota"
hours = { "mon-fri" = ["08:00-17:00"] }
[severities.critical]
response = "30m"
resolution = "4h"
[[tiers]]
level = 1
name = "NOC"
trigger = "open"
contacts = [
    { name = "Engineer on duty", phones = ["+57 601 555 0100"] },
    { name = "Service manager", email = "manager@example.com", clock = "office" },
]
""",
        encoding="utf-8",
    )
    result = run("deadline", "--policy", path, "-s", "critical", "-t", "2026-03-07T23:40-05:00")
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line.startswith("Page")]
    assert lines == [
        "Page now: level 1 NOC: Engineer on duty <+57 601 555 0100>",
        "Page later: Service manager at Mon 2026-03-09 08:00 -0500 (their hours)",
    ]


@pytest.mark.parametrize("shape", ["events", "snapshots"])
def test_a_history_line_with_more_fields_than_the_header_is_named(tmp_path: Path, shape: str):
    """A history is read for some columns only, and pandas drops an extra field silently.

    The line is named as for a table of incidents; never read with its values shifted.
    """
    path = tmp_path / "log.csv"
    head = (
        "id,type,at,severity,status,group\n"
        if shape == "events"
        else "id,at,severity,status,group\n"
    )
    kind = "opened," if shape == "events" else ""
    path.write_text(
        head
        + f"A,{kind}2026-11-18T08:00-05:00,alta,New,desk\n"
        + f"B,{kind}2026-11-18T09:00-05:00,alta,New,UI, API\n"
        + f"C,{kind}2026-11-18T10:00-05:00,alta,New,desk\n",
        encoding="utf-8",
    )
    result = run(
        "evaluate", "--policy", SAAS, path, "--shape", shape, "--as-of", "2026-11-20T12:00-05:00"
    )
    assert result.exit_code == 2
    assert "log.csv: line 3 has more fields than the header's" in one_line_error(result)


def test_a_history_may_repeat_a_column_it_does_not_read(tmp_path: Path):
    """Jira's all-fields export repeats Labels: read, unless a repeated column is used."""
    path = tmp_path / "log.csv"
    rows = "A,opened,2026-11-18T08:00-05:00,alta,x,y\nA,responded,2026-11-18T08:30-05:00,,x,y\n"
    path.write_text("id,type,at,severity,Labels,Labels\n" + rows, encoding="utf-8")
    args = (
        "evaluate",
        "--policy",
        SAAS,
        path,
        "--shape",
        "events",
        "--as-of",
        "2026-11-20T12:00-05:00",
    )
    result = run(*args)
    assert result.exit_code == 0, result.output
    path.write_text("id,type,at,severity,severity,Labels\n" + rows, encoding="utf-8")
    assert "more than one column named 'severity'" in one_line_error(run(*args))
