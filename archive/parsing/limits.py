"""What one input may cost, and the checks every reader makes before (or while) it reads.

A breach is a ParseError naming the file (and the line where there is one), like any other input
the parser does not take, so ``--keep-going`` goes on with the next file. The limits sit far above
anything the UN publishes: the longest record text is under 2 MB, the longest PDF under 5 MB and
300 pages, the longest statement under 100,000 characters, a whole corpus table (1992-2020, every
speech's text inside) about 300 MB.
"""

from __future__ import annotations

import stat
import time
from pathlib import Path

from .model import ParseError

MB = 1024 * 1024
MAX_TEXT_BYTES = 16 * MB  # a record's text (a gzip file is never expanded past it)
MAX_STATEMENT_CHARS = 1_000_000  # one statement, whatever the reader
MAX_SPEECH_FILE_BYTES = 4 * MAX_STATEMENT_CHARS  # a corpus speech file (UTF-8: at most 4 bytes a character)
MAX_TABLE_BYTES = 1024 * MB  # speeches.jsonl or meta.tsv
MAX_TABLE_LINE_CHARS = MAX_SPEECH_FILE_BYTES + MB  # one row: a speech's text and its fields
MAX_PDF_BYTES = 64 * MB  # a record PDF, and a download
MAX_PDF_PAGES = 2000
MAX_PDF_SECONDS = 120.0  # reading one PDF's pages


def check_file_size(path: Path, limit: int, what: str) -> int:
    """The file's size, or ParseError when it is over ``limit`` or is not a regular file (checked
    before it is opened: a device such as /dev/zero says size 0 and never ends, and opening a FIFO
    waits for a writer for ever, holding the import lock)."""
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        raise ParseError(f"not a regular file (a device, a FIFO or a socket): {what} must be a file", path=str(path))
    size = info.st_size
    if size > limit:
        raise ParseError(f"file too large ({size} bytes; {what} may have at most {limit})", path=str(path))
    return size


def check_statement_length(text: str, *, path: str, line: int | None) -> str:
    if len(text) > MAX_STATEMENT_CHARS:
        raise ParseError(
            f"too long for one statement ({len(text)} characters; limit {MAX_STATEMENT_CHARS})", path=path, line=line
        )
    return text


def refuse_link(path: Path) -> Path:
    """Inside a corpus folder, a symbolic link could make any file on the machine a statement."""
    if path.is_symlink():
        raise ParseError("a symbolic link, not a file of the corpus: refused", path=str(path))
    return path


class Deadline:
    """A time budget for one file, checked between units of work (pages)."""

    def __init__(self, seconds: float, *, path: str) -> None:
        self.seconds = seconds
        self.path = path
        self.end = time.monotonic() + seconds

    def check(self, where: str) -> None:
        if time.monotonic() > self.end:
            raise ParseError(f"reading took over {self.seconds:g} s (stopped at {where})", path=self.path)
