"""Incident timelines: the events of one incident, validated and immutable.

A timeline is the incident's history as the ticket system recorded it: the opening,
responses, pauses, resolutions and reopenings, and the **changes** of its status, severity
and other fields. Which statuses pause or stop a clock is the policy's business
(:attr:`escalate.Policy.statuses`), so one history can be judged under several policies.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import Any, cast
from zoneinfo import ZoneInfo

import attrs

from escalate._checks import MAX_INSTANT_US, MIN_INSTANT_US, describe, excerpt, instant_us
from escalate._errors import InvalidInstantError, Problem, TimelineError
from escalate._index import EPOCH, td_us

__all__ = ["BUILTIN_EVENTS", "Event", "Timeline"]

BUILTIN_EVENTS = (
    "opened",
    "responded",
    "paused",
    "resumed",
    "severity_changed",
    "changed",
    "escalated",
    "resolved",
    "reopened",
    "closed",
)
_BUILTIN = frozenset(BUILTIN_EVENTS)
_FIELDS = frozenset(("type", "at", "severity", "reason", "status"))
_NEEDS_SEVERITY = frozenset(("opened", "severity_changed"))
_NOTHING = (None, "")


def _path(i: int, kind: object = None) -> str:
    """Return the key path of event ``i`` for an error message (built only on error)."""
    return f"events[{i}]" if kind is None else f"events[{i}] ({kind})"


def _parse_at(value: object, i: int, kind: str, problems: list[Problem]) -> datetime | None:
    if isinstance(value, str):
        text = value
        try:
            value = datetime.fromisoformat(text.strip())
        except ValueError:
            problems.append(
                Problem(
                    path=f"{_path(i, kind)}.at",
                    message=f"{excerpt(text)} is not an ISO-8601 date-time",
                    hint="write e.g. '2026-11-20T16:10:00-05:00' (with its UTC offset)",
                )
            )
            return None
    if not isinstance(value, datetime):
        problems.append(
            Problem(
                path=f"{_path(i, kind)}.at",
                message=f"expected a date-time, got {describe(value)}",
                hint="give an aware datetime or an ISO-8601 string with an offset",
            )
        )
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        problems.append(
            Problem(
                path=f"{_path(i, kind)}.at",
                message=f"{value.isoformat()} has no time zone",
                hint="add the UTC offset ('...-05:00') or attach a zone (tzinfo=ZoneInfo(...))",
            )
        )
        return None
    return value


@attrs.frozen(kw_only=True)
class Event:
    """One event of an incident timeline.

    Attributes:
        type: ``opened``, ``responded``, ``paused``, ``resumed``, ``severity_changed``,
            ``changed``, ``escalated``, ``resolved``, ``reopened``, ``closed``, or a custom
            name used by a policy target (e.g. ``report_sent``).
        at: When it happened (timezone-aware).
        severity: The severity, for ``opened`` and ``severity_changed``; on ``changed``,
            the new severity if it changed.
        reason: Why, for ``paused`` (free text).
        status: The ticket system's status after the event, for ``opened`` and
            ``changed`` (``"Awaiting User Info"``...), or ``None`` when it did not change.
        attributes: Any other keys, kept as given (``category``, ``plan``,
            ``assignment_group``...); on ``changed``, the fields that changed.
    """

    type: str
    at: datetime
    severity: str | None = None
    reason: str | None = None
    status: str | None = None
    attributes: tuple[tuple[str, Any], ...] = ()

    def get(self, key: str, default: Any = None) -> Any:
        """Return an attribute of the event (``plan``, ``category``...) or ``default``."""
        for name, value in self.attributes:
            if name == key:
                return value
        return default

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready form accepted by :meth:`Timeline.from_events`."""
        out: dict[str, Any] = {"type": self.type, "at": self.at.isoformat()}
        if self.severity is not None:
            out["severity"] = self.severity
        if self.status is not None:
            out["status"] = self.status
        if self.reason is not None:
            out["reason"] = self.reason
        out.update(self.attributes)
        return out


_SET_FIELDS = tuple(
    Event.__dict__[name].__set__  # the slots' own setters: frozen only stops setattr
    for name in ("type", "at", "severity", "reason", "status", "attributes")
)


def _new_event(  # noqa: PLR0917 - Event's fields, in order
    kind: str,
    at: datetime,
    severity: str | None,
    reason: str | None,
    status: str | None,
    attributes: tuple[tuple[str, Any], ...],
) -> Event:
    """``Event(type=kind, at=at, ...)`` of checked values, twice as fast (no converters to run)."""
    event = object.__new__(Event)
    set_type, set_at, set_severity, set_reason, set_status, set_attributes = _SET_FIELDS
    set_type(event, kind)
    set_at(event, at)
    set_severity(event, severity)
    set_reason(event, reason)
    set_status(event, status)
    set_attributes(event, attributes)
    return event


def _kind_problem(kind: object, i: int, problems: list[Problem]) -> bool:
    """Report an invalid event type; return whether it is usable."""
    if not isinstance(kind, str) or not kind:
        problems.append(
            Problem(
                path=f"{_path(i)}.type",
                message=f"missing or invalid event type {excerpt(kind)}",
                hint=f"use one of {', '.join(BUILTIN_EVENTS)} or a custom event name",
            )
        )
        return False
    if kind not in _BUILTIN:
        close = difflib.get_close_matches(kind, BUILTIN_EVENTS, n=1, cutoff=0.75)
        if close:
            problems.append(
                Problem(
                    path=f"{_path(i, kind)}.type",
                    message=f"unknown event type {kind!r}",
                    hint=f"did you mean {close[0]!r}?",
                )
            )
            return False
    return True


def _text_problem(value: object, i: int, kind: str, key: str, problems: list[Problem]) -> bool:
    if value is None or (isinstance(value, str) and value):
        return False
    problems.append(
        Problem(
            path=f"{_path(i, kind)}.{key}",
            message=f"expected non-empty text, got {describe(value)}",
        )
    )
    return True


def _fields_problems(  # noqa: PLR0917 - the fields of one event, checked together
    kind: str,
    severity: object,
    status: object,
    reason: object,
    changes: bool,
    i: int,
    problems: list[Problem],
) -> bool:
    """Report invalid fields of an event; return whether there were any."""
    bad = False
    if kind in _NEEDS_SEVERITY and not isinstance(severity, str):
        problems.append(
            Problem(
                path=f"{_path(i, kind)}.severity",
                message=f"{kind!r} needs a severity, got {excerpt(severity)}",
                hint="add e.g. severity = 'alta'",
            )
        )
        bad = True
    elif _text_problem(severity, i, kind, "severity", problems):
        bad = True
    bad = _text_problem(status, i, kind, "status", problems) or bad
    if reason is not None and not isinstance(reason, str):
        problems.append(
            Problem(
                path=f"{_path(i, kind)}.reason", message=f"expected text, got {describe(reason)}"
            )
        )
        bad = True
    if kind == "changed" and severity is None and status is None and not changes:
        problems.append(
            Problem(
                path=_path(i, kind),
                message="a 'changed' event changes nothing",
                hint="give the new status, severity or field values, e.g. status = 'Active'",
            )
        )
        bad = True
    return bad


def _event(
    item: object, i: int, problems: list[Problem], stamps: list[int | None] | None = None
) -> Event | None:
    """Check one event (a table or an :class:`Event`); report its problems.

    ``stamps``, when given, gets the event's instant in µs where it comes for free with
    the check (an aware datetime in a standard zone), else ``None``.
    """
    # error paths are formatted only when there is an error: this runs for every event
    if type(item) is not dict:
        if stamps is not None:
            stamps.append(None)
        if isinstance(item, Event):
            return _checked(item, i, problems)
        if not isinstance(item, Mapping):
            problems.append(
                Problem(
                    path=_path(i),
                    message=f"expected a table with 'type' and 'at', got {excerpt(item)}",
                )
            )
            return None
    kind = item.get("type")
    if not (type(kind) is str and kind in _BUILTIN) and not _kind_problem(kind, i, problems):
        return None
    assert isinstance(kind, str)  # noqa: S101 - checked just above
    at = item.get("at")
    us = None
    if type(at) is datetime and ((tz := type(at.tzinfo)) is ZoneInfo or tz is timezone):
        us = td_us(at - EPOCH)  # these zones always give an offset: the instant, as a check
        if not MIN_INSTANT_US <= us < MAX_INSTANT_US:
            us = None  # beyond the horizon: the timeline reports it with the others
    elif not (type(at) is datetime and at.utcoffset() is not None):
        at = _parse_at(at, i, kind, problems)  # parses text; reports what is not an instant
    if stamps is not None:
        stamps.append(us)
    severity, status, reason = item.get("severity"), item.get("status"), item.get("reason")
    simple = item.keys() <= _FIELDS
    usual = (  # checked in one expression: plain text where text is given
        (
            (type(severity) is str and severity)
            if kind in _NEEDS_SEVERITY
            else (severity is None or (type(severity) is str and severity))
        )
        and (status is None or (type(status) is str and status))
        and (reason is None or type(reason) is str)
        and (kind != "changed" or severity is not None or status is not None or not simple)
    )
    if not usual and _fields_problems(kind, severity, status, reason, not simple, i, problems):
        return None
    if at is None:
        return None
    extra = () if simple else tuple((str(k), v) for k, v in item.items() if k not in _FIELDS)
    return _new_event(kind, at, severity, reason, status, extra)


def _checked(event: Event, i: int, problems: list[Problem]) -> Event | None:
    """Check an :class:`Event` built in Python as strictly as a table."""
    if not _kind_problem(event.type, i, problems):
        return None
    at = _parse_at(event.at, i, event.type, problems)
    bad = _fields_problems(
        event.type,
        event.severity,
        event.status,
        event.reason,
        bool(event.attributes),
        i,
        problems,
    )
    given: object = event.attributes  # an Event built in Python may hold anything
    if not isinstance(given, tuple) or not all(
        isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[0], str) for pair in given
    ):
        problems.append(
            Problem(
                path=f"{_path(i, event.type)}.attributes",
                message="expected a tuple of (name, value) pairs",
            )
        )
        bad = True
    return None if bad or at is None else event


class _Sequence:
    """The running checks on the order of events, advanced one event at a time.

    Kept on the timeline so that appending an event checks that event only. ``resolved``
    and ``concluded`` become ``None`` (unknown) after a status change, whose meaning is the
    policy's business: from then on resolutions and reopenings are not checked.
    """

    __slots__ = ("concluded", "last", "paused", "resolved")

    def __init__(
        self,
        last: int = 0,
        paused: bool = False,
        resolved: bool | None = False,
        concluded: bool | None = False,
    ) -> None:
        self.last, self.paused, self.resolved, self.concluded = last, paused, resolved, concluded

    def step(self, i: int, event: Event, at: int, problems: list[Problem]) -> _Sequence:
        """Return the state after event ``i``; report what is out of place."""
        new = _Sequence(self.last, self.paused, self.resolved, self.concluded)
        new.advance(i, event, at, problems)
        return new

    def advance(self, i: int, event: Event, at: int, problems: list[Problem]) -> None:
        """Move this state past event ``i`` (a state no timeline holds yet); report problems."""
        kind = event.type
        paused, resolved, concluded = self.paused, self.resolved, self.concluded
        if i == 0:
            if kind != "opened":
                problems.append(
                    Problem(
                        path=_path(i, kind),
                        message="a timeline must start with 'opened'",
                        hint="put the opening event first",
                    )
                )
        elif at < self.last:
            problems.append(
                Problem(
                    path=_path(i, kind),
                    message=f"{event.at.isoformat()} is before the previous event",
                    hint="give the events in time order",
                )
            )
        if kind == "opened" and i > 0:
            problems.append(
                Problem(
                    path=_path(i, kind),
                    message="a second 'opened' event",
                    hint="use 'reopened' to reopen a resolved incident",
                )
            )
        elif kind == "paused":
            if paused:
                problems.append(
                    Problem(
                        path=_path(i, kind), message="paused twice", hint="add 'resumed' in between"
                    )
                )
            paused = True
        elif kind == "resumed":
            if not paused:
                problems.append(
                    Problem(
                        path=_path(i, kind),
                        message="'resumed' without a 'paused' before it",
                        hint="add the 'paused' event, or remove this one",
                    )
                )
            paused = False
        elif kind == "resolved":
            if resolved:
                problems.append(
                    Problem(
                        path=_path(i, kind),
                        message="resolved twice",
                        hint="add 'reopened' in between",
                    )
                )
            resolved = None if resolved is None else True
            concluded = None if concluded is None else True
        elif kind == "closed":
            concluded = None if concluded is None else True
        elif kind == "reopened":
            if concluded is False:
                problems.append(
                    Problem(
                        path=_path(i, kind),
                        message="'reopened' without a 'resolved' or 'closed' before it",
                        hint="only a resolved or closed incident can be reopened",
                    )
                )
            resolved = None if resolved is None else False
            concluded = None if concluded is None else False
        if event.status is not None:
            resolved = concluded = None
        # the first event sets the bound: instants before 1970 are negative
        self.last, self.paused = at if i == 0 else max(at, self.last), paused
        self.resolved, self.concluded = resolved, concluded


def _instants(events: tuple[Event, ...], problems: list[Problem]) -> list[int]:
    out: list[int] = []
    for i, event in enumerate(events):
        try:
            out.append(instant_us(event.at, "at"))
        except InvalidInstantError as exc:
            problems.append(Problem(path=f"{_path(i, event.type)}.at", message=str(exc)))
            out.append(0)
    return out


def _event_tuple(value: Iterable[Event]) -> tuple[Event, ...]:
    return tuple(value)


@attrs.frozen
class Timeline:
    """The events of one incident, in time order, starting with ``opened``.

    Build one from data with :meth:`from_events`, or fluently:

    >>> tl = Timeline.open("2026-11-20T16:10:00-05:00", severity="alta", plan="premium")
    >>> tl = tl.respond("2026-11-20T16:40:00-05:00")
    >>> tl = tl.change("2026-11-20T17:00:00-05:00", status="Awaiting User Info")
    >>> [e.type for e in tl.events]
    ['opened', 'responded', 'changed']

    Events at the same instant keep their order. Building a timeline checks it whole and
    raises :class:`~escalate.TimelineError` listing every problem by event index.
    """

    events: tuple[Event, ...] = attrs.field(converter=_event_tuple)
    instants: tuple[tuple[str, int, str | None, str | None], ...] = attrs.field(
        init=False, eq=False, repr=False
    )
    """Each event as ``(type, microseconds since the epoch, severity, status)``."""
    _attributes: dict[str, Any] = attrs.field(init=False, eq=False, repr=False)
    _types: frozenset[str] = attrs.field(init=False, eq=False, repr=False)
    _severities: frozenset[str] = attrs.field(init=False, eq=False, repr=False)
    _statuses: frozenset[str] = attrs.field(init=False, eq=False, repr=False)
    _sequence: _Sequence = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        if not self.events:
            raise TimelineError.single(
                "events", "a timeline needs at least an 'opened' event", "start with 'opened'"
            )
        checked = [_event(e, i, problems) for i, e in enumerate(self.events)]
        if problems:
            raise TimelineError(problems)
        self._build(tuple(e for e in checked if e is not None))

    def _build(self, events: tuple[Event, ...], stamps: list[int | None] | None = None) -> None:
        """Check the instants and the order of events each checked alone, and keep them.

        ``stamps``: the instants :func:`_event` found on the way, ``None`` where it did not.
        """
        problems: list[Problem] = []
        if stamps is not None and None not in stamps:
            instants: list[int] = stamps  # type: ignore[assignment] # no None in it
        else:
            instants = _instants(events, problems)
        if problems:
            raise TimelineError(problems)
        state = _Sequence()
        for i, (event, at) in enumerate(zip(events, instants, strict=True)):
            state.advance(i, event, at, problems)
        if problems:
            raise TimelineError(problems)
        self._set(events, instants, state)

    def _set(self, events: tuple[Event, ...], instants: list[int], state: _Sequence) -> None:
        # the evaluator reads these on every call: compute them once, here
        setter = object.__setattr__
        types = [e.type for e in events]
        severities = [e.severity for e in events]
        statuses = [e.status for e in events]
        setter(self, "events", events)
        setter(self, "instants", tuple(zip(types, instants, severities, statuses, strict=True)))
        setter(self, "_attributes", dict(events[0].attributes))  # read-only inside escalate
        setter(self, "_types", frozenset(types))
        setter(self, "_severities", frozenset(severities).difference(_NOTHING))
        setter(self, "_statuses", frozenset(statuses).difference(_NOTHING))
        setter(self, "_sequence", state)

    @classmethod
    def from_events(cls, events: Iterable[Mapping[str, Any] | Event]) -> Timeline:
        """Validate and build a timeline from event tables (or :class:`Event` objects).

        Raises:
            TimelineError: every problem at once, each naming the event by index and type.
        """
        if type(events) is not list and (
            isinstance(events, str | bytes | Mapping) or not isinstance(events, Iterable)
        ):
            raise TimelineError.single(
                "events",
                f"expected a list of events, got {excerpt(events)}",
                "pass a list of tables",
            )
        problems: list[Problem] = []
        stamps: list[int | None] = []
        parsed = [_event(item, i, problems, stamps) for i, item in enumerate(events)]
        if problems:
            raise TimelineError(problems)
        if not parsed:
            return cls(())  # raises: a timeline needs its opening
        # each event is checked already (as the constructor would check it again): only
        # their instants and their order remain
        timeline = object.__new__(cls)
        timeline._build(tuple(cast("list[Event]", parsed)), stamps)  # no problem: no None
        return timeline

    @classmethod
    def open(cls, at: datetime | str, *, severity: str, **attributes: Any) -> Timeline:
        """Start a timeline with its ``opened`` event (attributes: plan, category...)."""
        return cls.from_events([{"type": "opened", "at": at, "severity": severity, **attributes}])

    def then(self, type: str, at: datetime | str, **fields: Any) -> Timeline:  # noqa: A002
        """Return this timeline with one more event appended (only the new event is checked)."""
        problems: list[Problem] = []
        i = len(self.events)
        event = _event({"type": type, "at": at, **fields}, i, problems)
        if event is None:
            raise TimelineError(problems)
        instants = _instants((event,), problems)
        if problems:
            raise TimelineError([attrs.evolve(p, path=_path(i, type) + ".at") for p in problems])
        state = self._sequence.step(i, event, instants[0], problems)
        if problems:
            raise TimelineError(problems)
        new = object.__new__(Timeline)
        events = (*self.events, event)
        setter = object.__setattr__
        setter(new, "events", events)
        setter(new, "instants", (*self.instants, (type, instants[0], event.severity, event.status)))
        setter(new, "_attributes", self._attributes)
        setter(new, "_types", self._types | {type})
        setter(
            new, "_severities", self._severities | ({event.severity} if event.severity else set())
        )
        setter(new, "_statuses", self._statuses | ({event.status} if event.status else set()))
        setter(new, "_sequence", state)
        return new

    def respond(self, at: datetime | str) -> Timeline:
        """Append ``responded``."""
        return self.then("responded", at)

    def pause(self, at: datetime | str, *, reason: str | None = None) -> Timeline:
        """Append ``paused`` (with an optional reason)."""
        return self.then("paused", at, **({"reason": reason} if reason is not None else {}))

    def resume(self, at: datetime | str) -> Timeline:
        """Append ``resumed``."""
        return self.then("resumed", at)

    def change_severity(self, at: datetime | str, severity: str) -> Timeline:
        """Append ``severity_changed``."""
        return self.then("severity_changed", at, severity=severity)

    def change(self, at: datetime | str, **fields: Any) -> Timeline:
        """Append ``changed``: a new ``status``, ``severity`` or other field values.

        >>> tl = Timeline.open("2026-11-20T16:10:00-05:00", severity="alta", status="New")
        >>> tl.change("2026-11-20T16:20:00-05:00", status="Active").events[-1].status
        'Active'
        """
        return self.then("changed", at, **fields)

    def escalate(self, at: datetime | str) -> Timeline:
        """Append a manual ``escalated`` (one tier up)."""
        return self.then("escalated", at)

    def resolve(self, at: datetime | str) -> Timeline:
        """Append ``resolved``."""
        return self.then("resolved", at)

    def reopen(self, at: datetime | str) -> Timeline:
        """Append ``reopened``."""
        return self.then("reopened", at)

    def close(self, at: datetime | str) -> Timeline:
        """Append ``closed``."""
        return self.then("closed", at)

    @property
    def opened(self) -> Event:
        """The ``opened`` event."""
        return self.events[0]

    @property
    def attributes(self) -> dict[str, Any]:
        """The attributes given at opening (``plan``, ``category``, ``region``...)."""
        return dict(self._attributes)

    def to_events(self) -> list[dict[str, Any]]:
        """Return the JSON-ready list of events; ``from_events`` of it gives this timeline."""
        return [e.to_dict() for e in self.events]

    def __reduce__(self) -> tuple[Any, ...]:
        return (Timeline, (self.events,))
