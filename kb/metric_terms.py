"""The key terms of a target's metric, and whether two targets measure the same thing.

An explicit, explainable similarity: a metric is cut into key terms (the synonym table
kb/data/metric_terms.tsv first, longest variant first, then jieba words of what is left,
minus stop words); two targets align when they share enough weighted key terms, their
units are of one kind, and their measures (增长/比重/…) do not disagree.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import cache

import jieba

from kb.datafiles import normalize_brackets, read_tsv, read_words, split_list
from model import Target

WEIGHTS = {"subject": 3.0, "object": 1.0, "measure": 1.0, "other": 1.0}
MIN_SIMILARITY = 0.5
TAIL_CHARS = 8  # how far after a target's number a measure word (增长, 下降) may stand
_CLAUSE_END = re.compile(r"[，,。；;、：:\n]")
_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]{2,}")
_DIGITS = re.compile(r"^[\d.]+$")
jieba.setLogLevel(logging.WARNING)


@dataclass(frozen=True)
class KeyTerm:
    term: str  # canonical key term (a table term, or a word as written)
    kind: str  # subject / object / measure / other
    written: str  # the words it was read from


@dataclass
class Alignment:
    """Why two targets sit on one row: the key terms they share and the similarity."""

    similarity: float
    shared: list[str] = field(default_factory=list)


@cache
def _table() -> tuple[re.Pattern[str], dict[str, tuple[str, str]]]:
    """One regex over every variant and stop word (longest first), and variant → (term, kind)."""
    lookup: dict[str, tuple[str, str]] = {}
    for row in read_tsv("metric_terms.tsv"):
        for variant in [row["term"], *split_list(row["variants"])]:
            lookup[normalize_brackets(variant)] = (row["term"], row["kind"])
    stops = {normalize_brackets(w): ("", "stop") for w in read_words("metric_stopwords.txt")}
    entries = {**stops, **lookup}
    pattern = re.compile("|".join(re.escape(e) for e in sorted(entries, key=len, reverse=True)))
    return pattern, entries


def key_terms(metric: str, context: str = "") -> list[KeyTerm]:
    """The key terms of ``metric``; measure terms (增长, 比重…) are also taken from ``context``."""
    pattern, entries = _table()
    metric = normalize_brackets(metric)
    terms: list[KeyTerm] = []
    rest: list[str] = []
    last = 0
    for m in pattern.finditer(metric):
        rest.append(metric[last : m.start()])
        last = m.end()
        term, kind = entries[m.group()]
        if kind != "stop":
            terms.append(KeyTerm(term, kind, m.group()))
    rest.append(metric[last:])
    stops = set(read_words("metric_stopwords.txt"))
    for chunk in rest:
        for piece in _WORD.findall(chunk):
            for word in jieba.lcut(piece):
                if len(word) >= 2 and word not in stops and not _DIGITS.match(word):
                    terms.append(KeyTerm(word, "other", word))
    if not any(t.kind == "measure" for t in terms) and context:
        for m in pattern.finditer(normalize_brackets(context)):
            term, kind = entries[m.group()]
            if kind == "measure":
                terms.append(KeyTerm(term, kind, m.group()))
                break
    unique: dict[str, KeyTerm] = {}
    for t in terms:
        unique.setdefault(t.term, t)
    return list(unique.values())


def target_terms(target: Target, source: str = "") -> list[KeyTerm]:
    """Key terms of a target: its metric, plus a measure word near it when the metric has none.

    The measure may follow the number (工业技改投资实现10%以上增长), so the words after the
    target's span up to the end of its clause (``source`` is the text the span indexes) count too.
    """
    context = target.text.replace(target.metric, "", 1) if target.metric else target.text
    if source:
        tail = source[target.span[1] : target.span[1] + TAIL_CHARS]
        context += _CLAUSE_END.split(tail, maxsplit=1)[0]
    return key_terms(target.metric or target.text, context)


def unit_kind(unit: str) -> str:
    """percent, money, index or count: targets align only within one kind."""
    if unit in ("%", "％", "个百分点"):
        return "percent"
    if unit.endswith("元"):
        return "money"
    if not unit:
        return "index"
    return "count"


def align(a: list[KeyTerm], unit_a: str, b: list[KeyTerm], unit_b: str) -> Alignment | None:
    """The alignment of two targets' key terms, or None when they do not measure the same thing."""
    if unit_kind(unit_a) != unit_kind(unit_b):
        return None
    kinds = {t.term: t.kind for t in [*a, *b]}
    terms_a, terms_b = {t.term for t in a}, {t.term for t in b}
    shared = terms_a & terms_b
    measures_a = {t for t in terms_a if kinds[t] == "measure"}
    measures_b = {t for t in terms_b if kinds[t] == "measure"}
    if measures_a and measures_b and not measures_a & measures_b:
        return None
    subjects = {t for t in terms_a | terms_b if kinds[t] == "subject"}
    if subjects and not shared & subjects:
        return None
    if not any(kinds[t] in ("subject", "other") for t in shared):
        return None
    union = terms_a | terms_b
    similarity = sum(WEIGHTS[kinds[t]] for t in shared) / sum(WEIGHTS[kinds[t]] for t in union)
    if similarity < MIN_SIMILARITY:
        return None
    order = {"subject": 0, "other": 1, "object": 2, "measure": 3}
    return Alignment(round(similarity, 2), sorted(shared, key=lambda t: (order[kinds[t]], t)))
