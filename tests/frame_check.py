"""Compare one row of ``evaluate_frame`` with ``evaluate`` of the same incident, field by field."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from escalate import Evaluation, Policy


def same_instant(value, expected: datetime | None) -> bool:
    """Whether a frame cell holds the instant (or NA for None)."""
    if expected is None:
        return bool(pd.isna(value))
    # in UTC: an inter-zone == is False for a time in a repeated hour (PEP 495)
    return not pd.isna(value) and value.to_pydatetime() == expected.astimezone(UTC)


def _na(value):
    return None if pd.isna(value) else value


def check_row(policy: Policy, got: pd.Series, ev: Evaluation) -> None:
    """Assert that a result row says exactly what ``ev`` says."""
    assert pd.isna(got["error"]), got["error"]
    assert _na(got["severity"]) == ev.severity
    assert _na(got["route"]) == ev.route
    assert _na(got["tier_level"]) == (None if ev.tier is None else ev.tier.level)
    assert _na(got["tier_name"]) == (None if ev.tier is None else ev.tier.name)
    assert same_instant(got["tier_at"], ev.escalations[-1].at if ev.escalations else None)
    if ev.next_tier is None:
        assert pd.isna(got["next_tier_level"])
    else:
        assert got["next_tier_level"] == ev.next_tier[0].level
        assert same_instant(got["next_tier_at"], ev.next_tier[1])
    assert same_instant(got["next_change_at"], ev.next_change_at), (
        got["next_change_at"],
        ev.next_change_at,
    )
    fired = {e.level: e.at for e in ev.escalations}
    levels = {t.level for t in policy.tiers} | {t.level for r in policy.routes for t in r.tiers}
    for level in levels:
        assert same_instant(got[f"tier_{level}_at"], fired.get(level)), level
    results = {t.name: t for t in ev.targets}
    for target in policy.targets:
        p = target.name
        result = results.get(p)
        if result is None:
            assert pd.isna(got[f"{p}_status"]), p
            continue
        assert got[f"{p}_status"] == result.status.value, p
        assert got[f"{p}_goal"] == result.goal
        assert got[f"{p}_elapsed"] == result.elapsed, p
        assert got[f"{p}_remaining"] == result.remaining
        assert same_instant(got[f"{p}_due_at"], result.due_at), (
            p,
            got[f"{p}_due_at"],
            result.due_at,
        )
        assert same_instant(got[f"{p}_warning_at"], result.warning_at), p
        assert same_instant(got[f"{p}_breached_at"], result.breached_at), p
        assert same_instant(got[f"{p}_stopped_at"], result.stopped_at), p
        assert bool(got[f"{p}_at_risk"]) == result.at_risk, p
        met = got[f"{p}_met"]
        if result.status.value == "met":
            assert met is True or met == True  # noqa: E712 - numpy and pandas booleans
        elif result.status.value == "breached":
            assert met == False  # noqa: E712
        else:
            assert pd.isna(met)
