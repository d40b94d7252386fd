"""Requests no page can answer, refused before any view runs."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

API_PREFIX = "/api/"


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
