"""Makers of real files (PDF, DOCX, HTML, text in other encodings) from a text, for tests everywhere.

Each ``make_*`` writes ``path`` and returns it. The PDF makers use reportlab's built-in CJK font STSong-Light,
which pdfplumber reads back as Unicode, so no font download is needed.
"""

from __future__ import annotations

import html
import io
import struct
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))


CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def seed_text(name: str) -> str:
    """The text of one seed document, e.g. seed_text("004") for corpus/004_*.txt."""
    (path,) = CORPUS.glob(f"{name}_*.txt")
    return path.read_text(encoding="utf-8")


def paragraphs(text: str) -> list[str]:
    """The non-blank lines of ``text``: what a PDF, DOCX or HTML version shows as paragraphs."""
    return [line.strip() for line in text.split("\n") if line.strip()]


# --- plain text -------------------------------------------------------------------------------------------------


def make_encoded(path: Path, text: str, encoding: str, newline: str = "\n") -> Path:
    """``text`` saved in ``encoding`` (e.g. "gb18030", "utf-16" (with BOM), "utf-8-sig"), with ``newline`` endings."""
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    return path


# --- PDF --------------------------------------------------------------------------------------------------------


def _wrap(paragraph: str, width: float, size: float, indent_chars: int) -> list[str]:
    """Break ``paragraph`` into lines no wider than ``width`` points, the first one indented."""
    lines: list[str] = []
    line = "\u3000" * indent_chars
    for ch in paragraph:
        if pdfmetrics.stringWidth(line + ch, FONT, size) > width:
            lines.append(line)
            line = ""
        line += ch
    lines.append(line)
    return lines


def make_pdf(
    path: Path,
    text: str,
    header: str | None = "某市人民政府文件",
    page_numbers: bool = True,
    size: float = 14,
    lines_per_page: int = 30,
    encrypt_password: str | None = None,
    official: bool = False,
) -> Path:
    """A text PDF of ``text``: one paragraph per non-blank line, wrapped to the page and indented two characters,
    with a running ``header`` on every page and a centred page number ``— N —`` at the foot.

    ``official`` lays it out more like a GB/T 9704 document: short leading lines (up to the first long paragraph)
    centred in a larger font, full lines justified by letter spacing, short lines near the end (signature, date)
    set flush right, the header only from page 2, and page numbers at the outer edge (right on odd pages).
    """
    page_w, page_h = A4
    margin = 72
    width = page_w - 2 * margin
    encrypt = StandardEncryption(encrypt_password, ownerPassword="owner") if encrypt_password else None
    pdf = canvas.Canvas(str(path), pagesize=A4, encrypt=encrypt)
    # (text, style, whether the line is full so it may be justified)
    lines: list[tuple[str, str, bool]] = []
    paras = paragraphs(text)
    in_title = official
    for k, para in enumerate(paras):
        if in_title and pdfmetrics.stringWidth(para, FONT, size) > width:
            in_title = False
        if in_title:
            lines.append((para, "title", False))
        elif official and len(para) <= 20 and k >= len(paras) - 3:
            lines.append((para, "right", False))
        else:
            wrapped = _wrap(para, width, size, indent_chars=2)
            lines.extend((line, "body", i < len(wrapped) - 1) for i, line in enumerate(wrapped))
    pages = [lines[i : i + lines_per_page] for i in range(0, len(lines), lines_per_page)] or [[]]
    for number, page in enumerate(pages, start=1):
        if header and (number > 1 or not official):
            pdf.setFont(FONT, 10)
            pdf.drawCentredString(page_w / 2, page_h - 40, header)
        y = page_h - margin
        for line, style, full in page:
            if style == "title":
                pdf.setFont(FONT, size * 1.4)
                pdf.drawCentredString(page_w / 2, y, line)
            elif style == "right":
                pdf.setFont(FONT, size)
                pdf.drawRightString(page_w - margin - 2 * size, y, line)
            else:
                shown = pdf.beginText(margin, y)
                shown.setFont(FONT, size)
                if official and full and len(line) > 1:
                    shown.setCharSpace((width - pdfmetrics.stringWidth(line, FONT, size)) / (len(line) - 1))
                shown.textOut(line)
                pdf.drawText(shown)
            y -= size * (2.2 if style == "title" else 1.6)
        if page_numbers:
            pdf.setFont(FONT, 10)
            if not official:
                pdf.drawCentredString(page_w / 2, 36, f"— {number} —")
            elif number % 2:
                pdf.drawRightString(page_w - margin, 36, f"— {number} —")
            else:
                pdf.drawString(margin, 36, f"— {number} —")
        pdf.showPage()
    pdf.save()
    return path


def make_table_pdf(path: Path, heading: str, rows: list[list[str]], widths: list[float], size: float = 11) -> Path:
    """A PDF with ``heading`` and a ruled table (like a 重点任务分工表); a cell's text wraps inside the cell, and a
    cell holding several units lists them one per line when they are separated by newlines."""
    page_w, page_h = A4
    left, pad, leading = 60.0, 4.0, size * 1.4
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.setFont(FONT, size * 1.3)
    pdf.drawString(left, page_h - 60, heading)
    pdf.setFont(FONT, size)
    y = page_h - 80
    xs = [left + sum(widths[:k]) for k in range(len(widths) + 1)]
    for row in rows:
        cells = [
            [part for item in cell.split("\n") for part in _wrap(item, w - 2 * pad, size, 0)]
            for cell, w in zip(row, widths, strict=True)
        ]
        height = max(len(lines) for lines in cells) * leading + 2 * pad
        for x, lines in zip(xs, cells, strict=False):
            for k, line in enumerate(lines):
                pdf.drawString(x + pad, y - pad - size - k * leading, line)
        for x in xs:
            pdf.line(x, y, x, y - height)
        pdf.line(xs[0], y, xs[-1], y)
        pdf.line(xs[0], y - height, xs[-1], y - height)
        y -= height
    pdf.showPage()
    pdf.save()
    return path


def make_encrypted_pdf(path: Path, text: str = "一、总体要求\n加快推进。", password: str = "secret") -> Path:
    """A PDF that opens only with a password."""
    return make_pdf(path, text, encrypt_password=password)


def make_scanned_pdf(path: Path, pages: int = 2) -> Path:
    """A PDF like a scan: each page only an image, no text layer."""
    from reportlab.lib.utils import ImageReader

    png = _tiny_png()
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for _ in range(pages):
        pdf.drawImage(ImageReader(io.BytesIO(png)), 72, 72, width=400, height=600)
        pdf.showPage()
    pdf.save()
    return path


def make_truncated_pdf(path: Path, text: str = "一、总体要求\n加快推进。" * 20) -> Path:
    """A text PDF cut off half-way, like an interrupted download."""
    make_pdf(path, text)
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])
    return path


def _tiny_png() -> bytes:
    """A valid 8x8 grey PNG, built with the standard library."""
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + bytes([128] * 8) for _ in range(8))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


# --- DOCX -------------------------------------------------------------------------------------------------------


def make_docx(path: Path, text: str, table: list[list[str]] | None = None) -> Path:
    """A Word file with one paragraph per non-blank line of ``text``; ``table`` rows are added at the end."""
    import docx

    document = docx.Document()
    for para in paragraphs(text):
        document.add_paragraph(para)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, cell in enumerate(row):
                grid.cell(r, c).text = cell
    document.save(str(path))
    return path


def make_zip_bomb_docx(path: Path, unzipped_mb: int = 4000) -> Path:
    """A .docx whose zip index says word/document.xml unpacks to ``unzipped_mb`` MB, as a zip bomb's does.

    The size fields are patched in place (writing a real multi-GB member would take seconds).
    """
    make_docx(path, "一、总体要求\n加快推进。")
    raw = bytearray(path.read_bytes())
    size = struct.pack("<I", min(unzipped_mb * 1024 * 1024, 0xFFFFFFFE))
    name = b"word/document.xml"
    for signature, size_at, name_at in ((b"PK\x01\x02", 24, 46), (b"PK\x03\x04", 22, 30)):
        at = raw.find(signature)
        while at >= 0:
            if raw[at + name_at : at + name_at + len(name)] == name:
                raw[at + size_at : at + size_at + 4] = size
            at = raw.find(signature, at + 4)
    path.write_bytes(bytes(raw))
    return path


# --- HTML -------------------------------------------------------------------------------------------------------


def make_html(path: Path, text: str, charset: str = "utf-8", declare: bool = True) -> Path:
    """A web page like a government site's: navigation, a script and a style around one <p> per paragraph,
    saved in ``charset`` (declared in a <meta> tag unless ``declare`` is False)."""
    body = "\n".join(f"<p>{html.escape(para)}</p>" for para in paragraphs(text))
    meta = f'<meta charset="{charset}">' if declare else ""
    page = (
        f"<!DOCTYPE html><html><head>{meta}<title>网站标题</title>"
        "<style>p { text-indent: 2em; }</style><script>var nav = '首页';</script></head>"
        '<body><div class="content">\n'
        f"{body}\n"
        "</div><script>console.log('统计');</script></body></html>"
    )
    path.write_bytes(page.encode(charset))
    return path
