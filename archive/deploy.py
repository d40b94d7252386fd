"""Settings that depend on where the site runs: the read replicas, the caches and the Content-Security-Policy. Read by ``archive/settings.py``; why each choice: docs/operations.md.

No Django import at module level: the settings module imports this before Django is set up.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

REDIS_BACKEND = "django.core.cache.backends.redis.RedisCache"
FILE_BACKEND = "django.core.cache.backends.filebased.FileBasedCache"
LOCMEM_BACKEND = "django.core.cache.backends.locmem.LocMemCache"


POSTGRESQL_ENGINE = "django.db.backends.postgresql"
PRIMARY = "default"


def replica_databases(urls: list[str], primary: dict, *, connect_timeout: int) -> dict[str, dict]:
    """The ``DATABASES`` entries of the read replicas (``replica1``, ``replica2``, ... in the order of
    ``urls``), connected like the primary but giving up after ``connect_timeout`` seconds, so that a
    replica that is down costs a reader that long once (archive/db_router.py then reads the
    primary). Replicas are streaming copies of a PostgreSQL primary: any other engine is refused.

    In tests each is a mirror of the primary (pytest-django creates no test database on a read-only
    server); tests/test_replicas.py points one at the real replica's copy of the test database."""
    if urls and primary["ENGINE"] != POSTGRESQL_ENGINE:
        raise ImproperlyConfigured("DATABASE_REPLICA_URLS needs a PostgreSQL DATABASE_URL (the primary they copy).")
    replicas = {}
    for number, url in enumerate(urls, start=1):
        database = dj_database_url.parse(
            url, conn_max_age=primary["CONN_MAX_AGE"], conn_health_checks=primary["CONN_HEALTH_CHECKS"]
        )
        if database["ENGINE"] != POSTGRESQL_ENGINE:
            raise ImproperlyConfigured(f"DATABASE_REPLICA_URLS: replica {number} is not a postgres:// URL: {url!r}.")
        database.setdefault("OPTIONS", {})["connect_timeout"] = connect_timeout
        database["TEST"] = {"MIRROR": PRIMARY}
        replicas[f"replica{number}"] = database
    return replicas


def caches(url: str, *, debug: bool, cache_dir: Path, max_entries: int, key_prefix: str = "") -> tuple[dict, list[str]]:
    """(CACHES, the django-ratelimit system checks that do not apply to them).

    Two caches: ``default`` (rendered fragments and summaries, keyed by the summary version) and
    ``ratelimit`` (request counters per client, few keys). Where they live:

    - ``url`` redis://, rediss:// or unix:// -> Django's RedisCache, shared by every process and
      machine, with an atomic INCR. django-ratelimit's check lists only django-redis's backend as
      supported (W001), which does not apply to Django's own.
    - no ``url``, production -> files under ``cache_dir``: shared by the gunicorn workers of one
      machine, with no service to run. Its increment is a read then a write (E003), so two requests
      of one client racing each other may count once: a client can pass its limit by about the
      number of requests it has in flight. Set CACHE_URL to Redis for exact counting.
    - no ``url``, DEBUG -> memory of the one development process (E003 says "not shared", which
      does not apply to a single process).

    ``key_prefix`` goes before each cache's name in its keys: sites (or test runs) sharing one Redis
    database keep apart.
    """
    if url:
        if urlsplit(url).scheme not in ("redis", "rediss", "unix"):
            raise ImproperlyConfigured(f"CACHE_URL must be a redis://, rediss:// or unix:// URL, not {url!r}.")
        return (
            {
                name: {"BACKEND": REDIS_BACKEND, "LOCATION": url, "KEY_PREFIX": key_prefix + name}
                for name in ("default", "ratelimit")
            },
            ["django_ratelimit.W001"],
        )
    if debug:
        return (
            {name: {"BACKEND": LOCMEM_BACKEND, "LOCATION": name} for name in ("default", "ratelimit")},
            ["django_ratelimit.E003", "django_ratelimit.W001"],
        )
    return (
        {
            name: {"BACKEND": FILE_BACKEND, "LOCATION": str(cache_dir / name), "OPTIONS": {"MAX_ENTRIES": max_entries}}
            for name in ("default", "ratelimit")
        },
        ["django_ratelimit.E003", "django_ratelimit.W001"],
    )


def origin(url: str) -> str:
    """``https://docs.un.org`` for ``https://docs.un.org/en/{symbol}``."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(official_document_url: str) -> dict:
    """django-csp's setting: everything from this site only, no inline script or style, no plugins,
    no framing. The search box may redirect a symbol to the official document, so forms may also
    lead there (browsers check form-action on the redirect too)."""
    self_ = "'self'"
    none = "'none'"
    return {
        "DIRECTIVES": {
            "default-src": [self_],
            "script-src": [self_],
            "style-src": [self_],
            "img-src": [self_, "data:"],  # data: images (Swagger UI's icons on the API docs) cannot run script
            "connect-src": [self_],
            "font-src": [self_],
            "object-src": [none],
            "base-uri": [none],
            "frame-ancestors": [none],
            "form-action": [self_, origin(official_document_url)],
        }
    }
