"""Load the cue-word tables of extract/data/ (TSV with '#' header comments), and turn word lists into regexes."""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


@cache
def load_table(name: str) -> tuple[dict[str, str], ...]:
    """Rows of ``extract/data/<name>`` as dicts keyed by its header line; comment lines skipped."""
    path = DATA_DIR / name
    with path.open(encoding="utf-8") as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    return tuple(
        {key: (value or "").strip() for key, value in row.items()} for row in csv.DictReader(lines, delimiter="\t")
    )


@cache
def words_of(name: str, kind_column: str, kind: str, word_column: str = "word") -> tuple[str, ...]:
    """The words of one kind in a table, longest first (so the longest cue wins)."""
    words = {row[word_column] for row in load_table(name) if row[kind_column] == kind}
    return tuple(sorted(words, key=len, reverse=True))


def kind_words(name: str) -> dict[str, list[str]]:
    """The words of a headerless ``kind<TAB>word`` table (funding_cues.tsv, citation_cues.tsv) by kind, longest first
    (so 研发补助 wins over 补助)."""
    words: dict[str, list[str]] = defaultdict(list)
    for line in (DATA_DIR / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            kind, _, word = line.partition("\t")
            if word.strip():
                words[kind.strip()].append(word.strip())
    return {kind: sorted(found, key=len, reverse=True) for kind, found in words.items()}


def alternation(words: list[str]) -> str:
    """A regex alternation of literal words, longest first; a word written ``re:…`` is a regex."""
    parts = [w[3:] if w.startswith("re:") else re.escape(w) for w in sorted(words, key=len, reverse=True)]
    return "|".join(parts) if parts else "(?!)"
