"""Columns from real exports: instants and text values checked row by row, with reasons.

Ticket exports are untidy: ``?`` for an empty value, wall-clock times without a zone,
timestamps in a local format, the odd unparseable cell. Each reader of escalate turns such
a column into numbers once, here, and every value it cannot take is reported with its row,
column, value and the fix; it never sinks the whole table, and it is never dropped
without a word.

pandas and numpy are imported only when these functions run.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date
from typing import Any, Final
from zoneinfo import ZoneInfo

from escalate._checks import (
    attribute_text,
    excerpt,
    instant_us,
    whole_number_text,
    zone_problem,
)
from escalate._errors import (
    ConfigError,
    HorizonError,
    InvalidInstantError,
    MissingExtraError,
    NaiveDatetimeError,
    Problem,
)
from escalate._index import MAX_YEAR, MIN_YEAR

__all__ = [
    "MISSING",
    "NAT",
    "Issues",
    "hashable",
    "instants",
    "modules",
    "safe_text",
    "text_codes",
    "texts",
]

NAT: Final = -(2**63)
"""numpy's NaT as int64."""

MISSING: Final = ("", "?", "NULL", "null", "None", "none", "NaN", "nan", "N/A", "n/a", "NaT")
"""Values that stand for "no value" in exports (ServiceNow writes ``?``)."""

# a UTC offset ends a time of day: a date alone ('2026-11-18') ends in '-18' but has none
_OFFSET = re.compile(r"[T ]\d.*(?:Z|[+-]\d\d(?::?\d\d)?)$", re.IGNORECASE)
_EPOCH_DAY = date(1970, 1, 1)
_LOW = f"{MIN_YEAR}-01-02"
_HIGH = f"{MAX_YEAR}-12-31"
_LOW_NS: Final = (date.fromisoformat(_LOW) - _EPOCH_DAY).days * 86_400 * 10**9
_HIGH_NS: Final = (date.fromisoformat(_HIGH) - _EPOCH_DAY).days * 86_400 * 10**9
"""The supported years in UTC nanoseconds: instants at or past ``_HIGH_NS`` are beyond."""


def modules() -> tuple[Any, Any]:
    """Return ``(numpy, pandas)``, or raise :class:`~escalate.MissingExtraError`."""
    try:
        import numpy as np  # noqa: PLC0415
        import pandas as pd  # noqa: PLC0415
    except ImportError as exc:  # pragma: no cover - pandas is installed in the test environment
        raise MissingExtraError("incident tables", "pandas", exc.name or "pandas") from None
    return np, pd


class Issues:
    """Rows a reader repaired or refused: id, source row, column, value, action, reason.

    ``source`` is the table read and ``names`` maps roles (``at``, ``type``...) to its
    column names, so an issue names the caller's column and quotes the value as written.
    """

    def __init__(self, source: Any = None, names: Mapping[str, str] | None = None) -> None:
        self.parts: list[dict[str, Any]] = []
        self.source = source
        self.names = dict(names or {})

    def column(self, role: str) -> str:
        """The source table's column for ``role`` (the role itself when not renamed)."""
        return self.names.get(role, role)

    def given(self, role: str, rows: Any) -> Any:
        """The values of ``role``'s column at the source ``rows``, as written."""
        np, _pd = modules()
        rows = np.asarray(rows, dtype=np.int64)
        name = self.column(role)
        if self.source is None or name not in self.source.columns:
            return np.full(rows.size, None, dtype=object)
        return self.source[name].iloc[rows].to_numpy(dtype=object)

    def add(  # noqa: PLR0917 - one issue's fields, each an array or a constant
        self, rows: Any, ids: Any, column: str, values: Any, action: str, reason: str
    ) -> None:
        """Record an issue for every row of the integer array ``rows``."""
        np, _pd = modules()
        rows = np.asarray(rows, dtype=np.int64)
        if not rows.size:
            return
        self.parts.append(
            {
                "id": np.asarray(ids, dtype=object),
                "row": rows,
                "column": column,
                "value": np.asarray(values, dtype=object),
                "action": action,
                "reason": reason,
            }
        )

    def frame(self) -> Any:
        """Return every issue as one DataFrame, in source-row order."""
        np, pd = modules()
        columns = ["id", "row", "column", "value", "action", "reason"]
        if not self.parts:
            return pd.DataFrame({c: pd.Series(dtype=object) for c in columns}).astype(
                {"row": "int64"}
            )
        frames = []
        for part in self.parts:
            n = part["row"].size
            frames.append(
                pd.DataFrame(
                    {
                        "id": part["id"],
                        "row": part["row"],
                        "column": np.full(n, part["column"], dtype=object),
                        "value": [_excerpt(v) for v in part["value"]],
                        "action": np.full(n, part["action"], dtype=object),
                        "reason": np.full(n, part["reason"], dtype=object),
                    }
                )
            )
        out = pd.concat(frames, ignore_index=True)
        return out.sort_values(["row", "column"], kind="stable", ignore_index=True)


def _excerpt(value: object) -> object:
    """Quote at most 80 characters of a value, so a report never grows with the input."""
    if value is None or isinstance(value, int | float | bool):
        return value
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "..."


def pandas_frame(table: Any, what: str) -> Any:
    """A table at the edge as a pandas DataFrame (a polars one converted), or an error.

    Raises:
        ConfigError: ``table`` is no DataFrame, or has two columns of one name (which a
            column read would return as a table); the path is ``what``.
    """
    if type(table).__module__.partition(".")[0] == "polars":
        return table.to_pandas()
    _np, pd = modules()
    if not isinstance(table, pd.DataFrame):
        msg = f"expected a pandas or polars DataFrame, got {type(table).__name__}"
        hint = "read the file with pandas.read_csv first, or build one with pandas.DataFrame"
        raise ConfigError.single(what, msg, hint)
    twice = table.columns[table.columns.duplicated()].unique().tolist()
    if twice:
        names = ", ".join(excerpt(name) for name in twice)
        msg = f"the table has more than one column named {names}"
        hint = "rename or drop the copies, e.g. table.loc[:, ~table.columns.duplicated()]"
        raise ConfigError.single(what, msg, hint)
    return table


def text_codes(
    values: Any, missing: Sequence[str], *, read: Callable[[object], str | None] | None = None
) -> tuple[Any, Any]:
    """Return a column as integer codes into its distinct stripped values (``-1``: missing).

    Exports repeat the same few values (statuses, groups, timestamps): each distinct value
    is cleaned once, and the rows are handled as integers from then on. ``read``: how a
    value becomes text (:func:`~escalate._checks.attribute_text` for an attribute a
    route or a plan compares); its text stripped by default.
    """
    np, pd = modules()
    series = hashable(pd.Series(values).reset_index(drop=True))
    # True == 1 == 1.0 hash alike, and would be one value, read as the first one found:
    # in a column of mixed types, each value is told apart by its type first
    mixed = series.dtype == object and pd_infer(series).startswith("mixed")
    if mixed:
        series = series.map(_typed, na_action="ignore")
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    raw = [u[1] for u in uniques] if mixed else np.asarray(uniques, dtype=object).tolist()
    stripped = np.array([(read or _cell_text)(u) for u in raw], dtype=object)
    gone = np.isin(stripped, np.array(list(missing), dtype=object))
    again, names = pd.factorize(np.where(gone, None, stripped), use_na_sentinel=True)
    lookup = np.concatenate([np.asarray(again, dtype=np.int64), np.array([-1], dtype=np.int64)])
    return lookup[codes], np.asarray(names, dtype=object)


def _typed(value: object) -> tuple[type, object]:
    """A value with its type, so that ``True``, ``1`` and ``1.0`` are three values."""
    return type(value), value


#: What ``pandas.api.types.infer_dtype`` says of columns that hold no list, dict or set.
_PLAIN: Final = frozenset(
    {"string", "bytes", "integer", "floating", "decimal", "complex", "boolean", "empty",
     "datetime", "datetime64", "date", "time", "timedelta", "timedelta64", "period"}
)  # fmt: skip


def pd_infer(series: Any) -> str:
    """The kind of values an object column holds, missing values left out."""
    _np, pd = modules()
    kind: str = pd.api.types.infer_dtype(series, skipna=True)
    return kind


def hashable(series: Any) -> Any:
    """A column whose lists or tables (junk in a text column) are replaced by their text."""
    if series.dtype != object:
        return series
    # one pass in compiled code: text, numbers, dates... cannot hold a list or a table
    if pd_infer(series) in _PLAIN:
        return series
    odd = series.map(lambda v: isinstance(v, list | dict | set))
    if not odd.any():
        return series
    return series.where(~odd, series[odd].map(safe_text))


def safe_text(value: object) -> str:
    """A value as text, never failing (an int over 4,300 digits becomes an excerpt)."""
    if isinstance(value, str):
        return value
    try:
        return str(value)
    except ValueError:  # an int over 4,300 digits: no status, group or instant
        return excerpt(value)


def attribute_codes(values: Any, missing: Sequence[str] = MISSING) -> tuple[Any, list[str]]:
    """An attribute column (a route key, the plan) as codes (``-1``: none) and texts.

    Each value as routes and plans compare it (:func:`~escalate._checks.attribute_text`);
    the values in ``missing`` (those exports write for "no value", ``?``, ``N/A``... by
    default) are none. A history's reader has decided that already: it passes ``()``.
    """
    codes, names = text_codes(values, missing, read=attribute_text)
    return codes, [str(name) for name in names.tolist()]


def _cell_text(value: object) -> str:
    """A cell of a text column (a severity, a status) as text, stripped.

    A whole number without its decimal point: a column of numbers with gaps holds floats
    (``1.0``), and a priority ``1`` is the severity ``"1"``.
    """
    return whole_number_text(value) or safe_text(value).strip()


def texts(values: Any, missing: Sequence[str]) -> tuple[Any, Any]:
    """Return a column as an object array of stripped strings, and where it is missing."""
    np, _pd = modules()
    codes, names = text_codes(values, missing)
    out = np.concatenate([names, np.array([None], dtype=object)])[codes]
    return out, codes < 0


def column_names(value: str | Sequence[str]) -> list[str]:
    """Columns to group on, given as a list or as one name (``by="severity"``).

    One name is one column, never its letters: every ``by`` argument reads it so.
    """
    return [value] if isinstance(value, str) else list(value)


def repeated(names: list[Any], what: str = "by") -> list[Problem]:
    """A problem for each column named again after its first place in ``names``."""
    return [
        Problem(path=f"{what}[{i}]", message=f"{excerpt(name)} is given twice",
                hint="name each column once")
        for i, name in enumerate(names)
        if names.index(name) != i
    ]  # fmt: skip


def checked_columns(value: str | Sequence[str], what: str = "by") -> list[str]:
    """:func:`column_names`, each named once (a repeated column is a :class:`ConfigError`)."""
    names = column_names(value)
    problems = repeated(names, what)
    if problems:
        raise ConfigError(problems)
    return names


def instants(
    values: Any,
    *,
    column: str,
    timezone: str | None,
    time_format: str | None = None,
    missing: Sequence[str] = MISSING,
    required: bool = False,
    zone: str | None = None,
) -> tuple[Any, Any, list[tuple[Any, str]], list[tuple[Any, str]]]:
    """Parse a column of instants into int64 UTC nanoseconds (``NAT`` where absent).

    Accepts tz-aware datetimes, naive datetimes with ``timezone``, and text: ISO 8601
    (with an offset, or without one when ``timezone`` is given) or ``time_format``. Naive
    values are localised like the scalar path (``fold=0``); they are never read as UTC.

    Returns:
        ``(ns, missing_mask, problems, settled)``: ``problems`` lists ``(mask, reason)``
        of the rows that could not be taken (unparseable, no zone, beyond the supported
        years), whose ``ns`` is ``NAT``; ``settled`` those of the naive wall times that
        happen twice or not at all in ``timezone`` (a daylight-saving change), taken as
        the scalar path takes them: the caller reports them as repaired.

    ``zone`` is the zone a naive column's error suggests (the policy's, where known).

    Raises:
        NaiveDatetimeError: a naive datetime column without ``timezone``.
        InvalidInstantError: a column that holds neither datetimes nor text.
    """
    np, pd = modules()
    if timezone is not None and (problem := zone_problem(timezone, "timezone")) is not None:
        raise ConfigError([problem])
    series = pd.Series(values).reset_index(drop=True)
    n = len(series)
    problems: list[tuple[Any, str]] = []
    settled: list[tuple[Any, str]] = []
    dtype = series.dtype
    if isinstance(dtype, pd.ArrowDtype) and dtype.kind == "M":
        series = _from_arrow(series)
        dtype = series.dtype
    if isinstance(dtype, pd.DatetimeTZDtype):
        ns = _nanoseconds(series.dt.tz_convert("UTC").dt.tz_localize(None))
        absent = ns == NAT
    elif dtype.kind == "M":
        if timezone is None and series.notna().any():
            example = zone or "..."
            whose = ", the policy's" if zone else ""
            fix = (
                f"pass timezone={example!r} (the zone the times were written in{whose}), "
                f"or localise the column first: .dt.tz_localize({example!r})"
            )
            raise NaiveDatetimeError(f"column {column!r}", str(dtype), fix=fix)
        if timezone is not None:
            ns, twice, skipped = _localize(series, timezone)
            settled += _settled(timezone, twice, skipped)
        else:
            ns = np.full(n, NAT)
        absent = ns == NAT
    elif dtype.kind in "OUfiu" or isinstance(dtype, pd.StringDtype):
        if dtype.kind in "fiu" and series.notna().any():
            msg = (
                f"column {column!r} holds numbers ({dtype}), not instants; convert epoch "
                "numbers with pandas.to_datetime(..., unit='s', utc=True)"
            )
            raise InvalidInstantError(msg)
        ns, absent = _parsesafe_text(series, timezone, time_format, missing, problems, settled)
    else:
        msg = f"column {column!r} must hold datetimes or text, got {dtype}"
        raise InvalidInstantError(msg)
    present = ns != NAT
    if present.any():
        beyond = present & ((ns < _LOW_NS) | (ns >= _HIGH_NS))
        if beyond.any():
            problems.append((beyond, f"lies beyond the supported years {MIN_YEAR}-{MAX_YEAR}"))
            ns[beyond] = NAT
        keep = ns != NAT
        ns[keep] -= ns[keep] % 1000  # whole microseconds, like the scalar evaluator
    if required:
        problems.append((absent, "is missing (an instant is required here)"))
    return ns, absent, problems, settled


def _parsesafe_text(  # noqa: PLR0917 - the column, how to read it, and what it finds
    series: Any,
    timezone: str | None,
    time_format: str | None,
    missing: Sequence[str],
    problems: list[tuple[Any, str]],
    settled: list[tuple[Any, str]],
) -> tuple[Any, Any]:
    np, pd = modules()
    n = len(series)
    text, absent = texts(series, missing)
    ns = np.full(n, NAT, dtype=np.int64)
    given = ~absent
    if not given.any():
        return ns, absent
    codes, uniques = pd.factorize(text[given])
    strings = pd.Series(uniques, dtype=object).astype(str)
    rows = np.flatnonzero(given)
    if time_format is not None and "%z" not in time_format:
        aware = np.zeros(len(strings), dtype=bool)
    else:
        aware = strings.str.contains(_OFFSET).to_numpy(dtype=bool)
    fmt = time_format or "ISO8601"
    parsed_ns = np.full(len(strings), NAT, dtype=np.int64)
    if aware.any():
        parsed = pd.to_datetime(strings[aware], format=fmt, errors="coerce", utc=True)
        parsed_ns[aware] = _nanoseconds(parsed.dt.tz_localize(None))
    naive = ~aware
    if naive.any() and timezone is not None:
        parsed = _strptime(strings[naive], time_format) if time_format else None
        if parsed is None:
            parsed = pd.to_datetime(strings[naive], format=fmt, errors="coerce")
        local, twice, skipped = _localize(parsed, timezone)
        parsed_ns[naive] = local
        # per distinct text, then per row
        for mask, reason in _settled(timezone, twice, skipped):
            distinct = np.zeros(len(strings), dtype=bool)
            distinct[np.flatnonzero(naive)[mask]] = True
            settled.append((_mask(n, rows[distinct[codes]]), reason))
    ns[rows] = parsed_ns[codes]
    if timezone is None and naive.any():
        # only a date-time without its zone lacks a zone; junk is not a date-time at all
        wall = _strptime(strings[naive], time_format) if time_format else None
        if wall is None:
            wall = pd.to_datetime(strings[naive], format=fmt, errors="coerce")
        naive[np.flatnonzero(naive)[wall.isna().to_numpy()]] = False
    naive_rows = rows[naive[codes]]
    if naive_rows.size and timezone is None:
        problems.append(
            (
                _mask(n, naive_rows),
                (
                    "has no time zone; pass timezone= (the zone it was written in) or "
                    "write the offset ('...-05:00')"
                ),
            )
        )
    bad = _mask(n, rows) & (ns == NAT)
    if timezone is None:
        bad &= ~_mask(n, naive_rows)
    if bad.any():
        example = "2026-11-20T16:10:00" if timezone is not None else "2026-11-20T16:10:00-05:00"
        hint = f"format {time_format!r}" if time_format else f"ISO 8601 (e.g. {example})"
        problems.append((bad, f"is not a date-time in {hint}"))
    return ns, absent


def _strptime(strings: Any, time_format: str) -> Any:
    """Parse naive text with a ``strptime`` format in C (pyarrow), or ``None`` without it."""
    _np, pd = modules()
    try:
        pa = importlib.import_module("pyarrow")
        pc = importlib.import_module("pyarrow.compute")
    except ImportError:  # pragma: no cover - pyarrow comes with pandas here
        return None
    parsed = pc.strptime(
        pa.array(strings.to_numpy(dtype=object), type=pa.string()),
        format=time_format,
        unit="us",
        error_is_null=True,
    )
    return pd.Series(parsed.to_numpy(zero_copy_only=False).astype("M8[us]"))


def _from_arrow(series: Any) -> Any:
    """A pyarrow timestamp or date column as pandas' own datetimes: same values, same unit.

    A Parquet file read with ``dtype_backend="pyarrow"`` gives such columns; an aware one
    keeps its zone, a naive one (or a date) stays naive for ``timezone=`` to place.
    """
    _np, pd = modules()
    arrow = series.dtype.pyarrow_dtype
    unit = getattr(arrow, "unit", "s")  # a date has no unit: whole days fit in seconds
    zone = getattr(arrow, "tz", None)
    return series.astype(pd.DatetimeTZDtype(unit, zone) if zone else f"M8[{unit}]")


def _nanoseconds(values: Any) -> Any:
    """Naive UTC datetimes of any unit as int64 nanoseconds (a new array, ``NAT`` where absent).

    A value beyond the supported years becomes the first nanosecond after them, which
    :func:`instants` reports, instead of wrapping round: in seconds, milliseconds or
    microseconds (pandas' unit for text and Python datetimes) a date past 2262 or before
    1677 does not fit in nanoseconds, and numpy's conversion would wrap it silently into
    an ordinary date.
    """
    np, _pd = modules()
    wall = values.to_numpy()
    low = np.datetime64(_LOW, "D").astype(wall.dtype)
    high = np.datetime64(_HIGH, "D").astype(wall.dtype)
    beyond = ~np.isnat(wall) & ((wall < low) | (wall >= high))
    if beyond.any():
        wall = np.where(beyond, high, wall)
    return wall.astype("M8[ns]").view("i8").copy()


def _mask(n: int, rows: Any) -> Any:
    np, _pd = modules()
    out = np.zeros(n, dtype=bool)
    out[rows] = True
    return out


def _localize(values: Any, timezone: str) -> tuple[Any, Any, Any]:
    """Localise naive wall times as the scalar path does (zoneinfo, fold=0).

    Returns ``(ns, twice, skipped)``: the instants, and where a wall time happens twice
    (the clocks go back: the first is taken) or not at all (the clocks skip it: read with
    the offset before the change).
    """
    np, pd = modules()
    series = pd.Series(values).reset_index(drop=True)
    # a ZoneInfo, not the name: pandas would read a name from its own copy of the tz data
    aware = series.dt.tz_localize(ZoneInfo(timezone), ambiguous="NaT", nonexistent="NaT")
    ns = _nanoseconds(aware.dt.tz_convert("UTC").dt.tz_localize(None))
    twice = np.zeros(len(series), dtype=bool)
    skipped = np.zeros(len(series), dtype=bool)
    # ambiguous and non-existent wall times are rare: settle them one by one with fold=0
    odd = np.flatnonzero((ns == NAT) & series.notna().to_numpy())
    if odd.size:
        zone = ZoneInfo(timezone)
        for i in odd:
            wall = series.iloc[i].to_pydatetime().replace(tzinfo=zone)
            try:
                ns[i] = instant_us(wall, "instant") * 1000 + series.iloc[i].nanosecond
            except HorizonError:  # beyond the supported years: instants() says so
                ns[i] = _HIGH_NS
                continue
            # a wall time that exists comes back from UTC unchanged
            back = wall.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
            if back == wall.replace(tzinfo=None):
                twice[i] = True
            else:
                skipped[i] = True
    return ns, twice, skipped


def settled_message(column: str, values: Any, mask: Any, reason: str) -> str:
    """Say which rows of an instant column :func:`instants` settled (for a warning)."""
    np, pd = modules()
    rows = np.flatnonzero(mask)
    first = pd.Series(values).iloc[int(rows[0])]
    many = f"{rows.size:,} rows hold" if rows.size > 1 else "a row holds"
    quoted = repr(_excerpt(safe_text(first)))
    return (
        f"column {column!r}: {many} a wall time that {reason} (first: {quoted}); write the "
        "UTC offset where another instant is meant"
    )


def _settled(timezone: str, twice: Any, skipped: Any) -> list[tuple[Any, str]]:
    """The rows whose wall time :func:`_localize` settled, each kind with its reason."""
    gap = (
        f"does not exist in {timezone} (the clocks skip it): read with the UTC offset "
        "before the change, so it lands after the gap"
    )
    back = f"happens twice in {timezone} (the clocks go back): the first is taken"
    return [(mask, reason) for mask, reason in ((twice, back), (skipped, gap)) if mask.any()]
