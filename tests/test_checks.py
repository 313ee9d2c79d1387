"""Cross-checks: parts vs total, conflicts, falling cumulative figures, impossible values,
reprints; idempotent storage; editors' verdicts; the corpus and the seed."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from conftest import CORPUS, GOLD
from extract import check as checks_mod
from extract.check import run_checks, stored_checks, tolerance
from extract.reprints import ArticleText, find_reprints, shingles, similarity
from factories import COUNTY, PROVINCE, A, F, add_review, fact_ids, save

MAY20 = date(2024, 5, 20)


def of_kind(checks, kind, verdict=None):
    return [c for c in checks if c.kind == kind and (verdict is None or c.verdict == verdict)]


def dump(db) -> list:
    return [
        list(db.query("SELECT * FROM checks ORDER BY check_id")),
        list(db.query("SELECT * FROM check_figures ORDER BY check_id, fact_id")),
    ]


# --- parts vs total ---------------------------------------------------------------------


def test_parts_that_sum_to_the_total_are_consistent(db):
    save(db, "a.txt", [A("全县现有持证社工185人，其中助理社会工作师143人，社会工作师42人。", [
        F("持证社工185人", 185),
        F("助理社会工作师143人", 143, "social_workers.certified.assistant", part_of=0),
        F("社会工作师42人", 42, "social_workers.certified.intermediate", part_of=0),
    ])], MAY20)
    [c] = of_kind(run_checks(db), "parts_sum")
    assert c.verdict == "consistent" and c.severity == "info"
    assert "143+42=185" in c.explanation and "一致" in c.explanation
    assert c.details["remainder"] == 0
    assert set(c.fact_ids) == set(fact_ids(db, 185) + fact_ids(db, 143) + fact_ids(db, 42))


def test_subset_below_the_total_is_consistent_and_shows_the_remainder(db):
    save(db, "a.txt", [A("社工站配备工作人员24名，其中持证社工15名、督导5名。", [
        F("工作人员24名", 24, "social_workers.staff", unit="名"),
        F("持证社工15名", 15, unit="名", part_of=0),
        F("督导5名", 5, "social_workers.supervisors", unit="名", part_of=0),
    ])])
    [c] = of_kind(run_checks(db), "parts_sum")
    assert c.verdict == "consistent"
    assert c.details["remainder"] == 4
    assert "15+5=20" in c.explanation and "其余 4 未逐项列出" in c.explanation


def test_parts_above_the_total_are_an_error(db):
    save(db, "a.txt", [A("全县登记社会组织120家，其中社会团体80家，社会服务机构50家。", [
        F("社会组织120家", 120, "orgs.registered", unit="家"),
        F("社会团体80家", 80, "orgs.social_groups", unit="家", part_of=0),
        F("社会服务机构50家", 50, "orgs.service_institutions", unit="家", part_of=0),
    ])])
    [c] = of_kind(run_checks(db), "parts_sum")
    assert (c.verdict, c.severity) == ("inconsistent", "error")
    assert "超过总数" in c.explanation and "多出 10" in c.explanation


@pytest.mark.parametrize(("approx", "verdict"), [("at_least", "consistent"), ("exact", "inconsistent")])
def test_approximate_total_gets_a_tolerance(db, approx, verdict):
    save(db, "a.txt", [A("培训学员300余人，其中社工180人，志愿者135人。", [
        F("学员300余人", 300, "training.participants", approx=approx),
        F("社工180人", 180, "training.participants", part_of=0),
        F("志愿者135人", 135, "training.participants", part_of=0),
    ])])
    [c] = of_kind(run_checks(db), "parts_sum")
    assert c.verdict == verdict


def test_parts_in_another_unit_are_not_added_to_the_total(db):
    save(db, "a.txt", [A("服务对象200人，其中老年人占60%。", [
        F("服务对象200人", 200, "served.people"),
        F("老年人占60%", 60, "other", unit="%", part_of=0),
    ])])
    assert of_kind(run_checks(db), "parts_sum") == []


def test_tolerance_follows_the_last_written_digit():
    assert tolerance(40) == 10 and tolerance(7000) == 1000
    assert tolerance(185) == pytest.approx(18.5)


# --- conflicts --------------------------------------------------------------------------

BODY_A = "记者从县民政局获悉，全县现有持证社工185人，社工站实现乡镇全覆盖。"
BODY_B = "县里高度重视社工人才培养，目前全县持证社工达210人，队伍不断壮大。"


def test_two_outlets_with_different_values_conflict(db):
    doc_a = save(db, "a.txt", [A(BODY_A, [F("持证社工185人", 185)], outlet="宁夏日报")], MAY20)
    doc_b = save(db, "b.txt", [A(BODY_B, [F("持证社工达210人", 210)], outlet="银川晚报")], date(2024, 5, 22))
    [c] = of_kind(run_checks(db), "conflict")
    assert (c.verdict, c.severity) == ("inconsistent", "warning")
    assert set(c.fact_ids) == set(fact_ids(db, 185, doc_a) + fact_ids(db, 210, doc_b))
    assert "185人" in c.explanation and "210人" in c.explanation and "b.txt" in c.explanation
    assert c.region_code == COUNTY.code and c.metric == "social_workers.certified"


@pytest.mark.parametrize(
    ("value", "approx", "published"),
    [
        (200, "about", date(2024, 5, 21)),  # 约200 allows 210
        (210, "exact", date(2024, 11, 1)),  # another period
        (185, "exact", date(2024, 5, 21)),  # the same value
    ],
)
def test_no_conflict_within_approximation_other_period_or_same_value(db, value, approx, published):
    save(db, "a.txt", [A(BODY_A, [F("持证社工185人", 185)])], MAY20)
    save(db, "b.txt", [A(BODY_B, [F("持证社工达210人", value, approx=approx, surface="210")])], published)
    assert of_kind(run_checks(db), "conflict") == []


def test_undated_reports_are_not_compared(db):
    save(db, "a.txt", [A(BODY_A, [F("持证社工185人", 185)])])
    save(db, "b.txt", [A(BODY_B, [F("持证社工达210人", 210)])])
    assert of_kind(run_checks(db), "conflict") == []


def test_each_pair_of_reports_is_its_own_conflict(db):
    """Two different figures of one article against a third article: two checks, not one lump."""
    doc_a = save(db, "a.txt", [A("全县持证社工185人。全县持证社工中女性96人。", [
        F("持证社工185人", 185), F("持证社工中女性96人", 96),
    ])], MAY20)
    doc_b = save(db, "b.txt", [A(BODY_B, [F("持证社工达210人", 210)])], MAY20)
    found = of_kind(run_checks(db), "conflict")
    assert sorted(sorted(c.fact_ids) for c in found) == sorted(
        sorted(fact_ids(db, v, doc_a) + fact_ids(db, 210, doc_b)) for v in (185, 96)
    )


def test_explicit_periods_must_match(db):
    end_2023, end_2024 = date(2023, 12, 31), date(2024, 4, 30)
    save(db, "a.txt", [A(BODY_A, [F("持证社工185人", 185, period_end=end_2023)])], MAY20)
    save(db, "b.txt", [A(BODY_B, [F("持证社工达210人", 210, period_end=end_2024)])], MAY20)
    assert of_kind(run_checks(db), "conflict") == []


def test_other_region_or_metric_or_parts_do_not_conflict(db):
    save(db, "a.txt", [A(BODY_A, [F("持证社工185人", 185)])], MAY20)
    save(db, "b.txt", [A(BODY_B, [F("持证社工达210人", 210, region=PROVINCE)])], MAY20)
    save(db, "c.txt", [A("全县社工站共有工作人员300名，其中持证社工96人。", [
        F("工作人员300名", 300, "social_workers.staff", unit="名"),
        F("持证社工96人", 96, part_of=0),
    ])], MAY20)
    assert of_kind(run_checks(db), "conflict") == []


def test_headline_contradicting_its_body(db):
    save(db, "a.txt", [A(
        "截至目前，全省持证社会工作者2204人，较上年增长一成。",
        [F("全省持证社会工作者达9900人", 9900, region=PROVINCE),
         F("全省持证社会工作者2204人", 2204, region=PROVINCE)],
        headline="宁夏：全省持证社会工作者达9900人",
    )], MAY20)
    [c] = of_kind(run_checks(db), "conflict")
    assert "标题" in c.explanation and "9900" in c.explanation and "2204" in c.explanation
    assert len(c.article_ids) == 1


def test_two_body_figures_of_one_article_are_not_a_conflict(db):
    save(db, "a.txt", [A("去年全县持证社工150人。今年全县持证社工185人。", [
        F("去年全县持证社工150人", 150), F("今年全县持证社工185人", 185),
    ])], MAY20)
    assert of_kind(run_checks(db), "conflict") == []


# --- cumulative ---------------------------------------------------------------------------


@pytest.mark.parametrize(("later", "found"), [(9000, True), (15000, False)])
def test_cumulative_figure_that_goes_down(db, later, found):
    save(db, "2023.txt", [A("社工站累计服务群众12000人次。", [
        F("累计服务群众12000人次", 12000, "served.people", unit="人次", cumulative=True),
    ])], date(2023, 6, 1))
    save(db, "2024.txt", [A(f"全县社工站累计服务{later}人次，群众满意。", [
        F(f"累计服务{later}人次", later, "served.people", unit="人次", cumulative=True),
    ])], date(2024, 6, 1))
    result = of_kind(run_checks(db), "cumulative_decrease")
    assert bool(result) is found
    if found:
        assert "12000" in result[0].explanation and "9000" in result[0].explanation
        assert "2023-06-01" in result[0].explanation and "减少 3000" in result[0].explanation


def test_non_cumulative_figures_may_go_down(db):
    save(db, "2023.txt", [A("今年服务群众12000人次。", [F("服务群众12000人次", 12000, "served.people", unit="人次")])],
         date(2023, 6, 1))
    save(db, "2024.txt", [A("今年服务群众9000人次。", [F("服务群众9000人次", 9000, "served.people", unit="人次")])],
         date(2024, 6, 1))
    assert of_kind(run_checks(db), "cumulative_decrease") == []


# --- impossible values ------------------------------------------------------------------


def test_coverage_above_100_percent_is_impossible_but_growth_is_not(db):
    save(db, "a.txt", [A("社工站覆盖率达120%，服务人次同比增长150%。", [
        F("社工站覆盖率达120%", 120, "stations.coverage", unit="%"),
        F("同比增长150%", 150, "other", unit="%"),
    ])])
    [c] = of_kind(run_checks(db), "impossible_value")
    assert c.fact_ids == fact_ids(db, 120)
    assert "超过 100%" in c.explanation and c.severity == "error"


def test_part_larger_than_total_and_negative_or_fractional_counts(db):
    save(db, "a.txt", [A("全镇持证社工20人，其中社会工作师30人。走访困难家庭-5户，救助2.5人。", [
        F("持证社工20人", 20),
        F("社会工作师30人", 30, "social_workers.certified.intermediate", part_of=0),
        F("走访困难家庭-5户", -5, "households.visited", unit="户", surface="5"),
        F("救助2.5人", 2.5, "people.assisted"),
    ])])
    found = of_kind(run_checks(db), "impossible_value")
    texts = " | ".join(c.explanation for c in found)
    assert "大于它所属的总数" in texts and "负数" in texts and "不是整数" in texts
    assert len(found) == 3
    assert of_kind(run_checks(db), "parts_sum")[0].verdict == "inconsistent"


def test_a_per_head_ratio_may_be_fractional(db):
    save(db, "a.txt", [A("全市每万人拥有社会组织数达5.1个。", [F("每万人拥有社会组织数达5.1个", 5.1, "other", unit="个")])])
    assert of_kind(run_checks(db), "impossible_value") == []


def test_absurd_count_for_the_unit(db):
    save(db, "a.txt", [A("全县服务老年人30亿人。", [F("服务老年人30亿人", 3e9, "served.elderly", surface="30")])])
    [c] = of_kind(run_checks(db), "impossible_value")
    assert "合理上限" in c.explanation


# --- reprints ----------------------------------------------------------------------------

STORY = (
    "近日，永宁县民政局组织召开社会工作服务站建设推进会，总结各乡镇社工站运行情况。会议指出，"
    "全县现有持证社工185人，社工站实现乡镇（街道）全覆盖，全年开展关爱走访、政策宣讲、"
    "心理疏导等专业服务，惠及困难群众和留守老人。下一步，县民政局将加大督导力度，"
    "推动社工站从有形覆盖向有效服务转变。"
)


def test_reprints_are_linked_and_do_not_conflict_with_themselves(db):
    save(db, "outlet1.txt", [A(STORY, [F("持证社工185人", 185)], headline="永宁召开社工站推进会", outlet="宁夏日报")], MAY20)
    save(db, "outlet2.txt", [A(STORY + "（记者 王某）", [F("持证社工185人", 185)], headline="宁夏永宁：社工站全覆盖",
                              outlet="宁夏新闻网")], date(2024, 5, 21))
    save(db, "other.txt", [A(BODY_B, [F("持证社工达210人", 210)])], MAY20)
    result = run_checks(db)
    [link] = of_kind(result, "reprint")
    assert link.verdict == "linked" and len(link.article_ids) == 2
    assert "outlet1.txt" in link.explanation and "outlet2.txt" in link.explanation
    [conflict] = of_kind(result, "conflict")  # one conflict for the story, not one per copy
    assert len(conflict.details["stories"]) == 2
    assert len(conflict.fact_ids) == 3


def test_a_finding_in_every_copy_of_a_story_is_one_check(db):
    story = STORY.replace("全县现有持证社工185人", "全县现有持证社工185人，其中社会工作师200人")
    for path, outlet in (("outlet1.txt", "宁夏日报"), ("outlet2.txt", "宁夏新闻网")):
        save(db, path, [A(story, [
            F("持证社工185人", 185),
            F("社会工作师200人", 200, "social_workers.certified.intermediate", part_of=0),
        ], outlet=outlet)], MAY20)
    [parts] = of_kind(run_checks(db), "parts_sum")
    assert parts.verdict == "inconsistent" and len(parts.article_ids) == 2 and len(parts.fact_ids) == 4
    assert "2 个版本" in parts.explanation


def test_reprint_alone_raises_no_conflict_even_with_a_copying_error(db):
    save(db, "outlet1.txt", [A(STORY, [F("持证社工185人", 185)])], MAY20)
    save(db, "outlet2.txt", [A(STORY.replace("185", "158"), [F("持证社工158人", 158)])], MAY20)
    result = run_checks(db)
    assert of_kind(result, "conflict") == []
    [link] = of_kind(result, "reprint")
    assert link.severity == "warning" and "185人 ↔ 158人" in link.explanation


def test_different_stories_are_not_reprints():
    a = ArticleText("a", "d1", STORY)
    b = ArticleText("b", "d2", "鄂托克前旗坚持党建引领，培育发展社会组织，建立健全孵化体系，大力发展公益慈善领域专业型社会服务类社会组织，推动五社联动。")
    c = ArticleText("c", "d3", STORY[40:])  # an abridged copy
    groups = find_reprints([a, b, c])
    assert [g.article_ids for g in groups] == [["a", "c"]]
    assert similarity(shingles(a.text), shingles(b.text)) == 0


def test_same_document_is_never_its_own_reprint():
    assert find_reprints([ArticleText("a", "d1", STORY), ArticleText("b", "d1", STORY)]) == []


# --- storage: idempotent, verdicts -------------------------------------------------------


def test_rerun_leaves_the_database_identical_and_drops_checks_that_no_longer_hold(db):
    save(db, "a.txt", [A(BODY_A, [F("持证社工185人", 185)])], MAY20)
    save(db, "b.txt", [A(BODY_B, [F("持证社工达210人", 210)])], MAY20)
    first = run_checks(db)
    before = dump(db)
    assert [c.check_id for c in run_checks(db)] == [c.check_id for c in first]
    assert dump(db) == before
    save(db, "b.txt", [A(BODY_B, [F("持证社工达210人", 185, surface="210")])], MAY20)
    run_checks(db)
    assert db["checks"].count == 0 and db["check_figures"].count == 0


def test_checks_follow_the_editors_verdicts(db):
    save(db, "a.txt", [A(BODY_A, [F("持证社工185人", 185)])], MAY20)
    save(db, "b.txt", [A(BODY_B, [F("持证社工达210人", 210)])], MAY20)
    assert of_kind(run_checks(db), "conflict")
    [wrong] = fact_ids(db, 210)
    add_review(db, wrong, "correct", {"value": 185})
    assert of_kind(run_checks(db), "conflict") == []
    add_review(db, wrong, "correct", {"value": 250})
    assert of_kind(run_checks(db), "conflict")
    add_review(db, wrong, "reject")
    assert of_kind(run_checks(db), "conflict") == []


def test_stored_checks_read_back_like_the_run(db):
    save(db, "a.txt", [A(BODY_A, [F("持证社工185人", 185)])], MAY20)
    save(db, "b.txt", [A(BODY_B, [F("持证社工达210人", 210)])], MAY20)
    run = run_checks(db)
    assert [c.model_dump() for c in stored_checks(db)] == [c.model_dump() for c in run]


def test_report_groups_by_kind_and_region_with_quotes(db):
    from rich.console import Console

    save(db, "a.txt", [A(BODY_A, [F("持证社工185人", 185)])], MAY20)
    save(db, "b.txt", [A(BODY_B, [F("持证社工达210人", 210)])], MAY20)
    console = Console(record=True, width=200)
    console.print(checks_mod.format_report(db, run_checks(db)))
    text = console.export_text()
    assert "同一数据报道不一致" in text and COUNTY.name in text
    assert "「持证社工达210人」 b.txt" in text


# --- CLI -----------------------------------------------------------------------------------


def test_cli_check_json(tmp_path):
    from typer.testing import CliRunner

    from extract.cli import app
    from extract.store import open_db

    path = tmp_path / "cli.db"
    database = open_db(path)
    save(database, "a.txt", [A(BODY_A, [F("持证社工185人", 185)])], MAY20)
    save(database, "b.txt", [A(BODY_B, [F("持证社工达210人", 210)])], MAY20)
    database.close()
    result = CliRunner().invoke(app, ["check", "--db", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [c["kind"] for c in data] == ["conflict"]
    assert data[0]["explanation"].startswith(COUNTY.name)
    result = CliRunner().invoke(app, ["check", "--db", str(path)])
    assert result.exit_code == 0 and "同一数据报道不一致" in result.stdout


# --- the corpus and the seed ------------------------------------------------------------


def _ingest(db, paths: list[Path]) -> None:
    pytest.importorskip("extract.facts", reason="the figures stage is not written yet")
    from extract.pipeline import ingest_paths

    results = ingest_paths(db, paths)
    failed = [r.error for r in results if r.status == "failed"]
    assert not failed, failed


def _gold_checks() -> list[tuple[str, dict]]:
    out = []
    for gold in sorted(GOLD.glob("*.json")):
        data = json.loads(gold.read_text(encoding="utf-8"))
        out.extend((gold.stem, entry) for entry in data.get("checks", []))
    return out


def _numbers(entry: dict) -> set[float]:
    """Every number the gold entry names (total, parts, values …)."""
    found: set[float] = set()
    for key, value in entry.items():
        if key in ("article", "articles"):
            continue
        items = value if isinstance(value, list) else [value]
        found.update(float(v) for v in items if isinstance(v, int | float) and not isinstance(v, bool))
    return found


def _matches(check, stem: str, entry: dict, values: dict[str, float], articles: dict[str, tuple[str, int]]) -> bool:
    """A stored check fits a gold entry: kind, verdict, region, the numbers it names, and the
    files (and article) it is about. (Whether the metric label is right is the figures stage's
    gold evaluation; the check only needs both reports to carry the same one.)"""
    verdict = entry.get("verdict", "").split(" ")[0]
    if check.kind != entry["kind"] or (verdict and check.verdict != verdict):
        return False
    if "region_code" in entry and entry["region_code"] != check.region_code:
        return False
    if not _numbers(entry) <= {values.get(f) for f in check.fact_ids}:
        return False
    involved = {articles[a] for a in check.article_ids if a in articles}
    files = entry.get("files") or [stem]
    if not all(any(f == name for f, _ in involved) for name in files):
        return False
    return "article" not in entry or (stem, entry["article"]) in involved


@pytest.fixture(scope="module")
def corpus_checks(tmp_path_factory):
    """The corpus text files ingested once through the pipeline, with their checks."""
    from extract.store import open_db

    if not _gold_checks():
        pytest.skip("no gold file with `checks` yet")
    database = open_db(tmp_path_factory.mktemp("corpus") / "corpus.db")
    _ingest(database, sorted(CORPUS.glob("*.txt")))
    return database, run_checks(database)


def test_corpus_bulletins_trigger_their_checks(corpus_checks):
    db, found = corpus_checks
    values = {r["fact_id"]: r["value"] for r in db.query("SELECT fact_id, value FROM figures")}
    articles = {
        r["article_id"]: (Path(r["path"]).stem, r["seq"])
        for r in db.query("SELECT a.article_id, a.seq, d.path FROM articles a JOIN documents d USING (document_id)")
    }
    pairs = _gold_checks()
    missing = [(stem, e) for stem, e in pairs if not any(_matches(c, stem, e, values, articles) for c in found)]
    assert not missing, missing


def test_corpus_rerun_is_idempotent(corpus_checks):
    db, found = corpus_checks
    before = dump(db)
    assert [c.check_id for c in run_checks(db)] == [c.check_id for c in found]
    assert dump(db) == before


def test_corpus_reprints_are_linked_and_raise_no_conflict_among_themselves(corpus_checks):
    _, found = corpus_checks
    stories = [set(c.article_ids) for c in of_kind(found, "reprint")]
    if not stories and not any(e["kind"] == "reprint" for _, e in _gold_checks()):
        pytest.skip("no reprint in the corpus gold yet")
    assert stories
    for conflict in of_kind(found, "conflict"):
        for story in stories:
            assert not set(conflict.article_ids) <= story, conflict.explanation


@pytest.fixture(scope="module")
def corpus_and_pages_checks(tmp_path_factory):
    """The corpus text files and their newspaper-page renderings (`corpus/pdf/corpus_*.pdf`)
    ingested together, with their checks and each article's origin: (corpus file, article
    index) from the text path, the gold's `from` for a rendered article."""
    from extract.store import open_db

    if not _gold_checks():
        pytest.skip("no gold file with `checks` yet")
    pages = sorted((CORPUS / "pdf").glob("corpus_*.pdf"))
    database = open_db(tmp_path_factory.mktemp("pages") / "corpus.db")
    _ingest(database, sorted(CORPUS.glob("*.txt")) + pages)
    rendered = {
        pdf.stem: [tuple(a["from"]) for a in
                   json.loads((GOLD / "pages" / f"{pdf.stem}.json").read_text(encoding="utf-8"))["articles"]]
        for pdf in pages
    }
    origins = {}
    for r in database.query("SELECT a.article_id, a.seq, d.path FROM articles a JOIN documents d USING (document_id)"):
        stem = Path(r["path"]).stem
        origins[r["article_id"]] = rendered[stem][r["seq"]] if stem in rendered else (stem, r["seq"])
    return database, run_checks(database), origins


def test_corpus_with_its_pages_still_triggers_the_gold_checks(corpus_and_pages_checks):
    db, found, _ = corpus_and_pages_checks
    values = {r["fact_id"]: r["value"] for r in db.query("SELECT fact_id, value FROM figures")}
    articles = {
        r["article_id"]: (Path(r["path"]).stem, r["seq"])
        for r in db.query("SELECT a.article_id, a.seq, d.path FROM articles a JOIN documents d USING (document_id)")
    }
    missing = [(stem, e) for stem, e in _gold_checks() if not any(_matches(c, stem, e, values, articles) for c in found)]
    assert not missing, missing


def _disagreements(checks, origins) -> set[tuple]:
    """Conflicts and falling cumulative figures, each as kind, region, metric and the set of
    (corpus file, article index) it is about."""
    return {(c.kind, c.region_code, c.metric, frozenset(origins[a] for a in c.article_ids))
            for c in checks if c.kind in ("conflict", "cumulative_decrease")}


def test_page_renderings_add_no_disagreement_to_their_bulletins(corpus_checks, corpus_and_pages_checks):
    """A page dated by its issue line gives its articles' figures the periods their text
    bulletin's dateline gives them, so setting bulletins into pages raises no conflict or
    falling cumulative figure that the text files alone do not: none between a bulletin and
    its own rendering, none from a rendering dated into another year."""
    db, text_checks = corpus_checks
    text_origins = {
        r["article_id"]: (Path(r["path"]).stem, r["seq"])
        for r in db.query("SELECT a.article_id, a.seq, d.path FROM articles a JOIN documents d USING (document_id)")
    }
    _, found, origins = corpus_and_pages_checks
    assert len(origins) > len(text_origins)
    for check in of_kind(found, "cumulative_decrease"):
        earlier, later = check.details["earlier"], check.details["later"]
        assert origins[earlier["article_id"]] != origins[later["article_id"]], check.explanation
    assert _disagreements(found, origins) == _disagreements(text_checks, text_origins)


@pytest.mark.seed
def test_seed_breakdowns_are_consistent(db, seed_path):
    _ingest(db, [seed_path])
    sums = {
        (c.details["total"]["value"], tuple(sorted(p["value"] for p in c.details["parts"]))): c
        for c in of_kind(run_checks(db), "parts_sum")
    }
    for total, parts in [(185, (42, 143)), (151, (51, 100))]:
        assert sums[(total, parts)].verdict == "consistent"
        assert sums[(total, parts)].details["remainder"] == 0
    subset = sums[(24, (5, 15))]
    assert subset.verdict == "consistent" and subset.details["remainder"] == 4
