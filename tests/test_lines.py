"""The glyph table and line building over it: columns, medians, and the pruning that
spares the run-merging loop its hopeless pairs without changing what it merges."""

from __future__ import annotations

import statistics
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract import lines
from extract.glyphs import Glyph, Glyphs, RawPage, body_size, clean_glyphs, clip_to_page
from extract.lines import (
    ColumnEdges,
    _fits_into,
    _run_reach,
    _within_reach,
    build_lines,
    fragment_texts,
    pair_joins,
    pairs_join,
    segment_median,
    to_lines,
)
from extract.pdf import pdfium_pages

PAGES = sorted((Path(__file__).parent.parent / "corpus" / "pdf").glob("*.pdf"))


def test_table_round_trips_glyphs_and_selects_rows():
    glyphs = [Glyph("社", 1.0, 2.0, 11.0, 12.0, 10.0, "Song", True, True, False),
              Glyph(" ", 11.0, 2.0, 14.0, 12.0, 10.0, "Song", False, False, True),
              Glyph("工", 14.0, 2.5, 24.0, 12.5, 10.0, "Hei", False, True, False, True)]
    table = Glyphs.of(glyphs)
    assert list(table) == glyphs
    assert [g.text for g in table.take(np.array([False, True, True]))] == [" ", "工"]
    assert table.take([2, 0])[0] == glyphs[2]
    assert Glyphs.of(table) is table


def test_spaces_are_told_from_text_when_not_given():
    table = Glyphs(["社", " ", "\u3000", "工"], [0, 1, 2, 3], [0] * 4, [1, 2, 3, 4], [1] * 4, [10] * 4)
    assert table.space.tolist() == [False, True, True, False]


def test_body_size_is_the_commonest_half_point_and_ties_go_to_the_first_met():
    def table(sizes):
        return Glyphs.of([Glyph("字", i, 0, i + 1, 1, s) for i, s in enumerate(sizes)])

    assert body_size(table([9.0, 10.1, 10.2, 9.0, 10.0])) == 10.0
    assert body_size(table([12.0, 9.0, 9.0, 12.0])) == 12.0
    assert body_size(table([9.0, 12.0, 12.0, 9.0])) == 9.0
    assert body_size(table([])) == 10.0


@given(st.lists(st.lists(st.floats(-1e3, 1e3, allow_nan=False), max_size=7), min_size=1, max_size=6))
def test_segment_median_is_statistics_median_per_segment(groups):
    values = [v for group in groups for v in group]
    segment = np.repeat(np.arange(len(groups)), [len(g) for g in groups])
    got = segment_median(np.array(values, dtype=np.float64), segment, len(groups), empty=-1.0).tolist()
    assert got == [statistics.median(g) if g else -1.0 for g in groups]


coordinate = st.floats(-50, 50, allow_nan=False)
size = st.floats(0, 20, allow_nan=False)


@st.composite
def glyph(draw):
    x0, top = draw(coordinate), draw(coordinate)
    return Glyph(draw(st.sampled_from(["字", "，", "。", " ", "1"])), x0, top, x0 + draw(st.floats(-2, 20)),
                 top + draw(st.floats(-2, 20)), draw(size), space=draw(st.booleans()))


def reach_of(*members: Glyph) -> list[float]:
    return _run_reach(Glyphs.of(list(members)), np.array([0]))[0]


@settings(max_examples=400)
@given(glyph(), glyph(), glyph(), glyph())
def test_reach_never_rules_out_a_pair_the_merge_would_join(first, end, left, right):
    """`_within_reach` is only a shortcut: whenever the merge's own tests join a run to a
    fragment, the run's and the fragment's reaches are within reach of each other."""
    run, fragment = reach_of(first, end), reach_of(left, right)
    if pair_joins(right, first, lines.GAP_LIMIT) or _fits_into(first, end, left, right, lines.GAP_LIMIT):
        assert _within_reach(run, fragment)
    if pair_joins(first, left, lines.GAP_LIMIT):
        assert _within_reach(reach_of(first), reach_of(left))


@settings(max_examples=200)
@given(st.lists(st.tuples(glyph(), glyph()), min_size=1, max_size=6), st.booleans(),
       st.lists(st.floats(-50, 50, allow_nan=False), max_size=8))
def test_pairs_join_is_pair_joins_for_every_pair(pairs, with_edges, starts):
    """The all-at-once twin gives exactly the one-by-one answer, column edges included."""
    table = Glyphs.of([g for pair in pairs for g in pair])
    edges = ColumnEdges(sorted(starts)) if with_edges else None
    last, after = list(range(0, len(table), 2)), list(range(1, len(table), 2))
    together = pairs_join(table, last, after, lines.GAP_LIMIT, edges).tolist()
    assert together == [pair_joins(a, b, lines.GAP_LIMIT, edges) for a, b in pairs]


def page_lines(path: Path):
    out = []
    for raw in pdfium_pages(path):
        clip_to_page(raw)
        glyphs, _ = clean_glyphs(raw)
        out.append([(ln.text, ln.bbox, ln.size, ln.bold, ln.char_boxes) for ln in to_lines(build_lines(glyphs), 1)])
    return out


@pytest.mark.parametrize("path", PAGES[::4], ids=lambda p: p.stem)
def test_pruned_merge_gives_the_lines_of_the_full_merge(path: Path, monkeypatch):
    pruned = page_lines(path)
    monkeypatch.setattr(lines, "_within_reach", lambda a, b: True)
    assert page_lines(path) == pruned
    assert sum(map(len, pruned)) > 20


@pytest.mark.parametrize("stem", ["corpus_cols4_cid_glyphs", "cols4_ttf"])
def test_deciding_neighbouring_runs_at_once_changes_no_line(stem: str, monkeypatch):
    """Pages set one glyph at a time decide neighbouring runs all at once; forced on for
    every page or off for all, the lines are the same."""
    path = PAGES[[p.stem for p in PAGES].index(stem)]
    default = page_lines(path)
    for glyphs_per_run in (0, 10**9):
        monkeypatch.setattr(lines, "GLYPHS_PER_RUN", glyphs_per_run)
        assert page_lines(path) == default
    assert sum(map(len, default)) > 20


def test_fragments_of_one_page_make_texts_together_and_alone():
    glyphs = [Glyph(ch, 10 + 10 * i, 10, 20 + 10 * i, 20, 10) for i, ch in enumerate("民政")]
    glyphs += [Glyph(ch, 10 + 10 * i, 30, 20 + 10 * i, 40, 10) for i, ch in enumerate("社工")]
    fragments = build_lines(glyphs)
    assert len(fragments) == 2
    together = fragment_texts(fragments)
    assert [t for t, _ in together] == ["民政", "社工"]
    assert [fragment_texts([f])[0] for f in fragments] == together
    assert together[1][1][0] == (10.0, 30.0, 20.0, 40.0)


def test_an_empty_or_invisible_page_has_no_fragments():
    assert len(build_lines([])) == 0
    hidden = [Glyph("字", 0, 0, 10, 10, 10, visible=False)]
    assert len(build_lines(hidden)) == 0 and to_lines(build_lines(hidden), 1) == []
    raw = RawPage(1, 100, 100, [])
    clip_to_page(raw)
    assert len(clean_glyphs(raw)[0]) == 0


def test_glyphs_of_several_characters_or_none_keep_one_box_per_character():
    """A glyph may carry a ligature's letters or nothing at all; with a space between two
    words, the text still has exactly one box per character, each from its own glyph."""
    glyphs = [Glyph("ﬁ", 10, 10, 15, 20, 10), Glyph("fl", 15, 10, 20, 20, 10), Glyph("", 20, 10, 21, 20, 10),
              Glyph("x", 24, 10, 29, 20, 10), Glyph("社", 50, 30, 60, 40, 10), Glyph("工", 60, 30, 70, 40, 10)]
    texts = fragment_texts(build_lines(glyphs))
    assert [t for t, _ in texts] == ["ﬁfl x", "社工"]
    (text, boxes), (cjk, cjk_boxes) = texts
    assert len(boxes) == len(text) and len(cjk_boxes) == len(cjk)
    assert boxes[1] == boxes[2] == (15.0, 10.0, 20.0, 20.0)
    assert boxes[3] == (21.0, 10.0, 24.0, 20.0)
    assert cjk_boxes == [(50.0, 30.0, 60.0, 40.0), (60.0, 30.0, 70.0, 40.0)]
