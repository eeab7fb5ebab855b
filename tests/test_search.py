"""policykb search on the built-in corpus: ranking, phrases, filters, output formats, bad queries."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from kb_helpers import run, run_json

from kb.places import place_key


@pytest.fixture
def kb(corpus_kb: Path) -> Path:
    return corpus_kb


def search(kb: Path, *args: str) -> list[dict]:
    return run_json("search", *args, "--kb", kb)


def test_tiexi_ranks_a_clause_that_grants_it_first(kb: Path) -> None:
    top = search(kb, "贴息")[0]
    granted = [f for f in top["facts"] if f["kind"] == "funding" and "贴息" in f["text"]]
    assert granted, top
    assert "【贴息】" in top["snippet"]


def test_a_quoted_phrase_matches_only_clauses_holding_it(kb: Path) -> None:
    hits = search(kb, '"智能工厂"', "--limit", "20")
    assert hits and all("智能工厂" in h["text"] for h in hits)


@pytest.mark.parametrize("phrase", ["技术改造项目", "工业互联网平台"])
def test_a_phrase_of_several_words_is_searched_where_positions_are_kept(kb: Path, phrase: str) -> None:
    hits = search(kb, f'"{phrase}"', "--limit", "20")
    assert hits and all(phrase in h["text"] + h["section_path"] + h["title"] for h in hits)
    assert f"【{phrase[:2]}" in hits[0]["snippet"]


def test_a_snippet_keeps_the_bracket_that_opens_its_first_word(kb: Path) -> None:
    """whoosh starts a snippet at a word: (十五)完善… must not show as 十五)完善…"""
    hits = search(kb, '"技术改造项目"', "--limit", "20")
    opened = [h for h in hits if h["text"][:1] in "(（" and h["snippet"].startswith(h["text"][1:3])]
    assert opened == []
    assert any(h["snippet"][:1] in "(（" for h in hits)


def test_a_word_inside_a_longer_word_is_found(kb: Path) -> None:
    hits = search(kb, "技改", "--limit", "5")
    assert hits and all("技改" in h["text"] or "技改" in h["section_path"] or "技改" in h["title"] for h in hits)


def test_several_words_must_all_occur(kb: Path) -> None:
    hits = search(kb, "贴息 融资租赁", "--limit", "20")
    assert hits and all("贴息" in h["text"] and "融资租赁" in h["text"] for h in hits)


@pytest.mark.parametrize(
    ("options", "holds"),
    [
        (["--city", "成都"], lambda h: place_key(h["jurisdiction"]) == "成都"),
        (["--city", "重庆市"], lambda h: place_key(h["jurisdiction"]) == "重庆"),
        (["--has", "funding"], lambda h: any(f["kind"] == "funding" for f in h["facts"])),
        (["--has", "target"], lambda h: any(f["kind"] == "target" for f in h["facts"])),
        (["--has", "responsibility"], lambda h: any(f["kind"] == "responsibility" for f in h["facts"])),
        (["--doc", "青岛"], lambda h: "青岛" in h["title"]),
        (["--agency", "市财政局"], lambda h: any("财政局" in a for a in h["agencies"])),
        (["--year", "2025"], lambda h: h["year"] == "2025"),
        (["--limit", "2"], lambda h: h["rank"] <= 2),
    ],
    ids=["city-short", "city-full", "has-funding", "has-target", "has-resp", "doc", "agency", "year", "limit"],
)
def test_filters_keep_only_matching_clauses(kb: Path, options: list[str], holds) -> None:
    limit = [] if "--limit" in options else ["--limit", "15"]
    hits = search(kb, "支持 OR 企业 OR 补助", *options, *limit)
    assert hits, options
    assert all(holds(h) for h in hits), [h["clause_id"] for h in hits if not holds(h)]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('"智能工厂', "unmatched quote"),
        ("(贴息", "unbalanced brackets"),
        ("，。！", "no words to search for"),
        ("  ", "empty"),
    ],
    ids=["open-quote", "open-bracket", "only-punctuation", "blank"],
)
def test_a_malformed_query_gets_one_clear_line(kb: Path, query: str, message: str) -> None:
    result = run("search", query, "--kb", kb)
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("options", "message"),
    [(["--doc", "不存在的文件标题"], "no document"), (["--agency", "不存在的局"], "no responsible unit")],
    ids=["doc", "agency"],
)
def test_an_unknown_filter_value_is_named(kb: Path, options: list[str], message: str) -> None:
    result = run("search", "贴息", *options, "--kb", kb)
    assert result.exit_code == 1 and message in result.output


def test_json_has_the_fields_a_researcher_needs(kb: Path) -> None:
    hit = search(kb, "贴息")[0]
    for key in ("rank", "score", "title", "section_path", "jurisdiction", "year", "snippet", "text", "span"):
        assert key in hit
    assert "\x02" not in hit["snippet"]


def test_csv_opens_in_excel_with_chinese_headers(kb: Path, tmp_path: Path) -> None:
    path = tmp_path / "hits.csv"
    result = run("search", "贴息", "--kb", kb, "--csv", path)
    assert result.exit_code == 0, result.output
    with open(path, encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:3] == ["名次", "文件", "章节"] and len(rows) > 1


def test_text_output_shows_title_section_and_facts(kb: Path) -> None:
    result = run("search", "贴息", "--kb", kb, "--limit", "1")
    assert result.exit_code == 0
    assert "1. 《" in result.output and "资金：" in result.output


def test_no_hits_is_said_plainly(kb: Path) -> None:
    result = run("search", "量子纠缠", "--kb", kb)
    assert result.exit_code == 0 and "没有找到" in result.output


@pytest.mark.parametrize("words_before", [0, 45, 46, 47, 173])
def test_a_phrase_late_in_a_long_section_path_is_found(tmp_path: Path, words_before: int) -> None:
    """whoosh-ng read a position step of 46 (a posting ending in b".") as an old pickle and failed."""
    from whoosh import query as q

    from kb import index

    ix = index.create(tmp_path)
    w = index.writer(ix)
    w.add_document(clause_id="c", doc_id="d", heading="一 " * words_before + "技术改造项目", body="正文")
    w.commit()
    with index.open_index(tmp_path).searcher() as searcher:
        assert len(searcher.search(q.Phrase("heading", ["技术改造", "项目"]))) == 1
