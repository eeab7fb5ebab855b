"""A knowledge base survives crashes and concurrency (issue 7): random SIGKILLs, damage found by `check`,
readers during writes, a second writer, Ctrl-C.

Everything runs the real `policykb` in its own process against a real knowledge base on disk. (Fixed-moment
kills and the busy message are also in tests/test_safety.py; this file kills at many random moments.)
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from filelock import FileLock
from fixtures import seed_text
from kb_helpers import copy_corpus, run, run_json, spawn

from cli import EXIT_INTERRUPTED
from kb import open_kb
from kb.check import check_kb

KILLS = 16  # the issue asks for 15-25 kills in total
KILL_BUDGET_SECONDS = 150
SEED = int(os.environ.get("POLICYKB_KILL_SEED", "7"))


def sources(kb: Path) -> frozenset[str]:
    """The file names the knowledge base holds (its state, as the tests compare it)."""
    with open_kb(kb) as k:
        return frozenset(Path(s["path"]).name for s in k.sources())


def assert_answers_whole(kb: Path, allowed: set[frozenset[str]]) -> None:
    """The KB answers queries, holds one of the allowed states, and its database, index and graph agree."""
    assert sources(kb) in allowed, (sources(kb), allowed)
    report = check_kb(kb)
    assert report.ok, report.checks
    assert run_json("search", "技术改造", "--kb", kb, "--limit", "3")
    assert run("who", "技术改造", "--kb", kb).exit_code == 0


def kill_group(proc: subprocess.Popen[str]) -> None:
    """SIGKILL the command and its reader processes, as a crash or the OOM killer would."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("crash")
    return {
        "A": copy_corpus(root / "A", ("000", "004")),
        "B": copy_corpus(root / "B", ("000", "002")),
        "C": root / "C",
    }


def test_random_sigkills_never_leave_a_mixed_or_broken_kb(tmp_path: Path, folders: dict[str, Path]) -> None:
    rng = random.Random(SEED)
    kb = tmp_path / "kb"
    names = {key: frozenset(p.name for p in folders[key].iterdir()) for key in ("A", "B")}
    run_json("build", folders["A"], "--kb", kb)
    folders["C"].mkdir(exist_ok=True)
    added = folders["C"] / "003.txt"
    kills = completions = 0
    deadline = time.monotonic() + KILL_BUDGET_SECONDS
    round_no = 0
    while kills < KILLS and time.monotonic() < deadline:
        round_no += 1
        before = sources(kb)
        command = rng.choice(["build A", "build B", "add C", "add C"])
        if command == "add C":
            # new words each round, so the file is read afresh (not from the cache) and the kill may land mid-read
            added.write_text(seed_text("003") + f"\n（第{round_no}次修订）\n", encoding="utf-8")
            proc = spawn("add", added, "--kb", kb, start_new_session=True)
            expected = before | {added.name}
        else:
            key = command[-1]
            proc = spawn("build", folders[key], "--kb", kb, start_new_session=True)
            expected = names[key]
        time.sleep(rng.uniform(0.2, 4.0))
        if proc.poll() is None:
            kill_group(proc)
            kills += 1
        else:
            _out, err = proc.communicate()
            assert proc.returncode == 0, err
            assert sources(kb) == expected
            completions += 1
        assert_answers_whole(kb, {before, expected})
    print(f"{kills} kills, {completions} completed runs (seed {SEED})")
    assert kills >= KILLS // 2, f"only {kills} kills in {KILL_BUDGET_SECONDS} s (and {completions} completions)"
    # after all that, the next build and add complete
    done = subprocess.run(
        [sys.executable, "-m", "cli", "build", str(folders["B"]), "--kb", str(kb)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    added.write_text(seed_text("003"), encoding="utf-8")
    assert run_json("add", added, "--kb", kb)["changed"]
    assert_answers_whole(kb, {names["B"] | {added.name}})
    assert len(list(kb.glob("gen-*"))) <= 3, "the writers clear the generations killed builds left behind"


# --- check: damage a knowledge base on purpose; check names what is wrong -----------------------------------


@pytest.fixture(scope="module")
def built_kb(tmp_path_factory: pytest.TempPathFactory, folders: dict[str, Path]) -> Path:
    kb = tmp_path_factory.mktemp("checked") / "kb"
    run_json("build", folders["A"], "--kb", kb)
    return kb


def _generation(kb: Path) -> Path:
    return kb / (kb / "CURRENT").read_text().strip()


def _sql(kb: Path, statement: str) -> None:
    with sqlite3.connect(_generation(kb) / "kb.sqlite") as conn:
        conn.execute(statement)


def _scribble(path: Path, at: float, size: int = 4096) -> None:
    raw = bytearray(path.read_bytes())
    start = int(len(raw) * at)
    raw[start : start + size] = bytes(random.Random(0).randbytes(min(size, len(raw) - start)))
    path.write_bytes(bytes(raw))


def _delete_index_segment(kb: Path) -> None:
    (segment,) = [p for p in (_generation(kb) / "index").glob("*.seg")] or [
        max((_generation(kb) / "index").iterdir(), key=lambda p: p.stat().st_size)
    ]
    segment.unlink()


DAMAGE = {
    "index folder deleted": (lambda kb: shutil.rmtree(_generation(kb) / "index"), "search index"),
    "index table of contents deleted": (
        lambda kb: [p.unlink() for p in (_generation(kb) / "index").glob("*.toc")],
        "search index",
    ),
    "index segment deleted": (_delete_index_segment, "search index"),
    "database pages overwritten": (lambda kb: _scribble(_generation(kb) / "kb.sqlite", 0.5), "database"),
    "database header overwritten": (lambda kb: _scribble(_generation(kb) / "kb.sqlite", 0.0, 100), "database"),
    "database cut in half": (
        lambda kb: (_generation(kb) / "kb.sqlite").write_bytes(
            (_generation(kb) / "kb.sqlite").read_bytes()[: (_generation(kb) / "kb.sqlite").stat().st_size // 2]
        ),
        "database",
    ),
    "clause rows deleted": (lambda kb: _sql(kb, "DELETE FROM clauses WHERE rowid % 3 = 0"), "search index"),
    "fact span moved": (lambda kb: _sql(kb, "UPDATE facts SET start = start + 1 WHERE kind = 'target'"), "spans"),
    "graph garbled": (lambda kb: (_generation(kb) / "graph.json").write_text("{not json"), "graph"),
    "graph lost a node": (
        lambda kb: (_generation(kb) / "graph.json").write_text(
            (_generation(kb) / "graph.json").read_text(encoding="utf-8").replace('"agency:', '"agency:X', 1),
            encoding="utf-8",
        ),
        "graph",
    ),
    "query dictionary deleted": (lambda kb: (_generation(kb) / "vocab.txt").unlink(), "search index"),
}


def test_a_built_kb_derives_its_graph_on_first_use_and_again_once_deleted(tmp_path: Path, built_kb: Path) -> None:
    """A build, like an add, leaves graph.json to its first reader: a deleted one is derived again, not damage.

    The graph holds nothing but what the database's facts give (check compares it with
    the graph rebuilt from them), so deriving it again loses nothing.
    """
    kb = tmp_path / "kb"
    shutil.copytree(built_kb, kb)
    graph = _generation(kb) / "graph.json"
    assert not graph.exists()
    assert run("check", "--kb", kb).exit_code == 0
    assert graph.is_file()
    graph.unlink()
    assert run("check", "--kb", kb).exit_code == 0
    assert graph.is_file()


@pytest.mark.parametrize(("damage", "component"), list(DAMAGE.values()), ids=list(DAMAGE))
def test_check_names_the_damage(tmp_path: Path, built_kb: Path, damage, component: str) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(built_kb, kb)
    assert run("check", "--kb", kb).exit_code == 0
    damage(kb)
    result = run("check", "--kb", kb)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    failed = [line for line in result.output.splitlines() if line.startswith("✗")]
    assert failed, result.output
    assert any(component in line for line in failed), result.output
    assert "policykb build" in result.output


@pytest.mark.parametrize("damage", ["index segment deleted", "database pages overwritten", "graph garbled"])
@pytest.mark.parametrize("command", [["search", "贴息"], ["stats"], ["who", "技术改造"], ["funding"]])
def test_queries_on_a_damaged_kb_end_in_one_line(
    tmp_path: Path, built_kb: Path, damage: str, command: list[str]
) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(built_kb, kb)
    DAMAGE[damage][0](kb)
    result = run(*command, "--kb", kb)
    assert isinstance(result.exception, SystemExit) or result.exception is None, repr(result.exception)
    if result.exit_code != 0:
        assert result.exit_code == 1 and result.output.startswith("Error: ") and result.output.count("\n") == 1
        assert "policykb build" in result.output


def test_check_of_a_kb_whose_current_generation_is_gone(tmp_path: Path, built_kb: Path) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(built_kb, kb)
    shutil.rmtree(_generation(kb))
    result = run("check", "--kb", kb)
    assert result.exit_code == 1 and result.output.count("\n") == 1, result.output
    assert "damaged" in result.output and "policykb build" in result.output


def test_a_damaged_kb_is_mended_by_a_build(tmp_path: Path, built_kb: Path, folders: dict[str, Path]) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(built_kb, kb)
    _scribble(_generation(kb) / "kb.sqlite", 0.0, 100)
    assert run("build", folders["A"], "--kb", kb).exit_code == 0
    assert run_json("check", "--kb", kb)["ok"]


# --- readers during writes; a second writer ------------------------------------------------------------------


def test_queries_during_an_add_see_the_old_or_the_new_kb(tmp_path: Path, folders: dict[str, Path]) -> None:
    kb = tmp_path / "kb"
    run_json("build", folders["A"], "--kb", kb)
    old = sources(kb)
    extra = copy_corpus(tmp_path / "extra", ("002", "003"))
    new = old | {p.name for p in extra.iterdir()}
    proc = spawn("add", extra, "--kb", kb)
    seen = []
    while proc.poll() is None:
        with open_kb(kb) as k:
            state = frozenset(Path(s["path"]).name for s in k.sources())
            hits = k.search("技术改造", limit=50)
            held = {d.id for d in k.documents()}
        assert state in {old, new}
        assert hits and {h.doc_id for h in hits} <= held, "the index and the database of one answer agree"
        result = run("funding", "--kb", kb, "--json")
        assert result.exit_code == 0, result.output
        seen.append(state)
    assert proc.wait() == 0, proc.stderr.read()
    assert seen, "the add ended before a query could run"
    assert sources(kb) == new


def test_an_open_kb_keeps_answering_from_its_generation_after_a_publish(
    tmp_path: Path, folders: dict[str, Path]
) -> None:
    kb = tmp_path / "kb"
    run_json("build", folders["A"], "--kb", kb)
    with open_kb(kb) as reader:
        before = reader.stats()
        run_json("add", copy_corpus(tmp_path / "extra", ("002",)), "--kb", kb)
        assert reader.stats() == before
        assert reader.search("技术改造")
    assert run_json("stats", "--kb", kb)["files"] == before["files"] + 1


def test_a_second_writer_waits_for_a_short_write(tmp_path: Path, folders: dict[str, Path]) -> None:
    kb = tmp_path / "kb"
    run_json("build", folders["A"], "--kb", kb)
    lock = FileLock(str(kb / "write.lock"), thread_local=False)  # released by the timer thread
    lock.acquire()
    threading.Timer(1.0, lock.release).start()
    report = run_json("add", copy_corpus(tmp_path / "extra", ("002",)), "--kb", kb)
    assert report["changed"]


def test_a_second_writer_process_is_told_the_kb_is_busy(tmp_path: Path, folders: dict[str, Path]) -> None:
    kb = tmp_path / "kb"
    run_json("build", folders["A"], "--kb", kb)
    with FileLock(str(kb / "write.lock")):
        proc = spawn("add", copy_corpus(tmp_path / "extra", ("002",)), "--kb", kb)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1, out + err
    assert err.strip().count("\n") == 0 and "busy" in err and "try again" in err and "Traceback" not in err
    assert sources(kb) == folders_names(folders["A"])


def folders_names(folder: Path) -> frozenset[str]:
    return frozenset(p.name for p in folder.iterdir())


# --- Ctrl-C --------------------------------------------------------------------------------------------------


def _wait_for_writing(kb: Path, before: set[str], proc: subprocess.Popen[str]) -> bool:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if {p.name for p in kb.glob("gen-*")} - before:
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.02)
    return False


def test_ctrl_c_stops_cleanly_and_says_how_to_resume(tmp_path: Path, folders: dict[str, Path]) -> None:
    command = "build"
    kb = tmp_path / "kb"
    run_json("build", folders["A"], "--kb", kb)
    old = sources(kb)
    many = copy_corpus(tmp_path / "many", ("001", "003"), copies=2)
    before = {p.name for p in kb.glob("gen-*")}
    proc = spawn(command, many, "--kb", kb)
    if not _wait_for_writing(kb, before, proc):
        pytest.fail(f"`policykb {command}` ended before it could be interrupted: {proc.communicate()[1]}")
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == EXIT_INTERRUPTED, out + err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert "stopped" in err and "unchanged" in err and "run the same command again to resume" in err
    assert_answers_whole(kb, {old})
    again = run_json(command, many, "--kb", kb)
    assert again["changed"] and len(again["added"]) == 4
