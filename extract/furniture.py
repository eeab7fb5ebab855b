"""Page furniture (navigation, 来源 lines, copyright, 扫一扫…) and other lines that end a document's text."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from extract.cues import load_table, words_of
from extract.pagemeta import is_meta_line

ATTACHMENT_NOTE = re.compile(r"^附件\s*[:：\d]")
# A date and time stamp on its own line, perhaps after a short label: 2020-10-21 16:21, 时间: 2023-02-21.
TIME_STAMP = re.compile(
    r"^(?:[^\s:：]{1,8}\s*[:：]\s*)?(?:19|20)\d{2}-\d{1,2}-\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$"
)
BULLETS = "•·●▪◆■"


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def is_furniture(line: str) -> bool:
    """A line of the web page around a document, listed in extract/data/furniture.tsv."""
    folded = _fold(line.strip()).lstrip(BULLETS).strip()
    if TIME_STAMP.match(folded) or is_meta_line(folded):
        return True
    prefixes, contained, exact = _furniture_words()
    return folded.startswith(prefixes) or folded in exact or any(word in folded for word in contained)


@cache
def _furniture_words() -> tuple[tuple[str, ...], tuple[str, ...], frozenset[str]]:
    """The folded words of furniture.tsv by match kind (prefix, contains, exact), folded and grouped once:
    every line of every document is tested, so one C-level ``startswith`` beats a Python loop over the rows."""
    rows = [(row["match"], _fold(row["words"])) for row in load_table("furniture.tsv")]
    return (
        tuple(word for match, word in rows if match == "prefix"),
        tuple(word for match, word in rows if match == "contains"),
        frozenset(word for match, word in rows if match == "exact"),
    )


def is_attachment_start(line: str) -> bool:
    """A line that opens an attachment after the signature: 附件, 附件1, 附件 2 (a lone label)."""
    stripped = line.strip()
    return any(pattern.fullmatch(stripped) for pattern in _attachment_patterns())


@cache
def _attachment_patterns() -> tuple[re.Pattern[str], ...]:
    """One compiled pattern per attachment word, built once (the check runs on every line of a document)."""
    words = words_of("structure_cues.tsv", "kind", "attachment")
    return tuple(re.compile(rf"{re.escape(w)}\s*\d{{0,2}}") for w in words)


def is_attachment_note(line: str) -> bool:
    """附件：1.… — the list of attachments before the signature (its body ends the numbered text)."""
    return bool(ATTACHMENT_NOTE.match(line.strip()))
