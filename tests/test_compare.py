"""compare(): hand-made plans in, comparison data out; its formats; choosing plans; the CLI on the seed corpus."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from factories import document

from cli import cli
from kb.compare import Plan, Side, compare, is_district_unit
from kb.compare_format import comparison_tables, money, to_csv, to_markdown
from kb.compare_sources import in_force, years_in_force
from model import Document, Funding, Responsibility, Section, Target

HEADING = re.compile(r"^（([一二三四五六七八九十]+)）([^。\n]*)", re.M)


def make_plan(doc_id: str, place: str, text: str) -> Plan:
    """A document whose sections are its （一）… lines, each running to the next one."""
    doc = document(text, id=doc_id, title=f"{place}技改方案", date="2025-01-01", jurisdiction=place)
    found = list(HEADING.finditer(text))
    for i, m in enumerate(found):
        end = found[i + 1].start() if i + 1 < len(found) else len(text)
        doc.sections.append(Section(f"s{i}", f"（{m[1]}）", m[2], 2, None, (m.start(), end)))
    return Plan(doc, text)


def add_target(plan: Plan, anchor: str, metric: str, value: float, unit: str) -> None:
    start = plan.text.index(anchor)
    plan.doc.targets.append(
        Target(None, metric, value, None, unit, ">=", 2025, None, anchor, (start, start + len(anchor)))
    )


def add_funding(plan: Plan, anchor: str, rate: float | None, cap: float | None, beneficiary: str) -> None:
    start = plan.text.index(anchor)
    plan.doc.funding.append(
        Funding(None, "补助", rate, cap, None, "单个项目", None, beneficiary, anchor, (start, start + len(anchor)))
    )


def add_unit(plan: Plan, section: int, agency: str, role: str = "responsible") -> None:
    plan.doc.responsibilities.append(Responsibility(f"s{section}", agency, agency, None, role, (0, 0)))  # type: ignore[arg-type]


CHONGQING = (
    "（一）推动技术改造。全市工业技术改造投资增长11%以上。统筹专项资金给予补助。\n"
    "（二）加强金融协同。扩大技改贷款，发挥融资担保作用。\n"
    "（三）强化标准应用。推动企业贯标。\n"
)
CHENGDU = (
    "（一）扩大技改投资。按设备投资的20%给予补助，最高2000万元。\n"
    "（二）培育服务商。对排名前50的服务商给予最高50万元奖励。\n"
)
QINGDAO = "（一）加快技改。力争全市工业技改投资实现10%以上增长，新建绿色工厂30个。\n"


@pytest.fixture()
def sides() -> list[Side]:
    chongqing = make_plan("cq", "重庆市", CHONGQING)
    add_target(chongqing, "全市工业技术改造投资增长11%以上", "全市工业技术改造投资增长", 11, "%")
    add_unit(chongqing, 0, "市经济信息委", "lead")
    add_unit(chongqing, 0, "各区县(自治县)人民政府", "implement")
    add_unit(chongqing, 1, "市财政局")
    qingdao = make_plan("qd", "青岛市", QINGDAO)
    add_target(qingdao, "全市工业技改投资实现10%以上", "全市工业技改投资", 10, "%")
    add_target(qingdao, "新建绿色工厂30个", "新建绿色工厂", 30, "个")
    chengdu = make_plan("cd", "成都市", CHENGDU)
    add_funding(chengdu, "按设备投资的20%给予补助，最高2000万元", 20, 2e7, "项目")
    add_funding(chengdu, "给予最高50万元奖励", None, 5e5, "服务商")
    add_unit(chengdu, 0, "市经信局", "lead")
    add_unit(chengdu, 1, "各区(市)县")
    return [Side("重庆", [chongqing]), Side("青岛", [qingdao]), Side("成都", [chengdu])]


def test_growth_targets_of_two_plans_sit_on_one_row(sides: list[Side]) -> None:
    comp = compare(sides)
    assert len(comp.aligned) == 1
    row = comp.aligned[0]
    assert {(c.side, c.value) for c in row.cells} == {("重庆", 11), ("青岛", 10)}
    assert row.terms == ["技改", "投资", "增长"]
    assert [(c.side, c.metric) for c in comp.unmatched] == [("青岛", "新建绿色工厂")]


def test_every_row_points_at_its_exact_clause(sides: list[Side]) -> None:
    comp = compare(sides)
    texts = {p.doc.id: p.text for s in sides for p in s.plans}
    clauses = {c.id: c for c in comp.clauses}
    for clause in comp.clauses:
        source = texts[clause.doc_id][clause.span[0] : clause.span[1]]
        assert source.startswith(clause.text) and (clause.truncated or source == clause.text)
    cell = comp.aligned[0].cells[0]
    assert clauses[cell.clause].text == "全市工业技术改造投资增长11%以上"
    assert all(t.clause in clauses for t in comp.tasks)


def test_funding_side_by_side_with_the_largest_grant(sides: list[Side]) -> None:
    comp = compare(sides)
    chengdu = [f for f in comp.funding if f.side == "成都"]
    assert [(f.rate, f.cap) for f in chengdu] == [(20, 2e7), (None, 5e5)]
    largest = {s.side: s.largest_grant for s in comp.summaries}
    assert largest["成都"] is not None and largest["成都"].cap == 2e7
    assert largest["重庆"] is None


def test_responsibility_profile(sides: list[Side]) -> None:
    profiles = {s.side: s.responsibility for s in compare(sides).summaries}
    cq = profiles["重庆"]
    assert cq.tasks == 3
    assert cq.district_tasks == 1 and cq.district_units == ["各区县(自治县)人民政府"]
    assert cq.unassigned == ["（三）强化标准应用"]
    assert [(a.agency, a.tasks, a.lead) for a in cq.agencies][0] == ("市经济信息委", 1, 1)
    assert profiles["成都"].district_tasks == 1
    assert profiles["青岛"].unassigned == ["（一）加快技改"]


@pytest.mark.parametrize(
    ("agency", "district"),
    [
        ("各区县(自治县)人民政府", True),
        ("各区（市）县", True),
        ("各区(市)政府", True),
        ("各区县", True),
        ("两江新区管委会", False),
        ("市经济信息委", False),
    ],
)
def test_district_units(agency: str, district: bool) -> None:
    assert is_district_unit(agency) is district


def test_every_task_is_coded_with_its_words(sides: list[Side]) -> None:
    comp = compare(sides)
    assert len(comp.tasks) == 6
    coded = {(t.side, t.task): (t.category, t.tool) for t in comp.tasks}
    assert coded[("重庆", "（二）加强金融协同")] == ("环境型", "金融")
    assert coded[("成都", "（二）培育服务商")] == ("供给型", "公共服务")
    assert all(t.cues for t in comp.tasks)
    mix = {s.side: s.tool_mix for s in comp.summaries}
    assert sum(mix["重庆"].values()) == 3


def test_tables_markdown_and_csv_show_the_same_rows(sides: list[Side]) -> None:
    comp = compare(sides)
    tables = {t.key: t for t in comparison_tables(comp)}
    assert tables["aligned"].rows[0]["side:重庆"] == "全市工业技术改造投资增长 ≥11%（2025年）"
    assert tables["aligned"].rows[0]["side:成都"] == "—"
    md = to_markdown(comp)
    assert "| 技改、投资、增长（1.00） | 全市工业技术改造投资增长 ≥11%（2025年） |" in md
    assert "《成都市技改方案》" in md
    rows = list(csv.reader(io.StringIO(to_csv(comp))))
    assert [
        "成都",
        "补助",
        "20%",
        "2000万元",
        "",
        "单个项目",
        "",
        "项目",
        rows[rows.index(["# 资金支持"]) + 2][-1],
    ] in rows
    assert json.loads(json.dumps(comp.to_dict(), ensure_ascii=False))["sides"] == ["重庆", "青岛", "成都"]


@pytest.mark.parametrize(("value", "written"), [(2e7, "2000万元"), (1.2e11, "1200亿元"), (5000, "5000元"), (None, "")])
def test_money(value: float | None, written: str) -> None:
    assert money(value) == written


def _doc(
    title: str,
    date: str | None = None,
    start: str | None = None,
    until: str | None = None,
    targets: tuple[int, ...] = (),
) -> Document:
    doc = document(id="x", title=title, date=date, effective_from=start, effective_until=until, jurisdiction="重庆市")
    doc.targets = [Target(None, "m", 1, None, "个", "=", year, None, "", (0, 0)) for year in targets]
    return doc


@pytest.mark.parametrize(
    ("doc", "years", "in_2026"),
    [
        (_doc("青岛市工作方案(2025—2027年)"), (2025, 2027), True),
        (_doc("重庆市加力推动工业技术改造2025年行动方案"), (2025, 2025), False),
        (_doc("若干政策措施", start="2025-02-02", until="2026-12-31"), (2025, 2026), True),
        (_doc("实施方案", date="2021-08-01"), (2021, None), True),
        (_doc("实施方案", date="2027-08-01"), (2027, None), False),
        (_doc("实施方案", date="2021-08-01", targets=(2025, 2022)), (2021, 2025), False),
    ],
)
def test_plans_in_force(doc: Document, years: tuple[int | None, int | None], in_2026: bool) -> None:
    assert years_in_force(doc) == years
    assert in_force(doc, 2026) is in_2026


@pytest.fixture(scope="module")
def corpus_kb(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Path:
    from kb.ingest import Limits
    from kb.writer import build

    root = tmp_path_factory.mktemp("kb")
    build(root, [corpus_dir], Limits())
    return root


@pytest.mark.slow
def test_cli_compares_the_seed_plans(corpus_kb: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["compare", "重庆", "青岛", "成都", "--kb", str(corpus_kb), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    rows = [r for r in data["aligned"] if {"技改", "投资", "增长"} <= set(r["terms"])]
    assert rows, "the technical-transformation investment growth targets of 重庆 and 青岛 share a row"
    values = {(c["side"], c["value"]) for c in rows[0]["cells"]}
    assert {("重庆", 11), ("青岛", 10)} <= values
    chengdu = [f for f in data["funding"] if f["side"] == "成都"]
    assert any(f["rate"] == 20 and f["cap"] == 2e7 for f in chengdu)
    assert all(t["category"] != "未编码" for t in data["tasks"])
    out = tmp_path / "比较.md"
    result = runner.invoke(cli, ["compare", "重庆", "成都", "--kb", str(corpus_kb), "--format", "md", "-o", str(out)])
    assert result.exit_code == 0 and "## 资金支持" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["compare", "重庆"], "at least two"),
        (["compare", "重庆", "火星"], "没有找到“火星”"),
        (["compare", "重庆", "青岛", "--format", "html"], "-o FILE"),
        (["compare", "重庆", "青岛", "--year", "1990"], "没有 1990 年有效的规划"),
    ],
)
def test_cli_errors_are_one_line(corpus_kb: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, [*args, "--kb", str(corpus_kb)])
    assert result.exit_code != 0
    assert message in result.output and "Traceback" not in result.output
