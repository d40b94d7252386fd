"""Per-client rate limits (django-ratelimit) and the page a client sees past its limit.

``limit("search", "SEARCH_RATE")`` decorates a view (``limit_searches`` every search surface): each client (by IP address) gets at most the
rate that setting names ("120/m"); past it the view is not run and the client gets HTTP 429 with
Retry-After. The counters live in the ``ratelimit`` cache (settings ``CACHES``, docs/operations.md).
"""

from __future__ import annotations

import ipaddress
import unicodedata

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django_ratelimit.core import get_usage
from django_ratelimit.decorators import ratelimit

from archive.middleware import API_PREFIX

KEY = "ip"
DEFAULT_RETRY_AFTER = 60  # seconds, for a limit this module did not set (no window known)


def limit(group: str, setting: str, method=ratelimit.ALL, key=KEY):
    """At most ``settings.<setting>`` requests per client to the decorated view (those of ``method``:
    "POST", say; all by default), else 429. Clients are told apart by ``key`` (django-ratelimit's
    key: the IP address by default, or a function of the request such as ``posted_user_name``)."""

    def rate(_group: str, request: HttpRequest) -> str:
        value = getattr(settings, setting)
        request.rate_limit = (group, value, key)  # read back by too_many_requests for Retry-After
        return value

    return ratelimit(group=group, key=key, rate=rate, method=method, block=True)


def posted_user_name(_group: str, request: HttpRequest) -> str:
    """The user name a login form posts, as Django's login reads it (stripped, NFKC-normalised),
    and case-folded: " admin", "admin\u00a0" and "ａｄｍｉｎ" log in as "admin", so they count as
    "admin"."""
    return unicodedata.normalize("NFKC", request.POST.get("username", "")).strip().casefold()


def login_limits(view):
    """The admin's login form: at most ADMIN_LOGIN_RATE tries per client address and
    ADMIN_LOGIN_USER_RATE per user name (however many addresses try it, however it is spelt); a
    refused try is answered before any password is hashed."""
    per_name = limit("admin-login-name", "ADMIN_LOGIN_USER_RATE", method="POST", key=posted_user_name)
    per_address = limit("admin-login", "ADMIN_LOGIN_RATE", method="POST")
    return per_address(per_name(view))


def limit_searches(view):
    """Every search surface (the page, the API, the feed, the exports) counts against one
    per-client rate, ``SEARCH_RATE``: each runs the same query on the same engine."""
    return limit("search", "SEARCH_RATE")(view)


def client_ip(request: HttpRequest) -> str:
    """RATELIMIT_IP_META_KEY when RATELIMIT_TRUSTED_PROXY_HEADER is set: the client address the
    trusted proxy put in that header. For a list (X-Forwarded-For) the last address, the one the
    proxy added; a client can forge the ones before it. The peer address where the header is
    missing or is not an address."""
    meta_key = "HTTP_" + settings.RATELIMIT_TRUSTED_PROXY_HEADER.upper().replace("-", "_")
    addresses = [part.strip() for part in request.META.get(meta_key, "").split(",") if part.strip()]
    if addresses:
        try:
            return str(ipaddress.ip_address(addresses[-1]))
        except ValueError:  # not an address: the peer's
            return request.META["REMOTE_ADDR"]
    return request.META["REMOTE_ADDR"]


def retry_after(request: HttpRequest) -> int:
    """Seconds until the limit that refused ``request`` lets its client in again."""
    limited = getattr(request, "rate_limit", None)
    if limited is not None:
        group, rate, key = limited
        usage = get_usage(request, group=group, key=key, rate=rate, increment=False)
        if usage is not None:
            return max(1, usage["time_left"])
    return DEFAULT_RETRY_AFTER


def too_many_requests(request: HttpRequest, exception: Exception) -> HttpResponse:
    """RATELIMIT_VIEW: HTTP 429, a page saying when to try again (under /api/, JSON as every
    error there), and Retry-After."""
    seconds = retry_after(request)
    if request.path.startswith(API_PREFIX):
        detail = f"Too many requests from this address; try again in {seconds} seconds."
        response = JsonResponse({"detail": detail}, status=429)
    else:
        response = render(request, "429.html", {"retry_after": seconds}, status=429)
    response["Retry-After"] = str(seconds)
    return response
