"""A build whose postings outgrow the writer's pool writes them as several segments: memory stays bounded and
the knowledge base answers exactly as one written as a single segment."""

from __future__ import annotations

from pathlib import Path

import pytest
from kb_helpers import copy_corpus, run_json

from kb import index, open_kb, posting_arrays

QUERIES = ("企业", "技术改造 补助", '"智能工厂"', "贴息 OR 奖励")


def _segments(kb: Path) -> list[str]:
    opened = open_kb(kb)
    try:
        folder = opened.files.index
        with index.open_index(folder).searcher() as searcher:
            ids = [sub.reader()._segment.segment_id() for sub, _ in searcher.leaf_searchers()]
        assert {p.name.removesuffix(posting_arrays.SUFFIX) for p in folder.glob("*" + posting_arrays.SUFFIX)} == set(
            ids
        )
        return ids
    finally:
        opened.close()


def _answers(kb: Path) -> list[object]:
    out: list[object] = [run_json("search", q, "--kb", kb, "--limit", "100") for q in QUERIES]
    out.append(run_json("who", "企业", "--kb", kb, "--all"))
    stats = run_json("stats", "--kb", kb)
    out.append({k: v for k, v in stats.items() if k not in ("kb", "generation")})
    return out


def test_a_build_past_the_pool_limit_writes_segments_with_the_same_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = copy_corpus(tmp_path / "files", ("000", "001", "004"))
    whole, parts = tmp_path / "whole", tmp_path / "parts"
    run_json("build", files, "--kb", whole)
    monkeypatch.setattr(index, "SEGMENT_POSTINGS", 5_000)  # a few files' postings
    run_json("build", files, "--kb", parts)
    assert len(_segments(whole)) == 1
    assert len(_segments(parts)) >= 2
    assert _answers(parts) == _answers(whole)
    assert run_json("check", "--kb", parts)["ok"]
