"""Generate a realistic, fictitious year of help-desk tickets for the seed 003 policy.

Seed 003 (``examples/policies/seed_003_saas.toml``) is a SaaS vendor in Bogotá: priorities
alta / normal / baja, request types functional / commercial / tickets / renewal /
billing, and a split support day, Monday to Friday 07:30-12:30 and 13:30-17:00, closed on
Colombian public holidays. :func:`generate` returns two tables for
:func:`escalate.evaluate_frame`:

- ``incidents``: one row per ticket of 2026, with ``id``, ``opened``, ``responded``,
  ``resolved`` (tz-aware, America/Bogota; ``NaT`` while not yet done), ``severity``,
  ``category``, ``team`` and ``customer``;
- ``pauses``: ``id``, ``start``, ``end``, the spans spent waiting for the customer
  (about 10% of the tickets have one or two).

What makes it realistic:

- openings follow office hours (a morning peak, a dip at lunch, an afternoon peak) with
  some in the evening, at night, on weekends and on holidays, and fewer in the
  Christmas fortnight;
- the desk's work is drawn in business time and laid on the calendar, so a ticket opened
  at 12:20 or on Friday at 16:45 waits over lunch or the weekend in wall-clock time;
- tickets opened just before lunch queue up (slower answers), some lunch-time tickets
  get a quick answer from whoever is at the desk, and an on-call engineer answers part of
  the weekend alta tickets within the hour (business time zero);
- the resolution effort varies by month (a slow January after the holidays, a busy
  renewal season in November and December), so compliance moves over the year;
- a few tickets were never answered, and tickets still open on the evaluation instant
  (:data:`AS_OF`) have no response or resolution yet.

Reopened tickets are not generated: one row holds one resolution, so a ticket resolved,
reopened and resolved again does not fit this table (it needs the event API).

All customers and teams are fictitious. Run it with: python examples/generate_incidents.py
(it writes nothing and prints a summary).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from escalate import Calendar, load_policy

POLICY = Path(__file__).parent / "policies" / "seed_003_saas.toml"
BOGOTA = "America/Bogota"  # UTC-5 all year, no daylight saving time
AS_OF = datetime(2026, 12, 31, 17, 0, tzinfo=ZoneInfo(BOGOTA))
YEAR = 2026

SEVERITIES = {"alta": 0.15, "normal": 0.50, "baja": 0.35}
CATEGORIES = {"functional": 0.40, "tickets": 0.25, "billing": 0.15, "commercial": 0.12}
CATEGORIES["renewal"] = 0.08
TEAMS = ("Andes", "Caribe", "Pacífico")
CUSTOMERS = tuple(f"Cliente Ejemplo {i:02d} S.A.S." for i in range(1, 41))

# median business time to respond and to resolve (after the response), in hours
RESPOND_MEDIAN = {"alta": 0.6, "normal": 1.6, "baja": 3.5}
RESOLVE_MEDIAN = {"alta": 4.0, "normal": 12.0, "baja": 36.0}
# resolution effort per month (1 = usual): a slow January, a busy end of year
MONTH_EFFORT = np.array([1.35, 1.1, 1.0, 0.95, 0.9, 0.95, 1.05, 0.9, 0.85, 0.95, 1.15, 1.3])

_HOUR = np.timedelta64(3_600_000_000_000, "ns")
_MINUTE = np.timedelta64(60_000_000_000, "ns")
_NAT = np.datetime64("NaT", "ns")


def _hours(values: np.ndarray) -> np.ndarray:
    """Hours as float -> timedelta64[ns]."""
    return (values * 3_600e9).astype("i8").astype("m8[ns]")


def _day_weights(policy_calendar: Calendar) -> tuple[np.ndarray, np.ndarray]:
    """The days of the year and how likely a ticket is to open on each."""
    days = pd.date_range(f"{YEAR}-01-01", f"{YEAR}-12-31", freq="D", tz=BOGOTA)
    business = np.array([policy_calendar.is_open(d.to_pydatetime().replace(hour=9)) for d in days])
    weights = np.where(business, 1.0, 0.12)
    weights[(days.month == 12) & (days.day >= 20)] *= 0.6  # Christmas fortnight
    weights[(days.month == 1) & (days.day <= 9)] *= 0.7
    return days.tz_localize(None).to_numpy(), weights / weights.sum()


def _time_of_day(rng: np.random.Generator, n: int) -> np.ndarray:
    """Local minutes after midnight: office peaks, a lunch dip, some evenings and nights."""
    kind = rng.choice(4, size=n, p=[0.48, 0.06, 0.36, 0.10])
    minutes = np.empty(n)
    morning, lunch, afternoon, off = (kind == k for k in range(4))
    minutes[morning] = rng.triangular(7 * 60 + 30, 9 * 60 + 30, 12 * 60 + 30, morning.sum())
    minutes[lunch] = rng.uniform(12 * 60 + 30, 13 * 60 + 30, lunch.sum())
    minutes[afternoon] = rng.triangular(13 * 60 + 30, 14 * 60 + 30, 17 * 60, afternoon.sum())
    # evenings mostly, some early mornings and nights
    minutes[off] = rng.choice([6 * 60, 17 * 60, 18 * 60, 19 * 60, 20 * 60, 22 * 60], off.sum())
    minutes[off] += rng.uniform(0, 60, off.sum())
    return minutes


def generate(n: int = 5000, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return ``(incidents, pauses)``: ``n`` tickets of 2026 and their pause spans.

    The same ``n`` and ``seed`` always give the same tables.
    """
    rng = np.random.default_rng(seed)
    calendar = load_policy(POLICY).calendar("office")
    as_of = np.datetime64(AS_OF.replace(tzinfo=None), "ns") + 5 * _HOUR  # UTC

    days, weights = _day_weights(calendar)
    local = rng.choice(days, size=n, p=weights) + (_time_of_day(rng, n) * 60e9).astype("m8[ns]")
    opened = np.sort(local + 5 * _HOUR)  # Bogota is UTC-5: UTC instants, oldest first
    local = opened - 5 * _HOUR
    minute_of_day = (local - local.astype("M8[D]")) // _MINUTE
    weekday = (local.astype("M8[D]").view("i8") + 3) % 7  # Monday = 0
    month = local.astype("M8[M]").view("i8") % 12

    names = list(SEVERITIES)
    severity = rng.choice(names, size=n, p=list(SEVERITIES.values()))
    category = rng.choice(list(CATEGORIES), size=n, p=list(CATEGORIES.values()))
    respond_median = pd.Series(severity).map(RESPOND_MEDIAN).to_numpy()
    resolve_median = pd.Series(severity).map(RESOLVE_MEDIAN).to_numpy()

    # -- the first response: business time, laid on the calendar --------------------------
    respond = respond_median * rng.lognormal(0.0, 0.8, n)
    before_lunch = (minute_of_day >= 11 * 60 + 45) & (minute_of_day < 12 * 60 + 30)
    respond[before_lunch] *= 1.8  # the queue builds up just before lunch
    responded = calendar.add_many(opened, _hours(respond))
    # quick wall-clock answers: whoever is at the desk at lunch, the weekend on-call
    at_lunch = (minute_of_day >= 12 * 60 + 30) & (minute_of_day < 13 * 60 + 30) & (weekday < 5)
    weekend_alta = (weekday >= 5) & (severity == "alta")
    quick = (at_lunch & (rng.random(n) < 0.5)) | (weekend_alta & (rng.random(n) < 0.4))
    quick_delay = (rng.uniform(5, 50, n) * 60e9).astype("m8[ns]")
    responded = np.where(quick, opened + quick_delay, responded)

    # -- the resolution, with a pause for about 10% of the tickets -------------------------
    resolve = resolve_median * MONTH_EFFORT[month] * rng.lognormal(0.0, 0.7, n)
    paused = ((rng.random(n) < 0.11) & (severity != "alta")) | (rng.random(n) < 0.02)
    share = rng.uniform(0.2, 0.7, n)  # how far the work went before waiting
    first_start = calendar.add_many(responded, _hours(resolve * share))
    wait = _hours(rng.gamma(1.5, 20.0, n))  # wall-clock hours waiting for the customer
    first_end = first_start + wait
    second = paused & (rng.random(n) < 0.2)  # a second wait for a few of them
    second_start = calendar.add_many(first_end, _hours(resolve * (1 - share) * 0.5))
    second_end = second_start + _hours(rng.gamma(1.2, 12.0, n))
    rest = np.where(second, resolve * (1 - share) * 0.5, resolve * (1 - share))
    restart = np.where(second, second_end, first_end)
    resolved = np.where(
        paused,
        calendar.add_many(restart, _hours(rest)),
        calendar.add_many(responded, _hours(resolve)),
    )
    # a few were never answered (nor resolved)
    lost = rng.random(n) < 0.005
    responded[lost] = _NAT
    resolved[lost] = _NAT

    # the evaluation instant: later events have not happened yet
    responded = np.where(responded > as_of, _NAT, responded)
    resolved = np.where(resolved > as_of, _NAT, resolved)

    ids = np.array([f"SUP-{26_00001 + i}" for i in range(n)])
    incidents = pd.DataFrame(
        {
            "id": ids,
            "opened": _local(opened),
            "responded": _local(responded),
            "resolved": _local(resolved),
            # the agreement's resolution clock also stops on a workaround or a
            # released fix; these generated tickets never have one
            "workaround_applied": _local(np.full(n, _NAT)),
            "fix_released": _local(np.full(n, _NAT)),
            "severity": severity,
            "category": category,
            "team": rng.choice(TEAMS, size=n),
            "customer": rng.choice(CUSTOMERS, size=n),
        }
    )

    spans = [
        (ids[paused], first_start[paused], first_end[paused]),
        (ids[second], second_start[second], second_end[second]),
    ]
    pause_id = np.concatenate([s[0] for s in spans])
    start = np.concatenate([s[1] for s in spans])
    end = np.concatenate([s[2] for s in spans])
    keep = start <= as_of  # a wait that has not begun yet is not known
    end = np.where(end > as_of, _NAT, end)  # still waiting
    pauses = pd.DataFrame(
        {"id": pause_id[keep], "start": _local(start[keep]), "end": _local(end[keep])}
    )
    pauses = pauses.sort_values(["id", "start"], ignore_index=True)
    return incidents, pauses


def _local(utc: np.ndarray) -> pd.Series:
    """UTC datetime64[ns] -> a tz-aware Bogota Series to the second (NaT stays NaT)."""
    return pd.Series(pd.DatetimeIndex(utc).floor("s").tz_localize("UTC").tz_convert(BOGOTA))


def main() -> None:
    """Print a summary of the default tables (and check their shape)."""
    incidents, pauses = generate()
    opened = incidents["opened"]
    weekend = opened.dt.day_of_week >= 5
    minutes = opened.dt.hour * 60 + opened.dt.minute
    office = ~weekend & (
        ((minutes >= 450) & (minutes < 750)) | ((minutes >= 810) & (minutes < 1020))
    )
    print(f"{len(incidents)} incidents opened in {YEAR}, evaluated as of {AS_OF.isoformat()}")
    print(f"  by severity: {incidents['severity'].value_counts().to_dict()}")
    print(f"  by category: {incidents['category'].value_counts().to_dict()}")
    print(f"  opened in office hours (weekday, ignoring holidays): {office.mean():.0%}")
    print(f"  opened on a weekend: {weekend.mean():.1%}")
    print(f"  not yet responded: {incidents['responded'].isna().sum()}")
    print(f"  not yet resolved: {incidents['resolved'].isna().sum()}")
    print(f"  {len(pauses)} pause spans on {pauses['id'].nunique()} incidents")
    print(f"    ({pauses['id'].nunique() / len(incidents):.0%}; {pauses['end'].isna().sum()} open)")
    print("  reopened tickets: none generated (one row holds one resolution)")

    again, _ = generate()
    answered = incidents["responded"].notna()
    resolved = incidents["resolved"].notna()
    share_paused = pauses["id"].nunique() / len(incidents)
    checks = {
        "deterministic": again.equals(incidents),
        "sorted by opening": incidents["opened"].is_monotonic_increasing,
        "responses after openings": bool(
            (incidents.loc[answered, "responded"] >= incidents.loc[answered, "opened"]).all()
        ),
        "resolutions after responses": bool(
            (incidents.loc[resolved, "resolved"] >= incidents.loc[resolved, "responded"]).all()
        ),
        "about 10% paused": 0.06 < share_paused < 0.14,
    }
    failed = [name for name, ok in checks.items() if not ok]
    if failed:
        msg = "generator checks failed: " + ", ".join(failed)
        raise AssertionError(msg)


if __name__ == "__main__":
    main()
