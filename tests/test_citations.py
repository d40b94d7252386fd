"""Tests for archive.citations (pure Python; no database, no Django)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.citations import (
    Citation,
    DocumentReference,
    decode_bytes,
    detect_self_number,
    find_citations,
    find_references,
    main,
)

ROOT = Path(__file__).resolve().parent.parent


def cites(text: str, **kw: int) -> list[tuple[str, int, int | None, tuple[str, ...]]]:
    out = []
    for c in find_citations(text, **kw):
        assert text[c.start : c.end] == c.text
        out.append((c.text, c.number, c.year, c.paragraphs))
    return out


# --- basic forms (sentences from /work/shared/seeds and unsc-2020) -----------


def test_plain_citation_with_offsets() -> None:
    text = "The delegation of Kazakhstan welcomes the\nadoption of resolution 2370 (2017) on preventing"
    (c,) = find_citations(text)
    assert (c.text, c.number, c.year, c.paragraphs) == ("resolution 2370 (2017)", 2370, 2017, ())
    assert c.start == text.index("resolution 2370")
    assert c.as_dict() == {
        "start": c.start,
        "end": c.end,
        "text": "resolution 2370 (2017)",
        "number": 2370,
        "year": 2017,
        "paragraphs": [],
    }


def test_no_space_before_year_and_glued_head() -> None:
    assert cites("its mandate under resolution 2231(2015).") == [("resolution 2231(2015)", 2231, 2015, ())]
    assert cites("We would have liked resolution2511 (2020) to include") == [("resolution2511 (2020)", 2511, 2020, ())]


def test_number_or_year_broken_across_lines() -> None:
    seed = "Arms Trade Treaty and implementing resolution\n2220 (2015) on the illicit transfer"
    assert cites(seed) == [("resolution\n2220 (2015)", 2220, 2015, ())]
    seed2 = "strictly\ncomply with all the requirements of resolution 1540\n(2004). We are also"
    assert cites(seed2) == [("resolution 1540\n(2004)", 1540, 2004, ())]


def test_crlf_kept_in_offsets() -> None:
    text = "implementing resolution\r\n2220 (2015) on the illicit transfer"
    (c,) = find_citations(text)
    assert c.text == "resolution\r\n2220 (2015)"
    assert text[c.start : c.end] == c.text


# Page furniture copied from meetings/text/S_PV.8699_E.txt and S_PV.8698_E.txt.
PAGE_BREAK_8699 = "20-00676\n\n\f09/01/2020\n\nMaintenance of international peace and security\n\nS/PV. 8699\n\n"
PAGE_BREAK_8698 = "\n\n20-00526\x085/18\n\n\fS/PV.8698\n\nPeace consolidation in West Africa\n\n"


def test_number_across_pdf_page_break() -> None:
    text = "in particular resolution\n" + PAGE_BREAK_8699 + "2216 (2015).\nWe have always"
    (c,) = find_citations(text)
    assert (c.number, c.year) == (2216, 2015)
    assert c.text.startswith("resolution\n20-00676") and c.text.endswith("2216 (2015)")


def test_year_across_pdf_page_break() -> None:
    text = "appeal for the implementation of resolution 1325" + PAGE_BREAK_8698 + "(2000). Progress has"
    assert [(c.number, c.year) for c in find_citations(text)] == [(1325, 2000)]


def test_real_page_break_in_resolution_text() -> None:
    # resolutions/S-RES-2002(2011).txt, as printed.
    text = (
        "as well as the measures imposed in paragraphs 1, 3 and 7 of resolution\n4 11-43903\n\n"
        "\fS/RES/2002 (2011)\n1844 (2008), and paragraphs 5, 6, 8, 10, 12 and 13 of resolution 1907 (2009)"
    )
    got = [(c.number, c.year, c.paragraphs) for c in find_citations(text, self_number=2002)]
    assert got == [(1844, 2008, ("1", "3", "7")), (1907, 2009, ("5", "6", "8", "10", "12", "13"))]


def test_page_break_never_joins_far_or_without_year() -> None:
    # Without a year, a number after a page break is not taken.
    text = "the resolution\n" + PAGE_BREAK_8699 + "2 years later"
    assert find_citations(text) == []
    text = "resolution\n" + PAGE_BREAK_8699 + "1540 and more"
    assert find_citations(text) == []
    # Many lines of text between: no join.
    text = "resolution\n" + "some text\n" * 20 + "2216 (2015)"
    assert find_citations(text) == []
    # Furniture-looking lines without a page break are ordinary text.
    assert find_citations("resolution\n20-00676\n2216 (2015)") == []


# --- lists ------------------------------------------------------------------


def test_list_each_member_with_own_offsets() -> None:
    text = (
        "the Monitoring Team of the Committee\npursuant to resolutions 1267 (1999), 1989 (2011) and\n"
        "2253 (2015) concerning ISIL (Da'esh), Al-Qaida,and\nassociated individuals"
    )
    got = find_citations(text)
    assert [(c.text, c.number, c.year) for c in got] == [
        ("resolutions 1267 (1999)", 1267, 1999),
        ("1989 (2011)", 1989, 2011),
        ("2253 (2015)", 2253, 2015),
    ]
    assert got[1].start == text.index("1989 (2011)")
    assert got[2].start == text.index("2253 (2015)")


def test_list_across_inserted_clause() -> None:
    text = (
        "resolutions 1540 (2004), 1267 (1999), 2253 (2015), on threats posed by terrorists, "
        "and 1373 (2001) oblige States"
    )
    assert [c.number for c in find_citations(text)] == [1540, 1267, 2253, 1373]


def test_list_does_not_swallow_unrelated_numbers() -> None:
    text = "resolutions 2250 (2015) and 2419 (2018), and 20 years after 1325 was adopted, 16 per cent"
    assert [c.number for c in find_citations(text)] == [2250, 2419]
    text = "resolution 2254 (2015) and 2 million refugees"
    assert [c.number for c in find_citations(text)] == [2254]


def test_list_with_dates_and_missing_comma() -> None:
    text = (
        "Recalling its resolutions 1261 (1999) of 25 August 1999, 1265 (1999) of 17 September 1999, "
        "1296 (2000) of 19 April 2000 and 1314 (2000) of 11 August 2000, as well as"
    )
    assert [c.number for c in find_citations(text)] == [1261, 1265, 1296, 1314]
    text = "in particular resolutions 425 (1978), 426 (1978), 520 (1982), 1559 (2004), 1655 (2006) 1680 (2006)"
    assert [c.number for c in find_citations(text)] == [425, 426, 520, 1559, 1655, 1680]


def test_range_and_semicolon_list_with_paragraphs() -> None:
    assert [c.number for c in find_citations("territories in resolutions 242 (1967) to 2334 (2016).")] == [
        242,
        2334,
    ]
    text = (
        "Security Council resolutions 1696 (2006), para. 3; 1737 (2006), para. 20; 1747 (2007), "
        "para. 9; 1803 (2008), preamble; and 1929(2010), preamble."
    )
    assert [(c.number, c.paragraphs) for c in find_citations(text)] == [
        (1696, ("3",)),
        (1737, ("20",)),
        (1747, ("9",)),
        (1803, ()),
        (1929, ()),
    ]


def test_without_year() -> None:
    assert cites("member of the Group of Friends of\nResolution 1540, and we are") == [
        ("Resolution 1540", 1540, None, ())
    ]
    assert cites("resolutions 1325 and 2250 on youth") == [
        ("resolutions 1325", 1325, None, ()),
        ("2250", 2250, None, ()),
    ]
    text = "in particular resolutions 1493 of 28 July 2003, 1533 of 12 March 2004 and 1592 of 30 March 2005,"
    assert [(c.number, c.year) for c in find_citations(text)] == [(1493, None), (1533, None), (1592, None)]


def test_symbols() -> None:
    assert cites("S/RES/2334 (2016), S/RES/2334(2016) and S/RES/1801.") == [
        ("S/RES/2334 (2016)", 2334, 2016, ()),
        ("S/RES/2334(2016)", 2334, 2016, ()),
        ("S/RES/1801", 1801, None, ()),
    ]


# --- paragraphs -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "paragraphs"),
    [
        ("paragraph 27 of resolution 2325 (2016)", ("27",)),
        ("paragraphs 3 and 4 of resolution 2231 (2015)", ("3", "4")),
        ("operative paragraph 2 of resolution 1701 (2006)", ("2",)),
        ("paragraphs 3, 4 and 7 of resolution 2397 (2017)", ("3", "4", "7")),
        ("In accordance with paragraph 24 (e) of resolution 1970 (2011) of 26 February", ("24 (e)",)),
        ("sub-paragraph (a) of paragraph 19 of resolution 1970 (2011)", ("19",)),
        ("as required in paragraph 12 and 13 of resolution 1457, with", ("12", "13")),
        ('"(resolution 2508 (2020), para. 4).', ("4",)),
        ("resolution 1325 (2000), paragraph 8 above", ()),
    ],
)
def test_paragraphs(text: str, paragraphs: tuple[str, ...]) -> None:
    (c,) = find_citations(text)
    assert c.paragraphs == paragraphs
    assert c.text.startswith("resolution")


def test_present_resolution_and_above_not_reported() -> None:
    for text in (
        "as set out in paragraph 8 above",
        "paragraph 3 of the present resolution",
        "paragraph 3 of this resolution",
        "review of the implementation of this resolution 90 days after the entry into force",
    ):
        assert find_citations(text) == [], text


def test_committee_established_pursuant() -> None:
    text = "the new Chair of the Committee established\npursuant to resolution 1540 (2004). I wish him"
    assert cites(text) == [("resolution 1540 (2004)", 1540, 2004, ())]


# --- negatives ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "I would like to note that the\n1540 Committee has been active.",
        "the 1267 sanctions regime",
        "the draft resolution contained in document S/2020/24",
        "negotiations on resolution draft: draft resolution S/2020/25, making",
        "contained in United Nations General Assembly\nresolution 46/182”.",
        "upholding resolution 46/182.",
        "(resolution 67/19) and A/RES/62/24",
        "the validity of resolution 377 (V), better known as",
        "General Assembly resolution 377 A (V) of 3 November 1950",
        "Outcome document (General Assembly resolution\n60/1). It is",
        "Human Rights Council resolution 46/1 and Economic and Social Council resolution 2008/5",
        "as established in resolutions 1514\n(XV) and 2625 (XXV) of the General Assembly.",
        "General Assembly resolutions 181 (II) and 194 (III)",
        "General Assembly resolution 1474 (ES-IV) of 20 September 1960",
        "(General Assembly resolution 1 (1)).",
        "pursuant to General Assembly resolution 3314 (X XIX).",
        "House of Representatives resolution 326 by rejects",
        "the Council of the League of Arab States adopted resolution 8522, in which",
        "the report (S/2019/1005) of 2016 and 2017",
        "the Council and subsequent resolutions; all relevant resolutions",
        "of the 253 resolutions adopted since 2015, only 16 per cent",
        "over 20 Security Council resolutions since 1999",
    ],
)
def test_not_citations(text: str) -> None:
    assert find_citations(text) == []


def test_general_assembly_next_to_council_resolution() -> None:
    text = "The Niger supports General Assembly resolution 70/262 and Security Council resolution 2282 (2016),"
    assert [c.number for c in find_citations(text)] == [2282]


def test_draft_adopted_as_resolution() -> None:
    text = "The draft resolution has been adopted unanimously as resolution 2546 (2020)."
    assert [c.number for c in find_citations(text)] == [2546]


# --- self number ------------------------------------------------------------

RES_2253_HEAD = (
    "United Nations\nSecurity Council\n\nS/RES/2253 (2015)\nDistr.: General 17 December 2015\n\n"
    "Resolution 2253 (2015)\nAdopted by the Security Council at its 7587th meeting, on 17 December 2015\n"
    "The Security Council,\nRecalling its resolutions 1267 (1999), 1333 (2000) and 2249 (2015),\n"
)


def test_self_number() -> None:
    assert detect_self_number(RES_2253_HEAD) == 2253
    got = find_citations(RES_2253_HEAD, self_number=2253)
    assert [c.number for c in got] == [1267, 1333, 2249]
    assert 2253 in [c.number for c in find_citations(RES_2253_HEAD)]
    old = "\nResolution 242 (1967)\nof 22 November 1967\n\n\nThe Security Council,\n"
    assert detect_self_number(old) == 242
    assert detect_self_number("Resolution 2334 (2016) is clear: settlements are illegal.") is None


# --- references -------------------------------------------------------------


def test_find_references() -> None:
    text = (
        "the draft resolution S/2020/23; presidential statement S/PRST/2020/1, the report (S/2019/1005), "
        "see S/PV.8698 and S/PV.8699 (Resumption 1); S/2020/302, annex; S/RES/2334 (2016)"
    )
    got = [(r.kind, r.symbol, r.text) for r in find_references(text)]
    assert got == [
        ("document", "S/2020/23", "S/2020/23"),
        ("presidential_statement", "S/PRST/2020/1", "S/PRST/2020/1"),
        ("document", "S/2019/1005", "S/2019/1005"),
        ("meeting_record", "S/PV.8698", "S/PV.8698"),
        ("meeting_record", "S/PV.8699 (Resumption 1)", "S/PV.8699 (Resumption 1)"),
        ("document", "S/2020/302", "S/2020/302"),
        ("resolution", "S/RES/2334 (2016)", "S/RES/2334 (2016)"),
    ]
    for ref in find_references(text):
        assert isinstance(ref, DocumentReference)
        assert text[ref.start : ref.end] == ref.text
    assert [r.symbol for r in find_references("S/PV. 8699")] == ["S/PV.8699"]


# --- decoding and CLI -------------------------------------------------------


def test_decode_bytes() -> None:
    assert decode_bytes("\ufeffCôte".encode()) == "Côte"
    assert decode_bytes("C\xf4te d\x92Ivoire".encode("latin-1")) == "Côte d’Ivoire"


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    speech = tmp_path / "speech.txt"
    speech.write_bytes("Mr. X: We welcome resolution 2334 (2016).\r\nAnd S/RES/1801.".encode("cp1252"))
    res = tmp_path / "res.txt"
    res.write_text(RES_2253_HEAD, encoding="utf-8-sig")
    assert main([str(speech), str(res)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [f["path"] for f in doc["files"]] == [str(speech), str(res)]
    first = doc["files"][0]["citations"]
    assert first[0] == {
        "start": 18,
        "end": 40,
        "text": "resolution 2334 (2016)",
        "number": 2334,
        "year": 2016,
        "paragraphs": [],
    }
    assert [c["number"] for c in doc["files"][1]["citations"]] == [1267, 1333, 2249]


def test_cli_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    proc = subprocess.run(
        [sys.executable, "-m", "archive.citations", str(missing)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert str(missing) in proc.stderr
    assert proc.stdout == ""


# --- gold set ---------------------------------------------------------------


def _bench():
    spec = importlib.util.spec_from_file_location("citation_accuracy", ROOT / "bench" / "citation_accuracy.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_gold_set_is_consistent() -> None:
    bench = _bench()
    total = 0
    for name in bench.GROUPS:
        for passage in bench.load_group(name):
            for g in passage["expected"]:
                assert passage["text"][g["start"] : g["end"]] == g["text"], passage["id"]
                total += 1
    assert total >= 300


def test_gold_set_precision_and_recall() -> None:
    bench = _bench()
    scores = bench.evaluate()
    for name in bench.GROUPS:
        s = scores[name]
        assert s.precision >= bench.MIN_PRECISION, (name, s.errors)
        assert s.recall >= bench.MIN_RECALL, (name, s.errors)


# --- properties ---------------------------------------------------------------

_ALPHABET = st.sampled_from(
    list("resolutions RESOLUTION S/RESPVRST()0123456789,;.and of paragraph\n\f\r\t\x08-/ ")
    + ["resolution ", "resolutions ", "S/RES/", "(2015)", "(XV)", " and ", ", ", "paragraph 3 of ", "\f"]
)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises_on_arbitrary_text(text: str) -> None:
    for c in find_citations(text):
        assert isinstance(c, Citation)
        assert text[c.start : c.end] == c.text
    for r in find_references(text):
        assert text[r.start : r.end] == r.text


@settings(max_examples=400, deadline=None)
@given(st.lists(_ALPHABET, max_size=60).map("".join), st.none() | st.integers(0, 3000))
def test_offsets_hold_on_citation_like_text(text: str, self_number: int | None) -> None:
    found = find_citations(text, self_number=self_number)
    last_end = -1
    for c in found:
        assert text[c.start : c.end] == c.text
        assert 1 <= c.number <= 3000
        assert c.year is None or 1946 <= c.year <= 2100
        assert c.start >= last_end
        assert c.number != self_number
        last_end = c.end
