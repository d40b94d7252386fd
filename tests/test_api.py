"""The JSON API at /api/v1/ over the real sample (three records, the 2020 corpus speeches, ten
resolution texts) and a real Whoosh index in a temporary folder: content, filters, pagination,
errors, search, constant query counts, and schemathesis run against the served OpenAPI schema."""

from __future__ import annotations

import os
import re

import pytest
import schemathesis
from django.contrib.staticfiles import finders
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from archive.importing import import_resolutions
from archive.models import Citation, Delegation, Meeting, Statement
from archive.search import query as ql
from archive.search import service
from archive.wsgi import application

from .conftest import SAMPLE
from .test_search import indexed  # noqa: F401 - the sample imported and indexed, once for this module

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("archive")]


@pytest.fixture(scope="module")
def archive(indexed, django_db_blocker):  # noqa: F811 - the fixture imported above
    with django_db_blocker.unblock():
        assert import_resolutions([str(SAMPLE / "resolutions")]).errors == []


def get(client, path: str, status: int = 200, **params) -> dict:
    response = client.get(path, params)
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def every_page(client, path: str, **params) -> list[dict]:
    """Follow ``next`` from the first page to the last; the pages' counts agree."""
    page = get(client, path, **params)
    results, count = list(page["results"]), page["count"]
    while page["next"]:
        page = get(client, page["next"])
        assert page["count"] == count and page["previous"]
        results += page["results"]
    assert len(results) == count
    return results


# ---------------------------------------------------------------- content


def test_statements_of_s_pv_8698_in_order_with_speaker_and_delegation(client):
    results = every_page(client, "/api/v1/statements/", meeting="8698", per_page=7)
    stored = list(
        Statement.objects.filter(meeting__slug="8698").select_related("speaker", "delegation").order_by("order")
    )
    assert [r["order"] for r in results] == [s.order for s in stored] == list(range(1, 21))
    assert [r["speaker_label"] for r in results] == [s.speaker_label for s in stored]
    first, france = results[0], results[7]
    # The record: Mr. Dang (Viet Nam) presides; Mrs. Gueguen speaks for France, in French.
    assert first["speaker_label"] == "The President" and first["role"] == "president"
    assert first["speaker"]["name"] == "Mr. Dang" and first["delegation"]["key"] == "vnm"
    assert france["speaker_label"] == "Mrs. Gueguen (France) (spoke in French)"
    assert france["delegation"] == {
        "key": "fra",
        "name": "France",
        "url": "/countries/fra/",
        "api_url": "/api/v1/delegations/fra/",
    }
    assert france["language"] == "French" and france["role"] == "member"
    assert france["url"] == "/meetings/8698/8/" and france["api_url"] == "/api/v1/statements/8698/8/"
    assert france["meeting"]["symbol"] == "S/PV.8698" and france["meeting"]["date"] == "2020-01-08"
    assert france["citation"].startswith("Mrs. Gueguen (France), Council member, S/PV.8698, 8 January 2020")
    assert france["text"] == stored[7].text


def test_statement_detail_links_back_to_the_site_and_lists_its_citations(client):
    statement = get(client, "/api/v1/statements/8700/18/")
    stored = Statement.objects.get(meeting__slug="8700", order=18)
    assert statement["speaker_label"] == stored.speaker_label and statement["delegation"]["key"] == "usa"
    cited = [(c["number"], c["start"], c["text"]) for c in statement["citations"]]
    assert cited == list(stored.citations.order_by("start").values_list("number", "start", "text"))
    assert (2504, 131) in [(n, s) for n, s, _ in cited]
    for citation in statement["citations"]:
        assert statement["text"][citation["start"] : citation["end"]] == citation["text"]
    assert client.get(statement["url"]).status_code == 200  # the permalink on the site
    listed = get(client, "/api/v1/citations/", meeting="8700", order=18)["results"]
    assert [(c["number"], c["start"]) for c in listed] == [(c["number"], c["start"]) for c in statement["citations"]]
    assert get(client, statement["meeting"]["api_url"])["slug"] == "8700"


def test_meeting_detail(client):
    meeting = get(client, "/api/v1/meetings/8700/")
    assert meeting["symbol"] == "S/PV.8700" and meeting["date"] == "2020-01-10"
    assert meeting["presidency"]["key"] == "vnm" and meeting["president_name"] == "Mr. Dang"
    assert [s["order"] for s in meeting["statements"]] == list(range(1, meeting["statement_count"] + 1))
    assert 2504 in [r["number"] for r in meeting["resolutions_adopted"]]  # adopted at this meeting
    seats = {seat["delegation"]["key"] for seat in meeting["seats"]}
    assert len(seats) == 15 and {"fra", "rus", "vnm", "chn", "usa", "gbr"} <= seats
    assert client.get(meeting["url"]).status_code == 200
    assert get(client, meeting["statements_api_url"])["count"] == meeting["statement_count"]


def test_citations_of_resolution_2504(client):
    results = every_page(client, "/api/v1/citations/", resolution=2504, per_page=5)
    stored = Citation.objects.filter(number=2504)
    assert len(results) == stored.count() > 10
    assert {(r["statement"]["meeting"], r["statement"]["order"], r["start"]) for r in results} == set(
        stored.values_list("statement__meeting__slug", "statement__order", "start")
    )
    # in the order spoken: S/PV.8700 (10 January), S/PV.8708 (29 January), then S/2020/254 (30 March)
    meetings = list(dict.fromkeys(r["statement"]["meeting"] for r in results))
    assert meetings == ["8700", "8708", "s-2020-254"]
    assert all(r["resolution"]["symbol"] == "S/RES/2504 (2020)" for r in results)
    one = get(client, results[0]["api_url"])
    assert one == results[0]
    usa = get(client, "/api/v1/citations/", resolution=2504, delegation="usa")
    assert usa["count"] == stored.filter(statement__delegation__key="usa").count() == 3
    resolution = get(client, "/api/v1/resolutions/2504/")
    assert resolution["adopting_meeting"]["slug"] == "8700" and resolution["citations_api_url"].endswith("=2504")


def test_resolution_with_its_text(client):
    resolution = get(client, "/api/v1/resolutions/2254/")
    assert resolution["text_in_archive"] and "Syria" in resolution["text"]
    assert resolution["year"] == 2015 and resolution["symbol"] == "S/RES/2254 (2015)"
    assert 2118 in resolution["cites"]
    cited = get(client, "/api/v1/resolutions/", cited="yes", sort="most-cited", per_page=100)["results"]
    counts = [r["citation_count"] for r in cited]
    assert counts == sorted(counts, reverse=True) and min(counts) > 0


def test_speakers_and_delegations(client):
    speaker = get(client, "/api/v1/speakers/nebenzia-rus/")
    assert speaker["delegation"]["key"] == "rus" and "Mr. Nebenzia" in speaker["names"]
    statements = every_page(client, speaker["statements_api_url"])
    assert len(statements) == speaker["statement_count"] > 0
    assert {s["speaker"]["slug"] for s in statements} == {"nebenzia-rus"}
    russians = get(client, "/api/v1/speakers/", delegation="rus")["results"]
    assert "nebenzia-rus" in [s["slug"] for s in russians]
    france = get(client, "/api/v1/delegations/fra/")
    assert france["permanent_member"] and france["iso2"] == "FR" and france["url"] == "/countries/fra/"
    assert [y["year"] for y in france["years"]] == [2020] and france["years"][0]["council_member"]
    states = every_page(client, "/api/v1/delegations/", kind="state", per_page=100)
    assert len(states) == Delegation.objects.filter(kind="state").count()
    assert [d["name"] for d in states] == sorted(d["name"] for d in states)


# ---------------------------------------------------------------- filters and pagination


def ids(results: list[dict]) -> set[tuple[str, int]]:
    return {(r["meeting"]["slug"], r["order"]) for r in results}


def db(**lookups) -> set[tuple[str, int]]:
    return set(Statement.objects.filter(**lookups).values_list("meeting__slug", "order"))


def test_statement_filters(client):
    assert ids(every_page(client, "/api/v1/statements/", delegation="fra")) == db(delegation__key="fra") != set()
    assert ids(every_page(client, "/api/v1/statements/", role="president")) == db(role="president") != set()
    assert ids(every_page(client, "/api/v1/statements/", language="French")) == db(language="French") != set()
    assert ids(every_page(client, "/api/v1/statements/", language="English", per_page=100)) == db(language="")
    cited = set(Citation.objects.filter(number=2334).values_list("statement__meeting__slug", "statement__order"))
    assert ids(every_page(client, "/api/v1/statements/", resolution=2334)) == cited != set()
    january = ids(every_page(client, "/api/v1/statements/", date_from="2020-01-09", date_to="2020-01-29", per_page=100))
    assert january == db(meeting__date__range=("2020-01-09", "2020-01-29")) and {m for m, _ in january} == {
        "8700",
        "8708",
    }
    assert get(client, "/api/v1/statements/", year=2019)["count"] == 0
    assert get(client, "/api/v1/statements/", year=2020)["count"] == Statement.objects.count()
    both = every_page(client, "/api/v1/statements/", delegation="rus", resolution=2504)
    assert ids(both) == db(delegation__key="rus", citations__number=2504)


def test_pagination_is_stable_and_complete(client):
    oldest = every_page(client, "/api/v1/statements/", per_page=40)
    assert [(r["meeting"]["slug"], r["order"]) for r in oldest] == list(
        Statement.objects.order_by("chrono", "pk").values_list("meeting__slug", "order")
    )
    newest = every_page(client, "/api/v1/statements/", per_page=100, sort="newest")
    assert newest == oldest[::-1]
    page = get(client, "/api/v1/statements/", per_page=40, page=2)
    assert page["page"] == 2 and page["pages"] == 5 and page["count"] == Statement.objects.count()
    assert page["previous"].startswith("/api/v1/statements/?") and "page=1" in page["previous"]
    assert "per_page=40" in page["next"] and "page=3" in page["next"]
    past = get(client, "/api/v1/statements/", status=404, page=6, per_page=40)
    assert past["detail"] == "Page 6 is past the last page (5)."
    meetings = every_page(client, "/api/v1/meetings/", per_page=3, sort="oldest")
    assert [m["slug"] for m in meetings] == list(Meeting.objects.chronological().values_list("slug", flat=True))
    assert [m["slug"] for m in get(client, "/api/v1/meetings/", year=2020, date_to="2020-01-30")["results"]] == [
        "8711",
        "8710",
        "8709",
        "8708",
        "8700",
        "8698",
    ]
    assert (
        get(client, "/api/v1/meetings/", presidency="vnm")["count"]
        == Meeting.objects.filter(presidency__key="vnm").count()
    )


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("path", "params", "status", "message"),
    [
        ("/api/v1/meetings/9999/", {}, 404, "No meeting '9999'."),
        ("/api/v1/statements/8698/21/", {}, 404, "No statement 8698/21."),
        ("/api/v1/resolutions/99999/", {}, 404, "No resolution 99999."),
        ("/api/v1/speakers/nobody/", {}, 404, "No speaker 'nobody'."),
        ("/api/v1/citations/8698/1/0/", {}, 404, "No citation at 0 in statement 8698/1."),
        ("/api/v1/statements/", {"delegation": "xyz"}, 404, "No delegation 'xyz'."),
        ("/api/v1/statements/", {"speaker": "nobody-xyz"}, 404, "No speaker 'nobody-xyz'."),
        ("/api/v1/citations/", {"meeting": "1"}, 404, "No meeting '1'."),
        ("/api/v1/no/such/thing/", {}, 404, "There is no API endpoint at /api/v1/no/such/thing/."),
        ("/api/v1/meetings/S-PV-8698/", {}, 422, "slug: String should match pattern"),
        ("/api/v1/statements/", {"year": "twenty"}, 422, "year: Input should be a valid integer"),
        ("/api/v1/statements/", {"date_from": "2020-13-01"}, 422, "date_from: Input should be a valid date"),
        (
            "/api/v1/statements/",
            {"date_from": "1577836800"},
            422,
            "date_from: Value error, expected a date written YYYY-MM-DD",
        ),
        ("/api/v1/statements/", {"role": "king"}, 422, "role: Input should be 'president', 'member'"),
        ("/api/v1/statements/", {"per_page": 1000}, 422, "per_page: Input should be less than or equal to 100"),
        ("/api/v1/search/", {}, 422, "q: Field required"),
        ("/api/v1/search/", {"q": "country:\x00"}, 422, "q: String should match pattern"),
        ("/api/v1/speakers/", {"name": "a\x00"}, 422, "name: String should match pattern"),
        ("/api/v1/statements/", {"language": "French\x00"}, 422, "language: String should match pattern"),
        ("/api/v1/search/", {"q": "-Iran"}, 400, "A query cannot only leave things out"),
        ("/api/v1/search/", {"q": "()"}, 400, "That query has no words that can be searched for."),
        ("/api/v1/speakers/", {"": "true"}, 400, "The query string has a parameter without a name (=true)."),
        ("/api/v1/statements/", {"year": [2019, 2020]}, 400, "The parameter 'year' is given 2 times; give it once."),
    ],
)
def test_errors_are_json_with_a_clear_message(client, path, status, params, message):
    body = get(client, path, status=status, **params)
    assert message in body["detail"]
    if status == 422:
        assert body["errors"] and body["errors"][0]["msg"] in body["detail"]


def test_wrong_method_and_missing_slash(client):
    response = client.post("/api/v1/meetings/")
    assert response.status_code == 405 and response["Allow"] == "GET"
    assert response.json() == {"detail": "POST is not allowed here; use GET."}
    response = client.get("/api/v1/statements?meeting=8698")
    assert response.status_code == 301 and response["Location"] == "/api/v1/statements/?meeting=8698"


# ---------------------------------------------------------------- search


def test_search_with_a_phrase_and_a_field_filter(client):
    body = get(client, "/api/v1/search/", q='"rule of law" country:France', sort="oldest")
    expected = {
        (s.meeting.slug, s.order)
        for s in Statement.objects.filter(delegation__key="fra").select_related("meeting")
        if re.search(r"rule\s+of\s+law", s.text, re.IGNORECASE)
    }
    assert body["count"] == len(expected) > 0
    assert {(h["statement"]["meeting"]["slug"], h["statement"]["order"]) for h in body["results"]} == expected
    for hit in body["results"]:
        assert hit["statement"]["delegation"]["key"] == "fra"
        assert "<mark>rule</mark> of <mark>law</mark>" in hit["snippet"].lower()  # "of" is a stop word
    assert body["facets"]["Delegation"][0]["value"] == "fra"


def test_search_pages_like_the_site(client):
    first = get(client, "/api/v1/search/", q="year:2020", sort="newest")
    assert first["count"] == Statement.objects.count() and first["per_page"] == 20 and first["pages"] == 10
    assert first["next"] == "/api/v1/search/?q=year%3A2020&sort=newest&page=2"
    hits = every_page(client, "/api/v1/search/", q="year:2020", sort="newest")
    assert [(h["statement"]["meeting"]["slug"], h["statement"]["order"]) for h in hits] == list(
        Statement.objects.order_by("-chrono").values_list("meeting__slug", "order")
    )
    assert get(client, "/api/v1/search/", status=404, q="year:2020", page=11)["detail"] == (
        "Page 11 is past the last page (10)."
    )
    nothing = get(client, "/api/v1/search/", q="zzzxqv")
    assert nothing["count"] == 0 and nothing["results"] == [] and nothing["next"] is None


# ---------------------------------------------------------------- query counts


@pytest.mark.parametrize(
    ("path", "params", "queries"),
    [
        ("/api/v1/meetings/", {}, 2),
        ("/api/v1/statements/", {}, 3),  # count, page (meeting, speaker, delegation joined), flags
        ("/api/v1/statements/", {"delegation": "rus", "resolution": 2504}, 4),  # and the delegation
        ("/api/v1/speakers/", {}, 2),
        ("/api/v1/delegations/", {}, 2),
        ("/api/v1/resolutions/", {}, 2),
        ("/api/v1/citations/", {}, 2),
    ],
)
def test_list_queries_do_not_grow_with_the_page(client, django_assert_num_queries, path, params, queries):
    for per_page in (2, 100):
        with django_assert_num_queries(queries):
            body = get(client, path, per_page=per_page, **params)
        assert len(body["results"]) == min(per_page, body["count"])


def test_detail_and_search_queries_are_bounded(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):  # the meeting, seats, statements, resolutions adopted
        get(client, "/api/v1/meetings/8700/")
    with django_assert_max_num_queries(3):  # the statement, its flags, its citations
        get(client, "/api/v1/statements/8700/18/")
    with django_assert_max_num_queries(12):  # as on the site's search page: hits, facet names
        get(client, "/api/v1/search/", q="humanitarian", sort="newest")


# ---------------------------------------------------------------- schema and docs


def test_schema_and_docs_page(client):
    schema = get(client, "/api/v1/schema/")
    assert schema["openapi"].startswith("3.")
    assert {
        "/api/v1/statements/",
        "/api/v1/statements/{meeting}/{order}/",
        "/api/v1/search/",
        "/api/v1/citations/{meeting}/{order}/{start}/",
    } <= set(schema["paths"])
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    # Works under "script-src 'self'": every script is a file from this site or a JSON data block.
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert re.search(r'src="/static/', tag) or 'type="application/json"' in tag, tag
    assert "http://" not in html and "https://" not in html  # nothing from a CDN
    for asset in re.findall(r'(?:src|href)="/static/([^"]+)"', html):
        assert finders.find(asset), asset


def test_index_leads_to_every_list(client):
    index = get(client, "/api/v1/")
    assert index["docs"] == "/api/v1/docs/" and index["openapi"] == "/api/v1/schema/"
    for name, path in index["lists"].items():
        if name == "search":
            assert get(client, path, q="ceasefire")["count"] > 0
        else:
            assert get(client, path)["count"] > 0, name


def test_the_footer_links_to_the_api_docs(client):
    assert 'href="/api/v1/docs/"' in client.get("/").content.decode()


# ---------------------------------------------------------------- schemathesis


@pytest.fixture
def requests_keep_the_test_connection():
    """Requests go through the project's WSGI application; as Django's test client does, the test's
    database connection is kept open between them."""
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def no_search_limit(settings):
    """Schemathesis asks the search operation many times in a row: the per-client limit
    (tests/test_abuse.py) is not its subject."""
    settings.SEARCH_RATE = "1000000/m"


# 25 examples per operation, the same ones on every run, keep CI short; API_FUZZ_EXAMPLES=500 explores
# further with new random examples each time.
EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "25"))
served = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)


def search_accepts_every_searchable_query(ctx, response, case):
    """positive_data_acceptance for /search/, where the query language, not the schema, decides
    what can be searched: schema-valid data gets 200 or 404, or a 400 exactly when the parser
    rejects the query, with the parser's own message."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return None
    try:
        ql.to_sq(ql.parse(case.query["q"]), resolve_country=service.resolve_country)
        rejection = None
    except ql.QueryError as exc:
        rejection = str(exc)
    if rejection is None:
        assert response.status_code in (200, 404), f"valid query rejected: {response.status_code}"
    else:
        assert response.status_code == 400, f"{rejection!r} answered {response.status_code}"
        assert response.json() == {"detail": rejection}
    return None


@served.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=EXAMPLES == 25,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@pytest.mark.usefixtures("requests_keep_the_test_connection", "no_search_limit")
def test_schemathesis(case):
    client = {
        "environ_overrides": {"REMOTE_ADDR": "192.0.2.40"}
    }  # as every server sets it (the search is rate-limited by it)
    if case.operation.path == "/api/v1/search/":
        case.call_and_validate(
            excluded_checks=[positive_data_acceptance],
            additional_checks=[search_accepts_every_searchable_query],
            **client,
        )
    else:
        case.call_and_validate(**client)
