"""Clause search: BM25F over the clause index, with filters, highlighted snippets and the facts of each hit."""

from __future__ import annotations

import gc
import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from whoosh import highlight, qparser
from whoosh import query as q
from whoosh.searching import Results

from kb import index, ranking
from kb.places import place_key
from kb.tokenizer import use_vocabulary
from model import KnowledgeBaseError

if TYPE_CHECKING:
    from kb.knowledge_base import KnowledgeBase

HAS_KINDS = ("target", "funding", "responsibility")
# A longer query is pasted text, not a question: it would take seconds to parse and rank and match nothing useful.
MAX_QUERY_CHARS = 500
MARK_START, MARK_END = "\x02", "\x03"  # around matched words in a snippet; the CLI styles them


@dataclass
class SearchResult:
    rank: int
    score: float
    clause_id: str
    doc_id: str
    title: str
    section_path: str
    jurisdiction: str | None
    year: str
    span: tuple[int, int]
    text: str
    snippet: str  # matched words between MARK_START and MARK_END
    agencies: list[str] = field(default_factory=list)
    facts: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self, marks: tuple[str, str] = ("【", "】")) -> dict[str, Any]:
        out = {k: v for k, v in self.__dict__.items()}
        out["span"] = list(self.span)
        out["snippet"] = self.snippet.replace(MARK_START, marks[0]).replace(MARK_END, marks[1])
        return out


_OPENING = "（(〔【《“‘「『["  # marks that open what the next word begins: (十五) must not show as 十五)


class _Marks(highlight.Formatter):
    between = "…"

    def format_fragment(self, fragment: Any, replace: bool = False) -> str:
        """whoosh starts a fragment at its first word; the bracket or quote opening that word is kept."""
        while fragment.startchar > 0 and fragment.text[fragment.startchar - 1] in _OPENING:
            fragment.startchar -= 1
        return str(super().format_fragment(fragment, replace))

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:
        return MARK_START + highlight.get_text(text, token, replace) + MARK_END


def _check(parsed: q.Query, text: str) -> None:
    """Refuse queries whoosh could only half-understand, with a hint what to type instead."""
    if text.count('"') % 2:
        raise KnowledgeBaseError(f'the query {text!r} has an unmatched quote; close it, e.g. "智能工厂"')
    for node in [parsed, *_walk(parsed)]:
        error = getattr(node, "error", None)
        if error:
            raise KnowledgeBaseError(f"the query {text!r} cannot be read ({error}); put phrases in quotes")
    if text.count("(") != text.count(")"):
        raise KnowledgeBaseError(f"the query {text!r} has unbalanced brackets; close each ( with a )")
    nodes = [parsed, *_walk(parsed)]
    if parsed is q.NullQuery or not (parsed.all_terms() or any(isinstance(n, q.Every) for n in nodes)):
        raise KnowledgeBaseError(f"the query {text!r} has no words to search for; try a word such as 贴息")


def _walk(node: q.Query) -> list[q.Query]:
    out = []
    for child in node.children():
        out.append(child)
        out += _walk(child)
    return out


def _filters(
    kb: KnowledgeBase,
    city: str | None,
    doc: str | None,
    year: int | str | None,
    agency: str | None,
    has: list[str] | tuple[str, ...] | None,
) -> q.Query | None:
    parts: list[q.Query] = []
    if city:
        parts.append(q.Term("city", place_key(city)))
    if doc:
        ids = kb.find_documents(doc)
        if not ids:
            raise KnowledgeBaseError(
                f"no document in the knowledge base matches '{doc}'; give a document id or part of its title"
            )
        parts.append(q.Or([q.Term("doc_id", i) for i in ids]))
    if year:
        parts.append(q.Term("year", str(year)))
    if agency:
        names = kb.agency_names(agency)
        if not names:
            raise KnowledgeBaseError(f"no responsible unit in the knowledge base matches '{agency}'")
        parts.append(q.Or([q.Term("agencies", n) for n in names]))
    for kind in has or ():
        if kind not in HAS_KINDS:
            raise KnowledgeBaseError(f"--has takes one of {', '.join(HAS_KINDS)}, not '{kind}'")
        parts.append(q.Term(f"has_{kind}", True))
    return q.And(parts) if parts else None


_parsers: weakref.WeakKeyDictionary[Any, qparser.QueryParser] = weakref.WeakKeyDictionary()


def _parser(ix: Any) -> qparser.QueryParser:
    """One query parser per open index or searcher (building one sets up a dozen plugins)."""
    parser = _parsers.get(ix)
    if parser is None:
        parser = _parsers[ix] = qparser.MultifieldParser(
            list(index.SEARCH_FIELDS), ix.schema, fieldboosts=index.FIELD_BOOSTS
        )
    return parser


def _phrases_where_positioned(schema: Any, parsed: q.Query) -> q.Query:
    """Look for a "phrase" only in fields that keep word positions.

    The parser asks every search field for the phrase; a field indexed without positions
    (``facts``: bare words, for ranking) would make whoosh refuse the whole query.
    """

    def keep(node: q.Query) -> q.Query:
        if isinstance(node, q.Phrase) and not schema[node.fieldname].format.supports("positions"):
            return q.NullQuery
        return node

    return parsed.accept(keep).normalize()


def parse_query(ix: Any, text: str) -> q.Query:
    """``text`` as a whoosh query over the search fields (``ix``: an index or searcher, for its schema)."""
    text = text.strip()
    if not text:
        raise KnowledgeBaseError("the query is empty; give a word to search for, e.g. policykb search 贴息")
    parsed = _parser(ix).parse(text)
    _check(parsed, text)
    return _phrases_where_positioned(ix.schema, parsed)


def _ranked(searcher: Any, parsed: q.Query, filt: q.Query | None, limit: int) -> Results:
    """The page of best clauses: ranked from whole posting lists (kb.ranking) where it can, else by whoosh.

    Both give whoosh's BM25F scores; kb.ranking scores every matching clause, whoosh's
    own top-N skipping can miss some that belong on the page.
    """
    allow = ranking.allowed(searcher, filt) if filt is not None else None
    top = ranking.top(searcher, parsed, limit, allow) if filt is None or allow is not None else None
    if top is None:
        if not isinstance(searcher.weighting, index.LengthCachedBM25F):
            # same scores, fewer calls per posting; set only here: it reads each field's lengths into a
            # list (~14 ms a field at 10,000 documents), which whoosh asks for even under a NOT, unscored
            searcher.weighting = index.LengthCachedBM25F()
        # Ask for the page only, and no matched-terms collection: that would make whoosh visit every
        # matching clause's matchers and switch off its block-quality skipping. Snippets re-read the
        # few shown clauses instead.
        return searcher.search(parsed, filter=filt, limit=limit)
    return Results(searcher, parsed, top)


_settled = False


def _settle() -> None:
    """Leave what the first search of a process loaded out of later garbage collections (once per process).

    jieba's dictionary, whoosh's readers and the modules make a full collection walk ~40,000
    objects: 20-25 ms, paid by whichever later query happens to allocate the container that
    sets it off (in the bench, a 30 ms query took 55). Frozen objects are still freed when
    no longer referenced; only their reference cycles are never collected.
    """
    global _settled
    if not _settled:
        _settled = True
        gc.freeze()


def search(
    kb: KnowledgeBase,
    text: str,
    *,
    city: str | None = None,
    doc: str | None = None,
    year: int | str | None = None,
    agency: str | None = None,
    has: list[str] | tuple[str, ...] | None = None,
    limit: int = 10,
) -> list[SearchResult]:
    """The clauses best matching ``text`` (whoosh query syntax: words, "phrases", AND/OR/NOT)."""
    if limit < 1:
        raise KnowledgeBaseError("--limit must be 1 or more")
    if len(text) > MAX_QUERY_CHARS:
        raise KnowledgeBaseError(
            f"the query is {len(text)} characters long; search takes at most {MAX_QUERY_CHARS}: "
            "use a few key words, e.g. 贴息 智能工厂"
        )
    use_vocabulary(kb.files.vocab)
    searcher = kb.searcher()  # opened once per KnowledgeBase: opening reads every segment (tens of ms)
    parsed = parse_query(searcher, text)
    filt = _filters(kb, city, doc, year, agency, has)
    results: list[SearchResult] = []
    hits = _ranked(searcher, parsed, filt, limit)
    hits.formatter = _Marks()
    hits.fragmenter = highlight.ContextFragmenter(maxchars=160, surround=50)
    for rank, hit in enumerate(hits, start=1):
        stored = hit.fields()
        snippet = hit.highlights("body", top=2) or stored["body"][:160]
        results.append(
            SearchResult(
                rank=rank,
                score=round(hit.score, 3),
                clause_id=stored["clause_id"],
                doc_id=stored["doc_id"],
                title=stored.get("title", ""),
                section_path=stored.get("heading", ""),
                jurisdiction=stored.get("jurisdiction"),
                year=stored.get("year", ""),
                span=(stored["start"], stored["end"]),
                text=stored["body"],
                snippet=snippet,
                agencies=[a for a in stored.get("agencies", "").split(",") if a],
                facts=kb.facts_in(stored["doc_id"], stored["start"], stored["end"]),
            )
        )
    _settle()
    return results
