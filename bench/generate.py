"""Make a realistic, deterministic corpus of N policy documents for the benchmark.

The documents follow the structure of the real seeds: a 通知 that 印发s a plan,
numbered tasks 一、/（一）/1. with targets, funding clauses and 责任单位 notes,
varied jurisdictions, agencies, numbers, task counts and lengths. About one
in twenty is written as a PDF. The same ``seed`` always gives the same corpus.

    python bench/generate.py OUT_DIR [--n 10000] [--seed 7] [--pdf-share 0.05]
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterator
from pathlib import Path

CITIES = [
    ("重庆市", "渝"),
    ("青岛市", "青"),
    ("成都市", "成"),
    ("武汉市", "武"),
    ("西安市", "西"),
    ("苏州市", "苏"),
    ("杭州市", "杭"),
    ("宁波市", "甬"),
    ("合肥市", "合"),
    ("长沙市", "长"),
    ("郑州市", "郑"),
    ("济南市", "济"),
    ("天津市", "津"),
    ("广州市", "穗"),
    ("深圳市", "深"),
    ("厦门市", "厦"),
    ("南京市", "宁"),
    ("沈阳市", "沈"),
]
AGENCIES = [
    "市经济和信息化局",
    "市发展改革委",
    "市财政局",
    "市科技局",
    "市商务局",
    "市市场监管局",
    "市生态环境局",
    "市人力社保局",
    "市自然资源局",
    "市税务局",
    "市教委",
    "市国资委",
    "市委金融办",
    "市通信管理局",
    "市住房城乡建设委",
    "市交通运输委",
    "市应急管理局",
    "市统计局",
    "市大数据发展局",
    "市知识产权局",
]
DISTRICTS = ["各区县政府", "各区(市)政府", "各开发区管委会", "市级有关部门"]
VERBS = ["推动", "加快", "支持", "培育", "实施", "深化", "完善", "强化", "提升", "促进", "打造", "推进"]
OBJECTS = [
    "增产扩能型改造",
    "提质增效型改造",
    "数字化智能化改造",
    "绿色化改造",
    "安全化改造",
    "设备更新",
    "智能工厂建设",
    "绿色工厂创建",
    "工业互联网平台培育",
    "服务商队伍建设",
    "产业链协同创新",
    "中小企业数字化转型",
    "首台(套)装备推广应用",
    "工业软件攻关",
    "技术改造项目储备",
    "园区整体数字化改造",
    "标准体系建设",
    "专精特新企业培育",
    "5G应用场景拓展",
    "节能降碳改造",
    "清洁生产评估",
    "人才队伍建设",
    "融资服务创新",
]
FILLERS = [
    "聚焦重点行业和关键环节,引导企业加大投入,加快先进适用技术推广应用。",
    "鼓励企业结合自身实际选取先进适用工艺技术装备开展主要设备装置升级。",
    "建立项目储备库,实行动态管理,定期开展调度,强化要素保障和跟踪服务。",
    "发挥龙头企业带动作用,推动产业链上下游企业协同改造、整体提升。",
    "完善公共服务平台,开展诊断咨询、供需对接和示范观摩等活动。",
    "加强部门协同,统筹用好各类政策资源,形成工作合力。",
]
METRICS = [
    ("新实施技术改造项目", "个"),
    ("新建智能工厂", "家"),
    ("新建数字化车间", "个"),
    ("培育绿色工厂", "家"),
    ("新建5G基站", "个"),
    ("培育技术改造服务商", "家"),
    ("带动更新设备", "台(套)"),
    ("开展政策宣贯活动", "场"),
    ("培育专精特新企业", "家"),
    ("完成清洁生产评估", "家"),
]
SHARES = [
    "工业技术改造投资增长",
    "关键工序数控化率达到",
    "数字化研发设计工具普及率达到",
    "规上工业企业数字化改造覆盖率达到",
]
INSTRUMENTS = ["补助", "奖励", "补贴", "贴息"]


def _task(rng: random.Random, number: str, city: str) -> str:
    heading = rng.choice(VERBS) + rng.choice(OBJECTS)
    body = "".join(rng.sample(FILLERS, rng.randint(1, 3)))
    if rng.random() < 0.6:
        metric, unit = rng.choice(METRICS)
        body += f"全年力争{metric}{rng.randint(2, 3000)}{unit}以上。"
    if rng.random() < 0.35:
        instrument = rng.choice(INSTRUMENTS)
        body += (
            f"对投资{rng.choice([500, 1000, 2000, 5000])}万元(含)以上的项目,按设备投资的{rng.randint(3, 30)}%"
            f"给予{instrument},单个项目最高{instrument}{rng.choice([50, 100, 200, 500, 1000, 2000])}万元。"
        )
    units = rng.sample(AGENCIES, rng.randint(1, 4))
    if rng.random() < 0.5:
        units.append(rng.choice(DISTRICTS))
    return f"({number}){heading}。{body}(责任单位:{'、'.join(units)})\n"


def make_document(rng: random.Random, k: int) -> str:
    """One notice with the plan it forwards, as plain text."""
    city, short = rng.choice(CITIES)
    year = rng.randint(2019, 2026)
    topic = rng.choice(OBJECTS)
    plan = f"{city}{topic}行动方案({year}—{year + 2}年)"
    cn = "一二三四五六七八九十"
    lines = [
        f"{short}经信发〔{year}〕{k % 300 + 1}号",
        f"{city}经济和信息化局关于印发《{plan}》的通知",
        "各区县人民政府,市级有关部门,有关单位:",
        f"现将《{plan}》印发给你们,请认真贯彻执行。",
        f"{city}经济和信息化局",
        f"{year}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日",
        plan,
        f"为加快推动{topic},结合我市实际,制定本方案。",
        "一、主要目标",
        f"到{year + 2}年,{rng.choice(SHARES)}{rng.randint(5, 90)}%以上,"
        f"{rng.choice(METRICS)[0]}{rng.randint(10, 2000)}个以上。",
        "二、重点任务",
    ]
    lines += [_task(rng, cn[i] if i < 10 else str(i + 1), city).rstrip("\n") for i in range(rng.randint(3, 16))]
    lines += ["三、保障措施", f"(一)加强组织领导。{rng.choice(FILLERS)}(责任单位:{rng.choice(AGENCIES)})"]
    return "\n".join(lines) + "\n"


def write_pdf(path: Path, text: str) -> None:
    """The document as a PDF with a CJK font, page numbers and real line breaks."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    page = canvas.Canvas(str(path), pagesize=A4)
    width, height = A4
    y, per_line, number = height - 60, 36, 1
    for paragraph in text.split("\n"):
        pieces = [paragraph[i : i + per_line] for i in range(0, len(paragraph), per_line)] or [""]
        for piece in pieces:
            if y < 60:
                page.setFont("STSong-Light", 10)
                page.drawCentredString(width / 2, 30, f"— {number} —")
                page.showPage()
                y, number = height - 60, number + 1
            page.setFont("STSong-Light", 12)
            page.drawString(50, y, piece)
            y -= 18
    page.setFont("STSong-Light", 10)
    page.drawCentredString(width / 2, 30, f"— {number} —")
    page.save()


def documents(n: int, seed: int = 7, pdf_share: float = 0.05) -> Iterator[tuple[str, str]]:
    """``(file name, text)`` of the first ``n`` documents; the first ``m < n`` are the same for any ``n``."""
    rng = random.Random(seed)
    for k in range(n):
        text = make_document(rng, k)
        suffix = "pdf" if rng.random() < pdf_share else "txt"
        yield f"doc{k:05d}.{suffix}", text


def generate(out: Path, n: int, seed: int = 7, pdf_share: float = 0.05) -> list[Path]:
    """Write ``n`` documents under ``out`` and return their paths (deterministic for ``seed``)."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in documents(n, seed, pdf_share):
        path = out / name
        if name.endswith(".pdf"):
            write_pdf(path, text)
        else:
            path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--pdf-share", type=float, default=0.05)
    args = parser.parse_args()
    paths = generate(args.out, args.n, args.seed, args.pdf_share)
    print(f"wrote {len(paths)} documents to {args.out}")


if __name__ == "__main__":
    main()
