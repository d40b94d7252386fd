"""The read-only JSON API at /api/v1/ (django-ninja; docs/api.md): the operations, the OpenAPI
schema at /api/v1/schema/, interactive docs at /api/v1/docs/ (Swagger UI from static files, no
inline script), and errors as JSON ``{"detail": "..."}`` everywhere under /api/v1/, unknown paths
and wrong methods included."""

from __future__ import annotations

import functools

from django.http import Http404, HttpRequest, HttpResponsePermanentRedirect, JsonResponse
from django.http.response import HttpResponseBase
from django.urls import Resolver404, URLPattern, URLResolver, path, re_path, resolve
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import ValidationError

from .endpoints import BadQuery, router


class ArchiveAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        return operation.view_func.__name__  # "statements", "statement": names a client generator keeps


api = ArchiveAPI(
    title="Council archive API",
    version="1",
    description=(
        "Read-only JSON API of the archive of UN Security Council statements: meetings, statements, "
        "speakers, delegations, resolutions, citations and full-text search. Every list is paged "
        "(`page`, `per_page` up to 100) in a stable order, with `count`, `next` and `previous`. "
        'Errors are JSON: `{"detail": "..."}`. See /api/v1/docs/ and docs/api.md.'
    ),
    openapi_url="/schema/",
    docs_url="/docs/",
    urls_namespace="api",
)
api.add_router("", router)


def _field(loc) -> str:
    parts = [str(p) for p in loc if p not in ("query", "path", "params", "filters")]
    return ".".join(parts) or "request"


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError):
    errors = [
        {
            "loc": [str(p) if not isinstance(p, int) else p for p in e.get("loc", ())],
            "msg": e.get("msg", ""),
            "type": e.get("type", ""),
        }
        for e in exc.errors
    ]
    detail = "; ".join(f"{_field(e['loc'])}: {e['msg']}" for e in errors)
    return api.create_response(request, {"detail": f"Invalid request. {detail}", "errors": errors}, status=422)


@api.exception_handler(Http404)
def not_found_error(request: HttpRequest, exc: Http404):
    return api.create_response(request, {"detail": str(exc) or "Not found."}, status=404)


@api.exception_handler(BadQuery)
def bad_query(request: HttpRequest, exc: BadQuery):
    return api.create_response(request, {"detail": str(exc)}, status=400)


def _ambiguous_query(request: HttpRequest) -> str | None:
    for name, values in request.GET.lists():
        if not name:
            return f"The query string has a parameter without a name (={values[0]})."
        if len(values) > 1:
            return f"The parameter {name!r} is given {len(values)} times; give it once."
    return None


def json_errors(view):
    """Answers that Django or ninja give as plain text or HTML under /api/v1/ (a wrong method's 405)
    turned into JSON, with their headers (Allow) kept; no CSRF check, as nothing here writes.
    A query string that cannot mean one thing is refused (400) rather than guessed at: a parameter
    without a name (``?=true``), or one given twice (``?year=2019&year=2020``; every parameter here
    takes one value)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        if (problem := _ambiguous_query(request)) is not None:
            return JsonResponse({"detail": problem}, status=400)
        response = view(request, *args, **kwargs)
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith("application/json"):
            allow = response.get("Allow")
            detail = (
                f"{request.method} is not allowed here; use {allow}."
                if response.status_code == 405
                else (response.reason_phrase)
            )
            response = JsonResponse({"detail": detail}, status=response.status_code)
            if allow:
                response["Allow"] = allow
        return response

    return csrf_exempt(wrapped)


@json_errors
def not_found(request: HttpRequest, rest: str) -> HttpResponseBase:
    if not request.path.endswith("/"):  # /api/v1/meetings -> /api/v1/meetings/, as elsewhere on the site
        try:
            match = resolve(request.path + "/")
        except Resolver404:
            match = None
        if match is not None and match.url_name != "api-not-found":
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(request.path + "/" + (f"?{query}" if query else ""))
    return JsonResponse(
        {"detail": f"There is no API endpoint at {request.path}. The endpoints are listed at /api/v1/docs/."},
        status=404,
    )


def _wrapped(patterns: list[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = json_errors(pattern.callback)
    return patterns


_patterns, _app_name, _namespace = api.urls
urlpatterns = [
    path("", (_wrapped(_patterns), _app_name, _namespace)),
    re_path(r"^(?P<rest>.*)$", not_found, name="api-not-found"),
]
