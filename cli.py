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
from dataclasses import asdict
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


def open_kb_or_fail(kb_path: Path | None) -> Any:
    """The knowledge base named by ``--kb`` (or its default), or a one-line error saying what to do."""
    from kb import open_kb, resolve_kb_path

    try:
        kb = open_kb(resolve_kb_path(kb_path))
    except PolicyKBError as exc:
        _fail(exc)
    context = click.get_current_context(silent=True)
    if context is not None and hasattr(kb, "close"):
        context.call_on_close(kb.close)
    return kb


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
    empty: str = "没有找到符合条件的结果。可以少用几个条件或换个词再试；`policykb stats` 列出知识库中的地区。",
) -> None:
    """The one way query commands answer: JSON, or a table (plus a CSV file when asked).

    Keys starting with ``shown_`` are display forms for the table and CSV; JSON leaves them out.
    """
    if csv_path is not None:
        write_csv(rows, columns, csv_path)
    if as_json:
        _print_json([{k: v for k, v in row.items() if not k.startswith("shown_")} for row in rows])
        return
    if not rows:
        click.echo(empty)
    else:
        print_table(rows, columns, title=title)
    if csv_path is not None:
        click.echo(f"已写入 {len(rows)} 行到 {csv_path}", err=True)


class _OneLineErrors(click.Group):
    """The top command: a damaged knowledge base or a file that vanished ends in one line, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        import sqlite3

        try:
            return super().invoke(ctx)
        except sqlite3.DatabaseError as exc:
            raise click.ClickException(
                f"the knowledge base cannot be read ({exc}); run `policykb check`, then `policykb build` to rebuild it"
            ) from None
        except BrokenPipeError:
            raise
        except OSError as exc:
            where = f" {exc.filename}" if exc.filename else ""
            raise click.ClickException(
                f"cannot read{where} ({exc.strerror or exc}); if it is part of the knowledge base, "
                "run `policykb check`, then `policykb build` to rebuild it"
            ) from None


@click.group(cls=_OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="policykb")
def cli() -> None:
    """policykb: a knowledge base of Chinese government policy documents.

    Reads plans and measures (txt, pdf, html, docx), finds their targets,
    responsible units and funding clauses, and answers questions about them.
    Start with `policykb build`, then ask; `policykb COMMAND --help` shows
    each command's options.

    \b
    Examples:
      policykb build
      policykb who 绿色工厂 --city 重庆
      policykb compare 重庆 青岛 成都 --format html -o 比较.html
    """


@cli.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--max-mb",
    type=click.FloatRange(min=0, min_open=True),
    default=50,
    show_default=True,
    help="Refuse files larger than this many megabytes.",
)
@click.option(
    "--max-pages",
    type=click.IntRange(min=1),
    default=1000,
    show_default=True,
    help="Refuse PDFs with more pages than this.",
)
def text(file: Path, max_mb: float, max_pages: int) -> None:
    """Print the text of FILE that every span refers to.

    FILE may be .txt (UTF-8, GB18030/GBK, Big5, UTF-16), .pdf (with a text
    layer), .html or .docx. For a PDF, page numbers and running headers are
    left out and lines the layout broke are joined again; a .docx table row
    is one line with its cells separated by tabs.

    Example: policykb text corpus/004_bb2807ede5a84bad.txt
    """
    from extract import read_source

    try:
        source = read_source(file, max_bytes=int(max_mb * 1024 * 1024), max_pages=max_pages)
    except PolicyKBError as exc:
        _fail(exc)
    sys.stdout.write(source.text)


def _document_tree(doc: Any, k: int, total: int, numbers: dict[str, int]) -> Any:
    """One parsed document as a rich Tree: its header fields, then its headings by level."""
    from rich.tree import Tree

    root = Tree(f"文件 {k}/{total}：{doc.title or '(无标题)'}")
    facts = [
        ("文种", doc.doc_type),
        ("文号", doc.doc_number),
        ("成文日期", doc.date),
        ("发文机关", "、".join(doc.issuers)),
        ("地域", doc.jurisdiction),
        ("施行", doc.effective_from),
        ("有效期至", doc.effective_until),
        ("印发它的通知", f"文件 {numbers[doc.forwarded_by]}" if doc.forwarded_by in numbers else None),
    ]
    root.add("  ".join(f"{label}：{value}" for label, value in facts if value) or "(未识别出文头信息)")
    if not doc.sections:
        root.add("(无分级标题)")
    nodes: dict[str, Any] = {}
    for section in doc.sections:
        number = section.number or "·"
        label = f"{number}、{section.heading}" if number.isnumeric() else f"{number} {section.heading}"
        nodes[section.id] = nodes.get(section.parent or "", root).add(label)
    return root


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
    from rich.console import Console

    console = Console(file=sys.stdout, highlight=False, markup=False, width=None if sys.stdout.isatty() else 160)
    if not result.documents:
        console.print(f"{file}: 没有找到政策文件（只有网页栏目、新闻或无标题的文字）。")
    numbers = {doc.id: k for k, doc in enumerate(result.documents, start=1)}
    for k, doc in enumerate(result.documents, start=1):
        if k > 1:
            console.print()
        console.print(_document_tree(doc, k, len(result.documents), numbers))


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
    if not result.documents:
        click.echo(f"{file}: 没有找到政策文件（只有网页栏目、新闻或无标题的文字）。")
    for doc in result.documents:
        click.echo(f"== {doc.title or '(无标题)'}")
        click.echo(f"   目标 {len(doc.targets)}  责任单位 {len(doc.responsibilities)}  资金条款 {len(doc.funding)}")
        _print_facts(doc)
    if result.documents:
        click.echo("位置 = 字符区间，对应 `policykb text FILE` 输出的文字；--json 给出全部字段。")


def _print_facts(doc: Any) -> None:
    """One document's targets, responsible units and funding clauses as tables, each row naming its section."""
    sections = {s.id: f"{s.number or ''}{'、' * (s.number or '').isnumeric()}{s.heading}" for s in doc.sections}

    def row(fact: Any, **shown: Any) -> dict[str, Any]:
        return {**asdict(fact), "where": sections.get(fact.section or "", "(全文)"), **shown}

    targets = [row(t, shown_value=_target_value(asdict(t))) for t in doc.targets]
    units = [row(r, role_label=ROLE_NAMES.get(r.role, r.role)) for r in doc.responsibilities]
    funding = [_show_funding(row(f)) for f in doc.funding]
    source = [("text", "原文"), ("span", "位置")]
    tables = [
        ("目标", targets, [("metric", "指标"), ("shown_value", "目标值"), ("year", "年份"), *source]),
        ("责任单位", units, [("agency", "单位"), ("role_label", "角色"), ("as_written", "原文写法"), ("span", "位置")]),
        ("资金条款", funding, [("instrument", "方式"), *FUNDING_AMOUNTS, ("condition", "条件"), *source]),
    ]
    for title, rows, columns in tables:
        if rows:
            print_table(rows, [("where", "章节"), *columns], title=title)


# ---------------------------------------------------------------------------
# Who is responsible for what: who, duties, chain, targets, funding, graph.
# ---------------------------------------------------------------------------

ROLE_CHOICES = {"lead": "lead", "support": "support", "implement": "implement", "responsible": "responsible"}
ROLE_CHOICES.update({"牵头": "lead", "配合": "support", "落实": "implement", "负责": "responsible"})
ROLE_NAMES = {role: name for name, role in ROLE_CHOICES.items() if not name.isascii()}  # lead → 牵头
city_option = click.option("--city", default=None, help="Only this city or province, e.g. 重庆 or 青岛.")


def _task_line(task: dict[str, Any]) -> str:
    line = f"《{task.get('title') or '(无标题)'}》{task.get('section') or '(全文)'}"
    if task.get("inherited_from"):
        line += f"（责任单位见{task['inherited_from']}）"
    return line


TASKS_SHOWN = 3  # = kb.task_tables.TASKS_SHOWN (not imported: a CLI start reads no more than it needs)
DUTIES_SHOWN = 50  # = kb.task_tables.DUTIES_SHOWN


def _hint(text: str, as_json: bool) -> None:
    """A line under a table telling how to see more (JSON stays JSON: its rows carry their counts)."""
    if not as_json:
        click.echo(text)


@cli.command()
@click.argument("query", nargs=-1, required=True)
@city_option
@click.option(
    "--tasks",
    "shown",
    type=click.IntRange(min=1),
    default=TASKS_SHOWN,
    show_default=True,
    help="List this many tasks of each unit (the count is always of all).",
)
@click.option("--all", "show_all", is_flag=True, help="List every task of each unit (table, --json and --csv).")
@kb_option
@output_options
def who(
    query: tuple[str, ...],
    city: str | None,
    shown: int,
    show_all: bool,
    kb_path: Path | None,
    as_json: bool,
    csv_path: Path | None,
) -> None:
    """Who is responsible for the tasks about QUERY.

    Lists the units by agency and role, each with its number of tasks and the
    first few of them (--tasks N, or --all). A task matches when its heading
    or text holds every word of QUERY.

    Example: policykb who 绿色工厂 --city 重庆
    """
    from kb.queries import who as who_query

    try:
        rows = who_query(open_kb_or_fail(kb_path), " ".join(query), city, None if show_all else shown)
    except PolicyKBError as exc:
        _fail(exc)
    cut = 0
    for row in rows:
        lines = [_task_line(t) for t in row["tasks"]]
        if row["task_count"] > len(row["tasks"]):
            lines.append(f"…等 {row['task_count']} 项")
            cut += 1
        row["shown_tasks"] = "\n".join(lines)
    columns = [
        ("agency", "责任单位"),
        ("role_label", "角色"),
        ("task_count", "任务数"),
        ("shown_tasks", "任务（文件·章节）"),
        ("as_written", "原文写法"),
    ]
    emit_rows(rows, columns, as_json=as_json, csv_path=csv_path, title=f"“{' '.join(query)}”的责任单位")
    if cut:
        _hint(f"{cut} 个单位只列出了前 {shown} 项任务；用 --tasks N 多列几项，或 --all 列出全部。", as_json)


@cli.command()
@click.argument("agency")
@city_option
@click.option(
    "--role", type=click.Choice(sorted(ROLE_CHOICES)), default=None, help="Only this role (牵头/配合/落实/负责)."
)
@click.option(
    "--limit", type=click.IntRange(min=1), default=DUTIES_SHOWN, show_default=True, help="List this many tasks."
)
@click.option("--all", "show_all", is_flag=True, help="List every task (table, --json and --csv).")
@kb_option
@output_options
def duties(
    agency: str,
    city: str | None,
    role: str | None,
    limit: int,
    show_all: bool,
    kb_path: Path | None,
    as_json: bool,
    csv_path: Path | None,
) -> None:
    """Every task of AGENCY, by role.

    AGENCY may be its full name or any way documents write it (市财政局).
    Lists the first 50 tasks (--limit N, or --all) and says how many there are.

    Example: policykb duties 市财政局 --city 青岛
    """
    from kb.queries import duties as duties_query

    try:
        found = duties_query(
            open_kb_or_fail(kb_path), agency, city, ROLE_CHOICES.get(role or ""), None if show_all else limit
        )
    except PolicyKBError as exc:
        _fail(exc)
    rows = list(found)
    total = getattr(found, "total", len(rows))
    columns = [
        ("agency", "单位"),
        ("role_label", "角色"),
        ("title", "文件"),
        ("section", "任务"),
        ("as_written", "原文写法"),
    ]
    names = "、".join(sorted({row["agency"] for row in rows})) or agency
    emit_rows(rows, columns, as_json=as_json, csv_path=csv_path, title=f"{names} 的任务（共 {total} 项）")
    if total > len(rows):
        _hint(f"只列出了前 {len(rows)} 项（共 {total} 项）；用 --limit N 多列几项，或 --all 列出全部。", as_json)


def _chain_tree(item: dict[str, Any]) -> Any:
    """A responsibility chain as a rich Tree: issuer → (notice →) document → task → units; citations upward."""
    from rich.tree import Tree

    def doc_line(doc: dict[str, Any]) -> str:
        extra = " ".join(p for p in (doc.get("doc_number"), doc.get("date")) if p)
        return f"《{doc.get('title') or '(无标题)'}》{('  ' + extra) if extra else ''}"

    notice = item.get("forwarded_by")
    top = notice or item["document"]
    root = Tree(f"发文机关：{'、'.join(top.get('issuers') or []) or '(未识别)'}")
    node = root
    if notice:
        node = node.add(f"转发通知：{doc_line(notice)}")
    node = node.add(f"文件：{doc_line(item['document'])}")
    for label in item["section_path"] or ["(全文)"]:
        node = node.add(f"任务：{label}")
    if item.get("units_from"):
        node = node.add(f"（责任单位写在上级任务 {item['units_from']}）")
    labels = {"lead": "牵头单位", "support": "配合单位", "implement": "落实单位", "responsible": "责任单位"}
    if not item["units"]:
        node.add("责任单位：(未写明)")
    for role, names in item["units"].items():
        node.add(f"{labels[role]}：{'、'.join(names)}")

    def add_cited(parent: Any, cited: list[dict[str, Any]]) -> None:
        for doc in cited:
            issuers = "、".join(doc.get("issuers") or [])
            child = parent.add(f"{doc_line(doc)}{'（' + issuers + '）' if issuers else ''}")
            add_cited(child, doc.get("cites") or [])

    if item["cites"] or item["cites_unresolved"]:
        upward = root.add("依据（本文件引用的上级文件）")
        add_cited(upward, item["cites"])
        for written in item["cites_unresolved"]:
            upward.add(f"{written}（不在知识库中）")
    return root


@cli.command()
@click.argument("task_or_agency", nargs=-1, required=True)
@city_option
@click.option("--limit", default=20, show_default=True, help="Show at most this many chains.")
@kb_option
@json_option
def chain(task_or_agency: tuple[str, ...], city: str | None, limit: int, kb_path: Path | None, as_json: bool) -> None:
    """Show who answers for a task, from issuer to units, as a tree.

    TASK_OR_AGENCY is words from a task, or an agency's name (then its tasks).
    Issuing body → document (→ the notice that forwarded it) → task → lead,
    support and implementing units, and the documents it cites upward.

    Example: policykb chain 智能化改造 --city 成都
    """
    from rich.console import Console

    from kb.queries import chain as chain_query

    query = " ".join(task_or_agency)
    try:
        items = chain_query(open_kb_or_fail(kb_path), query, city)
    except PolicyKBError as exc:
        _fail(exc)
    if as_json:
        _print_json(items)
        return
    console = Console(file=sys.stdout, highlight=False, markup=False, width=None if sys.stdout.isatty() else 160)
    for item in items[:limit]:
        console.print(_chain_tree(item))
        console.print()
    if len(items) > limit:
        click.echo(f"还有 {len(items) - limit} 条未显示；用 --limit {len(items)} 全部显示。")


COMPARATOR_SIGNS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "~": "约"}


def _amount(value: object, unit: str) -> str:
    """A value in its unit, money in 万元/亿元 as documents write it (1200亿元, not 120000000000元)."""
    if not isinstance(value, (int, float)):
        return ""
    if unit == "元" and value >= 1e8:
        return f"{round(value / 1e8, 8):.12g}亿元"
    if unit == "元" and value >= 1e4:
        return f"{round(value / 1e4, 8):.12g}万元"
    return f"{value:.12g}{unit}"


def _target_value(row: dict[str, Any]) -> str:
    unit = row.get("unit") or ""
    if row.get("comparator") == "range" and row.get("value_max") is not None:
        return f"{_amount(row.get('value'), unit)}—{_amount(row['value_max'], unit)}"
    return COMPARATOR_SIGNS.get(row.get("comparator") or "", "") + _amount(row.get("value"), unit)


@cli.command()
@city_option
@click.option("--year", type=int, default=None, help="Only targets due in this year, e.g. 2027.")
@click.option("--metric", default=None, help="Only targets whose metric or sentence holds these words.")
@kb_option
@output_options
def targets(
    city: str | None, year: int | None, metric: str | None, kb_path: Path | None, as_json: bool, csv_path: Path | None
) -> None:
    """List numeric targets with their source sentences.

    Each row names the document and section the target was read from.

    Money is shown in 万元/亿元 as documents write it; --json gives base units (元).

    Example: policykb targets --city 重庆 --year 2027
    """
    from kb.queries import targets as targets_query

    try:
        rows = targets_query(open_kb_or_fail(kb_path), city, year, metric)
    except PolicyKBError as exc:
        _fail(exc)
    for row in rows:
        row["shown_value"] = _target_value(row)
    columns = [
        ("jurisdiction", "地区"),
        ("title", "文件"),
        ("section", "章节"),
        ("metric", "指标"),
        ("shown_value", "目标值"),
        ("year", "年份"),
        ("text", "原文"),
    ]
    emit_rows(rows, columns, as_json=as_json, csv_path=csv_path, title=f"目标（共 {len(rows)} 项）")


def _money_option(ctx: click.Context, param: click.Parameter, value: str | None) -> float | None:
    """``--min-cap`` as 元: accepts 2000000, 200万, 200万元, 1亿."""
    if value is None:
        return None
    from extract.numbers import parse_money, parse_number

    written = value.strip().replace("元", "")
    try:
        return parse_money(written + "元") if written[-1:] in "万亿" else parse_number(written)
    except (ValueError, IndexError):
        raise click.BadParameter(f"{value!r} is not an amount; write e.g. 2000000, 200万 or 1亿") from None


FUNDING_AMOUNTS = [("shown_rate", "比例"), ("shown_cap", "上限"), ("shown_amount", "金额"), ("per", "计算口径")]


def _show_funding(row: dict[str, Any]) -> dict[str, Any]:
    """Add the display forms of a funding row: rate as 20%, cap and amount in 万元/亿元."""
    row["shown_rate"] = f"{row['rate']:g}%" if isinstance(row.get("rate"), (int, float)) else ""
    row["shown_cap"] = _amount(row.get("cap"), "元")
    row["shown_amount"] = _amount(row.get("amount"), "元")
    return row


@cli.command()
@city_option
@click.option("--year", type=int, default=None, help="Only clauses of documents issued in this year.")
@click.option("--instrument", default=None, help="Only this kind of support, e.g. 贴息, 奖励, 补助.")
@click.option("--min-cap", callback=_money_option, default=None, help="Only clauses capped at least this, e.g. 200万.")
@kb_option
@output_options
def funding(
    city: str | None,
    year: int | None,
    instrument: str | None,
    min_cap: float | None,
    kb_path: Path | None,
    as_json: bool,
    csv_path: Path | None,
) -> None:
    """List funding clauses (subsidies, awards, interest discounts).

    Each with its rate, cap, amount, condition and source sentence.

    Example: policykb funding --instrument 贴息 --min-cap 100万
    """
    from kb.queries import funding as funding_query

    try:
        rows = funding_query(open_kb_or_fail(kb_path), city, year, instrument, min_cap)
    except PolicyKBError as exc:
        _fail(exc)
    for row in rows:
        _show_funding(row)
    columns = [
        ("jurisdiction", "地区"),
        ("title", "文件"),
        ("section", "章节"),
        ("instrument", "方式"),
        *FUNDING_AMOUNTS,
        ("condition", "条件"),
        ("text", "原文"),
    ]
    emit_rows(rows, columns, as_json=as_json, csv_path=csv_path, title=f"资金条款（共 {len(rows)} 项）")


@cli.group()
def graph() -> None:
    """The graph of agencies, documents, tasks and facts.

    Example: policykb graph export --format gexf -o policy.gexf
    """


@graph.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["graphml", "gexf", "json"]),
    default="graphml",
    show_default=True,
    help="graphml/gexf for Gephi or Cytoscape; json (node-link) for a notebook.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to FILE instead of the screen.",
)
@kb_option
def graph_export(fmt: str, output: Path | None, kb_path: Path | None) -> None:
    """Write the graph for Gephi, Cytoscape or a notebook.

    Example: policykb graph export --format gexf -o policy.gexf
    """
    from graph.export import export_graph

    try:
        data = export_graph(open_kb_or_fail(kb_path).graph(), fmt)
    except PolicyKBError as exc:
        _fail(exc)
    if output is None:
        sys.stdout.buffer.write(data)
        return
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror}; choose another path") from None
    click.echo(f"已写入 {output}（{fmt}）", err=True)


@cli.command()
@click.argument("plans", nargs=-1, required=True)
@click.option("--year", type=int, default=None, help="Only plans in force that year, e.g. 2025.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "md", "csv", "json", "html"]),
    default="table",
    show_default=True,
    help="table: in the terminal; md, csv, json; html: one report file with charts (use -o).",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Write to FILE.")
@kb_option
@json_option
def compare(
    plans: tuple[str, ...], year: int | None, fmt: str, output: Path | None, kb_path: Path | None, as_json: bool
) -> None:
    """Compare plans of several places or documents side by side.

    Aligned targets, funding, responsibilities, policy instruments and themes.
    Each of PLANS is a place (重庆, 青岛, 成都, 全国) or a document id. Every row
    names the clause (c12 …) it was read from; the clauses are listed at the end.

    Example: policykb compare 重庆 青岛 成都 --format html -o 比较.html
    """
    from kb.compare import compare as compare_sides
    from kb.compare_format import comparison_tables, to_csv, to_markdown
    from kb.compare_sources import load_sides

    if len(plans) < 2:
        raise click.ClickException("compare needs at least two places or documents, e.g. policykb compare 重庆 青岛")
    fmt = "json" if as_json else fmt
    if fmt == "html" and output is None:
        raise click.ClickException("the HTML report is a file: add -o FILE, e.g. -o 比较.html")
    try:
        with open_kb_or_fail(kb_path) as kb:
            comparison = compare_sides(load_sides(kb, list(plans), year))
    except PolicyKBError as exc:
        _fail(exc)
    if fmt == "table":
        for table in comparison_tables(comparison):
            if table.rows:
                print_table(table.rows, table.columns, title=table.title)
            else:
                click.echo(f"{table.title}：（无）")
        click.echo("出处编号（c1 …）的原文：policykb compare … --format md")
        return
    if fmt == "html":
        from kb.report_html import render_report

        body = render_report(comparison)
    elif fmt == "md":
        body = to_markdown(comparison)
    elif fmt == "csv":
        body = to_csv(comparison)
    else:
        body = json.dumps(comparison.to_dict(), ensure_ascii=False, indent=1) + "\n"
    if output is None:
        click.echo(body, nl=False)
        return
    try:
        output.write_text(body, encoding="utf-8-sig" if fmt == "csv" else "utf-8")
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror}; choose another path") from None
    click.echo(f"已写入 {output}（{fmt}）", err=True)


# ---------------------------------------------------------------------------
# The knowledge base on disk: build, add, remove, search, check, stats.
# Exit status of build/add/remove: 0 every file went in, 3 some were skipped
# (each listed with its reason), 1 nothing changed because of an error,
# 130 stopped with Ctrl-C (the knowledge base is unchanged).
# ---------------------------------------------------------------------------

EXIT_SKIPPED = 3
EXIT_INTERRUPTED = 130
COUNT_LABELS = [
    ("files", "文件"),
    ("documents", "文档"),
    ("sections", "章节"),
    ("targets", "目标"),
    ("responsibilities", "责任分工"),
    ("funding", "资金条款"),
    ("agencies", "责任单位"),
    ("clauses", "检索条文"),
]


def limit_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add the per-file limits --max-mb, --max-pages and --timeout (a file over one is skipped whole)."""
    func = click.option(
        "--timeout",
        type=click.FloatRange(min=0, min_open=True),
        default=120,
        show_default=True,
        help="Skip a file whose reading takes longer than this many seconds.",
    )(func)
    func = click.option(
        "--max-pages", type=click.IntRange(min=1), default=1000, show_default=True, help="Skip longer PDFs."
    )(func)
    return click.option(
        "--max-mb",
        type=click.FloatRange(min=0, min_open=True),
        default=50,
        show_default=True,
        help="Skip files larger than this many megabytes.",
    )(func)


class _Bar:
    """A progress bar on stderr for kb.writer (drawn only when stderr is a terminal)."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar: Any = None

    def start(self, total: int) -> None:
        if not sys.stderr.isatty():
            return
        self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr, show_pos=True)
        self.bar.__enter__()

    def advance(self, path: str) -> None:
        if self.bar is not None:
            self.bar.update(1, Path(path).name)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def _change(action: str, kb_path: Path | None, as_json: bool, run: Callable[[Path, Any], Any]) -> None:
    """Run a build/add/remove with a progress bar; print its summary; exit 3 if files were skipped."""
    from kb import resolve_kb_path
    from kb.layout import check_writable

    root = resolve_kb_path(kb_path)
    try:
        check_writable(root)  # before the write lock: a read-only knowledge base is told as such, and stays untouched
    except PolicyKBError as exc:
        _fail(exc)
    bar = _Bar(action)
    try:
        report = run(root, None if as_json else bar)
    except PolicyKBError as exc:
        bar.close()
        _fail(exc)
    except KeyboardInterrupt:
        bar.close()
        click.echo(
            f"stopped: the knowledge base at {root} is unchanged. Files already read are cached; "
            "run the same command again to resume.",
            err=True,
        )
        sys.exit(EXIT_INTERRUPTED)
    bar.close()
    if as_json:
        data = asdict(report)
        _print_json(data)
    else:
        click.echo(_change_summary(action, report))
    if report.skipped:
        sys.exit(EXIT_SKIPPED)


def _change_summary(action: str, report: Any) -> str:
    lines = []
    moved = [("新增", report.added), ("更新", report.replaced), ("未变", report.unchanged), ("移除", report.removed)]
    done = "，".join(f"{label} {len(paths)} 个文件" for label, paths in moved if paths)
    state = "已更新" if report.changed else "没有变化"
    lines.append(f"{action}完成：知识库 {report.kb} {state}" + (f"（{done}）" if done else "") + "。")
    lines.append("现有 " + "，".join(f"{label} {report.counts.get(key, 0)}" for key, label in COUNT_LABELS) + "。")
    if report.skipped:
        lines.append(f"跳过 {len(report.skipped)} 个文件：")
        lines += [f"  {s.path}：{str(s.reason).removeprefix(f'{s.path}: ')}" for s in report.skipped]
    return "\n".join(lines)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@limit_options
@kb_option
@json_option
def build(
    paths: tuple[Path, ...], max_mb: float, max_pages: int, timeout: float, kb_path: Path | None, as_json: bool
) -> None:
    """Build the knowledge base from PATHS (default: corpus/).

    Folders are searched for .txt, .pdf, .html and .docx files. A file that
    cannot be read is reported and skipped; the rest still goes in. The old
    knowledge base stays in use until the new one is complete.
    Exit status: 0 all files read, 3 some skipped, 130 stopped by Ctrl-C.

    Example: policykb build corpus/ --kb ~/policykb
    """
    from kb.ingest import Limits
    from kb.writer import build as build_kb

    limits = Limits(max_mb=max_mb, max_pages=max_pages, timeout=timeout)
    _change("建库", kb_path, as_json, lambda root, bar: build_kb(root, list(paths) or [CORPUS_DIR], limits, bar))


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@limit_options
@kb_option
@json_option
def add(
    files: tuple[Path, ...], max_mb: float, max_pages: int, timeout: float, kb_path: Path | None, as_json: bool
) -> None:
    """Add FILES (or folders) to the knowledge base.

    A changed file replaces its old facts. Adding a file that has not changed since it went in changes nothing.
    Exit status: 0 all files added or unchanged, 3 some skipped.

    Example: policykb add 新文件/重庆市技改政策.pdf
    """
    from kb.ingest import Limits
    from kb.writer import add as add_files

    limits = Limits(max_mb=max_mb, max_pages=max_pages, timeout=timeout)
    _change("添加", kb_path, as_json, lambda root, bar: add_files(root, list(files), limits, bar))


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@kb_option
@json_option
def remove(files: tuple[Path, ...], kb_path: Path | None, as_json: bool) -> None:
    """Remove FILES or folders and every fact read from them.

    A folder stands for every file under it that is in the knowledge base.
    Exit status: 0 all removed, 3 some were not in the knowledge base.

    Example: policykb remove corpus/004_bb2807ede5a84bad.txt
    """
    from kb.writer import remove as remove_files

    _change("移除", kb_path, as_json, lambda root, _bar: remove_files(root, list(files)))


def _styled_snippet(snippet: str) -> str:
    from kb.search import MARK_END, MARK_START

    out = snippet.replace("\n", " ")
    parts = out.split(MARK_START)
    styled = parts[0]
    for part in parts[1:]:
        word, _, rest = part.partition(MARK_END)
        styled += click.style(word, fg="red", bold=True) + rest
    return styled


def _fact_line(fact: dict[str, Any]) -> str:
    kind = fact.get("kind")
    if kind == "responsibility":
        role = ROLE_NAMES.get(str(fact.get("role")), fact.get("role"))
        return f"责任单位：{fact.get('agency')}（{role}）"
    label = {"target": "目标", "funding": "资金", "citation": "引用"}.get(str(kind), str(kind))
    return f"{label}：{fact.get('text') or fact.get('title') or ''}"


SEARCH_COLUMNS = [
    ("rank", "名次"),
    ("title", "文件"),
    ("section_path", "章节"),
    ("jurisdiction", "地区"),
    ("year", "年份"),
    ("snippet", "条文"),
    ("agencies", "责任单位"),
    ("span", "位置"),
    ("doc_id", "文档编号"),
]


@cli.command()
@click.argument("query", nargs=-1, required=True)
@click.option("--city", default=None, help="Only documents of this city or province, e.g. 重庆 or 重庆市.")
@click.option("--doc", default=None, help="Only this document: its id, or words from its title or 文号.")
@click.option("--year", type=int, default=None, help="Only documents dated in this year.")
@click.option("--agency", default=None, help="Only clauses this unit is responsible for, e.g. 市财政局.")
@click.option(
    "--has",
    type=click.Choice(["target", "funding", "responsibility"]),
    multiple=True,
    help="Only clauses that state a target, a funding clause or a responsible unit (repeatable).",
)
@click.option("--limit", type=click.IntRange(min=1), default=10, show_default=True, help="Show at most this many.")
@kb_option
@output_options
def search(
    query: tuple[str, ...],
    city: str | None,
    doc: str | None,
    year: int | None,
    agency: str | None,
    has: tuple[str, ...],
    limit: int,
    kb_path: Path | None,
    as_json: bool,
    csv_path: Path | None,
) -> None:
    """Find the clauses about QUERY, best first, with their facts.

    Words must all occur; put a phrase in quotes ('"智能工厂"'); OR and NOT work
    too (贴息 OR 补助).

    Example: policykb search 贴息 --city 成都 --has funding
    """
    text = " ".join(query)
    kb = open_kb_or_fail(kb_path)
    try:
        with kb:
            hits = kb.search(text, city=city, doc=doc, year=year, agency=agency, has=list(has), limit=limit)
    except PolicyKBError as exc:
        _fail(exc)
    rows = [hit.to_dict() for hit in hits]
    if as_json:
        emit_rows(rows, SEARCH_COLUMNS, as_json=True, csv_path=csv_path)
        return
    if csv_path is not None:
        write_csv(rows, SEARCH_COLUMNS, csv_path)
        click.echo(f"已写入 {len(rows)} 行到 {csv_path}", err=True)
    if not hits:
        click.echo(f"没有找到与“{text}”相关的条文。")
        return
    for hit in hits:
        where = " ".join(p for p in (hit.jurisdiction, hit.year) if p)
        click.echo(
            click.style(f"{hit.rank}. 《{hit.title or '(无标题)'}》", bold=True) + (f"  [{where}]" if where else "")
        )
        if hit.section_path:
            click.echo(f"   {hit.section_path}")
        click.echo(f"   {_styled_snippet(hit.snippet)}")
        for fact in hit.facts:
            click.echo(f"   · {_fact_line(fact)}")
        click.echo(f"   （{hit.doc_id} 第 {hit.span[0]}–{hit.span[1]} 字）")


@cli.command()
@kb_option
@json_option
def check(kb_path: Path | None, as_json: bool) -> None:
    """Verify that the knowledge base is whole and consistent.

    Checks database integrity, that every span gives back its text, and that
    the search index and the graph agree with the facts.

    Exit status: 0 all good, 1 problems found (each is listed).

    Example: policykb check --kb ~/policykb
    """
    from kb import resolve_kb_path
    from kb.check import check_kb

    try:
        report = check_kb(resolve_kb_path(kb_path))
    except PolicyKBError as exc:
        _fail(exc)
    if as_json:
        _print_json(
            {
                "kb": report.kb,
                "generation": report.generation,
                "ok": report.ok,
                "checks": [{"check": what, "ok": ok, "detail": detail} for what, ok, detail in report.checks],
            }
        )
    else:
        for what, ok, detail in report.checks:
            mark = click.style("✓", fg="green") if ok else click.style("✗", fg="red", bold=True)
            click.echo(f"{mark} {what}: {detail}")
        click.echo("知识库完好。" if report.ok else "知识库有问题：请运行 `policykb build` 重建。")
    if not report.ok:
        sys.exit(1)


@cli.command()
@kb_option
@json_option
def stats(kb_path: Path | None, as_json: bool) -> None:
    """Count the files, documents and facts in the knowledge base.

    Example: policykb stats
    """
    kb = open_kb_or_fail(kb_path)
    with kb:
        data = kb.stats()
        data["sources"] = kb.sources()
    if as_json:
        _print_json(data)
        return
    click.echo(f"知识库 {data['kb']}（{data['generation']}）")
    click.echo("，".join(f"{label} {data.get(key, 0)}" for key, label in COUNT_LABELS))
    if data["jurisdictions"]:
        click.echo("地区：" + "、".join(data["jurisdictions"]))
    rows = [{"path": s["path"], "format": s["format"], "documents": s["documents"]} for s in data["sources"]]
    print_table(rows, [("path", "文件"), ("format", "格式"), ("documents", "文档数")])


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
