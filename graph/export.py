"""Write the policy graph for Gephi, Cytoscape (GraphML, GEXF) or a notebook (node-link JSON).

GraphML and GEXF hold only scalar attributes: a span becomes ``span_start``
and ``span_end``, other lists become JSON text, and missing values are left out.
Nodes also get a ``label`` so the tools show a readable name.
"""

from __future__ import annotations

import io
import json
from typing import Any

import networkx as nx

from graph.build import graph_to_data

FORMATS = ("graphml", "gexf", "json")


def _label(data: dict[str, Any]) -> str:
    kind = data.get("kind")
    if kind == "agency":
        return data.get("name") or ""
    if kind == "document":
        return data.get("title") or data.get("doc_id") or ""
    if kind == "task":
        return f"{data.get('number') or ''}{data.get('heading') or ''}"
    if kind == "target":
        return data.get("metric") or data.get("text") or ""
    if kind == "funding":
        return data.get("instrument") or data.get("text") or ""
    return ""


def _scalars(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if value is None:
            continue
        if key == "span" and isinstance(value, (list, tuple)) and len(value) == 2:
            out["span_start"], out["span_end"] = int(value[0]), int(value[1])
        elif isinstance(value, (list, tuple, dict)):
            out[key] = json.dumps(value, ensure_ascii=False)
        else:
            out[key] = value
    return out


def scalar_graph(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of ``g`` whose attributes are all scalars, with a ``label`` on every node."""
    flat = nx.MultiDiGraph()
    for node, data in g.nodes(data=True):
        flat.add_node(node, label=_label(data), **_scalars(data))
    for u, v, key, data in g.edges(keys=True, data=True):
        flat.add_edge(u, v, key=key, label=data.get("relation", ""), **_scalars(data))
    return flat


def export_graph(g: nx.MultiDiGraph, fmt: str) -> bytes:
    """The graph in ``fmt`` (graphml, gexf or json) as UTF-8 bytes."""
    if fmt == "json":
        return json.dumps(graph_to_data(g), ensure_ascii=False, indent=1).encode("utf-8")
    buffer = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml(scalar_graph(g), buffer, encoding="utf-8")
    elif fmt == "gexf":
        nx.write_gexf(scalar_graph(g), buffer, encoding="utf-8")
    else:
        raise ValueError(f"unknown graph format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return buffer.getvalue()
