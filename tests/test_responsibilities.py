"""Responsibility notes: finding them, reading their units, roles, conventions, inheritance and tables."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from extract.pipeline import extract_file
from extract.responsibilities import find_responsibilities
from model import Document, Section


def document(text: str, place: str | None = "重庆市") -> Document:
    """A document whose tasks are the lines opening with （一）, （二）…, each running to the next task."""
    starts = [m.start() for m in re.finditer(r"(?m)^[（(][一二三四五六七八九十]+[）)]", text)] or [0]
    bounds = [*starts[1:], len(text)]
    sections = [
        Section(f"d/s{k + 1}", text[s : s + 3], text[s + 3 : text.find("。", s)], 2, None, (s, e))
        for k, (s, e) in enumerate(zip(starts, bounds, strict=True))
    ]
    return Document("d", None, None, [], [], None, None, None, place, None, None, (0, len(text)), sections)


def units(text: str, place: str | None = "重庆市") -> list[tuple[str, str]]:
    return [(r.as_written, r.role) for r in find_responsibilities(text, document(text, place))]


def by_task(text: str, place: str | None = "重庆市") -> dict[str, list[tuple[str, str]]]:
    doc = document(text, place)
    headings = {s.id: s.heading for s in doc.sections}
    out: dict[str, list[tuple[str, str]]] = {}
    for r in find_responsibilities(text, doc):
        out.setdefault(headings[r.section], []).append((r.as_written, r.role))
    return out


R, L, S, IMP = "responsible", "lead", "support", "implement"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # labelled notes in （）, (), 〔〕; list words trimmed
        (
            "（一）推动改造。（责任单位：市经济信息委、市发展改革委等按职责分工负责）",
            [("市经济信息委", R), ("市发展改革委", R)],
        ),
        ("(一)推动改造。(责任单位:市经济信息委)", [("市经济信息委", R)]),
        ("(一)推动改造。〔责任单位:市财政局、市科技局按照职责分工负责〕", [("市财政局", R), ("市科技局", R)]),
        # 具体落实 → implement; 和 splits two whole units; a shared suffix is distributed
        (
            "(一)推动改造。〔责任单位:市经济信息委,各区县(自治县)人民政府和西部科学城重庆高新区、两江新区、万盛经开区管委会具体落实〕",
            [
                ("市经济信息委", R),
                ("各区县(自治县)人民政府", IMP),
                ("西部科学城重庆高新区管委会", IMP),
                ("两江新区管委会", IMP),
                ("万盛经开区管委会", IMP),
            ],
        ),
        # 和 inside a name does not split it; a collective stays as written
        (
            "(一)推动改造。(责任单位:市工业和信息化局、市级有关部门和单位,各区(市)政府)",
            [("市工业和信息化局", R), ("市级有关部门和单位", R), ("各区(市)政府", R)],
        ),
        # one body with two names written together is one unit
        ("(一)推动改造。（责任单位：市经信局市新经济委）", [("市经信局市新经济委", R)]),
        # 牵头单位 / 配合单位
        (
            "(一)推动改造。(牵头单位:市经济信息委、市科技局;配合单位:市农业农村委,有关区县政府)",
            [("市经济信息委", L), ("市科技局", L), ("市农业农村委", S), ("有关区县政府", S)],
        ),
        # a note cut off by the source keeps its whole units
        ("(一)推动改造。(责任单位:市财政局、市科技局、市经济信\n", [("市财政局", R), ("市科技局", R)]),
        ("(一)推动改造。(责任单位:市财政局、各区县", [("市财政局", R), ("各区县", R)]),
        # cut inside a scope bracket (〈〉 nests in （）): the unit before the bracket is whole
        ("(一)推动改造。(责任单位:市财政局、各区人民政府〈含开发......\n", [("市财政局", R), ("各区人民政府", R)]),
        ("(一)推动改造。(责任单位:各区人民政府〈含开发区〉、市财政局)", [("各区人民政府", R), ("市财政局", R)]),
        # a note on its own line after the task's paragraphs
        ("(一)推动改造。\n\n开展诊断。\n\n(责任单位:市经济信息委,各区县)\n", [("市经济信息委", R), ("各区县", R)]),
        ("(一)推动改造。\n责任单位：市财政局、市商务委\n", [("市财政局", R), ("市商务委", R)]),
        # bracketed clauses that define a short name are not part of it; 统称 names the collective
        (
            "(一)推动改造。〔责任单位:市财政局,各区县(自治县,以下简称区县)政府〕",
            [("市财政局", R), ("各区县(自治县)政府", R)],
        ),
        (
            "(一)推动改造。〔责任单位:市财政局,各区县(自治县,含两江新区、重庆高新区,以下统称区县)〕",
            [("市财政局", R), ("各区县", R)],
        ),
        # a role written in brackets after a unit
        ("(一)推动改造。(责任单位:市发展改革委（牵头）、市财政局)", [("市发展改革委", L), ("市财政局", R)]),
        # unlabelled notes that say 负责 / 牵头 / 配合
        ("(一)推动改造。（海关总署、商务部等有关部门负责）", [("海关总署", R), ("商务部", R)]),
        ("(一)推动改造。（市发展改革委牵头，市财政局配合）", [("市发展改革委", L), ("市财政局", S)]),
        ("(一)推动改造。（农业农村部、工业和信息化部牵头负责）", [("农业农村部", L), ("工业和信息化部", L)]),
        # another field of the task line is not a unit
        ("(一)推动改造。(责任单位:市财政局、市商务委;完成时限:2025年底)", [("市财政局", R), ("市商务委", R)]),
        ("(一)推动改造。\n责任单位：市财政局  完成时限：2025年底\n", [("市财政局", R)]),
        # unbracketed label after a sentence; 牵头/配合 labels separated by a comma
        ("(一)推动改造。加快建设。责任单位：市财政局、市商务委。下一句。", [("市财政局", R), ("市商务委", R)]),
        ("(一)推动改造。(牵头单位:市财政局,配合单位:市商务委)", [("市财政局", L), ("市商务委", S)]),
        ("(一)推动改造。\n【牵头单位】市财政局【配合单位】市商务委\n", [("市财政局", L), ("市商务委", S)]),
        # a note wrapped onto the next line; whitespace inside a name is not part of it
        ("(一)推动改造。(责任单位:市发展改革委、市\n财政局)\n", [("市发展改革委", R), ("市财政局", R)]),
        ("(一)推动改造。(责任单位:市发展改革委、市\n(二)下一项。", [("市发展改革委", R)]),
        # 牵头 then 按职责分工负责; 及 between two whole units
        (
            "(一)推动改造。(市政府办公室、市审批改革工作领导小组办公室牵头,市级各有关部门及各县市区政府按职责分工负责)",
            [("市政府办公室", L), ("市审批改革工作领导小组办公室", L), ("市级各有关部门", R), ("各县市区政府", R)],
        ),
        # a sentence inside a labelled note is not a unit
        ("(一)推动改造。(责任单位:市商务委,2025年底前完成)", [("市商务委", R)]),
        # not notes
        ("(一)推动改造。发展制造业（含软件服务业，下同）。", []),
        ("(一)推动改造。本措施由市经济信息委牵头建立部门联动机制。", []),
        ("(一)推动改造。（市经信局市新经济委负责解释）", []),
        ("(一)推动改造。修订目录(2025年版)。", []),
        ("(一)推动改造。推动企业（由企业自行负责）。", []),
    ],
)
def test_note_units_and_roles(text: str, expected: list[tuple[str, str]]) -> None:
    assert units(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 逗号前为牵头单位，下同: before the comma lead, after it support, in this and every later note
        (
            "（一）甲。（责任单位：市经信局市新经济委、市财政局，市发展改革委；逗号前为牵头单位，下同）\n"
            "（二）乙。（责任单位：市经信局市新经济委，市商务局、各区（市）县）\n"
            "（三）丙。（责任单位：市经信局市新经济委）\n",
            {
                "甲": [("市经信局市新经济委", L), ("市财政局", L), ("市发展改革委", S)],
                "乙": [("市经信局市新经济委", L), ("市商务局", S), ("各区（市）县", S)],
                "丙": [("市经信局市新经济委", L)],
            },
        ),
        # 列第一位者为牵头单位，下同 in an unlabelled note; explicit 牵头 still wins
        (
            "（一）甲。（工业和信息化部、发展改革委等负责。列第一位者为牵头单位，下同）\n"
            "（二）乙。（农业农村部、财政部负责）\n"
            "（三）丙。（农业农村部、工业和信息化部牵头负责）\n"
            "（四）丁。（各省级人民政府负责）\n",
            {
                "甲": [("工业和信息化部", L), ("发展改革委", S)],
                "乙": [("农业农村部", L), ("财政部", S)],
                "丙": [("农业农村部", L), ("工业和信息化部", L)],
                "丁": [("各省级人民政府", L)],
            },
        ),
        # a convention without 下同 holds for its own note only
        (
            "（一）甲。（税务总局、财政部负责，排在第一位的部门为牵头部门）\n（二）乙。（海关总署、商务部负责）\n",
            {"甲": [("税务总局", L), ("财政部", S)], "乙": [("海关总署", R), ("商务部", R)]},
        ),
        # 分号前为牵头单位
        (
            "（一）甲。（责任单位：市科技局、市财政局；市商务委；分号前为牵头单位，下同）\n",
            {"甲": [("市科技局", L), ("市财政局", L), ("市商务委", S)]},
        ),
        # a convention stated in the running text holds for every later note
        (
            "各项任务排在第一位的为牵头单位。\n（一）甲。（责任单位：市科技局、市财政局）\n",
            {"甲": [("市科技局", L), ("市财政局", S)]},
        ),
        # no convention: a comma alone decides nothing
        (
            "（一）甲。〔责任单位:市工业和信息化局、市财政局,各区(市)政府〕\n",
            {"甲": [("市工业和信息化局", R), ("市财政局", R), ("各区(市)政府", R)]},
        ),
    ],
)
def test_conventions(text: str, expected: dict[str, list[tuple[str, str]]]) -> None:
    assert by_task(text, place="全国" if "部" in text.split("。")[1] else "成都市") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "（一）甲。〔责任单位:市经济信息委,各区县具体落实,以下各项任务均需各区县具体落实,不再重复列出〕\n"
            "（二）乙。(责任单位:市财政局)\n（三）丙。(责任单位:市科技局)\n",
            {
                "甲": [("市经济信息委", R), ("各区县", IMP)],
                "乙": [("市财政局", R), ("各区县", IMP)],
                "丙": [("市科技局", R), ("各区县", IMP)],
            },
        ),
        # a bare 下同 gives the clause's units to later tasks
        (
            "（一）甲。（责任单位：市财政局，各区县政府，下同）\n（二）乙。(责任单位:市科技局)\n",
            {"甲": [("市财政局", R), ("各区县政府", R)], "乙": [("市科技局", R), ("市财政局", R), ("各区县政府", R)]},
        ),
        # 任务均涉及 … 下同: this task and every later one
        (
            "（一）甲。〔责任单位:省发展改革委按职责分工负责。具体任务均涉及相关市(州)人民政府,不再做分工,下同。〕\n"
            "（二）乙。〔责任单位:省市场监管局〕\n",
            {
                "甲": [("省发展改革委", R), ("相关市(州)人民政府", R)],
                "乙": [("省市场监管局", R), ("相关市(州)人民政府", R)],
            },
        ),
        # 以下简称 is a naming note, not inheritance
        (
            "（一）甲。〔责任单位:市财政局,各区县(自治县,以下简称区县)政府〕\n（二）乙。(责任单位:市科技局)\n",
            {"甲": [("市财政局", R), ("各区县(自治县)政府", R)], "乙": [("市科技局", R)]},
        ),
    ],
)
def test_inheritance(text: str, expected: dict[str, list[tuple[str, str]]]) -> None:
    assert by_task(text) == expected


def test_own_line_note_after_numbered_sub_items_belongs_to_the_enclosing_item() -> None:
    text = "（一）完善预案体系。\n（1）加强预案管理。\n（2）推进预案精编。\n(责任单位:市应急局、各区县政府)\n"
    text += "（二）健全。\n"
    a, b = text.index("（1）"), text.index("（2）")
    c, end = text.index("（二）"), len(text)
    sections = [
        Section("d/s1", "（一）", "完善预案体系", 2, None, (0, c)),
        Section("d/s2", "（1）", "加强预案管理", 4, "d/s1", (a, b)),
        Section("d/s3", "（2）", "推进预案精编", 4, "d/s1", (b, c)),
        Section("d/s4", "（二）", "健全", 2, None, (c, end)),
    ]
    doc = Document("d", None, None, [], [], None, None, None, "重庆市", None, None, (0, end), sections)
    assert {(r.section, r.as_written) for r in find_responsibilities(text, doc)} == {
        ("d/s1", "市应急局"),
        ("d/s1", "各区县政府"),
    }


def test_table_columns() -> None:
    text = (
        "（一）任务分工表。\n序号\t任务\t牵头单位\t配合单位\n"
        "1\t推进技改\t市经信局\t市财政局、市科技局\n2\t扩大投资\t市发展改革委\t\n"
    )
    assert units(text, "成都市") == [("市经信局", L), ("市财政局", S), ("市科技局", S), ("市发展改革委", L)]


def test_table_needs_a_responsibility_header() -> None:
    assert units("（一）表。\n序号\t任务\t金额\n1\t推进技改\t市经信局\n", "成都市") == []


@pytest.mark.parametrize(
    ("place", "written", "agency", "jurisdiction"),
    [
        ("重庆市", "市经济信息委", "重庆市经济和信息化委员会", "重庆市"),
        ("青岛市", "市财政局", "青岛市财政局", "青岛市"),
        ("成都市", "省同城化办", "四川省同城化办", "四川省"),
        ("重庆市", "人行重庆市分行", "中国人民银行重庆市分行", "重庆市"),
        ("全国", "海关总署", "海关总署", "全国"),
    ],
)
def test_agency_and_jurisdiction(place: str, written: str, agency: str, jurisdiction: str) -> None:
    text = f"（一）任务。（责任单位：{written}）"
    [item] = find_responsibilities(text, document(text, place))
    assert (item.as_written, item.agency, item.jurisdiction) == (written, agency, jurisdiction)
    assert text[item.span[0] : item.span[1]] == written


def test_distributed_suffix_span_is_the_written_stem() -> None:
    text = "（一）任务。（责任单位：两江新区、万盛经开区管委会具体落实）"
    items = find_responsibilities(text, document(text))
    assert [text[a:b] for a, b in (i.span for i in items)] == ["两江新区", "万盛经开区管委会"]


FRAGMENTS = [
    "（",
    "）",
    "(",
    ")",
    "〔",
    "〕",
    "\n",
    "、",
    "，",
    ",",
    "；",
    "。",
    "责任单位：",
    "牵头单位:",
    "配合单位：",
    "市财政局",
    "各区县",
    "管委会",
    "两江新区",
    "和",
    "等",
    "负责",
    "牵头",
    "具体落实",
    "下同",
    "以下各项任务均需",
    "逗号前为牵头单位",
    "列第一位者为牵头单位",
    "（一）",
    "(二)",
    "\t",
    "统称",
    "以下简称",
    "自治县",
    "x",
    " ",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=3)), max_size=40))
# found by the property: a stray closer and a second label are no part of a name
@example(["责任单位：", "）", "责任单位：", " :"])
@example(["责任单位：", "市财政局", "\t", "市财政局"])  # two whole units apart are two units
@example(["【牵头单位】", "（牵头）"])  # a role in brackets with no name before it is no unit
def test_never_crashes_and_spans_hold_the_written_unit(parts: list[str]) -> None:
    text = "".join(parts)
    for item in find_responsibilities(text, document(text)):
        start, end = item.span
        written = text[start:end]
        assert 0 <= start < end <= len(text)
        assert item.as_written[0] not in "）)〕】" and not re.search("[:：]", item.as_written)
        bare = re.sub(r"\s+", "", written)  # a name wrapped onto the next line is read without the break
        assert item.as_written.startswith(bare) or any(b in written for b in "（(〔【") or "统称" in written


CORPUS = Path(__file__).resolve().parent.parent / "corpus"


@pytest.mark.parametrize(
    ("name", "roles"),
    [
        ("000_63447db278998bd5.txt", {"implement": 20, "responsible": 37}),
        ("001_7b47dacdb9e28699.txt", {"responsible": 40}),
        ("002_3e4d785b6c35bd35.txt", {}),
        ("003_e2ca7729ce21fbec.txt", {"lead": 17, "responsible": 396, "support": 56}),
        ("004_bb2807ede5a84bad.txt", {"lead": 9, "support": 18}),
    ],
)
def test_seed_roles(name: str, roles: dict[str, int]) -> None:
    """The seeds as the gold counts them (593 items); every span is inside its document."""
    extraction = extract_file(CORPUS / name)
    items = [(doc, r) for doc in extraction.documents for r in doc.responsibilities]
    assert Counter(r.role for _, r in items) == Counter(roles)
    assert all(doc.span[0] <= r.span[0] < r.span[1] <= doc.span[1] for doc, r in items)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 分别牵头: every unit so marked leads; 分别 is not part of a name
        ("（一）甲。（责任单位：市人社局、市农业局分别牵头）", [("市人社局", L), ("市农业局", L)]),
        # a heading's own note: 由…牵头实施 names the lead of that task
        ("（一）科技政策（由市科技局牵头实施）。支持研发。", [("市科技局", L)]),
        ("（一）扩大投资（市发改委牵头推进）。保障用地。", [("市发改委", L)]),
        # list words naming the rest of the list, with a level word, are trimmed
        (
            "（一）甲。（省发改委、水利厅、能源局等省有关部门和各地市人民政府按职责分工负责）",
            [("省发改委", R), ("水利厅", R), ("能源局", R), ("各地市人民政府", R)],
        ),
        ("（一）甲。（市商务局、市财政局等市直相关单位负责）", [("市商务局", R), ("市财政局", R)]),
        # 会同 joins two whole units
        ("（一）甲。（市发改委会同市财政局负责）", [("市发改委", R), ("市财政局", R)]),
        # 负责落实 is no part of a name; 落实 alone tells units to carry out
        ("（一）甲。（市住建局负责落实）", [("市住建局", R)]),
        ("（一）甲。（市交通局负责，各区县政府落实）", [("市交通局", R), ("各区县政府", IMP)]),
        # bare 牵头/配合 labels
        ("（一）甲。（牵头：市科技局；配合：市财政局、市税务局）", [("市科技局", L), ("市财政局", S), ("市税务局", S)]),
        # another field first in the bracket: the bracket is still the note, its closer no part of a name
        ("（一）甲。（责任领导：王五；牵头单位：市发改委；配合单位：市财政局）", [("市发改委", L), ("市财政局", S)]),
        # two labels separated only by spaces
        (
            "（一）甲。（牵头单位：市商务局　配合单位：市财政局、市税务局）",
            [("市商务局", L), ("市财政局", S), ("市税务局", S)],
        ),
        # more label words
        ("（一）甲。（主要牵头单位：市经信委；配合责任单位：市科技局）", [("市经信委", L), ("市科技局", S)]),
        # a field after spaces is still no unit
        ("（一）甲。\n牵头单位：市发改委　　完成时限：2024年\n", [("市发改委", L)]),
        # units apart by spaces are two units; a stray closer ends a line note, and what follows is no name
        ("（一）甲。\n责任单位：市发改委　市财政局\n", [("市发改委", R), ("市财政局", R)]),
        ("（一）甲。\n责任单位：市发改委）完成单位：市财政局\n", [("市发改委", R)]),
        ("（一）甲。\n【牵头单位】（牵头）\n", []),
    ],
)
def test_more_note_wordings(text: str, expected: list[tuple[str, str]]) -> None:
    assert units(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a convention in a bracket closing a line note's unit list: first unit leads, here and below (下同)
        (
            "（一）甲。\n责任单位：市发改委、市经信局、市财政局（列第一位为牵头单位，下同）\n"
            "（二）乙。\n责任单位：市商务局、市市场监管局\n",
            {"甲": [("市发改委", L), ("市经信局", S), ("市财政局", S)], "乙": [("市商务局", L), ("市市场监管局", S)]},
        ),
        # a closing bracket without a rule in it stays with its unit
        (
            "（一）甲。\n责任单位：市经信局、市发改委（牵头）\n",
            {"甲": [("市经信局", R), ("市发改委", L)]},
        ),
    ],
)
def test_convention_in_a_closing_bracket(text: str, expected: dict[str, list[tuple[str, str]]]) -> None:
    assert by_task(text, "丽水市") == expected


@pytest.mark.parametrize(
    ("place", "note", "expected"),
    [
        # a province writes 省 once for a list of its own departments: bare names after it take that level
        (
            "广东省",
            "省发展改革委、交通运输厅、能源局",
            [("省发展改革委", "广东省发展改革委"), ("交通运输厅", "广东省交通运输厅"), ("能源局", "广东省能源局")],
        ),
        # 省市场监管局 is 省 + 市场监管局, not 省市 (two levels)
        (
            "四川省",
            "省发展改革委、省市场监管局",
            [("省发展改革委", "四川省发展改革委"), ("省市场监管局", "四川省市场监管局")],
        ),
        # without a level written before it a bare name is left alone (or is a central body)
        ("全国", "发展改革委、能源局", [("发展改革委", "国家发展和改革委员会"), ("能源局", "国家能源局")]),
        # a district's own departments
        (
            "立山区",
            "区发改局、区直各部门、全区各专班",
            [("区发改局", "立山区发改局"), ("区直各部门", "区直各部门"), ("全区各专班", "全区各专班")],
        ),
        # an autonomous region is not a district
        (
            "广西壮族自治区",
            "自治区发展改革委、区财政局",
            [("自治区发展改革委", "广西壮族自治区发展改革委"), ("区财政局", "区财政局")],
        ),
        # a prefecture-level city known from the division codes: 省X goes to its province
        ("丽水市", "市发改委、省交通集团", [("市发改委", "丽水市发改委"), ("省交通集团", "浙江省交通集团")]),
    ],
)
def test_agency_levels_in_a_note(place: str, note: str, expected: list[tuple[str, str]]) -> None:
    text = f"（一）任务。（责任单位：{note}）"
    assert [(r.as_written, r.agency) for r in find_responsibilities(text, document(text, place))] == expected


def test_document_place_from_the_line_below_a_title_without_one() -> None:
    text = "市政府重点工作责任分解\n丽水市政府\n（一）任务。（责任单位：市财政局）"
    doc = document(text, None)
    doc.title = "市政府重点工作责任分解"
    [item] = find_responsibilities(text, doc)
    assert (item.agency, item.jurisdiction) == ("丽水市财政局", "丽水市")
