"""Migration 0014 over meetings stored before it (its own module: a transactional test empties the
database after it, which a module-scoped fixture of another module must not see)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from archive.models import Meeting


@pytest.mark.django_db(transaction=True)
def test_migration_0018_files_the_meetings_stored_before_it():
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([("archive", "0017_votes_vetoed_drafts")])
    OldMeeting = executor.loader.project_state([("archive", "0017_votes_vetoed_drafts")]).apps.get_model(
        "archive", "Meeting"
    )
    stored = {  # as the importer stored them: a record's agenda (title and sub-item), the corpus's topics
        "8703": ([{"title": "The situation in Mali", "documents": []}], "The situation in Mali"),
        "s-2020-1": ([], "Mali/MINUSMA"),
        "s-2020-340": ([], "unknown"),
    }
    for slug, (agenda, topic) in stored.items():
        OldMeeting.objects.create(
            symbol=slug, slug=slug, date=dt.date(2020, 1, 14), agenda=agenda, topic=topic, source_kind="corpus",
            source_name="x", source_checksum="x", imported_at=dt.datetime(2020, 1, 14, tzinfo=dt.UTC),
        )  # fmt: skip
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    filed = {
        m.slug: (m.agenda_item.slug if m.agenda_item else None, m.agenda_as_printed) for m in Meeting.objects.all()
    }
    assert {slug: filed[slug] for slug in stored} == {
        "8703": ("mali", "The situation in Mali"),
        "s-2020-1": ("mali", "Mali/MINUSMA"),
        "s-2020-340": (None, "unknown"),
    }
    assert "'unknown'" in Meeting.objects.get(slug="s-2020-340").warnings[0]
