"""Search benchmark: indexing throughput, index size, peak memory and query latency through the
Django view, at archive sizes built from the real shared statements (bench/synthetic.py says how),
with the same queries run against SQLite FTS5 and (when reachable) PostgreSQL full-text search.

    python bench/search_bench.py [--statements 10000] [--queries 200] [--pg postgres://postgres@127.0.0.1:5432/postgres]
    python bench/search_bench.py --statements 100000 --keep var/bench-100k      # the whole-corpus scale

Whoosh is timed through the whole view (/search/?q=...: parse, search, 5 facets, who-says-most,
20 results loaded from the database and highlighted, page rendered). FTS5 and PostgreSQL are timed
as the bare SQL for the same work (count, 20 snippets, 5 facet counts): the ratios flatter them.
"""

from __future__ import annotations

import argparse
import itertools
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TERMS = [
    "ceasefire",
    "humanitarian",
    "sanctions",
    "climate",
    "terrorism",
    "Libya",
    "Syria",
    "Yemen",
    "Afghanistan",
    "Sudan",
    "Mali",
    "refugees",
    "elections",
    "peacekeeping",
    "women",
    "children",
    "pandemic",
    "nuclear",
    "accountability",
    "Iraq",
    "Somalia",
    "displacement",
    "famine",
    "cholera",
    "mediation",
    "reconciliation",
    "Myanmar",
    "Colombia",
    "Haiti",
    "Lebanon",
]
PHRASES = [
    '"rule of law"',
    '"humanitarian access"',
    '"political process"',
    '"international humanitarian law"',
    '"peace and security"',
    '"two-State solution"',
    '"chemical weapons"',
    '"climate change"',
    '"sexual violence"',
    '"civilian population"',
    '"human rights"',
    '"peace agreement"',
    '"Secretary-General"',
    '"regional organizations"',
    '"maintenance of international peace"',
    '"humanitarian situation"',
    '"protection of civilians"',
    '"political solution"',
    '"constructive dialogue"',
    '"territorial integrity"',
]
BOOLEAN = [
    "Syria OR Yemen",
    "sanctions -Iran",
    "(Libya OR Sudan) ceasefire",
    "climate security",
    "women peace security",
    "humanitarian -Syria",
    "(Mali OR Niger) terrorism",
    "elections OR referendum",
    "refugees returns -Syria",
    '"human rights" accountability',
    "nuclear OR chemical",
    "pandemic ceasefire",
    "(Iraq OR Syria) ISIL",
    "children armed conflict",
    "hunger OR famine",
    "peacekeeping -Mali",
]
FILTERS = [
    "country:France climate",
    'country:"Russian Federation" sanctions',
    "speaker:Nebenzia",
    "resolution:2334",
    "resolution:2254 ceasefire",
    "year:2019 ceasefire",
    "date:2020-01..2020-03 pandemic",
    "role:president",
    "language:French peace",
    "country:China development",
    'country:"United States of America" Iran',
    "role:secretariat humanitarian",
    "year:2018 Syria",
    "language:Arabic Palestine",
    "country:Germany climate",
    "resolution:1325 women",
    "country:Belgium -role:president",
    "date:2019..2020 elections",
]
KINDS = {"term": TERMS, "phrase": PHRASES, "boolean": BOOLEAN, "filter": FILTERS}


def queries(n: int) -> list[tuple[str, str, int]]:
    """(query, sort, page): terms, phrases, boolean and filters in turn; some sorted, some page 2."""
    pools = [TERMS, PHRASES, BOOLEAN, FILTERS]
    out = [q for q in itertools.chain.from_iterable(itertools.zip_longest(*pools)) if q is not None]
    picked = list(itertools.islice(itertools.cycle(out), n))
    return [
        (q, ("relevance", "newest", "oldest")[i % 3] if i % 5 == 4 else "relevance", 2 if i % 7 == 6 else 1)
        for i, q in enumerate(picked)
    ]


def percentiles(ms: list[float]) -> tuple[float, float]:
    ms = sorted(ms)
    return statistics.median(ms), ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]


def folder_size(path: Path) -> int:
    real = Path(os.path.realpath(path))
    return sum(f.stat().st_size for f in real.iterdir() if f.is_file())


# --------------------------------------------------------------------------- other engines


def rows_for_sql():
    from archive.models import Citation, Statement

    cites: dict[int, list[int]] = {}
    for sid, number in Citation.objects.values_list("statement_id", "number"):
        cites.setdefault(sid, []).append(number)
    for s in Statement.objects.values_list(
        "pk", "text", "delegation__key", "meeting__date", "role", "language", "national_capacity"
    ).iterator(chunk_size=2000):
        pk, text, key, day, role, language, national = s
        yield (
            pk,
            text,
            key or "",
            day.year if day else 0,
            day.isoformat() if day else "",
            role,
            (language or "English").lower(),
            cites.get(pk, []),
        )


def split(text: str, resolve):
    """Our query -> (free text in websearch syntax, SQL conditions [(column, op, value)])."""
    from archive.search import query as ql

    parsed = ql.parse(text)
    words, where = [], []
    for part in parsed.parts:
        negated = isinstance(part, ql.Not)
        node = part.node if negated else part
        if isinstance(node, ql.Filter):
            value = node.value
            if node.name == "country":
                cond = ("key", "=", resolve(value) or value.lower())
            elif node.name == "year":
                cond = ("year", "=", int(value))
            elif node.name in ("date",):
                span = ql.parse_date_span(value)
                cond = ("day", "between", (span.start.isoformat(), span.end.isoformat()))
            elif node.name == "role":
                cond = ("role", "=", ql.ROLE_ALIASES.get(value.lower(), value))
            elif node.name == "language":
                cond = ("language", "=", value.lower())
            elif node.name == "resolution":
                cond = ("resolution", "=", int(value))
            elif node.name == "speaker":
                words.append(("-" if negated else "") + value)
                continue
            else:
                continue
            where.append((negated, cond))
        else:
            words.append(ql.to_text(part, top=False) if not negated else "-" + ql.to_text(node, top=False))
    return " ".join(words), where


def fts5_bench(qs, resolve, folder: Path) -> list[float]:
    import sqlite3

    db = sqlite3.connect(folder / "fts5.sqlite3")
    db.executescript("""
        DROP TABLE IF EXISTS st; DROP TABLE IF EXISTS fts; DROP TABLE IF EXISTS cites;
        CREATE TABLE st (id INTEGER PRIMARY KEY, key TEXT, year INT, day TEXT, role TEXT, language TEXT);
        CREATE TABLE cites (statement INT, resolution INT);
        CREATE VIRTUAL TABLE fts USING fts5(text, tokenize='porter unicode61');
    """)
    for pk, text, key, year, day, role, language, cites in rows_for_sql():
        db.execute("INSERT INTO st VALUES (?,?,?,?,?,?)", (pk, key, year, day, role, language))
        db.execute("INSERT INTO fts(rowid, text) VALUES (?,?)", (pk, text))
        db.executemany("INSERT INTO cites VALUES (?,?)", [(pk, n) for n in cites])
    db.executescript(
        "CREATE INDEX cites_r ON cites(resolution); CREATE INDEX cites_s ON cites(statement);"
        "CREATE INDEX st_key ON st(key); CREATE INDEX st_year ON st(year);"
    )
    db.commit()
    times = []
    for text, _sort, _page in qs:
        free, where = split(text, resolve)
        match = fts5_match(free)
        conds, params = [], []
        if match:
            conds.append("st.id IN (SELECT rowid FROM fts WHERE fts MATCH ?)")
            params.append(match)
        for negated, (col, op, value) in where:
            if col == "resolution":
                c, p = "st.id IN (SELECT statement FROM cites WHERE resolution = ?)", [value]
            elif op == "between":
                c, p = "st.day BETWEEN ? AND ?", list(value)
            else:
                c, p = f"st.{col} = ?", [value]
            conds.append(("NOT " if negated else "") + c)
            params += p
        sql_where = " AND ".join(conds) or "1"
        started = time.perf_counter()
        db.execute(f"SELECT count(*) FROM st WHERE {sql_where}", params).fetchone()
        if match:
            db.execute(
                f"SELECT fts.rowid, snippet(fts, 0, '<mark>', '</mark>', '…', 24) FROM fts JOIN st ON st.id = fts.rowid "
                f"WHERE fts MATCH ? AND {sql_where} ORDER BY rank LIMIT 20",
                [match, *params],
            ).fetchall()
        else:
            db.execute(f"SELECT id FROM st WHERE {sql_where} ORDER BY day DESC LIMIT 20", params).fetchall()
        for col in ("key", "year", "role", "language"):
            db.execute(f"SELECT {col}, count(*) FROM st WHERE {sql_where} GROUP BY {col}", params).fetchall()
        db.execute(
            f"SELECT resolution, count(*) FROM cites WHERE statement IN (SELECT id FROM st WHERE {sql_where}) "
            "GROUP BY resolution",
            params,
        ).fetchall()
        times.append((time.perf_counter() - started) * 1000)
    return times


def fts5_match(free: str) -> str:
    """websearch-like text -> an FTS5 expression (every word a quoted string)."""
    import re

    tokens = re.findall(r'-?"[^"]*"|\(|\)|\bOR\b|-?[^\s()"]+', free)
    out: list[str] = []
    for t in tokens:
        neg = t.startswith("-") and len(t) > 1
        body = t[1:] if neg else t
        if body in ("(", ")", "OR"):
            out.append(body)
            continue
        words = re.findall(r"\w+", body)
        if not words:
            continue
        term = '"' + " ".join(words) + '"'
        if neg:
            out.append("NOT " + term)
        else:
            if out and out[-1] not in ("(", "OR") and not out[-1].startswith("NOT"):
                out.append("AND")
            out.append(term)
    expr = " ".join(out).replace("( AND", "(")
    if expr.startswith("NOT "):
        return ""
    return expr


def pg_bench(qs, resolve, url: str) -> list[float] | None:
    try:
        import psycopg

        conn = psycopg.connect(url, connect_timeout=5, autocommit=True)
    except Exception as exc:  # noqa: BLE001 - any failure: report and skip the comparison
        print(f"PostgreSQL not used ({exc.__class__.__name__}: {exc})")
        return None
    with conn.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_search")
        cur.execute("""CREATE TABLE bench_search (id bigint PRIMARY KEY, text text, key text, year int, day date,
                       role text, language text, resolutions int[],
                       tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', text)) STORED)""")
        with cur.copy("COPY bench_search (id, text, key, year, day, role, language, resolutions) FROM STDIN") as copy:
            for pk, text, key, year, day, role, language, cites in rows_for_sql():
                copy.write_row((pk, text, key, year, day or None, role, language, cites))
        cur.execute("CREATE INDEX ON bench_search USING gin (tsv)")
        cur.execute("CREATE INDEX ON bench_search USING gin (resolutions)")
        cur.execute("ANALYZE bench_search")
    times = []
    with conn.cursor() as cur:
        for text, _sort, _page in qs:
            free, where = split(text, resolve)
            conds, params = [], []
            if free:
                conds.append("tsv @@ websearch_to_tsquery('english', %s)")
                params.append(free)
            for negated, (col, op, value) in where:
                if col == "resolution":
                    c, p = "resolutions @> ARRAY[%s]::int[]", [value]
                elif op == "between":
                    c, p = "day BETWEEN %s AND %s", list(value)
                else:
                    c, p = f"{col} = %s", [value]
                conds.append(("NOT " if negated else "") + c)
                params += p
            sql_where = " AND ".join(conds) or "true"
            started = time.perf_counter()
            cur.execute(f"SELECT count(*) FROM bench_search WHERE {sql_where}", params)
            cur.fetchone()
            if free:
                cur.execute(
                    f"SELECT id, ts_headline('english', text, websearch_to_tsquery('english', %s), "
                    f"'StartSel=<mark>, StopSel=</mark>, MaxFragments=2') FROM (SELECT * FROM bench_search WHERE "
                    f"{sql_where} ORDER BY ts_rank(tsv, websearch_to_tsquery('english', %s)) DESC LIMIT 20) top",
                    [free, *params, free],
                )
            else:
                cur.execute(f"SELECT id FROM bench_search WHERE {sql_where} ORDER BY day DESC LIMIT 20", params)
            cur.fetchall()
            for col in ("key", "year", "role", "language"):
                cur.execute(f"SELECT {col}, count(*) FROM bench_search WHERE {sql_where} GROUP BY {col}", params)
                cur.fetchall()
            cur.execute(
                f"SELECT r, count(*) FROM bench_search, unnest(resolutions) r WHERE {sql_where} GROUP BY r", params
            )
            cur.fetchall()
            times.append((time.perf_counter() - started) * 1000)
        cur.execute("DROP TABLE bench_search")
    return times


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--statements", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--pg", help="PostgreSQL URL for the comparison (a scratch table is made and dropped)")
    parser.add_argument("--no-sql", action="store_true", help="skip the FTS5 and PostgreSQL comparisons")
    parser.add_argument("--keep", help="keep the database and index in this folder (reused if it exists)")
    parser.add_argument("--reuse-index", action="store_true", help="with --keep: time queries on the kept index")
    parser.add_argument("--procs", type=int, help="indexing worker processes (default: as rebuild_search_index)")
    parser.add_argument(
        "--profile", metavar="FILE", help="profile the timed view requests with pyinstrument; its report goes to FILE"
    )
    parser.add_argument(
        "--only", choices=("term", "phrase", "boolean", "filter"), help="time (and profile) only this class of query"
    )
    args = parser.parse_args(argv)
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="search-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ["SEARCH_INDEX_DIR"] = str(folder / "search_index")
    os.environ["SEARCH_RATE"] = "1000000/m"  # one client asks everything: the per-client limit is not measured
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    import django

    django.setup()
    from django.test import Client

    from archive.search import upkeep
    from archive.search.engine import get_backend
    from archive.search.service import resolve_country
    from bench.synthetic import ensure_archive

    total = ensure_archive(args.statements)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if args.reuse_index and get_backend().has_index():
        print(f"\n{total} statements. Index reused: {folder_size(get_backend().index_path) / 2**20:.1f} MB on disk")
    else:
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        started, cpu_started = time.perf_counter(), time.process_time()
        count = upkeep.rebuild(procs=args.procs)
        seconds = time.perf_counter() - started
        main_cpu = time.process_time() - cpu_started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        worker_cpu = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
        cpu_seconds = main_cpu + worker_cpu
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        size = folder_size(get_backend().index_path)
        print(
            f"\n{total} statements. Index: {count} documents in {seconds:.1f} s = {count / seconds:.0f} statements/s,"
            f" {size / 2**20:.1f} MB on disk, peak memory {rss_after / 1024:.0f} MB "
            f"(before indexing {rss_before / 1024:.0f} MB; workers' peak {after.ru_maxrss / 1024:.0f} MB)"
        )
        print(
            f"  CPU: {main_cpu:.1f} s in this process + {worker_cpu:.1f} s in worker processes = "
            f"{count / cpu_seconds:.0f} statements per CPU-second; on {os.cpu_count()} idle cores about "
            f"{count / max(main_cpu, cpu_seconds / (os.cpu_count() or 1)):.0f} statements/s "
            f"(load average {os.getloadavg()[0]:.1f} during this run)"
        )

    qs = queries(args.queries)
    client = Client()
    for q, sort, page in qs[:10]:  # warm up: first searcher, analyzer caches, templates
        client.get("/search/?" + urlencode({"q": q, "sort": sort, "page": page}))
    by_kind: dict[str, list[float]] = {}
    times: list[float] = []
    cpu: list[float] = []  # CPU time of this process: what the other users of a shared machine do not inflate
    profiler = None
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
    for i, (q, sort, page) in enumerate(qs):
        kind = ("term", "phrase", "boolean", "filter")[i % 4] if i < 4 * len(PHRASES) else "mixed"
        if args.only and (kind != args.only and q not in KINDS[args.only]):
            continue
        url = "/search/?" + urlencode({"q": q, "sort": sort, "page": page})
        t0, c0 = time.perf_counter(), time.process_time()
        response = client.get(url)
        ms = (time.perf_counter() - t0) * 1000
        cpu.append((time.process_time() - c0) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        times.append(ms)
        by_kind.setdefault(kind, []).append(ms)
    if profiler is not None:
        profiler.stop()
        Path(args.profile).write_text(
            profiler.output_text(unicode=True)
            + "\nBy own time:\n"
            + "\n".join(profiler.output_text(flat=True, show_all=True).splitlines()[:60])
        )
        print(f"Profile of the timed requests written to {args.profile}")
    p50, p95 = percentiles(times)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"Whoosh through the view, {len(times)} queries: p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {max(times):.0f} ms; "
        f"peak memory of this process {peak:.0f} MB"
    )
    c50, c95 = percentiles(cpu)
    print(f"  CPU time of those requests: p50 {c50:.1f} ms, p95 {c95:.1f} ms (load average {os.getloadavg()[0]:.1f})")
    for kind, values in by_kind.items():
        a, b = percentiles(values)
        print(f"  {kind:8} n={len(values):3}  p50 {a:6.1f} ms  p95 {b:6.1f} ms")
    if args.no_sql:
        return 0
    resolve = resolve_country
    fts = fts5_bench(qs, resolve, folder)
    f50, f95 = percentiles(fts)
    print(
        f"SQLite FTS5 (bare SQL), same queries: p50 {f50:.1f} ms, p95 {f95:.1f} ms "
        f"-> Whoosh view / FTS5: p50 x{p50 / f50:.1f}, p95 x{p95 / f95:.1f}"
    )
    if args.pg:
        pg = pg_bench(qs, resolve, args.pg)
        if pg:
            g50, g95 = percentiles(pg)
            print(
                f"PostgreSQL FTS (bare SQL), same queries: p50 {g50:.1f} ms, p95 {g95:.1f} ms "
                f"-> Whoosh view / PostgreSQL: p50 x{p50 / g50:.1f}, p95 x{p95 / g95:.1f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
