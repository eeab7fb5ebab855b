"""Cut running text into sentences and clauses, the units the fact finders read one at a time.

A sentence ends at 。！？；(and their ASCII forms) or a line break (not one that cuts a quantity in two);
a clause also at ，：and an ASCII comma, except
a comma that groups the thousands of a number (1,000). Every piece is an absolute (start, end) into the text.
"""

from __future__ import annotations

import re
from functools import cache

from model import Span

SENTENCE_ENDS = "。！？；;!?\n"
CLAUSE_MARKS = "，,：:"
CLAUSE_ENDS = SENTENCE_ENDS + CLAUSE_MARKS
THOUSANDS_COMMA = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
# A line break between a number and its unit (50 万\n元, 5000\n万元) or after a list mark before the next number
# (10 万元、\n20 万元) cuts one quantity or list in two: text with hard line breaks (a PDF's), no sentence end.
UNIT_NEXT = re.compile(r"(?<=[\d万亿])[ \t\r\u3000]*\n[ \t\u3000]*[元万亿%％]")
ITEM_NEXT = re.compile(r"(?<=、)[ \t\r\u3000]*\n[ \t\u3000]*\d")


def _breaks_a_quantity(text: str, i: int) -> bool:
    """True when the line break at ``i`` falls inside a quantity or a list of quantities."""
    k = i
    while k > 0 and text[k - 1] in " \t\r\u3000":
        k -= 1
    return UNIT_NEXT.match(text, k) is not None or ITEM_NEXT.match(text, k) is not None


@cache
def _stop_pattern(stops: str) -> re.Pattern[str]:
    """Any one character of ``stops`` (found by the regex engine, not a Python loop over every character)."""
    return re.compile("[" + re.escape(stops) + "]")


def pieces(text: str, start: int, end: int, stops: str, keep_stop: bool = True) -> list[Span]:
    """``text[start:end]`` cut after each character of ``stops``.

    With ``keep_stop`` each piece ends with its stop (a lone stop is a piece of its own), so the pieces cover the
    range; without it the stops are left out and empty pieces dropped.
    """
    out: list[Span] = []
    piece_start = start
    for stop in _stop_pattern(stops).finditer(text, start, end):
        i = stop.start()
        if text[i] == "," and THOUSANDS_COMMA.match(text, i):
            continue
        if text[i] == "\n" and _breaks_a_quantity(text, i):
            continue
        if keep_stop:
            out.append((piece_start, i + 1))
        elif i > piece_start:
            out.append((piece_start, i))
        piece_start = i + 1
    if end > piece_start:
        out.append((piece_start, end))
    return out


def sentences(text: str, start: int, end: int, keep_stop: bool = True) -> list[Span]:
    """The sentences of ``text[start:end]`` (see ``pieces`` for ``keep_stop``)."""
    return pieces(text, start, end, SENTENCE_ENDS, keep_stop)


def clauses(text: str, start: int, end: int, keep_stop: bool = True) -> list[Span]:
    """The clauses of ``text[start:end]`` (see ``pieces`` for ``keep_stop``)."""
    return pieces(text, start, end, CLAUSE_ENDS, keep_stop)


def strip_spaces(text: str, span: Span) -> Span | None:
    """``span`` without white space at either end; None when nothing else is left."""
    start, end = span
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None
