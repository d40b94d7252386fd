"""Per-client rate limits (django-ratelimit) and the page a client sees past its limit.

``limit("search", "SEARCH_RATE")`` decorates a view: each client (by IP address) gets at most the
rate that setting names ("120/m"); past it the view is not run and the client gets HTTP 429 with
Retry-After. The counters live in the ``ratelimit`` cache (settings ``CACHES``, docs/operations.md).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit.core import get_usage
from django_ratelimit.decorators import ratelimit

KEY = "ip"
DEFAULT_RETRY_AFTER = 60  # seconds, for a limit this module did not set (no window known)


def limit(group: str, setting: str, method=ratelimit.ALL, key: str = KEY):
    """At most ``settings.<setting>`` requests per client to the decorated view (those of ``method``:
    "POST", say; all by default), else 429. Clients are told apart by ``key`` (django-ratelimit's
    key: the IP address by default, "post:username" for the name a login form is posting)."""

    def rate(_group: str, request: HttpRequest) -> str:
        value = getattr(settings, setting)
        request.rate_limit = (group, value, key)  # read back by too_many_requests for Retry-After
        return value

    return ratelimit(group=group, key=key, rate=rate, method=method, block=True)


def login_limits(view):
    """The admin's login form: at most ADMIN_LOGIN_RATE tries per client address and
    ADMIN_LOGIN_USER_RATE per user name (however many addresses try it); a refused try is answered
    before any password is hashed."""
    per_name = limit("admin-login-name", "ADMIN_LOGIN_USER_RATE", method="POST", key="post:username")
    per_address = limit("admin-login", "ADMIN_LOGIN_RATE", method="POST")
    return per_address(per_name(view))


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


def too_many_requests(request: HttpRequest, exception: Exception) -> HttpResponse:
    """RATELIMIT_VIEW: HTTP 429, a page saying when to try again, and Retry-After."""
    retry_after = DEFAULT_RETRY_AFTER
    limited = getattr(request, "rate_limit", None)
    if limited is not None:
        group, rate, key = limited
        usage = get_usage(request, group=group, key=key, rate=rate, increment=False)
        if usage is not None:
            retry_after = max(1, usage["time_left"])
    response = render(request, "429.html", {"retry_after": retry_after}, status=429)
    response["Retry-After"] = str(retry_after)
    return response
