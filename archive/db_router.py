"""Page reads from PostgreSQL read replicas; every write, and every read that must see one, from the primary.

Reads go to a replica only inside ``replica_reads()``, which ``ReplicaReadsMiddleware`` opens around
the requests that only read (GET and HEAD, outside /admin/ and /alerts/, from a client that has
not just written). Everything else (imports, ``send_alerts`` and every other command, the admin,
sign-ups, a shell) never enters it and reads the primary. Inside it, a read still goes to the
primary when

- it happens inside a transaction (``transaction.atomic``): a block that reads then writes sees
  the latest rows;
- its model is not one of the archive's published ones (sessions, users, alert subscriptions):
  a sign-in or a confirmation link must find what was just stored.

One replica is chosen per block (the whole page reads one consistent copy, so a summary version
and the rows it names come from the same point in time), among those that answer and are at
most ``DATABASE_REPLICA_MAX_LAG`` seconds behind. Each replica's health is checked with one query
and the verdict kept ``DATABASE_REPLICA_CHECK_SECONDS`` per process; with no healthy replica the
block reads the primary.
"""

from __future__ import annotations

import contextlib
import contextvars
import random
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connections

from archive.deploy import PRIMARY
from archive.requestlog import ms_since

REPLICATED_APP = "archive"
PRIMARY_ONLY_MODELS = frozenset({"archive.subscription"})  # read back right after being written

# Seconds this replica is behind its primary: 0 when it has replayed everything it received,
# else the age of the last transaction it replayed (NULL when it has replayed none yet).
LAG_SQL = """
SELECT pg_is_in_recovery(),
       CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
            ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END
"""


@dataclass(frozen=True)
class ReplicaHealth:
    alias: str
    usable: bool
    lag_seconds: float | None  # None when unknown (unreachable, nothing replayed yet)
    latency_ms: float
    error: str
    checked_at: float  # time.monotonic()


_verdicts: dict[str, ReplicaHealth] = {}
_verdicts_lock = threading.Lock()


def check(alias: str) -> ReplicaHealth:
    """Ask the replica ``alias`` now: does it answer, is it a replica, how far behind is it."""
    started = time.monotonic()
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute(LAG_SQL)
            in_recovery, lag = cursor.fetchone()
    except DatabaseError as exc:
        connections[alias].close()  # the next use connects again
        error = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return ReplicaHealth(alias, False, None, ms_since(started), error, time.monotonic())
    latency = ms_since(started)
    lag = None if lag is None else float(lag)
    max_lag = settings.DATABASE_REPLICA_MAX_LAG
    if not in_recovery:
        error = "not in recovery: a primary, not a replica (promoted?)"
    elif lag is None:
        error = "behind by an unknown time (no transaction replayed yet)"
    elif lag > max_lag:
        error = f"{lag:.1f} s behind the primary (DATABASE_REPLICA_MAX_LAG is {max_lag:g} s)"
    else:
        error = ""
    return ReplicaHealth(alias, not error, lag, latency, error, time.monotonic())


def health(alias: str, *, fresh: bool = False) -> ReplicaHealth:
    """The replica's last verdict while it is younger than DATABASE_REPLICA_CHECK_SECONDS (unless
    ``fresh``), else a new one."""
    with _verdicts_lock:
        verdict = _verdicts.get(alias)
    if fresh or verdict is None or time.monotonic() - verdict.checked_at >= settings.DATABASE_REPLICA_CHECK_SECONDS:
        verdict = check(alias)
        with _verdicts_lock:
            _verdicts[alias] = verdict
    return verdict


def forget_verdicts() -> None:
    """Check every replica again at its next use."""
    with _verdicts_lock:
        _verdicts.clear()


def choose_replica() -> str:
    """A healthy replica (the first found from a random start, so readers spread over them), else
    the primary."""
    replicas = list(settings.DATABASE_REPLICAS)
    if not replicas:
        return PRIMARY
    start = random.randrange(len(replicas))  # spreading the readers, not a secret
    for alias in replicas[start:] + replicas[:start]:
        if health(alias).usable:
            return alias
    return PRIMARY


class _Reads:
    """The database one ``replica_reads()`` block reads, chosen at its first read."""

    def __init__(self) -> None:
        self.alias: str | None = None

    def database(self) -> str:
        if self.alias is None:
            self.alias = choose_replica()
        return self.alias


_reads: contextvars.ContextVar[_Reads | None] = contextvars.ContextVar("replica_reads", default=None)


@contextlib.contextmanager
def replica_reads() -> Iterator[_Reads]:
    """Within: reads of the archive's published models may go to one healthy replica."""
    reads = _Reads()
    token = _reads.set(reads)
    try:
        yield reads
    finally:
        _reads.reset(token)


def streamed(reads: _Reads, chunks: Iterable) -> Iterator:
    """``chunks`` (a streamed response's content, read after the view has returned and its block
    has closed) produced with ``reads`` in force again, so an export reads the same replica."""
    iterator = iter(chunks)
    while True:
        token = _reads.set(reads)  # set and reset within one step: the same context
        try:
            chunk = next(iterator)
        except StopIteration:
            return
        finally:
            _reads.reset(token)
        yield chunk


def fall_back_to_primary() -> str | None:
    """The current block reads the primary from now on; returns the replica it read before (None
    when it read none)."""
    reads = _reads.get()
    if reads is None or reads.alias in (None, PRIMARY):
        return None
    replica, reads.alias = reads.alias, PRIMARY
    return replica


def database_read() -> str | None:
    """The database the current replica_reads() block reads (None outside one, or before its first read)."""
    reads = _reads.get()
    return None if reads is None else reads.alias


class ReplicaRouter:
    """DATABASE_ROUTERS when DATABASE_REPLICA_URLS is set."""

    def db_for_read(self, model, **hints) -> str:
        reads = _reads.get()
        if reads is None or model._meta.app_label != REPLICATED_APP or model._meta.label_lower in PRIMARY_ONLY_MODELS:
            return PRIMARY
        if connections[PRIMARY].in_atomic_block:
            return PRIMARY
        instance = hints.get("instance")
        if instance is not None and instance._state.db:  # a related row: from where its parent came
            return instance._state.db
        return reads.database()

    def db_for_write(self, model, **hints) -> str:
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        """Rows read from a replica and from the primary are rows of one database."""
        same = {PRIMARY, *settings.DATABASE_REPLICAS}
        return True if obj1._state.db in same and obj2._state.db in same else None

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool:
        """Migrations run on the primary; replicas receive them by replication."""
        return db == PRIMARY
