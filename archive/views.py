"""Thin views: read with the QuerySets in models.py, render a template."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count, Max, Min, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from .charts import bar_list, column_chart
from .models import (
    ROLE_CHOICES,
    Citation,
    Delegation,
    DelegationYear,
    Meeting,
    Resolution,
    ResolutionReference,
    Speaker,
    Statement,
    StatementAlias,
)
from .rendering import citing_sentence

PAGE_SIZE = 25
ROLE_VALUES = {value for value, _ in ROLE_CHOICES}


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
        "most_cited": Resolution.objects.with_citation_counts().filter(citation_count__gt=0).order_by("-citation_count", "number")[:10],
    }
    return render(request, "archive/home.html", context)


def meeting_list(request: HttpRequest) -> HttpResponse:
    years = [d.year for d in Meeting.objects.dates("date", "year", order="DESC")]
    year = request.GET.get("year", "")
    selected = int(year) if year.isdigit() and int(year) in years else (years[0] if years else None)
    meetings = Meeting.objects.with_statement_counts()
    if selected is not None:
        meetings = meetings.filter(date__year=selected)
    months: dict[str, list] = {}
    for meeting in meetings:
        label = meeting.date.strftime("%B %Y") if meeting.date else "Undated"
        months.setdefault(label, []).append(meeting)
    return render(request, "archive/meeting_list.html", {"years": years, "year": selected, "months": months})


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
    statement = (
        Statement.objects.listing()
        .select_related("meeting__presidency")
        .prefetch_related("citations")
        .filter(meeting__slug=slug, order=order)
        .first()
    )
    if statement is None:
        alias = StatementAlias.objects.select_related("statement__meeting").filter(meeting__slug=slug, old_order=order).first()
        if alias is None:
            raise Http404("No such statement")
        return redirect(alias.statement, permanent=True)
    siblings = statement.meeting.statements.filter(order__in=[order - 1, order + 1]).listing()
    neighbours = {s.order: s for s in siblings}
    cited = {}
    for c in statement.citations.all():
        if c.resolution_id and not c.year_conflict:
            cited.setdefault(c.number, {"number": c.number, "text": c.text, "paragraphs": []})["paragraphs"] += c.paragraphs
    context = {
        "statement": statement,
        "meeting": statement.meeting,
        "previous": neighbours.get(order - 1),
        "next": neighbours.get(order + 1),
        "cited": [cited[n] for n in sorted(cited)],
    }
    return render(request, "archive/statement_detail.html", context)


def country_list(request: HttpRequest) -> HttpResponse:
    rows = DelegationYear.objects.select_related("delegation").order_by("delegation__name", "year")
    years = sorted({r.year for r in rows})
    table: dict[int, dict] = {}
    for r in rows:
        entry = table.setdefault(r.delegation_id, {"delegation": r.delegation, "years": {}, "statements": 0})
        entry["years"][r.year] = r
        entry["statements"] += r.statements
    states = [e for e in table.values() if e["delegation"].is_state]
    organisations = [e for e in table.values() if not e["delegation"].is_state]
    for entry in states + organisations:
        entry["cells"] = [entry["years"].get(y) for y in years]
    return render(
        request, "archive/country_list.html", {"states": states, "organisations": organisations, "years": years}
    )


def delegation_detail(request: HttpRequest, key: str) -> HttpResponse:
    delegation = get_object_or_404(Delegation, key=key)
    wants_state = request.resolver_match.url_name == "country-detail"
    if wants_state != delegation.is_state:
        return redirect(delegation, permanent=True)
    own = Statement.objects.by_delegation(delegation)
    statements = own.substantive()
    year = request.GET.get("year", "")
    role = request.GET.get("role", "")
    topic = request.GET.get("topic", "").strip()[:200]
    if year.isdigit():
        statements = statements.filter(meeting__date__year=int(year))
    if role in ROLE_VALUES:
        statements = statements.filter(role=role)
    if topic:
        statements = statements.filter(meeting__topic__icontains=topic)
    years = list(delegation.years.order_by("year"))
    top_resolutions = list(
        Citation.objects.filter(statement__delegation=delegation, resolution__isnull=False)
        .values_list("number")
        .annotate(n=Count("statement", distinct=True))
        .order_by("-n", "number")[:10]
    )
    context = {
        "delegation": delegation,
        "page": _page(request, statements.listing().newest_first()),
        "chair_turns": sum(y.chair_turns for y in years),
        "years": years,
        "chart": column_chart([(str(y.year), y.statements) for y in years], title=f"Statements per year by {delegation.name}"),
        "top_resolutions": bar_list(
            [(f"S/RES/{n}", reverse("archive:resolution-detail", args=[n]), count) for n, count in top_resolutions],
            title="Resolutions it cites most (statements)",
        ),
        "speakers": delegation.speakers.active().order_by("-statement_count", "name")[:30],
        "year": year,
        "role": role,
        "topic": topic,
        "roles": ROLE_CHOICES,
    }
    return render(request, "archive/delegation_detail.html", context)


def speaker_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    speakers = Speaker.objects.active().select_related("delegation").order_by("name")
    if q:
        speakers = speakers.filter(Q(name__icontains=q) | Q(names__name__icontains=q)).distinct()
    return render(request, "archive/speaker_list.html", {"page": _page(request, speakers, 100), "q": q})


def speaker_detail(request: HttpRequest, slug: str) -> HttpResponse:
    speaker = get_object_or_404(Speaker.objects.select_related("delegation"), slug=slug)
    statements = speaker.statements.listing().newest_first()
    roles = list(
        speaker.statements.values_list("delegation__name", "role", "meeting__date")
        .order_by("meeting__date")
    )
    spans: list[dict] = []
    for delegation_name, role, date in roles:
        if spans and spans[-1]["delegation"] == delegation_name and spans[-1]["role"] == role:
            spans[-1]["last"] = date
        else:
            spans.append({"delegation": delegation_name, "role": dict(ROLE_CHOICES).get(role, role), "first": date, "last": date})
    context = {"speaker": speaker, "names": speaker.names.all(), "page": _page(request, statements), "spans": spans}
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
