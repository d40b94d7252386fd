"""Browser tests: Debian's Chromium driven by Playwright over a live server holding the real sample.

The sample is imported once for this package into the test database and served by one live server
thread (pytest-django's ``LiveServer``); the database is emptied again after the last browser test, so the
other tests start from an empty database as usual. These tests only speak HTTP to the server.

Needs /usr/bin/chromium and node_modules/axe-core (``./scripts/test`` installs both). Where either
is missing the tests are skipped, and in CI (CI=true) they fail.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from ..conftest import FIXTURES, ROOT, SAMPLE, SAMPLE_RECORDS

CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VOTES = FIXTURES / "votes"
SCREENSHOTS = ROOT / "docs" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
NARROW = {"width": 360, "height": 740}


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)
            # So that pytest-django sets up the test database (each test runs in a transaction of
            # the main thread's connection that it rolls back; the tests themselves change nothing).
            item.add_marker(pytest.mark.django_db)


def _missing(what: str):
    message = f"browser tests need {what} (./scripts/test installs it)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@dataclass(frozen=True)
class Site:
    url: str
    speaker_path: str
    pages: dict[str, str]  # page type -> path, every page type that exists

    def __call__(self, path: str) -> str:
        return self.url + path


def _build_search_index(tmp_path_factory):
    """Index the sample in a temporary folder, where full-text search exists; returns the undo."""
    try:
        from archive.search.upkeep import rebuild

        from ..conftest import point_search_index_at
    except ImportError:
        return None
    previous = point_search_index_at(tmp_path_factory.mktemp("browser") / "search_index")
    rebuild()
    return lambda: point_search_index_at(previous)


def assert_test_database() -> None:
    """Refuse to import into, or empty, anything but the test database pytest-django made."""
    from django.db import connection

    name = str(connection.settings_dict["NAME"])
    test_name = connection.settings_dict["TEST"].get("NAME")
    if not (connection.is_in_memory_db() if connection.vendor == "sqlite" else False) and not (
        name.startswith("test_") or (test_name and name == test_name)
    ):
        pytest.fail(f"the browser tests need the test database, not {name}")


@pytest.fixture(scope="package")
def site(django_db_setup, django_db_blocker, tmp_path_factory):
    """A live server over the imported sample, for all the browser tests."""
    from django.core.management import call_command
    from django.test import Client
    from pytest_django.live_server_helper import LiveServer

    from archive.importing import import_paths, import_resolutions, import_vetoes
    from archive.models import Meeting

    with django_db_blocker.unblock():
        assert_test_database()
        assert import_paths(SAMPLE_RECORDS).errors == []
        assert import_resolutions([str(SAMPLE / "resolutions")]).errors == []
        # The veto list's excerpt and a vetoed draft's meeting (tests/fixtures/votes/README.md).
        import_vetoes(VOTES / "vetoes.csv")
        announced = import_paths([str(VOTES / "S_PV.9087_president.txt")], symbol="S/PV.9087", date=dt.date(2022, 7, 8))
        assert announced.errors == []
        search_index = _build_search_index(tmp_path_factory)
        speaker = Meeting.objects.get(slug="8700").statements.get(order=7).speaker.get_absolute_url()
        pages = {
            "home": "/",
            "meetings": "/meetings/",
            "meeting": "/meetings/8700/",
            "statement": "/meetings/8700/7/",
            "country": "/countries/fra/",
            "organisation": "/organisations/united-nations/",
            "speaker": speaker,
            "resolutions": "/resolutions/",
            "resolution": "/resolutions/2504/",
            "vetoes": "/vetoes/",
            "veto": "/vetoes/s-2022-538/",
        }
        # Optional page types: tested where the site answers them.
        client = Client()
        for name, path in {
            "countries": "/countries/",
            "speakers": "/speakers/",
            "search": "/search/?q=humanitarian",
            "about-data": "/about/data/",
        }.items():
            if client.get(path).status_code == 200:
                pages[name] = path
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        try:
            yield Site(server.url, speaker, pages)
        finally:
            server._live_server_modified_settings.disable()
            server.stop()
            call_command("flush", interactive=False, verbosity=0)
            if search_index is not None:
                search_index()


@pytest.fixture(scope="package")
def axe_source() -> Path:
    if not AXE.exists():
        _missing(str(AXE.relative_to(ROOT)))
    return AXE


@pytest.fixture(scope="package")
def chromium(site):
    if not CHROMIUM.exists():
        _missing(str(CHROMIUM))
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop on this thread, and Django refuses database calls
    # where one runs: pytest-django's per-test transaction needs them. Allowed while the browser runs.
    async_unsafe = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if async_unsafe is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = async_unsafe


@pytest.fixture
def context(site, chromium):
    context = chromium.new_context(viewport=DESKTOP, base_url=site.url, reduced_motion="reduce")
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    assert errors == [], f"JavaScript errors: {errors}"


@pytest.fixture
def no_js_page(site, chromium):
    context = chromium.new_context(viewport=DESKTOP, base_url=site.url, java_script_enabled=False)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def narrow_page(site, chromium):
    context = chromium.new_context(viewport=NARROW, base_url=site.url, reduced_motion="reduce")
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()
