"""Rank a whoosh query by scoring whole posting lists as arrays, with whoosh's own scores and order.

whoosh's matchers score one posting per Python call (about 15 µs each with the union and
intersection matchers above a term), and a common word matches 50,000 clauses or more at
10,000 documents. This module asks whoosh for the very matcher tree it would run (the same
terms, boosts, BM25F statistics and grouping of additions), then reads each term's postings
block by block into numpy arrays, scores them with BM25F's formula in one vector operation
and combines them as the tree says. The top hits are those whoosh's top-N collector keeps:
highest score first, lower document number first among equal scores.

Reading is most of a query's cost: blocks are read straight from their pickled bytes (ids and
weights; the word positions only for phrases), an AND reads its rarer side first and of the
other only the blocks that may hold its documents, and decoded blocks stay cached per term.
A segment's common words come already decoded from its kb.posting_arrays file when it has one.
A phrase is the AND of its words kept where their positions follow one another.

A tree holding a matcher this module does not know (wildcards, a phrase with slop, a scorer
other than BM25F) gives None, and the caller lets whoosh rank the query as before.
"""

from __future__ import annotations

import io
import pickle
import struct
import threading
import weakref
import zlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from itertools import chain
from typing import Any, NamedTuple

import numpy as np
from whoosh import formats, scoring
from whoosh import query as q
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import (
    AndNotMatcher,
    ArrayUnionMatcher,
    FilterMatcher,
    IntersectionMatcher,
    InverseMatcher,
    ListMatcher,
    NullMatcher,
    NullMatcherClass,
    UnionMatcher,
    WrappingMatcher,
)
from whoosh.query.spans import SpanNear2
from whoosh.util import make_binary_tree

from kb import index, posting_arrays

_INT = struct.Struct("!i")  # whoosh's block length prefix (negative: the last block)
_DOUBLE = struct.Struct(">d")  # a pickled float (BINFLOAT)
_PROTOCOLS = (b"\x80\x04\x95", b"\x80\x05\x95")  # PROTO, FRAME
_ID_OPS = {ord("K"): 2, ord("M"): 3, ord("J"): 5}  # BININT1, BININT2, BININT: opcode and little-endian int
CACHE_MB = 96  # decoded posting lists kept per process (a common word's four fields: ~4 MB)


class Unsupported(Exception):
    """A matcher or scorer this module cannot rank exactly as whoosh would."""


@dataclass(frozen=True)
class Matches:
    """Sorted document numbers of one segment and their scores (None: not scored)."""

    ids: np.ndarray
    scores: np.ndarray | None


_EMPTY = Matches(np.zeros(0, dtype=np.int64), np.zeros(0))


# --------------------------------------------------------------------------- postings


class _Term:
    """One term's posting blocks in one segment: where each lies, and the postings decoded so far.

    Each block's ids count from 0, so blocks decode independently: a query that needs a
    few blocks decodes those, and the next one asking for more decodes only the rest.
    The blocks are kept as arrays and a list of bytes, not an object each: cached blocks
    (~18,000 after the 50 bench queries at 10,000 documents) made the garbage collector
    run more often and walk them all (a 17-29 ms pause in some query).
    """

    def __init__(self, blocks: list[_Block]) -> None:
        self.data = [b.data for b in blocks]
        self.compression = [b.compression for b in blocks]
        self.counts = np.array([b.postings for b in blocks], dtype=np.int64)
        self.max_ids = np.array([b.max_id for b in blocks], dtype=np.int64)
        self.total = int(self.counts.sum())
        self.ids, self.weights = _EMPTY.ids, np.zeros(0)  # made when the first blocks are decoded
        self.decoded = np.zeros(len(blocks), dtype=bool)
        self.nbytes = 16 * self.total + sum(map(len, self.data))  # with the ids and weights

    @classmethod
    def from_file(cls, found: posting_arrays.Postings) -> _Term:
        """A term read whole from its segment's posting file (its blocks walked only for a phrase's positions)."""
        term = cls([])
        term.counts, term.max_ids = found.counts, found.max_ids
        term.total = len(found.ids)
        term.ids, term.weights = found.ids, found.weights
        term.decoded = np.ones(len(found.counts), dtype=bool)
        term.nbytes = 16 * term.total
        return term

    def walk(self, leaf: W3LeafMatcher) -> _Term:
        """This term with its blocks' packed data, walked if it was read from a file."""
        if not self.data and len(self.counts):
            blocks = _blocks(leaf)
            self.data, self.compression = [b.data for b in blocks], [b.compression for b in blocks]
            self.nbytes += sum(map(len, self.data))
        return self

    def blocks_at(self, ks: np.ndarray) -> list[_Block]:
        """The blocks ``ks`` as the walk gave them (made again when needed)."""
        counts, max_ids = self.counts[ks].tolist(), self.max_ids[ks].tolist()
        data, compression = self.data, self.compression
        return [_Block(data[k], n, m, compression[k]) for k, n, m in zip(ks.tolist(), counts, max_ids, strict=True)]

    def blocks_holding(self, within: np.ndarray) -> np.ndarray:
        """The blocks that may hold any of the sorted document numbers ``within``."""
        # block k holds the ids after block k-1's last, up to its own last
        after = np.searchsorted(within, self.max_ids, side="right")
        before = np.concatenate(([0], after[:-1]))
        return np.flatnonzero(after > before)

    def read(self, wanted: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """The postings of the blocks ``wanted`` (None: all), decoding those not decoded yet.

        Once every block is decoded, the whole list comes back whatever is wanted.
        """
        missing = np.flatnonzero(~self.decoded) if wanted is None else wanted[~self.decoded[wanted]]
        if len(missing):
            self._decode(missing)
        if wanted is None or self.decoded.all():
            return _read_only(self.ids), _read_only(self.weights)
        if not len(wanted):
            return _EMPTY.ids, np.zeros(0)
        keep = self._postings_of(wanted)
        return self.ids[keep], self.weights[keep]

    def values(self, wanted: np.ndarray) -> tuple[np.ndarray, list[Any]]:
        """The document numbers and values (encoded word positions) of the postings in blocks ``wanted``."""
        self.read(wanted)
        values: list[Any] = []
        for block in self.blocks_at(wanted):
            raw = zlib.decompress(block.data) if block.compression else block.data
            block_values = pickle.loads(raw)[2]
            if not isinstance(block_values, tuple) or len(block_values) != block.postings:
                raise Unsupported("postings without a value each")
            values += block_values
        return (self.ids[self._postings_of(wanted)] if len(wanted) else _EMPTY.ids), values

    def _postings_of(self, blocks: np.ndarray) -> np.ndarray:
        chosen = np.zeros(len(self.counts), dtype=bool)
        chosen[blocks] = True
        return np.repeat(chosen, self.counts)

    def _decode(self, blocks: np.ndarray) -> None:
        ids, weights = _decode(self.blocks_at(blocks))
        if len(blocks) == len(self.counts):
            self.ids, self.weights = ids, weights  # the whole list at once: kept as decoded
        else:
            if len(self.ids) != self.total:
                self.ids, self.weights = np.zeros(self.total, dtype=np.int64), np.zeros(self.total)
            where = self._postings_of(blocks)
            self.ids[where], self.weights[where] = ids, weights
        self.decoded[blocks] = True


def _read_only(a: np.ndarray) -> np.ndarray:
    view = a.view()
    view.flags.writeable = False
    return view


class _TermCache:
    """The posting blocks of recently asked terms, decoded as far as asked, bounded in bytes.

    Decoding is most of a query's cost (zlib and pickle per block of 128 postings), and
    the words of policy questions recur: 改造, 建设, 企业 in one query after another.
    """

    def __init__(self, limit_bytes: int) -> None:
        self.limit = limit_bytes
        self.size = 0
        self._items: OrderedDict[tuple[int, str, bytes], _Term] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[int, str, bytes]) -> _Term | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: tuple[int, str, bytes], term: _Term) -> None:
        if term.nbytes > self.limit:
            return
        with self._lock:
            if key in self._items:
                return
            self._items[key] = term
            self.size += term.nbytes
            while self.size > self.limit:
                _, dropped = self._items.popitem(last=False)
                self.size -= dropped.nbytes

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.size = 0


_cache = _TermCache(CACHE_MB * 1024 * 1024)
# One number per open posting file, so a cache key never outlives the segment it names.
_file_keys: weakref.WeakKeyDictionary[Any, int] = weakref.WeakKeyDictionary()
_next_key = iter(range(1, 1 << 62))


def clear_cache() -> None:
    """Forget every decoded posting list (for measuring a cold query)."""
    _cache.clear()


def _file_key(postfile: Any) -> int:
    key = _file_keys.get(postfile)
    if key is None:
        key = _file_keys[postfile] = next(_next_key)
    return key


def _info_end(block: bytes) -> int:
    """Where a block's pickled info tuple ends and its postings begin (``block``: at least its info)."""
    if block[:1] == b"\x80" and block[2:3] == b"\x95":  # protocol 4+: a frame that says its own length
        return 11 + int.from_bytes(block[3:11], "little")
    header = io.BytesIO(block)
    pickle.load(header)
    return header.tell()


class _Block(NamedTuple):
    """One block of a term's postings, its data still packed, and its last document number."""

    data: bytes
    postings: int  # how many
    max_id: int
    compression: int


def _blocks(leaf: W3LeafMatcher) -> list[_Block]:
    """The blocks of a term's posting list, their data still packed."""
    if leaf._byteids:
        raise Unsupported("byte ids")
    get = leaf._postfile.get
    blocks: list[_Block] = []
    position, last = leaf._baseoffset, False
    while not last:
        length = _INT.unpack(get(position, _INT.size))[0]
        last = length < 0  # (whoosh-ng's term info holds no usable extent length: walk to the last block)
        length = -length if last else length
        block = get(position + _INT.size, length)
        count, max_id, _, compression, _, _ = pickle.loads(block)  # the info tuple: what follows it is left
        blocks.append(_Block(block[_info_end(block) :], count, max_id, compression))
        position += _INT.size + length
    return blocks


# A block's data as whoosh-ng pickles it: (ids, weights, values), protocol 4 or 5, in one frame. Ids
# (four or more deltas, each after the first below 256) and weights are read straight from the
# pickle's bytes; the values (word positions), which scoring never uses, are never unpickled.
# Any other layout is unpickled whole.
_FLOAT_OPS = np.dtype([("op", "u1"), ("value", ">f8")])  # BINFLOAT: an opcode, a big-endian double


class _Decoded:
    """The pieces of a run of blocks, gathered block by block and put together as arrays at once."""

    def __init__(self, blocks: list[_Block]) -> None:
        self.counts = np.array([b.postings for b in blocks], dtype=np.int64)
        self.firsts: list[int] = []  # of the blocks read fast
        self.each: list[float] = []  # every block's weight for all its postings; nan: a weight each
        self.fast: list[bool] = []
        self.rests: list[bytes] = []  # the BININT1 ops of the ids after the first
        self.tuples: list[bytes] = []  # the BINFLOAT ops of blocks with a weight each
        self.slow: dict[int, tuple[Any, Any]] = {}

    def add(self, count: int, raw: bytes, whole: Callable[[], bytes] | None = None) -> None:
        """``raw``: the block's pickle, or only its head when ``whole()`` gives all of it (for other layouts)."""
        if not self._add_fast(count, raw):
            self.slow[len(self.fast)] = pickle.loads(raw if whole is None else whole())[:2]
            self.fast.append(False)
            self.each.append(1.0)

    def _add_fast(self, count: int, raw: bytes) -> bool:
        if raw[:3] not in _PROTOCOLS or raw[11] != 40 or count < 4:  # 40: MARK
            return False
        first_end = 13 + _ID_OPS.get(raw[12], 1000) - 1
        rest_end = first_end + 2 * (count - 1)
        rest = raw[first_end:rest_end]
        if raw[rest_end : rest_end + 1] != b"t" or rest[::2].count(b"K") != count - 1:
            return False  # another layout, or a gap of 256 or more
        at = rest_end + 2 if raw[rest_end + 1] == 0x94 else rest_end + 1  # TUPLE, MEMOIZE
        kind = raw[at]
        if kind == 71:  # G: one weight for the block; whoosh expands it into array("f"): a float32 of it
            self.each.append(float(np.float32(_DOUBLE.unpack_from(raw, at + 1)[0])))
        elif kind == 40:  # MARK: a tuple of floats
            weights = raw[at + 1 : at + 1 + 9 * count]
            if raw[at + 1 + 9 * count] != 116 or weights[::9].count(b"G") != count:  # 116: TUPLE
                return False
            self.tuples.append(weights)
            self.each.append(np.nan)
        elif kind == 78:  # N: no weights, each posting weighs 1
            self.each.append(1.0)
        else:
            return False
        self.firsts.append(int.from_bytes(raw[13:first_end], "little", signed=raw[12] == 74))  # 74: J
        self.rests.append(rest)
        self.fast.append(True)
        return True

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """(document numbers, weights) of all the blocks, in order."""
        counts = self.counts
        fast = np.array(self.fast, dtype=bool)
        starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
        deltas = np.empty(int(counts.sum()), dtype=np.int64)
        rest = np.repeat(fast, counts)
        rest[starts] = False
        deltas[rest] = np.frombuffer(b"".join(self.rests), dtype=np.uint8)[1::2]
        deltas[starts[fast]] = self.firsts
        weights = np.repeat(np.array(self.each), counts)
        if self.tuples:
            weights[np.isnan(weights)] = np.frombuffer(b"".join(self.tuples), dtype=_FLOAT_OPS)["value"]
        for k, (block_ids, block_weights) in self.slow.items():
            span = slice(starts[k], starts[k] + counts[k])
            deltas[span] = block_ids
            weights[span] = _slow_weights(block_weights, int(counts[k]))
        ids = np.cumsum(deltas)
        # each block's ids are deltas from 0: take off the running sum of the blocks before
        ends = ids[starts[1:] - 1]
        ids -= np.repeat(np.concatenate(([0], ends)), counts)
        return ids, weights


def _slow_weights(block_weights: Any, count: int) -> Any:
    if block_weights is None:
        return 1.0
    if isinstance(block_weights, float):
        return float(np.float32(block_weights))
    return np.fromiter(block_weights, dtype=np.float64, count=count)


def _head_bytes(count: int) -> int:
    """How much of a block's pickle the fast read of its ids and weights looks at, at most.

    The frame and MARK (12 bytes), the first id (up to 5), one BININT1 per other id (2 each), TUPLE and
    MEMOIZE, then a MARK and a BINFLOAT per weight (9 each) and TUPLE: the word positions after them are
    most of the block, and unpacking stops before them (half the time of zlib).
    """
    return 11 * count + 20


def _decode(blocks: list[_Block]) -> tuple[np.ndarray, np.ndarray]:
    """The (document number, weight) pairs of ``blocks`` (in order), read as whoosh's reader reads them."""
    decoded = _Decoded(blocks)
    for b in blocks:
        if b.compression:
            head = zlib.decompressobj().decompress(b.data, _head_bytes(b.postings))
            decoded.add(b.postings, head, partial(zlib.decompress, b.data))
        else:
            decoded.add(b.postings, b.data)
    return decoded.arrays()


def _inlined(leaf: ListMatcher) -> tuple[np.ndarray, np.ndarray]:
    ids = np.array(leaf._ids, dtype=np.int64)
    if leaf._all_weights:
        return ids, np.full(len(ids), float(leaf._all_weights))
    if leaf._weights:
        return ids, np.array(leaf._weights, dtype=np.float64)
    return ids, np.ones(len(ids))


def _postings(leaf: Any, within: np.ndarray | None = None, searcher: Any = None) -> tuple[np.ndarray, np.ndarray]:
    """A leaf matcher's posting list as (document numbers, weights), wherever the matcher stands now.

    ``within``: sorted document numbers the caller needs; blocks holding none of them may
    be left unread (then the lists hold only some of the term's postings).
    """
    if type(leaf) is ListMatcher:  # postings inlined in the term's entry
        return _inlined(leaf)
    if type(leaf) is not W3LeafMatcher:
        raise Unsupported(type(leaf).__name__)
    term = _term(leaf, searcher)
    return term.read(None if within is None else term.blocks_holding(within))


def _term(leaf: W3LeafMatcher, searcher: Any = None) -> _Term:
    """The cached postings of a leaf matcher's term: from its segment's posting file (kb.posting_arrays)
    when ``searcher`` (the segment's) has one holding it, else its blocks, walked on first use."""
    field, text = leaf._term
    key = (_file_key(leaf._postfile), field, text)
    term = _cache.get(key)
    if term is None:
        found = posting_arrays.postings(searcher, field, text) if searcher is not None else None
        term = _Term.from_file(found) if found is not None else _Term(_blocks(leaf))
        _cache.put(key, term)
    return term


# --------------------------------------------------------------------------- scores


_segment_lengths: weakref.WeakKeyDictionary[Any, dict[str, np.ndarray]] = weakref.WeakKeyDictionary()


def _length_column(reader: Any, fieldname: str) -> bytes:
    """One segment's stored lengths of ``fieldname``, a byte a document (whoosh's rounded length)."""
    raw = index.length_column(reader._perdoc, fieldname)
    if not raw:
        raise Unsupported(f"no length column for {fieldname}")
    return raw


def _lengths(searcher: Any, fieldname: str) -> np.ndarray:
    """Every document's length in ``fieldname`` in one segment, as whoosh's BM25F reads it.

    The same figures as kb.index's LengthCachedBM25F, read as one array (its list takes
    tens of ms per field at 10,000 documents).
    """
    reader = searcher.reader()
    per_field = _segment_lengths.setdefault(reader, {})
    if fieldname not in per_field:
        raw = np.frombuffer(_length_column(reader, fieldname), dtype=np.uint8)
        # byte 0: no length stored, whoosh's default is 1; past the column's end likewise
        table = np.array(index.length_table(), dtype=np.float64)
        lengths = np.ones(reader.doc_count_all())
        lengths[: len(raw)] = table[raw]
        per_field[fieldname] = lengths
    return per_field[fieldname]


def _plain(weighting: Any) -> scoring.BM25F:
    """whoosh's BM25F with the same parameters (its scorers set up nothing per document)."""
    if not isinstance(weighting, scoring.BM25F):
        raise Unsupported(type(weighting).__name__)
    return scoring.BM25F(B=weighting.B, K1=weighting.K1, **{f"{f}_B": b for f, b in weighting._field_B.items()})


def _leaf(searcher: Any, leaf: Any, scored: bool, within: np.ndarray | None) -> Matches:
    ids, weights = _postings(leaf, within, searcher)
    if within is not None and len(ids) > 2 * len(within):
        # a common word read whole for a few documents: score and combine only those
        keep = _common(ids, within)[0]
        ids, weights = ids[keep], weights[keep]
    if not scored:
        return Matches(ids, None)
    scorer = leaf._scorer if type(leaf) is ListMatcher else leaf.scorer
    if scorer is None:
        return Matches(ids, weights)
    if type(scorer) is scoring.WeightScorer:
        return Matches(ids, weights)
    if type(scorer) is not scoring.BM25FScorer:
        raise Unsupported(type(scorer).__name__)
    fieldname = leaf._term[0]
    length = _lengths(searcher, fieldname)[ids]
    idf, avgfl, b, k1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1
    # whoosh.scoring.bm25, operation for operation, so every score is the same double
    scores = idf * ((weights * (k1 + 1)) / (weights + k1 * ((1 - b) + b * length / avgfl)))
    return Matches(ids, scores)


# --------------------------------------------------------------------------- combining


def _union(a: Matches, b: Matches) -> Matches:
    """Documents in either; a document in both scores a + b (as UnionMatcher adds them)."""
    if not len(a.ids):
        return b
    if not len(b.ids):
        return a
    ids = np.concatenate((a.ids, b.ids))
    order = np.argsort(ids, kind="stable")  # two sorted runs: a linear merge
    ids = ids[order]
    first = np.ones(len(ids), dtype=bool)
    first[1:] = ids[1:] != ids[:-1]
    if a.scores is None or b.scores is None:
        return Matches(ids[first], None)
    scores = np.concatenate((a.scores, b.scores))[order]
    # stable: where a document is in both, a's score comes first and b's right after it
    both = np.flatnonzero(~first) - 1
    scores[both] = scores[both] + scores[both + 1]
    return Matches(ids[first], scores[first])


def _intersection(a: Matches, b: Matches) -> Matches:
    """Documents in both; each scores a + b (as IntersectionMatcher adds them)."""
    in_a, in_b = _common(a.ids, b.ids)
    if a.scores is None or b.scores is None:
        return Matches(a.ids[in_a], None)
    return Matches(a.ids[in_a], a.scores[in_a] + b.scores[in_b])


def _common(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where the documents of both sorted lists ``a`` and ``b`` lie in each (two index arrays that line up)."""
    if not len(a) or not len(b):
        return _EMPTY.ids, _EMPTY.ids
    if min(len(a), len(b)) * 4 > max(len(a), len(b)):  # alike in size: a lookup table over document numbers
        return np.flatnonzero(np.isin(a, b, kind="table")), np.flatnonzero(np.isin(b, a, kind="table"))
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    at = np.minimum(np.searchsorted(large, small), len(large) - 1)  # each of the few looked up in the many
    found = large[at] == small
    in_small, in_large = np.flatnonzero(found), at[found]
    return (in_small, in_large) if small is a else (in_large, in_small)


def _without(a: Matches, b: Matches) -> Matches:
    keep = np.isin(a.ids, b.ids, invert=True, kind="table")
    return Matches(a.ids[keep], None if a.scores is None else a.scores[keep])


def _times(m: Matches, boost: float) -> Matches:
    if m.scores is None or boost == 1.0:
        return m
    return Matches(m.ids, m.scores * boost)


def _missing(m: InverseMatcher) -> np.ndarray:
    """The deleted documents a NOT matcher skips (whoosh's Not passes its reader's is_deleted)."""
    reader = getattr(m.missing, "__self__", None)
    if reader is None or getattr(m.missing, "__name__", "") != "is_deleted":
        raise Unsupported("a NOT matcher skipping other documents")
    if not reader.has_deletions():
        return _EMPTY.ids
    deleted = reader.deleted_docs_set  # a property of segment readers
    return np.array(sorted(deleted() if callable(deleted) else deleted), dtype=np.int64)


_frequencies: weakref.WeakKeyDictionary[Any, dict[tuple[str, bytes], int]] = weakref.WeakKeyDictionary()


def _doc_frequency(reader: Any, term: tuple[str, bytes]) -> int:
    """How many documents of a segment hold ``term``, looked up once (an AND asks for its sides at each level)."""
    known = _frequencies.setdefault(reader, {})
    found = known.get(term)
    if found is None:
        found = known[term] = int(reader.doc_frequency(*term))
    return found


def _size(searcher: Any, m: Any) -> int:
    """About how many documents a matcher tree matches (to read the rarer side of an AND first)."""
    kind = type(m)
    if kind is W3LeafMatcher:
        return _doc_frequency(searcher.reader(), m._term)
    if kind is ListMatcher:
        return len(m._ids)
    if kind is WrappingMatcher or kind is FilterMatcher:
        return _size(searcher, m.child)
    if kind is UnionMatcher:
        return _size(searcher, m.a) + _size(searcher, m.b)
    if kind is ArrayUnionMatcher:
        return sum(_size(searcher, c) for c in m._submatchers)
    if kind is IntersectionMatcher:
        return min(_size(searcher, m.a), _size(searcher, m.b))
    if kind is AndNotMatcher:
        return _size(searcher, m.a)
    if kind is InverseMatcher:
        return int(m.limit)
    return 0


def _positions_decoder(fmt: Any) -> Callable[[bytes], list[int]]:
    """How whoosh's span matchers read a posting's word positions (LeafMatcher.spans)."""
    if fmt is None:
        raise Unsupported("postings without a format")
    if fmt.supports("characters"):
        characters = fmt.decoder("characters")
        return lambda value: [position for position, _, _ in characters(value)]
    if fmt.supports("positions"):
        positions = fmt.decoder("positions")
        return lambda value: list(positions(value))
    raise Unsupported("postings without positions")


def _word_positions(leaf: Any, docs: np.ndarray, searcher: Any = None) -> np.ndarray:
    """Where a phrase's word stands in each of ``docs`` holding it, as keys (document << 32 | position)."""
    while type(leaf) is FilterMatcher:  # deleted documents: ``docs`` are already without them
        leaf = leaf.child
    if type(leaf) is ListMatcher:  # postings inlined in the term's entry
        ids, values = np.array(leaf._ids, dtype=np.int64), list(leaf._values or ())
        if len(values) != len(ids):
            raise Unsupported("postings without a value each")
    elif type(leaf) is W3LeafMatcher:
        term = _term(leaf, searcher).walk(leaf)
        ids, values = term.values(term.blocks_holding(docs))
    else:
        raise Unsupported(type(leaf).__name__)
    fmt = leaf._format if type(leaf) is ListMatcher else leaf.format
    decode = _positions_decoder(fmt)
    chosen = _common(ids, docs)[0]  # both sorted (np.isin's default sorts them again: ~2 ms a word)
    chosen_values = [values[i] for i in chosen.tolist()]
    keys = None
    if isinstance(fmt, formats.Positions) and not fmt.supports("characters"):
        # whoosh-ng's own Positions reads a value ending in "." as an old pickle (kb.index._Positions does not)
        keys = _packed_positions(ids[chosen], chosen_values, dotted=type(fmt) is formats.Positions)
    if keys is None:
        # the same positions recur (a title on each of its clauses): each distinct value is decoded once
        decoded = {value: decode(value) for value in set(chosen_values)}
        positions = list(map(decoded.__getitem__, chosen_values))
        found = np.fromiter(chain.from_iterable(positions), dtype=np.int64)
        keys = (np.repeat(ids[chosen], list(map(len, positions))) << 32) | found
    return np.sort(keys, kind="stable")  # already sorted (documents, then positions, ascending): one pass


def _packed_positions(ids: np.ndarray, values: list[bytes], dotted: bool) -> np.ndarray | None:
    """The keys (document << 32 | position) of whoosh-ng's position values, all read at once as arrays.

    A value is a 4-byte big-endian count, then that many varints (7 bits a byte, the last byte of
    each below 128), each the step from the previous position. None when a value holds anything
    else (bytes past its count, a step of more than 28 bits; ``dotted``: one ending in "."): whoosh's
    own decoder reads those.
    """
    if not values:
        return _EMPTY.ids
    lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    if lengths.min() < 4:
        return None
    raw = np.frombuffer(b"".join(values), dtype=np.uint8)
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    if dotted and (raw[starts + lengths - 1] == ord(".")).any():
        return None
    header = (starts[:, None] + np.arange(4)).ravel()
    counts = raw[header].reshape(-1, 4).astype(np.int64) @ np.array([1 << 24, 1 << 16, 1 << 8, 1])
    payload_of = np.ones(len(raw), dtype=bool)
    payload_of[header] = False
    payload = raw[payload_of].astype(np.int64)
    last = payload < 128  # the last byte of a varint
    sizes = lengths - 4
    with_payload = sizes > 0
    ends = np.cumsum(sizes)[with_payload] - 1
    owner = np.repeat(np.arange(len(values)), sizes)  # the value each payload byte belongs to
    if not last[ends].all() or not np.array_equal(np.bincount(owner[last], minlength=len(values)), counts):
        return None
    steps = payload
    if not last.all():  # steps of 128 or more: several bytes each, low bits first
        firsts = np.concatenate(([0], np.flatnonzero(last)[:-1] + 1))
        nth = np.arange(len(payload)) - np.repeat(firsts, np.diff(np.append(firsts, len(payload))))
        if nth.max() > 3:
            return None
        steps = np.add.reduceat((payload & 127) << (7 * nth), firsts)
    total = np.cumsum(steps)
    before = np.concatenate(([0], total))[np.concatenate(([0], np.cumsum(counts)[:-1]))]
    positions = total - np.repeat(before, counts)
    return (np.repeat(ids, counts) << 32) | positions


class _PhraseParts(SpanNear2.SpanNear2Matcher):
    """whoosh's phrase matcher, without its look for a first match on creation.

    That look reads the positions of document after document until the words stand
    together: seconds for a phrase whose words are common but rarely side by side.
    kb.ranking reads the words' postings itself; this matcher is never iterated to rank.
    """

    def __init__(self, ms: list[Any], slop: int, ordered: bool, mindist: int) -> None:
        self.ms, self.slop, self.ordered, self.mindist = ms, slop, ordered, mindist
        WrappingMatcher.__init__(self, make_binary_tree(IntersectionMatcher, ms))
        self._spans = None


class _Phrase(q.Phrase):
    """A phrase whose matcher is :class:`_PhraseParts` (whoosh's Phrase.matcher otherwise)."""

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        schema = searcher.schema
        if self.fieldname not in schema or not schema[self.fieldname].format.supports("positions"):
            return super().matcher(searcher, context)  # whoosh's answer: no matches, or its error
        field = schema[self.fieldname]
        reader = searcher.reader()
        terms = []
        for word in self.words:
            try:
                text = field.to_bytes(word)
            except ValueError:
                return NullMatcher()
            if (self.fieldname, text) not in reader:
                return NullMatcher()
            terms.append(q.Term(self.fieldname, text))
        m = _PhraseParts([t.matcher(searcher, context) for t in terms], self.slop, True, 1)
        return WrappingMatcher(m, boost=self.boost) if self.boost != 1.0 else m


def _quick_phrases(query: q.Query) -> q.Query:
    """``query`` with each phrase a :class:`_Phrase` (the same matches and scores, built faster).

    (An AND built the same way would break whoosh's matchers that iterate their children
    on creation, e.g. ArrayUnionMatcher: an unaligned IntersectionMatcher fails its checks.)
    """

    def swap(node: q.Query) -> q.Query:
        if type(node) is q.Phrase:
            return _Phrase(node.fieldname, node.words, slop=node.slop, boost=node.boost, char_ranges=node.char_ranges)
        return node

    return query.accept(swap)


def _in_sorted(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Which of ``a`` are in ``b`` (sorted ascending, repeats allowed)."""
    if not len(b):
        return np.zeros(len(a), dtype=bool)
    at = np.minimum(np.searchsorted(b, a), len(b) - 1)
    return b[at] == a


def _phrase(searcher: Any, m: Any, scored: bool, within: np.ndarray | None) -> Matches:
    """A phrase: the AND of its words (scored as whoosh's span matcher scores it: the words' sum),
    kept where the words stand one right after another.

    whoosh keeps a document when each word's position is the one after the previous word's
    (slop 1, in order, at least 1 apart); other slops are left to whoosh.
    """
    if (m.slop, m.ordered, m.mindist) != (1, True, 1):
        raise Unsupported("a phrase with slop")
    found = _evaluate(searcher, m.child, scored, within)
    ends: np.ndarray | None = None  # where the phrase so far ends
    for leaf in m.ms:
        if not len(found.ids):
            break
        keys = _word_positions(leaf, found.ids, searcher)
        ends = keys if ends is None else keys[_in_sorted(keys, ends + 1)]
    keep = _in_sorted(found.ids, ends >> 32) if ends is not None else np.zeros(len(found.ids), dtype=bool)
    return _times(Matches(found.ids[keep], None if found.scores is None else found.scores[keep]), m.boost)


def _narrowed(ids: np.ndarray, within: np.ndarray | None) -> np.ndarray:
    """The documents an AND's second side must be read for: those its first side matched that the caller keeps.

    The first side's answer may hold documents outside ``within`` (blocks read whole).
    """
    if within is None:
        return ids
    return ids[_common(ids, within)[0]]


def _evaluate(searcher: Any, m: Any, scored: bool, within: np.ndarray | None = None) -> Matches:
    """The documents a whoosh matcher tree matches in one segment, scored as whoosh would.

    ``within``: sorted document numbers the caller will keep at most. The answer is exact
    for those; it may hold other documents too, whose scores may be short of some part.
    """
    kind = type(m)
    if kind is NullMatcherClass:
        return _EMPTY
    if kind is W3LeafMatcher or kind is ListMatcher:
        return _leaf(searcher, m, scored, within)
    if kind is WrappingMatcher:
        return _times(_evaluate(searcher, m.child, scored, within), m.boost)
    if kind is _PhraseParts or kind is SpanNear2.SpanNear2Matcher:
        return _phrase(searcher, m, scored, within)
    if kind is FilterMatcher:  # deleted documents, or a set to keep
        inner = _evaluate(searcher, m.child, scored, within)
        chosen = np.fromiter(m._ids, dtype=np.int64, count=len(m._ids))
        keep = np.isin(inner.ids, chosen, invert=m._exclude, kind="table")
        return _times(Matches(inner.ids[keep], None if inner.scores is None else inner.scores[keep]), m.boost)
    if kind is UnionMatcher:
        return _union(_evaluate(searcher, m.a, scored, within), _evaluate(searcher, m.b, scored, within))
    if kind is IntersectionMatcher:
        # read the rarer side first: the other needs only the blocks holding its documents
        if _size(searcher, m.b) < _size(searcher, m.a):
            b = _evaluate(searcher, m.b, scored, within)
            return _intersection(_evaluate(searcher, m.a, scored, _narrowed(b.ids, within)), b)
        a = _evaluate(searcher, m.a, scored, within)
        return _intersection(a, _evaluate(searcher, m.b, scored, _narrowed(a.ids, within)))
    if kind is AndNotMatcher:
        a = _evaluate(searcher, m.a, scored, within)
        return _without(a, _evaluate(searcher, m.b, False, a.ids))
    if kind is InverseMatcher:  # NOT: every document the child misses, each scoring the matcher's weight
        keep = np.ones(m.limit, dtype=bool)
        keep[_evaluate(searcher, m.child, False, within).ids] = False
        keep[_missing(m)] = False
        ids = np.flatnonzero(keep).astype(np.int64, copy=False)
        return Matches(ids, np.full(len(ids), float(m._weight)) if scored else None)
    if kind is ArrayUnionMatcher:
        # adds each child's score times the boost, child after child, into a zeroed array, and
        # takes only documents whose sum is above 0; unscored (weighting None), each match is 1
        weigh = scored and m._scored
        total = _EMPTY
        for child in m._submatchers:
            total = _union(total, _times(_evaluate(searcher, child, weigh, within), m._boost))
        if not scored:
            return Matches(total.ids, None)
        if total.scores is None:
            return Matches(total.ids, np.ones(len(total.ids)))
        keep = total.scores > 0
        return Matches(total.ids[keep], total.scores[keep])
    raise Unsupported(kind.__name__)


# --------------------------------------------------------------------------- public


def allowed(searcher: Any, query: Any) -> np.ndarray | None:
    """The top-level document numbers ``query`` matches (a filter), sorted; None: let whoosh do it."""
    parts = []
    try:
        for sub, offset in searcher.leaf_searchers():
            m = _quick_phrases(query).matcher(sub, sub.boolean_context())
            parts.append(_evaluate(sub, m, scored=False).ids + offset)
    except Unsupported:
        return None
    return np.concatenate(parts) if parts else _EMPTY.ids


def top(searcher: Any, query: Any, limit: int, allow: np.ndarray | None = None) -> list[tuple[float, int]] | None:
    """The ``limit`` best (score, document number) pairs, as ``searcher.search`` ranks them.

    ``allow``: the only document numbers that may be returned (from :func:`allowed`).
    None when the query holds something only whoosh can rank.
    """
    ids_parts, score_parts = [], []
    try:
        context = searcher.context(weighting=_plain(searcher.weighting))
        for sub, offset in searcher.leaf_searchers():
            within = None
            if allow is not None:
                mine = allow[(allow >= offset) & (allow < offset + sub.doc_count_all())]
                within = mine - offset
            found = _evaluate(sub, _quick_phrases(query).matcher(sub, context), True, within)
            ids_parts.append(found.ids + offset)
            assert found.scores is not None
            score_parts.append(found.scores)
    except Unsupported:
        return None
    if not ids_parts:
        return []
    ids, scores = np.concatenate(ids_parts), np.concatenate(score_parts)
    if allow is not None:
        keep = np.isin(ids, allow, kind="table")  # a lookup table over document numbers
        ids, scores = ids[keep], scores[keep]
    if len(ids) > limit:
        # every document scoring at least the limit-th best score, then the exact order among them
        threshold = np.partition(scores, len(scores) - limit)[len(scores) - limit]
        keep = scores >= threshold
        ids, scores = ids[keep], scores[keep]
    order = np.lexsort((ids, -scores))[:limit]
    return [(float(scores[i]), int(ids[i])) for i in order]
