"""Single statements copied from a record (the two seeds), speaker labels and PDF repairs."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest

from archive.parsing import ParseError, parse_path, parse_statement_text
from archive.parsing.labels import match_label
from archive.parsing.textfix import Vocabulary, join_hyphenated, join_lines

from .conftest import FIXTURES, ROOT, SHARED

SEEDS = SHARED / "seeds"
SEED_FIXTURES = FIXTURES / "seeds"


def seed(name: str):
    path = SEEDS / name if SEEDS.exists() else SEED_FIXTURES / name
    (meeting,) = parse_path(path, symbol="S/PV.8027", date=dt.date(2017, 8, 2))
    return meeting.statements[0]


def test_sadykov_seed():
    s = seed("000_b358dbdd33e14572.txt")
    assert s.speaker == "Mr. Sadykov" and s.delegation == "Kazakhstan"
    assert s.speaker_label == "Mr. Sadykov (Kazakhstan)"
    assert "all forms of capacity-building between States" in s.text
    # the page break inside the first paragraph is rejoined
    assert "Likewise, I offer our most sincere appreciation to the Chinese presidency" in s.paragraphs[0]
    assert "resolution 2370 (2017)" in s.text
    assert "resolutions 1267 (1999), 1989 (2011) and 2253 (2015)" in s.text
    assert "Al-Qaida, and associated" in s.text  # "Al-Qaida,and" glued in the PDF text
    assert len(s.paragraphs) == 8


def test_umarov_seed():
    s = seed("004_4d47e8ff2a36501f.txt")
    assert s.speaker == "Mr. Umarov" and s.delegation == "Kazakhstan"
    assert "Given the importance of capacity-building, Kazakhstan" in s.text
    assert "the tasks of continuing to institute" in s.text  # "ofcontinuing" split
    assert "requirements of resolution 1540 (2004)" in s.text


def test_command_line_contract():
    path = SEEDS / "000_b358dbdd33e14572.txt" if SEEDS.exists() else SEED_FIXTURES / "000_b358dbdd33e14572.txt"
    out = subprocess.run(
        [sys.executable, "-m", "archive.parsing", str(path), "--symbol", "S/PV.8027", "--date", "2017-08-02"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    data = json.loads(out.stdout)
    (meeting,) = data["meetings"]
    assert meeting["symbol"] == "S/PV.8027" and meeting["date"] == "2017-08-02" and meeting["resumption"] is None
    (statement,) = meeting["statements"]
    for key in ("order", "speaker_label", "speaker", "delegation", "role", "language", "text", "citations"):
        assert key in statement
    assert statement["order"] == 1 and statement["speaker"] == "Mr. Sadykov"
    assert isinstance(statement["citations"], list)


def test_command_line_reports_bad_files_and_exits_non_zero(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    out = subprocess.run(
        [sys.executable, "-m", "archive.parsing", str(empty)], capture_output=True, text=True, cwd=ROOT
    )
    assert out.returncode == 2
    assert "empty.txt:1" in out.stderr
    assert json.loads(out.stdout) == {"meetings": []}


@pytest.mark.parametrize(
    ("printed", "name", "office", "delegation", "language"),
    [
        ("The President:", None, "The President", None, None),
        ("The President (spoke in French):", None, "The President", None, "French"),
        ("Mr. Sadykov (Kazakhstan):", "Mr. Sadykov", None, "Kazakhstan", None),
        (
            "Mr. Nebenzia (Russian Federation) (spoke in Russian):",
            "Mr. Nebenzia",
            None,
            "Russian Federation",
            "Russian",
        ),
        ("Ms. Blum de Barberi (Colombia) (spoke in Spanish):", "Ms. Blum de Barberi", None, "Colombia", "Spanish"),
        (
            "Mr. Llorentty Solíz (Bolivia (Plurinational State of)) (spoke in Spanish):",
            "Mr. Llorentty Solíz",
            None,
            "Bolivia (Plurinational State of)",
            "Spanish",
        ),
        ("The Secretary-General:", None, "The Secretary-General", None, None),
        ("Mr. Chambas:", "Mr. Chambas", None, None, None),
        ("Dame Barbara Woodward (United Kingdom):", "Dame Barbara Woodward", None, "United Kingdom", None),
        ("Sheikh Al-Thani (Qatar) (spoke in Arabic):", "Sheikh Al-Thani", None, "Qatar", "Arabic"),
        ("Archbishop Caccia (Holy See):", "Archbishop Caccia", None, "Holy See", None),
        ("Mrs. Gueguen (France) (spoke in French):", "Mrs. Gueguen", None, "France", "French"),
        (
            "Mr. Ja’afari (Syrian Arab Republic) (spoke in Arabic):",
            "Mr. Ja’afari",
            None,
            "Syrian Arab Republic",
            "Arabic",
        ),
    ],
)
def test_speaker_labels(printed, name, office, delegation, language):
    found = match_label(printed + " The text.")
    assert found is not None
    label, offset = found
    assert label.printed == printed[:-1]
    assert (label.name, label.office, label.delegation, label.language) == (name, office, delegation, language)
    assert (printed + " The text.")[offset:] == "The text."


def test_label_across_a_line_break():
    label, offset = match_label("Mr. Pecsteen de Buytswerve (Belgium) (spoke in\nFrench): I shall")
    assert label.language == "French" and label.delegation == "Belgium"


def test_on_behalf_of():
    label, _ = match_label("Mr. Skoog (European Union) (on behalf of the European Union and its member States): We")
    assert label.delegation == "European Union"
    assert label.on_behalf_of == "the European Union and its member States"


@pytest.mark.parametrize(
    "text",
    [
        "Mr. Guterres has said: we must act.",
        "Resolution 2370 (2017): the text",
        "Mrs. Robinson for her briefing.",
        "the President: no",
    ],
)
def test_not_labels(text):
    assert match_label(text) is None


@pytest.mark.parametrize(
    ("left", "right", "joint"),
    [
        ("capacity", "building", "-"),
        ("coun", "tries", ""),
        ("Secretary", "General", "-"),
        ("post", "conflict", "-"),
        ("imple", "mentation", ""),
        ("2019", "2020", "-"),
        ("non", "proliferation", "-"),
    ],
)
def test_end_of_line_hyphenation(left, right, joint):
    assert join_hyphenated(left, right, Vocabulary()) == joint


def test_join_lines_repairs_glued_words():
    vocab = Vocabulary()
    assert join_lines(["the SecretaryGeneral said"], vocab) == "the Secretary-General said"
    assert join_lines(["the tasks ofcontinuing to"], vocab) == "the tasks of continuing to"
    assert join_lines(["Al-Qaida,and associated"], vocab) == "Al-Qaida, and associated"
    assert join_lines(["1,000 troops"], vocab) == "1,000 troops"
    assert join_lines(["support all forms of capacity-", "building between States"], vocab) == (
        "support all forms of capacity-building between States"
    )


def test_statement_file_must_start_with_a_label():
    with pytest.raises(ParseError) as info:
        parse_statement_text("\n\nThis is not a label\nsecond line", path="x.txt")
    assert str(info.value).startswith("x.txt:3:")


@pytest.mark.parametrize(
    ("text", "role", "delegation", "speaker"),
    [
        (
            "The Secretary-General: I thank the members of the Council.",
            "secretariat",
            "United Nations",
            "The Secretary-General",
        ),
        (
            "The Deputy Secretary-General: I thank the Council.",
            "secretariat",
            "United Nations",
            "The Deputy Secretary-General",
        ),
        ("The President: I now give the floor to the representative of France.", "president", None, None),
        ("Mr. Lacroix (United Nations): I thank the Council.", "secretariat", "United Nations", "Mr. Lacroix"),
        ("Mr. Sadykov (Kazakhstan): I thank you.", "invitee", "Kazakhstan", "Mr. Sadykov"),
    ],
)
def test_a_single_statement_takes_the_role_a_whole_record_gives_its_speaker(text, role, delegation, speaker):
    """One role rule for every reader: a statement copied from a record gets the role, delegation
    and speaker that the same label gets inside the whole record."""
    meeting = parse_statement_text(text, symbol="S/PV.8700", date=dt.date(2020, 1, 10))
    (s,) = meeting.statements
    assert (s.role, s.delegation, s.speaker) == (role, delegation, speaker)
