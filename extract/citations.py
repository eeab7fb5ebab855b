"""Find the documents a document cites: 《title》 references and 文号 references (财建〔2024〕16号).

A title followed by its 文号 in brackets (《…的通知》(财建〔2024〕16号)) is one citation holding both; a
short name given there (以下简称《通知》) makes its later uses citations of the same document. The
document's own title and 文号 (its header line) are not citations. Cue words: extract/data/citation_cues.tsv.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from extract.cues import alternation, kind_words
from model import Citation, Document

CUES = kind_words("citation_cues.tsv")
_LEAD = alternation(CUES["lead_word"])
_ALIAS = alternation(CUES["alias"])
TITLE = re.compile(r"《(?P<title>[^《》\n]{1,120})》")
# 渝府办发〔2021〕80号, 工规函[2024]1109号, 国家统计局令第23号.
DOC_NUMBER = re.compile(
    r"(?P<org>[\u4e00-\u9fff]{1,12}?)[〔\[［(（](?:19|20)\d{2}[〕\]］)）]第?\d{1,5}号"
    r"|(?P<decree>[\u4e00-\u9fff]{1,16}?令)第\d{1,5}号"
)
# The end of every DOC_NUMBER match, from its bracketed year or its 令: a match starts at most NUMBER_REACH
# characters before its core and ends where the core ends, so only the text around the cores needs scanning.
NUMBER_CORE = re.compile(r"[〔\[［(（](?:19|20)\d{2}[〕\]］)）]第?\d{1,5}号|令第\d{1,5}号")
NUMBER_REACH = 16  # the longest name before the core: 16 characters of a decree's name ending in 令
LEAD = re.compile(rf"^.*(?:{_LEAD})")
OPEN_BRACKET = re.compile(r"\s*[(（]\s*")
ALIAS = re.compile(rf"[,，、;；]?\s*(?:{_ALIAS})\s*[《“\"](?P<alias>[^《》“”\"\n]{{1,30}})[》”\"]")


def _norm(s: str | None) -> str:
    if not s:
        return ""
    return "".join(unicodedata.normalize("NFKC", s).split()).translate(str.maketrans("〔〕［］", "()[]"))


def _doc_number_at(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The (start, end) of the 文号 that begins at ``start`` (after any lead word), else None."""
    m = DOC_NUMBER.match(text, start, end)
    if not m:
        return None
    return _trimmed(text, m)


def _doc_numbers(text: str, start: int, end: int) -> Iterator[re.Match[str]]:
    """``DOC_NUMBER.finditer(text, start, end)``, scanning only windows around the cores.

    The lazy issuer name of DOC_NUMBER is tried at every Chinese character; most of a document holds no 文号,
    and the windows (merged where they overlap) hold every match, each whole.
    """
    windows: list[list[int]] = []
    for core in NUMBER_CORE.finditer(text, start, end):
        lo = max(start, core.start() - NUMBER_REACH)
        if windows and lo <= windows[-1][1]:
            windows[-1][1] = core.end()
        else:
            windows.append([lo, core.end()])
    for lo, hi in windows:
        yield from DOC_NUMBER.finditer(text, lo, hi)


def _trimmed(text: str, m: re.Match[str]) -> tuple[int, int]:
    """A 文号 match without the running-text words before the issuer's abbreviation (根据渝府发… → 渝府发…)."""
    group = "org" if m["org"] is not None else "decree"
    lead = LEAD.match(m[group])
    return (m.start() + (lead.end() if lead else 0), m.end())


def _alone_on_line(text: str, start: int, end: int) -> bool:
    """A 文号 that is its line's only words is a header's 发文字号, not a reference."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    return not text[line_start:start].strip() and not text[end:line_end].strip()


def find_citations(text: str, doc: Document) -> list[Citation]:
    """The 《title》 and 文号 references of ``doc``, a title and the 文号 after it as one citation."""
    start, end = doc.span
    own_title, own_number = _norm(doc.title), _norm(doc.doc_number)
    aliases: dict[str, tuple[str | None, str | None]] = {}
    alias_spans: list[tuple[int, int]] = []
    covered: list[tuple[int, int]] = []
    out: list[Citation] = []

    for m in TITLE.finditer(text, start, end):
        title = m["title"].strip()
        if any(a <= m.start() < b for a, b in alias_spans):
            continue
        if title in aliases:
            full, number = aliases[title]
            out.append(Citation(title=full, doc_number=number, span=m.span()))
            continue
        span_end, number = m.end(), None
        bracket = OPEN_BRACKET.match(text, m.end(), end)
        if bracket:
            found = _doc_number_at(text, bracket.end(), end)
            if found and found[0] == bracket.end():
                span_end, number = found[1], text[found[0] : found[1]]
                covered.append(found)
                alias = ALIAS.match(text, found[1], end)
                if alias:
                    aliases[alias["alias"].strip()] = (title, number)
                    alias_spans.append(alias.span())
        if _norm(title) == own_title and (number is None or _norm(number) == own_number or not own_number):
            continue
        out.append(Citation(title=title, doc_number=number, span=(m.start(), span_end)))

    for m in _doc_numbers(text, start, end):
        a, b = _trimmed(text, m)
        if any(x <= a < y for x, y in covered) or any(x <= a < y for x, y in alias_spans):
            continue
        number = text[a:b]
        if (own_number and _norm(number) == own_number) or _alone_on_line(text, a, b):
            continue
        out.append(Citation(title=None, doc_number=number, span=(a, b)))
    out.sort(key=lambda c: c.span)
    return out
