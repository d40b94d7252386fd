"""python manage.py fetch_records S/PV.8698 S/PV.8700-8710 ... | --since-last"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from archive.fetching import fetch_records, parse_symbols, record_url


class Command(BaseCommand):
    help = (
        "Download English verbatim-record PDFs from the UN's document system (RECORD_PDF_URL) and import "
        "them. Skips meetings already imported from their PDF unless --force."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "symbols",
            nargs="*",
            metavar="SYMBOL",
            help="S/PV.8698, 8698, a range S/PV.8700-8710 or 'S/PV.8699 (Resumption 1)'",
        )
        parser.add_argument(
            "--since-last",
            action="store_true",
            help="the meetings after the newest in the archive, until the first not published",
        )
        parser.add_argument("--force", action="store_true", help="fetch again meetings already imported from a PDF")
        parser.add_argument("--rate", type=float, help="seconds between requests (FETCH_RATE_SECONDS)")
        parser.add_argument("--retries", type=int, help="retries after a server error, time-out or truncated body")
        parser.add_argument("--limit", type=int, default=50, help="with --since-last, at most this many meetings")

    def handle(self, *args, **options) -> None:
        try:
            records = parse_symbols(options["symbols"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if not records and not options["since_last"]:
            raise CommandError("give meeting symbols or --since-last")
        if records:
            self.stdout.write(f"Fetching {len(records)} record(s), first from {record_url(records[0])}")
        summary = fetch_records(
            records,
            since_last=options["since_last"],
            force=options["force"],
            rate=options["rate"],
            retries=options["retries"],
            limit=options["limit"],
            progress=lambda symbol: self.stdout.write(f"  imported {symbol}"),
        )
        self.stdout.write(
            f"{len(summary.fetched)} fetched and imported, {len(summary.skipped)} already in the archive, "
            f"{len(summary.missing)} not published, {len(summary.errors)} failed."
        )
        if summary.errors:
            for error in summary.errors:
                self.stderr.write(self.style.ERROR(f"error: {error}"))
            raise CommandError(
                f"{len(summary.errors)} record(s) could not be fetched or imported; nothing of them was stored."
            )
