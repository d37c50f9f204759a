"""Availability objectives: measured uptime, maintenance exclusions and error budgets.

:func:`availability` measures a list of :class:`~escalate.Outage` records (checked in
:mod:`escalate._outages`) against an :class:`~escalate.Availability` objective over a
:class:`~escalate.Period` and returns an :class:`AvailabilityReport`. :func:`availability_frame` (in
:mod:`escalate._availability_frame`) does the same for a pandas table of outages across
many services and periods at once, with the rules written here.

Time is counted in integer microseconds on the objective's clock (``measured_on``):
``availability = 100 * (1 - downtime / measured)``, where both are open time of that
clock inside the period (up to ``as_of`` for a period still running).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from fractions import Fraction
from typing import Any, Final

import attrs

from escalate._calendar import Calendar, _instant
from escalate._checks import (
    describe,
    expect,
)
from escalate._duration import format_duration
from escalate._errors import (
    InvalidArgumentError,
    PolicyError,
)
from escalate._index import td_us
from escalate._outages import Outage, Period, _outage_list, _td, _utc
from escalate._policy import ALWAYS, Availability, Policy
from escalate._policy_check import check_availability
from escalate._results import _iso, _seconds

__all__ = ["AvailabilityReport", "OutageReason", "OutageRecord", "availability"]


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
