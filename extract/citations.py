"""Find the citations of a document (placeholder: finds nothing yet)."""

from __future__ import annotations

from model import Citation, Document


def find_citations(text: str, doc: Document) -> list[Citation]:
    return []
