"""Durations in a table of results are read by one rule, however they were stored.

``_compliance.duration_ns`` is the one reader for :func:`~escalate.compliance`,
:func:`~escalate.survival` and the plots: a timedelta column of any unit, text (a CSV of
results read back), or the command line's ``..._seconds``. Plain numbers are refused:
Spark writes durations to Parquet as microseconds, which read back as integers.
"""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from escalate import (
    ConfigError,
    compliance,
    evaluate_frame,
    plot_compliance,
    plot_elapsed,
    plot_survival,
    survival,
)
from tests.test_compare import SAAS, sample

pytest.importorskip("matplotlib", reason="the plots need the 'plot' extra")

RESULTS = evaluate_frame(
    sample(), SAAS, as_of=datetime(2026, 12, 1, tzinfo=ZoneInfo("America/Bogota"))
)
DURATIONS = [c for c in RESULTS.columns if pd.api.types.is_timedelta64_dtype(RESULTS[c].dtype)]
TARGETS = ["response", "resolution"]


def _figures(results: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, list[float]]:
    """What an analyst reads: compliance, survival by month and severity, the bars drawn."""
    table = compliance(results, targets=TARGETS)
    curve = survival(results, by=["severity", "month"], targets=TARGETS).summary
    figure = plot_elapsed(results, target="resolution")
    bars = [p.get_x() + p.get_width() for ax in figure.axes for p in ax.patches]
    lines = [line.get_xdata()[0] for ax in figure.axes for line in ax.lines]
    return table, curve, [*bars, *lines]


EXPECTED = _figures(RESULTS)


def _same(got: tuple[pd.DataFrame, pd.DataFrame, list[float]]) -> None:
    pd.testing.assert_frame_equal(got[0], EXPECTED[0], check_dtype=False)  # keys: str dtypes
    pd.testing.assert_frame_equal(got[1], EXPECTED[1], check_dtype=False)
    assert got[2] == pytest.approx(EXPECTED[2])


@given(st.sampled_from(["s", "ms", "us", "ns"]))
@settings(max_examples=4, deadline=None)
def test_any_timedelta_unit_gives_the_same_figures(unit):
    """Pandas 3 gives timedelta64[us] for text; Parquet and Arrow other units."""
    converted = RESULTS.copy()
    for name in DURATIONS:
        converted[name] = converted[name].astype(f"timedelta64[{unit}]")
    _same(_figures(converted))


def test_a_csv_of_results_read_back_gives_the_same_figures():
    """Durations and instants as text, as read_csv returns them."""
    text = io.StringIO()
    RESULTS.to_csv(text, index=False)
    back = pd.read_csv(io.StringIO(text.getvalue()))
    assert not pd.api.types.is_timedelta64_dtype(back["resolution_elapsed"].dtype)  # text
    _same(_figures(back))


def test_seconds_columns_of_the_command_line_give_the_same_figures():
    """The command line writes ``<duration>_seconds`` columns: they are read as seconds."""
    seconds = RESULTS.copy()
    for name in DURATIONS:
        seconds[f"{name}_seconds"] = seconds.pop(name).dt.total_seconds()
    _same(_figures(seconds))


@pytest.mark.parametrize("call", [compliance, survival, plot_elapsed])
def test_numbers_for_durations_are_refused_with_the_conversion(call):
    """Microseconds from Spark's Parquet: a ConfigError naming the column and the fix."""
    spark = RESULTS.copy()
    for name in DURATIONS:
        us = spark[name].to_numpy("m8[us]").view("i8")
        spark[name] = np.where(spark[name].isna(), np.nan, us) if spark[name].isna().any() else us
    with pytest.raises(
        ConfigError, match=r"results\.\w+_elapsed: the column holds numbers.*unit=.us."
    ):
        call(spark) if call is not plot_elapsed else call(spark, target="resolution")


def test_plots_draw_the_group_without_a_value_and_months_by_the_opening():
    """A team left empty is a group of its own in every plot, named so; months work too.

    compliance and survival keep such a group; the plots used to drop it without a word,
    and plot_elapsed(by="month") raised a bare KeyError.
    """
    results = RESULTS.copy()
    results.loc[results.index[::4], "team"] = None
    teams = sorted(results["team"].dropna().unique())
    expected = [*teams, "no team"]
    figure = plot_compliance(results, by="team")
    assert [line.get_label() for line in figure.axes[0].lines] == expected
    figure = plot_survival(results, by="team")
    assert [line.get_label() for line in figure.axes[0].lines if line.get_label()[0] != "_"][
        : len(expected)
    ] == expected
    figure = plot_elapsed(results, by="team")
    assert [ax.get_title() for ax in figure.axes] == [f"team = {t}" for t in expected]
    months = compliance(results, by=["month"], targets=["resolution"])["month"].astype(str)
    figure = plot_elapsed(results, by="month")
    assert [ax.get_title() for ax in figure.axes] == [f"month = {m}" for m in months]


def test_the_command_lines_iso_durations_read_back(tmp_path):
    """The command line's ISO durations (PT2880H) read back as evaluate_frame's durations.

    pandas refuses ISO durations of 100 hours or more; escalate's own reader takes them.
    """
    pytest.importorskip("click", reason="the command line needs the 'cli' extra")
    from click.testing import CliRunner  # noqa: PLC0415 - the cli extra

    from escalate.cli import app  # noqa: PLC0415
    from tests.test_compare import SAAS_PATH, SAMPLE  # noqa: PLC0415

    out = tmp_path / "results.csv"
    result = CliRunner().invoke(
        app,
        ["evaluate", "--policy", str(SAAS_PATH), str(SAMPLE), "--as-of",
         "2026-12-01T00:00-05:00", "--durations", "iso", "-o", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    back = pd.read_csv(out)
    assert back["definitive_fix_goal"].str.startswith("PT").all()
    assert (back["definitive_fix_goal"] == "PT2880H").any()  # over pandas' 99 hours
    targets = ["response", "resolution", "definitive_fix"]
    pd.testing.assert_frame_equal(
        compliance(back, targets=targets),
        compliance(RESULTS, targets=targets),
        check_dtype=False,
    )
    summary = survival(back, targets=targets).summary
    pd.testing.assert_frame_equal(
        summary, survival(RESULTS, targets=targets).summary, check_dtype=False
    )


def test_a_text_that_is_no_duration_is_named():
    """The error quotes the value that is not a duration, not the column's first one."""
    bad = RESULTS.astype({"resolution_elapsed": object})
    bad.loc[bad.index[5], "resolution_elapsed"] = "soon"
    with pytest.raises(ConfigError, match=r"results\.resolution_elapsed: 'soon' is not a duration"):
        compliance(bad)


def test_plot_compliance_takes_an_offset_for_its_periods():
    """freq=pd.offsets.MonthEnd() is the month: a plot, titled per month, not an AttributeError."""
    figure = plot_compliance(RESULTS, freq=pd.offsets.MonthEnd())
    assert figure.axes[0].get_title() == "resolution: share met per month, by severity"
