"""Vectorised calendar arithmetic over numpy ``datetime64`` arrays and pandas objects.

The same compiled index as the scalar path, searched with ``numpy.searchsorted``: no
Python loop per element. Inside, instants and durations are int64 nanoseconds, which
covers the whole supported horizon (1900-2200) exactly.
"""

from __future__ import annotations

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
from escalate._index import MAX_YEAR, MIN_YEAR, Index

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from escalate._calendar import Calendar

__all__ = ["ArrayLike", "add_many", "between_many", "next_open_many"]

ArrayLike: TypeAlias = Any
"""A numpy datetime64/timedelta64 array, or a pandas Series, DatetimeIndex or TimedeltaIndex."""

_MAX_DURATION_NS = 2**62  # about 146 years: keeps every sum inside int64 nanoseconds


def _numpy() -> Any:
    try:
        import numpy as np  # noqa: PLC0415
    except ImportError:  # pragma: no cover - numpy is installed in the test environment
        raise MissingExtraError("vectorised calendar operations", "pandas", "numpy") from None
    return np


def _is_pandas(value: object) -> bool:
    return type(value).__module__.partition(".")[0] == "pandas"


class _Instants:
    """Instants taken apart: int64 ns (UTC), a NaT mask, and how to rebuild the same kind."""

    __slots__ = ("kind", "mask", "meta", "ns", "unit")

    def __init__(self, value: ArrayLike, what: str) -> None:
        np = _numpy()
        self.meta: Any = None
        if _is_pandas(value):
            import pandas as pd  # noqa: PLC0415

            if isinstance(value, pd.Series) and isinstance(value.dtype, pd.DatetimeTZDtype):
                self.kind, self.meta = "series", (value.index, value.name)
                raw = value.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy()
            elif isinstance(value, pd.DatetimeIndex) and value.tz is not None:
                self.kind, self.meta = "index", value.name
                raw = value.tz_convert("UTC").tz_localize(None).to_numpy()
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
            self.kind, raw = "numpy", value
        else:
            msg = (
                f"{what} must be a numpy datetime64 array or a tz-aware pandas Series or "
                f"DatetimeIndex, got {type(value).__name__}; use cal.add/cal.between for one value"
            )
            raise InvalidInstantError(msg)
        self.unit = raw.dtype
        self.mask = np.isnat(raw)
        valid = raw[~self.mask]
        # int64 nanoseconds hold 1678-2261; the index checks the exact horizon (local dates)
        if valid.size and (
            valid.min() < np.datetime64(f"{MIN_YEAR - 1}-01-01")
            or valid.max() >= np.datetime64(f"{MAX_YEAR + 2}-01-01")
        ):
            msg = f"{what} has instants beyond the supported horizon (years {MIN_YEAR}-{MAX_YEAR})"
            raise HorizonError(msg)
        self.ns = raw.astype("datetime64[ns]").view("int64").copy()
        if valid.size:
            self.ns[self.mask] = self.ns[~self.mask][0]  # a harmless stand-in for NaT

    def rebuild(
        self, ns: npt.NDArray[np.int64], mask: npt.NDArray[np.bool_], unit: Any, zone: str
    ) -> ArrayLike:
        np = _numpy()
        out = ns.view("datetime64[ns]").copy()
        out[mask] = np.datetime64("NaT")
        out = out.astype(unit)
        if self.kind == "numpy":
            return out
        import pandas as pd  # noqa: PLC0415

        index = pd.DatetimeIndex(out).tz_localize("UTC").tz_convert(zone)
        if self.kind == "index":
            return index.rename(self.meta)
        return pd.Series(index, index=self.meta[0], name=self.meta[1])

    def rebuild_delta(
        self, ns: npt.NDArray[np.int64], mask: npt.NDArray[np.bool_], unit: Any
    ) -> ArrayLike:
        np = _numpy()
        out = ns.view("timedelta64[ns]").copy()
        out[mask] = np.timedelta64("NaT")
        out = out.astype(unit)
        if self.kind == "numpy":
            return out
        import pandas as pd  # noqa: PLC0415

        if self.kind == "index":
            return pd.TimedeltaIndex(out, name=self.meta)
        return pd.Series(out, index=self.meta[0], name=self.meta[1])


def _durations(value: ArrayLike | timedelta, size: int) -> tuple[Any, Any, Any]:
    """Return (int64 ns array, timedelta64 dtype) for durations, broadcasting a scalar."""
    np = _numpy()
    if isinstance(value, timedelta):
        raw = np.full(size, np.timedelta64(value, "us"))
    elif isinstance(value, np.timedelta64):
        raw = np.full(size, value)
    elif (
        _is_pandas(value) and getattr(value, "dtype", None) is not None and value.dtype.kind == "m"
    ):
        raw = value.to_numpy()
    elif isinstance(value, np.ndarray) and value.dtype.kind == "m":
        raw = value
    else:
        msg = (
            "durations must be a timedelta, a numpy timedelta64 array or a pandas timedelta "
            f"Series/TimedeltaIndex, got {type(value).__name__}"
        )
        raise InvalidDurationError(msg)
    if raw.shape != (size,):
        got = raw.shape[0] if raw.ndim else 1
        msg = f"starts and durations must have the same length, got {size} and {got}"
        raise InvalidRangeError(msg)
    mask = np.isnat(raw)
    valid = raw[~mask]
    limit = np.timedelta64(_MAX_DURATION_NS, "ns")
    if valid.size and (valid.max() > limit or valid.min() < -limit):
        msg = "a duration is beyond the supported horizon for vectorised operations (146 years)"
        raise HorizonError(msg)
    ns = raw.astype("timedelta64[ns]").view("int64").copy()
    ns[mask] = 0
    return ns, raw.dtype, mask


def _arrays(idx: Index) -> tuple[Any, Any, Any]:
    found: tuple[Any, Any, Any] | None = idx.np_arrays
    if found is None:
        np = _numpy()
        found = (
            np.asarray(idx.bounds, dtype=np.int64) * 1000,
            np.asarray(idx.opens, dtype=np.int64) * 1000,
            np.asarray(idx.cum, dtype=np.int64) * 1000,
        )
        idx.np_arrays = found
    return found


def _f(idx: Index, t: Any) -> Any:
    """Vectorised open time before ``t`` (ns), as :meth:`Index.f`."""
    np = _numpy()
    bounds, _opens, cum = _arrays(idx)
    if not len(bounds):
        return np.zeros_like(t)
    i = np.searchsorted(bounds, t, side="right")
    inside = (i & 1).astype(bool)
    return cum[i >> 1] + np.where(inside, t - bounds[np.maximum(i - 1, 0)], 0)


def _span_index(cal: Calendar, t: Any, mask: Any) -> Index:
    np = _numpy()
    valid = t[~mask] if mask.any() else t
    lo, hi = int(valid.min()) // 1000, int(np.max(valid)) // 1000
    return cal._index_for_span(lo, hi)


def between_many(cal: Calendar, starts: ArrayLike, ends: ArrayLike) -> ArrayLike:
    """Vectorised :meth:`Calendar.between`."""
    np = _numpy()
    a = _Instants(starts, "starts")
    b = _Instants(ends, "ends")
    if a.ns.shape != b.ns.shape:
        msg = f"starts and ends must have the same length, got {a.ns.size} and {b.ns.size}"
        raise InvalidRangeError(msg)
    mask = a.mask | b.mask
    unit = np.result_type(a.unit, b.unit).str.replace("M8", "m8")
    if mask.all():
        return a.rebuild_delta(np.zeros_like(a.ns), mask, unit)
    if cal.is_always_open:
        out = b.ns - a.ns
    else:
        both = np.concatenate([a.ns[~mask], b.ns[~mask]])
        idx = _span_index(cal, both, np.zeros(both.shape, dtype=bool))
        out = _f(idx, b.ns) - _f(idx, a.ns)
    return a.rebuild_delta(out, mask, unit)


def add_many(cal: Calendar, starts: ArrayLike, durations: ArrayLike | timedelta) -> ArrayLike:
    """Vectorised :meth:`Calendar.add`."""
    np = _numpy()
    a = _Instants(starts, "starts")
    d, d_unit, d_mask = _durations(durations, a.ns.size)
    mask = a.mask | d_mask
    unit = np.result_type(a.unit, d_unit.str.replace("m8", "M8"))
    if mask.all():
        return a.rebuild(np.zeros_like(a.ns), mask, unit, cal.timezone)
    t = a.ns
    d = np.where(mask, 0, d)
    if cal.is_always_open:
        out = t + d
        if out[~mask].min() < np.datetime64(f"{MIN_YEAR}-01-01", "ns").astype(np.int64) or out[
            ~mask
        ].max() >= np.datetime64(f"{MAX_YEAR + 1}-01-01", "ns").astype(np.int64):
            msg = f"a result lies beyond the supported horizon (years {MIN_YEAR}-{MAX_YEAR})"
            raise HorizonError(msg)
        return a.rebuild(out, mask, unit, cal.timezone)
    pos, neg = d > 0, d < 0
    idx = _span_index(cal, t, mask)
    while True:
        target = _f(idx, t) + d
        if pos.any() and int(target[pos].max()) > idx.f_end * 1000:
            idx = cal._grow_for(idx, -(-int(target[pos].max()) // 1000), forward=True)
            continue
        if neg.any() and int(target[neg].min()) < idx.f_start * 1000:
            idx = cal._grow_for(idx, int(target[neg].min()) // 1000, forward=False)
            continue
        break
    _bounds, opens, cum = _arrays(idx)
    out = t.copy()
    if pos.any():
        tp = target[pos]
        k = np.searchsorted(cum, tp, side="left") - 1
        out[pos] = opens[k] + tp - cum[k]
    if neg.any():
        tn = target[neg]
        k = np.searchsorted(cum, tn, side="right") - 1
        out[neg] = opens[k] + tn - cum[k]
    return a.rebuild(out, mask, unit, cal.timezone)


def next_open_many(cal: Calendar, starts: ArrayLike) -> ArrayLike:
    """Vectorised :meth:`Calendar.next_open`: each instant when open, else the next opening.

    Periods are half-open, so an instant exactly on a closing time moves to the next
    opening, and one exactly on an opening stays.
    """
    np = _numpy()
    a = _Instants(starts, "starts")
    if a.mask.all() or cal.is_always_open:
        return a.rebuild(a.ns, a.mask, a.unit, cal.timezone)
    t = a.ns
    valid = ~a.mask
    idx = _span_index(cal, t, a.mask)
    while True:
        bounds, _opens, _cum = _arrays(idx)
        i = np.searchsorted(bounds, t, side="right")
        inside = (i & 1).astype(bool)
        j = np.minimum(i, max(len(bounds) - 1, 0))
        beyond = (i >= len(bounds)) | (bounds[j] >= idx.cov_end * 1000) if len(bounds) else True
        short = valid & ~inside & beyond
        if not short.any():
            break
        # the scalar search finds the last opening needed (or raises at the horizon);
        # then retry on a snapshot from the first instant to that opening
        found = cal._next_boundary(int(t[short].max()) // 1000, want_open=True)
        idx = cal._index_for_span(int(t[valid].min()) // 1000, found)
    out = np.where(inside, t, bounds[j])
    return a.rebuild(out, a.mask, a.unit, cal.timezone)
