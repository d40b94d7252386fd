"""Search over a real Whoosh index (a temporary folder) of the real sample statements: every
operator and filter against the database's own answer, facets, symbol jumps, date edges,
highlighting (escaped), index upkeep (import hook, rebuild swap, repair)."""

from __future__ import annotations

import datetime as dt
import os
import re
import time
from html import unescape
from urllib.parse import parse_qs, urlparse

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client

from archive.importing import import_paths
from archive.models import Citation, Meeting, Speaker, Statement, Subscription
from archive.search import service, upkeep
from archive.search.backend import BUILD_BATCH, ArchiveWhooshBackend
from archive.search.engine import get_backend

from .conftest import SAMPLE_RECORDS
from .hostile import MISSPELT  # forty misspelt words: each once compared with the whole vocabulary


@pytest.fixture(scope="module")
def indexed(django_db_setup, django_db_blocker, search_index):
    """The sample imported (committed for this module) and indexed; emptied afterwards."""
    with django_db_blocker.unblock():
        summary = import_paths(SAMPLE_RECORDS)
        assert summary.errors == []
        assert upkeep.rebuild() == Statement.objects.count()
        yield search_index
        call_command("flush", interactive=False, verbosity=0)


pytestmark = pytest.mark.django_db


def found(text: str, **kw) -> set[int]:
    outcome = service.search(text, **kw)
    assert not outcome.error, outcome.error
    ids = set()
    page = 1
    while True:  # every page
        ids |= {h.statement.pk for h in outcome.hits}
        if page >= outcome.pages:
            break
        page += 1
        outcome = service.search(text, page=page, **kw)
    assert len(ids) == outcome.total
    return ids


def db(*args, **kwargs) -> set[int]:
    return set(Statement.objects.filter(*args, **kwargs).values_list("pk", flat=True))


# ---------------------------------------------------------------- operators


def test_every_word_must_match(indexed):
    both = found("Libya ceasefire")
    assert both and both == found("Libya") & found("ceasefire")
    assert both <= db(text__icontains="libya") & db(text__icontains="ceasefire")


def test_or(indexed):
    either = found("Libya OR Yemen")
    assert either == found("Libya") | found("Yemen")
    assert len(either) > len(found("Libya"))


def test_exclusion(indexed):
    assert found("Libya -Yemen") == found("Libya") - found("Yemen")
    assert found("Libya NOT Yemen") == found("Libya -Yemen")
    assert found("ceasefire -country:France") == found("ceasefire") - db(delegation__key="fra")


def test_parentheses(indexed):
    assert found("(Libya OR Yemen) ceasefire") == (found("Libya") | found("Yemen")) & found("ceasefire")


def test_phrase(indexed):
    phrase = found('"rule of law"')
    assert phrase == db(text__iregex=r"rule\s+of\s+law")
    assert len(phrase) < len(found("rule law"))


@pytest.mark.parametrize(
    "phrase",
    [
        '"rule of law"',
        '"Security Council"',
        '"peace and security"',
        '"the Security Council and the Security Council"',
        '"law of rule"',
    ],
)
def test_phrases_match_and_score_as_whoosh_does(indexed, phrase):
    from archive.search.backend import _fast_phrases

    backend = get_backend()
    if not isinstance(backend, ArchiveWhooshBackend):
        pytest.skip("compares the Whoosh engine's phrase matching with Whoosh's own")
    searcher = backend.searcher()
    query = backend.parser.parse(phrase)
    whoosh = {(h.docnum, round(h.score, 9)) for h in searcher.search(query, limit=None)}
    ours = {(h.docnum, round(h.score, 9)) for h in searcher.search(query.accept(_fast_phrases), limit=None)}
    assert ours == whoosh
    assert phrase == '"law of rule"' or ours


def test_words_match_their_other_forms(indexed):
    assert found("sanction") == found("sanctions")


# ---------------------------------------------------------------- filters


def test_country(indexed):
    assert found("country:France") == db(delegation__key="fra") != set()
    assert found('country:"Russian Federation"') == db(delegation__key="rus") != set()
    assert found("country:RUS") == found("country:Russia") == db(delegation__key="rus")


def test_speaker(indexed):
    assert found("speaker:Nebenzia") == db(speaker__name__icontains="Nebenzia") != set()


def test_resolution(indexed):
    cited = set(Citation.objects.filter(number=2334).values_list("statement_id", flat=True))
    assert cited and found("resolution:2334") == cited
    assert found('resolution:"S/RES/2334 (2016)"') == cited


def test_year_role_language_meeting(indexed):
    assert found("year:2020") == db(meeting__date__year=2020)
    assert found("year:2019") == set()
    assert found("role:president") == db(role="president") != set()
    assert found("language:French") == db(language="French") != set()
    assert found("language:English") == db(language="")
    assert found("meeting:S/PV.8700") == db(meeting__slug="8700") != set()


def test_date_range_edges(indexed):
    # meetings: 8698 on 8 January, 8700 on 10 January, 8708 on 29 January 2020
    assert found("date:2020-01-10") == db(meeting__slug="8700")
    assert found("date:2020-01-09") == set()
    assert found("date:2020-01-08..2020-01-10") == db(meeting__slug__in=["8698", "8700"])
    assert found("date:..2020-01-08") == db(meeting__slug="8698")
    assert found("date:2020-01-11..2020-01-28") == set()  # neither end's neighbour leaks in
    assert found("date:2020-01..2020-03") == db(meeting__date__range=(dt.date(2020, 1, 1), dt.date(2020, 3, 31)))
    assert found("date:2020-02") == db(meeting__date__month=2)


# ---------------------------------------------------------------- facets, sorting, charts


def test_facets_count_exact_values(indexed):
    outcome = service.search("ceasefire")
    facets = {name: {v.value: v.count for v in values} for name, values in outcome.facets.items()}
    hits = found("ceasefire")
    assert facets["Year"] == {"2020": len(hits)}
    for key, n in facets["Delegation"].items():
        assert n == len(hits & db(delegation__key=key)), key  # keys, not stems ("fra", not "franc")
    for role, n in facets["Role"].items():
        assert n == len(hits & db(role=role))
    cites = {
        k: len(hits & set(Citation.objects.filter(number=int(k)).values_list("statement_id", flat=True)))
        for k in facets["Resolution cited"]
    }
    assert cites == facets["Resolution cited"]
    assert sum(facets["Language"].values()) == len(hits)
    labels = {v.value: v.label for v in outcome.facets["Delegation"]}
    assert "United Nations" in labels.values()
    france = next(v for v in service.search("country:France").facets["Delegation"] if v.value == "fra")
    assert france.active and france.label == "France"


def test_who_says_most_leaves_out_the_chairs_procedural_turns(indexed):
    viet_nam_all = len(db(delegation__key="vnm"))
    viet_nam_own = len(db(delegation__key="vnm") - db(role="president", national_capacity=False))
    assert viet_nam_own < viet_nam_all  # Viet Nam held the presidency in January 2020
    assert [(n, c) for n, _, c in service.search('country:"Viet Nam"').top_delegations] == [("Viet Nam", viet_nam_own)]
    top = {name: n for name, _, n in service.search("year:2020").top_delegations}
    assert "Viet Nam" not in top and top["Russian Federation"] == len(db(delegation__key="rus"))


def test_sorting(indexed):
    def dates(sort):
        return [h.statement.meeting.date for h in service.search("year:2020", sort=sort).hits]

    assert dates("newest") == sorted(dates("newest"), reverse=True)
    assert dates("oldest") == sorted(dates("oldest"))
    assert dates("newest")[0] == dt.date(2020, 3, 31) and dates("oldest")[0] == dt.date(2020, 1, 8)


def test_pagination_and_total(indexed):
    first = service.search("year:2020")
    assert first.total == Statement.objects.count() and first.pages == -(-first.total // service.PER_PAGE)
    assert len(first.hits) == service.PER_PAGE
    beyond = service.search("year:2020", page=999)
    assert beyond.page == first.pages and beyond.hits


# ---------------------------------------------------------------- suggestions


def test_suggestions_only_when_they_return_hits(indexed):
    outcome = service.search("secrity councl")
    assert outcome.total == 0 and outcome.suggestion[0] == "security council" and outcome.suggestion[1] > 0
    assert service.search("country:Frnace").suggestion == ("country:France", len(db(delegation__key="fra")))
    assert service.search("zzyzxq").suggestion is None
    assert service.search("Libya Yemen ceasefire sanctions").suggestion is None


def test_suggestions_look_words_up_with_the_engines_own_analyzer(indexed):
    """Whoosh's Porter stem of "international" is not a word of tantivy's (Snowball) index: looked up
    with the wrong stemmer it seemed unknown and was "corrected" to "internationally"."""
    assert service.search("international securty").suggestion[0] == "international security"


def test_suggestions_are_bounded_in_time_and_in_words_compared(indexed, monkeypatch):
    from archive.search import spelling

    compared = []
    distance = spelling.edit_distance
    monkeypatch.setattr(spelling, "edit_distance", lambda a, b, limit: compared.append(a) or distance(a, b, limit))
    for q in (MISSPELT, "q" * 300, "internationallyy responsibilitiees counterterorrismm peacebuildingg disarmamentt"):
        compared.clear()
        started = time.perf_counter()
        outcome = service.search(q)
        assert time.perf_counter() - started < 1.0, q
        assert outcome.total == 0 and outcome.suggestion is None
        assert compared == []  # more unknown words than are ever corrected, or a word no misspelling is
    # A few unknown words are corrected, each compared with the words of its own first letter only.
    started = time.perf_counter()
    assert service.search("secrity councl").suggestion[0] == "security council"
    assert time.perf_counter() - started < 1.0
    assert set(compared) == {"secrity", "councl"}
    vocabulary = get_backend().vocabulary()
    assert len(compared) <= sum(len(vocabulary._words(letter).get(n, ())) for letter in "sc" for n in range(4, 10))


# ---------------------------------------------------------------- pages


def test_search_page(client, indexed):
    html = client.get("/search/", {"q": '"rule of law" OR ceasefire'}).content.decode()
    assert 'class="chips"' in html and "“rule of law” or ceasefire" in html
    assert "<mark>" in html and 'class="snippet"' in html
    assert 'class="chart"' in html and "Who says this most" in html
    assert 'class="search-facets"' in html
    assert "statements match" in html


HIGHLIGHTED = [
    '"rule of law" OR ceasefire',
    "ceasefire -Libya",
    "(Syria OR Yemen) humanitarian -country:France",
    '"peace and security" year:2020',
    "speaker:Nebenzia Syria",
    "peace-keeping sanctions",
    "the of and",
]


def test_every_engine_highlights_through_the_same_method(indexed):
    """The page asks the engine in use for its snippets without asking which engine it is: words
    searched for are marked, other words are not, every piece is escaped."""
    from archive.search import query as ql
    from archive.search.backend import snippet

    backend = get_backend()
    text = 'The ceasefire in Yemen <b>holds</b>; a "ceasefire" elsewhere & more.'  # a match for the query
    marked, nothing = backend.snippets(service.compile_query(ql.parse("ceasefire -Libya")).sq, [text, "No match."])
    assert "<mark>ceasefire</mark>" in marked and "<mark>Yemen" not in marked and "Yemen" in marked
    assert "&lt;b&gt;holds&lt;/b&gt;" in marked and "&amp;" in marked and nothing == ""
    texts = [s.text for s in Statement.objects.order_by("pk")[:60]]
    for q in HIGHLIGHTED:
        parsed = ql.parse(q)
        snippets = backend.snippets(service.compile_query(parsed).sq, texts)
        assert len(snippets) == len(texts) and (q == "the of and") != any("<mark>" in s for s in snippets)
        if isinstance(backend, ArchiveWhooshBackend):  # as the page highlighted before: the query's words
            assert snippets == [snippet(t, parsed.positive_words()) for t in texts]


def test_highlights_are_escaped(client, indexed, tmp_path):
    path = tmp_path / "statement.txt"
    path.write_text('Mr. Sadykov (Kazakhstan): We reject <script>alert("x")</script> & sanctions <b>now</b>.\n')
    summary = import_paths([str(path)], symbol="S/PV.9998", date=dt.date(2021, 5, 5))
    assert summary.errors == []  # ... and the import hook indexed it at once:
    html = client.get("/search/", {"q": "reject sanctions script"}).content.decode()
    assert "&lt;<mark>script</mark>&gt;alert(&quot;x&quot;)&lt;/<mark>script</mark>&gt;" in html
    assert "<script>alert" not in html and "<b>now" not in html
    Meeting.objects.filter(slug="9998").delete()
    result = upkeep.repair()
    assert result.orphaned == 1 and result.missing == 0
    assert service.search("reject sanctions script").total == 0


def test_symbols_go_to_their_page(client, indexed):
    assert client.get("/search/", {"q": "S/PV.8700"})["Location"] == "/meetings/8700/"
    assert client.get("/search/", {"q": "S/PRST/2020/1"})["Location"] == "https://docs.un.org/en/S/PRST/2020/1"
    call_command("load_resolutions", "sample/resolutions", verbosity=0)
    assert client.get("/search/", {"q": "S/RES/2254 (2015)"})["Location"] == "/resolutions/2254/"
    assert client.get("/search/", {"q": "2254 (2015)"})["Location"] == "/resolutions/2254/"
    assert client.get("/search/", {"q": "S/RES/2254"})["Location"] == "/resolutions/2254/"
    # A letter the archive holds (the 2020 videoconference records), in any case and spacing:
    letter = Meeting.objects.get(symbol="S/2020/254")
    for q in ("S/2020/254", "s/2020/254", " S/2020/ 254 "):
        assert client.get("/search/", {"q": q})["Location"] == letter.get_absolute_url() == "/meetings/s-2020-254/"
    assert client.get("/search/", {"q": "s/ pv.8700"})["Location"] == "/meetings/8700/"
    # What the archive does not hold: the official document.
    for q, symbol in [
        ("S/PV.1234", "S/PV.1234"),
        ("S/PV.8699 (Resumption 1)", "S/PV.8699(Resumption1)"),
        ("S/2020/635", "S/2020/635"),
        ("a/res/70/1", "A/RES/70/1"),
        ("A/74/PV.4", "A/74/PV.4"),
        ("E/2020/56", "E/2020/56"),
    ]:
        assert client.get("/search/", {"q": q})["Location"] == f"https://docs.un.org/en/{symbol}", q


def test_the_search_page_is_one_service_call(indexed):
    """What the page needs besides the results comes from service.search_page: the canonical query
    of a "search within" form, where a symbol goes, a missing resolution's citations, the chips."""
    call_command("load_resolutions", "sample/resolutions", verbosity=0)
    within = service.search_page("ceasefire", within=[("country", "Russian Federation"), ("year", "2020")])
    assert within.canonical == 'country:"Russian Federation" year:2020 ceasefire' and not within.hits
    assert (
        service.search_page("", within=[("meeting", "S/PV.8699 (Resumption 1)")]).canonical
        == 'meeting:"S/PV.8699 (Resumption 1)"'
    )
    assert service.search_page("S/PV.8700").redirect == "/meetings/8700/"
    assert service.search_page("s/res/2254 (2015)").redirect == "/resolutions/2254/"
    assert service.search_page("S/PRST/2020/1").redirect == "https://docs.un.org/en/S/PRST/2020/1"
    for symbol in ("S/RES/3999 (2030)", "Resolution 3999 (2030)", "resolution 3999 (2030)"):
        missing = service.search_page(symbol)  # not in the archive: the statements citing it (none)
        assert missing.redirect == "" and missing.parsed.text() == "resolution:3999", symbol
        assert missing.notices[0] == "S/RES/3999 (2030) is not in the archive; statements citing it are listed below."
        assert missing.total == 0 and not missing.error
    assert service.search_page("S/PV.1234").redirect == "https://docs.un.org/en/S/PV.1234"
    page = service.search_page('"rule of law" -country:France', sort="newest")
    assert page.chips == [
        service.Chip("“rule of law”", "-country:France"),
        service.Chip("not Country: France", '"rule of law"'),
    ]
    assert page.sort == "newest" and page.total == len(found('"rule of law" -country:France'))
    assert service.search_page("ceasefire").chips == [service.Chip("ceasefire", None)]
    assert [s.name for s in service.search_page("Nebenzia").names["Speakers"]] == [
        s.name for s in Speaker.objects.filter(name__icontains="Nebenzia")
    ]


def test_speakers_and_delegations_found_by_name(client, indexed):
    speaker = Speaker.objects.get(name__icontains="Nebenzia")
    html = client.get("/search/", {"q": "Nebenzia"}).content.decode()
    assert 'class="names-found"' in html and f'href="{speaker.get_absolute_url()}"' in html
    html = client.get("/search/", {"q": "Viet Nam"}).content.decode()
    assert 'href="/countries/vnm/"' in html


def test_search_within_forms_elsewhere(client, indexed):
    response = client.get("/search/", {"q": "ceasefire", "country": "France"})
    assert response.status_code == 302 and "country%3AFrance+ceasefire" in response["Location"]


def within(client, page_url: str, param: str, q: str = "") -> tuple[set[int], str]:
    """Submit the page's "search within" box: (the statements found, the search page's HTML)."""
    html = client.get(page_url).content.decode()
    assert html.count('class="search-within"') == 1
    value = re.search(rf'<input type="hidden" name="{param}" value="([^"]*)">', html)
    assert value, f"no search-within box for {param} on {page_url}"
    response = client.get("/search/", {"q": q, param: unescape(value.group(1))})
    assert response.status_code == 302
    query = parse_qs(urlparse(response["Location"]).query)["q"][0]
    return found(query), client.get(response["Location"]).content.decode()


def test_search_within_a_speaker_meeting_resolution_and_country(client, indexed):
    call_command("load_resolutions", "sample/resolutions", verbosity=0)
    speaker = Speaker.objects.get(name__icontains="Nebenzia")
    ids, html = within(client, speaker.get_absolute_url(), "speaker")
    assert ids == db(speaker=speaker) != set()
    assert f"Speaker: {speaker.name}" in html and 'class="chips"' in html
    ids, _ = within(client, speaker.get_absolute_url(), "speaker", q="Libya")
    assert ids == db(speaker=speaker) & found("Libya") != set()

    meeting = Meeting.objects.get(slug="8700")
    ids, html = within(client, meeting.get_absolute_url(), "meeting")
    assert ids == db(meeting=meeting) != set() and "Meeting: S/PV.8700" in html
    ids, _ = within(client, meeting.get_absolute_url(), "meeting", q="ceasefire")
    assert ids == db(meeting=meeting) & found("ceasefire") != set()

    ids, html = within(client, "/resolutions/2254/", "resolution")
    assert ids == set(Citation.objects.filter(resolution__number=2254).values_list("statement_id", flat=True)) != set()
    assert "Resolution: 2254" in html

    ids, _ = within(client, "/countries/fra/", "country", q="Syria")
    assert ids == db(delegation__key="fra") & found("Syria") != set()


@pytest.mark.parametrize(
    "q", ["", "   ", "x" * 600, '"', "((", "-iran", "country:", "date:2020-99", "*", "OR OR", "a:b:c"]
)
def test_bad_queries_get_a_message_not_an_error(client, indexed, q):
    response = client.get("/search/", {"q": q})
    html = response.content.decode()
    if response.status_code == 400:  # a query that cannot be run: the page says why
        assert 'class="search-message"' in html
    else:
        assert response.status_code == 200
        assert 'class="search-message"' in html or 'class="search-notice"' in html or "statements match" in html


ATTACKS = [
    "(" * 330 + "peace",  # a RecursionError on both engines
    "date:0999",  # Whoosh's TimeError
    "year:0001..2020",
    "peace date:0001",
    *(f"peace{chr(c)}security" for c in [*range(0x01, 0x09), *range(0x0E, 0x20)]),  # an Atom feed cannot carry them
]
SEARCH_SURFACES = ["/search/", "/api/v1/search/", "/search/feed/", "/search/export.csv", "/search/export.json"]


@pytest.mark.parametrize("q", ATTACKS)
def test_queries_an_engine_cannot_run_are_refused_on_every_surface(indexed, q):
    client = Client(raise_request_exception=False)
    for path in SEARCH_SURFACES:
        response = client.get(path, {"q": q})
        assert response.status_code == 400, (path, q, response.status_code)
        body = response.content.decode()
        assert "from 1900 to 2200" in body or "20 deep" in body or "control character" in body, (path, body[:300])
        if path.startswith("/api/"):
            assert response.json()["detail"]
    # The alert form: a form error, nothing stored, nothing sent.
    assert client.get("/alerts/follow/", {"kind": "search", "target": q}).status_code == 404
    refused = client.post("/alerts/follow/", {"email": "reader@example.org", "kind": "search", "target": q})
    assert refused.status_code == 400 and b'class="errorlist' in refused.content
    assert not Subscription.objects.exists() and mail.outbox == []


@pytest.mark.parametrize(
    "kind, target",
    [
        ("resolution", "\u00b2"),  # "²".isdigit(), but int("²") fails: a 500
        ("resolution", "\u0662\u0663"),  # Arabic-Indic digits
        ("search", "peace\r\nBcc: victim@example.org"),  # stored, then BadHeaderError in the subject
        ("search", "peace\nsecurity"),
        ("delegation", "fr\r\na"),
        ("speaker", "x\x01"),
    ],
)
def test_alert_targets_are_checked_before_anything_is_stored(indexed, kind, target):
    client = Client(raise_request_exception=False)
    assert client.get("/alerts/follow/", {"kind": kind, "target": target}).status_code == 404
    refused = client.post("/alerts/follow/", {"email": "reader@example.org", "kind": kind, "target": target})
    assert refused.status_code == 400 and b'class="errorlist' in refused.content
    assert not Subscription.objects.exists() and mail.outbox == []


def test_help_page(client):
    html = client.get("/search/help/").content.decode()
    assert "Every word you type must match" in html and 'country:"Russian Federation"' in html


# ---------------------------------------------------------------- upkeep


def test_rebuild_swaps_in_a_new_directory(indexed):
    """A new build (folder or server index) swapped in, the one it replaced gone."""
    backend = get_backend()
    before = backend.live_build()
    searcher = backend.searcher()
    assert backend.searcher() is searcher  # long-lived while nothing changes
    call_command("rebuild_search_index", "--no-progress", verbosity=0)
    after = backend.live_build()
    assert after is not None and after != before
    if isinstance(backend.index_path, str):  # an alias on a server
        assert not backend.build_exists(before)
    else:
        assert not os.path.exists(before) and backend.index_path.is_symlink() and after == backend.index_path.resolve()
    assert backend.searcher() is not searcher
    assert backend.doc_count() == Statement.objects.count()


def test_the_index_sorts_on_the_stored_chrono(indexed):
    """Newest and oldest are the database's order (Statement.chrono, one key for listings, the API
    and the index), also past a meeting's 999th statement: the index kept a key of its own that
    capped the order at 999, so such statements came in index order instead."""
    from archive.models import chrono_key
    from archive.search.matching import matching_ids
    from archive.search.upkeep import statement_index

    index = statement_index()
    statements = Statement.objects.select_related("meeting")
    assert all(index.prepare_chrono(s) == s.chrono for s in statements)
    meeting = Meeting.objects.get(slug="8700")
    first, second = statements.filter(meeting=meeting).order_by("pk")[:2]
    try:  # a long meeting: its first statement is the 1999th, its second the 1000th
        for statement, order in ((first, 1999), (second, 1000)):
            chrono = chrono_key(meeting.date, meeting.number, meeting.resumption, order)
            Statement.objects.filter(pk=statement.pk).update(order=order, chrono=chrono)
        upkeep.index_meetings([meeting.pk])
        in_time = list(Statement.objects.filter(meeting=meeting).order_by("chrono").values_list("pk", flat=True))
        assert in_time.index(second.pk) < in_time.index(first.pk)
        assert matching_ids("meeting:8700", newest_first=False) == in_time
        assert matching_ids("meeting:8700") == in_time[::-1]
        oldest = service.search("meeting:8700", sort="oldest")
        assert [h.statement.pk for h in oldest.hits] == in_time[: len(oldest.hits)]
        newest = service.search("meeting:8700", sort="newest", page=oldest.pages)
        assert [h.statement.pk for h in newest.hits] == in_time[: len(newest.hits)][::-1]
    finally:
        for statement in (first, second):
            Statement.objects.filter(pk=statement.pk).update(order=statement.order, chrono=statement.chrono)
        upkeep.index_meetings([meeting.pk])
    everything = Statement.objects.order_by("-chrono").values_list("pk", flat=True)
    assert matching_ids("year:2020") == list(everything.filter(meeting__date__year=2020))


def test_rebuild_in_two_worker_processes(indexed):
    """The parallel writer leaves one segment per worker: counts, facets and sorting span them."""
    before = {q: found(q) for q in ("ceasefire", "country:France", '"rule of law"')}
    facets = service.search("ceasefire").facets
    call_command("rebuild_search_index", "--no-progress", "--procs", "2", verbosity=0)
    backend = get_backend()
    assert Statement.objects.count() > BUILD_BATCH  # so both workers had documents
    if isinstance(backend, ArchiveWhooshBackend):  # Whoosh's writer: one segment per worker
        assert len(backend.searcher().reader().leaf_readers()) == 2
    assert backend.doc_count() == Statement.objects.count()
    assert {q: found(q) for q in before} == before
    ticks: list[int] = []
    assert upkeep.rebuild(progress=ticks.append, procs=2) == len(ticks) == Statement.objects.count()
    assert service.search("ceasefire").facets == facets
    newest = [h.statement.meeting.date for h in service.search("year:2020", sort="newest").hits]
    assert newest == sorted(newest, reverse=True) and newest[0] == dt.date(2020, 3, 31)


def test_repair_finds_stale_and_missing(indexed):
    backend = get_backend()
    statement = Statement.objects.get(meeting__slug="8700", order=7)
    backend.remove_ids([f"archive.statement.{statement.pk}"])
    assert statement.pk not in found("meeting:8700")
    result = upkeep.repair(dry_run=True)
    assert (result.missing, result.stale, result.orphaned) == (1, 0, 0)
    call_command("repair_search_index", verbosity=0)
    assert statement.pk in found("meeting:8700")
    assert upkeep.repair().changed == 0


def test_import_without_an_index_works(tmp_path, indexed):
    from .conftest import point_search_index_at

    previous = point_search_index_at(tmp_path / "none")
    try:
        assert import_paths([SAMPLE_RECORDS[0] + "/S_PV.8700_E.pdf"]).errors == []
        assert service.search("ceasefire").missing_index
    finally:
        point_search_index_at(previous)


def test_date_comparisons_mean_what_haystack_documents(indexed):
    """``__lt``/``__gt`` leave the day out, ``__lte``/``__gte``/``__range`` take it in, on every engine
    (haystack's shipped Whoosh query treated ``__lt`` as ``<=``)."""
    from haystack.query import SQ

    def ids(**kw):
        query = service._sqs(SQ(**kw)).query
        query.set_limits(0, 1000)
        return {int(r.pk) for r in query.get_results()}

    tenth = dt.date(2020, 1, 10)
    before, on, after = db(meeting__date__lt=tenth), db(meeting__date=tenth), db(meeting__date__gt=tenth)
    assert before and on and after
    assert ids(date__lt=tenth) == before
    assert ids(date__lte=tenth) == before | on
    assert ids(date__gt=tenth) == after
    assert ids(date__gte=tenth) == on | after
    assert ids(date__range=(tenth, tenth)) == on


def test_more_like_this_finds_statements_sharing_words(indexed):
    """ "Related statements" through haystack's more_like_this (tantivy; the lean Whoosh schema
    stores no text to compare)."""
    from haystack.query import SearchQuerySet

    from archive.search.tantivy_backend import ANALYZER

    if isinstance(get_backend(), ArchiveWhooshBackend):
        pytest.skip("more-like-this needs the tantivy engine")
    statement = Statement.objects.filter(text__icontains="ceasefire", word_count__gt=300).order_by("pk").first()

    def words(text):
        return set(ANALYZER.analyze(text))

    def overlap(other):
        a, b = words(statement.text), words(other.text)
        return len(a & b) / len(a | b)

    related = [int(r.pk) for r in SearchQuerySet().more_like_this(statement)[:5]]
    assert len(related) == 5 and statement.pk not in related
    others = Statement.objects.exclude(pk=statement.pk)
    mean = sum(overlap(s) for s in others) / others.count()
    assert sum(overlap(s) for s in Statement.objects.filter(pk__in=related)) / 5 > mean
    within = [int(r.pk) for r in SearchQuerySet().filter(meeting_exact="8700").more_like_this(statement)[:5]]
    assert within and set(within) <= db(meeting__slug="8700") - {statement.pk}


def test_reindexing_a_meeting_replaces_its_documents(indexed):
    from haystack.query import SearchQuerySet

    meeting = Meeting.objects.get(slug="8700")
    before = found("meeting:8700")
    assert upkeep.index_meetings([meeting.pk]) == len(before)
    assert found("meeting:8700") == before == db(meeting=meeting)
    assert get_backend().doc_count() == Statement.objects.count() == SearchQuerySet().all().count()
