"""`add` leaves the graph to its first reader; that reader gets the graph a fresh build would have written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from graph.build import build_graph
from kb.check import check_kb
from kb.knowledge_base import KnowledgeBase


@pytest.fixture(scope="module")
def added_kb(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four seed files built, the fifth added."""
    files = sorted(corpus_dir.glob("*.txt"))
    source = tmp_path_factory.mktemp("deferred") / "src"
    source.mkdir()
    for path in files:
        shutil.copy(path, source / path.name)
    kb = source.parent / "kb"
    last = source / files[-1].name
    held = source.parent / last.name
    shutil.move(last, held)
    assert CliRunner().invoke(cli, ["build", str(source), "--kb", str(kb)]).exit_code == 0
    shutil.move(held, last)
    result = CliRunner().invoke(cli, ["add", str(last), "--kb", str(kb)])
    assert result.exit_code == 0, result.output
    return kb


def _edges(g):
    return sorted((u, v, d.get("relation", "")) for u, v, d in g.edges(data=True))


def test_add_writes_no_graph(added_kb: Path) -> None:
    with KnowledgeBase(added_kb) as kb:
        assert kb.state, "an add changes the generation in place, under a new state"
        assert not kb.files.graph.exists()


def test_first_reader_derives_the_graph_of_all_documents_and_keeps_it(added_kb: Path) -> None:
    with KnowledgeBase(added_kb) as kb:
        g = kb.graph()
        expected = build_graph(kb.documents())
        assert sorted(g.nodes) == sorted(expected.nodes) and _edges(g) == _edges(expected)
        assert kb.files.graph.is_file()
    with KnowledgeBase(added_kb) as kb:
        assert sorted(kb.graph().nodes) == sorted(expected.nodes)


@pytest.mark.parametrize(
    "command", [["chain", "绿色工厂"], ["who", "绿色工厂"], ["duties", "市财政局", "--city", "青岛"]]
)
def test_queries_after_add(added_kb: Path, command: list[str]) -> None:
    result = CliRunner().invoke(cli, [*command, "--kb", str(added_kb), "--json"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() not in ("", "[]")


def test_check_after_add_finds_nothing(added_kb: Path) -> None:
    report = check_kb(added_kb)
    assert report.ok, report
