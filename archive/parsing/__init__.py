"""Pure parsing of Security Council records: files in, frozen dataclasses out.

No Django here. ``parse_path`` reads any supported input:

- a verbatim record PDF (``S_PV.8698_E.pdf``) or its pdftotext text;
- a research-corpus folder (``speeches.jsonl`` / ``meta.tsv`` + ``speeches/``);
- a single statement copied from a record, with ``symbol`` and ``date`` given by the caller;
- any of the text forms gzip-compressed (``.gz``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gzip
import re
from pathlib import Path

from archive.citations import find_citations

from .builder import RecordBuilder
from .corpus import is_corpus_dir, parse_corpus
from .cover import MEETING_NO_RE, SYMBOL_RE, Cover, parse_cover
from .labels import match_label
from .limits import MAX_PDF_BYTES, MAX_TEXT_BYTES, check_file_size, check_statement_length
from .lines import Line
from .model import (
    AgendaItem,
    MemberSeat,
    ParsedMeeting,
    ParsedStatement,
    ParseError,
    SpeakerLabel,
    StageDirection,
    Vote,
)
from .pdf import read_pdf
from .pdftotext import text_lines
from .record import build_meeting
from .roles import SECRETARIAT_KEY, delegation_role, office_role
from .statements import find_outcomes, labelled_statement
from .textfix import Vocabulary, drop_control, join_lines

__all__ = [
    "AgendaItem",
    "MemberSeat",
    "ParseError",
    "ParsedMeeting",
    "ParsedStatement",
    "SpeakerLabel",
    "StageDirection",
    "Vote",
    "parse_path",
    "parse_pdf",
    "parse_record_text",
    "parse_statement_text",
]


def parse_pdf(path: str | Path, *, inherited_invitations: dict[str, str] | None = None) -> ParsedMeeting:
    pages = read_pdf(path)
    return build_meeting(
        pages.cover,
        pages.body,
        path=str(path),
        source_kind="pdf",
        source_name=Path(path).name,
        inherited_invitations=inherited_invitations,
        reader="ocr" if pages.reader == "ocr" else None,
    )


def parse_record_text(
    text: str,
    *,
    path: str = "<text>",
    source_name: str | None = None,
    inherited_invitations: dict[str, str] | None = None,
) -> ParsedMeeting:
    cover, body = text_lines(
        drop_control(text, keep="\f\x08\x00"), path=path
    )  # page breaks, \x08 and NUL: text_lines reads them
    return build_meeting(
        cover,
        body,
        path=path,
        source_kind="text",
        source_name=source_name or Path(path).name,
        inherited_invitations=inherited_invitations,
    )


def _parse_record_file(p: Path, inherited: dict[str, str] | None = None) -> ParsedMeeting | None:
    """A whole record (PDF or pdftotext text); None when a text file is not a record."""
    if p.suffix.lower() == ".pdf":
        check_file_size(p, MAX_PDF_BYTES, "a record PDF")
        with p.open("rb") as fh:
            head = fh.read(1024)
        if not head.startswith(b"%PDF"):
            raise ParseError("not a PDF (no %PDF header)", path=str(p), line=1)
        return parse_pdf(p, inherited_invitations=inherited)
    text = read_text(p)
    if not looks_like_record(text):
        return None
    return parse_record_text(text, path=str(p), source_name=p.name, inherited_invitations=inherited)


def _earlier_parts(p: Path, meeting: ParsedMeeting) -> dict[str, str]:
    """Invitations made in the earlier parts of a resumed meeting, from files beside this one
    ("S_PV.8699_E.pdf" beside "S_PV.8699(Resumption1)_E.pdf"). Briefers are invited once, in
    part one; a resumption only says "I now give the floor to Mr. Mardini"."""
    inherited: dict[str, str] = {}
    number = str(meeting.number)
    for sibling in sorted(p.parent.iterdir()):
        if sibling == p or sibling.suffix.lower() != p.suffix.lower() or number not in sibling.name:
            continue
        if not re.search(rf"(?<!\d){number}(?!\d)", sibling.name):
            continue
        try:
            part = _parse_record_file(sibling)
        except ParseError:
            continue  # a broken sibling is reported when it is imported itself
        if part is None or part.number != meeting.number or (part.resumption or 0) >= (meeting.resumption or 0):
            continue
        inherited.update(dict(part.invitations))
    return inherited


def parse_statement_text(
    text: str,
    *,
    symbol: str | None = None,
    date: dt.date | None = None,
    path: str = "<text>",
    order: int = 1,
) -> ParsedMeeting:
    """One statement copied from a record (PDF line breaks and page breaks kept)."""
    text = check_statement_length(drop_control(text.lstrip("\ufeff")), path=path, line=1)
    lines = [(n, raw.strip()) for n, raw in enumerate(text.split("\n"), start=1)]
    lines = [(n, t) for n, t in lines if t]
    if not lines:
        raise ParseError("empty statement file", path=path, line=1)
    head = [t for _, t in lines[:6]]
    symbol_found = None
    for t in head[:3]:
        m = SYMBOL_RE.fullmatch(t.strip())
        if m:
            symbol_found = t
    if symbol_found:
        lines = [(n, t) for n, t in lines if t != symbol_found]
        if not lines:
            raise ParseError("a meeting symbol and no statement", path=path, line=1)
    symbol = symbol or (f"S/PV.{SYMBOL_RE.fullmatch(symbol_found).group(1)}" if symbol_found else None)  # type: ignore[union-attr]
    found = match_label("\n".join(t for _, t in lines[:3]), bare_name=True)
    if not found:
        raise ParseError(
            "a statement file must start with a speaker label such as 'Mr. Sadykov (Kazakhstan):'",
            path=path,
            line=lines[0][0],
        )
    body = [Line(text=t, number=n, page=1) for n, t in lines]
    builder = RecordBuilder(body, Cover(), path=path, starts_with_label=True)
    builder.build()
    if len(builder.turns) != 1:
        raise ParseError(
            f"expected one statement, found {len(builder.turns)} speaker labels", path=path, line=lines[0][0]
        )
    vocabulary = Vocabulary(t for _, t in lines)
    turn = builder.turns[0]
    label = turn.label
    paragraphs = tuple(p for p in (join_lines(par, vocabulary) for par in turn.paragraphs) if p)
    from .delegations import resolve_delegation_on

    info = resolve_delegation_on(label.delegation, date) if label.delegation else None  # "China" by date
    delegation = info.name if info else label.delegation
    key = info.key if info else None
    speaker = label.name
    by_office = office_role(label.office)
    if by_office is not None:
        role, delegation = by_office[0], by_office[1] or delegation
        key = SECRETARIAT_KEY if by_office[1] else key
        speaker = speaker or (label.office if role == "secretariat" else None)
    elif info is not None:
        role = delegation_role(info)
    elif label.delegation:
        role = "invitee"
    else:
        role = "other"
    statement = labelled_statement(
        order,
        label,
        speaker=speaker,
        delegation=delegation,
        delegation_key=key,
        role=role,
        paragraphs=paragraphs,
        line=turn.line,
    )
    number = None
    if symbol:
        m = SYMBOL_RE.fullmatch(symbol.strip())
        if not m:
            raise ParseError(f"not a meeting symbol: {symbol!r} (expected S/PV.NNNN)", path=path)
        number = int(m.group(1))
        symbol = f"S/PV.{number}"
    warnings = []
    if symbol is None or date is None:
        warnings.append("meeting symbol or date not given: pass --symbol and --date to import it")
    adoptions, rejections = find_outcomes((statement,), builder.votes, date)
    return ParsedMeeting(
        symbol=symbol or "",
        number=number,
        resumption=None,
        date=date,
        source_kind="statement",
        source_name=Path(path).name,
        statements=(statement,),
        warnings=tuple(warnings),
        adoptions=adoptions,
        rejections=rejections,
    )


def read_text(path: Path) -> str:
    """A record's or a statement's text; the size is checked before the file is read (and a gzip
    file is never expanded past the limit)."""
    if path.suffix == ".gz":
        check_file_size(path, MAX_TEXT_BYTES, "a compressed record")
        try:
            with gzip.open(path, "rb") as fh:
                data = fh.read(MAX_TEXT_BYTES + 1)
        except (OSError, EOFError) as exc:
            raise ParseError(f"not a readable gzip file ({exc})", path=str(path), line=None) from exc
        if len(data) > MAX_TEXT_BYTES:
            raise ParseError(f"file too large (over {MAX_TEXT_BYTES} bytes of text once expanded)", path=str(path))
    else:
        check_file_size(path, MAX_TEXT_BYTES, "a record's text")
        data = path.read_bytes()
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise ParseError("UTF-16 text (byte-order mark): save it as UTF-8", path=str(path), line=1)
    if not data.strip():
        raise ParseError("empty file", path=str(path), line=1)
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise ParseError("binary content (NUL byte), not text", path=str(path), line=line)
    try:
        return data.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        try:
            return data.decode("cp1252").replace("\r\n", "\n")
        except UnicodeDecodeError:
            raise ParseError(
                f"neither UTF-8 nor Windows-1252 (byte 0x{data[exc.start]:02x})", path=str(path), line=line
            ) from exc


def looks_like_record(text: str) -> bool:
    head = text[:6000]
    return bool(re.search(r"S\s*/\s*PV\.\s*\d+", head) or MEETING_NO_RE.search(head)) and (
        "\f" in text or "This record contains the text of speeches" in head
    )


def with_citations(meeting: ParsedMeeting) -> ParsedMeeting:
    """Each statement's ``citations``: the resolutions its text cites, with offsets into ``text``."""
    statements = tuple(dataclasses.replace(s, citations=tuple(find_citations(s.text))) for s in meeting.statements)
    return dataclasses.replace(meeting, statements=statements)


def parse_path(path: str | Path, *, symbol: str | None = None, date: dt.date | None = None) -> list[ParsedMeeting]:
    """Parse one input (file or corpus folder) into meetings, citations found.
    Raises ParseError naming the file."""
    return [with_citations(m) for m in _parse_path(path, symbol=symbol, date=date)]


def _parse_path(path: str | Path, *, symbol: str | None = None, date: dt.date | None = None) -> list[ParsedMeeting]:
    p = Path(path)
    name = str(path)
    try:
        if p.is_dir():
            if is_corpus_dir(p):
                return parse_corpus(p)
            raise ParseError("a folder that is not a corpus (no speeches.jsonl or meta.tsv)", path=name)
        if not p.exists():
            raise ParseError("no such file", path=name)
        if p.name in ("speeches.jsonl", "meta.tsv"):
            return parse_corpus(p.parent)
        suffixes = [s.lower() for s in p.suffixes]
        if suffixes[-1:] in ([".pdf"], [".txt"], [".gz"]) or not suffixes:
            meeting = _parse_record_file(p)
            if meeting is None:
                return [parse_statement_text(read_text(p), symbol=symbol, date=date, path=name)]
            if meeting.resumption:
                inherited = _earlier_parts(p, meeting)
                if inherited:
                    meeting = _parse_record_file(p, inherited) or meeting
            return [meeting]
        raise ParseError(f"unsupported file type {p.suffix!r} (PDF, .txt, .gz or a corpus folder)", path=name)
    except ParseError as exc:
        raise exc.located(name) from None
    except RecursionError as exc:  # pathological nesting in hostile input
        raise ParseError(f"input too deeply nested ({exc})", path=name) from exc


# Re-exported for callers that parse text they already hold.
parse_cover = parse_cover
