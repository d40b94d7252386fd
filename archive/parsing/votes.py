"""Votes and decisions in running text, as the research corpus, the records and the letters of
2020's written procedure print them. Pure: strings in, frozen dataclasses out.

Forms read (each from a real text; see tests/test_parsing_votes.py):

- a tally: "The draft resolution received 13 votes in favour, none against and 2 abstentions
  (China, Russian Federation)." (counts in figures or words; "15 votes in favour" alone);
- an adoption: "The draft resolution has been adopted [unanimously] as resolution 2504 (2020).";
- a failure: "... has not been adopted, having failed to obtain the required number of votes." and
  a veto: "The draft resolution has not been adopted, owing to the negative vote of a permanent
  member of the Council." (older wording: "the negative vote being that of a permanent member");
- a show of hands in running text: "A vote was taken by show of hands. In favour: Belgium, China
  Against: None Abstaining: ..." (the corpus joins the record's italic block into the President's
  turn), and "The result of the voting ... is as follows: In favour: ...; Against: ...; Abstaining: ...";
- written procedure (the 2020 videoconference letters): "I have the honour to refer to Security
  Council resolution 2532 (2020) ... Resolution 2532 (2020) was adopted in accordance with the voting
  procedure set out in the letter dated 27 March 2020 ... putting to the vote the draft resolution
  contained in document S/2020/607 ... Statements ... providing explanations of vote".

Delegations named in a vote are resolved by the one resolver (``delegations.resolve_delegation_on``,
on the meeting's date: "China" is the Republic of China before 1971, "USSR" is the Soviet Union).
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left
from dataclasses import dataclass

from .delegations import delegation_by_key, resolve_delegation_on
from .labels import squash
from .membership import membership_known, permanent_members
from .model import Tally, Vote

NUMBER_WORDS = {
    "no": 0,
    "none": 0,
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
}
_NUM = r"(?:\d{1,2}|" + "|".join(NUMBER_WORDS) + r")"
# What a vote is taken on: "the draft resolution", "the proposed oral amendment", "the decision".
_SUBJECT = r"(?:draft\s*resolution|draft\s+decision|(?:proposed\s+)?(?:oral\s+)?amendment|decision|draft|text)"

TALLY_RE = re.compile(
    rf"(?P<subject>{_SUBJECT})\s+(?:contained\s+in\s+document\s+(?P<draft>S/\d{{4}}/\d+(?:/Rev\.\d+)?)\s+)?"
    rf"received\s+(?P<favour>{_NUM})\s+votes?\s+in\s+favour"
    rf"(?:\s*,?\s*(?:and\s+)?(?P<against>{_NUM})\s+(?:votes?\s+)?against)?"
    rf"(?:\s*,?\s*(?:and\s+)?(?P<abstaining>{_NUM})\s+abstentions?)?"
    r"(?:\s*\((?P<abstainers>[^()]{2,200})\))?",
    re.I,
)
ADOPTED_AS_RE = re.compile(
    r"(?:draft\s*resolution|it|text)[^.]{0,80}?\b(?:has\s+(?:therefore\s+)?been|is|was)\s+adopted\s+"
    r"(unanimously\s+|without a vote\s+|by consensus\s+)?as\s+resolution\s+(\d{1,4})\s*\((\d{4})\)",
    re.I | re.S,
)
NOT_ADOPTED_RE = re.compile(
    rf"(?P<subject>{_SUBJECT})\s+(?:has\s+not\s+been|was\s+not|is\s+not|failed\s+of)\s+(?:adopted|adoption)\s*,?\s*"
    r"(?:(?:owing\s+to|due\s+to|because\s+of)\s+(?P<veto>the\s+negative\s+votes?\s+of\s+(?:a\s+|two\s+|three\s+)?"
    r"permanent\s+members?(?:\s+of\s+the\s+(?:Security\s+)?Council)?)"
    r"|(?P<veto_old>(?:one\s+of\s+)?the\s+negative\s+votes?\s+being\s+(?:that|those)\s+of\s+(?:a\s+)?permanent\s+members?"
    r"(?:\s+of\s+the\s+(?:Security\s+)?Council)?)"
    r"|(?P<short>having\s+failed\s+to\s+obtain\s+the\s+required\s+(?:number\s+of\s+votes|majority)))",
    re.I,
)
# "In favour: A, B Against: None Abstaining: C" (the corpus), "In favour: A, B; Against: ...; " (letters).
GROUP_RE = re.compile(r"\b(In\s+favour|Against|Abstaining|Abstention|Absent|Not\s+participating)\s*:\s*", re.I)
SHOW_OF_HANDS_RE = re.compile(r"\bIn\s+favour\s*:", re.I)
DRAFT_RE = re.compile(
    r"draft\s*resolution\s+(?:contained\s+in\s+|in\s+)?(?:document\s+)?(S/\d{4}/\d+(?:/Rev\.\d+)?)"
    r"|(?:document\s+)?(S/\d{4}/\d+(?:/Rev\.\d+)?)\s*,?\s+(?:which\s+)?contain(?:s|ing)\s+the\s+text\s+of\s*a\s+draft\s*resolution",
    re.I,
)
WRITTEN_PROCEDURE_RE = re.compile(r"in\s+accordance\s+with\s+the\s+voting\s+procedure", re.I)
LETTER_RESOLUTION_RE = re.compile(
    r"(?:refer\s+to\s+(?:Security\s+Council\s+)?resolution|Resolution)\s+(\d{1,4})\s*\((\d{4})\)", re.I
)
EXPLANATIONS_RE = re.compile(r"explanations?\s+of\s+(?:their\s+)?votes?", re.I)
NONE_WORDS = frozenset({"none", "-", "—", "–", "nil", ""})


@dataclass(frozen=True)
class Decision:
    """What the chair announced: adopted (as resolution N), not adopted, or vetoed."""

    outcome: str  # "adopted", "not_adopted", "vetoed"
    subject: str  # "draft resolution", "proposed oral amendment", "decision" (lower-case, squashed)
    text: str  # the sentence(s) as printed, tally included
    start: int  # offsets of ``text`` in the statement's text
    end: int
    number: int | None = None  # the resolution number, when adopted
    year: int | None = None
    unanimous: bool = False
    tally: Tally | None = None
    procedure: str = "meeting"  # "meeting" (show of hands), "written" (2020 letters)


@dataclass(frozen=True)
class WrittenAdoption:
    """A letter of 2020 reporting a resolution adopted by written procedure."""

    number: int
    year: int
    draft: str | None  # "S/2020/607": the draft the letter put to the vote
    explanations: bool  # the letter annexes explanations of vote
    text: str  # the sentence naming the procedure, as printed
    start: int
    end: int


def count(word: str | None) -> int | None:
    """ "13" -> 13, "none" -> 0, "three" -> 3; None for None."""
    if word is None:
        return None
    word = word.lower()
    return int(word) if word.isdigit() else NUMBER_WORDS[word]


def _subject(text: str) -> str:
    words = squash(text).lower()
    return "draft resolution" if words.replace(" ", "") == "draftresolution" else words


def split_names(text: str, date: dt.date | None = None) -> tuple[str, ...]:
    """ "Belgium, China, Tunisia and Viet Nam" -> the names as printed. A part with "and" is split
    there only when the whole part names no delegation ("United Kingdom of Great Britain and
    Northern Ireland" stays whole)."""
    text = squash(text).strip(" .;,")
    if text.lower() in NONE_WORDS:
        return ()
    names: list[str] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        part = re.sub(r"^and\s+", "", part)
        if " and " in part and resolve_delegation_on(part, date) is None:
            pieces = [p.strip() for p in part.split(" and ") if p.strip()]
            if all(resolve_delegation_on(p, date) is not None for p in pieces):
                names.extend(pieces)
                continue
        names.append(part)
    return tuple(names)


def find_tallies(text: str) -> list[tuple[re.Match[str], Tally]]:
    found = []
    for m in TALLY_RE.finditer(text):
        abstainers = split_names(m.group("abstainers")) if m.group("abstainers") else ()
        found.append(
            (
                m,
                Tally(
                    count(m.group("favour")) or 0, count(m.group("against")), count(m.group("abstaining")), abstainers
                ),
            )
        )
    return found


def find_decisions(text: str) -> tuple[Decision, ...]:
    """Every decision announced in ``text``, in order, each with the tally read just before it
    (in the same text, after any earlier decision)."""
    tallies = find_tallies(text)
    tally_starts = [tm.start() for tm, _ in tallies]
    events: list[tuple[int, int, str, re.Match[str]]] = []
    for m in ADOPTED_AS_RE.finditer(text):
        events.append((m.start(), m.end(), "adopted", m))
    for m in NOT_ADOPTED_RE.finditer(text):
        outcome = "vetoed" if (m.group("veto") or m.group("veto_old")) else "not_adopted"
        events.append((m.start(), m.end(), outcome, m))
    events.sort(key=lambda e: e[0])
    decisions = []
    floor = 0
    for start, end, outcome, m in events:
        before = bisect_left(tally_starts, start) - 1  # the last tally before the decision, after the previous one
        tally_match, tally = tallies[before] if before >= 0 and tally_starts[before] >= floor else (None, None)
        begin = text.rfind(".", floor, tally_match.start() if tally_match else start) + 1
        begin = max(begin, floor)
        while begin < start and text[begin].isspace():
            begin += 1
        if end < len(text) and text[end] == ".":
            end += 1
        if outcome == "adopted":
            unanimous = bool(m.group(1) and "unanimously" in m.group(1).lower())
            decisions.append(
                Decision(
                    "adopted",
                    "draft resolution",
                    squash(text[begin:end]),
                    begin,
                    end,
                    number=int(m.group(2)),
                    year=int(m.group(3)),
                    unanimous=unanimous,
                    tally=tally,
                )
            )
        else:
            decisions.append(
                Decision(outcome, _subject(m.group("subject")), squash(text[begin:end]), begin, end, tally=tally)
            )
        floor = end
    return tuple(decisions)


def find_show_of_hands(text: str, position: int) -> tuple[tuple[int, Vote], ...]:
    """Every show of hands printed in running text, as (offset, Vote): the groups "In favour:",
    "Against:", "Abstaining:" each run to the next group's head, a semicolon closing a group, or the
    end of the paragraph. ``position`` is the Vote's position (the statement's order)."""
    found = []
    starts = [m.start() for m in SHOW_OF_HANDS_RE.finditer(text)]
    for n, start in enumerate(starts):
        paragraph_end = text.find("\n", start)
        end = min(
            paragraph_end if paragraph_end >= 0 else len(text), starts[n + 1] if n + 1 < len(starts) else len(text)
        )
        block = text[start:end]  # each text read once, however many shows of hands it holds
        groups: dict[str, str] = {}
        heads = list(GROUP_RE.finditer(block))
        for i, g in enumerate(heads):
            name = squash(g.group(1)).lower()
            if name in groups:  # a second "In favour:" starts another vote
                break
            stop = heads[i + 1].start() if i + 1 < len(heads) else len(block)
            value = block[g.end() : stop]
            cut = re.search(r";|\.\s+(?=[A-Z])|\.$", value)
            groups[name] = value[: cut.start()] if cut else value
            if cut and i + 1 < len(heads) and value[cut.end() :].strip():
                break
        found.append(
            (
                start,
                Vote(
                    position,
                    split_names(groups.get("in favour", "")),
                    split_names(groups.get("against", "")),
                    split_names(groups.get("abstaining", groups.get("abstention", ""))),
                ),
            )
        )
    return tuple(found)


def vote_keys(vote: Vote, date: dt.date | None) -> dict[str, list[str | None]]:
    """The delegation key of every name in ``vote`` on ``date`` (None for a name outside the table),
    in the order printed: stored beside the names as printed."""

    def keys(names: tuple[str, ...]) -> list[str | None]:
        found = [resolve_delegation_on(name, date) for name in names]
        return [info.key if info else None for info in found]

    return {"in_favour": keys(vote.in_favour), "against": keys(vote.against), "abstaining": keys(vote.abstaining)}


def is_permanent_member(key: str, date: dt.date | None) -> bool:
    """Whether ``key`` held a permanent seat on ``date`` (today's five when the date is unknown or
    outside the membership table)."""
    if date is not None and membership_known(date.year):
        return key in permanent_members(date)
    info = delegation_by_key(key)
    return bool(info and info.permanent_member)


def permanent_members_against(vote: Vote, date: dt.date | None) -> tuple[str, ...]:
    """Keys of the permanent members voting against: who vetoed, when the draft failed by a veto."""
    found = [resolve_delegation_on(name, date) for name in vote.against]
    return tuple(info.key for info in found if info is not None and is_permanent_member(info.key, date))


def drafts_named(text: str) -> list[tuple[int, str]]:
    """(offset, symbol) of every draft resolution named in ``text``: "the draft resolution
    contained in document S/2020/24", "document S/2020/1011, which contains the text of a draft
    resolution"."""
    return [(m.start(), m.group(1) or m.group(2)) for m in DRAFT_RE.finditer(text)]


def find_written_adoption(text: str) -> WrittenAdoption | None:
    """The resolution a written-procedure letter reports, or None when ``text`` is not such a letter."""
    procedure = WRITTEN_PROCEDURE_RE.search(text)
    if procedure is None:
        return None
    resolution = LETTER_RESOLUTION_RE.search(text, 0, procedure.end())
    if resolution is None:
        return None
    drafts = drafts_named(text)
    sentence_start = text.rfind(".", 0, resolution.start()) + 1
    sentence_end = text.find(".", procedure.end())
    sentence_end = len(text) if sentence_end < 0 else sentence_end + 1
    return WrittenAdoption(
        number=int(resolution.group(1)),
        year=int(resolution.group(2)),
        draft=drafts[0][1] if drafts else None,
        explanations=bool(EXPLANATIONS_RE.search(text)),
        text=squash(text[sentence_start:sentence_end]),
        start=sentence_start,
        end=sentence_end,
    )


def stored_vote(
    vote: Vote | None,
    tally: Tally | None,
    date: dt.date | None,
    *,
    unanimous: bool = False,
    procedure: str = "meeting",
    draft: str | None = None,
) -> dict[str, object]:
    """How a vote is stored on a resolution or a vetoed draft: the names as printed, beside them
    their delegation keys on ``date``, the counts as announced, and how it was taken. Empty parts
    are left out, so an unknown vote is ``{}`` and a written adoption says only how it was taken."""
    stored: dict[str, object] = {}
    if vote is not None:
        stored.update(vote.as_dict())
        stored["keys"] = vote_keys(vote, date)
    if tally is not None:
        stored["counts"] = tally.as_dict()
    if unanimous:
        stored["unanimous"] = True
    if procedure != "meeting":
        stored["procedure"] = procedure
    if draft:
        stored["draft"] = draft
    return stored
