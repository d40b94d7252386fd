"""python manage.py export_archive --format jsonl|csv --output DIR [--no-progress]

Dumps the whole archive for bulk download into DIR: ``statements.<fmt>`` (one row per
statement with its meeting, speaker, delegation, role, language, date, text and citations),
``meetings.<fmt>`` and ``resolutions.<fmt>``. Rows are streamed from the database, so memory
stays flat however large the archive; each file is written beside its final name and renamed
when complete."""

from __future__ import annotations

import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from archive.models import Meeting, Resolution, Statement
from archive.opendata import exports


class Command(BaseCommand):
    help = "Dump every statement, meeting and resolution as JSON Lines or CSV files into a folder."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["jsonl", "csv"], required=True)
        parser.add_argument("--output", required=True, help="folder to write the files into (made if missing)")
        parser.add_argument("--no-progress", action="store_true", help="no progress bars")

    def handle(self, *args, **options) -> None:
        fmt = options["format"]
        folder = Path(options["output"])
        if folder.exists() and not folder.is_dir():
            raise CommandError(f"{folder} is a file; --output takes a folder")
        folder.mkdir(parents=True, exist_ok=True)
        base_url = settings.SITE_URL
        quiet = options["no_progress"] or None
        jobs = [
            (
                "statements",
                Statement.objects.count(),
                lambda bar: exports.statement_export(fmt, exports.all_statements(), base_url, progress=bar.update),
            ),
            (
                "meetings",
                Meeting.objects.count(),
                lambda bar: exports.encode(
                    fmt,
                    exports.counted((exports.meeting_row(m, base_url) for m in exports.all_meetings()), bar.update),
                    exports.MEETING_FIELDS,
                ),
            ),
            (
                "resolutions",
                Resolution.objects.count(),
                lambda bar: exports.encode(
                    fmt,
                    exports.counted(
                        (exports.resolution_row(r, base_url) for r in exports.all_resolutions()), bar.update
                    ),
                    exports.RESOLUTION_FIELDS,
                ),
            ),
        ]
        for name, total, lines in jobs:
            path = folder / f"{name}.{fmt}"
            partial = path.with_name(path.name + ".partial")
            with tqdm(total=total, unit=name[:-1], desc=name, file=sys.stderr, disable=quiet) as bar:
                with partial.open("w", encoding="utf-8", newline="") as out:
                    for block in exports.blocks(lines(bar)):
                        out.write(block)
            partial.replace(path)
            self.stdout.write(f"{path}: {bar.n} {name}")
