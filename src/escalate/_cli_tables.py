"""Tables of incidents for the command line: reading, reading instants, evaluating, writing.

Kept apart from the commands in :mod:`escalate.cli`. Everything here speaks the command
line's language: errors are :class:`UsageProblem` lines that name flags (``--tz``,
``-c opened=NAME``), never Python code.

Files written by the command line follow one rule, documented in the CLI how-to:

- instants are ISO 8601 text in one zone, the policy's (:attr:`escalate.Policy.timezone`)
  or ``--tz`` (Parquet keeps them as timestamps in that zone);
- durations are numbers of seconds in columns named ``..._seconds`` (as in
  :meth:`escalate.Evaluation.to_dict`), or ISO 8601 durations (``PT40H``, ``-PT1H30M``)
  with ``--durations iso``.
"""

from __future__ import annotations

import re
import stat
import warnings
from collections.abc import Collection, Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo

import click
from rich.console import Console
from rich.progress import Progress

import escalate
from escalate._columns import instants, settled_message
from escalate._errors import ConfigError
from escalate._history import EventLog
from escalate._versions import event_names

if TYPE_CHECKING:
    from pandas import DataFrame

    from escalate._policy import Policy
    from escalate._versions import PolicyVersions

__all__ = [
    "DurationStyle",
    "UsageProblem",
    "check_layout",
    "count_of",
    "evaluate_table",
    "example_instant",
    "file_table",
    "instant_columns",
    "one_line",
    "output_format",
    "pandas",
    "parse_instants",
    "write_table",
]

DurationStyle = Literal["seconds", "iso"]

#: Rows per call of ``evaluate_frame``; the progress bar advances once per chunk.
_CHUNK = 20_000
#: The built-in event columns holding instants, besides the policy's custom events.
_INSTANT_COLUMNS = ("opened", "responded", "resolved")
_AWARE = r"(?:[+-]\d\d(?::?\d\d(?::?\d\d)?)?|Z)$"
_OUTPUT_FORMATS = (".csv", ".json", ".parquet")
#: The wall time of the examples in messages, given the offset it has in the policy's zone.
_EXAMPLE_WALL_TIME = datetime(2026, 11, 13, 16, 10)  # noqa: DTZ001 - a wall time, on purpose


class UsageProblem(click.UsageError):
    """A value given on the command line (or a file's layout) cannot be used."""


def one_line(error: BaseException) -> str:
    """The error as one line: a configuration error's problems joined with ``; ``."""
    if isinstance(error, ConfigError) and len(error.problems) > 1:
        return f"{len(error.problems)} problems: " + "; ".join(map(str, error.problems))
    text = error.format_message() if isinstance(error, click.ClickException) else str(error)
    return " ".join(text.split()) or type(error).__name__


def pandas() -> Any:
    """Import pandas, or fail naming the extra that brings it."""
    try:
        import pandas as pd  # noqa: PLC0415 - only the table commands need it
    except ImportError:
        raise escalate.MissingExtraError("this command", "cli", "pandas") from None
    return pd


def example_instant(wall: datetime, zone: str) -> str:
    """``wall`` (naive) written with the offset it has in ``zone``: ``2026-12-31T00:00-05:00``."""
    aware = wall.replace(tzinfo=ZoneInfo(zone))
    text = aware.isoformat(timespec="minutes" if not wall.second else "seconds")
    return text if zone != "UTC" else text.replace("+00:00", "Z")


def _row(frame: DataFrame, position: int, columns: Mapping[str, str]) -> str:
    """How a user finds a row: its id when the table has one, else its number from 1."""
    name = columns.get("id", "id")
    if name in frame.columns:
        value = frame[name].iloc[position]
        if isinstance(value, str) or value == value:  # noqa: PLR0124 - NaN is not a name
            return f"id {value}"
    return f"row {position + 1}"


def check_layout(frame: DataFrame, columns: Mapping[str, str], source: str) -> None:
    """Fail when the table lacks the opening or the severity, naming ``-c`` to map them."""
    present = [str(c) for c in frame.columns]
    for role in ("opened", "severity"):
        name = columns.get(role, role)
        if name in present:
            continue
        if len(present) == 1 and any(sep in present[0] for sep in (",", ";", "|")):
            raise UsageProblem(
                f"{source} has one column {present[0]!r}: its separator is not a comma, "
                "semicolon or tab; save it as comma-separated CSV"
            )
        raise UsageProblem(
            f"{source} has no column {name!r} ({role}); its columns are "
            + ", ".join(map(repr, present))
            + f"; map yours with -c {role}=YOUR_COLUMN"
        )


def parse_instants(
    frame: DataFrame,
    policy: Policy | PolicyVersions,
    columns: Mapping[str, str],
    *,
    tz: str | None,
    zone: str,
) -> DataFrame:
    """Turn the text columns of instants into datetimes in ``zone``.

    Instants without a UTC offset are read in ``tz``; without ``--tz`` they are an error
    that suggests the policy's zone.
    """
    names = {columns.get(name, name) for name in (*_INSTANT_COLUMNS, *event_names(policy))}
    return instant_columns(frame, names, columns, tz=tz, zone=zone)


def instant_columns(
    frame: DataFrame,
    names: Collection[str],
    columns: Mapping[str, str],
    *,
    tz: str | None,
    zone: str,
) -> DataFrame:
    """Turn the text columns ``names`` (those the table has) into datetimes in ``zone``.

    As :func:`parse_instants`; ``columns`` names the id column for messages. Text is read
    by the library's own parser (one rule for the library and the command line). A value
    it cannot take (junk, or no offset and no ``--tz``) stays as written, so that
    ``evaluate_frame`` flags its row with the reason instead of the whole run failing.
    """
    np, pd = __import__("numpy"), pandas()
    frame = frame.copy()
    for name in sorted(set(names) & set(frame.columns)):
        column = frame[name]
        if isinstance(column.dtype, pd.DatetimeTZDtype):
            frame[name] = column.dt.tz_convert(ZoneInfo(zone))
            continue
        if pd.api.types.is_datetime64_any_dtype(column):
            column = column.dt.strftime("%Y-%m-%dT%H:%M:%S.%f")  # naive: read as wall times
        text = column.astype("string").str.strip()
        aware = text.str.contains(_AWARE, regex=True).fillna(value=False).to_numpy()
        wall = (
            None
            if aware.any() or tz is not None
            else pd.to_datetime(text, format="ISO8601", errors="coerce")
        )
        if wall is not None and wall.notna().any():  # date-times, none with its zone
            first = int(wall.notna().to_numpy().argmax())
            raise UsageProblem(
                f"column {name!r} has instants without a UTC offset "
                f"({_row(frame, first, columns)}: {text.iloc[first]!r}); pass --tz {zone} "
                f"if they are {zone} times, or write offsets "
                f"({example_instant(_EXAMPLE_WALL_TIME, zone)})"
            )
        ns, _absent, problems, settled = instants(column, column=name, timezone=tz)
        for mask, reason in settled:
            message = settled_message(name, column, mask, reason)
            click.echo(f"escalate: warning: {_cli_words(message)}", err=True)
        parsed = pd.Series(
            pd.DatetimeIndex(ns.view("M8[ns]")).tz_localize("UTC").tz_convert(ZoneInfo(zone)),
            index=frame.index,
        )
        if not problems:
            frame[name] = parsed
            continue
        bad = np.logical_or.reduce([mask for mask, _reason in problems])
        kept = _iso_instants(np, pd, parsed, zone)
        kept[bad] = column.astype(object).to_numpy()[bad]
        frame[name] = kept
    return frame


# -- evaluating -----------------------------------------------------------------------


def evaluate_table(
    incidents: DataFrame | EventLog,
    policy: Policy | PolicyVersions,
    *,
    as_of: datetime,
    columns: Mapping[str, str],
    progress: bool,
    pauses: DataFrame | None = None,
) -> DataFrame:
    """Evaluate in chunks (a progress bar on a terminal); report bad rows in one line.

    ``incidents`` is a wide table (one row per incident, with ``columns`` and ``pauses``)
    or an event log, evaluated in chunks of whole incidents.
    """
    pd = pandas()
    is_log = isinstance(incidents, EventLog)
    options: dict[str, Any] = {"as_of": as_of}
    if not is_log:
        # -c ROLE= (nothing after the '=') says the table has no such events
        mapping = {role: (name or None) for role, name in columns.items()}
        options.update(columns=mapping or None, pauses=pauses)
        columns_for_rows = columns
    else:
        columns_for_rows = {}  # the results of a log name their incidents in "id"
    chunks = _Chunks(pd, incidents)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", escalate.EscalateWarning)
        if progress and chunks.count > 1:
            with Progress(console=Console(stderr=True), transient=True) as bar:
                task = bar.add_task("evaluating", total=chunks.size)
                parts = []
                for part, size in chunks:
                    parts.append(escalate.evaluate_frame(part, policy, **options))
                    bar.advance(task, size)
        else:
            parts = [escalate.evaluate_frame(part, policy, **options) for part, _size in chunks]
    combined: DataFrame = parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=is_log)
    # the bad rows of every chunk make one line; other warnings once each
    bad = combined["error"].notna().to_numpy()
    if bad.any():
        first = int(bad.argmax())
        click.echo(
            f"escalate: warning: {int(bad.sum())} of "
            f"{count_of(len(combined), 'incident' if is_log else 'incident row')} "
            f"could not be evaluated; their 'error' column says why (first, "
            f"{_row(combined, first, columns_for_rows)}: "
            f"{_cli_words(str(combined['error'].iloc[first]))})",
            err=True,
        )
    seen: set[str] = set()
    for warning in caught:
        if issubclass(warning.category, escalate.BadRowsWarning):
            continue
        if issubclass(warning.category, escalate.EscalateWarning):
            line = _cli_words(one_line(Exception(warning.message)))
            if line not in seen:
                seen.add(line)
                click.echo(f"escalate: warning: {line}", err=True)
        else:  # pragma: no cover - pass other warnings on unchanged
            warnings.warn_explicit(
                warning.message, warning.category, warning.filename, warning.lineno
            )
    if bad.any():
        combined["error"] = combined["error"].map(_cli_words, na_action="ignore")
    return combined


class _Chunks:
    """The parts of a table evaluated one call at a time, each with its number of incidents."""

    def __init__(self, pd: Any, incidents: DataFrame | EventLog) -> None:
        self.incidents = incidents
        if isinstance(incidents, EventLog):
            # whole incidents per part, in the order the library gives them
            self.codes = pd.factorize(incidents.frame["id"])[0]
            self.size = int(self.codes.max()) + 1 if len(self.codes) else 0
        else:
            self.size = len(incidents)
        self.count = len(range(0, max(self.size, 1), _CHUNK))

    def __iter__(self) -> Iterator[tuple[Any, int]]:
        incidents = self.incidents
        for start in range(0, max(self.size, 1), _CHUNK):
            size = min(_CHUNK, self.size - start)
            if not isinstance(incidents, EventLog):
                yield incidents.iloc[start : start + _CHUNK], size
            elif self.count == 1:
                yield incidents, size
            else:
                mine = (self.codes >= start) & (self.codes < start + _CHUNK)
                part = EventLog(
                    frame=incidents.frame[mine],
                    issues=incidents.issues,
                    attributes=incidents.attributes,
                    # the incidents the reader lost come last, as in one call
                    lost=incidents.lost if start + _CHUNK >= self.size else (),
                )
                yield part, size


def _cli_words(message: str) -> str:
    """A library message in the command line's words (``--as-of``, not ``as_of``)."""
    message = message.replace("columns={...: 'your column'}", "-c ROLE=YOUR_COLUMN")
    message = message.replace("(EventLog.issues)", "(--issues FILE)")
    message = message.replace("columns={...: None}", "-c ROLE= (nothing after the '=')")
    message = re.sub(r"(?<![\w-])timezone=(?:'[^']*')?", "--tz", message)
    return re.sub(r"(?<![\w-])as_of\b", "--as-of", message)


# -- writing --------------------------------------------------------------------------


def check_folder(out: Path, option: str) -> None:
    """Fail before any work unless the folder an output file goes in exists."""
    folder = out.parent
    if str(out) != "-" and not folder.is_dir():
        raise UsageProblem(f"{option}: the folder {str(folder)!r} does not exist; create it first")


def output_format(out: Path, option: str = "--output") -> str:
    """The output format: the file's extension, or CSV for ``-`` and devices such as /dev/null.

    Checked before any work is done, with the folder the file goes in.
    """
    check_folder(out, option)
    suffix = out.suffix.lower()
    if suffix in _OUTPUT_FORMATS:
        return suffix
    if str(out) == "-":
        return ".csv"
    try:
        mode = out.stat().st_mode
    except OSError:
        mode = 0
    if mode and not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        return ".csv"  # a device or a pipe: /dev/null, /dev/stdout, <(...)
    raise UsageProblem(
        f"cannot tell the output format of {out.name!r}; use .csv, .json or .parquet "
        "(or - for standard output)"
    )


def _offsets(np: Any, seconds: Any) -> Any:
    """UTC offsets in seconds as ``+HH:MM`` text, one per distinct offset."""
    values, inverse = np.unique(seconds, return_inverse=True)
    texts = []
    for value in values.tolist():
        sign = "-" if value < 0 else "+"
        hours, rest = divmod(abs(int(value)), 3600)
        minutes, secs = divmod(rest, 60)
        texts.append(f"{sign}{hours:02d}:{minutes:02d}" + (f":{secs:02d}" if secs else ""))
    return np.array(texts, dtype=object)[inverse]


def _iso_instants(np: Any, pd: Any, column: Any, zone: str) -> Any:
    """Zone-aware datetimes as ISO 8601 text in ``zone``, vectorised (None for NaT)."""
    local = column.dt.tz_convert(ZoneInfo(zone))  # the zoneinfo data, as the library uses
    wall = local.dt.tz_localize(None).to_numpy(dtype="M8[us]")
    utc = column.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(dtype="M8[us]")
    missing = np.isnat(wall)
    offset = np.where(missing, 0, (wall - utc).astype("m8[s]").astype("int64"))
    micros = wall.view("int64") % 1_000_000
    unit = "s" if not micros[~missing].any() else "us"
    text = np.datetime_as_string(wall, unit=unit).astype(object) + _offsets(np, offset)
    text[missing] = None
    return pd.Series(text, index=column.index, dtype=object)


def _iso_duration(us: int) -> str:
    """One duration as ISO 8601 (``PT40H``, ``-PT1H30M``, ``PT0.5S``); hours, never days."""
    sign = "-" if us < 0 else ""
    hours, rest = divmod(abs(us), 3_600_000_000)
    minutes, rest = divmod(rest, 60_000_000)
    seconds, micros = divmod(rest, 1_000_000)
    text = (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    if seconds or micros or not text:
        text += f"{seconds}" + (f".{micros:06d}".rstrip("0") if micros else "") + "S"
    return f"{sign}PT{text}"


def _durations(np: Any, pd: Any, column: Any, style: DurationStyle) -> Any:
    """Timedeltas as seconds (whole numbers when they are) or as ISO 8601 text."""
    us = column.to_numpy(dtype="m8[us]").view("int64")
    missing = np.isnat(column.to_numpy(dtype="m8[us]"))
    if style == "iso":
        distinct, inverse = np.unique(us, return_inverse=True)
        texts = np.array([_iso_duration(int(v)) for v in distinct.tolist()], dtype=object)
        out = texts[inverse]
        out[missing] = None
        return pd.Series(out, index=column.index, dtype=object)
    if not (us[~missing] % 1_000_000).any():
        return pd.Series(pd.arrays.IntegerArray(us // 1_000_000, missing), index=column.index)
    seconds = us / 1e6
    seconds[missing] = np.nan
    return pd.Series(seconds, index=column.index)


def file_table(
    frame: DataFrame, *, zone: str, durations: DurationStyle, keep_instants: bool = False
) -> DataFrame:
    """The table as written to a file: instants in ``zone``, durations as chosen."""
    np, pd = __import__("numpy"), pandas()
    out: dict[str, Any] = {}
    for name, column in frame.items():
        key = str(name)
        if isinstance(column.dtype, pd.DatetimeTZDtype):
            local = column.dt.tz_convert(ZoneInfo(zone))
            out[key] = local if keep_instants else _iso_instants(np, pd, column, zone)
        elif pd.api.types.is_timedelta64_dtype(column.dtype):
            out[key if durations == "iso" else f"{key}_seconds"] = _durations(
                np, pd, column, durations
            )
        elif isinstance(column.dtype, pd.PeriodDtype):
            out[key] = column.astype("string")  # a month as 2026-11
        else:
            out[key] = column
    table: DataFrame = pd.DataFrame(out, index=frame.index)
    return table


def write_table(frame: DataFrame, out: Path | None, *, zone: str, durations: DurationStyle) -> None:
    """Write ``frame`` as CSV on stdout (``out`` absent or ``-``), or to ``out``."""
    suffix = ".csv" if out is None else output_format(out)
    if suffix == ".parquet" and out is not None:
        table = file_table(frame, zone=zone, durations=durations, keep_instants=True)
        try:
            table.to_parquet(out, index=False)
        except ImportError:
            raise UsageProblem(
                "writing Parquet needs pyarrow; install it with: pip install pyarrow"
            ) from None
        return
    table = file_table(frame, zone=zone, durations=durations)
    if suffix == ".json":
        text = table.to_json(orient="records", indent=1, force_ascii=False) if len(table) else "[]"
        text += "\n"
    else:
        text = table.to_csv(index=False)
    if out is None or str(out) == "-":
        click.echo(text, nl=False)
    else:
        with out.open("w", encoding="utf-8", newline="") as handle:
            handle.write(text)


def count_of(count: int, noun: str) -> str:
    """``1 row``, ``2 rows``, ``0 errors``."""
    return f"{count} {noun}" + ("" if count == 1 else "s")
