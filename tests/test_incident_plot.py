"""``plot_incident``: one evaluated incident drawn as lanes, spans, deadlines and tiers.

The figures are read back through their artists (found by ``gid``) with matplotlib's Agg
backend: every span drawn is checked against the evaluation and against ``explain()``.
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings

matplotlib = pytest.importorskip("matplotlib", reason="plot_incident needs the 'plot' extra")
matplotlib.use("Agg")

from matplotlib.dates import date2num  # noqa: E402

from escalate import (  # noqa: E402
    ConfigError,
    Evaluation,
    InvalidArgumentError,
    MissingExtraError,
    TargetStatus,
    TierState,
    Timeline,
    evaluate,
    load_policy,
    plot_incident,
)
from escalate._incident_plot import EVENT_MARKS, PERIODS, picture  # noqa: E402
from tests.evaluator_reference import incidents  # noqa: E402

BOG = ZoneInfo("America/Bogota")
US = timedelta(microseconds=1)
DAY = 86_400_000_000
EXAMPLES = Path(__file__).parent.parent / "examples" / "policies"

POLICY = load_policy(
    {
        "clock": "office",
        "calendars": {
            "office": {
                "timezone": "America/Bogota",
                "hours": {"mon-fri": ["07:30-12:30", "13:30-17:00"]},
                "holidays": {"country": "CO"},
            }
        },
        "targets": {
            "postmortem": {
                "start": "resolved",
                "stop": "report_sent",
                "clock": "24x7",
                "pauses": False,
                "required": False,
            },
        },
        "severities": {
            "alta": {
                "response": "2h",
                "resolution": {"duration": "8h", "warning": "6h"},
                "postmortem": "72h",
            },
            "baja": {"response": "8h", "resolution": "80h"},
        },
        "tiers": [
            {"level": 1, "name": "Desk", "trigger": "open"},
            {"level": 2, "name": "Lead", "trigger": {"of": "resolution", "percent": 50}},
            {"level": 3, "name": "Manager", "trigger": {"breach": "resolution"}},
        ],
    }
)


def bog(day: int, hour: int, minute: int = 0) -> datetime:
    """An instant in January 2026, Bogota time."""
    return datetime(2026, 1, day, hour, minute, tzinfo=BOG)


DISPUTED = (
    Timeline.open(bog(15, 15), severity="baja")
    .change_severity(bog(15, 16), "alta")
    .respond(bog(15, 16, 30))
    .pause(bog(16, 9), reason="waiting for customer")
    .resume(bog(19, 10))
    .resolve(bog(20, 11))
)


def disputed() -> Evaluation:
    """A breached incident: a severity raise, a pause over a weekend, three tiers fired."""
    return evaluate(POLICY, DISPUTED, as_of=bog(20, 12))


def artists(figure, gid: str) -> list:
    """Return the artists of the figure's axes with this gid."""
    (ax,) = figure.axes
    return [a for a in ax.get_children() if a.get_gid() == gid]


def one(figure, gid: str):
    """Return the only artist with this gid."""
    (found,) = artists(figure, gid)
    return found


def bars(collection) -> list[tuple[float, float]]:
    """Return the (left, right) x of each bar of a broken_barh collection."""
    return [(p.vertices[:, 0].min(), p.vertices[:, 0].max()) for p in collection.get_paths()]


def x(value: datetime) -> float:
    """The x of an instant on the figure's date axis."""
    return float(date2num(value))


def test_returns_a_figure_and_labels_times_in_the_policy_zone():
    """The figure has one lane per target plus tiers and history, in Bogota time."""
    figure = plot_incident(disputed())
    (ax,) = figure.axes
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == [
        "postmortem\n(24x7)",
        "resolution\n(office)",
        "response\n(office)",
        "tiers",
        "history",
    ]
    assert ax.get_xlabel() == "time in America/Bogota"
    assert ax.get_title(loc="left").startswith("Incident opened 2026-01-15 15:00 -05")
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert {"counted", "paused", "due (last instant still met)", "tier fired"} <= set(legend)
    assert figure.canvas.get_supported_filetypes()["png"]


def test_deadline_warning_breach_and_stop_are_at_the_evaluations_instants():
    """The due line is at due_at, the warning at warning_at, the X at breached_at."""
    ev = disputed()
    r = ev["resolution"]
    assert r.status is TargetStatus.BREACHED
    figure = plot_incident(ev)
    for gid, instant in (
        ("due:resolution", r.due_at),
        ("warning:resolution", r.warning_at),
        ("stopped:resolution", r.stopped_at),
        ("due:response", ev["response"].due_at),
    ):
        assert instant is not None
        xs = one(figure, gid).get_xdata()
        assert xs[0] == xs[1] == pytest.approx(x(instant), abs=1e-9)
    assert r.breached_at is not None
    (offset,) = one(figure, "breached:resolution").get_offsets()
    assert offset[0] == pytest.approx(x(r.breached_at), abs=1e-9)
    assert artists(figure, "breached:response") == []
    assert one(figure, "as_of").get_xdata()[0] == pytest.approx(x(ev.as_of), abs=1e-9)


def test_tier_markers_are_the_fired_tiers():
    """One filled marker per fired tier, at its instant; nothing projected once resolved."""
    ev = disputed()
    fired = [s for s in ev.schedule if s.state is TierState.FIRED]
    assert len(fired) == 3
    figure = plot_incident(ev)
    xs = sorted(o[0] for o in one(figure, "tier_fired").get_offsets())
    assert xs == pytest.approx(sorted(x(s.at) for s in fired if s.at), abs=1e-9)
    assert artists(figure, "tier_projected") == []


def test_a_projected_tier_is_a_hollow_marker():
    """An open incident shows the tiers still to come, at their projected instants."""
    ev = evaluate(POLICY, Timeline.open(bog(15, 15), severity="alta"), as_of=bog(15, 16))
    projected = [s for s in ev.schedule if s.state is TierState.PROJECTED]
    figure = plot_incident(ev)
    marks = one(figure, "tier_projected").get_offsets()
    assert len(marks) == len(projected) == 2
    assert max(o[0] for o in marks) <= figure.axes[0].get_xlim()[1]


def test_paused_spans_are_the_timelines_pauses():
    """The paused bars run from each pause to its resume, on every target it holds."""
    figure = plot_incident(disputed())
    (pause,) = bars(one(figure, "paused:resolution"))
    assert pause == pytest.approx((x(bog(16, 9)), x(bog(19, 10))), abs=1e-9)
    assert artists(figure, "paused:response") == []  # responded before the pause


def test_counted_spans_are_the_open_periods_explain_lists():
    """Each counted bar is a 'counted' line of explain(), and they sum to elapsed."""
    ev = disputed()
    lines = [line for line in ev.explain().splitlines() if line.startswith("  counted")]
    figure = plot_incident(ev)
    names = [t.name for t in ev.targets]
    drawn = [bar for name in names for bar in bars(one(figure, f"counted:{name}"))]
    assert len(drawn) == len(lines) == 7
    assert sum(b - a for a, b in drawn) * DAY == pytest.approx(
        sum((t.elapsed for t in ev.targets), timedelta()) / US, abs=10
    )


def test_business_hours_are_shaded_on_each_targets_clock():
    """Office lanes shade the open periods, the 24x7 lane one span over the whole view."""
    figure = plot_incident(disputed())
    office = bars(one(figure, "open:resolution"))
    assert office[0] == pytest.approx((x(bog(15, 15)), x(bog(15, 17))), abs=1e-9)
    assert (x(bog(16, 7, 30)), x(bog(16, 12, 30))) == pytest.approx(office[1], abs=1e-9)
    assert len(bars(one(figure, "open:postmortem"))) == 1
    assert one(figure, "closed:resolution") is not None


def test_severity_changes_and_history_are_marked():
    """A line across the lanes at the severity raise, and one mark per event."""
    figure = plot_incident(disputed())
    (segment,) = one(figure, "severity").get_segments()
    assert segment[0][0] == pytest.approx(x(bog(15, 16)), abs=1e-9)
    assert len(one(figure, "events").get_offsets()) == len(DISPUTED.events) - 1
    texts = {t.get_text() for t in figure.axes[0].texts}
    assert {"severity alta", "paused (waiting for customer)", "resolved"} <= texts


def test_a_target_not_started_is_drawn_pending():
    """The postmortem waits for the resolution: a thin pending bar up to it, then counts."""
    pic = picture(disputed())
    _response, resolution, postmortem = pic.lanes
    assert postmortem.pending == [(pic.start, resolution.stopped)]
    assert postmortem.counted == [(resolution.stopped, pic.now, True)]
    assert len(bars(one(plot_incident(disputed()), "pending:postmortem"))) == 1


def test_an_incident_open_for_decades_draws_a_bounded_picture():
    """Open since 2026 and evaluated in 2199: at most a few hundred periods are drawn."""
    opened = Timeline.open(bog(13, 9), severity="alta")
    ev = evaluate(POLICY, opened, as_of=datetime(2199, 1, 1, tzinfo=BOG))
    pic = picture(ev)
    for lane in pic.lanes:
        assert len(lane.counted) <= 2 * PERIODS
        assert len(lane.open) <= 2 * PERIODS
        assert lane.counted_total() == ev[lane.name].elapsed / US
    resolution = pic.lanes[1]
    assert len(resolution.counted_gaps) == 1
    assert len(resolution.open_gaps) == 1
    figure = plot_incident(ev)
    assert len(bars(one(figure, "counted:resolution"))) == 2 * PERIODS
    assert len(artists(figure, "counted_gap:resolution")) == 1
    assert any(t.get_text().endswith(" counted") for t in figure.axes[0].texts)


def test_a_concluded_incident_is_drawn_to_its_end_not_to_as_of():
    """Evaluated a year after every clock stopped, the view ends with the incident."""
    tl = Timeline.open(bog(15, 9), severity="alta").respond(bog(15, 10)).resolve(bog(15, 12))
    tl = tl.then("report_sent", bog(16, 9))
    ev = evaluate(POLICY, tl, as_of=datetime(2027, 1, 15, tzinfo=BOG))
    pic = picture(ev)
    assert pic.end == pic.lanes[2].stopped == int((bog(16, 9) - bog(15, 9)) / US) + pic.start
    figure = plot_incident(ev)
    assert artists(figure, "as_of") == []
    assert artists(figure, "due:response")  # met: drawn, though it does not widen the view
    assert "as of 2027-01-15" in figure.axes[0].get_title(loc="left")


def test_many_events_are_marked_bounded():
    """A thousand pauses mark at most EVENT_MARKS events and say how many are not."""
    tl = Timeline.open(bog(13, 8), severity="baja")
    at = bog(13, 8)
    for _ in range(500):
        at += timedelta(minutes=1)
        tl = tl.pause(at)
        at += timedelta(minutes=1)
        tl = tl.resume(at)
    ev = evaluate(POLICY, tl, as_of=at + timedelta(hours=1))
    pic = picture(ev)
    assert len(pic.events) == EVENT_MARKS
    assert pic.hidden_events == 1000 - EVENT_MARKS
    assert len(pic.lanes[1].paused) == 500
    figure = plot_incident(ev)
    assert f"{1000 - EVENT_MARKS} more events not marked" in {
        t.get_text() for t in figure.axes[0].texts
    }


def test_a_reopen_that_restarts_draws_the_earlier_measurement_apart():
    """Counted time before a restarting reopen is drawn lighter and not in elapsed."""
    policy = load_policy(
        {
            "clock": "24x7",
            "targets": {"resolution": {"start": ["opened", "reopened"], "on_reopen": "restart"}},
            "severities": {"alta": {"response": "2h", "resolution": "8h"}},
        }
    )
    start = datetime(2026, 1, 13, 9, tzinfo=BOG)
    tl = Timeline.open(start, severity="alta").resolve(start + timedelta(hours=3))
    tl = tl.reopen(start + timedelta(hours=5))
    ev = evaluate(policy, tl, as_of=start + timedelta(hours=6))
    pic = picture(ev)
    lane = pic.lanes[1]
    assert [c for *_span, c in lane.counted] == [False, True]
    assert lane.counted_total() == ev["resolution"].elapsed / US == 3_600_000_000
    assert lane.reopened
    figure = plot_incident(ev)
    assert len(bars(one(figure, "counted_before:resolution"))) == 1
    assert len(one(figure, "reopened:resolution").get_offsets()) == 1


def test_a_restarted_target_waiting_for_its_start_is_pending_again():
    """Reopened with a restart but no new start: explain and the picture say pending."""
    policy = load_policy(
        {
            "clock": "24x7",
            "targets": {"resolution": {"on_reopen": "restart"}},
            "severities": {"alta": {"response": "2h", "resolution": "8h"}},
        }
    )
    start = datetime(2026, 1, 13, 9, tzinfo=BOG)
    tl = Timeline.open(start, severity="alta").resolve(start + timedelta(hours=3))
    reopened = start + timedelta(hours=5)
    ev = evaluate(policy, tl.reopen(reopened), as_of=start + timedelta(hours=6))
    text = ev.explain()
    assert "a new measurement starts" in text
    assert "  pending from Tue 2026-01-13 19:00+0000" in text
    pic = picture(ev)
    lane = pic.lanes[1]
    # no clock runs: the view ends at the reopen, which is marked on the lane
    assert lane.reopened == [pic.end] == [int(reopened.timestamp()) * 10**6]
    assert lane.counted_total() == 0 == ev["resolution"].elapsed / US


def test_before_the_opening_nothing_is_drawn_but_the_lanes():
    """An evaluation before the incident opened draws empty lanes over an hour."""
    ev = evaluate(POLICY, Timeline.open(bog(15, 15), severity="alta"), as_of=bog(15, 14))
    pic = picture(ev)
    assert all(lane.counted == [] and lane.paused == [] for lane in pic.lanes)
    assert pic.end - pic.start == 3_600_000_000
    plot_incident(ev)


def test_the_zone_option_moves_the_axis():
    """``zone`` shows the times in another zone and says so."""
    figure = plot_incident(disputed(), zone="Europe/Madrid")
    assert figure.axes[0].get_xlabel() == "time in Europe/Madrid"
    assert "2026-01-15 21:00 CET" in figure.axes[0].get_title(loc="left")


def test_an_unknown_zone_is_a_config_error():
    """A zone that is not an IANA name fails naming the argument and a fix."""
    with pytest.raises(ConfigError, match="unknown time zone") as caught:
        plot_incident(disputed(), zone="America/Bogot")
    assert caught.value.paths == ("zone",)


def test_a_hand_built_evaluation_cannot_be_drawn():
    """Without its timeline an evaluation cannot be drawn; the error says why."""
    ev = Evaluation(
        as_of=bog(15, 15),
        severity="alta",
        plan=None,
        route=None,
        targets=(),
        tier=None,
        next_tier=None,
        escalations=(),
    )
    with pytest.raises(InvalidArgumentError, match="built by hand"):
        plot_incident(ev)
    with pytest.raises(InvalidArgumentError, match="needs an Evaluation, got str"):
        plot_incident("not an evaluation")  # type: ignore[arg-type]


def test_without_matplotlib_the_error_names_the_extra(monkeypatch):
    """A missing matplotlib raises MissingExtraError naming the 'plot' extra."""
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(MissingExtraError, match=r"escalate-sla\[plot\]"):
        plot_incident(disputed())


def test_explain_counts_each_stretch_on_the_clock_in_force():
    """A raise to a 24x7 goal: explain's counted lines sum to elapsed (office hours first)."""
    policy = load_policy(EXAMPLES / "seed_002_hosting.toml")
    tl = Timeline.open("2026-01-19T07:00:00-05:00", severity="medio").change_severity(
        "2026-01-19T09:00:00-05:00", "alto"
    )
    ev = evaluate(policy, tl, as_of="2026-01-19T09:30:00-05:00")
    counted = [line for line in ev.explain().splitlines() if line.startswith("  counted")]
    assert [line.rsplit("= ", 1)[1] for line in counted] == ["1h", "30m"]
    assert ev["response"].elapsed == timedelta(hours=1, minutes=30)
    lane = picture(ev).lanes[0]
    assert lane.counted_total() == 5_400_000_000
    # shaded on office hours until the raise, then 24x7: one span from 09:00 on
    assert lane.open[0] == (_us("2026-01-19T08:00:00-05:00"), _us("2026-01-19T09:00:00-05:00"))
    assert lane.open[-1][0] == _us("2026-01-19T09:00:00-05:00")
    at_the_change = evaluate(policy, tl, as_of="2026-01-19T09:00:00-05:00")
    assert picture(at_the_change).lanes[0].open[-1][1] == _us("2026-01-19T09:00:00-05:00")


def _us(text: str) -> int:
    """The instant of an ISO 8601 text in microseconds since the epoch."""
    return int(datetime.fromisoformat(text).timestamp()) * 1_000_000


def test_explain_before_the_opening_lists_no_spans():
    """Evaluated before the opening, explain() names each target pending and nothing else."""
    ev = evaluate(POLICY, Timeline.open(bog(15, 15), severity="alta"), as_of=bog(15, 14))
    lines = ev.explain().splitlines()
    assert lines[1].startswith("Target response: pending")
    assert not any(line.startswith(("  counted", "  paused")) for line in lines)


@given(incidents())
@settings(max_examples=settings.default.max_examples // 2)  # each draws a figure
def test_counted_spans_drawn_sum_to_each_targets_elapsed(incident):
    """On random timelines the counted spans of each lane sum to the target's elapsed."""
    _name, policy, timeline, as_of = incident
    ev = evaluate(policy, timeline, as_of=as_of)
    pic = picture(ev)
    figure = plot_incident(ev)
    for lane, result in zip(pic.lanes, ev.targets, strict=True):
        elapsed = result.elapsed / US
        assert lane.counted_total() == elapsed
        found = artists(figure, f"counted:{lane.name}")
        drawn = sum(b - a for a, b in bars(found[0])) * DAY if found else 0
        hidden = sum(n for _a, _b, n, current in lane.counted_gaps if current)
        assert drawn + hidden == pytest.approx(elapsed, abs=1 + len(lane.counted))
        assert all(pic.start <= lo < hi <= pic.now for lo, hi in lane.paused)


# -- the command line ---------------------------------------------------------------------


def deadline(*args: str | Path):
    """Run ``escalate deadline`` on seed 003 for an alta incident, with ``args`` added."""
    pytest.importorskip("click", reason="the command line needs the 'cli' extra")
    pytest.importorskip("rich", reason="the command line needs the 'cli' extra")
    from click.testing import CliRunner  # noqa: PLC0415

    from escalate.cli import app  # noqa: PLC0415

    base = ["deadline", "--policy", str(EXAMPLES / "seed_003_saas.toml"), "--severity", "alta"]
    base += ["--opened", "2026-11-13T16:10-05:00", "--as-of", "2026-11-17T09:00-05:00"]
    return CliRunner().invoke(app, [*base, *(str(a) for a in args)])


def test_deadline_plot_writes_the_incidents_picture(tmp_path: Path):
    """``deadline --plot incident.png`` writes a PNG, says so, and still prints JSON."""
    out = tmp_path / "incident.png"
    result = deadline("--plot", out, "--json")
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"\x89PNG\r\n")
    assert f"saved the timeline to {out}" in result.stderr
    assert '"severity": "alta"' in result.stdout


def test_deadline_plot_in_another_zone_and_format(tmp_path: Path):
    """``--tz`` sets the zone of the picture too; ``.svg`` writes an SVG."""
    out = tmp_path / "incident.svg"
    result = deadline("--plot", out, "--tz", "Europe/Madrid")
    assert result.exit_code == 0, result.output
    assert "time in Europe/Madrid" in out.read_text()


def test_deadline_plot_without_matplotlib_names_the_extra(monkeypatch, tmp_path: Path):
    """Without matplotlib, ``deadline --plot`` fails first, naming the extra to install."""
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    result = deadline("--plot", tmp_path / "incident.png")
    assert result.exit_code == 2
    assert "pip install 'escalate-sla[plot]'" in result.stderr
    assert not (tmp_path / "incident.png").exists()


def test_deadline_plot_checks_the_image_format_first(tmp_path: Path):
    """An extension matplotlib cannot write is refused before anything is evaluated."""
    result = deadline("--plot", tmp_path / "incident.xyz")
    assert result.exit_code == 2
    assert "cannot tell the image format of 'incident.xyz'" in result.stderr
