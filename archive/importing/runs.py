"""An import run: everything under some paths, one meeting's transaction at a time, recorded as
an ImportRun, under the archive's import lock (one run at a time), ending with every stored count
checked and the search index brought up to date."""

from __future__ import annotations

import fcntl
import logging
import os
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone

from archive.parsing import ParseError

from ..models import AgendaItem, ArchiveState, ImportRun, Meeting
from .agenda import refile_meetings
from .meetings import MeetingOutcome, Writer
from .sources import expand, parse_sources
from .speakers import give_surnames_to_nearest, join_touched, take_back_surnames

logger = logging.getLogger(__name__)


@dataclass
class ImportSummary:
    outcomes: list[MeetingOutcome] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False
    refiled: list[int] = field(default_factory=list)  # meetings filed again under a changed agenda list

    def count(self, action: str) -> int:
        return sum(1 for o in self.outcomes if o.action == action)

    @property
    def statements_written(self) -> int:
        return sum(o.statements for o in self.outcomes if o.action in ("created", "replaced"))


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

            written = set(Meeting.objects.filter(imported_at__gte=started).values_list("pk", flat=True))
            index_meetings(sorted(written | set(summary.refiled if summary else ())))
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
                summary.warnings.extend(f"{parsed.source_name} ({outcome.title}): {w}" for w in outcome.warnings)
        if progress:
            progress(1, source.path.name)
    _join(summary, writer)
    _refresh(summary)
    return summary


def _join(summary: ImportSummary, writer: Writer) -> None:
    """The speakers the run named, joined where the identity rule finds two of them one person
    (forms met in an order that kept them apart), then a surname alone taken back from a person
    where a namesake of the delegation now bears it, and each statement printing it given to the
    namesake printed nearest in time where that decides it; each goes to the run's warnings."""
    if summary.dry_run or not writer.touched:
        return
    for survivor, gone, evidence in join_touched(writer.touched):
        summary.warnings.append(f"speaker {gone} joined to {survivor}: {evidence}")
    for speaker, name, evidence in take_back_surnames(writer.touched):
        summary.warnings.append(f"form {name!r} of {speaker} taken back to a person of its own: {evidence}")
    for speaker, label, evidence in give_surnames_to_nearest(writer.touched):
        summary.warnings.append(f"statement {label!r} given to {speaker}: {evidence}")


def _refresh(summary: ImportSummary) -> None:
    """Every meeting filed under the agenda list as it is now (a changed list re-files what it
    moves) and every count checked against the rows at the end of a run, even one that changed nothing:
    each meeting keeps its own counts in step, and this heals what anything else left (a database
    from before that, a hand edit)."""
    if not summary.dry_run:
        from ..stats import refresh_summaries

        summary.refiled = refile_meetings(Meeting, AgendaItem)
        refresh_summaries(new_version=bool(summary.refiled))  # pages cached by version show the new filing
