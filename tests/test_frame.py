"""``evaluate_frame`` and ``compliance``: equal to ``evaluate`` row by row, bad rows, zones, Dask.

The property draws random incident tables for the evaluator's test policies (a split day
in Bogota with holidays, London and Santiago calendars crossing DST, a 24x7 clock; every
trigger kind, plans, a route, custom targets) and the seed policies, with openings across
weekends, holidays and lunch, missing responses and resolutions, pauses and bad rows.
"""

from __future__ import annotations

import math
import pickle
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from escalate import (
    BadRowsWarning,
    Calendar,
    ConfigError,
    EscalateError,
    EscalateWarning,
    EventLog,
    Goal,
    Holidays,
    InvalidInstantError,
    MissingColumnsWarning,
    NaiveDatetimeError,
    Target,
    Timeline,
    compliance,
    evaluate,
    evaluate_frame,
    load_policy,
)
from tests.evaluator_reference import ANCHORS, POLICIES
from tests.frame_check import check_row

# The tables here leave out the custom event columns of some policies on purpose (they
# never happen in them); test_missing_event_columns_are_a_warning checks the warning.
pytestmark = pytest.mark.filterwarnings("ignore::escalate.MissingColumnsWarning")

M = timedelta(minutes=1)
H = timedelta(hours=1)
US = timedelta(microseconds=1)
BOGOTA = ZoneInfo("America/Bogota")
SEEDS = {
    path.stem: load_policy(path)
    for path in sorted((Path(__file__).parent.parent / "examples" / "policies").glob("*.toml"))
}
# the Bogota test policy plus a pausing target that starts on a custom event
WITH_FIX = attrs.evolve(
    POLICIES["bogota"],
    name="with_fix",
    targets=[
        *POLICIES["bogota"].targets,
        Target(name="fix", start="workaround_applied", stop="fix_released", required=False),
    ],
    severities=[
        attrs.evolve(s, goals={**s.goals, "fix": Goal(duration=3 * H)})
        for s in POLICIES["bogota"].severities
    ],
)
ALL = {**POLICIES, **SEEDS, "with_fix": WITH_FIX}
SEED_ANCHORS = [
    "2026-01-09T16:10:00-05:00",
    "2026-03-20T12:00:00-05:00",
    "2026-12-23T15:00:00-05:00",
]
# events at one instant become a timeline in this order (see evaluate_frame's docs)
RANK = {"paused": 1, "resumed": 1, "responded": 2, "resolved": 3}

STEPS = st.one_of(
    st.just(timedelta(0)),
    st.integers(1, 10**6).map(lambda n: n * US),
    st.integers(1, 8 * 60).map(lambda n: n * M),
    st.integers(1, 80).map(lambda n: n * H),
)


def custom_events(policy) -> list[str]:
    """Return the custom event names of a policy's targets."""
    builtin = {"opened", "responded", "resolved", "closed", "paused", "resumed"}
    return sorted(policy.event_names - builtin)


@st.composite
def tables(draw):
    """A (policy, incidents, pauses, as_of) with random, partly bad, incident rows."""
    name = draw(st.sampled_from(sorted(ALL)))
    policy = ALL[name]
    anchors = ANCHORS.get(name, SEED_ANCHORS)
    severities = list(policy.severity_names)
    plans = [p.name for p in policy.plans] or ["gold"]
    categories = sorted({v for r in policy.routes for vs in r.when.values() for v in vs}) or ["x"]
    customs = custom_events(policy)
    rows, pauses = [], []
    for i in range(draw(st.integers(1, 10))):
        opened = (
            datetime.fromisoformat(draw(st.sampled_from(anchors)))
            + draw(st.integers(-36 * 60, 36 * 60)) * M
            + draw(st.integers(0, 59)) * timedelta(seconds=1)
        )
        row: dict[str, Any] = {
            "id": i,
            "opened": opened,
            "severity": draw(st.sampled_from(severities)),
        }
        for event, base in (
            ("responded", "opened"),
            ("resolved", "opened"),
            *((c, "resolved") for c in customs),
        ):
            start = row.get(base) or opened
            row[event] = start + draw(STEPS) if draw(st.booleans()) else None
        row["plan"] = draw(st.one_of(st.none(), st.sampled_from(plans)))
        row["category"] = draw(st.one_of(st.none(), st.sampled_from([*categories, "other"])))
        row["region"] = draw(st.sampled_from(["CO", "PE", "MX"]))
        bad = draw(st.integers(0, 12))
        if bad == 0:
            row["opened"] = None
        elif bad == 1:
            row["severity"] = "urgentt"
        elif bad == 2:
            row["responded"] = opened - H
        elif bad == 3:
            row["severity"] = None
        rows.append(row)
        if draw(st.integers(0, 3)) == 0:
            at = opened + draw(STEPS)
            for k in range(draw(st.integers(1, 2))):
                length = draw(st.one_of(st.none(), STEPS)) if k else draw(STEPS)
                pauses.append(
                    {"id": i, "start": at, "end": None if length is None else at + length}
                )
                if length is None:
                    break
                at += length + draw(STEPS)
    frame = pd.DataFrame(rows)
    for column in ("opened", "responded", "resolved", *customs):
        frame[column] = pd.to_datetime(frame[column], utc=True).dt.tz_convert(BOGOTA)
    pause_frame = None
    if pauses:
        pause_frame = pd.DataFrame(pauses)
        pause_frame["start"] = pd.to_datetime(pause_frame["start"], utc=True)
        pause_frame["end"] = pd.to_datetime(pause_frame["end"], utc=True)
    frame.index = pd.Index(draw(st.permutations(range(100, 100 + len(rows)))))
    last = max((r["opened"] for r in rows if r["opened"] is not None), default=None)
    as_of = (last or datetime(2026, 1, 9, tzinfo=UTC)) + draw(
        st.integers(-24 * 60, 8 * 24 * 60)
    ) * M
    return policy, frame, pause_frame, as_of


def timeline_of(policy, row: dict[str, Any], spans: list[tuple[Any, Any]]) -> Timeline:
    """Build the timeline of one table row, independently of evaluate_frame."""
    attributes = {}
    for key in ("plan", "category", "region"):
        if row.get(key) is not None and not pd.isna(row[key]):
            attributes[key] = row[key]
    events = []
    for kind in ("responded", "resolved", *custom_events(policy)):
        if kind in row and not pd.isna(row[kind]):
            events.append((row[kind], RANK.get(kind, 4), 0, kind))
    for k, (start, end) in enumerate(sorted(spans)):
        events.append((start, 1, 2 * k, "paused"))
        if not pd.isna(end):
            events.append((end, 1, 2 * k + 1, "resumed"))
    events.sort(key=lambda e: e[:3])
    if pd.isna(row["opened"]) or row["severity"] is None:
        msg = "bad row"
        raise EscalateError(msg)
    return Timeline.from_events(
        [
            {
                "type": "opened",
                "at": row["opened"].to_pydatetime(),
                "severity": row["severity"],
                **attributes,
            },
            *({"type": kind, "at": at.to_pydatetime()} for at, _r, _k, kind in events),
        ]
    )


@given(tables())
@settings(max_examples=settings.default.max_examples * 3 // 5)  # 60 in the ci profile
def test_every_row_equals_evaluate(table):
    """Every row of evaluate_frame equals evaluate() on the same incident, bad rows included."""
    policy, frame, pauses, as_of = table
    expected = []
    for index, row in frame.iterrows():
        spans = []
        if pauses is not None:
            spans = [(p.start, p.end) for p in pauses.itertuples() if p.id == row["id"]]
        try:
            expected.append(
                (index, evaluate(policy, timeline_of(policy, row.to_dict(), spans), as_of=as_of))
            )
        except EscalateError:
            expected.append((index, None))
    bad = sum(ev is None for _i, ev in expected)
    if bad:
        with pytest.warns(BadRowsWarning, match=f"^{bad} of {len(frame)} incident rows"):
            out = evaluate_frame(frame, policy, as_of=as_of, pauses=pauses)
    else:
        out = evaluate_frame(frame, policy, as_of=as_of, pauses=pauses)
    assert list(out.index) == list(frame.index)
    assert out["id"].tolist() == frame["id"].tolist()
    for index, ev in expected:
        got = out.loc[index]
        if ev is None:
            assert not pd.isna(got["error"])
            assert pd.isna(got["tier_level"])
            continue
        check_row(policy, got, ev)


def small_table() -> pd.DataFrame:
    """Three incidents of the seed 003 policy, opened on Friday 9 January 2026."""
    at = pd.Timestamp("2026-01-09 08:00", tz=BOGOTA)
    return pd.DataFrame(
        {
            "id": [1, 2, 3],
            "opened": [at, at, at],
            "responded": [at + pd.Timedelta(hours=1), pd.NaT, at + pd.Timedelta(hours=5)],
            "resolved": [pd.NaT, pd.NaT, pd.NaT],
            "severity": ["alta", "normal", "alta"],
            "category": ["billing", None, "tickets"],
            "team": ["a", "b", "a"],
        },
        index=[30, 10, 20],
    )


SAAS = SEEDS["seed_003_saas"]
AS_OF = datetime(2026, 1, 13, 9, 0, tzinfo=BOGOTA)


def test_bad_rows_get_an_error_and_one_warning():
    """Missing openings, unknown severities and early responses name the problem; the rest is fine."""
    frame = small_table()
    frame.loc[10, "opened"] = pd.NaT
    frame.loc[20, "severity"] = "altaa"
    frame = pd.concat([frame, small_table().iloc[[0]].set_index(pd.Index([40]))])
    frame.loc[40, "responded"] = frame.loc[40, "opened"] - pd.Timedelta(minutes=1)
    with pytest.warns(BadRowsWarning, match="3 of 4 incident rows"):
        out = evaluate_frame(frame, SAAS, as_of=AS_OF)
    assert list(out.index) == [30, 10, 20, 40]
    assert out["error"].tolist()[0] is pd.NA
    assert "missing opening" in out.loc[10, "error"]
    assert "unknown severity 'altaa'" in out.loc[20, "error"]
    assert "did you mean 'alta'" in out.loc[20, "error"]
    assert "responded before the opening" in out.loc[40, "error"]
    assert out.loc[30, "response_status"] == "met"
    assert out.loc[[10, 20, 40], "response_status"].isna().all()
    assert out["team"].tolist() == ["a", "b", "a", "a"]


def test_naive_columns_need_a_timezone():
    """Naive datetime columns raise NaiveDatetimeError naming timezone=, and work with it."""
    frame = small_table()
    naive = frame.assign(
        opened=frame["opened"].dt.tz_localize(None),
        responded=frame["responded"].dt.tz_localize(None),
        resolved=frame["resolved"].dt.tz_localize(None),
    )
    with pytest.raises(NaiveDatetimeError, match="timezone=") as raised:
        evaluate_frame(naive, SAAS, as_of=AS_OF)
    # the hint names the policy's zone, which a naive export was most likely written in
    assert f"timezone={SAAS.timezone!r} (the zone the times were written in, the policy's)" in (
        str(raised.value)
    )
    got = evaluate_frame(naive, SAAS, as_of=AS_OF, timezone="America/Bogota")
    want = evaluate_frame(frame, SAAS, as_of=AS_OF)
    pd.testing.assert_frame_equal(
        got.drop(columns=["opened", "responded", "resolved"]),
        want.drop(columns=["opened", "responded", "resolved"]),
    )


def test_naive_wall_times_in_dst_gaps_and_overlaps_follow_fold_0():
    """Naive wall times that do not exist or occur twice are placed as zoneinfo's fold=0."""
    policy = POLICIES["always"]
    walls = ["2026-03-08 02:30", "2026-11-01 01:30", "2026-06-01 10:00"]
    frame = pd.DataFrame(
        {
            "opened": pd.to_datetime(walls),
            "resolved": pd.to_datetime(walls) + pd.Timedelta(hours=3),
            "severity": "high",
        }
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = evaluate_frame(
            frame, policy, as_of=datetime(2027, 1, 1, tzinfo=UTC), timezone="America/New_York"
        )
    # each settled kind is said once, for the column that holds it
    gap = (
        "column 'opened': a row holds a wall time that does not exist in America/New_York "
        "(the clocks skip it): read with the UTC offset before the change, so it lands "
        "after the gap"
    )
    twice = (
        "column 'opened': a row holds a wall time that happens twice in America/New_York "
        "(the clocks go back): the first is taken"
    )
    said = [str(w.message).split(" (first")[0] for w in caught if "wall time" in str(w.message)]
    assert sorted(said) == [gap, twice]
    zone = ZoneInfo("America/New_York")
    for i, wall in enumerate(walls):
        opened = datetime.fromisoformat(wall).replace(tzinfo=zone)
        resolved = (datetime.fromisoformat(wall) + timedelta(hours=3)).replace(tzinfo=zone)
        assert out["resolution_elapsed"][i] == resolved.astimezone(UTC) - opened.astimezone(UTC)


def test_string_and_mixed_offset_columns_are_parsed():
    """ISO strings with offsets, even mixed ones, are read as instants."""
    frame = pd.DataFrame(
        {
            "opened": ["2026-01-09T08:00:00-05:00", "2026-01-09T13:00:00+00:00"],
            "responded": ["2026-01-09T09:00:00-05:00", None],
            "severity": ["alta", "alta"],
        }
    )
    out = evaluate_frame(frame, SAAS, as_of=AS_OF)
    assert out["response_elapsed"].tolist() == [pd.Timedelta(hours=1), pd.Timedelta(hours=9.5)]


def test_wrong_columns_are_clear_errors():
    """A missing column, an unknown role, or a non-datetime column raises a clear error."""
    frame = small_table()
    with pytest.raises(ConfigError, match="no column 'created'"):
        evaluate_frame(frame, SAAS, as_of=AS_OF, columns={"opened": "created"})
    with pytest.raises(ConfigError, match="did you mean 'opened'"):
        evaluate_frame(frame, SAAS, as_of=AS_OF, columns={"openedd": "opened"})
    with pytest.raises(InvalidInstantError, match="must hold datetimes"):
        evaluate_frame(frame.assign(responded=[1, 2, 3]), SAAS, as_of=AS_OF)
    with pytest.raises(ConfigError, match="the incidents' id column"):
        evaluate_frame(
            frame.drop(columns=["id"]),
            SAAS,
            as_of=AS_OF,
            pauses=pd.DataFrame({"id": [1], "start": [AS_OF], "end": [AS_OF]}),
        )
    with pytest.raises(ConfigError, match="no column 'end'"):
        evaluate_frame(frame, SAAS, as_of=AS_OF, pauses=pd.DataFrame({"id": [1], "start": [AS_OF]}))


def test_columns_are_mapped_and_others_copied():
    """Caller column names are mapped; every other column is copied through unchanged."""
    frame = small_table().rename(columns={"opened": "created", "severity": "priority"})
    out = evaluate_frame(
        frame, SAAS, as_of=AS_OF, columns={"opened": "created", "severity": "priority"}
    )
    assert out["severity"].tolist() == ["alta", "normal", "alta"]
    assert out["priority"].tolist() == ["alta", "normal", "alta"]
    assert out["route"].tolist() == ["billing", pd.NA, "tickets"]
    assert out["tier_name"].tolist() == ["Support desk"] * 3


def test_empty_table_keeps_columns_and_dtypes():
    """An empty table gives an empty result with the full set of typed columns (Dask's meta)."""
    out = evaluate_frame(small_table().iloc[:0], SAAS, as_of=AS_OF)
    full = evaluate_frame(small_table(), SAAS, as_of=AS_OF)
    assert list(out.columns) == list(full.columns)
    assert out.dtypes.to_dict() == full.dtypes.to_dict()


def test_beyond_horizon_and_bad_pauses_are_row_errors():
    """Instants beyond the horizon and a pause without a start are row errors, not failures."""
    frame = small_table()
    frame["responded"] = frame["responded"].astype("datetime64[us, America/Bogota]")
    frame.loc[30, "responded"] = pd.Timestamp("2250-01-01", tz=BOGOTA)
    pauses = pd.DataFrame(
        {
            "id": [2, 3, 3],
            "start": [pd.NaT, AS_OF - 20 * H, AS_OF - 30 * H],
            "end": [pd.NaT, AS_OF - 19 * H, AS_OF - 19 * H],
        }
    )
    pauses["start"] = pd.to_datetime(pauses["start"], utc=True)
    pauses["end"] = pd.to_datetime(pauses["end"], utc=True)
    with pytest.warns(BadRowsWarning, match="3 of 3"):
        out = evaluate_frame(frame, SAAS, as_of=AS_OF, pauses=pauses)
    assert "beyond the supported years" in out.loc[30, "error"]
    assert out.loc[10, "error"] == "a pause without a start"
    assert "paused twice" in out.loc[20, "error"]


def test_an_unreadable_pause_instant_flags_its_incident_not_still_paused():
    """A pause end that cannot be read is a row error naming the pause row, never "still paused".

    The other incidents, and the incident's readable pauses elsewhere, are unaffected.
    """
    frame = small_table()
    pauses = pd.DataFrame(
        {
            "id": [2, 3, 3],
            "start": ["2026-01-12T09:00:00-05:00", "2026-01-13T08:00:00-05:00", "nonsense"],
            "end": ["13/45/2026", "2026-01-13T08:30:00-05:00", "2026-01-13T09:30:00-05:00"],
        }
    )
    with pytest.warns(BadRowsWarning, match="2 of 3"):
        out = evaluate_frame(frame, SAAS, as_of=AS_OF, pauses=pauses)
    assert out.loc[10, "error"].startswith("pause table row 0: end '13/45/2026' is not a date-time")
    assert out.loc[20, "error"].startswith("pause table row 2: start 'nonsense' is not a date-time")
    assert out.loc[10, "resolution_status"] is pd.NA
    # the first incident is the one without pauses: evaluated as without a pause table
    alone = evaluate_frame(frame.loc[[30]], SAAS, as_of=AS_OF)
    pd.testing.assert_frame_equal(out.loc[[30]], alone)


def test_a_pause_that_ends_before_it_starts_is_named_by_its_row_label():
    """The pause row as the caller labels it, and what is wrong, not the engine's events."""
    frame = small_table()
    pauses = pd.DataFrame(
        {
            "id": [2, 3],
            "start": pd.to_datetime(["2026-01-12T10:00:00-05:00", "2026-01-13T08:00:00-05:00"]),
            "end": pd.to_datetime(["2026-01-12T09:00:00-05:00", "2026-01-13T08:30:00-05:00"]),
        },
        index=["p-7", "p-8"],
    )
    with pytest.warns(BadRowsWarning, match="1 of 3"):
        out = evaluate_frame(frame, SAAS, as_of=AS_OF, pauses=pauses)
    assert out.loc[10, "error"] == (
        "pause table row 'p-7': end '2026-01-12T09:00:00-05:00' is before the pause's start; "
        "swap them or mend the end"
    )
    assert out.loc[[20, 30], "error"].isna().all()


def test_polars_input_is_converted():
    """A polars DataFrame is converted at the edge, when polars is installed."""
    pl = pytest.importorskip("polars")
    frame = small_table()
    got = evaluate_frame(pl.from_pandas(frame), SAAS, as_of=AS_OF)
    # ticket 2 (normal, 4 h, no response) used 8 h on Friday and 1:30 on Tuesday (Monday
    # 12 January is a holiday): breached by 09:00 on the 13th
    assert got["response_status"].tolist() == ["met", "breached", "breached"]
    expected = evaluate_frame(frame, SAAS, as_of=AS_OF).reset_index(drop=True)
    # escalate's own columns are identical; polars stores the pass-through instant columns
    # in its own units (an all-NaT seconds column comes back in milliseconds)
    ours = [c for c in expected.columns if c not in ("opened", "responded", "resolved")]
    pd.testing.assert_frame_equal(got[ours], expected[ours])


def test_policy_is_picklable_and_a_partition_function():
    """evaluate_frame of a pickled policy on each partition equals it on the whole table."""
    policy = pickle.loads(pickle.dumps(SAAS))
    frame = small_table()
    parts = pd.concat(
        [evaluate_frame(frame.iloc[i : i + 1], policy, as_of=AS_OF) for i in range(3)]
    )
    pd.testing.assert_frame_equal(parts, evaluate_frame(frame, SAAS, as_of=AS_OF))


def test_dask_map_partitions_on_a_local_cluster():
    """ddf.map_partitions(evaluate_frame, ...) on a local Dask cluster equals the pandas call."""
    dd = pytest.importorskip("dask.dataframe")
    distributed = pytest.importorskip("distributed")
    frame = pd.concat([small_table()] * 4, ignore_index=True)
    ddf = dd.from_pandas(frame, npartitions=3)
    meta = evaluate_frame(ddf._meta, SAAS, as_of=AS_OF)
    with (
        distributed.LocalCluster(n_workers=2, processes=False, dashboard_address=":0") as cluster,
        distributed.Client(cluster),
    ):
        got = ddf.map_partitions(evaluate_frame, policy=SAAS, as_of=AS_OF, meta=meta).compute()
    # compare with the table as Dask holds it (it may store text as pyarrow strings)
    pd.testing.assert_frame_equal(got, evaluate_frame(ddf.compute(), SAAS, as_of=AS_OF))


# -- compliance ---------------------------------------------------------------------------


def test_compliance_on_a_hand_worked_table():
    """Counts, share met, Wilson interval and elapsed quantiles match a hand computation.

    Response (goal 2 h for alta, 4 h for normal), as of Tuesday 09:00: incident 1 replied
    after 1 h (met), incident 3 at 13:00, 4.5 business hours with lunch (breached), incident 2 (normal) still running
    with 9 business hours gone (breached). Alta: 1 met of 2 decided: 50%; Wilson at 95%
    with z = 1.96 and n = 2: centre (0.5 + z²/4) / (1 + z²/2) = 0.5, half-width
    z * sqrt(0.25/2 + z²/16) / (1 + z²/2) = 0.4057, so 9.45% to 90.55%.
    """
    out = evaluate_frame(small_table(), SAAS, as_of=AS_OF)
    report = compliance(out, by=["severity"], targets=["response"])
    alta = report[report["severity"] == "alta"].iloc[0]
    assert (alta["count"], alta["met"], alta["breached"], alta["open"]) == (2, 1, 1, 0)
    assert alta["percent_met"] == 50
    assert alta["ci_low"] == pytest.approx(9.4531, abs=1e-3)
    assert alta["ci_high"] == pytest.approx(90.5469, abs=1e-3)
    assert alta["median_elapsed"] == pd.Timedelta(hours=2.75)  # of 1 h and 4.5 h
    assert alta["p90_elapsed"] == pd.Timedelta(hours=4.15)  # 1 h + 0.9 * 3.5 h
    normal = report[report["severity"] == "normal"].iloc[0]
    assert (normal["count"], normal["met"], normal["breached"], normal["open"]) == (1, 0, 1, 0)
    assert pd.isna(normal["median_elapsed"])  # it never responded
    assert list(report.columns) == [
        "severity", "target", "count", "met", "breached", "open", "percent_met",
        "ci_low", "ci_high", "median_elapsed", "p90_elapsed",
    ]  # fmt: skip


def test_compliance_by_month_team_and_period_leaves_out_errors():
    """A month key comes from the opening, freq adds a period, and error rows are left out."""
    frame = small_table()
    frame.loc[10, "severity"] = "nope"
    with pytest.warns(BadRowsWarning):
        out = evaluate_frame(frame, SAAS, as_of=AS_OF)
    report = compliance(out, by=["month", "team"], freq="W")
    # definitive_fix has not started on either row: pending, neither counted nor open
    assert set(out["definitive_fix_status"].dropna()) == {"pending"}
    assert set(report["target"]) == {"response", "resolution"}
    assert report["month"].astype(str).unique().tolist() == ["2026-01"]
    assert report["count"].sum() == 2 * 2
    response = report[report["target"] == "response"].iloc[0]
    assert response["team"] == "a"
    assert "period" in report.columns


def test_compliance_without_keys_and_bad_confidence():
    """No keys give one row per target; a confidence outside (0, 1) raises ValueError."""
    out = evaluate_frame(small_table(), SAAS, as_of=AS_OF)
    report = compliance(out, by=[], targets=["response"])
    assert len(report) == 1
    assert report["count"][0] == 3
    with pytest.raises(ValueError, match="confidence"):
        compliance(out, confidence=1.5)
    assert compliance(out, targets=[]).empty


def test_wilson_interval_at_the_edges():
    """All met gives an upper bound of 100%; nothing decided gives NaN bounds."""
    from escalate._compliance import _wilson  # noqa: PLC0415

    low, high = _wilson(10, 10, 1.959964)
    assert high == pytest.approx(100)
    assert low == pytest.approx(72.25, abs=0.01)
    assert all(math.isnan(v) for v in _wilson(0, 0, 1.96))
    assert np.isclose(_wilson(8, 10, 1.959964)[0], 49.016, atol=1e-2)


def test_unknown_plan_and_empty_numeric_columns():
    """An unknown plan is a row error naming the plans; an all-missing numeric column is NaT."""
    policy = SEEDS["seed_002_hosting"]
    frame = pd.DataFrame(
        {
            "opened": [pd.Timestamp("2026-01-09 08:00", tz=BOGOTA)] * 2,
            "responded": [np.nan, np.nan],
            "severity": [policy.severity_names[0]] * 2,
            "plan": ["nivel1", "nivel9"],
        }
    )
    with pytest.warns(BadRowsWarning, match="1 of 2"):
        out = evaluate_frame(frame, policy, as_of=AS_OF)
    assert "unknown plan 'nivel9'" in out["error"][1]
    assert out["plan"].tolist() == ["nivel1", "nivel9"]
    assert out["response_status"][0] in {"running", "breached"}


def test_compliance_accepts_naive_times_and_own_month_column():
    """A naive time column and a month column of the caller's are used as they are."""
    frame = small_table()
    out = evaluate_frame(frame, SAAS, as_of=AS_OF).drop(columns=["error"])
    out["opened"] = out["opened"].dt.tz_localize(None)
    report = compliance(out, by=["month"], freq="D", targets=["response"])
    assert report["period"].astype(str).tolist() == ["2026-01-09"]
    out["month"] = "January"
    assert compliance(out, by=["month"], targets=["response"])["month"].tolist() == ["January"]


def test_next_open_many_equals_next_open():
    """next_open_many equals next_open everywhere, on closings, openings and across years."""
    cal = Calendar(
        timezone="America/Bogota",
        hours={"mon-fri": ["07:30-12:30", "13:30-17:00"]},
        holidays=Holidays.country("CO"),
    )
    fresh = attrs.evolve(cal)  # an empty index cache: the search must grow it
    base = datetime(2026, 12, 31, 16, 0, tzinfo=BOGOTA)
    instants = [base + k * 37 * M for k in range(200)]
    instants += [cal.next_open(base), cal.next_close(base), cal.next_close(base) - US]
    values = np.array(
        [t.astimezone(UTC).replace(tzinfo=None) for t in instants], dtype="datetime64[us]"
    )
    got = fresh.next_open_many(values[::-1])[::-1]
    for t, value in zip(instants, got, strict=True):
        want = cal.next_open(t).astimezone(UTC).replace(tzinfo=None)
        assert value == np.datetime64(want, "us")
    assert np.isnat(cal.next_open_many(np.array(["NaT"], dtype="datetime64[us]"))).all()
    always = Calendar.always("UTC").next_open_many(values[:3])
    assert (always == values[:3]).all()


# -- plots --------------------------------------------------------------------------------


def plot_results() -> pd.DataFrame:
    """Evaluate two months of the small table, for the plot tests."""
    later = small_table().assign(opened=lambda f: f["opened"] + pd.Timedelta(days=35))
    later["responded"] = later["opened"] + pd.Timedelta(hours=1)
    later["resolved"] = later["opened"] + pd.Timedelta(hours=3)
    frame = pd.concat([small_table().assign(resolved=lambda f: f["opened"] + 6 * H), later])
    return evaluate_frame(frame.reset_index(drop=True), SAAS, as_of=AS_OF + 60 * 24 * H)


def test_plot_compliance_returns_a_figure_with_a_goal_line():
    """plot_compliance returns a Figure with one line per severity and the goal line."""
    pytest.importorskip("matplotlib")
    from escalate import plot_compliance  # noqa: PLC0415

    figure = plot_compliance(plot_results(), target="response", objective=90)
    (ax,) = figure.axes
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels == ["alta", "normal", "goal 90%"]
    assert figure.__class__.__name__ == "Figure"


def test_plot_elapsed_draws_one_panel_per_severity_with_the_goal():
    """plot_elapsed draws a histogram per severity with the goal as a vertical line."""
    pytest.importorskip("matplotlib")
    from escalate import plot_elapsed  # noqa: PLC0415

    figure = plot_elapsed(plot_results(), target="resolution")
    assert [ax.get_title() for ax in figure.axes] == ["severity = alta", "severity = normal"]
    goal_lines = [line.get_xdata()[0] for line in figure.axes[0].get_lines()]
    assert goal_lines == [8.0]


def test_duplicate_index_and_categorical_severity_are_kept():
    """A duplicate index and a categorical severity column come back as given."""
    frame = small_table().set_index(pd.Index([5, 5, 7]))
    frame["severity"] = pd.Categorical(frame["severity"])
    out = evaluate_frame(frame, SAAS, as_of=AS_OF)
    assert out.index.tolist() == [5, 5, 7]
    assert out["response_status"].tolist() == ["met", "breached", "breached"]


def test_missing_event_columns_are_a_warning():
    """A response or custom event column that is absent is a warning naming the table's columns.

    It is never read as "never happened" without a word; columns={...: None} says so.
    """
    frame = small_table().drop(columns=["responded"])
    with pytest.warns(
        MissingColumnsWarning, match="no column for 'fix_released', 'responded'"
    ) as info:
        evaluate_frame(frame, SAAS, as_of=AS_OF, columns={"workaround_applied": None})
    assert "'opened', 'resolved', 'severity'" in str(info[0].message)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        evaluate_frame(
            frame,
            SAAS,
            as_of=AS_OF,
            columns={"responded": None, "workaround_applied": None, "fix_released": None},
        )


def test_input_columns_named_like_results_are_replaced_with_a_warning():
    """An input 'error' column is not copied through silently: the warning names it."""
    frame = small_table().assign(error="old note", response_status="x")
    with pytest.warns(EscalateWarning, match=r"columns 'error', 'response_status' have the names"):
        out = evaluate_frame(frame, SAAS, as_of=AS_OF)
    assert out["error"].isna().all()
    assert set(out["response_status"]) <= {"met", "breached", "running", "paused", "pending"}
    with pytest.warns(EscalateWarning, match=r"and \d+ more have the names of result columns"):
        evaluate_frame(out, SAAS, as_of=AS_OF)


def test_text_cells_read_as_the_history_readers_read_them():
    """Stripped, and '?' or 'N/A' is no value: a wide table and a log agree row by row."""
    opened = pd.to_datetime(["2026-01-12T09:00:00-05:00"] * 4, utc=True)
    severities = ["alta ", " alta", "?", "N/A"]
    wide = pd.DataFrame({"id": [1, 2, 3, 4], "opened": opened, "severity": severities})
    events = wide.rename(columns={"opened": "at"}).assign(type="opened")
    with pytest.warns(BadRowsWarning, match="2 of 4"):
        got = evaluate_frame(wide, SAAS, as_of=AS_OF, columns={"responded": None, "resolved": None})
    with pytest.warns(BadRowsWarning, match="2 of 4"):
        log = evaluate_frame(EventLog.from_events(events), SAAS, as_of=AS_OF)
    assert got["severity"].tolist()[:2] == log["severity"].tolist()[:2] == ["alta", "alta"]
    assert got["response_status"].tolist()[:2] == log["response_status"].tolist()[:2]
    assert got["error"].tolist()[2:] == ["missing severity (column 'severity')"] * 2
    assert log["error"].iloc[2:].notna().all()
