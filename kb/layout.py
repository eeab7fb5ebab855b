"""Where a knowledge base lives on disk, and how a finished generation becomes the current one.

A knowledge base folder holds whole *generations*; ``CURRENT`` names the one
readers use. A writer builds a new generation beside it and switches
``CURRENT`` with one ``os.replace``, so a build that fails or is killed at any
moment leaves the previous generation whole::

    .policykb/
      CURRENT          "gen-1732240000000000000"
      write.lock       held by the one writer (filelock)
      cache/           extraction results by content hash (resumes a stopped build)
      gen-…/           kb.sqlite, index/ (whoosh), graph.json, vocab.txt
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from model import KnowledgeBaseError

DEFAULT_DIR = ".policykb"
ENV_VAR = "POLICYKB_HOME"
CURRENT = "CURRENT"
LOCK = "write.lock"
CACHE = "cache"
GEN_PREFIX = "gen-"
DB_NAME = "kb.sqlite"
INDEX_DIR = "index"
GRAPH_NAME = "graph.json"
VOCAB_NAME = "vocab.txt"


def resolve_kb_path(option: str | os.PathLike[str] | None = None) -> Path:
    """The knowledge base folder: ``--kb`` if given, else $POLICYKB_HOME, else ./.policykb."""
    if option:
        return Path(option).expanduser()
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    return Path.cwd() / DEFAULT_DIR


def current_generation(root: Path) -> Path:
    """The folder of the generation readers should use, or KnowledgeBaseError when there is none."""
    try:
        name = (root / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise KnowledgeBaseError(f"no knowledge base at {root}; run `policykb build` first") from None
    except OSError as exc:
        raise KnowledgeBaseError(f"cannot read the knowledge base at {root}: {exc.strerror}") from None
    gen = root / name
    if not name.startswith(GEN_PREFIX) or not (gen / DB_NAME).is_file():
        raise KnowledgeBaseError(
            f"the knowledge base at {root} is damaged (CURRENT names a missing generation '{name}'); "
            "run `policykb build` to rebuild it"
        )
    return gen


def new_generation(root: Path) -> Path:
    """A fresh, empty generation folder (not yet current)."""
    root.mkdir(parents=True, exist_ok=True)
    while True:
        gen = root / f"{GEN_PREFIX}{time.time_ns()}"
        try:
            gen.mkdir()
            return gen
        except FileExistsError:
            continue


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(path: Path) -> None:
    """Flush every file of a finished generation so a power cut cannot leave CURRENT pointing at holes."""
    for dirpath, _dirs, files in os.walk(path):
        for name in files:
            fd = os.open(os.path.join(dirpath, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_dir(Path(dirpath))


def publish(root: Path, gen: Path) -> None:
    """Make ``gen`` the current generation in one atomic step."""
    _fsync_tree(gen)
    tmp = root / f"{CURRENT}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(gen.name + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, root / CURRENT)
    _fsync_dir(root)


def prune(root: Path, keep: int = 2) -> None:
    """Delete generations a reader can no longer be sent to: all but the current and the one before.

    Called by the writer while it holds the lock, so unfinished folders left by a
    killed build are cleared here too.
    """
    try:
        current = (root / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        current = ""
    gens = sorted((p for p in root.glob(f"{GEN_PREFIX}*") if p.is_dir()), key=lambda p: p.name)
    finished = [p for p in gens if p.name <= current]
    keep_names = {current} | {p.name for p in finished[-keep:]}
    for gen in gens:
        if gen.name not in keep_names:
            shutil.rmtree(gen, ignore_errors=True)
    for tmp in root.glob(f"{CURRENT}.*.tmp"):
        tmp.unlink(missing_ok=True)
