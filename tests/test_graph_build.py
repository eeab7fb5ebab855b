"""build_graph turns documents into the nodes and edges the queries walk."""

from __future__ import annotations

import pytest
from test_graph_samples import sample_documents, span_of

from graph import build_graph, load_graph, save_graph


@pytest.fixture(scope="module")
def g():
    return build_graph(sample_documents())


def _edges(g, relation):
    return {(u, v) for u, v, data in g.edges(data=True) if data["relation"] == relation}


@pytest.mark.parametrize(
    ("relation", "edge"),
    [
        ("issued", ("agency:重庆市经济和信息化委员会", "doc:cq-0")),
        ("forwards", ("doc:cq-0", "doc:cq-1")),
        ("contains", ("doc:cq-1", "task:cq-1/s1")),
        ("contains", ("task:cq-1/s1", "task:cq-1/s1.1")),
        ("lead", ("agency:重庆市经济和信息化委员会", "task:cq-1/s1.1")),
        ("support", ("agency:重庆市财政局", "task:cq-1/s1.1")),
        ("responsible", ("agency:青岛市财政局", "task:qd-1/s2")),
        ("sets", ("task:cq-1/s1.1", "target:cq-1/1")),
        ("grants", ("task:cq-1/s2", "funding:cq-1/1")),
        ("cites", ("doc:cq-1", "doc:mit-1")),  # resolved by title
        ("cites", ("doc:qd-1", "doc:mit-1")),  # resolved by 文号
    ],
)
def test_edge_present(g, relation, edge):
    assert edge in _edges(g, relation)


def test_subtask_is_not_contained_directly_by_document(g):
    assert ("doc:cq-1", "task:cq-1/s1.1") not in _edges(g, "contains")


def test_agency_keeps_every_written_form_and_jurisdiction(g):
    node = g.nodes["agency:重庆市经济和信息化委员会"]
    assert node["kind"] == "agency"
    assert node["jurisdiction"] == "重庆市"
    assert "市经济信息委" in node["written_as"]


def test_fact_nodes_keep_text_and_span(g):
    target = g.nodes["target:cq-1/1"]
    assert target["text"] == "到2027年，新增绿色工厂100家"
    assert target["span"] == list(span_of("到2027年，新增绿色工厂100家"))
    assert g.nodes["funding:qd-1/1"]["instrument"] == "贴息"


def test_unresolved_citation_is_kept_on_the_document(g):
    assert g.nodes["doc:cq-1"]["cites_unresolved"] == ["《不在库中的文件》 国发〔2020〕1号"]


def test_build_is_pure_and_stable():
    docs = sample_documents()
    assert sorted(build_graph(docs).nodes) == sorted(build_graph(docs).nodes)


def test_save_then_load_round_trips(g, tmp_path):
    path = tmp_path / "kb" / "graph.json"
    save_graph(g, path)
    back = load_graph(path)
    assert sorted(back.nodes) == sorted(g.nodes)
    assert back.number_of_edges() == g.number_of_edges()
    assert back.nodes["task:cq-1/s1.1"]["heading"] == "建设绿色工厂"


@pytest.mark.parametrize("content", [None, "{not json", '{"nodes": 3}'])
def test_missing_or_damaged_graph_is_a_clear_error(tmp_path, content):
    from model import KnowledgeBaseError

    path = tmp_path / "graph.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match="policykb build"):
        load_graph(path)


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json"])
def test_export_reads_back_with_every_node(g, fmt, tmp_path):
    import json

    import networkx as nx

    from graph.export import export_graph

    path = tmp_path / f"g.{fmt}"
    path.write_bytes(export_graph(g, fmt))
    if fmt == "json":
        back = nx.node_link_graph(json.loads(path.read_text(encoding="utf-8")), edges="edges")
    else:
        back = getattr(nx, f"read_{fmt}")(path)
    assert set(map(str, back.nodes)) == set(g.nodes)
    assert back.number_of_edges() == g.number_of_edges()


def test_graphml_flattens_spans_and_lists(g):
    from graph.export import scalar_graph

    flat = scalar_graph(g)
    target = flat.nodes["target:cq-1/1"]
    assert (target["span_start"], target["span_end"]) == span_of("到2027年，新增绿色工厂100家")
    assert target["label"] == "新增绿色工厂"
    assert flat.nodes["agency:重庆市经济和信息化委员会"]["written_as"] == '["重庆市经济和信息化委员会", "市经济信息委"]'


def test_a_notice_naming_the_plan_it_forwards_is_not_a_citation():
    from model import Citation

    docs = sample_documents()
    notice = next(d for d in docs if d.id == "cq-0")
    notice.citations = [Citation("重庆市绿色制造行动方案（2025—2027年）", None, (3, 8))]
    g = build_graph(docs)
    assert ("doc:cq-0", "doc:cq-1") in _edges(g, "forwards")
    assert ("doc:cq-0", "doc:cq-1") not in _edges(g, "cites")
