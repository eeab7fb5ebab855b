"""kb.ranking ranks as whoosh does: the same clauses, in the same order, with the same scores.

The reference is whoosh itself scoring every matching clause (``limit=None``): whoosh's
top-N shortcut (``matcher.replace``) can drop clauses that belong on the page.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from kb_helpers import run_json
from whoosh import query as q

from kb import index, open_kb, ranking
from kb.knowledge_base import KnowledgeBase
from kb.search import _filters, parse_query
from kb.tokenizer import use_vocabulary

QUERIES = [
    "贴息",
    "补助",
    "智能工厂",
    "绿色工厂",
    "技术改造",
    "首台套",
    "5G",
    "贴息 OR 补助",
    "奖励 NOT 补贴",
    "企业 支持",
    "(贴息 OR 补助) 企业",
    "支持 NOT (贴息 OR 补助)",
    "企业^2 补贴",
    "title:智能",
    "heading:目标 OR body:目标",
    "数字化转型 中小企业",
    "不存在的词汇甲乙",
    '"技术改造项目"',
    '"智能工厂" 支持',
    '"技术改造项目" NOT 贴息',
    '"支持 企业" OR 补助',
    '"企业 企业"',
    '"项目 技术改造"',
    "绿色工厂建设",  # ANDs of two words under an OR of many fields (whoosh's array union iterates them)
    '"绿色工厂" 建设',
]
FILTERS: list[dict[str, Any]] = [
    {},
    {"city": "成都"},
    {"has": ["funding"]},
    {"has": ["target"], "city": "重庆"},
    {"year": 2025},
    {"agency": "市财政局"},
    {"doc": "青岛"},
]


@pytest.fixture(scope="module")
def kb(corpus_kb: Path) -> Iterator[KnowledgeBase]:
    opened = open_kb(corpus_kb)
    use_vocabulary(opened.files.vocab)
    searcher = opened.searcher()
    searcher.weighting = index.LengthCachedBM25F()
    yield opened
    opened.close()


def whoosh_top(searcher: Any, query: q.Query, filt: q.Query | None, limit: int) -> list[tuple[float, int]]:
    return [(hit.score, hit.docnum) for hit in searcher.search(query, filter=filt, limit=None)][:limit]


def fast_top(searcher: Any, query: q.Query, filt: q.Query | None, limit: int) -> list[tuple[float, int]] | None:
    allow = ranking.allowed(searcher, filt) if filt is not None else None
    assert filt is None or allow is not None
    return ranking.top(searcher, query, limit, allow)


@pytest.mark.parametrize("matcher_type", [q.Or.AUTO_MATCHER, q.Or.DEFAULT_MATCHER], ids=["array-union", "union-tree"])
@pytest.mark.parametrize("text", QUERIES)
def test_same_hits_and_scores_as_whoosh(
    kb: KnowledgeBase, text: str, matcher_type: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a small index makes whoosh add OR scores in one array; a large one in a tree of union matchers
    monkeypatch.setattr(q.Or, "matcher_type", matcher_type)
    ranking.clear_cache()
    searcher = kb.searcher()
    query = parse_query(searcher, text)
    for limit in (1, 10, 200):
        assert fast_top(searcher, query, None, limit) == whoosh_top(searcher, query, None, limit), limit


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: ",".join(f"{k}={v}" for k, v in f.items()) or "none")
@pytest.mark.parametrize("text", ["支持 OR 企业 OR 补助", "贴息", "奖励 NOT 补贴", "企业 支持"])
def test_filtered_hits_are_whooshs(kb: KnowledgeBase, text: str, filters: dict[str, Any]) -> None:
    searcher = kb.searcher()
    query = parse_query(searcher, text)
    filt = _filters(
        kb, filters.get("city"), filters.get("doc"), filters.get("year"), filters.get("agency"), filters.get("has")
    )
    expected = whoosh_top(searcher, query, filt, 30)
    assert fast_top(searcher, query, filt, 30) == expected


@pytest.mark.parametrize(
    "make",
    [
        lambda s: parse_query(s, '"技术改造项目"'),
        lambda s: parse_query(s, '"智能工厂" 支持'),
        lambda s: q.Or([q.Prefix("body", "智能"), q.Term("title", "企业")]),
    ],
    ids=["phrase", "one-word-phrase", "prefix"],
)
def test_what_it_cannot_rank_is_left_to_whoosh(kb: KnowledgeBase, make: Any) -> None:
    searcher = kb.searcher()
    query = make(searcher)
    fast = ranking.top(searcher, query, 10)
    assert fast is None or fast == whoosh_top(searcher, query, None, 10)


def test_a_phrase_is_ranked_not_left_to_whoosh(kb: KnowledgeBase) -> None:
    searcher = kb.searcher()
    query = parse_query(searcher, '"技术改造项目"')
    fast = ranking.top(searcher, query, 10)
    assert fast and fast == whoosh_top(searcher, query, None, 10)


def test_a_phrase_with_slop_is_left_to_whoosh(kb: KnowledgeBase) -> None:
    searcher = kb.searcher()
    assert ranking.top(searcher, parse_query(searcher, '"技术改造 项目"~3'), 10) is None


def test_cached_and_decoded_posting_lists_rank_alike(kb: KnowledgeBase) -> None:
    searcher = kb.searcher()
    query = parse_query(searcher, "企业 OR 支持 OR 发展")
    ranking.clear_cache()
    cold = ranking.top(searcher, query, 50)
    assert cold and cold == ranking.top(searcher, query, 50)


def test_search_pages_are_whooshs(corpus_kb: Path, kb: KnowledgeBase) -> None:
    searcher = kb.searcher()
    expected = whoosh_top(searcher, parse_query(searcher, "企业 发展"), None, 8)
    hits = run_json("search", "企业 发展", "--limit", "8", "--kb", corpus_kb)
    stored = [searcher.stored_fields(docnum)["clause_id"] for _, docnum in expected]
    assert [h["clause_id"] for h in hits] == stored
    assert [h["score"] for h in hits] == [round(score, 3) for score, _ in expected]


WORDS = ["贴息", "补助", "企业", "智能", "工厂", "支持", "改造", "项目"]


def _clause(n: int) -> dict[str, Any]:
    """A clause with a varied mix of words, so lengths, weights and blocks differ."""
    words = [WORDS[(n * k + k) % len(WORDS)] for k in range(1 + n % 5)]
    return {
        "clause_id": f"c{n}",
        "doc_id": f"d{n % 7}",
        "title": "关于支持企业" + WORDS[n % 3],
        "heading": WORDS[n % 4] + "措施",
        "body": "，".join(words * (1 + n % 3)),
        "facts": WORDS[n % 2] if n % 3 == 0 else "",
        "city": "成都" if n % 2 else "重庆",
        "has_funding": n % 3 == 0,
    }


def segments(folder: Path, sizes: tuple[int, int, int]) -> Any:
    """An index of three segments of ``sizes`` clauses; the second commit deletes document d3's clauses."""
    ix = index.create(folder)
    start = 0
    for k, size in enumerate(sizes):
        w = index.writer(ix)
        for n in range(start, start + size):
            w.add_document(**_clause(n))
        if k == 1:
            w.delete_by_term("doc_id", "d3")
        w.commit(merge=False)
        start += size
    return ix


def test_several_segments_and_deleted_clauses_rank_as_whoosh(tmp_path: Path) -> None:
    ix = segments(tmp_path / "ix", (400, 300, 20))  # the last with inlined postings
    ranking.clear_cache()
    with ix.searcher(weighting=index.LengthCachedBM25F()) as searcher:
        assert len(searcher.leaf_searchers()) == 3
        for text in [
            "贴息",
            "企业 支持",
            "补助 OR 改造",
            "项目 NOT 贴息",
            "工厂^3 OR title:智能",
            '"贴息 补助"',
            '"支持 企业"',
        ]:
            query = parse_query(searcher, text)
            for filt in (None, q.Term("city", "成都"), q.And([q.Term("has_funding", True), q.Term("city", "重庆")])):
                assert fast_top(searcher, query, filt, 25) == whoosh_top(searcher, query, filt, 25), (text, filt)
