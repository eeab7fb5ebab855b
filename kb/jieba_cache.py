"""jieba's default dictionary loaded from a pickled copy: the floor of `policykb add` is this load.

jieba keeps its prefix dictionary (half a million words) as a marshal file in the
temp folder; a fresh process reads it in 1.0-1.9 s, the pickle of the same
tuple in 0.4-0.7 s (measured back to back, load 4-6). The copy lives in the
user's own cache folder (never a shared temp folder: a pickle runs code when
loaded, so only a file this user wrote is read) and is keyed to jieba's version
and dictionary file, so an upgrade makes a new one.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

FORMAT = "1"


def _cache_path(jieba: Any) -> Path | None:
    dictionary = Path(jieba.__file__).with_name(jieba.DEFAULT_DICT_NAME)
    try:
        stat = dictionary.stat()
    except OSError:
        return None
    key = f"{FORMAT}-{jieba.__version__}-{stat.st_size}-{stat.st_mtime_ns}".encode()
    home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return home / "policykb" / f"jieba-{hashlib.sha256(key).hexdigest()[:16]}.pickle"


def _own(path: Path) -> bool:
    """True when ``path`` is a file of this user that no one else can write."""
    stat = path.stat()
    return stat.st_uid == os.getuid() and not stat.st_mode & 0o022


def initialize(seg: Any, jieba: Any) -> None:
    """Load jieba's default dictionary into ``seg`` (a fresh ``jieba.Tokenizer()``), from the pickled copy if any."""
    path = _cache_path(jieba)
    if path is not None:
        with contextlib.suppress(OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):
            if _own(path):
                with open(path, "rb") as handle:
                    freq, total = pickle.load(handle)
                if isinstance(freq, dict) and isinstance(total, int):
                    seg.FREQ, seg.total, seg.initialized = freq, total, True
                    return
    seg.initialize()
    if path is not None:
        with contextlib.suppress(OSError, pickle.PicklingError):
            _save(path, (seg.FREQ, seg.total))


def _save(path: Path, value: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
