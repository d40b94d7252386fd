"""What a load balancer probes: ``/healthz`` (the process answers; touches nothing) and ``/readyz``
(can this node serve readers: the primary database, each read replica and its lag, the search
index, the cache, each with its latency). Answered by ``HealthMiddleware`` before any other
middleware: no host check (probes come by address), no HTTPS redirect, no rate limit, no cache.

/readyz answers 503 when a required part is not ready (the primary, the search index, the cache)
and 200 otherwise; a replica that is down or behind makes it "degraded" but still 200, since page
reads then fall back to the primary (archive/db_router.py).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.core.cache import caches
from django.db import connections
from django.http import HttpResponse, JsonResponse

from archive import db_router
from archive.requestlog import counts, ms_since

HEALTHZ = "/healthz"
READYZ = "/readyz"
PATHS = frozenset({HEALTHZ, READYZ, HEALTHZ + "/", READYZ + "/"})
NO_STORE = "no-store"


@dataclass
class Check:
    ok: bool
    ms: float
    error: str = ""
    detail: dict = field(default_factory=dict)


def timed(probe: Callable[[], dict]) -> Check:
    """Run ``probe`` (returns details); any error it raises is the check's answer, not the probe's:
    a readiness probe reports what is broken rather than failing itself."""
    started = time.monotonic()
    try:
        detail = probe()
    except Exception as exc:  # noqa: BLE001 - every failure of a part is reported, named
        return Check(False, ms_since(started), f"{type(exc).__name__}: {str(exc).strip()[:300]}")
    return Check(True, ms_since(started), detail=detail)


def _primary() -> dict:
    with connections[db_router.PRIMARY].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {}


def _search() -> dict:
    from archive.search.engine import get_backend

    backend = get_backend()
    if not backend.has_index():
        raise LookupError(f"no search index built at {backend.index_path}")
    configured = settings.HAYSTACK_CONNECTIONS["default"]["ENGINE"]
    engine = next((name for name, path in settings.SEARCH_ENGINES.items() if path == configured), configured)
    return {"engine": engine, "documents": backend.doc_count()}


def _cache() -> dict:
    key, value = f"readyz:{uuid.uuid4().hex}", "ok"
    for name in ("default", "ratelimit"):
        cache = caches[name]
        cache.set(key, value, timeout=10)
        if cache.get(key) != value:
            raise LookupError(f"the {name} cache did not keep a value")
        cache.delete(key)
    return {"backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]}


def readiness() -> tuple[int, dict]:
    """(HTTP status, the report)."""
    required = {"database": timed(_primary), "search": timed(_search), "cache": timed(_cache)}
    replicas = {}
    for alias in settings.DATABASE_REPLICAS:
        verdict = db_router.health(alias, fresh=True)
        replicas[alias] = {
            "ok": verdict.usable,
            "ms": verdict.latency_ms,
            "lag_seconds": verdict.lag_seconds,
            "error": verdict.error,
        }
    if not all(check.ok for check in required.values()):
        status, state = 503, "not ready"
    elif not all(replica["ok"] for replica in replicas.values()):
        status, state = 200, "degraded"  # page reads fall back to the primary
    else:
        status, state = 200, "ready"
    report = {
        "status": state,
        "checks": {name: _public(check) for name, check in required.items()} | {"replicas": replicas},
        "requests": counts() | {"slow_request_ms": settings.SLOW_REQUEST_MS},
    }
    return status, report


def healthz() -> HttpResponse:
    response = HttpResponse("ok", content_type="text/plain")
    response["Cache-Control"] = NO_STORE
    return response


def readyz() -> HttpResponse:
    status, report = readiness()
    response = JsonResponse(report, status=status)
    response["Cache-Control"] = NO_STORE
    return response


def _public(check: Check) -> dict:
    answer = asdict(check)
    detail = answer.pop("detail")
    if not answer["error"]:
        del answer["error"]
    return answer | detail
