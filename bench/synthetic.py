"""Build an archive of N statements from the real shared statements, for benchmarks.

The 2,355 real 2020 speeches (``../shared/data/unsc-2020/speeches.jsonl``; the repository's
sample when that is absent) are imported first through the normal import service, with their
speakers, delegations and citations. Copies of those meetings are then added, shifted back one
year per copy (2019, 2018, ...) with new meeting numbers, until the archive holds N statements:
the texts, speakers, delegations, roles and citations are the real ones, the spread over years
is made up. Summaries are refreshed as after an import.

    from bench.synthetic import build_archive
    build_archive(100_000)
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "unsc-2020"


def source_folder() -> list[str]:
    if SHARED.exists():
        return [str(SHARED)]
    return [str(ROOT / "sample" / "records"), str(ROOT / "sample" / "corpus-2020")]


def build_archive(target: int, *, log=print) -> int:
    """Fill the (empty, migrated) database with about ``target`` statements. Returns the count."""
    from django.db import transaction
    from django.utils import timezone

    from archive.importing import import_paths
    from archive.models import Citation, CouncilSeat, Meeting, Statement, chrono_key
    from archive.stats import refresh_summaries

    started = time.perf_counter()
    summary = import_paths(source_folder())
    if summary.errors:
        raise SystemExit(f"import failed: {summary.errors[:3]}")
    base_meetings = list(Meeting.objects.filter(date__isnull=False).order_by("date", "number"))
    base = {m.pk: list(Statement.objects.filter(meeting=m).order_by("order")) for m in base_meetings}
    citations: dict[int, list[Citation]] = {}
    for c in Citation.objects.all():
        citations.setdefault(c.statement_id, []).append(c)
    seats: dict[int, list[CouncilSeat]] = {}
    for seat in CouncilSeat.objects.all():
        seats.setdefault(seat.meeting_id, []).append(seat)
    count = Statement.objects.count()
    log(f"  base: {count} real statements in {len(base_meetings)} meetings ({time.perf_counter() - started:.1f} s)")
    copy = 0
    next_number = 20000
    while count < target:
        copy += 1
        with transaction.atomic():
            for meeting in base_meetings:
                if count >= target:
                    break
                try:
                    date = meeting.date.replace(year=meeting.date.year - copy)
                except ValueError:  # 29 February
                    date = meeting.date.replace(year=meeting.date.year - copy, day=28)
                next_number += 1
                clone = Meeting.objects.create(
                    symbol=f"S/PV.{next_number}",
                    number=next_number,
                    slug=str(next_number),
                    date=date,
                    start_time=meeting.start_time,
                    place=meeting.place,
                    president_name=meeting.president_name,
                    presidency_id=meeting.presidency_id,
                    topic=meeting.topic,
                    agenda=meeting.agenda,
                    stage_directions=meeting.stage_directions,
                    votes=meeting.votes,
                    source_kind=meeting.source_kind,
                    source_name=f"synthetic copy {copy} of {meeting.source_name}",
                    source_checksum="synthetic",
                    imported_at=timezone.now(),
                )
                CouncilSeat.objects.bulk_create(
                    CouncilSeat(
                        meeting=clone,
                        delegation_id=s.delegation_id,
                        representative=s.representative,
                        is_president=s.is_president,
                    )
                    for s in seats.get(meeting.pk, [])
                )
                originals = base[meeting.pk][: max(0, target - count)]
                new = Statement.objects.bulk_create(
                    Statement(
                        meeting=clone,
                        order=s.order,
                        speaker_label=s.speaker_label,
                        speaker_id=s.speaker_id,
                        delegation_id=s.delegation_id,
                        delegation_as_printed=s.delegation_as_printed,
                        role=s.role,
                        national_capacity=s.national_capacity,
                        on_behalf_of=s.on_behalf_of,
                        language=s.language,
                        text=s.text,
                        word_count=s.word_count,
                        source_line=s.source_line,
                        source_page=s.source_page,
                        chrono=chrono_key(date, next_number, None, s.order),
                    )
                    for s in originals
                )
                Citation.objects.bulk_create(
                    Citation(
                        statement=n,
                        resolution_id=c.resolution_id,
                        number=c.number,
                        year_printed=c.year_printed,
                        text=c.text,
                        start=c.start,
                        end=c.end,
                        paragraphs=c.paragraphs,
                        year_conflict=c.year_conflict,
                        chrono=n.chrono,
                    )
                    for o, n in zip(originals, new, strict=True)
                    for c in citations.get(o.pk, [])
                )
                count += len(new)
        log(
            f"  copy {copy} ({dt.date(2020 - copy, 1, 1).year}): {count} statements ({time.perf_counter() - started:.1f} s)"
        )
    refresh_summaries()
    log(f"  built {count} statements in {time.perf_counter() - started:.1f} s")
    return count


def ensure_archive(target: int, *, log=print) -> int:
    """Migrate, then build an archive of ``target`` statements unless the database holds enough
    already (a kept one); an archive too small is emptied first. Returns the count."""
    from django.core.management import call_command

    from archive.models import Statement

    call_command("migrate", verbosity=0)
    if Statement.objects.count() < target:
        if Statement.objects.exists():
            call_command("flush", interactive=False, verbosity=0)
        build_archive(target, log=log)
    return Statement.objects.count()


if __name__ == "__main__":
    sys.exit("use build_archive() from a benchmark script")
