"""Guards every reader shares: a readable, non-empty file under the size limit, shown by a printable name."""

from __future__ import annotations

import os
from pathlib import Path

from model import UnreadableFileError

MB = 1024 * 1024


def display_name(path: Path) -> str:
    """The path as a person can read it, even when the name's bytes are not UTF-8."""
    return os.fsencode(path).decode("utf-8", errors="replace")


def check_name(path: Path) -> None:
    """Refuse a file name that is not valid UTF-8: it could not be stored, printed or searched."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        raw = os.fsencode(path.name)
        try:
            hint = f" (it looks like GBK for '{raw.decode('gb18030')}')"
        except UnicodeDecodeError:
            hint = ""
        raise UnreadableFileError(
            f"{display_name(path)}: the file name is not valid UTF-8{hint}; rename the file "
            "(e.g. `convmv -f gbk -t utf-8 --notest FILE`) and try again"
        ) from None


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, or an UnreadableFileError saying why not and what to do."""
    check_name(path)
    name = display_name(path)
    try:
        if not path.exists():
            raise UnreadableFileError(f"{name}: no such file; check the path")
        if path.is_dir():
            raise UnreadableFileError(f"{name}: is a folder, not a file; give one file inside it")
        size = path.stat().st_size
        if size > max_bytes:
            raise UnreadableFileError(
                f"{name}: the file is {size / MB:.1f} MB, over the limit of {max_bytes / MB:g} MB; "
                "raise it with --max-mb if the file is genuine"
            )
        raw = path.read_bytes()
    except PermissionError:
        raise UnreadableFileError(f"{name}: permission denied; ask for read access or copy the file") from None
    except OSError as exc:
        raise UnreadableFileError(f"{name}: cannot be read ({exc.strerror or exc}); check the file") from None
    if not raw.strip():
        raise UnreadableFileError(f"{name}: the file is empty; check that the download or copy finished")
    return raw


def normalize_newlines(text: str) -> str:
    """Windows and old-Mac line endings become \\n; nothing else changes, so spans index the file's own text."""
    return text.replace("\r\n", "\n").replace("\r", "\n")
