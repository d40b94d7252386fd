"""Settings that depend on where the site runs: the caches and the Content-Security-Policy. Read by ``archive/settings.py``; why each choice: docs/operations.md.

No Django import at module level: the settings module imports this before Django is set up.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

REDIS_BACKEND = "django.core.cache.backends.redis.RedisCache"
FILE_BACKEND = "django.core.cache.backends.filebased.FileBasedCache"
LOCMEM_BACKEND = "django.core.cache.backends.locmem.LocMemCache"


def caches(url: str, *, debug: bool, cache_dir: Path, max_entries: int) -> tuple[dict, list[str]]:
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
    """
    if url:
        if urlsplit(url).scheme not in ("redis", "rediss", "unix"):
            raise ImproperlyConfigured(f"CACHE_URL must be a redis://, rediss:// or unix:// URL, not {url!r}.")
        return (
            {
                name: {"BACKEND": REDIS_BACKEND, "LOCATION": url, "KEY_PREFIX": name}
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

