"""Fetching new verbatim records by symbol from the UN's document system, then importing them.

The address of a record's English PDF comes from one setting, ``RECORD_PDF_URL`` (placeholders
``{symbol}``, url-quoted, and ``{number}``). Requests go out one at a time at a modest rate with a
descriptive User-Agent; a server error, a time-out or a truncated body is retried with back-off; a
404 means "not published (yet)". A download is checked to be a whole PDF before the normal import
service reads it, so a failed or partial download never leaves a partial meeting.
"""

from __future__ import annotations

import re
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.client import HTTPException, IncompleteRead
from pathlib import Path

from django.conf import settings

from .importing import ImportSummary, import_paths
from .models import Meeting
from .parsing.limits import MAX_PDF_BYTES

# "S/PV.8698", "8698", a range "S/PV.8700-8710", a resumption "S/PV.8699 (Resumption 1)" (the UN's
# document system writes it "S/PV.8699(Resumption1)"), a corrigendum "S/PV.4567/Corr.1".
SYMBOL_RE = re.compile(
    r"^(?:S/PV\.)?(?P<first>\d{1,5})"
    r"(?:\s*-\s*(?:S/PV\.)?(?P<last>\d{1,5})"
    r"|\s*\(\s*Resumption\s*(?P<resumption>\d{1,2})\s*\)"
    r"|\s*/\s*Corr\.\s*(?P<corrigendum>\d{1,2}))?$",
    re.I,
)
MAX_RANGE = 500


@dataclass(frozen=True)
class RecordSymbol:
    """One record to fetch: a meeting, or one resumption of it."""

    number: int
    resumption: int | None = None

    @property
    def symbol(self) -> str:
        """As the archive writes it: "S/PV.8699 (Resumption 1)"."""
        return f"S/PV.{self.number}" + (f" (Resumption {self.resumption})" if self.resumption else "")

    @property
    def document_symbol(self) -> str:
        """As the UN's document system writes it: "S/PV.8699(Resumption1)"."""
        return f"S/PV.{self.number}" + (f"(Resumption{self.resumption})" if self.resumption else "")

    @property
    def file_name(self) -> str:
        return self.document_symbol.replace("/", "_") + "_E.pdf"

    @property
    def slug(self) -> str:
        return Meeting.make_slug(self.symbol, self.number, self.resumption)


class FetchError(Exception):
    """A record could not be fetched (after the retries)."""


class NotPublished(FetchError):
    """The server has no such record (404)."""


@dataclass
class FetchSummary:
    fetched: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    imports: list[ImportSummary] = field(default_factory=list)


def parse_symbols(values: Iterable[str]) -> list[RecordSymbol]:
    """ "S/PV.8698", "8698", "S/PV.8700-8710", "S/PV.8699 (Resumption 1)" -> the records, in order,
    without repeats. A corrigendum ("S/PV.4567/Corr.1") is refused by name: it corrects a record's
    printed text by hand and is not a record of its own."""
    records: list[RecordSymbol] = []
    for value in values:
        m = SYMBOL_RE.match(value.strip())
        if not m:
            raise ValueError(
                f"not a meeting symbol or range: {value!r} (e.g. S/PV.8698, S/PV.8700-8710 or S/PV.8699 (Resumption 1))"
            )
        if m["corrigendum"]:
            raise ValueError(
                f"{value!r} is a corrigendum: it corrects the printed record S/PV.{m['first']} and is not fetched "
                "(fetch the record itself; the corrected text is in the record's later editions)"
            )
        first = int(m["first"])
        last = int(m["last"] or first)
        if last < first or last - first > MAX_RANGE:
            raise ValueError(f"bad range {value!r} (at most {MAX_RANGE} meetings, first <= last)")
        resumption = int(m["resumption"]) if m["resumption"] else None
        wanted = [RecordSymbol(first, resumption)] if resumption else [RecordSymbol(n) for n in range(first, last + 1)]
        records.extend(r for r in wanted if r not in records)
    return records


def record_url(record: RecordSymbol | int) -> str:
    record = record if isinstance(record, RecordSymbol) else RecordSymbol(record)
    return settings.RECORD_PDF_URL.format(
        symbol=urllib.parse.quote(record.document_symbol, safe=""), number=record.number
    )


def download(
    url: str, target: Path, *, retries: int, timeout: float, backoff: float, sleep: Callable[[float], None] = time.sleep
) -> None:
    """Download ``url`` to ``target`` whole, or raise NotPublished / FetchError."""
    last_error = ""
    for attempt in range(retries + 1):
        if attempt:
            sleep(backoff * 2 ** (attempt - 1))
        request = urllib.request.Request(url, headers={"User-Agent": settings.FETCH_USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) from settings
                expected = response.headers.get("Content-Length")
                data = read_body(response, url, timeout=timeout)
            if expected is not None and len(data) != int(expected):
                raise IncompleteRead(data, int(expected) - len(data))
            if not data.startswith(b"%PDF"):
                raise FetchError(f"{url}: not a PDF (starts with {data[:8]!r})")
            if b"%%EOF" not in data[-2048:]:
                raise IncompleteRead(data)
            target.write_bytes(data)
            return
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                raise NotPublished(f"{url}: not published (404)") from exc
            last_error = f"HTTP {exc.code}"
            if exc.code < 500 and exc.code != 429:
                break
        except IncompleteRead:
            last_error = "truncated download"
        except (TimeoutError, urllib.error.URLError, HTTPException, OSError) as exc:
            last_error = f"{type(exc).__name__}: {exc}"
    raise FetchError(f"{url}: {last_error} after {retries + 1} attempts")


def read_body(response, url: str, *, timeout: float) -> bytes:
    """The body, within the size limit (FETCH_MAX_BYTES, else the largest PDF the parser reads) and
    ``timeout`` seconds in all (a server sending a byte now and then never trips the socket's own
    time-out). Too large: FetchError at once, not retried; too slow: TimeoutError, retried."""
    limit = settings.FETCH_MAX_BYTES or MAX_PDF_BYTES
    announced = response.headers.get("Content-Length")
    if announced is not None and announced.isdigit() and int(announced) > limit:
        raise FetchError(f"{url}: {announced} bytes announced, over the limit of {limit}")
    deadline = time.monotonic() + timeout
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read1(64 * 1024):
        size += len(chunk)
        if size > limit:
            raise FetchError(f"{url}: more than {limit} bytes, over the limit")
        if time.monotonic() > deadline:
            raise TimeoutError(f"the body took over {timeout:g} s")
        chunks.append(chunk)
    return b"".join(chunks)


def newest_meeting_number() -> int | None:
    return Meeting.objects.filter(number__isnull=False).order_by("-number").values_list("number", flat=True).first()


def fetch_records(
    records: Iterable[RecordSymbol | int] = (),
    *,
    since_last: bool = False,
    force: bool = False,
    rate: float | None = None,
    retries: int | None = None,
    timeout: float | None = None,
    backoff: float | None = None,
    limit: int = 50,
    progress: Callable[[str], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> FetchSummary:
    """Fetch and import the given records (meeting numbers, or ``RecordSymbol`` for a resumption);
    with ``since_last``, the meetings after the newest in the archive, until the first one not
    published (at most ``limit``)."""
    rate = settings.FETCH_RATE_SECONDS if rate is None else rate
    retries = settings.FETCH_RETRIES if retries is None else retries
    timeout = settings.FETCH_TIMEOUT_SECONDS if timeout is None else timeout
    backoff = settings.FETCH_BACKOFF_SECONDS if backoff is None else backoff
    summary = FetchSummary()
    queue = [r if isinstance(r, RecordSymbol) else RecordSymbol(r) for r in records]
    if since_last:
        newest = newest_meeting_number() or 0
        queue.extend(RecordSymbol(n) for n in range(newest + 1, newest + 1 + limit))
    existing = set(
        Meeting.objects.filter(slug__in=[r.slug for r in queue], source_kind="pdf").values_list("slug", flat=True)
    )
    first = True
    with tempfile.TemporaryDirectory(prefix="fetch-records-") as folder:
        for record in queue:
            symbol = record.symbol
            if record.slug in existing and not force:
                summary.skipped.append(symbol)
                continue
            if not first and rate:
                sleep(rate)
            first = False
            target = Path(folder) / record.file_name
            try:
                download(record_url(record), target, retries=retries, timeout=timeout, backoff=backoff, sleep=sleep)
            except NotPublished:
                summary.missing.append(symbol)
                if since_last:
                    break
                continue
            except FetchError as exc:
                summary.errors.append(str(exc))
                continue
            result = import_paths([str(target)], command="fetch_records")
            summary.imports.append(result)
            if result.errors:
                summary.errors.extend(result.errors)
            else:
                summary.fetched.append(symbol)
            if progress:
                read = [o.reader for o in result.outcomes if o.reader]
                progress(f"{symbol} from {read[0]}" if read else symbol)
    return summary
