"""How the command line shows things: tables of evaluations, compliance and policy summaries.

The commands in :mod:`escalate.cli` parse options and call the library; this module turns
what they get back into rich tables and text, and says nothing about SLA rules.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

import escalate
from escalate._cli_tables import count_of
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
from escalate._policy_check import _condition_text
from escalate._versions import policies_of

if TYPE_CHECKING:
    import pandas as pd

    from escalate._errors import Problem
    from escalate._results import Evaluation
    from escalate._versions import PolicyVersions

_LINE_COLUMN = re.compile(r"at line (\d+), column (\d+)")


def _console() -> Console:
    """A console on the current stdout (which the test runner swaps), never wrapping at 80."""
    return Console(highlight=False, soft_wrap=False, width=None if sys.stdout.isatty() else 120)


def _when(value: datetime | None, zone: tzinfo | None = None) -> str:
    """An instant for a table, in ``zone`` when given (else as it is)."""
    if value is None:
        return "-"
    return (value if zone is None else value.astimezone(zone)).strftime("%a %Y-%m-%d %H:%M %z")


def in_zone(form: Any, zone: tzinfo) -> Any:
    """A JSON form (``to_dict()``) with its instants (``as_of``, ``at``, ``*_at``) in ``zone``."""
    if isinstance(form, list):
        return [in_zone(item, zone) for item in form]
    if not isinstance(form, dict):
        return form
    out = {}
    for key, value in form.items():
        instant = key in {"as_of", "at"} or key.endswith("_at")
        if instant and isinstance(value, str):
            value = datetime.fromisoformat(value).astimezone(zone).isoformat()  # noqa: PLW2901
        out[key] = in_zone(value, zone)
    return out


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


def _targets_table(ev: Evaluation, zone: tzinfo | None = None) -> Table:
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
            _when(t.due_at, zone),
        )
    return table


def _schedule_table(ev: Evaluation, zone: tzinfo | None = None) -> Table:
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
        at = _when(entry.at, zone)
        table.add_row(str(ref.level), Text(ref.name), at, why, Text(_contacts(ref)))
    return table


def _schedule_json(ev: Evaluation) -> list[dict[str, Any]]:
    return [entry.to_dict() for entry in ev.schedule]


def _page(console: Console, ev: Evaluation, zone: tzinfo | None) -> None:
    """Whom to call for the tier in force: now, or when their own hours open."""
    tier = ev.tier
    assert tier is not None  # noqa: S101 - called with a tier in force
    fired = next((e for e in reversed(ev.escalations) if e.level == tier.level), None)
    later = {} if fired is None else {n.contact: n.at for n in fired.notifications}
    later = {name: at for name, at in later.items() if at > ev.as_of}
    now = attrs.evolve(tier, contacts=tuple(c for c in tier.contacts if c.name not in later))
    if now.contacts or not later:
        console.print(Text(f"Page now: level {tier.level} {tier.name}: {_contacts(now)}"))
    for name, at in later.items():
        console.print(Text(f"Page later: {name} at {_when(at, zone)} (their hours)"))


def _show_evaluation(
    console: Console, ev: Evaluation, *, explain: bool, zone: tzinfo | None = None
) -> None:
    """The evaluation as tables, its instants in ``zone`` when given."""
    route = f", route {ev.route}" if ev.route else ""
    plan = f", plan {ev.plan}" if ev.plan else ""
    console.print(
        Text(f"Severity {ev.severity}{plan}{route}; as of {_when(ev.as_of, zone)}"),
        soft_wrap=True,
    )
    console.print(_targets_table(ev, zone))
    console.print(_schedule_table(ev, zone))
    if ev.tier is not None:
        _page(console, ev, zone)
    if explain:
        shown = None if zone is None else str(zone)
        console.print(Text("\nExplanation:\n" + ev.explain(zone=shown)))


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


def _in_policy_order(
    table: pd.DataFrame, policy: Policy | PolicyVersions, by: Sequence[str]
) -> pd.DataFrame:
    """Sort a compliance table by target, then by the keys, severities most severe first.

    Under versions, the targets and severities of every version, latest first.
    """
    policies = policies_of(policy)[::-1]
    names = dict.fromkeys(t.name for p in policies for t in p.targets)
    targets = {name: i for i, name in enumerate(names)}
    ranked = dict.fromkeys(name for p in policies for name in p.severity_names)
    severities = {name: i for i, name in enumerate(ranked)}

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


def _show_versions(console: Console, versions: PolicyVersions, path: Path) -> None:
    rule = "when it opened" if versions.rule == "opened" else "at --as-of"
    console.print(
        Text(f"{path}: valid policy with {count_of(len(versions.versions), 'version')}, "
             f"each incident judged by the version in force {rule}"),
        soft_wrap=True,
    )  # fmt: skip
    table = Table(title="Versions", title_justify="left")
    for name in ("key", "version (effective from)", "policy name"):
        table.add_column(name)
    for i, version in enumerate(versions.versions):
        table.add_row(f"versions[{i}]", Text(version.name), Text(version.policy.name or "-"))
    console.print(table)


def _summary(console: Console, policy: Policy, policy_path: Path, prefix: str = "") -> None:
    """What a valid policy defines, then its warnings (key paths after ``prefix``)."""
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
    if "24x7" not in policy.calendars:  # the built-in clock, unless the policy has its own
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
        start = " or ".join(_condition_text(c) for c in target.start)
        stop = " or ".join(_condition_text(c) for c in target.stop)
        goals.add_column(Text(f"{target.name} ({start} -> {stop})"))
    for severity in policy.severities:
        cells = []
        for target in policy.targets:
            goal = policy.goal(target.name, severity.name)
            if goal is None:
                cells.append(Text("-"))
                continue
            cell = (
                str(goal.duration)
                if isinstance(goal.duration, escalate.BusinessDays)
                else _duration(goal.duration)
            )
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
    found = escalate.policy_warnings(policy)
    if prefix:
        found = list(escalate.PolicyError(found).with_prefix(prefix).problems) if found else found
    for problem in found:  # legal, but probably not what the agreement means
        click.echo(f"warning: {_problem_line(policy_path, problem)}")
    if found:
        click.echo(f"{policy_path}: {count_of(len(found), 'warning')}", err=True)
