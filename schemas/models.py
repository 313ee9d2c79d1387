"""Records passed between the pipeline stages and stored in SQLite.

Read -> Document(pages of Line) -> reflow -> Block -> segment -> Article
-> facts -> Figure / Organization / PlaceMention -> store -> check -> Check.

Every stage takes and returns these models; nothing else crosses a module boundary.
Character offsets are always 0-based, end-exclusive, into the string named next to them.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

BBox = tuple[float, float, float, float]
"""(x0, top, x1, bottom) in PDF points, pdfplumber's convention (origin top-left)."""


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- read -----------------------------------------------------------------------------


class Line(Model):
    """One physical line of a source: a text-file line or a PDF line fragment."""

    text: str
    page: int = 1
    bbox: BBox | None = None
    size: float | None = Field(None, description="median font size (PDF only)")
    bold: bool = False
    char_boxes: list[BBox] | None = Field(
        None, description="one box per character of `text` (PDF only), for figure boxes"
    )


class PageFlag(StrEnum):
    needs_ocr = "needs_ocr"
    mojibake_redecoded = "mojibake_redecoded"
    vertical_text = "vertical_text"
    cid_placeholders = "cid_placeholders"
    empty = "empty"
    ocr = "ocr"


class Page(Model):
    number: int = 1
    width: float | None = None
    height: float | None = None
    lines: list[Line] = []
    blocks: list[Block] | None = Field(
        None, description="set by the PDF layout stage; text pages get blocks from reflow"
    )
    flags: list[PageFlag] = []


class DocumentKind(StrEnum):
    text = "text"
    pdf = "pdf"


class Document(Model):
    document_id: str = Field(description="SHA-256 of the file's bytes, hex")
    path: str
    kind: DocumentKind
    size: int
    encoding: str | None = None
    pages: list[Page] = []
    published: date | None = Field(None, description="the document's own date, when known")


# --- reflow / segment ---------------------------------------------------------------


class BlockKind(StrEnum):
    headline = "headline"
    section = "section"
    lead = "lead"
    body = "body"
    caption = "caption"
    source = "source"
    byline = "byline"
    dateline = "dateline"
    noise = "noise"


class Block(Model):
    """A paragraph-level unit: reflowed text with its kind and where it was on the page."""

    kind: BlockKind = BlockKind.body
    text: str
    page: int = 1
    bbox: BBox | None = None
    size: float | None = None
    char_boxes: list[BBox | None] | None = Field(
        None, description="aligned with `text` (PDF only); None for inserted characters"
    )
    order: int = Field(0, description="position in reading order on its page")


class ArticlePart(Model):
    """Where one block landed in the article's text."""

    kind: BlockKind
    start: int
    end: int
    page: int = 1
    bbox: BBox | None = None


class Article(Model):
    """One story, its parts in reading order; `text` is the parts joined by newlines."""

    seq: int = Field(description="0-based position of the article in its document")
    headline: str | None = None
    sections: list[str] = []
    lead: str | None = None
    caption: str | None = None
    paragraphs: list[str] = []
    source_outlet: str | None = None
    byline: str | None = None
    dateline: date | None = None
    page: int = 1
    text: str
    parts: list[ArticlePart] = []
    char_boxes: list[BBox | None] | None = Field(
        None, description="aligned with `text` for PDF input; not stored", exclude=True
    )


# --- facts --------------------------------------------------------------------------


Approx = Literal["exact", "at_least", "at_most", "about"]


class Quantity(Model):
    """A number with its unit as written, before anyone asks what it counts."""

    value: float
    value_max: float | None = None
    unit: str | None = None
    approx: Approx = "exact"
    value_yuan: float | None = None
    start: int
    end: int
    surface: str = Field(description="the matched text, e.g. `192余次`")


class RegionLevel(StrEnum):
    country = "country"
    province = "province"
    prefecture = "prefecture"
    county = "county"


class RegionRef(Model):
    code: str = Field(description="GB/T 2260 six-digit code; `000000` for the whole country")
    name: str = Field(description="full official name, e.g. 宁夏回族自治区银川市永宁县")
    level: RegionLevel


class PlaceMention(Model):
    text: str
    start: int
    end: int
    region: RegionRef | None = Field(None, description="None when ambiguous")


class OrgKind(StrEnum):
    government = "government"
    social_work_org = "social_work_org"
    social_org = "social_org"
    school = "school"
    association = "association"
    media = "media"
    other = "other"


class Organization(Model):
    name: str = Field(description="as written")
    full_name: str = Field(description="with the implied region prefix restored")
    kind: OrgKind
    start: int
    end: int
    region_code: str | None = None


class Figure(Model):
    """A reported figure: a quantity, what it counts, where, when, and its provenance."""

    index: int = Field(description="0-based position among the article's figures")
    fact_id: str | None = Field(None, description="stable id, set by store")
    metric: str = "other"
    subject: str | None = None
    value: float
    value_max: float | None = None
    unit: str | None = None
    value_yuan: float | None = None
    approx: Approx = "exact"
    part_of: int | None = Field(None, description="index of the total this is a part of")
    time_text: str | None = None
    period_start: date | None = None
    period_end: date | None = None
    cumulative: bool = False
    organization: str | None = None
    region: RegionRef | None = None
    quote: str
    sentence: str = Field(description="the sentence the figure stands in (verdict key)")
    surface: str = Field(description="the number as written, e.g. `185`, `两期`")
    char_start: int
    char_end: int
    page: int | None = None
    bbox: BBox | None = None


class ArticleFacts(Model):
    """Everything stage 4 found in one article."""

    region: RegionRef | None = None
    places: list[PlaceMention] = []
    organizations: list[Organization] = []
    figures: list[Figure] = []


# --- check / review -------------------------------------------------------------------


class CheckKind(StrEnum):
    parts_sum = "parts_sum"
    conflict = "conflict"
    cumulative_decrease = "cumulative_decrease"
    impossible_value = "impossible_value"
    reprint = "reprint"


class Severity(StrEnum):
    info = "info"
    warning = "warning"
    error = "error"


class Check(Model):
    check_id: str
    kind: CheckKind
    severity: Severity
    verdict: Literal["consistent", "inconsistent", "linked"]
    fact_ids: list[str] = []
    article_ids: list[str] = []
    region_code: str | None = None
    metric: str | None = None
    explanation: str = Field(description="Chinese, for editors")
    details: dict = {}
    created_at: datetime | None = None


class ReviewAction(StrEnum):
    confirm = "confirm"
    correct = "correct"
    reject = "reject"


class Correction(Model):
    """What an editor may change on a figure; validated like an extracted figure."""

    value: float | None = None
    value_max: float | None = None
    unit: str | None = None
    approx: Approx | None = None
    metric: str | None = None
    region_code: str | None = None


class Review(Model):
    """One verdict, appended to the audit table; the latest per figure key is current."""

    review_id: int | None = None
    fact_id: str
    action: ReviewAction
    reviewer: str
    created_at: datetime
    before: dict = {}
    after: dict = {}
    note: str | None = None


Page.model_rebuild()
