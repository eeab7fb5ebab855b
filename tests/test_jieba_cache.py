"""kb.jieba_cache: the pickled copy of jieba's dictionary is the same dictionary, and only a safe copy is read."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from kb import jieba_cache
from kb.tokenizer import jieba


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path


def _loaded() -> object:
    seg = jieba.Tokenizer()
    jieba_cache.initialize(seg, jieba)
    return seg


def test_the_copy_is_jiebas_dictionary(cache_home: Path) -> None:
    own = jieba.Tokenizer()
    own.initialize()
    first = _loaded()  # builds the copy
    (path,) = (cache_home / "policykb").glob("jieba-*.pickle")
    second = _loaded()  # reads it
    assert first.FREQ == own.FREQ == second.FREQ and first.total == own.total == second.total  # type: ignore[attr-defined]
    assert list(second.cut("加大技术改造支持力度")) == list(own.cut("加大技术改造支持力度"))  # type: ignore[attr-defined]
    assert path.stat().st_size > 1_000_000


@pytest.mark.parametrize(
    ("content", "mode"),
    [
        (pickle.dumps(({"假": 1}, 1)), 0o666),  # someone else could have written it: not read
        (b"not a pickle", 0o644),
        (pickle.dumps("a string"), 0o644),
    ],
    ids=["writable by others", "garbled", "wrong shape"],
)
def test_an_unsafe_or_damaged_copy_is_not_used(cache_home: Path, content: bytes, mode: int) -> None:
    path = jieba_cache._cache_path(jieba)
    assert path is not None and path.is_relative_to(cache_home)
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    path.chmod(mode)
    seg = _loaded()
    assert len(seg.FREQ) > 100_000  # type: ignore[attr-defined]
