"""Resolution texts into the registry, with the resolutions they cite, and every statement
citation linked to the registry again (relink_citations)."""

from __future__ import annotations

import glob
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from archive.parsing import ParseError

from ..models import Citation, Meeting, Resolution, ResolutionReference, Statement
from .meetings import Writer, match_fields
from .quality import flag_statements
from .runs import import_lock


@dataclass
class ResolutionSummary:
    loaded: int = 0
    references: int = 0
    errors: list[str] = field(default_factory=list)


def resolution_files(paths: Iterable[str]) -> list[Path]:
    """The files the paths name, each once (a folder and a pattern over it may name a file twice:
    read twice, its references were stored twice)."""
    files: list[Path] = []
    for raw in paths:
        matches = sorted(glob.glob(raw)) if any(ch in raw for ch in "*?[") else [raw]
        for match in matches:
            p = Path(match)
            if p.is_dir():
                files.extend(sorted(c for c in p.rglob("*.txt") if c.is_file()))
            elif p.exists():
                files.append(p)
            else:
                raise ParseError("no such file or folder", path=raw)
    return list({p.resolve(): p for p in files}.values())


@import_lock("load_resolutions")
def import_resolutions(
    paths: Iterable[str], *, keep_going: bool = False, progress: Callable[[int, str], None] | None = None
) -> ResolutionSummary:
    """Load resolution texts into the registry, then their references to other resolutions, then
    re-link every statement citation against the registry (years checked)."""
    from archive.parsing.resolutions import parse_resolution_file

    summary = ResolutionSummary()
    parsed = []
    for path in resolution_files(paths):
        try:
            parsed.append(parse_resolution_file(path))
        except ParseError as exc:
            summary.errors.append(str(exc.located(str(path))))
            if not keep_going:
                return summary
        if progress:
            progress(1, path.name)
    sources: dict[int, str] = {}
    for res in parsed:
        if res.number in sources:
            summary.errors.append(f"{res.source_name}: resolution {res.number} is also in {sources[res.number]}")
            return summary
        sources[res.number] = res.source_name
    meetings = {m.number: m for m in Meeting.objects.filter(resumption__isnull=True, number__isnull=False)}
    with transaction.atomic():
        existing = {r.number: r for r in Resolution.objects.all()}
        for res in parsed:
            row = existing.get(res.number) or Resolution(number=res.number)
            row.year = res.year
            row.text = res.text
            row.text_in_archive = True
            row.source_name = res.source_name
            row.adopted_on = res.adopted_on or row.adopted_on
            row.adopting_meeting_number = res.meeting_number or row.adopting_meeting_number
            if row.adopting_meeting_id is None and row.adopting_meeting_number in meetings:
                row.adopting_meeting = meetings[row.adopting_meeting_number]
            row.save()
            existing[res.number] = row
        summary.loaded = len(parsed)
        writer = Writer()
        loaded = [existing[res.number] for res in parsed]
        ResolutionReference.objects.filter(citing__in=loaded).delete()
        refs = []
        for res in parsed:
            for c in res.citations:
                refs.append(
                    ResolutionReference(
                        citing=existing[res.number],
                        cited=writer.resolution(c.number, c.year),
                        **match_fields(c),
                    )
                )
        ResolutionReference.objects.bulk_create(refs, batch_size=1000)
        summary.references = len(refs)
    relink_citations()
    return summary


@import_lock("relink_citations")
def relink_citations(*, refind: bool = False) -> dict[str, int]:
    """Link every stored citation to the registry again, from its stored number and year.

    ``refind``: first run the citation finder again over every statement's text (after a better
    finder), replacing the stored matches. Placeholder entries (text not in the archive) take the
    year most often printed for them; a printed year that contradicts the registry is flagged and
    not linked.
    """
    from collections import Counter

    from archive.citations import find_citations

    with transaction.atomic():
        writer = Writer()
        if refind:
            Citation.objects.all().delete()
            rows = []
            for statement in Statement.objects.only("pk", "text", "chrono").iterator(chunk_size=500):
                rows.extend(writer.citation_rows(statement, find_citations(statement.text)))
                if len(rows) > 5000:
                    Citation.objects.bulk_create(rows, batch_size=1000)
                    rows = []
            Citation.objects.bulk_create(rows, batch_size=1000)
        printed: dict[int, Counter] = {}
        for number, year in Citation.objects.values_list("number", "year_printed"):
            if year:
                printed.setdefault(number, Counter())[year] += 1
        for resolution in Resolution.objects.filter(text_in_archive=False, adopting_meeting__isnull=True):
            years = printed.get(resolution.number)
            if years:
                year = years.most_common(1)[0][0]
                if resolution.year != year:
                    resolution.year = year
                    resolution.save(update_fields=["year"])
        registry = {r.number: r for r in Resolution.objects.all()}
        changed = []
        counts = {"linked": 0, "conflicts": 0, "citations": 0}
        for citation in Citation.objects.all().iterator(chunk_size=2000):
            resolution = registry.get(citation.number) or writer.resolution(citation.number, citation.year_printed)
            registry[citation.number] = resolution
            conflict = resolution.year_contradicted_by(citation.year_printed)
            target = None if conflict else resolution.pk
            if citation.resolution_id != target or citation.year_conflict != conflict:
                citation.resolution_id = target
                citation.year_conflict = conflict
                changed.append(citation)
            counts["citations"] += 1
            counts["conflicts" if conflict else "linked"] += 1
        Citation.objects.bulk_update(changed, ["resolution", "year_conflict"], batch_size=1000)
        counts["changed"] = len(changed)
        flagged = Statement.objects.filter(
            pk__in=Citation.objects.filter(year_conflict=True).values("statement_id")
        ) | Statement.objects.filter(flags__reason="citation_year")
        flag_statements(flagged.distinct())
        from ..stats import refresh_summaries

        refresh_summaries()  # counts, and a new version for what is cached from them
        return counts
