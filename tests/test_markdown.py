"""Markdown bulletins read as plain text: headings, emphasis and links leave no markup behind."""

from __future__ import annotations

from pathlib import Path

from extract.markdown import markdown_to_text
from extract.pipeline import extract_document

BULLETIN = """# 宁夏贺兰：社工站服务覆盖全县

**2024年6月3日**

近年来，贺兰县民政局持续推进乡镇（街道）社工站建设，全县8个乡镇（街道）社工站实现全覆盖。
截至目前，全县共有持证社工126人，其中助理社会工作师98人、社会工作师28人。

## 聚焦一老一小

今年以来，各社工站累计走访困难老人1,200余户，开展儿童关爱活动56场。

（据银川日报）
"""


def test_markup_is_removed_and_blocks_stay_apart():
    text = markdown_to_text("# 标题\n\n正文**加粗**，见[通知](http://example.org)。\n第二行\n\n- 列表项\n")
    assert text == "标题\n\n正文加粗，见通知。\n第二行\n\n列表项\n"


def test_markdown_bulletin_segments_like_its_plain_text(tmp_path: Path):
    md = tmp_path / "helan.md"
    md.write_text(BULLETIN, encoding="utf-8")
    document, extracted = extract_document(md)
    [(article, facts, _)] = extracted
    assert article.headline == "宁夏贺兰：社工站服务覆盖全县"
    assert article.sections == ["聚焦一老一小"]
    assert article.source_outlet == "银川日报"
    assert "#" not in article.text and "*" not in article.text
    assert document.published.isoformat() == "2024-06-03"
    assert facts.region.code == "640122"
    assert [(f.value, f.part_of) for f in facts.figures][:4] == [(8, None), (126, None), (98, 1), (28, 1)]
