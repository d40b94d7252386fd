"""Golden files for whole verbatim records: tests/fixtures/golden/<record>.expected.json.

Each file holds what the parser made of one real record from ../shared/data/unsc-2020/meetings:
the cover page, and per statement its order, label as printed, speaker, delegation, role,
language, word count, the first and last words and a SHA-1 of the text. A change in parsing
shows as a readable diff. After a deliberate change, regenerate and review the diff:

    python tests/golden.py

Scanned records (../shared/data/other-eras) have theirs in tests/fixtures/golden-scans/. Their
tests replay the OCR stored in tests/fixtures/ocr/ (Tesseract's words for every page), so they
run in a second; a test reads a page through Tesseract and compares it with the stored words.
After a Tesseract upgrade, read the pages again:

    python tests/golden.py --ocr
"""

from __future__ import annotations

import gzip
import hashlib
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archive.parsing import ParsedMeeting, parse_path  # noqa: E402

GOLDEN = ROOT / "tests" / "fixtures" / "golden"
MEETINGS = ROOT.parent / "shared" / "data" / "unsc-2020" / "meetings"
OTHER_ERAS = ROOT.parent / "shared" / "data" / "other-eras"
SCAN_GOLDEN = ROOT / "tests" / "fixtures" / "golden-scans"
OCR_CACHE = ROOT / "tests" / "fixtures" / "ocr"


def summary(meeting: ParsedMeeting) -> dict:
    data = meeting.as_dict()
    statements = []
    for s in meeting.statements:
        words = s.text.split()
        statements.append(
            {
                "order": s.order,
                "speaker_label": s.speaker_label,
                "speaker": s.speaker,
                "delegation": s.delegation,
                "role": s.role,
                "language": s.language,
                "national_capacity": s.national_capacity,
                "paragraphs": len(s.paragraphs),
                "words": len(words),
                "starts": " ".join(words[:12]),
                "ends": " ".join(words[-8:]),
                "sha1": hashlib.sha1(s.text.encode()).hexdigest(),
            }
            | ({"ocr_confidence": s.ocr_confidence} if s.ocr_confidence is not None else {})
        )
    data["statements"] = statements
    return data


def golden_name(path: Path) -> str:
    return f"{path.stem}.{path.suffix.lstrip('.')}.expected.json"


def sources() -> list[Path]:
    return sorted((MEETINGS / "pdf").glob("*.pdf")) + sorted((MEETINGS / "text").glob("*.txt"))


def scanned_sources() -> list[Path]:
    return sorted(OTHER_ERAS.glob("*.pdf"))


def ocr_cache(path: Path) -> Path:
    return OCR_CACHE / f"{path.stem}.tsv.json.gz"


def compact_tsv(tsv: str) -> str:
    """Tesseract's TSV with only the rows of words (level 5), confidences rounded."""
    rows = tsv.splitlines()
    out = rows[:1]
    for row in rows[1:]:
        cells = row.split("\t")
        if cells[0] == "5" and len(cells) >= 12 and cells[11].strip():
            cells[10] = f"{float(cells[10]):.0f}"
            out.append("\t".join(cells))
    return "\n".join(out) + "\n"


def write_ocr_cache(path: Path) -> None:
    """Read every page of a scanned record through Tesseract and store the words."""
    import pypdfium2 as pdfium

    from archive.parsing.ocr import render_page, run_tesseract

    document = pdfium.PdfDocument(str(path))
    pages = []
    for index in range(len(document)):
        image, width, height = render_page(document[index])
        tsv = run_tesseract(image, path=str(path), page=index + 1)
        pages.append({"page": index + 1, "width": width, "height": height, "tsv": compact_tsv(tsv)})
    document.close()
    OCR_CACHE.mkdir(parents=True, exist_ok=True)
    with gzip.open(ocr_cache(path), "wt", encoding="utf-8", compresslevel=9) as fh:
        json.dump(pages, fh, separators=(",", ":"))


@contextmanager
def replayed_ocr(path: Path) -> Iterator[None]:
    """Parse ``path`` with the stored OCR of its pages in place of Tesseract."""
    from archive.parsing import ocr

    with gzip.open(ocr_cache(path), "rt", encoding="utf-8") as fh:
        pages = json.load(fh)

    def replay(page, number: int, *, path: str) -> ocr.OcrPage:
        stored = pages[number - 1]
        return ocr.parse_tsv(stored["tsv"], width=stored["width"], height=stored["height"])

    original = ocr.tesseract_page
    ocr.tesseract_page = replay
    try:
        yield
    finally:
        ocr.tesseract_page = original


def write_scan_goldens(*, read_again: bool) -> None:
    SCAN_GOLDEN.mkdir(parents=True, exist_ok=True)
    for path in scanned_sources():
        if read_again or not ocr_cache(path).exists():
            write_ocr_cache(path)
        with replayed_ocr(path):
            (meeting,) = parse_path(path)
        target = SCAN_GOLDEN / golden_name(path)
        target.write_text(json.dumps(summary(meeting), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"{path.name}: {len(meeting.statements)} statements (OCR) -> {target.relative_to(ROOT)}")


def main() -> int:
    write_scan_goldens(read_again="--ocr" in sys.argv[1:])
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for path in sources():
        (meeting,) = parse_path(path)
        target = GOLDEN / golden_name(path)
        target.write_text(json.dumps(summary(meeting), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"{path.name}: {len(meeting.statements)} statements -> {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
