"""Reading policy files: TOML, JSON and YAML text into plain mappings, with line numbers.

Every reader keeps the keys a file gives more than once (:class:`_Table`), so the policy
reader (:mod:`escalate._config`) can report them by key path; a file that does not parse
is one :class:`~escalate.PolicyError` naming its line. YAML needs the ``yaml`` extra.
"""

from __future__ import annotations

import errno
import json
import os
import re
import tomllib
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any, Final

from escalate._checks import describe, excerpt
from escalate._errors import FileReadError, MissingExtraError, PolicyError, Problem

__all__ = ["read_source"]


class _Table(dict[str, Any]):
    """A parsed table that remembers the keys its file gave more than once."""

    duplicates: list[str]

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.duplicates = []


def _json_table(pairs: list[tuple[Any, Any]]) -> _Table:
    table = _Table()
    for key, value in pairs:
        if key in table:
            table.duplicates.append(key)
        table[key] = value
    return table


_TOML_POSITION = re.compile(r"at line (\d+), column (\d+)")


def _syntax_error(
    name: str, kind: str, line: int | None, column: int | None, why: str
) -> PolicyError:
    where = f" at line {line}, column {column}" if line is not None else ""
    return PolicyError(
        [
            Problem(
                path="",
                message=f"{name} is not valid {kind}{where}: {why}",
                hint=f"fix the {kind} syntax near line {line}" if line is not None else None,
            )
        ]
    )


def _beyond_parser(name: str, kind: str, error: Exception) -> PolicyError:
    """The error for a file its parser gives up on: nested too deeply, or a bad value."""
    if isinstance(error, RecursionError):
        return PolicyError.single(
            "",
            f"{name} cannot be read as {kind}: it is nested too deeply",
            "a policy is only a few levels deep",
        )
    # e.g. an integer of over 4,300 digits, or a YAML date such as 2026-13-45
    return PolicyError.single(
        "", f"{name} cannot be read as {kind}: {excerpt(str(error), 120)}", "fix that value"
    )


def _read_toml(text: str, name: str) -> object:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = _TOML_POSITION.search(str(error))
        line, column = (int(found[1]), int(found[2])) if found else (None, None)
        why = _TOML_POSITION.sub("", str(error)).replace("()", "").strip()
        raise _syntax_error(name, "TOML", line, column, why) from None
    except (RecursionError, ValueError) as error:  # ValueError: an int of over 4,300 digits
        raise _beyond_parser(name, "TOML", error) from None


def _read_json(text: str, name: str) -> object:
    try:
        return json.loads(text, object_pairs_hook=_json_table)
    except json.JSONDecodeError as error:
        raise _syntax_error(name, "JSON", error.lineno, error.colno, error.msg) from None
    except (RecursionError, ValueError) as error:  # ValueError: an int of over 4,300 digits
        raise _beyond_parser(name, "JSON", error) from None


def _read_yaml(text: str, name: str) -> object:
    try:
        import yaml  # noqa: PLC0415 - an optional extra, imported when needed
    except ImportError:
        raise MissingExtraError("reading YAML policies", "yaml", "pyyaml") from None

    class Loader(yaml.SafeLoader):
        """A safe loader that records repeated keys instead of dropping them."""

    def table(loader: Loader, node: yaml.MappingNode) -> _Table:
        loader.flatten_mapping(node)
        pairs = []
        for k, v in node.value:
            key = loader.construct_object(k, deep=True)
            if not isinstance(key, str | int | float | bool | date) and key is not None:
                # a list or a table as a key ("? [a, b]"): no policy key is one
                raise yaml.constructor.ConstructorError(
                    None, None, f"a key must be text, found {describe(key)}", k.start_mark
                )
            pairs.append((key, loader.construct_object(v, deep=True)))
        return _json_table(pairs)

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, table)
    try:
        return yaml.load(text, Loader=Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
        raise _syntax_error(name, "YAML", line, column, str(error.problem or error)) from None
    except yaml.YAMLError as error:  # a reader error: a character YAML does not allow
        raise _syntax_error(name, "YAML", None, None, excerpt(str(error), 200)) from None
    except (RecursionError, ValueError) as error:  # ValueError: an int of over 4,300 digits
        raise _beyond_parser(name, "YAML", error) from None


def _read_text(path: Path) -> str:
    """Return a policy file's text; one that is not UTF-8 is a :class:`PolicyError`."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise FileReadError.of(path, "the policy file", error) from None
    try:
        return data.decode("utf-8-sig")  # a byte-order mark (Notepad, Excel) is no syntax
    except UnicodeDecodeError as error:
        raise PolicyError.single(
            "",
            f"{path.name} is not UTF-8 text: byte {error.start} is {data[error.start]:#04x}",
            "save the file as UTF-8 (a binary or Latin-1 file is not a policy)",
        ) from None


_READERS: Final = {
    ".toml": _read_toml,
    ".json": _read_json,
    ".yaml": _read_yaml,
    ".yml": _read_yaml,
}


def read_source(source: object) -> object:
    """The config of a policy file (parsed, not yet checked), or the mapping itself."""
    if isinstance(source, Mapping):
        mapping: object = source
    elif isinstance(source, str | os.PathLike):
        path = Path(source)
        if path.is_dir():  # a folder, whatever its name ends with
            folder = IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
            raise FileReadError.of(path, "the policy file", folder)
        reader = _READERS.get(path.suffix.lower())
        if reader is None:
            raise PolicyError(
                [
                    Problem(
                        path="",
                        message=f"cannot tell the format of {path.name!r} from its extension",
                        hint="use .toml, .json, .yaml or .yml",
                    )
                ]
            )
        mapping = reader(_read_text(path), path.name)
    else:
        raise PolicyError(
            [Problem(path="", message=f"expected a path or a mapping, got {describe(source)}")]
        )
    return mapping
