"""who / duties / chain / targets / funding / graph export, through the real CLI on the built-in corpus."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner

from cli import CORPUS_DIR, cli

GOLD = "/work/shared/gold"


@pytest.fixture(scope="module")
def kb_dir(tmp_path_factory):
    """A knowledge base of the built-in corpus, built once by `policykb build`."""
    path = tmp_path_factory.mktemp("kb") / "kb"
    if "build" in cli.commands:
        result = CliRunner().invoke(cli, ["build", str(CORPUS_DIR), "--kb", str(path)])
        assert result.exit_code == 0, result.output
    else:  # until the build command lands: the same writer it calls
        from kb.ingest import Limits
        from kb.writer import build

        build(path, [CORPUS_DIR], Limits())
    return path


def run(kb_dir, *args):
    result = CliRunner().invoke(cli, [*args, "--kb", str(kb_dir)])
    assert result.exit_code == 0, result.output
    return result.output


def run_json(kb_dir, *args):
    return json.loads(run(kb_dir, *args, "--json"))


def test_who_green_factory_in_chongqing_names_the_economy_commission(kb_dir):
    rows = run_json(kb_dir, "who", "绿色工厂", "--city", "重庆", "--all")
    tasks = [t for r in rows if r["agency"] == "重庆市经济和信息化委员会" for t in r["tasks"]]
    plan_tasks = [t for t in tasks if "2025年行动方案" in (t["title"] or "")]
    assert any("绿色" in t["section"] for t in plan_tasks), tasks
    assert all(t["jurisdiction"] == "重庆市" for r in rows for t in r["tasks"])


def test_who_prints_a_table_with_chinese_labels(kb_dir):
    out = run(kb_dir, "who", "绿色工厂", "--city", "重庆")
    assert "责任单位" in out and "重庆市经济和信息化委员会" in out


def test_who_csv_lists_each_units_tasks_even_with_json(kb_dir, tmp_path):
    path = tmp_path / "who.csv"
    rows = run_json(kb_dir, "who", "绿色工厂", "--city", "重庆", "--csv", str(path))
    assert all("shown_tasks" not in row for row in rows)
    with open(path, encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle))
    assert table[0] == ["责任单位", "角色", "任务数", "任务（文件·章节）", "原文写法"]
    assert any("2025年行动方案" in cell for row in table[1:] for cell in row)


@pytest.mark.parametrize(("options", "listed"), [((), 3), (("--tasks", "1"), 1), (("--all",), None)])
def test_who_lists_the_first_tasks_of_each_unit_and_counts_them_all(kb_dir, options, listed):
    rows = run_json(kb_dir, "who", "绿色工厂", *options)
    whole = run_json(kb_dir, "who", "绿色工厂", "--all")
    assert [(r["agency"], r["role"], r["task_count"]) for r in rows] == [
        (r["agency"], r["role"], len(r["tasks"])) for r in whole
    ]
    assert [r["tasks"] for r in rows] == [r["tasks"][:listed] for r in whole]
    assert max(r["task_count"] for r in rows) > 3  # the cut is tried


def test_who_table_says_how_many_tasks_and_how_to_see_them_all(kb_dir):
    out = run(kb_dir, "who", "绿色工厂", "--tasks", "1")
    assert "…等" in out and "--all" in out
    assert "--all" not in run(kb_dir, "who", "绿色工厂", "--all")


def test_who_falls_back_to_search_when_no_task_holds_the_exact_words(kb_dir):
    rows = run_json(kb_dir, "who", "绿色工厂建设", "--city", "重庆")
    assert rows and all(t["jurisdiction"] == "重庆市" for r in rows for t in r["tasks"])


def test_who_of_nothing_prints_a_clear_message(kb_dir):
    out = run(kb_dir, "who", "量子引力波", "--city", "青岛")
    assert "没有找到" in out


def _gold_sections(file_name: str, written: str) -> set[str]:
    with open(f"{GOLD}/{file_name}.gold.json", encoding="utf-8") as handle:
        gold = json.load(handle)
    return {r["section"] for r in gold["responsibilities"] if r["agency"] == written}


def test_duties_of_qingdao_finance_bureau_are_exactly_its_tasks(kb_dir):
    rows = run_json(kb_dir, "duties", "市财政局", "--city", "青岛")
    assert {r["agency"] for r in rows} == {"青岛市财政局"}
    assert {r["heading"] for r in rows} == _gold_sections("001_7b47dacdb9e28699.txt", "市财政局")


def test_duties_by_written_form_in_chongqing(kb_dir):
    rows = run_json(kb_dir, "duties", "市经济信息委", "--city", "重庆", "--role", "responsible")
    assert rows and {r["agency"] for r in rows} == {"重庆市经济和信息化委员会"}
    assert {r["role"] for r in rows} == {"responsible"}


@pytest.mark.parametrize("options", [(), ("--limit", "2"), ("--all",)])
def test_duties_lists_a_page_and_says_how_many_there_are(kb_dir, options):
    whole = run_json(kb_dir, "duties", "市财政局", "--all")
    assert len(whole) > 2
    rows = run_json(kb_dir, "duties", "市财政局", *options)
    shown = 2 if options and options[0] == "--limit" else None
    assert rows == whole[:shown]
    out = run(kb_dir, "duties", "市财政局", *options)
    assert f"共 {len(whole)} 项" in out
    assert ("--all" in out) == (shown is not None)


def test_duties_of_an_unknown_agency_suggests_names(kb_dir):
    result = CliRunner().invoke(cli, ["duties", "市财政", "--city", "青岛", "--kb", str(kb_dir)])
    assert result.exit_code == 1
    assert "青岛市财政局" in result.output and "Traceback" not in result.output


def test_chain_of_a_chengdu_measure_shows_lead_and_support(kb_dir):
    [item] = run_json(kb_dir, "chain", "加强新型技术改造融资支持", "--city", "成都")
    assert item["units"]["lead"] and item["units"]["support"]
    assert item["document"]["title"].startswith("成都市")
    out = run(kb_dir, "chain", "加强新型技术改造融资支持", "--city", "成都")
    assert "牵头单位" in out and "配合单位" in out and "加强新型技术改造融资支持" in out


def test_targets_json_and_csv(kb_dir, tmp_path):
    rows = run_json(kb_dir, "targets", "--city", "青岛", "--year", "2027")
    assert rows and all(r["year"] == 2027 and r["jurisdiction"] == "青岛市" for r in rows)
    assert all(r["text"] and r["title"] for r in rows)
    path = tmp_path / "t.csv"
    run(kb_dir, "targets", "--city", "青岛", "--csv", str(path))
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header = next(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert header[:3] == ["地区", "文件", "章节"]


def test_funding_filters_by_instrument_and_cap(kb_dir):
    rows = run_json(kb_dir, "funding", "--instrument", "贴息")
    assert rows and all("贴息" in (r["instrument"] + r["text"]) for r in rows)
    capped = run_json(kb_dir, "funding", "--min-cap", "1000万")
    assert capped and all(r["cap"] >= 1e7 for r in capped)
    assert run(kb_dir, "funding", "--city", "成都").count("成都") > 0


def test_bad_min_cap_is_a_clear_error(kb_dir):
    result = CliRunner().invoke(cli, ["funding", "--min-cap", "很多", "--kb", str(kb_dir)])
    assert result.exit_code == 2 and "200万" in result.output


@pytest.mark.parametrize("fmt", ["json", "graphml", "gexf"])
def test_graph_export(kb_dir, tmp_path, fmt):
    path = tmp_path / f"g.{fmt}"
    run(kb_dir, "graph", "export", "--format", fmt, "-o", str(path))
    text = path.read_text(encoding="utf-8")
    assert "agency:重庆市经济和信息化委员会" in text
    if fmt == "json":
        assert {"nodes", "edges"} <= set(json.loads(text))


def test_missing_kb_is_a_one_line_error(tmp_path):
    result = CliRunner().invoke(cli, ["who", "绿色工厂", "--kb", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert "policykb build" in result.output and "Traceback" not in result.output
