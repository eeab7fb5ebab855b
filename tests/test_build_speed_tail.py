"""The end of a fresh build commits the database on a thread beside the index's commit (kb.writer).

Either side failing must fail the build as before: one line saying why, and the
knowledge base exactly as it was (no new generation published, none left behind).
"""

from __future__ import annotations

from pathlib import Path

from kb_helpers import run_json, spawn
from test_kb_in_place import _no_room

from cli import CORPUS_DIR
from kb import layout
from kb.check import check_kb
from kb.knowledge_base import KnowledgeBase


def test_a_database_that_cannot_be_written_at_the_end_fails_the_build_and_leaves_the_kb(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    run_json("build", CORPUS_DIR, "--kb", kb)
    before = layout.current_generation(kb)
    with KnowledgeBase(kb) as opened:
        stats = opened.stats()
    index_file = max((before / layout.INDEX_DIR).iterdir(), key=lambda p: p.stat().st_size)
    database = before / layout.DB_NAME
    # Each index file fits under the limit, the database does not: the database thread's commit is what fails
    # (the bulk database is written at its commit), while this thread commits the index.
    limit = (index_file.stat().st_size + database.stat().st_size) // 2
    assert index_file.stat().st_size < limit < database.stat().st_size
    builder = spawn("build", CORPUS_DIR, "--kb", kb, preexec_fn=_no_room(limit))
    _out, err = builder.communicate()
    assert builder.returncode == 1
    assert err.count("\n") == 1 and "disk is full" in err and "unchanged" in err, err
    assert layout.current_generation(kb) == before
    assert sorted(p.name for p in kb.glob("gen-*")) == [before.name]
    with KnowledgeBase(kb) as opened:
        assert opened.stats() == stats
        assert opened.search("技术改造")
    assert check_kb(kb).ok
