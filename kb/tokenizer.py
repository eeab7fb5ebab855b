"""Chinese words for the clause index: jieba, with policy terms and agency names kept whole.

Indexing uses jieba's full dictionary plus a user dictionary (``words/policy_words.txt``
and the agency table). A word longer than two characters is also indexed as the
dictionary words inside it, at the same position (as jieba's search mode does), so
``技术`` finds ``技术改造`` and phrase queries still line up.

Queries need not pay the ~0.5 s load of jieba's 350k-word dictionary: each index
generation writes ``vocab.txt``, the words it holds with their jieba frequencies,
and :func:`use_vocabulary` segments queries with that small dictionary instead —
a query word the index does not hold could not match anyway.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from importlib import resources
from itertools import accumulate, compress
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from whoosh.analysis import Token, Tokenizer

if TYPE_CHECKING:
    from jieba import Tokenizer as Segmenter


def _import_jieba() -> ModuleType:
    """Import jieba without pkg_resources, which it imports only to open its own data files.

    Importing pkg_resources scans every installed package (0.3-2 s), more than a whole
    query should take; without it jieba opens the same files by path.
    """
    if "jieba" in sys.modules or "pkg_resources" in sys.modules:
        import jieba
    else:
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # makes `import pkg_resources` fail fast
        try:
            import jieba
        finally:
            del sys.modules["pkg_resources"]
    return jieba


jieba = _import_jieba()
jieba.setLogLevel(logging.WARNING)

_BRACKETS = re.compile(r"[()（）【】\[\]《》“”\"'\s]")
_lock = threading.Lock()
_segmenter: Segmenter | None = None
_vocabulary_path: Path | None = None


def policy_words() -> list[str]:
    """The policy vocabulary list, brackets dropped (``首台(套)`` gives 首台套 and 首台)."""
    text = resources.files("kb").joinpath("words/policy_words.txt").read_text(encoding="utf-8")
    words: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        words.append(_BRACKETS.sub("", line))
        bare = re.split(r"[()（）]", line)[0].strip()
        if bare and bare not in words:
            words.append(bare)
    return [w for w in words if w]


def agency_words() -> list[str]:
    """Agency names and abbreviations from the responsibilities helper's table, when it exists."""
    try:
        from extract.agencies import known_agencies
    except ImportError:
        return []
    names: list[str] = []
    for item in known_agencies():
        if isinstance(item, str):
            names.append(item)
        else:  # a record: take every string field (canonical name, abbreviations)
            values = item.values() if isinstance(item, dict) else getattr(item, "__dict__", {}).values()
            for value in values:
                if isinstance(value, str):
                    names.append(value)
                elif isinstance(value, (list, tuple)):
                    names.extend(v for v in value if isinstance(v, str))
    return [_BRACKETS.sub("", n) for n in names if n and len(n) >= 2]


def full_segmenter() -> Segmenter:
    """jieba with its full dictionary and our user words (used when indexing)."""
    from kb import jieba_cache

    seg = jieba.Tokenizer()
    jieba_cache.initialize(seg, jieba)
    for word in policy_words() + agency_words():
        if len(word) >= 2:
            seg.add_word(word)
    return seg


def vocabulary_segmenter(path: Path) -> Segmenter:
    """jieba with only the words an index holds (fast to load; used for queries)."""
    seg = jieba.Tokenizer(dictionary=str(path))
    seg.initialize()
    return seg


def use_vocabulary(path: Path) -> None:
    """Segment from now on with the small dictionary of one index generation."""
    global _segmenter, _vocabulary_path
    with _lock:
        if _vocabulary_path == path and _segmenter is not None and _segmenter is not _full:
            return
        _segmenter = vocabulary_segmenter(path)
        _vocabulary_path = path
        _memo.clear()
        _clear_entries()


_full: Segmenter | None = None


def use_full_dictionary() -> Segmenter:
    """Segment with the full dictionary (loaded once per process)."""
    global _segmenter, _full
    with _lock:
        if _full is None:
            _full = full_segmenter()
        if _segmenter is not _full:
            _segmenter = _full
            _memo.clear()
            _clear_entries()
        return _segmenter


def segmenter() -> Segmenter:
    global _segmenter
    if _segmenter is None:
        return use_full_dictionary()
    return _segmenter


def _is_word(text: str) -> bool:
    """True unless ``text`` is only spaces and punctuation."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


def inner_words(seg: Segmenter, word: str) -> Iterator[tuple[str, int]]:
    """Dictionary words of 2 to 4 characters inside ``word`` with their offsets (jieba's search mode)."""
    for n in (2, 3, 4):
        if len(word) > n:
            for i in range(len(word) - n + 1):
                piece = word[i : i + n]
                if seg.FREQ.get(piece):
                    yield piece, i


Piece = tuple[str, int, int]
# What a word jieba gives becomes in the index: None (not a word: spaces, punctuation), or its
# lowercase form with, when expanding, the lowercase dictionary words inside it at their offsets.
# Words repeat all through a corpus, so each is looked at once per segmenter (cleared on a switch).
_Entry = tuple[str, tuple[Piece, ...]] | None
_entries: dict[bool, dict[str, _Entry]] = {True: {}, False: {}}  # by expand
ENTRIES_MAX = 500_000
_UNSEEN = ("", ())


def _clear_entries() -> None:
    for table in _entries.values():
        table.clear()
    _groups.clear()
    _group_memo.clear()


def _entry(seg: Segmenter, word: str, expand: bool) -> _Entry:
    table = _entries[expand]
    if len(table) >= ENTRIES_MAX:
        table.clear()
    entry: _Entry = None
    if _is_word(word):
        inner = tuple((p.lower(), i, i + len(p)) for p, i in inner_words(seg, word)) if expand else ()
        entry = (word.lower(), inner)
    table[word] = entry
    return entry


def _segment(seg: Segmenter, value: str, expand: bool) -> list[list[Piece]]:
    """The words of ``value`` (lowercase), each with the dictionary words inside it (when ``expand``), with offsets.

    Walks jieba's ``cut`` and counts offsets itself (what ``tokenize`` does, one generator less).
    """
    out: list[list[Piece]] = []
    table = _entries[expand]
    start = 0
    for word in seg.cut(value, HMM=True):
        end = start + len(word)
        entry = table.get(word, _UNSEEN)
        if entry is _UNSEEN:
            entry = _entry(seg, word, expand)
        if entry is not None:
            text, inner = entry
            if inner:
                out.append([(text, start, end), *[(p, start + s, start + e) for p, s, e in inner]])
            else:
                out.append([(text, start, end)])
        start = end
    return out


_memo: dict[tuple[int, str, bool], list[list[Piece]]] = {}
MEMO_MAX_CHARS, MEMO_SIZE = 120, 20000


def _in_block(ch: str) -> bool:
    """True for a character jieba segments together with its neighbours of the same kind (Han, letters, digits)."""
    return jieba.re_han_default.match(ch) is not None


# Indexing needs of each word only the terms it adds at its position: the index keeps
# positions, not character offsets. So a file's words are kept as one Group per word,
# a tuple shared by every occurrence of that word: segmenting builds no per-word objects.
Group = tuple[str, ...]  # a word's index terms: its lowercase form, then the dictionary words inside it
Words = dict[str, list[Group]]  # the groups of each text a file's clauses hand the index
_groups: dict[str, Group] = {}  # each word jieba gave, as its Group (empty: not a word)
_group_memo: dict[str, list[Group]] = {}


def _group(seg: Segmenter, word: str) -> Group:
    if len(_groups) >= ENTRIES_MAX:
        _groups.clear()
    group = (word.lower(), *(p.lower() for p, _ in inner_words(seg, word))) if _is_word(word) else ()
    _groups[word] = group
    return group


def _segment_groups(seg: Segmenter, value: str) -> tuple[list[Group], list[int]]:
    """The index terms of each word of ``value`` (as :func:`words_of` gives them, without offsets) and where each
    word starts.

    A text has a word every two characters or so: past jieba's own loop, everything here
    runs in C (map, accumulate, compress) but looking up a word seen for the first time.
    """
    words = list(seg.cut(value, HMM=True))
    groups: list[Group | None] = list(map(_groups.get, words))
    if None in groups:
        for n, group in enumerate(groups):
            if group is None:  # first seen in this text (maybe twice: looked up again)
                word = words[n]
                groups[n] = _groups[word] if word in _groups else _group(seg, word)
    starts = list(accumulate(map(len, words), initial=0))
    return list(compress(groups, groups)), list(compress(starts, groups))  # type: ignore[arg-type]


def groups_of(value: str) -> list[Group]:
    """The index terms of each word of one text (remembered when short: titles and headings repeat)."""
    if len(value) > MEMO_MAX_CHARS:
        return _segment_groups(segmenter(), value)[0]
    found = _group_memo.get(value)
    if found is None:
        if len(_group_memo) >= MEMO_SIZE:
            _group_memo.clear()
        found = _group_memo[value] = _segment_groups(segmenter(), value)[0]
    return found


def index_words(values: Iterable[str]) -> Words:
    """The groups of each distinct value, each segmented alone."""
    return {value: groups_of(value) for value in set(values) if value}


class SourceWords:
    """The index terms of one whole text, segmented once, and of any part of it by slicing.

    jieba cuts a text into blocks at every character outside its Han/alphanumeric class
    and segments each block alone. So the words of a part are: the words of the whole
    that lie between the first and last block boundaries inside the part, plus the words
    of the part's cut-off ends (a fact starting mid-sentence), segmented on their own.
    That is exactly what segmenting the part alone gives (tests/test_tokenizer.py).
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.groups, self._starts = _segment_groups(segmenter(), text)

    def at_boundary(self, offset: int) -> bool:
        text = self.text
        return offset <= 0 or offset >= len(text) or not (_in_block(text[offset - 1]) and _in_block(text[offset]))

    def of_span(self, start: int, end: int) -> list[Group]:
        """The groups of ``text[start:end]`` (the same as segmenting that part alone)."""
        text = self.text
        inner_start, inner_end = start, end
        while inner_start < end and not self.at_boundary(inner_start):
            inner_start += 1
        while inner_end > inner_start and not self.at_boundary(inner_end):
            inner_end -= 1
        if inner_start >= inner_end:  # no whole block inside: a short part, segmented alone
            return groups_of(text[start:end])
        first, last = bisect_left(self._starts, inner_start), bisect_left(self._starts, inner_end)
        head = groups_of(text[start:inner_start]) if inner_start > start else []
        tail = groups_of(text[inner_end:end]) if inner_end < end else []
        return head + self.groups[first:last] + tail


def joined_groups(value: str, separator: str) -> list[Group]:
    """The groups of ``value`` from those of each of its parts between ``separator`` (each part once, remembered).

    Exact when ``separator`` holds no word character: jieba then never segments across
    it, and a separator adds no word (so no position) of its own.
    """
    return [group for part in value.split(separator) for group in groups_of(part)]


def words_of(value: str) -> list[list[Piece]]:
    """The index-mode words of one text with their offsets, as the analyzer gives them (remembered when short)."""
    return _words(segmenter(), value, True)


def _words(seg: Segmenter, value: str, expand: bool) -> list[list[Piece]]:
    """_segment, remembered for short strings: titles and section paths repeat on every clause."""
    if len(value) > MEMO_MAX_CHARS:
        return _segment(seg, value, expand)
    key = (id(seg), value, expand)
    found = _memo.get(key)
    if found is None:
        if len(_memo) >= MEMO_SIZE:
            _memo.clear()
        found = _memo[key] = _segment(seg, value, expand)
    return found


class JiebaTokenizer(Tokenizer):
    """A whoosh tokenizer over jieba, giving lowercase words; picklable (the segmenter is module state).

    It lowercases itself (the word table above does it once per word) rather than through
    whoosh's LowercaseFilter, one more Python generator step for every word indexed.
    """

    def __eq__(self, other: object) -> bool:
        return isinstance(other, JiebaTokenizer)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(  # noqa: PLR0913 - whoosh's tokenizer signature
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterable[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = value.lower()
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(value)
            yield token
            return
        pos = start_pos
        for pieces in _words(segmenter(), value, mode != "query"):
            for text, s, e in pieces:
                token.text = text
                token.boost = 1.0
                if keeporiginal:
                    token.original = text
                token.stopped = False
                if positions:
                    token.pos = pos
                if chars:
                    token.startchar, token.endchar = start_char + s, start_char + e
                yield token
            pos += 1


def analyzer() -> Any:
    """The analyzer of every text field (older indexes add a LowercaseFilter to it: the same words)."""
    return JiebaTokenizer()


# A word no text holds, whose frequency makes the small dictionary's total that of the full one.
# jieba weighs a whole word against its parts by frequency / total, so with a smaller total a
# query like 工业互联网平台 would be cut as 工业|互联网|平台 where the index has 工业互联网|平台,
# and the phrase would not be found.
TOTAL_PADDING_WORD = "\ue000"


def write_vocabulary(words: Iterable[str], path: Path) -> None:
    """Write the index's words as a jieba dictionary (``word freq``), frequencies from the full dictionary."""
    seg = segmenter()
    written = 0
    with open(path, "w", encoding="utf-8") as handle:
        for word in sorted(set(words)):
            if not word or " " in word:
                continue
            freq = seg.FREQ.get(word) or 1
            written += freq
            handle.write(f"{word} {freq}\n")
        if seg.total > written:
            handle.write(f"{TOTAL_PADDING_WORD} {seg.total - written}\n")
