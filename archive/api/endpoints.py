"""The API's operations: thin, like the site's views. Each reads its filters (validated by the
schemas), asks a QuerySet in archive/models/, and returns one page. List operations make a
constant number of queries: the count, the page (related rows joined), and fixed prefetches."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Path, Query, Router
from ninja.decorators import decorate_view

from archive.models import (
    AgendaItem,
    Citation,
    CouncilSeat,
    Delegation,
    Meeting,
    Resolution,
    Speaker,
    Statement,
)
from archive.ratelimits import limit_searches
from archive.search import service

from . import schemas as s
from .pagination import page_info, paginate

router = Router()


class BadQuery(Exception):
    """A search query the query language cannot run (empty of words, only exclusions...)."""


def _one(queryset, what: str, name: str, **lookups):
    """The object named in the path, or a 404 that names it."""
    found = queryset.filter(**lookups).first()
    if found is None:
        raise Http404(f"No {what} {name}.")
    return found


def _known(model, field: str, value, what: str):
    """The row a filter names, or a 404 that says which filter named nothing."""
    return _one(model.objects, what, repr(value), **{field: value})


# ---------------------------------------------------------------- index


@router.get("/", response={200: s.Index, **s.ERRORS}, url_name="index", tags=["index"])
def index(request: HttpRequest):
    """Where everything is: the docs, the schema, and each list."""
    names = ("meetings", "agenda-items", "statements", "speakers", "delegations", "resolutions", "citations", "search")
    return {
        "docs": reverse("api:openapi-view"),
        "openapi": reverse("api:openapi-json"),
        "lists": {name: reverse(f"api:{name}") for name in names},
    }


# ---------------------------------------------------------------- meetings


@router.get("/meetings/", response={200: s.MeetingPage, **s.ERRORS}, url_name="meetings", tags=["meetings"])
def meetings(request: HttpRequest, filters: Query[s.MeetingFilters]):
    """Meetings (one per meeting part), newest first by default; filter by agenda item, year, days, presidency."""
    qs = Meeting.objects.with_statement_counts().between(filters.date_from, filters.date_to)
    if filters.agenda is not None:
        qs = qs.under(_known(AgendaItem, "slug", filters.agenda, "agenda item"))
    if filters.year is not None:
        qs = qs.in_year(filters.year)
    if filters.presidency is not None:
        qs = qs.filter(presidency=_known(Delegation, "key", filters.presidency, "delegation"))
    qs = qs.newest_first() if filters.sort == "newest" else qs.chronological()  # both end on the key
    return paginate(request, qs, filters.page, filters.per_page)


@router.get("/meetings/{slug}/", response={200: s.MeetingDetail, **s.ERRORS}, url_name="meeting", tags=["meetings"])
def meeting(request: HttpRequest, slug: Path[s.MeetingSlug]):
    """A meeting part with its agenda, Council members present, statements and resolutions adopted."""
    qs = Meeting.objects.select_related("presidency", "agenda_item").prefetch_related(
        Prefetch("seats", CouncilSeat.objects.select_related("delegation")),
        Prefetch("statements", Statement.objects.select_related("delegation").order_by("order")),
        "adopted_resolutions",
    )
    return _one(qs, "meeting", repr(slug), slug=slug)


# ---------------------------------------------------------------- agenda items


@router.get("/agenda/", response={200: s.AgendaItemPage, **s.ERRORS}, url_name="agenda-items", tags=["agenda"])
def agenda_items(request: HttpRequest, filters: Query[s.Paged]):
    """The Council's agenda items (the list in archive/parsing/agenda_items.tsv), each with its
    meetings' count and first and last dates."""
    return paginate(request, AgendaItem.objects.with_meeting_spans(), filters.page, filters.per_page)


@router.get("/agenda/{slug}/", response={200: s.AgendaItemOut, **s.ERRORS}, url_name="agenda-item", tags=["agenda"])
def agenda_item(request: HttpRequest, slug: Path[s.AgendaSlug]):
    """One agenda item, with its meetings' count and first and last dates."""
    return _one(AgendaItem.objects.with_meeting_spans(), "agenda item", repr(slug), slug=slug)


# ---------------------------------------------------------------- statements


@router.get("/statements/", response={200: s.StatementPage, **s.ERRORS}, url_name="statements", tags=["statements"])
def statements(request: HttpRequest, filters: Query[s.StatementFilters]):
    """Statements in the order spoken (or newest first), with their text; many filters combine."""
    f = filters
    qs = Statement.objects.listing().between(f.date_from, f.date_to)
    if f.meeting is not None:
        qs = qs.filter(meeting=_known(Meeting, "slug", f.meeting, "meeting"))
    if f.agenda is not None:
        qs = qs.under(_known(AgendaItem, "slug", f.agenda, "agenda item"))
    if f.delegation is not None:
        qs = qs.by_delegation(_known(Delegation, "key", f.delegation, "delegation"))
    if f.speaker is not None:
        qs = qs.filter(speaker=_known(Speaker, "slug", f.speaker, "speaker"))
    if f.resolution is not None:
        qs = qs.citing(f.resolution)
    if f.year is not None:
        qs = qs.filter(meeting__date__year=f.year)
    if f.role is not None:
        qs = qs.filter(role=f.role)
    if f.title is not None:
        qs = qs.titled(f.title)
    if f.language is not None:
        language = f.language.strip()
        qs = qs.filter(language="") if language.lower() == "english" else qs.filter(language__iexact=language)
    qs = qs.order_by("-chrono", "-pk") if f.sort == "newest" else qs.order_by("chrono", "pk")
    return paginate(request, qs, f.page, f.per_page)


@router.get(
    "/statements/{meeting}/{order}/",
    response={200: s.StatementDetail, **s.ERRORS},
    url_name="statement",
    tags=["statements"],
)
def statement(request: HttpRequest, meeting: Path[s.MeetingSlug], order: Path[s.StatementOrder]):
    """One statement, named by its meeting's slug and its number in the meeting, with its citations."""
    qs = Statement.objects.listing().prefetch_related(
        Prefetch("citations", Citation.objects.select_related("resolution").order_by("start"))
    )
    return _one(qs, "statement", f"{meeting}/{order}", meeting__slug=meeting, order=order)


# ---------------------------------------------------------------- speakers and delegations


@router.get("/speakers/", response={200: s.SpeakerPage, **s.ERRORS}, url_name="speakers", tags=["speakers"])
def speakers(request: HttpRequest, filters: Query[s.SpeakerFilters]):
    """Speakers by name; filter by delegation or part of the name."""
    qs = Speaker.objects.select_related("delegation").order_by("name", "slug")
    if filters.delegation is not None:
        qs = qs.filter(delegation=_known(Delegation, "key", filters.delegation, "delegation"))
    if filters.name:
        qs = qs.filter(name__icontains=filters.name)
    return paginate(request, qs, filters.page, filters.per_page)


@router.get("/speakers/{slug}/", response={200: s.SpeakerDetail, **s.ERRORS}, url_name="speaker", tags=["speakers"])
def speaker(request: HttpRequest, slug: Path[s.SpeakerSlug]):
    """A speaker, with every form of the name as printed."""
    return _one(
        Speaker.objects.select_related("delegation").prefetch_related("names"), "speaker", repr(slug), slug=slug
    )


@router.get("/delegations/", response={200: s.DelegationPage, **s.ERRORS}, url_name="delegations", tags=["delegations"])
def delegations(request: HttpRequest, filters: Query[s.DelegationFilters]):
    """States, observer States, organisations and the Secretariat, by name."""
    qs = Delegation.objects.order_by("name", "key")
    if filters.kind is not None:
        qs = qs.filter(kind=filters.kind)
    if filters.name:
        qs = qs.filter(name__icontains=filters.name)
    return paginate(request, qs, filters.page, filters.per_page)


@router.get(
    "/delegations/{key}/", response={200: s.DelegationDetail, **s.ERRORS}, url_name="delegation", tags=["delegations"]
)
def delegation(request: HttpRequest, key: Path[s.DelegationKey]):
    """A delegation (ISO 3166 alpha-3 in lower case for States), with its years in the archive."""
    return _one(Delegation.objects.prefetch_related("years"), "delegation", repr(key), key=key)


# ---------------------------------------------------------------- resolutions and citations


@router.get("/resolutions/", response={200: s.ResolutionPage, **s.ERRORS}, url_name="resolutions", tags=["resolutions"])
def resolutions(request: HttpRequest, filters: Query[s.ResolutionFilters]):
    """Resolutions known to the archive (loaded, or cited in a statement), by number or most cited."""
    unread = ("agenda", "stage_directions", "votes", "invitations", "warnings")  # the record's JSON
    qs = Resolution.objects.select_related("adopting_meeting").defer(
        "text", *(f"adopting_meeting__{name}" for name in unread)
    )
    if filters.year is not None:
        qs = qs.filter(year=filters.year)
    if filters.cited:
        qs = qs.filter(citation_count__gt=0)
    qs = qs.order_by("-citation_count", "number") if filters.sort == "most-cited" else qs.order_by("number")
    return paginate(request, qs, filters.page, filters.per_page)


@router.get(
    "/resolutions/{number}/",
    response={200: s.ResolutionDetail, **s.ERRORS},
    url_name="resolution",
    tags=["resolutions"],
)
def resolution(request: HttpRequest, number: Path[s.ResolutionNumber]):
    """A resolution with its text (when in the archive) and the resolutions it cites."""
    qs = Resolution.objects.select_related("adopting_meeting").prefetch_related("references")
    return _one(qs, "resolution", str(number), number=number)


@router.get("/citations/", response={200: s.CitationPage, **s.ERRORS}, url_name="citations", tags=["citations"])
def citations(request: HttpRequest, filters: Query[s.CitationFilters]):
    """Resolutions cited in statements, in the order spoken; filter by resolution, statement, delegation, time."""
    f = filters
    qs = Citation.objects.listing()
    if f.resolution is not None:
        qs = qs.filter(number=f.resolution)
    if f.meeting is not None:
        qs = qs.filter(statement__meeting=_known(Meeting, "slug", f.meeting, "meeting"))
    if f.order is not None:
        qs = qs.filter(statement__order=f.order)
    if f.delegation is not None:
        qs = qs.filter(statement__delegation=_known(Delegation, "key", f.delegation, "delegation"))
    if f.year is not None:
        qs = qs.filter(statement__meeting__date__year=f.year)
    if f.date_from is not None:
        qs = qs.filter(statement__meeting__date__gte=f.date_from)
    if f.date_to is not None:
        qs = qs.filter(statement__meeting__date__lte=f.date_to)
    return paginate(request, qs.order_by("chrono", "statement_id", "start"), f.page, f.per_page)


@router.get(
    "/citations/{meeting}/{order}/{start}/",
    response={200: s.CitationOut, **s.ERRORS},
    url_name="citation",
    tags=["citations"],
)
def citation(
    request: HttpRequest,
    meeting: Path[s.MeetingSlug],
    order: Path[s.StatementOrder],
    start: Path[s.CitationStart],
):
    """A citation, named by its statement and its offset in the statement's text."""
    return _one(
        Citation.objects.listing(),
        "citation",
        f"at {start} in statement {meeting}/{order}",
        statement__meeting__slug=meeting,
        statement__order=order,
        start=start,
    )


# ---------------------------------------------------------------- search


@router.get(
    "/search/",
    response={200: s.SearchPage, **s.ERRORS, 429: s.Error, 503: s.Error},
    url_name="search",
    tags=["search"],
)
@decorate_view(limit_searches)
def search(request: HttpRequest, params: Query[s.SearchParams]):
    """Statements matching a query in the site's search language (see /search/help/): words,
    "phrases", OR, -word, parentheses, country:, speaker:, resolution:, year:, date:, role:,
    language:, meeting:. Twenty results a page, with highlighted snippets and facets."""
    outcome = service.search(params.q, page=params.page, sort=params.sort)
    if outcome.error:
        raise BadQuery(outcome.error)
    if outcome.missing_index:
        return 503, {"detail": "The search index is not built yet (manage.py rebuild_search_index)."}
    if outcome.total and outcome.page < params.page:
        raise Http404(f"Page {params.page} is past the last page ({outcome.pages}).")
    info = page_info(request, outcome.total, params.page, service.PER_PAGE)
    return {
        **info,
        "query": params.q,
        "sort": outcome.sort,
        "notices": outcome.notices,
        "facets": {name: [vars(v) for v in values] for name, values in outcome.facets.items()},
        "results": [{"snippet": hit.snippet, "statement": hit.statement} for hit in outcome.hits],
    }
