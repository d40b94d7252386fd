"""The canonical list of the Council's agenda items (archive/parsing/agenda.py): every topic of the
shared 2020 corpus and every agenda title of the fixtures maps to an item, or is reported."""

from __future__ import annotations

import csv
import re

import pytest

from archive.parsing.agenda import (
    agenda_key,
    council_items,
    find_items,
    item_by_slug,
    lineage,
    match_meeting,
    match_title,
)

from .conftest import FIXTURES, parsed, require_shared


def corpus_topics() -> set[str]:
    with (require_shared() / "meta.tsv").open(encoding="utf-8") as handle:
        return {row["topic"] for row in csv.DictReader(handle, delimiter="\t")}


def test_every_corpus_topic_but_unknown_maps_to_an_item():
    topics = corpus_topics()
    unmatched = sorted(t for t in topics if match_title(t) is None)
    assert unmatched == ["unknown"]  # the corpus's placeholder is reported, never filed anywhere
    items = {match_title(t).slug for t in topics if t != "unknown"}
    assert len(topics) == 65 and len(items) == 37


@pytest.mark.parametrize(
    ("printed", "slug"),
    [
        ("The situation in the Middle East, including the Palestinian question", "middle-east-palestinian-question"),
        ("Middle East, including the Palestinian question", "middle-east-palestinian-question"),
        ("Middle East including the Palestinian question", "middle-east-palestinian-question"),
        ("Mali", "mali"),
        ("MINUSMA", "mali"),
        ("Mali/MINUSMA", "mali"),
        ("Syria (Humanitarian Situation)", "middle-east"),
        ("Yemen", "middle-east"),
        ("Iraq/UNAMI", "iraq"),
        ("Non-proliferation/Democratic People's Republic of Korea", "non-proliferation-dprk"),
        ("Non-proliferation", "non-proliferation"),
        ("THE SITUATION IN THE MIDDLE EAST*", "middle-east"),  # case and a footnote mark
        ("The situation in the Middle East \u2013 Syria", None),  # a dash is not a separator of parts
    ],
)
def test_titles_match_by_normalised_form(printed, slug):
    found = match_title(printed)
    assert (found.slug if found else None) == slug


def test_agenda_key_folds_case_punctuation_dashes_the_and_footnotes():
    assert agenda_key("The situation in Guinea\u2011Bissau\u00b9") == agenda_key("situation in guinea-bissau")
    assert agenda_key("Middle East, including the Palestinian question.") == (
        "middle east including the palestinian question"
    )


def test_fixture_records_agenda_titles_all_map():
    """The nine shared records (their cover's first agenda line) and the eras' fixture with an agenda."""
    require_shared()
    pdfs = sorted((require_shared() / "meetings" / "pdf").glob("*.pdf"))
    found = {}
    for path in [*pdfs, FIXTURES / "eras" / "S_PV.3553_1995.txt"]:
        for meeting in parsed(path):
            match = match_meeting([a.title for a in meeting.agenda] + [meeting.topic])
            found[meeting.symbol] = match.item.slug
            assert match.printed == meeting.agenda[0].title  # the title as printed is kept beside the match
    assert found == {
        "S/PV.8698": "west-africa",
        "S/PV.8699": "maintenance",
        "S/PV.8700": "middle-east",
        "S/PV.8702": "colombia",
        "S/PV.8703": "mali",
        "S/PV.8707": "middle-east",
        "S/PV.8708": "middle-east",
        "S/PV.3553": "bosnia",
    }


def test_a_meeting_without_a_match_keeps_its_title_unmatched():
    match = match_meeting(["unknown"])
    assert match.printed == "unknown" and match.item is None
    assert match_meeting([None, " "]) is None


def test_sub_items_sit_under_their_parent():
    assert lineage("middle-east-palestinian-question") == ("middle-east-palestinian-question", "middle-east")
    assert lineage("non-proliferation-dprk") == ("non-proliferation-dprk", "non-proliferation")
    assert lineage("mali") == ("mali",)
    slugs = [item.slug for item in council_items()]
    for item in council_items():
        if item.parent:
            assert slugs.index(item.parent) < slugs.index(item.slug)


def test_older_eras_items_are_listed():
    for slug in ("palestine-question", "india-pakistan", "korea", "taiwan"):
        assert item_by_slug(slug) is not None
    assert match_title("Complaint of aggression upon the Republic of Korea").slug == "korea"


def test_find_items_takes_a_slug_a_title_or_words():
    assert find_items("middle-east") == ("middle-east",)
    assert find_items("Syria") == ("middle-east",)
    assert find_items("Palestinian") == ("middle-east-palestinian-question", "palestinian-rights")
    assert find_items("the of") == ()


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            ["mali\t\tThe situation in Mali\tMali", "mali\t\tMali again\t"],
            "agenda_items.tsv:3: the slug 'mali' is listed twice",
        ),
        (
            ["mali\t\tThe situation in Mali\tMali", "sahel\t\tSahel\tMali"],
            "agenda_items.tsv:3: 'Mali' already names 'mali'",
        ),
        (["mali\tsahel\tThe situation in Mali\t"], "agenda_items.tsv:2: unknown parent 'sahel'"),
        (["a\t\tA\t", "b\ta\tB\t", "c\tb\tC\t"], "agenda_items.tsv:4: the parent 'b' is itself a sub-item"),
        (["Not A Slug\t\tTitle\t"], "agenda_items.tsv:2: expected slug, parent, title, variants"),
    ],
)
def test_a_malformed_list_names_the_file_and_line(tmp_path, monkeypatch, rows, message):
    import archive.parsing.agenda as agenda

    path = tmp_path / "agenda_items.tsv"
    path.write_text("\n".join(["slug\tparent\ttitle\tvariants", *rows]) + "\n", encoding="utf-8")
    monkeypatch.setattr(agenda, "AGENDA_FILE", path)
    agenda._table.cache_clear()
    try:
        with pytest.raises(ValueError, match=re.escape(message)):
            agenda.council_items()
    finally:
        agenda._table.cache_clear()
