"""Atom feeds (Django's syndication framework): the latest meetings, a delegation's statements,
a speaker's statements, the statements citing a resolution, and any search.

Every feed reads at most ``LIMIT`` entries with the listing's joins (one query for the rows);
entry summaries are rendered from templates/feeds/ with Django's autoescaping, and the feed
writer escapes them again as XML, as Atom's ``type="html"`` wants.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from archive.models import Citation, Delegation, Meeting, Resolution, Speaker, Statement
from archive.paging import CitingStatementIds
from archive.search import query as ql
from archive.search.matching import MissingIndex, matching_ids

from .views import plain

LIMIT = 50


def _midnight(day: dt.date | None) -> dt.datetime | None:
    if day is None:
        return None
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


def statements_in_order(ids: list[int]) -> list[Statement]:
    by_id = Statement.objects.filter(pk__in=ids).listing().in_bulk()
    return [by_id[pk] for pk in ids if pk in by_id]


class StatementFeed(Feed):
    """Entries are statements: title 'speaker (delegation), meeting', link to the statement."""

    feed_type = Atom1Feed
    description_template = "feeds/statement.html"

    def item_title(self, item: Statement) -> str:
        who = item.who
        return f"{who}, {item.meeting.title}"

    def item_link(self, item: Statement) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: Statement) -> dt.datetime | None:
        return _midnight(item.meeting.date)

    def item_updateddate(self, item: Statement) -> dt.datetime:
        return item.meeting.imported_at

    def item_author_name(self, item: Statement) -> str:
        return item.speaker_name

    def item_categories(self, item: Statement) -> list[str]:
        return [c for c in (item.delegation.name if item.delegation_id else "", item.get_role_display()) if c]


class LatestMeetingsFeed(Feed):
    feed_type = Atom1Feed
    title = "Security Council meetings · Council archive"
    subtitle = "The latest meetings of the United Nations Security Council in the archive."
    description_template = "feeds/meeting.html"
    author_name = "Council archive"

    def link(self) -> str:
        return reverse("archive:meeting-list")

    def items(self):
        return Meeting.objects.with_statement_counts()[:LIMIT]

    def item_title(self, item: Meeting) -> str:
        return f"{item.title}: {item.topic}" if item.topic else item.title

    def item_pubdate(self, item: Meeting) -> dt.datetime | None:
        return _midnight(item.date)

    def item_updateddate(self, item: Meeting) -> dt.datetime:
        return item.imported_at

    def item_author_name(self, item: Meeting) -> str:
        return "United Nations Security Council"


class NamedStatementFeed(StatementFeed):
    """The statements of one thing the URL names (its keyword arguments are the model's lookups)."""

    model: type

    def get_object(self, request: HttpRequest, **lookup):
        return get_object_or_404(self.model, **lookup)

    def name(self, obj) -> str:
        """'by France', 'citing S/RES/2334 (2016)'."""
        return f"by {obj.name}"

    def title(self, obj) -> str:
        return f"Statements {self.name(obj)} · Council archive"

    def subtitle(self, obj) -> str:
        return f"The latest statements in the Security Council {self.name(obj)}."

    def link(self, obj) -> str:
        return obj.get_absolute_url()


class DelegationFeed(NamedStatementFeed):
    model = Delegation

    def items(self, obj: Delegation):
        return Statement.objects.by_delegation(obj).substantive().listing().newest_first()[:LIMIT]


class SpeakerFeed(NamedStatementFeed):
    model = Speaker

    def get_object(self, request: HttpRequest, **lookup):
        return get_object_or_404(Speaker.objects.slug_or_merged(lookup["slug"]))  # a merged slug: the survivor's

    def items(self, obj: Speaker):
        return obj.statements.listing().newest_first()[:LIMIT]


class ResolutionFeed(NamedStatementFeed):
    model = Resolution

    def name(self, obj: Resolution) -> str:
        return f"citing {obj.symbol}"

    def items(self, obj: Resolution) -> list[Statement]:
        return statements_in_order(CitingStatementIds(Citation.objects.filter(resolution=obj))[:LIMIT])


class SearchFeed(NamedStatementFeed):
    """``/search/feed/?q=...``: the newest statements matching a query (the object is the query)."""

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return super().__call__(request, *args, **kwargs)
        except ql.QueryError as exc:
            return plain(f"The query cannot be read: {exc}", status=400)
        except MissingIndex as exc:
            return plain(str(exc), status=503)

    def get_object(self, request: HttpRequest) -> str:
        q = request.GET.get("q", "").strip()
        if not q:
            raise Http404("A search feed needs a query: /search/feed/?q=...")
        return q

    def name(self, obj: str) -> str:
        return f"matching “{obj}”"

    def link(self, obj: str) -> str:
        return search_url("archive:search", obj)

    def feed_url(self, obj: str) -> str:
        return search_url("opendata:search-feed", obj)

    def items(self, obj: str) -> list[Statement]:
        return statements_in_order(matching_ids(obj, limit=LIMIT))  # QueryError: a 400 (__call__)


def search_url(name: str, q: str) -> str:
    return reverse(name) + "?" + urlencode({"q": q})
