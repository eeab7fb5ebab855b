"""model.Document to and from plain JSON data, so the store can give back full Document objects."""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from typing import Any

from model import Citation, Document, Funding, Responsibility, Section, Target

_FACT_TYPES: dict[str, type] = {
    "sections": Section,
    "targets": Target,
    "responsibilities": Responsibility,
    "funding": Funding,
    "citations": Citation,
}


def _build(cls: type, data: dict[str, Any]) -> Any:
    """A dataclass from its asdict() form: spans back to tuples, unknown keys ignored."""
    names = {f.name for f in fields(cls)}
    values = {k: v for k, v in data.items() if k in names}
    if "span" in values and values["span"] is not None:
        values["span"] = tuple(values["span"])
    return cls(**values)


def document_to_json(doc: Document) -> str:
    return json.dumps(asdict(doc), ensure_ascii=False)


def document_from_dict(data: dict[str, Any]) -> Document:
    doc = _build(Document, {k: v for k, v in data.items() if k not in _FACT_TYPES})
    for kind, cls in _FACT_TYPES.items():
        setattr(doc, kind, [_build(cls, item) for item in data.get(kind, [])])
    return doc


def document_from_json(text: str) -> Document:
    return document_from_dict(json.loads(text))
