"""Corpus bulletins set into newspaper pages read back as the same articles and figures.

`scripts/make_pages.py` renders articles of `corpus/*.txt` (read by the text path) into
`corpus/pdf/corpus_*.pdf`; each page's expected articles name the corpus file and article
index they came from. The PDF path must give back exactly those articles, and the figures
found in them must equal the figures the text path finds in the text file, each with a page
box around the characters of its number.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pdfplumber
import pytest
from typer.testing import CliRunner

from conftest import CORPUS, GOLD
from extract.cli import app
from extract.layout import group_articles
from extract.pdf import read_pdf
from extract.pipeline import articles_of, extract_document, issue_date
from extract.segment import assemble
from schemas import BlockKind

PAGES = sorted((CORPUS / "pdf").glob("corpus_*.pdf"))
NUMBER_CHARS = re.compile(r"[0-9０-９〇零一二两三四五六七八九十百千万亿.,．%％]")
SLACK = 0.5


def expected_of(pdf: Path) -> list[dict]:
    return json.loads((GOLD / "pages" / f"{pdf.stem}.json").read_text(encoding="utf-8"))["articles"]


RENDERED = [(pdf, i, tuple(a["from"])) for pdf in PAGES for i, a in enumerate(expected_of(pdf))]


@cache
def extract_once(path: Path):
    return extract_document(path)


def extracted(path: Path):
    return extract_once(path)[1]


def period_key(figure) -> tuple:
    return (figure.time_text, figure.period_start, figure.period_end)


@cache
def char_boxes_of(path: Path) -> list:
    """Each article's character boxes, from the whole Document (ingest lets them go once its
    figures have their boxes)."""
    return [a.char_boxes for a in articles_of(read_pdf(path, "test"))]


def figure_key(figure) -> tuple:
    return (figure.value, figure.value_max, figure.unit, figure.approx, figure.metric,
            figure.region.code if figure.region else None)


def test_corpus_pages_cover_columns_and_font_kinds():
    meta = [json.loads((GOLD / "pages" / f"{p.stem}.json").read_text(encoding="utf-8")) for p in PAGES]
    assert {(m["columns"], m["font"]) for m in meta} >= {(c, f) for c in (3, 4, 5) for f in ("cid", "ttf")}
    assert min(m["gutter"] for m in meta) <= 6
    assert any(len(m["articles"]) >= 2 for m in meta)
    articles = [a for m in meta for a in m["articles"]]
    assert any(a["caption"] for a in articles) and any(a["lead"] for a in articles)
    assert any(a["sections"] for a in articles) and all(a["source"] for a in articles)
    for article in articles:
        name, index = article["from"]
        assert (CORPUS / f"{name}.txt").is_file() and index >= 0


@pytest.mark.parametrize("backend", ["pdfium", "pdfplumber"])
@pytest.mark.parametrize("pdf", PAGES, ids=[p.stem for p in PAGES])
def test_corpus_page_yields_expected_articles(pdf: Path, backend: str):
    got = []
    for page in read_pdf(pdf, "test", backend=backend).pages:
        for group in group_articles(page):
            article = assemble(len(got), group)
            got.append({
                "headline": article.headline, "lead": article.lead, "sections": article.sections,
                "paragraphs": article.paragraphs, "caption": article.caption,
                "source": next((b.text for b in group if b.kind == BlockKind.source), None),
            })
    expected = [{k: v for k, v in a.items() if k != "from"} for a in expected_of(pdf)]
    assert got == expected


@pytest.mark.parametrize(("pdf", "index", "origin"), RENDERED,
                         ids=[f"{p.stem}-{i}-{o[0]}" for p, i, o in RENDERED])
def test_figures_from_pdf_equal_figures_from_text(pdf: Path, index: int, origin: tuple):
    name, seq = origin
    from_pdf = extracted(pdf)
    from_text = extracted(CORPUS / f"{name}.txt")
    assert len(from_pdf) == len(expected_of(pdf))
    pdf_article, pdf_facts, _ = from_pdf[index]
    text_article, text_facts, _ = from_text[seq]
    assert pdf_article.headline == text_article.headline
    assert text_facts.figures, "a rendered article should carry figures"
    assert [figure_key(f) for f in pdf_facts.figures] == [figure_key(f) for f in text_facts.figures]
    assert (pdf_facts.region and pdf_facts.region.code) == (text_facts.region and text_facts.region.code)
    if extract_once(CORPUS / f"{name}.txt")[0].published:
        assert [period_key(f) for f in pdf_facts.figures] == [period_key(f) for f in text_facts.figures]


@pytest.mark.parametrize("pdf", PAGES, ids=[p.stem for p in PAGES])
def test_corpus_page_is_dated_by_its_issue_line(pdf: Path):
    """The page's header date is the latest date of its bulletins, all of one year, and
    the PDF document takes it as its own date."""
    dates = {extract_once(CORPUS / f"{a['from'][0]}.txt")[0].published for a in expected_of(pdf)} - {None}
    assert len({d.year for d in dates}) <= 1
    published = extract_once(pdf)[0].published
    assert published is not None and (not dates or published == max(dates))
    assert [issue_date(page) for page in read_pdf(pdf, "test").pages] == [published]


def inside(box, outer) -> bool:
    return (outer[0] - SLACK <= box[0] and box[2] <= outer[2] + SLACK
            and outer[1] - SLACK <= box[1] and box[3] <= outer[3] + SLACK)


def centre_inside(char: dict, box) -> bool:
    """pdfplumber's view of a character lies in `box` (centres: the backends' boxes differ)."""
    x, y = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


@pytest.mark.parametrize("pdf", PAGES, ids=[p.stem for p in PAGES])
def test_pdf_figures_have_page_boxes_around_their_numbers(pdf: Path):
    with pdfplumber.open(str(pdf)) as doc:
        width, height = float(doc.pages[0].width), float(doc.pages[0].height)
        page_chars = list(doc.pages[0].chars)
        doc.pages[0].close()
    figures = 0
    for article, facts, _ in extracted(pdf):
        assert article.char_boxes is None
        boxes = char_boxes_of(pdf)[article.seq]
        assert len(boxes) == len(article.text)
        for figure in facts.figures:
            figures += 1
            assert figure.page == 1
            assert figure.bbox is not None, figure.quote
            x0, top, x1, bottom = figure.bbox
            assert 0 <= x0 < x1 <= width and 0 <= top < bottom <= height
            assert figure.quote.replace(" ", "") in article.text.replace(" ", "")
            span = article.text[figure.char_start:figure.char_end]
            digits = [i for i, ch in enumerate(span, figure.char_start) if NUMBER_CHARS.match(ch)]
            assert digits, span
            for i in digits:
                assert boxes[i] is not None and inside(boxes[i], figure.bbox)
            drawn = "".join(c["text"] for c in page_chars if centre_inside(c, figure.bbox))
            for ch in (article.text[i] for i in digits):
                assert ch in drawn, (figure.quote, drawn)
    assert figures


def test_layout_command_writes_png_with_figure_boxes(tmp_path: Path):
    pdf = next(p for p in PAGES if p.stem == "corpus_cols4_cid")
    db = tmp_path / "facts.db"
    runner = CliRunner()
    result = runner.invoke(app, ["ingest", str(pdf), "--db", str(db), "--no-check"])
    assert result.exit_code == 0, result.output
    out = tmp_path / "page1.png"
    result = runner.invoke(app, ["layout", str(pdf), "--page", "1", "--png", str(out), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    from PIL import Image

    with Image.open(out) as image:
        assert image.size[0] > 500
        colours = {c for _, c in image.convert("RGB").getcolors(maxcolors=1 << 20)}
    assert (255, 0, 255) in colours, "figure boxes from the database are drawn"
