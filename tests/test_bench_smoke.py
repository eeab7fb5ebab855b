"""A 200-document run of the benchmark script: every step runs and every figure is reported.

The 10,000-document benchmark is not a test (see BENCHMARKS.md); this only makes
sure the command the benchmark documents still works end to end.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402  (bench/ is not a package)
import run  # noqa: E402


def test_generator_is_deterministic_and_prefix_stable() -> None:
    first = list(generate.documents(30, seed=3))
    assert first == list(generate.documents(30, seed=3))
    assert list(generate.documents(10, seed=3)) == first[:10]
    assert first != list(generate.documents(30, seed=4))


@pytest.mark.parametrize("kind", ["search", "who", "duties"])
def test_fifty_fixed_queries(kind: str) -> None:
    asked = run.queries()[kind]
    assert len(asked) == 50
    assert asked == run.queries()[kind]


@pytest.mark.slow
def test_benchmark_runs_on_200_documents(tmp_path: Path) -> None:
    report = tmp_path / "BENCH.md"
    done = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--n", "200", "--work", str(tmp_path / "w"), "--repeat", "2"]
        + ["--pdf-share", "0.02", "--markdown", str(report)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    text = report.read_text(encoding="utf-8")
    for what, *_ in run.GOAL_ROWS:
        assert what in text
    assert "200 documents" in text and "Machine:" in text and "Command:" in text
    assert text.count("p95 of each run") == 3  # search, who, duties: two fresh processes each
