"""Verdicts survive re-ingest: same figure, same sentence -> same fact_id -> verdict re-attached.

A verdict whose figure is no longer extracted is kept and listed as orphaned, never deleted.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from starlette.testclient import TestClient

import extract
from extract import store
from extract.review import verdicts
from extract.review.app import create_app
from schemas import Correction

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"


def ingest(db, path: Path, **kwargs):
    from extract.pipeline import ingest_paths

    results = ingest_paths(db, [path], **kwargs)
    assert [r.status for r in results if r.status == "failed"] == [], results
    return results[0]


@pytest.fixture
def bulletin(tmp_path) -> Path:
    """A corpus bulletin copied to a temporary folder, with at least three figures extracted."""
    texts = sorted(CORPUS.glob("*.txt"))
    if not texts:
        pytest.skip("corpus/*.txt not present")
    target = tmp_path / texts[0].name
    shutil.copyfile(texts[0], target)
    return target


def card_status(client: TestClient, fact_id: str) -> str:
    page = client.get(f"/figure/{fact_id}", follow_redirects=True)
    assert page.status_code == 200
    start = page.text.index(f'id="card-{fact_id}"')
    head = page.text[page.text.rindex("<section", 0, start):start]
    return head.split(" s-")[1].split()[0].rstrip('"')


def test_verdicts_reattach_after_forced_reingest_and_new_extractor(tmp_path, bulletin, monkeypatch):
    db_path = tmp_path / "r.db"
    db = store.open_db(db_path)
    assert ingest(db, bulletin).status == "new"
    figures = list(db.query("SELECT * FROM figures ORDER BY article_id, idx"))
    # twins (same number twice in one sentence) are keyed by occurrence: dropping the first
    # re-keys the second, so the figure this test drops must be the only one of its kind
    keys = [(f["sentence"], f["surface"]) for f in figures]
    unique = [f for f, key in zip(figures, keys, strict=True) if keys.count(key) == 1]
    assert len(unique) >= 3
    kept, corrected, dropped = unique[0], unique[1], unique[2]
    verdicts.record_verdict(db, kept["fact_id"], "confirm", "甲")
    verdicts.record_verdict(
        db, corrected["fact_id"], "correct", "乙", Correction(value=corrected["value"] + 5), note="核对原件"
    )
    verdicts.record_verdict(db, dropped["fact_id"], "reject", "丙", note="误识别")
    ids_before = {f["fact_id"] for f in figures}

    assert ingest(db, bulletin).status == "unchanged"
    assert ingest(db, bulletin, force=True).status == "replaced"
    assert {f["fact_id"] for f in db.query("SELECT fact_id FROM figures")} == ids_before
    assert verdicts.orphaned_verdicts(db) == []

    monkeypatch.setattr(extract, "EXTRACTOR_VERSION", "review-test-2")
    import extract.pipeline as pipeline

    original = pipeline.analyse

    def improved(article, published):
        facts = original(article, published)
        facts.figures = [
            f for f in facts.figures
            if not (f.sentence == dropped["sentence"] and f.surface == dropped["surface"])
        ]
        for i, f in enumerate(facts.figures):
            f.index = i
        return facts

    monkeypatch.setattr(pipeline, "analyse", improved)
    assert ingest(db, bulletin).status == "replaced"
    assert db.execute("SELECT extractor_version FROM documents").fetchone()[0] == "review-test-2"

    ids_after = {f["fact_id"] for f in db.query("SELECT fact_id FROM figures")}
    assert ids_after == ids_before - {dropped["fact_id"]}
    statuses = {k: verdicts.review_status(v) for k, v in verdicts.current_verdicts(db).items()}
    assert statuses == {
        kept["fact_id"]: "confirmed", corrected["fact_id"]: "corrected", dropped["fact_id"]: "rejected",
    }
    assert [o.fact_id for o in verdicts.orphaned_verdicts(db)] == [dropped["fact_id"]]
    assert db["reviews"].count == 3

    client = TestClient(create_app(db_path), follow_redirects=False)
    assert card_status(client, kept["fact_id"]) == "confirmed"
    assert card_status(client, corrected["fact_id"]) == "corrected"
    orphans = client.get("/orphans")
    assert f'data-fact="{dropped["fact_id"]}"' in orphans.text and "误识别" in orphans.text


def test_changed_metric_keeps_the_verdict_and_missing_figure_is_orphaned(tmp_path):
    """Without the extractor: a second extraction changes a metric and drops a figure."""
    from test_review_http import sample_documents

    db = store.open_db(tmp_path / "h.db")
    document, articles = sample_documents()[0]
    store.save_document(db, document, articles, "v1")
    rows = list(db.query("SELECT * FROM figures ORDER BY idx"))
    verdicts.record_verdict(db, rows[3]["fact_id"], "confirm", "甲")
    verdicts.record_verdict(db, rows[4]["fact_id"], "correct", "甲", Correction(approx="about"))

    document, articles = sample_documents()[0]
    facts = articles[0][1]
    facts.figures[3].metric = "other"
    facts.figures = facts.figures[:4]
    store.save_document(db, document, articles, "v2")

    assert verdicts.current_status(db, rows[3]["fact_id"]) == "confirmed"
    assert verdicts.figure_row(db, rows[3]["fact_id"])["metric"] == "other"
    assert [o.fact_id for o in verdicts.orphaned_verdicts(db)] == [rows[4]["fact_id"]]
    assert verdicts.orphaned_verdicts(db)[0].before["quote"] == rows[4]["quote"]
    assert verdicts.history(db, rows[4]["fact_id"])[0].after["approx"] == "about"
