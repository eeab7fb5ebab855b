"""Find the targets of a document (placeholder: finds nothing yet)."""

from __future__ import annotations

from model import Document, Target


def find_targets(text: str, doc: Document) -> list[Target]:
    return []
