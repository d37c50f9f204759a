"""Incident timelines: the events of one incident, validated and immutable.

A timeline is the incident's history as the ticket system recorded it: the opening,
responses, pauses, resolutions and reopenings, and the **changes** of its status, severity
and other fields. Which statuses pause or stop a clock is the policy's business
(:attr:`escalate.Policy.statuses`), so one history can be judged under several policies.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from itertools import count
from typing import Any, Final, cast

import attrs

from escalate._checks import excerpt, instant_us
from escalate._errors import HorizonError, InvalidInstantError, Problem, TimelineError
from escalate._event import BUILTIN_EVENTS, NOTHING, Event, checked_event, event_path

__all__ = ["BUILTIN_EVENTS", "Event", "Timeline"]


SeqState = tuple[bool, bool, bool | None, bool | None]
"""Whether an event came already, whether a ``paused`` holds, whether the incident is
resolved and whether it is concluded (``None``: unknown, after a status change)."""

_START: SeqState = (False, False, False, False)

Said = tuple[tuple[str, str], ...]
"""What is out of place in one event: ``(message, hint)`` pairs."""

MOVES = 4096
"""How many (state, type, status change) answers :func:`_move` remembers: custom event
types are the caller's, so the memory is bounded."""

_moves: dict[tuple[SeqState, str, bool], tuple[SeqState, Said]] = {}


def _move(state: SeqState, kind: str, status_change: bool) -> tuple[SeqState, Said]:
    """The rule of order for one event: the state after it, and what is out of place in it.

    The instants are checked apart, by :meth:`_Sequence.walk`.

    ``resolved`` and ``concluded`` become ``None`` (unknown) after a status change, whose
    meaning is the policy's business: from then on resolutions and reopenings are not
    checked.
    """
    started, paused, resolved, concluded = state
    said: list[tuple[str, str]] = []
    if not started and kind != "opened":
        said.append(("a timeline must start with 'opened'", "put the opening event first"))
    if kind == "opened" and started:
        said.append(("a second 'opened' event", "use 'reopened' to reopen a resolved incident"))
    elif kind == "paused":
        if paused:
            said.append(("paused twice", "add 'resumed' in between"))
        paused = True
    elif kind == "resumed":
        if not paused:
            said.append(
                (
                    "'resumed' without a 'paused' before it",
                    "add the 'paused' event, or remove this one",
                )
            )
        paused = False
    elif kind == "resolved":
        if resolved:
            said.append(("resolved twice", "add 'reopened' in between"))
        resolved = None if resolved is None else True
        concluded = None if concluded is None else True
    elif kind == "closed":
        concluded = None if concluded is None else True
    elif kind == "reopened":
        if concluded is False:
            said.append(
                (
                    "'reopened' without a 'resolved' or 'closed' before it",
                    "only a resolved or closed incident can be reopened",
                )
            )
        resolved = None if resolved is None else False
        concluded = None if concluded is None else False
    if status_change:
        resolved = concluded = None
    return (True, paused, resolved, concluded), tuple(said)


STATES: tuple[SeqState, ...] = tuple(
    (started, paused, resolved, concluded)
    for started in (False, True)
    for paused in (False, True)
    for resolved in (False, True, None)
    for concluded in (False, True, None)
)
"""Every state of the order rule, numbered for :func:`order_table`."""

START: Final = STATES.index(_START)
"""The number of the state before a timeline's first event."""


def order_table(kinds: Iterable[str]) -> tuple[list[list[list[int]]], list[list[list[str]]]]:
    """The order rule (:func:`_move`) as tables, for a reader that checks many events at once.

    ``after[s][k][c]`` is the number of the state after an event of the ``k``-th kind
    in state ``s`` (``c``: whether it changes the status), or the state before it when
    the event is out of place: a reader that leaves the event out goes on as if it never
    came. ``said[s][k][c]`` is what is out of place in it (``"message; hint"``), or ``""``.
    """
    number = {state: i for i, state in enumerate(STATES)}
    names = list(kinds)
    after = [[[0, 0] for _ in names] for _ in STATES]
    said = [[["", ""] for _ in names] for _ in STATES]
    for s, state in enumerate(STATES):
        for k, kind in enumerate(names):
            for c in (0, 1):
                nxt, problems = _move(state, kind, bool(c))
                after[s][k][c] = s if problems else number[nxt]
                said[s][k][c] = "; ".join(f"{m}; {h}" for m, h in problems)
    return after, said


class _Sequence:
    """The running checks on the order of events, one event at a time.

    The state after the last event (:data:`SeqState`) and the latest instant so far,
    kept on the timeline so that appending an event checks that event only.
    """

    __slots__ = ("last", "state")

    def __init__(self, state: SeqState = _START, last: int = 0) -> None:
        self.state, self.last = state, last

    def walk(
        self, first: int, events: Iterable[Event], instants: Iterable[int], problems: list[Problem]
    ) -> _Sequence:
        """Return the state after ``events`` (event ``first`` onwards).

        Reports what is out of place, each problem by event index, in order.
        """
        state, last = self.state, self.last
        moves = _moves
        for i, event, at in zip(count(first), events, instants):
            kind = event.type
            key = (state, kind, event.status is not None)
            found = moves.get(key)
            if found is None:
                found = _move(*key)
                if len(moves) < MOVES:
                    moves[key] = found
            state, said = found
            if i == 0:
                last = at  # the first event sets the bound: instants before 1970 are negative
            elif at < last:
                problems.append(
                    Problem(
                        path=event_path(i, kind),
                        message=f"{event.at.isoformat()} is before the previous event",
                        hint="give the events in time order",
                    )
                )
            else:
                last = at
            for message, hint in said:
                problems.append(Problem(path=event_path(i, kind), message=message, hint=hint))
        return _Sequence(state, last)


def _instants(events: tuple[Event, ...], problems: list[Problem], start: int = 0) -> list[int]:
    """The events' instants in µs; ``start``: the index of the first (for the paths)."""
    out: list[int] = []
    for i, event in enumerate(events, start):
        try:
            out.append(instant_us(event.at, "at"))
        except InvalidInstantError as exc:
            problems.append(Problem(path=f"{event_path(i, event.type)}.at", message=str(exc)))
            out.append(0)
        except HorizonError as exc:  # named by its event
            path = f"{event_path(i, event.type)}.at"
            raise HorizonError(f"{path}: {exc}", path=path) from None
    return out


def _reserved(fields: Mapping[str, Any], i: int, kind: object) -> None:
    """Refuse ``type`` as a field of the builders: it is the event's kind, not an attribute.

    (``at`` and ``severity`` are the builders' own arguments: Python refuses them twice.)
    """
    if "type" in fields:
        raise TimelineError.single(
            f"{event_path(i, str(kind))}.type",
            "'type' is the kind of the event, not an attribute: a builder sets it",
            "name the attribute otherwise, e.g. issue_type='Bug'",
        )


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
        checked = [checked_event(e, i, problems) for i, e in enumerate(self.events)]
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
        state = _Sequence().walk(0, events, instants, problems)
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
        setter(self, "_severities", frozenset(severities).difference(NOTHING))
        setter(self, "_statuses", frozenset(statuses).difference(NOTHING))
        setter(self, "_sequence", state)

    @classmethod
    def from_events(cls, events: Iterable[Mapping[str, Any] | Event]) -> Timeline:
        """Validate and build a timeline from event tables (or :class:`Event` objects).

        An empty cell (NaN, ``pd.NA``, ``NaT``: what ``DataFrame.to_dict("records")``
        gives for a table's missing values) in ``severity``, ``status``, ``reason`` or an
        attribute means the key is absent; an event without its instant is an error.

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
        parsed = [checked_event(item, i, problems, stamps) for i, item in enumerate(events)]
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
        """Start a timeline with its ``opened`` event (attributes: plan, category...).

        ``status`` and ``reason`` are the event's own fields; ``type`` cannot be an
        attribute's name (an event table's key): name it otherwise, e.g. ``issue_type``.
        """
        _reserved(attributes, 0, "opened")
        return cls.from_events([{"type": "opened", "at": at, "severity": severity, **attributes}])

    def then(self, type: str, at: datetime | str, **fields: Any) -> Timeline:  # noqa: A002
        """Return this timeline with one more event appended (only the new event is checked)."""
        problems: list[Problem] = []
        i = len(self.events)
        _reserved(fields, i, type)
        event = checked_event({"type": type, "at": at, **fields}, i, problems)
        if event is None:
            raise TimelineError(problems)
        instants = _instants((event,), problems, start=i)
        if problems:
            raise TimelineError(problems)
        state = self._sequence.walk(i, (event,), instants, problems)
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
        _reserved(fields, len(self.events), "changed")
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
