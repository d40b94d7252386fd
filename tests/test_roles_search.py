"""Roles and titles where readers filter by them: the search language (``title:``, ``role:``) on
each engine, the API and a delegation's page, over the real corpus rows of
tests/fixtures/corpus-roles (README names their source) and the sample."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from archive.importing import import_paths
from archive.models import Statement
from archive.search import service, upkeep

from .conftest import FIXTURES, SAMPLE_RECORDS

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def indexed(django_db_setup, django_db_blocker, search_index):
    with django_db_blocker.unblock():
        assert import_paths([*SAMPLE_RECORDS, str(FIXTURES / "corpus-roles")]).errors == []
        assert upkeep.rebuild() == Statement.objects.count()
        yield search_index
        call_command("flush", interactive=False, verbosity=0)


def found(text: str) -> set[int]:
    ids: set[int] = set()
    page = 1
    while True:
        outcome = service.search(text, page=page)
        assert not outcome.error, outcome.error
        ids |= {h.statement.pk for h in outcome.hits}
        if page >= outcome.pages:
            return ids
        page += 1


def db(**kwargs) -> set[int]:
    return set(Statement.objects.filter(**kwargs).values_list("pk", flat=True))


def test_title_filter_in_search(indexed):
    envoys = db(title_kind="special-representative")
    assert envoys and found("title:special-representative") == envoys
    assert found('title:"Special Representatives"') == envoys  # as a reader types it
    assert found("libya title:special-representative") == {
        s.pk for s in Statement.objects.filter(pk__in=envoys) if "libya" in s.text.lower()
    }
    sg = db(title_kind="secretary-general")
    assert sg and found("title:secretary-general") == sg


def test_committee_chairs_in_search(indexed):
    chairs = db(role="committee-chair")
    assert len(chairs) == 2  # Mr. Licharz (Germany), Mr. Pecsteen de Buytswerve (Belgium)
    assert found('role:"committee chair"') == found("role:committee-chair") == chairs


def test_an_unknown_title_is_a_notice_not_an_error(indexed):
    outcome = service.search("libya title:astronaut")
    assert not outcome.error
    assert any("title:astronaut" in notice for notice in outcome.notices)


def test_title_filter_in_the_api(indexed):
    client = Client()
    response = client.get("/api/v1/statements/", {"title": "special-representative", "per_page": 100})
    assert response.status_code == 200
    results = response.json()["results"]
    assert {r["title_kind"] for r in results} == {"special-representative"}
    assert len(results) == len(db(title_kind="special-representative"))
    assert all(r["title"].startswith("Special Representative") for r in results)
    assert client.get("/api/v1/statements/", {"title": "astronaut"}).status_code == 422
    chair = client.get("/api/v1/statements/", {"role": "committee-chair", "delegation": "deu"}).json()["results"]
    assert [(r["speaker_label"], r["chaired_body"]) for r in chair] == [
        ("Mr. Licharz (Germany)", "the Committee established pursuant to resolution 1970 (2011)")
    ]


def test_statements_by_the_special_representatives_on_the_secretariats_page(indexed, django_assert_max_num_queries):
    client = Client()
    expected = Statement.objects.filter(delegation__key="united-nations", title_kind="special-representative")
    assert expected.exists()
    with django_assert_max_num_queries(20):
        page = client.get("/organisations/united-nations/", {"title": "special representative"})
    assert page.status_code == 200
    html = page.content.decode()
    assert f"{expected.count()} statement{'s' if expected.count() != 1 else ''} with these filters" in html
    assert '<option value="special-representative" selected>' in html


def test_the_meeting_page_shows_who_was_invited_under_which_rule(indexed):
    html = Client().get("/meetings/8710/").content.decode()
    assert "invited under rule 39" in html and "invited under rule 37" in html
    assert "Chair of a Council body: the Committee established pursuant to resolution 1970 (2011)" in html
