"""The role rules over real records: committee chairs kept with their country, the President in
national capacity in every source, procedural trailers as stage directions, briefers' titles and
the rule (37 or 39) each speaker was invited under. Corpus rows: tests/fixtures/corpus-roles
(README names their source); whole records: ../shared/data/unsc-2020/meetings."""

from __future__ import annotations

import pytest

from archive.parsing.corpus import parse_corpus
from archive.parsing.roles import CHAIR, chaired_body, national_capacity, title_kind

from .conftest import FIXTURES, parsed

CORPUS = FIXTURES / "corpus-roles"


@pytest.fixture(scope="module")
def corpus():
    return {m.symbol: m for m in parse_corpus(CORPUS)}


def by_label(meeting, label):
    return next(s for s in meeting.statements if s.speaker_label == label)


def test_a_committee_chair_keeps_their_country_and_the_body_they_chair(corpus):
    licharz = by_label(corpus["S/PV.8710"], "Mr. Licharz (Germany)")  # the table files him under "UN"
    assert (licharz.role, licharz.delegation, licharz.delegation_key) == (CHAIR, "Germany", "deu")
    assert licharz.chaired_body == "the Committee established pursuant to resolution 1970 (2011)"
    # Germany's own statement in the same meeting stays a member's.
    heusgen = by_label(corpus["S/PV.8710"], "Mr. Heusgen (Germany)")
    assert (heusgen.role, heusgen.chaired_body) == ("member", None)


def test_an_unlabelled_chair_gets_the_country_the_table_files_them_under_elsewhere(corpus):
    chair = corpus["S/2020/529"].statements[1]  # a videoconference: no label, filed under "UN"
    assert chair.speaker == "Marc Pecsteen de Buytswerve"
    assert (chair.role, chair.delegation) == (CHAIR, "Belgium")
    assert chair.chaired_body == "the Security Council Committee pursuant to resolution 751 (1992), concerning Somalia"


def test_a_presidents_turn_filed_under_un_goes_to_the_presidency(corpus):
    meeting = corpus["S/PV.8735"]
    assert (meeting.presidency, meeting.presidency_key) == ("Belgium", "bel")
    presidents = [s for s in meeting.statements if s.role == "president"]
    assert [s.delegation for s in presidents] == ["Belgium", "Belgium"]
    assert "United Nations" not in {s.delegation for s in meeting.statements}


def test_president_in_national_capacity_in_the_corpus(corpus):
    meeting = corpus["S/PV.8710"]
    national = [s for s in meeting.statements if s.national_capacity]
    assert len(national) == 1
    assert national[0].role == "president" and national[0].delegation == "Viet Nam"
    assert national[0].text.startswith("I shall now make a statement in my capacity as the representative of Viet Nam,")
    assert sum(s.role == "president" and not s.national_capacity for s in meeting.statements) == 2


def test_president_in_national_capacity_is_one_statement_in_every_source(unsc_2020):
    """The same meeting from its PDF, its text layer and the corpus: the same turn, flagged."""
    sources = [
        parsed(unsc_2020 / "meetings" / "pdf" / "S_PV.8700_E.pdf")[0],
        parsed(unsc_2020 / "meetings" / "text" / "S_PV.8700_E.txt")[0],
        parse_corpus(unsc_2020, only={"S/PV.8700"})[0],
    ]
    for meeting in sources:
        national = [(s.order, s.role, s.delegation) for s in meeting.statements if s.national_capacity]
        assert national == [(19, "president", "Viet Nam")], meeting.source_kind


def test_national_capacity_variants():
    assert national_capacity("I shall now make a statement in my capacity as representative of the Niger.") == (
        True,
        "Niger",
    )
    assert national_capacity("I shall now make a statement in my national capacity.") == (True, None)
    assert national_capacity("I would like to add a few words in my national capacity. I have") == (True, None)
    # a statement still to come is not one
    assert national_capacity("I should better reserve that for my statement in my national capacity.")[0] is False


def test_the_meeting_rose_is_a_stage_direction_not_speech(corpus):
    for symbol, position, printed in (
        ("S/PV.8735", 4, "The meeting rose at 3.50 p.m."),
        ("S/PV.8710", 7, "The meeting rose at 12.15 p.m."),
    ):
        meeting = corpus[symbol]
        assert [(d.position, d.kind, d.text) for d in meeting.stage_directions] == [(position, "closing", printed)]
        last = meeting.statements[position - 1]
        assert "The meeting rose" not in last.text
        assert "20-05220" not in last.text and "23/23" not in last.text  # the page footer after it


def test_invitations_under_rule_37_and_39_and_titles(corpus):
    meeting = corpus["S/PV.8710"]
    salame = by_label(meeting, "Mr. Salame")
    assert salame.invited_under == "39"
    assert salame.title.startswith("Special Representative of the Secretary- General and Head of the United Nations")
    assert title_kind(salame.title) == "special-representative"
    assert by_label(meeting, "Mr. Elsonni (Libya) (spoke in Arabic)").invited_under == "37"
    assert by_label(meeting, "Mr. Heusgen (Germany)").invited_under is None
    assert by_label(corpus["S/PV.8735"], "Mr. Osman (Somalia)").invited_under == "37"


def test_invitations_in_a_whole_record(unsc_2020):
    (meeting,) = parsed(unsc_2020 / "meetings" / "pdf" / "S_PV.8699_E.pdf")
    under = {s.speaker_label: s.invited_under for s in meeting.statements}
    assert under["Mr. Skoog"] == "39" and under["Mrs. Robinson"] == "39"
    assert sum(value == "37" for value in under.values()) == 38
    assert by_label(meeting, "The Secretary-General").title == "Secretary-General"
    assert by_label(meeting, "Mrs. Robinson").title == "Chair of The Elders"


@pytest.mark.parametrize(
    "title, kind",
    [
        ("Special Envoy of the Secretary-General for Syria", "special-envoy"),
        ("Under-Secretary-General for Political and Peacebuilding Affairs", "under-secretary-general"),
        (
            "Under-Secretary- General for Humanitarian Affairs and Emergency Relief Coordinator",
            "under-secretary-general",
        ),
        ("Executive Director of UNICEF", "executive-director"),
        ("Secretary-General", "secretary-general"),
        ("Deputy Secretary-General", "deputy-secretary-general"),
        ("Special Representative of the Secretary-General for Iraq", "special-representative"),
        ("civil society representative", "other"),
        ("", ""),
    ],
)
def test_title_kinds(title, kind):
    assert title_kind(title) == kind


def test_a_member_mentioning_its_chairmanship_is_not_briefing_as_chair():
    assert (
        chaired_body("As the Chair of the Committee established pursuant to resolution 2206 (2015), Viet Nam has")
        is None
    )
    assert chaired_body("I thank the Chair of the Committee established pursuant to resolution 1970 (2011).") is None


# --------------------------------------------------------------------------- stored and counted


@pytest.fixture
def imported(db):
    from archive.importing import import_paths

    summary = import_paths([str(CORPUS)])
    assert summary.errors == []
    return summary


def test_the_secretariat_neither_sits_on_the_council_nor_presides(imported):
    from archive.models import DelegationYear, Statement

    # Not one statement of these rows is the Secretariat's but Mr. Salame's.
    assert list(Statement.objects.filter(delegation__key="united-nations").values_list("speaker_label", "role")) == [
        ("Mr. Salame", "secretariat")
    ]
    un = DelegationYear.objects.get(delegation__key="united-nations", year=2020)
    assert (un.council_member, un.presided, un.membership) == (False, False, "invited")
    belgium = DelegationYear.objects.get(delegation__key="bel", year=2020)
    assert belgium.presided and belgium.council_member


def test_a_national_statement_counts_for_the_presidents_country(imported):
    from archive.models import DelegationYear, Statement

    viet_nam = DelegationYear.objects.get(delegation__key="vnm", year=2020)
    presidents = Statement.objects.filter(delegation__key="vnm", role="president")
    assert viet_nam.chair_turns == presidents.filter(national_capacity=False).count() == 2
    assert viet_nam.statements == presidents.filter(national_capacity=True).count() == 1


def test_chairs_titles_and_invitations_are_stored(imported):
    from archive.models import Meeting, Statement

    chair = Statement.objects.get(meeting__slug="s-2020-529", role=CHAIR)
    assert chair.delegation.key == "bel"
    assert chair.chaired_body.startswith("the Security Council Committee pursuant to resolution 751 (1992)")
    salame = Statement.objects.get(meeting__slug="8710", speaker_label="Mr. Salame")
    assert (salame.invited_under, salame.title_kind) == ("39", "special-representative")
    assert salame.title.startswith("Special Representative of the Secretary- General")
    meeting = Meeting.objects.get(slug="8735")
    assert meeting.stage_directions == [{"position": 4, "kind": "closing", "text": "The meeting rose at 3.50 p.m."}]
    assert meeting.presidency.key == "bel"


def test_a_delegates_own_label_outranks_a_row_typed_as_the_presidents():
    from .conftest import SAMPLE

    (meeting,) = parse_corpus(SAMPLE / "corpus-2020", only={"S/PV.8714"})
    dang = meeting.statements[4]  # typed "The President" in the table, printed "Mr. Dang (Viet Nam)"
    assert (dang.speaker_label, dang.role, dang.delegation) == ("Mr. Dang (Viet Nam)", "member", "Viet Nam")
    assert {s.delegation for s in meeting.statements if s.role == "president"} == {"Belgium"}
