"""Votes stored on resolutions from every source, written procedure, explanations of vote, and the
vetoed drafts (model, load_vetoes, pages), on real texts (tests/fixtures/votes/README.md)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive.importing import import_paths, import_vetoes
from archive.models import Meeting, Resolution, Statement, VetoedDraft

from .conftest import FIXTURES, UNSC_2020, require_shared

pytestmark = pytest.mark.django_db
VOTES = FIXTURES / "votes"
VETO_LIST = VOTES / "vetoes.csv"
PRESIDENT_9087 = VOTES / "S_PV.9087_president.txt"


@pytest.fixture
def corpus():
    assert import_paths([str(VOTES / "corpus")]).errors == []


def test_every_adoption_in_the_corpus_text_gets_its_vote(corpus):
    for number, abstaining in ((2510, ["rus"]), (2547, ["chn", "rus"]), (2551, ["chn", "rus"])):
        vote = Resolution.objects.get(number=number).vote
        assert vote["keys"]["abstaining"] == abstaining
        assert len(vote["in_favour"]) == vote["counts"]["in_favour"] == 15 - len(abstaining)
        assert vote["counts"]["against"] == 0 and vote["against"] == []
    assert Resolution.objects.get(number=2510).vote["draft"] == "S/2020/113"


def test_written_procedure_links_the_resolution_to_its_letter(client, corpus):
    resolution = Resolution.objects.select_related("adopting_meeting").get(number=2532)
    assert resolution.adopting_meeting.slug == "s-2020-638"
    assert resolution.vote == {"procedure": "written", "draft": "S/2020/607"}
    letter = resolution.adopting_meeting
    annexed = list(letter.statements.exclude(order=1).order_by("order").values_list("pk", flat=True))
    explained = list(
        Statement.objects.explaining_vote(letter.pk, resolution.vote_position).values_list("pk", flat=True)
    )
    assert explained == annexed and len(annexed) >= 7
    html = client.get("/resolutions/2532/").content.decode()
    assert "Voted by written procedure" in html and 'href="/meetings/s-2020-638/"' in html
    assert "Statements annexed to the letter S/2020/638" in html


def test_explanations_include_the_presidents_national_statement(client, corpus):
    meeting = Meeting.objects.get(slug="8768")
    national = meeting.statements.get(order=7)
    assert national.role == "president" and "in my national capacity" in national.text
    resolution = Resolution.objects.get(number=2547)
    # Detecting national capacity is the reader's work; the list follows the stored field.
    Statement.objects.filter(pk=national.pk).update(national_capacity=True)
    explained = Statement.objects.explaining_vote(meeting.pk, resolution.vote_position)
    assert national.pk in set(explained.values_list("pk", flat=True))
    assert 'id="s7"' in client.get("/resolutions/2547/").content.decode() or national.get_absolute_url() in (
        client.get("/resolutions/2547/").content.decode()
    )
    Statement.objects.filter(pk=national.pk).update(national_capacity=False)  # the chair's procedural turn
    assert national.pk not in set(explained.values_list("pk", flat=True))


def test_reimport_keeps_the_votes(corpus):
    before = {r.number: r.vote for r in Resolution.objects.exclude(vote={})}
    assert import_paths([str(VOTES / "corpus")]).errors == []
    assert {r.number: r.vote for r in Resolution.objects.exclude(vote={})} == before


def test_load_vetoes_resolves_members_by_date_and_reloads_in_place():
    summary = import_vetoes(VETO_LIST)
    assert (summary.rows, summary.created) == (7, 7)
    assert sorted(VetoedDraft.objects.filter(draft="S/PV.49").values_list("slug", flat=True)) == [
        "s-pv-49",
        "s-pv-49-2",
        "s-pv-49-3",
    ]
    korea = VetoedDraft.objects.get(slug="s-1653")
    assert list(korea.vetoed_by.values_list("key", flat=True)) == ["sun"] and korea.vetoed_by_printed == ["USSR"]
    syria = VetoedDraft.objects.get(slug="s-2020-654")
    assert sorted(syria.vetoed_by.values_list("key", flat=True)) == ["chn", "rus"]
    assert syria.meeting_records == ["S/2020/661", "S/2020/657"] and syria.meeting is None
    again = import_vetoes(VETO_LIST)
    assert again.created == 0 and VetoedDraft.objects.count() == 7


def test_the_record_announcing_a_veto_meets_the_list_row():
    import_vetoes(VETO_LIST)
    assert import_paths([str(PRESIDENT_9087)], symbol="S/PV.9087", date=dt.date(2022, 7, 8)).errors == []
    draft = VetoedDraft.objects.select_related("meeting").get(slug="s-2022-538")
    assert draft.meeting.slug == "9087" and draft.vote_position == 1
    assert draft.vote["counts"] == {"in_favour": 13, "against": 1, "abstaining": 1, "abstainers": []}
    assert "negative vote of a permanent member" in draft.text
    assert list(draft.vetoed_by.values_list("key", flat=True)) == ["rus"]  # from the list
    assert VetoedDraft.objects.count() == 7


def test_a_list_row_waiting_for_its_meeting_is_linked_when_the_meeting_arrives():
    assert import_paths([str(PRESIDENT_9087)], symbol="S/PV.9087", date=dt.date(2022, 7, 8)).errors == []
    made = VetoedDraft.objects.get(slug="s-2022-538")  # from the record alone: who vetoed is not printed
    assert made.meeting.slug == "9087" and made.draft == "S/2022/538"
    import_vetoes(VETO_LIST)
    made.refresh_from_db()
    assert made.subject == "The situation in the Middle East" and made.vote["counts"]["against"] == 1
    assert list(made.vetoed_by.values_list("key", flat=True)) == ["rus"]


def test_veto_pages_and_links(client):
    import_vetoes(VETO_LIST)
    assert import_paths([str(PRESIDENT_9087)], symbol="S/PV.9087", date=dt.date(2022, 7, 8)).errors == []
    listing = client.get("/vetoes/").content.decode()
    assert "7 draft resolutions" in listing and "<svg" in listing
    assert 'href="/vetoes/s-2022-538/"' in listing and 'href="/meetings/9087/"' in listing
    assert 'href="/vetoes/?member=sun"' in listing
    only_ussr = client.get("/vetoes/?member=sun").content.decode()
    assert "Drafts vetoed by Union of Soviet Socialist Republics" in only_ussr and "S/2022/538" not in only_ussr
    detail = client.get("/vetoes/s-2022-538/").content.decode()
    assert 'href="/meetings/9087/"' in detail and 'href="/countries/rus/"' in detail
    assert "13 in favour, 1 against, 1 abstention" in detail
    assert 'href="/vetoes/s-2022-538/"' in client.get("/meetings/9087/").content.decode()
    country = client.get("/countries/rus/").content.decode()
    assert 'href="/vetoes/?member=rus"' in country and "Vetoed 2 draft resolutions" in country
    assert client.get("/vetoes/s-9999-1/").status_code == 404
    assert client.get("/vetoes/?member=zzz&year=abc").status_code == 200


def queries(client, url) -> int:
    cache.clear()  # every page computed afresh, as on the first visit
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200, url
    return len(ctx.captured_queries)


def test_veto_pages_keep_a_constant_number_of_queries(client):
    require_shared()
    import_vetoes(VETO_LIST)
    assert import_paths([str(PRESIDENT_9087)], symbol="S/PV.9087", date=dt.date(2022, 7, 8)).errors == []
    urls = ("/vetoes/", "/vetoes/?member=rus", "/vetoes/s-2022-538/", "/countries/rus/", "/meetings/9087/")
    small = {url: queries(client, url) for url in urls}
    call_command("load_vetoes", str(UNSC_2020.parent / "unsc-vetoes-1946-2022" / "unsc_vetoes_1946_sept2022.csv"))
    assert VetoedDraft.objects.count() == 214  # the fixture's rows are the list's own, reloaded in place
    assert {url: queries(client, url) for url in urls} == small


def test_the_letter_and_the_api_show_the_adoption(client, corpus):
    letter = client.get("/meetings/s-2020-638/").content.decode()
    assert 'href="/resolutions/2532/"' in letter and "S/RES/2532 (2020)</a>, by written procedure" in letter
    meeting = client.get("/meetings/8722/").content.decode()
    assert "S/RES/2510 (2020)</a>: 14 in favour, 0 against, 1 abstention" in meeting
    written = client.get("/api/v1/resolutions/2532/").json()
    assert written["vote"]["procedure"] == "written" and written["adopting_meeting"]["slug"] == "s-2020-638"
    counted = client.get("/api/v1/resolutions/2510/").json()["vote"]
    assert counted["counts"] == {"in_favour": 14, "against": 0, "abstaining": 1}
    assert counted["keys"]["abstaining"] == ["rus"] and counted["abstaining"] == ["Russian Federation"]


def test_load_vetoes_command_reports_and_refuses_a_bad_list(tmp_path):
    from io import StringIO

    from django.core.management.base import CommandError

    out = StringIO()
    call_command("load_vetoes", str(VETO_LIST), stdout=out)
    assert "7 vetoed drafts read (7 new)" in out.getvalue()
    bad = tmp_path / "vetoes.csv"
    bad.write_text(VETO_LIST.read_text(encoding="utf-8").replace("9/6/1950", "1950-09-06"), encoding="utf-8")
    with pytest.raises(CommandError, match=r"vetoes\.csv:\d+: date '1950-09-06' is not month/day/year"):
        call_command("load_vetoes", str(bad))
    assert VetoedDraft.objects.count() == 7


def test_veto_list_by_year(client):
    import_vetoes(VETO_LIST)
    html = client.get("/vetoes/?year=1946").content.decode()
    assert "3 drafts." in html and "S/1653" not in html


def test_the_whole_veto_list_per_decade_and_member(client):
    require_shared()
    import_vetoes(UNSC_2020.parent / "unsc-vetoes-1946-2022" / "unsc_vetoes_1946_sept2022.csv")
    decades = VetoedDraft.objects.per_decade()
    assert decades[0][0] == "1940s" and decades[-1][0] == "2020s" and len(decades) == 9
    assert sum(n for _, n in decades) == sum(n for _, n in VetoedDraft.objects.per_year()) == 214
    members = {key: n for _, key, _, n in VetoedDraft.objects.per_member()}
    assert members["sun"] == 90 and members["usa"] == 82 and members["rus"] == 31
    html = client.get("/vetoes/").content.decode()
    assert "Vetoed draft resolutions per decade" in html and 'href="?year=1946"' in html
