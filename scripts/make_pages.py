"""Render bulletin articles into newspaper-page PDFs with the articles each page must yield.

Pages share a baseline grid across columns, have a header above a rule and a footer below
one, headlines spanning several columns, boxed leads, a grey photo with its caption under
it, section headings, source lines, an inverted-L article, and everything drawn in shuffled
order. Each layout is rendered with the built-in `STSong-Light` CID font and with embedded
TrueType fonts from Debian's fonts-wqy-zenhei / fonts-arphic-uming.

    python scripts/make_pages.py [--source scripts/page_articles.json] [--out corpus/pdf] [--gold tests/gold/pages]

writes `<layout>_<font>.pdf` and `tests/gold/pages/<layout>_<font>.json` for every layout, and
`corpus_<layout>_<font>.pdf` pages set from the corpus bulletins (`corpus/*.txt`, read by the
project's own text path: reader, reflow, segment), whose expected articles name the corpus file
and article index each came from (`"from": ["05_shandong_yishui", 0]`).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PAGE_W, PAGE_H = 595.0, 842.0
MARGIN = 32.0
HEADER_H = 40.0
FOOTER_H = 30.0
TTF_FILES = {
    "WQYZenHei": "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "ARUMing": "/usr/share/fonts/truetype/arphic/uming.ttc",
}
OTF_FILES = {
    "NotoSansCJK": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    "NotoSansCJKBold": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 2),
}
"""CFF-outline (OpenType) CJK fonts from Debian's fonts-noto-cjk, face 2 = Simplified Chinese:
set with fpdf2, whose output pdfminer cannot read (the regression case of the PDF reader)."""
FONT_KINDS = {
    "cid": {"body": "STSong-Light", "head": "STSong-Light", "fake_bold": True},
    "ttf": {"body": "ARUMing", "head": "WQYZenHei", "fake_bold": False},
    "otf": {"body": "NotoSansCJK", "head": "NotoSansCJKBold", "fake_bold": False},
}
ISSUE_DATE = date(2024, 5, 20)
"""The header date of pages whose articles carry no date of their own."""
WEEKDAYS = "一二三四五六日"
NO_LINE_START = set("，。、；：？！）”』」》〉%")

LAYOUTS = {
    "cols3": {"columns": 3, "gutter": 12.0, "body": 9.5,
              "plan": [("span", 0, 3, 0, True, True), ("span", 0, 2, 1, False, False),
                       ("span", 2, 3, 2, False, False)]},
    "cols4": {"columns": 4, "gutter": 8.0, "body": 9.0,
              "plan": [("ell", 0, 3, 3, False, False), ("span", 0, 2, 0, True, True),
                       ("span", 3, 4, 1, False, False), ("span", 3, 4, 2, False, False)]},
    "cols5": {"columns": 5, "gutter": 6.0, "body": 8.5,
              "plan": [("span", 0, 3, 0, True, True), ("span", 3, 5, 3, False, True),
                       ("span", 0, 5, 5, False, False), ("span", 0, 2, 4, False, False),
                       ("span", 2, 5, 1, False, False)]},
}
"""Placement plans in reading order: (kind, first column, end column, article index, photo,
boxed lead).
`ell` is an inverted-L article whose last column runs on below the next article."""

CORPUS_PAGES = {
    "corpus_cols3_cid": {
        "layout": {"columns": 3, "gutter": 10.0, "body": 9.0},
        "font": "cid",
        "articles": [("01_sichuan_huili", 0), ("08_province_unnamed", 0), ("22_page_qinghai_heilongjiang", 1)],
        "plan": [("span", 0, 3, 0, False, True), ("span", 0, 2, 1, False, False),
                 ("span", 2, 3, 2, True, False)],
    },
    "corpus_cols3_ttf": {
        "layout": {"columns": 3, "gutter": 12.0, "body": 9.5},
        "font": "ttf",
        "articles": [("09_gansu_province", 0), ("13_guizhou_meitan", 0)],
        "plan": [("ell", 0, 3, 0, False, False), ("span", 0, 2, 1, False, False)],
    },
    "corpus_cols4_cid": {
        "layout": {"columns": 4, "gutter": 8.0, "body": 8.5},
        "font": "cid",
        "articles": [("02_guangxi_tianyang_2023", 0), ("22_page_qinghai_heilongjiang", 1),
                     ("08_province_unnamed", 0)],
        "plan": [("ell", 0, 3, 0, False, False), ("span", 0, 2, 1, True, True),
                 ("span", 3, 4, 2, False, False)],
    },
    "corpus_cols4_ttf": {
        "layout": {"columns": 4, "gutter": 7.0, "body": 8.5},
        "font": "ttf",
        "articles": [("21_page_hubei_anhui_hebei", 1), ("13_guizhou_meitan", 0), ("16_sichuan_huili_2020", 0)],
        "plan": [("span", 0, 2, 0, True, False), ("span", 2, 4, 1, False, False),
                 ("span", 0, 4, 2, False, False)],
    },
    "corpus_cols5_cid": {
        "layout": {"columns": 5, "gutter": 6.0, "body": 8.0},
        "font": "cid",
        "articles": [("03_guangxi_tianyang_2024", 0), ("11_page_hunan_jiangxi_zhejiang", 1),
                     ("13_guizhou_meitan", 0)],
        "plan": [("span", 0, 3, 0, False, False), ("span", 3, 5, 1, False, False),
                 ("span", 0, 5, 2, False, False)],
    },
    "corpus_cols5_ttf": {
        "layout": {"columns": 5, "gutter": 6.0, "body": 8.0},
        "font": "ttf",
        "articles": [("11_page_hunan_jiangxi_zhejiang", 0), ("05_shandong_yishui", 0)],
        "plan": [("ell", 0, 4, 0, True, True), ("span", 0, 3, 1, False, False)],
    },
    "corpus_cols4_cid_glyphs": {
        # corpus_cols4_cid drawn glyph by glyph, shuffled, baselines jittered by ±0.3 pt
        "layout": {"columns": 4, "gutter": 8.0, "body": 8.5, "per_glyph": True, "jitter": 0.3},
        "font": "cid",
        "articles": [("02_guangxi_tianyang_2023", 0), ("22_page_qinghai_heilongjiang", 1),
                     ("08_province_unnamed", 0)],
        "plan": [("ell", 0, 3, 0, False, False), ("span", 0, 2, 1, True, True),
                 ("span", 3, 4, 2, False, False)],
    },
}
"""Pages set from corpus bulletins: layout, font kind, (corpus file, article index) list and a
placement plan over that list. Captions come from the copied-page files' articles. A page's
header prints its issue date (`issue_of`), so a page holds articles of one dated bulletin at
most, with undated ones: the figures then resolve relative times (`今年以来`, `截至目前`) to
the same dates from the page as from the text file's dateline."""


VARIETY_PAGES = {
    "var_bold_head": {
        "layout": {"columns": 3, "gutter": 12.0, "body": 9.5,
                   "plan": [("span", 0, 3, 0, False, True), ("span", 0, 2, 1, False, False),
                            ("span", 2, 3, 2, False, False)]},
        "decor": {i: {"head_size": 12.0} for i in range(3)},
    },
    "var_span2of4": {
        "layout": {"columns": 4, "gutter": 8.0, "body": 9.0,
                   "plan": [("span", 0, 2, 0, True, True), ("span", 2, 4, 1, False, False),
                            ("span", 2, 4, 2, False, False), ("span", 0, 4, 3, False, False)]},
        "decor": {},
    },
    "var_titles": {
        "layout": {"columns": 3, "gutter": 10.0, "body": 9.0,
                   "plan": [("span", 0, 3, 0, False, False), ("span", 0, 2, 3, False, False),
                            ("span", 2, 3, 5, False, False)]},
        "decor": {0: {"kicker": "扎根基层 服务民生", "subtitle": "——临夏市推进乡镇社工站建设纪实",
                      "byline": "本报记者 张三"},
                  3: {"byline": "本报通讯员 李四 王五"},
                  5: {"kicker": "关爱残疾人", "subtitle": "——正定县探索助残服务新模式"}},
    },
    "var_continued": {
        "layout": {"columns": 3, "gutter": 10.0, "body": 9.0,
                   "plan": [("span", 0, 1, 1, False, False), ("span", 1, 3, 0, False, False),
                            ("span", 0, 3, 2, False, False)]},
        "decor": {1: {"continued_from": "（上接第1版）", "source": None},
                  0: {"continues_to": "（下转第3版）", "source": None}},
    },
    "var_sidebar": {
        "layout": {"columns": 3, "gutter": 10.0, "body": 9.0,
                   "plan": [("span", 0, 3, 0, False, False), ("span", 0, 3, 3, False, False)]},
        "decor": {0: {"sidebar": {"title": "知识链接", "after": 2, "paragraphs": [
            "乡镇（街道）社工站是设在乡镇（街道）一级的社会工作服务平台，由民政部门统筹建设。",
            "社工站主要承担困难群众帮扶、特殊人群关爱和社区治理等服务。"]}}},
    },
    "var_ad": {
        "layout": {"columns": 4, "gutter": 8.0, "body": 9.0,
                   "plan": [("span", 0, 4, 1, False, False), ("span", 0, 2, 2, False, False),
                            ("span", 2, 4, 4, False, False), ("ad", 0, 4, 0, False, False)],
                   "ads": [[("诚信为本 服务万家", 24.0), ("居家养老上门服务 全天候响应", 15.0),
                            ("咨询电话：0871-6543210", 11.0)]]},
        "decor": {},
    },
    "var_loose": {
        "layout": {"columns": 5, "gutter": 6.0, "body": 8.5,
                   "plan": [("span", 0, 3, 1, False, False), ("span", 3, 5, 2, False, False),
                            ("span", 0, 5, 4, False, False)]},
        "decor": {i: {"loose": 0.72} for i in range(7)},
    },
    "var_two_sizes": {
        "layout": {"columns": 4, "gutter": 8.0, "body": 8.5,
                   "plan": [("span", 0, 4, 0, False, True), ("span", 0, 2, 1, False, False),
                            ("span", 2, 4, 2, False, False)]},
        "decor": {0: {"body_size": 10.5, "head_size": 22.0}},
    },
    "var_fpdf_otf": {
        "font": "otf",
        "dir": "tests/data/pdf",
        "layout": {"columns": 3, "gutter": 10.0, "body": 9.0,
                   "plan": [("span", 0, 3, 0, True, True), ("span", 0, 2, 1, False, False),
                            ("span", 2, 3, 2, False, False)]},
        "decor": {1: {"byline": "本报记者 张三"}},
    },
}
"""Pages for the phenomena of real pages that the base layouts lack, each over the invented
articles with some decorations (article index -> keys merged into that article): a bold headline
barely larger than the body, headlines side by side, kicker (引题) / subtitle (副题) / byline,
stories continued from and to other pages, a boxed sidebar, an advertisement box, loosely
justified columns, two body sizes, and a CFF-font page made with fpdf2 (`font: otf`; written to
`dir`, outside corpus/pdf, because pdfminer cannot read it and the speed benchmark's pdfplumber
row would time OCR)."""


def register_fonts() -> None:
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    for name, path in TTF_FILES.items():
        pdfmetrics.registerFont(TTFont(name, path, subfontIndex=0))


@cache
def _otf_metrics(font: str) -> tuple[dict, dict, int]:
    from fontTools.ttLib import TTFont as OpenTypeFont

    path, number = OTF_FILES[font]
    face = OpenTypeFont(path, fontNumber=number, lazy=True)
    return face.getBestCmap(), {k: v[0] for k, v in face["hmtx"].metrics.items()}, face["head"].unitsPerEm


def string_width(text: str, font: str, size: float) -> float:
    """Advance width of `text` in points, for reportlab fonts and the fpdf2 OpenType fonts."""
    if font not in OTF_FILES:
        return pdfmetrics.stringWidth(text, font, size)
    cmap, advances, units = _otf_metrics(font)
    return sum(advances.get(cmap.get(ord(ch), ".notdef"), units) for ch in text) * size / units


def wrap(text: str, font: str, size: float, width: float, indent: float = 0.0) -> list[str]:
    """Break text into lines of at most `width`; no closing punctuation starts a line."""
    lines, current, used = [], "", indent
    for ch in text:
        w = string_width(ch, font, size)
        if current and used + w > width + 0.01 and ch not in NO_LINE_START:
            lines.append(current)
            current, used = "", 0.0
        current += ch
        used += w
    if current:
        lines.append(current)
    return lines


@dataclass
class Row:
    """One grid row's worth of drawing: a text line, or a share of a photo."""

    text: str = ""
    font: str = ""
    size: float = 0.0
    indent: float = 0.0
    justify: bool = False
    align: str = "left"
    bold: bool = False
    photo: int = 0
    pad: float = 0.0
    frame: bool = False
    spread: float = 0.0
    """Extra character spacing in ems (loosely justified lines)."""


@dataclass
class PageState:
    columns: int
    gutter: float
    body: float
    fonts: dict
    ops: list = field(default_factory=list)
    per_glyph: bool = False
    """Draw every character as its own text object (typesetting systems that place glyphs
    one by one); with the page's shuffled drawing order they come in any order."""
    jitter: float = 0.0
    """Largest random shift of a per-glyph baseline, in points."""
    rng: random.Random = field(default_factory=lambda: random.Random(7))

    @property
    def leading(self) -> float:
        return round(self.body * 1.5, 2)

    @property
    def col_w(self) -> float:
        return (PAGE_W - 2 * MARGIN - (self.columns - 1) * self.gutter) / self.columns

    @property
    def rows(self) -> int:
        return int((PAGE_H - 2 * MARGIN - HEADER_H - FOOTER_H) // self.leading)

    def col_x(self, c: int) -> float:
        return MARGIN + c * (self.col_w + self.gutter)

    def row_top(self, r: int) -> float:
        """PDF y (from bottom) of the top of grid row `r`."""
        return PAGE_H - MARGIN - HEADER_H - r * self.leading

    def draw_text(self, x: float, r: int, row: Row, width: float) -> None:
        base = self.row_top(r) - self.leading + (self.leading - row.size) / 2 + row.size * 0.12
        x, width = x + row.pad, width - 2 * row.pad
        text_w = string_width(row.text, row.font, row.size)
        if row.align == "right":
            x = x + width - text_w
        elif row.align == "center":
            x = x + (width - text_w) / 2
        x += row.indent
        spacing = 0.0
        if len(row.text) > 1 and row.indent + text_w > width:
            spacing = (width - row.indent - text_w) / (len(row.text) - 1)
        if row.justify and len(row.text) > 1:
            spacing = (width - row.indent - text_w) / (len(row.text) - 1)
        if row.spread:
            spacing = row.spread * row.size
        fake_bold = row.bold and self.fonts["fake_bold"]
        if self.per_glyph:
            self.glyph_ops(x, base, row, spacing, fake_bold)
            return

        def op(c: canvas.Canvas, x=x, base=base, row=row, spacing=spacing, fake_bold=fake_bold):
            c.saveState()
            t = c.beginText(x, base)
            t.setFont(row.font, row.size)
            t.setCharSpace(spacing)
            if fake_bold:
                t.setTextRenderMode(2)
            t.textOut(row.text)
            c.drawText(t)
            c.restoreState()

        self.ops.append(op)

    def glyph_ops(self, x: float, base: float, row: Row, spacing: float, fake_bold: bool) -> None:
        """One drawing op per character at the place the line would put it, its baseline
        shifted by up to `jitter` points."""
        for ch in row.text:
            y = base + self.rng.uniform(-self.jitter, self.jitter)

            def op(c: canvas.Canvas, x=x, y=y, ch=ch, row=row, fake_bold=fake_bold):
                c.saveState()
                t = c.beginText(x, y)
                t.setFont(row.font, row.size)
                if fake_bold:
                    t.setTextRenderMode(2)
                t.textOut(ch)
                c.drawText(t)
                c.restoreState()

            self.ops.append(op)
            x += string_width(ch, row.font, row.size) + spacing


def paragraph_rows(text: str, state: PageState, width: float, size: float | None = None,
                   loose: float = 1.0, pad: float = 0.0, frame: bool = False) -> list[Row]:
    """A paragraph's rows, first line indented two characters, all but the last justified;
    `loose` < 1 breaks lines that much short of the width, so justification spreads them."""
    size = size or state.body
    font = state.fonts["body"]
    lines = wrap(text, font, size, (width - 2 * pad) * loose, indent=2 * size)
    rows = []
    for i, line in enumerate(lines):
        rows.append(Row(line, font, size, indent=2 * size if i == 0 else 0.0,
                        justify=i < len(lines) - 1, pad=pad, frame=frame))
    return rows


SIDEBAR_PAD = 6.0


def sidebar_item(sidebar: dict, state: PageState, width: float) -> list[Row]:
    """A boxed sidebar (`知识链接`) kept together: a bold centred title over smaller text."""
    size = state.body - 0.5
    rows = [Row(sidebar["title"], state.fonts["head"], state.body, align="center", bold=True,
                pad=SIDEBAR_PAD, frame=True)]
    for para in sidebar["paragraphs"]:
        rows += paragraph_rows(para, state, width, size=size, pad=SIDEBAR_PAD, frame=True)
    return rows


def article_items(article: dict, state: PageState, photo: bool) -> list[list[Row]]:
    """The article body as flowable items (a photo with its caption stays together)."""
    width = state.col_w
    items: list[list[Row]] = []
    if photo and article.get("caption"):
        cap_size = state.body - 1
        cap = [Row(t, state.fonts["body"], cap_size) for t in wrap(article["caption"], state.fonts["body"], cap_size, width)]
        items.append([Row(photo=1)] * 6 + cap)
    if article.get("continued_from"):
        items.append([Row(article["continued_from"], state.fonts["body"], state.body)])
    body = article.get("body_size") or state.body
    count = 0
    for section in article["sections"]:
        if section["heading"]:
            size = round(body * 1.2, 1)
            items.append([Row(t, state.fonts["head"], size, align="center", bold=True)
                          for t in wrap(section["heading"], state.fonts["head"], size, width)])
        for para in section["paragraphs"]:
            items.extend([[r] for r in paragraph_rows(para, state, width, body, article.get("loose", 1.0))])
            count += 1
            if article.get("sidebar") and count == article["sidebar"]["after"]:
                items.append(sidebar_item(article["sidebar"], state, width))
    if article.get("continues_to"):
        items.append([Row(article["continues_to"], state.fonts["body"], body, align="right")])
    if article.get("source"):
        items.append([Row(article["source"], state.fonts["body"], body, align="right")])
    return items


def place_heading(article: dict, state: PageState, c0: int, c1: int, r: int, boxed: bool) -> int:
    """Draw headline (and boxed lead) across columns c0..c1 from row r; return next free row."""
    x0 = state.col_x(c0)
    width = state.col_x(c1 - 1) + state.col_w - x0
    if article.get("continued_from"):
        return r
    titles = []
    if article.get("kicker"):
        titles.append((article["kicker"], state.fonts["body"], round(state.body * 1.35, 1), False))
    size = article.get("head_size") or min(20.0, max(14.0, state.body * 2))
    titles += [(text, state.fonts["head"], size, True)
               for text in wrap(article["headline"], state.fonts["head"], size, width)]
    if article.get("subtitle"):
        titles.append((article["subtitle"], state.fonts["body"], round(state.body * 1.35, 1), False))
    for text, font, title_size, bold in titles:
        per_line = math.ceil(title_size * (1.4 if title_size >= 14 else 1.0) / state.leading)
        r += per_line
        state.draw_text(x0, r - 1, Row(text, font, title_size, align="center", bold=bold), width)
    r += 1
    if article.get("byline"):
        state.draw_text(x0, r, Row(article["byline"], state.fonts["body"], state.body, align="center"), width)
        r += 2
    if boxed and article.get("lead"):
        lead_rows = paragraph_rows(article["lead"], state, width - 16, size=state.body + 0.5)
        top = state.row_top(r) - state.leading * 0.3
        height = (len(lead_rows) + 0.6) * state.leading
        state.ops.append(lambda c, top=top, height=height: c.rect(x0, top - height, width, height, stroke=1, fill=0))
        for i, row in enumerate(lead_rows):
            state.draw_text(x0 + 8, r + i, row, width - 16)
        r += len(lead_rows) + 1
    return r


def flow(items: list[list[Row]], state: PageState, cols: list[int], start: int, heights: list[int]) -> int:
    """Fill columns with items up to the given heights; return the lowest row used + 1."""
    col_i, r, used_max = 0, start, start
    for item in items:
        if r + len(item) > start + heights[col_i] and col_i + 1 < len(cols) and r > start:
            col_i, r = col_i + 1, start
        framed = [i for i, row in enumerate(item) if row.frame]
        if framed:
            x = state.col_x(cols[col_i])
            top = state.row_top(r + framed[0]) + 1
            h = len(framed) * state.leading + 2
            state.ops.append(lambda c, x=x, top=top, h=h: (
                c.setLineWidth(0.5), c.rect(x + 1, top - h, state.col_w - 2, h, stroke=1, fill=0)))
        photo_rows = [i for i, row in enumerate(item) if row.photo]
        if photo_rows:
            x = state.col_x(cols[col_i])
            top = state.row_top(r) - 2
            h = len(photo_rows) * state.leading - 4
            state.ops.append(lambda c, x=x, top=top, h=h: (
                c.setFillGray(0.6), c.rect(x, top - h, state.col_w, h, stroke=0, fill=1), c.setFillGray(0)))
        for i, row in enumerate(item):
            if not row.photo:
                state.draw_text(state.col_x(cols[col_i]), r + i, row, state.col_w)
        r += len(item)
        used_max = max(used_max, r)
    return used_max


def place_ad(lines: list[tuple[str, float]], state: PageState, c0: int, c1: int, r: int) -> int:
    """An advertisement: a frame across columns c0..c1 with large centred lines in it."""
    x0 = state.col_x(c0)
    width = state.col_x(c1 - 1) + state.col_w - x0
    start = r
    r += 1
    for text, size in lines:
        r += math.ceil(size * 1.3 / state.leading)
        state.draw_text(x0, r - 1, Row(text, state.fonts["head"], size, align="center", bold=size > state.body * 1.5), width)
    top, bottom = state.row_top(start), state.row_top(r + 1)
    state.ops.append(lambda c: (c.setLineWidth(1.5), c.rect(x0, bottom, width, top - bottom, stroke=1, fill=0)))
    return r + 2


def rule(state: PageState, c0: int, c1: int, r: int) -> None:
    x0, x1 = state.col_x(c0), state.col_x(c1 - 1) + state.col_w
    y = state.row_top(r) - state.leading / 2
    state.ops.append(lambda c: (c.setLineWidth(0.6), c.line(x0, y, x1, y)))


def render_page(articles: list[dict], layout: dict, font_kind: str, path: Path, seed: int) -> list[dict]:
    """Render one page and return the articles it shows, in reading order."""
    state = PageState(layout["columns"], layout["gutter"], layout["body"], FONT_KINDS[font_kind],
                      per_glyph=layout.get("per_glyph", False), jitter=layout.get("jitter", 0.0))
    next_row = [0] * state.columns
    shown: list[tuple[int, int, dict]] = []
    for kind, c0, c1, index, photo, boxed in layout["plan"]:
        r = max(next_row[c0:c1])
        if kind == "ad":
            next_row[c0:c1] = [place_ad(layout["ads"][index], state, c0, c1, r)] * (c1 - c0)
            continue
        article = articles[index % len(articles)]
        if r >= state.rows - 6:
            continue
        body_start = place_heading(article, state, c0, c1, r, boxed)
        if not boxed and article.get("lead"):
            article = {**article, "sections": [{"heading": None, "paragraphs": [article["lead"]]}, *article["sections"]],
                       "lead": None}
        items = article_items(article, state, photo)
        total = sum(len(i) for i in items)
        cols = list(range(c0, c1))
        if kind == "ell":
            short = max(6, math.ceil(total / (len(cols) + 1)))
            heights = [short] * (len(cols) - 1) + [state.rows]
        else:
            per = math.ceil(total / len(cols)) + 1
            heights = [per] * len(cols)
        end = flow(items, state, cols, body_start, heights)
        if end > state.rows:
            raise ValueError(f"{path.name}: article {index} overflows the page")
        if kind == "ell":
            for c in cols[:-1]:
                next_row[c] = body_start + heights[0] + 1
                rule(state, c, c + 1, body_start + heights[0])
            next_row[cols[-1]] = end + 1
        else:
            for c in cols:
                next_row[c] = end + 1
            rule(state, c0, c1, end)
        shown.append((r, c0, article))
    draw_page(state, path, seed, layout.get("issue") or ISSUE_DATE)
    return [expected_article(a, photo_has(layout, a, articles)) for _, _, a in shown]


def photo_has(layout: dict, article: dict, articles: list[dict]) -> bool:
    return any(photo and articles[i % len(articles)]["headline"] == article["headline"]
               for _, _, _, i, photo, _ in layout["plan"])


def expected_article(article: dict, photo: bool) -> dict:
    sidebar = article.get("sidebar") or {"title": None, "paragraphs": []}
    expected = {
        "headline": None if article.get("continued_from") else article["headline"],
        "lead": article.get("lead"),
        "sections": [s["heading"] for s in article["sections"] if s["heading"]]
        + ([sidebar["title"]] if sidebar["title"] else []),
        "paragraphs": [p for s in article["sections"] for p in s["paragraphs"]] + sidebar["paragraphs"],
        "caption": article.get("caption") if photo else None,
        "source": article["source"],
    }
    for key in ("kicker", "subtitle", "byline"):
        if article.get(key):
            expected[key] = article[key]
    if article.get("from"):
        expected["from"] = list(article["from"])
    return expected


def corpus_article(name: str, index: int, corpus: Path = ROOT / "corpus") -> dict:
    """Article `index` of `corpus/<name>.txt` as read by the project's text path, in the
    shape the page renderer takes: headline, lead, sections of paragraphs, caption, source.

    The dateline is left out: on a newspaper page the date is in the page header.
    """
    from extract.read import read_document
    from extract.reflow import reflow
    from extract.segment import segment

    document = read_document(corpus / f"{name}.txt")
    blocks = [b for page in document.pages for b in reflow(page)]
    article = segment(blocks)[index]
    out: dict = {"headline": article.headline, "lead": None, "sections": [], "caption": None,
                 "source": None, "from": [name, index]}
    for part in article.parts:
        text = article.text[part.start:part.end]
        if part.kind == "section" or (part.kind == "body" and not out["sections"]):
            out["sections"].append({"heading": text if part.kind == "section" else None, "paragraphs": []})
        if part.kind == "body":
            out["sections"][-1]["paragraphs"].append(text)
        elif part.kind in ("lead", "caption", "source"):
            out[part.kind] = text
    return out


class FpdfText:
    """The part of reportlab's text object the page ops use, recorded for `FpdfCanvas`."""

    def __init__(self, x: float, y: float) -> None:
        self.x, self.y, self.font, self.size, self.spacing, self.mode, self.text = x, y, "", 0.0, 0.0, 0, ""

    def setFont(self, font: str, size: float) -> None:
        self.font, self.size = font, size

    def setCharSpace(self, spacing: float) -> None:
        self.spacing = spacing

    def setTextRenderMode(self, mode: int) -> None:
        self.mode = mode

    def textOut(self, text: str) -> None:
        self.text += text


class FpdfCanvas:
    """The reportlab canvas calls the page ops make, drawn with fpdf2 (y measured from the
    bottom as in reportlab), so one layout code renders both libraries' PDFs."""

    def __init__(self, path: str, pagesize: tuple[float, float]) -> None:
        from fpdf import FPDF

        self.path, self.height = path, pagesize[1]
        self.pdf = FPDF(unit="pt", format=pagesize)
        self.pdf.set_auto_page_break(False)
        self.pdf.set_compression(True)
        for name, (font_path, number) in OTF_FILES.items():
            self.pdf.add_font(name, fname=font_path, collection_font_number=number)
        self.pdf.add_page()

    def setTitle(self, title: str) -> None:
        self.pdf.set_title(title)

    def saveState(self) -> None:
        pass

    def restoreState(self) -> None:
        pass

    def setFont(self, font: str, size: float) -> None:
        self.pdf.set_font(font, size=size)

    def setLineWidth(self, width: float) -> None:
        self.pdf.set_line_width(width)

    def setFillGray(self, gray: float) -> None:
        self.pdf.set_fill_color(round(gray * 255))

    def beginText(self, x: float, y: float) -> FpdfText:
        return FpdfText(x, y)

    def drawText(self, t: FpdfText) -> None:
        self.pdf.set_font(t.font, size=t.size)
        self.pdf.set_char_spacing(t.spacing)
        self.pdf.text(t.x, self.height - t.y, t.text)
        self.pdf.set_char_spacing(0)

    def drawString(self, x: float, y: float, text: str) -> None:
        self.pdf.text(x, self.height - y, text)

    def drawRightString(self, x: float, y: float, text: str) -> None:
        self.drawString(x - self.pdf.get_string_width(text), y, text)

    def line(self, x0: float, y0: float, x1: float, y1: float) -> None:
        self.pdf.line(x0, self.height - y0, x1, self.height - y1)

    def rect(self, x: float, y: float, w: float, h: float, stroke: int = 1, fill: int = 0) -> None:
        self.pdf.rect(x, self.height - y - h, w, h, style="DF" if stroke and fill else ("F" if fill else "D"))

    def showPage(self) -> None:
        pass

    def save(self) -> None:
        self.pdf.output(self.path)


def header_date(issue: date) -> str:
    """The page header's issue line: `2024年5月20日 星期一 第3版 社会工作`."""
    return f"{issue.year}年{issue.month}月{issue.day}日 星期{WEEKDAYS[issue.weekday()]} 第3版 社会工作"


def issue_of(files: list[str], corpus: Path = ROOT / "corpus") -> date | None:
    """A corpus page's issue date: the latest date of the bulletins set on it (their dateline
    or published date, read by the text path), None when none has one. Bulletins of
    different years never share a page: their relative times would resolve differently."""
    from extract.read import read_document

    dates = {d for d in (read_document(corpus / f"{f}.txt").published for f in files) if d}
    if len({d.year for d in dates}) > 1:
        raise ValueError(f"bulletins of different years on one page: {sorted(dates)}")
    return max(dates, default=None)


def draw_page(state: PageState, path: Path, seed: int, issue: date = ISSUE_DATE) -> None:
    if state.fonts["body"] in OTF_FILES:
        c = FpdfCanvas(str(path), pagesize=(PAGE_W, PAGE_H))
    else:
        c = canvas.Canvas(str(path), pagesize=(PAGE_W, PAGE_H), pageCompression=1)
    c.setTitle(path.stem)
    font = state.fonts["body"]
    c.setFont(font, 9)
    c.drawString(MARGIN, PAGE_H - MARGIN - 14, "民政周刊")
    c.drawRightString(PAGE_W - MARGIN, PAGE_H - MARGIN - 14, header_date(issue))
    c.setLineWidth(1.2)
    c.line(MARGIN, PAGE_H - MARGIN - 22, PAGE_W - MARGIN, PAGE_H - MARGIN - 22)
    c.line(MARGIN, MARGIN + FOOTER_H - 8, PAGE_W - MARGIN, MARGIN + FOOTER_H - 8)
    c.setFont(font, 8)
    c.drawString(MARGIN, MARGIN + 6, "责任编辑：王某某 电话：010-12345678")
    ops = list(state.ops)
    random.Random(seed).shuffle(ops)
    for op in ops:
        op(c)
    c.showPage()
    c.save()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=ROOT / "scripts/page_articles.json")
    parser.add_argument("--gold", type=Path, default=ROOT / "tests/gold/pages")
    parser.add_argument("--out", type=Path, default=ROOT / "corpus/pdf")
    parser.add_argument("--only", choices=["base", "corpus", "variety"], help="write one set of pages")
    parser.add_argument("--page", action="append", help="write only the corpus page(s) of this name")
    args = parser.parse_args()
    register_fonts()
    articles = json.loads(args.source.read_text(encoding="utf-8"))["articles"]
    args.out.mkdir(parents=True, exist_ok=True)
    args.gold.mkdir(parents=True, exist_ok=True)
    if args.only in (None, "variety"):
        for seed, (name, spec) in enumerate(VARIETY_PAGES.items(), start=100):
            decorated = [{**a, **spec["decor"].get(i, {})} for i, a in enumerate(articles)]
            out = ROOT / spec["dir"] if "dir" in spec else args.out
            out.mkdir(parents=True, exist_ok=True)
            write_page(decorated, spec["layout"], name, spec.get("font", "cid"), out / f"{name}.pdf", args.gold, seed)
    if args.only == "variety":
        return
    for seed, (name, layout) in enumerate(LAYOUTS.items()):
        for font_kind in ("cid", "ttf"):
            if args.only == "corpus":
                break
            write_page(articles, layout, name, font_kind, args.out / f"{name}_{font_kind}.pdf", args.gold, seed)
    if args.only == "base":
        return
    for seed, (name, spec) in enumerate(CORPUS_PAGES.items(), start=len(LAYOUTS)):
        if args.page and name not in args.page:
            continue
        chosen = [corpus_article(file, index) for file, index in spec["articles"]]
        layout = {**spec["layout"], "plan": spec["plan"],
                  "issue": issue_of([file for file, _ in spec["articles"]])}
        write_page(chosen, layout, name.removeprefix("corpus_").split("_")[0], spec["font"],
                   args.out / f"{name}.pdf", args.gold, seed)


def write_page(
    articles: list[dict], layout: dict, name: str, font_kind: str, pdf: Path, gold: Path, seed: int
) -> None:
    """Render one page and write its expected articles to the gold folder."""
    expected = render_page(articles, layout, font_kind, pdf, seed)
    meta = {"layout": name, "font": font_kind, "columns": layout["columns"],
            "gutter": layout["gutter"], "articles": expected}
    (gold / f"{pdf.stem}.json").write_text(
        json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(pdf, len(expected), "articles", pdf.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
