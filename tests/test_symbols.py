"""Document symbols in text (archive.citations.find_references), over real excerpts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archive.citations import find_citations, find_references

EXCERPTS = json.loads((Path(__file__).parent / "fixtures" / "symbols" / "excerpts.json").read_text("utf-8"))["passages"]


@pytest.mark.parametrize("passage", EXCERPTS, ids=lambda p: p["source"][:60])
def test_symbols_of_real_excerpts(passage: dict) -> None:
    got = [
        {"start": r.start, "end": r.end, "text": r.text, "kind": r.kind, "symbol": r.symbol}
        for r in find_references(passage["text"])
    ]
    assert got == passage["expected"]
    for ref in got:
        assert passage["text"][ref["start"] : ref["end"]] == ref["text"]


def _excerpt(symbol: str) -> str:
    return next(p["text"] for p in EXCERPTS if any(e["symbol"] == symbol for e in p["expected"]))


def test_line_breaks_and_spaces_inside_a_symbol() -> None:
    # The real sentences, with the symbol broken as a PDF line break or a printed space breaks it.
    text = _excerpt("S/2019/1005").replace("S/2019/1005", "S/2019/\n1005").replace("S/PV.8585", "S/ PV.8585")
    assert [(r.symbol, r.text) for r in find_references(text)] == [
        ("S/2019/1005", "S/2019/\n1005"),
        ("S/PV.8585", "S/ PV.8585"),
    ]
    text = _excerpt("S/PRST/2020/1").replace("S/PRST/2020/1", "S/PRST/2020/\n1")
    assert [r.symbol for r in find_references(text)] == ["S/PRST/2020/1"]


def test_trailing_punctuation_is_not_swallowed() -> None:
    text = _excerpt("S/PRST/2020/1")  # "... under the symbol S/PRST/2020/1. I now give ..."
    (ref,) = find_references(text)
    assert text[ref.end] == "."
    (ref,) = find_references(_excerpt("A/74/PV.4"))
    assert ref.text == "A/74/PV.4"


def test_parts_and_resumptions() -> None:
    text = _excerpt("S/PV.8699 (Resumption 1)")
    assert [r.symbol for r in find_references(text.replace("S/PV.8699 (Resumption 1)", "S/PV.8699(Resumption 1)"))] == [
        "S/PV.8699 (Resumption 1)"
    ]
    assert [r.symbol for r in find_references("see S/PV.1234 (Part II), and S/PV.8699 (RESUMPTION 2)")] == [
        "S/PV.1234 (Part II)",
        "S/PV.8699 (Resumption 2)",
    ]


def test_assembly_resolutions_are_never_council_resolutions() -> None:
    text = "General Assembly resolution A/RES/70/1 and A/RES/ES-10/19; the Council in S/RES/2334 (2016)"
    got = [(r.kind, r.symbol) for r in find_references(text)]
    assert got == [
        ("ga_resolution", "A/RES/70/1"),
        ("ga_resolution", "A/RES/ES-10/19"),
        ("resolution", "S/RES/2334 (2016)"),
    ]
    assert [c.number for c in find_citations(text)] == [2334]
