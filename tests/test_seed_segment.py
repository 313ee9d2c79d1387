"""Acceptance on the reference page (../shared/seed): three articles as expected.json says."""

from __future__ import annotations

import json
import re

import pytest

from extract.read import read_document
from extract.segment import segment

pytestmark = pytest.mark.seed

SENTENCE_END = re.compile(r"[。！？；][”’」）]*$")


@pytest.fixture
def seed_articles(seed_path):
    document = read_document(seed_path)
    return [a for page in document.pages for a in segment(page)]


@pytest.fixture
def expected(seed_path):
    return json.loads((seed_path.parent / "expected.json").read_text(encoding="utf-8"))["articles"]


def test_seed_has_three_articles(seed_articles, expected):
    assert len(seed_articles) == len(expected) == 3


@pytest.mark.parametrize("field", ["headline", "source_outlet", "caption"])
def test_seed_article_fields(seed_articles, expected, field):
    assert [getattr(a, field) for a in seed_articles] == [e.get(field) for e in expected]


def test_seed_sections(seed_articles, expected):
    assert [a.sections for a in seed_articles] == [e.get("sections", []) for e in expected]


def test_seed_leads(seed_articles, expected):
    for article, want in zip(seed_articles, expected, strict=True):
        start = want.get("lead_starts_with")
        if start is None:
            assert article.lead is None
        else:
            assert article.lead is not None and article.lead.startswith(start)


def test_seed_first_article_figures_are_reflowed(seed_articles):
    assert "全旗现有持证社工185人，其中，持助理社会工作师证书143人" in seed_articles[0].text


def test_seed_no_line_break_inside_a_sentence(seed_articles):
    """Breaks fall only between parts, and every prose part ends where a sentence ends."""
    for article in seed_articles:
        for part in article.parts:
            piece = article.text[part.start : part.end]
            assert "\n" not in piece
            if part.kind in ("body", "lead"):
                assert SENTENCE_END.search(piece), piece


def test_seed_parts_cover_the_text(seed_articles):
    for article in seed_articles:
        assert "\n".join(article.text[p.start : p.end] for p in article.parts) == article.text
