"""Read files into documents for the knowledge base: find them, check limits, extract in worker processes.

Each file is extracted in a worker process (pebble), so a file that hangs a
reader is stopped at ``timeout`` seconds and reported, and one that crashes
one worker takes nothing else down. A file over a limit is skipped whole, never
half-read. Results are cached by content hash and extractor version, so a
stopped build resumes where it was and an unchanged corpus rebuilds fast.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import signal
import time
from collections.abc import Callable, Iterator
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extract.readers import LEGACY
from extract.readers.files import check_name, display_name
from kb.serialize import document_from_dict, plain
from model import Document, PolicyKBError, SourceText, UnreadableFileError

if TYPE_CHECKING:
    from kb.prepared import PreparedFile

SUPPORTED_SUFFIXES = (".txt", ".text", ".pdf", ".html", ".htm", ".docx")


@dataclass
class Limits:
    """Per-file limits; None means no limit."""

    max_mb: float | None = 50.0
    max_pages: int | None = 500
    timeout: float | None = 120.0


@dataclass
class Skipped:
    path: str
    reason: str


@dataclass
class FileItem:
    """A file found for the knowledge base, identified by its absolute path and content hash."""

    path: str
    sha256: str
    mtime: float
    size: int


@dataclass
class Extracted:
    item: FileItem
    source: SourceText
    documents: list[Document]
    prepared: PreparedFile | None = None  # made by the worker (None: the writer prepares it, kb.prepared)


def discover(paths: list[Path]) -> tuple[list[Path], list[Skipped]]:
    """Supported files under ``paths`` (folders searched recursively, hidden entries ignored), sorted."""
    found: list[Path] = []
    skipped: list[Skipped] = []
    wanted = SUPPORTED_SUFFIXES + tuple(LEGACY)  # old formats are found so that they are reported, not ignored
    for path in paths:
        if path.is_dir():
            for dirpath, dirnames, filenames in os.walk(path):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in filenames:
                    if not name.startswith(".") and name.lower().endswith(wanted):
                        found.append(Path(dirpath) / name)
        elif path.is_file() or path.is_symlink():
            found.append(path)
        else:
            skipped.append(Skipped(str(path), "no such file or folder"))
    unique: set[Path] = set()
    for path in found:
        resolved = _resolve(path)
        if isinstance(resolved, Skipped):
            skipped.append(resolved)
        else:
            unique.add(resolved)
    return sorted(unique), skipped


def _resolve(path: Path) -> Path | Skipped:
    """The real regular file behind ``path``, or why it cannot be read (a link loop or pipe would hang or crash)."""
    try:
        check_name(path)
    except UnreadableFileError as exc:  # reported by a printable name: the raw bytes cannot be shown or stored
        return Skipped(display_name(path), str(exc).removeprefix(display_name(path) + ": "))
    try:
        resolved = path.resolve(strict=True)
    except RuntimeError:  # Python 3.11 reports a symlink loop this way
        return Skipped(str(path), "is a symlink loop (the link points back at itself); fix or delete the link")
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return Skipped(str(path), "is a symlink loop (the link points back at itself); fix or delete the link")
        return Skipped(str(path), f"is a link to a missing file ({exc.strerror}); fix or delete the link")
    if not resolved.is_file():
        return Skipped(str(path), "is not a regular file (a pipe, socket or device); copy the document into a file")
    return resolved


def identify(path: Path) -> FileItem:
    """Hash a file's bytes (OSError propagates to the caller, who reports it)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    stat = path.stat()
    return FileItem(str(path), digest.hexdigest(), stat.st_mtime, stat.st_size)


def over_limit(item: FileItem, limits: Limits) -> str | None:
    if limits.max_mb is not None and item.size > limits.max_mb * 1024 * 1024:
        return (
            f"file is {item.size / 1048576:.1f} MB, over the --max-mb limit of {limits.max_mb:g} MB; "
            "raise --max-mb if the file is genuine"
        )
    return None


def extractor_fingerprint() -> str:
    """A hash of the extractor's code and data: cached results are reused only while it is unchanged."""
    import extract

    root = Path(extract.__file__).parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix != ".pyc" and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _read_kwargs(limits: Limits) -> dict[str, int]:
    """The limits the user set, as read_source's keyword arguments (the rest keep read_source's defaults)."""
    kwargs: dict[str, int] = {}
    if limits.max_pages is not None:
        kwargs["max_pages"] = limits.max_pages
    if limits.max_mb is not None:
        kwargs["max_bytes"] = int(limits.max_mb * 1024 * 1024)
    return kwargs


def _extract_in_worker(
    path: str, kwargs: dict[str, int], cache_file: str | None
) -> tuple[SourceText, list[Document], PreparedFile, float]:
    """Runs in a worker process: the file's text, its documents with facts, and all the writer stores of them.

    Segmenting and analysing the clauses, serialising the documents and writing the
    extraction cache here (both cores) rather than in the writer (one core) leaves
    the writer only the storing. The file's text is segmented once and each
    clause's words are sliced from it.
    """
    from extract import extract_source, read_source
    from kb.prepared import cache_json, prepare

    started = time.monotonic()
    source = read_source(path, **kwargs)
    documents = extract_source(source).documents
    reading = time.monotonic() - started
    prepared = prepare(source, documents)  # each document's clauses made once, for their words and their postings
    if cache_file is not None:
        _write_atomically(Path(cache_file), cache_json(source, prepared))
    return source, documents, prepared, reading


def _read_in_worker(path: str, kwargs: dict[str, int]) -> tuple[SourceText, list[Document], None, float]:
    """Runs in a worker process: the file's text and documents, unsegmented.

    For a writer storing a file or two: it loads jieba's dictionary and segments the
    clauses itself while the worker reads, instead of waiting for the worker to load
    the same dictionary again.
    """
    from extract import extract_source, read_source

    started = time.monotonic()
    source = read_source(path, **kwargs)
    documents = extract_source(source).documents
    return source, documents, None, time.monotonic() - started


class ExtractionCache:
    """Extraction results as JSON files named by content hash and extractor fingerprint."""

    def __init__(self, folder: Path, fingerprint: str) -> None:
        self.folder = folder
        self.fingerprint = fingerprint

    def path(self, item: FileItem) -> Path:
        """Where the result of ``item`` is kept (its folder exists once :meth:`ready` ran)."""
        return self.folder / f"{item.sha256[:32]}-{self.fingerprint}.json"

    def get(self, item: FileItem) -> tuple[SourceText, list[Document]] | None:
        try:
            data = json.loads(self.path(item).read_text(encoding="utf-8"))
            source = SourceText(**data["source"])
            source.page_starts = [(start, page) for start, page in source.page_starts]
            return source, [document_from_dict(d) for d in data["documents"]]
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def ready(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)

    def put(self, item: FileItem, source: SourceText, documents: list[Document]) -> None:
        self.ready()
        data = {"source": plain(source), "documents": [plain(d) for d in documents]}
        _write_atomically(self.path(item), json.dumps(data, ensure_ascii=False))

    def prune(self) -> None:
        """Drop results of older extractor versions."""
        for path in self.folder.glob("*.json"):
            if not path.stem.endswith(self.fingerprint):
                path.unlink(missing_ok=True)


def _write_atomically(path: Path, text: str) -> None:
    """Write ``text`` as ``path`` whole or not at all (a unique temporary file per process, then a rename)."""
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _worker_setup(lock_path: str | None) -> None:
    """Runs first in each worker: leave Ctrl-C to the writer, and let go of the writer's lock.

    A forked worker inherits the writer's lock file descriptor; were it to keep
    it, a writer killed with SIGKILL would leave the knowledge base "busy" for
    as long as its workers lived.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(Exception):  # an import error is reported by the file's own task
        from extract import extract_source, read_source  # noqa: F401 - loaded while the writer loads its dictionary

    if lock_path is None or not os.path.isdir("/proc/self/fd"):
        return
    for name in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{name}") == lock_path:
                os.close(int(name))
        except OSError:
            continue


AHEAD_PER_WORKER = 8


def _describe(exc: BaseException) -> str:
    if isinstance(exc, PolicyKBError):
        return str(exc)
    if isinstance(exc, MemoryError):
        return "ran out of memory while reading it"
    return f"could not be read ({type(exc).__name__}: {exc}); please report this file"


def extract_all(
    items: list[FileItem],
    limits: Limits,
    cache: ExtractionCache | None,
    workers: int | None = None,
    lock_path: str | None = None,
    segment_in_workers: bool = True,
    meanwhile: Callable[[], object] | None = None,
) -> Iterator[Extracted | Skipped]:
    """Extract each file in order (in parallel behind the scenes), yielding a result or why it was skipped.

    ``meanwhile`` runs once the workers have their files, before the first result is awaited.
    With ``segment_in_workers`` False, results come unprepared (the caller prepares them, kb.prepared).
    """
    from pebble import ProcessExpired, ProcessPool

    kwargs = _read_kwargs(limits)
    todo: list[FileItem] = []
    cached: dict[str, tuple[SourceText, list[Document]]] = {}
    for item in items:
        hit = cache.get(item) if cache else None
        if hit is not None:
            cached[item.path] = hit
        else:
            todo.append(item)
    workers = max(1, min(workers or os.cpu_count() or 1, len(todo) or 1))
    pool = ProcessPool(max_workers=workers, initializer=_worker_setup, initargs=(lock_path,)) if todo else None
    try:
        waiting = iter(todo)
        futures: dict[str, Any] = {}

        def schedule_ahead() -> None:
            """Keep a few files per worker in flight: finished results wait in memory until written."""
            while pool is not None and len(futures) < AHEAD_PER_WORKER * workers:
                item = next(waiting, None)
                if item is None:
                    return
                futures[item.path] = pool.schedule(task, args=task_args(item), timeout=limits.timeout)

        def task_args(item: FileItem) -> tuple[Any, ...]:
            if not segment_in_workers:
                return (item.path, kwargs)
            return (item.path, kwargs, str(cache.path(item)) if cache else None)  # the worker keeps it in the cache

        task: Callable[..., Any] = _extract_in_worker if segment_in_workers else _read_in_worker
        if cache and todo:
            cache.ready()
        schedule_ahead()
        if meanwhile is not None:
            meanwhile()
        for item in items:
            if item.path in cached:
                source, documents = cached[item.path]
                yield Extracted(item, source, documents)
                continue
            try:
                future = futures.pop(item.path)
                schedule_ahead()
                source, documents, prepared, reading = future.result()
                if limits.timeout is not None and reading > limits.timeout:
                    raise FutureTimeout  # done before the pool looked at its clock (it looks every ~0.1 s)
            except FutureTimeout:
                yield Skipped(item.path, f"took longer than the --timeout limit of {limits.timeout:g} s")
                continue
            except ProcessExpired as exc:
                yield Skipped(item.path, f"the reader crashed on it (exit code {exc.exitcode})")
                continue
            except Exception as exc:  # one bad file is reported, the rest still goes in
                yield Skipped(item.path, _describe(exc))
                continue
            if cache and prepared is None:  # a worker that prepared the file also kept it in the cache
                cache.put(item, source, documents)
            yield Extracted(item, source, documents, prepared)
    finally:
        if pool is not None:
            pool.stop()
            pool.join()
