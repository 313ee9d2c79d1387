"""Organisations, their link to figures, and source outlets, on bulletins written for these tests."""

from __future__ import annotations

from extract.orgs import find_organizations, link_actors, source_outlet
from extract.places import article_region, find_places
from extract.segment import assemble
from schemas import Block, BlockKind, Figure, OrgKind


def article(headline: str | None, *body: str, source: str | None = None):
    blocks = [Block(kind=BlockKind.headline, text=headline)] if headline else []
    blocks += [Block(kind=BlockKind.body, text=p) for p in body]
    if source:
        blocks.append(Block(kind=BlockKind.source, text=source))
    return assemble(0, blocks)


def orgs_of(art):
    places = find_places(art.text)
    return find_organizations(art, places, article_region(art, places))


def figure(art, number: str) -> Figure:
    start = art.text.index(number)
    return Figure(index=0, value=float(number), quote=number, sentence=number,
                  surface=number, char_start=start, char_end=start + len(number))


def test_region_prefixed_bodies_with_kinds():
    art = article(
        "宁夏吴忠：社工人才队伍不断壮大",
        "吴忠市民政局联合吴忠市利通区阳光社会工作服务中心、宁夏大学和吴忠市志愿者协会，"
        "在吴忠市融媒体中心的支持下开展培训；吴忠市发展和改革委员会给予资金支持。",
        source="（据吴忠日报）",
    )
    got = {o.full_name: o.kind for o in orgs_of(art)}
    assert got["吴忠市民政局"] == OrgKind.government
    assert got["利通区阳光社会工作服务中心"] == OrgKind.social_work_org
    assert got["宁夏大学"] == OrgKind.school
    assert got["吴忠市志愿者协会"] == OrgKind.association
    assert got["吴忠市融媒体中心"] == OrgKind.media
    assert got["吴忠市发展和改革委员会"] == OrgKind.government
    assert got["吴忠日报"] == OrgKind.media


def test_implied_region_is_restored():
    art = article(
        "宁夏固原：助力基层治理",
        "固原市原州区民政局积极争取，自治区民政厅下派督导3名。区民政局还与市民政局签订协议。",
    )
    by_name = {o.name: o for o in orgs_of(art)}
    assert by_name["自治区民政厅"].full_name == "宁夏回族自治区民政厅"
    assert by_name["自治区民政厅"].region_code == "640000"
    assert by_name["市民政局"].full_name == "固原市民政局"
    assert "原州区民政局" in {o.full_name for o in by_name.values()}


def test_banner_prefix_and_dedup_keep_first_span():
    art = article(
        "内蒙古乌审旗：社会组织蓬勃发展",
        "在上级民政部门的支持下，旗民政局持续培育社会组织。",
        "乌审旗民政局表示，将继续推进社会组织规范化建设。",
        source="（据乌审旗民政局）",
    )
    orgs = orgs_of(art)
    assert [o.full_name for o in orgs] == ["乌审旗民政局"]
    first = orgs[0]
    assert art.text[first.start : first.end] == "旗民政局" == first.name
    assert first.region_code == "150626"


def test_generic_phrases_are_not_organisations():
    art = article(
        None,
        "各级民政部门和社会组织要加强协作，上级民政部门将给予指导，相关部门积极配合。",
        "由市场监督管理局牵头，县城乡居民积极参与，区域化党建中心建成。",
    )
    assert orgs_of(art) == []


def test_a_level_word_followed_by_a_verb_is_not_an_organisation():
    art = article(
        "湖南泸溪：社工站服务网络建成",
        "泸溪县形成“县有指导中心、乡有社工站、村有服务点”的服务网络。",
    )
    assert [o.name for o in orgs_of(art)] == []


def test_county_level_city_prefix_means_that_city():
    art = article("江苏泰兴：标准立项", "泰兴市民政局牵头，市民政局负责人表示将持续推进。")
    assert [o.full_name for o in orgs_of(art)] == ["泰兴市民政局"]


def test_actor_of_figures():
    art = article(
        "宁夏永宁：社工机构成长记",
        "永宁县阳光社会工作服务中心成立于2019年。该中心秉承助人自助理念，通过整合多方资源，相继承接了各类服务项目12个。",
        "由永宁县民政局主导、银川能源学院参与，共培训社工80人次。",
        "截至目前，全县持证社工达到193人。",
    )
    orgs = orgs_of(art)
    figures = [figure(art, "12"), figure(art, "80"), figure(art, "193")]
    link_actors(art, figures, orgs)
    assert [f.organization for f in figures] == [
        "永宁县阳光社会工作服务中心",
        "永宁县民政局",
        None,
    ]


def test_source_outlet_forms():
    forms = {
        "（据宁夏新闻网）": "宁夏新闻网",
        "来源：泰州日报": "泰州日报",
        "本报讯 鄂尔多斯日报记者 王某 报道": "鄂尔多斯日报",
        "银川新闻网讯 近日，永宁县举办培训。": "银川新闻网",
    }
    for line, outlet in forms.items():
        art = article(None, "全县持证社工达到193人。", line)
        assert source_outlet(art) == outlet
    assert source_outlet(article(None, "全县持证社工达到193人。")) is None
