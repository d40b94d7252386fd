"""Browsing pages: countries, speakers, meetings by year, statement permalinks and redirects."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive.importing import Writer, import_paths
from archive.models import Delegation, DelegationYear, Speaker, StatementAlias
from archive.parsing import parse_path

from .conftest import SAMPLE, SAMPLE_RECORDS

pytestmark = pytest.mark.django_db
PDF_8700 = SAMPLE / "records" / "S_PV.8700_E.pdf"


@pytest.fixture
def sample():
    assert import_paths(SAMPLE_RECORDS).errors == []


def test_summaries_after_import(sample):
    viet_nam = DelegationYear.objects.get(delegation__key="vnm", year=2020)
    assert viet_nam.council_member and viet_nam.presided and viet_nam.chair_turns > 0
    france = Delegation.objects.get(key="fra")
    assert france.statement_count == DelegationYear.objects.get(delegation=france, year=2020).statements > 0
    assert Speaker.objects.get(slug__startswith="nebenzia").statement_count >= 2


def test_country_list_shows_membership(client, sample):
    html = client.get("/countries/").content.decode()
    assert 'href="/countries/fra/"' in html and 'title="permanent member"' in html
    assert 'title="elected member"' in html  # Viet Nam, Estonia ...
    assert "Syrian Arab Republic" in html and 'title="invited"' in html


def test_country_page_filters_and_chart(client, sample):
    html = client.get("/countries/fra/").content.decode()
    assert "<svg" in html and "permanent member" in html
    assert 'name="q"' in html and 'action="/search/"' in html
    filtered = client.get("/countries/fra/?role=invitee").content.decode()
    assert "0 statements with these filters" in filtered
    assert client.get("/countries/fra/?year=abc&role=nonsense").status_code == 200


def test_president_turns_are_kept_out_of_country_counts(client, sample):
    html = client.get("/countries/vnm/").content.decode()
    chair = DelegationYear.objects.get(delegation__key="vnm", year=2020).chair_turns
    assert f"besides {chair} procedural turn" in html


def test_speaker_list_filter_and_page(client, sample):
    html = client.get("/speakers/?q=nebenzia").content.decode()
    assert "Nebenzia" in html and "Gueguen" not in html
    speaker = Speaker.objects.get(slug__startswith="nebenzia")
    page = client.get(speaker.get_absolute_url()).content.decode()
    assert "Russian Federation" in page and "Delegations and roles" in page


def test_meetings_by_year_and_month(client, sample):
    html = client.get("/meetings/?year=2020").content.decode()
    assert "January 2020" in html and "S/PV.8700" in html
    assert client.get("/meetings/?year=1900").status_code == 200


def test_statement_page_lists_the_resolutions_it_cites(client, sample):
    html = client.get("/meetings/8700/7/").content.decode()
    assert "Resolutions it cites" in html and 'href="/resolutions/2504/"' in html
    assert 'data-copy-target="cite-text"' in html and "<textarea" in html


def test_renumbered_statement_urls_redirect(client, sample):
    """A re-import that renumbers statements keeps the old URLs working (301 to the new)."""
    (parsed,) = parse_path(PDF_8700)
    import dataclasses

    # The same record, parsed better: a statement is now split out before statement 7.
    extra = dataclasses.replace(
        parsed.statements[5], order=7, paragraphs=("An added remark.",), speaker_label="The President"
    )
    renumbered = (
        list(parsed.statements[:6])
        + [extra]
        + [dataclasses.replace(s, order=s.order + 1) for s in parsed.statements[6:]]
    )
    better = dataclasses.replace(parsed, statements=tuple(renumbered), warnings=("re-parsed",))
    Writer().write(better)
    assert StatementAlias.objects.filter(meeting__slug="8700", old_order=7).exists()
    response = client.get("/meetings/8700/23/")
    assert response.status_code == 200  # the old last statement is now 24, but 23 exists
    moved = client.get("/meetings/8700/7/")
    assert moved.status_code == 200  # 7 is a real statement again (the added one)
    gone = StatementAlias.objects.get(meeting__slug="8700", old_order=7)
    assert gone.statement.order == 8
    assert client.get("/meetings/8700/99/").status_code == 404


def test_alias_redirects_when_the_old_number_no_longer_exists(client, sample):
    (parsed,) = parse_path(PDF_8700)
    import dataclasses

    shorter = dataclasses.replace(
        parsed,
        statements=tuple(dataclasses.replace(s, order=s.order - 1) for s in parsed.statements[1:]),
        warnings=("first statement dropped",),
    )
    Writer().write(shorter)
    response = client.get("/meetings/8700/23/")
    assert response.status_code == 301 and response["Location"] == "/meetings/8700/22/"


def test_list_pages_keep_a_constant_number_of_queries(client):
    import_paths([str(SAMPLE / "records" / "S_PV.8708_E.pdf")])
    urls = [
        "/countries/",
        "/countries/fra/",
        "/speakers/",
        "/meetings/",
        "/resolutions/",
        "/organisations/united-nations/",
    ]

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200, url
        return len(ctx.captured_queries)

    small = {u: count(u) for u in urls}
    import_paths(SAMPLE_RECORDS)
    assert {u: count(u) for u in urls} == small
