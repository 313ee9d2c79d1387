"""Characters to cleaned lines: GBK mojibake, hidden glyphs, dash rules, flags, spacing."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from extract.pdf import (
    BACKENDS,
    Glyph,
    RawPage,
    build_lines,
    fragment_text,
    is_dash_rule,
    page_from_raw,
    pdfium_pages,
    read_pdf,
    redecode_gbk,
)
from schemas import DocumentKind, PageFlag


def glyphs_for(text: str, x: float = 10, top: float = 10, size: float = 10, step: float | None = None):
    step = step or size
    return [Glyph(ch, x + i * step, top, x + (i + 1) * step, top + size, size) for i, ch in enumerate(text)]


def test_gbk_bytes_read_as_latin1_are_redecoded():
    raw = "社会工作".encode("gbk").decode("latin-1")
    glyphs = [Glyph(ch, 10 + i * 5, 10, 15 + i * 5, 20, 10) for i, ch in enumerate(raw)]
    out, changed = redecode_gbk(glyphs)
    assert changed
    assert "".join(g.text for g in out) == "社会工作"
    assert out[0].x0 == 10 and out[0].x1 == 20


def test_real_chinese_is_not_redecoded():
    out, changed = redecode_gbk(glyphs_for("民政局"))
    assert not changed and "".join(g.text for g in out) == "民政局"


def test_column_gutter_splits_lines_but_letter_gaps_do_not():
    left = glyphs_for("社会工作服务", x=10, size=9)
    right = glyphs_for("站点建设", x=10 + 6 * 9 + 6, size=9)
    frags = build_lines(left + right)
    assert sorted(fragment_text(f)[0] for f in frags) == ["社会工作服务", "站点建设"]


def test_no_space_around_numbers_but_space_between_words():
    glyphs = glyphs_for("共", size=10) + glyphs_for("185", x=24, size=10, step=5)
    glyphs += glyphs_for("人", x=42, size=10)
    (frag,) = build_lines(glyphs)
    assert fragment_text(frag)[0] == "共185人"
    space = Glyph(" ", 20, 10, 23, 20, 10, visible=False, space=True)
    words = [*glyphs_for("ab", size=10, step=5), space, *glyphs_for("cd", x=23, size=10, step=5)]
    (frag,) = build_lines(words)
    text, boxes = fragment_text(frag)
    assert text == "ab cd" and len(boxes) == len(text)


def test_hidden_tiny_and_dash_glyphs_are_dropped():
    body = glyphs_for("困难群众救助", size=10)
    hidden = Glyph("制", 70, 10, 80, 20, 10, visible=False)
    tiny = Glyph("x", 82, 10, 84, 12, 2)
    rule = glyphs_for("————————", top=40, size=10)
    raw = RawPage(1, 200, 200, [*body, hidden, tiny, *rule])
    page, size = page_from_raw(raw)
    assert size == 10
    assert [ln.text for ln in page.lines] == ["困难群众救助"]
    assert is_dash_rule("- - - - - -") and not is_dash_rule("2024-05")


def test_page_with_image_and_no_text_needs_ocr():
    page, _ = page_from_raw(RawPage(1, 200, 200, [], images=[(0, 0, 100, 100)]))
    assert PageFlag.needs_ocr in page.flags
    page, _ = page_from_raw(RawPage(1, 200, 200, []))
    assert PageFlag.empty in page.flags


def test_vertical_text_is_flagged():
    glyphs = [Glyph(ch, 50, 10 + i * 11, 60, 20 + i * 11, 10) for i, ch in enumerate("竖排文字测试一二三四五六七八")]
    page, _ = page_from_raw(RawPage(1, 200, 300, glyphs))
    assert PageFlag.vertical_text in page.flags


def test_white_and_invisible_text_does_not_leak(tmp_path: Path):
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "hidden.pdf"
    c = canvas.Canvas(str(path), pagesize=(300, 200))
    c.setFont("STSong-Light", 12)
    c.drawString(20, 150, "持证社工")
    c.setFillColorRGB(1, 1, 1)
    c.drawString(20, 120, "隐藏白字")
    c.setFillColorRGB(0, 0, 0)
    t = c.beginText(20, 90)
    t.setFont("STSong-Light", 12)
    t.setTextRenderMode(3)
    t.textOut("不可见字")
    c.drawText(t)
    c.showPage()
    c.save()
    for backend in ("pdfium", "pdfplumber"):
        doc = read_pdf(path, "x", backend=backend)
        text = "".join(ln.text for ln in doc.pages[0].lines)
        assert "持证社工" in text and "隐藏" not in text, backend
    assert read_pdf(path, "x").kind == DocumentKind.pdf


def per_character_glyphs(path: Path) -> list[list[tuple]]:
    """Each page's drawn characters read one pypdfium2 call at a time: the reference for the
    batched reader (text, loose box in top-left coordinates, font size)."""
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as pr

    pages = []
    doc = pdfium.PdfDocument(str(path))
    for page in doc:
        height = page.get_size()[1]
        textpage = page.get_textpage()
        rect = pr.FS_RECTF()
        out = []
        for i in range(textpage.count_chars()):
            code = pr.FPDFText_GetUnicode(textpage.raw, i)
            if code in (0, 0xFFFE, 0xFFFF) or pr.FPDFText_IsGenerated(textpage.raw, i) == 1:
                continue
            pr.FPDFText_GetLooseCharBox(textpage.raw, i, ctypes.byref(rect))
            out.append((chr(code), rect.left, height - rect.top, rect.right, height - rect.bottom,
                        pr.FPDFText_GetFontSize(textpage.raw, i)))
        textpage.close()
        page.close()
        pages.append(out)
    doc.close()
    return pages


def test_batched_pdfium_glyphs_equal_per_character_calls(tmp_path: Path):
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    mixed = tmp_path / "mixed.pdf"
    c = canvas.Canvas(str(mixed), pagesize=(400, 300))
    c.showPage()
    c.setFont("Helvetica", 11)
    c.drawString(20, 250, "Hello   world, 2024-05 spaced")
    c.setFont("STSong-Light", 16)
    c.drawString(20, 200, "社会工作 １２３％ 共185人")
    c.showPage()
    c.save()
    generated = sorted((Path(__file__).parent.parent / "corpus" / "pdf").glob("cols4_*.pdf"))
    for path in [mixed, *generated]:
        batched = [[(g.text, g.x0, g.top, g.x1, g.bottom, g.size) for g in raw.glyphs]
                   for raw in pdfium_pages(path)]
        reference = per_character_glyphs(path)
        assert batched == reference, path.name
        assert sum(map(len, batched)) > 20


def test_loosely_justified_line_stays_one_line_but_gutter_splits():
    """Character spacing wider than the join limit, repeated glyph after glyph, is one line;
    the gutter after it, not repeated, still ends it."""
    loose = glyphs_for("困难群众救助", size=10, step=17)
    right = glyphs_for("社工站", x=loose[-1].x1 + 8, size=10)
    frags = build_lines(loose + right)
    assert sorted(fragment_text(f)[0] for f in frags) == ["困难群众救助", "社工站"]


def test_text_that_pdfminer_cannot_decode_is_flagged_not_empty(tmp_path: Path):
    pytest.importorskip("fpdf")
    from fpdf import FPDF

    font = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
    if not font.exists():
        pytest.skip("fonts-noto-cjk not installed")
    path = tmp_path / "cff.pdf"
    pdf = FPDF(unit="pt", format=(300, 200))
    pdf.add_page()
    pdf.add_font("noto", fname=str(font), collection_font_number=2)
    pdf.set_font("noto", size=12)
    pdf.text(20, 40, "社会工作服务站共185人")
    pdf.output(str(path))
    assert [ln.text for ln in read_pdf(path, "x").pages[0].lines] == ["社会工作服务站共185人"]
    raw = next(BACKENDS["pdfplumber"](path))
    assert not raw.glyphs and PageFlag.needs_ocr in raw.flags
