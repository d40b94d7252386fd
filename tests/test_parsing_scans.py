"""Scanned records: page images read through OCR (Tesseract), the same parser after it.

The 1950 record (S/PV.492, Official Records with English and French side by side, small-capital
surnames, a scanner's own text layer that drops whole columns) is checked against its golden
file with the OCR stored in tests/fixtures/ocr/ (see tests/golden.py); one page of it and a
2020 record rasterised here are read through Tesseract for real.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from archive.parsing import ParseError, parse_path
from archive.parsing.ocr import (
    OcrLine,
    is_scan,
    mend_leaders,
    page_lines,
    parse_tsv,
    render_page,
    repair_label,
    repair_names,
    run_tesseract,
)

from .conftest import ROOT, require_shared
from .golden import OTHER_ERAS, SCAN_GOLDEN, golden_name, ocr_cache, replayed_ocr, summary

sys.path.insert(0, str(ROOT / "bench"))
from ocr_speed import scanned_copy  # noqa: E402

RECORD_1950 = OTHER_ERAS / "S_PV.492_1950.pdf"


def needs_tesseract() -> None:
    if shutil.which(os.environ.get("TESSERACT_CMD") or "tesseract") is None:
        if os.environ.get("CI"):
            pytest.fail("CI needs Tesseract (Debian package tesseract-ocr)")
        pytest.skip("Tesseract is not installed (Debian package tesseract-ocr)")


@pytest.fixture(scope="module")
def meeting_1950():
    require_shared()
    with replayed_ocr(RECORD_1950):
        (meeting,) = parse_path(RECORD_1950)
    return meeting


def test_1950_record_matches_its_golden_file(meeting_1950):
    expected = json.loads((SCAN_GOLDEN / golden_name(RECORD_1950)).read_text(encoding="utf-8"))
    assert summary(meeting_1950) == expected


def test_1950_record_cover(meeting_1950):
    m = meeting_1950
    assert (m.symbol, m.number, m.date) == ("S/PV.492", 492, dt.date(1950, 8, 29))
    assert m.reader == "ocr" and m.place == "Lake Success, New York" and m.start_time == "3 p.m."
    assert m.president == "Mr. J. Malik" and m.presidency == "Union of Soviet Socialist Republics"
    assert [s.delegation for s in m.members] == [
        "Republic of China", "Cuba", "Ecuador", "Egypt", "France", "India", "Norway", "Union of Soviet Socialist Republics",
        "United Kingdom of Great Britain and Northern Ireland", "United States of America", "Yugoslavia",
    ]  # fmt: skip


def test_1950_record_statements_in_order_with_their_delegations(meeting_1950):
    statements = meeting_1950.statements
    first = [(s.speaker, s.delegation, s.role, s.language) for s in statements[:5]]
    assert first == [
        ("Mr. J. Malik", "Union of Soviet Socialist Republics", "president", "Russian"),
        ("Mr. Austin", "United States of America", "member", None),
        ("Mr. J. Malik", "Union of Soviet Socialist Republics", "president", "Russian"),
        ("Mr. Tsiang", "Republic of China", "member", None),
        ("Sir Gladwyn Jebb", "United Kingdom of Great Britain and Northern Ireland", "member", None),
    ]
    by_speaker = {s.speaker: s.delegation for s in statements}
    assert by_speaker["Sir Gladwyn Jebb"] == "United Kingdom of Great Britain and Northern Ireland"
    assert by_speaker["Mr. Tsiang"] == "Republic of China"  # China's seat until 25 October 1971
    assert by_speaker["Mr. Austin"] == "United States of America"
    assert by_speaker["Mr. Quevedo"] == "Ecuador"
    assert by_speaker["Mr. Chauvel"] == "France"
    # The English column only: no statement is the French text beside it.
    assert not any("Le PRÉSIDENT" in s.text or " traduit " in s.text for s in statements)
    presidents = [s for s in statements if s.role == "president"]
    assert len(presidents) >= 15 and all(s.language == "Russian" for s in presidents)
    assert {s.language for s in statements if s.delegation in ("Ecuador", "France")} == {"Spanish", "French"}
    assert all(s.role == "member" for s in statements if s.role != "president")
    assert statements[3].text.startswith("My delegation objects to")
    assert "island of Taiwan" in statements[3].text  # the English column of page 4, missing in the text layer
    assert all(s.ocr_confidence is not None and 50 < s.ocr_confidence <= 100 for s in statements)


def test_the_stored_ocr_is_what_tesseract_reads():
    """The replayed words are Tesseract's: one page read again agrees with the stored words."""
    require_shared()
    needs_tesseract()
    with pdfium.PdfDocument(str(RECORD_1950)) as document:
        image, width, height = render_page(document[11])
    page = parse_tsv(run_tesseract(image, path=str(RECORD_1950), page=12), width=width, height=height)
    stored = json.loads(__import__("gzip").open(ocr_cache(RECORD_1950), "rt", encoding="utf-8").read())[11]
    before = [w.text for w in parse_tsv(stored["tsv"], width=width, height=height).words]
    now = [w.text for w in page.words]
    common = len(set(before) & set(now))
    assert common >= 0.9 * max(len(set(before)), len(set(now)))
    assert any(line.text.startswith("Sir Benegal N. Rav (India)") for line in page_lines(page))


def test_a_born_digital_record_is_not_a_scan():
    require_shared()
    with pdfium.PdfDocument(str(ROOT.parent / "shared/data/unsc-2020/meetings/pdf/S_PV.8702_E.pdf")) as document:
        assert not is_scan(document)
    with pdfium.PdfDocument(str(RECORD_1950)) as document:
        assert is_scan(document)


def test_page_images_with_margins_and_no_text_are_a_scan(tmp_path):
    """A record that exists only as page images set with margins: a scan, not 'no meetings'."""
    require_shared()
    source = ROOT.parent / "shared/data/unsc-2020/meetings/pdf/S_PV.8702_E.pdf"
    scanned_copy(source, [0, 1], tmp_path / "margins.pdf", seed=1, dpi=72, fill=0.7)
    with pdfium.PdfDocument(str(tmp_path / "margins.pdf")) as document:
        assert is_scan(document)
    text_copy(source, [0, 1], tmp_path / "text.pdf")
    with pdfium.PdfDocument(str(tmp_path / "text.pdf")) as document:
        assert not is_scan(document)


def text_copy(source: Path, pages: list[int], target: Path) -> None:
    with pdfium.PdfDocument(str(source)) as document:
        copy = pdfium.PdfDocument.new()
        copy.import_pages(document, pages)
        copy.save(str(target))


def test_a_scanned_2020_record_splits_like_its_pdf(tmp_path):
    """OCR of page images: the same statements, speakers, delegations and roles as the PDF."""
    require_shared()
    needs_tesseract()
    source = ROOT.parent / "shared/data/unsc-2020/meetings/pdf/S_PV.8702_E.pdf"
    pages = [0, 1, 2, 3]
    text_copy(source, pages, tmp_path / "S_PV.8702_text.pdf")
    scanned_copy(source, pages, tmp_path / "S_PV.8702_scan.pdf", seed=8702)
    with pdfium.PdfDocument(str(tmp_path / "S_PV.8702_scan.pdf")) as document:
        assert document[1].get_textpage().count_chars() == 0  # page images only
    (typeset,) = parse_path(tmp_path / "S_PV.8702_text.pdf")
    (scanned,) = parse_path(tmp_path / "S_PV.8702_scan.pdf")
    assert scanned.reader == "ocr" and typeset.reader is None
    assert (scanned.symbol, scanned.date, scanned.president) == (typeset.symbol, typeset.date, typeset.president)
    assert [m.delegation for m in scanned.members] == [m.delegation for m in typeset.members]
    assert len(scanned.statements) == len(typeset.statements) >= 4
    for ocr, pdf in zip(scanned.statements, typeset.statements, strict=True):
        assert (ocr.speaker, ocr.delegation, ocr.role, ocr.language) == (
            pdf.speaker,
            pdf.delegation,
            pdf.role,
            pdf.language,
        )
        assert abs(len(ocr.text.split()) - len(pdf.text.split())) <= 0.02 * len(pdf.text.split()) + 2
        assert ocr.ocr_confidence is not None and pdf.ocr_confidence is None


def test_without_tesseract_a_scan_is_refused_by_name(tmp_path, monkeypatch):
    """No silent nothing: the error names the file and what to install, and the command exits 2."""
    require_shared()
    monkeypatch.setenv("TESSERACT_CMD", str(tmp_path / "no-tesseract-here"))
    with pytest.raises(ParseError) as info:
        parse_path(RECORD_1950)
    message = str(info.value)
    assert message.startswith(str(RECORD_1950)) and "tesseract-ocr" in message and "TESSERACT_CMD" in message
    out = subprocess.run(
        [sys.executable, "-m", "archive.parsing", str(RECORD_1950)],
        capture_output=True, text=True, cwd=ROOT, env={**os.environ, "TESSERACT_CMD": str(tmp_path / "none")},
    )  # fmt: skip
    assert out.returncode == 2 and "S_PV.492_1950.pdf" in out.stderr and "tesseract-ocr" in out.stderr
    assert json.loads(out.stdout) == {"meetings": []}


@pytest.mark.parametrize(
    ("read", "mended"),
    [
        ("The Presipent (translated from Russian): The", "The President (translated from Russian): The"),
        ("The Presipent Cranslated from Russtan) > Will all", "The President (translated from Russian): Will all"),
        ("The President (iranslated jrom Russian): Are", "The President (translated from Russian): Are"),
        ("Mr, Austin (United States of America): 1 do not", "Mr. Austin (United States of America): 1 do not"),
        ("The Presidency of the Council: a word", "The Presidency of the Council: a word"),
        ("Mr. .Baati (Tunisia) (spoke in Arabic): At the", "Mr. Baati (Tunisia) (spoke in Arabic): At the"),
        ("Mr..Wu Haitao (China) (spoke in Chinese): China", "Mr. Wu Haitao (China) (spoke in Chinese): China"),
        ("Ms. King (Saint Vincent and the Grenadines);", "Ms. King (Saint Vincent and the Grenadines):"),
        ("Ms. Blum de Barberi (Colombia). (spoke in", "Ms. Blum de Barberi (Colombia) (spoke in"),
        ("Mr. Smith (France). He said", "Mr. Smith (France). He said"),
        ("The position (translated from Russian) stands", "The position (translated from Russian) stands"),
    ],
)
def test_label_words_misread_in_small_capitals_are_mended(read, mended):
    assert repair_label(OcrLine(read, 0, 0, 100, 10, 80.0)).text == mended


def test_surnames_are_mended_from_the_scans_own_text_layer():
    capitals = __import__("collections").Counter({"JEBB": 4, "JEBR": 1, "MALIK": 3, "URSS": 20, "AUSTIN": 2})
    assert repair_names("Sir Gladwyn Jens (United Kingdom): I", capitals) == "Sir Gladwyn JEBB (United Kingdom): I"
    assert repair_names("President: Mr. J. Matix (Union", capitals) == "President: Mr. J. MALIK (Union"
    assert repair_names("Sir Gladwyn Urss (", capitals) == "Sir Gladwyn URSS ("
    assert repair_names("Mr. Zorin (Union", capitals) == "Mr. Zorin (Union"  # nothing close: as read


def test_cover_leaders_read_as_junk_become_leaders():
    assert (
        mend_leaders("Members: Belgium 0990060 o99 00 008agd0 Mr. Pecsteen") == "Members: Belgium  . . .  Mr. Pecsteen"
    )
    assert mend_leaders("Monday, 13 January 2020, 10.25 a.m.") == "Monday, 13 January 2020, 10.25 a.m."
    assert (
        mend_leaders("Saint Vincent and the Grenadines Ms. King") == "Saint Vincent and the Grenadines . . . Ms. King"
    )
    assert mend_leaders("Russian Federation Mr.. Polyanskiy") == "Russian Federation . . . Mr. Polyanskiy"
    assert mend_leaders("President: Mr. Dang oe ee eee (Viet Nam)") == "President: Mr. Dang  . . .  (Viet Nam)"


def test_misread_delegations_are_resolved_only_when_one_is_that_close():
    from archive.parsing.delegations import resolve_delegation, resolve_misread_delegation

    assert resolve_delegation("Saint Vincent aid the Grenadines") is None  # printed text never guesses
    assert resolve_misread_delegation("Saint Vincent aid the Grenadines").name == "Saint Vincent and the Grenadines"
    assert resolve_misread_delegation("South. Africa").name == "South Africa"
    assert resolve_misread_delegation("Chiva") is None  # too short to guess
    assert resolve_misread_delegation("Germany").name == "Germany"
