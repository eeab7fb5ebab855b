"""Change a knowledge base safely: build it anew, add files, remove files.

A build writes a whole new generation (kb.layout) and publishes it with one
atomic switch. An add or remove changes the current generation in place: its
database inside one SQLite transaction (WAL mode, so readers keep the snapshot
they opened) and a new index folder of hard links plus new segments, named by
the database in that same transaction. One writer at a time holds a file lock.
Whatever happens before the switch or the commit — an error, Ctrl-C, SIGKILL,
a full disk — readers keep the previous state, whole.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import signal
import sqlite3
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from filelock import FileLock, Timeout

from kb import index, layout, posting_arrays, store, task_index
from kb.ingest import (
    Extracted,
    ExtractionCache,
    FileItem,
    Limits,
    Skipped,
    discover,
    extract_all,
    extractor_fingerprint,
    identify,
    over_limit,
)
from kb.prepared import prepare
from kb.tokenizer import TOTAL_PADDING_WORD, use_full_dictionary, write_vocabulary
from model import KnowledgeBaseError

LOCK_WAIT_SECONDS = 3.0
FEW_FILES = 2  # up to this many files, the workers only read them (see _ingest)


class Progress(Protocol):
    """Told how many files there are, then each one as it is done (the CLI draws a bar)."""

    def start(self, total: int) -> None: ...

    def advance(self, path: str) -> None: ...


@dataclass
class ChangeReport:
    """What a build, add or remove did."""

    kb: str
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    changed: bool = False


@contextmanager
def writing(root: Path) -> Iterator[None]:
    """Hold the knowledge base's write lock, or say clearly that another writer has it."""
    root.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(root / layout.LOCK))
    try:
        lock.acquire(timeout=LOCK_WAIT_SECONDS)
    except Timeout:
        raise KnowledgeBaseError(
            f"busy: another policykb build is writing to {root}; wait for it to finish and try again"
        ) from None
    try:
        layout.prune(root)  # clear folders a killed writer left behind
        yield
        layout.prune(root)  # and generations no reader is sent to any more
    except (OSError, sqlite3.OperationalError) as exc:
        if not _out_of_space(exc):
            raise
        raise KnowledgeBaseError(  # the change was abandoned before this: nothing of it is left
            f"the disk is full or refused a write ({exc}); the knowledge base at {root} is unchanged: "
            "free some space and run the same command again"
        ) from None
    finally:
        lock.release()


_NO_SPACE = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
# SQLite's codes for a write it could not make: full; a write, flush or shared-memory file failing (EFBIG)
_SQLITE_NO_SPACE = {
    sqlite3.SQLITE_FULL,
    sqlite3.SQLITE_IOERR_WRITE,
    sqlite3.SQLITE_IOERR_FSYNC,
    sqlite3.SQLITE_IOERR_SHMSIZE,
}


def _out_of_space(exc: BaseException) -> bool:
    """True for a write refused for want of space (a full disk, a quota, a file size limit)."""
    if isinstance(exc, sqlite3.OperationalError):
        return getattr(exc, "sqlite_errorcode", None) in _SQLITE_NO_SPACE
    return isinstance(exc, OSError) and exc.errno in _NO_SPACE


class _Generation:
    """A new generation being written: its database, its index writer, and how to finish or abandon it."""

    def __init__(self, root: Path, base: Path | None) -> None:
        self.root = root
        self.path = layout.new_generation(root)
        self.db_path = self.path / layout.DB_NAME
        self.index_path = self.path / layout.INDEX_DIR
        self.fresh = base is None
        self.done = False  # published: an error or Ctrl-C after this point must not undo it
        try:
            if base is not None:
                with store.connect(base / layout.DB_NAME, readonly=True) as src, sqlite3.connect(self.db_path) as dst:
                    src.backup(dst)
                shutil.copytree(base / layout.INDEX_DIR, self.index_path)
                self.ix = index.open_index(self.index_path)
            else:
                self.ix = index.create(self.index_path)
            self.conn = store.connect(self.db_path, bulk=self.fresh)  # published only once whole: see publish
            self.writer = index.writer(self.ix)
        except BaseException:
            shutil.rmtree(self.path, ignore_errors=True)
            raise

    def remove_source(self, path: str) -> None:
        ids = store.delete_source(self.conn, path)
        index.delete_documents(self.writer, ids)

    def add(self, result: Extracted) -> str | None:
        """Store one file's documents and clauses; returns why it was refused, or None."""
        for doc in result.documents:
            owner = store.document_owner(self.conn, doc.id)
            if owner is not None and owner != result.item.path:
                return f"holds the same document ({doc.title or doc.id}) as {owner}; the copy was not added"
        record = store.SourceRecord(result.item.path, result.item.sha256, result.item.mtime, result.item.size)
        # A result from the extraction cache (or read by a worker that only reads) is prepared here, as a worker would.
        prepared = result.prepared or prepare(result.source, result.documents)
        for analysed in prepared.analysed:
            index.add_analysed(self.writer, analysed)
        if index.pool_full(self.writer):  # memory stays bounded whatever the corpus: its postings as a segment
            self.writer.commit(merge=False)
            self.writer = index.writer(self.ix)
        store.insert_source(
            self.conn,
            record,
            result.source,
            result.documents,
            prepared.all_clauses(),
            doc_jsons=prepared.doc_jsons,
            facts=prepared.facts,
        )
        return None

    def finish(self) -> dict[str, int]:
        """Commit database and index, write the query vocabulary, publish.

        The graph is left to its first reader (kb.graphfile.derive), as after an add:
        deriving it from every document took 36 s at the end of a 10,000-document
        build, on one core, for commands that mostly never read it.
        """
        if self.fresh:
            self._commit_side_by_side()
        else:
            self._commit_database()
            self.writer.commit()
        posting_arrays.write(self.index_path)
        use_full_dictionary()  # the frequencies of the words
        write_vocabulary(index.vocabulary(self.ix), self.path / layout.VOCAB_NAME)
        counts = store.counts(self.conn)
        store.use_wal(self.conn)  # later adds change this database in place (_InPlace)
        self.conn.close()
        layout.publish(self.root, self.path)
        self.done = True
        return counts

    def _commit_database(self) -> None:
        if self.fresh:
            store.end_bulk(self.conn)
        store.refresh_agencies(self.conn)
        task_index.finish(self.conn)
        store.defer_graph(self.conn)
        self.conn.commit()

    def _commit_side_by_side(self) -> None:
        """Commit the database on a thread while this one commits the index: both before anything is published.

        The end of a fresh build is the index's commit (pure Python) and the database's
        indexes and arrays (SQLite, which lets go of the GIL while a statement runs):
        one core each instead of one after the other. An index that fails interrupts the
        database's statement and waits for it; a database that fails is raised once the
        index is committed. Nothing is published either way.
        """
        with ThreadPoolExecutor(max_workers=1) as beside:
            database = beside.submit(self._commit_database)
            try:
                self.writer.commit()  # merges small segments only: optimize=True rewrote the whole index on every add
            except BaseException:
                self.conn.interrupt()
                raise
        database.result()

    def abandon(self) -> None:
        if self.done:
            return
        with contextlib.suppress(Exception):  # already failing; the folder goes anyway
            self.writer.cancel()
        self.conn.close()
        shutil.rmtree(self.path, ignore_errors=True)


def _vocabulary_words(path: Path) -> set[str]:
    """The words of a query dictionary written by kb.tokenizer.write_vocabulary (its padding word aside)."""
    with open(path, encoding="utf-8") as handle:
        words = {line.rpartition(" ")[0] for line in handle}
    words.discard(TOTAL_PADDING_WORD)
    words.discard("")
    return words


def _new_segment_words(ix: Any, old_files: set[str]) -> set[str]:
    """The searchable words of the index segments a change wrote (those whose files are not in ``old_files``).

    Read from the new segments only, so the query dictionary grows by what the change
    added without a pass over every word of the whole index.
    """
    old_segments = {name.partition(".")[0] for name in old_files}
    with ix.reader() as reader:
        return {
            word
            for leaf, _base in reader.leaf_readers()
            if leaf.segment().segment_id() not in old_segments
            for name in index.SEARCH_FIELDS
            for word in leaf.field_terms(name)
        }


class _InPlace(_Generation):
    """An add or remove made to the current generation: one database transaction and a new index folder.

    The new index folder starts as hard links to the current one's files, so only
    the segments this change writes cost anything, and the current folder is left
    exactly as it was for the readers using it. The database names the new folder
    in the transaction that stores the facts, so a writer stopped at any moment
    before that commit leaves the knowledge base as it was (plus a folder no
    database names, pruned by the next writer).
    """

    def __init__(self, root: Path, gen: Path) -> None:  # not the base's: nothing is copied
        self.root = root
        self.path = gen
        self.fresh = False
        self.done = False  # committed: an error or Ctrl-C after this point must not undo it
        self.conn = store.connect(gen / layout.DB_NAME)
        try:
            self.before = layout.state_files(gen, store.index_state(self.conn))
            self.state = layout.new_state()
            self.files = layout.state_files(gen, self.state)
            self.linked = layout.link_folder(self.before.index, self.files.index)
            self.ix = index.open_index(self.files.index)
            self.writer = index.writer(self.ix)
        except BaseException:
            self.conn.close()
            self._remove_new_files()
            raise

    def finish(self) -> dict[str, int]:
        """Write the index and dictionary, flush them, then commit the facts and the state naming them."""
        store.refresh_agencies(self.conn)
        task_index.finish(self.conn)
        store.defer_graph(self.conn)  # the graph is derived by its first reader, for this state
        self.writer.commit()
        posting_arrays.write(self.files.index)  # the new segments' (the old ones' files are linked)
        layout.fsync_new_files(self.files.index, self.linked)
        known = _vocabulary_words(self.before.vocab)
        words = _new_segment_words(self.ix, self.linked) - known
        if words:
            use_full_dictionary()  # the frequencies of the new words
            write_vocabulary(known | words, self.files.vocab)
        else:  # e.g. a remove: the words left can only be fewer (a query for a word no clause holds finds nothing)
            os.link(self.before.vocab, self.files.vocab)
        layout.fsync_file(self.files.vocab)
        store.set_index_state(self.conn, self.state)
        counts = store.counts(self.conn)
        self.conn.commit()
        self.done = True
        self.conn.close()
        layout.prune_states(self.path, self.state)  # the state before this one stays for readers that opened it
        return counts

    def abandon(self) -> None:
        if self.done:
            return
        with contextlib.suppress(Exception):
            self.writer.cancel()
        with contextlib.suppress(Exception):
            self.conn.rollback()
        self.conn.close()
        if not self._committed():  # a Ctrl-C can land just after the commit, before `done` is set
            self._remove_new_files()

    def _committed(self) -> bool:
        try:
            with contextlib.closing(store.connect(self.path / layout.DB_NAME, readonly=True)) as conn:
                return store.index_state(conn) == self.state
        except Exception:  # cannot tell: keep the files (an unnamed folder is pruned by the next writer)
            return True

    def _remove_new_files(self) -> None:
        files = getattr(self, "files", None)
        if files is not None:
            shutil.rmtree(files.index, ignore_errors=True)
            files.vocab.unlink(missing_ok=True)


def _changer(root: Path, base: Path) -> _Generation:
    """How to change the current generation: in place, or (a database from before WAL mode) by a copy."""
    with contextlib.closing(store.connect(base / layout.DB_NAME, readonly=True)) as conn:
        in_place = store.uses_wal(conn)
        state = store.index_state(conn)
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if row is not None and row[0] != store.SCHEMA_VERSION:  # its tables are not the ones this version fills
        raise KnowledgeBaseError(
            f"the knowledge base at {root} was built by another version of policykb (database schema {row[0]}, "
            f"this version writes {store.SCHEMA_VERSION}); run `policykb build` to rebuild it, then add again"
        )
    if not in_place:
        return _Generation(root, base=base)
    layout.prune_states(base, state)  # under the lock: folders of killed writers, states no reader is sent to
    return _InPlace(root, base)


def _counts(generation: Path) -> dict[str, int]:
    """How many documents and facts of each kind a generation holds (the report of a change that changed nothing)."""
    with store.connect(generation / layout.DB_NAME, readonly=True) as conn:
        return store.counts(conn)


def _identify_all(files: list[Path], limits: Limits, report: ChangeReport) -> list[FileItem]:
    items: list[FileItem] = []
    for path in files:
        try:
            item = identify(path)
        except PermissionError:
            report.skipped.append(Skipped(str(path), "permission denied; ask for read access or copy the file"))
            continue
        except OSError as exc:
            report.skipped.append(Skipped(str(path), f"cannot be opened ({exc.strerror}); check the file"))
            continue
        reason = over_limit(item, limits)
        if reason:
            report.skipped.append(Skipped(item.path, reason))
        else:
            items.append(item)
    return items


class _CtrlC:
    """Remembers a Ctrl-C. Python may swallow the KeyboardInterrupt it raises (inside an at-fork handler while
    reader processes start), so the writer also checks this before it stores each file and before it publishes."""

    def __init__(self) -> None:
        self.pressed = False

    def handle(self, signum: int, frame: object) -> None:
        self.pressed = True
        raise KeyboardInterrupt

    def check(self) -> None:
        if self.pressed:
            raise KeyboardInterrupt


@contextmanager
def _ctrl_c_noted() -> Iterator[_CtrlC]:
    ctrl_c = _CtrlC()
    if threading.current_thread() is not threading.main_thread():
        yield ctrl_c  # signal handlers can only be set from the main thread; Ctrl-C goes there anyway
        return
    previous = signal.signal(signal.SIGINT, ctrl_c.handle)
    previous_hook = sys.unraisablehook

    def quiet_hook(unraisable: Any) -> None:  # a swallowed Ctrl-C is noted above; no traceback for the user
        if not isinstance(unraisable.exc_value, KeyboardInterrupt):
            previous_hook(unraisable)

    sys.unraisablehook = quiet_hook
    try:
        yield ctrl_c
    finally:
        signal.signal(signal.SIGINT, previous)
        sys.unraisablehook = previous_hook


def _ingest(
    gen: _Generation,
    items: list[FileItem],
    limits: Limits,
    root: Path,
    report: ChangeReport,
    progress: Progress | None,
    replaced: set[str],
) -> None:
    cache = ExtractionCache(root / layout.CACHE, extractor_fingerprint())
    if progress:
        progress.start(len(items))
    lock_path = str((root / layout.LOCK).resolve())
    # A file or two: the workers only read, and this process loads jieba's dictionary (about 1 s) meanwhile
    # and segments them itself. More: the dictionary is loaded first and shared by the workers it forks.
    few = len(items) <= FEW_FILES
    if not few:
        use_full_dictionary()
    results = extract_all(
        items,
        limits,
        cache,
        lock_path=lock_path,
        segment_in_workers=not few,
        meanwhile=use_full_dictionary if few else None,
    )
    with _ctrl_c_noted() as ctrl_c:
        for result in results:
            ctrl_c.check()
            _store(gen, result, report, replaced)
            if progress:
                progress.advance(result.item.path if isinstance(result, Extracted) else result.path)
        ctrl_c.check()


def _store(gen: _Generation, result: Extracted | Skipped, report: ChangeReport, replaced: set[str]) -> None:
    """Put one file's result into the new generation, or note why it was skipped."""
    if isinstance(result, Skipped):
        report.skipped.append(result)
        return
    path = result.item.path
    if path in replaced:
        gen.remove_source(path)
    refusal = gen.add(result)
    if refusal:
        report.skipped.append(Skipped(path, refusal))
    else:
        (report.replaced if path in replaced else report.added).append(path)


def build(root: Path, paths: list[Path], limits: Limits, progress: Progress | None = None) -> ChangeReport:
    """Read every supported file under ``paths`` into a fresh knowledge base at ``root``."""
    files, missing = discover(paths)
    report = ChangeReport(kb=str(root), skipped=missing)
    if not files:
        where = ", ".join(str(p) for p in paths)
        raise KnowledgeBaseError(f"no policy files (.txt .pdf .html .docx) found in {where}; nothing was built")
    with writing(root):
        items = _identify_all(files, limits, report)
        use_full_dictionary()
        gen = _Generation(root, base=None)
        try:
            _ingest(gen, items, limits, root, report, progress, replaced=set())
            if not report.added:
                first = report.skipped[0] if report.skipped else None
                why = f" ({first.path}: {first.reason})" if first else ""
                raise KnowledgeBaseError(
                    f"none of the {len(files)} files could be read{why}; the knowledge base at {root} was not changed"
                )
            report.counts = gen.finish()
            report.changed = True
        except BaseException:
            gen.abandon()
            raise
        ExtractionCache(root / layout.CACHE, extractor_fingerprint()).prune()
    return report


def add(root: Path, files: list[Path], limits: Limits, progress: Progress | None = None) -> ChangeReport:
    """Add files to the knowledge base; an unchanged file changes nothing, a changed one replaces its facts."""
    base = layout.current_generation(root)
    found, missing = discover(files)
    report = ChangeReport(kb=str(root), skipped=missing)
    with writing(root):
        base = layout.current_generation(root)  # may have moved on while we waited
        with contextlib.closing(store.connect(base / layout.DB_NAME, readonly=True)) as conn:
            known = store.source_records(conn)
        items = []
        for item in _identify_all(found, limits, report):
            if item.path in known and known[item.path].sha256 == item.sha256:
                report.unchanged.append(item.path)
            else:
                items.append(item)
        if not items:
            report.counts = _counts(base)
            return report
        gen = _changer(root, base)
        try:
            _ingest(gen, items, limits, root, report, progress, replaced={i.path for i in items if i.path in known})
            if not (report.added or report.replaced):
                gen.abandon()
                report.counts = _counts(base)
                return report
            report.counts = gen.finish()
            report.changed = True
        except BaseException:
            gen.abandon()
            raise
    return report


def remove(root: Path, files: list[Path]) -> ChangeReport:
    """Take files (and every fact read from them) out of the knowledge base."""
    report = ChangeReport(kb=str(root))
    layout.current_generation(root)
    with writing(root):
        base = layout.current_generation(root)
        with contextlib.closing(store.connect(base / layout.DB_NAME, readonly=True)) as conn:
            known = store.source_records(conn)
        wanted: list[str] = []
        for path in files:
            key = str(path.resolve())
            inside = [k for k in sorted(known) if k.startswith(key + os.sep)]  # a folder: every file under it
            if key in known:
                wanted.append(key)
            elif inside:
                wanted += [k for k in inside if k not in wanted]
            else:
                report.skipped.append(Skipped(str(path), "is not in the knowledge base"))
        if not wanted:
            report.counts = _counts(base)
            return report
        gen = _changer(root, base)  # taking clauses out segments no text
        try:
            for key in wanted:
                gen.remove_source(key)
                report.removed.append(key)
            report.counts = gen.finish()
            report.changed = True
        except BaseException:
            gen.abandon()
            raise
    return report
