"""Votes and decisions in running text (archive/parsing/votes.py), on real texts: the President's
turns of the research corpus (tests/fixtures/votes/passages.json), whole corpus meetings
(tests/fixtures/votes/corpus/) and the sample's record S/PV.8700. No database."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from archive.parsing import ParseError
from archive.parsing.corpus import parse_corpus
from archive.parsing.model import ParsedStatement, Vote
from archive.parsing.statements import find_outcomes
from archive.parsing.vetoes import read_vetoes
from archive.parsing.votes import (
    find_decisions,
    find_show_of_hands,
    find_written_adoption,
    permanent_members_against,
    split_names,
    stored_vote,
)

from .conftest import FIXTURES, SAMPLE, parsed

VOTES = FIXTURES / "votes"
PASSAGES = json.loads((VOTES / "passages.json").read_text(encoding="utf-8"))["passages"]
GOLDEN = VOTES / "passages.expected.json"


def reading(passage: dict) -> dict:
    """What the parser reads in one passage, as the golden file holds it."""
    text = passage["text"]
    written = find_written_adoption(text)
    return {
        "source": passage["source"],
        "decisions": [
            {
                "outcome": d.outcome,
                "subject": d.subject,
                "number": d.number,
                "year": d.year,
                "unanimous": d.unanimous,
                "tally": d.tally.as_dict() if d.tally else None,
                "text": d.text,
                "text_at_offsets": text[d.start : d.end] == d.text or None,
            }
            for d in find_decisions(text)
        ],
        "shows_of_hands": [v.as_dict() for _, v in find_show_of_hands(text, 0)],
        "written": None
        if written is None
        else {
            "number": written.number,
            "year": written.year,
            "draft": written.draft,
            "explanations": written.explanations,
        },
    }


def test_passages_match_their_golden_file():
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert [reading(p) for p in PASSAGES] == expected


def passage(spv: str, speech: int) -> str:
    return next(p["text"] for p in PASSAGES if p["spv"] == spv and p["speech"] == speech)


def test_tally_and_adoption_of_resolution_2547():
    (decision,) = find_decisions(passage("8768", 2))
    assert (decision.outcome, decision.number, decision.year, decision.unanimous) == ("adopted", 2547, 2020, False)
    assert decision.tally.as_dict() == {"in_favour": 13, "against": 0, "abstaining": 2, "abstainers": []}


def test_counts_in_words_and_a_failed_amendment():
    (decision,) = find_decisions(passage("8700", 5))
    assert decision.outcome == "not_adopted" and decision.subject == "proposed oral amendment"
    assert (decision.tally.in_favour, decision.tally.against, decision.tally.abstaining) == (3, 7, 5)


def test_glued_draftresolution_is_still_an_adoption():
    (decision,) = find_decisions(passage("8742", 3))
    assert decision.number == 2513 and decision.unanimous and decision.tally.against is None


def test_show_of_hands_in_the_presidents_turn_resolves_with_the_meeting_date():
    ((_, vote),) = find_show_of_hands(passage("8768", 1), 1)
    assert len(vote.in_favour) == 13 and vote.against == () and vote.abstaining == ("China", "Russian Federation")
    stored = stored_vote(vote, None, dt.date(2020, 9, 15))
    assert stored["keys"]["abstaining"] == ["chn", "rus"]
    assert None not in stored["keys"]["in_favour"]


def test_written_procedure_letter():
    letter = find_written_adoption(passage("2020_469", 1))
    assert (letter.number, letter.year, letter.draft, letter.explanations) == (2521, 2020, "S/2020/453", True)
    assert find_written_adoption(passage("8768", 2)) is None


# The wording of the written-procedure letters of July 2020 (not in the shared corpus snapshot).
LETTER_OF_A_VETO = (
    "The result of the voting on draft resolution S/2020/654 was as follows: In favour: Belgium, "
    "Dominican Republic, Estonia, France, Germany, Indonesia, Niger, Saint Vincent and the Grenadines, "
    "South Africa, Tunisia, United Kingdom of Great Britain and Northern Ireland, United States of America, "
    "Viet Nam; Against: China, Russian Federation; Abstaining: None. The draft resolution has not been "
    "adopted, owing to the negative vote of a permanent member of the Council."
)


def test_the_forms_the_letters_and_older_records_print():
    text = LETTER_OF_A_VETO
    ((_, vote),) = find_show_of_hands(text, 3)
    assert vote.against == ("China", "Russian Federation") and vote.abstaining == () and len(vote.in_favour) == 13
    (decision,) = find_decisions(text)
    assert decision.outcome == "vetoed" and decision.subject == "draft resolution"
    assert permanent_members_against(vote, dt.date(2020, 7, 7)) == ("chn", "rus")
    old = "The draft resolution was not adopted, the negative vote being that of a permanent member of the Council."
    assert find_decisions(old)[0].outcome == "vetoed"
    tally = (
        "The draft resolution received 13 votes in favour, none against and 2 abstentions (China, Russian Federation)."
    )
    assert find_decisions(tally + " The draft resolution has been adopted as resolution 2504 (2020).")[
        0
    ].tally.abstainers == ("China", "Russian Federation")


def test_a_letter_reports_a_veto_taken_in_writing():
    def turn(order: int, role: str, text: str) -> ParsedStatement:
        return ParsedStatement(order, "", None, None, role, None, (text,))

    letter = (turn(1, "president", LETTER_OF_A_VETO), turn(2, "member", "China voted against the draft resolution."))
    adoptions, (rejection,) = find_outcomes(letter, (), dt.date(2020, 7, 7), letter=True)
    assert adoptions == () and rejection.vetoed and rejection.procedure == "written"
    assert (rejection.draft, rejection.vetoed_by, rejection.order) == ("S/2020/654", ("chn", "rus"), 1)
    _, (in_a_meeting,) = find_outcomes(letter, (), dt.date(2020, 7, 7))
    assert in_a_meeting.procedure == "meeting"


def test_permanent_members_by_date():
    vote = Vote(0, (), ("Union of Soviet Socialist Republics", "China", "Egypt"), ())
    assert permanent_members_against(vote, dt.date(1950, 9, 6)) == ("sun", "republic-of-china")
    vote = Vote(0, (), ("USSR", "China"), ())
    assert permanent_members_against(vote, dt.date(1975, 1, 1)) == ("sun", "chn")


def test_names_split_on_and_only_between_delegations():
    assert split_names("Dominican Republic, Indonesia, Niger, Tunisia and Viet Nam") == (
        "Dominican Republic",
        "Indonesia",
        "Niger",
        "Tunisia",
        "Viet Nam",
    )
    assert split_names("Saint Vincent and the Grenadines, United Kingdom of Great Britain and Northern Ireland") == (
        "Saint Vincent and the Grenadines",
        "United Kingdom of Great Britain and Northern Ireland",
    )
    assert split_names("None") == ()


def test_corpus_meetings_carry_their_votes():
    meetings = {m.symbol: m for m in parse_corpus(VOTES / "corpus")}
    (adoption,) = meetings["S/PV.8722"].adoptions
    assert adoption.number == 2510 and adoption.vote.abstaining == ("Russian Federation",)
    assert adoption.tally.in_favour == 14 and adoption.draft == "S/2020/113"
    (adoption,) = meetings["S/PV.8775"].adoptions
    assert adoption.number == 2551 and adoption.vote.abstaining == ("China", "Russian Federation")
    (adoption,) = meetings["S/PV.8768"].adoptions
    assert adoption.number == 2547 and adoption.order == 2 and adoption.draft == "S/2020/1011"
    (letter,) = meetings["S/2020/638"].adoptions
    assert (letter.number, letter.procedure, letter.order, letter.draft) == (2532, "written", 1, "S/2020/607")


def test_the_record_gives_tally_draft_and_the_failed_amendment():
    (meeting,) = parsed(SAMPLE / "records" / "S_PV.8700_E.pdf")
    (adoption,) = meeting.adoptions
    assert adoption.number == 2504 and adoption.draft == "S/2020/24"
    assert len(adoption.vote.in_favour) == adoption.tally.in_favour == 11
    (rejection,) = meeting.rejections
    assert rejection.subject == "proposed oral amendment" and not rejection.vetoed
    assert rejection.vote.in_favour == ("China", "Russian Federation", "Viet Nam")


def test_veto_list_rows_resolve_members_on_the_day(tmp_path):
    rows = read_vetoes(VOTES / "vetoes.csv")
    by_draft = {row.draft: row for row in rows}
    assert by_draft["S/1653"].member_keys == ("sun",)
    assert by_draft["S/10771"].member_keys == ("chn",)
    assert by_draft["S/2020/654"].member_keys == ("rus", "chn")
    assert by_draft["S/2020/654"].meeting_records == ("S/2020/661", "S/2020/657")
    assert by_draft["S/2022/538"].date == dt.date(2022, 7, 8)
    bad = tmp_path / "vetoes.csv"
    bad.write_text((VOTES / "vetoes.csv").read_text(encoding="utf-8").replace("Europe,USSR,", "Europe,Ruritania,", 1))
    with pytest.raises(ParseError, match=r"vetoes\.csv:\d+: .*Ruritania"):
        read_vetoes(bad)


def test_veto_list_from_the_shared_data(unsc_2020: Path):
    rows = read_vetoes(unsc_2020.parent / "unsc-vetoes-1946-2022" / "unsc_vetoes_1946_sept2022.csv")
    assert len(rows) == 214
    members = [key for row in rows for key in row.member_keys]
    assert members.count("sun") == 90 and members.count("rus") == 31
    assert all(row.date.year < 1992 for row in rows if "sun" in row.member_keys)


if __name__ == "__main__":  # regenerate the golden file after a deliberate change
    GOLDEN.write_text(json.dumps([reading(p) for p in PASSAGES], indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
