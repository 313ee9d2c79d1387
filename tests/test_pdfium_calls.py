"""The compiled pdfium loops answer as pdfium's own calls do, one by one from Python."""

from __future__ import annotations

import ctypes
import shutil
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pr
import pytest

from extract import pdfium_calls as calls_module
from extract.pdf import pdfium_pages
from extract.pdfium_calls import (
    NATIVE,
    char_boxes_and_objects,
    generated,
    handle,
    object_styles,
    page_objects,
    pdfium_calls,
)

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "real-pdfs"
PAGES = [ROOT / "corpus" / "pdf" / "corpus_cols4_ttf.pdf", ROOT / "corpus" / "pdf" / "corpus_cols4_cid_glyphs.pdf",
         *sorted(REAL.glob("*.pdf"))]


@pytest.fixture(params=["compiled", "python"])
def loops(request, monkeypatch):
    """Each question is asked through the compiled loops and from Python, call by call."""
    if request.param == "compiled" and not NATIVE:
        pytest.skip("the _pdfium_loops extension was not built (no C compiler at install)")
    if request.param == "python":
        monkeypatch.setattr(calls_module, "_LOOPS", None)
    return request.param


def test_the_loops_are_built_where_a_c_compiler_is():
    if not (shutil.which("cc") or shutil.which("gcc")):
        pytest.skip("no C compiler here: the calls are made from Python")
    assert NATIVE


def read_glyphs(path: Path) -> list[tuple]:
    return [(raw.glyphs.text, raw.glyphs.x0.tolist(), raw.glyphs.size.tolist(), raw.glyphs.font,
             raw.glyphs.bold.tolist(), raw.glyphs.visible.tolist(), raw.images, raw.rules, raw.frames)
            for raw in pdfium_pages(path)]


@pytest.mark.parametrize("path", PAGES[:2], ids=lambda p: p.stem)
def test_compiled_and_python_calls_read_the_same_page(path: Path, monkeypatch):
    if not NATIVE:
        pytest.skip("the _pdfium_loops extension was not built (no C compiler at install)")
    compiled = read_glyphs(path)
    monkeypatch.setattr(calls_module, "_LOOPS", None)
    assert read_glyphs(path) == compiled
    assert len(compiled[0][0]) > 500


@pytest.fixture(params=PAGES, ids=lambda p: p.stem)
def page(request, loops):
    doc = pdfium.PdfDocument(str(request.param))
    page = doc[0]
    textpage = page.get_textpage()
    yield page, textpage
    textpage.close()
    page.close()
    doc.close()


def test_boxes_and_text_objects_of_every_character(page):
    _, textpage = page
    n = textpage.count_chars()
    boxes, objects = char_boxes_and_objects(pdfium_calls(pr), handle(textpage.raw), np.arange(n))
    assert n > 0 and boxes.shape == (n, 4)
    for i in range(n):
        rect = pr.FS_RECTF()
        assert pr.FPDFText_GetLooseCharBox(textpage.raw, i, rect)
        assert tuple(boxes[i]) == (np.float32(rect.left), np.float32(rect.top), np.float32(rect.right),
                                   np.float32(rect.bottom))
        assert int(objects[i]) == handle(pr.FPDFText_GetTextObject(textpage.raw, i))
    assert len(set(objects.tolist()) - {0}) > 0


def test_generated_characters(page):
    _, textpage = page
    n = textpage.count_chars()
    flags = generated(pdfium_calls(pr), handle(textpage.raw), np.arange(n))
    assert flags.tolist() == [pr.FPDFText_IsGenerated(textpage.raw, i) == 1 for i in range(n)]


def test_styles_of_each_text_object(page):
    _, textpage = page
    n = textpage.count_chars()
    calls, tp = pdfium_calls(pr), handle(textpage.raw)
    _, objects = char_boxes_and_objects(calls, tp, np.arange(n))
    firsts = [i for i in range(n) if objects[i] and objects[i] not in objects[:i]]
    styles = object_styles(calls, tp, objects[firsts], np.array(firsts))
    rgba = [ctypes.c_uint() for _ in range(4)]
    for k, i in enumerate(firsts):
        obj = pr.FPDFText_GetTextObject(textpage.raw, i)
        assert int(styles.fonts[k]) == handle(pr.FPDFTextObj_GetFont(obj))
        assert styles.sizes[k] == pr.FPDFText_GetFontSize(textpage.raw, i)
        assert styles.modes[k] == pr.FPDFTextObj_GetTextRenderMode(obj)
        has_fill = bool(pr.FPDFText_GetFillColor(textpage.raw, i, *map(ctypes.byref, rgba)))
        assert styles.has_fill[k] == has_fill
        if has_fill:
            assert styles.rgba[k].tolist() == [c.value for c in rgba]


def test_objects_and_kinds_of_the_page(page):
    pdf_page, _ = page
    count = pr.FPDFPage_CountObjects(pdf_page.raw)
    objects, kinds = page_objects(pdfium_calls(pr), handle(pdf_page.raw), count)
    expected = [pr.FPDFPage_GetObject(pdf_page.raw, k) for k in range(count)]
    assert objects.tolist() == [handle(obj) for obj in expected]
    assert kinds.tolist() == [pr.FPDFPageObj_GetType(obj) for obj in expected]


def test_nothing_to_ask_gives_empty_answers(loops):
    calls = pdfium_calls(pr)
    boxes, objects = char_boxes_and_objects(calls, 0, np.array([], dtype=np.int32))
    assert boxes.shape == (0, 4) and objects.shape == (0,)
    assert generated(calls, 0, np.array([])).shape == (0,)
    assert len(object_styles(calls, 0, np.array([]), np.array([])).sizes) == 0
    assert page_objects(calls, 0, 0)[0].shape == (0,)
