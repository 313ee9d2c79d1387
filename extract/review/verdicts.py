"""Editors' verdicts on figures: validate, append to `reviews`, derive the current verdict.

`reviews` is an append-only audit table keyed by `fact_id` (stable across re-ingests), never
by a row of `figures`, so a verdict outlives the extraction it was given on. The current
verdict of a figure is its latest review row, i.e. the one with the highest `review_id`
(`store.CURRENT_REVIEWS_SQL`); every reader (web page, exports) derives it the same way.
"""

from __future__ import annotations

import json
import math
import re
from datetime import datetime
from typing import get_args

import sqlite_utils

from extract import store
from extract.gazetteer import region_ref
from schemas import Approx, Correction, Review, ReviewAction

STATUS_BY_ACTION = {
    ReviewAction.confirm: "confirmed",
    ReviewAction.correct: "corrected",
    ReviewAction.reject: "rejected",
}
UNREVIEWED = "unreviewed"
STATUSES = (UNREVIEWED, *STATUS_BY_ACTION.values())

EDITABLE = ("value", "value_max", "unit", "approx", "metric", "region_code")
SNAPSHOT = (*EDITABLE, "region_name", "subject", "surface", "quote", "article_id", "document_id")
"""Figure columns kept in `before`: the editable values plus what identifies an orphan later."""

REGION_CODE = re.compile(r"\d{6}")
MAX_UNIT_CHARS = 12
MAX_NOTE_CHARS = 2000
MAX_REVIEWER_CHARS = 40


class VerdictError(ValueError):
    """A verdict that cannot be recorded; the message is Chinese, for the editor."""


class UnknownFigure(LookupError):
    """No figure with this fact_id is stored (any more)."""


def known_metrics() -> dict[str, str]:
    """Metric code -> Chinese label, from the taxonomy in `schemas`."""
    from schemas.taxonomy import load_taxonomy

    return {m.code: m.label for m in load_taxonomy()} | {"other": "其他"}


def validate_correction(correction: Correction, figure: dict) -> dict:
    """The figure's editable values after the correction; VerdictError if they are invalid.

    Same rules as for extracted figures: a finite non-negative value, a range that does not
    run backwards, an approximation from the model's Literal, a metric of the taxonomy and a
    six-digit region code (known to the gazetteer when one is installed).
    """
    given = correction.model_dump(exclude_unset=True)
    after = {k: figure.get(k) for k in EDITABLE}
    after["region_name"] = figure.get("region_name")
    for key, value in given.items():
        if isinstance(value, str):
            value = value.strip() or None
        after[key] = value
    for key in ("value", "value_max"):
        if after[key] is not None and (not math.isfinite(after[key]) or after[key] < 0):
            raise VerdictError("数值必须是有限的非负数")
    if after["value"] is None:
        raise VerdictError("数值不能为空")
    if after["value_max"] is not None and after["value_max"] < after["value"]:
        raise VerdictError("区间上限不能小于数值")
    if after["approx"] not in get_args(Approx):
        raise VerdictError("精确度必须是 exact、at_least、at_most 或 about 之一")
    if after["metric"] not in known_metrics():
        raise VerdictError(f"未知的指标代码：{after['metric']}")
    if after["unit"] is not None and len(after["unit"]) > MAX_UNIT_CHARS:
        raise VerdictError(f"单位过长（最多 {MAX_UNIT_CHARS} 个字符）")
    if after["region_code"] != figure.get("region_code"):
        after["region_name"] = _checked_region(after["region_code"])
    if all(after[k] == figure.get(k) for k in EDITABLE):
        raise VerdictError("更正没有改变任何字段；如数字无误请选择“确认”")
    return after


def _checked_region(code: str | None) -> str | None:
    if code is None:
        return None
    if not REGION_CODE.fullmatch(code):
        raise VerdictError("地区代码必须是六位数字（GB/T 2260）")
    ref = region_ref(code)
    if ref is None:
        raise VerdictError(f"行政区划代码 {code} 不存在")
    return ref.name


def figure_row(db: sqlite_utils.Database, fact_id: str) -> dict | None:
    rows = list(db.query("SELECT * FROM figures WHERE fact_id = ?", [fact_id]))
    return rows[0] if rows else None


def effective_values(figure: dict, current: Review | None) -> dict:
    """The figure's values as the editors see them now: extracted, or as last corrected.

    Only a current correction overrides the extraction (exports apply the same rule), so a
    confirm given after a correction confirms the extracted values; its `after` says so.
    """
    values = {k: figure.get(k) for k in (*EDITABLE, "region_name")}
    if current is not None and current.action == ReviewAction.correct:
        values.update({k: v for k, v in current.after.items() if k in values})
    return values


def record_verdict(
    db: sqlite_utils.Database,
    fact_id: str,
    action: ReviewAction | str,
    reviewer: str,
    correction: Correction | None = None,
    note: str | None = None,
) -> Review:
    """Validate a verdict on a stored figure and append it to `reviews`.

    Raises UnknownFigure when the figure is not stored and VerdictError (Chinese message)
    for an invalid verdict; in both cases nothing is written.
    """
    try:
        action = ReviewAction(action)
    except ValueError as error:
        raise VerdictError("未知的审核操作（应为确认、更正或否决）") from error
    reviewer = (reviewer or "").strip()
    if not reviewer:
        raise VerdictError("请先填写审核人姓名")
    if len(reviewer) > MAX_REVIEWER_CHARS:
        raise VerdictError(f"审核人姓名过长（最多 {MAX_REVIEWER_CHARS} 个字符）")
    note = (note or "").strip() or None
    if note is not None and len(note) > MAX_NOTE_CHARS:
        raise VerdictError(f"备注过长（最多 {MAX_NOTE_CHARS} 个字符）")
    figure = figure_row(db, fact_id)
    if figure is None:
        raise UnknownFigure(fact_id)
    current = current_verdicts(db, [fact_id]).get(fact_id)
    before = {k: figure.get(k) for k in SNAPSHOT} | effective_values(figure, current)
    if action == ReviewAction.correct:
        if correction is None:
            raise VerdictError("更正时至少要修改一个字段")
        after = validate_correction(correction, before)
    elif action == ReviewAction.reject:
        if note is None:
            raise VerdictError("否决时请填写理由")
        after = {}
    else:
        after = {k: figure.get(k) for k in (*EDITABLE, "region_name")}
    stamp = store.now()
    with db.atomic():
        cursor = db.execute(
            "INSERT INTO reviews (fact_id, action, reviewer, created_at, before, after, note) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                fact_id,
                action.value,
                reviewer,
                stamp,
                json.dumps(before, ensure_ascii=False),
                json.dumps(after, ensure_ascii=False),
                note,
            ],
        )
    return Review(
        review_id=cursor.lastrowid,
        fact_id=fact_id,
        action=action,
        reviewer=reviewer,
        created_at=datetime.fromisoformat(stamp),
        before=before,
        after=after,
        note=note,
    )


def _review(row: dict) -> Review:
    return Review(
        review_id=row["review_id"],
        fact_id=row["fact_id"],
        action=ReviewAction(row["action"]),
        reviewer=row["reviewer"],
        created_at=datetime.fromisoformat(row["created_at"]),
        before=json.loads(row["before"] or "{}"),
        after=json.loads(row["after"] or "{}"),
        note=row["note"],
    )


def current_verdicts(db: sqlite_utils.Database, fact_ids: list[str] | None = None) -> dict[str, Review]:
    """fact_id -> its current (latest) verdict; figures never reviewed are absent."""
    if fact_ids is None:
        rows = db.query(store.CURRENT_REVIEWS_SQL)
    else:
        rows = []
        for i in range(0, len(fact_ids), 500):
            chunk = fact_ids[i : i + 500]
            rows.extend(
                db.query(
                    f"{store.CURRENT_REVIEWS_SQL} AND fact_id IN ({','.join('?' * len(chunk))})", chunk
                )
            )
    return {row["fact_id"]: _review(row) for row in rows}


def review_status(verdict: Review | None) -> str:
    """unreviewed | confirmed | corrected | rejected: the export's `review_status`."""
    return UNREVIEWED if verdict is None else STATUS_BY_ACTION[verdict.action]


def current_status(db: sqlite_utils.Database, fact_id: str) -> str:
    """The review status of one figure, derived from its latest review."""
    return review_status(current_verdicts(db, [fact_id]).get(fact_id))


def history(db: sqlite_utils.Database, fact_id: str) -> list[Review]:
    """Every verdict given on a figure, oldest first (the audit trail)."""
    return [
        _review(r)
        for r in db.query("SELECT * FROM reviews WHERE fact_id = ? ORDER BY review_id", [fact_id])
    ]


def orphaned_verdicts(db: sqlite_utils.Database) -> list[Review]:
    """Current verdicts whose figure is no longer extracted; kept, never deleted."""
    rows = db.query(
        f"SELECT v.* FROM ({store.CURRENT_REVIEWS_SQL}) v "
        "WHERE NOT EXISTS (SELECT 1 FROM figures f WHERE f.fact_id = v.fact_id) "
        "ORDER BY v.review_id DESC"
    )
    return [_review(r) for r in rows]
