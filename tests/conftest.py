"""Shared pytest fixtures. File makers (PDF, DOCX, HTML, encodings) live in tests/fixtures.py."""

from __future__ import annotations

from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The seed documents shipped with the project."""
    return CORPUS


@pytest.fixture(scope="session")
def corpus_kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built-in corpus built once per test run by `policykb build`. Read it, never change it."""
    from click.testing import CliRunner

    from cli import cli

    path = tmp_path_factory.mktemp("corpus_kb") / "kb"
    result = CliRunner().invoke(cli, ["build", "--kb", str(path)])
    assert result.exit_code == 0, result.output
    return path
