"""Feeds, exports, sitemap.xml and robots.txt, beside the pages they belong to."""

from django.contrib.sitemaps import views as sitemap_views
from django.urls import path, re_path

from archive.ratelimits import limit_searches

from . import feeds, views
from .sitemaps import SITEMAPS

FORMAT = r"\.(?P<fmt>csv|jsonl|json)$"

app_name = "opendata"
urlpatterns = [
    path("meetings/feed/", feeds.LatestMeetingsFeed(), name="meeting-feed"),
    path("countries/<slug:key>/feed/", feeds.DelegationFeed(), name="country-feed"),
    path("organisations/<slug:key>/feed/", feeds.DelegationFeed(), name="organisation-feed"),
    path("speakers/<slug:slug>/feed/", feeds.SpeakerFeed(), name="speaker-feed"),
    path("resolutions/<int:number>/feed/", feeds.ResolutionFeed(), name="resolution-feed"),
    path("search/feed/", limit_searches(feeds.SearchFeed()), name="search-feed"),
    re_path(r"^countries/(?P<key>[-\w]+)/statements" + FORMAT, views.delegation_export, name="country-export"),
    re_path(r"^organisations/(?P<key>[-\w]+)/statements" + FORMAT, views.delegation_export, name="organisation-export"),
    re_path(r"^speakers/(?P<slug>[-\w]+)/statements" + FORMAT, views.speaker_export, name="speaker-export"),
    re_path(r"^resolutions/(?P<number>[0-9]+)/statements" + FORMAT, views.resolution_export, name="resolution-export"),
    re_path(r"^search/export" + FORMAT, views.search_export, name="search-export"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "opendata:sitemap-section"},
        name="sitemap",
    ),
    path("sitemap-<section>.xml", sitemap_views.sitemap, {"sitemaps": SITEMAPS}, name="sitemap-section"),
    path("robots.txt", views.robots_txt, name="robots"),
]
