"""Figures in articles: subject and metric, parts, distribution, time, provenance."""

from __future__ import annotations

from datetime import date

from extract.facts import extract_figures
from extract.periods import find_times, resolve
from schemas import Article


def figures(text: str, published: date | None = None):
    return extract_figures(Article(seq=0, text=text), published)


def by_value(found):
    return {f.value: f for f in found}


def test_subject_left_and_right_of_the_number():
    found = by_value(figures(
        "全市现有持证社工300人。新增85名持证社工。登记社会组织151家。承接25个服务项目。"
        "累计服务老年人1000余人、未成年人7000余人次，开展各类活动192余次。"
    ))
    assert found[300].metric == found[85].metric == "social_workers.certified"
    assert found[85].subject == "持证社工"
    assert found[151].metric == "orgs.registered"
    assert (found[25].metric, found[25].subject) == ("projects.count", "服务项目")
    assert found[1000].metric == "served.elderly"
    assert (found[7000].metric, found[7000].unit) == ("served.minors", "人次")
    assert found[192].metric == "activities.count"


def test_figure_that_fits_no_metric_keeps_its_subject():
    found = figures("全县共有32所中小学开展校社合作。")
    assert [(f.metric, f.subject) for f in found] == [("other", "中小学")]


def test_a_population_is_not_a_number_served():
    found = by_value(figures("该县现有农村留守儿童5,812人。社工为1,083名留守儿童建立档案。"))
    assert found[5812].metric == "other"
    assert found[1083].metric == "served.minors"


def test_predicate_names_what_is_counted():
    found = figures("目前已有40余名持证社工为专职社区工作人员。")
    assert (found[0].value, found[0].approx, found[0].metric) == (40, "at_least", "social_workers.staff")


def test_parts_belong_to_the_nearest_fitting_total_not_the_first():
    found = figures(
        "全市建成社工站120个，配备社会工作人员300名，其中持证社工200名、督导12名。"
    )
    assert [f.value for f in found] == [120, 300, 200, 12]
    assert [f.part_of for f in found] == [None, None, 1, 1]


def test_a_part_is_never_larger_than_its_total():
    found = figures("全县有持证社工50人，社会工作人员80人，其中助理社会工作师60人。")
    assert found[2].part_of == 1
    found = figures("全县有社会工作人员80人，持证社工50人，其中助理社会工作师60人。")
    assert found[2].part_of == 0


def test_a_breakdown_ends_once_its_parts_add_up():
    found = figures(
        "全市共募集善款物2360万余元，其中善款1985万元，物资折合375万余元，支出救助资金1740万元。"
    )
    assert [f.value for f in found] == [2360, 1985, 375, 1740]
    assert [f.part_of for f in found] == [None, 0, 0, None]


def test_a_breakdown_that_exceeds_its_total_stays_linked_for_the_check():
    found = figures("全县登记社会组织236家，其中社会团体98家、社会服务机构147家。")
    assert [f.part_of for f in found] == [None, 0, 0]


def test_a_per_head_ratio_is_never_a_part():
    found = figures(
        "全市共有登记社会组织436家，其中社会团体158家、基金会2家，每万人拥有社会组织数达5.1个。"
    )
    assert [f.part_of for f in found] == [None, 0, 0, None]


def test_breakdown_in_the_next_sentence():
    found = figures("全省登记社会组织1200家。其中，社会团体500家，基金会20家。")
    assert [f.part_of for f in found] == [None, 0, 0]
    assert [f.metric for f in found] == ["orgs.registered", "orgs.social_groups", "orgs.foundations"]


def test_distribution_over_listed_subjects():
    found = figures("全区社会组织151家，社会团体和社会服务机构分别为100家和51家。")
    assert [f.metric for f in found] == [
        "orgs.registered", "orgs.social_groups", "orgs.service_institutions"]
    assert [f.part_of for f in found] == [None, 0, 0]


def test_both_reach_gives_two_figures():
    found = figures("乡镇社工站覆盖率和村级社工室覆盖率均达100%。")
    assert [(f.value, f.unit, f.metric) for f in found] == [(100, "%", "stations.coverage")] * 2
    assert found[0].subject != found[1].subject
    assert found[0].index == 0 and found[1].index == 1


def test_growth_gives_two_figures_with_their_times():
    found = figures("全县持证社工由2020年的893人增长到2023年的2204人。")
    assert [(f.value, f.time_text) for f in found] == [(893, "2020年"), (2204, "2023年")]
    assert {f.metric for f in found} == {"social_workers.certified"}
    assert found[0].period_start == date(2020, 1, 1)
    assert found[1].period_end == date(2023, 12, 31)


def test_times_are_resolved_against_the_published_date():
    published = date(2024, 5, 20)
    found = figures("截至目前，全市累计走访困难家庭7658户。今年以来开展活动12场。", published)
    assert (found[0].time_text, found[0].cumulative) == ("截至目前", True)
    assert (found[0].period_start, found[0].period_end) == (None, published)
    assert found[0].metric == "households.visited"
    assert (found[1].time_text, found[1].period_start, found[1].period_end) == (
        "今年以来", date(2024, 1, 1), published)


def test_period_phrases():
    published = date(2024, 5, 20)
    assert resolve("2023年度", None) == (date(2023, 1, 1), date(2023, 12, 31))
    assert resolve("去年底", published) == (None, date(2023, 12, 31))
    assert resolve("截至2023年底", None) == (None, date(2023, 12, 31))
    assert resolve("今年", published) == (date(2024, 1, 1), date(2024, 12, 31))
    assert resolve("2024年上半年", None) == (date(2024, 1, 1), date(2024, 6, 30))
    assert [t.text for t in find_times("截至去年底累计服务")] == ["截至去年底", "累计"]


def test_money_is_funds_with_yuan():
    found = figures("今年投入社工站建设资金1089万余元。")
    f = found[0]
    assert (f.metric, f.value, f.unit, f.value_yuan, f.approx) == (
        "funds.amount", 1089, "万元", 10_890_000, "at_least")


def test_number_in_a_prepositional_phrase_is_no_total():
    found = figures("市民政局从外地3家专业社工机构引入督导力量。")
    assert found[0].metric == "other"


def test_provenance_quote_sentence_and_span():
    text = "标题\n据了解，全旗现有持证社工185人，其中，持助理社会工作师证书143人。次年再议。"
    found = figures(text)
    assert [f.index for f in found] == [0, 1]
    for f in found:
        assert text[f.char_start:f.char_end] == f.surface
        assert f.quote in f.sentence
    assert found[0].quote == "全旗现有持证社工185人"
    assert found[1].quote == "持助理社会工作师证书143人"
    assert found[1].sentence.startswith("据了解") and found[1].sentence.endswith("。")


def test_no_figures_from_dates_ordinals_slogans():
    text = ("2023年5月20日，第二批试点名单公布，全省连续6年推进“五社联动”和“一老一小”服务，"
            "落实“四个覆盖”，“十四五”期间探索1+8模式，浏览量 987。")
    assert figures(text) == []


def test_a_rate_takes_the_metric_of_the_noun_its_sentence_is_about():
    found = figures("全区建成乡镇社工站9个，覆盖率达100%；村级社工室建成120个，覆盖率达80%。"
                    "全县建成养老服务设施60个，覆盖率达85%。")
    assert [(f.value, f.metric) for f in found] == [
        (9, "stations.count"), (100, "stations.coverage"), (120, "stations.count"),
        (80, "stations.coverage"), (60, "other"), (85, "other"),
    ]
    assert found[2].subject == "村级社工室"


def test_a_change_is_not_a_level():
    found = figures("全县社工站覆盖率同比提高5个百分点，持证社工同比增长12.5%，"
                    "社工室覆盖率提高到85%。")
    assert [(f.value, f.unit, f.metric) for f in found] == [
        (5, "个百分点", "other"), (12.5, "%", "other"), (85, "%", "stations.coverage"),
    ]


def test_counts_written_back_to_back_share_their_subject():
    found = figures("全县有城乡低保对象3200户5400人，其中农村低保2100户3600人。")
    assert [(f.value, f.unit, f.metric) for f in found] == [
        (3200, "户", "people.assisted"), (5400, "人", "people.assisted"),
        (2100, "户", "people.assisted"), (3600, "人", "people.assisted"),
    ]
    assert [f.part_of for f in found] == [None, None, 0, 1]


def test_parts_are_read_in_the_context_of_their_total():
    found = figures("全县纳入关爱服务的困境儿童312名，其中孤儿41名、事实无人抚养儿童63名。")
    assert [(f.metric, f.part_of) for f in found] == [
        ("served.minors", None), ("served.minors", 0), ("served.minors", 0),
    ]


def test_monitored_and_subset_counts_are_not_the_stock():
    found = by_value(figures(
        "目前已监测低收入人口1.5万人，救助困难群众860人。"
        "应参加年检的社会组织210家，实际参检198家。全县登记社会组织260家。"
        "5家社会组织与8个村签订结对协议。"
    ))
    assert found[15000].metric == "other"
    assert found[860].metric == "people.assisted"
    assert found[210].metric == found[198].metric == found[5].metric == "other"
    assert found[260].metric == "orgs.registered"


def test_a_noun_modified_by_a_verb_is_not_a_beneficiary():
    found = figures("全镇15个村（社区）已建成社工室15个，聘用社会救助协理员42名。")
    assert [(f.value, f.metric) for f in found] == [
        (15, "other"), (15, "stations.count"), (42, "other"),
    ]
    assert found[2].subject == "社会救助协理员"


def test_targets_of_dui_are_served_when_the_sentence_says_so():
    found = figures("社工对辖区460名留守儿童和85名困境儿童逐一建档，开展结对帮扶。"
                    "对全县5000名老年人进行摸底登记。")
    assert [(f.value, f.metric) for f in found] == [
        (460, "served.minors"), (85, "served.minors"), (5000, "other"),
    ]


def test_children_supervisors_are_not_social_work_supervisors():
    found = figures("全市现有乡镇儿童督导员12名，社会工作督导30名。")
    assert [f.metric for f in found] == ["other", "social_workers.supervisors"]


def test_rates_and_per_capita_amounts():
    found = figures("全市每百名老人拥有养老床位3.5张，人均救助水平约3300元，"
                    "特困人员基本生活标准由7800元/人·年提高到8400元/人·年。")
    assert [(f.value, f.unit, f.metric) for f in found] == [
        (3.5, "张", "other"), (3300, "元", "funds.amount"),
        (7800, "元/人·年", "funds.amount"), (8400, "元/人·年", "funds.amount"),
    ]
    assert found[2].value_yuan == 7800


def test_a_verb_of_reach_leaves_the_metric_to_the_subject():
    found = by_value(figures("发放救助金500万元，惠及困难群众3200人次。补贴惠及居民4100人次。"))
    assert found[3200].metric == "people.assisted"
    assert found[4100].metric == "served.people"


def test_help_to_a_named_population_is_service_but_aid_is_assistance():
    found = by_value(figures("社工结对帮扶留守儿童286名。资助困难学生530人。"))
    assert found[286].metric == "served.minors"
    assert found[530].metric == "people.assisted"


def test_services_provided_to_the_needy_count_people_served():
    found = by_value(figures("为困难群众提供送餐、陪诊等服务2100余人次。为困难群众发放慰问金870人次。"))
    assert found[2100].metric == "served.people"
    assert found[870].metric == "people.assisted"


def test_exam_entrants_are_not_a_staff_count():
    found = by_value(figures("今年组织45名社工参加全国社会工作者职业资格考试。"))
    assert found[45].metric == "other"


def test_trainees_named_by_participle():
    assert by_value(figures("参训社工680人次。"))[680].metric == "training.participants"


def test_recipients_of_a_subsidy_are_assisted():
    found = by_value(figures("全县共有两项补贴对象1.3万人，其中护理补贴对象5200人。"))
    assert set(found) == {13000, 5200}
    assert found[13000].metric == found[5200].metric == "people.assisted"
    assert found[5200].part_of == 0


def test_volunteer_hours_are_other_figures():
    found = figures("全区注册志愿者约3.1万人，累计志愿服务时长约52万小时。")
    assert [(f.value, f.unit, f.approx) for f in found][-1] == (520000, "小时", "about")
