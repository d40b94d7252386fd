"""Reads from a real PostgreSQL streaming replica (./scripts/test builds one on port 5433 and sets
DATABASE_REPLICA_URLS): page reads go to it, writes and the reads that must see them go to the
primary, and a replica that is down or behind is passed over without an error.

The replica alias is a test mirror of the primary (pytest-django cannot create a database on a
read-only server); the ``replica`` fixture points it at the replica's copy of the test database,
which streaming replication keeps current. What a test writes is committed (transaction=True),
or the replica could not see it."""

from __future__ import annotations

import contextlib
import copy
import json
import os
import socket
import time

import pytest
from django.conf import settings
from django.db import connection, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from archive import db_router
from archive.importing import import_paths
from archive.middleware import PIN_COOKIE
from archive.models import Meeting, Statement, Subscription

from .conftest import SAMPLE

pytestmark = [pytest.mark.replica, pytest.mark.django_db(transaction=True, databases="__all__")]

RECORD = SAMPLE / "records" / "S_PV.8700_E.pdf"


@pytest.fixture
def replica():
    """The first replica's alias, connected to the replica's copy of the test database."""
    if connection.vendor != "postgresql":
        pytest.skip("read replicas are PostgreSQL's: these run in ./scripts/test's PostgreSQL pass")
    if not settings.DATABASE_REPLICAS:
        if os.environ.get("CI") == "true":
            pytest.fail("CI needs a read replica: DATABASE_REPLICA_URLS (./scripts/test builds one)")
        pytest.skip("no DATABASE_REPLICA_URLS: ./scripts/test builds a replica on port 5433")
    alias = settings.DATABASE_REPLICAS[0]
    mirrored = connections[alias].settings_dict
    connections[alias].close()
    real = copy.deepcopy(settings.DATABASES[alias]) | {"NAME": connections[db_router.PRIMARY].settings_dict["NAME"]}
    connections[alias].settings_dict = copy.deepcopy(real)
    db_router.forget_verdicts()
    yield alias
    connections[alias].close()
    connections[alias].settings_dict = real  # a test may have pointed it elsewhere
    resume_replay(alias)
    connections[alias].close()
    connections[alias].settings_dict = mirrored
    db_router.forget_verdicts()


def one_value(alias: str, sql: str):
    with connections[alias].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def wait_for_replay(alias: str, timeout: float = 20) -> None:
    """Until the replica has replayed everything the primary has written so far."""
    target = one_value(db_router.PRIMARY, "SELECT pg_current_wal_lsn()::text")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if one_value(alias, f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"):
            return
        time.sleep(0.05)
    raise AssertionError(f"the replica {alias} did not replay up to {target} within {timeout} s")


def resume_replay(alias: str) -> None:
    if one_value(alias, "SELECT pg_is_wal_replay_paused()"):
        one_value(alias, "SELECT pg_wal_replay_resume()::text")


@contextlib.contextmanager
def queries_on(*aliases: str):
    """{alias: the SQL it ran} within the block."""
    contexts = {alias: CaptureQueriesContext(connections[alias]) for alias in aliases}
    with contextlib.ExitStack() as stack:
        for context in contexts.values():
            stack.enter_context(context)
        seen: dict[str, list[str]] = {}
        yield seen
    seen.update({alias: [q["sql"] for q in context.captured_queries] for alias, context in contexts.items()})


def archive_queries(sqls: list[str]) -> list[str]:
    return [sql for sql in sqls if '"archive_' in sql]


def import_record() -> Meeting:
    summary = import_paths([str(RECORD)])
    assert summary.errors == []
    return Meeting.objects.get()


def logged_database(log_lines) -> str | None:
    """The ``db`` of the one request logged since the last call."""
    [record] = log_lines
    log_lines.clear()
    return json.loads(record.getMessage())["db"]


def test_a_page_reads_the_replica_and_a_write_the_primary(replica, settings, log_lines):
    settings.REQUEST_LOG = True
    with queries_on(db_router.PRIMARY, replica) as seen:
        meeting = import_record()  # an import: no request, never a replica
    assert archive_queries(seen[db_router.PRIMARY]) and seen[replica] == []
    assert log_lines == []
    wait_for_replay(replica)
    statement = Statement.objects.filter(meeting=meeting).order_by("order").last()

    with queries_on(db_router.PRIMARY, replica) as seen:
        page = Client().get(f"/meetings/{meeting.slug}/")
    assert page.status_code == 200
    assert statement.speaker_label in page.content.decode()  # the replicated rows, shown
    assert archive_queries(seen[replica]), "the page did not read the replica"
    assert archive_queries(seen[db_router.PRIMARY]) == []
    assert logged_database(log_lines) == replica

    # A sign-up writes (a POST: the primary only) and pins its client's reads to the primary.
    client = Client()
    with queries_on(db_router.PRIMARY, replica) as seen:
        response = client.post(
            "/alerts/follow/", {"email": "reader@example.org", "kind": "delegation", "target": "fra"}
        )
    assert response.status_code == 200, response.content.decode()
    assert Subscription.objects.filter(email="reader@example.org").count() == 1
    assert seen[replica] == [] and any("INSERT" in sql for sql in seen[db_router.PRIMARY])
    assert int(response.cookies[PIN_COOKIE].value) > time.time()
    assert logged_database(log_lines) is None
    with queries_on(db_router.PRIMARY, replica) as seen:
        assert client.get(f"/meetings/{meeting.slug}/").status_code == 200
    assert seen[replica] == [] and archive_queries(seen[db_router.PRIMARY])
    assert logged_database(log_lines) is None
    # A forged pin far in the future is not honoured.
    client.cookies[PIN_COOKIE] = str(int(time.time()) + 10**6)
    with queries_on(db_router.PRIMARY, replica) as seen:
        assert client.get(f"/meetings/{meeting.slug}/").status_code == 200
    assert archive_queries(seen[replica]) and archive_queries(seen[db_router.PRIMARY]) == []


def test_a_streamed_export_reads_its_rows_from_the_replica_too(replica):
    meeting = import_record()
    wait_for_replay(replica)
    delegation = Statement.objects.filter(meeting=meeting, delegation__isnull=False).first().delegation
    response = Client().get(f"/countries/{delegation.key}/statements.csv")
    assert response.status_code == 200 and response.streaming
    with queries_on(db_router.PRIMARY, replica) as seen:
        rows = b"".join(response.streaming_content).decode().splitlines()  # read as the server sends it
    assert len(rows) > 1 and archive_queries(seen[replica])
    assert archive_queries(seen[db_router.PRIMARY]) == []


def test_reads_inside_a_transaction_and_of_subscriptions_stay_on_the_primary(replica):
    with db_router.replica_reads() as reads, queries_on(db_router.PRIMARY, replica) as seen:
        Meeting.objects.count()
        with transaction.atomic():
            Meeting.objects.exists()  # a read that a write in this block may depend on
        Subscription.objects.exists()  # a confirmation link opened right after signing up
    assert reads.alias == replica
    assert [("archive_meeting" in sql) for sql in archive_queries(seen[replica])] == [True]
    primary = archive_queries(seen[db_router.PRIMARY])
    assert len(primary) == 2 and "archive_meeting" in primary[0] and "archive_subscription" in primary[1]
    # Outside a request (commands, imports, alerts) everything is the primary's.
    with queries_on(db_router.PRIMARY, replica) as seen:
        Meeting.objects.count()
    assert seen[replica] == []


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_replica_that_is_down_is_passed_over_without_an_error(replica):
    meeting = import_record()
    connections[replica].close()
    connections[replica].settings_dict["PORT"] = closed_port()
    with queries_on(db_router.PRIMARY) as seen:
        page = Client().get(f"/meetings/{meeting.slug}/")
    assert page.status_code == 200 and meeting.title in page.content.decode()
    assert archive_queries(seen[db_router.PRIMARY])
    verdict = db_router.health(replica)
    assert not verdict.usable and verdict.lag_seconds is None and "refused" in verdict.error
    # The verdict is kept: the next page does not try the replica again.
    checked = verdict.checked_at
    assert Client().get(f"/meetings/{meeting.slug}/").status_code == 200
    assert db_router.health(replica).checked_at == checked
    # /readyz: the replica is named as down; the node stays in service ("degraded", 200) as reads fall back.
    report = json.loads(Client().get("/readyz").content)
    assert report["checks"]["replicas"][replica]["ok"] is False
    assert "refused" in report["checks"]["replicas"][replica]["error"]
    assert report["status"] in ("degraded", "not ready")  # not ready only for want of a search index here
    assert report["checks"]["search"]["ok"] is (report["status"] == "degraded")


def test_a_replica_that_stops_answering_between_two_checks_is_passed_over_without_an_error(replica):
    meeting = import_record()
    wait_for_replay(replica)
    assert db_router.health(replica).usable  # the verdict the next page relies on
    connections[replica].close()
    connections[replica].settings_dict["PORT"] = closed_port()  # it goes down
    with queries_on(db_router.PRIMARY) as seen:
        page = Client().get(f"/meetings/{meeting.slug}/")
    assert page.status_code == 200 and meeting.title in page.content.decode()
    assert archive_queries(seen[db_router.PRIMARY])
    assert not db_router.health(replica).usable  # found down, and remembered


def test_a_replica_behind_the_bound_is_passed_over_until_it_catches_up(replica, settings, log_lines):
    settings.DATABASE_REPLICA_MAX_LAG = 0.5
    settings.REQUEST_LOG = True
    wait_for_replay(replica)
    one_value(replica, "SELECT pg_wal_replay_pause()::text")
    meeting = import_record()  # the primary moves on; the paused replica receives but does not replay
    time.sleep(1)
    verdict = db_router.health(replica, fresh=True)
    assert not verdict.usable and verdict.lag_seconds > 0.5 and "behind the primary" in verdict.error
    with queries_on(db_router.PRIMARY, replica) as seen:
        page = Client().get(f"/meetings/{meeting.slug}/")
    assert page.status_code == 200 and meeting.title in page.content.decode()  # only the primary has it
    assert archive_queries(seen[db_router.PRIMARY]) and archive_queries(seen[replica]) == []
    assert logged_database(log_lines) == db_router.PRIMARY  # a reading page that fell back

    resume_replay(replica)
    wait_for_replay(replica)
    verdict = db_router.health(replica, fresh=True)
    assert verdict.usable and verdict.lag_seconds == 0
    with queries_on(db_router.PRIMARY, replica) as seen:
        assert meeting.title in Client().get(f"/meetings/{meeting.slug}/").content.decode()
    assert archive_queries(seen[replica]) and archive_queries(seen[db_router.PRIMARY]) == []
