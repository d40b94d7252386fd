"""python manage.py relink_citations [--refind]: link stored citations to the registry again."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from archive.importing import relink_citations


class Command(BaseCommand):
    help = (
        "Re-link every statement's citations to the resolution registry from the stored matches "
        "(text, number, year, offsets); --refind runs the citation finder again over the texts first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--refind", action="store_true", help="find the citations again in every statement")

    def handle(self, *args, **options) -> None:
        counts = relink_citations(refind=options["refind"])
        self.stdout.write(
            f"{counts['citations']} citations: {counts['linked']} linked, {counts['conflicts']} flagged "
            f"(printed year contradicts the registry); {counts['changed']} changed."
        )
