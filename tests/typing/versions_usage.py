"""Real usage of the policy versions API, checked by ``mypy --strict`` and never run."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd

from escalate import (
    Evaluation,
    Policy,
    PolicyError,
    PolicyVersion,
    PolicyVersions,
    Timeline,
    evaluate,
    evaluate_frame,
    load_policy,
    load_versions,
)

old: Policy = load_policy("old.toml")
new: Policy = load_policy("new.toml")
versions = PolicyVersions(versions=[(None, old), (date(2026, 7, 1), new)])
today = PolicyVersions(versions=versions.versions, rule="as_of")
from_file: PolicyVersions = load_versions("desk.toml")

now = datetime(2026, 9, 1, tzinfo=UTC)
timeline = Timeline.open("2026-06-30T16:00:00-05:00", severity="high")
ev: Evaluation = evaluate(versions, timeline, as_of=now)
chosen: PolicyVersion = versions.select(timeline, as_of=now)
name: str = chosen.name
policy: Policy = versions.at(now).policy
effective: date | datetime | None = versions.latest.effective
zone: str = today.timezone
form: dict[str, object] = versions.to_dict()
frame: pd.DataFrame = evaluate_frame(pd.DataFrame(), from_file, as_of=now)

try:
    PolicyVersions(versions=[(date(2026, 1, 1), old)])
except PolicyError as error:
    paths: tuple[str, ...] = error.paths
