"""The search language: parsing, text round trips, symbols, and the SQ it compiles to (no database)."""

from __future__ import annotations

from datetime import date

import pytest
from haystack.query import SearchQuerySet

from archive.search import query as ql
from archive.search.query import And, Filter, Not, Or, Phrase, Term

# The SQ each query compiles to is the same on every engine (tests/conftest.py: search_index).
pytestmark = pytest.mark.usefixtures("search_index")


def tree(text):
    return ql.parse(text).node


def built(text, resolve=None):
    return SearchQuerySet().filter(ql.to_sq(ql.parse(text), resolve_country=resolve).sq).query.build_query()


def test_all_words_are_required():
    assert tree("climate security") == And((Term("climate"), Term("security")))
    assert built("climate security") == "((climate) AND (security))"


def test_phrases():
    assert tree('"rule of law"') == Phrase(("rule", "of", "law"))
    assert built('"Rule of Law"') == '("rule of law")'
    assert tree('"ceasefire"') == Term("ceasefire")


def test_or_in_capitals_and_the_pipe():
    assert tree("climate OR environment") == Or((Term("climate"), Term("environment")))
    assert tree("climate | environment OR water") == Or((Term("climate"), Term("environment"), Term("water")))
    assert built("climate OR environment") == "((climate) OR (environment))"
    # lower-case "or" is a word (a stop word the analyzer drops), not an operator
    assert tree("climate or environment") == And((Term("climate"), Term("or"), Term("environment")))


def test_or_binds_looser_than_and():
    assert tree("a1 b2 OR c3") == Or((And((Term("a1"), Term("b2"))), Term("c3")))


def test_exclusion_with_minus_and_not():
    assert tree("sanctions -Iran") == And((Term("sanctions"), Not(Term("iran"))))
    assert tree("sanctions NOT Iran") == tree("sanctions -Iran")
    assert built("sanctions -Iran") == "((sanctions) AND NOT ((iran)))"
    assert tree('peace -"rule of law"') == And((Term("peace"), Not(Phrase(("rule", "of", "law")))))
    assert tree("peace -country:France") == And((Term("peace"), Not(Filter("country", "France"))))


def test_parentheses():
    assert tree("(Syria OR Yemen) humanitarian") == And((Or((Term("syria"), Term("yemen"))), Term("humanitarian")))
    assert built("(Syria OR Yemen) humanitarian") == "(((syria) OR (yemen)) AND (humanitarian))"


def test_words_with_punctuation_are_their_parts_side_by_side():
    assert tree("peace-keeping") == Phrase(("peace", "keeping"))
    assert tree("S/PV.8698") == Phrase(("s", "pv", "8698"))


def test_filters():
    assert tree('country:"Russian Federation" speaker:Nebenzia') == And(
        (Filter("country", "Russian Federation"), Filter("speaker", "Nebenzia"))
    )
    keys = {"france": "fra", "russian federation": "rus"}.get
    assert built("country:France", lambda v: keys(v.lower())) == "delegation_exact:(fra)"
    assert built('country:"Russian Federation"', lambda v: keys(v.lower())) == "delegation_exact:(rus)"
    assert built("speaker:Nebenzia") == "speaker:(nebenzia)"
    assert built('speaker:"Vassily Nebenzia"') == 'speaker:("vassily nebenzia")'
    assert built("resolution:2334") == built('resolution:"S/RES/2334 (2016)"') == "resolutions:(2334)"
    assert built("year:2020") == "year_exact:(2020)"
    assert built("role:chair") == built("role:President") == "role_exact:(president)"
    assert built("language:French") == "language_exact:(french)"
    assert built("meeting:S/PV.8700") == built("meeting:8700") == "meeting_exact:(8700)"
    assert "meeting_exact:('8699-r1')" in built('meeting:"S/PV.8699 (Resumption 1)"')


def test_a_speaker_named_in_full_is_filtered_exactly():
    slugs = {"vassily nebenzia": ["vassily-nebenzia"], "kelly craft": ["kelly-craft", "kelly-knight-craft"]}.get

    def sq(text):
        compiled = ql.to_sq(ql.parse(text), resolve_speaker=lambda v: slugs(v.lower()) or [])
        return SearchQuerySet().filter(compiled.sq).query.build_query()

    assert sq('speaker:"Vassily Nebenzia"') == "speaker_exact:('vassily-nebenzia')"
    assert sq('speaker:"Kelly Craft"') == "(speaker_exact:('kelly-craft') OR speaker_exact:('kelly-knight-craft'))"
    assert sq("speaker:Nebenzia") == "speaker:(nebenzia)"  # a surname: the names are searched


def test_unknown_country_searches_the_names_with_a_notice():
    compiled = ql.to_sq(ql.parse("country:Atlantis"), resolve_country=lambda v: None)
    assert "delegation:(atlantis)" in SearchQuerySet().filter(compiled.sq).query.build_query()
    assert "No delegation is called “Atlantis”" in compiled.notices[0]


def test_date_spans_include_both_ends():
    assert ql.parse_date_span("2020-01..2020-03") == ql.DateSpan(date(2020, 1, 1), date(2020, 3, 31))
    assert ql.parse_date_span("2020-02") == ql.DateSpan(date(2020, 2, 1), date(2020, 2, 29))
    assert ql.parse_date_span("2020-01-08") == ql.DateSpan(date(2020, 1, 8), date(2020, 1, 8))
    assert ql.parse_date_span("..2019").end == date(2019, 12, 31)
    assert ql.parse_date_span("2019..").start == date(2019, 1, 1)
    assert ql.parse_date_span("2020-03..2020-01") is None
    assert ql.parse_date_span("2020-13") is None and ql.parse_date_span("soon") is None
    assert built("date:2020-01..2020-03") == "(date:([20200101000000 to]) AND date:([to 20200331000000]))"
    assert built("year:2018..2020") == "(date:([20180101000000 to]) AND date:([to 20201231000000]))"


@pytest.mark.parametrize(
    "text, message",
    [
        ("(" * 330 + "peace", "more than 20 deep"),  # once a RecursionError (a 500) on every surface
        ("(" * 21 + "peace", "more than 20 deep"),
        ("-(" * 25 + "peace", "more than 20 deep"),
        ("date:0999", "from 1900 to 2200"),  # once Whoosh's TimeError: a year written with three digits
        ("peace date:0001", "from 1900 to 2200"),
        ("year:0001..2020", "from 1900 to 2200"),
        ("peace -(year:0001 OR Syria)", "from 1900 to 2200"),
        ("date:2020..2201", "from 1900 to 2200"),
        ("year:1899", "from 1900 to 2200"),
        *(
            (f"peace{chr(c)}security", "control character")
            for c in [*range(0x01, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)]
        ),
        ("peace\x7f", "control character"),
        ("", "Type some words"),
        ("   ", "Type some words"),
        ("x" * 501, "limit is 500"),
        ("-iran", "cannot only leave things out"),
        ("( ) OR", "no words"),
        (" ".join(f"w{i}" for i in range(41)), "more than 40"),
    ],
)
def test_queries_that_cannot_be_run_say_why(text, message):
    with pytest.raises(ql.QueryError, match=message):
        ql.parse(text)


def test_what_the_engines_take_is_still_read():
    assert tree("(" * 20 + "peace") == Term("peace")
    assert tree("date:1900..2200") == Filter("date", "1900..2200")
    assert tree("peace\tsecurity\r\ncouncil") == And((Term("peace"), Term("security"), Term("council")))
    # An open end is the edge of what can be searched.
    assert ql.parse_date_span("..2019") == ql.DateSpan(ql.EARLIEST_DATE, date(2019, 12, 31))
    assert ql.parse_date_span("2019..") == ql.DateSpan(date(2019, 1, 1), ql.LATEST_DATE)


def test_malformed_queries_are_repaired_with_a_notice():
    parsed = ql.parse('"rule of law')
    assert parsed.node == Phrase(("rule", "of", "law")) and "not closed" in parsed.notices[0]
    parsed = ql.parse("(Syria OR Yemen")
    assert parsed.node == Or((Term("syria"), Term("yemen"))) and "parenthesis" in parsed.notices[0]
    parsed = ql.parse("Syria) Yemen")
    assert parsed.node == And((Term("syria"), Term("yemen"))) and "closing parenthesis" in parsed.notices[0]
    parsed = ql.parse("colour:blue sky")
    assert parsed.node == And((Phrase(("colour", "blue")), Term("sky"))) and "no filter called" in parsed.notices[0]
    parsed = ql.parse("Syria OR")
    assert parsed.node == Term("syria") and "OR needs" in parsed.notices[0]
    with pytest.raises(ql.QueryError, match="None of the filters"):
        ql.to_sq(ql.parse("date:someday"))
    compiled = ql.to_sq(ql.parse("peace role:king"))
    assert "not a role" in compiled.notices[0]


def test_chips_and_round_trip():
    parsed = ql.parse('(Syria OR Yemen) "rule of law" -Iran country:"Russian Federation"')
    assert [ql.describe(p) for p in parsed.parts] == [
        "syria or yemen",
        "“rule of law”",
        "not iran",
        "Country: Russian Federation",
    ]
    assert parsed.text() == '(syria OR yemen) "rule of law" -iran country:"Russian Federation"'
    assert ql.parse(parsed.text()) == parsed
    assert parsed.without(0) == '"rule of law" -iran country:"Russian Federation"'
    assert parsed.without(3) == '(syria OR yemen) "rule of law" -iran'
    assert parsed.positive_words() == ["syria", "yemen", "rule", "of", "law"]


@pytest.mark.parametrize(
    "text, kind, symbol, number, slug",
    [
        ("S/RES/2334 (2016)", "resolution", "S/RES/2334 (2016)", 2334, ""),
        ("s/res/2334(2016)", "resolution", "S/RES/2334 (2016)", 2334, ""),
        ("2334 (2016)", "resolution", "S/RES/2334 (2016)", 2334, ""),
        ("resolution 2334 (2016)", "resolution", "S/RES/2334 (2016)", 2334, ""),
        ("S/RES/2334", "resolution", "S/RES/2334", 2334, ""),
        ("S/PV.8698", "meeting", "S/PV.8698", 8698, "8698"),
        ("S/PV.8699 (Resumption 1)", "meeting", "S/PV.8699 (Resumption 1)", 8699, "8699-r1"),
        ("S/PRST/2020/1", "document", "S/PRST/2020/1", None, ""),
        ("s/ pv.8697", "meeting", "S/PV.8697", 8697, "8697"),
        ("S/PV.8699(resumption 2)", "meeting", "S/PV.8699 (Resumption 2)", 8699, "8699-r2"),
        ("S/PV.1234 (Part II)", "document", "S/PV.1234 (Part II)", None, ""),
        ("s/2020/635", "document", "S/2020/635", None, ""),
        ("S/3274", "document", "S/3274", None, ""),
        ("A/RES/70/1", "document", "A/RES/70/1", None, ""),
        ("a/74/pv.4", "document", "A/74/PV.4", None, ""),
        ("E/CN.4/2005/1", "document", "E/CN.4/2005/1", None, ""),
    ],
)
def test_symbols(text, kind, symbol, number, slug):
    assert ql.symbol_target(text) == ql.SymbolTarget(kind, symbol, number=number, slug=slug)


def test_not_symbols():
    for text in ("2334", "resolution 2334 climate", "S/PV", "2016", "S/2020/635 report", "A/B"):
        assert ql.symbol_target(text) is None, text


def test_a_query_whose_written_out_form_is_too_long_is_refused_as_typed():
    """The form shown back and linked in chips ("res:" written out as "resolution:", terms spaced)
    is itself a query: a query accepted as typed never links to one that would be refused."""
    typed = " ".join(["res:S/RES/2334"] * 19) + " " + "x" * 200
    assert len(typed) <= ql.MAX_QUERY_CHARS
    with pytest.raises(ql.QueryError, match="characters long"):
        ql.parse(typed)
    shorter = " ".join(["res:S/RES/2334 (2016)"] * 8)
    assert ql.parse(ql.parse(shorter).text()).text() == ql.parse(shorter).text()
