"""A fresh build's bulk-loaded database (store.connect(bulk=True), then end_bulk) holds exactly what the
same files stored through an ordinary connection do, and bigrams are every pair of characters."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extract import extract_source, read_source
from kb import store, task_index
from kb.clauses import clauses_of

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def _pairs_then_last(text: str) -> str:
    """The definition bigrams implements: each overlapping pair, space-separated, then a space and the last."""
    return " ".join(a + b for a, b in zip(text, text[1:], strict=False)) + " " + text[-1:]


@given(st.text())
def test_bigrams_are_every_pair_then_the_last_character(text: str) -> None:
    assert task_index.bigrams(text) == _pairs_then_last(text)


@pytest.mark.parametrize("text", ["", "a", "ab", "技改补助。", "a\U0001f600b", "x\ud800y", "\n标题\n正文"])
def test_bigrams_of_short_astral_and_surrogate_texts(text: str) -> None:
    assert task_index.bigrams(text) == _pairs_then_last(text)


def _fill(path: Path, bulk: bool) -> sqlite3.Connection:
    """The built-in corpus stored as a build stores it, through a bulk connection or an ordinary one."""
    conn = store.connect(path, bulk=bulk)
    for file in sorted(CORPUS.iterdir()):
        source = read_source(str(file))
        documents = extract_source(source).documents
        clauses = [c for doc in documents for c in clauses_of(doc, source.text)]
        record = store.SourceRecord(str(file), "0" * 64, 0.0, len(source.text))
        store.insert_source(conn, record, source, documents, clauses)
    if bulk:
        store.end_bulk(conn)
    return conn


def _table(conn: sqlite3.Connection, table: str) -> list[tuple[object, ...]]:
    """A table's rows with their rowids, in rowid order (a WITHOUT ROWID table's in key order)."""
    where = " WHERE name != 'version'" if table == "task_arrays" else ""  # a new random name at each commit
    try:
        return conn.execute(f'SELECT rowid, * FROM "{table}"{where} ORDER BY rowid').fetchall()
    except sqlite3.OperationalError:  # no rowid
        return conn.execute(f'SELECT * FROM "{table}"{where}').fetchall()


def _rows(conn: sqlite3.Connection) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows; the FTS index as its token instances (its segments are laid out as it flushed them)."""
    names = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'task_words%'")
    rows = {name: _table(conn, name) for (name,) in names.fetchall()}
    conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.words USING fts5vocab(main, task_words, instance)")
    rows["task_words"] = conn.execute("SELECT term, doc, col, offset FROM temp.words ORDER BY 1, 2, 3, 4").fetchall()
    return rows


def test_a_bulk_database_holds_what_an_ordinary_one_does(tmp_path: Path) -> None:
    ordinary, bulk = _fill(tmp_path / "ordinary.sqlite", bulk=False), _fill(tmp_path / "bulk.sqlite", bulk=True)
    logged = _table(bulk, "agencies_changed")  # by end_bulk, in the order the trigger logs them
    assert logged == _table(ordinary, "agencies_changed") != []
    for conn in (ordinary, bulk):
        store.refresh_agencies(conn)
        task_index.finish(conn)
        conn.commit()
    rows = _rows(bulk)
    assert rows == _rows(ordinary)
    assert len(rows["task_words"]) > 1000 and len(rows["agencies"]) == len(logged)
    ordinary.close()
    bulk.close()
