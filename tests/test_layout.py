"""Generated newspaper pages yield exactly the articles they were rendered from."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import CORPUS, GOLD
from extract.layout import draw_layout, group_articles
from extract.pdf import read_pdf
from extract.segment import assemble
from schemas import BlockKind

ALL_PAGES = sorted((CORPUS / "pdf").glob("*.pdf"))
PAGES = [p for p in ALL_PAGES if not p.stem.startswith("corpus_")]
"""Pages set from the invented articles; pages set from corpus bulletins are tested in
test_pdf_parity.py."""


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
