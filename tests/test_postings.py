"""kb.ranking reads posting blocks straight from their pickled bytes: the same ids and weights whoosh reads.

The fast path reads blocks whose ids after the first are below 256 apart; the rest (a gap of
256 or more, short blocks, other layouts) are unpickled whole. Both must agree with whoosh's
own reader, whole or a few blocks at a time.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from kb_helpers import clause_searcher

from kb import ranking
from kb.search import parse_query

CLAUSES = 1500
GAP = range(200, 520)  # 企业 skips these clauses: one of its blocks holds a gap of 320


def _clause(n: int) -> dict[str, Any]:
    """Words with varied counts (a weight each), single weights (titles, headings) and rare words."""
    body = ["支持"] * (1 + n % 3)
    if n not in GAP:
        body.append("企业")
    if n % 300 == 0:
        body.append("稀有")  # 300 apart: every id a gap of 256 or more
    if n % 2:
        body += ["改造"] * (1 + n % 4)
    return {
        "clause_id": f"c{n}",
        "doc_id": f"d{n // 10}",
        "title": "关于支持企业改造",
        "heading": "支持措施" if n % 5 else "改造项目",
        "body": "，".join(body),
        "facts": "贴息" if n % 7 == 0 else "",
    }


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with clause_searcher(tmp_path_factory.mktemp("postings") / "ix", map(_clause, range(CLAUSES))) as opened:
        yield opened


def _whooshs(searcher: Any, field: str, word: str) -> tuple[list[int], list[float]]:
    """The postings as whoosh's matcher reads them, one at a time."""
    m = searcher.postings(field, word)
    ids, weights = [], []
    while m.is_active():
        ids.append(m.id())
        weights.append(m.weight())
        m.next()
    return ids, weights


def _leaf(searcher: Any, field: str, word: str) -> Any:
    return searcher.postings(field, word)


TERMS = [
    ("body", "企业"),
    ("body", "支持"),
    ("body", "改造"),
    ("body", "稀有"),
    ("title", "企业"),
    ("heading", "措施"),
    ("heading", "项目"),
    ("facts", "贴息"),
]


@pytest.mark.parametrize(("field", "word"), TERMS)
def test_whole_lists_are_whooshs(searcher: Any, field: str, word: str) -> None:
    ranking.clear_cache()
    ids, weights = ranking._postings(_leaf(searcher, field, word))
    expected_ids, expected_weights = _whooshs(searcher, field, word)
    assert ids.tolist() == expected_ids
    assert weights.tolist() == expected_weights


@pytest.mark.parametrize(("field", "word"), TERMS)
def test_some_blocks_then_the_rest_are_whooshs(searcher: Any, field: str, word: str) -> None:
    ranking.clear_cache()
    expected = dict(zip(*_whooshs(searcher, field, word), strict=True))
    within = np.arange(0, CLAUSES, 400, dtype=np.int64)
    ids, weights = ranking._postings(_leaf(searcher, field, word), within)
    found = dict(zip(ids.tolist(), weights.tolist(), strict=True))
    assert {i: found[i] for i in within.tolist() if i in expected} == {
        i: expected[i] for i in within.tolist() if i in expected
    }
    assert all(found[i] == expected[i] for i in found)  # whole blocks: no posting that is not whoosh's
    ids, weights = ranking._postings(_leaf(searcher, field, word))
    assert dict(zip(ids.tolist(), weights.tolist(), strict=True)) == expected


def test_both_ways_of_reading_a_block_are_taken(searcher: Any) -> None:
    leaf = _leaf(searcher, "body", "企业")
    blocks = ranking._blocks(leaf)
    fast = []
    for b in blocks:
        decoded = ranking._Decoded([b])
        decoded.add(b.postings, zlib.decompress(b.data) if b.compression else b.data)
        fast.append(decoded.fast[0])
    assert any(fast) and not all(fast)


def test_block_info_is_read_as_whoosh_pickles_it(searcher: Any) -> None:
    leaf = _leaf(searcher, "body", "支持")
    blocks = ranking._blocks(leaf)
    assert sum(b.postings for b in blocks) == CLAUSES
    assert [b.max_id for b in blocks][-1] == CLAUSES - 1


def test_ranked_as_whoosh_scores_every_clause(searcher: Any) -> None:
    ranking.clear_cache()
    for text in ["企业 改造", "稀有 OR 贴息", "支持 NOT 企业", "项目 企业"]:
        query = parse_query(searcher, text)
        expected = [(hit.score, hit.docnum) for hit in searcher.search(query, limit=None)][:30]
        assert ranking.top(searcher, query, 30) == expected, text


@pytest.mark.parametrize(("small", "large"), [(40, 60), (5, 900), (900, 5), (0, 50)])
def test_common_documents_of_two_lists_line_up(small: int, large: int) -> None:
    rng = np.random.default_rng(small * 1000 + large)
    a = np.unique(rng.integers(0, 2000, small)).astype(np.int64)
    b = np.unique(rng.integers(0, 2000, large)).astype(np.int64)
    in_a, in_b = ranking._common(a, b)
    assert a[in_a].tolist() == b[in_b].tolist() == np.intersect1d(a, b).tolist()
