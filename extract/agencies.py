"""Canonical agency names: `市经济信息委` in a 重庆 document is 重庆市经济和信息化委员会.

What the project knows about agencies lives in data files a user can extend:
``data/agencies.tsv`` (full names and their short forms), ``data/agency_places.tsv``
(city → province) and ``data/agency_rules.json`` (suffixes, collectives and
the rules that qualify 市X/省X by the document's place). A full name that is
not in the data is never guessed: the written name is qualified instead.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"
NATIONAL = "全国"


@dataclass(frozen=True)
class AgencyRecord:
    """One known body: its full name, the place it belongs to, and how documents write it."""

    canonical: str
    jurisdiction: str
    written_forms: tuple[str, ...]


def _rows(name: str) -> list[list[str]]:
    """Tab-separated rows of a data file, without comment and blank lines."""
    rows = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append([cell.strip() for cell in line.split("\t")])
    return rows


@lru_cache(maxsize=8192)
def name_key(name: str) -> str:
    """A written name in the form lookups compare: NFKC, ASCII brackets, no spaces.

    Cached: the same few hundred names are keyed again for every note and every lookup.
    """
    folded = unicodedata.normalize("NFKC", name).replace("〔", "(").replace("〕", ")")
    return "".join(folded.split())


@cache
def rules() -> dict[str, Any]:
    """The reading rules of ``data/agency_rules.json``."""
    return json.loads((DATA / "agency_rules.json").read_text(encoding="utf-8"))


@cache
def _places() -> tuple[dict[str, str], dict[str, str]]:
    """(every written form of a place → its full name, full place name → its province)."""
    names: dict[str, str] = {}
    province: dict[str, str] = {}
    for place, prov, *short in _rows("agency_places.tsv"):
        province[place] = prov
        names[place] = place
        for form in short[0].split("|") if short else []:
            if form:
                names[form] = place
    return names, province


def place_name(written: str | None) -> str | None:
    """The full name of a place written in full or short (``'重庆'`` → ``'重庆市'``); ``全国`` stays."""
    if not written:
        return None
    if written in (NATIONAL, "国家", "中央"):
        return NATIONAL
    return _places()[0].get(written.strip(), written.strip())


def province_of(place: str | None) -> str | None:
    """The province a city belongs to (a province or 直辖市 is its own)."""
    return _places()[1].get(place) if place else None


@cache
def _place_pattern() -> re.Pattern[str]:
    names = sorted(_places()[0], key=len, reverse=True)
    return re.compile("|".join(map(re.escape, names)))


def city_matches(jurisdiction: str | None, city: str | None) -> bool:
    """True when ``city`` (重庆, 重庆市) names ``jurisdiction`` (重庆市); no city matches everything."""
    if not city:
        return True
    if not jurisdiction:
        return False
    stem = re.sub(r"(省|市|自治区|特别行政区)$", "", city.strip())
    return bool(stem) and jurisdiction.startswith(stem)


def place_in(text: str) -> str | None:
    """The first place named inside ``text`` (``'人行重庆市分行'`` → ``'重庆市'``), or None."""
    m = _place_pattern().search(text)
    return _places()[0][m.group(0)] if m else None


@cache
def known_agencies() -> list[AgencyRecord]:
    """Every agency of ``data/agencies.tsv``, with its known written forms."""
    return [
        AgencyRecord(canonical=canonical, jurisdiction=jur, written_forms=tuple(f for f in forms.split("|") if f))
        for jur, canonical, forms in _rows("agencies.tsv")
    ]


@cache
def _index() -> dict[tuple[str, str], AgencyRecord]:
    """(jurisdiction, written-form key) → record; a full name is also a written form of itself."""
    index: dict[tuple[str, str], AgencyRecord] = {}
    for record in known_agencies():
        for form in (*record.written_forms, record.canonical):
            index.setdefault((record.jurisdiction, name_key(form)), record)
    return index


@cache
def _self_placed() -> dict[str, AgencyRecord]:
    """Written forms that name their own place (``重庆海关``): valid in any document."""
    return {
        name_key(form): record
        for record in known_agencies()
        for form in (*record.written_forms, record.canonical)
        if record.jurisdiction != NATIONAL and place_in(form)
    }


def is_collective(written: str) -> bool:
    """A collective unit (各区县, 市级有关部门, 各电信运营商): kept as written, never qualified."""
    prefixes, markers = _collective_words()
    return written.startswith(prefixes) or any(m in written for m in markers)


@cache
def _collective_words() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(collective prefixes, collective markers) as tuples, made once: every unit name is tested."""
    r = rules()
    return tuple(r["collective_prefixes"]), tuple(r["collective_markers"])


@cache
def _level_words() -> tuple[str, ...]:
    """The level words (省, 市…) longest first, sorted once."""
    return tuple(sorted(rules()["level_words"], key=len, reverse=True))


@cache
def _except_prefixes() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(prefixes no qualifier applies to, the prefixes that override them) as tuples, made once."""
    r = rules()
    return tuple(r["except_prefixes"]), tuple(r["except_overrides"])


def _level_place(level: str, place: str) -> str | None:
    """The place a qualifier level names in a document of ``place``: the province for 省X, the place itself
    for 市X in a city's document (区X in a district's…), else None (市X in a province's document names no city)."""
    if level == "province":
        return province_of(place)
    endings = tuple(rules()["level_places"].get(level, []))
    if not place.endswith(endings) or place.endswith("自治区"):
        return None
    return place


def _qualify(written: str, place: str) -> tuple[str, str] | None:
    """``市财政局`` in 青岛市 → (``青岛市财政局``, 青岛市) by the prefix rules; None when no rule fits."""
    excepted, overrides = _except_prefixes()
    if written.startswith(excepted) and not written.startswith(overrides):
        return None
    for rule in rules()["qualifiers"]:
        if not written.startswith(rule["prefix"]):
            continue
        at = _level_place(rule["level"], place)
        if at is None:
            return None
        filled = rule["replace"].format(city=at, province=at, place=at)
        return filled + written[len(rule["prefix"]) :], at
    return None


@lru_cache(maxsize=8192)
def level_of(written: str) -> str | None:
    """The level word a written name opens with (``省`` of 省发展改革委), or None for a bare name (交通运输厅)."""
    key = name_key(written)
    excepted, overrides = _except_prefixes()
    if is_collective(key) or (key.startswith(excepted) and not key.startswith(overrides)):
        return None
    return next((w for w in _level_words() if key.startswith(w)), None)


def _carried(key: str, level: str | None) -> str | None:
    """A bare department name with the level of the unit listed before it (交通运输厅 after 省发展改革委)."""
    if not level or level_of(key) or is_collective(key) or place_in(key):
        return None
    if not key.endswith(tuple(rules()["carry_suffixes"])):
        return None
    return level + key


@lru_cache(maxsize=8192)
def canonical_agency(written: str, jurisdiction: str | None, level: str | None = None) -> tuple[str, str | None]:
    """The canonical full name of a written unit and the place it belongs to.

    ``jurisdiction`` is the document's place (``重庆市``, ``重庆``, ``全国`` or None).
    Known short forms come from data; otherwise 市X/省X are qualified by the
    document's place, a place written in the name gives its own place, and
    anything else keeps its written name. ``level`` is the level word of the
    unit listed before this one (``省`` of 省发展改革委): a bare department
    name after it (交通运输厅) is read at that level.

    Cached (a pure function of its arguments and the data): a document names the same units task after task.
    """
    place = place_name(jurisdiction)
    key = name_key(written)
    if is_collective(key):
        return key, place
    carried = _carried(key, level) if place and place != NATIONAL else None
    if carried:
        found = canonical_agency(carried, place)
        if found[0] != carried:
            return found
    for jur in (place, NATIONAL):
        record = _index().get((jur, key)) if jur else None
        if record:
            return record.canonical, record.jurisdiction
    if key in _self_placed():
        record = _self_placed()[key]
        return record.canonical, record.jurisdiction
    if place and place != NATIONAL:
        qualified = _qualify(key, place)
        if qualified:
            return qualified
    own_place = place_in(key)
    if own_place:
        return key, own_place
    return key, place
