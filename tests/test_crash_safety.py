"""Crash safety: `import_records` killed with SIGKILL at many points leaves every meeting whole or
absent, and `repair_search_index` brings the search index back in step with the database.

The import runs as a real subprocess (`manage.py import_records` over real 2020 records) against a
database of its own of the vendor under test: a SQLite file, or a PostgreSQL database beside the
test database. A first, unkilled run measures how long the import takes; each later run is killed
after a delay spread over that time (parsing, a meeting's transaction, the index update). After
each kill the database is read, and the repair command run, by further subprocesses.

CI kills 3 times per vendor; the long form: ``KILL_POINTS=40 pytest tests/test_crash_safety.py``.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time

import pytest

from .conftest import ROOT, parsed, require_shared

RECORDS = [
    "S_PV.8698_E.txt",
    "S_PV.8700_E.txt",
    "S_PV.8702_E.txt",
    "S_PV.8703_E.txt",
    "S_PV.8707_E.txt",
    "S_PV.8708_E.txt",
]
KILL_POINTS = int(os.environ.get("KILL_POINTS", "3"))

# Read back by a subprocess: how many stored counts (delegations, speakers, resolutions, years)
# disagree with the rows; each meeting's stored statement count, its statement and citation rows;
# then the repair command, and what a second (dry) repair and the index itself say afterwards.
CHECK = """
import io, json
from django.core.management import call_command
from django.db.models import Count
from archive.models import Citation, Meeting, Statement
from archive.search.engine import get_backend
from archive.stats import refresh_summaries
stale_counts = refresh_summaries(new_version=False)  # stored counts the rows contradict
rows = dict(Statement.objects.values_list("meeting__slug").annotate(n=Count("id")))
cites = dict(Citation.objects.values_list("statement__meeting__slug").annotate(n=Count("id")))
meetings = {m.slug: [m.statement_count, rows.get(m.slug, 0), cites.get(m.slug, 0)] for m in Meeting.objects.all()}
before = set(get_backend().indexed_stamps())
repair, dry = io.StringIO(), io.StringIO()
call_command("repair_search_index", stdout=repair)
call_command("repair_search_index", "--dry-run", stdout=dry)
indexed = sorted(get_backend().indexed_stamps())
ids = sorted(str(pk) for pk in Statement.objects.values_list("pk", flat=True))
print(json.dumps({"meetings": meetings, "stale_counts": stale_counts, "index_matched_before": sorted(before) == ids,
                  "repair": repair.getvalue(), "dry": dry.getvalue(), "index_is_db": indexed == ids}))
"""
RESET = """
from django.core.management import call_command
call_command("flush", interactive=False, verbosity=0)
call_command("rebuild_search_index", verbosity=0)
"""


@pytest.fixture
def crash_env(tmp_path):
    """Environment for the subprocesses: their own database (migrated) and search index."""
    url = os.environ.get("DATABASE_URL", "")
    env = {k: v for k, v in os.environ.items() if k != "SQLITE_TEST_NAME"}
    env.update(SEARCH_INDEX_DIR=str(tmp_path / "index"), ARCHIVE_VAR_DIR=str(tmp_path), PYTHONUNBUFFERED="1")
    drop = None
    if url.startswith("postgres"):
        import psycopg

        server, name = url.rsplit("/", 1)
        name = f"test_{name}_crash"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = f"{server}/{name}"

        def drop() -> None:
            with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'crash.sqlite3'}"
    manage(env, "migrate", "--verbosity", "0")
    yield env
    if drop is not None:
        drop()


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def state(env: dict[str, str], *, then_reset: bool = False) -> dict:
    """What the database holds, after repair_search_index; then (same process) both emptied."""
    script = CHECK + (RESET if then_reset else "")
    lines = manage(env, "shell", "--command", script).splitlines()
    return json.loads(next(line for line in reversed(lines) if line.startswith("{")))


def import_command(paths: list[str]) -> list[str]:
    return [sys.executable, str(ROOT / "manage.py"), "import_records", *paths, "--no-progress"]


def test_killed_import_leaves_meetings_whole_or_absent_and_index_repairable(crash_env):
    from archive.models import Meeting

    folder = require_shared() / "meetings" / "text"
    paths = [str(folder / name) for name in RECORDS]
    expected = {}
    for name in RECORDS:
        (meeting,) = parsed(folder / name)
        slug = Meeting.make_slug(meeting.symbol, meeting.number, meeting.resumption)
        citations = sum(len(s.citations) for s in meeting.statements)
        expected[slug] = [len(meeting.statements), len(meeting.statements), citations]

    manage(crash_env, "shell", "--command", RESET)
    started = time.monotonic()
    manage(crash_env, *import_command(paths)[2:])
    duration = time.monotonic() - started
    whole = state(crash_env, then_reset=True)
    assert whole["meetings"] == expected and whole["index_matched_before"] and whole["index_is_db"]
    assert whole["stale_counts"] == 0

    rng = random.Random(8)
    seen = []
    for point in range(KILL_POINTS):
        delay = duration * (point + rng.random()) / KILL_POINTS  # spread over the whole run
        process = subprocess.Popen(
            import_command(paths), env=crash_env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        killed = process.wait(timeout=60) == -signal.SIGKILL
        after = state(crash_env, then_reset=point < KILL_POINTS - 1)  # the last one is left for the re-import
        for slug, counts in after["meetings"].items():
            assert counts == expected[slug], f"kill after {delay:.2f}s: {slug} is partial: {counts} != {expected[slug]}"
        assert after["stale_counts"] == 0, f"kill after {delay:.2f}s: {after['stale_counts']} stored counts stale"
        assert after["index_is_db"], f"kill after {delay:.2f}s: {after['repair']} / {after['dry']}"
        assert " 0 missing, 0 stale and 0 orphaned" in after["dry"], after["dry"]
        seen.append((round(delay, 2), killed, len(after["meetings"]), after["index_matched_before"]))

    # After the last kill, importing again completes what was cut short.
    manage(crash_env, *import_command(paths)[2:])
    final = state(crash_env)
    assert final["meetings"] == expected and final["index_matched_before"] and final["index_is_db"]
    print(f"\nimport {duration:.2f}s; kills (delay s, killed, meetings stored, index already in step): {seen}")
    assert any(killed for _, killed, _, _ in seen), "no run was killed before it finished"


# --------------------------------------------------------------------------- two imports at once

SPEAKERS = """
import json
from archive.models import Speaker
print(json.dumps(sorted(Speaker.objects.values_list("slug", "surname_key", "delegation__key", "statement_count"))))
"""
HOLD = """
import sys
from archive.importing import import_lock
with import_lock("holder-test", ["somewhere"]):
    print("held", flush=True)
    sys.stdin.readline()
"""


def speakers(env: dict[str, str]) -> list:
    lines = manage(env, "shell", "--command", SPEAKERS).splitlines()
    return json.loads(next(line for line in reversed(lines) if line.startswith("[")))


def test_two_imports_of_one_folder_at_once_make_each_speaker_once(crash_env):
    """Two `import_records` of the same records at once made Mr. Dang twice (dang-vnm, dang-vnm-2) on
    SQLite and killed the second run with an IntegrityError on PostgreSQL: they now take turns."""
    folder = require_shared() / "meetings" / "text"
    paths = [str(folder / name) for name in RECORDS]
    manage(crash_env, *import_command(paths)[2:])
    alone = speakers(crash_env)
    assert any(slug == "dang-vnm" for slug, *_ in alone)
    manage(crash_env, "shell", "--command", RESET)

    runs = [  # one in each order, so that both soon meet a speaker the other is creating (Mr. Dang presides)
        subprocess.Popen(import_command(order), env=crash_env, cwd=ROOT, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
        for order in (paths, paths[::-1])
    ]  # fmt: skip
    outputs = [run.communicate(timeout=300) for run in runs]
    for run, (_, err) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, err[-3000:]
    assert speakers(crash_env) == alone
    assert sorted(out.splitlines()[-2][:31] for out, _ in outputs) == [
        "Meetings: 0 created, 0 replaced",
        "Meetings: 6 created, 0 replaced",
    ]
    assert state(crash_env)["stale_counts"] == 0


def test_an_import_waits_for_the_run_holding_the_lock_and_names_it(crash_env):
    import queue
    import threading

    folder = require_shared() / "meetings" / "text"
    holder = subprocess.Popen([sys.executable, str(ROOT / "manage.py"), "shell", "--command", HOLD], env=crash_env,
                              cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert any(line.strip() == "held" for line in holder.stdout)
        second = subprocess.Popen(import_command([str(folder / RECORDS[0])]), env=crash_env, cwd=ROOT,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: [lines.put(line) for line in second.stderr], daemon=True).start()
        said = lines.get(timeout=120)
        assert "another import holds the import lock (pid" in said and "holder-test somewhere" in said, said
        time.sleep(1)
        assert second.poll() is None  # still waiting
    finally:
        holder.communicate("\n", timeout=60)
    assert second.wait(timeout=300) == 0
    assert "Meetings: 1 created" in second.stdout.read()
