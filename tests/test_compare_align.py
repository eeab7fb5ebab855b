"""Target alignment: hand-made targets that must and must not sit on one row."""

from __future__ import annotations

import pytest

from kb.align import group_targets, prepare
from kb.metric_terms import align, key_terms, target_terms
from model import Target


def target(metric: str, value: float = 10, unit: str = "%", text: str | None = None) -> Target:
    written = text or f"{metric}{value:g}{unit}"
    return Target(None, metric, value, None, unit, ">=", 2025, None, written, (0, len(written)))


def aligned(a: Target, b: Target) -> list[str] | None:
    found = align(target_terms(a), a.unit, target_terms(b), b.unit)
    return None if found is None else found.shared


@pytest.mark.parametrize(
    ("a", "b", "must_share"),
    [
        (target("全市工业技术改造投资增长"), target("全市工业技改投资增长"), ["技改", "投资", "增长"]),
        (target("新建未来工厂", 10, "个"), target("智能工厂、数字化车间或自动化生产线", 800, "个"), ["智能工厂"]),
        (target("新建绿色工厂", 50, "个"), target("省级以上绿色制造企业", 200, "家"), ["绿色工厂"]),
        (target("5G基站", 48000, "个"), target("累计建成5G基站", 10000, "个"), ["5G基站"]),
        (target("系统集成服务商", 200, "家"), target("培育优质服务商", 50, "家"), ["服务商"]),
        (target("关键工序数控化率"), target("关键工序数控化率", 76), ["数控化率"]),
        # the measure word stands after the number: read from the sentence
        (
            target("全市工业技改投资", 10, "%", text="全市工业技改投资实现10%以上增长"),
            target("工业技术改造投资增长", 11),
            ["技改", "投资", "增长"],
        ),
    ],
)
def test_targets_that_measure_the_same_thing_align(a: Target, b: Target, must_share: list[str]) -> None:
    shared = aligned(a, b)
    assert shared is not None
    assert set(must_share) <= set(shared)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # growth of technical-transformation investment is not growth of all industrial investment
        (target("全市工业技术改造投资增长"), target("工业投资增长")),
        # growth is not a share
        (target("工业技改投资增长"), target("工业技改投资占工业投资比重", 50)),
        # same words, different kind of unit (percent vs money)
        (target("工业技改投资增长"), target("工业技改投资规模", 1.2e11, "元")),
        # different subjects
        (target("新建绿色工厂", 50, "个"), target("新建智能工厂", 50, "个")),
        (target("5G基站", 48000, "个"), target("5G全连接工厂", 10, "个")),
        # nothing in common but stop words and a measure
        (target("全市规模以上工业增加值增长"), target("全市工业投资增长")),
    ],
)
def test_targets_that_measure_different_things_do_not_align(a: Target, b: Target) -> None:
    assert aligned(a, b) is None


@pytest.mark.parametrize(
    ("metric", "terms"),
    [
        ("全市工业技术改造投资增长", ["技改", "投资", "增长"]),
        ("规模以上工业企业数字化研发涉及工具普及率", ["企业", "数字化研发设计工具", "普及率"]),
        ("新认定首台（套）重大技术装备", ["首台套", "技术", "设备", "重大"]),
    ],
)
def test_key_terms_use_the_synonym_table_and_drop_stop_words(metric: str, terms: list[str]) -> None:
    assert sorted(t.term for t in key_terms(metric)) == sorted(terms)


def test_rows_join_plans_and_leave_the_rest_alone() -> None:
    chongqing = [target("全市工业技术改造投资增长", 11), target("工业投资增长", 10), target("新建未来工厂", 10, "个")]
    qingdao = [target("全市工业技改投资增长", 10), target("工业技改投资占工业投资比重", 50)]
    chengdu = [target("技术改造投资增长", 12)]
    items = prepare(0, chongqing) + prepare(1, qingdao) + prepare(2, chengdu)
    rows, alone = group_targets(items)
    assert len(rows) == 1
    row = rows[0]
    assert sorted((m.side, m.target.metric) for m in row.members) == [
        (0, "全市工业技术改造投资增长"),
        (1, "全市工业技改投资增长"),
        (2, "技术改造投资增长"),
    ]
    assert row.shared[:1] == ["技改"]
    assert {m.target.metric for m in alone} == {"工业投资增长", "新建未来工厂", "工业技改投资占工业投资比重"}


def test_a_row_never_chains_unrelated_targets() -> None:
    # b aligns with a and with c, but a and c do not align: complete linkage keeps them apart
    a = target("智能工厂", 10, "个")
    b = target("智能工厂示范项目", 10, "个")
    c = target("示范项目", 10, "个")
    assert aligned(a, c) is None
    rows, _ = group_targets(prepare(0, [a]) + prepare(1, [b]) + prepare(2, [c]))
    for row in rows:
        metrics = {m.target.metric for m in row.members}
        assert not {"智能工厂", "示范项目"} <= metrics
