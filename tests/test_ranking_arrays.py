"""kb.posting_arrays: common words decoded once beside each segment rank exactly as their blocks do, and as whoosh."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from test_ranking import segments  # clauses with varied words, lengths and weights; deletions
from whoosh import query as q
from whoosh.matching import FilterMatcher

from kb import index, posting_arrays, ranking
from kb.search import parse_query

QUERIES = [
    "企业 支持",
    "补助 OR 改造",
    "项目 NOT 贴息",
    "工厂^3 OR title:智能",
    '"支持 企业"',
    '"企业 支持"',
    "支持 企业 改造",
]


def _index(folder: Path) -> Any:
    return segments(folder, (900, 600, 20))  # the larger two hold words of 100 postings or more


def _ranked(folder: Path) -> dict[tuple[str, str], Any]:
    ranking.clear_cache()
    out = {}
    with index.open_index(folder).searcher(weighting=index.LengthCachedBM25F()) as searcher:
        for text in QUERIES:
            query = parse_query(searcher, text)
            for filt in (None, q.Term("city", "成都")):
                allow = ranking.allowed(searcher, filt) if filt is not None else None
                fast = ranking.top(searcher, query, 40, allow)
                whoosh = [(hit.score, hit.docnum) for hit in searcher.search(query, filter=filt, limit=None)][:40]
                assert fast == whoosh, (text, filt)
                out[(text, repr(filt))] = fast
    return out


def test_terms_read_from_the_file_rank_as_from_their_blocks(tmp_path: Path) -> None:
    folder = tmp_path / "ix"
    _index(folder)
    from_blocks = _ranked(folder)
    posting_arrays.write(folder, min_postings=100)
    files = sorted(folder.glob("*" + posting_arrays.SUFFIX))
    assert len(files) == 3
    assert _ranked(folder) == from_blocks
    with index.open_index(folder).searcher() as searcher:
        read = 0
        for sub, _ in searcher.leaf_searchers():
            for field, word in [("body", "企业"), ("body", "支持"), ("title", "企业"), ("heading", "措施")]:
                leaf = sub.postings(field, word)
                while isinstance(leaf, FilterMatcher):  # the segment with deletions
                    leaf = leaf.child
                found = posting_arrays.postings(sub, field, word.encode())
                if found is None:
                    continue
                read += 1
                expected = ranking._Term(ranking._blocks(leaf))
                ids, weights = expected.read(None)
                assert found.ids.tolist() == ids.tolist() and found.weights.tolist() == weights.tolist()
                assert found.counts.tolist() == expected.counts.tolist()
                assert found.max_ids.tolist() == expected.max_ids.tolist()
        assert read >= 6  # the words with 100 postings or more, in the two larger segments


def test_a_segment_merged_away_loses_its_file_and_the_new_one_gets_one(tmp_path: Path) -> None:
    folder = tmp_path / "ix"
    ix = _index(folder)
    posting_arrays.write(folder, min_postings=100)
    before = {p.name for p in folder.glob("*" + posting_arrays.SUFFIX)}
    ix.optimize()
    posting_arrays.write(folder, min_postings=100)
    after = {p.name for p in folder.glob("*" + posting_arrays.SUFFIX)}
    assert len(after) == 1 and not after & before
    assert _ranked(folder)  # and still ranks as whoosh


def test_a_file_of_another_segment_is_not_read(tmp_path: Path) -> None:
    folder = tmp_path / "ix"
    _index(folder)
    posting_arrays.write(folder, min_postings=100)
    files = sorted(folder.glob("*" + posting_arrays.SUFFIX))
    files[0].write_bytes(files[1].read_bytes())  # names one segment, holds another's
    with index.open_index(folder).searcher() as searcher:
        sub = next(
            s for s, _ in searcher.leaf_searchers() if files[0].name.startswith(s.reader()._segment.segment_id())
        )
        assert posting_arrays.postings(sub, "body", "企业".encode()) is None


@pytest.mark.parametrize("min_postings", [1, 10**9])
def test_every_word_or_none_in_the_file(tmp_path: Path, min_postings: int) -> None:
    folder = tmp_path / "ix"
    _index(folder)
    from_blocks = _ranked(folder)
    posting_arrays.write(folder, min_postings=min_postings)
    assert _ranked(folder) == from_blocks
    assert np.all([p.stat().st_size > 0 for p in folder.glob("*" + posting_arrays.SUFFIX)])
