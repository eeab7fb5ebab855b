"""Funding clauses: what counts as a quantified grant, and how rate, cap, amount and per are read."""

from __future__ import annotations

import pytest
from factories import document
from hypothesis import given, settings
from hypothesis import strategies as st

from extract.funding import find_funding
from model import Funding


def grants(text: str) -> list[Funding]:
    return find_funding(text, document(text))


def brief(item: Funding) -> tuple:
    return (item.instrument, item.rate, item.cap, item.amount, item.per)


# (sentence, expected (instrument, rate, cap, amount, per) of each grant, in order)
POSITIVE = [
    ("对投资500万元（含）以上的技改项目，给予一次性最高10万元奖励。", [("奖励", None, 1e5, None, None)]),
    # text copied from a PDF: a space between the number, its multiplier and 元
    ("分别给予 100 万元、30 万元奖励。", [("奖励", None, None, 1e6, None), ("奖励", None, None, 3e5, None)]),
    # the instrument named without an amount, its cap in the next clause
    ("对入库项目的银行贷款，给予一定财政贴息，最高300万元。", [("贴息", None, 3e6, None, None)]),
    (
        "对投资2000万元（含）以上的国家示范项目、试点行业项目、其他项目，分别按设备投资的20%、10%、8%给予补助，"
        "单个项目最高补助2000万元；项目开工后，按投资进度给予不超过补助总额50%的拨款。",
        [
            ("补助", 20.0, 2e7, None, "单个项目"),
            ("补助", 10.0, 2e7, None, "单个项目"),
            ("补助", 8.0, 2e7, None, "单个项目"),
        ],
    ),
    ("每年对示范项目开展评价，评价达标即给予30万元奖励。", [("奖励", None, None, 3e5, "每年")]),
    ("市级对每个主攻方向给予1000万—3000万元的资金支持。", [("资金支持", None, 3e7, None, "每个主攻方向")]),
    (
        "市级按实际国拨经费的3%奖励研发团队,但每个项目奖励最高100万元,每个单位奖励最高1000万元。",
        [("奖励", 3.0, 1e6, None, "每个项目"), ("奖励", None, 1e7, None, "每个单位")],
    ),
    ("单户企业每年最高贴息200万元。", [("贴息", None, 2e6, None, "单户企业每年")]),
    ("给予年利率2.5%的补助，单户企业每年最高补助500万元。", [("补助", 2.5, 5e6, None, "单户企业每年")]),
    ("设立20亿元科技成果转化基金。", [("基金", None, None, 2e9, None)]),
    ("市级连续3年给予最高2000万元/年的研发补助。", [("研发补助", None, 2e7, None, "年")]),
    (
        "单个项目市级补助最高分别为500万元、1000万元。",
        [("补助", None, 5e6, None, "单个项目"), ("补助", None, 1e7, None, "单个项目")],
    ),
    ("对单个团队市级按最高500万元予以支持。", [("支持", None, 5e6, None, "单个团队")]),
    ("对获奖企业给予最高五十万元奖励。", [("奖励", None, 5e5, None, None)]),
    (
        "在市级一次性资助最高1000万元的基础上，每次市级奖补最高600万元。",
        [
            ("资助", None, 1e7, None, None),
            ("奖补", None, 6e6, None, "每次"),
        ],
    ),
    ("按销售总金额的1%给予最高1000万元补助；", [("补助", 1.0, 1e7, None, None)]),
    (
        "市级按研发费用存量不高于3%、增量不高于10%的比例给予补助。",
        [
            ("补助", 3.0, None, None, None),
            ("补助", 10.0, None, None, None),
        ],
    ),
    ("用足用好国家3亿元支持资金。", [("支持资金", None, None, 3e8, None)]),
    ("按照不超过项目总投资的10%给予补助，最高不超过500万元。", [("补助", 10.0, 5e6, None, None)]),
    ("给予最高不超过200万元的一次性奖励。", [("奖励", None, 2e6, None, None)]),
    ("单个企业年度奖励总额不超过1,000万元。", [("奖励", None, 1e7, None, "单个企业")]),
    ("补助金额在50万元以内。", [("补助", None, 5e5, None, None)]),
    ("给予项目总投资5%—10%的补助。", [("补助", 10.0, None, None, None)]),
    ("给予不超过实际投资额20%、最高500万元的补助。", [("补助", 20.0, 5e6, None, None)]),
    ("奖励10万元/家。", [("奖励", None, None, 1e5, "家")]),
    ("给予每户1000元补贴。", [("补贴", None, None, 1000.0, "每户")]),
    (
        "分别给予10万元、30万元、50万元奖励。",
        [("奖励", None, None, 1e5, None), ("奖励", None, None, 3e5, None), ("奖励", None, None, 5e5, None)],
    ),
    ("按企业缴纳增值税地方留成部分的50%给予奖励。", [("奖励", 50.0, None, None, None)]),
    (
        "给予一次性奖励，奖励标准为：国家级30万元、省级10万元。",
        [("奖励", None, None, 3e5, None), ("奖励", None, None, 1e5, None)],
    ),
    (
        "对年度主营业务收入首次突破10亿元、50亿元的企业，分别给予50万元、100万元奖励。",
        [("奖励", None, None, 5e5, None), ("奖励", None, None, 1e6, None)],
    ),
    # held-out patterns
    (
        "按照企业贷款实际利率的50%,最高不超过贷款金额的3%给予贴息,单个企业项目每年贴息上限为500万元。",
        [("贴息", 50.0, 5e6, None, "单个企业项目每年")],
    ),
    ("按设备投资额的10%,给予最高300万元补助。", [("补助", 10.0, 3e6, None, None)]),
    ("按产值每新增1000万元奖励2万元的标准给予奖励。", [("奖励", None, None, 2e4, None)]),
    (
        "2025年,市级财政预算安排10.5亿元,其中,支持科创平台建设3.2亿元,支持人才引育1.3亿元。",
        [
            ("预算安排", None, None, 1.05e9, None),
            ("预算安排", None, None, 3.2e8, None),
            ("预算安排", None, None, 1.3e8, None),
        ],
    ),
    ("市财政统筹安排3000万元,重点用于支持企业研发。", [("统筹安排", None, None, 3e7, None)]),
    ("整合2000万元资金用于发放消费券。", [("资金", None, None, 2e7, None)]),
    ("洁净厂房每平方米补助800元。", [("补助", None, None, 800.0, "每平方米")]),
    ("单一企业奖励总额不超过150万人民币。", [("奖励", None, 1.5e6, None, "单一企业")]),
    ("每个标准展位资助1万元(金额低于1万元的按实资助)。", [("资助", None, None, 1e4, "每个标准展位")]),
    ("单个展位支持不超过3万元。", [("支持", None, 3e4, None, "单个展位")]),
    ("运输费补贴不超过1万元,全年累计不超过4万元。", [("补贴", None, 1e4, None, None), ("补贴", None, 4e4, None, None)]),
    (
        "给予展位费70%补贴(每个展会不超过三个展位,每个标准展位最高不超过5000元补贴)。",
        [("补贴", 70.0, 5000.0, None, "每个标准展位")],
    ),
    (
        "分别给予每个标准一次性奖补80万元、40万元。",
        [("奖补", None, None, 8e5, "每个标准"), ("奖补", None, None, 4e5, "每个标准")],
    ),
    # money the treasury sets aside, words between 财政 and 安排 (and a stray space from a PDF inside 财政)
    ("县财 政计划每年安排2亿元培育标志性产业链。", [("财 政计划每年安排", None, None, 2e8, "每年")]),
    # the 按… basis after words of timing, its rate closing the clause, the grant in the next clause
    (
        "项目建成投产后按照设备和软件投资额的15%,给予最高800万元支持。",
        [("支持", 15.0, 8e6, None, None)],
    ),
    # 分别 with a list of rates of one basis closing the clause, one shared cap in the next clause
    (
        "对设备投资达到100万元(含)、800万元(含)以上的,分别按照设备投资额的1%、3%,最高给予50万元奖补。",
        [("奖补", 1.0, 5e5, None, None), ("奖补", 3.0, 5e5, None, None)],
    ),
]

NEGATIVE = [
    "将制造业企业研发费用加计扣除比例由75%提高至100%。",  # tax rule
    "民航发展基金航空公司征收标准降低20%。",  # fee cut
    "实施空重交替行驶运输车辆85折优惠政策。",  # price cut
    "统筹用好市级各有关财政专项资金，给予一定支持。",  # unquantified
    "对特别重大的项目，可“一事一议”给予支持。",  # unquantified
    "市与区县按6∶4的比例共担。",  # cost sharing
    "组建科技创新投资集团有限公司，注册资本金100亿元。",  # registered capital
    "项目开工后，按投资进度给予不超过补助总额50%的拨款。",  # disbursement schedule
    "带动装备产品市场销售超过2亿元。",  # a target, no instrument
    "对年营业收入首次突破1亿元的企业给予奖励。",  # threshold only
    "对申报研发费用1000万元以下的企业，由区县按上述比例给予补助。",  # threshold, rate not restated
    "长安新能源获得财政补贴约9亿元。",  # a reported estimate
    "力争工业投资增长10%以上。",  # growth goal
    "一流学科建设专项资金用于科技创新的比例不得低于30%。",  # a floor the text commits to: a target
    "对投资额1000万元以下的项目给予补助。",  # threshold only
    "争取中央财政补助资金10亿元以上。",  # a goal, not a grant
    "带动销售超过2亿元，最高不超过3亿元。",  # no instrument, no rate to cap
    "力争撬动1000亿元社会资金投入制造业。",  # leverage goal, not a grant
]


@pytest.mark.parametrize(("sentence", "expected"), POSITIVE)
def test_grants_are_read(sentence: str, expected: list[tuple]) -> None:
    assert [brief(item) for item in grants(sentence)] == expected


@pytest.mark.parametrize("sentence", NEGATIVE)
def test_non_grants_give_nothing(sentence: str) -> None:
    assert grants(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "condition", "beneficiaries"),
    [
        (
            "对投资500万元（含）以上且纳入统计的技改项目，给予一次性最高10万元奖励。",
            "投资500万元（含）以上且纳入统计",
            ["技改项目"],
        ),
        (
            "对投资2000万元（含）以上的示范项目、试点项目，分别按设备投资的20%、10%给予补助。",
            "投资2000万元（含）以上",
            ["示范项目", "试点项目"],
        ),
        (
            "对新认定的国家重点实验室、国家工程研究中心等国家科技创新基地,建立联动机制,在市级一次性资助最高1000万元的基础上。",
            "新认定",
            ["国家科技创新基地"],
        ),
        (
            "对进入重点软件企业清单,且符合相关条件的单位,根据研发绩效,市级奖补最高200万元。",
            "进入重点软件企业清单,且符合相关条件",
            ["单位"],
        ),
        ("对达到任务书目标的，一次性给予链主企业200万元奖励。", "达到任务书目标", ["链主企业"]),
        ("设立20亿元科技成果转化基金。", None, [None]),
        ("每年开展评价，评价达标即给予30万元奖励。", "评价达标", [None]),
        ("对新认定的省级及以上体验中心,给予10万元一次性奖补。", "新认定", ["体验中心"]),
        ("给予一次性奖励10万元。", None, [None]),  # the instrument is not who receives it
    ],
)
def test_condition_and_beneficiary(sentence: str, condition: str | None, beneficiaries: list[str | None]) -> None:
    items = grants(sentence)
    assert [item.condition for item in items] == [condition] * len(beneficiaries)
    assert [item.beneficiary for item in items] == beneficiaries


def test_span_is_the_grant_clause_and_text_matches() -> None:
    text = "大力推进技改。对投资500万元（含）以上的技改项目，给予一次性最高10万元奖励。"
    (item,) = grants(text)
    assert item.text == "给予一次性最高10万元奖励"
    assert text[item.span[0] : item.span[1]] == item.text


def test_only_the_document_span_is_read() -> None:
    first = "给予最高10万元奖励。"
    text = first + "给予最高20万元奖励。"
    items = find_funding(text, document(text, start=len(first)))
    assert [item.cap for item in items] == [2e5]


NOISY = st.text(
    alphabet=st.sampled_from(
        list("0123456789.,，、。；%万亿元最高不超过给予奖励补助贴息基金对的以上（含）()/—分别按每个单户企业年")
        + ["\n", " "]
    )
    | st.characters(),
    max_size=200,
)


@settings(max_examples=200, deadline=None)
@given(NOISY, st.integers(0, 50))
def test_never_crashes_and_spans_hold_their_text(text: str, cut: int) -> None:
    start = min(cut, len(text))
    for item in find_funding(text, document(text, start=start)):
        assert start <= item.span[0] < item.span[1] <= len(text)
        assert text[item.span[0] : item.span[1]] == item.text
        assert item.rate is not None or item.cap is not None or item.amount is not None
