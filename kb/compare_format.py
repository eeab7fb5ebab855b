"""A comparison as readable tables (Chinese headers), and those tables as Markdown or CSV.

The terminal view, Markdown, CSV and the HTML report all show the same tables.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from kb.compare import Comparison, FundingCell, TargetCell

COMPARATORS = {">=": "≥", ">": ">", "~": "约", "<=": "≤", "<": "<", "=": "", "range": ""}


@dataclass
class Table:
    key: str  # stable id (used as the HTML anchor and JSON key)
    title: str
    columns: list[tuple[str, str]]  # (row key, Chinese label)
    rows: list[dict[str, Any]]


def money(value: float | None) -> str:
    """An amount in 元 as a reader writes it: 2000万元, 1.2亿元, 5000元."""
    if value is None:
        return ""
    for size, unit in ((1e8, "亿元"), (1e4, "万元")):
        if abs(value) >= size:
            return f"{_number(value / size)}{unit}"
    return f"{_number(value)}元"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.4g}"


def target_value(cell: TargetCell) -> str:
    """≥11%, 约50%, 1—3家, 1200亿元 …"""
    if cell.unit.endswith("元") and cell.unit != "元":
        amount = f"{_number(cell.value)}{cell.unit}"
    elif cell.unit == "元":
        amount = money(cell.value)
    else:
        amount = f"{_number(cell.value)}{cell.unit}"
    if cell.comparator == "range" and cell.value_max is not None:
        amount = f"{_number(cell.value)}—{_number(cell.value_max)}{cell.unit}"
    return f"{COMPARATORS.get(cell.comparator, cell.comparator)}{amount}"


def target_summary(cell: TargetCell) -> str:
    """One target in a cell: metric, value and deadline."""
    when = " ".join(x for x in (f"{cell.year}年" if cell.year else "", cell.period or "") if x)
    return f"{cell.metric} {target_value(cell)}" + (f"（{when}）" if when else "")


def rate(value: float | None) -> str:
    return "" if value is None else f"{_number(value)}%"


def comparison_tables(comp: Comparison) -> list[Table]:
    """Every part of the comparison as a table."""
    return [
        _aligned(comp),
        _unmatched(comp),
        _funding_table(comp),
        _largest(comp),
        _responsibility(comp),
        _tool_mix(comp),
        _tool_codes(comp),
        _themes(comp),
    ]


def _aligned(comp: Comparison) -> Table:
    columns = (
        [("why", "对齐依据（共同关键词 / 相似度）")] + [(f"side:{s}", s) for s in comp.sides] + [("clauses", "出处")]
    )
    rows = []
    for row in comp.aligned:
        out: dict[str, Any] = {"why": f"{'、'.join(row.terms)}（{row.similarity:.2f}）"}
        for side in comp.sides:
            cells = [c for c in row.cells if c.side == side]
            out[f"side:{side}"] = "；".join(target_summary(c) for c in cells) or "—"
        out["clauses"] = [c.clause for c in row.cells]
        rows.append(out)
    return Table("aligned", "目标对齐：衡量同一事项的目标", columns, rows)


def _unmatched(comp: Comparison) -> Table:
    columns = [
        ("side", "地区"),
        ("metric", "指标"),
        ("value", "目标值"),
        ("year", "年份"),
        ("period", "期间"),
        ("clause", "出处"),
    ]
    rows = [
        {
            "side": c.side,
            "metric": c.metric,
            "value": target_value(c),
            "year": c.year,
            "period": c.period,
            "clause": c.clause,
        }
        for c in comp.unmatched
    ]
    return Table("unmatched", "无对应目标（仅一方提出）", columns, rows)


FUNDING_COLUMNS = [
    ("side", "地区"),
    ("instrument", "方式"),
    ("rate", "比例"),
    ("cap", "上限"),
    ("amount", "定额"),
    ("per", "计算单位"),
    ("condition", "条件"),
    ("beneficiary", "对象"),
    ("clause", "出处"),
]


def _funding_row(f: FundingCell) -> dict[str, Any]:
    return {
        "side": f.side,
        "instrument": f.instrument,
        "rate": rate(f.rate),
        "cap": money(f.cap),
        "amount": money(f.amount),
        "per": f.per,
        "condition": f.condition,
        "beneficiary": f.beneficiary,
        "clause": f.clause,
    }


def _funding_table(comp: Comparison) -> Table:
    return Table("funding", "资金支持", FUNDING_COLUMNS, [_funding_row(f) for f in comp.funding])


def _largest(comp: Comparison) -> Table:
    rows = []
    for s in comp.summaries:
        if s.largest_grant is None:
            rows.append({"side": s.side, "instrument": "（无量化资金条款）"})
        else:
            rows.append(_funding_row(s.largest_grant))
    return Table("largest_grant", "单笔最大资金支持", FUNDING_COLUMNS, rows)


def _responsibility(comp: Comparison) -> Table:
    columns = [
        ("side", "地区"),
        ("tasks", "任务数"),
        ("agencies", "承担任务最多的单位（任务数/牵头数）"),
        ("leads", "牵头单位"),
        ("district", "区县承担的任务"),
        ("district_units", "区县层级单位"),
        ("unassigned", "未写明责任单位的任务"),
    ]
    rows = []
    for s in comp.summaries:
        p = s.responsibility
        rows.append(
            {
                "side": s.side,
                "tasks": p.tasks,
                "agencies": [f"{a.agency}（{a.tasks}/{a.lead}）" for a in p.agencies[:8]],
                "leads": [a.agency for a in p.agencies if a.lead],
                "district": f"{p.district_tasks}/{p.tasks}",
                "district_units": p.district_units,
                "unassigned": _some(p.unassigned),
            }
        )
    return Table("responsibility", "责任分工", columns, rows)


def _some(items: list[str], shown: int = 6) -> str:
    """A count and the first few items: 12：一、总体要求、（一）…等."""
    if not items:
        return "0"
    more = "等" if len(items) > shown else ""
    return f"{len(items)}：{'、'.join(items[:shown])}{more}"


def _tool_mix(comp: Comparison) -> Table:
    categories = list(dict.fromkeys(k for s in comp.summaries for k in s.tool_mix))
    columns = [("side", "地区"), *((f"cat:{c}", c) for c in categories), ("detail", "细分工具（任务数）")]
    rows = []
    for s in comp.summaries:
        row: dict[str, Any] = {"side": s.side}
        for c in categories:
            row[f"cat:{c}"] = s.tool_mix.get(c, 0)
        row["detail"] = [f"{k.split('/')[1]}{n}" for k, n in s.tool_detail.items()]
        rows.append(row)
    return Table("tool_mix", "政策工具结构（供给型/环境型/需求型）", columns, rows)


def _tool_codes(comp: Comparison) -> Table:
    columns = [
        ("side", "地区"),
        ("task", "任务"),
        ("category", "类别"),
        ("tool", "工具"),
        ("cues", "判定依据词"),
        ("others", "兼用工具"),
        ("clause", "出处"),
    ]
    rows = [
        {
            "side": t.side,
            "task": t.task,
            "category": t.category,
            "tool": t.tool,
            "cues": t.cues,
            "others": t.others,
            "clause": t.clause,
        }
        for t in comp.tasks
    ]
    return Table("tool_codes", "政策工具编码（每项任务）", columns, rows)


def _themes(comp: Comparison) -> Table:
    columns = [("theme", "主题")] + [(f"side:{s}", s) for s in comp.sides]
    themes = [t.theme for t in comp.summaries[0].themes] if comp.summaries else []
    rows = []
    for i, theme in enumerate(themes):
        row: dict[str, Any] = {"theme": theme}
        for s in comp.summaries:
            cov = s.themes[i]
            words = "、".join(cov.keywords[:4])
            row[f"side:{s.side}"] = f"{cov.tasks}/{cov.total} 项任务" + (f"（{words}）" if words else "")
        rows.append(row)
    return Table("themes", "主题覆盖", columns, rows)


def cell_text(value: object) -> str:
    """A value as table text: lists joined with 、, None empty."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "、".join(cell_text(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def to_markdown(comp: Comparison) -> str:
    """All tables as Markdown, with the clause appendix (what each 出处 id quotes)."""
    out = [f"# 政策比较：{' / '.join(comp.sides)}", ""]
    for s in comp.summaries:
        out.append(f"- **{s.side}**：{'；'.join(s.documents) or '（没有文件）'}")
    out.append("")
    for table in comparison_tables(comp):
        out += [f"## {table.title}", ""]
        if not table.rows:
            out += ["（无）", ""]
            continue
        out.append("| " + " | ".join(label for _, label in table.columns) + " |")
        out.append("|" + "---|" * len(table.columns))
        for row in table.rows:
            out.append("| " + " | ".join(_md(cell_text(row.get(k))) for k, _ in table.columns) + " |")
        out.append("")
    out += ["## 出处原文", ""]
    for c in comp.clauses:
        more = "……" if c.truncated else ""
        out.append(f"- **{c.id}** 《{_md(c.doc_title)}》[{c.span[0]}:{c.span[1]}]：{_md(c.text)}{more}")
    return "\n".join(out) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_csv(comp: Comparison) -> str:
    """All tables in one CSV: each starts with its title line; a blank line between tables."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for table in comparison_tables(comp):
        writer.writerow([f"# {table.title}"])
        writer.writerow([label for _, label in table.columns])
        for row in table.rows:
            writer.writerow([cell_text(row.get(k)) for k, _ in table.columns])
        writer.writerow([])
    writer.writerow(["# 出处原文"])
    writer.writerow(["出处", "文件", "起", "止", "原文"])
    for c in comp.clauses:
        writer.writerow([c.id, c.doc_title, c.span[0], c.span[1], c.text + ("……" if c.truncated else "")])
    return buffer.getvalue()
