"""Numbers as Chinese policy texts write them: 1500, 1.5万, 一千五百, 两, 2000万元, 20%.

Chinese numerals are converted by cn2an (a maintained numeral library);
this module only adds the 万/亿 multipliers and the patterns that find a
number inside a sentence.
"""

from __future__ import annotations

import re

import cn2an

CN_DIGITS = "零〇一二两三四五六七八九十百千"
# One number: Arabic (with , thousands and a decimal part) or Chinese numerals.
NUMBER = rf"(?:\d+(?:[,，]\d{{3}})*(?:\.\d+)?|[{CN_DIGITS}]+)"
MULTIPLIERS = {"万": 1e4, "亿": 1e8, "万亿": 1e12, "千": 1e3, "百": 1e2}
# A number with an optional multiplier: 1.5万, 3亿, 一千五百, 4500.
QUANTITY = re.compile(rf"(?P<num>{NUMBER})(?P<mult>万亿|万|亿)?")
# Money: 2000万元, 10亿元, 1.3万亿 (元 optional only after a multiplier).
MONEY = re.compile(rf"(?P<num>{NUMBER})(?P<mult>万亿|万|亿)?元|(?P<num2>{NUMBER})(?P<mult2>万亿|亿)(?!元)")
PERCENT = re.compile(rf"(?P<num>{NUMBER})(?:%|％|个百分点)|百分之(?P<cn>[{CN_DIGITS}]+(?:点[{CN_DIGITS}]+)?)")


def parse_number(written: str) -> float:
    """The value of one written number, Arabic or Chinese (``'一千五百'`` → 1500.0).

    Raises ValueError when ``written`` is not a number.
    """
    cleaned = written.replace(",", "").replace("，", "").strip()
    if not cleaned:
        raise ValueError("empty number")
    try:
        return float(cleaned)
    except ValueError:
        pass
    if cleaned in ("百", "千", "万"):
        cleaned = "一" + cleaned  # 创建百个标杆, 覆盖千家企业: a round number written without 一
    try:
        return float(cn2an.cn2an(cleaned.replace("〇", "零"), "smart"))
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"not a number: {written!r}") from exc


def apply_multiplier(value: float, multiplier: str | None) -> float:
    """``1.5`` with ``'万'`` → 15000.0; no multiplier leaves the value alone."""
    return value * MULTIPLIERS[multiplier] if multiplier else value


def parse_quantity(written: str) -> float:
    """A number with an optional 万/亿 multiplier (``'1.5万'`` → 15000.0)."""
    m = QUANTITY.fullmatch(written.strip())
    if not m:
        raise ValueError(f"not a quantity: {written!r}")
    return apply_multiplier(parse_number(m["num"]), m["mult"])


def parse_money(written: str) -> float:
    """Money in 元 (``'2000万元'`` → 20000000.0, ``'1.3万亿'`` → 1.3e12)."""
    m = MONEY.fullmatch(written.strip())
    if not m:
        raise ValueError(f"not an amount of money: {written!r}")
    num, mult = (m["num"], m["mult"]) if m["num"] else (m["num2"], m["mult2"])
    return apply_multiplier(parse_number(num), mult)
