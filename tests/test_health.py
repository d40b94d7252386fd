"""/healthz and /readyz, what a load balancer probes: answered by address over plain HTTP in
production mode, never cached nor counted among slow requests; /readyz checks the primary, each
replica, the search index (on both engines) and the cache, and answers 503 when a required part
is not ready."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from archive import requestlog
from archive.deploy import caches
from archive.models import Statement

from .conftest import indexed_sample, point_search_index_at

PRODUCTION_HOST = "archive.example.org"


@pytest.fixture
def production(settings):
    """A client of a production node: its host name only, HTTPS required."""
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [PRODUCTION_HOST]
    settings.SECURE_SSL_REDIRECT = True
    return Client(HTTP_HOST="10.0.0.7")  # a load balancer probes the node's address


def test_healthz_answers_ok_without_touching_the_database(production):
    # No django_db mark: any database access here would raise.
    for path in ("/healthz", "/healthz/"):
        response = production.get(path)
        assert response.status_code == 200, response
        assert response.content == b"ok"
        assert response["Cache-Control"] == "no-store"
    # Any other page from that address is still refused, and plain HTTP redirected.
    assert production.get("/search/help/").status_code == 400
    assert Client(HTTP_HOST=PRODUCTION_HOST).get("/search/help/").status_code == 301


@pytest.fixture(scope="module")
def indexed(django_db_setup, django_db_blocker, search_index):
    with indexed_sample(django_db_blocker):
        yield


@pytest.mark.django_db
def test_readyz_reports_each_part_with_its_latency(indexed, search_index, production):
    response = production.get("/readyz")
    assert response.status_code == 200, response.content
    assert response["Cache-Control"] == "no-store"
    report = json.loads(response.content)
    assert report["status"] == "ready"
    checks = report["checks"]
    assert checks["database"]["ok"] and checks["cache"]["ok"] and checks["search"]["ok"]
    assert all(isinstance(checks[part]["ms"], float) for part in ("database", "search", "cache"))
    assert f"search-{checks['search']['engine']}" in str(search_index)  # the engine of this run
    assert checks["search"]["documents"] == Statement.objects.count() > 0
    assert checks["replicas"] == {}  # none in this test (tests/test_replicas.py: a real one)
    assert set(report["requests"]) == {"requests", "slow_requests", "slow_request_ms"}


@pytest.mark.django_db
def test_readyz_is_503_without_a_search_index(production, tmp_path):
    previous = point_search_index_at(tmp_path / "nothing-built")
    try:
        response = production.get("/readyz")
    finally:
        point_search_index_at(previous)
    assert response.status_code == 503
    report = json.loads(response.content)
    assert report["status"] == "not ready"
    assert not report["checks"]["search"]["ok"]
    assert "no search index built at" in report["checks"]["search"]["error"]
    assert report["checks"]["database"]["ok"]


@pytest.mark.django_db
def test_readyz_is_503_when_the_cache_cannot_be_reached(production, settings, tmp_path):
    settings.CACHES, _ = caches("redis://127.0.0.1:9/0", debug=False, cache_dir=tmp_path, max_entries=10)
    response = production.get("/readyz")
    assert response.status_code == 503
    report = json.loads(response.content)
    assert not report["checks"]["cache"]["ok"] and "ConnectionError" in report["checks"]["cache"]["error"]


def test_probes_are_not_counted_among_slow_requests(settings):
    settings.SLOW_REQUEST_MS = -1  # every request is slow
    before = requestlog.counts()
    client = Client()
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
    assert requestlog.counts() == before
    assert client.get("/search/help/").status_code == 200
    after = requestlog.counts()
    assert after["requests"] == before["requests"] + 1 and after["slow_requests"] == before["slow_requests"] + 1
