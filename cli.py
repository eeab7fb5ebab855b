"""The ``policykb`` command: parse options, call the library, format the answer.

Logic lives in ``extract/``, ``graph/`` and ``kb/``; this module only turns
their results into tables, JSON or CSV, and their errors into one-line
messages (never a traceback).
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from model import PolicyKBError

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"


def _fail(exc: PolicyKBError) -> None:
    """Report a known error in one line and exit non-zero."""
    raise click.ClickException(str(exc))


def _print_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=1))


# ---------------------------------------------------------------------------
# Shared output options: every query command prints a readable table by
# default, JSON with --json, and a CSV file Excel opens with --csv FILE.
# ---------------------------------------------------------------------------

Column = tuple[str, str]  # (row key, Chinese column label)


def kb_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--kb DIR`` (the knowledge base folder; default: $POLICYKB_HOME or ./.policykb)."""
    return click.option(
        "--kb",
        "kb_path",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Knowledge base folder (default: $POLICYKB_HOME or ./.policykb).",
    )(func)


def json_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--json`` (stored as ``as_json``)."""
    return click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")(func)


def output_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--json`` and ``--csv FILE`` (stored as ``as_json`` and ``csv_path``)."""
    func = click.option(
        "--csv",
        "csv_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Also write the rows to FILE as CSV (UTF-8 with BOM, opens in Excel).",
    )(func)
    return json_option(func)


def _cell(value: object) -> str:
    """A value as table/CSV text: lists joined with 、, spans as start-end, None empty."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        if len(value) == 2 and all(isinstance(v, int) for v in value):
            return f"{value[0]}-{value[1]}"
        return "、".join(_cell(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def write_csv(rows: list[dict[str, Any]], columns: list[Column], path: Path) -> None:
    """Write rows to ``path`` as CSV with Chinese headers, UTF-8 with BOM so Excel reads it."""
    try:
        with open(path, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([label for _, label in columns])
            for row in rows:
                writer.writerow([_cell(row.get(key)) for key, _ in columns])
    except OSError as exc:
        raise click.ClickException(f"cannot write CSV file {path}: {exc.strerror}; choose another path") from None


def print_table(rows: list[dict[str, Any]], columns: list[Column], title: str | None = None) -> None:
    """Print rows as a table whose Chinese text is aligned by display width (rich)."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_lines=False, header_style="bold")
    for _, label in columns:
        table.add_column(label, overflow="fold")
    for row in rows:
        table.add_row(*(_cell(row.get(key)) for key, _ in columns))
    width = None if sys.stdout.isatty() else int(os.environ.get("COLUMNS", "160"))
    Console(file=sys.stdout, width=width, highlight=False, markup=False).print(table)


def emit_rows(
    rows: list[dict[str, Any]],
    columns: list[Column],
    *,
    as_json: bool = False,
    csv_path: Path | None = None,
    title: str | None = None,
    empty: str = "没有找到符合条件的结果。",
) -> None:
    """The one way query commands answer: JSON, or a table (plus a CSV file when asked)."""
    if csv_path is not None:
        write_csv(rows, columns, csv_path)
    if as_json:
        _print_json(rows)
        return
    if not rows:
        click.echo(empty)
    else:
        print_table(rows, columns, title=title)
    if csv_path is not None:
        click.echo(f"已写入 {len(rows)} 行到 {csv_path}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="policykb")
def cli() -> None:
    """policykb: a knowledge base of Chinese government policy documents.

    Reads plans and measures (txt, pdf, html, docx), finds their targets,
    responsible units and funding clauses, and answers questions about them.
    """


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def text(file: Path) -> None:
    """Print the text of FILE that every span refers to.

    Example: policykb text corpus/004_bb2807ede5a84bad.txt
    """
    from extract import read_source

    try:
        source = read_source(file)
    except PolicyKBError as exc:
        _fail(exc)
    sys.stdout.write(source.text)


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the documents and sections as JSON.")
def parse(file: Path, as_json: bool) -> None:
    """Show the documents in FILE and their section trees.

    Example: policykb parse corpus/000_63447db278998bd5.txt
    """
    from extract import parse_file

    try:
        result = parse_file(file)
    except PolicyKBError as exc:
        _fail(exc)
    if as_json:
        _print_json(result.to_dict(facts=False))
        return
    for doc in result.documents:
        click.echo(f"{doc.title or '(无标题)'}  {doc.doc_number or ''}  {doc.date or ''}")
        for section in doc.sections:
            click.echo(f"{'  ' * section.level}{section.number or ''} {section.heading}")


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print every fact as JSON (the extraction contract).")
def extract(file: Path, as_json: bool) -> None:
    """Find the targets, responsible units and funding clauses in FILE.

    Example: policykb extract corpus/004_bb2807ede5a84bad.txt --json
    """
    from extract import extract_file

    try:
        result = extract_file(file)
    except PolicyKBError as exc:
        _fail(exc)
    if as_json:
        _print_json(result.to_dict())
        return
    for doc in result.documents:
        click.echo(f"== {doc.title or '(无标题)'}")
        click.echo(f"   目标 {len(doc.targets)}  责任单位 {len(doc.responsibilities)}  资金条款 {len(doc.funding)}")


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
