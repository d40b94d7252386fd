"""What only the OpenSearch engine has: a server. Its address and credentials come from one URL; a
rebuild writes a new index and moves the alias in one request, so a reader during a rebuild sees the
old index; a rebuild killed with SIGKILL leaves the live index alone and its partial index is
deleted by the next rebuild; a server that is down is a clear error and /readyz answers 503.

Against osmem-server (tests/conftest.py ``opensearch_server``); the engine's behaviour shared with
the other engines is tested in every ``search_index`` test."""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings
from django.test import Client

from archive.models import Statement
from archive.search import service, upkeep
from archive.search.engine import EngineUnavailable, get_backend
from archive.search.opensearch_backend import OpenSearchSearchBackend, connection

from .conftest import ROOT, SAMPLE_RECORDS, indexed_sample

OPENSEARCH_ONLY = pytest.mark.parametrize("search_index", ["opensearch"], indirect=True, scope="module")


# ---------------------------------------------------------------- the server's address


def test_the_url_names_the_server_the_user_and_tls():
    secure = connection("https://reader%40un:pa%3Ass@search.example.org:9443", ca_certs="/etc/ca.pem", timeout=3)
    assert (secure.host, secure.port, secure.use_ssl, secure.verify_certs) == ("search.example.org", 9443, True, True)
    assert secure.http_auth == ("reader@un", "pa:ss") and secure.ca_certs == "/etc/ca.pem" and secure.timeout == 3
    assert secure.url == "https://reader@un@search.example.org:9443"  # the password never shown
    plain = connection("http://127.0.0.1", ca_certs="/etc/ca.pem")
    assert (plain.port, plain.use_ssl, plain.verify_certs, plain.http_auth, plain.ca_certs) == (
        9200,
        False,
        False,
        None,
        None,
    )
    assert not connection("https://h:9200", verify_certs=False).verify_certs
    for bad in ("search.example.org:9200", "ftp://h", "http://h:9200/index", "http://h?x=1", "https://"):
        with pytest.raises(ValueError, match="OPENSEARCH_URL"):
            connection(bad)


def test_the_index_analyzer_finds_the_whoosh_engines_words(opensearch_server):
    """The same words at the same positions as the Whoosh engine's analyzer, on real statements;
    only some stems differ (Lucene's Porter: "commit", "employ"; Whoosh's: "committ", "employment")."""
    from archive.search.backend import TEXT_ANALYZER as WHOOSH
    from archive.search.opensearch_backend import ANALYSIS, TEXT_ANALYZER

    from .conftest import SAMPLE, parsed

    index = "analyzer-check"
    opensearch_server.request("PUT", f"/{index}", {"settings": {"analysis": ANALYSIS}})
    texts = [s.text for path in sorted((SAMPLE / "records").iterdir())[:4] for m in parsed(path) for s in m.statements]
    equal = total = 0
    for text in texts:
        answer = opensearch_server.request("POST", f"/{index}/_analyze", {"analyzer": TEXT_ANALYZER, "text": text})
        ours = [(t["token"], t["start_offset"]) for t in answer["tokens"]]
        whoosh = [(t.text, t.startchar) for t in WHOOSH(text, chars=True)]
        assert [offset for _, offset in ours] == [offset for _, offset in whoosh]
        equal += sum(a == b for (a, _), (b, _) in zip(ours, whoosh, strict=True))
        total += len(whoosh)
    assert len(texts) > 30 and total > 5000 and equal / total > 0.98
    opensearch_server.request("DELETE", f"/{index}")


class _Refusing(BaseHTTPRequestHandler):
    """A server that refuses every request as unauthorised, keeping the credentials it was sent."""

    seen: list[str] = []

    def do_GET(self) -> None:
        self.seen.append(self.headers.get("Authorization", ""))
        body = json.dumps({"error": {"type": "security_exception", "reason": "bad credentials"}, "status": 401})
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())

    do_HEAD = do_GET

    def log_message(self, *args) -> None:
        pass


def test_credentials_in_the_url_reach_the_server_and_a_refusal_is_a_clear_error():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Refusing)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://reader:s3cret@127.0.0.1:{server.server_port}"
        backend = OpenSearchSearchBackend("default", URL=url, INDEX="council-statements", TIMEOUT=5)
        with pytest.raises(EngineUnavailable) as refused:
            backend.has_index()
    finally:
        server.shutdown()
        server.server_close()
    assert _Refusing.seen and _Refusing.seen[0] == "Basic " + base64.b64encode(b"reader:s3cret").decode()
    message = str(refused.value)
    assert f"http://reader@127.0.0.1:{server.server_port}" in message and "401" in message
    assert "s3cret" not in message


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server_down():
    """The engine pointed at a port nobody listens on."""
    from haystack import connections

    info = settings.HAYSTACK_CONNECTIONS["default"]
    saved = dict(info)
    get_backend().forget_searcher()
    info.update(ENGINE=settings.SEARCH_ENGINES["opensearch"], URL=f"http://127.0.0.1:{_closed_port()}", TIMEOUT=2)
    connections.reload("default")
    yield info["URL"]
    info.clear()
    info.update(saved)
    connections.reload("default")


@pytest.mark.django_db
def test_a_server_that_is_down_is_a_clear_error_and_readyz_answers_503(server_down, caplog):
    from archive.importing import import_paths

    with pytest.raises(EngineUnavailable, match=f"OpenSearch at {server_down}.*ConnectionError"):
        get_backend().has_index()
    response = Client().get("/readyz")
    assert response.status_code == 503
    check = json.loads(response.content)["checks"]["search"]
    assert not check["ok"] and f"OpenSearch at {server_down}" in check["error"]
    # An import does not fail because search is down: repair_search_index catches up later.
    assert import_paths([SAMPLE_RECORDS[0] + "/S_PV.8700_E.pdf"]).errors == []
    assert "run repair_search_index" in caplog.text and Statement.objects.filter(meeting__slug="8700").exists()


# ---------------------------------------------------------------- rebuilds


@pytest.fixture(scope="module")
def indexed(django_db_setup, django_db_blocker, search_index):
    with indexed_sample(django_db_blocker):
        yield search_index


@OPENSEARCH_ONLY
@pytest.mark.django_db
def test_a_reader_during_a_rebuild_sees_the_old_index(indexed):
    backend = get_backend()
    old = backend.live_build()
    before = service.search("ceasefire")
    total = Statement.objects.count()
    ticks: list[int] = []
    seen: list[tuple] = []

    def progress(n: int) -> None:  # a reader, every 25 statements written into the new index
        ticks.append(n)
        if len(ticks) % 25 == 1:
            seen.append((backend.live_build(), service.search("ceasefire").total, backend.doc_count()))

    assert upkeep.rebuild(progress=progress) == total
    # Every search during the build read the old index, whole.
    assert seen and all(entry == (old, before.total, total) for entry in seen)
    new = backend.live_build()
    assert new != old and not backend.build_exists(old)
    assert service.search("ceasefire").total == before.total and backend.doc_count() == total


@OPENSEARCH_ONLY
@pytest.mark.django_db
def test_a_write_by_another_process_renews_the_searcher(indexed):
    """An import in another process (here: another backend, whose searchers are kept apart) changes
    the index's generation: this process's next searcher, and its words for suggestions, are new."""
    from archive.models import Meeting

    backend = get_backend()
    before = backend.searcher()
    assert backend.searcher() is before  # long-lived while nothing changes
    info = settings.HAYSTACK_CONNECTIONS["default"]
    assert "127.0.0.1" in info["URL"]
    other = OpenSearchSearchBackend("default", **dict(info, URL=info["URL"].replace("127.0.0.1", "localhost")))
    other.setup()
    meeting = Meeting.objects.get(slug="8700")
    assert other.index_meetings(upkeep.statement_index(), [meeting.pk]) == meeting.statements.count()
    after = backend.searcher()
    assert after is not before and after.index == before.index and after.generation != before.generation
    assert backend.searcher() is after and backend.doc_count() == Statement.objects.count()


@OPENSEARCH_ONLY
@pytest.mark.django_db
def test_a_build_held_by_a_living_process_is_not_a_leftover(indexed):
    backend = get_backend()
    building = backend.new_build_dir()
    try:
        assert backend.clean_leftovers() == [] and backend.build_exists(building)
    finally:
        backend.discard(building)
    assert not backend.build_exists(building)


KILL_MID_BUILD = """
import json, os, signal
from archive.search import upkeep
from archive.search.engine import get_backend
read = []
def progress(n):
    read.append(n)
    if len(read) == 40:
        backend = get_backend()
        print(json.dumps({"live": backend.live_build(), "build": sorted(backend.client.indices.get(index=backend.index_path + "-*"))}), flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
upkeep.rebuild(progress=progress)
"""
COUNT = """
from archive.models import Statement
from archive.search.engine import get_backend
backend = get_backend()
print("COUNT", backend.live_build(), len(backend.indexed_stamps()), Statement.objects.count())
"""


def counts(env: dict[str, str]) -> list[str]:
    """[live index, documents in it, statements in the database], from a fresh process."""
    line = next(
        line for line in manage(env, "shell", "--command", COUNT).stdout.splitlines() if line.startswith("COUNT ")
    )
    return line.split()[1:]


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def test_a_killed_rebuild_leaves_the_live_index_and_the_next_rebuild_deletes_its_build(opensearch_server, tmp_path):
    env = {
        k: v for k, v in os.environ.items() if k not in ("SQLITE_TEST_NAME", "DATABASE_URL", "DATABASE_REPLICA_URLS")
    }
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'rebuild.sqlite3'}",
        ARCHIVE_VAR_DIR=str(tmp_path),
        SEARCH_ENGINE="opensearch",
        OPENSEARCH_URL=opensearch_server.url,
        OPENSEARCH_INDEX_PREFIX="killed-rebuild-",
        PYTHONUNBUFFERED="1",
    )
    manage(env, "migrate", "--verbosity", "0")
    manage(env, "import_records", SAMPLE_RECORDS[0], "--no-progress")
    manage(env, "rebuild_search_index", "--no-progress")
    live, indexed, stored = counts(env)
    assert int(indexed) == int(stored) > 40

    killed = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "--command", KILL_MID_BUILD],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert killed.returncode == -9, killed.stderr[-3000:]
    seen = json.loads(killed.stdout.strip().splitlines()[-1])
    assert seen["live"] == live and len(seen["build"]) == 2  # the live index and the killed build
    partial = next(name for name in seen["build"] if name != live)
    # The alias still names the whole old index: searches go on as before.
    assert counts(env) == [live, indexed, stored]

    rebuilt = manage(env, "rebuild_search_index", "--no-progress")
    assert f"Removed {partial}, left by a rebuild" in rebuilt.stderr
    new, indexed_after, stored_after = counts(env)
    assert new not in (live, partial) and indexed_after == stored_after == stored
    remaining = opensearch_server.request("GET", "/killed-rebuild-statements-*")
    assert sorted(remaining) == [new]
