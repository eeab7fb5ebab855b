"""targets and funding from the store's facts table (kb.fact_tables) give the graph's rows, in the graph's order.

Compared field for field (and key order) with graph.queries on the built-in corpus
and on a generated corpus with the seeds mixed in, for many option combinations.
"""

from __future__ import annotations

import json
import math
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from kb_helpers import copy_corpus, run

from bench.generate import generate
from graph import queries as gq
from kb import fact_tables, queries
from kb.knowledge_base import KnowledgeBase, open_kb

CITIES = [None, "重庆", "重庆市", "成都", "北京", "无此地"]
YEARS = [None, 2025, 2027, 2030, 1999]
TARGET_OPTIONS = [
    (city, year, metric) for city in CITIES for year in YEARS for metric in (None, "率", "企业 达到", "  ", "无此词")
]
FUNDING_OPTIONS = [
    (city, year, instrument, cap)
    for city in CITIES
    for year in (None, 2023, 2024, 2025)
    for instrument in (None, "贴息", "奖励", "补助")
    for cap in (None, 0.0, 1_000_000.0, 1e12)
]


@pytest.fixture(scope="module")
def mixed_kb(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Iterator[KnowledgeBase]:
    """Generated documents (several cities) with the seeds and two copies of two seeds, built by `policykb build`."""
    root = tmp_path_factory.mktemp("fact_tables")
    sources = root / "sources"
    generate(sources, 40, seed=11, pdf_share=0.0)
    for seed in sorted(corpus_dir.glob("*.txt")):
        shutil.copy(seed, sources / seed.name)
    copy_corpus(sources, ("000", "004"), copies=2)  # same titles, facts at the same offsets
    result = run("build", sources, "--kb", root / "kb")
    assert result.exit_code == 0, result.output
    with open_kb(root / "kb") as kb:
        yield kb


@pytest.fixture(scope="module")
def seed_kb(corpus_kb: Path) -> Iterator[KnowledgeBase]:
    with open_kb(corpus_kb) as kb:
        yield kb


def _same(got: list[dict[str, Any]], want: list[dict[str, Any]]) -> None:
    """Same rows, order, fields and field order (the JSON the CLI prints)."""
    assert json.dumps(got, ensure_ascii=False) == json.dumps(want, ensure_ascii=False)


@pytest.mark.parametrize("kb_name", ["seed_kb", "mixed_kb"])
def test_targets_match_the_graph(kb_name: str, request: pytest.FixtureRequest) -> None:
    kb: KnowledgeBase = request.getfixturevalue(kb_name)
    g = kb.graph()
    assert gq.targets(g), "the corpus has targets to compare"
    found = 0
    for city, year, metric in TARGET_OPTIONS:
        want = gq.targets(g, city, year, metric)
        _same(fact_tables.targets(kb.conn, city, year, metric), want)
        found += bool(want)
    assert found > 10, "the options select some rows, not only empty lists"


@pytest.mark.parametrize("kb_name", ["seed_kb", "mixed_kb"])
def test_funding_matches_the_graph(kb_name: str, request: pytest.FixtureRequest) -> None:
    kb: KnowledgeBase = request.getfixturevalue(kb_name)
    g = kb.graph()
    assert gq.funding(g), "the corpus has funding clauses to compare"
    found = 0
    for city, year, instrument, cap in FUNDING_OPTIONS:
        want = gq.funding(g, city, year, instrument, cap)
        _same(fact_tables.funding(kb.conn, city, year, instrument, cap), want)
        found += bool(want)
    assert found > 10, "the options select some rows, not only empty lists"


def test_shared_titles_keep_the_graph_order(mixed_kb: KnowledgeBase) -> None:
    """Documents sharing a title interleave by position, ties in reading order: the case an ORDER BY can get wrong."""
    titles = [row["title"] for row in gq.targets(mixed_kb.graph())]
    assert len(set(titles)) < len({row["doc_id"] for row in gq.targets(mixed_kb.graph())}), "titles repeat"
    _same(fact_tables.targets(mixed_kb.conn), gq.targets(mixed_kb.graph()))


class _GraphOnly:
    """A source with a graph and no database: the queries walk the graph."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb

    def graph(self) -> Any:
        return self.kb.graph()

    def source_text(self, doc_id: str) -> str:
        return self.kb.source_text(doc_id)


@pytest.mark.parametrize("query", ["targets", "funding"])
def test_queries_read_the_store_without_loading_the_graph(seed_kb: KnowledgeBase, query: str) -> None:
    with open_kb(seed_kb.root) as kb:
        rows = getattr(queries, query)(kb, "重庆")
        assert rows and kb._graph is None, "answered without the graph"
        _same(rows, getattr(queries, query)(_GraphOnly(kb), "重庆"))


def test_a_fact_sqlite_cannot_read_is_judged_in_python(corpus_kb: Path, tmp_path: Path) -> None:
    """Python's json writes NaN, which SQLite's json_extract refuses: such a fact is still filtered, never an error."""
    from kb import layout

    root = tmp_path / "kb"
    shutil.copytree(corpus_kb, root)
    with sqlite3.connect(layout.current_generation(root) / layout.DB_NAME) as conn:
        rowid, data = conn.execute(
            "SELECT rowid, data FROM facts WHERE kind = 'target' AND data LIKE '%\"year\": 20%'"
        ).fetchone()
        fact = json.loads(data)
        conn.execute("UPDATE facts SET data = ? WHERE rowid = ?", (json.dumps({**fact, "value": math.nan}), rowid))
    with open_kb(root) as kb:
        rows = fact_tables.targets(kb.conn, year=fact["year"])
        assert [row["text"] for row in rows].count(fact["text"]) >= 1 and any(math.isnan(r["value"]) for r in rows)
        assert fact_tables.funding(kb.conn, min_cap=0.0) == gq.funding(kb.graph(), min_cap=0.0)
