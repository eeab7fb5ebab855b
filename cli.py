"""The ``policykb`` command: parse options, call the library, format the answer.

Logic lives in ``extract/``, ``graph/`` and ``kb/``; this module only turns
their results into tables, JSON or CSV, and their errors into one-line
messages (never a traceback).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from model import PolicyKBError

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"


def _fail(exc: PolicyKBError) -> None:
    """Report a known error in one line and exit non-zero."""
    raise click.ClickException(str(exc))


def _print_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=1))


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
