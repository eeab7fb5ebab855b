"""Read 分工 tables whose header names 牵头单位/配合单位/责任单位 columns (a DOCX table as tab-separated rows).

Every cell under such a column is read as a note whose units take the column's role.
"""

from __future__ import annotations

from extract.resp_notes import Note, cues, read_note
from model import Document


def _role_columns(cells: list[str]) -> dict[int, str]:
    """Column index → role, for a header row that names responsibility columns."""
    labels = cues()["labels"]
    return {i: labels[c.strip()] for i, c in enumerate(cells) if c.strip() in labels}


def find_table_notes(text: str, doc: Document) -> list[Note]:
    """One note per filled responsibility cell of every 分工 table in the document."""
    notes: list[Note] = []
    columns: dict[int, str] = {}
    start, end = doc.span
    pos = start
    for line in text[start:end].split("\n"):
        cells = line.split("\t")
        if len(cells) < 2:
            columns = {}
        elif _role_columns(cells):
            columns = _role_columns(cells)
        elif columns:
            at = pos
            for i, cell in enumerate(cells):
                if i in columns and cell.strip():
                    role = columns[i]
                    note = Note(at, (at, at + len(cell)), True, label_role=role)  # type: ignore[arg-type]
                    read_note(text, note)
                    notes.append(note)
                at += len(cell) + 1
        pos += len(line) + 1
    return notes
