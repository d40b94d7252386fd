"""Atom feeds (parsed by feedparser), exports (CSV, JSON, JSON Lines; the views and
export_archive), sitemap.xml and robots.txt, over the real sample imported and indexed."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive.importing import import_paths
from archive.models import AgendaItem, Citation, Delegation, Meeting, Resolution, Speaker, Statement
from archive.opendata import sitemaps
from archive.search import service, upkeep

from .conftest import SAMPLE_RECORDS, point_search_index_at

pytestmark = pytest.mark.django_db
BASE = "http://testserver"
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture(scope="module")
def archive(django_db_setup, django_db_blocker, search_index):
    """The sample imported (committed for this module) and indexed; emptied afterwards."""
    with django_db_blocker.unblock():
        assert import_paths(SAMPLE_RECORDS).errors == []
        assert upkeep.rebuild() == Statement.objects.count()
        yield
        call_command("flush", interactive=False, verbosity=0)


def busiest(model, **filters):
    return model.objects.filter(**filters).order_by("-statement_count", "pk").first()


def parse_feed(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def links(feed) -> list[str]:
    return [entry.link for entry in feed.entries]


def urls(statements) -> list[str]:
    return [BASE + s.get_absolute_url() for s in statements]


# ------------------------------------------------------------------------------ feeds


def test_latest_meetings_feed(client, archive):
    feed = parse_feed(client, "/meetings/feed/")
    meetings = list(Meeting.objects.newest_first()[:50])
    assert links(feed) == [BASE + m.get_absolute_url() for m in meetings]
    first, meeting = feed.entries[0], meetings[0]
    assert first.title.startswith(meeting.title)
    assert first.published_parsed[:3] == meeting.date.timetuple()[:3]
    assert first.updated_parsed and first.author == "United Nations Security Council"
    assert f"{meeting.statement_count} statement" in first.summary


def test_delegation_feed_lists_its_newest_statements(client, archive):
    france = Delegation.objects.get(key="fra")
    feed = parse_feed(client, "/countries/fra/feed/")
    expected = list(Statement.objects.by_delegation(france).substantive().listing().newest_first()[:50])
    assert expected and links(feed) == urls(expected)
    entry, statement = feed.entries[0], expected[0]
    assert entry.title == f"{statement.speaker_name} (France), {statement.meeting.title}"
    assert entry.author == statement.speaker_name
    assert entry.published_parsed[:3] == statement.meeting.date.timetuple()[:3] and entry.updated_parsed
    assert statement.text.split()[0] in entry.summary
    assert feed.feed.title == "Statements by France · Council archive"
    assert feed.feed.link == BASE + "/countries/fra/"


def test_summaries_are_escaped_once_by_django(client, archive):
    """The summary is HTML (type="html"): the text's apostrophes arrive HTML-escaped once, so a
    feed reader shows them as apostrophes, never as "&#x27;" nor as markup."""
    candidates = Statement.objects.filter(text__contains="'", speaker__isnull=False).listing()
    statement = next(s for s in candidates if "'" in " ".join(s.text.split()[:60]))  # within the summary
    url = f"{statement.speaker.get_absolute_url()}feed/"
    atom = ET.fromstring(client.get(url).content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entry = next(
        e
        for e in atom.iterfind("a:entry", ns)
        if e.find("a:link", ns).get("href") == BASE + statement.get_absolute_url()
    )
    summary = entry.find("a:summary", ns)
    assert summary.get("type") == "html"
    word = next(w for w in statement.text.split()[:60] if "'" in w)
    assert word.replace("'", "&#x27;") in summary.text and word not in summary.text
    parsed = next(e for e in parse_feed(client, url).entries if e.link == BASE + statement.get_absolute_url())
    assert word in html.unescape(parsed.summary) and "&amp;" not in parsed.summary  # what a reader shows


def test_speaker_and_organisation_feeds(client, archive):
    speaker = busiest(Speaker)
    feed = parse_feed(client, f"/speakers/{speaker.slug}/feed/")
    assert links(feed) == urls(speaker.statements.listing().newest_first()[:50])
    organisation = busiest(Delegation, kind="organisation")
    feed = parse_feed(client, f"{organisation.get_absolute_url()}feed/")
    assert len(feed.entries) == min(50, Statement.objects.by_delegation(organisation).substantive().count())


def test_resolution_feed_lists_the_statements_citing_it(client, archive):
    resolution = Resolution.objects.most_cited().first()
    feed = parse_feed(client, f"/resolutions/{resolution.number}/feed/")
    citing = Statement.objects.filter(citations__resolution=resolution).distinct().listing().newest_first()
    assert links(feed) == urls(citing[:50])
    assert feed.feed.title == f"Statements citing {resolution.symbol} · Council archive"


def test_search_feed_matches_the_search_page(client, archive):
    q = "ceasefire country:France"
    feed = parse_feed(client, "/search/feed/?q=ceasefire+country%3AFrance")
    outcome = service.search(q, sort="newest")
    assert outcome.total and len(feed.entries) == min(50, outcome.total)
    assert links(feed)[: len(outcome.hits)] == urls(h.statement for h in outcome.hits)
    assert client.get("/search/feed/").status_code == 404
    assert client.get("/search/feed/", {"q": "-Libya"}).status_code == 400  # only leaves out: refused, as by the export


def test_search_feed_and_export_without_an_index_say_so(client, archive, tmp_path):
    previous = point_search_index_at(tmp_path / "never-built")
    try:
        for url in ("/search/feed/?q=ceasefire", "/search/export.csv?q=ceasefire"):
            response = client.get(url)
            assert response.status_code == 503 and b"rebuild_search_index" in response.content, url
    finally:
        point_search_index_at(previous)


def test_feeds_read_a_bounded_number_of_queries(client, archive):
    small = Delegation.objects.filter(statement_count__gt=0).order_by("statement_count").first()
    large = busiest(Delegation, kind="state")

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    assert count(f"{small.get_absolute_url()}feed/") == count(f"{large.get_absolute_url()}feed/") <= 3


def test_pages_link_their_feeds_and_exports(client, archive):
    france = Delegation.objects.get(key="fra")
    speaker = busiest(Speaker)
    resolution = Resolution.objects.most_cited().first()
    pages = {
        "/": "/meetings/feed/",
        "/meetings/": "/meetings/feed/",
        "/countries/fra/": "/countries/fra/feed/",
        speaker.get_absolute_url(): f"/speakers/{speaker.slug}/feed/",
        resolution.get_absolute_url(): f"/resolutions/{resolution.number}/feed/",
        "/search/?q=ceasefire": "/search/feed/?q=ceasefire",
    }
    for page, feed in pages.items():
        html = client.get(page).content.decode()
        head = html.split("</head>")[0]
        assert re.search(
            r'<link rel="alternate" type="application/atom\+xml" title="[^"]+" href="' + re.escape(feed), head
        ), page
        assert f'<a href="{feed}" type="application/atom+xml">' in html, page  # visible too
    html = client.get(france.get_absolute_url()).content.decode()
    assert 'href="/countries/fra/statements.csv"' in html and 'href="/countries/fra/statements.json"' in html
    assert 'href="/search/export.csv?q=ceasefire"' in client.get("/search/?q=ceasefire").content.decode()


# ------------------------------------------------------------------------------ exports


def body(response) -> str:
    assert response.status_code == 200
    assert response.streaming
    return b"".join(response.streaming_content).decode()


def test_delegation_csv_export(client, archive):
    france = Delegation.objects.get(key="fra")
    response = client.get("/countries/fra/statements.csv")
    assert response["Content-Disposition"] == 'attachment; filename="council-archive-fra-statements.csv"'
    rows = list(csv.DictReader(io.StringIO(body(response))))
    expected = list(Statement.objects.by_delegation(france).substantive().oldest_first())
    assert [int(r["id"]) for r in rows] == [s.pk for s in expected]
    first, statement = rows[0], expected[0]
    assert first["text"] == statement.text and first["url"] == BASE + statement.get_absolute_url()
    assert first["delegation"] == "France" and first["date"] == statement.meeting.date.isoformat()
    citing = next(r for r in rows if r["citations"])
    numbers = Citation.objects.filter(statement_id=int(citing["id"])).order_by("start").values_list("number", flat=True)
    assert [c.split()[0] for c in citing["citations"].split("; ")] == [f"S/RES/{n}" for n in numbers]


def test_speaker_json_and_jsonl_exports(client, archive):
    speaker = busiest(Speaker)
    rows = json.loads(body(client.get(f"/speakers/{speaker.slug}/statements.json")))
    expected = list(speaker.statements.oldest_first().values_list("pk", flat=True))
    assert [r["id"] for r in rows] == expected
    lines = body(client.get(f"/speakers/{speaker.slug}/statements.jsonl")).splitlines()
    assert [json.loads(line) for line in lines] == rows
    assert rows[0]["speaker"] == speaker.name


def test_resolution_export_lists_each_citing_statement_once(client, archive):
    resolution = Resolution.objects.most_cited().first()
    rows = json.loads(body(client.get(f"/resolutions/{resolution.number}/statements.json")))
    citing = set(Citation.objects.filter(resolution=resolution).values_list("statement_id", flat=True))
    assert [r["id"] for r in rows] == sorted(citing, key=lambda pk: Statement.objects.get(pk=pk).chrono)
    assert all(resolution.number in [c["resolution"] for c in r["citations"]] for r in rows)


def test_search_export_has_every_match(client, archive):
    q = "humanitarian OR ceasefire"
    rows = list(csv.DictReader(io.StringIO(body(client.get("/search/export.csv", {"q": q})))))
    assert len(rows) == service.search(q).total > service.PER_PAGE
    chronos = dict(Statement.objects.values_list("pk", "chrono"))
    ids = [int(r["id"]) for r in rows]
    assert [chronos[i] for i in ids] == sorted(chronos[i] for i in ids)
    newest = json.loads(body(client.get("/search/export.json", {"q": q, "sort": "newest"})))
    assert [r["id"] for r in newest] == ids[::-1]
    refused = client.get("/search/export.csv", {"q": "-Libya"})
    assert refused.status_code == 400 and "cannot only leave things out" in refused.content.decode()
    assert client.get("/search/export.csv").status_code == 404


def test_export_archive_command(archive, tmp_path):
    call_command("export_archive", "--format", "jsonl", "--output", str(tmp_path / "jsonl"), "--no-progress")
    statements = [json.loads(line) for line in (tmp_path / "jsonl" / "statements.jsonl").open()]
    assert [s["id"] for s in statements] == list(Statement.objects.oldest_first().values_list("pk", flat=True))
    with_citations = next(s for s in statements if s["citations"])
    assert [c["resolution"] for c in with_citations["citations"]] == list(
        Citation.objects.filter(statement_id=with_citations["id"]).order_by("start").values_list("number", flat=True)
    )
    meetings = [json.loads(line) for line in (tmp_path / "jsonl" / "meetings.jsonl").open()]
    assert sorted(m["slug"] for m in meetings) == sorted(Meeting.objects.values_list("slug", flat=True))
    syria = next(m for m in meetings if m["slug"] == "s-2020-254")  # the corpus's topic, and its agenda item
    assert (syria["agenda_item"], syria["agenda_as_printed"]) == ("middle-east", "Syria")
    resolutions = [json.loads(line) for line in (tmp_path / "jsonl" / "resolutions.jsonl").open()]
    assert [r["number"] for r in resolutions] == list(
        Resolution.objects.order_by("number").values_list("number", flat=True)
    )

    call_command("export_archive", "--format", "csv", "--output", str(tmp_path / "csv"), "--no-progress")
    with (tmp_path / "csv" / "statements.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [int(r["id"]) for r in rows] == [s["id"] for s in statements]
    assert [r["text"] for r in rows] == [s["text"] for s in statements]
    with (tmp_path / "csv" / "meetings.csv").open(newline="", encoding="utf-8") as f:
        assert len(list(csv.DictReader(f))) == Meeting.objects.count()
    assert not list(tmp_path.glob("*/*.partial"))


# ------------------------------------------------------------------------------ sitemap, robots


def sitemap_locations(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, url
    return [loc.text for loc in ET.fromstring(response.content).iterfind(".//sm:loc", SITEMAP_NS)]


def test_sitemap_index_pages_every_section(client, archive, monkeypatch):
    monkeypatch.setattr(sitemaps._Sitemap, "limit", 100)  # small pages, so the statements need several
    sections = sitemap_locations(client, "/sitemap.xml")
    statement_pages = [u for u in sections if "sitemap-statements.xml" in u]
    assert len(statement_pages) == -(-Statement.objects.count() // 100) > 1
    found = [loc for section in sections for loc in sitemap_locations(client, section.removeprefix(BASE))]
    expected = (
        [BASE + m.get_absolute_url() for m in Meeting.objects.all()]
        + urls(Statement.objects.select_related("meeting"))
        + [BASE + d.get_absolute_url() for d in Delegation.objects.filter(statement_count__gt=0)]
        + [BASE + s.get_absolute_url() for s in Speaker.objects.active()]
        + [BASE + r.get_absolute_url() for r in Resolution.objects.all()]
        + [BASE + a.get_absolute_url() for a in AgendaItem.objects.held()]
    )
    assert sorted(found) == sorted(expected)
    with CaptureQueriesContext(connection) as ctx:  # the index reads no section whole
        client.get("/sitemap.xml")
    assert len(ctx.captured_queries) <= 2 * len(sitemaps.SITEMAPS)


def test_robots_txt(client, archive):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "Allow: /" in lines and "Disallow: /search/" in lines  # search pages, feeds and exports
    assert f"Sitemap: {BASE}/sitemap.xml" in lines


def test_search_export_reads_a_speaker_named_in_full_as_the_search_page_does(client, archive):
    """The export compiles queries as the page does: a speaker named in full is that person only."""
    from archive.models import Speaker

    speaker = Speaker.objects.order_by("-statement_count", "slug").first()
    q = f'speaker:"{speaker.name}"'
    rows = list(csv.DictReader(io.StringIO(body(client.get("/search/export.csv", {"q": q})))))
    mine = set(Statement.objects.filter(speaker=speaker).values_list("pk", flat=True))
    assert {int(r["id"]) for r in rows} == mine and len(rows) == service.search(q).total > 0
