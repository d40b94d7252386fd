"""A hand correction made in the admin reaches everything that shows the statement: the page, the
search index (a `country:` filter finds it at once; `repair_search_index --dry-run` has nothing
left to do) and the stored counts of the delegations and speakers involved."""

from __future__ import annotations

import pytest
from django.urls import reverse

from archive.models import Correction, Delegation, Statement
from archive.search import upkeep
from archive.search.matching import matching_ids

from .conftest import indexed_sample

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def archive(django_db_setup, django_db_blocker, search_index):
    with indexed_sample(django_db_blocker):
        yield


def found(query: str) -> set[int]:
    return set(matching_ids(query))


def test_a_correction_made_in_the_admin_reaches_search_and_counts(admin_client, archive):
    statement = (
        Statement.objects.filter(role="member", delegation__key="fra").select_related("meeting", "speaker").first()
    )
    usa = Delegation.objects.get(key="usa")
    france = Delegation.objects.get(key="fra")
    usa_before, france_before = usa.statement_count, france.statement_count
    word = statement.text.split()[5].strip(".,;:")
    assert statement.pk in found(f"{word} country:fra")
    assert statement.pk not in found(f"{word} country:usa")

    response = admin_client.post(
        reverse("admin:archive_correction_add"),
        {
            "meeting_slug": statement.meeting.slug,
            "order": statement.order,
            "speaker_label": statement.speaker_label,
            "delegation": usa.pk,
            "speaker_name": "",
            "note": "test",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Correction.objects.count() == 1
    statement.refresh_from_db()
    assert statement.delegation_id == usa.pk

    assert statement.pk in found(f"{word} country:usa")
    assert statement.pk not in found(f"{word} country:fra")
    assert upkeep.repair(dry_run=True).changed == 0
    usa.refresh_from_db()
    france.refresh_from_db()
    assert (usa.statement_count, france.statement_count) == (usa_before + 1, france_before - 1)
