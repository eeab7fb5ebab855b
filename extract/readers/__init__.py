"""Readers turn a file into the one text every span indexes, one module per format."""

from __future__ import annotations

from pathlib import Path

from model import SourceText, UnreadableFileError


def read_source(path: str | Path) -> SourceText:
    """Read ``path`` with the reader for its format, or raise UnreadableFileError."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".txt", ".text", ""):
        from extract.readers.plaintext import read_plaintext

        return read_plaintext(path)
    raise UnreadableFileError(f"{path}: unsupported file type '{suffix}'; policykb reads .txt, .pdf, .html, .docx")
