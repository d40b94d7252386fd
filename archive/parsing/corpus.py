"""The UNSC Debates research corpus layout: one file per speech plus a metadata table.

A corpus folder holds ``speeches.jsonl`` (one JSON object per speech, with its ``content``) and/or
``meta.tsv`` (the same rows without content) and ``speeches/UNSC_<year>_SPV.<meeting>_spch<NNN>.txt``
(Windows-1252, CRLF, one paragraph per line, starting with the speaker label as printed).
Where a speech file exists it is preferred to ``content`` (the corpus authors' later version).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from .builder import split_trailers
from .cover import MONTHS
from .delegations import DelegationInfo, delegation_by_key, resolve_delegation_on
from .identity import UNLABELLED, is_unnamed
from .labels import LANGUAGE_RE, match_label, squash
from .limits import (
    MAX_SPEECH_FILE_BYTES,
    MAX_TABLE_BYTES,
    MAX_TABLE_LINE_CHARS,
    check_file_size,
    check_statement_length,
    refuse_link,
)
from .membership import council_members
from .model import ParsedMeeting, ParsedStatement, ParseError, StageDirection
from .roles import PRESIDING_OFFICES, SECRETARIAT_KEY, delegation_role, national_capacity, office_title
from .statements import find_outcomes, rule_37_delegations, rule_39_offices, with_invitations
from .textfix import drop_control

# Meeting numbers have 4 digits now (a 400-digit one would not fit the database's integer).
BASENAME_RE = re.compile(r"^UNSC_(\d{4})_SPV\.(\d{1,6})(?:Resumption(\d{1,3}))?$")
VTC_RE = re.compile(r"^(\d{4})_(\d{1,6})$")
ROLE_BY_TYPE = {"The President": "president", "Mentioned": "member", "Guest": "invitee"}


def is_corpus_dir(path: Path) -> bool:
    return path.is_dir() and ((path / "speeches.jsonl").exists() or (path / "meta.tsv").exists())


def decode_speech(data: bytes) -> str:
    """Corpus speech files are Windows-1252; a few corpora ship UTF-8. Line ends become LF."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="strict")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _rows(folder: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    jsonl = folder / "speeches.jsonl"
    if jsonl.exists():
        check_file_size(refuse_link(jsonl), MAX_TABLE_BYTES, "a corpus table")
        with jsonl.open(encoding="utf-8") as fh:
            for number, line in enumerate(iter(lambda: fh.readline(MAX_TABLE_LINE_CHARS + 1), ""), start=1):
                if len(line) > MAX_TABLE_LINE_CHARS:
                    raise ParseError(f"row longer than {MAX_TABLE_LINE_CHARS} characters", path=str(jsonl), line=number)
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ParseError(f"invalid JSON ({exc.msg})", path=str(jsonl), line=number) from exc
                except (ValueError, RecursionError) as exc:  # a 5,000-digit number; arrays nested 10,000 deep
                    raise ParseError(f"unreadable JSON ({exc})", path=str(jsonl), line=number) from exc
                if not isinstance(row, dict):
                    raise ParseError("a row is not a JSON object", path=str(jsonl), line=number)
                yield number, _clean(row)
        return
    tsv = folder / "meta.tsv"
    check_file_size(refuse_link(tsv), MAX_TABLE_BYTES, "a corpus table")
    with tsv.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t")
        while True:
            start = reader.line_num + 1 if reader.line_num else 2  # the row's first line (1: the header)
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:  # a quote never closed, so a field over csv's size limit
                raise ParseError(f"unreadable table row ({exc})", path=str(tsv), line=start) from exc
            yield start, _clean(row)


def _clean(row: dict[str, Any]) -> dict[str, Any]:
    return {key: drop_control(value) if isinstance(value, str) else value for key, value in row.items()}


def parse_date(value: str, *, path: str, line: int) -> dt.date:
    value = value.strip()
    m = re.match(r"^(\d{1,2}) ([A-Z][a-z]+) (\d{4})$", value)
    try:
        if m and m.group(2) in MONTHS:
            return dt.date(int(m.group(3)), MONTHS[m.group(2)], int(m.group(1)))
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ParseError(f"unreadable date {value!r}", path=path, line=line) from exc


def meeting_symbol(row: dict[str, Any], *, path: str, line: int) -> tuple[str, int | None, int | None]:
    """(symbol, meeting number, resumption) from a row's basename / spv."""
    basename = str(row.get("basename") or "")
    spv = str(row.get("spv") or "")
    m = BASENAME_RE.match(basename)
    if m:
        resumption = int(m.group(3)) if m.group(3) else None
        return f"S/PV.{int(m.group(2))}", int(m.group(2)), resumption
    v = VTC_RE.match(spv)
    if v:  # a videoconference published as a letter: S/2020/NNN
        return f"S/{v.group(1)}/{int(v.group(2))}", None, None
    raise ParseError(f"cannot tell the meeting from basename {basename!r} / spv {spv!r}", path=path, line=line)


def speech_number(row: dict[str, Any], *, path: str, line: int) -> int:
    """The row's place in its meeting ("speech"); 0 when the row does not say."""
    value = row.get("speech") or 0
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdecimal() and len(value.strip()) < 10:
        return int(value)
    raise ParseError(f"unreadable speech number {value!r}", path=path, line=line)


def parse_corpus(folder: Path, *, only: set[str] | None = None) -> list[ParsedMeeting]:
    """Every meeting in a corpus folder. ``only``: keep these symbols."""
    table = folder / ("speeches.jsonl" if (folder / "speeches.jsonl").exists() else "meta.tsv")
    speeches_dir = folder / "speeches"
    grouped: dict[tuple[str, int | None], list[tuple[int, int, dict[str, Any]]]] = defaultdict(list)
    numbers: dict[tuple[str, int | None], int | None] = {}
    for line, row in _rows(folder):
        symbol, number, resumption = meeting_symbol(row, path=str(table), line=line)
        if only is not None and symbol not in only:
            continue
        grouped[(symbol, resumption)].append((speech_number(row, path=str(table), line=line), line, row))
        numbers[(symbol, resumption)] = number
    states = _speakers_states(row for rows in grouped.values() for _, _, row in rows)
    meetings = []
    for (symbol, resumption), rows in grouped.items():
        rows.sort(key=lambda item: item[0])
        _, first_line, first = rows[0]
        date = parse_date(str(first.get("date") or ""), path=str(table), line=first_line)
        statements: list[ParsedStatement] = []
        stages: list[StageDirection] = []
        for order, (_, line, row) in enumerate(rows, start=1):
            text = _speech_text(row, speeches_dir, table, line)
            statement, trailers = _statement(order, row, text, path=str(table), line=line, date=date, states=states)
            statements.append(statement)
            stages.extend(StageDirection(order, text, kind) for text, kind in trailers)
        presidency = _presidency(statements, date)
        statements = [_in_chair(s, presidency, date) for s in statements]
        rule_37: set[str] = set()
        rule_39: dict[str, str] = {}
        for s in statements:
            if s.role == "president":
                for paragraph in s.paragraphs:
                    rule_37 |= rule_37_delegations(paragraph, date)
                    rule_39.update(rule_39_offices(paragraph))
        statements = [with_invitations(s, rule_37, rule_39) for s in statements]
        adoptions, rejections = find_outcomes(statements, (), date, letter=numbers[(symbol, resumption)] is None)
        meetings.append(
            ParsedMeeting(
                symbol=symbol,
                number=numbers[(symbol, resumption)],
                resumption=resumption,
                date=date,
                source_kind="corpus",
                source_name=f"{folder.name}/{table.name}",
                statements=tuple(statements),
                topic=str(first.get("topic") or "") or None,
                presidency=presidency.name if presidency else None,
                presidency_key=presidency.key if presidency else None,
                stage_directions=tuple(stages),
                invitations=tuple(sorted(rule_39.items())),
                adoptions=adoptions,
                rejections=rejections,
            )
        )
    meetings.sort(key=lambda m: (m.date or dt.date.min, m.number or 0, m.resumption or 0))
    return meetings


def _speakers_states(rows: Iterator[dict[str, Any]]) -> dict[str, str]:
    """Speaker as the table prints it -> the one State the table files them under elsewhere: a
    State's representative briefing as a committee's chair is filed under "UN" in some rows."""
    seen: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        speaker = squash(str(row.get("speaker") or ""))
        country = squash(str(row.get("country") or ""))
        info = resolve_delegation_on(country, None) if speaker and country else None
        if info is not None and info.is_state:
            seen[speaker].add(info.key)
    return {speaker: next(iter(keys)) for speaker, keys in seen.items() if len(keys) == 1}


def _presidency(statements: list[ParsedStatement], date: dt.date | None) -> DelegationInfo | None:
    """The State holding the presidency: the one most of the President's turns are filed under
    (the table files a turn now and then under "UN")."""
    keys = Counter(
        s.delegation_key for s in statements if s.role == "president" and not s.national_capacity and s.delegation_key
    )
    for key, _ in keys.most_common():
        info = delegation_by_key(key)
        if info is not None and info.is_state:
            return info
    return None


def _in_chair(statement: ParsedStatement, presidency: DelegationInfo | None, date: dt.date | None) -> ParsedStatement:
    """The President's turn filed under the presidency, or under the country it names when the
    President speaks in their national capacity (the rule of every reader, roles.national_capacity)."""
    if statement.role != "president":
        return statement
    national, printed = national_capacity(statement.text)
    own = resolve_delegation_on(printed, date) if printed else None
    own = own or presidency
    if own is None:
        return replace(statement, national_capacity=national)
    return replace(statement, national_capacity=national, delegation=own.name, delegation_key=own.key)


def _speech_text(row: dict[str, Any], speeches_dir: Path, table: Path, line: int) -> str:
    filename = str(row.get("filename") or "")
    if filename and "/" not in filename and "\\" not in filename:
        candidate = speeches_dir / filename
        try:
            found = candidate.is_file()
        except OSError as exc:  # a name the system cannot open (over 255 bytes, ...)
            raise ParseError(
                f"cannot open the speech file {filename[:80]!r} ({exc.strerror})", path=str(table), line=line
            ) from exc
        if found:
            refuse_link(speeches_dir)
            check_file_size(refuse_link(candidate), MAX_SPEECH_FILE_BYTES, "a speech file")
            try:
                text = drop_control(decode_speech(candidate.read_bytes()))
            except OSError as exc:
                raise ParseError(f"cannot read the speech file ({exc.strerror})", path=str(candidate)) from exc
            except UnicodeDecodeError as exc:
                raise ParseError(
                    f"speech file is neither UTF-8 nor Windows-1252 ({exc})", path=str(candidate), line=1
                ) from exc
            return check_statement_length(text, path=str(candidate), line=1)
    content = row.get("content")
    if isinstance(content, str) and content.strip():
        return check_statement_length(content.replace("\r\n", "\n"), path=str(table), line=line)
    raise ParseError(f"speech {filename or '?'} has no text (no file and no content)", path=str(table), line=line)


def _statement(
    order: int,
    row: dict[str, Any],
    text: str,
    *,
    path: str,
    line: int,
    date: dt.date | None = None,
    states: Mapping[str, str] | None = None,
) -> tuple[ParsedStatement, list[tuple[str, str]]]:
    """A row's statement, and the procedural lines run into its text ("The meeting rose at
    10.25 a.m.": builder.split_trailers), which are stage directions."""
    text = text.strip()
    found = match_label(text)
    label_printed: str
    language = None
    title = None
    if found:
        label, offset = found
        label_printed = label.printed
        language = label.language
        title = office_title(label.office)
        body = text[offset:]
    else:
        label_printed = squash(str(row.get("speaker") or ""))  # "unknown" is no label: nothing was printed
        label_printed = UNLABELLED if is_unnamed(label_printed) else label_printed
        body = text
    paragraphs: list[str] = []
    trailers: list[tuple[str, str]] = []
    for paragraph in (p.strip() for p in body.split("\n") if p.strip()):
        pieces, stages = split_trailers(paragraph)
        paragraphs.extend(pieces)
        trailers.extend(stages)
    ptype = str(row.get("participanttype") or "")
    role = ROLE_BY_TYPE.get(ptype)
    if role is None:
        raise ParseError(f"unknown participanttype {ptype!r}", path=path, line=line)
    country = squash(str(row.get("country") or ""))
    if LANGUAGE_RE.match(f"({country})"):  # "spoke in French": the label's notes, read out of order
        country = found[0].delegation or "" if found else ""
    info = resolve_delegation_on(country, date) if country else None  # "China" by the meeting's date
    if role == "president" and found and found[0].delegation and found[0].office not in PRESIDING_OFFICES:
        # A delegate's own label ("Mr. Dang (Viet Nam)") on a row the table types as the President's.
        role = "member" if info is not None and date is not None and info.key in council_members(date) else "invitee"
    speaker = squash(str(row.get("speaker") or "")) or None
    if is_unnamed(speaker):
        speaker = None
    if info is not None and info.key == SECRETARIAT_KEY and role != "president":
        # A State's representative filed under "UN" (a committee's chair): the State the label
        # prints, else the one the table files this speaker under elsewhere.
        printed = found[0].delegation if found else None
        own = resolve_delegation_on(printed, date) if printed else None
        if own is None and speaker and states and speaker in states:
            own = delegation_by_key(states[speaker])
        if own is not None and own.is_state:
            info, country = own, own.name
    delegation = info.name if info else (country or None)
    if role != "president" and info is not None:
        role = delegation_role(info) if role == "invitee" or info.kind == "secretariat" else role
    if role == "president" and speaker is None and found and found[0].name:
        speaker = found[0].name
    statement = ParsedStatement(
        order=order,
        speaker_label=label_printed,
        speaker=speaker,
        delegation=delegation,
        delegation_key=info.key if info else None,
        role=role,
        language=language,
        paragraphs=tuple(paragraphs),
        line=line,
        title=title,
    )
    return statement, trailers
