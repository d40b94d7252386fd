"""The resolution graph over real resolution texts: every mention of a resolution is one stored
reference (its text and offset kept), a file read twice stores nothing twice, and the pages show
one row per citing or cited resolution, with its mentions, and count distinct resolutions."""

from __future__ import annotations

import re

import pytest
from django.db import connection

from archive.citations import decode_bytes, find_citations
from archive.importing import import_resolutions
from archive.models import Resolution, ResolutionReference

from .conftest import SHARED, require_shared

pytestmark = pytest.mark.django_db

FOLDER = SHARED / "data" / "unsc-resolutions-1946-2015" / "resolutions"
# 2191 (2014) renewed the cross-border aid of 2165 (2014) and cites it twelve times; 2139 (2014)
# is cited by both.
FILES = ["S-RES-2139(2014).txt", "S-RES-2165(2014).txt", "S-RES-2191(2014).txt"]


@pytest.fixture
def three(tmp_path):
    require_shared()
    for name in FILES:
        (tmp_path / name).write_bytes((FOLDER / name).read_bytes())
    return tmp_path


def mentions_in(name: str, number: int) -> int:
    text = decode_bytes((FOLDER / name).read_bytes())
    return sum(c.number == number for c in find_citations(text, self_number=int(re.search(r"\d+", name).group())))


def test_a_file_named_twice_is_stored_once(three):
    summary = import_resolutions([str(three), str(three / "*.txt"), str(three / FILES[2])])
    assert summary.errors == [] and summary.loaded == 3
    r2165, r2191 = Resolution.objects.get(number=2165), Resolution.objects.get(number=2191)
    twelve = ResolutionReference.objects.filter(citing=r2191, cited=r2165)
    assert twelve.count() == mentions_in(FILES[2], 2165) == 12  # each mention, its own offset
    assert len(set(twelve.values_list("start", flat=True))) == 12
    for ref in twelve:
        assert r2191.text[ref.start : ref.end] == ref.text
    assert summary.references == ResolutionReference.objects.count()


def test_the_same_resolution_in_two_files_is_an_error(three, tmp_path_factory):
    other = tmp_path_factory.mktemp("other")
    (other / "copy-of-2191.txt").write_bytes((FOLDER / FILES[2]).read_bytes())
    summary = import_resolutions([str(three), str(other)])
    assert summary.errors and "resolution 2191 is also in" in summary.errors[0]
    assert not Resolution.objects.filter(text_in_archive=True).exists()


def test_pages_show_each_resolution_once_with_its_mentions(client, three):
    assert import_resolutions([str(three)]).errors == []
    html = client.get("/resolutions/2165/").content.decode()
    # Cited by one later resolution (2191), listed once, with its twelve mentions.
    assert ", by 1 later resolution</dd>" in html
    cited_by = html[html.index('id="citedby-h"') :]
    cited_by = cited_by[: cited_by.index("</section>")]
    assert cited_by.count('href="/resolutions/2191/"') == 1 and "(12 mentions)" in cited_by
    html = client.get("/resolutions/2139/").content.decode()
    assert ", by 2 later resolutions</dd>" in html
    html = client.get("/resolutions/2191/").content.decode()
    cites = html[html.index('id="refs-h"') :]
    cites = cites[: cites.index("</section>")]
    numbers = re.findall(r'href="/resolutions/(\d+)/"', cites)
    assert len(numbers) == len(set(numbers)) and {"2139", "2165"} <= set(numbers)
    # Its text: the presidential statements it recalls go to the official documents; its own
    # symbol (the header, the running heads) links nowhere.
    text = html[html.index('id="text-h"') :]
    assert '<a class="symbol external" href="https://docs.un.org/en/S/PRST/2011/16"' in text
    assert "S/RES/2191 (2014)" in text and 'href="/resolutions/2191/"' not in text
    assert [r.number for r in Resolution.objects.citing(Resolution.objects.get(number=2165))] == [2191]
    api = client.get("/api/v1/resolutions/2191/").json()
    assert len(api["cites"]) == len(set(api["cites"])) and {2139, 2165} <= set(api["cites"])
    assert client.get("/api/v1/resolutions/2165/").json()["cited_by"] == [2191]
    assert client.get("/api/v1/resolutions/2139/").json()["cited_by"] == [2165, 2191]


@pytest.mark.django_db(transaction=True)
def test_the_migration_removes_true_duplicates_and_keeps_every_mention():
    from django.db.migrations.executor import MigrationExecutor

    before = [("archive", "0014_identity_speakers")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    OldResolution, OldReference = (
        apps.get_model("archive", "Resolution"),
        apps.get_model("archive", "ResolutionReference"),
    )
    require_shared()
    text = decode_bytes((FOLDER / FILES[2]).read_bytes())
    r2165 = OldResolution.objects.create(number=2165, year=2014)
    r2191 = OldResolution.objects.create(number=2191, year=2014, text=text, text_in_archive=True)
    found = [c for c in find_citations(text, self_number=2191) if c.number == 2165]
    for _ in range(3):  # the file read three times in one load
        for c in found:
            OldReference.objects.create(
                citing=r2191, cited=r2165, number=2165, year_printed=c.year, text=c.text, start=c.start, end=c.end
            )
    assert OldReference.objects.count() == 36
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    kept = ResolutionReference.objects.filter(citing__number=2191)
    assert kept.count() == 12 == len(found)
    assert sorted(kept.values_list("start", flat=True)) == [c.start for c in found]
