"""A text seen as lines with their offsets: the unit every structure reader works on."""

from __future__ import annotations

from dataclasses import dataclass

# Whitespace that pads lines in converted web pages (full-width and en spaces included).
PAD = " \t\r\u3000\u2002\u2003\u00a0"


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
            out.append(Line(len(out), lead, lead + len(stripped), stripped))
        pos = stop + 1
    return out
