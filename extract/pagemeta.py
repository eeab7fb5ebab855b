"""Page meta of government web pages: labelled fields such as 发文字号：… or 成文日期 | … printed around a document.

Such lines are page furniture; where a document's own text lacks its title, 发文字号,
成文日期 or issuers, the values printed there fill them (labels in extract/data/page_meta.tsv).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

from extract.cues import load_table
from extract.lines import Line

BULLETS = "•·●▪◆■-*"
ISO_DATE = re.compile(r"(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})")


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lstrip(BULLETS).strip()


@cache
def _labels() -> tuple[dict[str, str], re.Pattern[str]]:
    fields = {row["label"]: row["field"] for row in load_table("page_meta.tsv")}
    words = sorted(fields, key=len, reverse=True)
    return fields, re.compile(r"(?:^|(?<=[\s|]))(" + "|".join(map(re.escape, words)) + r")\s*[:：|]")


def is_meta_line(line: str) -> bool:
    """A line that starts with a page-meta label: ``发文字号：渝府办发〔2021〕80号``, ``• 索引号:``, ``标 题: | …``."""
    _, pattern = _labels()
    m = pattern.match(_fold(line))
    return bool(m)


@dataclass
class PageMeta:
    """The values of the meta fields found, first value of each field kept."""

    values: dict[str, str] = field(default_factory=dict)

    def title(self) -> str | None:
        return self.values.get("title")

    def doc_number(self) -> str | None:
        value = self.values.get("doc_number")
        return value if value and re.search(r"\d", value) and "号" in value and len(value) <= 30 else None

    def date(self) -> str | None:
        return self._iso("date")

    def effective(self) -> tuple[str | None, str | None]:
        """(effective_from, effective_until) printed as 实施时间 / 失效时间."""
        return self._iso("effective_from"), self._iso("effective_until")

    def _iso(self, kind: str) -> str | None:
        value = self.values.get(kind)
        m = ISO_DATE.search(value or "")
        if not m:
            return None
        try:
            return dt.date(int(m["y"]), int(m["m"]), int(m["d"])).isoformat()
        except ValueError:
            return None

    def issuers(self) -> list[str]:
        return [name for name in re.split(r"\s+", self.values.get("issuer", "")) if name]


def _clean(value: str) -> str:
    return value.strip(" \t|")


def read_page_meta(lines: list[Line]) -> PageMeta:
    """The meta fields printed in ``lines``; a label with nothing after it takes the next line as its value."""
    fields, pattern = _labels()
    meta = PageMeta()
    pending: str | None = None
    for line in lines:
        text = _fold(line.text)
        marks = list(pattern.finditer(text))
        if not marks or marks[0].start() != 0:
            if pending and text:
                meta.values.setdefault(pending, _clean(text))
            pending = None
            continue
        pending = None
        for k, m in enumerate(marks):
            end = marks[k + 1].start() if k + 1 < len(marks) else len(text)
            value = _clean(text[m.end() : end])
            kind = fields[m.group(1)]
            if kind == "-":
                continue
            if value:
                meta.values.setdefault(kind, value)
            elif k + 1 == len(marks):
                pending = kind
    return meta
