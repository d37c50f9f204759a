"""compliance(): exact figures, zones of months, text time columns and tables it cannot read."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from fractions import Fraction
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from hypothesis import example, given

import escalate
from escalate import ConfigError, compliance, evaluate_frame, load_policy
from escalate._compliance import _wilson
from tests import strategies

# the tables here leave out seed 003's custom event columns on purpose
pytestmark = pytest.mark.filterwarnings("ignore::escalate.MissingColumnsWarning")

ROOT = Path(__file__).parent.parent
SAAS = load_policy(ROOT / "examples" / "policies" / "seed_003_saas.toml")
SAMPLE = ROOT / "src" / "escalate" / "_data" / "sample_incidents.csv"
BOGOTA = ZoneInfo("America/Bogota")
AS_OF = datetime(2026, 11, 30, 18, 0, tzinfo=BOGOTA)
Z = 1.959963984540054  # the 95% two-sided normal quantile


@given(strategies.wilson_counts())
def test_wilson_bounds_are_ordered_and_exact_at_the_edges(counts: tuple[int, int]):
    """The interval holds the share; none met gives exactly 0%, all met exactly 100%."""
    met, decided = counts
    low, high = _wilson(met, decided, Z)
    assert 0.0 <= low <= 100 * met / decided <= high <= 100.0
    assert (low == 0.0) if met == 0 else (low > 0.0)
    assert (high == 100.0) if met == decided else (high < 100.0)


def test_none_met_of_many_has_a_lower_bound_of_exactly_zero():
    """0 met of 140 decided: ci_low is 0.0, not 1.7e-16."""
    at = pd.Timestamp("2026-01-05 08:00", tz=BOGOTA)
    table = pd.DataFrame(
        {
            "opened": [at] * 140,
            "responded": [at + pd.Timedelta(days=3)] * 140,
            "severity": ["alta"] * 140,
        }
    )
    report = compliance(evaluate_frame(table, SAAS, as_of=AS_OF), targets=["response"])
    assert report["breached"].tolist() == [140]
    assert report["ci_low"].tolist() == [0.0]
    assert report["percent_met"].tolist() == [0.0]


def _quantile(values: list[int], q: Fraction) -> int:
    """Linear interpolation between order statistics, exactly, rounded to the microsecond."""
    ordered = sorted(values)
    h = (len(ordered) - 1) * q
    lo = math.floor(h)
    hi = min(lo + 1, len(ordered) - 1)
    return round(ordered[lo] + (h - lo) * (ordered[hi] - ordered[lo]))


def _stopped_table(elapsed_us: list[int]) -> pd.DataFrame:
    """A result table of responses that all stopped, with these elapsed business times."""
    n = len(elapsed_us)
    return pd.DataFrame(
        {
            "severity": ["alta"] * n,
            "response_status": ["met"] * n,
            "response_elapsed": pd.to_timedelta(elapsed_us, unit="us"),
            "response_stopped_at": [pd.Timestamp("2026-01-05 08:00", tz="UTC")] * n,
        }
    )


@given(strategies.minute_elapsed_lists())
@example([(99 * 86_400 + 13 * 3600 + 45 * 60) * 10**6, 0])  # 99 days 13:45 and nothing
def test_quantiles_are_exact_to_the_microsecond(elapsed_us: list[int]):
    """Median and p90 equal exact interpolation: no .000000001 on minute-aligned data."""
    report = compliance(_stopped_table(elapsed_us), targets=["response"])
    median, p90 = report["median_elapsed"][0], report["p90_elapsed"][0]
    assert median == pd.Timedelta(microseconds=_quantile(elapsed_us, Fraction(1, 2)))
    assert p90 == pd.Timedelta(microseconds=_quantile(elapsed_us, Fraction(9, 10)))
    assert median.value % 1000 == 0
    assert p90.value % 1000 == 0


def test_time_columns_of_iso_text_work_like_datetimes():
    """Results of a table read with read_csv (ISO text) summarise like parsed datetimes."""
    text = pd.read_csv(SAMPLE)
    parsed = text.copy()
    for column in ("opened", "responded", "resolved"):
        parsed[column] = pd.to_datetime(parsed[column], utc=True).dt.tz_convert(BOGOTA)
    by = ["severity", "month"]
    from_text = compliance(evaluate_frame(text, SAAS, as_of=AS_OF), by=by, freq="W")
    from_datetimes = compliance(evaluate_frame(parsed, SAAS, as_of=AS_OF), by=by, freq="W")
    pd.testing.assert_frame_equal(from_text, from_datetimes)
    assert sorted(from_text["month"].astype(str).unique()) == ["2026-10", "2026-11"]


def _one_instant_two_ways() -> pd.DataFrame:
    """One instant written in Bogotá (31 October, 23:30) and in UTC (1 November, 04:30)."""
    return pd.DataFrame(
        {
            "opened": ["2026-10-31T23:30:00-05:00", "2026-11-01T04:30:00Z"],
            "responded": ["2026-11-03T08:00:00-05:00", "2026-11-03T13:00:00Z"],
            "severity": ["alta", "alta"],
            "id": ["bogota", "utc"],
        }
    )


def test_months_are_as_written_unless_a_zone_is_given():
    """By default an instant's month is the one it is written in; timezone= picks one zone."""
    results = evaluate_frame(_one_instant_two_ways(), SAAS, as_of=AS_OF)
    as_written = compliance(results, by=["id", "month"], targets=["response"])
    assert as_written["month"].astype(str).tolist() == ["2026-10", "2026-11"]
    in_bogota = compliance(
        results, by=["id", "month"], targets=["response"], timezone="America/Bogota"
    )
    assert in_bogota["month"].astype(str).tolist() == ["2026-10", "2026-10"]
    in_utc = compliance(results, by=["month"], targets=["response"], timezone="UTC")
    assert in_utc["month"].astype(str).tolist() == ["2026-11"]
    aware = results.assign(opened=pd.to_datetime(results["opened"], utc=True))
    assert compliance(aware, by=["month"], targets=["response"])["month"].astype(str).tolist() == [
        "2026-11"
    ]  # a UTC column counts UTC months


def test_naive_text_is_wall_time_in_the_zone_given():
    """Instants without offsets are wall times: the month as written, whatever the zone."""
    results = evaluate_frame(
        pd.DataFrame({"opened": ["2026-10-31T23:30:00"], "severity": ["alta"]}),
        SAAS,
        as_of=AS_OF,
        timezone="America/Bogota",
    )
    for zone in (None, "UTC", "Asia/Tokyo"):
        report = compliance(results, by=["month"], targets=["response"], timezone=zone)
        assert report["month"].astype(str).tolist() == ["2026-10"]


def test_text_mixing_offsets_and_none_is_refused_with_a_zone():
    """With timezone=, text instants must all have an offset or none: a mix is an error."""
    results = evaluate_frame(_one_instant_two_ways(), SAAS, as_of=AS_OF)
    results["opened"] = ["2026-10-31T23:30:00", "2026-11-01T04:30:00Z"]
    with pytest.raises(ConfigError, match="mixes instants with and without a UTC offset"):
        compliance(results, by=["month"], timezone="UTC")


@pytest.mark.parametrize(
    ("table", "options", "expected"),
    [
        (
            pd.DataFrame({"id": [1], "opened": ["2026-01-05T08:00Z"]}),
            {},
            (
                "the table has no columns 'severity', 'response_status', 'response_stopped_at', "
                "'response_elapsed', 'resolution_status'"
            ),
        ),
        (None, {"by": ["team"]}, "the table has no column 'team'"),
        (None, {"targets": ["respone"]}, "did you mean 'response'?"),
        (None, {"by": ["month"], "time_column": "created"}, "no column 'created'"),
    ],
)
def test_a_table_it_cannot_read_names_the_missing_columns(
    table: pd.DataFrame | None, options: dict[str, object], expected: str
):
    """A table that is not evaluate_frame output raises ConfigError naming what is missing."""
    if table is None:
        table = evaluate_frame(pd.read_csv(SAMPLE).drop(columns=["team"]), SAAS, as_of=AS_OF)
    with pytest.raises(ConfigError) as info:
        compliance(table, **options)  # type: ignore[arg-type]
    assert isinstance(info.value, ValueError)
    assert expected in str(info.value)
    assert info.value.paths == ("results",)


def test_an_unknown_zone_is_a_config_error():
    """timezone= must be an IANA zone."""
    results = evaluate_frame(pd.read_csv(SAMPLE), SAAS, as_of=AS_OF)
    with pytest.raises(ConfigError, match="unknown time zone 'Mars/Olympus'"):
        compliance(results, by=["month"], timezone="Mars/Olympus")


def test_durations_in_seconds_or_text_read_back():
    """A result file read back (seconds columns, or timedelta text) gives the same table."""
    results = evaluate_frame(pd.read_csv(SAMPLE), SAAS, as_of=AS_OF)
    expected = compliance(results, by=["severity"], targets=["response", "resolution"])
    as_seconds = results.copy()
    for target in ("response", "resolution"):
        elapsed = as_seconds.pop(f"{target}_elapsed")
        as_seconds[f"{target}_elapsed_seconds"] = elapsed.dt.total_seconds()
    as_text = results.assign(response_elapsed=results["response_elapsed"].astype(str))
    for table in (as_seconds, as_text):
        got = compliance(table, by=["severity"], targets=["response", "resolution"])
        pd.testing.assert_frame_equal(got, expected)


def test_median_and_p90_of_a_hand_worked_group():
    """Median of 1 h and 4.5 h is 2.75 h; p90 is 1 h + 0.9 * 3.5 h = 4.15 h, exactly."""
    report = compliance(_stopped_table([3600 * 10**6, 16_200 * 10**6]), targets=["response"])
    assert report["median_elapsed"][0] == timedelta(hours=2.75)
    assert report["p90_elapsed"][0] == timedelta(hours=4.15)


@pytest.mark.parametrize("day", [10, 20, 31])
def test_pending_targets_are_neither_counted_nor_open(day):
    """Tickets not opened by as_of, and targets not started: out of count, as survival has it.

    On the bundled sample evaluated inside October, later tickets were counted as open.
    """
    from tests.test_compare import SAAS, sample  # noqa: PLC0415 - the bundled sample

    as_of = datetime(2026, 10, day, tzinfo=ZoneInfo("America/Bogota"))
    results = escalate.evaluate_frame(sample(), SAAS, as_of=as_of)
    targets = ["response", "resolution", "definitive_fix"]
    table = compliance(results, targets=targets).set_index(["severity", "target"])
    curves = escalate.survival(results, targets=targets).summary.set_index(["severity", "target"])
    for key, row in table.iterrows():
        statuses = results.loc[results["severity"] == key[0], f"{key[1]}_status"]
        assert row["count"] == int(statuses.isin(["met", "breached", "running", "paused"]).sum())
        assert row["open"] == int(statuses.isin(["running", "paused"]).sum())
        assert row["count"] == row["met"] + row["breached"] + row["open"]
        assert row["count"] == curves.loc[key, "count"]  # survival leaves the same out
    assert "definitive_fix" not in set(table.index.get_level_values("target"))  # all pending


@pytest.mark.parametrize(
    ("freq", "period"),
    [
        ("ME", "M"),
        ("QE", "Q"),
        ("YE", "Y"),
        ("W", "W"),
        ("QE-JAN", "Q-JAN"),
        ("YE-JUN", "Y-JUN"),
        (pd.offsets.MonthEnd(), "M"),
        (pd.offsets.QuarterEnd(startingMonth=1), "Q-JAN"),
    ],
)
def test_month_end_offset_aliases_read_as_periods(freq, period):
    """Offset aliases ("ME", what resample takes) give the period's table."""
    from tests.test_compare import SAAS, sample  # noqa: PLC0415 - the bundled sample

    results = escalate.evaluate_frame(sample(), SAAS, as_of=datetime(2026, 12, 1, tzinfo=BOGOTA))
    pd.testing.assert_frame_equal(compliance(results, freq=freq), compliance(results, freq=period))


def test_an_unknown_period_is_a_config_error():
    """Not a bare pandas ValueError: the key and the aliases to use."""
    from tests.test_compare import SAAS, sample  # noqa: PLC0415 - the bundled sample

    results = escalate.evaluate_frame(sample(), SAAS, as_of=datetime(2026, 12, 1, tzinfo=BOGOTA))
    with pytest.raises(ConfigError, match=r"freq: unknown period 'monthly'.*'M'"):
        compliance(results, freq="monthly")


def test_a_column_named_twice_in_by_is_a_config_error_everywhere():
    """compliance, survival and compare name a repeated by column; the ledger too, in place."""
    results = evaluate_frame(pd.read_csv(SAMPLE), SAAS, as_of=AS_OF)
    calls = {
        "compliance": lambda: compliance(results, by=["severity", "severity"]),
        "survival": lambda: escalate.survival(results, by=["severity", "severity"]),
        "compare": lambda: escalate.compare(
            pd.read_csv(SAMPLE), SAAS, SAAS, as_of=AS_OF, by=["severity", "severity"]
        ),
    }
    for name, call in calls.items():
        with pytest.raises(ConfigError) as info:
            call()
        assert info.value.paths == ("by[1]",), name
        assert "'severity' is given twice; name each column once" in str(info.value), name


def test_a_column_of_the_callers_own_ending_in_status_is_not_a_target():
    """evaluate_frame copies customer_status through: the summaries take it for no target."""
    incidents = pd.read_csv(SAMPLE).assign(customer_status="vip")
    results = evaluate_frame(incidents, SAAS, as_of=AS_OF)
    plain = evaluate_frame(pd.read_csv(SAMPLE), SAAS, as_of=AS_OF)
    pd.testing.assert_frame_equal(compliance(results), compliance(plain))
    got, want = escalate.survival(results), escalate.survival(plain)
    pd.testing.assert_frame_equal(got.curve, want.curve)
    pd.testing.assert_frame_equal(got.summary, want.summary)
    assert "customer" not in set(compliance(results)["target"])


def test_a_target_named_twice_is_summarised_once():
    """Like compare, compliance and survival summarise a repeated target once."""
    results = evaluate_frame(pd.read_csv(SAMPLE), SAAS, as_of=AS_OF)
    twice, once = ["response", "resolution", "response"], ["response", "resolution"]
    pd.testing.assert_frame_equal(
        compliance(results, targets=twice), compliance(results, targets=once)
    )
    got, want = escalate.survival(results, targets=twice), escalate.survival(results, targets=once)
    pd.testing.assert_frame_equal(got.summary, want.summary)
    pd.testing.assert_frame_equal(got.curve, want.curve)
