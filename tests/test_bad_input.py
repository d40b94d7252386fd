"""Hostile and broken files through `import_records`: each is a clear error naming the file (and
the line where there is one), the command fails, and no table changes (the import run log aside).

Beside tests/test_importing.py (empty, NUL, truncated PDF, undecodable, not a record, broken gzip,
a PDF without text): UTF-16, a NUL far into a real record, 50 MB files (text, not-really-PDF,
a gzip expanding to 50 MB), an over-long statement, repeated labels, deep parentheses, a text file
named .pdf, a folder named .pdf, a symbolic link loop."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from archive.models import ImportRun

from .conftest import SAMPLE, require_shared

pytestmark = pytest.mark.django_db
PDF_8700 = SAMPLE / "records" / "S_PV.8700_E.pdf"
MB = 1024 * 1024


def record_text(name: str = "S_PV.8699_E.txt") -> bytes:
    return (require_shared() / "meetings" / "text" / name).read_bytes()


def cover() -> bytes:
    return b"\n".join(record_text("S_PV.8700_E.txt").split(b"\n")[:75]) + b"\n"


def with_nul_at_line(data: bytes, line: int) -> bytes:
    lines = data.split(b"\n")
    lines[line - 1] = lines[line - 1][:5] + b"\x00" + lines[line - 1][5:]
    return b"\n".join(lines)


def write(path: Path, content: bytes) -> None:
    path.write_bytes(content)


def huge_text(path: Path) -> None:
    line = b"Mr. X (France): peace and security for all the peoples of the region.\n"
    with path.open("wb") as fh:
        fh.write(line * (50 * MB // len(line) + 1))


def huge_pdf(path: Path) -> None:
    block = os.urandom(MB)
    with path.open("wb") as fh:
        fh.write(b"%PDF-1.7\n")
        for _ in range(50):
            fh.write(block)


def gzip_bomb(path: Path) -> None:
    path.write_bytes(gzip.compress(b"Mr. X (France): peace. " * (50 * MB // 23), compresslevel=1))


def folder(path: Path) -> None:
    path.mkdir()


def loop(path: Path) -> None:
    path.symlink_to(path.name)


def pdf(objects: list[bytes]) -> bytes:
    """A PDF file of these objects (1 is the catalogue), with a correct cross-reference table."""
    out = b"%PDF-1.7\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


def page_tree_loop(path: Path) -> None:
    """Pages whose only kid is a Pages node whose only kid is the first."""
    path.write_bytes(pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                          b"<< /Type /Pages /Kids [2 0 R] /Count 1 /Parent 2 0 R >>"]))  # fmt: skip


def million_pages(path: Path) -> None:
    """About 1 KB: six levels of Pages nodes, each naming the next ten times: 10**6 (empty) pages."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for level in range(6):
        kids = b" ".join([b"%d 0 R" % (3 + level)] * 10)
        objects.append(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, 10 ** (6 - level)))
    objects.append(b"<< /Type /Page /MediaBox [0 0 612 792] >>")
    path.write_bytes(pdf(objects))


def sample_corpus(path: Path, *, rows: int = 2) -> list[str]:
    """A corpus folder with the sample's first ``rows`` table rows and their speech files; the
    table's lines (header first)."""
    source = SAMPLE / "corpus-2020"
    lines = (source / "meta.tsv").read_text(encoding="utf-8").splitlines()[: rows + 1]
    (path / "speeches").mkdir(parents=True)
    (path / "meta.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for line in lines[1:]:
        name = line.split("\t")[0]
        (path / "speeches" / name).write_bytes((source / "speeches" / name).read_bytes())
    return lines


def tsv_unclosed_quote(path: Path) -> None:
    """A quote opened on row 3 and never closed: the rest of the table is one field, over csv's limit."""
    lines = sample_corpus(path)
    (path / "meta.tsv").write_text("\n".join([*lines, '"' + lines[1], *lines[1:] * 1000]) + "\n", encoding="utf-8")


def tsv_long_meeting_number(path: Path) -> None:
    lines = sample_corpus(path)
    lines[2] = lines[2].replace("SPV.8709\t", "SPV." + "9" * 400 + "\t", 1)
    (path / "meta.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def jsonl_long_number(path: Path) -> None:
    path.mkdir()
    rows = (SAMPLE / "corpus-2020" / "speeches.jsonl").read_text(encoding="utf-8").splitlines()[:2]
    rows[1] = rows[1].replace('"speech": 2,', '"speech": ' + "7" * 5000 + ",", 1)
    (path / "speeches.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")


def huge_speech_file(path: Path) -> None:
    """A 200 MB speech file (sparse: it costs no disk), as a corpus speech."""
    sample_corpus(path)
    name = sorted((path / "speeches").iterdir())[1]
    with name.open("r+b") as fh:
        fh.truncate(200 * MB)


def linked_speech_file(path: Path) -> None:
    sample_corpus(path)
    name = sorted((path / "speeches").iterdir())[1]
    name.unlink()
    name.symlink_to("/etc/hostname")


def fifo(path: Path) -> None:
    os.mkfifo(path)  # opening it for reading would wait for a writer for ever, holding the import lock


def device_link(path: Path) -> None:
    path.symlink_to("/dev/zero")  # size 0 by stat, and never ends: read whole, it filled the memory


def device_in_a_folder(path: Path) -> None:
    path.mkdir()
    (path / "S_PV.9999_E.txt").symlink_to("/dev/zero")


CASES = {
    # name: (make the file at path, what the error says)
    "fifo.txt": (fifo, "fifo.txt: not a regular file"),
    "fifo.pdf": (fifo, "fifo.pdf: not a regular file"),
    "fifo.txt.gz": (fifo, "fifo.txt.gz: not a regular file"),
    "zero.txt": (device_link, "zero.txt: not a regular file"),
    "zero.pdf": (device_link, "zero.pdf: not a regular file"),
    "zero-in-a-folder": (device_in_a_folder, "S_PV.9999_E.txt: not a regular file"),
    "utf16.txt": (lambda p: write(p, "S/PV.8700\nThe President: é\n".encode("utf-16")), "utf16.txt:1: UTF-16 text"),
    "utf16be-nobom.txt": (
        lambda p: write(p, "Mr. X (France): hello\n".encode("utf-16-be")),
        "utf16be-nobom.txt:1: binary content",
    ),
    "late-nul.txt": (lambda p: write(p, with_nul_at_line(record_text(), 2188)), "late-nul.txt:2188: binary content"),
    "cp1252-c1.txt": (
        lambda p: write(p, b"Mr. X (France): \x81\x8d\n"),
        "cp1252-c1.txt:1: neither UTF-8 nor Windows-1252",
    ),
    "huge.txt": (huge_text, "huge.txt: file too large"),
    "huge.pdf": (huge_pdf, "huge.pdf: not a readable PDF"),
    "bomb.txt.gz": (gzip_bomb, "bomb.txt.gz: file too large"),
    "long-statement.txt": (
        lambda p: write(p, b"Mr. X (France): " + b"peace and security " * 60_000),
        "long-statement.txt:1: too long for one statement",
    ),
    "repeated-labels.txt": (lambda p: write(p, cover() + b"Mr. X (France):\n" * 5000), "more than 2000 speaker labels"),
    "parentheses.txt": (
        lambda p: write(p, cover() + b"(" * 100_000 + b"Mr. X" + b")" * 100_000 + b":\n"),
        "parentheses.txt:70: no speaker labels found",
    ),
    "text.pdf": (lambda p: write(p, b"The President: I now give the floor.\n"), "text.pdf:1: not a PDF"),
    "folder.pdf": (folder, "folder.pdf: a folder with no record in it"),
    "loop.pdf": (loop, "loop.pdf: cannot follow this path"),
    "page-loop.pdf": (page_tree_loop, "page-loop.pdf: not a readable PDF (page 1)"),
    "million-pages.pdf": (million_pages, "million-pages.pdf: the PDF declares 1000000 pages"),
    "corpus-unclosed-quote": (tsv_unclosed_quote, "meta.tsv:4: unreadable table row"),
    "corpus-long-meeting-number": (tsv_long_meeting_number, "meta.tsv:3: cannot tell the meeting"),
    "corpus-long-number": (jsonl_long_number, "speeches.jsonl:2: unreadable JSON"),
    "corpus-huge-speech": (huge_speech_file, "UNSC_2020_SPV.8709_spch002.txt: file too large"),
    "corpus-linked-speech": (linked_speech_file, "UNSC_2020_SPV.8709_spch002.txt: a symbolic link"),
}


def row_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names(cursor):
            if table != ImportRun._meta.db_table:
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
                counts[table] = cursor.fetchone()[0]
        return counts


@pytest.mark.parametrize("name", list(CASES))
def test_bad_file_is_a_clear_error_and_nothing_is_stored(tmp_path, capsys, name):
    call_command("import_records", str(PDF_8700), "--no-progress")
    before, runs = row_counts(), ImportRun.objects.count()
    make, message = CASES[name]
    path = tmp_path / name
    make(path)
    with pytest.raises(CommandError) as info:
        call_command("import_records", str(path), "--no-progress")
    said = capsys.readouterr().err + str(info.value)
    assert message in said, said
    assert str(tmp_path) in said
    assert row_counts() == before
    for run in ImportRun.objects.order_by("pk")[runs:]:  # a run that began records its error
        assert any(message in error for error in run.errors), run.errors


KEEP_GOING = ("utf16.txt", "text.pdf", "late-nul.txt", "page-loop.pdf", "million-pages.pdf", "corpus-linked-speech")


def test_keep_going_reports_every_bad_file_and_imports_the_good_one(tmp_path, capsys):
    for name in KEEP_GOING:
        CASES[name][0](tmp_path / name)
    (tmp_path / "S_PV.8700_E.pdf").write_bytes(PDF_8700.read_bytes())
    with pytest.raises(CommandError, match=f"{len(KEEP_GOING)} file"):
        call_command("import_records", str(tmp_path), "--keep-going", "--no-progress")
    err = capsys.readouterr().err
    for name in KEEP_GOING:
        assert CASES[name][1] in err
    assert row_counts()["archive_meeting"] == 1


def test_a_pdf_that_takes_too_long_is_stopped_with_its_name(monkeypatch):
    from archive.parsing import ParseError, parse_path

    monkeypatch.setattr("archive.parsing.pdf.MAX_PDF_SECONDS", 0.0)
    with pytest.raises(ParseError, match=r"S_PV\.8700_E\.pdf: reading took over 0 s \(stopped at page 1 of 12\)"):
        parse_path(PDF_8700)


# --------------------------------------------------------------------------- control characters

CONTROL = "".join(chr(c) for c in [*range(0x01, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F]) + "\ufffe\uffff"


def controlled_record(path: Path) -> dict:
    lines = record_text("S_PV.8700_E.txt").decode("utf-8").split("\n")
    lines[80] = lines[80].replace("In accordance", "In\x01 accordance\x1f\x7f" + CONTROL)  # the President's first words
    path.write_text("\n".join(lines), encoding="utf-8")
    return {"feeds": ["/countries/vnm/feed/", "/speakers/dang-vnm/feed/"]}


def controlled_statement(path: Path) -> dict:
    text = (Path(__file__).parent / "fixtures" / "seeds" / "000_b358dbdd33e14572.txt").read_text(encoding="utf-8")
    path.write_text(text.replace("At the outset", "At\x0b the\x0c outset" + CONTROL, 1), encoding="utf-8")
    return {"options": ["--symbol", "S/PV.8027", "--date", "2017-08-02"], "feeds": ["/countries/kaz/feed/"]}


def controlled_corpus(path: Path) -> dict:
    lines = sample_corpus(path)
    speech = path / "speeches" / lines[2].split("\t")[0]
    speech.write_bytes(speech.read_bytes().replace(b"The draft", b"The\x01 draft\x1b" + CONTROL.encode(), 1))
    lines[1] = lines[1].replace("Cyprus", "Cyprus\x02\x1f", 1)  # the meeting's topic, a feed's entry title
    (path / "meta.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {"feeds": ["/countries/vnm/feed/", "/speakers/dang-vnm/feed/", "/meetings/feed/"]}


@pytest.mark.parametrize("make", [controlled_record, controlled_statement, controlled_corpus])
def test_control_characters_never_reach_the_archive_and_feeds_stay_xml(tmp_path, client, make):
    """XML cannot carry control characters: one stored in a statement made its Atom feeds fail."""
    from xml.etree import ElementTree

    from archive.models import Meeting, Statement

    path = tmp_path / make.__name__
    case = make(path)
    call_command("import_records", str(path), *case.get("options", []), "--no-progress")
    texts = [s.text + s.speaker_label for s in Statement.objects.all()]
    texts += [m.topic + str(m.agenda) + str(m.stage_directions) for m in Meeting.objects.all()]
    assert texts and not any(ch in text for text in texts for ch in CONTROL)
    assert any("In accordance" in t or "At the outset" in t or "The draft" in t for t in texts)
    for url in case["feeds"]:
        response = client.get(url)
        assert response.status_code == 200, url
        ElementTree.fromstring(response.content)  # well-formed XML
