"""PDF files via pdfplumber: the text layer in reading order, without page furniture, wrapped lines re-joined."""

from __future__ import annotations

import io
from pathlib import Path

import pdfplumber
from pdfminer.pdfdocument import PDFDocument, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import resolve1
from pdfplumber.utils.exceptions import PdfminerException

from extract.readers.files import display_name, read_bytes
from extract.readers.pdflayout import Line, drop_page_numbers, drop_running_lines, join_pages
from extract.readers.pdftables import page_lines_and_rows
from model import SourceText, UnreadableFileError

# A gap wider than this share of the letter size is a space; justified Chinese text spreads letters by less.
WORD_GAP = 0.15
EOF_WINDOW = 4096  # a complete PDF ends with %%EOF within its last bytes; a cut-off download does not


def _check_complete(raw: bytes, name: str) -> None:
    if not raw.startswith(b"%PDF-") and b"%PDF-" not in raw[:1024]:
        raise UnreadableFileError(f"{name}: not a PDF file (no %PDF header); check the file or its suffix")
    if b"%%EOF" not in raw[-EOF_WINDOW:]:
        raise UnreadableFileError(f"{name}: the PDF is cut off (truncated); download or copy it again")


def _declared_page_count(raw: bytes) -> int | None:
    """The page count the PDF's catalog states, read without opening any page (pdfplumber builds every page
    object, about 1 ms each, before it can count them); None when the catalog cannot tell."""
    try:
        document = PDFDocument(PDFParser(io.BytesIO(raw)))
        count = resolve1(resolve1(document.catalog["Pages"]).get("Count"))
    except Exception:  # damaged or encrypted: the full open below reports it
        return None
    return count if isinstance(count, int) else None


def read_pdf(path: Path, *, max_bytes: int, max_pages: int) -> SourceText:
    """The PDF's text; ``page_starts`` holds the offset where each page begins."""
    name = display_name(path)
    raw = read_bytes(path, max_bytes)
    _check_complete(raw, name)
    declared = _declared_page_count(raw)
    if declared is not None and declared > max_pages:
        raise UnreadableFileError(
            f"{name}: {declared} pages, over the limit of {max_pages} pages; "
            "raise it with --max-pages if the file is genuine"
        )
    try:
        with pdfplumber.open(io.BytesIO(raw)) as pdf:
            if len(pdf.pages) > max_pages:
                raise UnreadableFileError(
                    f"{name}: {len(pdf.pages)} pages, over the limit of {max_pages} pages; "
                    "raise it with --max-pages if the file is genuine"
                )
            pages: list[list[Line]] = []
            has_images = False
            for page in pdf.pages:
                pages.append(page_lines_and_rows(page, WORD_GAP))
                has_images = has_images or bool(page.images)
                page.close()  # free the page's parsed objects: a long PDF would otherwise hold them all
    except PdfminerException as exc:
        cause = exc.args[0] if exc.args else None
        if isinstance(cause, PDFPasswordIncorrect):
            raise UnreadableFileError(
                f"{name}: the PDF is password-protected; save an unprotected copy (e.g. `qpdf --decrypt`) and try again"
            ) from None
        raise UnreadableFileError(f"{name}: the PDF is damaged ({cause or exc}); download or export it again") from None
    except UnreadableFileError:
        raise
    except Exception as exc:  # pdfminer raises many kinds of error on a damaged file
        raise UnreadableFileError(f"{name}: the PDF is damaged ({exc}); download or export it again") from None
    if not any(line.text.strip() for page in pages for line in page):
        if has_images:
            raise UnreadableFileError(f"{name}: this PDF has no text layer (scanned); run OCR first (e.g. ocrmypdf)")
        raise UnreadableFileError(f"{name}: the PDF has no text")
    pages = drop_running_lines(drop_page_numbers(pages))
    text, starts = join_pages(pages)
    return SourceText(
        path=str(path),
        text=text,
        format="pdf",
        page_starts=[(offset, number) for number, offset in enumerate(starts, start=1)],
    )
