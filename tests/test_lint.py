"""The tree stays clean: ruff's lint and format checks and mypy's type check find nothing.

Each tool runs as its own process from the repository root, with the settings in pyproject.toml, so a failure
here is what a developer sees running the same command by hand. mypy keeps its cache in .mypy_cache, so a
re-run only checks what changed.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

CHECKS = [
    pytest.param("ruff", ["check", "."], id="ruff check"),
    pytest.param("ruff", ["format", "--check", "."], id="ruff format --check"),
    pytest.param("mypy", [], id="mypy"),
]


@pytest.mark.parametrize(("tool", "args"), CHECKS)
def test_no_findings(tool: str, args: list[str]) -> None:
    if importlib.util.find_spec(tool) is None:
        pytest.skip(f"{tool} is not installed (pip install -e '.[dev]')")
    run = subprocess.run(
        [sys.executable, "-m", tool, *args], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    command = " ".join([tool, *args])
    assert run.returncode == 0, f"`{command}` found problems:\n{run.stdout}{run.stderr}"
