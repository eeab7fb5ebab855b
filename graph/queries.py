"""Questions the policy graph answers: who is responsible, an agency's duties, chains, fact lists.

Every function returns plain data (dicts and lists, JSON-ready); the CLI
turns them into tables. Nothing here reads files: section text, when a match
needs it, comes from a ``text_of(doc_id) -> str`` the caller passes.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from typing import Any

import networkx as nx

from extract.agencies import city_matches
from graph.build import ROLES
from model import KnowledgeBaseError

ROLE_LABELS = {"lead": "牵头", "support": "配合", "implement": "落实", "responsible": "负责"}
ROLE_ORDER = {role: n for n, role in enumerate(ROLES)}

TextOf = Callable[[str], str | None]


# --------------------------------------------------------------------------- helpers


def _nodes(g: nx.MultiDiGraph, kind: str) -> Iterable[tuple[str, dict[str, Any]]]:
    return ((node, data) for node, data in g.nodes(data=True) if data.get("kind") == kind)


def _document(g: nx.MultiDiGraph, doc_id: str) -> dict[str, Any]:
    return g.nodes.get(f"doc:{doc_id}", {})


def section_label(data: dict[str, Any]) -> str:
    """``（四）推动绿色安全改造`` for a task node; empty for a document."""
    if data.get("kind") != "task":
        return ""
    number = data.get("number") or ""
    separator = "、" if number and not number.startswith(("（", "(")) and not number.endswith(".") else ""
    return f"{number}{separator}{data.get('heading') or ''}"


def _task_info(g: nx.MultiDiGraph, node: str) -> dict[str, Any]:
    """The document and section a task (or document-level) node stands for."""
    data = g.nodes[node]
    doc = data if data.get("kind") == "document" else _document(g, data.get("doc_id", ""))
    return {
        "task": node,
        "doc_id": doc.get("doc_id"),
        "title": doc.get("title"),
        "jurisdiction": doc.get("jurisdiction"),
        "section": section_label(data),
        "heading": data.get("heading"),
        "span": data.get("span"),
    }


def _parent_task(g: nx.MultiDiGraph, node: str) -> str | None:
    for parent, _, rel in g.in_edges(node, data="relation"):
        if rel == "contains":
            return parent
    return None


def _role_edges(g: nx.MultiDiGraph, node: str) -> list[tuple[str, dict[str, Any]]]:
    return [(agency, data) for agency, _, data in g.in_edges(node, data=True) if data.get("relation") in ROLE_LABELS]


def responsible_units(g: nx.MultiDiGraph, task: str) -> tuple[str, list[tuple[str, dict[str, Any]]]]:
    """The units named for ``task``; a task with none inherits them from the nearest enclosing task.

    Returns the node the units were read from and its (agency node, edge data) pairs.
    """
    node: str | None = task
    while node is not None and g.nodes[node].get("kind") == "task":
        edges = _role_edges(g, node)
        if edges:
            return node, edges
        node = _parent_task(g, node)
    return task, []


# --------------------------------------------------------------------------- finding tasks


def task_text(g: nx.MultiDiGraph, task: str, text_of: TextOf | None) -> str:
    """The heading of a task plus, when ``text_of`` gives the source, the text of its span."""
    data = g.nodes[task]
    heading = data.get("heading") or ""
    if text_of is None:
        return heading
    source = text_of(data["doc_id"])
    if not source:
        return heading
    start, end = data["span"]
    return heading + "\n" + source[start:end]


def find_tasks(g: nx.MultiDiGraph, query: str, city: str | None = None, text_of: TextOf | None = None) -> list[str]:
    """Task nodes whose heading or text contains every word of ``query`` (innermost matches only).

    A task whose subtask also matches is left out, so the answer names the
    most specific task that talks about the words.
    """
    words = query.split()
    if not words:
        raise KnowledgeBaseError("give the words to look for, e.g. policykb who 绿色工厂")
    matched = []
    for node, data in _nodes(g, "task"):
        if not city_matches(data.get("jurisdiction"), city):
            continue
        text = task_text(g, node, text_of)
        if all(word in text for word in words):
            matched.append(node)
    chosen = set(matched)
    for node in matched:
        parent = _parent_task(g, node)
        while parent is not None and g.nodes[parent].get("kind") == "task":
            chosen.discard(parent)
            parent = _parent_task(g, parent)
    return sort_tasks(g, chosen)


def task_at(g: nx.MultiDiGraph, doc_id: str, offset: int) -> str | None:
    """The innermost numbered task of document ``doc_id`` whose span holds ``offset``."""
    best: tuple[int, str] | None = None
    for node in g.successors(f"doc:{doc_id}") if f"doc:{doc_id}" in g else ():
        stack = [node]
        while stack:
            current = stack.pop()
            data = g.nodes[current]
            if data.get("kind") != "task":
                continue
            start, end = data["span"]
            if start <= offset < end:
                if data.get("number") and (best is None or data["level"] >= best[0]):
                    best = (data["level"], current)
                stack.extend(g.successors(current))
    return best[1] if best else None


def sort_tasks(g: nx.MultiDiGraph, tasks: Iterable[str]) -> list[str]:
    """Tasks in reading order: by document title, then position in the text."""

    def key(node: str) -> tuple[str, int]:
        data = g.nodes[node]
        doc = data if data.get("kind") == "document" else _document(g, data.get("doc_id", ""))
        return (doc.get("title") or "", (data.get("span") or [0])[0])

    return sorted(tasks, key=key)


# --------------------------------------------------------------------------- who


def who(g: nx.MultiDiGraph, tasks: list[str]) -> list[dict[str, Any]]:
    """The units responsible for ``tasks``, one row per (agency, role), each with its tasks."""
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for task in tasks:
        source, edges = responsible_units(g, task)
        for agency, edge in edges:
            key = (agency, edge["relation"])
            if key not in groups:
                agency_data = g.nodes[agency]
                groups[key] = {
                    "agency": agency_data["name"],
                    "jurisdiction": agency_data.get("jurisdiction"),
                    "role": edge["relation"],
                    "role_label": ROLE_LABELS[edge["relation"]],
                    "as_written": [],
                    "tasks": [],
                }
            row = groups[key]
            if edge.get("as_written") and edge["as_written"] not in row["as_written"]:
                row["as_written"].append(edge["as_written"])
            info = _task_info(g, task)
            info["inherited_from"] = None if source == task else section_label(g.nodes[source])
            if info not in row["tasks"]:
                row["tasks"].append(info)
    per_agency: dict[str, int] = {}
    first_role: dict[str, int] = {}  # with as many tasks, the units that lead come before those that support
    for row in groups.values():
        per_agency[row["agency"]] = per_agency.get(row["agency"], 0) + len(row["tasks"])
        first_role[row["agency"]] = min(first_role.get(row["agency"], 99), ROLE_ORDER[row["role"]])
    return sorted(
        groups.values(),
        key=lambda r: (-per_agency[r["agency"]], first_role[r["agency"]], r["agency"], ROLE_ORDER[r["role"]]),
    )


# --------------------------------------------------------------------------- duties


def resolve_agency(
    g: nx.MultiDiGraph,
    name: str,
    city: str | None = None,
    canonical: Callable[[str, str | None], tuple[str, str | None]] | None = None,
) -> list[str]:
    """Agency nodes ``name`` stands for: a full name, or any form it was written as (in ``city``).

    An unknown name raises KnowledgeBaseError listing the closest known names.
    """
    name = name.strip()
    if f"agency:{name}" in g:
        return [f"agency:{name}"]
    if canonical is not None:
        full, _ = canonical(name, city)
        if f"agency:{full}" in g:
            return [f"agency:{full}"]
    found = [
        node
        for node, data in _nodes(g, "agency")
        if name in data.get("written_as", []) and city_matches(data.get("jurisdiction"), city)
    ]
    if found:
        return sorted(found)
    known: set[str] = set()
    for _, data in _nodes(g, "agency"):
        if city_matches(data.get("jurisdiction"), city):
            known.add(data["name"])
            known.update(data.get("written_as", []))
    close = difflib.get_close_matches(name, sorted(known), n=5, cutoff=0.4)
    where = f" in {city}" if city else ""
    hint = f"; did you mean: {'、'.join(close)}" if close else "; check the name, or leave out --city"
    raise KnowledgeBaseError(f"no agency called {name!r}{where} in the knowledge base{hint}")


def duties(g: nx.MultiDiGraph, agencies: list[str], city: str | None = None, role: str | None = None):
    """Every task the agencies are named for, one row per (agency, role, task), in reading order."""
    rows = []
    for agency in agencies:
        agency_data = g.nodes[agency]
        for _, target, edge in g.out_edges(agency, data=True):
            relation = edge.get("relation")
            if relation not in ROLE_LABELS or (role and relation != role):
                continue
            info = _task_info(g, target)
            if not city_matches(info["jurisdiction"], city):
                continue
            rows.append(
                {
                    "agency": agency_data["name"],
                    "role": relation,
                    "role_label": ROLE_LABELS[relation],
                    "as_written": edge.get("as_written"),
                    "unit_span": edge.get("span"),
                    **info,
                }
            )
    order = {task: n for n, task in enumerate(sort_tasks(g, {r["task"] for r in rows}))}
    rows.sort(key=lambda r: (ROLE_ORDER[r["role"]], order[r["task"]], r["agency"]))
    seen: set[tuple[str, str, str]] = set()
    unique = []
    for row in rows:
        key = (row["agency"], row["role"], row["task"])
        if key not in seen:
            seen.add(key)
            unique.append(row)
    return unique


# --------------------------------------------------------------------------- chain


def _doc_summary(g: nx.MultiDiGraph, doc_node: str) -> dict[str, Any]:
    data = g.nodes[doc_node]
    issuers = [g.nodes[a]["name"] for a, _, rel in g.in_edges(doc_node, data="relation") if rel == "issued"]
    return {
        "doc_id": data.get("doc_id"),
        "title": data.get("title"),
        "doc_number": data.get("doc_number"),
        "date": data.get("date"),
        "issuers": issuers or list(data.get("issuers") or []),
    }


def _cited_upward(g: nx.MultiDiGraph, doc_node: str, seen: set[str]) -> list[dict[str, Any]]:
    """The documents ``doc_node`` cites, each with the documents those cite in turn."""
    cited = []
    for _, target, rel in g.out_edges(doc_node, data="relation"):
        if rel == "cites" and target not in seen:
            seen.add(target)
            summary = _doc_summary(g, target)
            summary["cites"] = _cited_upward(g, target, seen)
            cited.append(summary)
    return cited


def _forwarding_notice(g: nx.MultiDiGraph, doc_node: str) -> dict[str, Any] | None:
    for source, _, rel in g.in_edges(doc_node, data="relation"):
        if rel == "forwards":
            return _doc_summary(g, source)
    return None


def _task_path(g: nx.MultiDiGraph, task: str) -> list[str]:
    path = []
    node: str | None = task
    while node is not None and g.nodes[node].get("kind") == "task":
        path.append(section_label(g.nodes[node]))
        node = _parent_task(g, node)
    return list(reversed(path))


def chain_of_task(g: nx.MultiDiGraph, task: str) -> dict[str, Any]:
    """Issuer → document (→ forwarding notice) → task → lead/support/implement units, and citations upward."""
    data = g.nodes[task]
    doc_node = task if data.get("kind") == "document" else f"doc:{data['doc_id']}"
    source, edges = responsible_units(g, task)
    units: dict[str, list[str]] = {role: [] for role in ROLES}
    for agency, edge in sorted(edges, key=lambda e: (e[1].get("span") or [0])[0]):
        name = g.nodes[agency]["name"]
        if name not in units[edge["relation"]]:
            units[edge["relation"]].append(name)
    document = _doc_summary(g, doc_node)
    return {
        "task": task,
        "section_path": _task_path(g, task),
        "document": document,
        "forwarded_by": _forwarding_notice(g, doc_node),
        "units": {role: names for role, names in units.items() if names},
        "units_from": None if source == task else section_label(g.nodes[source]),
        "cites": _cited_upward(g, doc_node, {doc_node}),
        "cites_unresolved": list(g.nodes[doc_node].get("cites_unresolved") or []),
    }


def chain(
    g: nx.MultiDiGraph,
    query: str,
    city: str | None = None,
    text_of: TextOf | None = None,
    canonical: Callable[[str, str | None], tuple[str, str | None]] | None = None,
) -> list[dict[str, Any]]:
    """Chains for a task id, an agency (its tasks) or the tasks whose words match ``query``."""
    if query in g and g.nodes[query].get("kind") in ("task", "document"):
        return [chain_of_task(g, query)]
    try:
        agencies = resolve_agency(g, query, city, canonical)
    except KnowledgeBaseError:
        agencies = []
    if agencies:
        tasks = sort_tasks(g, {row["task"] for row in duties(g, agencies, city)})
    else:
        tasks = find_tasks(g, query, city, text_of)
    if not tasks:
        raise KnowledgeBaseError(f"no task or agency matches {query!r}; try fewer words, or an agency's name")
    return [chain_of_task(g, task) for task in tasks]


# --------------------------------------------------------------------------- fact lists


def _fact_rows(g: nx.MultiDiGraph, kind: str, city: str | None) -> list[dict[str, Any]]:
    rows = []
    for node, data in _nodes(g, kind):
        doc = _document(g, data.get("doc_id", ""))
        if not city_matches(doc.get("jurisdiction"), city):
            continue
        section_node = f"task:{data['doc_id']}/{data['section_id']}" if data.get("section_id") else None
        section = section_label(g.nodes[section_node]) if section_node in g else ""
        row = {key: value for key, value in data.items() if key != "kind"}
        row.update(
            id=node,
            title=doc.get("title"),
            jurisdiction=doc.get("jurisdiction"),
            doc_year=doc.get("year"),
            section=section,
        )
        rows.append(row)
    rows.sort(key=lambda r: (r.get("title") or "", (r.get("span") or [0])[0]))
    return rows


def targets(
    g: nx.MultiDiGraph, city: str | None = None, year: int | None = None, metric: str | None = None
) -> list[dict[str, Any]]:
    """Numeric targets, filtered by city, target year and words in the metric or sentence."""
    rows = _fact_rows(g, "target", city)
    if year is not None:
        rows = [r for r in rows if r.get("year") == year]
    if metric:
        words = metric.split()
        rows = [r for r in rows if all(w in (r.get("metric") or "") + (r.get("text") or "") for w in words)]
    return rows


def funding(
    g: nx.MultiDiGraph,
    city: str | None = None,
    year: int | None = None,
    instrument: str | None = None,
    min_cap: float | None = None,
) -> list[dict[str, Any]]:
    """Funding clauses, filtered by city, document year, instrument words and a minimum cap (元)."""
    rows = _fact_rows(g, "funding", city)
    if year is not None:
        rows = [r for r in rows if r.get("doc_year") == year]
    if instrument:
        rows = [r for r in rows if instrument in (r.get("instrument") or "") + (r.get("text") or "")]
    if min_cap is not None:
        rows = [r for r in rows if r.get("cap") is not None and r["cap"] >= min_cap]
    return rows
