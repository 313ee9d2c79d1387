"""Stage 5: the SQLite database, through sqlite-utils.

One transaction per document; a document is keyed by the SHA-256 of its bytes, so storing an
unchanged file again is a no-op. Figures carry a `fact_id` derived from the document, the
sentence and the number as written, so a re-extraction (also by a newer extractor) gives the
same ids and editors' verdicts in `reviews` re-attach. `reviews` is append-only and has no
foreign key to `figures`: a verdict whose figure disappeared stays, listed as orphaned.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils
from sqlite_utils import Migrations

from schemas import Article, ArticleFacts, Document, Figure

DEFAULT_DB = Path("output/bulletins.db")

migrations = Migrations("bulletin-facts")


@migrations()
def m001_core(db: sqlite_utils.Database) -> None:
    db["documents"].create(
        {
            "document_id": str,
            "path": str,
            "kind": str,
            "size": int,
            "encoding": str,
            "pages": int,
            "published": str,
            "flags": str,
            "status": str,
            "error": str,
            "extractor_version": str,
            "ingested_at": str,
        },
        pk="document_id",
        not_null={"path", "status"},
    )
    db["articles"].create(
        {
            "article_id": str,
            "document_id": str,
            "seq": int,
            "page": int,
            "headline": str,
            "sections": str,
            "lead": str,
            "caption": str,
            "source_outlet": str,
            "region_code": str,
            "region_name": str,
            "text": str,
            "text_seg": str,
            "updated_at": str,
        },
        pk="article_id",
        foreign_keys=[("document_id", "documents", "document_id")],
        not_null={"document_id", "text"},
    )
    db["blocks"].create(
        {
            "article_id": str,
            "seq": int,
            "kind": str,
            "text": str,
            "char_start": int,
            "char_end": int,
            "page": int,
            "bbox": str,
        },
        pk=("article_id", "seq"),
        foreign_keys=[("article_id", "articles", "article_id")],
    )
    db["figures"].create(
        {
            "fact_id": str,
            "article_id": str,
            "document_id": str,
            "idx": int,
            "metric": str,
            "subject": str,
            "value": float,
            "value_max": float,
            "unit": str,
            "value_yuan": float,
            "approx": str,
            "part_of": str,
            "time_text": str,
            "period_start": str,
            "period_end": str,
            "cumulative": int,
            "organization": str,
            "region_code": str,
            "region_name": str,
            "quote": str,
            "sentence": str,
            "surface": str,
            "char_start": int,
            "char_end": int,
            "page": int,
            "bbox": str,
            "updated_at": str,
        },
        pk="fact_id",
        foreign_keys=[
            ("article_id", "articles", "article_id"),
            ("document_id", "documents", "document_id"),
        ],
        not_null={"article_id", "metric", "value", "approx", "quote"},
    )
    db["organizations"].create(
        {
            "article_id": str,
            "name": str,
            "full_name": str,
            "kind": str,
            "region_code": str,
            "char_start": int,
            "char_end": int,
            "updated_at": str,
        },
        pk=("article_id", "full_name"),
        foreign_keys=[("article_id", "articles", "article_id")],
    )
    db["places"].create(
        {
            "article_id": str,
            "char_start": int,
            "char_end": int,
            "text": str,
            "region_code": str,
            "region_name": str,
        },
        pk=("article_id", "char_start"),
        foreign_keys=[("article_id", "articles", "article_id")],
    )
    db["checks"].create(
        {
            "check_id": str,
            "kind": str,
            "severity": str,
            "verdict": str,
            "region_code": str,
            "metric": str,
            "fact_ids": str,
            "article_ids": str,
            "explanation": str,
            "details": str,
            "created_at": str,
        },
        pk="check_id",
    )
    db["check_figures"].create(
        {"check_id": str, "fact_id": str},
        pk=("check_id", "fact_id"),
        foreign_keys=[("check_id", "checks", "check_id")],
    )
    db["reviews"].create(
        {
            "review_id": int,
            "fact_id": str,
            "action": str,
            "reviewer": str,
            "created_at": str,
            "before": str,
            "after": str,
            "note": str,
        },
        pk="review_id",
        not_null={"fact_id", "action", "reviewer", "created_at"},
    )
    for table, columns in [
        ("articles", ["document_id"]),
        ("figures", ["article_id"]),
        ("figures", ["metric"]),
        ("figures", ["region_code"]),
        ("figures", ["updated_at"]),
        ("articles", ["updated_at"]),
        ("reviews", ["fact_id"]),
        ("reviews", ["created_at"]),
        ("check_figures", ["fact_id"]),
        ("documents", ["path"]),
    ]:
        db[table].create_index(columns)


@migrations()
def m002_search(db: sqlite_utils.Database) -> None:
    """Trigram FTS for Chinese substrings of 3+ characters, a jieba-segmented one for shorter."""
    db["articles"].enable_fts(
        ["headline", "text"], fts_version="FTS5", tokenize="trigram", create_triggers=True
    )
    db.execute(
        "CREATE VIRTUAL TABLE articles_seg_fts USING fts5("
        "text_seg, content='articles', content_rowid='rowid')"
    )
    for when, body in [
        ("AFTER INSERT", "INSERT INTO articles_seg_fts(rowid, text_seg) VALUES (new.rowid, new.text_seg);"),
        (
            "AFTER DELETE",
            "INSERT INTO articles_seg_fts(articles_seg_fts, rowid, text_seg) "
            "VALUES('delete', old.rowid, old.text_seg);",
        ),
        (
            "AFTER UPDATE",
            "INSERT INTO articles_seg_fts(articles_seg_fts, rowid, text_seg) "
            "VALUES('delete', old.rowid, old.text_seg); "
            "INSERT INTO articles_seg_fts(rowid, text_seg) VALUES (new.rowid, new.text_seg);",
        ),
    ]:
        name = "articles_seg_" + when.split()[1].lower()
        db.execute(f"CREATE TRIGGER {name} {when} ON articles BEGIN {body} END")


def open_db(path: Path | str = DEFAULT_DB) -> sqlite_utils.Database:
    """Open (creating and migrating) the database: WAL, foreign keys, a busy timeout.

    WAL and the timeout let an ingest run while editors review in the web page.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), timeout=30, check_same_thread=False)
    db = sqlite_utils.Database(conn)
    db.execute("PRAGMA busy_timeout = 30000")
    db.execute("PRAGMA foreign_keys = ON")
    if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        db.enable_wal()
    migrations.apply(db)
    return db


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def article_id_for(document_id: str, seq: int) -> str:
    return hashlib.sha256(f"{document_id}:{seq}".encode()).hexdigest()[:16]


def fact_id_for(document_id: str, sentence: str, offset: int, surface: str, twin: int) -> str:
    """Stable across re-ingests and extractor versions while the sentence and number stay.

    `offset` is where the number stands in its sentence, so dropping or adding another
    figure of the same sentence does not shift this one's id; `twin` tells apart several
    figures read from one number (`A和B均达100%`).
    """
    key = "\x1f".join([document_id, sentence, str(offset), surface, str(twin)])
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def assign_fact_ids(document_id: str, text: str, figures: Iterable[Figure]) -> None:
    seen: dict[tuple[str, int, str], int] = {}
    for figure in figures:
        sentence_start = text.rfind(figure.sentence, 0, figure.char_start + 1)
        offset = figure.char_start - sentence_start if sentence_start >= 0 else figure.char_start
        key = (figure.sentence, offset, figure.surface)
        twin = seen.get(key, 0)
        seen[key] = twin + 1
        figure.fact_id = fact_id_for(document_id, figure.sentence, offset, figure.surface, twin)


def stored_version(db: sqlite_utils.Database, document_id: str) -> tuple[str, str] | None:
    """(status, extractor_version) of a stored document, or None when it is new."""
    row = db.execute(
        "SELECT status, extractor_version FROM documents WHERE document_id = ?", [document_id]
    ).fetchone()
    return (row[0], row[1]) if row else None


def delete_document(db: sqlite_utils.Database, document_id: str) -> None:
    """Remove a document and everything extracted from it; reviews stay."""
    article_ids = [
        r[0] for r in db.execute("SELECT article_id FROM articles WHERE document_id = ?", [document_id])
    ]
    for table in ("figures", "organizations", "places", "blocks"):
        db.execute(
            f"DELETE FROM {table} WHERE article_id IN (SELECT article_id FROM articles WHERE document_id = ?)",
            [document_id],
        )
    if article_ids:
        db.execute("DELETE FROM articles WHERE document_id = ?", [document_id])
    db.execute("DELETE FROM documents WHERE document_id = ?", [document_id])


def _json(value) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def save_document(
    db: sqlite_utils.Database,
    document: Document,
    articles: list[tuple[Article, ArticleFacts, str]],
    extractor_version: str,
) -> None:
    """Store a document with its articles (each with its facts and segmented text).

    Runs in one transaction. An older version of the same path (other bytes) and an earlier
    extraction of the same bytes are replaced; rows whose content did not change keep their
    `updated_at`, so `export --since` only returns what really changed.
    """
    stamp = now()
    with db.atomic():
        previous = _previous_rows(db, document.document_id)
        for (old_id,) in db.execute(
            "SELECT document_id FROM documents WHERE path = ? AND document_id != ?",
            [document.path, document.document_id],
        ).fetchall():
            delete_document(db, old_id)
        delete_document(db, document.document_id)
        flags = sorted({f.value for p in document.pages for f in p.flags})
        db["documents"].insert(
            {
                "document_id": document.document_id,
                "path": document.path,
                "kind": document.kind.value,
                "size": document.size,
                "encoding": document.encoding,
                "pages": len(document.pages),
                "published": document.published.isoformat() if document.published else None,
                "flags": _json(flags),
                "status": "ok",
                "error": None,
                "extractor_version": extractor_version,
                "ingested_at": stamp,
            }
        )
        for article, facts, text_seg in articles:
            _insert_article(db, document, article, facts, text_seg, previous, stamp)


def _previous_rows(db: sqlite_utils.Database, document_id: str) -> dict[str, dict]:
    """The rows stored for this document before, by table and key, to keep unchanged stamps."""
    articles = db.query("SELECT * FROM articles WHERE document_id = ?", [document_id])
    figures = db.query("SELECT * FROM figures WHERE document_id = ?", [document_id])
    orgs = db.query(
        "SELECT o.* FROM organizations o JOIN articles a USING (article_id) WHERE a.document_id = ?",
        [document_id],
    )
    return {
        "articles": {r["article_id"]: r for r in articles},
        "figures": {r["fact_id"]: r for r in figures},
        "organizations": {f"{r['article_id']}|{r['full_name']}": r for r in orgs},
    }


def _keep_stamp(previous: dict, key: str, row: dict, stamp: str) -> str:
    """The old `updated_at` when the row's content is unchanged, else now."""
    old = previous.get(key)
    if old is None:
        return stamp
    same = all(old.get(k) == v for k, v in row.items() if k != "updated_at")
    return old["updated_at"] if same else stamp


def _insert_article(db, document, article, facts, text_seg, previous, stamp) -> None:
    article_id = article_id_for(document.document_id, article.seq)
    region = facts.region
    row = {
        "article_id": article_id,
        "document_id": document.document_id,
        "seq": article.seq,
        "page": article.page,
        "headline": article.headline,
        "sections": _json(article.sections),
        "lead": article.lead,
        "caption": article.caption,
        "source_outlet": article.source_outlet,
        "region_code": region.code if region else None,
        "region_name": region.name if region else None,
        "text": article.text,
        "text_seg": text_seg,
    }
    row["updated_at"] = _keep_stamp(previous["articles"], article_id, row, stamp)
    db["articles"].insert(row)
    db["blocks"].insert_all(
        {
            "article_id": article_id,
            "seq": i,
            "kind": part.kind.value,
            "text": article.text[part.start : part.end],
            "char_start": part.start,
            "char_end": part.end,
            "page": part.page,
            "bbox": _json(part.bbox),
        }
        for i, part in enumerate(article.parts)
    )
    db["places"].insert_all(
        (
            {
                "article_id": article_id,
                "char_start": p.start,
                "char_end": p.end,
                "text": p.text,
                "region_code": p.region.code if p.region else None,
                "region_name": p.region.name if p.region else None,
            }
            for p in facts.places
        ),
        replace=True,
    )
    for org in facts.organizations:
        org_row = {
            "article_id": article_id,
            "name": org.name,
            "full_name": org.full_name,
            "kind": org.kind.value,
            "region_code": org.region_code,
            "char_start": org.start,
            "char_end": org.end,
        }
        org_row["updated_at"] = _keep_stamp(
            previous["organizations"], f"{article_id}|{org.full_name}", org_row, stamp
        )
        db["organizations"].insert(org_row, replace=True)
    assign_fact_ids(document.document_id, article.text, facts.figures)
    by_index = {f.index: f.fact_id for f in facts.figures}
    for figure in facts.figures:
        fig_row = {
            "fact_id": figure.fact_id,
            "article_id": article_id,
            "document_id": document.document_id,
            "idx": figure.index,
            "metric": figure.metric,
            "subject": figure.subject,
            "value": figure.value,
            "value_max": figure.value_max,
            "unit": figure.unit,
            "value_yuan": figure.value_yuan,
            "approx": figure.approx,
            "part_of": by_index.get(figure.part_of) if figure.part_of is not None else None,
            "time_text": figure.time_text,
            "period_start": figure.period_start.isoformat() if figure.period_start else None,
            "period_end": figure.period_end.isoformat() if figure.period_end else None,
            "cumulative": int(figure.cumulative),
            "organization": figure.organization,
            "region_code": figure.region.code if figure.region else None,
            "region_name": figure.region.name if figure.region else None,
            "quote": figure.quote,
            "sentence": figure.sentence,
            "surface": figure.surface,
            "char_start": figure.char_start,
            "char_end": figure.char_end,
            "page": figure.page,
            "bbox": _json(list(figure.bbox)) if figure.bbox else None,
        }
        fig_row["updated_at"] = _keep_stamp(previous["figures"], figure.fact_id, fig_row, stamp)
        db["figures"].insert(fig_row, replace=True)


def record_failure(db: sqlite_utils.Database, document_id: str, path: str, size: int, error: str) -> None:
    """Record a file that could not be read; data already stored for other files is untouched."""
    with db.atomic():
        db["documents"].upsert(
            {
                "document_id": document_id,
                "path": path,
                "kind": Path(path).suffix.lstrip(".").lower() or "unknown",
                "size": size,
                "status": "failed",
                "error": error,
                "ingested_at": now(),
            },
            pk="document_id",
        )


CURRENT_REVIEWS_SQL = (
    "SELECT * FROM reviews WHERE review_id IN (SELECT MAX(review_id) FROM reviews GROUP BY fact_id)"
)
"""One row per fact_id: its latest review, the figure's current verdict. Every reader (checks,
exports, the review page) derives the verdict from this one query."""


def latest_reviews(db: sqlite_utils.Database) -> dict[str, dict]:
    """The current verdict row of each reviewed figure, by fact_id."""
    return {row["fact_id"]: row for row in db.query(CURRENT_REVIEWS_SQL)}


def search_articles(db: sqlite_utils.Database, query: str, limit: int = 50) -> list[dict]:
    """Full-text search: trigram index for 3+ characters, segmented words for shorter terms.

    The query is passed as a bound parameter and quoted as one FTS phrase per term, so
    document text and user input never become SQL or FTS syntax.
    """
    terms = [t for t in query.split() if t]
    if not terms:
        return []
    short = [t for t in terms if len(t) < 3]
    long_ = [t for t in terms if len(t) >= 3]
    clauses, params = [], []
    if long_:
        clauses.append(
            "rowid IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)"
        )
        params.append(" AND ".join(_phrase(t) for t in long_))
    if short:
        clauses.append(
            "(rowid IN (SELECT rowid FROM articles_seg_fts WHERE articles_seg_fts MATCH ?)"
            " OR " + " AND ".join("instr(text, ?) > 0" for _ in short) + ")"
        )
        params.append(" AND ".join(_phrase(t) for t in short))
        params.extend(short)
    sql = (
        "SELECT article_id, document_id, seq, headline, source_outlet, region_code, region_name "
        f"FROM articles WHERE {' AND '.join(clauses)} ORDER BY document_id, seq LIMIT ?"
    )
    return list(db.query(sql, [*params, limit]))


def _phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'
