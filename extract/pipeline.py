"""The pipeline end to end: a file becomes a stored document with articles and facts.

Reading and extraction are pure (and may run in worker processes); only `ingest_paths`,
in the calling process, writes to the database: one writer, one transaction per document.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import sqlite_utils

import extract
from extract import store
from schemas import Article, ArticleFacts, BBox, BlockKind, Document, DocumentKind, Page

SUFFIXES = {".txt", ".md", ".pdf"}
ISSUE_MARK = re.compile(r"第\s*[0-9０-９一二三四五六七八九十百]+\s*版|星期[一二三四五六日天]")
"""Furniture that names a newspaper issue: the page number (`第3版`) or the weekday."""
ISSUE_BLOCK_KINDS = {BlockKind.noise, BlockKind.dateline}

Extracted = list[tuple[Article, ArticleFacts, str]]


@dataclass
class FileResult:
    path: str
    status: str  # new | replaced | unchanged | failed
    articles: int = 0
    figures: int = 0
    error: str | None = None
    flags: list[str] = field(default_factory=list)


def iter_source_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Files named, and the bulletin files below folders named, in a stable order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES
            )
        else:
            yield path


def unsupported_files(paths: Iterable[Path]) -> list[Path]:
    """Files below the folders named that are not bulletins (reported as skipped)."""
    return sorted(
        p
        for path in paths
        if path.is_dir()
        for p in path.rglob("*")
        if p.is_file() and p.suffix.lower() not in SUFFIXES and not p.name.startswith(".")
    )


def articles_of(document: Document) -> list[Article]:
    """Stage 2-3: the document's pages become articles (text: reflow + segment; PDF: layout)."""
    from extract.segment import segment

    if document.kind == DocumentKind.text:
        from extract.reflow import reflow

        blocks = [b for page in document.pages for b in reflow(page)]
        return segment(blocks)
    articles: list[Article] = []
    for page in document.pages:
        articles.extend(page_articles(page, len(articles)))
    return articles


def page_articles(page: Page, first_seq: int) -> list[Article]:
    """A laid-out PDF page's articles, numbered on from `first_seq` (an article never spans
    pages: the layout groups blocks page by page)."""
    from extract.layout import group_articles
    from extract.segment import assemble, source_outlet_of

    articles: list[Article] = []
    for group in group_articles(page):
        outlet = next((source_outlet_of(b.text) for b in group if b.kind == "source"), None)
        articles.append(assemble(first_seq + len(articles), group, outlet))
    return articles


def issue_date(page: Page) -> date | None:
    """The issue date printed in a newspaper page's furniture (`2024年5月20日 星期一 第3版`),
    which dates the page's articles as a dateline dates a text bulletin's: the first header,
    footer or dateline block, in reading order, that is a dateline or names the issue
    (page number, weekday) and holds a date."""
    from extract.read import is_dateline, parse_date

    for block in page.blocks or []:
        if block.kind not in ISSUE_BLOCK_KINDS:
            continue
        if is_dateline(block.text) or ISSUE_MARK.search(block.text):
            found = parse_date(block.text)
            if found:
                return found
    return None


def analyse(article: Article, published: date | None) -> ArticleFacts:
    """Stage 4 on one article: figures, places and regions, organisations, source outlet."""
    from extract.facts import extract_figures
    from extract.orgs import find_organizations, link_actors, source_outlet
    from extract.places import article_region, assign_regions, find_places

    if article.source_outlet is None:
        article.source_outlet = source_outlet(article)
    figures = extract_figures(article, published or article.dateline)
    places = find_places(article.text)
    region = article_region(article, places, on=published or article.dateline)
    assign_regions(article, figures, places, region)
    organizations = find_organizations(article, places, region)
    link_actors(article, figures, organizations)
    if article.char_boxes:
        for figure in figures:
            figure.page, figure.bbox = span_box(article, figure.char_start, figure.char_end)
    return ArticleFacts(region=region, places=places, organizations=organizations, figures=figures)


def span_box(article: Article, start: int, end: int) -> tuple[int | None, BBox | None]:
    """The page and the union of the character boxes of `article.text[start:end]`."""
    boxes = [b for b in (article.char_boxes or [])[start:end] if b is not None]
    page = next((p.page for p in article.parts if p.start <= start < p.end), article.page)
    if not boxes:
        return page, None
    return page, (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def extract_document(path: Path) -> tuple[Document, Extracted]:
    """Read one file and extract everything from it; raises ReadError for a bad file.

    The Document returned is its header: pages keep number, size and flags, not their lines
    or blocks. A PDF goes page by page (`extract_pdf`)."""
    from extract.nlp import segment_words
    from extract.read import PDF_SUFFIXES, read_document

    path = Path(path)
    if path.suffix.lower() in PDF_SUFFIXES:
        return extract_pdf(path)
    document = read_document(path)
    extracted = [
        (article, analyse(article, document.published), segment_words(article.text))
        for article in articles_of(document)
    ]
    for page in document.pages:
        page.lines = []
        page.blocks = None
    return document, extracted


def extract_pdf(path: Path, backend: str = "pdfium") -> tuple[Document, Extracted]:
    """`extract_document` for a PDF in working memory that does not grow with its page count
    (only the results returned do): each page is read, laid out, cut into articles and
    analysed, then its lines, blocks and the articles' character boxes are let go before the
    next page is read."""
    from extract.nlp import segment_words
    from extract.pdf import iter_pdf_pages, pdf_document
    from extract.read import source_bytes

    document_id = hashlib.sha256(source_bytes(path)).hexdigest()
    pages: list[Page] = []
    extracted: Extracted = []
    published: date | None = None
    for page in iter_pdf_pages(path, backend):
        issued = issue_date(page) or published
        published = published or issued
        for article in page_articles(page, len(extracted)):
            facts = analyse(article, issued)
            article.char_boxes = None
            extracted.append((article, facts, segment_words(article.text)))
        page.lines = []
        page.blocks = None
        pages.append(page)
    document = pdf_document(path, document_id, pages)
    if document.published is None:
        document.published = published
    return document, extracted


def _extract_or_error(path: Path) -> tuple[Document, Extracted] | str:
    from extract.read import ReadError

    try:
        return extract_document(path)
    except ReadError as error:
        return str(error)
    except Exception as error:
        return f"{path}: {type(error).__name__}: {error}"


def ingest_paths(
    db: sqlite_utils.Database,
    paths: Iterable[Path],
    *,
    workers: int = 1,
    force: bool = False,
    on_result: Callable[[FileResult], None] | None = None,
) -> list[FileResult]:
    """Ingest files and folders; a bad file is recorded as failed and the batch goes on.

    Unchanged files (same bytes, same extractor version) are skipped without being parsed.
    """
    files = list(iter_source_files(paths))
    todo: list[tuple[Path, str, int, str | None]] = []
    results: list[FileResult] = []

    def report(result: FileResult) -> None:
        results.append(result)
        if on_result:
            on_result(result)

    for path in files:
        try:
            data = path.read_bytes()
        except OSError as error:
            report(FileResult(str(path), "failed", error=f"{path}: cannot open: {error.strerror}"))
            continue
        document_id = hashlib.sha256(data).hexdigest()
        stored = store.stored_version(db, document_id)
        if stored == ("ok", extract.EXTRACTOR_VERSION) and not force:
            report(FileResult(str(path), "unchanged"))
            continue
        todo.append((path, document_id, len(data), stored[0] if stored else None))

    def finished(item, outcome) -> None:
        path, document_id, size, before = item
        if isinstance(outcome, str):
            store.record_failure(db, document_id, str(path), size, outcome)
            report(FileResult(str(path), "failed", error=outcome))
            return
        document, extracted = outcome
        store.save_document(db, document, extracted, extract.EXTRACTOR_VERSION)
        report(
            FileResult(
                str(path),
                "replaced" if before else "new",
                articles=len(extracted),
                figures=sum(len(f.figures) for _, f, _ in extracted),
                flags=sorted({f.value for p in document.pages for f in p.flags}),
            )
        )

    if workers > 1 and len(todo) > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for item, outcome in zip(todo, pool.map(_extract_or_error, [t[0] for t in todo]), strict=True):
                finished(item, outcome)
    else:
        for item in todo:
            finished(item, _extract_or_error(item[0]))
    return results
