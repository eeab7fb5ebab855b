"""Makers of model objects for tests, so each test names only the fields it is about."""

from __future__ import annotations

from typing import Any

from model import Document


def document(text: str = "", *, start: int = 0, end: int | None = None, **fields: Any) -> Document:
    """A document over ``text[start:end]`` (to the end of ``text`` by default) with an empty header.

    Any ``Document`` field can be given by name (``title=``, ``jurisdiction=``, ``sections=``, ``span=`` …).
    """
    values: dict[str, Any] = {
        "id": "d1",
        "title": None,
        "doc_number": None,
        "issuers": [],
        "recipients": [],
        "date": None,
        "effective_from": None,
        "effective_until": None,
        "jurisdiction": None,
        "doc_type": None,
        "forwarded_by": None,
        "span": (start, len(text) if end is None else end),
    }
    values.update(fields)
    return Document(**values)
