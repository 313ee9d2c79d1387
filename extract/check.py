"""Stage 6: cross-checks over the stored figures, stored as rows that point at the figures.

Kinds: parts vs total, conflicting reports of one figure, a cumulative figure that falls,
impossible values, and reprints (one story from several outlets, linked so that its figures
count once). Checks see the figures as editors left them: a rejected figure is ignored and a
corrected one is checked with its corrected values.

`run_checks` is idempotent: a check's id comes from its kind and the figures (for reprints:
the articles) involved; an unchanged check keeps its row and `created_at`, a changed one is
rewritten, and checks that no longer hold are deleted.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from itertools import combinations, pairwise

import sqlite_utils

from extract import store
from extract.reprints import ArticleText, ReprintGroup, find_reprints
from schemas import Check, CheckKind, Severity

# --- data tables ----------------------------------------------------------------------

UNIT_CLASSES: dict[str, str] = {
    "人": "people", "名": "people", "位": "people", "个人": "people",
    "人次": "person_times", "次人": "person_times",
    "户": "households", "家庭": "households",
    "家": "units", "个": "units", "所": "units", "座": "units", "处": "units", "支": "units",
    "次": "times", "场": "times", "场次": "times", "轮": "times",
    "期": "sessions", "班": "sessions",
    "项": "items", "件": "items", "条": "items",
    "%": "percent", "％": "percent", "个百分点": "points",
    "元": "money", "万元": "money", "亿元": "money",
}
"""Units counting the same kind of thing; figures in different classes are never compared."""

UNIT_MULTIPLIERS = {"十": 10, "百": 100, "千": 1_000, "万": 10_000, "亿": 100_000_000}
"""A unit written with a multiplier (`万人`, `万元`) scales the value before comparing."""

COUNT_CLASSES = {"people", "person_times", "households", "units", "times", "sessions", "items"}
"""Classes that count whole things: never negative, never fractional."""

COUNT_CEILINGS: dict[str, float] = {
    "people": 1.5e9,
    "households": 6e8,
    "units": 5e7,
    "sessions": 1e7,
}
"""Above these a count is absurd for its unit (China has ~1.41e9 people, ~4.9e8 households)."""

BOUNDED_METRIC_SUFFIXES = (".coverage", ".rate", ".share", ".ratio")
BOUNDED_WORDS = (
    "覆盖率", "覆盖", "占比", "比例", "比重", "达标率", "完成率", "满意度", "满意率", "入住率",
    "参保率", "知晓率", "合格率", "通过率", "持证率", "到位率", "建成率", "普及率", "全覆盖",
)
"""A percentage of these is a share of a whole and cannot exceed 100 %."""
GROWTH_WORDS = ("增长", "增加", "提高", "提升", "上升", "同比", "环比", "增幅", "翻")
"""A percentage after these is a change, which may exceed 100 %."""

APPROX_REL_MIN = 0.1
APPROX_REL_MAX = 0.3
"""An approximate value (`余`, `约`, `近`, `不足`) may be off by one step of its last written
digit (40余 -> up to 50, 7000余 -> up to 8000), at least 10 % and at most 30 % of the value."""

SAME_REPORT_DAYS = 7
"""Figures dated only by their documents count as one period when published this close."""

EPSILON = 1e-6

KIND_ORDER = list(CheckKind)
KIND_LABELS = {
    CheckKind.parts_sum: "分项与总数",
    CheckKind.conflict: "同一数据报道不一致",
    CheckKind.cumulative_decrease: "累计数下降",
    CheckKind.impossible_value: "不可能的数值",
    CheckKind.reprint: "转载（同一稿件）",
}
APPROX_MARKS = {"at_least": ("", "余"), "about": ("约", ""), "at_most": ("不足", ""), "exact": ("", "")}
REVIEW_STATUS = {"confirm": "confirmed", "correct": "corrected", "reject": "rejected"}
CORRECTABLE = (
    "metric", "subject", "value", "value_max", "unit", "value_yuan", "approx", "region_code",
    "region_name", "time_text", "period_start", "period_end", "organization",
)


# --- figures as the checks and exports see them ----------------------------------------


@dataclass
class FigureView:
    """A stored figure with its article and document, and the editors' latest verdict applied."""

    fact_id: str
    article_id: str
    document_id: str
    document_path: str
    published: date | None
    headline: str | None
    source_outlet: str | None
    idx: int
    metric: str
    subject: str | None
    value: float
    value_max: float | None
    unit: str | None
    value_yuan: float | None
    approx: str
    part_of: str | None
    time_text: str | None
    period_start: date | None
    period_end: date | None
    cumulative: bool
    organization: str | None
    region_code: str | None
    region_name: str | None
    quote: str
    char_start: int
    char_end: int
    page: int | None
    bbox: list[float] | None
    in_headline: bool
    updated_at: str | None
    review_status: str = "unreviewed"
    reviewed_at: str | None = None

    @property
    def as_of(self) -> date | None:
        """The date the figure describes: its period end, else its document's date."""
        return self.period_end or self.published


def parse_time(text: str | None) -> datetime | None:
    """An ISO timestamp or date as an aware UTC datetime (naive values are taken as UTC)."""
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def _headline_spans(db: sqlite_utils.Database) -> dict[str, list[tuple[int, int]]]:
    spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for row in db.query("SELECT article_id, char_start, char_end FROM blocks WHERE kind = 'headline'"):
        spans[row["article_id"]].append((row["char_start"], row["char_end"]))
    return spans


FIGURES_SQL = """
SELECT f.*, a.headline AS headline, a.source_outlet AS source_outlet,
       a.region_code AS article_region_code, a.region_name AS article_region_name,
       d.path AS document_path, d.published AS published
FROM figures f
JOIN articles a ON a.article_id = f.article_id
JOIN documents d ON d.document_id = f.document_id
ORDER BY d.path, a.seq, f.idx
"""


def current_figures(db: sqlite_utils.Database) -> list[FigureView]:
    """Every stored figure, with the latest review applied (rejected ones included, marked).

    A figure without a region of its own takes its article's region.
    """
    reviews = store.latest_reviews(db)
    headlines = _headline_spans(db)
    views = []
    for row in db.query(FIGURES_SQL):
        own_region = bool(row["region_code"])
        view = FigureView(
            **{name: row[name] for name in VIEW_COLUMNS},
            published=_date(row["published"]),
            period_start=_date(row["period_start"]),
            period_end=_date(row["period_end"]),
            cumulative=bool(row["cumulative"]),
            region_code=row["region_code"] if own_region else row["article_region_code"],
            region_name=row["region_name"] if own_region else row["article_region_name"],
            bbox=json.loads(row["bbox"]) if row["bbox"] else None,
            in_headline=any(s <= row["char_start"] < e for s, e in headlines.get(row["article_id"], [])),
        )
        review = reviews.get(view.fact_id)
        views.append(apply_review(view, review) if review else view)
    return views


VIEW_COLUMNS = (
    "fact_id", "article_id", "document_id", "document_path", "headline", "source_outlet", "idx",
    "metric", "subject", "value", "value_max", "unit", "value_yuan", "approx", "part_of",
    "time_text", "organization", "quote", "char_start", "char_end", "page", "updated_at",
)
"""FigureView fields read from the row as they are stored; the others are converted."""


def apply_review(view: FigureView, review: dict) -> FigureView:
    """The figure as the editor's verdict leaves it; a correction overrides the fields it names."""
    status = REVIEW_STATUS.get(review["action"], "unreviewed")
    changed = replace(view, review_status=status, reviewed_at=review["created_at"])
    if review["action"] != "correct" or not review["after"]:
        return changed
    try:
        after = json.loads(review["after"])
    except json.JSONDecodeError:
        return changed
    if not isinstance(after, dict):
        return changed
    updates = {k: v for k, v in after.items() if k in CORRECTABLE}
    if "value" in updates and "value_yuan" not in updates and view.value_yuan and view.value:
        updates["value_yuan"] = view.value_yuan * float(updates["value"]) / view.value
    if "region_code" in updates and "region_name" not in updates and updates["region_code"] != view.region_code:
        updates["region_name"] = region_name_of(updates["region_code"])
    for key in ("period_start", "period_end"):
        if key in updates:
            updates[key] = _date(updates[key])
    return replace(changed, **updates)


def region_name_of(code: str | None) -> str | None:
    """Official name of a region code from the gazetteer, None when unknown."""
    if not code:
        return None
    try:
        from extract.gazetteer import region_ref
    except ImportError:
        return None
    ref = region_ref(code)
    return ref.name if ref else None


# --- quantities -------------------------------------------------------------------------


def unit_class(unit: str | None) -> tuple[str | None, float]:
    """(class, multiplier) of a unit as written: `万人` -> ("people", 10000)."""
    if not unit:
        return None, 1.0
    unit = unit.strip()
    if unit in UNIT_CLASSES:
        scale = UNIT_MULTIPLIERS.get(unit[0], 1) if UNIT_CLASSES[unit] == "money" and len(unit) > 1 else 1
        return UNIT_CLASSES[unit], float(scale)
    if unit[0] in UNIT_MULTIPLIERS and unit[1:] in UNIT_CLASSES:
        return UNIT_CLASSES[unit[1:]], float(UNIT_MULTIPLIERS[unit[0]])
    return unit, 1.0


def magnitude(f: FigureView) -> tuple[str | None, float, float]:
    """(unit class, low, high) of the value as written, scaled by the unit's multiplier."""
    cls, scale = unit_class(f.unit)
    if cls == "money" and f.value_yuan is not None and f.value:
        scale = f.value_yuan / f.value
    high = f.value_max if f.value_max is not None else f.value
    return cls, f.value * scale, high * scale


def compatible(a: str | None, b: str | None) -> bool:
    """Same unit class; a missing unit matches any count (not a percentage or money)."""
    if a == b:
        return True
    loose = {"percent", "money", "points"}
    return (a is None and b not in loose) or (b is None and a not in loose)


def tolerance(value: float) -> float:
    """How far an approximate value may be from what it rounds (see APPROX_REL_*)."""
    value = abs(value)
    if value == 0:
        return 0.0
    step = 1.0
    if value == int(value):
        number = int(value)
        while number and number % 10 == 0:
            number //= 10
            step *= 10
    return max(APPROX_REL_MIN * value, min(step, APPROX_REL_MAX * value))


def interval(f: FigureView) -> tuple[float, float]:
    """The values the figure allows, given its approximation word."""
    _, low, high = magnitude(f)
    if f.approx == "at_least":
        return low, high + tolerance(high)
    if f.approx == "at_most":
        return low - tolerance(low), high
    if f.approx == "about":
        return low - tolerance(low), high + tolerance(high)
    return low, high


def overlaps(a: tuple[float, float], b: tuple[float, float]) -> bool:
    slack = EPSILON * max(1.0, abs(a[1]), abs(b[1]))
    return a[0] <= b[1] + slack and b[0] <= a[1] + slack


def num(value: float) -> str:
    """A number for an explanation: no trailing `.0`, at most four decimals."""
    if value == int(value):
        return str(int(value))
    return f"{value:.4f}".rstrip("0").rstrip(".")


def shown(f: FigureView, with_unit: bool = True) -> str:
    """The figure as an editor reads it: `40余名`, `约1000人`, `15-20%`."""
    before, after = APPROX_MARKS.get(f.approx, ("", ""))
    text = num(f.value) + (f"-{num(f.value_max)}" if f.value_max is not None else "")
    return f"{before}{text}{after}{(f.unit or '') if with_unit else ''}"


def label(f: FigureView) -> str:
    return f.subject or f.metric


def where(f: FigureView) -> str:
    return f.region_name or f.region_code or "地区不明"


# --- check construction --------------------------------------------------------------


def check_id_for(kind: str, ids: Iterable[str]) -> str:
    """Deterministic id from the kind and the set of figures (or articles) involved."""
    key = kind + "|" + ",".join(sorted(set(ids)))
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def make_check(
    kind: CheckKind,
    severity: Severity,
    verdict: str,
    figures: list[FigureView],
    explanation: str,
    details: dict,
    *,
    article_ids: list[str] | None = None,
    id_keys: list[str] | None = None,
) -> Check:
    fact_ids = list(dict.fromkeys(f.fact_id for f in figures))
    articles = article_ids or list(dict.fromkeys(f.article_id for f in figures))
    head = figures[0] if figures else None
    return Check(
        check_id=check_id_for(kind.value, id_keys or fact_ids),
        kind=kind,
        severity=severity,
        verdict=verdict,
        fact_ids=fact_ids,
        article_ids=articles,
        region_code=head.region_code if head else None,
        metric=head.metric if head else None,
        explanation=explanation,
        details=details,
    )


def _figure_detail(f: FigureView) -> dict:
    return {
        "fact_id": f.fact_id,
        "value": f.value,
        "value_max": f.value_max,
        "unit": f.unit,
        "approx": f.approx,
        "quote": f.quote,
        "document_path": f.document_path,
        "article_id": f.article_id,
    }


# --- parts vs total --------------------------------------------------------------------


def parts_sum_checks(figures: list[FigureView]) -> list[Check]:
    """Parts (`其中` …) against their total: equal, a subset below it, or more than it."""
    by_id = {f.fact_id: f for f in figures}
    parts: dict[str, list[FigureView]] = defaultdict(list)
    for f in figures:
        if f.part_of and f.part_of in by_id:
            parts[f.part_of].append(f)
    checks = []
    for total_id, members in parts.items():
        total = by_id[total_id]
        cls = magnitude(total)[0]
        addable = [p for p in members if compatible(magnitude(p)[0], cls)]
        if addable:
            checks.append(_parts_check(total, sorted(addable, key=lambda p: p.idx)))
    return checks


def _in_unit_of(f: FigureView, total: FigureView) -> str:
    """A part's value written in its total's unit (`158万元` of a total in 元 -> `1580000`)."""
    scale = magnitude(total)[1] / total.value if total.value else 1.0
    before, after = APPROX_MARKS.get(f.approx, ("", ""))
    return f"{before}{num(magnitude(f)[1] / scale)}{after}"


def _parts_check(total: FigureView, parts: list[FigureView]) -> Check:
    """Compared in scaled units with approximation intervals; explained in the total's unit."""
    _, t_value, _ = magnitude(total)
    scale = t_value / total.value if total.value else 1.0
    t_low, t_high = interval(total)
    lows, highs = zip(*(interval(p) for p in parts), strict=True)
    s_low, s_high = sum(lows), sum(highs)
    s_value = sum(magnitude(p)[1] for p in parts)
    items = [_in_unit_of(p, total) for p in parts]
    expr = "+".join(items) + (f"={num(s_value / scale)}" if len(items) > 1 else "")
    approx = any(f.approx != "exact" for f in [total, *parts])
    head = (f"{where(total)}" if total.region_code else "") + f"{label(total)}{shown(total)}："
    details = {
        "total": _figure_detail(total),
        "parts": [_figure_detail(p) for p in parts],
        "sum": s_value / scale,
        "approximate": approx,
    }
    slack = EPSILON * max(1.0, abs(t_high))
    total_text = shown(total, with_unit=False)
    if s_low > t_high + slack:
        details["excess"] = (s_value - t_value) / scale
        text = (
            f"{head}分项之和 {expr}，超过总数 {total_text}"
            f"（多出 {num((s_value - t_value) / scale)}），分项与总数矛盾"
        )
        return make_check(CheckKind.parts_sum, Severity.error, "inconsistent", [total, *parts], text, details)
    if s_high + slack >= t_low:
        if approx and abs(s_value - t_value) > slack:
            text = f"{head}分项之和 {expr}，与总数 {total_text} 在约数允许范围内一致"
        else:
            text = f"{head}分项之和 {expr}，与总数 {total_text} 一致"
        details["remainder"] = 0
    else:
        remainder = (t_value - s_value) / scale
        details["remainder"] = remainder
        listed = "列出的分项" if len(items) > 1 else "列出的分项只有"
        text = (
            f"{head}{listed} {expr}，少于总数 {total_text}，"
            f"其余{'约' if approx else ''} {num(remainder)} 未逐项列出（分项只是一部分，一致）"
        )
    return make_check(CheckKind.parts_sum, Severity.info, "consistent", [total, *parts], text, details)


# --- conflicts -----------------------------------------------------------------------


def _group_key(f: FigureView) -> tuple | None:
    """Figures that could report the same quantity share this key; None: never compared."""
    if f.metric == "other" or not f.region_code or f.part_of:
        return None
    return (f.metric, f.region_code, magnitude(f)[0] or "")


def same_period(a: FigureView, b: FigureView) -> bool:
    """Same reporting period: equal explicit periods, or (undated) close publication dates.

    Two reports of which one has no date at all cannot be shown to be about the same time,
    so they are not compared (an editor would only be sent chasing a non-conflict).
    """
    if a.period_start and b.period_start and a.period_start != b.period_start:
        return False
    if a.as_of is None or b.as_of is None:
        return False
    if a.period_end and b.period_end:
        return a.period_end == b.period_end
    if a.as_of != b.as_of and a.cumulative and b.cumulative:
        return False
    return abs((a.as_of - b.as_of).days) <= SAME_REPORT_DAYS


def comparable(a: FigureView, b: FigureView, story: dict[str, str]) -> bool:
    """Two articles of different stories, or the headline against the body of one article."""
    if a.article_id == b.article_id:
        return a.in_headline != b.in_headline
    return story.get(a.article_id, a.article_id) != story.get(b.article_id, b.article_id)


def same_quantity(a: FigureView, b: FigureView) -> bool:
    """Both report one quantity at one time.

    A headline condenses its body and drops its time words and `累计`: a headline figure
    without a period of its own stands for the body figure's period. Between articles the
    period must match and a cumulative total is never compared with a period's count.
    """
    if a.article_id == b.article_id:
        return not (a.period_end and b.period_end and a.period_end != b.period_end)
    return a.cumulative == b.cumulative and same_period(a, b)


def conflict_checks(figures: list[FigureView], story: dict[str, str]) -> list[Check]:
    """One check per set of figures that report one quantity with incompatible values."""
    groups: dict[tuple, list[FigureView]] = defaultdict(list)
    for f in figures:
        key = _group_key(f)
        if key:
            groups[key].append(f)
    pairs: dict[frozenset, dict[str, FigureView]] = defaultdict(dict)
    for members in groups.values():
        for a, b in combinations(members, 2):
            if comparable(a, b, story) and same_quantity(a, b) and not overlaps(interval(a), interval(b)):
                key = frozenset({_report(a, story), _report(b, story)})
                pairs[key].update({a.fact_id: a, b.fact_id: b})
    return [
        _conflict_check(sorted(found.values(), key=lambda f: (f.document_path, f.char_start)), story)
        for found in pairs.values()
    ]


def _report(f: FigureView, story: dict[str, str]) -> tuple:
    """One report of a value: copies of one story that give the same value are one report."""
    return (story.get(f.article_id, f.article_id), f.in_headline, f.value, f.value_max, f.unit, f.approx)


def _source_of(f: FigureView) -> str:
    place = "标题" if f.in_headline else "正文"
    outlet = f.source_outlet or f.headline or f.article_id
    return f"{outlet}{place}，{f.document_path}"


def _conflict_check(figures: list[FigureView], story: dict[str, str]) -> Check:
    first = figures[0]
    stories = {story.get(f.article_id, f.article_id) for f in figures}
    one_article = len(stories) == 1
    period = first.time_text or (first.as_of.isoformat() if first.as_of else "日期不明")
    if one_article:
        heads = [f for f in figures if f.in_headline]
        bodies = [f for f in figures if not f.in_headline]
        text = (
            f"{where(first)}{label(first)}：标题称 {'、'.join(dict.fromkeys(shown(f) for f in heads))}，"
            f"正文却为 {'、'.join(dict.fromkeys(shown(f) for f in bodies))}，超出约数允许范围，标题与正文矛盾"
        )
    else:
        values = "；".join(f"{shown(f)}（{_source_of(f)}）" for f in figures)
        text = (
            f"{where(first)}{label(first)}（{period}）在 {len(stories)} 篇报道中数值不同：{values}，"
            f"超出约数允许范围"
        )
    details = {
        "figures": [_figure_detail(f) | {"in_headline": f.in_headline} for f in figures],
        "stories": sorted(stories),
        "period": period,
    }
    return make_check(CheckKind.conflict, Severity.warning, "inconsistent", figures, text, details)


# --- cumulative figures over time ------------------------------------------------------


def cumulative_checks(figures: list[FigureView], story: dict[str, str]) -> list[Check]:
    """A `累计` figure lower than the same cumulative figure in the previous (earlier) report."""
    groups: dict[tuple, list[FigureView]] = defaultdict(list)
    for f in figures:
        if f.cumulative and f.as_of and f.metric != "other" and f.region_code and not f.part_of:
            groups[(f.metric, f.region_code, magnitude(f)[0] or "", f.period_start)].append(f)
    pairs: dict[tuple, tuple[list[FigureView], list[FigureView]]] = {}
    for members in groups.values():
        dates = sorted({f.as_of for f in members})
        for earlier_date, later_date in pairwise(dates):
            earlier = [f for f in members if f.as_of == earlier_date]
            later = [f for f in members if f.as_of == later_date]
            for a in earlier:
                for b in later:
                    story_a, story_b = story.get(a.article_id, a.article_id), story.get(b.article_id, b.article_id)
                    if story_a != story_b and interval(b)[1] < interval(a)[0] - EPSILON:
                        olds, news = pairs.setdefault((story_a, story_b, shown(a), shown(b)), ([], []))
                        olds.extend(f for f in [a] if f not in olds)
                        news.extend(f for f in [b] if f not in news)
    return [_decrease_check(olds, news) for olds, news in pairs.values()]


def _decrease_check(olds: list[FigureView], news: list[FigureView]) -> Check:
    """One falling cumulative figure, over every copy of the earlier and the later story."""
    a, b = olds[0], news[0]
    drop = magnitude(a)[1] - magnitude(b)[1]
    text = (
        f"{where(a)}{label(a)}是累计数，却从 {a.as_of.isoformat()} 的 {shown(a)}"
        f"（{a.document_path}）降到 {b.as_of.isoformat()} 的 {shown(b)}（{b.document_path}），"
        f"减少 {num(drop)}；累计数不应下降"
    )
    copies = len(olds) + len(news) - 2
    if copies:
        text += f"（两篇报道另有 {copies} 个转载版本，数字相同）"
    details = {"earlier": _figure_detail(a), "later": _figure_detail(b), "drop": drop}
    return make_check(CheckKind.cumulative_decrease, Severity.warning, "inconsistent", [*olds, *news], text, details)


# --- impossible values -----------------------------------------------------------------


def bounded_share(f: FigureView) -> bool:
    """A percentage that is a share of a whole (coverage, 占比), not a change (增长)."""
    if magnitude(f)[0] != "percent":
        return False
    clause = f.quote or ""
    number_at = clause.find(num(f.value))
    before = clause[:number_at] if number_at >= 0 else clause
    if any(word in before[-8:] for word in GROWTH_WORDS):
        return False
    if f.metric.endswith(BOUNDED_METRIC_SUFFIXES):
        return True
    return any(word in (f.subject or "") or word in before for word in BOUNDED_WORDS)


PER_HEAD = re.compile(r"每[十百千万]?[人户名位]|人均|户均|平均")
"""A ratio per head (`每万人拥有社会组织5.1个`) may be fractional even in a count unit."""


def impossible_reasons(f: FigureView) -> list[str]:
    """Why one figure's value cannot be true on its own, in Chinese; empty when it can."""
    cls, low, high = magnitude(f)
    reasons = []
    if bounded_share(f) and interval(f)[0] > 100 + EPSILON:
        reasons.append(f"{label(f)} {shown(f)} 超过 100%")
    if cls in COUNT_CLASSES or (cls is None and f.metric != "other"):
        if low < 0:
            reasons.append(f"{label(f)} 为负数 {shown(f)}，计数不能为负")
        scale = unit_class(f.unit)[1]
        per_head = PER_HEAD.search(f.quote or "")
        if scale == 1 and cls in COUNT_CLASSES and not per_head and not math.isclose(f.value, round(f.value)):
            reasons.append(f"{label(f)} {shown(f)} 不是整数，该单位只能计整数")
    ceiling = COUNT_CEILINGS.get(cls or "")
    if ceiling and high > ceiling:
        reasons.append(f"{label(f)} {shown(f)} 超过该单位的合理上限 {num(ceiling)}")
    return reasons


def impossible_checks(figures: list[FigureView]) -> list[Check]:
    """Impossible single values, and a part larger than its own total."""
    by_id = {f.fact_id: f for f in figures}
    checks = []
    for f in figures:
        reasons = impossible_reasons(f)
        if reasons:
            text = f"{where(f)}：" + "；".join(reasons)
            details = {"figure": _figure_detail(f), "reasons": reasons}
            checks.append(make_check(CheckKind.impossible_value, Severity.error, "inconsistent", [f], text, details))
        total = by_id.get(f.part_of or "")
        if total and compatible(magnitude(f)[0], magnitude(total)[0]) and interval(f)[0] > interval(total)[1] + EPSILON:
            text = (
                f"{where(total)}：分项 {label(f)} {shown(f)} 大于它所属的总数 "
                f"{label(total)} {shown(total)}"
            )
            details = {"part": _figure_detail(f), "total": _figure_detail(total)}
            checks.append(
                make_check(CheckKind.impossible_value, Severity.error, "inconsistent", [f, total], text, details)
            )
    return checks


# --- reprints --------------------------------------------------------------------------


@dataclass
class ArticleInfo:
    article_id: str
    document_id: str
    document_path: str
    published: date | None
    headline: str | None
    source_outlet: str | None
    text: str
    figures: list[FigureView] = field(default_factory=list)


def load_articles(db: sqlite_utils.Database) -> dict[str, ArticleInfo]:
    rows = db.query(
        "SELECT a.article_id, a.document_id, a.headline, a.source_outlet, a.text, "
        "d.path, d.published FROM articles a JOIN documents d ON d.document_id = a.document_id"
    )
    return {
        r["article_id"]: ArticleInfo(
            r["article_id"], r["document_id"], r["path"], _date(r["published"]),
            r["headline"], r["source_outlet"], r["text"],
        )
        for r in rows
    }


def canonical_article(group: ReprintGroup, articles: dict[str, ArticleInfo]) -> str:
    """The first-published copy (undated copies last), ties broken by id: the story's id."""
    def key(aid: str):
        published = articles[aid].published if aid in articles else None
        return (published is None, published or date.min, aid)

    return min(group.article_ids, key=key)


def story_ids(groups: list[ReprintGroup], articles: dict[str, ArticleInfo]) -> dict[str, str]:
    """article_id -> story id (the canonical copy) for every reprinted article."""
    out = {}
    for group in groups:
        canonical = canonical_article(group, articles)
        for aid in group.article_ids:
            out[aid] = canonical
    return out


def _masked_bigrams(quote: str) -> set[str]:
    """Character bigrams of a quote with every number replaced by `#`: a copy's changed
    number must not hide that it is the same clause."""
    masked = re.sub(r"[0-9０-９.,，]+", "#", quote)
    return {masked[i : i + 2] for i in range(len(masked) - 1)}


def _counterpart(f: FigureView, candidates: list[FigureView]) -> FigureView | None:
    """The same figure in a reprint: same metric, the most similar quote."""
    grams = _masked_bigrams(f.quote)
    scored = []
    for g in candidates:
        if g.metric != f.metric or not compatible(magnitude(f)[0], magnitude(g)[0]):
            continue
        other = _masked_bigrams(g.quote)
        overlap = round(len(grams & other) / max(1, len(grams | other)), 3)
        scored.append(((overlap, g.subject == f.subject, -abs(g.idx - f.idx)), g))
    if not scored:
        return None
    score, best = max(scored, key=lambda pair: pair[0])
    return best if score[0] >= 0.5 else None


def reprint_checks(groups: list[ReprintGroup], articles: dict[str, ArticleInfo]) -> list[Check]:
    """One `linked` check per story; copies whose numbers differ are listed (severity warning)."""
    checks = []
    for group in groups:
        canonical = canonical_article(group, articles)
        members = [articles[a] for a in group.article_ids if a in articles]
        original = articles[canonical]
        differences = []
        for copy in members:
            if copy.article_id == canonical:
                continue
            for f in original.figures:
                g = _counterpart(f, copy.figures)
                if g and not overlaps(interval(f), interval(g)):
                    differences.append((f, g))
        figures = [f for a in members for f in a.figures]
        outlets = "、".join(f"{a.source_outlet or a.headline or a.article_id}（{a.document_path}）" for a in members)
        text = (
            f"同一稿件由 {len(members)} 处刊发（文字相似度不低于 {group.similarity:.2f}）：{outlets}；"
            f"按一篇报道计，其数字在冲突核查中不重复计算"
        )
        if differences:
            text += "；但转载版本之间数字不同：" + "、".join(
                f"{label(f)} {shown(f)} ↔ {shown(g)}" for f, g in differences
            )
        details = {
            "story_id": canonical,
            "pairs": [{"a": a, "b": b, "similarity": s} for a, b, s in group.pairs],
            "documents": [a.document_path for a in members],
            "differences": [{"original": _figure_detail(f), "copy": _figure_detail(g)} for f, g in differences],
        }
        check = make_check(
            CheckKind.reprint,
            Severity.warning if differences else Severity.info,
            "linked",
            figures,
            text,
            details,
            article_ids=group.article_ids,
            id_keys=group.article_ids,
        )
        check.region_code = next((f.region_code for f in figures if f.region_code), None)
        check.metric = None
        checks.append(check)
    return checks


# --- running and storing ---------------------------------------------------------------


def compute_checks(db: sqlite_utils.Database) -> list[Check]:
    """Every check the stored figures reveal, without touching the database."""
    figures = [f for f in current_figures(db) if f.review_status != "rejected"]
    articles = load_articles(db)
    for f in figures:
        if f.article_id in articles:
            articles[f.article_id].figures.append(f)
    groups = find_reprints(
        [ArticleText(a.article_id, a.document_id, a.text) for a in sorted(articles.values(), key=lambda a: a.article_id)]
    )
    story = story_ids(groups, articles)
    found = [
        *reprint_checks(groups, articles),
        *parts_sum_checks(figures),
        *conflict_checks(figures, story),
        *cumulative_checks(figures, story),
        *impossible_checks(figures),
    ]
    return _merge(_fold_copies(found, story))


PER_ARTICLE = (CheckKind.parts_sum, CheckKind.impossible_value)


def _fold_copies(checks: list[Check], story: dict[str, str]) -> list[Check]:
    """A per-article finding repeated in reprints of one story is one check over all copies."""
    folded: dict[tuple, Check] = {}
    out: list[Check] = []
    for check in checks:
        if check.kind not in PER_ARTICLE:
            out.append(check)
            continue
        stories = tuple(sorted({story.get(a, a) for a in check.article_ids}))
        key = (check.kind, stories, check.explanation)
        first = folded.get(key)
        if first is None:
            folded[key] = check
            out.append(check)
            continue
        first.fact_ids = [*first.fact_ids, *(f for f in check.fact_ids if f not in first.fact_ids)]
        first.article_ids = [*first.article_ids, *(a for a in check.article_ids if a not in first.article_ids)]
        first.details = {**first.details, "copies": [*first.details.get("copies", []), check.details]}
    for check in folded.values():
        if check.details.get("copies"):
            check.check_id = check_id_for(check.kind.value, check.fact_ids)
            check.explanation += f"（同一稿件的 {len(check.article_ids)} 个版本都有此问题）"
    return out


def _merge(checks: list[Check]) -> list[Check]:
    """Checks with the same id (same kind and figures) become one, explanations joined."""
    merged: dict[str, Check] = {}
    for check in checks:
        old = merged.get(check.check_id)
        if old is None:
            merged[check.check_id] = check
        elif check.explanation not in old.explanation:
            old.explanation += "；" + check.explanation
            old.details = {**old.details, "also": [*old.details.get("also", []), check.details]}
    return sorted(merged.values(), key=sort_key)


def sort_key(check: Check) -> tuple:
    return (KIND_ORDER.index(check.kind), check.region_code or "", check.check_id)


def _row(check: Check) -> dict:
    return {
        "check_id": check.check_id,
        "kind": check.kind.value,
        "severity": check.severity.value,
        "verdict": check.verdict,
        "region_code": check.region_code,
        "metric": check.metric,
        "fact_ids": json.dumps(check.fact_ids, ensure_ascii=False),
        "article_ids": json.dumps(check.article_ids, ensure_ascii=False),
        "explanation": check.explanation,
        "details": json.dumps(check.details, ensure_ascii=False, sort_keys=True, default=str),
    }


def save_checks(db: sqlite_utils.Database, checks: list[Check]) -> list[Check]:
    """Replace the stored checks with these, writing only what changed (see module doc)."""
    existing = {r["check_id"]: r for r in db.query("SELECT * FROM checks")}
    stamp = store.now()
    with db.atomic():
        for check in checks:
            row = _row(check)
            old = existing.get(check.check_id)
            if old and all(old[k] == v for k, v in row.items()):
                check.created_at = parse_time(old["created_at"])
                continue
            row["created_at"] = stamp
            check.created_at = parse_time(stamp)
            db.execute("DELETE FROM check_figures WHERE check_id = ?", [check.check_id])
            db["checks"].insert(row, replace=True)
            db["check_figures"].insert_all(
                ({"check_id": check.check_id, "fact_id": fid} for fid in check.fact_ids), replace=True
            )
        gone = [cid for cid in existing if cid not in {c.check_id for c in checks}]
        for cid in gone:
            db.execute("DELETE FROM check_figures WHERE check_id = ?", [cid])
            db.execute("DELETE FROM checks WHERE check_id = ?", [cid])
    ensure_views(db)
    return checks


def run_checks(db: sqlite_utils.Database) -> list[Check]:
    """Re-run every check and store the result idempotently; returns the current checks."""
    return save_checks(db, compute_checks(db))


def stored_checks(db: sqlite_utils.Database) -> list[Check]:
    """The checks as stored (without re-running them)."""
    checks = []
    for r in db.query("SELECT * FROM checks"):
        checks.append(
            Check(
                check_id=r["check_id"],
                kind=r["kind"],
                severity=r["severity"],
                verdict=r["verdict"],
                fact_ids=json.loads(r["fact_ids"] or "[]"),
                article_ids=json.loads(r["article_ids"] or "[]"),
                region_code=r["region_code"],
                metric=r["metric"],
                explanation=r["explanation"],
                details=json.loads(r["details"] or "{}"),
                created_at=parse_time(r["created_at"]),
            )
        )
    return sorted(checks, key=sort_key)


VIEWS = {
    "figure_status": """
        SELECT f.*, COALESCE(CASE r.action WHEN 'confirm' THEN 'confirmed'
                                           WHEN 'correct' THEN 'corrected'
                                           WHEN 'reject' THEN 'rejected' END,
                             'unreviewed') AS review_status,
               (SELECT json_group_array(DISTINCT c.kind) FROM check_figures cf
                JOIN checks c ON c.check_id = cf.check_id
                WHERE cf.fact_id = f.fact_id AND c.verdict != 'consistent') AS flagged_by
        FROM figures f
        LEFT JOIN (
            SELECT fact_id, action FROM (
                SELECT fact_id, action, ROW_NUMBER() OVER (
                    PARTITION BY fact_id ORDER BY created_at DESC, review_id DESC) AS rn
                FROM reviews)
            WHERE rn = 1) r ON r.fact_id = f.fact_id
    """,
}
"""Read-only views for browsing the database: `figure_status` adds the review status and
the kinds of the checks flagging each figure (a JSON array) for datasette facets."""


def ensure_views(db: sqlite_utils.Database) -> None:
    """Create (or update) the browsing views; views hold no data, so tables stay unchanged."""
    for name, sql in VIEWS.items():
        wanted = f"CREATE VIEW {name} AS {sql}"
        row = db.execute("SELECT sql FROM sqlite_master WHERE type = 'view' AND name = ?", [name]).fetchone()
        if row and row[0] == wanted:
            continue
        with db.atomic():
            db.execute(f"DROP VIEW IF EXISTS {name}")
            db.execute(wanted)


# --- report ---------------------------------------------------------------------------


def format_report(db: sqlite_utils.Database, checks: list[Check]):
    """A rich renderable: checks grouped by kind and region, with quotes and documents."""
    from rich.console import Group
    from rich.text import Text
    from rich.tree import Tree

    quotes = {
        r["fact_id"]: r
        for r in db.query(
            "SELECT f.fact_id, f.quote, d.path FROM figures f JOIN documents d ON d.document_id = f.document_id"
        )
    }
    names = _region_names(db)
    flagged = sum(c.verdict == "inconsistent" for c in checks)
    parts = [Text(f"共 {len(checks)} 条核查结果，其中 {flagged} 条需要编辑处理", style="bold")]
    style = {"error": "red", "warning": "yellow", "info": "green"}
    for kind in KIND_ORDER:
        of_kind = [c for c in checks if c.kind == kind]
        if not of_kind:
            continue
        tree = Tree(Text(f"{KIND_LABELS[kind]} ({kind.value}): {len(of_kind)}", style="bold"))
        by_region: dict[str, list[Check]] = defaultdict(list)
        for c in of_kind:
            by_region[c.region_code or ""].append(c)
        for region in sorted(by_region):
            branch = tree.add(Text(f"{names.get(region) or '地区不明'} {region}".strip(), style="cyan"))
            for c in by_region[region]:
                node = branch.add(Text(f"[{c.severity.value}/{c.verdict}] {c.explanation}", style=style[c.severity.value]))
                lines = [
                    f"「{quotes[fid]['quote']}」 {quotes[fid]['path']}"
                    for fid in (c.fact_ids if c.kind != CheckKind.reprint else [])
                    if fid in quotes
                ]
                for line in list(dict.fromkeys(lines))[:12]:
                    node.add(Text(line, style="dim"))
                if c.kind == CheckKind.reprint:
                    for path in c.details.get("documents", []):
                        node.add(Text(path, style="dim"))
        parts.append(tree)
    return Group(*parts)


def _region_names(db: sqlite_utils.Database) -> dict[str, str]:
    names = {}
    for sql in (
        "SELECT DISTINCT region_code, region_name FROM articles WHERE region_code IS NOT NULL",
        "SELECT DISTINCT region_code, region_name FROM figures WHERE region_code IS NOT NULL",
    ):
        for code, name in db.execute(sql).fetchall():
            if name:
                names[code] = name
    return names
