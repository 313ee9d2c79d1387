"""A page's glyphs become positioned lines: the last step of reading a PDF page before
`extract.layout` orders them into blocks.

Glyphs are drawn in content-stream order, which on a newspaper page jumps between columns
and may place one character at a time. Lines are built in three passes: stream-order runs
(neighbour pairs decided together, with numpy, over the page's `Glyphs` table), runs
ordered by baseline and merged into line fragments where they continue one another (a
short loop over runs, not characters), and the fragments' text with one box per character
(again over the whole page at once).
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from extract.glyphs import Glyph, Glyphs, pick
from schemas import Line

GAP_LIMIT = 0.45
"""Ems of gap that end a line fragment: narrow gutters (down to about two thirds of the
body size) still separate columns."""
DASH_CHARS = set("-‐‑‒–—―─━＿_=＝·•…⋯－~～.．")
"""Characters that, repeated alone on a line, draw a rule rather than say something."""
MIN_DASH_RULE = 4
SPACE_RATIO = 0.25
"""A gap this many ems wider than the usual letter spacing is a space."""
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
MID_TOLERANCE = 0.35
"""Ems (of the larger font) by which the middles of two glyphs on one baseline may differ."""
BOTTOM_TOLERANCE = 0.6
"""Ems by which the bottoms may differ where a space is one of the two (a space's box
need not share the line's height, but sits on its baseline)."""
OVERLAP_LIMIT = 0.6
"""Ems (of the larger font) by which a glyph may overlap the one before it and still
continue its line (kerning, tight punctuation)."""
BASELINE_JITTER = 0.15
"""Ems by which the middles of glyphs set on one baseline may differ (glyphs placed one by
one, fonts of different ascent on one line)."""
LOOKBACK_FRAGMENTS = 8
"""Fragments, latest first, that a run is tried against before it starts a fragment."""
GLYPHS_PER_RUN = 4
"""Fewer glyphs per run than this on average: a page set one glyph at a time, where deciding
neighbouring runs all at once pays (`_merge_runs`); the lines are the same either way."""


# --- pairs of glyphs ------------------------------------------------------------------


def gap_after(last: Glyph, g: Glyph, gap_limit: float, size: float) -> tuple[float, float]:
    """The gap from `last` to `g` and the largest gap that still joins them, in points.

    Full-width closing punctuation inks only the left half of its em box, and at a column's
    end that box may hang into the gutter; after it the gap is measured from the ink, with
    room for the half-em of blank box (plus justification) that follows it mid-line."""
    if last.text in CLOSING_PUNCT:
        return g.x0 - min(last.x1, last.x0 + 0.5 * last.size), PUNCT_GAP * size
    return g.x0 - last.x1, gap_limit * size


def pair_joins(last: Glyph, g: Glyph, gap_limit: float, edges: ColumnEdges | None = None) -> bool:
    """Whether `g` continues a line ending in `last`.

    The gap is measured in ems of the smaller font: a body line next to a headline line
    across a narrow gutter stays apart. With `edges` (runs that are not stream neighbours),
    a gap after a closing mark wider than its blank half-box ends the line where `g` starts a
    column (`ColumnEdges`): the mark was set on half an em before a gutter."""
    size = max(last.size, g.size, 1.0)
    if last.space or g.space:
        if not abs(last.bottom - g.bottom) < BOTTOM_TOLERANCE * size:
            return False
    elif not abs((last.top + last.bottom) / 2 - (g.top + g.bottom) / 2) < MID_TOLERANCE * size:
        return False
    small = max(min(last.size, g.size), 1.0)
    gap, limit = gap_after(last, g, gap_limit, small)
    if edges is not None and last.text in CLOSING_PUNCT and gap > HALF_BOX_GAP * small \
            and edges.starts_column(g.x0, small):
        return False
    return -OVERLAP_LIMIT * size < gap < limit


def pairs_join(glyphs: Glyphs, last, g, gap_limit: float, edges: ColumnEdges | None = None):
    """`pair_joins` for many pairs at once: rows `last` and `g` of `glyphs` (integer arrays,
    pair by pair), the same arithmetic element by element."""
    last, g = np.asarray(last, dtype=np.intp), np.asarray(g, dtype=np.intp)
    last_size, size_g = glyphs.size[last], glyphs.size[g]
    size = np.maximum(np.maximum(last_size, size_g), 1.0)
    top, bottom = glyphs.top, glyphs.bottom
    spaced = glyphs.space[last] | glyphs.space[g]
    level = np.where(spaced, np.abs(bottom[last] - bottom[g]) < BOTTOM_TOLERANCE * size,
                     np.abs((top[last] + bottom[last]) / 2 - (top[g] + bottom[g]) / 2) < MID_TOLERANCE * size)
    small = np.maximum(np.minimum(last_size, size_g), 1.0)
    punct = np.fromiter((glyphs.text[i] in CLOSING_PUNCT for i in last.tolist()), dtype=bool, count=len(last))
    x0 = glyphs.x0[g]
    gap = np.where(punct, x0 - np.minimum(glyphs.x1[last], glyphs.x0[last] + 0.5 * last_size), x0 - glyphs.x1[last])
    limit = np.where(punct, PUNCT_GAP * small, gap_limit * small)
    joins = level & (-OVERLAP_LIMIT * size < gap) & (gap < limit)
    if edges is not None:
        joins &= ~(punct & (gap > HALF_BOX_GAP * small) & edges.start_columns(x0, small))
    return joins


def same_baseline(glyphs: Glyphs):
    """For each neighbour pair in stream order, whether both sit on one baseline."""
    if len(glyphs) < 2:
        return np.zeros(0, dtype=bool)
    size = glyphs.size
    big = np.maximum(np.maximum(size[:-1], size[1:]), 1.0)
    mid = (glyphs.top + glyphs.bottom) / 2
    return np.abs(mid[:-1] - mid[1:]) < MID_TOLERANCE * big


def run_starts(glyphs: Glyphs, gap_limit: float) -> list[bool]:
    """For each glyph in stream order, whether it starts a new run (does not continue the
    glyph before it): `pair_joins` over all neighbour pairs at once, the same arithmetic
    element by element; where a drawn glyph follows a space the last drawn glyph of the run
    (up to four back) is compared instead, one by one, in order."""
    n = len(glyphs)
    if n < 2:
        return [True] * n
    x0, x1, top, bottom, size, space = glyphs.x0, glyphs.x1, glyphs.top, glyphs.bottom, glyphs.size, glyphs.space
    punct = np.fromiter(map(CLOSING_PUNCT.__contains__, glyphs.text), dtype=bool, count=n)
    big = np.maximum(np.maximum(size[:-1], size[1:]), 1.0)
    small = np.maximum(np.minimum(size[:-1], size[1:]), 1.0)
    mid = (top + bottom) / 2
    dy_ok = np.where(space[:-1] | space[1:], np.abs(bottom[:-1] - bottom[1:]) < BOTTOM_TOLERANCE * big,
                     np.abs(mid[:-1] - mid[1:]) < MID_TOLERANCE * big)
    end = np.where(punct, np.minimum(x1, x0 + 0.5 * size), x1)[:-1]
    gap = x0[1:] - end
    limit = np.where(punct[:-1], PUNCT_GAP * small + _spacing_before(x0, x1, dy_ok, small), gap_limit * small)
    joins = dy_ok & (-OVERLAP_LIMIT * big < gap) & (gap < limit)
    joins |= _uniform_spread(x0, x1, size, small, dy_ok)
    starts = [True, *(~joins).tolist()]
    for i in (np.flatnonzero(space[:-1] & ~space[1:]) + 1).tolist():
        begin = max(0, i - 4)
        for k in range(i - 1, begin, -1):
            if starts[k]:
                begin = k
                break
        last = next((k for k in range(i - 1, begin - 1, -1) if not space[k]), i - 1)
        starts[i] = not pair_joins(glyphs[last], glyphs[i], gap_limit)
    return starts


def _spacing_before(x0, x1, dy_ok, small):
    """For each neighbour pair, the spacing (justification, tracking, kerning) in front of
    its first glyph, in points, up to `PUNCT_SPACING` ems: after a full-width mark set in a
    justified line the gap to its ink grows by the same spacing as the line's other gaps."""
    before = np.zeros_like(small)
    raw = x0[1:] - x1[:-1]
    before[1:] = np.where(dy_ok[:-1], np.clip(raw[:-1], 0.0, None), 0.0)
    return np.minimum(before, PUNCT_SPACING * small)


def _uniform_spread(x0, x1, size, small, dy_ok):
    """Neighbour pairs in stream order that belong to a loosely justified or letter-spaced
    line: same size, same baseline, and a gap of up to `SPREAD_LIMIT` ems that equals the gap
    of the pair before or after it (character spacing adds the same to every advance; a
    gutter between two columns' lines is not repeated by the glyphs around it)."""
    raw = x0[1:] - x1[:-1]
    ok = dy_ok & (np.abs(size[:-1] - size[1:]) < 0.01) & (raw > 0) & (raw < SPREAD_LIMIT * small)
    equal = ok[1:] & ok[:-1] & (np.abs(raw[1:] - raw[:-1]) < SPREAD_TOLERANCE * small[1:])
    uniform = np.zeros_like(ok)
    uniform[1:] |= equal
    uniform[:-1] |= equal
    return uniform


@dataclass
class ColumnEdges:
    """Left edges where lines start on several baselines: the starts of columns.

    A full-width mark set on half an em at a column's end leaves only the gutter before the
    next column, a gap that after a full-width mark mid-line would still continue the line;
    when the glyph after it starts a column, the gap is a gutter."""

    xs: list[float]
    """Sorted x of the line starts."""

    def starts_column(self, x: float, em: float) -> bool:
        """Whether `x` lies within `EDGE_TOLERANCE` ems of `MIN_EDGE_LINES` line starts."""
        lo = bisect.bisect_left(self.xs, x - EDGE_TOLERANCE * em)
        hi = bisect.bisect_right(self.xs, x + EDGE_TOLERANCE * em)
        return hi - lo >= MIN_EDGE_LINES

    def start_columns(self, x, em):
        """`starts_column` for arrays of `x` and `em`."""
        xs = np.asarray(self.xs, dtype=np.float64)
        lo = np.searchsorted(xs, x - EDGE_TOLERANCE * em, side="left")
        hi = np.searchsorted(xs, x + EDGE_TOLERANCE * em, side="right")
        return hi - lo >= MIN_EDGE_LINES


def column_edges(glyphs: Glyphs, dy_ok) -> ColumnEdges:
    """Left edges of the stream's line starts: visible glyphs that start a baseline in
    stream order and are followed on it (a glyph drawn alone, as out-of-order streams draw
    them, says nothing about columns)."""
    same = np.asarray(dy_ok, dtype=bool)
    first = np.concatenate([[True], ~same]) & np.concatenate([same, [False]])
    return ColumnEdges(np.sort(glyphs.x0[first & glyphs.visible & ~glyphs.space]).tolist())


# --- runs into fragments --------------------------------------------------------------


def baseline_order(mids: list[float], x0s: list[float], sizes: list[float]) -> list[int]:
    """Runs (given by their first glyph's middle, left edge and size) top to bottom by
    baseline, left to right along one baseline: their indexes in that order.

    Runs whose middles lie within `BASELINE_JITTER` ems of the first run of their band form
    one band and are ordered by x, so that glyphs drawn one at a time in any order, with a
    little vertical jitter, still come left to right."""
    bands: list[list[int]] = []
    anchor = 0.0
    for r in sorted(range(len(mids)), key=mids.__getitem__):
        m = mids[r]
        if not bands or m - anchor > BASELINE_JITTER * max(sizes[r], 1.0):
            bands.append([])
            anchor = m
        bands[-1].append(r)
    return [r for band in bands for r in sorted(band, key=x0s.__getitem__)]


def _fits_into(first: Glyph, end: Glyph, left: Glyph, right: Glyph, gap_limit: float) -> bool:
    """Whether a run (first glyph `first`, rightmost `end`) belongs to a fragment spanning
    `left` to `right` though it does not continue its right end: it starts inside the
    fragment on its baseline, or ends just before the fragment starts. Glyphs drawn one by
    one in any order, their baselines jittered, fill a line from anywhere."""
    if left.x0 <= first.x0 < right.x1:
        size = max(first.size, right.size, 1.0)
        return abs((first.top + first.bottom) - (right.top + right.bottom)) / 2 < MID_TOLERANCE * size
    return end.x1 <= left.x0 + 0.5 * left.size and pair_joins(end, left, gap_limit)


def _first_in_run(values, run_of, bounds):
    """For each run, the position of its first glyph with the least of `values` (glyphs of a
    run are consecutive; `run_of` the run of each glyph, `bounds` each run's first glyph)."""
    least = np.minimum.reduceat(values, bounds)[run_of]
    position = np.where(values == least, np.arange(len(values)), len(values))
    first = np.minimum.reduceat(position, bounds)
    return np.where(first < len(values), first, bounds)


@dataclass
class Fragment:
    """Visible glyphs on one baseline with no column-sized gap between them: rows `index`
    of the page's `glyphs`, left to right."""

    glyphs: Glyphs
    index: np.ndarray


class Fragments(Sequence[Fragment]):
    """A page's fragments laid end to end in one index: `index` holds the glyph rows of
    every fragment in turn, each left to right; fragment k is `index[starts[k]:][:lengths[k]]`.
    Lines are made of all of them at once (`to_lines`)."""

    def __init__(self, glyphs: Glyphs, index, lengths) -> None:
        self.glyphs = glyphs
        self.index = np.asarray(index, dtype=np.intp)
        self.lengths = np.asarray(lengths, dtype=np.intp)
        self.starts = np.cumsum(self.lengths) - self.lengths
        self.fragment_of = np.repeat(np.arange(len(self.lengths)), self.lengths)

    @classmethod
    def of(cls, fragments: Fragments | Iterable[Fragment]) -> Fragments:
        """`fragments` (of one page) as one `Fragments`."""
        if isinstance(fragments, Fragments):
            return fragments
        parts = list(fragments)
        if not parts:
            return cls(Glyphs([], [], [], [], [], []), [], [])
        if any(f.glyphs is not parts[0].glyphs for f in parts):
            raise ValueError("fragments of different pages")
        return cls(parts[0].glyphs, np.concatenate([f.index for f in parts]), [len(f.index) for f in parts])

    def __len__(self) -> int:
        return len(self.lengths)

    def __getitem__(self, k: int) -> Fragment:
        start = int(self.starts[k])
        return Fragment(self.glyphs, self.index[start:start + int(self.lengths[k])])

    def column(self, name: str):
        """A glyph column (`Glyphs` attribute) in the order of `index`."""
        return getattr(self.glyphs, name)[self.index]


def build_lines(glyphs: Glyphs | list[Glyph], gap_limit: float = GAP_LIMIT) -> Fragments:
    """Glyphs become line fragments: stream order first, then same-baseline runs merged.

    A gap wider than `gap_limit` times the font size ends a fragment, so narrow gutters
    still separate columns; spaces and hidden glyphs bridge the gaps they fill and are
    dropped afterwards. Sets `space_before` on glyphs that follow a drawn space in their
    fragment.
    """
    table = Glyphs.of(glyphs)
    n = len(table)
    if not n or not table.visible.any():
        return Fragments(table, [], [])
    edges = column_edges(table, same_baseline(table))
    starts = np.asarray(run_starts(table, gap_limit), dtype=bool)
    bounds = np.flatnonzero(starts)
    stops = np.append(bounds[1:], n)
    run_of = np.cumsum(starts) - 1
    rightmost_of = _first_in_run(-table.x1, run_of, bounds)
    leftmost_of = _first_in_run(table.x0, run_of, bounds)
    kept = np.flatnonzero(np.logical_or.reduceat(table.visible, bounds))
    first = bounds[kept]
    mids = ((table.top[first] + table.bottom[first]) / 2).tolist()
    order = kept[baseline_order(mids, table.x0[first].tolist(), table.size[first].tolist())].tolist()

    merged = _merge_runs(table, order, bounds.tolist(), rightmost_of.tolist(), leftmost_of.tolist(),
                         _run_reach(table, bounds), gap_limit, edges)
    return _fragments(table, merged, bounds, stops)


def _merge_runs(table: Glyphs, order: list[int], head_of: list[int], end_of: list[int], start_of: list[int],
                reach: list[list[float]], gap_limit: float, edges: ColumnEdges) -> list[list[int]]:
    """Runs (given by their first, rightmost and leftmost glyphs and their reach), taken in
    baseline `order`, merged into fragments: each joins the latest of the last
    `LOOKBACK_FRAGMENTS` fragments that it continues (`pair_joins` from the fragment's
    rightmost glyph) or fits into (`_fits_into`), or starts a fragment of its own.

    Where a run continues the run taken just before it and that run's rightmost glyph still
    ends the latest fragment, the first test the loop would make is already decided: on
    pages set one glyph at a time (runs shorter than `GLYPHS_PER_RUN` glyphs on average),
    `pairs_join` decides all such neighbour pairs at once instead of glyph by glyph."""
    glyph = functools.cache(table.__getitem__)
    x0, x1 = table.x0.item, table.x1.item
    follows = None
    if len(order) > 1 and len(order) * GLYPHS_PER_RUN > len(table):
        follows = pairs_join(table, [end_of[r] for r in order[:-1]], [head_of[r] for r in order[1:]],
                             gap_limit, edges).tolist()
    merged: list[list[int]] = []
    rightmost: list[int] = []
    leftmost: list[int] = []
    extent: list[list[float]] = []

    def join(k: int, r: int) -> None:
        merged[k].append(r)
        if x1(end_of[r]) > x1(rightmost[k]):
            rightmost[k] = end_of[r]
        if x0(start_of[r]) < x0(leftmost[k]):
            leftmost[k] = start_of[r]
        extent[k] = _union(extent[k], reach[r])

    for p, r in enumerate(order):
        if follows and p and follows[p - 1] and rightmost[-1] == end_of[order[p - 1]]:
            join(len(merged) - 1, r)
            continue
        box = reach[r]
        for k in range(len(merged) - 1, max(-1, len(merged) - 1 - LOOKBACK_FRAGMENTS), -1):
            if not _within_reach(box, extent[k]):
                continue
            head, end, right, left = glyph(head_of[r]), glyph(end_of[r]), glyph(rightmost[k]), glyph(leftmost[k])
            if pair_joins(right, head, gap_limit, edges) or _fits_into(head, end, left, right, gap_limit):
                join(k, r)
                break
        else:
            merged.append([r])
            rightmost.append(end_of[r])
            leftmost.append(start_of[r])
            extent.append(box)
    return merged


REACH_ACROSS = 1.7
"""Ems across (of the larger font) beyond which no glyph of a run can continue a fragment
or lead into it: `pair_joins` allows at most `PUNCT_GAP` ems of gap and `OVERLAP_LIMIT` ems
of overlap, measured from ink that lies within half an em of the box."""


def _run_reach(table: Glyphs, bounds) -> list[list[float]]:
    """For each run, what bounds its joins: the extent across of its glyphs (either corner
    order), the ranges of their middles and of their bottoms, and its largest font size,
    as [left, right, lowest middle, highest middle, lowest bottom, highest bottom, size]."""
    mid = (table.top + table.bottom) / 2
    columns = [(np.minimum, np.minimum(table.x0, table.x1)), (np.maximum, np.maximum(table.x0, table.x1)),
               (np.minimum, mid), (np.maximum, mid), (np.minimum, table.bottom), (np.maximum, table.bottom),
               (np.maximum, np.abs(table.size))]
    return np.stack([ufunc.reduceat(values, bounds) for ufunc, values in columns], axis=1).tolist()


def _within_reach(a: list[float], b: list[float]) -> bool:
    """Whether runs or fragments with reaches `a` and `b` (`_run_reach`) may join: within
    `REACH_ACROSS` ems across, and some pair of their glyphs on one baseline by the tests
    of `pair_joins` (middles within `MID_TOLERANCE` ems, or bottoms within
    `BOTTOM_TOLERANCE` ems). A necessary condition only: cheap, and it spares testing
    pairs of glyphs from lines above or columns away."""
    left_a, right_a, mid_a, high_a, low_a, deep_a, size_a = a
    left_b, right_b, mid_b, high_b, low_b, deep_b, size_b = b
    size = max(size_a, size_b, 1.0)
    across = REACH_ACROSS * size
    if left_a > right_b + across or left_b > right_a + across:
        return False
    mid, bottom = MID_TOLERANCE * size, BOTTOM_TOLERANCE * size
    return (mid_a < high_b + mid and mid_b < high_a + mid) or (low_a < deep_b + bottom and low_b < deep_a + bottom)


def _union(a: list[float], b: list[float]) -> list[float]:
    """The reach (`_run_reach`) that takes in reaches `a` and `b`."""
    return [min(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), max(a[3], b[3]),
            min(a[4], b[4]), max(a[5], b[5]), max(a[6], b[6])]


def _fragments(table: Glyphs, merged: list[list[int]], bounds, stops) -> Fragments:
    """Fragments of the merged runs: their glyphs in merge order mark which follow a drawn
    space; the visible ones, sorted left to right (ties in merge order), make the fragment."""
    runs = np.array([r for fragment in merged for r in fragment], dtype=np.intp)
    lengths = stops[runs] - bounds[runs]
    offsets = np.cumsum(lengths) - lengths
    sequence = np.arange(int(lengths.sum())) + np.repeat(bounds[runs] - offsets, lengths)
    fragment_of = np.repeat(np.repeat(np.arange(len(merged)), [len(f) for f in merged]), lengths)
    prev, cur = sequence[:-1], sequence[1:]
    table.space_before = np.zeros(len(table), dtype=bool)
    table.space_before[cur] = (fragment_of[1:] == fragment_of[:-1]) & table.space[prev] \
        & table.visible[cur] & ~table.space[cur]
    shown = table.visible[sequence]
    sequence, fragment_of = sequence[shown], fragment_of[shown]
    by_x = sequence[np.lexsort((table.x0[sequence], fragment_of))]
    return Fragments(table, by_x, np.bincount(fragment_of, minlength=len(merged)))


# --- fragments into lines -------------------------------------------------------------


def segment_median(values, segment, count: int, empty: float = 0.0):
    """The median of `values` within each of `count` segments (`segment`: each value's
    segment, non-decreasing), as `statistics.median` computes it; `empty` where a segment
    has no value."""
    values = np.asarray(values, dtype=np.float64)
    ordered = values[np.lexsort((values, segment))]
    counts = np.bincount(segment, minlength=count)
    start = np.cumsum(counts) - counts
    upper = np.minimum(start + counts // 2, max(len(ordered) - 1, 0))
    lower = np.maximum(start + (counts - 1) // 2, 0)
    if not len(ordered):
        return np.full(count, empty)
    middle = np.where(counts % 2 == 1, ordered[upper], (ordered[lower] + ordered[upper]) / 2)
    return np.where(counts > 0, middle, empty)


def _texts(batch: Fragments) -> list[tuple[str, list[tuple[float, float, float, float]]]]:
    """Text of each fragment with one box per character.

    A space is kept where a space glyph was drawn or the gap between two glyph boxes is
    clearly wider than the fragment's usual letter spacing, but not where spaces pad every
    glyph (letter-spaced titles) and never next to a digit (the reflow rule: no spaces
    around numbers)."""
    x0, top, x1, bottom = (batch.column(n) for n in ("x0", "top", "x1", "bottom"))
    size, after_space, fragment_of = batch.column("size"), batch.column("space_before"), batch.fragment_of
    texts = pick(batch.glyphs.text, batch.index.tolist())
    gaps = x0[1:] - x1[:-1]
    inside = fragment_of[1:] == fragment_of[:-1]
    usual = segment_median(gaps[inside], fragment_of[1:][inside], len(batch))
    drawn = np.bincount(fragment_of, weights=after_space, minlength=len(batch)) <= batch.lengths / 3
    wide = inside & ((gaps > usual[fragment_of[1:]] + SPACE_RATIO * size[1:])
                     | (drawn[fragment_of[1:]] & after_space[1:]))
    spaced = {i for i in (np.flatnonzero(wide) + 1).tolist()
              if not (texts[i - 1][-1:].isdigit() or texts[i][:1].isdigit())}
    boxes = list(zip(x0.tolist(), top.tolist(), x1.tolist(), bottom.tolist(), strict=True))
    plain = len("".join(texts)) == len(texts) and all(texts)
    special = sorted(spaced if plain else spaced.union(i for i, t in enumerate(texts) if len(t) != 1))
    chars, char_boxes, ends = _expand(texts, boxes, special, spaced)
    last = np.cumsum(batch.lengths) - 1
    stops = (ends[last] if special else last + 1).tolist()
    return [(chars[a:b], char_boxes[a:b]) for a, b in zip([0, *stops[:-1]], stops, strict=True)]


def _expand(texts: list[str], boxes: list, special: list[int], spaced: set[int]):
    """The page's text, one box per character, and where each glyph's characters end:
    a space (boxed by the gap) before each glyph in `spaced`, a glyph of several characters
    (or none) repeating its box. Only the `special` glyphs are looked at one by one."""
    if not special:
        return "".join(texts), boxes, None
    pieces: list[str] = []
    char_boxes: list = []
    done = 0
    for i in special:
        pieces += texts[done:i]
        char_boxes += boxes[done:i]
        if i in spaced:
            prev = boxes[i - 1]
            pieces.append(" ")
            char_boxes.append((prev[2], prev[1], boxes[i][0], prev[3]))
        pieces.append(texts[i])
        char_boxes += [boxes[i]] * len(texts[i])
        done = i + 1
    pieces += texts[done:]
    char_boxes += boxes[done:]
    added = np.fromiter(map(len, texts), dtype=np.intp, count=len(texts))
    added[list(spaced)] += 1
    ends = np.cumsum(added)
    return "".join(pieces), char_boxes, ends


def fragment_texts(fragments: Fragments | list[Fragment]) -> list[tuple[str, list[tuple[float, float, float, float]]]]:
    """Text and character boxes of each of a page's fragments (see `_texts`)."""
    batch = Fragments.of(fragments)
    return _texts(batch) if len(batch) else []


def fragment_text(fragment: Fragment) -> tuple[str, list[tuple[float, float, float, float]]]:
    """Text and character boxes of one fragment."""
    return fragment_texts([fragment])[0]


DASHES = "".join(sorted(DASH_CHARS))


def is_dash_rule(text: str) -> bool:
    """Whether `text` is a rule drawn with `MIN_DASH_RULE` or more dash characters."""
    stripped = text.replace(" ", "")
    return len(stripped) >= MIN_DASH_RULE and not stripped.strip(DASHES)


def to_lines(fragments: Fragments | list[Fragment], number: int) -> list[Line]:
    """The page's fragments as `Line`s (text, bbox, median size, bold when most glyphs
    are, character boxes), leaving out blank ones and rules drawn with dashes."""
    batch = Fragments.of(fragments)
    if not len(batch):
        return []
    ends = batch.starts + batch.lengths - 1
    x0, x1 = batch.column("x0"), batch.column("x1")
    tops = np.minimum.reduceat(batch.column("top"), batch.starts).tolist()
    bottoms = np.maximum.reduceat(batch.column("bottom"), batch.starts).tolist()
    sizes = segment_median(batch.column("size"), batch.fragment_of, len(batch)).tolist()
    bold = (np.bincount(batch.fragment_of, weights=batch.column("bold"), minlength=len(batch))
            > batch.lengths / 2).tolist()
    lines = []
    rows = zip(_texts(batch), x0[batch.starts].tolist(), tops, x1[ends].tolist(), bottoms, sizes, bold, strict=True)
    for (text, boxes), left, top, right, bottom, size, heavy in rows:
        if not text.strip() or is_dash_rule(text):
            continue
        line = Line(text=text, page=number, bbox=(left, top, right, bottom), size=round(size, 2), bold=heavy)
        line.char_boxes = boxes
        lines.append(line)
    return lines

