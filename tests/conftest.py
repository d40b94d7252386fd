"""Shared test helpers: where the real records are."""

from __future__ import annotations

import contextlib
import functools
import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
UNSC_2020 = SHARED / "data" / "unsc-2020"
SAMPLE = ROOT / "sample"
# What `import_records` takes from the sample (its resolutions/ go to `load_resolutions`).
SAMPLE_RECORDS = [str(SAMPLE / "records"), str(SAMPLE / "corpus-2020")]
FIXTURES = ROOT / "tests" / "fixtures"


def require_shared() -> Path:
    """The shared data folder; in CI its absence is a failure, elsewhere a skip."""
    if not UNSC_2020.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs the shared data at {SHARED}")
        pytest.skip(f"shared data not found at {SHARED}")
    return UNSC_2020


@pytest.fixture
def unsc_2020() -> Path:
    return require_shared()


@functools.cache
def parsed(path: Path):
    """parse_path, once per file per test session (the parsed meetings are immutable)."""
    from archive.parsing import parse_path

    return tuple(parse_path(path))


# --------------------------------------------------------------------------- search index


# The OpenSearch index names of this test module start with this (``search_index`` sets it).
_opensearch_prefix = ["tests-"]


def opensearch_index_name(path) -> str:
    """The OpenSearch alias standing for the index folder ``path`` (its last two parts)."""
    path = Path(path)
    name = re.sub(r"[^a-z0-9_-]+", "-", f"{path.parent.name}-{path.name}".lower())
    return _opensearch_prefix[0] + name


def point_search_index_at(path, engine: str | None = None) -> str:
    """Point haystack's PATH at ``path`` (and OpenSearch's INDEX at a name made from it; given an
    ``engine``, use it); returns the previous PATH."""
    from django.conf import settings
    from haystack import connections

    from archive.search.engine import get_backend

    get_backend().forget_searcher()
    info = settings.HAYSTACK_CONNECTIONS["default"]
    previous, info["PATH"] = info["PATH"], str(path)
    info["INDEX"] = opensearch_index_name(path)
    if engine is not None:
        info["ENGINE"] = settings.SEARCH_ENGINES[engine]
    connections.reload("default")
    return previous


def location(path):
    """Where the engine in use keeps the index ``point_search_index_at(path)`` names: the folder
    itself, or the OpenSearch alias."""
    from django.conf import settings

    if settings.HAYSTACK_CONNECTIONS["default"]["ENGINE"] == settings.SEARCH_ENGINES["opensearch"]:
        return opensearch_index_name(path)
    return path


@pytest.fixture(scope="session")
def opensearch_server():
    """One OpenSearch-compatible server for the test session (osmem-server, in memory), started
    only when a test asks for the opensearch engine; the settings point at it."""
    from django.conf import settings
    from osmem_server import OsmemServer

    info = settings.HAYSTACK_CONNECTIONS["default"]
    server = OsmemServer.start(japanese=False)
    previous, info["URL"] = info["URL"], server.url
    yield server
    info["URL"] = previous
    server.close()


@pytest.fixture(autouse=True, scope="session")
def _no_search_index_in_the_work_tree(tmp_path_factory):
    """No test reads or writes var/search_index: imports see an empty, unbuilt index path."""
    previous = point_search_index_at(tmp_path_factory.mktemp("no-index") / "search_index")
    yield
    point_search_index_at(previous)


@pytest.fixture(scope="module", params=["whoosh", "tantivy", "opensearch"])
def search_index(request, tmp_path_factory):
    """Where the index of one test module lives (build it in the module), once per search engine:
    every test using it runs on each, so the engines cannot drift apart. A folder in a temporary
    folder, or (opensearch) an alias on the session's server, under the module's own prefix."""
    from django.conf import settings

    engine = settings.HAYSTACK_CONNECTIONS["default"]["ENGINE"]
    if request.param == "opensearch":
        request.getfixturevalue("opensearch_server")
    _opensearch_prefix[0] = request.module.__name__.rsplit(".", 1)[-1].lower().replace("_", "-") + "-"
    path = tmp_path_factory.mktemp(f"search-{request.param}") / "search_index"
    previous = point_search_index_at(path, request.param)
    yield location(path)
    point_search_index_at(previous)
    _opensearch_prefix[0] = "tests-"
    settings.HAYSTACK_CONNECTIONS["default"]["ENGINE"] = engine


@pytest.fixture(autouse=True)
def _reads_from_the_primary(request, settings):
    """Pages read the primary (what a test wrote is not committed: a replica cannot see it), except in
    tests marked ``replica`` (tests/test_replicas.py), which commit and read the real replica."""
    if request.node.get_closest_marker("replica") is None:
        settings.DATABASE_REPLICAS = []


@pytest.fixture
def log_lines():
    """The records written on the request log ("archive.requests") during the test."""
    import logging

    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = logging.getLogger("archive.requests")
    logger.addHandler(handler)
    yield records
    logger.removeHandler(handler)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Every test starts with no request counted against the per-client limits (one client,
    127.0.0.1, makes all the test requests)."""
    from django.core.cache import caches

    caches["ratelimit"].clear()


@contextlib.contextmanager
def indexed_sample(django_db_blocker):
    """For a module-scoped fixture (with ``search_index``): the sample imported, committed and
    indexed; the database emptied afterwards."""
    from django.core.management import call_command

    from archive.importing import import_paths
    from archive.models import Statement
    from archive.search import upkeep

    with django_db_blocker.unblock():
        assert import_paths(SAMPLE_RECORDS).errors == []
        assert upkeep.rebuild() == Statement.objects.count()
        yield
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(autouse=True)
def one_rate_window(monkeypatch):
    """Every request of a test in one rate-limit window: the limiter's windows are fixed, and a
    test that crossed a window's end on a slow machine (the admin login tests hash passwords) saw
    its count start again."""
    import time
    import types

    import django_ratelimit.core

    now = int(time.time())
    monkeypatch.setattr(django_ratelimit.core, "time", types.SimpleNamespace(time=lambda: now))
