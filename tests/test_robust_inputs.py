"""`policykb build` on a folder of good documents mixed with every kind of bad file (issue 7, bad inputs).

The bad files are made here, not checked in: a truncated, an encrypted, a scanned and a 2,000-page PDF, an
empty file, a binary file named .txt, a 100 MB text file, a zip-bomb .docx, an old .doc, a symlink loop, a file
nobody may read, a file name that is not UTF-8 and one document saved twice. Good ones: two seeds and a seed
saved as GBK without a BOM. The build must keep every good document, name every bad file with a reason and a
fix, and exit with status 3 (something skipped).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fixtures import (
    make_encrypted_pdf,
    make_pdf,
    make_scanned_pdf,
    make_truncated_pdf,
    make_zip_bomb_docx,
    seed_text,
)
from kb_helpers import run, run_json
from reportlab.pdfgen import canvas

from cli import CORPUS_DIR, EXIT_SKIPPED
from kb import open_kb

LONG_PDF_PAGES = 2000
HUGE_TEXT_BYTES = 100 * 1024 * 1024
GBK_NAME = "\u91cd\u5e86".encode("gbk")  # 重庆 in GBK: not valid UTF-8 as a file name
DROP_READ_OVERRIDE = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]


def _seed_path(name: str) -> Path:
    (path,) = CORPUS_DIR.glob(f"{name}_*.txt")
    return path


@pytest.fixture(scope="session")
def long_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A PDF of 2,000 tiny pages (about 1 s to write), made once per session."""
    path = tmp_path_factory.mktemp("long") / "long.pdf"
    pdf = canvas.Canvas(str(path), pagesize=(72, 72))
    for number in range(LONG_PDF_PAGES):
        pdf.setFont("Helvetica", 8)
        pdf.drawString(10, 10, str(number + 1))
        pdf.showPage()
    pdf.save()
    return path


def _can_drop_read_override() -> bool:
    """Whether this root process can start children that obey file permissions (setpriv drops the capability)."""
    if shutil.which("setpriv") is None:
        return False
    probe = subprocess.run([*DROP_READ_OVERRIDE, "true"], capture_output=True)
    return probe.returncode == 0


def _unprivileged_prefix() -> list[str]:
    """Run children so that chmod 000 stops them, as it stops every user but root.

    Tests run as root in CI, and root reads any file. Dropping CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from
    the child (setpriv) makes permissions apply to it again while it keeps access to root's own Python.
    """
    if os.geteuid() != 0:
        return []
    if _can_drop_read_override():
        return DROP_READ_OVERRIDE
    pytest.skip("running as root without setpriv: chmod 000 cannot make a file unreadable here")


# name → (what the reason must say, words of the suggested fix)
BAD_FILES: dict[str, tuple[str, str]] = {
    "truncated.pdf": ("cut off", "download or copy it again"),
    "encrypted.pdf": ("password-protected", "save an unprotected copy"),
    "scanned.pdf": ("no text layer", "run OCR"),
    "long.pdf": ("2000 pages", "--max-pages"),
    "empty.txt": ("empty", "check that the download"),
    "binary.txt": ("binary", "save"),
    "huge.txt": ("100.0 MB, over the --max-mb limit of 50 MB", "raise --max-mb"),
    "bomb.docx": ("zip bomb", "raise the limit only if you trust"),
    "old.doc": (".doc", "save it as .docx or PDF"),
    "loop_a.txt": ("symlink loop", "fix or delete the link"),
    "loop_b.txt": ("symlink loop", "fix or delete the link"),
    "locked.txt": ("permission denied", "ask for read access"),
    GBK_NAME.decode("utf-8", errors="replace") + ".txt": ("not valid UTF-8", "rename the file"),
}
GOOD_FILES = ["000.txt", "004.txt", "gbk.txt"]
DUPLICATE = "copy_of_000.txt"


def make_bad_corpus(folder: Path, long_pdf: Path) -> Path:
    """Good and bad files side by side in ``folder``."""
    folder.mkdir(parents=True)
    shutil.copy(_seed_path("000"), folder / "000.txt")
    shutil.copy(_seed_path("004"), folder / "004.txt")
    (folder / "gbk.txt").write_bytes(seed_text("002").encode("gbk"))  # no BOM
    shutil.copy(_seed_path("000"), folder / DUPLICATE)
    make_truncated_pdf(folder / "truncated.pdf")
    make_encrypted_pdf(folder / "encrypted.pdf")
    make_scanned_pdf(folder / "scanned.pdf")
    shutil.copy(long_pdf, folder / "long.pdf")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 64)
    with open(folder / "huge.txt", "wb") as handle:  # 100 MB of text, written as one repeated block
        block = ("一、总体要求。" * 100 + "\n").encode() * 512
        while handle.tell() < HUGE_TEXT_BYTES:
            handle.write(block)
        handle.truncate(HUGE_TEXT_BYTES)
    make_zip_bomb_docx(folder / "bomb.docx")
    (folder / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    (folder / "loop_a.txt").symlink_to(folder / "loop_b.txt")
    (folder / "loop_b.txt").symlink_to(folder / "loop_a.txt")
    locked = folder / "locked.txt"
    shutil.copy(_seed_path("003"), locked)
    locked.chmod(0)
    with open(os.path.join(os.fsencode(folder), GBK_NAME + b".txt"), "wb") as handle:
        handle.write(seed_text("001").encode())
    return folder


@pytest.fixture(scope="module")
def bad_build(tmp_path_factory: pytest.TempPathFactory, long_pdf: Path) -> tuple[subprocess.CompletedProcess, Path]:
    """`policykb build --json` of the bad corpus, in its own process that file permissions apply to."""
    prefix = _unprivileged_prefix()
    root = tmp_path_factory.mktemp("bad")
    folder = make_bad_corpus(root / "files", long_pdf)
    kb = root / "kb"
    started = time.monotonic()
    result = subprocess.run(
        [*prefix, sys.executable, "-m", "cli", "build", str(folder), "--kb", str(kb), "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    print(f"bad-corpus build took {time.monotonic() - started:.1f} s")
    return result, kb


def _report(bad_build: tuple[subprocess.CompletedProcess, Path]) -> dict:
    result, _ = bad_build
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == EXIT_SKIPPED, result.stderr
    return json.loads(result.stdout)


def test_build_keeps_every_good_document(bad_build: tuple[subprocess.CompletedProcess, Path]) -> None:
    report = _report(bad_build)
    added = sorted(Path(p).name for p in report["added"])
    assert added == sorted(GOOD_FILES), report
    _, kb = bad_build
    assert run_json("stats", "--kb", kb)["files"] == len(GOOD_FILES)
    assert run_json("check", "--kb", kb)["ok"]
    hits = run_json("search", "技术改造", "--kb", kb)
    assert hits


def test_gbk_file_without_bom_is_read_as_chinese(bad_build: tuple[subprocess.CompletedProcess, Path]) -> None:
    _, kb = bad_build
    with open_kb(kb) as k:
        numbers = {d.doc_number for d in k.documents() if d.id in k.find_documents("工信厅联规函")}
    assert numbers == {"工信厅联规函〔2025〕108号"}
    hits = run_json("search", "城市试点", "--kb", kb, "--doc", "工信厅联规函")
    assert hits and all("\ufffd" not in hit["text"] for hit in hits)


@pytest.mark.parametrize(("name", "why", "fix"), [(n, *v) for n, v in BAD_FILES.items()], ids=list(BAD_FILES))
def test_every_bad_file_is_reported_with_reason_and_fix(
    bad_build: tuple[subprocess.CompletedProcess, Path], name: str, why: str, fix: str
) -> None:
    report = _report(bad_build)
    reasons = {Path(s["path"]).name: s["reason"] for s in report["skipped"]}
    assert name in reasons, sorted(reasons)
    assert why in reasons[name] and fix in reasons[name], reasons[name]
    assert "\n" not in reasons[name]


def test_the_same_document_twice_is_kept_once(bad_build: tuple[subprocess.CompletedProcess, Path]) -> None:
    report = _report(bad_build)
    reasons = {Path(s["path"]).name: s["reason"] for s in report["skipped"]}
    assert "the same document" in reasons[DUPLICATE] and "000.txt" in reasons[DUPLICATE]


def test_nothing_else_is_skipped(bad_build: tuple[subprocess.CompletedProcess, Path]) -> None:
    report = _report(bad_build)
    skipped = sorted(Path(s["path"]).name for s in report["skipped"])
    assert skipped == sorted([*BAD_FILES, DUPLICATE])


def test_the_summary_for_people_lists_each_skipped_file(tmp_path: Path, long_pdf: Path) -> None:
    folder = tmp_path / "files"
    folder.mkdir()
    shutil.copy(_seed_path("004"), folder / "004.txt")
    shutil.copy(long_pdf, folder / "long.pdf")
    (folder / "empty.txt").write_bytes(b"")
    result = run("build", folder, "--kb", tmp_path / "kb")
    assert result.exit_code == EXIT_SKIPPED, result.output
    assert "跳过 2 个文件" in result.output
    assert "long.pdf" in result.output and "--max-pages" in result.output
    assert "empty.txt" in result.output and "empty" in result.output


# --- per-file limits: defaults are sane, options change them, a file over one is skipped whole ------------------


def test_the_page_limit_rejects_before_reading_every_page(long_pdf: Path) -> None:
    from extract.readers import read_source
    from model import UnreadableFileError

    started = time.monotonic()
    with pytest.raises(UnreadableFileError, match="2000 pages"):
        read_source(long_pdf, max_pages=1000)
    assert time.monotonic() - started < 1.0, "counting pages must not open all 2,000 of them"


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        (["--max-pages", "1"], "--max-pages"),
        (["--max-mb", "0.001"], "--max-mb"),
        (["--timeout", "0.001"], "--timeout"),
    ],
    ids=["pages", "size", "time"],
)
def test_a_file_over_a_limit_is_skipped_and_the_kb_unchanged(tmp_path: Path, options: list[str], reason: str) -> None:
    files = tmp_path / "files"
    files.mkdir()
    shutil.copy(_seed_path("000"), files / "000.txt")
    kb = tmp_path / "kb"
    run_json("build", files, "--kb", kb)
    before = run_json("stats", "--kb", kb)
    pdf = make_pdf(tmp_path / "new.pdf", seed_text("004"))
    result = run("add", pdf, "--kb", kb, *options, "--json")
    assert result.exit_code == EXIT_SKIPPED, result.output
    report = json.loads(result.stdout)
    assert report["added"] == [] and report["changed"] is False
    assert [Path(s["path"]).name for s in report["skipped"]] == ["new.pdf"]
    assert reason in report["skipped"][0]["reason"]
    after = run_json("stats", "--kb", kb)
    assert after["generation"] == before["generation"] and after["files"] == 1


def test_the_same_file_within_the_limits_goes_in(tmp_path: Path) -> None:
    files = tmp_path / "files"
    files.mkdir()
    make_pdf(files / "new.pdf", seed_text("004"))
    result = run("build", files, "--kb", tmp_path / "kb", "--max-pages", "50", "--max-mb", "5", "--timeout", "60")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("option", ["--max-mb", "--max-pages", "--timeout"])
def test_limit_defaults_are_shown_in_help(option: str) -> None:
    result = run("build", "--help")
    line = next(line for line in result.output.splitlines() if option in line)
    assert "default:" in line or "default" in result.output[result.output.index(option) :][:200]


@pytest.mark.parametrize("value", ["0", "-1", "many"])
def test_a_nonsense_limit_gets_a_usage_error(tmp_path: Path, value: str) -> None:
    result = run("build", CORPUS_DIR, "--kb", tmp_path / "kb", "--max-mb", value)
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "--max-mb" in result.output
