"""kb.ranking reads a block's ids and weights from the head of its pickle: the same as from the whole.

Unpacking stops before the word positions (kb.ranking._head_bytes); a head too short would send
blocks the fast way can read to the slow one, or read weights past its end.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

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
    ix = index.create(tmp_path_factory.mktemp("blocks") / "ix")
    w = index.writer(ix)
    for n in range(CLAUSES):
        w.add_document(**_clause(n))
    w.commit()
    with ix.searcher(weighting=index.LengthCachedBM25F()) as opened:
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
