"""The JSON Schema of the policy config form: :func:`escalate.policy_schema`.

It describes what :func:`escalate.load_policy` accepts (one policy, or ``[[versions]]``),
for editors and for services that check configs before sending them; the tests validate
every example policy and every :meth:`~escalate.Policy.to_dict` form against it.
"""

from __future__ import annotations

import copy
from typing import Any, Final

from escalate._versions import with_versions

__all__ = ["policy_schema"]


_DURATION_SCHEMA: Final = {
    "type": "string",
    "description": "A duration: '2h', '1h30m', '45m', '90s', '3d' or ISO 8601 'PT2H'.",
    "pattern": r"^\s*-?\s*([Pp]\S+|([0-9]+(\.[0-9]{1,6})?\s*[A-Za-z]+\s*)+)$",
}
_NAME: Final = {"type": "string", "minLength": 1}
_TEXT: Final = {"type": "string"}
_DATE: Final = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
_INTERVALS: Final = {"type": "array", "items": {"type": "string"}}
_HOLIDAY_TABLE: Final = {
    "type": "object",
    "description": "Exactly one of country, calendar or include; then add and remove.",
    "properties": {
        "country": _NAME,
        "subdivision": _TEXT,
        "source": {"enum": ["holidays", "workalendar"]},
        "calendar": {"type": "string", "minLength": 1, "description": "A workalendar class."},
        "include": {"$ref": "#/$defs/holiday_list"},
        "add": {"type": "array", "items": _DATE},
        "remove": {"type": "array", "items": _DATE},
    },
    "oneOf": [{"required": [key]} for key in ("country", "calendar", "include")],
    "additionalProperties": False,
}
_SCHEMA: Final[dict[str, Any]] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://escalate.readthedocs.io/schema/policy.json",
    "title": "escalate SLA policy",
    "type": "object",
    "additionalProperties": False,
    "required": ["severities"],
    "properties": {
        "name": _TEXT,
        "description": _TEXT,
        "clock": {"$ref": "#/$defs/clock"},
        "calendars": {"type": "object", "additionalProperties": {"$ref": "#/$defs/calendar"}},
        "targets": {
            "type": "object",
            "propertyNames": {"not": {"const": "description"}},
            "additionalProperties": {"$ref": "#/$defs/target"},
        },
        "severities": {
            "type": "object",
            "minProperties": 1,
            "additionalProperties": {"$ref": "#/$defs/severity"},
        },
        "plans": {"type": "object", "additionalProperties": {"$ref": "#/$defs/plan"}},
        "tiers": {"$ref": "#/$defs/tiers"},
        "routes": {"type": "array", "items": {"$ref": "#/$defs/route"}},
        "availability": {"$ref": "#/$defs/availability"},
        "statuses": {
            "type": "object",
            "additionalProperties": {"enum": ["open", "paused", "resolved", "closed"]},
            "description": "The ticket system's status names and what each means.",
        },
    },
    "$defs": {
        "duration": _DURATION_SCHEMA,
        "holiday_list": {"type": "array", "items": {"oneOf": [_DATE, _HOLIDAY_TABLE]}},
        "clock": {"type": "string", "minLength": 1, "description": "A calendar name or '24x7'."},
        "calendar": {
            "type": "object",
            "required": ["timezone", "hours"],
            "additionalProperties": False,
            "properties": {
                "timezone": _NAME,
                "hours": {
                    "oneOf": [
                        {"type": "string", "pattern": r"^\s*24[xX/]7\s*$"},
                        {"type": "object", "additionalProperties": _INTERVALS},
                    ]
                },
                "holidays": {"oneOf": [_HOLIDAY_TABLE, {"$ref": "#/$defs/holiday_list"}]},
                "exceptions": {"type": "object", "additionalProperties": _INTERVALS},
            },
        },
        "goal_duration": {
            "anyOf": [
                {"$ref": "#/$defs/duration"},
                {
                    "type": "string",
                    "pattern": r"(?i)^\s*\d+\s*(bd|business[ _-]days?)\s*$",
                    "description": "Business days: '3bd' or '3 business days'.",
                },
            ]
        },
        "goal": {
            "oneOf": [
                {"$ref": "#/$defs/goal_duration"},
                {
                    "type": "object",
                    "required": ["duration"],
                    "additionalProperties": False,
                    "properties": {
                        "duration": {"$ref": "#/$defs/goal_duration"},
                        "warning": {"$ref": "#/$defs/duration"},
                        "clock": {"$ref": "#/$defs/clock"},
                    },
                },
            ]
        },
        "goals": {"type": "object", "additionalProperties": {"$ref": "#/$defs/goal"}},
        "condition": {
            "oneOf": [
                _NAME,
                {
                    "type": "object",
                    "minProperties": 1,
                    "maxProperties": 1,
                    "additionalProperties": False,
                    "properties": {
                        "status": {"oneOf": [_NAME, {"type": "array", "items": _NAME}]},
                        "left": {"oneOf": [_NAME, {"type": "array", "items": _NAME}]},
                    },
                },
            ],
            "description": "An event name, { status = [...] } (entering) or { left = [...] }.",
        },
        "conditions": {
            "oneOf": [
                {"$ref": "#/$defs/condition"},
                {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/condition"}},
            ]
        },
        "target": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "start": {"$ref": "#/$defs/conditions"},
                "stop": {"$ref": "#/$defs/conditions"},
                "pause": {
                    "oneOf": [
                        {"$ref": "#/$defs/condition"},
                        {"type": "array", "items": {"$ref": "#/$defs/condition"}},
                    ],
                    "description": "What pauses it; [] for nothing.",
                },
                "on_reopen": {"enum": ["continue", "restart", "keep"]},
                "pauses": {"type": "boolean"},
                "clock": {"$ref": "#/$defs/clock"},
                "goal": {"$ref": "#/$defs/goal"},
                "required": {"type": "boolean"},
            },
        },
        "severity": {
            "type": "object",
            "properties": {"description": _TEXT},
            "additionalProperties": {"$ref": "#/$defs/goal"},
        },
        "plan": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "description": _TEXT,
                "clock": {"$ref": "#/$defs/clock"},
                "severities": {"type": "object", "additionalProperties": {"$ref": "#/$defs/goals"}},
            },
        },
        "contact": {
            "type": "object",
            "required": ["name"],
            "additionalProperties": False,
            "properties": {
                "name": _NAME,
                "role": _TEXT,
                "email": _TEXT,
                "phones": {"oneOf": [_TEXT, {"type": "array", "items": _TEXT}]},
                "response": {"$ref": "#/$defs/duration"},
                "clock": {"$ref": "#/$defs/clock"},
            },
        },
        "trigger": {
            "oneOf": [
                {"enum": ["open", "manual"]},
                {
                    "type": "object",
                    "required": ["after"],
                    "additionalProperties": False,
                    "properties": {
                        "after": {"$ref": "#/$defs/duration"},
                        "clock": {"$ref": "#/$defs/clock"},
                    },
                },
                {
                    "type": "object",
                    "required": ["percent", "of"],
                    "additionalProperties": False,
                    "properties": {
                        "percent": {"type": "number", "exclusiveMinimum": 0},
                        "of": _NAME,
                    },
                },
                {
                    "type": "object",
                    "required": ["breach"],
                    "additionalProperties": False,
                    "properties": {"breach": _NAME, "delay": {"$ref": "#/$defs/duration"}},
                },
            ]
        },
        "tier": {
            "type": "object",
            "required": ["level", "name"],
            "additionalProperties": False,
            "properties": {
                "level": {"type": "integer", "minimum": 1},
                "name": _NAME,
                "contacts": {"type": "array", "items": {"$ref": "#/$defs/contact"}},
                "trigger": {"$ref": "#/$defs/trigger"},
            },
        },
        "tiers": {"type": "array", "items": {"$ref": "#/$defs/tier"}},
        "route": {
            "type": "object",
            "required": ["name", "when", "tiers"],
            "additionalProperties": False,
            "properties": {
                "name": _NAME,
                "when": {
                    "type": "object",
                    "minProperties": 1,
                    "additionalProperties": {
                        "oneOf": [
                            {"type": "string"},
                            {"type": "array", "items": {"type": "string"}, "minItems": 1},
                        ]
                    },
                },
                "tiers": {"$ref": "#/$defs/tiers", "minItems": 1},
            },
        },
        "availability": {
            "type": "object",
            "required": ["objective"],
            "additionalProperties": False,
            "properties": {
                "objective": {"type": "number", "exclusiveMinimum": 0, "maximum": 100},
                "clock": {"$ref": "#/$defs/clock"},
                "maintenance_notice": {
                    "oneOf": [
                        {"type": "integer"},
                        {
                            "type": "string",
                            "pattern": r"(?i)^\s*-?\d+\s*(bd|business[ _-]days?)\s*$",
                        },
                    ]
                },
                "measured_on": {"$ref": "#/$defs/clock"},
                "period": {"enum": ["month", "quarter", "year"]},
                "counts": {
                    "oneOf": [
                        {"enum": ["major", "minor"]},
                        {
                            "type": "array",
                            "items": {"enum": ["major", "minor"]},
                            "minItems": 1,
                            "uniqueItems": True,
                        },
                    ]
                },
            },
        },
    },
}


def policy_schema() -> dict[str, Any]:
    """Return a JSON Schema (draft 2020-12) of the policy config format, for editors.

    The schema checks the shape; :func:`load_policy` also checks what a schema cannot,
    such as references between calendars, targets and triggers. A file is either one
    policy or policy versions (see :func:`~escalate.load_versions`).
    """
    return with_versions(copy.deepcopy(_SCHEMA))
