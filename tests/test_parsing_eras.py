"""Records of other eras: every printed form of a label, a cover page and a language."""

from __future__ import annotations

import datetime as dt

import pytest

from archive.parsing import parse_path, parse_statement_text
from archive.parsing.labels import match_label, name_as_written

from .conftest import FIXTURES

ERAS = FIXTURES / "eras"


@pytest.mark.parametrize(
    ("printed", "name", "office", "delegation", "language"),
    [
        # 1994 – about 2005
        ("Mr. Al-Kidwa (Palestine) (interpretation from Arabic):", "Mr. Al-Kidwa", None, "Palestine", "Arabic"),
        ("The President (interpretation from French):", None, "The President", None, "French"),
        (
            "Mr. Amorim (Brazil) (spoke in Portuguese; English text furnished by the delegation):",
            "Mr. Amorim",
            None,
            "Brazil",
            "Portuguese",
        ),
        # Official Records before the 1990s: capitals, "translated from"
        ("Sir Gladwyn JEBB (United Kingdom):", "Sir Gladwyn Jebb", None, "United Kingdom", None),
        ("Mr. TSIANG (China):", "Mr. Tsiang", None, "China", None),
        ("The PRESIDENT (translated from Russian):", None, "The President", None, "Russian"),
        ("The SECRETARY-GENERAL:", None, "The Secretary-General", None, None),
        (
            "Mr. FEDORENKO (Union of Soviet Socialist Republics) (translated from Russian):",
            "Mr. Fedorenko",
            None,
            "Union of Soviet Socialist Republics",
            "Russian",
        ),
        ("Mr. LIU Chieh (China):", "Mr. Liu Chieh", None, "China", None),
        ("Mr. AL-KIDWA (Palestine):", "Mr. Al-Kidwa", None, "Palestine", None),
    ],
)
def test_labels_of_every_era(printed, name, office, delegation, language):
    found = match_label(printed + " The text.")
    assert found is not None, printed
    label, offset = found
    assert label.printed == printed[:-1]
    assert (label.name, label.office, label.delegation, label.language) == (name, office, delegation, language)
    assert (printed + " The text.")[offset:] == "The text."


def test_numbered_paragraph_before_a_label():
    label, offset = match_label("12. The PRESIDENT (translated from French): I call on")
    assert label.office == "The President" and label.language == "French"
    assert label.printed == "The PRESIDENT (translated from French)"


def test_names_keep_mixed_case_and_initials():
    assert name_as_written("Mr. J. MALIK") == "Mr. J. Malik"
    assert name_as_written("Mr. de La Sablière") == "Mr. de La Sablière"
    assert name_as_written("U THANT") == "U Thant"


def test_a_bare_name_is_a_label_only_where_a_label_must_be():
    assert match_label("Hadiza (spoke in French): Merci.") is None
    label, _ = match_label("Hadiza (spoke in French): Merci.", bare_name=True)
    assert label.name == "Hadiza" and label.language == "French"
    assert match_label("Note: this is not a label", bare_name=True) is None


def test_single_statement_by_a_briefer_named_once():
    meeting = parse_statement_text(
        "Hadiza (spoke in French): I am sixteen and I come from Diffa.\nThank you.",
        symbol="S/PV.8700",
        date=dt.date(2020, 1, 21),
        path="hadiza.txt",
    )
    (statement,) = meeting.statements
    assert statement.speaker == "Hadiza" and statement.language == "French"
    assert statement.text.startswith("I am sixteen and I come from Diffa.")


def test_1995_provisional_record_interpretation_labels():
    (meeting,) = parse_path(ERAS / "S_PV.3553_1995.txt")
    assert meeting.symbol == "S/PV.3553" and meeting.date == dt.date(1995, 7, 12)
    # One person, one name: the cover's capitals undone as the labels' are.
    assert meeting.president == "Mr. Martinez Blanco"
    assert [m.representative for m in meeting.members][:2] == ["Mr. Cardenas", "Mr. Outlule"]
    got = [(s.speaker, s.delegation, s.role, s.language) for s in meeting.statements]
    assert got == [
        ("Mr. Martinez Blanco", "Honduras", "president", "Spanish"),
        ("Mr. Misic", "Bosnia and Herzegovina", "invitee", None),
        ("Mr. Merimee", "France", "member", "French"),
        ("Mr. Sidorov", "Russian Federation", "member", "Russian"),
        ("Mr. Cardenas", "Argentina", "member", "Spanish"),
        ("Mrs. Albright", "United States of America", "member", None),
        ("The Secretary-General", "United Nations", "secretariat", None),
    ]


def test_1967_official_record_cover_and_statements():
    (meeting,) = parse_path(ERAS / "S_PV.1347_1967.txt")
    assert meeting.symbol == "S/PV.1347" and meeting.number == 1347
    assert meeting.date == dt.date(1967, 6, 5) and meeting.start_time == "9.30 a.m."
    assert meeting.place == "New York"
    assert meeting.president == "Mr. Hans R. Tabor" and meeting.presidency == "Denmark"
    members = [m.delegation for m in meeting.members]
    assert len(members) == 15 and members[0] == "Argentina" and members[-1] == "United States of America"
    assert "United Kingdom of Great Britain and Northern Ireland" in members
    got = [(s.speaker, s.delegation, s.role, s.language) for s in meeting.statements]
    assert got[0] == ("Mr. Hans R. Tabor", "Denmark", "president", None)
    assert got[1] == ("Mr. Fedorenko", "Union of Soviet Socialist Republics", "member", "Russian")
    assert got[2][1:] == ("United States of America", "member", None)
    assert got[3] == ("Mr. Liu Chieh", "Republic of China", "member", None)  # China's seat until October 1971
    assert got[4] == ("Mr. Seydoux", "France", "member", "French")
    assert got[5] == ("Mr. Rafael", "Israel", "invitee", None)
    assert got[6][1:3] == ("United Nations", "secretariat")
    assert [m.delegation for m in meeting.members][4] == "Republic of China"
    assert meeting.statements[1].text.startswith("The Soviet delegation asks")


def test_without_members_on_the_cover_roles_come_from_the_councils_membership(tmp_path):
    text = (ERAS / "S_PV.1347_1967.txt").read_text(encoding="utf-8")
    start = text.index("Present:")
    end = text.index("Provisional agenda")
    cut = tmp_path / "S_PV.1347_1967.txt"
    cut.write_text(text[:start] + text[end:], encoding="utf-8")
    (meeting,) = parse_path(cut)
    assert meeting.members == ()
    roles = {s.delegation: s.role for s in meeting.statements}
    assert roles["Union of Soviet Socialist Republics"] == roles["Republic of China"] == "member"
    assert roles["Israel"] == "invitee"


def test_council_membership_by_date():
    from archive.parsing.membership import council_members, membership_years

    in_1950 = council_members(dt.date(1950, 8, 29))
    assert {"republic-of-china", "sun", "yug", "usa", "gbr"} <= in_1950 and len(in_1950) == 11
    assert "chn" not in in_1950 and "rus" not in in_1950
    assert "chn" in council_members(dt.date(1971, 11, 1)) and "republic-of-china" not in council_members(
        dt.date(1971, 11, 1)
    )
    assert "sun" in council_members(dt.date(1991, 6, 1)) and "rus" in council_members(dt.date(1992, 1, 31))
    assert len(council_members(dt.date(2020, 1, 13))) == 15
    assert membership_years("ddr") == (1980, 1981)
    assert membership_years("republic-of-china")[-1] == 1971 and membership_years("chn")[0] == 1971
    assert membership_years("zar") == (1982, 1983, 1990, 1991)


def test_1982_provisional_record_members_without_leaders_and_zaire_presiding():
    (meeting,) = parse_path(ERAS / "S_PV.2345_1982.txt")
    assert (meeting.symbol, meeting.date, meeting.start_time) == ("S/PV.2345", dt.date(1982, 4, 1), "9 p.m.")
    assert meeting.place == "Headquarters, New York"
    assert (meeting.president, meeting.presidency) == ("Mr. Kamanda wa Kamanda", "Zaire")
    seats = [(m.delegation, m.representative) for m in meeting.members]
    assert len(seats) == 14 and seats[0] == ("China", "Mr. Ling Qing")
    assert ("United Kingdom of Great Britain and Northern Ireland", "Sir Anthony Parsons") in seats
    got = [(s.speaker, s.delegation, s.role, s.language) for s in meeting.statements]
    assert got == [
        ("Mr. Kamanda wa Kamanda", "Zaire", "president", "French"),
        ("Sir Anthony Parsons", "United Kingdom of Great Britain and Northern Ireland", "member", None),
        ("Mr. Ros", "Argentina", "invitee", "Spanish"),
        ("Mr. Troyanovsky", "Union of Soviet Socialist Republics", "member", "Russian"),
        ("Mrs. Kirkpatrick", "United States of America", "member", None),
        ("Mr. Kamanda wa Kamanda", "Zaire", "president", "French"),
    ]
