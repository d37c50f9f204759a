"""escalate: business-hours SLA computation, exact to the microsecond.

Calendars of split working days, holidays and exceptions in any time zone; policies of
severities, targets and escalation tiers; and an evaluator that explains every deadline.
"""

from __future__ import annotations

from importlib.metadata import version as _version

from escalate._availability import AvailabilityReport, OutageReason, OutageRecord, availability
from escalate._availability_frame import availability_frame
from escalate._calendar import Calendar
from escalate._compare import Comparison, compare, paired_difference
from escalate._compliance import compliance
from escalate._config import load_policy
from escalate._config_schema import policy_schema
from escalate._duration import BusinessDays, format_duration, parse_business_days, parse_duration
from escalate._errors import (
    ConfigError,
    EscalateError,
    EscalateWarning,
    FileReadError,
    HorizonError,
    InvalidArgumentError,
    InvalidCalendarError,
    InvalidDurationError,
    InvalidInstantError,
    InvalidRangeError,
    MissingExtraError,
    NaiveDatetimeError,
    NeverOpenError,
    NotFoundError,
    OutageError,
    PolicyError,
    Problem,
    TimelineError,
)
from escalate._evaluate import evaluate
from escalate._frame import BadRowsWarning, MissingColumnsWarning, evaluate_frame
from escalate._history import EventLog
from escalate._holidays import Holidays
from escalate._hours import Interval
from escalate._incident_plot import plot_incident
from escalate._ledger import ledger, ola
from escalate._lint import policy_warnings
from escalate._outages import Outage, OutageKind, Period
from escalate._plots import plot_compliance, plot_elapsed, plot_survival
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
    Status,
    Target,
    Tier,
    Trigger,
)
from escalate._results import (
    Escalation,
    EscalationReason,
    Evaluation,
    Notification,
    ScheduledTier,
    TargetResult,
    TargetStatus,
    TierRef,
    TierState,
)
from escalate._spark import evaluate_spark, spark_schema
from escalate._survival import SurvivalReport, survival
from escalate._timeline import Event, Timeline
from escalate._versions import PolicyVersion, PolicyVersions, load_versions

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
    "Comparison",
    "ConfigError",
    "Contact",
    "EscalateError",
    "EscalateWarning",
    "Escalation",
    "EscalationReason",
    "Evaluation",
    "Event",
    "EventLog",
    "FileReadError",
    "Goal",
    "Holidays",
    "HorizonError",
    "Interval",
    "InvalidArgumentError",
    "InvalidCalendarError",
    "InvalidDurationError",
    "InvalidInstantError",
    "InvalidRangeError",
    "Manual",
    "MissingColumnsWarning",
    "MissingExtraError",
    "NaiveDatetimeError",
    "NeverOpenError",
    "NotFoundError",
    "Notification",
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
    "PolicyVersion",
    "PolicyVersions",
    "Problem",
    "Route",
    "ScheduledTier",
    "Severity",
    "Status",
    "SurvivalReport",
    "Target",
    "TargetResult",
    "TargetStatus",
    "Tier",
    "TierRef",
    "TierState",
    "Timeline",
    "TimelineError",
    "Trigger",
    "__version__",
    "availability",
    "availability_frame",
    "compare",
    "compliance",
    "evaluate",
    "evaluate_frame",
    "evaluate_spark",
    "format_duration",
    "ledger",
    "load_policy",
    "load_versions",
    "ola",
    "paired_difference",
    "parse_business_days",
    "parse_duration",
    "plot_compliance",
    "plot_elapsed",
    "plot_incident",
    "plot_survival",
    "policy_schema",
    "policy_warnings",
    "spark_schema",
    "survival",
]
