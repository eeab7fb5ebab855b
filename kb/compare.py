"""Compare city plans side by side: documents in, comparison data out (no I/O, no formatting).

Each side is what the reader named (a jurisdiction such as 重庆, or one document id) and
holds one or more plans. Five parts: targets aligned by what they measure, funding,
responsibility profile, policy instruments, themes. Every row points at a clause (the
exact source words, with document title and span) so a reader can check it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from kb.align import AlignedTarget, group_targets, prepare
from kb.datafiles import normalize_brackets, read_words
from kb.policy_tools import UNCODED, code_task, tool_rules
from kb.tasks import Task, find_tasks, task_of
from kb.themes import ThemeCoverage, theme_coverage
from model import Document, Funding, Span, Target

CLAUSE_PREVIEW = 600  # characters of a task kept in the clause appendix


@dataclass
class Plan:
    """One document and the text its spans index."""

    doc: Document
    text: str


@dataclass
class Side:
    """One column of the comparison: what the reader asked for (重庆, or a document id)."""

    label: str
    plans: list[Plan]


@dataclass
class Clause:
    """The source words a row was read from; ``text == source[span[0]:span[1]]`` unless ``truncated``."""

    id: str  # anchor, e.g. "c12"
    doc_id: str
    doc_title: str
    span: Span
    text: str
    truncated: bool = False


@dataclass
class TargetCell:
    side: str
    doc_id: str
    metric: str
    value: float
    value_max: float | None
    comparator: str
    unit: str
    year: int | None
    period: str | None
    clause: str


@dataclass
class TargetRow:
    """Targets of several plans that measure the same thing, and why they were put together."""

    terms: list[str]
    similarity: float
    cells: list[TargetCell]


@dataclass
class FundingCell:
    side: str
    doc_id: str
    instrument: str
    rate: float | None
    cap: float | None
    amount: float | None
    per: str | None
    condition: str | None
    beneficiary: str | None
    clause: str


@dataclass
class AgencyLoad:
    agency: str
    tasks: int
    lead: int  # tasks it leads


@dataclass
class ResponsibilityProfile:
    side: str
    tasks: int
    agencies: list[AgencyLoad]
    district_tasks: int  # tasks naming a collective district-level unit
    district_units: list[str]
    unassigned: list[str]  # tasks with no named unit
    unassigned_clauses: list[str] = field(default_factory=list)


@dataclass
class CodedTask:
    side: str
    doc_id: str
    task: str
    category: str
    tool: str
    cues: list[str]
    others: list[str]
    clause: str


@dataclass
class SideSummary:
    side: str
    documents: list[str]  # titles
    doc_ids: list[str]
    largest_grant: FundingCell | None
    tool_mix: dict[str, int]  # category → tasks
    tool_detail: dict[str, int]  # "category/tool" → tasks
    themes: list[ThemeCoverage]
    responsibility: ResponsibilityProfile


@dataclass
class Comparison:
    sides: list[str]
    aligned: list[TargetRow]
    unmatched: list[TargetCell]
    funding: list[FundingCell]
    tasks: list[CodedTask]
    summaries: list[SideSummary]
    clauses: list[Clause]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class _Clauses:
    """Numbers the clauses as rows cite them."""

    def __init__(self) -> None:
        self.items: list[Clause] = []
        self.seen: dict[tuple[str, Span], str] = {}

    def add(self, plan: Plan, span: Span, limit: int | None = None) -> str:
        start, end = span
        if (plan.doc.id, (start, end)) in self.seen:
            return self.seen[(plan.doc.id, (start, end))]
        truncated = limit is not None and end - start > limit
        text = plan.text[start : start + limit] if truncated and limit else plan.text[start:end]
        clause = Clause(f"c{len(self.items) + 1}", plan.doc.id, _title(plan.doc), (start, end), text, truncated)
        self.items.append(clause)
        self.seen[(plan.doc.id, (start, end))] = clause.id
        return clause.id


def _title(doc: Document) -> str:
    return doc.title or doc.id


def is_district_unit(agency: str) -> bool:
    """True for collective district-level units (各区县(自治县)人民政府, 各区(市)政府 …)."""
    name = normalize_brackets(agency)
    return any(word in name for word in read_words("collective_units.txt"))


def compare(sides: list[Side]) -> Comparison:
    """The side-by-side comparison of ``sides`` (each with its plans and their texts)."""
    clauses = _Clauses()
    labels = [s.label for s in sides]
    aligned, unmatched = _compare_targets(sides, clauses)
    funding = [cell for side in sides for cell in _funding(side, clauses)]
    tasks: list[CodedTask] = []
    summaries: list[SideSummary] = []
    for side in sides:
        side_tasks = [(plan, task) for plan in side.plans for task in find_tasks(plan.doc, plan.text)]
        coded = [_code(side.label, plan, task, clauses) for plan, task in side_tasks]
        tasks.extend(coded)
        grants = [f for f in funding if f.side == side.label]
        summaries.append(
            SideSummary(
                side=side.label,
                documents=[_title(p.doc) for p in side.plans],
                doc_ids=[p.doc.id for p in side.plans],
                largest_grant=max(grants, key=_grant_size, default=None) if grants else None,
                tool_mix=_mix(coded, detail=False),
                tool_detail=_mix(coded, detail=True),
                themes=theme_coverage([task.text for _, task in side_tasks]),
                responsibility=_responsibility(side, clauses),
            )
        )
    return Comparison(labels, aligned, unmatched, funding, tasks, summaries, clauses.items)


def _fact_fields(fact: Target | Funding, cell: type[TargetCell] | type[FundingCell]) -> dict[str, Any]:
    """The fields a comparison cell copies from the fact it shows (those of the same name)."""
    wanted = {f.name for f in fields(cell)}
    return {name: value for name, value in asdict(fact).items() if name in wanted}


def _compare_targets(sides: list[Side], clauses: _Clauses) -> tuple[list[TargetRow], list[TargetCell]]:
    items: list[AlignedTarget] = []
    plan_of: dict[int, Plan] = {}
    for index, side in enumerate(sides):
        for plan in side.plans:
            for item in prepare(index, plan.doc.targets, plan.text):
                plan_of[id(item)] = plan
                items.append(item)
    groups, alone = group_targets(items)

    def cell(item: AlignedTarget) -> TargetCell:
        t, plan = item.target, plan_of[id(item)]
        side, clause = sides[item.side].label, clauses.add(plan, t.span)
        return TargetCell(side=side, doc_id=plan.doc.id, clause=clause, **_fact_fields(t, TargetCell))

    rows = [TargetRow(g.shared, g.similarity, [cell(m) for m in g.members]) for g in groups]
    return rows, [cell(m) for m in alone]


def _funding(side: Side, clauses: _Clauses) -> list[FundingCell]:
    return [
        FundingCell(
            side=side.label, doc_id=plan.doc.id, clause=clauses.add(plan, f.span), **_fact_fields(f, FundingCell)
        )
        for plan in side.plans
        for f in plan.doc.funding
    ]


def _grant_size(cell: FundingCell) -> float:
    """The most one grant can pay: its cap, else its fixed amount."""
    return max(cell.cap or 0.0, cell.amount or 0.0)


def _code(side: str, plan: Plan, task: Task, clauses: _Clauses) -> CodedTask:
    code = code_task(task.section.heading, task.text)
    clause = clauses.add(plan, task.section.span, CLAUSE_PREVIEW)
    return CodedTask(side, plan.doc.id, task.label, code.category, code.tool, code.cues, code.others, clause)


def _mix(coded: list[CodedTask], detail: bool) -> dict[str, int]:
    """Tasks per category (or per category/sub-tool), in the order of the coding rules."""
    counts = Counter(f"{c.category}/{c.tool}" if detail else c.category for c in coded)
    order = [f"{r.category}/{r.tool}" if detail else r.category for r in tool_rules()]
    order = list(dict.fromkeys([*order, f"{UNCODED}/{UNCODED}" if detail else UNCODED]))
    return {key: counts[key] for key in order if counts[key]}


def _responsibility(side: Side, clauses: _Clauses) -> ResponsibilityProfile:
    loads: dict[str, set[str]] = {}
    leads: dict[str, set[str]] = {}
    district: set[str] = set()
    district_units: list[str] = []
    total = 0
    unassigned: list[str] = []
    unassigned_clauses: list[str] = []
    for plan in side.plans:
        tasks = find_tasks(plan.doc, plan.text)
        total += len(tasks)
        covered: set[str] = set()
        for r in plan.doc.responsibilities:
            task = task_of(tasks, r.section, plan.doc)
            key = f"{plan.doc.id}/{task.section.id if task else r.section}"
            if task is not None:
                covered.add(task.section.id)
            loads.setdefault(r.agency, set()).add(key)
            if r.role == "lead":
                leads.setdefault(r.agency, set()).add(key)
            if is_district_unit(r.agency):
                district.add(key)
                if r.agency not in district_units:
                    district_units.append(r.agency)
        for task in tasks:
            if task.section.id not in covered:
                unassigned.append(task.label)
                unassigned_clauses.append(clauses.add(plan, task.section.span, CLAUSE_PREVIEW))
    agencies = [AgencyLoad(a, len(keys), len(leads.get(a, ()))) for a, keys in loads.items()]
    agencies.sort(key=lambda a: (-a.tasks, -a.lead, a.agency))
    return ResponsibilityProfile(
        side.label, total, agencies, len(district), district_units, unassigned, unassigned_clauses
    )
