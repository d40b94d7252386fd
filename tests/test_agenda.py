"""Agenda items in the database: meetings filed by the importer (and again by migration 0014's
rule), the agenda pages, the meetings list filter, the API and the search filter ``agenda:``."""

from __future__ import annotations

import dataclasses
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive.importing import Writer, import_paths
from archive.importing.agenda import refile_meetings
from archive.models import AgendaItem, Meeting, Statement
from archive.parsing import parse_path
from archive.parsing.agenda import council_items
from archive.search import service, upkeep
from archive.stats import summary_version

from .conftest import SAMPLE, SAMPLE_RECORDS, require_shared

pytestmark = pytest.mark.django_db
CORPUS = SAMPLE / "corpus-2020"


@pytest.fixture
def sample():
    assert import_paths(SAMPLE_RECORDS).errors == []


def filed() -> dict[str, tuple[str | None, str]]:
    return {m.slug: (m.agenda_item.slug if m.agenda_item else None, m.agenda_as_printed) for m in Meeting.objects.all()}


def test_the_importer_files_every_meeting_and_keeps_the_title_as_printed(sample):
    assert AgendaItem.objects.count() == len(council_items())
    assert filed() == {
        "8698": ("west-africa", "Peace consolidation in West Africa"),
        "8700": ("middle-east", "The situation in the Middle East"),
        "8708": ("middle-east", "The situation in the Middle East"),
        "8709": ("cyprus", "The situation in Cyprus"),
        "8710": ("libya", "The situation in Libya"),
        "8711": ("regional-organizations", "Association of Southeast Asian Nations"),
        "8714": ("regional-organizations", "Organization for Security and Cooperation in Europe"),
        "8717": (
            "middle-east-palestinian-question",
            "The situation in the Middle East, including the Palestinian question",
        ),
        "s-2020-254": ("middle-east", "Syria"),
        "s-2020-274": ("afghanistan", "Afghanistan"),
    }
    assert AgendaItem.objects.get(slug="middle-east-palestinian-question").parent.slug == "middle-east"


def test_a_title_in_no_item_is_reported_not_filed_as_unknown():
    (corpus_meeting, *_) = parse_path(CORPUS)
    summary_before = Meeting.objects.count()
    outcome = Writer().write(dataclasses.replace(corpus_meeting, topic="unknown"))
    meeting = Meeting.objects.get(symbol=corpus_meeting.symbol)
    assert meeting.agenda_item is None and meeting.agenda_as_printed == "unknown"
    assert any("'unknown'" in w and "agenda_items.tsv" in w for w in meeting.warnings)
    assert any("'unknown'" in w for w in outcome.warnings)
    assert list(Meeting.objects.agenda_unmatched()) == [meeting] and summary_before == 0


def test_an_import_run_reports_the_unmatched_title(tmp_path):
    """The shared corpus's own "unknown" topic (S/2020/340, a videoconference on conflict and
    hunger) is stored as printed and reported in the run's warnings."""
    rows = [
        line
        for line in (require_shared() / "speeches.jsonl").read_text(encoding="utf-8").splitlines()
        if json.loads(line)["basename"] == "UNSC_2020_SPV.2020_340"
    ]
    (tmp_path / "speeches.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    summary = import_paths([str(tmp_path)])
    assert summary.errors == []
    assert [w for w in summary.warnings if "not in the list of agenda items" in w and "'unknown'" in w]
    assert Meeting.objects.get(slug="s-2020-340").agenda_as_printed == "unknown"


def test_refiling_stored_meetings_restores_what_the_importer_filed(sample):
    """The rule migration 0014 runs for the meetings stored before it."""
    before = filed()
    Meeting.objects.update(agenda_item=None, agenda_as_printed="")
    AgendaItem.objects.filter(parent__isnull=False).delete()  # a parent is protected while it has sub-items
    AgendaItem.objects.all().delete()
    changed = refile_meetings(Meeting, AgendaItem)
    assert len(changed) == Meeting.objects.count() and filed() == before
    assert refile_meetings(Meeting, AgendaItem) == []  # nothing moves twice


def test_a_changed_list_moves_stored_meetings_at_the_next_run(sample, tmp_path, monkeypatch):
    """Without "Syria" among its variants, S/2020/254 is reported, and its filing and warning come
    back with it; an item dropped from the list loses its row."""
    import archive.parsing.agenda as agenda

    original = agenda.AGENDA_FILE.read_text(encoding="utf-8")
    edited = tmp_path / "agenda_items.tsv"
    edited.write_text(original.replace(" | Syria |", " |").replace("korea\t", "korea-1950\t"), encoding="utf-8")
    monkeypatch.setattr(agenda, "AGENDA_FILE", edited)
    agenda._table.cache_clear()
    try:
        moved = refile_meetings(Meeting, AgendaItem)
        syria = Meeting.objects.get(slug="s-2020-254")
        assert moved == [syria.pk] and syria.agenda_item is None and syria.agenda_as_printed == "Syria"
        assert [w for w in syria.warnings if "'Syria'" in w]
        assert not AgendaItem.objects.filter(slug="korea").exists()
        assert AgendaItem.objects.filter(slug="korea-1950").exists()
    finally:
        monkeypatch.undo()
        agenda._table.cache_clear()
    before = summary_version()
    summary = import_paths([str(SAMPLE / "records" / "S_PV.8700_E.pdf")])  # unchanged: only the filing moves
    assert summary.refiled == [syria.pk] and summary.count("unchanged") == 1
    assert summary_version() != before  # the cached pages follow
    syria.refresh_from_db()
    assert syria.agenda_item.slug == "middle-east" and syria.warnings == []


def queries(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries), response.content.decode()


def test_agenda_list_counts_meetings_with_first_and_last_dates(client, sample):
    assert 'href="/agenda/">By agenda item</a>' in client.get("/").content.decode()
    count, html = queries(client, "/agenda/")
    assert 'href="/agenda/middle-east/"' in html and 'href="/agenda/korea/"' in html
    row = html.split('href="/agenda/middle-east/"')[1].split("</tr>")[0]
    assert '<td class="num">3</td>' in row and "10 Jan 2020" in row and "30 Mar 2020" in row
    assert count <= 3


def test_agenda_page_china_on_syria(client, sample):
    """The Middle East item holds S/PV.8700 (Syria cross-border aid), S/2020/254 (the corpus's
    "Syria") and, through its sub-item, S/PV.8717."""
    count, html = queries(client, "/agenda/middle-east/")
    for slug in ("8700", "8708", "s-2020-254", "8717"):
        assert f'href="/meetings/{slug}/"' in html
    assert "8709" not in html.split('id="meetings-h"')[1].split("</section>")[0]
    assert 'href="/resolutions/2504/"' in html  # adopted at S/PV.8700
    assert '<svg class="chart"' in html and "<caption>Meetings and statements per year</caption>" in html
    assert 'href="/countries/chn/"' in html  # who speaks most
    assert 'class="statement' in html  # the one statement partial
    assert 'name="agenda" value="middle-east"' in html  # search within
    assert count <= 13


def test_agenda_pages_query_counts_do_not_grow_with_the_data(client):
    import_paths([str(SAMPLE / "records" / "S_PV.8708_E.pdf")])
    urls = (
        "/agenda/",
        "/agenda/middle-east/",
        "/meetings/?agenda=middle-east",
        "/meetings/8708/",
        "/countries/chn/?agenda=middle-east",
    )
    small = {url: queries(client, url)[0] for url in urls}
    import_paths(SAMPLE_RECORDS)
    assert {url: queries(client, url)[0] for url in urls} == small


def test_meeting_page_links_its_agenda_item_and_printed_title(client, sample):
    html = client.get("/meetings/s-2020-254/").content.decode()
    assert '<a href="/agenda/middle-east/">The situation in the Middle East</a> (printed: “Syria”)' in html


def test_meetings_list_filters_by_agenda_item(client, sample):
    html = client.get("/meetings/?agenda=middle-east").content.decode()
    assert "S/PV.8700" in html and "S/PV.8717" in html and "S/PV.8709" not in html
    assert '<option value="middle-east" selected>' in html
    everything = client.get("/meetings/?agenda=no-such-item").content.decode()
    assert "S/PV.8709" in everything
    assert client.get("/agenda/no-such-item/").status_code == 404


def test_country_page_filters_by_agenda_item_china_on_syria(client, sample):
    html = client.get("/countries/chn/?agenda=middle-east").content.decode()
    expected = Statement.objects.filter(delegation__key="chn", meeting__slug__in=["8700", "8708", "s-2020-254", "8717"])
    count = expected.substantive().count()
    assert count and f"{count} statement{'s' if count > 1 else ''} with these filters" in html
    assert '<option value="middle-east" selected>' in html
    for statement in expected.substantive():
        assert statement.get_absolute_url() in html


def test_api_lists_agenda_items_and_filters_meetings(client, sample):
    items = client.get("/api/v1/agenda/").json()
    middle_east = next(i for i in items["results"] if i["slug"] == "middle-east")
    assert middle_east["meeting_count"] == 3 and middle_east["first_date"] == "2020-01-10"
    meetings = client.get("/api/v1/meetings/?agenda=middle-east").json()
    assert {m["slug"] for m in meetings["results"]} == {"8700", "8708", "s-2020-254", "8717"}
    detail = client.get("/api/v1/meetings/s-2020-254/").json()
    assert detail["agenda_item"]["slug"] == "middle-east"
    assert detail["agenda_item"]["title"] == "The situation in the Middle East"
    assert detail["agenda_item"]["url"] == "/agenda/middle-east/"
    assert detail["agenda_as_printed"] == "Syria"
    assert client.get("/api/v1/meetings/?agenda=nothing").status_code == 404
    statements = client.get("/api/v1/statements/?agenda=middle-east-palestinian-question&per_page=100").json()
    assert statements["count"] == Statement.objects.filter(meeting__slug="8717").count()
    assert {s["meeting"]["slug"] for s in statements["results"]} == {"8717"}
    one = client.get("/api/v1/agenda/middle-east-palestinian-question/").json()
    assert one["parent"]["slug"] == "middle-east" and one["meetings_api_url"].endswith("?agenda=" + one["slug"])


# --------------------------------------------------------------------------- search, on every engine


@pytest.fixture(scope="module")
def indexed(django_db_setup, django_db_blocker, search_index):
    with django_db_blocker.unblock():
        assert import_paths(SAMPLE_RECORDS).errors == []
        assert upkeep.rebuild() == Statement.objects.count()
        yield search_index
        call_command("flush", interactive=False, verbosity=0)


def meetings_found(text: str) -> set[str]:
    outcome = service.search(text)
    assert not outcome.error, outcome.error
    slugs = set()
    for page in range(1, outcome.pages + 1):
        slugs |= {h.statement.meeting.slug for h in service.search(text, page=page).hits}
    return slugs


def test_search_china_on_syria_by_agenda_item(indexed):
    china = set(Statement.objects.filter(delegation__key="chn").values_list("meeting__slug", flat=True))
    expected = china & {"8700", "8708", "s-2020-254", "8717"}
    assert expected and meetings_found("country:China agenda:middle-east") == expected
    assert meetings_found('country:China agenda:"The situation in the Middle East"') == expected
    assert meetings_found("country:China agenda:Syria") == expected  # the corpus's short topic names the item
    assert meetings_found("agenda:middle-east-palestinian-question") == {"8717"}


def test_search_agenda_filter_that_names_nothing_is_a_notice(indexed):
    outcome = service.search("humanitarian agenda:nowhere-at-all")
    assert any("names no agenda item" in n for n in outcome.notices)


def test_search_facets_count_statements_under_each_item_and_its_parent(indexed):
    outcome = service.search("humanitarian")
    facet = {v.value: v.count for v in outcome.facets["Agenda item"]}
    hits = {h.pk: h.meeting.agenda_item.slug for h in Statement.objects.filter(text__icontains="humanitarian")}
    assert facet["middle-east-palestinian-question"] == sum(1 for s in hits.values() if s.startswith("middle-east-"))
    assert facet["middle-east"] == sum(1 for s in hits.values() if s.startswith("middle-east"))
    palestinian = next(v for v in outcome.facets["Agenda item"] if v.value == "middle-east-palestinian-question")
    assert palestinian.label.startswith("The situation in the Middle East, including")
    assert palestinian.query == "humanitarian agenda:middle-east-palestinian-question"
