"""python manage.py check_counts [--fix]: every stored count and summary against the rows."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from archive.importing import check_counts


class Command(BaseCommand):
    help = (
        "Recompute every stored count and summary (statements per delegation, per delegation and year, "
        "per speaker and per meeting; citations per resolution) and report those that differ; exits "
        "non-zero when any differs. --fix writes the right values."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--fix", action="store_true", help="repair the counts that differ")

    def handle(self, *args, **options) -> None:
        differences = check_counts(fix=options["fix"])
        for difference in differences:
            self.stdout.write(str(difference))
        if not differences:
            self.stdout.write("Every stored count agrees with the rows.")
        elif options["fix"]:
            self.stdout.write(f"{len(differences)} stored counts differed; repaired.")
        else:
            raise CommandError(f"{len(differences)} stored counts differ from the rows (--fix repairs them).")
