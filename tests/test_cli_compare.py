"""``escalate compare``: both sides' tables, the changes file, histories and errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("click", reason="the command line needs the 'cli' extra")
pytest.importorskip("rich", reason="the command line needs the 'cli' extra")

import pandas as pd
from click.testing import CliRunner, Result

from escalate import compare, load_policy
from escalate.cli import app
from tests.test_compare import AS_OF, NEW, SAAS, SAAS_PATH, SAMPLE, SWITCH, VERSIONED, sample

pytestmark = pytest.mark.filterwarnings("ignore::escalate.MissingColumnsWarning")


def run(*args: str | Path) -> Result:
    """Invoke the command line with ``args`` and return click's result."""
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture
def new_goals(tmp_path: Path) -> Path:
    """Seed 003 with a 1 h response for alta and a 16 h resolution for normal, as a file."""
    path = tmp_path / "new_goals.toml"
    text = SAAS_PATH.read_text(encoding="utf-8")
    text = text.replace('response = "2h"', 'response = "1h"').replace(
        'resolution = "24h"', 'resolution = "16h"'
    )
    path.write_text(text, encoding="utf-8")
    return path


def test_cli_compare_prints_both_sides_and_writes_the_changes(new_goals: Path, tmp_path: Path):
    """One command: the side-by-side table, the changed incidents, and -o with the rows."""
    out = tmp_path / "changes.json"
    result = run(
        "compare", "--before", SAAS_PATH, "--after", new_goals, SAMPLE,
        "--as-of", "2026-12-01T00:00-05:00", "-o", out, "--changed-only",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "before: seed_003_saas.toml; after: new_goals.toml" in result.stdout
    assert "-11.4" in result.stdout
    assert "12 of 200 incidents change outcome" in result.stdout
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert len(rows) == 12
    assert {"response_due_moved_seconds", "response_status_before"} <= set(rows[0])
    assert "wrote 12 rows" in result.stderr


def test_cli_compare_takes_a_versions_file(tmp_path: Path):
    """--after a versions file: each incident under its own version, as compare() says."""
    path = tmp_path / "versions.json"
    versions = {
        "versions": [
            {"policy": SAAS.to_dict()},
            {
                "effective": SWITCH.isoformat(),
                "changes": {"severities": NEW.to_dict()["severities"]},
            },
        ]
    }
    path.write_text(json.dumps(versions), encoding="utf-8")
    out = tmp_path / "changes.csv"
    result = run(
        "compare", "--before", SAAS_PATH, "--after", path, SAMPLE,
        "--as-of", "2026-12-01T00:00-05:00", "-o", out,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    expected = compare(sample(), SAAS, VERSIONED, as_of=AS_OF).changes
    changed = int(expected["changed"].sum())
    assert f"{changed} of 200 incidents change outcome" in result.stdout
    written = pd.read_csv(out)
    assert written["changed"].tolist() == expected["changed"].tolist()


def test_cli_compare_to_stdout_keeps_the_csv_clean(new_goals: Path):
    """With -o -, the CSV alone is on stdout; the tables go to stderr."""
    result = run(
        "compare", "--before", SAAS_PATH, "--after", new_goals, SAMPLE,
        "--as-of", "2026-12-01T00:00-05:00", "-o", "-", "--by", "team,month",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("id,")
    assert len(result.stdout.strip().splitlines()) == 201
    assert "change outcome" in result.stderr


def test_cli_compare_reads_histories(new_goals: Path, tmp_path: Path):
    """--shape events reads a history for both sides, keeping the before policy's attributes."""
    frame = sample().head(20)
    rows = []
    for row in frame.to_dict("records"):
        rows.append(
            {
                "id": row["id"],
                "type": "opened",
                "at": row["opened"],
                "severity": row["severity"],
                "category": row["category"],
            }
        )
        for kind in ("responded", "resolved"):
            if isinstance(row[kind], str):
                rows.append(
                    {"id": row["id"], "type": kind, "at": row[kind], "severity": "", "category": ""}
                )
    path = tmp_path / "events.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    # the after policy has no routes: the history keeps `category` for the before one
    data = load_policy(new_goals).to_dict()
    data.pop("routes", None)
    plain = tmp_path / "plain.json"
    plain.write_text(json.dumps(data), encoding="utf-8")
    result = run(
        "compare", "--before", SAAS_PATH, "--after", plain, path, "--shape", "events",
        "--as-of", "2026-12-01T00:00-05:00", "--targets", "response,resolution",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "of 20 incidents change outcome" in result.stdout


def test_cli_compare_errors_are_one_line(new_goals: Path, tmp_path: Path):
    """An unknown target, a header-only file and a bad --by fail with one line."""
    bad = run(
        "compare", "--before", SAAS_PATH, "--after", new_goals, SAMPLE, "--targets", "respnse",
        "--as-of", "now",
    )  # fmt: skip
    assert bad.exit_code == 2
    assert "unknown target 'respnse'" in bad.stderr
    empty = tmp_path / "empty.csv"
    empty.write_text("id,opened,responded,resolved,severity\n", encoding="utf-8")
    none = run("compare", "--before", SAAS_PATH, "--after", new_goals, empty, "--as-of", "now")
    assert none.exit_code == 2
    assert "nothing to compare" in none.stderr
    by = run(
        "compare", "--before", SAAS_PATH, "--after", new_goals, SAMPLE, "--by", "squad",
        "--as-of", "now",
    )  # fmt: skip
    assert by.exit_code == 2
    assert "no column 'squad'" in by.stderr
    shape = run(
        "compare", "--before", SAAS_PATH, "--after", new_goals, SAMPLE, "--by", "team",
        "--shape", "events", "--as-of", "now",
    )  # fmt: skip
    assert shape.exit_code == 2
    assert "no column 'team'" in shape.stderr


def test_cli_compare_help_shows_an_example():
    """``escalate compare --help`` shows an example invocation, as every command does."""
    result = run("compare", "--help")
    assert result.exit_code == 0
    assert "escalate compare --before" in result.stdout.split("Example:")[1]
