"""Whole verbatim records: golden files, and agreement with the corpus split."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from archive.parsing import ParseError, parse_path, parse_record_text

from .conftest import ROOT, parsed, require_shared
from .golden import GOLDEN, golden_name, sources, summary

sys.path.insert(0, str(ROOT / "bench"))
import parser_accuracy  # noqa: E402


def golden_sources() -> list[Path]:
    return sorted(GOLDEN.glob("*.expected.json"))


def test_there_are_golden_files_for_at_least_five_meetings_in_each_form():
    names = [p.name for p in golden_sources()]
    assert sum(n.endswith(".pdf.expected.json") for n in names) >= 5
    assert sum(n.endswith(".txt.expected.json") for n in names) >= 5


@pytest.mark.parametrize("golden", golden_sources(), ids=lambda p: p.name.removesuffix(".expected.json"))
def test_record_matches_its_golden_file(golden):
    shared = require_shared()
    kind = "pdf" if ".pdf." in golden.name else "text"
    (path,) = [p for p in sources() if golden_name(p) == golden.name] or [None]
    assert path is not None, f"no record in {shared}/meetings/{kind} for {golden.name}"
    (meeting,) = parsed(path)
    expected = json.loads(golden.read_text(encoding="utf-8"))
    got = summary(meeting)
    assert {k: v for k, v in got.items() if k != "statements"} == {
        k: v for k, v in expected.items() if k != "statements"
    }
    assert len(got["statements"]) == len(expected["statements"])
    for ours, theirs in zip(got["statements"], expected["statements"], strict=True):
        assert ours == theirs, f"statement {theirs['order']} of {golden.name} differs"


@pytest.mark.parametrize("source", ["pdf", "text"])
def test_statements_agree_with_the_corpus_split(source):
    require_shared()
    rows = parser_accuracy.corpus_rows()
    total = parser_accuracy.Score()
    for path in sorted((parser_accuracy.SHARED / "meetings" / source).iterdir()):
        _, score = parser_accuracy.score_meeting(path, rows, parse=parsed)
        total.add(score)
    figures = total.figures()
    assert figures["corpus_speeches"] == 331
    if source == "pdf":
        # The acceptance bar of the foundation issue, on the records as published.
        assert figures["f1"] >= 0.995, total.mismatches
        assert figures["delegation"] >= 0.995, total.mismatches
        assert figures["role"] >= 0.99, total.mismatches
    else:
        # pdftotext's default mode shuffles words across columns and page breaks (the corpus
        # text has the same shuffles); boundaries stay right, the first words sometimes not.
        assert figures["f1"] >= 0.97, total.mismatches
        assert figures["delegation"] >= 0.99, total.mismatches
        assert figures["role"] >= 0.99, total.mismatches


def test_cover_page_of_a_record(unsc_2020):
    (meeting,) = parsed(unsc_2020 / "meetings" / "pdf" / "S_PV.8700_E.pdf")
    assert meeting.symbol == "S/PV.8700"
    assert meeting.number == 8700 and meeting.resumption is None
    assert meeting.date.isoformat() == "2020-01-10"
    assert meeting.start_time == "3 p.m."
    assert meeting.place == "New York"
    assert meeting.council_year == "Seventy-fifth year"
    assert meeting.president == "Mr. Dang" and meeting.presidency == "Viet Nam"
    members = {m.delegation: m.representative for m in meeting.members}
    assert len(members) == 14
    assert members["United Kingdom of Great Britain and Northern Ireland"] == "Ms. Pierce"
    assert members["Estonia"] == "Mr. Jürgenson"
    assert meeting.agenda[0].title == "The situation in the Middle East"


def test_resumption_is_read_from_the_cover(unsc_2020):
    for kind, name in (("pdf", "S_PV.8699(Resumption2)_E.pdf"), ("text", "S_PV.8699(Resumption2)_E.txt")):
        (meeting,) = parsed(unsc_2020 / "meetings" / kind / name)
        assert (meeting.symbol, meeting.resumption) == ("S/PV.8699", 2)


def test_votes_and_stage_directions_are_kept_apart_from_speech(unsc_2020):
    (meeting,) = parsed(unsc_2020 / "meetings" / "pdf" / "S_PV.8700_E.pdf")
    kinds = [s.kind for s in meeting.stage_directions]
    assert kinds[0] == "opening" and kinds[-1] == "closing"
    assert "agenda" in kinds
    assert len(meeting.votes) == 2
    amendment, draft = meeting.votes
    assert amendment.in_favour == ("China", "Russian Federation", "Viet Nam")
    assert len(amendment.against) == 7 and len(amendment.abstaining) == 5
    assert len(draft.in_favour) == 11 and draft.against == () and len(draft.abstaining) == 4
    for statement in meeting.statements:
        assert "In favour:" not in statement.text
        assert "A vote was taken" not in statement.text
        assert "The meeting rose" not in statement.text


def test_president_in_national_capacity(unsc_2020):
    (meeting,) = parsed(unsc_2020 / "meetings" / "pdf" / "S_PV.8700_E.pdf")
    national = [s for s in meeting.statements if s.national_capacity]
    assert len(national) == 1
    assert national[0].role == "president" and national[0].delegation == "Viet Nam"
    assert national[0].speaker == "Mr. Dang"
    procedural = [s for s in meeting.statements if s.role == "president" and not s.national_capacity]
    assert all(s.delegation == "Viet Nam" and s.speaker == "Mr. Dang" for s in procedural)


def test_briefers_get_their_organisation_from_the_invitations(unsc_2020):
    (meeting,) = parsed(unsc_2020 / "meetings" / "pdf" / "S_PV.8699_E.pdf")
    by_label = {s.speaker_label: s for s in meeting.statements}
    assert by_label["The Secretary-General"].delegation == "United Nations"
    assert by_label["The Secretary-General"].role == "secretariat"
    assert by_label["Mr. Skoog"].delegation == "European Union"
    # A resumption inherits the invitations made in part one.
    (part2,) = parsed(unsc_2020 / "meetings" / "pdf" / "S_PV.8699(Resumption1)_E.pdf")
    mardini = next(s for s in part2.statements if s.speaker_label == "Mr. Mardini")
    assert mardini.delegation == "International Committee of the Red Cross"


def test_page_furniture_is_dropped_and_language_kept(unsc_2020):
    (meeting,) = parsed(unsc_2020 / "meetings" / "pdf" / "S_PV.8698_E.pdf")
    text = "\n".join(s.text for s in meeting.statements)
    for furniture in ("20-00526", "*2000526*", "08/01/2020", "2/18"):
        assert furniture not in text
    french = [s for s in meeting.statements if s.language == "French"]
    assert french and all(s.speaker_label.endswith("(spoke in French)") for s in french)


def test_pdf_reading_order_beats_pdftotext(unsc_2020):
    """pdftotext scatters a justified line ("The Security Council will now ... begin its");
    the PDF reader keeps the sentence whole."""
    (meeting,) = parsed(unsc_2020 / "meetings" / "pdf" / "S_PV.8698_E.pdf")
    assert (
        "The Security Council will now begin its consideration of the item on its agenda." in meeting.statements[2].text
    )


def test_not_a_record_is_a_clear_error(tmp_path):
    with pytest.raises(ParseError) as info:
        parse_record_text("S/PV.1\n\fnothing here\n", path="x.txt")
    assert "x.txt" in str(info.value)
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.7\n1 0 obj << >> endobj\ntruncated")
    with pytest.raises(ParseError) as info:
        parse_path(bad)
    assert "broken.pdf" in str(info.value)
