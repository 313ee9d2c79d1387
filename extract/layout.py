"""Page layout for PDFs: lines -> articles -> blocks in reading order, with kinds.

Thresholds are tied to the page's body size (most common character size) and its measured
line pitch, never to points: print pages share a baseline grid across columns, so ordinary
line gaps must not cut, while the gap after an article, a headline or a boxed lead does.

1. page header / footer: lines above the top rule / below the bottom rule, and continuation
   notes (`（下转第3版）`), are noise;
2. headlines by size relative to the body size around them (a main story may be set larger),
   or bold section-size lines where a new story starts (under a rule, a wide gap or nothing);
   a smaller line stacked on a headline is its kicker (引题) or subtitle (副题); each headline
   claims the columns directly under it up to the text that runs past it on either side
   (this is what makes spanning headlines and inverted-L articles work);
3. every other line goes to the nearest headline above it whose columns it lies in; a framed
   title with no sentence under it is an advertisement (noise);
4. inside an article, recursive XY-cut on whitespace gives column pieces in reading order;
   pieces split into blocks by size (against the article's own body size), frames, indents
   and short last lines; a paragraph that runs on into the next column is joined back; the
   frame an article opens with is its lead, other frames are sidebars read after the story.
"""

from __future__ import annotations

import bisect
import difflib
import itertools
import re
import statistics
import string
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from extract.reflow import join_lines
from schemas import BBox, Block, BlockKind, Line, Page

HEADLINE_RATIO = 1.45
SECTION_RATIO = 1.12
CAPTION_GAP_PITCHES = 1.5
HEADER_ZONE = 0.12
RULE_MIN_WIDTH = 0.6
INDENT_CHARS = 0.8
SHORT_LINE_CHARS = 1.2
BAND_PITCHES = 3.0
LOCAL_PITCHES = 8.0
"""Lines this many pitches above or below a title candidate, in its columns, give its local
body size (a page may set its main story larger than the rest)."""
SEPARATED_PITCHES = 2.5
"""Whitespace above a line, in pitches, that ends the story above it as a rule would."""
PLAIN_HEAD_RATIO = 1.25
"""A separated line this much larger than its body is a headline even when not bold."""
TITLE_GAP = 0.9
"""Gap, in the smaller line's size, between a kicker or subtitle and its headline."""
SENTENCE_END = re.compile(r"[。！？!?]")
CONTINUED_RE = re.compile(
    r"[（(]\s*(?:下转|上接|接上|转|接|续)\s*(?:第\s*)?[A-Za-z]?[\d一二三四五六七八九十]{1,3}\s*版"
    r"[^（）()]{0,8}[）)]\s*$"
)
"""`（下转第3版）`, `（上接第1版）`, `(转A2版)`: where a story continues; page furniture."""
REPORTER_ROLE = r"(?:本报|本刊|新华社|人民网|中新网)?(?:特约|见习|实习|首席)?(?:记者|通讯员|实习生|评论员)"
PERSON = r"[\u4e00-\u9fff·]{2,4}"
BYLINE_RE = re.compile(
    rf"^[（(]?\s*(?:{REPORTER_ROLE}|文\s*[/／]|作者\s*[：:])\s*{PERSON}"
    rf"(?:[\s\u3000、，,]+(?:{REPORTER_ROLE}\s*)?{PERSON})*\s*[）)]?$"
)
"""A byline line under a headline: `本报记者 张三`, `本报通讯员 李四 王五`, `文/张三`."""
SOURCE_RE = re.compile(r"^[（(](?:据|来源[：:]|稿件来源[：:]|转自)[^（）()]{2,40}[）)]$")
LATIN = frozenset(string.ascii_letters)
HANGING_TEXT = "，。、；：？！）”’」』》〉"
KIND_COLORS = {
    BlockKind.headline: "#d62728", BlockKind.section: "#ff7f0e", BlockKind.lead: "#9467bd",
    BlockKind.body: "#1f77b4", BlockKind.caption: "#2ca02c", BlockKind.source: "#8c564b",
    BlockKind.byline: "#e377c2", BlockKind.dateline: "#e377c2", BlockKind.noise: "#7f7f7f",
}


@dataclass
class Metrics:
    body: float
    pitch: float
    gap: float
    core_rights: dict[int, float] = field(default_factory=dict)
    """`core_right` of each line by id, computed once per page (XY-cut asks at every level)."""

    @property
    def cut_y(self) -> float:
        """Smallest horizontal whitespace that separates pieces (more than a line gap)."""
        return self.gap + 0.5 * self.body

    @property
    def cut_x(self) -> float:
        """Smallest vertical whitespace that separates columns (narrow gutters included)."""
        return 0.5 * self.body


@dataclass
class Graphics:
    images: list[BBox] = field(default_factory=list)
    rules: list[BBox] = field(default_factory=list)
    frames: list[BBox] = field(default_factory=list)


@dataclass
class Chunk:
    """A block under construction: lines of one kind, plus what joining needs to know."""

    lines: list[Line]
    kind: BlockKind = BlockKind.body
    indented: bool = False
    ends_short: bool = False
    frame: int = -1
    """Index of the drawn frame around the first line (-1 when none), set by `leaf_chunks`."""

    @property
    def bbox(self) -> BBox:
        return union([ln.bbox for ln in self.lines])


def union(boxes) -> BBox:
    """The box around the given boxes (None entries skipped), in one pass: it is asked for
    every chunk and headline."""
    it = iter(boxes)
    for first in it:
        if first:
            break
    else:
        raise ValueError("union of no boxes")
    x0, top, x1, bottom = first
    for b in it:
        if b:
            if b[0] < x0:
                x0 = b[0]
            if b[1] < top:
                top = b[1]
            if b[2] > x1:
                x1 = b[2]
            if b[3] > bottom:
                bottom = b[3]
    return x0, top, x1, bottom


def overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    """Length shared by the ranges [a0, a1] and [b0, b1] (0 when apart)."""
    shared = (a1 if a1 <= b1 else b1) - (a0 if a0 >= b0 else b0)
    return shared if shared > 0.0 else 0.0


def measure(lines: list[Line], body: float) -> Metrics:
    """Line pitch and ordinary gap measured between body-size lines stacked in a column."""
    tolerance, column_width = 0.1 * body, body * 4
    boxes = [ln.bbox for ln in lines if (size := ln.size) and abs(size - body) < tolerance]
    boxes.sort(key=lambda box: (box[0] // column_width, box[1]))
    low, high = 0.9 * body, 2.5 * body
    pitches, gaps = [], []
    for a, b in itertools.pairwise(boxes):
        d = b[1] - a[1]
        if low < d < high and overlap(a[0], a[2], b[0], b[2]) > 0:
            pitches.append(d)
            gaps.append(max(0.0, b[1] - a[3]))
    pitch = statistics.median(pitches) if pitches else 1.5 * body
    gap = statistics.median(gaps) if gaps else 0.4 * body
    return Metrics(body, pitch, gap)


# --- XY-cut ---------------------------------------------------------------------------


def core_right(ln: Line) -> float:
    """Right edge without hanging closing punctuation (it may reach into the gutter).
    Characters and boxes are paired from the end."""
    boxes, text = ln.char_boxes or [], ln.text
    core = len(text.rstrip(HANGING_TEXT))
    k = len(text) - core + 1  # the last character that does not hang, counted from the end
    if core and k <= len(boxes):
        return boxes[-k][2]
    return ln.bbox[2]


def core_rights_of(lines: list[Line], m: Metrics) -> list[float]:
    """`core_right` of each line, remembered in `m` for the other levels of the XY-cut."""
    rights = m.core_rights
    out = []
    for ln in lines:
        right = rights.get(id(ln))
        if right is None:
            right = rights[id(ln)] = core_right(ln)
        out.append(right)
    return out


def _split(lines: list[Line], lo: int, hi: int, threshold: float, m: Metrics) -> list[list[Line]]:
    """The lines sorted along one axis (`lo`/`hi` index their boxes) and cut wherever the
    whitespace after everything so far reaches `threshold`."""
    ordered = sorted(lines, key=lambda ln: ln.bbox[lo])
    starts = [ln.bbox[lo] for ln in ordered]
    ends = core_rights_of(ordered, m) if hi == 2 else [ln.bbox[hi] for ln in ordered]
    groups, start, reach = [], 0, ends[0]
    for k in range(1, len(ordered)):
        if starts[k] - reach >= threshold:
            groups.append(ordered[start:k])
            start = k
        if ends[k] > reach:
            reach = ends[k]
    groups.append(ordered[start:])
    return groups


def side_by_side(groups: list[list[Line]]) -> list[list[Line]]:
    """Column pieces that share no height are not columns but one piece (a paragraph's short
    last line left of the next paragraph's indented first line): they are merged back."""
    merged = [groups[0]]
    spans = [vertical_span(groups[0])]
    for group in groups[1:]:
        span = vertical_span(group)
        if overlap(*spans[-1], *span) > 0:
            merged.append(group)
            spans.append(span)
        else:
            merged[-1] = merged[-1] + group
            spans[-1] = (min(spans[-1][0], span[0]), max(spans[-1][1], span[1]))
    return merged


def vertical_span(lines: list[Line]) -> tuple[float, float]:
    """Top of the highest line and bottom of the lowest."""
    _, top, _, bottom = union([ln.bbox for ln in lines])
    return top, bottom


def xy_cut(lines: list[Line], m: Metrics, cut_along: str = "") -> list[list[Line]]:
    """Recursive XY-cut: horizontal strips first, then columns; leaves in reading order.

    `cut_along` ("y" or "x") is the axis along which `lines` were just cut out of a larger
    piece. Cutting them again along it gives the same piece back: every gap inside it was
    already measured and found too narrow, against the same reach (lines before the piece end
    before it starts), and columns that `side_by_side` merged merge again. So that cut is
    skipped (about a third of all cuts on a newspaper page)."""
    if len(lines) <= 1:
        return [lines] if lines else []
    if cut_along != "y":
        strips = _split(lines, 1, 3, m.cut_y, m)
        if len(strips) > 1:
            return [leaf for g in strips for leaf in xy_cut(g, m, "y")]
    if cut_along != "x":
        columns = _split(lines, 0, 2, m.cut_x, m)
        if len(columns) > 1:
            columns = side_by_side(columns)
        if len(columns) > 1:
            return [leaf for g in columns for leaf in xy_cut(g, m, "x")]
    return [sorted(lines, key=lambda ln: (ln.bbox[1], ln.bbox[0]))]




# --- page regions -----------------------------------------------------------------------


def split_header_footer(lines: list[Line], page: Page, rules: list[BBox]) -> tuple[list[Line], list[Line]]:
    """Lines above the top rule or below the bottom rule of the page are header/footer."""
    width, height = page.width or 0, page.height or 0
    long_rules = [r for r in rules if r[2] - r[0] >= RULE_MIN_WIDTH * width]
    top = max((r[3] for r in long_rules if r[3] < height * HEADER_ZONE), default=None)
    bottom = min((r[1] for r in long_rules if r[1] > height * (1 - HEADER_ZONE)), default=None)
    if top is None and bottom is None:
        return list(lines), []
    content, noise = [], []
    for ln in lines:
        mid = (ln.bbox[1] + ln.bbox[3]) / 2
        if (top is not None and mid < top) or (bottom is not None and mid > bottom):
            noise.append(ln)
        else:
            content.append(ln)
    return content, noise


def split_continuations(lines: list[Line]) -> tuple[list[Line], list[Line]]:
    """Continuation notes (`（下转第3版）`) are page furniture: a line that is only one is
    noise, one that ends a text line is cut off it."""
    kept, noise = [], []
    for ln in lines:
        match = CONTINUED_RE.search(ln.text) if "版" in ln.text else None
        if match is None:
            kept.append(ln)
        elif not ln.text[: match.start()].strip():
            noise.append(ln)
        else:
            kept.append(cut_line(ln, len(ln.text[: match.start()].rstrip())))
    return kept, noise


def cut_line(ln: Line, end: int) -> Line:
    """The line's first `end` characters, with their boxes and the box around them."""
    boxes = ln.char_boxes[:end] if ln.char_boxes else None
    bbox = (ln.bbox[0], ln.bbox[1], max(b[2] for b in boxes), ln.bbox[3]) if boxes else ln.bbox
    cut = ln.model_copy(update={"text": ln.text[:end], "bbox": bbox})
    cut.char_boxes = boxes
    return cut


class LinesByTop:
    """A page's lines sorted by top, so that questions about the lines in a height band (the
    local body size, the nearest line above) read that band only, not the whole page.
    Questions are answered with page-order indices into `lines`, `boxes`, `sizes` and
    `lengths` (read once here: every headline candidate asks about many lines)."""

    def __init__(self, lines: list[Line]):
        self.lines = lines
        self.boxes = [ln.bbox for ln in lines]
        self.sizes = [ln.size for ln in lines]
        self.lengths = [len(ln.text) for ln in lines]
        tops = [b[1] for b in self.boxes]
        self.order = sorted(range(len(lines)), key=tops.__getitem__)
        """Page-order indices of the lines, by top."""
        self.tops = [tops[i] for i in self.order]
        self.upright = all(b[1] <= b[3] for b in self.boxes)
        """Every box's top is above its bottom, so a line ending above `y` also starts above it."""

    def above(self, y: float) -> list[int]:
        """The lines whose top is above `y`."""
        return self.order[:bisect.bisect_left(self.tops, y)]

    def inside(self, top: float, bottom: float) -> list[int]:
        """The lines that may lie strictly between `top` and `bottom` (their top does), in
        page order; the caller checks their bottom."""
        end = bisect.bisect_left(self.tops, bottom) if self.upright else len(self.order)
        return sorted(self.order[bisect.bisect_right(self.tops, top):end])


def local_body(ln: Line, lines: LinesByTop, m: Metrics) -> float:
    """The most common size, by characters, of the smaller lines in the line's columns within
    `LOCAL_PITCHES` above and below it: the body size of the story it belongs to. Lines are
    counted in page order, which settles ties."""
    x0, top, x1, bottom = ln.bbox
    reach = LOCAL_PITCHES * m.pitch
    low, high = top - reach, bottom + reach
    limit = 0.95 * (ln.size or m.body)
    boxes, sizes = lines.boxes, lines.sizes
    counted = []
    for i in lines.inside(low, high):
        size, b = sizes[i], boxes[i]
        if size and size < limit and b[2] > x0 and b[0] < x1 and low < b[1] and b[3] < high:
            counted.append((size, lines.lengths[i]))
    return commonest_size(counted, m.body)


def separated_above(ln: Line, lines: LinesByTop, rules: list[BBox], m: Metrics) -> bool:
    """Nothing above the line in its columns, or a rule or a story-sized gap between it and
    the nearest line above: where a new story starts."""
    x0, top, x1, _ = ln.bbox
    touch = 0.3 * (ln.size or m.body)
    boxes = lines.boxes
    above = [boxes[i] for i in lines.above(top)
             if lines.lines[i] is not ln and boxes[i][3] <= top + touch and overlap(boxes[i][0], boxes[i][2], x0, x1) > 0]
    if not above:
        return True
    floor = max(b[3] for b in above)
    if top - floor >= SEPARATED_PITCHES * m.pitch:
        return True
    return any(floor - 1 <= (r[1] + r[3]) / 2 <= top + 1 and overlap(r[0], r[2], x0, x1) > 0
               for r in rules if r[2] - r[0] >= r[3] - r[1])


def is_headline_line(ln: Line, lines: LinesByTop, rules: list[BBox], m: Metrics) -> bool:
    """Headline size relative to the story's own body; or, when a new story starts at the
    line, a bold (or clearly larger) line of section size."""
    size = ln.size or 0
    if size < SECTION_RATIO * m.body:
        return False
    body = local_body(ln, lines, m)
    if size >= HEADLINE_RATIO * body:
        return True
    if size < SECTION_RATIO * body or SENTENCE_END.search(ln.text):
        return False
    return (ln.bold or size >= PLAIN_HEAD_RATIO * body) and separated_above(ln, lines, rules, m)


@dataclass
class Title:
    """A headline's lines: the main title, and the kicker (引题) above and subtitle (副题) below."""

    main: list[Line]
    kicker: list[Line] = field(default_factory=list)
    subtitle: list[Line] = field(default_factory=list)

    @property
    def lines(self) -> list[Line]:
        return [*self.kicker, *self.main, *self.subtitle]


def stacked(upper: Line, lower: Line, gap: float, touch: float = 0.0) -> bool:
    """`lower` sits right under `upper` (less than `gap` between them, boxes overlapping by
    at most `touch`) and shares its x-range."""
    return (-touch <= lower.bbox[1] - upper.bbox[3] < gap
            and overlap(lower.bbox[0], lower.bbox[2], upper.bbox[0], upper.bbox[2]) > 0)


def headline_groups(lines: list[Line], m: Metrics, rules: list[BBox] = ()) -> list[Title]:
    """Headline lines stacked closely form one title; within it the largest lines are the
    main title, smaller ones above it the kicker and below it the subtitle. Short section-size
    lines stacked right on a title, centred over it or opening with a dash, join it too."""
    by_top = LinesByTop(lines)
    heads = [ln for ln in lines if is_headline_line(ln, by_top, rules, m)]
    heads.sort(key=lambda ln: ln.bbox[1])
    stacks: list[list[Line]] = []
    for ln in heads:
        for g in stacks:
            if stacked(g[-1], ln, 0.8 * (ln.size or m.body)):
                g.append(ln)
                break
        else:
            stacks.append([ln])
    titled = {id(ln) for ln in heads}
    extras = [ln for ln in lines if id(ln) not in titled and is_title_extra(ln, m)]
    titles = []
    for g in stacks:
        for ln in extras:
            if id(ln) in titled:
                continue
            gap = TITLE_GAP * (ln.size or m.body)
            touch = 0.3 * max(ln.size or m.body, *(t.size or m.body for t in g))
            if (stacked(ln, g[0], gap, touch) or stacked(g[-1], ln, gap, touch)) \
                    and (ln.text.startswith(("——", "—", "--")) or centred_on(ln, g)):
                titled.add(id(ln))
                g.append(ln)
                g.sort(key=lambda ln: ln.bbox[1])
        titles.append(split_title(g))
    return titles


def is_title_extra(ln: Line, m: Metrics) -> bool:
    """A short line larger than the body with no sentence end: maybe a kicker or subtitle."""
    return (ln.size or 0) >= SECTION_RATIO * m.body and not SENTENCE_END.search(ln.text) and len(ln.text) <= 40


def centred_on(ln: Line, group: list[Line]) -> bool:
    """Centred on the title lines and narrower than them (a full-width line is text)."""
    box = union([g.bbox for g in group])
    x0, _, x1, _ = ln.bbox
    return abs((x0 + x1) - (box[0] + box[2])) / 2 < (ln.size or 10) and x1 - x0 < 0.9 * (box[2] - box[0])


def split_title(lines: list[Line]) -> Title:
    """Main title = the lines of the largest size; those above it kicker, below subtitle."""
    top_size = max(ln.size or 0 for ln in lines)
    main = [i for i, ln in enumerate(lines) if (ln.size or 0) >= 0.9 * top_size]
    first, last = main[0], main[-1]
    return Title(lines[first:last + 1], lines[:first], lines[last + 1:])


def headline_extent(head: BBox, others: list[BBox], m: Metrics) -> tuple[float, float]:
    """The x-range a headline rules over: the columns under it, up to text running past it.
    `others` are the boxes of all other lines on the page."""
    x0, top, x1, bottom = head
    walls = beside(others, top, bottom)
    left = max((w[2] for w in walls if w[2] <= x0 + 1), default=-1e9)
    right = min((w[0] for w in walls if w[0] >= x1 - 1), default=1e9)
    band = band_under(bottom, others, left, right, m)
    if band and all(x0 - 1 <= b[0] and b[2] <= x1 + 1 for b in band):
        band += band_under(max(b[3] for b in band), others, left, right, m)
    if not band:
        below = [b[1] for b in others if b[1] >= bottom - 1 and overlap(b[0], b[2], x0, x1) > 0]
        if below:
            band = band_under(min(below), others, left, right, m)
    if not band:
        return x0, x1
    return min(x0, *(b[0] for b in band)), max(x1, *(b[2] for b in band))


def beside(boxes: list[BBox], top: float, bottom: float) -> list[BBox]:
    """The boxes with more than 0.3 of their height between `top` and `bottom`. Asked of
    every line for every headline: a box wholly above or below is settled without measuring
    (it shares nothing, which is enough only for an upside-down box)."""
    out = []
    for b in boxes:
        if b[1] < bottom and b[3] > top:
            if overlap(b[1], b[3], top, bottom) > 0.3 * (b[3] - b[1]):
                out.append(b)
        elif b[3] < b[1]:
            out.append(b)
    return out


def band_under(bottom: float, others: list[BBox], left: float, right: float, m: Metrics) -> list[BBox]:
    """The boxes among `others` starting within `BAND_PITCHES` under `bottom`, between the walls.
    When all of them sit inside the headline's width (a byline), the caller looks once more
    under them for the columns."""
    first, last = bottom - 1, bottom + BAND_PITCHES * m.pitch
    return [b for b in others if first <= b[1] <= last and b[0] >= left - 1 and b[2] <= right + 1]


def assign_lines(lines: list[Line], heads: list[list[Line]], m: Metrics) -> tuple[list[list[Line]], list[Line]]:
    """Each non-headline line joins the nearest headline above it whose columns it lies in."""
    members = {id(ln) for g in heads for ln in g}
    others = [ln for ln in lines if id(ln) not in members]
    head_boxes = [[ln.bbox for ln in g] for g in heads]
    other_boxes = [ln.bbox for ln in others]
    boxes = [union(hb) for hb in head_boxes]
    extents = []
    for i, box in enumerate(boxes):
        walls = other_boxes + [b for j, hb in enumerate(head_boxes) if j != i for b in hb]
        extents.append(headline_extent(box, walls, m))
    # headlines by bottom, lowest first (ties in page order): the first that fits a line wins
    nearest_first = sorted(range(len(heads)), key=lambda i: -boxes[i][3])
    reaches = [(i, boxes[i][3], *extents[i]) for i in nearest_first]
    groups: list[list[Line]] = [[] for _ in heads]
    orphans: list[Line] = []
    for ln in others:
        x0, top, x1, _ = ln.bbox
        for i, head_bottom, left, right in reaches:
            if head_bottom <= top + 1 and overlap(x0, x1, left, right) >= 0.5 * (x1 - x0):
                groups[i].append(ln)
                break
        else:
            orphans.append(ln)
    return groups, orphans


# --- blocks -----------------------------------------------------------------------------


def size_class(ln: Line, m: Metrics) -> str:
    ratio = (ln.size or m.body) / m.body
    if ratio >= HEADLINE_RATIO:
        return "headline"
    if ratio >= SECTION_RATIO:
        return "section"
    if ratio <= 0.93:
        return "small"
    return "body"


def frame_of(ln: Line, frames: list[BBox]) -> int:
    """Index of the drawn frame around the line's centre, -1 when none."""
    x, y = (ln.bbox[0] + ln.bbox[2]) / 2, (ln.bbox[1] + ln.bbox[3]) / 2
    for i, f in enumerate(frames):
        if f[0] <= x <= f[2] and f[1] <= y <= f[3]:
            return i
    return -1


def leaf_chunks(leaf: list[Line], m: Metrics, g: Graphics) -> list[Chunk]:
    """One XY-cut leaf (a column piece) becomes paragraph-level chunks."""
    boxes = [ln.bbox for ln in leaf]
    left, _, right, _ = union(boxes)
    sizes = [ln.size or m.body for ln in leaf]
    classes = [size_class(ln, m) for ln in leaf]
    frames = [frame_of(ln, g.frames) for ln in leaf] if g.frames else [-1] * len(leaf)
    cut_y = m.cut_y
    chunks: list[Chunk] = []
    for k, ln in enumerate(leaf):
        box, size = boxes[k], sizes[k]
        indented = box[0] > left + INDENT_CHARS * size
        new = (k == 0 or classes[k] != classes[k - 1] or frames[k] != frames[k - 1]
               or box[1] - boxes[k - 1][3] >= cut_y
               or (classes[k] == "body" and (indented or chunks[-1].ends_short)))
        if new:
            chunks.append(Chunk([ln], indented=indented, frame=frames[k]))
        else:
            chunks[-1].lines.append(ln)
        chunks[-1].ends_short = box[2] < right - SHORT_LINE_CHARS * size
    return chunks


def classify(chunk: Chunk, m: Metrics, g: Graphics, lead_frame: int = -1) -> BlockKind:
    """The chunk's kind by size, pattern and geometry. Text in the frame of `lead_frame` (the
    box the article opens with) is its lead; in any other frame it is a sidebar's heading or
    text (`知识链接`), told apart as section and body."""
    text = "".join([ln.text for ln in chunk.lines])
    first = chunk.lines[0]
    cls = size_class(first, m)
    if cls == "headline":
        return BlockKind.headline
    if SOURCE_RE.match(text):
        return BlockKind.source
    if len(chunk.lines) <= 2 and BYLINE_RE.match(text):
        return BlockKind.byline
    if g.images:
        x0, top, x1, _ = chunk.bbox
        for im in g.images:
            if 0 <= top - im[3] <= CAPTION_GAP_PITCHES * m.pitch and overlap(x0, x1, im[0], im[2]) > 0:
                return BlockKind.caption
    frame = chunk.frame
    if frame >= 0 and frame == lead_frame:
        return BlockKind.lead
    if cls == "section" or (first.bold and len(text) <= 24 and not text.endswith("。")):
        return BlockKind.section
    if frame >= 0 and len(text) <= 24 and not SENTENCE_END.search(text):
        return BlockKind.section
    return BlockKind.body


def join_chunk_text(lines: list[Line]) -> tuple[str, list[BBox | None]]:
    """Reflow lines into one string with aligned boxes: CJK joins with no space, a Latin word
    broken at a line end gets its space back, a hyphen splitting a word is dropped."""
    text = ""
    boxes: list[BBox | None] = []
    for ln in lines:
        piece = ln.text
        if text and piece:
            if text[-1] == "-" and len(text) > 1 and text[-2].isalpha() and piece[0].islower():
                text = text[:-1]
                boxes.pop()
            elif text[-1] in LATIN and piece[0] in LATIN:
                text += " "
                boxes.append(None)
        text += piece
        boxes += ln.char_boxes or [ln.bbox] * len(piece)
    return text, boxes


def align_boxes(source: str, boxes: list, target: str) -> list:
    """Carry character boxes from `source` over to `target` (the same text reflowed)."""
    out: list = [None] * len(target)
    matcher = difflib.SequenceMatcher(None, source, target, autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal" or (op == "replace" and a1 - a0 == b1 - b0):
            out[b0:b1] = boxes[a0:a1]
    return out


def reflowed(lines: list[Line], kind: BlockKind) -> tuple[str, list[BBox | None]]:
    """Block text by the project's reflow rules (`extract.reflow.join_lines`),
    with the characters' boxes aligned to it. Headlines and section headings keep the
    spaces that separate their phrases, as the text path keeps them."""
    text, boxes = join_chunk_text(lines)
    if kind in (BlockKind.headline, BlockKind.section):
        return text, boxes
    joined = join_lines([ln.text for ln in lines])
    if joined == text:
        return text, boxes
    return joined, align_boxes(text, boxes, joined)


def chunk_block(chunk: Chunk, page: int) -> Block:
    """The chunk as a Block; its character boxes (built here with the exact type) are set
    after validation so that they stay the very tuples the lines made, not copies."""
    text, boxes = reflowed(chunk.lines, chunk.kind)
    sizes = [size for ln in chunk.lines if (size := ln.size)]
    block = Block(kind=chunk.kind, text=text, page=page, bbox=chunk.bbox,
                  size=statistics.median(sizes) if sizes else None)
    block.char_boxes = boxes
    return block


def article_metrics(lines: list[Line], m: Metrics) -> Metrics:
    """The page's metrics, or the article's own where its body is set in another size."""
    body = body_size_of(lines)
    if abs(body - m.body) < 0.25 * SECTION_RATIO:
        return m
    own = measure(lines, body)
    own.core_rights = m.core_rights
    return own


def article_chunks(lines: list[Line], m: Metrics, g: Graphics) -> list[Chunk]:
    """An article's lines in reading order as classified chunks, continued paragraphs joined.

    Sizes are judged against the article's own body size. A frame the article opens with
    holds its lead; other frames are sidebars, read after the story (a paragraph running on
    past a sidebar is joined across it)."""
    m = article_metrics(lines, m) if lines else m
    chunks: list[Chunk] = []
    aside: list[Chunk] = []
    lead_frame: int | None = None
    for leaf in xy_cut(lines, m):
        for chunk in leaf_chunks(leaf, m, g):
            frame = chunk.frame
            if lead_frame is None and not BYLINE_RE.match(chunk.lines[0].text):
                lead_frame = frame
            chunk.kind = classify(chunk, m, g, lead_frame if lead_frame is not None else -1)
            target = aside if frame >= 0 and frame != lead_frame else chunks
            last = None
            for c in reversed(target):
                if c.kind != BlockKind.caption:
                    last = c
                    break
            if (last is not None and chunk.kind == last.kind
                    and chunk.kind in (BlockKind.body, BlockKind.lead, BlockKind.headline)
                    and not chunk.indented and not last.ends_short
                    and (target[-1] is not last or not far_below(last, chunk, m))):
                last.lines.extend(chunk.lines)
                last.ends_short = chunk.ends_short
                continue
            target.append(chunk)
    return chunks + aside


def far_below(last: Chunk, chunk: Chunk, m: Metrics) -> bool:
    """`chunk` starts a story-sized gap below `last`: a paragraph running on goes up to the
    next column's top or straight on, never across such whitespace (unless a picture sits in it)."""
    return chunk.bbox[1] - last.bbox[3] >= SEPARATED_PITCHES * m.pitch


def is_advert(title: Title, members: list[Line], g: Graphics) -> bool:
    """A title in a frame with everything under it inside that frame and not one sentence:
    an advertisement or notice box, not a story."""
    frame = frame_of(title.main[0], g.frames) if g.frames else -1
    if frame < 0:
        return False
    lines = [*title.lines, *members]
    return (all(frame_of(ln, g.frames) == frame for ln in lines)
            and not any(SENTENCE_END.search(ln.text) for ln in lines))


def graphics_of(raw) -> Graphics:
    if raw is None:
        return Graphics()
    return Graphics(list(raw.images), list(raw.rules), list(raw.frames))


def body_size_of(lines: list[Line]) -> float:
    """The most common size of the lines, by characters."""
    return commonest_size(((ln.size, len(ln.text)) for ln in lines if ln.size), 10.0)


def commonest_size(sizes: Iterable[tuple[float, int]], default: float) -> float:
    """The size (to 0.5 pt) that most characters have, of (size, characters) pairs; on a tie
    the size met first; `default` when there are none."""
    weights: dict[float, int] = {}
    for size, count in sizes:
        key = round(size * 2) / 2
        weights[key] = weights.get(key, 0) + count
    return max(weights, key=weights.get) if weights else default


def layout_page(page: Page, raw=None, body: float | None = None) -> list[Block]:
    """A page's lines become blocks in reading order: article by article, headline first."""
    g = graphics_of(raw)
    body = body or body_size_of(page.lines)
    m = measure(page.lines, body)
    content, noise = split_header_footer(page.lines, page, g.rules)
    content, continued = split_continuations(content)
    noise += continued
    titles = headline_groups(content, m, g.rules)
    groups, orphans = assign_lines(content, [t.lines for t in titles], m)
    articles: list[tuple[float, list[Chunk]]] = []
    if orphans:
        articles.append((-1.0, article_chunks(orphans, m, g)))
    stand_ins = [Line(text="", bbox=union([ln.bbox for ln in title.lines + members]))
                 for title, members in zip(titles, groups, strict=True)]
    order = {id(ln): i for i, leaf in enumerate(xy_cut(stand_ins, m)) for ln in leaf}
    for title, members, stand_in in zip(titles, groups, stand_ins, strict=True):
        if is_advert(title, members, g):
            noise += [*title.lines, *members]
            continue
        head_chunks = [Chunk(part, BlockKind.headline) for part in (title.main, title.kicker, title.subtitle) if part]
        rank = order[id(stand_in)] + (stand_in.bbox[1] / 1e6)
        articles.append((rank, [*head_chunks, *article_chunks(members, m, g)]))
    articles.sort(key=lambda a: a[0])
    chunks = [Chunk(noise_lines, BlockKind.noise) for noise_lines in xy_cut(noise, m)]
    chunks += [c for _, cs in articles for c in cs]
    blocks = []
    for i, chunk in enumerate(chunks):
        block = chunk_block(chunk, page.number)
        block.order = i
        blocks.append(block)
    return blocks


def group_articles(page: Page) -> list[list[Block]]:
    """The page's blocks grouped by article: a headline starts one; noise is left out.

    `layout_page` already attached leads, captions, sections and source lines to their
    headline by geometry and emits blocks article by article; text before the first
    headline (a story continued from an earlier page) forms a group of its own.
    """
    blocks = page.blocks if page.blocks is not None else layout_page(page)
    groups: list[list[Block]] = []
    for block in sorted(blocks, key=lambda b: b.order):
        if block.kind == BlockKind.noise:
            continue
        if not groups or (block.kind == BlockKind.headline and not same_title(groups[-1], block)):
            groups.append([block])
        else:
            groups[-1].append(block)
    return groups


def same_title(group: list[Block], block: Block) -> bool:
    """A headline block stacked right on one of the headline blocks an article opens with is
    part of the same title (its kicker or subtitle)."""
    if any(b.kind != BlockKind.headline for b in group):
        return False
    for previous in group:
        a, b = previous.bbox, block.bbox
        gap = max(a[1], b[1]) - min(a[3], b[3])
        size = max(previous.size or a[3] - a[1], block.size or b[3] - b[1])
        if gap < TITLE_GAP * size and overlap(a[0], a[2], b[0], b[2]) > 0:
            return True
    return False


def draw_layout(pdf_path: Path, page_number: int, png_path: Path, figure_boxes: list[tuple] = ()) -> Path:
    """Draw columns, blocks coloured by kind, reading-order numbers and figure boxes."""
    import pdfplumber
    from PIL import ImageDraw

    from extract.pdf import BACKENDS, page_from_raw

    raw = next(r for r in BACKENDS["pdfium"](Path(pdf_path)) if r.number == page_number)
    page, body = page_from_raw(raw)
    blocks = layout_page(page, raw, body)
    m = measure(page.lines, body)
    with pdfplumber.open(str(pdf_path)) as pdf:
        pl_page = pdf.pages[page_number - 1]
        image = pl_page.to_image(resolution=110)
        dx, dy = pl_page.cropbox[0], pl_page.cropbox[1]

        def drawn(box) -> BBox:
            """A visible-page box (`extract.pdf.PageView`) in pdfplumber's MediaBox coordinates."""
            return box[0] + dx, box[1] + dy, box[2] + dx, box[3] + dy

        for leaf in xy_cut(split_header_footer(page.lines, page, raw.rules)[0], m):
            image.draw_rect(drawn(union([ln.bbox for ln in leaf])), fill=None, stroke="#bbbbbb", stroke_width=1)
        for block in blocks:
            color = KIND_COLORS.get(block.kind, "#000000")
            image.draw_rect(drawn(block.bbox), fill=None, stroke=color, stroke_width=2)
        for box in figure_boxes:
            image.draw_rect(drawn(tuple(box)), fill=None, stroke="#ff00ff", stroke_width=3)
        scale = image.scale
        draw = ImageDraw.Draw(image.annotated)
        for block in blocks:
            x, y = block.bbox[0] * scale, block.bbox[1] * scale
            draw.rectangle((x, y, x + 18, y + 12), fill="#000000")
            draw.text((x + 2, y), str(block.order), fill="#ffffff")
        png_path = Path(png_path)
        image.save(str(png_path))
        pl_page.close()
    return png_path
