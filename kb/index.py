"""The whoosh index of clauses: one whoosh document per clause, tokenised by kb.tokenizer.

BM25F ranks over the clause body, with its section path and document title as
weaker fields. Filters (city, document, year, agency, fact flags) are indexed
fields, so they narrow the search inside whoosh rather than after it.
"""

from __future__ import annotations

import heapq
import mmap
import os
import weakref
from array import array
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from whoosh import formats, scoring
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec, W3FieldWriter
from whoosh.fields import BOOLEAN, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile
from whoosh.system import pack_uint
from whoosh.writing import IndexWriter
from whoosh.writing.posting_pool import PostingPool

from kb.clauses import PATH_SEPARATOR, Clause, clauses_of
from kb.places import place_key
from kb.tokenizer import Group, JiebaTokenizer, SourceWords, Words, analyzer, groups_of, joined_groups
from model import Document, KnowledgeBaseError, Span

SEARCH_FIELDS = ("body", "facts", "heading", "title")
# "facts" repeats the words of the targets and funding clauses a clause states, so a clause that
# grants 贴息 outranks one that only mentions it.
FIELD_BOOSTS = {"body": 1.0, "facts": 1.0, "heading": 0.4, "title": 0.2}
LIMIT_MB = 128
# Postings a build pools before it writes them as a segment of their own (~20 bytes each in memory): a
# 10,000-document corpus holds ~15 million, so it stays one segment; a larger one is written in parts.
SEGMENT_POSTINGS = 20_000_000


class _Positions(formats.Positions):
    """whoosh-ng's position format, read without its guess at an old pickled encoding.

    whoosh-ng takes any posting whose bytes end in ``.`` for the pickles of old whoosh
    versions: a word whose last position step is 46 (e.g. the 47th word of a long section
    path) then made a phrase query fail with an UnpicklingError. The varint reader stops
    after the count it reads first, so a trailing byte it never reaches keeps it on that path.
    """

    def decode_positions(self, valuestring: bytes) -> list[int]:
        positions: list[int] = super().decode_positions(valuestring + b"\0")
        return positions


_POSITIONS = _Positions()


def _positioned(field: TEXT) -> TEXT:
    field.format = _Positions(field_boost=field.format.field_boost)
    return field


def schema() -> Schema:
    ana = analyzer()
    return Schema(
        clause_id=ID(stored=True, unique=True),
        doc_id=ID(stored=True),
        title=_positioned(TEXT(analyzer=ana, stored=True, field_boost=FIELD_BOOSTS["title"])),
        heading=_positioned(TEXT(analyzer=ana, stored=True, field_boost=FIELD_BOOSTS["heading"])),
        # positions only (snippets re-read the stored text), in the format that reads them safely
        body=_positioned(TEXT(analyzer=ana, stored=True, phrase=True)),
        facts=TEXT(analyzer=ana, phrase=False, field_boost=FIELD_BOOSTS["facts"]),
        # Filter fields keep no length column: IndexCodec looks a missing column up once per field, not per posting.
        city=ID,  # filter fields are not shown: not stored
        jurisdiction=STORED,
        year=ID(stored=True),
        agencies=KEYWORD(stored=True, commas=True),
        has_target=BOOLEAN(),
        has_funding=BOOLEAN(),
        has_responsibility=BOOLEAN(),
        start=STORED,
        end=STORED,
    )


def create(path: Path) -> whoosh_index.Index:
    path.mkdir(parents=True, exist_ok=True)
    return whoosh_index.create_in(str(path), schema())


class _Window:
    """A file-like window onto part of a memory map (what whoosh reads a segment's files through)."""

    def __init__(self, mapped: mmap.mmap, start: int, length: int) -> None:
        self._map, self._start, self._end, self._pos = mapped, start, start + length, start

    def read(self, size: int | None = -1) -> bytes:
        end = self._end if size is None or size < 0 else min(self._end, self._pos + size)
        data = self._map[self._pos : end]
        self._pos = max(self._pos, end)
        return data

    def readline(self) -> bytes:
        newline = self._map.find(b"\n", self._pos, self._end)
        return self.read(-1 if newline < 0 else newline + 1 - self._pos)

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: self._start, os.SEEK_CUR: self._pos, os.SEEK_END: self._end}[whence]
        self._pos = base + offset
        return self._pos - self._start

    def tell(self) -> int:
        return self._pos - self._start

    def close(self) -> None:
        """The map closes when the last window onto it goes."""


class _MappedFile(StructFile):
    """An index file read from a memory map: pages load on demand, nothing is copied.

    whoosh reads a compound segment by copying each of its files into memory on open
    (a BytesIO of the mapped bytes: 180 MB and 0.3 s per search process at 10,000
    documents); windows onto one shared map read the same bytes without the copy.
    """

    def __init__(self, mapped: mmap.mmap, start: int, length: int, name: str | None = None) -> None:
        super().__init__(_Window(mapped, start, length), name=name)
        self._map, self._start = mapped, start

    def get(self, position: int, length: int) -> bytes:
        start = self._start + position
        return self._map[start : start + length]

    def subset(self, position: int, length: int, name: str | None = None) -> _MappedFile:
        return _MappedFile(self._map, self._start + position, length, name or self._name)


class _MappedStorage(FileStorage):
    """whoosh's folder storage, reading existing files through memory maps (see _MappedFile)."""

    def open_file(self, name: str, **kwargs: Any) -> StructFile:
        with open(self._fpath(name), "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if not size:
                return super().open_file(name, **kwargs)
            mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        return _MappedFile(mapped, 0, size, name=name)


def open_index(path: Path) -> whoosh_index.Index:
    try:
        if not path.is_dir():
            raise OSError(f"no folder {path}")
        return _MappedStorage(str(path)).open_index()
    except (whoosh_index.IndexError, OSError, ValueError) as exc:  # IndexError: whoosh's own, e.g. a lost segment
        raise KnowledgeBaseError(
            f"the search index at {path} cannot be opened ({exc}); run `policykb build` to rebuild it"
        ) from None


def length_table() -> list[int]:
    from whoosh.util.numeric import byte_to_length

    return [byte_to_length(b) if b else 1 for b in range(256)]  # 0: no length stored, whoosh's default is 1


def length_column(perdoc: Any, fieldname: str) -> bytes | None:
    """One segment's stored lengths of ``fieldname``, a byte per clause (whoosh's rounded length).

    Read straight from whoosh-ng's W3 column, once, instead of through its per-clause
    calls. ``b""`` when the field keeps no length column; None when the segment is
    not laid out as we know (callers then ask whoosh).
    """
    try:
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

        column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if column is None:
            return b""
        raw: bytes = column._dbfile.get(column._basepos, column._count)
    except (AttributeError, TypeError):
        return None
    return raw


_field_lengths: weakref.WeakKeyDictionary[Any, dict[str, list[int]]] = weakref.WeakKeyDictionary()


def _lengths_of(reader: Any, fieldname: str) -> list[int] | None:
    """Every clause's length in ``fieldname`` in one segment, read once (None: not the layout we know)."""
    per_field = _field_lengths.setdefault(reader, {})
    if fieldname not in per_field:
        raw = length_column(reader._perdoc, fieldname)
        if not raw:
            return None
        table = length_table()
        per_field[fieldname] = [table[b] for b in raw] + [1] * (reader.doc_count_all() - len(raw))
    return per_field[fieldname]


class LengthCachedBM25F(scoring.BM25F):
    """whoosh's BM25F with each segment's field lengths read once into a list.

    whoosh looks a clause's field length up through four layers of calls for every
    matching posting (a third of the scoring time); the scores are the same.
    """

    def scorer(self, searcher: Any, fieldname: str, text: bytes, qf: int = 1) -> Any:
        scorer = super().scorer(searcher, fieldname, text, qf)
        if isinstance(scorer, scoring.BM25FScorer):
            lengths = _lengths_of(searcher.reader(), fieldname)
            if lengths is not None:
                scorer.dfl = lengths.__getitem__
        return scorer


class _ReadOnceLengths:
    """A new segment's field lengths, each field's column read once, for whoosh writing its postings.

    whoosh looks up the clause's field length for every posting it writes (to keep each
    block's shortest and longest), through five calls and a file read each: a third of
    the time of committing an index. The lengths are the same.
    """

    def __init__(self, perdoc: Any) -> None:
        self._perdoc = perdoc
        self._fields: dict[str, list[int] | None] = {}

    def _column(self, fieldname: str) -> list[int] | None:
        """Every clause's length in ``fieldname`` (None: not the column layout we know)."""
        if fieldname not in self._fields:
            raw = length_column(self._perdoc, fieldname)
            table = length_table()
            self._fields[fieldname] = None if raw is None else [table[b] if b else 0 for b in raw]
        return self._fields[fieldname]

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int | None:
        lengths = self._column(fieldname)
        if lengths is None:  # not the column layout we know: ask whoosh
            found: int | None = self._perdoc.doc_field_length(docnum, fieldname, default)
            return found
        return lengths[docnum] if docnum < len(lengths) else 0  # 0: no length, as whoosh's None (postings skip it)

    def of_docs(self, fieldname: str, docnums: array[int]) -> list[int | None]:
        """The lengths of ``docnums`` (ascending) in ``fieldname``, as :meth:`doc_field_length` gives each."""
        lengths = self._column(fieldname)
        if lengths is None:
            return [self.doc_field_length(docnum, fieldname) for docnum in docnums]
        if docnums[-1] >= len(lengths):  # the clauses past the column have no length: 0, as doc_field_length says
            lengths.extend([0] * (docnums[-1] + 1 - len(lengths)))
        return [lengths[docnum] for docnum in docnums]


TermPostings = tuple["array[int]", "array[float]", list[bytes | None]]  # one term's clauses, weights, values


class _PooledTerms:
    """A :class:`_TermPool`'s postings in whoosh's order: fields and their terms sorted, each term's by clause."""

    def __init__(self, fields: dict[str, dict[bytes, TermPostings]]) -> None:
        self.fields = fields

    def by_term(self) -> Iterator[tuple[str, list[tuple[bytes, TermPostings]]]]:
        for name in sorted(self.fields):
            yield name, sorted(self.fields[name].items())

    def __iter__(self) -> Iterator[tuple[str, bytes, int, float, bytes | None]]:
        """Each posting as whoosh's pool gives it: (field, word, clause, weight, value)."""
        for name, terms in self.by_term():
            for text, (docnums, weights, values) in terms:
                for docnum, weight, value in zip(docnums, weights, values, strict=True):
                    yield name, text, docnum, weight, value


class _TermPool(PostingPool):
    """whoosh's posting pool, keeping the postings of analysed clauses by field and term as they come.

    whoosh pools every posting as a tuple, sorts them all at commit (past ``limitmb``
    in sorted runs on disk, merged back one posting at a time: about 15 million at
    10,000 documents) and writes them one call each. Clauses come in clause order, so
    each term's postings come sorted: only the terms are sorted, and each term is
    written a block at a time (:class:`_FieldWriter`). The postings whoosh pools
    itself (segments it merges) are merged in order with them: the same index.
    """

    def __init__(self, tempstore: Any, segment: Any, limitmb: int) -> None:
        super().__init__(tempstore, segment, limitmb=limitmb)
        self.analysed: dict[str, dict[bytes, TermPostings]] = {}
        self.pooled = 0  # postings in ``analysed``
        self._values: dict[bytes | None, bytes | None] = {}  # one object per distinct value (most repeat)

    def add_field(self, name: str, docnum: int, postings: list[Posting]) -> None:
        """One analysed field of clause ``docnum`` (added in ascending clause order)."""
        if not postings:  # a field with no postings is not started (whoosh's fieldmap would differ)
            return
        self.fieldnames.add(name)
        self.pooled += len(postings)
        terms = self.analysed.setdefault(name, {})
        values = self._values
        for text, _freq, weight, value in postings:
            term = terms.get(text)
            if term is None:
                term = terms[text] = (array("I"), array("d"), [])
            term[0].append(docnum)
            term[1].append(weight)  # as a double, whoosh's weight * field boost 1.0
            term[2].append(values.setdefault(value, value))

    def iter_postings(self) -> Iterable[tuple[str, bytes, int, float, bytes | None]]:
        analysed = _PooledTerms(self.analysed)
        if not self.current and not self.runs:
            return analysed
        return heapq.merge(analysed, super().iter_postings())


def pool_full(w: Any) -> bool:
    """True when ``w`` holds :data:`SEGMENT_POSTINGS` analysed postings or more: time to write a segment."""
    return isinstance(w.pool, _TermPool) and w.pool.pooled >= SEGMENT_POSTINGS


def _fill_blocks(
    postwriter: Any, docnums: array[int], weights: array[float], values: list[bytes | None], lengths: list[Any]
) -> None:
    """Load one term's postings into whoosh's postings writer as its ``add_posting`` would, a block at a time.

    Every block but the last is written here; the caller's ``finish_term`` writes or
    inlines the last, as for whoosh's own. The blocks and their statistics are the same.
    """
    limit = postwriter._blocklimit
    for start in range(0, len(docnums), limit):
        if start:
            postwriter._write_block()
        end = start + limit
        block_weights = weights[start:end]
        block_lengths = [n for n in lengths[start:end] if n]
        top = max(block_weights)
        postwriter._ids = docnums[start:end]
        postwriter._weights = array("f", block_weights)
        postwriter._values = [v for v in values[start:end] if v]
        postwriter._maxweight = top if top > 0 else 0  # whoosh keeps its int 0 unless a weight is above it
        postwriter._minlength = min(block_lengths) if block_lengths else None
        postwriter._maxlength = max(block_lengths) if block_lengths else 0


class _FieldWriter(W3FieldWriter):
    def add_postings(self, schema: Schema, lengths: Any, items: Any) -> None:
        read_once = _ReadOnceLengths(lengths) if lengths is not None else None
        if isinstance(items, _PooledTerms):
            self._add_pooled(schema, read_once, items)
        else:
            super().add_postings(schema, read_once, items)

    def _add_pooled(self, schema: Schema, lengths: _ReadOnceLengths | None, pooled: _PooledTerms) -> None:
        """whoosh's ``add_postings`` for a :class:`_TermPool`'s postings: the same calls, a term at a time."""
        for name, terms in pooled.by_term():
            self.start_field(name, schema[name])
            for text, (docnums, weights, values) in terms:
                self.start_term(text)
                term_lengths = lengths.of_docs(name, docnums) if lengths is not None else [0] * len(docnums)
                _fill_blocks(self._postwriter, docnums, weights, values, term_lengths)
                self.finish_term()
            self.finish_field()


class IndexCodec(W3Codec):
    """whoosh's codec, writing postings with :class:`_ReadOnceLengths` (the files are the same).

    Each segment keeps the codec that wrote it (pickled): keep this class importable here.
    """

    def field_writer(self, storage: Any, segment: Any) -> W3FieldWriter:
        return _FieldWriter(self, storage, segment)


def writer(ix: whoosh_index.Index, limit_mb: int = LIMIT_MB) -> IndexWriter:
    """A writer pooling analysed clauses by term (:class:`_TermPool`)."""
    w = ix.writer(limitmb=limit_mb, codec=IndexCodec())
    w.pool = _TermPool(w._tempstorage, w.newsegment, limit_mb)
    return w


def _fact_parts(doc: Document, clause: Clause) -> list[tuple[str, Span | None]]:
    """The instruments, metrics and texts of the funding clauses and targets inside ``clause``, with spans where
    they are source text."""
    start, end = clause.span
    parts: list[tuple[str, Span | None]] = []
    for f in doc.funding:
        if f.span[0] < end and start < f.span[1]:
            parts += [(f.instrument, None), (f.text, f.span)]
    for t in doc.targets:
        if t.span[0] < end and start < t.span[1]:
            parts += [(t.metric, None), (t.text, t.span)]
    return [(text, span) for text, span in parts if text]


def _fact_words(doc: Document, clause: Clause) -> str:
    """The text of the ``facts`` field: the fact parts, one a line."""
    return "\n".join(text for text, _ in _fact_parts(doc, clause))


def analysed_texts(doc: Document, clauses: list[Clause]) -> list[str]:
    """Every text :func:`add_clauses` hands the analyzer (so a worker can segment them in advance)."""
    texts = [doc.title or ""]
    for c in clauses:
        texts += [c.section_path, c.text, _fact_words(doc, c)]
    return texts


def file_words(text: str, documents: list[Document], clauses: list[list[Clause]] | None = None) -> Words:
    """The words of every text :func:`analyse_clauses` indexes for one file, segmenting its text once.

    Clause bodies and fact texts are spans of ``text``: their words are sliced from the
    words of the whole (kb.tokenizer.SourceWords). A section path is its headings joined:
    each distinct heading is segmented once. Titles and fact names are short and repeat.
    ``clauses``: each document's clauses, when the caller has them (made here otherwise).
    """
    source = SourceWords(text)
    words: Words = {}

    def of(part: str, span: Span | None) -> list[Group]:
        if span is not None and text[span[0] : span[1]] == part:
            return source.of_span(*span)
        return groups_of(part)

    if clauses is None:
        clauses = [clauses_of(doc, text) for doc in documents]
    for doc, doc_clauses in zip(documents, clauses, strict=True):
        if doc.title:
            words[doc.title] = groups_of(doc.title)
        for c in doc_clauses:
            words[c.text] = source.of_span(*c.span)
            if c.section_path and c.section_path not in words:
                words[c.section_path] = joined_groups(c.section_path, PATH_SEPARATOR)
            parts = _fact_parts(doc, c)
            if parts:
                joined = "\n".join(part for part, _ in parts)
                words[joined] = [group for part, span in parts for group in of(part, span)]  # "\n" is no word
    return words


def clause_fields(doc: Document, c: Clause) -> dict[str, Any]:
    """The whoosh fields of one clause (``add_document``'s keyword arguments)."""
    year = doc.date[:4] if doc.date and doc.date[:4].isdigit() else ""
    return {
        "clause_id": c.id,
        "doc_id": c.doc_id,
        "title": doc.title or "",
        "heading": c.section_path,
        "body": c.text,
        "facts": _fact_words(doc, c),
        "city": place_key(doc.jurisdiction),
        "jurisdiction": doc.jurisdiction,
        "year": year,
        "agencies": ",".join(a.replace(",", " ") for a in c.agencies),
        "has_target": c.has_target,
        "has_funding": c.has_funding,
        "has_responsibility": c.has_responsibility,
        "start": c.span[0],
        "end": c.span[1],
    }


def add_clauses(w: IndexWriter, doc: Document, clauses: list[Clause]) -> None:
    for c in clauses:
        w.add_document(**clause_fields(doc, c))


Posting = tuple[bytes, int, float, bytes]  # (word, frequency, weight, encoded positions): whoosh's field.index
# One indexed field of a clause: its postings and its length (the sum of frequencies, 0 if not scorable).
FieldPostings = tuple[list[Posting], int]
AnalysedClause = tuple[dict[str, Any], dict[str, FieldPostings]]  # a clause's fields, each indexed one analysed

_schema: list[Schema] = []


def _analysis_schema() -> Schema:
    """The schema a worker analyses clauses with (the same fields and analyzer as every index's)."""
    if not _schema:
        _schema.append(schema())
    return _schema[0]


def _field_postings(field: Any, value: Any, words: Words) -> FieldPostings:
    """The postings and length of one field, as whoosh's ``field.index`` makes them (:func:`_text_postings`)."""
    if isinstance(value, str) and isinstance(field.analyzer, JiebaTokenizer):
        groups = words.get(value)
        postings = _text_postings(field.format, groups if groups is not None else groups_of(value))
    else:
        postings = list(field.index(value))
    length = sum(p[1] for p in postings) if field.scorable else 0
    return postings, length


def _text_postings(form: Any, groups: list[Group]) -> list[Posting]:
    """What whoosh's ``word_values`` of ``form`` gives for a text whose words are ``groups``, without its tokens.

    whoosh runs every term through a Token object and a generator or two; the terms of a
    word all sit at its position, and each adds 1.0 to its term's weight (no boosts). The
    postings come in the order whoosh gives them (first occurrence), with the same bytes.
    """
    positions: dict[str, list[int]] = {}
    for pos, group in enumerate(groups):
        for term in group:
            found = positions.get(term)
            if found is None:
                positions[term] = [pos]
            else:
                found.append(pos)
    boost, utf8 = form.field_boost, _utf8
    if type(form) is _Positions:
        encode = _encoded_positions
        return [(utf8(t), len(p), len(p) * 1.0 * boost, encode(p)) for t, p in positions.items()]
    if type(form) is formats.Frequency:
        return [(utf8(t), len(p), len(p) * 1.0 * boost, pack_uint(len(p))) for t, p in positions.items()]
    raise TypeError(f"no postings for format {type(form).__name__}")  # a schema change must add its case here


_TERM_BYTES: dict[str, bytes] = {}
TERM_BYTES_MAX = 500_000


def _utf8(term: str) -> bytes:
    """A term's UTF-8 bytes, one object per term: a worker's result then pickles each once (pickle memoises
    objects, not equal values), and the writer's pool compares them by identity first."""
    found = _TERM_BYTES.get(term)
    if found is None:
        if len(_TERM_BYTES) >= TERM_BYTES_MAX:
            _TERM_BYTES.clear()
        found = _TERM_BYTES[term] = term.encode("utf-8")
    return found


_ONE_POSITION: dict[int, bytes] = {}  # most terms occur once in a field: their encoding, by position


def _encoded_positions(positions: list[int]) -> bytes:
    """whoosh's encoding of a term's positions (``Positions.encode``), a single position's looked up."""
    if len(positions) > 1:
        return _POSITIONS.encode(positions)
    pos = positions[0]
    found = _ONE_POSITION.get(pos)
    if found is None:
        found = _ONE_POSITION[pos] = _POSITIONS.encode(positions)
    return found


def analyse_clauses(doc: Document, clauses: list[Clause], words: Words | None = None) -> list[AnalysedClause]:
    """Each clause's fields with the postings whoosh's ``add_document`` would make of them.

    Made where the words are (a worker, from ``words``: :func:`file_words`), so the
    writer only pools them (:func:`add_analysed`). A value repeated in the document (its
    title, a section path, the city) is analysed once and its postings shared.
    """
    fields = _analysis_schema()
    words = words if words is not None else {}
    analysed: dict[tuple[str, Any], FieldPostings] = {}
    out: list[AnalysedClause] = []
    for c in clauses:
        values = clause_fields(doc, c)
        postings = {}
        for name, value in values.items():
            if value is None or not fields[name].indexed:
                continue
            key = (name, value)
            if key not in analysed:
                analysed[key] = _field_postings(fields[name], value, words)
            postings[name] = analysed[key]
        out.append((values, postings))
    return out


def _plain_fields(w: Any) -> bool:
    """True when add_analysed writes what add_document would: no spelling words or vectors, our pool."""
    plain = all(not f.separate_spelling() and not f.vector for _name, f in w.schema.items())
    return plain and isinstance(w.pool, _TermPool)


def add_analysed(w: Any, analysed: list[AnalysedClause]) -> None:
    """Add clauses analysed by :func:`analyse_clauses`: the same index as ``add_document`` with their fields.

    Mirrors whoosh's ``SegmentWriter.add_document`` step for step (fields in sorted
    order, postings pooled, stored values, lengths and columns), minus the analysis.
    """
    if not _plain_fields(w):  # a writer this mirror does not cover: let whoosh analyse again
        for values, _postings in analysed:
            w.add_document(**values)
        return
    w._check_state()
    schema, perdoc, pool = w.schema, w.perdocwriter, w.pool
    for values, analysed_fields in analysed:
        docnum = w.docnum
        perdoc.start_doc(docnum)
        for name in sorted(values):
            value = values[name]
            if value is None:
                continue
            field = schema[name]
            length = 0
            if field.indexed:
                postings, length = analysed_fields[name]
                pool.add_field(name, docnum, postings)
            perdoc.add_field(name, field, value if field.stored else None, length)
            column = field.column_type
            if column:
                perdoc.add_column_value(name, column, field.to_column_value(value))
        perdoc.finish_doc()
        w._added = True
        w.docnum += 1


def delete_documents(w: IndexWriter, doc_ids: list[str]) -> None:
    for doc_id in doc_ids:
        w.delete_by_term("doc_id", doc_id)


def vocabulary(ix: whoosh_index.Index) -> set[str]:
    """Every word the searchable fields hold (the query tokenizer's dictionary)."""
    with ix.reader() as reader:
        return {word for field in SEARCH_FIELDS for word in reader.field_terms(field)}


def clause_ids(ix: whoosh_index.Index) -> set[str]:
    with ix.reader() as reader:
        return {fields["clause_id"] for fields in reader.all_stored_fields()}
