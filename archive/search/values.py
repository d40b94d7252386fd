"""The values the search language's filters and symbols take, read without the database: dates
and date spans (within the span every engine can run), resolution numbers, meeting slugs, and a
query that is only a document symbol."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date

from archive.citations import DocumentReference, find_references

# The dates a query may name: both engines take them (Whoosh writes a year before 1000 with fewer
# than four digits and cannot read it back; tantivy keeps 1678-2262); an open end of a range is
# the edge of this span.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2200, 12, 31)


# --------------------------------------------------------------------------- filter values


@dataclass(frozen=True)
class DateSpan:
    start: date
    end: date  # inclusive


def parse_date_bound(text: str, *, end: bool) -> date | None:
    """'2020' / '2020-03' / '2020-03-15' -> the first (or, for ``end``, the last) day."""
    m = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", text.strip())
    if not m:
        return None
    year = int(m.group(1))
    month = int(m.group(2)) if m.group(2) else None
    day = int(m.group(3)) if m.group(3) else None
    try:
        if month is None:
            return date(year, 12, 31) if end else date(year, 1, 1)
        if day is None:
            return date(year, month, calendar.monthrange(year, month)[1]) if end else date(year, month, 1)
        return date(year, month, day)
    except ValueError:
        return None


def parse_date_span(text: str) -> DateSpan | None:
    """'2020-01..2020-03', '2020-01-06', '..2020-02', '2019..' (both ends inclusive)."""
    text = text.strip()
    if ".." in text:
        a, b = text.split("..", 1)
        start = parse_date_bound(a, end=False) if a else EARLIEST_DATE
        finish = parse_date_bound(b, end=True) if b else LATEST_DATE
    else:
        start = parse_date_bound(text, end=False)
        finish = parse_date_bound(text, end=True)
    if start is None or finish is None or start > finish:
        return None
    return DateSpan(start, finish)


def parse_resolution_number(text: str) -> int | None:
    """'2334', 'S/RES/2334', '2334(2016)', 'S/RES/2334 (2016)' -> 2334."""
    m = re.fullmatch(r"(?:S/RES/)?(\d{1,4})(?:\s*\(\d{4}\))?", text.strip(), re.IGNORECASE)
    return int(m.group(1)) if m else None


def parse_meeting(text: str) -> str | None:
    """'8700', 'S/PV.8700', 'S/PV.8699 (Resumption 1)', '8699-r1' -> the meeting slug."""
    m = re.fullmatch(r"(?:S/PV\.)?(\d{1,5})(?:\s*\(Resumption\s*(\d{1,2})\)|-r(\d{1,2}))?", text.strip(), re.IGNORECASE)
    if not m:
        return None
    resumption = m.group(2) or m.group(3)
    return m.group(1) + (f"-r{int(resumption)}" if resumption else "")


# --------------------------------------------------------------------------- symbols


@dataclass(frozen=True)
class SymbolTarget:
    kind: str  # "resolution", "meeting", "document"
    symbol: str  # as the UN writes it
    number: int | None = None
    slug: str = ""
    reference: DocumentReference | None = field(default=None, compare=False)  # as the finder read it


def symbol_target(text: str) -> SymbolTarget | None:
    """A query that is nothing but a document symbol (any case, any spacing; the symbols of
    ``archive.citations.find_references``, and "2334 (2016)", "resolution 2334 (2016)"): where it
    should go."""
    text = " ".join(text.split())
    m = re.fullmatch(r"(?:S/RES/|resolution\s+)?(\d{1,4})\s*\((\d{4})\)", text, re.IGNORECASE)
    if m or (m := re.fullmatch(r"S/RES/(\d{1,4})()", text, re.IGNORECASE)):
        number = int(m.group(1))
        year = m.group(2)
        return SymbolTarget("resolution", f"S/RES/{number}" + (f" ({year})" if year else ""), number=number)
    query = text.upper()
    refs = find_references(query)
    if len(refs) != 1 or refs[0].start != 0 or refs[0].end != len(query):
        return None
    ref = refs[0]
    if ref.kind == "meeting_record" and not ref.part:
        slug = f"{ref.number}" + (f"-r{ref.resumption}" if ref.resumption else "")
        return SymbolTarget("meeting", ref.symbol, number=ref.number, slug=slug, reference=ref)
    return SymbolTarget("document", ref.symbol, reference=ref)
