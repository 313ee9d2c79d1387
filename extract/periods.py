"""Time phrases of figures: the phrase as written and the period it stands for.

`find_times` lists the phrases of a text; `resolve` turns one into (start, end) dates given
the date the article speaks from (`published`), so that `今年` or `去年底` become dates.
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date

_Y = r"(?:(?P<year>(?:19|20)\d{2})年|(?P<rel>今年|去年|前年|本年|上年|当年))"
_PART = (
    r"(?P<part>上半年|下半年|第?[一二三四1-4]季度|前[一二三四]季度|"
    r"(?P<month>1[0-2]|[1-9]|十[一二]?|[一二三四五六七八九])月(?:份)?(?P<mend>底|末)?|"
    r"年底|年末|年初|底|末|度)?"
)
TIME_RE = re.compile(
    r"(?P<until>截至|截止到?|截止至|至)?"
    r"(?:"
    r"(?P<now>目前|当前|现阶段)"
    rf"|{_Y}{_PART}(?P<since>以来)?"
    r"|(?P<relend>去年底|去年末|上年底|年底|年末)"
    r"|(?P<sinceword>近年来|自\d{4}年以来)"
    r"|(?P<span>“十[一二三四五]五”(?:期间|以来)|十[一二三四五]五(?:期间|以来))"
    r")"
)
CUMULATIVE_RE = re.compile(r"累计|共计|截至|截止|总计|先后")


@dataclass(frozen=True)
class TimePhrase:
    text: str
    start: int
    end: int
    cumulative: bool


def find_times(text: str) -> list[TimePhrase]:
    """Time phrases in `text` (`截至目前`, `今年以来`, `2023年度`, `去年底`, `累计`), in order."""
    phrases = [
        TimePhrase(m.group(), m.start(), m.end(), bool(m.group("until")))
        for m in TIME_RE.finditer(text)
        if m.group().strip() not in ("至",)
        and not _is_bare_date(text, m)
    ]
    phrases += [
        TimePhrase(m.group(), m.start(), m.end(), True)
        for m in CUMULATIVE_RE.finditer(text)
        if not any(p.start <= m.start() < p.end for p in phrases)
    ]
    return sorted(phrases, key=lambda p: p.start)


def _is_bare_date(text: str, match: re.Match[str]) -> bool:
    """`2023年5月20日` is a date of an event, not the period of a figure."""
    return match.group("year") is not None and text[match.end():match.end() + 3].find("日") >= 0 \
        and match.group("month") is not None


def _month(token: str) -> int:
    from extract.numbers import parse_number

    return int(parse_number(token))


def resolve(phrase: str, published: date | None) -> tuple[date | None, date | None]:
    """The period (start, end) of a time phrase; unknown ends are None.

    Relative phrases need `published`; `2023年度` does not.
    """
    m = TIME_RE.search(phrase)
    if m is None:
        return (None, published) if CUMULATIVE_RE.search(phrase) else (None, None)
    until = bool(m.group("until"))
    if m.group("now"):
        return None, published
    if m.group("relend"):
        if published is None:
            return None, None
        year = published.year - 1 if m.group("relend").startswith(("去", "上")) else published.year
        return None, date(year, 12, 31)
    if m.group("sinceword") or m.group("span"):
        return None, None
    year = _year(m, published)
    if year is None:
        return None, None
    start, end = _part(m, year)
    if m.group("since"):
        end = published if published and published >= start else end
    if until or (m.group("part") or "").endswith(("底", "末")):
        start = None  # a stock at a point in time
    return start, end


def _year(m: re.Match[str], published: date | None) -> int | None:
    if m.group("year"):
        return int(m.group("year"))
    if published is None:
        return None
    offset = {"去年": 1, "上年": 1, "前年": 2}.get(m.group("rel"), 0)
    return published.year - offset


def _part(m: re.Match[str], year: int) -> tuple[date, date]:
    part = m.group("part") or ""
    if part.startswith("上半年"):
        return date(year, 1, 1), date(year, 6, 30)
    if part.startswith("下半年"):
        return date(year, 7, 1), date(year, 12, 31)
    if "季度" in part:
        quarter = _month(part.strip("第前季度"))
        first = 1 if part.startswith("前") else 3 * quarter - 2
        last = 3 * quarter
        return date(year, first, 1), date(year, last, monthrange(year, last)[1])
    if m.group("month"):
        month = _month(m.group("month"))
        return date(year, month, 1), date(year, month, monthrange(year, month)[1])
    if part in ("年底", "年末", "底", "末"):
        return date(year, 12, 31), date(year, 12, 31)
    if part == "年初":
        return date(year, 1, 1), date(year, 3, 31)
    return date(year, 1, 1), date(year, 12, 31)
