"""python manage.py load_vetoes CSV: the veto list (one row per vetoed draft) into VetoedDraft."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from archive.importing import import_vetoes
from archive.models import VetoedDraft
from archive.parsing import ParseError


class Command(BaseCommand):
    help = "Load the list of vetoed draft resolutions (unsc_vetoes_1946_sept2022.csv) and link them to meetings."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", metavar="CSV")

    def handle(self, *args, **options) -> None:
        try:
            summary = import_vetoes(options["path"])
        except (ParseError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{summary.rows} vetoed drafts read ({summary.created} new), {summary.linked} linked to a meeting "
            f"held in the archive; {VetoedDraft.objects.count()} vetoed drafts in the archive."
        )
