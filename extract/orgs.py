"""Stage 4 (organisations): named bodies, their actors' link to figures, the source outlet.

An organisation is read with a small grammar: a region prefix (a place mention such as
`永宁县`, `银川`, or a bare level word standing for the article's own unit: `旗`, `市`,
`自治区`), a short name body without function words, and a suffix from `SUFFIXES` that
also gives the kind. Bare level prefixes are expanded to the unit's official name
(`自治区民政厅` in a Ningxia article -> 宁夏回族自治区民政厅), and so are shortened place
prefixes of government bodies (`泰州民政局` -> 泰州市民政局).
"""

from __future__ import annotations

import re

from extract.gazetteer import load
from extract.places import (
    CLAUSE_BREAK,
    SENTENCE_BREAK,
    prefix_places,
    scope_region,
    token_bounds,
)
from schemas import Article, Figure, Organization, OrgKind, PlaceMention, RegionRef

SUFFIXES: list[tuple[str, OrgKind]] = sorted(
    [
        ("社会工作服务中心", OrgKind.social_work_org),
        ("社会工作发展中心", OrgKind.social_work_org),
        ("社会工作服务社", OrgKind.social_work_org),
        ("社会工作服务站", OrgKind.social_work_org),
        ("社会工作事务所", OrgKind.social_work_org),
        ("社工服务中心", OrgKind.social_work_org),
        ("社工服务社", OrgKind.social_work_org),
        ("社工事务所", OrgKind.social_work_org),
        ("基金会", OrgKind.social_org),
        ("服务中心", OrgKind.social_org),
        ("发展中心", OrgKind.social_org),
        ("服务社", OrgKind.social_org),
        ("中心", OrgKind.social_org),
        ("民政局", OrgKind.government),
        ("民政厅", OrgKind.government),
        ("人民政府", OrgKind.government),
        ("政府", OrgKind.government),
        ("委员会", OrgKind.government),
        ("办公室", OrgKind.government),
        ("办事处", OrgKind.government),
        ("管委会", OrgKind.government),
        ("法院", OrgKind.government),
        ("检察院", OrgKind.government),
        ("局", OrgKind.government),
        ("厅", OrgKind.government),
        ("委", OrgKind.government),
        ("部", OrgKind.government),
        ("职业技术学院", OrgKind.school),
        ("大学", OrgKind.school),
        ("学院", OrgKind.school),
        ("学校", OrgKind.school),
        ("中学", OrgKind.school),
        ("小学", OrgKind.school),
        ("幼儿园", OrgKind.school),
        ("党校", OrgKind.school),
        ("联合会", OrgKind.association),
        ("红十字会", OrgKind.association),
        ("促进会", OrgKind.association),
        ("研究会", OrgKind.association),
        ("协会", OrgKind.association),
        ("商会", OrgKind.association),
        ("学会", OrgKind.association),
        ("总会", OrgKind.association),
        ("妇联", OrgKind.association),
        ("残联", OrgKind.association),
        ("工会", OrgKind.association),
        ("融媒体中心", OrgKind.media),
        ("广播电视台", OrgKind.media),
        ("电视台", OrgKind.media),
        ("日报社", OrgKind.media),
        ("报社", OrgKind.media),
        ("日报", OrgKind.media),
        ("晚报", OrgKind.media),
        ("新闻网", OrgKind.media),
    ],
    key=lambda s: -len(s[0]),
)
"""Name endings of organisations, longest first, with the kind they give."""

OUTLET_SUFFIXES: list[tuple[str, OrgKind]] = [("网", OrgKind.media), ("社", OrgKind.media),
                                              ("报", OrgKind.media), ("台", OrgKind.media)]
"""Extra endings accepted only for a named source outlet (`央广网`)."""

SOCIAL_WORK_WORDS = ("社会工作", "社工")
MAX_BODY = 10
MIN_BODY_SHORT_SUFFIX = 2
"""A one-character suffix (`局`, `委`) needs a body of two characters or more (`市场监督管理局`)."""

BODY_STOP = set("的了是有为在将把被对向从于及与等着过也都还又已并就而或其该这那之以由经年月日")
"""Characters that never stand inside an organisation's name body (`发展和改革` may)."""

LEVEL_PREFIX_RE = re.compile(r"(自治区|自治州|自治县|省|市|州|盟|县|旗|区)")
LEVEL_PREFIX_BEFORE = set("由经与和及在对向据将、，,；;。：:（(“\"《 \n") | {""}
"""What may stand right before a bare level prefix (`，旗民政局`, `由市民政局`)."""

GENERIC_BODIES = ("上级", "各级", "相关", "有关", "业务主管", "基层")

AGENT_LEAD_RE = re.compile(r"由?(?:[\u4e00-\u9fff]{1,8}?(?:自治区|省|市|州|盟|县|旗|区))*")
"""What may stand between a clause head and its acting organisation: `由`, place names."""

ANAPHORA_RE = re.compile(r"(该|这家|此|本)(中心|机构|社|协会|学院|学校|局|基金会|组织)")

OUTLET_RES = [
    re.compile(r"[（(]\s*据\s*([^（()）\n]{2,30}?)\s*[)）]"),
    re.compile(r"来源\s*[：:]\s*([^\s，,。；;)）\n]{2,30})"),
    re.compile(r"([\u4e00-\u9fff]{2,12}?(?:日报|晚报|报|电视台|广播电视台))(?:全媒体)?记者"),
    re.compile(r"([\u4e00-\u9fff]{2,12}?(?:新闻网|网|日报|报|融媒体中心))讯"),
]
"""Source-outlet forms: （据XXX）, 来源：XXX, XX日报记者, XX新闻网讯."""


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def org_after_prefix(
    text: str, pos: int, suffixes: list[tuple[str, OrgKind]] = SUFFIXES
) -> tuple[int, OrgKind] | None:
    """End and kind of an organisation name whose body starts at `pos`, if one does."""
    for k in range(MAX_BODY + 1):
        body = text[pos : pos + k]
        if k and (not _is_cjk(body[-1]) or body[-1] in BODY_STOP):
            return None
        for suffix, kind in suffixes:
            if not text.startswith(suffix, pos + k):
                continue
            if len(suffix) == 1 and k < MIN_BODY_SHORT_SUFFIX:
                continue
            return pos + k + len(suffix), _kind(body + suffix, kind)
    return None


def _kind(name: str, kind: OrgKind) -> OrgKind:
    if kind == OrgKind.social_org and any(w in name for w in SOCIAL_WORK_WORDS):
        return OrgKind.social_work_org
    return kind


def _prefix_name(mention: PlaceMention) -> str | None:
    """Official name of the unit a place prefix names (`泰州` -> 泰州市)."""
    if mention.region is None:
        return None
    row = load().get(mention.region.code)
    return row.name if row else None


def _from_places(article: Article, places: list[PlaceMention]) -> list[Organization]:
    """Place prefix + body + suffix; a place chain (`宁夏银川永宁县民政局`) is read from its
    last, most specific place."""
    text = article.text
    orgs = []
    starts = {p.start for p in places}
    for mention in places:
        if mention.end in starts:
            continue
        hit = org_after_prefix(text, mention.end)
        if hit is None:
            continue
        end, kind = hit
        rest = text[mention.end : end]
        official = _prefix_name(mention)
        full = official + rest if kind == OrgKind.government and official else mention.text + rest
        orgs.append(
            Organization(
                name=text[mention.start : end],
                full_name=full,
                kind=kind,
                start=mention.start,
                end=end,
                region_code=mention.region.code if mention.region else None,
            )
        )
    return orgs


def _from_level_prefixes(
    article: Article, places: list[PlaceMention], region: RegionRef | None
) -> list[Organization]:
    """`旗民政局`, `自治区民政厅`, `市民政局`: the article's own unit at that level.

    The level word must be a word of its own (jieba): `市场监督管理局` has no prefix `市`.
    """
    text = article.text
    inside_place = {i for p in places for i in range(p.start, p.end)}
    bounds = token_bounds(text)
    orgs = []
    for match in LEVEL_PREFIX_RE.finditer(text):
        start = match.start()
        if start in inside_place or text[start - 1 : start] not in LEVEL_PREFIX_BEFORE:
            continue
        if match.end() not in bounds:
            continue
        hit = org_after_prefix(text, match.end())
        if hit is None:
            continue
        end, kind = hit
        body = text[match.end() : end]
        if body.startswith(GENERIC_BODIES):
            continue
        unit = scope_region(region, match.group(1))
        unit_name = load().get(unit.code).name if unit else None
        orgs.append(
            Organization(
                name=text[start:end],
                full_name=(unit_name + body) if unit_name else text[start:end],
                kind=kind,
                start=start,
                end=end,
                region_code=unit.code if unit else None,
            )
        )
    return orgs


def _from_outlet(article: Article) -> list[Organization]:
    outlet = article.source_outlet or source_outlet(article)
    if not outlet or outlet not in article.text:
        return []
    start = article.text.rindex(outlet)
    end = start + len(outlet)
    kind = next((k for s, k in SUFFIXES + OUTLET_SUFFIXES if outlet.endswith(s)), None)
    if kind is None:
        return []
    return [Organization(name=outlet, full_name=outlet, kind=_kind(outlet, kind), start=start, end=end)]


def find_organizations(
    article: Article, places: list[PlaceMention], region: RegionRef | None
) -> list[Organization]:
    """Named bodies of the article, one per full name, with the span of the first mention."""
    taken = {i for p in places for i in range(p.start, p.end)}
    loose = [p for p in prefix_places(article.text) if not taken & set(range(p.start, p.end))]
    found = _from_places(article, places) + _from_places(article, loose)
    found += _from_level_prefixes(article, places, region)
    found += _from_outlet(article)
    found.sort(key=lambda o: (o.start, -o.end))
    kept: dict[str, Organization] = {}
    covered: list[tuple[int, int]] = []
    for org in found:
        if any(s <= org.start and org.end <= e for s, e in covered):
            continue
        covered.append((org.start, org.end))
        kept.setdefault(org.full_name, org)
    return list(kept.values())


# --- actors -------------------------------------------------------------------------------


def _sentence_start(text: str, pos: int) -> int:
    return max(text.rfind(ch, 0, pos) for ch in SENTENCE_BREAK) + 1


def _clause_starts(text: str, lo: int, hi: int) -> set[int]:
    starts = {lo}
    for i in range(lo, hi):
        if text[i] in CLAUSE_BREAK:
            starts.add(i + 1)
    return starts


def actor_at(text: str, pos: int, orgs: list[Organization]) -> Organization | None:
    """The organisation acting in the sentence of the figure at `pos`.

    It is an organisation named at the head of a clause before the figure (`由XX主导`
    counts), or one taken up again by `该中心` / `这家机构` (the last one named before with
    that ending).
    """
    s_start = _sentence_start(text, pos)
    heads = _clause_starts(text, s_start, pos)
    by_mention = _mentions(text, orgs, pos)
    for start, _, org in reversed(by_mention):
        head = max((h for h in heads if h <= start), default=s_start)
        if s_start <= start < pos and AGENT_LEAD_RE.fullmatch(text[head:start]):
            return org
    for match in ANAPHORA_RE.finditer(text, s_start, pos):
        tail = match.group(2)
        earlier = [o for o in by_mention if o[1] <= match.start()]
        for _, _, org in reversed(earlier):
            if org.full_name.endswith(tail) or tail in ("机构", "组织"):
                return org
    return None


def _mentions(text: str, orgs: list[Organization], limit: int) -> list[tuple[int, int, Organization]]:
    """Every occurrence (not only the first) of each organisation's written name before `limit`."""
    out = []
    for org in orgs:
        for name in {org.name, org.full_name}:
            start = text.find(name)
            while 0 <= start < limit:
                out.append((start, start + len(name), org))
                start = text.find(name, start + 1)
    out.sort(key=lambda m: m[0])
    return out


def link_actors(article: Article, figures: list[Figure], orgs: list[Organization]) -> None:
    """Set `figure.organization` to the full name of the organisation acting in its sentence."""
    for figure in figures:
        actor = actor_at(article.text, figure.char_start, orgs)
        if actor is not None:
            figure.organization = actor.full_name


# --- source outlet ------------------------------------------------------------------------


def source_outlet(article: Article) -> str | None:
    """The outlet the article credits: （据XXX）, 来源：XXX, XX日报记者, XX新闻网讯."""
    for pattern in OUTLET_RES:
        matches = list(pattern.finditer(article.text))
        if matches:
            return matches[-1].group(1).strip()
    return None
