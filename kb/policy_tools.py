"""Code each task by policy instrument: supply-side, environment-side or demand-side.

The coding rules (category, sub-tool, cue words) are data in kb/data/policy_tools.tsv.
A task takes the sub-tool whose cue words it uses most (a cue in its heading counts
double); the words that decided it are kept so a reader can check the coding.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from kb.datafiles import normalize_brackets, read_tsv, split_list

HEADING_WEIGHT = 2
UNCODED = "未编码"


@dataclass
class ToolRule:
    category: str
    tool: str
    cues: list[str]


@dataclass
class ToolCode:
    category: str  # 供给型 / 环境型 / 需求型, or 未编码 when no cue word occurs
    tool: str
    score: int
    cues: list[str] = field(default_factory=list)  # the deciding words, as "word×n"
    others: list[str] = field(default_factory=list)  # other sub-tools the task also uses, "tool(score)"


@cache
def tool_rules() -> tuple[ToolRule, ...]:
    return tuple(
        ToolRule(row["category"], row["tool"], [normalize_brackets(c) for c in split_list(row["cues"])])
        for row in read_tsv("policy_tools.tsv")
    )


def _count(cue: str, text: str, longer: list[str]) -> int:
    """Occurrences of ``cue`` in ``text`` that are not part of a longer cue of the same rule."""
    count = text.count(cue)
    for other in longer:
        if cue in other:
            count -= text.count(other) * other.count(cue)
    return max(count, 0)


def code_task(heading: str, body: str) -> ToolCode:
    """The policy instrument of one task, with the cue words that decided it."""
    heading, body = normalize_brackets(heading), normalize_brackets(body)
    scored: list[tuple[int, int, ToolRule, list[str]]] = []
    for order, rule in enumerate(tool_rules()):
        score, used = 0, []
        for cue in rule.cues:
            longer = [c for c in rule.cues if c != cue and cue in c]
            hits = _count(cue, body, longer) + HEADING_WEIGHT * _count(cue, heading, longer)
            if hits:
                score += hits
                used.append(f"{cue}×{hits}")
        if score:
            scored.append((score, order, rule, used))
    if not scored:
        return ToolCode(UNCODED, UNCODED, 0)
    scored.sort(key=lambda s: (-s[0], s[1]))
    score, _, rule, used = scored[0]
    others = [f"{r.tool}({s})" for s, _, r, _ in scored[1:4]]
    return ToolCode(rule.category, rule.tool, score, used, others)
