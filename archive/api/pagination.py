"""Page-number pagination for the API: a total count, the page's rows in a stable order, and the
absolute paths of the next and previous pages. A page past the last is a 404."""

from __future__ import annotations

import math

from django.http import Http404, HttpRequest


def page_link(request: HttpRequest, page: int) -> str:
    params = request.GET.copy()
    params["page"] = str(page)
    return f"{request.path}?{params.urlencode()}"


def page_info(request: HttpRequest, count: int, page: int, per_page: int) -> dict:
    """count, page, pages, per_page, next, previous; raises Http404 past the last page."""
    pages = math.ceil(count / per_page)
    if page > max(pages, 1):
        raise Http404(f"Page {page} is past the last page ({pages}).")
    return {
        "count": count,
        "page": page,
        "pages": pages,
        "per_page": per_page,
        "next": page_link(request, page + 1) if page < pages else None,
        "previous": page_link(request, page - 1) if page > 1 else None,
    }


def paginate(request: HttpRequest, queryset, page: int, per_page: int) -> dict:
    """One page of ``queryset`` (already ordered): two queries, the count and the rows (plus the
    queryset's own prefetches)."""
    info = page_info(request, queryset.count(), page, per_page)
    start = (page - 1) * per_page
    return {**info, "results": list(queryset[start : start + per_page])}
