"""Real third-party Chinese PDFs (../shared/real-pdfs): no crash, proper Chinese, no leaks."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract.layout import group_articles
from extract.pdf import read_pdf

REAL = Path(__file__).resolve().parent.parent.parent / "shared" / "real-pdfs"
pytestmark = pytest.mark.skipif(not REAL.is_dir(), reason="../shared/real-pdfs not present")
LATIN1_MOJIBAKE = set("£±Ä¿¡ÈÊÀ½çÎÞ²úÕß")


def text_of(name: str, backend: str) -> str:
    doc = read_pdf(REAL / name, "x", backend=backend)
    return "\n".join(ln.text for page in doc.pages for ln in page.lines)


@pytest.mark.parametrize("backend", ["pdfium", "pdfplumber"])
def test_every_real_pdf_ingests(backend: str):
    for pdf in sorted(REAL.glob("*.pdf")):
        doc = read_pdf(pdf, "x", backend=backend)
        assert doc.pages, pdf.name
        for page in doc.pages:
            assert page.blocks is not None
            group_articles(page)


@pytest.mark.parametrize("backend", ["pdfium", "pdfplumber"])
def test_gbk_mojibake_files_come_out_as_chinese(backend: str):
    simfang = text_of("pdfjs_SimFang-variant.pdf", backend)
    assert "全世界无产者，联合起来" in simfang
    toc = text_of("pdfjs_XiaoBiaoSong.pdf", backend)
    assert "关于红军作战的原则" in toc and "一九三七年八月一日" in toc
    assert not LATIN1_MOJIBAKE & set(simfang + toc)


@pytest.mark.parametrize("backend", ["pdfium", "pdfplumber"])
def test_invisible_spacer_glyphs_do_not_leak(backend: str):
    text = text_of("unstructured_simplified_chinese.pdf", backend)
    assert "监制制" not in text and "顾制问" not in text
    assert text.splitlines()[0].replace(" ", "") == "监制："


def test_plain_header_reads_unchanged():
    text = text_of("pdfjs_issue2128r.pdf", "pdfium")
    assert "浅谈校长的魅力" in text and "山西省闻喜县诚镇初中" in text
