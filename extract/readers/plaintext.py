"""Plain text in any common Chinese encoding (placeholder: UTF-8 only)."""

from __future__ import annotations

from pathlib import Path

from model import SourceText, UnreadableFileError


def read_plaintext(path: Path) -> SourceText:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UnreadableFileError(f"{path}: cannot be read ({exc.strerror})") from None
    text = raw.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    return SourceText(path=str(path), text=text, format="txt", encoding="utf-8")
