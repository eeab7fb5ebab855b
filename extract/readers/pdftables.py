"""Ruled tables in a PDF page (pdfplumber finds them by their lines): one text line per row, cells split by tabs.

Read line by line, a table's cells interleave (task words, 牵头单位 and 配合单位 mixed on one line); read as rows,
each task stays with its units, as in the .docx and .html readers.
"""

from __future__ import annotations

from pdfplumber.page import Page

from extract.readers.pdflayout import Line

Box = tuple[float, float, float, float]
CELL_PADDING = 6.0  # points between a cell's text and its right border (Word's default is 5.4)


def _cell_text(page: Page, box: Box, word_gap: float) -> str:
    """A cell's lines, joined with nothing where the cell wrapped them and with a space after a short line."""
    lines = page.within_bbox(box, strict=False).extract_text_lines(return_chars=False, x_tolerance_ratio=word_gap)
    out = ""
    for k, line in enumerate(lines):
        text = line["text"].strip()
        if k and out:
            prev = lines[k - 1]
            size = prev["bottom"] - prev["top"]
            out += " " if prev["x1"] < box[2] - CELL_PADDING - 1.5 * size else ""
        out += text
    return out


def _inside(obj: dict, boxes: list[Box]) -> bool:
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def page_lines_and_rows(page: Page, word_gap: float) -> list[Line]:
    """The page's text lines outside tables and one line per table row, top to bottom."""
    tables = page.find_tables()
    boxes: list[Box] = [table.bbox for table in tables]
    body = page.filter(lambda obj: obj.get("object_type") != "char" or not _inside(obj, boxes)) if boxes else page
    lines = [
        Line(text=row["text"], x0=row["x0"], x1=row["x1"], top=row["top"], bottom=row["bottom"])
        for row in body.extract_text_lines(return_chars=False, x_tolerance_ratio=word_gap)
    ]
    for table in tables:
        for row in table.rows:
            cells = [_cell_text(page, box, word_gap) for box in row.cells if box is not None]
            text = "\t".join(cells)
            if text.strip():
                x0, top, x1, bottom = row.bbox
                lines.append(Line(text=text, x0=x0, x1=x1, top=top, bottom=bottom, row=True))
    return sorted(lines, key=lambda line: line.top)
