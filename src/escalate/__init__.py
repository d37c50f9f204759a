"""escalate: business-hours SLA computation, exact to the microsecond.

Calendars of split working days, holidays and exceptions in any time zone; policies of
severities, targets and escalation tiers; and an evaluator that explains every deadline.
"""

from __future__ import annotations

from importlib.metadata import version as _version

from escalate._calendar import Calendar
from escalate._errors import (
    ConfigError,
    EscalateError,
    EscalateWarning,
    HorizonError,
    InvalidCalendarError,
    InvalidDurationError,
    InvalidInstantError,
    InvalidRangeError,
    MissingExtraError,
    NaiveDatetimeError,
    NeverOpenError,
    Problem,
)
from escalate._holidays import Holidays
from escalate._hours import Interval

__version__ = _version("escalate")

__all__ = [
    "Calendar",
    "ConfigError",
    "EscalateError",
    "EscalateWarning",
    "Holidays",
    "HorizonError",
    "Interval",
    "InvalidCalendarError",
    "InvalidDurationError",
    "InvalidInstantError",
    "InvalidRangeError",
    "MissingExtraError",
    "NaiveDatetimeError",
    "NeverOpenError",
    "Problem",
    "__version__",
]
