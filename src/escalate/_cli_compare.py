"""``escalate compare``: the same incidents under two policies, from a shell.

It reads incidents exactly as ``escalate evaluate`` and ``escalate report`` do (every
``--shape``, ``-c``, ``--pauses``...), evaluates them under ``--before`` and ``--after``
with the same chunked evaluation, and hands both results to
:func:`escalate._compare.compare_results`. Kept apart from :mod:`escalate.cli`, whose
helpers and options it reuses; ``cli`` adds the command to its group.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import attrs
import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from escalate._cli_common import (
    _COLUMNS,
    _DURATIONS,
    _TZ,
    _as_of_or_now,
    _check_by,
    _csv_list,
    _debug_option,
    _example,
    _known,
    _load_versioned,
    _pairs,
)
from escalate._cli_files import read_header
from escalate._cli_histories import History, Source, history_options
from escalate._cli_render import _cell, _console, _duration, _in_policy_order, _percent, _when
from escalate._cli_tables import (
    UsageProblem,
    count_of,
    output_format,
    parse_instants,
    write_table,
)
from escalate._compare import Comparison, compare_results, target_names
from escalate._versions import attribute_keys

if TYPE_CHECKING:
    import pandas as pd

    from escalate._cli_tables import DurationStyle
    from escalate._policy import Policy
    from escalate._versions import PolicyVersions

__all__ = ["compare_command"]


def _read(
    history: History,
    path: Path,
    policies: tuple[Policy | PolicyVersions, Policy | PolicyVersions],
    columns: Mapping[str, str],
    *,
    tz: str | None,
    zone: str,
) -> Source:
    """Read the incidents once, keeping what either side needs.

    They are read for ``--after``; a table of incidents then has ``--before``'s event
    columns parsed too, and a history keeps ``--before``'s route attributes that the file has.
    """
    before, after = policies
    extra = sorted(attribute_keys(before) - attribute_keys(after))
    if history.shape in ("events", "snapshots") and extra:
        header = set(read_header(path))
        named = [a.strip() for a in (history.attributes or "").split(",") if a.strip()]
        found = [key for key in extra if columns.get(key, key) in header and key not in named]
        if found:
            history = attrs.evolve(history, attributes=",".join([*named, *found]))
    source = history.read(path, after, columns, tz=tz, zone=zone)
    if history.shape == "incidents":
        table = parse_instants(source.table, before, columns, tz=tz, zone=zone)
        source = attrs.evolve(source, table=table)
    return source


def _points(value: Any) -> str:
    """A difference in percentage points, signed."""
    text = _percent(value)
    return text if text == "-" else f"{float(value):+.1f}"


def _compliance_table(table: pd.DataFrame, by: Sequence[str], title: str) -> Table:
    out = Table(title=title, title_justify="left")
    for key in by:
        out.add_column(key)
    headers = ("target", "count", "before", "after", "change", "95% CI", "gained", "lost")
    for name in headers:
        out.add_column(name, justify="left" if name == "target" else "right")
    for row in table.to_dict("records"):
        low, high = _points(row["diff_ci_low"]), _points(row["diff_ci_high"])
        count = row["count_before"] if _cell(row["count_before"]) != "-" else row["count_after"]
        out.add_row(
            *(Text(_cell(row[key])) for key in by),
            Text(str(row["target"])),
            _cell(count),
            _percent(row["percent_met_before"]),
            _percent(row["percent_met_after"]),
            _points(row["difference"]),
            "-" if "-" in (low, high) else f"{low} to {high}",
            str(row["gained"]),
            str(row["lost"]),
        )
    return out


def _summary_table(result: Comparison) -> Table:
    out = Table(title="Changed incidents", title_justify="left")
    headers = (
        "target",
        "status changed",
        "met -> breached",
        "breached -> met",
        "due earlier",
        "due later",
        "median move",
    )
    for name in headers:
        out.add_column(name, justify="left" if name == "target" else "right")
    for row in result.summary.to_dict("records"):
        moved = row["median_due_moved"]
        out.add_row(
            Text(str(row["target"])),
            str(row["status_changed"]),
            str(row["met_to_breached"]),
            str(row["breached_to_met"]),
            str(row["due_earlier"]),
            str(row["due_later"]),
            "-" if _cell(moved) == "-" else _duration(moved.to_pytimedelta()),
        )
    return out


_EPILOG = _example(
    "escalate compare --before examples/policies/seed_003_saas.toml \\\n"
    "      --after new_goals.toml src/escalate/_data/sample_incidents.csv \\\n"
    "      --as-of 2026-12-01T00:00-05:00 -o changes.csv",
)


@click.command(name="compare", epilog=_EPILOG)
@click.option(
    "--before",
    "before_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The policy in force (.toml, .json, .yaml), or its versions.",
)
@click.option(
    "--after",
    "after_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The policy to try on the same incidents, or versions.",
)
@click.argument("incidents", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--by",
    default="severity",
    show_default=True,
    metavar="KEYS",
    help="Group by these comma-separated columns; 'month' is the opening's month in the "
    "--before policy's zone (or --tz).",
)
@click.option(
    "--targets",
    default=None,
    metavar="NAMES",
    help="Only these comma-separated targets (those of either policy by default).",
)
@click.option(
    "--as-of",
    default=None,
    metavar="INSTANT",
    help="Evaluate both sides as of this instant; now (the system clock) by default.",
)
@_TZ
@_COLUMNS
@history_options
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    default=None,
    help="Write the per-incident differences here (.csv, .json or .parquet).",
)
@click.option(
    "--changed-only",
    is_flag=True,
    help="Write only the incidents whose outcome changed (a target's status or the tier).",
)
@_DURATIONS
@_debug_option
def compare_command(  # noqa: PLR0917 - click passes options by keyword
    before_path: Path,
    after_path: Path,
    incidents: Path,
    by: str,
    targets: str | None,
    as_of: str | None,
    tz: str | None,
    column_pairs: tuple[str, ...],
    history: History,
    output: Path | None,
    changed_only: bool,
    durations: DurationStyle,
) -> None:
    """Compare the same incidents under two policies: what would change with new goals?

    Prints each side's share met per group, the change in percentage points with a 95%
    interval for paired shares (Newcombe's hybrid score interval: the same incidents on
    both sides), and how many incidents change status or deadline. Reads incidents as
    ``escalate evaluate`` does (--shape, -c, --pauses...).
    """
    before, before_named = _load_versioned(before_path)
    after, _latest = _load_versioned(after_path)
    zone = tz or before_named.timezone
    keys = _csv_list(by, "--by")
    known = target_names(before, after)
    names = None if targets is None else _csv_list(targets, "--targets")
    for name in names or ():
        _known("--targets", name, known, "target")
    when = _as_of_or_now(as_of, tz, zone)
    columns = _pairs(column_pairs, "--column")
    history.check()
    if output is not None:
        output_format(output)
    if history.shape != "incidents":
        _check_by(keys, ["id", "opened"])
    source = _read(history, incidents, (before, after), columns, tz=tz, zone=zone)
    if not source.count:
        raise UsageProblem(f"{incidents.name} has no incidents, only a header: nothing to compare")
    _check_by(keys, source.names)
    results = (source.evaluate(before, as_of=when), source.evaluate(after, as_of=when))
    result = compare_results(
        results,
        (before, after),
        by=keys,
        targets=names,
        time_column=source.opened,
        period_timezone=zone,
    )
    to_stdout = output is not None and str(output) == "-"  # the table takes stdout
    console = Console(highlight=False, soft_wrap=False, stderr=True) if to_stdout else _console()
    console.print(Text(f"before: {before_path.name}; after: {after_path.name}"))
    title = f"Share met of {count_of(source.count, 'incident')} as of {_when(when, ZoneInfo(zone))}"
    table = _in_policy_order(result.compliance, before, keys)
    console.print(_compliance_table(table, keys, title))
    console.print(_summary_table(result))
    changed = int(result.changes["changed"].sum())
    tiers = int(result.changes["tier_changed"].sum())
    click.echo(
        f"{changed} of {count_of(source.count, 'incident')} change outcome (a target's "
        f"status or the tier in force); the tier in force changes for {tiers}.",
        err=to_stdout,
    )
    if output is not None:
        rows = result.changes[result.changes["changed"]] if changed_only else result.changes
        write_table(rows, output, zone=zone, durations=durations)
        if not to_stdout:
            click.echo(f"wrote {count_of(len(rows), 'row')} to {output}", err=True)
