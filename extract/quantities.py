"""The quantity grammar: numbers with units and approximation words, found in running text.

A quantity needs a unit (a measure word, a currency, a percent sign): that one rule keeps
dates, years, clock times, phone numbers and page counters out. What remains is filtered by
context rules (ordinals, durations, slogans in quotes, idioms) listed as tables below.
"""

from __future__ import annotations

import re

from extract.numbers import (
    CN_DIGITS,
    NumeralError,
    is_bare_multiplier,
    normalize_digits,
    parse_number,
    trailing_multiplier,
)
from schemas import Quantity

# --- vocabulary ---------------------------------------------------------------------------

COUNT_UNITS = [
    "个百分点", "百分点", "人次", "户次", "场次", "家次", "次", "人", "名", "位", "户", "家",
    "个", "所", "项", "场", "期", "章", "条", "支", "处", "座", "间", "张", "床", "件", "份",
    "批", "套", "台", "辆", "班", "节", "课时", "学时", "万平方米", "平方米", "亩", "公里", "吨",
    "倍", "单", "对", "小时",
]
MONEY_UNITS = ["元"]
UNIT_MULTIPLIERS = {"": 1, "千": 1_000, "万": 10_000, "百万": 1_000_000, "千万": 10_000_000,
                    "亿": 100_000_000}

APPROX_PREFIX = {
    "不少于": "at_least", "至少": "at_least", "超过": "at_least", "突破": "at_least",
    "逾": "at_least", "超": "at_least", "上": "at_least",
    "将近": "about", "接近": "about", "大约": "about", "约": "about", "近": "about",
    "不超过": "at_most", "不足": "at_most", "不到": "at_most", "未满": "at_most",
    "不高于": "at_most", "不多于": "at_most", "不低于": "at_least",
}
APPROX_INFIX = {"余": "at_least", "多": "at_least", "来": "about", "几": "at_least"}
APPROX_SUFFIX = {"以上": "at_least", "之多": "at_least", "左右": "about", "上下": "about",
                 "以下": "at_most", "以内": "at_most"}
CAP_BEFORE = re.compile(
    r"(?:最高|最多|上限为?|封顶)(?:可|可以|能|每[人户年月次]|一次性)?"
    r"(?:给予|补助|补贴|发放|救助|资助|奖励|享受|领取|获得|支付|报销)?(?:达到?|为|至|到)?"
    r"[ \t\u3000]*$"
)
"""A cap before a number (`最高可给予2万元`, `最多补贴500元`): the value is an upper bound."""
BOUND_BEFORE = re.compile(
    r"(?P<word>不低于|不少于|不高于|不超过|不多于)[^，。；：,;:！？\n\d]{1,14}的[ \t\u3000]*$"
)
"""A bound whose reference stands between it and the number (`不低于城市低保标准的1.3倍`)."""
CAP_AHEAD = re.compile(
    r"最高[^，。；：,;:！？\n\d最]{0,8}?(?:金额|额度|标准|限额|补助|补贴|救助|资助|奖励|给予|发放)"
    r"(?:达到?|为|是|可达|至)?[ \t\u3000]*$"
)
"""A cap naming what it caps before the number (`单次最高救助金额达2万元`)."""
SEVERAL = {"数": "at_least", "几": "at_least"}
"""`数千名`, `几百人`: an indefinite count, kept as at least its place value."""
SEVERAL_BLOCKERS = "人总次户个基岁件项场家名位分指倍参函系"
"""`数` closing a noun (`人数十万`) is no `several`."""
PREFIX_BLOCKERS = {"近": "附最临靠邻亲贴", "约": "签预履节制公特邀相", "超": "赶",
                   "上": "线网马加向晚会础以路"}
"""A one-character approximation word is part of a word when preceded by these (`签约`)."""
BARE_PREFIX_ONLY = {"上"}
"""`上` is an approximation only before a bare place word (`上万`, `上千`)."""

UNIT_WORD_BLOCKERS = {
    "场": "所地景馆", "所": "有在属以谓需", "家": "庭长属乡园", "位": "于置", "期": "间待望盼",
    "名": "称单义额字", "单": "位独元一项亲身纯据价品次列体", "次": "年日", "项": "目", "人": "员民口才格", "件": "事",
    "个": "月人性体案例", "间": "断隙", "条": "件例", "节": "日点约", "台": "阶",
    "处": "理置于", "班": "子级", "座": "谈",
    "对": "象待于口照比话接应外内此其该这每一二两三四五六七八九十0123456789",
}
"""Characters that turn a unit into the first half of a word (`场所`, `家庭`, `3个月`)."""
DURATION_AFTER = ("月", "多月", "小时", "工作日", "星期", "季度", "年头", "学期")
DURATION_UNITS = {"小时"}
"""Units of time: a figure only as a reported volume (`服务时长约46万小时`), never as a span
(`24小时热线`, `3个工作日`)."""
VOLUME_BEFORE = re.compile(
    r"(?:时长|时数|工时|总时长|服务时间)(?:累计|共计|合计|总计)?(?:已经?)?"
    r"(?:达到?|为|是|超过|突破|逾|约|近)?[ \t\u3000]*$"
)
"""The noun of a reported volume of time, right before the number."""
NAMED_NUMERALS = ("两项补贴", "一老一小", "两不愁三保障", "三留守", "一站式", "一对一", "一人一档",
                  "一户一策", "一人一策", "一户一档", "三社联动", "五社联动", "十四五", "十五五")
"""Names of schemes and slogans that contain numerals (`残疾人两项补贴` is the name of the
subsidy pair for disabled people): used nationwide, so a table, not a rule per text."""
NAMED_RE = re.compile("|".join(r"\s*".join(map(re.escape, name)) for name in NAMED_NUMERALS))
"""A name may be broken across lines of a copied page."""
ORDINAL_BEFORE = ("第", "排名", "位列", "位居", "名列", "排名前")
STREAK_BEFORE = ("连续", "连年", "每隔")
FURNITURE_LABEL = re.compile(
    r"(?:浏览量?|阅读量?|点击量?|访问量|字号|编号|电话|邮编|责任编辑|来源)[:：\s]*$"
)
QUOTE_PAIRS = {"“": "”", "\"": "\"", "《": "》", "「": "」", "『": "』", "‘": "’"}
SLOGAN_MAX = 12
"""A numeral inside a quotation this short is a name or slogan (`“五社联动”`, `“四个覆盖”`)."""

PER_UNIT = r"(?:人次|人|户|床|张|名|平方米|亩|次|月|年|天|日|小时)"
PER_PERIOD = r"(?:月|年|天|日|次|小时)"
"""Compound units: `元/人·月`, `元/年`, `元/床`; the part after `/` is kept in the unit."""

RANGE_PAIRS = re.compile(r"^(?:一二|两三|二三|三四|四五|五六|六七|七八|八九)")

# --- grammar -------------------------------------------------------------------------------

_AR = r"\d+(?:,\d{3})*(?:\.\d+)?"
_CN = r"[〇零一二两三四五六七八九十百千万亿]+"
_NUM = rf"(?:{_AR}(?:[十百千]?[万亿])?|{_AR}[十百千]|{_CN})"
_SP = r"[ \t\u3000]*"


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_UNIT = _alt(COUNT_UNITS + MONEY_UNITS)
QUANTITY_RE = re.compile(
    rf"(?P<pre>{_alt(APPROX_PREFIX)})?{_SP}"
    rf"(?P<several>[{''.join(SEVERAL)}](?=[十百千万]))?"
    rf"(?P<num>{_NUM})"
    rf"(?:{_SP}(?P<u1>{_UNIT})?{_SP}(?:-|—|–|~|～|至|到){_SP}(?P<num2>{_NUM}))?"
    rf"{_SP}(?P<mid>[余多来几])?(?P<mult>千万|百万|[千万亿])?(?P<mid2>[余多])?{_SP}"
    rf"(?P<unit>{_UNIT})"
    rf"(?P<per>/{_SP}{PER_UNIT}(?:[·・•/]{PER_PERIOD})?)?"
    rf"(?P<post>{_SP}(?:{_alt(APPROX_SUFFIX)}))?"
)
PERCENT_RE = re.compile(
    rf"(?P<pre>{_alt(APPROX_PREFIX)})?{_SP}"
    rf"(?:(?P<num>{_AR}){_SP}(?:%{_SP})?(?:(?:-|—|–|~|～|至|到){_SP}(?P<num2>{_AR}){_SP})?%"
    rf"|百分之(?P<cnnum>{_CN}|{_AR})(?:(?:-|至|到)(?:百分之)?(?P<cnnum2>{_CN}|{_AR}))?"
    rf"|(?P<tenth>[一二两三四五六七八九十])成)"
    rf"(?P<post>{_SP}(?:{_alt(APPROX_SUFFIX)}))?"
)


def find_quantities(text: str) -> list[Quantity]:
    """Every quantity in `text`, in text order, with offsets into `text`."""
    norm = normalize_digits(text)
    found: list[Quantity] = []
    taken: list[tuple[int, int]] = _named_spans(norm)
    for pattern, build in ((PERCENT_RE, _percent), (QUANTITY_RE, _count)):
        for match in pattern.finditer(norm):
            quantity = build(norm, match)
            if quantity is None:
                continue
            if any(s < quantity.end and quantity.start < e for s, e in taken):
                continue
            taken.append((quantity.start, quantity.end))
            found.append(quantity.model_copy(update={"surface": text[quantity.start:quantity.end]}))
    return sorted(found, key=lambda q: q.start)


def _named_spans(text: str) -> list[tuple[int, int]]:
    """Where names containing numerals stand: no quantity may overlap them."""
    return [(m.start(), m.end()) for m in NAMED_RE.finditer(text)]


# --- building quantities --------------------------------------------------------------------


def _approx(text: str, match: re.Match[str], num_start: int) -> tuple[str, int]:
    """The approximation of a match and where it starts (at the prefix if it is a marker)."""
    approx = "exact"
    start = num_start
    pre = match.group("pre")
    if pre:
        before = text[match.start("pre") - 1] if match.start("pre") > 0 else ""
        blocked = len(pre) == 1 and before and before in PREFIX_BLOCKERS.get(pre, "")
        bare_only = pre in BARE_PREFIX_ONLY and not is_bare_multiplier(match.group("num"))
        if not (blocked or bare_only):
            approx = APPROX_PREFIX[pre]
            start = match.start("pre")
    several = match.groupdict().get("several")
    if several and not (
        match.start("several") > 0 and text[match.start("several") - 1] in SEVERAL_BLOCKERS
    ):
        approx, start = SEVERAL[several], match.start("several")
    for group in ("mid", "mid2"):
        if match.groupdict().get(group):
            approx = APPROX_INFIX[match.group(group)]
    post = (match.group("post") or "").strip()
    if post:
        approx = APPROX_SUFFIX[post]
    window = text[max(0, start - 24):start]
    if approx == "exact" and (CAP_BEFORE.search(window[-14:]) or CAP_AHEAD.search(window)):
        approx = "at_most"
    bound = BOUND_BEFORE.search(window) if approx == "exact" else None
    if bound:
        approx = APPROX_PREFIX[bound.group("word")]
    return approx, start


def _rejected(text: str, start: int, end: int, num: str, prefixed: bool) -> bool:
    """Context rules: ordinals, streaks, furniture, slogans, idioms, formula names."""
    before = text[max(0, start - 6):start].rstrip(" \t\u3000")
    if before.endswith(ORDINAL_BEFORE) or before.endswith(STREAK_BEFORE):
        return True
    if FURNITURE_LABEL.search(text[max(0, start - 8):start]):
        return True
    if before[-1:] in ("+", ".", "/", ":", "：", "-") or re.match(r"[A-Za-z0-9]", before[-1:]):
        return True
    if text[end:end + 1] in ("+", "/") or re.match(r"[A-Za-z]", text[end:end + 1]):
        return True
    if not prefixed and (num == "一" or is_bare_multiplier(num)):
        return True
    return _in_short_quote(text, start, end)


def _in_short_quote(text: str, start: int, end: int) -> bool:
    for opening, closing in QUOTE_PAIRS.items():
        left = text.rfind(opening, max(0, start - SLOGAN_MAX), start)
        if left < 0 or (opening == closing and text.count(opening, 0, left) % 2):
            continue
        right = text.find(closing, end)
        if right >= 0 and right - left <= SLOGAN_MAX and closing not in text[left + 1:start]:
            return True
    return False


def _unit_is_word(text: str, match: re.Match[str]) -> bool:
    """The unit is the first character of a longer word, or counts time (`3个月`)."""
    unit = match.group("unit")
    after = text[match.end("unit"):]
    if unit in UNIT_WORD_BLOCKERS and after[:1] and after[0] in UNIT_WORD_BLOCKERS[unit]:
        return not (unit == "个" and after.startswith("人次"))
    if unit in ("个", "家", "位", "名", "项", "支") and after[:1] in CN_DIGITS:
        return True  # 三个一批, 四位一体
    return unit == "个" and after.startswith(DURATION_AFTER)


def _volume(text: str, start: int, num: str, mult: str) -> bool:
    """A number of hours is a figure when it is a reported total: its noun is a volume
    (`时长`), or it is counted in 万/亿, far beyond any span of time."""
    big = bool(mult) or trailing_multiplier(num)[1] > 1
    return big or bool(VOLUME_BEFORE.search(text, max(0, start - 12), start))


def _parse(num: str) -> tuple[float, float | None]:
    """Value (and upper bound for `两三千`-style pairs) of a numeral."""
    pair = RANGE_PAIRS.match(num)
    if pair:
        rest = num[2:]
        return parse_number(num[0] + rest), parse_number(num[1] + rest)
    return parse_number(num), None


def _count(text: str, match: re.Match[str]) -> Quantity | None:
    num, num2 = match.group("num"), match.group("num2")
    unit = match.group("unit")
    u1 = match.group("u1")
    if u1 and u1 != unit:
        return None
    approx, start = _approx(text, match, match.start("num"))
    prefixed = start < match.start("num") or match.group("mid") is not None
    if _rejected(text, start, match.end(), num, prefixed and approx != "exact"):
        return None
    if _unit_is_word(text, match):
        return None
    mult = match.group("mult") or ""
    if unit in DURATION_UNITS and not _volume(text, start, num, mult):
        return None
    try:
        if unit in MONEY_UNITS:
            value, value_max, unit, factor = _money(num, num2, mult, unit)
        else:
            value, value_max = _parse(num)
            if num2:
                value_max = parse_number(num2)
                _, m2 = trailing_multiplier(num2)
                _, m1 = trailing_multiplier(num)
                if m2 > 1 and m1 == 1 and value * m2 <= value_max:
                    value *= m2
            factor_mult = UNIT_MULTIPLIERS.get(mult, 1)
            value *= factor_mult
            value_max = value_max * factor_mult if value_max is not None else None
            factor = None
    except NumeralError:
        return None
    if value_max is not None and value_max <= value:
        value_max = None
    per = re.sub(r"\s", "", match.group("per") or "")
    return Quantity(
        value=_clean(value),
        value_max=_clean(value_max) if value_max is not None else None,
        unit=unit + per,
        approx=approx,
        value_yuan=_clean(value * factor) if factor else None,
        start=start,
        end=match.end(),
        surface=text[start:match.end()],
    )


def _money(num: str, num2: str | None, mult: str, unit: str):
    """Money keeps the unit as written (`万元`) and the value in that unit."""
    body, m1 = trailing_multiplier(num)
    if mult:
        scale = mult
        value = parse_number(num)
    elif m1 > 1:
        scale = num[-1]
        value = parse_number(body)
    else:
        scale = ""
        value = parse_number(num)
    value_max = None
    if num2:
        body2, m2 = trailing_multiplier(num2)
        value_max = parse_number(body2) if (m2 > 1 and not mult) else parse_number(num2)
        if m2 > 1 and not mult and not scale:
            scale = num2[-1]
        elif m1 > 1 and m2 == 1 and not mult:
            value_max = parse_number(num2) / m1
    written = scale + unit
    return value, value_max, written, UNIT_MULTIPLIERS[scale]


def _percent(text: str, match: re.Match[str]) -> Quantity | None:
    num_start = match.start()
    if match.group("pre"):
        rest = text[match.end("pre"):]
        num_start = match.end("pre") + len(rest) - len(rest.lstrip(" \t\u3000"))
    approx, start = _approx(text, match, num_start)
    if _rejected(text, start, match.end(), "", False):
        return None
    try:
        if match.group("tenth"):
            if text[match.start("tenth") - 1:match.start("tenth")] in CN_DIGITS:
                return None
            value, value_max = parse_number(match.group("tenth")) * 10, None
        elif match.group("cnnum"):
            value = parse_number(match.group("cnnum"))
            value_max = parse_number(match.group("cnnum2")) if match.group("cnnum2") else None
        else:
            value = parse_number(match.group("num"))
            value_max = parse_number(match.group("num2")) if match.group("num2") else None
    except NumeralError:
        return None
    return Quantity(
        value=_clean(value),
        value_max=_clean(value_max) if value_max is not None else None,
        unit="%",
        approx=approx,
        start=start,
        end=match.end(),
        surface=text[start:match.end()],
    )


def _clean(value: float) -> float:
    """Round away float noise from decimal multiplication (`2.11万` -> 21100.0)."""
    return round(value, 6)
