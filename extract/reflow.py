"""Stage 2: the physical lines of a text page become paragraph blocks.

Text copied out of a newspaper PDF breaks every column-width (11-15 characters), puts blank
lines inside paragraphs, splits numbers from their units and words across lines, and puts
spaces around numbers. `reflow` joins the lines back into paragraphs without inventing or
losing a character (only spaces and line breaks go), and gives every block a first-guess
kind (headline, section, body, caption, source, byline, dateline, noise) that
`extract.segment` refines.

The evidence for a paragraph break is, in order: a source line, a caption, an indented
line, a numbered clause after a colon, a line that stands alone whatever follows (page and
post furniture, header and footer fields, a title over its dateline, a notice's fields and
signature), a heading (a short unpunctuated line, or a `地名：` headline), and a sentence end
at a line end. Splitting at a sentence end is harmless; joining in the middle of a sentence is
not, so a line that does not end a sentence is never the end of a body paragraph.
"""

from __future__ import annotations

import itertools
import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from statistics import median

from extract.read import HEADER_FIELD_SEP
from schemas import Block, BlockKind, Page

SENTENCE_END = re.compile(r"[。！？；…!?;][”’」』）)》\"']*$")
CLOSERS = "”’」』）)》"
OPENERS = {"“": "”", "‘": "’", "「": "」", "『": "』", "（": "）", "(": ")", "《": "》"}
BODY_PUNCT = set("，。；！？、,;!?：:…")
"""Punctuation that marks running text; a heading line has none of it."""
RUNNING_PUNCT = set("，。；、,;")

SOURCE_LINE = re.compile(
    r"^[（(]\s*(?:据|来源\s*[：:]|稿件来源\s*[：:]|信息来源\s*[：:]|转自|摘自|转载自)"
    r"\s*(?P<outlet>[^（）()]{1,40}?)\s*[）)]$"
)
SOURCE_START = re.compile(r"^[（(]\s*(?:据|来源\s*[：:]|稿件来源|信息来源|转自|摘自|转载自)")
INLINE_SOURCE = re.compile(
    r"^(?P<body>.*[。！？…”’」）)])\s*(?P<source>[（(]\s*(?:据|来源\s*[：:])[^（）()]{1,40}[）)])$"
)
CAPTION_END = re.compile(
    r"[（(]\s*(?:图片来源|图片由|图源|图片|摄影|供图|图\s*[/／:：]|图文)[^（）()]*[）)]$"
    r"|[（(][^（）()]{1,24}\s*(?:摄|供图|/摄)[）)]$"
)
CAPTION_START = re.compile(r"^(?:图为|图：|图片：|▲|△)")
BYLINE = re.compile(r"^[（(]?\s*(?:本报记者|记者|通讯员|文/|文／|作者[：:])[^。；]{0,30}[）)]?$")
DATE_TEXT = (
    r"(?:(?:日期|发布时间|发布日期|时间)\s*[：:]\s*)?"
    r"(?:19|20)\d{2}\s*(?:年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|[-/.]\d{1,2}[-/.]\d{1,2})"
    r"(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?\s*(?:(?:星期|周)[一二三四五六日天])?"
)
DATELINE = re.compile(rf"^{DATE_TEXT}\s*$")
MONTH_LINE = re.compile(r"^(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月(?:份)?$")
"""A date line without a day (`2024年4月`), as under a statistical bulletin's title."""
DATE_FULL = re.compile(r"(?:19|20)\d{2}\s*(?:年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|[-/.]\d{1,2}[-/.]\d{1,2})")
DATE_SEARCH = re.compile(r"(?:19|20)\d{2}\s*(?:年\s*\d{1,2}\s*月|[-/.]\d{1,2}[-/.]\d{1,2})")
PAGE_NUMBER = r"第\s*[A-Z]?\s*[\d一二三四五六七八九十]+\s*版"
PAGE_HEADER = re.compile(rf"^(?:{DATE_TEXT}\s*)?[^。，；！？：:]{{0,16}}?{PAGE_NUMBER}[^。，；！？]{{0,24}}$")
"""A newspaper page header or footer (`2024年3月8日 星期五 第3版`, `民政·社会 第 5 版`):
furniture, kept as noise."""
FIELD_SEP = r"[：:｜|丨]"
META_LINE = re.compile(
    r"^(?:发布时间|发布日期|日期|时间|(?:信息|稿件|文章|新闻)?来源|作者|编辑|责任编辑|浏览量?|阅读量?|点击量?|字号)"
    rf"\s*{FIELD_SEP}?\s*[^。，；！？]*$"
)
"""A web page's header line: `发布时间：2024-04-02 10:15　来源：长春日报　浏览量 987`."""
META_LABELS = re.compile(r"发布时间|发布日期|日期|来源|作者|编辑|浏览|阅读|点击")
SOLE_FIELD = re.compile(rf"^(?:(?:信息|稿件|文章|新闻)?来源|作者|文|撰稿|供稿|发布时间|发布日期|日期)\s*{FIELD_SEP}\s*\S")
"""One labelled field alone on its line (`来源｜吉首市民政局`, `作者：张三`)."""
SOURCE_FIELD = re.compile(rf"^(?:信息|稿件|文章|新闻)?来源\s*{FIELD_SEP}")
"""An unbracketed source field; after an article's text it is the article's source line."""
STAFF_CREDIT = re.compile(
    r"^(?:责任编辑|责编|值班编辑|版面编辑|本版编辑|本版责编|见习编辑|实习编辑|美术编辑|美编|编辑|审核|审校|校对|"
    r"初审|二审|三审|复审|终审|监制|出品人?|排版|组版|版式(?:设计)?|制作|策划|统筹|主编|总编辑|签发|编审|视觉|设计)"
    rf"\s*{FIELD_SEP}"
)
"""Editorial staff credits (`编辑｜彭丽`, `责任编辑：刘畅　美编：王蕾`): furniture, not article text."""
ENGAGEMENT = re.compile(
    r"^(?:(?:阅读|浏览|点赞|在看|分享|收藏|评论|转发|赞|喜欢|阅读原文|点击蓝字关注我们?|关注我们|长按识别二维码)"
    r"(?:量|数|次数)?\s*[：:]?\s*(?:\d[\d.,]*\s*[万千wWkK]?\+?)?[\s\u3000]*)+$"
)
"""A web post's counters and buttons (`阅读 1.2万　点赞 356　在看 28`, `阅读原文`)."""
WEB_CONTROLS = frozenset(
    {
        "字体", "字号", "大", "中", "小", "默认", "放大", "缩小", "打印", "打印本页", "打印此页", "打印文章", "关闭",
        "关闭窗口", "关闭本页", "收藏", "收藏本页", "加入收藏", "返回", "返回顶部", "返回首页", "返回列表", "纠错",
        "我要纠错", "分享", "分享到", "扫一扫", "扫一扫在手机打开当前页", "微信", "微博", "QQ空间", "QQ", "朋友圈",
        "复制链接", "手机版", "保存", "推荐", "顶部",
    }
)
"""The controls of a web page around an article (`【字体：大 中 小】`, `【打印本页】【关闭窗口】`,
`分享到：微信 微博`): a line made only of these is page furniture."""
CONTROL_SPLIT = re.compile(r"[\s\u3000【】\[\]〔〕()（）：:｜|丨/·•]+")
BREADCRUMB = re.compile(
    r"^(?:(?:当前位置|您的位置|你的位置|您现在的位置|所在位置)\s*[：:]\s*[^。，；！？]{1,60}"
    r"|[^。，；！？>＞»›\d%]{1,14}(?:\s*[>＞»›]+\s*[^。，；！？>＞»›\d%]{1,14}){1,6}\s*[>＞»›]?)$"
)
"""A web page's navigation trail (`首页 > 新闻中心 > 工作动态`, `当前位置：首页 - 民政要闻`)."""
SIBLING_LINK = re.compile(
    r"^(?:上一篇|下一篇|上一条|下一条|上一页|下一页|前一篇|后一篇|上篇|下篇|相关链接|相关阅读|相关新闻|推荐阅读|延伸阅读)"
    r"\s*(?:[：:]|$)"
)
"""A link to another page of the site (`上一篇：…`, `下一篇：…`): furniture, never a headline."""
DATED_CLOCK = re.compile(r"(?:日|\d)\s*\d{1,2}[:：]\d{2}(?:\D|$)")
DOC_NUMBER = re.compile(
    r"^[\u4e00-\u9fff]{1,12}\s*[〔［\[【(（]\s*(?:19|20)\d{2}\s*[〕］\]】)）]\s*第?\s*\d{1,4}\s*号$"
)
"""An official document number (`龙民〔2024〕36号`): the notice's issuing reference."""
FIELD_LABEL = (
    "联系人", "联系电话", "电话", "手机", "附件", "地址", "邮箱", "电子邮箱", "邮编", "传真", "网址", "提示", "备注",
    "说明", "时间", "地点", "日期", "来源", "作者", "编辑", "审核", "记者", "通讯员", "主办", "承办", "协办", "主题",
    "对象", "方式", "要求", "内容", "热线", "单位", "附注", "注意",
)
"""Labels of a notice's or post's fields: `联系人：` looks like `地名：` but names no place."""
FIELD_LINE = re.compile(rf"^[\u4e00-\u9fff]{{0,6}}(?:{'|'.join(FIELD_LABEL)})\s*[：:]\s*\S")
EDITORIAL_LABELS = ("编者按", "编者的话", "编后", "编后语", "导读", "阅读提示", "核心提示", "提要", "摘要", "开栏的话", "记者手记")
REPORTER = r"(?:本报|本刊|见习|实习|特约)?(?:记者|通讯员|实习生|作者)"
OPENER_LABEL = re.compile(
    rf"^(?:【\s*(?:{'|'.join(EDITORIAL_LABELS)})\s*】"
    rf"|[\u4e00-\u9fff\d]{{1,20}}[讯电]\s*[（(][^（）()]{{0,10}}{REPORTER}[^（）()]{{0,30}}[）)]"
    r"|本[报刊网台站][\u4e00-\u9fff]{0,6}讯)$"
)
"""A label alone on its line that opens the paragraph after it: `【编者按】`, `本报讯（记者 张三）`."""
DOCUMENT_TITLE = re.compile(
    r"^(?!根据|按照|依据|依照|对照|为|对|在|经|按)[^。，；！？]{2,40}关于[^。，；！？]{2,60}的"
    r"(?:通知|公告|通告|通报|决定|意见|办法|方案|批复|函|报告|公示|倡议书|实施细则|规定)$"
)
"""An official document's title (`XX局关于…的通知`): a headline however long. A sentence
quoting one (`根据省民政厅关于…的通知`) opens with a preposition."""
ADDRESSEE = re.compile(r"^(?:各|有关|相关|全体)[^。！？：:]{1,60}[：:]$")
"""A notice's salutation (`各乡镇（街道）民政办：`): the start of its text, not a `地名：` headline."""
CAPTION_MAX_CHARS = 80
"""A paragraph this short right before a photo credit is the picture's caption."""
SUBTITLE = re.compile(r"^(?:——|—|－－|--)\s*\S")
"""A headline's subtitle line (`——记湄潭县社工站站长王芳`)."""
PHOTO_CREDIT = re.compile(rf"^(?:{REPORTER})?\s*[\u4e00-\u9fff·\s]{{2,12}}?\s*[/／]?\s*摄$")
"""A photo credit alone on its line (`记者 张三 摄`): it belongs to the caption before it."""
CREDIT_END = re.compile(
    rf"(?<=[。！？”’）)])\s*(?:{REPORTER})\s*[\u4e00-\u9fff·]{{2,4}}(?:\s*[、\s]\s*[\u4e00-\u9fff·]{{2,4}})*\s*[/／]?\s*摄$"
)
"""A photo credit closing a picture's line (`……正在用餐。记者 符晓梅 摄`)."""
ORG_SUFFIXES = (
    "局", "厅", "委员会", "委", "办公室", "办", "政府", "中心", "协会", "联合会", "基金会", "部", "院", "所", "处", "科",
    "站", "会", "公司", "街道办事处", "服务社",
)
ENUMERATOR = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}[、.．]|第[一二三四五六七八九十]+[部分章节条])\s*"
)

PROVINCE_SHORT = (
    "北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江", "安徽", "福建", "江西",
    "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆", "四川", "贵州", "云南", "西藏", "陕西", "甘肃",
    "青海", "宁夏", "新疆", "香港", "澳门", "台湾",
)
PLACE_SUFFIXES = (*tuple("省市县区旗镇乡村州盟"), "街道", "社区", "新区", "自治州", "自治县")
SPEECH_ENDINGS = ("表示", "介绍", "说", "指出", "了解到", "强调", "认为", "称", "提到", "获悉")
HEADLINE_PREFIX = re.compile(r"^(?P<place>[\u4e00-\u9fff·]{2,12})\s*[：:]\s*(?P<rest>.*)$")

HEADING_MAX_CHARS = 40
HEADING_GROUP_MAX = 2
"""Section headings set in two short lines; a headline wraps at most once more."""
HEADLINE_LINES_MAX = 3
SHORT_MARGIN = 3.5
"""A heading line is narrower than the column by more than a paragraph indent (two hanzi)
plus the slack of punctuation squeezing."""
SHORT_RATIO = 0.8
WIDE_MARGIN = 2.0
"""A line this much wider than the column spans columns: a headline."""
WRAPPED_RATIO = 0.7
"""A headline line at least this share of the column wide may have wrapped onto the next."""
WINDOW = 8
MIN_WINDOW_LINES = 4


@dataclass
class Row:
    """One nonblank physical line with what reflow needs to know about it."""

    raw: str
    text: str
    indent: bool
    width: float
    ref: float = 0.0


def reflow(page: Page) -> list[Block]:
    """Join a text page's lines into blocks in reading order, each with a first-guess kind."""
    rows = make_rows([line.text for line in page.lines])
    blocks = [
        Block(kind=kind, text=text, page=page.number, order=order)
        for order, (kind, text) in enumerate(build_blocks(rows))
    ]
    return blocks


def make_rows(lines: list[str]) -> list[Row]:
    """Nonblank lines with their visual width and the local column width around them."""
    rows = [
        Row(raw=line, text=line.strip(" \t\u3000"), indent=is_indented(line), width=visual_width(line))
        for line in lines
        if line.strip(" \t\u3000")
    ]
    body_widths = [r.width for r in rows if looks_like_running_text(r.text)]
    overall = percentile(body_widths, 0.75) if body_widths else max((r.width for r in rows), default=0)
    for i, row in enumerate(rows):
        near = [
            r.width
            for r in rows[max(0, i - WINDOW) : i + WINDOW + 1]
            if r is not row and looks_like_running_text(r.text)
        ]
        row.ref = percentile(near, 0.75) if len(near) >= MIN_WINDOW_LINES else overall
    return rows


def build_blocks(rows: list[Row]) -> list[tuple[BlockKind, str]]:
    """Walk the rows once, closing a paragraph whenever the evidence says it ends."""
    out: list[tuple[BlockKind, str]] = []
    para: list[Row] = []

    def flush() -> None:
        if para:
            text = join_lines([r.raw for r in para])
            out.append((paragraph_kind(text), text))
            para.clear()

    i = 0
    while i < len(rows):
        row = rows[i]
        text = row.text
        if para and closes_open_quote(join_lines([r.raw for r in para]), text):
            para.append(row)
            i += 1
            if ends_paragraph(para, rows, i):
                flush()
            continue
        if is_noise(text) and not (para and continues_text(text)):
            flush()
            out.append((BlockKind.noise, text))
            i += 1
            continue
        if SOURCE_START.match(text):
            used, source = take_bracketed(rows, i)
            if SOURCE_LINE.match(source):
                flush()
                out.append((BlockKind.source, source))
                i += used
                continue
        opener_only = len(para) == 1 and OPENER_LABEL.match(para[0].text)
        if para and not opener_only and (row.indent or opens_list_item(para, text) or PHOTO_CREDIT.match(text)):
            flush()
        if not para:
            used, kind, found = match_standalone(rows, i, out)
            if used:
                attach_standalone(out, kind, found)
                i += used
                continue
            if OPENER_LABEL.match(text):
                para.append(row)
                i += 1
                continue
            used, kind, heading = match_heading(rows, i)
            if used:
                out.append((kind, heading))
                i += used
                continue
        para.append(row)
        i += 1
        joined = join_lines([r.raw for r in para])
        inline = INLINE_SOURCE.match(joined)
        if inline and SOURCE_LINE.match(inline["source"]):
            para.clear()
            out.append((paragraph_kind(inline["body"]), inline["body"]))
            out.append((BlockKind.source, tidy_spaces(inline["source"])))
        elif ends_paragraph(para, rows, i):
            flush()
    flush()
    return out


def match_standalone(rows: list[Row], i: int, out: list[tuple[BlockKind, str]]) -> tuple[int, BlockKind, str]:
    """A line that is a block by itself whatever follows: furniture, a header or footer field,
    a title over its dateline, a notice's field or signature. (rows used, kind, text) or (0, …).
    """
    text = rows[i].text
    tidy = tidy_spaces(text)
    if PAGE_HEADER.match(text) or STAFF_CREDIT.match(text) or ENGAGEMENT.match(text) or is_web_furniture(text):
        return 1, BlockKind.noise, tidy
    if SOURCE_FIELD.match(text) and not SENTENCE_END.search(text) and follows_text(out):
        return 1, BlockKind.source, tidy
    if PHOTO_CREDIT.match(text):
        return 1, BlockKind.caption, tidy
    if is_header_line(text):
        return 1, header_kind(text), tidy
    if DOCUMENT_TITLE.match(text) and balanced(text):
        return 1, BlockKind.headline, tidy_spaces(text)
    if SUBTITLE.match(text) and out and out[-1][0] in (BlockKind.headline, BlockKind.section):
        return 1, BlockKind.body, tidy
    if is_signature(rows, i):
        return 1, (BlockKind.body if follows_text(out) else BlockKind.byline), tidy
    if is_title_text(text) and opens_title_block(rows, i + 1):
        return 1, BlockKind.headline, tidy_spaces(text)
    if FIELD_LINE.match(text) and not SENTENCE_END.search(text):
        return 1, BlockKind.body, tidy
    return 0, BlockKind.body, ""


def opens_title_block(rows: list[Row], i: int) -> bool:
    """Row `i` is what stands under a title: a header line (dateline, byline), a `——`
    subtitle, or an issuing body over a date."""
    if i >= len(rows):
        return False
    text = rows[i].text
    header = is_header_line(text) and "，" not in text
    return header or bool(SUBTITLE.match(text)) or is_signature(rows, i)


def attach_standalone(out: list[tuple[BlockKind, str]], kind: BlockKind, text: str) -> None:
    """Append a standalone block. A photo credit joins the caption before it (one space apart,
    none after a full stop); a `——` subtitle stays its own paragraph and makes the heading
    over it a headline."""
    previous = out[-1] if out else None
    if previous and kind == BlockKind.caption and PHOTO_CREDIT.match(text) and is_caption_text(*previous):
        out[-1] = (BlockKind.caption, join_credit(previous[1], text))
        return
    if previous and SUBTITLE.match(text) and previous[0] == BlockKind.section:
        out[-1] = (BlockKind.headline, previous[1])
    out.append((kind, text))


def join_credit(caption: str, credit: str) -> str:
    """A caption and its photo credit as one line would print them."""
    separator = "" if caption[-1:] in BODY_PUNCT or caption[-1:] in CLOSERS else " "
    return f"{caption}{separator}{credit}"


def is_caption_text(kind: BlockKind, text: str) -> bool:
    """A caption, or a short one-sentence paragraph that a photo credit shows to be one."""
    if kind == BlockKind.caption:
        return True
    sentences = [part for part in re.split(r"[。！？]", text) if part]
    return kind == BlockKind.body and visual_width(text) <= CAPTION_MAX_CHARS and len(sentences) == 1


def follows_text(out: list[tuple[BlockKind, str]]) -> bool:
    """The last block that is not page furniture or a header field is article text."""
    for kind, _ in reversed(out):
        if kind in (BlockKind.noise, BlockKind.byline, BlockKind.dateline):
            continue
        return kind in (BlockKind.body, BlockKind.section, BlockKind.lead, BlockKind.caption)
    return False


def opens_list_item(para: list[Row], text: str) -> bool:
    """A numbered line after a line ending in a colon starts a clause of the list announced."""
    return para[-1].text.endswith(("：", ":")) and bool(ENUMERATOR.match(text))


def is_date_line(text: str) -> bool:
    """A line that is a date alone, with or without its day."""
    return bool(DATELINE.match(text) or MONTH_LINE.match(text))


def is_header_line(text: str) -> bool:
    """A dateline, byline, labelled header field, web-post header or document number."""
    return bool(
        is_date_line(text)
        or BYLINE.match(text)
        or is_meta_line(text)
        or (SOLE_FIELD.match(text) and not SENTENCE_END.search(text))
        or is_web_header(text)
        or DOC_NUMBER.match(tidy_spaces(text))
    )


def header_kind(text: str) -> BlockKind:
    """Header fields that carry a date, and document numbers, are datelines; the rest bylines."""
    if is_date_line(text) or DOC_NUMBER.match(tidy_spaces(text)) or DATE_SEARCH.search(text):
        return BlockKind.dateline
    return BlockKind.byline


def is_web_header(text: str) -> bool:
    """A post's header: account, author, date and time as separate fields, no sentence
    (`原创　吉首民政　2024年06月03日 18:30 湖南`)."""
    if not DATE_FULL.search(text) or any(ch in RUNNING_PUNCT or ch in "！？" for ch in text):
        return False
    if visual_width(text) > HEADING_MAX_CHARS:
        return False
    return len(HEADER_FIELD_SEP.split(text.strip())) >= 2 or bool(DATED_CLOCK.search(text))


def is_title_text(text: str) -> bool:
    """A line that can be a title: no sentence end, not too long, balanced, not a caption,
    source or field (commas allowed: `六一前夕，吉首这群…`)."""
    if SENTENCE_END.search(text) or visual_width(text) > HEADING_MAX_CHARS or not balanced(text):
        return False
    if CAPTION_END.search(text) or CAPTION_START.match(text) or SOURCE_START.match(text):
        return False
    if is_furniture(text) or FIELD_LINE.match(text) or OPENER_LABEL.match(text):
        return False
    return sum(1 for ch in text if is_cjk(ch)) >= 4


def is_signature(rows: list[Row], i: int) -> bool:
    """An issuing body's name over a date line: a notice's signature (kept as text) or the
    issuer under a bulletin's title."""
    if i >= len(rows):
        return False
    text = rows[i].text
    if i + 1 >= len(rows) or not is_date_line(rows[i + 1].text):
        return False
    return (
        text.endswith(ORG_SUFFIXES)
        and visual_width(text) <= 30
        and not any(ch in BODY_PUNCT for ch in text)
    )


def is_furniture(text: str) -> bool:
    """Page headers, staff credits, counters and header fields: never a heading."""
    return bool(
        PAGE_HEADER.match(text)
        or STAFF_CREDIT.match(text)
        or ENGAGEMENT.match(text)
        or is_web_furniture(text)
        or is_header_line(text)
    )


def is_web_furniture(text: str) -> bool:
    """A web page's navigation trail, control buttons or links to neighbouring pages."""
    if BREADCRUMB.match(text) or SIBLING_LINK.match(text):
        return True
    tokens = [t for t in CONTROL_SPLIT.split(text) if t]
    return bool(tokens) and all(t in WEB_CONTROLS for t in tokens)


def ends_paragraph(para: list[Row], rows: list[Row], next_index: int) -> bool:
    """True when the paragraph so far ends at its last line.

    A sentence end at the line end closes it, unless the next line only closes a quote
    the paragraph left open. A caption's closing picture credit also closes it.
    """
    text = join_lines([r.raw for r in para])
    if CAPTION_END.search(text):
        return True
    if not SENTENCE_END.search(text):
        return False
    return not (next_index < len(rows) and closes_open_quote(text, rows[next_index].text))


def closes_open_quote(text: str, next_line: str) -> bool:
    """The next line starts with a closing mark that `text` left open."""
    if not next_line or next_line[0] not in CLOSERS:
        return False
    return any(
        closer == next_line[0] and text.count(opener) > text.count(closer)
        for opener, closer in OPENERS.items()
    )


def paragraph_kind(text: str) -> BlockKind:
    """First guess for a closed paragraph: caption, byline, dateline, noise or body."""
    if CAPTION_END.search(text) and not SENTENCE_END.search(text[: CAPTION_END.search(text).start()]):
        return BlockKind.caption
    if CAPTION_START.match(text):
        return BlockKind.caption
    credit = CREDIT_END.search(text)
    if credit and is_caption_text(BlockKind.body, text[: credit.start()]):
        return BlockKind.caption
    if DATELINE.match(text) or (is_meta_line(text) and DATE_SEARCH.search(text)):
        return BlockKind.dateline
    if is_meta_line(text):
        return BlockKind.byline
    if BYLINE.match(text):
        return BlockKind.byline
    if is_noise(text):
        return BlockKind.noise
    return BlockKind.body


def take_bracketed(rows: list[Row], i: int, max_lines: int = 3) -> tuple[int, str]:
    """Join lines from `i` until the bracket opened on line `i` closes (a wrapped source line)."""
    taken: list[str] = []
    for j in range(i, min(len(rows), i + max_lines)):
        taken.append(rows[j].raw)
        text = join_lines(taken)
        if text.count("（") + text.count("(") <= text.count("）") + text.count(")"):
            return j - i + 1, text
    return 1, join_lines(taken[:1])


# --- headings -------------------------------------------------------------------------


def match_heading(rows: list[Row], i: int) -> tuple[int, BlockKind, str]:
    """A headline or section heading starting at row `i`: (rows used, kind, text), or (0, …)."""
    used = match_place_headline(rows, i)
    if used:
        return used, BlockKind.headline, join_lines([r.raw for r in rows[i : i + used]])
    group = heading_group(rows, i)
    if not group:
        return 0, BlockKind.body, ""
    lines = rows[i : i + group]
    kind = BlockKind.headline if any(r.width > r.ref + WIDE_MARGIN for r in lines) else BlockKind.section
    return group, kind, join_heading(lines)


def match_place_headline(rows: list[Row], i: int) -> int:
    """Rows taken by a `地名：…` headline starting at `i` (with its wrapped continuation).

    A line ending in a colon always runs on; otherwise a headline wraps once at most, onto a
    shorter unpunctuated line that is not the first line of the body: it does not fill the
    column, or a heading follows it. A line wraps when it nearly fills the column, or at any
    width once the headline broke after its place (`湖南桃源：` / `…实现` / `“跨省通办”`: the
    breaks are designed). When exactly two heading lines follow, they are a two-line section
    heading; with one or three, the first is the headline's rest.

    A headline with a comma (`云南弥勒：“童”心护航，关爱` / `不缺位`) must end visibly short,
    or it is the first line of a paragraph opening with a place.
    """
    if is_place_headline(rows[i].text):
        comma = False
    elif is_place_headline(rows[i].text, allow_comma=True):
        comma = True
    else:
        return 0
    designed = rows[i].text.endswith(("：", ":"))
    used, wraps = 1, 0
    while i + used < len(rows) and used < HEADLINE_LINES_MAX:
        prev, row = rows[i + used - 1], rows[i + used]
        if is_place_headline(row.text) or SOURCE_START.match(row.text) or row.indent:
            break
        if prev.text.endswith(("：", ":", "——", "—")):
            used += 1
            continue
        wrapped = (designed or prev.width >= prev.ref * WRAPPED_RATIO) and not wraps
        if (
            wrapped
            and (designed or row.width < prev.width)
            and (row.width < row.ref - 0.5 or heading_follows(rows, i + used + 1))
            and is_heading_text(row.text)
            and heading_run(rows, i + used) != HEADING_GROUP_MAX
            and not continues_into_next(rows, i + used)
        ):
            used += 1
            wraps += 1
            continue
        break
    last = rows[i + used - 1]
    if comma and not (used > 1 or last.width <= last.ref - SHORT_MARGIN):
        return 0
    return used


def is_place_headline(text: str, allow_comma: bool = False) -> bool:
    """`宁夏永宁：乡镇社工站实现全覆盖`: a place name, a colon, and no running-text punctuation.

    With `allow_comma`, one comma may part the phrase (`云南弥勒：“童”心护航，关爱不缺位`)
    when the place is written as a province and a county, as news headlines name it.
    """
    match = HEADLINE_PREFIX.match(text)
    if not match or FIELD_LINE.match(text) or ADDRESSEE.match(text):
        return False
    place, rest = match["place"], match["rest"]
    if place.endswith(SPEECH_ENDINGS) or SENTENCE_END.search(rest) or CAPTION_END.search(rest):
        return False
    if allow_comma:
        commas = len(re.findall(r"[，,]", rest))
        headline_place = place.startswith(tuple(PROVINCE_SHORT)) and len(place) > 2
        if not headline_place or commas > 1 or re.search(r"[；;、]", rest) or rest.endswith(("，", ",")):
            return False
        return visual_width(text) <= HEADING_MAX_CHARS
    if re.search(r"[，,；;]", rest):
        return False
    return place.startswith(tuple(PROVINCE_SHORT)) or place.endswith(PLACE_SUFFIXES) or len(place) <= 6


def heading_group(rows: list[Row], i: int) -> int:
    """How many rows from `i` form a section heading (one to three short unpunctuated lines)."""
    size = 0
    while i + size < len(rows) and size < HEADING_GROUP_MAX and is_heading_row(rows[i + size]):
        if size and (is_place_headline(rows[i + size].text) or is_signature(rows, i + size)):
            break
        size += 1
    while size and continues_into_next(rows, i + size - 1):
        size -= 1
    return size


def heading_follows(rows: list[Row], i: int) -> bool:
    """Row `i` opens a two-line section heading or a new headline."""
    if i >= len(rows):
        return False
    return is_place_headline(rows[i].text) or heading_run(rows, i) == HEADING_GROUP_MAX


def heading_run(rows: list[Row], i: int, limit: int = 3) -> int:
    """How many heading-like rows follow one another from `i` (up to `limit`)."""
    count = 0
    while i + count < len(rows) and count < limit and is_heading_row(rows[i + count]):
        if is_place_headline(rows[i + count].text):
            break
        count += 1
    return count


def is_heading_row(row: Row) -> bool:
    """Short, or wider than the column (a headline), and no running-text punctuation."""
    if not is_heading_text(row.text):
        return False
    short = row.width <= min(row.ref - SHORT_MARGIN, row.ref * SHORT_RATIO) if row.ref else True
    return short or row.width > row.ref + WIDE_MARGIN or bool(ENUMERATOR.match(row.text))


def is_heading_text(text: str) -> bool:
    """No sentence punctuation, balanced brackets, some hanzi, not a caption or source."""
    body = ENUMERATOR.sub("", text, count=1)
    enumerated = body != text
    if not body or len(body) > HEADING_MAX_CHARS:
        return False
    if SENTENCE_END.search(body) or CAPTION_END.search(body) or SOURCE_START.match(body):
        return False
    if is_furniture(text) or OPENER_LABEL.match(text) or PHOTO_CREDIT.match(text) or CAPTION_START.match(text):
        return False
    if not enumerated and any(ch in BODY_PUNCT for ch in body):
        return False
    if enumerated and "。" in body:
        return False
    if not balanced(body):
        return False
    return sum(1 for ch in body if is_cjk(ch)) >= 2


def continues_into_next(rows: list[Row], i: int) -> bool:
    """Row `i` runs on into row `i + 1` as one text: a word straddles the line break."""
    if i + 1 >= len(rows):
        return False
    return straddles(rows[i].text, rows[i + 1].text)


def straddles(left: str, right: str) -> bool:
    """jieba cuts a word across the boundary between `left` and `right`."""
    a, b = left[-4:], right[:4]
    if not a or not b or not (is_cjk(a[-1]) and is_cjk(b[0])):
        return False
    pos = 0
    for word in segmenter().cut(a + b, HMM=False):
        if pos < len(a) < pos + len(word):
            return True
        pos += len(word)
    return False


@cache
def segmenter():
    """jieba, loaded once and quietly (it is only needed for ambiguous heading lines)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def join_heading(lines: list[Row]) -> str:
    """Join heading lines: a designed break (a short line) becomes one space, a wrap nothing."""
    text = tidy_spaces(lines[0].text)
    for prev, row in itertools.pairwise(lines):
        designed = prev.width < prev.ref - SHORT_MARGIN + 1 and not prev.text.endswith(("：", ":"))
        text += (" " if designed else "") + tidy_spaces(row.text)
    return text


# --- joining text -----------------------------------------------------------------------


ANY_SPACE = re.compile(r"\s")


def join_lines(lines: list[str]) -> str:
    """Join wrapped lines of one paragraph: no space for Chinese, digits or split words.

    Two Latin words meet with one space only when the copy kept whitespace at the break.
    Spaces that PDF copying puts around numbers and next to Chinese are removed. Lines
    without whitespace (most PDF lines) join as they stand.
    """
    joined = "".join(lines)
    if not ANY_SPACE.search(joined):
        return joined
    out = ""
    trailing_space = False
    for raw in lines:
        piece = raw.strip(" \t\u3000\n\r")
        if not piece:
            continue
        if out and is_latin(out[-1]) and is_latin(piece[0]) and (trailing_space or raw[:1].isspace()):
            out += " "
        out += piece
        trailing_space = raw[-1:].isspace()
    return tidy_spaces(out)


def is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


SPACE_RUN = re.compile(r"[ \t\u3000\u00a0]+")


def tidy_spaces(text: str) -> str:
    """Drop the spaces PDF copying and typesetting put into a line, keep the ones that part words.

    A space run becomes one space between two ASCII letters or digits (`Social Work`), and
    between two hanzi words (`记者 符晓梅 摄`, `强化阵地建设 夯实服务基础`). It goes next to a
    digit, a punctuation mark or a Latin letter (`持证社工 185 人`, `江苏泰兴： 社工站`), and
    between two single hanzi: that is letter-spacing (`社 会 工 作`, `字体：大 中 小`) or a
    two-character name padded to three (`通讯员 李 华`).
    """

    def keep(match: re.Match) -> str:
        before = text[match.start() - 1] if match.start() else ""
        after = text[match.end()] if match.end() < len(text) else ""
        if before.isascii() and before.isalnum() and after.isascii() and after.isalnum():
            return " "
        if is_cjk(before) and is_cjk(after):
            single_before = match.start() < 2 or not is_cjk(text[match.start() - 2])
            single_after = match.end() + 1 >= len(text) or not is_cjk(text[match.end() + 1])
            return "" if single_before and single_after else " "
        return ""

    return SPACE_RUN.sub(keep, text).strip()


# --- small predicates -------------------------------------------------------------------


def visual_width(text: str) -> float:
    """Width in hanzi: ASCII counts half, spaces nothing."""
    return sum(0.5 if ch.isascii() else 1.0 for ch in text if not ch.isspace())


def is_indented(line: str) -> bool:
    """A paragraph indent: a full-width space or at least two spaces before the text."""
    return line.startswith("\u3000") or line.startswith(("  ", "\t"))


def looks_like_running_text(text: str) -> bool:
    """A line of a paragraph: commas or stops inside it (headlines and sources have none)."""
    return any(ch in RUNNING_PUNCT for ch in text[:-1])


def is_noise(text: str) -> bool:
    """A scrap of punctuation or symbols alone (`”`, `■`), left over from the layout."""
    stripped = text.strip()
    return bool(stripped) and len(stripped) <= 3 and all(
        unicodedata.category(ch)[0] in "PS" for ch in stripped
    )


CONTINUERS = "%‰。，、；：！？）)》」』…"
"""Marks that cannot start a paragraph: a scrap starting with one ends the open one (`100` / `%。`)."""


def continues_text(text: str) -> bool:
    return text.strip()[:1] in tuple(CONTINUERS)


def is_meta_line(text: str) -> bool:
    """A header of labelled fields (publish time, source, views), not a sentence."""
    return bool(META_LINE.match(text)) and (
        len(META_LABELS.findall(text)) >= 2 or bool(DATE_SEARCH.search(text))
    )


def is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def balanced(text: str) -> bool:
    return all(text.count(o) == text.count(c) for o, c in OPENERS.items() if o != c)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if len(ordered) > 2 else median(ordered)
