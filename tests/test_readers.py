"""The readers: every format gives the same text, and every unreadable file a clear one-line error."""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner
from fixtures import (
    make_docx,
    make_encoded,
    make_encrypted_pdf,
    make_html,
    make_pdf,
    make_scanned_pdf,
    make_table_pdf,
    make_truncated_pdf,
    make_zip_bomb_docx,
    paragraphs,
    seed_text,
)

from cli import cli
from extract import parse_source, read_source
from extract.readers.pdflayout import Line, drop_page_numbers, drop_running_lines, join_pages
from model import UnreadableFileError

SEED_004 = seed_text("004")
SEED_000_HEAD = "\n".join(seed_text("000").split("\n")[:25]) + "\n"  # notice + plan, headings 一、 and （一）


# --- the same document in every format ----------------------------------------------------------------------


def _formats(tmp: Path, text: str) -> dict[str, Path]:
    return {
        "utf-8": make_encoded(tmp / "doc-utf8.txt", text, "utf-8"),
        "gb18030": make_encoded(tmp / "doc-gb.txt", text, "gb18030", newline="\r\n"),
        "pdf": make_pdf(tmp / "doc.pdf", text, header="某市人民政府办公厅文件", page_numbers=True),
        "pdf-official": make_pdf(tmp / "official.pdf", text, header="某市人民政府办公厅文件", official=True),
        "html": make_html(tmp / "doc.html", text, charset="gb18030"),
        "docx": make_docx(tmp / "doc.docx", text),
    }


def _outline(source) -> list[tuple]:
    """What must not depend on the format: documents and their section headings."""
    out = []
    for doc in parse_source(source):
        out.append(("doc", doc.title, doc.doc_number, doc.date, tuple(doc.issuers)))
        out.extend(("section", s.number, s.heading, s.level) for s in doc.sections)
    return out


@pytest.mark.parametrize("text", [SEED_004, SEED_000_HEAD], ids=["seed004", "seed000-head"])
def test_every_format_gives_the_same_documents_and_sections(tmp_path: Path, text: str) -> None:
    sources = {fmt: read_source(path) for fmt, path in _formats(tmp_path, text).items()}
    assert len(sources["pdf"].page_starts) >= 2 and len(sources["pdf-official"].page_starts) >= 2
    outlines = {fmt: _outline(source) for fmt, source in sources.items()}
    assert any(kind == "section" for kind, *_ in outlines["utf-8"]), "the seed should have headings"
    for fmt, outline in outlines.items():
        assert outline == outlines["utf-8"], f"{fmt} differs from the UTF-8 text"
    for fmt, source in sources.items():
        # the paragraphs come through unchanged, with no page furniture
        assert [line for line in source.text.split("\n") if line.strip()] == paragraphs(text), fmt
        for doc in parse_source(source):
            assert doc.title is None or doc.title.replace("\n", "") in source.text.replace("\n", "")
            for section in doc.sections:
                words = source.text[section.span[0] : section.span[1]]
                assert words.lstrip().startswith(section.number or ""), (fmt, section)
                assert section.heading in words, (fmt, section)


def test_pdf_page_starts_point_at_each_page(tmp_path: Path) -> None:
    source = read_source(make_pdf(tmp_path / "p.pdf", SEED_004, lines_per_page=20))
    offsets = [offset for offset, _ in source.page_starts]
    assert [number for _, number in source.page_starts] == list(range(1, len(offsets) + 1))
    assert offsets == sorted(offsets) and offsets[0] == 0
    assert source.page_at(offsets[1]) == 2 and source.page_at(offsets[1] - 1) == 1
    assert "某市人民政府文件" not in source.text and "—" not in source.text.replace("华龙网—", "")


# --- encodings ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "newline"),
    [("utf-8", "\n"), ("utf-8-sig", "\n"), ("gb18030", "\n"), ("gbk", "\r\n"), ("utf-16", "\r\n"), ("utf-8", "\r")],
)
def test_text_in_any_chinese_encoding_reads_the_same(tmp_path: Path, encoding: str, newline: str) -> None:
    source = read_source(make_encoded(tmp_path / "doc.txt", SEED_004, encoding, newline))
    assert source.text == SEED_004
    assert source.format == "txt"


@pytest.mark.parametrize("text", ["重庆市", "市经信局", "一、主要目标", "（三）强化资金保障。"])
def test_short_gb18030_text_is_not_mistaken_for_big5(tmp_path: Path, text: str) -> None:
    assert read_source(make_encoded(tmp_path / "short.txt", text, "gb18030")).text == text


@pytest.mark.parametrize(
    ("encoding", "damage"),
    [("utf-8", lambda raw: raw[:-1]), ("gb18030", lambda raw: raw[:500] + b"\xff" + raw[500:])],
    ids=["utf-8 cut mid-character", "gb18030 with a stray byte"],
)
def test_a_few_damaged_bytes_become_replacement_characters(tmp_path: Path, encoding: str, damage) -> None:
    text = SEED_004.strip()
    path = tmp_path / "damaged.txt"
    path.write_bytes(damage(text.encode(encoding)))
    source = read_source(path)
    assert source.text.count("\ufffd") == 1
    assert source.text.replace("\ufffd", "") in (text, text[:-1])


def test_big5_text_reads(tmp_path: Path) -> None:
    text = "臺北市政府關於實施產業升級計畫的通知\n一、總體目標\n到二零二七年，完成設備更新一千臺。\n"
    assert read_source(make_encoded(tmp_path / "big5.txt", text, "big5")).text == text


@pytest.mark.parametrize("charset", ["utf-8", "gb2312", "gbk", "gb18030"])
def test_html_is_decoded_with_its_declared_charset(tmp_path: Path, charset: str) -> None:
    text = "关于印发行动方案的通知\n一、主要目标\n新增项目100个。\n"
    source = read_source(make_html(tmp_path / "page.htm", text, charset=charset))
    assert source.text == text
    assert "var nav" not in source.text and "网站标题" not in source.text


def test_html_without_declared_charset_is_detected(tmp_path: Path) -> None:
    source = read_source(make_html(tmp_path / "page.html", SEED_004, charset="gb18030", declare=False))
    assert paragraphs(source.text) == paragraphs(SEED_004)


def test_html_source_line_breaks_inside_chinese_add_no_space(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        "<p>加快推进\n    技术改造</p><p>工业和信息化部 财政部</p><div style='display: none'>分享到微信</div>"
        "<table><tr><td>任务</td><td>牵头单位</td></tr><tr><td><p>推动改造</p></td><td><p>市经信局</p><p>市财政局</p></td></tr></table>"
    )
    assert read_source(path).text == (
        "加快推进技术改造\n工业和信息化部 财政部\n任务\t牵头单位\n推动改造\t市经信局 市财政局\n"
    )


def test_html_layout_table_keeps_its_paragraphs_apart(tmp_path: Path) -> None:
    path = tmp_path / "old-site.html"
    body = "".join(f"<p>{para}</p>" for para in paragraphs(SEED_004))
    path.write_text(f"<table><tr><td>首页</td></tr><tr><td class='content'>{body}</td></tr></table>")
    assert paragraphs(read_source(path).text) == ["首页", *paragraphs(SEED_004)]


def test_docx_layout_table_keeps_its_paragraphs_apart(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    cell = document.add_table(rows=1, cols=1).cell(0, 0)
    cell.text = paragraphs(SEED_004)[0]
    for para in paragraphs(SEED_004)[1:]:
        cell.add_paragraph(para)
    document.save(str(tmp_path / "boxed.docx"))
    assert paragraphs(read_source(tmp_path / "boxed.docx").text) == paragraphs(SEED_004)


def test_docx_table_rows_are_one_line_with_tab_separated_cells(tmp_path: Path) -> None:
    table = [
        ["序号", "重点任务", "牵头单位", "配合单位"],
        ["1", "推动技术改造", "市经济信息委", "市财政局、市发展改革委"],
    ]
    source = read_source(make_docx(tmp_path / "t.docx", "附件\n重点任务分工表", table=table))
    assert (
        source.text == "附件\n重点任务分工表\n序号\t重点任务\t牵头单位\t配合单位\n"
        "1\t推动技术改造\t市经济信息委\t市财政局、市发展改革委\n"
    )


def test_pdf_table_rows_are_one_line_with_tab_separated_cells(tmp_path: Path) -> None:
    rows = [
        ["序号", "重点任务", "牵头单位", "配合单位"],
        ["1", "推动企业开展设备更新和技术改造，提升产品质量和生产效率", "市经济信息委", "市财政局\n市发展改革委"],
        ["2", "强化要素保障", "市财政局", ""],
    ]
    source = read_source(make_table_pdf(tmp_path / "table.pdf", "重点任务分工表", rows, [40, 220, 100, 100]))
    assert source.text == (
        "重点任务分工表\n序号\t重点任务\t牵头单位\t配合单位\n"
        "1\t推动企业开展设备更新和技术改造，提升产品质量和生产效率\t市经济信息委\t市财政局 市发展改革委\n"
        "2\t强化要素保障\t市财政局\t\n"
    )


# --- PDF layout rules without a PDF --------------------------------------------------------------------------


def _page(*rows: tuple[str, float, float]) -> list[Line]:
    """Lines from (text, x0, x1), stacked 20 points apart."""
    return [Line(text, x0, x1, 100 + 20 * i, 114 + 20 * i) for i, (text, x0, x1) in enumerate(rows)]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        # a wrapped line is joined with nothing in between
        (
            [("　　加快推进工业技术改造和设备更新，", 100, 500), ("提升产业水平。", 72, 170)],
            "加快推进工业技术改造和设备更新，提升产业水平。\n",
        ),
        # a heading number starts a new paragraph even after a full line
        (
            [("　　加快推进工业技术改造和设备更新提", 100, 500), ("（二）强化支撑", 72, 170)],
            "加快推进工业技术改造和设备更新提\n（二）强化支撑\n",
        ),
        # a short line ends its paragraph
        (
            [("一、主要目标", 100, 190), ("到2027年完成改造任务全部落实到位，", 72, 500)],
            "一、主要目标\n到2027年完成改造任务全部落实到位，\n",
        ),
        # an indented line starts a paragraph
        (
            [("全市工业技改投资实现百分之十以上增", 72, 500), ("　　到2027年完成任务。", 100, 300)],
            "全市工业技改投资实现百分之十以上增\n到2027年完成任务。\n",
        ),
        # a full line ending in 。 with no indents in the document: new paragraph
        (
            [("全市工业技改投资实现百分之十以上增长。", 72, 500), ("到2027年完成任务。", 72, 300)],
            "全市工业技改投资实现百分之十以上增长。\n到2027年完成任务。\n",
        ),
    ],
)
def test_join_pages(rows, expected: str) -> None:
    assert join_pages([_page(*rows)])[0] == expected


def test_page_numbers_and_running_headers_are_dropped_but_body_numbers_kept() -> None:
    pages = [
        _page(("某市人民政府文件", 250, 340), ("正文第一页", 72, 500), ("15", 72, 90), ("- 1 -", 280, 300)),
        _page(("某市人民政府文件", 250, 340), ("正文第二页", 72, 500), ("第2页", 280, 300)),
        _page(("某市人民政府文件", 250, 340), ("正文第三页", 72, 500), ("3", 290, 300)),
        _page(("某市人民政府文件", 250, 340), ("正文第四页", 72, 500), ("4", 290, 300)),
    ]
    cleaned = drop_running_lines(drop_page_numbers(pages))
    assert [[line.text for line in page] for page in cleaned] == [
        ["正文第一页", "15"],
        ["正文第二页"],
        ["正文第三页"],
        ["正文第四页"],
    ]


# --- unreadable files: one clear line from the real CLI ------------------------------------------------------


def _bad_name(tmp: Path) -> Path:
    raw = os.fsencode(tmp) + "/重庆市通知".encode("gbk") + b".txt"
    with open(raw, "wb") as out:
        out.write("一、主要目标\n".encode())
    return Path(os.fsdecode(raw))


def _write(name: str, data: bytes) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        (tmp / name).write_bytes(data)
        return tmp / name

    return make


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4

UNREADABLE: list[tuple[str, Callable[[Path], Path], list[str], str]] = [
    ("legacy .doc", _write("plan.doc", OLE), [], "save it as .docx or PDF"),
    ("legacy .wps", _write("plan.wps", OLE), [], "save it as .docx or PDF"),
    (".doc renamed .docx", _write("plan.docx", OLE), [], "save it"),
    ("scanned PDF", lambda t: make_scanned_pdf(t / "scan.pdf"), [], "run OCR first"),
    ("encrypted PDF", lambda t: make_encrypted_pdf(t / "locked.pdf"), [], "password-protected"),
    ("truncated PDF", lambda t: make_truncated_pdf(t / "cut.pdf"), [], "cut off"),
    ("corrupt PDF", _write("bad.pdf", b"%PDF-1.4\n garbage garbage\n%%EOF\n"), [], "damaged"),
    ("not a PDF", _write("fake.pdf", b"<html>not a pdf</html>"), [], "not a PDF"),
    ("corrupt docx", _write("bad.docx", b"PK\x03\x04 this is not a zip"), [], "damaged"),
    ("docx zip bomb", lambda t: make_zip_bomb_docx(t / "bomb.docx"), [], "zip bomb"),
    ("image named .txt", _write("photo.txt", PNG), [], "PNG"),
    ("binary named .txt", _write("data.txt", bytes(range(256)) * 8), [], "binary"),
    ("PDF named .txt", lambda t: make_pdf(t / "real.txt", "一、主要目标\n"), [], "rename it to .pdf"),
    ("empty file", _write("empty.txt", b""), [], "empty"),
    ("whitespace only", _write("blank.txt", b" \r\n\n"), [], "empty"),
    ("empty html", _write("empty.html", b"<html><body><script>x()</script></body></html>"), [], "no text"),
    ("missing file", lambda t: t / "nowhere.txt", [], "no such file"),
    ("directory", lambda t: t, [], "is a folder"),
    ("file name not UTF-8", _bad_name, [], "not valid UTF-8"),
    ("unsupported suffix", _write("sheet.odt", b"PK\x03\x04"), [], "save it as one of these"),
    ("over --max-mb", lambda t: make_encoded(t / "big.txt", SEED_004, "utf-8"), ["--max-mb", "0.001"], "--max-mb"),
    ("over --max-pages", lambda t: make_pdf(t / "long.pdf", SEED_004), ["--max-pages", "1"], "--max-pages"),
]


def _assert_one_clear_line(result, path: Path, advice: str) -> None:
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    message = result.output.strip()
    assert "\n" not in message, message
    assert message.startswith("Error: ")
    assert advice in message, message
    assert path.name in message or "\ufffd" in message


@pytest.mark.parametrize(
    ("make", "options", "advice"), [case[1:] for case in UNREADABLE], ids=[c[0] for c in UNREADABLE]
)
def test_unreadable_file_gives_one_clear_line(tmp_path: Path, make, options: list[str], advice: str) -> None:
    path = make(tmp_path)
    _assert_one_clear_line(CliRunner().invoke(cli, ["text", str(path), *options]), path, advice)


@contextmanager
def _unprivileged():
    """Act as user nobody while opening files: root reads every file, so the test needs a real user."""
    if os.geteuid() != 0:
        yield
        return
    os.seteuid(65534)
    try:
        yield
    finally:
        os.seteuid(0)


def test_unreadable_without_permission(tmp_path: Path) -> None:
    path = make_encoded(tmp_path / "secret.txt", "一、主要目标\n", "utf-8")
    CliRunner().invoke(cli, ["text", str(path)])  # load every module while we may still read them
    path.chmod(0)
    tmp_path.chmod(0o755)
    with _unprivileged():
        result = CliRunner().invoke(cli, ["text", str(path)])
    _assert_one_clear_line(result, path, "permission denied")


def test_read_source_raises_unreadable_file_error(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFileError, match="max_unzipped_bytes"):
        read_source(make_docx(tmp_path / "small.docx", "一、主要目标"), max_unzipped_bytes=1000)


# --- `policykb text` on every format -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["utf-8", "gb18030", "pdf", "html", "docx"])
def test_text_command_prints_every_format(tmp_path: Path, fmt: str) -> None:
    path = _formats(tmp_path, SEED_004)[fmt]
    result = CliRunner().invoke(cli, ["text", str(path)])
    assert result.exit_code == 0, result.output
    assert paragraphs(result.output) == paragraphs(SEED_004)
