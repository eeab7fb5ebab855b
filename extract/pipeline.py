"""The conductor: file → text → documents → sections → facts."""

from __future__ import annotations

from pathlib import Path

from extract.citations import find_citations
from extract.documents import split_documents
from extract.funding import find_funding
from extract.readers import read_source
from extract.responsibilities import find_responsibilities
from extract.sections import find_sections
from extract.targets import find_targets
from model import Document, Extraction, SourceText


def parse_source(source: SourceText) -> list[Document]:
    """Documents and their section trees, without facts."""
    documents = split_documents(source.text)
    for doc in documents:
        doc.sections = find_sections(source.text, doc)
    return documents


def extract_source(source: SourceText) -> Extraction:
    """Documents with their targets, responsibilities, funding clauses and citations."""
    documents = parse_source(source)
    text = source.text
    for doc in documents:
        doc.targets = find_targets(text, doc)
        doc.responsibilities = find_responsibilities(text, doc)
        doc.funding = find_funding(text, doc)
        doc.citations = find_citations(text, doc)
    return Extraction(source=source.path, documents=documents)


def parse_file(path: str | Path) -> Extraction:
    """``policykb parse``: documents and sections of one file."""
    source = read_source(path)
    return Extraction(source=source.path, documents=parse_source(source))


def extract_file(path: str | Path) -> Extraction:
    """``policykb extract``: every fact of one file, each with its span."""
    return extract_source(read_source(path))
