"""Stage 1 for PDFs: read each page's characters and graphics, then its lines and blocks.

Two character sources sit behind one small interface (a `RawPage` whose `Glyphs` table
holds the page's characters): pypdfium2 (default: many times faster than pdfminer, and it
decodes GBK-encoded fonts without a ToUnicode map that pdfminer returns as Latin-1
mojibake) and pdfplumber (the project's PDF library; used for drawing and as a
cross-check). pdfium is asked about each character and text object through
`extract.pdfium_calls` (a page's calls at once). `extract.glyphs` cleans the characters,
whichever source produced them, `extract.lines` builds lines and `extract.layout` turns lines
into blocks.
"""

from __future__ import annotations

import ctypes
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from extract.glyphs import Glyph, Glyphs, RawPage, clean_glyphs, clip_to_page, is_vertical, pick
from extract.layout import layout_page
from extract.lines import build_lines, to_lines
from extract.pdfium_calls import (
    ObjectStyles,
    PdfiumCalls,
    char_boxes_and_objects,
    generated,
    handle,
    object_styles,
    page_objects,
    pdfium_calls,
)
from schemas import Document, DocumentKind, Page, PageFlag

Backend = str  # "pdfium" | "pdfplumber"

WHITE = 0.95
BOLD_NAME_RE = re.compile(r"bold|heavy|black|hei|黑|demi", re.IGNORECASE)


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


@dataclass(frozen=True)
class PageView:
    """The visible page: the CropBox within the MediaBox (PDF user space, y up) turned by
    /Rotate (clockwise degrees). Every box the reader gives out is in points from the visible
    page's top-left corner, x to the right and y down, as pdfplumber measures a page whose
    boxes start at (0, 0) and the OCR reader measures its rendering; content outside the
    visible page is clipped off (`clip_to_page`)."""

    left: float
    bottom: float
    right: float
    top: float
    rotation: int = 0

    @classmethod
    def of_pdfium(cls, page) -> PageView:
        left, bottom, right, top = page.get_bbox()
        return cls(left, bottom, right, top, page.get_rotation() % 360)

    def to_page(self, x0, y0, x1, y1):
        """User-space boxes (left, top, right, bottom; y up; numbers or numpy arrays) as rows
        (x0, top, x1, bottom) on the visible page."""
        r, left, bottom, right, top = self.rotation, self.left, self.bottom, self.right, self.top
        if r == 90:
            rows = (y1 - bottom, x0 - left, y0 - bottom, x1 - left)
        elif r == 180:
            rows = (right - x1, y1 - bottom, right - x0, y0 - bottom)
        elif r == 270:
            rows = (top - y0, right - x1, top - y1, right - x0)
        else:
            rows = (x0 - left if left else x0, top - y0, x1 - left if left else x1, top - y1)
        if isinstance(x0, np.ndarray):
            return np.stack(rows)
        return rows

    def box(self, x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
        """One user-space box (y0 its top, y1 its bottom) on the visible page, corners sorted."""
        a, b, c, d = self.to_page(x0, y0, x1, y1)
        return min(a, c), min(b, d), max(a, c), max(b, d)


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


def _pdfium_codes(tp, n: int, pr):
    """The page's characters as code points (a numpy array): one text call, per-character
    only when a character outside the BMP makes the UTF-16 text longer than the count."""
    units = (ctypes.c_ushort * (n + 1))()
    got = pr.FPDFText_GetText(tp, 0, n, units)
    if max(0, got - 1) == n:
        return np.frombuffer(units, dtype=np.uint16, count=n).astype(np.int64)
    return np.array([pr.FPDFText_GetUnicode(tp, i) for i in range(n)], dtype=np.int64)


def _pdfium_page(page, number: int, pr) -> RawPage:
    """One page's glyphs from pdfium: each character's loose box and text object, and each
    text object's font name, weight, size, fill and render mode (read once per object and
    spread to its characters by index)."""
    width, height = page.get_size()
    view = PageView.of_pdfium(page)
    textpage = page.get_textpage()
    calls = pdfium_calls(pr)
    try:
        tp = textpage.raw
        h = handle(tp)
        codes = _pdfium_codes(tp, pr.FPDFText_CountChars(tp), pr)
        keep = _pdfium_kept(tp, codes, calls, pr)
        box, objects = char_boxes_and_objects(calls, h, keep)
        first, style = _first_of_each(objects)
        sizes, names, bold, visible = _pdfium_styles(h, object_styles(calls, h, objects[first], keep[first]),
                                                     keep[first].tolist(), calls)
        size = sizes[style]
        box = box.astype(np.float64)
        thin = np.flatnonzero(box[:, 2] - box[:, 0] < 0.05).tolist()
        if thin:
            kept = keep.tolist()
            _pdfium_widen(tp, [(kept[k], k, size[k]) for k in thin], box, pr)
        x0, top, x1, bottom = view.to_page(box[:, 0], box[:, 1], box[:, 2], box[:, 3])
    finally:
        textpage.close()
    glyphs = Glyphs(_code_texts(codes[keep]), x0, top, x1, bottom, size, font=pick(names, style.tolist()),
                    bold=bold[style], visible=visible[style])
    raw = RawPage(number, width, height, glyphs)
    _pdfium_graphics(page, raw, pr, view)
    return raw


def _first_of_each(values):
    """Where each distinct value first occurs, and for every element the index of its value
    among those: `np.unique` over the runs of equal neighbours (a text object's characters
    come one after another), not over every element."""
    if not len(values):
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
    change = np.flatnonzero(np.concatenate(([True], values[1:] != values[:-1])))
    _, first_run, run_value = np.unique(values[change], return_index=True, return_inverse=True)
    return change[first_run], np.repeat(run_value, np.diff(np.append(change, len(values))))


def _code_texts(codes) -> list[str]:
    """One string per code point, decoded in one call (lone surrogates pass through)."""
    try:
        return list(np.asarray(codes, dtype=np.uint32).tobytes().decode("utf-32-le", "surrogatepass"))
    except (UnicodeDecodeError, ValueError, OverflowError):
        return [chr(c) for c in np.asarray(codes).tolist()]


def _pdfium_kept(tp, codes, calls: PdfiumCalls, pr):
    """Indexes (a numpy array) of drawn characters: not a placeholder code, not generated by
    pdfium. A surrogate unit is read again as the whole character (in `codes`). Only the
    codes that may be either are asked about (pdfium adds a line break and often a space
    per line)."""
    surrogate = (codes >= 0xD800) & (codes < 0xE000)
    for i in np.flatnonzero(surrogate).tolist():
        codes[i] = pr.FPDFText_GetUnicode(tp, i)
    placeholder = ((codes == 0) | (codes == 0xFFFE) | (codes == 0xFFFF)) & ~surrogate
    ask = np.flatnonzero((codes < 0x21) & ~placeholder & ~surrogate)
    placeholder[ask[generated(calls, handle(tp), ask)]] = True
    return np.flatnonzero(~placeholder)


def _pdfium_styles(h: int, styles: ObjectStyles, chars: list[int], calls: PdfiumCalls):
    """Size, font name, boldness and visibility of text objects with `styles`, each read at
    one of its characters (`chars`); name and weight are read once per font. Invisible:
    render modes 3 and 7, and white or fully transparent fill unless the glyph is stroked.
    Bold: weight 600 or more, fill-and-stroke mode, or a bold font name."""
    _, first, face_of = np.unique(styles.fonts, return_index=True, return_inverse=True)
    faces = [_pdfium_face(h, chars[k], calls) for k in first.tolist()]
    modes, color = styles.modes, styles.rgba
    blank = styles.has_fill & ((color[:, :3].min(axis=1) >= 243) | (color[:, 3] == 0))
    stroked = (modes == 1) | (modes == 2) | (modes == 5) | (modes == 6)
    visible = (modes != 3) & (modes != 7) & ~(blank & ~stroked)
    names = [faces[k][0] for k in face_of.tolist()]
    heavy = np.array([bold for _, bold in faces], dtype=bool)[face_of]
    return styles.sizes, names, heavy | (modes == 2), visible


def _pdfium_face(h: int, i: int, calls: PdfiumCalls) -> tuple[str, bool]:
    """Base font name of character `i`'s font, and whether the font is bold by its weight
    or its name."""
    buffer, flags = ctypes.create_string_buffer(128), ctypes.c_int()
    calls.font_info(h, i, ctypes.addressof(buffer), 128, ctypes.addressof(flags))
    name = buffer.value.decode("utf-8", "replace")
    return name, calls.font_weight(h, i) >= 600 or bool(BOLD_NAME_RE.search(name))


def _pdfium_widen(tp, thin: list[tuple[int, int, float]], box, pr) -> None:
    """A loose box with no width (some fonts report none) takes the tight box's left edge
    and at least half an em. `thin` holds (character index, row in `box`, font size)."""
    cbox = [ctypes.c_double() for _ in range(4)]
    refs = [ctypes.byref(v) for v in cbox]
    for i, row, size in thin:
        pr.FPDFText_GetCharBox(tp, i, *refs)
        box[row, 0], box[row, 2] = cbox[0].value, max(cbox[1].value, cbox[0].value + size * 0.5)


def _pdfium_graphics(page, raw: RawPage, pr, view: PageView) -> None:
    """Images and drawn paths of the page (rules, frames, image stand-ins): the page's
    objects and their kinds are listed in one compiled loop; only paths and images are
    measured."""
    calls = pdfium_calls(pr)
    objects, kinds = page_objects(calls, handle(page.raw), pr.FPDFPage_CountObjects(page.raw))
    drawn_kinds = (kinds == pr.FPDF_PAGEOBJ_PATH) | (kinds == pr.FPDF_PAGEOBJ_IMAGE)
    box = (ctypes.c_float * 4)()
    corners = [ctypes.addressof(box) + 4 * k for k in range(4)]
    modes = (ctypes.c_int * 2)()
    fill, stroke = ctypes.addressof(modes), ctypes.addressof(modes) + 4
    for k in np.flatnonzero(drawn_kinds).tolist():
        obj = int(objects[k])
        if not calls.bounds(obj, *corners):
            continue
        x0, b, x1, t = box
        drawn = view.box(x0, t, x1, b)
        if kinds[k] == pr.FPDF_PAGEOBJ_IMAGE:
            raw.images.append(drawn)
            continue
        modes[0] = modes[1] = 0
        calls.draw_mode(obj, fill, stroke)
        _classify_graphic(drawn, raw.width, raw.height, raw, bool(modes[0]), bool(modes[1]))


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
    """pdfplumber measures from the MediaBox's corner; boxes are moved to the visible page
    (its CropBox), as `PageView` does for pdfium."""
    left, top, right, bottom = page.cropbox
    glyphs = []
    for c in page.chars:
        text = c["text"]
        name = c.get("fontname", "")
        if isinstance(name, bytes):
            name = name.decode("gbk", "replace")
        visible = not _is_white(c.get("non_stroking_color"))
        glyphs.append(
            Glyph(text, c["x0"] - left, c["top"] - top, c["x1"] - left, c["bottom"] - top, c["size"], name,
                  bool(BOLD_NAME_RE.search(name)), visible, text.isspace())
        )
    raw = RawPage(page.page_number, float(right - left), float(bottom - top), glyphs)
    if not glyphs and _shows_text(page):
        raw.flags.append(PageFlag.needs_ocr)

    def moved(obj) -> tuple[float, float, float, float]:
        return obj["x0"] - left, obj["top"] - top, obj["x1"] - left, obj["bottom"] - top

    for im in page.images:
        raw.images.append(moved(im))
    for ln in page.lines:
        _classify_graphic(moved(ln), raw.width, raw.height, raw, False, True)
    for rc in page.rects:
        _classify_graphic(moved(rc), raw.width, raw.height, raw, bool(rc.get("fill")), bool(rc.get("stroke")))
    return raw


TEXT_SHOWING = re.compile(rb"[)>\]]\s*(?:Tj|TJ|'|\")")
"""A text-showing operator after its string operand in a content stream."""


def _shows_text(page) -> bool:
    """Whether the page's content streams draw text: when pdfminer decodes no character of a
    page that does (fpdf2's CFF-font output is one), the text layer cannot be read and the
    page is flagged `needs_ocr` instead of passing for an empty page."""
    from pdfminer.pdftypes import resolve1

    try:
        return any(TEXT_SHOWING.search(resolve1(ref).get_data()) for ref in page.page_obj.contents or [])
    except Exception:  # a stream pdfminer cannot decode says nothing either way
        return False


BACKENDS = {"pdfium": pdfium_pages, "pdfplumber": plumber_pages}


def page_from_raw(raw: RawPage) -> tuple[Page, float]:
    """Clean a backend page, flag what cannot be trusted, and build its lines."""
    clip_to_page(raw)
    glyphs, size = clean_glyphs(raw)
    flags = list(dict.fromkeys(raw.flags))
    if not glyphs.visible.any():
        if PageFlag.needs_ocr not in flags:
            unreadable = raw.images or PageFlag.cid_placeholders in flags
            flags.append(PageFlag.needs_ocr if unreadable else PageFlag.empty)
    elif is_vertical(glyphs):
        flags.append(PageFlag.vertical_text)
    lines = to_lines(build_lines(glyphs), raw.number)
    page = Page(number=raw.number, width=raw.width, height=raw.height, lines=lines, flags=flags)
    return page, size


def iter_pdf_pages(path: Path, backend: Backend = "pdfium") -> Iterator[Page]:
    """Each page of a PDF, read, cleaned and laid out, one at a time.

    A page is yielded with its lines (without character boxes: its blocks carry them on) and
    its ordered blocks, before the next page is read; nothing of the backend is kept, so a
    caller that lets go of each page runs in memory that does not grow with the file."""
    path = Path(path)
    for raw in BACKENDS[backend](path):
        page, size = page_from_raw(raw)
        if PageFlag.needs_ocr in page.flags:
            from extract.ocr import ocr_page

            page, size = ocr_page(path, raw, page, size)
        if PageFlag.vertical_text not in page.flags and page.lines:
            page.blocks = layout_page(page, raw, size)
        else:
            page.blocks = []
        del raw
        for line in page.lines:
            line.char_boxes = None
        yield page


def pdf_document(path: Path, document_id: str, pages: list[Page]) -> Document:
    """The Document of a PDF at `path` holding `pages` (all of them, or their headers)."""
    path = Path(path)
    return Document(
        document_id=document_id, path=str(path), kind=DocumentKind.pdf,
        size=path.stat().st_size, pages=pages,
    )


def read_pdf(path: Path, document_id: str, backend: Backend = "pdfium") -> Document:
    """Read a PDF into pages of cleaned lines and, via `extract.layout`, ordered blocks.

    Every page is kept, with the text and character boxes of its blocks; the ingest path
    (`extract.pipeline.extract_document`) uses `iter_pdf_pages` instead and keeps none."""
    return pdf_document(path, document_id, list(iter_pdf_pages(path, backend)))
