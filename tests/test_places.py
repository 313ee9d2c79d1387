"""Place mentions, article regions and figure regions on bulletins written for these tests."""

from __future__ import annotations

import pytest

from extract.places import article_region, assign_regions, find_places
from extract.segment import assemble
from schemas import Block, BlockKind, Figure


def article(headline: str | None, *body: str, source: str | None = None):
    blocks = [Block(kind=BlockKind.headline, text=headline)] if headline else []
    blocks += [Block(kind=BlockKind.body, text=p) for p in body]
    if source:
        blocks.append(Block(kind=BlockKind.source, text=source))
    return assemble(0, blocks)


def codes(text: str) -> list[tuple[str, str | None]]:
    return [(p.text, p.region.code if p.region else None) for p in find_places(text)]


def figure(art, number: str, occurrence: int = 0) -> Figure:
    start = -1
    for _ in range(occurrence + 1):
        start = art.text.index(number, start + 1)
    return Figure(index=0, value=float(number), quote=number, sentence=number,
                  surface=number, char_start=start, char_end=start + len(number))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("江苏省泰州市泰兴市民政局近日召开会议", [("江苏省", "320000"), ("泰州市", "321200"), ("泰兴市", "321283")]),
        ("江苏泰兴举办社工节", [("江苏", "320000"), ("泰兴", "321283")]),
        ("宁夏永宁启动培训", [("宁夏", "640000"), ("永宁", "640121")]),
        ("宁夏银川永宁县开展走访", [("宁夏", "640000"), ("银川", "640100"), ("永宁县", "640121")]),
        ("来自广西、新疆、内蒙古和宁夏的代表", [("广西", "450000"), ("新疆", "650000"), ("内蒙古", "150000"), ("宁夏", "640000")]),
        ("新疆生产建设兵团第八师石河子市民政局", [("新疆生产建设兵团", "650000"), ("第八师", "659001"), ("石河子市", "659001")]),
        ("云南大理州5家机构获评", [("云南", "530000"), ("大理州", "532900")]),
        ("鄂前旗城川镇社工站", [("鄂前旗", "150623")]),
        ("安徽和县新建站点", [("安徽", "340000"), ("和县", "340523")]),
        ("2019年会理县民政局", [("会理县", "513425")]),
    ],
)
def test_place_forms(text, expected):
    assert codes(text) == expected


def test_short_names_alone():
    assert codes("今年在银川举办的培训中，永宁社工作了分享。") == [("银川", "640100"), ("永宁", "640121")]


@pytest.mark.parametrize(
    "text",
    [
        "为乡村振兴发挥积极作用。",
        "通过整合多方资源，承接服务项目。",
        "以校政合作培养人才为平台。",
        "最大化地发挥标准示范效益。",
        "维护和平安宁的社区环境，东方欲晓，莫道君行早。",
        "建立市和县两级督导体系，覆盖城区和郊区。",
        "部队第八师的老兵回到家乡。",
        "走在永宁镇的老街上，宁夏路两旁灯火通明。",
    ],
)
def test_ordinary_words_are_not_places(text):
    assert find_places(text) == []


def test_ambiguous_district_left_unresolved_without_context():
    assert codes("朝阳区新增3家社工站。") == [("朝阳区", None)]


def test_ambiguous_district_resolved_by_other_places():
    assert codes("北京市民政局通报：朝阳区新增3家社工站。")[-1] == ("朝阳区", "110105")
    assert codes("长春市各区中，朝阳区新增3家社工站。")[-1] == ("朝阳区", "220104")


def test_headline_prefix_gives_the_article_region():
    art = article("宁夏永宁：社工站实现全覆盖", "银川市民政局表示，全县社工站已全覆盖，厦门市专家参与评估。")
    region = article_region(art, find_places(art.text))
    assert (region.code, region.name) == ("640121", "宁夏回族自治区银川市永宁县")


def test_body_majority_gives_the_region_when_headline_has_no_place():
    art = article(
        "社工服务提质增效",
        "近年来，泰兴市持续推进社工站建设，泰兴市民政局牵头制定标准。",
        "泰州市有关部门组织论证，泰兴经验在全省推广。",
    )
    region = article_region(art, find_places(art.text))
    assert region.code == "321283"


def test_several_regions_give_their_common_province():
    art = article(
        "江苏多地推进社工站建设",
        "南京市已建成社工站120个，苏州市建成98个，无锡市建成75个。",
        "全省社工站覆盖率达到95%。",
    )
    places = find_places(art.text)
    region = article_region(art, places)
    assert region.code == "320000"
    figures = [figure(art, "120"), figure(art, "98"), figure(art, "75"), figure(art, "95")]
    assign_regions(art, figures, places, region)
    assert [f.region.code for f in figures] == ["320100", "320500", "320200", "320000"]


def test_regions_with_no_majority_leave_the_article_region_unknown():
    art = article(
        "多地经验交流",
        "会上，南京市、成都市、西安市、长沙市分别介绍了社工站建设经验。",
    )
    assert article_region(art, find_places(art.text)) is None


def test_province_never_named_stays_unknown():
    art = article("全省社会组织登记情况", "截至目前，全省登记社会组织1.2万家，其中社会团体5000家。")
    places = find_places(art.text)
    region = article_region(art, places)
    assert places == [] and region is None
    figures = [figure(art, "1.2"), figure(art, "5000")]
    assign_regions(art, figures, places, region)
    assert [f.region for f in figures] == [None, None]


def test_scope_words_follow_the_article_region_level():
    art = article(
        "江苏泰兴：社工站建设提速",
        "目前全市共建成社工站16个，我市持证社工达到420人。",
        "全省已有社工站1200个，全国已建成社工站2.9万个。",
        "泰州市民政局介绍，泰州市已培育社工机构58家。",
    )
    places = find_places(art.text)
    region = article_region(art, places)
    assert region.code == "321283"
    figures = [figure(art, n) for n in ("16", "420", "1200", "2.9", "58")]
    assign_regions(art, figures, places, region)
    assert [f.region.code for f in figures] == ["321283", "321283", "320000", "000000", "321200"]
    assert figures[3].region.name == "中华人民共和国"


def test_city_scope_in_a_district_article_is_the_prefecture():
    art = article("北京朝阳：养老驿站扩容", "全区新增养老驿站12家，全市新增80家。")
    places = find_places(art.text)
    region = article_region(art, places)
    assert region.code == "110105"
    figures = [figure(art, "12"), figure(art, "80")]
    assign_regions(art, figures, places, region)
    assert [f.region.code for f in figures] == ["110105", "110000"]


def test_banner_scope_and_own_clause_places():
    art = article(
        "内蒙古鄂托克前旗：社会组织持续壮大",
        "全旗现已登记社会组织151家，山东省1825个乡镇已建站，大理州7家机构前来交流。",
        "自治区层面，全区共有持证社工1.1万人。",
    )
    places = find_places(art.text)
    region = article_region(art, places)
    figures = [figure(art, n) for n in ("151", "1825", "7", "1.1")]
    assign_regions(art, figures, places, region)
    assert [f.region.code for f in figures] == ["150623", "370000", "532900", "150000"]


def test_one_character_county_alone_once_named_after_its_parent():
    assert codes("江苏沛县：救助提速\n今年以来，沛县民政局简化流程。") == [
        ("江苏", "320000"), ("沛县", "320322"), ("沛县", "320322")]
    assert codes("今年以来，沛县民政局简化流程。") == []


def test_province_short_name_before_a_district_of_the_same_short_name():
    assert codes("聘请河北工程大学专家授课") == [("河北", "130000")]


def test_headline_prefecture_narrowed_to_the_county_the_body_is_about():
    art = article(
        "云南大理：社工站提质增效",
        "大理市民政局按照大理州民政局的部署推进工作。",
        "大理市已建成社工站11个，大理州5家机构参与，大理市驻站社工达到57名。",
    )
    region = article_region(art, find_places(art.text))
    assert (region.code, region.name) == ("532901", "云南省大理白族自治州大理市")


def test_body_majority_narrowed_to_the_county_it_concentrates_on():
    art = article(
        "扎根边城的社工",
        "珲春市春晖社会工作服务中心负责人介绍，珲春市靖和街道社工室每天开门。",
        "她是延边州优秀社工，珲春市的老人都认识她，她还获评吉林省最美社工、延边州三八红旗手。",
        source="（据延边日报）",
    )
    assert article_region(art, find_places(art.text)).code == "222404"


def test_prefecture_with_no_dominant_county_stays_the_prefecture():
    art = article(
        "云南大理：社工站提质增效",
        "大理州民政局部署推进工作，大理市、祥云县、宾川县、弥渡县各建成社工站10个以上。",
    )
    assert article_region(art, find_places(art.text)).code == "532900"


def test_renamed_county_gets_the_code_valid_at_the_article_date():
    from datetime import date

    def with_dateline(day: str):
        return assemble(0, [Block(kind=BlockKind.headline, text="四川会理：兜底保障"),
                            Block(kind=BlockKind.dateline, text=day),
                            Block(kind=BlockKind.body, text="全县低保对象3.84万人。")])

    old = with_dateline("2020年9月18日")
    region = article_region(old, find_places(old.text))
    assert (region.code, region.name) == ("513425", "四川省凉山彝族自治州会理县")
    new = with_dateline("2024年5月20日")
    assert article_region(new, find_places(new.text)).code == "513402"
    undated = article("四川会理：兜底保障", "全县低保对象3.84万人。")
    places = find_places(undated.text)
    assert article_region(undated, places).code == "513402"
    assert article_region(undated, places, on=date(2019, 3, 1)).code == "513425"
    assert [p.region.code for p in find_places("四川会理", on=date(2019, 3, 1))] == ["510000", "513425"]


def test_undated_article_naming_its_unit_by_the_old_name_gets_the_old_code():
    art = article("四川会理：兜底保障", "会理县民政局开展专项排查，全县低保对象3.84万人。")
    places = find_places(art.text)
    region = article_region(art, places)
    assert region.code == "513425"
    figures = [figure(art, "3.84")]
    assign_regions(art, figures, places, region)
    assert figures[0].region.code == "513425"
    today = article("四川会理：兜底保障", "会理市民政局开展专项排查，全市低保对象3.84万人。")
    assert article_region(today, find_places(today.text)).code == "513402"
