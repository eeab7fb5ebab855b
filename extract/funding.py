"""Find the funding of a document (placeholder: finds nothing yet)."""

from __future__ import annotations

from model import Document, Funding


def find_funding(text: str, doc: Document) -> list[Funding]:
    return []
