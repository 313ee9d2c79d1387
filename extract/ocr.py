"""Stage 1 for scanned PDF pages: OCR with the tesseract CLI (`chi_sim`), an optional extra.

A page that `extract.pdf` flags `needs_ocr` (images, no characters) is rendered with
pypdfium2, cleared of long thin rules and frames (tesseract drops or garbles text that a
rule crosses), and read by `tesseract ... tsv`. Tesseract's words become `Glyph`s in PDF
points, so the ordinary cleaning, line building and layout of `extract.pdf` and
`extract.layout` run on them unchanged: one box per character, sizes snapped to a few
classes so that headline and section sizes stand apart from the body, CJK joined without the
spaces tesseract puts between characters, and ASCII punctuation next to Chinese made
full-width (what the text layer of a born-digital page would carry).

Without the `tesseract` program or its `chi_sim` data the page keeps `needs_ocr` and a
warning names the file; nothing else changes.
"""

from __future__ import annotations

import csv
import functools
import io
import logging
import os
import shutil
import statistics
import subprocess
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from extract.glyphs import Glyph, Glyphs, RawPage
from extract.lines import CLOSING_PUNCT
from extract.pdf import page_from_raw
from schemas import Page, PageFlag

log = logging.getLogger(__name__)

LANG = "chi_sim"
DPI = 300
PSM = 3
TIMEOUT = 300
"""Seconds one page may take before OCR of it is given up."""
INSTALL_HINT = "apt-get install tesseract-ocr tesseract-ocr-chi-sim"

RULE_MIN_PT = 30.0
"""A straight dark run at least this long is a rule or frame edge, not a character stroke
(a stroke is at most about one em; headlines rarely exceed 30 pt)."""
RULE_MAX_THICK_PT = 2.5
"""Rules are thin; a thicker long run is the stroke of a big bold headline and stays."""
DARK = 160
RULE_GREY = 200
"""Rules are found on a lighter threshold than ink: thin ones render grey."""
INK_EM = 0.93
"""Height of a CJK character's ink as a fraction of its em (measured on Song/Hei faces)."""
SIZE_CLASS_RATIO = 1.08
"""Line sizes within this ratio of their neighbours are one size class (OCR jitter)."""
SPLIT_GAP_EM = 1.2
"""A gap of this many ems between two words of one OCR line is a gutter or a tab
(tesseract's word boxes put up to about 0.8 em between neighbours of running text)."""
JOIN_GAP_EM = 0.45
"""Two OCR lines on one row this close are one line (the text layer's line gap rule)."""
PUNCT_BLANK_EM = 0.8
SEAM_BEFORE = set(":：")
SEAM_AFTER = set("“‘「『《\"'")
TITLE_EM_RATIO = 1.3
"""Runs this much larger than the page's median run are title size."""
ROW_EM = 0.35
"""Runs whose centres are within this many ems sit on one row."""
MIN_ADVANCE_EMS = 4.0
SHORT_RUN_RATIO = 1.25
MAX_ADVANCE_OVER_INK = 1.15
"""An advance-based em this much above the ink-based one means characters were lost."""
INK_MARGIN_EM = 0.1
"""Blank in a run's em boxes outside its ink (before the first and after the last character)."""
SCAN_COVER = 0.5
"""An image covering this share of the page is the scan itself, not a photo on it."""

ASCII_TO_FULL = {":": "：", ",": "，", ";": "；", "(": "（", ")": "）", "?": "？", "!": "！"}
"""ASCII marks tesseract writes for Chinese punctuation, folded back when next to CJK."""


@dataclass(slots=True)
class Word:
    """One word of tesseract's TSV, box in pixels; `line` keys its line on the page."""

    text: str
    left: int
    top: int
    width: int
    height: int
    conf: float
    line: tuple[int, int, int]


@dataclass
class OcrResult:
    glyphs: list[Glyph]
    confidence: float | None
    """Mean word confidence (0-100) of the page; None when nothing was read."""
    seconds: float
    rules: list[tuple[float, float, float, float]] = field(default_factory=list)
    """Rules and frame edges found in the image, in PDF points."""


# --- availability -----------------------------------------------------------------------


def tesseract_command() -> str | None:
    """Path of the `tesseract` program, or None when it is not installed."""
    return shutil.which("tesseract")


@functools.cache
def _languages(command: str) -> frozenset[str]:
    try:
        done = subprocess.run([command, "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(line.strip() for line in (done.stdout + done.stderr).splitlines())


def unavailable_reason() -> str | None:
    """Why OCR cannot run here (None when it can): no program, or no `chi_sim` data."""
    command = tesseract_command()
    if command is None:
        return f"tesseract is not installed ({INSTALL_HINT})"
    if LANG not in _languages(command):
        return f"tesseract has no {LANG} language data ({INSTALL_HINT})"
    return None


# --- image ------------------------------------------------------------------------------


def render_page(path: Path, number: int, dpi: int = DPI):
    """Page `number` (1-based) of the PDF as a greyscale PIL image at `dpi`."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        page = doc[number - 1]
        try:
            return page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
        finally:
            page.close()
    finally:
        doc.close()


def _long_runs(dark, length: int, axis: int):
    """Pixels that lie in a run of at least `length` dark pixels along `axis` (1: rows)."""
    import numpy as np

    a = dark if axis == 1 else dark.T
    rows, n = a.shape
    if n < length:
        return np.zeros_like(dark)
    sums = np.zeros((rows, n + 1), np.int32)
    np.cumsum(a, axis=1, out=sums[:, 1:])
    full = (sums[:, length:] - sums[:, :-length]) == length
    starts = np.zeros((rows, full.shape[1] + 1), np.int32)
    np.cumsum(full, axis=1, out=starts[:, 1:])
    j = np.arange(n)
    hi = np.minimum(j, full.shape[1] - 1) + 1
    lo = np.clip(j - length + 1, 0, full.shape[1])
    inside = (starts[:, hi] - starts[:, lo]) > 0
    return inside if axis == 1 else inside.T


def _crossing(dark, band, axis: int, reach: int):
    """Band pixels whose nearest pixels outside the band on both sides across the rule are
    dark: a character stroke that the rule crosses."""
    import numpy as np

    def side(step: int):
        found = np.zeros_like(band)
        open_ = np.ones_like(band)
        for k in range(1, reach + 1):
            b = np.roll(band, step * k, axis=axis)
            d = np.roll(dark, step * k, axis=axis)
            found |= open_ & ~b & d
            open_ &= b
        return found

    return band & side(1) & side(-1)


def _widen(mask, axis: int, by: int):
    """`mask` grown by `by` pixels both ways along `axis` (the anti-aliased fringe of a rule)."""
    import numpy as np

    grown = mask.copy()
    for k in range(1, by + 1):
        grown |= np.roll(mask, k, axis=axis) | np.roll(mask, -k, axis=axis)
    return grown


def mask_boxes(mask, axis: int) -> list[tuple[int, int, int, int]]:
    """Pixel boxes (x0, top, x1, bottom) of the lines in a rule mask: for horizontal rules
    (`axis` 1) consecutive masked rows, cut where no column of them is masked."""
    import numpy as np

    m = mask if axis == 1 else mask.T
    boxes = []
    rows = np.flatnonzero(m.any(axis=1))
    for band in np.split(rows, np.flatnonzero(np.diff(rows) > 1) + 1) if rows.size else []:
        cols = np.flatnonzero(m[band[0]:band[-1] + 1].any(axis=0))
        for run in np.split(cols, np.flatnonzero(np.diff(cols) > 1) + 1):
            box = (int(run[0]), int(band[0]), int(run[-1]) + 1, int(band[-1]) + 1)
            boxes.append(box if axis == 1 else (box[1], box[0], box[3], box[2]))
    return boxes


def remove_rules(image, dpi: int = DPI, found: list | None = None):
    """The image with long thin horizontal and vertical lines whitened, their anti-aliased
    fringe included; strokes of characters they cross are kept. The rules' pixel boxes are
    appended to `found` when it is given (page header and footer rules matter to layout)."""
    import numpy as np
    from PIL import Image

    pixels = np.asarray(image.convert("L"))
    dark, grey = pixels < DARK, pixels < RULE_GREY
    length = max(2, round(RULE_MIN_PT / 72 * dpi))
    thick = max(1, round(RULE_MAX_THICK_PT / 72 * dpi))
    fringe = max(1, round(dpi / 150))
    out = pixels.copy()
    for axis, across in ((1, 0), (0, 1)):
        mask = _long_runs(grey, length, axis)
        mask &= ~_long_runs(mask, thick + 1, across)
        if found is not None:
            found.extend(mask_boxes(mask, axis))
        band = _widen(mask, across, fringe)
        band &= ~_crossing(dark, band, across, thick + 2 * fringe + 1)
        out[band] = 255
    return Image.fromarray(out)


# --- tesseract --------------------------------------------------------------------------


def run_tesseract(image, dpi: int = DPI, lang: str = LANG, psm: int = PSM) -> list[Word]:
    """Words of the image with pixel boxes and confidences, from the CLI's TSV output."""
    command = tesseract_command()
    if command is None:
        raise RuntimeError(f"tesseract is not installed ({INSTALL_HINT})")
    env = {**os.environ, "OMP_THREAD_LIMIT": os.environ.get("OMP_THREAD_LIMIT", "1")}
    with tempfile.TemporaryDirectory(prefix="bulletin-ocr-") as tmp:
        png = Path(tmp) / "page.png"
        image.save(png)
        done = subprocess.run(
            [command, str(png), "stdout", "-l", lang, "--psm", str(psm), "--dpi", str(dpi), "tsv"],
            capture_output=True, text=True, timeout=TIMEOUT, env=env, check=False,
        )
    if done.returncode != 0:
        raise RuntimeError(f"tesseract failed: {done.stderr.strip()[-300:]}")
    return parse_tsv(done.stdout)


def parse_tsv(tsv: str) -> list[Word]:
    """Word rows (level 5) of tesseract's TSV that carry text and a confidence."""
    words = []
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        text = (row.get("text") or "").strip()
        if row.get("level") != "5" or not text:
            continue
        conf = float(row["conf"])
        if conf < 0:
            continue
        words.append(Word(
            text, int(row["left"]), int(row["top"]), int(row["width"]), int(row["height"]), conf,
            (int(row["block_num"]), int(row["par_num"]), int(row["line_num"])),
        ))
    return words


# --- words -> glyphs --------------------------------------------------------------------


def is_wide(ch: str) -> bool:
    """A character that takes a full em: CJK ideographs and full-width punctuation."""
    return unicodedata.east_asian_width(ch) in ("W", "F")


def char_weight(ch: str) -> float:
    """Advance of a character in ems: a wide one a full em, a space a third, others half."""
    return 1.0 if is_wide(ch) else (0.33 if ch == " " else 0.5)


def ink_em(words: list[Word]) -> float:
    """A run's em in pixels from ink heights: the median height of its single wide
    characters (tesseract's word boxes are ink boxes), or of all its words when it has none."""
    wide = [w.height for w in words if len(w.text) == 1 and is_wide(w.text) and w.text not in CLOSING_PUNCT]
    return statistics.median(wide) / INK_EM if wide else statistics.median(w.height for w in words)


def run_em(words: list[Word]) -> float:
    """A run's em in pixels. Chinese is set on an em grid, so a run of several characters
    gives it as its width over its characters' advances, a steadier measure than the ink
    heights (which tesseract reports loosely); short runs fall back on the heights."""
    advance = advance_of(words)
    width = words[-1].left + words[-1].width - words[0].left
    by_ink = ink_em(words)
    if advance >= MIN_ADVANCE_EMS and width > 0:
        by_advance = width / (advance - INK_MARGIN_EM)
        if by_advance <= MAX_ADVANCE_OVER_INK * by_ink:
            return by_advance
    return by_ink


def advance_of(words: list[Word]) -> float:
    """The run's width in ems as set: the sum of its characters' advances."""
    return sum(map(char_weight, segment_chars(words)))


def word_right(word: Word, em: float) -> float:
    """A word's right edge in pixels, at least as far as its characters' advances reach
    (tesseract sometimes gives a character a box a few pixels wide)."""
    return max(word.left + word.width, word.left + (sum(map(char_weight, word.text)) - INK_MARGIN_EM) * em)


def snap_sizes(sizes: list[float], weights: list[int]) -> list[float]:
    """Each size replaced by the weighted median of its class: sorted sizes within
    `SIZE_CLASS_RATIO` of the previous one form a class, so OCR jitter leaves body lines one
    size while headlines and section heads keep theirs."""
    order = sorted(range(len(sizes)), key=sizes.__getitem__)
    snapped = list(sizes)
    group: list[int] = []
    for i in [*order, None]:
        if group and (i is None or sizes[i] > sizes[group[-1]] * SIZE_CLASS_RATIO):
            pool = [sizes[k] for k in group for _ in range(max(1, weights[k]))]
            value = round(statistics.median(pool) * 4) / 4
            for k in group:
                snapped[k] = value
            group = []
        if i is not None:
            group.append(i)
    return snapped


def fold_punctuation(chars: list[str]) -> list[str]:
    """ASCII punctuation next to a CJK character becomes its full-width form; between
    digits (`8:30`, `1,350`) or Latin letters it stays."""
    out = list(chars)
    for i, ch in enumerate(chars):
        full = ASCII_TO_FULL.get(ch)
        if full is None:
            continue
        before = chars[i - 1] if i else ""
        after = chars[i + 1] if i + 1 < len(chars) else ""
        if before.isascii() and after.isascii() and (before.isalnum() or after.isalnum()):
            continue
        if any(c and not c.isascii() for c in (before, after)) or ch in "()":
            out[i] = full
    return out


def split_segments(words: list[Word], em: float) -> list[list[Word]]:
    """An OCR line cut where its words are more than `SPLIT_GAP_EM` apart: tesseract may
    run one line on into the next column (a section head level with the next column's text)."""
    segments = [[words[0]]]
    reach = word_right(words[0], em)
    for word in words[1:]:
        if word.left - reach > SPLIT_GAP_EM * em:
            segments.append([])
            reach = word.left
        segments[-1].append(word)
        reach = max(reach, word_right(word, em))
    return segments


def join_limit(before: str, after: str, em: float) -> float:
    """Largest gap in pixels that still joins two title-size runs tesseract set apart on one
    row. It cuts big headlines at their colon or an opening quote, where the mark's ink fills
    only a corner of its em box: `JOIN_GAP_EM` plus that blank per mark at the seam. Any other
    seam does not join: runs that close are neighbouring columns or headlines."""
    seam = (before in SEAM_BEFORE) + (after in SEAM_AFTER)
    return (JOIN_GAP_EM + PUNCT_BLANK_EM * seam) * em if seam else 0.0


def merge_runs(runs: list[list[Word]]) -> list[list[Word]]:
    """Title-size runs tesseract put in separate lines though they sit on one row and touch
    at a colon or quote (a headline cut after `地名：`) are joined, so the row gets one size
    and one text. Body-size runs are left alone: a column line ending in punctuation sits as
    close to the next column's line."""
    body = statistics.median(ink_em(run) for run in runs) if runs else 0.0
    merged: list[list[Word]] = []
    ems: list[float] = []
    for run in sorted(runs, key=lambda r: r[0].left):
        em, centre = ink_em(run), _centre(run)
        for k, (other, other_em) in enumerate(zip(merged, ems, strict=True)):
            ref = max(em, other_em)
            if min(em, other_em) < TITLE_EM_RATIO * body:
                continue
            gap = run[0].left - word_right(other[-1], other_em)
            limit = join_limit(other[-1].text[-1], run[0].text[0], ref)
            if abs(_centre(other) - centre) < ROW_EM * ref and -0.5 * ref < gap < limit:
                merged[k] = other + run
                break
        else:
            merged.append(run)
            ems.append(em)
    order = {id(run[0]): i for i, run in enumerate(runs)}
    return sorted(merged, key=lambda r: order[id(r[0])])


def _centre(words: list[Word]) -> float:
    return statistics.median(w.top + w.height / 2 for w in words)


def segment_chars(words: list[Word]) -> list[str]:
    """The segment's characters: words joined with no space, but one space between two
    Latin or digit words; full-width digits folded."""
    chars: list[str] = []
    for word in words:
        text = [unicodedata.normalize("NFKC", c) if c.isdigit() else c for c in word.text]
        if chars and chars[-1].isascii() and chars[-1].isalnum() and text[0].isascii() and text[0].isalpha():
            chars.append(" ")
        chars.extend(text)
    return fold_punctuation(chars)


def segment_glyphs(words: list[Word], scale: float, size: float) -> list[Glyph]:
    """Glyphs of one run of words: characters laid side by side across the run's box in
    proportion to their width (a wide character one em, others half, a space a third).
    Tesseract's word boxes for Chinese are often a character off, its line extent is not;
    printed Chinese is set on an even em grid, so even spacing places each character well."""
    chars = segment_chars(words)
    weights = [1.0 if is_wide(c) else (0.33 if c == " " else 0.5) for c in chars]
    left = words[0].left * scale
    right = max(left + 1.0, (words[-1].left + words[-1].width) * scale)
    centre = _centre(words) * scale
    top, bottom = centre - size / 2, centre + size / 2
    unit = (right - left) / sum(weights)
    glyphs, x = [], left
    for ch, weight in zip(chars, weights, strict=True):
        glyphs.append(Glyph(ch, x, top, x + unit * weight, bottom, size, "ocr", space=ch == " "))
        x += unit * weight
    return glyphs


def settle_short_runs(runs: list[list[Word]], sizes: list[float]) -> list[float]:
    """A run too short to be measured by its advances (a headline's last two characters)
    takes the nearest size of the well-measured runs when within `SHORT_RUN_RATIO` of it:
    its ink height alone is a loose measure."""
    measured = sorted({size for run, size in zip(runs, sizes, strict=True) if advance_of(run) >= MIN_ADVANCE_EMS})
    settled = list(sizes)
    for i, run in enumerate(runs):
        if advance_of(run) >= MIN_ADVANCE_EMS or not measured:
            continue
        near = min(measured, key=lambda m: abs(m - sizes[i]))
        if max(near, sizes[i]) / min(near, sizes[i]) <= SHORT_RUN_RATIO:
            settled[i] = near
    return settled


def words_to_glyphs(words: list[Word], scale: float) -> list[Glyph]:
    """All words of a page as glyphs in points, run after run in tesseract's order."""
    lines: dict[tuple[int, int, int], list[Word]] = {}
    for word in words:
        lines.setdefault(word.line, []).append(word)
    runs = merge_runs([run for group in lines.values() for run in split_segments(group, ink_em(group))])
    sizes = snap_sizes([run_em(r) * scale for r in runs], [sum(len(w.text) for w in r) for r in runs])
    sizes = settle_short_runs(runs, sizes)
    glyphs: list[Glyph] = []
    for run, size in zip(runs, sizes, strict=True):
        glyphs.extend(segment_glyphs(run, scale, size))
    return glyphs


def ocr_glyphs(path: Path, number: int, dpi: int = DPI) -> OcrResult:
    """Render, clean and OCR one page: its glyphs in PDF points and the mean confidence."""
    started = time.perf_counter()
    rules: list[tuple[int, int, int, int]] = []
    image = remove_rules(render_page(path, number, dpi), dpi, rules)
    words = run_tesseract(image, dpi)
    confidence = statistics.fmean(w.conf for w in words) if words else None
    scale = 72 / dpi
    return OcrResult(words_to_glyphs(words, scale), confidence, time.perf_counter() - started,
                     [tuple(v * scale for v in box) for box in rules])


# --- the page ---------------------------------------------------------------------------


def ocr_page(path: Path, raw: RawPage, page: Page, size: float) -> tuple[Page, float]:
    """A `needs_ocr` page read again from OCR glyphs, flagged `ocr`; unchanged (still
    `needs_ocr`, with a warning naming the file) when OCR is unavailable, fails or reads
    nothing. The page-sized scan image is dropped from the graphics (it is no photo) and the
    rules found in it are added."""
    reason = unavailable_reason()
    if reason is not None:
        log.warning("%s page %d: no text layer, kept as needs_ocr: OCR unavailable, %s",
                    path, raw.number, reason)
        return page, size
    try:
        result = ocr_glyphs(Path(path), raw.number)
    except (OSError, RuntimeError, subprocess.SubprocessError) as error:
        log.warning("%s page %d: OCR failed, kept as needs_ocr: %s", path, raw.number, error)
        return page, size
    if not result.glyphs:
        log.warning("%s page %d: OCR read no text, kept as needs_ocr", path, raw.number)
        return page, size
    area = raw.width * raw.height
    raw.images = [b for b in raw.images if (b[2] - b[0]) * (b[3] - b[1]) < SCAN_COVER * area]
    raw.glyphs = Glyphs.of(result.glyphs)
    raw.rules = [*raw.rules, *result.rules]
    ocr_read, ocr_size = page_from_raw(raw)
    ocr_read.flags = [f for f in ocr_read.flags if f != PageFlag.needs_ocr] + [PageFlag.ocr]
    log.info("%s page %d: OCR mean confidence %.1f over %d characters (%.1f s)", path, raw.number,
             result.confidence or 0.0, len(result.glyphs), result.seconds)
    return ocr_read, ocr_size
