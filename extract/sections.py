"""Recover the heading tree (一、 / （一） / 1. / （1）) of one document.

First cut: numbered lines only; bold-run headings, 第X章/第X条 and tables
are still to come.
"""

from __future__ import annotations

import re

from model import Document, Section

CN = "一二三四五六七八九十百零〇"
HEADING_PATTERNS: list[tuple[int, re.Pattern[str]]] = [
    (1, re.compile(rf"([{CN}]+)、")),
    (2, re.compile(rf"[（(]([{CN}]+)[）)]")),
    (3, re.compile(r"(\d{1,2})[.．、](?!\d)")),
    (4, re.compile(r"[（(](\d{1,2})[）)]")),
]


def _heading_words(line: str) -> str:
    """The heading: the words after the number, up to the first 。."""
    end = line.find("。")
    return (line if end < 0 else line[:end]).strip()


def find_sections(text: str, doc: Document) -> list[Section]:
    """Sections of ``doc``, in reading order, each spanning up to the next heading of its level or above."""
    found: list[tuple[int, str, str, int]] = []  # level, number, heading, start
    start, end = doc.span
    pos = start
    for line in text[start:end].split("\n"):
        stripped = line.lstrip()
        lead = pos + len(line) - len(stripped)
        for level, pattern in HEADING_PATTERNS:
            m = pattern.match(stripped)
            if m:
                found.append((level, m.group(0).rstrip("、.．"), _heading_words(stripped[m.end() :]), lead))
                break
        pos += len(line) + 1
    sections: list[Section] = []
    stack: list[Section] = []
    for k, (level, number, heading, at) in enumerate(found):
        stop = end
        for later_level, _, _, later_at in found[k + 1 :]:
            if later_level <= level:
                stop = later_at
                break
        while stack and stack[-1].level >= level:
            stack.pop()
        section = Section(
            id=f"{doc.id}/s{k + 1}",
            number=number,
            heading=heading,
            level=level,
            parent=stack[-1].id if stack else None,
            span=(at, stop),
        )
        sections.append(section)
        stack.append(section)
    return sections
