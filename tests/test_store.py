"""The SQLite store: migrations, one transaction per document, stable ids, search."""

from __future__ import annotations

import sqlite3

import pytest

from extract import store
from schemas import Article, ArticleFacts, ArticlePart, Document, Figure, RegionRef


def _document(doc_id: str = "d" * 64, path: str = "a.txt") -> Document:
    return Document(document_id=doc_id, path=path, kind="text", size=10)


def _article(text: str = "标题\n全县现有持证社工120人，其中社会工作师30人。") -> tuple[Article, ArticleFacts, str]:
    article = Article(
        seq=0, headline="标题", text=text,
        parts=[ArticlePart(kind="headline", start=0, end=2), ArticlePart(kind="body", start=3, end=len(text))],
    )
    sentence = text[3:]
    figures = [
        Figure(index=0, metric="social_workers.certified", value=120, unit="人", quote="全县现有持证社工120人",
               sentence=sentence, surface="120", char_start=11, char_end=15,
               region=RegionRef(code="640121", name="宁夏回族自治区银川市永宁县", level="county")),
        Figure(index=1, metric="social_workers.certified.intermediate", value=30, unit="人", part_of=0,
               quote="其中社会工作师30人", sentence=sentence, surface="30", char_start=23, char_end=26),
    ]
    return article, ArticleFacts(figures=figures), "标题 全县 现有 持证 社工"


def test_migrations_create_tables_and_are_idempotent(tmp_path):
    db = store.open_db(tmp_path / "x.db")
    for table in ("documents", "articles", "blocks", "figures", "organizations", "checks", "reviews"):
        assert db[table].exists(), table
    store.open_db(tmp_path / "x.db")  # second open applies nothing new
    assert [m.name for m in store.migrations.applied(db)] == ["m001_core", "m002_search"]
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_save_document_stores_parts_with_stable_fact_ids(db):
    store.save_document(db, _document(), [_article()], "v1")
    rows = list(db.query("SELECT * FROM figures ORDER BY idx"))
    assert [r["value"] for r in rows] == [120, 30]
    assert rows[1]["part_of"] == rows[0]["fact_id"]
    first_ids = [r["fact_id"] for r in rows]
    store.save_document(db, _document(), [_article()], "v2")
    assert [r["fact_id"] for r in db.query("SELECT fact_id FROM figures ORDER BY idx")] == first_ids
    assert db["articles"].count == 1 and db["blocks"].count == 2


def test_unchanged_rows_keep_their_timestamp(db):
    store.save_document(db, _document(), [_article()], "v1")
    before = {r["fact_id"]: r["updated_at"] for r in db.query("SELECT * FROM figures")}
    store.save_document(db, _document(), [_article()], "v1")
    after = {r["fact_id"]: r["updated_at"] for r in db.query("SELECT * FROM figures")}
    assert before == after


def test_new_bytes_at_same_path_replace_old_document(db):
    store.save_document(db, _document("a" * 64), [_article()], "v1")
    store.save_document(db, _document("b" * 64), [_article()], "v1")
    assert [r["document_id"] for r in db.query("SELECT document_id FROM documents")] == ["b" * 64]
    assert {r["document_id"] for r in db.query("SELECT document_id FROM figures")} == {"b" * 64}


def test_failed_transaction_leaves_earlier_documents(db):
    store.save_document(db, _document("a" * 64, "a.txt"), [_article()], "v1")
    bad = _article()
    bad[1].figures[0].quote = None  # violates NOT NULL on insert
    with pytest.raises(sqlite3.IntegrityError):
        store.save_document(db, _document("c" * 64, "c.txt"), [bad], "v1")
    assert [r["document_id"] for r in db.query("SELECT document_id FROM documents")] == ["a" * 64]
    assert db["figures"].count == 2


def test_search_trigram_and_short_terms(db):
    store.save_document(db, _document(), [_article()], "v1")
    assert len(store.search_articles(db, "持证社工")) == 1
    assert len(store.search_articles(db, "社工")) == 1
    assert store.search_articles(db, "养老院") == []
    assert store.search_articles(db, '"); DROP TABLE articles; --') == []
    assert db["articles"].exists()


def test_fact_id_does_not_shift_when_another_figure_of_the_sentence_is_dropped():
    text = "标题\n低保覆盖率达100%，特困供养覆盖率达100%。"
    sentence = text[3:]
    first = text.index("100")
    second = text.index("100", first + 1)

    def fig(i, start):
        return Figure(index=i, value=100, unit="%", quote=sentence, sentence=sentence,
                      surface="100%", char_start=start, char_end=start + 4)

    both = [fig(0, first), fig(1, second)]
    store.assign_fact_ids("d" * 64, text, both)
    only_second = [fig(0, second)]
    store.assign_fact_ids("d" * 64, text, only_second)
    assert both[0].fact_id != both[1].fact_id
    assert only_second[0].fact_id == both[1].fact_id
