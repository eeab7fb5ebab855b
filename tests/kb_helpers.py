"""Helpers for the knowledge base tests: run the real CLI in-process or as a separate process."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from cli import CORPUS_DIR, cli
from kb import index


def run(*args: str | Path) -> Result:
    """``policykb ARGS`` in this process (CliRunner), never raising."""
    return CliRunner().invoke(cli, [str(a) for a in args])


def run_json(*args: str | Path, code: int = 0) -> Any:
    result = run(*args, "--json")
    assert result.exit_code == code, result.output
    return json.loads(result.stdout)


def spawn(*args: str | Path, **kwargs: Any) -> subprocess.Popen[str]:
    """``policykb ARGS`` as its own process (for kill and concurrency tests)."""
    return subprocess.Popen(
        [sys.executable, "-m", "cli", *(str(a) for a in args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        **kwargs,
    )


def copy_corpus(dest: Path, names: tuple[str, ...] = ("000", "004"), copies: int = 1) -> Path:
    """Seed files copied to ``dest``; copy n > 1 gets a distinct first line, so distinct documents."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in names:
        (src,) = CORPUS_DIR.glob(f"{name}_*.txt")
        for n in range(1, copies + 1):
            target = dest / (src.name if copies == 1 else f"{src.stem}_{n}.txt")
            if copies == 1:
                shutil.copy(src, target)
            else:
                target.write_text(f"（第{n}份）\n" + src.read_text(encoding="utf-8"), encoding="utf-8")
    return dest


@contextmanager
def clause_searcher(folder: Path, clauses: Iterable[dict[str, Any]]) -> Iterator[Any]:
    """A real whoosh index of ``clauses`` (each add_document's fields) in ``folder``, and a searcher scoring as
    search does."""
    ix = index.create(folder)
    w = index.writer(ix)
    for fields in clauses:
        w.add_document(**fields)
    w.commit()
    with ix.searcher(weighting=index.LengthCachedBM25F()) as opened:
        yield opened
