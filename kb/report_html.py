"""The comparison as one HTML file that opens offline: charts (plotly, inline), tables, and the clause appendix.

Every piece of document text is HTML-escaped (a policy text is data and may hold ``<script>``);
every row links to the clause it was read from (``#c12``), shown with its document title and span.
"""

from __future__ import annotations

import html
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs
from plotly.subplots import make_subplots

from kb.compare import Comparison
from kb.compare_format import Table, cell_text, comparison_tables, money, target_summary, target_value
from kb.metric_terms import unit_kind

FONT = "Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, SimHei, sans-serif"
CATEGORY_COLORS = {"供给型": "#4C78A8", "环境型": "#F58518", "需求型": "#54A24B", "未编码": "#BAB0AC"}
SIDE_COLORS = ["#4C78A8", "#E45756", "#54A24B", "#B279A2", "#F58518", "#72B7B2", "#9D755D", "#FF9DA6"]
KIND_TITLES = {"percent": "百分比目标（%）", "count": "数量目标", "money": "金额目标（亿元）", "index": "指数目标"}
CLAUSE_KEYS = ("clause", "clauses")

CSS = f"""
body {{ overflow-wrap: anywhere; font-family: {FONT}; margin: 2em auto; max-width: 1200px; color: #222; }}
h1 {{ font-size: 1.6em; }} h2 {{ border-bottom: 2px solid #4C78A8; padding-bottom: .2em; margin-top: 2em; }}
table {{ border-collapse: collapse; width: 100%; font-size: .9em; }}
th, td {{ overflow-wrap: anywhere; border: 1px solid #ccc; padding: .3em .5em; vertical-align: top; text-align: left; }}
th {{ background: #eef2f7; }}
tr:target, li:target {{ background: #fff3bf; }}
.clauses li {{ margin-bottom: .6em; }} .meta {{ color: #666; font-size: .85em; }}
.empty {{ color: #888; }} .chart {{ margin: 1em 0; }}
"""


def _e(value: object) -> str:
    """HTML-escaped cell text (quotes too, so text is safe inside attributes)."""
    return html.escape(cell_text(value), quote=True)


def _label(text: str) -> str:
    """A chart label with < > & escaped, because plotly reads a few HTML tags inside labels.

    Quotes stay as written: with no ``<`` left no tag can form, and plotly shows ``&quot;`` literally.
    """
    return html.escape(text, quote=False)


def _links(value: object) -> str:
    ids = value if isinstance(value, list) else [value] if value else []
    return " ".join(f'<a href="#{_e(i)}">{_e(i)}</a>' for i in ids)


def _table_html(table: Table) -> str:
    head = "".join(f"<th>{_e(label)}</th>" for _, label in table.columns)
    if not table.rows:
        return f'<h2 id="{table.key}">{_e(table.title)}</h2><p class="empty">（无）</p>'
    body = []
    for row in table.rows:
        cells = []
        for key, _ in table.columns:
            value = row.get(key)
            cells.append(f"<td>{_links(value) if key in CLAUSE_KEYS else _e(value)}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f'<h2 id="{table.key}">{_e(table.title)}</h2>'
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def _layout(fig: go.Figure, title: str, height: int) -> go.Figure:
    fig.update_layout(
        title=_label(title), font={"family": FONT}, height=height, barmode="group", template="plotly_white"
    )
    return fig


def targets_chart(comp: Comparison) -> go.Figure | None:
    """Aligned targets per plan: one panel per kind of unit (percent, count, money)."""
    rows_by_kind: dict[str, list[Any]] = {}
    for row in comp.aligned:
        rows_by_kind.setdefault(unit_kind(row.cells[0].unit), []).append(row)
    if not rows_by_kind:
        return None
    kinds = list(rows_by_kind)
    fig = make_subplots(rows=len(kinds), cols=1, subplot_titles=[KIND_TITLES[k] for k in kinds])
    for r, kind in enumerate(kinds, start=1):
        for number, side in enumerate(comp.sides):
            xs, ys, texts, hover = [], [], [], []
            for row in rows_by_kind[kind]:
                cells = [c for c in row.cells if c.side == side]
                if not cells:
                    continue
                first = cells[0]  # one bar per plan and row; the hover lists every target of the row
                xs.append(_label("、".join(row.terms)))
                ys.append(first.value / 1e8 if kind == "money" and first.unit == "元" else first.value)
                more = f" 等{len(cells)}项" if len(cells) > 1 else ""
                texts.append(_label(target_value(first) + more))
                hover.append("<br>".join(_label(target_summary(c)) for c in cells))
            fig.add_trace(
                go.Bar(
                    name=_label(side),
                    x=xs,
                    y=ys,
                    text=texts,
                    hovertext=hover,
                    legendgroup=side,
                    showlegend=r == 1,
                    marker_color=SIDE_COLORS[number % len(SIDE_COLORS)],
                ),
                row=r,
                col=1,
            )
    return _layout(fig, "对齐目标的目标值", 320 * len(kinds) + 80)


def tools_chart(comp: Comparison) -> go.Figure:
    """Policy-instrument mix per plan: share of its tasks per category (plans of any size side by side)."""
    fig = go.Figure()
    sides = [_label(s.side) for s in comp.summaries]
    totals = [sum(s.tool_mix.values()) or 1 for s in comp.summaries]
    for category, color in CATEGORY_COLORS.items():
        counts = [s.tool_mix.get(category, 0) for s in comp.summaries]
        if any(counts):
            hover = [
                _label(f"{category} {n} 项任务：")
                + _label(
                    "、".join(f"{k.split('/')[1]} {m}" for k, m in s.tool_detail.items() if k.startswith(category))
                )
                for s, n in zip(comp.summaries, counts, strict=True)
            ]
            shares = [round(100 * n / total, 1) for n, total in zip(counts, totals, strict=True)]
            texts = [f"{n}项" if n else "" for n in counts]
            fig.add_trace(go.Bar(name=category, x=sides, y=shares, text=texts, marker_color=color, hovertext=hover))
    fig.update_layout(yaxis_title="占任务的百分比（%）")
    return _layout(fig, "政策工具结构（供给型 / 环境型 / 需求型）", 420).update_layout(barmode="stack")


def funding_chart(comp: Comparison) -> go.Figure | None:
    """The most each grant can pay (cap, else fixed amount), in 万元, per plan."""
    fig = go.Figure()
    drawn = False
    for number, side in enumerate(comp.sides):
        grants = [f for f in comp.funding if f.side == side and (f.cap or f.amount)]
        if not grants:
            continue
        drawn = True
        xs = [_label(f"{f.beneficiary or f.instrument}·{f.instrument}（{f.clause}）") for f in grants]
        ys = [max(f.cap or 0, f.amount or 0) / 1e4 for f in grants]
        hover = [_label(f"{f.condition or ''} 上限{money(f.cap)} {money(f.amount)}") for f in grants]
        fig.add_trace(
            go.Bar(name=_label(side), x=xs, y=ys, hovertext=hover, marker_color=SIDE_COLORS[number % len(SIDE_COLORS)])
        )
    if not drawn:
        return None
    fig.update_layout(yaxis_title="万元（对数刻度）", yaxis_type="log")
    return _layout(fig, "资金支持上限（单笔，万元）", 520)


def _figure_html(fig: go.Figure | None, div_id: str, empty: str) -> str:
    if fig is None:
        return f'<p class="empty">{_e(empty)}</p>'
    return '<div class="chart">' + pio.to_html(fig, include_plotlyjs=False, full_html=False, div_id=div_id) + "</div>"


def _clauses_html(comp: Comparison) -> str:
    items = []
    for c in comp.clauses:
        more = "……（以下略）" if c.truncated else ""
        items.append(
            f'<li id="{_e(c.id)}"><b>{_e(c.id)}</b> <span class="meta">《{_e(c.doc_title)}》 '
            f"文件 {_e(c.doc_id)} 字符 {c.span[0]}–{c.span[1]}</span><br>{_e(c.text)}{_e(more)}</li>"
        )
    return f'<h2 id="clauses">出处原文</h2><ol class="clauses">{"".join(items)}</ol>'


def render_report(comp: Comparison) -> str:
    """The whole report as one self-contained HTML page (plotly.js embedded, no network needed)."""
    title = f"政策比较：{' / '.join(comp.sides)}"
    docs = "".join(
        f"<li><b>{_e(s.side)}</b>：{_e('；'.join(s.documents) or '（没有文件）')}</li>" for s in comp.summaries
    )
    charts = [
        '<h2 id="charts">图表</h2>',
        _figure_html(targets_chart(comp), "chart-targets", "没有可对齐的目标。"),
        _figure_html(tools_chart(comp), "chart-tools", ""),
        _figure_html(funding_chart(comp), "chart-funding", "没有带金额的资金条款。"),
    ]
    tables = "".join(_table_html(t) for t in comparison_tables(comp))
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{_e(title)}</title><style>{CSS}</style>"
        f"<script>{get_plotlyjs()}</script></head><body>"
        f"<h1>{_e(title)}</h1><ul>{docs}</ul>{''.join(charts)}{tables}{_clauses_html(comp)}</body></html>\n"
    )
