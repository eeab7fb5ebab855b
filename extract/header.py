"""Read the GB/T 9704 header parts of a policy document: title lines, 发文字号, dates, issuers, place.

Each reader looks at one line (or a few) and knows nothing of how a file is
split into documents; extract/documents.py puts them together.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from extract.cues import load_table, words_of
from extract.lines import Line

CN_NUM = "零〇一二两三四五六七八九十百"
YEAR_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0", "○": "0", "O": "0"}

# A full date as Chinese documents write it: 2021年8月13日, 二〇二一年八月十三日.
DATE = re.compile(
    r"(?P<y>(?:19|20)\d{2}|[〇零○O一二三四五六七八九]{4})\s*年\s*"
    rf"(?P<m>\d{{1,2}}|[{CN_NUM}]{{1,3}})\s*月\s*(?P<d>\d{{1,2}}|[{CN_NUM}]{{1,3}})\s*[日号]"
)
DATE_TEXT = re.sub(r"\?P<\w>", "?:", DATE.pattern)  # the same pattern without group names, for composing
# 发文字号: 渝府办发〔2021〕80号, 国发〔2018〕42号 (brackets as written in converted pages vary).
DOC_NUMBER = re.compile(
    r"[\u4e00-\u9fff]{1,15}\s*[〔\[［(（【﹝]\s*(?:19|20)\d{2}\s*[〕\]］)）】﹞]\s*第?\s*\d{1,5}\s*号"
)
# A labelled field of a policy listing that cites a document (【政策依据】《…》), or the end of such a citation with
# the document's number after it (…实施方案》(临政办字〔2021〕73号)): it names a title, it is none.
CITING_FIELD = re.compile(r"^【[^】]{1,8}】\s*《|》\s*[（(][^（()）]{2,20}号[）)]$")
# Sentence punctuation never found inside a title line.
SENTENCE_MARKS = re.compile(r"[。，,；;：:！？!?]")
# The perfective 了 of a report (我市出台了10条支持政策): never in a title (了解 is a word of its own).
REPORTED = re.compile(r"了(?!解)")
# Heading numbers at a line start (一、 （一） 1. （1） 第一章 第一条): such a line is never a title.
NUMBERED = re.compile(
    rf"^(?:[{CN_NUM}]+、|[（(][{CN_NUM}\d]+[）)]|\d{{1,2}}(?:[.．、](?!\d))|第[{CN_NUM}\d]+[章节条编])"
)
# A bracketed period or status after a title: (2020—2022年), （试行）, 》.
TITLE_TAIL = re.compile(r"(?:[（(][^（）()]{1,20}[）)]|[》”\"])+$")
# A page's label for one part of a series after the title (…二十条措施之十六): not part of the title.
SERIES_PART = re.compile(r"之[一二三四五六七八九十百]{1,4}$")
EFFECTIVE_FROM = re.compile(rf"自\s*(?P<date>{DATE_TEXT})\s*起\s*(?:施行|实施|执行|生效)")
EFFECTIVE_ON_ISSUE = re.compile(r"自(?:印发|发布|公布)之日起(?:施行|实施|执行|生效)")
EFFECTIVE_UNTIL = re.compile(
    rf"有效期(?:为)?(?:自[^。]{{0,30}})?至\s*(?P<date>{DATE_TEXT})|(?P<date2>{DATE_TEXT})\s*(?:废止|失效)"
)
EFFECTIVE_YEARS = re.compile(rf"有效期(?:为)?\s*(?P<n>\d{{1,2}}|[{CN_NUM}]{{1,2}})\s*年")
MAX_TITLE_LINE = 100  # a title naming four issuing bodies runs to about 80 characters on one line
# A 发文字号 written into a title line: before it (web headlines) or bracketed after it.
# A web page's category label before a title: “政策文件” …, 【通知公告】 …
TITLE_LABEL = re.compile(r"^(?:“[^”]{1,12}”|【[^】]{1,12}】|\[[^\]]{1,12}\])\s+(?=\S)")
ATTACHMENT_NOTE = re.compile(r"^附件\s*[:：\d]")
NUMBER_BEFORE_TITLE = re.compile(rf"^\s*(?P<number>{DOC_NUMBER.pattern})\s*")
NUMBER_AFTER_TITLE = re.compile(rf"\s*[（(]\s*(?P<number>{DOC_NUMBER.pattern})\s*[）)]\s*$")
PLACE = re.compile(r"(?:[\u4e00-\u9fff]{1,7}?(?:自治区|自治州|自治县|省|市|地区|盟|县|区|旗))+")
PLACE_LINK = re.compile(r"[\u4e00-\u9fff]{1,7}?(?:自治区|自治州|自治县|省|市|地区|盟|县|区|旗)")


def normalise(text: str) -> str:
    """Text compared loosely: width-folded, no spaces, one kind of dash and bracket."""
    folded = unicodedata.normalize("NFKC", text)
    folded = re.sub(r"[—–－―-]+", "-", folded)
    return re.sub(r"[\s《》“”\"']", "", folded)


def _cn_int(written: str) -> int:
    if written.isdigit():
        return int(written)
    import cn2an

    return int(cn2an.cn2an(written.replace("〇", "零").replace("两", "二"), "smart"))


def parse_date(written: str) -> str | None:
    """The ISO form of the first full date in ``written``, or None (also for impossible dates)."""
    m = DATE.search(written)
    if not m:
        return None
    year = m["y"] if m["y"].isdigit() else "".join(YEAR_DIGITS[c] for c in m["y"])
    try:
        return dt.date(int(year), _cn_int(m["m"]), _cn_int(m["d"])).isoformat()
    except (ValueError, KeyError):
        return None


def is_date_line(line: str) -> bool:
    """A line that holds a date and little else, as the 成文日期 of a signature block does."""
    if "月" not in line:
        return False  # every DATE writes 月: most lines are ruled out without scanning them with DATE
    m = DATE.search(line)
    return m is not None and len(line) - len(m[0]) <= 4


def doc_number_in(line: str) -> str | None:
    """The 发文字号 when ``line`` is one (and little else), else None."""
    m = DOC_NUMBER.search(line)
    if m and len(line) - (m.end() - m.start()) <= 6:
        return m.group(0)
    return None


@dataclass(frozen=True)
class DocType:
    word: str
    kind: str  # notice | plan | appendix
    type: str


def doc_type_of(title: str) -> DocType | None:
    """The 文种 a title ends with (``…的通知`` → 通知), ignoring a bracketed period after it."""
    core = TITLE_TAIL.sub("", SERIES_PART.sub("", title.strip())).strip()
    if not core.endswith(_doc_type_words()):
        return None
    for row in _doc_types():
        if core.endswith(row["word"]):
            return DocType(row["word"], row["kind"], row["type"])
    return None


# The cue tables below are read for every line of a source (title candidates, signature lines): each is sorted,
# folded or compiled once, not on every call.


@cache
def _doc_types() -> tuple[dict[str, str], ...]:
    """The rows of doc_types.tsv, longest 文种 first (so 实施方案 wins over 方案)."""
    return tuple(sorted(load_table("doc_types.tsv"), key=lambda r: len(r["word"]), reverse=True))


@cache
def _doc_type_words() -> tuple[str, ...]:
    """Every 文种 word, for one C-level ``endswith`` that most lines fail."""
    return tuple(row["word"] for row in _doc_types())


@cache
def _folded_words(kind: str) -> tuple[str, ...]:
    """The words of one kind of structure_cues.tsv, NFKC-folded."""
    return tuple(unicodedata.normalize("NFKC", w) for w in words_of("structure_cues.tsv", "kind", kind))


@cache
def _bracketed_words(kind: str) -> tuple[str, ...]:
    """The folded words of one kind with an opening bracket before each: ``(此件公开发布``."""
    return tuple(f"({w}" for w in _folded_words(kind))


@cache
def _signer_line() -> re.Pattern[str]:
    """A leader's title (structure_cues.tsv, kind signer), perhaps a few words before it and a name after it."""
    words = words_of("structure_cues.tsv", "kind", "signer")
    return re.compile(rf"\S{{0,6}}(?:{'|'.join(map(re.escape, words))})(?:\s+\S{{2,4}})?")


def split_title_line(line: str) -> tuple[str | None, str]:
    """A title line without the 发文字号 a web page writes into it, and that number.

    ``鲁政发〔2014〕20号《山东省人民政府关于…的意见》`` → the number and ``山东省人民政府关于…的意见``;
    ``…的通知 (粤府〔2021〕22号)`` likewise. A title wholly set in 《》 loses them.
    """
    number = None
    line = TITLE_LABEL.sub("", line)
    m = NUMBER_BEFORE_TITLE.match(line)
    if m and not re.search(r"关于|印发|转发", m["number"]) and doc_type_of(line[m.end() :]):
        number, line = m["number"].strip(), line[m.end() :]
    m = NUMBER_AFTER_TITLE.search(line)
    if m and number is None and doc_type_of(line[: m.start()]):
        number, line = m["number"].strip(), line[: m.start()]
    if line.startswith("《") and line.endswith("》") and line.count("《") == 1:
        line = line[1:-1]
    return number, SERIES_PART.sub("", line)


def forwards(title: str) -> bool:
    """A title that 印发/转发 another document (outside any 《》 it quotes): a covering notice, whatever its ending."""
    return bool(re.search(r"印发|转发", re.sub(r"《[^《》]*》", "", title)))


def is_publish_note(line: str) -> bool:
    """(此件公开发布) and its kind, which close a signature block, also after a web page's words on its line
    (``今日 (此件公开发布)``): such a line is never part of a title."""
    words = _folded_words("publish")
    folded = unicodedata.normalize("NFKC", line)
    return folded.lstrip("(（[【").startswith(words) or any(w in folded for w in _bracketed_words("publish"))


def is_org_name(line: str) -> bool:
    """A short line naming an issuing body (重庆市人民政府办公厅), as signature blocks are written."""
    if len(line) > 40 or SENTENCE_MARKS.search(line) or NUMBERED.match(line):
        return False
    suffixes = words_of("structure_cues.tsv", "kind", "org")
    return all(name.endswith(suffixes) for name in line.split())


def is_signer(line: str) -> bool:
    """A leader's signature line of a 令: 省长, 自治区主席 乌力吉, 市长 某某 (a leader's title, perhaps a name)."""
    return len(line) <= 16 and not SENTENCE_MARKS.search(line) and bool(_signer_line().fullmatch(line.strip()))


def is_title_line(line: str) -> bool:
    """A line that may be part of a title block: short, no sentence punctuation, no heading number."""
    return (
        2 <= len(line) <= MAX_TITLE_LINE
        and not SENTENCE_MARKS.search(line)
        and not REPORTED.search(line)
        and not NUMBERED.match(line)
        and not is_date_line(line)
        and doc_number_in(line) is None
        and not is_publish_note(line)
        and not CITING_FIELD.search(line)
    )


@dataclass(frozen=True)
class Signature:
    """The signature block at a document's end: issuing bodies and the 成文日期."""

    issuers: list[str]
    date: str | None
    start: int  # offset of the first issuer line (or the date line)
    end: int  # offset after the date line, or after a publication note that follows it


def _closes_body(lines: list[Line], k: int) -> bool:
    """Date line ``k`` stands where a signature would: after a finished sentence or the 附件 list."""
    before = lines[k - 1].text
    if before.endswith(("。", "！", "!", "？")):
        return True
    return any(ATTACHMENT_NOTE.match(lines[i].text) for i in range(max(0, k - 6), k))


def find_signature(lines: list[Line]) -> Signature | None:
    """The first signature block in ``lines``: a date line right after one or more body-name lines.

    A notice may go without the name line (the seal stands for it): then a date line of its
    own right after the body or the 附件 list is the signature, with no issuers.
    """
    unsigned: Signature | None = None
    for k, line in enumerate(lines):
        if not is_date_line(line.text) or k == 0:
            continue
        j = k
        while j > 0 and k - j < 12 and (is_org_name(lines[j - 1].text) or is_signer(lines[j - 1].text)):
            j -= 1
        if j == k:
            if unsigned is None and _closes_body(lines, k):
                end = lines[k + 1].end if k + 1 < len(lines) and is_publish_note(lines[k + 1].text) else line.end
                unsigned = Signature([], parse_date(line.text), line.start, end)
            continue
        issuers = [name for ln in lines[j:k] if not is_signer(ln.text) for name in re.split(r"\s+", ln.text) if name]
        end = line.end
        if k + 1 < len(lines) and is_publish_note(lines[k + 1].text):
            end = lines[k + 1].end
        return Signature(issuers, parse_date(line.text), lines[j].start, end)
    return unsigned


def _central(written: str) -> bool:
    rows = load_table("places.tsv")
    return any(written.startswith(r["word"]) for r in rows if r["kind"] == "central")


def place_of(written: str) -> str | None:
    """The place an issuer name or title starts with: 青岛市工业和信息化局 → 青岛市; central bodies → 全国."""
    name = written.strip()
    for row in load_table("places.tsv"):
        if row["kind"] == "prefix" and name.startswith(row["word"]):
            name = name[len(row["word"]) :]
    if _central(name):
        return "全国"
    m = PLACE.match(name)
    if not m:
        return None
    # a chain of places (浙江省杭州市) ends before a link holding a word no place holds
    # (中共银川市委办公室银川市人民政府办公室: 银川市, not 银川市委办公室银川市)
    not_place = words_of("places.tsv", "kind", "not_place")
    place = ""
    for link in PLACE_LINK.findall(m.group(0)):
        if any(word in link for word in not_place):
            break
        place += link
    return place or None


def place_of_number(doc_number: str) -> str | None:
    """The place a 发文字号 prefix stands for: 渝府办发 → 重庆市, 国发 → 全国."""
    if _central(doc_number):
        return "全国"
    for row in load_table("places.tsv"):
        if row["kind"] == "abbr" and doc_number.startswith(row["word"]):
            return row["place"]
    return None


def place_in_title(title: str) -> str | None:
    """The place a title speaks for: its issuer part, else the name of the plan it forwards."""
    found = place_of(title)
    if found:
        return found
    m = re.search(r"关于(?:印发|转发)?《?", title)
    return place_of(title[m.end() :]) if m else None


def effective_dates(text: str, issued: str | None) -> tuple[str | None, str | None]:
    """施行 and 有效期 dates stated in a document's text (ISO), or None each."""
    start = None
    m = EFFECTIVE_FROM.search(text)
    if m:
        start = parse_date(m["date"])
    elif EFFECTIVE_ON_ISSUE.search(text):
        start = issued
    until = None
    # EFFECTIVE_UNTIL tries a DATE at every character; a text with none of its words is not scanned
    m = EFFECTIVE_UNTIL.search(text) if any(w in text for w in ("有效期", "废止", "失效")) else None
    if m:
        until = parse_date(m["date"] or m["date2"])
    elif start:
        years = EFFECTIVE_YEARS.search(text)
        if years:
            begin = dt.date.fromisoformat(start)
            try:
                end = begin.replace(year=begin.year + _cn_int(years["n"]))
            except ValueError:  # 29 February
                end = begin.replace(year=begin.year + _cn_int(years["n"]), day=28)
            until = (end - dt.timedelta(days=1)).isoformat()
    return start, until
