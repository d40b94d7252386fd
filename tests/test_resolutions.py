"""Resolutions and citations: the registry, links from statements, adoption and votes, pages."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive.importing import import_paths, import_resolutions, relink_citations
from archive.models import Citation, Delegation, Meeting, Resolution, ResolutionReference, Speaker, Statement
from archive.parsing.resolutions import parse_resolution_text

from .conftest import FIXTURES, SAMPLE, SAMPLE_RECORDS

pytestmark = pytest.mark.django_db
RESOLUTIONS = SAMPLE / "resolutions"


@pytest.fixture
def archive():
    assert import_paths(SAMPLE_RECORDS).errors == []
    summary = import_resolutions([str(RESOLUTIONS)])
    assert summary.errors == [] and summary.loaded == 10


def test_registry_from_resolution_texts(archive):
    r = Resolution.objects.get(number=1540)
    assert r.year == 2004 and r.text_in_archive
    assert r.adopted_on.isoformat() == "2004-04-28" and r.adopting_meeting_number == 4956
    old = Resolution.objects.get(number=242)
    assert old.year == 1967 and old.adopted_on.isoformat() == "1967-11-22"
    # resolution -> resolution: 2254 (2015) recalls 2118 (2013) and others
    cited = set(ResolutionReference.objects.filter(citing__number=2254).values_list("number", flat=True))
    assert {2042, 2043, 2118, 2139, 2165, 2249} <= cited
    assert 2254 not in cited  # its own header is not a citation of itself
    assert ResolutionReference.objects.filter(citing__number=2254, number=2118).first().cited.text_in_archive


def test_statements_link_to_the_resolutions_they_cite(archive):
    r2504 = Resolution.objects.get(number=2504)
    assert not r2504.text_in_archive  # cited, text not in the archive: a numbered entry
    citing = Statement.objects.filter(citations__resolution=r2504).distinct()
    assert citing.count() >= 10
    c = Citation.objects.filter(resolution=r2504).select_related("statement").first()
    assert c.statement.text[c.start : c.end] == c.text


def test_adoption_and_vote_from_the_record(archive):
    r = Resolution.objects.get(number=2504)
    assert r.adopting_meeting.slug == "8700" and r.adopted_on.isoformat() == "2020-01-10"
    assert len(r.vote["in_favour"]) == 11 and r.vote["against"] == [] and len(r.vote["abstaining"]) == 4
    assert r.vote_position == 6


def test_year_contradicting_the_registry_is_flagged_not_linked(archive):
    statement = Statement.objects.first()
    statement.text = "We recall resolution 1540 (2005) and resolution 1540 (2004)."
    statement.save()
    relink_citations(refind=True)
    wrong, right = Citation.objects.filter(statement=statement).order_by("start")
    assert wrong.year_conflict and wrong.resolution is None
    assert not right.year_conflict and right.resolution.number == 1540


def test_seed_by_mr_umarov_appears_on_resolution_1540(client, archive):
    import datetime as dt

    seed = FIXTURES / "seeds" / "004_4d47e8ff2a36501f.txt"
    assert import_paths([str(seed)], symbol="S/PV.7837", date=dt.date(2016, 12, 15)).errors == []
    html = client.get("/resolutions/1540/").content.decode()
    assert "Mr. Umarov" in html and "Kazakhstan" in html
    assert "<mark>resolution 1540 (2004)</mark>" in html
    page_statements = Statement.objects.filter(citations__resolution__number=1540).distinct().count()
    assert f"{page_statements} statement" in html


def test_resolution_page_lists_exactly_the_statements_citing_it(client, archive):
    expected = set(Statement.objects.filter(citations__number=2254).values_list("meeting__slug", "order"))
    seen = set()
    page = 1
    while True:
        response = client.get(f"/resolutions/2254/?page={page}")
        html = response.content.decode()
        for slug, order in expected:
            if f'href="/meetings/{slug}/{order}/"' in html:
                seen.add((slug, order))
        if 'rel="next"' not in html:
            break
        page += 1
    assert seen == expected and len(expected) >= 3


def test_citations_are_links_in_statement_text(client, archive):
    c = Citation.objects.filter(resolution__number=2504).select_related("statement__meeting").first()
    html = client.get(c.statement.get_absolute_url()).content.decode()
    assert 'class="citation" href="/resolutions/2504/"' in html


def test_filters_index_and_charts(client, archive):
    html = client.get("/resolutions/2504/?country=fra").content.decode()
    assert "Mrs. Gueguen" in html or "Gueguen" in html
    assert "<svg" in html and "Citations in statements per year" in html
    assert client.get("/resolutions/2504/?year=1999").status_code == 200
    index = client.get("/resolutions/?sort=cited").content.decode()
    assert index.index("S/RES/2504") < index.index("S/RES/242 ")
    assert client.get("/resolutions/99999/").status_code == 404


def make_citing_statements(n: int) -> Resolution:
    resolution, _ = Resolution.objects.get_or_create(number=1540, defaults={"year": 2004})
    delegations = [
        Delegation.objects.get_or_create(
            key=f"x-d{i}", defaults={"name": f"D{i}", "short_name": f"D{i}", "kind": "state"}
        )[0]
        for i in range(5)
    ]
    meeting = Meeting.objects.create(
        symbol="S/PV.9000",
        number=9000,
        slug="9000",
        date="2021-01-01",
        source_kind="pdf",
        source_name="synthetic",
        source_checksum="x",
        imported_at="2021-01-01T00:00Z",
    )
    speaker, _ = Speaker.objects.get_or_create(slug="x", defaults={"name": "Mr. X", "surname_key": "x"})
    text = "We recall resolution 1540 (2004) on non-proliferation. " * 3
    statements = Statement.objects.bulk_create(
        Statement(
            meeting=meeting,
            order=i + 1,
            speaker_label="Mr. X (D)",
            speaker=speaker,
            delegation=delegations[i % 5],
            role="invitee",
            text=text,
            word_count=24,
        )
        for i in range(n)
    )
    Citation.objects.bulk_create(
        Citation(
            statement=s,
            resolution=resolution,
            number=1540,
            year_printed=2004,
            text="resolution 1540 (2004)",
            start=10,
            end=32,
        )
        for s in statements
    )
    return resolution


def test_resolution_page_query_count_does_not_grow(client):
    make_citing_statements(3)
    with CaptureQueriesContext(connection) as small:
        assert client.get("/resolutions/1540/").status_code == 200
    Statement.objects.all().delete()
    Meeting.objects.all().delete()
    make_citing_statements(60)
    from django.core.cache import cache

    cache.clear()  # the rows were made without an import, so no new summary version
    with CaptureQueriesContext(connection) as large:
        assert client.get("/resolutions/1540/").status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_resolution_text_parser_rejects_a_mismatched_title():
    from archive.parsing import ParseError

    with pytest.raises(ParseError) as info:
        parse_resolution_text("Resolution 239 (1970)\nof 8 December 1970\n", path="S-RES-290(1970).txt", number=290)
    assert "S-RES-290(1970).txt:1" in str(info.value)
    ok = parse_resolution_text("S/RES/289 (1970)\nResolution 290(1970) of 8 December 1970\n", path="x", number=289)
    assert ok.number == 289 and ok.warnings


def test_load_resolutions_command(capsys):
    from django.core.management import call_command

    call_command("load_resolutions", str(RESOLUTIONS), "--no-progress")
    assert "10 resolution texts loaded" in capsys.readouterr().out
    call_command("relink_citations")
    assert "citations:" in capsys.readouterr().out


def cite(symbol: str, number: int, texts: list[str]):
    """A meeting of single statements citing resolutions, written through the import service."""
    import datetime as dt

    from archive.citations import find_citations
    from archive.importing import Writer
    from archive.parsing import ParsedMeeting, ParsedStatement

    statements = tuple(
        ParsedStatement(
            order=n,
            speaker_label="Mr. Doe (France)",
            speaker="Mr. Doe",
            delegation="France",
            role="member",
            language=None,
            paragraphs=(text,),
            citations=tuple(find_citations(text)),
        )
        for n, text in enumerate(texts, start=1)
    )
    meeting = ParsedMeeting(
        symbol=symbol,
        number=number,
        resumption=None,
        date=dt.date(2021, 2, 1),
        source_kind="text",
        source_name=f"{symbol}.txt",
        statements=statements,
    )
    assert Writer().write(meeting).action == "created"


def conflicts() -> list[tuple[int, int, bool, bool]]:
    """(number, printed year, year conflict, linked) of every citation, in a stable order."""
    return [
        (c.number, c.year_printed, c.year_conflict, c.resolution_id is not None)
        for c in Citation.objects.filter(number__in=(1540, 2760)).order_by(
            "statement__meeting__number", "statement__order", "start"
        )
    ]


def test_import_and_relink_apply_one_year_conflict_rule(archive):
    """A resolution whose year the archive knows (its text is loaded, or its adopting meeting is
    imported) conflicts with another printed year; a numbered entry known only from citations
    (2760 here) has no authoritative year, so nothing printed for it conflicts, at import or at
    relink, whatever year most citations print."""
    cite("S/PV.9801", 9801, ["We recall resolution 2760 (2019).", "As resolution 1540 (2005) says."])
    cite("S/PV.9802", 9802, ["Resolution 2760 (2020) and resolution 2760 (2020) again.", "Resolution 1540 (2004)."])
    at_import = conflicts()
    assert at_import == [
        (2760, 2019, False, True),
        (1540, 2005, True, False),
        (2760, 2020, False, True),
        (2760, 2020, False, True),
        (1540, 2004, False, True),
    ]
    relink_citations()
    assert conflicts() == at_import
    relink_citations(refind=True)
    assert conflicts() == at_import


def test_a_year_guessed_from_citations_gives_way_to_the_adopting_record(archive):
    import datetime as dt

    from archive.importing import Writer
    from archive.parsing import ParsedMeeting
    from archive.parsing.model import Adoption

    cite("S/PV.9801", 9801, ["We recall resolution 2760 (2019)."])  # a misprinted year, cited first
    assert Resolution.objects.get(number=2760).year == 2019
    adopting = ParsedMeeting(
        symbol="S/PV.9803",
        number=9803,
        resumption=None,
        date=dt.date(2021, 3, 1),
        source_kind="text",
        source_name="S/PV.9803.txt",
        statements=(),
        adoptions=(Adoption(2760, 2021, 0, "Resolution 2760 (2021) has been adopted."),),
    )
    assert Writer().write(adopting).action == "created"
    assert Resolution.objects.get(number=2760).year == 2021
    relink_citations()
    assert conflicts() == [(2760, 2019, True, False)]
