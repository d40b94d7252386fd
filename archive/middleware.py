"""Middleware: the request log, the load balancer's probes, which database a request reads, and
requests no page can answer, refused before any view runs."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

from archive import db_router, health, requestlog

API_PREFIX = "/api/"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Pages that read what their reader may just have written: always from the primary.
PRIMARY_PATHS = ("/admin/", "/alerts/")
# After a client writes (any other method), its reads stay on the primary this long (a cookie holding
# the time until which): the admin who saved a correction sees it on the public page at once.
PIN_COOKIE = "primary_until"


class RequestLogMiddleware:
    """Outermost: times every request, counts the slow ones, and writes one JSON line per request
    when REQUEST_LOG is on (archive/requestlog.py)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.monotonic()
        response = self.get_response(request)
        duration = requestlog.ms_since(started)
        probe = request.path in health.PATHS
        slow = False if probe else requestlog.count(duration, settings.SLOW_REQUEST_MS)
        if settings.REQUEST_LOG and (not probe or response.status_code != 200):
            text = requestlog.line(
                method=request.method or "",
                path=request.path,
                status=response.status_code,
                duration_ms=duration,
                user_agent=request.headers.get("User-Agent", ""),
                database=getattr(request, "database_read", None),
                slow=slow,
            )
            requestlog.write(text, slow=slow)
        return response


class HealthMiddleware:
    """/healthz and /readyz, answered before the host check, the HTTPS redirect and everything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path in health.PATHS and request.method in ("GET", "HEAD"):
            return health.readyz() if request.path.rstrip("/") == health.READYZ else health.healthz()
        return self.get_response(request)


class ReplicaReadsMiddleware:
    """Requests that only read (GET, HEAD, OPTIONS outside PRIMARY_PATHS, from a client that has not
    written in the last DATABASE_REPLICA_MAX_LAG seconds) read the archive from a replica
    (archive/db_router.py); the request remembers which, for the log. Only with DATABASE_REPLICAS."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not settings.DATABASE_REPLICAS:
            return self.get_response(request)
        if request.method not in SAFE_METHODS:
            response = self.get_response(request)
            response.set_cookie(
                PIN_COOKIE,
                str(int(time.time()) + self.pin_seconds()),
                max_age=self.pin_seconds(),
                httponly=True,
                samesite="Lax",
                secure=not settings.DEBUG,
            )
            return response
        if request.path.startswith(PRIMARY_PATHS) or self.pinned(request):
            return self.get_response(request)
        with db_router.replica_reads() as reads:
            response = self.get_response(request)
        if response.streaming:  # an export: its rows are read as it is sent
            response.streaming_content = db_router.streamed(reads, response.streaming_content)
        request.database_read = reads.alias
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """A replica that stops answering while a page reads it (down since its last check): checked
        again (the verdict is kept for the next requests) and, when it is down, the page read again
        from the primary. Only pages that only read get here, so running the view twice is safe."""
        if not isinstance(exception, (OperationalError, InterfaceError)) or db_router.database_read() is None:
            return None
        replica = db_router.database_read()
        if replica == db_router.PRIMARY or db_router.health(replica, fresh=True).usable:
            return None  # not the replica's failure: Django's error handling as usual
        db_router.fall_back_to_primary()
        match = request.resolver_match
        return match.func(request, *match.args, **match.kwargs)

    @staticmethod
    def pin_seconds() -> int:
        """How long a client's reads stay on the primary after it wrote: longer than a replica in use can lag."""
        return int(settings.DATABASE_REPLICA_MAX_LAG) + 1

    @classmethod
    def pinned(cls, request: HttpRequest) -> bool:
        """True while the client's pin cookie holds a time still to come (and not further than a pin lasts)."""
        try:
            until = int(request.COOKIES.get(PIN_COOKIE, "0"))
        except ValueError:
            return False
        now = time.time()
        return now < until <= now + cls.pin_seconds()


class RejectNulMiddleware:
    """A NUL character in the path or the query string is answered 400: no text the archive holds
    contains one, and PostgreSQL refuses it in a query (a server error otherwise)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PREFIX):  # the API checks its own parameters and answers in JSON
            return self.get_response(request)
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            return HttpResponseBadRequest("A NUL character in the address.", content_type="text/plain")
        return self.get_response(request)
