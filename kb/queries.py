"""The knowledge base's "who is responsible for what" questions: graph queries over a KnowledgeBase.

``graph.queries`` does the walking; this module supplies what only the
knowledge base has (the graph it stored, the source text sections are read
from, the agency-name table) and nothing else.
"""

from __future__ import annotations

from typing import Any, Protocol

import networkx as nx

from extract.agencies import canonical_agency
from graph import queries as gq
from model import KnowledgeBaseError, PolicyKBError

SEARCH_LIMIT = 10  # clauses taken from the search when no task holds the exact words


class GraphSource(Protocol):
    """What the queries need of a knowledge base (kb.KnowledgeBase has it)."""

    def graph(self) -> nx.MultiDiGraph: ...

    def source_text(self, doc_id: str) -> str: ...


def _text_reader(kb: GraphSource) -> gq.TextOf:
    """``doc_id -> source text``, read once per document; a document without text gives None."""
    cache: dict[str, str | None] = {}

    def text_of(doc_id: str) -> str | None:
        if doc_id not in cache:
            try:
                cache[doc_id] = kb.source_text(doc_id)
            except (PolicyKBError, KeyError, OSError):
                cache[doc_id] = None
        return cache[doc_id]

    return text_of


def _searched_tasks(kb: GraphSource, g: nx.MultiDiGraph, query: str, city: str | None) -> list[str]:
    """Tasks holding the clauses the KB's search ranks best for ``query`` (jieba words, not exact text)."""
    search = getattr(kb, "search", None)
    if search is None:
        return []
    tasks = []
    for hit in search(query, city=city, limit=SEARCH_LIMIT):
        task = gq.task_at(g, hit.doc_id, hit.span[0])
        if task is not None and task not in tasks:
            tasks.append(task)
    return tasks


def find_tasks(kb: GraphSource, g: nx.MultiDiGraph, query: str, city: str | None) -> list[str]:
    """Tasks whose heading or text holds every word of ``query``; when none does, the search's best clauses."""
    tasks = gq.find_tasks(g, query, city, _text_reader(kb))
    return tasks or _searched_tasks(kb, g, query, city)


def who(kb: GraphSource, query: str, city: str | None = None) -> list[dict[str, Any]]:
    """The units responsible for the tasks about ``query`` (see :func:`find_tasks`)."""
    g = kb.graph()
    return gq.who(g, find_tasks(kb, g, query, city))


def duties(kb: GraphSource, agency: str, city: str | None = None, role: str | None = None) -> list[dict[str, Any]]:
    """Every task of ``agency`` (full name or any written form; ``city`` resolves 市X names)."""
    g = kb.graph()
    return gq.duties(g, gq.resolve_agency(g, agency, city, canonical_agency), city, role)


def chain(kb: GraphSource, query: str, city: str | None = None) -> list[dict[str, Any]]:
    """Responsibility chains for a task id, an agency's tasks, or the tasks matching ``query``."""
    g = kb.graph()
    try:
        return gq.chain(g, query, city, _text_reader(kb), canonical_agency)
    except KnowledgeBaseError:
        tasks = _searched_tasks(kb, g, query, city)
        if not tasks:
            raise
        return [gq.chain_of_task(g, task) for task in tasks]


def targets(
    kb: GraphSource, city: str | None = None, year: int | None = None, metric: str | None = None
) -> list[dict[str, Any]]:
    return gq.targets(kb.graph(), city, year, metric)


def funding(
    kb: GraphSource,
    city: str | None = None,
    year: int | None = None,
    instrument: str | None = None,
    min_cap: float | None = None,
) -> list[dict[str, Any]]:
    return gq.funding(kb.graph(), city, year, instrument, min_cap)
