"""What to import: paths, folders and globs expanded to sources (records before corpora, so the
better source of a meeting comes first), each parsed; and how a meeting's file was read."""

from __future__ import annotations

import glob
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from archive.parsing import ParsedMeeting, ParseError, parse_path
from archive.parsing.corpus import is_corpus_dir

RECORD_SUFFIXES = (".pdf", ".txt", ".gz")


READERS = {
    "pdf": "the PDF's text layer",
    "text": "its pdftotext text",
    "corpus": "the research corpus",
    "statement": "a single statement",
}


def reader_of(parsed: ParsedMeeting) -> str:
    """How a meeting's file was read, for the import report: "OCR of its page images (mean word
    confidence 88)" for a scan, else its text's kind ("the PDF's text layer"); then how many
    statements start on each page, so a page that gave none stands out."""
    if parsed.reader == "ocr":
        scores = [s.ocr_confidence for s in parsed.statements if s.ocr_confidence is not None]
        mean = f" (mean word confidence {sum(scores) / len(scores):.0f})" if scores else ""
        read = f"OCR of its page images{mean}"
    else:
        read = READERS.get(parsed.source_kind, parsed.source_kind)
    per_page = statements_per_page(parsed)
    return f"{read}; statements starting per page: {per_page}" if per_page else read


def statements_per_page(parsed: ParsedMeeting) -> str:
    """ "p. 2: 3, p. 3: 0, p. 4: 5" over the pages from the first statement's to the last's."""
    pages = [s.page for s in parsed.statements if s.page is not None]
    if not pages:
        return ""
    counts = Counter(pages)
    return ", ".join(f"p. {page}: {counts[page]}" for page in range(min(pages), max(pages) + 1))


@dataclass(frozen=True)
class Source:
    path: Path
    kind: str  # "record" (a file) or "corpus" (a folder)


def expand(paths: Iterable[str]) -> list[Source]:
    """Files, folders and globs -> sources, whole records before corpora (the better source
    first, so the corpus copy of a meeting is skipped without work)."""
    records: list[Source] = []
    corpora: list[Source] = []
    seen: set[Path] = set()

    def add_file(p: Path) -> None:
        key = resolved(p)
        if key in seen:
            return
        seen.add(key)
        if p.name in ("speeches.jsonl", "meta.tsv"):
            add_dir(p.parent)
        else:
            records.append(Source(p, "record"))

    def add_dir(d: Path) -> None:
        key = resolved(d)
        if key in seen:
            return
        seen.add(key)
        skip: Path | None = None
        if is_corpus_dir(d):
            corpora.append(Source(d, "corpus"))
            skip = d / "speeches"  # the corpus's own speech files, read through the table
        for child in sorted(d.iterdir()):
            if skip is not None and child == skip:
                continue
            if child.is_dir():
                add_dir(child)
            elif child.suffix.lower() in RECORD_SUFFIXES and not child.name.startswith("."):
                add_file(child)

    for raw in paths:
        matches = sorted(glob.glob(raw)) if any(ch in raw for ch in "*?[") else [raw]
        if not matches:
            raise ParseError("no file matches this pattern", path=raw)
        for match in matches:
            p = Path(match)
            if p.is_dir():
                found = len(records) + len(corpora)
                add_dir(p)
                if len(records) + len(corpora) == found:
                    raise ParseError("a folder with no record in it (.pdf, .txt, .gz or a corpus)", path=str(p))
            else:
                add_file(p)
    return records + corpora


def resolved(p: Path) -> Path:
    try:
        return p.resolve()
    except (OSError, RuntimeError) as exc:  # a symbolic link loop (RuntimeError before Python 3.13)
        raise ParseError(f"cannot follow this path ({exc})", path=str(p)) from exc


def parse_sources(
    sources: list[Source], *, symbol: str | None = None, date=None
) -> Iterator[tuple[Source, list[ParsedMeeting] | ParseError]]:
    for source in sources:
        try:
            yield source, parse_path(source.path, symbol=symbol, date=date)
        except ParseError as exc:
            yield source, exc.located(str(source.path))
