"""Word's automatic numbering reaches the text: .docx files built here with numbering.xml and w:numPr, as Word and
WPS write them (direct, through a paragraph style, restarted, in a table cell, bullets), read and extracted."""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml

from cli import cli
from extract.readers.docx_numbering import format_number
from extract.readers.word import read_docx

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
LIMITS = {"max_bytes": 50_000_000, "max_unzipped_bytes": 500_000_000}

# The outline of Chinese policy documents: 一、 （一） 1. （1）
OUTLINE = (("chineseCounting", "%1、"), ("chineseCounting", "（%2）"), ("decimal", "%3."), ("decimal", "（%4）"))


def _lvl(ilvl: int, fmt: str, text: str, start: int = 1, extra: str = "", suff: str | None = "nothing") -> str:
    """A w:lvl; suff None leaves w:suff out, which is Word's tab after the number."""
    suffix = "" if suff is None else f'<w:suff w:val="{suff}"/>'
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/>{extra}{suffix}</w:lvl>'
    )


def _abstract(abstract_id: int, levels: str, extra: str = "") -> str:
    return f'<w:abstractNum {W} w:abstractNumId="{abstract_id}">{extra}{levels}</w:abstractNum>'


def _num(num_id: int, abstract_id: int, overrides: str = "") -> str:
    return f'<w:num {W} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>{overrides}</w:num>'


def _restart(ilvl: int, start: int = 1) -> str:
    return f'<w:lvlOverride w:ilvl="{ilvl}"><w:startOverride w:val="{start}"/></w:lvlOverride>'


OUTLINE_ABSTRACT = _abstract(1, "".join(_lvl(i, fmt, text) for i, (fmt, text) in enumerate(OUTLINE)))


@dataclass(frozen=True)
class Para:
    """A paragraph to write: its text and its numbering (numId, ilvl), or a style, or neither."""

    text: str
    num: tuple[int, int | None] | None = None
    style: str | None = None


class Builder:
    """A python-docx document whose numbering.xml holds exactly the given definitions."""

    def __init__(self, *definitions: str) -> None:
        self.document = docx.Document()
        numbering = self.document.part.numbering_part.element
        for child in list(numbering):
            numbering.remove(child)
        abstracts = [d for d in definitions if d.startswith("<w:abstractNum")]
        for definition in abstracts + [d for d in definitions if d not in abstracts]:  # schema order
            numbering.append(parse_xml(definition))

    def style(self, name: str, num_id: int, ilvl: int | None = None) -> Builder:
        """A paragraph style numbered by num_id, as WPS's 标题 styles are (ilvl left out: the w:lvl names it)."""
        style = self.document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        level = "" if ilvl is None else f'<w:ilvl w:val="{ilvl}"/>'
        style.element.get_or_add_pPr().append(parse_xml(f'<w:numPr {W}>{level}<w:numId w:val="{num_id}"/></w:numPr>'))
        return self

    def add(self, *paras: Para | str) -> Builder:
        for para in paras:
            para = Para(para) if isinstance(para, str) else para
            _number(self.document.add_paragraph(para.text, style=para.style), para.num)
        return self

    def table(self, rows: list[list[Para | str]]) -> Builder:
        table = self.document.add_table(rows=len(rows), cols=len(rows[0]))
        for row, cells in zip(table.rows, rows, strict=True):
            for cell, para in zip(row.cells, cells, strict=True):
                para = Para(para) if isinstance(para, str) else para
                cell.text = para.text
                _number(cell.paragraphs[0], para.num)
        return self

    def save(self, path: Path) -> Path:
        self.document.save(str(path))
        return path

    def text(self, tmp_path: Path) -> str:
        return read_docx(self.save(tmp_path / "doc.docx"), **LIMITS).text


def _number(paragraph, num: tuple[int, int | None] | None) -> None:
    if num is None:
        return
    num_id, ilvl = num
    level = "" if ilvl is None else f'<w:ilvl w:val="{ilvl}"/>'
    num_pr = parse_xml(f'<w:numPr {W}>{level}<w:numId w:val="{num_id}"/></w:numPr>')
    paragraph._p.get_or_add_pPr().insert(0, num_pr)


def outline(level: int, text: str, num_id: int = 1) -> Para:
    return Para(text, (num_id, level))


PLAN_TITLE = "某市推进制造业新型技术改造实施方案"
TARGET = "到2027年，全市规模以上工业企业数字化改造覆盖率达到80%。（责任单位：市经信局，市发展改革委）"
PLAN = [
    PLAN_TITLE,
    "为加快推进制造业新型技术改造，结合我市实际，制定本方案。",
    outline(0, "总体要求"),
    "坚持企业主体、政府引导。",
    outline(0, "重点任务"),
    outline(1, "推进设备更新"),
    TARGET,
    outline(2, "加强项目储备"),
    outline(3, "建立项目库"),
    outline(3, "实行动态管理"),
    outline(2, "强化要素保障"),
    outline(1, "推进数字化转型"),
    outline(2, "培育服务商"),
    "支持服务商开展诊断服务。（责任单位：市科技局）",
    outline(0, "保障措施"),
    "各区县要加强组织领导。",
]
# The same plan as a writer would type it: what Word shows.
PLAN_SHOWN = [
    PLAN_TITLE,
    "为加快推进制造业新型技术改造，结合我市实际，制定本方案。",
    "一、总体要求",
    "坚持企业主体、政府引导。",
    "二、重点任务",
    "（一）推进设备更新",
    TARGET,
    "1.加强项目储备",
    "（1）建立项目库",
    "（2）实行动态管理",
    "2.强化要素保障",
    "（二）推进数字化转型",
    "1.培育服务商",
    "支持服务商开展诊断服务。（责任单位：市科技局）",
    "三、保障措施",
    "各区县要加强组织领导。",
]


def test_auto_numbered_outline_reads_as_word_shows_it(tmp_path: Path) -> None:
    text = Builder(OUTLINE_ABSTRACT, _num(1, 1)).add(*PLAN).text(tmp_path)
    assert text == "\n".join(PLAN_SHOWN) + "\n"


def _extract(path: Path) -> dict:
    result = CliRunner().invoke(cli, ["extract", str(path), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["documents"][0]


def test_extract_finds_the_sections_and_the_task_lands_in_its_section(tmp_path: Path) -> None:
    doc = _extract(Builder(OUTLINE_ABSTRACT, _num(1, 1)).add(*PLAN).save(tmp_path / "plan.docx"))
    sections = {s["id"]: s for s in doc["sections"]}
    outline_found = [(s["number"], s["heading"], s["level"]) for s in doc["sections"]]
    assert outline_found == [
        ("一", "总体要求", 1),
        ("二", "重点任务", 1),
        ("（一）", "推进设备更新", 2),
        ("1.", "加强项目储备", 3),
        ("（1）", "建立项目库", 4),
        ("（2）", "实行动态管理", 4),
        ("2.", "强化要素保障", 3),
        ("（二）", "推进数字化转型", 2),
        ("1.", "培育服务商", 3),
        ("三", "保障措施", 1),
    ]
    lead = next(r for r in doc["responsibilities"] if r["as_written"] == "市经信局")
    assert sections[lead["section"]]["heading"] == "推进设备更新"
    assert sections[sections[lead["section"]]["parent"]]["heading"] == "重点任务"
    target = next(t for t in doc["targets"] if "80%" in json.dumps(t, ensure_ascii=False))
    assert sections[target["section"]]["heading"] == "推进设备更新"
    helper = next(r for r in doc["responsibilities"] if r["as_written"] == "市科技局")
    assert sections[helper["section"]]["heading"] == "培育服务商"
    # the same facts as from the typed-out plan
    typed = tmp_path / "typed.txt"
    typed.write_text("\n".join(PLAN_SHOWN) + "\n", encoding="utf-8")
    plain = _extract(typed)
    assert [(s["number"], s["level"], s["span"]) for s in plain["sections"]] == [
        (s["number"], s["level"], s["span"]) for s in doc["sections"]
    ]
    assert plain["responsibilities"] == doc["responsibilities"]


def test_style_linked_numbering_numbers_headings_by_their_style(tmp_path: Path) -> None:
    levels = _lvl(0, "chineseCountingThousand", "%1、", extra='<w:pStyle w:val="CNHeading1"/>') + _lvl(
        1, "chineseCountingThousand", "（%2）", extra='<w:pStyle w:val="CNHeading2"/>'
    )
    builder = Builder(_abstract(3, levels), _num(7, 3)).style("CNHeading1", 7).style("CNHeading2", 7, ilvl=1)
    builder.add(
        Para("总体要求", style="CNHeading1"),
        Para("主要目标", style="CNHeading2"),
        Para("基本原则", style="CNHeading2"),
        "正文。",
        Para("重点任务", style="CNHeading1"),
        Para("推进设备更新", style="CNHeading2"),
        Para("不编号的标题", (0, None), style="CNHeading1"),  # numId 0 switches the style's numbering off
    )
    assert builder.text(tmp_path).splitlines() == [
        "一、总体要求",
        "（一）主要目标",
        "（二）基本原则",
        "正文。",
        "二、重点任务",
        "（一）推进设备更新",
        "不编号的标题",
    ]


def test_restart_override_and_start(tmp_path: Path) -> None:
    decimal = _abstract(2, _lvl(0, "decimal", "%1.", suff=None) + _lvl(1, "lowerLetter", "%2)", suff="space"))
    builder = Builder(
        decimal,
        _num(4, 2),
        _num(5, 2),  # same list, no override: continues
        _num(6, 2, _restart(0)),  # Word's "restart numbering"
        _abstract(9, _lvl(0, "chineseCounting", "第%1条", start=3, suff=None)),
        _num(10, 9),
        _num(11, 9, _restart(0, 8)),
    )
    builder.add(
        Para("甲", (4, 0)),
        Para("乙", (4, 1)),
        Para("丙", (4, 1)),
        Para("丁", (4, 0)),
        Para("戊", (4, 1)),  # restarts: its parent advanced
        Para("己", (5, 0)),
        Para("庚", (6, 0)),
        Para("辛", (6, 0)),
        Para("壬", (10, 0)),
        Para("癸", (10, None)),  # no w:ilvl: level 0
        Para("子", (11, 0)),
        Para("丑", (12, 0)),  # a numId numbering.xml does not define
    )
    assert builder.text(tmp_path).splitlines() == [
        "1. 甲",
        "a) 乙",
        "b) 丙",
        "2. 丁",
        "a) 戊",
        "3. 己",
        "1. 庚",
        "2. 辛",
        "第三条壬",
        "第四条癸",
        "第八条子",
        "丑",
    ]


def test_lvl_restart_and_multi_level_text(tmp_path: Path) -> None:
    levels = (
        _lvl(0, "decimal", "%1", suff=None)
        + _lvl(1, "decimal", "%1.%2", extra='<w:lvlRestart w:val="0"/>', suff=None)
        + _lvl(2, "upperRoman", "%1.%2.%3", suff=None)
    )
    builder = Builder(_abstract(1, levels), _num(1, 1))
    builder.add(Para("a", (1, 0)), Para("b", (1, 1)), Para("c", (1, 2)), Para("d", (1, 0)), Para("e", (1, 1)))
    assert builder.text(tmp_path).splitlines() == ["1 a", "1.1 b", "1.1.I c", "2 d", "2.2 e"]


def test_bullets_and_none_give_no_number(tmp_path: Path) -> None:
    bullets = _abstract(1, _lvl(0, "bullet", "\uf0b7") + _lvl(1, "none", "") + _lvl(2, "decimal", "%3、"))
    builder = Builder(bullets, _num(1, 1))
    builder.add(Para("要点一", (1, 0)), Para("要点二", (1, 1)), Para("第一项", (1, 2)), Para("第二项", (1, 2)))
    assert builder.text(tmp_path).splitlines() == ["要点一", "要点二", "1、第一项", "2、第二项"]


def test_numbered_paragraph_in_a_table_cell(tmp_path: Path) -> None:
    builder = Builder(OUTLINE_ABSTRACT, _num(1, 1)).add(outline(0, "重点任务分工"))
    builder.table([["序号", "任务", "责任单位"], ["", outline(1, "推进设备更新"), "市经信局"]])
    builder.add(outline(0, "保障措施"))
    assert builder.text(tmp_path).splitlines() == [
        "一、重点任务分工",
        "序号\t任务\t责任单位",
        "（一）推进设备更新\t市经信局",
        "二、保障措施",
    ]


def _replace_part(path: Path, name: str, data: bytes | None) -> Path:
    """The .docx with one zip member replaced (or left out when data is None)."""
    with zipfile.ZipFile(path) as archive:
        members = [(info, archive.read(info)) for info in archive.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for info, content in members:
            if info.filename == name:
                if data is None:
                    continue
                content = data
            archive.writestr(info, content)
    path.write_bytes(out.getvalue())
    return path


def _plain_plan() -> str:
    return "\n".join(p if isinstance(p, str) else p.text for p in PLAN) + "\n"


@pytest.mark.parametrize(
    "numbering",
    [
        b"<w:numbering xmlns:w='http://schemas.openxmlformats.org/wordprocessingml/2006/main'><broken",
        b"not xml at all",
        f'<w:numbering {W}><w:num w:numId="1"><w:abstractNumId w:val="99"/></w:num></w:numbering>'.encode(),
        f'<w:numbering {W}><w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="x"/><w:lvl/></w:abstractNum>'
        '<w:num w:numId="1"><w:abstractNumId w:val="1"/><w:lvlOverride w:ilvl="zz"/></w:num></w:numbering>'.encode(),
        f'<w:numbering {W}><w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:start w:val="x"/>'
        '<w:numFmt/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num>'
        "</w:numbering>".encode(),
    ],
    ids=["cut off", "not xml", "missing abstractNum", "bad levels", "bad start"],
)
def test_malformed_numbering_falls_back_to_plain_text(tmp_path: Path, numbering: bytes) -> None:
    path = Builder(OUTLINE_ABSTRACT, _num(1, 1)).add(*PLAN).save(tmp_path / "plan.docx")
    _replace_part(path, "word/numbering.xml", numbering)
    assert read_docx(path, **LIMITS).text == _plain_plan()


@pytest.mark.parametrize("keep_relationship", [True, False])
def test_missing_numbering_part_falls_back_to_plain_text(tmp_path: Path, keep_relationship: bool) -> None:
    path = Builder(OUTLINE_ABSTRACT, _num(1, 1)).add(*PLAN).save(tmp_path / "plan.docx")
    _replace_part(path, "word/numbering.xml", None)
    if not keep_relationship:
        rels = "word/_rels/document.xml.rels"
        with zipfile.ZipFile(path) as archive:
            xml = archive.read(rels).decode()
        kept = re.sub(r"<Relationship [^>]*numbering\.xml\"/>", "", xml)
        assert kept != xml
        _replace_part(path, rels, kept.encode())
    assert read_docx(path, **LIMITS).text == _plain_plan()


@pytest.mark.parametrize(
    ("fmt", "numbers", "written"),
    [
        ("decimal", [1, 10, 123], ["1", "10", "123"]),
        ("chineseCounting", [1, 10, 11, 20, 99, 101], ["一", "十", "十一", "二十", "九十九", "一〇一"]),
        (
            "chineseCountingThousand",
            [1, 10, 15, 30, 101, 110, 1005],
            ["一", "十", "十五", "三十", "一百零一", "一百一十", "一千零五"],
        ),
        ("ideographTraditional", [1, 2, 3, 10, 11], ["甲", "乙", "丙", "癸", "甲"]),
        ("upperLetter", [1, 26, 27, 28], ["A", "Z", "AA", "BB"]),
        ("lowerLetter", [1, 3], ["a", "c"]),
        ("upperRoman", [1, 4, 9, 14, 1994], ["I", "IV", "IX", "XIV", "MCMXCIV"]),
        ("lowerRoman", [3, 40], ["iii", "xl"]),
        ("decimalEnclosedCircle", [1, 20, 21, 50, 51], ["①", "⑳", "㉑", "㊿", "51"]),
        ("decimalEnclosedParen", [1, 20, 21], ["⑴", "⒇", "21"]),
        ("decimalEnclosedFullstop", [1, 20], ["⒈", "⒛"]),
        ("ideographEnclosedCircle", [1, 10], ["㈠", "㈩"]),
        ("chineseLegalSimplified", [1, 10, 12], ["壹", "壹拾", "壹拾贰"]),
        ("someFutureFormat", [7], ["7"]),
    ],
)
def test_number_formats(fmt: str, numbers: list[int], written: list[str]) -> None:
    assert [format_number(n, fmt) for n in numbers] == written


def test_num_style_link_takes_the_levels_of_the_linked_list(tmp_path: Path) -> None:
    linked = _abstract(20, _lvl(0, "ideographTraditional", "%1、"), extra='<w:styleLink w:val="OutlineList"/>')
    linking = _abstract(21, "", extra='<w:numStyleLink w:val="OutlineList"/>')
    builder = Builder(linked, linking, _num(30, 20), _num(31, 21))
    style = builder.document.styles.add_style("OutlineList", WD_STYLE_TYPE.LIST)
    style.element.get_or_add_pPr().append(parse_xml(f'<w:numPr {W}><w:numId w:val="30"/></w:numPr>'))
    builder.add(Para("总则", (31, 0)), Para("分则", (31, 0)), Para("附则", (30, 0)))
    assert builder.text(tmp_path).splitlines() == ["甲、总则", "乙、分则", "丙、附则"]
