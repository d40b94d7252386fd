"""sitemap.xml: an index of sections (meetings, statements, delegations, speakers, resolutions,
agenda items),
each paginated by Django's sitemaps framework (``?p=2``) at ``LIMIT`` URLs a page."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.db.models import Max

from archive.models import AgendaItem, Delegation, Meeting, Resolution, Speaker, Statement

LIMIT = 10_000


class _Sitemap(Sitemap):
    limit = LIMIT


class _ImportedSitemap(_Sitemap):
    """Pages that change when their meeting is imported again. The index's last-modified date
    is one aggregate (Django's default would call ``lastmod`` on every item of the section)."""

    def get_latest_lastmod(self):
        return Meeting.objects.aggregate(latest=Max("imported_at"))["latest"]


class MeetingSitemap(_ImportedSitemap):
    def items(self):
        return Meeting.objects.only("slug", "imported_at").order_by("pk")

    def lastmod(self, item: Meeting):
        return item.imported_at


class StatementSitemap(_ImportedSitemap):
    def items(self):
        return (
            Statement.objects.select_related("meeting")
            .only("order", "meeting__slug", "meeting__imported_at")
            .order_by("pk")
        )

    def lastmod(self, item: Statement):
        return item.meeting.imported_at


class DelegationSitemap(_Sitemap):
    def items(self):
        return Delegation.objects.filter(statement_count__gt=0).only("key", "kind").order_by("pk")


class SpeakerSitemap(_Sitemap):
    def items(self):
        return Speaker.objects.active().only("slug").order_by("pk")


class ResolutionSitemap(_Sitemap):
    def items(self):
        return Resolution.objects.only("number").order_by("number")


class AgendaSitemap(_Sitemap):
    def items(self):
        return AgendaItem.objects.held().only("slug").order_by("position", "pk")


SITEMAPS = {
    "meetings": MeetingSitemap,
    "statements": StatementSitemap,
    "delegations": DelegationSitemap,
    "speakers": SpeakerSitemap,
    "resolutions": ResolutionSitemap,
    "agenda": AgendaSitemap,
}
