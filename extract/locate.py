"""Small lookups shared by the finders: which section holds an offset."""

from __future__ import annotations

from model import Document, Section


def innermost_section(doc: Document, offset: int) -> Section | None:
    """The deepest section whose span holds ``offset`` (sections are few: a scan is enough)."""
    best: Section | None = None
    for section in doc.sections:
        start, end = section.span
        if start <= offset < end and (best is None or section.level >= best.level):
            best = section
    return best
