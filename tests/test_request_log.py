"""The request log: one JSON line per request on the "archive.requests" logger, off unless
REQUEST_LOG (or LOG_FORMAT=json) is set; the path without its query string, the user-agent cut
short, no client address; slow requests marked and counted."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys

import pytest
from django.test import Client

from archive import requestlog

from .conftest import ROOT


def test_off_unless_asked_for(log_lines, settings):
    assert settings.REQUEST_LOG is False
    assert Client().get("/search/help/").status_code == 200
    assert log_lines == []


def test_one_json_line_per_request_without_query_string_or_address(log_lines, settings):
    settings.REQUEST_LOG = True
    settings.SLOW_REQUEST_MS = 60_000
    agent = "Mozilla/5.0 " + "x" * 500
    response = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR="203.0.113.9").get(
        "/search/help/", {"q": "private words", "email": "reader@example.org"}
    )
    assert response.status_code == 200
    [record] = log_lines
    assert record.levelno == logging.INFO and "\n" not in record.getMessage()
    entry = json.loads(record.getMessage())
    assert entry["method"] == "GET" and entry["path"] == "/search/help/" and entry["status"] == 200
    assert isinstance(entry["ms"], float) and entry["slow"] is False
    assert entry["user_agent"] == agent[: requestlog.MAX_USER_AGENT]
    assert "203.0.113.9" not in record.getMessage() and "private" not in record.getMessage()
    assert "reader@example.org" not in record.getMessage()


def test_slow_requests_are_marked_and_counted(log_lines, settings):
    settings.REQUEST_LOG = True
    settings.SLOW_REQUEST_MS = -1
    before = requestlog.counts()
    Client().get("/no/such/page/%0A")
    [record] = log_lines
    entry = json.loads(record.getMessage())
    assert record.levelno == logging.WARNING and entry["slow"] is True and entry["status"] == 404
    assert entry["path"] == "/no/such/page/\n"  # escaped: still one line
    assert requestlog.counts()["slow_requests"] == before["slow_requests"] + 1


def test_a_probe_is_logged_only_when_it_fails(log_lines, settings):
    settings.REQUEST_LOG = True
    assert Client().get("/healthz").status_code == 200
    assert log_lines == []


@pytest.mark.parametrize("variable", [{"REQUEST_LOG": "1"}, {"LOG_FORMAT": "json"}], ids=["REQUEST_LOG", "LOG_FORMAT"])
def test_a_server_process_writes_the_lines_to_stdout(tmp_path, variable):
    program = "import django; django.setup(); from django.test import Client; Client().get('/search/help/?q=x')"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("REQUEST_LOG", "LOG_FORMAT", "DATABASE_URL", "DATABASE_REPLICA_URLS")
    }
    env |= {"DJANGO_SETTINGS_MODULE": "archive.settings", "ARCHIVE_VAR_DIR": str(tmp_path), **variable}
    result = subprocess.run(
        [sys.executable, "-c", program], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    [line] = result.stdout.splitlines()
    assert json.loads(line)["path"] == "/search/help/"
