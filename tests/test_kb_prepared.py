"""A file prepared by a worker (kb.prepared) is stored exactly as the writer stored it before.

Clauses analysed in a worker and pooled by ``index.add_analysed`` make the same
index as whoosh's ``add_document``, and the build's term pool (kb.index._TermPool)
the same segment as whoosh's own pool, whatever mix of analysed clauses and
postings whoosh pools itself; documents serialised once (kb.serialize.plain)
make the same JSON as ``dataclasses.asdict``; the extraction cache file a worker
writes reads back as the writer's did; a fresh build's bulk-loaded database has
the same tables and indexes as one made by ``store.connect``.
"""

from __future__ import annotations

import io
import json
import pickle
import sqlite3
import struct
import subprocess
import sys
import zlib
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

from extract import extract_source, read_source
from kb import index, layout, store
from kb.clauses import clauses_of
from kb.ingest import ExtractionCache, FileItem
from kb.prepared import cache_json, prepare
from kb.serialize import document_to_json, to_json
from model import Document, SourceText

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def files(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> list[tuple[SourceText, list[Document]]]:
    """The seed documents and 24 generated ones (a PDF among them), read and extracted."""
    generated = tmp_path_factory.mktemp("prepared") / "generated"
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "generate.py"), str(generated), "--n", "24", "--seed", "3"],
        check=True,
        capture_output=True,
    )
    paths = sorted(corpus_dir.glob("*.txt")) + sorted(p for p in generated.iterdir() if p.is_file())
    out = []
    for path in paths:
        source = read_source(str(path))
        out.append((source, extract_source(source).documents))
    return out


def _index_content(ix: Any) -> tuple[list[dict[str, Any]], dict[Any, list[Any]], dict[Any, int | None]]:
    """Every stored field, posting (clause, weight, encoded positions) and searchable field length of an index."""
    with ix.reader() as reader:
        ids = {n: stored["clause_id"] for n, stored in reader.iter_docs()}
        postings: dict[Any, list[Any]] = {}
        for name in ix.schema.names():
            if not ix.schema[name].indexed:
                continue
            for term in reader.lexicon(name):
                matcher = reader.postings(name, term)
                items = []
                while matcher.is_active():
                    items.append((ids[matcher.id()], matcher.weight(), matcher.value()))
                    matcher.next()
                postings[(name, term)] = items
        lengths = {(ids[n], f): reader.doc_field_length(n, f) for n in ids for f in index.SEARCH_FIELDS}
        stored_fields = list(reader.all_stored_fields())
    return stored_fields, postings, lengths


@pytest.mark.parametrize("limit_mb", [index.LIMIT_MB, 1], ids=["one run", "pool saved in runs"])
def test_analysed_clauses_make_the_same_index_as_add_document(
    files: list[tuple[SourceText, list[Document]]], tmp_path: Path, limit_mb: int
) -> None:
    by_whoosh = index.create(tmp_path / "whoosh")
    by_analysis = index.create(tmp_path / "analysed")
    w1 = by_whoosh.writer(limitmb=limit_mb, codec=index.IndexCodec())
    w2 = index.writer(by_analysis, limit_mb)
    for source, documents in files:
        prepared = prepare(source, documents)
        for doc in documents:  # whoosh segments each value alone
            index.add_clauses(w1, doc, clauses_of(doc, source.text))
        for analysed in prepared.analysed:
            index.add_analysed(w2, analysed)
    w1.commit()
    w2.commit()
    first, second = _index_content(by_whoosh), _index_content(by_analysis)
    assert len(first[1]) > 1000 and len(first[0]) > 200
    assert first == second


def test_documents_and_facts_serialise_as_asdict(files: list[tuple[SourceText, list[Document]]]) -> None:
    for source, documents in files:
        assert to_json(source) == json.dumps(asdict(source), ensure_ascii=False)
        for doc in documents:
            assert document_to_json(doc) == json.dumps(asdict(doc), ensure_ascii=False)
            for fact in doc.targets + doc.funding + doc.responsibilities + doc.citations:
                assert to_json(fact) == json.dumps(asdict(fact), ensure_ascii=False)


def test_prepared_clauses_and_facts_are_the_documents(files: list[tuple[SourceText, list[Document]]]) -> None:
    for source, documents in files:
        prepared = prepare(source, documents)
        assert prepared.clauses == [clauses_of(doc, source.text) for doc in documents]
        assert prepared.facts == [store.fact_rows(doc) for doc in documents]
        assert len(prepared.analysed) == len(documents)


def test_a_worker_s_cache_file_reads_back_as_the_writer_s(
    files: list[tuple[SourceText, list[Document]]], tmp_path: Path
) -> None:
    cache = ExtractionCache(tmp_path / "cache", "fingerprint")
    cache.ready()
    for n, (source, documents) in enumerate(files):
        item = FileItem(source.path, f"{n:064x}", 0.0, 1)
        text = cache_json(source, prepare(source, documents))
        expected = {"source": asdict(source), "documents": [asdict(d) for d in documents]}
        assert json.loads(text) == json.loads(json.dumps(expected, ensure_ascii=False))
        cache.path(item).write_text(text, encoding="utf-8")
        assert cache.get(item) == (source, documents)


def _schema(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    return sorted(conn.execute("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"))


def test_a_bulk_database_ends_with_the_same_schema(tmp_path: Path) -> None:
    normal = store.connect(tmp_path / "normal.sqlite")
    bulk = store.connect(tmp_path / "bulk.sqlite", bulk=True)
    assert len(_schema(bulk)) < len(_schema(normal))  # the store's own indexes wait for the end
    store.end_bulk(bulk)
    assert _schema(bulk) == _schema(normal)
    normal.close()
    bulk.close()


def test_a_fresh_build_is_published_in_wal_mode_and_checks_clean(corpus_kb: Path) -> None:
    from kb.check import check_kb

    with sqlite3.connect(layout.current_generation(corpus_kb) / layout.DB_NAME) as conn:
        assert store.uses_wal(conn)
        assert {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")} >= {
            "facts_doc",
            "facts_kind",
            "clauses_doc",
            "documents_source",
        }
    assert check_kb(corpus_kb).ok


def _segment_files(ix: Any) -> dict[str, bytes]:
    """Every file of an index's one segment, named without the segment's random id."""
    (segment,) = ix._segments()
    storage = segment.open_compound_file(ix.storage) if segment.is_compound() else ix.storage
    name_id = segment.segment_id()
    out = {}
    for name in storage.list():
        if name_id in name:
            with storage.open_file(name) as handle:
                out[name.replace(name_id, "")] = handle.read()
    return out


def _blocks(postings: bytes, offset: int) -> list[str]:
    """One term's posting blocks as a reader decodes them: each block's header and its (ids, weights, values)."""
    assert postings[offset : offset + 4] == b"W3Bl"
    out, at, last = [], offset + 4, False
    while not last:  # the last block's size is stored negative
        size = struct.unpack(">i", postings[at : at + 4])[0]
        last, size = size < 0, abs(size)
        block = io.BytesIO(postings[at + 4 : at + 4 + size])
        header = pickle.load(block)
        data = block.read()
        out.append(repr((header, pickle.loads(zlib.decompress(data) if header[3] else data))))
        at += 4 + size
    return out


def _decoded(ix: Any) -> tuple[dict[str, bytes], dict[tuple[str, bytes], Any]]:
    """The segment's files but the postings and term table, and each term's statistics and blocks as read back.

    Block bytes hang on which equal values are one object to pickle (whoosh shares
    them within a process, a worker's pickle within a file): what a reader gets of
    them is compared, with the type of each number (an int 0 and 0.0 pickle apart).
    """
    files = _segment_files(ix)
    postings = files.pop(".pst")
    files.pop(".trm")
    terms = {}
    with ix.reader() as reader:
        for key in reader.all_terms():
            terminfo = reader.term_info(*key)
            info = vars(terminfo).copy()
            blocks = []
            if not terminfo.is_inlined():  # an inlined term holds its postings in its statistics
                del info["_offset"], info["_length"]
                blocks = _blocks(postings, terminfo.extent()[0])
            terms[key] = (repr(sorted(info.items())), blocks)
    return files, terms


def _by_whoosh(files: list[tuple[SourceText, list[Document]]], path: Path) -> Any:
    ix = index.create(path)
    w = ix.writer(limitmb=index.LIMIT_MB, codec=index.IndexCodec())
    for source, documents in files:
        for doc in documents:
            index.add_clauses(w, doc, clauses_of(doc, source.text))
    w.commit()
    return ix


@pytest.mark.parametrize("limit_mb", [index.LIMIT_MB, 1], ids=["one run", "whoosh's postings saved in runs"])
@pytest.mark.parametrize("whoosh_every", [0, 3], ids=["all analysed", "every third file added by whoosh"])
def test_the_term_pool_writes_the_same_segment_as_whoosh(
    files: list[tuple[SourceText, list[Document]]], tmp_path: Path, limit_mb: int, whoosh_every: int
) -> None:
    expected = _by_whoosh(files, tmp_path / "whoosh")
    ix = index.create(tmp_path / "pooled")
    w = index.writer(ix, limit_mb)
    for n, (source, documents) in enumerate(files):
        if whoosh_every and n % whoosh_every == 0:  # pooled by whoosh itself, as postings of a merged segment are
            for doc in documents:
                index.add_clauses(w, doc, clauses_of(doc, source.text))
        else:
            for analysed in prepare(source, documents).analysed:
                index.add_analysed(w, analysed)
    if whoosh_every:
        assert w.pool.current or w.pool.runs
    w.commit()
    with expected.reader() as reader:  # long posting lists are written in several blocks
        assert max(reader.doc_frequency("body", t) for t in reader.lexicon("body")) > 3 * 128
    want, got = _decoded(expected), _decoded(ix)
    assert sum(len(blocks) > 1 for _info, blocks in want[1].values()) > 10
    assert want == got


def test_a_repeated_value_is_analysed_once_into_the_same_postings(
    files: list[tuple[SourceText, list[Document]]],
) -> None:
    source, documents = next((s, d) for s, d in files if any(len(clauses_of(doc, s.text)) > 5 for doc in d))
    doc = next(doc for doc in documents if len(clauses_of(doc, source.text)) > 5)
    clauses = clauses_of(doc, source.text)
    words = index.file_words(source.text, documents)
    together = index.analyse_clauses(doc, clauses, words)
    alone = [index.analyse_clauses(doc, [c], words)[0] for c in clauses]
    assert together == alone
    assert together[0][1]["title"] is together[-1][1]["title"]  # shared, not analysed again
