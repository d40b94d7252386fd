"""python manage.py repair_search_index [--dry-run]

Compares the database with the index (each statement's identifier and freshness stamp) and fixes
the difference: adds what is missing, replaces what is stale, removes what the database no longer has."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from archive.search import upkeep


class Command(BaseCommand):
    help = "Compare database and search index; add missing, replace stale and remove orphaned documents."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="report the difference, change nothing")

    def handle(self, *args, **options) -> None:
        result = upkeep.repair(dry_run=options["dry_run"])
        verb = "would be" if options["dry_run"] else "were"
        self.stdout.write(
            f"Database: {result.in_database} statements; index: {result.in_index} documents. "
            f"{result.missing} missing, {result.stale} stale and {result.orphaned} orphaned documents {verb} fixed."
        )
