"""Build the policy graph from extracted documents, and keep it on disk.

The graph is a ``networkx.MultiDiGraph`` whose node ids are stable across
builds, so a user (or a notebook) can look a node up by name:

- ``agency:<canonical name>``  kind="agency": name, jurisdiction, written_as
- ``doc:<document id>``        kind="document": title, doc_number, date, jurisdiction…
- ``task:<doc id>/<section id>`` kind="task": number, heading, level, span
- ``target:<doc id>/<n>``      kind="target": metric, value, unit, text, span…
- ``funding:<doc id>/<n>``     kind="funding": instrument, rate, cap, text, span…

Every edge has ``relation``: issued (agency → document), forwards (notice →
plan), contains (document → task, task → subtask), lead / support / implement
/ responsible (agency → task, or → document when the unit governs the whole
document), sets (task → target), grants (task → funding), cites (document →
document). Spans are stored as ``[start, end]`` lists; fact nodes keep their
source text so a user can go back to the sentence.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import networkx as nx

from extract.agencies import canonical_agency
from model import Document, Funding, KnowledgeBaseError, Target

ROLES = ("lead", "support", "implement", "responsible")


def agency_id(name: str) -> str:
    return f"agency:{name}"


def doc_id(document_id: str) -> str:
    return f"doc:{document_id}"


def task_id(document_id: str, section_id: str) -> str:
    return f"task:{document_id}/{section_id}"


def _year(date: str | None) -> int | None:
    match = re.match(r"(\d{4})", date or "")
    return int(match.group(1)) if match else None


def _normal_number(number: str) -> str:
    """A 文号 in one spelling: no spaces, every kind of year bracket as 〔〕."""
    number = re.sub(r"\s+", "", number)
    return re.sub(r"[\[［(（【]", "〔", re.sub(r"[\]］)）】]", "〕", number))


def _normal_title(title: str) -> str:
    return re.sub(r"[\s《》〈〉“”\"]", "", title)


def _add_agency(g: nx.MultiDiGraph, name: str, jurisdiction: str | None, written: str) -> str:
    node = agency_id(name)
    if node not in g:
        g.add_node(node, kind="agency", name=name, jurisdiction=jurisdiction, written_as=[])
    data = g.nodes[node]
    if data.get("jurisdiction") is None and jurisdiction:
        data["jurisdiction"] = jurisdiction
    if written and written not in data["written_as"]:
        data["written_as"].append(written)
    return node


def _add_document(g: nx.MultiDiGraph, doc: Document) -> str:
    node = doc_id(doc.id)
    g.add_node(
        node,
        kind="document",
        doc_id=doc.id,
        title=doc.title,
        doc_number=doc.doc_number,
        date=doc.date,
        year=_year(doc.date),
        jurisdiction=doc.jurisdiction,
        doc_type=doc.doc_type,
        issuers=list(doc.issuers),
        span=list(doc.span),
        cites_unresolved=[],
    )
    return node


def _add_sections(g: nx.MultiDiGraph, doc: Document) -> None:
    parent_node = doc_id(doc.id)
    for section in doc.sections:
        g.add_node(
            task_id(doc.id, section.id),
            kind="task",
            doc_id=doc.id,
            section_id=section.id,
            number=section.number,
            heading=section.heading,
            level=section.level,
            jurisdiction=doc.jurisdiction,
            span=list(section.span),
        )
    for section in doc.sections:
        source = task_id(doc.id, section.parent) if section.parent else parent_node
        if source not in g:
            source = parent_node
        g.add_edge(source, task_id(doc.id, section.id), relation="contains")


def _owner(doc: Document, section: str | None) -> str:
    """The task a fact belongs to, or the document when it sits outside every section."""
    return task_id(doc.id, section) if section else doc_id(doc.id)


def _fact_attributes(kind: str, document_id: str, fact: Target | Funding) -> dict[str, Any]:
    """A fact node's attributes: its kind and document, then the fact's fields (section as section_id)."""
    fields = asdict(fact)
    fields.pop("section")
    fields["span"] = list(fact.span)
    return {"kind": kind, "doc_id": document_id, "section_id": fact.section, **fields}


def _add_facts(g: nx.MultiDiGraph, doc: Document) -> None:
    for resp in doc.responsibilities:
        owner = _owner(doc, resp.section)
        agency = _add_agency(g, resp.agency, resp.jurisdiction, resp.as_written)
        g.add_edge(agency, owner, relation=resp.role, as_written=resp.as_written, span=list(resp.span))
    facts: list[tuple[str, str, Sequence[Target | Funding]]] = [
        ("target", "sets", doc.targets),
        ("funding", "grants", doc.funding),
    ]
    for kind, relation, found in facts:
        for n, fact in enumerate(found, start=1):
            node = f"{kind}:{doc.id}/{n}"
            g.add_node(node, **_fact_attributes(kind, doc.id, fact))
            g.add_edge(_owner(doc, fact.section), node, relation=relation)


def _add_issuers(g: nx.MultiDiGraph, doc: Document) -> None:
    for written in doc.issuers:
        name, jurisdiction = canonical_agency(written, doc.jurisdiction)
        g.add_edge(_add_agency(g, name, jurisdiction, written), doc_id(doc.id), relation="issued")


def _add_citations(g: nx.MultiDiGraph, documents: list[Document]) -> None:
    """cites edges to documents in the set; a notice naming the plan it forwards is a forwards edge, not a citation."""
    by_number = {_normal_number(d.doc_number): d.id for d in documents if d.doc_number}
    by_title = {_normal_title(d.title): d.id for d in documents if d.title}
    forwarded = {(d.forwarded_by, d.id) for d in documents if d.forwarded_by}
    for doc in documents:
        for citation in doc.citations:
            cited = None
            if citation.doc_number:
                cited = by_number.get(_normal_number(citation.doc_number))
            if cited is None and citation.title:
                cited = by_title.get(_normal_title(citation.title))
            if cited is not None and (doc.id, cited) in forwarded:
                continue
            if cited is not None and cited != doc.id:
                g.add_edge(
                    doc_id(doc.id),
                    doc_id(cited),
                    relation="cites",
                    title=citation.title,
                    doc_number=citation.doc_number,
                    span=list(citation.span),
                )
            elif cited is None:
                written = " ".join(p for p in (citation.title, citation.doc_number) if p)
                if written and written not in g.nodes[doc_id(doc.id)]["cites_unresolved"]:
                    g.nodes[doc_id(doc.id)]["cites_unresolved"].append(written)


def build_graph(documents: list[Document]) -> nx.MultiDiGraph:
    """The graph of documents, agencies, tasks, targets and funding clauses (a pure function)."""
    g = nx.MultiDiGraph()
    for doc in documents:
        _add_document(g, doc)
    for doc in documents:
        _add_sections(g, doc)
        _add_facts(g, doc)
        _add_issuers(g, doc)
        if doc.forwarded_by and doc_id(doc.forwarded_by) in g:
            g.add_edge(doc_id(doc.forwarded_by), doc_id(doc.id), relation="forwards")
    _add_citations(g, documents)
    return g


def graph_to_data(g: nx.MultiDiGraph) -> dict[str, Any]:
    """The node-link JSON form of the graph (what ``graph export --format json`` writes)."""
    return nx.node_link_data(g, edges="edges")


def save_graph(g: nx.MultiDiGraph, path: str | Path) -> None:
    """Write the graph as node-link JSON, atomically (a reader never sees half a file)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(graph_to_data(g), handle, ensure_ascii=False)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_graph(path: str | Path) -> nx.MultiDiGraph:
    """Read a graph written by :func:`save_graph`."""
    path = Path(path)
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        return nx.node_link_graph(data, directed=True, multigraph=True, edges="edges")
    except FileNotFoundError:
        raise KnowledgeBaseError(f"no graph at {path}; run `policykb build` to rebuild the knowledge base") from None
    except (ValueError, KeyError, TypeError) as exc:
        message = f"the graph at {path} is damaged ({exc}); run `policykb build` to rebuild it"
        raise KnowledgeBaseError(message) from None
