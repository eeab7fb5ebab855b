"""Read the readable data files under kb/data/ (TSV or word lists with # header comments).

Rules a researcher may adjust (key terms, coding cues, themes) live there, not in code.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from model import KnowledgeBaseError

DATA_DIR = Path(__file__).resolve().parent / "data"


def _lines(name: str) -> list[str]:
    path = DATA_DIR / name
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise KnowledgeBaseError(f"cannot read data file {path}: {exc.strerror}; reinstall policykb") from None
    return [line.rstrip("\n") for line in raw.splitlines() if line.strip() and not line.lstrip().startswith("#")]


@cache
def read_words(name: str) -> tuple[str, ...]:
    """The words of a one-word-per-line file, in file order."""
    return tuple(line.strip() for line in _lines(name))


@cache
def read_tsv(name: str) -> tuple[dict[str, str], ...]:
    """The rows of a TSV file as dicts keyed by its header row."""
    lines = _lines(name)
    if not lines:
        return ()
    header = lines[0].split("\t")
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        cells = line.split("\t")
        if len(cells) != len(header):
            raise KnowledgeBaseError(
                f"data file {DATA_DIR / name}: row {number} has {len(cells)} columns, expected {len(header)} "
                f"({', '.join(header)}); separate columns with one tab"
            )
        rows.append(dict(zip(header, (c.strip() for c in cells), strict=True)))
    return tuple(rows)


def split_list(cell: str) -> list[str]:
    """A 、-separated list cell as its items (empty items dropped)."""
    return [item.strip() for item in cell.split("、") if item.strip()]


def normalize_brackets(text: str) -> str:
    """Full-width brackets as half-width ones, so (市) and （市） match alike."""
    return text.replace("（", "(").replace("）", ")")
