"""Reading the command line's tables: CSV (comma, semicolon or tab; compressed), JSON, Parquet.

Every way a file can be unreadable is one :class:`~escalate._cli_tables.UsageProblem`
line that names the file and the fix: not UTF-8, a line with more fields than the
header, a column named twice, a zip of several files.
"""

from __future__ import annotations

import bz2
import contextlib
import csv
import gzip
import io
import json
import lzma
import re
import warnings
import zipfile
from collections.abc import Callable, Collection, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from escalate._cli_tables import UsageProblem, count_of, one_line, pandas

if TYPE_CHECKING:
    from pandas import DataFrame

__all__ = ["read_header", "read_incidents", "read_json"]

_SEPARATORS = (",", ";", "\t")
_COMPRESSIONS = (".gz", ".bz2", ".xz", ".zip")


def _table_suffix(path: Path) -> str:
    """The format of an input table: ``.csv``, ``.json`` or ``.parquet`` (``.csv.gz``: ``.csv``).

    A compressed CSV (``.csv.gz``, ``.csv.bz2``, ``.csv.xz``, ``.csv.zip``) and a zip holding
    one CSV (ServiceNow's ``incident_event_log.zip``) are read as CSV.
    """
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in _COMPRESSIONS:
        if suffixes[-1] == ".zip" or suffixes[-2:-1] == [".csv"]:
            return ".csv"
        return suffixes[-1]
    return path.suffix.lower()


@contextlib.contextmanager
def _text(path: Path) -> Iterator[IO[str]]:
    """The file as text, decompressed on the fly (a zip must hold exactly one file)."""
    suffix = path.suffix.lower()
    if suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            names = [i.filename for i in archive.infolist() if not i.is_dir()]
            if len(names) != 1:
                raise UsageProblem(
                    f"{path.name} holds {count_of(len(names), 'file')}; "
                    "a zip of a table must hold exactly one CSV file"
                )
            with archive.open(names[0]) as raw:
                yield io.TextIOWrapper(raw, encoding="utf-8", newline="")
        return
    openers: dict[str, Callable[..., IO[str]]] = {
        ".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open
    }  # fmt: skip
    opener = openers.get(suffix)
    if opener is None:
        with path.open(encoding="utf-8", newline="") as handle:
            yield handle
        return
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        yield handle


INCIDENTS_HEADER = "id,opened,responded,resolved,severity"
"""The header of a table of incidents, shown where a table without one is refused."""


def _separator(path: Path, example: str) -> str:
    """The separator of a CSV file, told from its header line (commas unless it has none).

    ``example`` is a header line of the table expected, shown when the file has none.
    """
    try:
        with _text(path) as handle:
            header = handle.readline()
    except (OSError, zipfile.BadZipFile, EOFError, lzma.LZMAError) as error:
        raise UsageProblem(f"{path.name} cannot be decompressed: {one_line(error)}") from None
    except UnicodeDecodeError as error:
        raise _not_utf8(path, error) from None
    if not header.strip():
        raise UsageProblem(
            f"{path.name} is empty; a CSV table starts with a header line naming its "
            f"columns, here such as {example}"
        )
    counts = {sep: header.count(sep) for sep in _SEPARATORS}
    return "," if counts[","] else max(_SEPARATORS, key=lambda sep: counts[sep])


def read_json(path: Path) -> Any:
    """Read a JSON file, or fail with the line and column of its syntax error."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise UsageProblem(
            f"{path.name} is not valid JSON at line {error.lineno}, column {error.colno}: "
            f"{error.msg}"
        ) from None


def read_header(path: Path, *, example: str = INCIDENTS_HEADER) -> list[str]:
    """The column names of a table, read without reading its rows where the format allows.

    ``example``: a header line of the table expected (said when the file is empty).
    """
    pd = pandas()
    if _table_suffix(path) == ".csv":
        sep = _separator(path, example)
        names: list[str] = list(pd.read_csv(path, sep=sep, nrows=0, dtype=str).columns)
        return names
    return [str(c) for c in read_incidents(path).columns]


def read_incidents(
    path: Path, *, usecols: Collection[str] | None = None, example: str = INCIDENTS_HEADER
) -> DataFrame:
    """Read a CSV (comma, semicolon or tab separated), JSON or Parquet table of incidents.

    With ``usecols``, only those of the table's columns are kept (a CSV reads no others).
    ``example``: a header line of the table expected (said when the file is empty).
    """
    pd = pandas()
    suffix = _table_suffix(path)
    table: DataFrame
    if suffix == ".csv":
        sep = _separator(path, example)
        wanted = None if usecols is None else (lambda name: name in usecols)
        return _read_csv(pd, path, sep, wanted)
    if suffix == ".json":
        data = read_json(path)
        if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
            raise UsageProblem(f"{path.name}: expected a JSON list of objects, one per incident")
        table = pd.DataFrame.from_records(data)
    elif suffix == ".parquet":
        try:
            table = pd.read_parquet(path)
        except ImportError:
            raise UsageProblem(
                "reading Parquet needs pyarrow; install it with: pip install pyarrow"
            ) from None
    else:
        raise UsageProblem(
            f"cannot tell the format of {path.name!r}; use .csv, .json or .parquet "
            "(a CSV may be compressed: .csv.gz, .csv.bz2, .csv.xz, .zip)"
        )
    if usecols is not None:
        table = table[[c for c in table.columns if c in usecols]]
    return table


_SKIPPED = re.compile(r"Skipping line (\d+):")


def _read_csv(pd: Any, path: Path, sep: str, wanted: Any) -> DataFrame:
    """Read a CSV as text; a line with more fields than the header stops it, named.

    Such a line holds the separator in a value without quotes: every value after it
    would land in the wrong column (pandas would even take the first column for an index
    when it is the first row), so no figure of it could be trusted. Lines with fewer
    fields read as empty values at the end.
    """
    with _text(path) as handle:
        header = next(csv.reader(handle, delimiter=sep), [])
    twice = sorted({name for name in header if header.count(name) > 1})
    if wanted is not None:  # a column the run does not read may repeat (Jira's Labels)
        twice = [name for name in twice if wanted(name)]
    if twice:  # pandas would rename the copies 'severity.1' and read on
        raise UsageProblem(
            f"{path.name} has more than one column named "
            + ", ".join(map(repr, twice))
            + "; rename or remove the copies"
        )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", pd.errors.ParserWarning)
        try:
            # pandas decompresses by the extension itself, faster than through a stream
            table: DataFrame = pd.read_csv(
                path, sep=sep, dtype=str, keep_default_na=False, na_values=[""],
                usecols=wanted, index_col=False, on_bad_lines="warn",
            )  # fmt: skip
        except UnicodeDecodeError as error:
            raise _not_utf8(path, error) from None
        except pd.errors.ParserError as error:
            raise UsageProblem(f"{path.name} is not a readable CSV: {one_line(error)}") from None
    said = [str(w.message) for w in caught if issubclass(w.category, pd.errors.ParserWarning)]
    fields = len(header)
    if said:
        # pandas counts records, not lines (a quoted value may span lines): the csv
        # module's count is the file's, which an editor shows; pandas' where it finds none
        lines = _long_lines(path, sep, fields)
        if not lines:
            lines = [2] if any(not _SKIPPED.search(text) for text in said) else []  # first row
            lines += [int(m[1]) for text in said for m in _SKIPPED.finditer(text)]
    elif wanted is not None:
        # reading some columns only, pandas drops an extra field without a word: count
        # the fields of every line (a pass of the csv module, about 0.4 s on the real log)
        lines = _long_lines(path, sep, fields)
    else:
        lines = []
    if not lines:
        return table
    shown = ", ".join(map(str, lines[:6])) + (", ..." if len(lines) > 6 else "")
    which = f"line {shown} has" if len(lines) == 1 else f"{len(lines)} lines ({shown}) have"
    msg = (
        f"{path.name}: {which} more fields than the header's {fields}: a value holds the "
        f"separator {sep!r} without quotes, so the values after it would land in the wrong "
        "columns; quote such values or remove the extra fields"
    )
    raise UsageProblem(msg)


def _long_lines(path: Path, sep: str, fields: int) -> list[int]:
    """The file lines (from 1, the header's too) of the rows with more than ``fields``."""
    with _text(path) as handle:
        reader = csv.reader(handle, delimiter=sep)
        next(reader, None)
        return [reader.line_num for row in reader if len(row) > fields]


def _not_utf8(path: Path, error: UnicodeDecodeError) -> UsageProblem:
    byte = error.object[error.start : error.start + 1].hex()
    return UsageProblem(
        f"{path.name} is not UTF-8 text (a byte 0x{byte} cannot be read as UTF-8); save it "
        "as UTF-8 (in a spreadsheet: CSV UTF-8)"
    )
