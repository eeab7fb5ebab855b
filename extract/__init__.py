"""Turn policy texts into facts; knows nothing of storage.

The entry points are imported on first use (PEP 562), so importing one small
module such as ``extract.agencies`` does not load the whole pipeline (cn2an,
pdfplumber, the cue tables: about 0.4 s a command that only searches).
"""

from importlib import import_module
from typing import Any

_HOMES = {
    "extract_file": "extract.pipeline",
    "extract_source": "extract.pipeline",
    "parse_file": "extract.pipeline",
    "parse_source": "extract.pipeline",
    "read_source": "extract.readers",
}

__all__ = list(_HOMES)


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'extract' has no attribute {name!r}")
    return getattr(import_module(_HOMES[name]), name)
