"""Two app nodes, as behind a load balancer: two gunicorn instances on two ports, in production
mode, over the same PostgreSQL (the primary and, where ./scripts/test built one, its streaming
replica), the same OpenSearch-compatible search server (osmem-server in the tests) and the same Redis.

- what is imported through node A (its worker: `manage.py import_records`) is browsable and
  searchable on node B;
- one client's search limit counts across both nodes (the shared Redis cache);
- node A killed (SIGKILL, its whole process group) while readers are in flight and while an import
  runs through it loses nothing: every read is answered by node B, every stored meeting is whole,
  and the import finishes when run again through node B.

These run in ./scripts/test's PostgreSQL pass (SQLite is one machine's database). The nodes read the
test database, so what a test writes is committed (transaction=True).
"""

from __future__ import annotations

import contextlib
import html
import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections

from archive.models import Meeting, Statement

from .conftest import ROOT, SAMPLE
from .test_shared_cache import shared_redis  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db(transaction=True)

BIN = Path(sys.executable).parent
RECORD = SAMPLE / "records" / "S_PV.8700_E.pdf"
CORPUS = SAMPLE / "corpus-2020"
PUBLIC_HOST = "archive.test"
SEARCH_LIMIT = 6  # per client per day: no window ends within a test


def database_url(settings_dict: dict) -> str:
    user = settings_dict.get("USER") or ""
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    at = "@" if user else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{user}{password}{at}{host}:{port}/{settings_dict['NAME']}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str, *, client: str | None = None, timeout: float = 30) -> tuple[int, bytes]:
    """GET through "the load balancer": the public host name on every request, whichever node."""
    headers = {"Host": PUBLIC_HOST} | ({"X-Forwarded-For": client} if client else {})
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


class Node:
    """One gunicorn instance (its own process group, so it can be killed whole)."""

    def __init__(self, name: str, env: dict[str, str], folder: Path):
        self.name = name
        self.port = free_port()
        self.env = env | {"GUNICORN_BIND": f"127.0.0.1:{self.port}"}
        self.log = folder / f"node-{name}.log"
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Node:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py")],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(
                    f"node {self.name} exited ({self.process.returncode}): {self.log.read_text()[-2000:]}"
                )
            with contextlib.suppress(OSError):
                if get(self.base + "/readyz", timeout=5)[0] == 200:
                    return self
            time.sleep(0.3)
        raise AssertionError(f"node {self.name} not ready within 60 s: {get(self.base + '/readyz')[1][:500]!r}")

    def kill(self) -> None:
        """SIGKILL to the whole node (the arbiter and every worker), as a machine that dies."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def manage(self, *args: str, **kwargs) -> subprocess.Popen:
        """A management command on this node (imports run on a node, as its worker)."""
        return subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), *args],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
            **kwargs,
        )

    def run(self, *args: str, timeout: float = 300) -> str:
        process = self.manage(*args)
        output, _ = process.communicate(timeout=timeout)
        assert process.returncode == 0, f"manage.py {' '.join(args)} on node {self.name}: {output[-3000:]}"
        return output


def search_engine_env(server, prefix: str) -> dict[str, str]:
    """The one search engine both nodes use: the session's OpenSearch-compatible server (a search
    server, as several machines need; docs/operations.md), under an index prefix of this test's own."""
    return {"SEARCH_ENGINE": "opensearch", "OPENSEARCH_URL": server.url, "OPENSEARCH_INDEX_PREFIX": prefix}


@pytest.fixture
def nodes(shared_redis, opensearch_server, tmp_path):  # noqa: F811 - the fixture imported above
    """Nodes A and B (not started) sharing the test database, its replica, the search server and Redis."""
    if connection.vendor != "postgresql":
        pytest.skip("two app nodes share a PostgreSQL server: this runs in ./scripts/test's PostgreSQL pass")
    _client, prefix = shared_redis
    primary = connections["default"].settings_dict
    # Every replica alias of DATABASE_REPLICA_URLS (this process reads the primary only: the autouse
    # fixture empties settings.DATABASE_REPLICAS, but the aliases stay in DATABASES).
    replicas = [
        database_url(settings.DATABASES[alias] | {"NAME": primary["NAME"]})
        for alias in settings.DATABASES
        if alias != "default"
    ]
    if not replicas and os.environ.get("CI") == "true":
        pytest.fail("CI needs a read replica: DATABASE_REPLICA_URLS (./scripts/test builds one)")
    common = (
        {key: value for key, value in os.environ.items() if key in ("PATH", "HOME", "LANG", "LC_ALL", "TESSERACT_CMD")}
        | {
            "DJANGO_SETTINGS_MODULE": "archive.settings",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": f"127.0.0.1,{PUBLIC_HOST}",
            "SECURE_SSL_REDIRECT": "0",
            "DATABASE_URL": database_url(primary),
            "DATABASE_REPLICA_URLS": ",".join(replicas),
            "CACHE_URL": os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15"),
            "CACHE_KEY_PREFIX": prefix,
            "RATELIMIT_TRUSTED_PROXY_HEADER": "X-Forwarded-For",  # as behind the load balancer
            "SEARCH_RATE": f"{SEARCH_LIMIT}/d",
            "STATIC_ROOT": str(tmp_path / "static"),
            "WEB_CONCURRENCY": "2",
            "GUNICORN_ACCESS_LOG": "",
            "GUNICORN_LOG_LEVEL": "warning",
            "GUNICORN_MAX_REQUESTS": "0",
        }
        | search_engine_env(opensearch_server, f"two-nodes-{uuid.uuid4().hex[:8]}-")
    )
    a = Node("a", common | {"ARCHIVE_VAR_DIR": str(tmp_path / "var-a")}, tmp_path)
    b = Node("b", common | {"ARCHIVE_VAR_DIR": str(tmp_path / "var-b")}, tmp_path)
    a.run("collectstatic", "--no-input", "-v", "0")
    a.run("rebuild_search_index", "--no-progress")  # an empty index: the nodes are ready
    yield a, b
    for node in (a, b):
        node.stop()


def wait_for(check, seconds: float = 20, what: str = "") -> None:
    """Until ``check()`` is true (a replica replays the primary's writes within its lag bound)."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {seconds} s: {what}")
        time.sleep(0.2)


def test_an_import_through_node_a_is_browsable_and_searchable_on_node_b(nodes):
    a, b = (node.start() for node in nodes)
    a.run("import_records", str(RECORD), "--no-progress")
    meeting = Meeting.objects.get(symbol="S/PV.8700")
    statement = meeting.statements.order_by("order").last()

    wait_for(lambda: get(b.base + meeting.get_absolute_url())[0] == 200, what="the meeting page on node B")
    status, page = get(b.base + statement.get_absolute_url())
    assert status == 200 and html.escape(statement.speaker_label).encode() in page

    status, found = get(b.base + "/api/v1/search/?" + urllib.parse.urlencode({"q": f'"{phrase(statement)}"'}))
    assert status == 200, found[:500]
    urls = [hit["statement"]["url"] for hit in json.loads(found)["results"]]
    assert any(url.endswith(statement.get_absolute_url()) for url in urls), urls
    status, ready = get(b.base + "/readyz")
    assert status == 200, ready
    assert json.loads(ready)["checks"]["search"]["documents"] == meeting.statements.count()


def phrase(statement: Statement) -> str:
    """Four words of the statement's text, a phrase search for it finds."""
    words = [w.strip(".,;:()\"'") for w in statement.text.split()]
    words = [w for w in words if w.isalpha()]
    return " ".join(words[5:9])


def test_a_clients_search_limit_counts_across_both_nodes(nodes):
    a, b = (node.start() for node in nodes)
    client, other = "203.0.113.21", "203.0.113.22"
    seen = []
    for i in range(SEARCH_LIMIT):
        node = (a, b)[i % 2]
        seen.append(get(node.base + "/search/?q=peace", client=client)[0])
    assert seen == [200] * SEARCH_LIMIT
    assert get(a.base + "/search/?q=peace", client=client)[0] == 429
    assert get(b.base + "/api/v1/search/?q=peace", client=client)[0] == 429
    assert get(b.base + "/search/?q=peace", client=other)[0] == 200  # the limit is per client


class Readers:
    """Readers behind a load balancer: each GET goes to the next node in turn, and one that fails to
    connect or is cut off mid-answer goes to the other node (a balancer's retry of an idempotent
    request). Records every answer and every retry."""

    def __init__(self, nodes: list[Node], urls: list[str], threads: int = 6):
        self.nodes, self.urls, self.threads = nodes, urls, threads
        self.answers: list[tuple[str, int, bytes]] = []
        self.retries = 0
        self.failures: list[str] = []
        self.stop = threading.Event()
        self.lock = threading.Lock()

    def read(self, index: int, url: str) -> None:
        last = ""
        for attempt in range(len(self.nodes)):
            node = self.nodes[(index + attempt) % len(self.nodes)]
            try:
                status, body = get(node.base + url, timeout=30)
            except (OSError, http.client.HTTPException) as error:
                with self.lock:
                    self.retries += 1
                last = f"{url} on {node.name}: {error!r}"
                continue
            with self.lock:
                self.answers.append((url, status, body))
            return
        with self.lock:
            self.failures.append(last)

    def loop(self, worker: int) -> None:
        i = worker
        while not self.stop.is_set():
            self.read(i, self.urls[i % len(self.urls)])
            i += self.threads

    def __enter__(self) -> Readers:
        self.workers = [threading.Thread(target=self.loop, args=(n,)) for n in range(self.threads)]
        for thread in self.workers:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for thread in self.workers:
            thread.join(timeout=60)


def test_node_a_killed_under_readers_and_during_an_import_loses_nothing(nodes):
    a, b = (node.start() for node in nodes)
    a.run("import_records", str(RECORD), "--no-progress")
    meeting = Meeting.objects.get(symbol="S/PV.8700")
    wait_for(lambda: get(b.base + meeting.get_absolute_url())[0] == 200, what="the meeting page on node B")
    urls = [
        "/",
        meeting.get_absolute_url(),
        "/meetings/",
        "/countries/",
        "/speakers/",
        *(s.get_absolute_url() for s in meeting.statements.order_by("order")[:10]),
        meeting.statements.exclude(delegation=None).first().delegation.get_absolute_url() + "statements.csv",
    ]
    expected = {url: get(b.base + url) for url in urls}
    assert {status for status, _body in expected.values()} == {200}

    with Readers([a, b], urls) as readers:
        time.sleep(3)
        a.kill()
        answered_before_kill = len(readers.answers)
        time.sleep(3)
    assert readers.failures == []
    assert readers.retries > 0  # requests reached node A after it died, and went on to node B
    assert answered_before_kill > 0 and len(readers.answers) > answered_before_kill
    assert {status for _url, status, _body in readers.answers} == {200}
    for url, _status, body in readers.answers:
        assert body == expected[url][1], f"{url}: another answer than node B's before the kill"

    # An import through node A, killed with the node: the meetings it stored are whole, the rest
    # is stored when the import runs again through node B.
    importing = a.manage("import_records", str(CORPUS), "--no-progress")
    wait_for(lambda: Meeting.objects.count() > 1 or importing.poll() is not None, seconds=120, what="a first meeting")
    os.killpg(importing.pid, signal.SIGKILL)
    importing.wait(timeout=30)
    stored = {m.symbol: m.statements.count() for m in Meeting.objects.all()}
    b.run("import_records", str(CORPUS), "--no-progress")
    after = {m.symbol: m.statements.count() for m in Meeting.objects.all()}
    assert len(after) > len(stored) or importing.returncode == 0
    for symbol, count in stored.items():
        assert after[symbol] == count, f"{symbol} was stored in part ({count} of {after[symbol]} statements)"
    assert get(b.base + "/readyz")[0] == 200
