"""The parser never crashes on arbitrary input: it parses, or raises its documented ParseError."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.parsing import ParseError, parse_record_text, parse_statement_text
from archive.parsing.labels import match_label
from archive.parsing.textfix import Vocabulary, join_lines

FRAGMENTS = st.sampled_from(
    [
        "The President:",
        "Mr. Sadykov (Kazakhstan):",
        "(spoke in French)",
        "S/PV.8698",
        "\f",
        "The meeting was called to order at 10 a.m.",
        "In favour:",
        "Against:",
        "Abstaining:",
        "A vote was taken by show of hands.",
        "President:",
        "Members:",
        "Agenda",
        "capacity-",
        "building",
        "20-00526 (E)",
        "*2000526*",
        "2/18",
        "Wednesday, 8 January 2020, 10 a.m.",
        "Mr. Dang. . . . . . (Viet Nam)",
        "(Resumption 1)",
        "\n",
        "\n\n",
        " ",
        "rule 39",
        "invite",
        "Ms. X (",
        "))",
        "((",
        "The meeting rose at 11 a.m.",
    ]
)
TEXTS = st.lists(st.one_of(FRAGMENTS, st.text(max_size=40)), max_size=60).map("\n".join)
VOCAB = Vocabulary()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_record_text_parses_or_raises_parse_error(text):
    try:
        meeting = parse_record_text(text, path="fuzz.txt")
    except ParseError as exc:
        assert str(exc).startswith("fuzz.txt")
    else:
        assert meeting.symbol.startswith("S/PV.")
        assert [s.order for s in meeting.statements] == list(range(1, len(meeting.statements) + 1))


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_statement_text_parses_or_raises_parse_error(text):
    try:
        meeting = parse_statement_text(text, symbol="S/PV.1", date=dt.date(2020, 1, 1), path="fuzz.txt")
    except ParseError as exc:
        assert str(exc).startswith("fuzz.txt")
    else:
        assert len(meeting.statements) == 1


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_labels_and_line_joining_never_crash(text):
    found = match_label(text)
    if found is not None:
        label, offset = found
        assert 0 < offset <= len(text)
        assert label.printed
    join_lines(text.split("\n"), VOCAB)
