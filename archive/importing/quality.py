"""Data quality at import: statements flagged for a reader to check, and the hand corrections
that survive re-import (applied again after each write, or at once after a correction)."""

from __future__ import annotations

from django.db import transaction

from archive.parsing.identity import UNLABELLED

from ..models import Correction, Meeting, Statement, StatementFlag
from ..stats import Touched
from .identities import Identities

# A scanned statement whose OCR words average below this confidence (0 – 100) is flagged: its
# text and label may be misread. Tesseract gives 90+ for clean print; the 1950 scans 80 – 90.
OCR_CONFIDENCE_FLOOR = 80


def apply_corrections(meeting: Meeting) -> int:
    """Re-apply the hand corrections of this meeting's statements (they survive re-import). A
    correction whose statement now carries another label is not applied."""
    applied = 0
    corrections = {c.order: c for c in Correction.objects.filter(meeting_slug=meeting.slug)}
    if not corrections:
        return 0
    writer = None
    for statement in Statement.objects.filter(meeting=meeting, order__in=corrections):
        correction = corrections[statement.order]
        if correction.speaker_label != statement.speaker_label:
            continue
        if correction.delegation_id:
            statement.delegation_id = correction.delegation_id
        if correction.speaker_name:
            writer = writer or Identities()
            statement.speaker = writer.speaker(correction.speaker_name, correction.delegation or statement.delegation)
        statement.save(update_fields=["delegation", "speaker"])
        applied += 1
    return applied


def correct_meeting(meeting: Meeting) -> int:
    """After a hand correction of one of this meeting's statements: apply its corrections, flag
    its statements again, refresh the stored counts and re-index the meeting, so the page, the
    search index and the counts agree at once. Returns the corrections applied."""
    from archive.search.upkeep import index_meetings

    with transaction.atomic():
        touched = Touched()  # the delegations and speakers before and after: only their counts move
        touched.add(meeting)
        applied = apply_corrections(meeting)
        flag_statements(Statement.objects.filter(meeting=meeting))
        touched.add(meeting)
        touched.refresh()
    index_meetings([meeting.pk])
    return applied


def flag_statements(statements) -> None:
    """Recompute the data-quality flags of these statements."""
    statements = list(statements.select_related("delegation", "meeting").prefetch_related("citations"))
    StatementFlag.objects.filter(statement__in=statements).delete()
    slugs = {s.meeting.slug for s in statements}
    corrected = set(Correction.objects.filter(meeting_slug__in=slugs).values_list("meeting_slug", "order"))
    flags = []
    for s in statements:
        if (s.meeting.slug, s.order) in corrected:
            pass
        elif s.delegation is not None and s.delegation.kind == "unknown":
            flags.append(StatementFlag(statement=s, reason="unknown_delegation", detail=s.delegation_as_printed[:300]))
        elif s.delegation_id is None and s.role != "president":
            flags.append(StatementFlag(statement=s, reason="unplaced_speaker", detail=s.speaker_label[:300]))
        if s.speaker_label == UNLABELLED:
            flags.append(StatementFlag(statement=s, reason="unlabelled"))
        if s.ocr_confidence is not None and s.ocr_confidence < OCR_CONFIDENCE_FLOOR:
            detail = f"mean OCR word confidence {s.ocr_confidence:.0f} (below {OCR_CONFIDENCE_FLOOR})"
            flags.append(StatementFlag(statement=s, reason="low_ocr_confidence", detail=detail))
        for c in s.citations.all():
            if c.year_conflict:
                flags.append(StatementFlag(statement=s, reason="citation_year", detail=c.text[:300]))
    StatementFlag.objects.bulk_create(flags, batch_size=1000)
