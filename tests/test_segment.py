"""Segmenting a page into articles: displaced headlines, leads and captions find their body."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extract.read import read_document
from extract.reflow import reflow
from extract.segment import segment, segment_blocks, source_outlet_of
from schemas import Block, BlockKind, Line, Page

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
GOLD = ROOT / "tests" / "gold"
ENCODINGS = Path(__file__).parent / "data" / "encodings"


def column(paragraph: str, width: int = 13) -> str:
    """A paragraph as copied out of a newspaper column: hard breaks, blank lines between."""
    return "\n\n".join(paragraph[i : i + width] for i in range(0, len(paragraph), width))


def page_of(*parts: str) -> Page:
    text = "\n\n".join(parts)
    return Page(number=1, lines=[Line(text=line) for line in text.split("\n")])


# Invented bulletins, three places that share no names.
MEITAN_BODY = [
    "湄潭县民政局把社工站建设作为提升基层民政服务能力的重要抓手，全县15个乡镇社工站全部实现实体化运行。",
    "截至目前，湄潭县社工站共配备工作人员46名，其中专职社工30名、兼职社工16名，累计走访茶农家庭2130户。",
]
MEITAN_HEADLINE = "贵州湄潭：茶乡社工站织密民生保障网"
MEITAN_LEAD = "近年来，湄潭县坚持以茶乡群众需求为导向，推动社工服务向茶园村寨延伸，让民生保障更有温度。"
MEITAN_CAPTION = "湄潭县社工走访茶农家庭（图片来源：湄潭县民政局）"
SHEXIAN_BODY = [
    "涉县民政局日前在井店镇举办社会工作人才培训班，邀请省内高校教师授课，培训基层民政干部120人。",
    "涉县还组织太行山区各村社工骨干赴邢台学习，今年以来已有37人通过社会工作者职业资格考试。",
]
SHEXIAN_HEADLINE = "河北涉县：太行山区社工人才培训班开班"
CHANGTING_BODY = [
    "长汀县民政局联合汀州镇各社区，为高龄独居老人建立健康档案412份，开展助餐服务8600余人次。",
    "长汀县还在河田镇试点“时间银行”，注册志愿者达560人。",
]
CHANGTING_HEADLINE = "福建长汀：汀江两岸的助老“时间银行”"


def body(paragraphs: list[str]) -> str:
    return "\n\n".join(column(p) for p in paragraphs)


def by_headline(articles):
    return {a.headline: a for a in articles}


def test_headline_after_its_body_and_two_headlines_in_a_row():
    articles = segment(
        page_of(
            body(MEITAN_BODY), "（据遵义日报）",
            MEITAN_HEADLINE, SHEXIAN_HEADLINE,
            body(SHEXIAN_BODY), "（据邯郸日报）",
        )
    )
    assert [a.headline for a in articles] == [MEITAN_HEADLINE, SHEXIAN_HEADLINE]
    assert [a.source_outlet for a in articles] == ["遵义日报", "邯郸日报"]
    assert [a.seq for a in articles] == [0, 1]


def test_headlines_before_their_bodies():
    articles = segment(
        page_of(
            SHEXIAN_HEADLINE, body(SHEXIAN_BODY), "（据邯郸日报）",
            CHANGTING_HEADLINE, body(CHANGTING_BODY), "（来源：闽西日报）",
        )
    )
    assert [(a.headline, a.source_outlet) for a in articles] == [
        (SHEXIAN_HEADLINE, "邯郸日报"),
        (CHANGTING_HEADLINE, "闽西日报"),
    ]
    assert articles[1].paragraphs == CHANGTING_BODY


def test_headlines_gathered_after_all_bodies_in_another_order():
    articles = segment(
        page_of(
            body(MEITAN_BODY), "（据遵义日报）",
            body(SHEXIAN_BODY), "（据邯郸日报）",
            body(CHANGTING_BODY), "（据闽西日报）",
            CHANGTING_HEADLINE, MEITAN_HEADLINE, SHEXIAN_HEADLINE,
        )
    )
    assert [a.headline for a in articles] == [MEITAN_HEADLINE, SHEXIAN_HEADLINE, CHANGTING_HEADLINE]


def test_lead_and_caption_at_the_end_of_the_page():
    articles = segment(
        page_of(
            body(MEITAN_BODY), "（据遵义日报）",
            SHEXIAN_HEADLINE, body(SHEXIAN_BODY), "（据邯郸日报）",
            MEITAN_HEADLINE, column(MEITAN_LEAD, 11), "”", MEITAN_CAPTION,
        )
    )
    meitan, shexian = articles
    assert meitan.headline == MEITAN_HEADLINE
    assert meitan.lead == MEITAN_LEAD
    assert meitan.caption == MEITAN_CAPTION
    assert shexian.lead is None and shexian.caption is None
    assert "”" not in meitan.text.replace(MEITAN_LEAD, "").replace(MEITAN_CAPTION, "")


def test_lead_between_a_source_line_and_a_headline():
    articles = segment(
        page_of(
            body(SHEXIAN_BODY), "（据邯郸日报）",
            column(MEITAN_LEAD),
            MEITAN_HEADLINE, body(MEITAN_BODY), "（据遵义日报）",
            SHEXIAN_HEADLINE,
        )
    )
    assert by_headline(articles)[MEITAN_HEADLINE].lead == MEITAN_LEAD
    assert by_headline(articles)[SHEXIAN_HEADLINE].lead is None
    assert len(articles) == 2


def test_caption_in_the_middle_of_another_article_goes_home():
    articles = segment(
        page_of(
            MEITAN_HEADLINE, body(MEITAN_BODY), "（据遵义日报）",
            SHEXIAN_HEADLINE, column(SHEXIAN_BODY[0]), MEITAN_CAPTION, column(SHEXIAN_BODY[1]),
            "（据邯郸日报）",
        )
    )
    meitan, shexian = articles
    assert meitan.caption == MEITAN_CAPTION
    assert shexian.paragraphs == SHEXIAN_BODY


def test_sections_inside_a_body_run_belong_to_that_article():
    articles = segment(
        page_of(
            "聚焦茶乡民生\n织密保障网络", column(MEITAN_BODY[0]),
            "关爱一老一小\n守护幸福成长", column(MEITAN_BODY[1]),
            "（据遵义日报）",
            MEITAN_HEADLINE, SHEXIAN_HEADLINE, body(SHEXIAN_BODY), "（据邯郸日报）",
        )
    )
    meitan, shexian = articles
    assert meitan.sections == ["聚焦茶乡民生 织密保障网络", "关爱一老一小 守护幸福成长"]
    assert meitan.headline == MEITAN_HEADLINE
    assert shexian.sections == []


def test_last_article_without_source_line_is_still_an_article():
    articles = segment(
        page_of(
            MEITAN_HEADLINE, body(MEITAN_BODY), "（据遵义日报）",
            CHANGTING_HEADLINE, body(CHANGTING_BODY),
        )
    )
    assert [a.headline for a in articles] == [MEITAN_HEADLINE, CHANGTING_HEADLINE]
    assert articles[1].source_outlet is None
    assert articles[1].paragraphs == CHANGTING_BODY


def test_clean_file_with_plain_title_and_sections():
    articles = segment(
        page_of(
            "湄潭县茶乡社工站建设纪实",
            MEITAN_LEAD,
            "一、建强阵地", MEITAN_BODY[0],
            "二、配齐队伍", MEITAN_BODY[1],
            "（据遵义日报）",
        )
    )
    (article,) = articles
    assert article.headline == "湄潭县茶乡社工站建设纪实"
    assert article.lead == MEITAN_LEAD
    assert article.sections == ["一、建强阵地", "二、配齐队伍"]
    assert article.paragraphs == MEITAN_BODY


def test_every_part_keeps_its_span_and_the_text_is_the_parts_joined():
    (meitan, shexian) = segment(
        page_of(
            body(MEITAN_BODY), "（据遵义日报）",
            SHEXIAN_HEADLINE, body(SHEXIAN_BODY), "（据邯郸日报）",
            MEITAN_HEADLINE, column(MEITAN_LEAD), MEITAN_CAPTION,
        )
    )
    for article in (meitan, shexian):
        pieces = [article.text[p.start : p.end] for p in article.parts]
        assert "\n".join(pieces) == article.text
    kinds = [p.kind for p in meitan.parts]
    assert kinds == [BlockKind.headline, BlockKind.lead, BlockKind.body, BlockKind.body,
                     BlockKind.caption, BlockKind.source]
    lead_part = meitan.parts[1]
    assert meitan.text[lead_part.start : lead_part.end] == MEITAN_LEAD


def test_segment_blocks_keeps_every_block_but_noise():
    blocks = reflow(
        page_of(body(MEITAN_BODY), "（据遵义日报）", MEITAN_HEADLINE, "■", column(MEITAN_LEAD), MEITAN_CAPTION)
    )
    groups = segment_blocks(blocks)
    kept = sorted(b.text for g in groups for b in g)
    assert kept == sorted(b.text for b in blocks if b.kind != BlockKind.noise)


def test_segment_accepts_blocks_and_pages_with_blocks():
    blocks = [
        Block(kind=BlockKind.headline, text=SHEXIAN_HEADLINE),
        Block(kind=BlockKind.body, text=SHEXIAN_BODY[0]),
        Block(kind=BlockKind.source, text="（据邯郸日报）"),
    ]
    from_blocks = segment(blocks)
    from_page = segment(Page(blocks=blocks))
    assert from_blocks[0].headline == from_page[0].headline == SHEXIAN_HEADLINE
    assert segment(blocks, start_seq=4)[0].seq == 4


def test_empty_input_has_no_articles():
    assert segment([]) == []


@pytest.mark.parametrize(
    ("line", "outlet"),
    [
        ("（据遵义日报）", "遵义日报"),
        ("（来源：闽西日报）", "闽西日报"),
        ("(据 邯郸日报)", "邯郸日报"),
        ("（据新华社报道）", "新华社"),
        ("（图片来源：湄潭县民政局）", None),
        ("据了解，全县共有15个社工站。", None),
    ],
)
def test_source_outlet_of(line, outlet):
    assert source_outlet_of(line) == outlet


@pytest.mark.parametrize(
    ("name", "headline", "outlet"),
    [
        ("gbk_bulletin.txt", "福建长汀：社工站让留守老人“老有所依”", "闽西日报"),
        ("utf8_bom_bulletin.txt", "吉林珲春：社区养老服务中心投入运营", "延边日报"),
    ],
)
def test_encoded_files_segment_end_to_end(name, headline, outlet):
    (article,) = segment(read_document(ENCODINGS / name).pages[0])
    assert article.headline == headline
    assert article.source_outlet == outlet


# --- the bundled corpus, against its hand-checked gold ----------------------------------


def gold_cases() -> list[Path]:
    return sorted(g for g in GOLD.glob("*.json") if (CORPUS / f"{g.stem}.txt").exists())


@pytest.mark.parametrize("gold_path", gold_cases(), ids=lambda p: p.stem)
def test_corpus_file_segments_as_its_gold_says(gold_path):
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    document = read_document(CORPUS / f"{gold_path.stem}.txt")
    articles = [a for page in document.pages for a in segment(page)]
    expected = gold["articles"]
    assert [a.headline for a in articles] == [e.get("headline") for e in expected]
    for article, want in zip(articles, expected, strict=True):
        assert article.source_outlet == want.get("source_outlet")
        assert article.sections == want.get("sections", [])
        assert article.caption == want.get("caption")
        lead_start = want.get("lead_starts_with")
        if lead_start is None:
            assert article.lead is None
        else:
            assert article.lead is not None and article.lead.startswith(lead_start)
        for snippet in want.get("text_contains", []):
            assert snippet in article.text
        if "paragraph_count" in want:
            assert len(article.paragraphs) == want["paragraph_count"]
    if gold.get("published"):
        assert str(document.published) == gold["published"]
