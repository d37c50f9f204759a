"""The escalation part of the policy config reader: contacts, triggers, tiers and routes."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Final

from escalate._checks import describe, excerpt
from escalate._config_base import DUMMY, BaseReader
from escalate._errors import did_you_mean
from escalate._policy import (
    AfterElapsed,
    AtOpen,
    AtPercent,
    Contact,
    Manual,
    OnBreach,
    Route,
    Tier,
    Trigger,
)

__all__ = ["TierReader"]

_TIER_KEYS: Final = ("level", "name", "contacts", "trigger")
_CONTACT_KEYS: Final = ("name", "role", "email", "phones", "response", "clock")
_ROUTE_KEYS: Final = ("name", "when", "tiers")
_TRIGGER_WORDS: Final = ("open", "manual")
_TRIGGER_TABLES: Final = {
    "after": ("after", "clock"),
    "percent": ("percent", "of"),
    "breach": ("breach", "delay"),
}


class TierReader(BaseReader):
    """Reads the escalation tables of a policy config (tiers, their triggers, routes)."""

    def contact(self, value: object, path: str) -> Contact:
        table = self.table(value, path, _CONTACT_KEYS, "a contact")
        name = self.required(table, "name", path, "write e.g. name = 'Engineer on duty'")
        phones = table.get("phones", [])
        if isinstance(phones, str):
            phones = [phones]
        phones = self.items(phones, f"{path}.phones", "phone numbers")
        response = table.get("response")
        return Contact(
            name=(self.text(name, f"{path}.name") or "?") if name is not None else "?",
            role=self.text(table.get("role", ""), f"{path}.role", optional=True) or "",
            email=self.text(table.get("email"), f"{path}.email", optional=True),
            phones=tuple(
                self.text(phone, f"{path}.phones[{i}]") or "" for i, phone in enumerate(phones)
            ),
            response=self.duration(response, f"{path}.response") if response is not None else None,
            clock=self.text(table.get("clock"), f"{path}.clock", optional=True),
        )

    def trigger(self, value: object, path: str) -> Trigger:
        if isinstance(value, str):
            if value == "open":
                return AtOpen()
            if value == "manual":
                return Manual()
            self.add(
                path,
                f"unknown trigger {excerpt(value)}",
                did_you_mean(value, _TRIGGER_WORDS)
                or "write 'open', 'manual', { after = '30m' }, { percent = 75, of = 'resolution' }"
                " or { breach = 'resolution', delay = '1h' }",
            )
            return Manual()
        if not isinstance(value, Mapping):
            self.add(path, f"expected a trigger, got {describe(value)}")
            return Manual()
        kinds = [kind for kind in _TRIGGER_TABLES if kind in value]
        if len(kinds) != 1:
            allowed = tuple(k for keys in _TRIGGER_TABLES.values() for k in keys)
            self.table(value, path, allowed, "a trigger")
            self.add(
                path,
                "a trigger table needs exactly one of 'after', 'percent' or 'breach', "
                f"got {excerpt(value)}",
                "write { after = '30m' }, { percent = 75, of = 'resolution' } "
                "or { breach = 'resolution' }",
            )
            return Manual()
        kind = kinds[0]
        table = self.table(value, path, _TRIGGER_TABLES[kind], f"an {kind!r} trigger")
        if kind == "after":
            return AfterElapsed(
                # a null value was reported and left out of the table
                after=self.duration(table["after"], f"{path}.after") if "after" in table else DUMMY,
                clock=self.text(table.get("clock"), f"{path}.clock", optional=True),
            )
        if kind == "percent":
            target = self.required(table, "of", path, "name the target, e.g. of = 'resolution'")
            return AtPercent(
                target=(self.text(target, f"{path}.of") or "resolution")
                if target is not None
                else "resolution",
                percent=self.number(table["percent"], f"{path}.percent", "a percentage")
                if "percent" in table
                else 1.0,
            )
        delay = table.get("delay")
        return OnBreach(
            target=(self.text(table["breach"], f"{path}.breach") if "breach" in table else None)
            or "resolution",
            delay=self.duration(delay, f"{path}.delay") if delay is not None else timedelta(0),
        )

    def tiers(self, value: object, path: str) -> list[Tier]:
        out: list[Tier] = []
        for i, spec in enumerate(self.items(value, path, "tiers", "write [[tiers]] tables")):
            tier_path = f"{path}[{i}]"
            table = self.table(spec, tier_path, _TIER_KEYS, "a tier")
            level = self.required(table, "level", tier_path, "write e.g. level = 1")
            if level is not None and (not isinstance(level, int) or isinstance(level, bool)):
                self.add(f"{tier_path}.level", f"expected a whole number, got {describe(level)}")
                level = None
            name = self.required(table, "name", tier_path, "write e.g. name = 'NOC'")
            contacts = self.items(table.get("contacts", []), f"{tier_path}.contacts", "contacts")
            out.append(
                Tier(
                    level=level if level is not None else i + 1,
                    name=(self.text(name, f"{tier_path}.name") or "?") if name is not None else "?",
                    contacts=tuple(
                        self.contact(c, f"{tier_path}.contacts[{j}]")
                        for j, c in enumerate(contacts)
                    ),
                    trigger=self.trigger(table.get("trigger", "manual"), f"{tier_path}.trigger"),
                )
            )
        return out

    def routes(self, value: object) -> list[Route]:
        out: list[Route] = []
        for i, spec in enumerate(self.items(value, "routes", "routes", "write [[routes]] tables")):
            path = f"routes[{i}]"
            table = self.table(spec, path, _ROUTE_KEYS, "a route")
            name = self.required(table, "name", path, "write e.g. name = 'colombia'")
            when = self.table(table.get("when", {}), f"{path}.when", None, "attribute conditions")
            conditions: dict[str, tuple[str, ...]] = {}
            for key, accepted in when.items():
                values = [accepted] if isinstance(accepted, str) else accepted
                if not isinstance(values, list | tuple) or not all(
                    isinstance(v, str) for v in values
                ):
                    self.add(
                        f"{path}.when.{key}",
                        f"expected a string or a list of strings, got {excerpt(accepted)}",
                    )
                    values = ["?"]
                conditions[str(key)] = tuple(values)
            out.append(
                Route(
                    name=(self.text(name, f"{path}.name") or "?") if name is not None else "?",
                    when=conditions,
                    tiers=self.tiers(table.get("tiers", []), f"{path}.tiers"),
                )
            )
        return out
