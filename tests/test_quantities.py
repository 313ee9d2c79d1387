"""Quantity grammar: numbers with units, approximation words, ranges, and what is no figure."""

from __future__ import annotations

import pytest

from extract.quantities import find_quantities


def only(text: str):
    found = find_quantities(text)
    assert len(found) == 1, [q.surface for q in found]
    return found[0]


@pytest.mark.parametrize(
    ("text", "value", "unit", "approx"),
    [
        ("全县共有持证社工1,234人", 1234, "人", "exact"),
        ("覆盖率达95.5%", 95.5, "%", "exact"),
        ("新登记社会组织2.11万家", 21100, "家", "exact"),
        ("培训学员一千二百人", 1200, "人", "exact"),
        ("服务两千余人", 2000, "人", "at_least"),
        ("链接近百家爱心企业", 100, "家", "about"),
        ("满意度达到百分之九十五", 95, "%", "exact"),
        ("四成受访者", 40, "%", "exact"),
        ("八成以上的村", 80, "%", "at_least"),
        ("活动开展了两期", 2, "期", "exact"),
        ("服务7000余人次", 7000, "人次", "at_least"),
        ("服务17188多人", 17188, "人", "at_least"),
        ("招募志愿者40余名", 40, "名", "at_least"),
        ("受益群众超过5000人", 5000, "人", "at_least"),
        ("惠及逾千户", 1000, "户", "at_least"),
        ("参与人数突破1万人", 10000, "人", "at_least"),
        ("辐射上万人", 10000, "人", "at_least"),
        ("服务约300人", 300, "人", "about"),
        ("将近1000人参加", 1000, "人", "about"),
        ("200人左右", 200, "人", "about"),
        ("不足100户", 100, "户", "at_most"),
        ("50人以下的小型机构", 50, "人", "at_most"),
        ("控制在10人以内", 10, "人", "at_most"),
        ("高于全省平均2.5个百分点", 2.5, "个百分点", "exact"),
        ("超过全国平均值1.9个百分点", 1.9, "个百分点", "exact"),
        ("标准共有七章", 7, "章", "exact"),
        ("举办培训12场次", 12, "场次", "exact"),
        ("备案总数达1900多单", 1900, "单", "at_least"),
        ("服务1.2万余人次", 12000, "人次", "at_least"),
        ("动员志愿者数千名", 1000, "名", "at_least"),
        ("数百家企业参与", 100, "家", "at_least"),
        ("建成十余个站点", 10, "个", "at_least"),
        ("覆盖十几个村", 10, "个", "at_least"),
        ("每百名老人拥有床位3.5张", 3.5, "张", "exact"),
    ],
)
def test_counts_and_rates(text, value, unit, approx):
    q = only(text)
    assert (q.value, q.unit, q.approx) == (pytest.approx(value), unit, approx)
    assert text[q.start:q.end] == q.surface


@pytest.mark.parametrize(
    ("text", "value", "unit", "approx", "yuan"),
    [
        ("投入资金1.96亿元", 1.96, "亿元", "exact", 196_000_000),
        ("发放补贴1089万余元", 1089, "万元", "at_least", 10_890_000),
        ("筹集善款2300余万元", 2300, "万元", "at_least", 23_000_000),
        ("拨付五百万元", 500, "万元", "exact", 5_000_000),
        ("每人补助800元", 800, "元", "exact", 800),
        ("捐款3万多元", 3, "万元", "at_least", 30_000),
        ("城市低保标准720元/人·月", 720, "元/人·月", "exact", 720),
        ("农村低保标准5520元/人·年", 5520, "元/人·年", "exact", 5520),
        ("高龄津贴100元/月", 100, "元/月", "exact", 100),
        ("最高可给予2万元救助", 2, "万元", "at_most", 20_000),
        ("每户最多补贴500元", 500, "元", "at_most", 500),
        ("单笔不超过2万元", 2, "万元", "at_most", 20_000),
        ("人均救助水平约3333元", 3333, "元", "about", 3333),
    ],
)
def test_money_keeps_written_unit(text, value, unit, approx, yuan):
    q = only(text)
    assert (q.value, q.unit, q.approx) == (pytest.approx(value), unit, approx)
    assert q.value_yuan == pytest.approx(yuan)


@pytest.mark.parametrize(
    ("text", "value", "value_max", "unit"),
    [
        ("每次补贴150元-500元", 150, 500, "元"),
        ("每户3万至5万元", 3, 5, "万元"),
        ("吸引两三千人参与", 2000, 3000, "人"),
        ("每组5-8人", 5, 8, "人"),
        ("占比30%-50%", 30, 50, "%"),
    ],
)
def test_ranges(text, value, value_max, unit):
    q = only(text)
    assert (q.value, q.value_max, q.unit) == (value, value_max, unit)


@pytest.mark.parametrize(
    "text",
    [
        "2023年度泰州市服务业地方标准立项",
        "2024年5月20日上午9时30分",
        "9:30开始",
        "咨询电话0477-8123456",
        "入选第二批试点",
        "全国首批高级社会工作师",
        "居全省第1位",
        "连续6年获评先进",
        "近三年来",
        "历时3个月",
        "积极推进“五社联动”",
        "服务辖区“一老一小”",
        "落实“四个覆盖”要求",
        "“十四五”期间",
        "探索1+8模式",
        "浏览量 987",
        "是一家专业机构",
        "走进千家万户",
        "打造四位一体服务格局",
        "签订“三个一批”协议",
        "60周岁以上老年人",
    ],
)
def test_not_figures(text):
    assert find_quantities(text) == []


def test_several_in_text_order_with_offsets():
    text = "累计服务老年人1000余人、未成年人7000余人次，开展活动192 余次。"
    found = find_quantities(text)
    assert [q.value for q in found] == [1000, 7000, 192]
    assert [text[q.start:q.end] for q in found] == ["1000余人", "7000余人次", "192 余次"]


def test_fullwidth_digits_keep_offsets():
    text = "共有社工站１２个，覆盖率１００％"
    found = find_quantities(text)
    assert [(q.value, q.unit) for q in found] == [(12, "个"), (100, "%")]
    assert found[0].surface == "１２个"


def test_compound_unit_in_a_change_gives_both_values():
    found = find_quantities("城市低保标准由720元/人·月提高到760元/人·月")
    assert [(q.value, q.unit) for q in found] == [(720, "元/人·月"), (760, "元/人·月")]


@pytest.mark.parametrize(
    "text", ["实行一单一议", "3单位联合", "1/3的家庭", "24小时/7天", "参与人数十万人"]
)
def test_slash_and_dan_words_are_no_figures(text):
    assert find_quantities(text) == []


@pytest.mark.parametrize(
    ("text", "value", "approx"),
    [
        ("全年累计志愿服务时长约12万小时", 120000, "about"),
        ("志愿者服务时数达到8600小时", 8600, "exact"),
        ("记录服务工时共计3.5万小时", 35000, "exact"),
    ],
)
def test_a_reported_volume_of_hours_is_a_figure(text, value, approx):
    q = only(text)
    assert (q.value, q.unit, q.approx) == (value, "小时", approx)


@pytest.mark.parametrize(
    "text", ["开通24小时心理援助热线", "社工每天值守8小时", "48小时内完成审批", "办理时限压缩到2个工作日"]
)
def test_a_span_of_hours_is_no_figure(text):
    assert find_quantities(text) == []


def test_pairs_are_a_unit_but_not_the_preposition():
    q = only("办理收养登记37对")
    assert (q.value, q.unit) == (37, "对")
    assert find_quantities("开展一对一帮扶，2023年对象全覆盖，实行1对1结对") == []


@pytest.mark.parametrize(
    "text", ["落实残疾人两项补贴政策", "全区两项\n补贴对象", "聚焦“一老一小”", "推动三社联动"]
)
def test_names_with_numerals_are_no_figures(text):
    assert find_quantities(text) == []


def test_names_do_not_hide_the_figure_beside_them():
    q = only("全区享受两项补贴人员3250人")
    assert (q.value, q.unit) == (3250, "人")


@pytest.mark.parametrize(
    ("text", "value", "approx"),
    [
        ("供养标准不低于当地低保标准的1.5倍", 1.5, "at_least"),
        ("补助不超过上年度人均收入的30%", 30, "at_most"),
        ("单户最高补助金额为5000元", 5000, "at_most"),
        ("最高救助标准可达3万元", 3, "at_most"),
    ],
)
def test_a_bound_applies_across_its_reference(text, value, approx):
    q = only(text)
    assert (q.value, q.approx) == (value, approx)


def test_highest_without_an_amount_noun_is_no_cap():
    assert only("最高人民法院派出3名法官").approx == "exact"
