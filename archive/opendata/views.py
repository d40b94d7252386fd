"""Exports (CSV, JSON, JSON Lines) streamed from the database, and robots.txt. Thin: pick the
statements, hand them to ``exports``, stream what it writes."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_GET

from archive.models import Delegation, Resolution, Speaker, Statement
from archive.ratelimits import limit_searches
from archive.search import query as ql
from archive.search.matching import MissingIndex, matching_ids

from . import exports


def _stream(request: HttpRequest, fmt: str, statements, name: str) -> StreamingHttpResponse:
    base_url = request.build_absolute_uri("/").rstrip("/")
    lines = exports.statement_export(fmt, statements, base_url)
    response = StreamingHttpResponse(exports.batched(lines), content_type=exports.FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="council-archive-{name}.{fmt}"'
    return response


@require_GET
def delegation_export(request: HttpRequest, key: str, fmt: str) -> StreamingHttpResponse:
    delegation = get_object_or_404(Delegation, key=key)
    statements = Statement.objects.by_delegation(delegation).substantive().oldest_first()
    return _stream(request, fmt, exports.iter_statements(statements), f"{delegation.key}-statements")


@require_GET
def speaker_export(request: HttpRequest, slug: str, fmt: str) -> StreamingHttpResponse:
    speaker = get_object_or_404(Speaker.objects.slug_or_merged(slug))  # a merged slug: the survivor's
    return _stream(
        request, fmt, exports.iter_statements(speaker.statements.oldest_first()), f"{speaker.slug}-statements"
    )


@require_GET
def resolution_export(request: HttpRequest, number: int, fmt: str) -> StreamingHttpResponse:
    resolution = get_object_or_404(Resolution, number=number)
    statements = Statement.objects.citing_resolution(resolution.number).oldest_first()
    return _stream(request, fmt, exports.iter_statements(statements), f"statements-citing-{resolution.number}")


@require_GET
@limit_searches
def search_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """Every statement matching ``q``, oldest first (``sort=newest``: newest first)."""
    q = request.GET.get("q", "").strip()
    if not q:
        raise Http404("An export of a search needs a query: ?q=...")
    try:
        ids = matching_ids(q, newest_first=request.GET.get("sort") == "newest")
    except ql.QueryError as exc:
        return plain(f"The query cannot be read: {exc}", status=400)
    except MissingIndex as exc:
        return plain(str(exc), status=503)
    return _stream(request, fmt, exports.iter_statement_ids(ids), "search")


def plain(message: str, *, status: int) -> HttpResponse:
    return HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Everything may be crawled but searches (their pages, feeds and exports) and the alert
    forms; the sitemap lists every page."""
    lines = [
        "User-agent: *",
        "Allow: /",
        "Disallow: /search/",
        "Disallow: /alerts/",
        "Disallow: /admin/",
        f"Sitemap: {request.build_absolute_uri(reverse('opendata:sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
