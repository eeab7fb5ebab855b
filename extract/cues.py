"""Load the cue-word tables of extract/data/ (TSV with '#' header comments), once per process."""

from __future__ import annotations

import csv
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


def words_of(name: str, kind_column: str, kind: str, word_column: str = "word") -> tuple[str, ...]:
    """The words of one kind in a table, longest first (so the longest cue wins)."""
    words = {row[word_column] for row in load_table(name) if row[kind_column] == kind}
    return tuple(sorted(words, key=len, reverse=True))
