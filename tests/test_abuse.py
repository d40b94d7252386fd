"""Abuse: the admin only behind its login, CSRF on every form that posts, search rate-limited per
client (HTTP 429 with Retry-After), and the client address taken from a proxy only when told to."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.cache import caches
from django.test import Client, override_settings
from django.urls import reverse

from .conftest import ROOT

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counters():
    caches[settings.RATELIMIT_USE_CACHE].clear()
    yield
    caches[settings.RATELIMIT_USE_CACHE].clear()


# --------------------------------------------------------------------------- admin


def admin_urls() -> list[str]:
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        urls.append(reverse("admin:{}_{}_add".format(*info)))
    return urls


def test_every_admin_page_sends_an_anonymous_reader_to_the_login(client):
    urls = admin_urls()
    assert len(urls) > 20  # every registered model's list and add pages
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"{reverse('admin:login')}?next={url}", url
    # A member of staff who has logged in gets the page.
    User.objects.create_superuser("editor", "editor@example.org", "a long pass phrase 1")
    client.login(username="editor", password="a long pass phrase 1")  # noqa: S106
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_reader_who_is_not_staff_cannot_log_in_to_the_admin(client):
    User.objects.create_user("reader", "reader@example.org", "a long pass phrase 2")
    response = client.post(reverse("admin:login"), {"username": "reader", "password": "a long pass phrase 2"})
    assert response.status_code == 200  # the form again, with its error
    assert "Please enter the correct username and password for a staff account" in response.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302


# --------------------------------------------------------------------------- CSRF

FORM = re.compile(r"<form\b(?P<attrs>[^>]*)>(?P<body>.*?)</form>", re.S | re.I)
METHOD = re.compile(r"""\bmethod\s*=\s*["']?(?P<method>\w+)""", re.I)


def template_forms() -> list[tuple[str, str, str]]:
    """(template, method, body) for every form in the project's templates."""
    forms = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        for match in FORM.finditer(path.read_text(encoding="utf-8")):
            method = METHOD.search(match["attrs"])
            forms.append((str(path.relative_to(ROOT)), (method["method"] if method else "get").lower(), match["body"]))
    return forms


def test_every_form_that_posts_carries_a_csrf_token_and_the_others_use_get():
    forms = template_forms()
    assert len(forms) >= 5  # the search boxes and the filters at least
    for template, method, body in forms:
        assert method in ("get", "post"), f"{template}: method={method}"
        if method == "post":
            assert "{% csrf_token %}" in body, f"{template}: a form that posts has no {{% csrf_token %}}"
    assert "django.middleware.csrf.CsrfViewMiddleware" in settings.MIDDLEWARE


@pytest.mark.parametrize("path", ["/", "/search/", "/admin/login/"])
def test_a_post_without_the_csrf_token_is_refused(path):
    response = Client(enforce_csrf_checks=True).post(path, {"q": "anything", "username": "x", "password": "y"})
    assert response.status_code == 403
    assert "CSRF verification failed" in response.content.decode()


# --------------------------------------------------------------------------- rate limits


def search(client: Client, **headers):
    return client.get("/search/", **headers)


@override_settings(SEARCH_RATE="3/m")
def test_search_past_its_rate_gets_429_with_retry_after_and_other_clients_do_not():
    reader = Client(REMOTE_ADDR="192.0.2.10")
    assert [search(reader).status_code for _ in range(3)] == [200, 200, 200]
    refused = search(reader)
    assert refused.status_code == 429
    retry_after = int(refused["Retry-After"])
    assert 1 <= retry_after <= 60
    html = refused.content.decode()
    assert "<h1>Too many requests</h1>" in html
    assert f"try again in {retry_after} second" in html
    assert "script-src 'self'" in refused["Content-Security-Policy"]
    # Another address is counted on its own; browsing is not limited.
    assert search(Client(REMOTE_ADDR="192.0.2.11")).status_code == 200
    assert reader.get("/search/help/").status_code == 200


SEARCH_SURFACES = [
    "/search/",
    "/api/v1/search/",
    "/search/feed/",
    "/search/export.csv",
    "/search/export.json",
    "/search/export.jsonl",
]


@pytest.mark.parametrize("path", SEARCH_SURFACES)
@override_settings(SEARCH_RATE="3/m")
def test_every_search_surface_is_rate_limited(path):
    """Each surface runs the same query on the same engine: past SEARCH_RATE, 429 with Retry-After
    (JSON on the API), whatever the surface."""
    reader = Client(REMOTE_ADDR="192.0.2.30")
    assert [reader.get(path, {"q": "peace"}).status_code != 429 for _ in range(3)] == [True] * 3
    refused = reader.get(path, {"q": "peace"})
    assert refused.status_code == 429, path
    assert 1 <= int(refused["Retry-After"]) <= 60
    if path.startswith("/api/"):
        assert refused["Content-Type"] == "application/json"
        assert (
            refused.json()["detail"].startswith("Too many requests")
            and refused["Retry-After"] in refused.json()["detail"]
        )
    else:
        assert "<h1>Too many requests</h1>" in refused.content.decode()
    assert Client(REMOTE_ADDR="192.0.2.31").get(path, {"q": "peace"}).status_code != 429


@override_settings(SEARCH_RATE="5/m")
def test_the_search_surfaces_share_one_count_per_client():
    reader = Client(REMOTE_ADDR="192.0.2.32")
    statuses = [reader.get(path, {"q": "peace"}).status_code for path in SEARCH_SURFACES]
    assert [s == 429 for s in statuses] == [False] * 5 + [True]
    # The alert sign-up keeps its own rate.
    assert reader.get("/alerts/follow/", {"kind": "search", "target": "peace"}).status_code != 429


def test_the_production_file_cache_counts_across_processes_sharing_its_folder(tmp_path):
    """Production's default cache (files, no service): the counters are in the folder, so a
    second cache object on it (as in another gunicorn worker) sees the same count."""
    from archive.deploy import caches as production_caches

    configured, _silenced = production_caches("", debug=False, cache_dir=tmp_path, max_entries=100)
    with override_settings(CACHES=configured, SEARCH_RATE="2/m"):
        reader = Client(REMOTE_ADDR="192.0.2.20")
        assert [search(reader).status_code for _ in range(2)] == [200, 200]
        assert list((tmp_path / "ratelimit").glob("*.djcache"))
        caches["ratelimit"].close()
        del caches["ratelimit"]  # a fresh cache object reads the same files
        assert search(reader).status_code == 429


@override_settings(SEARCH_RATE="2/m")
def test_a_forwarded_address_is_ignored_unless_a_trusted_proxy_header_is_set():
    proxy = Client(REMOTE_ADDR="127.0.0.1")
    # Not configured: X-Forwarded-For is the client's own claim, and every request counts for the peer.
    codes = [search(proxy, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(3)]
    assert codes == [200, 200, 429]


@override_settings(
    SEARCH_RATE="2/m",
    RATELIMIT_TRUSTED_PROXY_HEADER="X-Forwarded-For",
    RATELIMIT_IP_META_KEY="archive.ratelimits.client_ip",
)
def test_behind_a_trusted_proxy_each_forwarded_client_is_counted_on_its_own():
    proxy = Client(REMOTE_ADDR="127.0.0.1")
    codes = [search(proxy, HTTP_X_FORWARDED_FOR="203.0.113.5").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert search(proxy, HTTP_X_FORWARDED_FOR="203.0.113.6").status_code == 200
    # The proxy appends the address it saw: what the client wrote before it does not count.
    forged = [search(proxy, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.6").status_code for n in range(2)]
    assert forged == [200, 429]
    # No header, or not an address: the peer's own address.
    assert [search(proxy, HTTP_X_FORWARDED_FOR="unknown").status_code for _ in range(3)] == [200, 200, 429]
    assert search(proxy).status_code == 429


def test_both_rate_settings_are_rates():
    """SEARCH_RATE here, ALERT_SIGNUP_RATE for the alert sign-up: "N/s", "N/m", "N/h" or "N/d"."""
    for name in ("SEARCH_RATE", "ALERT_SIGNUP_RATE"):
        assert re.fullmatch(r"[1-9][0-9]*/[0-9]*[smhd]", getattr(settings, name)), name
