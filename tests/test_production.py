"""Production mode (DEBUG=0), each in a fresh Python process started as a server would be: refusing
to start without a secret key or allowed hosts, `check --deploy` clean, static files collected and
served hashed and compressed by whitenoise, and the security headers on a page."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from .conftest import ROOT

HOST = "archive.example.org"
PRODUCTION = {"DEBUG": "0", "SECRET_KEY": "x" * 30 + "-not-a-real-key-" + "y" * 30, "ALLOWED_HOSTS": HOST}
SETTINGS_VARIABLES = (
    "DATABASE_REPLICA_URLS",
    "DATABASE_REPLICA_CONNECT_TIMEOUT",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CACHE_URL",
    "REDIS_URL",
    "CACHE_DIR",
    "STATIC_ROOT",
    "OFFICIAL_DOCUMENT_URL",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
)


def run(args: list[str], tmp_path, **env: str) -> subprocess.CompletedProcess:
    """``python args...`` in the repository folder with the test's settings variables replaced by ``env``."""
    base = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    base |= {"DJANGO_SETTINGS_MODULE": "archive.settings", "ARCHIVE_VAR_DIR": str(tmp_path / "var")}
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=base | env, capture_output=True, text=True, timeout=120
    )


SETUP = ["-c", "import django; django.setup()"]


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("SECRET_KEY", "SECRET_KEY must be set when DEBUG is off."),
        ("ALLOWED_HOSTS", "ALLOWED_HOSTS must be set when DEBUG is off."),
    ],
)
def test_production_refuses_to_start_without_a_secret_key_or_allowed_hosts(tmp_path, missing, message):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = run(SETUP, tmp_path, **env)
    assert result.returncode != 0
    assert f"django.core.exceptions.ImproperlyConfigured: {message}" in result.stderr
    # An empty value is no better than none.
    result = run(SETUP, tmp_path, **env, **{missing: ""})
    assert result.returncode != 0 and message in result.stderr
    # With it, the same process starts.
    assert run(SETUP, tmp_path, **PRODUCTION).returncode == 0


@pytest.mark.parametrize("cache_url", ["", "redis://127.0.0.1:6379/0"], ids=["file-cache", "redis-cache"])
def test_check_deploy_is_clean(tmp_path, cache_url):
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], tmp_path, **PRODUCTION, CACHE_URL=cache_url
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # The only silenced checks are django-ratelimit's notes on the cache (see archive/deploy.py).
    assert re.fullmatch(r"System check identified no issues \([12] silenced\)\.\n", result.stdout), result.stdout
    assert result.stderr == ""


def test_a_cache_url_that_is_not_redis_is_refused(tmp_path):
    result = run(SETUP, tmp_path, **PRODUCTION, CACHE_URL="memcached://127.0.0.1:11211")
    assert result.returncode != 0
    assert "CACHE_URL must be a redis://, rediss:// or unix:// URL, not 'memcached://127.0.0.1:11211'." in result.stderr


# Run in the production process: a page over HTTPS and over HTTP, and the script it links to.
REQUESTS = f"""
import json, re
import django
django.setup()
from django.conf import settings
from django.test import Client
client = Client(HTTP_HOST="{HOST}")
page = client.get("/search/help/", secure=True)
script = re.search(r'src="(/static/js/copy\\.[0-9a-f]+\\.js)"', page.content.decode()).group(1)
static = client.get(script, secure=True, HTTP_ACCEPT_ENCODING="gzip")
plain = client.get("/search/help/")
print(json.dumps({{
    "status": page.status_code,
    "headers": dict(page.headers),
    "script": script,
    "static_status": static.status_code,
    "static_headers": dict(static.headers),
    "http_status": plain.status_code,
    "http_location": plain.get("Location"),
    "cookies_secure": [settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE],
}}))
"""


def test_production_serves_hashed_compressed_static_files_and_security_headers(tmp_path):
    static_root = tmp_path / "static"
    # The project's own files (Django admin's, a few hundred more, are collected the same way).
    collectstatic = ["manage.py", "collectstatic", "--noinput", "-v", "0", "--ignore", "admin"]
    collected = run(collectstatic, tmp_path, **PRODUCTION, STATIC_ROOT=str(static_root))
    assert collected.returncode == 0, collected.stderr
    manifest = json.loads((static_root / "staticfiles.json").read_text())
    assert re.fullmatch(r"js/copy\.[0-9a-f]{12}\.js", manifest["paths"]["js/copy.js"])
    assert (static_root / (manifest["paths"]["css/archive.css"] + ".gz")).exists()

    result = run(["-c", REQUESTS], tmp_path, **PRODUCTION, STATIC_ROOT=str(static_root))
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["status"] == 200
    headers = seen["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    policy = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'"
    assert policy["object-src"] == policy["base-uri"] == policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self' https://docs.un.org"
    assert seen["cookies_secure"] == [True, True]
    # The hashed script, served by whitenoise, compressed, cacheable for ever.
    assert seen["script"] == "/static/" + manifest["paths"]["js/copy.js"]
    assert seen["static_status"] == 200
    assert seen["static_headers"]["Content-Encoding"] == "gzip"
    assert "immutable" in seen["static_headers"]["Cache-Control"]
    # Plain HTTP is sent to HTTPS.
    assert seen["http_status"] == 301
    assert seen["http_location"] == f"https://{HOST}/search/help/"


INLINE = {
    "inline script": re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I),
    "event handler attribute": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
    "style attribute": re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I),
}


def test_no_template_has_inline_script_or_style():
    """The policy forbids them (script-src and style-src 'self'): script lives in static/js/."""
    templates = sorted((ROOT / "templates").rglob("*.html"))
    assert len(templates) > 10
    for path in templates:
        text = path.read_text(encoding="utf-8")
        for what, pattern in INLINE.items():
            assert not pattern.search(text), f"{path.relative_to(ROOT)}: {what}"


def test_replica_urls_are_checked_when_the_settings_load(tmp_path):
    primary = "postgres://postgres@127.0.0.1:5432/council_archive"
    result = run(SETUP, tmp_path, **PRODUCTION, DATABASE_URL=primary, DATABASE_REPLICA_URLS="sqlite:///copy.sqlite3")
    assert result.returncode != 0
    assert "DATABASE_REPLICA_URLS: replica 1 is not a postgres:// URL: 'sqlite:///copy.sqlite3'." in result.stderr
    sqlite = f"sqlite:///{tmp_path / 'archive.sqlite3'}"
    result = run(SETUP, tmp_path, **PRODUCTION, DATABASE_URL=sqlite, DATABASE_REPLICA_URLS=primary)
    assert result.returncode != 0
    assert "DATABASE_REPLICA_URLS needs a PostgreSQL DATABASE_URL" in result.stderr
    # Two replicas: two aliases, each giving up on a dead server after DATABASE_REPLICA_CONNECT_TIMEOUT.
    show = [
        "-c",
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASE_REPLICAS, [s.DATABASES[a]['OPTIONS']['connect_timeout'] for a in s.DATABASE_REPLICAS], "
        "s.DATABASE_ROUTERS)",
    ]
    replicas = "postgres://postgres@10.0.0.2:5432/council_archive, postgres://postgres@10.0.0.3:5432/council_archive"
    result = run(
        show,
        tmp_path,
        **PRODUCTION,
        DATABASE_URL=primary,
        DATABASE_REPLICA_URLS=replicas,
        DATABASE_REPLICA_CONNECT_TIMEOUT="3",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['replica1', 'replica2'] [3, 3] ['archive.db_router.ReplicaRouter']"
