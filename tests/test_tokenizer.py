"""The index words of a file, segmented once and sliced by span, equal segmenting each text alone; and they are the
terms of the words the analyzer gives."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from extract import extract_source, read_source
from kb.clauses import PATH_SEPARATOR, clauses_of
from kb.index import analysed_texts, file_words
from kb.tokenizer import SourceWords, groups_of, index_words, joined_groups, use_full_dictionary, words_of

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
TEXT = (
    "一、总体要求\n到2025年，培育100家绿色工厂，新增贷款50亿元。市工业和信息化局牵头；市财政局配合。\n"
    "ABC平台5G基站25万个"
)


@pytest.fixture(scope="module", autouse=True)
def _full_dictionary() -> None:
    use_full_dictionary()


def _offset(fragment: str, extra: int = 0) -> int:
    return TEXT.index(fragment) + extra


@pytest.mark.parametrize(
    ("start", "end", "why"),
    [
        (0, len(TEXT), "the whole text"),
        (_offset("到2025"), _offset("。市工业") + 1, "a sentence between block boundaries"),
        (_offset("培育"), _offset("绿色工厂") + 2, "both ends inside a run of Han characters"),
        (_offset("育100"), _offset("新增贷款") + 3, "one end cutting a dictionary word (培育)"),
        (_offset("和信息化局"), _offset("和信息化局") + 3, "no whole block inside"),
        (_offset("BC平台"), len(TEXT), "a cut inside a run of Latin letters and Han"),
        (_offset("。市工业"), _offset("。市工业") + 1, "punctuation only"),
        (5, 5, "empty"),
    ],
)
def test_a_span_has_the_words_of_its_text_alone(start: int, end: int, why: str) -> None:
    assert SourceWords(TEXT).of_span(start, end) == groups_of(TEXT[start:end]), why


def test_random_spans_of_a_seed_have_the_words_of_their_text_alone() -> None:
    text = read_source(str(sorted(CORPUS.glob("*.txt"))[0])).text
    source = SourceWords(text)
    rng = random.Random(6)
    for _ in range(300):
        start = rng.randrange(len(text))
        end = min(len(text), start + rng.randrange(1, 160))
        assert source.of_span(start, end) == groups_of(text[start:end]), (start, end)


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.txt"))[:3], ids=lambda p: p.name[:3])
def test_file_words_equal_segmenting_every_indexed_text_alone(path: Path) -> None:
    source = read_source(str(path))
    documents = extract_source(source).documents
    texts = [t for doc in documents for t in analysed_texts(doc, clauses_of(doc, source.text))]
    assert file_words(source.text, documents) == index_words(texts)


@pytest.mark.parametrize(
    "path",
    [
        "一、总体要求",
        "二、加强融资支持 › （一）设立专项资金 › 1.贴息",
        "第三章 › 第十条",
        " › 一、空的前一级",
    ],
)
def test_a_section_path_has_the_words_of_its_headings(path: str) -> None:
    assert joined_groups(path, PATH_SEPARATOR) == groups_of(path)


@pytest.mark.parametrize(("text", "word"), [("ABC平台", "abc"), ("5G基站", "5g")])
def test_words_are_lowercase(text: str, word: str) -> None:
    assert word in [piece[0] for group in words_of(text) for piece in group]


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.txt"))[:2], ids=lambda p: p.name[:3])
def test_a_text_s_groups_are_the_terms_the_analyzer_gives_at_each_position(path: Path) -> None:
    text = read_source(str(path)).text
    groups = groups_of(text)
    assert len(groups) > 1000 and any(len(group) > 1 for group in groups)  # words with dictionary words inside
    assert groups == [tuple(term for term, _start, _end in pieces) for pieces in words_of(text)]
