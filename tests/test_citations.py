"""Citations: 《title》 and 文号 references, paired when the 文号 follows the title in brackets."""

from __future__ import annotations

import pytest
from factories import document
from hypothesis import given, settings
from hypothesis import strategies as st

from extract.citations import find_citations

NOTICE = "财政部 工业和信息化部关于开展制造业新型技术改造城市试点工作的通知"


def cited(text: str, **own: str) -> list[tuple[str | None, str | None, str]]:
    return [(c.title, c.doc_number, text[c.span[0] : c.span[1]]) for c in find_citations(text, document(text, **own))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            f"按照《{NOTICE}》(财建〔2024〕16号,以下简称《通知》)有关要求。其他事宜按照《通知》要求执行。",
            [
                (NOTICE, "财建〔2024〕16号", f"《{NOTICE}》(财建〔2024〕16号"),
                (NOTICE, "财建〔2024〕16号", "《通知》"),
            ],
        ),
        (
            "根据《关于推动制造业发展的意见》《重庆市制造业“十四五”规划(2021—2025年)》(渝府发〔2021〕18号)等文件精神。",
            [
                ("关于推动制造业发展的意见", None, "《关于推动制造业发展的意见》"),
                (
                    "重庆市制造业“十四五”规划(2021—2025年)",
                    "渝府发〔2021〕18号",
                    "《重庆市制造业“十四五”规划(2021—2025年)》(渝府发〔2021〕18号",
                ),
            ],
        ),
        ("根据渝府发〔2021〕13号文件精神。", [(None, "渝府发〔2021〕13号", "渝府发〔2021〕13号")]),
        (
            "《战略性新兴产业分类(2018)》（国家统计局令第23号）中的研发创新。",
            [("战略性新兴产业分类(2018)", "国家统计局令第23号", "《战略性新兴产业分类(2018)》（国家统计局令第23号")],
        ),
        ("按照工规函[2024]1109号要求。", [(None, "工规函[2024]1109号", "工规函[2024]1109号")]),
        ("推广《节能降碳技术装备推荐目录》。", [("节能降碳技术装备推荐目录", None, "《节能降碳技术装备推荐目录》")]),
        ("实施期限为2021—2025年,共33条。", []),  # no reference at all
        ("投资(2021)年度计划。", []),  # a bracketed year without 号 is no 文号
    ],
)
def test_references_are_found(text: str, expected: list[tuple]) -> None:
    assert cited(text) == expected


def test_own_title_and_number_are_not_citations() -> None:
    text = "关于印发行动方案的通知\n渝经信投资〔2025〕7号\n现将《行动方案》印发给你们。本通知即渝经信投资〔2025〕7号。"
    assert cited(text, title="行动方案", doc_number="渝经信投资〔2025〕7号") == []


def test_header_number_alone_on_its_line_is_not_a_citation() -> None:
    text = "重庆市人民政府办公厅关于印发方案的通知\n渝府办发〔2021〕80号\n各区县人民政府:"
    assert cited(text) == []


REFERENCES = st.text(
    alphabet=st.sampled_from(list("《》〔〕[]()（）第号令年0123456789发函财建渝府以下简称“”,，通知的关于根据\n "))
    | st.characters(),
    max_size=160,
)


@settings(max_examples=300, deadline=None)
@given(REFERENCES, st.integers(0, 40))
def test_never_crashes_and_spans_stay_in_the_document(text: str, cut: int) -> None:
    start = min(cut, len(text))
    for c in find_citations(text, document(text, start=start)):
        assert start <= c.span[0] < c.span[1] <= len(text)
        written = text[c.span[0] : c.span[1]]
        assert c.doc_number is None or c.doc_number in written or written.startswith("《")
