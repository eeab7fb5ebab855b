"""Turn policy texts into facts; knows nothing of storage."""

from extract.pipeline import extract_file, extract_source, parse_file, parse_source
from extract.readers import read_source

__all__ = ["extract_file", "extract_source", "parse_file", "parse_source", "read_source"]
