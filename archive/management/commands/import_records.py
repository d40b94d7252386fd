"""python manage.py import_records PATH [PATH ...] [--dry-run] [--keep-going]"""

from __future__ import annotations

import datetime as dt
import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from archive.importing import expand, import_paths
from archive.models import Delegation, Meeting, Speaker, Statement
from archive.parsing import ParseError


class Command(BaseCommand):
    help = (
        "Import verbatim records (PDF, pdftotext .txt, .gz), research-corpus folders and single "
        "statements. Takes files, folders and globs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--dry-run", action="store_true", help="parse and check, store nothing")
        parser.add_argument("--keep-going", action="store_true", help="go on with other files after an error")
        parser.add_argument("--symbol", help="meeting symbol for single statement files (S/PV.8027)")
        parser.add_argument("--date", type=dt.date.fromisoformat, help="meeting date for single statement files")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, **options) -> None:
        try:
            total = len(expand(options["paths"]))
        except ParseError as exc:
            raise CommandError(str(exc)) from exc
        bar = tqdm(
            total=total,
            unit="file",
            file=sys.stderr,
            disable=options["no_progress"] or None,
            desc="Importing",
        )

        def progress(n: int, label: str) -> None:
            bar.set_postfix_str(label[-40:], refresh=False)
            bar.update(n)

        summary = import_paths(
            options["paths"],
            dry_run=options["dry_run"],
            keep_going=options["keep_going"],
            symbol=options["symbol"],
            date=options["date"],
            progress=progress,
        )
        bar.close()
        out = self.stdout
        for outcome in summary.outcomes:
            if outcome.reader:
                out.write(f"  {outcome.title}: {outcome.action} from {outcome.reader}")
            if outcome.note:
                out.write(f"  {outcome.title}: {outcome.note}")
        for warning in summary.warnings:
            out.write(self.style.WARNING(f"  warning: {warning}"))
        verb = "would be" if summary.dry_run else "were"
        out.write(
            f"Meetings: {summary.count('created')} created, {summary.count('replaced')} replaced, "
            f"{summary.count('unchanged')} unchanged, {summary.count('skipped')} skipped "
            f"(a better source kept); {summary.statements_written} statements {verb} written."
        )
        out.write(
            f"Archive now holds {Meeting.objects.count()} meetings, {Statement.objects.count()} statements, "
            f"{Speaker.objects.count()} speakers, {Delegation.objects.count()} delegations; "
            f"{len(summary.warnings)} warnings, {len(summary.errors)} errors."
        )
        if summary.errors:
            for error in summary.errors:
                self.stderr.write(self.style.ERROR(f"error: {error}"))
            raise CommandError(f"{len(summary.errors)} file(s) could not be imported; nothing of them was stored.")
