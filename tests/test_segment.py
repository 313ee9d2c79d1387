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
HELDOUT = CORPUS / "heldout"
HELDOUT_GOLD = GOLD / "heldout"
FINAL = CORPUS / "final"
FINAL_GOLD = GOLD / "final"
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


# --- other bulletin styles: web posts, notices, newspaper furniture --------------------


def test_web_post_title_with_comma_over_its_header_and_footer_fields():
    (article,) = segment(
        page_of(
            "茶季将至，湄潭这群社工把服务送进茶园",
            "原创　湄潭民政　2024年04月12日 09:05 贵州",
            body(MEITAN_BODY),
            "来源｜湄潭县民政局\n编辑｜张 三\n审核｜李 四\n阅读 1.2万　点赞 356　在看 28",
        )
    )
    assert article.headline == "茶季将至，湄潭这群社工把服务送进茶园"
    assert article.source_outlet == "湄潭县民政局"
    assert article.sections == []
    assert article.paragraphs == MEITAN_BODY
    assert "编辑" not in article.text and "阅读" not in article.text


def test_source_and_author_footer_on_two_lines():
    (article,) = segment(page_of(MEITAN_HEADLINE, body(MEITAN_BODY), "来源：遵义日报\n作者：王小明"))
    assert article.source_outlet == "遵义日报"
    assert article.headline == MEITAN_HEADLINE
    assert article.paragraphs == MEITAN_BODY


@pytest.mark.parametrize(
    ("header", "outlet"),
    [
        ("来源：遵义日报　作者：王小明", "遵义日报"),
        ("来源：遵义日报　2024年04月12日　第03版", "遵义日报"),
        ("发布时间：2024-04-12　信息来源：湄潭县民政局　【字体：大 中 小】", "湄潭县民政局"),
    ],
)
def test_header_source_field_names_the_outlet_up_to_the_next_field(header, outlet):
    (article,) = segment(page_of(SHEXIAN_HEADLINE, header, body(SHEXIAN_BODY)))
    assert article.source_outlet == outlet
    assert article.headline == SHEXIAN_HEADLINE


def test_outlet_in_title_marks_loses_them():
    assert source_outlet_of("（据《遵义日报》）") == "遵义日报"


NOTICE = [
    "湄潭县民政局关于2023年度社会组织年度检查结果的公告",
    "湄民〔2024〕12号",
    "根据有关规定，我局对全县登记的社会组织开展了年度检查。现将有关情况公告如下：",
    "一、基本情况\n全县登记社会组织共有96家，其中社会团体41家、民办非企业单位55家。",
    "二、年检结果\n年检合格88家，不合格3家。",
    "三、有关要求\n（一）不合格的社会组织应当在30日内完成整改。\n（二）请各业务主管单位督促整改。",
    "联系人：王女士　联系电话：0851-27221234",
    "附件：湄潭县2023年度社会组织年检结果名单",
    "湄潭县民政局\n2024年5月20日",
]


def test_notice_with_numbered_clauses_fields_and_signature_is_one_article():
    (article,) = segment(page_of(*NOTICE))
    assert article.headline == NOTICE[0]
    assert article.sections == ["一、基本情况", "二、年检结果", "三、有关要求"]
    assert article.lead is None
    assert "（二）请各业务主管单位督促整改。" in article.paragraphs
    assert "附件：湄潭县2023年度社会组织年检结果名单" in article.text


def test_notice_preamble_joined_in_one_line_still_breaks_before_its_first_clause():
    (article,) = segment(page_of(NOTICE[0], NOTICE[2] + "\n一、基本情况\n全县登记社会组织共有96家。"))
    assert article.sections == ["一、基本情况"]
    assert article.paragraphs[0].endswith("公告如下：")


def test_notice_title_without_document_number_is_the_headline():
    (article,) = segment(page_of("湄潭县民政局关于开展社会救助政策宣传月活动的通知", "各乡镇民政办：", *NOTICE[2:5]))
    assert article.headline == "湄潭县民政局关于开展社会救助政策宣传月活动的通知"
    assert article.sections == ["一、基本情况", "二、年检结果"]
    assert article.paragraphs[0].startswith("各乡镇民政办：根据有关规定")


def test_page_header_and_editor_line_are_not_an_article():
    articles = segment(
        page_of(
            "2024年3月8日　星期五\n民生周刊　第 3 版\n版面编辑：王 蕾　校对：李 明",
            MEITAN_HEADLINE, body(MEITAN_BODY), "（据遵义日报）",
            SHEXIAN_HEADLINE, body(SHEXIAN_BODY), "（据邯郸日报）",
            "第 A03 版",
        )
    )
    assert [a.headline for a in articles] == [MEITAN_HEADLINE, SHEXIAN_HEADLINE]
    assert all("版" not in " ".join(a.sections) for a in articles)
    assert "校对" not in "".join(a.text for a in articles)


def test_plain_title_over_a_page_date_is_the_headline():
    (article,) = segment(page_of("2024年3月8日　星期五\n第3版", "湄潭县茶乡社工站建设纪实", *MEITAN_BODY))
    assert article.headline == "湄潭县茶乡社工站建设纪实"
    assert article.sections == []


@pytest.mark.parametrize(
    "opener",
    ["本报讯（记者 王小明 通讯员 李 华）", "本报讯", "遵义讯（通讯员 李 华）", "新华社贵阳4月12日电（记者 王小明）"],
)
def test_news_opener_on_its_own_line_starts_the_first_paragraph(opener):
    (article,) = segment(page_of(MEITAN_HEADLINE, opener + "\n" + MEITAN_BODY[0], MEITAN_BODY[1]))
    assert article.headline == MEITAN_HEADLINE
    assert article.sections == []
    assert len(article.paragraphs) == 2
    assert article.paragraphs[0].endswith(MEITAN_BODY[0])


def test_reporter_and_correspondent_byline_under_the_headline():
    (article,) = segment(page_of(MEITAN_HEADLINE, "本报记者 王小明　通讯员 李 华", body(MEITAN_BODY), "（据遵义日报）"))
    assert article.headline == MEITAN_HEADLINE
    assert article.byline == "本报记者 王小明 通讯员 李华"
    assert article.paragraphs == MEITAN_BODY


@pytest.mark.parametrize("caption", ["湄潭县社工走访茶农家庭。", "图为湄潭县社工走访茶农家庭"])
def test_photo_credit_line_makes_the_line_before_it_a_caption(caption):
    (article,) = segment(page_of(MEITAN_HEADLINE, column(MEITAN_BODY[0]), caption, "记者 王小明 摄", MEITAN_BODY[1]))
    assert article.caption is not None
    assert article.caption.startswith(caption) and article.caption.endswith("记者 王小明 摄")
    assert article.paragraphs == MEITAN_BODY
    assert article.byline is None


@pytest.mark.parametrize("title", ["扎根茶乡的“社工妈妈”", "扎根茶乡，做群众身边的“社工妈妈”"])
def test_subtitle_line_makes_the_line_over_it_the_headline_and_is_no_part_of_it(title):
    (article,) = segment(page_of(f"{title}\n——记湄潭县社工站站长王芳", *MEITAN_BODY))
    assert article.headline == title
    assert article.sections == []
    assert article.paragraphs == ["——记湄潭县社工站站长王芳", *MEITAN_BODY]


def test_editors_note_label_opens_the_note_and_is_no_heading():
    (article,) = segment(page_of(MEITAN_HEADLINE, "【编者按】\n各地社工站建设提速，本报推出系列报道。", body(MEITAN_BODY)))
    assert article.headline == MEITAN_HEADLINE
    assert article.sections == []
    assert article.paragraphs[0] == "【编者按】各地社工站建设提速，本报推出系列报道。"


def test_contact_field_is_not_a_place_headline():
    articles = segment(
        page_of(MEITAN_HEADLINE, body(MEITAN_BODY), "联系人：王女士　联系电话：0851-27221234", "（据遵义日报）")
    )
    assert [a.headline for a in articles] == [MEITAN_HEADLINE]


def test_web_page_copy_keeps_only_the_article_and_its_header_source():
    (article,) = segment(
        page_of(
            "首页 > 新闻中心 > 工作动态",
            MEITAN_HEADLINE,
            "发布时间：2024-04-12 09:35　　来源：湄潭县民政局　　编辑：李佳　　浏览次数：2316\n【字体：大 中 小】　【打印本页】",
            *MEITAN_BODY,
            "【打印本页】　【关闭窗口】\n上一篇：湄潭县召开2024年社会组织工作会议\n下一篇：湄潭县开展“民法典进社区”宣传活动",
        )
    )
    assert article.headline == MEITAN_HEADLINE
    assert article.source_outlet == "湄潭县民政局"
    assert article.sections == []
    assert article.paragraphs == MEITAN_BODY
    assert not any(word in article.text for word in ("首页", "打印", "上一篇", "下一篇", "字体"))


@pytest.mark.parametrize("preamble_end", ["现将有关情况总结如下。", "现将有关情况报告如下：", "具体情况如下："])
def test_report_preamble_announcing_its_parts_is_no_lead(preamble_end):
    preamble = "2024年上半年，湄潭县民政局坚持以人民为中心，扎实推进各项民政工作，" + preamble_end
    (article,) = segment(
        page_of("湄潭县民政局2024年上半年工作总结", preamble, "一、主要工作开展情况", *MEITAN_BODY)
    )
    assert article.headline == "湄潭县民政局2024年上半年工作总结"
    assert article.lead is None
    assert article.paragraphs[0] == preamble
    assert article.sections == ["一、主要工作开展情况"]


def test_news_paragraph_before_the_first_section_is_still_the_lead():
    (article,) = segment(page_of(MEITAN_HEADLINE, MEITAN_LEAD, "一、主要做法", *MEITAN_BODY))
    assert article.lead == MEITAN_LEAD


# --- the bundled corpora, against their hand-checked gold -------------------------------


def gold_cases(gold_dir: Path, corpus_dir: Path) -> list[Path]:
    return sorted(g for g in gold_dir.glob("*.json") if (corpus_dir / f"{g.stem}.txt").exists())


def assert_segments_as_gold(gold_path: Path, corpus_dir: Path) -> None:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    document = read_document(corpus_dir / f"{gold_path.stem}.txt")
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


@pytest.mark.parametrize("gold_path", gold_cases(GOLD, CORPUS), ids=lambda p: p.stem)
def test_corpus_file_segments_as_its_gold_says(gold_path):
    assert_segments_as_gold(gold_path, CORPUS)


@pytest.mark.parametrize("gold_path", gold_cases(HELDOUT_GOLD, HELDOUT), ids=lambda p: p.stem)
def test_heldout_file_segments_as_its_gold_says(gold_path):
    assert_segments_as_gold(gold_path, HELDOUT)


def test_heldout_corpus_is_present():
    assert len(gold_cases(HELDOUT_GOLD, HELDOUT)) >= 10


@pytest.mark.parametrize("gold_path", gold_cases(FINAL_GOLD, FINAL), ids=lambda p: p.stem)
def test_final_set_file_segments_as_its_gold_says(gold_path):
    assert_segments_as_gold(gold_path, FINAL)


def test_final_set_is_present():
    assert len(gold_cases(FINAL_GOLD, FINAL)) >= 10
