"""``escalate availability``: outages measured against a policy's availability objective.

It reads outages from CSV or JSON, takes their instants written without an offset in
``--tz``, picks the period (``--period``, or the one holding ``--as-of`` or the first
outage) and prints :func:`escalate.availability`'s report or its JSON. Kept apart from
:mod:`escalate.cli`, whose helpers and options it reuses; ``cli`` adds the command to
its group.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import attrs
import click
from rich.text import Text

import escalate
from escalate._cli_common import _POLICY, _TZ, _debug_option, _example, _instant, _load
from escalate._cli_files import _table_suffix, read_incidents, read_json
from escalate._cli_render import _console
from escalate._cli_tables import UsageProblem
from escalate._errors import EscalateError, HorizonError, OutageError
from escalate._outages import FLAG_HINT, flag_of

__all__ = ["availability_command"]


def _outage_rows(path: Path) -> list[dict[str, Any]]:
    """Read outages from CSV or JSON as mappings for ``Outage.from_dict``.

    A CSV is read as every table of the command line is (:func:`read_incidents`): comma,
    semicolon or tab separated, with or without a byte-order mark, compressed or not; a
    line with more fields than the header stops the run.
    """
    suffix = path.suffix.lower()
    if suffix == ".json":
        data = read_json(path)
        if not isinstance(data, list):
            raise UsageProblem(f"{path.name}: expected a JSON list of outage objects")
        return data
    if _table_suffix(path) != ".csv":
        raise UsageProblem(f"cannot tell the format of {path.name!r}; use .csv or .json")
    rows: list[dict[str, Any]] = []
    table = read_incidents(path, example="id,start,end,kind,planned")
    for i, raw in enumerate(table.to_dict("records")):
        row: dict[str, Any] = {
            str(k): v.strip() for k, v in raw.items() if isinstance(v, str) and v.strip()
        }
        for key in ("planned", "external"):
            if key in row:
                flag = flag_of(row[key])
                if flag is None:
                    raise UsageProblem(
                        f"{path.name} row {i + 1}, {key}: expected true or false, "
                        f"got {row[key]!r}; {FLAG_HINT}"
                    )
                row[key] = flag
        rows.append(row)
    return rows


_OUTAGE_INSTANTS = ("start", "end", "notified_at")
_INDEX = re.compile(r"^outages\[(\d+)\]\.?")


def _in_file(error: OutageError | HorizonError, name: str) -> EscalateError:
    """The error with each ``outages[i].key`` named as the file's row from 1 and its column."""

    def row(path: str) -> str:
        return _INDEX.sub(lambda m: f"{name} row {int(m[1]) + 1}, ", path).rstrip(", ")

    if isinstance(error, OutageError):
        return OutageError([attrs.evolve(p, path=row(p.path)) for p in error.problems])
    return HorizonError(f"{row(error.path)}: {error}", path=row(error.path))


def _aware_outages(rows: list[Any], tz: str | None, zone: str, name: str) -> list[Any]:
    """Read the outages' instants written without an offset in ``--tz`` (else fail).

    Unreadable instants are left as they are: the evaluation reports them by outage.
    """
    out: list[Any] = []
    for i, row in enumerate(rows):
        if not isinstance(row, Mapping):
            out.append(row)
            continue
        row = dict(row)  # noqa: PLW2901 - a copy of the caller's row
        for key in _OUTAGE_INSTANTS:
            value = row.get(key)
            try:
                parsed = datetime.fromisoformat(value.strip()) if isinstance(value, str) else None
            except ValueError:
                continue  # the evaluation reports it with its outage
            if parsed is not None and parsed.tzinfo is None:
                aware = _instant(value, f"{name} row {i + 1}, {key}", tz, zone)  # --tz, or hint
                row[key] = None if aware is None else aware.isoformat()
        out.append(row)
    return out


def _first_start(rows: Sequence[Any]) -> datetime | None:
    """The earliest readable outage start (bad ones are reported by the evaluation)."""
    found: list[datetime] = []
    for row in rows:
        start = row.get("start") if isinstance(row, Mapping) else None
        with contextlib.suppress(ValueError):
            parsed = datetime.fromisoformat(start) if isinstance(start, str) else None
            if parsed is not None and parsed.tzinfo is not None:
                found.append(parsed)
    return min(found, key=datetime.timestamp, default=None)


_EPILOG_AVAILABILITY_COMMAND = _example(
    "escalate availability --policy examples/policies/seed_004_telecom.toml \\\n"
    "      outages.csv --period 2026-11",
)


@click.command(name="availability", epilog=_EPILOG_AVAILABILITY_COMMAND)
@_POLICY
@click.argument("outages", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--period",
    default=None,
    metavar="YYYY-MM",
    help="The month to measure; the one holding --as-of or the first outage by default.",
)
@click.option(
    "--as-of",
    default=None,
    metavar="INSTANT",
    help="Measure as of this instant; the end of the period by default.",
)
@_TZ
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@_debug_option
def availability_command(  # noqa: PLR0917 - click passes options by keyword
    policy_path: Path,
    outages: Path,
    period: str | None,
    as_of: str | None,
    tz: str | None,
    as_json: bool,
) -> None:
    """Measure outages against the policy's availability objective, with the error budget.

    The table has the columns start, end (empty while open), kind (major or minor),
    planned, notified_at, external, id and description.
    """
    policy = _load(policy_path)
    if policy.availability is None:
        raise UsageProblem(f"{policy_path.name} has no [availability] objective")
    zone = tz or policy.timezone
    when = _instant(as_of, "--as-of", tz, zone)
    rows = _aware_outages(_outage_rows(outages), tz, zone, outages.name)
    if period is not None:
        found = re.fullmatch(r"(\d{4})-(\d{1,2})", period.strip())
        if found is None or not 1 <= int(found[2]) <= 12:
            raise UsageProblem(f"--period: expected YYYY-MM, got {period!r}")
        span = escalate.Period.month(int(found[1]), int(found[2]), timezone=zone)
    else:
        anchor = when or _first_start(rows)
        if anchor is None:
            raise UsageProblem("no outages and no --period or --as-of: nothing to measure")
        span = escalate.Period.containing(anchor, kind=policy.availability.period, timezone=zone)
    try:
        result = escalate.availability(policy, rows, span, as_of=when)
    except (OutageError, HorizonError) as error:
        raise _in_file(error, outages.name) from error
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return
    _console().print(Text(result.explain()), soft_wrap=True)
