"""Find the targets of a document: the quantities it commits to reach, deliver or keep.

A target is a number with a unit of count, money, percent or index, tied to
a metric (GUIDELINE.md, "Targets"). The finder reads one sentence at a time:
it finds every quantity (number, 万/亿 multiplier, unit), drops those that
describe scope, conditions, grants, names or dates, and keeps a quantity only
when something marks it as a commitment: a comparator (以上, 不少于…), a
range, a period (每年, 累计…), a deadline year leading its paragraph
(到2027年), or a delivery verb before it (新建, 完成…). Cue words and units are
data (extract/data/target_cues.tsv, target_units.tsv), not code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extract.cues import alternation
from extract.locate import innermost_section
from extract.numbers import apply_multiplier, parse_number
from extract.split import CLAUSE_ENDS, SENTENCE_ENDS, clauses, pieces, sentences
from extract.target_words import WORDS
from model import Comparator, Document, Target

CN_START = "零〇一二两三四五六七八九十"
CN_ALL = CN_START + "百千万亿"
ARABIC = r"(?<![A-Za-z0-9.])\d+(?:\.\d+)?"
UNIT = alternation(list(WORDS.units))
# 百/千 alone is a round number only right before a unit not followed by another numeral (千个项目, not 千家万户).
ROUND = rf"(?<![{CN_ALL}])[百千](?=(?:{UNIT})(?![{CN_ALL}]))"
NUM = rf"(?:{ARABIC}|(?<![{CN_ALL}])[{CN_START}][{CN_ALL}]*|{ROUND})"
MULT = r"(?:万亿|亿|万)"
DASH = r"(?:[—–－~～]{1,2}|-|至)"
QUANTITY = re.compile(
    rf"(?P<num>{NUM})(?P<mult>{MULT})?"
    rf"(?:(?P<unit1>{UNIT})?{DASH}(?P<num2>{NUM})(?P<mult2>{MULT})?)?"
    rf"(?P<unit>{UNIT})?"
)
PUNCT = CLAUSE_ENDS + "、）)”》"
ENCLOSED_MAX = 60  # characters between an opening quote or bracket and a number it can still enclose
OPENERS = {"“": "”", "《": "》", "（": "）", "(": ")", "「": "」"}
QUOTE_MARK = re.compile("[" + re.escape("".join(OPENERS) + "".join(OPENERS.values())) + "]")

COMPARATOR_BEFORE = re.compile(alternation(WORDS.words("comparator_before")))
COMPARATOR_NEXT = re.compile(rf"(?:{alternation(WORDS.words('comparator_next'))})$")
COMPARATOR_AFTER = re.compile(alternation(WORDS.words("comparator_after")))
CONDITION_AFTER = re.compile(alternation(WORDS.words("condition_after")))
PERIOD = re.compile(alternation(WORDS.words("period")))
SCOPE_BEFORE = re.compile(rf"(?:{alternation(WORDS.words('scope_before'))})$")
NOT_TARGET = re.compile(alternation(WORDS.words("not_target")))
NOT_A_UNIT_AFTER = re.compile(alternation(WORDS.words("unit_not_followed_by")))
VERB = re.compile(alternation(WORDS.words("verb")))
LEAD = re.compile(alternation(WORDS.words("lead_word")))
TAIL = re.compile(rf"(?:{alternation(WORDS.words('tail_word'))})$")
PERIOD_AT_END = re.compile(rf"(?:{alternation(WORDS.words('period'))})$")
MONEY_NOT_TARGET = re.compile(alternation(WORDS.words("money_not_target")))
STATUS = re.compile(alternation(WORDS.words("status")))
REPORT_OPENER = re.compile(alternation(WORDS.words("report_opener")))
RESUME = re.compile(alternation(WORDS.words("resume_commitment")))
SCOPE_IN_CLAUSE = re.compile(alternation(WORDS.words("scope_in_clause")))
SCOPE_LIST = re.compile(rf"(?:{alternation(WORDS.words('scope_list'))})$")
ALLOCATION_PART = re.compile(rf"(?:其中)?(?:{alternation(WORDS.words('allocation_part'))})")
MONEY_FOLLOWED_BY = re.compile(alternation(WORDS.words("money_followed_by")))
ELIGIBILITY = re.compile(alternation(WORDS.words("eligibility")))
GRANT_BASIS = re.compile(alternation(WORDS.words("grant_basis")))
RATE_OF_BASIS = re.compile(r"的\s*\d+(?:\.\d+)?\s*[%％]\s*[，,：:]?\s*$")
ERA = {cue: int(value) for cue, value in WORDS.cues.get("era", [])}

DEADLINE = re.compile(
    r"(?:(?:到|至)(?P<a>20\d\d)年(?:底|末)?|(?P<b>20\d\d)年(?:底|末)?前"
    r"|(?:^|(?<=[。；;！？!?]))[ 　\t]*(?P<c>20\d\d)年(?:底|末)?[，,])",
    re.MULTILINE,
)
PAST_LEAD = re.compile(r"[ 　\t]*(?P<year>20\d\d)年")
PAST_SENTENCE = re.compile(r"[ 　\t]*(?P<year>20\d\d)年(?:底|末)?[，,]")
PLAN_RANGE = re.compile(r"(?P<start>20\d\d)年?[—–－-]+20\d\d年")
ERA_DEADLINE = re.compile(rf"(?P<era>{alternation(list(ERA))})”?(?:期间|时期)")
PLAN_PERIOD = re.compile(r"实施(?:期限|期)为?(?:20\d\d)年?[—–－-]+(?P<end>20\d\d)年")
PLAN_YEAR = re.compile(r"(?<![—–－\-\d])(?P<year>20\d\d)年(?:度)?[^—–－\-\d（(]{0,12}(?:方案|计划|要点)")
LEAD_YEAR = re.compile(rf"^(?:(?:到|至)?20\d\d年(?:底|末)?前?|“?(?:{alternation(list(ERA))})”?期间)")
COMPARED_WITH = re.compile(r"(?:较|比)(?:上年|去年|基期|20\d\d|“?十[二三四五]五)[^、，,]*$")
PER_PERIODS = {"每年", "每季度", "每月"}
# Any character a QUANTITY's number can start with: a sentence without one holds no quantity, so none of the
# per-clause tests need to run on it (most sentences of a plan state no number).
NUMERAL = re.compile(rf"[\d{CN_START}百千]")
# ... and what a kept quantity needs besides: an Arabic digit, a unit, or the 亿 of unitless money
# (the 一 of 进一步 has none).
COUNTABLE = re.compile(rf"\d|亿|{UNIT}")
# Word lists read per quantity, sorted once (WORDS.words sorts on every call).
COMPARATOR_BEFORE_WORDS = tuple(WORDS.words("comparator_before"))
LEVEL_VERBS = (*COMPARATOR_BEFORE_WORDS, *WORDS.words("comparator_next"))  # 达到, 提高到…: a level stated
PERIOD_WORDS = frozenset(WORDS.words("period"))


@dataclass
class Quantity:
    """One quantity written in the text, before it is judged a target."""

    start: int  # where the number starts
    end: int  # after the unit and any comparator written after it
    value: float
    value_max: float | None
    unit: str
    kind: str  # count | percent | money | physical | index
    comparator_after: str | None
    chinese: bool


def find_targets(text: str, doc: Document) -> list[Target]:
    """The targets written in ``doc`` (``text`` is the whole source text)."""
    targets: list[Target] = []
    start, end = doc.span
    plan_year = _plan_year(doc.title or "")
    first_year = _plan_start(doc, plan_year)
    for p_start, p_end in pieces(text, start, end, "\n"):
        past = PAST_LEAD.match(text, p_start)
        if past and first_year and int(past["year"]) < first_year:
            continue  # 2023年,全市规上工业增加值增长6.5%: a paragraph reporting a past year
        for s_start, s_end in sentences(text, p_start, p_end):
            past = PAST_SENTENCE.match(text, s_start)
            if past and first_year and int(past["year"]) < first_year:
                continue  # …。2024年,全市…增长6.5%: a sentence reporting a past year
            targets.extend(_sentence_targets(text, doc, (p_start, p_end), (s_start, s_end), plan_year))
    return targets


def _plan_year(title: str) -> int | None:
    """The year of a one-year plan (``…2025年行动方案``); a plan over a range of years gives none."""
    m = PLAN_YEAR.search(title)
    return int(m["year"]) if m else None


def _sentence_targets(
    text: str, doc: Document, paragraph: tuple[int, int], sentence: tuple[int, int], plan_year: int | None
) -> list[Target]:
    s_start, s_end = sentence
    if not NUMERAL.search(text, s_start, s_end) or not COUNTABLE.search(text, s_start, s_end):
        return []
    grants = NOT_TARGET.search(text, s_start, s_end) is not None
    found: list[Target] = []
    verb_prefix = ""
    reporting = allocated = False
    sentence_clauses = clauses(text, s_start, s_end)
    for i, (c_start, c_end) in enumerate(sentence_clauses):
        verb_prefix = ""  # delivery verbs are lent only along a list inside one clause
        if grants and (NOT_TARGET.search(text, c_start, c_end) or ELIGIBILITY.match(text, c_start)):
            continue  # a grant, tax or fee rule, or the 对…的 phrase saying who may receive it
        if grants and _states_grant_rate(text, (c_start, c_end), sentence_clauses[i + 1 : i + 2]):
            continue  # 按照投资额的10%，给予最高5000万元支持: the rate of the grant the next clause gives
        if STATUS.search(text, c_start, c_end):
            reporting = reporting or REPORT_OPENER.search(text, c_start, c_end) is not None
            continue  # 已建成5G基站1万个: what exists, not what is to be reached
        if reporting:
            if not (RESUME.match(text, c_start) or DEADLINE.search(text, c_start, c_end)):
                continue  # 据统计，…达84.9%，…占比达47.2%: the report goes on to the end of its sentence
            reporting = False
        shared_out = allocated and ALLOCATION_PART.match(text, c_start) is not None
        if MONEY_NOT_TARGET.search(text, c_start, c_end):
            allocated = True
        money_ok = not (grants or shared_out or MONEY_NOT_TARGET.search(text, c_start, c_end))
        quantities = [
            q
            for q in _quantities(text, c_start, c_end)
            if _is_free(text, paragraph[0], c_start, q) and (money_ok or q.kind != "money")
        ]
        consumed = c_start
        group = _distributed(text, c_start, quantities)
        for i, q in enumerate(quantities):
            before = text[consumed : q.start]
            comparator = _comparator(text, c_start, consumed, q, group)
            period = _period(text, s_start, c_start, q.start)
            year = _year(text, doc, paragraph[0], q.start, plan_year)
            if not _is_target(text, c_start, q, comparator, period, year is not None and year[1]):
                continue
            after_end = _after_end(text, q, quantities[i + 1].start if i + 1 < len(quantities) else c_end)
            after = text[q.end : after_end].rstrip("、和及与")
            metric, span, verb_prefix = _metric(text, consumed, q, before, after, group, verb_prefix)
            consumed = max(span[1], q.end)
            for name in metric:
                found.append(
                    Target(
                        section=_section_id(doc, q.start),
                        metric=name,
                        value=q.value,
                        value_max=q.value_max,
                        unit=q.unit,
                        comparator="range" if q.value_max is not None else comparator,
                        year=None if period in PER_PERIODS else (year[0] if year else None),
                        period=period,
                        text=text[span[0] : span[1]],
                        span=span,
                    )
                )
    return found


def _states_grant_rate(text: str, clause: tuple[int, int], following: list[tuple[int, int]]) -> bool:
    """The clause names the basis of a grant (按照…) and ends in its rate (…的10%), and the next clause grants."""
    basis = GRANT_BASIS.search(text, clause[0], clause[1])
    if basis is None or not following or not NOT_TARGET.search(text, following[0][0], following[0][1]):
        return False
    return RATE_OF_BASIS.search(text, basis.end(), clause[1]) is not None


def _section_id(doc: Document, offset: int) -> str | None:
    section = innermost_section(doc, offset)
    return section.id if section else None


def _quantities(text: str, c_start: int, c_end: int) -> list[Quantity]:
    """Every number with a unit of count, money, percent or index in one clause.

    In a 分别 list the unit written after the last number is the unit of all (分别增长15、13个百分点,
    分别增长15个、13个百分点以上).
    """
    matches = list(QUANTITY.finditer(text, c_start, c_end))
    found = [_quantity(text, m, c_start, c_end) for m in matches]
    for i in range(len(matches) - 2, -1, -1):
        m, following, later = matches[i], matches[i + 1], found[i + 1]
        if later is None or text[m.end() : following.start()] != "、" or "分别" not in text[c_start : m.start()]:
            continue
        own = m["unit"] or ""
        if (not own or (following["unit"] or "").startswith(own)) and own != following["unit"]:
            found[i] = _quantity(text, m, c_start, c_end, following["unit"])
    return [q for q in found if q is not None]


def _quantity(text: str, m: re.Match[str], c_start: int, c_end: int, shared_unit: str | None = None) -> Quantity | None:
    written_unit = shared_unit or m["unit"]
    end = m.end()
    chinese = not m["num"][0].isdigit() and m["num"] not in ("百", "千")  # a round 百/千 reads like 100/1000
    if written_unit:
        if NOT_A_UNIT_AFTER.match(text, end):
            return None
        unit, kind = WORDS.units[written_unit].unit, WORDS.units[written_unit].kind
    elif _unitless_money(m, chinese):
        if end < len(text) and text[end] not in PUNCT and not MONEY_FOLLOWED_BY.match(text, end):
            return None  # 100亿级: a size class, not an amount (超过五千亿规模 is an amount)
        unit, kind = "元", "money"
    elif not m["mult"] and not m["num2"] and not chinese and _bare_index(text, c_start, m):
        unit, kind = "", "index"
    else:
        return None
    try:
        value = apply_multiplier(parse_number(m["num"]), m["mult"] or m["mult2"] if kind == "money" else m["mult"])
        value_max = apply_multiplier(parse_number(m["num2"]), m["mult2"]) if m["num2"] else None
    except ValueError:
        return None
    if kind == "money" and m["num2"] and not m["mult"]:
        value = apply_multiplier(parse_number(m["num"]), m["mult2"])
    if CONDITION_AFTER.match(text, end):
        return None
    after = COMPARATOR_AFTER.match(text, end)
    comparator_after = WORDS.value("comparator_after", after.group()) if after else None
    if after:
        end = after.end()
    unitless_size = not written_unit and MONEY_FOLLOWED_BY.match(text, end) is not None
    if kind == "money" and end < len(text) and text[end] not in PUNCT and not unitless_size:
        return None  # 投资500万元以上项目, 设立20亿元基金: a threshold or a fund, not a goal
    return Quantity(m.start(), end, value, value_max, unit, kind, comparator_after, chinese)


def _unitless_money(m: re.Match[str], chinese: bool) -> bool:
    """1.3万亿 / 五千亿 with no unit written: money (亿 is not a multiplier of counts in these texts)."""
    if m["mult2"] in ("亿", "万亿") or (m["mult"] in ("亿", "万亿") and not m["num2"]):
        return True
    return chinese and not m["mult"] and not m["num2"] and m["num"].endswith("亿")


def _bare_index(text: str, c_start: int, m: re.Match[str]) -> bool:
    """An index written without a unit: ``…指数达到65,`` / ``…指数达72;`` (a comparator right before, a stop right
    after)."""
    if "." not in m["num"] and 1900 <= float(m["num"]) <= 2100:
        return False
    if m.end() < len(text) and text[m.end()] not in PUNCT:
        return False
    return text[c_start : m.start()].endswith(LEVEL_VERBS)


def _is_free(text: str, p_start: int, c_start: int, q: Quantity) -> bool:
    """Not inside quotes, a title or brackets (names, notes), and not a scope or ordinal (等23个, 第2批)."""
    open_at: list[tuple[str, int]] = []  # (the closer awaited, where it was opened)
    for mark in QUOTE_MARK.finditer(text, p_start, q.start):  # from quote to quote, not through every character
        i, ch = mark.start(), mark.group()
        if ch in OPENERS:
            open_at.append((OPENERS[ch], i))
        elif open_at and ch == open_at[-1][0]:
            open_at.pop()
    # A name or note is short: an opener left unclosed far back (a cut-off quote) does not hide the number.
    if any(q.start - at <= ENCLOSED_MAX for _, at in open_at):
        return False
    return not (
        SCOPE_BEFORE.search(text, c_start, q.start)
        or SCOPE_IN_CLAUSE.search(text, c_start, q.start)
        or SCOPE_LIST.search(text, c_start, q.start)
    )


def _distributed(text: str, c_start: int, quantities: list[Quantity]) -> list[Quantity]:
    """The quantities that a 分别 distributes over a list of metrics (``分别超过93%、76%``)."""
    if len(quantities) < 2:
        return []
    pos = text.rfind("分别", c_start, quantities[-1].start)
    members = [q for q in quantities if q.start > pos]
    if pos < 0 or not members:
        return []
    group = [members[0]]  # the list starts at the first number after 分别 (两项比例分别增长15、13个百分点)
    for prev, q in zip(members, members[1:], strict=False):
        if text[prev.end : q.start].strip() not in ("、", "和", "及", ",", "，"):
            break
        group.append(q)
    return group


def _comparator(text: str, c_start: int, consumed: int, q: Quantity, group: list[Quantity]) -> Comparator:
    if q.comparator_after:
        return q.comparator_after  # type: ignore[return-value]
    if q in group and group[-1].comparator_after:
        return group[-1].comparator_after  # type: ignore[return-value]  # 分别增长15、13个百分点以上
    seg_start = consumed
    if q in group:
        seg_start = text.rfind("分别", c_start, group[0].start)
        q = group[0]
    before = text[seg_start : q.start]
    nxt = COMPARATOR_NEXT.search(before)
    if nxt:
        return WORDS.value("comparator_next", nxt.group())  # type: ignore[return-value]
    last = None
    for m in COMPARATOR_BEFORE.finditer(before):
        last = m
    if last and _near(before[last.end() :]):
        return WORDS.value("comparator_before", last.group())  # type: ignore[return-value]
    return "="


COMPARATOR_GAP = 8  # characters a comparator word may stand before its number (不低于工业用地总规模10%)


def _near(gap: str) -> bool:
    """A comparator word governs a number only a few words on (not 突破 inside an earlier noun phrase)."""
    return len(gap) <= COMPARATOR_GAP and not any(ch in PUNCT for ch in gap)


def _level_stated(text: str, c_start: int, q: Quantity) -> bool:
    """A level verb right before the number (达到65%, 提高到25%): the text commits to that level."""
    return text[c_start : q.start].endswith(LEVEL_VERBS)


def _period(text: str, s_start: int, c_start: int, at: int) -> str | None:
    """The period word nearest before ``at`` in its clause, else in its sentence (累计…的 modifies a noun)."""
    hits = [m for m in PERIOD.finditer(text, c_start, at) if not (m.group() == "累计" and "的" in text[m.end() : at])]
    if hits:
        return _period_value(hits[-1].group())
    for c_lo, _ in reversed(clauses(text, s_start, c_start)):
        opener = PERIOD.match(text, c_lo + len(_lead_words(text[c_lo:at])))
        if opener and opener.group() in PERIOD_WORDS:
            return _period_value(opener.group())  # 每年滚动推进500个…，竣工100个以上: 每年 governs the sentence
    return None


def _lead_words(s: str) -> str:
    """The lead words (力争, 全年…) that open ``s``."""
    m = LEAD.match(s)
    return m.group() if m else ""


def _period_value(word: str) -> str:
    """The period a period word stands for (每年度 → 每年, 5年内 → 累计)."""
    for cue, value in WORDS.cues["period"]:
        if cue == word or (cue.startswith("re:") and re.fullmatch(cue[3:], word)):
            return value
    return word


def _plan_start(doc: Document, plan_year: int | None) -> int | None:
    """The first year a plan covers (title range, plan year or date), if known; an earlier year leads a report."""
    known = [int(doc.date[:4])] if doc.date and doc.date[:4].isdigit() else []
    m = PLAN_RANGE.search(doc.title or "")
    known += [int(m["start"])] if m else []
    known += [plan_year] if plan_year else []
    return max(known) if known else None


def _year(text: str, doc: Document, p_start: int, at: int, plan_year: int | None) -> tuple[int, bool] | None:
    """(deadline year, whether the text states it): ``到2027年`` earlier in the paragraph, else the plan's year."""
    best: tuple[int, int] | None = None
    for m in DEADLINE.finditer(text, p_start, at):
        if m["c"] and int(m["c"]) < (_plan_start(doc, plan_year) or 0):
            continue  # 2023年,全市规上工业增加值增长6.5%: a past year leads a report of what was achieved
        best = (m.start(), int(m["a"] or m["b"] or m["c"]))
    for m in ERA_DEADLINE.finditer(text, p_start, at):
        if best is None or m.start() > best[0]:
            best = (m.start(), ERA[m["era"]])
    if best:
        return best[1], True
    period = None
    for m in PLAN_PERIOD.finditer(text, doc.span[0], at):
        period = int(m["end"])
    if period:
        return period, False
    return (plan_year, False) if plan_year else None


def _is_target(text: str, c_start: int, q: Quantity, comparator: str, period: str | None, dated: bool) -> bool:
    """Whether something marks the quantity as a commitment, not a description."""
    marked = q.comparator_after is not None or comparator != "=" or q.value_max is not None or period is not None
    marked = marked or _level_stated(text, c_start, q)
    if q.chinese:
        return marked
    if q.kind == "index":
        return True
    return marked or dated or VERB.search(text, c_start, q.start) is not None


def _after_end(text: str, q: Quantity, limit: int) -> int:
    """Where the words after a quantity end: the next quantity or the end of the clause, at most 30 characters."""
    end = q.end
    while end < limit and end - q.end < 30 and text[end] not in CLAUSE_ENDS:
        end += 1
    return end


def _strip_lead(s: str) -> str:
    while True:
        before = s
        s = s.lstrip("、，,和及与　 ")
        m = LEAD_YEAR.match(s)
        if m and m.group():
            s = s[m.end() :]
        for pattern in (PERIOD, LEAD):
            m = pattern.match(s)
            if m:
                s = s[m.end() :]
        if s == before:
            return s


def _strip_tail(s: str) -> str:
    while True:
        before = s
        s = s.rstrip("、，,　 ")
        for word in COMPARATOR_BEFORE_WORDS:
            if s.endswith(word):
                s = s[: -len(word)]
                break
        for pattern in (COMPARATOR_NEXT, TAIL, COMPARED_WITH, PERIOD_AT_END):
            m = pattern.search(s)
            if m:
                s = s[: m.start()]
        if s == before:
            return s


def _verbs(s: str) -> tuple[str, str]:
    """(the delivery verbs that open ``s``, the rest)."""
    verbs = ""
    while True:
        m = VERB.match(s)
        if not m:
            return verbs, s
        verbs += m.group()
        s = _strip_lead(s[m.end() :])


def _metric(
    text: str,
    consumed: int,
    q: Quantity,
    before: str,
    after: str,
    group: list[Quantity],
    verb_prefix: str,
) -> tuple[list[str], tuple[int, int], str]:
    """(metric names, span, delivery verbs to lend to the next item of a list)."""
    if q in group:
        return [_distributed_metric(text, q, group)], (q.start, q.end), verb_prefix
    cleaned = _strip_tail(_strip_lead(before))
    verbs, rest = _verbs(cleaned)
    rest = rest.lstrip("对")
    if not rest.strip() and after:  # 新建20个以上市级创新平台: the metric follows the number
        at = before.rfind(verbs) if verbs else -1
        start = consumed + at if at >= 0 else q.start
        verbs = verbs or verb_prefix
        return [verbs + after.lstrip("的")], (start, q.end + len(after)), verbs
    if not cleaned:
        return [after or ""], (q.start, q.end), verbs or verb_prefix
    name = cleaned if verbs or not verb_prefix else verb_prefix + cleaned
    names = _shared_number(name, before)
    offset = before.rfind(cleaned)
    start = consumed + offset if offset >= 0 else q.start
    return names, (start, q.end), verbs or verb_prefix


SHARED = re.compile(rf"均(?:{alternation(WORDS.words('comparator_before'))})?$")


def _shared_number(name: str, before: str) -> list[str]:
    """``马铃薯种植、收获机械化率均达到45%``: one number for each listed metric."""
    if "、" not in name or not SHARED.search(before.rstrip()):
        return [name]
    return _complete_elided([part for part in name.split("、") if part])


METRIC_END = re.compile(r"(?:率|数|量|比重|占比|比例|规模|指数|强度|总额|产值)$")


def _complete_elided(items: list[str]) -> list[str]:
    """Write out a pair whose shared words are elided.

    ``马铃薯种植、收获机械化率`` → 马铃薯种植机械化率, 马铃薯收获机械化率; ``单位增加值能耗、水耗`` →
    单位增加值能耗, 单位增加值水耗. Full metrics (``普及率、数控化率``) stay as they are.
    """
    if len(items) != 2:
        return items
    first, last = items
    if len(last) <= 3 < len(first):
        return [first, first[: -len(last)] + last]
    if len(first) > 2 and len(last) > 2 and not METRIC_END.search(first) and METRIC_END.search(last):
        head, tail = first[:-2], last[2:]
        return [first + tail, head + last]
    return items


def _distributed_metric(text: str, q: Quantity, group: list[Quantity]) -> str:
    """The metric a 分别 pairs with the k-th number: the k-th item of the list before 分别."""
    k = group.index(q)
    pos = text.rfind("分别", 0, group[0].start)
    line_start = max(text.rfind(stop, 0, pos) for stop in SENTENCE_ENDS) + 1
    head = text[line_start:pos]
    for sep in "，,":
        parts = head.split(sep)
        head = parts[-1] if "、" in parts[-1] or len(parts) == 1 else parts[-2] if "、" in parts[-2] else parts[-1]
    items = _complete_elided([p for p in re.split(r"[、和]", _strip_tail(_strip_lead(head))) if p])
    if len(items) == len(group):
        return items[k]
    return items[min(k, len(items) - 1)] if items else ""
