"""A real ServiceNow incident log, from the raw export to compliance per month and priority.

Reads ``../shared/data/servicenow-incident-log/incident_event_log.zip`` (24,918 incidents,
141,712 update rows) as it comes: one row per update with the incident's state after it.
The statuses' meaning and the goals are data (``examples/policies/servicenow_desk.toml``);
there is no state machine here. Then it compares escalate's verdicts with the desk's own
``made_sla`` flag, and writes a compliance plot.

Data: Amaral, C., Fantinato, M., Peres, S. (2018). Incident management process enriched
event log. UCI Machine Learning Repository. https://doi.org/10.24432/C57S4H. CC BY 4.0.

Run from the repository root: ``python examples/servicenow.py [--plot file.png]``. Without
the shared data folder (a clone elsewhere) it runs on the 300-incident sample in
``tests/data``.
"""

from __future__ import annotations

import argparse
import copy
import sys
import time
import warnings
from pathlib import Path

import pandas as pd

import escalate

ROOT = Path(__file__).resolve().parent.parent
LOG = ROOT.parent / "shared" / "data" / "servicenow-incident-log" / "incident_event_log.zip"
SAMPLE = ROOT / "tests" / "data" / "servicenow_sample.csv.gz"
POLICY = ROOT / "examples" / "policies" / "servicenow_desk.toml"
AS_OF = "2017-06-01T00:00:00-03:00"  # after the last update of the log
COLUMNS = [
    "number", "incident_state", "sys_mod_count", "made_sla", "opened_at", "sys_updated_at",
    "priority", "assignment_group", "category",
]  # fmt: skip


def read(path: Path) -> tuple[escalate.EventLog, pd.Series]:
    """Read the export: the event log, and the desk's own verdict per incident."""
    raw = pd.read_csv(path, usecols=COLUMNS)
    log = escalate.EventLog.from_snapshots(
        raw,
        id="number",
        at="sys_updated_at",
        status="incident_state",
        severity="priority",
        attributes=["assignment_group", "category"],
        opened_at="opened_at",
        sequence="sys_mod_count",  # orders the updates stamped in the same minute
        timezone="America/Sao_Paulo",  # the export's wall-clock times
        time_format="%d/%m/%Y %H:%M",
    )
    made_sla = raw.sort_values(["number", "sys_mod_count"]).groupby("number")["made_sla"].last()
    return log, made_sla


def agreement(results: pd.DataFrame, made_sla: pd.Series) -> float:
    """The share of decided incidents where escalate's resolution verdict is the desk's."""
    status = results.set_index("id")["resolution_status"].astype(str)
    decided = status[status.isin(["met", "breached"])]
    desk = made_sla.reindex(decided.index).astype(bool)
    return float(((decided == "met") == desk).mean())


def variant(policy: escalate.Policy, *, pauses: bool, always_open: bool) -> escalate.Policy:
    """The same policy without the Awaiting pauses and/or on wall-clock (24x7) time."""
    config = copy.deepcopy(policy.to_dict())
    if not pauses:
        config["targets"]["resolution"] = {"pauses": False}
    if always_open:
        config["calendars"]["office"] = {"timezone": "America/Sao_Paulo", "hours": "24x7"}
    return escalate.load_policy(config)


def main() -> int:
    """Evaluate the log, print the compliance table and the comparison with made_sla."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plot", type=Path, default=None, help="write the compliance plot")
    args = parser.parse_args()
    path = LOG if LOG.exists() else SAMPLE
    policy = escalate.load_policy(POLICY)
    started = time.perf_counter()
    log, made_sla = read(path)
    read_at = time.perf_counter()
    results = escalate.evaluate_frame(log, policy, as_of=AS_OF)
    done = time.perf_counter()
    print(f"{path.name}: {len(log)} incidents, {len(log.frame)} events")
    print(f"read {read_at - started:.2f} s, evaluated {done - read_at:.2f} s")
    repaired = log.issues.groupby(["action", "reason"]).size()
    for (action, reason), count in repaired.items():
        print(f"  {action}: {count} rows ({reason})")
    if results["error"].notna().any():
        raise SystemExit(f"rows with errors: {results['error'].dropna().head()}")

    # compliance per month (of the opening, in the desk's zone) and priority
    table = escalate.compliance(results, by=["month", "severity"], targets=["resolution"])
    print(table.head(12).to_string(index=False))

    # what the desk's own verdict says about its rule
    print("\nagreement with the desk's made_sla (resolution):")
    rows = []
    for label, pauses, always_open in (
        ("this policy: office hours, Awaiting pauses", True, False),
        ("office hours, no pauses", False, False),
        ("wall-clock time, Awaiting pauses", True, True),
        ("wall-clock time, no pauses", False, True),
    ):
        judged = escalate.evaluate_frame(
            log, variant(policy, pauses=pauses, always_open=always_open), as_of=AS_OF
        )
        share = agreement(judged, made_sla)
        rows.append((label, share))
        print(f"  {100 * share:5.1f}%  {label}")
    if not rows[1][1] > rows[0][1]:  # what the how-to says: check it on every run
        raise SystemExit("the desk's verdict no longer agrees better without the pauses")
    if args.plot is not None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # matplotlib on a headless machine
            figure = escalate.plot_compliance(results, target="resolution")
        figure.savefig(args.plot, dpi=100, bbox_inches="tight")
        print(f"wrote {args.plot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
