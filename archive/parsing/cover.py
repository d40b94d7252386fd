"""A record's cover page (and the heading of Official Records before the 1990s, read the same way):
symbol, date, place, President, members, agenda; and the page furniture a reader drops."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from .delegations import resolve_delegation
from .labels import name_as_written, squash
from .model import AgendaItem, MemberSeat

MONTHS = {
    m: i
    for i, m in enumerate(
        "January February March April May June July August September October November December".split(),
        start=1,
    )
}
SYMBOL_RE = re.compile(r"S\s*/\s*PV\s*\.\s*(\d{1,5})(?:\s*\(\s*Resumption\s*(\d+)\s*\))?", re.I)
SCANNED_SYMBOL_RE = re.compile(r"\bS\s?[/|\\yl1I]?\s?P\s?V\s?[.,]\s?(\d{1,5})\b", re.I)
MEETING_NO_RE = re.compile(r"\b(\d{1,5})\s*(?:st|nd|rd|th)\s+meeting\b", re.I)
DATE_RE = re.compile(
    r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),\s+(\d{1,2})\s+"
    r"(January|February|March|April|May|June|July|August|September|October|November|December)"
    r"\s+(\d{4})(?:,\s*(.+))?$",
    re.I,
)
# Official Records before the 1990s: "Held at Lake Success, New York, on Tuesday, 29 August 1950,
# at 3 p.m.", "Held in New York on Monday, 5 June 1967, at 9.30 a.m.".
HELD_AT_RE = re.compile(r"^Held\s+(?:at|in)\s+(.+?),?\s+on\s+[A-Z][a-z]+day\b", re.I)
# A members row with no leaders: "United Kingdom of Great Britain and Northern Ireland Sir Anthony PARSONS".
MEMBER_ROW_RE = re.compile(
    r"^(.+?)\s+((?:Mr|Mrs|Ms|Miss|Dr|Sir|Dame|Sheikh|Lord|Lady|Baroness|Prince|Princess)\.?\s+\S.*)$"
)
# "President:" as printed, and as a scan reads it ("Presideut:", "Presldent:").
PRESIDENT_HEAD_RE = re.compile(r"^Pres[il1]d[a-z]{2,3}\s*:\s*")
# "Present: The representatives of the following countries: China, Cuba, ..., Yugoslavia."
PRESENT_HEAD_RE = re.compile(
    r"^Present\s*:\s*(?:The\s+representatives\s+of\s+the\s+\S+\s+(?:countries|States|members)\s*:\s*)?", re.I
)
COUNCIL_YEAR_RE = re.compile(r"^([A-Z][a-z]+(?:-[a-z]+)?\s+year)$")
LEADER_RE = re.compile(r"\s*\.(?:\s*\.)+\s*")
DOCUMENT_RE = re.compile(r"\bS/(?:PRST/)?\d{4}/\d+(?:/(?:Add|Rev|Corr)\.\d+)*\b")
BOILERPLATE_START = "This record contains the text of speeches"

# Page furniture in pdftotext output.
FURNITURE_RES = (
    re.compile(r"^\d{1,4}/\d{1,4}$"),  # page number "2/18"
    re.compile(r"^\d{2}-\d{5}(?:\s*\([A-Z]\))?$"),  # job number "20-00526 (E)"
    re.compile(r"^\*\d{6,}\*$"),  # barcode "*2000526*"
    re.compile(r"^S/PV\.\s?\d+(?:\s*\(Resumption\s*\d+\))?$"),  # running header
    re.compile(r"^\d{2}/\d{2}/\d{4}$"),  # running date "08/01/2020"
)


def is_furniture(text: str) -> bool:
    return any(r.match(text) for r in FURNITURE_RES)


# --------------------------------------------------------------------------- cover page


@dataclass
class Cover:
    symbol: str | None = None
    number: int | None = None
    resumption: int | None = None
    date: dt.date | None = None
    start_time: str | None = None
    place: str | None = None
    council_year: str | None = None
    president: str | None = None
    presidency: str | None = None
    members: list[MemberSeat] = field(default_factory=list)
    agenda: list[AgendaItem] = field(default_factory=list)


def parse_cover(rows: Sequence[str], *, path: str) -> Cover:
    cover = Cover()
    text = "\n".join(rows)
    compact = re.sub(r"\s+", " ", text)
    m = SYMBOL_RE.search(compact)
    if m:
        cover.number = int(m.group(1))
        cover.resumption = int(m.group(2)) if m.group(2) else None
        cover.symbol = f"S/PV.{cover.number}"
    m = SCANNED_SYMBOL_RE.search(compact) if cover.number is None else None
    if m:  # a scan's misread symbol: "Sypv.8702", "S/PV. 8702"
        cover.number = int(m.group(1))
        cover.symbol = f"S/PV.{cover.number}"
    m = MEETING_NO_RE.search(compact)
    if m and cover.number is None:  # the symbol wins: the printed "8707th" is sometimes garbled
        cover.number = int(m.group(1))
        cover.symbol = f"S/PV.{cover.number}"
    if cover.resumption is None:
        r = re.search(r"\(\s*Resumption\s*(\d+)\s*\)", compact)
        cover.resumption = int(r.group(1)) if r else None
    lines = [squash(r) for r in rows if r.strip()]
    for i, line in enumerate(lines):
        dm = DATE_RE.search(line)
        if dm and cover.date is None:
            cover.date = dt.date(int(dm.group(3)), MONTHS[dm.group(2).capitalize()], int(dm.group(1)))
            cover.start_time = re.sub(r"^(?:at|st|al)\s+", "", (dm.group(4) or "").strip()) or None
            held = HELD_AT_RE.match(line) or (HELD_AT_RE.match(f"{lines[i - 1]} {line}") if i else None)
            if held:
                cover.place = held.group(1)
            elif i + 1 < len(lines) and not lines[i + 1].startswith(("President", "Members")):
                cover.place = lines[i + 1]
        cy = COUNCIL_YEAR_RE.match(line)
        if cy and cover.council_year is None:
            cover.council_year = cy.group(1)
    _cover_people(lines, cover)
    _cover_agenda(lines, cover)
    return cover


def _cover_people(lines: list[str], cover: Cover) -> None:
    """President and members. The PDF gives 'Belgium . . . Mr. X' rows; pdftotext gives the
    country column and the name column one after the other; Official Records before the 1990s
    name the members in one sentence ("Present: The representatives of the following
    countries: China, Cuba, ...")."""
    try:
        start = next(i for i, line in enumerate(lines) if PRESIDENT_HEAD_RE.match(line))
    except StopIteration:
        return
    rest = lines[start:]
    if any(PRESENT_HEAD_RE.match(line) for line in rest) or not any(re.match(r"^Members\s*:", line) for line in rest):
        _cover_present(rest, cover)
        return
    try:
        end = next(
            i
            for i, line in enumerate(lines)
            if line == "Agenda" or line.startswith(("Agenda ", BOILERPLATE_START, "This record contains"))
        )
    except StopIteration:
        end = len(lines)
    block = lines[start:end]
    countries: list[str] = []
    names: list[str] = []
    pres_lines: list[str] = []
    in_members = False
    for line in block:
        if re.match(r"^Members\s*:", line):
            in_members = True
        line = re.sub(r"^(?:President|Members)\s*:\s*", "", line)
        if lines[start:end] and line == "":
            continue
        parts = [p.strip() for p in LEADER_RE.split(line) if p.strip()]
        if not in_members:
            pres_lines.extend(parts)
            if any(p.startswith("(") or p.endswith(")") for p in parts) or len(pres_lines) >= 2:
                in_members = True
            continue
        if len(parts) == 1 and not LEADER_RE.search(line):
            # "China Mr. LING Qing": a 1980s row with no leaders, split where a State's name ends.
            row = MEMBER_ROW_RE.match(parts[0])
            if row and resolve_delegation(row.group(1)):
                parts = [row.group(1), row.group(2)]
        if len(parts) == 2:
            countries.append(parts[0])
            names.append(parts[1])
        elif len(parts) == 1:
            if LEADER_RE.search(line):
                countries.append(parts[0])
            elif re.match(r"^(?:Mr|Mrs|Ms|Miss|Dr|Sir|Dame|Sheikh|Lord|Lady|Baroness|Prince|Princess)\b", parts[0]):
                names.append(parts[0])
            else:
                countries.append(parts[0])
    pres = " ".join(pres_lines)
    pm = re.match(r"^(.*?)\s*\((.+)\)\s*$", pres)
    if pm:
        cover.president = name_as_written(pm.group(1).strip()) or None
        cover.presidency = pm.group(2).strip()
    elif pres:
        cover.president = name_as_written(pres)
    if len(countries) == len(names):
        cover.members = [MemberSeat(c, name_as_written(n)) for c, n in zip(countries, names, strict=True)]
    else:
        cover.members = [MemberSeat(c, "") for c in countries]


def _sentence(lines: list[str], start: int, *, until: str) -> str:
    """Lines from ``start`` joined (a hyphen at a line end joined) until ``until`` is found."""
    text = ""
    for line in lines[start:]:
        text = text[:-1] + line if text.endswith("-") else f"{text} {line}".strip()
        if re.search(until, text):
            break
    return text


def _cover_present(lines: list[str], cover: Cover) -> None:
    """'President: Mr. J. MALIK (Union of Soviet Socialist Republics).' and 'Present: The
    representatives of the following countries: China, Cuba, ..., Yugoslavia.'"""
    pres = PRESIDENT_HEAD_RE.sub("", _sentence(lines, 0, until=r"\(.*[)}\]]"))
    pres = re.sub(r"[}\]]", ")", pres)  # a scan's misread parenthesis
    pm = re.match(r"^(.*?)\s*\((.+)\)", pres)
    if pm:
        cover.president = name_as_written(pm.group(1).strip()) or None
        cover.presidency = squash(pm.group(2))
    start = next((i for i, line in enumerate(lines) if PRESENT_HEAD_RE.match(line)), None)
    if start is None:
        return  # no members named: the Council's membership of the day stands in (council_members)
    present = PRESENT_HEAD_RE.sub("", _sentence(lines, start, until=r"\.\s*$"))
    names: list[str] = []
    for part in present.rstrip(". ").split(","):
        part = re.sub(r"(?<=[a-z])\.(?=\s)", "", part)  # a scan's stray full stop: "Northern. Ireland"
        names.extend(_last_two(re.sub(r"^and\s+", "", part.strip())))
    cover.members = [MemberSeat(n, "") for n in names if n]


def _last_two(part: str) -> list[str]:
    """'United Kingdom of Great Britain and Northern Ireland and United States of America' (the
    last two of a list joined by 'and'): split where both sides are delegations."""
    if resolve_delegation(part) or " and " not in part:
        return [part]
    pieces = part.split(" and ")
    for k in range(len(pieces) - 1, 0, -1):
        left, right = " and ".join(pieces[:k]), " and ".join(pieces[k:])
        if resolve_delegation(left) and resolve_delegation(right):
            return [left, right]
    return [part]


def _cover_agenda(lines: list[str], cover: Cover) -> None:
    try:
        start = next(i for i, line in enumerate(lines) if line == "Agenda")
    except StopIteration:
        return
    items: list[str] = []
    for line in lines[start + 1 :]:
        if line.startswith(BOILERPLATE_START) or is_furniture(line):
            break
        if not items:
            items.append(line)
        elif not line[:1].islower() and (items[-1].endswith(")") or (len(items) == 1 and not continues(items[-1]))):
            # a line starting in lower case ("of the Security Council (S/2016/53)") goes on the item before
            items.append(line)
        else:
            items[-1] += " " + line
    if not items:
        return
    title, rest = items[0], items[1:]
    agenda = [AgendaItem(title, tuple(DOCUMENT_RE.findall(title)))]
    agenda.extend(AgendaItem(r, tuple(DOCUMENT_RE.findall(r))) for r in rest)
    cover.agenda = agenda


def continues(text: str) -> bool:
    return bool(re.search(r"\b(?:of|the|and|on|in|for|to|from|by|with|addressed|a|an)$", text))
