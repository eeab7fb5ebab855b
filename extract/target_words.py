"""The words the target finder reads: units and cue words, loaded from extract/data/.

They live in TSV files a user can read and extend (target_units.tsv,
target_cues.tsv); this module only loads them once, at import, into regexes
and lookups, so that finding targets stays fast.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources


@dataclass(frozen=True)
class Unit:
    unit: str  # the base unit written into a target
    kind: str  # count | percent | money | physical


@dataclass
class TargetWords:
    """Every word list of target_cues.tsv and target_units.tsv, ready to match."""

    units: dict[str, Unit] = field(default_factory=dict)  # written form → unit
    cues: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # kind → [(cue, value)]

    def words(self, kind: str) -> list[str]:
        """The cue words of one kind, longest first (so 不低于 wins over 低于)."""
        return sorted((cue for cue, _ in self.cues.get(kind, [])), key=len, reverse=True)

    def value(self, kind: str, cue: str) -> str:
        return next(value for c, value in self.cues[kind] if c == cue)


def _rows(name: str) -> list[list[str]]:
    """Tab-separated rows of a data file, without comments, blank lines and the header row."""
    text = resources.files("extract").joinpath("data", name).read_text(encoding="utf-8")
    rows = [line.rstrip("\n").split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return rows[1:]


def load_target_words() -> TargetWords:
    words = TargetWords()
    for row in _rows("target_units.tsv"):
        unit, kind = row[0], row[1]
        variants = [v for v in (row[2].split("|") if len(row) > 2 else []) if v]
        for written in [unit, *variants]:
            words.units[written] = Unit(unit, kind)
    for row in _rows("target_cues.tsv"):
        kind, cue = row[0], row[1]
        words.cues.setdefault(kind, []).append((cue, row[2] if len(row) > 2 else ""))
    return words


def alternation(words: list[str]) -> str:
    """A regex alternation of literal words, longest first; a word written ``re:…`` is a regex."""
    parts = [w[3:] if w.startswith("re:") else re.escape(w) for w in sorted(words, key=len, reverse=True)]
    return "|".join(parts) if parts else "(?!)"


WORDS = load_target_words()
