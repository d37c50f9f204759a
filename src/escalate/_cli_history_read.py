"""Reading ticket histories for the command line: the columns, the reader, the issues.

:class:`escalate._cli_histories.History` holds the flags (``--shape``, ``-c``,
``--pauses``...) and checks them; this module maps the columns of a file to a reader of
:class:`~escalate.EventLog` and reports what it repaired or refused (one warning line,
and ``--issues FILE``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import click

from escalate._cli_files import read_header, read_incidents
from escalate._cli_tables import (
    _EXAMPLE_WALL_TIME,
    UsageProblem,
    _cli_words,
    count_of,
    example_instant,
    instant_columns,
    pandas,
    write_table,
)
from escalate._columns import MISSING
from escalate._errors import NaiveDatetimeError, did_you_mean
from escalate._history import EventLog
from escalate._versions import policies_of

if TYPE_CHECKING:
    from pandas import DataFrame

    from escalate._cli_histories import History
    from escalate._policy import Policy
    from escalate._versions import PolicyVersions


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
#: Reasons shown in the summary line, at most; the issues file has them all.
_SHOWN_REASONS: Final = 4


class _Reader:
    """One history file read by the library's reader for its shape, checked first."""

    def __init__(
        self,
        history: History,
        path: Path,
        policy: Policy | PolicyVersions,
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
        example = ",".join(role for role, required in self.roles.items() if required)
        header = read_header(self.path, example=example)
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
        if any(p.statuses for p in policies_of(self.policy)) and "status" not in used:
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
        header = read_header(path, example="id,opened_at")
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
    table = read_incidents(path, example="id,start,end")
    missing = [c for c in ("id", "start", "end") if c not in table.columns]
    if missing:
        raise UsageProblem(
            f"{path.name} has no column {missing[0]!r}; a table of pauses has the columns "
            "id, start and end (its columns are "
            + ", ".join(map(repr, map(str, table.columns)))
            + ")"
        )
    table = instant_columns(table[["id", "start", "end"]], ("start", "end"), {}, tz=tz, zone=zone)
    table.index = pandas().RangeIndex(1, len(table) + 1)  # the library names rows by label
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
