"""The order of a history's rows: sequence values, and the timeline's order rule as a table.

The readers (:mod:`escalate._history_build`) sort each incident's rows; here is what
decides the order and which rows it refuses: a sequence column (and where a row without
a value goes), and :class:`~escalate.Timeline`'s own rule of order
(:func:`~escalate._timeline.order_table`), run over every incident at once.
"""

from __future__ import annotations

from typing import Any, Final

from escalate._columns import NAT, Issues, modules
from escalate._timeline import START, order_table

__all__ = ["_group_cummax", "_out_of_order", "_placed_by_time", "_sequence"]


_TIES_LAST: Final = "no sequence value: ordered after the rows at its instant that have one"


def _sequence(
    frame: Any, column: str | None, ids: Any, issues: Issues, reason: str = _TIES_LAST
) -> tuple[Any, Any]:
    """The sequence column as floats (``inf`` where empty or not a number), and where.

    Each row without a sequence value is reported as repaired, with ``reason``: how the
    caller places it.
    """
    np, pd = modules()
    n = len(frame)
    if column is None:
        return np.arange(n, dtype=np.int64), np.zeros(n, dtype=bool)
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype="float64")
    absent = np.isnan(values)
    where = np.flatnonzero(absent)
    issues.add(
        where, ids[where], column, frame[column].to_numpy(dtype=object)[where], "repaired", reason
    )
    return np.where(absent, np.inf, values), absent


def _placed_by_time(seq: Any, absent: Any, ns: Any, codes: Any) -> Any:
    """A sequence key that puts each row without a value after the updates stamped before it.

    Ordered by sequence, such a row would go after every update of its incident (its
    ``inf``), and the readers would move its instant there: an 'Active' update with an
    empty counter would land after the closure and reopen the incident. Instead it goes
    just after the greatest sequence stamped at or before its instant; several such rows
    between the same two updates go in time order. The key is each row's rank.
    """
    np, _pd = modules()
    if not absent.any():
        return seq
    rows = np.arange(seq.size)
    by_time = np.lexsort((rows, ns, codes))
    known = np.where(absent | (ns == NAT), -np.inf, seq)[by_time]
    before = np.empty(seq.size)
    before[by_time] = _group_cummax(known, codes[by_time])
    primary = np.where(absent, before, seq)
    order = np.lexsort((rows, np.where(absent, ns, 0), absent, primary, codes))
    rank = np.empty(seq.size)
    rank[order] = rows
    return rank


def _group_cummax(values: Any, groups: Any) -> Any:
    """Running maximum of ``values`` within each group (groups contiguous)."""
    _np, pd = modules()
    return pd.Series(values).groupby(groups, sort=False).cummax().to_numpy()


_ORDERED: Final = frozenset({"paused", "resumed", "resolved", "reopened"})
"""The event types the order rule can refuse after the opening (a second opening apart)."""


def _out_of_order(
    np: Any, kind: Any, names: Any, code: Any, status: tuple[Any, Any] | None
) -> tuple[Any, Any] | None:
    """The rows :class:`~escalate.Timeline`'s order rule refuses, and why (``None``: none).

    ``kind`` and ``code`` are the rows' type and incident codes, each incident's rows
    together and in time order, its opening first. The rule is the timeline's own
    (:func:`~escalate._timeline.order_table`), run over every incident at once: one step
    per position within an incident, over the incidents that long. A refused row is left
    out and the rule goes on as if it never came, so the timeline of what is kept holds.
    """
    kinds = [*names.tolist(), ""]  # code -1 (no type) reads as a custom type
    if not _ORDERED.intersection(kinds):
        return None
    ordered = np.array([name in _ORDERED for name in kinds])
    relevant = ordered[kind]
    if not relevant.any():
        return None
    # the incidents with such events (each incident's rows adjoin): only theirs are walked
    has = np.zeros(int(code.max()) + 1, dtype=bool)
    has[code[relevant]] = True
    mine = np.flatnonzero(has[code])
    c, k = code[mine], kind[mine] % len(kinds)  # -1 (no type): the last, ""
    after, said = order_table(kinds)
    # one flat index per (state, type, changes the status): state * width + type * 2 + change
    width = 2 * len(kinds)
    step_of = np.array(after, dtype=np.intp).ravel() * width
    move = k * 2
    if status is not None:
        move += status[0][mine] >= 0
    begin = np.flatnonzero(np.r_[True, c[1:] != c[:-1]])
    lengths = np.diff(np.r_[begin, mine.size])
    longest = np.argsort(-lengths, kind="stable")
    begin, lengths = begin[longest], lengths[longest]
    state = np.full(begin.size, START * width, dtype=np.intp)
    key = np.empty(mine.size, dtype=np.intp)  # the state before each row, and the row's move
    for step in range(int(lengths[0])):
        m = int(np.searchsorted(-lengths, -step, side="left"))  # those longer than step
        at = begin[:m] + step
        key[at] = state[:m] + move[at]
        state[:m] = step_of[key[at]]
    words = np.array(said, dtype=object).ravel()
    bad = (words != "")[key]
    if not bad.any():
        return None
    return mine[bad], words[key[bad]]
