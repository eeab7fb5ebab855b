"""Find responsibility notes and read them: ``（责任单位：A、B等按职责分工负责，C具体落实）``.

A note is bracketed (closed, or cut off at the line end), starts a line with
its label, or is an unlabelled bracket that lists units and says 负责
(``（海关总署、商务部负责，排在第一位的部门为牵头部门，下同）``). Reading it
gives its units with the roles its own words state, the lead convention it
states and the units it gives to every later task. Cue words: ``data/resp_cues.json``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from extract.unit_names import CLOSERS, OPENERS, Written, balanced_end, read_units, split_top
from model import Role

DATA = Path(__file__).resolve().parent / "data"
NOTE_MAX = 600  # a note longer than this is running text, not a note
# Another field of a task line (完成时限：2025年底, 时间节点:): its words are not units.
# Words that end like no unit and hold a number or run long are a sentence (2025年底前完成), not a name.
NOT_A_NAME = re.compile(r"\d|^.{13,}$")
SENTENCE_END = re.compile(r"[。\n]")
OPEN_BRACKET = re.compile(rf"[{OPENERS}]")
OTHER_FIELD = re.compile(r"\s*[^\s:：，,、；;（(）)]{2,8}[:：]")
OTHER_FIELD_INSIDE = re.compile(r"[ \t\u3000]+[^\s:：，,、；;（(）)]{2,8}[:：]")


@cache
def cues() -> dict[str, Any]:
    """``data/resp_cues.json`` with its patterns compiled."""
    raw = json.loads((DATA / "resp_cues.json").read_text(encoding="utf-8"))
    labels = sorted(raw["labels"], key=len, reverse=True)
    label_alt = "|".join(map(re.escape, labels))
    raw["label_at_start"] = re.compile(rf"\s*(?:【(?P<boxed>{label_alt})】\s*[:：]?|(?P<label>{label_alt})\s*[:：])\s*")
    raw["boxed_label"] = re.compile(rf"【(?:{label_alt})】")
    # a label inside a note after anything but a Chinese character (牵头单位：市商务局　配合单位：市财政局,
    # ）责任单位：) opens a new clause; after one (市级牵头单位：) it is another field's label, not ours
    raw["inner_label"] = re.compile(rf"(?<![\u4e00-\u9fff])(?:{label_alt})\s*[:：]")
    raw["bracket_label"] = re.compile(rf"[{OPENERS}]\s*(?:{label_alt})\s*[:：]")
    # unbracketed: a label opening a line or a sentence (……。责任单位：市财政局。)
    raw["line_label"] = re.compile(
        rf"(?m)(?:^|(?<=[。；;]))[ \t\u3000]*(?:【(?:{label_alt})】|(?:{label_alt})\s*[:：])"
    )
    raw["convention_res"] = [(re.compile(c["pattern"]), c["kind"]) for c in raw["conventions"]]
    raw["trim_tail_re"] = re.compile(raw["trim_tail"])
    raw["inheritance_re"] = re.compile(raw["inheritance"])
    raw["all_tasks_re"] = re.compile(raw["all_tasks"])
    raw["tail_words"] = sorted(
        [(w, r) for w, r in raw["role_words"]] + [(w, None) for w in raw["trim_words"]],
        key=lambda pair: len(pair[0]),
        reverse=True,
    )
    raw["tail_word_tuple"] = tuple(w for w, _ in raw["tail_words"])  # one C-level endswith before the loop
    # the words a note's last clause must hold to state a role: a bracket holding none is no note
    raw["role_stating"] = re.compile("|".join(map(re.escape, ["负责", *(w for w, r in raw["role_words"] if r)])))
    return raw


@dataclass
class NoteUnit:
    """A unit of a note, the role the note's words give it, and where it stands (for the conventions)."""

    unit: Written
    stated: Role | None
    group: int  # comma group of the note (逗号前为牵头单位)
    clause: int  # semicolon clause of the note (分号前为牵头单位)


@dataclass
class Note:
    """One responsibility note: where its words are and what it says."""

    start: int  # the note's first character (its bracket, or its label)
    body: tuple[int, int]  # the words inside the brackets
    closed: bool
    label_role: Role | None = None  # a table column's role
    units: list[NoteUnit] = field(default_factory=list)
    convention: str | None = None
    carries: bool = False
    inherited: list[tuple[Written, Role]] = field(default_factory=list)


def _role_words(group: str) -> tuple[str, Role | None]:
    """The unit list without its trailing role and list words, and the role those words state."""
    role: Role | None = None
    changed = True
    while changed:
        changed = False
        stripped = group.rstrip(" \t\u3000。.;；")
        tail_word = _tail_word(stripped)
        if tail_word:
            stripped = stripped[: -len(tail_word[0])]
            role = role or tail_word[1]
            changed = True
        else:
            tail = cues()["trim_tail_re"].search(stripped)
            if tail and tail.start() > 0:
                stripped, changed = stripped[: tail.start()], True
        group = stripped
    return group, role


def _tail_word(words: str) -> tuple[str, Role | None] | None:
    """The longest role or list word ``words`` ends with (and holds more than), with its role.

    One C-level ``endswith`` over all the words first: most groups end in none of them.
    """
    c = cues()
    if not words.endswith(c["tail_word_tuple"]):
        return None
    return next(((w, r) for w, r in c["tail_words"] if words.endswith(w) and len(words) > len(w)), None)


def _units_of(group: str, at: int, note: Note) -> list[Written]:
    """The units of one comma group; words after another field's label (完成时限：) are not units."""
    other = OTHER_FIELD_INSIDE.search(group)
    if other:
        group = group[: other.start()]
    names = _role_words(group)[0]
    cut_off = not note.closed and at + len(group) >= note.body[1]
    return [u for u in read_units(names, at, cut_off=cut_off) if u.whole or not NOT_A_NAME.search(u.name)]


def _clauses(text: str, start: int, end: int) -> list[tuple[str, int]]:
    """The note's clauses: split at ；/。 and before a boxed or inner label (【牵头单位】…【配合单位】…)."""
    out: list[tuple[str, int]] = []
    for clause, at in split_top(text[start:end], start, "；;。"):
        labels = [*cues()["boxed_label"].finditer(clause), *cues()["inner_label"].finditer(clause)]
        cuts = sorted(m.start() for m in labels if m.start() > 0)
        for a, b in zip([0, *cuts], [*cuts, len(clause)], strict=True):
            out.append((clause[a:b], at + a))
    return out


def read_note(text: str, note: Note) -> None:
    """Fill a note's units, convention and inheritance from its words."""
    c = cues()
    start, end = note.body
    group_index = 0
    same_below: list[Written] = []  # units of a clause that ends with a bare 下同
    for clause_index, (clause, at) in enumerate(_clauses(text, start, end)):
        role: Role | None = note.label_role
        m = c["label_at_start"].match(clause)
        if m:
            role = c["labels"][m["label"] or m["boxed"]]
            clause, at = clause[m.end() :], at + m.end()
        elif OTHER_FIELD.match(clause):
            continue  # 完成时限：2025年底
        clause_units: list[Written] = []
        for group, g_at in split_top(clause, at, "，,"):
            label = c["label_at_start"].match(group)
            if label:  # 牵头单位：A，配合单位：B
                role = c["labels"][label["label"] or label["boxed"]]
                group, g_at = group[label.end() :], g_at + label.end()
            group = _without_rule_bracket(group, note)
            words = group.strip()
            if not words or OTHER_FIELD.match(group):
                continue
            if any(w in words for w in c["carry_forward"]):
                note.carries = True
            kind = next((k for pattern, k in c["convention_res"] if pattern.search(words)), None)
            if kind:
                note.convention = kind
                continue
            if words in c["carry_forward"]:
                same_below += clause_units
                continue
            if words.startswith(tuple(c["ignore_clauses"])):
                continue
            inherit = c["inheritance_re"].match(words)
            if inherit:
                offset = g_at + group.index(words) + inherit.start("units")
                inherited_role = _role_words(inherit["units"] + inherit["role"])[1] or "responsible"
                note.inherited += [(u, inherited_role) for u in read_units(inherit["units"], offset)]
                continue
            every = c["all_tasks_re"].match(words)
            if every:  # 具体任务均涉及相关市(州)人民政府
                g_at += group.index(words) + every.start("units")
                group = every["units"] + (every["role"] or "")
            stated = _role_words(group)[1] or (role if role != "responsible" else None)
            units = _units_of(group, g_at, note)
            note.units += [NoteUnit(u, u.role or stated, group_index, clause_index) for u in units]
            clause_units += units
            if units:
                group_index += 1
    if same_below and not note.convention:
        stated_of = {id(nu.unit): nu.stated for nu in note.units}
        note.inherited += [(u, stated_of.get(id(u)) or "responsible") for u in same_below]


def _without_rule_bracket(group: str, note: Note) -> str:
    """A unit list without a closing bracket that states the note's rules, which go to the note.

    ``市发改委、市经信局（列第一位为牵头单位，下同）`` → the two units; the note gets the convention.
    """
    stripped = group.rstrip(" \t\u3000")
    if not stripped or stripped[-1] not in CLOSERS:
        return group
    depth = 0
    for i in range(len(stripped) - 1, -1, -1):
        depth += stripped[i] in CLOSERS
        depth -= stripped[i] in OPENERS
        if depth == 0:
            break
    parts = [p.strip() for p, _ in split_top(stripped[i + 1 : -1], 0, "，,；;")]
    if i == 0 or not any(_is_rule_clause(p) for p in parts):
        return group
    for part in parts:
        kind = next((k for pattern, k in cues()["convention_res"] if pattern.search(part)), None)
        note.convention = kind or note.convention
        note.carries = note.carries or part in cues()["carry_forward"]
    return group[:i]


def _is_rule_clause(words: str) -> bool:
    """A clause that names no unit: a convention, 下同, or 不再重复列出."""
    c = cues()
    return (
        any(pattern.search(words) for pattern, _ in c["convention_res"])
        or words in c["carry_forward"]
        or words.startswith(tuple(c["ignore_clauses"]))
    )


def _looks_like_note(text: str, start: int, end: int) -> bool:
    """An unlabelled bracket is a note when every clause lists whole units and the last says their role.

    Notes: ``（海关总署、商务部负责）``, ``（市发展改革委牵头，市财政局配合）``;
    not notes: ``（含软件服务业，下同）``, ``（市经信局负责解释）``.
    """
    if not cues()["role_stating"].search(text, start, end):
        return False  # no word that states a role (most brackets): the reading below could only say no
    groups = [
        g.strip() for clause, at in split_top(text[start:end], start, "。；;") for g, _ in split_top(clause, at, "，,")
    ]
    groups = [g for g in groups if g and not _is_rule_clause(g)]
    if not groups:
        return False
    for group in groups:
        names = _role_words(group)[0]
        units = read_units(names, start)
        if not units or not all(u.whole for u in units):
            return False
    last = groups[-1]
    names, role = _role_words(last)
    return names != last and ("负责" in last[len(names) :] or role is not None)


def _open_bracket_before(text: str, at: int, start: int) -> int | None:
    """The bracket still open at ``at`` on its line (a label after another field of the same note), or None."""
    line_start = max(start, text.rfind("\n", 0, at) + 1)
    depth, opener = 0, None
    for i in range(at - 1, line_start - 1, -1):
        if text[i] in CLOSERS:
            depth += 1
        elif text[i] in OPENERS:
            if depth == 0:
                opener = i
                break
            depth -= 1
    return opener


def _unopened_closer(text: str, start: int, end: int) -> int:
    """Where an unbracketed note ends: at a closing bracket it did not open (……）责任单位：), else ``end``."""
    depth = 0
    for i in range(start, end):
        if text[i] in OPENERS:
            depth += 1
        elif text[i] in CLOSERS:
            if depth == 0:
                return i
            depth -= 1
    return end


def find_notes(text: str, start: int, end: int) -> list[Note]:
    """The responsibility notes between ``start`` and ``end``, in reading order."""
    c = cues()
    notes: dict[int, Note] = {}
    for m in c["bracket_label"].finditer(text, start, end):
        close, closed = balanced_end(text, m.start(), min(end, m.start() + NOTE_MAX))
        notes[m.start()] = Note(m.start(), (m.start() + 1, close), closed)
    for m in c["line_label"].finditer(text, start, end):
        at = m.start() + len(m.group(0)) - len(m.group(0).lstrip(" \t\u3000"))
        if any(n.start <= at < n.body[1] for n in notes.values()):
            continue
        opener = _open_bracket_before(text, at, start)
        if opener is not None:  # （责任领导：张三；牵头单位：…）: the whole bracket is the note
            close, closed = balanced_end(text, opener, min(end, opener + NOTE_MAX))
            notes[opener] = Note(opener, (opener + 1, close), closed)
            continue
        stop = SENTENCE_END.search(text, at, end)
        notes[at] = Note(at, (at, _unopened_closer(text, at, stop.start() if stop else end)), True)
    # A bracket inside a note already found is part of it. The brackets come in reading order, so one sweep over
    # the notes by start keeps ``reach``, the furthest end of a note begun at or before the bracket.
    spans = sorted((n.start, n.body[1]) for n in notes.values())
    k, reach = 0, start
    for m in OPEN_BRACKET.finditer(text, start, end):
        at = m.start()
        while k < len(spans) and spans[k][0] <= at:
            reach, k = max(reach, spans[k][1]), k + 1
        if at in notes or at < reach:
            continue
        close, closed = balanced_end(text, at, min(end, at + NOTE_MAX))
        if closed and _looks_like_note(text, at + 1, close):
            notes[at] = Note(at, (at + 1, close), True)
            reach = max(reach, close)
    for note in notes.values():
        read_note(text, note)
    return [notes[k] for k in sorted(notes)]
