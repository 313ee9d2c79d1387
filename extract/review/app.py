"""The local review web page: a Starlette app rendering Jinja2 templates (autoescape on).

Routes
- GET  /                          queue of figures with filters and counts
- GET  /article/{article_id}      the article, figures highlighted, checks, verdict forms
- GET  /figure/{fact_id}          redirect to the figure inside its article
- POST /figure/{fact_id}/verdict  confirm / correct / reject (CSRF token required)
- POST /reviewer                  remember the reviewer's name in a cookie (CSRF token required)
- GET  /orphans                   verdicts whose figure is no longer extracted
- GET  /page/{document_id}/{page}.png   a PDF page with figure boxes drawn
- GET  /static/...                css and js

Bulletins are untrusted input: every text goes through Jinja2's escaping, the pages carry a
Content-Security-Policy without inline scripts, and all SQL takes parameters. Each request
opens its own SQLite connection (WAL, busy timeout) so an ingest can run meanwhile.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import secrets
import sqlite3
import threading
from contextlib import contextmanager
from itertools import pairwise
from pathlib import Path
from urllib.parse import quote, unquote, urlencode, urlsplit

import jinja2
import sqlite_utils
from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from extract import store
from extract.gazetteer import region_prefix
from extract.review import verdicts
from extract.review.verdicts import UnknownFigure, VerdictError
from schemas import Correction, ReviewAction

HERE = Path(__file__).parent
CSRF_COOKIE = "bf_csrf"
CSRF_FIELD = "csrf"
REVIEWER_COOKIE = "bf_reviewer"
PAGE_SIZE = 100
PAGE_RESOLUTION = 100
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}

STATUS_LABELS = {
    "unreviewed": "未审核",
    "confirmed": "已确认",
    "corrected": "已更正",
    "rejected": "已否决",
}
ACTION_LABELS = {"confirm": "确认", "correct": "更正", "reject": "否决"}
APPROX_LABELS = {"exact": "精确", "at_least": "不少于", "at_most": "不超过", "about": "约"}
CHECK_LABELS = {
    "parts_sum": "分项与总数",
    "conflict": "数字冲突",
    "cumulative_decrease": "累计数下降",
    "impossible_value": "不可能的数值",
    "reprint": "转载",
}
CHECK_VERDICT_LABELS = {"consistent": "一致", "inconsistent": "不一致", "linked": "已关联"}
BLOCK_TAGS = {
    "headline": "h1",
    "section": "h2",
    "lead": "p",
    "body": "p",
    "caption": "p",
    "source": "p",
    "byline": "p",
    "dateline": "p",
    "noise": "p",
}
BLOCK_LABELS = {
    "headline": "标题",
    "section": "小标题",
    "lead": "导语",
    "body": "正文",
    "caption": "图片说明",
    "source": "来源",
    "byline": "署名",
    "dateline": "日期",
    "noise": "其他",
}
METRIC_GROUPS = (
    "social_workers",
    "orgs",
    "stations",
    "projects",
    "served",
    "households",
    "people",
    "activities",
    "training",
    "funds",
)
FIELD_LABELS = {
    "value": "数值",
    "value_max": "上限",
    "unit": "单位",
    "approx": "精确度",
    "metric": "指标",
    "region_code": "地区代码",
    "region_name": "地区",
}
_render_lock = threading.Lock()


def create_app(
    db_path: Path | str, reviewer: str | None = None, allowed_hosts: list[str] | None = None
) -> Starlette:
    """The review application over the database at `db_path` (created and migrated if new).

    `allowed_hosts` limits the Host header (the CLI passes the loopback names when bound to
    loopback), so a web page elsewhere cannot reach the app through DNS rebinding.
    """
    db_path = Path(db_path)
    store.open_db(db_path).close()
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["num"] = format_number
    env.filters["show"] = show_value
    env.filters["when"] = local_time
    env.globals.update(
        STATUS_LABELS=STATUS_LABELS,
        ACTION_LABELS=ACTION_LABELS,
        APPROX_LABELS=APPROX_LABELS,
        CHECK_LABELS=CHECK_LABELS,
        CHECK_VERDICT_LABELS=CHECK_VERDICT_LABELS,
        BLOCK_LABELS=BLOCK_LABELS,
        FIELD_LABELS=FIELD_LABELS,
        CSRF_FIELD=CSRF_FIELD,
    )
    ui = ReviewUI(db_path, env, reviewer)
    routes = [
        Route("/", ui.queue),
        Route("/article/{article_id}", ui.article),
        Route("/figure/{fact_id}", ui.figure),
        Route("/figure/{fact_id}/verdict", ui.verdict, methods=["POST"]),
        Route("/reviewer", ui.set_reviewer, methods=["POST"]),
        Route("/orphans", ui.orphans),
        Route("/page/{document_id}/{page:int}.png", ui.page_image),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={HTTPException: ui.http_error, 404: ui.http_error, 405: ui.http_error},
        middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts)] if allowed_hosts else [],
    )
    app.state.ui = ui
    return app


def format_number(value) -> str:
    """185.0 -> 185, 2.5 -> 2.5, 12000000.0 -> 12000000 (no exponent)."""
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.6f}".rstrip("0").rstrip(".")


def local_time(moment, seconds: bool = False) -> str:
    """A stored UTC timestamp in the reviewer's (the server's) local time."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def show_value(value) -> str:
    """A value of the audit trail as an editor reads it."""
    if value is None or value == "":
        return "—"
    if isinstance(value, float | int) and not isinstance(value, bool):
        return format_number(value)
    return str(value)


def metric_class(metric: str | None) -> str:
    """A CSS class for the metric's colour; only known group names ever reach the HTML."""
    group = (metric or "").split(".")[0]
    return "m-" + (group if group in METRIC_GROUPS else "other")


class ReviewUI:
    """The request handlers, sharing the database path, templates and default reviewer."""

    def __init__(self, db_path: Path, env: jinja2.Environment, reviewer: str | None) -> None:
        self.db_path = db_path
        self.env = env
        self.default_reviewer = (reviewer or "").strip() or None

    # --- plumbing -----------------------------------------------------------------

    @contextmanager
    def db(self):
        conn = sqlite3.connect(str(self.db_path), timeout=30)
        try:
            conn.execute("PRAGMA busy_timeout = 30000")
            conn.execute("PRAGMA foreign_keys = ON")
            yield sqlite_utils.Database(conn)
        finally:
            conn.close()

    def reviewer(self, request: Request) -> str | None:
        cookie = request.cookies.get(REVIEWER_COOKIE)
        name = unquote(cookie).strip() if cookie else ""
        return name[: verdicts.MAX_REVIEWER_CHARS] or self.default_reviewer

    def csrf_token(self, request: Request) -> str:
        token = request.cookies.get(CSRF_COOKIE)
        if not token or len(token) < 32:
            token = getattr(request.state, "new_csrf", None) or secrets.token_urlsafe(32)
            request.state.new_csrf = token
        return token

    def finish(self, request: Request, response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        new = getattr(request.state, "new_csrf", None)
        if new:
            response.set_cookie(CSRF_COOKIE, new, httponly=True, samesite="strict", path="/")
        return response

    def render(self, request: Request, template: str, status: int = 200, **context) -> Response:
        context.update(
            request=request,
            csrf=self.csrf_token(request),
            reviewer=self.reviewer(request),
            here=request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        )
        html = self.env.get_template(template).render(**context)
        return self.finish(request, HTMLResponse(html, status_code=status))

    def error(self, request: Request, status: int, message: str, back: str | None = None) -> Response:
        return self.render(request, "error.html", status=status, status_code=status, message=message, back=back)

    async def http_error(self, request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 500)
        message = {404: "页面不存在", 405: "不支持该请求方法"}.get(status, "请求无法处理")
        return self.error(request, status, message)

    async def form_checked(self, request: Request):
        """The POSTed form, or None when the CSRF token is missing or wrong (or cross-origin)."""
        form = await request.form()
        cookie = request.cookies.get(CSRF_COOKIE, "")
        sent = form.get(CSRF_FIELD, "")
        if not cookie or not isinstance(sent, str) or not hmac.compare_digest(
            cookie.encode(), sent.encode()
        ):
            return None
        origin = request.headers.get("origin")
        if origin and origin != "null" and urlsplit(origin).netloc != request.headers.get("host"):
            return None
        return form

    def csrf_refused(self, request: Request) -> Response:
        return self.error(
            request, 403, "安全校验失败（缺少或错误的 CSRF 令牌）。请刷新页面后重试，未做任何修改。"
        )

    # --- queue --------------------------------------------------------------------

    async def queue(self, request: Request) -> Response:
        params = request.query_params
        filters = {
            key: (params.get(key) or "").strip()
            for key in ("region", "metric", "status", "flag", "outlet", "q")
        }
        try:
            page = max(1, int(params.get("page", "1")))
        except ValueError:
            page = 1
        with self.db() as db:
            rows, notice = queue_rows(db, filters)
            options = filter_options(db)
            orphan_count = len(verdicts.orphaned_verdicts(db))
        counts = {s: sum(r["status"] == s for r in rows) for s in STATUS_LABELS}
        counts["total"] = len(rows)
        counts["flagged"] = sum(bool(r["flagged"]) for r in rows)
        articles = article_summaries(rows)
        pages = max(1, -(-len(rows) // PAGE_SIZE))
        page = min(page, pages)
        shown = rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        keep = {k: v for k, v in filters.items() if v}
        return self.render(
            request,
            "queue.html",
            rows=shown,
            articles=articles,
            counts=counts,
            filters=filters,
            options=options,
            page=page,
            pages=pages,
            page_link=lambda n: "/?" + urlencode({**keep, "page": n}),
            notice=notice,
            orphan_count=orphan_count,
            metric_class=metric_class,
        )

    # --- article ------------------------------------------------------------------

    async def article(self, request: Request) -> Response:
        article_id = request.path_params["article_id"]
        with self.db() as db:
            view = article_view(db, article_id)
        if view is None:
            return self.error(request, 404, f"找不到文章（编号 {article_id}）。它可能已在重新导入时被替换。", back="/")
        focus = request.query_params.get("fact")
        fact_ids = [f["fact_id"] for f in view["figures"]]
        if focus not in fact_ids:
            focus = next((f["fact_id"] for f in view["figures"] if f["status"] == "unreviewed"), None)
            focus = focus or (fact_ids[0] if fact_ids else None)
        return self.render(request, "article.html", focus=focus, metrics=verdicts.known_metrics(), **view)

    async def figure(self, request: Request) -> Response:
        fact_id = request.path_params["fact_id"]
        with self.db() as db:
            row = verdicts.figure_row(db, fact_id)
            orphan = row is None and db.execute(
                "SELECT 1 FROM reviews WHERE fact_id = ? LIMIT 1", [fact_id]
            ).fetchone()
        if row is None:
            if orphan:
                return self.error(
                    request, 404, f"数字 {fact_id} 已不再被提取；对它的审核记录保留在“孤立审核”列表中。",
                    back="/orphans",
                )
            return self.error(request, 404, f"找不到数字（编号 {fact_id}）。", back="/")
        return self.finish(request, RedirectResponse(figure_url(row["article_id"], fact_id), status_code=303))

    # --- verdicts -----------------------------------------------------------------

    async def verdict(self, request: Request) -> Response:
        fact_id = request.path_params["fact_id"]
        form = await self.form_checked(request)
        if form is None:
            return self.csrf_refused(request)
        with self.db() as db:
            row = verdicts.figure_row(db, fact_id)
            if row is None:
                return self.error(request, 404, f"找不到数字（编号 {fact_id}），未记录任何审核。", back="/")
            back = figure_url(row["article_id"], fact_id)
            reviewer = (form.get("reviewer") or "").strip() or self.reviewer(request)
            try:
                action = form.get("action", "")
                correction = correction_from_form(form) if action == ReviewAction.correct else None
                verdicts.record_verdict(
                    db, fact_id, action, reviewer or "", correction=correction, note=form.get("note")
                )
            except VerdictError as error:
                return self.error(request, 400, f"未保存：{error}", back=back)
            except UnknownFigure:
                return self.error(request, 404, f"找不到数字（编号 {fact_id}），未记录任何审核。", back="/")
        return self.finish(request, RedirectResponse(back, status_code=303))

    async def set_reviewer(self, request: Request) -> Response:
        form = await self.form_checked(request)
        if form is None:
            return self.csrf_refused(request)
        name = (form.get("name") or "").strip()
        if not name or len(name) > verdicts.MAX_REVIEWER_CHARS:
            return self.error(
                request, 400, f"审核人姓名不能为空，最多 {verdicts.MAX_REVIEWER_CHARS} 个字符。", back="/"
            )
        response = RedirectResponse(local_path(form.get("next")), status_code=303)
        response.set_cookie(
            REVIEWER_COOKIE, quote(name), max_age=365 * 24 * 3600, samesite="lax", path="/"
        )
        return self.finish(request, response)

    async def orphans(self, request: Request) -> Response:
        with self.db() as db:
            orphaned = verdicts.orphaned_verdicts(db)
            histories = {o.fact_id: verdicts.history(db, o.fact_id) for o in orphaned}
            docs = {
                r["document_id"]: r
                for r in db.query("SELECT document_id, path, status FROM documents")
            }
        return self.render(request, "orphans.html", orphans=orphaned, histories=histories, docs=docs)

    # --- PDF page image -----------------------------------------------------------

    async def page_image(self, request: Request) -> Response:
        document_id = request.path_params["document_id"]
        number = request.path_params["page"]
        fact = request.query_params.get("fact")
        with self.db() as db:
            docs = list(db.query("SELECT * FROM documents WHERE document_id = ?", [document_id]))
            boxes = list(
                db.query(
                    "SELECT fact_id, bbox FROM figures WHERE document_id = ? AND page = ? AND bbox IS NOT NULL",
                    [document_id, number],
                )
            )
        if not docs:
            return self.error(request, 404, f"找不到文档（编号 {document_id}）。")
        doc = docs[0]
        if doc["kind"] != "pdf":
            return self.error(request, 404, "该文档不是 PDF，没有版面图像。")
        path = Path(doc["path"])
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != document_id:
            return self.error(request, 404, f"原始 PDF 文件已不存在或已被修改：{doc['path']}")
        try:
            png = await run_in_threadpool(render_page, path, number, boxes, fact)
        except IndexError:
            return self.error(request, 404, f"该 PDF 没有第 {number} 页。")
        return self.finish(
            request, Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})
        )


# --- data for the pages -------------------------------------------------------------


def figure_url(article_id: str, fact_id: str) -> str:
    return f"/article/{quote(article_id)}?fact={quote(fact_id)}#fact-{quote(fact_id)}"


def local_path(target) -> str:
    """A same-site path to go back to; anything else (absolute URLs, //host) becomes '/'."""
    if isinstance(target, str) and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def correction_from_form(form) -> Correction:
    """A Correction from the submitted fields; a blank field clears the value."""
    fields: dict = {}
    for key in verdicts.EDITABLE:
        if key not in form:
            continue
        raw = (form.get(key) or "").strip()
        if key in ("value", "value_max"):
            fields[key] = parse_number(raw) if raw else None
        else:
            fields[key] = raw or None
    if not fields:
        raise VerdictError("更正时至少要修改一个字段")
    try:
        return Correction(**fields)
    except ValidationError as error:
        key = str(error.errors()[0]["loc"][0])
        if key == "approx":
            raise VerdictError("精确度必须是 exact、at_least、at_most 或 about 之一") from error
        raise VerdictError(f"{FIELD_LABELS.get(key, key)}无效") from error


def parse_number(raw: str) -> float:
    cleaned = raw.replace(",", "").replace("，", "").strip()
    try:
        return float(cleaned)
    except ValueError as error:
        raise VerdictError(f"数值必须是数字：{raw}") from error


def queue_rows(db: sqlite_utils.Database, filters: dict) -> tuple[list[dict], str | None]:
    """Figures matching the filters, flagged and unreviewed first, each with its status."""
    where, params, notice = ["1=1"], [], None
    if filters["region"]:
        where.append("COALESCE(f.region_code, a.region_code) LIKE ?")
        params.append(region_prefix(filters["region"]) + "%")
    if filters["metric"]:
        where.append("f.metric = ?")
        params.append(filters["metric"])
    if filters["outlet"]:
        where.append("a.source_outlet = ?")
        params.append(filters["outlet"])
    if filters["q"]:
        found = [r["article_id"] for r in store.search_articles(db, filters["q"], limit=5000)]
        where.append(f"f.article_id IN ({','.join('?' * len(found)) or 'NULL'})")
        params.extend(found)
        notice = f"全文检索“{filters['q']}”：{len(found)} 篇文章"
    sql = (
        "SELECT f.fact_id, f.article_id, f.idx, f.metric, f.subject, f.value, f.value_max, f.unit,"
        " f.approx, f.time_text, f.quote, COALESCE(f.region_name, a.region_name) AS region_name,"
        " a.headline, a.source_outlet, a.document_id, a.seq, a.region_name AS article_region,"
        " d.path AS document_path, v.action AS action,"
        " EXISTS (SELECT 1 FROM check_figures cf JOIN checks c ON c.check_id = cf.check_id"
        "   WHERE cf.fact_id = f.fact_id AND c.verdict = 'inconsistent') AS flagged"
        " FROM figures f JOIN articles a ON a.article_id = f.article_id"
        " JOIN documents d ON d.document_id = a.document_id"
        f" LEFT JOIN ({store.CURRENT_REVIEWS_SQL}) v ON v.fact_id = f.fact_id"
        f" WHERE {' AND '.join(where)}"
        " ORDER BY flagged DESC, (v.action IS NULL) DESC, a.document_id, a.seq, f.idx"
    )
    rows = []
    for row in db.query(sql, params):
        row["status"] = verdicts.STATUS_BY_ACTION[row["action"]] if row["action"] else verdicts.UNREVIEWED
        rows.append(row)
    if filters["status"] in STATUS_LABELS:
        rows = [r for r in rows if r["status"] == filters["status"]]
    if filters["flag"] == "1":
        rows = [r for r in rows if r["flagged"]]
    elif filters["flag"] == "0":
        rows = [r for r in rows if not r["flagged"]]
    return rows, notice


def article_summaries(rows: list[dict]) -> list[dict]:
    """Per article among the rows: figures, unreviewed and flagged counts."""
    out: dict[str, dict] = {}
    for r in rows:
        a = out.setdefault(
            r["article_id"],
            {
                "article_id": r["article_id"],
                "headline": r["headline"],
                "source_outlet": r["source_outlet"],
                "region_name": r["article_region"],
                "document": Path(r["document_path"]).name,
                "figures": 0,
                "unreviewed": 0,
                "flagged": 0,
            },
        )
        a["figures"] += 1
        a["unreviewed"] += r["status"] == verdicts.UNREVIEWED
        a["flagged"] += bool(r["flagged"])
    return sorted(out.values(), key=lambda a: (-a["flagged"], -a["unreviewed"]))


def filter_options(db: sqlite_utils.Database) -> dict:
    regions = db.query(
        "SELECT DISTINCT COALESCE(f.region_code, a.region_code) AS code,"
        " COALESCE(f.region_name, a.region_name) AS name"
        " FROM figures f JOIN articles a ON a.article_id = f.article_id"
        " WHERE COALESCE(f.region_code, a.region_code) IS NOT NULL ORDER BY code"
    )
    labels = verdicts.known_metrics()
    metrics = [r["metric"] for r in db.query("SELECT DISTINCT metric FROM figures ORDER BY metric")]
    outlets = db.query(
        "SELECT DISTINCT source_outlet FROM articles WHERE source_outlet IS NOT NULL ORDER BY source_outlet"
    )
    return {
        "regions": list(regions),
        "metrics": [(m, labels.get(m, m)) for m in metrics],
        "outlets": [r["source_outlet"] for r in outlets],
    }


def article_view(db: sqlite_utils.Database, article_id: str) -> dict | None:
    """Everything the article page shows, or None when the article is not stored."""
    found = list(db.query("SELECT * FROM articles WHERE article_id = ?", [article_id]))
    if not found:
        return None
    article = found[0]
    document = next(db.query("SELECT * FROM documents WHERE document_id = ?", [article["document_id"]]))
    figures = list(db.query("SELECT * FROM figures WHERE article_id = ? ORDER BY idx", [article_id]))
    places = list(db.query("SELECT * FROM places WHERE article_id = ? ORDER BY char_start", [article_id]))
    orgs = list(db.query("SELECT * FROM organizations WHERE article_id = ? ORDER BY char_start", [article_id]))
    blocks = list(db.query("SELECT * FROM blocks WHERE article_id = ? ORDER BY seq", [article_id]))
    fact_ids = [f["fact_id"] for f in figures]
    current = verdicts.current_verdicts(db, fact_ids)
    audit = audit_rows(db, fact_ids)
    checks = checks_by_fact(db, fact_ids, article_id)
    labels = verdicts.known_metrics()
    by_id = {f["fact_id"]: f for f in figures}
    for f in figures:
        verdict = current.get(f["fact_id"])
        f["status"] = verdicts.review_status(verdict)
        f["verdict"] = verdict
        f["shown"] = verdicts.effective_values(f, verdict)
        f["metric_label"] = labels.get(f["metric"], f["metric"])
        f["metric_class"] = metric_class(f["shown"]["metric"])
        f["checks"] = checks.get(f["fact_id"], [])
        f["flagged"] = any(c["verdict"] == "inconsistent" for c in f["checks"])
        f["audit"] = audit.get(f["fact_id"], [])
        f["bbox_list"] = json.loads(f["bbox"]) if f["bbox"] else None
        total = by_id.get(f["part_of"]) if f["part_of"] else None
        f["part_of_idx"] = total["idx"] if total else None
        f["title"] = figure_title(f)
    pages = sorted({f["page"] for f in figures if f["page"] and f["bbox"]})
    return {
        "article": article,
        "document": document,
        "sections": json.loads(article["sections"] or "[]"),
        "blocks": render_blocks(article["text"], blocks, figures, places, orgs),
        "figures": figures,
        "places": places,
        "orgs": orgs,
        "pdf_pages": pages if document["kind"] == "pdf" else [],
        "counts": {s: sum(f["status"] == s for f in figures) for s in STATUS_LABELS},
    }


def figure_title(f: dict) -> str:
    """The hover text of a highlighted figure: what was parsed from it."""
    shown = f["shown"]
    value = format_number(shown["value"])
    if shown["value_max"] is not None:
        value += "–" + format_number(shown["value_max"])
    parts = [
        f"数值：{APPROX_LABELS.get(shown['approx'], shown['approx'])} {value}{shown['unit'] or ''}",
        f"指标：{f['metric_label']}（{shown['metric']}）",
    ]
    if f["subject"]:
        parts.append(f"主体：{f['subject']}")
    if f["time_text"] or f["period_end"]:
        parts.append(f"时间：{f['time_text'] or ''} {f['period_start'] or ''}–{f['period_end'] or ''}".strip())
    if shown["region_name"] or shown["region_code"]:
        parts.append(f"地区：{shown['region_name'] or ''} {shown['region_code'] or ''}".strip())
    parts.append(f"状态：{STATUS_LABELS[f['status']]}")
    return "\n".join(parts)


def audit_rows(db: sqlite_utils.Database, fact_ids: list[str]) -> dict[str, list]:
    out: dict[str, list] = {}
    for fact_id in fact_ids:
        out[fact_id] = verdicts.history(db, fact_id)
    return out


def checks_by_fact(db: sqlite_utils.Database, fact_ids: list[str], article_id: str) -> dict[str, list[dict]]:
    """The checks involving each figure, with links to the other articles and figures."""
    if not fact_ids:
        return {}
    marks = ",".join("?" * len(fact_ids))
    rows = list(
        db.query(
            "SELECT cf.fact_id AS for_fact, c.* FROM check_figures cf JOIN checks c ON c.check_id = cf.check_id"
            f" WHERE cf.fact_id IN ({marks}) ORDER BY c.severity DESC, c.kind",
            fact_ids,
        )
    )
    other_articles = {
        aid for r in rows for aid in json.loads(r["article_ids"] or "[]") if aid != article_id
    }
    headlines = {}
    if other_articles:
        ids = sorted(other_articles)
        headlines = {
            r["article_id"]: r
            for r in db.query(
                "SELECT a.article_id, a.headline, a.source_outlet, d.path FROM articles a"
                " JOIN documents d ON d.document_id = a.document_id"
                f" WHERE a.article_id IN ({','.join('?' * len(ids))})",
                ids,
            )
        }
    out: dict[str, list[dict]] = {}
    for r in rows:
        r["others"] = [
            {
                "article_id": aid,
                "headline": (headlines.get(aid) or {}).get("headline") or "（无标题）",
                "outlet": (headlines.get(aid) or {}).get("source_outlet"),
                "missing": aid not in headlines,
            }
            for aid in json.loads(r["article_ids"] or "[]")
            if aid != article_id
        ]
        r["other_facts"] = [fid for fid in json.loads(r["fact_ids"] or "[]") if fid != r["for_fact"]]
        out.setdefault(r["for_fact"], []).append(r)
    return out


def render_blocks(text: str, blocks: list[dict], figures: list[dict], places: list[dict], orgs: list[dict]) -> list[dict]:
    """The article's blocks, each cut into pieces: plain fragments and highlighted figures.

    A figure is one element whose text is exactly `text[char_start:char_end]`; places and
    organisations mark the fragments they cover (also inside a figure).
    """
    if not blocks:
        blocks, pos = [], 0
        for i, line in enumerate(text.split("\n")):
            blocks.append({"seq": i, "kind": "body", "char_start": pos, "char_end": pos + len(line)})
            pos += len(line) + 1
    spans = []
    last_end = -1
    for f in sorted(figures, key=lambda f: (f["char_start"], f["idx"])):
        if f["char_start"] >= last_end and 0 <= f["char_start"] < f["char_end"] <= len(text):
            spans.append(f)
            last_end = f["char_end"]
    out = []
    for block in blocks:
        start, end = block["char_start"], block["char_end"]
        cuts = {start, end}
        for span in (*spans, *places, *orgs):
            for pos in (span["char_start"], span["char_end"]):
                if start < pos < end:
                    cuts.add(pos)
        cuts = sorted(cuts)
        pieces: list[dict] = []
        for a, b in pairwise(cuts):
            fragment = {
                "figure": None,
                "text": text[a:b],
                "place": next((p for p in places if p["char_start"] <= a and b <= p["char_end"]), None),
                "org": next((o for o in orgs if o["char_start"] <= a and b <= o["char_end"]), None),
            }
            figure = next((f for f in spans if f["char_start"] <= a and b <= f["char_end"]), None)
            if figure is not None:
                if pieces and pieces[-1].get("figure") is figure:
                    pieces[-1]["fragments"].append(fragment)
                else:
                    pieces.append({"figure": figure, "fragments": [fragment]})
            else:
                pieces.append(fragment)
        kind = block["kind"] if block["kind"] in BLOCK_TAGS else "body"
        out.append({"kind": kind, "tag": BLOCK_TAGS[kind], "pieces": pieces})
    return out


def render_page(path: Path, number: int, boxes: list[dict], fact: str | None) -> bytes:
    """PNG of one PDF page with every figure box drawn, the selected figure's box in red.

    pdfium is not thread-safe, hence the lock.
    """
    import pdfplumber

    with _render_lock, pdfplumber.open(path) as pdf:
        if not 1 <= number <= len(pdf.pages):
            raise IndexError(number)
        page = pdf.pages[number - 1]
        image = page.to_image(resolution=PAGE_RESOLUTION)
        for row in boxes:
            bbox = tuple(json.loads(row["bbox"]))
            if row["fact_id"] == fact:
                continue
            image.draw_rect(bbox, fill=(255, 200, 0, 60), stroke=(200, 140, 0, 200), stroke_width=1)
        for row in boxes:
            if row["fact_id"] == fact:
                image.draw_rect(
                    tuple(json.loads(row["bbox"])), fill=(255, 0, 0, 50), stroke=(255, 0, 0, 255), stroke_width=3
                )
        buf = io.BytesIO()
        image.save(buf, format="PNG")
        return buf.getvalue()
