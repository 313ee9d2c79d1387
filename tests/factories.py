"""Builders for purpose-made documents stored through `store.save_document` (no extractor).

A figure is given by its quote (a clause of the article text) and value; its character span is
found in the text, so tests read like the bulletins they stand for.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

from extract import store
from schemas import Article, ArticleFacts, ArticlePart, Document, Figure, RegionRef

COUNTY = RegionRef(code="640121", name="宁夏回族自治区银川市永宁县", level="county")
PREFECTURE = RegionRef(code="640100", name="宁夏回族自治区银川市", level="prefecture")
PROVINCE = RegionRef(code="640000", name="宁夏回族自治区", level="province")
OTHER_PROVINCE = RegionRef(code="510000", name="四川省", level="province")


@dataclass
class F:
    """One figure: its quote, value and what it counts; `surface` defaults to the value."""

    quote: str
    value: float
    metric: str = "social_workers.certified"
    unit: str | None = "人"
    approx: str = "exact"
    part_of: int | None = None
    region: RegionRef | None = field(default_factory=lambda: COUNTY)
    cumulative: bool = False
    period_start: date | None = None
    period_end: date | None = None
    subject: str | None = None
    surface: str | None = None
    value_max: float | None = None
    value_yuan: float | None = None


@dataclass
class A:
    """One article: headline, body and figures (in text order)."""

    body: str
    figures: list[F] = field(default_factory=list)
    headline: str | None = None
    outlet: str | None = None
    region: RegionRef | None = field(default_factory=lambda: COUNTY)


def number_text(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def build_article(seq: int, spec: A) -> tuple[Article, ArticleFacts, str]:
    pieces, parts, pos = [], [], 0
    for kind, text in (("headline", spec.headline), ("body", spec.body)):
        if text is None:
            continue
        if pieces:
            pos += 1
        parts.append(ArticlePart(kind=kind, start=pos, end=pos + len(text)))
        pieces.append(text)
        pos += len(text)
    text = "\n".join(pieces)
    figures = []
    for i, f in enumerate(spec.figures):
        surface = f.surface or number_text(abs(f.value) if f.value < 0 else f.value)
        start = text.index(f.quote) + f.quote.index(surface)
        figures.append(
            Figure(
                index=i, metric=f.metric, subject=f.subject, value=f.value, value_max=f.value_max,
                unit=f.unit, approx=f.approx, part_of=f.part_of, region=f.region,
                cumulative=f.cumulative, period_start=f.period_start, period_end=f.period_end,
                value_yuan=f.value_yuan, quote=f.quote, sentence=f.quote, surface=surface,
                char_start=start, char_end=start + len(surface),
            )
        )
    article = Article(seq=seq, headline=spec.headline, text=text, parts=parts, source_outlet=spec.outlet)
    return article, ArticleFacts(region=spec.region, figures=figures), text


def save(db, path: str, articles: list[A], published: date | None = None, version: str = "test") -> str:
    """Store a document made of these articles; returns its document_id."""
    key = path + "|" + "|".join(a.body for a in articles)
    document_id = hashlib.sha256(key.encode()).hexdigest()
    document = Document(document_id=document_id, path=path, kind="text", size=len(key), published=published)
    store.save_document(db, document, [build_article(i, a) for i, a in enumerate(articles)], version)
    return document_id


def fact_ids(db, value: float, document_id: str | None = None) -> list[str]:
    sql = "SELECT fact_id FROM figures WHERE value = ?" + (" AND document_id = ?" if document_id else "")
    return [r[0] for r in db.execute(sql, [value, *([document_id] if document_id else [])]).fetchall()]


def add_review(db, fact_id: str, action: str, after: dict | None = None, at: str | None = None) -> None:
    import json

    db["reviews"].insert(
        {
            "fact_id": fact_id,
            "action": action,
            "reviewer": "测试编辑",
            "created_at": at or store.now(),
            "before": "{}",
            "after": json.dumps(after or {}, ensure_ascii=False),
            "note": None,
        }
    )
