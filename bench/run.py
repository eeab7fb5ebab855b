"""The policykb benchmark: one command, one generated corpus, every figure the speed goals name.

    python bench/run.py [--n 10000] [--work /tmp/policykb-bench] [--markdown BENCHMARKS.md]

It generates the corpus (bench/generate.py, deterministic), then measures on it:
the jieba floor (``lcut_for_search`` over all the text, one process), ``policykb
build`` wall time and peak memory (the whole process tree), the build of the first
n/10 documents (how cost grows), in-process p50/p95 of search/who/duties over 50
fixed queries each, end-to-end ``policykb search``/``who`` (a new process each
time) and ``policykb add`` of one new file. Results go to ``WORK/results.json``
and, with ``--markdown``, to a Markdown report.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

import psutil

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (bench/ is not a package)

GOALS = {
    "build_over_floor": 2.0,
    "growth": 11.0,
    "build_peak_mb": 1536,
    "query_peak_mb": 500,
    "search_p95_ms": 50,
    "who_p95_ms": 20,
    "duties_p95_ms": 20,
    "cli_search_s": 0.5,
    "cli_who_s": 0.5,
    "add_s": 2.0,
}


# --------------------------------------------------------------------------- queries


def queries() -> dict[str, list[Any]]:
    """50 search, 50 who and 50 duties queries, the kind a policy researcher types (fixed, no randomness)."""
    cities = [c for c, _ in generate.CITIES]
    search = [
        "贴息",
        "补助",
        "智能工厂",
        "绿色工厂",
        "技术改造",
        "设备更新",
        "工业互联网",
        "专精特新",
        "数字化转型",
        "清洁生产",
        '"技术改造项目"',
        '"智能工厂"',
        "贴息 OR 补助",
        "奖励 NOT 补贴",
        "首台套",
        "5G",
        "节能降碳",
        "服务商",
        "产业链",
        "人才",
    ]
    search += generate.OBJECTS[:20]
    search += [f"{generate.INSTRUMENTS[i % 4]} {generate.OBJECTS[i]}" for i in range(10)]
    who = [obj for obj in generate.OBJECTS[:20]]
    who += [f"{generate.VERBS[i % len(generate.VERBS)]}{generate.OBJECTS[i + 3]}" for i in range(15)]
    who += [metric for metric, _ in generate.METRICS] + ["数控化率", "绿色化", "融资", "标准", "5G"]
    duties = [(agency, cities[i % len(cities)]) for i, agency in enumerate(generate.AGENCIES)]
    duties += [(agency, None) for agency in generate.AGENCIES[:15]]
    duties += [(agency.removeprefix("市"), cities[(i * 5) % len(cities)]) for i, agency in enumerate(generate.AGENCIES)]
    duties = duties[:50]
    assert len(search) == len(who) == len(duties) == 50
    return {"search": search, "who": who, "duties": duties}


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def in_process_latency(kb_path: Path) -> dict[str, Any]:
    """Run in a fresh process: open the KB once, one warm-up per kind, then time each query."""
    from kb import open_kb
    from kb.queries import duties, who
    from model import PolicyKBError

    out: dict[str, Any] = {}
    kb = open_kb(kb_path)
    asked = queries()
    runs = {
        "search": lambda text: kb.search(text, limit=10),
        "who": lambda text: who(kb, text),
        "duties": lambda pair: duties(kb, pair[0], pair[1]),
    }
    for kind, run in runs.items():
        started = time.perf_counter()
        with contextlib.suppress(Exception):  # a failure is counted below, on the timed run
            run(asked[kind][0])
        out[f"{kind}_first_ms"] = (time.perf_counter() - started) * 1000
        times, empty, failed = [], 0, []
        for item in asked[kind]:
            started = time.perf_counter()
            try:
                found = run(item)
            except PolicyKBError:  # "nothing matches" is an answer too
                found = []
            except Exception as exc:  # noqa: BLE001 - a defect the report must show, not hide
                found = []
                failed.append(f"{item}: {type(exc).__name__}: {exc}")
            times.append((time.perf_counter() - started) * 1000)
            empty += not found
        out[f"{kind}_p50_ms"] = _percentile(times, 0.5)
        out[f"{kind}_p95_ms"] = _percentile(times, 0.95)
        out[f"{kind}_empty"] = empty
        out[f"{kind}_failed"] = failed
    kb.close()
    out["query_peak_mb"] = psutil.Process().memory_info().rss / 1048576
    import resource

    out["query_peak_mb"] = max(out["query_peak_mb"], resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return out


# --------------------------------------------------------------------------- processes


def run_measured(cmd: list[str], interval: float = 0.05) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """Wall seconds and peak summed RSS (MB) of ``cmd`` and all its descendants (sampled)."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0.0]

    def sample() -> None:
        root = psutil.Process(proc.pid)
        while proc.poll() is None:
            try:
                members = [root, *root.children(recursive=True)]
                total = 0
                for member in members:
                    with contextlib.suppress(psutil.Error):  # a worker may end between listing and reading
                        total += member.memory_info().rss
                peak[0] = max(peak[0], total / 1048576)
            except psutil.Error:
                pass
            time.sleep(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = proc.communicate()
    elapsed = time.perf_counter() - started
    sampler.join()
    done = subprocess.CompletedProcess(cmd, proc.returncode, stdout, stderr)
    if proc.returncode not in (0, 3):  # 3: built, some files skipped
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{stderr[-2000:]}")
    return elapsed, peak[0], done


def policykb(*args: str) -> list[str]:
    """The command as a user runs it: the ``policykb`` script installed beside this Python.

    Not the first ``policykb`` on PATH: under pyenv that is a bash shim that finds the
    interpreter anew on every call (~0.16 s on this machine), a cost of the developer's
    setup, not of policykb (a venv or pip install puts the script itself on PATH).
    """
    beside = Path(sys.executable).with_name("policykb")
    exe = str(beside) if beside.is_file() else shutil.which("policykb")
    return [exe, *args] if exe else [sys.executable, "-c", "import cli; cli.main()", *args]


# --------------------------------------------------------------------------- steps


def jieba_floor(n: int, seed: int, pdf_share: float) -> dict[str, float]:
    """``jieba.lcut_for_search`` over the text of all ``n`` documents once, in this process."""
    import jieba

    texts = [text for _, text in generate.documents(n, seed, pdf_share)]
    started = time.perf_counter()
    jieba.initialize()
    loaded = time.perf_counter()
    for text in texts:
        jieba.lcut_for_search(text)
    done = time.perf_counter()
    return {"floor_s": done - loaded, "floor_load_s": loaded - started, "chars": sum(map(len, texts))}


def make_corpus(work: Path, n: int, small: int, seed: int, pdf_share: float) -> tuple[Path, Path, Path]:
    """The n-document corpus, its first ``small`` documents, and one more document for ``add``."""
    big, part, extra = work / f"corpus-{n}", work / f"corpus-{small}", work / "extra"
    stamp = big / ".generated"
    if not stamp.exists() or stamp.read_text() != f"{n} {seed} {pdf_share}":
        shutil.rmtree(big, ignore_errors=True)
        generate.generate(big, n, seed, pdf_share)
        stamp.write_text(f"{n} {seed} {pdf_share}")
    shutil.rmtree(part, ignore_errors=True)
    part.mkdir(parents=True)
    for path in sorted(p for p in big.iterdir() if not p.name.startswith("."))[:small]:
        os.link(path, part / path.name)
    shutil.rmtree(extra, ignore_errors=True)
    extra.mkdir()
    name, text = list(generate.documents(n + 1, seed + 1, 0.0))[-1]
    (extra / f"new-{name}").write_text(text, encoding="utf-8")
    return big, part, extra / f"new-{name}"


def build(corpus: Path, kb: Path) -> dict[str, float]:
    shutil.rmtree(kb, ignore_errors=True)
    elapsed, peak, done = run_measured(policykb("build", str(corpus), "--kb", str(kb), "--json"))
    report = json.loads(done.stdout)
    return {"s": elapsed, "peak_mb": peak, "files": len(report["added"]), "skipped": len(report["skipped"])}


def latency_runs(kb: Path, repeat: int) -> dict[str, Any]:
    """:func:`in_process_latency` in ``repeat`` fresh processes, one after another: each figure is the median
    of the runs (one run's p95 is its third-slowest query, and swings by a third between fresh processes on
    this machine); every run's p95 is kept too (``*_p95_runs``)."""
    runs = []
    for _ in range(repeat):
        measured = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--latency", str(kb)], capture_output=True, text=True
        )
        if measured.returncode:
            raise SystemExit(f"latency run failed:\n{measured.stderr[-2000:]}")
        runs.append(json.loads(measured.stdout))
    out = dict(runs[0])
    for key in [key for key in runs[0] if key.endswith("_ms")]:
        out[key] = statistics.median(run[key] for run in runs)
    for kind in ("search", "who", "duties"):
        out[f"{kind}_p95_runs"] = [run[f"{kind}_p95_ms"] for run in runs]
        out[f"{kind}_empty"] = max(run[f"{kind}_empty"] for run in runs)
        out[f"{kind}_failed"] = sorted({failure for run in runs for failure in run[f"{kind}_failed"]})
    out["query_peak_mb"] = max(run["query_peak_mb"] for run in runs)
    return out


def cli_times(kb: Path, repeat: int) -> dict[str, float]:
    out: dict[str, float] = {}
    for name, args in {"search": ["search", "贴息"], "who": ["who", "绿色工厂"]}.items():
        times, peaks = [], []
        for _ in range(repeat):
            elapsed, peak, _ = run_measured(policykb(*args, "--kb", str(kb), "--json"))
            times.append(elapsed)
            peaks.append(peak)
        out[f"cli_{name}_s"] = statistics.median(times)
        out[f"cli_{name}_peak_mb"] = max(peaks)
    return out


def add_one(kb: Path, path: Path) -> dict[str, float]:
    elapsed, peak, _ = run_measured(policykb("add", str(path), "--kb", str(kb), "--json"))
    return {"add_s": elapsed, "add_peak_mb": peak}


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = psutil.virtual_memory().total / 2**30
    return f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GB RAM, Python {platform.python_version()}"


def run(n: int, work: Path, seed: int, pdf_share: float, repeat: int, log: bool = True) -> dict[str, Any]:
    loads: dict[str, float] = {}

    def say(message: str) -> None:
        loads[message] = round(os.getloadavg()[0], 1)  # other work on the machine skews every figure
        if log:
            print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    work.mkdir(parents=True, exist_ok=True)
    small = max(1, n // 10)
    results: dict[str, Any] = {"n": n, "small": small, "seed": seed, "pdf_share": pdf_share}
    results["machine"] = machine()
    results["date"] = date.today().isoformat()
    say(f"generating {n} documents in {work}")
    started = time.perf_counter()
    big, part, extra = make_corpus(work, n, small, seed, pdf_share)
    results["generate_s"] = time.perf_counter() - started
    results["pdfs"] = sum(1 for p in big.glob("*.pdf"))
    say("jieba floor")
    results.update(jieba_floor(n, seed, pdf_share))
    say(f"build of {small} documents")
    small_build = build(part, work / f"kb-{small}")
    results.update({f"build_small_{k}": v for k, v in small_build.items()})
    say(f"build of {n} documents")
    big_kb = work / f"kb-{n}"
    results.update({f"build_{k}": v for k, v in build(big, big_kb).items()})
    results["build_over_floor"] = results["build_s"] / results["floor_s"]
    results["growth"] = results["build_s"] / results["build_small_s"]
    say("in-process latency")
    results.update(latency_runs(big_kb, repeat))
    say("CLI end to end")
    results.update(cli_times(big_kb, repeat))
    say("add one file")
    results.update(add_one(big_kb, extra))
    results["query_peak_mb"] = max(results["query_peak_mb"], results["cli_search_peak_mb"], results["cli_who_peak_mb"])
    results["load"] = loads
    (work / "results.json").write_text(json.dumps(results, indent=1, ensure_ascii=False))
    say(f"done; results in {work / 'results.json'}")
    return results


# --------------------------------------------------------------------------- report


# (what, key in results, goal key, format of the figure)
GOAL_ROWS = [
    ("build ÷ jieba floor", "build_over_floor", "{:.1f}×", "≤ 2×"),
    ("build growth, n/10 → n documents", "growth", "{:.1f}×", "≤ 11×"),
    ("build peak memory (RSS, all processes)", "build_peak_mb", "{:,.0f} MB", "≤ 1,536 MB"),
    ("query process peak memory", "query_peak_mb", "{:,.0f} MB", "≤ 500 MB"),
    ("search p95 (in process)", "search_p95_ms", "{:.0f} ms", "≤ 50 ms"),
    ("who p95 (in process)", "who_p95_ms", "{:.0f} ms", "≤ 20 ms"),
    ("duties p95 (in process)", "duties_p95_ms", "{:.0f} ms", "≤ 20 ms"),
    ("`policykb search` end to end", "cli_search_s", "{:.2f} s", "≤ 0.5 s"),
    ("`policykb who` end to end", "cli_who_s", "{:.2f} s", "≤ 0.5 s"),
    ("`policykb add` one file", "add_s", "{:.2f} s", "≤ 2 s"),
]


def verdicts(r: dict[str, Any]) -> list[tuple[str, str, str, bool]]:
    """(what, measured, goal, met) for every goal."""
    return [(what, fmt.format(r[key]), goal, r[key] <= GOALS[key]) for what, key, fmt, goal in GOAL_ROWS]


def _latency(r: dict[str, Any], kind: str) -> str:
    runs = r.get(f"{kind}_p95_runs", [])
    each = f"; p95 of each run {' / '.join(f'{v:.1f}' for v in runs)}" if len(runs) > 1 else ""
    return (
        f"{r[f'{kind}_p50_ms']:.1f} / {r[f'{kind}_p95_ms']:.1f} / {r[f'{kind}_first_ms']:.0f} ms "
        f"({r[f'{kind}_empty']} of 50 found nothing{each})"
    )


def markdown(r: dict[str, Any], command: str) -> str:
    crashed = "; ".join(r["search_failed"] + r["who_failed"] + r["duties_failed"]) or "none"
    raw = [
        ("jieba floor (`lcut_for_search`, all text, 1 process)", f"{r['floor_s']:.1f} s"),
        ("jieba dictionary load (not in the floor)", f"{r['floor_load_s']:.1f} s"),
        (f"`policykb build`, {r['n']:,} docs", f"{r['build_s']:.1f} s, {r['build_files']:,} files in"),
        (f"`policykb build`, {r['small']:,} docs", f"{r['build_small_s']:.1f} s, {r['build_small_peak_mb']:,.0f} MB"),
        ("search p50 / p95 / first query", _latency(r, "search")),
        ("who p50 / p95 / first query", _latency(r, "who")),
        ("duties p50 / p95 / first query", _latency(r, "duties")),
        ("`policykb search 贴息` (median)", f"{r['cli_search_s']:.2f} s, {r['cli_search_peak_mb']:,.0f} MB"),
        ("`policykb who 绿色工厂` (median)", f"{r['cli_who_s']:.2f} s, {r['cli_who_peak_mb']:,.0f} MB"),
        ("`policykb add` one file", f"{r['add_s']:.2f} s, peak {r['add_peak_mb']:,.0f} MB"),
        ("queries that crashed", crashed),
        ("corpus generation (no goal)", f"{r['generate_s']:.0f} s"),
        ("load average (1 min) as each step began", "; ".join(f"{k}: {v}" for k, v in r.get("load", {}).items())),
    ]
    lines = [
        f"### {r['n']:,} documents — {r['date']}",
        "",
        f"- Machine: {r['machine']}",
        f"- Command: `{command}`",
        f"- Corpus: {r['n']:,} generated documents ({r['pdfs']} PDFs), {r['chars']:,} characters, seed {r['seed']}",
        "",
        "| measure | result | goal | met |",
        "| --- | --- | --- | --- |",
    ]
    lines += [f"| {what} | {got} | {goal} | {'yes' if ok else '**no**'} |" for what, got, goal, ok in verdicts(r)]
    lines += ["", "| raw figure | value |", "| --- | --- |"]
    lines += [f"| {what} | {value} |" for what, value in raw]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10_000, help="documents in the corpus (default 10,000)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/policykb-bench"), help="corpus and KBs go here")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--pdf-share", type=float, default=0.05)
    parser.add_argument(
        "--repeat", type=int, default=5, help="runs of each CLI command and of the in-process latency (medians kept)"
    )
    parser.add_argument("--markdown", type=Path, default=None, help="also write the report to this file")
    parser.add_argument("--latency", type=Path, default=None, help=argparse.SUPPRESS)  # internal: one KB's latencies
    args = parser.parse_args()
    if args.latency is not None:
        print(json.dumps(in_process_latency(args.latency)))
        return
    results = run(args.n, args.work, args.seed, args.pdf_share, args.repeat)
    report = markdown(results, "python " + " ".join(sys.argv))
    print(report)
    if args.markdown:
        args.markdown.write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
