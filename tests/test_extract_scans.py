"""The faster scans of extract/ give exactly what the plain definitions they replace give.

Each helper below skips work (windows around 文号 cores, steps between brackets, one pass for section ends); the
tests compare it with the straightforward version on real texts and on many generated strings.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable
from pathlib import Path

from extract.citations import DOC_NUMBER, _doc_numbers
from extract.readers import read_source
from extract.sections import _Heading, _stops
from extract.unit_names import CLOSERS, NEW_ITEM, OPENERS, balanced_end, split_top

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def _spans(matches: Iterable[re.Match[str]]) -> list[tuple[tuple[int, int], dict[str, str | None]]]:
    return [(m.span(), m.groupdict()) for m in matches]


def _generated(seed: int, count: int) -> list[str]:
    """Strings built from the parts of 文号 and decrees (issuer words, bracketed years, 令第…号) and noise."""
    rng = random.Random(seed)

    def han(n: int) -> str:
        return "".join(rng.choice("府发办市令第号财建渝国省部") for _ in range(n))

    parts = [
        lambda: han(rng.randrange(1, 20)),
        lambda: rng.choice("〔[［(（") + rng.choice(["2024", "1999", "2101", "20"]) + rng.choice("〕]］)）"),
        lambda: rng.choice(["第", ""]) + str(rng.randrange(0, 1_000_000)) + rng.choice(["号", ""]),
        lambda: "令第" + str(rng.randrange(1, 999)) + "号",
        lambda: rng.choice([" ", "\n", "，", "a", "（", "）", "、"]),
    ]
    return ["".join(rng.choice(parts)() for _ in range(rng.randrange(1, 12))) for _ in range(count)]


def test_doc_numbers_are_those_a_full_scan_finds() -> None:
    rng = random.Random(3)
    texts = [read_source(path).text for path in sorted(CORPUS.iterdir())] + _generated(5, 20_000)
    found = 0
    for text in texts:
        start = rng.randrange(0, len(text) + 1) if rng.random() < 0.3 else 0
        end = rng.randrange(start, len(text) + 1) if rng.random() < 0.3 else len(text)
        expected = _spans(DOC_NUMBER.finditer(text, start, end))
        assert _spans(_doc_numbers(text, start, end)) == expected, (text, start, end)
        found += len(expected)
    assert found > 1_000  # the generated strings do hold 文号 and decrees


def _plain_split_top(words: str, offset: int, separators: str) -> list[tuple[str, int]]:
    parts: list[tuple[str, int]] = []
    depth, begin = 0, 0
    for i, ch in enumerate(words):
        if ch in OPENERS:
            depth += 1
        elif ch in CLOSERS:
            depth = max(0, depth - 1)
        elif ch in separators and depth == 0:
            parts.append((words[begin:i], offset + begin))
            begin = i + 1
    parts.append((words[begin:], offset + begin))
    return parts


def _plain_balanced_end(text: str, opener: int, limit: int) -> tuple[int, bool]:
    depth, line_end = 0, None
    for i in range(opener, min(limit, len(text))):
        ch = text[i]
        if ch in OPENERS:
            depth += 1
        elif ch in CLOSERS:
            depth -= 1
            if depth == 0:
                return i, True
        elif ch == "\n":
            if line_end is not None or NEW_ITEM.match(text, i + 1):
                return line_end if line_end is not None else i, False
            line_end = i
    return (line_end if line_end is not None else min(limit, len(text))), False


def test_bracket_scans_step_as_the_character_loop_does() -> None:
    rng = random.Random(9)
    alphabet = [*OPENERS, *CLOSERS, "、", "，", ",", "/", "；", "\n", "1、", "市", "财政局", " "]
    for _ in range(5_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 40)))
        for separators in ("、，,/", "；;。", "，,"):
            assert split_top(text, 7, separators) == _plain_split_top(text, 7, separators)
        for opener in (i for i, ch in enumerate(text) if ch in OPENERS):
            limit = rng.randrange(opener, len(text) + 5)
            assert balanced_end(text, opener, limit) == _plain_balanced_end(text, opener, limit)


def test_a_section_stops_at_the_next_heading_at_its_level_or_above() -> None:
    rng = random.Random(1)
    for _ in range(2_000):
        levels = [rng.randrange(1, 6) for _ in range(rng.randrange(0, 30))]
        headings = [_Heading("cn", None, "", 10 * k, k, level) for k, level in enumerate(levels)]
        expected = [
            next((later.start for later in headings[k + 1 :] if later.level <= h.level), 999)
            for k, h in enumerate(headings)
        ]
        assert _stops(headings, 999) == expected
