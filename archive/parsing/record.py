"""Whole verbatim records (S/PV.*): the cover page and every statement in order.

Both readers end here: the PDF reader (typography known: bold labels and headings, italic stage
directions, indents) and the pdftotext reader (plain lines; the same decisions are made from
the words alone).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from .delegations import resolve_delegation, resolve_delegation_on, resolve_misread_delegation
from .labels import could_start_label, match_label, name_as_written, squash
from .lines import Line
from .membership import council_members
from .model import (
    Adoption,
    AgendaItem,
    MemberSeat,
    ParsedMeeting,
    ParsedStatement,
    ParseError,
    SpeakerLabel,
    StageDirection,
    Vote,
)
from .ocr import harmonise_speakers
from .roles import SECRETARIAT, delegation_role, office_role
from .textfix import Vocabulary, join_lines

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
MEMBER_ROW_RE = re.compile(r"^(.+?)\s+((?:Mr|Mrs|Ms|Miss|Dr|Sir|Dame|Sheikh|Lord|Lady|Baroness|Prince|Princess)\.?\s+\S.*)$")
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

STAGE_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^The meeting was called to order\b"), "opening"),
    (re.compile(r"^The meeting (?:was )?(?:rose|adjourned)\b"), "closing"),
    (re.compile(r"^The meeting was (?:suspended|resumed)\b"), "suspension"),
    (re.compile(r"^The meeting (?:resumed|was resumed)\b"), "suspension"),
    (re.compile(r"^The agenda was adopted\b"), "agenda"),
    (re.compile(r"^A (?:recorded )?vote was taken\b"), "vote"),
    (re.compile(r"^The draft resolution was adopted\b"), "vote"),
    (re.compile(r"^(?:Members|The members) of the Council observed a minute of silence"), "other"),
    (re.compile(r"^The Council observed a minute of silence"), "other"),
    (re.compile(r"^(?:The )?(?:Council|members) (?:rose|stood) in a minute of silence"), "other"),
    (re.compile(r"^The (?:President|Secretary-General) (?:returned to|took) the Chair\b"), "other"),
    (re.compile(r"^The discussion covered in the present record\b"), "other"),
    (re.compile(r"^(?:Mr|Ms|Mrs)\. .{2,60} (?:took|took a) (?:a )?seat at the Council table\.?$"), "other"),
)
VOTE_HEAD_RE = re.compile(r"^(In favour|Against|Abstaining|Absent|Not participating)\s*:\s*(.*)$")
KNOWN_HEADINGS_RE = re.compile(
    r"^(?:Adoption of the agenda|Expression of (?:welcome|thanks|condolences|sympathy)\b|Tribute to\b"
    r"|Statement by the President\b|Organization of work\b|Letter dated\b|Identical letters dated\b"
    r"|Report of the Secretary-General\b|Reports of the Secretary-General\b|Note by the Secretary-General\b"
    r"|Election of\b|Minute of silence\b|Opening remarks\b)"
)
NATIONAL_CAPACITY_RE = re.compile(
    r"\bin my (?:national )?capacity as (?:the )?representative of (?:the )?([^.,;:]+?)\s*[.,;:]",
    re.I,
)
FLOOR_RE = re.compile(
    r"\b(?:give|now give|call on|invite)\s+(?:the floor to\s+)?(?:the\s+)?(?:Permanent\s+)?"
    r"(?:representative|observer|Head of (?:the )?Delegation|delegation)\s+of\s+(?:the\s+)?([^.,;:]+?)\s*[.;:]",
    re.I,
)
ADOPTED_AS_RE = re.compile(
    r"(?:draft resolution|it|text)[^.]{0,80}?\b(?:has\s+(?:therefore\s+)?been|is|was)\s+adopted\s+"
    r"(unanimously\s+|without a vote\s+|by consensus\s+)?as\s+resolution\s+(\d{1,4})\s*\((\d{4})\)",
    re.I | re.S,
)
INVITE_39_RE = re.compile(r"rule\s+39\b.*?\binvite\b(.*?)(?:\bto participate\b|$)", re.I | re.S)
PERSON_RE = re.compile(
    r"(?:(?:His|Her) Excellency\s+)?((?:Mr|Mrs|Ms|Dr)\.\s+[^,;]+?|(?:Sir|Dame|Lord|Lady)\s+[^,;]+?),\s*([^;]+?)(?=;|,?\s+and\s+(?:His|Her|Mr|Mrs|Ms|Dr)\b|$)"
)
UN_OFFICE_RE = re.compile(
    r"Secretary-General|Secretary\s*General|United Nations|Under-Secretary|Assistant Secretary"
    r"|High Commissioner|Emergency Relief|UN[A-Z]{2,}|Special (?:Envoy|Representative|Coordinator|Adviser)"
    r"|Executive Director of UN|Peacebuilding Support|Peace Operations|Political and Peacebuilding"
)


def _is_furniture(text: str) -> bool:
    return any(r.match(text) for r in FURNITURE_RES)


def stage_kind(text: str) -> str | None:
    for pattern, kind in STAGE_PATTERNS:
        if pattern.match(text):
            return kind
    return None


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
        if line.startswith(BOILERPLATE_START) or _is_furniture(line):
            break
        if not items:
            items.append(line)
        elif items[-1].endswith(")") or (len(items) == 1 and not _continues(items[-1])):
            items.append(line)
        else:
            items[-1] += " " + line
    if not items:
        return
    title, rest = items[0], items[1:]
    agenda = [AgendaItem(title, tuple(DOCUMENT_RE.findall(title)))]
    agenda.extend(AgendaItem(r, tuple(DOCUMENT_RE.findall(r))) for r in rest)
    cover.agenda = agenda


def _continues(text: str) -> bool:
    return bool(re.search(r"\b(?:of|the|and|on|in|for|to|from|by|with|addressed|a|an)$", text))


# --------------------------------------------------------------------------- text reader


def text_lines(text: str, *, path: str) -> tuple[list[str], list[Line]]:
    """Split pdftotext output into the cover rows and the body lines (furniture dropped)."""
    if "\x00" in text:
        raise ParseError("binary content (NUL bytes) in a text record", path=path, line=1)
    raw_lines = text.replace("\x08", "\n").split("\n")
    # The cover is the first page; pdftotext separates pages with form feeds.
    cover_end = next((i for i, line in enumerate(raw_lines) if "\f" in line), None)
    if cover_end is None:
        cover_end = next(
            (i for i, line in enumerate(raw_lines) if FURNITURE_RES[2].match(line.strip())), None
        )
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
        if _is_furniture(line) or line in titles:
            column_start = True
            continue
        body.append(Line(text=line, number=i + 1, page=page, column_start=column_start))
        column_start = False
    return cover, body


def _running_titles(lines: list[str]) -> set[str]:
    """Running headers that repeat on many pages (the agenda title in the page header)."""
    near_break: Counter[str] = Counter()
    for i, line in enumerate(lines):
        if "\f" in line or _is_furniture(line.strip()):
            for j in range(max(0, i - 4), min(len(lines), i + 5)):
                cand = lines[j].replace("\f", "").strip()
                if cand and not _is_furniture(cand) and len(cand) < 120 and not cand.endswith("."):
                    near_break[cand] += 1
    pages = sum(line.count("\f") for line in lines) or 1
    return {t for t, n in near_break.items() if n >= max(3, pages // 3) and not match_label(t)}


# --------------------------------------------------------------------------- body


@dataclass
class _Turn:
    label: SpeakerLabel
    line: int
    page: int
    paragraphs: list[list[str]] = field(default_factory=list)
    read: list[tuple[float, int]] = field(default_factory=list)  # OCR: (confidence, words) per line

    def note(self, line: Line, text: str) -> None:
        if line.confidence is not None:
            self.read.append((line.confidence, len(text.split())))

    @property
    def confidence(self) -> float | None:
        """Mean OCR word confidence over the statement (0 – 100), None when not read by OCR."""
        words = sum(n for _, n in self.read)
        if not words:
            return None
        return round(sum(c * n for c, n in self.read) / words, 1)


class RecordBuilder:
    """Walks body lines and cuts them into statements, stage directions and votes."""

    def __init__(self, lines: Sequence[Line], cover: Cover, *, path: str, starts_with_label: bool = False) -> None:
        """``starts_with_label``: the first line is a label even when it is a bare name
        ("Hadiza (spoke in French):"), as in a single statement."""
        self.lines = list(lines)
        self.starts_with_label = starts_with_label
        self.cover = cover
        self.path = path
        self.turns: list[_Turn] = []
        self.stage: list[StageDirection] = []
        self.votes: list[Vote] = []
        self.warnings: list[str] = []
        self.headings = {squash(a.title).lower() for a in cover.agenda}
        self.typical = self._typical_length()

    def _typical_length(self) -> int:
        lengths = sorted(len(line.text) for line in self.lines if not line.typeset)
        if not lengths:
            return 0
        return lengths[int(len(lengths) * 0.8)]

    # -- classification
    def _label_at(self, i: int) -> tuple[SpeakerLabel, int, str] | None:
        """A label starting line i: (label, lines consumed, rest of text)."""
        line = self.lines[i]
        bare = i == 0 and self.starts_with_label
        # A scan loses honorifics ("Tsrenc (China): My delegation"): there a bare name is a label
        # when its parenthesis names a known delegation.
        scanned = line.confidence is not None and not could_start_label(line.text)
        if line.typeset and not bare:
            if not line.bold_prefix or not could_start_label(line.bold_prefix):
                return None
        elif not bare and not scanned and not could_start_label(line.text):
            return None
        window = [line.text]
        for j in range(i + 1, min(i + 3, len(self.lines))):
            window.append(self.lines[j].text)
        joined = "\n".join(window)
        found = match_label(joined, bare_name=bare or scanned)
        if not found:
            return None
        if scanned and not bare and not (found[0].delegation and resolve_delegation(found[0].delegation)):
            return None
        label, offset = found
        consumed = joined[:offset].count("\n")  # the speech starts on line i + consumed
        rest_of_line = joined[offset:].split("\n", 1)[0]
        return label, consumed + 1, rest_of_line

    def _is_heading(self, i: int) -> bool:
        line = self.lines[i]
        if line.typeset:
            return line.style == "bold" and not line.bold_prefix.endswith(":")
        text = line.text
        if squash(text).lower() in self.headings:
            return True
        if KNOWN_HEADINGS_RE.match(text):
            prev = self.lines[i - 1].text if i else ""
            return not prev or prev.endswith((".", ":", ")", "?", "!", "”", '"'))
        return False

    def _stage(self, i: int) -> str | None:
        line = self.lines[i]
        if line.typeset and line.style == "italic" and not line.indent and VOTE_HEAD_RE.match(line.text):
            return "vote"
        kind = stage_kind(line.text)
        if kind:
            return kind
        if line.typeset and line.style == "italic" and (line.indent or line.gap_before):
            return "other"
        return None

    # -- walk
    def build(self) -> None:
        i = 0
        current: _Turn | None = None
        paragraph: list[str] = []

        def close_paragraph() -> None:
            nonlocal paragraph
            if current is not None and paragraph:
                current.paragraphs.append(paragraph)
            paragraph = []

        while i < len(self.lines):
            line = self.lines[i]
            found = self._label_at(i)
            if found:
                close_paragraph()
                label, consumed, rest = found
                current = _Turn(label=label, line=line.number, page=line.page)
                self.turns.append(current)
                paragraph = [rest] if rest else []
                current.note(line, rest)
                i += consumed
                continue
            if VOTE_HEAD_RE.match(line.text) and (line.typeset and line.style == "italic" or self._in_vote()):
                close_paragraph()
                i = self._vote_block(i)
                current = None
                continue
            kind = self._stage(i)
            if kind:
                close_paragraph()
                i = self._stage_block(i, kind)
                if kind in ("opening", "closing", "suspension", "agenda", "vote"):
                    current = None if kind != "vote" else None
                continue
            if self._is_heading(i):
                close_paragraph()
                i = self._heading_block(i)
                current = None
                continue
            if current is None:
                # Speech with no speaker: after a heading or a vote the previous speaker may
                # continue (the President announcing the result), otherwise it is unplaced.
                if self.turns and self._continues_previous(i):
                    current = self.turns[-1]
                else:
                    self.stage.append(StageDirection(len(self.turns), line.text, "other"))
                    self.warnings.append(f"line {line.number}: text outside any statement: {line.text[:60]!r}")
                    i += 1
                    continue
            if paragraph and self._new_paragraph(i):
                close_paragraph()
            paragraph.append(line.text)
            current.note(line, line.text)
            i += 1
        close_paragraph()

    def _in_vote(self) -> bool:
        return bool(self.stage) and self.stage[-1].kind == "vote"

    def _continues_previous(self, i: int) -> bool:
        return bool(self.stage) and self.stage[-1].kind in ("vote", "heading", "other")

    def _new_paragraph(self, i: int) -> bool:
        line = self.lines[i]
        if line.typeset:
            # A first-line indent starts a paragraph; a quotation set indented throughout
            # (every line indented) stays one paragraph, started by the space above it.
            previous = self.lines[i - 1] if i else None
            if line.gap_before and not line.column_start:
                return True
            return bool(line.indent) and not (previous is not None and previous.indent and not line.column_start)
        prev = self.lines[i - 1].text
        if not prev.endswith((".", "?", "!", ":", ";", "”", '"', ")", "’")):
            return False
        if not (line.text[:1].isupper() or line.text[:1] in "“\"‘(" or line.text[:1].isdigit()):
            return False
        return len(prev) < self.typical * 0.8

    def _stage_block(self, i: int, kind: str) -> int:
        line = self.lines[i]
        parts = [line.text]
        j = i + 1
        if line.typeset:
            while (
                j < len(self.lines)
                and self.lines[j].style == "italic"
                and not self.lines[j].indent
                and not self.lines[j].gap_before
                and not VOTE_HEAD_RE.match(self.lines[j].text)
            ):
                parts.append(self.lines[j].text)
                j += 1
        else:
            while (
                j < len(self.lines)
                and not parts[-1].endswith(".")
                and len(parts) < 4
                and not self._label_at(j)
            ):
                parts.append(self.lines[j].text)
                j += 1
        self.stage.append(StageDirection(len(self.turns), " ".join(parts), kind))
        return j

    def _heading_block(self, i: int) -> int:
        parts = [self.lines[i].text]
        j = i + 1
        while j < len(self.lines) and not self._label_at(j) and not self._stage(j):
            nxt = self.lines[j]
            if nxt.typeset:
                if nxt.style != "bold" or nxt.gap_before:
                    break
            elif not _continues(parts[-1]) and squash(" ".join(parts + [nxt.text])).lower() not in self.headings:
                if not (parts[-1][-1:].islower() and nxt.text[:1].islower()):
                    break
            parts.append(nxt.text)
            j += 1
        self.stage.append(StageDirection(len(self.turns), squash(" ".join(parts)), "heading"))
        return j

    def _vote_block(self, i: int) -> int:
        groups: dict[str, list[str]] = {}
        current: str | None = None
        j = i
        while j < len(self.lines):
            line = self.lines[j]
            head = VOTE_HEAD_RE.match(line.text)
            if head:
                current = head.group(1)
                groups.setdefault(current, [])
                if head.group(2):
                    groups[current].append(head.group(2))
                j += 1
                continue
            if current is None or self._label_at(j) or self._stage(j) or (
                line.typeset and line.style == "bold"
            ):
                break
            groups[current].append(line.text)
            j += 1

        def names(key: str) -> tuple[str, ...]:
            text = squash(" ".join(groups.get(key, [])))
            if not text or text.lower() in ("none", "-", "—"):
                return ()
            return tuple(p.strip() for p in text.split(",") if p.strip())

        vote = Vote(len(self.turns), names("In favour"), names("Against"), names("Abstaining"))
        self.votes.append(vote)
        summary = "; ".join(
            f"{k}: {', '.join(names(k)) or 'None'}" for k in ("In favour", "Against", "Abstaining") if k in groups
        )
        self.stage.append(StageDirection(len(self.turns), summary, "vote"))
        return j


# --------------------------------------------------------------------------- meeting


MAX_TURNS = 2000  # the longest open debates have a few hundred


def build_meeting(
    cover_rows: Sequence[str],
    body: Sequence[Line],
    *,
    path: str,
    source_kind: str,
    source_name: str,
    inherited_invitations: dict[str, str] | None = None,
    reader: str | None = None,
) -> ParsedMeeting:
    """``inherited_invitations``: surname -> office from earlier parts of the same meeting
    (a resumption's briefers were invited in part one). ``reader``: "ocr" for a scan."""
    cover = parse_cover(cover_rows, path=path)
    if cover.date is None or cover.president is None:
        # Official Records before the 1990s print the meeting's heading (date, place, President,
        # members) at the top of the first page of text, under the cover page.
        front = _front_matter(body)
        if front:
            fuller = parse_cover([*cover_rows, *(line.text for line in body[:front])], path=path)
            if fuller.date is not None:
                cover, body = fuller, body[front:]
    if cover.symbol is None:
        raise ParseError("no meeting symbol (S/PV.NNNN) or number on the cover page", path=path, line=1)
    if cover.date is None:
        raise ParseError("no meeting date on the cover page", path=path, line=1)
    if reader == "ocr":  # a cover page's names as OCR misread them: "Saint Vincent aid the Grenadines"
        cover.members = [MemberSeat(_misread_delegation(m.delegation), m.representative) for m in cover.members]
    builder = RecordBuilder(body, cover, path=path)
    builder.build()
    if not builder.turns:
        first = body[0].number if body else 1
        raise ParseError("no speaker labels found: not a verbatim record body", path=path, line=first)
    if len(builder.turns) > MAX_TURNS:
        line = builder.turns[MAX_TURNS].line
        raise ParseError(f"more than {MAX_TURNS} speaker labels: not a verbatim record", path=path, line=line)
    vocabulary = Vocabulary(line.text for line in body)
    invited = dict(inherited_invitations or {})
    invited.update(_invitations(builder, vocabulary))
    # A seat whose holder depends on the date ("China" in 1950: the Republic of China) is named
    # by its holder, so that it is stored with the right delegation.
    cover.members = [
        MemberSeat(_canonical(m.delegation, cover.date), m.representative)
        if _norm_country(m.delegation, cover.date) != _norm_country(m.delegation)
        else m
        for m in cover.members
    ]
    if cover.members:
        members = {_norm_country(m.delegation, cover.date) for m in cover.members}
    else:  # no members on the cover (a scan's, a short excerpt's): the Council of that day
        members = set(council_members(cover.date))
    presidency = _canonical(cover.presidency, cover.date) if cover.presidency else None
    statements: list[ParsedStatement] = []
    for order, turn in enumerate(builder.turns, start=1):
        paragraphs = tuple(p for p in (join_lines(par, vocabulary) for par in turn.paragraphs) if p)
        previous = statements[-1] if statements else None
        statements.append(
            _statement(order, turn, paragraphs, cover, presidency, members, invited, previous)
        )
    if reader == "ocr":
        statements = harmonise_speakers(statements)
    adoptions = find_adoptions(statements, builder.votes)
    return ParsedMeeting(
        symbol=cover.symbol,
        number=cover.number,
        resumption=cover.resumption,
        date=cover.date,
        source_kind=source_kind,
        source_name=source_name,
        statements=tuple(statements),
        start_time=cover.start_time,
        place=cover.place,
        council_year=cover.council_year,
        president=cover.president,
        presidency=presidency,
        members=tuple(cover.members),
        agenda=tuple(cover.agenda),
        stage_directions=tuple(builder.stage),
        votes=tuple(builder.votes),
        topic=cover.agenda[0].title if cover.agenda else None,
        warnings=tuple(builder.warnings),
        invitations=tuple(sorted(invited.items())),
        adoptions=adoptions,
        reader=reader,
    )


def _front_matter(body: Sequence[Line]) -> int:
    """How many lines open the body before its first speaker label or stage direction."""
    for i, line in enumerate(body):
        if match_label(line.text) or stage_kind(line.text):
            return i
    return 0


def find_adoptions(statements: Sequence[ParsedStatement], votes: Sequence[Vote]) -> tuple[Adoption, ...]:
    """Resolutions adopted in the meeting, each with the show of hands just before it."""
    found = []
    for statement in statements:
        if statement.role != "president":
            continue
        for m in ADOPTED_AS_RE.finditer(statement.text):
            before = [v for v in votes if v.position < statement.order]
            vote = before[-1] if before and before[-1].position == statement.order - 1 else None
            unanimous = bool(m.group(1) and "unanimously" in m.group(1).lower())
            found.append(
                Adoption(
                    number=int(m.group(2)),
                    year=int(m.group(3)),
                    order=statement.order,
                    text=squash(m.group(0)),
                    vote=vote,
                    unanimous=unanimous,
                )
            )
    return tuple(found)


def _misread_delegation(name: str) -> str:
    info = resolve_misread_delegation(name)
    return info.name if info else name


def _canonical(name: str, date: dt.date | None = None) -> str:
    info = resolve_delegation_on(name, date)
    return info.name if info else name


def _norm_country(name: str, date: dt.date | None = None) -> str:
    info = resolve_delegation_on(name, date)
    return info.key if info else squash(name).lower()


def _floor_given_to(previous: ParsedStatement | None, date: dt.date | None):  # -> DelegationInfo | None
    """The delegation the President just gave the floor to ("... to the observer of the
    European Union."), for a speaker whose label names no delegation."""
    if previous is None or previous.role != "president" or not previous.paragraphs:
        return None
    matches = list(FLOOR_RE.finditer(previous.paragraphs[-1]))
    if not matches:
        return None
    return resolve_delegation_on(matches[-1].group(1), date)


def _office_organisation(office: str):  # -> DelegationInfo | None
    """The organisation an office belongs to: "Permanent Observer of the International
    Committee of the Red Cross to the United Nations" -> ICRC; "Head of Delegation of the
    European Union to the United Nations" -> EU."""
    office = re.sub(r"\s+to the United Nations(?: in [A-Z][a-z]+)?$", "", office)
    parts = office.split(" of ")
    for k in range(1, len(parts)):
        info = resolve_delegation(" of ".join(parts[k:]))
        if info is not None:
            return info
    return None


def _invitations(builder: RecordBuilder, vocabulary: Vocabulary) -> dict[str, str]:
    """Name key -> office, from the President's rule 39 invitations ("I invite Mr. Mohamed Ibn
    Chambas, Special Representative of the Secretary-General ..., to participate in this
    meeting"; "I also invite the following to participate in the meeting: His Excellency
    Mr. Olof Skoog, Head of Delegation of the European Union ..., and Mr. Robert Mardini, ...")."""
    offices: dict[str, str] = {}
    for turn in builder.turns:
        if turn.label.office != "The President":
            continue
        for paragraph in turn.paragraphs:
            text = join_lines(paragraph, vocabulary)
            if not re.search(r"\brule\s+39\b", text):
                continue
            segment = re.split(r"\brule\s+39\b", text, maxsplit=1)[1]
            segment = re.sub(r"^.*?\binvite\b\s*", "", segment, flags=re.S)
            segment = re.sub(r"^(?:also\s+)?the following(?:\s+briefers)?\s+to participate in (?:this|the) meeting\s*:\s*", "", segment)
            segment = re.sub(r",?\s*to participate in (?:this|the) meeting.*$", "", segment, flags=re.S)
            segment = re.sub(r"\.\s*$", "", segment)
            for person in PERSON_RE.finditer(segment):
                name = squash(person.group(1))
                office = squash(person.group(2)).rstrip(",. ")
                words = name.split()
                offices[words[-1].lower()] = office
                offices[" ".join(words[-2:]).lower()] = office
    return offices


def _statement(
    order: int,
    turn: _Turn,
    paragraphs: tuple[str, ...],
    cover: Cover,
    presidency: str | None,
    members: set[str],
    invited: dict[str, str],
    previous: ParsedStatement | None = None,
) -> ParsedStatement:
    label = turn.label
    speaker = label.name
    delegation: str | None = None
    national = False
    by_office = office_role(label.office)
    if by_office is not None and by_office[0] == "president":
        role = "president"
        speaker = cover.president
        delegation = presidency
        text = " ".join(paragraphs)
        cap = NATIONAL_CAPACITY_RE.search(text)
        if cap:
            national = True
            delegation = _canonical(cap.group(1).strip(), cover.date) if resolve_delegation(cap.group(1)) else presidency
    elif by_office is not None:
        role, delegation = by_office
        speaker = speaker or label.office
    elif label.delegation:
        info = resolve_delegation_on(label.delegation, cover.date)
        delegation = info.name if info else label.delegation
        role = delegation_role(info, members) if info else "invitee"
    else:
        surname = (speaker or "").split()[-1].lower() if speaker else ""
        two = " ".join((speaker or "").split()[-2:]).lower()
        office = invited.get(two) or invited.get(surname)
        floor = _floor_given_to(previous, cover.date)
        org = _office_organisation(office) if office else None
        if floor is not None:
            delegation = floor.name
            role = "member" if floor.key in members else delegation_role(floor)
        elif org is not None and org.kind != "secretariat":
            role, delegation = "invitee", org.name
        elif office and UN_OFFICE_RE.search(office):
            role, delegation = "secretariat", SECRETARIAT
        else:
            role = "other"
    return ParsedStatement(
        order=order,
        speaker_label=label.printed,
        speaker=speaker,
        delegation=delegation,
        role=role,
        language=label.language,
        paragraphs=paragraphs,
        line=turn.line,
        page=turn.page,
        national_capacity=national,
        on_behalf_of=label.on_behalf_of,
        ocr_confidence=turn.confidence,
    )
