"""The ``escalate`` command line: check a policy, a deadline or a year of tickets from a shell.

Install it with the ``cli`` extra (``pip install 'escalate-sla[cli]'``), which brings click,
rich and pandas. Every command prints an example with ``--help``; ``escalate demo`` runs
on a bundled policy and sample and needs no files. Reading and writing tables of incidents
lives in :mod:`escalate._cli_tables`; the error handling, options and parsers the commands
share in :mod:`escalate._cli_common`; ``availability`` and ``compare`` in modules of their
own.

Zones: months (``report --by month``, ``availability``) and the instants written to files
are in the policy's zone (:attr:`escalate.Policy.timezone`), or in ``--tz`` when given;
``--tz`` is also the zone of instants written without a UTC offset.

Errors are one line on standard error with exit status 2 (``--debug`` shows the
traceback instead); ``escalate validate`` exits with status 1 when the policy has
problems.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Sequence
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn
from zoneinfo import ZoneInfo

try:
    import click
    from rich.text import Text
except ModuleNotFoundError as _missing:  # pragma: no cover - tested in a subprocess
    from escalate._errors import MissingExtraError

    raise MissingExtraError("the escalate command", "cli", _missing.name or "click") from None

import escalate
from escalate._cli_common import (
    _COLUMNS,
    _DURATIONS,
    _POLICY,
    _TZ,
    _as_of_or_now,
    _check_by,
    _csv_list,
    _debug_option,
    _example,
    _Group,
    _incidents,
    _instant,
    _known,
    _load_versioned,
    _pairs,
)
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
    in_zone,
)
from escalate._cli_tables import (
    DurationStyle,
    UsageProblem,
    check_folder,
    count_of,
    evaluate_table,
    output_format,
    write_table,
)
from escalate._errors import PolicyError
from escalate._policy import (
    Policy,
)
from escalate._versions import PolicyVersions, load_any, policies_of

if TYPE_CHECKING:
    import pandas as pd


__all__ = ["UsageProblem", "app", "main"]

#: The fixed instants of ``escalate demo``, so its output never changes.
_DEMO_INCIDENT_AS_OF = "2026-11-18T11:00:00-05:00"
_DEMO_SAMPLE_AS_OF = "2026-11-30T18:00:00-05:00"


# -- the commands ---------------------------------------------------------------------


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
    for key, option in (("severity", "--severity"), ("at", "--opened"), ("plan", "--plan")):
        if key in attributes and (key != "plan" or plan is not None):
            raise UsageProblem(f"--attr {key}=...: the opening's {key} is {option}; give it once")
    if "type" in attributes:
        raise UsageProblem("--attr type=...: 'type' is the kind of the event; name it otherwise")
    if not severity.strip():
        _known("--severity", severity, policy.severity_names)
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
    zone = ZoneInfo(tz or policy.timezone)  # checked by _instant: a known zone
    if as_json:
        form = in_zone({**ev.to_dict(), "schedule": _schedule_json(ev)}, zone)
        if explain:
            form["explanation"] = ev.explain(zone=str(zone)).splitlines()
        click.echo(json.dumps(form, indent=2))
        return
    _show_evaluation(_console(), ev, explain=explain, zone=zone)


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
    source = history.read(incidents, loaded, columns, tz=tz, zone=zone)
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
    known = list(dict.fromkeys(t.name for p in policies_of(loaded) for t in p.targets))
    for name in names or ():  # a target of any version
        _known("--targets", name, known, "target")
    plotter = _plotter(plot) if plot is not None else None
    when = _as_of_or_now(as_of, tz, zone)
    columns = _pairs(column_pairs, "--column")
    history.check()
    if output is not None:
        output_format(output)
    if history.shape != "incidents":  # the results' columns are known before reading
        _check_by(keys, ["id", "opened", *history.attribute_roles(loaded)])
    source = history.read(incidents, loaded, columns, tz=tz, zone=zone)
    if not source.count:
        raise UsageProblem(f"{incidents.name} has no incidents, only a header: nothing to report")
    _check_by(keys, source.names)
    results = source.evaluate(loaded, as_of=when)
    opened = source.opened
    table = _in_policy_order(
        escalate.compliance(
            results, by=tuple(keys), targets=names, time_column=opened, timezone=zone
        ),
        loaded,
        keys,
    )
    failed = int(results["error"].notna().sum())
    counted = count_of(source.count, "incident")
    if failed:  # left out of the table: say so where the figures are read
        counted = f"{source.count - failed} of {counted} ({failed} could not be evaluated)"
    _console().print(
        _compliance_table(
            table, keys, f"Compliance of {counted} as of {_when(when, ZoneInfo(zone))}"
        )
    )
    if output is not None:
        write_table(table, output, zone=zone, durations=durations)
    if plotter is not None and plot is not None:
        line_key = next((k for k in keys if k != "month"), "severity")
        plotter(results, target=(names or ["resolution"])[0], by=line_key, opened=opened, zone=zone)
        click.echo(f"saved the chart to {plot}", err=True)


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
    check_folder(path, "--plot")
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


# `escalate availability` and `escalate compare` live in their own modules, which reuse
# the helpers above
from escalate._cli_availability import availability_command  # noqa: E402
from escalate._cli_compare import compare_command  # noqa: E402

app.add_command(availability_command)
app.add_command(compare_command)


def main(args: Sequence[str] | None = None) -> NoReturn:
    """Run the ``escalate`` command with ``args`` (``sys.argv[1:]`` by default) and exit."""
    app.main(args)
