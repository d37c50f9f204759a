"""Array tools of the table path: grouped running operations, and calendars on µs arrays.

Incidents are contiguous runs of rows in the table path's arrays (:mod:`escalate._table`).
:class:`Groups` does running operations inside each run (a forward fill, a running sum);
:class:`Clocks` numbers the calendars in use and asks them ``between`` and ``passes`` on
arrays of integer microseconds, one call per calendar.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from escalate._calendar import Calendar

__all__ = ["Clocks", "Groups", "np_module", "small_unique"]


def np_module() -> Any:
    """numpy, imported when the table path first needs it."""
    import numpy as np  # noqa: PLC0415

    return np


# -- grouped cumulative operations (groups are contiguous runs of rows) ---------------


class Groups:
    """Contiguous groups of rows: where each starts, and each row's group start."""

    def __init__(self, first: Any) -> None:
        np = np_module()
        self.first = first
        self.size = first.size
        self.starts = np.flatnonzero(first)
        self.positions = np.arange(first.size)
        self.start_of = np.maximum.accumulate(np.where(first, self.positions, 0))

    def ffill(self, values: Any, given: Any, *, default: Any) -> Any:
        """The last given value at or before each row within its group, else ``default``."""
        np = np_module()
        idx = np.maximum.accumulate(np.where(given, self.positions, -1))
        # an index from an earlier group does not count
        return np.where(idx >= self.start_of, values[np.maximum(idx, 0)], default)

    def sum_before(self, x: Any) -> Any:
        """Running sum of ``x`` over the earlier rows of each group (exclusive)."""
        np = np_module()
        c = np.cumsum(x) - x
        return c - c[self.start_of]


# -- the calendar on arrays of µs -----------------------------------------------------


def _between(clock: Calendar, a: Any, b: Any) -> Any:
    np = np_module()
    if not a.size:
        return np.zeros(0, dtype=np.int64)
    ns = clock.between_many((a * 1000).view("M8[ns]"), (b * 1000).view("M8[ns]"))
    return ns.view("i8") // 1000


def _passes(clock: Calendar, t: Any, amount: Any) -> Any:
    """``passes`` on arrays: the last instant ``x >= t`` with ``between(t, x) <= amount``."""
    np = np_module()
    if not t.size:
        return np.zeros(0, dtype=np.int64)
    starts = (t * 1000).view("M8[ns]")
    added = clock.add_many(starts, (amount * 1000).view("m8[ns]"))
    return clock.next_open_many(added).view("i8") // 1000


def _per_clock(fn: Any, clocks: list[Calendar], ids: Any, *args: Any) -> Any:
    """Apply ``fn(clock, *args)`` to the rows of each clock id and gather the results."""
    np = np_module()
    if not ids.size:
        return np.zeros(0, dtype=np.int64)
    if ids.min() == ids.max():  # one clock (the usual case): no gathers
        return fn(clocks[int(ids[0])], *args)
    out = np.zeros(ids.size, dtype=np.int64)
    for c in np.unique(ids):
        rows = np.flatnonzero(ids == c)
        out[rows] = fn(clocks[int(c)], *(a[rows] for a in args))
    return out


class Clocks:
    """The calendars in use, by integer id, and the vectorised steps on them."""

    def __init__(self) -> None:
        self.clocks: list[Calendar] = []
        self._ids: dict[int, int] = {}

    def id(self, clock: Calendar) -> int:
        """The number of a calendar (the same object: the same number)."""
        key = id(clock)
        if key not in self._ids:
            self._ids[key] = len(self.clocks)
            self.clocks.append(clock)
        return self._ids[key]

    def between(self, ids: Any, a: Any, b: Any) -> Any:
        """Open time in ``[a, b)`` per row, on the calendar each row's id names."""
        return _per_clock(_between, self.clocks, ids, a, b)

    def passes(self, ids: Any, t: Any, amount: Any) -> Any:
        """``passes`` per row, on the calendar each row's id names."""
        return _per_clock(_passes, self.clocks, ids, t, amount)


def small_unique(np: Any, keys: Any) -> tuple[Any, Any]:
    """``np.unique(keys, return_inverse=True)`` for small non-negative keys, without a sort."""
    present = np.bincount(keys) > 0
    lookup = np.cumsum(present) - 1
    return np.flatnonzero(present), lookup[keys]
