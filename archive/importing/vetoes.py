"""The veto list loaded into VetoedDraft rows (one transaction), merged with the drafts the records
announce vetoed (written by ``meetings.Writer``) and linked to the meeting of the vote when the
archive holds it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from archive.parsing.vetoes import read_vetoes

from ..models import Meeting, VetoedDraft
from .identities import Identities
from .runs import import_lock


@dataclass
class VetoSummary:
    rows: int = 0
    created: int = 0
    linked: int = 0  # rows whose meeting the archive holds
    errors: list[str] = field(default_factory=list)


@import_lock("load_vetoes")
def import_vetoes(path: str | Path) -> VetoSummary:
    """Load the veto list at ``path``: one VetoedDraft per row (a draft listed twice on one day,
    as early rows give a meeting for the draft, gets "-2", "-3" after its slug, in file order).
    Reloading updates the rows in place; a draft a record announced keeps its vote and text."""
    path = Path(path)
    rows = read_vetoes(path)
    summary = VetoSummary(rows=len(rows))
    identities = Identities()
    with transaction.atomic():
        symbols = {s for row in rows for s in row.meeting_records}
        meetings = {
            m.symbol: m
            for m in Meeting.objects.filter(symbol__in=symbols, resumption__isnull=True).only("pk", "symbol")
        }
        seen: dict[str, int] = {}
        for row in rows:
            base = VetoedDraft.make_slug(row.draft)
            seen[base] = seen.get(base, 0) + 1
            slug = base if seen[base] == 1 else f"{base}-{seen[base]}"
            meeting = next((meetings[s] for s in row.meeting_records if s in meetings), None)
            draft, created = VetoedDraft.objects.update_or_create(
                slug=slug,
                defaults={
                    "draft": row.draft,
                    "date": row.date,
                    "meeting_records": list(row.meeting_records),
                    "subject": row.subject,
                    "topic": row.topic,
                    "region": row.region,
                    "vetoed_by_printed": list(row.members),
                    "source_name": f"{path.name}:{row.line}",
                },
            )
            if meeting is not None and draft.meeting_id is None:
                draft.meeting = meeting
                draft.save(update_fields=["meeting"])
            members = [
                identities.delegation(name, key, source=path.name, line=row.line)
                for name, key in zip(row.members, row.member_keys, strict=True)
            ]
            draft.vetoed_by.set([d for d in members if d is not None])
            summary.created += created
            summary.linked += draft.meeting_id is not None
    return summary
