"""Security Council resolution texts ("S-RES-1540(2004).txt"): number, year, adoption, citations.

Two header styles occur: newer texts carry the document header ("United Nations / Security
Council / S/RES/1540 (2004) / Distr.: General ..." then "Resolution 1540 (2004) / Adopted by the
Security Council at its 4956th meeting, on 28 April 2004"); older ones start with
"Resolution 242 (1967) / of 22 November 1967". Files are UTF-8 (some with a BOM) or Windows-1252,
with LF or CRLF line ends.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from archive.citations import Citation, find_citations

from .corpus import decode_speech
from .cover import MONTHS
from .limits import MAX_TEXT_BYTES, check_file_size
from .model import ParseError

FILENAME_RE = re.compile(r"S-RES-(\d+)\((\d{4})\)", re.I)
TITLE_RE = re.compile(r"^\s*Resolution\s+(\d+)\s*(?:\([A-Z]\)\s*)?\((\d{4})\)", re.M)
ADOPTED_RE = re.compile(
    r"Adopted by the Security Council at its\s+(\d+)(?:st|nd|rd|th)\s+meeting,?\s+on\s+(\d{1,2})\s+([A-Z][a-z]+)\s+(\d{4})"
)
OF_DATE_RE = re.compile(r"^\s*of\s+(\d{1,2})\s+([A-Z][a-z]+)\s+(\d{4})\s*$", re.M)


@dataclass(frozen=True)
class ParsedResolution:
    number: int
    year: int | None
    adopted_on: dt.date | None
    meeting_number: int | None
    text: str  # as read, decoded, with LF line ends
    citations: tuple[Citation, ...]  # of other resolutions; its own number excluded
    source_name: str
    warnings: tuple[str, ...] = ()


def decode(data: bytes, *, path: str) -> str:
    """UTF-8 (a BOM allowed) or Windows-1252, line ends made LF; NUL bytes refused."""
    if b"\x00" in data:
        raise ParseError("binary content (NUL byte), not a resolution text", path=path, line=1)
    try:
        return decode_speech(data)
    except UnicodeDecodeError:  # bytes Windows-1252 leaves undefined (0x81, 0x8d, ...)
        return data.decode("cp1252", errors="replace").replace("\r\n", "\n").replace("\r", "\n")


def _date(day: str, month: str, year: str) -> dt.date | None:
    if month not in MONTHS:
        return None
    try:
        return dt.date(int(year), MONTHS[month], int(day))
    except ValueError:
        return None


def parse_resolution_text(
    text: str, *, path: str = "<text>", number: int | None = None, year: int | None = None
) -> ParsedResolution:
    head = text[:3000]
    warnings: list[str] = []
    title = TITLE_RE.search(head)
    if title:
        line = head[: title.start()].count("\n") + 1
        if number is not None and int(title.group(1)) != number:
            symbol = re.search(rf"S/RES/{number}\s*\((\d{{4}})\)", head)
            if not symbol:
                raise ParseError(
                    f"file name says resolution {number} but the text is resolution {title.group(1)}",
                    path=path,
                    line=line,
                )
            # The symbol line and the file name agree: the printed title is the misprint.
            warnings.append(f"line {line}: title says resolution {title.group(1)}, symbol S/RES/{number}")
            year = int(symbol.group(1))
        else:
            number = int(title.group(1))
            year = int(title.group(2))
    if number is None:
        raise ParseError("no 'Resolution N (YYYY)' title and no number in the file name", path=path, line=1)
    adopted_on = None
    meeting_number = None
    adopted = ADOPTED_RE.search(head)
    if adopted:
        meeting_number = int(adopted.group(1))
        adopted_on = _date(adopted.group(2), adopted.group(3), adopted.group(4))
    else:
        of = OF_DATE_RE.search(head)
        if of:
            adopted_on = _date(of.group(1), of.group(2), of.group(3))
    citations = tuple(find_citations(text, self_number=number))
    return ParsedResolution(
        number=number,
        year=year,
        adopted_on=adopted_on,
        meeting_number=meeting_number,
        text=text,
        citations=citations,
        source_name=Path(path).name,
        warnings=tuple(warnings),
    )


def parse_resolution_file(path: str | Path) -> ParsedResolution:
    p = Path(path)
    m = FILENAME_RE.search(p.name)
    check_file_size(p, MAX_TEXT_BYTES, "a resolution text")
    text = decode(p.read_bytes(), path=str(p))
    if not text.strip():
        raise ParseError("empty resolution file", path=str(p), line=1)
    return parse_resolution_text(
        text, path=str(p), number=int(m.group(1)) if m else None, year=int(m.group(2)) if m else None
    )
