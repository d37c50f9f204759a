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
that every command reading incidents can share it.
"""

from __future__ import annotations

import functools
import sys
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal, TypeVar, cast, get_args

import attrs
import click

from escalate._cli_tables import (
    _EXAMPLE_WALL_TIME,
    UsageProblem,
    _cli_words,
    check_layout,
    count_of,
    evaluate_table,
    example_instant,
    instant_columns,
    one_line,
    output_format,
    pandas,
    parse_instants,
    read_header,
    read_incidents,
    write_table,
)
from escalate._columns import MISSING
from escalate._errors import NaiveDatetimeError, did_you_mean
from escalate._history import EventLog

if TYPE_CHECKING:
    from pandas import DataFrame

    from escalate._policy import Policy
    from escalate._versions import PolicyVersions

__all__ = ["SHAPES", "History", "Shape", "Source", "history_options"]

Shape = Literal["incidents", "events", "snapshots", "changes"]
SHAPES: Final = cast("tuple[str, ...]", get_args(Shape))
_HISTORIES: Final = "--shape events, snapshots or changes"

#: Each history shape's column roles, and whether the table must have the column.
_ROLES: Final[Mapping[str, Mapping[str, bool]]] = {
    "events": {
        "id": True, "type": True, "at": True, "severity": True, "status": False,
        "reason": False, "sequence": False,
    },
    "snapshots": {
        "id": True, "at": True, "severity": True, "status": False, "opened_at": False,
        "sequence": False,
    },
    "changes": {"id": True, "at": True, "field": True, "to": True, "from": False,
                "sequence": False},
}  # fmt: skip
#: Other names a role's column may have when it is not named with ``-c``.
_ALSO: Final = {"opened_at": ("opened",)}
#: The roles naming columns of ``--openings`` rather than of the table of changes.
_OPENING_ROLES: Final = ("opened_at", "status", "severity")
#: The roles whose columns hold instants (their issues' values are instants too).
_INSTANT_ROLES: Final = ("at", "opened_at")
#: Reasons shown in the summary line, at most; the issues file has them all.
_SHOWN_REASONS: Final = 4

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
            output_format(self.issues)

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

    def attribute_roles(self, policy: Policy) -> list[str]:
        """The attributes a history is read with, which its results carry.

        The policy's route keys and plan, then ``--attributes``; for a history of changes,
        the roles its ``--field`` options name. Those named in ``--attributes`` must be in
        the table; the others are read when they are. The results carry each one, as in
        force at ``--as-of``.
        """
        if self.shape == "changes":
            roles = self.field_roles().values()
            return sorted({r for r in roles if r not in ("status", "severity")})
        keys = {key for route in policy.routes for key in route.when}
        if policy.plans:
            keys.add("plan")
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
        policy: Policy,
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


def _not_history_roles(columns: Mapping[str, str], policy: Policy) -> None:
    """A ``-c`` role of histories (``at``, ``status``...) on a table of incidents: name --shape."""
    history = {role for roles in _ROLES.values() for role in roles}
    wide = {"id", "opened", "severity", "plan", *policy.event_names}
    wide |= {key for route in policy.routes for key in route.when}
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


# -- reading histories ------------------------------------------------------------------


class _Reader:
    """One history file read by the library's reader for its shape, checked first."""

    def __init__(
        self,
        history: History,
        path: Path,
        policy: Policy,
        columns: Mapping[str, str],
        *,
        tz: str | None,
        zone: str,
    ) -> None:
        self.history, self.path, self.policy = history, path, policy
        self.tz, self.zone = tz, zone
        self.shape = history.shape
        self.fields = history.field_roles()
        self.given = dict(columns)
        self.roles = dict(_ROLES[self.shape])
        self.attributes = self._attribute_roles()
        self._check_roles()

    def _attribute_roles(self) -> list[str]:
        """The attributes read (see :meth:`History.attribute_roles`)."""
        self.named = self.history.named_attributes()
        return self.history.attribute_roles(self.policy)

    def _check_roles(self) -> None:
        """Every ``-c`` role is one of the shape's (or of its ``--openings`` table)."""
        known = [*self.roles, *self.attributes]
        opening_roles = [*_OPENING_ROLES, *self.attributes] if self.shape == "changes" else []
        known += [r for r in opening_roles if r not in known]
        for role in self.given:
            if role not in known:
                hint = did_you_mean(role, known) or "its roles are " + ", ".join(known)
                raise UsageProblem(f"-c: unknown role {role!r} for --shape {self.shape}; {hint}")
            if role in opening_roles and self.history.openings is None:
                raise UsageProblem(
                    f"-c {role}=...: with --shape changes it names a column of the "
                    "--openings table; give it with --openings FILE"
                )

    def _resolve(
        self, roles: Mapping[str, bool], header: Sequence[str], source: str
    ) -> dict[str, str]:
        """Each role's column in ``header``; fail on a required or named one it lacks."""
        out: dict[str, str] = {}
        for role, required in roles.items():
            if role in self.given:
                name = self.given[role]
            else:
                name = next((n for n in (role, *_ALSO.get(role, ())) if n in header), role)
            if name in header:
                out[role] = name
            elif required or role in self.given:
                hint = did_you_mean(name, header) or "its columns are " + ", ".join(
                    map(repr, header[:40])
                )
                raise UsageProblem(
                    f"{source} has no column {name!r} ({role}); {hint}; map yours with "
                    f"-c {role}=YOUR_COLUMN"
                )
        return out

    def log(self) -> EventLog:
        """Read the file into an event log and say what the reader repaired or refused."""
        header = read_header(self.path)
        if self.shape == "changes":
            used = self._resolve(self.roles, header, self.path.name)
        else:
            roles = dict(self.roles)
            roles.update({a: a in self.named for a in self.attributes})
            used = self._resolve(roles, header, self.path.name)
            self._warn_absent(used, header)
        openings, opened_at = self._openings()
        frame = read_incidents(self.path, usecols=set(used.values()))
        rename = {used[a]: a for a in self.attributes if a in used and used[a] != a}
        frame = frame.rename(columns=rename)
        try:
            log = self._call(frame, used, openings, opened_at)
        except NaiveDatetimeError as error:
            raise UsageProblem(
                f"{error.path or 'a column'} holds datetimes without a UTC offset; pass --tz "
                f"{self.zone} if they are {self.zone} times"
            ) from None
        self._refuse_zoneless(log, frame, openings)
        issues = _issues_table(log.issues)
        if self.history.issues is not None:
            write_table(issues, self.history.issues, zone=self.zone, durations="seconds")
        if len(frame) and not len(log):
            detail = "".join(
                f" (first: row {r['row']}, column {r['column']!r}: {r['reason']})"
                for r in issues.head(1).to_dict("records")
            )
            raise UsageProblem(
                f"none of the {count_of(len(frame), 'row')} of {self.path.name} could be "
                f"read as an incident{detail}; check -c and --shape"
            )
        _say_issues(issues, self.path.name, self.history.issues)
        return log

    def _warn_absent(self, used: Mapping[str, str], header: Sequence[str]) -> None:
        if self.policy.statuses and "status" not in used:
            click.echo(
                f"escalate: warning: {self.path.name} has no column 'status': the policy's "
                "statuses never change in it; map yours with -c status=YOUR_COLUMN (its "
                "columns are " + ", ".join(map(repr, header[:40])) + ")",
                err=True,
            )

    def _openings(self) -> tuple[DataFrame | None, str]:
        """The ``--openings`` table, its state columns named by role as the reader wants them.

        Returns the table (``None`` without ``--openings``) and its opening column.
        """
        path = self.history.openings
        if path is None:
            return None, "opened"
        header = read_header(path)
        roles = {"id": True, "opened_at": True, "status": False, "severity": False}
        roles.update(dict.fromkeys(self.attributes, False))
        used = self._resolve(roles, header, path.name)
        frame = read_incidents(path, usecols=set(used.values()))
        rename = {
            name: role for role, name in used.items()
            if role not in ("id", "opened_at") and name != role
        }  # fmt: skip
        return frame.rename(columns=rename), used["opened_at"]

    def _call(
        self, frame: DataFrame, used: Mapping[str, str], openings: Any, opened_at: str
    ) -> EventLog:
        """Call the library's reader with the columns and options of the command line."""
        common: dict[str, Any] = {
            "id": used["id"],
            "at": used["at"],
            "sequence": used.get("sequence"),
            "timezone": self.tz,
            "time_format": self.history.time_format,
            "before_opening": self.history.before_opening or "clamp",
        }
        if self.history.missing:
            common["missing"] = self.history.missing
        attributes = [a for a in self.attributes if a in frame.columns]
        if self.shape == "events":
            return EventLog.from_events(
                frame, type=used["type"], severity=used["severity"],
                status=used.get("status"), reason=used.get("reason"),
                attributes=attributes, **common,
            )  # fmt: skip
        if self.shape == "snapshots":
            return EventLog.from_snapshots(
                frame, status=used.get("status"), severity=used["severity"],
                attributes=attributes, opened_at=used.get("opened_at"),
                order=self.history.order, **common,
            )  # fmt: skip
        return EventLog.from_changes(
            frame, fields=self.fields, field=used["field"], new=used["to"],
            old=used.get("from", "from"), openings=openings,
            opened_at=opened_at, **common,
        )  # fmt: skip

    def _refuse_zoneless(self, log: EventLog, frame: DataFrame, openings: DataFrame | None) -> None:
        """A column of instants none of which has an offset, and no ``--tz``: one error.

        As for a table of incidents, the zone is never guessed. A column where only some
        rows lack the offset is untidy, not mistaken: those rows are refused and reported.
        """
        if self.tz is not None or not len(log.issues):
            return
        reasons = log.issues["reason"].astype(str)
        zoneless = log.issues[reasons.str.startswith("has no time zone").to_numpy()]
        missing = set(self.history.missing or MISSING)
        for label, rows in zoneless.groupby("column", sort=False):
            # the reader names the columns of the openings table "openings.<column>"
            table, column, where = frame, str(label), ""
            if openings is not None and column.startswith("openings."):
                table, column = openings, column.removeprefix("openings.")
                where = f" of {self.history.openings.name if self.history.openings else ''}"
            given = 0
            if column in table.columns:
                text = table[column].dropna().astype(str).str.strip()
                given = int((~text.isin(missing)).sum())
            if len(rows) < given:
                continue
            first = rows.iloc[0]
            raise UsageProblem(
                f"column {column!r}{where} has instants without a UTC offset (id {first['id']}: "
                f"{first['value']!r}); pass --tz {self.zone} if they are {self.zone} times, "
                f"or write offsets ({example_instant(_EXAMPLE_WALL_TIME, self.zone)})"
            )


def _issues_table(issues: DataFrame) -> DataFrame:
    """The reader's issues as the command line writes them: rows numbered from 1.

    Values are quoted as the file has them; the reasons are in the command line's words.
    """
    pd = pandas()
    out = issues.copy()
    rows = out["row"].to_numpy()
    out["row"] = pd.array([r + 1 if r >= 0 else None for r in rows.tolist()], dtype="Int64")
    out["reason"] = out["reason"].map(_cli_words)
    return out


def _say_issues(issues: DataFrame, source: str, path: Path | None) -> None:
    """One line counting the issues by action and reason (the file has them all)."""
    if not len(issues):
        if path is not None:
            click.echo(f"wrote 0 issues to {path}", err=True)
        return
    counts = Counter(zip(issues["action"].tolist(), issues["reason"].tolist(), strict=True))
    ranked = counts.most_common()  # ties in the order of the file
    parts = []
    for (action, reason), count in ranked[:_SHOWN_REASONS]:
        if action == "ignored":  # one issue per field name, counting its rows itself
            parts.append(f"ignored: {reason}")
        else:
            parts.append(f"{count} {action}: {reason}")
    if len(ranked) > _SHOWN_REASONS:
        parts.append(f"{count_of(len(ranked) - _SHOWN_REASONS, 'more reason')}")
    where = f"all in {path}" if path is not None else "--issues FILE lists them"
    click.echo(
        f"escalate: warning: {count_of(len(issues), 'issue')} reading {source} ("
        + " | ".join(parts)
        + f"); {where}",
        err=True,
    )


# -- pauses of a table of incidents -------------------------------------------------------


def _pauses(
    path: Path, incidents: DataFrame, columns: Mapping[str, str], *, tz: str | None, zone: str
) -> DataFrame:
    """Read pause spans (id, start, end), their ids matched to the incidents' ids.

    Ids are matched as text, so a CSV of pauses fits a JSON or Parquet table of incidents;
    pause rows whose id names no incident are said in one warning line.
    """
    id_name = columns.get("id", "id")
    if id_name not in incidents.columns:
        raise UsageProblem(
            f"--pauses needs the incidents' id column, and the table has no column "
            f"{id_name!r}; map yours with -c id=YOUR_COLUMN"
        )
    table = read_incidents(path)
    missing = [c for c in ("id", "start", "end") if c not in table.columns]
    if missing:
        raise UsageProblem(
            f"{path.name} has no column {missing[0]!r}; a table of pauses has the columns "
            "id, start and end (its columns are "
            + ", ".join(map(repr, map(str, table.columns)))
            + ")"
        )
    table = instant_columns(table[["id", "start", "end"]], ("start", "end"), {}, tz=tz, zone=zone)
    ids = incidents[id_name]
    lookup = dict(zip(ids.astype(str).tolist(), ids.tolist(), strict=False))
    text = table["id"].astype(str)
    known = text.isin(lookup.keys()).to_numpy()
    table["id"] = [lookup.get(t, v) for t, v in zip(text, table["id"], strict=True)]
    if not known.all():
        first = int((~known).argmax())
        click.echo(
            f"escalate: warning: {int((~known).sum())} of {count_of(len(table), 'pause')} in "
            f"{path.name} name no incident (first, row {first + 1}: id {text.iloc[first]}); "
            "they are not used",
            err=True,
        )
    return table
