"""Ticket histories from real exports: event rows, state snapshots and field changes.

An :class:`EventLog` is many incidents' histories in one long table, in the form
:func:`escalate.evaluate_frame` and :meth:`EventLog.timeline` read. Three readers build it
from the shapes ticket systems export, with the caller naming the columns:

- :meth:`EventLog.from_events`: one row per event (``id, type, at, ...``);
- :meth:`EventLog.from_snapshots`: one row per update with the state after it
  (ServiceNow's audit of the incident table);
- :meth:`EventLog.from_changes`: one row per changed field (``id, at, field, from, to``:
  Jira changelogs, Zendesk audits).

Every repair a reader makes and every row it refuses is reported in :attr:`EventLog.issues`
with the incident id, the source row, the column, the value and the reason; nothing is
dropped without a word. What the statuses mean is not the reader's business: that is the
policy's (:attr:`escalate.Policy.statuses`), so one log can be judged under several.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC
from typing import TYPE_CHECKING, Any, Final, Literal

import attrs

from escalate._columns import MISSING, NAT, Issues, modules, text_codes, texts
from escalate._errors import ConfigError, NotFoundError
from escalate._history_build import (
    CLEARED,
    BeforeOpening,
    Built,
    _build,
    _check_columns,
    _codes,
    _Ids,
    _instants,
    _no_id,
    _openings,
    _pandas,
    _snapshots,
)
from escalate._history_order import _group_cummax, _placed_by_time, _sequence
from escalate._index import to_datetime
from escalate._timeline import Timeline

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["EventLog"]

FIELDS: Final = ("id", "at", "type", "severity", "status", "reason")
"""The columns of an event log before its attribute columns."""

Order = Literal["time", "sequence"]

_BY_TIME = "no sequence value: placed by its instant, after the updates stamped before it"


@attrs.frozen(kw_only=True, eq=False)
class EventLog:
    """Many incidents' histories as one long table, and what reading it repaired or refused.

    Attributes:
        frame: One row per event, in time order within each incident (the opening first):
            ``id``, ``at`` (UTC), ``type``, ``severity``, ``status``, ``reason``, then one
            column per attribute (``assignment_group``, ``category``...; empty where the
            event does not set it) and ``row``, the event's row in the source table.
            The id and the text columns are pandas categoricals (with every reader).
        issues: One row per repaired or refused source row: ``id``, ``row``, ``column``,
            ``value``, ``action`` (``repaired`` or ``refused``) and ``reason``.
        attributes: The attribute columns, in order.
        lost: The ids of incidents in the source table none of whose rows could be read
            (each of their rows is in ``issues``); :func:`~escalate.evaluate_frame` gives
            each one a row with an ``error``, after the others, so no incident goes
            missing.
    """

    frame: pd.DataFrame
    issues: pd.DataFrame
    attributes: tuple[str, ...] = ()
    lost: tuple[Any, ...] = ()

    @property
    def ids(self) -> list[Any]:
        """The incident ids, in the order they first appear."""
        return list(self.frame["id"].drop_duplicates())

    def __len__(self) -> int:
        return int(self.frame["id"].nunique())

    def timeline(self, incident: Any, /) -> Timeline:
        """Return one incident's history as a :class:`~escalate.Timeline`.

        Raises:
            NotFoundError: no incident has this id (a ``KeyError`` too).
        """
        rows = self.frame[(self.frame["id"] == incident).to_numpy()]
        if not len(rows):
            msg = f"no incident {incident!r} in this log"
            raise NotFoundError(msg, path="incident")
        return _timeline(rows, self.attributes)

    def timelines(self) -> Iterator[tuple[Any, Timeline]]:
        """Yield ``(id, timeline)`` for every incident, in order."""
        for key, rows in self.frame.groupby("id", sort=False, observed=True):
            yield key, _timeline(rows, self.attributes)

    # -- readers ----------------------------------------------------------------------

    @classmethod
    def from_events(
        cls,
        table: Any,
        /,
        *,
        id: str = "id",  # noqa: A002 - the column's usual name
        type: str = "type",  # noqa: A002
        at: str = "at",
        severity: str | None = "severity",
        status: str | None = "status",
        reason: str | None = "reason",
        attributes: Sequence[str] = (),
        sequence: str | None = None,
        timezone: str | None = None,
        time_format: str | None = None,
        missing: Sequence[str] = MISSING,
        before_opening: BeforeOpening = "clamp",
    ) -> EventLog:
        """Read one row per event: ``id, type, at`` and optional columns.

        Args:
            table: A pandas (or polars) DataFrame.
            id: The column of the incident id.
            type: The column of the event type (``opened``, ``changed``, custom names...).
            at: The column of the event's instant.
            severity: The column of the severity (on ``opened`` and severity changes), or
                ``None``. A column left at its default name that the table lacks is
                simply empty; one named explicitly must exist.
            status: The column of the ticket system's status after the event, or ``None``.
            reason: The column of a pause's reason, or ``None``.
            attributes: Other columns to keep (``category``, ``assignment_group``...).
            sequence: A column that orders events at the same instant (else row order).
            timezone: The zone of instants written without an offset.
            time_format: A ``strptime`` format of the instants (``"%d/%m/%Y %H:%M"``).
            missing: Values that mean "empty" (``?`` in ServiceNow exports).
            before_opening: A row stamped before its incident's opening is moved to the
                opening (``"clamp"``, reported as repaired) or refused (``"refuse"``).
        """
        np, _pd = modules()
        frame = _pandas(table)
        names = {"id": id, "type": type, "at": at}
        optional = {"severity": severity, "status": status, "reason": reason}
        _check_columns(frame, names, optional, attributes, sequence)
        issues = Issues(frame, {**names, **{k: v for k, v in optional.items() if v}})
        n = len(frame)
        rows = np.arange(n)
        ids = _Ids.of(frame[id])
        # text columns stay integer codes into their distinct values all the way to the
        # log's categoricals; values are looked up only for the rows with an issue
        kinds = text_codes(frame[type], missing)
        no_kind = kinds[0] < 0
        where = rows[no_kind]
        issues.add(
            where, ids[where], type, np.full(where.size, None, object), "refused", "no event type"
        )
        ns = _instants(frame, at, ids, issues, timezone, time_format, missing)
        values = {key: _codes(frame, column, missing) for key, column in optional.items()}
        attrs_ = {a: _codes(frame, a, missing, attribute=True) for a in attributes}
        keep = ~no_kind & (ns != NAT) & ~_no_id(frame, id, issues)
        order = _sequence(frame, sequence, ids, issues)[0]
        log = _build(ids, ns, kinds, values, attrs_, rows, order, keep, issues, before_opening)
        return _account(log, frame[id])

    @classmethod
    def from_snapshots(
        cls,
        table: Any,
        /,
        *,
        id: str = "id",  # noqa: A002 - the column's usual name
        at: str = "at",
        status: str | None = "status",
        severity: str | None = "severity",
        attributes: Sequence[str] = (),
        opened_at: str | None = None,
        sequence: str | None = None,
        order: Order | None = None,
        timezone: str | None = None,
        time_format: str | None = None,
        missing: Sequence[str] = MISSING,
        before_opening: BeforeOpening = "clamp",
    ) -> EventLog:
        """Read one row per update with the incident's state after it (ServiceNow's audit).

        The first row of an incident opens it, with its status, severity and attributes;
        each later row becomes a ``changed`` event with the columns that differ from the
        row before. Rows that change nothing add nothing.

        Args:
            table: A pandas (or polars) DataFrame.
            id: The column of the incident id.
            at: The column of the update's instant.
            status: The column of the status after the update, or ``None``.
            severity: The column of the severity (priority) after it, or ``None``.
            attributes: Other state columns to follow (``assignment_group``...).
            opened_at: A column with the opening instant (the first row's instant when
                ``None``).
            sequence: A column that orders updates (ServiceNow's ``sys_mod_count``).
            order: ``"sequence"`` (the default with a ``sequence`` column: an update
                stamped before the previous one is moved to it, and reported) or
                ``"time"`` (sort by instant; the sequence only orders ties).
            timezone: As for :meth:`from_events`.
            time_format: As for :meth:`from_events`.
            missing: As for :meth:`from_events`.
            before_opening: As for :meth:`from_events`.
        """
        np, _pd = modules()
        frame = _pandas(table)
        _check_columns(
            frame,
            {"id": id, "at": at},
            {"status": status, "severity": severity, "opened_at": opened_at},
            attributes,
            sequence,
        )
        if order is None:
            order = "sequence" if sequence is not None else "time"
        if order not in ("sequence", "time"):
            raise ConfigError.single(
                "order", f"unknown order {order!r}", "use 'sequence' or 'time'"
            )
        roles = {"id": id, "at": at, "status": status, "severity": severity}
        issues = Issues(frame, {k: v for k, v in roles.items() if v})
        n = len(frame)
        rows = np.arange(n)
        ids = _Ids.of(frame[id])
        codes = ids.codes
        ns = _instants(frame, at, ids, issues, timezone, time_format, missing)
        if order == "sequence":
            seq, absent = _sequence(frame, sequence, ids, issues, _BY_TIME)
            seq = _placed_by_time(seq, absent, ns, codes)
        else:
            seq = _sequence(frame, sequence, ids, issues)[0]
        state = {
            key: _codes(frame, column, missing)
            for key, column in (("status", status), ("severity", severity))
        }
        attrs_ = {a: _codes(frame, a, missing, attribute=True) for a in attributes}
        keep = (ns != NAT) & ~_no_id(frame, id, issues)
        if order == "sequence":
            sort = np.lexsort((rows, seq, codes))
        else:
            sort = np.lexsort((rows, seq, ns, codes))
        sort = sort[keep[sort]]
        ns_sorted = ns[sort].copy()
        code_sorted = codes[sort]
        first = np.r_[True, code_sorted[1:] != code_sorted[:-1]][: sort.size]  # none if empty
        for key, column in (("status", status), ("severity", severity)):
            if column is not None and column in frame.columns:
                # an incident's first update has no previous value: the opening says so
                bad = sort[(state[key][0][sort] < 0) & ~first]
                issues.add(
                    bad, ids[bad], column, frame[column].to_numpy(dtype=object)[bad],
                    "repaired", "empty value; the previous one is kept",
                )  # fmt: skip
                if key == "status":  # a severity missing there is the incident's error
                    # written but read as no value ('?'): the ticket opens without a status
                    raw = frame[column]
                    given = sort[(state[key][0][sort] < 0) & first]
                    given = given[raw.notna().to_numpy()[given]]
                    issues.add(
                        given, ids[given], column, raw.to_numpy(dtype=object)[given],
                        "kept", "no value at the opening: no status until an update gives one",
                    )  # fmt: skip
        if order == "sequence" and sort.size:
            # an update stamped before the previous one is moved to it
            running = _group_cummax(ns_sorted, code_sorted)
            moved = ns_sorted < running
            issues.add(
                sort[moved],
                ids[sort[moved]],
                at,
                frame[at].to_numpy(dtype=object)[sort[moved]],
                "repaired",
                "stamped before the previous update; moved to it",
            )
            ns_sorted = running
        opening = ns_sorted.copy()
        if opened_at is not None:
            opened_ns = _instants(frame, opened_at, ids, issues, timezone, time_format, missing)
            given = opened_ns[sort]
            opening = np.where(given != NAT, given, ns_sorted)
        log = _snapshots(
            ids, sort, ns_sorted, opening, first, state, attrs_, issues, before_opening, at
        )
        return _account(log, frame[id])

    @classmethod
    def from_changes(
        cls,
        table: Any,
        /,
        *,
        fields: Mapping[str, str],
        id: str = "id",  # noqa: A002 - the column's usual name
        at: str = "at",
        field: str = "field",
        old: str = "from",
        new: str = "to",
        openings: Any = None,
        opened_at: str = "opened",
        sequence: str | None = None,
        timezone: str | None = None,
        time_format: str | None = None,
        missing: Sequence[str] = MISSING,
        before_opening: BeforeOpening = "clamp",
    ) -> EventLog:
        """Read one row per changed field: ``id, at, field, from, to`` (Jira, Zendesk).

        Args:
            table: A pandas (or polars) DataFrame of changes.
            fields: The ticket system's field names to follow, and what each is:
                ``"status"``, ``"severity"`` or an attribute name, e.g.
                ``{"status": "status", "priority": "severity", "Group": "group"}``.
                Rows of other fields are not needed and are counted in one issue per
                field name.
            id: The column of the incident id.
            at: The column of the change's instant.
            field: The column of the changed field's name.
            old: The column of the value before (used to infer the state at opening).
            new: The column of the value after.
            openings: One row per incident with its opening (column ``opened_at``) and
                the state at opening (columns named like the ``fields`` values); when
                ``None``, an incident opens at its first change with the ``from`` values
                of each field's first change (reported once per incident); a first
                change at that instant from no value sets the field at creation (a
                creation audit), so its ``to`` value is the one at opening.
            opened_at: The opening column of ``openings``.
            sequence: As for :meth:`from_events`.
            timezone: As for :meth:`from_events`.
            time_format: As for :meth:`from_events`.
            missing: As for :meth:`from_events`.
            before_opening: As for :meth:`from_events`.
        """
        np, pd = modules()
        frame = _pandas(table)
        _check_columns(frame, {"id": id, "at": at, "field": field, "new": new}, {}, (), sequence)
        # an opening or a severity comes from a field's change: name the field column
        issues = Issues(
            frame, {"id": id, "at": at, "type": field, "severity": field, "status": field}
        )
        n = len(frame)
        rows = np.arange(n)
        ids = frame[id].to_numpy(dtype=object)
        names, _ = texts(frame[field], ())
        wanted = np.isin(names, np.array(list(fields), dtype=object))
        for name in sorted({str(x) for x in names[~wanted]}):
            where = rows[~wanted & (names == name)]
            issues.add(
                where[:1], ids[where[:1]], field, [name], "ignored",
                f"{where.size} change(s) of field {name!r}, not one of the fields followed",
            )  # fmt: skip
        ns = _instants(frame, at, ids, issues, timezone, time_format, missing)
        new_values, new_absent = texts(frame[new], missing)
        new_values = np.where(new_absent, "", new_values).astype(object)
        old_values = (
            texts(frame[old], missing)[0] if old in frame.columns else np.full(n, None, object)
        )
        seq = _sequence(frame, sequence, ids, issues)[0]
        keep = wanted & (ns != NAT) & ~_no_id(frame, id, issues)
        roles = [fields[str(x)] if ok else None for x, ok in zip(names, wanted, strict=True)]
        role = np.array(roles, dtype=object)
        attributes = sorted({r for r in fields.values() if r not in ("status", "severity")})
        values: dict[str, Any] = {}
        for key in ("severity", "status"):
            empty = keep & (role == key) & new_absent
            issues.add(
                rows[empty], ids[empty], new, new_values[empty], "refused",
                f"an empty {key} cannot be taken; the previous one is kept",
            )  # fmt: skip
            keep &= ~empty
        for key in ("severity", "status", *attributes):
            col = np.full(n, None, dtype=object)
            hit = keep & (role == key)
            col[hit] = new_values[hit]
            values[key] = col
        open_rows = _openings(
            np, pd, ids, ns, role, old_values, new_values, keep, seq, openings, opened_at,
            attributes, issues, timezone, time_format, missing, id,
        )  # fmt: skip
        all_ids = _Ids.of(pd.Series(np.concatenate([open_rows["id"], ids[keep]]), dtype=object))
        all_ns = np.concatenate([open_rows["at"], ns[keep]])
        n_open, n_all = len(open_rows["id"]), all_ids.codes.size
        all_kinds = (
            (np.arange(n_all) >= n_open).astype(np.int64),
            np.array(["opened", "changed"], dtype=object),
        )
        all_rows = np.concatenate([open_rows["row"], rows[keep]])
        all_seq = np.concatenate([np.full(n_open, -1, np.int64), seq[keep]])
        merged: dict[str, tuple[Any, Any]] = {}
        for key in ("severity", "status", *attributes):
            col = np.concatenate([open_rows[key], values[key][keep]])
            codes, uniques = pd.factorize(col, use_na_sentinel=True)
            merged[key] = (np.asarray(codes, np.int64), np.asarray(uniques, dtype=object))
        optional = {k: merged[k] for k in ("severity", "status")}
        optional["reason"] = (np.full(n_all, -1, np.int64), np.zeros(0, dtype=object))
        attrs_ = {a: merged[a] for a in attributes}
        keep_all = np.ones(n_all, dtype=bool)
        log = _build(
            all_ids, all_ns, all_kinds, optional, attrs_, all_rows, all_seq, keep_all, issues,
            before_opening, merge=True,
        )  # fmt: skip
        # a ticket of the openings table alone (opened, nothing changed yet) is one too
        sources = frame[id]
        if openings is not None and id in openings.columns:
            sources = pd.concat([sources, openings[id]], ignore_index=True)
        return _account(log, sources)


# -- helpers --------------------------------------------------------------------------


def _account(built: Built, source_ids: Any) -> EventLog:
    """The log built, naming the incidents of the source none of whose rows made it."""
    _np, pd = modules()
    log = EventLog(frame=built.frame, issues=built.issues, attributes=built.attributes)
    if not log.issues["action"].isin(["refused", "ignored"]).any():
        return log  # every row is in the log, so every incident is
    seen = pd.unique(source_ids.dropna().to_numpy(dtype=object))
    lost = seen[~pd.Index(seen).isin(pd.Index(log.frame["id"].astype(object)).unique())]
    return attrs.evolve(log, lost=tuple(lost.tolist())) if lost.size else log


def _timeline(rows: Any, attributes: tuple[str, ...]) -> Timeline:
    """Build one incident's timeline from its rows of an event log."""
    events: list[dict[str, Any]] = []
    at_values = rows["at"].to_numpy("M8[ns]").view("i8")
    columns = {c: rows[c].to_numpy(dtype=object) for c in ("type", "severity", "status", "reason")}
    extra = {a: rows[a].to_numpy(dtype=object) for a in attributes}
    for i in range(len(rows)):
        event: dict[str, Any] = {
            "type": columns["type"][i],
            "at": to_datetime(int(at_values[i]) // 1000, UTC),
        }
        for key in ("severity", "status", "reason"):
            if isinstance(columns[key][i], str):
                event[key] = columns[key][i]
        for key, values in extra.items():
            value = values[i]
            if isinstance(value, str):
                event[key] = None if value == CLEARED else value
        if event["type"] == "changed" and len(event) == 2:
            continue  # a change of fields this timeline does not follow
        events.append(event)
    return Timeline.from_events(events)
