"""The knowledge base's "who is responsible for what" questions over a KnowledgeBase.

``who`` and ``duties`` and ``chain`` read the store's indexed tables (kb.task_tables,
kb.chain_tables), ``targets`` and ``funding`` its facts table (kb.fact_tables): no
graph. On a knowledge base built before the task tables existed the first three
walk the graph (graph.queries), which the knowledge base loads on first use; so do
all five for a source that has no database.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any, Protocol

from extract.agencies import canonical_agency
from kb import chain_tables, fact_tables, task_tables
from model import KnowledgeBaseError, PolicyKBError

if TYPE_CHECKING:
    import networkx as nx

    from graph import queries as gq

SEARCH_LIMIT = 10  # clauses taken from the search when no task holds the exact words


class GraphSource(Protocol):
    """What the queries need of a knowledge base (kb.KnowledgeBase has it)."""

    def graph(self) -> nx.MultiDiGraph: ...

    def source_text(self, doc_id: str) -> str: ...


def _tables(kb: GraphSource) -> sqlite3.Connection | None:
    """The knowledge base's database when it holds the query tables, else None (answer from the graph)."""
    conn = getattr(kb, "conn", None)
    return conn if isinstance(conn, sqlite3.Connection) and task_tables.has_tables(conn) else None


def _facts(kb: GraphSource) -> sqlite3.Connection | None:
    """The knowledge base's database (every schema keeps facts, documents and sections), else None (the graph)."""
    conn = getattr(kb, "conn", None)
    return conn if isinstance(conn, sqlite3.Connection) else None


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
    from graph import queries as gq

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
    from graph import queries as gq

    tasks = gq.find_tasks(g, query, city, _text_reader(kb))
    return tasks or _searched_tasks(kb, g, query, city)


def who(
    kb: GraphSource, query: str, city: str | None = None, tasks: int | None = task_tables.TASKS_SHOWN
) -> task_tables.Rows:
    """The units responsible for the tasks about ``query`` (see :func:`find_tasks`): one row per (agency, role)
    with ``task_count``, its number of tasks, and ``tasks``, the first ``tasks`` of them in reading order
    (all when None; the CLI's default is the same)."""
    conn = _tables(kb)
    if conn is not None:
        rows = task_tables.who_matching(conn, query, city, tasks)
        if rows is not None:  # tasks matched (even if none names a unit): the search is not asked
            return rows
        search = getattr(kb, "search", None)
        hits = search(query, city=city, limit=SEARCH_LIMIT) if search is not None else []
        found = task_tables.tasks_at(conn, [(hit.doc_id, hit.span[0]) for hit in hits])
        return task_tables.who(conn, *found, shown=tasks)
    from graph import queries as gq

    g = kb.graph()
    listed = gq.who(g, find_tasks(kb, g, query, city))
    for row in listed:
        row["task_count"] = len(row["tasks"])
        row["tasks"] = row["tasks"] if tasks is None else row["tasks"][:tasks]
    return task_tables.Rows(listed)


def duties(
    kb: GraphSource,
    agency: str,
    city: str | None = None,
    role: str | None = None,
    limit: int | None = task_tables.DUTIES_SHOWN,
) -> task_tables.Rows:
    """The tasks of ``agency`` (full name or any written form; ``city`` resolves 市X names): the first ``limit``
    rows (all when None; the CLI's default is the same), with how many there are in all as ``.total``."""
    conn = _tables(kb)
    if conn is not None:
        agencies = task_tables.resolve_agency(conn, agency, city, canonical_agency)
        return task_tables.duties(conn, agencies, city, role, limit)
    from graph import queries as gq

    g = kb.graph()
    rows = gq.duties(g, gq.resolve_agency(g, agency, city, canonical_agency), city, role)
    return task_tables.Rows(rows if limit is None else rows[:limit], total=len(rows))


def chain(kb: GraphSource, query: str, city: str | None = None) -> list[dict[str, Any]]:
    """Responsibility chains for a task id, an agency's tasks, or the tasks matching ``query``."""
    conn = _tables(kb)
    if conn is not None:
        try:
            return chain_tables.chain(conn, query, city, canonical_agency)
        except KnowledgeBaseError:
            search = getattr(kb, "search", None)
            hits = search(query, city=city, limit=SEARCH_LIMIT) if search is not None else []
            found = task_tables.tasks_at(conn, [(hit.doc_id, hit.span[0]) for hit in hits])[1]
            if not found:
                raise
            return chain_tables.chains_of(conn, [task.node for task in found])
    from graph import queries as gq

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
    """Numeric targets by city, target year and metric words: from the store's facts (kb.fact_tables)."""
    conn = _facts(kb)
    if conn is not None:
        return fact_tables.targets(conn, city, year, metric)
    from graph import queries as gq

    return gq.targets(kb.graph(), city, year, metric)


def funding(
    kb: GraphSource,
    city: str | None = None,
    year: int | None = None,
    instrument: str | None = None,
    min_cap: float | None = None,
) -> list[dict[str, Any]]:
    """Funding clauses by city, document year, instrument and minimum cap: from the store's facts (kb.fact_tables)."""
    conn = _facts(kb)
    if conn is not None:
        return fact_tables.funding(conn, city, year, instrument, min_cap)
    from graph import queries as gq

    return gq.funding(kb.graph(), city, year, instrument, min_cap)
