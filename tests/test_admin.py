"""The admin: every changelist and change page opens, search and filters work, and the statement
changelist runs the same number of queries for 3 rows as for 30."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from archive.importing import import_paths
from archive.models import (
    Citation,
    CouncilSeat,
    Delegation,
    Meeting,
    Resolution,
    ResolutionReference,
    Speaker,
    SpeakerName,
    Statement,
)

from .conftest import require_shared

pytestmark = pytest.mark.django_db

ALL_MODELS = [
    Delegation,
    Speaker,
    SpeakerName,
    Meeting,
    CouncilSeat,
    Statement,
    Resolution,
    Citation,
    ResolutionReference,
]
REGISTERED = [m for m in ALL_MODELS if m is not SpeakerName]  # SpeakerName is an inline of Speaker

_serial = itertools.count(1)


# --------------------------------------------------------------------------- factory


def make_delegation(**values) -> Delegation:
    n = next(_serial)
    defaults = {"key": f"d{n}", "name": f"Delegation {n}", "short_name": f"Del {n}", "kind": "state"}
    return Delegation.objects.create(**{**defaults, **values})


def make_meeting(statements: int, **values) -> Meeting:
    """A meeting with ``statements`` statements, each by its own speaker and delegation."""
    n = next(_serial)
    defaults = {
        "symbol": f"S/PV.{9000 + n}",
        "number": 9000 + n,
        "slug": str(9000 + n),
        "date": dt.date(2020, 1, 8),
        "source_kind": "pdf",
        "source_name": f"S_PV.{9000 + n}_E.pdf",
        "source_checksum": "0" * 64,
        "imported_at": timezone.now(),
    }
    meeting = Meeting.objects.create(**{**defaults, **values})
    for order in range(1, statements + 1):
        delegation = make_delegation()
        speaker = Speaker.objects.create(
            slug=f"speaker-{meeting.pk}-{order}",
            name=f"Mr. Person{order}",
            surname_key=f"person{order}",
            delegation=delegation,
        )
        Statement.objects.create(
            meeting=meeting,
            order=order,
            speaker_label=f"Mr. Person{order} ({delegation.name})",
            speaker=speaker,
            delegation=delegation,
            delegation_as_printed=delegation.name,
            role="invitee" if order % 2 else "member",
            language="French" if order % 3 == 0 else "",
            text=f"Statement number {order} on the situation.",
            word_count=6,
        )
    return meeting


# --------------------------------------------------------------------------- fixtures


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("admin", "admin@example.org", "not-used")
    client.force_login(user)
    return client


@pytest.fixture
def record_8700():
    """S/PV.8700 imported from its PDF, with a resolution row and references to open as well."""
    path = require_shared() / "meetings" / "pdf" / "S_PV.8700_E.pdf"
    if not path.exists():
        pytest.skip(f"{path} not found")
    summary = import_paths([str(path)])
    assert not summary.errors, summary.errors
    meeting = Meeting.objects.get(symbol="S/PV.8700")
    cited = Resolution.objects.create(number=2334, year=2016)
    citing = Resolution.objects.create(number=2535, year=2020, text="Recalling resolution 2334 (2016)")
    ResolutionReference.objects.create(
        citing=citing, cited=cited, number=2334, year_printed=2016, text="resolution 2334 (2016)", start=10, end=32
    )
    statement = meeting.statements.order_by("order").first()
    if not statement.citations.exists():
        Citation.objects.create(
            statement=statement,
            resolution=cited,
            number=2334,
            year_printed=2016,
            text="resolution 2334 (2016)",
            start=0,
            end=22,
        )
    return meeting


def changelist(model) -> str:
    return reverse(f"admin:archive_{model._meta.model_name}_changelist")


def change(obj) -> str:
    return reverse(f"admin:archive_{obj._meta.model_name}_change", args=[obj.pk])


# --------------------------------------------------------------------------- tests


def test_every_model_is_registered():
    from django.contrib import admin

    for model in REGISTERED:
        assert admin.site.is_registered(model), model


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m.__name__)
def test_changelist_and_change_page_open(admin_client, record_8700, model):
    assert model.objects.exists()
    response = admin_client.get(changelist(model))
    assert response.status_code == 200
    obj = model.objects.order_by("pk").first()
    response = admin_client.get(change(obj))
    assert response.status_code == 200


def test_meeting_change_page_shows_provenance_and_seats(admin_client, record_8700):
    page = admin_client.get(change(record_8700)).content.decode()
    assert record_8700.source_checksum in page
    assert "S_PV.8700_E.pdf" in page
    assert record_8700.seats.exists()
    assert record_8700.seats.first().representative in page


def test_statement_change_page_shows_label_as_printed(admin_client, record_8700):
    statement = record_8700.statements.exclude(delegation=None).order_by("order").first()
    page = admin_client.get(change(statement)).content.decode()
    # read-only fields are shown as text, not as inputs
    assert 'name="speaker_label"' not in page
    assert 'name="source_checksum"' not in page
    assert statement.speaker_label.split("(")[0].strip() in page
    assert "S_PV.8700_E.pdf" in page


def test_imported_rows_are_not_added_by_hand(admin_client, record_8700):
    for model in (Meeting, Statement):
        response = admin_client.get(reverse(f"admin:archive_{model._meta.model_name}_add"))
        assert response.status_code == 403


def test_statement_search(admin_client, record_8700):
    statement = record_8700.statements.exclude(speaker=None).order_by("order").first()
    word = statement.speaker.surname_key
    response = admin_client.get(changelist(Statement), {"q": word})
    assert response.status_code == 200
    shown = list(response.context["cl"].result_list)
    assert statement in shown
    assert all(word in (s.text + s.speaker_label + (s.speaker.name if s.speaker else "")).lower() for s in shown)
    response = admin_client.get(changelist(Statement), {"q": "no-such-word-anywhere"})
    assert list(response.context["cl"].result_list) == []


def test_statement_filters(admin_client, record_8700):
    response = admin_client.get(changelist(Statement), {"role__exact": "president"})
    assert response.status_code == 200
    shown = list(response.context["cl"].result_list)
    assert shown and all(s.role == "president" for s in shown)

    response = admin_client.get(changelist(Statement), {"delegation__permanent_member__exact": "1"})
    shown = list(response.context["cl"].result_list)
    assert shown and all(s.delegation.permanent_member for s in shown)

    response = admin_client.get(changelist(Statement), {"meeting__date__year": "2020"})
    assert response.context["cl"].result_count == record_8700.statements.count()


def test_links_between_changelists_filter(admin_client, record_8700):
    """The 'N statements' links on meeting, speaker and delegation pages are accepted lookups."""
    statement = record_8700.statements.exclude(speaker=None).order_by("order").first()
    for params, expected in (
        ({"meeting__id__exact": record_8700.pk}, record_8700.statements.count()),
        ({"speaker__id__exact": statement.speaker_id}, statement.speaker.statements.count()),
        ({"delegation__id__exact": statement.delegation_id}, statement.delegation.statements.count()),
    ):
        response = admin_client.get(changelist(Statement), params)
        assert response.status_code == 200, params
        assert response.context["cl"].result_count == expected, params
    response = admin_client.get(changelist(Citation), {"statement__id__exact": statement.pk})
    assert response.status_code == 200


def test_other_searches(admin_client, record_8700):
    for model, q in (
        (Meeting, "8700"),
        (Delegation, "FRA"),
        (Speaker, record_8700.statements.exclude(speaker=None).first().speaker.surname_key),
        (CouncilSeat, "France"),
        (Resolution, "2334"),
    ):
        response = admin_client.get(changelist(model), {"q": q})
        assert response.status_code == 200, model
        assert response.context["cl"].result_count >= 1, model


def _changelist_queries(client, model) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(changelist(model))
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("model", [Statement, Meeting, Speaker, CouncilSeat], ids=lambda m: m.__name__)
def test_changelist_queries_do_not_grow_with_rows(admin_client, model):
    meeting = make_meeting(3)
    for delegation in Delegation.objects.all():
        CouncilSeat.objects.create(meeting=meeting, delegation=delegation, representative="Mr. X")
    assert model.objects.count() in (1, 3)
    few = _changelist_queries(admin_client, model)
    more = make_meeting(27)
    for delegation in Delegation.objects.exclude(seats__isnull=False):
        CouncilSeat.objects.create(meeting=more, delegation=delegation, representative="Mr. Y")
    assert model.objects.count() in (2, 30)
    many = _changelist_queries(admin_client, model)
    assert many == few


def test_statement_changelist_query_budget(admin_client, django_assert_max_num_queries):
    make_meeting(30)
    with django_assert_max_num_queries(10):
        response = admin_client.get(changelist(Statement))
    assert response.context["cl"].result_count == 30
