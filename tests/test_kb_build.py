"""build / add / remove / stats / check through the real CLI, on real files and a real index on disk."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from kb_helpers import copy_corpus, run, run_json

from cli import CORPUS_DIR
from kb import open_kb
from kb.places import place_key


@pytest.fixture
def small_kb(tmp_path: Path) -> tuple[Path, Path]:
    """A knowledge base of two seed files copied to a folder of their own: (kb folder, files folder)."""
    files = copy_corpus(tmp_path / "files")
    kb = tmp_path / "kb"
    run_json("build", files, "--kb", kb)
    return kb, files


def current(kb: Path) -> str:
    return (kb / "CURRENT").read_text().strip()


def test_build_reports_every_count_and_the_kb_answers(corpus_kb: Path) -> None:
    stats = run_json("stats", "--kb", corpus_kb)
    assert stats["files"] == 5
    assert stats["documents"] >= 5
    for key in ("sections", "targets", "responsibilities", "funding", "agencies", "clauses"):
        assert stats[key] > 0, key
    assert {Path(s["path"]).name for s in stats["sources"]} == {p.name for p in CORPUS_DIR.glob("*.txt")}
    check = run_json("check", "--kb", corpus_kb)
    assert check["ok"], check


def test_build_summary_is_readable_chinese(tmp_path: Path) -> None:
    result = run("build", copy_corpus(tmp_path / "f", ("004",)), "--kb", tmp_path / "kb")
    assert result.exit_code == 0, result.output
    assert "建库完成" in result.output and "文件 1" in result.output and "资金条款" in result.output


def test_documents_api_returns_whole_documents_with_true_spans(corpus_kb: Path) -> None:
    with open_kb(corpus_kb) as kb:
        docs = kb.documents()
        assert docs and any(d.sections for d in docs)
        for doc in docs:
            text = kb.source_text(doc.id)
            for fact in [*doc.targets, *doc.funding]:
                assert text[fact.span[0] : fact.span[1]] == fact.text
        assert kb.graph().number_of_nodes() > len(docs)


@pytest.mark.parametrize("city", ["重庆", "重庆市"])
def test_documents_by_jurisdiction_accepts_short_and_full_names(corpus_kb: Path, city: str) -> None:
    with open_kb(corpus_kb) as kb:
        docs = kb.documents(jurisdiction=city)
        assert docs and all(place_key(d.jurisdiction) == "重庆" for d in docs)
        assert kb.documents(doc_ids=[docs[0].id])[0].id == docs[0].id


@pytest.mark.parametrize(
    ("name", "content", "options", "reason"),
    [
        ("broken.pdf", b"%PDF-1.4 this is not really a pdf", [], "broken.pdf"),
        ("notes.xyz", "一、总体要求".encode(), [], "unsupported"),
        ("big.txt", ("一、总体要求。" * 2000).encode(), ["--max-mb", "0.01"], "--max-mb"),
    ],
    ids=["broken-pdf", "unsupported-type", "over-max-mb"],
)
def test_one_bad_file_is_skipped_with_its_reason_and_the_rest_goes_in(
    tmp_path: Path, name: str, content: bytes, options: list[str], reason: str
) -> None:
    files = copy_corpus(tmp_path / "files", ("004",))
    bad = files / name
    bad.write_bytes(content)
    result = run("build", files, bad, "--kb", tmp_path / "kb", *options, "--json")
    assert result.exit_code == 3, result.output
    report = json.loads(result.stdout)
    assert [Path(s["path"]).name for s in report["skipped"]] == [name]
    assert reason in report["skipped"][0]["reason"] or reason in report["skipped"][0]["path"]
    assert [Path(p).name for p in report["added"]] == ["004_bb2807ede5a84bad.txt"]


def test_build_of_a_folder_without_policy_files_says_so(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = run("build", tmp_path / "empty", "--kb", tmp_path / "kb")
    assert result.exit_code == 1
    assert "no policy files" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "kb" / "CURRENT").exists()


def test_adding_an_unchanged_file_changes_nothing(small_kb: tuple[Path, Path]) -> None:
    kb, files = small_kb
    before = current(kb)
    report = run_json("add", *sorted(files.iterdir()), "--kb", kb)
    assert report["changed"] is False and len(report["unchanged"]) == 2 and report["added"] == []
    assert current(kb) == before


def test_adding_a_changed_file_replaces_its_facts(small_kb: tuple[Path, Path]) -> None:
    kb, files = small_kb
    (path,) = files.glob("004_*.txt")
    with open_kb(kb) as k:
        old_docs = {d.id for d in k.documents()}
    path.write_text(
        path.read_text(encoding="utf-8") + "\n七、附则\n本措施自印发之日起施行，由市经信局负责解释。\n",
        encoding="utf-8",
    )
    report = run_json("add", path, "--kb", kb)
    assert report["changed"] is True and [Path(p).name for p in report["replaced"]] == [path.name]
    with open_kb(kb) as k:
        new_docs = {d.id for d in k.documents()}
        assert len(new_docs) == len(old_docs) and new_docs != old_docs
    hits = run_json("search", "负责解释", "--kb", kb)
    assert hits and "负责解释" in hits[0]["text"]
    assert run_json("check", "--kb", kb)["ok"]


def test_adding_a_new_file_then_removing_it(small_kb: tuple[Path, Path], tmp_path: Path) -> None:
    kb, _files = small_kb
    extra = copy_corpus(tmp_path / "extra", ("002",))
    (new,) = extra.iterdir()
    before = run_json("stats", "--kb", kb)
    report = run_json("add", new, "--kb", kb)
    assert [Path(p).name for p in report["added"]] == [new.name]
    assert report["counts"]["files"] == before["files"] + 1
    assert run_json("search", "规范资金使用", "--kb", kb, "--doc", "第二批")
    report = run_json("remove", new, "--kb", kb)
    assert [Path(p).name for p in report["removed"]] == [new.name]
    assert report["counts"] == {k: before[k] for k in report["counts"]}
    result = run("search", "规范资金使用", "--kb", kb, "--doc", "第二批")
    assert result.exit_code == 1 and "no document" in result.output
    assert run_json("check", "--kb", kb)["ok"]


def test_removing_a_file_not_in_the_kb_is_reported(small_kb: tuple[Path, Path], tmp_path: Path) -> None:
    kb, _ = small_kb
    result = run("remove", tmp_path / "nowhere.txt", "--kb", kb, "--json")
    assert result.exit_code == 3
    assert "is not in the knowledge base" in json.loads(result.stdout)["skipped"][0]["reason"]


@pytest.mark.parametrize("command", [["search", "贴息"], ["stats"], ["check"], ["add", "corpus"], ["remove", "x.txt"]])
def test_without_a_kb_every_command_says_to_build_first(tmp_path: Path, command: list[str]) -> None:
    result = run(*command, "--kb", tmp_path / "none")
    assert result.exit_code == 1
    assert f"no knowledge base at {tmp_path / 'none'}; run `policykb build` first" in result.output
    assert "Traceback" not in result.output


def test_kb_folder_comes_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICYKB_HOME", str(tmp_path / "envkb"))
    run_json("build", copy_corpus(tmp_path / "f", ("004",)))
    assert (tmp_path / "envkb" / "CURRENT").is_file()
    assert run_json("stats")["files"] == 1


def test_check_finds_an_index_that_disagrees_with_the_database(small_kb: tuple[Path, Path]) -> None:
    kb, _ = small_kb
    gen = kb / current(kb)
    shutil.rmtree(gen / "index")
    result = run("check", "--kb", kb)
    assert result.exit_code == 1 and "search index" in result.output and "✗" in result.output


def test_a_file_over_the_time_limit_is_skipped_whole(tmp_path: Path) -> None:
    (seed,) = CORPUS_DIR.glob("003_*.txt")
    files = tmp_path / "files"
    files.mkdir()
    (files / "long.txt").write_text(seed.read_text(encoding="utf-8") * 16, encoding="utf-8")  # seconds to read
    result = run("build", files, "--kb", tmp_path / "kb", "--timeout", "0.5")
    assert result.exit_code == 1
    assert "long.txt" in result.output and "--timeout" in result.output and "was not changed" in result.output
    assert not (tmp_path / "kb" / "CURRENT").exists()


def test_removing_a_folder_removes_every_file_under_it(small_kb: tuple[Path, Path]) -> None:
    kb, files = small_kb
    report = run_json("remove", files, "--kb", kb)
    assert len(report["removed"]) == 2 and report["counts"]["files"] == 0


def test_a_second_copy_of_a_document_is_skipped_and_named(tmp_path: Path) -> None:
    files = copy_corpus(tmp_path / "files", ("004",))
    (original,) = files.iterdir()
    (files / "副本.txt").write_bytes(original.read_bytes())
    result = run("build", files, "--kb", tmp_path / "kb", "--json")
    assert result.exit_code == 3
    (skipped,) = json.loads(result.stdout)["skipped"]
    assert "same document" in skipped["reason"] and original.name in skipped["reason"]
