"""Plain text in any common Chinese encoding."""

from __future__ import annotations

from pathlib import Path

from extract.readers.encoding import decode_bytes
from extract.readers.files import display_name, normalize_newlines, read_bytes
from model import SourceText, UnreadableFileError


def read_plaintext(path: Path, *, max_bytes: int) -> SourceText:
    """The file's text with \\n line endings; a span indexes exactly this text."""
    name = display_name(path)
    text, encoding = decode_bytes(read_bytes(path, max_bytes), name)
    if not text.strip():
        raise UnreadableFileError(f"{name}: the file has no text; check that the download or copy finished")
    return SourceText(path=str(path), text=normalize_newlines(text), format="txt", encoding=encoding)
