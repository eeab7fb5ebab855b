"""The tables ``who`` and ``duties`` read, written beside each document when it is stored.

A question must not read documents' texts or walk their sections in Python:
at 10,000 documents that took seconds. So each document leaves, at build or
add time, rows that answer it with a few indexed reads done in C by SQLite:

- ``task_docs``: one row per stored document, numbered (a document stored
  again gets a new number), with the title and place its answers show;
- ``task_keys``: one row per section (its parent, the title, place and
  offset that order and filter answers, and the fields an answer shows, so
  a shown task is one indexed read);
- ``task_words``: each section's heading and own text (its subsections' text
  is theirs: queries walk up from them) as overlapping character bigrams in
  an FTS5 table, so a word of any length is an exact phrase query (trigrams
  would miss 2-character words such as 技改 or 补助);
- ``task_units``: each section's units (``unit_ids``: one number per agency
  and role), its own or, when it names none, those of its nearest enclosing
  section that does (``source_key`` says which), once each, clustered by
  section so a question reads them in a few pages, with how the text wrote
  each (its forms in the order written, joined by ``WRITTEN_SEPARATOR``);
- ``duty_rows``: each (unit, role, task) once, with the keys a ``duties``
  answer is sorted by, indexed in that order so a page is read, not sorted;
- two indexes that resolve a unit's name from the index alone: the canonical
  names of a written form, and the places documents are from.

``task_words`` is contentless (storing the bigram text would double the
database): a deleted section's words stay behind, but its ``task_keys`` row
goes (cascade) and keys are never reused, so a query joining the two never
sees it; a ``policykb build`` writes the index anew.
"""

from __future__ import annotations

import operator
import re
import sqlite3
import sys
from array import array
from collections.abc import Iterable
from typing import get_args

from kb import task_arrays
from model import Document, Role, Span

ROLE_RANK = {role: n for n, role in enumerate(get_args(Role))}

SCHEMA = """
CREATE TABLE IF NOT EXISTS task_docs (
    number INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE, title TEXT, jurisdiction TEXT
);
CREATE INDEX IF NOT EXISTS task_docs_doc ON task_docs(doc_id);
CREATE TABLE IF NOT EXISTS task_keys (
    key INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE, section TEXT NOT NULL,
    parent_key INTEGER, title TEXT NOT NULL, jurisdiction TEXT, start INTEGER NOT NULL,
    doc INTEGER NOT NULL, number TEXT, heading TEXT, "end" INTEGER
);
CREATE INDEX IF NOT EXISTS task_keys_doc ON task_keys(doc_id, section);
CREATE VIRTUAL TABLE IF NOT EXISTS task_words USING fts5(
    words, content='', tokenize='unicode61', detail='full', columnsize=0
);
CREATE TABLE IF NOT EXISTS unit_ids (
    id INTEGER PRIMARY KEY, agency TEXT NOT NULL, role TEXT NOT NULL, UNIQUE (agency, role)
);
CREATE TABLE IF NOT EXISTS task_units (
    key INTEGER NOT NULL REFERENCES task_keys(key) ON DELETE CASCADE, unit INTEGER NOT NULL, source_key INTEGER,
    written TEXT NOT NULL, PRIMARY KEY (key, unit)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS duty_rows (
    agency TEXT NOT NULL, role_rank INTEGER NOT NULL, role TEXT NOT NULL,
    sort_title TEXT NOT NULL, sort_start INTEGER NOT NULL, source_path TEXT NOT NULL, doc_ordinal INTEGER NOT NULL,
    ordinal INTEGER NOT NULL, jurisdiction TEXT,
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE, section TEXT,
    as_written TEXT, start INTEGER, "end" INTEGER
);
CREATE INDEX IF NOT EXISTS duty_rows_order ON duty_rows(
    agency, role_rank, sort_title, sort_start, source_path, doc_ordinal, ordinal, jurisdiction
);
CREATE INDEX IF NOT EXISTS duty_rows_doc ON duty_rows(doc_id);
CREATE INDEX IF NOT EXISTS agency_names_written_canonical ON agency_names(written, canonical);
CREATE INDEX IF NOT EXISTS documents_place ON documents(jurisdiction);
"""
SCHEMA += task_arrays.SCHEMA

_CODE_POINT = "I"  # one character of a str, as its code point in 4 bytes (bigrams)
assert array(_CODE_POINT).itemsize == 4
_UTF32 = f"utf-32-{sys.byteorder[0]}e"  # code points in the machine's byte order, no byte-order mark

_RUN = re.compile(r"[^\W_]")  # a character FTS5's unicode61 tokenizer keeps in a token (letter, digit)


def bigrams(text: str) -> str:
    """``text`` as the tokens ``task_words`` holds: every overlapping pair of characters, then the last alone.

    The unicode61 tokenizer drops punctuation and spaces, so a pair holding one becomes the single
    character beside it and a pair of two becomes nothing: pairs of a run of letters and digits stay
    whole and in order (a word is an exact phrase of its pairs), and every character begins some
    token (a 1-character word is a prefix query).

    Made as code points, three per pair (its two characters and a space), by strided copies in C:
    a string object per pair took 0.6 s of a 2,000-file build's writer, this 0.15 s.
    """
    if len(text) < 2:
        return " " + text
    chars = array(_CODE_POINT)
    chars.frombytes(text.encode(_UTF32, "surrogatepass"))
    out = array(_CODE_POINT, [ord(" ")]) * (3 * len(chars) - 2)
    out[0:-1:3] = chars[:-1]
    out[1::3] = chars[1:]
    out[-1] = chars[-1]
    return out.tobytes().decode(_UTF32, "surrogatepass")


def match_expression(words: Iterable[str]) -> str | None:
    """The FTS5 query a section holding every word matches: each word an exact phrase of its pairs, a
    1-character word any token starting with it. None when a word holds no letter or digit."""
    parts = []
    for word in words:
        if not _RUN.search(word):
            return None
        if len(word) == 1:
            parts.append(f'"{word}"*')
        else:
            parts.append('"' + " ".join(map(operator.add, word, word[1:])).replace('"', '""') + '"')
    return " AND ".join(parts) or None


def own_text(text: str, span: Span, subsections: list[Span]) -> str:
    """The text of ``span`` without its subsections' (each gap a line break, which no phrase crosses).

    A section's words are found in its own rows and its subsections' (queries walk up to
    the enclosing sections): indexing a section's whole text repeated every subsection's
    words once per level above it, twice the text in all, and made each word's lists longer.
    """
    start, end = span
    parts = []
    for sub_start, sub_end in sorted(subsections):
        if sub_start >= end or sub_end <= start:  # not inside (a task-table row kept elsewhere)
            continue
        parts.append(text[start : max(start, sub_start)])
        start = max(start, sub_end)
    parts.append(text[start:end])
    return "\n".join(parts)


def insert(conn: sqlite3.Connection, doc: Document, text: str, source_path: str, doc_ordinal: int) -> None:
    """Write the query rows of one stored document (the caller commits)."""
    title = doc.title or ""
    number = conn.execute(
        "INSERT INTO task_docs (doc_id, title, jurisdiction) VALUES (?, ?, ?)", (doc.id, doc.title, doc.jurisdiction)
    ).lastrowid
    keys: dict[str, int] = {}
    later: list[tuple[str, int]] = []  # sections listed before their parent: linked once every key is known
    inside: dict[str, list[Span]] = {}  # each section's subsections' spans
    for section in doc.sections:
        if section.parent:
            inside.setdefault(section.parent, []).append(section.span)
    for section in doc.sections:
        parent = keys.get(section.parent) if section.parent else None
        cursor = conn.execute(
            "INSERT INTO task_keys VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                doc.id,
                section.id,
                parent,
                title,
                doc.jurisdiction,
                section.span[0],
                number,
                section.number,
                section.heading,
                section.span[1],
            ),
        )
        key = cursor.lastrowid
        assert key is not None
        keys[section.id] = key
        if section.parent and parent is None:
            later.append((section.parent, key))
        conn.execute(
            "INSERT INTO task_words (rowid, words) VALUES (?, ?)",
            (key, bigrams(f"{section.heading}\n{own_text(text, section.span, inside.get(section.id, []))}")),
        )
    conn.executemany("UPDATE task_keys SET parent_key = ? WHERE key = ?", [(keys[p], k) for p, k in later if p in keys])
    units = _unit_rows(doc, keys)
    ids = _unit_ids(conn, {(agency, role) for _, agency, role, _, _ in units})
    conn.executemany(
        "INSERT INTO task_units VALUES (?, ?, ?, ?)",
        [(key, ids[(agency, role)], source, written) for key, agency, role, source, written in units],
    )
    conn.executemany(
        "INSERT INTO duty_rows VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        _duty_rows(doc, source_path, doc_ordinal),
    )


def finish(conn: sqlite3.Connection) -> None:
    """Bring up to date what is derived from all documents' rows, once per build, add or remove (before the
    commit that stores them): who's arrays (kb.task_arrays)."""
    task_arrays.update(conn)


def _unit_ids(conn: sqlite3.Connection, pairs: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """The number of each (agency, role), given one the first time it is seen (numbers are never reused)."""
    conn.executemany("INSERT OR IGNORE INTO unit_ids (agency, role) VALUES (?, ?)", sorted(pairs))
    ids = {}
    for agency, role in pairs:
        ids[(agency, role)] = conn.execute(
            "SELECT id FROM unit_ids WHERE agency = ? AND role = ?", (agency, role)
        ).fetchone()[0]
    return ids


WRITTEN_SEPARATOR = "\x1f"  # joins a unit's written forms in task_units.written (no text holds it)
Units = list[tuple[int, str, str, int | None, str]]  # (key, agency, role, source key when inherited, written forms)


def _unit_rows(doc: Document, keys: dict[str, int]) -> Units:
    """Each section's units, own or inherited from its nearest enclosing section that names some, once each,
    by first mention of each agency, then in mention order (the graph's edge order), with how each unit was
    written there in that order."""
    own: dict[str, list[tuple[str, str, str | None]]] = {}
    for r in doc.responsibilities:
        if r.section:
            own.setdefault(r.section, []).append((r.agency, r.role, r.as_written))
    parents = {s.id: s.parent for s in doc.sections}
    rows: Units = []
    for section in doc.sections:
        source: str | None = section.id
        while source is not None and source not in own:
            source = parents.get(source)
        if source is None:
            continue
        first: dict[str, int] = {}
        for n, (agency, _, _) in enumerate(own[source]):
            first.setdefault(agency, n)
        written: dict[tuple[str, str], list[str]] = {}
        for agency, role, text in sorted(own[source], key=lambda u: first[u[0]]):
            forms = written.setdefault((agency, role), [])
            if text and text not in forms:
                forms.append(text)
        inherited = None if source == section.id else keys.get(source)
        key = keys[section.id]
        rows += [(key, a, r, inherited, WRITTEN_SEPARATOR.join(forms)) for (a, r), forms in written.items()]
    return rows


def _duty_rows(doc: Document, source_path: str, doc_ordinal: int) -> list[tuple[object, ...]]:
    """Each (unit, role, section) of the document once (its first mention), with the keys duties sorts by."""
    sections = {s.id: s for s in doc.sections}
    seen: set[tuple[str, str, str | None]] = set()
    rows: list[tuple[object, ...]] = []
    for n, r in enumerate(doc.responsibilities):
        if r.role not in ROLE_RANK or (r.agency, r.role, r.section) in seen:
            continue
        seen.add((r.agency, r.role, r.section))
        if r.section is None:
            title, start = doc.title or "", doc.span[0] if doc.span else 0
        elif r.section in sections:
            title, start = doc.title or "", sections[r.section].span[0]
        else:  # a section the document does not have: the graph keeps a bare task node, with no title
            title, start = "", 0
        rows.append(
            (
                r.agency,
                ROLE_RANK[r.role],
                r.role,
                title,
                start,
                source_path,
                doc_ordinal,
                n,
                doc.jurisdiction,
                doc.id,
                r.section,
                r.as_written,
                r.span[0],
                r.span[1],
            )
        )
    return rows
