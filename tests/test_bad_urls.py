"""Bad values in URLs and query strings give 200/301/302/400/404, never a server error.

Table-driven over the site as it is: every URL pattern the resolver knows (admin aside) gets bad
values for each of its path converters (those the converter's own pattern accepts: huge numbers,
unknown or over-long slugs, symbols), and every page gets every query parameter any view reads
(found in the views' source, so new views and parameters are covered as they land) with bad values.
"""

from __future__ import annotations

import functools
import inspect
import re
import sys
from itertools import product
from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from django.urls import reverse

from archive.importing import import_paths, import_resolutions
from archive.models import Delegation, Meeting, Speaker

from .conftest import SAMPLE, SAMPLE_RECORDS
from .urlwalk import patterns

pytestmark = pytest.mark.django_db
ALLOWED = {200, 301, 302, 400, 404, 422}  # 422: the API's answer to a value of the wrong shape

PATH_VALUES = [
    "0",
    "1",
    "2147483648",
    "9223372036854775808",
    "9" * 40,
    "99999",
    "1-r99",
    "s-9999-99999",
    "s-0000-0",
    "no-such-thing",
    "x" * 400,
    "-",
    "_",
    "é",
    "Ω≈ç√",
    "%00",
    "<script>",
    "..",
    "S_PV.8700",
    "8700-r1",
    "１２３",  # full-width digits
]
QUERY_VALUES = ["", "-1", "0", "abc", "999999", "9" * 40, "²", "１", "\x00", "%", "x" * 3000, "2020-13-45..2019"]
SEARCH_QUERIES = [
    '"unbalanced',
    "((peace",
    "peace)",
    "()",
    '""',
    "country:",
    "country:nowhere",
    "country:\x00",
    "year:abc",
    "year:99999999999999999999",
    "year:-1",
    "year:²",
    "date:2020-13-45",
    "date:..",
    "date:2020-01-01..2019-01-01",
    "date:9999999-01-01",
    "date:2020-02-30",
    "resolution:abc",
    "resolution:99999999999999999999",
    "resolution:-1",
    "meeting:S/PV.99999999999999",
    "meeting:abc",
    "role:bogus",
    "language:",
    "speaker:\x00",
    "NOT",
    "OR",
    "-",
    "*",
    "?",
    "a" * 600,
    " OR ".join(["peace"] * 60),
    "S/RES/99999999999999 (2016)",
    "S/RES/0",
    "S/PV.99999999999999",
    "S/PV.0",
    "S/PRST/9999/99999",
    "2334 (99999)",
    "\x00",
    "a\x00b",
    "peace AND",
    "-peace",
    "NOT NOT NOT",
    "(((((((((((((((((((((((((((((((peace",
    "|",
    "country:France OR",
    '"a" "b',
    "year:2020..abc",
    "ß" * 200,
    "\u202e\u200b",
    "sort:bogus",
]


def parameters_read(view) -> set[str]:
    """The query parameters a view reads (from its module's source: the view and its helpers),
    "page" for every page."""
    module = sys.modules[view.__module__]
    view = inspect.unwrap(view)
    while isinstance(view, functools.partial):  # the API's views (their parameters are in its schema)
        view = inspect.unwrap(view.func)
    if not (inspect.isfunction(view) or inspect.ismethod(view) or inspect.isclass(view)):
        view = type(view)  # a view object (a feed): its class
    names = set(re.findall(r"""GET\.(?:get|getlist)\(\s*["'](\w+)["']""", inspect.getsource(view)))
    if "WITHIN_PARAMS" in inspect.getsource(view):
        names.update(module.WITHIN_PARAMS)
    return names | {"page"}


def query_parameters() -> list[str]:
    """Every parameter any view reads from the query string."""
    names: set[str] = set()
    for module in {sys.modules[callback.__module__] for *_, callback in patterns()}:
        names.update(re.findall(r"""GET\.(?:get|getlist)\(\s*["'](\w+)["']""", inspect.getsource(module)))
        names.update(getattr(module, "WITHIN_PARAMS", ()))
    return sorted(names)


def valid_kwargs() -> dict[str, dict[str, object]]:
    """A real object behind each detail page of the sample (pages not listed are walked bad-only)."""
    meeting = Meeting.objects.get(slug="8700")
    organisation = Delegation.objects.exclude(kind="state").first().key
    speaker = Speaker.objects.first().slug
    return {
        "archive:meeting-detail": {"slug": meeting.slug},
        "archive:statement-detail": {"slug": meeting.slug, "order": 7},
        "archive:country-detail": {"key": "fra"},
        "archive:organisation-detail": {"key": organisation},
        "archive:speaker-detail": {"slug": speaker},
        "archive:resolution-detail": {"number": 2504},
        "opendata:country-feed": {"key": "fra"},
        "opendata:organisation-feed": {"key": organisation},
        "opendata:speaker-feed": {"slug": speaker},
        "opendata:resolution-feed": {"number": 2504},
        "opendata:country-export": {"key": "fra", "fmt": "csv"},
        "opendata:organisation-export": {"key": organisation, "fmt": "json"},
        "opendata:speaker-export": {"slug": speaker, "fmt": "jsonl"},
        "opendata:resolution-export": {"number": 2504, "fmt": "csv"},
        "opendata:search-export": {"fmt": "csv"},
        "api:meeting": {"slug": meeting.slug},
        "api:statement": {"meeting": meeting.slug, "order": 7},
        "api:speaker": {"slug": speaker},
        "api:delegation": {"key": "fra"},
        "api:resolution": {"number": 2504},
        "api-not-found": {"rest": "no/such/thing/"},
    }


@pytest.fixture(scope="module")
def archive(django_db_setup, django_db_blocker, search_index):
    """The sample, imported and indexed once for this module; emptied again after it."""
    from django.core.management import call_command

    from archive.search.upkeep import rebuild

    with django_db_blocker.unblock():
        assert import_paths(SAMPLE_RECORDS).errors == []
        assert import_resolutions([str(SAMPLE / "resolutions")]).errors == []
        rebuild()
        yield
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    """The walk sends thousands of requests from one client: per-client limits are not its subject."""
    settings.SEARCH_RATE = settings.ALERT_SIGNUP_RATE = "1000000/m"


def check(client: Client, url: str, failures: list[str]) -> None:
    response = client.get(url, follow=True)
    if response.status_code not in ALLOWED:
        failures.append(f"{response.status_code} {url[:200]}")


def test_bad_path_values_never_give_a_server_error(archive):
    client = Client(raise_request_exception=False)
    known = valid_kwargs()
    failures: list[str] = []
    walked = 0
    for route, name, converters, _ in patterns():
        good = known.get(name, {})
        for kwarg, value in product(converters, PATH_VALUES):
            if not re.fullmatch(converters[kwarg].regex, value):
                continue  # the resolver itself answers 404
            kwargs = {k: (value if k == kwarg else good.get(k, value)) for k in converters}
            kwargs = {k: v if k == kwarg or k in good else value for k, v in kwargs.items()}
            path = "/" + route
            for k in converters:
                path = re.sub(rf"<(?:\w+:)?{k}>", quote(str(kwargs[k])), path)
            check(client, path, failures)
            walked += 1
    assert walked > 30
    assert failures == [], "\n".join(failures)


def test_bad_query_values_never_give_a_server_error(archive):
    client = Client(raise_request_exception=False)
    known = valid_kwargs()
    params = query_parameters()
    assert {"page", "q", "year", "sort"} <= set(params)
    pages = []
    for _, name, converters, view in patterns():
        if name in known:
            pages.append((reverse(name, kwargs=known[name]), parameters_read(view)))
        elif not converters:
            pages.append((reverse(name), parameters_read(view)))
    failures: list[str] = []
    for (page, read), value in product(pages, QUERY_VALUES):
        check(client, f"{page}?{urlencode(dict.fromkeys(params, value))}", failures)  # all at once
        for param in sorted(read):  # and one by one, those the page reads
            check(client, f"{page}?{urlencode({param: value})}", failures)
    search = reverse("archive:search")
    for q, (sort, number) in product(SEARCH_QUERIES, [("relevance", "1"), ("bogus", "999999")]):
        check(client, f"{search}?{urlencode({'q': q, 'sort': sort, 'page': number})}", failures)
    for raw in ("q=%ff%fe%00", "q=peace&page=1&page=2", "q=%", "page=%zz", "q=peace&sort=&sort=newest"):
        check(client, f"{search}?{raw}", failures)
    assert failures == [], "\n".join(failures)
    assert client.get(search + "?q=country%3Aa%00").status_code == 400  # PostgreSQL refuses NUL in a query
