"""The output of :func:`escalate.evaluate_frame`: the engine's results as columns."""

from __future__ import annotations

import importlib
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from escalate._calendar import _instant
from escalate._columns import NAT
from escalate._engine import FIRED, MANUAL_FIRED
from escalate._errors import warn
from escalate._index import td_us
from escalate._lower import _CODE, _STATUSES, BadRowsWarning, _Lowered, _modules
from escalate._results import TargetStatus

if TYPE_CHECKING:
    from escalate._plan import Compiled
    from escalate._policy import Policy
    from escalate._table import Events, Results


def _fired(outcome: Any, instant: Any, now: int) -> Any:
    """Where a tier fired by ``now``, by itself or by a manual escalation."""
    return ((outcome == FIRED) | (outcome == MANUAL_FIRED)) & (instant <= now)


class _Collect:
    """The output arrays, filled from the engine's results and from evaluate()."""

    def __init__(self, np: Any, plan: Compiled, n: int, now: int) -> None:
        self.plan = plan
        self.n = n
        self._now = now
        self._sev_names = list(plan.policy.severity_names)
        self.severity = np.full(n, -1, dtype=np.int16)  # into the policy's severity names
        self.targets = {
            tp.name: {
                "status": np.full(n, -1, dtype=np.int8),
                **{
                    k: np.full(n, NAT, dtype=np.int64)
                    for k in ("goal", "elapsed", "due", "warning", "stopped")
                },
                "at_risk": np.zeros(n, dtype=bool),
            }
            for tp in plan.targets
        }
        self.fired: dict[int, Any] = {}  # tier level -> instants (µs)
        self.tier = np.full(n, -1, dtype=np.int16)  # the position of the tier in force
        self.tier_at = np.full(n, NAT, dtype=np.int64)
        self.next_pos = np.full(n, -1, dtype=np.int16)
        self.next_at = np.full(n, NAT, dtype=np.int64)
        self.next_change = np.full(n, NAT, dtype=np.int64)
        self.route = np.full(n, -2, dtype=np.int16)

    def release(self, name: str) -> Any:
        """Hand over one of the arrays (``tier_at``, ``next_at``...) and let go of it."""
        array = getattr(self, name)
        setattr(self, name, None)
        return array

    def take(self, out: Results, rows: Any, ev: Events) -> None:
        np, _pd = _modules()
        names = self._sev_names
        lut = np.array([*(names.index(s) if s in names else -1 for s in ev.severities), -1])
        self.severity[rows] = lut[out.severity]
        for name, figures in out.targets.items():
            mine = self.targets[name]
            for key in ("status", "goal", "elapsed", "due", "warning", "stopped", "at_risk"):
                mine[key][rows] = figures[key]
        self.route[rows] = ev.route
        now_next = out.next_change
        self.next_change[rows] = now_next
        policy = self.plan.policy
        for r_code, (incs, results) in out.tiers.items():
            route = policy.routes[r_code] if r_code >= 0 else None
            tiers = policy.tiers if route is None else route.tiers
            target_rows = rows[incs]
            current = np.full(incs.size, -1, dtype=np.int64)
            current_at = np.full(incs.size, NAT, dtype=np.int64)
            next_pos = np.full(incs.size, -1, dtype=np.int64)
            next_at = np.full(incs.size, NAT, dtype=np.int64)
            for k, (tier, (outcome, instant)) in enumerate(zip(tiers, results, strict=True)):
                fired = _fired(outcome, instant, self._now)
                column = self.fired.get(tier.level)
                if column is None:  # one full-size column per level, made once
                    column = self.fired[tier.level] = _nat_array(self.n)
                column[target_rows[fired]] = instant[fired]
                current = np.where(fired, k, current)
                current_at = np.where(fired, instant, current_at)
                upcoming = (next_pos < 0) & (
                    ((outcome == FIRED) & (instant > self._now)) | (outcome < 0)
                )
                next_pos = np.where(upcoming, k, next_pos)
                next_at = np.where(upcoming & (outcome == FIRED), instant, next_at)
            self.tier[target_rows] = current
            self.tier_at[target_rows] = current_at
            self.next_pos[target_rows] = next_pos
            self.next_at[target_rows] = next_at
            self._notify(tiers, results, target_rows)

    def _notify(self, tiers: Any, results: list[tuple[Any, Any]], rows: Any) -> None:
        """Bring next_change_at forward to contacts still to be told (their own hours)."""
        np, _pd = _modules()
        policy = self.plan.policy
        for tier, (outcome, instant) in zip(tiers, results, strict=True):
            fired = _fired(outcome, instant, self._now)
            if not fired.any():
                continue
            for contact in tier.contacts:
                if contact.clock is None:
                    continue
                clock = policy.calendar(contact.clock)
                when = instant[fired]
                notify = clock.next_open_many((when * 1000).view("M8[ns]")).view("i8") // 1000
                later = notify > self._now
                where = rows[fired][later]
                old = self.next_change[where]
                self.next_change[where] = np.where(
                    (old == NAT) | (notify[later] < old), notify[later], old
                )

    def take_unopened(self, ev: Events, incs: Any, rows: Any) -> None:
        """Take the incidents opened after ``now``, as :func:`escalate.evaluate` says of them.

        Every target with a goal is pending, no tier has fired, the next change is the
        opening.
        """
        np, _pd = _modules()
        if not incs.size:
            return
        first = np.searchsorted(ev.inc, incs)  # each incident's opening row
        severity = ev.severity[first]
        policy = self.plan.policy
        for code in np.unique(severity).tolist():
            for plan in {ev.plan[k] for k in incs[severity == code].tolist()}:
                mine = incs[
                    (severity == code) & np.array([ev.plan[k] == plan for k in incs.tolist()])
                ]
                out = rows[mine]
                name = ev.severities[code]
                self.severity[out] = self._sev_names.index(name)
                specs = self.plan.goals(name, plan if self.plan.plans else None)
                for tp, spec in zip(self.plan.targets, specs, strict=True):
                    if spec is None:
                        continue
                    figures = self.targets[tp.name]
                    figures["status"][out] = 0
                    figures["goal"][out] = spec.us
                    figures["elapsed"][out] = 0
        self.route[rows[incs]] = ev.route[incs]
        self.next_pos[rows[incs]] = np.where(
            np.array(
                [len(policy.tiers if r < 0 else policy.routes[r].tiers) for r in ev.route[incs]]
            )
            > 0,
            0,
            -1,
        )
        self.next_change[rows[incs]] = ev.t[first]

    def take_scalar(self, row: int, ev: Any) -> None:
        names = self._sev_names
        self.severity[row] = names.index(ev.severity) if ev.severity in names else -1
        for result in ev.targets:
            mine = self.targets[result.name]
            mine["status"][row] = _CODE[result.status]
            mine["goal"][row] = td_us(result.goal)
            mine["elapsed"][row] = td_us(result.elapsed)
            mine["due"][row] = _at(result.due_at)
            mine["warning"][row] = _at(result.warning_at)
            mine["stopped"][row] = _at(result.stopped_at)
            mine["at_risk"][row] = result.at_risk
        policy = self.plan.policy
        names = [r.name for r in policy.routes]
        self.route[row] = -1 if ev.route is None else names.index(ev.route)
        levels = [entry.tier.level for entry in ev.schedule]
        for e in ev.escalations:
            if e.level not in self.fired:
                self.fired[e.level] = _nat_array(self.n)
            self.fired[e.level][row] = _at(e.at)
        if ev.tier is not None:
            self.tier[row] = levels.index(ev.tier.level)
            self.tier_at[row] = _at(ev.escalations[-1].at)
        if ev.next_tier is not None:
            self.next_pos[row] = levels.index(ev.next_tier[0].level)
            self.next_at[row] = _at(ev.next_tier[1])
        self.next_change[row] = _at(ev.next_change_at)


def _nat_array(n: int) -> Any:
    np, _pd = _modules()
    return np.full(n, NAT, dtype=np.int64)


def _at(value: datetime | None) -> int:
    return NAT if value is None else _instant(value, "at")


_TARGET_COLUMNS: Final = (
    ("status", "string"),
    ("goal", "interval"),
    ("elapsed", "interval"),
    ("remaining", "interval"),
    ("due_at", "timestamp"),
    ("warning_at", "timestamp"),
    ("breached_at", "timestamp"),
    ("stopped_at", "timestamp"),
    ("met", "boolean"),
    ("at_risk", "boolean"),
)


def _levels(policy: Policy) -> list[int]:
    return sorted(
        {t.level for t in policy.tiers} | {t.level for r in policy.routes for t in r.tiers}
    )


def output_columns(policy: Policy) -> list[tuple[str, str]]:
    """The columns :func:`evaluate_frame` adds, in order, with their kind.

    Kinds: ``string``, ``long``, ``timestamp`` (UTC), ``interval`` and ``boolean``. The
    Spark schema reads this list, and the output is built in its order.
    """
    out = [
        ("severity", "string"),
        ("plan", "string"),
        ("route", "string"),
        ("tier_level", "long"),
        ("tier_name", "string"),
        ("tier_at", "timestamp"),
        ("next_tier_level", "long"),
        ("next_tier_name", "string"),
        ("next_tier_at", "timestamp"),
        ("next_change_at", "timestamp"),
        ("error", "string"),
    ]
    for target in policy.targets:
        out.extend((f"{target.name}_{suffix}", kind) for suffix, kind in _TARGET_COLUMNS)
    out.extend((f"tier_{level}_at", "timestamp") for level in _levels(policy))
    return out


def _output(  # noqa: PLR0917
    np: Any,
    pd: Any,
    policy: Policy,
    plan: Compiled,
    base: Any,
    low: _Lowered,
    res: _Collect,
    *,
    is_log: bool,
    categorical: bool,
) -> Any:
    """Build the output frame from ``res``, which it consumes.

    Each column is built from ``res``'s array of it in place where it can (the rows in
    error masked, microseconds turned into nanoseconds), and ``res`` lets go of each
    array as soon as its column is built: no full-size temporaries beyond a mask, and
    no copy of the whole frame when it is assembled.
    """
    n = low.n
    bad_rows = np.flatnonzero(low.error_code >= 0)
    route = res.route
    route[bad_rows] = -2
    tier_names: list[str] = []
    tier_levels: list[int] = []
    offsets = [-1]  # where each route's tiers start among tier_names (-2: a row in error)
    for r in range(-1, len(policy.routes)):
        tiers = policy.tiers if r < 0 else policy.routes[r].tiers
        offsets.append(len(tier_names))
        tier_names.extend(t.name for t in tiers)
        tier_levels.extend(t.level for t in tiers)
    offset = np.array(offsets, dtype=np.int64)[route + 2]
    tier_code = _tier_codes(res.tier, offset, route)
    next_code = _tier_codes(res.next_pos, offset, route)
    del offset
    np.maximum(route, -1, out=route)  # a row in error has no route
    levels = np.array([*tier_levels, 0], dtype=np.int64)
    plan_names = sorted({p for p in low.plan if p is not None})
    if plan_names:
        lookup = {p: k for k, p in enumerate(plan_names)}
        plan_codes = np.array([lookup.get(p, -1) for p in low.plan], dtype=np.int64)  # type: ignore[arg-type]
    else:
        plan_codes = np.full(n, -1, dtype=np.int64)
    sev_codes = res.severity
    sev_codes[bad_rows] = -1
    error_codes = np.full(n, -1, dtype=np.int64)
    error_values: list[str] = []
    if bad_rows.size:  # the messages in order of first appearance
        codes, order = pd.factorize(low.error_code[bad_rows])
        error_codes[bad_rows] = codes
        error_values = [low.messages[c] for c in order.tolist()]

    def _strings(codes: Any, names: list[str]) -> Any:
        return _text(pd, np, codes, names, categorical=categorical)

    def _instants(us: Any) -> Any:
        us[bad_rows] = NAT
        return _times(pd, np, us)

    new: dict[str, Any] = {
        "severity": _strings(sev_codes, list(policy.severity_names)),
        "plan": _strings(plan_codes, plan_names),
        "route": _strings(route, [r.name for r in policy.routes]),
        "tier_level": pd.arrays.IntegerArray(levels[tier_code], tier_code < 0),
        "tier_name": _strings(tier_code, tier_names),
        "tier_at": _instants(res.release("tier_at")),
        "next_tier_level": pd.arrays.IntegerArray(levels[next_code], next_code < 0),
        "next_tier_name": _strings(next_code, tier_names),
        "next_tier_at": _instants(res.release("next_at")),
        "next_change_at": _instants(res.release("next_change")),
        "error": _strings(error_codes, error_values),
    }
    del plan_codes, tier_code, next_code, error_codes, sev_codes, route
    for name in ("severity", "route", "tier", "next_pos"):  # their columns are built
        res.release(name)
    for tp in plan.targets:
        figures = res.targets.pop(tp.name)
        status = figures.pop("status")
        status[bad_rows] = -1
        na = np.flatnonzero(status < 0)
        p = tp.name
        goal, elapsed = figures.pop("goal"), figures.pop("elapsed")
        remaining = goal - elapsed
        breached = status == _CODE[TargetStatus.BREACHED]
        met = status == _CODE[TargetStatus.MET]
        due = figures.pop("due")
        breached_at = np.where(breached & (due != NAT), due + 1, NAT)
        at_risk = figures.pop("at_risk")
        at_risk[na] = False
        for us in (goal, elapsed, remaining, due, figures["warning"], figures["stopped"]):
            us[na] = NAT
        new[f"{p}_status"] = _strings(status, list(_STATUSES))
        new[f"{p}_goal"] = _deltas(goal)
        new[f"{p}_elapsed"] = _deltas(elapsed)
        new[f"{p}_remaining"] = _deltas(remaining)
        new[f"{p}_due_at"] = _times(pd, np, due)
        new[f"{p}_warning_at"] = _times(pd, np, figures.pop("warning"))
        new[f"{p}_breached_at"] = _times(pd, np, breached_at)
        new[f"{p}_stopped_at"] = _times(pd, np, figures.pop("stopped"))
        new[f"{p}_met"] = pd.arrays.BooleanArray(met, ~(met | breached))
        na_mask = np.zeros(n, dtype=bool)
        na_mask[na] = True
        new[f"{p}_at_risk"] = pd.arrays.BooleanArray(at_risk, na_mask)
        del status, goal, elapsed, remaining, due, breached_at, at_risk
    for level in _levels(policy):
        fired = res.fired.pop(level, None)
        new[f"tier_{level}_at"] = _instants(_nat_array(n) if fired is None else fired)
    added = pd.DataFrame(
        {name: new.pop(name) for name, _kind in output_columns(policy)},
        index=base.index,
        copy=False,  # the arrays are this call's own: no copy, no consolidation
    )
    replaced = [c for c in base.columns if c in added.columns]
    said = [str(c) for c in replaced if c not in _READ_AND_WRITTEN]
    if said:
        names = ", ".join(map(repr, said[:4]))
        names += f" and {len(said) - 4} more" if len(said) > 4 else ""
        if len(said) > 1:
            what = f"columns {names} have the names of result columns: the results replace them"
            mend = "rename them to keep them"
        else:
            what = f"column {names} has the name of a result column: the result replaces it"
            mend = "rename it to keep it"
        warn(f"the table's {what}; {mend} (or is this a table of results given back in?)")
    kept = base.drop(columns=replaced)
    out = pd.concat([kept, added], axis=1)
    if bad_rows.size:
        what = "incidents" if is_log else "incident rows"
        warn(
            f"{bad_rows.size} of {n} {what} could not be evaluated and have NA figures; "
            f"their 'error' column says why (first: {low.error(int(bad_rows[0]))})",
            BadRowsWarning,
        )
    return out


_READ_AND_WRITTEN = frozenset({"severity", "plan"})
"""Input columns the results write again, by design: the severity and plan in force."""


def _tier_codes(position: Any, offset: Any, route: Any) -> Any:
    """Codes into all routes' tier names: the route's offset plus the tier's position."""
    code = position + offset
    code[(position < 0) | (route < -1)] = -1
    return code


def _text(pd: Any, np: Any, codes: Any, names: list[str], *, categorical: bool) -> Any:
    """Build a text column from codes into ``names`` (-1: NA).

    A pandas ``string`` array (fast with pyarrow), or with ``categorical`` a ``category``
    one (``names`` may repeat: a tier name shared by routes is one category).
    """
    if categorical:
        distinct = list(dict.fromkeys(names))
        where = np.array([*(distinct.index(x) for x in names), -1], dtype=np.int64)
        return pd.Categorical.from_codes(where[codes], categories=pd.Index(distinct, dtype=object))
    dtype = pd.StringDtype()
    if dtype.storage == "pyarrow":
        pa = importlib.import_module("pyarrow")  # pandas uses it, so it is installed

        codes = np.asarray(codes, dtype=np.int32)
        decoded = pa.DictionaryArray.from_arrays(
            # large_string: the type pandas keeps, so it need not cast the column
            pa.array(codes, mask=codes < 0),
            pa.array(names, type=pa.large_string()),
        ).dictionary_decode()
        return pd.arrays.ArrowStringArray(decoded)
    return pd.array(np.array([*names, None], dtype=object)[codes], dtype=dtype)  # pragma: no cover


def _ns(np: Any, us: Any) -> Any:
    """Microseconds to nanoseconds, in place (``NAT`` stays ``NAT``)."""
    np.multiply(us, 1000, out=us, where=us != NAT)
    return us


def _deltas(us: Any) -> Any:
    """A duration column from microseconds (``NAT``: NA); takes ``us`` over."""
    np, _pd = _modules()
    return _ns(np, us).view("m8[ns]")


def _times(pd: Any, np: Any, us: Any) -> Any:
    """A UTC timestamp column from microseconds (``NAT``: NA); takes ``us`` over."""
    return pd.array(_ns(np, us).view("M8[ns]"), copy=False).tz_localize("UTC")
