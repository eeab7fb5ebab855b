"""The posting-arrays files as the knowledge base keeps them: written by build, add and remove for every
segment of the index, and a damaged one is passed over (search reads the blocks) with the same answers."""

from __future__ import annotations

from pathlib import Path

import pytest
from kb_helpers import copy_corpus, run_json

from kb import index, open_kb, posting_arrays


def _index_folder(kb: Path) -> Path:
    opened = open_kb(kb)
    try:
        return opened.files.index
    finally:
        opened.close()


def _segments(folder: Path) -> set[str]:
    with index.open_index(folder).searcher() as searcher:
        return {sub.reader()._segment.segment_id() for sub, _ in searcher.leaf_searchers()}


def _files(folder: Path) -> set[str]:
    return {p.name.removesuffix(posting_arrays.SUFFIX) for p in folder.glob("*" + posting_arrays.SUFFIX)}


def _answers(kb: Path) -> list[object]:
    return [run_json("search", word, "--kb", kb, "--limit", "50") for word in ("企业", "技术改造 补助", '"智能工厂"')]


@pytest.fixture
def small_kb(tmp_path: Path) -> Path:
    kb = tmp_path / "kb"
    run_json("build", copy_corpus(tmp_path / "files"), "--kb", kb)
    return kb


def test_build_add_and_remove_give_every_segment_its_file(small_kb: Path, tmp_path: Path) -> None:
    folder = _index_folder(small_kb)
    assert _files(folder) == _segments(folder) != set()
    (new,) = copy_corpus(tmp_path / "extra", ("002",)).iterdir()
    run_json("add", new, "--kb", small_kb)
    folder = _index_folder(small_kb)
    assert _files(folder) == _segments(folder) and len(_segments(folder)) >= 2
    run_json("remove", new, "--kb", small_kb)
    folder = _index_folder(small_kb)
    assert _files(folder) == _segments(folder)
    assert run_json("check", "--kb", small_kb)["ok"]


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: b"",  # empty
        lambda raw: raw[: len(raw) // 2],  # cut short in its header
        lambda raw: raw[:-8],  # cut short in its arrays
        lambda raw: b"\xff" * len(raw),  # not a header at all
    ],
    ids=["empty", "truncated", "short", "garbage"],
)
def test_a_damaged_file_is_passed_over_with_the_same_answers(small_kb: Path, damage: object) -> None:
    folder = _index_folder(small_kb)
    before = _answers(small_kb)
    for path in folder.glob("*" + posting_arrays.SUFFIX):
        path.unlink()
    posting_arrays.write(folder, min_postings=1)  # every word in the files: the answers come from them
    assert _answers(small_kb) == before
    for path in folder.glob("*" + posting_arrays.SUFFIX):
        path.write_bytes(damage(path.read_bytes()))  # type: ignore[operator]
    assert _answers(small_kb) == before
