"""Stage 1 for PDFs: characters of each page become cleaned, positioned lines.

Two character sources sit behind one small interface (`RawPage` of `Glyph`s):
pypdfium2 (default: many times faster than pdfminer, and it decodes GBK-encoded fonts
without a ToUnicode map that pdfminer returns as Latin-1 mojibake) and pdfplumber (the
project's PDF library; used for drawing and as a cross-check). Cleaning and line building
work on glyphs, whichever source produced them; `extract.layout` turns lines into blocks.
"""

from __future__ import annotations

import ctypes
import itertools
import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from schemas import Document, DocumentKind, Line, Page, PageFlag

Backend = str  # "pdfium" | "pdfplumber"

DASH_CHARS = set("-‐‑‒–—―─━＿_=＝·•…⋯－~～.．")
"""Characters that, repeated alone on a line, draw a rule rather than say something."""
MIN_DASH_RULE = 4
TINY_GLYPH_RATIO = 0.45
"""Glyphs below this fraction of the body size are spacers, superscript noise or hidden."""
WHITE = 0.95
SPACE_RATIO = 0.25
"""A gap this many ems wider than the usual letter spacing is a space."""
CID_RE = re.compile(r"\(cid:\d+\)")
BOLD_NAME_RE = re.compile(r"bold|heavy|black|hei|黑|demi", re.IGNORECASE)
LATIN1_HIGH = re.compile(r"[\u00a1-\u00fe]")
CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
CLOSING_PUNCT = set("，。、；：？！）”’」』》〉")
PUNCT_GAP = 0.7
"""Ems of gap after a closing punctuation mark's ink that still continue its line."""
FULLWIDTH_SAFE = {chr(c) for c in range(0xFF10, 0xFF1A)} | {"％"} | {
    chr(c) for c in [*range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]
}
"""Full-width characters NFKC may fold one-to-one (digits, Latin letters, percent)."""


@dataclass(slots=True)
class Glyph:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    font: str = ""
    bold: bool = False
    visible: bool = True
    space: bool = False
    space_before: bool = False


@dataclass
class RawPage:
    """What a backend reads from one page: glyphs in content-stream order and graphics."""

    number: int
    width: float
    height: float
    glyphs: list[Glyph]
    images: list[tuple[float, float, float, float]] = field(default_factory=list)
    rules: list[tuple[float, float, float, float]] = field(default_factory=list)
    frames: list[tuple[float, float, float, float]] = field(default_factory=list)
    flags: list[PageFlag] = field(default_factory=list)


# --- backends -------------------------------------------------------------------------


def _is_white(color) -> bool:
    if not isinstance(color, tuple | list) or not color:
        return False
    try:
        values = [float(v) for v in color]
    except (TypeError, ValueError):
        return False
    if len(values) == 4:
        return all(v <= 1 - WHITE for v in values)
    return all(v >= WHITE for v in values)


def _classify_graphic(box, width: float, height: float, raw: RawPage, filled: bool, stroked: bool):
    """Sort a drawn path into a rule (thin line), a frame (stroked box) or an image stand-in."""
    x0, top, x1, bottom = box
    w, h = x1 - x0, bottom - top
    if (h <= 2.5 and w >= 20) or (w <= 2.5 and h >= 20):
        raw.rules.append(box)
    elif w >= 20 and h >= 12:
        if filled and not stroked and w < width * 0.95:
            raw.images.append(box)
        elif stroked:
            raw.frames.append(box)


PDFIUM_REOPEN_PAGES = 16
"""pdfium caches every font and resource it parses until its document is closed (a page
that embeds its own fonts adds them for good), so the document is reopened this often."""


def pdfium_pages(path: Path) -> Iterator[RawPage]:
    """Glyphs and graphics of each page from pypdfium2; each text page and page is closed
    after use, and the document every `PDFIUM_REOPEN_PAGES` pages, so memory stays flat."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pr

    doc = pdfium.PdfDocument(str(path))
    try:
        count = len(doc)
        for index in range(count):
            if index and index % PDFIUM_REOPEN_PAGES == 0:
                doc.close()
                doc = pdfium.PdfDocument(str(path))
            page = doc[index]
            try:
                raw = _pdfium_page(page, index + 1, pr)
            finally:
                page.close()
            yield raw
    finally:
        doc.close()


def _pdfium_page(page, number: int, pr) -> RawPage:
    """One page's glyphs from pdfium; font name, weight, fill and render mode are read once
    per text object, the rest per character with preallocated ctypes arguments."""
    width, height = page.get_size()
    textpage = page.get_textpage()
    glyphs: list[Glyph] = []
    font_cache: dict[int, tuple[str, bool, bool]] = {}
    cbox = [ctypes.c_double() for _ in range(4)]
    cbox_refs = [ctypes.byref(v) for v in cbox]
    rgba = [ctypes.c_uint() for _ in range(4)]
    rgba_refs = [ctypes.byref(v) for v in rgba]
    rect = pr.FS_RECTF()
    rect_ref = ctypes.byref(rect)
    buf = ctypes.create_string_buffer(128)
    flags = ctypes.byref(ctypes.c_int())
    get_box, get_size, get_obj = pr.FPDFText_GetLooseCharBox, pr.FPDFText_GetFontSize, pr.FPDFText_GetTextObject
    generated, void_p = pr.FPDFText_IsGenerated, ctypes.c_void_p
    try:
        tp = textpage.raw
        n = pr.FPDFText_CountChars(tp)
        units = (ctypes.c_ushort * (n + 1))()
        got = pr.FPDFText_GetText(tp, 0, n, units)
        codes = list(units[: max(0, got - 1)])
        if len(codes) != n:
            codes = [pr.FPDFText_GetUnicode(tp, i) for i in range(n)]
        for i, code in enumerate(codes):
            if code in (0, 0xFFFE, 0xFFFF) or 0xD800 <= code < 0xE000 or generated(tp, i) == 1:
                if 0xD800 <= code < 0xE000:
                    code = pr.FPDFText_GetUnicode(tp, i)
                else:
                    continue
            ch = chr(code)
            get_box(tp, i, rect_ref)
            size = get_size(tp, i)
            obj = get_obj(tp, i)
            key = ctypes.cast(obj, void_p).value or 0
            info = font_cache.get(key)
            if info is None:
                info = _pdfium_font_info(tp, i, obj, pr, buf, flags, rgba, rgba_refs)
                font_cache[key] = info
            name, bold, visible = info
            x0, x1 = rect.left, rect.right
            if x1 - x0 < 0.05:
                pr.FPDFText_GetCharBox(tp, i, *cbox_refs)
                x0, x1 = cbox[0].value, max(cbox[1].value, cbox[0].value + size * 0.5)
            glyphs.append(Glyph(ch, x0, height - rect.top, x1, height - rect.bottom, size, name,
                                bold, visible, ch.isspace()))
    finally:
        textpage.close()
    raw = RawPage(number, width, height, glyphs)
    _pdfium_graphics(page, raw, pr)
    return raw


def _pdfium_font_info(tp, i, obj, pr, buf, flags, rgba, rgba_refs) -> tuple[str, bool, bool]:
    """Font name, boldness and visibility of the text object character `i` belongs to."""
    pr.FPDFText_GetFontInfo(tp, i, buf, 128, flags)
    name = buf.value.decode("utf-8", "replace")
    weight = pr.FPDFText_GetFontWeight(tp, i)
    mode = pr.FPDFTextObj_GetTextRenderMode(obj) if obj else 0
    visible = mode not in (3, 7)
    has_fill = pr.FPDFText_GetFillColor(tp, i, *rgba_refs)
    r, g, b, a = (v.value for v in rgba)
    if has_fill and (min(r, g, b) >= 243 or a == 0):
        visible = visible and mode in (1, 2, 5, 6)
    bold = weight >= 600 or mode == 2 or bool(BOLD_NAME_RE.search(name))
    return name, bold, visible


def _pdfium_graphics(page, raw: RawPage, pr) -> None:
    x0, b, x1, t = (ctypes.c_float() for _ in range(4))
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    for i in range(pr.FPDFPage_CountObjects(page.raw)):
        obj = pr.FPDFPage_GetObject(page.raw, i)
        kind = pr.FPDFPageObj_GetType(obj)
        if kind not in (pr.FPDF_PAGEOBJ_PATH, pr.FPDF_PAGEOBJ_IMAGE):
            continue
        if not pr.FPDFPageObj_GetBounds(obj, *(ctypes.byref(v) for v in (x0, b, x1, t))):
            continue
        box = (x0.value, raw.height - t.value, x1.value, raw.height - b.value)
        if kind == pr.FPDF_PAGEOBJ_IMAGE:
            raw.images.append(box)
            continue
        pr.FPDFPath_GetDrawMode(obj, ctypes.byref(fill), ctypes.byref(stroke))
        _classify_graphic(box, raw.width, raw.height, raw, bool(fill.value), bool(stroke.value))


def plumber_pages(path: Path) -> Iterator[RawPage]:
    """Glyphs and graphics of each page from pdfplumber (pdfminer); each page is closed."""
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        for page in pdf.pages:
            try:
                yield _plumber_page(page)
            finally:
                page.close()


def _plumber_page(page) -> RawPage:
    glyphs = []
    for c in page.chars:
        text = c["text"]
        name = c.get("fontname", "")
        if isinstance(name, bytes):
            name = name.decode("gbk", "replace")
        visible = not _is_white(c.get("non_stroking_color"))
        glyphs.append(
            Glyph(text, c["x0"], c["top"], c["x1"], c["bottom"], c["size"], name,
                  bool(BOLD_NAME_RE.search(name)), visible, text.isspace())
        )
    raw = RawPage(page.page_number, float(page.width), float(page.height), glyphs)
    for im in page.images:
        raw.images.append((im["x0"], im["top"], im["x1"], im["bottom"]))
    for ln in page.lines:
        _classify_graphic((ln["x0"], ln["top"], ln["x1"], ln["bottom"]), raw.width, raw.height, raw, False, True)
    for rc in page.rects:
        _classify_graphic((rc["x0"], rc["top"], rc["x1"], rc["bottom"]), raw.width, raw.height, raw,
                          bool(rc.get("fill")), bool(rc.get("stroke")))
    return raw


BACKENDS = {"pdfium": pdfium_pages, "pdfplumber": plumber_pages}


# --- cleaning -------------------------------------------------------------------------


def redecode_gbk(glyphs: list[Glyph]) -> tuple[list[Glyph], bool]:
    """Re-read Latin-1 mojibake as GBK byte pairs (fonts without a ToUnicode map).

    Only when most glyphs are Latin-1 high characters and none is CJK. Each lead byte pairs
    with the glyph drawn right after it; pdfminer turns the trail byte 0xAD into a space, told
    from the word-spacing spaces by not sharing its x with the next glyph. A pair becomes one
    glyph spanning both half boxes. Returns the glyphs and whether anything changed.
    """
    real = [g for g in glyphs if not g.space]
    high = sum(1 for g in real if LATIN1_HIGH.fullmatch(g.text))
    if not real or high < max(4, 0.5 * len(real)) or any(CJK_RE.match(g.text) for g in real):
        return glyphs, False
    out: list[Glyph] = []
    pending: Glyph | None = None
    for i, g in enumerate(glyphs):
        if pending is not None:
            nxt = glyphs[i + 1] if i + 1 < len(glyphs) else None
            code = ord(g.text[0]) if g.text else 0
            if g.space:
                if nxt is not None and abs(nxt.x0 - g.x0) < 0.5:
                    continue
                code = 0xAD
            ch = ""
            if code <= 0xFF:
                try:
                    ch = bytes([ord(pending.text), code]).decode("gbk")
                except UnicodeDecodeError:
                    ch = ""
            if ch:
                out.append(Glyph(ch, pending.x0, min(pending.top, g.top), max(pending.x1, g.x1),
                                 max(pending.bottom, g.bottom), g.size, g.font, g.bold, g.visible,
                                 ch.isspace()))
                pending = None
                continue
            pending = None
        code = ord(g.text[0]) if len(g.text) == 1 else 0
        if 0x81 <= code <= 0xFE:
            pending = g
        else:
            out.append(g)
    return out, True


def _is_cid(g: Glyph) -> bool:
    return g.text.startswith("(cid:")


def body_size(glyphs: list[Glyph]) -> float:
    """The most common character size (to 0.5 pt): the body text's size."""
    sizes = Counter(round(g.size * 2) / 2 for g in glyphs if g.visible and g.size > 0)
    return sizes.most_common(1)[0][0] if sizes else 10.0


def clean_glyphs(raw: RawPage) -> tuple[list[Glyph], float]:
    """Mark invisible, white, tiny and placeholder glyphs; fold safe full-width forms.

    Marked glyphs stay in the list (not `visible`) so that a hidden spacer or a space still
    bridges the gap it fills when lines are built; they never reach the text.
    """
    glyphs, changed = redecode_gbk(raw.glyphs)
    if changed:
        raw.flags.append(PageFlag.mojibake_redecoded)
    cids = {id(g) for g in glyphs if len(g.text) > 1 and _is_cid(g)}
    if cids:
        raw.flags.append(PageFlag.cid_placeholders)
    size = body_size([g for g in glyphs if not g.space and id(g) not in cids])
    for g in glyphs:
        if g.space or id(g) in cids or g.size < size * TINY_GLYPH_RATIO:
            g.visible = False
        elif g.text in FULLWIDTH_SAFE:
            g.text = unicodedata.normalize("NFKC", g.text)
    return glyphs, size


def is_vertical(glyphs: list[Glyph]) -> bool:
    """Most consecutive glyphs step downwards in the same column: vertical writing."""
    down = across = 0
    for a, b in itertools.pairwise(glyphs):
        dy, dx = b.top - a.top, b.x0 - a.x0
        if abs(dx) < a.size * 0.3 and 0.5 * a.size < dy < 1.6 * a.size:
            down += 1
        elif abs(dy) < a.size * 0.3 and dx > 0:
            across += 1
    return down > 10 and down > 2 * across


# --- lines ----------------------------------------------------------------------------


@dataclass
class Fragment:
    """Glyphs on one baseline with no column-sized gap between them."""

    glyphs: list[Glyph]

    @property
    def x0(self) -> float:
        return self.glyphs[0].x0

    @property
    def x1(self) -> float:
        return self.glyphs[-1].x1

    @property
    def top(self) -> float:
        return min(g.top for g in self.glyphs)

    @property
    def bottom(self) -> float:
        return max(g.bottom for g in self.glyphs)


def gap_after(last: Glyph, g: Glyph, gap_limit: float, size: float) -> tuple[float, float]:
    """The gap from `last` to `g` and the largest gap that still joins them, in points.

    Full-width closing punctuation inks only the left half of its em box, and at a column's
    end that box may hang into the gutter; after it the gap is measured from the ink, with
    room for the half-em of blank box (plus justification) that follows it mid-line."""
    if last.text in CLOSING_PUNCT:
        return g.x0 - min(last.x1, last.x0 + 0.5 * last.size), PUNCT_GAP * size
    return g.x0 - last.x1, gap_limit * size


def _joins(line: list[Glyph], g: Glyph, gap_limit: float) -> bool:
    """Whether `g` continues `line` on the same baseline with no column-sized gap.

    The gap is measured in ems of the smaller font: a body line next to a headline line
    across a narrow gutter stays apart."""
    last = line[-1]
    if last.space and not g.space:
        last = next((x for x in reversed(line[-4:]) if not x.space), last)
    size = max(last.size, g.size, 1.0)
    if last.space or g.space:
        dy_ok = abs(last.bottom - g.bottom) < 0.6 * size
    else:
        dy_ok = abs((last.top + last.bottom) / 2 - (g.top + g.bottom) / 2) < 0.35 * size
    gap, limit = gap_after(last, g, gap_limit, max(min(last.size, g.size), 1.0))
    return dy_ok and -0.6 * size < gap < limit


def build_lines(glyphs: list[Glyph], gap_limit: float = 0.45) -> list[Fragment]:
    """Glyphs become line fragments: stream order first, then same-baseline neighbours merged.

    A gap wider than `gap_limit` times the font size ends a fragment, so narrow gutters
    (down to about two thirds of the body size) still separate columns; spaces and hidden
    glyphs bridge the gaps they fill and are dropped afterwards.
    """
    runs: list[list[Glyph]] = []
    for g in glyphs:
        if runs and _joins(runs[-1], g, gap_limit):
            runs[-1].append(g)
        else:
            runs.append([g])
    runs = [r for r in runs if any(g.visible for g in r)]
    runs.sort(key=lambda r: (round((r[0].top + r[0].bottom) / 2), r[0].x0))
    merged: list[list[Glyph]] = []
    rightmost: list[Glyph] = []
    for run in runs:
        end = max(run, key=lambda x: x.x1)
        for k in range(len(merged) - 1, max(-1, len(merged) - 9), -1):
            if _joins([rightmost[k]], run[0], gap_limit):
                merged[k].extend(run)
                if end.x1 > rightmost[k].x1:
                    rightmost[k] = end
                break
        else:
            merged.append(run)
            rightmost.append(end)
    for run in runs:
        for a, b in itertools.pairwise(run):
            b.space_before = a.space and b.visible and not b.space
    return [Fragment(sorted((g for g in r if g.visible), key=lambda g: g.x0)) for r in merged]


def fragment_text(frag: Fragment) -> tuple[str, list[tuple[float, float, float, float]]]:
    """Text of a fragment with one box per character.

    A space is kept where a space glyph was drawn or the gap between two glyph boxes is
    clearly wider than the fragment's usual letter spacing, but not where spaces pad every
    glyph (letter-spaced titles) and never next to a digit (the reflow rule: no spaces
    around numbers).
    """
    glyphs = frag.glyphs
    gaps = [b.x0 - a.x1 for a, b in itertools.pairwise(glyphs)]
    usual = statistics.median(gaps) if gaps else 0.0
    drawn = sum(g.space_before for g in glyphs) <= len(glyphs) / 3
    chars: list[str] = []
    boxes: list[tuple[float, float, float, float]] = []
    for i, g in enumerate(glyphs):
        if i and (gaps[i - 1] > usual + SPACE_RATIO * g.size or (drawn and g.space_before)):
            prev = glyphs[i - 1]
            if not (prev.text[-1:].isdigit() or g.text[:1].isdigit()):
                chars.append(" ")
                boxes.append((prev.x1, prev.top, g.x0, prev.bottom))
        for ch in g.text:
            chars.append(ch)
            boxes.append((g.x0, g.top, g.x1, g.bottom))
    return "".join(chars), boxes


def is_dash_rule(text: str) -> bool:
    stripped = text.replace(" ", "")
    return len(stripped) >= MIN_DASH_RULE and all(c in DASH_CHARS for c in stripped)


def to_line(frag: Fragment, number: int) -> Line | None:
    text, boxes = fragment_text(frag)
    if not text.strip() or is_dash_rule(text):
        return None
    sizes = [g.size for g in frag.glyphs]
    bold = sum(g.bold for g in frag.glyphs) > len(frag.glyphs) / 2
    line = Line(
        text=text, page=number, bbox=(frag.x0, frag.top, frag.x1, frag.bottom),
        size=round(statistics.median(sizes), 2), bold=bold,
    )
    line.char_boxes = boxes
    return line


def share_coordinates(glyphs: list[Glyph]) -> None:
    """Let equal glyph coordinates share one float object.

    Character boxes are kept for every character of the page's blocks (figure boxes need
    them); on a baseline grid most coordinates repeat, so sharing them keeps that small."""
    shared: dict[float, float] = {}
    share = shared.setdefault
    for g in glyphs:
        x0, x1, top, bottom = g.x0, g.x1, g.top, g.bottom
        g.x0, g.x1, g.top, g.bottom = share(x0, x0), share(x1, x1), share(top, top), share(bottom, bottom)


def page_from_raw(raw: RawPage) -> tuple[Page, float]:
    """Clean a backend page, flag what cannot be trusted, and build its lines."""
    glyphs, size = clean_glyphs(raw)
    share_coordinates(glyphs)
    flags = list(dict.fromkeys(raw.flags))
    if not any(g.visible for g in glyphs):
        flags.append(PageFlag.needs_ocr if raw.images else PageFlag.empty)
    elif is_vertical([g for g in glyphs if g.visible]):
        flags.append(PageFlag.vertical_text)
    lines = [ln for frag in build_lines(glyphs) if (ln := to_line(frag, raw.number))]
    page = Page(number=raw.number, width=raw.width, height=raw.height, lines=lines, flags=flags)
    return page, size


def read_pdf(path: Path, document_id: str, backend: Backend = "pdfium") -> Document:
    """Read a PDF into pages of cleaned lines and, via `extract.layout`, ordered blocks.

    Pages are read one at a time; once a page's blocks are built its lines drop their
    character boxes (the blocks carry them on), and nothing of the backend is kept."""
    from extract.layout import layout_page

    path = Path(path)
    pages = []
    for raw in BACKENDS[backend](path):
        page, size = page_from_raw(raw)
        if PageFlag.vertical_text not in page.flags and page.lines:
            page.blocks = layout_page(page, raw, size)
        else:
            page.blocks = []
        del raw
        for line in page.lines:
            line.char_boxes = None
        pages.append(page)
    return Document(
        document_id=document_id, path=str(path), kind=DocumentKind.pdf,
        size=path.stat().st_size, pages=pages,
    )
