"""Recover the heading tree of one document: 第X章/第X条, 一、, （一）, 1., （1） and bold-run headings.

A numbered line is a heading only at a line start and in sequence (1. then
2. …; numbering may restart at 1 or run on across parents, as （十一） under
三、 does). Lines inside a table flattened one cell per line (专栏 boxes, 清单)
are cells, not headings. A bold-run heading is a short first sentence that
opens a paragraph under a numbered item (``加快建设企业研发机构。推动…``);
it counts only when at least two paragraphs under the same item open so.
A task table (a header row naming a 任务 column, rows as tab-separated cells)
makes each row that names a task a section, under the heading before the table,
so the responsibility cells of the row belong to it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

from extract.cues import words_of
from extract.furniture import is_attachment_note
from extract.header import CN_NUM, SENTENCE_MARKS, find_signature
from extract.lines import Line, split_lines
from model import Document, Section

CN_ORDINAL = f"[{CN_NUM}]+"
# Heading kinds, outermost first; the order sets their levels.
KINDS: list[tuple[str, re.Pattern[str]]] = [
    ("chapter", re.compile(rf"^第(?P<n>{CN_ORDINAL}|\d{{1,3}})章\s*")),
    ("part", re.compile(rf"^第(?P<n>{CN_ORDINAL}|\d{{1,3}})节\s*")),
    ("article", re.compile(rf"^第(?P<n>{CN_ORDINAL}|\d{{1,3}})条\s*")),
    ("cn", re.compile(rf"^(?P<n>{CN_ORDINAL})、\s*")),
    ("cn_paren", re.compile(rf"^[（(](?P<n>{CN_ORDINAL})[）)]\s*")),
    ("num", re.compile(r"^(?P<n>\d{1,2})(?:[.．](?!\d)|、)\s*")),
    ("num_paren", re.compile(r"^[（(](?P<n>\d{1,2})[）)]\s*")),
]
OUTER_KINDS = ("chapter", "part", "article")
ROW_NUMBER = re.compile(r"^\s*[（(]?\d{1,3}[）)]?[.．、]?\s*$")
BOLD_MAX_CHARS = 30
# How the line before a paragraph ends: a sentence or a bracketed note closes there.
PARAGRAPH_ENDS = tuple("。；;：:！？!?）)】〕」』”")
CELL_MAX_CHARS = 15
NEXT_HEADING_LOOKAHEAD = 300  # lines an excerpt's first heading (（三）) looks ahead for its next number (（四）)


@dataclass
class _Heading:
    kind: str
    number: str | None
    heading: str
    start: int
    line: int  # index among the document's lines
    level: int = 0


@lru_cache(maxsize=1024)
def _ordinal(written: str) -> int:
    """The value of a heading number (三 → 3); cached, since cn2an is slow and the same few numbers recur."""
    if written.isdigit():
        return int(written)
    import cn2an

    try:
        return int(cn2an.cn2an(written.replace("〇", "零"), "smart"))
    except (ValueError, KeyError):
        return -1


def _heading_words(rest: str) -> str:
    """The heading: the words after the number, up to the first 。 (or the line's end)."""
    end = rest.find("。")
    return (rest if end < 0 else rest[:end]).strip().rstrip("：:")


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def is_note_line(line: str) -> bool:
    """A responsibility note standing on its own line: (责任单位:…), 〔牵头单位：…〕."""
    return _fold(line).lstrip("([〔【").startswith(words_of("structure_cues.tsv", "kind", "note"))


def is_table_cue(line: str) -> bool:
    """The caption of a boxed table: 专栏1, 表2, 附表1."""
    folded = _fold(line)
    return any(pattern.match(folded) for pattern in _table_cues())


@cache
def _table_cues() -> tuple[re.Pattern[str], ...]:
    """A pattern per table caption word (专栏, 表…) with a number after it, compiled once: every line is tested."""
    return tuple(re.compile(rf"{re.escape(w)}\s*\d") for w in words_of("structure_cues.tsv", "kind", "table"))


def _is_cell(line: Line | None) -> bool:
    """A short line that is neither a sentence nor numbered: one cell of a flattened table."""
    if line is None or len(line.text) > CELL_MAX_CHARS or SENTENCE_MARKS.search(line.text):
        return False
    return not any(pattern.match(line.text) for _, pattern in KINDS)


def _levels(kinds_present: set[str]) -> dict[str, int]:
    """章/节/条 levels first (only those used), then 一、=+1, （一）=+2, 1.=+3, （1）=+4, bold-run=+5, table row=+6."""
    outer = [kind for kind in OUTER_KINDS if kind in kinds_present]
    levels = {kind: k + 1 for k, kind in enumerate(outer)}
    base = len(outer)
    for k, kind in enumerate(("cn", "cn_paren", "num", "num_paren", "bold", "row"), start=1):
        levels[kind] = base + k
    return levels


def _body_end(text: str, doc: Document, lines: list[Line]) -> int:
    """Where the numbered text ends: before the attachment list or the signature block, else the span end."""
    end = doc.span[1]
    signature = find_signature(lines)
    if signature is not None:
        end = min(end, signature.start)
    for line in lines:
        if is_attachment_note(line.text) and line.start < end:
            return line.start
    return end


def _numbered_headings(lines: list[Line]) -> list[_Heading]:
    """Numbered headings at line starts, in sequence, outside tables."""
    found: list[_Heading] = []
    last: dict[str, int] = {}
    present = {kind for line in lines for kind, pattern in KINDS[:3] if pattern.match(line.text)}
    levels = _levels(present)
    table_until: int | None = None  # inside a boxed table: only a heading at this level or above ends it
    for k, line in enumerate(lines):
        if is_table_cue(line.text):
            table_until = found[-1].level if found else 0
            continue
        for kind, pattern in KINDS:
            m = pattern.match(line.text)
            if not m:
                continue
            n = _ordinal(m["n"])
            in_sequence = n == 1 or n == last.get(kind, 0) + 1
            if not in_sequence and (found or not _numbered_next(lines, k, kind, n)):
                break  # out of sequence, unless an excerpt opens at （三） with （四） below
            if table_until is not None and levels[kind] > table_until:
                break
            prev = lines[k - 1] if k else None
            nxt = lines[k + 1] if k + 1 < len(lines) else None
            if len(line.text) <= 20 and "。" not in line.text and _is_cell(prev) and _is_cell(nxt):
                break  # a numbered cell among cells: part of a flattened table
            table_until = None
            last[kind] = n
            number = m.group(0).strip().removesuffix("、")
            found.append(_Heading(kind, number, _heading_words(line.text[m.end() :]), line.start, k, levels[kind]))
            break
    return found


def _numbered_next(lines: list[Line], k: int, kind: str, n: int) -> bool:
    """A later line opens a heading of the same kind numbered ``n + 1``."""
    pattern = dict(KINDS)[kind]
    for line in lines[k + 1 : k + 1 + NEXT_HEADING_LOOKAHEAD]:
        m = pattern.match(line.text)
        if m and _ordinal(m["n"]) == n + 1:
            return True
    return False


def _bold_run_headings(lines: list[Line], numbered: list[_Heading], bold_level: int) -> list[_Heading]:
    """Short first sentences opening paragraphs under a numbered item, two or more under one item."""
    heading_lines = {h.line for h in numbered}
    groups: dict[int, list[_Heading]] = {}
    owner = -1
    cursor = 0
    for k, line in enumerate(lines):
        while cursor < len(numbered) and numbered[cursor].line <= k:
            owner = cursor
            cursor += 1
        if k in heading_lines or owner < 0 or is_note_line(line.text):
            continue
        if k and k - 1 not in heading_lines and not lines[k - 1].text.rstrip().endswith(PARAGRAPH_ENDS):
            continue  # the line carries on a sentence wrapped from the line above (a PDF's hard line breaks)
        end = line.text.find("。")
        first = line.text[:end] if end > 0 else ""
        if not (4 <= len(first) <= BOLD_MAX_CHARS) or re.search(r"[，,；;：:]", first):
            continue
        if re.match(r"^[（(]?\d|^[（(]", first):
            continue
        groups.setdefault(owner, []).append(_Heading("bold", None, first, line.start, k, bold_level))
    return [h for group in groups.values() if len(group) >= 2 for h in group]


def _task_columns(cells: list[str]) -> tuple[list[int], int | None]:
    """For a table header row: the columns that name the task, and the 序号 column (or None)."""
    folded = [re.sub(r"\s+", "", _fold(cell)) for cell in cells]
    tasks = [i for i, cell in enumerate(folded) if cell in words_of("structure_cues.tsv", "kind", "task_column")]
    serial = next(
        (i for i, cell in enumerate(folded) if cell in words_of("structure_cues.tsv", "kind", "serial_column")), None
    )
    return tasks, serial


def _table_rows(lines: list[Line], level: int) -> list[_Heading]:
    """Rows of task tables that name a task, as headings (number: the 序号 cell as written, else empty)."""
    found: list[_Heading] = []
    tasks: list[int] = []
    serial: int | None = None
    for k, line in enumerate(lines):
        cells = line.text.split("\t")
        if len(cells) < 2:
            tasks, serial = [], None
            continue
        header_tasks, header_serial = _task_columns(cells)
        if header_tasks:
            tasks, serial = header_tasks, header_serial
            continue
        named = [cells[i].strip() for i in tasks if i < len(cells) and cells[i].strip()]
        if not named:
            continue
        number = cells[serial].strip() if serial is not None and serial < len(cells) else ""
        if number and not ROW_NUMBER.match(number):
            continue  # a row whose 序号 cell holds words: a group heading or a note, not a task
        found.append(_Heading("row", number, _heading_words(named[-1]), line.start, k, level))
    return found


def find_sections(text: str, doc: Document) -> list[Section]:
    """Sections of ``doc`` in reading order, each from its heading to the next heading at its level or above."""
    lines = split_lines(text, *doc.span)
    numbered = _numbered_headings(lines)
    levels = _levels({h.kind for h in numbered})
    bold = _bold_run_headings(lines, numbered, levels["bold"])
    rows = _table_rows(lines, levels["row"])
    headings = sorted(numbered + bold + rows, key=lambda h: h.start)
    body_end = _body_end(text, doc, lines)
    headings = [h for h in headings if h.start < body_end]
    note_starts = [line.start for line in lines if is_note_line(line.text)]
    stops = _stops(headings, body_end)
    sections: list[Section] = []
    stack: list[Section] = []
    for k, h in enumerate(headings):
        stop = stops[k]
        if h.kind == "bold":
            stop = min([stop, *(s for s in note_starts if h.start < s < stop)])
        if h.kind == "row":
            stop = lines[h.line].end
        while stack and stack[-1].level >= h.level:
            stack.pop()
        section = Section(
            id=f"{doc.id}/s{k + 1}",
            number=h.number,
            heading=h.heading,
            level=h.level,
            parent=stack[-1].id if stack else None,
            span=(h.start, _trim_end(text, h.start, stop)),
        )
        sections.append(section)
        stack.append(section)
    return sections


def _stops(headings: list[_Heading], body_end: int) -> list[int]:
    """Where each heading's section stops: the start of the next heading at its level or above, else ``body_end``.

    One pass with a stack of the headings still open (not a scan of the rest of the list for each heading).
    """
    stops = [body_end] * len(headings)
    open_ones: list[int] = []
    for k, h in enumerate(headings):
        while open_ones and headings[open_ones[-1]].level >= h.level:
            stops[open_ones.pop()] = h.start
        open_ones.append(k)
    return stops


def _trim_end(text: str, start: int, stop: int) -> int:
    """``stop`` moved back over trailing blank space, so a span ends with its last word."""
    while stop > start and text[stop - 1] in " \t\r\n\u3000\u2002\u2003\u00a0":
        stop -= 1
    return stop
