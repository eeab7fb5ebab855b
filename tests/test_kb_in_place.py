"""`add` and `remove` change the current generation in place (issue 6), keeping every safety guarantee.

The database changes inside one WAL transaction; the index is written as a new
folder of hard links plus new segments, named by the database in that same
transaction. These tests check what that design promises: the previous index
folder is left byte for byte as it was, a reader keeps the state it opened, and
a writer killed between writing the index and committing the database leaves
the knowledge base answering as before.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from kb_helpers import copy_corpus, run, run_json

from kb import layout
from kb.check import check_kb
from kb.knowledge_base import KnowledgeBase


def _fingerprint(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def _names(kb: KnowledgeBase) -> set[str]:
    return {Path(s["path"]).name for s in kb.sources()}


@pytest.fixture
def two_file_kb(tmp_path: Path) -> Path:
    kb = tmp_path / "kb"
    run_json("build", copy_corpus(tmp_path / "first", ("000", "004")), "--kb", kb)
    return kb


@pytest.mark.parametrize("change", ["add", "remove"])
def test_a_change_leaves_the_previous_index_folder_byte_for_byte(
    two_file_kb: Path, tmp_path: Path, change: str
) -> None:
    extra = copy_corpus(tmp_path / "extra", ("002",))
    if change == "remove":
        run_json("add", extra, "--kb", two_file_kb)
    with KnowledgeBase(two_file_kb) as before:
        old = before.files
        generation = before.generation
    old_index, old_vocab = _fingerprint(old.index), old.vocab.read_bytes()
    report = run_json(change, extra, "--kb", two_file_kb)
    assert report["changed"]
    with KnowledgeBase(two_file_kb) as after:
        assert after.generation == generation, "an add or remove writes no new generation"
        assert after.files.index != old.index
        new_files = {p.name: p.stat().st_ino for p in after.files.index.iterdir()}
    assert _fingerprint(old.index) == old_index, "whoosh changed a file of the index readers may be using"
    assert old.vocab.read_bytes() == old_vocab
    shared = {p.name for p in old.index.iterdir() if new_files.get(p.name) == p.stat().st_ino}
    assert shared, "the unchanged segment files are hard links, not copies"
    assert check_kb(two_file_kb).ok


def test_a_reader_open_across_an_add_keeps_its_view(two_file_kb: Path, tmp_path: Path) -> None:
    with KnowledgeBase(two_file_kb) as reader:
        names, stats = _names(reader), reader.stats()
        # the searcher is opened only after the add: it must still be the index of the reader's snapshot
        run_json("add", copy_corpus(tmp_path / "extra", ("002",)), "--kb", two_file_kb)
        held = {d.id for d in reader.documents()}
        hits = reader.search("技术改造", limit=50)
        assert _names(reader) == names and reader.stats() == stats
        assert hits and {h.doc_id for h in hits} <= held
        assert reader.graph().number_of_nodes() > 0
    with KnowledgeBase(two_file_kb) as fresh:
        assert _names(fresh) == names | {p.name for p in (tmp_path / "extra").iterdir()}


def test_the_state_before_the_current_one_is_kept_for_readers(two_file_kb: Path, tmp_path: Path) -> None:
    """The state before the current one is kept for readers that opened it; older ones are pruned."""
    states = []
    for n, name in enumerate(("001", "002", "003")):
        run_json("add", copy_corpus(tmp_path / f"extra{n}", (name,)), "--kb", two_file_kb)
        with KnowledgeBase(two_file_kb) as kb:
            states.append(kb.files)
    assert states[-1].index.is_dir() and states[-2].index.is_dir()
    assert not states[-3].index.exists() and not states[-3].vocab.exists()


KILL_BEFORE_COMMIT = textwrap.dedent(
    """
    import os, signal, sys
    from kb import store
    def die(conn, state):  # the index and dictionary are written and flushed; the database is not committed
        os.kill(os.getpid(), signal.SIGKILL)
    store.set_index_state = die
    from cli import cli
    cli(sys.argv[1:])
    """
)


def test_an_add_killed_between_index_and_commit_leaves_the_kb_as_before(two_file_kb: Path, tmp_path: Path) -> None:
    with KnowledgeBase(two_file_kb) as kb:
        names, stats, generation = _names(kb), kb.stats(), kb.generation
    before = {p.name for p in generation.iterdir()}
    extra = copy_corpus(tmp_path / "extra", ("002", "003"))
    proc = subprocess.run(
        [sys.executable, "-c", KILL_BEFORE_COMMIT, "add", str(extra), "--kb", str(two_file_kb)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)},
    )
    assert proc.returncode == -9, proc.stderr
    left = {p.name for p in generation.iterdir()} - before - {"kb.sqlite-wal", "kb.sqlite-shm"}
    assert any(name.startswith(f"{layout.INDEX_DIR}-") for name in left), "the killed writer had written its index"
    with KnowledgeBase(two_file_kb) as kb:
        assert _names(kb) == names and kb.stats() == stats
        assert kb.search("技术改造")
    assert check_kb(two_file_kb).ok
    # the next writer prunes the orphan folder and its add goes in whole
    report = run_json("add", extra, "--kb", two_file_kb)
    assert len(report["added"]) == 2
    with KnowledgeBase(two_file_kb) as kb:
        assert _names(kb) == names | {p.name for p in extra.iterdir()}
        current = {kb.files.index.name}
    orphans = {n for n in left if n.startswith(f"{layout.INDEX_DIR}-")} - current
    assert not any((generation / n).exists() for n in orphans)
    assert check_kb(two_file_kb).ok


def test_a_remove_in_place_keeps_index_and_facts_in_agreement(two_file_kb: Path, tmp_path: Path) -> None:
    extra = copy_corpus(tmp_path / "extra", ("002",))
    run_json("add", extra, "--kb", two_file_kb)
    report = run_json("remove", extra, "--kb", two_file_kb)
    assert report["changed"] and report["counts"]["files"] == 2
    with KnowledgeBase(two_file_kb) as kb:
        assert kb.files.vocab.is_file()
        assert {h.doc_id for h in kb.search("技术改造", limit=50)} <= {d.id for d in kb.documents()}
    assert check_kb(two_file_kb).ok


def test_the_query_dictionary_holds_every_word_of_the_index_after_an_add(two_file_kb: Path, tmp_path: Path) -> None:
    """vocab.txt grows by the new segments' words (not a pass over the whole index) and misses none."""
    from kb import index

    run_json("add", copy_corpus(tmp_path / "extra", ("002", "003")), "--kb", two_file_kb)
    with KnowledgeBase(two_file_kb) as kb:
        held = {line.rpartition(" ")[0] for line in kb.files.vocab.read_text(encoding="utf-8").splitlines()}
        assert index.vocabulary(index.open_index(kb.files.index)) <= held


def _no_room(limit: int):
    def setup() -> None:  # in the child: writes past ``limit`` bytes fail (EFBIG), as on a full disk
        import resource
        import signal

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return setup


@pytest.mark.parametrize("limit", [4096, 65536])
def test_an_add_that_runs_out_of_space_leaves_the_kb_as_before(two_file_kb: Path, tmp_path: Path, limit: int) -> None:
    extra = copy_corpus(tmp_path / "extra", ("002",))
    run_json("add", extra, "--kb", two_file_kb)
    run_json("remove", extra, "--kb", two_file_kb)  # its extraction is cached now: the add below writes only the KB
    with KnowledgeBase(two_file_kb) as kb:
        names, stats = _names(kb), kb.stats()
    proc = subprocess.run(
        [sys.executable, "-m", "cli", "add", str(extra), "--kb", str(two_file_kb)],
        capture_output=True,
        text=True,
        preexec_fn=_no_room(limit),
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert proc.stderr.count("\n") == 1 and "disk is full" in proc.stderr and "unchanged" in proc.stderr
    with KnowledgeBase(two_file_kb) as kb:
        assert _names(kb) == names and kb.stats() == stats
        assert kb.search("技术改造")
    assert check_kb(two_file_kb).ok
    assert run_json("add", extra, "--kb", two_file_kb)["changed"]


CTRL_C_AFTER_COMMIT = textwrap.dedent(
    """
    import sys
    from kb import layout
    calls = []
    prune = layout.prune_states
    def interrupted(gen, state):  # the second call comes right after the commit
        calls.append(state)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return prune(gen, state)
    layout.prune_states = interrupted
    from cli import cli
    cli(sys.argv[1:])
    """
)


def test_a_ctrl_c_just_after_the_commit_keeps_the_committed_add(two_file_kb: Path, tmp_path: Path) -> None:
    extra = copy_corpus(tmp_path / "extra", ("002",))
    proc = subprocess.run(
        [sys.executable, "-c", CTRL_C_AFTER_COMMIT, "add", str(extra), "--kb", str(two_file_kb)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)},
    )
    assert proc.returncode == 130, proc.stderr
    with KnowledgeBase(two_file_kb) as kb:
        assert "002" in {name[:3] for name in _names(kb)}
        assert kb.files.index.is_dir() and kb.files.vocab.is_file()
    assert check_kb(two_file_kb).ok


@pytest.mark.parametrize("hard_links", [True, False], ids=["hard links", "no hard links (copies)"])
def test_link_folder_shares_or_copies_every_file_but_the_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hard_links: bool
) -> None:
    old = tmp_path / "index"
    old.mkdir()
    (old / "MAIN_abc.seg").write_bytes(b"segment")
    (old / "_MAIN_3.toc").write_bytes(b"toc")
    (old / "MAIN_WRITELOCK").write_bytes(b"")
    if not hard_links:

        def no_link(src: object, dst: object) -> None:
            raise OSError(1, "Operation not permitted")

        monkeypatch.setattr(os, "link", no_link)
    names = layout.link_folder(old, tmp_path / "index-1")
    assert names == {"MAIN_abc.seg", "_MAIN_3.toc"}
    new = tmp_path / "index-1"
    assert {p.name for p in new.iterdir()} == names
    assert (new / "MAIN_abc.seg").read_bytes() == b"segment"
    assert ((new / "MAIN_abc.seg").stat().st_ino == (old / "MAIN_abc.seg").stat().st_ino) is hard_links


def test_an_add_into_a_kb_of_another_schema_says_to_rebuild(two_file_kb: Path, tmp_path: Path) -> None:
    with KnowledgeBase(two_file_kb) as kb:
        db, names = kb.generation / layout.DB_NAME, _names(kb)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    result = run("add", copy_corpus(tmp_path / "extra", ("002",)), "--kb", two_file_kb)
    assert result.exit_code == 1 and result.output.count("\n") == 1, result.output
    assert "another version of policykb" in result.output and "policykb build" in result.output
    with KnowledgeBase(two_file_kb) as kb:
        assert _names(kb) == names
