"""The characters of a PDF page as one table, and their cleaning.

A backend (`extract.pdf`: pypdfium2 or pdfplumber; `extract.ocr`: tesseract) reads a page
into a `RawPage`, whose `Glyphs` hold every drawn character as columns (numpy arrays of
coordinates, sizes and flags, a list of texts): a newspaper page has a thousand or more,
and per-character Python objects cost more time than reading them from the PDF. `Glyph` is
the same character as one object, for backends that build them one by one and for tests.
Cleaning marks what must not reach the text (`clean_glyphs`) and flags what cannot be
trusted; `extract.lines` turns the table into lines.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np

from extract.read import CJK_COMPAT_MAP
from schemas import PageFlag

TINY_GLYPH_RATIO = 0.45
"""Glyphs below this fraction of the body size are spacers, superscript noise or hidden."""
PRIVATE_USE_RE = re.compile("[\ue000-\uf8ff\U000f0000-\U0010fffd]")
"""Private-use code points: what a font without a ToUnicode map (a Type 3 or symbolic
font) yields instead of its characters; placeholders like `(cid:N)`, never text."""
LATIN1_HIGH = re.compile(r"[\u00a1-\u00fe]")
CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
FULLWIDTH_SAFE = {chr(c) for c in range(0xFF10, 0xFF1A)} | {"％"} | {
    chr(c) for c in [*range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]
}
"""Full-width characters NFKC may fold one-to-one (digits, Latin letters, percent)."""
FOLDED = {ch: unicodedata.normalize("NFKC", ch) for ch in FULLWIDTH_SAFE} | CJK_COMPAT_MAP
"""What a drawn character is stored as: safe full-width forms, Kangxi radicals and
compatibility ideographs folded one to one (`extract.read.CJK_COMPAT_MAP`)."""


@dataclass(slots=True)
class Glyph:
    """One drawn character: its text, box (points from the visible page's top-left corner,
    y down), font size and name, and whether it is bold, visible, a space, and follows a
    drawn space on its line (set by line building)."""

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


COORDINATES = ("x0", "top", "x1", "bottom", "size")
FLAGS = ("bold", "visible", "space", "space_before")


class Glyphs:
    """A page's glyphs in stream order, as columns: `text` and `font` lists, float arrays
    `x0`, `top`, `x1`, `bottom`, `size`, bool arrays `bold`, `visible`, `space`,
    `space_before`. Indexing gives a `Glyph` (a copy); `take` selects rows."""

    __slots__ = ("text", "font", *COORDINATES, *FLAGS)

    def __init__(self, text: list[str], x0, top, x1, bottom, size, font: list[str] | None = None,
                 bold=None, visible=None, space=None, space_before=None) -> None:
        n = len(text)
        self.text = text
        self.font = font if font is not None else [""] * n
        for name, values in zip(COORDINATES, (x0, top, x1, bottom, size), strict=True):
            setattr(self, name, np.asarray(values, dtype=np.float64).reshape(n))
        self.bold = _flags(bold, n, False)
        self.visible = _flags(visible, n, True)
        self.space = np.fromiter(map(str.isspace, text), dtype=bool, count=n) if space is None \
            else _flags(space, n, False)
        self.space_before = _flags(space_before, n, False)

    @classmethod
    def of(cls, glyphs: Glyphs | Iterable[Glyph]) -> Glyphs:
        """A table of `glyphs` (returned as it is when it is one already)."""
        if isinstance(glyphs, Glyphs):
            return glyphs
        rows = list(glyphs)
        columns = {name: [getattr(g, name) for g in rows] for name in (*COORDINATES, *FLAGS)}
        return cls([g.text for g in rows], font=[g.font for g in rows], **columns)

    def __len__(self) -> int:
        return len(self.text)

    def __getitem__(self, i: int) -> Glyph:
        return Glyph(self.text[i], self.x0.item(i), self.top.item(i), self.x1.item(i), self.bottom.item(i),
                     self.size.item(i), self.font[i], self.bold.item(i), self.visible.item(i),
                     self.space.item(i), self.space_before.item(i))

    def __iter__(self) -> Iterator[Glyph]:
        return (self[i] for i in range(len(self)))

    def take(self, index) -> Glyphs:
        """The rows at `index` (integer positions or a boolean mask), in that order."""
        rows = np.arange(len(self))[index].tolist()
        return Glyphs(pick(self.text, rows), *(getattr(self, n)[index] for n in COORDINATES),
                      font=pick(self.font, rows), **{n: getattr(self, n)[index] for n in FLAGS})


def pick(values: list, rows: list[int]) -> list:
    """`[values[i] for i in rows]`, in one call: a column of strings in another row order."""
    if len(rows) < 2:
        return [values[i] for i in rows]
    return list(operator.itemgetter(*rows)(values))


def _flags(values, n: int, default: bool):
    if values is None:
        return np.full(n, default, dtype=bool)
    return np.asarray(values, dtype=bool).reshape(n)


@dataclass
class RawPage:
    """What a backend reads from one page: glyphs in content-stream order and graphics."""

    number: int
    width: float
    height: float
    glyphs: Glyphs
    images: list[tuple[float, float, float, float]] = field(default_factory=list)
    rules: list[tuple[float, float, float, float]] = field(default_factory=list)
    frames: list[tuple[float, float, float, float]] = field(default_factory=list)
    flags: list[PageFlag] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.glyphs = Glyphs.of(self.glyphs)


def clip_to_page(raw: RawPage) -> None:
    """Drop glyphs whose middle lies off the visible page and graphics wholly off it: crop
    marks, colour bars and the typesetting system's slug line outside the CropBox."""
    w, h, g = raw.width, raw.height, raw.glyphs
    mx, my = (g.x0 + g.x1) / 2, (g.top + g.bottom) / 2
    on_page = (mx >= 0) & (mx <= w) & (my >= 0) & (my <= h)
    if not on_page.all():
        raw.glyphs = g.take(on_page)
    for boxes in (raw.images, raw.rules, raw.frames):
        boxes[:] = [(max(b[0], 0.0), max(b[1], 0.0), min(b[2], w), min(b[3], h))
                    for b in boxes if b[0] < w and b[2] > 0 and b[1] < h and b[3] > 0]


def redecode_gbk(glyphs: Glyphs | list[Glyph]) -> tuple[Glyphs, bool]:
    """Re-read Latin-1 mojibake as GBK byte pairs (fonts without a ToUnicode map).

    Only when most glyphs are Latin-1 high characters and none is CJK. Each lead byte pairs
    with the glyph drawn right after it; pdfminer turns the trail byte 0xAD into a space, told
    from the word-spacing spaces by not sharing its x with the next glyph. A pair becomes one
    glyph spanning both half boxes. Returns the glyphs and whether anything changed.
    """
    table = Glyphs.of(glyphs)
    joined = "".join(table.text)
    if len(joined) == len(table) and all(table.text) and CJK_RE.search(joined):
        return table, False
    real = [t for t, space in zip(table.text, table.space.tolist(), strict=True) if not space]
    if not real or CJK_RE.search("".join(t[:1] for t in real)):
        return table, False
    if sum(1 for t in real if LATIN1_HIGH.fullmatch(t)) < max(4, 0.5 * len(real)):
        return table, False
    rows = list(table)
    out: list[Glyph] = []
    pending: Glyph | None = None
    for i, g in enumerate(rows):
        if pending is not None:
            nxt = rows[i + 1] if i + 1 < len(rows) else None
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
    return Glyphs.of(out), True


def body_size(glyphs: Glyphs, among=None) -> float:
    """The most common character size (to 0.5 pt) of the visible glyphs (of those in the
    mask `among`): the body text's size. Sizes are counted exactly first, in the order they
    first occur, so that a tie goes to the size met first."""
    keep = glyphs.visible & (glyphs.size > 0)
    if among is not None:
        keep &= among
    sizes = glyphs.size[keep]
    if not len(sizes):
        return 10.0
    exact, first, counts = np.unique(sizes, return_index=True, return_counts=True)
    binned: Counter[float] = Counter()
    for k in np.argsort(first, kind="stable").tolist():
        binned[round(float(exact[k]) * 2) / 2] += int(counts[k])
    return binned.most_common(1)[0][0]


def clean_glyphs(raw: RawPage) -> tuple[Glyphs, float]:
    """Mark invisible, white, tiny and placeholder glyphs; fold safe full-width forms and
    Kangxi radicals / compatibility ideographs (`FOLDED`) one to one. Returns the glyphs
    and the body size.

    Marked glyphs stay in the table (not `visible`) so that a hidden spacer or a space still
    bridges the gap it fills when lines are built; they never reach the text.
    """
    glyphs, changed = redecode_gbk(raw.glyphs)
    if changed:
        raw.flags.append(PageFlag.mojibake_redecoded)
    texts = glyphs.text
    joined = "".join(texts)
    placeholder = np.zeros(len(glyphs), dtype=bool)
    if "(cid:" in joined:
        placeholder |= np.fromiter((len(t) > 1 and t.startswith("(cid:") for t in texts), bool, len(texts))
    if PRIVATE_USE_RE.search(joined):
        placeholder |= np.fromiter((bool(PRIVATE_USE_RE.search(t)) for t in texts), bool, len(texts))
    if placeholder.any():
        raw.flags.append(PageFlag.cid_placeholders)
    size = body_size(glyphs, ~glyphs.space & ~placeholder)
    hidden = glyphs.space | (glyphs.size < size * TINY_GLYPH_RATIO) | placeholder
    glyphs.visible &= ~hidden
    if any(map(FOLDED.__contains__, texts)):
        glyphs.text = [t if skip else FOLDED.get(t, t) for t, skip in zip(texts, hidden.tolist(), strict=True)]
    return glyphs, size


def is_vertical(glyphs: Glyphs) -> bool:
    """Most consecutive visible glyphs step downwards in the same column: vertical writing."""
    shown = glyphs.visible
    if shown.sum() < 2:
        return False
    x0, top, size = glyphs.x0[shown], glyphs.top[shown], glyphs.size[shown]
    dy, dx, em = top[1:] - top[:-1], x0[1:] - x0[:-1], size[:-1]
    down = (np.abs(dx) < em * 0.3) & (0.5 * em < dy) & (dy < 1.6 * em)
    across = ~down & (np.abs(dy) < em * 0.3) & (dx > 0)
    n_down, n_across = int(down.sum()), int(across.sum())
    return n_down > 10 and n_down > 2 * n_across
