"""The one service that writes parsed meetings into the database.

Each meeting is written in its own transaction: a meeting is stored whole or not at all.
Re-importing replaces a meeting in place (statement numbers, and so statement URLs, stay), and
an unchanged meeting is left untouched. One meeting reached through several sources (its PDF,
its pdftotext text, the research corpus) is stored once, from the best source:
PDF > text > corpus > single statement.
"""

from __future__ import annotations

import fcntl
import glob
import hashlib
import json
import logging
import os
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from archive.parsing import ParsedMeeting, ParsedStatement, ParseError, parse_path
from archive.parsing.corpus import is_corpus_dir
from archive.parsing.delegations import resolve_delegation

from .models import (
    SOURCE_RANK,
    ArchiveState,
    Citation,
    Correction,
    CouncilSeat,
    Delegation,
    ImportRun,
    Meeting,
    Resolution,
    ResolutionReference,
    Speaker,
    SpeakerName,
    Statement,
    StatementAlias,
    StatementFlag,
    chrono_key,
)

logger = logging.getLogger(__name__)
PARSER_VERSION = "3"  # 3: records of other eras, scans read through OCR
# A scanned statement whose OCR words average below this confidence (0 – 100) is flagged: its
# text and label may be misread. Tesseract gives 90+ for clean print; the 1950 scans 80 – 90.
OCR_CONFIDENCE_FLOOR = 80
RECORD_SUFFIXES = (".pdf", ".txt", ".gz")
HONORIFIC_WORDS = {
    "mr.",
    "mrs.",
    "ms.",
    "miss",
    "mx.",
    "dr.",
    "sir",
    "dame",
    "lord",
    "lady",
    "sheikh",
    "sheikha",
    "his",
    "her",
    "excellency",
    "archbishop",
    "cardinal",
    "prince",
    "princess",
    "king",
    "queen",
    "baroness",
    "baron",
    "professor",
    "prof.",
    "judge",
    "monsignor",
    "bishop",
    "father",
    "sister",
}


@dataclass
class MeetingOutcome:
    title: str
    action: str  # "created", "replaced", "unchanged", "skipped"
    statements: int
    source: str
    note: str = ""
    reader: str = ""  # how the file was read: "the PDF's text layer", "OCR of its page images", ...


@dataclass
class ImportSummary:
    outcomes: list[MeetingOutcome] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False

    def count(self, action: str) -> int:
        return sum(1 for o in self.outcomes if o.action == action)

    @property
    def statements_written(self) -> int:
        return sum(o.statements for o in self.outcomes if o.action in ("created", "replaced"))


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


# One import at a time (import_records, fetch_records, load_resolutions, relink_citations): two at
# once each created the speakers the other was creating (Mr. Dang as dang-vnm and dang-vnm-2) and,
# on PostgreSQL, one died on a unique meeting slug. The second waits for the first, having said
# which run holds the lock. PostgreSQL: a session advisory lock. SQLite: an flock on a file beside
# the database (a database in memory is one process's own: nothing to lock).
IMPORT_LOCK = 0x5C_A2C2
IMPORT_LOCK_HOLDER = "import_lock_holder"
_lock_depth = 0


@contextmanager
def import_lock(command: str, arguments: Iterable[str] = ()):
    """Hold the archive's import lock for the block (or the decorated call), waiting for another
    run that holds it; which run that is goes to the log (stderr) first. Re-entrant in a process."""
    global _lock_depth
    if _lock_depth:
        _lock_depth += 1
        try:
            yield
        finally:
            _lock_depth -= 1
        return
    with _vendor_lock():
        holder = f"pid {os.getpid()}: {command} {' '.join(arguments)}"[:150] + f", since {timezone.now():%H:%M:%S} UTC"
        ArchiveState.objects.update_or_create(key=IMPORT_LOCK_HOLDER, defaults={"value": holder})
        _lock_depth = 1
        try:
            yield
        finally:
            _lock_depth = 0


def _waiting() -> None:
    holder = ArchiveState.objects.filter(key=IMPORT_LOCK_HOLDER).values_list("value", flat=True).first()
    logger.warning("another import holds the import lock (%s); waiting for it to finish", holder or "unknown run")


@contextmanager
def _vendor_lock():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [IMPORT_LOCK])
            if not cursor.fetchone()[0]:
                _waiting()
                cursor.execute("SELECT pg_advisory_lock(%s)", [IMPORT_LOCK])
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [IMPORT_LOCK])
        return
    name = str(connection.settings_dict["NAME"])
    if connection.vendor != "sqlite" or name == ":memory:" or "mode=memory" in name:
        yield
        return
    with open(f"{name}.import-lock", "a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            _waiting()
            fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


READERS = {
    "pdf": "the PDF's text layer",
    "text": "its pdftotext text",
    "corpus": "the research corpus",
    "statement": "a single statement",
}


def reader_of(parsed: ParsedMeeting) -> str:
    """How a meeting's file was read, for the import report: "OCR of its page images (mean word
    confidence 88)" for a scan, else its text's kind ("the PDF's text layer")."""
    if parsed.reader == "ocr":
        scores = [s.ocr_confidence for s in parsed.statements if s.ocr_confidence is not None]
        mean = f" (mean word confidence {sum(scores) / len(scores):.0f})" if scores else ""
        return f"OCR of its page images{mean}"
    return READERS.get(parsed.source_kind, parsed.source_kind)


def meeting_checksum(parsed: ParsedMeeting) -> str:
    data = parsed.as_dict()
    data.pop("source", None)
    payload = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(f"{PARSER_VERSION}\n{parsed.source_kind}\n{payload}".encode()).hexdigest()


def fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def surname_key(name: str) -> str:
    words = [w for w in name.replace("’", "'").split() if w.lower() not in HONORIFIC_WORDS]
    return slugify(fold(words[-1])) if words else slugify(fold(name))


class Writer:
    """Caches delegations and speakers over one import run."""

    def __init__(self) -> None:
        self.delegations: dict[str, Delegation] = {d.key: d for d in Delegation.objects.all()}
        self.speakers: dict[tuple[str, int | None], Speaker] = {
            (s.surname_key, s.delegation_id): s for s in Speaker.objects.all()
        }
        self.names: set[tuple[int, str]] = set(SpeakerName.objects.values_list("speaker_id", "name"))
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
                    number=c.number,
                    year_printed=c.year,
                    text=c.text[:300],
                    start=c.start,
                    end=c.end,
                    paragraphs=list(c.paragraphs),
                    year_conflict=conflict,
                    chrono=statement.chrono,
                )
            )
        return rows

    # -- delegations
    def delegation(self, name: str | None) -> Delegation | None:
        if not name:
            return None
        info = resolve_delegation(name)
        if info is None:
            key = ("x-" + slugify(fold(name)))[:80]
            values = {"name": name, "short_name": name, "kind": "unknown"}
        else:
            key = info.key
            values = {
                "name": info.name,
                "short_name": info.short,
                "kind": info.kind,
                "iso2": info.iso2 or "",
                "iso3": info.iso3 or "",
                "permanent_member": info.permanent_member,
            }
        cached = self.delegations.get(key)
        if cached is not None:
            return cached
        delegation, _ = Delegation.objects.get_or_create(key=key, defaults=values)
        self.delegations[key] = delegation
        return delegation

    # -- speakers
    def speaker(self, name: str | None, delegation: Delegation | None) -> Speaker | None:
        if not name:
            return None
        if "/" in name:  # "Mr. Goffin/Mr. Pecsteen de Buytswerve": the corpus names two people
            name = name.rsplit("/", 1)[1].strip() or name
        key = (surname_key(name), delegation.pk if delegation else None)
        if not key[0]:
            return None
        speaker = self.speakers.get(key)
        if speaker is None:
            base = slugify(fold(" ".join(w for w in name.split() if w.lower() not in HONORIFIC_WORDS)))
            base = (base or key[0])[:90]
            if delegation is not None:
                base = f"{base}-{delegation.key}"[:110]
            slug = base
            n = 2
            while Speaker.objects.filter(slug=slug).exists():
                slug = f"{base}-{n}"
                n += 1
            speaker = Speaker.objects.create(slug=slug, name=name, surname_key=key[0], delegation=delegation)
            self.speakers[key] = speaker
        elif len(name) > len(speaker.name) and "/" not in name and surname_key(name) == speaker.surname_key:
            speaker.name = name  # the fullest form seen: "Mr. Vassily Nebenzia"
            speaker.save(update_fields=["name"])
        if (speaker.pk, name) not in self.names:
            SpeakerName.objects.get_or_create(speaker=speaker, name=name)
            self.names.add((speaker.pk, name))
        return speaker

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
        presidency = self.delegation(parsed.presidency)
        serialised = parsed.as_dict()  # the one serialisation of agenda, stage directions, votes
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
            **{name: serialised[name] for name in ("agenda", "stage_directions", "votes", "invitations")},
            "warnings": list(parsed.warnings),
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
        apply_corrections(meeting)
        flag_statements(Statement.objects.filter(meeting=meeting))
        touched.add(meeting)
        touched.refresh()
        return MeetingOutcome(title, action, count, parsed.source_kind, replaced_note, reader_of(parsed))

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
        for adoption in parsed.adoptions:
            resolution = self.resolution(adoption.number, adoption.year)
            resolution.adopting_meeting = meeting
            resolution.adopting_meeting_number = meeting.number
            resolution.adopted_on = resolution.adopted_on or meeting.date
            if not resolution.text_in_archive:  # the record's year outranks one guessed from citations
                resolution.year = adoption.year or resolution.year
            resolution.vote_position = adoption.order
            if adoption.vote is not None:
                resolution.vote = {**adoption.vote.as_dict(), "unanimous": adoption.unanimous}
            elif adoption.unanimous and not resolution.vote:
                resolution.vote = {"unanimous": True}
            resolution.save()

    def _write_seats(self, meeting: Meeting, parsed: ParsedMeeting) -> None:
        CouncilSeat.objects.filter(meeting=meeting).delete()
        seats = []
        seen: set[int] = set()
        for member in parsed.members:
            delegation = self.delegation(member.delegation)
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
        delegation = self.delegation(s.delegation)
        return {
            "chrono": chrono_key(meeting.date, meeting.number, meeting.resumption, s.order),
            "speaker_label": s.speaker_label[:300],
            "speaker": self.speaker(s.speaker, delegation),
            "delegation": delegation,
            "delegation_as_printed": (s.delegation or "")[:200],
            "role": s.role,
            "national_capacity": s.national_capacity,
            "on_behalf_of": (s.on_behalf_of or "")[:300],
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


class Touched:
    """The delegations, years, speakers and resolutions a meeting names, before and after it is
    written: their stored counts are recomputed in the meeting's own transaction."""

    def __init__(self) -> None:
        self.delegations: set[int] = set()
        self.years: set[int] = set()
        self.speakers: set[int] = set()
        self.resolutions: set[int] = set()

    def add(self, meeting: Meeting) -> None:
        statements = Statement.objects.filter(meeting=meeting)
        self.delegations.update(statements.filter(delegation__isnull=False).values_list("delegation_id", flat=True))
        self.delegations.update(CouncilSeat.objects.filter(meeting=meeting).values_list("delegation_id", flat=True))
        self.speakers.update(statements.filter(speaker__isnull=False).values_list("speaker_id", flat=True))
        self.resolutions.update(
            Citation.objects.filter(statement__meeting=meeting, resolution__isnull=False).values_list(
                "resolution_id", flat=True
            )
        )
        if meeting.date is not None:
            self.years.add(meeting.date.year)

    def refresh(self) -> None:
        from .stats import refresh_summaries

        refresh_summaries(
            delegations=self.delegations, years=self.years, speakers=self.speakers, resolutions=self.resolutions
        )


# --------------------------------------------------------------------------- sources


@dataclass(frozen=True)
class Source:
    path: Path
    kind: str  # "record" (a file) or "corpus" (a folder)


def expand(paths: Iterable[str]) -> list[Source]:
    """Files, folders and globs -> sources, whole records before corpora (the better source
    first, so the corpus copy of a meeting is skipped without work)."""
    records: list[Source] = []
    corpora: list[Source] = []
    seen: set[Path] = set()

    def add_file(p: Path) -> None:
        key = resolved(p)
        if key in seen:
            return
        seen.add(key)
        if p.name in ("speeches.jsonl", "meta.tsv"):
            add_dir(p.parent)
        else:
            records.append(Source(p, "record"))

    def add_dir(d: Path) -> None:
        key = resolved(d)
        if key in seen:
            return
        seen.add(key)
        skip: Path | None = None
        if is_corpus_dir(d):
            corpora.append(Source(d, "corpus"))
            skip = d / "speeches"  # the corpus's own speech files, read through the table
        for child in sorted(d.iterdir()):
            if skip is not None and child == skip:
                continue
            if child.is_dir():
                add_dir(child)
            elif child.suffix.lower() in RECORD_SUFFIXES and not child.name.startswith("."):
                add_file(child)

    for raw in paths:
        matches = sorted(glob.glob(raw)) if any(ch in raw for ch in "*?[") else [raw]
        if not matches:
            raise ParseError("no file matches this pattern", path=raw)
        for match in matches:
            p = Path(match)
            if p.is_dir():
                found = len(records) + len(corpora)
                add_dir(p)
                if len(records) + len(corpora) == found:
                    raise ParseError("a folder with no record in it (.pdf, .txt, .gz or a corpus)", path=str(p))
            else:
                add_file(p)
    return records + corpora


def resolved(p: Path) -> Path:
    try:
        return p.resolve()
    except (OSError, RuntimeError) as exc:  # a symbolic link loop (RuntimeError before Python 3.13)
        raise ParseError(f"cannot follow this path ({exc})", path=str(p)) from exc


def parse_sources(
    sources: list[Source], *, symbol: str | None = None, date=None
) -> Iterator[tuple[Source, list[ParsedMeeting] | ParseError]]:
    for source in sources:
        try:
            yield source, parse_path(source.path, symbol=symbol, date=date)
        except ParseError as exc:
            yield source, exc.located(str(source.path))


def import_paths(
    paths: Iterable[str],
    *,
    dry_run: bool = False,
    command: str = "import_records",
    **options,
) -> ImportSummary:
    """Import everything under ``paths``, then bring the search index up to date for the meetings
    written (each meeting's own transaction is already committed; no index yet: nothing to do).
    The run is recorded (ImportRun) with what it did, its warnings and errors. One run at a time:
    another holding the import lock is waited for."""
    paths = list(paths)
    with import_lock(command, paths):
        return _locked_import_paths(paths, dry_run=dry_run, command=command, **options)


def _locked_import_paths(paths: list[str], *, dry_run: bool, command: str, **options) -> ImportSummary:
    started = timezone.now()
    run = ImportRun.objects.create(command=command, arguments=paths, started_at=started, dry_run=dry_run)
    summary = None
    try:
        summary = _import_paths(paths, dry_run=dry_run, **options)
        return summary
    finally:
        if not dry_run:
            from archive.search.upkeep import index_meetings

            index_meetings(Meeting.objects.filter(imported_at__gte=started).values_list("pk", flat=True))
        _finish_run(run, summary)


def _finish_run(run: ImportRun, summary: ImportSummary | None) -> None:
    run.finished_at = timezone.now()
    if summary is None:
        run.errors = ["the run stopped on an unexpected error (see the logs)"]
    else:
        run.meetings_created = summary.count("created")
        run.meetings_replaced = summary.count("replaced")
        run.meetings_unchanged = summary.count("unchanged")
        run.meetings_skipped = summary.count("skipped")
        run.statements = summary.statements_written
        run.warnings = summary.warnings[:1000]
        run.errors = summary.errors[:1000]
    run.save()


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
            writer = writer or Writer()
            statement.speaker = writer.speaker(correction.speaker_name, correction.delegation or statement.delegation)
        statement.save(update_fields=["delegation", "speaker"])
        applied += 1
    return applied


def correct_meeting(meeting: Meeting) -> int:
    """After a hand correction of one of this meeting's statements: apply its corrections, flag
    its statements again, refresh the stored counts and re-index the meeting, so the page, the
    search index and the counts agree at once. Returns the corrections applied."""
    from archive.search.upkeep import index_meetings

    from .stats import refresh_summaries

    with transaction.atomic():
        applied = apply_corrections(meeting)
        flag_statements(Statement.objects.filter(meeting=meeting))
    refresh_summaries()
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
        if s.speaker_label == "(unlabelled)":
            flags.append(StatementFlag(statement=s, reason="unlabelled"))
        if s.ocr_confidence is not None and s.ocr_confidence < OCR_CONFIDENCE_FLOOR:
            detail = f"mean OCR word confidence {s.ocr_confidence:.0f} (below {OCR_CONFIDENCE_FLOOR})"
            flags.append(StatementFlag(statement=s, reason="low_ocr_confidence", detail=detail))
        for c in s.citations.all():
            if c.year_conflict:
                flags.append(StatementFlag(statement=s, reason="citation_year", detail=c.text[:300]))
    StatementFlag.objects.bulk_create(flags, batch_size=1000)


def _import_paths(
    paths: Iterable[str],
    *,
    dry_run: bool = False,
    keep_going: bool = False,
    symbol: str | None = None,
    date=None,
    progress: Callable[[int, str], None] | None = None,
) -> ImportSummary:
    """Import everything under ``paths``. ``progress(n, label)`` is told of each unit done."""
    summary = ImportSummary(dry_run=dry_run)
    try:
        sources = expand(paths)
    except ParseError as exc:
        summary.errors.append(str(exc))
        return summary
    writer = Writer()
    for source, result in parse_sources(sources, symbol=symbol, date=date):
        if isinstance(result, ParseError):
            summary.errors.append(str(result))
            if progress:
                progress(1, source.path.name)
            if not keep_going:
                break
            continue
        for parsed in result:
            try:
                outcome = writer.write(parsed, dry_run=dry_run)
            except ParseError as exc:
                summary.errors.append(str(exc.located(str(source.path))))
                if not keep_going:
                    _refresh(summary)
                    return summary
                continue
            summary.outcomes.append(outcome)
            if outcome.action in ("created", "replaced"):
                summary.warnings.extend(f"{parsed.source_name} ({outcome.title}): {w}" for w in parsed.warnings)
        if progress:
            progress(1, source.path.name)
    _refresh(summary)
    return summary


def _refresh(summary: ImportSummary) -> None:
    """Every count checked against the rows at the end of a run, even one that changed nothing:
    each meeting keeps its own counts in step, and this heals what anything else left (a database
    from before that, a hand edit)."""
    if not summary.dry_run:
        from .stats import refresh_summaries

        refresh_summaries(new_version=False)


# --------------------------------------------------------------------------- resolutions


@dataclass
class ResolutionSummary:
    loaded: int = 0
    references: int = 0
    errors: list[str] = field(default_factory=list)


def resolution_files(paths: Iterable[str]) -> list[Path]:
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
    return files


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
                        number=c.number,
                        year_printed=c.year,
                        text=c.text[:300],
                        start=c.start,
                        end=c.end,
                        paragraphs=list(c.paragraphs),
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
        from .stats import refresh_summaries

        refresh_summaries()  # counts, and a new version for what is cached from them
        return counts
