"""Characters to cleaned lines: GBK mojibake, hidden glyphs, dash rules, flags, spacing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from extract.glyphs import Glyph, RawPage, redecode_gbk
from extract.lines import build_lines, fragment_text, is_dash_rule
from extract.pdf import BACKENDS, page_from_raw, pdfium_pages, read_pdf
from schemas import DocumentKind, PageFlag

PRIVATE_USE = re.compile("[\ue000-\uf8ff]")


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


VISIBLE_W, VISIBLE_H = 600.0, 900.0


def draw_visible_page(c: canvas.Canvas) -> None:
    """A small two-column page in visible-page coordinates: a headline, body lines, a rule
    and a grey picture."""
    c.setFont("STSong-Light", 18)
    c.drawString(40, 840, "社工站建设全面铺开")
    c.setLineWidth(0.8)
    c.line(40, 825, 290, 825)
    c.setFont("STSong-Light", 10)
    for i, text in enumerate(["全县建成社工站18个，", "配备社工人员56名，", "服务困难群众1.2万人次。"]):
        c.drawString(40, 800 - 15 * i, text)
        c.drawString(310, 800 - 15 * i, text[::-1])
    c.setFillGray(0.6)
    c.rect(310, 600, 200, 120, stroke=0, fill=1)


def boxed_page(path: Path, transform=None, pagesize=(VISIBLE_W, VISIBLE_H), crop=None, rotate=0, slug=False) -> Path:
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=pagesize)
    if crop:
        c.setCropBox(crop)
    if rotate:
        c.setPageRotation(rotate)
    if slug:
        c.setFont("STSong-Light", 7)
        c.drawString(60, 20, "飞腾排版 第3版 黑色 2024-05-20 21:30")
        c.line(0, 50, 40, 50)
    if transform:
        c.transform(*transform)
    draw_visible_page(c)
    c.showPage()
    c.save()
    return path


def page_boxes(path: Path, backend: str):
    page = read_pdf(path, "x", backend=backend).pages[0]
    lines = sorted((ln.text, *(round(v * 2) / 2 for v in ln.bbox)) for ln in page.lines)
    return (page.width, page.height), lines, page


@pytest.mark.parametrize("backend", ["pdfium", "pdfplumber"])
def test_cropped_and_rotated_pages_give_visible_page_boxes(tmp_path: Path, backend: str):
    """A CropBox that does not start at (0, 0) and a page turned by /Rotate 90 give the
    lines, boxes and size of the visible page, as the plain page does; what lies outside
    the CropBox (a typesetting slug line) is cut off."""
    plain = boxed_page(tmp_path / "plain.pdf")
    cropped = boxed_page(tmp_path / "crop.pdf", transform=(1, 0, 0, 1, 50, 50), pagesize=(700, 1000),
                         crop=(50, 50, 650, 950), slug=True)
    rotated = boxed_page(tmp_path / "rotate.pdf", transform=(0, 1, -1, 0, VISIBLE_H, 0), rotate=90)
    size, want, page = page_boxes(plain, backend)
    assert size == (VISIBLE_W, VISIBLE_H) and len(want) == 7
    for path in (cropped, rotated):
        got_size, got, page = page_boxes(path, backend)
        assert got_size == size and got == want, path.name
        for block in page.blocks:
            x0, top, x1, bottom = block.bbox
            assert 0 <= x0 < x1 <= page.width and 0 <= top < bottom <= page.height
    raw = next(BACKENDS[backend](rotated))
    assert [tuple(round(v) for v in im) for im in raw.images] == [(310, 180, 510, 300)]


def test_layout_drawing_of_a_cropped_page_puts_blocks_on_their_text(tmp_path: Path):
    """`bulletin layout` draws a cropped page's headline box around the headline's pixels."""
    from PIL import Image

    from extract.layout import KIND_COLORS, draw_layout
    from schemas import BlockKind

    cropped = boxed_page(tmp_path / "crop.pdf", transform=(1, 0, 0, 1, 50, 50), pagesize=(700, 1000),
                         crop=(50, 50, 650, 950))
    head = next(b for b in read_pdf(cropped, "x").pages[0].blocks if b.kind == BlockKind.headline)
    png = draw_layout(cropped, 1, tmp_path / "crop.png")
    image = Image.open(png).convert("RGB")
    scale = image.width / VISIBLE_W
    red = tuple(int(KIND_COLORS[BlockKind.headline][i:i + 2], 16) for i in (1, 3, 5))
    xs, ys = zip(*[(x, y) for x in range(image.width) for y in range(0, image.height // 4)
                   if image.getpixel((x, y)) == red], strict=True)
    assert abs(min(xs) - head.bbox[0] * scale) <= 3 and abs(min(ys) - head.bbox[1] * scale) <= 3
    assert abs(max(xs) - head.bbox[2] * scale) <= 3 and abs(max(ys) - head.bbox[3] * scale) <= 3


def test_private_use_characters_are_placeholders_not_text():
    body = glyphs_for("困难群众救助资金", size=10)
    garbage = glyphs_for("".join(chr(0xE000 + i) for i in range(8)), top=40, size=10)
    page, _ = page_from_raw(RawPage(1, 200, 200, [*body, *garbage]))
    assert [ln.text for ln in page.lines] == ["困难群众救助资金"]
    assert PageFlag.cid_placeholders in page.flags and PageFlag.needs_ocr not in page.flags
    page, _ = page_from_raw(RawPage(1, 200, 200, glyphs_for("\uf8ff\ue123\ue456\ue789", size=10)))
    assert not page.lines and {PageFlag.cid_placeholders, PageFlag.needs_ocr} <= set(page.flags)


def test_kangxi_radicals_in_a_text_layer_read_as_ordinary_hanzi():
    page, _ = page_from_raw(RawPage(1, 200, 200, glyphs_for("社⼯⼈员⽂件共\uf9b2人", size=10)))
    assert [ln.text for ln in page.lines] == ["社工人员文件共零人"]


def test_body_in_private_use_characters_stores_none_of_them(tmp_path: Path):
    """A font without a usable ToUnicode map yields private-use code points: the page is
    flagged and `extract_document` stores none of them, while the readable text stays."""
    from extract.pipeline import extract_document

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "pua.pdf"
    c = canvas.Canvas(str(path), pagesize=(400, 300))
    c.setFont("STSong-Light", 16)
    c.drawString(20, 250, "社工站建设全面铺开")
    c.setFont("STSong-Light", 10)
    c.drawString(20, 220, "全县建成社工站18个，配备社工56名。")
    for i in range(6):
        c.drawString(20, 200 - 14 * i, "".join(chr(0xE000 + 20 * i + k) for k in range(18)))
    c.showPage()
    c.save()
    document, extracted = extract_document(path)
    text = "".join(article.text for article, _, _ in extracted)
    assert "全县建成社工站18个" in text
    assert not PRIVATE_USE.search(text)
    assert PageFlag.cid_placeholders in document.pages[0].flags



# --- typesetting operators: TJ kerning, Tz, Tc, Tw, half-width punctuation ----------------

BODY = 10.0
COLUMN_W = 125.0
GUTTER = 6.0
LEFT_X = 40.0
RIGHT_X = LEFT_X + COLUMN_W + GUTTER
TOP_Y = 300.0
LEADING = 16.0
LEFT_COLUMN = ["全县现有持证社工185人，", "其中助理社会工作师143人。", "服务12,345人次。"]
RIGHT_COLUMN = ["街道社工站实现全覆盖，", "新增站点36个，培训骨干", "2,048人次。"]
HALVED = set("，。、；：")
"""Full-width punctuation a typesetter may set on half an em."""
KERNS = (-20, 15, -35, 25, 0, -10, 30)
"""Per-character kerning (thousandths of an em) a typesetting system writes into TJ arrays."""


def _advance(ch: str, size: float, scale: float, halved: bool) -> float:
    width = pdfmetrics.stringWidth(ch, "STSong-Light", size)
    if halved and ch in HALVED:
        width /= 2
    return width * scale


def _draw_line(c: canvas.Canvas, x: float, y: float, text: str, style: str, justify: bool) -> None:
    """One column line in `style`, justified to the column width unless it ends a paragraph.

    plain: one Tj. tj: a TJ array with per-character kerning plus the justification spread
    over the gaps between CJK characters (digits stay tight). halfwidth: as tj, with every
    full-width punctuation mark set on half an em (a +500 adjustment after it). tz: 80%
    horizontal scaling, justified by character spacing. tc: character and word spacing,
    justified by character spacing."""
    font = pdfmetrics.getFont("STSong-Light")
    t = c.beginText(x, y)
    t.setFont("STSong-Light", BODY)
    scale = 0.8 if style == "tz" else 1.0
    halved = style == "halfwidth"
    natural = sum(_advance(ch, BODY, scale, halved) for ch in text)
    kerns = [0.0] * len(text) if style in ("plain", "tz", "tc") else [KERNS[i % len(KERNS)] for i in range(len(text))]
    kerns[-1] = 0.0
    natural -= sum(kerns) * BODY / 1000
    extra = COLUMN_W - natural if justify else 0.0
    if style == "plain":
        t.textOut(text)
    elif style in ("tz", "tc"):
        if style == "tz":
            t.setHorizScale(80)
        else:
            t.setWordSpace(3)
        base = 1.0 if style == "tc" else 0.0
        spread = extra - base * (len(text) - 1)
        t.setCharSpace((base + spread / (len(text) - 1)) / scale if justify else base)
        t.textOut(text)
    else:
        cjk_gaps = [i for i in range(len(text) - 1) if not (text[i].isascii() or text[i + 1].isascii())]
        parts = []
        for i, ch in enumerate(text):
            adjust = kerns[i]
            if halved and ch in HALVED:
                adjust += 500
            if i in cjk_gaps:
                adjust -= extra / len(cjk_gaps) * 1000 / BODY
            parts.append(f"({font.formatForPdf(ch)})")
            if adjust:
                parts.append(f"{adjust:.2f}")
        t._code.append(f"[{' '.join(parts)}] TJ")
    c.drawText(t)


def typeset_page(path: Path, style: str) -> Path:
    """Two narrow columns with a 6 pt gutter, one bulletin paragraph each, drawn in `style`."""
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=(400, 400))
    for x, column in ((LEFT_X, LEFT_COLUMN), (RIGHT_X, RIGHT_COLUMN)):
        for i, text in enumerate(column):
            _draw_line(c, x, TOP_Y - LEADING * i, text, style, justify=i < len(column) - 1)
    c.showPage()
    c.save()
    return path


TYPESET_STYLES = ["tj", "halfwidth", "tz", "tc"]


@pytest.mark.parametrize("backend", ["pdfium", "pdfplumber"])
@pytest.mark.parametrize("style", TYPESET_STYLES)
def test_typesetting_operators_give_the_plain_lines(tmp_path: Path, style: str, backend: str):
    """Kerned TJ arrays, 80% horizontal scaling, character and word spacing and half-width
    punctuation, each justified to a narrow column next to a 6 pt gutter, read as the same
    lines as the plainly drawn page: the columns apart, no spaces in Chinese or around
    numbers, no number split."""
    plain = [ln.text for ln in read_pdf(typeset_page(tmp_path / "plain.pdf", "plain"), "x", backend=backend).pages[0].lines]
    assert sorted(plain) == sorted(LEFT_COLUMN + RIGHT_COLUMN)
    page = read_pdf(typeset_page(tmp_path / f"{style}.pdf", style), "x", backend=backend).pages[0]
    got = [ln.text for ln in page.lines]
    assert got == plain
    for line in page.lines:
        assert " " not in line.text
        assert line.bbox[0] < RIGHT_X - GUTTER / 2 or line.bbox[0] > RIGHT_X - 1, line.text
        assert line.bbox[2] < RIGHT_X or line.bbox[0] >= RIGHT_X - 1, line.text
