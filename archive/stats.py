"""Summaries the browsing pages read instead of counting every statement on each request:
statements per delegation and year, Council membership per year, statement counts."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, QuerySet, Sum

from .models import (
    STATE_KINDS,
    ArchiveState,
    Citation,
    CouncilSeat,
    Delegation,
    DelegationYear,
    Meeting,
    Resolution,
    Speaker,
    Statement,
)
from .parsing.membership import membership_known, membership_years

VERSION_KEY = "summary_version"
COUNCIL_ROLES = ("member", "president")  # roles only a Council member speaks in


def refresh_summaries(
    *,
    delegations: Iterable[int] | None = None,
    years: Iterable[int] | None = None,
    speakers: Iterable[int] | None = None,
    resolutions: Iterable[int] | None = None,
    meetings: Iterable[int] | None = None,
    new_version: bool = True,
) -> int:
    """Bring DelegationYear rows and the stored counts (delegations', speakers', meetings'
    statements, resolutions' citations) in step with the rows; only what differs is written. Given
    ids (and years), only those entries are recomputed: a meeting's import does that for what it
    touched, inside its own transaction, so no crash can leave them stale.
    ``new_version``: a new summary version even when no count changed (meetings were written).
    Returns the number of rows changed."""
    statements = Statement.objects.filter(delegation__isnull=False, meeting__date__isnull=False)
    seats = CouncilSeat.objects.filter(meeting__date__isnull=False)
    kept = DelegationYear.objects.all()
    if delegations is not None:
        delegations = set(delegations)
        statements = statements.filter(delegation_id__in=delegations)
        seats = seats.filter(delegation_id__in=delegations)
        kept = kept.filter(delegation_id__in=delegations)
    if years is not None:
        years = set(years)
        statements = statements.filter(meeting__date__year__in=years)
        seats = seats.filter(meeting__date__year__in=years)
        kept = kept.filter(year__in=years)
    per_year: dict[tuple[int, int], dict[str, int | bool]] = defaultdict(
        lambda: {"statements": 0, "chair_turns": 0, "council_member": False, "presided": False}
    )
    rows = (
        statements.values_list("delegation_id", "delegation__kind", "meeting__date", "role", "national_capacity")
        .annotate(n=Count("id"))
        .order_by()
    )
    for delegation_id, kind, date, role, national, n in rows:
        entry = per_year[(delegation_id, date.year)]
        if role == "president" and not national:
            entry["chair_turns"] += n
        else:
            entry["statements"] += n
        # Only a State sits on the Council or presides: a statement filed under an organisation
        # with a member's role (a research corpus files a committee chair's briefing, or a
        # President's turn, under "UN") says nothing of the organisation's membership.
        if kind in STATE_KINDS and role in COUNCIL_ROLES:
            entry["council_member"] = True
        if kind in STATE_KINDS and role == "president":
            entry["presided"] = True
    for delegation_id, date, is_president in (
        seats.values_list("delegation_id", "meeting__date", "is_president").distinct().order_by()
    ):
        entry = per_year[(delegation_id, date.year)]
        entry["council_member"] = True
        entry["presided"] = bool(entry["presided"] or is_president)
    # The Council's membership of a year is the data set's (archive/parsing/membership.py) where it
    # covers the year; a year it does not cover keeps what the records show (seats, roles).
    keys = dict(Delegation.objects.values_list("pk", "key"))
    for (delegation_id, year), entry in per_year.items():
        if membership_known(year):
            entry["council_member"] = year in membership_years(keys.get(delegation_id, ""))
    changed = 0
    with transaction.atomic():
        stale, updated = [], []
        for row in kept:
            entry = per_year.pop((row.delegation_id, row.year), None)
            if entry is None:
                stale.append(row.pk)
            elif any(getattr(row, name) != value for name, value in entry.items()):
                for name, value in entry.items():
                    setattr(row, name, value)
                updated.append(row)
        DelegationYear.objects.filter(pk__in=stale).delete()
        DelegationYear.objects.bulk_update(updated, ["statements", "chair_turns", "council_member", "presided"])
        DelegationYear.objects.bulk_create(
            [DelegationYear(delegation_id=d, year=y, **entry) for (d, y), entry in per_year.items()], batch_size=1000
        )
        changed += len(stale) + len(updated) + len(per_year)
        changed += _store_counts(
            Delegation, "statement_count", delegations, DelegationYear.objects.all(), "delegation_id", Sum("statements")
        )
        changed += _store_counts(
            Speaker, "statement_count", speakers, Statement.objects.all(), "speaker_id", Count("id")
        )
        changed += refresh_citation_counts(resolutions)
        changed += _store_counts(
            Meeting, "statement_count", meetings, Statement.objects.all(), "meeting_id", Count("id")
        )
        if changed or new_version:
            ArchiveState.objects.update_or_create(key=VERSION_KEY, defaults={"value": uuid.uuid4().hex})
    return changed


def _store_counts(model, field: str, ids: Iterable[int] | None, counted: QuerySet, key: str, total) -> int:
    """Set ``field`` of ``model``'s rows (those with ``ids``, or all) to ``total`` over the
    ``counted`` rows whose ``key`` is theirs; returns how many rows changed."""
    rows = model.objects.only("pk", field)
    if ids is not None:
        ids = set(ids)
        rows = rows.filter(pk__in=ids)
        counted = counted.filter(**{f"{key}__in": ids})
    found = dict(counted.values_list(key).annotate(n=total).order_by())
    changed = []
    for row in rows:
        n = found.get(row.pk) or 0
        if getattr(row, field) != n:
            setattr(row, field, n)
            changed.append(row)
    model.objects.bulk_update(changed, [field], batch_size=1000)
    return len(changed)


def refresh_citation_counts(resolutions: Iterable[int] | None = None) -> int:
    """Each resolution's ``citation_count`` (those given, or all); returns how many changed."""
    cited = Citation.objects.filter(resolution__isnull=False)
    return _store_counts(Resolution, "citation_count", resolutions, cited, "resolution_id", Count("id"))


SUMMARY_FIELDS = ("statements", "chair_turns", "council_member", "presided")
STORED_COUNTS = (  # (model, field, what a report calls a row, the field naming the row)
    (Delegation, "statement_count", "delegation", "key"),
    (Speaker, "statement_count", "speaker", "slug"),
    (Meeting, "statement_count", "meeting", "slug"),
    (Resolution, "citation_count", "resolution", "number"),
)


def stored_counts() -> dict[tuple[str, str], int | bool]:
    """Every stored count and summary as it stands: {(row, field): value}, a row named as a
    reader would ("delegation fra", "delegation year fra 2020", "meeting 8700")."""
    out: dict[tuple[str, str], int | bool] = {}
    rows = DelegationYear.objects.values_list("delegation__key", "year", *SUMMARY_FIELDS)
    for key, year, *values in rows:
        for name, value in zip(SUMMARY_FIELDS, values, strict=True):
            out[(f"delegation year {key} {year}", name)] = value
    for model, field, label, ident in STORED_COUNTS:
        for name, value in model.objects.values_list(ident, field):
            out[(f"{label} {name}", field)] = value
    return out


def summary_version() -> str:
    """A new random token whenever the summaries are refreshed (after every import and relink):
    the cache key for anything computed from them, shared by all processes through the database,
    and never repeated (a rolled-back transaction cannot bring an old key back)."""
    state = ArchiveState.objects.filter(key=VERSION_KEY).values_list("value", flat=True).first()
    return state or "none"


def cached(name: str, compute):
    """``compute()`` once per summary version (Django's cache; per process by default)."""
    from django.core.cache import cache

    key = f"archive:{name}:{summary_version()}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=24 * 3600)
    return value


def meeting_coverage() -> dict:
    """What the archive holds by year (meetings, statements), newest first; the runs of meeting
    numbers missing between the first and the last held, how many that is, and that span."""
    by_year: dict[int, dict[str, int]] = {}
    numbers = []
    for date, number, count in Meeting.objects.values_list("date", "number", "statement_count"):
        if date:
            entry = by_year.setdefault(date.year, {"meetings": 0, "statements": 0})
            entry["meetings"] += 1
            entry["statements"] += count
        if number:
            numbers.append(number)
    gaps = number_gaps(sorted(set(numbers)))
    return {
        "years": sorted(by_year.items(), reverse=True),
        "gaps": gaps,
        "missing": sum(b - a + 1 for a, b in gaps),
        "span": (min(numbers), max(numbers)) if numbers else None,
    }


def number_gaps(numbers: list[int]) -> list[tuple[int, int]]:
    """Runs of meeting numbers missing between the first and the last held: [(8701, 8701), ...]."""
    return [(a + 1, b - 1) for a, b in zip(numbers, numbers[1:], strict=False) if b - a > 1]


def citation_summary(citations) -> dict:
    """Citations per year, the delegations citing most (the chair's procedural turns left out),
    the filter choices and the totals, from one aggregate over the citations."""
    groups = citations.values_list(
        "statement__meeting__date",
        "statement__delegation__name",
        "statement__delegation__key",
        "statement__delegation__kind",
        "statement__role",
        "statement__national_capacity",
    ).annotate(n=Count("id"), statements=Count("statement", distinct=True))
    per_year: dict[int, int] = {}
    by_delegation: dict[tuple[str, str, str], int] = {}
    total = statements = 0
    for date, name, key, kind, role, national, n, statement_count in groups:
        total += n
        # Each statement falls in one group (one meeting date, delegation and role), so the
        # groups' distinct-statement counts add up to the number of statements citing it.
        statements += statement_count
        if date:
            per_year[date.year] = per_year.get(date.year, 0) + n
        if key and not (role == "president" and not national):
            by_delegation[(name, key, kind)] = by_delegation.get((name, key, kind), 0) + statement_count
    return {
        "per_year": [(str(y), n) for y, n in sorted(per_year.items())],
        "top": _most(by_delegation),
        "countries": sorted({(name, key) for name, key, _kind in by_delegation}),
        "citations": total,
        "statements": statements,
    }


def _most(by_delegation: dict[tuple[str, str, str], int], limit: int = 10) -> list[tuple[str, str, str, int]]:
    """(name, key, kind, statements) of the delegations with the most statements, most first."""
    top = sorted(by_delegation.items(), key=lambda item: (-item[1], item[0][0]))[:limit]
    return [(name, key, kind, n) for (name, key, kind), n in top]


def agenda_summary(meetings) -> dict:
    """For the meetings of an agenda item: per year, the meetings and their statements (the
    stored counts), and the delegations speaking most (the chair's procedural turns left out);
    one aggregate over the meetings and one over their statements."""
    per_year = {
        year: (n, statements or 0)
        for year, n, statements in meetings.exclude(date=None)
        .values_list("date__year")
        .annotate(n=Count("id"), statements=Sum("statement_count"))
        .order_by("date__year")
    }
    groups = (
        Statement.objects.filter(meeting__in=meetings, delegation__isnull=False)
        .substantive()
        .values_list("delegation__name", "delegation__key", "delegation__kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {
        "per_year": [(str(year), meetings_held, statements) for year, (meetings_held, statements) in per_year.items()],
        "top": _most({(name, key, kind): n for name, key, kind, n in groups}, 15),
    }


class Touched:
    """The delegations, years, speakers and resolutions a meeting names, before and after it is
    written: their stored counts are recomputed in the meeting's own transaction."""

    def __init__(self) -> None:
        self.delegations: set[int] = set()
        self.years: set[int] = set()
        self.speakers: set[int] = set()
        self.resolutions: set[int] = set()
        self.meetings: set[int] = set()

    def add(self, meeting: Meeting) -> None:
        self.meetings.add(meeting.pk)
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
        refresh_summaries(
            delegations=self.delegations,
            years=self.years,
            speakers=self.speakers,
            resolutions=self.resolutions,
            meetings=self.meetings,
        )
