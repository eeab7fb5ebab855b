"""Read a knowledge base: the documents, the graph, the source texts, counts, and clause search.

A KnowledgeBase holds one generation open for its whole life, and one read
transaction on its database (a WAL snapshot), so everything it answers comes
from one consistent state even while a build publishes a newer generation or
an add changes this one in place. The index, dictionary and graph it opens are
those the snapshot names (kb.layout.state_files).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from kb import layout, store
from kb.places import place_key
from model import Document, KnowledgeBaseError

if TYPE_CHECKING:
    import networkx as nx  # imported by graph() only: search and stats need no graph

    from kb.search import SearchResult


class KnowledgeBase:
    """One generation of a knowledge base folder, open for reading."""

    def __init__(self, root: Path) -> None:
        self.root = root
        for attempt in range(3):  # CURRENT may move on between reading it and opening the folder
            self.generation = layout.current_generation(root)
            conn: sqlite3.Connection | None = None
            try:
                conn = store.connect(self.generation / layout.DB_NAME, readonly=True)
                conn.execute("BEGIN")  # pin this snapshot for the life of the object
                self.state = store.index_state(conn)
                self.conn = conn
                break
            except layout.ReadOnlyError:
                raise  # says what is wrong and what to do better than the general advice below
            except (KnowledgeBaseError, sqlite3.Error):
                if conn is not None:
                    conn.close()  # a failed attempt keeps no file open (one would keep a mount busy)
                if attempt == 2:
                    raise KnowledgeBaseError(
                        f"cannot open the knowledge base at {root}; run `policykb check`, or `policykb build`"
                    ) from None
        self.files = layout.state_files(self.generation, self.state)
        self._graph: nx.MultiDiGraph | None = None
        self._searcher: Any = None

    def __enter__(self) -> KnowledgeBase:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
        self.conn.close()

    def searcher(self) -> Any:
        """The clause index's whoosh searcher, opened on first use and kept for this generation's life."""
        if self._searcher is None:
            from whoosh import index as whoosh_index

            from kb import index

            try:
                self._searcher = index.open_index(self.files.index).searcher()
            except whoosh_index.IndexError as exc:  # e.g. a segment file lost from the index folder
                raise KnowledgeBaseError(
                    f"the search index of {self.root} is damaged ({exc}); run `policykb check`, then `policykb build`"
                ) from None
        return self._searcher

    def jurisdictions(self) -> list[str]:
        return [
            r[0]
            for r in self.conn.execute("SELECT DISTINCT jurisdiction FROM documents WHERE jurisdiction IS NOT NULL")
        ]

    def documents(self, jurisdiction: str | None = None, doc_ids: list[str] | None = None) -> list[Document]:
        """Whole documents with their facts; ``jurisdiction`` matches 重庆 and 重庆市 alike."""
        places = None
        if jurisdiction is not None:
            key = place_key(jurisdiction)
            places = [j for j in self.jurisdictions() if place_key(j) == key]
        return store.load_documents(self.conn, places, doc_ids)

    def graph(self) -> nx.MultiDiGraph:
        if self._graph is None:
            from kb import graphfile

            path = self.files.graph
            # An add left the graph to its first reader, or a later writer pruned this
            # generation while it was open (its database stays readable): derive it.
            if not path.exists() and (store.graph_deferred(self.conn) or not self.generation.is_dir()):
                self._graph = graphfile.derive(path, self.documents())
            else:
                self._graph = graphfile.load(path)
        return self._graph

    def source_text(self, doc_id: str) -> str:
        """The text the document's spans index (the whole file it came from)."""
        row = self.conn.execute(
            "SELECT s.text FROM documents d JOIN sources s ON s.path = d.source_path WHERE d.id = ?", (doc_id,)
        ).fetchone()
        if row is None:
            raise KnowledgeBaseError(f"no document '{doc_id}' in the knowledge base at {self.root}")
        return row[0]

    def sources(self) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT s.path, s.format, s.size, count(d.id) FROM sources s "
            "LEFT JOIN documents d ON d.source_path = s.path GROUP BY s.path ORDER BY s.path"
        )
        return [{"path": p, "format": f, "size": n, "documents": d} for p, f, n, d in rows]

    def find_documents(self, text: str) -> list[str]:
        """Ids of documents whose id is ``text`` or whose title or 文号 contains it."""
        rows = self.conn.execute(
            "SELECT id FROM documents WHERE id = ? OR instr(title, ?) > 0 OR instr(doc_number, ?) > 0",
            (text, text, text),
        )
        return [r[0] for r in rows]

    def agency_names(self, text: str) -> list[str]:
        """Canonical agency names whose canonical or written form contains ``text``."""
        rows = self.conn.execute(
            "SELECT DISTINCT label FROM facts WHERE kind = 'responsibility' "
            "AND (instr(label, ?) > 0 OR instr(json_extract(data, '$.as_written'), ?) > 0)",
            (text, text),
        )
        return [r[0] for r in rows]

    def facts_in(self, doc_id: str, start: int, end: int) -> list[dict[str, Any]]:
        return store.facts_in(self.conn, doc_id, start, end)

    def stats(self) -> dict[str, Any]:
        """Counts of files, documents, sections, facts, agencies and clauses, and where they live."""
        out: dict[str, Any] = {"kb": str(self.root), "generation": self.generation.name}
        out.update(store.counts(self.conn))
        out["jurisdictions"] = sorted(self.jurisdictions())
        return out

    def search(self, query: str, **filters: Any) -> list[SearchResult]:
        from kb.search import search

        return search(self, query, **filters)


def open_kb(path: str | Path | None = None) -> KnowledgeBase:
    """Open the knowledge base at ``path`` (default: resolve_kb_path()), or say to build it."""
    return KnowledgeBase(layout.resolve_kb_path(path))
