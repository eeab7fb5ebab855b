"""``who`` answered from kb.task_arrays' arrays: the innermost matching sections in reading order, their units
counted and the first few tasks of each picked, by numpy gathers (milliseconds for thousands of sections).

A state's arrays are read once per process (keyed by the version its commit wrote).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

import numpy as np

from kb.task_index import WRITTEN_SEPARATOR

INT = np.dtype("<i4")  # as kb.task_arrays writes them
KEPT = 4  # states kept read per process (a process may read a few knowledge bases)


@dataclass(frozen=True)
class Arrays:
    """Everything ``who`` needs of every section, by key (index = key)."""

    parent: np.ndarray  # parent key, 0 when none
    doc: np.ndarray  # document number, -1 when the key holds no (living) section
    start: np.ndarray  # offset of the section in its document's text
    offsets: np.ndarray  # units of key k are units[offsets[k]:offsets[k + 1]]
    units: np.ndarray  # unit_ids.id
    written: np.ndarray  # task_written.id (0: written nowhere)
    source: np.ndarray  # key the units are inherited from, 0 when the section's own
    title_rank: np.ndarray  # per document number
    id_rank: np.ndarray  # per document number
    place: np.ndarray  # per document number: index in places
    places: tuple[str | None, ...]
    rank: np.ndarray  # per key: its place in reading order (title, offset, document id, key)
    by_rank: np.ndarray  # the key at each place in reading order
    unit_names: dict[int, tuple[str, str]]  # unit_ids: (agency, role)
    written_forms: dict[int, list[str]]  # task_written: the forms each id stands for
    agency_places: dict[str, str | None]  # agencies: the place of each canonical agency
    # task_docs by document number: id, title, place (lists of str, which the garbage collector never walks:
    # 20,000 tuples made every later full collection of the process slower)
    doc_ids: list[str]
    titles: list[str | None]
    doc_places: list[str | None]


_CACHE: dict[str, Arrays] = {}  # by version: a state's arrays are read once per process


def load(conn: sqlite3.Connection, state: str) -> Arrays:
    """The arrays of the state named ``state`` (its version), read once per process."""
    if state not in _CACHE:
        if len(_CACHE) >= KEPT:
            del _CACHE[next(iter(_CACHE))]  # the first read goes first
        _CACHE[state] = _read(conn)
    return _CACHE[state]


def _read(conn: sqlite3.Connection) -> Arrays:
    """The segments laid side by side by key, removed keys marked, and the per-document arrays."""
    segments = conn.execute("SELECT * FROM task_segments ORDER BY first_key").fetchall()
    size = (segments[-1][1] if segments else 0) + 1
    parent, doc, start = np.zeros(size, INT), np.full(size, -1, INT), np.zeros(size, INT)
    counts = np.zeros(size, np.int64)
    units, written, source = [], [], []
    for first, last, *blobs in segments:
        parent[first : last + 1] = np.frombuffer(blobs[0], INT)
        doc[first : last + 1] = np.frombuffer(blobs[1], INT)
        start[first : last + 1] = np.frombuffer(blobs[2], INT)
        counts[first : last + 1] = np.frombuffer(blobs[3], INT)
        units.append(np.frombuffer(blobs[4], INT))
        written.append(np.frombuffer(blobs[5], INT))
        source.append(np.frombuffer(blobs[6], INT))
    gone = np.array([k for (k,) in conn.execute("SELECT key FROM task_keys_gone") if k < size], np.int64)
    doc[gone] = -1
    offsets = np.zeros(size + 1, np.int64)
    np.cumsum(counts, out=offsets[1:])
    named = dict(conn.execute("SELECT name, data FROM task_arrays"))
    title_rank, id_rank = _per_document(named, "title_rank"), _per_document(named, "id_rank")
    by_rank = _reading_order(doc, start, title_rank, id_rank)
    rank = np.empty(size, np.int64)
    rank[by_rank] = np.arange(size)
    return Arrays(
        parent=parent,
        doc=doc,
        start=start,
        offsets=offsets,
        units=_joined(units),
        written=_joined(written),
        source=_joined(source),
        title_rank=title_rank,
        id_rank=id_rank,
        place=_per_document(named, "place"),
        places=tuple(json.loads(named.get("places", "[]"))),
        rank=rank,
        by_rank=by_rank,
        unit_names={n: (agency, role) for n, agency, role in conn.execute("SELECT id, agency, role FROM unit_ids")},
        written_forms={
            n: forms.split(WRITTEN_SEPARATOR) for n, forms in conn.execute("SELECT id, forms FROM task_written")
        },
        agency_places=dict(conn.execute("SELECT canonical, jurisdiction FROM agencies")),
        **_documents(conn),
    )


def _documents(conn: sqlite3.Connection) -> dict[str, list[Any]]:
    """task_docs as three lists indexed by document number ("" and None where no document has the number)."""
    rows = conn.execute("SELECT number, doc_id, title, jurisdiction FROM task_docs").fetchall()
    size = max((row[0] for row in rows), default=0) + 1
    doc_ids: list[str] = [""] * size
    titles: list[str | None] = [None] * size
    places: list[str | None] = [None] * size
    for number, doc_id, title, place in rows:
        doc_ids[number], titles[number], places[number] = doc_id, title, place
    return {"doc_ids": doc_ids, "titles": titles, "doc_places": places}


def _per_document(named: dict[str, bytes], name: str) -> np.ndarray:
    """A per-document-number array (one zero when the store holds no document yet)."""
    values = np.frombuffer(named.get(name, b""), INT)
    return values if values.size else np.zeros(1, INT)


def _reading_order(doc: np.ndarray, start: np.ndarray, title_rank: np.ndarray, id_rank: np.ndarray) -> np.ndarray:
    """Every key in reading order (by its document's title, its offset, its document's id, itself): one stable
    sort of the three packed into one integer when they fit (a third of lexsort's time), else lexsort."""
    docs = np.maximum(doc, 0)
    parts = [title_rank[docs].astype(np.int64), np.maximum(start, 0).astype(np.int64), id_rank[docs].astype(np.int64)]
    widths = [int(part.max(initial=0)).bit_length() for part in parts]
    if sum(widths) > 62 or bool((start < 0).any()):
        return np.lexsort((np.arange(doc.size), parts[2], start, parts[0]))
    packed = (parts[0] << (widths[1] + widths[2])) | (parts[1] << widths[2]) | parts[2]
    return np.argsort(packed, kind="stable")


def _joined(parts: list[np.ndarray]) -> np.ndarray:
    return parts[0] if len(parts) == 1 else np.concatenate(parts) if parts else np.zeros(0, INT)


# --------------------------------------------------------------------------- answering


@dataclass(frozen=True)
class Pairs:
    """The (unit, task) pairs of a set of tasks, tasks in reading order, each task's units in unit order."""

    units: np.ndarray
    keys: np.ndarray
    source: np.ndarray
    written: np.ndarray


def holding_all(arrays: Arrays, hits: list[np.ndarray]) -> np.ndarray:
    """The sections holding every word, from the sections whose own text holds each (one array per word): a
    section holds a word when it or a section inside it does, so each word's sections count with every section
    above them. With one word, its own sections: :func:`innermost` leaves out the sections above them anyway."""
    if len(hits) == 1:
        return hits[0]
    together: np.ndarray | None = None
    for keys in hits:
        keys = keys[(keys > 0) & (keys < arrays.parent.size)]
        held = _ancestors(arrays.parent, keys)
        held[keys] = True
        together = held if together is None else together & held
    assert together is not None
    return np.flatnonzero(together)


def innermost(arrays: Arrays, hits: np.ndarray, place_ok: np.ndarray | None) -> np.ndarray:
    """The living sections among ``hits`` (of a place ``place_ok`` accepts) none of whose sections is among
    them too, in reading order: by title, offset, document id."""
    hits = hits[(hits > 0) & (hits < arrays.doc.size)]
    docs = arrays.doc[hits]
    alive = docs >= 0
    if place_ok is not None:
        alive &= place_ok[arrays.place[np.maximum(docs, 0)]]
    matched = hits[alive]
    found = matched[~_ancestors(arrays.parent, matched)[matched]]
    return arrays.by_rank[np.sort(arrays.rank[found])]


def _ancestors(parent: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """A mask of the keys above any of ``keys`` (a few gathers, one per level of nesting; a key met again
    is not walked again)."""
    above = np.zeros(parent.size, bool)
    step = parent[keys]
    while step.size:
        step = step[step > 0]
        step = step[~above[step]]
        above[step] = True
        step = parent[step]
    return above


def pairs_of(arrays: Arrays, keys: np.ndarray) -> Pairs:
    """Each key's units, keys in the given order (CSR gathers)."""
    low, high = arrays.offsets[keys], arrays.offsets[keys + 1]
    sizes = high - low
    total = int(sizes.sum())
    starts = np.repeat(low - np.concatenate(([0], np.cumsum(sizes)[:-1])), sizes)
    index = starts + np.arange(total)
    return Pairs(arrays.units[index], np.repeat(keys, sizes), arrays.source[index], arrays.written[index])


@dataclass(frozen=True)
class Summary:
    """Per unit (in unit order): its task count, its first tasks (key, source), its written-forms ids in the
    order first met."""

    units: np.ndarray
    counts: np.ndarray
    shown: dict[int, list[tuple[int, int | None]]]
    written: dict[int, list[int]]


def summarise(pairs: Pairs, limit: int) -> Summary:
    """Count each unit's tasks, keep its first ``limit`` (pairs are in reading order), and list the written
    forms each unit was met with, in the order first met."""
    per_id = np.bincount(pairs.units)
    units = np.flatnonzero(per_id)
    counts = per_id[units]
    dense = (np.cumsum(per_id > 0) - 1)[pairs.units]  # the unit's place in ``units``
    by_unit = np.argsort(dense.astype(np.int16) if units.size < 2**15 else dense, kind="stable")  # 16 bits: radix
    group_start = np.cumsum(counts) - counts
    rank = np.arange(by_unit.size) - group_start[dense[by_unit]]
    picked = by_unit[rank < limit]
    shown: dict[int, list[tuple[int, int | None]]] = {}
    for unit, key, source in zip(
        pairs.units[picked].tolist(), pairs.keys[picked].tolist(), pairs.source[picked].tolist(), strict=True
    ):
        shown.setdefault(unit, []).append((key, source or None))
    return Summary(units, counts, shown, _written_in_order(pairs, dense, units.size))


def _written_in_order(pairs: Pairs, dense: np.ndarray, size: int) -> dict[int, list[int]]:
    """Each unit's written-forms ids (none: 0, left out), in the order the pairs first hold them."""
    named = np.flatnonzero(pairs.written)
    if named.size == 0:
        return {}
    width = int(pairs.written[named].max()) + 1
    code = dense[named].astype(np.int64) * width + pairs.written[named]
    if size * width <= 8 * named.size + 4096:  # a table of every (unit, form): the first pair of each in it
        first_at = np.full(size * width, named.size, np.int64)
        np.minimum.at(first_at, code, np.arange(named.size))
        first = np.sort(first_at[first_at < named.size])
    else:
        first = np.sort(np.unique(code, return_index=True)[1])
    out: dict[int, list[int]] = {}
    for unit, written in zip(pairs.units[named[first]].tolist(), pairs.written[named[first]].tolist(), strict=True):
        out.setdefault(unit, []).append(written)
    return out
