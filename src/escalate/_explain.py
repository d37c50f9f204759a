"""``Evaluation.explain``: what was counted, skipped and paused, and why each tier fired.

The explanation re-derives the evaluation's segments (:func:`escalate._evaluate.outcome`)
and describes them; it runs in time linear in the number of events, and its length is
bounded: at most :data:`EVENT_LINES` lines of history, and per stretch of a target at most
:data:`HEAD` + :data:`TAIL` open periods with one summary line between them, however long
the stretch (an incident open for decades prints a few hundred lines, not megabytes).
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any, Final
from zoneinfo import ZoneInfo

from escalate._checks import zone_problem
from escalate._duration import format_duration
from escalate._errors import ConfigError
from escalate._evaluate import outcome
from escalate._fold import PAUSED, PENDING, RUNNING, STOPPED, holds
from escalate._index import to_datetime
from escalate._plan import PAUSED_STATUS, Compiled, compiled
from escalate._results import TargetStatus, TierState
from escalate._spans import of_target, open_periods

if TYPE_CHECKING:
    from escalate._calendar import Calendar
    from escalate._policy import Policy
    from escalate._results import Evaluation
    from escalate._timeline import Timeline

__all__ = ["EVENT_LINES", "HEAD", "TAIL", "explain"]

EVENT_LINES = 40
"""At most this many history lines: the first and last half, and a count between."""
HEAD = 3
"""Open periods listed at the start of a counted stretch."""
TAIL = 3
"""Open periods listed at its end."""
_REASON_DAYS = 31  # a closed gap longer than this is summarised by counts


def _fmt(value: datetime) -> str:
    """An instant to the minute, with its seconds and microseconds where it has them.

    A breach is one microsecond after its deadline: ``13:30:00.000001``, never "13:30".
    """
    if value.microsecond:
        return value.strftime("%a %Y-%m-%d %H:%M:%S.%f%z")
    return value.strftime("%a %Y-%m-%d %H:%M:%S%z").replace(":00+", "+").replace(":00-", "-")


def _hours(us: int) -> str:
    """Business time as text that cannot be misread as calendar days (``format_duration``)."""
    return format_duration(timedelta(microseconds=us))


def _closed_reason(clock: Calendar, start: datetime, end: datetime) -> str:
    """Say why ``[start, end)`` is closed on ``clock``: holidays, exceptions or hours."""
    day, last = start.astimezone(clock.zone).date(), end.astimezone(clock.zone).date()
    if (last - day).days > _REASON_DAYS:
        return f"closed for {(last - day).days} days"
    exceptions = dict(clock.exceptions)
    reasons: list[str] = []
    while day <= last:
        if day in exceptions:
            reasons.append(f"exception {day.isoformat()}")
        elif not clock.hours[day.weekday()]:
            reasons.append(f"no hours on {day.strftime('%a')} {day.isoformat()}")
        elif day in clock._holidays_of(day.year):
            reasons.append(f"holiday {day.isoformat()}")
        day += timedelta(days=1)
    if reasons:
        reasons.append("outside business hours")
    return ", ".join(reasons) if reasons else "outside business hours"


def _counted(clock: Calendar, a: int, b: int, lines: list[str], zone: tzinfo) -> None:
    """Describe the open periods of ``[a, b)``: the first and last few, a summary between.

    Instants in ``zone`` (the clock's, or the policy's for the built-in 24x7 clock).
    """
    found = open_periods(clock, a, b, head=HEAD, tail=TAIL)
    cursor = to_datetime(a, zone)
    for i, (lo_us, hi_us) in enumerate(found.shown):
        lo, hi = to_datetime(lo_us, zone), to_datetime(hi_us, zone)
        if i == len(found.head) and found.hidden:
            lines.append(
                f"  ...         {_fmt(cursor)} -> {_fmt(lo)}: {_hours(found.hidden)} more counted "
                "in the open periods between"
            )
            cursor = lo
        if lo > cursor:
            lines.append(
                f"  skipped     {_fmt(cursor)} -> {_fmt(lo)}: {_closed_reason(clock, cursor, lo)}"
            )
        # physical length, not wall-clock
        lines.append(f"  counted     {_fmt(lo)} -> {_fmt(hi)} = {_hours(hi_us - lo_us)}")
        cursor = hi
    end = to_datetime(b, zone)
    if cursor < end:
        lines.append(
            f"  skipped     {_fmt(cursor)} -> {_fmt(end)}: {_closed_reason(clock, cursor, end)}"
        )


_MEANS: Final = {
    "resolved": "resolves the incident",
    "closed": "closes the incident",
    "reopened": "reopens the incident",
}


def _history(
    timeline: Timeline, now: int, lines: list[str], derived: dict[int, str], zone: tzinfo
) -> None:
    events = [
        (e, i, at)
        for i, (e, (_k, at, _s, _st)) in enumerate(
            zip(timeline.events, timeline.instants, strict=True)
        )
        if at <= now
    ][1:]
    notable = events
    if not notable:
        return
    lines.append("History:")
    half = EVENT_LINES // 2
    chosen = notable if len(notable) <= EVENT_LINES else notable[:half] + notable[-half:]
    for i, (event, index, at) in enumerate(chosen):
        if len(notable) > EVENT_LINES and i == half:
            lines.append(f"  ... {len(notable) - EVENT_LINES} more events ...")
        details = []
        if event.severity is not None:
            details.append(f"severity {event.severity!r}")
        if event.status is not None:
            details.append(f"status {event.status!r}")
        details.extend(f"{k} {v!r}" for k, v in event.attributes)
        if event.reason:
            details.append(f"reason: {event.reason}")
        text = f": {', '.join(details)}" if details else ""
        means = f" ({_MEANS[derived[index]]})" if index in derived else ""
        lines.append(f"  {_fmt(to_datetime(at, zone))} {event.type}{text}{means}")


def explain(
    policy: Policy, timeline: Timeline, now: int, ev: Evaluation, written: str | None = None
) -> list[str]:
    """Return the lines of :meth:`Evaluation.explain` (the incident's instants in ``written``)."""
    if written is not None and (problem := zone_problem(written, "zone")) is not None:
        raise ConfigError([problem])
    plan = compiled(policy)
    out = outcome(plan, timeline, now)
    opened = timeline.opened
    # the incident's own instants and its tiers in the desk's zone (the policy's, as the
    # plot shows them); each target's spans in its clock's, where its hours are kept
    zone = ZoneInfo(written or policy.timezone)
    lines = [
        f"Incident opened {_fmt(to_datetime(timeline.instants[0][1], zone))} with severity "
        f"{opened.severity!r}"
        + (f", plan {ev.plan!r}" if ev.plan else "")
        + (f", route {ev.route!r}" if ev.route else ", default tiers")
        + f"; evaluated as of {_fmt(to_datetime(now, zone))}, severity now {ev.severity!r}."
    ]
    folded = out.folded
    _history(timeline, now, lines, folded.derived, zone)
    states = _hold_states(plan, timeline, now)
    for result, target in zip(ev.targets, out.targets, strict=True):
        reasons = _hold_reasons(plan.targets[target.index], states)
        lines.append(
            f"Target {result.name}: {result.status.value}"
            + (" (at risk)" if result.at_risk else "")
            + f"; goal {_hours(target.goal)} on clock {result.clock!r}, elapsed "
            f"{_hours(target.elapsed)} ({result.percent:.1f}%)."
        )
        previous: int | None = None
        for stretch in of_target(out, target.index, now):
            code, a, b, clock = stretch.kind, stretch.start, stretch.end, stretch.clock
            shown = policy._shown_zone(clock)
            if stretch.restart:
                lines.append(
                    f"  reopened    {_fmt(to_datetime(a, shown))}: a new measurement starts"
                )
            elif stretch.resumed:
                lines.append(f"  reopened    {_fmt(to_datetime(a, shown))}: the clock runs on")
            if code == RUNNING and b > a:
                _counted(clock, a, b, lines, shown)
            elif code == PAUSED and b >= a:
                why = reasons.get(a, "paused")
                lines.append(
                    f"  paused      {_fmt(to_datetime(a, shown))} -> "
                    f"{_fmt(to_datetime(b, shown))}: {why}"
                )
            elif code == STOPPED and previous != STOPPED:
                lines.append(f"  stopped at {_fmt(to_datetime(a, shown))}")
            elif code == PENDING and previous not in {None, PENDING}:
                lines.append(f"  pending from {_fmt(to_datetime(a, shown))}")
            previous = code
        if result.due_at is not None:
            word = "was due" if result.status is TargetStatus.BREACHED else "due"
            lines.append(
                f"  {word} at {_fmt(result.due_at)} (the last instant that still counts as met)"
            )
        elif result.status is TargetStatus.PAUSED:
            lines.append(
                f"  no deadline while paused; {_hours(target.goal - target.elapsed)} remain"
            )
        if result.warning_at is not None:
            lines.append(f"  warning point at {_fmt(result.warning_at)}")
    lines.append("Escalation:" if ev.schedule else "Escalation: no tiers")
    fired = {e.level: e for e in ev.escalations}
    for entry in ev.schedule:
        ref = entry.tier
        head = f"  level {ref.level} {ref.name!r}"
        if entry.state is TierState.FIRED and entry.at is not None:
            reason = entry.reason.value if entry.reason else ""
            lines.append(f"{head} fired {_fmt(entry.at.astimezone(zone))} ({reason})")
            notifications = fired[ref.level].notifications if ref.level in fired else ()
            lines.extend(
                f"    notify {n.contact!r} at {_fmt(n.at)} (their hours)"
                for n in notifications
                if n.at != entry.at
            )
        elif entry.state is TierState.PROJECTED and entry.at is not None:
            lines.append(f"{head} projected {_fmt(entry.at.astimezone(zone))}")
        elif entry.state is TierState.SKIPPED and entry.at is not None:
            lines.append(f"{head} skipped {_fmt(entry.at.astimezone(zone))}: {entry.note}")
        else:
            lines.append(f"{head} waiting: {entry.note}")
    if ev.next_change_at is not None:
        change = ev.next_change_at.astimezone(zone)
        lines.append(f"Next change without a new event: {_fmt(change)}")
    return lines


_HoldState = tuple[bool, str, str | None, bool]
"""After an event: a pause in force, its reason, the status in force, whether it pauses."""


def _hold_states(plan: Compiled, timeline: Timeline, now: int) -> dict[int, _HoldState]:
    """The incident's pause and status after all the events at each instant up to ``now``.

    Walked once, for every target's reasons (:func:`_hold_reasons`).
    """
    out: dict[int, _HoldState] = {}
    held, reason, status = False, "", None
    for event, (_k, at, _s, st) in zip(timeline.events, timeline.instants, strict=True):
        if at > now:
            break
        if event.type == "paused":
            held, reason = True, event.reason or "paused"
        elif event.type == "resumed":
            held = False
        status = st if st is not None else status
        out[at] = (
            held,
            reason,
            status,
            status is not None and plan.meaning[status] == PAUSED_STATUS,
        )
    return out


def _hold_reasons(tp: Any, states: dict[int, _HoldState]) -> dict[int, str]:
    """Why target ``tp`` is held from each event instant, after all the events there.

    The pause's reason, the status that holds it, or both, by the fold's own rule
    (:func:`escalate._fold.holds`); an event at the same instant that holds nothing
    (a status that means open) is no reason.
    """
    out: dict[int, str] = {}
    for at, (held, reason, status, paused_status) in states.items():
        by_pause, by_status = holds(tp, held, status, paused_status)
        why = [reason] if by_pause else []
        why += [f"status {status!r}"] if by_status else []
        out[at] = " and ".join(why) or "paused"
    return out
