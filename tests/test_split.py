"""Sentences and clauses: where running text is cut, and that the pieces index the text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extract.split import clauses, pieces, sentences, strip_spaces


def written(text: str, spans: list[tuple[int, int]]) -> list[str]:
    return [text[a:b] for a, b in spans]


@pytest.mark.parametrize(
    ("text", "keep_stop", "expected"),
    [
        ("一是建设。二是推广！三是", True, ["一是建设。", "二是推广！", "三是"]),
        ("一是建设。二是推广！三是", False, ["一是建设", "二是推广", "三是"]),
        ("甲；乙;丙\n丁", False, ["甲", "乙", "丙", "丁"]),
        ("。。甲", True, ["。", "。", "甲"]),
        ("。。甲", False, ["甲"]),
        ("补助，最高50万元", False, ["补助，最高50万元"]),
    ],
)
def test_sentences(text: str, keep_stop: bool, expected: list[str]) -> None:
    assert written(text, sentences(text, 0, len(text), keep_stop)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("给予补助，最高50万元：分档", ["给予补助", "最高50万元", "分档"]),
        ("投资1,000万元,补助200万元", ["投资1,000万元", "补助200万元"]),  # a thousands comma stays
        ("共1,2,3家", ["共1", "2", "3家"]),  # not three digits after: a list
        ("共1,0000家", ["共1", "0000家"]),
    ],
)
def test_clauses_leave_thousands_commas_alone(text: str, expected: list[str]) -> None:
    assert written(text, clauses(text, 0, len(text), keep_stop=False)) == expected


def test_only_the_range_is_cut() -> None:
    text = "甲。乙，丙。丁"
    assert written(text, clauses(text, 2, 6)) == ["乙，", "丙。"]


@pytest.mark.parametrize(("span", "expected"), [((0, 6), (2, 4)), ((0, 2), None), ((2, 3), (2, 3))])
def test_strip_spaces(span: tuple[int, int], expected: tuple[int, int] | None) -> None:
    assert strip_spaces("  甲乙 \n", span) == expected


@given(st.text(alphabet="甲1,，。；\n ", max_size=40))
def test_kept_stops_cover_the_range_and_dropped_stops_leave_no_stop(text: str) -> None:
    kept = pieces(text, 0, len(text), "，,。；\n")
    assert "".join(written(text, kept)) == text
    for a, b in pieces(text, 0, len(text), "，。；\n", keep_stop=False):
        assert a < b and not set(text[a:b]) & set("，。；\n")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("给予 10 万元、50 万\n元、100 万元。当年", ["给予 10 万元、50 万\n元、100 万元。", "当年"]),  # number | unit
        ("突破1000万元、\n2000万元的", ["突破1000万元、\n2000万元的"]),  # list mark | next number
        ("二、重点任务\n1.工作", ["二、重点任务\n", "1.工作"]),  # a heading line still ends its sentence
        ("序号\n100\n200", ["序号\n", "100\n", "200"]),  # numbers on lines of their own stay apart
    ],
)
def test_a_line_break_inside_a_quantity_ends_no_sentence(text: str, expected: list[str]) -> None:
    assert [text[a:b] for a, b in sentences(text, 0, len(text))] == expected
