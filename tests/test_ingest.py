"""`bulletin ingest` end to end: a folder in, a summary out, bad files recorded, re-runs no-ops."""

from __future__ import annotations

import shutil
import sqlite3

from typer.testing import CliRunner

from conftest import CORPUS, ROOT
from extract.cli import app

BAD = ROOT / "tests" / "data" / "bad"
runner = CliRunner(env={"COLUMNS": "400"})


def dump(path) -> list[str]:
    """The database content as SQL statements (FTS shadow tables included)."""
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def test_ingesting_the_corpus_twice_changes_nothing(tmp_path):
    db = tmp_path / "b.db"
    texts = tmp_path / "texts"
    shutil.copytree(CORPUS, texts, ignore=shutil.ignore_patterns("pdf", "heldout", "final", "blind"))
    first = runner.invoke(app, ["ingest", str(texts), "--db", str(db)])
    assert first.exit_code == 0, first.output
    assert "new" in first.output
    before = dump(db)
    conn = sqlite3.connect(db)
    articles, figures = conn.execute("SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM figures)").fetchone()
    conn.close()
    assert articles >= 17 and figures >= 200

    second = runner.invoke(app, ["ingest", str(texts), "--db", str(db)])
    assert second.exit_code == 0, second.output
    assert "nothing changed" in second.output
    assert dump(db) == before


def test_bad_files_are_recorded_and_the_batch_goes_on(tmp_path):
    db = tmp_path / "b.db"
    folder = tmp_path / "mixed"
    folder.mkdir()
    good = sorted(CORPUS.glob("0*.txt"))[:2]
    for path in [*good, *BAD.iterdir()]:
        shutil.copy(path, folder / path.name)
    result = runner.invoke(app, ["ingest", str(folder), "--db", str(db)])
    assert result.exit_code == 1
    conn = sqlite3.connect(db)
    rows = dict(conn.execute("SELECT path, status FROM documents").fetchall())
    errors = dict(conn.execute("SELECT path, error FROM documents WHERE status = 'failed'").fetchall())
    stored = conn.execute("SELECT count(DISTINCT document_id) FROM articles").fetchone()[0]
    conn.close()
    bad_txt = [p for p in BAD.iterdir() if p.suffix in (".txt", ".md", ".pdf")]
    assert {rows[str(folder / p.name)] for p in bad_txt} == {"failed"}
    for p in bad_txt:
        assert str(folder / p.name) in errors[str(folder / p.name)]
        assert str(folder / p.name) in result.output
    assert stored == len(good)
    assert "skipped 1 file(s) that are not .txt, .md or .pdf (.docx x1)" in result.output


def test_missing_path_is_reported(tmp_path):
    result = runner.invoke(app, ["ingest", str(tmp_path / "nope"), "--db", str(tmp_path / "b.db")])
    assert result.exit_code == 1
    assert "not found" in result.output


def test_worker_processes_store_the_same_figures(tmp_path):
    files = sorted(CORPUS.glob("*.txt"))[:4]
    figures_sql = "SELECT fact_id, metric, value, unit, approx, region_code, part_of FROM figures ORDER BY fact_id"
    stored = []
    for workers in (1, 2):
        db = tmp_path / f"w{workers}.db"
        result = runner.invoke(app, ["ingest", *map(str, files), "--db", str(db), "--workers", str(workers)])
        assert result.exit_code == 0, result.output
        conn = sqlite3.connect(db)
        stored.append(conn.execute(figures_sql).fetchall())
        conn.close()
    assert stored[0] and stored[0] == stored[1]


def test_worker_processes_store_the_same_pdf_figures_with_boxes(tmp_path):
    files = sorted((CORPUS / "pdf").glob("corpus_*.pdf"))[:3]
    figures_sql = "SELECT fact_id, metric, value, unit, page, bbox FROM figures ORDER BY fact_id"
    stored = []
    for workers in (1, 2):
        db = tmp_path / f"w{workers}.db"
        result = runner.invoke(app, ["ingest", *map(str, files), "--db", str(db), "--workers", str(workers),
                                     "--no-check"])
        assert result.exit_code == 0, result.output
        conn = sqlite3.connect(db)
        stored.append(conn.execute(figures_sql).fetchall())
        pages = conn.execute("SELECT DISTINCT pages FROM documents").fetchall()
        conn.close()
        assert pages == [(1,)]
    assert stored[0] and stored[0] == stored[1]
    assert all(page == 1 and bbox for *_, page, bbox in stored[0])
