"""``chain`` answered from the store's tables: issuer → document (→ forwarding notice) → task → units, citations.

Each chain needs a handful of documents, so it reads just those rows instead of
loading the whole graph (seconds and most of a gigabyte at 10,000 documents).
The answer is graph.queries.chain_of_task's, field for field.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from kb import task_tables as tt
from model import KnowledgeBaseError

_DOC_COLUMNS = "id, title, doc_number, date, jurisdiction, source_path, ordinal"


class _Documents:
    """Document rows and how citations name them (文号 and title, spelled as graph.build compares them)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        from graph.build import _normal_number, _normal_title

        self.conn = conn
        self.normal_number, self.normal_title = _normal_number, _normal_title
        self._by_number: dict[str, str] | None = None
        self._by_title: dict[str, str] = {}
        self._summaries: dict[str, dict[str, Any]] = {}

    def row(self, doc_id: str) -> tuple[Any, ...] | None:
        return self.conn.execute(f"SELECT {_DOC_COLUMNS} FROM documents WHERE id = ?", (doc_id,)).fetchone()

    def forwarded_by(self, doc_id: str) -> str | None:
        row = self.conn.execute("SELECT data ->> '$.forwarded_by' FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return row[0] if row else None

    def summary(self, doc_id: str) -> dict[str, Any]:
        if doc_id not in self._summaries:
            self._summaries[doc_id] = self._summary(doc_id)
        return dict(self._summaries[doc_id])

    def _summary(self, doc_id: str) -> dict[str, Any]:
        row = self.row(doc_id)
        assert row is not None
        issuers = [
            r[0]
            for r in self.conn.execute(
                "SELECT canonical FROM agency_names WHERE doc_id = ? AND ordinal >= "
                "(SELECT count(*) FROM responsibilities WHERE doc_id = ?) ORDER BY ordinal",
                (doc_id, doc_id),
            )
        ]
        if not issuers:
            written = self.conn.execute("SELECT data ->> '$.issuers' FROM documents WHERE id = ?", (doc_id,))
            issuers = json.loads(written.fetchone()[0] or "[]")
        return {"doc_id": row[0], "title": row[1], "doc_number": row[2], "date": row[3], "issuers": issuers}

    def cited(self, doc_id: str) -> tuple[list[str], list[str]]:
        """The documents ``doc_id`` cites (in citation order) and the citations no document answers."""
        if self._by_number is None:
            self._by_number = {}
            for other, number, title in self.conn.execute(
                "SELECT id, doc_number, title FROM documents ORDER BY source_path, ordinal"
            ):
                if number:
                    self._by_number[self.normal_number(number)] = other
                if title:
                    self._by_title[self.normal_title(title)] = other
        found: list[str] = []
        unresolved: list[str] = []
        for (data,) in self.conn.execute(
            "SELECT data FROM facts WHERE doc_id = ? AND kind = 'citation' ORDER BY ordinal", (doc_id,)
        ):
            citation = json.loads(data)
            cited = None
            if citation.get("doc_number"):
                cited = self._by_number.get(self.normal_number(citation["doc_number"]))
            if cited is None and citation.get("title"):
                cited = self._by_title.get(self.normal_title(citation["title"]))
            if cited is not None and self.forwarded_by(cited) == doc_id:
                continue
            if cited is not None and cited != doc_id:
                found.append(cited)
            elif cited is None:
                written = " ".join(p for p in (citation.get("title"), citation.get("doc_number")) if p)
                if written and written not in unresolved:
                    unresolved.append(written)
        return found, unresolved

    def cited_upward(self, doc_id: str, seen: set[str]) -> list[dict[str, Any]]:
        out = []
        for cited in self.cited(doc_id)[0]:
            if cited not in seen:
                seen.add(cited)
                summary = self.summary(cited)
                summary["cites"] = self.cited_upward(cited, seen)
                out.append(summary)
        return out


def chain_of(conn: sqlite3.Connection, node: str, documents: _Documents | None = None) -> dict[str, Any] | None:
    """The chain of a ``task:<doc>/<section>`` or ``doc:<doc>`` id; None when there is no such task or document.

    ``documents`` is shared by the chains of one question (it indexes every 文号 and title once).
    """
    documents = documents or _Documents(conn)
    kind, _, rest = node.partition(":")
    doc_id, _, section_id = rest.partition("/") if kind == "task" else (rest, "", "")
    if kind not in ("task", "doc") or documents.row(doc_id) is None:
        return None
    path: list[str] = []
    units: dict[str, list[str]] = {role: [] for role in tt.ROLES}
    units_from = None
    if kind == "task":
        row = conn.execute(
            f"SELECT {tt.SECTION_COLUMNS} FROM sections WHERE doc_id = ? AND id = ?", (doc_id, section_id)
        )
        section = row.fetchone()
        if section is None:
            return None
        tasks = tt.Tasks(conn, {})
        task = tasks.keep(section)
        tasks.read_units([task])
        source, found = tasks.responsible(task)
        first_said = {  # a unit is listed where the text first names it in that role
            (agency, role): start
            for agency, role, start in conn.execute(
                "SELECT agency, role, min(start) FROM responsibilities WHERE doc_id = ? AND section = ? "
                "GROUP BY agency, role",
                (source.doc_id, source.section_id),
            )
        }
        for agency, role, _ in sorted(found, key=lambda u: first_said.get((u[0], u[1]), 0)):
            if agency not in units[role]:
                units[role].append(agency)
        units_from = None if source is task else source.label()
        node_: tt.Task | None = task
        while node_ is not None:
            path.append(node_.label())
            node_ = tasks.parent(node_)
        path.reverse()
    notice = documents.forwarded_by(doc_id)
    return {
        "task": node,
        "section_path": path,
        "document": documents.summary(doc_id),
        "forwarded_by": documents.summary(notice) if notice and documents.row(notice) else None,
        "units": {role: names for role, names in units.items() if names},
        "units_from": units_from,
        "cites": documents.cited_upward(doc_id, {doc_id}),
        "cites_unresolved": documents.cited(doc_id)[1],
    }


def chain(conn: sqlite3.Connection, query: str, city: str | None, canonical: tt.Canonical) -> list[dict[str, Any]]:
    """Chains for a task id, an agency (its tasks) or the tasks whose words match ``query`` (graph.queries.chain)."""
    one = chain_of(conn, query) if query.startswith(("task:", "doc:")) else None
    if one is not None:
        return [one]
    try:
        agencies = tt.resolve_agency(conn, query, city, canonical)
    except KnowledgeBaseError:
        agencies = []
    if agencies:
        rows = tt.duties(conn, agencies, city, limit=None)
        order = {row["task"]: (row["title"] or "", (row["span"] or [0])[0]) for row in rows}
        nodes = sorted(order, key=lambda n: order[n])
    else:
        nodes = [task.node for task in tt.find_tasks(conn, query, city)[1]]
    if not nodes:
        raise KnowledgeBaseError(f"no task or agency matches {query!r}; try fewer words, or an agency's name")
    return chains_of(conn, nodes)


def chains_of(conn: sqlite3.Connection, nodes: list[str]) -> list[dict[str, Any]]:
    """The chains of task and document ids, reading the documents' 文号 and titles once."""
    documents = _Documents(conn)
    return [c for c in (chain_of(conn, n, documents) for n in nodes) if c is not None]
