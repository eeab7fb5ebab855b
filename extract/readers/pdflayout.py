"""Turn the positioned lines of PDF pages into running text: drop page furniture, re-join wrapped lines.

Pure functions over ``Line`` records, so the rules are testable without a PDF. The patterns live in
``extract/readers/data/`` as plain text a user can extend.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data"
EDGE_LINES = 2  # how many lines at the top and bottom of a page may be furniture


@dataclass(frozen=True)
class Line:
    """One text line of a page, with its box in points (top grows downwards)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    row: bool = False  # a table row (cells split by tabs): always a line of its own


def _patterns(name: str) -> list[str]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


@cache
def page_number_pattern() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in _patterns("page_numbers.txt")))


@cache
def paragraph_start_pattern() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in _patterns("paragraph_starts.txt")))


@cache
def paragraph_ends() -> frozenset[str]:
    return frozenset(line.strip() for line in _patterns("paragraph_ends.txt"))


def tidy(text: str) -> str:
    """A line's text without the indent and trailing blanks (also full-width spaces); a row keeps empty cells."""
    return text.strip(" \u3000\n")


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _edge_indexes(count: int) -> list[int]:
    return sorted({*range(min(EDGE_LINES, count)), *range(max(count - EDGE_LINES, 0), count)})


def _bare_number(line: Line) -> int | None:
    text = _squeeze(line.text)
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 4 else None


def drop_page_numbers(pages: list[list[Line]]) -> list[list[Line]]:
    """Pages without page-number lines (— 3 —, -3-, 第3页, or bare numbers counting up) at their top or bottom."""
    pattern = page_number_pattern()
    # A bare number is a page number only if it keeps one offset from the page index on several pages.
    offsets = Counter(
        number - index
        for index, page in enumerate(pages)
        for i in _edge_indexes(len(page))
        if (number := _bare_number(page[i])) is not None
    )
    offset, count = offsets.most_common(1)[0] if offsets else (None, 0)
    sequence_ok = count >= 2 or len(pages) == 1

    def is_page_number(line: Line, index: int) -> bool:
        if pattern.fullmatch(_squeeze(line.text)):
            return True
        number = _bare_number(line)
        return number is not None and sequence_ok and number - index == offset

    cleaned = []
    for index, page in enumerate(pages):
        drop = {i for i in _edge_indexes(len(page)) if is_page_number(page[i], index)}
        cleaned.append([line for i, line in enumerate(page) if i not in drop])
    return cleaned


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", _squeeze(text))


def drop_running_lines(pages: list[list[Line]]) -> list[list[Line]]:
    """Pages without running headers and footers: edge lines that repeat at the edge of most pages."""
    if len(pages) < 2:
        return pages
    seen: dict[str, int] = {}
    for page in pages:
        for key in {_furniture_key(page[i].text) for i in _edge_indexes(len(page))}:
            seen[key] = seen.get(key, 0) + 1
    running = {key for key, count in seen.items() if key and count >= 2 and count * 2 > len(pages)}
    cleaned = []
    for page in pages:
        edges = set(_edge_indexes(len(page)))
        cleaned.append([ln for i, ln in enumerate(page) if not (i in edges and _furniture_key(ln.text) in running)])
    return cleaned


@dataclass(frozen=True)
class Layout:
    """The body's measures: where full lines start and end, the usual letter size and line gap."""

    left: float
    right: float
    size: float
    gap: float
    indents: bool  # whether paragraphs open with a first-line indent (then a line ending in 。 may go on)

    @classmethod
    def of(cls, pages: list[list[Line]]) -> Layout:
        lines = [line for page in pages for line in page if not line.row]
        sizes = [line.bottom - line.top for line in lines] or [12.0]
        size = statistics.median(sizes)
        lefts = [round(line.x0) for line in lines] or [0]
        gaps = [b.top - a.bottom for page in pages for a, b in zip(page, page[1:], strict=False) if b.top > a.bottom]
        left = min(statistics.multimode(lefts))
        indented = sum(1 for line in lines if 1.5 * size <= line.x0 - left <= 2.6 * size)
        return cls(
            left=left,
            indents=indented >= max(2, 0.05 * len(lines)),
            right=_quantile([line.x1 for line in lines], 0.9),
            size=size,
            gap=statistics.median(gaps) if gaps else size * 0.5,
        )


def _quantile(values: list[float], q: float) -> float:
    """The value below which a share ``q`` of ``values`` lie (robust to one overlong line)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(int(q * len(ordered)), len(ordered) - 1)]


def starts_paragraph(prev: Line | None, line: Line, layout: Layout, same_page: bool) -> bool:
    """Whether ``line`` begins a new paragraph rather than continuing ``prev``."""
    if prev is None or prev.row or line.row:
        return True
    text, before = tidy(line.text), tidy(prev.text)
    if not before or paragraph_start_pattern().match(_squeeze(text)):
        return True
    if prev.x1 < layout.right - 1.5 * layout.size:  # a short line ends its paragraph (or is a heading)
        return True
    if line.x0 > layout.left + 0.8 * layout.size:  # first-line indent, or a centred line
        return True
    if before[-1] in paragraph_ends() and not layout.indents:  # with indents, a full line ending in 。 may go on
        return True
    return same_page and line.top - prev.bottom > max(1.8 * layout.gap, layout.gap + 0.5 * layout.size)


def join_pages(pages: list[list[Line]]) -> tuple[str, list[int]]:
    """The running text of ``pages`` and the offset where each page's text starts."""
    layout = Layout.of(pages)
    out: list[str] = []
    length = 0
    starts: list[int] = []
    prev: Line | None = None
    for page in pages:
        first = True
        for line in page:
            text = tidy(line.text)
            if not text:
                continue
            if prev is not None:
                # Chinese has no spaces between words: a wrapped line is joined with nothing in between.
                sep = "\n" if starts_paragraph(prev, line, layout, same_page=not first) else ""
                out.append(sep)
                length += len(sep)
            if first:
                starts.append(length)
                first = False
            out.append(text)
            length += len(text)
            prev = line
        if first:
            starts.append(length)
    return "".join(out) + "\n", starts
