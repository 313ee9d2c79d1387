"""Stage 4, figures: every count, amount and rate in an article, with what it counts.

Quantities come from the grammar in `extract.quantities`; this module adds, per figure,
the subject (the noun phrase it quantifies, looked for on both sides of the number with the
jieba tokens of `extract.nlp`), the metric (`schemas.taxonomy`), its part-whole relation
(`其中`, `包括`, `分别为`), its time (`extract.periods`) and its provenance (clause, sentence,
span). Word lists are tables at the top; the functions below are generic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from extract.nlp import words
from extract.periods import TimePhrase, find_times, resolve
from extract.quantities import find_quantities
from schemas import Article, Figure, Quantity
from schemas.taxonomy import find_term, is_money, metric_for

SENTENCE_END = re.compile(r"[。！？!?\n]")
CLAUSE_END = re.compile(r"[。！？!?\n，；;：]|[,:](?!\d)|(?<!\d)[,:]")
"""ASCII commas and colons end a clause only where they are not inside a number (`5,812`)."""

CONNECTORS = {
    "达", "达到", "已达", "为", "有", "共", "共有", "现有", "已有", "计", "共计", "累计", "总数",
    "数量", "人数", "总量", "规模", "总计", "合计", "约", "由", "从", "增至", "增长", "增长到",
    "增加", "增加到", "提高", "提高到", "上升", "上升到", "到", "至", "的", "了", "已", "已经",
    "达成", "突破", "超过", "均", "都", "分别", "分别为", "分别是", "分别有", "分别达", "是",
    "还有", "近", "将近", "逾", "超", "共计有", "多达", "再", "又", "新增", "净增",
}
STOPS = {
    "其中", "包括", "含", "和", "及", "与", "或", "以及", "等", "各类", "各种", "其他", "其它",
    "各", "全", "这", "该", "此", "还", "也", "并", "将", "在", "对", "向", "给", "以", "把",
    "被", "同时", "目前", "当前", "今年", "去年", "截至", "截至目前", "现", "已", "先后",
    "相继", "一批", "一大批", "|", "全部", "均", "都", "共", "正在", "全面", "率先", "已经",
    "分别", "陆续", "新", "累计", "日均", "年均", "月均", "人均", "每年", "每月",
    "同比", "环比", "较上年", "比上年", "较去年", "比去年",
}
VERBS = {
    "持", "参训", "开展", "举办", "组织", "服务", "帮扶", "走访", "引进", "培育", "培养", "孵化", "承接",
    "实施", "提供", "惠及", "救助", "慰问", "覆盖", "发放", "投入", "筹集", "下沉", "登记注册",
    "登记", "注册", "建成", "建立", "建设", "成立", "设立", "打造", "培训", "招募", "吸纳",
    "配备", "聘用", "招聘", "参与", "参加", "受益", "帮助", "资助", "落实", "争取", "获得",
    "取得", "完成", "接待", "解决", "办理", "入户", "探访", "开发", "设置", "发展", "链接",
    "整合", "募集", "动员", "带动", "协助", "推动", "认定", "挂牌", "运营", "组建", "通过",
    "实现", "考取", "报考", "吸引", "聚集", "签订", "立项", "评选", "选派", "派驻", "入驻",
    "购买", "探视", "关爱", "陪伴", "排查", "摸排", "回访", "联系", "引入", "新建",
    "改建", "招收", "吸收", "指导", "联合", "委托", "新增", "组成", "构成", "供餐", "监测",
}
RESULT_VERBS = {"建成", "新建", "建立", "设立", "成立", "组建", "引进", "招募", "新增", "认定",
                "挂牌", "改建", "培育", "孵化", "配备", "聘用", "招聘", "吸纳", "备案", "监测"}
"""Verbs that are never nouns: `社工室建成386个` counts 社工室, the topic before the verb."""
PREDICATE_VERBS = {"通过", "参与", "参加", "获得", "受益", "实现", "完成", "入驻", "提供",
                   "开展", "承接", "成为", "加入", "报名", "取得", "考取", "服务", "走访", "组成", "构成",
                   "建立", "建档", "签订", "发放", "开设", "接受", "享受", "纳入", "链接",
                   "争取", "申请", "办理", "落实", "解决"}
COPULA = re.compile(
    r"^\s*(?:均|全部|都)?(?:已经?)?(?:为|是|建成|建立|设立|设有|配备)(?P<pred>[^，。；！？\n]+)"
    r"|(?:担任|成为|作为|转为|成长为|充实到|纳入)(?P<pred2>[^，。；！？\n]+)"
)
"""`N名X为Y`, `N个乡镇均已建成社工站`, `N位教师担任督导`, `N名儿童纳入保障`: the figure
counts Y."""
MADE_OF = re.compile(r"由\s*$")
"""`督导团队由9名高校教师组成`: the figure counts the members of what stands before 由."""
PLACE_TOKEN = re.compile(r"^(?:全[省市县区旗镇乡村州盟]|[\u4e00-\u9fff]{1,8}[省市县旗州盟])$")
NUMERAL_TOKEN = re.compile(r"^(?:第|首)|[\d〇一二两三四五六七八九十百千万亿]+[年月日批级]?$")
PART_MARKER = re.compile(r"其中|包括|包含|分别为|分别是|分别有|分别达到?")
SAME_SENTENCE_MARKERS = ("分别",)
LIST_SPLIT = re.compile(r"以及|和|及|与|、|或")
EACH_RE = re.compile(r"(?:均|都|皆)(?:已经?)?(?:达到?|为|实现|是|超过|有)?\s*$")
EACH_OF_RE = re.compile(r"分别(?:为|是|有|达到?|增长|增加|占)?\s*$")
NP_MAX_TOKENS = 6
VERB_DECIDES = {"served", "households", "people", "training"}
"""Metric kinds a verb decides over the subject (`走访困难家庭` counts visits)."""
WEAK_VERBS = {"惠及", "受益", "覆盖"}
"""Verbs that say a figure reached people without saying how: the subject decides
(`救助资金惠及困难群众` counts assisted people, `惠及居民` people served)."""
POPULATIONS = {"served.minors", "served.elderly"}
AID_VERBS = {"资助", "救助", "供养", "发放", "补贴", "补助"}
"""Metrics of a named population: help that is no material aid (`结对帮扶困境儿童413名`)
counts children or elderly people served; aid in money or kind (`资助困难学生1046人`)
counts people assisted, whoever they are."""
SERVICE_OBJECT = re.compile(r"服务\s*$")
"""`为困难群众提供…服务N人次`: what is provided is a service, so the figure counts people
served, whoever they are."""
EXAM_ENTRANTS = re.compile(r"\s*(?:报名)?(?:参加|报名|报考)[^，。；]{0,20}考试")
"""`组织32名社工参加…考试`: entrants, not people who passed (`other`)."""
BENEFICIARY = re.compile(r"为(?P<who>[^，。；为]{1,24}?)(?:提供|开展|送去|发放|办理)")
PREPOSITIONS = {"从", "自"}
FOR_WHOM = re.compile(r"为[^，。；为]{0,6}$")
TARGET_OF = re.compile(r"对(?:[^，。；对]{0,6}|[^，。；对]{0,30}(?:和|、|及|与))$")
"""`对1860名留守儿童逐一建档，开展结对帮扶`: what is done to them is said in the sentence."""
CHANGE_BEFORE = re.compile(
    r"(?:同比|环比|比上年|较上年|比去年|较去年)?(?:增长|增加|提高|提升|上升|下降|减少|降低|回落|"
    r"增幅|降幅|增速)了?(?:达到?|为)?\s*$"
)
"""`同比增长12.5%`, `提高5个百分点`: a change, not a level; `提高到58%` is a level."""
RATE_UNITS = {"%", "个百分点", "百分点"}
"""`为1083名留守儿童…`: the figure counts the people something is done for."""
"""A number right after one of these (or after it and a place) is an argument, not a total."""
GENERIC_SUBJECTS = {"覆盖率", "人数", "总数", "数量", "人员", "人才", "服务", "队伍", "规模",
                    "总量", "比例", "占比"}
"""Subjects too generic to name a metric: the clause around decides."""

UNIT_FAMILIES = [
    {"人", "名", "位"}, {"人次"}, {"户"}, {"户次"}, {"家", "个", "所", "处", "座"},
    {"次", "场", "场次", "期", "项"}, {"元", "万元", "亿元", "千元", "百万元", "千万元"},
    {"%"}, {"个百分点", "百分点"},
]
METRIC_GROUPS = [
    {"social_workers"}, {"orgs"}, {"stations"}, {"projects"},
    {"served", "people", "households"}, {"activities", "training"}, {"funds"},
]


@dataclass
class Draft:
    """A figure under construction (index = position in the final list)."""

    quantity: Quantity
    subject: str | None = None
    subject_start: int | None = None
    metric: str = "other"
    part_of: int | None = None
    extra: dict = field(default_factory=dict)


def extract_figures(article: Article, published: date | None = None) -> list[Figure]:
    """All figures of an article in text order; `published` resolves relative times."""
    text = article.text
    published = published or article.dateline
    drafts: list[Draft] = []
    quantities = find_quantities(text)
    for i in range(len(quantities)):
        drafts.extend(_drafts_for(text, quantities, i))
    _inherit_subjects(text, drafts)
    _link_parts(text, drafts)
    _parts_in_context(drafts)
    times = find_times(text)
    return [_figure(text, i, d, drafts, times, published) for i, d in enumerate(drafts)]


# --- spans --------------------------------------------------------------------------------


def span_around(text: str, start: int, end: int, stops: re.Pattern[str]) -> tuple[int, int]:
    """The stretch of text around [start, end) bounded by matches of `stops`."""
    left = 0
    for match in stops.finditer(text, 0, start):
        left = match.end()
    right = stops.search(text, end)
    return left, right.start() if right else len(text)


def _sentence(text: str, pos: int) -> tuple[int, int]:
    return span_around(text, pos, pos, SENTENCE_END)


def _clause(text: str, pos: int) -> tuple[int, int]:
    return span_around(text, pos, pos, CLAUSE_END)


# --- subjects -----------------------------------------------------------------------------


def _blank_times(piece: str) -> str:
    """Replace time phrases by a stop mark, keeping length, so they never join a subject."""
    for phrase in reversed(find_times(piece)):
        if phrase.text in ("累计", "共计", "总计", "先后"):
            continue
        piece = piece[:phrase.start] + "|" * (phrase.end - phrase.start) + piece[phrase.end:]
    return piece


def _tokens_with_offsets(piece: str) -> list[tuple[str, int]]:
    out, pos = [], 0
    for word in words(piece):
        pos = piece.find(word, pos)
        out.append((word, pos))
        pos += len(word)
    return out


def _is_stop(token: str) -> bool:
    return (
        not token.strip()
        or token in STOPS
        or token in CONNECTORS
        or bool(PLACE_TOKEN.match(token))
        or bool(NUMERAL_TOKEN.search(token))
        or not re.search(r"[\u4e00-\u9fffA-Za-z“”\"]", token)
        or "|" in token
    )


def left_phrase(piece: str) -> tuple[str | None, int | None, str | None]:
    """(noun phrase, its start, nearest verb) ending just before a number; `piece` ends there."""
    tokens = [(t, s) for t, s in _tokens_with_offsets(_blank_times(piece)) if t.strip()]
    i = len(tokens) - 1
    while i >= 0 and (tokens[i][0] in CONNECTORS or set(tokens[i][0]) <= {"|"}):
        i -= 1
    collected: list[tuple[str, int]] = []
    verb = None
    while i >= 0 and len(collected) < NP_MAX_TOKENS:
        token = tokens[i][0]
        if token in ("）", ")") and collected:
            opening = next((j for j in range(i - 1, max(i - 8, -1), -1)
                            if tokens[j][0] in ("（", "(")), None)
            if opening is not None and opening > 0 and not _is_stop(tokens[opening - 1][0]):
                collected[:0] = tokens[opening:i + 1]
                i = opening - 1
                continue
        after_noun = i > 0 and not _is_stop(tokens[i - 1][0]) and tokens[i - 1][0] not in VERBS
        if token in RESULT_VERBS and not collected and verb is None and after_noun:
            verb = token
            i -= 1
            continue
        noun_use = after_noun and (not collected or token not in RESULT_VERBS)
        if token in VERBS and not noun_use:
            verb = verb or token
            break
        if _is_stop(token) and token not in ("“", "”"):
            break
        collected.insert(0, tokens[i])
        i -= 1
    while collected and collected[0][0] in ("“", "”"):
        collected.pop(0)
    if verb is None:
        verb = next((t for t, _ in reversed(tokens[:max(i, 0) + 1]) if t in VERBS), None)
    if not collected:
        return None, None, verb
    start = collected[0][1]
    end = collected[-1][1] + len(collected[-1][0])
    return piece[start:end], start, verb


def right_phrase(piece: str) -> str | None:
    """The noun phrase right after a classifier (`25个服务项目`), or None."""
    tokens = [t for t, _ in _tokens_with_offsets(piece) if t.strip()]
    collected: list[str] = []
    skip_to = -1
    for k, token in enumerate(tokens):
        if k <= skip_to:
            continue
        if token in ("（", "(") and collected:
            closing = next((j for j in range(k + 1, min(k + 8, len(tokens)))
                            if tokens[j] in ("）", ")")), None)
            if closing is not None:
                collected.extend(tokens[k:closing + 1])
                skip_to = closing
                continue
        if len(collected) >= NP_MAX_TOKENS:
            break
        if token in VERBS and (not collected or token in PREDICATE_VERBS):
            break
        if token in ("为", "是", "成为", "担任", "作为") or (
            _is_stop(token) and token not in ("“", "”")
        ):
            break
        collected.append(token)
    phrase = "".join(collected).strip()
    return phrase if re.search(r"[\u4e00-\u9fff]", phrase) else None


def _kind(code: str) -> str:
    return code.split(".")[0]


def _choose_metric(subject: str | None, verb: str | None, predicate: str | None,
                   left: str, piece: str, unit: str | None, clause: str | None,
                   topic: str = "") -> str:
    """The metric of a figure, from the most to the least telling evidence.

    The predicate of `N名X为Y` names what is counted; so does the beneficiary of
    `为X提供…服务N人次`. A number that is the object of a preposition (`从3家机构引入`) is
    no total: `other`. The verb decides the kind (`服务困难群众` is served, not assisted),
    the subject refines it within that kind (`服务老年人` is served.elderly); a verb of mere
    reach (`惠及`) or help to a named population (`帮扶困境儿童`) leaves it to the subject. A subject
    too generic to tell (`覆盖率`) is about the topic of the clauses before it in the
    sentence (`社工室建成386个，覆盖率达73.2%`); with none, the clause decides. A rate
    after a change word (`同比增长12.5%`) is a change, not a level: `other`.
    """
    if unit in RATE_UNITS and CHANGE_BEFORE.search(left):
        return "other"
    if predicate and (code := metric_for(predicate, unit, clause)) != "other":
        return code
    if is_money(unit):
        return "funds.amount"
    if _after_preposition(left):
        return "other"
    who = BENEFICIARY.search(left)
    if who and (code := metric_for(who.group("who"), unit)) != "other":
        served = metric_for("服务", unit)
        if _kind(code) != "served" and SERVICE_OBJECT.search(left) and served != "other":
            return served
        return code
    by_subject = metric_for(subject, unit, clause) if subject else "other"
    by_verb = metric_for(verb, unit, clause) if verb else "other"
    if by_verb != "other" and (
        by_subject == "other"
        or (_kind(by_subject) != _kind(by_verb) and _kind(by_verb) in VERB_DECIDES
            and verb not in WEAK_VERBS and (by_subject not in POPULATIONS or verb in AID_VERBS))
    ):
        return by_verb
    if by_subject != "other":
        return by_subject
    if subject and topic and subject.strip("“”") in GENERIC_SUBJECTS:
        found = find_term(topic + subject, unit)
        if found and found[1].end() > len(topic):
            return found[0].code
    if subject is None or subject.strip("“”") in GENERIC_SUBJECTS:
        found = find_term(piece, unit, clause=clause)
        if found:
            return found[0].code
    return "other"


def _after_preposition(left: str) -> bool:
    """`从凉山州3家…`: the number sits in a prepositional phrase."""
    tokens = [t for t in words(left) if t.strip()][-2:]
    return any(t in PREPOSITIONS for t in tokens) and not any(t in VERBS for t in tokens)


def _drafts_for(text: str, quantities: list[Quantity], i: int) -> list[Draft]:
    """One draft per figure a quantity stands for (two for `A和B均达100%`)."""
    q = quantities[i]
    c_start, c_end = _clause(text, q.start)
    left_start = max([c_start] + [p.end for p in quantities[:i] if p.end <= q.start])
    right_end = min([c_end] + [n.start for n in quantities[i + 1:] if n.start >= q.end])
    left = text[left_start:q.start]
    right = text[q.end:right_end]

    each = EACH_RE.search(left)
    if each and LIST_SPLIT.search(left[:each.start()]):
        items = _list_items(left[:each.start()], left_start)
        if len(items) > 1:
            return [
                _draft(q, subject, start, None, None, "", left + right, text[c_start:c_end])
                for subject, start in items
            ]

    subject, start, verb = left_phrase(left)
    if start is not None:
        start += left_start
    if verb is None:
        verb = next((w for w in reversed(words(text[c_start:q.start])) if w in VERBS), None)
    clause = text[c_start:c_end]
    if FOR_WHOM.search(left):
        clause = None
    elif TARGET_OF.search(text[c_start:q.start]):
        clause = text[slice(*_sentence(text, q.start))]
    after = right_phrase(right)
    predicate = None
    if after:
        subject, start = after, q.end + right.find(after[0])
        rest = right[right.find(after) + len(after):]
        copula = COPULA.search(text[q.end + right.find(after) + len(after):c_end])
        predicate = (copula.group("pred") or copula.group("pred2")) if copula else None
        if predicate and find_quantities(predicate):
            predicate = None  # `1396个乡镇已建成社工站1388个`: the stations have their own count
        if MADE_OF.search(left) and re.match(r"\s*(?:组成|构成)", rest):
            predicate = left_phrase(MADE_OF.sub("", left))[0]
    draft = _draft(q, subject, start, verb, predicate, left, left + right, clause,
                   _topic(text, c_start))
    draft.extra["clause"] = text[c_start:c_end]
    if after and EXAM_ENTRANTS.match(rest):
        draft.metric = "other"
    if EACH_OF_RE.search(left):
        draft.extra["each_of"] = _list_items(left[:EACH_OF_RE.search(left).start()], left_start)
    return [draft]


def _topic(text: str, c_start: int) -> str:
    """The clause before the one starting at `c_start`, in the same sentence (else "")."""
    s_start, _ = _sentence(text, c_start)
    if c_start <= s_start + 1:
        return ""
    p_start, _ = _clause(text, c_start - 1)
    return text[max(p_start, s_start):c_start].rstrip("，；;,：: ")


def _draft(q: Quantity, subject, start, verb, predicate, left, piece, clause,
           topic: str = "") -> Draft:
    metric = _choose_metric(subject, verb, predicate, left, piece, q.unit, clause, topic)
    if subject is None and metric != "other":
        found = find_term(piece, q.unit)
        subject = found[1].group() if found else verb
    return Draft(quantity=q, subject=subject, subject_start=start, metric=metric,
                 extra={"own_subject": subject is not None, "piece": piece})


def _list_items(piece: str, offset: int) -> list[tuple[str, int]]:
    """Subjects listed before `均`/`分别`: `乡镇社工站和村级社工室` -> both, with offsets."""
    items = []
    pos = 0
    for part in LIST_SPLIT.split(piece):
        at = piece.find(part, pos)
        pos = at + len(part)
        subject, start, _ = left_phrase(part)
        if subject:
            items.append((subject, offset + at + (start or 0)))
    return items


# --- relations ----------------------------------------------------------------------------


def _family(unit: str | None) -> str:
    return next((f"family{i}" for i, f in enumerate(UNIT_FAMILIES) if unit in f), str(unit))


def _group(metric: str) -> int:
    head = metric.split(".")[0]
    return next((i for i, g in enumerate(METRIC_GROUPS) if head in g), -1)


def _inherit_subjects(text: str, drafts: list[Draft]) -> None:
    """`分别` hands listed subjects to the following figures; a figure without a subject
    (`增长到2204人`) takes the one of the figure before it in the same sentence."""
    for i, draft in enumerate(drafts):
        items = draft.extra.get("each_of")
        if items and len(items) > 1:
            for offset, (subject, start) in enumerate(items):
                if i + offset < len(drafts):
                    target = drafts[i + offset]
                    target.subject, target.subject_start = subject, start
                    target.metric = metric_for(subject, target.quantity.unit)
                    target.extra["own_subject"] = True
    for i, draft in enumerate(drafts):
        if draft.extra["own_subject"] or i == 0:
            continue
        previous = drafts[i - 1]
        if _paired(text, previous, draft):
            draft.subject, draft.subject_start = previous.subject, previous.subject_start
            draft.metric = metric_for(previous.subject, draft.quantity.unit,
                                      previous.extra.get("clause"))
            continue
        same_sentence = _sentence(text, previous.quantity.start) == _sentence(text, draft.quantity.start)
        if same_sentence and _family(previous.quantity.unit) == _family(draft.quantity.unit):
            draft.subject, draft.subject_start = previous.subject, previous.subject_start
            draft.metric = previous.metric


def _paired(text: str, first: Draft, second: Draft) -> bool:
    """`5836户9412人`: two counts of one subject written back to back in other units."""
    between = text[first.quantity.end:second.quantity.start]
    return (
        first.subject is not None
        and not between.strip()
        and _family(first.quantity.unit) != _family(second.quantity.unit)
    )


def _parts_in_context(drafts: list[Draft]) -> None:
    """A part is said in the context of its total (`纳入关爱服务的困境儿童486名，其中孤儿23名`):
    a part that fits no metric on its own clause is tried with its total's clause too, and
    kept when that gives a metric of the total's kind."""
    for draft in drafts:
        if draft.part_of is None or draft.metric != "other" or not draft.subject:
            continue
        total = drafts[draft.part_of]
        clause = (total.extra.get("clause") or "") + (draft.extra.get("clause") or "")
        code = metric_for(draft.subject, draft.quantity.unit, clause)
        if code != "other" and _group(code) == _group(total.metric):
            draft.metric = code


def _compatible(total: Draft, part: Draft) -> bool:
    if _family(total.quantity.unit) != _family(part.quantity.unit):
        return False
    if "other" not in (total.metric, part.metric) and _group(total.metric) != _group(part.metric):
        return False
    return _size(part) <= _size(total)


def _size(draft: Draft) -> float:
    q = draft.quantity
    return q.value_yuan if q.value_yuan is not None else (q.value_max or q.value)


RATIO = re.compile(r"(每|人均|户均|平均)[^，。；,;]{0,16}$")
"""A figure per head (`每万人拥有社会组织5.1个`, `人均…元`) is a ratio, never a part of a count."""


def _is_ratio(text: str, draft: Draft) -> bool:
    c_start, _ = _clause(text, draft.quantity.start)
    return bool(RATIO.search(text[c_start:draft.quantity.start]))


def _link_parts(text: str, drafts: list[Draft]) -> None:
    """Figures after `其中`/`包括`/`分别为` (to the sentence end) are parts of the nearest
    earlier figure they fit under (same kind of unit and metric, not smaller).

    A breakdown is closed once its parts add up to the total: a later figure of the sentence
    (`其中善款1985万元、物资375万元，支出救助资金1740万元`) starts something else.
    """
    filled: dict[int, float] = {}
    for marker in PART_MARKER.finditer(text):
        s_start, s_end = _sentence(text, marker.start())
        parts = [i for i, d in enumerate(drafts) if marker.end() <= d.quantity.start < s_end]
        floor = s_start if marker.group().startswith(SAME_SENTENCE_MARKERS) else \
            _sentence(text, max(s_start - 1, 0))[0]
        totals = [i for i, d in enumerate(drafts)
                  if floor <= d.quantity.start and d.quantity.end <= marker.start()]
        for p in parts:
            if _is_ratio(text, drafts[p]):
                continue
            for t in reversed(totals):
                if _is_complete(drafts[t], filled.get(t, 0.0)):
                    continue
                if _compatible(drafts[t], drafts[p]):
                    drafts[p].part_of = t
                    filled[t] = filled.get(t, 0.0) + _size(drafts[p])
                    break


def _is_complete(total: Draft, filled: float) -> bool:
    """Whether parts already linked add up to the total (within rounding of its last digit)."""
    size = _size(total)
    return filled > 0 and abs(filled - size) <= max(size * 1e-9, 1e-9)


# --- time and assembly ----------------------------------------------------------------------


def _time_for(text: str, q: Quantity, times: list[TimePhrase]) -> tuple[TimePhrase | None, bool]:
    """The nearest dated phrase before the figure in its sentence (else `累计`-like), and
    whether the figure is cumulative."""
    s_start, _ = _sentence(text, q.start)
    before = [t for t in times if s_start <= t.start and t.end <= q.start]
    dated = [t for t in before if not re.fullmatch(r"累计|共计|总计|先后", t.text)]
    cumulative = any(t.cumulative for t in before)
    phrase = dated[-1] if dated else (before[-1] if before else None)
    return phrase, cumulative


def _figure(text: str, index: int, draft: Draft, drafts: list[Draft],
            times: list[TimePhrase], published: date | None) -> Figure:
    q = draft.quantity
    c_start, c_end = _clause(text, q.start)
    if draft.subject_start is not None:
        c_start = min(c_start, draft.subject_start)
    s_start, s_end = _sentence(text, q.start)
    if text[s_end:s_end + 1] in ("。", "！", "？", "!", "?"):
        s_end += 1
    phrase, cumulative = _time_for(text, q, times)
    period = resolve(phrase.text, published) if phrase else (None, None)
    return Figure(
        index=index,
        metric=draft.metric,
        subject=draft.subject,
        value=q.value,
        value_max=q.value_max,
        unit=q.unit,
        value_yuan=q.value_yuan,
        approx=q.approx,
        part_of=draft.part_of,
        time_text=phrase.text if phrase else None,
        period_start=period[0],
        period_end=period[1],
        cumulative=cumulative,
        quote=text[c_start:c_end].strip(),
        sentence=text[s_start:s_end].strip(),
        surface=q.surface,
        char_start=q.start,
        char_end=q.end,
    )
