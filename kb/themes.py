"""Which themes (数字化/智能化, 绿色/节能, 安全 …) a plan's tasks cover; keywords in kb/data/themes.tsv."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from kb.datafiles import read_tsv, split_list


@dataclass
class ThemeCoverage:
    theme: str
    tasks: int  # tasks that mention the theme
    total: int  # tasks of the plan
    keywords: list[str] = field(default_factory=list)  # words found, most frequent first, as "word×n"


@cache
def theme_keywords() -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((row["theme"], tuple(split_list(row["keywords"]))) for row in read_tsv("themes.tsv"))


def theme_coverage(task_texts: list[str]) -> list[ThemeCoverage]:
    """For each theme: how many of the tasks mention it, and the keywords found."""
    result = []
    for theme, words in theme_keywords():
        hits: Counter[str] = Counter()
        covered = 0
        for text in task_texts:
            found = {w: text.count(w) for w in words if w in text}
            if found:
                covered += 1
                hits.update(found)
        result.append(ThemeCoverage(theme, covered, len(task_texts), [f"{w}×{n}" for w, n in hits.most_common()]))
    return result
