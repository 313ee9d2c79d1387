"""pdfium's questions per character and per page object, all of a page's asked at once.

Reading a page asks pdfium a few things about each character (loose box, text object) and
each text object (font, size, render mode, fill colour). Called from Python, each call
costs far more in the interpreter and in ctypes than in pdfium (about half a microsecond
against a few nanoseconds), so on a newspaper page the calls would cost as much as pdfium's
own reading of the page. The loops of `_pdfium_loops.c`, built with the package (an
optional extension: a C compiler is needed), make a page's calls in one call from Python;
they take pdfium's functions as pointers from pypdfium2 and write into numpy arrays. Where
the loops were not built, the same questions are asked from Python, one call each, `map`ped
over the page (`NATIVE` tells which).
"""

from __future__ import annotations

import ctypes
import functools
import importlib.machinery
import itertools
from dataclasses import dataclass
from pathlib import Path

import numpy as np


def _load_loops():
    """The built `_pdfium_loops` library next to this module, with its signatures; None
    when the extension was not built."""
    here = Path(__file__).parent
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        path = here / f"_pdfium_loops{suffix}"
        if path.exists():
            break
    else:
        return None
    lib = ctypes.CDLL(str(path))
    v, i64, p = ctypes.c_void_p, ctypes.c_int64, ctypes.c_void_p
    lib.char_loop.argtypes = [v, v, v, p, i64, p, p]
    lib.generated_loop.argtypes = [v, v, p, i64, p]
    lib.style_loop.argtypes = [v, v, v, v, v, p, p, i64, p, p, p, p, p]
    lib.object_loop.argtypes = [v, v, v, i64, p, p]
    for fn in (lib.char_loop, lib.generated_loop, lib.style_loop, lib.object_loop):
        fn.restype = None
    return lib


_LOOPS = _load_loops()
NATIVE = _LOOPS is not None
"""Whether the compiled loops are in use."""


def _prototype(fn, restype, *argtypes):
    """`fn` called from Python through a plain prototype: integer handles and addresses in,
    no pointer object built per call (pypdfium2's typed pointers cost more than the call
    itself), and the GIL kept over the call (`PYFUNCTYPE`): the call only reads a page
    already in memory, and releasing and retaking the lock would cost more."""
    return ctypes.PYFUNCTYPE(restype, *argtypes)(ctypes.cast(fn, ctypes.c_void_p).value)


@dataclass(frozen=True)
class PdfiumCalls:
    """The pdfium functions a page is read with, bound once per process: as addresses (for
    the compiled loops) and as prototypes (for calls from Python; the last four are only
    asked per font or per drawn path, a few times a page)."""

    addresses: dict[str, int]
    loose_box: object
    text_object: object
    is_generated: object
    font: object
    font_size: object
    render_mode: object
    fill: object
    page_object: object
    object_type: object
    font_info: object
    font_weight: object
    bounds: object
    draw_mode: object

    @classmethod
    def bind(cls, pr) -> PdfiumCalls:
        v, i, s, u = ctypes.c_void_p, ctypes.c_int, ctypes.c_size_t, ctypes.c_ulong
        functions = {
            "loose_box": (pr.FPDFText_GetLooseCharBox, i, v, i, v),
            "text_object": (pr.FPDFText_GetTextObject, s, v, i),
            "is_generated": (pr.FPDFText_IsGenerated, i, v, i),
            "font": (pr.FPDFTextObj_GetFont, s, v),
            "font_size": (pr.FPDFText_GetFontSize, ctypes.c_double, v, i),
            "render_mode": (pr.FPDFTextObj_GetTextRenderMode, i, v),
            "fill": (pr.FPDFText_GetFillColor, i, v, i, v, v, v, v),
            "page_object": (pr.FPDFPage_GetObject, s, v, i),
            "object_type": (pr.FPDFPageObj_GetType, i, v),
            "font_info": (pr.FPDFText_GetFontInfo, u, v, i, v, u, v),
            "font_weight": (pr.FPDFText_GetFontWeight, i, v, i),
            "bounds": (pr.FPDFPageObj_GetBounds, i, v, v, v, v, v),
            "draw_mode": (pr.FPDFPath_GetDrawMode, i, v, v, v),
        }
        return cls(
            addresses={name: ctypes.cast(fn, ctypes.c_void_p).value for name, (fn, *_) in functions.items()},
            **{name: _prototype(*signature) for name, signature in functions.items()},
        )


@functools.cache
def pdfium_calls(pr) -> PdfiumCalls:
    """The calls of the pdfium library `pr` (pypdfium2.raw), bound on first use."""
    return PdfiumCalls.bind(pr)


def handle(ptr) -> int:
    """A pypdfium2 raw handle (a ctypes pointer) as a plain integer."""
    return ctypes.cast(ptr, ctypes.c_void_p).value or 0


def _data(array: np.ndarray) -> int:
    return array.ctypes.data


def char_boxes_and_objects(calls: PdfiumCalls, textpage: int, chars) -> tuple[np.ndarray, np.ndarray]:
    """For each character index in `chars`: its loose box (left, top, right, bottom in PDF
    user space, float32) and the handle of the text object that drew it."""
    chars = np.ascontiguousarray(chars, dtype=np.int32)
    n = len(chars)
    boxes = np.zeros((n, 4), dtype=np.float32)
    objects = np.zeros(n, dtype=np.uint64)
    if not n:
        return boxes, objects
    if _LOOPS is not None:
        a = calls.addresses
        _LOOPS.char_loop(a["loose_box"], a["text_object"], textpage, _data(chars), n, _data(boxes), _data(objects))
        return boxes, objects
    rows = chars.tolist()
    base = _data(boxes)
    list(map(calls.loose_box, itertools.repeat(textpage, n), rows, range(base, base + 16 * n, 16)))
    objects[:] = np.fromiter(map(calls.text_object, itertools.repeat(textpage, n), rows), dtype=np.uint64, count=n)
    return boxes, objects


def generated(calls: PdfiumCalls, textpage: int, chars) -> np.ndarray:
    """Whether each character index in `chars` was added by pdfium (a space or line break
    it inferred), not drawn by the page."""
    chars = np.ascontiguousarray(chars, dtype=np.int32)
    n = len(chars)
    out = np.zeros(n, dtype=np.uint8)
    if n and _LOOPS is not None:
        _LOOPS.generated_loop(calls.addresses["is_generated"], textpage, _data(chars), n, _data(out))
    elif n:
        out[:] = np.fromiter(map(calls.is_generated, itertools.repeat(textpage, n), chars.tolist()),
                             dtype=np.int64, count=n) == 1
    return out.astype(bool)


@dataclass
class ObjectStyles:
    """Per text object: font handle, font size, render mode, and fill colour (RGBA, 0-255)
    where it has one."""

    fonts: np.ndarray
    sizes: np.ndarray
    modes: np.ndarray
    has_fill: np.ndarray
    rgba: np.ndarray


def object_styles(calls: PdfiumCalls, textpage: int, objects, chars) -> ObjectStyles:
    """The style of each text object in `objects`, read at one of its characters (`chars`:
    pdfium reads a character's size and colour from its text object)."""
    objects = np.ascontiguousarray(objects, dtype=np.uint64)
    chars = np.ascontiguousarray(chars, dtype=np.int32)
    m = len(objects)
    fonts, sizes, modes = np.zeros(m, dtype=np.uint64), np.zeros(m, dtype=np.float64), np.zeros(m, dtype=np.int32)
    has_fill, rgba = np.zeros(m, dtype=np.uint8), np.zeros((m, 4), dtype=np.uint32)
    if m and _LOOPS is not None:
        a = calls.addresses
        _LOOPS.style_loop(a["font"], a["font_size"], a["render_mode"], a["fill"], textpage, _data(objects),
                          _data(chars), m, _data(fonts), _data(sizes), _data(modes), _data(has_fill), _data(rgba))
    elif m:
        handles, rows, base = objects.tolist(), chars.tolist(), _data(rgba)
        fonts[:] = np.fromiter(map(calls.font, handles), dtype=np.uint64, count=m)
        sizes[:] = np.fromiter(map(calls.font_size, itertools.repeat(textpage, m), rows), dtype=np.float64, count=m)
        modes[:] = np.fromiter(map(calls.render_mode, handles), dtype=np.int64, count=m)
        has_fill[:] = np.fromiter(map(calls.fill, itertools.repeat(textpage, m), rows, *(
            range(base + 4 * c, base + 16 * m + 4 * c, 16) for c in range(4))), dtype=bool, count=m)
    return ObjectStyles(fonts, sizes, modes, has_fill.astype(bool), rgba)


def page_objects(calls: PdfiumCalls, page: int, count: int) -> tuple[np.ndarray, np.ndarray]:
    """The handles and kinds (`FPDF_PAGEOBJ_*`) of a page's `count` top-level objects."""
    objects = np.zeros(count, dtype=np.uint64)
    kinds = np.zeros(count, dtype=np.int32)
    if count and _LOOPS is not None:
        a = calls.addresses
        _LOOPS.object_loop(a["page_object"], a["object_type"], page, count, _data(objects), _data(kinds))
    elif count:
        objects[:] = np.fromiter(map(calls.page_object, itertools.repeat(page, count), range(count)),
                                 dtype=np.uint64, count=count)
        kinds[:] = np.fromiter(map(calls.object_type, objects.tolist()), dtype=np.int64, count=count)
    return objects, kinds
