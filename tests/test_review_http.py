"""The review web page over HTTP: every route, CSRF, bad input, escaping, the audit table.

The data is built with `store.save_document` from hand-made articles, so these tests do not
depend on the extractor; the browser test runs on the real corpus.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from extract import store
from extract.review import verdicts
from extract.review.app import create_app
from schemas import (
    Article,
    ArticleFacts,
    ArticlePart,
    Document,
    Figure,
    Organization,
    PlaceMention,
    RegionRef,
)

YONGNING = RegionRef(code="640121", name="宁夏回族自治区银川市永宁县", level="county")
XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = '"><img src=x onerror=alert(1)>'


def make_article(seq: int, blocks: list[tuple[str, str]], outlet: str | None = None) -> Article:
    """An Article whose text is the blocks joined by newlines, with their parts."""
    parts, pieces, pos = [], [], 0
    for kind, text in blocks:
        if pieces:
            pos += 1
        parts.append(ArticlePart(kind=kind, start=pos, end=pos + len(text)))
        pieces.append(text)
        pos += len(text)
    headline = next((t for k, t in blocks if k == "headline"), None)
    return Article(
        seq=seq, headline=headline, text="\n".join(pieces), parts=parts, source_outlet=outlet,
        paragraphs=[t for k, t in blocks if k == "body"],
    )


def figure_at(article: Article, index: int, surface: str, after: str = "", **fields) -> Figure:
    """A figure for the first `surface` in the text following `after`."""
    text = article.text
    start = text.index(surface, text.index(after) if after else 0)
    sentence_start = max(text.rfind("。", 0, start), text.rfind("\n", 0, start)) + 1
    sentence_end = text.find("。", start) + 1 or len(text)
    return Figure(
        index=index, surface=surface, char_start=start, char_end=start + len(surface),
        quote=text[sentence_start:sentence_end], sentence=text[sentence_start:sentence_end], **fields,
    )


def sample_documents(pdf_path: Path | None = None) -> list[tuple[Document, list]]:
    """Three documents: two reporting the same metric differently, one with hostile markup."""
    a = make_article(0, [
        ("headline", "宁夏永宁：乡镇社工站实现全覆盖"),
        ("body", "截至目前，永宁县共有持证社工185人，其中助理社会工作师143人、社会工作师42人。"),
        ("body", "今年以来，永宁县民政局组织开展培训12期，培训社工600余人次。"),
        ("source", "（据银川日报）"),
    ], outlet="银川日报")
    figs_a = [
        figure_at(a, 0, "185人", metric="social_workers.certified", value=185, unit="人", region=YONGNING),
        figure_at(a, 1, "143人", metric="social_workers.certified.assistant", value=143, unit="人", part_of=0),
        figure_at(a, 2, "42人", metric="social_workers.certified.intermediate", value=42, unit="人", part_of=0),
        figure_at(a, 3, "12期", metric="training.sessions", value=12, unit="期"),
        figure_at(a, 4, "600余人次", metric="training.participants", value=600, unit="人次", approx="at_least"),
    ]
    facts_a = ArticleFacts(
        region=YONGNING,
        places=[PlaceMention(text="永宁县", start=a.text.index("永宁县"), end=a.text.index("永宁县") + 3, region=YONGNING)],
        organizations=[Organization(
            name="永宁县民政局", full_name="宁夏回族自治区银川市永宁县民政局", kind="government",
            start=a.text.index("永宁县民政局"), end=a.text.index("永宁县民政局") + 6, region_code="640121",
        )],
        figures=figs_a,
    )
    b = make_article(0, [
        ("headline", "永宁县持证社工队伍持续壮大"),
        ("body", "记者从永宁县民政局获悉，全县持证社工已达190人。"),
        ("source", "（据宁夏日报）"),
    ], outlet="宁夏日报")
    facts_b = ArticleFacts(region=YONGNING, figures=[
        figure_at(b, 0, "190人", metric="social_workers.certified", value=190, unit="人", region=YONGNING),
    ])
    x = make_article(0, [
        ("headline", f"测试：标题里的{XSS_SCRIPT}"),
        ("body", f"正文含有{XSS_IMG}字样，共有志愿者30人参与。"),
    ])
    facts_x = ArticleFacts(figures=[figure_at(x, 0, "30人", metric="other", value=30, unit="人")])
    docs = [
        (Document(document_id="a" * 64, path="a.txt", kind="text", size=1), [(a, facts_a, "")]),
        (Document(document_id="b" * 64, path="b.txt", kind="text", size=1), [(b, facts_b, "")]),
        (Document(document_id="c" * 64, path="x.txt", kind="text", size=1), [(x, facts_x, "")]),
    ]
    if pdf_path is not None:
        p = make_article(0, [("headline", "PDF page"), ("body", "Volunteers 75 people.")])
        p.parts = [part.model_copy(update={"bbox": (72, 72, 300, 100)}) for part in p.parts]
        fig = figure_at(p, 0, "75", metric="other", value=75, unit="人", page=1, bbox=word_box(pdf_path, "75"))
        doc_id = hashlib.sha256(pdf_path.read_bytes()).hexdigest()
        docs.append((
            Document(document_id=doc_id, path=str(pdf_path), kind="pdf", size=pdf_path.stat().st_size),
            [(p, ArticleFacts(figures=[fig]), "")],
        ))
    return docs


def word_box(pdf_path: Path, word: str) -> tuple[float, float, float, float]:
    import pdfplumber

    with pdfplumber.open(pdf_path) as pdf:
        w = next(w for w in pdf.pages[0].extract_words() if w["text"] == word)
    return (w["x0"], w["top"], w["x1"], w["bottom"])


def write_pdf(path: Path) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("Helvetica", 12)
    c.drawString(72, A4[1] - 110, "Volunteers 75 people.")
    c.save()
    return path


def add_conflict_check(db, fact_ids: list[str], article_ids: list[str]) -> None:
    db["checks"].insert({
        "check_id": "chk1", "kind": "conflict", "severity": "warning", "verdict": "inconsistent",
        "region_code": "640121", "metric": "social_workers.certified",
        "fact_ids": json.dumps(fact_ids), "article_ids": json.dumps(article_ids),
        "explanation": "同一地区同一指标在两篇文章中数字不同：185 与 190", "details": "{}", "created_at": store.now(),
    })
    db["check_figures"].insert_all({"check_id": "chk1", "fact_id": f} for f in fact_ids)


def build_sample_db(path: Path, with_pdf: bool = True) -> Path:
    db = store.open_db(path)
    pdf = write_pdf(path.parent / "page.pdf") if with_pdf else None
    for document, articles in sample_documents(pdf):
        store.save_document(db, document, articles, "test")
    certified = list(db.query(
        "SELECT fact_id, article_id FROM figures WHERE metric = 'social_workers.certified' ORDER BY value"
    ))
    add_conflict_check(db, [r["fact_id"] for r in certified], [r["article_id"] for r in certified])
    db.conn.close()
    return path


# --- fixtures -----------------------------------------------------------------------


@pytest.fixture
def db_path(tmp_path) -> Path:
    return build_sample_db(tmp_path / "review.db")


@pytest.fixture
def client(db_path) -> TestClient:
    return TestClient(create_app(db_path, reviewer="张编辑"), follow_redirects=False)


def fig(db_path: Path, value: float) -> dict:
    db = store.open_db(db_path)
    return next(db.query("SELECT * FROM figures WHERE value = ?", [value]))


def csrf_of(client: TestClient, url: str = "/") -> str:
    page = client.get(url)
    assert page.status_code == 200
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    assert client.cookies.get("bf_csrf") == token
    return token


def reviews(db_path: Path) -> list[dict]:
    return list(store.open_db(db_path).query("SELECT * FROM reviews ORDER BY review_id"))


def snapshot(db_path: Path) -> list:
    db = store.open_db(db_path)
    return [list(db.query(f"SELECT * FROM {t}")) for t in ("reviews", "figures")]


# --- queue --------------------------------------------------------------------------


def test_queue_lists_figures_flagged_first_with_counts(client, db_path):
    page = client.get("/")
    assert page.status_code == 200
    assert "审核队列" in page.text
    order = re.findall(r'class="queue-row( flagged)?" data-fact="(\w+)"', page.text)
    assert len(order) == store.open_db(db_path)["figures"].count
    flagged = [bool(f) for f, _ in order]
    assert flagged == sorted(flagged, reverse=True) and flagged[:2] == [True, True]
    assert 'data-count="total">' + str(len(order)) in page.text
    assert 'data-count="flagged">2<' in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'none'")


def test_queue_filters(client, db_path):
    def facts(**params) -> set[str]:
        page = client.get("/", params=params)
        assert page.status_code == 200
        return set(re.findall(r'class="queue-row(?: flagged)?" data-fact="(\w+)"', page.text))

    db = store.open_db(db_path)
    by_metric = {r["fact_id"] for r in db.query("SELECT fact_id FROM figures WHERE metric = 'training.sessions'")}
    assert facts(metric="training.sessions") == by_metric
    assert len(facts(flag="1")) == 2
    assert facts(outlet="宁夏日报") == {r["fact_id"] for r in db.query(
        "SELECT f.fact_id FROM figures f JOIN articles a USING (article_id) WHERE a.source_outlet = '宁夏日报'")}
    assert facts(q="助理社会工作师") == {r["fact_id"] for r in db.query(
        "SELECT fact_id FROM figures WHERE document_id = ?", ["a" * 64])}
    assert facts(q="不存在的词语") == set()
    assert facts(region="640000") >= facts(region="640121") > set()
    assert facts(region="110000") == set()
    assert len(facts(status="unreviewed")) == db["figures"].count
    assert facts(status="confirmed") == set()
    assert client.get("/", params={"page": "abc", "status": "bogus"}).status_code == 200


def test_queue_status_follows_verdicts(client, db_path):
    token = csrf_of(client)
    target = fig(db_path, 12)
    r = client.post(f"/figure/{target['fact_id']}/verdict", data={"csrf": token, "action": "confirm"})
    assert r.status_code == 303
    page = client.get("/", params={"status": "confirmed"})
    assert re.findall(r'data-fact="(\w+)" data-status="confirmed"', page.text) == [target["fact_id"]]


# --- article ------------------------------------------------------------------------


def test_article_highlights_each_figure_at_its_span(client, db_path):
    a = fig(db_path, 185)
    page = client.get(f"/article/{a['article_id']}")
    assert page.status_code == 200
    text = next(store.open_db(db_path).query(
        "SELECT text FROM articles WHERE article_id = ?", [a["article_id"]]))["text"]
    marks = re.findall(r'<mark class="fig [^"]*" id="fact-(\w+)"[^>]*data-start="(\d+)" data-end="(\d+)"[^>]*>(.*?)</mark>', page.text)
    assert len(marks) == 5
    for _, start, end, inner in marks:
        assert re.sub(r"<[^>]+>", "", inner) == text[int(start):int(end)]
    assert 'class="org"' in page.text and 'class="place"' in page.text
    assert "同一地区同一指标在两篇文章中数字不同" in page.text
    other = fig(db_path, 190)["article_id"]
    assert f'href="/article/{other}"' in page.text
    for kind in ("confirm", "correct", "reject"):
        assert f'value="{kind}"' in page.text


def test_unknown_article_and_figure_are_404_in_chinese(client):
    r = client.get("/article/nope")
    assert r.status_code == 404 and "找不到文章" in r.text
    r = client.get("/figure/nope")
    assert r.status_code == 404 and "找不到数字" in r.text
    r = client.get("/no/such/page")
    assert r.status_code == 404 and "页面不存在" in r.text


def test_figure_redirects_into_its_article(client, db_path):
    f = fig(db_path, 42)
    r = client.get(f"/figure/{f['fact_id']}")
    assert r.status_code == 303
    assert r.headers["location"] == f"/article/{f['article_id']}?fact={f['fact_id']}#fact-{f['fact_id']}"


def test_hostile_markup_in_a_bulletin_is_escaped(client, db_path):
    x = next(store.open_db(db_path).query("SELECT article_id FROM articles WHERE document_id = ?", ["c" * 64]))
    page = client.get(f"/article/{x['article_id']}")
    assert page.status_code == 200
    assert XSS_SCRIPT not in page.text and "<img src=x" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in page.text
    queue = client.get("/")
    assert XSS_SCRIPT not in queue.text and "<img src=x" not in queue.text


# --- verdicts -----------------------------------------------------------------------


def test_confirm_correct_reject_are_appended_with_before_and_after(client, db_path):
    token = csrf_of(client)
    a, b, c = fig(db_path, 185), fig(db_path, 143), fig(db_path, 12)
    r = client.post(f"/figure/{a['fact_id']}/verdict", data={"csrf": token, "action": "confirm"})
    assert r.status_code == 303 and r.headers["location"].endswith(f"#fact-{a['fact_id']}")
    r = client.post(f"/figure/{b['fact_id']}/verdict", data={
        "csrf": token, "action": "correct", "value": "145", "value_max": "", "unit": "人",
        "approx": "about", "metric": "social_workers.certified.assistant", "region_code": "640121",
        "note": "原文笔误",
    })
    assert r.status_code == 303
    r = client.post(f"/figure/{c['fact_id']}/verdict", data={"csrf": token, "action": "reject", "note": "不是数字"})
    assert r.status_code == 303
    rows = reviews(db_path)
    assert [(r["fact_id"], r["action"], r["reviewer"]) for r in rows] == [
        (a["fact_id"], "confirm", "张编辑"), (b["fact_id"], "correct", "张编辑"), (c["fact_id"], "reject", "张编辑"),
    ]
    before, after = json.loads(rows[1]["before"]), json.loads(rows[1]["after"])
    assert (before["value"], after["value"]) == (143, 145)
    assert (before["approx"], after["approx"]) == ("exact", "about")
    assert after["region_name"] == "宁夏回族自治区银川市永宁县"
    assert rows[1]["note"] == "原文笔误" and rows[2]["note"] == "不是数字"
    db = store.open_db(db_path)
    assert {k: verdicts.review_status(v) for k, v in verdicts.current_verdicts(db).items()} == {
        a["fact_id"]: "confirmed", b["fact_id"]: "corrected", c["fact_id"]: "rejected",
    }
    page = client.get(f"/article/{b['article_id']}", params={"fact": b["fact_id"]})
    assert "当前结论" in page.text and "审核记录（1）" in page.text and "<del>143</del>" in page.text
    assert fig(db_path, 143)["value"] == 143  # the extracted row is never overwritten


def test_latest_verdict_is_current(client, db_path):
    token = csrf_of(client)
    f = fig(db_path, 42)
    client.post(f"/figure/{f['fact_id']}/verdict", data={"csrf": token, "action": "reject", "note": "重复"})
    client.post(f"/figure/{f['fact_id']}/verdict", data={"csrf": token, "action": "confirm"})
    assert verdicts.current_status(store.open_db(db_path), f["fact_id"]) == "confirmed"
    assert len(reviews(db_path)) == 2


def test_confirm_after_correction_confirms_the_extracted_values(client, db_path):
    token = csrf_of(client)
    f = fig(db_path, 42)
    form = {"csrf": token, "action": "correct", "value": "44", "value_max": "", "unit": "人",
            "approx": "exact", "metric": f["metric"], "region_code": ""}
    assert client.post(f"/figure/{f['fact_id']}/verdict", data=form).status_code == 303
    page = client.get(f"/figure/{f['fact_id']}", follow_redirects=True)
    assert "确认原提取值" in page.text and 'value="44"' in page.text
    assert client.post(f"/figure/{f['fact_id']}/verdict", data={"csrf": token, "action": "confirm"}).status_code == 303
    last = reviews(db_path)[-1]
    assert (json.loads(last["before"])["value"], json.loads(last["after"])["value"]) == (44, 42)
    page = client.get(f"/figure/{f['fact_id']}", follow_redirects=True)
    assert 'name="value" inputmode="decimal" value="42"' in page.text


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"value": "-3"}, "非负"),
        ({"value": "abc"}, "数值必须是数字"),
        ({"value": "nan"}, "有限"),
        ({"value": "inf"}, "有限"),
        ({"value": "100", "value_max": "50"}, "区间上限"),
        ({"approx": "roughly"}, "精确度"),
        ({"metric": "no.such.metric"}, "未知的指标代码"),
        ({"region_code": "12345"}, "六位数字"),
        ({"region_code": "999999"}, "不存在"),
        ({"unit": "人" * 20}, "单位过长"),
        ({}, "没有改变"),
    ],
)
def test_invalid_corrections_are_400_and_change_nothing(client, db_path, fields, message):
    token = csrf_of(client)
    f = fig(db_path, 185)
    form = {"csrf": token, "action": "correct", "value": "185", "value_max": "", "unit": "人",
            "approx": "exact", "metric": "social_workers.certified", "region_code": "640121"}
    before = snapshot(db_path)
    r = client.post(f"/figure/{f['fact_id']}/verdict", data={**form, **fields})
    assert r.status_code == 400
    assert message in r.text and "未保存" in r.text
    assert snapshot(db_path) == before


def test_other_bad_verdicts_are_400(client, db_path):
    token = csrf_of(client)
    f = fig(db_path, 185)
    before = snapshot(db_path)
    r = client.post(f"/figure/{f['fact_id']}/verdict", data={"csrf": token, "action": "reject"})
    assert r.status_code == 400 and "否决时请填写理由" in r.text
    r = client.post(f"/figure/{f['fact_id']}/verdict", data={"csrf": token, "action": "delete"})
    assert r.status_code == 400 and "未知的审核操作" in r.text
    r = client.post(f"/figure/{f['fact_id']}/verdict", data={"csrf": token, "action": "correct"})
    assert r.status_code == 400
    assert snapshot(db_path) == before


def test_verdict_on_unknown_figure_is_404(client, db_path):
    token = csrf_of(client)
    before = snapshot(db_path)
    r = client.post("/figure/0000000000000000/verdict", data={"csrf": token, "action": "confirm"})
    assert r.status_code == 404 and "找不到数字" in r.text
    assert snapshot(db_path) == before


@pytest.mark.parametrize("sent", [None, "", "wrong-token-" + "x" * 40])
def test_missing_or_wrong_csrf_token_is_403(client, db_path, sent):
    csrf_of(client)
    f = fig(db_path, 185)
    before = snapshot(db_path)
    data = {"action": "confirm"} | ({"csrf": sent} if sent is not None else {})
    r = client.post(f"/figure/{f['fact_id']}/verdict", data=data)
    assert r.status_code == 403 and "CSRF" in r.text
    r = client.post("/reviewer", data={"name": "李四"} | ({"csrf": sent} if sent is not None else {}))
    assert r.status_code == 403
    assert snapshot(db_path) == before


def test_csrf_token_without_cookie_is_403(db_path):
    fresh = TestClient(create_app(db_path, reviewer="张编辑"), follow_redirects=False)
    token = csrf_of(fresh)
    fresh.cookies.clear()
    r = fresh.post(f"/figure/{fig(db_path, 185)['fact_id']}/verdict", data={"csrf": token, "action": "confirm"})
    assert r.status_code == 403
    assert reviews(db_path) == []


def test_cross_origin_post_is_403(client, db_path):
    token = csrf_of(client)
    r = client.post(
        f"/figure/{fig(db_path, 185)['fact_id']}/verdict", data={"csrf": token, "action": "confirm"},
        headers={"Origin": "http://evil.example"},
    )
    assert r.status_code == 403
    assert reviews(db_path) == []


def test_get_cannot_change_state(client, db_path):
    f = fig(db_path, 185)
    r = client.get(f"/figure/{f['fact_id']}/verdict", params={"action": "confirm"})
    assert r.status_code == 405
    assert reviews(db_path) == []


# --- reviewer -----------------------------------------------------------------------


def test_reviewer_cookie_names_the_verdicts(db_path):
    anonymous = TestClient(create_app(db_path), follow_redirects=False)
    token = csrf_of(anonymous)
    f = fig(db_path, 185)
    r = anonymous.post(f"/figure/{f['fact_id']}/verdict", data={"csrf": token, "action": "confirm"})
    assert r.status_code == 400 and "审核人" in r.text
    assert reviews(db_path) == []
    r = anonymous.post("/reviewer", data={"csrf": token, "name": "王审核", "next": "https://evil.example/"})
    assert r.status_code == 303 and r.headers["location"] == "/"
    assert "王审核" in anonymous.get("/").text
    r = anonymous.post(f"/figure/{f['fact_id']}/verdict", data={"csrf": token, "action": "confirm"})
    assert r.status_code == 303
    assert [r["reviewer"] for r in reviews(db_path)] == ["王审核"]


def test_blank_reviewer_name_is_400(client):
    token = csrf_of(client)
    r = client.post("/reviewer", data={"csrf": token, "name": "  "})
    assert r.status_code == 400 and "审核人姓名" in r.text


# --- orphans ------------------------------------------------------------------------


def test_orphans_page_lists_verdicts_whose_figure_is_gone(client, db_path):
    token = csrf_of(client)
    f = fig(db_path, 190)
    client.post(f"/figure/{f['fact_id']}/verdict", data={"csrf": token, "action": "confirm"})
    assert 'id="orphan-count">0<' in client.get("/orphans").text
    db = store.open_db(db_path)
    with db.atomic():
        store.delete_document(db, "b" * 64)
    page = client.get("/orphans")
    assert page.status_code == 200
    assert 'id="orphan-count">1<' in page.text and f'data-fact="{f["fact_id"]}"' in page.text
    r = client.get(f"/figure/{f['fact_id']}")
    assert r.status_code == 404 and "孤立审核" in r.text
    assert len(reviews(db_path)) == 1


# --- PDF page image -----------------------------------------------------------------


def test_pdf_page_image_has_the_figure_box(client, db_path):
    from PIL import Image

    f = next(store.open_db(db_path).query("SELECT * FROM figures WHERE bbox IS NOT NULL"))
    page = client.get(f"/article/{f['article_id']}")
    assert f"/page/{f['document_id']}/1.png" in page.text
    r = client.get(f"/page/{f['document_id']}/1.png", params={"fact": f["fact_id"]})
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(r.content)).convert("RGB")
    scale = image.width / 595.27
    x0, top, x1, bottom = json.loads(f["bbox"])

    def red(x: float, y: float) -> bool:
        return any(
            (p := image.getpixel((int(x * scale) + dx, int(y * scale) + dy)))[0] > 200 and p[1] < 80 and p[2] < 80
            for dx in range(-3, 4) for dy in range(-3, 4)
        )

    assert red((x0 + x1) / 2, top) and red(x0, (top + bottom) / 2)  # the selected figure's frame
    assert not red((x0 + x1) / 2, bottom + 40) and not red(x1 + 60, top)


def test_page_image_bad_input_is_404(client, db_path):
    db = store.open_db(db_path)
    pdf_doc = next(db.query("SELECT document_id, path FROM documents WHERE kind = 'pdf'"))
    r = client.get(f"/page/{pdf_doc['document_id']}/9.png")
    assert r.status_code == 404 and "没有第 9 页" in r.text
    r = client.get("/page/nope/1.png")
    assert r.status_code == 404 and "找不到文档" in r.text
    r = client.get(f"/page/{'a' * 64}/1.png")
    assert r.status_code == 404 and "不是 PDF" in r.text
    Path(pdf_doc["path"]).write_bytes(b"%PDF-1.4 changed")
    r = client.get(f"/page/{pdf_doc['document_id']}/1.png")
    assert r.status_code == 404 and "已不存在或已被修改" in r.text


def test_static_assets_are_served(client):
    assert "keydown" in client.get("/static/review.js").text
    assert client.get("/static/review.css").status_code == 200


def test_foreign_host_header_is_refused_when_bound_to_loopback(tmp_path):
    """DNS rebinding: a page on another name that resolves to 127.0.0.1 gets no answer."""
    app = create_app(tmp_path / "hosts.db", allowed_hosts=["127.0.0.1", "localhost"])
    assert TestClient(app, base_url="http://127.0.0.1").get("/").status_code == 200
    assert TestClient(app, base_url="http://evil.example").get("/").status_code == 400
