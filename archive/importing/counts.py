"""Every stored count and summary checked against the rows (``manage.py check_counts``): the one
writer, ``archive.stats.refresh_summaries``, recomputes them all; without ``fix`` its writes are
rolled back and only the differences reported."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from ..stats import refresh_summaries, stored_counts
from .runs import import_lock


@dataclass(frozen=True)
class CountDifference:
    """A stored count (or summary row) that the rows contradict; None: no such stored row (a
    summary row missing, or one that should not exist)."""

    row: str  # "delegation fra", "delegation year fra 2020", "meeting 8700", "resolution 2334"
    field: str
    stored: int | bool | None
    actual: int | bool | None

    def __str__(self) -> str:
        return f"{self.row} {self.field}: stored {_shown(self.stored)}, the rows give {_shown(self.actual)}"


def _shown(value: int | bool | None) -> str:
    return "nothing" if value is None else str(value)


@import_lock("check_counts")
def check_counts(*, fix: bool = False) -> list[CountDifference]:
    """The stored counts that differ from what the rows give, in the order of their rows; with
    ``fix`` they are written (through ``refresh_summaries``), else left as they are."""
    with transaction.atomic():
        before = stored_counts()
        refresh_summaries(new_version=False)
        after = stored_counts()
        if not fix:
            transaction.set_rollback(True)
    keys = sorted(before.keys() | after.keys())
    return [CountDifference(*key, before.get(key), after.get(key)) for key in keys if before.get(key) != after.get(key)]
