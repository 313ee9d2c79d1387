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
import operator
import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from extract.read import CJK_COMPAT_MAP
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
PRIVATE_USE_RE = re.compile("[\ue000-\uf8ff\U000f0000-\U0010fffd]")
"""Private-use code points: what a font without a ToUnicode map (a Type 3 or symbolic
font) yields instead of its characters; placeholders like `(cid:N)`, never text."""
BOLD_NAME_RE = re.compile(r"bold|heavy|black|hei|黑|demi", re.IGNORECASE)
LATIN1_HIGH = re.compile(r"[\u00a1-\u00fe]")
CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
CLOSING_PUNCT = set("，。、；：？！）”’」』》〉")
PUNCT_GAP = 0.7
"""Ems of gap after a closing punctuation mark's ink that still continue its line."""
SPREAD_LIMIT = 1.6
"""Widest gap, in ems, that still continues a line when it repeats the gaps around it."""
SPREAD_TOLERANCE = 0.02
PUNCT_SPACING = 0.5
"""Most ems of line spacing in front of a full-width mark that widen the gap allowed after it."""
EDGE_TOLERANCE = 0.1
"""Ems within which line starts on different baselines share a column's left edge."""
HALF_BOX_GAP = 0.55
"""Ems of gap after a closing mark's ink wider than the blank half of its full-width box."""
MIN_EDGE_LINES = 3
"""Line starts (the glyph in question among them) that make a column's left edge."""
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
    coords_shared: bool = False
    """Equal glyph coordinates already share one float object (`share_coordinates`)."""


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
        import numpy as np

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


def _prototype(fn, restype, *argtypes):
    """`fn` called through a plain prototype: integer handles and addresses in, no pointer
    object built per call (pypdfium2's typed pointers cost more than the call itself)."""
    return ctypes.CFUNCTYPE(restype, *argtypes)(ctypes.cast(fn, ctypes.c_void_p).value)


class _PdfiumCalls:
    """The pdfium calls made per character or per text object, bound once per process,
    with the buffers they write into."""

    _bound: _PdfiumCalls | None = None

    def __init__(self, pr) -> None:
        v, i, u = ctypes.c_void_p, ctypes.c_int, ctypes.c_ulong
        self.loose_box = _prototype(pr.FPDFText_GetLooseCharBox, i, v, i, v)
        self.text_object = _prototype(pr.FPDFText_GetTextObject, v, v, i)
        self.font_size = _prototype(pr.FPDFText_GetFontSize, ctypes.c_double, v, i)
        self.font = _prototype(pr.FPDFTextObj_GetFont, v, v)
        self.render_mode = _prototype(pr.FPDFTextObj_GetTextRenderMode, i, v)
        self.fill = _prototype(pr.FPDFText_GetFillColor, i, v, i, v, v, v, v)
        self.font_info = _prototype(pr.FPDFText_GetFontInfo, u, v, i, v, u, v)
        self.font_weight = _prototype(pr.FPDFText_GetFontWeight, i, v, i)
        self.rgba = (ctypes.c_uint * 4)()
        base = ctypes.addressof(self.rgba)
        self.rgba_at = tuple(range(base, base + 16, 4))
        self.name = ctypes.create_string_buffer(128)
        self.flags = ctypes.c_int()

    @classmethod
    def get(cls, pr) -> _PdfiumCalls:
        if cls._bound is None:
            cls._bound = cls(pr)
        return cls._bound


WHITESPACE_CODES = frozenset(range(0x21))
"""pdfium generates only spaces and line breaks between characters; others are drawn."""


def _pdfium_codes(tp, n: int, pr) -> list[int]:
    """The page's characters as code points: one text call, per-character only when a
    character outside the BMP makes the UTF-16 text longer than the character count."""
    units = (ctypes.c_ushort * (n + 1))()
    got = pr.FPDFText_GetText(tp, 0, n, units)
    codes = units[: max(0, got - 1)]
    if len(codes) != n:
        codes = [pr.FPDFText_GetUnicode(tp, i) for i in range(n)]
    return codes


def _pdfium_page(page, number: int, pr) -> RawPage:
    """One page's glyphs from pdfium in two calls per character (loose box, text object),
    both run through `map` into preallocated memory; font name, weight, size, fill and
    render mode are read once per text object. Equal coordinates share one float (see
    `share_coordinates`)."""
    import numpy as np

    width, height = page.get_size()
    view = PageView.of_pdfium(page)
    textpage = page.get_textpage()
    calls = _PdfiumCalls.get(pr)
    try:
        tp = textpage.raw
        handle = ctypes.cast(tp, ctypes.c_void_p).value
        n = pr.FPDFText_CountChars(tp)
        codes = _pdfium_codes(tp, n, pr)
        rects = (ctypes.c_float * (4 * n + 4))()
        base = ctypes.addressof(rects)
        list(map(calls.loose_box, itertools.repeat(handle, n), range(n), range(base, base + 16 * n, 16)))
        keep = _pdfium_kept(tp, codes, pr)
        objects = [obj or 0 for obj in map(calls.text_object, itertools.repeat(handle, len(keep)), keep)]
        fonts: dict[int, tuple[str, int]] = {}
        styles = {obj: _pdfium_object_style(handle, i, obj, calls, fonts)
                  for obj, i in dict(zip(objects, keep, strict=True)).items()}
        box = np.frombuffer(rects, dtype=np.float32, count=4 * n).reshape(n, 4)[keep].astype(np.float64)
        thin = np.flatnonzero(box[:, 2] - box[:, 0] < 0.05).tolist()
        if thin:
            _pdfium_widen(tp, [(keep[k], k, styles[objects[k]][0]) for k in thin], box, pr)
        coords = view.to_page(box[:, 0], box[:, 1], box[:, 2], box[:, 3])
        values, index = np.unique(coords, return_inverse=True)
        shared = values.tolist()
        x0s, tops, x1s, bottoms = ([shared[k] for k in row] for row in index.reshape(4, -1).tolist())
    finally:
        textpage.close()
    chars = [chr(codes[i]) for i in keep]
    glyphs = [Glyph(ch, x0, top, x1, bottom, *styles[obj], ch.isspace())
              for ch, x0, top, x1, bottom, obj in zip(chars, x0s, tops, x1s, bottoms, objects, strict=True)]
    raw = RawPage(number, width, height, glyphs, coords_shared=True)
    _pdfium_graphics(page, raw, pr, view)
    return raw


def _pdfium_kept(tp, codes: list[int], pr) -> list[int]:
    """Indexes of drawn characters: not a placeholder code, not generated by pdfium.
    A surrogate unit is read again as the whole character. Only the few codes that may
    be either are looked at one by one."""
    import numpy as np

    array = np.asarray(codes, dtype=np.int64)
    odd = (array < 0x21) | (array >= 0xFFFE) | ((array >= 0xD800) & (array < 0xE000))
    if not odd.any():
        return list(range(len(codes)))
    dropped = set()
    for i in np.flatnonzero(odd).tolist():
        code = codes[i]
        if 0xD800 <= code < 0xE000:
            codes[i] = pr.FPDFText_GetUnicode(tp, i)
        elif code in (0, 0xFFFE, 0xFFFF) or (code in WHITESPACE_CODES and pr.FPDFText_IsGenerated(tp, i) == 1):
            dropped.add(i)
    return [i for i in range(len(codes)) if i not in dropped]


def _pdfium_object_style(h: int, i: int, obj: int, calls: _PdfiumCalls,
                         fonts: dict) -> tuple[float, str, bool, bool]:
    """Size, font name, boldness and visibility of character `i`'s text object (pdfium
    reads a character's size and colour from its text object); name and weight are read
    once per font."""
    font = calls.font(obj) if obj else 0
    face = fonts.get(font)
    if face is None:
        face = fonts[font] = _pdfium_face(h, i, calls)
    return (calls.font_size(h, i), *_pdfium_style(h, i, obj, face, calls))


def _pdfium_face(h: int, i: int, calls: _PdfiumCalls) -> tuple[str, int]:
    """Base font name and weight of character `i`'s font."""
    calls.font_info(h, i, ctypes.addressof(calls.name), 128, ctypes.addressof(calls.flags))
    return calls.name.value.decode("utf-8", "replace"), calls.font_weight(h, i)


def _pdfium_style(h: int, i: int, obj: int, face: tuple[str, int], calls: _PdfiumCalls) -> tuple[str, bool, bool]:
    """Font name, boldness and visibility: invisible render modes, and white or fully
    transparent fill unless the glyph is stroked."""
    name, weight = face
    mode = calls.render_mode(obj) if obj else 0
    visible = mode not in (3, 7)
    rgba = calls.rgba
    rgba[:] = (0, 0, 0, 0)
    has_fill = calls.fill(h, i, *calls.rgba_at)
    r, g, b, a = rgba
    if has_fill and (min(r, g, b) >= 243 or a == 0):
        visible = visible and mode in (1, 2, 5, 6)
    bold = weight >= 600 or mode == 2 or bool(BOLD_NAME_RE.search(name))
    return name, bold, visible


def _pdfium_widen(tp, thin: list[tuple[int, int, float]], box, pr) -> None:
    """A loose box with no width (some fonts report none) takes the tight box's left edge
    and at least half an em. `thin` holds (character index, row in `box`, font size)."""
    cbox = [ctypes.c_double() for _ in range(4)]
    refs = [ctypes.byref(v) for v in cbox]
    for i, row, size in thin:
        pr.FPDFText_GetCharBox(tp, i, *refs)
        box[row, 0], box[row, 2] = cbox[0].value, max(cbox[1].value, cbox[0].value + size * 0.5)


def _pdfium_graphics(page, raw: RawPage, pr, view: PageView) -> None:
    x0, b, x1, t = (ctypes.c_float() for _ in range(4))
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    for i in range(pr.FPDFPage_CountObjects(page.raw)):
        obj = pr.FPDFPage_GetObject(page.raw, i)
        kind = pr.FPDFPageObj_GetType(obj)
        if kind not in (pr.FPDF_PAGEOBJ_PATH, pr.FPDF_PAGEOBJ_IMAGE):
            continue
        if not pr.FPDFPageObj_GetBounds(obj, *(ctypes.byref(v) for v in (x0, b, x1, t))):
            continue
        box = view.box(x0.value, t.value, x1.value, b.value)
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


# --- cleaning -------------------------------------------------------------------------


def redecode_gbk(glyphs: list[Glyph]) -> tuple[list[Glyph], bool]:
    """Re-read Latin-1 mojibake as GBK byte pairs (fonts without a ToUnicode map).

    Only when most glyphs are Latin-1 high characters and none is CJK. Each lead byte pairs
    with the glyph drawn right after it; pdfminer turns the trail byte 0xAD into a space, told
    from the word-spacing spaces by not sharing its x with the next glyph. A pair becomes one
    glyph spanning both half boxes. Returns the glyphs and whether anything changed.
    """
    real = [g for g in glyphs if not g.space]
    if not real or any(CJK_RE.match(g.text) for g in real):
        return glyphs, False
    if sum(1 for g in real if LATIN1_HIGH.fullmatch(g.text)) < max(4, 0.5 * len(real)):
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
    exact = Counter(g.size for g in glyphs if g.visible and g.size > 0)
    sizes: Counter[float] = Counter()
    for size, count in exact.items():
        sizes[round(size * 2) / 2] += count
    return sizes.most_common(1)[0][0] if sizes else 10.0


def clean_glyphs(raw: RawPage) -> tuple[list[Glyph], float]:
    """Mark invisible, white, tiny and placeholder glyphs; fold safe full-width forms and
    Kangxi radicals / compatibility ideographs (`extract.read.CJK_COMPAT_MAP`) one to one.

    Marked glyphs stay in the list (not `visible`) so that a hidden spacer or a space still
    bridges the gap it fills when lines are built; they never reach the text.
    """
    glyphs, changed = redecode_gbk(raw.glyphs)
    if changed:
        raw.flags.append(PageFlag.mojibake_redecoded)
    cids = {id(g) for g in glyphs if len(g.text) > 1 and _is_cid(g)}
    if PRIVATE_USE_RE.search("".join(g.text for g in glyphs)):
        cids.update(id(g) for g in glyphs if PRIVATE_USE_RE.search(g.text))
    if cids:
        raw.flags.append(PageFlag.cid_placeholders)
        size = body_size([g for g in glyphs if not g.space and id(g) not in cids])
    else:
        size = body_size([g for g in glyphs if not g.space])
    tiny = size * TINY_GLYPH_RATIO
    for g in glyphs:
        if g.space or g.size < tiny or (cids and id(g) in cids):
            g.visible = False
        elif g.text in FULLWIDTH_SAFE:
            g.text = unicodedata.normalize("NFKC", g.text)
        elif g.text in CJK_COMPAT_MAP:
            g.text = CJK_COMPAT_MAP[g.text]
    return glyphs, size


def is_vertical(glyphs: list[Glyph]) -> bool:
    """Most consecutive glyphs step downwards in the same column: vertical writing."""
    import numpy as np

    if len(glyphs) < 2:
        return False
    x0, top, size = np.array([(g.x0, g.top, g.size) for g in glyphs], dtype=np.float64).T
    dy, dx, em = top[1:] - top[:-1], x0[1:] - x0[:-1], size[:-1]
    down = (np.abs(dx) < em * 0.3) & (0.5 * em < dy) & (dy < 1.6 * em)
    across = ~down & (np.abs(dy) < em * 0.3) & (dx > 0)
    n_down, n_across = int(down.sum()), int(across.sum())
    return n_down > 10 and n_down > 2 * n_across


# --- lines ----------------------------------------------------------------------------


GLYPH_BOX = operator.attrgetter("x0", "top", "x1", "bottom")


def median(values: list[float]) -> float:
    """`statistics.median` (the same value) without its overhead, for short lists."""
    data = sorted(values)
    n = len(data)
    if not n:
        raise statistics.StatisticsError("no median for empty data")
    if n % 2:
        return data[n // 2]
    return (data[n // 2 - 1] + data[n // 2]) / 2


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
    """Whether `g` continues `line` on the same baseline with no column-sized gap; after a
    space the last drawn glyph of the line is compared."""
    last = line[-1]
    if last.space and not g.space:
        last = next((x for x in reversed(line[-4:]) if not x.space), last)
    return _pair_joins(last, g, gap_limit)


def _same_baseline(glyphs: list[Glyph]):
    """For each neighbour pair in stream order, whether both sit on one baseline."""
    import numpy as np

    if len(glyphs) < 2:
        return np.zeros(0, dtype=bool)
    top, bottom, size = np.array([(g.top, g.bottom, g.size) for g in glyphs], dtype=np.float64).T
    big = np.maximum(np.maximum(size[:-1], size[1:]), 1.0)
    mid = (top + bottom) / 2
    return np.abs(mid[:-1] - mid[1:]) < 0.35 * big


def _pair_joins(last: Glyph, g: Glyph, gap_limit: float, edges: ColumnEdges | None = None) -> bool:
    """Whether `g` continues a line ending in `last`.

    The gap is measured in ems of the smaller font: a body line next to a headline line
    across a narrow gutter stays apart. With `edges` (runs that are not stream neighbours),
    a gap after a closing mark wider than its blank half-box ends the line where `g` starts a
    column (`ColumnEdges`): the mark was set on half an em before a gutter."""
    size = max(last.size, g.size, 1.0)
    if last.space or g.space:
        if not abs(last.bottom - g.bottom) < 0.6 * size:
            return False
    elif not abs((last.top + last.bottom) / 2 - (g.top + g.bottom) / 2) < 0.35 * size:
        return False
    small = max(min(last.size, g.size), 1.0)
    gap, limit = gap_after(last, g, gap_limit, small)
    if edges is not None and last.text in CLOSING_PUNCT and gap > HALF_BOX_GAP * small \
            and edges.starts_column(g.x0, small)[0]:
        return False
    return -0.6 * size < gap < limit


def _run_starts(glyphs: list[Glyph], gap_limit: float) -> list[bool]:
    """For each glyph in stream order, whether it starts a new run (does not continue the
    glyph before it): `_pair_joins` over all neighbour pairs at once with numpy, the same
    arithmetic element by element; where a drawn glyph follows a space, `_joins` looks
    back into the run, so those few are decided one by one, in order."""
    import numpy as np

    n = len(glyphs)
    if n < 2:
        return [True] * n
    x0, x1, top, bottom, size = np.array([(g.x0, g.x1, g.top, g.bottom, g.size) for g in glyphs],
                                         dtype=np.float64).T
    space = np.array([g.space for g in glyphs], dtype=bool)
    punct = np.array([g.text in CLOSING_PUNCT for g in glyphs], dtype=bool)
    big = np.maximum(np.maximum(size[:-1], size[1:]), 1.0)
    small = np.maximum(np.minimum(size[:-1], size[1:]), 1.0)
    mid = (top + bottom) / 2
    dy_ok = np.where(space[:-1] | space[1:], np.abs(bottom[:-1] - bottom[1:]) < 0.6 * big,
                     np.abs(mid[:-1] - mid[1:]) < 0.35 * big)
    end = np.where(punct, np.minimum(x1, x0 + 0.5 * size), x1)[:-1]
    gap = x0[1:] - end
    limit = np.where(punct[:-1], PUNCT_GAP * small + _spacing_before(x0, x1, dy_ok, small), gap_limit * small)
    joins = dy_ok & (-0.6 * big < gap) & (gap < limit)
    joins |= _uniform_spread(x0, x1, size, small, dy_ok)
    starts = [True, *(~joins).tolist()]
    for i in (np.flatnonzero(space[:-1] & ~space[1:]) + 1).tolist():
        begin = max(0, i - 4)
        for k in range(i - 1, begin, -1):
            if starts[k]:
                begin = k
                break
        starts[i] = not _joins(glyphs[begin:i], glyphs[i], gap_limit)
    return starts


def _spacing_before(x0, x1, dy_ok, small):
    """For each neighbour pair, the spacing (justification, tracking, kerning) in front of
    its first glyph, in points, up to `PUNCT_SPACING` ems: after a full-width mark set in a
    justified line the gap to its ink grows by the same spacing as the line's other gaps."""
    import numpy as np

    before = np.zeros_like(small)
    raw = x0[1:] - x1[:-1]
    before[1:] = np.where(dy_ok[:-1], np.clip(raw[:-1], 0.0, None), 0.0)
    return np.minimum(before, PUNCT_SPACING * small)


@dataclass
class ColumnEdges:
    """Left edges where lines start on several baselines: the starts of columns.

    A full-width mark set on half an em at a column's end leaves only the gutter before the
    next column, a gap that after a full-width mark mid-line would still continue the line;
    when the glyph after it starts a column, the gap is a gutter."""

    xs: list[float]

    def starts_column(self, x, em):
        """Whether each of `x` lies within `EDGE_TOLERANCE` ems of `MIN_EDGE_LINES` line starts."""
        import numpy as np

        xs = np.asarray(self.xs, dtype=np.float64)
        x, em = np.atleast_1d(np.asarray(x, dtype=np.float64)), np.atleast_1d(np.asarray(em, dtype=np.float64))
        if not len(xs):
            return np.zeros(len(x), dtype=bool)
        lo = np.searchsorted(xs, x - EDGE_TOLERANCE * em, side="left")
        hi = np.searchsorted(xs, x + EDGE_TOLERANCE * em, side="right")
        return (hi - lo) >= MIN_EDGE_LINES


def column_edges(glyphs: list[Glyph], dy_ok) -> ColumnEdges:
    """Left edges of the stream's line starts: visible glyphs that start a baseline in
    stream order and are followed on it (a glyph drawn alone, as out-of-order streams draw
    them, says nothing about columns)."""
    import numpy as np

    same = np.asarray(dy_ok, dtype=bool)
    first = np.concatenate([[True], ~same]) & np.concatenate([same, [False]])
    return ColumnEdges(sorted(glyphs[i].x0 for i in np.flatnonzero(first).tolist()
                              if glyphs[i].visible and not glyphs[i].space))


def _uniform_spread(x0, x1, size, small, dy_ok):
    """Neighbour pairs in stream order that belong to a loosely justified or letter-spaced
    line: same size, same baseline, and a gap of up to `SPREAD_LIMIT` ems that equals the gap
    of the pair before or after it (character spacing adds the same to every advance; a
    gutter between two columns' lines is not repeated by the glyphs around it)."""
    import numpy as np

    raw = x0[1:] - x1[:-1]
    ok = dy_ok & (np.abs(size[:-1] - size[1:]) < 0.01) & (raw > 0) & (raw < SPREAD_LIMIT * small)
    equal = ok[1:] & ok[:-1] & (np.abs(raw[1:] - raw[:-1]) < SPREAD_TOLERANCE * small[1:])
    uniform = np.zeros_like(ok)
    uniform[1:] |= equal
    uniform[:-1] |= equal
    return uniform


BASELINE_JITTER = 0.15
"""Ems by which the middles of glyphs set on one baseline may differ (glyphs placed one by
one, fonts of different ascent on one line)."""


def baseline_order(runs: list[list[Glyph]]) -> list[list[Glyph]]:
    """Runs top to bottom by baseline, left to right along one baseline.

    Runs whose middles lie within `BASELINE_JITTER` ems of the first run of their band form
    one band and are ordered by x, so that glyphs drawn one at a time in any order, with a
    little vertical jitter, still come left to right."""
    def mid(run: list[Glyph]) -> float:
        return (run[0].top + run[0].bottom) / 2

    bands: list[list[list[Glyph]]] = []
    anchor = 0.0
    for run in sorted(runs, key=mid):
        m = mid(run)
        if not bands or m - anchor > BASELINE_JITTER * max(run[0].size, 1.0):
            bands.append([])
            anchor = m
        bands[-1].append(run)
    return [run for band in bands for run in sorted(band, key=lambda r: r[0].x0)]


def _fits_into(first: Glyph, end: Glyph, left: Glyph, right: Glyph, gap_limit: float) -> bool:
    """Whether a run (first glyph `first`, rightmost `end`) belongs to a fragment spanning
    `left` to `right` though it does not continue its right end: it starts inside the
    fragment on its baseline, or ends just before the fragment starts. Glyphs drawn one by
    one in any order, their baselines jittered, fill a line from anywhere."""
    if left.x0 <= first.x0 < right.x1:
        size = max(first.size, right.size, 1.0)
        return abs((first.top + first.bottom) - (right.top + right.bottom)) / 2 < 0.35 * size
    return end.x1 <= left.x0 + 0.5 * left.size and _pair_joins(end, left, gap_limit)


def build_lines(glyphs: list[Glyph], gap_limit: float = 0.45) -> list[Fragment]:
    """Glyphs become line fragments: stream order first, then same-baseline neighbours merged.

    A gap wider than `gap_limit` times the font size ends a fragment, so narrow gutters
    (down to about two thirds of the body size) still separate columns; spaces and hidden
    glyphs bridge the gaps they fill and are dropped afterwards.
    """
    edges = column_edges(glyphs, _same_baseline(glyphs))
    bounds = [i for i, start in enumerate(_run_starts(glyphs, gap_limit)) if start]
    runs = [glyphs[a:b] for a, b in itertools.pairwise([*bounds, len(glyphs)])]
    runs = [r for r in runs if any(g.visible for g in r)]
    runs = baseline_order(runs)
    merged: list[list[Glyph]] = []
    rightmost: list[Glyph] = []
    leftmost: list[Glyph] = []
    by_x1, by_x0 = operator.attrgetter("x1"), operator.attrgetter("x0")
    for run in runs:
        end = max(run, key=by_x1)
        for k in range(len(merged) - 1, max(-1, len(merged) - 9), -1):
            if _pair_joins(rightmost[k], run[0], gap_limit, edges) or _fits_into(run[0], end, leftmost[k], rightmost[k], gap_limit):
                merged[k].extend(run)
                if end.x1 > rightmost[k].x1:
                    rightmost[k] = end
                start = min(run, key=by_x0)
                if start.x0 < leftmost[k].x0:
                    leftmost[k] = start
                break
        else:
            merged.append(run)
            rightmost.append(end)
            leftmost.append(min(run, key=by_x0))
    for run in runs:
        for a, b in itertools.pairwise(run):
            b.space_before = a.space and b.visible and not b.space
    return [Fragment(sorted([g for g in r if g.visible], key=by_x0)) for r in merged]


def fragment_text(frag: Fragment) -> tuple[str, list[tuple[float, float, float, float]]]:
    """Text of a fragment with one box per character.

    A space is kept where a space glyph was drawn or the gap between two glyph boxes is
    clearly wider than the fragment's usual letter spacing, but not where spaces pad every
    glyph (letter-spaced titles) and never next to a digit (the reflow rule: no spaces
    around numbers).
    """
    glyphs = frag.glyphs
    gaps = [b.x0 - a.x1 for a, b in itertools.pairwise(glyphs)]
    usual = median(gaps) if gaps else 0.0
    drawn = sum(g.space_before for g in glyphs) <= len(glyphs) / 3
    spaced = [i for i, (gap, g) in enumerate(zip(gaps, glyphs[1:], strict=True), 1)
              if (gap > usual + SPACE_RATIO * g.size or (drawn and g.space_before))
              and not (glyphs[i - 1].text[-1:].isdigit() or g.text[:1].isdigit())]
    texts = [g.text for g in glyphs]
    text = "".join(texts)
    if not spaced and len(text) == len(glyphs) and all(texts):
        return text, list(map(GLYPH_BOX, glyphs))
    spaced_at = set(spaced)
    chars: list[str] = []
    boxes: list[tuple[float, float, float, float]] = []
    for i, g in enumerate(glyphs):
        if i in spaced_at:
            prev = glyphs[i - 1]
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
    glyphs = frag.glyphs
    bold = sum(g.bold for g in glyphs) > len(glyphs) / 2
    line = Line(
        text=text, page=number,
        bbox=(glyphs[0].x0, min([g.top for g in glyphs]), glyphs[-1].x1, max([g.bottom for g in glyphs])),
        size=round(median([g.size for g in glyphs]), 2), bold=bold,
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


def clip_to_page(raw: RawPage) -> None:
    """Drop glyphs whose middle lies off the visible page and graphics wholly off it: crop
    marks, colour bars and the typesetting system's slug line outside the CropBox."""
    w, h = raw.width, raw.height

    def on_page(x0: float, top: float, x1: float, bottom: float) -> bool:
        return 0 <= (x0 + x1) / 2 <= w and 0 <= (top + bottom) / 2 <= h

    if not all(on_page(*GLYPH_BOX(g)) for g in raw.glyphs):
        raw.glyphs = [g for g in raw.glyphs if on_page(*GLYPH_BOX(g))]
    for boxes in (raw.images, raw.rules, raw.frames):
        boxes[:] = [(max(b[0], 0.0), max(b[1], 0.0), min(b[2], w), min(b[3], h))
                    for b in boxes if b[0] < w and b[2] > 0 and b[1] < h and b[3] > 0]


def page_from_raw(raw: RawPage) -> tuple[Page, float]:
    """Clean a backend page, flag what cannot be trusted, and build its lines."""
    clip_to_page(raw)
    glyphs, size = clean_glyphs(raw)
    if not raw.coords_shared:
        share_coordinates(glyphs)
    flags = list(dict.fromkeys(raw.flags))
    if not any(g.visible for g in glyphs):
        if PageFlag.needs_ocr not in flags:
            unreadable = raw.images or PageFlag.cid_placeholders in flags
            flags.append(PageFlag.needs_ocr if unreadable else PageFlag.empty)
    elif is_vertical([g for g in glyphs if g.visible]):
        flags.append(PageFlag.vertical_text)
    lines = [ln for frag in build_lines(glyphs) if (ln := to_line(frag, raw.number))]
    page = Page(number=raw.number, width=raw.width, height=raw.height, lines=lines, flags=flags)
    return page, size


def iter_pdf_pages(path: Path, backend: Backend = "pdfium") -> Iterator[Page]:
    """Each page of a PDF, read, cleaned and laid out, one at a time.

    A page is yielded with its lines (without character boxes: its blocks carry them on) and
    its ordered blocks, before the next page is read; nothing of the backend is kept, so a
    caller that lets go of each page runs in memory that does not grow with the file."""
    from extract.layout import layout_page

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
