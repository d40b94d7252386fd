"""Importing a scanned record: stored with its OCR confidence and flags, or refused whole."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from archive.importing import OCR_CONFIDENCE_FLOOR
from archive.models import Meeting, Statement, StatementFlag

from .conftest import require_shared
from .golden import OTHER_ERAS, replayed_ocr

pytestmark = pytest.mark.django_db
RECORD_1950 = OTHER_ERAS / "S_PV.492_1950.pdf"


def test_a_scanned_1950_record_is_stored_with_its_reader_and_confidence(capsys):
    require_shared()
    with replayed_ocr(RECORD_1950):
        call_command("import_records", str(RECORD_1950), "--no-progress")
    out = capsys.readouterr().out
    assert "S/PV.492: created from OCR of its page images (mean word confidence" in out
    meeting = Meeting.objects.get(slug="492")
    assert meeting.read_by_ocr and str(meeting.date) == "1950-08-29"
    # and how many statements each page gave, from the first statement's page to the last's
    report = next(line for line in out.splitlines() if "S/PV.492: created" in line)
    per_page = dict(part.split(": ") for part in report.split("statements starting per page: ")[1].split(", "))
    pages = meeting.statements.values_list("source_page", flat=True)
    assert sum(map(int, per_page.values())) == meeting.statements.count()
    assert list(per_page) == [f"p. {p}" for p in range(min(pages), max(pages) + 1)]
    assert meeting.presidency.name == "Union of Soviet Socialist Republics"
    statements = list(meeting.statements.select_related("delegation").order_by("order"))
    assert [s.delegation.name for s in statements[:4]] == [
        "Union of Soviet Socialist Republics",
        "United States of America",
        "Union of Soviet Socialist Republics",
        "Republic of China",
    ]
    assert statements[0].role == "president" and statements[0].language == "Russian"
    assert all(s.ocr_confidence is not None for s in statements)
    low = {s.pk for s in statements if s.ocr_confidence < OCR_CONFIDENCE_FLOOR}
    flagged = set(StatementFlag.objects.filter(reason="low_ocr_confidence").values_list("statement_id", flat=True))
    assert flagged == low and low  # the record has a few badly printed statements
    flag = StatementFlag.objects.filter(reason="low_ocr_confidence").first()
    assert "mean OCR word confidence" in flag.detail


def test_a_typeset_record_has_no_ocr_confidence():
    require_shared()
    call_command("import_records", str(OTHER_ERAS.parent / "unsc-2020/meetings/pdf/S_PV.8702_E.pdf"), "--no-progress")
    assert not Meeting.objects.get(slug="8702").read_by_ocr
    assert not Statement.objects.filter(ocr_confidence__isnull=False).exists()


def test_without_tesseract_nothing_is_stored(tmp_path, monkeypatch, capsys):
    require_shared()
    monkeypatch.setenv("TESSERACT_CMD", str(tmp_path / "missing" / "tesseract"))
    with pytest.raises(CommandError):
        call_command("import_records", str(RECORD_1950), "--no-progress")
    err = capsys.readouterr().err
    assert "S_PV.492_1950.pdf" in err and "tesseract-ocr" in err
    assert Meeting.objects.count() == 0 and Statement.objects.count() == 0


def test_country_pages_show_council_years_and_the_state_that_continued_it(client):
    require_shared()
    with replayed_ocr(RECORD_1950):
        call_command("import_records", str(RECORD_1950), "--no-progress")
    call_command("import_records", str(OTHER_ERAS.parent / "unsc-2020/meetings/pdf/S_PV.8702_E.pdf"), "--no-progress")
    ussr = client.get("/countries/sun/").content.decode()
    assert "Member of the Security Council: 1946–1991." in ussr
    assert 'Continued by <a href="/countries/rus/">Russian Federation</a> from 24 December 1991.' in ussr
    russia = client.get("/countries/rus/").content.decode()
    assert (
        'Continues <a href="/countries/sun/">Union of Soviet Socialist Republics</a> (since 24 December 1991)' in russia
    )
    roc = client.get("/countries/republic-of-china/").content.decode()
    assert "Member of the Security Council: 1946–1971." in roc and "from 25 October 1971" in roc
    egypt = client.get("/countries/egy/").content.decode()
    assert "1949–1950" in egypt and "2016–2017" in egypt  # elected terms from the membership data
    # Statements of 1950 stay with the USSR and the Republic of China, not their successors.
    assert Statement.objects.filter(delegation__key="republic-of-china").exists()
    assert not Statement.objects.filter(delegation__key="chn", meeting__date__year=1950).exists()
