"""The shared cache (CACHE_URL=redis://...) against the real Redis of this machine: rate-limit
counts exact across processes, and the summaries and cached page fragments stored there. Each run
uses its own key prefix in TEST_REDIS_URL's database (15 by default) and deletes its keys."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest
import redis
from django.test import Client

from archive.deploy import caches
from archive.stats import cached, summary_version

from .conftest import ROOT

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
LIMIT = 25
PER_PROCESS = 40


@pytest.fixture
def shared_redis():
    """(url, key prefix) of a reachable Redis; this test's keys are deleted afterwards."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs Redis at {REDIS_URL}: {exc}")
        pytest.skip(f"no Redis at {REDIS_URL}: {exc}")
    prefix = f"test-{uuid.uuid4().hex[:12]}-"
    yield client, prefix
    keys = list(client.scan_iter(match=f"{prefix}*"))
    if keys:
        client.delete(*keys)


# Run in each of two processes: PER_PROCESS searches from one client, eight at a time, through the
# project's search limit; prints how many were let through.
SEARCHES = f"""
import django
django.setup()
from concurrent.futures import ThreadPoolExecutor
from django.http import HttpResponse
from django.test import RequestFactory
from django_ratelimit.exceptions import Ratelimited
from archive.ratelimits import limit_searches

view = limit_searches(lambda request: HttpResponse("ok"))
def search(_):
    try:
        return view(RequestFactory().get("/search/", {{"q": "peace"}}, REMOTE_ADDR="198.51.100.7")).status_code
    except Ratelimited:
        return 429
with ThreadPoolExecutor(8) as pool:
    answers = list(pool.map(search, range({PER_PROCESS})))
print(answers.count(200))
"""


def test_rate_limit_counts_are_exact_across_two_processes(shared_redis, tmp_path):
    client, prefix = shared_redis
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DATABASE_REPLICA_URLS", "REDIS_URL")}
    env |= {
        "DJANGO_SETTINGS_MODULE": "archive.settings",
        "ARCHIVE_VAR_DIR": str(tmp_path),
        "DEBUG": "1",
        "CACHE_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": prefix,
        "SEARCH_RATE": f"{LIMIT}/h",
    }
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", SEARCHES],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=120) for process in processes]
    assert all(process.returncode == 0 for process in processes), outputs
    allowed = [int(out.strip()) for out, _err in outputs]
    assert sum(allowed) == LIMIT, allowed  # 80 searches against a limit of 25: exactly 25 let through
    assert list(client.scan_iter(match=f"{prefix}ratelimit:*")), "the counter is not in Redis"


@pytest.mark.django_db
def test_summaries_and_page_fragments_are_stored_in_redis(shared_redis, settings, tmp_path):
    client, prefix = shared_redis
    settings.CACHES, _ = caches(REDIS_URL, debug=False, cache_dir=tmp_path, max_entries=100, key_prefix=prefix)
    assert cached("probe", lambda: [1, 2, 3]) == [1, 2, 3]
    assert list(client.scan_iter(match=f"{prefix}default:*archive:probe:{summary_version()}"))
    assert cached("probe", lambda: pytest.fail("computed twice")) == [1, 2, 3]
    # A page with a cached fragment ({% cache %} on the meeting list) writes it there too.
    assert Client().get("/meetings/").status_code == 200
    assert list(client.scan_iter(match=f"{prefix}default:*template.cache.meeting-months*"))
    assert list(client.scan_iter(match=f"{prefix}default:*archive:meeting-years:*"))
