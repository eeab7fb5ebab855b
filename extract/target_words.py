"""The words the target finder reads: units and cue words, loaded from extract/data/.

They live in TSV files a user can read and extend (target_units.tsv,
target_cues.tsv); this module only loads them once, at import, into regexes
and lookups, so that finding targets stays fast.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from extract.cues import load_table


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


def load_target_words() -> TargetWords:
    words = TargetWords()
    for row in load_table("target_units.tsv"):
        for written in [row["unit"], *(v for v in row["variants"].split("|") if v)]:
            words.units[written] = Unit(row["unit"], row["kind"])
    for row in load_table("target_cues.tsv"):
        words.cues.setdefault(row["kind"], []).append((row["cue"], row["value"]))
    return words


WORDS = load_target_words()
