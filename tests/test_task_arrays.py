"""who from kb.task_arrays: the graph's answers, also where a section's span does not hold its subsections',
and after adds and removes the answers of a knowledge base built anew from the same files."""

from __future__ import annotations

import shutil
import sqlite3
import sys
from pathlib import Path

import numpy as np
import pytest

from graph import queries as gq
from kb import graphfile, layout, store, task_arrays, task_index, task_tables
from kb.knowledge_base import KnowledgeBase
from kb.writer import add, build, remove
from model import Document, Responsibility, Section, SourceText
from tests.factories import document

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402  (bench/ is not a package)

TEXT = "一、推进绿色工厂建设\n（一）重点任务\n1.创建绿色工厂。由市经信委牵头。\n2.推广绿色工厂经验。\n"


def _nested_document(text: str) -> Document:
    """一 holds every line; its （一） is a one-line (bold/row-like) section whose span stops at its line, so
    1. and 2. lie outside it: the words of 1. are in 一 but not in （一）."""
    first, second, third = text.index("（一）"), text.index("1."), text.index("2.")
    line_end = text.index("\n", first) + 1
    sections = [
        Section("s1", "一", "推进绿色工厂建设", 1, None, (0, len(text))),
        Section("s1.1", "（一）", "重点任务", 2, "s1", (first, line_end)),
        Section("s1.1.1", "1.", "创建绿色工厂", 3, "s1.1", (second, third)),
        Section("s1.1.2", "2.", "推广绿色工厂经验", 3, "s1.1", (third, len(text))),
    ]
    units = [
        Responsibility("s1.1.1", "重庆市经济和信息化委员会", "市经信委", "重庆市", "lead", (second + 10, second + 14)),
        Responsibility("s1", "重庆市财政局", "市财政局", "重庆市", "support", (5, 9)),
    ]
    return document(
        text, id="d1", title="绿色工厂方案", jurisdiction="重庆市", sections=sections, responsibilities=units
    )


@pytest.fixture
def nested(tmp_path: Path) -> tuple[sqlite3.Connection, Document]:
    conn = store.connect(tmp_path / "kb.sqlite")
    doc = _nested_document(TEXT)
    store.insert_source(conn, store.SourceRecord("a.txt", "0", 0.0, 0), SourceText("a.txt", TEXT, "txt"), [doc], [])
    store.refresh_agencies(conn)
    task_index.finish(conn)
    conn.commit()
    return conn, doc


@pytest.mark.parametrize("query", ["绿色工厂", "重点任务", "经验", "推进", "牵头"])
@pytest.mark.parametrize("shown", [None, 1])
def test_a_section_whose_span_stops_early_still_leaves_out_what_holds_a_deeper_match(nested, query, shown):
    conn, doc = nested
    g = graphfile.build([doc])
    found = gq.find_tasks(g, query, None, lambda _: TEXT)
    expected = [{**r, "task_count": len(r["tasks"]), "tasks": r["tasks"][:shown]} for r in gq.who(g, found)]
    assert task_tables.who_matching(conn, query, None, shown) == (expected if found else None)


def test_the_innermost_matches_are_found_through_a_section_that_does_not_match(nested):
    conn, _ = nested
    rows = task_tables.who_matching(conn, "绿色工厂", None, None)
    assert rows is not None
    assert sorted({t["task"] for r in rows for t in r["tasks"]}) == ["task:d1/s1.1.1", "task:d1/s1.1.2"]


def test_a_reader_sees_the_arrays_of_the_commit_it_reads(nested, tmp_path):
    conn, _ = nested
    reader = store.connect(tmp_path / "kb.sqlite", readonly=True)
    before = task_tables.who_matching(reader, "绿色工厂", None)
    store.delete_source(conn, "a.txt")
    assert task_tables.who_matching(reader, "绿色工厂", None) == before  # not committed yet
    task_index.finish(conn)
    conn.commit()
    assert task_tables.who_matching(reader, "绿色工厂", None) is None
    assert task_arrays.version(reader) == task_arrays.version(conn)


QUERIES = ["绿色工厂", "智能化改造", "贴息", "技术改造", "设备更新", "5G", "数字化 转型", "改造", "市", "补助"]


def _answers(root: Path) -> list[object]:
    with KnowledgeBase(root) as kb:
        return [
            task_tables.who_matching(kb.conn, query, city, shown)
            for query in QUERIES
            for city in (None, "重庆", "青岛市")
            for shown in (None, 3)
        ]


@pytest.mark.slow
def test_after_adds_and_removes_who_is_who_of_a_new_build(tmp_path):
    from kb.ingest import Limits

    files = generate.generate(tmp_path / "corpus", 14, seed=11, pdf_share=0)
    changed = files[3]
    root = tmp_path / "kb"
    build(root, files[:8], Limits())
    add(root, files[8:], Limits())
    remove(root, files[:2])
    changed.write_text(changed.read_text(encoding="utf-8").replace("绿色", "低碳", 1), encoding="utf-8")
    add(root, [changed], Limits())
    with KnowledgeBase(root) as kb:
        assert kb.conn.execute("SELECT count(*) FROM task_segments").fetchone()[0] == 3  # each add appends one
    fresh = tmp_path / "fresh"
    build(fresh, files[2:], Limits())
    assert _answers(root) == _answers(fresh)
    database = layout.current_generation(root) / layout.DB_NAME
    shutil.copy(database, tmp_path / "copy.sqlite")
    with sqlite3.connect(tmp_path / "copy.sqlite") as conn:
        gone = conn.execute("SELECT count(*) FROM task_keys_gone").fetchone()[0]
    assert gone > 0  # the removed and replaced sections were marked, not rewritten


def _summary_by_hand(units, keys, sources, written, limit):
    """summarise's answer counted in Python: per unit its count, first ``limit`` tasks, forms in first order."""
    counts: dict[int, int] = {}
    shown: dict[int, list[tuple[int, int | None]]] = {}
    forms: dict[int, list[int]] = {}
    for unit, key, source, form in zip(units, keys, sources, written, strict=True):
        counts[unit] = counts.get(unit, 0) + 1
        if counts[unit] <= limit:
            shown.setdefault(unit, []).append((key, source or None))
        if form and form not in forms.setdefault(unit, []):
            forms[unit].append(form)
    return counts, shown, {u: f for u, f in forms.items() if f}


@pytest.mark.parametrize("forms", [3, 5000])  # few forms: a table of (unit, form); many: a sort
@pytest.mark.parametrize("limit", [0, 1, 3, 2**62])
def test_summarise_counts_and_picks_as_a_loop_does(forms, limit):
    from kb import task_answers

    rng = np.random.default_rng(forms + limit % 97)
    size = 3000
    pairs = task_answers.Pairs(
        units=rng.integers(1, 60, size).astype(np.int32),
        keys=np.sort(rng.integers(1, 10**6, size)),
        source=rng.integers(0, 5, size).astype(np.int32),
        written=rng.integers(0, forms, size).astype(np.int32),
    )
    summary = task_answers.summarise(pairs, limit)
    counts, shown, written = _summary_by_hand(
        pairs.units.tolist(), pairs.keys.tolist(), pairs.source.tolist(), pairs.written.tolist(), limit
    )
    assert dict(zip(summary.units.tolist(), summary.counts.tolist(), strict=True)) == counts
    assert summary.shown == shown
    assert summary.written == written


@pytest.mark.parametrize("largest_start", [10**6, 2**60])  # packed in one integer; too wide: lexsort
def test_reading_order_is_title_offset_document_then_key(largest_start):
    from kb import task_answers

    rng = np.random.default_rng(5)
    size = 2000
    doc = rng.integers(-1, 50, size).astype(np.int64)
    start = rng.integers(0, largest_start, size).astype(np.int64)
    start[::7] = start[0]  # ties on offset too
    title_rank, id_rank = rng.integers(0, 10, 50), rng.permutation(50)
    order = task_answers._reading_order(doc, start, title_rank, id_rank)
    docs = np.maximum(doc, 0)
    expected = sorted(range(size), key=lambda k: (title_rank[docs[k]], start[k], id_rank[docs[k]], k))
    assert order.tolist() == expected
