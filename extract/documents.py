"""Split a source text into policy documents and read each one's GB/T 9704 header.

A document starts at a title block (short lines without sentence punctuation
whose joined text ends with a 文种 such as 通知 or 方案) that is backed by
something a title has: a 发文字号, a 主送机关 line, 关于 in the title, a notice
before it that forwards (印发) it, or numbered headings right after it. News
items and page furniture have none of these and are left out. A document ends
at the next document, at page furniture, at its signature block, or where a
lone 附件 label starts an attachment that is not itself a document.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from extract.cues import alternation, kind_words, words_of
from extract.furniture import is_attachment_start, is_furniture
from extract.header import (
    NUMBERED,
    SENTENCE_MARKS,
    TITLE_TAIL,
    DocType,
    Signature,
    doc_number_in,
    doc_type_of,
    effective_dates,
    find_signature,
    forwards,
    is_date_line,
    is_org_name,
    is_title_line,
    normalise,
    place_in_title,
    place_of,
    place_of_number,
    split_title_line,
)
from extract.lines import Line, split_lines
from extract.numbers import MONEY, PERCENT
from extract.pagemeta import PageMeta, read_page_meta
from model import Document

MAX_TITLE_LINES = 4
RECIPIENTS_LOOKAHEAD = 30  # lines of page furniture and summary a notice's 主送 line may follow its headline by
HEADLINE_GAP = 8  # lines (page furniture not counted) between a web headline and the same title repeated below it
FIRST_HEADING = re.compile(r"^(?:一、|第一章|第一条|[（(]一[）)])")
# A heading numbered in Chinese numerals (三、 （三） 第三条): an excerpt may open at any of them, not only at 一.
_CN = "一二三四五六七八九十"
CN_HEADING = re.compile(rf"^(?:[{_CN}]{{1,3}}、|[（(][{_CN}]{{1,3}}[）)]|第[{_CN}]{{1,3}}[章条])")
# A grant in a policy's words: an instrument of funding_cues.tsv and an amount or rate.
GRANT_WORD = re.compile(alternation(kind_words("funding_cues.tsv")["instrument"]))
# A clause of a page that strings grants together with commas (…给予最高不超过50万元奖励,对首次纳入规模以上工业企业
# 的给予30万元奖励,…): each one granting money counts as one provision, as a sentence does.
GRANT_PARTS = re.compile(r"[。；;，,]")


@dataclass
class TitleBlock:
    """Lines ``first..last`` (indices into the non-blank lines) that hold one title."""

    first: int
    last: int
    title: str
    doc_type: DocType
    lead: int  # the first line of the document (a headline or 文号 line may precede the title)
    number: str | None = None  # a 发文字号 written into the title line itself, or on a line between repeats of it
    clean: bool = True  # the title line carried no 发文字号


@dataclass
class _Draft:
    """A document being assembled: its title block, header fields and line range."""

    block: TitleBlock
    doc_number: str | None = None
    recipients: list[str] = field(default_factory=list)
    body_first: int = 0  # first line after the header
    forwarded_by: int | None = None  # index of the forwarding notice among the drafts


def _title_start(lines: list[Line], run: list[int]) -> int:
    """Where the title that closes at ``run[-1]`` begins, within the run of title-like lines."""
    window = run[-MAX_TITLE_LINES:]
    with_about = [i for i in window if "关于" in lines[i].text]
    if with_about:
        start = with_about[-1]
        if lines[start].text.startswith("关于") and start - 1 in window and is_org_name(lines[start - 1].text):
            start -= 1
        return start
    start = window[-1]
    while start - 1 in window and window[-1] - start < 2 and not is_org_name(lines[start - 1].text):
        start -= 1
    return start


def _unbalanced(title: str) -> bool:
    """An open 《 or bracket: the title is not finished on this line."""
    return title.count("《") > title.count("》") or title.count("（") + title.count("(") > title.count(
        "）"
    ) + title.count(")")


def find_title_blocks(lines: list[Line]) -> list[TitleBlock]:
    """Every title block: runs of title-like lines, each closed by a line ending in a 文种."""
    blocks: list[TitleBlock] = []
    run: list[int] = []
    for k, line in enumerate(lines):
        if not is_title_line(line.text) or is_furniture(line.text) or is_attachment_start(line.text):
            run = []
            continue
        run.append(k)
        closing = line.text
        if TITLE_TAIL.fullmatch(closing) and len(run) > 1:
            closing = lines[run[-2]].text + closing  # a period such as (2021—2025年) on a line of its own
        kind = doc_type_of(closing)
        if kind is None:
            continue
        if k + 1 < len(lines) and TITLE_TAIL.fullmatch(lines[k + 1].text) and is_title_line(lines[k + 1].text):
            continue  # the title closes on the next line, after its period
        if closing.endswith(("》", "”")) and _continues(lines, k + 1):
            continue  # …关于印发2022年《政府工作报告》 goes on to 重点任务分工的通知 on the next line
        start = _title_start(lines, run)
        number, title = split_title_line("".join(lines[i].text for i in range(start, k + 1)))
        if _unbalanced(title):
            continue  # 关于印发《…方案 goes on to 》的通知 on the next line
        run = []
        if len(title) < 6:
            continue
        blocks.append(TitleBlock(start, k, title, doc_type_of(title) or kind, start, number, number is None))
    return _merge_headlines(lines, blocks)


def _continues(lines: list[Line], k: int) -> bool:
    """Line ``k`` goes on with a title: title-like, and the title it would close ends with a 文种."""
    if k >= len(lines) or not is_title_line(lines[k].text) or is_furniture(lines[k].text):
        return False
    return not is_attachment_start(lines[k].text) and doc_type_of(lines[k].text) is not None


def _between_headline_and_title(lines: list[Line], prev: TitleBlock, block: TitleBlock) -> bool:
    """Only page matter lies between two blocks: furniture, 文号 and meta values, no sentence, heading or 主送."""
    gap = [lines[i].text for i in range(prev.last + 1, block.first) if not is_furniture(lines[i].text)]
    return len(gap) <= HEADLINE_GAP and not any(
        "。" in text or text.endswith((":", "：")) or FIRST_HEADING.match(text) or NUMBERED.match(text) for text in gap
    )


def _merge_headlines(lines: list[Line], blocks: list[TitleBlock]) -> list[TitleBlock]:
    """A web headline above the full title of the same 文种 is one document with it.

    The headline may sit right above a fuller title, or repeat the same title a few lines
    above it (with page meta lines between). Of two copies of one title the one without a
    发文字号 written into it is kept; a 发文字号 line between the copies is the document's.
    """
    merged: list[TitleBlock] = []
    for block in blocks:
        prev = merged[-1] if merged else None
        same = prev is not None and normalise(prev.title) == normalise(block.title)
        adjacent = prev is not None and block.first == prev.last + 1 and block.doc_type.type == prev.doc_type.type
        if prev is None or not (adjacent or (same and _between_headline_and_title(lines, prev, block))):
            merged.append(block)
            continue
        block.lead = prev.lead
        numbers = [n for n in (doc_number_in(lines[i].text) for i in range(prev.last + 1, block.first)) if n]
        block.number = block.number or (numbers[-1] if numbers else None) or prev.number
        if same and prev.clean and not block.clean:
            block.title, block.clean = prev.title, True
        merged[-1] = block
    return merged


def _read_header(lines: list[Line], block: TitleBlock) -> _Draft:
    """文号 (just above or below the title) and 主送机关 (a line ending in ：) of one title block."""
    draft = _Draft(block, body_first=block.last + 1)
    if block.first > 0:
        number = doc_number_in(lines[block.first - 1].text)
        if number:
            draft.doc_number = number
            block.lead = min(block.lead, block.first - 1)
    k = block.last + 1
    if draft.doc_number is None and k < len(lines):
        number = doc_number_in(lines[k].text)
        if number:
            draft.doc_number = number
            k += 1
    if (
        k < len(lines)
        and not _is_recipients(lines[k].text)
        and (block.doc_type.kind == "notice" or forwards(block.title))
    ):
        k = _after_page_meta(lines, k)
    if k < len(lines) and _is_recipients(lines[k].text):
        text = lines[k].text
        draft.recipients = [r.strip() for r in re.split(r"[，,；;]", text[:-1]) if r.strip()]
        k += 1
    draft.body_first = k
    draft.doc_number = draft.doc_number or block.number
    return draft


def _is_recipients(text: str) -> bool:
    """A 主送机关 line: the bodies addressed (各…, names of bodies), ending in ：."""
    if not (text.endswith((":", "：")) and len(text) <= 200 and "。" not in text):
        return False
    if "《" in text or re.search(r"如下[:：]$", text):
        return False  # 为…，根据《…》…，特制定工作方案如下：opens a text, it addresses nobody
    parts = [p.strip() for p in re.split(r"[，,；;、]", text[:-1]) if p.strip()]
    suffixes = words_of("structure_cues.tsv", "kind", "org")
    return any(p.startswith("各") or re.search(r"单位|部门|机构", p) or p.endswith(suffixes) for p in parts)


def _after_page_meta(lines: list[Line], k: int) -> int:
    """Where a notice's text starts when page furniture (时间, 来源, meta fields) follows its headline.

    The 主送 line after the furniture opens the text; without furniture in between, or
    with a heading or date line first, the text starts at ``k`` as usual.
    """
    seen_furniture = False
    for i in range(k, min(len(lines), k + RECIPIENTS_LOOKAHEAD)):
        text = lines[i].text
        if is_furniture(text):
            seen_furniture = True
        elif _is_recipients(text):
            return i if seen_furniture else k
        elif FIRST_HEADING.match(text) or NUMBERED.match(text) or is_date_line(text):
            return k
    return k


def _opens_numbered_text(lines: list[Line], after: int, until: int) -> bool:
    """Numbered headings (一、 / 第一章) follow within a few lines: the title heads a document."""
    return any(FIRST_HEADING.match(lines[i].text) for i in range(after, min(until, after + 6)))


def _mentions(lines: list[Line], notice: _Draft, upto: int, title: str) -> bool:
    """The notice names ``title`` (in its title or body) before line ``upto``."""
    body = normalise("".join(line.text for line in lines[notice.block.first : upto]))
    core = normalise(re.sub(r"[（(][^（）()]{1,20}[）)]$", "", title))
    return normalise(title) in body or (len(core) >= 6 and core in body)


def _is_page_headline(lines: list[Line], draft: _Draft, following: TitleBlock) -> bool:
    """A web page's headline: only page furniture (来源, 发布时间) lies between it and a title of the same 文种."""
    between = range(draft.body_first, following.first)
    return following.doc_type.type == draft.block.doc_type.type and all(is_furniture(lines[i].text) for i in between)


def _is_repeated_headline(lines: list[Line], blocks: list[TitleBlock], n: int) -> bool:
    """A page's headline naming a plan whose own title block comes later, after the notice that forwards it:
    only page matter (发表日期, share buttons) lies between it and the next title, and its title is repeated."""
    block = blocks[n]
    repeated = any(normalise(later.title) == normalise(block.title) for later in blocks[n + 2 :])
    return repeated and _between_headline_and_title(lines, block, blocks[n + 1])


def _accept(lines: list[Line], blocks: list[TitleBlock]) -> list[_Draft]:
    """The title blocks that head policy documents, with their header fields."""
    drafts: list[_Draft] = []
    notice: int | None = None  # the last notice that may still forward plans
    for n, block in enumerate(blocks):
        if block.doc_type.kind in ("appendix", "commentary"):
            continue
        draft = _read_header(lines, block)
        if notice is not None and any(is_furniture(lines[i].text) for i in range(drafts[-1].body_first, block.first)):
            notice = None  # a page boundary lies between: this title is not forwarded by that notice
        backed = bool(draft.doc_number or draft.recipients or re.search(r"关于|印发|转发", block.title))
        next_first = blocks[n + 1].first if n + 1 < len(blocks) else len(lines)
        if n + 1 < len(blocks) and _is_page_headline(lines, draft, blocks[n + 1]):
            blocks[n + 1].lead = block.lead
            continue
        if n + 1 < len(blocks) and _is_repeated_headline(lines, blocks, n):
            continue
        if block.doc_type.kind == "notice" or forwards(block.title):
            if not (backed or not drafts):
                continue
            forwarder = drafts[notice] if notice is not None else None
            if (
                forwarder is not None
                and forwards(forwarder.block.title)
                and _mentions(lines, forwarder, block.first, block.title)
            ):
                draft.forwarded_by = notice  # an 意见 that a notice 印发: 现将《关于…的实施意见》印发给你们
            drafts.append(draft)
            notice = len(drafts) - 1
            continue
        forwarder = drafts[notice] if notice is not None else None
        forwarded = forwarder is not None and (
            _mentions(lines, forwarder, block.first, block.title) or forwards(forwarder.block.title)
        )
        if forwarded:
            draft.forwarded_by = notice
        elif not (backed or not drafts or _opens_numbered_text(lines, draft.body_first, next_first)):
            continue
        drafts.append(draft)
    return drafts


def _end_line(lines: list[Line], first: int, stop: int) -> tuple[int, Signature | None]:
    """The last line (exclusive) of a document whose body starts at ``first``, and its signature."""
    end = stop
    seen_body = False
    for i in range(first, stop):
        if is_furniture(lines[i].text):
            if seen_body:  # a 来源/发布时间 line between a web page's title and the text does not end it
                end = i
                break
        else:
            seen_body = True
    signature = find_signature(lines[first:end])
    if signature is not None:
        end = next(i for i in range(first, end + 1) if i == end or lines[i].start >= signature.end)
    for i in range(first, end):
        if is_attachment_start(lines[i].text) and (signature is None or lines[i].start >= signature.end):
            end = i
            break
    return end, signature


def _issuers_from_title(title: str) -> list[str]:
    """Issuing bodies named before 关于 in a title (工业和信息化部办公厅 财政部办公厅关于…)."""
    head = re.split(r"关于|印发|转发", title, maxsplit=1)[0].strip()
    if not head:
        return []
    names = [name for name in re.split(r"\s+", head) if name]
    return names if all(is_org_name(name) and not SENTENCE_MARKS.search(name) for name in names) else []


def _meta_issuers(meta: PageMeta) -> list[str]:
    """Issuers named in the page meta, when every name is that of a body."""
    names = meta.issuers()
    return names if names and all(is_org_name(name) for name in names) else []


def _document_id(text: str, index: int) -> str:
    return f"{hashlib.sha1(text.encode('utf-8')).hexdigest()[:10]}-{index + 1}"


def _is_provision(line: str) -> bool:
    """A line that grants money in the words of a policy (按设备购置额的8%给予补助, 每平方米补助1000元)."""
    return GRANT_WORD.search(line) is not None and (MONEY.search(line) or PERCENT.search(line)) is not None


RUN_IN_DATE = re.compile(r"^.{0,30}?\d{4}年\d{1,2}月\d{1,2}日")  # a signature glued before the title by a digest page


def _run_in_title(line: str) -> str | None:
    """A title that a page ran into the document's first sentence (…行动方案(2023-2025年)为深入学习…), or None."""
    found = (line.find(word, 6, 120) for word in words_of("structure_cues.tsv", "kind", "opening"))
    for at in sorted(at for at in found if at >= 0):
        head = line[:at]
        date = RUN_IN_DATE.match(head)
        head = head[date.end() :] if date else head
        if len(head) >= 6 and is_title_line(head) and doc_type_of(head):
            return head
    return None


def _untitled_document(text: str, lines: list[Line]) -> list[Document]:
    """A text with no title we recognise is still one document when it has two numbered headings (一、二、 / 第一条,
    or an excerpt opening at （三）总体目标 with 二、 below),
    or when it is a bare list of provisions: two or more sentences granting money (one numbered item may hold two),
    and no word of a news report."""
    body = [k for k, line in enumerate(lines) if not is_furniture(line.text)]
    numbered = [k for k in body if CN_HEADING.match(lines[k].text)]
    if len(numbered) < 2:
        provisions = [k for k in body if _is_provision(lines[k].text)]
        grants = max(
            sum(_is_provision(part) for k in provisions for part in lines[k].text.split("。")),
            sum(_is_provision(part) for k in provisions for part in GRANT_PARTS.split(lines[k].text)),
        )
        news = words_of("structure_cues.tsv", "kind", "news")
        if grants < 2 or any(word in lines[k].text for k in body for word in news):
            return []
        numbered = provisions
    furniture_before = [k for k in range(numbered[0]) if is_furniture(lines[k].text)]
    first = next(k for k in body if k > (furniture_before[-1] if furniture_before else -1))
    end, signature = _end_line(lines, first, body[-1] + 1)
    title = lines[first].text if is_title_line(lines[first].text) and first < numbered[0] else None
    title = title or _run_in_title(lines[first].text)
    span = (lines[first].start, lines[max(end, first + 1) - 1].end)
    meta = read_page_meta(lines[: numbered[0]])
    title = title or meta.title()
    issuers = list(signature.issuers) if signature else _meta_issuers(meta)
    date = (signature.date if signature else None) or meta.date()
    effective_from, effective_until = _or_meta(effective_dates(text[span[0] : span[1]], date), meta)
    kind = doc_type_of(title) if title else None
    return [
        Document(
            id=_document_id(text, 0),
            title=title,
            doc_number=meta.doc_number(),
            issuers=issuers,
            recipients=[],
            date=date,
            effective_from=effective_from,
            effective_until=effective_until,
            jurisdiction=(place_of(issuers[0]) if issuers else None) or (place_in_title(title) if title else None),
            doc_type=kind.type if kind else None,
            forwarded_by=None,
            span=span,
        )
    ]


def _or_meta(dates: tuple[str | None, str | None], meta: PageMeta) -> tuple[str | None, str | None]:
    """Dates of effect the text states, else those the page meta prints (实施时间 / 失效时间)."""
    printed = meta.effective()
    return dates[0] or printed[0], dates[1] or printed[1]


def _names(text: str, notice: Document, title: str) -> bool:
    """The notice's text names ``title`` (现将《…》印发给你们)."""
    return normalise(title) in normalise(text[notice.span[0] : notice.span[1]])


def _untitled_notice(text: str, lines: list[Line], upto: int) -> Document | None:
    """A notice whose title the page left out, before the first titled document: 主送 line, text, signature.

    Pages that show the title only in their chrome keep the notice's text (各市人民政府：…
    现将《…》印发给你们 … 山西省人民政府 2018年3月27日) right above the plan it forwards.
    """
    start = next((k for k in range(upto) if _is_recipients(lines[k].text) and not is_furniture(lines[k].text)), None)
    if start is None:
        return _untitled_announcement(text, lines, upto)
    signature = find_signature(lines[start + 1 : upto])
    meta = read_page_meta(lines[:start])
    named = meta.title()
    kind = doc_type_of(named) if named else None
    if signature is None:
        # a page cut before the signature (a login wall, an excerpt) whose labelled fields name the notice
        # (发文标题: 某市人民政府关于…的通知): the notice runs to the page's furniture
        if kind is None:
            return None
        end, _ = _end_line(lines, start, upto)
    else:
        end = next(k for k in range(start, upto + 1) if k == upto or lines[k].start >= signature.end)
    issuers = (list(signature.issuers) if signature else []) or _meta_issuers(meta)
    recipients = [r.strip() for r in re.split(r"[，,；;]", lines[start].text[:-1]) if r.strip()]
    number_lines = [k for k in range(start) if doc_number_in(lines[k].text)]
    doc_number = meta.doc_number()
    first = start
    if doc_number is None and number_lines:  # a 文号 line of its own above the 主送 line opens the notice
        first = number_lines[-1]
        doc_number = doc_number_in(lines[first].text)
    return Document(
        id=_document_id(text, 0),
        title=named,
        doc_number=doc_number,
        issuers=issuers,
        recipients=recipients,
        date=(signature.date if signature else None) or meta.date(),
        effective_from=meta.effective()[0],
        effective_until=meta.effective()[1],
        jurisdiction=(place_of(issuers[0]) if issuers else None)
        or (place_of_number(doc_number) if doc_number else None)
        or (place_in_title(named) if named else None),
        doc_type=kind.type if kind else None,
        forwarded_by=None,
        span=(lines[first].start, lines[end - 1].end),
    )


def _untitled_announcement(text: str, lines: list[Line], upto: int) -> Document | None:
    """A notice to the public (no 主送 line) whose title the page left out: signed text right above the plan.

    A 征求意见 announcement (…起草了《…实施方案》，现向社会公开征求意见 … 黄石市经济和信息化局 2024年6月25日)
    before the draft it attaches is the body's own document; it must name the plan that follows and be signed
    by a body.
    """
    body = [k for k in range(upto) if not is_furniture(lines[k].text)]
    if not body or upto >= len(lines):
        return None
    signature = find_signature(lines[body[0] : upto])
    if signature is None or not signature.issuers:
        return None
    end = next(k for k in range(body[0], upto + 1) if k == upto or lines[k].start >= signature.end)
    following = lines[upto].text
    if len(normalise(following)) < 6:
        return None
    named = re.findall(r"《([^《》]{6,80})》", text[lines[body[0]].start : signature.start])
    if not any(normalise(n).startswith(normalise(following)) for n in named):
        return None
    issuers = list(signature.issuers)
    return Document(
        id=_document_id(text, 0),
        title=None,
        doc_number=None,
        issuers=issuers,
        recipients=[],
        date=signature.date,
        effective_from=None,
        effective_until=None,
        jurisdiction=place_of(issuers[0]),
        doc_type=None,
        forwarded_by=None,
        span=(lines[body[0]].start, lines[end - 1].end),
    )


def split_documents(text: str) -> list[Document]:
    """The policy documents in ``text``, each with its span and header fields."""
    lines = split_lines(text)
    blocks = find_title_blocks(lines)
    commentary = [b.lead for b in blocks if b.doc_type.kind == "commentary"]
    drafts = _accept(lines, blocks)
    if not drafts:
        if commentary:
            return []
        notice = _untitled_notice(text, lines, len(lines))  # a notice or 函 alone whose title the page left out
        return [notice] if notice else _untitled_document(text, lines)
    preface = _untitled_notice(text, lines, drafts[0].block.lead)
    documents: list[Document] = [preface] if preface else []
    offset = len(documents)
    previous_end = 0
    for n, draft in enumerate(drafts):
        stop = drafts[n + 1].block.lead if n + 1 < len(drafts) else len(lines)
        stop = min([stop, *(k for k in commentary if k > draft.block.last)])
        end, signature = _end_line(lines, draft.body_first, stop)
        end = max(end, draft.block.last + 1)
        start_offset = lines[draft.block.lead].start
        end_offset = lines[end - 1].end
        meta = read_page_meta(lines[previous_end : draft.body_first])
        previous_end = end
        issuers = (list(signature.issuers) if signature else []) or _issuers_from_title(draft.block.title)
        date = signature.date if signature else None
        parent = documents[draft.forwarded_by + offset] if draft.forwarded_by is not None else None
        if n == 0 and preface is not None and _names(text, preface, draft.block.title):
            parent = preface
        if parent is not None:
            issuers = list(parent.issuers)
        else:
            issuers = issuers or _meta_issuers(meta)
            date = date or meta.date()
            draft.doc_number = draft.doc_number or meta.doc_number()
        jurisdiction = (
            (place_of(issuers[0]) if issuers else None)
            or place_in_title(draft.block.title)
            or (place_of_number(draft.doc_number) if draft.doc_number else None)
            or (parent.jurisdiction if parent else None)
        )
        if parent is not None and parent.jurisdiction:
            jurisdiction = parent.jurisdiction
        issued = date or (parent.date if parent else None)
        effective_from, effective_until = effective_dates(text[start_offset:end_offset], issued)
        if parent is None:
            effective_from, effective_until = _or_meta((effective_from, effective_until), meta)
        documents.append(
            Document(
                id=_document_id(text, len(documents)),
                title=draft.block.title,
                doc_number=draft.doc_number,
                issuers=issuers,
                recipients=draft.recipients,
                date=date,
                effective_from=effective_from,
                effective_until=effective_until,
                jurisdiction=jurisdiction,
                doc_type=draft.block.doc_type.type,
                forwarded_by=parent.id if parent else None,
                span=(start_offset, end_offset),
            )
        )
    for notice in documents:
        if notice.jurisdiction is None:  # no issuer named: the notice speaks for the place of the plan it forwards
            places = [d.jurisdiction for d in documents if d.forwarded_by == notice.id and d.jurisdiction]
            notice.jurisdiction = places[0] if places else None
    for before, doc in zip(documents, documents[1:], strict=False):
        if doc.jurisdiction is None and doc.title and _names(text, before, doc.title):
            doc.jurisdiction = before.jurisdiction  # a draft that the announcement before it publishes (征求《…》意见)
    return documents
