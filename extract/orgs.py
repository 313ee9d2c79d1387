"""Stage 4 (organisations): named bodies, their actors' link to figures, the source outlet.

An organisation is read with a small grammar: a region prefix (a place mention such as
`永宁县`, `银川`, or a bare level word standing for the article's own unit: `旗`, `市`,
`自治区`), a short name body without clause verbs, numbers or function words, and a suffix
from `SUFFIXES` that also gives the kind. Names with a place prefix are kept as written
(`大理州民政局`); a bare level prefix is expanded to the official name of the unit it stands
for in the article and its year (`自治区民政厅` in a Ningxia article -> 宁夏回族自治区民政厅).
National bodies (`民政部`) and universities named after a non-administrative region
(`赣南师范大学`) are found from word lists. A body named only in the source credit is the
article's source outlet, not one of its organisations.
"""

from __future__ import annotations

import re

from extract.gazetteer import COUNTRY, load
from extract.nlp import get_plain_tokenizer
from extract.places import (
    CLAUSE_BREAK,
    SENTENCE_BREAK,
    is_ordinary_word,
    prefix_places,
    scope_region,
    token_bounds,
    word_tag,
)
from schemas import Article, BlockKind, Figure, Organization, OrgKind, PlaceMention, RegionRef

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
        ("慈善会", OrgKind.association),
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

DEPARTMENT_SUFFIXES: list[tuple[str, OrgKind]] = [("司", OrgKind.government),
                                                  ("局", OrgKind.government),
                                                  ("办公室", OrgKind.government)]
"""Endings of a department inside a central body (`民政部慈善事业促进和社会工作司`)."""

CENTRAL_BODIES = (
    "国务院", "外交部", "国防部", "国家发展和改革委员会", "教育部", "科学技术部",
    "工业和信息化部", "国家民族事务委员会", "公安部", "国家安全部", "民政部", "司法部",
    "财政部", "人力资源和社会保障部", "自然资源部", "生态环境部", "住房和城乡建设部",
    "交通运输部", "水利部", "农业农村部", "商务部", "文化和旅游部", "国家卫生健康委员会",
    "退役军人事务部", "应急管理部", "审计署", "国家统计局", "国家医疗保障局",
    "国家乡村振兴局", "国家市场监督管理总局", "全国妇联", "中华全国妇女联合会",
    "中华全国总工会", "共青团中央", "中国残联", "中国残疾人联合会", "中国红十字会总会",
    "中华慈善总会", "中国社会工作联合会", "中国社会工作教育协会", "中国老龄协会",
)
"""National bodies named without a region prefix (ministries of the State Council and the
national people's organisations)."""

ORG_LEADS = ("中国共产党", "中共", "共青团", "中国人民政治协商会议", "政协")
"""Words that open a body's name before its region prefix (`共青团弥勒市委员会`)."""

LEAD_KINDS = {"共青团": OrgKind.association}
"""Leads that make the body a people's organisation whatever its ending says."""

BODY_BREAKERS = (
    "新建", "改建", "扩建", "建成", "依托", "联合", "委托", "聘请", "携手", "会同", "协同",
    "牵头", "推动", "开展", "成立", "引进", "对接", "举办", "主办", "承办", "设立", "打造",
    "投入", "积极", "持续", "加强", "通过", "利用", "整合", "召开", "印发", "获评", "入选",
    "表示", "介绍", "以及",
)
"""Verbs and function words that end a name rather than stand in it: a "body" holding one
is a clause (`新建改建居家养老服务中心`, `依托临泉县…中心`), and a place prefix spelt like
one is the verb (`新建` before `养老中心`, not 南昌's 新建区)."""

QUANTITY_RE = re.compile(r"[0-9０-９]|^[各每诸本该这那]|[一二两三四五六七八九十几多数]+[个家所座处名批类]")
"""Numbers and determiners do not stand in a name (`新建两个…中心`, `各镇社工站…`)."""

SUFFIX_NOT_BEFORE = {"部": "门署分", "局": "面势限", "委": "托屈婉", "厅": "堂"}
"""A one-character ending followed by these is a word (`部门`, `局面`, `委托`), not a name end."""

SOCIAL_WORK_WORDS = ("社会工作", "社工")
MAX_BODY = 10
MAX_DEPARTMENT_BODY = 14
MIN_BODY_SHORT_SUFFIX = 2
"""A one-character suffix (`局`, `委`) needs a body of two characters or more (`市场监督管理局`)."""

BODY_STOP = set("的了是有为在将把被对向从于及与等着过也都还又已并就而或其该这那之以由经年月日")
"""Characters that never stand inside an organisation's name body (`发展和改革` may)."""

LEVEL_PREFIX_RE = re.compile(r"(师市|自治区|自治州|自治县|省|市|州|盟|县|旗|区)")
XPCC_LEVEL = "师市"
"""`师市民政局`: the XPCC division and the city it is one body with (第八师石河子市)."""

LEAGUE_COMMITTEE_RE = re.compile(r"团(省|市|县|区|州|旗)委(?!员)")
"""`团市委`, `团县委`: the Communist Youth League committee of the article's unit."""
LEVEL_PREFIX_BEFORE = set("由经与和及在对向据将、，,；;。：:（(“\"《 \n") | {""}
"""What may stand right before a bare level prefix (`，旗民政局`, `由市民政局`)."""

LEVEL_PREFIX_NOT_AFTER = set("各每全本我该这那两多几省市县区州盟旗乡镇村级")
"""A level word after these is a plural or a scope (`各县民政局`, `省市县三级`), not one unit."""

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
    text: str, pos: int, suffixes: list[tuple[str, OrgKind]] = SUFFIXES, max_body: int = MAX_BODY
) -> tuple[int, OrgKind] | None:
    """End and kind of an organisation name whose body starts at `pos`, if one does."""
    for k in range(max_body + 1):
        body = text[pos : pos + k]
        if k and (not _is_cjk(body[-1]) or body[-1] in BODY_STOP):
            return None
        for suffix, kind in suffixes:
            if not text.startswith(suffix, pos + k):
                continue
            if len(suffix) == 1 and k < MIN_BODY_SHORT_SUFFIX:
                continue
            end = pos + k + len(suffix)
            if text[end : end + 1] and text[end] in SUFFIX_NOT_BEFORE.get(suffix, ""):
                continue
            if not well_formed_body(body):
                return None
            return end, _kind(body + suffix, kind)
    return None


def well_formed_body(body: str) -> bool:
    """A name body holds no clause verb (`依托`, `新建`) and no number or determiner."""
    return not (any(word in body for word in BODY_BREAKERS) or QUANTITY_RE.search(body))


def _kind(name: str, kind: OrgKind) -> OrgKind:
    if kind == OrgKind.social_org and any(w in name for w in SOCIAL_WORK_WORDS):
        return OrgKind.social_work_org
    return kind


def _chain_start(mention: PlaceMention, by_end: dict[int, PlaceMention], kind: OrgKind) -> int:
    """Where the written name of a body prefixed by `mention` starts.

    A government body belongs to the last unit of a place chain (`百色市田阳区民政局` is
    田阳区民政局), together with the names that stand for that same unit (`第八师石河子市`,
    师市合一); any other body keeps the whole chain as registered (`天津市蓟州区康泰…中心`).
    """
    start = mention.start
    prev = by_end.get(start)
    while prev is not None:
        same_unit = prev.region and mention.region and prev.region.code == mention.region.code
        if kind == OrgKind.government and not same_unit:
            break
        start = prev.start
        prev = by_end.get(start)
    return start


def _with_lead(text: str, start: int) -> int:
    """Start of the name including an opening word such as `共青团` right before it."""
    for lead in ORG_LEADS:
        if text.startswith(lead, start - len(lead)):
            return start - len(lead)
    return start


def _lead_kind(lead: str, kind: OrgKind) -> OrgKind:
    return next((k for word, k in LEAD_KINDS.items() if lead.startswith(word)), kind)


def _from_places(article: Article, places: list[PlaceMention], others: set[int]) -> list[Organization]:
    """Place prefix + body + suffix, named as written. A body in which another place begins
    (`临泉县依托临泉县…中心`) is no body: that later place prefixes the name."""
    text = article.text
    orgs = []
    starts = {p.start for p in places} | others
    by_end = {p.end: p for p in places}
    for mention in places:
        if mention.end in starts or mention.text in BODY_BREAKERS:
            continue
        hit = org_after_prefix(text, mention.end)
        if hit is None:
            continue
        end, kind = hit
        if any(mention.end < s < end for s in starts):
            continue
        start = _with_lead(text, _chain_start(mention, by_end, kind))
        kind = _lead_kind(text[start : mention.start], kind)
        orgs.append(
            Organization(
                name=text[start:end],
                full_name=text[start:end],
                kind=kind,
                start=start,
                end=end,
                region_code=mention.region.code if mention.region else None,
            )
        )
    return orgs


def _from_level_prefixes(
    article: Article, places: list[PlaceMention], region: RegionRef | None
) -> list[Organization]:
    """`旗民政局`, `自治区民政厅`, `联合县妇联`: the article's own unit at that level, its
    official name restored.

    The level word must be a word of its own (jieba), after punctuation or a word that is
    not a plural or scope (`市场监督管理局` has no prefix `市`; `各县民政局` is no one body).
    """
    text = article.text
    inside_place = {i for p in places for i in range(p.start, p.end)}
    bounds = token_bounds(text)
    orgs = []
    for match in LEVEL_PREFIX_RE.finditer(text):
        start = match.start()
        before = text[start - 1 : start]
        if start in inside_place or match.end() not in bounds:
            continue
        if before not in LEVEL_PREFIX_BEFORE and (start not in bounds
                                                  or before in LEVEL_PREFIX_NOT_AFTER):
            continue
        hit = org_after_prefix(text, match.end())
        if hit is None:
            continue
        end, kind = hit
        body = text[match.end() : end]
        if body.startswith(GENERIC_BODIES):
            continue
        unit, unit_name = _level_unit(region, match.group(1))
        lead = _with_lead(text, start)
        kind = _lead_kind(text[lead:start], kind)
        written = text[lead:end]
        full = text[lead:start] + unit_name + body if unit_name else written
        orgs.append(
            Organization(name=written, full_name=full, kind=kind, start=lead, end=end,
                         region_code=unit.code if unit else None)
        )
    return orgs


def _level_unit(region: RegionRef | None, level: str) -> tuple[RegionRef | None, str | None]:
    """The unit a bare level word stands for in this article, and its official name."""
    if level == XPCC_LEVEL:
        division = _xpcc_division(region)
        row = load().get(region.code) if division and region else None
        return (region, division + row.name) if row else (None, None)
    unit = scope_region(region, level)
    return unit, load().get(unit.code).name if unit else None


def _xpcc_division(region: RegionRef | None) -> str | None:
    """`第八师` for 石河子市: the XPCC division sharing the region's code."""
    if region is None:
        return None
    gaz = load()
    return next((alias for alias, rows in gaz.aliases.items()
                 if alias.startswith("第") and alias.endswith("师") and rows[0].code == region.code),
                None)


def _from_league_committees(article: Article, region: RegionRef | None) -> list[Organization]:
    """`团市委` -> 共青团吉首市委员会, the unit taken from the article's region."""
    orgs = []
    for match in LEAGUE_COMMITTEE_RE.finditer(article.text):
        unit, name = _level_unit(region, match.group(1))
        if unit is None:
            continue
        orgs.append(Organization(name=match.group(0), full_name=f"共青团{name}委员会",
                                 kind=OrgKind.association, start=match.start(),
                                 end=match.end(), region_code=unit.code))
    return orgs


def _from_central_bodies(article: Article) -> list[Organization]:
    """National bodies (`民政部`) and their departments (`民政部慈善事业促进和社会工作司`)."""
    text = article.text
    orgs = []
    for name in CENTRAL_BODIES:
        at = text.find(name)
        while at >= 0:
            end = at + len(name)
            if text[end : end + 1] not in ("门", "署"):
                orgs.append(Organization(name=name, full_name=name, kind=OrgKind.government,
                                         start=at, end=end, region_code=COUNTRY.code))
                hit = org_after_prefix(text, end, DEPARTMENT_SUFFIXES, MAX_DEPARTMENT_BODY)
                if hit is not None and hit[0] - end > 1:
                    dept = text[at : hit[0]]
                    orgs.append(Organization(name=dept, full_name=dept, kind=hit[1], start=at,
                                             end=hit[0], region_code=COUNTRY.code))
            at = text.find(name, end)
    return orgs


HIGHER_EDUCATION = [(s, k) for s, k in SUFFIXES if s in ("职业技术学院", "大学", "学院")]
REGION_WORD_TAG = "ns"


def _from_region_words(article: Article, taken: set[int]) -> list[Organization]:
    """Universities named after a region that is no administrative unit (`赣南师范大学`,
    `闽南师范大学`): a place word of jieba's dictionary that is not an everyday word
    (`城市`), + body + a higher-education ending."""
    text = article.text
    orgs = []
    pos = 0
    for token in get_plain_tokenizer().cut(text, HMM=False):
        start, pos = pos, pos + len(token)
        if len(token) < 2 or start in taken or word_tag(token) != REGION_WORD_TAG:
            continue
        if is_ordinary_word(token):
            continue
        hit = org_after_prefix(text, pos, HIGHER_EDUCATION)
        if hit is None:
            continue
        orgs.append(Organization(name=text[start : hit[0]], full_name=text[start : hit[0]],
                                 kind=hit[1], start=start, end=hit[0]))
    return orgs


DELIMITED_OUTLETS = 2
"""The first OUTLET_RES forms are delimited (`（据…）`, `来源：…`): all they hold is the credit.
In the others (`XX日报记者`) only the outlet's own name, ending at the match, is furniture."""


def _is_furniture(article: Article, org: Organization) -> bool:
    """A mention in the source line or an outlet credit (`（据XX日报）`, `来源：XX`,
    `XX日报记者`): a body named only there is the outlet, not an actor. (A byline that is no
    outlet credit names the issuing body of a report, which is kept.)"""
    if any(p.kind == BlockKind.source and p.start <= org.start < p.end for p in article.parts):
        return True
    for n, pattern in enumerate(OUTLET_RES):
        for match in pattern.finditer(article.text):
            start, end = match.span(1)
            if n < DELIMITED_OUTLETS and start <= org.start < end:
                return True
            if n >= DELIMITED_OUTLETS and start <= org.start and org.end == end:
                return True
    return False


def find_organizations(
    article: Article, places: list[PlaceMention], region: RegionRef | None
) -> list[Organization]:
    """Named bodies of the article, one per full name, with the span of the first mention
    outside the outlet furniture."""
    taken = {i for p in places for i in range(p.start, p.end)}
    loose = [p for p in prefix_places(article.text) if not taken & set(range(p.start, p.end))]
    loose_starts = {p.start for p in loose}
    found = _from_places(article, places, loose_starts)
    found += _from_places(article, loose, {p.start for p in places})
    found += _from_level_prefixes(article, places, region)
    found += _from_league_committees(article, region)
    found += _from_central_bodies(article)
    found += _from_region_words(article, taken | {i for p in loose for i in range(p.start, p.end)})
    found = [o for o in found if not _is_furniture(article, o)]
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
