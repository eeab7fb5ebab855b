"""Turn what the reader typed (重庆, 青岛, a document id, words of a title) into the sides of a comparison."""

from __future__ import annotations

import re
from typing import Protocol

from kb.compare import Plan, Side
from model import Document, KnowledgeBaseError

_YEAR_RANGE = re.compile(r"(20\d\d|19\d\d)\s*[—–\-~～至到]+\s*(20\d\d|19\d\d)年")
_YEAR = re.compile(r"(20\d\d|19\d\d)年")


class DocumentSource(Protocol):
    """What compare needs from a knowledge base (kb.KnowledgeBase provides it)."""

    def documents(self, jurisdiction: str | None = None, doc_ids: list[str] | None = None) -> list[Document]: ...
    def source_text(self, doc_id: str) -> str: ...
    def find_documents(self, text: str) -> list[str]: ...
    def jurisdictions(self) -> list[str]: ...


def years_in_force(doc: Document) -> tuple[int | None, int | None]:
    """First and last year a plan applies: its dates of effect, else the years in its title,
    else from its date to its last target deadline (open-ended when it sets none)."""
    start = int(doc.effective_from[:4]) if doc.effective_from else None
    end = int(doc.effective_until[:4]) if doc.effective_until else None
    if start or end:
        return start, end
    title = doc.title or ""
    if m := _YEAR_RANGE.search(title):
        return int(m[1]), int(m[2])
    if m := _YEAR.search(title):
        return int(m[1]), int(m[1])
    # no stated period: the plan runs from its date to the last deadline among its targets
    deadlines = [t.year for t in doc.targets if t.year]
    last = max(deadlines) if deadlines else None
    if doc.date:
        return int(doc.date[:4]), last
    return None, last


def in_force(doc: Document, year: int) -> bool:
    start, end = years_in_force(doc)
    return (start is None or start <= year) and (end is None or year <= end)


def _plans(docs: list[Document]) -> list[Document]:
    """Leave out notices that only forward a plan that is itself selected (印发…的通知 with no facts)."""
    forwarders = {d.forwarded_by for d in docs if d.forwarded_by}
    return [d for d in docs if not (d.id in forwarders and not (d.targets or d.funding or d.responsibilities))]


def load_sides(source: DocumentSource, selectors: list[str], year: int | None = None) -> list[Side]:
    """One side per selector: a document id, a jurisdiction, or words of a title or 文号."""
    sides = []
    for selector in selectors:
        docs = source.documents(doc_ids=[selector])
        if not docs:
            docs = source.documents(jurisdiction=selector)
        if not docs:
            ids = source.find_documents(selector)
            docs = source.documents(doc_ids=ids) if ids else []
        if not docs:
            known = "、".join(sorted(source.jurisdictions())) or "（知识库为空）"
            raise KnowledgeBaseError(
                f"没有找到“{selector}”的文件：请写地区名（知识库中有：{known}）、文件编号，或标题中的词"
            )
        docs = _plans(docs)
        if year is not None:
            docs = [d for d in docs if in_force(d, year)]
            if not docs:
                raise KnowledgeBaseError(f"“{selector}”没有 {year} 年有效的规划；去掉 --year 或换一个年份")
        sides.append(Side(selector, [Plan(d, source.source_text(d.id)) for d in docs]))
    return sides
