"""OCR of scanned pages: a generated newspaper page rasterised into an image-only PDF is
read back through tesseract with its headlines and most of its figures; without tesseract
the page stays flagged `needs_ocr` and nothing breaks."""

from __future__ import annotations

import difflib
import logging
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from conftest import CORPUS
from extract import ocr
from extract.pipeline import extract_document
from schemas import PageFlag

SOURCE = CORPUS / "pdf" / "corpus_cols3_ttf.pdf"
SCAN_DPI = 200


def ocr_skip_reason() -> str | None:
    reason = ocr.unavailable_reason()
    return f"OCR tests need tesseract with chi_sim: {reason}" if reason else None


needs_tesseract = pytest.mark.skipif(ocr_skip_reason() is not None, reason=ocr_skip_reason() or "")


def make_scan(source: Path, target: Path, dpi: int = SCAN_DPI) -> Path:
    """An image-only PDF of `source`: each page rasterised and drawn as one picture."""
    import pypdfium2 as pdfium
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    doc = pdfium.PdfDocument(str(source))
    try:
        pages = []
        for page in doc:
            pages.append((page.get_size(), page.render(scale=dpi / 72).to_pil()))
            page.close()
    finally:
        doc.close()
    pdf = canvas.Canvas(str(target), pagesize=pages[0][0])
    for (width, height), image in pages:
        pdf.setPageSize((width, height))
        pdf.drawImage(ImageReader(image), 0, 0, width=width, height=height)
        pdf.showPage()
    pdf.save()
    return target


@pytest.fixture(scope="module")
def scan(tmp_path_factory) -> Path:
    return make_scan(SOURCE, tmp_path_factory.mktemp("scan") / "scan.pdf")


class Messages(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture(scope="module")
def scan_read(scan: Path):
    """The scan through the whole pipeline, with what `extract.ocr` logged meanwhile."""
    logger, handler = logging.getLogger("extract.ocr"), Messages()
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        document, extracted = extract_document(scan)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    return document, extracted, handler.lines


@cache
def text_layer_version():
    return extract_document(SOURCE)


def figure_pairs(extracted) -> Counter:
    return Counter((f.value, f.unit) for _, facts, _ in extracted for f in facts.figures)


@needs_tesseract
def test_scanned_page_is_read_by_ocr(scan: Path, scan_read):
    document, extracted, logged = scan_read
    assert all(PageFlag.ocr in p.flags and PageFlag.needs_ocr not in p.flags for p in document.pages)
    assert any(str(scan) in line and "OCR mean confidence" in line for line in logged)

    _, expected = text_layer_version()
    headlines = [a.headline for a, _, _ in extracted if a.headline]
    for article, _, _ in expected:
        best = max((difflib.SequenceMatcher(None, article.headline, h).ratio() for h in headlines), default=0)
        assert best >= 0.8, (article.headline, headlines)

    want, got = figure_pairs(expected), figure_pairs(extracted)
    recovered = sum((want & got).values()) / sum(want.values())
    assert recovered >= 0.8, (recovered, want - got)


@needs_tesseract
def test_ocr_figures_have_boxes_on_the_page(scan_read):
    document, extracted, _ = scan_read
    page = document.pages[0]
    boxes = [f.bbox for _, facts, _ in extracted for f in facts.figures]
    assert boxes and all(b is not None for b in boxes)
    for x0, top, x1, bottom in boxes:
        assert 0 <= x0 < x1 <= page.width and 0 <= top < bottom <= page.height


def test_without_tesseract_the_page_keeps_needs_ocr(scan: Path, monkeypatch, caplog):
    monkeypatch.setattr(ocr, "tesseract_command", lambda: None)
    caplog.set_level(logging.WARNING, logger="extract.ocr")
    document, extracted = extract_document(scan)
    assert PageFlag.needs_ocr in document.pages[0].flags
    assert PageFlag.ocr not in document.pages[0].flags
    assert extracted == []
    warning = " ".join(r.getMessage() for r in caplog.records)
    assert str(scan) in warning and "OCR unavailable" in warning and "tesseract" in warning


def test_unavailable_reason_names_the_missing_piece(monkeypatch):
    monkeypatch.setattr(ocr, "tesseract_command", lambda: None)
    assert "not installed" in ocr.unavailable_reason()
    monkeypatch.setattr(ocr, "tesseract_command", lambda: "/nonexistent/tesseract")
    assert "chi_sim" in ocr.unavailable_reason()


def word(text: str, left: int, width: int, line=(1, 1, 1), top: int = 100, height: int = 40) -> ocr.Word:
    return ocr.Word(text, left, top, width, height, 90.0, line)


def test_cjk_is_joined_without_spaces_and_latin_words_keep_theirs():
    words = [word("社工", 0, 84), word("站", 86, 40), word("21", 130, 40), word("个", 172, 40),
             word("ABC", 300, 60), word("Center", 366, 120)]
    runs = ocr.split_segments(words, 43)
    assert [ocr.segment_chars(r) for r in runs] == [list("社工站21个"), list("ABC Center")]


def test_ascii_punctuation_next_to_chinese_becomes_full_width():
    assert "".join(ocr.fold_punctuation(list("四川会理:(据日报)8:30,1,350"))) == "四川会理：（据日报）8:30,1,350"


def test_sizes_snap_to_classes():
    sizes = ocr.snap_sizes([9.1, 8.8, 9.3, 10.9, 18.2, 17.6], [30, 30, 30, 10, 12, 12])
    assert sizes[0] == sizes[1] == sizes[2] and sizes[4] == sizes[5]
    assert len(set(sizes)) == 3


def test_a_short_run_takes_the_size_of_its_measured_neighbours():
    long_run = [word("社会组织服务民生大", 0, 9 * 80, height=74)]
    short = [word("文章", 0, 160, top=200, height=90)]
    body = [word("今年以来全县共有社工站", 0, 11 * 40, top=400)]
    sizes = ocr.settle_short_runs([long_run, short, body], [19.0, 22.25, 9.25])
    assert sizes == [19.0, 19.0, 9.25]


def test_rules_are_removed_and_crossed_strokes_kept():
    import numpy as np
    from PIL import Image

    pixels = np.full((200, 400), 255, np.uint8)
    pixels[100:103, 10:390] = 0
    pixels[60:140, 200:206] = 0
    found: list = []
    cleaned = np.asarray(ocr.remove_rules(Image.fromarray(pixels), dpi=300, found=found))
    assert found == [(10, 100, 390, 103)]
    assert cleaned[101, 50] == 255 and cleaned[101, 350] == 255
    assert cleaned[101, 202] == 0 and cleaned[80, 202] == 0
