"""Reading a verbatim record PDF as published (two columns) with PDFium.

PDFium (through pypdfium2) gives each text run with its box and font. The cover page is read
row by row; body pages are read left column then right column, with the running header and
the footer (page number, document number, barcode) dropped by position. Bold, italic,
indentation and paragraph gaps are kept on each line for the record parser.
"""

from __future__ import annotations

import ctypes
import re
import statistics
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from .limits import MAX_PDF_BYTES, MAX_PDF_PAGES, MAX_PDF_SECONDS, Deadline, check_file_size
from .lines import Line
from .model import ParseError
from .ocr import is_scan, read_scan
from .textfix import drop_control

# Page furniture bands, as fractions of the page height (measured on A4/letter S/PV records:
# header baseline at ~92 % of the height, footer top at ~9 %).
HEADER_BAND = 0.905
FOOTER_BAND = 0.105
SOFT_HYPHEN = "\x02"  # PDFium's mark for a hyphen that ends a line


@dataclass
class _Run:
    text: str
    left: float
    bottom: float
    right: float
    top: float
    style: str


@dataclass(frozen=True)
class PdfPages:
    cover: tuple[str, ...]  # the first page, row by row
    body: tuple[Line, ...]
    page_count: int
    reader: str = "text"  # "text": the PDF's text layer; "ocr": a scan read through OCR


def read_pdf(path: str | Path) -> PdfPages:
    """The cover rows and body lines of a record PDF. Within the size, page and time limits
    (``limits``); anything PDFium cannot read (a page tree that loops, a broken page) is a
    ParseError naming the file, and the page where there is one."""
    name = str(path)
    check_file_size(Path(path), MAX_PDF_BYTES, "a record PDF")
    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise ParseError(f"not a readable PDF ({exc})", path=name, line=None) from exc
    page = 0
    try:
        page_count = len(document)
        if page_count == 0:
            raise ParseError("the PDF has no pages", path=name)
        if page_count > MAX_PDF_PAGES:
            raise ParseError(f"the PDF declares {page_count} pages (a record has at most {MAX_PDF_PAGES})", path=name)
        deadline = Deadline(MAX_PDF_SECONDS, path=name)
        if is_scan(document, path=name):
            scan_cover, scan_body = read_scan(document, path=name)
            return PdfPages(cover=tuple(scan_cover), body=tuple(scan_body), page_count=page_count, reader="ocr")
        cover: list[str] = []
        body: list[Line] = []
        number = 0
        for index in range(page_count):
            page = index + 1
            deadline.check(f"page {page} of {page_count}")
            runs, width, height = _page_runs(document[index])
            if index == 0:
                cover = _rows(runs)
                continue
            for line in _body_lines(runs, width, height, page):
                number += 1
                body.append(
                    Line(
                        text=line.text,
                        number=number,
                        page=line.page,
                        style=line.style,
                        bold_prefix=line.bold_prefix,
                        indent=line.indent,
                        gap_before=line.gap_before,
                        column_start=line.column_start,
                    )
                )
        if not cover and not body:
            raise ParseError("the PDF has no text layer (a scan?)", path=name)
        return PdfPages(cover=tuple(cover), body=tuple(body), page_count=page_count)
    except pdfium.PdfiumError as exc:
        where = f" (page {page})" if page else ""
        raise ParseError(f"not a readable PDF{where}: {exc}", path=name) from exc
    finally:
        document.close()


def _style(textpage: pdfium.PdfTextPage, index: int, buffer: ctypes.Array) -> str:
    flags = ctypes.c_int()
    pdfium_c.FPDFText_GetFontInfo(textpage.raw, index, buffer, len(buffer), ctypes.byref(flags))
    font = buffer.value.decode("latin-1").lower()
    weight = pdfium_c.FPDFText_GetFontWeight(textpage.raw, index)
    if "bold" in font or weight >= 600:
        return "bold"
    if "italic" in font or "oblique" in font or flags.value & (1 << 6):
        return "italic"
    return "regular"


def _page_runs(page: pdfium.PdfPage) -> tuple[list[_Run], float, float]:
    width, height = page.get_size()
    textpage = page.get_textpage()
    buffer = ctypes.create_string_buffer(256)
    runs: list[_Run] = []
    for i in range(textpage.count_rects()):
        left, bottom, right, top = textpage.get_rect(i)
        text = textpage.get_text_bounded(left, bottom, right, top)
        text = drop_control(text.replace("\r", "").replace("\n", " "), keep=SOFT_HYPHEN)
        if not text.strip():
            continue
        index = textpage.get_index(left + 0.5, (bottom + top) / 2, 2, 4)
        style = _style(textpage, index, buffer) if index is not None and index >= 0 else "regular"
        runs.append(_Run(text, left, bottom, right, top, style))
    return runs, width, height


def _group_rows(runs: list[_Run]) -> list[list[_Run]]:
    """Runs sharing a baseline (within 3.5 pt), top to bottom, each row left to right."""
    rows: list[list[_Run]] = []
    for run in sorted(runs, key=lambda r: (-r.bottom, r.left)):
        if rows and abs(rows[-1][0].bottom - run.bottom) < 3.5:
            rows[-1].append(run)
        else:
            rows.append([run])
    return [sorted(row, key=lambda r: r.left) for row in rows]


def _rows(runs: list[_Run]) -> list[str]:
    """The printed rows of a page across its whole width (the cover page), top to bottom."""
    return [" ".join(r.text.strip() for r in row).replace(SOFT_HYPHEN, "-") for row in _group_rows(runs)]


@dataclass
class _BodyLine:
    text: str
    page: int
    style: str
    bold_prefix: str
    left: float
    bottom: float
    top: float
    indent: bool | None = None
    gap_before: bool | None = None
    column_start: bool = False


def _body_lines(runs: list[_Run], width: float, height: float, page: int) -> list[_BodyLine]:
    body = [r for r in runs if r.bottom < height * HEADER_BAND and r.top > height * FOOTER_BAND]
    middle = width / 2
    columns: list[list[_Run]] = [[], []]
    for run in body:
        columns[0 if run.left < middle else 1].append(run)
    out: list[_BodyLine] = []
    for column in columns:
        lines = _column_lines(column, page)
        if not lines:
            continue
        margin = min(line.left for line in lines)
        pitches = [a.bottom - b.bottom for a, b in zip(lines, lines[1:], strict=False)]
        pitch = statistics.median(pitches) if pitches else 12.0
        previous: _BodyLine | None = None
        for line in lines:
            line.indent = line.left - margin > 8
            line.gap_before = previous is not None and previous.bottom - line.bottom > pitch * 1.3
            line.column_start = previous is None
            previous = line
        out.extend(lines)
    return out


def _column_lines(runs: list[_Run], page: int) -> list[_BodyLine]:
    lines = []
    for row in _group_rows(runs):
        row = _drop_overprints(row)
        text = "".join(r.text for r in row).strip().replace(SOFT_HYPHEN, "-")
        text = re.sub(r"\(\s*\(", "(", text)  # a parenthesis set twice across two runs
        bold = ""
        for run in row:
            if run.style != "bold":
                break
            bold += run.text
        lines.append(
            _BodyLine(
                text=text,
                page=page,
                style=row[0].style,
                bold_prefix=bold.strip(),
                left=row[0].left,
                bottom=min(r.bottom for r in row),
                top=max(r.top for r in row),
            )
        )
    return lines


def _drop_overprints(row: list[_Run]) -> list[_Run]:
    """Drop what is printed twice where two runs overlap (a bold '(' set again in roman)."""
    out: list[_Run] = []
    for run in row:
        if out and run.left < out[-1].right - 0.5:
            previous = out[-1].text.rstrip()
            text = run.text.lstrip()
            if previous.endswith(text.strip()):
                continue
            if text and previous and text[0] == previous[-1] and not text[0].isalnum():
                run = _Run(text[1:], run.left, run.bottom, run.right, run.top, run.style)
        out.append(run)
    return out
