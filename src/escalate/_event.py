"""Events of an incident timeline: the :class:`Event` class and the checks of one event.

Every event a timeline takes (a table from a ticket system, or an :class:`Event` built
in Python) goes through :func:`event`: its type, instant and fields are checked, and each
problem is reported with the event's key path (``events[3] (paused).at``) and a fix. The
order of the events is the timeline's business (:mod:`escalate._timeline`).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

import attrs

from escalate._checks import MAX_INSTANT_US, MIN_INSTANT_US, describe, excerpt, missing_value
from escalate._errors import Problem
from escalate._index import EPOCH, td_us

__all__ = ["BUILTIN_EVENTS", "NOTHING", "Event", "checked_event", "event_path", "new_event"]

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
NOTHING = (None, "")


def event_path(i: int, kind: object = None) -> str:
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
                    path=f"{event_path(i, kind)}.at",
                    message=f"{excerpt(text)} is not an ISO-8601 date-time",
                    hint="write e.g. '2026-11-20T16:10:00-05:00' (with its UTC offset)",
                )
            )
            return None
    if missing_value(value):
        problems.append(
            Problem(
                path=f"{event_path(i, kind)}.at",
                message="no instant"
                if value is None
                else f"{excerpt(value)} is a missing value, not an instant",
                hint="every event needs its instant: give it, or leave the event out",
            )
        )
        return None
    if not isinstance(value, datetime):
        problems.append(
            Problem(
                path=f"{event_path(i, kind)}.at",
                message=f"expected a date-time, got {describe(value)}",
                hint="give an aware datetime or an ISO-8601 string with an offset",
            )
        )
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        problems.append(
            Problem(
                path=f"{event_path(i, kind)}.at",
                message=f"{value.isoformat()} has no time zone",
                hint="add the UTC offset ('...-05:00') or attach a zone (tzinfo=ZoneInfo(...))",
            )
        )
        return None
    return value


def _typed(attributes: tuple[tuple[str, Any], ...]) -> tuple[tuple[str, type, Any], ...]:
    """What two events' attributes compare and hash by: each value with its type.

    ``1 == True == 1.0`` in Python, but routes read them as ``"1"``, ``"true"`` and ``"1"``
    (:func:`~escalate._checks.attribute_text`): equal events must be judged alike.
    """
    if type(attributes) is not tuple:
        return attributes  # type: ignore[return-value] # not a tuple: checked elsewhere
    return tuple((name, type(value), value) for name, value in attributes)


@attrs.frozen(kw_only=True)
class Event:
    """One event of an incident timeline.

    Attributes:
        type: ``opened``, ``responded``, ``paused``, ``resumed``, ``severity_changed``,
            ``changed``, ``escalated``, ``resolved``, ``reopened``, ``closed``, or a custom
            name used by a policy target (e.g. ``report_sent``).
        at: When it happened (timezone-aware).
        severity: The severity: required on ``opened`` and ``severity_changed``. On any
            other event it is the severity from that instant on, as if a
            ``severity_changed`` came with it (a change when it differs): an export that
            repeats the current priority on every row means just that.
        reason: Why, for ``paused`` (free text).
        status: The ticket system's status after the event (``"Awaiting User Info"``...),
            usually on ``opened`` and ``changed``, or ``None`` when it did not change; on
            any event it is the status from that instant on.
        attributes: Any other keys, kept as given (``category``, ``plan``,
            ``assignment_group``...); on ``changed``, the fields that changed.
    """

    type: str
    at: datetime
    severity: str | None = None
    reason: str | None = None
    status: str | None = None
    attributes: tuple[tuple[str, Any], ...] = attrs.field(default=(), eq=_typed)

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


def new_event(  # noqa: PLR0917 - Event's fields, in order
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
                path=f"{event_path(i)}.type",
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
                    path=f"{event_path(i, kind)}.type",
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
            path=f"{event_path(i, kind)}.{key}",
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
                path=f"{event_path(i, kind)}.severity",
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
                path=f"{event_path(i, kind)}.reason",
                message=f"expected text, got {describe(reason)}",
            )
        )
        bad = True
    if kind == "changed" and severity is None and status is None and not changes:
        problems.append(
            Problem(
                path=event_path(i, kind),
                message="a 'changed' event changes nothing",
                hint="give the new status, severity or field values, e.g. status = 'Active'",
            )
        )
        bad = True
    return bad


def checked_event(
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
                    path=event_path(i),
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
    # other keys are attributes; a table's empty cell (NaN, NA, NaT) is none (None is a
    # value given: a field cleared)
    extra = (
        ()
        if item.keys() <= _FIELDS
        else tuple(
            (str(k), v)
            for k, v in item.items()
            if k not in _FIELDS and (v is None or not missing_value(v))
        )
    )
    usual = (  # checked in one expression: plain text where text is given
        (
            (type(severity) is str and severity)
            if kind in _NEEDS_SEVERITY
            else (severity is None or (type(severity) is str and severity))
        )
        and (status is None or (type(status) is str and status))
        and (reason is None or type(reason) is str)
        and (kind != "changed" or severity is not None or status is not None or extra)
    )
    if not usual:
        # an empty cell of a table (NaN, NA) means the key is absent, as None does
        severity, status, reason = (
            None if missing_value(value) else value for value in (severity, status, reason)
        )
        if _fields_problems(kind, severity, status, reason, bool(extra), i, problems):
            return None
    if at is None:
        return None
    return new_event(kind, at, severity, reason, status, extra)


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
                path=f"{event_path(i, event.type)}.attributes",
                message="expected a tuple of (name, value) pairs",
            )
        )
        bad = True
    return None if bad or at is None else event
