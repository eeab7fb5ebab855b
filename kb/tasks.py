"""The tasks of a plan: its numbered items, each with the text it governs.

A task is a numbered section that has responsibilities of its own, or a numbered
section with no numbered sections inside it (the innermost item of the plan).
"""

from __future__ import annotations

from dataclasses import dataclass

from model import Document, Section

LABEL_CHARS = 30  # a heading that runs on (no 。 for a long while) is cut here in tables


@dataclass
class Task:
    section: Section
    text: str  # the section's own text: text[section.span[0]:section.span[1]]

    @property
    def label(self) -> str:
        """The task as a reader knows it: number and heading (（三）推动数字化智能化改造)."""
        number = self.section.number or ""
        if number and number[-1] not in ".、)）．" and not number.startswith("第"):
            number += "、"
        heading = self.section.heading.strip()
        if len(heading) > LABEL_CHARS:
            heading = heading[:LABEL_CHARS] + "…"
        return f"{number}{heading}"


def find_tasks(doc: Document, text: str) -> list[Task]:
    """The tasks of ``doc`` in document order."""
    numbered = [s for s in doc.sections if s.number is not None]
    with_units = {r.section for r in doc.responsibilities if r.section}
    ids = {s.id: s for s in numbered}
    tasks: list[Section] = []
    for section in numbered:
        if _under_task(section, ids, with_units):
            continue
        has_children = any(s.parent == section.id for s in numbered)
        if section.id in with_units or not has_children:
            tasks.append(section)
    return [Task(s, text[s.span[0] : s.span[1]]) for s in sorted(tasks, key=lambda s: s.span[0])]


def _under_task(section: Section, ids: dict[str, Section], with_units: set[str]) -> bool:
    """True when an ancestor of ``section`` is itself a task with units (its items are not separate tasks)."""
    parent = ids.get(section.parent or "")
    while parent is not None:
        if parent.id in with_units:
            return True
        parent = ids.get(parent.parent or "")
    return False


def task_of(tasks: list[Task], section_id: str | None, doc: Document) -> Task | None:
    """The task holding section ``section_id`` (the task itself, or the task above it)."""
    if section_id is None:
        return None
    by_id = {s.id: s for s in doc.sections}
    task_ids = {t.section.id: t for t in tasks}
    current = by_id.get(section_id)
    while current is not None:
        if current.id in task_ids:
            return task_ids[current.id]
        current = by_id.get(current.parent or "")
    # a section below the innermost task level, or a task's child: use span containment
    section = by_id.get(section_id)
    if section is not None:
        for task in tasks:
            if task.section.span[0] <= section.span[0] < task.section.span[1]:
                return task
    return None
