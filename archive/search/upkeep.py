"""Keeping the index in step with the database: full rebuild (built aside, then swapped in),
update after an import (the meetings it touched) and repair (compare, then fix the difference)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from archive.models import Statement

from .engine import get_backend


def statement_index():
    from haystack import connections

    return connections["default"].get_unified_index().get_index(Statement)


# From this many statements a rebuild analyses in worker processes (one per core, at most two):
# below it, starting them costs more than it saves.
PARALLEL_FROM = 2000


def build_procs(total: int) -> int:
    return max(1, min(2, os.cpu_count() or 1)) if total >= PARALLEL_FROM else 1


def rebuild(*, progress: Callable[[int], None] | None = None, batch: int = 1000, procs: int | None = None) -> int:
    """Build a complete new index beside the live one, then swap it in. Returns the count.
    What killed rebuilds left beside the live index is removed first."""
    backend = get_backend()
    index = statement_index()
    backend.clean_leftovers()
    directory = backend.new_build_dir()
    try:
        if procs is None:
            procs = build_procs(index.index_queryset().count())
        objects = index.index_queryset().iterator(chunk_size=batch)
        count = backend.build_index(index, objects, directory, progress=progress, procs=procs)
    except BaseException:
        backend.discard(directory)
        raise
    old = backend.swap_in(directory)
    backend.forget_searcher()
    backend.discard(old)
    return count


def index_meetings(meeting_ids: Iterable[int]) -> int:
    """Re-index every statement of these meetings (removing those no longer there).

    Does nothing when no index has been built yet; a busy index is reported, not raised, so an
    import never fails because of search (``repair_search_index`` catches up)."""
    ids = sorted(set(meeting_ids))
    if not ids:
        return 0
    return get_backend().index_meetings(statement_index(), ids)


@dataclass
class Repair:
    in_database: int
    in_index: int
    missing: int  # in the database, not in the index: added
    stale: int  # in both, but changed since: replaced
    orphaned: int  # in the index, not in the database: removed

    @property
    def changed(self) -> int:
        return self.missing + self.stale + self.orphaned


def repair(*, dry_run: bool = False, batch: int = 500) -> Repair:
    """Compare database and index by identifier and freshness stamp; fix what differs."""
    backend = get_backend()
    index = statement_index()
    indexed = backend.indexed_stamps()
    to_update: list[int] = []
    missing = stale = 0
    db_count = 0
    seen: set[str] = set()
    for statement in index.index_queryset().iterator(chunk_size=2000):
        db_count += 1
        key = str(statement.pk)
        seen.add(key)
        stamp = index.prepare_stamp(statement)
        if key not in indexed:
            missing += 1
            to_update.append(statement.pk)
        elif indexed[key] != stamp:
            stale += 1
            to_update.append(statement.pk)
    orphans = [k for k in indexed if k not in seen]
    result = Repair(db_count, len(indexed), missing, stale, len(orphans))
    if dry_run or not result.changed:
        return result
    if not backend.has_index():
        rebuild()
        return result
    backend.remove_ids(f"archive.statement.{k}" for k in orphans)
    for start in range(0, len(to_update), batch):
        chunk = to_update[start : start + batch]
        backend.update(index, index.index_queryset().filter(pk__in=chunk))
    return result


def index_is_built() -> bool:
    return get_backend().has_index()
