"""model.Document to and from plain JSON data, so the store can give back full Document objects."""

from __future__ import annotations

import copy
import json
from dataclasses import fields, is_dataclass
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


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def plain(value: Any) -> Any:
    """``dataclasses.asdict`` for the model's data, without its deep copy of every leaf value.

    The model's leaves are str, int, float, bool and None, which need no copy; asdict
    copied each one (a tenth of a build's writer time). Lists and tuples keep their type.
    """
    cls = type(value)
    if cls in (str, int, float, bool) or value is None:
        return value
    if cls is list or cls is tuple:
        return cls(plain(item) for item in value)
    if cls is dict:
        return {key: plain(item) for key, item in value.items()}
    if is_dataclass(value):
        names = _FIELD_NAMES.get(cls)
        if names is None:
            names = _FIELD_NAMES[cls] = tuple(f.name for f in fields(value))
        return {name: plain(getattr(value, name)) for name in names}
    return copy.deepcopy(value)  # anything else, as asdict does


def to_json(value: Any) -> str:
    """A dataclass (or list of them) as the JSON text ``json.dumps(asdict(value), ensure_ascii=False)`` gives."""
    return json.dumps(plain(value), ensure_ascii=False)


def document_to_json(doc: Document) -> str:
    return to_json(doc)


def document_from_dict(data: dict[str, Any]) -> Document:
    doc = _build(Document, {k: v for k, v in data.items() if k not in _FACT_TYPES})
    for kind, cls in _FACT_TYPES.items():
        setattr(doc, kind, [_build(cls, item) for item in data.get(kind, [])])
    return doc


def document_from_json(text: str) -> Document:
    return document_from_dict(json.loads(text))
