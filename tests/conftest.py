"""Shared pytest fixtures. File makers (PDF, DOCX, HTML, encodings) live in tests/fixtures.py."""

from __future__ import annotations

from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The seed documents shipped with the project."""
    return CORPUS
