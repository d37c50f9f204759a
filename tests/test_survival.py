"""``survival``: Kaplan-Meier curves and shares met, checked against lifelines.

lifelines (a test-only dependency) is the independent implementation: its
``KaplanMeierFitter`` uses the same estimator, Greenwood's variance and the log(-log S)
interval, so every figure of ours is compared with its figure on the same rows.
"""

from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import lifelines
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from escalate import (
    BadRowsWarning,
    ConfigError,
    SurvivalReport,
    evaluate_frame,
    load_policy,
    survival,
)
from tests.strategies import Observation, mixed_goal_observation_lists, observation_lists

MINUTE = pd.Timedelta(minutes=1)
AT = pd.Timestamp("2026-03-02 12:00", tz="UTC")
POLICIES = Path(__file__).parents[1] / "examples" / "policies"


def results_of(rows: list[Observation]) -> pd.DataFrame:
    """A table shaped like evaluate_frame's output, for target ``response``."""
    status = [None if o.status == "error" else o.status.removesuffix("-stopped") for o in rows]
    return pd.DataFrame(
        {
            "severity": pd.array([o.group for o in rows], dtype="string"),
            "error": pd.array(
                ["bad" if o.status == "error" else None for o in rows], dtype="string"
            ),
            "response_status": pd.array(status, dtype="string"),
            "response_elapsed": pd.to_timedelta([o.minutes for o in rows], unit="min"),
            "response_goal": pd.to_timedelta([o.goal_minutes for o in rows], unit="min"),
            "response_stopped_at": pd.Series(
                [AT if o.stopped else pd.NaT for o in rows], dtype="datetime64[ns, UTC]"
            ),
        }
    )


def counted(rows: list[Observation], group: str) -> list[Observation]:
    """The rows of a group that the estimator keeps: no errors, nothing pending."""
    return [o for o in rows if o.group == group and o.status not in ("error", "pending")]


def fit(rows: list[Observation], *, scaled: bool = False) -> object:
    """Fit lifelines' Kaplan-Meier estimator to the rows, at 95%."""
    times = [o.minutes / o.goal_minutes if scaled else o.minutes for o in rows]
    kmf = lifelines.KaplanMeierFitter(alpha=0.05)
    return kmf.fit(times, [o.stopped for o in rows])


def lifelines_at(kmf: object, t: float) -> tuple[float, float, float]:
    """S(t) and its interval from lifelines (right-continuous: the last row at or before t)."""
    s = kmf.survival_function_.iloc[:, 0]
    ci = kmf.confidence_interval_
    i = int(np.searchsorted(s.index.to_numpy(), t, side="right")) - 1
    return float(s.iloc[i]), float(ci.iloc[i, 0]), float(ci.iloc[i, 1])


def assert_matches_lifelines(rows: list[Observation], report: SurvivalReport) -> None:
    """Every group's curve and summary equal lifelines' fit of the same rows."""
    scaled = report.scale == "goal"
    for group in ("a", "b", "c"):
        mine = counted(rows, group)
        curve = report.curve[report.curve["severity"] == group]
        summary = report.summary[report.summary["severity"] == group]
        if not mine:
            assert curve.empty
            assert summary.empty
            continue
        kmf = fit(mine, scaled=scaled)
        table = kmf.event_table
        table = table[(table["observed"] > 0) | (table["censored"] > 0)]
        times = curve["time"]
        x = times.to_numpy() if scaled else (times / MINUTE).to_numpy()
        np.testing.assert_allclose(x, table.index.to_numpy(), rtol=1e-12)
        assert curve["at_risk"].tolist() == table["at_risk"].tolist()
        assert curve["events"].tolist() == table["observed"].tolist()
        assert curve["censored"].tolist() == table["censored"].tolist()
        expected = [lifelines_at(kmf, t) for t in table.index]
        np.testing.assert_allclose(
            curve[["survival", "ci_low", "ci_high"]].to_numpy(dtype=float),
            np.array(expected).reshape(-1, 3),
            rtol=1e-9,
            atol=1e-12,
        )
        (row,) = summary.itertuples(index=False)
        goal = 1.0 if scaled else mine[0].goal_minutes
        s, low, high = lifelines_at(kmf, goal)
        if goal > table.index.max() and kmf.survival_function_.iloc[-1, 0] > 0:
            # nobody followed to the goal with some still open: unknown (lifelines: flat)
            assert math.isnan(row.percent_met)
            assert math.isnan(row.ci_low)
            assert math.isnan(row.ci_high)
            continue
        assert row.percent_met == pytest.approx(100 * (1 - s), abs=1e-9)
        assert row.ci_low == pytest.approx(100 * (1 - high), abs=1e-9)
        assert row.ci_high == pytest.approx(100 * (1 - low), abs=1e-9)
        # the first time each of lifelines' curves is at most 1/2, with a tolerance since
        # lifelines multiplies in logs (its 1/2 may come out as 0.5000000000000001)
        bands = pd.concat([kmf.survival_function_, kmf.confidence_interval_], axis=1)
        medians = [
            next((t for t, v in bands[c].items() if v <= 0.5 + 1e-12), math.inf) for c in bands
        ]
        for got, want in zip((row.median, row.median_low, row.median_high), medians, strict=True):
            if math.isinf(want):
                assert pd.isna(got)
            else:
                assert (got if scaled else got / MINUTE) == pytest.approx(want, rel=1e-12)
        stopped = [o for o in mine if o.stopped]
        assert (row.count, row.stopped, row.open) == (
            len(mine),
            len(stopped),
            len(mine) - len(stopped),
        )
        met = sum(o.status == "met" for o in mine)
        assert row.closed_met == met
        if stopped:
            assert row.closed_percent_met == pytest.approx(100 * met / len(stopped))
        else:
            assert math.isnan(row.closed_percent_met)


# lifelines takes about 40 ms a group: a quarter of the usual examples keeps these quick,
# and the hand-worked tests below pin the edge cases (ties, all censored, one row)
LIFELINES_EXAMPLES = max(settings.default.max_examples // 4, 10)


@settings(max_examples=LIFELINES_EXAMPLES)
@given(observation_lists)
def test_curves_and_shares_equal_lifelines(rows):
    """Per group, the curve, its interval, the share met and the median equal lifelines'."""
    report = survival(results_of(rows), by=["severity"])
    assert_matches_lifelines(rows, report)


def _stopped_at(group: str, minutes: list[int]) -> list[Observation]:
    return [Observation(group, m, 5, "met" if m <= 5 else "breached-stopped") for m in minutes]


def test_a_median_where_the_estimate_is_exactly_one_half():
    """Half of ten stopped by minute 2: the median is 2.

    0.8 * 0.75 * (5/6) in floating point comes out an ulp above 1/2 (found by Hypothesis
    against lifelines, whose own check allows for it).
    """
    rows = _stopped_at("a", [0, 0, 1, 1, 2, 3, 3, 3, 3, 3])
    report = survival(results_of(rows), by=["severity"])
    assert report.summary.loc[0, "median"] == 2 * MINUTE
    assert_matches_lifelines(rows, report)


@settings(max_examples=LIFELINES_EXAMPLES * 4)
@given(st.lists(st.integers(0, 12), min_size=1, max_size=60))
def test_an_uncensored_median_is_the_exact_order_statistic(minutes):
    """With every target stopped, the median is the exact order statistic.

    S(t) is the share still running after t, so the median is the first time by which at
    least half have stopped, ties at exactly 1/2 included.
    """
    rows = _stopped_at("a", minutes)
    report = survival(results_of(rows), by=["severity"])
    n = len(minutes)
    want = min(t for t in set(minutes) if 2 * sum(m <= t for m in minutes) >= n)
    assert report.summary.loc[0, "median"] == want * MINUTE


@settings(max_examples=LIFELINES_EXAMPLES)
@given(mixed_goal_observation_lists)
def test_goal_scale_equals_lifelines_on_elapsed_over_goal(rows):
    """On the goal scale, the curve is lifelines' fit of elapsed / goal, read at 1.0."""
    report = survival(results_of(rows), by=["severity"], scale="goal")
    assert_matches_lifelines(rows, report)


@settings(max_examples=max(settings.default.max_examples // 2, 10))
@given(mixed_goal_observation_lists)
def test_mixed_goals_have_no_share_on_the_time_scale(rows):
    """A group with several goals gets NA share and goal on the time scale; one goal keeps it."""
    summary = survival(results_of(rows), by=["severity"]).summary
    for row in summary.itertuples(index=False):
        goals = {o.goal_minutes for o in counted(rows, row.severity)}
        assert pd.isna(row.goal) == (len(goals) > 1)
        if len(goals) > 1:
            assert math.isnan(row.percent_met)


def test_a_hand_worked_curve_with_ties_and_censoring_at_an_event_time():
    """Times 1, 2, 2+, 3, 3+, 5+ minutes give S = 5/6, 2/3, 4/9, 4/9 (events before censorings).

    At 2 min, 5 are at risk and 1 responds: S = 5/6 * 4/5 = 2/3; the target censored at
    2 min still counts in that risk set. At 3 min, 3 are at risk and 1 responds:
    S = 2/3 * 2/3 = 4/9. Greenwood at 1 min: 1/(6*5) = 1/30, so the log-log interval is
    S ** exp(±1.96 * sqrt(1/30) / log(5/6)): 0.2731 to 0.9747.
    """
    rows = [
        Observation(group="a", minutes=m, goal_minutes=3, status=s)
        for m, s in [(1, "met"), (2, "met"), (2, "running"), (3, "met"), (3, "paused")]
    ]
    rows.append(Observation(group="a", minutes=5, goal_minutes=3, status="breached"))
    report = survival(results_of(rows))
    curve = report.curve
    assert (curve["time"] / MINUTE).tolist() == [1, 2, 3, 5]
    assert curve["at_risk"].tolist() == [6, 5, 3, 1]
    assert curve["events"].tolist() == [1, 1, 1, 0]
    assert curve["censored"].tolist() == [0, 1, 1, 1]
    np.testing.assert_allclose(curve["survival"], [5 / 6, 2 / 3, 4 / 9, 4 / 9])
    assert curve["ci_low"][0] == pytest.approx(0.273123, abs=1e-6)
    assert curve["ci_high"][0] == pytest.approx(0.974712, abs=1e-6)
    (row,) = report.summary.itertuples(index=False)
    assert row.percent_met == pytest.approx(100 * 5 / 9)  # 1 - S(3 min)
    assert row.closed_percent_met == 100  # the three stopped targets all met the goal
    assert row.median == 3 * MINUTE  # the first time S <= 1/2


def test_all_censored_single_row_and_all_stopped_groups():
    """All censored: S stays 1 (interval 1 to 1); one stopped row: S = 0 (interval 0 to 0)."""
    rows = [
        Observation(group="a", minutes=2, goal_minutes=5, status="running"),
        Observation(group="a", minutes=9, goal_minutes=5, status="breached"),
        Observation(group="b", minutes=4, goal_minutes=8, status="met"),
    ]
    report = survival(results_of(rows))
    a = report.curve[report.curve["severity"] == "a"]
    assert a[["survival", "ci_low", "ci_high"]].to_numpy().tolist() == [[1, 1, 1]] * 2
    b = report.curve[report.curve["severity"] == "b"]
    assert b[["survival", "ci_low", "ci_high"]].to_numpy().tolist() == [[0, 0, 0]]
    summary = report.summary.set_index("severity")
    assert summary.loc["a", "percent_met"] == 0  # no response seen by the goal yet
    assert pd.isna(summary.loc["a", "median"])
    assert math.isnan(summary.loc["a", "closed_percent_met"])
    assert summary.loc["b", "percent_met"] == 100
    assert summary.loc["b", "median"] == 4 * MINUTE


def test_empty_tables_and_no_keys():
    """No targets give empty tables with the columns; no keys give one group per target."""
    rows = [Observation(group="a", minutes=1, goal_minutes=5, status="met")]
    empty = survival(results_of(rows), targets=[])
    assert empty.curve.columns.tolist()[:3] == ["severity", "target", "time"]
    assert empty.summary.empty
    whole = survival(results_of(rows), by=[])
    assert whole.summary.columns.tolist()[:2] == ["target", "goal"]
    assert whole.summary["count"].tolist() == [1]
    nothing = survival(results_of([]), by=[])
    assert nothing.curve.empty
    assert nothing.summary.empty


def test_month_of_naive_and_aware_opening_columns():
    """The month key is the wall-clock month of the opening, naive or in its own zone."""
    rows = [Observation(group="a", minutes=1, goal_minutes=5, status="met")] * 2
    table = results_of(rows)
    naive = table.assign(opened=pd.to_datetime(["2026-01-31 23:30", "2026-02-01 00:30"]))
    aware = naive.assign(opened=naive["opened"].dt.tz_localize("America/Bogota"))
    for frame in (naive, aware):
        summary = survival(frame, by=["month"]).summary
        assert summary["month"].astype(str).tolist() == ["2026-01", "2026-02"]


def test_bad_arguments_raise_config_errors_naming_the_fix():
    """An unknown target, column or scale, or a confidence outside (0, 1), is a ConfigError."""
    table = results_of([Observation(group="a", minutes=1, goal_minutes=5, status="met")])
    with pytest.raises(ConfigError, match="did you mean 'response'"):
        survival(table, targets=["respons"])
    with pytest.raises(ConfigError, match=r"by\[0\].*no column 'severty'"):
        survival(table, by=["severty"])
    with pytest.raises(ConfigError, match=r"scale.*'time' or 'goal'"):
        survival(table, scale="hours")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match=r"response_elapsed.*1 rows have a negative"):
        survival(table.assign(response_elapsed=-MINUTE))
    with pytest.raises(ConfigError, match="confidence"):
        survival(table, confidence=1.0)
    with pytest.raises(ConfigError, match=r"by\[0\].*no column 'month'.*time_column='x'"):
        survival(table.assign(month=1).drop(columns="month"), by=["month"], time_column="x")


def test_evaluate_frame_output_by_month_and_severity():
    """On evaluate_frame's output, errors and pending targets are left out, open tickets censored."""
    bogota = ZoneInfo("America/Bogota")
    policy = load_policy(POLICIES / "seed_003_saas.toml")
    at = pd.Timestamp("2026-01-09 08:00", tz=bogota)
    incidents = pd.DataFrame(
        {
            "opened": [at, at, at, at + pd.Timedelta(days=31), at],
            "responded": [at + pd.Timedelta(hours=1), pd.NaT, pd.NaT, pd.NaT, pd.NaT],
            "resolved": [pd.NaT] * 5,
            "severity": ["alta", "alta", "alta", "alta", "nope"],
        }
    )
    with pytest.warns(BadRowsWarning):
        out = evaluate_frame(
            incidents,
            policy,
            as_of=datetime(2026, 2, 9, 9, 0, tzinfo=bogota),
            columns={"workaround_applied": None, "fix_released": None},
        )
    report = survival(out, by=["month", "severity"], targets=["response", "definitive_fix"])
    summary = report.summary
    assert summary["target"].tolist() == ["response", "response"]  # definitive_fix: pending
    assert summary["month"].astype(str).tolist() == ["2026-01", "2026-02"]
    january = summary.iloc[0]
    assert (january["count"], january["stopped"], january["open"]) == (3, 1, 2)
    # one of three responded within the 2 h goal; the other two are open and past it
    assert january["percent_met"] == pytest.approx(100 / 3)
    assert january["closed_percent_met"] == 100


def test_plot_survival_draws_a_curve_per_group_and_the_goal():
    """plot_survival draws the share stopped per group, its band, and the goal line."""
    pytest.importorskip("matplotlib")
    from escalate import plot_survival  # noqa: PLC0415

    rows = [
        Observation(group=g, minutes=m, goal_minutes=5, status="met" if m <= 5 else s)
        for g in ("a", "b")
        for m, s in [(1, "met"), (3, "running"), (6, "breached-stopped"), (9, "breached")]
    ]
    figure = plot_survival(results_of(rows), target="response", by="severity")
    (ax,) = figure.axes
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels == ["a", "b", "goal"]
    assert ax.get_lines()[-1].get_xdata()[0] == pytest.approx(5 / 60)
    scaled = plot_survival(results_of(rows), target="response", scale="goal")
    assert scaled.axes[0].get_lines()[-1].get_xdata()[0] == 100
    mixed = [*rows, Observation(group="a", minutes=2, goal_minutes=9, status="met")]
    figure = plot_survival(results_of(mixed), target="response", by="severity")
    (ax,) = figure.axes
    # group a mixes goals: no dot for it on the business-time scale, b keeps its goal line
    assert [line.get_label() for line in ax.get_lines()] == ["a", "b", "goal"]
    assert len(ax.collections) == 2 + 1  # two bands and b's dot


def test_a_goal_past_the_end_of_the_curve_with_tickets_open_has_no_share():
    """Five tickets open at 2 min of a 5 min goal: the share met is unknown, not 0% (0 to 0).

    Once one ticket has been followed past the goal, the curve at the goal is known again.
    """
    rows = [Observation(group="a", minutes=2, goal_minutes=5, status="running")] * 5
    (row,) = survival(results_of(rows)).summary.itertuples(index=False)
    assert math.isnan(row.percent_met)
    assert math.isnan(row.ci_low)
    assert math.isnan(row.ci_high)
    later = [*rows, Observation(group="a", minutes=6, goal_minutes=5, status="breached")]
    (row,) = survival(results_of(later)).summary.itertuples(index=False)
    assert row.percent_met == 0
    assert row.ci_low == 0
    assert row.ci_high == 0
    stopped = [*rows, Observation(group="a", minutes=1, goal_minutes=5, status="met")]
    (row,) = survival(results_of(stopped)).summary.itertuples(index=False)
    assert math.isnan(row.percent_met)  # 1 of 6 met by 1 min, the rest unknown at 5
