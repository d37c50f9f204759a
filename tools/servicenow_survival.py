# ruff: noqa: INP001, T201 - a maintenance script that prints its findings
"""Closed-only against censoring-aware resolution compliance on the real ServiceNow log.

Reads ``../shared/data/servicenow-incident-log/incident_event_log.zip`` (CC BY 4.0, see its
SOURCE.md: Amaral, C., Fantinato, M., Peres, S. (2018). Incident management process
enriched event log. UCI Machine Learning Repository. https://doi.org/10.24432/C57S4H),
evaluates it with ``examples/policies/servicenow_desk.toml`` as of instants inside the log
(when many tickets are still open) and after it, and prints per priority the share met
among the closed tickets only, the Kaplan-Meier share (``escalate.survival``, open tickets
right-censored) with its interval, and the share the same tickets eventually met (the
evaluation after the log). The figures are quoted in
docs/how-to/censoring-aware-compliance.md.

    python tools/servicenow_survival.py
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import pandas as pd

import escalate

ROOT = Path(__file__).resolve().parent.parent
LOG = ROOT.parent / "shared" / "data" / "servicenow-incident-log" / "incident_event_log.zip"
POLICY = escalate.load_policy(ROOT / "examples" / "policies" / "servicenow_desk.toml")
COLUMNS = [
    "number", "incident_state", "sys_mod_count", "opened_at", "sys_updated_at", "priority",
    "assignment_group",
]  # fmt: skip
INSIDE = ("2016-03-15T12:00:00-03:00", "2016-04-15T12:00:00-03:00")
LATE = "2017-06-01T00:00:00-03:00"


def main() -> None:
    """Print the three figures per priority at each instant inside the log."""
    if not LOG.exists():
        sys.exit(f"{LOG} is not here")
    raw = pd.read_csv(LOG, usecols=COLUMNS)
    log = escalate.EventLog.from_snapshots(
        raw, id="number", at="sys_updated_at", status="incident_state", severity="priority",
        sequence="sys_mod_count", attributes=["assignment_group"], opened_at="opened_at",
        timezone="America/Sao_Paulo", time_format="%d/%m/%Y %H:%M",
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", escalate.EscalateWarning)
        after = escalate.evaluate_frame(log, POLICY, as_of=LATE).set_index("id")
        for as_of in INSIDE:
            now = escalate.evaluate_frame(log, POLICY, as_of=as_of)
            opened = now[now["resolution_status"].notna() & (now["resolution_status"] != "pending")]
            km = escalate.survival(opened, by=["severity"], targets=["resolution"])
            s = km.summary.set_index("severity")
            eventually = after.loc[opened["id"]]
            decided = eventually[eventually["resolution_status"].isin(["met", "breached"])]
            final = decided.groupby("severity")["resolution_met"].mean() * 100
            table = pd.DataFrame(
                {
                    "tickets": s["count"],
                    "open": s["open"],
                    "closed_only": s["closed_percent_met"],
                    "kaplan_meier": s["percent_met"],
                    "ci_low": s["ci_low"],
                    "ci_high": s["ci_high"],
                    "eventually": final,
                }
            )
            print(f"resolution, as of {as_of} (tickets opened by then):")
            print(table.round(1).to_string())
            print()


if __name__ == "__main__":
    main()
