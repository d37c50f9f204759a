"""Ticket histories for the command line: ``--shape``, ``--pauses`` and ``--issues``.

``escalate evaluate`` and ``escalate report`` read incidents in four shapes:

- ``incidents`` (the default): one row per incident, and ``--pauses FILE`` for pause spans;
- ``events``: one row per event, read by :meth:`escalate.EventLog.from_events`;
- ``snapshots``: one row per update with the state after it (ServiceNow), read by
  :meth:`escalate.EventLog.from_snapshots`;
- ``changes``: one row per changed field (Jira, Zendesk), read by
  :meth:`escalate.EventLog.from_changes`, with ``--field NAME=ROLE`` and ``--openings FILE``.

The columns are named with ``-c ROLE=NAME``, as for a table of incidents; a role not
named is the column of its own name when the table has one. Every flag is checked against
the shape before a file is read. What a reader repaired or refused is one warning line per
run, and the whole table with ``--issues FILE``. Kept apart from :mod:`escalate.cli` so
that every command reading incidents can share it; this module holds the flags and their
checks, and :mod:`escalate._cli_history_read` the reading.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal, TypeVar, cast, get_args

import attrs
import click

from escalate._cli_files import read_incidents
from escalate._cli_history_read import _ROLES, _pauses, _Reader
from escalate._cli_tables import (
    _EXAMPLE_WALL_TIME,
    UsageProblem,
    check_layout,
    evaluate_table,
    one_line,
    output_format,
    parse_instants,
)
from escalate._history import EventLog
from escalate._versions import attribute_keys, event_names

if TYPE_CHECKING:
    from pandas import DataFrame

    from escalate._policy import Policy
    from escalate._versions import PolicyVersions

__all__ = ["SHAPES", "History", "Shape", "Source", "history_options"]

Shape = Literal["incidents", "events", "snapshots", "changes"]
SHAPES: Final = cast("tuple[str, ...]", get_args(Shape))
_HISTORIES: Final = "--shape events, snapshots or changes"

_F = TypeVar("_F", bound=Callable[..., Any])


# -- the options ------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class History:
    """The input options of a command that reads incidents, as given on the command line."""

    shape: Shape = "incidents"
    attributes: str | None = None
    time_format: str | None = None
    missing: tuple[str, ...] = ()
    before_opening: Literal["clamp", "refuse"] | None = None
    order: Literal["time", "sequence"] | None = None
    openings: Path | None = None
    fields: tuple[str, ...] = ()
    pauses: Path | None = None
    issues: Path | None = None

    def check(self) -> None:
        """Fail on a flag that does not fit the shape, or a value that cannot be used."""
        given = {
            "--attributes": self.attributes is not None,
            "--time-format": self.time_format is not None,
            "--missing": bool(self.missing),
            "--before-opening": self.before_opening is not None,
            "--order": self.order is not None,
            "--openings": self.openings is not None,
            "--field": bool(self.fields),
            "--pauses": self.pauses is not None,
            "--issues": self.issues is not None,
        }
        fits = {
            "--attributes": ("events", "snapshots"),
            "--time-format": ("events", "snapshots", "changes"),
            "--missing": ("events", "snapshots", "changes"),
            "--before-opening": ("events", "snapshots", "changes"),
            "--issues": ("events", "snapshots", "changes"),
            "--order": ("snapshots",),
            "--openings": ("changes",),
            "--field": ("changes",),
            "--pauses": ("incidents",),
        }
        for flag, shapes in fits.items():
            if given[flag] and self.shape not in shapes:
                where = (
                    _HISTORIES if len(shapes) == 3 else " or ".join(f"--shape {s}" for s in shapes)
                )
                raise UsageProblem(
                    f"{flag} applies to {where}, not to --shape {self.shape}"
                    + ("; a history carries its own pauses" if flag == "--pauses" else "")
                )
        if self.shape == "changes" and not self.fields:
            raise UsageProblem(
                "--shape changes needs the fields to follow: --field NAME=ROLE, e.g. "
                "--field status=status --field Priority=severity"
            )
        self.field_roles()  # checks them
        if self.time_format is not None:
            _check_time_format(self.time_format)
        if self.issues is not None:
            if str(self.issues) == "-":
                raise UsageProblem("--issues: name a file; standard output carries the results")
            output_format(self.issues, "--issues")

    def named_attributes(self) -> list[str]:
        """The columns ``--attributes`` names (they must be in the table)."""
        if self.attributes is None:
            return []
        named = [a.strip() for a in self.attributes.split(",") if a.strip()]
        if not named:
            raise UsageProblem(
                f"--attributes: expected a comma-separated list, got {self.attributes!r}"
            )
        return named

    def attribute_roles(self, policy: Policy | PolicyVersions) -> list[str]:
        """The attributes a history is read with, which its results carry.

        The policy's route keys and plan, then ``--attributes``; for a history of changes,
        the roles its ``--field`` options name. Those named in ``--attributes`` must be in
        the table; the others are read when they are. The results carry each one, as in
        force at ``--as-of``.
        """
        if self.shape == "changes":
            roles = self.field_roles().values()
            return sorted({r for r in roles if r not in ("status", "severity")})
        keys = attribute_keys(policy)
        named = self.named_attributes()
        return [*sorted(keys - set(named)), *named]

    def field_roles(self) -> dict[str, str]:
        """``--field NAME=ROLE`` as a mapping of the ticket system's field names to roles."""
        out: dict[str, str] = {}
        for item in self.fields:
            name, sep, role = item.partition("=")
            if not sep or not name.strip() or not role.strip():
                raise UsageProblem(
                    f"--field: expected NAME=ROLE (e.g. Priority=severity), got {item!r}"
                )
            out[name.strip()] = role.strip()
        return out

    def read(
        self,
        path: Path,
        policy: Policy | PolicyVersions,
        columns: Mapping[str, str],
        *,
        tz: str | None,
        zone: str,
    ) -> Source:
        """Read the incidents (and their side tables), reporting what the reader repaired."""
        if self.shape == "incidents":
            _not_history_roles(columns, policy)
            frame = read_incidents(path)
            check_layout(frame, columns, path.name)
            frame = parse_instants(frame, policy, columns, tz=tz, zone=zone)
            pauses = None
            if self.pauses is not None:
                pauses = _pauses(self.pauses, frame, columns, tz=tz, zone=zone)
            return Source(
                table=frame, columns=dict(columns), pauses=pauses, count=len(frame),
                names=[str(c) for c in frame.columns],
            )  # fmt: skip
        log = _Reader(self, path, policy, columns, tz=tz, zone=zone).log()
        names = ["id", "opened", *log.attributes]
        count = len(log) + len(log.lost)  # the lost incidents keep a row with an error
        return Source(table=log, columns={}, pauses=None, count=count, names=names)


@attrs.frozen(kw_only=True)
class Source:
    """Incidents as read: a wide table (with its pauses) or an event log.

    Attributes:
        table: What :func:`escalate.evaluate_frame` takes.
        columns: The ``-c`` mapping for a wide table (none for a log).
        pauses: The pause spans of a wide table.
        count: How many incidents.
        names: The input's columns that the results keep (``id``, ``opened`` for a log).
    """

    table: Any
    columns: dict[str, str]
    pauses: Any
    count: int
    names: list[str]

    def evaluate(self, policy: Policy | PolicyVersions, *, as_of: datetime) -> DataFrame:
        """Evaluate the incidents (a progress bar on a terminal, bad rows said in one line)."""
        return evaluate_table(
            self.table,
            policy,
            as_of=as_of,
            columns=self.columns,
            pauses=self.pauses,
            progress=sys.stderr.isatty(),
        )

    @property
    def opened(self) -> str:
        """The results' column of the opening instant."""
        return (
            "opened" if isinstance(self.table, EventLog) else self.columns.get("opened", "opened")
        )


def _not_history_roles(columns: Mapping[str, str], policy: Policy | PolicyVersions) -> None:
    """A ``-c`` role of histories (``at``, ``status``...) on a table of incidents: name --shape."""
    history = {role for roles in _ROLES.values() for role in roles}
    wide = {"id", "opened", "severity", "plan", *event_names(policy), *attribute_keys(policy)}
    for role in columns:
        if role in history - wide:
            shapes = [shape for shape, roles in _ROLES.items() if role in roles]
            raise UsageProblem(
                f"-c {role}=...: {role!r} is a column of a history, not of a table of "
                "incidents; say what the file holds with "
                + " or ".join(f"--shape {shape}" for shape in shapes)
            )


def _check_time_format(text: str) -> None:
    """A ``strptime`` format must have a directive, and only ones Python knows."""
    if "%" not in text:
        raise UsageProblem(
            f"--time-format: {text!r} has no % directive; write e.g. '%d/%m/%Y %H:%M'"
        )
    sample = _EXAMPLE_WALL_TIME.strftime(text)
    try:
        datetime.strptime(sample, text)  # noqa: DTZ007 - only the format is checked
    except ValueError as error:
        raise UsageProblem(f"--time-format: {text!r}: {one_line(error)}") from None


def history_options(function: _F) -> _F:
    """Add the input options (``--shape`` and its companions) as one ``history`` argument."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        history = History(
            shape=kwargs.pop("shape"),
            attributes=kwargs.pop("attributes"),
            time_format=kwargs.pop("time_format"),
            missing=tuple(kwargs.pop("missing")),
            before_opening=kwargs.pop("before_opening"),
            order=kwargs.pop("order"),
            openings=kwargs.pop("openings"),
            fields=tuple(kwargs.pop("fields")),
            pauses=kwargs.pop("pauses"),
            issues=kwargs.pop("issues"),
        )
        return function(*args, history=history, **kwargs)

    existing = click.Path(exists=True, dir_okay=False, path_type=Path)
    options = [
        click.option(
            "--shape",
            type=click.Choice(SHAPES),
            default="incidents",
            show_default=True,
            help="What a row of the input is: an incident (opened, responded, resolved...), "
            "an event (id, type, at), a snapshot of the state after an update (id, at, "
            "status, severity: ServiceNow) or a field change (id, at, field, from, to: Jira).",
        ),
        click.option(
            "--pauses",
            type=existing,
            default=None,
            metavar="FILE",
            help="Pause spans of a table of incidents: columns id, start, end (empty while "
            "paused).",
        ),
        click.option(
            "--attributes",
            default=None,
            metavar="NAMES",
            help="History columns to keep as attributes (comma-separated), besides the "
            "policy's route keys and plan.",
        ),
        click.option(
            "--time-format",
            default=None,
            metavar="FORMAT",
            help="A history's instants as strptime writes them, e.g. '%d/%m/%Y %H:%M' "
            "(ISO 8601 by default).",
        ),
        click.option(
            "--missing",
            multiple=True,
            metavar="VALUE",
            help="A value that means empty in a history (repeatable); replaces the default "
            "list ('?', 'NULL', 'N/A', 'NaN'...). Empty cells are always empty.",
        ),
        click.option(
            "--before-opening",
            type=click.Choice(["clamp", "refuse"]),
            default=None,
            help="A history row stamped before its incident's opening: moved to the "
            "opening (clamp, the default) or refused.",
        ),
        click.option(
            "--order",
            type=click.Choice(["time", "sequence"]),
            default=None,
            help="Snapshots: follow the sequence column (the default when there is one; "
            "an update stamped before the previous one moves to it) or sort by time.",
        ),
        click.option(
            "--field",
            "fields",
            multiple=True,
            metavar="NAME=ROLE",
            help="Changes: a field to follow and its role (status, severity or an "
            "attribute), e.g. --field Priority=severity (repeatable).",
        ),
        click.option(
            "--openings",
            type=existing,
            default=None,
            metavar="FILE",
            help="Changes: one row per incident with its opening (column opened_at) and "
            "its state then; without it an incident opens at its first change.",
        ),
        click.option(
            "--issues",
            type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
            default=None,
            metavar="FILE",
            help="Write every history row the reader repaired or refused (.csv, .json, "
            ".parquet): id, row (from 1), column, value, action, reason.",
        ),
    ]
    decorated: Any = wrapper
    for option in reversed(options):
        decorated = option(decorated)
    return cast("_F", decorated)
