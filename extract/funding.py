"""Find funding clauses: grants with an amount, a rate or a cap (GUIDELINE.md, "Funding").

How a document is read: it is cut into sentences (。；) and clauses (，：). A money amount or a
percent counts as a grant only in a clause that names an instrument (奖励, 补助, …), and only when it
is not an eligibility threshold (投资2000万元（含）以上), a disbursement schedule (补助总额50%), or in
a tax or fee clause. A rate opens a grant that the next maximum of the same sentence caps
(…的20%、10%、8%给予补助，单个项目最高补助2000万元 → three grants sharing one cap); every other
amount or maximum is a grant of its own. The cue words live in extract/data/funding_cues.tsv.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from extract import split
from extract.cues import alternation, kind_words
from extract.locate import innermost_section
from extract.numbers import CN_DIGITS, NUMBER, PERCENT, apply_multiplier, parse_number
from model import Document, Funding

MAX_SPAN = 200  # a clause longer than this is cut down to the words around its number
CUES = kind_words("funding_cues.tsv")
INSTRUMENT = re.compile(alternation(CUES["instrument"] + CUES["allocation"]))
ALLOCATION = re.compile(alternation(CUES["allocation"]))
ALLOCATION_PART = re.compile(rf"(?:其中)?(?:{alternation(CUES['allocation_part'])})")
FEEDS_GRANT = re.compile(alternation(CUES["feeds_grant"]))
WEAK_INSTRUMENT = re.compile(rf"^(?:的|予以|给予)?[\u4e00-\u9fff]{{0,2}}?(?:{alternation(CUES['weak_instrument'])})")
ANY_INSTRUMENT = re.compile(alternation(CUES["instrument"] + CUES["weak_instrument"]))
GRANTING = re.compile(rf"{alternation(CUES['instrument'])}|给予|予以")
WEAK_INSTRUMENT_WORD = re.compile(alternation(CUES["weak_instrument"]))
THEN_GIVEN = re.compile(alternation(CUES["condition_then"]))
CAP = re.compile(alternation(CUES["cap"]))
THRESHOLD_BEFORE = re.compile(rf"(?:{alternation(CUES['threshold_before'])})\s*$")
THRESHOLD_AFTER = re.compile(rf"^\s*(?:{alternation(CUES['threshold_after'])})")
FLOOR_BEFORE = re.compile(rf"(?:{alternation(CUES['floor_before'])})\s*$")
CAP_BEFORE = re.compile(rf"(?:{alternation(CUES['cap'])})\s*$")
# 单个展位支持不超过5万元: a weak instrument word right before a maximum names the grant.
WEAK_CAPPED = re.compile(rf"(?:{alternation(CUES['weak_instrument'])})\S{{0,2}}?(?:{alternation(CUES['cap'])})\s*$")
CEILING_AFTER = re.compile(rf"^\s*(?:{alternation(CUES['ceiling_after'])})")
RANGE_DASH = re.compile(r"^\s*[—–\-－~～至到]\s*$")
SCHEDULE = re.compile(rf"(?:{alternation(CUES['schedule'])})\s*$")
EXCLUDE = re.compile(alternation(CUES["exclude"]))
CONDITION_VERB = re.compile(alternation(CUES["condition_verb"]))
PER_NOUN = alternation(CUES["per_noun"])
PER = re.compile(rf"(?:{alternation(CUES['per_head'])})(?:{PER_NOUN})(?:(?!年|标准)(?:{PER_NOUN}))?(?:每年)?")
PER_SLASH = re.compile(rf"/({alternation(CUES['per_slash'])})")

# …投资额的10% / …投资额的1%、3% (分别: one rate of the basis for each listed case)
_ANY_PERCENT = re.sub(r"\(\?P<\w+>", "(?:", PERCENT.pattern)  # the same pattern without its named groups
RATE_OF_BASIS = re.compile(rf"的(?:{PERCENT.pattern})(?:[、和及](?:{_ANY_PERCENT}))*\s*$")
LIST_GLUE = re.compile(r"^\s*(?:、|和|及|或|与|,|，)?\s*$")
# Money: 2000万元, 1000万—3000万元 (a range: its top is the cap), 100万 (no 元 after a multiplier).
# Text taken from a PDF often holds a space between the number and its unit (给予 100 万元 奖励): GAP allows one.
GAP = r"[ \u3000\u00a0]?"
MONEY = re.compile(
    rf"(?:(?P<lo>{NUMBER}){GAP}(?:万亿|万|亿)?元?\s*[—–\-－~～至到]\s*)?(?P<num>{NUMBER}){GAP}(?:(?P<mult>万亿|万|亿){GAP})?元"
    rf"|(?P<num2>{NUMBER}){GAP}(?P<mult2>万亿|万|亿)(?:人民币|(?![\u4e00-\u9fff\d%％]))"
)
# 对 opening the phrase that names who may claim (对投资…的企业), not 对接/针对/对标.
FOR_WHOM = re.compile(r"(?<![针相绝面应核])对(?![接标外于照口比象])")
# Words that qualify a grant but name nobody (市级, 一次性, 分档), trimmed off a beneficiary.
LEVEL_WORDS = re.compile(rf"^(?:{alternation(CUES['level_word'])})+|(?:{alternation(CUES['level_word'])})+$")
# Any character a number (and so a MONEY or PERCENT match, 百分之 included) can start with: a sentence or clause
# without one holds no quantity, so none of the per-clause tests need to run on it.
NUMERAL = re.compile(rf"[\d{CN_DIGITS}]")
# ... and a character every MONEY or PERCENT match writes (元, 万/亿, %, 百 of 百分之 and 个百分点):
# a 一 alone is no amount.
AMOUNT_MARK = re.compile(r"[元万亿%％百]")
GIVEN_TO = re.compile(rf"给予([\u4e00-\u9fff]{{2,12}}?)(?:{alternation(CUES['level_word'])})*$")


@dataclass
class Quantity:
    """One amount or rate written in a clause, with what it is."""

    kind: str  # "rate", "cap", "amount"
    value: float
    start: int
    end: int
    clause: tuple[int, int]
    group: int  # quantities of one list (20%、10%、8%) share a group
    index: int  # position within its group


@dataclass
class Grant:
    rate: float | None = None
    cap: float | None = None
    amount: float | None = None
    quantities: list[Quantity] = field(default_factory=list)


def _value(match: re.Match[str]) -> tuple[str, float] | None:
    """(kind hint, value) of a money or percent match; None when the number cannot be read."""
    try:
        if "num" in match.re.groupindex and match.re is MONEY:
            if match["num"] is not None:
                value = apply_multiplier(parse_number(match["num"]), match["mult"])
                return ("range" if match["lo"] else "money"), value
            return "money", apply_multiplier(parse_number(match["num2"]), match["mult2"])
        written = match["num"] if match["num"] is not None else match["cn"].replace("点", ".")
        return "percent", parse_number(written)
    except (ValueError, TypeError, ArithmeticError):
        return None


def _clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The clauses of one sentence as absolute (start, end), without their separators, trimmed of spaces."""
    return [c for c in (split.strip_spaces(text, p) for p in split.clauses(text, start, end, keep_stop=False)) if c]


def _holds_quantity(text: str, clause: tuple[int, int]) -> bool:
    """The clause writes an amount or a rate: only then can it hold a grant, so only then are its links to the
    clauses around it (a colon lead-in, a 按… basis, an earlier instrument) worth reading."""
    if not NUMERAL.search(text, clause[0], clause[1]) or not AMOUNT_MARK.search(text, clause[0], clause[1]):
        return False
    words = text[clause[0] : clause[1]]
    return MONEY.search(words) is not None or PERCENT.search(words) is not None


def _in_condition_zone(clause: str, pos: int) -> bool:
    """True when ``pos`` lies in 对…的X before the grant verb of its clause (对首次突破1亿元的企业给予…)."""
    opener = None
    for m in FOR_WHOM.finditer(clause, 0, pos):
        opener = m
    if opener is None or CONDITION_VERB.search(clause, opener.end(), pos):
        return False
    return CONDITION_VERB.search(clause, pos) is not None


def _quantities(
    text: str,
    clause: tuple[int, int],
    next_group: int,
    after_rate: bool = False,
    led: bool = False,
    after_grant: bool = False,
) -> list[Quantity]:
    """The grant quantities of one clause (none when it names no instrument or is a tax/fee rule).

    ``led``: the clause follows a colon after a clause naming the instrument (奖励标准为：国家级30万元、…).
    """
    a, b = clause
    words = text[a:b]
    if EXCLUDE.search(words):
        return []
    strong = led or INSTRUMENT.search(words) is not None
    found = sorted([*MONEY.finditer(words), *PERCENT.finditer(words)], key=lambda m: m.start())
    out: list[Quantity] = []
    last_kind: str | None = None  # the kind of the quantity read last in this clause
    last_end, group, index = 0, next_group, 0
    for m in found:
        if m.start() < last_end:
            continue
        read = _value(m)
        if read is None:
            continue
        hint, value = read
        before, after = words[: m.start()], words[m.end() :]
        between = words[last_end : m.start()]
        if hint == "percent" and last_kind == "rate" and RANGE_DASH.match(between):
            out[-1].value, out[-1].end, last_end = value, a + m.end(), m.end()  # 5%—10%: the top rate
            continue
        named_before = INSTRUMENT.search(between) or CAP.search(between)
        if hint == "percent" and after_rate and CAP.search(between):
            continue  # …的50%，最高不超过贷款金额的2%给予贴息: a ceiling on the rate already read, not a grant
        ceiling = CEILING_AFTER.match(after) is not None
        if ceiling and not (named_before and hint != "percent"):
            continue
        if THRESHOLD_AFTER.match(after) or _in_condition_zone(words, m.start()):
            continue
        if hint != "percent" and THRESHOLD_BEFORE.search(before) and not CAP_BEFORE.search(before):
            continue
        if FLOOR_BEFORE.search(before) or (hint == "percent" and SCHEDULE.search(before)):
            continue
        slash = PER_SLASH.match(after)
        rest = after[slash.end() :] if slash else after
        if hint != "percent" and rest.startswith("的") and not named_before and not ANY_INSTRUMENT.search(rest[1:8]):
            continue  # 1亿元的企业: the amount describes who may claim
        # …，最高不超过500万元 / 补贴不超过1万元，全年累计不超过5万元: a maximum of the grant just read
        capping = (after_rate or after_grant) and hint == "money" and CAP.search(between) is not None
        weak_capped = hint == "money" and WEAK_CAPPED.search(before) is not None
        if not strong and not capping and not weak_capped and not WEAK_INSTRUMENT.match(rest):
            continue
        glued = last_kind is not None and LIST_GLUE.match(between) is not None
        if hint == "percent":
            kind = "rate"
        elif hint == "range":
            kind = "cap"
        elif glued and last_kind is not None and last_kind != "rate":
            kind = last_kind
        else:
            kind = "cap" if ceiling or CAP.search(between) else "amount"
        if glued and kind == last_kind:
            index += 1
        else:
            group, index = (group + 1 if out else group), 0
        out.append(Quantity(kind, value, a + m.start(), a + m.end(), clause, group, index))
        last_end, last_kind = m.end(), kind
    return out


def _leads_in(text: str, previous: tuple[int, int], start: int) -> bool:
    """True when ``previous`` names an instrument and ends in a colon that opens the clause at ``start``."""
    gap = text[previous[1] : start]
    return ("：" in gap or ":" in gap) and INSTRUMENT.search(text, previous[0], previous[1]) is not None


def _feeds_next(text: str, clause: tuple[int, int], following: tuple[int, int] | None) -> bool:
    """按照贷款利率的50%，给予贴息: a 按… clause with no instrument whose rate the next clause grants.

    The 按… may also follow a few words of timing (竣工投产后按照投资额的10%，给予最高5000万元支持) when the
    clause ends in the rate it states (…的10%).
    """
    if following is None or INSTRUMENT.search(text, clause[0], clause[1]):
        return False
    if not (FEEDS_GRANT.match(text, clause[0]) or _ends_in_rate_of_basis(text, clause)):
        return False
    return GRANTING.search(text, following[0], following[1]) is not None


def _ends_in_rate_of_basis(text: str, clause: tuple[int, int]) -> bool:
    """The clause names a basis (按照…) and ends in 的 + a percent of it (…投资额的10%)."""
    basis = FEEDS_GRANT.search(text, clause[0], clause[1])
    if basis is None:
        return False
    rate = RATE_OF_BASIS.search(text, basis.end(), clause[1])
    return rate is not None and rate.end() == clause[1]


def _grants(quantities: list[Quantity]) -> list[Grant]:
    """Pair the quantities of one sentence into grants: a rate takes the next cap of its sentence."""
    grants: list[Grant] = []
    open_rates: list[Grant] = []
    by_group: dict[int, list[Quantity]] = defaultdict(list)
    for q in quantities:
        by_group[q.group].append(q)
    for group in sorted(by_group):
        members = by_group[group]
        kind = members[0].kind
        if kind == "rate":
            open_rates = [Grant(rate=q.value, quantities=[q]) for q in members]
            grants.extend(open_rates)
            continue
        if kind == "cap" and open_rates and (len(members) == 1 or len(members) == len(open_rates)):
            for i, grant in enumerate(open_rates):
                q = members[i] if len(members) > 1 else members[0]
                grant.cap = q.value
                grant.quantities.append(q)
            open_rates = []
            continue
        for q in members:
            grant = Grant(cap=q.value) if kind == "cap" else Grant(amount=q.value)
            grant.quantities.append(q)
            grants.append(grant)
    return grants


def _span(text: str, grant: Grant) -> tuple[int, int]:
    """The clauses holding the grant's numbers; a very long clause is cut to the words around them."""
    start = min(q.clause[0] for q in grant.quantities)
    end = max(q.clause[1] for q in grant.quantities)
    if end - start <= MAX_SPAN:
        return start, end
    first = min(q.start for q in grant.quantities)
    last = max(q.end for q in grant.quantities)
    return max(start, first - 30), min(end, last + 30)


def _instrument(text: str, q: Quantity, sentence_start: int, sentence_end: int) -> str:
    """The instrument word nearest after the number in its clause, else the nearest before it (in the clause,
    then in its sentence: 给予一次性奖励，标准为：国家级30万元)."""
    a, b = q.clause
    after = INSTRUMENT.search(text, q.end, b)
    if after:
        return after.group()
    if (FEEDS_GRANT.match(text, a) or _ends_in_rate_of_basis(text, q.clause)) and not INSTRUMENT.search(text, a, b):
        granted = INSTRUMENT.search(text, b, sentence_end)  # 按照…的50%，给予贴息: the next clause names it
        following = _clauses(text, b, sentence_end)
        if granted is None and following:  # …的10%，给予最高5000万元支持: a weak word in the granting clause
            granted = WEAK_INSTRUMENT_WORD.search(text, following[0][0], following[0][1])
        if granted:
            return granted.group()
    weak = WEAK_INSTRUMENT_WORD.search(text, q.end, b)
    if weak is None and WEAK_CAPPED.search(text, a, q.start):
        weak = WEAK_INSTRUMENT_WORD.search(text, a, q.start)  # 单个展位支持不超过5万元
    for start in (a, sentence_start):
        before = None
        for m in INSTRUMENT.finditer(text, start, q.start):
            before = m
        if before:
            return before.group()
        if weak:
            return weak.group()
    return "资金"


def _per(text: str, grant: Grant, span: tuple[int, int], sentence_start: int) -> str | None:
    """The unit a grant applies to as written: in its own clauses first, then earlier in its sentence."""
    for q in grant.quantities:
        slash = PER_SLASH.match(text, q.end, min(q.end + 3, len(text)))
        if slash:
            return slash.group(1)
    capped = next((q for q in grant.quantities if q.kind == "cap"), grant.quantities[0])
    own = list(PER.finditer(text, span[0], span[1]))
    before_cap = [m for m in own if m.end() <= capped.start]
    if before_cap:
        return before_cap[-1].group()  # …70%补贴（每个展会…，每个标准展位最高5000元）: the unit the maximum is per
    if own:
        return own[0].group()
    earlier = list(PER.finditer(text, sentence_start, span[0]))
    return earlier[-1].group() if earlier else None


def _split_phrase(phrase: str) -> tuple[str | None, str | None]:
    """对X的Y → (X as condition, Y as beneficiary); 等 closes a list of examples (…等国家科技创新基地)."""
    phrase = phrase.strip(" ，,、")
    if "的" not in phrase:
        return None, None
    head, _, tail = phrase.rpartition("的")
    tail = LEVEL_WORDS.sub("", tail).strip(" ，,、")
    if "等" in tail:
        tail = tail.rpartition("等")[2]
    return (head.strip(" ，,、") or None), (tail or None)


def _who(text: str, q: Quantity, sentence_start: int) -> tuple[str | None, str | None]:
    """(condition, beneficiary) from the 对… phrase before the grant, and 给予X… inside it."""
    a, _ = q.clause
    condition = beneficiary = None
    opener = None
    for m in FOR_WHOM.finditer(text, sentence_start, q.start):
        opener = m
    if opener is not None:
        if opener.start() >= a:  # 对X的Y给予… inside the grant clause
            verb = CONDITION_VERB.search(text, opener.end(), q.start)
            condition, beneficiary = _split_phrase(text[opener.end() : verb.start() if verb else q.start])
        else:  # 对X的Y，(根据…，)市级给予… over earlier clauses, up to the first that grants
            parts = []
            for part in _clauses(text, opener.end(), a):
                if GRANTING.search(text, part[0], part[1]):
                    break
                parts.append(part)
            while len(parts) > 1 and "的" not in text[parts[-1][0] : parts[-1][1]]:
                parts.pop()
            if parts:
                condition, beneficiary = _split_phrase(text[parts[0][0] : parts[-1][1]])
    then = THEN_GIVEN.search(text, a, q.start)
    if condition is None and then and then.start() > a:  # 评价达标即给予30万元奖励
        condition = text[a : then.start()]
    given = None if q.kind == "rate" else GIVEN_TO.search(text, a, q.start)
    if given and not PER.fullmatch(given.group(1)) and not LEVEL_WORDS.fullmatch(given.group(1)):
        named = LEVEL_WORDS.sub("", given.group(1))
        if named and not PER.match(named) and not ANY_INSTRUMENT.search(named):
            beneficiary = named
    return condition, beneficiary


def _distribute(beneficiary: str | None, q: Quantity, group_size: int) -> str | None:
    """分别: the i-th of a listed beneficiary goes with the i-th rate or amount of a list."""
    if beneficiary and group_size > 1:
        parts = [p for p in re.split(r"[、]|和", beneficiary) if p]
        if len(parts) == group_size:
            return parts[q.index]
    return beneficiary


def find_funding(text: str, doc: Document) -> list[Funding]:
    """Every quantified grant of ``doc`` (one item per rate, amount or separately capped grant)."""
    items: list[Funding] = []
    doc_start, doc_end = doc.span
    for s_start, s_end in split.sentences(text, doc_start, doc_end, keep_stop=False):
        if not NUMERAL.search(text, s_start, s_end) or not AMOUNT_MARK.search(text, s_start, s_end):
            continue
        quantities: list[Quantity] = []
        previous: tuple[int, int] | None = None
        allocated = False
        clauses = _clauses(text, s_start, s_end)
        for i, clause in enumerate(clauses):
            if _holds_quantity(text, clause):
                after_rate = any(q.kind == "rate" for q in quantities)
                next_group = (quantities[-1].group + 1) if quantities else 0
                led = previous is not None and _leads_in(text, previous, clause[0])
                led = led or (allocated and ALLOCATION_PART.match(text, clause[0]) is not None)
                led = led or _feeds_next(text, clause, clauses[i + 1] if i + 1 < len(clauses) else None)
                # 给予一定财政贴息，最高300万元: the cap in the next clause bounds a grant its clause left unquantified
                named = previous is not None and INSTRUMENT.search(text, previous[0], previous[1]) is not None
                quantities.extend(_quantities(text, clause, next_group, after_rate, led, bool(quantities) or named))
            allocated = allocated or ALLOCATION.search(text, clause[0], clause[1]) is not None
            previous = clause
        if not quantities:
            continue
        group_sizes: dict[int, int] = defaultdict(int)
        for q in quantities:
            group_sizes[q.group] += 1
        for grant in _grants(quantities):
            first = grant.quantities[0]
            span = _span(text, grant)
            condition, beneficiary = _who(text, first, s_start)
            section = innermost_section(doc, span[0])
            items.append(
                Funding(
                    section=section.id if section else None,
                    instrument=_instrument(text, first, s_start, s_end),
                    rate=grant.rate,
                    cap=grant.cap,
                    amount=grant.amount,
                    per=_per(text, grant, span, s_start),
                    condition=condition,
                    beneficiary=_distribute(beneficiary, first, group_sizes[first.group]),
                    text=text[span[0] : span[1]],
                    span=span,
                )
            )
    return items
