"""Meeting and statement pages over imported real records."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive.importing import import_paths
from archive.models import Meeting

from .conftest import SAMPLE, SAMPLE_RECORDS

pytestmark = pytest.mark.django_db


@pytest.fixture
def sample():
    summary = import_paths(SAMPLE_RECORDS)
    assert summary.errors == []


def test_meeting_page(client, sample):
    response = client.get("/meetings/8700/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "S/PV.8700" in html and "The situation in the Middle East" in html
    assert "Mr. Dang" in html and "Viet Nam" in html
    assert 'class="stage opening"' in html and "The meeting was called to order" in html
    assert 'class="stage vote"' in html and "Abstaining (4)" in html
    assert 'id="s7"' in html  # statement anchors
    assert "spoke in French" in html
    assert "https://docs.un.org/en/S/PV.8700" in html


def test_statement_permalink(client, sample):
    response = client.get("/meetings/8700/7/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mrs. Gueguen" in html and "France" in html
    assert 'href="/meetings/8700/#s7"' in html
    assert 'property="og:title"' in html
    start = html.index("<textarea")
    assert "Mrs. Gueguen (France), Council member, S/PV.8700, 10 January 2020, p. 3" in html, html[start : start + 200]


def test_unknown_pages_are_404(client, sample):
    for url in ("/meetings/9999/", "/meetings/8700/999/", "/meetings/8700-r9/", "/meetings/abc/", "/countries/zzz/"):
        assert client.get(url).status_code == 404, url


def test_country_speaker_and_list_pages(client, sample):
    assert client.get("/countries/fra/").status_code == 200
    assert client.get("/organisations/fra/").status_code == 301  # a State lives under /countries/
    assert client.get("/organisations/united-nations/").status_code == 200
    speaker = Meeting.objects.get(slug="8700").statements.get(order=7).speaker
    assert client.get(speaker.get_absolute_url()).status_code == 200
    assert client.get("/meetings/").status_code == 200
    home = client.get("/").content.decode()
    assert "10</strong> meetings" in home


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_query_counts_do_not_grow_with_the_data(client):
    import_paths([str(SAMPLE / "records" / "S_PV.8708_E.pdf")])
    small = {
        url: queries(client, url)
        for url in ("/", "/meetings/", "/meetings/8708/", "/countries/fra/", "/meetings/8708/3/")
    }
    import_paths(SAMPLE_RECORDS)
    large = {url: queries(client, url) for url in small}
    assert large == small
