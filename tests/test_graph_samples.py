"""Small hand-built documents the graph and query tests share (no tests here).

Two cities, one ministry notice the city measures cite, a plan forwarded by
its notice, and each kind of fact, so every node and edge kind occurs once.
"""

from __future__ import annotations

from typing import Any

from factories import document

from model import Citation, Document, Funding, Responsibility, Section, Target

CQ_TEXT = (
    "一、绿色转型\n（一）建设绿色工厂。到2027年，新增绿色工厂100家。"
    "（责任单位：市经济信息委、市财政局）\n二、资金保障\n对新建绿色工厂最高奖励200万元。\n"
)


def span_of(piece: str, after: int = 0) -> tuple[int, int]:
    """Where ``piece`` is written in CQ_TEXT, so every sample span indexes real text."""
    start = CQ_TEXT.index(piece, after)
    return start, start + len(piece)


PART_TWO = CQ_TEXT.index("二、")
GOAL = "到2027年，新增绿色工厂100家"
AWARD = "最高奖励200万元"


def _doc(doc_id: str, title: str, jurisdiction: str | None, **fields: Any) -> Document:
    return document(id=doc_id, title=title, jurisdiction=jurisdiction, end=100, **fields)


def _resp(section, agency, written, jurisdiction, role, span=(0, 1)) -> Responsibility:
    return Responsibility(
        section=section, agency=agency, as_written=written, jurisdiction=jurisdiction, role=role, span=span
    )


def sample_documents() -> list[Document]:
    ministry = _doc(
        "mit-1",
        "关于开展制造业新型技术改造城市试点工作的通知",
        None,
        doc_number="工信部联规〔2024〕10号",
        issuers=["工业和信息化部", "财政部"],
        date="2024-06-01",
        sections=[Section("s1", "一", "试点内容", 1, None, (10, 40))],
    )
    cq_notice = _doc(
        "cq-0",
        "关于印发重庆市绿色制造行动方案的通知",
        "重庆市",
        doc_number="渝经信发〔2025〕3号",
        issuers=["重庆市经济和信息化委员会"],
        date="2025-02-01",
    )
    cq_plan = _doc(
        "cq-1",
        "重庆市绿色制造行动方案（2025—2027年）",
        "重庆市",
        date="2025-02-01",
        forwarded_by="cq-0",
        span=(0, len(CQ_TEXT)),
        sections=[
            Section("s1", "一", "绿色转型", 1, None, (0, PART_TWO)),
            Section("s1.1", "（一）", "建设绿色工厂", 2, "s1", (CQ_TEXT.index("（一）"), PART_TWO)),
            Section("s2", "二", "资金保障", 1, None, (PART_TWO, len(CQ_TEXT))),
        ],
        targets=[
            Target("s1.1", "新增绿色工厂", 100.0, None, "家", ">=", 2027, None, GOAL, span_of(GOAL)),
        ],
        responsibilities=[
            _resp("s1.1", "重庆市经济和信息化委员会", "市经济信息委", "重庆市", "lead", span_of("市经济信息委")),
            _resp("s1.1", "重庆市财政局", "市财政局", "重庆市", "support", span_of("市财政局")),
        ],
        funding=[
            Funding("s2", "奖励", None, 2_000_000.0, None, "家", None, "企业", AWARD, span_of(AWARD)),
        ],
        citations=[
            Citation("关于开展制造业新型技术改造城市试点工作的通知", None, (1, 5)),
            Citation("《不在库中的文件》", "国发〔2020〕1号", (6, 9)),
        ],
    )
    qd_plan = _doc(
        "qd-1",
        "青岛市技术改造工作方案",
        "青岛市",
        doc_number="青政办字〔2025〕5号",
        issuers=["青岛市人民政府办公厅"],
        date="2025-03-01",
        sections=[
            Section("s1", "一", "推进设备更新", 1, None, (0, 30)),
            Section("s2", "二", "强化资金支持", 1, None, (30, 60)),
            Section("s3", "三", "加强统筹", 1, None, (60, 90)),
        ],
        targets=[Target("s1", "技改投资增长", 10.0, None, "%", ">=", 2026, None, "技改投资年均增长10%以上", (5, 15))],
        responsibilities=[
            _resp("s1", "青岛市工业和信息化局", "市工业和信息化局", "青岛市", "responsible"),
            _resp("s2", "青岛市财政局", "市财政局", "青岛市", "responsible"),
            _resp("s2", "青岛市工业和信息化局", "市工业和信息化局", "青岛市", "responsible"),
        ],
        funding=[Funding("s2", "贴息", 50.0, 5_000_000.0, None, None, None, None, "按贷款利息50%贴息", (35, 45))],
        citations=[Citation(None, "工信部联规〔2024〕10号", (2, 4))],
    )
    return [ministry, cq_notice, cq_plan, qd_plan]
