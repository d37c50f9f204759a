"""escalate: business-hours SLA computation, exact to the microsecond.

Calendars of split working days, holidays and exceptions in any time zone; policies of
severities, targets and escalation tiers; and an evaluator that explains every deadline.
"""

from __future__ import annotations

from importlib.metadata import version as _version

from escalate._availability import (
    AvailabilityReport,
    Outage,
    OutageKind,
    OutageReason,
    OutageRecord,
    Period,
    availability,
    availability_frame,
)
from escalate._calendar import Calendar
from escalate._compliance import compliance
from escalate._config import load_policy, policy_schema
from escalate._duration import BusinessDays, format_duration, parse_business_days, parse_duration
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
    OutageError,
    PolicyError,
    Problem,
    TimelineError,
)
from escalate._evaluate import evaluate
from escalate._frame import BadRowsWarning, evaluate_frame
from escalate._holidays import Holidays
from escalate._hours import Interval
from escalate._plots import plot_compliance, plot_elapsed
from escalate._policy import (
    AfterElapsed,
    AtOpen,
    AtPercent,
    Availability,
    Contact,
    Goal,
    Manual,
    OnBreach,
    Plan,
    Policy,
    Route,
    Severity,
    Target,
    Tier,
    Trigger,
)
from escalate._results import (
    Escalation,
    EscalationReason,
    Evaluation,
    TargetResult,
    TargetStatus,
    TierRef,
)
from escalate._timeline import Event, Timeline

#: The installed version; the distribution is called ``escalate-sla`` (``escalate`` on the
#: package index is another project), the import name is ``escalate``.
__version__ = _version("escalate-sla")

__all__ = [
    "AfterElapsed",
    "AtOpen",
    "AtPercent",
    "Availability",
    "AvailabilityReport",
    "BadRowsWarning",
    "BusinessDays",
    "Calendar",
    "ConfigError",
    "Contact",
    "EscalateError",
    "EscalateWarning",
    "Escalation",
    "EscalationReason",
    "Evaluation",
    "Event",
    "Goal",
    "Holidays",
    "HorizonError",
    "Interval",
    "InvalidCalendarError",
    "InvalidDurationError",
    "InvalidInstantError",
    "InvalidRangeError",
    "Manual",
    "MissingExtraError",
    "NaiveDatetimeError",
    "NeverOpenError",
    "OnBreach",
    "Outage",
    "OutageError",
    "OutageKind",
    "OutageReason",
    "OutageRecord",
    "Period",
    "Plan",
    "Policy",
    "PolicyError",
    "Problem",
    "Route",
    "Severity",
    "Target",
    "TargetResult",
    "TargetStatus",
    "Tier",
    "TierRef",
    "Timeline",
    "TimelineError",
    "Trigger",
    "__version__",
    "availability",
    "availability_frame",
    "compliance",
    "evaluate",
    "evaluate_frame",
    "format_duration",
    "load_policy",
    "parse_business_days",
    "parse_duration",
    "plot_compliance",
    "plot_elapsed",
    "policy_schema",
]
