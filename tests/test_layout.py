"""Generated newspaper pages yield exactly the articles they were rendered from."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pdfplumber
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import CORPUS, GOLD
from extract.layout import (
    BYLINE_RE,
    CONTINUED_RE,
    Metrics,
    _split,
    draw_layout,
    group_articles,
    side_by_side,
)
from extract.pdf import read_pdf
from extract.pipeline import extract_document
from extract.segment import assemble
from schemas import BlockKind, Line, PageFlag

ALL_PAGES = sorted((CORPUS / "pdf").glob("*.pdf"))
PAGES = [p for p in ALL_PAGES if not p.stem.startswith(("corpus_", "var_"))]
"""Pages set from the invented articles; pages set from corpus bulletins are tested in
test_pdf_parity.py."""
CFF_PAGE = Path(__file__).parent / "data" / "pdf" / "var_fpdf_otf.pdf"
VARIETY = [p for p in ALL_PAGES if p.stem.startswith("var_")] + [CFF_PAGE]
"""Pages for phenomena of real pages (scripts/make_pages.py VARIETY_PAGES); their expected
articles may also name a kicker, subtitle and byline."""
VARIETY_NAMES = ("var_bold_head", "var_span2of4", "var_titles", "var_continued", "var_sidebar", "var_ad",
                 "var_loose", "var_two_sizes", "var_fpdf_otf")
BASE_KEYS = ("headline", "lead", "sections", "paragraphs", "caption", "source")


def articles_of(pdf: Path, backend: str) -> list[dict]:
    doc = read_pdf(pdf, "test", backend=backend)
    out = []
    for page in doc.pages:
        for group in group_articles(page):
            article = assemble(len(out), group)
            source = next((b.text for b in group if b.kind == BlockKind.source), None)
            out.append({"headline": article.headline, "lead": article.lead,
                        "sections": article.sections, "paragraphs": article.paragraphs,
                        "caption": article.caption, "source": source})
    return out


def test_pages_cover_every_layout_and_font_kind():
    names = {p.stem for p in PAGES}
    for layout in ("cols3", "cols4", "cols5"):
        for font in ("cid", "ttf"):
            assert f"{layout}_{font}" in names


@pytest.mark.parametrize("backend", ["pdfium", "pdfplumber"])
@pytest.mark.parametrize("pdf", PAGES, ids=[p.stem for p in PAGES])
def test_page_yields_expected_articles(pdf: Path, backend: str):
    expected = json.loads((GOLD / "pages" / f"{pdf.stem}.json").read_text(encoding="utf-8"))["articles"]
    assert articles_of(pdf, backend) == expected


@pytest.mark.parametrize("pdf", ALL_PAGES, ids=[p.stem for p in ALL_PAGES])
def test_blocks_have_page_boxes_and_aligned_char_boxes(pdf: Path):
    page = read_pdf(pdf, "test").pages[0]
    assert [b.order for b in page.blocks] == list(range(len(page.blocks)))
    for block in page.blocks:
        x0, top, x1, bottom = block.bbox
        assert 0 <= x0 < x1 <= page.width and 0 <= top < bottom <= page.height
        assert len(block.char_boxes) == len(block.text)
        for ch, box in zip(block.text, block.char_boxes, strict=True):
            if box is not None and ch.strip():
                assert x0 - 0.5 <= box[0] and box[2] <= x1 + 0.5


def test_header_and_footer_are_not_article_text():
    pdf = next(p for p in PAGES if p.stem == "cols3_cid")
    page = read_pdf(pdf, "test").pages[0]
    noise = [b.text for b in page.blocks if b.kind == BlockKind.noise]
    assert any("第3版" in t for t in noise)
    for group in group_articles(page):
        assert all("第3版" not in b.text for b in group)


def test_draw_layout_writes_png(tmp_path: Path):
    pdf = next(p for p in PAGES if p.stem == "cols4_ttf")
    out = draw_layout(pdf, 1, tmp_path / "page.png", figure_boxes=[(40, 300, 120, 320)])
    assert out.exists() and out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def expected_of(pdf: Path) -> list[dict]:
    return json.loads((GOLD / "pages" / f"{pdf.stem}.json").read_text(encoding="utf-8"))["articles"]


def test_variety_pages_cover_every_phenomenon():
    assert {p.stem for p in VARIETY} >= set(VARIETY_NAMES)
    articles = [a for p in VARIETY for a in expected_of(p)]
    assert any(a.get("kicker") for a in articles) and any(a.get("subtitle") for a in articles)
    assert any(a.get("byline") for a in articles) and any(a["headline"] is None for a in articles)


@pytest.mark.parametrize("pdf", VARIETY, ids=[p.stem for p in VARIETY])
def test_variety_page_through_the_pipeline(pdf: Path):
    """The whole PDF path gives the expected articles: titles, lead, paragraphs, caption and
    source in order, the byline, and no page furniture (continuation notes, adverts)."""
    expected = expected_of(pdf)
    extracted = extract_document(pdf)[1]
    assert len(extracted) == len(expected)
    for (article, _, _), want in zip(extracted, expected, strict=True):
        parts = {kind: [article.text[p.start:p.end] for p in article.parts if p.kind == kind]
                 for kind in ("headline", "source")}
        got = {"headline": article.headline, "lead": article.lead, "sections": article.sections,
               "paragraphs": article.paragraphs, "caption": article.caption,
               "source": next(iter(parts["source"]), None)}
        assert got == {k: want[k] for k in BASE_KEYS}
        assert parts["headline"] == [t for t in (want["headline"], want.get("kicker"), want.get("subtitle")) if t]
        assert article.byline == want.get("byline")
        assert [p.end - p.start for p in article.parts] == [len(t) for t in article.text.split("\n")]
        assert not CONTINUED_RE.search(article.text) and "咨询电话" not in article.text


@pytest.mark.parametrize("pdf", [p for p in VARIETY if not p.stem.endswith("_otf")],
                         ids=[p.stem for p in VARIETY if not p.stem.endswith("_otf")])
def test_variety_page_with_pdfplumber_characters(pdf: Path):
    expected = [{k: a[k] for k in BASE_KEYS} for a in expected_of(pdf)]
    assert articles_of(pdf, "pdfplumber") == expected


GARBAGE = re.compile(r"\(cid:\d+\)|\ufffd|[\u00a1-\u00ff]{2}")


def test_cff_font_page_reads_as_chinese_or_is_flagged():
    """fpdf2 with an OpenType/CFF CJK font: pdfminer reads no text; pypdfium2 reads it right,
    and the pdfplumber path flags the page for OCR instead of storing garbage."""
    pdf = CFF_PAGE
    with pdfplumber.open(str(pdf)) as doc:
        assert not doc.pages[0].extract_text().strip()
        doc.pages[0].close()
    page = read_pdf(pdf, "t").pages[0]
    text = "".join(b.text for b in page.blocks)
    assert not page.flags and not GARBAGE.search(text)
    for article in expected_of(pdf):
        assert article["headline"] in text and all(p in text for p in article["paragraphs"])
    plumbed = read_pdf(pdf, "t", backend="pdfplumber").pages[0]
    assert {PageFlag.needs_ocr, PageFlag.ocr} & set(plumbed.flags)
    assert not GARBAGE.search("".join(ln.text for ln in plumbed.lines))


def line(text: str, x0: float, top: float, x1: float, size: float = 10.0) -> Line:
    return Line(text=text, bbox=(x0, top, x1, top + size), size=size)


def test_pieces_that_share_no_height_are_not_columns():
    last_line = line("及。", 40, 138, 58)
    indented = line("今年以来，临夏市民政局", 60, 125, 300)
    assert side_by_side([[last_line], [indented]]) == [[last_line, indented]]
    left, right = line("左栏", 40, 100, 200), line("右栏", 210, 104, 380)
    assert side_by_side([[left], [right]]) == [[left], [right]]


@st.composite
def scattered_lines(draw) -> list[Line]:
    """Lines anywhere on a page, some with hanging punctuation, odd boxes included (a glyph
    box may end left of where its line starts, or above its top)."""
    lines = []
    for _ in range(draw(st.integers(1, 25))):
        x0 = draw(st.sampled_from([40.0, 60.0, 150.0, 152.0, 260.0])) + draw(st.floats(0, 20))
        top = draw(st.floats(0, 400))
        x1, bottom = x0 + draw(st.floats(-5, 120)), top + draw(st.floats(-3, 30))
        text = draw(st.text("字文。，）", min_size=1, max_size=5))
        right = x0 + draw(st.floats(-10, 110))
        boxes = [(x0, top, right, bottom)] * draw(st.integers(0, len(text) + 1))
        lines.append(Line(text=text, bbox=(x0, top, x1, bottom), size=10.0, char_boxes=boxes))
    return lines


@settings(max_examples=300, deadline=None)
@given(scattered_lines())
def test_a_piece_cut_out_along_an_axis_does_not_cut_again_along_it(lines: list[Line]):
    """`xy_cut` skips re-cutting a piece along the axis it was just cut out along."""
    m = Metrics(body=10.0, pitch=15.0, gap=5.0)
    for lo, hi, threshold, merge in ((1, 3, m.cut_y, False), (0, 2, m.cut_x, True)):
        pieces = _split(lines, lo, hi, threshold, m)
        pieces = side_by_side(pieces) if merge else pieces
        for piece in pieces:
            again = _split(piece, lo, hi, threshold, m)
            assert (side_by_side(again) if merge else again) == [piece]


def test_continuation_notes_and_bylines_are_recognised():
    for note in ("（下转第3版）", "（上接第1版）", "(转A2版)", "（上接第一版）"):
        assert CONTINUED_RE.search(note), note
    assert CONTINUED_RE.search("工作取得实效。（下转第3版）")
    assert not CONTINUED_RE.search("第3版刊发了相关报道。")
    for byline in ("本报记者 张三", "本报通讯员 李四 王五", "记者 欧阳小明", "文/张三"):
        assert BYLINE_RE.match(byline), byline
    assert not BYLINE_RE.match("记者从县民政局获悉，全县已建成社工站18个。")


@pytest.mark.parametrize("backend", ["pdfium", "pdfplumber"])
def test_glyphs_drawn_one_by_one_shuffled_and_jittered_read_as_the_plain_page(backend: str):
    """`corpus_cols4_cid_glyphs` is `corpus_cols4_cid` with every character its own text
    object, drawn in random order, each baseline moved by up to ±0.3 pt: the same lines and
    the same blocks in the same reading order."""
    plain = read_pdf(CORPUS / "pdf" / "corpus_cols4_cid.pdf", "a", backend=backend).pages[0]
    glyphs = read_pdf(CORPUS / "pdf" / "corpus_cols4_cid_glyphs.pdf", "b", backend=backend).pages[0]
    assert sorted(ln.text for ln in glyphs.lines) == sorted(ln.text for ln in plain.lines)
    assert [(b.kind, b.text) for b in glyphs.blocks] == [(b.kind, b.text) for b in plain.blocks]
    for a, b in zip(plain.blocks, glyphs.blocks, strict=True):
        assert all(abs(u - v) < 1.5 for u, v in zip(a.bbox, b.bbox, strict=True))
