"""Find the responsibilities of a document (placeholder: finds nothing yet)."""

from __future__ import annotations

from model import Document, Responsibility


def find_responsibilities(text: str, doc: Document) -> list[Responsibility]:
    return []
