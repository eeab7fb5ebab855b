"""Splitting files into documents and reading their GB/T 9704 headers, on small hand-made texts."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract.documents import split_documents
from extract.furniture import is_furniture
from extract.header import (
    doc_number_in,
    doc_type_of,
    effective_dates,
    is_signer,
    parse_date,
    place_in_title,
    place_of,
    place_of_number,
    split_title_line,
)
from extract.readers import read_source

CORPUS = Path(__file__).resolve().parent.parent / "corpus"

NOTICE_WITH_PLAN = """\
甲市乙局
关于印发《甲市丙产业提升
行动方案》的通知
甲乙发〔2024〕3号
各区县人民政府，有关单位：
现将《甲市丙产业提升行动方案》印发给你们，请认真贯彻执行。
甲市乙局
甲市丁局
二〇二四年三月五日
（此件公开发布）
甲市丙产业提升行动方案
一、总体要求
到2026年，丙产业规模达到100亿元。
二、重点任务
（一）壮大龙头企业。支持企业扩大产能。（责任单位：市乙局）
"""


def test_a_notice_and_the_plan_it_forwards_are_two_documents():
    notice, plan = split_documents(NOTICE_WITH_PLAN)
    assert notice.title == "甲市乙局关于印发《甲市丙产业提升行动方案》的通知"
    assert notice.doc_number == "甲乙发〔2024〕3号"
    assert notice.issuers == ["甲市乙局", "甲市丁局"]
    assert notice.recipients == ["各区县人民政府", "有关单位"]
    assert notice.date == "2024-03-05"
    assert notice.doc_type == "通知"
    assert plan.title == "甲市丙产业提升行动方案"
    assert plan.doc_type == "方案"
    assert plan.forwarded_by == notice.id
    assert plan.issuers == notice.issuers
    assert plan.doc_number is None and plan.date is None
    assert notice.jurisdiction == plan.jurisdiction == "甲市"
    assert NOTICE_WITH_PLAN[plan.span[0] : plan.span[1]].startswith("甲市丙产业提升行动方案")
    assert notice.span[1] <= plan.span[0]


def test_document_ids_are_stable_and_distinct():
    first = [d.id for d in split_documents(NOTICE_WITH_PLAN)]
    assert first == [d.id for d in split_documents(NOTICE_WITH_PLAN)]
    assert len(set(first)) == 2
    assert first != [d.id for d in split_documents(NOTICE_WITH_PLAN + "\n补充。")]


@pytest.mark.parametrize(
    ("lines", "title"),
    [
        (["某省人民政府关于", "推进某项工作的意见"], "某省人民政府关于推进某项工作的意见"),
        (["某市某产业发展", "工作方案（2024—2026年）"], "某市某产业发展工作方案（2024—2026年）"),
        (["某市某局", "关于开展某试点的通知"], "某市某局关于开展某试点的通知"),
    ],
)
def test_a_title_set_over_several_lines_is_joined(lines, title):
    text = "\n".join([*lines, "某发〔2024〕1号", "各有关单位：", "一、总体要求", "做好工作。"])
    [doc] = split_documents(text)
    assert doc.title == title


def test_a_web_headline_above_the_full_title_is_not_a_second_document():
    text = (
        "两单位关于开展某试点的通知\n某部办公厅 某部办公厅关于开展某试点的通知\n某厅函〔2024〕8号\n各省：\n请做好工作。"
    )
    [doc] = split_documents(text)
    assert doc.title == "某部办公厅 某部办公厅关于开展某试点的通知"
    assert doc.span[0] == 0


@pytest.mark.parametrize(
    ("line", "number"),
    [
        ("渝府办发〔2021〕80号", "渝府办发〔2021〕80号"),
        ("国发[2019]3号", "国发[2019]3号"),
        ("  某经信发（2023）12号  ", "某经信发（2023）12号"),
        ("某政办字﹝2021﹞73号", "某政办字﹝2021﹞73号"),  # small-form brackets
        ("按照某文件（某发〔2020〕5号）要求，做好工作，确保落实。", None),
        ("2021年8月13日", None),
    ],
)
def test_doc_number_is_a_line_of_its_own(line, number):
    assert doc_number_in(line.strip()) == number


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("2021年8月13日", "2021-08-13"),
        ("二〇二一年八月十三日", "2021-08-13"),
        ("二○一九年十二月二十一日", "2019-12-21"),
        ("2025年 7月 14日", "2025-07-14"),
        ("2021年13月1日", None),
        ("2021年", None),
    ],
)
def test_dates_in_both_forms(written, iso):
    assert parse_date(written) == iso


def test_date_is_the_signature_date_not_a_date_in_the_body():
    text = "某市某局关于某事的通知\n各单位：\n自2024年1月1日起施行。\n某市某局\n2023年12月20日"
    [doc] = split_documents(text)
    assert doc.date == "2023-12-20"
    assert doc.effective_from == "2024-01-01"


@pytest.mark.parametrize(
    ("body", "issued", "expected"),
    [
        ("本办法自2025年2月2日起施行，有效期至2026年12月31日。", None, ("2025-02-02", "2026-12-31")),
        ("本措施自2024年1月1日起实施，有效期3年。", None, ("2024-01-01", "2026-12-31")),
        ("本通知自印发之日起施行。", "2023-05-06", ("2023-05-06", None)),
        ("到2025年，产值达到100亿元。", None, (None, None)),
    ],
)
def test_effective_dates(body, issued, expected):
    assert effective_dates(body, issued) == expected


@pytest.mark.parametrize(
    ("name", "place"),
    [
        ("青岛市工业和信息化局", "青岛市"),
        ("中共某市委金融委员会办公室", "某市"),
        ("国务院", "全国"),
        ("工业和信息化部办公厅", "全国"),
        ("某省某市某区人民政府", "某省某市某区"),
        ("关于开展某试点的通知", None),
        # two offices written together: the place chain ends before 委办公室某市 (no place holds 办公室)
        ("中共某市委办公室某市人民政府办公室", "某市"),
    ],
)
def test_jurisdiction_from_issuer_names(name, place):
    assert place_of(name) == place


@pytest.mark.parametrize(("number", "place"), [("渝府发〔2021〕13号", "重庆市"), ("国办发〔2020〕1号", "全国")])
def test_jurisdiction_from_doc_number_prefix(number, place):
    assert place_of_number(number) == place


def test_a_publication_note_after_page_words_is_not_part_of_the_title():
    text = "今日 （此件公开发布）\n某省制造业数字化转型行动方案\n为推进转型，制定本方案。\n一、总体要求\n二、重点任务\n"
    [doc] = split_documents(text)
    assert doc.title == "某省制造业数字化转型行动方案"
    assert doc.jurisdiction == "某省"


def test_a_draft_published_by_the_announcement_before_it_speaks_for_its_place():
    text = (
        "关于加快打造某基地的实施意见（征求意见稿）\n"
        "我局起草了《关于加快打造某基地的实施意见》（征求意见稿），现向社会公开征求意见。\n"
        "某市经济和信息化局\n2024年11月1日\n"
        "关于加快打造某基地的实施意见\n（征求意见稿）\n为推进某基地建设，制定本意见。\n一、总体要求\n二、重点任务\n"
    )
    announcement, draft = split_documents(text)
    assert announcement.jurisdiction == "某市"
    assert draft.jurisdiction == "某市"


def test_jurisdiction_from_the_title_when_there_is_no_issuer():
    [doc] = split_documents("某市关于支持某产业的若干政策措施\n一、加大支持\n给予奖励。")
    assert doc.jurisdiction == "某市"
    assert doc.issuers == []


@pytest.mark.parametrize(
    ("title", "doc_type"),
    [
        ("某市关于支持某产业的若干政策措施", "措施"),
        ("某市某行动计划（2020—2022年）", "计划"),
        ("国务院关于某事的指导意见", "意见"),
        ("某局关于某事的复函", "函"),
        ("某事项清单", "清单"),
        ("某产业发展重点", None),
    ],
)
def test_doc_type_from_the_title_ending(title, doc_type):
    found = doc_type_of(title)
    assert (found.type if found else None) == doc_type


def test_page_furniture_and_news_are_not_documents():
    text = "\n".join(
        [
            "您当前的位置：首页 政策",
            "某市某局关于某事的通知",
            "某发〔2024〕2号",
            "各单位：",
            "请做好工作。",
            "某市某局",
            "2024年2月2日",
            "来源：某市政府网",
            "6月1日，记者从某局获悉，今年将安排资金10亿元支持企业发展。",
            "该负责人表示，将进一步优化服务。",
            "来源：某日报",
            "扫一扫在手机打开当前页",
        ]
    )
    [doc] = split_documents(text)
    assert doc.title == "某市某局关于某事的通知"
    assert "记者" not in text[doc.span[0] : doc.span[1]]
    assert "来源" not in text[doc.span[0] : doc.span[1]]


def test_short_lines_of_a_report_are_no_title_block():
    text = "\n\n".join(
        ["在政策新闻通气会上了解到", "为推动工业经济实现倍增", "我市出台了10条支持政策", "对获评企业奖励300万元。"]
    )
    assert split_documents(text) == []


def test_a_pages_series_label_after_the_title_is_left_out():
    text = "某市支持中小企业共渡难关的二十条措施之十六\n（十六）给予项目补助。再给予设备投资额20%的补助。"
    [doc] = split_documents(text)
    assert doc.title == "某市支持中小企业共渡难关的二十条措施"


def test_a_title_like_line_without_any_backing_is_not_a_document():
    text = "\n".join(
        ["某市某局关于某事的通知", "各单位：", "请做好工作。", "某市某局", "2024年2月2日", "来源：某网"]
        + ["某产业发展政策", "记者获悉，有关情况如下。"]
    )
    assert [d.title for d in split_documents(text)] == ["某市某局关于某事的通知"]


def test_an_attachment_table_after_the_signature_is_left_out():
    text = "\n".join(
        [
            "某市人民政府关于下放事项的决定",
            "某府发〔2021〕1号",
            "各区县：",
            "决定下放事项。",
            "某市人民政府",
            "2021年4月30日",
        ]
        + ["附件", "下放事项清单", "序号", "事项名称", "1", "对某行为的处罚"]
    )
    [doc] = split_documents(text)
    assert doc.span[1] <= text.index("附件\n")


@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("000_63447db278998bd5.txt", 2),
        ("001_7b47dacdb9e28699.txt", 2),
        ("002_3e4d785b6c35bd35.txt", 1),
        ("003_e2ca7729ce21fbec.txt", 13),
        ("004_bb2807ede5a84bad.txt", 1),
    ],
)
def test_corpus_documents_are_found(name, count):
    source = read_source(CORPUS / name)
    documents = split_documents(source.text)
    assert len(documents) == count
    for doc in documents:
        start, end = doc.span
        assert source.text[start:end].strip() == source.text[start:end]
        assert doc.jurisdiction is not None


def test_parse_prints_a_readable_tree(tmp_path):
    from click.testing import CliRunner

    from cli import cli

    path = tmp_path / "notice.txt"
    path.write_text(NOTICE_WITH_PLAN, encoding="utf-8")
    result = CliRunner().invoke(cli, ["parse", str(path)])
    assert result.exit_code == 0, result.output
    assert "文件 1/2：甲市乙局关于印发《甲市丙产业提升行动方案》的通知" in result.output
    assert "文号：甲乙发〔2024〕3号" in result.output
    assert "印发它的通知：文件 1" in result.output
    assert "一、总体要求" in result.output and "(无分级标题)" in result.output


def test_parse_says_so_when_a_file_holds_no_policy_document(tmp_path):
    from click.testing import CliRunner

    from cli import cli

    path = tmp_path / "news.txt"
    path.write_text("6月1日，记者从某局获悉，今年将安排资金支持企业发展。\n来源：某日报\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["parse", str(path)])
    assert result.exit_code == 0
    assert "没有找到政策文件" in result.output


def test_a_page_headline_and_meta_lines_above_the_document_are_one_document():
    text = "\n".join(
        ["某省人民政府关于某事的意见", "来源：某省政府网", "发布时间：2024-01-02"]
        + [
            "某省人民政府关于某事的意见",
            "某政发〔2024〕1号",
            "各市人民政府：",
            "现提出如下意见。",
            "一、总体要求",
            "做好工作。",
        ]
    )
    [doc] = split_documents(text)
    assert doc.doc_number == "某政发〔2024〕1号"
    assert doc.span[0] == 0


def test_meta_lines_between_a_title_and_its_text_do_not_end_it():
    text = "某市某产业发展行动计划\n来源：某市政府网\n一、总体要求\n做好工作。\n二、重点任务\n抓好落实。"
    [doc] = split_documents(text)
    assert text[slice(*doc.span)].endswith("抓好落实。")


def test_a_period_on_its_own_line_closes_the_title():
    text = "某市某产业发展行动计划\n（2021—2025年）\n一、总体要求\n做好工作。"
    [doc] = split_documents(text)
    assert doc.title == "某市某产业发展行动计划（2021—2025年）"


def test_a_contact_line_before_the_signature_does_not_end_the_notice():
    text = "某市某局关于某事的通知\n各单位：\n请做好工作。\n联系人：张某\n电话：12345678\n某市某局\n2024年2月2日"
    [doc] = split_documents(text)
    assert doc.date == "2024-02-02"


def test_numbered_text_without_a_recognised_title_is_still_one_document():
    text = "为做好某项工作，提出如下要求。\n一、总体要求\n做好工作。\n二、重点任务\n抓好落实。\n来源：某网"
    [doc] = split_documents(text)
    assert doc.title is None
    assert text[slice(*doc.span)] == text[: text.index("\n来源")]


@pytest.mark.parametrize(
    "opening",
    [
        "（三）发展目标\n到2025年，某某指标达到10家以上。\n二、主要任务\n",
        "第三条 资金来源\n由县财政安排。\n第四条 申报条件\n",
    ],
)
def test_an_excerpt_opening_at_a_later_numbered_heading_is_still_one_document(opening):
    text = opening + "抓好落实。"
    [doc] = split_documents(text)
    assert doc.title is None and doc.span[0] == 0


def test_text_with_one_or_no_numbered_heading_and_no_title_is_no_document():
    assert split_documents("记者获悉，今年将安排资金支持企业。\n一、是加大投入。\n来源：某报") == []


def test_a_plan_after_an_attachment_label_is_the_forwarded_document():
    text = "\n".join(
        [
            "某市人民政府办公室关于印发某市某产业若干措施的通知",
            "某府办发〔2023〕5号",
            "各区县人民政府：",
            "现将《某市某产业若干措施》印发给你们。",
        ]
        + [
            "某市人民政府办公室",
            "2023年6月1日",
            "（此件公开发布）",
            "附件",
            "某市某产业若干措施",
            "一、加大投入",
            "给予支持。",
        ]
    )
    notice, measures = split_documents(text)
    assert measures.title == "某市某产业若干措施"
    assert measures.forwarded_by == notice.id
    assert measures.doc_type == "措施"
    assert notice.span[1] <= text.index("附件")


# --- Patterns seen on real pages of other cities (hand-made texts in their shape) ---


@pytest.mark.parametrize(
    ("line", "number", "title"),
    [
        ("某政发〔2020〕5号《某省人民政府关于某事的实施意见》", "某政发〔2020〕5号", "某省人民政府关于某事的实施意见"),
        (
            "某区政发〔2023〕2号某区人民政府关于印发某方案的通知",
            "某区政发〔2023〕2号",
            "某区人民政府关于印发某方案的通知",
        ),
        ("某省人民政府关于印发某方案的通知 (某府〔2021〕22号)", "某府〔2021〕22号", "某省人民政府关于印发某方案的通知"),
        ("《关于某事的实施细则》", None, "关于某事的实施细则"),
        ("“信息公开” 某区委办公室印发《某计划》的通知", None, "某区委办公室印发《某计划》的通知"),
        ("关于转发国发〔2018〕42号文件的通知", None, "关于转发国发〔2018〕42号文件的通知"),
    ],
)
def test_a_number_or_label_written_into_a_title_line_is_split_off(line, number, title):
    assert split_title_line(line) == (number, title)


@pytest.mark.parametrize(
    "between",
    [
        ["作者:某网 时间:2024-07-02 11:14:37", "下载地址: 点击此处下载"],  # furniture only
        ["• 索引号:", "1234/2024-001", "• 发文字号:", "某政发〔2024〕7号", "• 发布日期:", "2024年04月06日 16:34"],
        ["某省某市人民政府"],  # the issuer's name printed under a web headline
    ],
)
def test_a_title_repeated_by_the_page_is_one_document(between):
    text = "\n".join(
        ["某市鼓励某产业发展的规定", *between, "某市鼓励某产业发展的规定", "第一条 为鼓励某产业，制定本规定。"]
    )
    [doc] = split_documents(text)
    assert doc.title == "某市鼓励某产业发展的规定"
    assert doc.span[0] == 0


def test_a_number_line_between_a_headline_and_its_repeat_is_the_documents_number():
    text = "\n".join(
        [
            "某县人民政府工作规则",
            "• 发文字号:",
            "某政发〔2024〕7号",
            "某县人民政府工作规则",
            "第一章 总则",
            "一、为规范工作。",
        ]
    )
    [doc] = split_documents(text)
    assert doc.doc_number == "某政发〔2024〕7号"
    assert doc.doc_type == "规则"
    assert doc.jurisdiction == "某县"


def test_of_two_copies_of_a_title_the_one_without_a_glued_number_is_kept():
    text = "\n".join(
        [
            "某区人民政府关于印发 《某区重点工作分工方案》的通知",
            "某区政发〔2023〕2号某区人民政府关于印发某区重点工作分工方案的通知",
        ]
        + ["各街道办事处：", "现将《某区重点工作分工方案》印发给你们。", "某区人民政府", "2023年3月28日"]
    )
    [doc] = split_documents(text)
    assert doc.title == "某区人民政府关于印发 《某区重点工作分工方案》的通知"
    assert doc.doc_number == "某区政发〔2023〕2号"
    assert doc.recipients == ["各街道办事处"]


@pytest.mark.parametrize(
    ("before_date", "date"),
    [
        (["现将有关事项通知如下，请认真贯彻执行。"], "2009-08-30"),
        (["请认真落实。", "附件：1.某名单", "2.某方案"], "2009-08-30"),
        (["此通知", "附件：某任务分解表"], "2009-08-30"),
    ],
)
def test_a_date_line_right_after_the_body_is_the_date_when_no_name_line_precedes_it(before_date, date):
    text = "\n".join(
        ["某市人民政府办公室关于做好某工作的通知", "各区县人民政府：", *before_date, "二〇〇九年八月三十日"]
    )
    [doc] = split_documents(text)
    assert doc.date == date
    assert text[slice(*doc.span)].endswith("二〇〇九年八月三十日")


def test_a_date_line_inside_the_body_is_not_taken_for_the_date():
    text = (
        "某市人民政府关于某事的通知\n各单位：\n会议安排如下：\n2024年3月1日\n请准时参加。\n某市人民政府\n2024年2月2日"
    )
    [doc] = split_documents(text)
    assert doc.date == "2024-02-02"


def test_a_title_that_forwards_is_a_notice_even_without_its_closing_word():
    text = "\n".join(
        [
            "某省人民政府办公厅关于印发某省某工作方案",
            "某政办发〔2017〕55号",
            "各市人民政府：",
            "《某省某工作方案》已经同意，现印发给你们。",
        ]
        + ["某省人民政府办公厅", "2017年5月15日", "某省某工作方案", "一、总体要求", "做好工作。"]
    )
    notice, plan = split_documents(text)
    assert plan.forwarded_by == notice.id
    assert plan.issuers == ["某省人民政府办公厅"]


def test_issuers_from_a_title_that_forwards_without_about():
    text = "\n".join(
        [
            "某市人民政府办公室转发市某局《某实施办法》的通知",
            "某政办字〔2009〕1号",
            "各县人民政府：",
            "现转发，请执行。",
        ]
        + ["二〇〇九年八月三十日"]
    )
    [doc] = split_documents(text)
    assert doc.issuers == ["某市人民政府办公室"]
    assert doc.date == "2009-08-30"


def test_a_title_line_ending_in_a_quoted_report_goes_on_to_the_next_line():
    text = (
        "某旗人民政府办公室\n关于印发2022年《政府工作报告》\n重点任务分工的通知\n各苏木乡镇人民政府：\n现印发给你们。"
    )
    [doc] = split_documents(text)
    assert doc.title == "某旗人民政府办公室关于印发2022年《政府工作报告》重点任务分工的通知"


@pytest.mark.parametrize(
    ("title", "doc_type"), [("关于推动经济发展若干政策举措", "措施"), ("某县人民政府工作规则", "规则")]
)
def test_more_document_types(title, doc_type):
    assert doc_type_of(title).type == doc_type


def test_words_of_a_sentence_ending_in_a_place_suffix_are_no_place():
    assert place_in_title("关于进一步帮助市场主体纾困解难的实施细则") is None
    assert place_in_title("关于印发某市某方案的通知") == "某市"


def test_page_meta_fills_what_the_text_lacks():
    text = "\n".join(
        [
            "索引号: 1134/202501-00038 组配分类: 其他文件",
            "发布机构: 某市人民政府办公室 主题分类: 综合政务",
            "名称: 某市人民政府办公室关于印发某分解的通知 文号: 某政办〔2025〕1号",
            "发文日期: 2025-01-14 发布日期: 2025-01-21",
            "某市人民政府办公室关于印发某分解的通知",
            "某政办〔20251",  # a number the page broke
            "各县、区人民政府：",
            "现将主要目标任务分解下发。",
            "一、强化责任意识。",
        ]
    )
    [doc] = split_documents(text)
    assert doc.doc_number == "某政办〔2025〕1号"
    assert doc.date == "2025-01-14"


def test_page_meta_titles_an_untitled_text():
    text = "\n".join(
        [
            "标 题: | 某区人民政府办公室关于印发某任务分解表的通知 | ||",
            "发文字号: | 无 | ||",
            "各乡镇人民政府：",
            "一、高度重视，夯实责任。",
            "二、主动作为，强化协作。",
        ]
    )
    [doc] = split_documents(text)
    assert doc.title == "某区人民政府办公室关于印发某任务分解表的通知"
    assert doc.doc_number is None
    assert doc.jurisdiction == "某区"


@pytest.mark.parametrize(
    ("line", "furniture"),
    [
        ("  • 索引号:", True),
        ("时间: 2023-02-21", True),
        ("2020-10-21 16:21", True),
        ("首页 > 政策法规 >", True),
        ("返回顶部", True),
        ("朗读", True),  # a page's read-aloud button above the title
        ("名称: 关于某事的通知 文号:", True),
        ("时间：2024年3月1日上午9时", False),  # a meeting notice's own line
        ("备注：以上任务按季度报送。", False),
    ],
)
def test_page_furniture_lines(line, furniture):
    assert is_furniture(line) is furniture


def test_a_notices_text_after_page_meta_below_its_headline_is_its_own():
    text = "\n".join(
        [
            "某省人民政府关于印发某省某重点任务分工方案的通知 (某府〔2021〕22号)",
            "时间: 2023-02-21",
            "来源: 某省人民政府",
            "核心提示:",
        ]
        + [
            "《某省某重点任务分工方案》已经审议通过，现印发给你们。",
            "发布文号 | 某府〔2021〕22号 |",
            "各地级以上市人民政府：",
        ]
        + [
            "《某省某重点任务分工方案》已经审议通过，现印发给你们。",
            "某省人民政府",
            "2021年3月21日",
            "某省某重点任务分工方案",
            "一、主要目标",
        ]
    )
    notice, plan = split_documents(text)
    assert notice.recipients == ["各地级以上市人民政府"]
    assert notice.doc_number == "某府〔2021〕22号"
    assert notice.date == "2021-03-21"
    assert plan.forwarded_by == notice.id
    assert plan.jurisdiction == "某省"


def test_a_notice_the_page_left_untitled_above_the_plan_it_forwards_is_a_document():
    text = "\n".join(
        ["发文机关:某省人民政府", "文号 :某政发〔2018〕13号", "各市、县人民政府，省直各部门："]
        + [
            "现将《某省某事项的实施方案》印发给你们，请认真组织实施。",
            "某省人民政府",
            "2018年3月27日",
            "（此件公开发布）",
        ]
        + ["某省某事项的实施方案", "一、指导思想", "做好工作。"]
    )
    notice, plan = split_documents(text)
    assert notice.title is None
    assert (notice.doc_number, notice.date, notice.issuers) == ("某政发〔2018〕13号", "2018-03-27", ["某省人民政府"])
    assert plan.forwarded_by == notice.id
    assert plan.doc_number is None
    assert plan.jurisdiction == "某省"


def test_a_decree_signed_by_a_leaders_title_has_its_date():
    text = "\n".join(
        ["某省某事项管理规定", "政府令〔2010〕第15号", "《某省某事项管理规定》已经省政府常务会议通过，现予公布。"]
        + ["省长", "二○一○年十二月二十五日", "第一章 总则", "第一条 为加强管理，制定本规定。"]
    )
    doc = split_documents(text)[0]
    assert doc.date == "2010-12-25"
    assert doc.issuers == []


@pytest.mark.parametrize(("line", "signer"), [("省长", True), ("自治区主席 某某", True), ("某市人民政府", False)])
def test_signer_lines(line, signer):
    assert is_signer(line) is signer


def test_a_policy_interpretation_page_is_no_document():
    text = "\n".join(
        [
            "《某市某工作方案》政策解读",
            "发布日期:2024-04-02 15:35",
            "一、起草背景",
            "为做好工作。",
            "二、主要内容",
            "分解任务。",
        ]
    )
    assert split_documents(text) == []


def test_an_interpretation_after_a_notice_ends_it():
    text = "\n".join(
        ["某市人民政府关于某事的通知", "各区人民政府：", "请做好工作。", "某市人民政府", "2024年2月2日"]
        + ["《某市人民政府关于某事的通知》政策解读", "一、起草背景", "为做好工作。"]
    )
    [doc] = split_documents(text)
    assert "起草背景" not in text[slice(*doc.span)]


def test_a_line_ending_in_a_colon_that_names_no_body_is_no_recipients_line():
    text = "某市人民政府关于某事的通知\n来源:某网\n视力保护色:\n各区人民政府：\n请做好工作。"
    [doc] = split_documents(text)
    assert doc.recipients == ["各区人民政府"]


def test_an_opinion_a_notice_issues_is_forwarded_by_it():
    text = "\n".join(
        ["中共某市委办公室某市人民政府办公室印发《关于某工作的实施意见》的通知", "各县市区委、人民政府："]
        + [
            "《关于某工作的实施意见》已经同意，现印发给你们。",
            "中共某市委办公室",
            "某市人民政府办公室",
            "2017年1月10日",
        ]
        + ["关于某工作的实施意见", "一、总体要求", "做好工作。"]
    )
    notice, opinion = split_documents(text)
    assert opinion.forwarded_by == notice.id
    assert opinion.jurisdiction == "某市"


def test_central_bodies_beyond_the_state_council_speak_for_the_whole_country():
    assert place_of("共青团中央办公厅") == "全国"


def test_a_signed_announcement_the_page_left_untitled_above_the_draft_it_attaches_is_a_document():
    text = "\n".join(
        [
            "我局起草了《某市推动设备更新实施方案(征求意见稿)》，现向社会公开征求意见。",
            "联系电话:0123-4567890",
            "附件:某市推动设备更新实施方案(征求意见稿)",
            "某市经济和信息化局",
            "2024年6月25日",
            "附件",
            "某市推动设备更新实施方案",
            "(征求意见稿)",
            "为推动设备更新，根据《某省推动设备更新实施方案》，特制定工作方案如下：",
            "一、工作目标",
            "做好工作。",
        ]
    )
    notice, plan = split_documents(text)
    assert (notice.title, notice.date, notice.issuers) == (None, "2024-06-25", ["某市经济和信息化局"])
    assert plan.forwarded_by == notice.id
    assert plan.recipients == []  # 为…，根据《…》…如下： opens the text, it addresses nobody


def test_a_signed_news_summary_naming_another_title_is_no_announcement():
    text = "\n".join(
        ["近日，省里印发了《某省某事项办法》，请关注。", "某市经济和信息化局", "2024年6月25日"]
        + ["某市推动设备更新实施方案", "一、工作目标", "做好工作。", "二、保障措施", "加强领导。"]
    )
    assert [d.title for d in split_documents(text)] == ["某市推动设备更新实施方案"]


@pytest.mark.parametrize(
    ("lines", "number"),
    [
        (["各有关单位：", "现下达第二批资助计划，安排资金1000万元对5个项目予以资助。", "特此通知。"], None),
        (["某工信建议函〔2021〕26号", "省政府发展研究中心：", "现将我厅意见函告如下。"], "某工信建议函〔2021〕26号"),
    ],
)
def test_a_notice_or_letter_alone_whose_title_the_page_left_out_is_a_document(lines, number):
    text = "\n".join([*lines, "某市工业和信息化局", "2021年4月7日", "联系电话:0731-88955435"])
    (doc,) = split_documents(text)
    assert (doc.title, doc.doc_number, doc.date, doc.issuers) == (None, number, "2021-04-07", ["某市工业和信息化局"])
    assert doc.span[0] == 0  # the 文号 line above the 主送 line opens it


def test_a_news_report_of_a_policy_is_no_document():
    text = "记者 某某\n1月11日下午,某市办公室围绕惠企政策进行宣讲解读。\n对认定的平台,市财政给予一次性奖励500万元。"
    assert split_documents(text) == []


PROVISIONS = [
    "1.【优惠内容】对实施技术改造的项目，按设备购置额的8%给予补助，单个项目最高补助200万元。",
    "【政策依据】《关于加大技术改造投入加快推进传统",
    "产业转型升级的实施方案》(某政办字﹝2021﹞73号)",
    "2.【优惠内容】对获评标杆的项目，分别奖励300万元、200万元。",
    "经认定的洁净厂房每平方米补助1000元。",
]


def test_a_bare_list_of_grant_provisions_is_one_untitled_document_and_its_citations_are_no_titles():
    (doc,) = split_documents("\n".join(PROVISIONS))
    assert (doc.title, doc.doc_number) == (None, None)
    assert doc.span[0] == 0


def test_one_numbered_provision_holding_two_grants_is_a_bare_list_of_provisions():
    text = "1、对入库项目给予贴息，最高300万元。对完工项目按新增财力的50%奖补企业。\n2、《某市关于某事的意见》"
    (doc,) = split_documents(text)
    assert doc.title is None and doc.span[0] == 0


@pytest.mark.parametrize(
    "lead", ["本报讯 日前，某市出台新政。", "近日，某省工信厅等五部门联合印发《某某措施》（以下简称《措施》）。"]
)
def test_grant_lines_in_a_news_report_make_no_document(lead):
    text = "\n".join([lead, *PROVISIONS[3:]])
    assert split_documents(text) == []


def test_page_meta_labels_发文编号_and_印发日期_fill_an_untitled_documents_number_and_date():
    text = "\n".join(
        [
            "发文编号:某政办发〔2022〕19号",
            "印发日期:2021年11月4日",
            "一、支持项目建设。按投资额的2%给予奖补。",
            "二、支持技术创新。给予100万元一次性奖励。",
        ]
    )
    (doc,) = split_documents(text)
    assert (doc.doc_number, doc.date) == ("某政办发〔2022〕19号", "2021-11-04")


def test_a_notice_without_issuer_speaks_for_the_place_of_the_plan_it_forwards():
    text = "\n".join(
        [
            "某政[2017]29号",
            "各县(市、区)人民政府,市人民政府有关部门:",
            "现将《某某市制造业转型发展实施方案》印发给你们,请认真贯彻落实。",
            "2017年6月16日",
            "某某市制造业转型发展实施方案",
            "一、总体要求",
            "做好工作。",
        ]
    )
    notice, plan = split_documents(text)
    assert plan.forwarded_by == notice.id
    assert (notice.jurisdiction, plan.jurisdiction) == ("某某市", "某某市")


def test_a_notice_cut_before_its_signature_is_a_document_when_the_page_meta_names_it():
    meta = (
        "发文标题: 某市人民政府关于支持企业技术改造若干政策的通知\n发文文号: 某政规[2021]3号\n发文时间: 2021-9-10\n"
        "实施时间: 2021-10-10\n失效时间: 2026-9-9\n"
    )
    body = "各区人民政府，市人民政府各部门：\n为推动转型升级，特制定如下政策。\n一、支持技改。按投资的8%给予补助。\n"
    [doc] = split_documents(meta + body)
    assert (doc.title, doc.doc_number, doc.date) == (
        "某市人民政府关于支持企业技术改造若干政策的通知",
        "某政规[2021]3号",
        "2021-09-10",
    )
    assert doc.span[0] == len(meta)
    assert (doc.effective_from, doc.effective_until) == ("2021-10-10", "2026-09-09")  # the page's dates of effect
    # without the page meta naming a notice, an unsigned 主送 line and one item are no document
    assert split_documents(body) == []


def test_a_page_stringing_grants_together_with_commas_is_a_bare_list_of_provisions():
    text = "对首次认定的企业给予30万元奖励,对新获批的中心分别给予50万元、20万元的奖励,每个标准给予10万元奖励。"
    [doc] = split_documents(text)
    assert doc.title is None and doc.span == (0, len(text))
    # one grant sentence whose instrument and amount sit in different clauses is still one provision only
    assert split_documents("对入库项目的银行贷款，给予一定财政贴息，最高300万元。") == []


def test_a_page_headline_naming_the_plan_that_follows_its_notice_is_no_document():
    text = (
        "某市某产业三年行动方案\n发表日期：2024-02-28\n分享是一种态度\n"
        "某市人民政府关于印发《某市某产业三年行动方案》的通知\n各区人民政府：\n"
        "现将《某市某产业三年行动方案》印发给你们，请认真落实。\n某市人民政府\n2024年2月28日\n"
        "某市某产业三年行动方案\n一、总体要求\n做好工作。\n二、重点任务\n抓好落实。\n"
    )
    notice, plan = split_documents(text)
    assert notice.title.startswith("某市人民政府关于印发") and plan.forwarded_by == notice.id


@pytest.mark.parametrize(
    "glued",
    ["", "某县人民政府2023年3月1日"],  # a digest page may glue the forwarding notice's signature before it
)
def test_a_title_run_into_the_first_sentence_is_the_title(glued):
    opening = "某县促进企业发展行动方案(2023-2025年)为深入贯彻精神，制定本方案。"
    text = glued + opening + "\n一、总体要求\n做好。\n二、任务\n抓好。"
    [doc] = split_documents(text)
    assert (doc.title, doc.jurisdiction) == ("某县促进企业发展行动方案(2023-2025年)", "某县")
