"""The import service and the import_records command, on real records."""

from __future__ import annotations

import datetime as dt
import gzip
import shutil

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from archive.importing import import_paths
from archive.models import (
    CouncilSeat,
    Delegation,
    DelegationYear,
    Meeting,
    Resolution,
    Speaker,
    SpeakerName,
    Statement,
)

from .conftest import FIXTURES, SAMPLE, SAMPLE_RECORDS

pytestmark = pytest.mark.django_db
PDF_8700 = SAMPLE / "records" / "S_PV.8700_E.pdf"
PDF_8698 = SAMPLE / "records" / "S_PV.8698_E.pdf"


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every archive table, to show that nothing changed."""
    tables = {}
    for model in (Meeting, Statement, Speaker, SpeakerName, Delegation, CouncilSeat):
        fields = [f.attname for f in model._meta.concrete_fields if f.attname != "imported_at"]
        tables[model.__name__] = sorted(model.objects.values_list(*fields), key=repr)
    return tables


def corpus_of_meeting(unsc_2020, tmp_path, number: int):
    """A corpus folder holding the shared corpus's rows of one meeting."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    rows = [
        line
        for line in (unsc_2020 / "speeches.jsonl").read_text(encoding="utf-8").splitlines(True)
        if f'"UNSC_2020_SPV.{number}"' in line
    ]
    (corpus / "speeches.jsonl").write_text("".join(rows), encoding="utf-8")
    return corpus


def test_import_the_sample():
    summary = import_paths(SAMPLE_RECORDS)
    assert summary.errors == []
    assert Meeting.objects.count() == 3 + 7
    assert Statement.objects.count() == summary.statements_written
    m = Meeting.objects.get(slug="8700")
    assert m.source_kind == "pdf" and m.presidency.key == "vnm"
    assert m.seats.count() == 15 and m.seats.filter(is_president=True).get().delegation.key == "vnm"
    assert m.statements.count() == 23
    first = m.statements.get(order=1)
    assert first.speaker_label == "The President" and first.role == "president"
    assert first.speaker.name == "Mr. Dang" and first.delegation.name == "Viet Nam"
    nebenzia = Speaker.objects.get(slug__startswith="nebenzia")
    assert nebenzia.delegation.key == "rus"
    assert nebenzia.statements.count() >= 2
    assert Meeting.objects.filter(slug="s-2020-254").exists()


def test_reimport_changes_nothing_and_keeps_statement_urls():
    import_paths(SAMPLE_RECORDS)
    before = snapshot()
    urls = sorted(s.get_absolute_url() for s in Statement.objects.select_related("meeting"))
    summary = import_paths(SAMPLE_RECORDS)
    assert summary.count("unchanged") == 10 and summary.statements_written == 0
    assert snapshot() == before
    assert sorted(s.get_absolute_url() for s in Statement.objects.select_related("meeting")) == urls


def test_same_meeting_from_record_and_corpus_is_one_meeting(unsc_2020, tmp_path):
    corpus = corpus_of_meeting(unsc_2020, tmp_path, 8700)
    # corpus first, then the record: the record replaces the corpus copy
    first = import_paths([str(corpus)])
    assert first.outcomes[0].source == "corpus"
    second = import_paths([str(PDF_8700)])
    assert second.outcomes[0].action == "replaced"
    assert "replaced corpus" in second.outcomes[0].note
    assert Meeting.objects.filter(symbol="S/PV.8700").count() == 1
    assert Meeting.objects.get(symbol="S/PV.8700").source_kind == "pdf"
    # and the corpus again does not displace it
    third = import_paths([str(corpus)])
    assert third.outcomes[0].action == "skipped" and "kept pdf" in third.outcomes[0].note
    assert Statement.objects.filter(meeting__symbol="S/PV.8700").count() == 23


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "empty.txt:1: empty file"),
        ("binary.txt", b"S/PV.1\n\x00\x01\x02", "binary.txt:2: binary content"),
        ("truncated.pdf", None, "truncated.pdf"),
        ("latin.txt", "Mr. X (France): caf\xe9 \x81".encode("latin-1"), "latin.txt:1: neither UTF-8 nor Windows-1252"),
        ("notarecord.txt", b"just some words\nand more\n", "notarecord.txt:1: a statement file must start"),
        ("broken.gz", b"\x1f\x8b\x08\x00garbage", "broken.gz: not a readable gzip"),
        ("scan.pdf", b"%PDF-1.4\n", "scan.pdf"),
    ],
)
def test_malformed_file_leaves_the_database_exactly_as_it_was(tmp_path, name, content, message):
    import_paths([str(PDF_8700)])
    before = snapshot()
    bad = tmp_path / name
    if content is None:
        bad.write_bytes(PDF_8700.read_bytes()[:40_000])
    else:
        bad.write_bytes(content)
    summary = import_paths([str(bad)])
    assert len(summary.errors) == 1 and message in summary.errors[0]
    assert snapshot() == before


def test_command_exit_code_keep_going_and_summary(tmp_path, capsys):
    bad = tmp_path / "a-bad.txt"
    bad.write_bytes(b"")
    good = tmp_path / "b-good.pdf"
    shutil.copyfile(PDF_8700, good)
    with pytest.raises(CommandError):
        call_command("import_records", str(tmp_path), "--no-progress")
    assert Meeting.objects.count() == 0  # stopped at the first error
    with pytest.raises(CommandError):
        call_command("import_records", str(tmp_path), "--keep-going", "--no-progress")
    out = capsys.readouterr()
    assert "a-bad.txt:1: empty file" in out.err
    assert Meeting.objects.filter(slug="8700").exists()
    assert "Meetings: 1 created" in out.out and "23 statements were written" in out.out


def test_dry_run_stores_nothing(capsys):
    call_command("import_records", str(PDF_8700), "--dry-run", "--no-progress")
    assert Meeting.objects.count() == 0 and Statement.objects.count() == 0 and Speaker.objects.count() == 0
    assert "23 statements would be written" in capsys.readouterr().out


def test_globs_gzip_and_single_statements(tmp_path):
    text = (FIXTURES / "seeds" / "000_b358dbdd33e14572.txt").read_bytes()
    (tmp_path / "sadykov.txt.gz").write_bytes(gzip.compress(text))
    summary = import_paths([str(tmp_path / "*.gz")], symbol="S/PV.8027", date=dt.date(2017, 8, 2))
    assert summary.errors == []
    statement = Statement.objects.get()
    assert statement.meeting.slug == "8027" and statement.speaker.name == "Mr. Sadykov"
    assert statement.delegation.key == "kaz"
    missing = import_paths([str(FIXTURES / "seeds" / "004_4d47e8ff2a36501f.txt")])
    assert "symbol and date are required" in missing.errors[0]
    assert Meeting.objects.count() == 1


def test_unknown_pattern_is_an_error():
    summary = import_paths(["/nonexistent/*.pdf"])
    assert "no file matches" in summary.errors[0]


def test_database_vendor_is_the_one_asked_for():
    import os

    expected = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    assert connection.vendor == expected


def stored_counts() -> dict[str, object]:
    """The counts the browsing pages read instead of counting rows."""
    return {
        "delegations": sorted(Delegation.objects.values_list("key", "statement_count")),
        "speakers": sorted(Speaker.objects.values_list("slug", "statement_count")),
        "resolutions": sorted(Resolution.objects.values_list("number", "citation_count")),
        "years": sorted(
            DelegationYear.objects.values_list(
                "delegation__key", "year", "statements", "chair_turns", "council_member", "presided"
            )
        ),
    }


def counts_from_rows() -> dict[str, object]:
    """The same counts recomputed from every row (the full refresh, what relink_citations runs)."""
    from archive.stats import refresh_summaries

    refresh_summaries()
    return stored_counts()


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs that an ordinary exception would let run."""


def test_counts_agree_with_the_rows_when_a_run_dies_after_its_last_meeting(monkeypatch):
    """A kill once every meeting is committed, before the end of the run, left every stored count
    at 0 (empty country and speaker lists): each meeting's transaction now brings the counts it
    touches up to date."""

    def die(summary):
        raise Killed

    monkeypatch.setattr("archive.importing.runs._refresh", die)
    with pytest.raises(Killed):
        import_paths(SAMPLE_RECORDS)
    assert Meeting.objects.count() == 10
    stored = stored_counts()
    assert Delegation.objects.filter(statement_count__gt=0).count() > 20
    assert Speaker.objects.filter(statement_count__gt=0).count() > 50
    assert Resolution.objects.filter(citation_count__gt=0).exists() and stored["years"]
    assert stored == counts_from_rows()


def test_reimport_heals_counts_that_disagree_with_the_rows():
    """The state an earlier kill left (every meeting stored, counts at 0): re-importing, though
    every meeting is unchanged, brings the counts back."""
    import_paths(SAMPLE_RECORDS)
    expected = counts_from_rows()
    Delegation.objects.update(statement_count=0)
    Speaker.objects.update(statement_count=0)
    Resolution.objects.update(citation_count=0)
    DelegationYear.objects.all().delete()
    summary = import_paths(SAMPLE_RECORDS)
    assert summary.count("unchanged") == 10
    assert stored_counts() == expected


def test_reimport_of_a_changed_meeting_moves_its_counts(unsc_2020, tmp_path, monkeypatch):
    """A meeting replaced by another source: the delegations, speakers and resolutions it no
    longer names lose its statements inside the same transaction."""
    corpus = corpus_of_meeting(unsc_2020, tmp_path, 8700)
    import_paths([str(corpus)])
    import_paths([str(PDF_8698)])
    monkeypatch.setattr("archive.importing.runs._refresh", lambda summary: None)  # only the meetings' own work
    assert import_paths([str(PDF_8700)]).outcomes[0].action == "replaced"
    assert stored_counts() == counts_from_rows()


def test_one_speaker_per_surname_and_delegation_is_a_database_rule():
    from django.db import IntegrityError, transaction

    france = Delegation.objects.create(key="fra", name="France", short_name="France", kind="state")
    Speaker.objects.create(slug="dang-fra", name="Mr. Dang", surname_key="dang", delegation=france)
    Speaker.objects.create(slug="dang", name="Mr. Dang", surname_key="dang", delegation=None)
    for delegation in (france, None):
        with pytest.raises(IntegrityError), transaction.atomic():
            Speaker.objects.create(slug="dang-2", name="Mr. Dang", surname_key="dang", delegation=delegation)


@pytest.mark.django_db(transaction=True)
def test_migration_merges_the_speakers_two_imports_at_once_made():
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([("archive", "0009_subscriptions")])
    old = executor.loader.project_state([("archive", "0009_subscriptions")]).apps
    OldDelegation, OldSpeaker = old.get_model("archive", "Delegation"), old.get_model("archive", "Speaker")
    OldName, OldMeeting = old.get_model("archive", "SpeakerName"), old.get_model("archive", "Meeting")
    OldStatement = old.get_model("archive", "Statement")
    vnm = OldDelegation.objects.create(key="vnm", name="Viet Nam", short_name="Viet Nam", kind="state")
    first = OldSpeaker.objects.create(slug="dang-vnm", name="Mr. Dang", surname_key="dang", delegation=vnm)
    second = OldSpeaker.objects.create(slug="dang-vnm-2", name="Mr. Dang Dinh Quy", surname_key="dang", delegation=vnm)
    OldName.objects.create(speaker=first, name="Mr. Dang")
    OldName.objects.create(speaker=second, name="Mr. Dang")
    OldName.objects.create(speaker=second, name="Mr. Dang Dinh Quy")
    meeting = OldMeeting.objects.create(
        symbol="S/PV.8700", slug="8700", date=dt.date(2020, 1, 9), source_kind="pdf", source_name="x",
        source_checksum="x", imported_at=dt.datetime(2020, 1, 9, tzinfo=dt.UTC),
    )  # fmt: skip
    for order, speaker in enumerate([first, second, second], start=1):
        OldStatement.objects.create(
            meeting=meeting, order=order, speaker=speaker, speaker_label="The President", role="president",
            text="...", chrono=f"{order:04d}",
        )  # fmt: skip
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    (dang,) = Speaker.objects.all()
    assert dang.slug == "dang-vnm" and dang.name == "Mr. Dang Dinh Quy"
    assert dang.statements.count() == 3
    assert sorted(dang.names.values_list("name", flat=True)) == ["Mr. Dang", "Mr. Dang Dinh Quy"]


def test_a_record_corrected_only_in_topic_council_year_or_invitations_is_a_change():
    """The checksum that decides "unchanged" is built from everything the import stores: a record
    corrected only in its topic, its Council year or its rule 39 invitations is written again."""
    import dataclasses
    import datetime as dt

    from archive.importing import meeting_checksum
    from archive.parsing import ParsedMeeting

    base = ParsedMeeting(
        symbol="S/PV.9900",
        number=9900,
        resumption=None,
        date=dt.date(2021, 1, 4),
        source_kind="text",
        source_name="S_PV.9900_E.txt",
        statements=(),
        topic="The situation in Libya",
        council_year="Seventy-sixth year",
        invitations=(("dang", "Permanent Representative"),),
    )
    for change in (
        {"topic": "The situation in Mali"},
        {"council_year": "Seventy-fifth year"},
        {"invitations": (("dang", "Minister for Foreign Affairs"),)},
    ):
        assert meeting_checksum(dataclasses.replace(base, **change)) != meeting_checksum(base), change


def test_a_delegation_cannot_be_deleted_from_under_its_speakers():
    """Two speakers of one surname in two delegations: deleting one delegation would leave its
    speaker without one and make the pair one person twice. It is refused (moved first)."""
    from django.db.models import ProtectedError

    from archive.models import Delegation, Speaker

    first = Delegation.objects.create(key="xaa", name="Aland", short_name="Aland", kind="state")
    second = Delegation.objects.create(key="xbb", name="Bland", short_name="Bland", kind="state")
    Speaker.objects.create(slug="smith-xaa", name="Mr. Smith", surname_key="smith", delegation=first)
    Speaker.objects.create(slug="smith-xbb", name="Mr. Smith", surname_key="smith", delegation=second)
    with pytest.raises(ProtectedError):
        first.delete()
    assert Speaker.objects.filter(surname_key="smith").count() == 2


def test_the_writer_stores_the_delegation_the_parser_resolved(monkeypatch):
    """The writer takes the key the reader resolved; it does not resolve the name again."""
    from .conftest import parsed

    def again(name):
        raise AssertionError(f"the writer resolved {name!r} again")

    monkeypatch.setattr("archive.importing.identities.resolve_delegation", again)
    summary = import_paths([str(PDF_8700), str(SAMPLE / "corpus-2020")])
    assert summary.errors == []
    meeting = Meeting.objects.get(slug="8700")
    assert meeting.presidency.key == "vnm"
    (record,) = parsed(PDF_8700)
    stored = dict(meeting.statements.values_list("order", "delegation__key"))
    assert stored == {s.order: s.delegation_key for s in record.statements}
    assert Statement.objects.filter(meeting__source_kind="corpus", delegation__isnull=False).exists()


def test_an_unknown_delegation_is_stored_by_its_name_and_a_key_outside_the_table_is_refused(tmp_path):
    """No key (a delegation outside the table): the name as printed makes an 'unknown' delegation.
    A key the table does not hold is refused, naming the file."""
    import dataclasses

    from archive.importing import Writer
    from archive.parsing import ParseError

    from .conftest import parsed

    (record,) = parsed(PDF_8700)
    first = record.statements[1]
    unknown = dataclasses.replace(first, delegation="Atlantis", delegation_key=None)
    Writer().write(dataclasses.replace(record, statements=(unknown,)))
    row = Statement.objects.get(meeting__slug="8700", order=first.order)
    assert (row.delegation.key, row.delegation.kind, row.delegation.name) == ("x-atlantis", "unknown", "Atlantis")

    wrong = dataclasses.replace(first, delegation="Atlantis", delegation_key="atlantis")
    with pytest.raises(ParseError, match=r"S_PV.8700_E.pdf.*'atlantis'"):
        Writer().write(dataclasses.replace(record, number=99999, symbol="S/PV.99999", statements=(wrong,)))
    assert not Meeting.objects.filter(symbol="S/PV.99999").exists()


def test_a_surname_that_is_also_a_title_stays_the_surname():
    """One honorifics list, read as the labels read it (only before the name): "King" and
    "Prince" were dropped as titles, so Ms. King's key was "rhonda" and she was filed apart from
    "Ms. King" as printed in other records."""
    from archive.importing import surname_key

    assert surname_key("Ms. Inga Rhonda King") == surname_key("Ms. King") == "king"
    assert surname_key("Ms. Diani Jimesha Prince") == "prince"
    assert surname_key("His Excellency Mr. Faisal bin Farhan Al Saud") == "saud"
    assert surname_key("Sir Gladwyn JEBB") == "jebb"


def test_the_migration_gives_existing_speakers_the_new_keys_and_merges_who_is_now_one(transactional_db):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([("archive", "0012_speaker_delegation_protected")])
    apps = executor.loader.project_state([("archive", "0012_speaker_delegation_protected")]).apps
    Delegation, Speaker = apps.get_model("archive", "Delegation"), apps.get_model("archive", "Speaker")
    vct = Delegation.objects.create(key="vct", name="Saint Vincent and the Grenadines", short_name="SVG", kind="state")
    Speaker.objects.create(slug="inga-rhonda-vct", name="Ms. Inga Rhonda King", surname_key="rhonda", delegation=vct)
    Speaker.objects.create(slug="king-vct", name="Ms. King", surname_key="king", delegation=vct)
    executor = MigrationExecutor(connection)
    executor.migrate([("archive", "0013_speaker_surname_keys")])
    try:
        king = executor.loader.project_state([("archive", "0013_speaker_surname_keys")]).apps.get_model(
            "archive", "Speaker"
        )
        (found,) = king.objects.filter(delegation__key="vct")
        assert (found.surname_key, found.name) == ("king", "Ms. Inga Rhonda King")
    finally:  # the later tests (and the replica, which streams this database) need the whole schema
        MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
