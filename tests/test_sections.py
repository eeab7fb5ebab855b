"""The heading tree of one document, on small hand-made texts."""

from __future__ import annotations

import pytest
from factories import document

from extract.sections import find_sections


def _tree(text: str) -> list[tuple[str | None, str, int, str | None]]:
    sections = find_sections(text, document(text))
    numbers = {s.id: s.number for s in sections}
    return [(s.number, s.heading, s.level, numbers.get(s.parent)) for s in sections]


LEVELS = """\
一、总体要求
（一）指导思想。坚持发展。
（二）主要目标。到2025年实现目标。
二、重点任务
(三)强化支撑。做好保障。
1.建设平台。建设一批平台。
2.培育企业。培育一批企业。
（1）龙头企业。做大做强。
（2）中小企业。做专做精。
3、完善服务。
"""


def test_heading_levels_and_parents():
    assert _tree(LEVELS) == [
        ("一", "总体要求", 1, None),
        ("（一）", "指导思想", 2, "一"),
        ("（二）", "主要目标", 2, "一"),
        ("二", "重点任务", 1, None),
        ("(三)", "强化支撑", 2, "二"),
        ("1.", "建设平台", 3, "(三)"),
        ("2.", "培育企业", 3, "(三)"),
        ("（1）", "龙头企业", 4, "2."),
        ("（2）", "中小企业", 4, "2."),
        ("3", "完善服务", 3, "(三)"),
    ]


def test_a_span_runs_to_the_next_heading_at_the_same_or_higher_level():
    sections = find_sections(LEVELS, document(LEVELS))
    by_number = {s.number: s for s in sections}
    assert LEVELS[slice(*by_number["（一）"].span)] == "（一）指导思想。坚持发展。"
    assert LEVELS[slice(*by_number["2."].span)].endswith("（2）中小企业。做专做精。")
    assert LEVELS[slice(*by_number["一"].span)].endswith("到2025年实现目标。")
    assert LEVELS[slice(*by_number["二"].span)].endswith("3、完善服务。")


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        # 2. without a 1. before it is running text, not a heading
        ("一、目标\n2.存量提升是重点，要抓好。\n二、任务", ["一", "二"]),
        # numbering runs on across parents
        ("一、甲\n（一）子一\n（二）子二\n二、乙\n（三）子三", ["一", "（一）", "（二）", "二", "（三）"]),
        # a number in the middle of a line is never a heading
        ("一、目标\n完成1.5万台，其中2.任务较重。", ["一"]),
        # a decimal at the line start is not 1.
        ("一、目标\n1.5万台设备完成更新。", ["一"]),
    ],
)
def test_headings_are_line_starts_in_sequence(text, numbers):
    assert [number for number, *_ in _tree(text)] == numbers


def test_chapter_and_article_headings_take_the_outer_levels():
    text = "\n".join(
        ["第一章 总则", "第一条 为了规范管理，制定本办法。", "第二条 本办法适用于全市。", "一、适用范围"]
        + ["第二章 附则", "第三条 本办法自发布之日起施行。"]
    )
    tree = _tree(text)
    assert [(n, level) for n, _, level, _ in tree] == [
        ("第一章", 1),
        ("第一条", 2),
        ("第二条", 2),
        ("一", 3),
        ("第二章", 1),
        ("第三条", 2),
    ]
    assert tree[3][3] == "第二条"


BOLD = """\
（一）推进平台建设。深入实施计划。
加快建设研发机构。推动企业普遍建立研发机构。
补齐短缺平台。推动有关部门联动。
（责任单位：市甲局、市乙局）
（二）推进产品研发。整合力量。
"""


def test_bold_run_headings_sit_below_the_numbered_item():
    sections = find_sections(BOLD, document(BOLD))
    assert [(s.number, s.heading, s.level) for s in sections] == [
        ("（一）", "推进平台建设", 2),
        (None, "加快建设研发机构", 5),
        (None, "补齐短缺平台", 5),
        ("（二）", "推进产品研发", 2),
    ]
    assert sections[1].parent == sections[0].id


def test_a_note_on_its_own_line_belongs_to_the_numbered_task_not_the_bold_run_heading():
    sections = find_sections(BOLD, document(BOLD))
    note = BOLD.index("（责任单位")
    assert sections[0].span[0] <= note < sections[0].span[1]
    assert not any(s.span[0] <= note < s.span[1] for s in sections if s.number is None)


@pytest.mark.parametrize(
    "text",
    [
        # one short opening sentence alone is not a heading pattern
        "（一）推进平台建设。深入实施计划。\n加快建设研发机构。推动企业建立研发机构。\n",
        # opening sentences with commas are ordinary sentences
        "（一）推进建设。\n到2025年，建成一批平台。其余略。\n要坚持创新，提升能力。其余略。\n",
        # no numbered item above: a preamble, not bold-run headings
        "为推动发展。特制定本方案。\n坚持创新驱动。提升能力。\n",
        # a text with hard line breaks: lines that carry on the sentence above are no paragraph openings
        "（一）推进数字产业化。对首次突破1000万元、5000\n万元的，分别给予 10 万元、50 万\n"
        "元、100 万元。当年认定的，奖励\n企业 50 万元。（责任单位：市经信局）\n",
    ],
)
def test_not_bold_run_headings(text):
    assert all(s.number is not None for s in find_sections(text, document(text)))


BOXED_TABLE = """\
（一）提升传统产业。
强化标准引领，提升智能化生产水平。
专栏1 传统产业发展重点
重点领域
重 点 方 向
食品
1.粮油加工。完善原料供应。
2.调味品。提高转化率。
轻工
1.纸制品。加快集聚。
（二）培育新兴产业。
"""


def test_numbered_lines_in_a_boxed_table_are_cells():
    assert [number for number, *_ in _tree(BOXED_TABLE)] == ["（一）", "（二）"]


def test_a_numbered_cell_among_short_cells_is_not_a_heading():
    text = "一、任务\n序号\n事项名称\n1、\n行政处罚\n市级\n二、要求"
    assert [number for number, *_ in _tree(text)] == ["一", "二"]


def test_sections_stop_before_the_signature_and_attachment_list():
    text = "一、工作要求\n做好工作。\n附件：1.某清单\n某市某局\n2024年1月2日"
    [section] = find_sections(text, document(text))
    assert text[slice(*section.span)] == "一、工作要求\n做好工作。"


TASK_TABLE = """\
一、重点任务
序号\t重点任务\t牵头单位\t配合单位\t完成时限
1\t建设产业园区。推动项目落地\t市甲局\t市乙局、市丙局\t2025年底
\t\t\t\t
2\t培育龙头企业\t市丁局\t各区县政府\t持续推进
（一）\t分组一行\t\t\t
3\t完善服务体系\t市戊局\t\t
二、保障措施
加强组织领导。
"""


def test_each_row_of_a_task_table_that_names_a_task_is_a_section():
    assert _tree(TASK_TABLE) == [
        ("一", "重点任务", 1, None),
        ("1", "建设产业园区", 6, "一"),
        ("2", "培育龙头企业", 6, "一"),
        ("（一）", "分组一行", 2, "一"),  # a group row numbered as a heading is one
        ("3", "完善服务体系", 6, "（一）"),
        ("二", "保障措施", 1, None),
    ]


def test_a_row_section_spans_its_own_line_only():
    sections = find_sections(TASK_TABLE, document(TASK_TABLE))
    row = next(s for s in sections if s.number == "2")
    assert TASK_TABLE[slice(*row.span)] == "2\t培育龙头企业\t市丁局\t各区县政府\t持续推进"


def test_the_responsibility_cells_of_a_row_belong_to_its_task():
    from extract.pipeline import extract_source
    from model import SourceText

    text = "某市某工作方案\n" + TASK_TABLE
    [doc] = extract_source(SourceText("t.txt", text, "txt")).documents
    by_id = {s.id: s.heading for s in doc.sections}
    got = {(by_id[r.section], r.as_written, r.role) for r in doc.responsibilities}
    assert ("建设产业园区", "市甲局", "lead") in got
    assert ("培育龙头企业", "各区县政府", "support") in got


@pytest.mark.parametrize(
    "header",
    ["序号\t项目名称\t牵头单位", "序号\t指标\t2025年目标"],  # a project list or an indicator table names no task
)
def test_a_table_without_a_task_column_makes_no_sections(header):
    text = f"一、附表\n{header}\n1\t某项目\t市甲局\n"
    assert [s.number for s in find_sections(text, document(text))] == ["一"]


def test_an_excerpt_opening_at_a_later_number_keeps_its_headings():
    text = "（三）发展目标\n到2025年，培育企业10家。\n（四）重点任务\n抓好落实。"
    headings = [(number, heading) for number, heading, *_ in _tree(text)]
    assert headings == [("（三）", "发展目标"), ("（四）", "重点任务")]
    # a lone later number with no next one after it is still running text
    assert _tree("（三）发展目标\n到2025年，培育企业10家。") == []


FLATTENED = (
    "某县促进企业发展行动方案为深入贯彻有关精神，制定本方案。" + "力争培育一批企业，" * 12 + "(责任单位:县工信局)"
    "(三)实施园区建设行动鼓励企业集聚发展。(责任单位:县发改局)(四)实施创新驱动行动搭建服务平台。(责任单位:县科技局)"
)


def test_a_page_run_into_one_line_is_read_as_the_lines_it_was_made_of():
    assert [(number, heading) for number, heading, *_ in _tree(FLATTENED)] == [
        ("(三)", "实施园区建设行动鼓励企业集聚发展"),
        ("(四)", "实施创新驱动行动搭建服务平台"),
    ]
    # an inline enumeration after a colon or semicolon stays running text
    inline = "一、目标\n" + "主要包括：(一)建设平台；(二)培育企业；(三)完善服务。" * 8
    assert [number for number, *_ in _tree(inline)] == ["一"]
