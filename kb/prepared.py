"""A file's documents made ready for the writer: clauses, analysed index entries, JSON and fact rows.

A build has one writer process and several worker processes. Everything about a
file that does not depend on the knowledge base being written is made here, in
the worker that read the file, so the writer (the build's bottleneck) only
stores it. The writer makes the same thing itself for a file read from the
extraction cache, so both paths store the same.
"""

from __future__ import annotations

from dataclasses import dataclass

from kb import index, store
from kb.clauses import Clause, clauses_of
from kb.serialize import document_to_json, to_json
from kb.tokenizer import Words
from model import Document, SourceText


@dataclass
class PreparedFile:
    """One file's documents as the writer stores them, each list in document order."""

    doc_jsons: list[str]  # each document whole (store: documents.data; the extraction cache)
    facts: list[list[store.FactRow]]  # each document's rows of the facts table
    clauses: list[list[Clause]]  # each document's clauses
    analysed: list[list[index.AnalysedClause]]  # each document's clauses as whoosh postings

    def all_clauses(self) -> list[Clause]:
        return [c for clauses in self.clauses for c in clauses]


def prepare(source: SourceText, documents: list[Document], words: Words | None = None) -> PreparedFile:
    """Everything the writer needs of one file; ``words`` are its texts' words (segmented here when None)."""
    text = source.text
    clauses = [clauses_of(doc, text) for doc in documents]
    if words is None:
        words = index.file_words(text, documents, clauses)
    analysed = [index.analyse_clauses(doc, cs, words) for doc, cs in zip(documents, clauses, strict=True)]
    return PreparedFile(
        doc_jsons=[document_to_json(doc) for doc in documents],
        facts=[store.fact_rows(doc) for doc in documents],
        clauses=clauses,
        analysed=analysed,
    )


def cache_json(source: SourceText, prepared: PreparedFile) -> str:
    """The extraction cache's JSON of a file (kb.ingest.ExtractionCache), from the documents' JSON made once."""
    return '{"source": ' + to_json(source) + ', "documents": [' + ", ".join(prepared.doc_jsons) + "]}"
