"""compare(): per-incident differences, paired compliance, Newcombe's interval and the CLI."""

from __future__ import annotations

import math
import warnings
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import escalate
from escalate import (
    Comparison,
    ConfigError,
    EventLog,
    PolicyVersions,
    compare,
    compliance,
    evaluate,
    evaluate_frame,
    load_policy,
    paired_difference,
)
from escalate._compare import _differs, compare_results
from tests.frame_check import same_instant
from tests.test_frame import tables, timeline_of

# the sample leaves some of seed 003's custom events out on purpose
pytestmark = pytest.mark.filterwarnings(
    "ignore::escalate.MissingColumnsWarning", "ignore::escalate.BadRowsWarning"
)

ROOT = Path(__file__).parent.parent
SAAS_PATH = ROOT / "examples" / "policies" / "seed_003_saas.toml"
SAAS = load_policy(SAAS_PATH)
SAMPLE = ROOT / "src" / "escalate" / "_data" / "sample_incidents.csv"
BOGOTA = ZoneInfo("America/Bogota")
AS_OF = datetime(2026, 12, 1, tzinfo=BOGOTA)


def tighter(policy: escalate.Policy) -> escalate.Policy:
    """The seed 003 policy with a 1 h response for alta and 16 h resolution for normal."""
    data = policy.to_dict()
    data["severities"]["alta"]["response"] = "1h"
    data["severities"]["normal"]["resolution"] = "16h"
    return load_policy(data)


NEW = tighter(SAAS)


def sample() -> pd.DataFrame:
    """The 200 fictitious incidents that ship with escalate, as read_csv gives them."""
    return pd.read_csv(SAMPLE)


# -- Newcombe's interval for paired proportions ---------------------------------------------


def wilson_by_roots(successes: int, n: int, z: float) -> tuple[float, float]:
    """Wilson's score interval as the two roots of (p - x/n)^2 = z^2 p (1 - p) / n."""
    phat = successes / n
    a = 1 + z * z / n
    b = -(2 * phat + z * z / n)
    c = phat * phat
    root = math.sqrt(max(b * b - 4 * a * c, 0.0))
    return (-b - root) / (2 * a), (-b + root) / (2 * a)


def newcombe_reference(
    e: int, f: int, g: int, h: int, z: float = 1.959963984540054
) -> tuple[float, float, float]:
    """Newcombe (1998) method 10, written out from the paper's notation (e, f, g, h)."""
    n = e + f + g + h
    p1, p2 = (e + f) / n, (e + g) / n
    l1, u1 = wilson_by_roots(e + f, n, z)
    l2, u2 = wilson_by_roots(e + g, n, z)
    margins = [e + f, g + h, e + g, f + h]
    a = e * h - f * g
    if 0 in margins:
        phi = 0.0
    else:
        denominator = math.sqrt(math.prod(float(m) for m in margins))
        phi = (a - n / 2) / denominator if a > n / 2 else (a / denominator if a < 0 else 0.0)
    delta = math.sqrt((p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2)
    epsilon = math.sqrt((u1 - p1) ** 2 - 2 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2)
    return p1 - p2, p1 - p2 - delta, p1 - p2 + epsilon


def test_paired_interval_matches_the_published_example():
    """Cavo et al. (2012), in Fagerland, Lydersen and Laake: -0.0621 (-0.1186 to -0.0046)."""
    d, low, high = paired_difference(59, 6, 16, 80)
    assert (round(d, 4), round(low, 4), round(high, 4)) == (-0.0621, -0.1186, -0.0046)


@given(st.lists(st.integers(0, 400), min_size=4, max_size=4).filter(lambda c: sum(c) > 0))
def test_paired_interval_matches_an_independent_implementation(counts: list[int]):
    """The interval equals Newcombe's formulas written independently, and holds the estimate."""
    got = paired_difference(*counts)
    expected = newcombe_reference(*counts)
    assert got == pytest.approx(expected, abs=1e-9)
    assert -1.0 <= got[1] <= got[0] <= got[2] <= 1.0


def test_paired_interval_of_no_pairs_is_nan_and_bad_input_is_refused():
    """No pairs: NaN figures; negative counts and a confidence outside (0, 1) are errors."""
    assert all(math.isnan(x) for x in paired_difference(0, 0, 0, 0))
    with pytest.raises(ValueError, match="must not be negative"):
        paired_difference(1, -1, 0, 0)
    with pytest.raises(ConfigError, match="between 0 and 1"):
        paired_difference(1, 1, 1, 1, confidence=1.5)


def test_paired_interval_narrows_as_the_confidence_falls():
    """A 90% interval lies inside the 95% one."""
    _d, low95, high95 = paired_difference(59, 6, 16, 80)
    _d, low90, high90 = paired_difference(59, 6, 16, 80, confidence=0.90)
    assert low95 < low90 < high90 < high95


# -- comparing a policy with itself ---------------------------------------------------------


@given(tables())
@settings(max_examples=settings.default.max_examples // 5)  # two evaluations and two tables each
def test_a_policy_compared_with_itself_changes_nothing(table):
    """Same policy on both sides: no incident changes and every difference is exactly 0."""
    policy, frame, pauses, as_of = table
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", escalate.EscalateWarning)
        result = compare(frame, policy, policy, as_of=as_of, pauses=pauses)
    changes = result.changes
    assert not changes["changed"].any()
    assert not changes["tier_changed"].any()
    for target in policy.targets:
        assert not changes[f"{target.name}_status_changed"].any()
        assert not changes[f"{target.name}_met_changed"].any()
        moved = changes[f"{target.name}_due_moved"].dropna()
        assert (moved == pd.Timedelta(0)).all()
    table_ = result.compliance
    assert (table_["gained"] == 0).all()
    assert (table_["lost"] == 0).all()
    decided = table_["pairs"] > 0
    assert (table_.loc[decided, "difference"] == 0).all()
    assert (table_.loc[decided, "diff_ci_low"] <= 0).all()
    assert (table_.loc[decided, "diff_ci_high"] >= 0).all()
    assert table_.loc[~decided, "difference"].isna().all()
    assert list(changes.index) == list(frame.index)


# -- per-incident differences ----------------------------------------------------------------


def test_changes_equal_evaluate_on_each_side():
    """Each incident's before/after figures equal evaluate() under each policy."""
    frame = sample().sample(n=60, random_state=3)
    result = compare(frame, SAAS, NEW, as_of=AS_OF)
    assert list(result.changes.index) == list(frame.index)
    timed = frame.copy()
    for column in ("opened", "responded", "resolved", "workaround_applied", "fix_released"):
        timed[column] = pd.to_datetime(timed[column], format="ISO8601")
    for index, row in timed.iterrows():
        got = result.changes.loc[index]
        timeline = timeline_of(SAAS, row.to_dict(), [])
        evs = [evaluate(p, timeline, as_of=AS_OF) for p in (SAAS, NEW)]
        tiers = [None if ev.tier is None else ev.tier.level for ev in evs]
        assert [got["tier_before"], got["tier_after"]] == tiers
        assert got["tier_changed"] == (tiers[0] != tiers[1])
        changed = tiers[0] != tiers[1]
        for target in SAAS.targets:
            name = target.name
            b, a = ({t.name: t for t in ev.targets}[name] for ev in evs)
            assert got[f"{name}_status_before"] == b.status.value
            assert got[f"{name}_status_after"] == a.status.value
            assert got[f"{name}_status_changed"] == (b.status != a.status)
            changed = changed or b.status != a.status
            assert same_instant(got[f"{name}_due_at_before"], b.due_at)
            assert same_instant(got[f"{name}_due_at_after"], a.due_at)
            if b.due_at is None or a.due_at is None:
                assert pd.isna(got[f"{name}_due_moved"])
            else:
                assert got[f"{name}_due_moved"] == a.due_at - b.due_at
            met = [
                None if r.status.value not in ("met", "breached") else r.status.value == "met"
                for r in (b, a)
            ]
            assert [
                None if pd.isna(v) else bool(v)
                for v in (got[f"{name}_met_before"], got[f"{name}_met_after"])
            ] == met
            assert got[f"{name}_met_changed"] == (met[0] != met[1])
        assert got["changed"] == changed


SWITCH = date(2026, 10, 28)
"""When :data:`VERSIONED` turns from seed 003's goals to :data:`NEW`'s (mid-sample)."""
VERSIONED = PolicyVersions(versions=[(None, SAAS), (SWITCH, NEW)])


@pytest.mark.parametrize("rule", ["opened", "as_of"])
def test_versions_compare_each_incident_under_the_version_judging_it(rule):
    """compare() takes versions: each incident's changes are those of its own version."""
    frame = sample()
    versions = PolicyVersions(versions=VERSIONED.versions, rule=rule)
    result = compare(frame, SAAS, versions, as_of=AS_OF, by=["team"])
    plain = compare(frame, SAAS, NEW, as_of=AS_OF, by=["team"])
    opened = pd.to_datetime(frame["opened"], format="ISO8601", utc=True)
    late = (
        (opened >= pd.Timestamp("2026-10-28T00:00-05:00")).to_numpy()
        if rule == "opened"
        else np.ones(len(frame), bool)
    )
    assert list(result.after["policy_version"]) == np.where(late, "2026-10-28", "initial").tolist()
    after = result.changes.drop(columns="policy_version", errors="ignore")
    pd.testing.assert_frame_equal(after[late], plain.changes[late])
    assert not after.loc[~late, "changed"].any()  # judged by seed 003 on both sides
    assert int(after["changed"].sum()) == int(plain.changes.loc[late, "changed"].sum()) > 0
    themselves = compare(frame, versions, versions, as_of=AS_OF)
    assert not themselves.changes["changed"].any()


def test_versions_with_a_target_of_one_version_only():
    """A target of an older version only is a column of the comparison, NA where absent."""
    data = NEW.to_dict()
    data["targets"]["fix"] = {"start": "opened", "stop": "resolved", "required": False}
    data["severities"]["alta"]["fix"] = "4h"
    fix = load_policy(data)
    versions = PolicyVersions(versions=[(None, fix), (SWITCH, NEW)])
    result = compare(sample(), versions, NEW, as_of=AS_OF)
    assert "fix" in set(result.compliance["target"])
    assert result.changes["fix_status_after"].isna().all()
    with pytest.raises(
        escalate.InvalidArgumentError, match="after must be a Policy or PolicyVersions"
    ):
        compare(sample(), SAAS, [SAAS], as_of=AS_OF)


def test_the_compliance_sides_are_compliance_of_each_side():
    """Each side's columns are escalate.compliance of that side's evaluate_frame output."""
    frame = sample()
    result = compare(frame, SAAS, NEW, as_of=AS_OF, by=["severity", "team"])
    for side, policy in (("before", SAAS), ("after", NEW)):
        expected = compliance(evaluate_frame(frame, policy, as_of=AS_OF), by=["severity", "team"])
        got = result.compliance[
            ["severity", "team", "target", f"met_{side}", f"percent_met_{side}"]
        ]
        merged = expected.merge(got, on=["severity", "team", "target"], validate="one_to_one")
        assert len(merged) == len(expected) == len(result.compliance)
        assert (merged["met"] == merged[f"met_{side}"]).all()
        same = merged["percent_met"].fillna(-1) == merged[f"percent_met_{side}"].fillna(-1)
        assert same.all()


def test_closed_tickets_give_the_difference_of_the_two_shares():
    """When every decided incident is decided on both sides, difference = after - before."""
    result = compare(sample(), SAAS, NEW, as_of=AS_OF)
    table = result.compliance
    row = table[(table["severity"] == "normal") & (table["target"] == "resolution")].iloc[0]
    assert row["lost"] == 10
    assert row["gained"] == 0
    # 3 incidents are open on both sides: the pairs are the decided ones
    assert row["pairs"] == row["met_before"] + row["breached_before"]
    assert row["difference"] == pytest.approx(row["percent_met_after"] - row["percent_met_before"])
    d, low, high = paired_difference(57, 0, 10, 21)
    assert (row["difference"], row["diff_ci_low"], row["diff_ci_high"]) == pytest.approx(
        (100 * d, 100 * low, 100 * high)
    )
    assert row["diff_ci_high"] < 0  # ten tickets lost: a real drop


def test_summary_counts_the_changes():
    """The summary counts status changes, both ways, and the deadlines moved."""
    result = compare(sample(), SAAS, NEW, as_of=AS_OF)
    summary = result.summary.set_index("target")
    assert summary.loc["response", "met_to_breached"] == 2
    assert summary.loc["resolution", "met_to_breached"] == 10
    assert summary.loc["resolution", "breached_to_met"] == 0
    alta = (sample()["severity"] == "alta").sum()
    assert summary.loc["response", "due_earlier"] == alta
    assert summary.loc["response", "due_later"] == 0
    assert summary.loc["response", "median_due_moved"] == pd.Timedelta(hours=-1)
    assert pd.isna(summary.loc["definitive_fix", "median_due_moved"])
    assert int(result.changes["changed"].sum()) == 12
    assert isinstance(result, Comparison)
    assert result.confidence == 0.95


def test_a_target_of_one_policy_only_is_missing_on_the_other_side():
    """A target the after policy adds is NA before, and counts as a change where it applies."""
    data = SAAS.to_dict()
    del data["targets"]["definitive_fix"]
    for severity in data["severities"].values():
        del severity["definitive_fix"]
    without = load_policy(data)
    result = compare(sample(), without, SAAS, as_of=AS_OF, by=["month"])
    changes = result.changes
    assert changes["definitive_fix_status_before"].isna().all()
    assert (changes["definitive_fix_status_after"] == "pending").all()
    assert changes["definitive_fix_status_changed"].all()
    fix = result.compliance[result.compliance["target"] == "definitive_fix"]
    assert fix["count_before"].isna().all()
    assert (fix["pairs"] == 0).all()


def test_an_event_log_is_compared_too():
    """A log of histories goes through the same evaluate_frame on both sides."""
    frame = sample().head(30)
    events = []
    for row in frame.to_dict("records"):
        events.append(
            {
                "id": row["id"],
                "type": "opened",
                "at": row["opened"],
                "severity": row["severity"],
                "category": row["category"],
            }
        )
        for kind in ("responded", "resolved"):
            if isinstance(row[kind], str):
                events.append({"id": row["id"], "type": kind, "at": row[kind]})
    log = EventLog.from_events(pd.DataFrame(events), attributes=["category"])
    from_log = compare(log, SAAS, NEW, as_of=AS_OF, freq="M", period_timezone="America/Bogota")
    from_table = compare(frame, SAAS, NEW, as_of=AS_OF, freq="M", period_timezone="America/Bogota")
    assert from_log.changes["changed"].tolist() == from_table.changes["changed"].tolist()
    assert "period" in from_log.compliance.columns


def test_columns_name_the_opening_for_months():
    """With columns={"opened": ...}, months come from the renamed column."""
    frame = sample().rename(columns={"opened": "created_at"})
    result = compare(frame, SAAS, NEW, as_of=AS_OF, by=["month"], columns={"opened": "created_at"})
    assert set(result.compliance["month"].astype(str)) == {"2026-10", "2026-11"}


def test_bad_arguments_are_config_errors():
    """Unknown targets, a confidence outside (0, 1) and mismatched results say what to fix."""
    frame = sample().head(5)
    with pytest.raises(ConfigError, match="'respnse' is a target of neither policy"):
        compare(frame, SAAS, NEW, as_of=AS_OF, targets=["respnse"])
    with pytest.raises(ConfigError, match="between 0 and 1"):
        compare(frame, SAAS, NEW, as_of=AS_OF, confidence=0)
    one = evaluate_frame(frame, SAAS, as_of=AS_OF)
    with pytest.raises(ConfigError, match="different rows"):
        compare_results((one, one.head(3)), (SAAS, NEW))
    only = compare(frame, SAAS, NEW, as_of=AS_OF, targets=["response"])
    assert set(only.compliance["target"]) == {"response"}


def test_differences_of_plain_object_columns_treat_missing_alike():
    """Object and NaN-semantics columns: NA on both sides is no change, on one side is one."""
    for dtype in (object, "str"):
        x = pd.Series(["met", None, None, "met", "breached"], dtype=dtype)
        y = pd.Series(["met", None, "met", None, "met"], dtype=dtype)
        assert _differs(np, x, y).tolist() == [False, False, True, True, True]
    ints = pd.Series([1, None, 2], dtype="Int64")
    assert _differs(np, ints, pd.Series([1, None, None], dtype="Int64")).tolist() == [
        False,
        False,
        True,
    ]
