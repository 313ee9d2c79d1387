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
FONT_KINDS = {
    "cid": {"body": "STSong-Light", "head": "STSong-Light", "fake_bold": True},
    "ttf": {"body": "ARUMing", "head": "WQYZenHei", "fake_bold": False},
}
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
        "articles": [("01_sichuan_huili", 0), ("05_shandong_yishui", 0), ("12_page_shandong_gansu", 1)],
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
        "articles": [("21_page_hubei_anhui_hebei", 1), ("10_yunnan_dali", 0), ("16_sichuan_huili_2020", 0)],
        "plan": [("span", 0, 2, 0, True, False), ("span", 2, 4, 1, False, False),
                 ("span", 0, 4, 2, False, False)],
    },
    "corpus_cols5_cid": {
        "layout": {"columns": 5, "gutter": 6.0, "body": 8.0},
        "font": "cid",
        "articles": [("03_guangxi_tianyang_2024", 0), ("15_bingtuan_shihezi", 0), ("06_henan_guangshan_a", 0)],
        "plan": [("span", 0, 3, 0, False, False), ("span", 3, 5, 1, False, False),
                 ("span", 0, 5, 2, False, False)],
    },
    "corpus_cols5_ttf": {
        "layout": {"columns": 5, "gutter": 6.0, "body": 8.0},
        "font": "ttf",
        "articles": [("11_page_hunan_jiangxi_zhejiang", 0), ("05_shandong_yishui", 0)],
        "plan": [("ell", 0, 4, 0, True, True), ("span", 0, 3, 1, False, False)],
    },
}
"""Pages set from corpus bulletins: layout, font kind, (corpus file, article index) list and a
placement plan over that list. Captions come from the copied-page files' articles."""


def register_fonts() -> None:
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    for name, path in TTF_FILES.items():
        pdfmetrics.registerFont(TTFont(name, path, subfontIndex=0))


def wrap(text: str, font: str, size: float, width: float, indent: float = 0.0) -> list[str]:
    """Break text into lines of at most `width`; no closing punctuation starts a line."""
    lines, current, used = [], "", indent
    for ch in text:
        w = pdfmetrics.stringWidth(ch, font, size)
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


@dataclass
class PageState:
    columns: int
    gutter: float
    body: float
    fonts: dict
    ops: list = field(default_factory=list)

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
        text_w = pdfmetrics.stringWidth(row.text, row.font, row.size)
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
        fake_bold = row.bold and self.fonts["fake_bold"]

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


def paragraph_rows(text: str, state: PageState, width: float, size: float | None = None) -> list[Row]:
    size = size or state.body
    font = state.fonts["body"]
    lines = wrap(text, font, size, width, indent=2 * size)
    rows = []
    for i, line in enumerate(lines):
        rows.append(Row(line, font, size, indent=2 * size if i == 0 else 0.0,
                        justify=i < len(lines) - 1))
    return rows


def article_items(article: dict, state: PageState, photo: bool) -> list[list[Row]]:
    """The article body as flowable items (a photo with its caption stays together)."""
    width = state.col_w
    items: list[list[Row]] = []
    if photo and article.get("caption"):
        cap_size = state.body - 1
        cap = [Row(t, state.fonts["body"], cap_size) for t in wrap(article["caption"], state.fonts["body"], cap_size, width)]
        items.append([Row(photo=1)] * 6 + cap)
    for section in article["sections"]:
        if section["heading"]:
            size = round(state.body * 1.2, 1)
            items.append([Row(t, state.fonts["head"], size, align="center", bold=True)
                          for t in wrap(section["heading"], state.fonts["head"], size, width)])
        for para in section["paragraphs"]:
            items.extend([[r] for r in paragraph_rows(para, state, width)])
    if article.get("source"):
        items.append([Row(article["source"], state.fonts["body"], state.body, align="right")])
    return items


def place_heading(article: dict, state: PageState, c0: int, c1: int, r: int, boxed: bool) -> int:
    """Draw headline (and boxed lead) across columns c0..c1 from row r; return next free row."""
    x0 = state.col_x(c0)
    width = state.col_x(c1 - 1) + state.col_w - x0
    size = min(20.0, max(14.0, state.body * 2))
    lines = wrap(article["headline"], state.fonts["head"], size, width)
    per_line = math.ceil(size * 1.4 / state.leading)
    for i, text in enumerate(lines):
        state.draw_text(x0, r + per_line * (i + 1) - 1, Row(text, state.fonts["head"], size, align="center", bold=True), width)
    r += per_line * len(lines) + 1
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


def rule(state: PageState, c0: int, c1: int, r: int) -> None:
    x0, x1 = state.col_x(c0), state.col_x(c1 - 1) + state.col_w
    y = state.row_top(r) - state.leading / 2
    state.ops.append(lambda c: (c.setLineWidth(0.6), c.line(x0, y, x1, y)))


def render_page(articles: list[dict], layout: dict, font_kind: str, path: Path, seed: int) -> list[dict]:
    """Render one page and return the articles it shows, in reading order."""
    state = PageState(layout["columns"], layout["gutter"], layout["body"], FONT_KINDS[font_kind])
    next_row = [0] * state.columns
    shown: list[tuple[int, int, dict]] = []
    for kind, c0, c1, index, photo, boxed in layout["plan"]:
        article = articles[index % len(articles)]
        r = max(next_row[c0:c1])
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
    draw_page(state, path, seed)
    return [expected_article(a, photo_has(layout, a, articles)) for _, _, a in shown]


def photo_has(layout: dict, article: dict, articles: list[dict]) -> bool:
    return any(photo and articles[i % len(articles)]["headline"] == article["headline"]
               for _, _, _, i, photo, _ in layout["plan"])


def expected_article(article: dict, photo: bool) -> dict:
    expected = {
        "headline": article["headline"],
        "lead": article.get("lead"),
        "sections": [s["heading"] for s in article["sections"] if s["heading"]],
        "paragraphs": [p for s in article["sections"] for p in s["paragraphs"]],
        "caption": article.get("caption") if photo else None,
        "source": article["source"],
    }
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


def draw_page(state: PageState, path: Path, seed: int) -> None:
    c = canvas.Canvas(str(path), pagesize=(PAGE_W, PAGE_H), pageCompression=1)
    c.setTitle(path.stem)
    font = state.fonts["body"]
    c.setFont(font, 9)
    c.drawString(MARGIN, PAGE_H - MARGIN - 14, "民政周刊")
    c.drawRightString(PAGE_W - MARGIN, PAGE_H - MARGIN - 14, "2024年5月20日 星期一 第3版 社会工作")
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
    args = parser.parse_args()
    register_fonts()
    articles = json.loads(args.source.read_text(encoding="utf-8"))["articles"]
    args.out.mkdir(parents=True, exist_ok=True)
    args.gold.mkdir(parents=True, exist_ok=True)
    for seed, (name, layout) in enumerate(LAYOUTS.items()):
        for font_kind in FONT_KINDS:
            write_page(articles, layout, name, font_kind, args.out / f"{name}_{font_kind}.pdf", args.gold, seed)
    for seed, (name, spec) in enumerate(CORPUS_PAGES.items(), start=len(LAYOUTS)):
        chosen = [corpus_article(file, index) for file, index in spec["articles"]]
        layout = {**spec["layout"], "plan": spec["plan"]}
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
