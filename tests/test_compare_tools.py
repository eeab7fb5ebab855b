"""Policy-instrument coding and theme coverage on hand-made tasks."""

from __future__ import annotations

import pytest

from kb.policy_tools import UNCODED, code_task, tool_rules
from kb.themes import theme_coverage


@pytest.mark.parametrize(
    ("heading", "body", "category", "tool"),
    [
        ("加强财政支持", "统筹市级专项资金，对技改项目给予补助。", "供给型", "资金"),
        ("加强金融协同", "鼓励银行扩大技改贷款，发挥融资担保作用。", "环境型", "金融"),
        ("改革审批制度", "简化技改项目审批，推行备案承诺制。", "环境型", "法规管制"),
        ("打造标杆示范", "遴选一批示范项目，总结推广典型案例。", "需求型", "示范推广"),
        ("培育服务商", "引育一批服务商，开展诊断咨询。", "供给型", "公共服务"),
        ("加强人才支撑", "引进高层次人才，开展技能培训。", "供给型", "人才"),
        ("落实税收优惠", "落实研发费用加计扣除等税收优惠。", "环境型", "税收优惠"),
        ("扩大政府采购", "将首台（套）产品纳入政府采购。", "需求型", "政府采购"),
        ("拓展海外市场", "支持企业走出去，在境外设立研发中心。", "需求型", "海外机构"),
        ("完善推进机制", "建立月度调度机制，定期通报。", "环境型", "策略措施"),
    ],
)
def test_tasks_are_coded_by_their_cue_words(heading: str, body: str, category: str, tool: str) -> None:
    code = code_task(heading, heading + "。" + body)
    assert (code.category, code.tool) == (category, tool)
    assert code.cues  # the deciding words are shown
    cues = {c.split("×")[0] for c in code.cues}
    assert all(c in heading + body for c in cues)


def test_a_cue_in_the_heading_outweighs_the_body() -> None:
    # body mentions 资金 once and 贷款 once; the heading says it is about finance
    code = code_task("加强金融协同", "加强金融协同。统筹资金，扩大贷款。")
    assert code.tool == "金融"
    assert "资金(1)" in code.others


def test_a_longer_cue_is_not_counted_twice() -> None:
    code = code_task("", "开展供需对接活动")
    assert code.tool == "市场塑造"
    assert code.cues == ["供需对接×1"]


def test_a_task_without_cue_words_is_left_uncoded() -> None:
    code = code_task("其他", "本方案自印发之日起施行。")
    assert (code.category, code.tool, code.cues) == (UNCODED, UNCODED, [])


def test_the_rules_cover_the_three_sides_and_seventeen_tools() -> None:
    rules = tool_rules()
    assert {r.category for r in rules} == {"供给型", "环境型", "需求型"}
    assert len({r.tool for r in rules}) == 17
    assert all(r.cues for r in rules)


def test_theme_coverage_counts_tasks_and_words() -> None:
    tasks = ["推进数字化改造，建设智能工厂。", "开展绿色工厂创建和节能诊断。", "完善标准体系。"]
    coverage = {c.theme: c for c in theme_coverage(tasks)}
    assert coverage["数字化/智能化"].tasks == 1
    assert coverage["绿色/节能"].tasks == 1
    assert coverage["服务商"].tasks == 1  # 诊断
    assert coverage["安全"].tasks == 0
    assert coverage["标准"].keywords == ["标准×1"]
    assert all(c.total == 3 for c in coverage.values())
