"""Verify a knowledge base: database integrity, spans, index and graph in agreement with the facts."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from kb import index, layout
from kb.knowledge_base import KnowledgeBase
from model import KnowledgeBaseError


@dataclass
class CheckReport:
    kb: str
    generation: str
    checks: list[tuple[str, bool, str]] = field(default_factory=list)  # (what, ok, detail)

    @property
    def ok(self) -> bool:
        return all(ok for _, ok, _ in self.checks)

    def add(self, what: str, problems: list[str], fine: str) -> None:
        shown = "; ".join(problems[:5]) + (f"; and {len(problems) - 5} more" if len(problems) > 5 else "")
        self.checks.append((what, not problems, shown if problems else fine))


def _database(kb: KnowledgeBase) -> list[str]:
    conn = kb.conn
    problems = [r[0] for r in conn.execute("PRAGMA integrity_check") if r[0] != "ok"]
    problems += [f"{r[0]} row {r[1]} points at a missing {r[2]}" for r in conn.execute("PRAGMA foreign_key_check")]
    return problems


def _spans(kb: KnowledgeBase) -> tuple[list[str], int]:
    """Every fact's text must be the source text at its span (provenance)."""
    problems: list[str] = []
    checked = 0
    texts: dict[str, str] = {}
    rows = kb.conn.execute(
        'SELECT f.doc_id, d.source_path, f.kind, f.start, f."end", f.data '
        "FROM facts f JOIN documents d ON d.id = f.doc_id"
    )
    for doc_id, source_path, kind, start, end, data in rows:
        if source_path not in texts:
            texts[source_path] = kb.source_text(doc_id)
        text = texts[source_path]
        fact = json.loads(data)
        checked += 1
        if not 0 <= start <= end <= len(text):
            problems.append(f"{kind} in {doc_id} has span {start}-{end} outside its text")
        elif "text" in fact and fact["text"] != text[start:end]:
            problems.append(f"{kind} in {doc_id} at {start}-{end} does not match its source text")
    return problems, checked


def _index(kb: KnowledgeBase) -> tuple[list[str], int]:
    ix = index.open_index(kb.files.index)
    in_index: Counter[str] = Counter()
    with ix.reader() as reader:
        for stored in reader.all_stored_fields():
            in_index[stored["clause_id"]] += 1
    in_db = {r[0] for r in kb.conn.execute("SELECT id FROM clauses")}
    problems = [f"clause {c} is in the database but not in the search index" for c in sorted(in_db - set(in_index))]
    problems += [f"clause {c} is in the search index but not in the database" for c in sorted(set(in_index) - in_db)]
    problems += [f"clause {c} is in the search index {n} times" for c, n in in_index.items() if n > 1]
    if not kb.files.vocab.is_file():
        problems.append("the query dictionary vocab.txt is missing")
    return problems, len(in_db)


def _graph(kb: KnowledgeBase) -> tuple[list[str], int]:
    from graph.build import build_graph

    stored = kb.graph()
    expected = build_graph(kb.documents())
    problems: list[str] = []
    missing = set(expected.nodes) - set(stored.nodes)
    extra = set(stored.nodes) - set(expected.nodes)
    problems += [f"graph lacks node {n}" for n in sorted(missing)]
    problems += [f"graph has node {n} that no fact supports" for n in sorted(extra)]

    def edges(g: object) -> Counter[tuple[str, str, str]]:
        return Counter((u, v, d.get("relation", "")) for u, v, d in g.edges(data=True))  # type: ignore[attr-defined]

    want, have = edges(expected), edges(stored)
    if want != have:
        problems.append(
            f"graph edges differ from the facts ({sum((want - have).values())} missing, "
            f"{sum((have - want).values())} extra)"
        )
    return problems, stored.number_of_nodes()


def check_kb(root: Path) -> CheckReport:
    """Run every check; raises KnowledgeBaseError only when there is nothing to check."""
    try:
        kb = KnowledgeBase(root)
    except layout.ReadOnlyError as exc:  # readable only from a writable copy: say so, not "damaged"
        report = CheckReport(kb=str(root), generation=layout.current_generation(root).name)
        report.add("database", [str(exc)], "")
        return report
    except KnowledgeBaseError:
        generation = layout.current_generation(root)  # a missing generation is reported as such
        report = CheckReport(kb=str(root), generation=generation.name)
        report.add("database", [f"{generation / layout.DB_NAME} cannot be opened as a SQLite database"], "")
        return report
    with kb:
        report = CheckReport(kb=str(root), generation=kb.generation.name)
        try:
            report.add("database", _database(kb), "SQLite integrity and references ok")
        except sqlite3.DatabaseError as exc:
            report.add("database", [f"SQLite reports: {exc}"], "")
            return report
        for what, run, fine in (
            ("spans", _spans, "{} facts match their source text"),
            ("search index", _index, "{} clauses, same as the database"),
            ("graph", _graph, "{} nodes, same as rebuilt from the facts"),
        ):
            try:
                problems, n = run(kb)
            except KnowledgeBaseError as exc:
                problems, n = [str(exc)], 0
            except Exception as exc:  # any failure to read a part is a finding about that part, not a crash
                problems, n = [f"cannot be read ({type(exc).__name__}: {exc})"], 0
            report.add(what, problems, fine.format(n))
    return report
