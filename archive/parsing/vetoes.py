"""The veto list (Security Council vetoes, 1946 – 15 September 2022, as a CSV: one row per vetoed
draft). Pure: a file in, frozen ``VetoRow`` values out; the vetoing members resolved by the one
delegation resolver on the day of the vote ("USSR" the Soviet Union, "China" the Republic of China
before 25 October 1971)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

from .delegations import resolve_delegation_on
from .labels import squash
from .limits import MAX_TEXT_BYTES, check_file_size
from .model import ParseError
from .votes import is_permanent_member

REQUIRED = ("date", "draft", "meeting_record", "agenda_item", "member_veto1")
MEMBER_COLUMNS = ("member_veto1", "member_veto2", "member_veto3")
SYMBOL_RE = re.compile(r"S/(?:PV\.)?\d+(?:/\d+)?", re.I)


@dataclass(frozen=True)
class VetoRow:
    draft: str  # as the list gives it: "S/2020/654", "S/3710 (as amended)", or a meeting "S/PV.49"
    date: dt.date
    meeting_records: tuple[str, ...]  # "S/PV.9087"; two letters for a 2020 written-procedure vote
    subject: str  # the agenda item, as given
    topic: str
    region: str
    members: tuple[str, ...]  # as printed: ("Russia", "China")
    member_keys: tuple[str, ...]  # resolved on the date: ("rus", "chn")
    line: int  # the row's first line in the file


def parse_us_date(value: str, *, path: str, line: int) -> dt.date:
    try:
        month, day, year = (int(part) for part in value.strip().split("/"))
        return dt.date(year, month, day)
    except ValueError as exc:
        raise ParseError(f"date {value!r} is not month/day/year", path=path, line=line) from exc


def read_vetoes(path: Path) -> tuple[VetoRow, ...]:
    """Every row of the veto list. A row without a date, a draft or a vetoing member, or naming a
    member the delegation table does not hold, is an error naming the file and line."""
    check_file_size(path, MAX_TEXT_BYTES, "a veto list")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ParseError(f"cannot read the veto list ({exc})", path=str(path)) from exc
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [name for name in REQUIRED if name not in (reader.fieldnames or ())]
    if missing:
        raise ParseError(f"veto list lacks the columns {', '.join(missing)}", path=str(path), line=1)
    rows = []
    line = reader.line_num + 1
    for record in reader:
        row = _row(record, path=str(path), line=line)
        rows.append(row)
        line = reader.line_num + 1
    return tuple(rows)


def _row(record: dict[str, str | None], *, path: str, line: int) -> VetoRow:
    def cell(name: str) -> str:
        return squash(record.get(name) or "")

    draft = cell("draft")
    if not draft:
        raise ParseError("a row without a draft symbol", path=path, line=line)
    date = parse_us_date(cell("date"), path=path, line=line)
    members = tuple(cell(name) for name in MEMBER_COLUMNS if cell(name))
    if not members:
        raise ParseError(f"{draft}: no vetoing member", path=path, line=line)
    keys = []
    for member in members:
        info = resolve_delegation_on(member, date)
        if info is None or not is_permanent_member(info.key, date):
            raise ParseError(f"{draft}: {member!r} is not a permanent member the table knows", path=path, line=line)
        keys.append(info.key)
    return VetoRow(
        draft=draft,
        date=date,
        meeting_records=tuple(SYMBOL_RE.findall(record.get("meeting_record") or "")),
        subject=cell("agenda_item"),
        topic=cell("crisis_topic"),
        region=cell("region"),
        members=members,
        member_keys=tuple(keys),
        line=line,
    )
