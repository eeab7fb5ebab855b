"""Small lookups shared by the finders: which section holds an offset."""

from __future__ import annotations

from model import Document, Section


def innermost_section(doc: Document, offset: int, numbered_only: bool = True) -> Section | None:
    """The deepest section whose span holds ``offset``.

    Facts belong to the innermost *numbered* task (一、/（一）/1./（1）) by
    default; bold-run headings (``number`` None) only when ``numbered_only`` is False.
    """
    best: Section | None = None
    for section in doc.sections:
        if numbered_only and section.number is None:
            continue
        start, end = section.span
        if start <= offset < end and (best is None or section.level >= best.level):
            best = section
    return best
