"""Acceptance on the seed page: every expected figure, right attributes, right article."""

from __future__ import annotations

import json
import re

import pytest

from extract.evaluate import match_figures, pair_articles
from extract.facts import extract_figures

pytestmark = pytest.mark.seed


def _articles(seed_path):
    from extract.read import read_document
    from extract.reflow import reflow
    from extract.segment import segment

    document = read_document(seed_path)
    return segment([b for page in document.pages for b in reflow(page)])


@pytest.fixture
def seed(seed_path):
    expected = json.loads((seed_path.parent / "expected.json").read_text(encoding="utf-8"))
    articles = _articles(seed_path)
    paired = pair_articles(expected["articles"], articles)
    return expected, [(g, a, extract_figures(a) if a else []) for g, a in
                      zip(expected["articles"], paired, strict=True)]


def test_every_expected_figure_with_its_attributes(seed):
    _, rows = seed
    for gold, article, figures in rows:
        assert article is not None, gold["headline"]
        matches = match_figures(gold["facts"], figures)
        for n, (fact, index) in enumerate(zip(gold["facts"], matches, strict=True)):
            assert index is not None, (gold["headline"], fact)
            figure = figures[index]
            assert re.sub(r"\s", "", fact["quote_contains"]) in re.sub(r"\s", "", figure.quote)
            assert figure.approx == fact["approx"], fact
            assert figure.metric == fact["metric"], fact
            expected_total = None if fact["part_of"] is None else matches[fact["part_of"]]
            assert figure.part_of == expected_total, (n, fact)


def test_nothing_from_dates_years_or_ordinals(seed):
    _, rows = seed
    for _, article, figures in rows:
        for figure in figures:
            before = article.text[max(0, figure.char_start - 2):figure.char_start]
            after = article.text[figure.char_end:figure.char_end + 1]
            assert not before.endswith(("第", "首")), figure.surface
            assert after not in ("年", "月", "日"), figure.surface
            assert figure.unit is not None
            assert not (1949 <= figure.value <= 2100 and figure.unit in ("年", None))


def test_spans_point_at_the_figures(seed):
    _, rows = seed
    for _, article, figures in rows:
        for figure in figures:
            assert article.text[figure.char_start:figure.char_end] == figure.surface
            assert figure.surface in figure.quote
            assert figure.quote in figure.sentence or figure.sentence in article.text
        assert [f.index for f in figures] == list(range(len(figures)))
        assert [f.char_start for f in figures] == sorted(f.char_start for f in figures)
