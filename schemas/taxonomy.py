"""The metric taxonomy (DESIGN.md) as data: `schemas/taxonomy.toml` loaded into `Metric`s.

`metric_for` maps what a figure counts (its subject, or a wider clause) and its unit to a
metric code; the rules are generic (longest trigger term wins, units must be allowed), the
vocabulary is in the TOML file.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict

TAXONOMY_PATH = Path(__file__).with_name("taxonomy.toml")
MONEY_UNITS = frozenset({"元", "万元", "亿元", "千元", "百万元", "千万元"})
GAP = r"[^，。；！？\n]{0,16}?"


def is_money(unit: str | None) -> bool:
    """Whether a unit is a currency, also as a rate (`元/人·月`, `万元/年`)."""
    return unit is not None and unit.split("/")[0] in MONEY_UNITS


class Metric(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str
    label: str
    terms: tuple[str, ...] = ()
    not_terms: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    context: tuple[str, ...] = ()
    not_context: tuple[str, ...] = ()

    def fits_context(self, clause: str | None) -> bool:
        """Whether the clause says what this metric needs (always, without a context list)
        and says none of what rules it out (`监测` people are not assisted people)."""
        if clause is not None and any(w in clause for w in self.not_context):
            return False
        return not self.context or clause is None or any(w in clause for w in self.context)

    def allows(self, unit: str | None) -> bool:
        """Whether a figure in `unit` can be of this metric."""
        if unit is None:
            return False
        return unit in self.units or ("money" in self.units and is_money(unit))


@cache
def load_taxonomy(path: Path = TAXONOMY_PATH) -> tuple[Metric, ...]:
    """All metrics in file order (the order breaks ties between equally long terms)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return tuple(Metric(**entry) for entry in data["metric"])


def metric_codes() -> list[str]:
    """Every code of the taxonomy."""
    return [m.code for m in load_taxonomy()]


@cache
def _term_pattern(term: str) -> re.Pattern[str]:
    return re.compile(GAP.join(re.escape(part) for part in term.split("*")))


def _excluded(metric: Metric, text: str, match: re.Match[str]) -> bool:
    for not_term in metric.not_terms:
        for other in re.finditer(re.escape(not_term), text):
            if other.start() <= match.start() and match.end() <= other.end():
                return True
    return False


def find_term(
    text: str, unit: str | None, head: bool = False, clause: str | None = None
) -> tuple[Metric, re.Match[str]] | None:
    """The metric whose trigger term is the longest match in `text`, with that match.

    With `head`, `text` is a noun phrase and a term counts only where it is the phrase's
    head, i.e. followed by nothing but a generic head noun (`督导评估人才`, not `儿童守护员`).
    """
    best: tuple[int, int, Metric, re.Match[str]] | None = None
    for rank, metric in enumerate(load_taxonomy()):
        if not metric.allows(unit) or not metric.fits_context(clause):
            continue
        for term in metric.terms:
            match = next(
                (m for m in _term_pattern(term).finditer(text)
                 if not _excluded(metric, text, m) and (not head or is_head(text, m))),
                None,
            )
            if match is None:
                continue
            key = (len(match.group()), -rank)
            if best is None or key > best[:2]:
                best = (*key, metric, match)
    return None if best is None else (best[2], best[3])


GENERIC_HEADS = ("人员", "人才", "证书", "群体", "对象", "家庭", "服务", "人数", "总数", "数量",
                 "队伍", "力量", "团队", "人", "者", "员")
"""Head nouns that add nothing to what a term says (`督导评估人才` counts 督导)."""


def is_head(text: str, match: re.Match[str]) -> bool:
    """Whether the matched term is the head of the noun phrase `text`."""
    rest = re.sub(r"[”“\"」）)\s]", "", text[match.end():])
    if not rest:
        return True
    return rest.endswith(GENERIC_HEADS[:-3]) or rest in GENERIC_HEADS


def metric_for(subject: str | None, unit: str | None, clause: str | None = None) -> str:
    """The metric code for a figure counting `subject` in `unit`; `other` if none fits.

    Money is always `funds.amount`, whatever the subject says. `clause`, when given, is
    checked against the metrics' context words.
    """
    if is_money(unit):
        return "funds.amount"
    found = find_term(subject or "", unit, head=True, clause=clause)
    return found[0].code if found else "other"
