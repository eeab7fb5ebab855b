"""The graph answers who / duties / chain / targets / funding on small hand-built documents."""

from __future__ import annotations

import pytest
from test_graph_samples import CQ_TEXT, sample_documents

from graph import build_graph
from graph import queries as q
from model import KnowledgeBaseError


@pytest.fixture(scope="module")
def g():
    return build_graph(sample_documents())


def text_of(doc_id):
    return CQ_TEXT if doc_id == "cq-1" else None


@pytest.mark.parametrize(
    ("jurisdiction", "city", "expected"),
    [
        ("重庆市", "重庆", True),
        ("重庆市", "重庆市", True),
        ("重庆市", None, True),
        ("青岛市", "重庆", False),
        (None, "重庆", False),
    ],
)
def test_city_matches(jurisdiction, city, expected):
    assert q.city_matches(jurisdiction, city) is expected


@pytest.mark.parametrize(
    ("query", "city", "use_text", "expected"),
    [
        ("绿色工厂", None, False, ["task:cq-1/s1.1"]),  # heading; the parent 一、绿色转型 is left out
        ("绿色工厂 100家", None, True, ["task:cq-1/s1.1"]),  # words from the task text
        ("绿色工厂 100家", None, False, []),  # without source text only headings match
        ("资金", "青岛", False, ["task:qd-1/s2"]),
        ("资金", "重庆", False, ["task:cq-1/s2"]),
    ],
)
def test_find_tasks(g, query, city, use_text, expected):
    assert q.find_tasks(g, query, city, text_of if use_text else None) == expected


def test_find_tasks_needs_words(g):
    with pytest.raises(KnowledgeBaseError):
        q.find_tasks(g, "  ")


def test_who_groups_units_by_agency_and_role(g):
    rows = q.who(g, ["task:cq-1/s1.1"])
    assert [(r["agency"], r["role"]) for r in rows] == [
        ("重庆市经济和信息化委员会", "lead"),
        ("重庆市财政局", "support"),
    ]
    assert rows[0]["tasks"][0]["section"] == "（一）建设绿色工厂"
    assert rows[0]["as_written"] == ["市经济信息委"]


def test_who_inherits_units_from_the_enclosing_task(g):
    import networkx as nx

    h = nx.MultiDiGraph(g)
    h.add_node("task:cq-1/s1.1.1", kind="task", doc_id="cq-1", number="1.", heading="子任务", level=3, span=[10, 20])
    h.add_edge("task:cq-1/s1.1", "task:cq-1/s1.1.1", relation="contains")
    rows = q.who(h, ["task:cq-1/s1.1.1"])
    assert {r["agency"] for r in rows} == {"重庆市经济和信息化委员会", "重庆市财政局"}
    assert rows[0]["tasks"][0]["inherited_from"] == "（一）建设绿色工厂"


@pytest.mark.parametrize(
    ("name", "city", "expected"),
    [
        ("青岛市财政局", None, ["agency:青岛市财政局"]),
        ("市财政局", "青岛", ["agency:青岛市财政局"]),
        ("市财政局", None, ["agency:重庆市财政局", "agency:青岛市财政局"]),
        ("市经济信息委", "重庆", ["agency:重庆市经济和信息化委员会"]),
    ],
)
def test_resolve_agency(g, name, city, expected):
    assert q.resolve_agency(g, name, city) == expected


def test_resolve_agency_uses_the_canonical_name_function(g):
    def canonical(written, jurisdiction):
        return ("重庆市财政局", "重庆市") if written == "财政局" else (written, jurisdiction)

    assert q.resolve_agency(g, "财政局", "重庆", canonical) == ["agency:重庆市财政局"]


def test_unknown_agency_suggests_close_names(g):
    with pytest.raises(KnowledgeBaseError, match="青岛市财政局"):
        q.resolve_agency(g, "青岛财政局", "青岛")


def test_duties_of_an_agency_in_a_city(g):
    rows = q.duties(g, q.resolve_agency(g, "市财政局", "青岛"), city="青岛")
    assert [(r["task"], r["role"]) for r in rows] == [("task:qd-1/s2", "responsible")]
    assert rows[0]["title"] == "青岛市技术改造工作方案"


@pytest.mark.parametrize(("role", "count"), [(None, 2), ("responsible", 2), ("lead", 0)])
def test_duties_role_filter(g, role, count):
    assert len(q.duties(g, ["agency:青岛市工业和信息化局"], role=role)) == count


def test_chain_of_a_task_has_issuer_forwarding_units_and_citations(g):
    [c] = q.chain(g, "建设绿色工厂")
    assert c["document"]["title"].startswith("重庆市绿色制造行动方案")
    assert c["forwarded_by"]["issuers"] == ["重庆市经济和信息化委员会"]
    assert c["units"] == {"lead": ["重庆市经济和信息化委员会"], "support": ["重庆市财政局"]}
    assert c["section_path"] == ["一、绿色转型", "（一）建设绿色工厂"]
    assert [d["doc_id"] for d in c["cites"]] == ["mit-1"]
    assert c["cites"][0]["issuers"] == ["工业和信息化部", "财政部"]


def test_chain_of_an_agency_covers_its_tasks(g):
    chains = q.chain(g, "市财政局", city="青岛")
    assert [c["task"] for c in chains] == ["task:qd-1/s2"]


def test_chain_of_nothing_is_a_clear_error(g):
    with pytest.raises(KnowledgeBaseError, match="no task or agency"):
        q.chain(g, "不存在的事情")


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, ["target:cq-1/1", "target:qd-1/1"]),
        ({"city": "重庆"}, ["target:cq-1/1"]),
        ({"year": 2026}, ["target:qd-1/1"]),
        ({"metric": "绿色工厂"}, ["target:cq-1/1"]),
        ({"metric": "技改 10%"}, ["target:qd-1/1"]),
    ],
)
def test_targets_filters(g, kwargs, expected):
    assert sorted(r["id"] for r in q.targets(g, **kwargs)) == expected


def test_sample_spans_index_the_text():
    from test_graph_samples import CQ_TEXT

    [doc] = [d for d in sample_documents() if d.id == "cq-1"]
    for fact in [*doc.targets, *doc.funding]:
        assert CQ_TEXT[fact.span[0] : fact.span[1]] == fact.text


def test_target_row_carries_title_section_and_source_text(g):
    [row] = q.targets(g, city="重庆")
    assert row["section"] == "（一）建设绿色工厂"
    assert row["title"] == "重庆市绿色制造行动方案（2025—2027年）"
    assert row["text"] == "到2027年，新增绿色工厂100家"


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, ["funding:cq-1/1", "funding:qd-1/1"]),
        ({"instrument": "贴息"}, ["funding:qd-1/1"]),
        ({"min_cap": 3_000_000}, ["funding:qd-1/1"]),
        ({"year": 2025, "city": "重庆"}, ["funding:cq-1/1"]),
        ({"year": 2019}, []),
    ],
)
def test_funding_filters(g, kwargs, expected):
    assert sorted(r["id"] for r in q.funding(g, **kwargs)) == expected


@pytest.mark.parametrize(
    ("doc", "offset", "expected"),
    [("cq-1", 3, "task:cq-1/s1"), ("cq-1", 30, "task:cq-1/s1.1"), ("cq-1", 65, "task:cq-1/s2"), ("nope", 1, None)],
)
def test_task_at_gives_the_innermost_task(g, doc, offset, expected):
    assert q.task_at(g, doc, offset) == expected
