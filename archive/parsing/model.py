"""Typed, immutable results of parsing. Nothing here knows about Django."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

ROLES = ("president", "member", "invitee", "secretariat", "committee-chair", "other")  # roles.CHAIR
INVITED_UNDER = ("37", "39")  # the rules of procedure an invitation names


class ParseError(ValueError):
    """Raised for input the parser does not understand. Names the file and the line."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        self.message = message
        self.path = path
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path or "<text>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}"

    def located(self, path: str) -> ParseError:
        """The same error, naming ``path`` when it did not name a file yet."""
        if self.path:
            return self
        return ParseError(self.message, path=path, line=self.line)


@dataclass(frozen=True)
class SpeakerLabel:
    """A speaker label exactly as printed, and what it says."""

    printed: str  # "Mr. Nebenzia (Russian Federation) (spoke in Russian)"
    name: str | None  # "Mr. Nebenzia"; None for "The President"
    office: str | None  # "The President", "The Secretary-General"; or a briefer's office
    delegation: str | None  # the parenthesis naming a State or organisation, as printed
    language: str | None  # "French" for "(spoke in French)"
    on_behalf_of: str | None = None  # "(on behalf of the European Union)"


@dataclass(frozen=True)
class ParsedStatement:
    order: int
    speaker_label: str  # as printed
    speaker: str | None  # a person's name as printed: "Mr. Dang"
    delegation: str | None  # canonical delegation name when known, else as printed
    role: str  # one of ROLES
    language: str | None
    paragraphs: tuple[str, ...]
    line: int | None = None  # where the statement starts in the source (1-based)
    page: int | None = None  # the page of the record it starts on
    national_capacity: bool = False  # the President speaking for their own country
    on_behalf_of: str | None = None
    citations: tuple[Any, ...] = ()
    ocr_confidence: float | None = None  # a scan read by OCR: mean word confidence, 0 – 100
    # The key of the delegation the reader resolved ("kaz"), which the writer stores; None when the
    # name is not in the table. Left out of statement_dict: a resolved delegation is named by its
    # table name, which resolves back to this key, so the name already says it.
    delegation_key: str | None = None
    # A Council member briefing as the chair of a Council body (role "committee-chair"): the body
    # as printed ("the Committee established pursuant to resolution 1970 (2011)").
    chaired_body: str | None = None
    title: str | None = None  # a briefer's title as printed: "Special Envoy of the Secretary-General for Syria"
    invited_under: str | None = None  # "37" or "39": the rule the President invited the speaker under

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass(frozen=True)
class StageDirection:
    """Printed in italics in the record and not speech: 'The agenda was adopted.'"""

    position: int  # number of statements before it in the meeting
    text: str
    kind: str  # "opening", "closing", "suspension", "agenda", "vote", "heading", "other"


@dataclass(frozen=True)
class Vote:
    """One show of hands: who voted how, as printed."""

    position: int
    in_favour: tuple[str, ...]
    against: tuple[str, ...]
    abstaining: tuple[str, ...]

    def as_dict(self) -> dict[str, list[str]]:
        """Who voted how, as stored everywhere a vote is kept (meetings, resolutions)."""
        return {"in_favour": list(self.in_favour), "against": list(self.against), "abstaining": list(self.abstaining)}


@dataclass(frozen=True)
class Tally:
    """ "received 13 votes in favour, none against and 2 abstentions": the counts as announced.
    ``against`` / ``abstaining`` are None when the sentence does not give them ("15 votes in favour")."""

    in_favour: int
    against: int | None
    abstaining: int | None
    abstainers: tuple[str, ...] = ()  # "(China, Russian Federation)" after the abstentions, as printed

    def as_dict(self) -> dict[str, Any]:
        return {
            "in_favour": self.in_favour,
            "against": self.against,
            "abstaining": self.abstaining,
            "abstainers": list(self.abstainers),
        }


@dataclass(frozen=True)
class Adoption:
    """ "The draft resolution has been adopted unanimously as resolution 2502 (2019)."

    ``order`` is the statement announcing it; statements after it in the meeting explain the vote.
    A resolution adopted by written procedure (2020) is announced by the letter's first statement,
    and the statements annexed after it are the explanations of vote.
    """

    number: int
    year: int | None
    order: int
    text: str  # the sentence as printed
    vote: Vote | None = None
    unanimous: bool = False
    tally: Tally | None = None
    procedure: str = "meeting"  # "meeting" (show of hands), "written" (the 2020 letters)
    draft: str | None = None  # "S/2020/607", when the text names the draft put to the vote

    def as_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "year": self.year,
            "order": self.order,
            "text": self.text,
            "unanimous": self.unanimous,
            "vote": self.vote.as_dict() if self.vote else None,
            "tally": self.tally.as_dict() if self.tally else None,
            "procedure": self.procedure,
            "draft": self.draft,
        }


@dataclass(frozen=True)
class Rejection:
    """A text put to the vote and not adopted ("The draft resolution has not been adopted, owing to
    the negative vote of a permanent member of the Council."); ``vetoed`` when a permanent member's
    negative vote decided it. Statements after ``order`` explain the vote."""

    order: int
    text: str  # the sentence(s) as printed
    subject: str  # "draft resolution", "proposed oral amendment", "decision"
    vetoed: bool
    draft: str | None = None
    vote: Vote | None = None
    tally: Tally | None = None
    vetoed_by: tuple[str, ...] = ()  # delegation keys of the permanent members voting against
    procedure: str = "meeting"  # "meeting" (show of hands), "written" (the 2020 letters)

    def as_dict(self) -> dict[str, Any]:
        return {
            "order": self.order,
            "text": self.text,
            "subject": self.subject,
            "vetoed": self.vetoed,
            "draft": self.draft,
            "vote": self.vote.as_dict() if self.vote else None,
            "tally": self.tally.as_dict() if self.tally else None,
            "vetoed_by": list(self.vetoed_by),
            "procedure": self.procedure,
        }


@dataclass(frozen=True)
class MemberSeat:
    delegation: str  # as printed on the cover page
    representative: str  # "Mr. Pecsteen de Buytswerve"
    delegation_key: str | None = None  # as the record resolved it (out of as_dict, as a statement's)


@dataclass(frozen=True)
class AgendaItem:
    title: str
    documents: tuple[str, ...] = ()  # symbols named in it: ("S/2019/1005",)


@dataclass(frozen=True)
class ParsedMeeting:
    symbol: str  # "S/PV.8698"
    number: int | None  # 8698; None for a letter-published videoconference
    resumption: int | None
    date: dt.date | None
    source_kind: str  # "pdf", "text", "corpus", "statement"
    source_name: str
    statements: tuple[ParsedStatement, ...]
    start_time: str | None = None  # "10 a.m."
    place: str | None = None
    council_year: str | None = None  # "Seventy-fifth year"
    president: str | None = None
    presidency: str | None = None  # the presidency's country (its table name when resolved)
    presidency_key: str | None = None  # its key, as the reader resolved it (out of as_dict, as delegation_key)
    members: tuple[MemberSeat, ...] = ()
    agenda: tuple[AgendaItem, ...] = ()
    stage_directions: tuple[StageDirection, ...] = ()
    votes: tuple[Vote, ...] = ()
    topic: str | None = None
    warnings: tuple[str, ...] = field(default=())
    invitations: tuple[tuple[str, str], ...] = ()  # (name key, office) from rule 39 invitations
    adoptions: tuple[Adoption, ...] = ()
    rejections: tuple[Rejection, ...] = ()
    reader: str | None = None  # "ocr": read from page images (a scan) through OCR

    @property
    def key(self) -> tuple[str, int | None]:
        return (self.symbol, self.resumption)

    def as_dict(self) -> dict[str, Any]:
        return {
            "symbol": self.symbol,
            "number": self.number,
            "resumption": self.resumption,
            "date": self.date.isoformat() if self.date else None,
            "start_time": self.start_time,
            "place": self.place,
            "council_year": self.council_year,
            "president": self.president,
            "presidency": self.presidency,
            "topic": self.topic,
            "members": [{"delegation": m.delegation, "representative": m.representative} for m in self.members],
            "agenda": [{"title": a.title, "documents": list(a.documents)} for a in self.agenda],
            "source": {"kind": self.source_kind, "name": self.source_name}
            | ({"reader": self.reader} if self.reader else {}),
            "stage_directions": [
                {"position": s.position, "kind": s.kind, "text": s.text} for s in self.stage_directions
            ],
            "votes": [{"position": v.position, **v.as_dict()} for v in self.votes],
            "adoptions": [a.as_dict() for a in self.adoptions],
            "rejections": [r.as_dict() for r in self.rejections],
            "invitations": [list(pair) for pair in self.invitations],
            "warnings": list(self.warnings),
            "statements": [statement_dict(s) for s in self.statements],
        }


def statement_dict(s: ParsedStatement) -> dict[str, Any]:
    return {
        "order": s.order,
        "speaker_label": s.speaker_label,
        "speaker": s.speaker,
        "delegation": s.delegation,
        "role": s.role,
        "language": s.language,
        "national_capacity": s.national_capacity,
        "on_behalf_of": s.on_behalf_of,
        "line": s.line,
        "page": s.page,
        "ocr_confidence": s.ocr_confidence,
        "text": s.text,
        "citations": [c.as_dict() for c in s.citations],
    } | {name: value for name in ("chaired_body", "title", "invited_under") if (value := getattr(s, name))}
