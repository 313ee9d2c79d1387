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
    assert got["吴忠市利通区阳光社会工作服务中心"] == OrgKind.social_work_org
    assert got["宁夏大学"] == OrgKind.school
    assert got["吴忠市志愿者协会"] == OrgKind.association
    assert got["吴忠市融媒体中心"] == OrgKind.media
    assert got["吴忠市发展和改革委员会"] == OrgKind.government
    assert "吴忠日报" not in got


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


def names(art) -> set[str]:
    return {o.full_name for o in orgs_of(art)}


def test_outlet_named_only_in_the_credit_is_not_an_organisation():
    art = article(
        "福建霞浦：社工服务进渔村",
        "霞浦县民政局介绍，全县已建成社工站14个。宁德日报记者在走访中看到，霞浦县融媒体中心也参与了宣传。",
        source="（来源：宁德日报）",
    )
    got = names(art)
    assert "宁德日报" not in got
    assert {"霞浦县民政局", "霞浦县融媒体中心"} <= got
    credit_after_a_body = article(None, "霞浦县民政局邀请闽东日报记者采访全县14个社工站。")
    assert names(credit_after_a_body) == {"霞浦县民政局"}


def test_outlet_also_named_in_the_body_is_an_organisation():
    art = article(
        "福建霞浦：社工服务进渔村",
        "霞浦县民政局牵头，全县已建成社工站14个。",
        source="（据霞浦县民政局）",
    )
    orgs = orgs_of(art)
    assert [o.full_name for o in orgs] == ["霞浦县民政局"]
    assert orgs[0].start < art.text.index("（据")


def test_issuing_body_in_a_report_byline_is_kept():
    blocks = [Block(kind=BlockKind.headline, text="2023年霞浦县民政事业统计公报"),
              Block(kind=BlockKind.byline, text="霞浦县民政局"),
              Block(kind=BlockKind.body, text="全县共有城乡低保对象3000户。")]
    assert names(assemble(0, blocks)) == {"霞浦县民政局"}


def test_verbs_and_quantities_do_not_stand_in_a_name():
    art = article(
        "福建霞浦：社工服务进渔村",
        "霞浦县依托霞浦县春晖社会工作服务中心开展走访。今年新建两个社区综合服务中心，"
        "新建改建居家养老服务中心5个，新建养老中心2个，霞浦各镇社工站联合村委会开展巡访。",
    )
    assert names(art) == {"霞浦县春晖社会工作服务中心"}


def test_bodies_after_a_bare_level_word_inside_a_sentence():
    art = article(
        "河北阜城：关爱留守儿童",
        "阜城县民政局联合县妇联、县教体局开展关爱行动，依托县社会工作协会培训社工，"
        "并入选省民政厅公布的示范名单。阜城县慈善会募集善款20万元。各县民政局将推广经验。",
    )
    got = names(art)
    assert got == {"阜城县民政局", "阜城县妇联", "阜城县教体局", "阜城县社会工作协会",
                   "河北省民政厅", "阜城县慈善会"}


def test_national_bodies_and_their_departments():
    art = article(
        "民政部召开例行新闻发布会",
        "民政部社会事务司负责同志介绍，全国已建成社工站2.9万个。各级民政部门要抓好落实，"
        "民政部将继续指导。",
    )
    got = names(art)
    assert {"民政部", "民政部社会事务司"} <= got
    assert "民政部门" not in got


def test_league_committee_and_its_abbreviation():
    art = article(
        "湖南凤凰：关爱护苗",
        "凤凰县民政局联合共青团凤凰县委员会开展活动。",
    )
    assert names(art) == {"凤凰县民政局", "共青团凤凰县委员会"}
    short = article("湖南凤凰：关爱护苗", "县民政局联合团县委开展活动。")
    by_name = {o.name: o for o in orgs_of(short)}
    assert by_name["团县委"].full_name == "共青团凤凰县委员会"
    assert by_name["团县委"].kind == OrgKind.association


def test_schools_with_province_or_regional_prefixes():
    art = article(
        "福建霞浦：校地合作育人才",
        "霞浦县民政局聘请福建师范大学专家授课，并与闽南师范大学开展校地合作。",
    )
    assert {"福建师范大学", "闽南师范大学"} <= names(art)


def test_prefixes_kept_as_written():
    art = article(
        "云南大理：社工站提质",
        "大理市民政局按照大理州民政局的部署推进工作，依托天津市西青区乐龄养老服务中心开展培训。",
        "新疆生产建设兵团第八师石河子市民政局派员参加，师市民政局介绍了经验。",
    )
    got = names(art)
    assert {"大理市民政局", "大理州民政局", "天津市西青区乐龄养老服务中心",
            "第八师石河子市民政局"} <= got
    assert not {"大理白族自治州民政局", "西青区乐龄养老服务中心", "石河子市民政局"} & got


def test_government_body_belongs_to_the_last_place_of_a_chain():
    art = article("广西田阳：助老", "今年以来，百色市田阳区民政局依托社工站开展服务。")
    assert names(art) == {"田阳区民政局"}


def test_one_character_county_named_alone_after_its_parent_once():
    art = article("江苏沛县：临时救助提速", "今年以来，沛县民政局简化审批流程。")
    assert names(art) == {"沛县民政局"}


def test_bare_level_word_gets_the_name_valid_at_the_article_date():
    blocks = [Block(kind=BlockKind.headline, text="四川会理：兜底保障"),
              Block(kind=BlockKind.dateline, text="2020年9月18日"),
              Block(kind=BlockKind.body, text="县民政局开展低保专项排查。")]
    assert names(assemble(0, blocks)) == {"会理县民政局"}
    blocks[1] = Block(kind=BlockKind.dateline, text="2023年9月18日")
    blocks[2] = Block(kind=BlockKind.body, text="市民政局开展低保专项排查。")
    assert names(assemble(0, blocks)) == {"会理市民政局"}
