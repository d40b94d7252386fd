"""Thin views: read with the QuerySets in archive/models/, render a template."""

from __future__ import annotations

from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from .charts import bar_list, column_chart
from .forms import year_filter
from .models import (
    ROLE_CHOICES,
    STATE_KINDS,
    AgendaItem,
    Citation,
    Delegation,
    DelegationYear,
    ImportRun,
    Meeting,
    Resolution,
    Speaker,
    Statement,
    StatementAlias,
    StatementFlag,
    VetoedDraft,
)
from .paging import CitingStatementIds, page_of, statement_page
from .parsing.delegations import SUCCESSORS, delegation_by_key, predecessors
from .parsing.membership import membership_spans
from .parsing.roles import TITLE_KIND_CHOICES, title_kind_named
from .rendering import citing_sentence, membership_rows, numbered_paragraphs
from .stats import agenda_summary, cached, citation_summary, meeting_coverage, summary_version
from .symbol_links import attach, links_for_texts

ROLE_VALUES = {value for value, _ in ROLE_CHOICES}


def home(request: HttpRequest) -> HttpResponse:
    span = Meeting.objects.date_span()
    context = {
        "meeting_count": Meeting.objects.count(),
        "statement_count": Statement.objects.count(),
        "delegation_count": Delegation.objects.filter(statement_count__gt=0).count(),
        "first_date": span["first"],
        "last_date": span["last"],
        "latest": Meeting.objects.with_statement_counts()[:10],
        "most_cited": Resolution.objects.most_cited()[:10],
    }
    return render(request, "archive/home.html", context)


def _agenda_filter(request: HttpRequest) -> AgendaItem | None:
    """The agenda item a list is filtered on (``?agenda=<slug>``), or None."""
    slug = request.GET.get("agenda", "")[:80]
    return AgendaItem.objects.filter(slug=slug).first() if slug else None


def _held_agenda_items() -> list[AgendaItem]:
    """The choices of an agenda filter: the items with meetings."""
    return cached("agenda-items-held", lambda: list(AgendaItem.objects.held()))


def meeting_list(request: HttpRequest) -> HttpResponse:
    agenda = _agenda_filter(request)
    meetings = Meeting.objects.with_statement_counts()
    if agenda is not None:
        meetings = meetings.under(agenda)
    years = cached(
        f"meeting-years:{agenda.pk if agenda else ''}",
        lambda: [d.year for d in meetings.order_by().dates("date", "year", order="DESC")],
    )
    year = year_filter(request)
    selected = year if year in years else (years[0] if years else None)
    if selected is not None:
        meetings = meetings.filter(date__year=selected)

    def months() -> dict[str, list]:  # read only when the rendered list is not cached
        by_month: dict[str, list] = {}
        for meeting in meetings:
            by_month.setdefault(meeting.date.strftime("%B %Y") if meeting.date else "Undated", []).append(meeting)
        return by_month

    context = {
        "years": years,
        "year": selected,
        "months": months,
        "agenda": agenda,
        "agenda_items": _held_agenda_items(),
        "summary_version": summary_version(),
    }
    return render(request, "archive/meeting_list.html", context)


def meeting_detail(request: HttpRequest, slug: str) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.select_related("presidency", "agenda_item"), slug=slug)
    statements = attach(list(meeting.statements.listing().prefetch_related("citations").order_by("order")))
    context = {
        "meeting": meeting,
        "adopted": list(meeting.adopted_resolutions.order_by("number")),
        "vetoed_drafts": list(meeting.vetoed_drafts.order_by("pk")),
        "transcript": meeting.transcript(statements),
        "seats": meeting.seats.select_related("delegation"),
        "previous": meeting.neighbour(-1),
        "next": meeting.neighbour(+1),
    }
    return render(request, "archive/meeting_detail.html", context)


def agenda_list(request: HttpRequest) -> HttpResponse:
    items = cached("agenda-items", lambda: list(AgendaItem.objects.with_meeting_spans()))
    context = {"items": items, "unmatched": Meeting.objects.agenda_unmatched().count()}
    return render(request, "archive/agenda_list.html", context)


def agenda_detail(request: HttpRequest, slug: str) -> HttpResponse:
    item = get_object_or_404(AgendaItem.objects.select_related("parent"), slug=slug)
    meetings = Meeting.objects.under(item)
    summary = cached(f"agenda-summary:{item.pk}", lambda: agenda_summary(meetings))
    context = {
        "item": item,
        "sub_items": item.sub_items.all(),
        "meetings": page_of(meetings.with_statement_counts(), request.GET.get("page"), 50),
        "resolutions": Resolution.objects.adopted_under(item),
        "per_year": summary["per_year"],
        "per_year_chart": column_chart(
            [(year, statements) for year, _, statements in summary["per_year"]], title="Statements per year"
        ),
        "top_chart": bar_list(
            [(name, _delegation_url(key, kind), n) for name, key, kind, n in summary["top"]],
            title="Delegations speaking most (statements)",
        ),
        "statements": statement_page(Statement.objects.under(item).newest_first(), request.GET.get("spage"), 10),
        "summary_version": summary_version(),
    }
    return render(request, "archive/agenda_detail.html", context)


def statement_detail(request: HttpRequest, slug: str, order: int) -> HttpResponse:
    statement = (
        Statement.objects.listing()
        .select_related("meeting__presidency")
        .prefetch_related("citations")
        .filter(meeting__slug=slug, order=order)
        .first()
    )
    if statement is None:
        alias = (
            StatementAlias.objects.select_related("statement__meeting")
            .filter(meeting__slug=slug, old_order=order)
            .first()
        )
        if alias is None:
            raise Http404("No such statement")
        return redirect(alias.statement, permanent=True)
    siblings = statement.meeting.statements.filter(order__in=[order - 1, order + 1]).listing()
    neighbours = {s.order: s for s in siblings}
    cited = {}
    for c in statement.citations.all():
        if c.resolution_id and not c.year_conflict:
            cited.setdefault(c.number, {"number": c.number, "text": c.text, "paragraphs": []})["paragraphs"] += (
                c.paragraphs
            )
    context = {
        "statement": statement,
        "meeting": statement.meeting,
        "previous": neighbours.get(order - 1),
        "next": neighbours.get(order + 1),
        "cited": [cited[n] for n in sorted(cited)],
    }
    return render(request, "archive/statement_detail.html", context)


def country_list(request: HttpRequest) -> HttpResponse:
    return render(request, "archive/country_list.html", cached("country-list", _country_list_context))


def _country_list_context() -> dict:
    delegations = {d.pk: d for d in Delegation.objects.filter(years__isnull=False).distinct()}
    per_delegation: dict[int, dict[int, tuple[int, bool]]] = {}
    years: set[int] = set()
    for delegation_id, year, statements, member in DelegationYear.objects.values_list(
        "delegation_id", "year", "statements", "council_member"
    ).order_by():
        per_delegation.setdefault(delegation_id, {})[year] = (statements, member)
        years.add(year)
    ordered = sorted(years)
    rows = sorted(
        ((delegations[pk], cells) for pk, cells in per_delegation.items() if pk in delegations),
        key=lambda row: row[0].name,
    )
    return {
        "years": ordered,
        "states": membership_rows([r for r in rows if r[0].is_state], ordered),
        "organisations": membership_rows([r for r in rows if not r[0].is_state], ordered),
    }


def delegation_detail(request: HttpRequest, key: str) -> HttpResponse:
    delegation = get_object_or_404(Delegation, key=key)
    wants_state = request.resolver_match.url_name == "country-detail"
    if wants_state != delegation.is_state:
        return redirect(delegation, permanent=True)
    own = Statement.objects.by_delegation(delegation)
    statements = own.substantive()
    year = year_filter(request)
    role = request.GET.get("role", "")
    title = title_kind_named(request.GET.get("title", "")[:100]) or ""
    topic = request.GET.get("topic", "").strip()[:200]
    agenda = _agenda_filter(request)
    if agenda is not None:
        statements = statements.under(agenda)
    if year is not None:
        statements = statements.filter(meeting__date__year=year)
    if role in ROLE_VALUES:
        statements = statements.filter(role=role)
    if title:
        statements = statements.titled(title)
    if topic:
        statements = statements.filter(meeting__topic__icontains=topic)
    years = list(delegation.years.order_by("year"))
    top_resolutions = cached(
        f"top-resolutions:{delegation.pk}",
        lambda: Citation.objects.filter(statement__delegation=delegation).most_cited_numbers(10),
    )
    filtered = bool(year is not None or role in ROLE_VALUES or title or topic or agenda)
    context = {
        "delegation": delegation,
        "page": statement_page(
            statements.newest_first(),
            request.GET.get("page"),
            count=None if filtered else delegation.statement_count,
        ),
        "chair_turns": sum(y.chair_turns for y in years),
        "years": years,
        "chart": column_chart(
            [(str(y.year), y.statements) for y in years], title=f"Statements per year by {delegation.name}"
        ),
        "top_resolutions": bar_list(
            [(f"S/RES/{n}", reverse("archive:resolution-detail", args=[n]), count) for n, count in top_resolutions],
            title="Resolutions it cites most (statements)",
        ),
        "speakers": delegation.speakers.active().order_by("-statement_count", "name")[:30],
        "year": "" if year is None else str(year),
        "role": role,
        "topic": topic,
        "agenda": agenda,
        "agenda_items": _held_agenda_items(),
        "roles": ROLE_CHOICES,
        "title": title,
        "titles": TITLE_KIND_CHOICES,
        "summary_version": summary_version(),
        "council_spans": membership_spans(delegation.key),
        "vetoes": delegation.vetoes.count(),
        "successors": _linked_delegations(SUCCESSORS.get(delegation.key, ())),
        "predecessors": _linked_delegations(predecessors(delegation.key)),
    }
    return render(request, "archive/delegation_detail.html", context)


def _linked_delegations(pairs) -> list[tuple[str, str | None, object]]:
    """(name, URL when the archive holds it, since) for States that continued one another."""
    held = {d.key: d for d in Delegation.objects.filter(key__in=[k for k, _ in pairs])}
    out = []
    for key, since in pairs:
        if key in held:
            out.append((held[key].name, held[key].get_absolute_url(), since))
        else:
            info = delegation_by_key(key)
            out.append((info.name if info else key, None, since))
    return out


def speaker_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    speakers = Speaker.objects.active().select_related("delegation").order_by("name")
    if q:
        speakers = speakers.filter(Q(name__icontains=q) | Q(names__name__icontains=q)).distinct()
    return render(
        request, "archive/speaker_list.html", {"page": page_of(speakers, request.GET.get("page"), 100), "q": q}
    )


def speaker_detail(request: HttpRequest, slug: str) -> HttpResponse:
    speaker = Speaker.objects.select_related("delegation").filter(slug=slug).first()
    if speaker is None:  # a speaker merged into another: its page is the survivor's
        survivor = get_object_or_404(Speaker.objects.merged_into(slug))
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(survivor.get_absolute_url() + (f"?{query}" if query else ""))
    spans = cached(
        f"speaker-spans:{speaker.pk}",
        lambda: [
            {"delegation": name, "role": dict(ROLE_CHOICES).get(role, role), "first": first, "last": last}
            for name, role, first, last in speaker.statements.spans()
        ],
    )
    context = {
        "speaker": speaker,
        "names": speaker.names.all(),
        "page": statement_page(
            speaker.statements.newest_first(), request.GET.get("page"), count=speaker.statement_count
        ),
        "spans": spans,
        "summary_version": summary_version(),
    }
    return render(request, "archive/speaker_detail.html", context)


def about_data(request: HttpRequest) -> HttpResponse:
    """What the archive holds by year, when it was last updated, the gaps in the numbered
    sequence of meetings, and every flagged statement with its reason."""
    flags = StatementFlag.objects.select_related("statement__meeting", "statement__delegation").order_by(
        "reason", "statement__chrono"
    )
    reason = request.GET.get("reason", "")
    if reason in dict(StatementFlag.REASONS):
        flags = flags.filter(reason=reason)
    counts = StatementFlag.objects.counts_by_reason()
    context = {
        **meeting_coverage(),
        "last_run": ImportRun.objects.filter(finished_at__isnull=False, dry_run=False).first(),
        "flag_counts": [(value, label, counts.get(value, 0)) for value, label in StatementFlag.REASONS],
        "page": page_of(flags, request.GET.get("page"), 50),
        "reason": reason,
    }
    return render(request, "archive/about_data.html", context)


RESOLUTION_SORTS = {
    "number": ("number",),
    "-number": ("-number",),
    "year": ("year", "number"),
    "-year": ("-year", "-number"),
    "cited": ("-citation_count", "number"),  # stored count, refreshed after imports
}


def resolution_list(request: HttpRequest) -> HttpResponse:
    sort = request.GET.get("sort", "number")
    if sort not in RESOLUTION_SORTS:
        sort = "number"
    resolutions = Resolution.objects.order_by(*RESOLUTION_SORTS[sort])
    return render(
        request,
        "archive/resolution_list.html",
        {"page": page_of(resolutions, request.GET.get("page"), 100), "sort": sort},
    )


def resolution_detail(request: HttpRequest, number: int) -> HttpResponse:
    resolution = get_object_or_404(Resolution.objects.select_related("adopting_meeting"), number=number)
    citations = Citation.objects.filter(resolution=resolution)
    country = request.GET.get("country", "")
    year = year_filter(request)
    listed = citations
    if country:
        listed = listed.filter(statement__delegation__key=country)
    if year is not None:
        listed = listed.filter(statement__meeting__date__year=year)
    # One aggregate serves the chart per year, the top delegations, the filter lists and the total.
    summary = cached(f"resolution-summary:{resolution.pk}", lambda: citation_summary(citations))
    known = None if (country or year is not None) else summary["statements"]
    page = statement_page(
        CitingStatementIds(listed),
        request.GET.get("page"),
        20,
        prefetch=[Prefetch("citations", queryset=citations.order_by("start"), to_attr="these")],
        count=known,
    )
    for statement in page.object_list:
        statement.citing = [
            {"sentence": citing_sentence(statement.text, c), "paragraphs": c.paragraphs} for c in statement.these
        ]

    explanations = list(Statement.objects.explaining_vote(resolution.adopting_meeting_id, resolution.vote_position))
    context = {
        "resolution": resolution,
        "page": page,
        "total_citations": summary["citations"],
        "per_year_chart": column_chart(summary["per_year"], title="Citations in statements per year"),
        "top_chart": bar_list(
            [(name, _delegation_url(key, kind), n) for name, key, kind, n in summary["top"]],
            title="Delegations citing it most (statements)",
        ),
        "countries": summary["countries"],
        "years": [int(y) for y, _ in summary["per_year"]],
        "country": country,
        "year": "" if year is None else str(year),
        "cites": list(Resolution.objects.cited_by_text_of(resolution)),
        "cited_by": list(Resolution.objects.citing(resolution)),
        "paragraphs": numbered_paragraphs(
            resolution.text,
            resolution.references.all(),
            *links_for_texts([resolution.text], self_number=resolution.number),
        )
        if resolution.text
        else [],
        "vote_grid": _vote_grid(resolution.vote),
        "explanations": explanations,
        "summary_version": summary_version(),
    }
    return render(request, "archive/resolution_detail.html", context)


def _delegation_url(key: str, kind: str) -> str:
    name = "archive:country-detail" if kind in STATE_KINDS else "archive:organisation-detail"
    return reverse(name, args=[key])


def veto_list(request: HttpRequest) -> HttpResponse:
    vetoes = VetoedDraft.objects.all()
    member = request.GET.get("member", "")[:80]
    year = year_filter(request)
    listed = vetoes.by_member(member) if member else vetoes
    if year is not None:
        listed = listed.filter(date__year=year)
    members = vetoes.per_member()
    context = {
        "page": page_of(listed.listing(), request.GET.get("page"), 100),
        "total": vetoes.count(),
        "per_decade_chart": column_chart(vetoes.per_decade(), title="Vetoed draft resolutions per decade"),
        "per_year": vetoes.per_year(),
        "member_chart": bar_list(
            [(name, f"{reverse('archive:veto-list')}?member={key}", n) for name, key, _, n in members],
            title="Vetoed draft resolutions by member",
        ),
        "members": [(name, key, _delegation_url(key, kind), n) for name, key, kind, n in members],
        "member": member,
        "member_name": next((name for name, key, _, _ in members if key == member), member),
        "year": "" if year is None else str(year),
    }
    return render(request, "archive/veto_list.html", context)


def veto_detail(request: HttpRequest, slug: str) -> HttpResponse:
    draft = get_object_or_404(VetoedDraft.objects.select_related("meeting").prefetch_related("vetoed_by"), slug=slug)
    context = {
        "draft": draft,
        "vote_grid": _vote_grid(draft.vote),
        "explanations": list(Statement.objects.explaining_vote(draft.meeting_id, draft.vote_position)),
    }
    return render(request, "archive/veto_detail.html", context)


def _vote_grid(vote: dict) -> list[tuple[str, str]]:
    rows = [(name, "In favour") for name in vote.get("in_favour", [])]
    rows += [(name, "Against") for name in vote.get("against", [])]
    rows += [(name, "Abstaining") for name in vote.get("abstaining", [])]
    return sorted(rows)
