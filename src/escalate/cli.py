"""The ``escalate`` command line: check a policy, a deadline or a year of tickets from a shell.

Install it with the ``cli`` extra (``pip install 'escalate-sla[cli]'``), which brings click,
rich and pandas. Every command prints an example with ``--help``; ``escalate demo`` runs
on a bundled policy and sample and needs no files. Reading and writing tables of incidents
lives in :mod:`escalate._cli_tables`.

Zones: months (``report --by month``, ``availability``) and the instants written to files
are in the policy's zone (:attr:`escalate.Policy.timezone`), or in ``--tz`` when given;
``--tz`` is also the zone of instants written without a UTC offset.

Errors are one line on standard error with exit status 2 (``--debug`` shows the
traceback instead); ``escalate validate`` exits with status 1 when the policy has
problems.
"""

from __future__ import annotations

import contextlib
import csv
import importlib
import json
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

try:
    import click
    from rich.text import Text
except ModuleNotFoundError as _missing:  # pragma: no cover - tested in a subprocess
    from escalate._errors import MissingExtraError

    raise MissingExtraError("the escalate command", "cli", _missing.name or "click") from None

import escalate
from escalate._cli_histories import History, history_options
from escalate._cli_render import (
    _compliance_table,
    _console,
    _in_policy_order,
    _problem_line,
    _schedule_json,
    _show_evaluation,
    _show_versions,
    _summary,
    _when,
)
from escalate._cli_tables import (
    _EXAMPLE_WALL_TIME,
    DurationStyle,
    UsageProblem,
    check_layout,
    count_of,
    evaluate_table,
    example_instant,
    one_line,
    output_format,
    parse_instants,
    read_incidents,
    read_json,
    write_table,
)
from escalate._errors import EscalateError, PolicyError, did_you_mean
from escalate._policy import (
    Policy,
)
from escalate._versions import PolicyVersions, load_any

if TYPE_CHECKING:
    import pandas as pd


__all__ = ["UsageProblem", "app", "main"]

_F = TypeVar("_F", bound=Callable[..., Any])

#: The fixed instants of ``escalate demo``, so its output never changes.
_DEMO_INCIDENT_AS_OF = "2026-11-18T11:00:00-05:00"
_DEMO_SAMPLE_AS_OF = "2026-11-30T18:00:00-05:00"


# -- error handling -------------------------------------------------------------------


def _fail(message: str) -> NoReturn:
    click.echo(f"escalate: error: {message}", err=True)
    sys.exit(2)


class _Group(click.Group):
    """The command group, which turns every error into one line on stderr with status 2."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,  # noqa: ARG002 - always standalone, by design
        **extra: Any,
    ) -> NoReturn:
        argv = list(sys.argv[1:] if args is None else args)
        debug = "--debug" in argv
        try:
            result = super().main(
                argv, prog_name or "escalate", complete_var, standalone_mode=False, **extra
            )
        except click.UsageError as error:
            if debug:
                raise
            where = error.ctx.command_path if error.ctx is not None else "escalate"
            _fail(f"{one_line(error)} (see '{where} --help')")
        except click.ClickException as error:
            if debug:
                raise
            _fail(one_line(error))
        except click.Abort:
            click.echo("escalate: aborted", err=True)
            sys.exit(130)
        except EscalateError as error:
            if debug:
                raise
            _fail(one_line(error))
        except OSError as error:
            if debug:
                raise
            _fail(f"{error.strerror or error}: {error.filename}" if error.filename else str(error))
        except Exception as error:
            if debug:
                raise
            _fail(f"unexpected {type(error).__name__}: {one_line(error)} (rerun with --debug)")
        sys.exit(result if isinstance(result, int) else 0)


def _debug_option(function: _F) -> _F:
    """Accept ``--debug`` on every command too (the group's handler reads it)."""
    return click.option(
        "--debug",
        is_flag=True,
        expose_value=False,
        help="Show the full traceback of an error instead of one line.",
    )(function)


# -- parsing command-line values ------------------------------------------------------


def _checked_zone(
    ctx: click.Context | None,  # noqa: ARG001 - click's callback signature
    param: click.Parameter | None,  # noqa: ARG001
    name: str | None,
) -> str | None:
    """Check ``--tz`` before anything else runs: an unknown zone is never ignored."""
    if name is None:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        hint = did_you_mean(name, sorted(available_timezones())) or (
            "use an IANA name such as America/Bogota or UTC"
        )
        raise UsageProblem(f"--tz: unknown time zone {name!r}; {hint}") from None
    return name


def _instant(value: str | None, option: str, tz: str | None, zone: str) -> datetime | None:
    """Parse an ISO 8601 instant (or ``now``); a naive one is read in ``--tz``.

    Without ``--tz`` a naive instant is an error whose example carries the offset the
    wall time has in ``zone`` (the policy's), so the example itself is accepted.
    """
    if value is None:
        return None
    text = value.strip()
    if text.lower() == "now":
        return datetime.now(UTC)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise UsageProblem(
            f"{option}: {value!r} is not an ISO 8601 instant; write e.g. "
            f"{example_instant(_EXAMPLE_WALL_TIME, zone)}"
        ) from None
    if parsed.tzinfo is None:
        if tz is None:
            raise UsageProblem(
                f"{option}: {value!r} has no UTC offset; write e.g. "
                f"{example_instant(parsed, zone)}, or pass --tz {zone} (the policy's zone)"
            )
        parsed = parsed.replace(tzinfo=ZoneInfo(tz))
    return parsed


def _pairs(values: Sequence[str], option: str) -> dict[str, str]:
    """Parse repeated ``KEY=VALUE`` options."""
    out: dict[str, str] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageProblem(f"{option}: expected KEY=VALUE, got {item!r}")
        out[key.strip()] = value.strip()
    return out


def _csv_list(value: str, option: str) -> list[str]:
    items = [part.strip() for part in value.split(",") if part.strip()]
    if not items:
        raise UsageProblem(f"{option}: expected a comma-separated list, got {value!r}")
    return items


def _known(option: str, value: str, choices: Sequence[str], noun: str | None = None) -> None:
    """Fail with a "did you mean" when ``value`` is not one of the policy's names."""
    if value not in choices:
        hint = did_you_mean(value, choices) or (
            "the policy has " + (", ".join(map(repr, choices)) or "none")
        )
        raise UsageProblem(f"{option}: unknown {noun or option[2:]} {value!r}; {hint}")


def _load(path: Path) -> Policy:
    return escalate.load_policy(path)


def _load_versioned(path: Path) -> tuple[Policy | PolicyVersions, Policy]:
    """A policy file with or without versions, and the policy that names things (the latest)."""
    loaded = load_any(path)
    return loaded, loaded.latest.policy if isinstance(loaded, PolicyVersions) else loaded


# -- showing things -------------------------------------------------------------------


_RESULT_KEYS = (
    "severity", "plan", "route", "tier_level", "tier_name", "error", "month", "policy_version",
)  # fmt: skip


def _incidents(
    path: Path, policy: Policy, columns: Mapping[str, str], *, tz: str | None, zone: str
) -> pd.DataFrame:
    """Read a table of incidents and its instants (in ``zone``), checking its layout."""
    frame = read_incidents(path)
    check_layout(frame, columns, path.name)
    return parse_instants(frame, policy, columns, tz=tz, zone=zone)


def _as_of_or_now(value: str | None, tz: str | None, zone: str) -> datetime:
    found = _instant(value, "--as-of", tz, zone)
    return found if found is not None else datetime.now(UTC)


# -- the commands ---------------------------------------------------------------------


def _example(*commands: str) -> str:
    """The epilog of a command's ``--help``: its examples, kept as written (not rewrapped)."""
    return "\b\nExample:\n" + "\n".join(f"  {command}" for command in commands)


_POLICY = click.option(
    "--policy",
    "-p",
    "policy_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The policy file (.toml, .json, .yaml).",
)
_TZ: Callable[[_F], _F] = click.option(
    "--tz",
    default=None,
    metavar="ZONE",
    callback=_checked_zone,
    help="The IANA zone (e.g. America/Bogota) of instants written without a UTC offset; "
    "also the zone of months and of instants written out, which is the policy's otherwise.",
)
_DURATIONS: Callable[[_F], _F] = click.option(
    "--durations",
    type=click.Choice(["seconds", "iso"]),
    default="seconds",
    show_default=True,
    help="Durations in files: seconds (columns named ..._seconds) or ISO 8601 (PT40H).",
)
_COLUMNS: Callable[[_F], _F] = click.option(
    "--column",
    "-c",
    "column_pairs",
    multiple=True,
    metavar="ROLE=YOURS",
    help="Map a column to its role, e.g. -c opened=created_at, or for a history "
    "-c at=sys_updated_at; -c fix_released= (nothing after the '=') says the table has "
    "no such events (repeatable).",
)


_EPILOG_APP = _example(
    "escalate demo",
    "escalate validate my_policy.toml",
    "escalate deadline --policy my_policy.toml --severity alta \\\n"
    "      --opened 2026-11-13T16:10-05:00",
)


@click.group(
    "escalate",
    cls=_Group,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=_EPILOG_APP,
)
@click.version_option(escalate.__version__, "--version", "-V", prog_name="escalate")
@click.option("--debug", is_flag=True, help="Show the full traceback of an error.")
def app(debug: bool) -> None:
    """Business-hours SLA deadlines, escalations and compliance from the command line."""


_EPILOG_DEMO = _example(
    "escalate demo",
)


@app.command(epilog=_EPILOG_DEMO)
@_debug_option
def demo() -> None:
    """Show deadlines, escalation and compliance on the bundled seed 003 policy and sample.

    Needs no files: the policy (a Bogotá SaaS desk, 07:30-12:30 and 13:30-17:00 on
    weekdays, Colombian holidays) and 200 fictitious incidents ship with escalate.
    """
    console = _console()
    data = resources.files("escalate") / "_data"
    with resources.as_file(data / "seed_003_saas.toml") as path:
        policy = escalate.load_policy(path)
    timeline = (
        escalate.Timeline.open("2026-11-13T16:10:00-05:00", severity="alta", category="billing")
        .respond("2026-11-17T08:00:00-05:00")
        .pause("2026-11-17T09:00:00-05:00", reason="waiting for the customer")
        .resume("2026-11-17T14:00:00-05:00")
    )
    as_of = datetime.fromisoformat(_DEMO_INCIDENT_AS_OF)
    ev = escalate.evaluate(policy, timeline, as_of=as_of)
    console.rule(Text("escalate demo: the seed 003 SaaS agreement (bundled)"))
    console.print(
        Text(
            "One incident: opened Friday 13 November 16:10 (alta, billing), answered Tuesday "
            "08:00 (Monday 16 is a holiday in Colombia), paused 09:00-14:00 waiting for "
            "the customer."
        ),
        soft_wrap=True,
    )
    _show_evaluation(console, ev, explain=True)

    with resources.as_file(data / "sample_incidents.csv") as path:
        frame = _incidents(path, policy, {}, tz=None, zone=policy.timezone)
    results = evaluate_table(
        frame, policy, as_of=datetime.fromisoformat(_DEMO_SAMPLE_AS_OF), columns={}, progress=False
    )
    table = _in_policy_order(
        escalate.compliance(results, by=("severity",), targets=("response", "resolution")),
        policy,
        ["severity"],
    )
    console.print()
    console.print(
        _compliance_table(
            table,
            ["severity"],
            f"Compliance of {len(frame)} sample incidents (October-November 2026), as of "
            f"{_when(datetime.fromisoformat(_DEMO_SAMPLE_AS_OF))}",
        )
    )
    console.print(
        Text(
            "\nNext: escalate validate my_policy.toml; escalate deadline --policy "
            "my_policy.toml --severity alta --opened 2026-11-13T16:10-05:00"
        ),
        soft_wrap=True,
    )


_EPILOG_VALIDATE = _example(
    "escalate validate examples/policies/seed_003_saas.toml",
)


@app.command(epilog=_EPILOG_VALIDATE)
@click.argument(
    "policy_path", metavar="POLICY", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@_debug_option
@click.pass_context
def validate(ctx: click.Context, policy_path: Path) -> None:
    """Check a policy file: list every problem, or summarise what it defines.

    Each problem names its key path (severities.alta.response) or, for a syntax error,
    its line and column. The exit status is 1 when there are problems.
    """
    try:
        loaded = load_any(policy_path)
    except PolicyError as error:
        for problem in error.problems:
            click.echo(_problem_line(policy_path, problem))
        count = len(error.problems)
        click.echo(f"{policy_path}: {count} problem{'s' if count != 1 else ''} found", err=True)
        ctx.exit(1)
    console = _console()
    if isinstance(loaded, Policy):
        _summary(console, loaded, policy_path)
        return
    _show_versions(console, loaded, policy_path)
    for i, version in enumerate(loaded.versions):
        console.print(Text(f"\nversions[{i}]: {version.name}", style="bold"))
        _summary(console, version.policy, policy_path, f"versions[{i}].policy")


_EPILOG_DEADLINE = _example(
    "escalate deadline --policy examples/policies/seed_003_saas.toml \\\n"
    "      --severity alta --opened 2026-11-13T16:10-05:00 -a category=billing",
    "escalate deadline --policy examples/policies/seed_003_saas.toml \\\n"
    "      --severity alta --opened 2026-11-13T16:10-05:00 \\\n"
    "      --as-of 2026-11-17T09:00-05:00 --plot incident.png",
)


@app.command(epilog=_EPILOG_DEADLINE)
@_POLICY
@click.option("--severity", "-s", required=True, help="The incident's severity, e.g. alta.")
@click.option(
    "--opened",
    "-t",
    required=True,
    metavar="INSTANT",
    help="When it opened, ISO 8601 with an offset (2026-11-13T16:10-05:00).",
)
@click.option("--plan", default=None, help="The support plan, when the policy has plans.")
@click.option(
    "--attr",
    "-a",
    "attr_pairs",
    multiple=True,
    metavar="KEY=VALUE",
    help="An incident attribute for routes, e.g. -a category=billing (repeatable).",
)
@click.option(
    "--as-of",
    default=None,
    metavar="INSTANT",
    help="Evaluate as of this instant (or 'now'); the opening by default.",
)
@_TZ
@click.option("--json", "as_json", is_flag=True, help="Print the evaluation as JSON.")
@click.option("--explain", is_flag=True, help="Also print the explanation.")
@click.option(
    "--plot",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also save the incident's timeline (.png, .svg, .pdf): counted and closed time, "
    "the deadlines and the tiers, per target. Needs matplotlib.",
)
@_debug_option
def deadline(  # noqa: PLR0917 - click passes options by keyword
    policy_path: Path,
    severity: str,
    opened: str,
    plan: str | None,
    attr_pairs: tuple[str, ...],
    as_of: str | None,
    tz: str | None,
    as_json: bool,
    explain: bool,
    plot: Path | None,
) -> None:
    """Show the targets, due instants and tier schedule of a new incident."""
    if plot is not None:
        _image_format(plot)
    loaded, policy = _load_versioned(policy_path)
    opened_at = _instant(opened, "--opened", tz, policy.timezone)
    assert opened_at is not None  # noqa: S101 - a required option
    when = _instant(as_of, "--as-of", tz, policy.timezone) or opened_at
    if when < opened_at:
        raise UsageProblem(
            f"--as-of {as_of} is before --opened {opened}; evaluate at or after the opening"
        )
    attributes: dict[str, Any] = _pairs(attr_pairs, "--attr")
    if plan is not None:
        attributes["plan"] = plan
    timeline = escalate.Timeline.open(opened_at, severity=severity, **attributes)
    if isinstance(loaded, PolicyVersions):  # the names to check are the judging version's
        version = loaded.select(timeline, as_of=when)
        policy = version.policy
        click.echo(f"policy version: {version.name}", err=True)
    _known("--severity", severity, policy.severity_names)
    if plan is not None:
        _known("--plan", plan, [p.name for p in policy.plans])
    ev = escalate.evaluate(policy, timeline, as_of=when)
    if plot is not None:
        escalate.plot_incident(ev, zone=tz).savefig(plot, bbox_inches="tight")
        click.echo(f"saved the timeline to {plot}", err=True)
    if as_json:
        click.echo(json.dumps({**ev.to_dict(), "schedule": _schedule_json(ev)}, indent=2))
        return
    _show_evaluation(_console(), ev, explain=explain)


_EPILOG_EVALUATE_COMMAND = _example(
    "escalate evaluate --policy examples/policies/seed_003_saas.toml \\\n"
    "      src/escalate/_data/sample_incidents.csv \\\n"
    "      --as-of 2026-12-01T00:00-05:00 -o results.csv",
    "escalate evaluate --policy examples/policies/servicenow_desk.toml \\\n"
    "      tests/data/servicenow_sample.csv.gz --shape snapshots \\\n"
    "      -c id=number -c at=sys_updated_at -c status=incident_state \\\n"
    "      -c severity=priority -c sequence=sys_mod_count \\\n"
    "      --time-format '%d/%m/%Y %H:%M' --tz America/Sao_Paulo \\\n"
    "      --as-of 2017-06-01T00:00-03:00 -o results.csv",
)


@app.command(name="evaluate", epilog=_EPILOG_EVALUATE_COMMAND)
@_POLICY
@click.argument("incidents", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    default=None,
    help="Write here; .csv, .json or .parquet (CSV on stdout when absent or -).",
)
@click.option(
    "--as-of",
    default=None,
    metavar="INSTANT",
    help="Evaluate as of this instant; now (the system clock) by default.",
)
@_TZ
@_DURATIONS
@_COLUMNS
@history_options
@_debug_option
def evaluate_command(  # noqa: PLR0917 - click passes options by keyword
    policy_path: Path,
    incidents: Path,
    output: Path | None,
    as_of: str | None,
    tz: str | None,
    durations: DurationStyle,
    column_pairs: tuple[str, ...],
    history: History,
) -> None:
    """Evaluate a table of incidents or their histories: one row out per incident.

    A table of incidents (the default --shape) has the columns id, opened, responded,
    resolved, severity (plan and route attributes such as category optional); other
    columns are copied through, and --pauses adds pause spans. A history (--shape events,
    snapshots or changes) gives one row per incident: id, opened, then the same figures.
    Bad rows get an error message instead of figures. Instants are written in the
    policy's zone (or --tz), durations in seconds.
    """
    loaded, policy = _load_versioned(policy_path)
    zone = tz or policy.timezone
    when = _as_of_or_now(as_of, tz, zone)
    if output is not None:
        output_format(output)
    columns = _pairs(column_pairs, "--column")
    history.check()
    source = history.read(incidents, policy, columns, tz=tz, zone=zone)
    results = source.evaluate(loaded, as_of=when)
    write_table(results, output, zone=zone, durations=durations)
    if output is not None and str(output) != "-":
        failed = int(results["error"].notna().sum())
        click.echo(
            f"wrote {count_of(len(results), 'row')} to {output} "
            f"({count_of(failed, 'row')} with errors)",
            err=True,
        )


_EPILOG_REPORT = _example(
    "escalate report --policy examples/policies/seed_003_saas.toml \\\n"
    "      src/escalate/_data/sample_incidents.csv \\\n"
    "      --by severity,month --as-of 2026-12-01T00:00-05:00",
)


@app.command(epilog=_EPILOG_REPORT)
@_POLICY
@click.argument("incidents", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--by",
    default="severity",
    show_default=True,
    metavar="KEYS",
    help="Group by these comma-separated columns; 'month' is the opening's month in the "
    "policy's zone (or --tz).",
)
@click.option(
    "--targets",
    default=None,
    metavar="NAMES",
    help="Only these comma-separated targets (all by default).",
)
@click.option(
    "--as-of",
    default=None,
    metavar="INSTANT",
    help="Evaluate as of this instant; now (the system clock) by default.",
)
@_TZ
@_COLUMNS
@history_options
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    default=None,
    help="Also write the table (.csv, .json or .parquet).",
)
@_DURATIONS
@click.option(
    "--plot",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Save a chart (.png, .svg, .pdf) of the share met per month: the first of "
    "--targets (resolution by default), one line per value of the first --by key other "
    "than month (severity by default). Needs matplotlib.",
)
@_debug_option
def report(  # noqa: PLR0917 - click passes options by keyword
    policy_path: Path,
    incidents: Path,
    by: str,
    targets: str | None,
    as_of: str | None,
    tz: str | None,
    column_pairs: tuple[str, ...],
    history: History,
    output: Path | None,
    durations: DurationStyle,
    plot: Path | None,
) -> None:
    """Print the compliance table: share of targets met per group, with a 95% interval.

    Reads incidents as ``escalate evaluate`` does (--shape, -c, --pauses...).
    """
    loaded, policy = _load_versioned(policy_path)
    zone = tz or policy.timezone
    keys = _csv_list(by, "--by")
    names = None if targets is None else _csv_list(targets, "--targets")
    for name in names or ():
        _known("--targets", name, [t.name for t in policy.targets], "target")
    plotter = _plotter(plot) if plot is not None else None
    when = _as_of_or_now(as_of, tz, zone)
    columns = _pairs(column_pairs, "--column")
    history.check()
    if output is not None:
        output_format(output)
    if history.shape != "incidents":  # the results' columns are known before reading
        _check_by(keys, ["id", "opened", *history.attribute_roles(policy)])
    source = history.read(incidents, policy, columns, tz=tz, zone=zone)
    if not source.count:
        raise UsageProblem(f"{incidents.name} has no incidents, only a header: nothing to report")
    _check_by(keys, source.names)
    results = source.evaluate(loaded, as_of=when)
    opened = source.opened
    table = _in_policy_order(
        escalate.compliance(
            results, by=tuple(keys), targets=names, time_column=opened, timezone=zone
        ),
        policy,
        keys,
    )
    _console().print(
        _compliance_table(
            table, keys, f"Compliance of {count_of(source.count, 'incident')} as of {_when(when)}"
        )
    )
    if output is not None:
        write_table(table, output, zone=zone, durations=durations)
    if plotter is not None and plot is not None:
        line_key = next((k for k in keys if k != "month"), "severity")
        plotter(results, target=(names or ["resolution"])[0], by=line_key, opened=opened, zone=zone)
        click.echo(f"saved the chart to {plot}", err=True)


def _check_by(keys: Sequence[str], columns: Sequence[str]) -> None:
    """Fail when a ``--by`` key is neither an input column kept, a result, nor ``month``."""
    known = {*columns, *_RESULT_KEYS}
    missing = [k for k in keys if k not in known]
    if missing:
        raise UsageProblem(
            f"--by: no column {missing[0]!r}; the columns are " + ", ".join(columns) + " and month"
        )


def _plotter(path: Path) -> Callable[..., None]:
    """Return a function saving a compliance chart to ``path``, or fail with what is missing.

    Checked before any work is done: matplotlib is there and knows the file's format.
    """
    _image_format(path)

    def save(results: pd.DataFrame, *, target: str, by: str, opened: str, zone: str) -> None:
        figure = escalate.plot_compliance(
            results, target=target, by=by, freq="M", time_column=opened, timezone=zone
        )
        figure.savefig(path, bbox_inches="tight")

    return save


def _image_format(path: Path) -> None:
    """Fail with what is missing unless matplotlib is there and can write ``path``."""
    try:
        figure_module = importlib.import_module("matplotlib.figure")
    except ImportError:
        raise UsageProblem(
            "--plot needs matplotlib; install it with: pip install 'escalate-sla[plot]'"
        ) from None
    formats = figure_module.Figure().canvas.get_supported_filetypes()
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in formats:
        raise UsageProblem(
            f"--plot: cannot tell the image format of {path.name!r}; use .png, .svg or .pdf"
        )


_EPILOG_SCHEMA = _example(
    "escalate schema > policy.schema.json",
)


@app.command(epilog=_EPILOG_SCHEMA)
@_debug_option
def schema() -> None:
    """Print the JSON Schema of policy files (for editors and CI checks)."""
    click.echo(json.dumps(escalate.policy_schema(), indent=2, ensure_ascii=False))


_TRUE = {"true", "yes", "1", "y", "t"}
_FALSE = {"false", "no", "0", "n", "f", ""}


def _outage_rows(path: Path) -> list[dict[str, Any]]:
    """Read outages from CSV or JSON as mappings for ``Outage.from_dict``."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        data = read_json(path)
        if not isinstance(data, list):
            raise UsageProblem(f"{path.name}: expected a JSON list of outage objects")
        return data
    if suffix != ".csv":
        raise UsageProblem(f"cannot tell the format of {path.name!r}; use .csv or .json")
    rows: list[dict[str, Any]] = []
    with path.open(newline="", encoding="utf-8") as handle:
        for i, raw in enumerate(csv.DictReader(handle)):
            row: dict[str, Any] = {k: v.strip() for k, v in raw.items() if k and v and v.strip()}
            for key in ("planned", "external"):
                if key in row:
                    value = str(row[key]).lower()
                    if value not in _TRUE | _FALSE:
                        raise UsageProblem(
                            f"outages[{i}].{key}: expected true or false, got {row[key]!r}"
                        )
                    row[key] = value in _TRUE
            rows.append(row)
    return rows


_OUTAGE_INSTANTS = ("start", "end", "notified_at")


def _aware_outages(rows: list[Any], tz: str | None, zone: str) -> list[Any]:
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
                aware = _instant(value, f"outages[{i}].{key}", tz, zone)  # --tz, or the hint
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


@app.command(name="availability", epilog=_EPILOG_AVAILABILITY_COMMAND)
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
    rows = _aware_outages(_outage_rows(outages), tz, zone)
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
    result = escalate.availability(policy, rows, span, as_of=when)
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return
    _console().print(Text(result.explain()), soft_wrap=True)


# `escalate compare` lives in its own module, which reuses the helpers above
from escalate._cli_compare import compare_command  # noqa: E402

app.add_command(compare_command)


def main(args: Sequence[str] | None = None) -> NoReturn:
    """Run the ``escalate`` command with ``args`` (``sys.argv[1:]`` by default) and exit."""
    app.main(args)
