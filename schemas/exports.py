"""Export records: the stable contract other systems read (DESIGN.md, "Export contracts").

Change these only additively. `bulletin schema` prints their JSON Schema.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from schemas.models import Approx, BBox


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ArticleRecord(Record):
    article_id: str
    document_id: str
    document_path: str
    seq: int
    page: int | None
    headline: str | None
    sections: list[str]
    lead: str | None
    caption: str | None
    source_outlet: str | None
    region_code: str | None
    region_name: str | None
    text: str
    updated_at: str | None = Field(None, description="ISO timestamp of the last change")


class FigureRecord(Record):
    fact_id: str
    document_id: str
    document_path: str
    article_id: str
    headline: str | None
    source_outlet: str | None
    region_code: str | None
    region_name: str | None
    metric: str
    subject: str | None
    value: float
    value_max: float | None
    unit: str | None
    value_yuan: float | None
    approx: Approx
    part_of: str | None = Field(description="fact_id of the total this figure is a part of")
    time_text: str | None
    period_start: str | None
    period_end: str | None
    organization: str | None
    quote: str
    char_start: int
    char_end: int
    page: int | None
    bbox: BBox | None
    review_status: str = Field(description="unreviewed | confirmed | corrected | rejected")
    checks: list[str] = Field(description="kinds of the checks that flag this figure")
    updated_at: str | None = None
    story_id: str | None = Field(
        None,
        description="article_id of the first-published copy when the article is one of several "
        "reprints of one story, else the figure's own article_id: count figures once per story",
    )


class OrganizationRecord(Record):
    article_id: str
    document_id: str
    name: str
    full_name: str
    kind: str
    region_code: str | None
    char_start: int
    char_end: int
    updated_at: str | None = None


class CheckRecord(Record):
    check_id: str
    kind: str
    severity: str
    verdict: str
    region_code: str | None
    metric: str | None
    fact_ids: list[str]
    article_ids: list[str]
    explanation: str
    details: dict
    created_at: str | None


EXPORT_RECORDS: dict[str, type[Record]] = {
    "articles": ArticleRecord,
    "figures": FigureRecord,
    "organizations": OrganizationRecord,
    "checks": CheckRecord,
}
