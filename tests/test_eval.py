"""The corpus gold: `bulletin eval` scores meet the acceptance thresholds."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract.evaluate import EvalReport, combine, corpus_for, evaluate, format_report

ROOT = Path(__file__).resolve().parents[1]
CORPUS, GOLD = ROOT / "corpus", ROOT / "tests" / "gold"


@pytest.fixture(scope="module")
def report():
    if not any(GOLD.glob("*.json")) or not any(CORPUS.glob("*.txt")):
        pytest.skip("corpus or gold files not present")
    return evaluate(GOLD, CORPUS)


def test_figure_f1(report):
    assert report.documents > 0
    assert report.f1 >= 0.97, format_report(report)


def test_approx_accuracy(report):
    assert report.approx_accuracy >= 0.98, format_report(report)


def test_metric_accuracy(report):
    assert report.metric_accuracy >= 0.95, format_report(report)


def test_part_of_recall(report):
    assert report.part_of_recall >= 0.95, format_report(report)


def test_report_lists_scores_and_problems(report):
    text = format_report(report)
    assert f"F1 {report.f1:.3f}" in text
    if report.misses:
        assert "misses" in text


@pytest.fixture(scope="module", params=["heldout", "final"])
def unseen(request):
    """A set written apart from the extractor: the held-out set and the final set."""
    gold = GOLD / request.param
    corpus = corpus_for(gold)
    if not any(gold.glob("*.json")) or not any(corpus.glob("*.txt")):
        pytest.skip(f"{request.param} corpus or gold files not present")
    return evaluate(gold, corpus)


def test_unseen_sets_figures_and_approx(unseen):
    """A floor on bulletins never used for tuning: catches regressions, not a target."""
    assert unseen.documents > 0
    assert unseen.f1 >= 0.95, format_report(unseen)
    assert unseen.approx_accuracy >= 0.97, format_report(unseen)


def test_corpus_folder_follows_the_gold_folder():
    assert corpus_for(Path("tests/gold")) == Path("corpus")
    assert corpus_for(Path("tests/gold/final")) == Path("corpus/final")
    assert corpus_for(GOLD / "heldout") == CORPUS / "heldout"


def test_reports_of_several_sets_add_up():
    one = EvalReport(documents=2, gold=10, extracted=9, matched=8, approx_ok=8, metric_ok=7,
                     misses=["a", "b"])
    two = EvalReport(documents=1, gold=5, extracted=6, matched=5, approx_ok=4, metric_ok=5,
                     extras=["c"])
    total = combine([one, two])
    assert (total.documents, total.gold, total.extracted, total.matched) == (3, 15, 15, 13)
    assert total.approx_accuracy == 12 / 13 and total.metric_accuracy == 12 / 13
    assert total.misses == ["a", "b"] and total.extras == ["c"]
    assert "misses" not in format_report(total, limit=0)
