"""An event log lowered to the engine's events, and what its results need besides."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from escalate._checks import read_instant
from escalate._columns import attribute_codes
from escalate._errors import (
    did_you_mean,
)
from escalate._history_build import CLEARED
from escalate._lower import _factor, _Lowered, _mask, _modules, _plan_problems, _routes, _select
from escalate._plan import Compiled, compiled
from escalate._table import Events, Results, run

if TYPE_CHECKING:
    from escalate._history import EventLog
    from escalate._policy import Policy


def _log(policy: Policy, log: EventLog, plan: Compiled, *, source: bool = True) -> _Lowered:
    """Lower an event log; incidents with events the policy does not know get an error.

    ``source=False`` leaves out each event's row in the log (the engine does not read it).
    """
    np, pd = _modules()
    frame = log.frame
    inc, uniq = pd.factorize(frame["id"])
    inc = np.asarray(inc, dtype=np.int64)
    n = len(uniq)
    low = _Lowered(n)
    low.ids = uniq  # type: ignore[attr-defined]
    t = frame["at"].to_numpy("M8[ns]").view("i8") // 1000
    kind, kinds = _factor(frame["type"])
    status, statuses = _factor(frame["status"])
    severity, severities = _factor(frame["severity"])
    first = np.r_[True, inc[1:] != inc[:-1]]
    low.first = np.flatnonzero(first)[: inc.size]  # type: ignore[attr-defined]
    low.fail(
        _mask(n, inc[first & (severity < 0)]),
        "no severity at the opening: give the opening event its severity",
    )
    for code, name in enumerate(kinds):
        if name not in plan.known:
            bad = np.unique(inc[kind == code])
            hint = (
                did_you_mean(name, plan.known)
                or "custom events must be a start or stop event of a policy target"
            )
            low.fail(_mask(n, bad), f"unknown event type {name!r}: {hint}")
    for code, name in enumerate(statuses):
        if name not in plan.meaning:
            bad = np.unique(inc[status == code])
            hint = did_you_mean(name, list(plan.meaning)) or (
                f"declare what it means in the policy's [statuses], e.g. {name!r} = 'open'"
            )
            low.fail(_mask(n, bad), f"unknown status {name!r}: {hint}")
    for code, name in enumerate(severities):
        if name not in plan.severities:
            bad = np.unique(inc[severity == code])
            hint = did_you_mean(
                name, plan.severities
            ) or "the policy's severities are " + ", ".join(map(repr, policy.severity_names))
            low.fail(_mask(n, bad), f"unknown severity {name!r}: {hint}")
    attributes: dict[str, tuple[Any, list[str]]] = {}
    for key in {*(k for r in policy.routes for k in r.when), "plan"}:
        if key in frame.columns:
            # the log's reader has read what is missing (its own missing=): values as given
            codes, values = attribute_codes(frame[key].to_numpy(dtype=object)[first], ())
            attributes[key] = (codes, values)
    if "plan" in attributes:
        codes, values = attributes.pop("plan")
        _plan_problems(low, policy, codes, values)
        low.plan = [values[c] if c >= 0 else None for c in codes.tolist()]
    low.route = _routes(policy, attributes, n)
    low.events = Events(  # filtered to the good incidents by the caller
        inc=inc, t=t, kind=kind, status=status, severity=severity, kinds=kinds,
        statuses=statuses, severities=severities, plan=low.plan, route=low.route, n=n,
        source=np.arange(len(frame)) if source else None,
    )  # fmt: skip
    low.rows = np.arange(n)
    return low


# -- evaluate_frame -----------------------------------------------------------------------


#: The error of an incident none of whose rows a reader could read.
LOST = (
    "none of this incident's rows could be read; the log's issues (EventLog.issues) "
    "say why for each row"
)


def _add_lost(np: Any, pd: Any, low: _Lowered, base: Any, lost: tuple[Any, ...]) -> Any:
    """Give each incident the reader lost a row of its own, with an error, after the rest."""
    k = len(lost)
    low.add_rows(k, LOST)
    low.plan.extend([None] * k)
    low.route = np.concatenate([low.route, np.full(k, -1, dtype=np.int64)])
    opened = pd.Series(pd.NaT, index=range(len(base), low.n), dtype=base["opened"].dtype)
    extra = pd.DataFrame({"id": list(lost), "opened": opened}, index=opened.index)
    return pd.concat([base, extra])


def _attributes_at(log: EventLog, now_us: int) -> dict[str, Any]:
    """Each attribute of a log as in force at ``now`` (its last value by then), per incident.

    An incident opened after ``now`` has the values of its opening.
    """
    frame = log.frame
    if not log.attributes:
        return {}
    at_us = frame["at"].to_numpy("M8[ns]").view("i8") // 1000
    # an incident's rows are together, its opening first: the opening always counts
    seen = (at_us <= now_us) | ~frame["id"].duplicated().to_numpy()
    by_then = frame.loc[seen, ["id", *log.attributes]]
    # empty values are "not set by this event" (last() skips them); CLEARED is set to none
    last = by_then.groupby("id", sort=False, observed=True).last()
    out = {}
    for name in log.attributes:
        values = last[name].to_numpy(dtype=object)
        values[values == CLEARED] = None
        out[name] = values
    return out


def _openings(log: EventLog, plan: Compiled, first: Any) -> Any:
    """Each incident's opening instant (its ``first`` row), in the escalation clock's zone.

    An array of that dtype: no conversion through Python objects.
    """
    return log.frame["at"].iloc[first].dt.tz_convert(plan.escalation_zone).array


class LogRun:
    """An event log through the engine, block by block, for analyses that need more.

    Attributes:
        ids: the log's incident ids, in order.
        ok: per incident, whether it can be evaluated (:meth:`error` says why not).
        statuses: the engine's status vocabulary (``Events.statuses``).

    :meth:`blocks` runs the engine over at most ``size`` incidents at a time, as
    :func:`~escalate.evaluate_frame` does, so that its working memory stays bounded.
    """

    def __init__(
        self, log: EventLog, policy: Policy, as_of: datetime | str, *, only: int | None = None
    ) -> None:
        self._now = read_instant(as_of, "as_of", policy=policy)[1]
        self._plan = compiled(policy)
        self._only = only
        self._low = low = _log(policy, log, self._plan)
        self.ids: Any = low.ids  # type: ignore[attr-defined]
        self.ok = low.ok()
        assert low.events is not None  # noqa: S101 - a log always lowers to events
        self.statuses = low.events.statuses

    def error(self, k: int) -> str | None:
        """Why incident ``k`` (an index into ``ids``) could not be evaluated, or ``None``."""
        return self._low.error(k)

    def blocks(self, size: int) -> Iterator[tuple[Events, Any, Results]]:
        """The engine over blocks of at most ``size`` incidents: ``(events, kept, results)``.

        ``events``: the block's events (``source``: their rows in ``log.frame``); ``kept``:
        the incidents the engine evaluated (indices into ``ids``: the others have an error
        or were not open yet); ``results``: the engine's (with segments and measured
        targets; with ``only``, of that target alone, by index, and without tiers).
        """
        for events, rows in self._low.blocks(size):
            sub, kept = _select(events, self.ok[rows], self._now)
            yield sub, rows[kept], run(self._plan, sub, self._now, only=self._only)
