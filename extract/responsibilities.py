"""Find who is responsible for each task: 责任单位/牵头单位/配合单位 notes, 负责 notes and 分工 tables.

Notes are found and read by :mod:`extract.resp_notes` and :mod:`extract.resp_tables`;
this module gives every unit its role (the note's own words first, then the
document's stated convention such as ``逗号前为牵头单位，下同``), attaches it to
the innermost numbered task, applies inheritance notes (``以下各项任务均需各区县具体落实``)
to later tasks, and makes the agency name canonical (:mod:`extract.agencies`).
"""

from __future__ import annotations

from extract.agencies import canonical_agency, level_of, place_in, place_name
from extract.locate import innermost_section
from extract.resp_notes import Note, NoteUnit, cues, find_notes
from extract.resp_tables import find_table_notes
from extract.unit_names import Written
from model import Document, Responsibility, Role, Section

HEAD_CHARS = 200  # how far into a document its place may be named when the structure reader found none


def _document_place(text: str, doc: Document) -> str | None:
    """The document's place: the structure reader's, else the first place its title names."""
    if doc.jurisdiction:
        return place_name(doc.jurisdiction)
    head = doc.title or text[doc.span[0] : doc.span[0] + HEAD_CHARS]
    if "国务院" in head or head.startswith(("中共中央", "国家")):
        return "全国"
    # a title that names no place (市政府工作报告重点工作责任分解): the lines just below it may (丽水市政府)
    return place_in(head) or place_in(text[doc.span[0] : doc.span[0] + HEAD_CHARS])


def _conventions(text: str, doc: Document, notes: list[Note]) -> list[tuple[int, str]]:
    """Conventions that hold from a position on: stated with 下同, or stated outside any note."""
    held = [(n.start, n.convention) for n in notes if n.convention and n.carries]
    for pattern, kind in cues()["convention_res"]:
        for m in pattern.finditer(text, *doc.span):
            if not any(n.start <= m.start() < n.body[1] for n in notes):
                held.append((m.start(), kind))
    return sorted(held)


def _role(unit: NoteUnit, convention: str | None, position: int) -> Role:
    """A unit's role: its note's words first, then the document's convention, else responsible."""
    if unit.stated:
        return unit.stated
    if convention == "comma":
        return "lead" if unit.group == 0 else "support"
    if convention == "semicolon":
        return "lead" if unit.clause == 0 else "support"
    if convention == "first":
        return "lead" if position == 0 else "support"
    return "responsible"


def _later_tasks(doc: Document, section: Section) -> list[Section]:
    """Tasks after ``section`` at its level in the same document."""
    return [s for s in doc.sections if s.level == section.level and s.span[0] > section.span[0] and s.number]


def _own_line(text: str, note: Note) -> bool:
    """A note standing alone on its line (after the paragraphs of its task)."""
    line_start = text.rfind("\n", 0, note.start) + 1
    return not text[line_start : note.start].strip(" \t\u3000")


def _task_of(doc: Document, note: Note, own_line: bool, note_starts: list[int]) -> Section | None:
    """The numbered task a note belongs to: the innermost one holding it, or, for a note on its own line
    after numbered sub-items (（1）…（4）) that carry no notes of their own, the item that encloses them."""
    section = innermost_section(doc, note.start)
    if not own_line or section is None or section.parent is None or section.level < 3:
        return section
    siblings = [s for s in doc.sections if s.parent == section.parent and s.id != section.id]
    if any(s.span[0] <= at < s.span[1] for s in siblings for at in note_starts):
        return section
    parent = next((s for s in doc.sections if s.id == section.parent), None)
    return parent if parent and parent.number else section


def find_responsibilities(text: str, doc: Document) -> list[Responsibility]:
    """One item per (task, unit) named in the document's responsibility notes and 分工 tables."""
    notes = find_notes(text, *doc.span) + find_table_notes(text, doc)
    notes.sort(key=lambda n: n.start)
    place = _document_place(text, doc)
    held = _conventions(text, doc, notes)
    out: list[Responsibility] = []
    seen: set[tuple[str | None, str, str]] = set()

    def add(section: Section | None, unit: Written, role: Role, level: str | None = None) -> None:
        key = (section.id if section else None, unit.name, role)
        if key in seen:
            return
        seen.add(key)
        agency, jurisdiction = canonical_agency(unit.name, place, level)
        out.append(Responsibility(key[0], agency, unit.name, jurisdiction, role, unit.span))

    inherited: list[tuple[Section, Written, Role]] = []
    starts = [n.start for n in notes]
    for note in notes:
        section = _task_of(doc, note, _own_line(text, note), starts)
        convention = note.convention or next((k for at, k in reversed(held) if at <= note.start), None)
        level = None  # the level word written last in the note (省 of 省发展改革委), for bare names after it
        for position, unit in enumerate(note.units):
            add(section, unit.unit, _role(unit, convention, position), level)
            level = level_of(unit.unit.name) or level
        if section:
            inherited += [(section, unit, role) for unit, role in note.inherited]
    for origin, written, role in inherited:
        for task in _later_tasks(doc, origin):
            add(task, written, role)
    return out
