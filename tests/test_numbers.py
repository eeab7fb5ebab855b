"""Numbers as policy texts write them: Arabic, Chinese, 万/亿 multipliers, money."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extract.numbers import PERCENT, apply_multiplier, parse_money, parse_number, parse_quantity


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("1500", 1500),
        ("1,500", 1500),
        ("1.45", 1.45),
        ("一千五百", 1500),
        ("两", 2),
        ("十", 10),
        ("一", 1),
        ("二十", 20),
        ("一百二十", 120),
        ("两千", 2000),
        ("百", 100),  # a round number written without 一 (创建百个标杆)
        ("千", 1000),
    ],
)
def test_parse_number(written: str, value: float) -> None:
    assert parse_number(written) == pytest.approx(value)


@pytest.mark.parametrize("written", ["", "abc", "5G", "十四五规划"])
def test_parse_number_rejects_words(written: str) -> None:
    with pytest.raises(ValueError):
        parse_number(written)


@pytest.mark.parametrize(
    ("written", "value"),
    [("1.5万", 15000), ("3亿", 3e8), ("4.8万", 48000), ("1500", 1500), ("一千五百", 1500)],
)
def test_parse_quantity(written: str, value: float) -> None:
    assert parse_quantity(written) == pytest.approx(value)


@pytest.mark.parametrize(
    ("written", "value"),
    [("2000万元", 2e7), ("10亿元", 1e9), ("1.3万亿", 1.3e12), ("200元", 200), ("3万亿元", 3e12)],
)
def test_parse_money(written: str, value: float) -> None:
    assert parse_money(written) == pytest.approx(value)


@pytest.mark.parametrize("written", ["2000万台", "百分之十", "元"])
def test_parse_money_rejects_other_quantities(written: str) -> None:
    with pytest.raises(ValueError):
        parse_money(written)


@pytest.mark.parametrize(
    ("text", "number"),
    [("增长11%以上", "11"), ("提高3个百分点", "3"), ("达到86.7％", "86.7")],
)
def test_percent_pattern(text: str, number: str) -> None:
    m = PERCENT.search(text)
    assert m is not None and m["num"] == number


def test_no_multiplier_leaves_value_alone() -> None:
    assert apply_multiplier(12.5, None) == 12.5


@given(st.integers(min_value=0, max_value=10**9), st.sampled_from(["", "万", "亿"]))
def test_arabic_quantities_round_trip(n: int, mult: str) -> None:
    factor = {"": 1, "万": 1e4, "亿": 1e8}[mult]
    assert parse_quantity(f"{n}{mult}") == pytest.approx(n * factor)
