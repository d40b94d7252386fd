"""Peak memory of the streamed exports at archive sizes of up to 100,000 statements (built from
the real shared statements by bench/synthetic.py).

    python bench/export_memory.py [--statements 100000] [--keep DIR] [--database-url URL] [--search]

Each export runs in a child process of its own, which prints its peak resident set size (VmHWM
of /proc/self/status) beside the same figure just before the export started (Django set up and
one small request served, as in a warm worker):

* through the views (Django's test client, the whole request cycle, the streamed body read to
  the end and parsed back to count its rows): the CSV and the JSON of the delegation with the most
  statements, of the resolution cited most, and, with --search, of a search whose result set is
  every statement (``date:1900-01..2099-12``); --search builds the search index on first use into
  DIR/search_index, which is slow (20-100 statements/s);
* through ``manage.py export_archive`` (statements, meetings, resolutions) in CSV and JSON Lines.

The database is a fresh SQLite file in a temporary directory unless --keep (reused when it holds
enough statements) or --database-url (a PostgreSQL database to be emptied) is given. Target: every
peak under 200 MB.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TARGET_MB = 200
EVERYTHING = "date:1900-01..2099-12"


def peak_mb() -> float:
    """This process's peak resident set size (VmHWM). Not ``getrusage``'s ru_maxrss: Linux carries
    that over from the parent through fork and exec, so a child would report the parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024  # kB
    raise RuntimeError("no VmHWM in /proc/self/status (Linux only)")


def setup_django(folder: Path, database_url: str | None) -> None:
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{folder}/bench.sqlite3"
    os.environ["SEARCH_INDEX_DIR"] = str(folder / "search_index")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    # As in production: no query log kept in memory.
    os.environ.update(DEBUG="0", SECRET_KEY="benchmark-only", ALLOWED_HOSTS="testserver", SECURE_SSL_REDIRECT="0")
    import django

    django.setup()


def lines_of(chunks):
    """Text lines from a stream of byte blocks (a line may straddle two blocks)."""
    rest = ""
    for chunk in chunks:
        text = rest + chunk.decode()
        *whole, rest = text.split("\n")
        for line in whole:
            yield line + "\n"
    if rest:
        yield rest


def count_rows(fmt: str, lines) -> int:
    if fmt == "csv":
        return sum(1 for _ in csv.reader(lines)) - 1  # less the header
    rows = 0
    for line in lines:
        line = line.strip().rstrip(",")
        if line.startswith("{"):
            json.loads(line)
            rows += 1
    return rows


def child(task: str, fmt: str, folder: Path, database_url: str | None) -> dict:
    setup_django(folder, database_url)
    from django.core.management import call_command
    from django.test import Client

    from archive.models import Citation, Delegation, Resolution, Statement

    expected = Statement.objects.count()
    assert Client().get("/robots.txt").status_code == 200  # the URLconf and views imported, as in a warm worker
    before = peak_mb()
    started = time.perf_counter()
    if task == "command":
        out = Path(tempfile.mkdtemp(prefix="export-", dir=folder))
        call_command("export_archive", "--format", fmt, "--output", str(out), "--no-progress", stdout=io.StringIO())
        peak = peak_mb()
        seconds = time.perf_counter() - started
        path = out / f"statements.{fmt}"
        size = path.stat().st_size
        with path.open(encoding="utf-8", newline="") as f:
            rows = count_rows(fmt, f)
        for written in out.iterdir():
            written.unlink()
        out.rmdir()
    else:
        params = {}
        if task == "search view":
            url, params = f"/search/export.{fmt}", {"q": EVERYTHING}
        elif task == "delegation view":
            busiest = Delegation.objects.order_by("-statement_count").first()
            url = f"{busiest.get_absolute_url()}statements.{fmt}"
            expected = Statement.objects.by_delegation(busiest).substantive().count()
        else:
            cited = Resolution.objects.most_cited().first()
            url = f"{cited.get_absolute_url()}statements.{fmt}"
            expected = Citation.objects.filter(resolution=cited).values("statement").distinct().count()
        response = Client().get(url, params)
        assert response.status_code == 200 and response.streaming, (url, response.status_code)
        size = 0

        def blocks():
            nonlocal size
            for block in response.streaming_content:
                size += len(block)
                yield block

        rows = count_rows(fmt, lines_of(blocks()))
        response.close()
        peak = peak_mb()
        seconds = time.perf_counter() - started
    return {
        "task": task,
        "format": fmt,
        "rows": rows,
        "expected": expected,
        "mb": size / 1e6,
        "seconds": seconds,
        "before_mb": before,
        "peak_mb": peak,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--statements", type=int, default=100_000)
    parser.add_argument("--database-url")
    parser.add_argument("--keep", help="keep the SQLite file and the index in this folder (reused if there)")
    parser.add_argument("--search", action="store_true", help="also the search exports (builds the index: slow)")
    parser.add_argument("--child", nargs=2, metavar=("TASK", "FORMAT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="export-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    if args.child:
        print(json.dumps(child(args.child[0], args.child[1], folder, args.database_url)))
        return 0

    setup_django(folder, args.database_url)
    from django.core.management import call_command

    from archive.search.engine import get_backend
    from bench.synthetic import ensure_archive

    total = ensure_archive(args.statements)
    tasks = []
    if args.search:
        if not get_backend().has_index() or get_backend().doc_count() != total:
            print(f"building the search index of {total} statements (slow) ...", flush=True)
            call_command("rebuild_search_index", "--no-progress")
        tasks += [("search view", "csv"), ("search view", "json")]
    tasks += [(f"{what} view", fmt) for what in ("delegation", "resolution") for fmt in ("csv", "json")]
    tasks += [("command", "csv"), ("command", "jsonl")]

    print(f"{total} statements; peak resident memory of each export, in a process of its own")
    print(f"{'export':16} {'format':6} {'rows':>8} {'MB out':>8} {'seconds':>8} {'RSS before':>11} {'peak RSS':>9}")
    worst = 0.0
    for task, fmt in tasks:
        command = [sys.executable, __file__, "--child", task, fmt, "--keep", str(folder)]  # the database built here
        if args.database_url:
            command += ["--database-url", args.database_url]
        result = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout.splitlines()[-1])
        if result["rows"] != result["expected"]:
            raise SystemExit(f"{task} {fmt}: {result['rows']} rows written, {result['expected']} expected")
        worst = max(worst, result["peak_mb"])
        print(
            f"{task:16} {fmt:6} {result['rows']:8d} {result['mb']:8.1f} {result['seconds']:8.1f} "
            f"{result['before_mb']:9.1f}MB {result['peak_mb']:7.1f}MB"
        )
    print(f"highest peak: {worst:.1f} MB (target under {TARGET_MB} MB)")
    return 0 if worst < TARGET_MB else 1


if __name__ == "__main__":
    raise SystemExit(main())
