"""Cut a document into clauses, the unit of search: a paragraph, or a few sentences of a long one.

Each clause knows its section path and which facts it holds, so a search hit
can show the targets, responsible units and funding it states, and filters such
as ``--has funding`` or ``--agency`` need no second look-up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extract.locate import innermost_section
from model import Document, Section, Span

MAX_CLAUSE_CHARS = 160
PATH_SEPARATOR = (
    " › "  # between the headings of a section path (no word character: the index segments each heading alone)
)
_SENTENCE_END = re.compile(r"[^。！？；!?;]*[。！？；!?;]+[”’」』）)]*|[^。！？；!?;]+$")


@dataclass
class Clause:
    id: str
    doc_id: str
    section: str | None  # the innermost section holding the clause (any level)
    section_path: str  # "二、加强融资支持 › （一）…"
    span: Span
    text: str
    agencies: list[str] = field(default_factory=list)
    has_target: bool = False
    has_funding: bool = False
    has_responsibility: bool = False


def _paragraphs(text: str, start: int, end: int) -> list[Span]:
    """Non-blank lines inside ``[start, end)``, stripped of surrounding spaces."""
    spans: list[Span] = []
    for match in re.finditer(r"[^\n]+", text[start:end]):
        line = match.group()
        left = len(line) - len(line.lstrip())
        right = len(line.rstrip())
        if right > left:
            spans.append((start + match.start() + left, start + match.start() + right))
    return spans


def _pieces(text: str, span: Span) -> list[Span]:
    """A paragraph as one span, or runs of whole sentences of at most MAX_CLAUSE_CHARS."""
    start, end = span
    if end - start <= MAX_CLAUSE_CHARS:
        return [span]
    out: list[Span] = []
    piece_start = piece_end = start
    for match in _SENTENCE_END.finditer(text, start, end):
        s, e = match.span()
        if e == s:
            continue
        if piece_end > piece_start and e - piece_start > MAX_CLAUSE_CHARS:
            out.append((piece_start, piece_end))
            piece_start = s
        piece_end = e
    if piece_end > piece_start:
        out.append((piece_start, piece_end))
    return out


def _label(section: Section) -> str:
    number = section.number or ""
    if number and number[-1] not in "）)、.．条":
        number += "、"
    return f"{number}{section.heading}".strip()


def _ancestry(by_id: dict[str, Section], section: Section | None) -> list[Section]:
    chain: list[Section] = []
    seen: set[str] = set()
    while section is not None and section.id not in seen:
        chain.append(section)
        seen.add(section.id)
        section = by_id.get(section.parent) if section.parent else None
    return list(reversed(chain))


def _overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def clauses_of(doc: Document, text: str) -> list[Clause]:
    """The clauses of ``doc`` in reading order; ``clause.text == text[span[0]:span[1]]``."""
    by_id = {s.id: s for s in doc.sections}
    out: list[Clause] = []
    for paragraph in _paragraphs(text, *doc.span):
        for span in _pieces(text, paragraph):
            section = innermost_section(doc, span[0], numbered_only=False)
            chain = _ancestry(by_id, section)
            numbered = {s.id for s in chain if s.number is not None}
            agencies: list[str] = []
            has_resp = False
            for resp in doc.responsibilities:
                inside = _overlaps(resp.span, span)
                has_resp = has_resp or inside
                if (inside or resp.section in numbered) and resp.agency not in agencies:
                    agencies.append(resp.agency)
            out.append(
                Clause(
                    id=f"{doc.id}#{len(out) + 1}",
                    doc_id=doc.id,
                    section=section.id if section else None,
                    section_path=PATH_SEPARATOR.join(_label(s) for s in chain),
                    span=span,
                    text=text[span[0] : span[1]],
                    agencies=agencies,
                    has_target=any(_overlaps(t.span, span) for t in doc.targets),
                    has_funding=any(_overlaps(f.span, span) for f in doc.funding),
                    has_responsibility=has_resp,
                )
            )
    return out
