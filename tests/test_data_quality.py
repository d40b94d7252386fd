"""Import report, data-quality flags, hand corrections that survive re-import, /about/data/."""

from __future__ import annotations

import pytest

from archive.importing import import_paths
from archive.models import Correction, Delegation, ImportRun, Meeting, StatementFlag

from .conftest import SAMPLE, SAMPLE_RECORDS

pytestmark = pytest.mark.django_db
PDF_8708 = SAMPLE / "records" / "S_PV.8708_E.pdf"


def test_every_run_is_recorded(tmp_path):
    import_paths(SAMPLE_RECORDS)
    bad = tmp_path / "empty.txt"
    bad.write_text("")
    import_paths([str(bad)])
    first, second = ImportRun.objects.order_by("started_at")
    assert first.meetings_created == 10 and first.statements > 100 and first.errors == [] and first.succeeded
    assert second.errors and "empty.txt:1" in second.errors[0] and not second.succeeded
    assert second.duration is not None and second.duration >= 0


def test_flags_and_the_about_page(client, tmp_path):
    import json

    import_paths(SAMPLE_RECORDS)
    # A corpus whose hand-entered country is not a State or organisation we know.
    rows = [json.loads(line) for line in (SAMPLE / "corpus-2020" / "speeches.jsonl").read_text().splitlines()]
    letter = [r for r in rows if r["basename"] == "UNSC_2020_SPV.2020_254"]
    # (not a President's turn: the reader files those under the presidency, China here)
    next(r for r in letter if r["participanttype"] != "The President")["country"] = "Atlantis"
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "speeches.jsonl").write_text("\n".join(json.dumps(r) for r in letter) + "\n")
    Meeting.objects.filter(slug="s-2020-254").update(source_checksum="changed")
    assert import_paths([str(folder)]).errors == []
    flag = StatementFlag.objects.get(reason="unknown_delegation")
    assert flag.detail == "Atlantis"
    html = client.get("/about/data/").content.decode()
    assert "Holdings by year" in html and "2020" in html
    assert "Meetings missing in the numbered sequence" in html and "S/PV.8699" in html  # between 8698 and 8700
    for value, _label in StatementFlag.REASONS:
        assert f"?reason={value}" in html
    flagged = StatementFlag.objects.select_related("statement__meeting").first()
    page = client.get(flagged.statement.get_absolute_url()).content.decode()
    assert 'class="flag"' in page


def test_unknown_delegation_is_flagged_and_a_correction_survives_reimport(tmp_path):
    import_paths([str(PDF_8708)])
    meeting = Meeting.objects.get(slug="8708")
    statement = meeting.statements.exclude(role="president").order_by("order").first()
    france = Delegation.objects.get(key="fra")
    Correction.objects.create(
        meeting_slug="8708",
        order=statement.order,
        speaker_label=statement.speaker_label,
        delegation=france,
        note="test",
    )
    # a changed source replaces the meeting: the correction is applied again
    Meeting.objects.filter(pk=meeting.pk).update(source_checksum="changed")
    summary = import_paths([str(PDF_8708)])
    assert summary.outcomes[0].action == "replaced"
    statement.refresh_from_db()
    assert statement.delegation == france
    assert not StatementFlag.objects.filter(statement=statement).exists()


def test_correction_with_a_stale_label_is_not_applied():
    import_paths([str(PDF_8708)])
    statement = Meeting.objects.get(slug="8708").statements.get(order=2)
    before = statement.delegation_id
    Correction.objects.create(
        meeting_slug="8708", order=2, speaker_label="Someone else", delegation=Delegation.objects.get(key="fra")
    )
    Meeting.objects.filter(slug="8708").update(source_checksum="changed")
    import_paths([str(PDF_8708)])
    statement.refresh_from_db()
    assert statement.delegation_id == before


def test_corpus_typos_resolve_through_the_reviewed_alias_table(unsc_2020):
    import_paths([str(unsc_2020)])
    assert not Delegation.objects.filter(kind="unknown", name__in=["Kyrgyztan", "El] Salvador"]).exists()
    assert Delegation.objects.filter(key="kgz").exists()
