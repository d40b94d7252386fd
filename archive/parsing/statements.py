"""Statements of a record: each turn's speaker, delegation and role (the President, the
Secretariat, members, invitees, a speaker given the floor or invited under rule 39), and the
resolutions adopted in the meeting."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace

from .builder import RecordBuilder, Turn
from .cover import Cover
from .delegations import (
    DelegationInfo,
    delegation_by_key,
    resolve_delegation,
    resolve_delegation_on,
    resolve_misread_delegation,
)
from .labels import squash
from .model import Adoption, ParsedStatement, Rejection, SpeakerLabel, Vote
from .roles import (
    CHAIR,
    SECRETARIAT,
    SECRETARIAT_KEY,
    chaired_body,
    delegation_role,
    national_capacity,
    office_role,
    office_title,
)
from .textfix import Vocabulary, join_lines
from .votes import (
    drafts_named,
    find_decisions,
    find_show_of_hands,
    find_written_adoption,
    permanent_members_against,
)

FLOOR_RE = re.compile(
    r"\b(?:give|now give|call on|invite)\s+(?:the floor to\s+)?(?:the\s+)?(?:Permanent\s+)?"
    r"(?:representative|observer|Head of (?:the )?Delegation|delegation)\s+of\s+(?:the\s+)?([^.,;:]+?)\s*[.;:]",
    re.I,
)
RULE_37_RE = re.compile(
    r"\brule\s+37\b[^.]*?\binvite\s+the\s+representatives?\s+of\s+(?:the\s+)?(.+?)\s+to\s+participate\b", re.S
)
PERSON_RE = re.compile(
    r"(?:(?:His|Her) Excellency\s+)?((?:Mr|Mrs|Ms|Dr)\.\s+[^,;]+?|(?:Sir|Dame|Lord|Lady)\s+[^,;]+?),\s*([^;]+?)(?=;|,?\s+and\s+(?:His|Her|Mr|Mrs|Ms|Dr)\b|$)"
)
UN_OFFICE_RE = re.compile(
    r"Secretary-General|Secretary\s*General|United Nations|Under-Secretary|Assistant Secretary"
    r"|High Commissioner|Emergency Relief|UN[A-Z]{2,}|Special (?:Envoy|Representative|Coordinator|Adviser)"
    r"|Executive Director of UN|Peacebuilding Support|Peace Operations|Political and Peacebuilding"
)


def find_outcomes(
    statements: Sequence[ParsedStatement],
    votes: Sequence[Vote],
    date: dt.date | None = None,
    *,
    letter: bool = False,
) -> tuple[tuple[Adoption, ...], tuple[Rejection, ...]]:
    """What the chair announced in the meeting: the resolutions adopted (at the meeting or, for a
    2020 letter, by written procedure) and the texts not adopted, each with its tally, the show of
    hands before it and the draft named before it (``votes`` holds the record's printed shows of
    hands; the corpus prints them inside the President's turn). ``date`` resolves the names;
    ``letter``: the meeting is a letter of 2020, so every vote it reports was taken in writing."""
    procedure = "written" if letter else "meeting"
    adoptions: list[Adoption] = []
    rejections: list[Rejection] = []
    turns = _Turns(statements)
    for statement in statements:
        if statement.role != "president":
            continue
        text = statement.text
        written = find_written_adoption(text)
        if written is not None:
            adoptions.append(
                Adoption(
                    number=written.number,
                    year=written.year,
                    order=statement.order,
                    text=written.text,
                    procedure="written",
                    draft=written.draft,
                )
            )
            continue
        floor = 0
        for decision in find_decisions(text):
            vote = turns.vote_before(statement, decision.start, floor, votes)
            draft = turns.draft_before(statement, decision.start)
            floor = decision.end
            if decision.outcome == "adopted" and decision.number is not None:
                adoptions.append(
                    Adoption(
                        number=decision.number,
                        year=decision.year,
                        order=statement.order,
                        text=decision.text,
                        vote=vote,
                        unanimous=decision.unanimous,
                        tally=decision.tally,
                        procedure=procedure,
                        draft=draft,
                    )
                )
            elif decision.outcome != "adopted":
                vetoed = decision.outcome == "vetoed"
                rejections.append(
                    Rejection(
                        order=statement.order,
                        text=decision.text,
                        subject=decision.subject,
                        vetoed=vetoed,
                        draft=draft if decision.subject == "draft resolution" else None,
                        vote=vote,
                        tally=decision.tally,
                        vetoed_by=permanent_members_against(vote, date) if vetoed and vote else (),
                        procedure=procedure,
                    )
                )
    return tuple(adoptions), tuple(rejections)


class _Turns:
    """What find_outcomes asks of the turns before a decision, read once per turn (a hostile text
    with thousands of decisions costs each turn one reading, not one per decision)."""

    def __init__(self, statements: Sequence[ParsedStatement]) -> None:
        self.by_order = {s.order: s for s in statements}
        self._hands: dict[int, tuple[tuple[int, Vote], ...]] = {}
        self._drafts: dict[int, list[tuple[int, str]]] = {}
        self._decides: dict[int, bool] = {}

    def hands(self, s: ParsedStatement) -> tuple[tuple[int, Vote], ...]:
        if s.order not in self._hands:
            self._hands[s.order] = find_show_of_hands(s.text, s.order)
        return self._hands[s.order]

    def drafts(self, s: ParsedStatement) -> list[tuple[int, str]]:
        if s.order not in self._drafts:
            self._drafts[s.order] = drafts_named(s.text)
        return self._drafts[s.order]

    def decides(self, s: ParsedStatement) -> bool:
        if s.order not in self._decides:
            self._decides[s.order] = bool(find_decisions(s.text))
        return self._decides[s.order]

    def vote_before(self, statement: ParsedStatement, start: int, floor: int, votes: Sequence[Vote]) -> Vote | None:
        """The show of hands a decision announced at ``start`` of ``statement`` reports: the record's
        printed one just before the statement, else one in the statement's own text (after the
        previous decision), else the last one in the President's turn before it."""
        printed = [v for v in votes if v.position == statement.order - 1]
        if printed:
            return printed[-1]
        inline = [v for offset, v in self.hands(statement) if floor <= offset < start]
        if inline:
            return inline[-1]
        previous = self.by_order.get(statement.order - 1)
        if previous is not None and previous.role == "president":
            found = self.hands(previous)
            if found:
                return found[-1][1]
        return None

    def draft_before(self, statement: ParsedStatement, start: int) -> str | None:
        """The last draft resolution named before a decision: in the statement, else in the turns
        before it (five at most), back to the previous decision."""
        named = [symbol for offset, symbol in self.drafts(statement) if offset < start]
        if named:
            return named[-1]
        order = statement.order - 1
        while order in self.by_order and order >= statement.order - 5:
            earlier = self.by_order[order]
            if self.drafts(earlier):
                return self.drafts(earlier)[-1][1]
            if self.decides(earlier):
                return None
            order -= 1
        return None


def misread_delegation(name: str) -> str:
    info = resolve_misread_delegation(name)
    return info.name if info else name


def canonical_name(name: str, date: dt.date | None = None) -> str:
    info = resolve_delegation_on(name, date)
    return info.name if info else name


def country_key(name: str, date: dt.date | None = None) -> str:
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


def rule_39_offices(text: str) -> dict[str, str]:
    """Name key -> office, from a paragraph of the President's rule 39 invitations ("I invite
    Mr. Mohamed Ibn Chambas, Special Representative of the Secretary-General ..., to participate
    in this meeting"; "I also invite the following to participate in the meeting: His Excellency
    Mr. Olof Skoog, Head of Delegation of the European Union ..., and Mr. Robert Mardini, ...")."""
    offices: dict[str, str] = {}
    if not re.search(r"\brule\s+39\b", text):
        return offices
    segment = re.split(r"\brule\s+39\b", text, maxsplit=1)[1]
    segment = re.sub(r"^.*?\binvite\b\s*", "", segment, flags=re.S)
    segment = re.sub(
        r"^(?:also\s+)?the following(?:\s+briefers)?\s+to participate in (?:this|the) meeting\s*:\s*",
        "",
        segment,
    )
    segment = re.sub(r",?\s*to participate in (?:this|the) meeting.*$", "", segment, flags=re.S)
    segment = re.sub(r"\.\s*$", "", segment)
    for person in PERSON_RE.finditer(segment):
        name = squash(person.group(1))
        # A corpus runs the invitation into what follows: "..., Emergency Relief Coordinator. Mr. Pedersen is joining"
        office = re.split(r"(?<=[a-z)])\.\s+(?=[A-Z])", squash(person.group(2)))[0].rstrip(",. ")
        words = name.split()
        offices[words[-1].lower()] = office
        offices[" ".join(words[-2:]).lower()] = office
    return offices


def rule_37_delegations(text: str, date: dt.date | None) -> set[str]:
    """Keys of the delegations a paragraph invites under rule 37 ("In accordance with rule 37 of
    the Council's provisional rules of procedure, I invite the representatives of Colombia, Ecuador
    and Saint Vincent and the Grenadines to participate in this meeting.")."""
    found: set[str] = set()
    for m in RULE_37_RE.finditer(text):
        names = [squash(part) for part in re.split(r",\s*(?:and\s+)?", m.group(1))]
        for name in names:
            info = resolve_delegation_on(name, date)
            if info is not None:
                found.add(info.key)
                continue
            for part in name.split(" and "):  # "Ecuador and Spain", but "Trinidad and Tobago" above
                info = resolve_delegation_on(part, date)
                if info is not None:
                    found.add(info.key)
    return found


def rule_39_invitations(builder: RecordBuilder, vocabulary: Vocabulary) -> dict[str, str]:
    """Name key -> office, from the President's rule 39 invitations in a record (rule_39_offices)."""
    offices: dict[str, str] = {}
    for text in _president_paragraphs(builder, vocabulary):
        offices.update(rule_39_offices(text))
    return offices


def rule_37_invitations(builder: RecordBuilder, vocabulary: Vocabulary, date: dt.date | None) -> set[str]:
    """Keys of the delegations the President invites under rule 37 in a record."""
    found: set[str] = set()
    for text in _president_paragraphs(builder, vocabulary):
        found |= rule_37_delegations(text, date)
    return found


def _president_paragraphs(builder: RecordBuilder, vocabulary: Vocabulary):  # -> Iterator[str]
    for turn in builder.turns:
        if turn.label.office == "The President":
            for paragraph in turn.paragraphs:
                yield join_lines(paragraph, vocabulary)


def invited_office(speaker: str | None, invited: Mapping[str, str]) -> str | None:
    """The office a rule 39 invitation gave ``speaker`` (by surname, or its last two words)."""
    if not speaker:
        return None
    words = speaker.split()
    return invited.get(" ".join(words[-2:]).lower()) or invited.get(words[-1].lower())


def with_invitations(
    statement: ParsedStatement, rule_37: Collection[str], rule_39: Mapping[str, str]
) -> ParsedStatement:
    """A statement with what the meeting's invitations and its own opening say of its speaker:
    the rule it was invited under (37: a delegation; 39: a briefer), the title it was invited
    with, and, for a State's representative briefing as the chair of a Council body, the role
    ``CHAIR`` and that body. Every reader calls it once its statements are made."""
    if statement.role == "president":
        return statement
    office = invited_office(statement.speaker, rule_39)
    under = None
    if office is not None:
        under = "39"
    elif statement.delegation_key is not None and statement.delegation_key in rule_37:
        under = "37"
    changes: dict[str, object] = {"invited_under": under or statement.invited_under}
    if office is not None and not statement.title:
        changes["title"] = office
    body = chaired_body(statement.text) if statement.role in ("member", "invitee") else None
    own = delegation_by_key(statement.delegation_key) if body is not None and statement.delegation_key else None
    if own is not None and own.is_state:  # the chair's own country, as the record prints it
        changes.update(role=CHAIR, chaired_body=body)
    return replace(statement, **changes)


def statement_of_turn(
    order: int,
    turn: Turn,
    paragraphs: tuple[str, ...],
    cover: Cover,
    presidency: DelegationInfo | None,
    members: set[str],
    invited: dict[str, str],
    previous: ParsedStatement | None = None,
) -> ParsedStatement:
    """``presidency``: the presidency resolved (None: not in the table, then the cover's name)."""
    label = turn.label
    speaker = label.name
    delegation: str | None = None
    key: str | None = None
    national = False
    title = office_title(label.office)
    by_office = office_role(label.office)
    if by_office is not None and by_office[0] == "president":
        role = "president"
        speaker = cover.president
        delegation, key = (presidency.name, presidency.key) if presidency else (cover.presidency, None)
        national, printed = national_capacity(" ".join(paragraphs))
        own = resolve_delegation_on(printed, cover.date) if printed and resolve_delegation(printed) else None
        if own is not None:
            delegation, key = own.name, own.key
    elif by_office is not None:
        role, delegation = by_office
        key = SECRETARIAT_KEY
        speaker = speaker or label.office
    elif label.delegation:
        info = resolve_delegation_on(label.delegation, cover.date)
        delegation = info.name if info else label.delegation
        key = info.key if info else None
        role = delegation_role(info, members) if info else "invitee"
    else:
        office = invited_office(speaker, invited)
        floor = _floor_given_to(previous, cover.date)
        org = _office_organisation(office) if office else None
        if floor is not None:
            delegation, key = floor.name, floor.key
            role = "member" if floor.key in members else delegation_role(floor)
        elif org is not None and org.kind != "secretariat":
            role, delegation, key = "invitee", org.name, org.key
        elif office and UN_OFFICE_RE.search(office):
            role, delegation, key = "secretariat", SECRETARIAT, SECRETARIAT_KEY
        else:
            role = "other"
    return labelled_statement(
        order,
        label,
        speaker=speaker,
        delegation=delegation,
        delegation_key=key,
        role=role,
        paragraphs=paragraphs,
        line=turn.line,
        page=turn.page,
        national_capacity=national,
        ocr_confidence=turn.confidence,
        title=title,
    )


def labelled_statement(
    order: int,
    label: SpeakerLabel,
    *,
    speaker: str | None,
    delegation: str | None,
    delegation_key: str | None,
    role: str,
    paragraphs: tuple[str, ...],
    line: int,
    **more,
) -> ParsedStatement:
    """A statement under its printed label (label, language, on whose behalf as printed), with
    the speaker, delegation (and its key) and role a reader resolved; ``more``: page, OCR
    confidence, ..."""
    return ParsedStatement(
        order=order,
        speaker_label=label.printed,
        speaker=speaker,
        delegation=delegation,
        delegation_key=delegation_key,
        role=role,
        language=label.language,
        paragraphs=paragraphs,
        line=line,
        on_behalf_of=label.on_behalf_of,
        **more,
    )
