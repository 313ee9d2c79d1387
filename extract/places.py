"""Stage 4 (region): place mentions, the article's region and each figure's region.

Places are found by dictionary matching against the shipped gazetteer (official names, the
大理州-style forms of autonomous units, a small alias table, short names), then kept only
with evidence that the matched characters are a place here and not an ordinary word:
an official name is evidence by itself; a short name needs a parent place right before it
(`宁夏永宁`), the headline-prefix position (`永宁：`), or word-boundary evidence from jieba
together with not being a common Chinese word (`资源`, `合作`, `振兴` are words; `大化`
inside `最大化` is not a token). A name that fits several units is resolved by the other
places of the text, or left unresolved.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import jieba

from extract.gazetteer import COUNTRY, Division, Gazetteer, load
from extract.nlp import get_plain_tokenizer
from schemas import Article, BlockKind, Figure, PlaceMention, RegionLevel, RegionRef

PLACE_TAG = "ns"
COMMON_WORD_FREQ = 1000
"""A jieba dictionary word this frequent is an ordinary word unless proven a place."""

TYPE_ENDINGS = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "林区", "特区",
                "省", "市", "州", "盟", "旗", "县", "区")

NOT_AFTER_SHORT = (*tuple("镇乡村路街巷道桥湖河江山寺站港号"), "社区", "小区", "大道")
"""A short name followed by these names a town, street, river ... of that name instead."""

NOT_AFTER_NAME = ("场",)
"""`东方市场`: a name ending in 市 followed by 场 is the word 市场."""

XPCC_WORD = "兵团"
"""XPCC divisions (第八师) count as places only in a text that speaks of the 兵团."""

CLAUSE_BREAK = "，,；;。！!？?\n：:"
SENTENCE_BREAK = "。！!？?\n；;"

SCOPE_RE = re.compile(r"(全|我|本|该)(自治区|自治州|地区|省|市|州|盟|县|旗|区|国)")
"""Scope words: 全旗, 全县, 全市, 我市, 本市, 我省, 全国 ..."""

SCOPE_TYPES: dict[str, tuple[str, ...]] = {
    "省": ("省", "自治区", "直辖市"),
    "自治区": ("自治区",),
    "市": ("县级市", "地级市", "直辖市"),
    "州": ("自治州",),
    "自治州": ("自治州",),
    "盟": ("盟",),
    "地区": ("地区",),
    "县": ("县", "自治县"),
    "旗": ("旗", "自治旗"),
    "区": ("区", "林区", "特区", "自治区"),
}
"""Which division types a scope word (or an org prefix like `旗民政局`) can refer to."""


@dataclass
class _Candidate:
    start: int
    end: int
    surface: str
    how: str
    options: list[Division] = field(default_factory=list)


@lru_cache(maxsize=1)
def _surfaces() -> tuple[dict[str, list[tuple[Division, str]]], int]:
    table = load().surfaces()
    return table, max(len(k) for k in table)


@lru_cache(maxsize=1)
def _word_tags() -> dict[str, tuple[int, str]]:
    path = os.path.join(os.path.dirname(jieba.__file__), "dict.txt")
    tags: dict[str, tuple[int, str]] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            word, freq, tag = line.split()
            tags[word] = (int(freq), tag)
    return tags


def word_tag(word: str) -> str | None:
    """jieba's part-of-speech tag of a dictionary word (`ns` for place words), else None."""
    entry = _word_tags().get(word)
    return entry[1] if entry else None


def is_ordinary_word(word: str) -> bool:
    """True for a word of general Chinese (not a place name) in jieba's dictionary.

    Verbs, adjectives, locatives etc. are ordinary; nouns are ordinary when frequent
    (`资源`), place-tagged nouns (`ns`) only when very frequent.
    """
    entry = _word_tags().get(word)
    if entry is None:
        return False
    freq, tag = entry
    if tag == PLACE_TAG:
        return freq >= 3 * COMMON_WORD_FREQ
    if not tag.startswith("n"):
        return True
    return freq >= COMMON_WORD_FREQ


def token_bounds(text: str) -> set[int]:
    """Offsets in `text` where jieba (plain dictionary, no HMM) puts a word boundary."""
    bounds = {0}
    pos = 0
    for token in get_plain_tokenizer().cut(text, HMM=False):
        pos += len(token)
        bounds.add(pos)
    return bounds


def _stem_length(name: str) -> int:
    for ending in TYPE_ENDINGS:
        if name.endswith(ending):
            return len(name) - len(ending)
    return len(name)


def _candidates(text: str) -> list[_Candidate]:
    table, longest = _surfaces()
    found = []
    for i in range(len(text)):
        for n in range(min(longest, len(text) - i), 1, -1):
            entries = table.get(text[i : i + n])
            if not entries:
                continue
            how = min((h for _, h in entries), key=("name", "alias", "short").index)
            options = _dedupe([d for d, h in entries if h == how])
            found.append(_Candidate(i, i + n, text[i : i + n], how, options))
    return found


def _dedupe(rows: list[Division]) -> list[Division]:
    seen: dict[str, Division] = {}
    for row in rows:
        seen.setdefault(row.code, row)
    return list(seen.values())


def _select(cands: list[_Candidate]) -> list[_Candidate]:
    """Non-overlapping candidates: longer first, official names and aliases before short names."""
    rank = {"name": 0, "alias": 0, "short": 1}
    by_length = sorted(cands, key=lambda c: (-(c.end - c.start), rank[c.how], c.start))
    chosen: list[_Candidate] = []
    taken = [False] * (max((c.end for c in cands), default=0) + 1)
    for cand in by_length:
        if any(taken[cand.start : cand.end]):
            continue
        chosen.append(cand)
        for k in range(cand.start, cand.end):
            taken[k] = True
    return sorted(chosen, key=lambda c: c.start)


def _under(options: list[Division], parents: list[Division], gaz: Gazetteer) -> list[Division]:
    codes = {p.code for p in parents}
    return [o for o in options if any(a.code in codes for a in gaz.ancestors(o))]


def _at_heading(text: str, cand: _Candidate) -> bool:
    """`永宁：` at the start of a line: the headline's place prefix."""
    rest = text[cand.end : cand.end + 2].lstrip(" ")
    line_start = text.rfind("\n", 0, cand.start) + 1
    return rest[:1] in ("：", ":") and cand.start - line_start <= 12


def _needs_parent(cand: _Candidate) -> bool:
    """Names a word could contain by chance: one-character stems (`和县`, `城区`)."""
    return cand.how == "name" and _stem_length(cand.surface) < 2


WEAK = "weak"
"""Verdict of `_accept` for a lone short name that is also a dictionary word (`银川`, `安宁`):
kept only when another place of the text lies in the same province."""


def _accept(
    text: str, cand: _Candidate, options: list[Division], parent_before: bool, bounds: set[int]
) -> bool | str:
    """Evidence that a dictionary match read as `options` is a place in this text (True,
    False or WEAK)."""
    after = text[cand.end : cand.end + 2]
    if cand.how == "name" and cand.surface.endswith("市") and after.startswith(NOT_AFTER_NAME):
        return False
    if cand.surface.startswith("第") and cand.how == "alias":
        return XPCC_WORD in text
    if cand.how == "short" and after.startswith(NOT_AFTER_SHORT):
        return False
    if parent_before:
        return True
    if _needs_parent(cand):
        return False
    if cand.how in ("name", "alias"):
        return True
    if _at_heading(text, cand):
        return True
    aligned = cand.start in bounds and cand.end in bounds
    if all(o.level == RegionLevel.province for o in options):
        return aligned
    if not aligned or is_ordinary_word(cand.surface):
        return False
    return WEAK if cand.surface in _word_tags() else True


def _province(row: Division) -> str:
    return row.code[:2]


def _corroborated(kept: list[tuple[_Candidate, list[Division], bool]]) -> list[tuple[_Candidate, list[Division]]]:
    """Drop weak mentions that share a province with no other mention of the text."""
    out = []
    for i, (cand, options, weak) in enumerate(kept):
        if weak:
            others = {_province(o) for j, (c, opts, _) in enumerate(kept) if j != i
                      and c.surface != cand.surface for o in opts}
            options = [o for o in options if _province(o) in others]
            if not options:
                continue
        out.append((cand, options))
    return out


def _resolve(mentions: list[tuple[_Candidate, list[Division]]], gaz: Gazetteer) -> list[Division | None]:
    """One unit per mention, using the unambiguous mentions of the text as context."""
    settled = [opts[0] for _, opts in mentions if len(opts) == 1]
    out: list[Division | None] = []
    for _, opts in mentions:
        if len(opts) == 1:
            out.append(opts[0])
            continue
        out.append(_pick(opts, settled, gaz))
    return out


def _pick(opts: list[Division], context: list[Division], gaz: Gazetteer) -> Division | None:
    """The option related to the context places; else the common ancestor of a nested set."""
    def score(opt: Division) -> int:
        family = {opt.code} | {a.code for a in gaz.ancestors(opt)}
        return sum(
            1
            for c in context
            if c.code != opt.code and (c.code in family or gaz.is_within(c, opt.code))
        )

    scores = [score(o) for o in opts]
    best = max(scores)
    if best > 0 and scores.count(best) == 1:
        return opts[scores.index(best)]
    if best == 0:
        for opt in opts:
            if all(o is opt or gaz.is_within(o, opt.code) for o in opts):
                return opt
    return None


def _prefer_province(cand: _Candidate, options: list[Division]) -> list[Division]:
    """`河北` is the province before it is 天津's 河北区: a province's own short name wins."""
    provinces = [o for o in options if o.level == RegionLevel.province and o.short == cand.surface]
    return provinces or options


def _keep(
    text: str, cands: list[_Candidate], bounds: set[int], established: dict[str, list[Division]]
) -> list[tuple[_Candidate, list[Division], bool]]:
    """Candidates with evidence of being places; `established` names (one-character stems
    such as `忠县`) were seen after their parent elsewhere in the text and need no parent here."""
    gaz = load()
    kept: list[tuple[_Candidate, list[Division], bool]] = []
    for cand in cands:
        prev = kept[-1] if kept and kept[-1][0].end == cand.start else None
        options = cand.options
        parent_before = False
        if prev is not None:
            narrowed = _under(options, prev[1], gaz)
            if narrowed:
                options, parent_before = narrowed, True
        if not parent_before and cand.how == "short":
            options = _prefer_province(cand, options)
        if not parent_before and _needs_parent(cand) and cand.surface in established:
            options, parent_before = established[cand.surface], True
        verdict = _accept(text, cand, options, parent_before, bounds)
        if verdict:
            kept.append((cand, options, verdict == WEAK))
    return kept


def find_places(text: str, on: date | None = None) -> list[PlaceMention]:
    """Place mentions in `text`, each with its region (None when ambiguous).

    With `on`, a unit renamed or re-coded since is given as it was then (会理 in 2020 is
    会理县 513425)."""
    gaz = load()
    bounds = token_bounds(text)
    cands = _select(_candidates(text))
    first = _keep(text, cands, bounds, {})
    established = {c.surface: opts for c, opts, _ in first if _needs_parent(c)}
    kept = _keep(text, cands, bounds, established) if established else first
    mentions = _corroborated(kept)
    regions = _resolve(mentions, gaz)
    year = on.year if on else None
    return [
        PlaceMention(
            text=cand.surface,
            start=cand.start,
            end=cand.end,
            region=gaz.region_ref(gaz.as_of(row, year)) if row is not None else None,
        )
        for (cand, _), row in zip(mentions, regions, strict=True)
    ]


# --- article region ----------------------------------------------------------------------

HEAD_WEIGHT = 3
LEAD_WEIGHT = 2
SOURCE_WEIGHT = 2
MAJORITY = 0.5


def _division(ref: RegionRef) -> Division | None:
    return load().get(ref.code)


def _part_span(article: Article, kind: BlockKind) -> tuple[int, int] | None:
    part = next((p for p in article.parts if p.kind == kind), None)
    if part is not None:
        return part.start, part.end
    text = {BlockKind.headline: article.headline, BlockKind.lead: article.lead}.get(kind)
    if text and text in article.text:
        start = article.text.index(text)
        return start, start + len(text)
    return None


def _headline_prefix_region(article: Article, places: list[PlaceMention]) -> RegionRef | None:
    """The last place of a `宁夏永宁：` headline prefix."""
    span = _part_span(article, BlockKind.headline)
    if span is None:
        return None
    head = article.text[span[0] : span[1]]
    colon = min((i for i in (head.find("："), head.find(":")) if i >= 0), default=-1)
    if colon < 0:
        return None
    inside = [p for p in places if span[0] <= p.start and p.end <= span[0] + colon]
    covered = sum(p.end - p.start for p in inside)
    if not inside or covered < len(head[:colon].strip()):
        return None
    return inside[-1].region


PART_WEIGHTS = {BlockKind.headline: HEAD_WEIGHT, BlockKind.lead: LEAD_WEIGHT,
                BlockKind.source: SOURCE_WEIGHT}


def _weight(article: Article, mention: PlaceMention) -> int:
    """Headline, lead and source-line mentions count more than body mentions."""
    for part in article.parts:
        if part.start <= mention.start < part.end:
            return PART_WEIGHTS.get(part.kind, 1)
    return 1


def _majority_region(article: Article, places: list[PlaceMention]) -> RegionRef | None:
    """The deepest region holding at least half of the weighted mentions (article and source)."""
    gaz = load()
    weights: dict[str, float] = {}
    total = 0.0
    rows: dict[str, Division] = {}
    mentions = [(p, _weight(article, p)) for p in places if p.region is not None]
    if article.source_outlet and article.source_outlet not in article.text:
        mentions += [(p, SOURCE_WEIGHT) for p in find_places(article.source_outlet) if p.region]
    for mention, weight in mentions:
        row = _division(mention.region)
        if row is None:
            continue
        total += weight
        for unit in [row, *gaz.ancestors(row)]:
            rows[unit.code] = unit
            weights[unit.code] = weights.get(unit.code, 0.0) + weight
    if not total:
        return None
    eligible = [c for c, w in weights.items() if w >= MAJORITY * total]
    if not eligible:
        return None
    best = max(eligible, key=lambda c: (DEPTH[rows[c].level], weights[c]))
    return gaz.region_ref(rows[best])


DEPTH = {RegionLevel.country: -1, RegionLevel.province: 0, RegionLevel.prefecture: 1,
         RegionLevel.county: 2}
FOCUS_MIN_MENTIONS = 2
"""A unit below the article's region needs at least this many body mentions to narrow it."""

FURNITURE = (BlockKind.source, BlockKind.byline, BlockKind.dateline)
"""Parts that credit or date the article rather than say what it is about."""


def _in_parts(article: Article, start: int, kinds: tuple[BlockKind, ...]) -> bool:
    return any(p.kind in kinds and p.start <= start < p.end for p in article.parts)


def _headline_prefix_end(article: Article) -> int:
    """Offset of the colon closing a `宁夏永宁：` headline prefix, or -1."""
    head = _part_span(article, BlockKind.headline)
    if head is None:
        return -1
    colon = min((i for i in (article.text.find("：", *head), article.text.find(":", *head))
                 if i >= 0), default=-1)
    return colon


def _locates_next(mention: PlaceMention, row: Division, starts: dict[int, PlaceMention]) -> bool:
    """True for a parent that only locates the next place of a chain (`大理州` in `大理州大理市`)."""
    nxt = starts.get(mention.end)
    if nxt is None or nxt.region is None or nxt.region.code == row.code:
        return False
    child = _division(nxt.region)
    return child is not None and load().is_within(child, row.code)


def _body_mentions(article: Article, places: list[PlaceMention]) -> list[Division]:
    """Units the article's own text names, one per mention; outlet furniture, the headline
    prefix and chain parents left out."""
    prefix_end = _headline_prefix_end(article)
    starts = {p.start: p for p in places}
    out = []
    for p in places:
        if p.region is None or p.start < prefix_end or _in_parts(article, p.start, FURNITURE):
            continue
        row = _division(p.region)
        if row is not None and not _locates_next(p, row, starts):
            out.append(row)
    return out


def _focus(article: Article, places: list[PlaceMention], region: RegionRef) -> RegionRef:
    """The most specific unit under `region` that a clear majority of the body's mentions
    within `region` name (`云南大理：` over a body about 大理市 is 大理市); else `region`."""
    gaz = load()
    inside = [r for r in _body_mentions(article, places) if gaz.is_within(r, region.code)]
    counts: dict[str, int] = {}
    rows: dict[str, Division] = {}
    for row in inside:
        for unit in [row, *gaz.ancestors(row)]:
            if unit.code == region.code:
                break
            rows[unit.code] = unit
            counts[unit.code] = counts.get(unit.code, 0) + 1
    clear = [c for c, n in counts.items()
             if n > MAJORITY * len(inside) and n >= FOCUS_MIN_MENTIONS]
    if not clear:
        return region
    best = max(clear, key=lambda c: (DEPTH[rows[c].level], counts[c]))
    return gaz.region_ref(rows[best])


DATE_YEAR_RE = re.compile(r"((?:19|20)\d\d)\s*年")


def article_year(article: Article, on: date | None = None) -> int | None:
    """The year the article speaks from: `on`, else its dateline (field or dateline part)."""
    if on is not None:
        return on.year
    if article.dateline is not None:
        return article.dateline.year
    for part in article.parts:
        if part.kind == BlockKind.dateline:
            found = DATE_YEAR_RE.search(article.text, part.start, part.end)
            if found:
                return int(found.group(1))
    return None


def article_region(
    article: Article, places: list[PlaceMention], on: date | None = None
) -> RegionRef | None:
    """The most specific region the article is about.

    The headline's place prefix decides when there is one; otherwise the deepest region
    that holds at least half of the (weighted) place mentions of the article and its source.
    Either is then narrowed to a unit under it that the body clearly concentrates on, and
    given as it was in the article's year (`on`, else its dateline; undated, the year its
    body's names imply): a unit re-coded since keeps its old code.
    """
    region = _headline_prefix_region(article, places) or _majority_region(article, places)
    if region is None or region.code == COUNTRY.code:
        return region
    region = _focus(article, places, region)
    gaz = load()
    row = gaz.get(region.code)
    if row is None:
        return region
    year = article_year(article, on)
    then = gaz.as_of(row, year) if year is not None else _named_as_before(row, article, places)
    return gaz.region_ref(then)


def _named_as_before(row: Division, article: Article, places: list[PlaceMention]) -> Division:
    """An undated article that calls its unit by a name the unit had only before (会理县 for
    today's 会理市) is from then: that earlier unit, else `row`."""
    gaz = load()
    for named in _body_mentions(article, places):
        if not named.current and named.valid_to and gaz.as_of(row, named.valid_to) == named:
            return named
    return row


# --- figure region -----------------------------------------------------------------------


def scope_region(region: RegionRef | None, word: str) -> RegionRef | None:
    """The unit a scope word or bare prefix (`市`, `旗`, `自治区`) means, given the article region.

    `全市` in an article about a county-level city is that city; in an article about a
    district it is the prefecture. Returns None when the article region has no unit of that
    kind (the province is never guessed).
    """
    if word == "国":
        return COUNTRY
    if region is None or region.code == COUNTRY.code:
        return None
    gaz = load()
    row = gaz.get(region.code)
    if row is None:
        return None
    types = SCOPE_TYPES.get(word, ())
    for unit in [row, *gaz.ancestors(row)]:
        if unit.type in types:
            return gaz.region_ref(unit)
    return None


def _span_around(text: str, pos: int, breaks: str) -> tuple[int, int]:
    start = max(text.rfind(ch, 0, pos) for ch in breaks) + 1
    ends = [i for i in (text.find(ch, pos) for ch in breaks) if i >= 0]
    return start, min(ends, default=len(text))


def _is_org_prefix(text: str, mention: PlaceMention) -> bool:
    from extract.orgs import org_after_prefix

    return org_after_prefix(text, mention.end) is not None


def figure_region(
    text: str, start: int, places: list[PlaceMention], region: RegionRef | None
) -> RegionRef | None:
    """Region of the figure at `start`: its clause's place, else its scope word, else `region`."""
    c_start, _ = _span_around(text, start, CLAUSE_BREAK)
    named = [
        p for p in places
        if c_start <= p.start and p.end <= start and p.region is not None
        and not _is_org_prefix(text, p)
    ]
    if named:
        return named[-1].region
    s_start, _ = _span_around(text, start, SENTENCE_BREAK)
    for lo in (c_start, s_start):
        scopes = list(SCOPE_RE.finditer(text, lo, start))
        if scopes:
            return scope_region(region, scopes[-1].group(2))
    return region


def assign_regions(
    article: Article, figures: list[Figure], places: list[PlaceMention], region: RegionRef | None
) -> None:
    """Set `figure.region` on every figure of the article (see `figure_region`)."""
    for figure in figures:
        figure.region = figure_region(article.text, figure.char_start, places, region)


def prefix_places(text: str) -> list[PlaceMention]:
    """Looser matches for organisation-name prefixes only (`宁夏大学`, where jieba keeps the
    whole name as one word): official names, aliases and short names that are not ordinary
    words, without the word-boundary test; resolved only when unambiguous."""
    gaz = load()
    out = []
    for cand in _select(_candidates(text)):
        if _needs_parent(cand) or (cand.how == "short" and is_ordinary_word(cand.surface)):
            continue
        row = cand.options[0] if len(cand.options) == 1 else None
        out.append(PlaceMention(text=cand.surface, start=cand.start, end=cand.end,
                                region=gaz.region_ref(row) if row else None))
    return out
