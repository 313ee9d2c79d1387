"""Seed acceptance for places and organisations: regions and named bodies of ../shared/seed."""

from __future__ import annotations

import json

import pytest

from extract.orgs import find_organizations
from extract.places import article_region, find_places

pytestmark = pytest.mark.seed

NOT_PLACES = ("乡村振兴", "整合多方资源", "校政合作", "最大化")


@pytest.fixture
def seed_articles(seed_path):
    from extract.read import read_document
    from extract.reflow import reflow
    from extract.segment import segment

    document = read_document(seed_path)
    blocks = [b for page in document.pages for b in reflow(page)]
    expected = json.loads((seed_path.parent / "expected.json").read_text(encoding="utf-8"))
    articles = segment(blocks)
    by_headline = {a.headline: a for a in articles}
    pairs = []
    for want in expected["articles"]:
        got = by_headline.get(want["headline"])
        if got is None:
            pytest.fail(f"segment did not return the article headed {want['headline']!r}")
        pairs.append((got, want))
    return pairs


def test_seed_article_regions(seed_articles):
    for article, want in seed_articles:
        region = article_region(article, find_places(article.text))
        assert region is not None, want["headline"]
        assert (region.code, region.name) == (want["region_code"], want["region_name"])


def test_seed_organizations(seed_articles):
    for article, want in seed_articles:
        places = find_places(article.text)
        orgs = find_organizations(article, places, article_region(article, places))
        names = {o.full_name for o in orgs}
        assert set(want["organizations"]) <= names, want["headline"]
        assert not {"上级民政部门", "社会组织", "民政部门"} & names


def test_seed_ordinary_words_are_not_places(seed_articles):
    texts = "".join(a.text for a, _ in seed_articles)
    assert all(phrase in texts for phrase in NOT_PLACES)
    for article, _ in seed_articles:
        for mention in find_places(article.text):
            for phrase in NOT_PLACES:
                at = article.text.find(phrase)
                while at >= 0:
                    assert not (at <= mention.start < at + len(phrase)), (phrase, mention)
                    at = article.text.find(phrase, at + 1)
