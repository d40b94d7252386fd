"""manage.py check_counts over the real sample: every stored count corrupted in turn is reported
(exit status non-zero, nothing written) and repaired by --fix through the one writer."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F

from archive.importing import CountDifference, check_counts, import_paths
from archive.models import Delegation, DelegationYear, Meeting, Resolution, Speaker
from archive.stats import stored_counts, summary_version

from .conftest import SAMPLE, SAMPLE_RECORDS

pytestmark = pytest.mark.django_db


@pytest.fixture
def sample():
    assert import_paths(SAMPLE_RECORDS).errors == []
    call_command("load_resolutions", str(SAMPLE / "resolutions"), verbosity=0)


def run(*args: str) -> str:
    out = StringIO()
    call_command("check_counts", *args, stdout=out)
    return out.getvalue()


def test_counts_that_agree_are_reported_so(sample):
    assert check_counts() == []
    assert run() == "Every stored count agrees with the rows.\n"


def test_every_kind_of_count_corrupted_is_reported_then_fixed(sample):
    good = stored_counts()
    version = summary_version()
    fra = Delegation.objects.get(key="fra")
    year = DelegationYear.objects.filter(delegation=fra).order_by("year").first()
    speaker = Speaker.objects.filter(statement_count__gt=0).order_by("slug").first()
    meeting = Meeting.objects.get(slug="8700")
    resolution = Resolution.objects.filter(citation_count__gt=0).order_by("number").first()
    gone = DelegationYear.objects.exclude(delegation=fra).order_by("delegation__key", "year").first()
    Delegation.objects.filter(pk=fra.pk).update(statement_count=F("statement_count") + 5)
    DelegationYear.objects.filter(pk=year.pk).update(statements=F("statements") + 1, presided=not year.presided)
    Speaker.objects.filter(pk=speaker.pk).update(statement_count=0)
    Meeting.objects.filter(pk=meeting.pk).update(statement_count=1)
    Resolution.objects.filter(pk=resolution.pk).update(citation_count=F("citation_count") + 24)
    DelegationYear.objects.filter(pk=gone.pk).delete()
    stray = DelegationYear.objects.create(delegation=fra, year=1901, statements=3)

    expected = sorted(
        [
            CountDifference("delegation fra", "statement_count", fra.statement_count + 5, fra.statement_count),
            CountDifference(f"delegation year fra {year.year}", "statements", year.statements + 1, year.statements),
            CountDifference(f"delegation year fra {year.year}", "presided", not year.presided, year.presided),
            CountDifference(f"speaker {speaker.slug}", "statement_count", 0, speaker.statement_count),
            CountDifference("meeting 8700", "statement_count", 1, meeting.statement_count),
            CountDifference(
                f"resolution {resolution.number}",
                "citation_count",
                resolution.citation_count + 24,
                resolution.citation_count,
            ),
            *(
                CountDifference(f"delegation year {gone.delegation.key} {gone.year}", name, None, getattr(gone, name))
                for name in ("statements", "chair_turns", "council_member", "presided")
            ),
            *(
                CountDifference("delegation year fra 1901", name, getattr(stray, name), None)
                for name in ("statements", "chair_turns", "council_member", "presided")
            ),
        ],
        key=lambda d: (d.row, d.field),
    )
    assert meeting.statement_count > 1
    assert check_counts() == expected
    with pytest.raises(CommandError, match=f"{len(expected)} stored counts differ"):
        run()
    assert stored_counts() != good and summary_version() == version  # reported, nothing written

    out = run("--fix")
    assert "meeting 8700 statement_count: stored 1, the rows give" in out
    assert out.endswith(f"{len(expected)} stored counts differed; repaired.\n")
    assert stored_counts() == good
    assert check_counts() == [] and summary_version() != version
