"""The command line's shared pieces: the error handling group, options and parsers.

Read by :mod:`escalate.cli` (the commands) and by the commands kept in modules of their
own (:mod:`escalate._cli_availability`, :mod:`escalate._cli_compare`). Imported only once
:mod:`escalate.cli` has checked that the ``cli`` extra (click, rich) is installed.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import click

from escalate._checks import instant_us
from escalate._cli_files import read_incidents
from escalate._cli_tables import (
    _EXAMPLE_WALL_TIME,
    UsageProblem,
    check_layout,
    example_instant,
    one_line,
    parse_instants,
)
from escalate._config import load_policy
from escalate._errors import EscalateError, HorizonError, PolicyError, did_you_mean
from escalate._versions import PolicyVersions, load_any

if TYPE_CHECKING:
    import pandas as pd

    from escalate._policy import Policy

_F = TypeVar("_F", bound=Callable[..., Any])


def _fail(message: str) -> NoReturn:
    click.echo(f"escalate: error: {message}", err=True)
    sys.exit(2)


class _Group(click.Group):
    """The command group, which turns every error into one line on stderr with status 2."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,  # noqa: ARG002 - always standalone, by design
        **extra: Any,
    ) -> NoReturn:
        argv = list(sys.argv[1:] if args is None else args)
        debug = "--debug" in argv
        try:
            result = super().main(
                argv, prog_name or "escalate", complete_var, standalone_mode=False, **extra
            )
        except click.UsageError as error:
            if debug:
                raise
            where = error.ctx.command_path if error.ctx is not None else "escalate"
            _fail(f"{one_line(error)} (see '{where} --help')")
        except click.ClickException as error:
            if debug:
                raise
            _fail(one_line(error))
        except click.Abort:
            click.echo("escalate: aborted", err=True)
            sys.exit(130)
        except EscalateError as error:
            if debug:
                raise
            source = getattr(error, "source_file", None)  # a policy file: _named
            _fail(f"{source}: {one_line(error)}" if source else one_line(error))
        except OSError as error:
            if debug:
                raise
            _fail(f"{error.strerror or error}: {error.filename}" if error.filename else str(error))
        except Exception as error:
            if debug:
                raise
            _fail(f"unexpected {type(error).__name__}: {one_line(error)} (rerun with --debug)")
        sys.exit(result if isinstance(result, int) else 0)


def _debug_option(function: _F) -> _F:
    """Accept ``--debug`` on every command too (the group's handler reads it)."""
    return click.option(
        "--debug",
        is_flag=True,
        expose_value=False,
        help="Show the full traceback of an error instead of one line.",
    )(function)


# -- parsing command-line values ------------------------------------------------------


def _checked_zone(
    ctx: click.Context | None,  # noqa: ARG001 - click's callback signature
    param: click.Parameter | None,  # noqa: ARG001
    name: str | None,
) -> str | None:
    """Check ``--tz`` before anything else runs: an unknown zone is never ignored."""
    if name is None:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        hint = did_you_mean(name, sorted(available_timezones())) or (
            "use an IANA name such as America/Bogota or UTC"
        )
        raise UsageProblem(f"--tz: unknown time zone {name!r}; {hint}") from None
    return name


def _instant(value: str | None, option: str, tz: str | None, zone: str) -> datetime | None:
    """Parse an ISO 8601 instant (or ``now``); a naive one is read in ``--tz``.

    Without ``--tz`` a naive instant is an error whose example carries the offset the
    wall time has in ``zone`` (the policy's), so the example itself is accepted.
    """
    if value is None:
        return None
    text = value.strip()
    if text.lower() == "now":
        return datetime.now(UTC)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise UsageProblem(
            f"{option}: {value!r} is not an ISO 8601 instant; write e.g. "
            f"{example_instant(_EXAMPLE_WALL_TIME, zone)}"
        ) from None
    if parsed.tzinfo is None:
        if tz is None:
            raise UsageProblem(
                f"{option}: {value!r} has no UTC offset; write e.g. "
                f"{example_instant(parsed, zone)}, or pass --tz {zone} (the policy's zone)"
            )
        parsed = parsed.replace(tzinfo=ZoneInfo(tz))
    try:
        instant_us(parsed, option)
    except HorizonError:
        raise UsageProblem(
            f"{option}: {value!r} is beyond the supported years (local years 1900-2200)"
        ) from None
    return parsed


def _pairs(values: Sequence[str], option: str) -> dict[str, str]:
    """Parse repeated ``KEY=VALUE`` options."""
    out: dict[str, str] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageProblem(f"{option}: expected KEY=VALUE, got {item!r}")
        out[key.strip()] = value.strip()
    return out


def _csv_list(value: str, option: str) -> list[str]:
    items = [part.strip() for part in value.split(",") if part.strip()]
    if not items:
        raise UsageProblem(f"{option}: expected a comma-separated list, got {value!r}")
    return items


def _known(option: str, value: str, choices: Sequence[str], noun: str | None = None) -> None:
    """Fail with a "did you mean" when ``value`` is not one of the policy's names."""
    if value not in choices:
        hint = did_you_mean(value, choices) or (
            "the policy has " + (", ".join(map(repr, choices)) or "none")
        )
        raise UsageProblem(f"{option}: unknown {noun or option[2:]} {value!r}; {hint}")


def _load(path: Path) -> Policy:
    with _named(path):
        return load_policy(path)


def _load_versioned(path: Path) -> tuple[Policy | PolicyVersions, Policy]:
    """A policy file with or without versions, and the policy that names things (the latest)."""
    with _named(path):
        loaded = load_any(path)
    return loaded, loaded.latest.policy if isinstance(loaded, PolicyVersions) else loaded


@contextlib.contextmanager
def _named(path: Path) -> Iterator[None]:
    """Name the policy file in its problems, as ``validate`` does: a command may read two."""
    try:
        yield
    except PolicyError as error:
        error.source_file = str(path)  # type: ignore[attr-defined] # read by _Group.main
        raise


# -- reading tables -------------------------------------------------------------------


_RESULT_KEYS = (
    "severity", "plan", "route", "tier_level", "tier_name", "error", "month", "policy_version",
)  # fmt: skip


def _incidents(
    path: Path,
    policy: Policy | PolicyVersions,
    columns: Mapping[str, str],
    *,
    tz: str | None,
    zone: str,
) -> pd.DataFrame:
    """Read a table of incidents and its instants (in ``zone``), checking its layout."""
    frame = read_incidents(path)
    check_layout(frame, columns, path.name)
    return parse_instants(frame, policy, columns, tz=tz, zone=zone)


def _as_of_or_now(value: str | None, tz: str | None, zone: str) -> datetime:
    found = _instant(value, "--as-of", tz, zone)
    return found if found is not None else datetime.now(UTC)


# -- options and help shared by the commands -----------------------------------------


def _example(*commands: str) -> str:
    """The epilog of a command's ``--help``: its examples, kept as written (not rewrapped)."""
    return "\b\nExample:\n" + "\n".join(f"  {command}" for command in commands)


_POLICY: Callable[[_F], _F] = click.option(
    "--policy",
    "-p",
    "policy_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The policy file (.toml, .json, .yaml).",
)
_TZ: Callable[[_F], _F] = click.option(
    "--tz",
    default=None,
    metavar="ZONE",
    callback=_checked_zone,
    help="The IANA zone (e.g. America/Bogota) of instants written without a UTC offset; "
    "also the zone of months and of instants written out, which is the policy's otherwise.",
)
_DURATIONS: Callable[[_F], _F] = click.option(
    "--durations",
    type=click.Choice(["seconds", "iso"]),
    default="seconds",
    show_default=True,
    help="Durations in files: seconds (columns named ..._seconds) or ISO 8601 (PT40H).",
)
_COLUMNS: Callable[[_F], _F] = click.option(
    "--column",
    "-c",
    "column_pairs",
    multiple=True,
    metavar="ROLE=YOURS",
    help="Map a column to its role, e.g. -c opened=created_at, or for a history "
    "-c at=sys_updated_at; -c fix_released= (nothing after the '=') says the table has "
    "no such events (repeatable).",
)


def _check_by(keys: Sequence[str], columns: Sequence[str]) -> None:
    """Fail when a ``--by`` key is neither an input column kept, a result, nor ``month``."""
    known = {*columns, *_RESULT_KEYS}
    missing = [k for k in keys if k not in known]
    if missing:
        raise UsageProblem(
            f"--by: no column {missing[0]!r}; the columns are " + ", ".join(columns) + " and month"
        )
