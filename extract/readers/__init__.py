"""Readers turn a file into the one text every span indexes, one module per format.

``read_source`` picks the reader by the file's suffix and applies per-file limits, so one huge or hostile file
cannot stall a whole build. Every failure is an ``UnreadableFileError`` whose one-line message names the file,
says what is wrong and what to do.
"""

from __future__ import annotations

from pathlib import Path

from extract.readers.files import MB, check_name, display_name, read_bytes
from model import SourceText, UnreadableFileError

TEXT_SUFFIXES = {".txt", ".text", ""}
HTML_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml"}
LEGACY = {
    ".doc": "an old Word .doc file; open it in Word or WPS and save it as .docx or PDF",
    ".wps": "a WPS .wps file; open it in WPS and save it as .docx or PDF",
    ".rtf": "an RTF file; open it and save it as .docx or PDF",
    ".ofd": "an OFD file; export it as PDF from an OFD reader",
    ".xls": "an old Excel file; save it as .csv or PDF",
    ".xlsx": "an Excel file; save the sheet as PDF",
}

DEFAULT_MAX_BYTES = 50 * MB
DEFAULT_MAX_PAGES = 1000
DEFAULT_MAX_UNZIPPED_BYTES = 500 * MB


def read_source(
    path: str | Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pages: int = DEFAULT_MAX_PAGES,
    max_unzipped_bytes: int = DEFAULT_MAX_UNZIPPED_BYTES,
) -> SourceText:
    """Read ``path`` with the reader for its format, or raise UnreadableFileError.

    Limits: ``max_bytes`` for the file itself, ``max_pages`` for a PDF, ``max_unzipped_bytes`` for what a .docx
    unpacks to (checked from the zip's table of contents, before anything is unpacked).
    """
    path = Path(path)
    check_name(path)
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        from extract.readers.plaintext import read_plaintext

        return read_plaintext(path, max_bytes=max_bytes)
    if suffix == ".pdf":
        from extract.readers.pdf import read_pdf

        return read_pdf(path, max_bytes=max_bytes, max_pages=max_pages)
    if suffix in HTML_SUFFIXES:
        from extract.readers.webpage import read_html

        return read_html(path, max_bytes=max_bytes)
    if suffix == ".docx":
        from extract.readers.word import read_docx

        return read_docx(path, max_bytes=max_bytes, max_unzipped_bytes=max_unzipped_bytes)
    name = display_name(path)
    if suffix in LEGACY:
        read_bytes(path, max_bytes)  # a missing or empty file is reported as such first
        raise UnreadableFileError(f"{name}: this is {LEGACY[suffix]}")
    raise UnreadableFileError(
        f"{name}: unsupported file type '{suffix}'; policykb reads .txt, .pdf, .html and .docx; save it as one of these"
    )


__all__ = ["read_source", "DEFAULT_MAX_BYTES", "DEFAULT_MAX_PAGES", "DEFAULT_MAX_UNZIPPED_BYTES"]
