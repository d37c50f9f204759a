"""A read-only mapping for frozen classes, and the converters the policy classes share."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TypeVar

from escalate._checks import describe
from escalate._errors import PolicyError

__all__ = ["FrozenMap", "as_tuple", "is_mapping"]

_K = TypeVar("_K")
_V = TypeVar("_V")


class FrozenMap(Mapping[_K, _V]):
    """A read-only, hashable mapping that keeps its insertion order."""

    __slots__ = ("_data", "_hash")

    def __init__(self, items: Mapping[_K, _V] | Iterable[tuple[_K, _V]] = ()) -> None:
        self._data: dict[_K, _V] = dict(items)
        self._hash: int | None = None

    def __getitem__(self, key: _K) -> _V:
        return self._data[key]

    def __iter__(self) -> Iterator[_K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(frozenset(self._data.items()))
        return self._hash

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return self._data == dict(other.items())
        return NotImplemented

    def __repr__(self) -> str:
        return repr(self._data)

    def __reduce__(self) -> tuple[type[FrozenMap[_K, _V]], tuple[dict[_K, _V]]]:
        return (type(self), (self._data,))


def _float(value: object, what: str) -> float:
    """Convert a number to float; anything else (or an int too large) is a PolicyError."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return float(value)
        except OverflowError:
            pass
    raise PolicyError.single(what, f"expected a finite number, got {describe(value)}")


def _frozen_map(value: Mapping[Any, Any] | Iterable[tuple[Any, Any]]) -> FrozenMap[Any, Any]:
    if isinstance(value, FrozenMap):
        return value
    if isinstance(value, Mapping):
        return FrozenMap(value)
    return value  # type: ignore[return-value] # the policy's checks name it (as_tuple)


def is_mapping(value: object) -> bool:
    """Whether ``value`` is a mapping (a converter's check that the type checker keeps)."""
    return isinstance(value, Mapping)


def as_tuple(value: Any) -> Any:
    """A list, tuple or other iterable as a tuple; text, a mapping or a scalar as given.

    The converters of the policy classes use it so that a value of the wrong shape,
    built in Python, reaches the policy's checks (which name it by its key path) instead
    of failing inside a converter with a bare ``TypeError``.
    """
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        return value
    return tuple(value)


def _strings(value: Iterable[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else as_tuple(value)
