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


CASES = {
    # name: (make the file at path, what the error says)
    "utf16.txt": (lambda p: write(p, "S/PV.8700\nThe President: é\n".encode("utf-16")), "utf16.txt:1: UTF-16 text"),
    "utf16be-nobom.txt": (lambda p: write(p, "Mr. X (France): hello\n".encode("utf-16-be")), "utf16be-nobom.txt:1: binary content"),
    "late-nul.txt": (lambda p: write(p, with_nul_at_line(record_text(), 2188)), "late-nul.txt:2188: binary content"),
    "cp1252-c1.txt": (lambda p: write(p, b"Mr. X (France): \x81\x8d\n"), "cp1252-c1.txt:1: neither UTF-8 nor Windows-1252"),
    "huge.txt": (huge_text, "huge.txt: file too large"),
    "huge.pdf": (huge_pdf, "huge.pdf: not a readable PDF"),
    "bomb.txt.gz": (gzip_bomb, "bomb.txt.gz: file too large"),
    "long-statement.txt": (lambda p: write(p, b"Mr. X (France): " + b"peace and security " * 60_000),
                           "long-statement.txt:1: too long for one statement"),
    "repeated-labels.txt": (lambda p: write(p, cover() + b"Mr. X (France):\n" * 5000), "more than 2000 speaker labels"),
    "parentheses.txt": (lambda p: write(p, cover() + b"(" * 100_000 + b"Mr. X" + b")" * 100_000 + b":\n"),
                        "parentheses.txt:70: no speaker labels found"),
    "text.pdf": (lambda p: write(p, b"The President: I now give the floor.\n"), "text.pdf:1: not a PDF"),
    "folder.pdf": (folder, "folder.pdf: a folder with no record in it"),
    "loop.pdf": (loop, "loop.pdf: cannot follow this path"),
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


def test_keep_going_reports_every_bad_file_and_imports_the_good_one(tmp_path, capsys):
    for name in ("utf16.txt", "text.pdf", "late-nul.txt"):
        CASES[name][0](tmp_path / name)
    (tmp_path / "S_PV.8700_E.pdf").write_bytes(PDF_8700.read_bytes())
    with pytest.raises(CommandError, match="3 file"):
        call_command("import_records", str(tmp_path), "--keep-going", "--no-progress")
    err = capsys.readouterr().err
    for name in ("utf16.txt", "text.pdf", "late-nul.txt"):
        assert CASES[name][1] in err
    assert row_counts()["archive_meeting"] == 1
