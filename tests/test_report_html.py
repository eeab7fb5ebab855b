"""The HTML report in a real browser (headless Chromium): charts drawn, Chinese shown, policy text never run.

The screenshot is kept in tests/artifacts/compare_report.png (ignored by git) for a person to look at.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from factories import document

from kb.compare import Plan, Side, compare
from kb.report_html import render_report
from model import Funding, Section, Target

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
SCRIPT = "<script>document.title='PWNED';document.body.setAttribute('data-pwned','script')</script>"
IMG = "\"><img src=x onerror=\"document.body.setAttribute('data-pwned','img')\">"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--virtual-time-budget=5000",
]


def _plan(doc_id: str, title: str, text: str, metric: str, anchor: str, value: float) -> Plan:
    doc = document(text, id=doc_id, title=title, date="2025-01-01", jurisdiction="重庆市")
    doc.sections = [Section("s1", "（一）", "推动技术改造", 2, None, (0, len(text)))]
    start = text.index(anchor)
    doc.targets = [Target("s1", metric, value, None, "%", ">=", 2025, None, anchor, (start, start + len(anchor)))]
    return Plan(doc, text)


def _comparison():
    evil_text = (
        f"（一）推动技术改造{SCRIPT}。全市工业技术改造投资增长11%以上，新建绿色工厂50个{IMG}。"
        "对项目给予补助，最高2000万元。"
    )
    title = f"重庆市行动方案{SCRIPT}"
    chongqing = _plan("cq", title, evil_text, "工业技术改造投资增长", "工业技术改造投资增长11%以上", 11)
    anchor = f"新建绿色工厂50个{IMG}"
    start = evil_text.index(anchor)
    span = (start, start + len(anchor))
    chongqing.doc.targets.append(Target("s1", f"新建绿色工厂{IMG}", 50, None, "个", ">=", 2025, None, anchor, span))
    grant = "给予补助，最高2000万元"
    start = evil_text.index(grant)
    chongqing.doc.funding = [
        Funding("s1", "补助", 20, 2e7, None, None, SCRIPT, f"企业{IMG}", grant, (start, start + len(grant)))
    ]
    qingdao_text = "（一）推动技术改造。全市工业技改投资增长10%以上，加强金融支持。"
    qingdao = _plan("qd", "青岛市工作方案", qingdao_text, "全市工业技改投资增长", "全市工业技改投资增长10%以上", 10)
    return compare([Side(f"重庆{SCRIPT}", [chongqing]), Side("青岛", [qingdao])])


def _chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium fonts-noto-cjk; .ci/run does it)")
    return path


def _run(chromium: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
def test_report_draws_charts_shows_chinese_and_runs_no_policy_text(tmp_path: Path) -> None:
    chromium = _chromium()
    comparison = _comparison()
    assert len(comparison.aligned) == 1  # the two growth targets share a row (and a chart bar pair)
    page = tmp_path / "report.html"
    page.write_text(render_report(comparison), encoding="utf-8")
    url = page.as_uri()

    dom = _run(chromium, tmp_path / "profile-dom", "--dump-dom", url).stdout
    assert dom.count('class="main-svg"') >= 3, "plotly drew no svg: the charts are missing"
    assert 'class="bars"' in dom or "class='bars'" in dom or "trace bars" in dom
    assert "对齐目标的目标值" in dom and "政策工具结构" in dom and "资金支持上限" in dom
    assert "全市工业技改投资增长" in dom and "≥11%" in dom
    # the policy text is shown as text, and nothing in it ran
    assert "<title>PWNED</title>" not in dom
    assert re.search(r"<body[^>]*data-pwned", dom) is None
    assert "&lt;script&gt;document.title" in dom
    assert '<img src="x"' not in dom and "<img src=x" not in dom
    # every row links to its clause, and the clause is in the appendix
    assert 'href="#c1"' in dom and 'id="c1"' in dom

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "compare_report.png"
    shot.unlink(missing_ok=True)
    _run(chromium, tmp_path / "profile-shot", "--window-size=1300,2200", f"--screenshot={shot}", url)
    assert shot.is_file() and shot.stat().st_size > 20_000
    print(f"screenshot: {shot}")
