"""The ``escalate`` command line: check a policy, a deadline or a year of tickets from a shell.

Install it with the ``cli`` extra (``pip install 'escalate[cli]'``), which brings click,
rich and pandas. Every command prints an example with ``--help``; ``escalate demo`` runs
on a bundled policy and sample and needs no files.

Errors are one line on standard error with exit status 2 (``--debug`` shows the
traceback instead); ``escalate validate`` exits with status 1 when the policy has
problems.
"""

from __future__ import annotations

import contextlib
import csv
import importlib
import json
import math
import re
import sys
import warnings
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

try:
    import click
    from rich.console import Console
    from rich.progress import Progress
    from rich.table import Table
    from rich.text import Text
except ModuleNotFoundError as _missing:  # pragma: no cover - tested in a subprocess
    from escalate._errors import MissingExtraError

    raise MissingExtraError("the escalate command", "cli", _missing.name or "click") from None

import escalate
from escalate._errors import ConfigError, EscalateError, PolicyError, Problem, did_you_mean
from escalate._policy import (
    AfterElapsed,
    AtOpen,
    AtPercent,
    Manual,
    OnBreach,
    Policy,
    Tier,
    Trigger,
)

if TYPE_CHECKING:
    import pandas as pd

    from escalate._results import Evaluation

__all__ = ["app", "main"]

_F = TypeVar("_F", bound=Callable[..., Any])

#: Rows per call of ``evaluate_frame``; the progress bar advances once per chunk.
_CHUNK = 20_000
#: The built-in event columns holding instants, besides the policy's custom events.
_INSTANT_COLUMNS = ("opened", "responded", "resolved")
_LINE_COLUMN = re.compile(r"at line (\d+), column (\d+)")
_AWARE = r"(?:[+-]\d\d(?::?\d\d(?::?\d\d)?)?|Z)$"

#: The fixed instants of ``escalate demo``, so its output never changes.
_DEMO_INCIDENT_AS_OF = "2026-11-18T11:00:00-05:00"
_DEMO_SAMPLE_AS_OF = "2026-11-30T18:00:00-05:00"


class UsageProblem(click.UsageError):
    """A value given on the command line (or a file's layout) cannot be used."""


# -- error handling -------------------------------------------------------------------


def _one_line(error: BaseException) -> str:
    """The error as one line: a configuration error's problems joined with ``; ``."""
    if isinstance(error, ConfigError) and len(error.problems) > 1:
        return f"{len(error.problems)} problems: " + "; ".join(map(str, error.problems))
    text = error.format_message() if isinstance(error, click.ClickException) else str(error)
    return " ".join(text.split()) or type(error).__name__


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
            _fail(f"{_one_line(error)} (see '{where} --help')")
        except click.ClickException as error:
            if debug:
                raise
            _fail(_one_line(error))
        except click.Abort:
            click.echo("escalate: aborted", err=True)
            sys.exit(130)
        except EscalateError as error:
            if debug:
                raise
            _fail(_one_line(error))
        except OSError as error:
            if debug:
                raise
            _fail(f"{error.strerror or error}: {error.filename}" if error.filename else str(error))
        except Exception as error:
            if debug:
                raise
            _fail(f"unexpected {type(error).__name__}: {_one_line(error)} (rerun with --debug)")
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


def _zone(name: str | None) -> ZoneInfo | None:
    if name is None:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageProblem(
            f"unknown time zone {name!r}; use an IANA name such as 'America/Bogota'"
        ) from None


def _instant(value: str | None, option: str, tz: str | None) -> datetime | None:
    """Parse an ISO 8601 instant (or ``now``); a naive one needs ``--tz``."""
    if value is None:
        return None
    if value.strip().lower() == "now":
        return datetime.now(UTC)
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise UsageProblem(
            f"{option}: {value!r} is not an ISO 8601 instant; write e.g. 2026-11-13T16:10-05:00"
        ) from None
    if parsed.tzinfo is None:
        zone = _zone(tz)
        if zone is None:
            raise UsageProblem(
                f"{option}: {value!r} has no UTC offset; write e.g. {value}-05:00, "
                "or pass --tz America/Bogota"
            )
        parsed = parsed.replace(tzinfo=zone)
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


def _known(option: str, value: str, choices: Sequence[str]) -> None:
    """Fail with a "did you mean" when ``value`` is not one of the policy's names."""
    if value not in choices:
        hint = did_you_mean(value, choices) or (
            "the policy has " + (", ".join(map(repr, choices)) or "none")
        )
        raise UsageProblem(f"{option}: unknown {option[2:]} {value!r}; {hint}")


def _load(path: Path) -> Policy:
    return escalate.load_policy(path)


# -- showing things -------------------------------------------------------------------


def _console() -> Console:
    """A console on the current stdout (which the test runner swaps), never wrapping at 80."""
    return Console(highlight=False, soft_wrap=False, width=None if sys.stdout.isatty() else 120)


def _when(value: datetime | None) -> str:
    return "-" if value is None else value.strftime("%a %Y-%m-%d %H:%M %z")


def _duration(value: timedelta | None) -> str:
    if value is None:
        return "-"
    if value < timedelta(0):
        return "-" + escalate.format_duration(-value)
    return escalate.format_duration(value)


def _trigger(trigger: Trigger) -> str:
    match trigger:
        case AtOpen():
            return "at opening"
        case Manual():
            return "manual escalation"
        case AfterElapsed(after=after, clock=clock):
            return f"after {_duration(after)}" + (f" on {clock}" if clock else "")
        case AtPercent(target=target, percent=percent):
            return f"at {percent:g}% of {target}"
        case OnBreach(target=target, delay=delay):
            extra = f" + {_duration(delay)}" if delay else ""
            return f"on {target} breach{extra}"


def _contacts(tier: Tier | escalate.TierRef) -> str:
    parts = []
    for contact in tier.contacts:
        reach = ", ".join([*([contact.email] if contact.email else []), *contact.phones])
        parts.append(f"{contact.name} <{reach}>" if reach else contact.name)
    return "; ".join(parts) or "-"


def _targets_table(ev: Evaluation) -> Table:
    table = Table(title="Targets", title_justify="left")
    for name in ("target", "status", "goal", "clock", "elapsed", "remaining", "due at"):
        table.add_column(name)
    for t in ev.targets:
        table.add_row(
            Text(t.name),
            Text(t.status.value),
            _duration(t.goal),
            Text(t.clock),
            _duration(t.elapsed),
            _duration(t.remaining),
            _when(t.due_at),
        )
    return table


def _schedule_table(ev: Evaluation) -> Table:
    table = Table(title="Escalation schedule", title_justify="left")
    for name in ("level", "tier", "at", "why", "contacts"):
        table.add_column(name)
    for entry in ev.schedule:
        if entry.state.value == "fired" and entry.reason is not None:
            why = f"fired ({entry.reason.value})"
        elif entry.state.value == "projected":
            why = "projected"
        else:
            why = f"{entry.state.value}: {entry.note}"
        ref = entry.tier
        table.add_row(str(ref.level), Text(ref.name), _when(entry.at), why, Text(_contacts(ref)))
    return table


def _schedule_json(ev: Evaluation) -> list[dict[str, Any]]:
    return [entry.to_dict() for entry in ev.schedule]


def _show_evaluation(console: Console, ev: Evaluation, *, explain: bool) -> None:
    route = f", route {ev.route}" if ev.route else ""
    plan = f", plan {ev.plan}" if ev.plan else ""
    console.print(
        Text(f"Severity {ev.severity}{plan}{route}; as of {_when(ev.as_of)}"), soft_wrap=True
    )
    console.print(_targets_table(ev))
    console.print(_schedule_table(ev))
    if ev.tier is not None:
        console.print(Text(f"Page now: level {ev.tier.level} {ev.tier.name}: {_contacts(ev.tier)}"))
    if explain:
        console.print(Text("\nExplanation:\n" + ev.explain()))


def _percent(value: Any) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "-"
    return "-" if math.isnan(number) else f"{number:.1f}%"  # NaN: no decided target


def _cell(value: Any) -> str:
    text = str(value)
    if text in {"NaT", "nan", "<NA>", "None"}:
        return "-"
    if hasattr(value, "total_seconds"):
        return _duration(timedelta(seconds=round(value.total_seconds())))
    return text


def _interval(low: Any, high: Any) -> str:
    low_text, high_text = _percent(low), _percent(high)
    return "-" if "-" in (low_text, high_text) else f"{low_text}-{high_text}"


def _in_policy_order(table: pd.DataFrame, policy: Policy, by: Sequence[str]) -> pd.DataFrame:
    """Sort a compliance table by target, then by the keys, severities most severe first."""
    targets = {t.name: i for i, t in enumerate(policy.targets)}
    severities = {name: i for i, name in enumerate(policy.severity_names)}

    def rank(column: pd.Series[Any]) -> pd.Series[Any]:
        if column.name == "target":
            return column.map(targets)
        if column.name == "severity":
            return column.map(severities)
        return column

    keys = ["target", *(k for k in by if k in table.columns)]
    ordered: pd.DataFrame = table.sort_values(keys, key=rank, kind="stable")
    return ordered


def _compliance_table(table: pd.DataFrame, by: Sequence[str], title: str) -> Table:
    out = Table(title=title, title_justify="left")
    for key in by:
        out.add_column(key)
    for name in ("target", "count", "met", "breached", "open", "% met", "95% CI"):
        out.add_column(name, justify="left" if name == "target" else "right")
    out.add_column("median", justify="right")
    out.add_column("p90", justify="right")
    for row in table.to_dict("records"):
        out.add_row(
            *(Text(_cell(row[key])) for key in by),
            Text(str(row["target"])),
            str(row["count"]),
            str(row["met"]),
            str(row["breached"]),
            str(row["open"]),
            _percent(row["percent_met"]),
            _interval(row["ci_low"], row["ci_high"]),
            _cell(row["median_elapsed"]),
            _cell(row["p90_elapsed"]),
        )
    return out


# -- tables of incidents --------------------------------------------------------------


def _pandas() -> Any:
    try:
        import pandas as pd  # noqa: PLC0415 - only the table commands need it
    except ImportError:
        raise escalate.MissingExtraError("this command", "cli", "pandas") from None
    return pd


def _read_incidents(path: Path) -> pd.DataFrame:
    """Read a CSV, JSON (a list of objects) or Parquet table of incidents as text columns."""
    pandas = _pandas()
    suffix = path.suffix.lower()
    table: pd.DataFrame
    if suffix == ".csv":
        table = pandas.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
        return table
    if suffix == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise UsageProblem(
                f"{path.name} is not valid JSON at line {error.lineno}, column {error.colno}: "
                f"{error.msg}"
            ) from None
        if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
            raise UsageProblem(f"{path.name}: expected a JSON list of objects, one per incident")
        table = pandas.DataFrame.from_records(data)
        return table
    if suffix == ".parquet":
        try:
            table = pandas.read_parquet(path)
        except ImportError:
            raise UsageProblem(
                "reading Parquet needs pyarrow; install it with: pip install pyarrow"
            ) from None
        return table
    raise UsageProblem(f"cannot tell the format of {path.name!r}; use .csv, .json or .parquet")


def _parse_instants(
    frame: pd.DataFrame, policy: Policy, columns: Mapping[str, str]
) -> pd.DataFrame:
    """Turn the text columns of instants into datetimes (aware ones in UTC)."""
    pandas = _pandas()
    names = {columns.get(name, name) for name in (*_INSTANT_COLUMNS, *policy.event_names)}
    frame = frame.copy()
    for name in sorted(names & set(frame.columns)):
        column = frame[name]
        if pandas.api.types.is_datetime64_any_dtype(column):
            continue
        text = column.dropna().astype(str).str.strip()
        aware = text.str.contains(_AWARE, regex=True)
        if aware.any() and not aware.all():
            first = text[~aware].index[0]
            raise UsageProblem(
                f"column {name!r} mixes instants with and without a UTC offset "
                f"(row {first}: {text[first]!r}); use one form"
            )
        try:
            frame[name] = pandas.to_datetime(column, format="ISO8601", utc=bool(aware.any()))
        except (ValueError, TypeError) as error:
            raise UsageProblem(f"column {name!r}: {_one_line(error)}") from None
    return frame


def _evaluate_table(
    frame: pd.DataFrame,
    policy: Policy,
    *,
    as_of: datetime,
    columns: Mapping[str, str],
    tz: str | None,
    progress: bool,
) -> pd.DataFrame:
    """Evaluate in chunks (a progress bar on a terminal) and report warnings as lines."""
    pandas = _pandas()
    frame = _parse_instants(frame, policy, columns)
    options: dict[str, Any] = {"as_of": as_of, "columns": dict(columns) or None, "timezone": tz}
    starts = range(0, max(len(frame), 1), _CHUNK)
    parts = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", escalate.EscalateWarning)
        if progress and len(starts) > 1:
            with Progress(console=Console(stderr=True), transient=True) as bar:
                task = bar.add_task("evaluating", total=len(frame))
                for start in starts:
                    part = frame.iloc[start : start + _CHUNK]
                    parts.append(escalate.evaluate_frame(part, policy, **options))
                    bar.advance(task, len(part))
        else:
            parts = [
                escalate.evaluate_frame(frame.iloc[start : start + _CHUNK], policy, **options)
                for start in starts
            ]
    for warning in caught:
        if issubclass(warning.category, escalate.EscalateWarning):
            click.echo(f"escalate: warning: {_one_line(Exception(warning.message))}", err=True)
        else:  # pragma: no cover - pass other warnings on unchanged
            warnings.warn_explicit(
                warning.message, warning.category, warning.filename, warning.lineno
            )
    combined: pd.DataFrame = parts[0] if len(parts) == 1 else pandas.concat(parts)
    return combined


_RESULT_KEYS = ("severity", "plan", "route", "tier_level", "tier_name", "error", "month")
_OUTPUT_FORMATS = (".csv", ".json", ".parquet")


def _output_format(out: Path) -> str:
    """The output format from the file's extension, checked before any work is done."""
    suffix = out.suffix.lower()
    if suffix not in _OUTPUT_FORMATS:
        raise UsageProblem(
            f"cannot tell the output format of {out.name!r}; use .csv, .json or .parquet"
        )
    return suffix


def _write_table(frame: pd.DataFrame, out: Path | None) -> None:
    if out is None:
        click.echo(frame.to_csv(index=False), nl=False)
        return
    suffix = _output_format(out)
    if suffix == ".csv":
        frame.to_csv(out, index=False)
    elif suffix == ".json":
        out.write_text(
            frame.to_json(orient="records", date_format="iso", indent=1) + "\n", encoding="utf-8"
        )
    else:
        try:
            frame.to_parquet(out, index=False)
        except ImportError:
            raise UsageProblem(
                "writing Parquet needs pyarrow; install it with: pip install pyarrow"
            ) from None


def _as_of_or_now(value: str | None, tz: str | None) -> datetime:
    found = _instant(value, "--as-of", tz)
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
_TZ = click.option(
    "--tz",
    default=None,
    metavar="ZONE",
    help="The IANA zone of instants written without a UTC offset (e.g. America/Bogota).",
)
_COLUMNS = click.option(
    "--column",
    "-c",
    "column_pairs",
    multiple=True,
    metavar="OURS=YOURS",
    help="Map a column name, e.g. -c opened=created_at (repeatable).",
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
        frame = _read_incidents(path)
    results = _evaluate_table(
        frame,
        policy,
        as_of=datetime.fromisoformat(_DEMO_SAMPLE_AS_OF),
        columns={},
        tz=None,
        progress=False,
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


def _compact(value: object) -> str:
    """A config value as short text: ``mon-fri 07:30-12:30, 13:30-17:00``."""
    if isinstance(value, Mapping):
        return "; ".join(f"{key} {_compact(item)}" for key, item in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_compact(item) for item in value)
    return str(value)


def _problem_line(source: Path, problem: Problem) -> str:
    found = _LINE_COLUMN.search(problem.message) if not problem.path else None
    if found is not None:
        return f"{source}:{found[1]}:{found[2]}: {problem}"
    return f"{source}: {problem}"


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
        policy = _load(policy_path)
    except PolicyError as error:
        for problem in error.problems:
            click.echo(_problem_line(policy_path, problem))
        count = len(error.problems)
        click.echo(f"{policy_path}: {count} problem{'s' if count != 1 else ''} found", err=True)
        ctx.exit(1)
    console = _console()
    title = policy.name or policy_path.stem
    console.print(
        Text(
            f"{policy_path}: valid policy {title!r}"
            + (f": {policy.description}" if policy.description else "")
        ),
        soft_wrap=True,
    )

    clocks = Table(title="Clocks", title_justify="left")
    for name in ("clock", "time zone", "hours", "holidays", "exceptions"):
        clocks.add_column(name)
    for name, calendar in policy.calendars.items():
        config = calendar.to_dict()
        hours = config.get("hours")
        clocks.add_row(
            Text(name + (" (default)" if name == policy.clock else "")),
            Text(calendar.timezone),
            Text(_compact(hours)),
            Text(_compact(config.get("holidays", "-"))),
            str(len(calendar.exceptions)),
        )
    clocks.add_row(
        Text("24x7" + (" (default)" if policy.clock == "24x7" else "")),
        "UTC",
        "always open",
        "-",
        "0",
    )
    console.print(clocks)

    goals = Table(
        title="Severities and goals (clock when not the target's default)", title_justify="left"
    )
    goals.add_column("severity")
    for target in policy.targets:
        goals.add_column(Text(f"{target.name} ({target.start} -> {target.stop})"))
    for severity in policy.severities:
        cells = []
        for target in policy.targets:
            goal = policy.goal(target.name, severity.name)
            if goal is None:
                cells.append(Text("-"))
                continue
            cell = _duration(goal.duration)
            if goal.warning is not None:
                cell += f" (warn {_duration(goal.warning)})"
            if goal.clock != (target.clock or policy.clock):
                cell += f" @{goal.clock}"
            cells.append(Text(cell))
        goals.add_row(Text(severity.name), *cells)
    console.print(goals)

    if policy.plans:
        plans = Table(title="Plans", title_justify="left")
        for name in ("plan", "clock", "overridden goals"):
            plans.add_column(name)
        for plan in policy.plans:
            count = sum(len(g) for g in plan.goals.values())
            plans.add_row(Text(plan.name), Text(plan.clock or "-"), str(count))
        console.print(plans)

    tiers = Table(title="Escalation tiers", title_justify="left")
    for name in ("route", "when", "level", "tier", "trigger", "contacts"):
        tiers.add_column(name)
    lists: list[tuple[str, str, tuple[Tier, ...]]] = [("(default)", "-", policy.tiers)]
    lists += [
        (route.name, ", ".join(f"{k} in {list(v)}" for k, v in route.when.items()), route.tiers)
        for route in policy.routes
    ]
    for route_name, when, route_tiers in lists:
        for i, tier in enumerate(route_tiers):
            tiers.add_row(
                Text(route_name if i == 0 else ""),
                Text(when if i == 0 else ""),
                str(tier.level),
                Text(tier.name),
                _trigger(tier.trigger),
                Text(_contacts(tier)),
            )
    console.print(tiers)
    if policy.availability is not None:
        a = policy.availability
        console.print(Text(f"Availability objective: {a.objective:g}% per {a.period}"))


_EPILOG_DEADLINE = _example(
    "escalate deadline --policy examples/policies/seed_003_saas.toml \\\n"
    "      --severity alta --opened 2026-11-13T16:10-05:00 -a category=billing",
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
) -> None:
    """Show the targets, due instants and tier schedule of a new incident."""
    policy = _load(policy_path)
    _known("--severity", severity, policy.severity_names)
    if plan is not None:
        _known("--plan", plan, [p.name for p in policy.plans])
    attributes: dict[str, Any] = _pairs(attr_pairs, "--attr")
    if plan is not None:
        attributes["plan"] = plan
    opened_at = _instant(opened, "--opened", tz)
    assert opened_at is not None  # noqa: S101 - a required option
    when = _instant(as_of, "--as-of", tz) or opened_at
    timeline = escalate.Timeline.open(opened_at, severity=severity, **attributes)
    ev = escalate.evaluate(policy, timeline, as_of=when)
    if as_json:
        click.echo(json.dumps({**ev.to_dict(), "schedule": _schedule_json(ev)}, indent=2))
        return
    _show_evaluation(_console(), ev, explain=explain)


_EPILOG_EVALUATE_COMMAND = _example(
    "escalate evaluate --policy my_policy.toml incidents.csv \\\n"
    "      -o results.parquet --as-of 2026-12-01T00:00-05:00",
)


@app.command(name="evaluate", epilog=_EPILOG_EVALUATE_COMMAND)
@_POLICY
@click.argument("incidents", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write here; .csv, .json or .parquet (CSV on stdout when absent).",
)
@click.option(
    "--as-of",
    default=None,
    metavar="INSTANT",
    help="Evaluate as of this instant; now (the system clock) by default.",
)
@_TZ
@_COLUMNS
@_debug_option
def evaluate_command(  # noqa: PLR0917 - click passes options by keyword
    policy_path: Path,
    incidents: Path,
    output: Path | None,
    as_of: str | None,
    tz: str | None,
    column_pairs: tuple[str, ...],
) -> None:
    """Evaluate a table of incidents: one row out per row in, with every target's figures.

    The input has the columns id, opened, responded, resolved, severity (plan and route
    attributes such as category optional); other columns are copied through. Bad rows get
    an error message instead of figures.
    """
    policy = _load(policy_path)
    when = _as_of_or_now(as_of, tz)
    _zone(tz)
    if output is not None:
        _output_format(output)
    frame = _read_incidents(incidents)
    results = _evaluate_table(
        frame,
        policy,
        as_of=when,
        columns=_pairs(column_pairs, "--column"),
        tz=tz,
        progress=sys.stderr.isatty(),
    )
    _write_table(results, output)
    if output is not None:
        failed = int(results["error"].notna().sum()) if "error" in results else 0
        click.echo(f"wrote {len(results)} rows to {output} ({failed} with errors)", err=True)


_EPILOG_REPORT = _example(
    "escalate report --policy my_policy.toml incidents.csv \\\n"
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
    help="Group by these comma-separated columns; 'month' is the opening's month.",
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
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the table (.csv, .json or .parquet).",
)
@click.option(
    "--plot",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Save a chart of the table (needs matplotlib).",
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
    output: Path | None,
    plot: Path | None,
) -> None:
    """Print the compliance table: share of targets met per group, with a 95% interval."""
    policy = _load(policy_path)
    keys = _csv_list(by, "--by")
    names = None if targets is None else _csv_list(targets, "--targets")
    plotter = _plotter() if plot is not None else None
    when = _as_of_or_now(as_of, tz)
    _zone(tz)
    frame = _read_incidents(incidents)
    known = {*map(str, frame.columns), *_RESULT_KEYS}
    missing = [k for k in keys if k not in known]
    if missing:
        raise UsageProblem(
            f"--by: no column {missing[0]!r}; the columns are "
            + ", ".join(map(str, frame.columns))
            + " and month"
        )
    if output is not None:
        _output_format(output)
    results = _evaluate_table(
        frame,
        policy,
        as_of=when,
        columns=_pairs(column_pairs, "--column"),
        tz=tz,
        progress=sys.stderr.isatty(),
    )
    table = _in_policy_order(
        escalate.compliance(results, by=tuple(keys), targets=names), policy, keys
    )
    _console().print(
        _compliance_table(table, keys, f"Compliance of {len(frame)} incidents as of {_when(when)}")
    )
    if output is not None:
        _write_table(table, output)
    if plotter is not None and plot is not None:
        plotter(table, plot)
        click.echo(f"saved the chart to {plot}", err=True)


def _plotter() -> Callable[[pd.DataFrame, Path], None]:
    """Return a function saving a compliance chart, or fail with what is missing."""
    function = getattr(escalate, "plot_compliance", None)
    if function is None:
        raise UsageProblem("--plot: this escalate has no plot_compliance function yet")
    try:
        mpl = importlib.import_module("matplotlib")
        mpl.use("Agg")
        plt = importlib.import_module("matplotlib.pyplot")
    except ImportError:
        raise UsageProblem(
            "--plot needs matplotlib; install it with: pip install matplotlib"
        ) from None

    def save(table: pd.DataFrame, path: Path) -> None:  # pragma: no cover - needs matplotlib
        result = function(table)
        figure = getattr(result, "figure", None) or getattr(result, "get_figure", lambda: None)()
        (figure or plt.gcf()).savefig(path, bbox_inches="tight")
        plt.close("all")

    return save


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
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise UsageProblem(
                f"{path.name} is not valid JSON at line {error.lineno}, column {error.colno}: "
                f"{error.msg}"
            ) from None
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


def _first_start(rows: Sequence[Any], tz: str | None) -> datetime | None:
    """The earliest readable outage start (bad ones are reported by the evaluation)."""
    found: list[datetime] = []
    for row in rows:
        start = row.get("start") if isinstance(row, Mapping) else None
        with contextlib.suppress(click.UsageError):
            parsed = _instant(start, "start", tz) if isinstance(start, str) else None
            if parsed is not None:
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
    measured = policy.calendar(policy.availability.measured_on or "24x7")
    zone = tz or measured.timezone
    _zone(zone)
    when = _instant(as_of, "--as-of", tz)
    rows = _outage_rows(outages)
    if period is not None:
        found = re.fullmatch(r"(\d{4})-(\d{1,2})", period.strip())
        if found is None or not 1 <= int(found[2]) <= 12:
            raise UsageProblem(f"--period: expected YYYY-MM, got {period!r}")
        span = escalate.Period.month(int(found[1]), int(found[2]), timezone=zone)
    else:
        anchor = when or _first_start(rows, tz)
        if anchor is None:
            raise UsageProblem("no outages and no --period or --as-of: nothing to measure")
        span = escalate.Period.containing(anchor, kind=policy.availability.period, timezone=zone)
    result = escalate.availability(policy, rows, span, as_of=when)
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return
    _console().print(Text(result.explain()), soft_wrap=True)


def main(args: Sequence[str] | None = None) -> NoReturn:
    """Run the ``escalate`` command with ``args`` (``sys.argv[1:]`` by default) and exit."""
    app.main(args)
