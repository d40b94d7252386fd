"""Find citations of Security Council resolutions in plain text.

Pure Python, no Django.  Two entry points:

* :func:`find_citations` -- every citation of a Security Council resolution
  ("resolution 2334 (2016)", "resolutions 1267 (1999), 1989 (2011) and
  2253 (2015)", "S/RES/1801", "paragraph 27 of resolution 2325 (2016)"), with
  character offsets into the text given;
* :func:`find_references` -- other Council document symbols (presidential
  statements, documents such as reports and letters, meeting records).

Run ``python -m archive.citations PATH [PATH ...]`` to print the citations of
files as one JSON document.  See ``docs/citations.md`` for the rules.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "Citation",
    "DocumentReference",
    "decode_bytes",
    "detect_self_number",
    "find_citations",
    "find_references",
    "main",
]

MIN_NUMBER = 1
MAX_NUMBER = 3000
MIN_YEAR = 1946
MAX_YEAR = 2100


@dataclass(frozen=True)
class Citation:
    """One cited Security Council resolution."""

    start: int
    end: int
    text: str
    number: int
    year: int | None
    paragraphs: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "number": self.number,
            "year": self.year,
            "paragraphs": list(self.paragraphs),
        }


@dataclass(frozen=True)
class DocumentReference:
    """A Council document symbol other than a resolution."""

    start: int
    end: int
    text: str
    kind: str
    symbol: str
    # A meeting record's number and resumption ("S/PV.8699 (Resumption 1)": 8699, 1; a "(Part II)"
    # record has ``part`` "II"), or a resolution's number; None for the other kinds.
    number: int | None = None
    resumption: int | None = None
    part: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "kind": self.kind,
            "symbol": self.symbol,
            "number": self.number,
            "resumption": self.resumption,
            "part": self.part,
        }


# ---------------------------------------------------------------------------
# Gaps: whitespace, line breaks and (across a page break) page furniture.

_SPACES = " \t\u00a0\u2007\u202f\r"
_MAX_GAP_LINES = 12
_MAX_GAP_CHARS = 400
_MAX_TITLE_LINES = 2

# Lines that pdftotext leaves around a page break in a verbatim record or a
# resolution: job number, page number, both glued (often by a backspace),
# date, meeting-record or resolution symbol, document symbol, barcode.
_FURNITURE = re.compile(
    r"""
    (?:
        \d{2}-\d{5}(?:\s*\(E\))?(?:[\s\x08]*\d{1,3}/\d{1,3})?   # 20-00526 5/18
      | \d{1,3}/\d{1,3}(?:[\s\x08]*\d{2}-\d{5})?                # 4/21 20-00526
      | \d{1,3}(?:[\s\x08]+\d{2}-\d{5}(?:\s*\(E\))?)?          # 4 11-43903
      | \d{2}-\d{5}(?:\s*\(E\))?[\s\x08]+\d{1,3}                 # 11-43903 5
      | /\.\.\.
      | Page\s+\d{1,3}
      | \d{1,2}/\d{1,2}/\d{4}                                    # 08/01/2020
      | S/PV\.\s?\d{1,5}(?:\s*\((?:Resumption|Part)\s*[\dIVX]*\))?
      | S/RES/\d{1,4}\s*\(\d{4}\)\*?(?:\s*\[[^\]]*\])?(?:\s+Page\s+\d{1,3})?
      | S/\d{4}/\d{1,4}(?:/\w+\.\d+)*
      | \*\d{5,}\*
    )
    """,
    re.VERBOSE,
)
_LINE_END = re.compile(r"[^\n\f]*")


def _skip_gap(text: str, pos: int, *, page_breaks: bool = True) -> tuple[int, bool] | None:
    """Skip spaces, line breaks and page furniture from ``pos``.

    Returns ``(new_pos, crossed_page)``; ``None`` when the gap is too long or
    contains furniture without a page break (then it is ordinary text).
    """
    n = len(text)
    start = pos
    lines = 0
    titles = 0
    furniture = False
    page = False
    while pos < n:
        ch = text[pos]
        if ch in _SPACES:
            pos += 1
            continue
        if ch == "\n" or ch == "\f":
            if ch == "\f":
                if not page_breaks:
                    return None
                page = True
            else:
                lines += 1
            pos += 1
            if lines > _MAX_GAP_LINES or pos - start > _MAX_GAP_CHARS:
                return None
            continue
        # A non-blank character.  At the start of a line it may be furniture.
        if not page_breaks or (lines == 0 and not page):
            break
        line_start = pos
        m = _LINE_END.match(text, pos)
        line = text[line_start : m.end()].strip(_SPACES + "\x08")
        if _FURNITURE.fullmatch(line):
            furniture = True
            pos = m.end()
            continue
        # A running title: only right after a page break, short, no digit at
        # its start, and followed by a blank line.
        after = m.end()
        if (
            page
            and titles < _MAX_TITLE_LINES
            and 0 < len(line) <= 100
            and not line[0].isdigit()
            and re.match(r"[ \t\r]*\n[ \t\r]*\n", text[after : after + 8])
        ):
            titles += 1
            furniture = True
            pos = after
            continue
        break
    if pos - start > _MAX_GAP_CHARS:
        return None
    if furniture and not page:
        return None
    return pos, page


# ---------------------------------------------------------------------------
# Citation grammar.

_HEAD = re.compile(r"(?<![\w/\-])(?:(?i:resolution(?P<plural>s)?)|UNSCR(?P<uplural>s)?)(?![a-zA-Z])")
_SRES = re.compile(r"(?<![\w/])S/RES/(?P<number>\d{1,4})(?![\d/])")
_NUMBER = re.compile(r"(?P<number>\d{1,4})(?!\d)")
# A year in brackets; "((2005)" is a real misprint and is accepted.
_YEAR = re.compile(r"\(\(?[ \t]*(?P<year>\d{4})[ \t]*\)")
_PART_LETTER = re.compile(r"[A-H][ \t]*(?=\()")  # "161 A (1961)": parts of early resolutions
_PAREN = re.compile(r"\((?P<inside>[^()\n]{0,40})\)")
# Inside brackets after a number: a roman-numeral session ("(XV)", "(ES-IV)",
# "(X XIX)", "(IID)", OCR "(1)") means a General Assembly resolution.
_NOT_SC_PAREN = re.compile(r"[IVXLCDMESl\d\- ]{1,12}")
_NUMBER_TAIL_REJECT = re.compile(
    r"""(?:
        [/.\-]\d                # 67/19, 73.1, 1999-2000
      | ,\d{3}(?!\d)            # 1,000
      | \s+[A-H]\s*\((?!\d{4}\)) # 377 A (V); but 161 A (1961) is a Council resolution
      | [ \t\u00a0]*(?:%|per\s*cent|percent)
      | [a-zA-Z]               # 1540bis, 2nd
    )""",
    re.VERBOSE,
)
_UNIT_WORDS = re.compile(
    r"\s+(?:days?|weeks?|months?|years?|hours?|minutes?|times|per\s*cent|percent|"
    r"million|billion|thousand|hundred|people|persons|members|States|countries|"
    r"votes?|troops|kilomet\w*|km|miles?)\b",
)
# Words before "resolution" that make it not (yet) a Council resolution.
_BAD_PREFIX = re.compile(
    r"""(?:
        \bdraft
      | \bthis | \bpresent
      | \bGeneral\s+Assembly | \bAssembly | \bUNGA | \bGA
      | \bHuman\s+Rights\s+Council | \bHRC
      | \bEconomic\s+and\s+Social\s+Council | \bECOSOC
      | \bCommission(?:\s+on\s+[A-Z][\w ]{0,40}?)? | \bWorld\s+Health\s+Assembly | \bWHA
      | \bHouse\s+of\s+Representatives | \bSenate | \bCongress | \bParliament
      | \bLeague\s+of\s+Arab\s+States | \bArab\s+League | \bBoard\s+of\s+Governors
      | \bConference | \bAfrican\s+Union | \bOAS | \bOIC | \bUNESCO | \bIAEA
    )(?:['\u2019]s)?[ \t\u00a0]*\n?[ \t\u00a0]*$""",
    re.VERBOSE,
)
_PARA_ITEM = r"\d{1,3}(?:[ \t]?\([a-z]{1,4}\))*(?:[ \t]?\((?:i|ii|iii|iv|v|vi|vii|viii|ix|x)\))*"
_PARA_LIST = rf"{_PARA_ITEM}(?:\s*(?:,\s*(?:and\s+)?|and\s+|to\s+|-)\s*{_PARA_ITEM})*"
_PARA_PREFIX = re.compile(
    rf"""(?:(?:operative|preambular)\s+)?
        (?:paragraphs?|paras?\.)\s+(?P<plist>{_PARA_LIST})\s+
        of\s+(?:(?:its|the|Security\s+Council|Council)\s+)*$""",
    re.VERBOSE | re.IGNORECASE,
)
_PARA_SUFFIX = re.compile(
    rf""",[ \t]*(?:(?:operative|preambular)[ \t]+)?(?:paragraphs?|paras?\.)[ \t]+(?P<plist>{_PARA_LIST})
        (?![\w(/]|\s+(?:above|below|of|in)\b)""",
    re.VERBOSE | re.IGNORECASE,
)
_PARA_SPLIT = re.compile(r"\s*(?:,\s*(?:and\s+)?|\band\s+|\bto\s+|-)\s*")
_PREAMBLE_SUFFIX = re.compile(r",[ \t]*preamble\b")
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
# "1261 (1999) of 25 August 1999", "1493 of 28 July 2003", "674 (1990) of 29 October"
_DATE_SUFFIX = re.compile(rf",?\s+(?:of|adopted\s+on|dated)\s+\d{{1,2}}\s+(?:{_MONTHS})(?:\s+\d{{4}})?(?!\d)")
_SEPARATOR = re.compile(r"(?:(?P<punct>[,;])[ \t]*)?(?:(?P<conj>and|or|as\s+well\s+as|to|through|&)(?![\w]))?")
# An inserted clause inside a list: "2253 (2015), on ..., and 1373 (2001)".
_CLAUSE = re.compile(
    r""",?[ \t\n]+(?P<body>(?:[^\d.;:!?()\[\]\f\n]|\n(?!\s*\n)|\([^()\d\n]{0,60}\)){1,160}?)
        ,?\s+(?:and|as\s+well\s+as)[ \t\n]+(?=\d)""",
    re.VERBOSE,
)


@dataclass
class _Item:
    start: int
    end: int
    number: int
    year: int | None
    paragraphs: tuple[str, ...] = ()


def _plausible_number(value: int) -> bool:
    return MIN_NUMBER <= value <= MAX_NUMBER


def _split_paragraphs(plist: str) -> tuple[str, ...]:
    parts = [re.sub(r"\s+", " ", p.strip()) for p in _PARA_SPLIT.split(plist)]
    return tuple(p for p in parts if p)


def _number_at(text: str, pos: int) -> tuple[int, int] | None:
    """A plausible resolution number at ``pos``: (value, end)."""
    m = _NUMBER.match(text, pos)
    if not m:
        return None
    digits = m.group("number")
    if digits.startswith("0"):
        return None
    value = int(digits)
    if not _plausible_number(value):
        return None
    if _NUMBER_TAIL_REJECT.match(text, m.end()):
        return None
    return value, m.end()


def _year_after(text: str, pos: int) -> tuple[str, int | None, int, bool]:
    """Look for "(YYYY)" after a number ending at ``pos``.

    Returns (status, year, end, crossed_page) where status is ``"year"``,
    ``"none"`` (no bracket follows) or ``"reject"`` (a bracket that marks
    another body's resolution, e.g. "(XXV)").
    """
    gap = _skip_gap(text, pos)
    if gap is None:
        return "none", None, pos, False
    p, crossed = gap
    part = _PART_LETTER.match(text, p)
    if part and _YEAR.match(text, part.end()):
        p = part.end()
    ym = _YEAR.match(text, p)
    if ym:
        year = int(ym.group("year"))
        if MIN_YEAR <= year <= MAX_YEAR:
            return "year", year, ym.end(), crossed
        return "badyear", None, ym.end(), crossed
    pm = _PAREN.match(text, p)
    if pm and _NOT_SC_PAREN.fullmatch(pm.group("inside").strip()):
        return "reject", None, pos, False
    return "none", None, pos, False


def _no_year_ok(text: str, end: int) -> bool:
    """Whether a number printed without a year can stand as a citation."""
    if _UNIT_WORDS.match(text, end):
        return False
    nxt = text[end : end + 1]
    return nxt == "" or not (nxt.isalnum() or nxt in "/-")


def _item_at(text: str, pos: int, *, allow_no_year: bool) -> _Item | None:
    """A list member "NNNN (YYYY)" (or "NNNN" when allowed) at ``pos``."""
    got = _number_at(text, pos)
    if got is None:
        return None
    number, num_end = got
    status, year, end, _ = _year_after(text, num_end)
    if status in ("year", "badyear"):
        # A misprinted year ("2419 (2418)") still marks a list member.
        return _Item(pos, end, number, year)
    if status == "reject" or not allow_no_year:
        return None
    if num_end - pos < 3 or not _no_year_ok(text, num_end):
        return None
    return _Item(pos, num_end, number, None)


def _next_is_year_item(text: str, pos: int) -> bool:
    """Whether a separator and a "NNNN (YYYY)" member follow ``pos``."""
    sep_end = _separator_at(text, pos)
    if sep_end is None:
        return False
    return _item_at(text, sep_end, allow_no_year=False) is not None


def _separator_at(text: str, pos: int) -> int | None:
    gap = _skip_gap(text, pos)
    if gap is None:
        return None
    p = gap[0]
    m = _SEPARATOR.match(text, p)
    if not m or not (m.group("punct") or m.group("conj")):
        return None
    gap = _skip_gap(text, m.end())
    if gap is None:
        return None
    if m.group("punct") and not m.group("conj"):
        # ", and" split by a line break: "1989 (2011),\nand 2253 (2015)"
        m2 = re.match(r"(?:and|or|as\s+well\s+as)(?!\w)", text[gap[0] :])
        if m2:
            gap2 = _skip_gap(text, gap[0] + m2.end())
            if gap2 is None:
                return None
            return gap2[0]
    return gap[0]


def _suffix_paragraphs(text: str, pos: int) -> tuple[tuple[str, ...], int]:
    m = _DATE_SUFFIX.match(text, pos)
    if m:
        pos = m.end()
    m = _PARA_SUFFIX.match(text, pos)
    if m:
        return _split_paragraphs(m.group("plist")), m.end()
    m = _PREAMBLE_SUFFIX.match(text, pos)
    if m:
        return (), m.end()
    return (), pos


def _list_after(text: str, pos: int, items: list[_Item], *, plural: bool, head_has_year: bool) -> None:
    """Append the members of a list that continues at ``pos``."""
    while True:
        paragraphs, pos_after = _suffix_paragraphs(text, pos)
        if paragraphs:
            last = items[-1]
            items[-1] = _Item(last.start, last.end, last.number, last.year, paragraphs)
        sep_end = _separator_at(text, pos_after)
        item = None
        if sep_end is not None:
            item = _item_at(text, sep_end, allow_no_year=False)
            if item is None and (plural or not head_has_year):
                cand = _item_at(text, sep_end, allow_no_year=True)
                if cand is not None and (
                    (plural and not head_has_year and items[-1].year is None) or _next_is_year_item(text, cand.end)
                ):
                    item = cand
        if item is None and sep_end is None:
            # A missing comma: "1655 (2006) 1680 (2006)".
            gap = _skip_gap(text, pos_after, page_breaks=False)
            if gap is not None and gap[0] > pos_after:
                item = _item_at(text, gap[0], allow_no_year=False)
        if item is None:
            cm = _CLAUSE.match(text, pos_after)
            if cm and "resolution" not in cm.group("body").lower():
                item = _item_at(text, cm.end(), allow_no_year=False)
        if item is None:
            return
        items.append(item)
        pos = item.end


def _prefix_rejects(text: str, head_start: int) -> bool:
    window = text[max(0, head_start - 60) : head_start]
    return _BAD_PREFIX.search(window) is not None


def _prefix_paragraphs(text: str, head_start: int) -> tuple[str, ...]:
    window = text[max(0, head_start - 120) : head_start]
    m = _PARA_PREFIX.search(window)
    if not m:
        return ()
    return _split_paragraphs(m.group("plist"))


def _head_items(text: str, head: re.Match[str]) -> list[_Item]:
    plural = bool(head.group("plural") or head.group("uplural"))
    if _prefix_rejects(text, head.start()):
        return []
    gap = _skip_gap(text, head.end())
    if gap is None:
        return []
    num_pos, crossed = gap
    got = _number_at(text, num_pos)
    if got is None:
        return []
    number, num_end = got
    status, year, end, crossed_year = _year_after(text, num_end)
    if status == "reject":
        return []
    if status == "badyear":
        year = None
    elif status != "year":
        # No year printed: be strict.
        if crossed or number < 10 or not _no_year_ok(text, num_end):
            return []
        year, end = None, num_end
    first = _Item(head.start(), end, number, year, _prefix_paragraphs(text, head.start()))
    items = [first]
    _list_after(text, end, items, plural=plural, head_has_year=year is not None)
    return items


def find_citations(text: str, *, self_number: int | None = None) -> list[Citation]:
    """Every citation of a Security Council resolution in ``text``.

    ``self_number``: the number of the resolution whose own text this is; its
    title, symbol line and running headers are then not reported.
    """
    items: list[_Item] = []
    taken_until = -1
    for head in _HEAD.finditer(text):
        if head.start() < taken_until:
            continue
        found = _head_items(text, head)
        if found:
            items.extend(found)
            taken_until = found[-1].end
    for m in _SRES.finditer(text):
        number = int(m.group("number"))
        if not _plausible_number(number):
            continue
        end = m.end()
        year: int | None = None
        ym = re.compile(r"[ \t]*\n?[ \t]*\((?P<year>\d{4})\)").match(text, end)
        if ym and MIN_YEAR <= int(ym.group("year")) <= MAX_YEAR:
            year = int(ym.group("year"))
            end = ym.end()
        items.append(_Item(m.start(), end, number, year))
    items.sort(key=lambda it: it.start)
    out: list[Citation] = []
    last_end = -1
    for it in items:
        if it.start < last_end:
            continue
        if self_number is not None and it.number == self_number:
            continue
        out.append(Citation(it.start, it.end, text[it.start : it.end], it.number, it.year, it.paragraphs))
        last_end = it.end
    return out


# ---------------------------------------------------------------------------
# Other document symbols: the Council's (meeting records, resolutions, presidential statements,
# documents and letters, old-era numbers) and the General Assembly's and ECOSOC's.  A record may
# print a space after "S/" or "PV." ("S/ PV.8697", "S/PV. 8699") and a line may break after a
# slash ("S/2020/\n24"); trailing punctuation is never part of a symbol.

_BREAK = r"[ \t]?(?:\n[ \t]*)?"
# One segment of an Assembly or ECOSOC symbol: "74", "PV.4", "HRC", "ES-10", "C.1", "L.5", "CRP.6";
# a hyphen before "S/" joins two symbols ("A/74/850-S/2020/380") and is not part of either.
_SEGMENT = r"[A-Z0-9][A-Za-z0-9]*(?:\.[A-Za-z0-9]+|-(?!S/)[A-Za-z0-9]+)*"
_SUFFIX = r"(?:/(?i:Add|Rev|Corr|Amend)\.\d{1,2})*"
_REFERENCE = re.compile(
    rf"""(?<![\w/.])(?:
      S/(?:
        {_BREAK}PRST/{_BREAK}(?P<prst_year>\d{{4}})/{_BREAK}(?P<prst_no>\d{{1,3}})
      | {_BREAK}PV\.{_BREAK}(?P<pv>\d{{1,5}})
          (?P<pv_part>[ \t]*\((?i:Resumption|Part)[ \t]*[\dIVX]+\))?
      | RES/(?P<res>\d{{1,4}})(?:{_BREAK}\((?P<res_year>\d{{4}})\))?
      | {_BREAK}(?P<doc_year>(?:19|20)\d{{2}})/{_BREAK}(?P<doc_no>\d{{1,4}})(?P<doc_suffix>{_SUFFIX})
      | (?P<old>\d{{3,5}})(?P<old_suffix>{_SUFFIX})
      )
    | (?P<organ>[AE])/(?P<ga_res>RES/)?(?P<rest>{_SEGMENT}(?:/{_SEGMENT})+|(?<=RES/){_SEGMENT})
    )(?![\w/])""",
    re.VERBOSE,
)
_PART = re.compile(r"\((?P<word>Resumption|Part)\s*(?P<no>[\dIVX]+)\)", re.IGNORECASE)


def _suffix(raw: str | None) -> str:
    """ "/add.1/rev.2" -> "/Add.1/Rev.2"."""
    return re.sub(r"/(\w+)\.", lambda m: f"/{m.group(1).capitalize()}.", raw or "")


def find_references(text: str) -> list[DocumentReference]:
    """Every document symbol in ``text`` other than a resolution cited by its number in words:
    meeting records, resolutions written as symbols, presidential statements, documents and
    letters (also of the General Assembly and ECOSOC), each with its offsets and its symbol as the
    UN writes it (``kind`` says which; an Assembly resolution is ``ga_resolution``, never a
    Council ``resolution``)."""
    out: list[DocumentReference] = []
    for m in _REFERENCE.finditer(text):
        number: int | None = None
        resumption: int | None = None
        part = ""
        if m.group("organ"):
            rest = m.group("rest")
            if not any(ch.isdigit() for ch in rest):
                continue
            organ, is_res = m.group("organ"), bool(m.group("ga_res"))
            kind = "ecosoc_document" if organ == "E" else "ga_resolution" if is_res else "ga_document"
            symbol = f"{organ}/{'RES/' if is_res else ''}{rest}"
        elif m.group("prst_year"):
            kind = "presidential_statement"
            symbol = f"S/PRST/{m.group('prst_year')}/{int(m.group('prst_no'))}"
        elif m.group("pv"):
            kind = "meeting_record"
            number = int(m.group("pv"))
            symbol = f"S/PV.{number}"
            printed = _PART.search(m.group("pv_part") or "")
            if printed:
                word, no = printed.group("word").capitalize(), printed.group("no").upper()
                symbol += f" ({word} {no})"
                if word == "Part":
                    part = no
                elif no.isdigit():
                    resumption = int(no)
        elif m.group("res"):
            kind = "resolution"
            number = int(m.group("res"))
            if not _plausible_number(number):
                continue
            symbol = f"S/RES/{number}" + (f" ({m.group('res_year')})" if m.group("res_year") else "")
        elif m.group("doc_year"):
            kind = "document"
            symbol = f"S/{m.group('doc_year')}/{int(m.group('doc_no'))}{_suffix(m.group('doc_suffix'))}"
        else:
            kind = "document"
            symbol = f"S/{int(m.group('old'))}{_suffix(m.group('old_suffix'))}"
        out.append(DocumentReference(m.start(), m.end(), m.group(0), kind, symbol, number, resumption, part))
    return out


# ---------------------------------------------------------------------------
# Command line.

_SELF_SYMBOL = re.compile(r"S/RES/(?P<number>\d{1,4})\s*\((?P<year>\d{4})\)")
_SELF_TITLE = re.compile(
    r"Resolution\s+(?P<number>\d{1,4})\s*\((?P<year>\d{4})\)(?:\s+(?:of|adopted)\b.*)?", re.IGNORECASE
)


def detect_self_number(text: str, *, head_lines: int = 15) -> int | None:
    """The resolution number when ``text`` is a resolution's own text.

    True when one of the first non-blank lines is the symbol line
    "S/RES/N (YYYY)" or starts with the title "Resolution N (YYYY)".
    """
    lines = [ln.strip(" \t\r\ufeff\f") for ln in text.splitlines()]
    lines = [ln for ln in lines if ln][:head_lines]
    for line in lines:
        m = _SELF_SYMBOL.fullmatch(line) or _SELF_TITLE.fullmatch(line)
        if m:
            return int(m.group("number"))
    return None


def decode_bytes(data: bytes) -> str:
    """UTF-8 (a BOM is dropped), else Windows-1252, else Latin-1."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or any(a in ("-h", "--help") for a in args):
        print("usage: python -m archive.citations PATH [PATH ...]", file=sys.stderr)
        return 0 if args else 2
    texts: list[tuple[str, str]] = []
    failed = False
    for path in args:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            print(f"archive.citations: cannot read {path}: {exc.strerror or exc}", file=sys.stderr)
            failed = True
            continue
        texts.append((path, decode_bytes(data)))
    if failed:
        return 2
    files = []
    for path, text in texts:
        cites = find_citations(text, self_number=detect_self_number(text))
        files.append({"path": path, "citations": [c.as_dict() for c in cites]})
    json.dump({"files": files}, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
