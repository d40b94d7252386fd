"""Thin views: read with the QuerySets in models.py, render a template."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Max, Min
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .models import Delegation, Meeting, Speaker, Statement

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
    statements = list(meeting.statements.listing().order_by("order"))
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
        Statement.objects.listing().select_related("meeting__presidency"), meeting__slug=slug, order=order
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
