"""The whoosh index of clauses: one whoosh document per clause, tokenised by kb.tokenizer.

BM25F ranks over the clause body, with its section path and document title as
weaker fields. Filters (city, document, year, agency, fact flags) are indexed
fields, so they narrow the search inside whoosh rather than after it.
"""

from __future__ import annotations

from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.fields import BOOLEAN, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.writing import IndexWriter

from kb.clauses import Clause
from kb.places import place_key
from kb.tokenizer import analyzer
from model import Document, KnowledgeBaseError

SEARCH_FIELDS = ("body", "heading", "title")
FIELD_BOOSTS = {"body": 1.0, "heading": 0.4, "title": 0.2}
LIMIT_MB = 128


def schema() -> Schema:
    ana = analyzer()
    return Schema(
        clause_id=ID(stored=True, unique=True),
        doc_id=ID(stored=True),
        title=TEXT(analyzer=ana, stored=True, field_boost=FIELD_BOOSTS["title"]),
        heading=TEXT(analyzer=ana, stored=True, field_boost=FIELD_BOOSTS["heading"]),
        body=TEXT(analyzer=ana, stored=True, phrase=True, chars=True),
        city=ID(stored=True),
        jurisdiction=STORED,
        year=ID(stored=True),
        agencies=KEYWORD(stored=True, commas=True, scorable=False),
        has_target=BOOLEAN(stored=True),
        has_funding=BOOLEAN(stored=True),
        has_responsibility=BOOLEAN(stored=True),
        start=STORED,
        end=STORED,
    )


def create(path: Path) -> whoosh_index.Index:
    path.mkdir(parents=True, exist_ok=True)
    return whoosh_index.create_in(str(path), schema())


def open_index(path: Path) -> whoosh_index.Index:
    try:
        return whoosh_index.open_dir(str(path))
    except (whoosh_index.EmptyIndexError, OSError, ValueError) as exc:
        raise KnowledgeBaseError(
            f"the search index at {path} cannot be opened ({exc}); run `policykb build` to rebuild it"
        ) from None


def writer(ix: whoosh_index.Index) -> IndexWriter:
    return ix.writer(limitmb=LIMIT_MB)


def add_clauses(w: IndexWriter, doc: Document, clauses: list[Clause]) -> None:
    year = doc.date[:4] if doc.date and doc.date[:4].isdigit() else ""
    for c in clauses:
        w.add_document(
            clause_id=c.id,
            doc_id=c.doc_id,
            title=doc.title or "",
            heading=c.section_path,
            body=c.text,
            city=place_key(doc.jurisdiction),
            jurisdiction=doc.jurisdiction,
            year=year,
            agencies=",".join(a.replace(",", " ") for a in c.agencies),
            has_target=c.has_target,
            has_funding=c.has_funding,
            has_responsibility=c.has_responsibility,
            start=c.span[0],
            end=c.span[1],
        )


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
