"""The SQLite part of a knowledge base: sources, documents (whole, as JSON), sections, facts, clauses.

One database per generation. Writers fill it inside transactions; readers open it
read-only. Every Document is kept whole (``documents.data``) so the store can
return full ``model.Document`` objects, and also spread into tables that a
person can query with the ``sqlite3`` shell.
"""

from __future__ import annotations

import json
import os
import sqlite3
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extract.agencies import canonical_agency
from kb import layout, task_index
from kb.clauses import Clause
from kb.serialize import document_from_json, document_to_json, to_json
from model import Document, KnowledgeBaseError, SourceText

SCHEMA_VERSION = "6"  # 2: responsibilities, agency_names (kb.task_tables); 5: kb.task_index's tables; 6: task_arrays

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sources (
    path TEXT PRIMARY KEY, sha256 TEXT NOT NULL, mtime REAL, size INTEGER,
    format TEXT, encoding TEXT, page_starts TEXT, text TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY, source_path TEXT NOT NULL REFERENCES sources(path) ON DELETE CASCADE,
    ordinal INTEGER, title TEXT, doc_number TEXT, jurisdiction TEXT, date TEXT, year INTEGER,
    doc_type TEXT, data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_source ON documents(source_path);
CREATE TABLE IF NOT EXISTS sections (
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE, id TEXT NOT NULL,
    number TEXT, heading TEXT, level INTEGER, parent TEXT, start INTEGER, "end" INTEGER,
    PRIMARY KEY (doc_id, id)
);
CREATE TABLE IF NOT EXISTS facts (
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE, kind TEXT NOT NULL,
    ordinal INTEGER, section TEXT, start INTEGER, "end" INTEGER, label TEXT, data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS facts_doc ON facts(doc_id, kind);
CREATE INDEX IF NOT EXISTS facts_kind ON facts(kind, label);  -- counts(): each kind and its labels from the index alone
CREATE TABLE IF NOT EXISTS clauses (
    id TEXT PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    section TEXT, start INTEGER, "end" INTEGER,
    has_target INTEGER, has_funding INTEGER, has_responsibility INTEGER
);
CREATE INDEX IF NOT EXISTS clauses_doc ON clauses(doc_id);
CREATE TABLE IF NOT EXISTS responsibilities (
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE, ordinal INTEGER, section TEXT,
    agency TEXT NOT NULL, jurisdiction TEXT, role TEXT NOT NULL, as_written TEXT, start INTEGER, "end" INTEGER
);
CREATE INDEX IF NOT EXISTS responsibilities_agency ON responsibilities(agency);
CREATE INDEX IF NOT EXISTS responsibilities_task ON responsibilities(doc_id, section);
CREATE TABLE IF NOT EXISTS agency_names (
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE, ordinal INTEGER,
    written TEXT, canonical TEXT NOT NULL, jurisdiction TEXT
);
CREATE INDEX IF NOT EXISTS agency_names_written ON agency_names(written);
CREATE INDEX IF NOT EXISTS agency_names_doc ON agency_names(doc_id, ordinal);
CREATE INDEX IF NOT EXISTS agency_names_canonical ON agency_names(canonical);
CREATE TABLE IF NOT EXISTS agencies (canonical TEXT PRIMARY KEY, jurisdiction TEXT);
CREATE TABLE IF NOT EXISTS agencies_changed (canonical TEXT PRIMARY KEY);
CREATE TRIGGER IF NOT EXISTS agency_names_added AFTER INSERT ON agency_names BEGIN
    INSERT OR IGNORE INTO agencies_changed VALUES (new.canonical);
END;
CREATE TRIGGER IF NOT EXISTS agency_names_removed AFTER DELETE ON agency_names BEGIN
    INSERT OR IGNORE INTO agencies_changed VALUES (old.canonical);
END;
"""
SCHEMA += task_index.SCHEMA


def _statements(script: str) -> list[str]:
    """The SQL statements of ``script``, whole (a trigger's body holds semicolons of its own)."""
    statements: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    return statements


# Secondary indexes (the store's and kb.task_index's): a fresh build creates them after its bulk insert (end_bulk).
_INDEXES = [s for s in _statements(SCHEMA) if s.startswith("CREATE INDEX")]
_INDEXES_SQL = "\n".join(_INDEXES)
# The trigger logging each agency an insert names: a fresh build logs them all at once instead (end_bulk). With it,
# each row's insert is a statement transaction, at whose savepoint FTS5 writes out the words it holds for task_words
# as one more small segment: 0.8 of the 4.0 s CPU a 2,000-file build spent inserting rows.
_AGENCY_TRIGGER = next(s for s in _statements(SCHEMA) if "TRIGGER IF NOT EXISTS agency_names_added" in s)
_BULK_SCHEMA = "\n".join(s for s in _statements(SCHEMA) if s not in _INDEXES and s != _AGENCY_TRIGGER)
BULK_CACHE_KIB = 131072  # a fresh build's page cache: 128 MiB, so its B-tree inserts stay in memory

# kind → (Document attribute, field that names the fact)
FACT_KINDS = {
    "target": ("targets", "metric"),
    "responsibility": ("responsibilities", "agency"),
    "funding": ("funding", "instrument"),
    "citation": ("citations", "title"),
}


@dataclass
class SourceRecord:
    """What the store remembers about one file."""

    path: str
    sha256: str
    mtime: float
    size: int


def _pending_wal(path: Path) -> bool:
    """True when the database's -wal file holds frames (changes a writer left to be checkpointed into the file)."""
    try:
        return os.path.getsize(f"{path}-wal") > 0
    except OSError:
        return False


def _read_uri(path: Path) -> str:
    """The URI a reader opens ``path`` with: ``mode=ro``, and ``immutable=1`` when its folder cannot be written.

    A WAL database needs its -wal and -shm files, existing or creatable, even to be
    read; a read-only folder (kb.layout.read_only) forbids creating them. There
    ``immutable=1`` reads the file without them, safe because no writer can change
    it there (a writable folder keeps plain ``mode=ro``: a reader keeps its WAL
    snapshot while an add changes the database). An immutable reader would not see
    changes still in a -wal file (a copy made while a reader held it open), so such a
    database is read through the -wal and -shm files found beside it, or not at all.
    """
    uri = f"file:{urllib.parse.quote(str(path))}?mode=ro"
    if not layout.read_only(path.parent):
        return uri
    if not _pending_wal(path):
        return uri + "&immutable=1"
    if not Path(f"{path}-shm").is_file():
        raise layout.ReadOnlyError(
            f"the database {path} is on read-only storage with changes not yet merged into it ({path.name}-wal) "
            "and no -shm file to read them with; copy the knowledge base to a writable folder and pass the copy "
            "with --kb"
        )
    return uri


def connect(path: Path, readonly: bool = False, bulk: bool = False) -> sqlite3.Connection:
    """A connection with foreign keys on; read-only connections cannot change a published generation.

    ``bulk``: a new database a fresh build fills and publishes only once complete
    (kb.writer): the store's secondary indexes and agency trigger wait for :func:`end_bulk`, the page
    cache is large, and nothing is flushed to disk until the writer flushes the
    whole generation before publishing it (a crash before that leaves a folder no
    reader is sent to). The writer finishes it on a thread beside the index's commit
    (one thread at a time uses it).
    """
    try:
        if readonly:
            conn = sqlite3.connect(_read_uri(path), uri=True)
        else:
            conn = sqlite3.connect(path, check_same_thread=not bulk)
            if bulk:
                conn.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
                conn.execute("PRAGMA synchronous = OFF")
                conn.execute("PRAGMA journal_mode = MEMORY")
            conn.executescript(_BULK_SCHEMA if bulk else SCHEMA)
            conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,))
            conn.commit()
    except sqlite3.Error as exc:
        raise KnowledgeBaseError(
            f"cannot open the database {path}: {exc}; run `policykb build` to rebuild it"
        ) from None
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def end_bulk(conn: sqlite3.Connection) -> None:
    """Create what a bulk connection left out: the secondary indexes, one sorted pass each rather than a B-tree
    insert per row; and the agency trigger, once it has logged what it would have (in the order it would have)."""
    conn.executescript(_INDEXES_SQL)
    conn.execute("INSERT OR IGNORE INTO agencies_changed SELECT canonical FROM agency_names ORDER BY rowid")
    conn.execute(_AGENCY_TRIGGER)


def agency_rows(doc: Document) -> list[tuple[int, str, str, str | None]]:
    """(ordinal, written, canonical, jurisdiction) of every unit the document names: responsible units, then issuers.

    The same names, in the same order, as the graph's agency nodes (graph.build), so
    the first jurisdiction found for a canonical name is the one the graph keeps.
    """
    rows = [(n, r.as_written, r.agency, r.jurisdiction) for n, r in enumerate(doc.responsibilities)]
    for written in doc.issuers:
        name, jurisdiction = canonical_agency(written, doc.jurisdiction)
        rows.append((len(rows), written, name, jurisdiction))
    return rows


_FIRST_PLACE = (
    "SELECT a.canonical, a.jurisdiction FROM agency_names a JOIN documents d ON d.id = a.doc_id {where} "
    "ORDER BY a.jurisdiction IS NULL, d.source_path, d.ordinal, a.ordinal"
)
_REFRESH_ONE_BY_ONE = 200  # more changed agencies than this (a build) are refreshed in one pass over all names


def refresh_agencies(conn: sqlite3.Connection) -> None:
    """Bring the ``agencies`` table (each canonical agency and its place) up to date with ``agency_names``.

    An agency's place is the first one any document gives it, in the order the
    graph reads documents (graph.build keeps the same). Triggers note which
    agencies a change touched, so an ``add`` recomputes only those.
    """
    changed = [r[0] for r in conn.execute("SELECT canonical FROM agencies_changed")]
    if not changed:
        return
    place: dict[str, str | None] = {}
    if len(changed) > _REFRESH_ONE_BY_ONE:
        wanted = set(changed)
        for name, jurisdiction in conn.execute(_FIRST_PLACE.format(where="")):
            if name in wanted and name not in place:
                place[name] = jurisdiction
    else:
        for name in changed:
            row = conn.execute(_FIRST_PLACE.format(where="WHERE a.canonical = ?") + " LIMIT 1", (name,)).fetchone()
            if row:
                place[name] = row[1]
    conn.executemany("DELETE FROM agencies WHERE canonical = ?", [(name,) for name in changed])
    conn.executemany("INSERT INTO agencies VALUES (?, ?)", place.items())
    conn.execute("DELETE FROM agencies_changed")


def defer_graph(conn: sqlite3.Connection) -> None:
    """Note that this generation's graph.json is to be derived from the documents on first use (kb.graphfile)."""
    conn.execute("INSERT OR REPLACE INTO meta VALUES ('graph', 'deferred')")


def graph_deferred(conn: sqlite3.Connection) -> bool:
    """True when the writer left graph.json to be derived on first use, so a missing one is not damage."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'graph'").fetchone()
    return row is not None and row[0] == "deferred"


def index_state(conn: sqlite3.Connection) -> str:
    """The state whose index folder, dictionary and graph go with this database ("" for a build's; kb.layout)."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'state'").fetchone()
    return row[0] if row else ""


def set_index_state(conn: sqlite3.Connection, state: str) -> None:
    """Name the index state in the writer's transaction, so readers see the facts and their index together."""
    conn.execute("INSERT OR REPLACE INTO meta VALUES ('state', ?)", (state,))


def uses_wal(conn: sqlite3.Connection) -> bool:
    """True when the database is in WAL mode, so it can change in place while readers keep their snapshot."""
    return str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal"


def use_wal(conn: sqlite3.Connection) -> None:
    """Switch a database no one else has open yet (a new generation) to WAL mode."""
    conn.execute("PRAGMA journal_mode = WAL")


def year_of(date: str | None) -> int | None:
    return int(date[:4]) if date and date[:4].isdigit() else None


FactRow = tuple[str, str, int, str | None, int, int, Any, str]  # a row of the facts table


def fact_rows(doc: Document) -> list[FactRow]:
    """The facts table's rows of one document: each kind in FACT_KINDS order, each fact whole as JSON."""
    return [
        (doc.id, kind, n, getattr(f, "section", None), f.span[0], f.span[1], getattr(f, label), to_json(f))
        for kind, (attr, label) in FACT_KINDS.items()
        for n, f in enumerate(getattr(doc, attr))
    ]


def insert_source(
    conn: sqlite3.Connection,
    record: SourceRecord,
    source: SourceText,
    documents: list[Document],
    clauses: list[Clause],
    doc_jsons: list[str] | None = None,
    facts: list[list[FactRow]] | None = None,
) -> None:
    """Store one file with its documents, facts and clauses (the caller commits).

    ``doc_jsons`` and ``facts`` (each document's JSON and fact rows) may come made
    by a worker process (kb.prepared); they are made here when not given.
    """
    conn.execute(
        "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            record.path,
            record.sha256,
            record.mtime,
            record.size,
            source.format,
            source.encoding,
            json.dumps(source.page_starts),
            source.text,
        ),
    )
    for ordinal, doc in enumerate(documents):
        conn.execute(
            "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                doc.id,
                record.path,
                ordinal,
                doc.title,
                doc.doc_number,
                doc.jurisdiction,
                doc.date,
                year_of(doc.date),
                doc.doc_type,
                doc_jsons[ordinal] if doc_jsons is not None else document_to_json(doc),
            ),
        )
        conn.executemany(
            "INSERT INTO sections VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(doc.id, s.id, s.number, s.heading, s.level, s.parent, s.span[0], s.span[1]) for s in doc.sections],
        )
        conn.executemany(
            "INSERT INTO responsibilities VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (doc.id, n, r.section, r.agency, r.jurisdiction, r.role, r.as_written, r.span[0], r.span[1])
                for n, r in enumerate(doc.responsibilities)
            ],
        )
        conn.executemany("INSERT INTO agency_names VALUES (?, ?, ?, ?, ?)", [(doc.id, *a) for a in agency_rows(doc)])
        task_index.insert(conn, doc, source.text, record.path, ordinal)
        conn.executemany(
            "INSERT INTO facts VALUES (?, ?, ?, ?, ?, ?, ?, ?)", facts[ordinal] if facts is not None else fact_rows(doc)
        )
    conn.executemany(
        "INSERT INTO clauses VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (c.id, c.doc_id, c.section, c.span[0], c.span[1], c.has_target, c.has_funding, c.has_responsibility)
            for c in clauses
        ],
    )


def delete_source(conn: sqlite3.Connection, path: str) -> list[str]:
    """Forget one file; returns the ids of the documents it held (their clauses leave the index too)."""
    ids = [row[0] for row in conn.execute("SELECT id FROM documents WHERE source_path = ?", (path,))]
    conn.execute("DELETE FROM sources WHERE path = ?", (path,))
    return ids


def source_records(conn: sqlite3.Connection) -> dict[str, SourceRecord]:
    rows = conn.execute("SELECT path, sha256, mtime, size FROM sources")
    return {r[0]: SourceRecord(*r) for r in rows}


def document_owner(conn: sqlite3.Connection, doc_id: str) -> str | None:
    row = conn.execute("SELECT source_path FROM documents WHERE id = ?", (doc_id,)).fetchone()
    return row[0] if row else None


def load_documents(
    conn: sqlite3.Connection, jurisdictions: list[str] | None = None, doc_ids: list[str] | None = None
) -> list[Document]:
    """Whole documents in a stable order (source path, then position in the file)."""
    sql = "SELECT data FROM documents"
    where: list[str] = []
    args: list[Any] = []
    if jurisdictions is not None:
        where.append(f"jurisdiction IN ({','.join('?' * len(jurisdictions))})")
        args += jurisdictions
    if doc_ids is not None:
        where.append(f"id IN ({','.join('?' * len(doc_ids))})")
        args += doc_ids
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY source_path, ordinal"
    return [document_from_json(row[0]) for row in conn.execute(sql, args)]


def facts_in(conn: sqlite3.Connection, doc_id: str, start: int, end: int) -> list[dict[str, Any]]:
    """The facts of ``doc_id`` whose span overlaps ``[start, end)``, each with its kind."""
    rows = conn.execute(
        'SELECT kind, data FROM facts WHERE doc_id = ? AND start < ? AND "end" > ? ORDER BY start',
        (doc_id, end, start),
    )
    return [{"kind": kind, **json.loads(data)} for kind, data in rows]


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    """How many files, documents, sections, facts of each kind, agencies and clauses the store holds."""
    one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
    out = {
        "files": one("SELECT count(*) FROM sources"),
        "documents": one("SELECT count(*) FROM documents"),
        "sections": one("SELECT count(*) FROM sections"),
    }
    for kind, (attr, _label) in FACT_KINDS.items():
        out[attr] = one(f"SELECT count(*) FROM facts WHERE kind = '{kind}'")
    out["agencies"] = one("SELECT count(DISTINCT label) FROM facts WHERE kind = 'responsibility'")
    out["clauses"] = one("SELECT count(*) FROM clauses")
    return out
