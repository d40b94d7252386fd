"""Writing one meeting: its row, Council seats, statements, citations and adoptions in one
transaction, with the stored counts of what it names kept in step (Touched)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from archive.parsing import ParsedMeeting, ParsedStatement, ParseError
from archive.parsing.identity import label_name
from archive.parsing.roles import title_kind
from archive.parsing.votes import stored_vote

from ..models import (
    SOURCE_RANK,
    AgendaItem,
    Citation,
    CouncilSeat,
    Meeting,
    Resolution,
    Statement,
    StatementAlias,
    VetoedDraft,
    chrono_key,
)
from ..stats import Touched
from .agenda import file_meeting, store_council_items
from .identities import Identities
from .quality import apply_corrections, flag_statements
from .sources import reader_of

PARSER_VERSION = "6"  # 3: other eras, OCR; 4: corpus rows with no name printed, language notes as country; 5: chairs, titles, invitations; 6: votes and decisions in running text, written procedure, vetoes


@dataclass
class MeetingOutcome:
    title: str
    action: str  # "created", "replaced", "unchanged", "skipped"
    statements: int
    source: str
    note: str = ""
    reader: str = ""  # how the file was read: "the PDF's text layer", "OCR of its page images", ...
    warnings: tuple[str, ...] = ()  # what writing found odd (an agenda title matching no item)


# Statement ids come from a sequence, so on PostgreSQL an import that commits late can hold ids
# lower than ones already visible. Alerts remember "the highest id sent"; to make that safe, every
# meeting's transaction holds a shared advisory lock, and ``settled_statement_id()`` takes it
# exclusively for an instant: then no write is in flight and every id up to the maximum it reads
# is committed. (SQLite has one writer at a time, so its ids are committed in order already.)
STATEMENT_WRITES_LOCK = 0x5C_A2C1  # any constant the project owns


def hold_statement_writes() -> None:
    """Inside a meeting's transaction: writes in flight, released at commit or rollback."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock_shared(%s)", [STATEMENT_WRITES_LOCK])


def settled_statement_id() -> int:
    """The highest statement id below which every statement is committed (none still in flight)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [STATEMENT_WRITES_LOCK])
        return Statement.objects.aggregate(top=Max("pk"))["top"] or 0


def meeting_checksum(parsed: ParsedMeeting) -> str:
    data = parsed.as_dict()
    data.pop("source", None)
    payload = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(f"{PARSER_VERSION}\n{parsed.source_kind}\n{payload}".encode()).hexdigest()


def match_fields(citation) -> dict[str, object]:
    """Where and how a resolution is cited, as stored on a Citation or a ResolutionReference: the
    number and year printed, the matched text and its offsets, the paragraphs named."""
    return {
        "number": citation.number,
        "year_printed": citation.year,
        "text": citation.text[:300],
        "start": citation.start,
        "end": citation.end,
        "paragraphs": list(citation.paragraphs),
    }


class Writer(Identities):
    """Writes parsed meetings; caches delegations, speakers and resolutions over one import run."""

    def __init__(self) -> None:
        super().__init__()
        self.resolutions: dict[int, Resolution] = {r.number: r for r in Resolution.objects.all()}

    # -- resolutions
    def resolution(self, number: int, year: int | None) -> Resolution:
        """The registry entry, or a numbered entry whose text is not in the archive."""
        resolution = self.resolutions.get(number)
        if resolution is None:
            resolution, _ = Resolution.objects.get_or_create(number=number, defaults={"year": year})
            self.resolutions[number] = resolution
        return resolution

    def citation_rows(self, statement: Statement, citations) -> list[Citation]:
        rows = []
        for c in citations:
            resolution = self.resolution(c.number, c.year)
            conflict = resolution.year_contradicted_by(c.year)
            rows.append(
                Citation(
                    statement=statement,
                    resolution=None if conflict else resolution,
                    **match_fields(c),
                    year_conflict=conflict,
                    chrono=statement.chrono,
                )
            )
        return rows

    # -- meetings
    def write(self, parsed: ParsedMeeting, *, dry_run: bool = False) -> MeetingOutcome:
        title = parsed.symbol + (f" (Resumption {parsed.resumption})" if parsed.resumption else "")
        if not parsed.symbol or parsed.date is None:
            raise ParseError(
                f"{parsed.source_name}: meeting symbol and date are required to import "
                "(give --symbol and --date for a single statement)"
            )
        checksum = meeting_checksum(parsed)
        try:
            with transaction.atomic():
                hold_statement_writes()
                outcome = self._write(parsed, title, checksum)
                if dry_run:
                    transaction.set_rollback(True)
        finally:
            if dry_run:  # the caches may hold rows that were rolled back
                self.__init__()
        return outcome

    def _write(self, parsed: ParsedMeeting, title: str, checksum: str) -> MeetingOutcome:
        existing = (
            Meeting.objects.select_for_update()
            .filter(slug=Meeting.make_slug(parsed.symbol, parsed.number, parsed.resumption))
            .first()
        )
        count = len(parsed.statements)
        touched = Touched()
        if existing is not None:
            if SOURCE_RANK[existing.source_kind] > SOURCE_RANK[parsed.source_kind]:
                return MeetingOutcome(
                    title,
                    "skipped",
                    0,
                    parsed.source_kind,
                    f"kept {existing.source_kind} {existing.source_name} over {parsed.source_kind} {parsed.source_name}",
                )
            if existing.source_checksum == checksum:
                return MeetingOutcome(title, "unchanged", 0, parsed.source_kind)
            touched.add(existing)
        presidency = self.delegation(parsed.presidency, parsed.presidency_key, source=parsed.source_name)
        serialised = parsed.as_dict()  # the one serialisation of agenda, stage directions, votes
        # The list's rows, read (and written when the list changed) in this meeting's transaction:
        # one query, and never a row that a failed meeting before it rolled back.
        filed = file_meeting(serialised["agenda"], parsed.topic, store_council_items(AgendaItem))
        warnings = [*parsed.warnings, *([filed.warning] if filed.warning else [])]
        fields = {
            "number": parsed.number,
            "slug": Meeting.make_slug(parsed.symbol, parsed.number, parsed.resumption),
            "date": parsed.date,
            "start_time": parsed.start_time or "",
            "place": parsed.place or "",
            "council_year": parsed.council_year or "",
            "president_name": parsed.president or "",
            "presidency": presidency,
            "topic": (parsed.topic or "")[:500],
            **filed.fields,
            **{name: serialised[name] for name in ("agenda", "stage_directions", "votes", "invitations")},
            "warnings": warnings,
            "statement_count": len(parsed.statements),
            "source_kind": parsed.source_kind,
            "source_name": parsed.source_name,
            "read_by_ocr": parsed.reader == "ocr",
            "source_checksum": checksum,
            "imported_at": timezone.now(),
        }
        replaced_note = ""
        if existing is None:
            meeting = Meeting.objects.create(symbol=parsed.symbol, resumption=parsed.resumption, **fields)
            action = "created"
        else:
            if existing.source_kind != parsed.source_kind:
                replaced_note = f"replaced {existing.source_kind} {existing.source_name} with {parsed.source_kind}"
            for name, value in fields.items():
                setattr(existing, name, value)
            existing.save()
            meeting = existing
            action = "replaced"
        self._write_seats(meeting, parsed)
        self._write_statements(meeting, parsed)
        self._write_adoptions(meeting, parsed)
        self._write_vetoes(meeting, parsed)
        apply_corrections(meeting)
        flag_statements(Statement.objects.filter(meeting=meeting))
        touched.add(meeting)
        touched.refresh()
        return MeetingOutcome(
            title, action, count, parsed.source_kind, replaced_note, reader_of(parsed), warnings=tuple(warnings)
        )

    @staticmethod
    def _moved_orders(current: dict[int, Statement], parsed: ParsedMeeting) -> dict[int, int]:
        """Old order -> new order for statements a re-import renumbered (same label, same opening),
        so their old URLs redirect."""
        if not current:
            return {}

        def key(label: str, text: str) -> tuple[str, str]:
            return (label, " ".join(text.split()[:40]))

        new = {}
        for s in parsed.statements:
            new.setdefault(key(s.speaker_label, s.text), s.order)
        moved = {}
        for order, row in current.items():
            target = new.get(key(row.speaker_label, row.text))
            if target is not None and target != order:
                moved[order] = target
        return moved

    def _write_adoptions(self, meeting: Meeting, parsed: ParsedMeeting) -> None:
        """Each resolution the meeting adopted (or, for a 2020 letter, reports adopted by written
        procedure) is linked to it, with its vote; statements after ``vote_position`` explain it."""
        for adoption in parsed.adoptions:
            resolution = self.resolution(adoption.number, adoption.year)
            resolution.adopting_meeting = meeting
            resolution.adopting_meeting_number = meeting.number
            resolution.adopted_on = resolution.adopted_on or meeting.date
            if not resolution.text_in_archive:  # the record's year outranks one guessed from citations
                resolution.year = adoption.year or resolution.year
            resolution.vote_position = adoption.order
            vote = stored_vote(
                adoption.vote,
                adoption.tally,
                meeting.date,
                unanimous=adoption.unanimous,
                procedure=adoption.procedure,
                draft=adoption.draft,
            )
            if vote or not resolution.vote:
                resolution.vote = vote
            resolution.save()

    def _write_vetoes(self, meeting: Meeting, parsed: ParsedMeeting) -> None:
        """Drafts the meeting saw vetoed (a vote stage direction or the text announcing it), merged
        with the veto list's row for the same draft; and the list's rows waiting for this meeting."""
        for rejection in parsed.rejections:
            if not rejection.vetoed:
                continue
            slug = VetoedDraft.make_slug(rejection.draft or f"{meeting.slug}-{rejection.order}")
            draft, created = VetoedDraft.objects.get_or_create(
                slug=slug,
                defaults={"draft": rejection.draft or "", "date": meeting.date, "source_name": meeting.source_name},
            )
            draft.meeting = meeting
            draft.meeting_records = draft.meeting_records or [meeting.symbol]
            draft.subject = draft.subject or (parsed.agenda[0].title if parsed.agenda else meeting.topic)
            draft.vote = stored_vote(
                rejection.vote, rejection.tally, meeting.date, procedure=rejection.procedure, draft=rejection.draft
            )
            draft.vote_position = rejection.order
            draft.text = rejection.text
            draft.save()
            if created or not draft.vetoed_by.exists():
                members = [self.delegation(key, key, source=meeting.source_name) for key in rejection.vetoed_by]
                draft.vetoed_by.set([d for d in members if d is not None])
        waiting = VetoedDraft.objects.filter(meeting__isnull=True).only("pk", "meeting_records")
        ids = [d.pk for d in waiting if meeting.symbol in d.meeting_records and meeting.resumption is None]
        if ids:
            VetoedDraft.objects.filter(pk__in=ids).update(meeting=meeting)

    def _write_seats(self, meeting: Meeting, parsed: ParsedMeeting) -> None:
        CouncilSeat.objects.filter(meeting=meeting).delete()
        seats = []
        seen: set[int] = set()
        for member in parsed.members:
            delegation = self.delegation(member.delegation, member.delegation_key, source=parsed.source_name)
            if delegation is None or delegation.pk in seen:
                continue
            seen.add(delegation.pk)
            seats.append(CouncilSeat(meeting=meeting, delegation=delegation, representative=member.representative))
        presidency = meeting.presidency
        if presidency is not None and presidency.pk not in seen:
            seats.append(
                CouncilSeat(
                    meeting=meeting, delegation=presidency, representative=parsed.president or "", is_president=True
                )
            )
        elif presidency is not None:
            for seat in seats:
                if seat.delegation_id == presidency.pk:
                    seat.is_president = True
        CouncilSeat.objects.bulk_create(seats)

    def _statement_fields(self, s: ParsedStatement, meeting: Meeting) -> dict[str, object]:
        delegation = self.delegation(s.delegation, s.delegation_key, source=meeting.source_name, line=s.line)
        return {
            "chrono": chrono_key(meeting.date, meeting.number, meeting.resumption, s.order),
            "speaker_label": s.speaker_label[:300],
            "speaker": self.speaker(
                s.speaker, delegation, meeting.date, hints=(label_name(s.speaker_label), meeting.president_name)
            ),
            "delegation": delegation,
            "delegation_as_printed": (s.delegation or "")[:200],
            "role": s.role,
            "national_capacity": s.national_capacity,
            "on_behalf_of": (s.on_behalf_of or "")[:300],
            "chaired_body": (s.chaired_body or "")[:300],
            "title": (s.title or "")[:300],
            "title_kind": title_kind(s.title),
            "invited_under": s.invited_under or "",
            "language": s.language or "",
            "text": s.text,
            "word_count": len(s.text.split()),
            "source_line": s.line,
            "source_page": s.page,
            "ocr_confidence": s.ocr_confidence,
        }

    def _write_statements(self, meeting: Meeting, parsed: ParsedMeeting) -> None:
        current = {st.order: st for st in Statement.objects.filter(meeting=meeting)}
        moved = self._moved_orders(current, parsed)
        new, changed = [], []
        names = list(self._statement_fields(parsed.statements[0], meeting).keys()) if parsed.statements else []
        for s in parsed.statements:
            values = self._statement_fields(s, meeting)
            row = current.pop(s.order, None)
            if row is None:
                new.append(Statement(meeting=meeting, order=s.order, **values))
            else:
                for name, value in values.items():
                    setattr(row, name, value)
                changed.append(row)
        if current:
            Statement.objects.filter(pk__in=[row.pk for row in current.values()]).delete()
        if changed:
            Statement.objects.bulk_update(changed, names, batch_size=500)
        if new:
            Statement.objects.bulk_create(new, batch_size=500)
        Citation.objects.filter(statement__meeting=meeting).delete()
        by_order = {st.order: st for st in Statement.objects.filter(meeting=meeting).only("pk", "order", "chrono")}
        for old_order, new_order in moved.items():
            StatementAlias.objects.update_or_create(
                meeting=meeting, old_order=old_order, defaults={"statement": by_order[new_order]}
            )
        rows = []
        for s in parsed.statements:
            rows.extend(self.citation_rows(by_order[s.order], s.citations))
        Citation.objects.bulk_create(rows, batch_size=1000)
