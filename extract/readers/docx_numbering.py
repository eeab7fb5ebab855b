"""Word's automatic numbering (一、 （一） 1. （1）) as the text Word draws before a paragraph.

python-docx's ``paragraph.text`` leaves out the number Word draws from word/numbering.xml, so a heading written
with automatic numbering would reach extract/sections.py as bare words. ``Numberer`` follows the paragraphs in
document order and gives each numbered one its label, as Word does (ECMA-376 §17.9, with Word's own readings
from MS-OI29500):

- a paragraph is numbered by its own w:numPr or its style's (through w:basedOn); numId 0 switches numbering off;
- the running counts belong to the abstract definition, so every w:num of one w:abstractNum continues one list
  (Word's "continue numbering"); a w:num with w:lvlOverride/w:startOverride restarts that level where it is
  first used, which is how Word writes "restart numbering";
- using a level restarts the deeper levels unless their w:lvlRestart says otherwise;
- w:lvlText's %1..%9 are each level's count in that level's w:numFmt; bullets and "none" give no label.

Anything missing or malformed gives no label: the paragraph keeps its plain text.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from docx.oxml.xmlchemy import BaseOxmlElement

LEVELS = 9
CN_DIGITS = "〇一二三四五六七八九"
CN_LEGAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
HEAVENLY_STEMS = "甲乙丙丁戊己庚辛壬癸"
EARTHLY_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"))
ROMAN_SMALL = ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
NO_LABEL = frozenset({"bullet", "none"})
NUMBERING_PART = "word/numbering.xml"
EMPTY_NUMBERING = b'<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>'


def _val(element: BaseOxmlElement | None, tag: str) -> str | None:
    """The w:val of ``element``'s child ``tag`` (e.g. "w:numFmt"), or None."""
    if element is None:
        return None
    child = element.find(qn(tag))
    return None if child is None else child.get(qn("w:val"))


def _int(value: str | None) -> int | None:
    try:
        return None if value is None else int(value)
    except ValueError:
        return None


def _roman(n: int) -> str:
    if not 0 < n < 4000:
        return str(n)
    out: list[str] = []
    for value, letters in ROMAN + ROMAN_SMALL:
        count, n = divmod(n, value)
        out.append(letters * count)
    return "".join(out)


def _letter(n: int) -> str:
    """A..Z, then AA..ZZ, AAA..: Word repeats the letter, it does not count like spreadsheet columns."""
    if n < 1:
        return str(n)
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def _cn_counting(n: int, digits: str = CN_DIGITS, units: str = "十百千") -> str:
    """一 … 十 十一 … 二十 … 一百零一 … 九千九百九十九 (chineseCountingThousand; 壹拾 with legal digits)."""
    if not 0 < n < 10000:
        return str(n)
    parts: list[str] = []
    zero = False
    for power, unit in ((1000, units[2]), (100, units[1]), (10, units[0]), (1, "")):
        digit = n // power % 10
        if digit == 0:
            zero = bool(parts)
            continue
        if zero:
            parts.append("零")  # counted numbers say 零 for a gap (一百零一); 〇 is a digit written alone
            zero = False
        parts.append(digits[digit] + unit)
    text = "".join(parts)
    # 十一, not 一十一, when ten leads (ordinary digits only: the legal style writes 壹拾壹)
    return text[1:] if digits is CN_DIGITS and 10 <= n < 20 else text


def _cn_counting_short(n: int) -> str:
    """chineseCounting: counted words up to 99, digit by digit (一〇一) from 100 on, as Word writes it."""
    return _cn_counting(n) if n < 100 else "".join(CN_DIGITS[int(d)] for d in str(n))


def _cycle(symbols: str) -> Callable[[int], str]:
    return lambda n: symbols[(n - 1) % len(symbols)] if n > 0 else str(n)


def _enclosed(ranges: tuple[tuple[int, int, int], ...]) -> Callable[[int], str]:
    """Unicode's enclosed numbers (①, ⑴, ⒈); plain digits where Unicode has none."""

    def render(n: int) -> str:
        for low, high, first in ranges:
            if low <= n <= high:
                return chr(first + n - low)
        return str(n)

    return render


FORMATS: dict[str, Callable[[int], str]] = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "decimalFullWidth": lambda n: str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    "upperRoman": _roman,
    "lowerRoman": lambda n: _roman(n).lower(),
    "upperLetter": _letter,
    "lowerLetter": lambda n: _letter(n).lower(),
    "chineseCounting": _cn_counting_short,
    "chineseCountingThousand": _cn_counting,
    "japaneseCounting": _cn_counting,
    "taiwaneseCounting": _cn_counting,
    "chineseLegalSimplified": lambda n: _cn_counting(n, CN_LEGAL_DIGITS, "拾佰仟"),
    "ideographDigital": lambda n: "".join(CN_DIGITS[int(d)] for d in str(n)) if n >= 0 else str(n),
    "ideographTraditional": _cycle(HEAVENLY_STEMS),
    "ideographZodiac": _cycle(EARTHLY_BRANCHES),
    "ideographEnclosedCircle": _enclosed(((1, 10, 0x3220),)),
    "decimalEnclosedCircle": _enclosed(((1, 20, 0x2460), (21, 35, 0x3251), (36, 50, 0x32B1))),
    "decimalEnclosedCircleChinese": _enclosed(((1, 20, 0x2460), (21, 35, 0x3251), (36, 50, 0x32B1))),
    "decimalEnclosedParen": _enclosed(((1, 20, 0x2474),)),
    "decimalEnclosedFullstop": _enclosed(((1, 20, 0x2488),)),
}


def format_number(n: int, num_fmt: str) -> str:
    """``n`` written in Word's w:numFmt; a format we do not know is written in digits, as Word falls back."""
    return FORMATS.get(num_fmt, str)(n)


@dataclass(frozen=True)
class Level:
    """One w:lvl: how its number is written and when it starts again."""

    num_fmt: str = "decimal"
    text: str = ""
    start: int = 0  # ECMA-376: an omitted w:start is 0
    restart: int | None = None  # w:lvlRestart: None restarts after any shallower level, 0 never
    legal: bool = False  # w:isLgl: every level written in digits
    suffix: str = "tab"
    style: str | None = None


def _level(lvl: BaseOxmlElement) -> Level:
    return Level(
        num_fmt=_val(lvl, "w:numFmt") or "decimal",
        text=_val(lvl, "w:lvlText") or "",
        start=_int(_val(lvl, "w:start")) or 0,
        restart=_int(_val(lvl, "w:lvlRestart")),
        legal=lvl.find(qn("w:isLgl")) is not None and _val(lvl, "w:isLgl") not in ("0", "false"),
        suffix=_val(lvl, "w:suff") or "tab",
        style=_val(lvl, "w:pStyle"),
    )


def _levels(parent: BaseOxmlElement) -> dict[int, Level]:
    levels: dict[int, Level] = {}
    for lvl in parent.findall(qn("w:lvl")):
        ilvl = _int(lvl.get(qn("w:ilvl")))
        if ilvl is not None and 0 <= ilvl < LEVELS:
            levels[ilvl] = _level(lvl)
    return levels


@dataclass
class _List:
    """A w:num as used: its abstract definition's key, its levels (overrides applied) and restarts."""

    key: str
    levels: dict[int, Level]
    start_overrides: dict[int, int]


@dataclass
class _Counts:
    """The running counts of one abstract definition, shared by all its w:num."""

    values: list[int | None] = field(default_factory=lambda: [None] * LEVELS)


@dataclass(frozen=True)
class _Styles:
    """Each paragraph style's numbering (numId, ilvl), resolved through w:basedOn, and the default style."""

    numbering: dict[str, tuple[str | None, int | None]]
    default: str | None


def _style_numbering(styles: BaseOxmlElement | None) -> _Styles:
    if styles is None:
        return _Styles({}, None)
    own: dict[str, tuple[str | None, int | None, str | None]] = {}
    default = None
    for style in styles.findall(qn("w:style")):
        style_id = style.get(qn("w:styleId"))
        if style_id is None:
            continue
        if style.get(qn("w:type")) == "paragraph" and style.get(qn("w:default")) in ("1", "true", "on"):
            default = style_id
        num_pr = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
        num_id = _val(num_pr, "w:numId")
        own[style_id] = (num_id, _int(_val(num_pr, "w:ilvl")), _val(style, "w:basedOn"))
    resolved: dict[str, tuple[str | None, int | None]] = {}
    for style_id in own:
        seen: set[str] = set()
        current: str | None = style_id
        while current is not None and current in own and current not in seen:
            seen.add(current)
            num_id, ilvl, based_on = own[current]
            if num_id is not None:
                resolved[style_id] = (num_id, ilvl)
                break
            current = based_on
    return _Styles(resolved, default)


def _related_element(part: object, reltype: str) -> BaseOxmlElement | None:
    """The XML root of the document part's related part (numbering, styles), or None when there is none."""
    try:
        related = part.part_related_by(reltype)  # type: ignore[attr-defined]
    except (KeyError, AttributeError):
        return None
    element = getattr(related, "element", None)
    return element if isinstance(element, BaseOxmlElement) else None


class Numberer:
    """The labels Word draws before numbered paragraphs; ask for each paragraph once, in document order."""

    def __init__(self, numbering: BaseOxmlElement | None, styles: BaseOxmlElement | None) -> None:
        self._styles = _style_numbering(styles)
        self._abstracts: dict[str, BaseOxmlElement] = {}
        self._nums: dict[str, BaseOxmlElement] = {}
        if numbering is not None:
            for abstract in numbering.findall(qn("w:abstractNum")):
                self._abstracts[abstract.get(qn("w:abstractNumId")) or ""] = abstract
            for num in numbering.findall(qn("w:num")):
                self._nums[num.get(qn("w:numId")) or ""] = num
        self._style_links = {
            link: key
            for key, abstract in self._abstracts.items()
            if (link := _val(abstract, "w:styleLink")) is not None
        }
        self._lists: dict[str, _List | None] = {}
        self._counts: dict[str, _Counts] = {}
        self._used: set[tuple[str, int]] = set()
        self._labels: dict[BaseOxmlElement, str] = {}

    @classmethod
    def of(cls, document: object) -> Numberer:
        """The numberer of a python-docx Document (a document without numbering.xml numbers nothing)."""
        part = document.part  # type: ignore[attr-defined]
        return cls(_related_element(part, RT.NUMBERING), _related_element(part, RT.STYLES))

    def label(self, paragraph: BaseOxmlElement) -> str:
        """The number Word draws before this w:p, with its separator ("一、", "1. "), or ""; never raises."""
        if not self._nums:
            return ""
        if paragraph not in self._labels:  # a merged cell may be read more than once: count it once
            try:
                self._labels[paragraph] = self._next_label(paragraph)
            except Exception:  # a numbering.xml Word would repair must not cost the paragraph its text
                self._labels[paragraph] = ""
        return self._labels[paragraph]

    def _numbering_of(self, paragraph: BaseOxmlElement) -> tuple[str, int] | None:
        """(numId, ilvl) from the paragraph's w:numPr, filled in from its style's; None when not numbered."""
        p_pr = paragraph.find(qn("w:pPr"))
        num_pr = None if p_pr is None else p_pr.find(qn("w:numPr"))
        num_id, ilvl = _val(num_pr, "w:numId"), _int(_val(num_pr, "w:ilvl"))
        style_id = _val(p_pr, "w:pStyle") or self._styles.default
        if num_id is None or ilvl is None:
            style_num_id, style_ilvl = self._styles.numbering.get(style_id or "", (None, None))
            if num_id is None:
                num_id = style_num_id
            if ilvl is None and num_id == style_num_id:
                ilvl = style_ilvl if style_ilvl is not None else self._style_level(num_id, style_id)
        if num_id is None or num_id == "0":
            return None
        return num_id, ilvl or 0

    def _style_level(self, num_id: str | None, style_id: str | None) -> int | None:
        """The level a style-linked numbering gives a style (the w:lvl whose w:pStyle names it)."""
        numbered = self._list(num_id or "")
        if numbered is None:
            return None
        return next((ilvl for ilvl, level in numbered.levels.items() if level.style == style_id), None)

    def _list(self, num_id: str) -> _List | None:
        if num_id not in self._lists:
            self._lists[num_id] = self._resolve(num_id)
        return self._lists[num_id]

    def _resolve(self, num_id: str, depth: int = 0) -> _List | None:
        """A w:num's levels: its abstract's (through w:numStyleLink), each w:lvlOverride's own w:lvl on top."""
        num = self._nums.get(num_id)
        key = _val(num, "w:abstractNumId")
        abstract = self._abstracts.get(key or "")
        if num is None or key is None or abstract is None:
            return None
        link = _val(abstract, "w:numStyleLink")
        linked_num = self._styles.numbering.get(link, (None, None))[0] if link else None
        if link and linked_num is not None and depth < 3:
            base = self._resolve(linked_num, depth + 1)
        elif link and link in self._style_links:
            base = _List(self._style_links[link], _levels(self._abstracts[self._style_links[link]]), {})
        else:
            base = _List(key, _levels(abstract), {})
        if base is None:
            return None
        levels, starts = dict(base.levels), dict[int, int]()
        for override in num.findall(qn("w:lvlOverride")):
            ilvl = _int(override.get(qn("w:ilvl")))
            if ilvl is None or not 0 <= ilvl < LEVELS:
                continue
            lvl = override.find(qn("w:lvl"))
            if lvl is not None:
                levels[ilvl] = _level(lvl)
            start = _int(_val(override, "w:startOverride"))
            if start is not None:
                starts[ilvl] = start
        return _List(base.key, levels, starts)

    def _next_label(self, paragraph: BaseOxmlElement) -> str:
        numbering = self._numbering_of(paragraph)
        if numbering is None:
            return ""
        num_id, ilvl = numbering
        numbered = self._list(num_id)
        if numbered is None or ilvl not in numbered.levels:
            return ""
        counts = self._counts.setdefault(numbered.key, _Counts()).values
        self._count(numbered, counts, num_id, ilvl)
        level = numbered.levels[ilvl]
        if level.num_fmt in NO_LABEL:
            return ""
        return _render(level, numbered, counts)

    def _count(self, numbered: _List, counts: list[int | None], num_id: str, ilvl: int) -> None:
        """Advance ``ilvl``'s count and start again the deeper levels its use restarts."""
        if (num_id, ilvl) not in self._used and ilvl in numbered.start_overrides:
            counts[ilvl] = None
        self._used.add((num_id, ilvl))
        current = counts[ilvl]
        counts[ilvl] = _start(numbered, ilvl) if current is None else current + 1
        for deeper in range(ilvl + 1, LEVELS):
            restart = numbered.levels[deeper].restart if deeper in numbered.levels else None
            if restart is None or (restart != 0 and ilvl < restart):
                counts[deeper] = None


def _start(numbered: _List, ilvl: int) -> int:
    if ilvl in numbered.start_overrides:
        return numbered.start_overrides[ilvl]
    return numbered.levels[ilvl].start if ilvl in numbered.levels else 0


def _render(level: Level, numbered: _List, counts: list[int | None]) -> str:
    """w:lvlText with each %N written as level N's count, then the separator the text needs."""
    out: list[str] = []
    i, text = 0, level.text
    while i < len(text):
        if text[i] == "%" and i + 1 < len(text) and text[i + 1] in "123456789":
            shown = int(text[i + 1]) - 1
            count = counts[shown]
            value = _start(numbered, shown) if count is None else count
            shown_level = numbered.levels.get(shown, Level())
            if shown_level.num_fmt != "none":
                out.append(format_number(value, "decimal" if level.legal else shown_level.num_fmt))
            i += 2
        else:
            out.append(text[i])
            i += 1
    label = "".join(out)
    return label + _separator(label, level.suffix)


def _separator(label: str, suffix: str) -> str:
    """Word puts a tab (or space, or nothing) after the number. Written as a space only where the text needs one
    to stay apart from the number ("1. 5G基站"); after full-width 、）． nothing, as Chinese text is typed. Never a
    tab: in our text a tab separates table cells."""
    if not label or suffix == "nothing":
        return ""
    return " " if suffix == "space" or label[-1].isascii() else ""


def without_broken_numbering(raw: bytes) -> bytes | None:
    """The .docx with an empty numbering.xml in place of one that is missing or not XML; None when it is sound.

    python-docx parses numbering.xml when it opens the file, so a broken one (or a relationship to one that is not
    there) would cost the whole document; Word opens such a file and numbers nothing, and so do we.
    """
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        if NUMBERING_PART in archive.namelist():
            try:
                parse_xml(archive.read(NUMBERING_PART))
                return None
            except Exception:  # lxml's XMLSyntaxError and its kin: the part is the fault
                pass
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as repaired:
            for info in archive.infolist():
                if info.filename != NUMBERING_PART:
                    repaired.writestr(info, archive.read(info))
            repaired.writestr(NUMBERING_PART, EMPTY_NUMBERING)
    return out.getvalue()
