"""Vectorised calendar arithmetic over numpy ``datetime64`` arrays and pandas objects.

The same compiled index as the scalar path, read through its lookup tables
(:class:`escalate._index.VectorIndex`): each value costs a few gathers from small tables,
with no binary search and no Python loop per element. Inside, instants and durations are
int64 microseconds, or nanoseconds when an input is finer than a microsecond; both cover
the whole supported horizon (1900-2200) exactly. Long arrays go through in blocks of
:data:`_BLOCK` values, so that every temporary stays in the CPU cache.
"""

from __future__ import annotations

import functools
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypeAlias

from escalate._errors import (
    HorizonError,
    InvalidDurationError,
    InvalidInstantError,
    InvalidRangeError,
    MissingExtraError,
    NaiveDatetimeError,
)
from escalate._index import MAX_YEAR, MIN_YEAR, Index, VectorIndex, td_us, vector_index

if TYPE_CHECKING:
    from escalate._calendar import Calendar

__all__ = ["ArrayLike", "add_many", "between_many", "next_open_many"]

ArrayLike: TypeAlias = Any
"""A numpy datetime64/timedelta64 array, or a pandas Series, DatetimeIndex or TimedeltaIndex."""

_MAX_DURATION_NS = 2**62  # about 146 years: keeps every sum inside int64 nanoseconds
_NAT = -(2**63)  # NaT as int64
_INT64_MAX = 2**63 - 1
_BLOCK = 1 << 14  # values per block: a block's temporaries fit in the L2 cache
_SUB_MICROSECOND = frozenset({"ns", "ps", "fs", "as"})


def _numpy() -> Any:
    try:
        import numpy as np  # noqa: PLC0415
    except ImportError:  # pragma: no cover - numpy is installed in the test environment
        raise MissingExtraError("vectorised calendar operations", "pandas", "numpy") from None
    return np


def _is_pandas(value: object) -> bool:
    return type(value).__module__.partition(".")[0] == "pandas"


def _unit(dtype: Any) -> str:
    return str(dtype.str.partition("[")[2].rstrip("]")) or "generic"


def _working(dtype: Any) -> tuple[str, int]:
    """The unit to compute in for results of ``dtype``, and its count per microsecond."""
    return ("ns", 1000) if _unit(dtype) in _SUB_MICROSECOND else ("us", 1)


# -- inputs -------------------------------------------------------------------------------


class _Column:
    """An input column as a naive-UTC numpy array, and how to rebuild the same kind."""

    __slots__ = ("kind", "meta", "raw")

    def __init__(self, value: ArrayLike, what: str) -> None:
        np = _numpy()
        self.meta: Any = None
        if _is_pandas(value):
            import pandas as pd  # noqa: PLC0415

            if isinstance(value, pd.Series) and isinstance(value.dtype, pd.DatetimeTZDtype):
                self.kind, self.meta = "series", (value.index, value.name)
                self.raw = value.dt.tz_convert(None).to_numpy()  # UTC, a cheap relabel
            elif isinstance(value, pd.DatetimeIndex) and value.tz is not None:
                self.kind, self.meta = "index", value.name
                self.raw = value.tz_convert(None).to_numpy()
            elif getattr(value, "dtype", None) is not None and value.dtype.kind == "M":
                fix = (
                    "pandas columns must carry a time zone: use .dt.tz_localize('America/Bogota') "
                    "(or tz_localize on an index), naming the zone the times were written in"
                )
                raise NaiveDatetimeError(what, f"{type(value).__name__}[{value.dtype}]", fix=fix)
            else:
                dtype = getattr(value, "dtype", "?")
                msg = f"{what} must hold tz-aware datetimes, got {type(value).__name__} of {dtype}"
                raise InvalidInstantError(msg)
        elif isinstance(value, np.ndarray) and value.dtype.kind == "M":
            self.kind, self.raw = "numpy", value
        else:
            msg = (
                f"{what} must be a numpy datetime64 array or a tz-aware pandas Series or "
                f"DatetimeIndex, got {type(value).__name__}; use cal.add/cal.between for one value"
            )
            raise InvalidInstantError(msg)

    def instants(self, out: Any, zone: str) -> ArrayLike:
        """Return UTC ``datetime64`` values as this column's kind (pandas: in ``zone``)."""
        if self.kind == "numpy":
            return out
        import pandas as pd  # noqa: PLC0415

        index = pd.DatetimeIndex(out).tz_localize("UTC").tz_convert(zone)
        if self.kind == "index":
            return index.rename(self.meta)
        return pd.Series(index, index=self.meta[0], name=self.meta[1])

    def deltas(self, out: Any) -> ArrayLike:
        """Return ``timedelta64`` values as this column's kind."""
        if self.kind == "numpy":
            return out
        import pandas as pd  # noqa: PLC0415

        if self.kind == "index":
            return pd.TimedeltaIndex(out, name=self.meta)
        return pd.Series(out, index=self.meta[0], name=self.meta[1])


class _Ints:
    """An array's values as int64, with NaT masked and the range of the valid values.

    ``mask`` is ``None`` when nothing is NaT; ``lo``/``hi`` are ``None`` when all is NaT.
    The values of NaT slots are left as they are: every lookup clips its indices, so they
    give harmless garbage that the mask overwrites at the end.
    """

    __slots__ = ("array", "hi", "lo", "mask", "raw")

    def __init__(self, np: Any, raw: Any) -> None:
        ints = raw.view(np.int64)
        self.raw, self.array, self.mask = raw, ints, None
        self.lo: int | None = None
        self.hi: int | None = None
        if ints.size:
            lo, hi = int(ints.min()), int(ints.max())
            if lo == _NAT:
                self.mask = ints == _NAT
                valid = ints[~self.mask]
                if not valid.size:
                    return
                lo, hi = int(valid.min()), int(valid.max())
            self.lo, self.hi = lo, hi

    def to(self, np: Any, working: str) -> None:
        """Convert the values (and their range) to ``working`` units, in place."""
        unit = _unit(self.raw.dtype)
        if unit == working:
            return
        kind = self.raw.dtype.kind
        target = np.dtype(f"{kind}8[{working}]")
        self.array = self.raw.astype(target).view(np.int64)
        if self.lo is not None and self.hi is not None:
            scalar = np.datetime64 if kind == "M" else np.timedelta64
            self.lo = int(scalar(self.lo, unit).astype(target).astype(np.int64))
            self.hi = int(scalar(self.hi, unit).astype(target).astype(np.int64))


@functools.cache
def _horizon(dtype: Any) -> tuple[int, int]:
    """The instants of 1 January of MIN_YEAR - 1 and of MAX_YEAR + 2, in ``dtype``'s unit."""
    np = _numpy()
    try:
        low = np.datetime64(f"{MIN_YEAR - 1}-01-01").astype(dtype).astype(np.int64)
        high = np.datetime64(f"{MAX_YEAR + 2}-01-01").astype(dtype).astype(np.int64)
    except OverflowError:  # a sub-nanosecond unit: its int64 values span months around 1970
        return -_INT64_MAX, _INT64_MAX
    return int(low), int(high)


def _instants(np: Any, column: _Column, working: str, what: str) -> _Ints:
    raw = column.raw
    ints = _Ints(np, raw)
    if ints.lo is not None and ints.hi is not None:
        # int64 nanoseconds hold 1678-2261; the index checks the exact horizon (local dates)
        low, high = _horizon(raw.dtype)
        if ints.lo < low or ints.hi >= high:
            msg = f"{what} has instants beyond the supported horizon (years {MIN_YEAR}-{MAX_YEAR})"
            raise HorizonError(msg)
    ints.to(np, working)
    return ints


class _Durations:
    """Durations as one int (a scalar, broadcast) or an int64 array, in the working unit."""

    __slots__ = ("hi", "ints", "lo", "mask", "unit", "value")

    def __init__(self, np: Any, value: ArrayLike | timedelta, size: int) -> None:
        self.mask: Any = None
        self.value: Any
        self.lo: int | None
        self.hi: int | None
        if isinstance(value, timedelta):
            us = td_us(value)
            self.unit, self.value = "us", us
            self.lo = self.hi = us
            self._check(us * 1000, us * 1000)
            return
        if isinstance(value, np.timedelta64):
            if np.isnat(value):
                value = np.full(size, value)
            else:
                self.unit, self.value = _unit(value.dtype), int(value.astype(np.int64))
                self.lo = self.hi = self.value
                self._check_raw(np)
                return
        if _is_pandas(value) and getattr(value, "dtype", None) is not None:
            if value.dtype.kind != "m":
                self._reject(value)
            raw = value.to_numpy()
        elif isinstance(value, np.ndarray) and value.dtype.kind == "m":
            raw = value
        else:
            self._reject(value)
        if raw.shape != (size,):
            got = raw.shape[0] if raw.ndim else 1
            msg = f"starts and durations must have the same length, got {size} and {got}"
            raise InvalidRangeError(msg)
        self.ints = _Ints(np, raw)
        self.unit, self.value = _unit(raw.dtype), self.ints.array
        self.mask, self.lo, self.hi = self.ints.mask, self.ints.lo, self.ints.hi
        if self.lo is not None:
            self._check_raw(np)

    @staticmethod
    def _reject(value: object) -> None:
        msg = (
            "durations must be a timedelta, a numpy timedelta64 array or a pandas timedelta "
            f"Series/TimedeltaIndex, got {type(value).__name__}"
        )
        raise InvalidDurationError(msg)

    def _check_raw(self, np: Any) -> None:
        assert self.lo is not None  # noqa: S101 - callers check
        assert self.hi is not None  # noqa: S101
        # nanoseconds per unit; 0 for a finer unit, whose int64 values are all within limits
        per = int(np.timedelta64(1, self.unit).astype("m8[ns]").astype(np.int64))
        self._check(self.lo * per, self.hi * per)

    @staticmethod
    def _check(lo_ns: int, hi_ns: int) -> None:
        if hi_ns > _MAX_DURATION_NS or lo_ns < -_MAX_DURATION_NS:
            msg = "a duration is beyond the supported horizon for vectorised operations (146 years)"
            raise HorizonError(msg)

    def to(self, np: Any, working: str) -> None:
        """Convert to the working unit, in place."""
        if self.unit == working or self.lo is None:
            return
        if isinstance(self.value, int):
            self.value = int(
                np.timedelta64(self.value, self.unit).astype(f"m8[{working}]").astype(np.int64)
            )
            self.lo = self.hi = self.value
            return
        self.ints.to(np, working)
        self.value, self.lo, self.hi = self.ints.array, self.ints.lo, self.ints.hi


def _either(np: Any, a: Any, b: Any) -> Any:
    """The union of two NaT masks, either of which may be None."""
    if a is None:
        return b
    return a if b is None else np.logical_or(a, b)


def _finish(ints: Any, mask: Any, working: str, dtype: Any) -> Any:
    """Return int64 results as ``dtype`` (datetime64 or timedelta64), NaT where masked."""
    if mask is not None:
        ints[mask] = _NAT
    out = ints.view(f"{dtype.kind}8[{working}]")
    return out if out.dtype == dtype else out.astype(dtype)


# -- the kernels: blocks of int64 values through the lookup tables --------------------------


class _Scratch:
    """Reusable per-block temporaries."""

    __slots__ = ("c", "j", "k", "y")

    def __init__(self, np: Any, n: int) -> None:
        size = min(n, _BLOCK)
        self.j = np.empty(size, np.int64)
        self.k = np.empty(size, np.int32)
        self.c = np.empty(size, np.bool_)
        self.y = np.empty(size, np.int64)


def _locate(np: Any, vi: VectorIndex, x: Any, s: _Scratch) -> Any:
    """Return, for each instant, the number of openings at or before it."""
    if vi.time_table is None:
        return np.searchsorted(vi.opens, x, side="right")
    m = x.size
    j, k, c = s.j[:m], s.k[:m], s.c[:m]
    np.subtract(x, vi.time_base, out=j)
    np.right_shift(j, vi.time_shift, out=j)
    np.take(vi.time_table, j, out=k, mode="clip")
    np.take(vi.next_open, k, out=j, mode="clip")
    np.greater_equal(x, j, out=c)  # the one opening inside the bucket is already passed
    np.add(k, c, out=k)
    return k


def _open_before(np: Any, vi: VectorIndex, x: Any, out: Any, s: _Scratch) -> None:
    """Write ``F(x)``, the open time before each instant, into ``out``."""
    k = _locate(np, vi, x, s)
    y = s.y[: x.size]
    np.take(vi.lead, k, out=out, mode="clip")
    np.add(out, x, out=out)
    np.take(vi.cum, k, out=y, mode="clip")
    np.minimum(out, y, out=out)


def _instant_at(
    np: Any, vi: VectorIndex, target: Any, out: Any, s: _Scratch, *, direction: int, neg: Any
) -> None:
    """Write the instant at which ``F`` reaches each open-time target into ``out``.

    The earliest such instant for ``direction > 0`` (add forwards), the latest for
    ``direction < 0``; for ``direction == 0`` row by row, the latest where ``neg``.
    ``out`` may be ``target`` itself.
    """
    m = target.size
    if vi.sum_table is None:
        if direction:
            k = np.searchsorted(vi.sums, target, side="left" if direction > 0 else "right")
        else:
            k = np.searchsorted(vi.sums, target + neg, side="left")
    else:
        j, k, c, y = s.j[:m], s.k[:m], s.c[:m], s.y[:m]
        np.subtract(target, vi.sum_base, out=j)
        np.right_shift(j, vi.sum_shift, out=j)
        np.take(vi.sum_table, j, out=k, mode="clip")
        np.take(vi.cum, k, out=y, mode="clip")
        if direction < 0:
            np.less_equal(y, target, out=c)
        else:
            if not direction:
                np.subtract(y, neg, out=y)  # sum <= target is sum - 1 < target
            np.less(y, target, out=c)
        np.add(k, c, out=k)
    y = s.y[:m]
    np.take(vi.lead, k, out=y, mode="clip")
    np.subtract(target, y, out=out)


def _blocks(n: int) -> range:
    return range(0, n, _BLOCK)


def _open_before_all(np: Any, vi: VectorIndex, x: Any) -> Any:
    out = np.empty(x.size, np.int64)
    s = _Scratch(np, x.size)
    for lo in _blocks(x.size):
        hi = lo + _BLOCK
        _open_before(np, vi, x[lo:hi], out[lo:hi], s)
    return out


def _between_all(np: Any, vi: VectorIndex, a: Any, b: Any) -> Any:
    out = np.empty(a.size, np.int64)
    s = _Scratch(np, a.size)
    fa = np.empty(min(a.size, _BLOCK), np.int64)
    for lo in _blocks(a.size):
        hi = lo + _BLOCK
        o, f = out[lo:hi], fa[: out[lo:hi].size]
        _open_before(np, vi, a[lo:hi], f, s)
        _open_before(np, vi, b[lo:hi], o, s)
        np.subtract(o, f, out=o)
    return out


def _add_all(
    np: Any, vi: VectorIndex, t: Any, d: Any, *, direction: int, targets: Any = None
) -> Any:
    """``add`` row by row: ``F(t) + d`` (or the given targets), then the instant there."""
    out = np.empty(t.size, np.int64)
    s = _Scratch(np, t.size)
    array = not isinstance(d, int)
    neg = np.empty(min(t.size, _BLOCK), np.bool_) if not direction else None
    for lo in _blocks(t.size):
        hi = lo + _BLOCK
        x, o = t[lo:hi], out[lo:hi]
        step = d[lo:hi] if array else d
        if targets is None:
            _open_before(np, vi, x, o, s)
            np.add(o, step, out=o)
        else:
            o[:] = targets[lo:hi]
        negative = None
        if neg is not None:
            negative = np.less(step, 0, out=neg[: o.size])
        _instant_at(np, vi, o, o, s, direction=direction, neg=negative)
        if neg is not None:
            np.copyto(o, x, where=step == 0)  # add(t, 0) is t, even in a closed period
    return out


# -- the public operations --------------------------------------------------------------


def _index(cal: Calendar, lo: int, hi: int, scale: int) -> Index:
    return cal._index_for_span(lo // scale, hi // scale)


def between_many(cal: Calendar, starts: ArrayLike, ends: ArrayLike) -> ArrayLike:
    """Vectorised :meth:`Calendar.between`."""
    np = _numpy()
    a_col = _Column(starts, "starts")
    b_col = _Column(ends, "ends")
    if a_col.raw.shape != b_col.raw.shape:
        msg = (
            f"starts and ends must have the same length, got {a_col.raw.size} and {b_col.raw.size}"
        )
        raise InvalidRangeError(msg)
    unit = np.dtype(np.result_type(a_col.raw.dtype, b_col.raw.dtype).str.replace("M8", "m8"))
    working, scale = _working(unit)
    a = _instants(np, a_col, working, "starts")
    b = _instants(np, b_col, working, "ends")
    mask = _either(np, a.mask, b.mask)
    if a.lo is None or b.lo is None or (mask is not None and mask.all()):
        return a_col.deltas(_finish(np.full(a.array.size, _NAT), None, working, unit))
    assert a.hi is not None  # noqa: S101 - set together with lo
    assert b.hi is not None  # noqa: S101
    lo, hi = min(a.lo, b.lo), max(a.hi, b.hi)
    if cal.is_always_open:
        out = b.array - a.array
    else:
        vi = vector_index(_index(cal, lo, hi, scale), scale)
        out = _between_all(np, vi, a.array, b.array)
    return a_col.deltas(_finish(out, mask, working, unit))


def add_many(cal: Calendar, starts: ArrayLike, durations: ArrayLike | timedelta) -> ArrayLike:
    """Vectorised :meth:`Calendar.add`."""
    np = _numpy()
    col = _Column(starts, "starts")
    n = col.raw.size
    dur = _Durations(np, durations, n)
    unit = np.dtype(np.result_type(col.raw.dtype, np.dtype(f"M8[{dur.unit}]")))
    working, scale = _working(unit)
    t = _instants(np, col, working, "starts")
    dur.to(np, working)
    mask = _either(np, t.mask, dur.mask)
    if t.lo is None or dur.lo is None or (mask is not None and mask.all()):
        return col.instants(_finish(np.full(n, _NAT), None, working, unit), cal.timezone)
    assert t.hi is not None  # noqa: S101 - set together with lo
    assert dur.hi is not None  # noqa: S101
    d = dur.value
    if cal.is_always_open:
        out = t.array + d
        valid = out if mask is None else out[~mask]
        low = np.datetime64(f"{MIN_YEAR}-01-01", working).astype(np.int64)
        high = np.datetime64(f"{MAX_YEAR + 1}-01-01", working).astype(np.int64)
        if valid.min() < low or valid.max() >= high:
            msg = f"a result lies beyond the supported horizon (years {MIN_YEAR}-{MAX_YEAR})"
            raise HorizonError(msg)
        return col.instants(_finish(out, mask, working, unit), cal.timezone)
    idx = _index(cal, t.lo, t.hi, scale)
    if dur.lo == dur.hi == 0:
        return col.instants(_finish(t.array.copy(), mask, working, unit), cal.timezone)
    direction = 1 if dur.lo > 0 else -1 if dur.hi < 0 else 0
    vi = vector_index(idx, scale)
    targets = None
    # F is monotone, so F(min) + min(d) and F(max) + max(d) bound every target: when they
    # lie inside the index, no row can leave it and one pass does everything
    if (dur.hi > 0 and idx.f(-(-t.hi // scale)) * scale + dur.hi > vi.f_end) or (
        dur.lo < 0 and idx.f(t.lo // scale) * scale + dur.lo < vi.f_start
    ):
        idx, vi, targets = _grow(np, cal, idx, t.array, d, mask=mask, scale=scale)
    out = _add_all(np, vi, t.array, d, direction=direction, targets=targets)
    return col.instants(_finish(out, mask, working, unit), cal.timezone)


def _grow(
    np: Any, cal: Calendar, idx: Index, t: Any, d: Any, *, mask: Any, scale: int
) -> tuple[Index, VectorIndex, Any]:
    """Grow the index until every row's target lies inside it; return it and the targets."""
    valid = None if mask is None else ~mask
    d_all = np.broadcast_to(d, t.shape)
    pos, neg = d_all > 0, d_all < 0
    if valid is not None:
        pos &= valid
        neg &= valid
    while True:
        vi = vector_index(idx, scale)
        targets = _open_before_all(np, vi, t) + d
        if pos.any() and (top := int(targets[pos].max())) > vi.f_end:
            idx = cal._grow_for(idx, -(-top // scale), forward=True)
            continue
        if neg.any() and (bottom := int(targets[neg].min())) < vi.f_start:
            idx = cal._grow_for(idx, bottom // scale, forward=False)
            continue
        return idx, vi, targets


def next_open_many(cal: Calendar, starts: ArrayLike) -> ArrayLike:
    """Vectorised :meth:`Calendar.next_open`: each instant when open, else the next opening.

    Periods are half-open, so an instant exactly on a closing time moves to the next
    opening, and one exactly on an opening stays.
    """
    np = _numpy()
    col = _Column(starts, "starts")
    unit = col.raw.dtype
    working, scale = _working(unit)
    t = _instants(np, col, working, "starts")
    if t.lo is None or t.hi is None:
        return col.instants(_finish(t.array.copy(), t.mask, working, unit), cal.timezone)
    if cal.is_always_open:
        return col.instants(_finish(t.array.copy(), t.mask, working, unit), cal.timezone)
    idx = _index(cal, t.lo, t.hi, scale)
    while True:
        vi = vector_index(idx, scale)
        out = _next_open_all(np, vi, t.array)
        short = out >= vi.cov_end
        if t.mask is not None:
            short &= ~t.mask
        if not short.any():
            break
        # the scalar search finds the last opening needed (or raises at the horizon);
        # then retry on a snapshot from the first instant to that opening
        found = cal._next_boundary(int(t.array[short].max()) // scale, want_open=True)
        idx = cal._index_for_span(int(t.lo) // scale, found)
    return col.instants(_finish(out, t.mask, working, unit), cal.timezone)


def _next_open_all(np: Any, vi: VectorIndex, t: Any) -> Any:
    out = np.empty(t.size, np.int64)
    s = _Scratch(np, t.size)
    for lo in _blocks(t.size):
        hi = lo + _BLOCK
        x, o = t[lo:hi], out[lo:hi]
        k = _locate(np, vi, x, s)
        m = x.size
        y, j, c = s.y[:m], s.j[:m], s.c[:m]
        np.take(vi.lead, k, out=y, mode="clip")
        np.add(y, x, out=y)
        np.take(vi.cum, k, out=j, mode="clip")
        np.less(y, j, out=c)  # inside an open period: F still grows at x
        np.take(vi.next_open, k, out=o, mode="clip")
        np.copyto(o, x, where=c)
    return out
