"""Availability over a table of outages: :func:`escalate.availability_frame`.

The vectorised sibling of :func:`escalate.availability` in :mod:`escalate._availability`:
many services and periods at once, with the same rules (it reads the same objective,
clock and exclusion rules) and the same figures, row by row (a tested property).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from escalate._calendar import Calendar, _instant
from escalate._checks import (
    MAX_INSTANT_US,
    MIN_INSTANT_US,
    describe,
    excerpt,
    expect,
)
from escalate._columns import checked_columns
from escalate._errors import (
    HorizonError,
    MissingExtraError,
    NaiveDatetimeError,
    OutageError,
    Problem,
    did_you_mean,
)
from escalate._index import MAX_YEAR, MIN_YEAR, td_us
from escalate._policy import Policy

if TYPE_CHECKING:
    import pandas as pd

    from escalate._policy import Availability

from escalate._availability import _allowed, _objective, _percent, _Rules
from escalate._outages import FLAG_HINT, OutageKind, Period, _utc, _zone, flag_of

__all__ = ["availability_frame"]


_FRAME_COLUMNS: Final = (
    "period_start",
    "period_end",
    "measured",
    "downtime",
    "allowed",
    "remaining",
    "availability",
    "met",
)


def availability_frame(
    outages: pd.DataFrame,
    objective: Availability | Policy,
    /,
    *,
    by: Sequence[str] = ("service",),
    period: str | None = None,
    timezone: str | None = None,
    as_of: datetime | None = None,
    calendars: Policy | Mapping[str, Calendar] | None = None,
) -> pd.DataFrame:
    """Measure availability for every group of outages (service...) and every period.

    The table has one row per outage with the columns ``start`` and ``end`` (``NaT``
    while open), and optionally ``kind`` (``"major"`` when absent), ``planned``,
    ``notified_at`` and ``external`` (false when absent), plus the ``by`` columns. The
    result has one row per group and period, from the period holding the first outage
    to the one holding the last (or ``as_of``), including periods without outages; each
    row equals what :func:`availability` reports for that group's outages and period.

    Args:
        outages: The outage table; instants must be timezone-aware.
        objective: As for :func:`availability`.
        by: The columns that name a service; ``()`` for one group.
        period: ``"month"``, ``"quarter"`` or ``"year"``; the objective's by default.
        timezone: The zone of the period boundaries; by default the policy's
            (:attr:`Policy.timezone`, as ``escalate availability`` counts them), or the
            measured clock's for an :class:`Availability` given alone.
        as_of: As for :func:`availability`.
        calendars: As for :func:`availability`.

    Raises:
        MissingExtraError: pandas is not installed (extra ``pandas``).
        OutageError: a column is missing, or rows are malformed (``outages[label].end``).
        NaiveDatetimeError: a column of instants has no time zone.
    """
    try:
        import numpy as np  # noqa: PLC0415
        import pandas as pd  # noqa: PLC0415
    except ImportError:
        raise MissingExtraError("availability_frame", "pandas", "pandas") from None
    expect(outages, pd.DataFrame, "outages", "a pandas DataFrame")
    found, mapping = _objective(objective, calendars)
    rules = _Rules(found, mapping)
    clock = rules.clock
    kind_name = period or found.period
    # periods are the desk's, as the command line and reports count them: the policy's
    # zone (Policy.timezone); an objective alone has only its measured clock's
    owner = next((p for p in (objective, calendars) if isinstance(p, Policy)), None)
    zone_name = timezone or (owner.timezone if owner is not None else clock.timezone)
    by = checked_columns(by)
    missing = [c for c in ("start", *by) if c not in outages.columns]
    if missing:
        raise OutageError(
            [Problem(path=f"outages.{c}", message=f"missing column {excerpt(c)}") for c in missing]
        )
    labels = list(outages.index)
    start, start_na = _column_us(pd, np, outages["start"], "start", labels)
    end, end_na = _column_us(pd, np, outages.get("end"), "end", labels)
    notified, notified_na = _column_us(pd, np, outages.get("notified_at"), "notified_at", labels)
    kinds = np.full(len(outages), OutageKind.MAJOR.value, dtype=object)
    if "kind" in outages.columns:  # a missing kind is a major failure, as in Outage
        given = outages["kind"].notna().to_numpy()
        kinds[given] = outages["kind"].to_numpy(dtype=object)[given]
    kinds = np.array([k if isinstance(k, str) else excerpt(k) for k in kinds], dtype=str)
    problems = [
        Problem(path=f"outages[{labels[i]}].start", message="an outage needs a start")
        for i in np.flatnonzero(start_na)
    ]
    bad_end = ~end_na & ~start_na & (end < start)
    problems += [
        Problem(
            path=f"outages[{labels[i]}].end",
            message="the outage ends before it starts",
            hint="swap start and end, or leave end empty for an outage still open",
        )
        for i in np.flatnonzero(bad_end)
    ]
    names = [k.value for k in OutageKind]
    problems += [
        Problem(
            path=f"outages[{labels[i]}].kind",
            message=f"unknown outage kind {excerpt(kinds[i])}",
            hint=did_you_mean(str(kinds[i]), names) or "use 'major' or 'minor'",
        )
        for i in np.flatnonzero(~np.isin(kinds, names))
    ]
    planned = _flag(outages, "planned", np, labels, problems)
    external = _flag(outages, "external", np, labels, problems)
    if problems:
        raise OutageError(problems)
    result_columns = [*by, *_FRAME_COLUMNS]
    if len(outages) == 0:
        return pd.DataFrame(columns=result_columns)

    counted = ~external & np.isin(kinds, list(rules.counts))
    announced = counted & planned & ~notified_na
    for i in np.flatnonzero(announced):
        deadline = rules.notice_deadline(_utc(int(notified[i])))
        if start[i] >= _instant(deadline, "deadline"):
            counted[i] = False

    # the periods to report, from the first outage to the last (or as_of)
    now = None if as_of is None else _instant(as_of, "as_of")
    last = (
        now
        if now is not None
        else max(int(start.max()), int(np.where(end_na, start, end).max()) - 1)
    )
    periods = [Period.containing(_utc(int(start.min())), kind=kind_name, timezone=zone_name)]
    while _instant(periods[-1].end, "end") <= last:
        periods.append(periods[-1].next())
    p_start = np.array([_instant(p.start, "start") for p in periods], dtype=np.int64)
    p_end = np.array([_instant(p.end, "end") for p in periods], dtype=np.int64)
    horizon = int(p_end[-1]) if now is None else now
    p_seen = np.minimum(p_end, np.maximum(p_start, horizon))
    measured = [
        td_us(clock.between(_utc(int(a)), _utc(int(b))))
        for a, b in zip(p_start, p_seen, strict=True)
    ]
    period_us = [td_us(clock.between(p.start, p.end)) for p in periods]

    # every counted outage, clipped to each period it overlaps
    eff_end = np.minimum(np.where(end_na, horizon, end), horizon)
    rows = np.flatnonzero(counted)
    s, e = start[rows], eff_end[rows]
    first = np.maximum(np.searchsorted(p_start, s, side="right") - 1, 0)
    upto = np.searchsorted(p_start, e, side="left") - 1
    reps = np.maximum(upto - first + 1, 0)
    row_of = np.repeat(np.arange(len(rows)), reps)
    offset = np.arange(int(reps.sum())) - np.repeat(np.cumsum(reps) - reps, reps)
    k = first[row_of] + offset
    cs = np.maximum(s[row_of], p_start[k])
    ce = np.minimum(e[row_of], p_seen[k])

    codes = (
        outages.groupby(by, sort=True, dropna=False).ngroup().to_numpy()
        if by
        else np.zeros(len(outages), dtype=np.int64)
    )
    n_groups = int(codes.max()) + 1
    cell = codes[rows][row_of] * len(periods) + k
    keep = ce > cs
    cell, cs, ce = cell[keep], cs[keep], ce[keep]
    downtime = np.zeros(n_groups * len(periods), dtype=np.int64)
    if len(cell):
        order = np.lexsort((cs, cell))
        cell, cs, ce = cell[order], cs[order], ce[order]
        spans = pd.DataFrame({"cell": cell, "cs": cs, "ce": ce})
        reach = spans.groupby("cell")["ce"].cummax().groupby(spans["cell"]).shift()
        block = (reach.isna() | (spans["cs"] > reach)).cumsum()
        blocks = spans.groupby(block).agg(
            cell=("cell", "first"), lo=("cs", "min"), hi=("ce", "max")
        )
        lo = pd.to_datetime(blocks["lo"].to_numpy(), unit="us", utc=True)
        hi = pd.to_datetime(blocks["hi"].to_numpy(), unit="us", utc=True)
        spent = pd.TimedeltaIndex(clock.between_many(lo, hi))
        np.add.at(
            downtime,
            blocks["cell"].to_numpy(),
            (spent.asi8 // 1000).astype(np.int64) if spent.unit == "ns" else spent.asi8,
        )

    first_row = pd.Series(np.arange(len(outages))).groupby(codes).first().to_numpy()
    keys = outages[by].iloc[first_row].reset_index(drop=True) if by else None
    zone = _zone(zone_name)
    records: list[dict[str, Any]] = []
    for g in range(n_groups):
        for j, p in enumerate(periods):
            d = int(downtime[g * len(periods) + j])
            allowed = _allowed(period_us[j], found.objective)
            record = {} if keys is None else {c: keys.loc[g, c] for c in by}
            record.update(
                period_start=pd.Timestamp(p.start.astimezone(zone)),
                period_end=pd.Timestamp(p.end.astimezone(zone)),
                measured=pd.Timedelta(microseconds=measured[j]),
                downtime=pd.Timedelta(microseconds=d),
                allowed=pd.Timedelta(microseconds=allowed),
                remaining=pd.Timedelta(microseconds=allowed - d),
                availability=_percent(d, measured[j]),
                met=d <= allowed,
            )
            records.append(record)
    return pd.DataFrame.from_records(records, columns=result_columns)


def _flag(outages: Any, name: str, np: Any, labels: list[Any], problems: list[Problem]) -> Any:
    """Return a column of flags as booleans; a missing value (or column) is false.

    Flags read from text files come as text: ``true``/``yes``/``1`` and
    ``false``/``no``/``0`` in any case are understood, and anything else is a problem,
    never silently false (announced maintenance would count as downtime).
    """
    size = len(outages)
    if name not in outages.columns:
        return np.zeros(size, dtype=bool)
    column = outages[name]
    missing = column.isna().to_numpy()
    flags = np.zeros(size, dtype=bool)
    for i, value in enumerate(column.to_numpy(dtype=object)):
        if missing[i]:
            continue
        flag = flag_of(value)
        if flag is not None:
            flags[i] = flag
            continue
        problems.append(
            Problem(
                path=f"outages[{labels[i]}].{name}",
                message=f"expected true or false, got {describe(value)}",
                hint=FLAG_HINT,
            )
        )
    return flags


def _column_us(pd: Any, np: Any, column: Any, name: str, labels: list[Any]) -> tuple[Any, Any]:
    """Return a column of instants as int64 microseconds (UTC) and its missing-value mask."""
    if column is None:
        size = len(labels)
        return np.zeros(size, dtype=np.int64), np.ones(size, dtype=bool)
    missing = column.isna().to_numpy()
    if isinstance(column.dtype, pd.DatetimeTZDtype):
        utc = column.dt.tz_convert("UTC").dt.tz_localize(None)
        values = np.where(missing, 0, utc.to_numpy(dtype="datetime64[us]").astype(np.int64))
        beyond = np.flatnonzero((values < MIN_INSTANT_US) | (values >= MAX_INSTANT_US))
        if len(beyond):
            what = f"outages[{labels[beyond[0]]}].{name}"
            msg = (
                f"{what} {column.iloc[beyond[0]].isoformat()} is beyond the supported horizon "
                f"(local years {MIN_YEAR}-{MAX_YEAR})"
            )
            raise HorizonError(msg, path=what)
        return values, missing
    if pd.api.types.is_datetime64_dtype(column.dtype):
        raise NaiveDatetimeError(
            f"the column {excerpt(name)}",
            column.dropna().iloc[0] if (~missing).any() else column.dtype,
            fix="localise it, e.g. df[col].dt.tz_localize('America/Mexico_City')",
        )
    values = np.zeros(len(labels), dtype=np.int64)
    for i, value in enumerate(column.to_numpy(dtype=object)):
        if not missing[i]:
            values[i] = _instant(value, f"outages[{labels[i]}].{name}")
    return values, missing
