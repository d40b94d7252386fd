"""The research corpus layout, over the sample the repository ships (124 real speeches) and
the whole shared 2020 set: each statement checked against the corpus metadata."""

from __future__ import annotations

import json
import re

import pytest

from archive.parsing import ParseError, parse_path
from archive.parsing.corpus import decode_speech, meeting_symbol, parse_corpus
from archive.parsing.delegations import resolve_delegation

from .conftest import SAMPLE

CORPUS = SAMPLE / "corpus-2020"
ROLE = {"The President": "president", "Mentioned": "member", "Guest": "invitee"}


def rows(folder):
    with (folder / "speeches.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def check_against_metadata(folder) -> int:
    meetings = {(m.symbol, m.resumption): m for m in parse_corpus(folder)}
    checked = 0
    for row in rows(folder):
        symbol, _, resumption = meeting_symbol(row, path="speeches.jsonl", line=0)
        meeting = meetings[(symbol, resumption)]
        statement = meeting.statements[int(row["speech"]) - 1]
        assert statement.order == int(row["speech"])
        speaker = " ".join((row["speaker"] or "").split()) or None
        assert statement.speaker == (None if speaker and speaker.lower() == "unknown" else speaker)
        info = resolve_delegation(row["country"]) if row["country"] else None
        expected_role = ROLE[row["participanttype"]]
        if expected_role == "invitee" and info is not None and info.kind == "secretariat":
            expected_role = "secretariat"
        if expected_role == "president" and statement.role != "president":
            # a delegate's own label on a row the table types as the President's
            assert statement.speaker_label.endswith(f"({statement.delegation})") and statement.role == "member"
            expected_role = "member"
        filed = info.name if info else (row["country"] or None)
        if row["country"] == "spoke in French":  # the label's language note, not a country (S/PV.8724: France)
            filed = "France"
        if statement.delegation != filed:
            # The two corrections the reader makes to the table: a President's turn filed under
            # another country than the presidency (or the one it speaks for), and a State's
            # representative filed under "UN" (the State its label prints or its other rows name).
            if expected_role == "president":
                assert statement.delegation == meeting.presidency or statement.national_capacity
            else:
                assert info is not None and info.key == "united-nations"
                assert resolve_delegation(statement.delegation).kind == "state"
                expected_role = "invitee" if expected_role == "secretariat" else expected_role
        if statement.chaired_body:
            expected_role = "committee-chair"
        assert statement.role == expected_role
        content = row["content"]
        if content.startswith(statement.speaker_label + ":"):
            label = statement.speaker_label
            spoke = re.search(r"\(spoke in (\w+)\)", label)
            assert statement.language == (spoke.group(1) if spoke else None)
            assert statement.text.split()[:5] == content[len(label) + 1 :].split()[:5]
        checked += 1
    return checked


def test_sample_corpus_statements_match_their_metadata():
    assert check_against_metadata(CORPUS) == 124


def test_whole_shared_corpus_matches_its_metadata(unsc_2020):
    assert check_against_metadata(unsc_2020) == 2355


def test_windows_1252_speech_files_decode_with_curly_quotes():
    text = " ".join(s.text for m in parse_corpus(CORPUS) for s in m.statements)
    assert "\r" not in text
    assert decode_speech("Council\x92s\r\n".encode("latin-1")) == "Council’s\n"


def test_meeting_symbols_from_basename_and_spv():
    assert meeting_symbol({"basename": "UNSC_2020_SPV.8699Resumption1", "spv": "8699"}, path="t", line=1) == (
        "S/PV.8699",
        8699,
        1,
    )
    assert meeting_symbol({"basename": "UNSC_2020_SPV.2020_254", "spv": "2020_254"}, path="t", line=1) == (
        "S/2020/254",
        None,
        None,
    )
    with pytest.raises(ParseError):
        meeting_symbol({"basename": "nonsense", "spv": "x"}, path="t", line=7)


def test_letter_published_videoconferences_get_their_letter_symbol():
    symbols = {m.symbol for m in parse_corpus(CORPUS)}
    assert {"S/2020/254", "S/2020/274"} <= symbols
    assert "S/PV.8717" in symbols


def test_paragraphs_are_the_corpus_lines():
    (meeting,) = [m for m in parse_path(CORPUS) if m.symbol == "S/PV.8710"]
    first = meeting.statements[0]
    assert first.speaker_label == "The President"
    assert len(first.paragraphs) >= 1
    assert all("\n" not in p for p in first.paragraphs)


def test_a_broken_table_line_names_file_and_line(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    good = (CORPUS / "speeches.jsonl").read_text(encoding="utf-8").splitlines()[:3]
    (folder / "speeches.jsonl").write_text("\n".join(good + ['{"basename": "UNSC_2020_SPV.1", broken']) + "\n")
    with pytest.raises(ParseError) as info:
        parse_path(folder)
    assert "speeches.jsonl:4" in str(info.value)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("speech", ":", "unreadable speech number"),
        ("speech", 1.5, "unreadable speech number"),
        ("date", "99 January 2020", "unreadable date"),
        ("date", "8 January 0000", "unreadable date"),
    ],
)
def test_a_row_with_an_impossible_value_names_file_and_line(tmp_path, field, value, message):
    # found by the fuzzer (tests/test_fuzz.py): these raised ValueError, not ParseError
    folder = tmp_path / "corpus"
    folder.mkdir()
    rows = [json.loads(line) for line in (CORPUS / "speeches.jsonl").read_text(encoding="utf-8").splitlines()[:3]]
    rows[0][field] = value
    (folder / "speeches.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    with pytest.raises(ParseError, match=message) as info:
        parse_path(folder)
    assert "speeches.jsonl:1" in str(info.value)


def test_a_speech_file_name_the_system_cannot_open_names_table_and_line(tmp_path):
    # found by the fuzzer (bench/fuzz.py, "corpus rows"): a 400-character file name raised OSError
    folder = tmp_path / "corpus"
    (folder / "speeches").mkdir(parents=True)
    rows = [json.loads(line) for line in (CORPUS / "speeches.jsonl").read_text(encoding="utf-8").splitlines()[:3]]
    rows[1]["filename"] = "UNSC_2020_SPV." + "9" * 400
    (folder / "speeches.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    with pytest.raises(ParseError, match="cannot open the speech file") as info:
        parse_path(folder)
    assert "speeches.jsonl:2" in str(info.value)
