"""Render time of a resolution page with 1,000 citing statements, through the Django view.

    python bench/resolution_page.py [--statements 1000] [--runs 50]

Builds a fresh SQLite database in a temporary directory (or uses DATABASE_URL), copies real
statement texts from ../shared/data/unsc-2020 (or the repository's sample) into N statements
of 20 meetings across 40 delegations, each citing resolution 1540 (2004), then requests
/resolutions/1540/ (first page, charts, filters) RUNS times and prints p50/p95/max and the
number of queries per request.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def texts() -> list[str]:
    for source in (
        ROOT.parent / "shared" / "data" / "unsc-2020" / "speeches.jsonl",
        ROOT / "sample" / "corpus-2020" / "speeches.jsonl",
    ):
        if source.exists():
            with source.open(encoding="utf-8") as fh:
                return [json.loads(line)["content"] for line in fh][:2000]
    raise SystemExit("no speeches to copy")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--statements", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args(argv)
    tmp = tempfile.mkdtemp(prefix="res-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    os.environ["DEBUG"] = "1"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from archive.models import Citation, Delegation, Meeting, Resolution, Speaker, Statement

    call_command("migrate", verbosity=0)
    corpus = texts()
    resolution = Resolution.objects.create(number=1540, year=2004, text_in_archive=False)
    delegations = [
        Delegation.objects.create(key=f"d{i:02d}", name=f"Delegation {i}", short_name=f"D{i}", kind="state")
        for i in range(40)
    ]
    meetings = [
        Meeting.objects.create(
            symbol=f"S/PV.{9000 + i}",
            number=9000 + i,
            slug=str(9000 + i),
            date=f"20{10 + i % 10}-0{1 + i % 9}-15",
            source_kind="pdf",
            source_name="bench",
            source_checksum="x",
            imported_at=timezone.now(),
        )
        for i in range(20)
    ]
    speakers = [Speaker.objects.create(slug=f"s{i}", name=f"Mr. Speaker {i}", surname_key=f"s{i}") for i in range(40)]
    phrase = " This delegation recalls resolution 1540 (2004) and its obligations."
    statements = Statement.objects.bulk_create(
        Statement(
            meeting=meetings[i % 20],
            order=i // 20 + 1,
            speaker_label="Mr. Speaker (Delegation)",
            speaker=speakers[i % 40],
            delegation=delegations[i % 40],
            role="invitee",
            text=corpus[i % len(corpus)] + phrase,
            word_count=500,
        )
        for i in range(args.statements)
    )
    Citation.objects.bulk_create(
        Citation(
            statement=s,
            resolution=resolution,
            number=1540,
            year_printed=2004,
            text="resolution 1540 (2004)",
            start=len(s.text) - len(phrase) + 30,
            end=len(s.text) - len(phrase) + 52,
        )
        for s in statements
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would have done on a live database
    client = Client()
    client.get("/resolutions/1540/")  # warm up templates and connections
    timings = []
    for _ in range(args.runs):
        started = time.perf_counter()
        response = client.get("/resolutions/1540/")
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        client.get("/resolutions/1540/")
    timings.sort()
    p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
    print(
        f"/resolutions/1540/ with {args.statements} citing statements ({connection.vendor}): "
        f"p50 {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, max {timings[-1]:.1f} ms "
        f"over {args.runs} requests; {len(ctx.captured_queries)} queries per request"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
