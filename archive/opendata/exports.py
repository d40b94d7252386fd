"""Statements, meetings and resolutions as rows for CSV, JSON and JSON Lines, streamed.

Nothing here holds a whole result set: querysets are read with ``iterator(chunk_size=...)`` (a
server-side cursor on PostgreSQL) and search results as ids read back in chunks, and each row is
written out as soon as it is made. The export views (``views.py``) and ``manage.py
export_archive`` both use these generators, so the files they write have the same columns.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence

from django.db.models import Prefetch, QuerySet

from archive.models import Citation, Meeting, Resolution, Statement

CHUNK = 500  # statements in memory at a time (their texts average some 4-10 kB)

STATEMENT_FIELDS = [
    "id",
    "url",
    "meeting",
    "meeting_url",
    "date",
    "order",
    "speaker",
    "speaker_name",
    "speaker_label",
    "delegation",
    "delegation_key",
    "role",
    "national_capacity",
    "on_behalf_of",
    "chaired_body",
    "title",
    "title_kind",
    "invited_under",
    "language",
    "word_count",
    "page",
    "citations",
    "text",
]
MEETING_FIELDS = [
    "id",
    "slug",
    "url",
    "symbol",
    "number",
    "resumption",
    "date",
    "start_time",
    "place",
    "topic",
    "agenda_item",
    "agenda_as_printed",
    "president",
    "presidency",
    "statement_count",
    "agenda",
    "votes",
    "source_kind",
    "source_name",
]
RESOLUTION_FIELDS = [
    "number",
    "symbol",
    "url",
    "year",
    "title",
    "adopted_on",
    "adopting_meeting",
    "vote",
    "text_in_archive",
    "citation_count",
]
FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json", "jsonl": "application/x-ndjson"}


def _citations_prefetch() -> Prefetch:
    return Prefetch(
        "citations",
        queryset=Citation.objects.only(
            "statement_id", "number", "year_printed", "text", "paragraphs", "start"
        ).order_by("start"),
    )


def statements_for_export(queryset: QuerySet) -> QuerySet:
    """What a statement row needs, in two queries per chunk; the meeting's record (agenda, stage
    directions, votes: large JSON, decoded again for every row) is left unread."""
    return (
        queryset.select_related("meeting", "speaker", "delegation")
        .defer(*(f"meeting__{name}" for name in ("agenda", "stage_directions", "votes", "invitations", "warnings")))
        .defer("chrono", "source_line")
        .prefetch_related(_citations_prefetch())
    )


def iter_statements(queryset: QuerySet, *, chunk: int = CHUNK) -> Iterator[Statement]:
    """Every statement of ``queryset`` (already ordered), ``chunk`` rows in memory at a time."""
    return statements_for_export(queryset).iterator(chunk_size=chunk)


def iter_statement_ids(ids: Sequence[int], *, chunk: int = CHUNK) -> Iterator[Statement]:
    """The statements with these ids, in this order (search results), ``chunk`` at a time."""
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        by_id = statements_for_export(Statement.objects.filter(pk__in=part)).in_bulk()
        for pk in part:
            if pk in by_id:  # deleted since the search index was written
                yield by_id[pk]


def statement_row(statement: Statement, base_url: str) -> dict:
    meeting, delegation = statement.meeting, statement.delegation
    return {
        "id": statement.pk,
        "url": base_url + statement.get_absolute_url(),
        "meeting": meeting.title,
        "meeting_url": base_url + meeting.get_absolute_url(),
        "date": meeting.date.isoformat() if meeting.date else None,
        "order": statement.order,
        "speaker": statement.speaker.name if statement.speaker_id else None,
        "speaker_name": statement.speaker_name,
        "speaker_label": statement.speaker_label,
        "delegation": delegation.name if delegation else None,
        "delegation_key": delegation.key if delegation else None,
        "role": statement.role,
        "national_capacity": statement.national_capacity,
        "on_behalf_of": statement.on_behalf_of,
        "chaired_body": statement.chaired_body,
        "title": statement.title,
        "title_kind": statement.title_kind,
        "invited_under": statement.invited_under,
        "language": statement.language,
        "word_count": statement.word_count,
        "page": statement.source_page,
        "citations": [
            {"resolution": c.number, "year": c.year_printed, "text": c.text, "paragraphs": c.paragraphs}
            for c in statement.citations.all()
        ],
        "text": statement.text,
    }


def meeting_row(meeting: Meeting, base_url: str) -> dict:
    return {
        "id": meeting.pk,
        "slug": meeting.slug,
        "url": base_url + meeting.get_absolute_url(),
        "symbol": meeting.symbol,
        "number": meeting.number,
        "resumption": meeting.resumption,
        "date": meeting.date.isoformat() if meeting.date else None,
        "start_time": meeting.start_time,
        "place": meeting.place,
        "topic": meeting.topic,
        "agenda_item": meeting.agenda_item.slug if meeting.agenda_item_id else None,
        "agenda_as_printed": meeting.agenda_as_printed,
        "president": meeting.president_name,
        "presidency": meeting.presidency.key if meeting.presidency_id else None,
        "statement_count": meeting.statement_count,
        "agenda": meeting.agenda,
        "votes": meeting.votes,
        "source_kind": meeting.source_kind,
        "source_name": meeting.source_name,
    }


def resolution_row(resolution: Resolution, base_url: str) -> dict:
    return {
        "number": resolution.number,
        "symbol": resolution.symbol,
        "url": base_url + resolution.get_absolute_url(),
        "year": resolution.year,
        "title": resolution.title,
        "adopted_on": resolution.adopted_on.isoformat() if resolution.adopted_on else None,
        "adopting_meeting": resolution.adopting_meeting.slug if resolution.adopting_meeting_id else None,
        "vote": resolution.vote,
        "text_in_archive": resolution.text_in_archive,
        "citation_count": resolution.citation_count,
    }


def all_meetings() -> Iterator[Meeting]:
    return Meeting.objects.select_related("presidency", "agenda_item").chronological().iterator(chunk_size=CHUNK)


def all_resolutions() -> Iterator[Resolution]:
    return (
        Resolution.objects.select_related("adopting_meeting")
        .defer("text", "adopting_meeting__agenda", "adopting_meeting__stage_directions")
        .order_by("number")
        .iterator(chunk_size=CHUNK)
    )


def all_statements() -> Iterator[Statement]:
    return iter_statements(Statement.objects.oldest_first())


# ------------------------------------------------------------------------------ encoders


# A spreadsheet reads a cell that starts with one of these as a formula (OWASP, "CSV Injection"):
# such a cell is written with a leading apostrophe, which spreadsheets show as text and hide.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def starts_a_formula(text: str) -> bool:
    """A cell a spreadsheet may read as a formula: one of FORMULA_STARTS first, also after leading
    white space (a spreadsheet that trims it: " =1+1", "\u00a0=1+1", "\n=1+1") and in its
    compatibility forms (fullwidth "＝1+1" is "=" once NFKC-normalised)."""
    if text.startswith(FORMULA_STARTS):
        return True
    first = text.lstrip()[:1]
    return bool(first) and unicodedata.normalize("NFKC", first).startswith(FORMULA_STARTS)


def csv_cell(value) -> str | int | bool | None:
    """One value as a CSV cell: nested values as JSON, text that a spreadsheet would run as a
    formula made inert. JSON and JSON Lines exports carry the text unchanged."""
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and starts_a_formula(value):
        return "'" + value
    return value


def _citations_cell(citations: list[dict]) -> str:
    """'S/RES/2334 (2016); S/RES/1325 (2000)' for the CSV's citations column."""
    return "; ".join(f"S/RES/{c['resolution']}" + (f" ({c['year']})" if c["year"] else "") for c in citations)


class _Line(io.StringIO):
    """A csv.writer target that hands back each line it is given."""

    def pop(self) -> str:
        value = self.getvalue()
        self.seek(0)
        self.truncate()
        return value


def csv_lines(rows: Iterable[dict], fields: list[str]) -> Iterator[str]:
    buffer = _Line()
    writer = csv.writer(buffer)
    writer.writerow(fields)
    yield buffer.pop()
    for row in rows:
        if "citations" in row and isinstance(row["citations"], list):
            row = {**row, "citations": _citations_cell(row["citations"])}
        writer.writerow([csv_cell(row[f]) for f in fields])
        yield buffer.pop()


def json_array_lines(rows: Iterable[dict]) -> Iterator[str]:
    """One JSON array, written a row at a time: '[\\n' row (',\\n' row)* '\\n]\\n'."""
    yield "["
    separator = "\n"
    for row in rows:
        yield separator + json.dumps(row, ensure_ascii=False)
        separator = ",\n"
    yield "\n]\n"


def json_lines(rows: Iterable[dict]) -> Iterator[str]:
    for row in rows:
        yield json.dumps(row, ensure_ascii=False) + "\n"


def encode(fmt: str, rows: Iterable[dict], fields: list[str]) -> Iterator[str]:
    if fmt == "csv":
        return csv_lines(rows, fields)
    if fmt == "json":
        return json_array_lines(rows)
    if fmt == "jsonl":
        return json_lines(rows)
    raise ValueError(f"unknown export format {fmt!r} (csv, json, jsonl)")


def blocks(lines: Iterable[str], size: int = 64 * 1024) -> Iterator[str]:
    """Lines joined into blocks of about ``size`` characters (fewer, larger writes)."""
    parts: list[str] = []
    length = 0
    for line in lines:
        parts.append(line)
        length += len(line)
        if length >= size:
            yield "".join(parts)
            parts, length = [], 0
    if parts:
        yield "".join(parts)


def batched(lines: Iterable[str]) -> Iterator[bytes]:
    """Blocks of UTF-8 for a streaming response."""
    for block in blocks(lines):
        yield block.encode()


def counted(rows: Iterable, progress: Callable[[int], None] | None) -> Iterator:
    for row in rows:
        yield row
        if progress is not None:
            progress(1)


def statement_export(
    fmt: str, statements: Iterable[Statement], base_url: str, progress: Callable[[int], None] | None = None
) -> Iterator[str]:
    rows = (statement_row(statement, base_url) for statement in statements)
    return encode(fmt, counted(rows, progress), STATEMENT_FIELDS)
