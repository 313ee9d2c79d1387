"""`bulletin eval`: extracted figures against the hand-checked gold files of the corpus.

A gold figure and an extracted one match when they are in the same article (matched by
headline, else by position) and have the same value and unit; among several candidates the
one whose quote holds the gold `quote_contains` wins. Approx, metric and part-of are then
scored on the matched pairs.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from schemas import Article, Figure

SUFFIXES = (".txt", ".md", ".pdf")
COUNTS = ("documents", "gold", "extracted", "matched", "approx_ok", "metric_ok", "parts_gold",
          "parts_ok", "articles_gold", "articles_found", "headline_ok", "outlet_ok", "region_ok",
          "orgs_gold", "orgs_extracted", "orgs_ok", "fig_region_gold", "fig_region_ok")


@dataclass
class EvalReport:
    documents: int = 0
    gold: int = 0
    extracted: int = 0
    matched: int = 0
    approx_ok: int = 0
    metric_ok: int = 0
    parts_gold: int = 0
    parts_ok: int = 0
    articles_gold: int = 0
    articles_found: int = 0
    headline_ok: int = 0
    outlet_ok: int = 0
    region_ok: int = 0
    orgs_gold: int = 0
    orgs_extracted: int = 0
    orgs_ok: int = 0
    fig_region_gold: int = 0
    fig_region_ok: int = 0
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.ratio("matched", "extracted")

    @property
    def recall(self) -> float:
        return self.ratio("matched", "gold")

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def approx_accuracy(self) -> float:
        return self.ratio("approx_ok", "matched")

    @property
    def metric_accuracy(self) -> float:
        return self.ratio("metric_ok", "matched")

    @property
    def part_of_recall(self) -> float:
        return self.ratio("parts_ok", "parts_gold")

    def ratio(self, ok: str, of: str) -> float:
        """Count `ok` over count `of`; 1.0 when there is nothing to count."""
        total = getattr(self, of)
        return getattr(self, ok) / total if total else 1.0


def combine(reports: list[EvalReport]) -> EvalReport:
    """One report over several gold sets: counts add up, lists are concatenated."""
    total = EvalReport()
    for report in reports:
        for name in COUNTS:
            setattr(total, name, getattr(total, name) + getattr(report, name))
        total.misses += report.misses
        total.extras += report.extras
        total.wrong += report.wrong
    return total


def corpus_for(gold_dir: Path) -> Path:
    """The corpus folder a gold folder describes, by the project layout:
    `tests/gold` -> `corpus`, `tests/gold/final` -> `corpus/final`."""
    gold_dir = Path(gold_dir)
    parts = gold_dir.parts
    for i in range(len(parts) - 1, 0, -1):
        if parts[i] == "gold" and parts[i - 1] == "tests":
            return Path(*parts[:i - 1], "corpus", *parts[i + 1:])
    return gold_dir.parent / "corpus"


def _squash(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


def source_for(gold_path: Path, corpus_dir: Path) -> Path | None:
    """The corpus file a gold file describes (same stem)."""
    for suffix in SUFFIXES:
        candidate = corpus_dir / (gold_path.stem + suffix)
        if candidate.exists():
            return candidate
    return None


def articles_and_date(path: Path) -> tuple[list[Article], date | None]:
    """Run stages 1-3 on a corpus file."""
    from extract.pipeline import articles_of
    from extract.read import read_document

    document = read_document(path)
    return articles_of(document), document.published


def pair_articles(gold_articles: list[dict], articles: list[Article]) -> list[Article | None]:
    """For each gold article, the extracted article with its headline, else the one at its
    position if that one's headline matches no other gold article."""
    by_headline = {_squash(a.headline): a for a in articles if a.headline}
    gold_heads = {_squash(g.get("headline")) for g in gold_articles}
    paired: list[Article | None] = []
    for i, gold in enumerate(gold_articles):
        found = by_headline.get(_squash(gold.get("headline"))) if gold.get("headline") else None
        if found is None and i < len(articles):
            candidate = articles[i]
            if _squash(candidate.headline) not in gold_heads or not candidate.headline:
                found = candidate
        paired.append(found)
    return paired


def match_figures(facts: list[dict], figures: list[Figure]) -> list[int | None]:
    """For each gold fact, the index of the extracted figure it matches (or None)."""
    used: set[int] = set()
    result: list[int | None] = []
    for fact in facts:
        candidates = [
            i for i, f in enumerate(figures)
            if i not in used and f.unit == fact.get("unit")
            and abs(f.value - float(fact["value"])) < 1e-6
        ]
        snippet = _squash(fact.get("quote_contains"))
        quoted = [i for i in candidates
                  if snippet and (snippet in _squash(figures[i].quote)
                                  or snippet in _squash(figures[i].sentence))]
        choice = (quoted or candidates or [None])[0]
        if choice is not None:
            used.add(choice)
        result.append(choice)
    return result


def _describe(where: str, value, unit, metric, quote: str | None) -> str:
    return f"{where}: {value:g} {unit} metric={metric} {(quote or '')[:40]}"


def score_article(report: EvalReport, where: str, facts: list[dict],
                  figures: list[Figure]) -> None:
    """Add one article's counts, misses and extras to the report."""
    report.gold += len(facts)
    report.extracted += len(figures)
    matches = match_figures(facts, figures)
    for gi, (fact, fi) in enumerate(zip(facts, matches, strict=True)):
        if fact.get("part_of") is not None:
            report.parts_gold += 1
        if fi is None:
            report.misses.append(_describe(where, float(fact["value"]), fact.get("unit"),
                                           fact.get("metric"), fact.get("quote_contains")))
            continue
        figure = figures[fi]
        report.matched += 1
        report.approx_ok += figure.approx == fact.get("approx", "exact")
        report.metric_ok += figure.metric == fact.get("metric")
        if figure.approx != fact.get("approx", "exact") or figure.metric != fact.get("metric"):
            report.wrong.append(
                f"{where} #{gi}: {figure.value:g}{figure.unit} approx {figure.approx} "
                f"(gold {fact.get('approx')}), metric {figure.metric} (gold {fact.get('metric')})"
            )
        if fact.get("part_of") is not None:
            total = matches[fact["part_of"]]
            if total is not None and figure.part_of == total:
                report.parts_ok += 1
            else:
                report.wrong.append(f"{where} #{gi}: {figure.value:g}{figure.unit} part_of "
                                    f"{figure.part_of} (gold total #{fact['part_of']})")
    for fi, figure in enumerate(figures):
        if fi not in matches:
            report.extras.append(_describe(where, figure.value, figure.unit, figure.metric,
                                           figure.quote))


def score_places(report: EvalReport, gold: dict, article: Article | None, facts) -> None:
    """Article-level fields: found at all, headline, source outlet, region, organisations;
    and the region of each matched figure whose gold names one."""
    report.articles_gold += 1
    report.orgs_gold += len(gold.get("organizations", []))
    if article is None:
        return
    report.articles_found += 1
    report.headline_ok += _squash(article.headline) == _squash(gold.get("headline"))
    report.outlet_ok += (article.source_outlet or None) == (gold.get("source_outlet") or None)
    report.region_ok += (facts.region.code if facts.region else None) == gold.get("region_code")
    found = {o.full_name for o in facts.organizations}
    report.orgs_extracted += len(found)
    report.orgs_ok += len(found & set(gold.get("organizations", [])))
    matches = match_figures(gold.get("facts", []), facts.figures)
    for fact, fi in zip(gold.get("facts", []), matches, strict=True):
        if "region_code" in fact and fi is not None:
            report.fig_region_gold += 1
            region = facts.figures[fi].region
            report.fig_region_ok += (region.code if region else None) == fact["region_code"]


def evaluate(gold_dir: Path, corpus_dir: Path) -> EvalReport:
    """Score the extractor on every gold file that has its corpus file."""
    from extract.pipeline import analyse

    report = EvalReport()
    for gold_path in sorted(Path(gold_dir).glob("*.json")):
        source = source_for(gold_path, Path(corpus_dir))
        if source is None:
            continue
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        articles, published = articles_and_date(source)
        if gold.get("published"):
            published = date.fromisoformat(gold["published"])
        report.documents += 1
        paired = pair_articles(gold["articles"], articles)
        for n, (gold_article, article) in enumerate(zip(gold["articles"], paired, strict=True)):
            facts = analyse(article, published) if article else None
            score_article(report, f"{gold_path.stem}#{n}", gold_article.get("facts", []),
                          facts.figures if facts else [])
            score_places(report, gold_article, article, facts)
        chosen = {id(a) for a in paired if a is not None}
        for article in articles:
            if id(article) not in chosen:
                score_article(report, f"{gold_path.stem}#unpaired{article.seq}", [],
                              analyse(article, published).figures)
    return report


def format_report(report: EvalReport, limit: int = 40) -> str:
    """Plain-text summary for the CLI: scores first, then misses, extras, wrong attributes."""
    lines = [
        f"documents {report.documents}  gold figures {report.gold}  "
        f"extracted {report.extracted}  matched {report.matched}",
        f"figures   precision {report.precision:.3f}  recall {report.recall:.3f}  "
        f"F1 {report.f1:.3f}",
        f"approx accuracy {report.approx_accuracy:.3f}  metric accuracy "
        f"{report.metric_accuracy:.3f}  part-of recall {report.part_of_recall:.3f}",
        f"articles  found {report.articles_found}/{report.articles_gold}  headline "
        f"{report.ratio('headline_ok', 'articles_gold'):.3f}  source outlet "
        f"{report.ratio('outlet_ok', 'articles_gold'):.3f}  region "
        f"{report.ratio('region_ok', 'articles_gold'):.3f}",
        f"figure region accuracy {report.ratio('fig_region_ok', 'fig_region_gold'):.3f} "
        f"({report.fig_region_gold} with a gold region)  organisations precision "
        f"{report.ratio('orgs_ok', 'orgs_extracted'):.3f}  recall "
        f"{report.ratio('orgs_ok', 'orgs_gold'):.3f}",
    ]
    for title, items in (("misses", report.misses), ("extras", report.extras),
                         ("wrong attributes", report.wrong)):
        if items and limit:
            lines.append(f"{title} ({len(items)}):")
            lines.extend(f"  {item}" for item in items[:limit])
    return "\n".join(lines)
