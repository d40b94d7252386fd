"""Whole verbatim records (S/PV.*): the cover page and every statement in order.

Both readers end here: the PDF reader (typography known: bold labels and headings, italic stage
directions, indents) and the pdftotext reader (plain lines; the same decisions are made from
the words alone).

The record's parts each have a module: ``cover`` (the cover page), ``pdftotext`` (the text
reader's split into cover and body), ``builder`` (body lines cut into turns, stage directions
and votes) and ``statements`` (each turn's speaker, delegation and role; adoptions).
"""

from __future__ import annotations

from collections.abc import Sequence

from .builder import RecordBuilder, stage_kind
from .cover import parse_cover
from .delegations import resolve_delegation_on
from .labels import match_label
from .lines import Line
from .membership import council_members
from .model import MemberSeat, ParsedMeeting, ParsedStatement, ParseError
from .ocr import harmonise_speakers
from .statements import (
    country_key,
    find_outcomes,
    misread_delegation,
    rule_37_invitations,
    rule_39_invitations,
    statement_of_turn,
    with_invitations,
)
from .textfix import Vocabulary, join_lines

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
        cover.members = [MemberSeat(misread_delegation(m.delegation), m.representative) for m in cover.members]
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
    invited.update(rule_39_invitations(builder, vocabulary))
    rule_37 = rule_37_invitations(builder, vocabulary, cover.date)
    # A seat whose holder depends on the date ("China" in 1950: the Republic of China) is named
    # by its holder, so that it is stored with the right delegation; each seat carries its key.
    cover.members = [_seat(m, cover.date) for m in cover.members]
    if cover.members:
        members = {country_key(m.delegation, cover.date) for m in cover.members}
    else:  # no members on the cover (a scan's, a short excerpt's): the Council of that day
        members = set(council_members(cover.date))
    presidency = resolve_delegation_on(cover.presidency, cover.date) if cover.presidency else None
    statements: list[ParsedStatement] = []
    for order, turn in enumerate(builder.turns, start=1):
        paragraphs = tuple(p for p in (join_lines(par, vocabulary) for par in turn.paragraphs) if p)
        previous = statements[-1] if statements else None
        statement = statement_of_turn(order, turn, paragraphs, cover, presidency, members, invited, previous)
        statements.append(with_invitations(statement, rule_37, invited))
    if reader == "ocr":
        statements = harmonise_speakers(statements)
    adoptions, rejections = find_outcomes(statements, builder.votes, cover.date)
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
        presidency=presidency.name if presidency else cover.presidency,
        presidency_key=presidency.key if presidency else None,
        members=tuple(cover.members),
        agenda=tuple(cover.agenda),
        stage_directions=tuple(builder.stage),
        votes=tuple(builder.votes),
        topic=cover.agenda[0].title if cover.agenda else None,
        warnings=tuple(builder.warnings),
        invitations=tuple(sorted(invited.items())),
        adoptions=adoptions,
        rejections=rejections,
        reader=reader,
    )


def _front_matter(body: Sequence[Line]) -> int:
    """How many lines open the body before its first speaker label or stage direction."""
    for i, line in enumerate(body):
        if match_label(line.text) or stage_kind(line.text):
            return i
    return 0


def _seat(seat: MemberSeat, date) -> MemberSeat:
    """A cover's seat with the key of the delegation holding it on ``date`` (None: not in the
    table), named by that holder when the holder depends on the date."""
    info = resolve_delegation_on(seat.delegation, date)
    if info is None:
        return seat
    name = info.name if country_key(seat.delegation, date) != country_key(seat.delegation) else seat.delegation
    return MemberSeat(name, seat.representative, delegation_key=info.key)
