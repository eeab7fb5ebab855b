"""The target finder on hand-made sentences: what counts, what does not, and how it is read."""

from __future__ import annotations

import pytest
from factories import document
from hypothesis import given, settings
from hypothesis import strategies as st

from extract.targets import find_targets
from model import Target


def targets(text: str, title: str | None = None) -> list[Target]:
    return find_targets(text, document(text, title=title))


def readings(text: str) -> list[tuple[float, float | None, str, str]]:
    return [(t.value, t.value_max, t.unit, t.comparator) for t in targets(text)]


# Numerals, multipliers, units and comparators: (sentence, [(value, value_max, unit, comparator)]).
READINGS = [
    ("全年力争新实施工业技术改造项目1500个以上。", [(1500, None, "个", ">=")]),
    ("带动更新设备1.5万台(套)以上。", [(15000, None, "台(套)", ">=")]),
    ("带动更新设备1.5万台（套）以上。", [(15000, None, "台(套)", ">=")]),
    ("到2027年,工业技改投资规模达到1200亿元。", [(1.2e11, None, "元", "=")]),
    ("到2025年,营收总额达到1.3万亿、年均增速超过10%。", [(1.3e12, None, "元", "="), (10, None, "%", ">")]),
    ("到2027年,占工业投资比重在50%左右。", [(50, None, "%", "~")]),
    ("每年新升规纳统企业不少于500家。", [(500, None, "家", ">=")]),
    ("重点支持20个市级重大技术改造标杆项目，发挥示范作用。", [(20, None, "个", "=")]),  # delivery verb 重点支持
    ("开通5G基站25万个，培育省级平台300家左右。", [(250000, None, "个", "="), (300, None, "家", "~")]),  # verb 开通
    ("每年组织对至少3个重点产业提供诊断服务。", [(3, None, "个", ">=")]),
    ("每年开展不少于二十场对接活动。", [(20, None, "场", ">=")]),
    ("每季度开展一次线上线下政策宣贯活动。", [(1, None, "次", "=")]),
    ("推动形成各区至少有两个主打品牌的态势。", [(2, None, "个", ">=")]),
    ("全年力争培育一千五百家企业。", [(1500, None, "家", "=")]),
    ("每年开展培训十次。", [(10, None, "次", "=")]),
    ("建设1—2家全球灯塔工厂。", [(1, 2, "家", "range")]),
    ("从经费中安排8%—12%用于研发。", [(8, 12, "%", "range")]),
    ("用于科技创新的比例不得低于30%。", [(30, None, "%", ">=")]),
    ("5年内实施10个左右重大项目,每个重大项目不超过10个主攻方向。", [(10, None, "个", "~"), (10, None, "个", "<=")]),
    ("到2025年,单位能耗控制在0.5吨以内。", [(0.5, None, "吨", "<=")]),
    ("到2025年,不合格率低于2%。", [(2, None, "%", "<")]),
    ("到2025年,市场份额约15%。", [(15, None, "%", "~")]),
    ("到2025年,全国农机总动力超过10亿千瓦。", [(1e9, None, "千瓦", ">")]),
    ("系统集成服务商累计达到200家以上。", [(200, None, "家", ">=")]),
    ("到2025年,两化融合发展指数达到65,数字化水平明显提升。", [(65, None, "", "=")]),
    ("到2025年,规上企业每亿元营业收入有效发明专利数达到1.45件。", [(1.45, None, "件", "=")]),
    ("完成110家重点行业企业清洁化生产水平评估。", [(110, None, "家", "=")]),
    ("全年力争带动装备产品市场销售超过2亿元。", [(2e8, None, "元", ">")]),
    ("到2025年,新增就业岗位2万个、培训技能人才3万人次。", [(20000, None, "个", "="), (30000, None, "人次", "=")]),
    ("力争数字经济核心产业增加值占GDP比重提高到12%。", [(12, None, "%", "=")]),
    ("单位工业增加值能耗较2020年下降18%。", [(18, None, "%", "=")]),
    ("每半年组织一次供需对接会。", [(1, None, "次", "=")]),
    (
        "到2027年,规上工业增加值突破6000亿元,企业数量超1万家,高新技术企业达1.5万家。",
        [(6e11, None, "元", ">"), (1e4, None, "家", ">"), (1.5e4, None, "家", "=")],
    ),
    ("一流学科建设专项资金用于科技创新的比例不得低于30%。", [(30, None, "%", ">=")]),
    # held-out patterns: money written without 元 before 规模, compound units, a level verb alone marks a goal
    ("力争6大重点产业集群总量超过三千亿规模。", [(3e11, None, "元", ">")]),
    ("到2025年,改造形成节能量约3000万吨标准煤。", [(3e7, None, "吨标准煤", "~")]),
    ("全年新增公共充电桩500根以上。", [(500, None, "根", ">=")]),
    ("规上企业研发机构覆盖率达到60%、研发经费占营业收入比重提高到2%。", [(60, None, "%", "="), (2, None, "%", "=")]),
    ("力争按原则上不低于园区用地总规模10%的比例规划集聚区。", [(10, None, "%", ">=")]),
    ("围绕技术突破和服务生态培育新建创新平台20个。", [(20, None, "个", "=")]),  # 突破 far back is no comparator
    ("基本建立标准体系,制修订800项国家和行业标准。", [(800, None, "项", "=")]),
    ("到2027年,两化融合发展水平指数达72;智能工厂不少于10家。", [(72, None, "", "="), (10, None, "家", ">=")]),
    ("到2027年,废旧设备回收量较2023年增加约一倍。", [(1, None, "倍", "~")]),  # a multiple
    ("围绕高端装备领域推出30类标志性产品。", [(30, None, "类", "=")]),
    ("每年滚动创建百个标杆、实施千个项目。", [(100, None, "个", "="), (1000, None, "个", "=")]),  # round 百/千
    # 分别 lists: the unit and the 以上 written after the last number hold for every number of the list
    (
        "到2027年,两类产能比例较2023年分别增长12个、9个百分点以上。",
        [(12, None, "个百分点", ">="), (9, None, "个百分点", ">=")],
    ),
    ("到2027年,两类产能比例分别提高12、9个百分点。", [(12, None, "个百分点", "="), (9, None, "个百分点", "=")]),
]


@pytest.mark.parametrize(("sentence", "expected"), READINGS)
def test_reads_value_unit_and_comparator(sentence: str, expected: list[tuple]) -> None:
    assert readings(sentence) == expected


# Lists and 分别/均: (sentence, [metric of each target]).
METRICS = [
    (
        "全年力争新建工业大模型5个、细分行业产业大脑10个、未来工厂10个。",
        ["新建工业大模型", "新建细分行业产业大脑", "新建未来工厂"],
    ),
    ("到2027年,普及率、数控化率分别超过93%、76%。", ["普及率", "数控化率"]),
    ("到2025年,单位增加值能耗、水耗较“十三五”末分别下降16%、20%。", ["单位增加值能耗", "单位增加值水耗"]),
    ("到2025年,马铃薯种植、收获机械化率均达到45%。", ["马铃薯种植机械化率", "马铃薯收获机械化率"]),
    ("到2025年,花生种植、收获机械化率分别达到65%、55%。", ["花生种植机械化率", "花生收获机械化率"]),
    ("到2025年,建设认定50个智能工厂和500个数字化车间。", ["建设认定智能工厂", "建设认定数字化车间"]),
    ("每年开展不少于20场线上线下供需洽谈活动。", ["开展线上线下供需洽谈活动"]),
    ("到2027年,关键工序数控化率达到76%。", ["关键工序数控化率"]),
    ("到2027年,规上工业增加值突破6000亿元,企业数量超1万家。", ["规上工业增加值", "企业数量"]),
    ("到2027年,发展水平明显提升。普及率、数控化率分别超过90%、70%。", ["普及率", "数控化率"]),
]


@pytest.mark.parametrize(("sentence", "metrics"), METRICS)
def test_each_quantity_gets_its_own_metric(sentence: str, metrics: list[str]) -> None:
    assert [t.metric for t in targets(sentence)] == metrics


def test_distributed_values_keep_their_order_and_comparator() -> None:
    found = targets("到2027年,普及率、数控化率分别超过93%、76%。")
    assert [(t.value, t.comparator, t.text) for t in found] == [(93, ">", "93%"), (76, ">", "76%")]


# Not targets: scope, conditions, grants, names, dates, durations, ordinals, status.
NOT_TARGETS = [
    "专项推动水泥、合成氨等23个重点领域节能降碳改造。",
    "聚焦重点行业和33条重点产业链,逐一落实33条重点产业链“链长”。",
    "引导产业园区聚焦2—3条产业链。",
    "每年评选标杆项目，设一等奖3名、二等奖5名，分别奖励300万元、200万元。",  # prize ranks of an award
    "对投资500万元（含）以上且纳入工业投资统计的技改项目,给予一次性最高10万元奖励。",
    "建立投资1000万元以上重点技改项目库。",
    "设立20亿元重庆科技成果转化基金。",
    "分别按项目设备投资的20%、10%、8%给予补助,单个项目最高补助2000万元。",
    "聚焦“33618”现代制造业集群重点行业,聚焦“10+1”产业体系。",
    "加快5G应用规模化发展,推进IPv6部署。",
    "“十四五”期间推动制造业高质量发展。",
    "实施十大工业互联网平台培育工程。",
    "根据《重庆市制造业高质量发展“十四五”规划(2021—2025年)》(渝府发〔2021〕18号)等文件精神。",
    "本政策自2025年2月2日起施行,有效期至2026年12月31日。",
    "针对市级企业研发机构法人化改革,连续3年给予过渡支持。",
    "请于1个月内报送材料。",
    "一次性给予链主企业200万元奖励。",
    "研发费用加计扣除比例由75%提高至100%。",
    "民航发展基金征收标准降低20%。",
    "工业用地税额标准为非工业用地税额标准的50%左右。",  # a tax rule (税额), not a target
    "符合条件的企业适用税率降至15%。",
    "截至2024年底,全市已建成5G基站10万个。",
    "全市规上工业增加值同比增长8.1%。",
    "每个省、自治区最多推荐1个地级城市。",
    "取消试点园区内满足要求的5大行业中的10大类建设项目环评审批。",
    "列入第2批试点名单。",
    "加大33条重点产业链各类资源要素配置力度。",
    "拓展两个市场、两种资源,形成一批示范项目。",
    "按设备投资额的10%给予补贴,最高不超过500万元。",
    "市财政每年安排专项资金3亿元,支持企业数字化转型。",
    "全市共有规上工业企业3000余家,其中年营业收入10亿元以上的企业200家。",
    # held-out patterns: reports and forecasts, counts of listed items, money set aside and shared out
    "据统计,去年底全市数字化普及率达80.5%,开展协同制造的企业占比达40.1%。",
    "预计全年全省数字经济增加值超1.5万亿元,增长12%左右。",
    "方案主要包括推进平台建设、强化设计赋能、创新协同服务3项任务。",
    "2025年,区级财政预算安排8.5亿元,其中,支持科创平台建设2.2亿元,支持人才引育1.1亿元。",
    "市财政统筹安排3000万元,重点用于支持企业研发。",
    "单个展位支持不超过3万元,单次支持不超过10万元。",
    "项目建成投产后按照设备和软件投资额的15%,给予最高800万元支持。",  # the rate of a grant
    "到2025年,推动智能家电走进千家万户,实施千企技改工程。",  # 千 in an idiom and in a name, no unit after
    "开展设备更新、以旧换新3大行动、12个工程、40项具体任务。",  # the parts of the plan, listed after an N大X
    "工业企业年纳税增幅在25%以上的,上述奖励最高不超过100万元。",  # …以上的, closes who may claim
    "对集聚4家以上专精特新企业的产业园区授予“专精特新园区”荣誉称号。",  # who may receive an honour
]


@pytest.mark.parametrize("sentence", NOT_TARGETS)
def test_not_a_target(sentence: str) -> None:
    assert [(t.value, t.unit, t.text) for t in targets(sentence)] == []


def test_size_class_is_part_of_the_metric() -> None:
    found = targets("到2022年,培育5个100亿级龙头企业。")
    assert [(t.value, t.unit, t.metric) for t in found] == [(5, "个", "培育100亿级龙头企业")]


# Years and periods: (sentence, title, [(year, period)]).
YEARS = [
    ("到2027年,力争规模以上企业技改全覆盖,技改投资达到1200亿元;力争灯塔工厂总数达到10家。", None, [(2027, None)] * 2),
    ("2025年,新实施项目1500个以上。", None, [(2025, None)]),
    ("全年力争新建绿色工厂50个以上。", "重庆市加力推动工业技术改造2025年行动方案", [(2025, "全年")]),
    ("完成110家企业评估。", "重庆市加力推动工业技术改造2025年行动方案", [(2025, None)]),
    ("完成110家企业评估。", "青岛市建设新型技术改造城市工作方案(2025—2027年)", [(None, None)]),
    ("每年滚动推进500个重点项目,竣工100个以上。", None, [(None, "每年"), (None, "每年")]),
    ("到2027年累计建成4.8万个5G基站。每年发布场景500个以上。", None, [(2027, "累计"), (None, "每年")]),
    ("实施期内重点行业累计开展数字化改造的规上企业占比达到80%以上。", None, [(None, "实施期内")]),
    ("“十四五”期间全市企业研发投入累计2500亿元以上,到2025年研发投入强度达到2%。", None, [(2025, "累计"), (2025, None)]),
    ("5年内实施10个左右重大项目。", None, [(None, "累计")]),
    ("全年新建赋能载体1家,系统集成服务商累计达到200家以上。", None, [(None, "全年"), (None, "累计")]),
    ("加快培育新质生产力。2025年,力争研发投入强度达到3%。", None, [(2025, None)]),
    ("截至2024年底,全市已建成基站1万个,力争到2026年达到1.5万个。", None, [(2026, None)]),
]


@pytest.mark.parametrize(("sentence", "title", "expected"), YEARS)
def test_year_and_period(sentence: str, title: str | None, expected: list[tuple]) -> None:
    assert [(t.year, t.period) for t in targets(sentence, title)] == expected


def test_an_unclosed_quote_far_back_does_not_hide_later_targets() -> None:
    text = (
        "实施“智改数转行动,推动制造业企业全面开展数字化改造和网络化协同提升,"
        "持续优化产业生态和公共服务体系,加快培育一批系统解决方案服务商,全年新建智能工厂20个以上。"
    )
    assert [t.value for t in targets(text)] == [20]


def test_plan_period_statement_gives_its_last_year() -> None:
    text = "特制定本方案,实施期限为2021—2025年。\n推进新建20个以上市级创新平台。\n每年滚动推进100个新产品。"
    assert [(t.value, t.year) for t in targets(text)] == [(20, 2025), (100, None)]


def test_a_sentence_led_by_a_past_year_reports_what_was_achieved() -> None:
    text = "推动产业升级。2023年,全市新建智能工厂12个。2024年,新建智能工厂20个以上。"
    found = targets(text, "制造业数字化转型行动计划（2024—2026年）")
    assert [(t.value, t.year) for t in found] == [(20, 2024)]


def test_a_paragraph_led_by_a_past_year_reports_what_was_achieved() -> None:
    text = "2023年,全市规上工业增加值增长6.5%。\n2024年,新建智能工厂20个以上。"
    found = targets(text, "制造业数字化转型行动计划（2024—2026年）")
    assert [(t.value, t.year) for t in found] == [(20, 2024)]


def test_deadline_governs_only_its_paragraph() -> None:
    text = "到2020年,综合机械化率达到70%。\n推进20个示范项目。"
    assert [(t.value, t.year) for t in targets(text)] == [(70, 2020), (20, None)]


def test_only_the_document_span_is_read() -> None:
    text = "新建绿色工厂50个以上。\n新建绿色园区30个以上。"
    doc = document(text)
    doc.span = (0, text.index("\n"))
    assert [t.value for t in find_targets(text, doc)] == [50]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            list(
                "0123456789一二两十百千万亿.%、,，。；\n（）()“”《》—-个家台套项次年月以上下左右约达到超过不少于每累计分别均的对给予奖励"
            )
            + ["到2025年", "新建", "台(套)", "亿元", "分别达到", "实施期限为2021—2025年", "abc", "5G"]
        ),
        max_size=60,
    ).map("".join)
)
def test_never_crashes_and_spans_hold_the_text(text: str) -> None:
    for t in targets(text):
        assert text[t.span[0] : t.span[1]] == t.text
        assert 0 <= t.span[0] < t.span[1] <= len(text)
        assert t.comparator in {">=", ">", "~", "<=", "<", "=", "range"}


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_never_crashes_on_any_text(text: str) -> None:
    for t in targets(text):
        assert text[t.span[0] : t.span[1]] == t.text
