"""Policies over time: versions with effective dates, and which one judges an incident.

A desk changes its agreement now and then (a new holiday list from March, a 3 h goal
instead of 4 h from July). :class:`PolicyVersions` keeps every version with the instant it
took effect, and each incident is judged by one whole version, chosen by a rule:

- ``"opened"`` (the default): the version in force when the incident opened. A later
  version never rewrites how an older incident is judged.
- ``"as_of"``: the version in force at the evaluation instant, for every incident
  ("today's rules for everything", e.g. to see last quarter under the new goals).

An incident that has not opened by ``as_of`` is judged, under either rule, by the version
in force at ``as_of``: what an evaluation says never depends on events after ``as_of``.

The evaluators take a :class:`PolicyVersions` wherever they take a :class:`Policy`; each
picks the version and hands the incident to the unchanged engine, so versions add no SLA
rule of their own.
"""

from __future__ import annotations

import copy
import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any, Final, Literal, TypeAlias, get_args
from zoneinfo import ZoneInfo

import attrs

from escalate._calendar import _instant
from escalate._checks import describe, excerpt, read_instant
from escalate._config import load_policy, policy_from
from escalate._config_files import read_source
from escalate._errors import (
    EscalateError,
    PolicyError,
    Problem,
    did_you_mean,
)
from escalate._plan import not_a_timeline
from escalate._policy import Policy

if TYPE_CHECKING:
    import os

    from escalate._timeline import Timeline

__all__ = ["PolicyVersion", "PolicyVersions", "VersionRule", "load_versions"]

#: How an incident's version is chosen: ``"opened"`` (in force when it opened) or
#: ``"as_of"`` (in force at the evaluation instant).
VersionRule: TypeAlias = Literal["opened", "as_of"]
_RULES: Final = get_args(VersionRule)
#: The ``policy_version`` value of the first version, which has no effective date.
INITIAL: Final = "initial"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@attrs.frozen(kw_only=True)
class PolicyVersion:
    """One version of a policy and the instant it took effect.

    Attributes:
        effective: When it took effect: an aware datetime, or a date (midnight in the
            zone of :attr:`policy`); ``None`` for the first version, in force before the
            second.
        policy: The whole policy of this version.
    """

    effective: date | datetime | None
    policy: Policy

    @property
    def name(self) -> str:
        """The version's name in results: its effective date or instant in ISO 8601."""
        return INITIAL if self.effective is None else self.effective.isoformat()


_PAIRS: Final = "pass [(None, policy), (date(2026, 7, 1), policy), ...], or load_versions(...)"


def _version(value: object, i: int, problems: list[Problem]) -> PolicyVersion | None:
    """A version, or a pair ``(effective, policy)`` made one; else a problem at its index."""
    if isinstance(value, PolicyVersion):
        return value
    if isinstance(value, tuple | list) and len(value) == 2:  # a pair
        effective, policy = value
        return PolicyVersion(effective=effective, policy=policy)
    problems.append(
        Problem(
            path=f"versions[{i}]",
            message="expected a PolicyVersion or a pair (effective, policy), "
            f"got {describe(value)}",
            hint=_PAIRS,
        )
    )
    return None


def _version_tuple(value: Any) -> tuple[PolicyVersion, ...]:
    if isinstance(value, Policy):
        raise PolicyError.single(
            "versions",
            "expected a list of versions, got one Policy",
            "one policy goes as [(None, policy)]; or pass the Policy itself to evaluate",
        )
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise PolicyError.single(
            "versions", f"expected a list of versions, got {describe(value)}", _PAIRS
        )
    problems: list[Problem] = []
    versions = [_version(v, i, problems) for i, v in enumerate(value)]
    if problems:
        raise PolicyError(problems)
    return tuple(v for v in versions if v is not None)


def _start_us(effective: date | datetime, zone: str, path: str) -> int:
    """The effective instant in microseconds; a date starts at midnight in ``zone``."""
    if not isinstance(effective, datetime):
        # a midnight in a spring gap moves forward by the gap (fold=0), as everywhere
        effective = datetime.combine(effective, time(), tzinfo=ZoneInfo(zone))
    return _instant(effective, path)


def _presence_problem(i: int, effective: object, path: str) -> Problem | None:
    """The first version has no effective date; every later one has a date or datetime."""
    if i == 0:
        if effective is None:
            return None
        return Problem(
            path=path,
            message="the first version has an effective date",
            hint="remove it: the first version is in force until the second, so that every "
            "incident has a version",
        )
    if isinstance(effective, date):
        return None
    got = "nothing" if effective is None else describe(effective)
    return Problem(
        path=path,
        message=f"expected a date or an aware datetime, got {got}",
        hint="every version after the first needs the date it took effect",
    )


def _not_later(path: str, effective: date) -> Problem:
    """The problem of a version whose effective date is not after the previous one's."""
    return Problem(
        path=path,
        message=f"{effective.isoformat()} is not after the previous version's effective date",
        hint="list versions oldest first, each on a later date",
    )


def _out_of_order(previous: date | None, effective: date) -> bool:
    """Whether ``effective`` is not after ``previous``, where the two compare without a zone.

    The loader says it with a file's other problems; :class:`PolicyVersions` checks every
    pair once the versions load (a date against an instant needs the policy's zone).
    """
    same_kind = isinstance(previous, datetime) == isinstance(effective, datetime)
    return previous is not None and same_kind and effective <= previous


def _rule_problem(rule: object) -> Problem:
    return Problem(
        path="rule",
        message=f"unknown version rule {excerpt(rule)}",
        hint=did_you_mean(str(rule), _RULES)
        or "use 'opened' (the version in force when the incident opened) or "
        "'as_of' (the version in force at the evaluation instant)",
    )


@attrs.frozen(kw_only=True)
class PolicyVersions:
    """A policy over time: versions in effective order, and the rule that picks one.

    Pass it wherever a :class:`Policy` goes (:func:`~escalate.evaluate`,
    :func:`~escalate.evaluate_frame`, the CLI); each incident is judged by one version.
    Load one with :func:`~escalate.load_versions`.

    Attributes:
        versions: The versions, oldest first: the first has no effective date (it is in
            force before the second), each later one an effective date or instant, in
            strictly increasing order. Pairs ``(effective, policy)`` are accepted.
        rule: ``"opened"`` (the default) judges an incident by the version in force when
            it opened; ``"as_of"`` by the version in force at the evaluation instant.

    Raises:
        PolicyError: no version, an effective date out of order, repeated or missing, a
            naive datetime, or an unknown rule; each problem has its key path
            (``versions[2].effective``).

    >>> from datetime import date, timedelta
    >>> from escalate import Policy, Severity
    >>> def goals(hours):
    ...     targets = {"response": timedelta(hours=hours), "resolution": timedelta(hours=8)}
    ...     return Policy(severities=[Severity(name="high", goals=targets)])
    >>> versions = PolicyVersions(versions=[(None, goals(4)), (date(2026, 7, 1), goals(3))])
    >>> versions.at("2026-06-30T23:59:00+00:00").name
    'initial'
    >>> versions.at("2026-07-01T00:00:00+00:00").policy.goal("response", "high").duration
    datetime.timedelta(seconds=10800)
    """

    versions: tuple[PolicyVersion, ...] = attrs.field(converter=_version_tuple)
    rule: VersionRule = "opened"
    _starts: tuple[int, ...] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        if self.rule not in _RULES:
            problems.append(_rule_problem(self.rule))
        if not self.versions:
            problems.append(
                Problem(path="versions", message="no version", hint="give at least one policy")
            )
        starts: list[int] = []
        for i, version in enumerate(self.versions):
            path = f"versions[{i}].effective"
            policy: object = version.policy  # attrs does not check types; say it here
            if not isinstance(policy, Policy):
                problems.append(
                    Problem(
                        path=f"versions[{i}].policy",
                        message=f"expected a Policy, got {describe(policy)}",
                    )
                )
                continue
            problem = _presence_problem(i, version.effective, path)
            if problem is not None:
                problems.append(problem)
            if i == 0 or problem is not None:
                continue
            assert isinstance(version.effective, date)  # noqa: S101 - checked just above
            try:
                start = _start_us(version.effective, policy.timezone, path)
            except EscalateError as error:
                problems.append(Problem(path=path, message=str(error)))
                continue
            if starts and start <= starts[-1]:
                problems.append(_not_later(path, version.effective))
            starts.append(start)
        if problems:
            raise PolicyError(problems)
        object.__setattr__(self, "_starts", tuple(starts))

    @property
    def latest(self) -> PolicyVersion:
        """The most recent version."""
        return self.versions[-1]

    @property
    def timezone(self) -> str:
        """The zone of the latest version's policy (see :attr:`Policy.timezone`)."""
        return self.latest.policy.timezone

    def at(self, instant: datetime | str, /) -> PolicyVersion:
        """Return the version in force at ``instant`` (aware, or ISO 8601 with an offset)."""
        return self.versions[self._index(read_instant(instant, "instant", policy=self)[1])]

    def select(self, timeline: Timeline, /, *, as_of: datetime | str) -> PolicyVersion:
        """Return the version that judges ``timeline`` as of ``as_of``, by :attr:`rule`."""
        now = read_instant(as_of, "as_of", policy=self)[1]
        return self.versions[self._choose(timeline, now)]

    def _choose(self, timeline: Timeline, now: int, /) -> int:
        """The index of the version for ``timeline`` as of ``now`` (microseconds)."""
        try:
            opened = timeline.instants[0][1]
        except AttributeError:  # no branch on the way for a timeline: an error path only
            raise not_a_timeline(timeline) from None
        return self._index(min(opened, now) if self.rule == "opened" else now)

    def _index(self, us: int) -> int:
        return bisect_right(self._starts, us)

    def _next_start(self, now: int) -> int | None:
        """The first effective instant after ``now`` (µs), or ``None``."""
        i = self._index(now)
        return self._starts[i] if i < len(self._starts) else None

    def _switches(self, opened: Any, now: int, start: int) -> Any:
        """Whether the version judging an incident opened at ``opened`` changes at ``start``.

        ``start`` is :meth:`_next_start` of ``now``; ``opened`` is µs, one or an array.
        Under the rule ``"as_of"`` always; under ``"opened"`` only before the opening,
        while the version is the one at ``as_of``, and when ``start`` comes first (at the
        opening itself the evaluation changes anyway).
        """
        if self.rule == "as_of":
            return True
        return (opened > now) & (start < opened)

    def to_dict(self) -> dict[str, Any]:
        """Return the config form; ``load_versions(v.to_dict()) == v``."""
        out: dict[str, Any] = {} if self.rule == "opened" else {"rule": self.rule}
        out["versions"] = [
            ({} if v.effective is None else {"effective": v.effective.isoformat()})
            | {"policy": v.policy.to_dict()}
            for v in self.versions
        ]
        return out


# -- the config form ------------------------------------------------------------------

_TOP_KEYS: Final = ("rule", "versions")
_VERSION_KEYS: Final = ("effective", "policy", "changes")


def policies_of(policy: Policy | PolicyVersions) -> tuple[Policy, ...]:
    """The policies behind ``policy``: itself, or every version's, oldest first."""
    if isinstance(policy, PolicyVersions):
        return tuple(v.policy for v in policy.versions)
    return (policy,)


def attribute_keys(*policies: Policy | PolicyVersions) -> set[str]:
    """The incident attributes that any version of ``policies`` reads.

    Its routes' keys, and ``plan`` where it has plans: what a reader of incidents must
    keep so that every version judges them as :func:`~escalate.evaluate` would.
    """
    keys: set[str] = set()
    for policy in (p for given in policies for p in policies_of(given)):
        keys |= {key for route in policy.routes for key in route.when}
        keys |= {"plan"} if policy.plans else set()
    return keys


def event_names(policy: Policy | PolicyVersions) -> set[str]:
    """The event names that any version of ``policy`` knows."""
    return {name for p in policies_of(policy) for name in p.event_names}


def _merge(base: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` with ``changes`` laid over it: tables merge key by key, the rest replaces."""
    out = dict(base)
    for key, value in changes.items():
        old = out.get(key)
        if isinstance(old, Mapping) and isinstance(value, Mapping):
            out[key] = _merge(old, value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _effective(value: object, path: str, problems: list[Problem]) -> date | datetime | None:
    if isinstance(value, str):
        text = value.strip()
        try:
            value = (
                date.fromisoformat(text) if _DATE.fullmatch(text) else datetime.fromisoformat(text)
            )
        except ValueError:
            problems.append(
                Problem(
                    path=path,
                    message=f"{excerpt(value)} is not an ISO 8601 date or date-time",
                    hint="write e.g. '2026-07-01', or '2026-07-01T08:00:00-05:00'",
                )
            )
            return None
    if isinstance(value, datetime) and value.utcoffset() is None:
        problems.append(
            Problem(
                path=path,
                message=f"{value.isoformat()} has no UTC offset",
                hint="add the offset (e.g. -05:00), or give a date: midnight in the policy's zone",
            )
        )
        return None
    if isinstance(value, date):
        return value
    problems.append(
        Problem(
            path=path,
            message=f"expected a date, got {describe(value)}",
            hint="write e.g. effective = '2026-07-01'",
        )
    )
    return None


def _unknown_keys(table: Mapping[str, Any], known: tuple[str, ...], path: str) -> list[Problem]:
    return [
        Problem(
            path=f"{path}.{key}" if path else str(key),
            message=f"unknown key {excerpt(key)}",
            hint=did_you_mean(str(key), known) or "known keys: " + ", ".join(known),
        )
        for key in table
        if key not in known
    ]


def _read_versions(mapping: Mapping[str, Any]) -> PolicyVersions:
    problems = _unknown_keys(mapping, _TOP_KEYS, "")
    rule = mapping.get("rule", "opened")
    if rule not in _RULES:
        problems.append(_rule_problem(rule))
        rule = "opened"
    items = mapping["versions"]
    if not isinstance(items, list) or not items:
        problems.append(
            Problem(
                path="versions",
                message=f"expected a non-empty list of versions, got {describe(items)}",
                hint="write [[versions]] tables, the first with a [versions.policy]",
            )
        )
        raise PolicyError(problems)
    versions: list[PolicyVersion] = []
    # the last version that loaded, in config form: a later version's changes are laid
    # over it, so that each broken version reports its own problems and no one else's
    config: dict[str, Any] | None = None
    previous: date | None = None  # the last effective date read, to say the order now
    for i, item in enumerate(items):
        path = f"versions[{i}]"
        if not isinstance(item, Mapping):
            problems.append(Problem(path=path, message=f"expected a table, got {describe(item)}"))
            continue
        problems += _unknown_keys(item, _VERSION_KEYS, path)
        effective = (
            _effective(item["effective"], f"{path}.effective", problems)
            if ("effective" in item)
            else None
        )
        # a date that does not parse is said above
        problem = _presence_problem(i, effective, f"{path}.effective")
        if problem is not None and ("effective" not in item or i == 0):
            problems.append(problem)
        if i > 0 and isinstance(effective, date):
            if _out_of_order(previous, effective):
                problems.append(_not_later(f"{path}.effective", effective))
            previous = effective
        forms = [key for key in ("policy", "changes") if key in item]
        if len(forms) != 1 or (forms == ["changes"] and i == 0):
            problems.append(
                Problem(
                    path=path,
                    message="a version needs either 'policy' or 'changes'"
                    if len(forms) != 1
                    else "the first version has 'changes' but nothing to change",
                    hint="give the first version a whole 'policy'; later ones a 'policy' "
                    "or 'changes' (tables laid over the previous version's)",
                )
            )
            continue
        form = forms[0]
        value = item[form]
        if not isinstance(value, Mapping):
            problems.append(
                Problem(path=f"{path}.{form}", message=f"expected a table, got {describe(value)}")
            )
            continue
        if form == "changes":
            if config is None:  # no version loaded yet to change: the first one says why
                continue
            value = _merge(config, value)
        try:
            policy = load_policy(value)
        except PolicyError as error:
            problems += error.with_prefix(f"{path}.{form}").problems
            continue
        config = dict(value)
        versions.append(PolicyVersion(effective=effective, policy=policy))
    if problems:
        raise PolicyError(problems)
    return PolicyVersions(versions=versions, rule=rule)


_EFFECTIVE_PATTERN: Final = (
    r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2}))?$"
)


def with_versions(schema: dict[str, Any]) -> dict[str, Any]:
    """The policy JSON Schema made to accept either one policy or policy versions."""
    top = ("$schema", "$id", "title", "$defs")
    policy = {key: value for key, value in schema.items() if key not in top}
    later = {
        "type": "object",
        "additionalProperties": False,
        "required": ["effective"],
        "oneOf": [{"required": ["policy"]}, {"required": ["changes"]}],
        "properties": {
            "effective": {
                "type": "string",
                "pattern": _EFFECTIVE_PATTERN,
                "description": "A date (midnight in the policy's zone) or an instant "
                "with its UTC offset.",
            },
            "policy": {"$ref": "#/$defs/policy"},
            "changes": {
                "type": "object",
                "description": "Tables laid over the previous version's config, key by key.",
            },
        },
    }
    first = {
        "type": "object",
        "additionalProperties": False,
        "required": ["policy"],
        "properties": {"policy": {"$ref": "#/$defs/policy"}},
    }
    versions = {
        "type": "object",
        "additionalProperties": False,
        "required": ["versions"],
        "properties": {
            "rule": {"enum": list(_RULES), "description": "Which version judges an incident."},
            "versions": {
                "type": "array",
                "minItems": 1,
                "prefixItems": [first],
                "items": later,
            },
        },
    }
    out = {key: schema[key] for key in top[:3]}
    out["type"] = "object"
    out["oneOf"] = [{"$ref": "#/$defs/policy"}, {"$ref": "#/$defs/versions"}]
    out["$defs"] = {**schema["$defs"], "policy": policy, "versions": versions}
    return out


def load_any(source: str | os.PathLike[str] | Mapping[str, Any], /) -> Policy | PolicyVersions:
    """A policy file as written: a :class:`Policy`, or :class:`PolicyVersions` with ``versions``."""
    mapping = read_source(source)
    if isinstance(mapping, Mapping) and "versions" in mapping:
        return _read_versions(mapping)
    return policy_from(mapping)  # the content, never a path to read again


def load_versions(source: str | os.PathLike[str] | Mapping[str, Any], /) -> PolicyVersions:
    """Load policy versions from a file (``.toml``, ``.json``, ``.yaml``) or a mapping.

    The config form is a top-level ``versions`` list, oldest first: the first version is
    a whole ``policy``; each later one has an ``effective`` date (midnight in the policy's
    zone) or instant, and either a whole ``policy`` or ``changes``, tables laid over the
    previous version's config key by key. An optional ``rule`` is ``"opened"`` (the
    default) or ``"as_of"``. A plain policy file loads as a single version.

    Raises:
        PolicyError: every problem at once, each with its key path
            (``versions[1].changes.severities.high.response``).
        FileReadError: when the file cannot be read (missing, a folder); also an OSError.

    >>> versions = load_versions(
    ...     {
    ...         "versions": [
    ...             {"policy": {"severities": {"high": {"response": "4h", "resolution": "8h"}}}},
    ...             {
    ...                 "effective": "2026-07-01",
    ...                 "changes": {"severities": {"high": {"response": "3h"}}},
    ...             },
    ...         ]
    ...     }
    ... )
    >>> [v.name for v in versions.versions]
    ['initial', '2026-07-01']
    """
    loaded = load_any(source)
    if isinstance(loaded, Policy):
        return PolicyVersions(versions=[(None, loaded)])
    return loaded
