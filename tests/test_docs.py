"""The README stays true: every command and option is in its reference, its quick start is what CI runs,
its example commands parse, and its Python snippet runs."""

from __future__ import annotations

import contextlib
import io
import re
import shlex
import shutil
from pathlib import Path

import click
import pytest
from kb_helpers import run
from test_cli_help import parse_example

from cli import CORPUS_DIR, cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
CI_SCRIPT = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
INSTALL_AND_BUILD = "pip install -e '.[dev]' && policykb build"


def section(text: str, heading: str, level: int = 2) -> str:
    """The body of the Markdown section whose heading line is ``heading``, up to the next heading of its level."""
    marks = "#" * level
    match = re.search(rf"^{marks} {re.escape(heading)}\n(.*?)(?=^#{{1,{level}}} |\Z)", text, re.M | re.S)
    assert match, f"README has no section '{marks} {heading}'"
    return match.group(1)


def code_blocks(text: str, lang: str = "") -> list[str]:
    """The fenced code blocks of ``text`` (only those marked ``lang`` when given)."""
    return [body.strip("\n") for tag, body in re.findall(r"^```(\w*)\n(.*?)^```", text, re.M | re.S) if tag == lang]


Entry = tuple[tuple[str, ...], click.Command]


def leaf_commands(group: click.Group = cli, prefix: tuple[str, ...] = ()) -> list[Entry]:
    """Every command that runs (not a group), with its words after `policykb`."""
    found: list[Entry] = []
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            found += leaf_commands(command, (*prefix, name))
        else:
            found.append(((*prefix, name), command))
    return found


def reference_entry(path: tuple[str, ...]) -> str | None:
    """The README's reference text of one command: from its #### heading to the next heading."""
    reference = section(README, "Command reference")
    name = re.escape(" ".join(("policykb", *path)))
    match = re.search(rf"^#### `{name}(?: [^`]*)?`\n(.*?)(?=^#|\Z)", reference, re.M | re.S)
    return match.group(1) if match else None


COMMANDS = leaf_commands()
IDS = [" ".join(path) for path, _ in COMMANDS]


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=IDS)
def test_every_command_is_in_the_reference(path: tuple[str, ...], command: click.Command) -> None:
    entry = reference_entry(path)
    assert entry is not None, f"add a '#### `policykb {' '.join(path)} …`' entry to the README's Command reference"


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=IDS)
def test_every_option_is_in_its_commands_entry(path: tuple[str, ...], command: click.Command) -> None:
    entry = reference_entry(path) or ""
    options = [p for p in command.params if isinstance(p, click.Option) and not p.hidden]
    missing = [o.opts[-1] for o in options if not any(f"`{flag}" in entry for flag in o.opts)]
    assert not missing, f"the README entry of `policykb {' '.join(path)}` does not name {missing}"


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=IDS)
def test_every_entry_has_an_example_that_parses(path: tuple[str, ...], command: click.Command) -> None:
    entry = reference_entry(path) or ""
    wanted = " ".join(("policykb", *path))
    examples = [
        line.split("  #")[0].strip()
        for block in code_blocks(entry)
        for line in block.splitlines()
        if line.startswith(wanted)
    ]
    assert examples, f"give the README entry of `{wanted}` an example"
    for example in examples:
        try:
            parse_example(example)
        except click.ClickException as exc:
            pytest.fail(f"README example `{example}` does not parse: {exc.format_message()}")


def test_quick_start_is_install_and_build_then_the_ci_test_command() -> None:
    ci_tests = [line.strip() for line in CI_SCRIPT.splitlines() if line.strip().startswith("python -m pytest")]
    assert len(ci_tests) == 1, ".ci/run should run the tests with one `python -m pytest` line"
    assert code_blocks(section(README, "Quick start")) == [INSTALL_AND_BUILD, ci_tests[0]]


def test_ci_installs_the_way_the_quick_start_does() -> None:
    install = next(line for line in CI_SCRIPT.splitlines() if line.startswith("pip install"))
    assert shlex.split(install)[-2:] == ["-e", ".[dev]"], install


def test_the_python_snippet_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (snippet,) = code_blocks(section(README, "A first question"), "python")
    files = set(re.findall(r'"(corpus/[^"]+)"', snippet))
    (tmp_path / "corpus").mkdir()
    for name in files:
        shutil.copy(CORPUS_DIR / Path(name).name, tmp_path / name)
    assert run("build", tmp_path / "corpus", "--kb", tmp_path / ".policykb").exit_code == 0
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("POLICYKB_HOME", raising=False)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(snippet, "README.md", "exec"), {})
    shown = code_blocks(section(README, "A first question"))[-1]
    assert len(out.getvalue().splitlines()) == len(shown.splitlines()), out.getvalue()


@pytest.mark.parametrize(
    ("text", "heading", "expected"),
    [
        ("# t\n## A\none\n### A.1\ntwo\n## B\nthree\n", "A", "one\n### A.1\ntwo\n"),
        ("## A\n#### `policykb x`\nbody\n", "A", "#### `policykb x`\nbody\n"),
    ],
)
def test_section_stops_at_the_next_heading_of_its_level(text: str, heading: str, expected: str) -> None:
    assert section(text, heading) == expected


def test_code_blocks_by_language() -> None:
    text = "```\nshell\n```\n\n```python\nprint(1)\n```\n"
    assert code_blocks(text) == ["shell"]
    assert code_blocks(text, "python") == ["print(1)"]
