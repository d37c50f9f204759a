# ruff: noqa: INP001, T201 - a maintenance script that prints its findings
"""Check the table path against evaluate() on every incident of the real ServiceNow log.

Reads ``../shared/data/servicenow-incident-log/incident_event_log.zip`` (CC BY 4.0, see its
SOURCE.md: Amaral, C., Fantinato, M., Peres, S. (2018). Incident management process
enriched event log. UCI Machine Learning Repository. https://doi.org/10.24432/C57S4H),
evaluates it with ``examples/policies/servicenow_desk.toml`` through ``evaluate_frame``,
then every incident again through ``evaluate`` on its own timeline, at several instants:
inside the log, at a closing instant of the desk's calendar, and after the log. Prints how
many incidents agree on every field and stops at the first that does not.

    python tools/servicenow_equality.py [--limit N]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

from escalate import EventLog, evaluate, evaluate_frame, load_policy

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.frame_check import check_row  # noqa: E402

LOG = ROOT.parent / "shared" / "data" / "servicenow-incident-log" / "incident_event_log.zip"
AS_OF = {
    "inside the log": "2016-06-15T11:37:00-03:00",
    "at a closing instant": "2016-09-30T18:00:00-03:00",
    "after the log": "2017-06-01T00:00:00-03:00",
}


def read_log(path: Path = LOG) -> EventLog:
    """Read the raw export into an event log (the columns the policy needs)."""
    columns = ["number", "sys_updated_at", "incident_state", "priority", "assignment_group",
               "category", "opened_at", "sys_mod_count"]  # fmt: skip
    frame = pd.read_csv(path, usecols=columns)
    return EventLog.from_snapshots(
        frame,
        id="number",
        at="sys_updated_at",
        status="incident_state",
        severity="priority",
        attributes=["assignment_group", "category"],
        opened_at="opened_at",
        sequence="sys_mod_count",
        timezone="America/Sao_Paulo",
        time_format="%d/%m/%Y %H:%M",
    )


def main() -> int:
    """Compare the two paths and print the counts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="check only the first N incidents")
    args = parser.parse_args()
    policy = load_policy(ROOT / "examples" / "policies" / "servicenow_desk.toml")
    log = read_log()
    timelines = dict(log.timelines())
    ids = list(timelines)[: args.limit]
    print(f"{len(log)} incidents, {len(log.frame)} events; checking {len(ids)}")
    for label, as_of in AS_OF.items():
        started = time.perf_counter()
        table = evaluate_frame(log, policy, as_of=as_of).set_index("id")
        agree = 0
        for key in ids:
            ev = evaluate(policy, timelines[key], as_of=as_of)
            check_row(policy, table.loc[key], ev)
            agree += 1
        elapsed = time.perf_counter() - started
        print(f"as of {as_of} ({label}): {agree} of {len(ids)} incidents agree ({elapsed:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
