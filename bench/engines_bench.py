"""Search engines side by side: tantivy, Whoosh and an OpenSearch-compatible server (osmem-server,
in memory, started by this script) through the site's search view, SQLite FTS5 and PostgreSQL
full-text search as bare SQL, on the same archive and the same queries, in one run.

    python bench/engines_bench.py --statements 10000 --keep var/bench-10k --pg postgres://postgres@127.0.0.1:5432/postgres
    python bench/engines_bench.py --statements 100000 --keep var/bench-100k --skip-whoosh   # Whoosh takes ~30 min to index
    python bench/engines_bench.py --statements 10000 --keep var/bench-10k --reuse-index --paired --no-sql

The archive is built by bench/synthetic.py (real 2020 statements copied a year back per copy) and
kept with ``--keep``. Each engine is indexed by ``upkeep.rebuild()`` in a child process (throughput,
index size, peak memory of that process) and queried in another child process: the 200 queries of
bench/search_bench.py through the Django view (parse, search, five facets and who-says-most, 20
results loaded and highlighted, page rendered), after 10 warm-up queries; the memory reported is
that query process's peak resident set. ``--paired`` also runs each query on every engine in
turn in one process, so that the ratio is measured at the same moments on a shared machine. FTS5 and PostgreSQL run the same queries as bare SQL
(count, 20 snippets, facet counts): their ratios flatter them.

The OpenSearch engine is measured against osmem-server (osmem-server in requirements-dev.txt), an
in-memory OpenSearch-compatible server for tests, and labelled so: its numbers say what the engine
costs on the site's side (requests, translation, highlighting) and what such a server answers, not
what an OpenSearch cluster would. The server's own peak memory is reported apart from the query
process's. Its index lives in memory, so ``--reuse-index`` rebuilds it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.search_bench import PHRASES, folder_size, fts5_bench, percentiles, pg_bench, queries  # noqa: E402

ENGINES = ("tantivy", "whoosh", "opensearch")
LABELS = {"opensearch": "OpenSearch-compatible (osmem-server)"}  # never "OpenSearch": not a cluster


def label(engine: str) -> str:
    return LABELS.get(engine, engine)


def index_size(backend) -> int:
    """Bytes of the live index: its folder, or what the server reports for the index the alias names."""
    if isinstance(backend.index_path, str):
        rows = backend.call("cat.indices", index=backend.live_build(), format="json", bytes="b")
        return sum(int(row["store.size"]) for row in rows)
    return folder_size(backend.index_path)


def server_peak_mb(pid: int) -> float:
    """Peak resident memory of another process of this machine (the osmem-server), in MB."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmHWM:")).split()[1]) / 1024


def engines_built(folder: Path) -> list[str]:
    """The engines with an index to query: a folder kept, or the server of this run."""
    return [
        e
        for e in ENGINES
        if (e == "opensearch" and os.environ.get("OPENSEARCH_URL")) or (folder / "search_index" / e).exists()
    ]


KINDS = ("term", "phrase", "boolean", "filter")


def setup(folder: Path, engine: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ["SEARCH_INDEX_DIR"] = str(folder / "search_index")
    os.environ["SEARCH_ENGINE"] = engine
    os.environ["SEARCH_RATE"] = "1000000/m"  # one client asks everything: the per-client limit is not measured
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    import django

    django.setup()


def peak_mb() -> tuple[float, float]:
    """(current, peak) resident memory of this process in MB."""
    status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    return int(status["VmRSS"].split()[0]) / 1024, int(status["VmHWM"].split()[0]) / 1024


def child_index(folder: Path, engine: str) -> dict:
    setup(folder, engine)
    from archive.search import upkeep
    from archive.search.engine import get_backend

    started, cpu = time.perf_counter(), time.process_time()
    count = upkeep.rebuild()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {
        "count": count,
        "seconds": seconds,
        "cpu": cpu,
        "size": index_size(get_backend()),
        "peak_mb": peak_mb()[1],
    }


def timing_engine_calls(backend, spent: list[float]) -> None:
    """Add the time of each ``backend.search`` call (ids, count, facets) to ``spent[0]``."""
    search = backend.search

    def timed(*args, **kwargs):
        started = time.perf_counter()
        try:
            return search(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - started

    backend.search = timed


def child_query(folder: Path, engine: str, n: int) -> dict:
    setup(folder, engine)
    from django.test import Client

    from archive.search.engine import get_backend

    if not get_backend().has_index():
        return {"missing": True}
    qs = queries(n)
    client = Client()
    spent = [0.0]
    timing_engine_calls(get_backend(), spent)
    for q, sort, page in qs[:10]:  # warm up: the searcher, caches, templates
        client.get("/search/?" + urlencode({"q": q, "sort": sort, "page": page}))
    times, kinds, engine, cpu = [], [], [], []
    for i, (q, sort, page) in enumerate(qs):
        url = "/search/?" + urlencode({"q": q, "sort": sort, "page": page})
        spent[0] = 0.0
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
        engine.append(spent[0] * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        kinds.append(KINDS[i % 4] if i < 4 * len(PHRASES) else "mixed")
    current, peak = peak_mb()
    return {
        "times": times,
        "kinds": kinds,
        "engine": engine,
        "cpu": cpu,
        "rss_mb": current,
        "peak_mb": peak,
        "size": index_size(get_backend()),
    }


def child_paired(folder: Path, n: int) -> dict:
    """The same queries on every engine in turn, query by query, in one process: the ratios are
    measured at the same moments, whatever else the machine is doing."""
    setup(folder, "tantivy")
    from django.conf import settings
    from django.test import Client
    from haystack import connections

    engines = engines_built(folder)
    client, times = Client(), {e: [] for e in engines}
    for i, (q, sort, page) in enumerate(queries(n)):
        url = "/search/?" + urlencode({"q": q, "sort": sort, "page": page})
        for engine in engines if i % 2 else reversed(engines):
            settings.HAYSTACK_CONNECTIONS["default"].update(
                ENGINE=settings.SEARCH_ENGINES[engine], PATH=str(folder / "search_index" / engine)
            )
            connections.reload("default")
            if i == 0:
                client.get(url)  # warm up this engine's searcher
            started = time.perf_counter()
            client.get(url)
            times[engine].append((time.perf_counter() - started) * 1000)
    return times


def run_child(*args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--statements", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--keep", required=True, help="folder for the archive and indexes (reused if it exists)")
    parser.add_argument("--pg", help="PostgreSQL URL for the comparison (a scratch table is made and dropped)")
    parser.add_argument("--no-sql", action="store_true", help="skip the FTS5 and PostgreSQL comparisons")
    parser.add_argument("--reuse-index", action="store_true", help="query the kept indexes without rebuilding")
    parser.add_argument(
        "--skip-whoosh", action="store_true", help="do not build a Whoosh index (query a kept one if there is one)"
    )
    parser.add_argument(
        "--paired",
        action="store_true",
        help="also time the engines query by query in turn, in one process (fair ratios under load)",
    )
    parser.add_argument(
        "--skip-opensearch", action="store_true", help="do not start osmem-server nor measure the OpenSearch engine"
    )
    parser.add_argument("--child", nargs=2, metavar=("PHASE", "ENGINE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    folder = Path(args.keep).resolve()
    if args.child:
        phase, engine = args.child
        if phase == "paired":
            result = child_paired(folder, args.queries)
        elif phase == "index":
            result = child_index(folder, engine)
        else:
            result = child_query(folder, engine, args.queries)
        print(json.dumps(result))
        return 0

    folder.mkdir(parents=True, exist_ok=True)
    setup(folder, "tantivy")
    from bench.synthetic import ensure_archive

    total = ensure_archive(args.statements)
    print(
        f"{total} statements in {folder}; load {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f} "
        f"{os.getloadavg()[2]:.1f} on {os.cpu_count()} CPUs"
    )

    server = None
    if not args.skip_opensearch:
        from osmem_server import OsmemServer

        server = OsmemServer.start(japanese=False)
        os.environ.update(OPENSEARCH_URL=server.url, OPENSEARCH_INDEX_PREFIX="bench-")  # for the children
    try:
        return measure(args, folder, server)
    finally:
        if server is not None:
            server.close()


def measure(args, folder: Path, server) -> int:
    from archive.search.service import resolve_country

    views: dict[str, dict] = {}
    for engine in ENGINES:
        index_dir = folder / "search_index" / engine
        if engine == "opensearch" and server is None:
            continue
        skip = engine == "whoosh" and args.skip_whoosh
        if not skip and not (args.reuse_index and index_dir.exists() and engine != "opensearch"):
            built = run_child("--keep", str(folder), "--child", "index", engine)
            print(
                f"{label(engine):8} indexing: {built['count']} statements in {built['seconds']:.1f} s = "
                f"{built['count'] / built['seconds']:.0f} statements/s ({built['count'] / built['cpu']:.0f} per "
                f"CPU-second of the process); index {built['size'] / 2**20:.1f} MB; "
                f"peak memory of the indexing process {built['peak_mb']:.0f} MB"
            )
        result = run_child("--keep", str(folder), "--queries", str(args.queries), "--child", "query", engine)
        if result.get("missing"):
            print(
                f"{label(engine):8} not measured: no index (built without --skip-whoosh, or kept from an earlier run)"
            )
            continue
        views[engine] = result
        p50, p95 = percentiles(result["times"])
        print(
            f"{label(engine):8} through the view, {len(result['times'])} queries: p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
            f"max {max(result['times']):.0f} ms; query process {result['rss_mb']:.0f} MB resident "
            f"(peak {result['peak_mb']:.0f} MB); index {result['size'] / 2**20:.1f} MB"
        )
        e50, e95 = percentiles(result["engine"])
        c50, c95 = percentiles(result["cpu"])
        print(
            f"          of which the engine (backend.search: ids, count, facets): p50 {e50:.1f} ms, p95 {e95:.1f} ms;"
            f" CPU time of the process per request (its latency on an idle core): p50 {c50:.1f} ms, p95 {c95:.1f} ms"
        )
        if engine == "opensearch":
            print(
                f"          the server process (not counted above): peak {server_peak_mb(server.pid):.0f} MB resident"
            )
        by_kind: dict[str, list[float]] = {}
        for kind, ms in zip(result["kinds"], result["times"], strict=True):
            by_kind.setdefault(kind, []).append(ms)
        print(
            "          "
            + "  ".join(f"{k} p50 {percentiles(v)[0]:.1f} / p95 {percentiles(v)[1]:.1f}" for k, v in by_kind.items())
        )
    if args.paired and len(views) > 1:
        paired = run_child("--keep", str(folder), "--queries", str(args.queries), "--child", "paired", "-")
        t50, t95 = percentiles(paired["tantivy"])
        for engine, times in paired.items():
            a, b = percentiles(times)
            print(
                f"{label(engine):8} paired with the other engines, query by query: p50 {a:.1f} ms (x{a / t50:.1f} tantivy), "
                f"p95 {b:.1f} ms (x{b / t95:.1f})"
            )
    others: dict[str, list[float]] = {}
    if not args.no_sql:
        qs = queries(args.queries)
        others["SQLite FTS5 (bare SQL)"] = fts5_bench(qs, resolve_country, folder)
        if args.pg:
            pg = pg_bench(qs, resolve_country, args.pg)
            if pg:
                others["PostgreSQL FTS (bare SQL)"] = pg
    base = views.get("tantivy")
    if base is None:
        return 0
    t50, t95 = percentiles(base["times"])
    print(f"\nRatios to tantivy through the view (p50 {t50:.1f} ms, p95 {t95:.1f} ms); >1 means slower than tantivy:")
    rows = [(f"{label(e)} through the view", v["times"]) for e, v in views.items() if e != "tantivy"] + list(
        others.items()
    )
    for name, times in rows:
        a, b = percentiles(times)
        print(f"  {name:50} p50 {a:8.1f} ms (x{a / t50:5.1f})   p95 {b:8.1f} ms (x{b / t95:5.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
