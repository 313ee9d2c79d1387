"""The review page in a real browser (Debian chromium driven by Playwright).

Ingests corpus bulletins, reviews three figures with the mouse and the keyboard, and checks
the audit table and `bulletin export`. Also checks that hostile markup in a bulletin stays text.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import warnings
from pathlib import Path

import pytest

from extract import store
from extract.review import verdicts
from extract.review.app import create_app

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
OUTPUT = ROOT / "output"
HOSTILE = (
    "宁夏永宁：社工站开展<script>alert(1)</script>宣传活动\n"
    "今年以来，永宁县各社工站开展宣传活动36场，\"><img src=x onerror=alert(1)>服务群众1200余人次。\n"
    "（据测试日报）\n"
)
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium (/usr/bin/chromium) is not installed"),
]


def corpus_files() -> list[Path]:
    texts = sorted(CORPUS.glob("*.txt"))
    pdfs = sorted((CORPUS / "pdf").glob("*_ttf.pdf"))[:1]
    return texts + pdfs


def build_db(tmp_path: Path) -> Path:
    """Ingest the corpus and a hostile bulletin; hand-made data while the extractor is unfinished."""
    path = tmp_path / "browser.db"
    hostile = tmp_path / "hostile.txt"
    hostile.write_text(HOSTILE, encoding="utf-8")
    db = store.open_db(path)
    from extract.pipeline import ingest_paths

    results = ingest_paths(db, [*corpus_files(), hostile])
    failed = [r.error for r in results if r.status == "failed"]
    if failed or not sum(r.figures for r in results):
        warnings.warn(f"pipeline not ready, using hand-made articles: {failed[:1]}", stacklevel=1)
        from test_review_http import build_sample_db

        db.conn.close()
        path.unlink()
        for suffix in ("-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return build_sample_db(path)
    try:
        from extract.check import run_checks

        run_checks(db)
    except ImportError:
        pass
    db.conn.close()
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    import uvicorn

    db_path = build_db(tmp_path)
    port = free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(db_path), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not srv.started:
        assert time.time() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", db_path
    srv.should_exit = True
    thread.join(10)


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        pg = context.new_page()
        dialogs: list[str] = []
        pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        pg.dialogs = dialogs
        yield pg
        context.close()
        browser.close()


def richest_article(db_path: Path) -> dict:
    db = store.open_db(db_path)
    return next(db.query(
        "SELECT a.article_id, a.text, COUNT(*) AS n FROM articles a JOIN figures f USING (article_id)"
        " GROUP BY a.article_id HAVING n >= 3 ORDER BY n DESC, a.article_id LIMIT 1"
    ))


def figures_of(db_path: Path, article_id: str) -> list[dict]:
    return list(store.open_db(db_path).query(
        "SELECT * FROM figures WHERE article_id = ? ORDER BY idx", [article_id]))


def export_statuses(db_path: Path, tmp_path: Path) -> dict[str, str]:
    """fact_id -> review_status as `bulletin export --what figures --format jsonl` writes it."""
    from typer.testing import CliRunner

    from extract.cli import app

    out = tmp_path / "figures.jsonl"
    result = CliRunner().invoke(
        app, ["export", "--what", "figures", "--format", "jsonl", "--db", str(db_path), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {r["fact_id"]: r["review_status"] for r in records}


def test_review_an_article_in_the_browser(server, page, tmp_path):
    base, db_path = server
    page.goto(base + "/")
    assert page.title().startswith("审核队列")
    page.fill("#reviewer-name", "浏览器编辑")
    page.click(".reviewer-form button")
    page.wait_for_load_state()
    assert page.input_value("#reviewer-name") == "浏览器编辑"
    total = store.open_db(db_path)["figures"].count
    assert page.locator('#counts [data-count="total"]').inner_text() == str(total)
    assert page.locator("tr.queue-row").count() == min(total, 100)

    article = richest_article(db_path)
    page.click(f'a.article-link[href="/article/{article["article_id"]}"]')
    page.wait_for_selector("mark.fig")
    figures = figures_of(db_path, article["article_id"])
    marks = page.locator("mark.fig")
    shown = {marks.nth(i).get_attribute("data-fact"): marks.nth(i).text_content() for i in range(marks.count())}
    assert len(shown) >= 3
    for f in figures:
        if f["fact_id"] in shown:
            assert shown[f["fact_id"]] == article["text"][f["char_start"]:f["char_end"]]
    first, second, third = [f for f in figures if f["fact_id"] in shown][:3]

    # confirm with the keyboard: click the first figure in the text, press c
    page.click(f"#fact-{first['fact_id']}")
    page.keyboard.press("c")
    page.wait_for_selector(f"#card-{first['fact_id']}.s-confirmed")

    # correct the second: j moves on, e opens the correction form
    page.click(f"#fact-{first['fact_id']}")
    page.keyboard.press("j")
    card = page.locator(f"#card-{second['fact_id']}")
    assert "current" in card.get_attribute("class")
    page.keyboard.press("e")
    corrected = second["value"] + 1
    card.locator("form.verdict-correct input[name=value]").fill(f"{corrected:g}")
    card.locator("form.verdict-correct select[name=approx]").select_option("about")
    card.locator("form.verdict-correct input[name=note]").fill("与原件核对")
    card.locator("form.verdict-correct button[type=submit]").click()
    page.wait_for_selector(f"#card-{second['fact_id']}.s-corrected")

    # reject the third with a note
    card = page.locator(f"#card-{third['fact_id']}")
    card.locator("form.verdict-reject input[name=note]").fill("不是统计数字")
    card.locator("form.verdict-reject button").click()
    page.wait_for_selector(f"#card-{third['fact_id']}.s-rejected")
    assert "审核记录（1）" in page.locator(f"#card-{third['fact_id']}").inner_text()

    OUTPUT.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(OUTPUT / "review-article.png"), full_page=False)
    assert (OUTPUT / "review-article.png").stat().st_size > 10_000

    rows = list(store.open_db(db_path).query("SELECT * FROM reviews ORDER BY review_id"))
    assert [(r["fact_id"], r["action"], r["reviewer"]) for r in rows] == [
        (first["fact_id"], "confirm", "浏览器编辑"),
        (second["fact_id"], "correct", "浏览器编辑"),
        (third["fact_id"], "reject", "浏览器编辑"),
    ]
    assert json.loads(rows[1]["before"])["value"] == second["value"]
    assert json.loads(rows[1]["after"])["value"] == corrected
    assert json.loads(rows[1]["after"])["approx"] == "about"
    assert rows[2]["note"] == "不是统计数字"

    expected = {first["fact_id"]: "confirmed", second["fact_id"]: "corrected", third["fact_id"]: "rejected"}
    try:
        import extract.export  # noqa: F401
    except ImportError:
        db = store.open_db(db_path)
        statuses = {k: verdicts.current_status(db, k) for k in expected}
    else:
        statuses = export_statuses(db_path, tmp_path)
        assert all(statuses[f["fact_id"]] == "unreviewed" for f in figures[3:])
    assert {k: statuses[k] for k in expected} == expected
    assert page.dialogs == []


def test_hostile_markup_shows_as_text(server, page):
    base, db_path = server
    db = store.open_db(db_path)
    hostile = next(db.query("SELECT article_id, text FROM articles WHERE text LIKE '%<script>%'"))
    page.goto(f"{base}/article/{hostile['article_id']}")
    page.wait_for_selector("#article-text")
    text = page.locator("#article-text").inner_text()
    assert "<script>alert(1)</script>" in text
    assert "\"><img src=x onerror=alert(1)>" in text
    assert page.locator("#article-text script, #article-text img").count() == 0
    page.goto(f"{base}/?q=alert")
    assert "<script>alert(1)</script>" in page.locator("body").inner_text()
    page.wait_for_timeout(300)
    assert page.dialogs == []


def test_pdf_page_image_loads(server, page):
    base, db_path = server
    db = store.open_db(db_path)
    rows = list(db.query(
        "SELECT f.article_id FROM figures f JOIN documents d USING (document_id)"
        " WHERE d.kind = 'pdf' AND f.bbox IS NOT NULL LIMIT 1"))
    if not rows:
        pytest.skip("no PDF figure with a box in this database")
    page.goto(f"{base}/article/{rows[0]['article_id']}")
    image = page.locator("img.page-image").first
    image.scroll_into_view_if_needed()
    deadline = time.time() + 30
    while not image.evaluate("img => img.complete && img.naturalWidth > 0"):
        assert time.time() < deadline, "page image did not load"
        page.wait_for_timeout(100)
    assert image.evaluate("img => img.naturalWidth") > 300
