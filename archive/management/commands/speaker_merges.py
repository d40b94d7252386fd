"""python manage.py speaker_merges [--output FILE]: every printed form joined to a person after its
first, with the evidence (automatic rule or hand decision), one tab-separated line each."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from archive.importing import merge_report


class Command(BaseCommand):
    help = (
        "Print (or write to --output) every form of a name the archive joined to a speaker after the "
        "first: speaker slug, delegation, form as printed, evidence, and whether a person decided it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, help="write the report to this file instead")

    def handle(self, *args, **options) -> None:
        rows = merge_report()
        lines = ["speaker\tdelegation\tform\tdecided\tevidence"]
        lines += [
            f"{r.speaker}\t{r.delegation}\t{r.form}\t{'by hand' if r.by_hand else 'rule'}\t{r.evidence}" for r in rows
        ]
        text = "\n".join(lines) + "\n"
        if options["output"]:
            options["output"].write_text(text, encoding="utf-8")
            self.stdout.write(f"{len(rows)} merged forms written to {options['output']}")
        else:
            self.stdout.write(text, ending="")
