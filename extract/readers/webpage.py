"""HTML pages via beautifulsoup4: the visible text, one line per block element, table cells split by tabs."""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup, Comment, Declaration, Doctype, NavigableString, ProcessingInstruction
from bs4.dammit import EncodingDetector

from extract.readers.encoding import SUPERSETS, decode_bytes
from extract.readers.files import display_name, normalize_newlines, read_bytes
from model import SourceText, UnreadableFileError

HIDDEN = ["script", "style", "noscript", "template", "head", "nav", "iframe", "svg", "object", "select", "button"]
BLOCKS = {
    "address", "article", "aside", "blockquote", "caption", "center", "dd", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main",
    "ol", "p", "pre", "section", "table", "tbody", "tfoot", "thead", "tr", "ul", "body", "html",
}  # fmt: skip
CELLS = {"td", "th"}
# A cell with more text than this (or a nested table) holds page content laid out by a table, not table data.
LAYOUT_CELL_CHARS = 300
SPACES = re.compile(r"[^\S\n\t]+")  # runs of spaces (also &nbsp; and full-width spaces), not newlines or tabs
# A line break in the page source between two Chinese characters is no space on screen.
CJK_BREAK = re.compile(r"(?<=[^\x00-\x7f])[^\S\n]*\n\s*(?=[^\x00-\x7f])")


def decode_html(raw: bytes, name: str) -> tuple[str, str]:
    """The page's text, decoded with its declared charset when that works, else by detection."""
    declared = EncodingDetector.find_declared_encoding(raw, is_html=True)
    if declared:
        encoding = SUPERSETS.get(declared.lower().replace("-", ""), declared.lower())
        encoding = SUPERSETS.get(encoding, encoding)
        try:
            return raw.decode(encoding).removeprefix("\ufeff"), encoding
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong or unknown declaration: detect instead
    return decode_bytes(raw, name)


def _hidden_by_attribute(tag) -> bool:
    """An element the page never shows (share widgets, templates): hidden, or styled display:none."""
    style = (tag.get("style") or "").replace(" ", "").lower()
    return tag.has_attr("hidden") or "display:none" in style or "visibility:hidden" in style


def _clean_line(line: str) -> str:
    cells = [SPACES.sub(" ", cell).strip() for cell in line.split("\t")]
    return "\t".join(cell for cell in cells if cell)


def page_text(markup: str) -> str:
    """The text a reader sees in ``markup``: no scripts, styles, navigation or tags."""
    soup = BeautifulSoup(markup, "html.parser")
    for tag in soup.find_all(HIDDEN):
        tag.decompose()
    for tag in soup.find_all(_hidden_by_attribute):
        tag.decompose()
    for node in soup.find_all(string=lambda s: isinstance(s, (Comment, Doctype, Declaration, ProcessingInstruction))):
        node.extract()
    for string in soup.find_all(string=True):
        string.replace_with(SPACES.sub(" ", CJK_BREAK.sub("", string).replace("\n", " ").replace("\t", " ")))
    for cell in soup.find_all(CELLS):
        if cell.find("table") or len(cell.get_text()) > LAYOUT_CELL_CHARS:
            cell.name = "div"  # a table used for page layout: its cell is a region of the page, not a data cell
    for br in soup.find_all("br"):
        br.replace_with(NavigableString(" " if br.find_parent(CELLS) else "\n"))
    for tag in soup.find_all(True):
        if tag.name in BLOCKS and tag.name not in ("table", "tbody", "thead", "tfoot", "tr") and tag.find_parent(CELLS):
            tag.append(" ")  # a paragraph inside a data cell keeps the row on one line
        elif tag.name in BLOCKS:
            tag.insert_before("\n")
            tag.append("\n")
        elif tag.name in CELLS:
            tag.append("\t")
    lines = (_clean_line(line) for line in soup.get_text().split("\n"))
    return "\n".join(line for line in lines if line) + "\n"


def read_html(path: Path, *, max_bytes: int) -> SourceText:
    """The page's visible text, one line per paragraph, heading or table row."""
    name = display_name(path)
    markup, encoding = decode_html(read_bytes(path, max_bytes), name)
    text = page_text(normalize_newlines(markup))
    if not text.strip():
        raise UnreadableFileError(f"{name}: the page has no text (it may be filled in by JavaScript); save it as PDF")
    return SourceText(path=str(path), text=text, format="html", encoding=encoding)
