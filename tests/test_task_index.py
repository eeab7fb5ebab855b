"""The who/duties tables (kb.task_index): bigram phrases find exactly the texts holding a word, the tables
stay right when a file leaves, and a store built before them is refused with what to do."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from cli import cli
from graph import queries as gq
from kb import layout, queries, store, task_index, task_tables
from kb.knowledge_base import KnowledgeBase
from model import KnowledgeBaseError

ALPHABET = "绿色工厂技改补助5G化，。 （一）"


def _matches(texts: list[str], words: list[str]) -> list[int]:
    conn = sqlite3.connect(":memory:")
    conn.executescript(store.SCHEMA)
    conn.executemany(
        "INSERT INTO task_words (rowid, words) VALUES (?, ?)", [(n, task_index.bigrams(t)) for n, t in enumerate(texts)]
    )
    expression = task_index.match_expression(words)
    return [
        r[0]
        for r in conn.execute("SELECT rowid FROM task_words WHERE task_words MATCH ? ORDER BY rowid", (expression,))
    ]


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("技改", [0]),  # 2 characters: a trigram index cannot find it
        ("补", [0, 2]),  # 1 character, inside a text and at its very end
        ("色工厂", [1]),
        ("工厂技", []),  # no text holds it, though each of its bigrams is somewhere
        ("5g", [1]),  # letters fold as in the unicode61 tokenizer
    ],
)
def test_a_word_of_any_length_is_found_where_it_is_written(word, expected):
    texts = ["推进技改补助。", "绿色工厂（5G）", "专项资金补"]
    assert _matches(texts, [word]) == expected


@settings(max_examples=150, deadline=None)
@given(
    texts=st.lists(st.text(alphabet=ALPHABET, max_size=30), min_size=1, max_size=6),
    words=st.lists(st.text(alphabet=ALPHABET[:11], min_size=1, max_size=4), min_size=1, max_size=2),
)
def test_bigram_phrases_match_exactly_the_texts_holding_every_word(texts, words):
    expected = [n for n, text in enumerate(texts) if all(w.lower() in text.lower() for w in words)]
    assert _matches(texts, words) == expected


def test_a_section_s_own_text_leaves_out_its_subsections_with_a_line_break_each():
    text = "一、总则。推进技改。（一）绿色工厂。（二）补助资金。以上。"
    first, second = (text.index("（一）"), text.index("（二）")), (text.index("（二）"), text.index("以上"))
    outside = (len(text), len(text) + 5)  # a subsection kept elsewhere (a task-table row) takes nothing out
    own = task_index.own_text(text, (0, len(text)), [second, first, outside])
    assert own == "一、总则。推进技改。\n\n以上。"
    assert task_index.own_text(text, first, []) == "（一）绿色工厂。"
    assert _matches([own], ["技改补"]) == [] and _matches([own], ["技改"]) == [0]


@pytest.fixture
def kb_copy(corpus_kb: Path, tmp_path: Path) -> Path:
    path = tmp_path / "kb"
    shutil.copytree(corpus_kb, path)
    return path


def test_who_and_duties_forget_a_removed_file(kb_copy):
    from kb.writer import remove

    with KnowledgeBase(kb_copy) as kb:
        before = {t["doc_id"] for r in queries.who(kb, "绿色工厂", tasks=None) for t in r["tasks"]}
        gone = kb.conn.execute(
            "SELECT source_path, id FROM documents WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted(before), ensure_ascii=False),),
        ).fetchone()
    remove(kb_copy, [Path(gone[0])])
    with KnowledgeBase(kb_copy) as kb:
        rows = queries.who(kb, "绿色工厂", tasks=None)
        assert gone[1] not in {t["doc_id"] for r in rows for t in r["tasks"]}
        g = kb.graph()
        expected = gq.who(g, gq.find_tasks(g, "绿色工厂", None, kb.source_text))
        assert rows == [{**row, "task_count": len(row["tasks"])} for row in expected]
        assert all(r["doc_id"] != gone[1] for r in queries.duties(kb, "市财政局", limit=None))


@pytest.mark.parametrize("version", ["2", "4", "5"])
def test_a_store_built_before_these_tables_is_refused_with_what_to_do(kb_copy, version):
    database = layout.current_generation(kb_copy) / layout.DB_NAME
    with sqlite3.connect(database) as conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (version,))
    with KnowledgeBase(kb_copy) as kb, pytest.raises(KnowledgeBaseError, match="policykb build"):
        queries.who(kb, "绿色工厂")
    result = CliRunner().invoke(cli, ["duties", "市财政局", "--kb", str(kb_copy)])
    assert result.exit_code == 1 and "policykb build" in result.output and "Traceback" not in result.output


def test_the_cli_defaults_are_the_apis():
    import cli as cli_module

    assert (cli_module.TASKS_SHOWN, cli_module.DUTIES_SHOWN) == (task_tables.TASKS_SHOWN, task_tables.DUTIES_SHOWN)
