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
    for match, word in _furniture_words():
        if match == "prefix" and folded.startswith(word):
            return True
        if match == "contains" and word in folded:
            return True
        if match == "exact" and folded == word:
            return True
    return False


@cache
def _furniture_words() -> tuple[tuple[str, str], ...]:
    """(match kind, folded words) of each row of furniture.tsv, folded once."""
    return tuple((row["match"], _fold(row["words"])) for row in load_table("furniture.tsv"))


def is_attachment_start(line: str) -> bool:
    """A line that opens an attachment after the signature: 附件, 附件1, 附件 2 (a lone label)."""
    words = words_of("structure_cues.tsv", "kind", "attachment")
    return any(re.fullmatch(rf"{re.escape(w)}\s*\d{{0,2}}", line.strip()) for w in words)


def is_attachment_note(line: str) -> bool:
    """附件：1.… — the list of attachments before the signature (its body ends the numbered text)."""
    return bool(ATTACHMENT_NOTE.match(line.strip()))
