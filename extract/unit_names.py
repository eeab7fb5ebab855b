"""Read a written list of units (``市经济信息委、市发展改革委等``) into unit names with their spans.

Splits on 、，, and on 和/及 where the left part is a whole unit, trims list
words (等), drops bracketed clauses that only define a short name
(``以下简称区县``) and distributes a shared suffix
(``两江新区、万盛经开区管委会`` → two 管委会). The word lists are data:
``data/agency_rules.json`` and ``data/resp_cues.json``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from extract.agencies import is_collective, name_key, rules
from model import Role, Span

DATA = Path(__file__).resolve().parent / "data"
OPENERS = "（(〔【〈"  # 〈〉 nest inside （） in official texts: 各区人民政府〈含开发区〉
CLOSERS = "）)〕】〉"
SPACE = " \t\u3000"
HAN = re.compile(r"[\u4e00-\u9fff]")  # a unit name has at least one Chinese character
LEADING_JUNK = re.compile(rf"^[\s{CLOSERS}]+")  # a name never starts with a closing bracket
FIELD_MARK = re.compile(r"[:：]")  # ... and no colon: words with one are a field (责任单位：, 完成时限：), not a name
# A line that starts a new item or is blank: a bracket left open before it was cut off by the source.
NEW_ITEM = re.compile(r"[ \t\u3000]*(?:\n|[（(]?[一二三四五六七八九十\d]+[、.．）)]|第[一二三四五六七八九十百]+[章条])")
BRACKETED = re.compile(rf"[{OPENERS}]([^{OPENERS}{CLOSERS}]*)[{CLOSERS}]")  # one innermost bracketed clause
UNCLOSED = re.compile(rf"[{OPENERS}][^{CLOSERS}]*$")  # a bracket the name leaves open to its end
CLAUSE_MARK = re.compile(r"[,，;；]")
SPACES = re.compile(r"\s+")
BRACKET_OR_BREAK = re.compile(rf"[{OPENERS}{CLOSERS}\n]")  # the characters balanced_end acts on


@dataclass
class Written:
    """One unit as the note writes it: its name (trimmed, suffix distributed) and where it stands."""

    name: str
    span: Span
    role: Role | None = None  # a role written in brackets after the name, e.g. 市发展改革委（牵头）
    whole: bool = True  # ends like a unit name (a note cut off by the source may end inside one)


@cache
def _cues() -> dict[str, Any]:
    return json.loads((DATA / "resp_cues.json").read_text(encoding="utf-8"))


# The word lists below are read for every name of every note: each is sorted or turned into a set once, not per call.


@cache
def _lead_trim() -> tuple[str, ...]:
    """Leading words such as 由, longest first."""
    return tuple(sorted(_cues()["lead_trim"], key=len, reverse=True))


@cache
def _trim_words() -> tuple[str, ...]:
    """Trailing list words such as 等, longest first."""
    return tuple(sorted(_cues()["trim_words"], key=len, reverse=True))


@cache
def _bare_words() -> frozenset[str]:
    """Words that are never a unit on their own (``agency_rules.json: bare_words``)."""
    return frozenset(rules()["bare_words"])


@cache
def _role_words() -> dict[str, Role]:
    """A bracketed role word (牵头) → the role it states."""
    return {w: r for w, r in _cues()["role_words"] if r}


@cache
def _paren_drop_cues() -> tuple[str, ...]:
    return tuple(rules()["paren_drop_cues"])


@cache
def _distributable_suffixes() -> tuple[str, ...]:
    """Shared suffixes a list can distribute, longest first."""
    return tuple(sorted(rules()["distributable_suffixes"], key=len, reverse=True))


def balanced_end(text: str, opener: int, limit: int) -> tuple[int, bool]:
    """Where the bracket opened at ``opener`` closes: (offset of the closer, True), or the line end and False.

    A note wrapped onto one more line (``（责任单位：市发展改革委、市\n财政局）``) still closes
    there, unless that line starts a new numbered item.
    """
    depth, line_end = 0, None
    for mark in BRACKET_OR_BREAK.finditer(text, opener, min(limit, len(text))):
        i, ch = mark.start(), mark.group()
        if ch in OPENERS:
            depth += 1
        elif ch in CLOSERS:
            depth -= 1
            if depth == 0:
                return i, True
        elif ch == "\n":
            if line_end is not None or NEW_ITEM.match(text, i + 1):
                return line_end if line_end is not None else i, False
            line_end = i
    return (line_end if line_end is not None else min(limit, len(text))), False


def split_top(words: str, offset: int, separators: str) -> list[tuple[str, int]]:
    """Split at separators outside brackets; each part with its absolute offset."""
    parts: list[tuple[str, int]] = []
    depth, begin = 0, 0
    for mark in _marks(separators).finditer(words):
        i, ch = mark.start(), mark.group()
        if ch in OPENERS:
            depth += 1
        elif ch in CLOSERS:
            depth = max(0, depth - 1)
        elif ch in separators and depth == 0:
            parts.append((words[begin:i], offset + begin))
            begin = i + 1
    parts.append((words[begin:], offset + begin))
    return parts


@cache
def _marks(separators: str) -> re.Pattern[str]:
    """Any bracket or separator: split_top steps from one to the next, not through every character."""
    return re.compile("[" + re.escape(OPENERS + CLOSERS + separators) + "]")


def _strip(words: str, at: int) -> tuple[str, int]:
    """Words without surrounding spaces, closing brackets before them and leading words such as 由."""
    lead = len(words) - len(LEADING_JUNK.sub("", words, count=1))
    words, at = words[lead:].rstrip(), at + lead
    lead_word = next((w for w in _lead_trim() if words.startswith(w) and len(words) > len(w) + 1), None)
    if lead_word is not None:
        words, at = words[len(lead_word) :], at + len(lead_word)
    changed = True
    while changed:
        changed = False
        trim_word = _trim_word(words)
        if trim_word is not None:
            words, changed = words[: -len(trim_word)].rstrip(SPACE), True
        tail = _trim_tail().search(words)
        if tail and tail.start() > 0:
            words, changed = words[: tail.start()].rstrip(SPACE), True
    return words, at


def _trim_word(words: str) -> str | None:
    """The longest list word (等…) ``words`` ends with and holds more than; one C-level test first, as most end in
    none."""
    if not words.endswith(_trim_words()):
        return None
    return next((w for w in _trim_words() if words.endswith(w) and len(words) > len(w)), None)


@cache
def _trim_tail() -> re.Pattern[str]:
    """List words naming the unnamed rest of a list (等省有关部门), from ``resp_cues.json``."""
    return re.compile(_cues()["trim_tail"])


@cache
def _unit_suffix_keys() -> tuple[str, ...]:
    return tuple(name_key(s) for s in rules()["unit_suffixes"])


@lru_cache(maxsize=8192)
def is_whole(name: str) -> bool:
    """A name that ends like a unit (局, 委, 政府, 管委会…) or is a collective (各区县)."""
    key = name_key(name)
    return is_collective(key) or key.endswith(_unit_suffix_keys())


@cache
def _joiners() -> re.Pattern[str]:
    """Words between two units (和, 及, 会同…, from ``resp_cues.json``) and spaces (市发改委　市财政局)."""
    words = sorted(_cues()["conjunctions"], key=len, reverse=True)
    return re.compile("|".join([*map(re.escape, words), r"\s+"]))


def _split_conjunctions(words: str, at: int) -> list[tuple[str, int]]:
    """``A和B`` or ``A B`` → A, B when A is a whole unit and B is more than a bare word.

    市工业和信息化局 stays whole, and so does a name wrapped inside (``市\n财政局``).
    """
    bare = _bare_words()
    for m in _joiners().finditer(words):
        left, right = words[: m.start()], words[m.end() :]
        if len(left) >= 2 and right and right not in bare and is_whole(left) and _top_level(words, m.start()):
            return [(left, at)] + _split_conjunctions(right, at + m.end())
    return [(words, at)]


def _top_level(words: str, index: int) -> bool:
    depth = 0
    for ch in words[:index]:
        depth += ch in OPENERS
        depth -= ch in CLOSERS
    return depth <= 0


def _clean_brackets(name: str) -> tuple[str, Role | None]:
    """Drop bracketed clauses that define a short name or scope; a 统称 clause names the collective.

    ``各区县(自治县,以下简称区县)政府`` → ``各区县(自治县)政府``;
    ``各区县(自治县,含两江新区,以下统称区县)`` → ``各区县``; ``市发展改革委(牵头)`` → role lead.
    """
    role_words = _role_words()
    drop = _paren_drop_cues()
    role: Role | None = None
    for m in BRACKETED.finditer(name):
        clauses = [c.strip() for c in CLAUSE_MARK.split(m.group(1))]
        whole_name = next((c.split("统称", 1)[1] for c in clauses if "统称" in c), None)
        if whole_name and not name[m.end() :]:
            return ("各" if name.startswith("各") else "") + whole_name, None
        if len(clauses) == 1 and clauses[0] in role_words:
            role = role_words[clauses[0]]
            kept: list[str] = []
        else:
            kept = [c for c in clauses if c and not c.startswith(drop)]
        if len(kept) != len(clauses):
            inner = "，".join(kept) if m.group(0)[0] == "（" else ",".join(kept)
            replacement = m.group(0)[0] + inner + m.group(0)[-1] if kept else ""
            return _clean_brackets(name[: m.start()] + replacement + name[m.end() :])[0], role
    unclosed = UNCLOSED.search(name)
    if unclosed and HAN.search(name[: unclosed.start()]):
        return name[: unclosed.start()], role  # 各区人民政府〈含开发…: a scope bracket the source cut off
    return name, role


def _distributed_suffix(name: str) -> str | None:
    """The shared suffix a list can distribute (管委会 of 万盛经开区管委会), when the rest is not a unit itself."""
    for suffix in _distributable_suffixes():
        if name.endswith(suffix) and len(name) > len(suffix) and not is_whole(name[: -len(suffix)]):
            return suffix
    return None


def read_units(words: str, offset: int, cut_off: bool = False) -> list[Written]:
    """The units written in ``words`` (which starts at ``offset`` in the source text).

    With ``cut_off`` (a note the source breaks off) a last name that does not
    end like a unit is left out: only whole units count.
    """
    bare = _bare_words()
    units: list[Written] = []
    for item, at in split_top(words, offset, "、，,/"):
        item, at = _strip(item, at)
        for piece, p_at in _split_conjunctions(item, at):
            piece, p_at = _strip(piece, p_at)
            if not HAN.search(piece) or piece in bare or FIELD_MARK.search(piece):
                continue
            name, role = _clean_brackets(SPACES.sub("", piece))
            if not HAN.search(name):  # only a bracket: a role (（牵头）) or a dropped clause, no name
                continue
            units.append(Written(name, (p_at, p_at + len(piece)), role, is_whole(name)))
    for i, unit in enumerate(units):
        if unit.whole:
            continue
        donor = next((u for u in units[i + 1 :] if u.whole), None)
        suffix = _distributed_suffix(donor.name) if donor else None
        if suffix:
            unit.name, unit.whole = unit.name + suffix, True
    if cut_off and units and not units[-1].whole:
        units.pop()
    return units
