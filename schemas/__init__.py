"""Pydantic models at the seams of the pipeline, the export contract and the metric taxonomy."""

from schemas.exports import (
    EXPORT_RECORDS,
    ArticleRecord,
    CheckRecord,
    FigureRecord,
    OrganizationRecord,
)
from schemas.models import (
    Approx,
    Article,
    ArticleFacts,
    ArticlePart,
    BBox,
    Block,
    BlockKind,
    Check,
    CheckKind,
    Correction,
    Document,
    DocumentKind,
    Figure,
    Line,
    Organization,
    OrgKind,
    Page,
    PageFlag,
    PlaceMention,
    Quantity,
    RegionLevel,
    RegionRef,
    Review,
    ReviewAction,
    Severity,
)

__all__ = [
    "EXPORT_RECORDS", "Approx", "Article", "ArticleFacts", "ArticlePart", "ArticleRecord", "BBox",
    "Block", "BlockKind", "Check", "CheckKind", "CheckRecord", "Correction", "Document",
    "DocumentKind", "Figure", "FigureRecord", "Line", "OrgKind", "Organization",
    "OrganizationRecord", "Page", "PageFlag", "PlaceMention", "Quantity", "RegionLevel",
    "RegionRef", "Review", "ReviewAction", "Severity",
]
