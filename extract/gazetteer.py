"""The shipped gazetteer of China's administrative divisions (GB/T 2260 codes).

Loads `extract/data/gazetteer.tsv` (built by scripts/build_gazetteer.py) and
`extract/data/place_aliases.tsv`; needs nothing beyond the standard library. A code can
have several rows over time (renames, re-codings, moves to another prefecture); each row
carries the years it was valid, and `to is None` marks the units valid today.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from schemas import RegionLevel, RegionRef

DATA = Path(__file__).parent / "data"
GAZETTEER_TSV = DATA / "gazetteer.tsv"
ALIASES_TSV = DATA / "place_aliases.tsv"

COUNTRY = RegionRef(code="000000", name="中华人民共和国", level=RegionLevel.country)

TYPE_ALIAS_SUFFIX = {"自治州": "州", "自治县": "县", "自治旗": "旗"}
"""Ethnic-autonomous units are commonly written short name + this (大理州, 大化县)."""


@dataclass(frozen=True)
class Division:
    """One row of the gazetteer: a code with one name and parent over a run of years."""

    code: str
    name: str
    short: str
    type: str
    level: RegionLevel
    parent: str
    valid_from: int
    valid_to: int | None

    @property
    def current(self) -> bool:
        return self.valid_to is None

    def valid_in(self, year: int) -> bool:
        return self.valid_from <= year and (self.valid_to is None or year <= self.valid_to)


class Gazetteer:
    """Indexes over the divisions: by code, full name, short name, alias and parent."""

    def __init__(self, rows: list[Division], aliases: dict[str, str]):
        self.rows = rows
        self._by_code: dict[str, list[Division]] = defaultdict(list)
        self._by_name: dict[str, list[Division]] = defaultdict(list)
        self._by_short: dict[str, list[Division]] = defaultdict(list)
        self._children: dict[str, list[Division]] = defaultdict(list)
        self._by_short_ever: dict[str, list[Division]] = defaultdict(list)
        for row in rows:
            self._by_code[row.code].append(row)
            self._by_short_ever[row.short].append(row)
            self._by_name[row.name].append(row)
            if row.current:
                if row.short:
                    self._by_short[row.short].append(row)
                if row.parent:
                    self._children[row.parent].append(row)
                suffix = TYPE_ALIAS_SUFFIX.get(row.type)
                if suffix and row.short:
                    self._by_name.setdefault(row.short + suffix, []).append(row)
        self.aliases: dict[str, list[Division]] = {}
        for alias, code in aliases.items():
            row = self.get(code)
            if row is not None:
                self.aliases[alias] = [row]

    def get(self, code: str, year: int | None = None) -> Division | None:
        """The row for `code`: the one valid in `year`, else today's, else the latest."""
        rows = self._by_code.get(code, [])
        if not rows:
            return None
        if year is not None:
            for row in rows:
                if row.valid_in(year):
                    return row
        return next((r for r in rows if r.current), rows[-1])

    def as_of(self, row: Division, year: int | None) -> Division:
        """The unit that `row` was in `year`: its own code's row then, else the one unit
        valid then with the same short name under the same parent (会理市 in 2020 -> 会理县
        513425, before it was re-coded). `row` itself when no such unit is known."""
        if year is None or row.valid_in(year):
            return row
        then = self.get(row.code, year)
        if then is not None and then.valid_in(year):
            return then
        parent = self.parent(row)
        parent_codes = {row.parent} | ({parent.code} if parent else set())
        same = [
            r for r in self._by_short_ever.get(row.short, []) if row.short
            and r.level == row.level and r.parent in parent_codes and r.valid_in(year)
        ]
        return same[0] if len(same) == 1 else row

    def history(self, code: str) -> list[Division]:
        """Every row of `code`, oldest first."""
        return list(self._by_code.get(code, []))

    def by_name(self, name: str, current_only: bool = False) -> list[Division]:
        """Units whose official name (or 大理州-style form) is `name`; today's first."""
        rows = self._by_name.get(name, [])
        current = [r for r in rows if r.current]
        if current or current_only:
            return current
        if not rows:
            return []
        newest = max(r.valid_to or 0 for r in rows)
        return [r for r in rows if r.valid_to == newest]

    def by_short(self, short: str) -> list[Division]:
        """Today's units with this short name (`永宁`, `银川`, `宁夏`)."""
        return list(self._by_short.get(short, []))

    def by_alias(self, alias: str) -> list[Division]:
        return list(self.aliases.get(alias, []))

    def children(self, code: str) -> list[Division]:
        """Today's units directly under `code`."""
        return list(self._children.get(code, []))

    def parent(self, row: Division) -> Division | None:
        """The enclosing unit, as it was while `row` was valid."""
        if not row.parent:
            return None
        return self.get(row.parent, row.valid_to or row.valid_from)

    def ancestors(self, row: Division) -> list[Division]:
        """Enclosing units, nearest first."""
        chain = []
        node = self.parent(row)
        while node is not None:
            chain.append(node)
            node = self.parent(node)
        return chain

    def is_within(self, row: Division, code: str) -> bool:
        """True when `row` is the unit `code` or lies inside it."""
        return row.code == code or any(a.code == code for a in self.ancestors(row))

    def full_name(self, row: Division) -> str:
        """Official names from the province down, e.g. 宁夏回族自治区银川市永宁县."""
        return "".join(a.name for a in reversed(self.ancestors(row))) + row.name

    def region_ref(self, row: Division) -> RegionRef:
        return RegionRef(code=row.code, name=self.full_name(row), level=row.level)

    def at_level(self, row: Division, level: RegionLevel) -> Division | None:
        """`row` itself or its ancestor at `level`."""
        return next((r for r in [row, *self.ancestors(row)] if r.level == level), None)

    def surfaces(self) -> dict[str, list[tuple[Division, str]]]:
        """Every written form -> (unit, how: name / alias / short)."""
        out: dict[str, list[tuple[Division, str]]] = defaultdict(list)
        for name in self._by_name:
            out[name].extend((r, "name") for r in self.by_name(name))
        for alias, rows in self.aliases.items():
            out[alias].extend((r, "alias") for r in rows)
        for short, rows in self._by_short.items():
            if short not in self._by_name:
                out[short].extend((r, "short") for r in rows)
        return dict(out)


def _read_rows(path: Path) -> list[Division]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [
            Division(
                code=r["code"],
                name=r["name"],
                short=r["short"],
                type=r["type"],
                level=RegionLevel(r["level"]),
                parent=r["parent"],
                valid_from=int(r["from"]),
                valid_to=int(r["to"]) if r["to"] else None,
            )
            for r in csv.DictReader(fh, delimiter="\t")
        ]


def _read_aliases(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8", newline="") as fh:
        return {r["alias"]: r["code"] for r in csv.DictReader(fh, delimiter="\t")}


def region_prefix(code: str) -> str:
    """The prefix a region code shares with every division inside it: 640000 -> 64,
    640100 -> 6401, 640102 -> 640102, the nation (000000) -> '' (everything)."""
    if code == COUNTRY.code:
        return ""
    while len(code) > 2 and code.endswith("00"):
        code = code[:-2]
    return code


@lru_cache(maxsize=1)
def load() -> Gazetteer:
    """The shipped gazetteer, loaded once per process."""
    return Gazetteer(_read_rows(GAZETTEER_TSV), _read_aliases(ALIASES_TSV))


def lookup(code: str, year: int | None = None) -> Division | None:
    return load().get(code, year)


def by_name(name: str) -> list[Division]:
    return load().by_name(name)


def by_short(short: str) -> list[Division]:
    return load().by_short(short)


def region_ref(code: str, year: int | None = None) -> RegionRef | None:
    """RegionRef for a code (`000000` is the country), or None for an unknown code."""
    if code == COUNTRY.code:
        return COUNTRY
    row = lookup(code, year)
    return load().region_ref(row) if row else None
