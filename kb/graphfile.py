"""A fast-loading copy of the stored graph: graph.json pickled, for queries that load it on every command.

Reading node-link JSON back into networkx takes ~15x longer than unpickling the
same graph (4.4 s against 0.3 s at 1,000 documents), and ``who``/``duties``
pay it on each run. graph.json stays the knowledge base's record of the graph;
the pickle beside it is used only while graph.json is exactly the file it was
made from (same size and modification time), so an edited, damaged or missing
graph.json is never hidden. The pickle is only read from a generation this
program wrote itself.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import networkx as nx

    from model import Document

SUFFIX = ".pickle"


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


def save_copy(g: nx.MultiDiGraph, json_path: Path) -> None:
    """Pickle ``g`` beside ``json_path`` (already written from ``g``), atomically."""
    target = json_path.with_suffix(SUFFIX)
    fd, tmp = tempfile.mkstemp(prefix=target.name, suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            pickle.dump((_stamp(json_path), g), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load(json_path: Path) -> nx.MultiDiGraph:
    """The graph of ``json_path``: from its pickled copy when that is current, else from the JSON."""
    from graph.build import load_graph

    enabled = gc.isenabled()
    gc.disable()  # the collector would walk the half-built graph again and again while it loads
    try:
        try:
            with open(json_path.with_suffix(SUFFIX), "rb") as handle:
                stamp, g = pickle.load(handle)
            if stamp == _stamp(json_path):
                return g
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError, TypeError):
            pass  # no usable copy: read the JSON, which reports its own problems
        return load_graph(json_path)
    finally:
        if enabled:
            gc.enable()


def build(documents: list[Document]) -> nx.MultiDiGraph:
    from graph.build import build_graph

    return build_graph(documents)


def save(g: nx.MultiDiGraph, json_path: Path) -> None:
    """Write ``g`` as ``json_path`` (the knowledge base's record of the graph) and its pickled copy."""
    from graph.build import save_graph

    save_graph(g, json_path)
    save_copy(g, json_path)


def derive(json_path: Path, documents: list[Document]) -> nx.MultiDiGraph:
    """Build the graph of ``documents`` and keep it as ``json_path`` and its pickled copy.

    A writer that changes a few files leaves the graph to its first reader
    (rebuilding it took most of an ``add`` at 10,000 documents); that reader keeps
    what it built for the readers after it, unless the folder is gone or read-only.
    """
    from kb.layout import read_only

    g = build(documents)
    if json_path.parent.is_dir() and not read_only(json_path.parent):  # a read-only copy derives it on each use
        with contextlib.suppress(OSError):  # the answer stands; the next reader derives the graph again
            save(g, json_path)
    return g
