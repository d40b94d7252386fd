"""How fast a scanned record is read through OCR, and how long its whole import takes.

    python bench/ocr_speed.py [PDF]      # default ../shared/data/unsc-2020/meetings/pdf/S_PV.8702_E.pdf

Makes a scan of the record (every page an image at 200 dpi, turned 0.4 degrees, with noise; no
text layer: :func:`scanned_copy`), then imports it into a fresh SQLite database in a temporary
directory (or DATABASE_URL if set) through the service `manage.py import_records` uses. Prints
the pages, the OCR pages per minute, the whole import in seconds, and the machine's load. Also
prints whether the scan split into the same statements (delegation, role, language) as the PDF,
and how many speaker names OCR read exactly as the PDF prints them.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pypdfium2 as pdfium  # noqa: E402


def scanned_copy(
    source: Path, pages: list[int] | None, target: Path, *, seed: int, dpi: int = 200, fill: float = 1.0
) -> int:
    """A record as a scanner gives it: each page an image at ``dpi``, turned 0.4 degrees and
    shifted, with one pixel in 300 flipped to black or white; no text layer. ``fill`` below 1 sets
    the image smaller than the page, with margins. Returns the pages."""
    rng = random.Random(seed)
    with pdfium.PdfDocument(str(source)) as document:
        scan = pdfium.PdfDocument.new()
        indices = list(range(len(document))) if pages is None else pages
        for index in indices:
            page = document[index]
            width, height = page.get_size()
            bitmap = page.render(scale=dpi / 72, grayscale=True)
            buffer, size = bitmap.buffer, bitmap.stride * bitmap.height
            for _ in range(size // 300):
                buffer[rng.randrange(size)] = rng.choice((0, 255))
            image = pdfium.PdfImage.new(scan)
            image.set_bitmap(bitmap)
            margin_x, margin_y = width * (1 - fill) / 2, height * (1 - fill) / 2
            matrix = (
                pdfium.PdfMatrix().scale(width * fill, height * fill).rotate(0.4).translate(3 + margin_x, margin_y - 2)
            )
            image.set_matrix(matrix)
            new = scan.new_page(width, height)
            new.insert_obj(image)
            new.gen_content()
        scan.save(str(target))
        return len(indices)


def main(argv: list[str]) -> int:
    source = Path(argv[0]) if argv else ROOT.parent / "shared/data/unsc-2020/meetings/pdf/S_PV.8702_E.pdf"
    tmp = Path(tempfile.mkdtemp(prefix="ocr-bench-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from archive.importing import import_paths
    from archive.parsing import parse_path

    call_command("migrate", verbosity=0)
    scan = tmp / source.name.replace(".pdf", "_scan.pdf")
    pages = scanned_copy(source, None, scan, seed=8702)
    started = time.perf_counter()
    (scanned,) = parse_path(scan)
    parse_s = time.perf_counter() - started
    started = time.perf_counter()
    summary = import_paths([str(scan)])
    import_s = time.perf_counter() - started
    (typeset,) = parse_path(source)
    same = [(s.delegation, s.role, s.language) for s in scanned.statements] == [
        (s.delegation, s.role, s.language) for s in typeset.statements
    ]
    names = sum(a.speaker == b.speaker for a, b in zip(scanned.statements, typeset.statements, strict=False))
    load = os.getloadavg()
    print(f"record: {source.name} as a scan of {pages} pages (200 dpi, no text layer)")
    print(f"OCR + parse: {parse_s:.1f} s, {pages / parse_s * 60:.1f} pages per minute")
    print(
        f"whole import (OCR, parse, write): {import_s:.1f} s; {summary.statements_written} statements, errors {len(summary.errors)}"
    )
    print(
        f"statements {len(scanned.statements)} (PDF {len(typeset.statements)}); same delegations, roles, languages: "
        f"{same}; same speaker names: {names}/{len(typeset.statements)}"
    )
    print(f"load average: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores")
    return 0 if same and not summary.errors else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
