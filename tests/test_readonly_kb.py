"""A knowledge base on storage that cannot be written (a read-only share, a CD, a copy without write bits).

Every query answers as on the writable original, nothing is written beside the
knowledge base, and build/add/remove stop with one clear line, leaving it as it was.
As root (write bits do not stop root) the copy is bind-mounted read-only; as
another user its write bits are taken away. Without either, the tests are skipped.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from kb import layout
from kb.check import check_kb
from kb.knowledge_base import KnowledgeBase

QUERIES = [
    ["stats", "--json"],
    ["check", "--json"],
    ["who", "绿色工厂", "--json"],
    ["who", "融资", "--city", "成都"],
    ["duties", "市财政局", "--json"],
    ["search", "贴息", "--json"],
    ["search", "贴息", "--city", "成都", "--has", "funding"],
    ["chain", "融资", "--json"],
    ["targets", "--json"],
    ["funding", "--json"],
    ["compare", "重庆", "成都", "--format", "json"],
]


def _set_writable(root: Path, writable: bool) -> None:
    for folder, _dirs, files in os.walk(root):
        for path in [folder, *(os.path.join(folder, f) for f in files)]:
            mode = os.stat(path).st_mode
            os.chmod(path, mode | 0o200 if writable else mode & ~0o222)


@contextmanager
def read_only(src: Path, mount_point: Path) -> Iterator[Path]:
    """``src`` seen through a path this process cannot write: a read-only bind mount as root, else no write bits."""
    if os.geteuid() != 0:
        _set_writable(src, False)
        try:
            yield src
        finally:
            _set_writable(src, True)
        return
    mount_point.mkdir()
    for args in (["--bind", str(src), str(mount_point)], ["-o", "remount,ro,bind", str(mount_point)]):
        done = subprocess.run(["mount", *args], capture_output=True, text=True)
        if done.returncode != 0:
            subprocess.run(["umount", str(mount_point)], capture_output=True)
            pytest.skip(f"cannot bind-mount a read-only copy here (root without mount permission): {done.stderr}")
    try:
        assert not os.access(mount_point, os.W_OK)  # even for root
        yield mount_point
    finally:
        if subprocess.run(["umount", str(mount_point)]).returncode != 0:  # busy: a file still open
            subprocess.run(["umount", "--lazy", str(mount_point)], check=True)


def _tree(root: Path) -> dict[str, str]:
    """Every file under ``root`` with a hash of its bytes."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*") if p.is_file()
    }


def _run(args: list[str], kb: Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [*args, "--kb", str(kb)])
    assert not isinstance(result.exception, AssertionError)
    return result.exit_code, result.output.replace(str(kb), "KB")


@pytest.fixture
def two_copies(corpus_kb: Path, tmp_path: Path) -> tuple[Path, Path]:
    """Two copies of the corpus knowledge base: one to make read-only, one kept writable to compare with."""
    original = tmp_path / "original"
    shutil.copytree(corpus_kb, original)
    shutil.copytree(corpus_kb, tmp_path / "src")
    return tmp_path / "src", original


def test_every_query_answers_on_read_only_storage_as_on_the_original(
    two_copies: tuple[Path, Path], tmp_path: Path
) -> None:
    src, original = two_copies
    before = _tree(src)
    with read_only(src, tmp_path / "ro") as kb:
        for args in QUERIES:
            code, output = _run(args, kb)
            assert (code, output) == _run(args, original), args
            assert code == 0, output
        # writing an export or a report elsewhere works
        for args, name in (
            (["graph", "export", "--format", "json", "-o"], "graph.json"),
            (["compare", "重庆", "青岛", "--format", "html", "-o"], "report.html"),
        ):
            assert _run([*args, str(tmp_path / f"ro-{name}")], kb)[0] == 0
            assert _run([*args, str(tmp_path / f"rw-{name}")], original)[0] == 0
            assert (tmp_path / f"ro-{name}").read_bytes() == (tmp_path / f"rw-{name}").read_bytes()
    assert _tree(src) == before  # not even a -wal, -shm, graph.json or lock file


@pytest.mark.parametrize(
    "args",
    [["build", "corpus"], ["add", "corpus/004_bb2807ede5a84bad.txt"], ["remove", "corpus/004_bb2807ede5a84bad.txt"]],
)
def test_writers_refuse_a_read_only_kb_in_one_line_and_leave_it_as_it_was(
    args: list[str], two_copies: tuple[Path, Path], tmp_path: Path
) -> None:
    src, _original = two_copies
    before = _tree(src)
    with read_only(src, tmp_path / "ro") as kb:
        code, output = _run(args, kb)
        assert code == 1
        assert output.startswith("Error: the knowledge base at KB is read-only")
        assert "--kb" in output and "Traceback" not in output and output.count("\n") == 1
    assert _tree(src) == before


def test_build_into_a_read_only_folder_says_where_to_build_instead(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with read_only(tmp_path / "empty", tmp_path / "ro") as folder:
        code, output = _run(["build", "corpus"], folder / "kb")
    assert code == 1
    assert output == (
        f"Error: cannot make a knowledge base at KB: {folder} is read-only; pass a writable folder with --kb\n"
    )
    assert not (tmp_path / "empty" / "kb").exists()


def _leave_changes_in_wal(db: Path) -> None:
    """Commit a change that stays in the -wal file (as when a reader held the database open through an add)."""
    code = (
        "import os, sqlite3, sys\n"
        "c = sqlite3.connect(sys.argv[1]); c.execute('PRAGMA wal_autocheckpoint = 0')\n"
        "c.execute(\"INSERT INTO meta VALUES ('probe', 'in the wal')\"); c.commit(); os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", code, str(db)], check=True)
    assert db.with_name(db.name + "-wal").stat().st_size > 0


def test_changes_left_in_the_wal_are_read_or_the_reader_is_told_to_copy(
    two_copies: tuple[Path, Path], tmp_path: Path
) -> None:
    src, _original = two_copies
    _leave_changes_in_wal(layout.current_generation(src) / layout.DB_NAME)
    with read_only(src, tmp_path / "ro") as kb, KnowledgeBase(kb) as opened:
        # not immutable=1, which would skip the -wal: read through the -shm beside it
        assert opened.conn.execute("SELECT value FROM meta WHERE key = 'probe'").fetchone() == ("in the wal",)
    shm = layout.current_generation(src) / (layout.DB_NAME + "-shm")
    shm.unlink()
    with read_only(src, tmp_path / "ro2") as kb:
        with pytest.raises(layout.ReadOnlyError, match="copy the knowledge base to a writable folder"):
            KnowledgeBase(kb)
        report = check_kb(kb)
        assert not report.ok and "read-only storage" in report.checks[0][2]
        code, output = _run(["who", "融资"], kb)
        assert code == 1 and "kb.sqlite-wal" in output and output.count("\n") == 1


def test_a_writable_kb_still_gives_each_reader_its_snapshot(two_copies: tuple[Path, Path]) -> None:
    """Only a folder that cannot be written is opened immutable: elsewhere a reader keeps its WAL snapshot."""
    src, _original = two_copies
    db = layout.current_generation(src) / layout.DB_NAME
    with KnowledgeBase(src) as reader:
        files = reader.stats()["files"]
        with closing(sqlite3.connect(db)) as writer, writer:
            writer.execute("DELETE FROM sources WHERE path = (SELECT min(path) FROM sources)")
        assert reader.stats()["files"] == files  # the snapshot it opened
        with KnowledgeBase(src) as later:
            assert later.stats()["files"] == files - 1
