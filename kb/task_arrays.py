"""``who``'s sections and units as compact arrays kept in the store, so a question is a few numpy gathers.

Joining the sections a word matches (thousands) to their rows, walking up to
leave out those holding another match, and streaming their (unit, task) pairs
into Python took 100-200 ms at 10,000 documents. The same facts as arrays
indexed by section key (the FTS rowid; keys are AUTOINCREMENT, never reused)
answer it in a few milliseconds:

- per key: its parent key (0: none), its document's number (-1: no such
  section, or removed) and its offset;
- per key, its units as CSR: (unit id, written-forms id, source key);
- per document number: its rank among titles and among ids (answers are in
  (title, start, doc_id) order) and its place.

kb.task_answers reads and answers from them (numpy: imported by ``who`` only).
They are written by :func:`update`, called by ``task_index.finish`` inside the
transaction that stores the rows, so a reader sees arrays and rows of one
commit. An add appends one segment (the keys it wrote); a removal is logged by
a trigger (``task_keys_gone``); only the per-document ranks are written anew.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import sys
from array import array

SCHEMA = """
CREATE TABLE IF NOT EXISTS task_arrays (name TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS task_segments (
    first_key INTEGER PRIMARY KEY, last_key INTEGER NOT NULL, parent BLOB NOT NULL, doc BLOB NOT NULL,
    start BLOB NOT NULL, unit_counts BLOB NOT NULL, units BLOB NOT NULL, written BLOB NOT NULL, source BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS task_written (id INTEGER PRIMARY KEY, forms TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS task_keys_gone (key INTEGER PRIMARY KEY);
CREATE TRIGGER IF NOT EXISTS task_keys_removed AFTER DELETE ON task_keys BEGIN
    INSERT OR IGNORE INTO task_keys_gone VALUES (old.key);
END;
"""

INT = "i"  # 4-byte signed integers, stored little-endian (kb.task_answers reads them as numpy "<i4")
assert array(INT).itemsize == 4


# --------------------------------------------------------------------------- writing


def update(conn: sqlite3.Connection) -> None:
    """Bring the arrays up to date with task_keys/task_units (the caller commits)."""
    last = conn.execute("SELECT coalesce(max(last_key), 0) FROM task_segments").fetchone()[0]
    top = conn.execute("SELECT coalesce(max(key), 0) FROM task_keys").fetchone()[0]
    if top > last:
        _append_segment(conn, last + 1, top)
        _write_doc_ranks(conn)
    conn.execute("INSERT OR REPLACE INTO task_arrays VALUES ('version', ?)", (secrets.token_hex(16),))


def version(conn: sqlite3.Connection) -> str | None:
    """The name of the arrays' state: a new one each commit that changes them (readers cache by it)."""
    row = conn.execute("SELECT data FROM task_arrays WHERE name = 'version'").fetchone()
    return None if row is None else str(row[0])


def _append_segment(conn: sqlite3.Connection, first: int, last: int) -> None:
    """The keys first..last (those this build or add wrote) as one segment."""
    size = last - first + 1
    parent, doc, start, counts = _ints(size), _ints(size, -1), _ints(size), _ints(size)
    rows = conn.execute("SELECT key, coalesce(parent_key, 0), doc, start FROM task_keys WHERE key >= ?", (first,))
    for key, parent_key, number, offset in rows:
        n = key - first
        parent[n], doc[n], start[n] = parent_key, number, offset
    forms = _written_ids(
        conn, {w for (w,) in conn.execute("SELECT DISTINCT written FROM task_units WHERE key >= ?", (first,))}
    )
    units, written, source = array(INT), array(INT), array(INT)
    for key, unit, source_key, text in conn.execute(  # streamed: a build's rows are never all in Python at once
        "SELECT key, unit, coalesce(source_key, 0), written FROM task_units WHERE key >= ? ORDER BY key, unit",
        (first,),
    ):
        counts[key - first] += 1
        units.append(unit)
        written.append(forms[text])
        source.append(source_key)
    conn.execute(
        "INSERT INTO task_segments VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (first, last, *map(_blob, (parent, doc, start, counts, units, written, source))),
    )


def _written_ids(conn: sqlite3.Connection, forms: set[str]) -> dict[str, int]:
    """The id of each written-forms string (0 for none), given one the first time it is seen."""
    conn.executemany("INSERT OR IGNORE INTO task_written (forms) VALUES (?)", [(f,) for f in sorted(forms) if f])
    ids = {"": 0}
    for form in forms - {""}:
        ids[form] = conn.execute("SELECT id FROM task_written WHERE forms = ?", (form,)).fetchone()[0]
    return ids


def _write_doc_ranks(conn: sqlite3.Connection) -> None:
    """Each stored document's rank by title and by id, and its place (one short row per document, read at
    each change; a removed document's number is never asked for again)."""
    rows = conn.execute("SELECT number, doc_id, coalesce(title, ''), jurisdiction FROM task_docs").fetchall()
    size = max((r[0] for r in rows), default=0) + 1
    places = sorted({r[3] for r in rows}, key=lambda p: (p is not None, p or ""))
    place_index = {p: n for n, p in enumerate(places)}
    arrays = {
        "title_rank": _ranks(size, [(r[0], r[2]) for r in rows]),
        "id_rank": _ranks(size, [(r[0], r[1]) for r in rows]),
        "place": _filled(size, [(r[0], place_index[r[3]]) for r in rows]),
    }
    for name, values in arrays.items():
        conn.execute("INSERT OR REPLACE INTO task_arrays VALUES (?, ?)", (name, _blob(values)))
    conn.execute("INSERT OR REPLACE INTO task_arrays VALUES ('places', ?)", (json.dumps(places, ensure_ascii=False),))


def _ranks(size: int, pairs: list[tuple[int, str]]) -> array[int]:
    """Each number's rank among the values (equal values, equal ranks); Python orders str as SQLite's BINARY."""
    order = {value: n for n, value in enumerate(sorted({value for _, value in pairs}))}
    return _filled(size, [(number, order[value]) for number, value in pairs])


def _filled(size: int, pairs: list[tuple[int, int]]) -> array[int]:
    filled = _ints(size)
    for number, value in pairs:
        filled[number] = value
    return filled


def _ints(size: int, value: int = 0) -> array[int]:
    """``size`` 4-byte integers, as kb.task_answers reads them."""
    return array(INT, [value]) * size


def _blob(values: array[int]) -> bytes:
    """The integers as little-endian bytes, whatever the machine."""
    if sys.byteorder == "big":
        values = array(INT, values)
        values.byteswap()
    return values.tobytes()
