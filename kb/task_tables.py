"""``who`` and ``duties`` answered from the store's indexed tables, without loading the graph.

The graph (graph.build) holds the same facts, but loading it takes seconds and
most of a gigabyte at 10,000 documents. Here answers come from the tables
kb.task_index writes with each document: for ``who`` the bigram index finds
the sections holding the words and kb.task_answers keeps the innermost, puts
them in reading order and counts their precomputed units (own or inherited)
with numpy over the arrays kb.task_arrays keeps; ``duties`` pages an index in
SQL. Only the rows shown are read into Python. ``agency_names`` resolves a
name. Rows, their order and their fields are those of graph.queries.who/duties,
with counts added.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, get_args

from extract.agencies import city_matches
from kb import task_index
from model import KnowledgeBaseError, Role

if TYPE_CHECKING:
    import numpy as np

    from kb import task_answers

ROLES: tuple[str, ...] = get_args(Role)
ROLE_LABELS = {"lead": "牵头", "support": "配合", "implement": "落实", "responsible": "负责"}
ROLE_ORDER = {role: n for n, role in enumerate(ROLES)}
TASKS_SHOWN = 3  # tasks listed per unit of a who answer unless asked for more
DUTIES_SHOWN = 50  # rows of a duties answer unless asked for more
ALL = 2**62  # "no limit" where SQL wants a number

Canonical = Callable[[str, str | None], tuple[str, str | None]]


def has_tables(conn: sqlite3.Connection) -> bool:
    """True when the store holds the query tables (schema 6); stores older than schema 2 are answered from the
    graph. The tables of a schema 2-5 store cannot answer the current queries: it is refused with what to do."""
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    except sqlite3.Error:
        return False
    version = int(row[0]) if row is not None and str(row[0]).isdigit() else 0
    if 2 <= version < 6:
        raise KnowledgeBaseError(
            "this knowledge base was built by an older policykb and cannot answer who/duties/chain quickly; "
            "run `policykb build` to rebuild it"
        )
    return version >= 3


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
        return section_label(self.number, self.heading)


def section_label(number: str | None, heading: str | None) -> str:
    """``（四）推动绿色安全改造`` (graph.queries.section_label)."""
    number = number or ""
    separator = "、" if number and not number.startswith(("（", "(")) and not number.endswith(".") else ""
    return f"{number}{separator}{heading or ''}"


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


class Rows(list[dict[str, Any]]):
    """One page of an answer's rows; ``total`` is how many there are in all."""

    def __init__(self, rows: Iterable[dict[str, Any]] = (), total: int | None = None) -> None:
        super().__init__(rows)
        self.total = len(self) if total is None else total


def _city_stem(city: str) -> str:
    """What a jurisdiction must start with to be ``city`` (city_matches): its name without 省/市/自治区."""
    return re.sub(r"(省|市|自治区|特别行政区)$", "", city.strip())


def _city_test(column: str, city: str | None) -> tuple[str, list[Any]]:
    """An SQL condition on ``column`` (a jurisdiction) that is city_matches(column, city)."""
    if not city:
        return "", []
    stem = _city_stem(city)
    if not stem:
        return " AND 0", []
    return f" AND substr({column}, 1, ?) = ?", [len(stem), stem]


def _expressions(query: str) -> list[str]:
    """The bigram index's query for the sections holding each word of ``query``, one per word."""
    words = query.split()
    if not words:
        raise KnowledgeBaseError("give the words to look for, e.g. policykb who 绿色工厂")
    expressions = [task_index.match_expression([word]) for word in words]
    if None in expressions:
        raise KnowledgeBaseError(f"{query!r} holds no letters or digits to look for; give words, e.g. 绿色工厂")
    return [e for e in expressions if e is not None]


def _found(query: str, city: str | None) -> tuple[str, list[Any]]:
    """CTEs ending in ``found``: the innermost sections (of ``city``) whose heading or text holds every word.

    ``task_words`` holds each section's own text (kb.task_index.own_text): a section holds
    a word when it or a section inside it does, so with several words each word's sections
    are taken with every section above them, and the sections holding all are kept. A
    section some of whose sections match too is left out (its innermost matching sections
    answer): with one word, that leaves exactly the sections whose own text holds it.
    """
    expressions = _expressions(query)
    where, args = _city_test("k.jurisdiction", city)
    if len(expressions) == 1:
        hit = "hit(key) AS (SELECT rowid FROM task_words WHERE task_words MATCH ?)"
    else:
        held = [
            f"w{n}(key) AS (SELECT rowid FROM task_words WHERE task_words MATCH ? "
            f"UNION SELECT k.parent_key FROM w{n} JOIN task_keys k ON k.key = w{n}.key WHERE k.parent_key IS NOT NULL)"
            for n in range(len(expressions))
        ]
        hit = (
            ", ".join(held)
            + ", hit(key) AS ("
            + " INTERSECT ".join(f"SELECT key FROM w{n}" for n in range(len(expressions)))
            + ")"
        )
    sql = (
        f"WITH RECURSIVE {hit}, "
        "matched AS MATERIALIZED (SELECT k.key, k.parent_key "
        f"FROM hit JOIN task_keys k ON k.key = hit.key WHERE 1{where}), "
        "above(key) AS (SELECT parent_key FROM matched UNION SELECT k.parent_key FROM above JOIN task_keys k "
        "ON k.key = above.key), "
        "found AS MATERIALIZED (SELECT k.key, k.doc_id, k.section, k.title, k.start FROM matched m "
        "JOIN task_keys k ON k.key = m.key WHERE m.key NOT IN (SELECT key FROM above WHERE key IS NOT NULL))"
    )
    return sql, [*expressions, *args]


def find_tasks(conn: sqlite3.Connection, query: str, city: str | None) -> tuple[Tasks, list[Task]]:
    """Tasks whose heading or text holds every word of ``query``, innermost only, in reading order."""
    sql, args = _found(query, city)
    rows = conn.execute(
        f"{sql} SELECT d.id, d.title, d.jurisdiction, NULL, "
        's.doc_id, s.id, s.number, s.heading, s.level, s.parent, s.start, s."end" '
        "FROM found f JOIN documents d ON d.id = f.doc_id JOIN sections s ON s.doc_id = f.doc_id AND s.id = f.section "
        "ORDER BY f.title, f.start, f.doc_id",
        args,
    ).fetchall()
    tasks = Tasks(conn, {row[0]: Doc(*row[:4]) for row in rows})
    return tasks, [tasks.keep(row[4:]) for row in rows]


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


def _sorted_units(conn: sqlite3.Connection, groups: Iterable[dict[str, Any]]) -> Rows:
    """The rows of a who answer in their order (the units' places read from the store)."""
    groups = list(groups)
    return _in_answer_order(groups, agency_jurisdictions(conn, {row["agency"] for row in groups}))


def _in_answer_order(groups: Iterable[dict[str, Any]], places: dict[str, str | None]) -> Rows:
    """The rows of a who answer, each with its unit's place, in their order: units with more tasks first,
    leading before supporting."""
    groups = list(groups)
    per_agency: dict[str, int] = {}
    first_role: dict[str, int] = {}  # with as many tasks, the units that lead come before those that support
    for row in groups:
        row["jurisdiction"] = places.get(row["agency"])
        per_agency[row["agency"]] = per_agency.get(row["agency"], 0) + row["task_count"]
        first_role[row["agency"]] = min(first_role.get(row["agency"], 99), ROLE_ORDER[row["role"]])
    return Rows(
        sorted(
            groups,
            key=lambda r: (-per_agency[r["agency"]], first_role[r["agency"]], r["agency"], ROLE_ORDER[r["role"]]),
        )
    )


def _unit_row(agency: str, role: str) -> dict[str, Any]:
    return {
        "agency": agency,
        "jurisdiction": None,
        "role": role,
        "role_label": ROLE_LABELS[role],
        "as_written": [],
        "task_count": 0,
        "tasks": [],
    }


def who(conn: sqlite3.Connection, tasks: Tasks, found: list[Task], shown: int | None = TASKS_SHOWN) -> Rows:
    """The units responsible for ``found``, one row per (agency, role) with its task count and its first
    ``shown`` tasks (all when None), as graph.queries.who lists them. For a few tasks (the search's)."""
    tasks.read_units(found)
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    listed: set[tuple[tuple[str, str], str]] = set()
    for task in found:
        source, units = tasks.responsible(task)
        for agency, role, written in units:
            key = (agency, role)
            row = groups.setdefault(key, _unit_row(agency, role))
            if written and written not in row["as_written"]:
                row["as_written"].append(written)
            if (key, task.node) not in listed:  # a unit named twice for one task lists the task once
                listed.add((key, task.node))
                info = tasks.info(task)
                info["inherited_from"] = None if source is task else source.label()
                row["tasks"].append(info)
    for row in groups.values():
        row["task_count"] = len(row["tasks"])
        row["tasks"] = row["tasks"][:shown]
    return _sorted_units(conn, groups.values())


def who_matching(
    conn: sqlite3.Connection, query: str, city: str | None, shown: int | None = TASKS_SHOWN
) -> Rows | None:
    """:func:`who` of the tasks :func:`find_tasks` finds, from kb.task_arrays: the bigram index finds the
    sections holding the words, numpy keeps the innermost in reading order and counts their units; only the
    units and tasks shown are read as rows. None when no task matches."""
    from kb import task_answers  # numpy: loaded by who only

    expressions = _expressions(query)
    with _snapshot(conn):
        state = conn.execute("SELECT data FROM task_arrays WHERE name = 'version'").fetchone()
        if state is None:
            raise KnowledgeBaseError("this knowledge base was not finished by policykb; run `policykb build`")
        hits = [
            _numbers(
                conn.execute("SELECT group_concat(rowid) FROM task_words WHERE task_words MATCH ?", (e,)).fetchone()[0]
            )
            for e in expressions
        ]
        arrays = task_answers.load(conn, state[0])
        keys = task_answers.innermost(arrays, task_answers.holding_all(arrays, hits), _place_test(arrays.places, city))
        if not keys.size:
            return None
        summary = task_answers.summarise(task_answers.pairs_of(arrays, keys), ALL if shown is None else shown)
        return _summary_rows(conn, arrays, summary)


@contextlib.contextmanager
def _snapshot(conn: sqlite3.Connection) -> Iterator[None]:
    """Read the statements inside in one read transaction: arrays, rows and names of one commit."""
    if conn.in_transaction:  # a writer's own connection: it sees its own state already
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
    finally:
        conn.execute("COMMIT")


def _numbers(listed: str | None) -> np.ndarray:
    """group_concat's comma-separated integers as an array (parsed in C)."""
    import numpy as np

    return np.fromstring(listed, dtype=np.int64, sep=",") if listed else np.zeros(0, np.int64)


def _place_test(places: tuple[str | None, ...], city: str | None) -> np.ndarray | None:
    """Which places city_matches(place, city), as :func:`_city_test` tests them in SQL; None when all."""
    if not city:
        return None
    import numpy as np

    stem = _city_stem(city)
    return np.array([bool(stem) and p is not None and p[: len(stem)] == stem for p in places], bool)


def _summary_rows(conn: sqlite3.Connection, arrays: task_answers.Arrays, summary: task_answers.Summary) -> Rows:
    """The rows of a who answer from its counts: the units' names and written forms, the shown tasks' fields."""
    groups = {}
    for unit, count in zip(summary.units.tolist(), summary.counts.tolist(), strict=True):
        agency, role = arrays.unit_names[unit]
        if role in ROLE_LABELS:
            groups[unit] = row = _unit_row(agency, role)
            row["as_written"] = _merged(arrays.written_forms, summary.written.get(unit, []))
            row["task_count"] = count
    info = _task_infos(
        conn, arrays, {k for tasks in summary.shown.values() for pair in tasks for k in pair if k is not None}
    )
    made: dict[tuple[int, int | None], dict[str, Any]] = {}  # a task listed for several units is made once,
    # and copied into each row: a caller changing one row's task must not change another's
    for unit, tasks in summary.shown.items():
        if unit in groups:
            listed = groups[unit]["tasks"]
            for key, source in tasks:
                task = made.get((key, source))
                if task is None:
                    inherited = None if source is None else info[source][0]
                    task = made[(key, source)] = {**info[key][1], "inherited_from": inherited}
                listed.append(dict(task))
    return _in_answer_order(groups.values(), arrays.agency_places)


def _merged(forms: dict[int, list[str]], ids: list[int]) -> list[str]:
    """The forms of ``ids`` in order, each once."""
    known: list[str] = []
    for n in ids:
        known += [w for w in forms[n] if w not in known]
    return known


def _task_infos(
    conn: sqlite3.Connection, arrays: task_answers.Arrays, keys: set[int]
) -> dict[int, tuple[str, dict[str, Any]]]:
    """Each task key's label and its fields in an answer (as Tasks.info gives them): one indexed read per task
    (task_keys holds what sections does; the documents' fields come with the arrays, read once: reading them
    per answer took a tenth of who's time)."""
    rows = conn.execute(
        'SELECT k.key, k.doc, k.section, k.number, k.heading, k.start, k."end" '
        "FROM json_each(?) j JOIN task_keys k ON k.key = j.value",
        (json.dumps(sorted(keys)),),
    ).fetchall()
    out = {}
    for key, number, section, section_number, heading, start, end in rows:
        doc_id, title, place = arrays.doc_ids[number], arrays.titles[number], arrays.doc_places[number]
        label = section_label(section_number, heading)
        fields = {
            "task": f"task:{doc_id}/{section}",  # Task.node
            "doc_id": doc_id,
            "title": title,
            "jurisdiction": place,
            "section": label,
            "heading": heading,
            "span": [start, end],
        }
        out[key] = (label, fields)
    return out


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
    conn: sqlite3.Connection,
    agencies: list[str],
    city: str | None = None,
    role: str | None = None,
    limit: int | None = DUTIES_SHOWN,
) -> Rows:
    """The tasks the agencies are named for, one row per (agency, role, task), in reading order: the first
    ``limit`` (all when None), with how many there are in all (``Rows.total``).

    ``duty_rows`` is indexed in answer order, so a page is read in order and a count is an index scan.
    """
    where = f"r.agency IN ({_marks(agencies)})"
    args: list[Any] = list(agencies)
    if role:
        where += " AND r.role_rank = ?"
        args.append(ROLE_ORDER.get(role, -1))
    place, place_args = _city_test("r.jurisdiction", city)
    where += place
    args += place_args
    total = conn.execute(f"SELECT count(*) FROM duty_rows r WHERE {where}", args).fetchone()[0]
    page = (  # the page is picked from duty_rows alone; only its rows are joined to their documents
        f"SELECT * FROM duty_rows r WHERE {where} ORDER BY r.role_rank, r.sort_title, r.sort_start, r.agency, "
        "r.source_path, r.doc_ordinal, r.ordinal LIMIT ?"
    )
    sql = (
        'SELECT r.agency, r.role, r.as_written, r.start, r."end", d.id, d.title, d.jurisdiction, '
        "CASE WHEN r.section IS NULL THEN d.data ->> '$.span' END, "
        's.id, s.number, s.heading, s.level, s.parent, s.start, s."end", r.section '
        f"FROM ({page}) r JOIN documents d ON d.id = r.doc_id "
        "LEFT JOIN sections s ON s.doc_id = r.doc_id AND s.id = r.section "
        "ORDER BY r.role_rank, r.sort_title, r.sort_start, r.agency, r.source_path, r.doc_ordinal, r.ordinal"
    )
    rows = Rows(total=total)
    for agency, relation, written, u_start, u_end, doc_id, title, place_, doc_span, *task, section in conn.execute(
        sql, [*args, -1 if limit is None else limit]
    ):
        info: dict[str, Any] = {"doc_id": doc_id, "title": title, "jurisdiction": place_}
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
    return rows
