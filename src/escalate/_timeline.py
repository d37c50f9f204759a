"""Incident timelines: the events of one incident, validated and immutable."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import attrs

from escalate._errors import Problem, TimelineError

__all__ = ["BUILTIN_EVENTS", "Event", "Timeline"]

BUILTIN_EVENTS = (
    "opened",
    "responded",
    "paused",
    "resumed",
    "severity_changed",
    "escalated",
    "resolved",
    "reopened",
    "closed",
)
_BUILTIN = frozenset(BUILTIN_EVENTS)
_FIELDS = frozenset(("type", "at", "severity", "reason"))


def _path(i: int, kind: object = None) -> str:
    """Return the key path of event ``i`` for an error message (built only on error)."""
    return f"events[{i}]" if kind is None else f"events[{i}] ({kind})"


def _parse_at(value: object, i: int, kind: str, problems: list[Problem]) -> datetime | None:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            problems.append(
                Problem(
                    path=f"{_path(i, kind)}.at",
                    message=f"{value!r} is not an ISO-8601 date-time",
                    hint="write e.g. '2026-11-20T16:10:00-05:00' (with its UTC offset)",
                )
            )
            return None
    if not isinstance(value, datetime):
        problems.append(
            Problem(
                path=f"{_path(i, kind)}.at",
                message=f"expected a date-time, got {type(value).__name__} {value!r}",
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
            ``escalated``, ``resolved``, ``reopened``, ``closed``, or a custom name used by
            a policy target (e.g. ``report_sent``).
        at: When it happened (timezone-aware).
        severity: The severity, for ``opened`` and ``severity_changed``.
        reason: Why, for ``paused`` (free text).
        attributes: Any other keys, kept as given (``category``, ``plan``, ``region``...).
    """

    type: str
    at: datetime
    severity: str | None = None
    reason: str | None = None
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
        if self.reason is not None:
            out["reason"] = self.reason
        out.update(self.attributes)
        return out


def _event(item: object, i: int, problems: list[Problem]) -> Event | None:
    # error paths are formatted only when there is an error: this runs for every event
    if isinstance(item, Event):
        return item
    if not isinstance(item, dict) and not isinstance(item, Mapping):
        problems.append(
            Problem(path=_path(i), message=f"expected a table with 'type' and 'at', got {item!r}")
        )
        return None
    kind = item.get("type")
    if not isinstance(kind, str) or not kind:
        problems.append(
            Problem(
                path=f"{_path(i)}.type",
                message=f"missing or invalid event type {kind!r}",
                hint=f"use one of {', '.join(BUILTIN_EVENTS)} or a custom event name",
            )
        )
        return None
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
            return None
    at = _parse_at(item.get("at"), i, kind, problems)
    severity = item.get("severity")
    if kind in {"opened", "severity_changed"} and not isinstance(severity, str):
        problems.append(
            Problem(
                path=f"{_path(i, kind)}.severity",
                message=f"{kind!r} needs a severity, got {severity!r}",
                hint="add e.g. severity = 'alta'",
            )
        )
        return None
    reason = item.get("reason")
    if reason is not None and not isinstance(reason, str):
        problems.append(
            Problem(path=f"{_path(i, kind)}.reason", message=f"expected text, got {reason!r}")
        )
        return None
    if at is None:
        return None
    if item.keys() <= _FIELDS:
        extra: tuple[tuple[str, Any], ...] = ()
    else:
        extra = tuple((str(k), v) for k, v in item.items() if k not in _FIELDS)
    return Event(
        type=kind,
        at=at,
        severity=severity if isinstance(severity, str) else None,
        reason=reason,
        attributes=extra,
    )


def _check_sequence(
    events: tuple[Event, ...],
    instants: Sequence[tuple[str, int, str | None]],
    problems: list[Problem],
) -> None:
    if not events:
        problems.append(
            Problem(path="events", message="a timeline needs at least an 'opened' event")
        )
        return
    if events[0].type != "opened":
        problems.append(
            Problem(
                path=f"events[0] ({events[0].type})",
                message="a timeline must start with 'opened'",
                hint="put the opening event first",
            )
        )
    paused = resolved = False
    previous_at = instants[0][1]
    for i, ev in enumerate(events):
        path = f"events[{i}] ({ev.type})"
        at = instants[i][1]
        if at < previous_at:
            problems.append(
                Problem(
                    path=path,
                    message=f"{ev.at.isoformat()} is before the previous event's "
                    f"{events[i - 1].at.isoformat()}",
                    hint="give the events in time order",
                )
            )
        previous_at = at
        if ev.type == "opened" and i > 0:
            problems.append(
                Problem(
                    path=path,
                    message="a second 'opened' event",
                    hint="use 'reopened' to reopen a resolved incident",
                )
            )
        elif ev.type == "paused":
            if paused:
                problems.append(
                    Problem(path=path, message="paused twice", hint="add 'resumed' in between")
                )
            paused = True
        elif ev.type == "resumed":
            if not paused:
                problems.append(
                    Problem(
                        path=path,
                        message="'resumed' without a 'paused' before it",
                        hint="add the 'paused' event, or remove this one",
                    )
                )
            paused = False
        elif ev.type == "resolved":
            if resolved:
                problems.append(
                    Problem(path=path, message="resolved twice", hint="add 'reopened' in between")
                )
            resolved = True
        elif ev.type == "reopened":
            if not resolved:
                problems.append(
                    Problem(
                        path=path,
                        message="'reopened' without a 'resolved' before it",
                        hint="only a resolved incident can be reopened",
                    )
                )
            resolved = False


@attrs.frozen
class Timeline:
    """The events of one incident, in time order, starting with ``opened``.

    Build one from data with :meth:`from_events`, or fluently:

    >>> tl = Timeline.open("2026-11-20T16:10:00-05:00", severity="alta", plan="premium")
    >>> tl = tl.respond("2026-11-20T16:40:00-05:00")
    >>> [e.type for e in tl.events]
    ['opened', 'responded']
    """

    events: tuple[Event, ...]
    instants: tuple[tuple[str, int, str | None], ...] = attrs.field(
        init=False, eq=False, repr=False
    )
    """Each event as ``(type, microseconds since the epoch, severity)``, computed once."""
    _attributes: dict[str, Any] = attrs.field(init=False, eq=False, repr=False)
    _types: frozenset[str] = attrs.field(init=False, eq=False, repr=False)
    _severities: frozenset[str] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        # the evaluator reads these on every call: compute them once, here
        from escalate._calendar import _instant  # noqa: PLC0415 - avoids an import cycle

        instants = tuple((e.type, _instant(e.at, "at"), e.severity) for e in self.events)
        object.__setattr__(self, "instants", instants)
        # read-only inside escalate
        attributes = dict(self.events[0].attributes) if self.events else {}
        object.__setattr__(self, "_attributes", attributes)
        # the event types and severities used, so that a policy checks them in one step
        object.__setattr__(self, "_types", frozenset(e.type for e in self.events))
        severities = frozenset(e.severity for e in self.events if e.severity is not None)
        object.__setattr__(self, "_severities", severities)

    @classmethod
    def from_events(cls, events: Iterable[Mapping[str, Any] | Event]) -> Timeline:
        """Validate and build a timeline from event tables (or :class:`Event` objects).

        Raises:
            TimelineError: every problem at once, each naming the event by index and type.
        """
        problems: list[Problem] = []
        if isinstance(events, (str, bytes, Mapping)) or not isinstance(events, Iterable):
            raise TimelineError.single(
                "events", f"expected a list of events, got {events!r}", "pass a list of tables"
            )
        parsed = [_event(item, i, problems) for i, item in enumerate(events)]
        if problems:
            raise TimelineError(problems)
        timeline = cls(tuple(e for e in parsed if e is not None))
        _check_sequence(timeline.events, timeline.instants, problems)
        if problems:
            raise TimelineError(problems)
        return timeline

    @classmethod
    def open(cls, at: datetime | str, *, severity: str, **attributes: Any) -> Timeline:
        """Start a timeline with its ``opened`` event (attributes: plan, category...)."""
        return cls.from_events([{"type": "opened", "at": at, "severity": severity, **attributes}])

    def then(self, type: str, at: datetime | str, **fields: Any) -> Timeline:  # noqa: A002
        """Return this timeline with one more event appended (validated)."""
        return Timeline.from_events([*self.events, {"type": type, "at": at, **fields}])

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
