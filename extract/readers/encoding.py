"""Decode a Chinese text file: BOM first, then strict UTF-8, then a detector limited to Chinese encodings."""

from __future__ import annotations

import codecs
import unicodedata

from charset_normalizer import from_bytes

from model import UnreadableFileError

BOMS: list[tuple[bytes, str]] = [
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
# Encodings a Chinese government text comes in, in order of preference when the detector cannot tell them apart
# (short GB18030 texts are often also valid Big5). GB18030 is a superset of GBK and GB2312.
CHINESE_ENCODINGS = ["gb18030", "big5"]
SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "hz": "gb18030"}
# Signatures of binary formats people save with a wrong suffix, and what to do about each.
MAGIC: list[tuple[bytes, str]] = [
    (b"%PDF-", "a PDF file; rename it to .pdf"),
    (b"PK\x03\x04", "a zip container (probably .docx); rename it to .docx"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office/WPS file (.doc/.wps); open it and save it as .docx or PDF"),
    (b"{\\rtf", "an RTF file; open it and save it as .docx or .txt"),
    (b"\x89PNG", "a PNG image; run OCR on it first"),
    (b"\xff\xd8\xff", "a JPEG image; run OCR on it first"),
]
# Control characters (other than tab, newline, form feed, carriage return) are never in a real text file.
MAX_CONTROL_SHARE = 0.01
SHORT_TEXT_BYTES = 200  # below this, the detector may give up on genuine text
# A few damaged bytes (a download cut mid-character, one stray byte) become U+FFFD instead of losing the file.
MAX_DAMAGED_SHARE = 0.001


def _sniff_binary(raw: bytes, name: str) -> None:
    for magic, what in MAGIC:
        if raw.startswith(magic):
            raise UnreadableFileError(f"{name}: this is {what}")


def _looks_binary(text: str) -> bool:
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f")
    return controls > MAX_CONTROL_SHARE * max(len(text), 1) or "\x00" in text


def _detect(raw: bytes) -> str | None:
    """The Chinese encoding that decodes ``raw`` with the least chaos; ties go to the earlier one in the list."""
    matches = from_bytes(raw, cp_isolation=CHINESE_ENCODINGS)
    if not matches:
        return _short_text_encoding(raw)

    def rank(match) -> tuple[float, float, int]:
        encoding = SUPERSETS.get(match.encoding, match.encoding)
        order = CHINESE_ENCODINGS.index(encoding) if encoding in CHINESE_ENCODINGS else len(CHINESE_ENCODINGS)
        return (round(match.chaos, 3), -round(match.coherence, 3), order)

    best = min(matches, key=rank)
    return SUPERSETS.get(best.encoding, best.encoding)


def _short_text_encoding(raw: bytes) -> str | None:
    """For a few words the detector has too little to go on: take the first Chinese encoding that decodes them
    strictly into text without control characters (random bytes fail strict GB18030 decoding at once)."""
    if len(raw) > SHORT_TEXT_BYTES:
        return None
    for encoding in CHINESE_ENCODINGS:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not _looks_binary(text):
            return encoding
    return None


def _nearly_decodes(raw: bytes, encoding: str) -> bool:
    """Whether ``raw`` decodes in ``encoding`` but for a few damaged bytes."""
    damaged = raw.decode(encoding, errors="replace").count("\ufffd")
    return damaged <= max(2, MAX_DAMAGED_SHARE * len(raw))


def _damaged_encoding(raw: bytes) -> str | None:
    """The encoding of a text with a few damaged bytes, which strict decoding and the detector both refuse."""
    return next((enc for enc in ["utf-8", *CHINESE_ENCODINGS] if _nearly_decodes(raw, enc)), None)


def decode_bytes(raw: bytes, name: str) -> tuple[str, str]:
    """The text of ``raw`` (BOM removed, nothing else changed) and the encoding it was read with.

    A few damaged bytes become U+FFFD (one character each, so spans still index the text).
    """
    _sniff_binary(raw, name)
    encoding = next((enc for bom, enc in BOMS if raw.startswith(bom)), None)
    if encoding is None:
        try:
            raw.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError:
            encoding = _detect(raw) or _damaged_encoding(raw)
    if encoding is None:
        raise UnreadableFileError(
            f"{name}: not text in UTF-8, GB18030/GBK, Big5 or UTF-16 (a binary file?); "
            "if it is a document, save it as .txt (UTF-8), .docx or PDF"
        )
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        if not _nearly_decodes(raw, encoding):
            raise UnreadableFileError(f"{name}: damaged {encoding} text; save it again as UTF-8") from None
        text = raw.decode(encoding, errors="replace")
    text = text.removeprefix("\ufeff")
    if _looks_binary(text):
        raise UnreadableFileError(f"{name}: this is a binary file, not text; open it in its program and save as .txt")
    return text, encoding
