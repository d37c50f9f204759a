# ruff: noqa: INP001, T201 - a maintenance script that prints its findings
"""Print the time ledger and the OLA table of the real ServiceNow log (docs/how-to/time-ledger.md).

Reads ``../shared/data/servicenow-incident-log/incident_event_log.zip`` (CC BY 4.0, see its
SOURCE.md: Amaral, C., Fantinato, M., Peres, S. (2018). Incident management process
enriched event log. UCI Machine Learning Repository. https://doi.org/10.24432/C57S4H) with
``examples/policies/servicenow_desk.toml``, as of 1 June 2017 (after the log), and prints:

- the resolution's business time split by status, counted and paused, in hours;
- the groups that spent the most of it, with their share;
- the OLA table's compliance per group for an 8-business-hour goal per group (the five
  groups that held the most tickets);
- that every incident's parts sum to its ``resolution_elapsed``, to the microsecond.

    python tools/servicenow_ledger.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

from escalate import compliance, evaluate_frame, ledger, load_policy, ola

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from servicenow_equality import LOG, read_log  # noqa: E402

POLICY = ROOT / "examples" / "policies" / "servicenow_desk.toml"
AS_OF = "2017-06-01T00:00:00-03:00"
HOUR_US = 3_600_000_000


def main() -> int:
    """Print the figures the how-to quotes."""
    if not LOG.exists():
        print(f"no log at {LOG}")
        return 1
    policy = load_policy(POLICY)
    log = read_log(LOG)
    started = time.perf_counter()
    table = ledger(log, policy, as_of=AS_OF)
    took = time.perf_counter() - started
    print(f"{len(log):,} incidents, {len(log.frame):,} events: {len(table):,} ledger rows")
    print(f"ledger in {took:.2f} s")

    hours = table.assign(hours=table["us"] / HOUR_US)
    print("\nresolution time by part and status (business hours):")
    by_status = hours.groupby(["part", "status"], observed=True)["hours"].sum().round(0)
    print(by_status.astype(int).to_string())

    counted = hours[(hours["part"] == "counted").to_numpy()]
    total = counted["hours"].sum()
    spent = counted.groupby("assignment_group", observed=True)["hours"].sum()
    spent = spent.sort_values(ascending=False)
    print(f"\ncounted: {total:,.0f} business hours; the groups that spent the most:")
    for group, value in spent.head(5).items():
        print(f"  {group:10} {value:9,.0f} h  {100 * value / total:5.1f}%")
    print(f"  the top 5 of {spent.size} groups: {100 * spent.head(5).sum() / total:.1f}%")

    groups = table["assignment_group"].dropna().unique()
    started = time.perf_counter()
    held = ola(table, goals=dict.fromkeys(groups, "8h"))
    summary = compliance(held, by=["assignment_group"], targets=["ola"])
    took = time.perf_counter() - started
    print(f"\nOLA table: {len(held):,} (incident, group) rows in {took:.2f} s; 8 h per group")
    summary = summary.sort_values("count", ascending=False).head(5)
    columns = ["assignment_group", "count", "met", "breached", "open", "percent_met"]
    print(summary[columns].round(1).to_string(index=False))
    decided = held["ola_status"].isin(["met", "breached"])
    share = (held["ola_status"] == "met").sum() / decided.sum()
    print(f"all groups: {100 * share:.1f}% of {int(decided.sum()):,} decided holds met 8 h")
    no_group = int(held["assignment_group"].isna().sum())
    print(f"holds without a group (no goal): {no_group:,}")

    results = evaluate_frame(log, policy, as_of=AS_OF)
    elapsed = results.set_index("id")["resolution_elapsed"].dropna()
    sums = counted.groupby("id", observed=True)["us"].sum()
    expected = elapsed.to_numpy("m8[ns]").view("i8") // 1000
    equal = int((sums.reindex(elapsed.index, fill_value=0).to_numpy() == expected).sum())
    print(f"\nparts sum to resolution_elapsed for {equal:,} of {elapsed.size:,} incidents")
    return 0 if equal == elapsed.size and np.isfinite(total) else 1


if __name__ == "__main__":
    sys.exit(main())
