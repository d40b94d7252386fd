"""Thin views: read with the QuerySets in models.py, render a template."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count, Max, Min, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from .charts import bar_list, column_chart
from .models import Citation, Delegation, Meeting, Resolution, ResolutionReference, Speaker, Statement
from .rendering import citing_sentence

PAGE_SIZE = 25


def _page(request: HttpRequest, queryset, size: int = PAGE_SIZE):
    paginator = Paginator(queryset, size)
    return paginator.get_page(request.GET.get("page"))


def home(request: HttpRequest) -> HttpResponse:
    span = Meeting.objects.aggregate(first=Min("date"), last=Max("date"))
    context = {
        "meeting_count": Meeting.objects.count(),
        "statement_count": Statement.objects.count(),
        "delegation_count": Delegation.objects.filter(statements__isnull=False).distinct().count(),
        "first_date": span["first"],
        "last_date": span["last"],
        "latest": Meeting.objects.with_statement_counts()[:10],
    }
    return render(request, "archive/home.html", context)


def meeting_list(request: HttpRequest) -> HttpResponse:
    meetings = Meeting.objects.with_statement_counts()
    return render(request, "archive/meeting_list.html", {"page": _page(request, meetings, 50)})


def meeting_detail(request: HttpRequest, slug: str) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.select_related("presidency"), slug=slug)
    statements = list(meeting.statements.listing().prefetch_related("citations").order_by("order"))
    context = {
        "meeting": meeting,
        "transcript": meeting.transcript(statements),
        "seats": meeting.seats.select_related("delegation"),
        "previous": meeting.neighbour(-1),
        "next": meeting.neighbour(+1),
    }
    return render(request, "archive/meeting_detail.html", context)


def statement_detail(request: HttpRequest, slug: str, order: int) -> HttpResponse:
    statement = get_object_or_404(
        Statement.objects.listing().select_related("meeting__presidency").prefetch_related("citations"),
        meeting__slug=slug,
        order=order,
    )
    siblings = statement.meeting.statements.filter(order__in=[order - 1, order + 1]).listing()
    neighbours = {s.order: s for s in siblings}
    context = {
        "statement": statement,
        "meeting": statement.meeting,
        "previous": neighbours.get(order - 1),
        "next": neighbours.get(order + 1),
    }
    return render(request, "archive/statement_detail.html", context)


def delegation_detail(request: HttpRequest, key: str) -> HttpResponse:
    delegation = get_object_or_404(Delegation, key=key)
    wants_state = request.resolver_match.url_name == "country-detail"
    if wants_state != delegation.is_state:
        raise Http404("No such country or organisation")
    statements = Statement.objects.by_delegation(delegation).substantive().listing().newest_first()
    context = {
        "delegation": delegation,
        "page": _page(request, statements),
        "chair_turns": Statement.objects.by_delegation(delegation).filter(role="president", national_capacity=False).count(),
    }
    return render(request, "archive/delegation_detail.html", context)


def speaker_detail(request: HttpRequest, slug: str) -> HttpResponse:
    speaker = get_object_or_404(Speaker.objects.select_related("delegation"), slug=slug)
    statements = speaker.statements.listing().newest_first()
    context = {"speaker": speaker, "names": speaker.names.all(), "page": _page(request, statements)}
    return render(request, "archive/speaker_detail.html", context)


RESOLUTION_SORTS = {
    "number": ("number",),
    "-number": ("-number",),
    "year": ("year", "number"),
    "-year": ("-year", "-number"),
    "cited": ("-citation_count", "number"),
}


def resolution_list(request: HttpRequest) -> HttpResponse:
    sort = request.GET.get("sort", "number")
    if sort not in RESOLUTION_SORTS:
        sort = "number"
    resolutions = Resolution.objects.with_citation_counts().order_by(*RESOLUTION_SORTS[sort])
    return render(request, "archive/resolution_list.html", {"page": _page(request, resolutions, 100), "sort": sort})


def resolution_detail(request: HttpRequest, number: int) -> HttpResponse:
    resolution = get_object_or_404(Resolution.objects.select_related("adopting_meeting"), number=number)
    citations = Citation.objects.filter(resolution=resolution)
    country = request.GET.get("country", "")
    year = request.GET.get("year", "")
    statements = Statement.objects.filter(pk__in=citations.values("statement_id"))
    if country:
        statements = statements.filter(delegation__key=country)
    if year.isdigit():
        statements = statements.filter(meeting__date__year=int(year))
    statements = (
        statements.listing()
        .prefetch_related(Prefetch("citations", queryset=citations.order_by("start"), to_attr="these"))
        .newest_first()
    )
    page = _page(request, statements, 20)
    for statement in page.object_list:
        statement.citing = [
            {"sentence": citing_sentence(statement.text, c), "paragraphs": c.paragraphs} for c in statement.these
        ]
    # One aggregate serves the chart per year, the top delegations, the filter lists and the total.
    groups = list(
        citations.values_list(
            "statement__meeting__date",
            "statement__delegation__name",
            "statement__delegation__key",
            "statement__delegation__kind",
            "statement__role",
            "statement__national_capacity",
        ).annotate(n=Count("id"), statements=Count("statement", distinct=True))
    )
    per_year: dict[int, int] = {}
    by_delegation: dict[tuple[str, str, str], int] = {}
    for date, name, key, kind, role, national, n, statement_count in groups:
        if date:
            per_year[date.year] = per_year.get(date.year, 0) + n
        if key and not (role == "president" and not national):
            by_delegation[(name, key, kind)] = by_delegation.get((name, key, kind), 0) + statement_count
    top = sorted(by_delegation.items(), key=lambda item: (-item[1], item[0][0]))[:10]
    countries = sorted({(name, key) for _date, name, key, *_ in groups if key})
    explanations = []
    if resolution.adopting_meeting_id and resolution.vote_position:
        explanations = list(
            resolution.adopting_meeting.statements.filter(order__gt=resolution.vote_position)
            .substantive()
            .listing()
            .order_by("order")
        )
    context = {
        "resolution": resolution,
        "page": page,
        "total_citations": sum(g[6] for g in groups),
        "per_year_chart": column_chart(
            [(str(y), n) for y, n in sorted(per_year.items())], title="Citations in statements per year"
        ),
        "top_chart": bar_list(
            [(name, _delegation_url(key, kind), n) for (name, key, kind), n in top],
            title="Delegations citing it most (statements)",
        ),
        "countries": countries,
        "years": sorted(per_year),
        "country": country,
        "year": year,
        "references": resolution.references.select_related("cited").order_by("start"),
        "cited_by": ResolutionReference.objects.filter(cited=resolution).select_related("citing").order_by("citing__number"),
        "paragraphs": resolution.linked_paragraphs() if resolution.text else [],
        "vote_grid": _vote_grid(resolution.vote),
        "explanations": explanations,
    }
    return render(request, "archive/resolution_detail.html", context)


def _delegation_url(key: str, kind: str) -> str:
    name = "archive:country-detail" if kind in ("state", "observer_state") else "archive:organisation-detail"
    return reverse(name, args=[key])


def _vote_grid(vote: dict) -> list[tuple[str, str]]:
    rows = [(name, "In favour") for name in vote.get("in_favour", [])]
    rows += [(name, "Against") for name in vote.get("against", [])]
    rows += [(name, "Abstaining") for name in vote.get("abstaining", [])]
    return sorted(rows)
