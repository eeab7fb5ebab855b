"""who / duties from the store's tables (kb.task_tables) give the graph's answers, and read 财政局 --city 郑州."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract.agencies import canonical_agency
from graph import queries as gq
from kb import queries, task_tables
from kb.knowledge_base import KnowledgeBase
from model import KnowledgeBaseError


@pytest.fixture(scope="module")
def kb(corpus_kb: Path):
    with KnowledgeBase(corpus_kb) as opened:
        yield opened


def _graph_answer(call, *args):
    try:
        return call(*args)
    except KnowledgeBaseError as exc:
        return f"error: {exc}"


# Several words: each may sit in a different subsection of the task that answers (the index holds each
# section's own text; the tables walk up from it).
MULTI = ["数字化 转型", "技术改造 资金 牵头", "企业 补助", "绿色 智能 改造"]


@pytest.mark.parametrize("city", [None, "重庆", "青岛"])
@pytest.mark.parametrize("query", ["绿色工厂", "智能化改造", "贴息", "融资", "5G", *MULTI, "没有这样的词语组合"])
def test_who_from_tables_is_who_from_the_graph(kb, query, city):
    g = kb.graph()
    assert task_tables.has_tables(kb.conn)
    expected_tasks = gq.find_tasks(g, query, city, kb.source_text)
    tasks, found = task_tables.find_tasks(kb.conn, query, city)
    assert [t.node for t in found] == expected_tasks
    for shown in (None, 1, 3):
        expected = _counted(gq.who(g, expected_tasks), shown)
        assert task_tables.who(kb.conn, tasks, found, shown) == expected
        assert task_tables.who_matching(kb.conn, query, city, shown) == (expected if found else None)


def _counted(rows, shown):
    """graph.queries.who's rows as the tables give them: with task_count, and the first ``shown`` tasks."""
    return [{**row, "task_count": len(row["tasks"]), "tasks": row["tasks"][:shown]} for row in rows]


@pytest.mark.parametrize("city", [None, "重庆", "青岛"])
@pytest.mark.parametrize("role", [None, "lead"])
@pytest.mark.parametrize("name", ["市财政局", "青岛市财政局", "市经济信息委", "市发展改革委", "市财政", "不存在局"])
def test_duties_from_tables_are_duties_from_the_graph(kb, name, city, role):
    g = kb.graph()

    def from_graph():
        return gq.duties(g, gq.resolve_agency(g, name, city, canonical_agency), city, role)

    def from_tables(limit):
        agencies = task_tables.resolve_agency(kb.conn, name, city, canonical_agency)
        return task_tables.duties(kb.conn, agencies, city, role, limit)

    expected = _graph_answer(from_graph)
    assert _graph_answer(from_tables, None) == expected
    page = _graph_answer(from_tables, 5)
    if isinstance(expected, list):
        assert page == expected[:5] and page.total == len(expected)
    else:
        assert page == expected


@pytest.mark.parametrize(
    ("name", "city", "agency"), [("财政局", "青岛", "青岛市财政局"), ("财政局", "重庆市", "重庆市财政局")]
)
def test_a_unit_written_without_its_place_is_the_citys_unit(kb, name, city, agency):
    rows = queries.duties(kb, name, city)
    assert rows and {r["agency"] for r in rows} == {agency}


def test_an_unknown_unit_without_place_still_suggests_names(kb):
    with pytest.raises(KnowledgeBaseError, match="did you mean"):
        queries.duties(kb, "财政厅局", "青岛")


def _chains_from_graph(kb, query, city):
    g = kb.graph()
    try:
        return gq.chain(g, query, city, kb.source_text, canonical_agency)
    except KnowledgeBaseError as exc:
        return f"error: {exc}"


@pytest.mark.parametrize("city", [None, "重庆"])
@pytest.mark.parametrize(
    "query", ["绿色工厂", "智能化改造", "市财政局", "市经济信息委", "数字化 转型", "没有这样的词语组合"]
)
def test_chain_from_tables_is_chain_from_the_graph(kb, query, city):
    from kb import chain_tables

    assert _graph_answer(chain_tables.chain, kb.conn, query, city, canonical_agency) == _chains_from_graph(
        kb, query, city
    )


def test_chain_of_every_task_and_document_id(kb):
    from kb import chain_tables

    g = kb.graph()
    nodes = [n for n, d in g.nodes(data=True) if d.get("kind") in ("task", "document")]
    assert len(nodes) > 100
    assert [chain_tables.chain_of(kb.conn, n) for n in nodes] == [gq.chain_of_task(g, n) for n in nodes]
    assert chain_tables.chain_of(kb.conn, "task:no-such/s1") is None
