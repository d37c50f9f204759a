"""``plot_incident``: one evaluated incident on a timeline, one lane per target.

The picture is drawn from :func:`picture`, a plain description in integer microseconds,
which reads the same span enumeration as :meth:`escalate.Evaluation.explain`
(:mod:`escalate._spans`): the two never disagree about what was counted or paused.

It is bounded however long the incident: per stretch of a target at most
:data:`PERIODS` open periods at its start and as many at its end, with one hatched gap
between them that carries the business time counted in it; the business-hours shading
of each lane is bounded the same way, and at most :data:`EVENT_MARKS` history events are
marked (the first and last half).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from escalate._checks import instant_us, zone_problem
from escalate._duration import format_duration
from escalate._errors import ConfigError, InvalidArgumentError, MissingExtraError
from escalate._evaluate import outcome
from escalate._explain import EVENT_LINES
from escalate._fold import PAUSED, PENDING, RUNNING
from escalate._index import to_datetime
from escalate._plan import compiled
from escalate._results import Evaluation, TargetStatus, TierState
from escalate._spans import DAY_US, of_target, open_periods

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from escalate._calendar import Calendar
    from escalate._spans import Stretch
    from escalate._timeline import Timeline

__all__ = ["EVENT_MARKS", "PERIODS", "picture", "plot_incident"]

PERIODS = 40
"""Open periods drawn at the start of a stretch, and as many at its end."""
EVENT_MARKS = EVENT_LINES
"""At most this many history events are marked: the first and the last half."""

Span = tuple[int, int]


class Lane:
    """What one target's lane shows, in µs (see :func:`picture`).

    Attributes:
        name: The target.
        clock: The name of its clock (as of the evaluation).
        open: Business-hours periods of the clock in force, over the whole view.
        open_gaps: Stretches of the view whose business hours are not drawn.
        counted: ``(lo, hi, current)``: open periods counted, ``current`` when they are
            in the target's ``elapsed`` (``False`` before a reopen restarted it).
        counted_gaps: ``(lo, hi, counted, current)``: a stretch's periods not drawn and
            the business time counted in them.
        paused: Spans during which the clock was held.
        pending: Spans before the target started.
        reopened: Instants where a reopen restarted the measurement or let it run on.
        due, warning, breached, stopped: The target's instants, or ``None``.
        elapsed: The target's elapsed business time (µs).
    """

    __slots__ = (
        "breached",
        "clock",
        "counted",
        "counted_gaps",
        "due",
        "elapsed",
        "name",
        "open",
        "open_gaps",
        "paused",
        "pending",
        "reopened",
        "stopped",
        "warning",
    )

    def __init__(self, name: str, clock: str, elapsed: int) -> None:
        self.name, self.clock, self.elapsed = name, clock, elapsed
        self.open: list[Span] = []
        self.open_gaps: list[Span] = []
        self.counted: list[tuple[int, int, bool]] = []
        self.counted_gaps: list[tuple[int, int, int, bool]] = []
        self.paused: list[Span] = []
        self.pending: list[Span] = []
        self.reopened: list[int] = []
        self.due: int | None = None
        self.warning: int | None = None
        self.breached: int | None = None
        self.stopped: int | None = None

    def counted_total(self) -> int:
        """Return the business time drawn as counted in the current measurement (µs)."""
        drawn = sum(hi - lo for lo, hi, current in self.counted if current)
        return drawn + sum(n for _lo, _hi, n, current in self.counted_gaps if current)


class Picture:
    """An evaluated incident as :func:`plot_incident` draws it (instants in µs).

    Attributes:
        start, end: The view: from the opening to the last event or instant shown (a
            deadline, a tier, a stop), and to ``now`` while a target's clock runs or is
            paused; a met target's deadline does not widen it.
        now: The evaluation instant.
        zone: The zone the times are shown in.
        lanes: One :class:`Lane` per target, in the policy's order.
        tiers: ``(level, name, at, fired)`` per tier that fired or is projected.
        events: ``(at, label)`` per history event marked (severity and status changes,
            pauses, responses...), at most :data:`EVENT_MARKS`.
        hidden_events: How many history events are not marked.
        severity_changes: The instants at which the severity in force changed (every one:
            there are at most as many as events, and each is one line across the lanes).
    """

    __slots__ = (
        "end",
        "events",
        "hidden_events",
        "lanes",
        "now",
        "severity_changes",
        "start",
        "tiers",
        "zone",
    )

    def __init__(self, start: int, now: int, zone: str) -> None:
        self.start, self.end, self.now, self.zone = start, start, now, zone
        self.lanes: list[Lane] = []
        self.tiers: list[tuple[int, str, int, bool]] = []
        self.events: list[tuple[int, str]] = []
        self.hidden_events = 0
        self.severity_changes: list[int] = []


def picture(evaluation: Evaluation, *, zone: str | None = None) -> Picture:
    """Describe what :func:`plot_incident` draws for ``evaluation`` (µs, bounded)."""
    context = evaluation.context
    if context is None:
        raise InvalidArgumentError(
            "plot_incident needs an evaluation returned by escalate.evaluate (this one was "
            "built by hand and has no timeline to draw)",
            path="evaluation",
        )
    policy, timeline, now = context.policy, context.timeline, context.now
    if zone is not None and (problem := zone_problem(zone, "zone")) is not None:
        raise ConfigError([problem])
    out = outcome(compiled(policy), timeline, now)
    opened = timeline.instants[0][1]
    pic = Picture(min(opened, now), now, zone or policy.timezone)
    found: list[list[Stretch]] = []
    # the view: to the last event or instant that matters, and to now while a clock runs
    seen = [at for _k, at, _sev, _st in timeline.instants if at <= now]
    marks: list[int] = [pic.start, *seen[-1:]]
    for result, target in zip(evaluation.targets, out.targets, strict=True):
        found.append(of_target(out, target.index, now))
        lane = Lane(result.name, result.clock, target.elapsed)
        lane.due, lane.warning, lane.stopped = target.due, target.warning, target.stopped
        if result.breached_at is not None:
            lane.breached = _us(result.breached_at)
        if target.code in {RUNNING, PAUSED}:
            marks.append(now)
        # a met target's deadline and warning are drawn when in view, never widen it
        met = result.status is TargetStatus.MET
        wanted = (lane.stopped,) if met else (lane.due, lane.warning, lane.breached, lane.stopped)
        marks += [x for x in wanted if x is not None]
        pic.lanes.append(lane)
    for entry in evaluation.schedule:
        if entry.at is not None and entry.state in {TierState.FIRED, TierState.PROJECTED}:
            at = _us(entry.at)
            pic.tiers.append(
                (entry.tier.level, entry.tier.name, at, entry.state is TierState.FIRED)
            )
            marks.append(at)
    pic.end = max(marks)
    if pic.end == pic.start:  # nothing has happened yet: show the next hour
        pic.end = pic.start + 3_600_000_000
    for result, lane, spans in zip(evaluation.targets, pic.lanes, found, strict=True):
        for stretch in spans:
            _stretch(lane, stretch, pic.end)
        _shade(lane, spans, policy.calendar(result.clock), pic.start, pic.end)
    _events(pic, timeline, now)
    return pic


def _stretch(lane: Lane, stretch: Stretch, end: int) -> None:
    # only a stopped or pending stretch can outlast the view (see picture)
    a, b, current = stretch.start, min(stretch.end, end), stretch.current
    if stretch.restart or stretch.resumed:
        lane.reopened.append(a)
    if stretch.kind == RUNNING and b > a:
        found = open_periods(
            stretch.clock, a, b, head=PERIODS, tail=PERIODS, window=2 * PERIODS * DAY_US
        )
        lane.counted += [(lo, hi, current) for lo, hi in found.shown]
        if found.gap is not None:
            lane.counted_gaps.append((*found.gap, found.hidden, current))
    elif stretch.kind == PAUSED and b > a:
        lane.paused.append((a, b))
    elif stretch.kind == PENDING and b > a:
        lane.pending.append((a, b))


def _shade(lane: Lane, found: list[Stretch], clock: Calendar, start: int, end: int) -> None:
    """Shade business hours on the clock in force: per run of stretches on one clock.

    Before the first stretch the first clock is shown; with no stretch, ``clock``.
    """
    runs: list[tuple[Calendar, int]] = []
    for stretch in found:
        if not runs or runs[-1][0] is not stretch.clock:
            runs.append((stretch.clock, stretch.start))
    runs[:1] = [(runs[0][0] if runs else clock, start)]
    for k, (run_clock, a) in enumerate(runs):
        b = runs[k + 1][1] if k + 1 < len(runs) else end
        if b > a:  # empty when a clock changes at the very end of the view
            periods = open_periods(
                run_clock, a, b, head=PERIODS, tail=PERIODS, window=2 * PERIODS * DAY_US
            )
            lane.open += periods.shown
            if periods.gap is not None:
                lane.open_gaps.append(periods.gap)


def _events(pic: Picture, timeline: Timeline, now: int) -> None:
    notable: list[tuple[int, str]] = []
    severity = timeline.instants[0][2]
    for event, (_k, at, _sev, _st) in zip(timeline.events[1:], timeline.instants[1:], strict=True):
        if at > now:
            break
        details = []
        if event.severity is not None:
            details.append(f"severity {event.severity}")
            if event.severity != severity:
                pic.severity_changes.append(at)
            severity = event.severity
        if event.status is not None:
            details.append(f"status {event.status}")
        if event.reason:
            details.append(event.reason)
        if event.type in {"severity_changed", "changed"} and details:
            text = ", ".join(details)
        else:
            text = event.type + (f" ({', '.join(details)})" if details else "")
        notable.append((at, text))
    half = EVENT_MARKS // 2
    if len(notable) > EVENT_MARKS:
        pic.hidden_events = len(notable) - EVENT_MARKS
        notable = notable[:half] + notable[-half:]
    pic.events = notable


def _us(value: datetime) -> int:
    return instant_us(value, "at")


# -- drawing ------------------------------------------------------------------------------

_COLORS = {
    "open": "#cde8cd",
    "closed": "#ebebeb",
    "counted": "tab:blue",
    "paused": "tab:orange",
    "pending": "#bbbbbb",
    "due": "tab:red",
    "warning": "goldenrod",
    "tier": "tab:purple",
    "event": "dimgray",
}


def plot_incident(evaluation: Evaluation, /, *, zone: str | None = None) -> Figure:
    """Draw one evaluated incident: a lane per target, the deadlines and the tiers.

    Each target's lane shows its clock's business hours (light) and the hours outside
    them (grey), the time counted (blue, lighter before a reopen restarted it), paused
    (orange, hatched) and not yet started, its deadline, warning point, breach and stop;
    above the lanes, the escalation tiers that fired (filled) or will (hollow), and the
    history: severity and status changes, pauses, responses. Long incidents are drawn
    bounded (see :mod:`escalate._incident_plot`): hatched gaps stand for open periods not
    drawn and say how much was counted in them.

    Args:
        evaluation: A result of :func:`escalate.evaluate`.
        zone: The zone the times are shown in; the policy's zone by default.

    Returns:
        A matplotlib figure (nothing is shown; save it or display it in a notebook).

    Raises:
        InvalidArgumentError: ``evaluation`` was not built by :func:`escalate.evaluate`.
        ConfigError: ``zone`` is not an IANA time zone.
        MissingExtraError: matplotlib is not installed (the ``plot`` extra).
    """
    if not isinstance(evaluation, Evaluation):
        raise InvalidArgumentError(
            f"plot_incident needs an Evaluation, got {type(evaluation).__name__}",
            path="evaluation",
        )
    pic = picture(evaluation, zone=zone)
    try:
        from matplotlib.dates import AutoDateLocator, ConciseDateFormatter  # noqa: PLC0415
        from matplotlib.figure import Figure as _Figure  # noqa: PLC0415
    except ImportError:
        raise MissingExtraError("plot_incident", "plot", "matplotlib") from None
    tz = ZoneInfo(pic.zone)
    n = len(pic.lanes)
    figure = _Figure(figsize=(11, 2.8 + 0.9 * n), layout="constrained")
    ax = figure.subplots()
    handles: dict[str, Any] = {}
    for i, lane in enumerate(pic.lanes):
        _draw_lane(ax, lane, n - i, tz, handles)
    _draw_top(ax, pic, n + 1, tz, handles)
    if pic.now <= pic.end:
        now = ax.axvline(_x(pic.now, tz), color="black", linewidth=1, gid="as_of")
        handles["as of (evaluated)"] = now
    span = _x(pic.end, tz) - _x(pic.start, tz)
    ax.set_xlim(_x(pic.start, tz) - 0.02 * span, _x(pic.end, tz) + 0.04 * span)
    ax.set_ylim(0.4, n + 3.6)
    ax.set_yticks(
        [*range(1, n + 1), n + 1, n + 2],
        [*(f"{lane.name}\n({lane.clock})" for lane in reversed(pic.lanes)), "tiers", "history"],
    )
    locator = AutoDateLocator(tz=tz)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator, tz=tz))  # type: ignore[no-untyped-call]
    ax.set_xlabel(f"time in {pic.zone}")
    opened = to_datetime(pic.start, tz).strftime("%Y-%m-%d %H:%M %Z")
    as_of = to_datetime(pic.now, tz).strftime("%Y-%m-%d %H:%M %Z")
    ax.set_title(
        f"Incident opened {opened}, severity {evaluation.severity!r}; as of {as_of}", loc="left"
    )
    ax.legend(
        list(handles.values()),
        list(handles.keys()),
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12),
        ncol=4,
        fontsize="small",
        frameon=False,
    )
    return figure


@cache
def _epoch() -> float:
    """The x of the Unix epoch on matplotlib's date axis (its epoch is configurable)."""
    from matplotlib.dates import date2num  # noqa: PLC0415

    return float(date2num(datetime(1970, 1, 1, tzinfo=UTC)))  # type: ignore[no-untyped-call]


def _x(us: int, _tz: ZoneInfo) -> float:
    """The x of an instant: days since matplotlib's epoch (exact to well under 1 ms)."""
    return _epoch() + us / DAY_US


def _bars(spans: list[Span], tz: ZoneInfo) -> list[tuple[float, float]]:
    return [(_x(lo, tz), _x(hi, tz) - _x(lo, tz)) for lo, hi in spans]


def _draw_lane(ax: Axes, lane: Lane, y: int, tz: ZoneInfo, handles: dict[str, Any]) -> None:
    from matplotlib.patches import Patch  # noqa: PLC0415

    name = lane.name
    bg = ax.axhspan(y - 0.4, y + 0.4, color=_COLORS["closed"], lw=0, gid=f"closed:{name}")
    handles.setdefault("outside business hours", bg)
    found = ax.broken_barh(_bars(lane.open, tz), (y - 0.4, 0.8), color=_COLORS["open"])
    found.set_gid(f"open:{name}")
    handles.setdefault("business hours", Patch(color=_COLORS["open"]))
    if lane.open_gaps:
        gaps = ax.broken_barh(
            _bars(lane.open_gaps, tz), (y - 0.4, 0.8), facecolor="white", hatch="..", lw=0
        )
        gaps.set_gid(f"open_gap:{name}")
        handles.setdefault("business hours not drawn", gaps)
    for current, label, alpha in (
        (True, "counted", 1.0),
        (False, "counted, before a restart", 0.35),
    ):
        spans = [(lo, hi) for lo, hi, c in lane.counted if c is current]
        if spans:
            bars = ax.broken_barh(
                _bars(spans, tz), (y - 0.2, 0.4), color=_COLORS["counted"], alpha=alpha
            )
            bars.set_gid(f"counted:{name}" if current else f"counted_before:{name}")
            handles.setdefault(label, bars)
    for lo, hi, counted, current in lane.counted_gaps:
        gap = ax.broken_barh(
            _bars([(lo, hi)], tz),
            (y - 0.2, 0.4),
            facecolor="none",
            edgecolor=_COLORS["counted"],
            hatch="//",
            alpha=1.0 if current else 0.35,
        )
        gap.set_gid(f"counted_gap:{name}")
        handles.setdefault("counted, periods not drawn", gap)
        ax.annotate(
            f"+{format_duration(_td(counted))} counted",
            ((_x(lo, tz) + _x(hi, tz)) / 2, y + 0.22),
            ha="center",
            va="bottom",
            fontsize="x-small",
        )
    if lane.paused:
        bars = ax.broken_barh(
            _bars(lane.paused, tz), (y - 0.2, 0.4), color=_COLORS["paused"], hatch="xx", alpha=0.8
        )
        bars.set_gid(f"paused:{name}")
        handles.setdefault("paused", bars)
    if lane.pending:
        bars = ax.broken_barh(_bars(lane.pending, tz), (y - 0.05, 0.1), color=_COLORS["pending"])
        bars.set_gid(f"pending:{name}")
        handles.setdefault("not started", bars)
    lines = (
        ("due", lane.due, _COLORS["due"], "--", "due (last instant still met)"),
        ("warning", lane.warning, _COLORS["warning"], ":", "warning point"),
        ("stopped", lane.stopped, "black", "-", "stopped"),
    )
    for gid, at, color, style, label in lines:
        if at is not None:
            x = _x(at, tz)
            (line,) = ax.plot(
                [x, x],
                [y - 0.45, y + 0.45],
                color=color,
                linestyle=style,
                lw=2,
                gid=f"{gid}:{name}",
            )
            handles.setdefault(label, line)
    if lane.breached is not None:
        mark = ax.scatter(
            [_x(lane.breached, tz)], [y], marker="X", s=90, color=_COLORS["due"], zorder=4
        )
        mark.set_gid(f"breached:{name}")
        handles.setdefault("breached", mark)
    if lane.reopened:
        mark = ax.scatter(
            [_x(at, tz) for at in lane.reopened],
            [y] * len(lane.reopened),
            marker=">",
            s=50,
            color="black",
            zorder=4,
        )
        mark.set_gid(f"reopened:{name}")
        handles.setdefault("reopened", mark)


def _draw_top(ax: Axes, pic: Picture, y: int, tz: ZoneInfo, handles: dict[str, Any]) -> None:
    for fired in (True, False):
        tiers = [t for t in pic.tiers if t[3] is fired]
        if not tiers:
            continue
        mark = ax.scatter(
            [_x(at, tz) for _l, _n, at, _f in tiers],
            [y] * len(tiers),
            marker="^",
            s=80,
            facecolors=_COLORS["tier"] if fired else "none",
            edgecolors=_COLORS["tier"],
            zorder=4,
        )
        mark.set_gid("tier_fired" if fired else "tier_projected")
        handles.setdefault("tier fired" if fired else "tier projected", mark)
        for k, (level, name, at, _f) in enumerate(tiers):
            ax.annotate(
                f"L{level} {name}",
                (_x(at, tz), y),
                xytext=(0, 8) if k % 2 == 0 else (0, -9),
                textcoords="offset points",
                ha="center",
                va="bottom" if k % 2 == 0 else "top",
                fontsize="x-small",
            )
    if pic.events:
        mark = ax.scatter(
            [_x(at, tz) for at, _t in pic.events],
            [y + 1] * len(pic.events),
            marker="o",
            s=25,
            color=_COLORS["event"],
            zorder=4,
        )
        mark.set_gid("events")
        handles.setdefault("history event", mark)
        close = (_x(pic.end, tz) - _x(pic.start, tz)) / 25
        level, previous = 0, None
        for at, text in pic.events:
            x = _x(at, tz)
            # events close together stack their labels instead of writing over each other
            level = (level + 1) % 3 if previous is not None and x - previous < close else 0
            previous = x
            ax.annotate(
                text,
                (x, y + 1),
                xytext=(2, 5 + 11 * level),
                textcoords="offset points",
                ha="left",
                va="bottom",
                fontsize="x-small",
                rotation=35,
                rotation_mode="anchor",
            )
    else:
        ax.annotate(
            "no events after the opening",
            (_x(pic.start, tz), y + 1),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize="x-small",
            color=_COLORS["event"],
        )
    if pic.severity_changes:  # one collection of lines across the lanes, however many
        lines = ax.vlines(
            [_x(at, tz) for at in pic.severity_changes],
            0,
            1,
            transform=ax.get_xaxis_transform(),
            colors=_COLORS["event"],
            linestyles="dotted",
            lw=1,
            gid="severity",
        )
        handles["severity changed"] = lines
    if pic.hidden_events:
        ax.annotate(
            f"{pic.hidden_events} more events not marked",
            (0.5, 1.0),
            xycoords=("axes fraction", "axes fraction"),
            xytext=(0, -12),
            textcoords="offset points",
            ha="center",
            fontsize="x-small",
        )


def _td(us: int) -> timedelta:
    return timedelta(microseconds=us)
