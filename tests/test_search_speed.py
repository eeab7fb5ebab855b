"""Search's fast paths give what whoosh gives, without the costs they exist to avoid."""

from __future__ import annotations

import gc
from pathlib import Path

from kb import index, open_kb
from kb.search import parse_query


def test_a_ranked_not_query_builds_no_length_lists(corpus_kb: Path) -> None:
    """kb.ranking scores from length arrays; whoosh's per-clause length lists (~14 ms a field at
    10,000 documents) are built only when whoosh ranks a query itself, not for a NOT's words."""
    with open_kb(corpus_kb) as kb:
        assert kb.search("奖励 NOT 补贴")
        readers = [sub.reader() for sub, _ in kb.searcher().leaf_searchers()]
        assert not any(index._field_lengths.get(reader) for reader in readers)
        hits = kb.search('"技术改造 项目"~3', limit=5)  # a phrase with slop: whoosh ranks it, with the cached lengths
        assert any(index._field_lengths.get(reader) for reader in readers)
        searcher = kb.searcher()
        expected = searcher.search(parse_query(searcher, '"技术改造 项目"~3'), limit=5)
        assert [(h.clause_id, h.score) for h in hits] == [(e["clause_id"], round(e.score, 3)) for e in expected]


def test_what_the_first_search_loaded_is_left_out_of_garbage_collections(corpus_kb: Path) -> None:
    with open_kb(corpus_kb) as kb:
        assert kb.search("贴息")
    assert gc.get_freeze_count() > 0
