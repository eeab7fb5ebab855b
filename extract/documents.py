"""Split a source text into policy documents and read each one's header.

First cut: the whole text is one document; splitting bundles and reading the
GB/T 9704 header (title, 文号, issuers, date…) are still to come.
"""

from __future__ import annotations

import hashlib

from model import Document


def split_documents(text: str) -> list[Document]:
    """The policy documents in ``text``, each with its span and header fields."""
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]
    title = next((line.strip() for line in text.split("\n") if line.strip()), None)
    return [
        Document(
            id=f"{digest}-1",
            title=title,
            doc_number=None,
            issuers=[],
            recipients=[],
            date=None,
            effective_from=None,
            effective_until=None,
            jurisdiction=None,
            doc_type=None,
            forwarded_by=None,
            span=(0, len(text)),
        )
    ]
