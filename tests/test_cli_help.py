"""Every command's --help: exits 0, opens with a one-line summary that fits, and shows an example that parses."""

from __future__ import annotations

import re
import shlex

import click
import pytest
from click.testing import CliRunner

from cli import cli

# The width click gives the command list of `policykb --help`: 80 columns less the indent and the longest name.
SUMMARY_WIDTH = 80 - 6 - max(len(name) for name in cli.commands)


def command_paths(group: click.Group = cli, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command and subcommand as its words after `policykb` (the top command is ())."""
    paths = [prefix]
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            paths += command_paths(command, (*prefix, name))
        else:
            paths.append((*prefix, name))
    return paths


def command_at(path: tuple[str, ...]) -> click.Command:
    command: click.Command = cli
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    return command


def example_lines(help_text: str) -> list[str]:
    """The commands shown after `Example:` or under `Examples:` in a help text."""
    lines = help_text.splitlines()
    found = []
    for k, line in enumerate(lines):
        one = re.match(r"\s*Example:\s*(policykb .+)", line)
        if one:
            found.append(one.group(1).strip())
        elif re.match(r"\s*Examples:\s*$", line):
            for following in lines[k + 1 :]:
                if not following.strip().startswith("policykb "):
                    break
                found.append(following.strip())
    return found


def parse_example(example: str) -> click.Context:
    """Parse an example as click would run it (options, choices, callbacks), without running it."""
    args = shlex.split(example)[1:]
    command: click.Command = cli
    while isinstance(command, click.Group) and args and args[0] in command.commands:
        command = command.commands[args.pop(0)]
    return command.make_context(command.name, args)


PATHS = command_paths()


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "policykb")
def test_help_exits_0_and_shows_an_example_of_this_command(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    examples = example_lines(result.output)
    assert examples, f"`policykb {' '.join(path)} --help` shows no 'Example: policykb …' line"
    wanted = " ".join(("policykb", *path))
    assert any(example.startswith(wanted) for example in examples), examples


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "policykb")
def test_every_example_in_help_parses(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"])
    for example in example_lines(result.output):
        try:
            parse_example(example)
        except click.ClickException as exc:  # a wrong option name, choice or amount
            pytest.fail(f"the example `{example}` does not parse: {exc.format_message()}")


@pytest.mark.parametrize("path", [p for p in PATHS if p], ids=" ".join)
def test_summary_is_one_line_that_fits_the_command_list(path: tuple[str, ...]) -> None:
    command = command_at(path)
    summary = command.get_short_help_str(limit=SUMMARY_WIDTH)
    assert summary and not summary.endswith("..."), f"shorten the first sentence of `{' '.join(path)}`: {summary}"


@pytest.mark.parametrize(
    ("help_text", "expected"),
    [
        ("Do it.\n\n  Example: policykb who 绿色工厂 --city 重庆\n", ["policykb who 绿色工厂 --city 重庆"]),
        ("Examples:\n    policykb build\n    policykb stats\n\nOptions:", ["policykb build", "policykb stats"]),
        ("For example run policykb who.\n", []),
    ],
)
def test_example_lines_finds_examples(help_text: str, expected: list[str]) -> None:
    assert example_lines(help_text) == expected


def test_parse_example_rejects_a_wrong_option() -> None:
    with pytest.raises(click.ClickException):
        parse_example("policykb duties 市财政局 --role boss")
