"""What availability is measured on: outages (the input rows) and periods (the months).

An :class:`Outage` is one row of an outage log, checked on construction with every problem
at once; a :class:`Period` is the span a report covers (a month, a quarter, a year in a
zone). :mod:`escalate._availability` measures outages over a period against a policy's
objective.
"""

from __future__ import annotations

import enum
import numbers
import zoneinfo
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any, Final

import attrs

from escalate._calendar import _instant
from escalate._checks import (
    describe,
    excerpt,
    text_argument,
    whole_number,
    zone_problem,
)
from escalate._errors import (
    ConfigError,
    HorizonError,
    InvalidInstantError,
    InvalidRangeError,
    NaiveDatetimeError,
    OutageError,
    Problem,
    did_you_mean,
)
from escalate._index import EPOCH, MAX_YEAR, MIN_YEAR, ONE_US
from escalate._results import _iso

__all__ = ["FLAG_HINT", "Outage", "OutageKind", "Period", "flag_of"]

_TRUE: Final = frozenset({"true", "yes", "y", "t", "1"})
_FALSE: Final = frozenset({"false", "no", "n", "f", "0"})
FLAG_HINT: Final = "write true/false, yes/no or 1/0 (any case), or leave it out for false"


def flag_of(value: object) -> bool | None:
    """An outage's ``planned`` or ``external`` flag, however it was written; ``None``: not one.

    One rule for every reader (JSON, CSV, tables): booleans; the text ``true``/``yes``/
    ``1`` and ``false``/``no``/``0`` in any case (``y``/``t``, ``n``/``f`` too); the numbers
    0 and 1. Anything else is a problem, never silently false: announced maintenance read
    as unplanned would count as downtime.
    """
    if type(value).__name__ in {"bool", "bool_"}:
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        return True if text in _TRUE else False if text in _FALSE else None
    if isinstance(value, numbers.Real) and value in (0, 1):
        return bool(value)
    return None


_MONTHS: Final = {"month": 1, "quarter": 3, "year": 12}
_OUTAGE_KEYS: Final = (
    "start",
    "end",
    "kind",
    "planned",
    "notified_at",
    "external",
    "id",
    "description",
)


class OutageKind(enum.StrEnum):
    """How bad an outage is; seed 004 counts both kinds of failure as downtime."""

    MAJOR = "major"
    """A major failure (falla mayor)."""
    MINOR = "minor"
    """A minor failure (falla menor)."""


# -- instants -------------------------------------------------------------------------


def _utc(us: int) -> datetime:
    return EPOCH + ONE_US * us


def _td(us: int) -> timedelta:
    return ONE_US * us


def _zone(name: object) -> zoneinfo.ZoneInfo:
    problem = zone_problem(name, "timezone")
    if problem is not None:
        raise ConfigError([problem])
    return zoneinfo.ZoneInfo(name)  # type: ignore[arg-type] # zone_problem checked it


# -- outages --------------------------------------------------------------------------


def _outage_kind(value: object) -> OutageKind:
    try:
        return OutageKind(str(value))
    except ValueError:
        names = [k.value for k in OutageKind]
        hint = did_you_mean(str(value), names) or "use one of: " + ", ".join(map(repr, names))
        raise OutageError.single("kind", f"unknown outage kind {excerpt(value)}", hint) from None


@attrs.frozen(kw_only=True)
class Outage:
    """A span of time during which a service was down (or degraded).

    Attributes:
        start: When the outage began (timezone-aware).
        end: When the service was restored, or ``None`` while the outage is still open.
        kind: ``"major"`` or ``"minor"``.
        planned: Whether this was planned work (maintenance); corrective work is not.
        notified_at: When the customer was told about planned work, or ``None``.
        external: Whether the cause lies outside the provider's and its partners'
            infrastructure (such outages are excluded).
        id: An identifier to find the outage in reports, or ``None``.
        description: Free text.

    Raises:
        OutageError: ``end`` is before ``start`` or ``kind`` is unknown.
        NaiveDatetimeError: an instant has no time zone.

    >>> utc = ZoneInfo("UTC")
    >>> Outage(
    ...     start=datetime(2026, 11, 3, 10, tzinfo=utc), end=datetime(2026, 11, 3, 11, tzinfo=utc)
    ... ).kind
    <OutageKind.MAJOR: 'major'>
    """

    start: datetime
    end: datetime | None = None
    kind: OutageKind = attrs.field(default=OutageKind.MAJOR, converter=_outage_kind)
    planned: bool = False
    notified_at: datetime | None = None
    external: bool = False
    id: str | None = None
    description: str = ""

    def __attrs_post_init__(self) -> None:
        start = _instant(self.start, "start")
        if self.notified_at is not None:
            _instant(self.notified_at, "notified_at")
        if self.end is not None and self.end != self.end:  # NaT: not "still open"
            msg = "end is NaT, a missing value; give None for an outage still open"
            raise InvalidInstantError(msg, path="end")
        for name in ("planned", "external"):
            if not isinstance(getattr(self, name), bool):
                message = f"expected true or false, got {describe(getattr(self, name))}"
                raise OutageError.single(name, message)
        if self.end is not None and _instant(self.end, "end") < start:
            raise OutageError.single(
                "end",
                f"the outage ends at {self.end.isoformat()}, before it starts at "
                f"{self.start.isoformat()}",
                "swap start and end, or leave end empty for an outage still open",
            )

    @classmethod
    def from_dict(cls, mapping: Mapping[str, Any], /) -> Outage:
        """Build an outage from a mapping of its fields; instants may be ISO 8601 strings.

        Raises:
            OutageError: for unknown keys, malformed values, or an end before the start.
        """
        problems: list[Problem] = []
        if not isinstance(mapping, Mapping):
            raise OutageError.single("", f"expected a mapping, got {type(mapping).__name__}")
        for key in mapping:
            if key not in _OUTAGE_KEYS:
                hint = did_you_mean(str(key), _OUTAGE_KEYS) or "known keys: " + ", ".join(
                    _OUTAGE_KEYS
                )
                problems.append(
                    Problem(path=str(key), message=f"unknown key {excerpt(key)}", hint=hint)
                )
        fields: dict[str, Any] = {}
        for key in ("start", "end", "notified_at"):
            value = mapping.get(key)
            if isinstance(value, str):
                try:
                    value = datetime.fromisoformat(value)
                except ValueError:
                    problems.append(
                        Problem(
                            path=key,
                            message=f"{excerpt(value)} is not an ISO 8601 instant",
                            hint="write e.g. '2026-11-03T10:00:00-06:00'",
                        )
                    )
                    continue
            if value is None and key == "start":
                problems.append(Problem(path=key, message="missing required key 'start'"))
                continue
            if value is not None and not isinstance(value, datetime):
                problems.append(
                    Problem(
                        path=key,
                        message=f"expected an instant, got {describe(value)}",
                        hint="write an ISO 8601 string such as '2026-11-03T10:00:00-06:00'",
                    )
                )
                continue
            fields[key] = value
        for key in ("planned", "external"):
            flag = flag_of(mapping.get(key, False))
            if flag is None:
                message = f"expected true or false, got {excerpt(mapping[key])}"
                problems.append(Problem(path=key, message=message, hint=FLAG_HINT))
            fields[key] = bool(flag)
        if problems:
            raise OutageError(problems)
        return cls(
            kind=mapping.get("kind", OutageKind.MAJOR),
            id=mapping.get("id"),
            description=mapping.get("description", ""),
            **fields,
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready form, which :meth:`from_dict` reads back."""
        return {
            "start": self.start.isoformat(),
            "end": _iso(self.end),
            "kind": self.kind.value,
            "planned": self.planned,
            "notified_at": _iso(self.notified_at),
            "external": self.external,
            "id": self.id,
            "description": self.description,
        }


def _outage_list(outages: Iterable[object]) -> list[Outage]:
    """The outages as records; every malformed one is reported at once, by index."""
    out: list[Outage] = []
    problems: list[Problem] = []
    for i, item in enumerate(outages):
        path = f"outages[{i}]"
        if isinstance(item, Outage):
            out.append(item)
            continue
        if not isinstance(item, Mapping):
            message = f"expected an Outage or a mapping, got {describe(item)}"
            problems.append(Problem(path=path, message=message))
            continue
        try:
            out.append(Outage.from_dict(item))
        except ConfigError as error:
            problems.extend(error.with_prefix(path).problems)
        except NaiveDatetimeError:
            key = next(
                k
                for k in ("start", "end", "notified_at")
                if isinstance(v := item.get(k), datetime | str) and _naive(v)
            )
            raise NaiveDatetimeError(f"{path}.{key}", item[key]) from None
        except InvalidInstantError as error:  # NaT in a record: the record is malformed
            problems.append(Problem(path=f"{path}.{error.path}", message=str(error)))
        except HorizonError as error:
            raise HorizonError(str(error), path=f"{path}.{error.path}") from None
    if problems:
        raise OutageError(problems)
    return out


def _naive(value: datetime | str) -> bool:
    parsed = datetime.fromisoformat(value) if isinstance(value, str) else value
    return parsed.utcoffset() is None


# -- periods --------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Period:
    """The half-open span ``[start, end)`` over which availability is measured.

    Raises:
        InvalidRangeError: ``end`` is not after ``start``.
        NaiveDatetimeError: an instant has no time zone.

    >>> print(Period.month(2026, 11))
    2026-11-01T00:00:00+00:00 .. 2026-12-01T00:00:00+00:00
    """

    start: datetime
    end: datetime

    def __attrs_post_init__(self) -> None:
        if _instant(self.end, "end") <= _instant(self.start, "start"):
            msg = (
                f"a period must end after it starts, got {self.start.isoformat()} .. "
                f"{self.end.isoformat()}"
            )
            raise InvalidRangeError(msg)

    @classmethod
    def month(cls, year: int, month: int, /, *, timezone: str = "UTC") -> Period:
        """Return the calendar month, from local midnight on the 1st to the next 1st.

        Raises:
            InvalidArgumentError: ``year`` or ``month`` is not a whole number.
            HorizonError: ``year`` is outside 1900-2200.
            ConfigError: ``month`` is not 1-12, or ``timezone`` is unknown.
        """
        year = whole_number(year, "year")
        month = whole_number(month, "month")
        if not MIN_YEAR <= year <= MAX_YEAR:
            msg = f"year {excerpt(year)} is beyond the supported horizon ({MIN_YEAR}-{MAX_YEAR})"
            raise HorizonError(msg, path="year")
        if not 1 <= month <= 12:
            raise ConfigError.single("month", f"a month is 1-12, got {excerpt(month)}")
        zone = _zone(timezone)
        start = datetime(year, month, 1, tzinfo=zone)
        return cls(start=start, end=_shift(start, 1))

    @classmethod
    def containing(
        cls, instant: datetime, /, *, kind: str = "month", timezone: str = "UTC"
    ) -> Period:
        """Return the month, quarter or year (in ``timezone``) that contains ``instant``."""
        _instant(instant, "instant")
        text_argument(kind, "kind")
        if kind not in _MONTHS:
            hint = did_you_mean(str(kind), _MONTHS) or "use 'month', 'quarter' or 'year'"
            raise ConfigError.single("kind", f"unknown period {excerpt(kind)}", hint)
        zone = _zone(timezone)
        local = instant.astimezone(zone)
        step = _MONTHS[kind]
        month = (local.month - 1) // step * step + 1
        start = datetime(local.year, month, 1, tzinfo=zone)
        return cls(start=start, end=_shift(start, step))

    def next(self) -> Period:
        """Return the period of the same kind that follows a month, quarter or year."""
        months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month
        return Period(start=self.end, end=_shift(self.end, months))

    def split(self, at: datetime, /) -> tuple[Period, Period]:
        """Return ``[start, at)`` and ``[at, end)``; ``at`` must lie strictly inside."""
        return Period(start=self.start, end=at), Period(start=at, end=self.end)

    def to_dict(self) -> dict[str, str]:
        """Return ``{"start", "end"}`` as ISO 8601 strings."""
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}

    def __str__(self) -> str:
        return f"{self.start.isoformat()} .. {self.end.isoformat()}"


def _shift(start: datetime, months: int) -> datetime:
    index = start.year * 12 + start.month - 1 + months
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=start.tzinfo)
