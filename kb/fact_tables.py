"""``targets`` and ``funding`` answered from the store's ``facts`` table, without the graph.

The rows are those graph.queries.targets/funding give, field for field and in the
same order: a fact's stored fields (kb.store keeps each one whole as JSON), its
document's title, place and year, and the label of its section. The graph lists
facts by document title, then position in the text, ties in the order it read
documents (source path, position in the file) and facts; SQLite's byte order of
UTF-8 text is Python's order of code points, so one ORDER BY gives the same list.

A city narrows the documents first (documents_place index), then each one's
facts (facts_doc index); the JSON of a fact is parsed only for rows kept.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from typing import Any

from extract.agencies import city_matches

# Documents first (a city's by documents_place), then each one's facts (facts_doc): a document's facts lie
# together, where reading every fact of a kind by facts_kind jumps across the table (1.2 s against 0.6 s for
# all 77,000 targets of 10,000 documents).
_SQL = """
SELECT f.doc_id, f.ordinal, f.section, f.data, d.title, d.jurisdiction, d.year, s.id, s.number, s.heading
FROM documents d CROSS JOIN facts f ON f.doc_id = d.id
LEFT JOIN sections s ON s.doc_id = f.doc_id AND s.id = f.section
WHERE f.kind = ? {where}
ORDER BY coalesce(d.title, ''), f.start, d.source_path, d.ordinal, f.ordinal
"""


def _field(name: str, test: str) -> str:
    """A prefilter on one JSON field of the fact: never drops a row the exact test in Python keeps.

    A fact whose JSON SQLite cannot read (e.g. NaN, which Python's json writes) passes
    to the Python test rather than stopping the query with an error.
    """
    value = f"json_extract(f.data, '$.{name}')"
    return f"CASE WHEN json_valid(f.data) THEN {test.format(field=value)} ELSE 1 END"


def _words(first: str) -> str:
    """The prefilter for a word in ``first`` + text, as the graph joins them (a word may span the two)."""
    both = f"coalesce(json_extract(f.data, '$.{first}'), '') || coalesce(json_extract(f.data, '$.text'), '')"
    return f"CASE WHEN json_valid(f.data) THEN instr({both}, ?) > 0 ELSE 1 END"


Keep = Callable[[dict[str, Any]], bool]


def _section_label(number: str | None, heading: str | None) -> str:
    """``（四）推动绿色安全改造``, as graph.queries.section_label writes a task."""
    number = number or ""
    separator = "、" if number and not number.startswith(("（", "(")) and not number.endswith(".") else ""
    return f"{number}{separator}{heading or ''}"


def _places(conn: sqlite3.Connection, city: str) -> list[str]:
    """The jurisdictions ``city`` names (重庆 → 重庆市 and its districts), as city_matches decides."""
    rows = conn.execute("SELECT DISTINCT jurisdiction FROM documents WHERE jurisdiction IS NOT NULL")
    return [place for (place,) in rows if city_matches(place, city)]


def _rows(
    conn: sqlite3.Connection, kind: str, city: str | None, where: list[str], args: list[Any], keep: Keep | None
) -> list[dict[str, Any]]:
    """Every ``kind`` fact of ``city`` passing the SQL prefilters ``where`` and then ``keep`` (the exact test,
    as graph.queries words it), as graph rows, in graph order."""
    clauses: list[str] = []
    params: list[Any] = [kind]
    if city:
        places = _places(conn, city)
        if not places:
            return []
        clauses.append(f"d.jurisdiction IN ({','.join('?' * len(places))})")
        params += places
    clauses += where
    params += args
    sql = _SQL.format(where="".join(f" AND {c}" for c in clauses))
    out = []
    for doc_id, ordinal, section, data, title, jurisdiction, doc_year, section_row, number, heading in conn.execute(
        sql, params
    ):
        fields = json.loads(data)
        fields.pop("section", None)
        fields["span"] = list(fields["span"])
        row = {"doc_id": doc_id, "section_id": section, **fields}
        if keep is not None and not keep(row):
            continue
        row.update(
            id=f"{kind}:{doc_id}/{ordinal + 1}",
            title=title,
            jurisdiction=jurisdiction,
            doc_year=doc_year,
            section=_section_label(number, heading) if section and section_row is not None else "",
        )
        out.append(row)
    return out


def targets(
    conn: sqlite3.Connection, city: str | None = None, year: int | None = None, metric: str | None = None
) -> list[dict[str, Any]]:
    """Numeric targets, filtered by city, target year and words in the metric or sentence (graph.queries.targets)."""
    words = metric.split() if metric else []
    where = [_words("metric") for _ in words]
    args: list[Any] = list(words)
    if year is not None:
        where.append(_field("year", "{field} = ?"))
        args.append(year)

    def keep(row: dict[str, Any]) -> bool:
        if year is not None and row.get("year") != year:
            return False
        return all(w in (row.get("metric") or "") + (row.get("text") or "") for w in words)

    return _rows(conn, "target", city, where, args, keep)


def funding(
    conn: sqlite3.Connection,
    city: str | None = None,
    year: int | None = None,
    instrument: str | None = None,
    min_cap: float | None = None,
) -> list[dict[str, Any]]:
    """Funding clauses, filtered by city, document year, instrument words and a minimum cap (元)
    (graph.queries.funding)."""
    where: list[str] = []
    args: list[Any] = []
    if year is not None:  # documents.year is the graph's year of a date: the four digits it starts with
        where.append("d.year = ?")
        args.append(year)
    if instrument:
        where.append(_words("instrument"))
        args.append(instrument)
    if min_cap is not None:
        where.append(_field("cap", "{field} >= ?"))
        args.append(min_cap)

    def keep(row: dict[str, Any]) -> bool:
        if instrument and instrument not in (row.get("instrument") or "") + (row.get("text") or ""):
            return False
        return min_cap is None or (row.get("cap") is not None and row["cap"] >= min_cap)

    return _rows(conn, "funding", city, where, args, keep)
