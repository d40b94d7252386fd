"""Summaries the browsing pages read instead of counting every statement on each request:
statements per delegation and year, Council membership per year, statement counts."""

from __future__ import annotations

import uuid
from collections import defaultdict

from django.db import transaction
from django.db.models import Count

from .models import ArchiveState, Citation, CouncilSeat, Delegation, DelegationYear, Resolution, Speaker, Statement
from .parsing.membership import membership_known, membership_years

VERSION_KEY = "summary_version"


def refresh_summaries() -> int:
    """Recompute DelegationYear rows and the statement counts. Returns the number of rows."""
    per_year: dict[tuple[int, int], dict[str, int | bool]] = defaultdict(
        lambda: {"statements": 0, "chair_turns": 0, "council_member": False, "presided": False}
    )
    rows = (
        Statement.objects.filter(delegation__isnull=False, meeting__date__isnull=False)
        .values_list("delegation_id", "meeting__date", "role", "national_capacity")
        .annotate(n=Count("id"))
        .order_by()
    )
    for delegation_id, date, role, national, n in rows:
        entry = per_year[(delegation_id, date.year)]
        if role == "president" and not national:
            entry["chair_turns"] += n
        else:
            entry["statements"] += n
        if role in ("member", "president"):
            entry["council_member"] = True
        if role == "president":
            entry["presided"] = True
    seats = (
        CouncilSeat.objects.filter(meeting__date__isnull=False)
        .values_list("delegation_id", "meeting__date", "is_president")
        .distinct()
        .order_by()
    )
    for delegation_id, date, is_president in seats:
        entry = per_year[(delegation_id, date.year)]
        entry["council_member"] = True
        entry["presided"] = bool(entry["presided"] or is_president)
    # The Council's membership of a year is the data set's (archive/parsing/membership.py) where it
    # covers the year; a year it does not cover keeps what the records show (seats, roles).
    keys = dict(Delegation.objects.values_list("pk", "key"))
    for (delegation_id, year), entry in per_year.items():
        if membership_known(year):
            entry["council_member"] = year in membership_years(keys.get(delegation_id, ""))
    totals: dict[int, int] = defaultdict(int)
    for (delegation_id, _year), entry in per_year.items():
        totals[delegation_id] += int(entry["statements"])
    with transaction.atomic():
        DelegationYear.objects.all().delete()
        DelegationYear.objects.bulk_create(
            [DelegationYear(delegation_id=d, year=y, **entry) for (d, y), entry in per_year.items()], batch_size=1000
        )
        delegations = list(Delegation.objects.only("pk", "statement_count"))
        for delegation in delegations:
            delegation.statement_count = totals.get(delegation.pk, 0)
        Delegation.objects.bulk_update(delegations, ["statement_count"], batch_size=1000)
        counts = dict(Statement.objects.values_list("speaker_id").annotate(n=Count("id")).order_by())
        speakers = list(Speaker.objects.only("pk", "statement_count"))
        for speaker in speakers:
            speaker.statement_count = counts.get(speaker.pk, 0)
        Speaker.objects.bulk_update(speakers, ["statement_count"], batch_size=1000)
        refresh_citation_counts()
        ArchiveState.objects.update_or_create(key=VERSION_KEY, defaults={"value": uuid.uuid4().hex})
    return len(per_year)


def refresh_citation_counts() -> None:
    counts = dict(
        Citation.objects.filter(resolution__isnull=False).values_list("resolution_id").annotate(n=Count("id")).order_by()
    )
    resolutions = list(Resolution.objects.only("pk", "citation_count"))
    changed = []
    for resolution in resolutions:
        n = counts.get(resolution.pk, 0)
        if resolution.citation_count != n:
            resolution.citation_count = n
            changed.append(resolution)
    Resolution.objects.bulk_update(changed, ["citation_count"], batch_size=1000)


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
