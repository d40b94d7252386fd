"""Render time of every page type through the Django views, at archive sizes of up to 100,000
statements built from the real shared statements (bench/synthetic.py says how).

    python bench/pages.py [--statements 100000] [--runs 40] [--database-url URL] [--keep DIR]

For each page type it requests a few different real URLs RUNS times in all and prints p50/p95 in
milliseconds and the number of queries per request, and the slowest first request of each URL with
the cache empty (as right after an import: summaries and rendered listings are cached per
summary version). The database is a fresh SQLite file in a
temporary directory unless --database-url (e.g. a PostgreSQL database to be emptied) is given.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--statements", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--database-url")
    parser.add_argument("--keep", help="keep the SQLite file in this folder (reused if it exists)")
    args = parser.parse_args(argv)
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="pages-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    os.environ["DEBUG"] = "1"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from archive.models import Delegation, Meeting, Resolution, Speaker, Statement
    from bench.synthetic import build_archive

    call_command("migrate", verbosity=0)
    if Statement.objects.count() < args.statements:
        if Statement.objects.exists():
            call_command("flush", interactive=False, verbosity=0)
        build_archive(args.statements)
    else:
        from archive.stats import refresh_summaries

        refresh_summaries()  # a kept database may predate the stored counts
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    total = Statement.objects.count()
    busiest = list(Delegation.objects.filter(kind="state").order_by("-statement_count")[:3])
    speakers = list(Speaker.objects.order_by("-statement_count")[:3])
    meetings = list(Meeting.objects.order_by("-date")[:3])
    statements = list(Statement.objects.select_related("meeting").order_by("-pk")[:3])
    resolutions = list(Resolution.objects.most_cited()[:3])
    pages = {
        "home": ["/"],
        "meeting list": ["/meetings/", "/meetings/?year=2015"],
        "meeting": [m.get_absolute_url() for m in meetings],
        "statement": [s.get_absolute_url() for s in statements],
        "country list": ["/countries/"],
        "country": [d.get_absolute_url() for d in busiest] + [f"{busiest[0].get_absolute_url()}?page=40"],
        "organisation": ["/organisations/united-nations/"],
        "speaker list": ["/speakers/", "/speakers/?q=ne"],
        "speaker": [s.get_absolute_url() for s in speakers],
        "resolution list": ["/resolutions/", "/resolutions/?sort=cited"],
        "resolution": [r.get_absolute_url() for r in resolutions],
    }
    client = Client()
    print(f"{total} statements, {connection.vendor}; {args.runs} requests per page type")
    print(f"{'page type':16} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'cold ms':>8}")
    from django.core.cache import cache

    worst = 0.0
    for name, urls in pages.items():
        cold = 0.0
        for url in urls:  # first request after an import: nothing cached yet
            cache.clear()
            started = time.perf_counter()
            assert client.get(url).status_code == 200, url
            cold = max(cold, (time.perf_counter() - started) * 1000)
        timings = []
        for i in range(args.runs):
            url = urls[i % len(urls)]
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, url
        with CaptureQueriesContext(connection) as ctx:
            client.get(urls[0])
        timings.sort()
        p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
        worst = max(worst, p95)
        print(f"{name:16} {statistics.median(timings):8.1f} {p95:8.1f} {len(ctx.captured_queries):8d} {cold:8.1f}")
    print(f"worst p95: {worst:.1f} ms (target 30 ms); cold: the slowest first request after an import")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
