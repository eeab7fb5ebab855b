"""The shared data model of policykb: what every stage reads and writes.

Every fact carries a ``span``: ``[start, end)`` character offsets into the
text that ``policykb text FILE`` prints, so ``text[start:end]`` gives back the
words it was read from. This module imports nothing of ours.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Span = tuple[int, int]
Comparator = Literal[">=", ">", "~", "<=", "<", "=", "range"]
Role = Literal["lead", "support", "implement", "responsible"]


class PolicyKBError(Exception):
    """Base of every error policykb reports to a person (no traceback)."""


class UnreadableFileError(PolicyKBError):
    """A file that cannot be turned into text; the message says what to do."""


class KnowledgeBaseError(PolicyKBError):
    """The knowledge base is missing, busy, damaged or asked something it cannot answer."""


@dataclass
class SourceText:
    """The text of one file, as every span in the project indexes it."""

    path: str
    text: str
    format: str  # "txt", "pdf", "html", "docx"
    encoding: str | None = None
    # For PDFs: (offset, page number) at the start of each page, ascending.
    page_starts: list[tuple[int, int]] = field(default_factory=list)

    def page_at(self, offset: int) -> int | None:
        """The 1-based page holding character ``offset``, or None for non-paged text."""
        page = None
        for start, number in self.page_starts:
            if start > offset:
                break
            page = number
        return page


@dataclass
class Section:
    """A heading (numbered, bold-run, or a row of a task table) and the text it governs."""

    id: str
    number: str | None  # "一", "（一）", "1.", "（1）", "第三条"; None for a bold-run heading
    heading: str  # the words after the number, up to the first 。
    # 1 for 一、, 2 for （一）, 3 for 1., 4 for （1）, 5 for a bold-run heading, 6 for a task-table row;
    # a document with 章/节/条 gives those the first levels and shifts the others down by as many.
    level: int
    parent: str | None
    span: Span  # the whole section, heading included


@dataclass
class Target:
    section: str | None
    metric: str
    value: float
    value_max: float | None
    unit: str
    comparator: Comparator
    year: int | None
    period: str | None
    text: str  # == source text[span[0]:span[1]]
    span: Span


@dataclass
class Responsibility:
    section: str | None
    agency: str  # canonical full name, qualified by jurisdiction
    as_written: str
    jurisdiction: str | None
    role: Role
    span: Span  # where the unit is written


@dataclass
class Funding:
    section: str | None
    instrument: str
    rate: float | None
    cap: float | None
    amount: float | None
    per: str | None
    condition: str | None
    beneficiary: str | None
    text: str
    span: Span


@dataclass
class Citation:
    title: str | None
    doc_number: str | None
    span: Span


@dataclass
class Document:
    id: str
    title: str | None
    doc_number: str | None
    issuers: list[str]
    recipients: list[str]
    date: str | None  # ISO 成文日期
    effective_from: str | None
    effective_until: str | None
    jurisdiction: str | None
    doc_type: str | None
    forwarded_by: str | None  # id of the notice that 印发 this document
    span: Span
    sections: list[Section] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    responsibilities: list[Responsibility] = field(default_factory=list)
    funding: list[Funding] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)


@dataclass
class Extraction:
    """Everything read from one source file."""

    source: str
    documents: list[Document]

    def to_dict(self, facts: bool = True) -> dict[str, Any]:
        """The JSON contract of ``policykb extract --json`` (``parse --json`` without facts)."""
        out = asdict(self)
        if not facts:
            for doc in out["documents"]:
                for kind in ("targets", "responsibilities", "funding", "citations"):
                    doc.pop(kind)
        return out
