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

A build writes a whole new generation. An ``add`` or ``remove`` changes the
current generation's database in place, in one SQLite transaction (WAL mode: a
reader keeps the snapshot it opened), and writes the search index anew as
``index-<state>/`` whose unchanged whoosh files are hard links to the previous
folder's (whoosh never rewrites a file it wrote), with ``vocab-<state>.txt``
beside it. The database names its state (kb.store.index_state) in the same
transaction, so a reader always opens the index, dictionary and graph of the
database state it sees; a writer killed before its commit leaves only folders
no database names, which the next writer prunes::

      gen-…/           kb.sqlite (+ -wal, -shm), index/, vocab.txt, graph.json (the build's state "")
                       index-<state>/, vocab-<state>.txt, graph-<state>.json (an add's state)
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import time
from dataclasses import dataclass
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


class ReadOnlyError(KnowledgeBaseError):
    """The knowledge base is on storage this process cannot write, for a reason the user should be told as such."""


def read_only(folder: Path) -> bool:
    """True when this process cannot create files in ``folder``: a read-only mount, a CD, a share or a folder
    without write permission (access(2) reports EROFS even to root). SQLite then cannot make the -wal/-shm files
    a reader of a WAL database needs (kb.store.connect), and nothing may be written beside the knowledge base."""
    return not os.access(folder, os.W_OK, effective_ids=os.access in os.supports_effective_ids)


def _nearest_existing(path: Path) -> Path:
    while not path.exists() and path.parent != path:
        path = path.parent
    return path


def check_writable(root: Path) -> None:
    """Raise ReadOnlyError before a build, add or remove starts when it could not write the knowledge base at
    ``root`` (or the folder it would be made in), so a read-only knowledge base is left exactly as it was."""
    if not root.exists():
        parent = _nearest_existing(root)
        if read_only(parent):
            raise ReadOnlyError(
                f"cannot make a knowledge base at {root}: {parent} is read-only; pass a writable folder with --kb"
            )
        return
    folders = [root]
    with contextlib.suppress(KnowledgeBaseError):  # none yet: a build makes one
        folders.append(current_generation(root))  # add and remove change its database in place
    for folder in folders:
        if read_only(folder):
            where = "" if folder == root else f" ({folder} cannot be written)"
            raise ReadOnlyError(
                f"the knowledge base at {root} is read-only{where}, so it cannot be changed; copy it to a writable "
                "folder and pass the copy with --kb (queries work on it as it is)"
            )


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


def _fsync(path: str | Path) -> None:
    """Flush one file or folder entry to disk (a folder: the names it holds)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(path: Path) -> None:
    """Flush every file of a finished generation so a power cut cannot leave CURRENT pointing at holes."""
    for dirpath, _dirs, files in os.walk(path):
        for name in files:
            _fsync(os.path.join(dirpath, name))
        _fsync(Path(dirpath))


def publish(root: Path, gen: Path) -> None:
    """Make ``gen`` the current generation in one atomic step."""
    _fsync_tree(gen)
    tmp = root / f"{CURRENT}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(gen.name + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, root / CURRENT)
    _fsync(root)


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


@dataclass(frozen=True)
class StateFiles:
    """The files that go with one database state of a generation."""

    index: Path  # the whoosh folder
    vocab: Path  # the query dictionary (kb.tokenizer.use_vocabulary)
    graph: Path  # graph.json, derived on first use after an add (kb.graphfile)


def state_files(gen: Path, state: str) -> StateFiles:
    """Where the index, dictionary and graph of ``state`` live ("" is the state a build wrote)."""
    if not state:
        return StateFiles(gen / INDEX_DIR, gen / VOCAB_NAME, gen / GRAPH_NAME)
    return StateFiles(gen / f"{INDEX_DIR}-{state}", gen / f"vocab-{state}.txt", gen / f"graph-{state}.json")


def new_state() -> str:
    """A name for the state an add or remove is about to write (later states sort higher)."""
    return str(time.time_ns())


def _state_key(state: str) -> int:
    return int(state) if state else -1


_STATE_FILE = re.compile(r"^(?:index|vocab|graph)(?:-(\d+))?(?:\.(?:txt|json|pickle))?$")


def prune_states(gen: Path, current: str) -> None:
    """Delete the files of states a reader can no longer be sent to: all but ``current`` and the one before.

    Called by the writer while it holds the lock, so an index folder written by a
    writer killed before its database commit (a state no database names) goes too.
    Deleting an index folder of hard links frees only the files no kept folder shares.
    """
    found: dict[str, list[Path]] = {}
    for path in gen.iterdir():
        match = _STATE_FILE.match(path.name)
        if match:
            found.setdefault(match.group(1) or "", []).append(path)
    older = [s for s in found if _state_key(s) < _state_key(current)]
    keep = {current} | ({max(older, key=_state_key)} if older else set())
    for state, paths in found.items():
        if state in keep:
            continue
        for path in paths:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)


def link_folder(old: Path, new: Path) -> set[str]:
    """Create ``new`` holding hard links to the files of ``old`` (lock files aside); returns their names.

    On a file system without hard links the files are copied and flushed instead.

    Only for folders whose files are never changed once written (whoosh writes new
    segment and TOC files and never reopens one for writing), so the new folder
    costs no copying and ``old`` stays byte for byte as it was.
    """
    new.mkdir()
    linked: set[str] = set()
    with os.scandir(old) as entries:
        for entry in entries:
            if entry.is_file(follow_symlinks=False) and not entry.name.endswith("LOCK"):
                try:
                    os.link(entry.path, new / entry.name)
                except OSError as exc:  # a file system without hard links: copy (and flush) instead
                    if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
                        raise
                    shutil.copyfile(entry.path, new / entry.name)
                    fsync_file(new / entry.name)
                linked.add(entry.name)
    return linked


def fsync_new_files(folder: Path, old: set[str]) -> None:
    """Flush the files of ``folder`` that are not in ``old`` (hard links to files already on disk), and the folder."""
    for entry in os.scandir(folder):
        if entry.is_file(follow_symlinks=False) and entry.name not in old:
            _fsync(entry.path)
    _fsync(folder)


def fsync_file(path: Path) -> None:
    """Flush one new file and the folder entry that names it."""
    _fsync(path)
    _fsync(path.parent)
