"""The search page and its help page. Thin: read the request, call the service, render."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import mark_safe

from archive.models import Meeting, Resolution
from archive.ratelimits import limit_searches

from . import charts, service
from . import query as ql

# Filters that other pages' "search within" forms send as their own parameters.
WITHIN_PARAMS = ("country", "speaker", "meeting", "resolution", "year", "date", "role", "language")


def _url(q: str, **extra) -> str:
    params = {"q": q, **{k: v for k, v in extra.items() if v and v != "relevance"}}
    return reverse("archive:search") + "?" + urlencode(params)


def _symbol_redirect(text: str) -> tuple[str | None, str]:
    """(where to go, or None; a notice when the symbol is not in the archive)."""
    target = ql.symbol_target(text)
    if target is None:
        return None, ""
    if target.kind == "resolution":
        if Resolution.objects.filter(number=target.number).exists():
            try:
                return reverse("archive:resolution-detail", args=[target.number]), ""
            except NoReverseMatch:
                return None, ""
        return None, f"{target.symbol} is not in the archive; statements citing it are listed below."
    if target.kind == "meeting":
        meeting = Meeting.objects.filter(slug=target.slug).first()
        if meeting is not None:
            return meeting.get_absolute_url(), ""
        return None, f"{target.symbol} is not in the archive."
    return settings.OFFICIAL_DOCUMENT_URL.format(symbol=target.symbol), ""


@limit_searches
def search(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    within = [f"{name}:{ql._quote(v.strip())}" for name in WITHIN_PARAMS for v in request.GET.getlist(name) if v.strip()]
    if within:  # a "search within" box elsewhere: one canonical URL with everything in q
        return redirect(_url(" ".join([*within, q.strip()]).strip(), sort=request.GET.get("sort", "")))
    sort = request.GET.get("sort", "relevance")
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        page = 1
    context = {"q": q, "sort": sort, "sorts": list(service.SORTS), "submitted": "q" in request.GET}
    if not q.strip():
        if context["submitted"]:
            context["error"] = "Type some words to search for, or a symbol such as S/RES/2334 (2016) or S/PV.8698."
        return render(request, "search/search.html", context)
    target, symbol_notice = _symbol_redirect(q)
    if target:
        return redirect(target)
    if symbol_notice:
        number = ql.parse_resolution_number(q.replace("resolution", "").strip())
        q_text = f"resolution:{number}" if number else q
        outcome = service.search(q_text, page=page, sort=sort)
        outcome.notices.insert(0, symbol_notice)
    else:
        outcome = service.search(q, page=page, sort=sort)
    context.update(outcome=outcome, error=outcome.error)
    if outcome.parsed is not None:
        parsed = outcome.parsed
        context["chips"] = [
            {"label": ql.describe(part), "remove": _url(parsed.without(i), sort=outcome.sort) if len(parsed.parts) > 1 else reverse("archive:search")}
            for i, part in enumerate(parsed.parts)
        ]
        context["hits_chart"] = charts.hits_per_year(outcome.per_year, f"“{q}”")
        context["top_chart"] = charts.who_says_most(outcome.top_delegations)
        context["sort_links"] = [(name, _url(q, sort=name)) for name in service.SORTS]
        context["prev_url"] = _url(q, sort=outcome.sort, page=outcome.page - 1) if outcome.page > 1 else ""
        context["next_url"] = _url(q, sort=outcome.sort, page=outcome.page + 1) if outcome.page < outcome.pages else ""
        context["facet_groups"] = [
            (name, [(v, _url(v.query, sort=outcome.sort)) for v in values]) for name, values in outcome.facets.items()
        ]
        context["hits"] = [(h.statement, mark_safe(h.snippet)) for h in outcome.hits]  # noqa: S308 - escaped in snippet()
        if outcome.suggestion:
            context["suggestion_url"] = _url(outcome.suggestion[0], sort=outcome.sort)
        context["names"] = service.names_matching(parsed)
    return render(request, "search/search.html", context, status=400 if outcome.error else 200)


def search_help(request: HttpRequest) -> HttpResponse:
    return render(request, "search/help.html", {})
