"""Reflow: column-width lines copied out of a newspaper PDF become paragraph blocks."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract.reflow import join_lines, reflow, tidy_spaces
from schemas import Line, Page


def page(text: str) -> Page:
    return Page(number=1, lines=[Line(text=line) for line in text.split("\n")])


def kinds_and_texts(text: str) -> list[tuple[str, str]]:
    return [(b.kind.value, b.text) for b in reflow(page(text))]


def squeeze(text: str) -> str:
    return re.sub(r"\s", "", text)


# --- joining lines ------------------------------------------------------------------------


def test_chinese_lines_join_without_space():
    assert join_lines(["贵州湄潭县民政局把", "社工站建设作为"]) == "贵州湄潭县民政局把社工站建设作为"


def test_spaces_around_numbers_are_removed():
    assert join_lines(["全县现有持证社工 96 人，其", "中，持社会工作师证书 31", "人。"]) == (
        "全县现有持证社工96人，其中，持社会工作师证书31人。"
    )


def test_number_split_from_its_unit_joins_back():
    assert join_lines(["开展各类活动 86 余", "", "场，服务 4210多人"]) == "开展各类活动86余场，服务4210多人"


def test_digits_split_across_lines_join_back():
    assert join_lines(["累计服务 12", "345 人次"]) == "累计服务12345人次"


def test_word_split_across_lines_joins_back():
    assert join_lines(["四子王", "", "旗民政局"]) == "四子王旗民政局"


def test_space_after_full_width_colon_is_removed():
    assert join_lines(["福建长汀： 社工站里", "的暖心事"]) == "福建长汀：社工站里的暖心事"


def test_latin_words_keep_one_space():
    assert tidy_spaces("引入 Social  Work 理念，打造 5 G 服务") == "引入Social Work理念，打造5 G服务"
    assert join_lines(["推广 Social ", "Work 方法"]) == "推广Social Work方法"


def test_latin_word_split_without_space_joins_back():
    assert join_lines(["使用 Micro", "soft 表格"]) == "使用Microsoft表格"


@pytest.mark.parametrize(
    ("raw", "tidy"),
    [
        ("记者 符晓梅 摄", "记者 符晓梅 摄"),
        ("强化阵地建设　夯实服务基础", "强化阵地建设 夯实服务基础"),
        ("社 会 工 作", "社会工作"),
        ("【字体：大 中 小】", "【字体：大中小】"),
        ("通讯员 李 华", "通讯员 李华"),
        ("江苏泰兴： 社工站", "江苏泰兴：社工站"),
        ("持证社工 185 人，其中 ", "持证社工185人，其中"),
        ("第 3 版", "第3版"),
    ],
)
def test_spaces_between_hanzi_words_stay_letter_spacing_goes(raw, tidy):
    assert tidy_spaces(raw) == tidy


def test_lines_of_a_paragraph_still_join_without_a_space_between_words():
    assert join_lines(["图为社工走访茶农", "家庭。记者 王小明 摄"]) == "图为社工走访茶农家庭。记者 王小明 摄"


# --- paragraphs -------------------------------------------------------------------------


COPIED = """贵州湄潭县民政局把社

工站建设作为提升服务能力

的抓手，全县 15 个乡镇社工

站全部实现实体化运行。
截至目前，共配备工作人员

 46 名，其中专职社工 30

名。
（据遵义日报）"""


def test_blank_lines_inside_a_paragraph_are_not_breaks():
    blocks = kinds_and_texts(COPIED)
    assert blocks[0] == ("body", "贵州湄潭县民政局把社工站建设作为提升服务能力的抓手，全县15个乡镇社工站全部实现实体化运行。")


def test_sentence_end_at_line_end_breaks_and_source_line_is_its_own_block():
    blocks = kinds_and_texts(COPIED)
    assert blocks[1] == ("body", "截至目前，共配备工作人员46名，其中专职社工30名。")
    assert blocks[2] == ("source", "（据遵义日报）")
    assert len(blocks) == 3


def test_no_line_break_survives_inside_a_block():
    assert all("\n" not in b.text for b in reflow(page(COPIED)))


def test_sentence_end_inside_a_line_does_not_break():
    blocks = kinds_and_texts("今年已有 12人通过考试。目前，全\n县持证社工达 88人。")
    assert blocks == [("body", "今年已有12人通过考试。目前，全县持证社工达88人。")]


def test_closing_quote_on_the_next_line_stays_with_its_sentence():
    blocks = kinds_and_texts("他说：“社工站就是我们的家。\n”\n下一段开始了，内容继续。")
    assert blocks[0] == ("body", "他说：“社工站就是我们的家。”")
    assert blocks[1][0] == "body"


def test_lone_quote_mark_without_open_quote_is_noise():
    blocks = kinds_and_texts("为全县居民提供专业服务。\n\n”\n\n湄潭县社工入户走访（图片来源：湄潭县民政局）")
    assert blocks == [
        ("body", "为全县居民提供专业服务。"),
        ("noise", "”"),
        ("caption", "湄潭县社工入户走访（图片来源：湄潭县民政局）"),
    ]


def test_unit_and_stop_alone_on_a_line_finish_the_open_sentence():
    blocks = kinds_and_texts("全县社会组织党组织覆盖率达到100\n\n %。\n\n全县共有社工站12个。")
    assert blocks == [("body", "全县社会组织党组织覆盖率达到100%。"), ("body", "全县共有社工站12个。")]


def test_source_line_wrapped_over_two_lines():
    blocks = kinds_and_texts("服务覆盖全部社区。\n（来源：黔南布依族苗族\n自治州民政局）")
    assert blocks[-1] == ("source", "（来源：黔南布依族苗族自治州民政局）")


def test_source_line_glued_to_the_last_sentence_is_split_off():
    blocks = kinds_and_texts("服务覆盖全部社区。（据黔南日报）")
    assert blocks == [("body", "服务覆盖全部社区。"), ("source", "（据黔南日报）")]


def test_indented_line_starts_a_paragraph():
    blocks = kinds_and_texts("\u3000\u3000第一段说到这里\n\u3000\u3000第二段从这里开始。")
    assert [k for k, _ in blocks] == ["body", "body"]


# --- headings ---------------------------------------------------------------------------


COLUMN_PAGE = """强化阵地建设

夯实服务基础

湄潭县把闲置村级活动场所改造为

社工站，全县建成社工站 15 个、

社工室 126 个，实现乡镇全覆盖。

据湄潭县民政局有关负责

人介绍，下一步将继续加大投

入力度，提升服务水平。

（据遵义日报）

贵州湄潭：

“小站点”撬动基层治理“大变化”

 河北涉县：社工人才培训班开班

涉县民政局日前举办社会工作人才

培训班，培训基层干部 120 人。

（据邯郸日报）"""


def test_two_short_heading_lines_are_one_section_joined_by_a_space():
    assert kinds_and_texts(COLUMN_PAGE)[0] == ("section", "强化阵地建设 夯实服务基础")


def test_unpunctuated_first_line_of_a_paragraph_is_not_a_heading():
    blocks = kinds_and_texts(COLUMN_PAGE)
    assert ("body", "据湄潭县民政局有关负责人介绍，下一步将继续加大投入力度，提升服务水平。") in blocks


def test_headline_ending_in_colon_runs_on_without_space():
    blocks = kinds_and_texts(COLUMN_PAGE)
    assert ("headline", "贵州湄潭：“小站点”撬动基层治理“大变化”") in blocks


def test_two_headlines_in_a_row_stay_apart():
    texts = [t for k, t in kinds_and_texts(COLUMN_PAGE) if k == "headline"]
    assert texts == ["贵州湄潭：“小站点”撬动基层治理“大变化”", "河北涉县：社工人才培训班开班"]


def test_headline_wrapped_at_column_width_joins_without_space():
    text = "（据央广网）\n\n福建长汀： 社工站建设与服务\n规范获龙岩地方标准立项\n\n近年来，长汀县始终坚持党建引\n领，推动社工站建设。"
    blocks = kinds_and_texts(text)
    assert blocks[1] == ("headline", "福建长汀：社工站建设与服务规范获龙岩地方标准立项")
    assert blocks[2][0] == "body"


def test_long_unpunctuated_line_is_a_headline_and_short_one_a_section():
    text = "吉林珲春市社区养老服务中心正式投入运营迎来首批老人\n\n珲春市民政局在靖和街道新建养老\n服务中心，可提供床位 60 张。\n\n服务内容\n\n中心提供助餐、助浴、日间照料等\n服务，受到居民欢迎。"
    blocks = kinds_and_texts(text)
    assert blocks[0] == ("headline", "吉林珲春市社区养老服务中心正式投入运营迎来首批老人")
    assert blocks[2] == ("section", "服务内容")


def test_numbered_section_heading_with_its_enumerator_comma():
    text = "一、强化阵地建设\n全县建成社工站 15 个，实现乡镇全覆盖。\n二、深化专业服务\n累计走访 3,120 户。"
    blocks = kinds_and_texts(text)
    assert blocks[0] == ("section", "一、强化阵地建设")
    assert blocks[2] == ("section", "二、深化专业服务")


def test_page_header_and_dateline():
    blocks = kinds_and_texts("2024年3月8日  星期五        第 3 版\n2024年3月8日\n服务全部社区。")
    assert blocks[0][0] == "noise"
    assert blocks[1] == ("dateline", "2024年3月8日")


# --- web posts, notices and page furniture ---------------------------------------------


BODY_LINE = "湄潭县民政局把社工站建设作为提升基层民政服务能力的重要抓手，全县社工站实体化运行。"


def test_source_field_after_the_text_is_a_source_line_before_it_a_header():
    blocks = kinds_and_texts(f"湄潭县茶乡社工站建设纪实\n来源：遵义日报\n{BODY_LINE}\n来源｜湄潭县民政局")
    assert blocks[1] == ("byline", "来源：遵义日报")
    assert blocks[-1] == ("source", "来源｜湄潭县民政局")


def test_staff_credits_and_post_counters_are_noise():
    blocks = kinds_and_texts(f"{BODY_LINE}\n编辑｜张 三\n责任编辑：刘 畅　美编：王 蕾\n审核：李 四\n阅读 1.2万　点赞 356　在看 28")
    assert [k for k, _ in blocks] == ["body", "noise", "noise", "noise", "noise"]


def test_title_with_a_comma_over_a_post_header_is_a_headline():
    blocks = kinds_and_texts(f"茶季将至，湄潭这群社工把服务送进茶园\n原创　湄潭民政　2024年04月12日 09:05 贵州\n{BODY_LINE}")
    assert blocks[0] == ("headline", "茶季将至，湄潭这群社工把服务送进茶园")
    assert blocks[1][0] == "dateline"
    assert blocks[2] == ("body", BODY_LINE)


def test_sentence_with_a_date_and_spaces_is_no_post_header():
    blocks = kinds_and_texts("截至 2024 年 3 月 8 日，全县\n建成社工站 15 个。")
    assert blocks == [("body", "截至2024年3月8日，全县建成社工站15个。")]


def test_document_number_signature_and_fields_of_a_notice():
    text = (
        "湄潭县民政局关于社会组织年检结果的公告\n湄民〔2024〕12号\n现将有关情况公告如下：\n一、基本情况\n"
        "全县共有社会组织96家。\n联系人：王女士　联系电话：0851-27221234\n附件：年检结果名单\n湄潭县民政局\n2024年5月20日"
    )
    assert kinds_and_texts(text) == [
        ("headline", "湄潭县民政局关于社会组织年检结果的公告"),
        ("dateline", "湄民〔2024〕12号"),
        ("body", "现将有关情况公告如下："),
        ("section", "一、基本情况"),
        ("body", "全县共有社会组织96家。"),
        ("body", "联系人：王女士 联系电话：0851-27221234"),
        ("body", "附件：年检结果名单"),
        ("body", "湄潭县民政局"),
        ("dateline", "2024年5月20日"),
    ]


def test_sentence_quoting_a_notice_title_is_not_a_headline():
    blocks = kinds_and_texts("根据省民政厅关于做好社会救助工作的通知\n要求，全县民政部门开展困难群众排查。")
    assert blocks == [("body", "根据省民政厅关于做好社会救助工作的通知要求，全县民政部门开展困难群众排查。")]


def test_page_header_with_a_page_name_and_a_page_footer_are_noise():
    blocks = kinds_and_texts(f"民政·社会　第 5 版\n{BODY_LINE}\n第 A03 版　2024年3月8日")
    assert [k for k, _ in blocks] == ["noise", "body", "noise"]


def test_photo_credit_joins_the_caption_before_it():
    blocks = kinds_and_texts(f"{BODY_LINE}\n社工走访茶农家庭。\n记者 王小明 摄")
    assert blocks[-1] == ("caption", "社工走访茶农家庭。记者 王小明 摄")
    blocks = kinds_and_texts(f"{BODY_LINE}\n图为社工走访茶农家庭\n记者 王小明 摄")
    assert blocks[-1] == ("caption", "图为社工走访茶农家庭 记者 王小明 摄")


# --- no character invented or lost ------------------------------------------------------


LINE_ALPHABET = st.sampled_from(
    [*"社工站民政局服务县乡镇持证人名家户次，。；：“”（）据来源图片发布时间年月日版摄 0123456789ab-｜编辑审核〔〕号讯【】—",
     "\u3000"]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(LINE_ALPHABET, max_size=16), max_size=25))
def test_reflow_keeps_every_non_space_character_in_order(lines):
    blocks = reflow(Page(lines=[Line(text=line) for line in lines]))
    assert squeeze("".join(b.text for b in blocks)) == squeeze("".join(lines))
    assert all(b.text and "\n" not in b.text for b in blocks)


# --- web page furniture, bulletin titles, photo lines -----------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "首页 > 新闻中心 > 工作动态",
        "当前位置：首页 - 民政要闻",
        "【字体：大 中 小】　【打印本页】",
        "【打印】【关闭】",
        "分享到：微信 微博 QQ空间",
        "上一篇：湄潭县召开社会组织工作会议",
        "下一篇：无",
    ],
)
def test_web_page_navigation_and_controls_are_noise(line):
    blocks = kinds_and_texts(f"{BODY_LINE}\n{line}\n{BODY_LINE}")
    assert [k for k, _ in blocks] == ["body", "noise", "body"]


@pytest.mark.parametrize("line", ["满意度由90%提高到97%>省定标准", "下一步，全县将继续推进社工站建设。"])
def test_sentences_with_arrows_or_next_steps_are_no_furniture(line):
    assert [k for k, _ in kinds_and_texts(line)] == ["body"]


@pytest.mark.parametrize("date", ["2024年4月", "2024年4月20日"])
def test_issuing_body_over_a_date_under_a_title_is_a_byline(date):
    text = f"2023年湄潭县民政事业发展统计公报\n\n湄潭县民政局\n{date}\n\n一、社会救助\n\n{BODY_LINE}"
    assert kinds_and_texts(text)[:4] == [
        ("headline", "2023年湄潭县民政事业发展统计公报"),
        ("byline", "湄潭县民政局"),
        ("dateline", date),
        ("section", "一、社会救助"),
    ]


def test_photo_line_ending_in_a_credit_is_a_caption():
    blocks = kinds_and_texts(f"{BODY_LINE}\n王芳（左二）在入户走访独居老人。记者 王小明 摄")
    assert blocks[-1] == ("caption", "王芳（左二）在入户走访独居老人。记者 王小明 摄")


def test_place_headline_with_a_comma_wraps_onto_a_short_line():
    text = "贵州湄潭：“茶”香暖人心，关爱\n不缺位\n\n湄潭县民政局联合团县委组\n建志愿服务队37支，招募志\n愿者860余名，开展服务。"
    blocks = kinds_and_texts(text)
    assert blocks[0] == ("headline", "贵州湄潭：“茶”香暖人心，关爱不缺位")
    assert blocks[1][0] == "body"


def test_paragraph_opening_with_a_place_and_a_colon_is_no_headline():
    text = "贵州湄潭：近年来，湄潭县坚持\n以茶乡群众需求为导向，推动社\n工服务向茶园村寨延伸。"
    assert kinds_and_texts(text) == [("body", "贵州湄潭：近年来，湄潭县坚持以茶乡群众需求为导向，推动社工服务向茶园村寨延伸。")]


def test_headline_broken_after_its_place_keeps_a_short_quoted_last_line():
    text = "（据遵义日报）\n\n贵州湄潭：\n茶农补贴实现\n“跨县通办”\n\n“有事找社工”，如今在湄潭的茶\n乡已成为群众的共识。"
    blocks = kinds_and_texts(text)
    assert blocks[1] == ("headline", "贵州湄潭：茶农补贴实现“跨县通办”")
    assert blocks[2][0] == "body"
