"""Canonical agency names and the places units belong to."""

from __future__ import annotations

import pytest

from extract.agencies import canonical_agency, is_collective, known_agencies, place_name


@pytest.mark.parametrize(
    ("written", "jurisdiction", "canonical", "unit_place"),
    [
        # short forms known in data, looked up under the document's place
        ("市经济信息委", "重庆市", "重庆市经济和信息化委员会", "重庆市"),
        ("市经济信息委", "重庆", "重庆市经济和信息化委员会", "重庆市"),
        ("市经信局市新经济委", "成都市", "成都市经济和信息化局（成都市新经济发展委员会）", "成都市"),
        # central bodies
        ("发展改革委", "全国", "国家发展和改革委员会", "全国"),
        ("市场监管总局", "全国", "国家市场监督管理总局", "全国"),
        # unknown full name: qualified, never guessed
        ("市财政局", "青岛市", "青岛市财政局", "青岛市"),
        ("市密码局", "重庆市", "重庆市密码局", "重庆市"),
        ("市委宣传部", "青岛市", "中共青岛市委宣传部", "青岛市"),
        # another level keeps its own place
        ("省同城化办", "成都市", "四川省同城化办", "四川省"),
        ("人行重庆市分行", "重庆市", "中国人民银行重庆市分行", "重庆市"),
        ("重庆海关", "成都市", "中华人民共和国重庆海关", "重庆市"),
        ("西安铁路局", "成都市", "西安铁路局", "西安市"),
        # collectives stay as written
        ("各区县(自治县)人民政府", "重庆市", "各区县(自治县)人民政府", "重庆市"),
        ("市级有关部门", "重庆市", "市级有关部门", "重庆市"),
        ("各省级人民政府", "全国", "各省级人民政府", "全国"),
        # no place known: the written name
        ("市财政局", None, "市财政局", None),
        ("市财政局", "四川省", "市财政局", "四川省"),
        ("两江新区管委会", "重庆市", "两江新区管委会", "重庆市"),
        # a level word followed by a unit that opens like another level word (省 + 市场监管局)
        ("省市场监管局", "四川省", "四川省市场监管局", "四川省"),
        ("省市两级有关部门", "四川省", "省市两级有关部门", "四川省"),
        # districts, counties, prefectures and autonomous regions qualify their own units
        ("区发改局", "立山区", "立山区发改局", "立山区"),
        ("县委组织部", "平和县", "中共平和县委组织部", "平和县"),
        ("州发展改革委", "恩施土家族苗族自治州", "恩施土家族苗族自治州发展改革委", "恩施土家族苗族自治州"),
        ("自治区财政厅", "广西壮族自治区", "广西壮族自治区财政厅", "广西壮族自治区"),
        ("区县政府", "立山区", "区县政府", "立山区"),
        # a prefecture-level city from the division codes knows its province
        ("省财政厅", "丽水市", "浙江省财政厅", "浙江省"),
    ],
)
def test_canonical_agency(written: str, jurisdiction: str | None, canonical: str, unit_place: str | None) -> None:
    assert canonical_agency(written, jurisdiction) == (canonical, unit_place)


@pytest.mark.parametrize(
    ("written", "collective"),
    [
        ("各区县", True),
        ("各电信运营商", True),
        ("市级有关部门和单位", True),
        ("有关区县政府", True),
        ("区直各部门", True),
        ("全区经济运行各专班", True),
        ("市直有关单位", True),
        ("市财政局", False),
        ("两江新区管委会", False),
    ],
)
def test_is_collective(written: str, collective: bool) -> None:
    assert is_collective(written) is collective


def test_known_agencies_have_their_forms() -> None:
    records = {r.canonical: r for r in known_agencies()}
    assert "市经济信息委" in records["重庆市经济和信息化委员会"].written_forms
    assert records["国家发展和改革委员会"].jurisdiction == "全国"


@pytest.mark.parametrize(
    ("written", "full"), [("重庆", "重庆市"), ("青岛市", "青岛市"), ("全国", "全国"), (None, None)]
)
def test_place_name(written: str | None, full: str | None) -> None:
    assert place_name(written) == full
