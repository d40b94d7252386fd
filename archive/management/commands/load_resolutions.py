"""python manage.py load_resolutions PATH [PATH ...]: the resolution registry from resolution texts."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from archive.importing import import_resolutions, resolution_files
from archive.models import Resolution
from archive.parsing import ParseError


class Command(BaseCommand):
    help = "Load Security Council resolution texts (S-RES-<n>(<year>).txt) into the registry."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--keep-going", action="store_true")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **options) -> None:
        try:
            total = len(resolution_files(options["paths"]))
        except ParseError as exc:
            raise CommandError(str(exc)) from exc
        bar = tqdm(
            total=total, unit="file", file=sys.stderr, disable=options["no_progress"] or None, desc="Resolutions"
        )
        summary = import_resolutions(
            options["paths"], keep_going=options["keep_going"], progress=lambda n, _label: bar.update(n)
        )
        bar.close()
        self.stdout.write(
            f"{summary.loaded} resolution texts loaded, {summary.references} references between resolutions; "
            f"registry holds {Resolution.objects.count()} resolutions "
            f"({Resolution.objects.filter(text_in_archive=True).count()} with text)."
        )
        if summary.errors:
            for error in summary.errors:
                self.stderr.write(self.style.ERROR(f"error: {error}"))
            raise CommandError(f"{len(summary.errors)} file(s) could not be loaded.")
