"""The pdftotext reader: a record's text split into its cover rows and body lines, page furniture
and running titles dropped."""

from __future__ import annotations

from collections import Counter

from .cover import FURNITURE_RES, is_furniture
from .labels import match_label
from .lines import Line
from .model import ParseError


def text_lines(text: str, *, path: str) -> tuple[list[str], list[Line]]:
    """Split pdftotext output into the cover rows and the body lines (furniture dropped)."""
    if "\x00" in text:
        raise ParseError("binary content (NUL bytes) in a text record", path=path, line=1)
    raw_lines = text.replace("\x08", "\n").split("\n")
    # The cover is the first page; pdftotext separates pages with form feeds.
    cover_end = next((i for i, line in enumerate(raw_lines) if "\f" in line), None)
    if cover_end is None:
        cover_end = next((i for i, line in enumerate(raw_lines) if FURNITURE_RES[2].match(line.strip())), None)
    if cover_end is None:
        raise ParseError(
            "no page break or document barcode found: not pdftotext output of a verbatim record",
            path=path,
            line=1,
        )
    cover = [line.replace("\f", "") for line in raw_lines[: cover_end + 1]]
    cover = [line for line in cover if line.strip()]
    page = 2
    body: list[Line] = []
    titles = _running_titles(raw_lines[cover_end:])
    column_start = True
    for i in range(cover_end, len(raw_lines)):
        raw = raw_lines[i]
        if "\f" in raw:
            page += raw.count("\f") if i > cover_end else 0
            raw = raw.replace("\f", "")
            column_start = True
        line = raw.strip()
        if not line:
            continue
        if is_furniture(line) or line in titles:
            column_start = True
            continue
        body.append(Line(text=line, number=i + 1, page=page, column_start=column_start))
        column_start = False
    return cover, body


def _running_titles(lines: list[str]) -> set[str]:
    """Running headers that repeat on many pages (the agenda title in the page header)."""
    near_break: Counter[str] = Counter()
    for i, line in enumerate(lines):
        if "\f" in line or is_furniture(line.strip()):
            for j in range(max(0, i - 4), min(len(lines), i + 5)):
                cand = lines[j].replace("\f", "").strip()
                if cand and not is_furniture(cand) and len(cand) < 120 and not cand.endswith("."):
                    near_break[cand] += 1
    pages = sum(line.count("\f") for line in lines) or 1
    return {t for t, n in near_break.items() if n >= max(3, pages // 3) and not match_label(t)}
