"""The search page and its help page. Thin: read the request, call the service, render."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe

from archive.ratelimits import limit_searches

from . import charts, service

# Filters that other pages' "search within" forms send as their own parameters.
WITHIN_PARAMS = ("country", "speaker", "meeting", "resolution", "year", "date", "role", "language", "agenda")
EMPTY_QUERY = "Type some words to search for, or a symbol such as S/RES/2334 (2016) or S/PV.8698."


def _url(q: str, **extra) -> str:
    params = {"q": q, **{k: v for k, v in extra.items() if v and v != "relevance"}}
    return reverse("archive:search") + "?" + urlencode(params)


@limit_searches
def search(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    sort = request.GET.get("sort", "relevance")
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        page = 1
    within = [(name, v) for name in WITHIN_PARAMS for v in request.GET.getlist(name) if v.strip()]
    context = {"q": q, "sort": sort, "sorts": list(service.SORTS), "submitted": "q" in request.GET}
    if not q.strip() and not within:
        if context["submitted"]:
            context["error"] = EMPTY_QUERY
        return render(request, "search/search.html", context)
    outcome = service.search_page(q, within=within, page=page, sort=sort)
    if outcome.canonical:  # a "search within" box elsewhere: one canonical URL with everything in q
        return redirect(_url(outcome.canonical, sort=request.GET.get("sort", "")))
    if outcome.redirect:
        return redirect(outcome.redirect)
    context.update(outcome=outcome, error=outcome.error)
    if outcome.parsed is not None:
        context["chips"] = [
            {
                "label": chip.label,
                "remove": _url(chip.without, sort=outcome.sort) if chip.without else reverse("archive:search"),
            }
            for chip in outcome.chips
        ]
        context["hits_chart"] = charts.hits_per_year(outcome.per_year, f"“{q}”")
        context["top_chart"] = charts.who_says_most(outcome.top_delegations)
        context["sort_links"] = [(name, _url(q, sort=name)) for name in service.SORTS]
        context["prev_url"] = _url(q, sort=outcome.sort, page=outcome.page - 1) if outcome.page > 1 else ""
        context["next_url"] = _url(q, sort=outcome.sort, page=outcome.page + 1) if outcome.page < outcome.pages else ""
        context["facet_groups"] = [
            (name, [(v, _url(v.query, sort=outcome.sort)) for v in values]) for name, values in outcome.facets.items()
        ]
        context["hits"] = [(h.statement, mark_safe(h.snippet)) for h in outcome.hits]  # noqa: S308 - escaped by the engine
        if outcome.suggestion:
            context["suggestion_url"] = _url(outcome.suggestion[0], sort=outcome.sort)
        context["names"] = outcome.names
    return render(request, "search/search.html", context, status=400 if outcome.error else 200)


def search_help(request: HttpRequest) -> HttpResponse:
    return render(request, "search/help.html", {})
