"""Put targets of different plans that measure the same thing on one row.

Greedy complete linkage: the most similar cross-plan pairs are joined first, and a
target joins a row only if it aligns with every member from another plan, so a
row never chains unrelated metrics together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

from kb.metric_terms import Alignment, KeyTerm, align, target_terms
from model import Target


@dataclass
class AlignedTarget:
    side: int  # which plan (argument) the target belongs to
    target: Target
    terms: list[KeyTerm]


@dataclass
class TargetGroup:
    members: list[AlignedTarget]
    shared: list[str]  # key terms every member shares (the reason for the row)
    similarity: float  # the weakest pairwise similarity inside the row

    @property
    def sides(self) -> set[int]:
        return {m.side for m in self.members}


def prepare(side: int, targets: Sequence[Target], source: str = "") -> list[AlignedTarget]:
    """Targets of one side with their key terms; ``source`` is the text their spans index."""
    return [AlignedTarget(side, t, target_terms(t, source)) for t in targets]


def _pair(a: AlignedTarget, b: AlignedTarget) -> Alignment | None:
    return align(a.terms, a.target.unit, b.terms, b.target.unit)


def group_targets(items: list[AlignedTarget]) -> tuple[list[TargetGroup], list[AlignedTarget]]:
    """Rows of targets from two or more plans, and the targets with no counterpart."""
    pairs: list[tuple[float, int, int]] = []
    scores: dict[tuple[int, int], Alignment] = {}
    for i, j in combinations(range(len(items)), 2):
        found = _pair(items[i], items[j])
        if found is not None:
            scores[(i, j)] = found
            if items[i].side != items[j].side:
                pairs.append((found.similarity, i, j))
    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
    cluster_of = list(range(len(items)))
    clusters: dict[int, list[int]] = {i: [i] for i in range(len(items))}

    def fits(a: list[int], b: list[int]) -> bool:
        for x in a:
            for y in b:
                key = (min(x, y), max(x, y))
                if key not in scores:
                    return False
        return True

    for _, i, j in pairs:
        ci, cj = cluster_of[i], cluster_of[j]
        if ci == cj or not fits(clusters[ci], clusters[cj]):
            continue
        clusters[ci].extend(clusters.pop(cj))
        for k in clusters[ci]:
            cluster_of[k] = ci
    groups: list[TargetGroup] = []
    alone: list[AlignedTarget] = []
    for members in clusters.values():
        chosen = [items[k] for k in sorted(members)]
        if len({m.side for m in chosen}) < 2:
            alone.extend(chosen)
            continue
        pair_scores = [scores[(min(x, y), max(x, y))] for x, y in combinations(sorted(members), 2)]
        groups.append(TargetGroup(chosen, _shared(pair_scores), min(s.similarity for s in pair_scores)))
    groups.sort(key=lambda g: (-len(g.sides), -g.similarity, min(id_ for id_ in g.sides)))
    alone.sort(key=lambda m: m.side)
    return groups, alone


def _shared(alignments: list[Alignment]) -> list[str]:
    """Key terms shared by every pair (in the order the first pair gives them)."""
    first = alignments[0].shared
    common = set(first).intersection(*(set(a.shared) for a in alignments[1:]))
    return [t for t in first if t in common] or first
