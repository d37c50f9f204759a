"""Availability objectives: measured uptime, maintenance exclusions and error budgets.

:func:`availability` measures a list of :class:`Outage` records against an
:class:`~escalate.Availability` objective over a :class:`Period` and returns an
:class:`AvailabilityReport`. :func:`availability_frame` (in
:mod:`escalate._availability_frame`) does the same for a pandas table of outages across
many services and periods at once, with the rules written here.

Time is counted in integer microseconds on the objective's clock (``measured_on``):
``availability = 100 * (1 - downtime / measured)``, where both are open time of that
clock inside the period (up to ``as_of`` for a period still running).
"""

from __future__ import annotations

import enum
import zoneinfo
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from fractions import Fraction
from typing import Any, Final

import attrs

from escalate._calendar import Calendar, _instant
from escalate._checks import (
    describe,
    excerpt,
    expect,
    text_argument,
    whole_number,
    zone_problem,
)
from escalate._duration import format_duration
from escalate._errors import (
    ConfigError,
    HorizonError,
    InvalidArgumentError,
    InvalidInstantError,
    InvalidRangeError,
    NaiveDatetimeError,
    OutageError,
    PolicyError,
    Problem,
    did_you_mean,
)
from escalate._index import EPOCH, MAX_YEAR, MIN_YEAR, ONE_US, td_us
from escalate._policy import ALWAYS, Availability, Policy
from escalate._policy_check import check_availability
from escalate._results import _iso, _seconds

__all__ = [
    "AvailabilityReport",
    "Outage",
    "OutageKind",
    "OutageReason",
    "OutageRecord",
    "Period",
    "availability",
]

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


class OutageReason(enum.StrEnum):
    """Why an outage counted as downtime or was excluded."""

    UNPLANNED = "unplanned"
    """Counted: unplanned or corrective work, whatever the notice."""
    LATE_NOTICE = "late_notice"
    """Counted: planned work announced later than the notice period requires."""
    NO_NOTICE = "no_notice"
    """Counted: planned work that was never announced."""
    PLANNED = "planned"
    """Excluded: planned work announced with enough notice."""
    EXTERNAL = "external"
    """Excluded: the cause is outside the provider's (and its partners') infrastructure."""
    OUTSIDE_CLOCK = "outside_clock"
    """Excluded: the outage lies wholly outside the clock availability is measured on."""
    KIND_NOT_COUNTED = "kind_not_counted"
    """Excluded: the objective does not count outages of this kind."""
    OUTSIDE_PERIOD = "outside_period"
    """Excluded: the outage lies outside the period, or starts after ``as_of``."""

    @property
    def is_excluded(self) -> bool:
        """Whether outages with this reason are left out of the downtime."""
        return self not in _COUNTED


_COUNTED: Final = frozenset(
    {OutageReason.UNPLANNED, OutageReason.LATE_NOTICE, OutageReason.NO_NOTICE}
)


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
            flag = mapping.get(key, False)
            if not isinstance(flag, bool):
                problems.append(
                    Problem(path=key, message=f"expected true or false, got {excerpt(flag)}")
                )
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


def _outage_list(outages: Iterable[Outage | Mapping[str, Any]]) -> list[Outage]:
    out: list[Outage] = []
    for i, item in enumerate(outages):
        path = f"outages[{i}]"
        if isinstance(item, Outage):
            out.append(item)
            continue
        if not isinstance(item, Mapping):
            raise OutageError.single(path, f"expected an Outage or a mapping, got {describe(item)}")
        try:
            out.append(Outage.from_dict(item))
        except ConfigError as error:
            raise error.with_prefix(path) from None
        except NaiveDatetimeError:
            key = next(
                k
                for k in ("start", "end", "notified_at")
                if isinstance(v := item.get(k), datetime | str) and _naive(v)
            )
            raise NaiveDatetimeError(f"{path}.{key}", item[key]) from None
        except InvalidInstantError as error:  # NaT in a record: the record is malformed
            raise OutageError.single(f"{path}.{error.path}", str(error)) from None
        except HorizonError as error:
            raise HorizonError(str(error), path=f"{path}.{error.path}") from None
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


# -- results --------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class OutageRecord:
    """What one outage contributed to a report, and why.

    Attributes:
        outage: The outage as given.
        reason: Why it counted or was excluded.
        counted: The downtime it added: its open time on the clock inside the period,
            less any time an earlier outage already covered (so the records sum to the
            report's downtime).
        note: The reason in words, e.g. the notice that was given and required.
    """

    outage: Outage
    reason: OutageReason
    counted: timedelta
    note: str

    @property
    def is_excluded(self) -> bool:
        """Whether the outage was left out of the downtime."""
        return self.reason.is_excluded

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready form: the outage, its reason, counted seconds and note."""
        return {
            "outage": self.outage.to_dict(),
            "reason": self.reason.value,
            "excluded": self.is_excluded,
            "counted_seconds": _seconds(self.counted),
            "note": self.note,
        }


@attrs.frozen(kw_only=True)
class AvailabilityReport:
    """The availability of a service over a period, measured against an objective.

    Attributes:
        objective: The objective in percent.
        availability: The measured availability in percent,
            ``100 * (1 - downtime / measured)``; 100 when nothing was measured yet.
        met: Whether the downtime is within the allowed downtime (for a period still
            running: not breached so far).
        measured_on: The name of the clock availability is measured on.
        period: The measurement period.
        as_of: The instant of the measurement (the period's end unless given).
        complete: Whether ``as_of`` is at or after the end of the period.
        measured: The open time of the clock from the period's start to
            ``min(as_of, end)``.
        period_time: The open time of the clock over the whole period.
        downtime: The counted downtime (overlaps merged), which is the budget spent.
        allowed: The error budget: ``period_time * (100 - objective) / 100``, rounded
            down to the microsecond.
        remaining: ``allowed - downtime``; negative once the objective is breached.
        spent_fraction: ``downtime / allowed``, or ``None`` when nothing is allowed.
        remaining_fraction: ``1 - spent_fraction``, or ``None`` when nothing is allowed.
        outages: One record per outage given, in the order given.
        merged: The counted outages' spans within the period, overlaps merged, as
            disjoint ``(start, end)`` pairs in order (only their open time on the
            clock counts).
        breached_at: When the counted downtime used up the budget, once it has been
            exceeded; else ``None``. Instants of the report are in the period's zone.
        projected_breach_at: For a period still running and not breached, when the
            budget runs out at the burn rate so far (downtime per measured time), if
            that falls inside the period; else ``None``.
    """

    objective: float
    availability: float
    met: bool
    measured_on: str
    period: Period
    as_of: datetime
    complete: bool
    measured: timedelta
    period_time: timedelta
    downtime: timedelta
    allowed: timedelta
    remaining: timedelta
    spent_fraction: float | None
    remaining_fraction: float | None
    outages: tuple[OutageRecord, ...]
    merged: tuple[tuple[datetime, datetime], ...]
    breached_at: datetime | None
    projected_breach_at: datetime | None

    @property
    def spent(self) -> timedelta:
        """The error budget spent: the counted downtime."""
        return self.downtime

    @property
    def excluded(self) -> tuple[OutageRecord, ...]:
        """The records of the outages left out of the downtime."""
        return tuple(r for r in self.outages if r.is_excluded)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready form; durations are in seconds, instants ISO 8601."""
        return {
            "objective": self.objective,
            "availability": self.availability,
            "met": self.met,
            "measured_on": self.measured_on,
            "period": self.period.to_dict(),
            "as_of": self.as_of.isoformat(),
            "complete": self.complete,
            "measured_seconds": _seconds(self.measured),
            "period_seconds": _seconds(self.period_time),
            "downtime_seconds": _seconds(self.downtime),
            "allowed_seconds": _seconds(self.allowed),
            "remaining_seconds": _seconds(self.remaining),
            "spent_fraction": self.spent_fraction,
            "remaining_fraction": self.remaining_fraction,
            "breached_at": _iso(self.breached_at),
            "projected_breach_at": _iso(self.projected_breach_at),
            "merged": [{"start": s.isoformat(), "end": e.isoformat()} for s, e in self.merged],
            "outages": [r.to_dict() for r in self.outages],
        }

    def explain(self) -> str:
        """Return a human-readable account of what was counted, excluded, and why."""
        verdict = "met" if self.met else "breached"
        if not self.complete:
            verdict += " so far"
        lines = [
            (
                f"availability {self.availability:.4f}% on {self.measured_on} for "
                f"{self.period} (objective {self.objective:g}%: {verdict})"
            ),
            (
                f"measured {_show(self.measured)} of {_show(self.period_time)} as of "
                f"{self.as_of.isoformat()}"
            ),
            f"downtime {_show(self.downtime)} of {_show(self.allowed)} allowed; "
            f"remaining {_show(self.remaining)}"
            + (
                f" ({self.spent_fraction:.2%} of the budget spent)"
                if self.spent_fraction is not None
                else ""
            ),
        ]
        if not self.outages:
            lines.append("no outages")
        for i, record in enumerate(self.outages):
            o = record.outage
            name = o.id if o.id is not None else f"#{i}"
            end = "still open" if o.end is None else o.end.isoformat()
            what = "excluded" if record.is_excluded else f"counted {_show(record.counted)}"
            lines.append(
                f"- {name} {o.kind.value} {o.start.isoformat()} .. {end}: {what} "
                f"({record.reason.value}: {record.note})"
            )
        if self.breached_at is not None:
            lines.append(f"budget ran out at {self.breached_at.isoformat()}")
        if self.projected_breach_at is not None:
            lines.append(
                f"at the burn rate so far the budget runs out at "
                f"{self.projected_breach_at.isoformat()}"
            )
        return "\n".join(lines)


def _show(value: timedelta) -> str:
    return format_duration(value)


# -- the computation ------------------------------------------------------------------


def _objective(
    objective: Availability | Policy, calendars: Policy | Mapping[str, Calendar] | None
) -> tuple[Availability, Mapping[str, Calendar]]:
    found: Availability | None
    expect(objective, (Availability, Policy), "objective", "an Availability or a Policy")
    if calendars is not None:
        wanted = "a Policy or a mapping of names to calendars"
        expect(calendars, (Policy, Mapping), "calendars", wanted)
    if isinstance(objective, Policy):
        found, default = objective.availability, objective.calendars
        if found is None:
            raise PolicyError.single(
                "availability",
                "the policy has no availability objective",
                "add an [availability] table with e.g. objective = 99.5",
            )
    else:
        found, default = objective, {}
    if isinstance(calendars, Policy):
        mapping: Mapping[str, Calendar] = calendars.calendars
    else:
        mapping = default if calendars is None else calendars
    problems = check_availability(found, [*mapping, ALWAYS])
    if problems:
        raise PolicyError(problems)
    for name in (found.clock, found.measured_on):
        if name is not None and name in mapping and not isinstance(mapping[name], Calendar):
            msg = f"calendars[{name!r}] must be a Calendar, got {describe(mapping[name])}"
            raise InvalidArgumentError(msg, path=f"calendars.{name}")
    return found, mapping


def _calendar(mapping: Mapping[str, Calendar], name: str | None) -> Calendar:
    # names were checked by check_availability, so a miss is the built-in 24x7 clock
    found = mapping.get(name or ALWAYS)
    return found if found is not None else Calendar.always("UTC")


def _fraction(objective: float) -> Fraction:
    # str() gives the shortest decimal, so 99.9 is 999/10 and not its binary neighbour
    return Fraction(str(objective))


def _allowed(period_us: int, objective: float) -> int:
    down = 100 - _fraction(objective)
    return period_us * down.numerator // (100 * down.denominator)


def _percent(downtime: int, measured: int) -> float:
    if measured == 0:
        return 100.0
    return float(100 * (1 - Fraction(downtime, measured)))


class _Rules:
    """The objective's counting rules, resolved once per call."""

    def __init__(self, objective: Availability, calendars: Mapping[str, Calendar]) -> None:
        self.counts = frozenset(objective.counts)
        self.notice = objective.maintenance_notice.days if objective.maintenance_notice else 0
        self.notice_clock = _calendar(calendars, objective.clock)
        self.clock = _calendar(calendars, objective.measured_on)

    def notice_deadline(self, notified_at: datetime) -> datetime:
        """The earliest start at which work announced at ``notified_at`` is excluded."""
        return self.notice_clock.add_business_days(notified_at, self.notice)

    def classify(self, outage: Outage) -> tuple[OutageReason, str]:
        """Return why an outage inside the period counts or not, except the clock rule."""
        if outage.external:
            return OutageReason.EXTERNAL, "the cause is outside the provider's infrastructure"
        if outage.kind.value not in self.counts:
            return OutageReason.KIND_NOT_COUNTED, f"{outage.kind.value} outages do not count"
        if not outage.planned:
            return OutageReason.UNPLANNED, "unplanned or corrective work counts"
        if outage.notified_at is None:
            return OutageReason.NO_NOTICE, "planned work that was not announced counts"
        deadline = self.notice_deadline(outage.notified_at)
        told = (
            f"announced {outage.notified_at.isoformat()}; "
            f"{self.notice} business days' notice means work from {deadline.isoformat()}"
        )
        if _instant(outage.start, "start") >= _instant(deadline, "deadline"):
            return OutageReason.PLANNED, told
        return OutageReason.LATE_NOTICE, told + ": too late, so it counts"


def availability(
    objective: Availability | Policy,
    outages: Iterable[Outage | Mapping[str, Any]],
    period: Period,
    /,
    *,
    as_of: datetime | None = None,
    calendars: Policy | Mapping[str, Calendar] | None = None,
) -> AvailabilityReport:
    """Measure outages against an availability objective over a period.

    Args:
        objective: The objective, or a :class:`~escalate.Policy` whose ``availability``
            it is (then its calendars resolve the clock names).
        outages: :class:`Outage` records, or mappings for :meth:`Outage.from_dict` (whose
            errors then name ``outages[i]``). Outages outside the period are reported as
            such; overlapping ones are merged, never counted twice.
        period: The measurement period, e.g. ``Period.month(2026, 11)``.
        as_of: The instant of measurement: later time is not seen, and an outage still
            open runs to it. ``None`` means the end of the period.
        calendars: Where the objective's calendar names (``clock``, ``measured_on``) are
            looked up: a policy or a mapping of names to calendars. ``24x7`` (UTC) needs
            no declaring. Defaults to the policy's calendars when ``objective`` is one.

    Raises:
        PolicyError: the objective is invalid or names an unknown calendar.
        OutageError: an outage mapping is malformed (the path names ``outages[i]``).
        NaiveDatetimeError: an instant has no time zone.

    >>> utc = ZoneInfo("UTC")
    >>> down = Outage(
    ...     start=datetime(2026, 11, 3, 10, tzinfo=utc), end=datetime(2026, 11, 3, 12, tzinfo=utc)
    ... )
    >>> report = availability(Availability(objective=99.5), [down], Period.month(2026, 11))
    >>> report.availability, report.met, report.remaining
    (99.72222222222223, True, datetime.timedelta(seconds=5760))
    """
    expect(period, Period, "period", "a Period, e.g. Period.month(2026, 11)")
    if isinstance(outages, str | bytes | Mapping) or not isinstance(outages, Iterable):
        msg = f"outages must be a list of Outage records or mappings, got {describe(outages)}"
        raise InvalidArgumentError(msg, path="outages")
    found, mapping = _objective(objective, calendars)
    rules = _Rules(found, mapping)
    clock = rules.clock
    items = _outage_list(outages)
    p0, p1 = _instant(period.start, "period.start"), _instant(period.end, "period.end")
    now = p1 if as_of is None else _instant(as_of, "as_of")
    w1 = min(p1, max(p0, now))
    measured = td_us(clock.between(period.start, _utc(w1)))
    period_us = td_us(clock.between(period.start, period.end))
    allowed = _allowed(period_us, found.objective)

    reasons: list[tuple[OutageReason, str]] = []
    spans: list[tuple[int, int, int]] = []  # clipped counted span and the outage's index
    for i, outage in enumerate(items):
        s = _instant(outage.start, "start")
        e = now if outage.end is None else min(_instant(outage.end, "end"), now)
        cs, ce = max(s, p0), min(e, w1)
        if s >= w1 or ce < cs or (ce == cs and s < p0):
            note = "starts after as_of" if p0 <= now <= s < p1 else "outside the period"
            reasons.append((OutageReason.OUTSIDE_PERIOD, note))
            continue
        reason, note = rules.classify(outage)
        if reason in _COUNTED and ce > cs:
            if clock.between(_utc(cs), _utc(ce)) == timedelta(0):
                reason, note = OutageReason.OUTSIDE_CLOCK, "wholly outside the measured clock"
            else:
                spans.append((cs, ce, i))
        reasons.append((reason, note))

    counted = [0] * len(items)
    merged: list[list[int]] = []
    covered = p0
    for cs, ce, i in sorted(spans):
        lo = max(cs, covered)
        if ce > lo:
            counted[i] = td_us(clock.between(_utc(lo), _utc(ce)))
        covered = max(covered, ce)
        if merged and cs <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], ce)
        else:
            merged.append([cs, ce])
    downtime = sum(counted)

    zone = period.start.tzinfo
    breached_at = projected = None
    if downtime > allowed:
        spent = 0
        for lo, hi in merged:  # pragma: no branch - downtime > allowed ends the walk
            block = td_us(clock.between(_utc(lo), _utc(hi)))
            if spent + block > allowed:
                breached_at = clock.add(_utc(lo), _td(allowed - spent)).astimezone(zone)
                break
            spent += block
    elif now < p1 and downtime > 0:
        # the time to run out at the average burn rate so far, rounded up
        wait = -(-(allowed - downtime) * measured // downtime)
        if wait <= period_us - measured:
            at = clock.add(_utc(w1), _td(wait))
            if _instant(at, "at") < p1:
                projected = at.astimezone(zone)

    spent_fraction = downtime / allowed if allowed else None
    return AvailabilityReport(
        objective=found.objective,
        availability=_percent(downtime, measured),
        met=downtime <= allowed,
        measured_on=found.measured_on or ALWAYS,
        period=period,
        as_of=as_of if as_of is not None else period.end,
        complete=now >= p1,
        measured=_td(measured),
        period_time=_td(period_us),
        downtime=_td(downtime),
        allowed=_td(allowed),
        remaining=_td(allowed - downtime),
        spent_fraction=spent_fraction,
        remaining_fraction=None if spent_fraction is None else 1 - spent_fraction,
        outages=tuple(
            OutageRecord(outage=o, reason=r, counted=_td(c), note=n)
            for o, (r, n), c in zip(items, reasons, counted, strict=True)
        ),
        merged=tuple((_utc(lo).astimezone(zone), _utc(hi).astimezone(zone)) for lo, hi in merged),
        breached_at=breached_at,
        projected_breach_at=projected,
    )
