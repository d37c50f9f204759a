"""Building an event log's table: the vectorised work behind :class:`EventLog`'s readers.

The readers in :mod:`escalate._history` check the caller's columns and turn them into
integer arrays (ids, instants, text codes); this module sorts the rows per incident (the
opening first), repairs or refuses the odd ones, and assembles the log's categorical
table. Its functions return :class:`Built`, the parts an :class:`~escalate.EventLog` is
made of, so this module does not depend on the public class.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final, Literal, NamedTuple

from escalate._checks import attribute_text
from escalate._columns import NAT, Issues, instants, modules, pandas_frame, text_codes, texts
from escalate._errors import ConfigError, Problem, did_you_mean
from escalate._history_order import _out_of_order

BeforeOpening = Literal["clamp", "refuse"]

CLEARED: Final = ""
"""An attribute value in a log that clears the attribute (a snapshot's empty cell).

An empty cell of a log (NA) means "not set by this event"; ``CLEARED`` means "set to
none". Every reader of a log's attributes turns it into ``None``: one incident's timeline
(:meth:`EventLog.timeline`) and the attributes in force at ``as_of`` in the table path.
"""


class Built(NamedTuple):
    """An event log's parts: its table, its issues and its attribute columns."""

    frame: Any
    issues: Any
    attributes: tuple[str, ...]


def _no_id(frame: Any, column: str, issues: Issues, label: str | None = None) -> Any:
    """The rows without an incident id, refused: they belong to no incident."""
    np, _pd = modules()
    absent = frame[column].isna().to_numpy()
    if absent.any():
        where = np.flatnonzero(absent)
        none = np.full(where.size, None, dtype=object)
        issues.add(where, none, label or column, none, "refused", "no incident id")
    return absent


def _pandas(table: Any) -> Any:
    return pandas_frame(table, "table").reset_index(drop=True)


def _check_columns(
    frame: Any,
    required: Mapping[str, str],
    optional: Mapping[str, str | None],
    attributes: Sequence[str],
    sequence: str | None,
) -> None:
    present = [str(c) for c in frame.columns]
    problems = []
    wanted = [(k, v) for k, v in required.items()]
    wanted += [(k, v) for k, v in optional.items() if v is not None and v != k]
    wanted += [(a, a) for a in attributes]
    if sequence is not None:
        wanted.append(("sequence", sequence))
    for role, column in wanted:
        if column not in frame.columns:
            problems.append(
                Problem(
                    path=role,
                    message=f"the table has no column {column!r}",
                    hint=did_you_mean(column, present)
                    or f"name the right column (e.g. {role}='...'); the table has "
                    + ", ".join(map(repr, present[:40])),
                )
            )
    if problems:
        raise ConfigError(problems)


class _Ids:
    """Incident ids as codes into their distinct values; indexing gives the values.

    A row without an id (code ``-1``) gives its value as written.
    """

    def __init__(self, codes: Any, names: Any, source: Any = None) -> None:
        np, _pd = modules()
        self.codes, self.names, self.source = codes, names, source
        self.categories: Any = names
        self._lookup = np.concatenate([names, np.array([None], dtype=object)])

    @classmethod
    def of(cls, column: Any) -> _Ids:
        """The ids of a column (hashed once, in compiled code, whatever their type)."""
        np, pd = modules()
        codes, names = pd.factorize(column)
        ids = cls(np.asarray(codes, dtype=np.int64), np.asarray(names, dtype=object), column)
        if getattr(names, "dtype", np.dtype(object)).kind in "iu":
            ids.categories = pd.Index(names)  # whole numbers: a log's categories as they are
        return ids

    def __getitem__(self, where: Any) -> Any:
        np, _pd = modules()
        codes = self.codes[where]
        out = self._lookup[codes]
        absent = codes < 0
        if absent.any() and self.source is not None:
            at = np.arange(self.codes.size)[where][absent]
            out[absent] = self.source.iloc[at].to_numpy(dtype=object)
        return out


def _codes(
    frame: Any, column: str | None, missing: Sequence[str], *, attribute: bool = False
) -> tuple[Any, Any]:
    """A text column as codes into its distinct values (``-1``: missing or no column).

    ``attribute``: an incident attribute, each value as routes and plans read it
    (:func:`~escalate._checks.attribute_text`: ``True`` is ``"true"``, ``1.0`` is ``"1"``).
    """
    np, _pd = modules()
    if column is None or column not in frame.columns:
        return np.full(len(frame), -1, dtype=np.int64), np.zeros(0, dtype=object)
    return text_codes(frame[column], missing, read=attribute_text if attribute else None)


def _instants(  # noqa: PLR0917
    frame: Any,
    column: str,
    ids: Any,
    issues: Issues,
    timezone: str | None,
    time_format: str | None,
    missing: Sequence[str],
    label: str | None = None,
) -> Any:
    """Parse an instant column; its bad rows are issues under ``label`` (else its name)."""
    np, _pd = modules()
    ns, absent, problems, settled = instants(
        frame[column], column=column, timezone=timezone, time_format=time_format, missing=missing
    )
    name = label or column
    found = [(absent, "no instant", "refused")]
    found += [(mask, reason, "refused") for mask, reason in problems]
    found += [(mask, reason, "repaired") for mask, reason in settled]
    for mask, reason, action in found:
        rows = np.flatnonzero(mask)
        if rows.size:  # the values as written, converted only where there is an issue
            raw = frame[column].iloc[rows].to_numpy(dtype=object)
            issues.add(rows, ids[rows], name, raw, action, reason)
    return ns


def _snapshots(  # noqa: PLR0917
    ids: _Ids,
    sort: Any,
    ns: Any,
    opening: Any,
    first: Any,
    state: dict[str, tuple[Any, Any]],
    attrs_: dict[str, tuple[Any, Any]],
    issues: Issues,
    before_opening: BeforeOpening,
    at: str,
) -> Built:
    """Turn sorted snapshot rows into an opening and ``changed`` events per incident.

    A status or severity left empty keeps the previous value; an attribute left empty
    is a change to "none", written :data:`CLEARED` in the log. Values are integer codes.
    """
    np, _pd = modules()
    code = np.cumsum(first) - 1
    opened = opening[np.flatnonzero(first)][code]
    values: dict[str, tuple[Any, Any]] = {}
    changed = np.zeros(sort.size, dtype=bool)
    for key, (raw, names) in state.items():
        v = _ffill(np, raw[sort], raw[sort] < 0, first)
        diff = (first | (v != np.r_[-2, v[:-1]])) & (v >= 0)
        values[key] = (np.where(diff, v, -1), names)
        changed |= diff
    attributes: dict[str, tuple[Any, Any]] = {}
    for key, (raw, names) in attrs_.items():
        v = raw[sort]
        diff = ~first & (v != np.r_[-2, v[:-1]])
        none = np.int64(len(names))  # the category CLEARED: a change to none
        out = np.where(first, v, np.where(diff, np.where(v < 0, none, v), -1))
        attributes[key] = (out, np.concatenate([names, np.array([CLEARED], dtype=object)]))
        changed |= diff
    keep = first | changed
    kinds = np.where(first, 0, 1)
    at_ns = np.where(first, opened, ns)
    early = keep & ~first & (at_ns < opened)
    if early.any():
        rows = sort[early]
        if before_opening == "refuse":
            issues.add(
                rows,
                ids[rows],
                at,
                issues.given("at", rows),
                "refused",
                "stamped before the opening",
            )
            keep &= ~early
        else:
            issues.add(
                rows, ids[rows], at, issues.given("at", rows), "repaired",
                "stamped before the opening; moved to it",
            )  # fmt: skip
            at_ns = np.maximum(at_ns, opened)
    columns = {k: (c[keep], names) for k, (c, names) in values.items()}
    columns.update({k: (c[keep], names) for k, (c, names) in attributes.items()})
    rows = sort[keep]
    return _categorical_log(
        ids, rows, at_ns[keep], (kinds[keep], np.array(["opened", "changed"], dtype=object)),
        columns, tuple(attrs_), issues,
    )  # fmt: skip


def _categorical_log(  # noqa: PLR0917
    ids: _Ids,
    rows: Any,
    ns: Any,
    kinds: tuple[Any, Any],
    columns: dict[str, tuple[Any, Any]],
    attributes: tuple[str, ...],
    issues: Issues,
    id_codes: Any = None,
) -> Built:
    """Build the log's frame from integer codes (rows already in incident, time order).

    ``id_codes`` are the rows' codes into ``ids.names`` (``ids.codes[rows]`` when not
    given: the rows are then the positions ``ids`` was built on).
    """
    np, pd = modules()
    n = rows.size
    if id_codes is None:
        id_codes = ids.codes[rows]
    if "severity" in columns:
        bare = (kinds[0] == _code(kinds[1], "opened")) & (columns["severity"][0] < 0)
        issues.add(
            rows[bare], ids.names[id_codes[bare]], issues.column("severity"),
            np.full(int(bare.sum()), None, object), "kept",
            "no severity at the opening: evaluating this incident will say so",
        )  # fmt: skip

    none = (np.full(n, -1, dtype=np.int64), np.zeros(0, dtype=object))
    data: dict[str, Any] = {
        "id": _categorical(id_codes, ids.categories),
        "at": pd.DatetimeIndex(ns.view("M8[ns]")).tz_localize("UTC"),
        "type": _categorical(*kinds),
    }
    for key in ("severity", "status", "reason"):
        data[key] = _categorical(*columns.get(key, none))
    for key in attributes:
        data[key] = _categorical(*columns[key])
    data["row"] = rows
    frame = pd.DataFrame(data, copy=False)
    return Built(frame=frame, issues=issues.frame(), attributes=attributes)


def _categorical(codes: Any, names: Any) -> Any:
    """A categorical column of codes into ``names``, keeping only the values used.

    The values keep their order in ``names`` (the source's order of first appearance).
    """
    np, pd = modules()
    used = np.zeros(len(names) + 1, dtype=bool)
    used[codes] = True  # code -1 (empty) marks the spare last place
    used = used[:-1]
    if not used.all():
        renumber = np.cumsum(used) - 1
        codes = np.where(codes < 0, -1, renumber[np.maximum(codes, 0)])
        names = names[used]
    if not isinstance(names, pd.Index):  # text stays object: pandas would guess "str"
        names = pd.Index(np.asarray(names, dtype=object), dtype=object)
    return pd.Categorical.from_codes(codes, categories=names, validate=False)


def _ffill(np: Any, values: Any, absent: Any, first: Any) -> Any:
    """Carry the last present value forward within groups (``first`` starts a group)."""
    idx = np.where(~absent | first, np.arange(values.size), 0)
    idx = np.maximum.accumulate(idx)
    return values[idx]


def _openings(  # noqa: PLR0917
    np: Any,
    pd: Any,
    ids: Any,
    ns: Any,
    role: Any,
    old_values: Any,
    new_values: Any,
    keep: Any,
    seq: Any,
    openings: Any,
    opened_at: str,
    attributes: list[str],
    issues: Issues,
    timezone: str | None,
    time_format: str | None,
    missing: Sequence[str],
    id_column: str,
) -> dict[str, Any]:
    """Return the ``opened`` rows of a change table, from ``openings`` or inferred.

    Inferred, an incident opens at its first change, each field with the ``from`` value
    of its first change; a first change at that instant from no value is the field set at
    creation (a creation audit of Zendesk or ServiceNow), so its ``to`` value is taken.
    ``new_values`` holds ``""`` where the ``to`` value is missing.
    """
    keys = ("severity", "status", *attributes)
    if openings is not None:
        table = _pandas(openings)
        _check_columns(table, {"id": id_column, "opened_at": opened_at}, {}, (), None)
        o_ids = table[id_column].to_numpy(dtype=object)
        # issues of this table name its columns "openings.<column>", at its own rows
        o_ns = _instants(
            table, opened_at, o_ids, issues, timezone, time_format, missing,
            label=f"openings.{opened_at}",
        )  # fmt: skip
        good = (o_ns != NAT) & ~_no_id(table, id_column, issues, label=f"openings.{id_column}")
        twice = good & pd.Series(np.where(good, o_ids, None)).duplicated().to_numpy()
        where = np.flatnonzero(twice)
        issues.add(
            where, o_ids[where], f"openings.{id_column}", o_ids[where], "refused",
            "a second opening of the incident; the first one is kept",
        )  # fmt: skip
        good &= ~twice
        out = {"id": o_ids[good], "at": o_ns[good], "row": np.full(int(good.sum()), -1)}
        for key in keys:
            col = texts(table[key], missing)[0] if key in table.columns else None
            out[key] = col[good] if col is not None else np.full(int(good.sum()), None, object)
        return out
    rows = np.flatnonzero(keep)
    order = np.lexsort((seq[rows], ns[rows], pd.factorize(ids[rows])[0]))
    rows = rows[order]
    first_id = pd.Series(ids[rows]).duplicated().to_numpy()
    starts = rows[~first_id]
    out = {"id": ids[starts], "at": ns[starts], "row": starts}
    opened = dict(zip(ids[starts].tolist(), ns[starts].tolist(), strict=True))
    for key in keys:
        col = np.full(starts.size, None, dtype=object)
        mine = rows[role[rows] == key]
        firsts = mine[~pd.Series(ids[mine]).duplicated().to_numpy()]
        before = old_values[firsts].copy()
        at_opening = ns[firsts] == np.array([opened[i] for i in ids[firsts].tolist()], np.int64)
        created = at_opening & pd.isna(before) & (new_values[firsts] != "")
        before[created] = new_values[firsts][created]
        lookup = dict(zip(ids[firsts].tolist(), before.tolist(), strict=True))
        col[:] = [lookup.get(i) for i in ids[starts].tolist()]
        out[key] = col
    issues.add(
        starts, ids[starts], issues.column("at"), issues.given("at", starts), "repaired",
        "no opening given: opened at the first change, with each field's first 'from' "
        "value (its 'to' value where the field was set at the opening)",
    )  # fmt: skip
    return out


def _no_opening(
    np: Any, ids: _Ids, code: Any, no_open: Any, first_open: Any
) -> list[tuple[str, Any]]:
    """The rows of incidents without an opening, by reason.

    The usual one, or, per id whose text is an opened incident's id of another type
    (``101`` and ``"101"``: an openings table read as text, changes as numbers), that.
    """
    at = np.flatnonzero(no_open)
    if not at.size:
        return []
    names = ids.names
    opened = {str(names[c]): names[c] for c in np.flatnonzero(first_open >= 0).tolist()}
    out: list[tuple[str, Any]] = []
    plain = np.ones(at.size, dtype=bool)
    for c in np.unique(code[at]).tolist():
        twin = opened.get(str(names[c]))
        if twin is None:
            continue
        mine = code[at] == c
        plain &= ~mine
        name = names[c]
        reason = (
            f"the incident has no 'opened' event; the opening of {twin!r} "
            f"({type(twin).__name__}) is another id than {name!r} ({type(name).__name__}): "
            "read the id columns as one type, e.g. dtype={'id': str}"
        )
        out.append((reason, at[mine]))
    return [("the incident has no 'opened' event", at[plain]), *out]


def _build(  # noqa: PLR0917
    ids: _Ids,
    ns: Any,
    kinds: tuple[Any, Any],
    values: dict[str, tuple[Any, Any]],
    attrs_: dict[str, tuple[Any, Any]],
    rows: Any,
    order: Any,
    keep: Any,
    issues: Issues,
    before_opening: BeforeOpening,
    *,
    merge: bool = False,
) -> Built:
    """Sort event rows per incident (opening first), repair or refuse the odd ones.

    Text columns come as ``(codes, names)`` (code ``-1``: empty). With ``merge``, the
    ``changed`` rows of one incident at one instant become one event.
    """
    np, _pd = modules()
    # positions are indices into the arrays given, or ``None`` for all of them in order:
    # a log that comes whole and sorted (the usual case) is never gathered or copied
    sel = None if keep.all() else np.flatnonzero(keep)
    # ids number incidents by first appearance in the source, so do their codes here
    codes = _at(ids.codes, sel)
    opened = _code(kinds[1], "opened")
    is_open = _at(kinds[0], sel) == opened
    # time order; at one instant the opening first, then the given order
    perm = _sort(np, codes, _at(ns, sel), ~is_open, _at(order, sel))
    sort = _compose(sel, perm)
    code = _at(codes, perm)
    first_open = np.full(len(ids.names), -1, dtype=np.int64)
    opens = np.flatnonzero(_at(is_open, perm))
    taken = np.zeros(opens.size, dtype=bool)
    taken[1:] = code[opens][1:] == code[opens][:-1]  # sorted: repeats adjoin
    first_open[code[opens[~taken]]] = opens[~taken]
    extra = _compose(sort, opens[taken])
    # positions here are into the arrays given; ``rows`` turns them into source rows
    issues.add(
        rows[extra], ids[extra], issues.column("type"),
        issues.given("type", rows[extra]), "refused", "a second 'opened' event",
    )  # fmt: skip
    no_open = first_open[code] < 0
    for reason, rows_of in _no_opening(np, ids, code, no_open, first_open):
        where = _compose(sort, rows_of)
        issues.add(
            rows[where], ids[where], issues.column("type"), issues.given("type", rows[where]),
            "refused", reason,
        )  # fmt: skip
    good = ~no_open
    good[opens[taken]] = False
    at_ns = _at(ns, sort)
    opening = np.where(no_open, NAT, at_ns[np.maximum(first_open[code], 0)])
    early = good & (at_ns < opening)
    if early.any():
        where = _compose(sort, np.flatnonzero(early))
        source = rows[where]
        given = issues.given("at", source)
        if before_opening == "refuse":
            issues.add(
                source, ids[where], issues.column("at"), given, "refused",
                "stamped before the opening",
            )  # fmt: skip
            good &= ~early
        else:
            issues.add(
                source, ids[where], issues.column("at"), given, "repaired",
                "stamped before the opening; moved to it",
            )  # fmt: skip
            at_ns = at_ns.copy() if sort is None else at_ns  # never write into ``ns``
            at_ns[early] = opening[early]
    # the opening first: re-sort the clamped rows after it, keeping their order
    final = None if good.all() else np.flatnonzero(good)
    if early.any():
        final = np.arange(good.size) if final is None else final
        is_open_final = kinds[0][_compose(sort, final)] == opened
        keys = (np.arange(final.size), ~is_open_final, at_ns[final], code[final])
        final = final[np.lexsort(keys)]
    pick = _compose(sort, final)
    out_values = {k: (_at(c, pick), names) for k, (c, names) in values.items()}
    out_attrs = {k: (_at(c, pick), names) for k, (c, names) in attrs_.items()}
    at_final, code_final = _at(at_ns, final), _at(code, final)
    kind_final = _at(kinds[0], pick)
    if merge and at_final.size:
        # changes of several fields at one instant are one change of the incident
        changed = kind_final != opened
        same = changed[1:] & changed[:-1]
        same &= (code_final[1:] == code_final[:-1]) & (at_final[1:] == at_final[:-1])
        start = np.r_[True, ~same]
        last = np.r_[~same, True]
        for table in (out_values, out_attrs):
            for key, (c, names) in table.items():
                idx = np.maximum.accumulate(np.where((c >= 0) | start, np.arange(c.size), 0))
                table[key] = (c[idx][last], names)
        pick = np.flatnonzero(last) if pick is None else pick[last]
        at_final, code_final = at_final[last], code_final[last]
        kind_final = kind_final[last]
    refused = _out_of_order(np, kind_final, kinds[1], code_final, out_values.get("status"))
    if refused is not None:
        bad, reasons = refused
        source = _at(rows, _compose(pick, bad))
        issues.add(
            source, ids.names[code_final[bad]], issues.column("type"),
            issues.given("type", source), "refused", reasons,
        )  # fmt: skip
        kept = np.ones(at_final.size, dtype=bool)
        kept[bad] = False
        for table in (out_values, out_attrs):
            for key, (c, names) in table.items():
                table[key] = (c[kept], names)
        pick = np.flatnonzero(kept) if pick is None else pick[kept]
        at_final, code_final, kind_final = at_final[kept], code_final[kept], kind_final[kept]
    # the sort's working arrays go before the log is assembled (memory: they are full-size)
    del sel, codes, is_open, perm, sort, code, opens, taken, first_open, no_open, good
    del opening, early, at_ns, final
    return _categorical_log(
        ids, _at(rows, pick), at_final, (kind_final, kinds[1]), {**out_values, **out_attrs},
        tuple(attrs_), issues, id_codes=code_final,
    )  # fmt: skip


def _at(values: Any, positions: Any) -> Any:
    """``values[positions]``; ``None`` positions stand for all of them, in order."""
    return values if positions is None else values[positions]


def _compose(outer: Any, inner: Any) -> Any:
    """The positions ``outer[inner]``, either of them ``None`` for all, in order."""
    if outer is None:
        return inner
    return outer if inner is None else outer[inner]


def _code(names: Any, name: str) -> int:
    """The code of ``name`` among ``names`` (``-2``, matching no code, when absent)."""
    where = [i for i, value in enumerate(names.tolist()) if value == name]
    return where[0] if where else -2


def _sort(np: Any, codes: Any, ns: Any, later: Any, order: Any) -> Any:
    """The permutation that sorts rows by incident, instant, opening first, given order.

    ``None`` when the rows are in that order already.

    Logs usually come sorted, by incident or by time: each is checked in one pass
    before a full sort is paid for.
    """

    def in_order(c: Any, t: Any, o: Any, q: Any) -> bool:
        same = c[1:] == c[:-1]
        if not (same | (c[1:] > c[:-1])).all() or not (~same | (t[1:] >= t[:-1])).all():
            return False
        same &= t[1:] == t[:-1]  # ties at one instant: an opening first, then ``q``
        if not (~same | o[1:] | ~o[:-1]).all():
            return False
        same &= o[1:] == o[:-1]
        return bool((q[1:][same] >= q[:-1][same]).all())

    if in_order(codes, ns, later, order):
        return None
    by_incident = np.argsort(codes, kind="stable")
    if in_order(codes[by_incident], ns[by_incident], later[by_incident], order[by_incident]):
        return by_incident
    return np.lexsort((order, later, ns, codes))
