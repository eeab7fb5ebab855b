"""The decoded posting lists of each segment's common words, kept in a file beside the index.

A common word's postings are hundreds of zlib-compressed, pickled blocks (body:企业 is 680 at
10,000 documents); unpacking them, ~12 µs a block, is most of a search's time in a fresh
process. A segment never changes once committed (a merge makes a new one), so its common
words are decoded once when it is written, and a search maps them back as arrays.
kb.ranking reads a term from here when its segment has a file holding the term, from its
blocks otherwise: the same document numbers and weights (kb.ranking decodes them for the file).

The file ``<segment id>.postings`` in the index folder: the length of a JSON header (8 bytes,
little-endian), the header (the segment and its document count; per field and term, where
its arrays start, its postings, distinct weights and blocks), then per term, each array
8-byte aligned: document numbers (int32), the number of each weight among the term's
distinct weights (uint8), the distinct weights (float64), each block's postings and its
last document number (int64).
"""

from __future__ import annotations

import json
import mmap
import weakref
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

MIN_POSTINGS = 2048  # rarer words decode in a few blocks: not worth a place in the file
SUFFIX = ".postings"


class Postings(NamedTuple):
    ids: np.ndarray
    weights: np.ndarray
    counts: np.ndarray  # postings per block
    max_ids: np.ndarray  # last document number per block


def _aligned(n: int) -> int:
    return (n + 7) // 8 * 8


def _key(field: str, text: bytes) -> str:
    return f"{field} {text.hex()}"


def write(folder: Path, min_postings: int = MIN_POSTINGS) -> None:
    """Give each segment of the index in ``folder`` its file (if it has none) and remove those of segments gone."""
    from kb import index

    kept = set()
    with index.open_index(folder).searcher() as searcher:
        for sub, _ in searcher.leaf_searchers():
            path = folder / (sub.reader()._segment.segment_id() + SUFFIX)
            kept.add(path.name)
            if not path.exists():
                _write_segment(sub, path, min_postings)
    for path in folder.glob("*" + SUFFIX):
        if path.name not in kept:
            path.unlink()


def _write_segment(searcher: Any, path: Path, min_postings: int) -> None:
    from whoosh.codec.whoosh3 import W3LeafMatcher
    from whoosh.matching import FilterMatcher

    from kb import index, ranking

    reader = searcher.reader()
    terms: dict[str, list[int]] = {}
    parts: list[bytes] = []
    offset = 0
    for field in index.SEARCH_FIELDS:
        if field not in reader.schema:
            continue
        for text in [t for t, info in reader.iter_field(field) if info.doc_frequency() >= min_postings]:
            text = text if isinstance(text, bytes) else reader.schema[field].to_bytes(text)
            leaf = searcher.postings(field, text)
            while type(leaf) is FilterMatcher:  # deleted documents: a search skips them above the leaf, as whoosh does
                leaf = leaf.child
            if type(leaf) is not W3LeafMatcher:
                continue
            term = ranking._Term(ranking._blocks(leaf))
            ids, weights = term.read(None)
            distinct, numbers = np.unique(weights, return_inverse=True)
            if len(distinct) > 256 or (len(ids) and int(ids[-1]) >= 2**31):
                continue
            arrays: list[np.ndarray] = [
                ids.astype(np.int32),
                numbers.astype(np.uint8),
                distinct.astype(np.float64),
                term.counts.astype(np.int64),
                term.max_ids.astype(np.int64),
            ]
            terms[_key(field, text)] = [offset, len(ids), len(distinct), len(term.counts)]
            for a in arrays:
                raw = a.tobytes()
                parts.append(raw + b"\0" * (_aligned(len(raw)) - len(raw)))
                offset += _aligned(len(raw))
    header = json.dumps({"segment": reader._segment.segment_id(), "docs": reader.doc_count_all(), "terms": terms})
    head = header.encode() + b" " * (_aligned(8 + len(header.encode())) - 8 - len(header.encode()))
    temporary = path.with_suffix(".partial")
    with open(temporary, "wb") as out:
        out.write(len(head).to_bytes(8, "little"))
        out.write(head)
        for part in parts:
            out.write(part)
    temporary.replace(path)


def _end(offset: int, n: int, distinct: int, blocks: int) -> int:
    """Where a term's arrays end (see the module's layout: ids, weight numbers, weights, counts, last ids)."""
    return offset + _aligned(4 * n) + _aligned(n) + _aligned(8 * distinct) + 2 * _aligned(8 * blocks)


class _File:
    """One segment's file, mapped: its terms' arrays are read on demand."""

    def __init__(self, path: Path) -> None:
        with open(path, "rb") as handle:
            self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        size = int.from_bytes(self._map[:8], "little")
        header = json.loads(self._map[8 : 8 + size])
        self.segment, self.docs, self.terms = header["segment"], header["docs"], header["terms"]
        self._base = 8 + size
        if self._base + max((_end(*found) for found in self.terms.values()), default=0) > len(self._map):
            raise ValueError(f"{path.name} is shorter than its header says")

    def postings(self, field: str, text: bytes) -> Postings | None:
        found = self.terms.get(_key(field, text))
        if found is None:
            return None
        offset, n, distinct, blocks = found
        at = self._base + offset

        def take(dtype: Any, count: int) -> np.ndarray:
            nonlocal at
            a = np.frombuffer(self._map, dtype=dtype, count=count, offset=at)
            at += _aligned(a.nbytes)
            return a

        ids, numbers, weights = take(np.int32, n), take(np.uint8, n), take(np.float64, distinct)
        counts, max_ids = take(np.int64, blocks), take(np.int64, blocks)
        return Postings(ids.astype(np.int64), weights[numbers], counts.copy(), max_ids.copy())


_files: weakref.WeakKeyDictionary[Any, _File | None] = weakref.WeakKeyDictionary()


def postings(searcher: Any, field: str, text: bytes) -> Postings | None:
    """A term's decoded postings in the segment of ``searcher`` (a leaf searcher), or None: not in a file."""
    reader = searcher.reader()
    if reader not in _files:
        _files[reader] = _open(searcher)
    found = _files[reader]
    return found.postings(field, text) if found is not None else None


def _open(searcher: Any) -> _File | None:
    folder = getattr(getattr(getattr(searcher, "_ix", None), "storage", None), "folder", None)
    segment = getattr(searcher.reader(), "_segment", None)
    if folder is None or segment is None:
        return None
    path = Path(folder) / (segment.segment_id() + SUFFIX)
    try:
        opened = _File(path)
    except (OSError, ValueError, KeyError, TypeError):  # none, or damaged: the blocks hold the same postings
        return None
    if opened.segment != segment.segment_id() or opened.docs != searcher.reader().doc_count_all():
        return None
    return opened
