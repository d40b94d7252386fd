"""python manage.py rebuild_search_index [--no-progress]

Builds a complete new index beside the live one and swaps it in atomically: searches go on
against the old index until the new one is whole. Use this instead of haystack's rebuild_index."""

from __future__ import annotations

import sys
import time

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from archive.models import Statement
from archive.search import upkeep
from archive.search.engine import get_backend


class Command(BaseCommand):
    help = "Rebuild the full-text index aside, then swap it in (readers never see a half-built index)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")
        parser.add_argument(
            "--procs",
            type=int,
            help=f"worker processes (default: 2 on two or more cores from {upkeep.PARALLEL_FROM} statements, else 1)",
        )

    def handle(self, *args, **options) -> None:
        for folder in get_backend().clean_leftovers():
            self.stderr.write(f"Removed {folder}, left by a rebuild that did not finish")
        total = Statement.objects.count()
        bar = tqdm(
            total=total, unit="statement", file=sys.stderr, disable=options["no_progress"] or None, desc="Indexing"
        )
        started = time.perf_counter()
        with bar:
            count = upkeep.rebuild(progress=bar.update, procs=options["procs"])
        seconds = time.perf_counter() - started
        rate = count / seconds if seconds else 0
        self.stdout.write(
            f"Indexed {count} statements in {seconds:.1f} s ({rate:.0f}/s) into {get_backend().index_path}"
        )
