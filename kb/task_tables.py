"""``who`` and ``duties`` answered from the store's indexed tables, without loading the graph.

The graph (graph.build) holds the same facts, but loading it takes seconds and
most of a gigabyte at 10,000 documents. Here every answer is a few indexed
SQLite reads: ``source_words`` (a trigram index over the source texts) narrows
a ``who`` query to the documents that hold its words, ``sections`` gives their
tasks, ``responsibilities`` their units, and ``agency_names`` resolves a name.
Rows, their order and their fields are those of graph.queries.who/duties.
"""

from __future__ import annotations

import difflib
import json
import re
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, get_args

from extract.agencies import city_matches
from model import KnowledgeBaseError, Role

ROLES: tuple[str, ...] = get_args(Role)
ROLE_LABELS = {"lead": "牵头", "support": "配合", "implement": "落实", "responsible": "负责"}
ROLE_ORDER = {role: n for n, role in enumerate(ROLES)}
TRIGRAM = 3  # the shortest word the source_words index can look up

Canonical = Callable[[str, str | None], tuple[str, str | None]]


def has_tables(conn: sqlite3.Connection) -> bool:
    """True when the store was built with the query tables (schema 2); older stores are answered from the graph."""
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    except sqlite3.Error:
        return False
    return row is not None and row[0] >= "2"


def _marks(values: Iterable[Any]) -> str:
    return ",".join("?" * len(list(values)))


@dataclass
class Task:
    """One section of one document, with what its rows show."""

    doc_id: str
    section_id: str
    number: str | None
    heading: str | None
    level: int
    parent: str | None
    start: int
    end: int

    @property
    def node(self) -> str:
        return f"task:{self.doc_id}/{self.section_id}"

    def label(self) -> str:
        """``（四）推动绿色安全改造`` (graph.queries.section_label)."""
        number = self.number or ""
        separator = "、" if number and not number.startswith(("（", "(")) and not number.endswith(".") else ""
        return f"{number}{separator}{self.heading or ''}"


@dataclass
class Doc:
    doc_id: str
    title: str | None
    jurisdiction: str | None
    text: str | None


SECTION_COLUMNS = 'doc_id, id, number, heading, level, parent, start, "end"'


class Tasks:
    """Sections of a set of documents and the units named for them, read as a question needs them."""

    def __init__(self, conn: sqlite3.Connection, docs: dict[str, Doc]) -> None:
        self.conn = conn
        self.docs = docs
        self.sections: dict[tuple[str, str], Task] = {}
        self.units: dict[tuple[str, str], list[tuple[str, str, str | None]]] = {}

    def rows_of(self, doc_ids: list[str]) -> Iterable[tuple[Any, ...]]:
        """Raw section rows of the documents (Task objects are made only for the sections an answer uses)."""
        for start in range(0, len(doc_ids), 500):
            chunk = doc_ids[start : start + 500]
            yield from self.conn.execute(
                f"SELECT {SECTION_COLUMNS} FROM sections WHERE doc_id IN ({_marks(chunk)})", chunk
            )

    def keep(self, row: tuple[Any, ...]) -> Task:
        task = Task(*row)
        self.sections[(task.doc_id, task.section_id)] = task
        return task

    def parent(self, task: Task) -> Task | None:
        if not task.parent:
            return None
        key = (task.doc_id, task.parent)
        if key not in self.sections:
            row = self.conn.execute(
                f"SELECT {SECTION_COLUMNS} FROM sections WHERE doc_id = ? AND id = ?", key
            ).fetchone()
            if row is None:
                return None
            self.keep(row)
        return self.sections[key]

    def read_units(self, tasks: Iterable[Task]) -> None:
        """The units named for each task and each task above it, in one indexed query."""
        keys: set[tuple[str, str]] = set()
        for task in tasks:
            node: Task | None = task
            while node is not None and (node.doc_id, node.section_id) not in keys:
                keys.add((node.doc_id, node.section_id))
                node = self.parent(node)
        keys -= set(self.units)
        for key in keys:
            self.units[key] = []
        rows = self.conn.execute(
            "SELECT r.doc_id, r.section, r.agency, r.role, r.as_written FROM json_each(?) k "
            "JOIN responsibilities r ON r.doc_id = k.value ->> 0 AND r.section = k.value ->> 1 "
            "ORDER BY r.doc_id, r.ordinal",
            (json.dumps(sorted(keys), ensure_ascii=False),),
        )
        for doc_id, section, agency, role, written in rows:
            self.units[(doc_id, section)].append((agency, role, written))

    def info(self, task: Task) -> dict[str, Any]:
        doc = self.docs[task.doc_id]
        return {
            "task": task.node,
            "doc_id": doc.doc_id,
            "title": doc.title,
            "jurisdiction": doc.jurisdiction,
            "section": task.label(),
            "heading": task.heading,
            "span": [task.start, task.end],
        }

    def sort(self, tasks: Iterable[Task]) -> list[Task]:
        return sorted(tasks, key=lambda t: (self.docs[t.doc_id].title or "", t.start))

    def responsible(self, task: Task) -> tuple[Task, list[tuple[str, str, str | None]]]:
        """The units named for ``task``, or for its nearest enclosing task when it names none."""
        node: Task | None = task
        while node is not None:
            units = self.units.get((node.doc_id, node.section_id))
            if units:
                return node, _grouped(units)
            node = self.parent(node)
        return task, []


def _grouped(units: list[tuple[str, str, str | None]]) -> list[tuple[str, str, str | None]]:
    """Units in the graph's edge order: by first mention of each agency, then mention order."""
    first: dict[str, int] = {}
    for n, (agency, _, _) in enumerate(units):
        first.setdefault(agency, n)
    return sorted(units, key=lambda u: first[u[0]])


# --------------------------------------------------------------------------- finding tasks


def _match_expression(words: list[str]) -> str | None:
    """An FTS5 query every document holding all ``words`` matches (their trigrams); None when no word is long enough."""
    grams = {w[i : i + TRIGRAM] for w in words if len(w) >= TRIGRAM for i in range(len(w) - TRIGRAM + 1)}
    if not grams:
        return None
    return " AND ".join('"' + g.replace('"', '""') + '"' for g in sorted(grams))


def _documents_with(conn: sqlite3.Connection, words: list[str], city: str | None) -> dict[str, Doc]:
    """The documents (of ``city``) whose source text holds every word, with that text."""
    sql = (
        "SELECT d.id, d.title, d.jurisdiction, s.text FROM sources s JOIN documents d ON d.source_path = s.path "
        "WHERE " + " AND ".join("instr(s.text, ?) > 0" for _ in words)
    )
    args: list[Any] = list(words)
    stem = re.sub(r"(省|市|自治区|特别行政区)$", "", city.strip()) if city else ""
    if stem:  # the same test as city_matches, before any text is read
        sql += " AND substr(d.jurisdiction, 1, ?) = ?"
        args += [len(stem), stem]
    expression = _match_expression(words)
    if expression is not None:
        sql += " AND s.rowid IN (SELECT rowid FROM source_words WHERE source_words MATCH ?)"
        args.append(expression)
    return {row[0]: Doc(*row) for row in conn.execute(sql, args)}


def find_tasks(conn: sqlite3.Connection, query: str, city: str | None) -> tuple[Tasks, list[Task]]:
    """Tasks whose heading or text holds every word of ``query``, innermost only, in reading order."""
    words = query.split()
    if not words:
        raise KnowledgeBaseError("give the words to look for, e.g. policykb who 绿色工厂")
    docs = {k: d for k, d in _documents_with(conn, words, city).items() if city_matches(d.jurisdiction, city)}
    tasks = Tasks(conn, docs)
    matched = []
    for row in tasks.rows_of(list(docs)):
        text = docs[row[0]].text
        heading = row[3] or ""
        body = text[row[6] : row[7]] if text else ""  # words hold no whitespace: none spans heading and body
        if all(w in heading or w in body for w in words):
            matched.append(tasks.keep(row))
    chosen = {t.node: t for t in matched}
    for task in matched:
        parent = tasks.parent(task)
        while parent is not None:
            chosen.pop(parent.node, None)
            parent = tasks.parent(parent)
    return tasks, tasks.sort(chosen.values())


def tasks_at(conn: sqlite3.Connection, places: list[tuple[str, int]]) -> tuple[Tasks, list[Task]]:
    """The innermost numbered task holding each (doc_id, offset), once each, in the given order."""
    ids = sorted({doc_id for doc_id, _ in places})
    docs = {
        row[0]: Doc(*row)
        for row in conn.execute(f"SELECT id, title, jurisdiction, NULL FROM documents WHERE id IN ({_marks(ids)})", ids)
    }
    tasks = Tasks(conn, docs)
    sections = [tasks.keep(row) for row in tasks.rows_of(ids)]
    found: list[Task] = []
    for doc_id, offset in places:
        holding = [t for t in sections if t.doc_id == doc_id and t.number and t.start <= offset < t.end]
        if holding:
            best = max(holding, key=lambda t: t.level)
            if best not in found:
                found.append(best)
    return tasks, found


# --------------------------------------------------------------------------- who


def agency_jurisdictions(conn: sqlite3.Connection, names: Iterable[str]) -> dict[str, str | None]:
    """The place of each canonical agency: the first one any document gives it (as the graph keeps it)."""
    names = list(names)
    out: dict[str, str | None] = dict.fromkeys(names)
    rows = conn.execute(
        "SELECT canonical, jurisdiction FROM json_each(?) n JOIN agencies a ON a.canonical = n.value",
        (json.dumps(names, ensure_ascii=False),),
    )
    out.update(rows)
    return out


def who(conn: sqlite3.Connection, tasks: Tasks, found: list[Task]) -> list[dict[str, Any]]:
    """The units responsible for ``found``, one row per (agency, role), each with its tasks (graph.queries.who)."""
    tasks.read_units(found)
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    listed: set[tuple[tuple[str, str], str]] = set()
    for task in found:
        source, units = tasks.responsible(task)
        for agency, role, written in units:
            key = (agency, role)
            if key not in groups:
                groups[key] = {
                    "agency": agency,
                    "jurisdiction": None,
                    "role": role,
                    "role_label": ROLE_LABELS[role],
                    "as_written": [],
                    "tasks": [],
                }
            row = groups[key]
            if written and written not in row["as_written"]:
                row["as_written"].append(written)
            if (key, task.node) not in listed:  # a unit named twice for one task lists the task once
                listed.add((key, task.node))
                info = tasks.info(task)
                info["inherited_from"] = None if source is task else source.label()
                row["tasks"].append(info)
    places = agency_jurisdictions(conn, {row["agency"] for row in groups.values()})
    per_agency: dict[str, int] = {}
    first_role: dict[str, int] = {}  # with as many tasks, the units that lead come before those that support
    for row in groups.values():
        row["jurisdiction"] = places[row["agency"]]
        per_agency[row["agency"]] = per_agency.get(row["agency"], 0) + len(row["tasks"])
        first_role[row["agency"]] = min(first_role.get(row["agency"], 99), ROLE_ORDER[row["role"]])
    return sorted(
        groups.values(),
        key=lambda r: (-per_agency[r["agency"]], first_role[r["agency"]], r["agency"], ROLE_ORDER[r["role"]]),
    )


# --------------------------------------------------------------------------- duties


def _known(conn: sqlite3.Connection, names: Iterable[str]) -> list[str]:
    names = sorted(set(names))
    rows = conn.execute(
        "SELECT a.canonical FROM json_each(?) n JOIN agencies a ON a.canonical = n.value",
        (json.dumps(names, ensure_ascii=False),),
    )
    return sorted(r[0] for r in rows)


def _in_city(conn: sqlite3.Connection, names: Iterable[str], city: str | None) -> list[str]:
    places = agency_jurisdictions(conn, names)
    return sorted(name for name, place in places.items() if city_matches(place, city))


def resolve_agency(conn: sqlite3.Connection, name: str, city: str | None, canonical: Canonical) -> list[str]:
    """Canonical agencies ``name`` stands for (graph.queries.resolve_agency), and one more reading:
    a unit written without its place (财政局 with --city 郑州) is the city's unit (郑州市财政局) when
    the knowledge base knows it."""
    name = name.strip()
    if _known(conn, [name]):
        return [name]
    full, _ = canonical(name, city)
    if _known(conn, [full]):
        return [full]
    written = [r[0] for r in conn.execute("SELECT DISTINCT canonical FROM agency_names WHERE written = ?", (name,))]
    found = _in_city(conn, written, city)
    if found:
        return found
    if city:
        places = {r[0] for r in conn.execute("SELECT DISTINCT jurisdiction FROM documents") if r[0]}
        placed = _known(conn, [place + name for place in places if city_matches(place, city)])
        if placed:
            return placed
    agencies = conn.execute("SELECT canonical, jurisdiction FROM agencies")
    in_city = [n for n, place in agencies if city_matches(place, city)]
    known = set(in_city)
    for start in range(0, len(in_city), 500):  # and every way they were written, read by the canonical-name index
        chunk = in_city[start : start + 500]
        rows = conn.execute(f"SELECT DISTINCT written FROM agency_names WHERE canonical IN ({_marks(chunk)})", chunk)
        known.update(r[0] for r in rows if r[0])
    close = difflib.get_close_matches(name, sorted(known), n=5, cutoff=0.4)
    where = f" in {city}" if city else ""
    hint = f"; did you mean: {'、'.join(close)}" if close else "; check the name, or leave out --city"
    raise KnowledgeBaseError(f"no agency called {name!r}{where} in the knowledge base{hint}")


def duties(
    conn: sqlite3.Connection, agencies: list[str], city: str | None = None, role: str | None = None
) -> list[dict[str, Any]]:
    """Every task the agencies are named for, one row per (agency, role, task), in reading order."""
    sql = (
        'SELECT r.agency, r.role, r.as_written, r.start, r."end", d.id, d.title, d.jurisdiction, r.section, '
        's.id, s.number, s.heading, s.level, s.parent, s.start, s."end", '
        "CASE WHEN s.id IS NULL THEN json_extract(d.data, '$.span') END "
        "FROM responsibilities r JOIN documents d ON d.id = r.doc_id "
        "LEFT JOIN sections s ON s.doc_id = r.doc_id AND s.id = r.section "
        f"WHERE r.agency IN ({_marks(agencies)})"
    )
    args: list[Any] = list(agencies)
    if role:
        sql += " AND r.role = ?"
        args.append(role)
    rows = []
    for agency, relation, written, u_start, u_end, doc_id, title, place, section, *task, doc_span in conn.execute(
        sql + " ORDER BY r.agency, d.source_path, d.ordinal, r.ordinal", args
    ):
        if relation not in ROLE_LABELS or not city_matches(place, city):
            continue
        info: dict[str, Any] = {"doc_id": doc_id, "title": title, "jurisdiction": place}
        if task[0] is not None:
            t = Task(doc_id, *task)
            info.update(task=t.node, section=t.label(), heading=t.heading, span=[t.start, t.end])
        elif section is None:
            info.update(task=f"doc:{doc_id}", section="", heading=None, span=json.loads(doc_span or "null"))
        else:  # a unit filed under a section the document does not have (the graph keeps such a bare node)
            info = {"doc_id": None, "title": None, "jurisdiction": None}
            info.update(task=f"task:{doc_id}/{section}", section="", heading=None, span=None)
        rows.append(
            {
                "agency": agency,
                "role": relation,
                "role_label": ROLE_LABELS[relation],
                "as_written": written,
                "unit_span": [u_start, u_end],
                "task": info["task"],
                "doc_id": info["doc_id"],
                "title": info["title"],
                "jurisdiction": info["jurisdiction"],
                "section": info["section"],
                "heading": info["heading"],
                "span": info["span"],
            }
        )
    rows.sort(key=lambda r: (ROLE_ORDER[r["role"]], r["title"] or "", (r["span"] or [0])[0], r["agency"]))
    seen: set[tuple[str, str, str]] = set()
    unique = []
    for row in rows:
        key = (row["agency"], row["role"], row["task"])
        if key not in seen:
            seen.add(key)
            unique.append(row)
    return unique
