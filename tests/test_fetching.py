"""fetch_records end to end against a real HTTP server on localhost serving real records, and
answering 404, 500, slowly and with truncated bodies."""

from __future__ import annotations

import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import CommandError, call_command

from archive.fetching import RecordSymbol, fetch_records, parse_symbols
from archive.models import ImportRun, Meeting, Statement

from .conftest import SAMPLE

pytestmark = pytest.mark.django_db
RECORDS = {
    8698: SAMPLE / "records" / "S_PV.8698_E.pdf",
    8700: SAMPLE / "records" / "S_PV.8700_E.pdf",
    8708: SAMPLE / "records" / "S_PV.8708_E.pdf",
}


# A PDF whose page tree loops (tests/test_bad_input.py makes it too): PDFium's error was uncaught.
PAGE_LOOP_PDF = (
    b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
    b"\nendobj\n3 0 obj\n<< /Type /Pages /Kids [2 0 R] /Count 1 /Parent 2 0 R >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


class RecordServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.behaviour: dict[int, list[str]] = {}  # number -> what to answer, request by request
        self.requests: list[tuple[str, str]] = []


class Handler(BaseHTTPRequestHandler):
    server: RecordServer

    def log_message(self, *args) -> None:  # quiet
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self.server.requests.append((self.path, self.headers.get("User-Agent", "")))
        last = urllib.parse.unquote(self.path.rsplit("/", 1)[1])
        number = int(last) if last.isdigit() else last  # {number}, or a {symbol} such as S/PV.8699(Resumption1)
        plan = self.server.behaviour.get(number, [])
        action = plan.pop(0) if plan else "ok"
        if number not in RECORDS or action == "404":
            self.send_error(404)
            return
        if action == "500":
            self.send_error(500)
            return
        if action == "slow":
            time.sleep(1.5)
        data = RECORDS[number].read_bytes()
        if action == "page-loop":
            data = PAGE_LOOP_PDF
        self.send_response(200)
        self.send_header("Content-Type", "application/pdf")
        if action == "endless":  # no length announced, and more than any record
            self.end_headers()
            self.wfile.write(b"%PDF-1.7\n")
            for _ in range(64):
                self.wfile.write(b"0" * 65536)
            return
        if action == "drip":  # a byte now and then: the socket never times out
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            for byte in data[:40]:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.1)
            return
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data[: len(data) // 2] if action == "truncated" else data)


@pytest.fixture
def server(settings):
    srv = RecordServer()
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    settings.RECORD_PDF_URL = f"http://127.0.0.1:{srv.server_address[1]}/pdf/{{number}}"
    settings.FETCH_RATE_SECONDS = 0
    settings.FETCH_BACKOFF_SECONDS = 0.01
    settings.FETCH_TIMEOUT_SECONDS = 1
    settings.FETCH_RETRIES = 2
    yield srv
    srv.shutdown()
    srv.server_close()


def test_symbols_and_ranges():
    assert [r.number for r in parse_symbols(["S/PV.8698", "8700-8702", "S/PV.8698"])] == [8698, 8700, 8701, 8702]
    (resumption,) = parse_symbols(["S/PV.8699 (Resumption 1)"])
    assert (resumption.number, resumption.resumption, resumption.document_symbol) == (8699, 1, "S/PV.8699(Resumption1)")
    assert parse_symbols(["S/PV.8699(Resumption2)", "S/PV.8699", "s/pv.8699 (resumption 2)"]) == [
        RecordSymbol(8699, 2),
        RecordSymbol(8699),
    ]
    with pytest.raises(ValueError, match="corrigendum"):
        parse_symbols(["S/PV.4567/Corr.1"])
    with pytest.raises(ValueError):
        parse_symbols(["S/2020/1"])
    with pytest.raises(ValueError):
        parse_symbols(["S/PV.9000-8000"])


def test_fetch_imports_records_with_a_descriptive_user_agent(server):
    summary = fetch_records([8698, 8700])
    assert summary.fetched == ["S/PV.8698", "S/PV.8700"] and summary.errors == []
    assert Meeting.objects.get(slug="8700").statements.count() == 23
    assert all("CouncilArchive" in ua for _path, ua in server.requests)
    assert ImportRun.objects.filter(command="fetch_records").count() == 2
    again = fetch_records([8698])
    assert again.skipped == ["S/PV.8698"] and len(server.requests) == 2  # already imported: not asked


def test_server_errors_and_slowness_are_retried(server):
    server.behaviour[8700] = ["500", "slow"]  # then ok
    summary = fetch_records([8700])
    assert summary.fetched == ["S/PV.8700"]
    assert len(server.requests) == 3


def test_truncated_or_failing_downloads_store_nothing(server):
    server.behaviour[8700] = ["truncated", "truncated", "truncated"]
    server.behaviour[8698] = ["500", "500", "500"]
    summary = fetch_records([8700, 8698])
    assert len(summary.errors) == 2
    assert "truncated" in summary.errors[0] and "HTTP 500" in summary.errors[1]
    assert Meeting.objects.count() == 0 and Statement.objects.count() == 0


def test_since_last_stops_at_the_first_unpublished(server):
    fetch_records([8698])
    # 8699 is not served (404): nothing after the newest is published yet
    summary = fetch_records(since_last=True)
    assert summary.missing == ["S/PV.8699"] and summary.fetched == []
    fetch_records([8700])
    server.behaviour[8701] = ["404"]
    summary = fetch_records(since_last=True)
    assert summary.missing == ["S/PV.8701"]


def test_command(server, capsys):
    call_command("fetch_records", "S/PV.8708")
    assert "1 fetched and imported" in capsys.readouterr().out
    server.behaviour[8700] = ["500", "500", "500"]
    with pytest.raises(CommandError):
        call_command("fetch_records", "S/PV.8700")
    with pytest.raises(CommandError):
        call_command("fetch_records")


def test_a_hostile_pdf_is_an_error_and_the_next_record_is_fetched(server):
    server.behaviour[8700] = ["page-loop"]
    summary = fetch_records([8700, 8698])
    assert len(summary.errors) == 1 and "S_PV.8700_E.pdf: not a readable PDF" in summary.errors[0], summary.errors
    assert summary.fetched == ["S/PV.8698"] and not Meeting.objects.filter(slug="8700").exists()


def test_downloads_are_limited_in_size_and_in_time(server, settings):
    settings.FETCH_MAX_BYTES = 1024 * 1024
    server.behaviour[8700] = ["endless"]
    server.behaviour[8698] = ["drip", "drip", "drip"]
    started = time.monotonic()
    summary = fetch_records([8700, 8698, 8708])
    assert "more than 1048576 bytes, over the limit" in summary.errors[0], summary.errors
    assert "TimeoutError: the body took over 1 s" in summary.errors[1], summary.errors
    assert len(summary.errors) == 2 and summary.fetched == ["S/PV.8708"]
    assert len([path for path, _ in server.requests if path.endswith("/8700")]) == 1  # too large: not asked again
    assert time.monotonic() - started < 20
    assert Meeting.objects.filter(slug__in=["8698", "8700"]).count() == 0


def test_an_old_record_is_fetched_and_read_through_ocr(server, capsys, monkeypatch):
    """S/PV.492 (1950) exists only as a scan: fetched by its symbol, imported through OCR, and
    the report says what it was read from."""
    from .conftest import require_shared
    from .golden import OTHER_ERAS, replayed_ocr

    require_shared()
    record = OTHER_ERAS / "S_PV.492_1950.pdf"
    monkeypatch.setitem(RECORDS, 492, record)
    with replayed_ocr(record):
        call_command("fetch_records", "S/PV.492")
    out = capsys.readouterr().out
    assert "imported S/PV.492 from OCR of its page images (mean word confidence" in out
    assert "1 fetched and imported" in out
    meeting = Meeting.objects.get(slug="492")
    assert meeting.read_by_ocr and meeting.statements.count() > 30


def test_a_resumption_is_fetched_by_its_own_symbol(server, settings):
    """A resumption is a record of its own ("S/PV.8699 (Resumption 1)"), asked for by the symbol the
    document system uses and stored as its own meeting part, beside the first part."""
    from .conftest import require_shared

    part = require_shared() / "meetings" / "pdf" / "S_PV.8699(Resumption1)_E.pdf"
    RECORDS["S/PV.8699(Resumption1)"] = part
    try:
        settings.RECORD_PDF_URL = settings.RECORD_PDF_URL.replace("{number}", "{symbol}")
        call_command("fetch_records", "S/PV.8699 (Resumption 1)")
        assert server.requests[-1][0].endswith("/S%2FPV.8699%28Resumption1%29")
        meeting = Meeting.objects.get(slug="8699-r1")
        assert (meeting.number, meeting.resumption, meeting.source_kind) == (8699, 1, "pdf")
        again = fetch_records(parse_symbols(["S/PV.8699(Resumption1)"]))
        assert again.skipped == ["S/PV.8699 (Resumption 1)"] and again.fetched == []
    finally:
        del RECORDS["S/PV.8699(Resumption1)"]
