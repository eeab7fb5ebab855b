"""A text seen as lines with their offsets: the unit every structure reader works on."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Whitespace that pads lines in converted web pages (full-width and en spaces included).
PAD = " \t\r\u3000\u2002\u2003\u00a0"
# A page that runs a whole document into one line (an aggregator's digest) still shows where its numbered items
# began: a heading number right after a finished sentence or a closing bracket (…各乡镇)(三)实施… / …。二、加强…).
# Such a line is read as the lines it was made of when it is long and holds two or more such headings; an inline
# enumeration (包括：(一)…；(二)…) follows a colon or a semicolon and is left alone.
_CN = "[一二三四五六七八九十]{1,3}"
RUN_IN_HEADING = re.compile(rf"(?<=[。）)])(?=(?:{_CN}、|[（(]{_CN}[）)])[\u4e00-\u9fff“])")
RUN_IN_MIN_CHARS = 200


@dataclass(frozen=True)
class Line:
    """One non-blank line: ``text`` is the line without padding, ``start``/``end`` its offsets."""

    index: int  # position among the non-blank lines of the text
    start: int
    end: int
    text: str


def split_lines(text: str, start: int = 0, end: int | None = None) -> list[Line]:
    """The non-blank lines of ``text[start:end]`` with padding trimmed; offsets index ``text``."""
    end = len(text) if end is None else end
    out: list[Line] = []
    pos = start
    while pos < end:
        stop = text.find("\n", pos, end)
        stop = end if stop < 0 else stop
        raw = text[pos:stop]
        stripped = raw.strip(PAD)
        if stripped:
            lead = pos + (len(raw) - len(raw.lstrip(PAD)))
            for a, b in _run_in_parts(stripped):
                out.append(Line(len(out), lead + a, lead + b, stripped[a:b]))
        pos = stop + 1
    return out


def _run_in_parts(line: str) -> list[tuple[int, int]]:
    """(start, end) of the lines a flattened line was made of; the whole line when it is not one."""
    cuts = [m.start() for m in RUN_IN_HEADING.finditer(line)] if len(line) >= RUN_IN_MIN_CHARS else []
    if len(cuts) < 2:
        return [(0, len(line))]
    bounds = [0, *cuts, len(line)]
    return [(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a]
