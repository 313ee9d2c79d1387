"""The corpus gold: `bulletin eval` scores meet the acceptance thresholds."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract.evaluate import evaluate, format_report

ROOT = Path(__file__).resolve().parents[1]
CORPUS, GOLD = ROOT / "corpus", ROOT / "tests" / "gold"
HELDOUT_CORPUS, HELDOUT_GOLD = CORPUS / "heldout", GOLD / "heldout"


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


@pytest.fixture(scope="module")
def heldout():
    if not any(HELDOUT_GOLD.glob("*.json")) or not any(HELDOUT_CORPUS.glob("*.txt")):
        pytest.skip("held-out corpus or gold files not present")
    return evaluate(HELDOUT_GOLD, HELDOUT_CORPUS)


def test_heldout_figures_and_approx(heldout):
    """A floor on bulletins never used for tuning: catches regressions, not a target."""
    assert heldout.documents > 0
    assert heldout.f1 >= 0.95, format_report(heldout)
    assert heldout.approx_accuracy >= 0.97, format_report(heldout)
