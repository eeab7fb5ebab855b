"""Query input of any kind gets results or a clear message (issue 7, hostile content).

Generated strings — whoosh syntax, unbalanced quotes and brackets, 10,000 characters, control characters,
Chinese, emoji — go to every query command through the real CLI against one knowledge base built once for
this module. Each answer is exit 0, or a clean error (1) or usage error (2) in one line; never a traceback.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import Result
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from kb_helpers import copy_corpus, run, run_json

# Pieces people (or attackers) type into a search box.
QUERY_SYNTAX = [
    '"',
    "'",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "*",
    "?",
    "~",
    "^",
    ":",
    "\\",
    "/",
    "-",
    "+",
    "!",
    "AND",
    "OR",
    "NOT",
    "ANDNOT",
    "ANDMAYBE",
    "title:",
    "text:",
    "doc_id:",
    "[a TO z]",
    "*:*",
    "<",
    ">",
    "=",
    "%",
    "'; DROP TABLE facts; --",
    "<script>alert(1)</script>",
    "\u0000",
    "\x1b[31m",
    "\r\n",
    "\t",
    "\u200b",
    "\ufeff",
    "\ud7ff",
    "贴息",
    "技术改造",
    "重庆",
    "市财政局",
    "智能工厂",
    "〔2025〕",
    "《",
    "》",
    "（",
    "）",
    "“",
    "”",
    "🏭",
]
hostile_text = st.lists(
    st.one_of(st.sampled_from(QUERY_SYNTAX), st.text(max_size=8)),
    min_size=1,
    max_size=12,
).map("".join)
EXAMPLES = [
    '"智能工厂',
    "贴息 OR",
    "NOT",
    "(((",
    "title:*",
    "*",
    "\x00\x01\x02",
    "技" * 10_000,
    "a" * 10_000,
    " ",
    "-",
    "--help",
    "[a TO",
]
SETTINGS = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("queries")
    path = root / "kb"
    run_json("build", copy_corpus(root / "files", ("000", "004")), "--kb", path)
    return path


def assert_clean(result: Result) -> None:
    """Exit 0, or a one-line error (1) or usage error (2); never an exception escaping the command."""
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.output[-2000:])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    if result.exit_code == 1:
        lines = [line for line in result.output.splitlines() if line.startswith("Error: ")]
        assert len(lines) == 1, result.output[-2000:]


def query(kb: Path, command: str, *args: str) -> Result:
    """``policykb COMMAND --kb KB ARGS`` (``--kb`` first: ARGS may end options with ``--``)."""
    result = run(command, "--kb", kb, *args)
    assert "no knowledge base" not in result.output
    return result


# One command line per query command; the generated text goes where a person would type words.
COMMANDS = {
    "search": lambda text: ["search", "--", text],
    "search --json": lambda text: ["search", "--json", "--", text],
    "search --city": lambda text: ["search", "技术改造", "--city", text],
    "search --agency": lambda text: ["search", "技术改造", "--agency", text],
    "search --doc": lambda text: ["search", "技术改造", "--doc", text],
    "who": lambda text: ["who", "--", text],
    "who --city": lambda text: ["who", "技术改造", "--city", text],
    "duties": lambda text: ["duties", "--", text],
    "chain": lambda text: ["chain", "--", text],
    "targets --metric": lambda text: ["targets", "--metric", text],
    "targets --city": lambda text: ["targets", "--city", text],
    "funding --instrument": lambda text: ["funding", "--instrument", text],
    "funding --min-cap": lambda text: ["funding", "--min-cap", text],
    "compare": lambda text: ["compare", "重庆", text],
    "compare two": lambda text: ["compare", text, text + "x"],
}


@pytest.mark.parametrize("command", list(COMMANDS))
def test_any_text_gets_results_or_a_clear_message(kb: Path, command: str) -> None:
    make = COMMANDS[command]

    @SETTINGS
    @given(text=hostile_text)
    def check(text: str) -> None:
        assert_clean(query(kb, *make(text)))

    for text in EXAMPLES:
        check = example(text=text)(check)
    check()


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["search", "--", '"智能工厂'], "unmatched quote"),
        (["compare", "重庆", "火星"], "火星"),
        (["funding", "--min-cap", "很多"], "is not an amount"),
        (["search", "技术改造", "--year", "二〇二五"], "not a valid integer"),
        (["search", "--", "技" * 10_000], "at most 500"),
        (["who", "--", "技" * 10_000], "at most 500"),
    ],
)
def test_the_message_says_what_to_type_instead(kb: Path, args: list[str], says: str) -> None:
    result = query(kb, *args)
    assert_clean(result)
    assert result.exit_code != 0 and says in result.output


def test_whoosh_syntax_is_searched_or_refused_never_obeyed(kb: Path) -> None:
    """A field query must not reach fields the user was not meant to query (e.g. every document by id)."""
    result = query(kb, "search", "--json", "--", "doc_id:*")
    assert_clean(result)
    every = query(kb, "search", "--json", "--limit", "1000", "--", "技术改造")
    assert every.exit_code == 0
    if result.exit_code == 0:
        import json

        assert len(json.loads(result.stdout)) < len(json.loads(every.stdout))


@pytest.mark.parametrize("text", ["\x00", "\x1b[2J\x1b[H", "a\rb", "\u202e反转"])
def test_control_characters_are_not_echoed_raw(kb: Path, text: str) -> None:
    """A terminal escape in a query must not reach the terminal as-is (it could clear or rewrite the screen)."""
    result = query(kb, "search", "--", text)
    assert_clean(result)
    assert "\x1b[2J" not in result.output
