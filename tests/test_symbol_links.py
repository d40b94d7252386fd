"""Document symbols in statement text linked: our page when the archive holds the document, else
the official document system; resolution citations not linked twice; a page's symbols resolved
in one query. Over the real sample records."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive.importing import import_paths
from archive.models import Meeting, Statement
from archive.symbol_links import links_for_texts

from .conftest import SAMPLE_RECORDS

pytestmark = pytest.mark.django_db


@pytest.fixture
def sample():
    assert import_paths(SAMPLE_RECORDS).errors == []


def symbol_anchors(html: str) -> list[tuple[str, str, str]]:
    """(class, href, label) of every symbol link in a page."""
    return re.findall(r'<a class="(symbol(?: external)?)" href="([^"]+)" title="[^"]*">([^<]+)</a>', html)


def test_meeting_records_link_to_our_page_or_the_official_document(client, sample):
    html = client.get("/meetings/8708/").content.decode()
    anchors = symbol_anchors(html)
    # "(see S/PV.8700)": a meeting the sample holds; "(see S/PV.8707)": one it does not.
    assert ("symbol", "/meetings/8700/", "S/PV.8700") in anchors
    assert ("symbol external", "https://docs.un.org/en/S/PV.8707", "S/PV.8707") in anchors
    # "(S/2012/522,\nannex)": a report the archive does not hold, its label as printed.
    assert ("symbol external", "https://docs.un.org/en/S/2012/522", "S/2012/522") in anchors
    # The speakers' text is left as it is around them.
    assert "(see S/PV.8707)" not in html and "(see " in html


def test_letters_presidential_statements_and_assembly_documents(client, sample):
    html = client.get("/meetings/8714/").content.decode()
    anchors = symbol_anchors(html)
    assert ("symbol", "/meetings/8711/", "S/PV.8711") in anchors  # held from the research corpus
    assert ("symbol external", "https://docs.un.org/en/S/PRST/2007/42", "S/PRST/2007/42") in anchors
    html = client.get("/meetings/8711/").content.decode()
    assert ("symbol external", "https://docs.un.org/en/A/70/174", "A/70/174") in symbol_anchors(html)
    # A letter the archive holds is stored as a meeting: its symbol goes to that page.
    letter = Meeting.objects.get(symbol="S/2020/254")
    statement = Statement.objects.filter(meeting__symbol="S/2020/274").first()
    (links,) = links_for_texts([statement.text.replace("S/2020/253", "S/2020/254")])
    assert [(link.symbol, link.url, link.held) for link in links if link.symbol == "S/2020/254"] == [
        ("S/2020/254", letter.get_absolute_url(), True)
    ]


def test_a_citation_written_as_a_symbol_is_linked_once(client, sample, tmp_path):
    path = tmp_path / "statement.txt"
    path.write_text(
        "Mr. Sadykov (Kazakhstan): The road map is in S/RES/2254 (2015); see also S/PV.8700 and S/2020/24.\n"
    )
    assert import_paths([str(path)], symbol="S/PV.9997", date=dt.date(2021, 5, 5)).errors == []
    html = client.get("/meetings/9997/1/").content.decode()
    assert html.count(">S/RES/2254 (2015)</a>") == 1
    assert '<a class="citation" href="/resolutions/2254/"' in html
    assert [(c, label) for c, _href, label in symbol_anchors(html)] == [
        ("symbol", "S/PV.8700"),
        ("symbol external", "S/2020/24"),
    ]


def test_a_page_resolves_every_symbol_in_one_query(sample, django_assert_num_queries):
    texts = list(Statement.objects.values_list("text", flat=True))
    texts.append("the road map endorsed in S/RES/2254 (2015)")  # (the sample's statements cite none so)
    with django_assert_num_queries(1):  # the meetings and the resolutions named
        links = links_for_texts(texts)
    assert sum(map(len, links)) > 40
    assert {link.held for found in links for link in found} == {True, False}
    with django_assert_num_queries(0):
        assert links_for_texts(["No symbol here."]) == [[]]


def test_meeting_page_queries_do_not_grow_with_its_symbols(client, sample):
    """The meeting page costs the same with a statement's symbols resolved one by one or not:
    all of a page's symbols are resolved together."""

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    before = queries("/meetings/8708/")
    statements = Statement.objects.filter(meeting__slug="8708")
    assert sum(len(links) for links in links_for_texts([s.text for s in statements])) > 8
    # Twice as many symbols on the page: the same number of queries.
    for statement in statements:
        statement.text += " (see S/PV.8698, S/PV.8700 and S/2020/254)"
        statement.save(update_fields=["text"])
    assert queries("/meetings/8708/") == before
