"""Word .docx files via python-docx: paragraphs and tables in document order.

A table row becomes one line with its cells separated by a tab, so a task and its 牵头单位/配合单位 stay on one
line; a cell's own paragraphs are joined with a space, and a merged cell is written once. A table that only
lays out the page (a cell of more than 300 characters) gives its paragraphs one line each instead. A paragraph
Word numbers automatically gets its number written in front ("一、总体要求"), see docx_numbering.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
from docx.document import Document as DocxDocument
from docx.table import Table
from docx.text.paragraph import Paragraph

from extract.readers.docx_numbering import Numberer, without_broken_numbering
from extract.readers.files import MB, display_name, read_bytes
from model import SourceText, UnreadableFileError

# A cell with more text than this holds page content laid out by a table, not table data: one line per paragraph.
LAYOUT_CELL_CHARS = 300
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _check_zip(raw: bytes, name: str, max_unzipped_bytes: int) -> None:
    """Refuse old .doc files, damaged archives and zip bombs before python-docx unpacks anything."""
    if raw.startswith(OLE_MAGIC):
        raise UnreadableFileError(
            f"{name}: this is an old Word/WPS .doc file or a password-protected .docx; "
            "open it in Word or WPS and save it (without password) as .docx or PDF"
        )
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        raise UnreadableFileError(
            f"{name}: not a valid .docx (damaged or cut off); save or download it again"
        ) from None
    if unzipped > max_unzipped_bytes:
        raise UnreadableFileError(
            f"{name}: unpacks to {unzipped / MB:.0f} MB, over the limit of {max_unzipped_bytes / MB:g} MB "
            "(max_unzipped_bytes); this looks like a zip bomb — raise the limit only if you trust the file"
        )
    if "word/document.xml" not in names:
        raise UnreadableFileError(f"{name}: not a Word document (no word/document.xml); save it as .docx from Word")


def _paragraph_text(paragraph: Paragraph, numberer: Numberer) -> str:
    """The paragraph's text with the number Word draws before it; "" for an empty one (which still counts)."""
    label = numberer.label(paragraph._p)
    text = paragraph.text.strip()
    return label + text if text else ""


def _row_lines(row, numberer: Numberer) -> list[str]:
    """One tab-separated line for a data row; the paragraphs as lines when the table only lays out the page."""
    cells: list[list[str]] = []
    seen: list[object] = []
    for cell in row.cells:
        if any(cell._tc is tc for tc in seen):
            continue  # a merged cell appears once per grid column it spans
        seen.append(cell._tc)
        cells.append([text for p in cell.paragraphs if (text := _paragraph_text(p, numberer))])
        for inner in cell.tables:
            cells.append([line for inner_row in inner.rows for line in _row_lines(inner_row, numberer)])
    if any(sum(map(len, paras)) > LAYOUT_CELL_CHARS for paras in cells):
        return [para for paras in cells for para in paras]
    return ["\t".join(" ".join(paras) for paras in cells).strip()]


def _block_lines(block, numberer: Numberer) -> list[str]:
    if isinstance(block, Table):
        return [line for row in block.rows for line in _row_lines(row, numberer)]
    return [_paragraph_text(block, numberer)]


def _open_document(raw: bytes) -> DocxDocument:
    """python-docx's Document; a numbering.xml missing or not XML is taken as empty rather than losing the text."""
    try:
        return docx.Document(io.BytesIO(raw))
    except Exception as error:
        repaired = without_broken_numbering(raw)
        if repaired is None:
            raise
        try:
            return docx.Document(io.BytesIO(repaired))
        except Exception:
            raise error from None  # the fault was elsewhere: report the first error


def read_docx(path: Path, *, max_bytes: int, max_unzipped_bytes: int) -> SourceText:
    """The document's paragraphs and table rows, one per line."""
    name = display_name(path)
    raw = read_bytes(path, max_bytes)
    _check_zip(raw, name, max_unzipped_bytes)
    try:
        document = _open_document(raw)
        numberer = Numberer.of(document)
        lines = [line for block in document.iter_inner_content() for line in _block_lines(block, numberer)]
    except Exception as exc:  # python-docx and lxml raise many kinds of error on a damaged file
        raise UnreadableFileError(f"{name}: the .docx is damaged ({exc}); open it in Word and save it again") from None
    text = "\n".join(line for line in lines if line)
    if not text.strip():
        raise UnreadableFileError(f"{name}: the document has no text")
    return SourceText(path=str(path), text=text.replace("\r", "\n") + "\n", format="docx")
