"""kb.ranking reads a block's ids and weights from the head of its pickle: the same as from the whole.

Unpacking stops before the word positions (kb.ranking._head_bytes); a head too short would send
blocks the fast way can read to the slow one, or read weights past its end.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from kb_helpers import clause_searcher

from kb import index, ranking

CLAUSES = 3000


def _clause(n: int) -> dict[str, Any]:
    """Words repeated 1-4 times (a weight each), one in every clause, one 260 apart (gaps of 256: read slowly)."""
    body = ["支持"] * (1 + n % 4) + ["企业"]
    if n % 260 == 0:
        body.append("稀有")
    return {
        "clause_id": f"c{n}",
        "doc_id": f"d{n // 10}",
        "title": "关于支持企业改造",
        "heading": "支持措施",
        "body": "，".join(body),
    }


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with clause_searcher(tmp_path_factory.mktemp("blocks") / "ix", map(_clause, range(CLAUSES))) as opened:
        yield opened


def _read(blocks: list[ranking._Block], head: bool) -> tuple[list[bool], np.ndarray, np.ndarray]:
    decoded = ranking._Decoded(blocks)
    for b in blocks:
        whole = zlib.decompress(b.data) if b.compression else b.data
        decoded.add(b.postings, whole[: ranking._head_bytes(b.postings)] if head else whole)
    ids, weights = decoded.arrays()
    return decoded.fast, ids, weights


@pytest.mark.parametrize(("field", "word"), [("body", "支持"), ("body", "企业"), ("title", "企业"), ("body", "稀有")])
def test_a_blocks_head_reads_as_its_whole(searcher: Any, field: str, word: str) -> None:
    blocks = ranking._blocks(searcher.postings(field, word))
    fast, ids, weights = _read(blocks, head=False)
    head_fast, head_ids, head_weights = _read(blocks, head=True)
    assert head_fast == fast
    assert head_ids.tolist() == ids.tolist() and head_weights.tolist() == weights.tolist()
    if word != "稀有":
        assert all(fast[:-1])  # full blocks of weights each or one weight: the head is enough for them


def test_decoding_from_heads_gives_whooshs_postings(searcher: Any) -> None:
    for field, word in [("body", "支持"), ("body", "稀有"), ("heading", "措施")]:
        m = searcher.postings(field, word)
        expected = []
        while m.is_active():
            expected.append((m.id(), m.weight()))
            m.next()
        ids, weights = ranking._decode(ranking._blocks(searcher.postings(field, word)))
        assert list(zip(ids.tolist(), weights.tolist(), strict=True)) == expected


def test_word_positions_read_as_arrays_are_whooshs(tmp_path: Path) -> None:
    """Steps of 128 words or more take several bytes; a word may stand many times in a clause."""
    ix = index.create(tmp_path / "ix")
    w = index.writer(ix)
    for n in range(400):
        filler = ["支持"] * (n % 7 + (300 if n % 50 == 0 else 0))  # 300 words before: a step of two bytes
        w.add_document(clause_id=f"c{n}", doc_id="d", body="，".join([*filler, "企业", *filler, "企业", "改造"]))
    w.commit()
    with ix.searcher() as searcher:
        for word in ("企业", "支持", "改造"):
            m = searcher.postings("body", word)
            decode = ranking._positions_decoder(m.format)
            expected = []
            while m.is_active():
                expected += [(m.id() << 32) | p for p in decode(m.value())]
                m.next()
            docs = np.arange(400, dtype=np.int64)
            assert ranking._word_positions(searcher.postings("body", word), docs).tolist() == expected
            term = ranking._term(searcher.postings("body", word))
            ids, values = term.values(term.blocks_holding(docs))
            packed = ranking._packed_positions(ids, values, dotted=False)
            assert packed is not None and packed.tolist() == expected


@pytest.mark.parametrize(
    ("values", "dotted"),
    [
        ([b"\x00\x00\x00\x02\x05\x06\x07"], False),  # a byte past the count
        ([b"\x00\x00\x00\x01\x85"], False),  # a varint cut short
        ([b"\x00\x00\x00\x01\x80\x80\x80\x80\x01"], False),  # a step of more than 28 bits
        ([b"\x00\x00\x00\x01\x2e"], True),  # ends in ".": whoosh-ng's Positions reads an old pickle
        ([b"\x00\x00\x01"], False),  # no count
    ],
)
def test_positions_in_another_layout_are_left_to_whoosh(values: list[bytes], dotted: bool) -> None:
    assert ranking._packed_positions(np.zeros(len(values), dtype=np.int64), values, dotted) is None


def test_positions_in_whooshs_layout_are_read() -> None:
    values = [b"\x00\x00\x00\x02\x05\x06", b"\x00\x00\x00\x00", b"\x00\x00\x00\x01\x81\x01", b"\x00\x00\x00\x01\x2e"]
    keys = ranking._packed_positions(np.array([3, 4, 5, 6], dtype=np.int64), values, dotted=False)
    assert keys is not None and keys.tolist() == [(3 << 32) | 5, (3 << 32) | 11, (5 << 32) | 129, (6 << 32) | 46]


def test_values_of_some_blocks_line_up_with_their_ids_however_much_is_decoded(searcher: Any) -> None:
    ranking.clear_cache()
    term = ranking._term(searcher.postings("body", "支持"))
    some = np.array([1, 3], dtype=np.int64)
    nothing = np.zeros(0, dtype=np.int64)
    assert term.values(nothing)[0].tolist() == [] and term.read(nothing)[0].tolist() == []
    partly = term.values(some)
    term.read(None)  # every block decoded: read gives the whole list from now on
    wholly = term.values(some)
    for ids, values in (partly, wholly):
        assert len(ids) == len(values) == int(term.counts[some].sum())
        in_block = np.searchsorted(term.max_ids, ids)  # the block whose span holds each id
        assert set(in_block.tolist()) == {1, 3}
    assert partly[0].tolist() == wholly[0].tolist() and partly[1] == wholly[1]
