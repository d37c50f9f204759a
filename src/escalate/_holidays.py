"""Holiday sources: the maintained ``holidays`` package, workalendar, explicit dates, unions.

Years are computed lazily: a source is asked only for the years a query touches, and the
calendar's compiled index caches the answer.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, Literal, TypeAlias

import attrs

from escalate._checks import excerpt, null_problems, text_argument
from escalate._errors import InvalidCalendarError, Problem, did_you_mean
from escalate._hours import parse_date

__all__ = ["HolidaySourceName", "Holidays", "parse_holidays"]

HolidaySourceName: TypeAlias = Literal["holidays", "workalendar"]
_SOURCES = ("holidays", "workalendar")
_TABLE_KEYS = ("country", "subdivision", "source", "calendar", "include", "add", "remove")


def _holidays_countries() -> dict[str, list[str]]:
    import holidays  # noqa: PLC0415 - imported on first use, it is slow to import

    supported: dict[str, list[str]] = holidays.list_supported_countries()
    return supported


def _country_names() -> dict[str, str]:
    from holidays import registry  # noqa: PLC0415

    names: dict[str, str] = {}
    for info in registry.COUNTRIES.values():
        names[str(info[0]).lower()] = str(info[1])
    return names


def _country_problems(code: str, subdivision: str | None, source: str, path: str) -> list[Problem]:
    """Check a country code and subdivision against the chosen source."""
    where = (lambda key: f"{path}.{key}") if path else (lambda key: key)
    if source not in _SOURCES:
        return [
            Problem(
                path=where("source"),
                message=f"unknown holiday source {excerpt(source)}",
                hint=did_you_mean(source, _SOURCES) or "use 'holidays' or 'workalendar'",
            )
        ]
    if source == "holidays":
        countries = _holidays_countries()
        if code not in countries:
            named = _country_names().get(code.lower())
            hint = (
                f"did you mean {excerpt(named)}?"
                if named
                else did_you_mean(code.upper(), countries)
                or "use an ISO 3166-1 alpha-2 code such as 'CO', 'MX' or 'PE'"
            )
            return [
                Problem(
                    path=where("country"), message=f"unknown country {excerpt(code)}", hint=hint
                )
            ]
        subdivisions = countries[code]
        if subdivision is not None and subdivision not in subdivisions:
            hint = did_you_mean(subdivision, subdivisions) or (
                f"{code} has no subdivisions; leave it out"
                if not subdivisions
                else f"{code}'s subdivisions are: {', '.join(subdivisions)}"
            )
            return [
                Problem(
                    path=where("subdivision"),
                    message=f"unknown subdivision {excerpt(subdivision)} of {excerpt(code)}",
                    hint=hint,
                )
            ]
        return []
    from workalendar.registry import registry  # noqa: PLC0415

    key = code if subdivision is None else f"{code}-{subdivision}"
    if registry.get(key) is None:
        known = list(registry.get_calendars(include_subregions=True))
        return [
            Problem(
                path=where("subdivision" if subdivision is not None else "country"),
                message=f"workalendar has no calendar for {excerpt(key)}",
                hint=did_you_mean(key, known)
                or "workalendar lacks many countries; try source = 'holidays'",
            )
        ]
    return []


@attrs.frozen
class _Country:
    code: str
    subdivision: str | None
    source: HolidaySourceName

    def dates(self, year: int) -> Iterable[date]:
        if self.source == "holidays":
            import holidays  # noqa: PLC0415

            found: Iterable[date] = holidays.country_holidays(
                self.code, subdiv=self.subdivision, years=year
            ).keys()
            return found
        from workalendar.registry import registry  # noqa: PLC0415

        key = self.code if self.subdivision is None else f"{self.code}-{self.subdivision}"
        return _workalendar_dates(registry.get(key), year)

    def to_config(self) -> dict[str, Any]:
        out: dict[str, Any] = {"country": self.code}
        if self.subdivision is not None:
            out["subdivision"] = self.subdivision
        out["source"] = self.source
        return out


def _workalendar_dates(calendar_class: Any, year: int) -> list[date]:
    try:
        return [day for day, _name in calendar_class().holidays(year)]
    except Exception as exc:
        msg = f"workalendar's {calendar_class.__name__} cannot give holidays for {year}: {exc}"
        raise InvalidCalendarError.single(
            "holidays", msg, "use source = 'holidays', or add the dates explicitly"
        ) from exc


@attrs.frozen
class _Workalendar:
    calendar: type

    def dates(self, year: int) -> Iterable[date]:
        return _workalendar_dates(self.calendar, year)

    def to_config(self) -> dict[str, Any]:
        return {"calendar": f"{self.calendar.__module__}.{self.calendar.__qualname__}"}


_Source: TypeAlias = "_Country | _Workalendar | Holidays"


@attrs.frozen(kw_only=True)
class Holidays:
    """A set of holiday dates: sources (countries, workalendar calendars) plus explicit dates.

    The dates of a year are ``(union of the sources' dates) | add`` minus ``remove``.
    Build one with :meth:`country`, :meth:`workalendar`, :meth:`dates` or :meth:`none`,
    combine with ``|`` and adjust with :meth:`with_changes`.

    >>> from datetime import date
    >>> h = Holidays.dates(["2026-01-01"]) | Holidays.dates([date(2026, 12, 25)])
    >>> sorted(h.for_year(2026))
    [datetime.date(2026, 1, 1), datetime.date(2026, 12, 25)]
    """

    sources: tuple[_Source, ...] = ()
    add: frozenset[date] = frozenset()
    remove: frozenset[date] = frozenset()

    def __attrs_post_init__(self) -> None:
        # One normal form, so that equal definitions compare equal and to_config round
        # trips: nested parts without removals are flattened into this one, repeated
        # sources dropped, added dates kept apart from removed ones, and a lone nested
        # part unwrapped.
        sources: list[_Source] = []
        add = set(self.add)
        for source in self.sources:
            parts = (
                source.sources
                if isinstance(source, Holidays) and (not source.remove or not source.sources)
                else (source,)
            )
            if isinstance(source, Holidays) and parts is source.sources:
                add.update(source.add - source.remove)
            sources.extend(p for p in parts if p not in sources)
        remove = frozenset(self.remove)
        if len(sources) == 1 and isinstance(sources[0], Holidays) and not add and not remove:
            only = sources[0]
            sources, add, remove = list(only.sources), set(only.add), only.remove
        object.__setattr__(self, "sources", tuple(sources))
        object.__setattr__(self, "add", frozenset(add) - remove)
        object.__setattr__(self, "remove", remove)

    @classmethod
    def country(
        cls,
        code: str,
        subdivision: str | None = None,
        *,
        source: HolidaySourceName = "holidays",
    ) -> Holidays:
        """Holidays of a country (ISO 3166 code), optionally of one subdivision.

        Args:
            code: The country code, e.g. ``"CO"``.
            subdivision: A subdivision code of that country, e.g. ``"SP"`` for Brazil.
            source: ``"holidays"`` (the maintained default) or ``"workalendar"``.

        Raises:
            InvalidArgumentError: an argument is not a string.
            InvalidCalendarError: the country, subdivision or source is unknown.
        """
        text_argument(code, "code")
        if subdivision is not None:
            text_argument(subdivision, "subdivision")
        text_argument(source, "source")
        problems = _country_problems(code, subdivision, source, "")
        if problems:
            raise InvalidCalendarError(attrs.evolve(p, path=f"holidays.{p.path}") for p in problems)
        return cls(sources=(_Country(code, subdivision, source),))

    @classmethod
    def workalendar(cls, calendar: Any) -> Holidays:
        """Holidays of a workalendar calendar, given as a class or an instance."""
        calendar_class = calendar if isinstance(calendar, type) else type(calendar)
        if not callable(getattr(calendar_class, "holidays", None)):
            raise InvalidCalendarError.single(
                "holidays",
                f"{excerpt(calendar)} is not a workalendar calendar",
                "pass a class such as workalendar.america.Colombia, or an instance of one",
            )
        return cls(sources=(_Workalendar(calendar_class),))

    @classmethod
    def dates(cls, dates: Iterable[date | str]) -> Holidays:
        """Explicit holiday dates (dates or ``YYYY-MM-DD`` strings)."""
        problems: list[Problem] = []
        parsed = _parse_dates(dates, "holidays", problems)
        if problems:
            raise InvalidCalendarError(problems)
        return cls(add=parsed)

    @classmethod
    def none(cls) -> Holidays:
        """No holidays at all."""
        return cls()

    def with_changes(
        self, *, add: Iterable[date | str] = (), remove: Iterable[date | str] = ()
    ) -> Holidays:
        """Return these holidays with dates added and removed.

        Within one call a date both added and removed is removed; a later call can add
        back a date an earlier one removed.
        """
        problems: list[Problem] = []
        added = _parse_dates(add, "holidays.add", problems)
        removed = _parse_dates(remove, "holidays.remove", problems)
        if problems:
            raise InvalidCalendarError(problems)
        if added & self.remove:  # adding back a removed date: keep the removal inside
            return Holidays(sources=(self,), add=added, remove=removed)
        return Holidays(
            sources=self.sources,
            add=(self.add | added) - removed,
            remove=self.remove | removed,
        )

    def __or__(self, other: Holidays) -> Holidays:
        if not isinstance(other, Holidays):
            return NotImplemented
        if other.is_empty and not other.remove:
            return self
        if self.is_empty and not self.remove:
            return other
        if self.remove or other.remove:
            return Holidays(sources=(self, other))
        return Holidays(sources=self.sources + other.sources, add=self.add | other.add)

    @property
    def is_empty(self) -> bool:
        """Whether there are no holidays at all (no sources, no dates)."""
        return not self.sources and not self.add

    def for_year(self, year: int) -> frozenset[date]:
        """Return the holidays that fall in ``year``."""
        found: set[date] = {d for d in self.add if d.year == year}
        for source in self.sources:
            found.update(d for d in _source_dates(source, year) if d.year == year)
        return frozenset(found - self.remove)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and day in self.for_year(day.year)

    def to_config(self) -> list[Any] | dict[str, Any]:
        """Return the config form: a list of ISO dates, a table, or a list of both."""
        dates = sorted(d.isoformat() for d in self.add)
        if not self.sources and not self.remove:
            return dates
        # in normal form every nested part has removals, so each is written as a table
        parts = [s.to_config() for s in self.sources]
        if len(self.sources) == 1 and not isinstance(self.sources[0], Holidays):
            table = self.sources[0].to_config()
        elif not self.remove:
            return [*parts, *dates]
        else:
            table = {"include": parts}
        if dates:
            table["add"] = dates
        if self.remove:
            table["remove"] = sorted(d.isoformat() for d in self.remove)
        return table


def _source_dates(source: _Source, year: int) -> Iterable[date]:
    return source.for_year(year) if isinstance(source, Holidays) else source.dates(year)


def _parse_dates(values: Iterable[object], path: str, problems: list[Problem]) -> frozenset[date]:
    if isinstance(values, str) or not isinstance(values, Iterable):
        problems.append(
            Problem(path=path, message=f"expected a list of dates, got {excerpt(values)}")
        )
        return frozenset()
    out = {parse_date(v, f"{path}[{i}]", problems) for i, v in enumerate(values)}
    return frozenset(d for d in out if d is not None)


def _parse_table(value: Mapping[Any, Any], path: str, problems: list[Problem]) -> Holidays | None:
    nulls = null_problems(value, path)
    if nulls:
        problems.extend(nulls)
        value = {key: item for key, item in value.items() if item is not None}
    bad = [k for k in value if k not in _TABLE_KEYS]
    problems.extend(
        Problem(
            path=f"{path}.{k}",
            message=f"unknown key {excerpt(k)}",
            hint=did_you_mean(str(k), _TABLE_KEYS) or f"allowed keys: {', '.join(_TABLE_KEYS)}",
        )
        for k in bad
    )
    sources: list[_Source] = []
    country, calendar, include = value.get("country"), value.get("calendar"), value.get("include")
    if sum(x is not None for x in (country, calendar, include)) != 1:
        problems.append(
            Problem(
                path=path,
                message="a holidays table needs exactly one of 'country', 'calendar', 'include'",
                hint="e.g. { country = 'CO' } or { calendar = 'workalendar.america.Colombia' }",
            )
        )
        return None
    if country is not None:
        subdivision = value.get("subdivision")
        source = value.get("source", "holidays")
        for key, given in (("country", country), ("subdivision", subdivision)):
            if given is not None and not isinstance(given, str):
                problems.append(
                    Problem(
                        path=f"{path}.{key}",
                        message=f"{key} must be text, got {excerpt(given)}",
                        hint=(
                            "write it as text in quotes, e.g. 'CO' or 'NO' (YAML reads NO, "
                            "ON and yes unquoted as true or false)"
                            if isinstance(given, bool)
                            else "write it as text in quotes, e.g. 'CO'"
                            if key == "country"
                            else "write it as text in quotes, e.g. 'SP'"
                        ),
                    )
                )
        if not isinstance(country, str) or not (
            subdivision is None or isinstance(subdivision, str)
        ):
            return None
        found = _country_problems(country, subdivision, str(source), path)
        if found:
            problems.extend(found)
            return None
        sources.append(_Country(country, subdivision, source))
    elif calendar is not None:
        cls = _import_workalendar(calendar, f"{path}.calendar", problems)
        if cls is None:
            return None
        sources.append(_Workalendar(cls))
    else:
        sources.append(parse_holidays(include, f"{path}.include", problems))
    add = _parse_dates(value.get("add", ()), f"{path}.add", problems)
    remove = _parse_dates(value.get("remove", ()), f"{path}.remove", problems)
    return Holidays(sources=tuple(sources), add=add - remove, remove=remove)


def _import_workalendar(name: object, path: str, problems: list[Problem]) -> type | None:
    if not isinstance(name, str) or not name.startswith("workalendar."):
        problems.append(
            Problem(
                path=path,
                message=f"{excerpt(name)} is not a workalendar class path",
                hint="write the full path, e.g. 'workalendar.america.BrazilSaoPauloCity'",
            )
        )
        return None
    module_name, _, attr = name.rpartition(".")
    try:
        found = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError, ValueError):  # ValueError: e.g. a NUL in the name
        problems.append(
            Problem(
                path=path,
                message=f"workalendar has no calendar {excerpt(name)}",
                hint="check the module and class name in workalendar's documentation",
            )
        )
        return None
    if not isinstance(found, type):
        problems.append(Problem(path=path, message=f"{excerpt(name)} is not a class"))
        return None
    return found


def parse_holidays(value: object, path: str, problems: list[Problem]) -> Holidays:
    """Parse the config (or Python) form of holidays into a :class:`Holidays`."""
    if value is None:
        return Holidays()
    if isinstance(value, Holidays):
        return value
    if isinstance(value, Mapping):
        return _parse_table(value, path, problems) or Holidays()
    if isinstance(value, str) or not isinstance(value, Iterable):
        problems.append(
            Problem(
                path=path,
                message=f"expected a list of dates or a table, got {excerpt(value)}",
                hint="write e.g. ['2026-01-01'] or { country = 'CO' }",
            )
        )
        return Holidays()
    result = Holidays()
    dates: list[object] = []
    for i, item in enumerate(value):
        if isinstance(item, Mapping):
            part = _parse_table(item, f"{path}[{i}]", problems)
            if part is not None:
                result = result | part
        elif isinstance(item, Holidays):
            result = result | item
        else:
            day = parse_date(item, f"{path}[{i}]", problems)
            if day is not None:
                dates.append(day)
    if dates:
        result = result | Holidays(add=frozenset(d for d in dates if isinstance(d, date)))
    return result
