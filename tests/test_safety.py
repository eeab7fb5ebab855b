"""A knowledge base survives its writers: SIGKILL, Ctrl-C, a second writer, readers during a build.

Every case runs the real `policykb` in its own process against a real knowledge
base on disk and then asks the knowledge base questions through the CLI.
"""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest
from filelock import FileLock
from kb_helpers import copy_corpus, run, run_json, spawn

import kb.writer

OLD_FILES = 1  # the knowledge base before each rebuild holds one file


@pytest.fixture
def old_kb(tmp_path: Path) -> Path:
    path = tmp_path / "kb"
    run_json("build", copy_corpus(tmp_path / "old", ("004",)), "--kb", path)
    return path


@pytest.fixture(scope="module")
def many_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough distinct documents that a build takes a few seconds."""
    return copy_corpus(tmp_path_factory.mktemp("many"), ("000", "001", "004"), copies=4)


def generations(kb: Path) -> set[str]:
    return {p.name for p in kb.glob("gen-*")}


def folders_written(kb: Path) -> set[str]:
    """Generation folders (a build writes one) and index folders inside them (an add or remove writes one)."""
    return generations(kb) | {f"{p.parent.name}/{p.name}" for p in kb.glob("gen-*/index-*")}


def wait_for_new_generation(kb: Path, before: set[str], proc, timeout: float = 60) -> bool:
    """True once the writer has started a new generation or index folder (``before``: folders_written); False if
    it ended first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if folders_written(kb) - before:
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.02)
    raise AssertionError("the build never started writing")


def assert_whole(kb: Path, allowed_files: set[int]) -> None:
    """The knowledge base answers, is one of the allowed states, and passes `policykb check`."""
    stats = run_json("stats", "--kb", kb)
    assert stats["files"] in allowed_files, stats["files"]
    assert run_json("search", "技术改造", "--kb", kb)
    assert run_json("check", "--kb", kb)["ok"]


@pytest.mark.parametrize("delay", [0.0, 0.4, 1.2, 2.5], ids=["at-start", "early", "midway", "late"])
def test_a_build_killed_at_any_moment_leaves_the_old_kb_whole(old_kb: Path, many_files: Path, delay: float) -> None:
    before = folders_written(old_kb)
    proc = spawn("build", many_files, "--kb", old_kb)
    started = wait_for_new_generation(old_kb, before, proc)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    finished = proc.returncode == 0
    assert started or finished
    # killed before the switch: the old knowledge base; after it (late kills): the new one, whole
    assert_whole(old_kb, {12} if finished else {OLD_FILES} if delay == 0 else {OLD_FILES, 12})
    # the next writer clears what the killed one left behind and succeeds
    assert run_json("add", copy_corpus(old_kb.parent / "more", ("002",)), "--kb", old_kb)["changed"]
    assert len(generations(old_kb)) <= 2


def test_an_add_killed_midway_leaves_the_old_kb_whole(old_kb: Path, many_files: Path) -> None:
    before = folders_written(old_kb)
    proc = spawn("add", many_files, "--kb", old_kb)
    wait_for_new_generation(old_kb, before, proc)
    time.sleep(0.5)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert_whole(old_kb, {OLD_FILES, OLD_FILES + 12})


def test_readers_see_a_whole_kb_all_through_a_build(old_kb: Path, many_files: Path) -> None:
    proc = spawn("build", many_files, "--kb", old_kb)
    answers = []
    while proc.poll() is None:
        result = run("stats", "--kb", old_kb, "--json")
        assert result.exit_code == 0, result.output
        answers.append(run_json("search", "技术改造", "--kb", old_kb, "--limit", "3") != [])
        time.sleep(0.2)
    assert proc.wait() == 0, proc.stderr.read()
    assert answers and all(answers)
    assert run_json("stats", "--kb", old_kb)["files"] == 12


def test_a_second_writer_is_told_the_kb_is_busy(old_kb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kb.writer, "LOCK_WAIT_SECONDS", 0.2)
    with FileLock(str(old_kb / "write.lock")):
        result = run("build", "--kb", old_kb)
    assert result.exit_code == 1
    assert f"busy: another policykb build is writing to {old_kb}" in result.output
    assert run_json("stats", "--kb", old_kb)["files"] == OLD_FILES


def test_ctrl_c_stops_cleanly_and_a_rerun_resumes(old_kb: Path, many_files: Path) -> None:
    before = folders_written(old_kb)
    proc = spawn("build", many_files, "--kb", old_kb)
    if not wait_for_new_generation(old_kb, before, proc):
        pytest.skip("the build finished before it could be interrupted")
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=60)
    if proc.returncode == 0:
        pytest.skip("the build finished before it could be interrupted")
    assert proc.returncode == 130, err
    assert "stopped" in err and "run the same command again to resume" in err and "Traceback" not in err
    assert_whole(old_kb, {OLD_FILES})
    assert run_json("build", many_files, "--kb", old_kb)["counts"]["files"] == 12
