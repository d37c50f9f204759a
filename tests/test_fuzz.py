"""Fuzzing the boundary: generated junk into calendars, policies and availability.

Every call either succeeds or raises an :class:`~escalate.EscalateError` that is also one
of the builtins ``docs/reference/errors.md`` documents for that entry point, within the
fuzz deadline (see ``tests/fuzzing.py``). Any other exception (``AttributeError``, a bare
``ValueError``, ``OverflowError``, ``RecursionError``...) fails the test.
"""

from __future__ import annotations

import json
import tomllib
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from hypothesis import assume, given
from hypothesis import strategies as st

from escalate import (
    Availability,
    BusinessDays,
    Calendar,
    EscalateError,
    InvalidCalendarError,
    Period,
    availability,
    availability_frame,
    load_policy,
)
from tests import strategies
from tests.fuzzing import fuzz_settings, junk_table, outcome

POLICY_DIR = Path(__file__).parent.parent / "examples" / "policies"
POLICY_FILES = sorted(POLICY_DIR.glob("*.toml"))
POLICIES = [tomllib.loads(path.read_text(encoding="utf-8")) for path in POLICY_FILES]
CALENDAR = {
    "timezone": "America/Bogota",
    "hours": {"mon-fri": ["07:30-12:30", "13:30-17:00"], "sat": ["08:00-12:00"]},
    "holidays": [{"country": "CO"}, "2026-03-02"],
    "exceptions": {"2026-12-24": ["07:30-12:00"], "2026-12-31": []},
}
BOGOTA = ZoneInfo("America/Bogota")

# -- calendars ----------------------------------------------------------------------------


@fuzz_settings(examples=40)
@given(
    config=strategies.mutated_configs(CALENDAR),
    at=strategies.any_aware_datetimes,
    hours=st.integers(-400, 400),
)
def test_calendar_from_dict_takes_any_junk(config: object, at: datetime, hours: int):
    """A mutated calendar config builds, or fails with InvalidCalendarError; what builds answers."""
    cal = outcome("Calendar.from_dict", lambda: Calendar.from_dict(config))  # type: ignore[arg-type]
    if isinstance(cal, EscalateError):
        assert isinstance(cal, InvalidCalendarError)
        return
    assert Calendar.from_dict(cal.to_dict()) == cal
    outcome("Calendar methods", lambda: cal.add(at, timedelta(hours=hours)))
    outcome("Calendar methods", lambda: cal.between(at, at + timedelta(days=3)))
    outcome("Calendar methods", lambda: cal.next_open(at))
    outcome("Calendar methods", lambda: cal.add_business_days(at, hours))


@fuzz_settings(examples=40)
@given(value=strategies.python_junk, method=st.sampled_from(["add", "between", "is_open"]))
def test_calendar_methods_take_any_junk(value: object, method: str):
    """Any junk where an instant or a duration goes is a documented error, never a crash."""
    cal = Calendar.from_dict(CALENDAR)
    at = datetime(2026, 11, 13, 16, 10, tzinfo=BOGOTA)
    calls = {
        "add": lambda: (cal.add(value, timedelta(hours=1)), cal.add(at, value)),
        "between": lambda: (cal.between(value, at), cal.between(at, value)),
        "is_open": lambda: (cal.is_open(value), cal.add_business_days(at, value)),
    }
    result = outcome("Calendar methods", calls[method])  # type: ignore[arg-type]
    assert isinstance(result, EscalateError)


# -- policies -----------------------------------------------------------------------------


@fuzz_settings(examples=60)
@given(config=st.sampled_from(POLICIES).flatmap(strategies.mutated_configs))
def test_load_policy_takes_any_mutation_of_the_example_policies(config: object):
    """Deleted keys, nulls, wrong types, junk and huge values: a policy or a PolicyError."""
    policy = outcome("load_policy", lambda: load_policy(config))  # type: ignore[arg-type]
    if not isinstance(policy, EscalateError):
        assert load_policy(policy.to_dict()) == policy


@fuzz_settings(examples=40)
@given(
    config=st.sampled_from(POLICIES).flatmap(strategies.mutated_configs),
    suffix=st.sampled_from([".json", ".yaml", ".toml"]),
)
def test_load_policy_files_of_any_mutation(tmp_path_factory, config: object, suffix: str):
    """The same mutations, written as JSON, YAML or TOML files, load or fail typed."""
    import tomli_w  # noqa: PLC0415
    import yaml  # noqa: PLC0415

    try:
        if suffix == ".json":
            text = json.dumps(config)
        elif suffix == ".yaml":
            text = yaml.safe_dump(config)
        else:
            text = tomli_w.dumps(config)  # type: ignore[arg-type]
    except Exception:  # the writer cannot write it (a huge int, a list as TOML)
        assume(False)
        return
    path = tmp_path_factory.mktemp("fuzz") / f"policy{suffix}"
    path.write_text(text, encoding="utf-8")
    outcome("load_policy", lambda: load_policy(path))


@fuzz_settings(examples=40)
@given(
    path=st.sampled_from(POLICY_FILES),
    edits=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 8), st.binary(max_size=6))),
)
def test_load_policy_takes_corrupted_files(tmp_path_factory, path: Path, edits: list[Any]):
    """A policy file with bytes cut and inserted anywhere loads or fails with PolicyError."""
    data = bytearray(path.read_bytes())
    for offset, cut, insert in edits:
        at = offset % (len(data) + 1)
        data[at : at + cut] = insert
    broken = tmp_path_factory.mktemp("fuzz") / path.name
    broken.write_bytes(bytes(data))
    outcome("load_policy", lambda: load_policy(broken))


# -- availability ---------------------------------------------------------------------------

_OUTAGE = {"start": "2026-11-03T10:00:00-06:00", "end": "2026-11-03T12:00:00-06:00"}
_AVAILABILITY = {
    "severities": {"s": {"response": "1h", "resolution": "8h"}},
    "calendars": {
        "office": {"timezone": "America/Mexico_City", "hours": {"mon-fri": ["09:00-18:00"]}}
    },
    "availability": {
        "objective": 99.5,
        "clock": "office",
        "maintenance_notice": "2bd",
        "measured_on": "office",
        "period": "month",
        "counts": ["major"],
    },
}

instants_or_junk = st.one_of(
    strategies.any_aware_datetimes,
    strategies.horizon_edge_datetimes,
    strategies.python_junk,
    strategies.availability_instants,
)


@fuzz_settings(examples=60)
@given(
    policy=strategies.mutated_configs(_AVAILABILITY),
    outages=st.lists(
        strategies.availability_outages()
        | strategies.mutated_configs(_OUTAGE)
        | strategies.python_junk,
        max_size=4,
    )
    | strategies.python_junk,
    period=st.just(strategies.AVAILABILITY_MONTH) | strategies.python_junk,
    as_of=st.none() | instants_or_junk,
)
def test_availability_takes_any_junk(policy: object, outages: Any, period: Any, as_of: Any):
    """Junk objectives, outages, periods and instants: a report or a documented error."""
    loaded = outcome("load_policy", lambda: load_policy(policy))  # type: ignore[arg-type]
    objective: Any = loaded if not isinstance(loaded, EscalateError) else Availability(objective=99)
    outcome("availability", lambda: availability(objective, outages, period, as_of=as_of))


_FRAME_CELLS = {
    "start": instants_or_junk | st.just(pd.NaT),
    "end": st.none() | instants_or_junk,
    "notified_at": st.none() | instants_or_junk,
    "kind": st.sampled_from(["major", "minor", None]) | strategies.python_junk,
    "planned": st.booleans() | strategies.flag_texts(True) | strategies.bad_flags,
    "external": st.booleans() | strategies.flag_texts(False) | strategies.python_junk,
    "service": st.sampled_from(["voice", "data"]) | st.integers(0, 3) | st.none(),
}


@fuzz_settings(examples=60)
@given(
    rows=st.lists(st.fixed_dictionaries({}, optional=_FRAME_CELLS), max_size=5),
    tz_columns=st.booleans(),
    as_of=st.none() | instants_or_junk,
    period=st.none() | st.sampled_from(["month", "quarter", "year", "week"]) | st.text(max_size=5),
    timezone=st.none() | st.sampled_from(["UTC", "America/Bogota", "Nowhere/City", "x" * 300]),
)
def test_availability_frame_takes_any_junk(
    rows: list[dict[str, Any]], tz_columns: bool, as_of: Any, period: Any, timezone: Any
):
    """Junk cells, columns, periods, zones and instants: a table or a documented error."""
    table = junk_table(rows, ("start", "end", "notified_at"), aware=tz_columns)
    objective = Availability(objective=99.5, maintenance_notice=BusinessDays(2))
    outcome(
        "availability_frame",
        lambda: availability_frame(
            table,
            objective,
            by=("service",) if "service" in table else (),
            as_of=as_of,
            period=period,
            timezone=timezone,
        ),
    )


def test_the_fuzz_bases_are_valid():
    """The configs the fuzzers mutate are valid to begin with."""
    assert Calendar.from_dict(CALENDAR)
    assert all(load_policy(config) for config in [*POLICIES, _AVAILABILITY])
    assert Period.month(2026, 11) == strategies.AVAILABILITY_MONTH
